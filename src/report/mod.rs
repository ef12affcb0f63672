//! The answer of a check or a replay, as data: a [`Report`] with its [`Verdict`], the
//! [`Checker`] that ran, what it covered ([`Coverage`]) and, for real threads, the
//! [`TrialStats`]; bfs's [`Exploration`] and an all-sizes [`Proof`]. `crate::check` produces reports; `crate::render` prints them; the JSON
//! output is their [`Serialize`] form, documented field by field in docs/json.md.

mod checker;
mod coverage;
mod exploration;
mod handle;
mod proof;
mod trials;

pub use checker::Checker;
pub use coverage::{BoundedSearch, Coverage, preemptions};
pub use exploration::{Exploration, Finding, PathStep, Stats, thousands};
pub use handle::{MalformedHandle, ReplayHandle, ReplayKind};
pub use proof::{Answer, ClauseName, Countermodel, Discharged, Goal, Proof, Witness};
pub use trials::TrialStats;

use crate::outcome::{Counterexample, Property};
use crate::scenario::{Protocol, Scenario};
use serde::Serialize;
use std::fmt;

/// How strong the answer is. Never rounded up: `proved` only for an exhaustive search, or for
/// an all-sizes proof whose every obligation was discharged.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Verdict {
    /// Exhaustive search found no violation: loom without a preemption bound, or bfs over
    /// every reachable state.
    Proved,
    /// An all-sizes proof discharged every obligation: the properties hold for every size
    /// in `sizes` (`--checker induction`).
    ProvedForEverySize {
        /// The sizes, in words: `W >= 1, J >= 0, C >= 1` and the claim's own constraints.
        sizes: String,
    },
    /// Exhaustive search up to `preemptions` preemptions found no violation.
    Bounded {
        /// The search's preemption bound.
        preemptions: usize,
    },
    /// A sampled search found no violation in `schedules` schedules.
    NoCounterexample {
        /// Schedules (or trials) run.
        schedules: u64,
        /// The scheduler's seed (`None` for real threads, which have none).
        seed: Option<u64>,
    },
    /// A counterexample was found.
    Violated,
    /// A search limit was hit before an answer.
    Inconclusive {
        /// Which limit, and how far the search got, in words.
        reason: String,
    },
}

impl Verdict {
    /// The verdict's name in JSON and tables.
    pub fn name(&self) -> &'static str {
        match self {
            Verdict::Proved | Verdict::ProvedForEverySize { .. } => "proved",
            Verdict::Bounded { .. } => "bounded",
            Verdict::NoCounterexample { .. } => "no_counterexample",
            Verdict::Violated => "violated",
            Verdict::Inconclusive { .. } => "inconclusive",
        }
    }

    /// The process exit code for this verdict (the CLI contract): 0 holds within the stated
    /// bounds, 1 violated, 3 inconclusive.
    pub fn exit_code(&self) -> u8 {
        match self {
            Verdict::Proved
            | Verdict::ProvedForEverySize { .. }
            | Verdict::Bounded { .. }
            | Verdict::NoCounterexample { .. } => 0,
            Verdict::Violated => 1,
            Verdict::Inconclusive { .. } => 3,
        }
    }
}

/// The verdict as a statement: `proved`, `proved for every W >= 1, J >= 0, C >= 1`, `verified
/// up to 2 preemptions`, `no counterexample in 200 schedules (seed 7)`, `violated`,
/// `inconclusive: <reason>`.
impl fmt::Display for Verdict {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Verdict::Proved => f.write_str("proved"),
            Verdict::ProvedForEverySize { sizes } => write!(f, "proved for every {sizes}"),
            Verdict::Bounded { preemptions } => {
                write!(f, "verified up to {}", coverage::preemptions(*preemptions))
            }
            Verdict::NoCounterexample {
                schedules,
                seed: Some(seed),
            } => write!(
                f,
                "no counterexample in {schedules} schedules (seed {seed})"
            ),
            Verdict::NoCounterexample {
                schedules,
                seed: None,
            } => write!(f, "no counterexample in {schedules} trials"),
            Verdict::Violated => f.write_str("violated"),
            Verdict::Inconclusive { reason } => write!(f, "inconclusive: {reason}"),
        }
    }
}

/// What ran to produce a report: a search by a checker, or the replay of one execution.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Run {
    /// `check`: a search.
    Search(Checker),
    /// `replay`: the execution a handle names, rerun.
    Replay(ReplayHandle),
}

impl Run {
    /// The checker's name, or for a replay the engine that replayed it (`loom`, `shuttle`).
    pub fn checker_name(&self) -> &'static str {
        match self {
            Run::Search(checker) => checker.name(),
            Run::Replay(handle) => handle.kind.engine(),
        }
    }
}

/// The answer of one check or replay.
#[derive(Clone, Debug)]
pub struct Report {
    /// What was checked.
    pub scenario: Scenario,
    /// The properties every execution was judged by, in the order they were judged.
    pub properties: Vec<Property>,
    /// The search (or replay) that ran.
    pub run: Run,
    /// How far it got.
    pub coverage: Coverage,
    /// How strong the answer is.
    pub verdict: Verdict,
    /// Executions (schedules, trials) run, counted by drainproof at the start of each. For
    /// loom, those of the last search (see docs/json.md).
    pub executions: u64,
    /// Wall-clock time of the whole check.
    pub seconds: f64,
    /// The shortest violating execution found, if any.
    pub counterexample: Option<Counterexample>,
    /// Real-threads statistics, like the seed's `%d%% passed`.
    pub trials: Option<TrialStats>,
    /// The breadth-first search's state space and, for a violation, its shortest abstract
    /// execution (`--checker bfs`; for `--checker induction`, the search that found a
    /// reachable violation after a failed obligation).
    pub exploration: Option<Exploration>,
    /// The all-sizes proof's obligations (`--checker induction` only).
    pub proof: Option<Proof>,
}

impl Report {
    /// What was checked, in words: the scenario (`sentinel W=2 J=2 C=1`) or, for an all-sizes
    /// proof, every scenario of its target (`sentinel, every W >= 1, J >= 0, C >= 1`).
    pub fn subject(&self) -> String {
        match &self.run {
            Run::Search(checker) => checker.subject(&self.scenario),
            Run::Replay(_) => self.scenario.to_string(),
        }
    }

    /// Whether the report is about every size rather than the scenario's own.
    fn all_sizes(&self) -> bool {
        matches!(self.run, Run::Search(Checker::Induction { .. }))
    }

    /// The bounds the verdict holds within, in words: what the search covered.
    pub fn bounds(&self) -> String {
        match &self.run {
            Run::Search(checker) => self.coverage.words(checker),
            Run::Replay(handle) => Coverage::replay_words(handle),
        }
    }

    /// The property the verdict is about, as the JSON's `property` field names it: the one
    /// violated, or without a counterexample every property checked, comma-separated.
    pub fn property(&self) -> String {
        match &self.counterexample {
            Some(cx) => cx.property.name().to_string(),
            None => {
                let names: Vec<&str> = self.properties.iter().map(|p| p.name()).collect();
                names.join(",")
            }
        }
    }
}

/// The JSON object of one run, the contract of docs/json.md: one shape for `check` and
/// `replay`. Two of its fields are words derived from others (`bounds`, `statement`) and one
/// depends on whether a counterexample was found (`property`), so the derive is on this view
/// of a report rather than on [`Report`] itself.
#[derive(Serialize)]
struct Json<'a> {
    protocol: Protocol,
    workers: Option<usize>,
    jobs: Option<usize>,
    pipe_capacity: Option<usize>,
    sentinels: Option<usize>,
    prefilled: bool,
    properties: &'a [Property],
    property: String,
    checker: &'static str,
    bounds: String,
    coverage: &'a Coverage,
    verdict: &'static str,
    statement: String,
    executions: u64,
    seconds: f64,
    counterexample: Option<&'a Counterexample>,
    trials: Option<&'a TrialStats>,
    handle: Option<String>,
    bfs: Option<&'a Exploration>,
    induction: Option<&'a Proof>,
}

impl Serialize for Report {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let s = &self.scenario;
        // An all-sizes proof has no sizes of its own: `induction.sizes` says which it covers.
        let size = |value: usize| (!self.all_sizes()).then_some(value);
        Json {
            protocol: s.protocol,
            workers: size(s.workers),
            jobs: size(s.jobs),
            pipe_capacity: size(s.pipe_capacity),
            sentinels: size(s.sentinel_count()),
            prefilled: s.prefilled,
            properties: &self.properties,
            property: self.property(),
            checker: self.run.checker_name(),
            bounds: self.bounds(),
            coverage: &self.coverage,
            verdict: self.verdict.name(),
            statement: self.verdict.to_string(),
            executions: self.executions,
            seconds: self.seconds,
            counterexample: self.counterexample.as_ref(),
            trials: self.trials.as_ref(),
            handle: match &self.run {
                Run::Replay(handle) => Some(handle.to_string()),
                Run::Search(_) => None,
            },
            bfs: self.exploration.as_ref(),
            induction: self.proof.as_ref(),
        }
        .serialize(serializer)
    }
}
