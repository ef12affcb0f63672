//! The model of `multiprocessing.Queue` and of the threads that use it, written once against
//! [`crate::sync::Backend`].

pub mod queue;
pub mod trace;
pub mod world;

pub use queue::{Observed, Queue, Step};
pub use trace::{EmptyCause, Event, Op, Polled, Snapshot};
pub use world::{Interrupted, Item, JobId, Lane, LaneId, LaneState, Role, Wait, World};
