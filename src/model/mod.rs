//! The model of `multiprocessing.Queue` and of the threads that use it, written once against
//! [`crate::sync::Backend`].
//!
//! - [`runtime`]: the threads (lanes), their waits, joins and the hang detector.
//! - [`queue`]: `multiprocessing.Queue` itself, step by step after queues.py.
//! - [`world`]: the data every step reads and writes; [`trace`]: what each step did.

pub mod queue;
pub mod runtime;
pub mod trace;
pub mod world;

pub use queue::{Observed, Queue};
pub use runtime::{Host, Runtime, Step};
pub use trace::{EmptyCause, Event, Op, Polled, Snapshot};
pub use world::{Interrupted, Item, JobId, Lane, LaneId, LaneState, Role, Wait, World};
