//! The model of `multiprocessing.Queue` and of the threads that use it, written once against
//! the swappable primitives of `crate::sync`.
//!
//! What a user of the crate sees of it is the trace of a counterexample: [`Event`]s made of
//! [`Op`]s and [`Snapshot`]s over the small shared types ([`Item`], [`Wait`], ...). The
//! machinery is internal:
//!
//! - `types`: the small types everything shares;
//! - `trace`: what each step did, and the state after it;
//! - `world`: the data of one execution (one shared structure and its threads);
//! - `runtime`: the threads (lanes), their waits, tokens, joins and the hang detector;
//! - `tracked`: the regions of shared data, each access declaring how it touches them;
//! - `race`: the race check that keeps loom's reduction sound (docs/model.md, 3.12);
//! - `fault`: faults seeded on purpose, switched on by unit tests only;
//! - `queue`: `multiprocessing.Queue` itself, step by step after queues.py;
//! - `channel`: a crossbeam-style channel, the Rust idiom, on the same runtime;
//! - `tap`: a live copy of the trace, for a scheduler that steers by it.

pub(crate) mod channel;
pub(crate) mod fault;
pub(crate) mod queue;
pub(crate) mod race;
pub(crate) mod runtime;
pub(crate) mod tap;
mod trace;
pub(crate) mod tracked;
mod types;
pub(crate) mod world;

pub use trace::{ChannelSnapshot, EmptyCause, Event, Op, Polled, Received, Snapshot};
pub use types::{Item, JobId, LaneId, Wait};
pub(crate) use types::{Observed, Role};
