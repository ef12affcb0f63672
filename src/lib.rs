//! drainproof model-checks job-queue drain protocols over a faithful model of Python's
//! `multiprocessing.Queue` (per-producer buffer, feeder thread, bounded pipe, reader lock,
//! `empty()`), written once against swappable primitives and run under loom (exhaustive),
//! shuttle (random, PCT, DFS) and real threads; as a step relation it is searched
//! breadth-first and, with the `z3` feature, proved for every size by induction.
//!
//! The API is small: describe a [`Scenario`] (a [`Protocol`] and its sizes), pick the
//! [`Property`]s to hold and a [`Checker`], and [`check()`] answers with a [`Report`] whose
//! [`Verdict`] is never rounded up and whose bounds say what the search covered. A violation
//! comes with a [`Counterexample`]: the whole trace, and a handle that [`replay`] reruns step
//! for step. [`render`] prints reports as the command line does; [`catalog`] holds the
//! numbered theorems `drainproof prove` runs.
//!
//! The crate is layered, each layer using only those before it:
//! `sync` (the swappable primitives) -> [`model`] (the queue and channel, written once) ->
//! [`step`] (the same protocols as a step relation, workers counted, which `--checker bfs`
//! explores exhaustively far beyond loom's thread limit and `--checker induction` proves
//! properties of for every size) ->
//! `outcome` (what an execution did, properties, counterexamples) -> `report` (the answer
//! as data) -> [`render`] -> `check` (the checkers) -> [`catalog`]; the command line is the
//! binary's own. Its rules and the model's correspondence to CPython are in docs/model.md.
#![warn(missing_docs)]

pub mod catalog;
mod check;
mod harness;
pub mod model;
mod outcome;
pub mod render;
mod report;
mod scenario;
pub mod step;
mod sync;

pub use check::{CheckError, Options, ReplayError, Unprovable, check, replay};

/// What the crate's benchmarks (`benches/`) measure that the public API does not reach. Not a
/// stable API.
#[doc(hidden)]
pub mod bench {
    pub use crate::check::enumeration::{Cost, cost, smallest};
}
pub use outcome::{Counterexample, Kind, Property};
pub use report::{
    Answer, BoundedSearch, Checker, ClauseName, Countermodel, Coverage, Discharged, Exploration,
    Finding, Goal, MalformedHandle, PathStep, Proof, ReplayHandle, ReplayKind, Report, Run, Stats,
    TrialStats, Verdict, Witness,
};
pub use scenario::{
    InvalidScenario, MAX_JOBS, MAX_PIPE_CAPACITY, MAX_WORKERS, Naming, Protocol, Scenario,
    SentinelRange, Size, Target,
};
