//! Everything drainproof prints, from the data of `crate::report` and `crate::outcome`:
//!
//! - [`report()`]: a check's or a replay's answer as text (the header line, real-threads
//!   statistics, the counterexample) and as JSON;
//! - [`text`] and [`mermaid`]: a counterexample drawn as a table or a diagram;
//! - `words`: the wording of every step and the violation's summary;
//! - `exploration`: the breadth-first checker's measures and its abstract counterexample;
//! - `proof`: the induction checker's measures and its failed obligations.
//!
//! The catalog's tables and docs/proofs.md are drawn by `crate::catalog` with these pieces.

mod chart;
mod exploration;
mod proof;
mod report;
mod words;

pub use chart::{mermaid, text};
pub use report::{counterexample, json, report, size};
pub(crate) use words::summary;
