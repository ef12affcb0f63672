//! The model of `multiprocessing.Queue` and of the threads that use it, written once against
//! [`crate::sync::Backend`].
//!
//! - [`runtime`]: the threads (lanes), their waits, joins and the hang detector.
//! - [`queue`]: `multiprocessing.Queue` itself, step by step after queues.py.
//! - [`channel`]: a crossbeam-style channel, the Rust idiom, on the same runtime.
//! - [`world`]: the data every step reads and writes; [`trace`]: what each step did;
//!   [`tap`]: a copy of it, live, for a scheduler that steers by it.

pub mod channel;
pub mod queue;
pub mod runtime;
pub mod tap;
pub mod trace;
pub mod world;

pub use channel::{Channel, RecvError};
pub use queue::{Observed, Queue};
pub use runtime::{Host, Runtime, Step};
pub use trace::{ChannelSnapshot, EmptyCause, Event, Op, Polled, Received, Snapshot};
pub use world::{
    ChannelState, Interrupted, Item, JobId, Lane, LaneId, LaneState, Role, TryRecvError,
    TrySendError, Wait, World,
};
