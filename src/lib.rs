//! drainproof model-checks job-queue drain protocols over a faithful model of Python's
//! `multiprocessing.Queue` (buffer, feeder thread, bounded pipe, reader lock), with loom
//! (exhaustive), shuttle (random, PCT, DFS) and real threads.
//!
//! - [`sync`]: the swappable primitives ([`sync::Backend`]).
//! - [`model`]: the queue, written once against them.
//! - [`step`]: the same protocols as a step relation with the workers counted, which
//!   `--checker bfs` explores exhaustively at sizes loom cannot reach.
//! - [`harness`]: the seed's `main()` and the protocols' workers.
//! - [`outcome`]: what an execution did, and the properties it is judged by.
//! - [`check`]: one entry point for every checker, with honest verdicts.
//! - [`render`]: counterexamples as text, mermaid and words.
//! - [`catalog`]: the numbered theorems `drainproof prove` runs and docs/proofs.md cites.

pub mod catalog;
pub mod check;
pub mod harness;
pub mod model;
pub mod outcome;
pub mod render;
pub mod scenario;
pub mod step;
pub mod sync;

pub use check::{Checker, Counterexample, Options, Report, Verdict, check, replay};
pub use outcome::Property;
pub use scenario::{Protocol, Scenario};
