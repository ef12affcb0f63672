//! drainproof's integration tests: one test crate with a module per subject (as shuttle's
//! tests are laid out), so that what is expensive is computed once per test process and
//! shared: the catalog's run (`catalog`) serves the per-theorem tests, docs/proofs.md's
//! freshness and the loom proofs of T2's sizes.
//!
//! Tests of the crate's internals (the model's channel and pipe against crossbeam, loom's
//! coverage of shuttle's final states, parsers, wording) are unit tests beside the code.
//!
//! Blessing: `DRAINPROOF_BLESS=1 cargo test --release --features loom,z3` rewrites the golden
//! files, docs/proofs.md, README.md's theorem table and the checked blocks of docs/*.md; review
//! the diff.

mod bfs_cli;
mod bfs_followed;
mod catalog;
mod channel_idiom;
mod check_api;
mod cli;
mod common;
mod docs_traces;
mod golden;
mod induction_cli;
mod json_contract;
mod layers;
mod loom_proofs;
mod proptest_scenarios;
mod replay;
mod shuttle_protocols;
mod threads_seed_experiment;
