//! Checkers, one API: [`check`] takes a scenario, the properties to hold and a [`Checker`],
//! and returns a [`Report`] whose verdict says exactly how strong the search was.

pub mod bfs;
mod handle;
pub mod induction;
#[cfg(feature = "loom")]
mod loom;
mod progress;
mod search;
mod shuttle;
mod threads;

pub use handle::{ReplayHandle, ReplayKind};
pub use search::Counterexample;
pub use threads::TrialStats;

use crate::outcome::Property;
use crate::scenario::{InvalidScenario, Scenario};
use serde::Serialize;
use std::fmt;
use std::time::Instant;

/// Which search to run, with its bounds.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case", tag = "name")]
pub enum Checker {
    /// loom: exhaustive (DPOR). With a preemption bound, exhaustive up to that many
    /// preemptions. Without one, the answer is a proof within the scenario's sizes.
    Loom { preemption_bound: Option<usize> },
    /// shuttle's uniformly random scheduler.
    Random { iterations: usize, seed: u64 },
    /// shuttle's PCT scheduler (probabilistic concurrency testing) with bug depth `depth`.
    Pct {
        iterations: usize,
        seed: u64,
        depth: usize,
    },
    /// shuttle's depth-first search. It does no partial-order reduction: prefer loom.
    Dfs { max_iterations: usize },
    /// Real OS threads: the seed's experiment, `trials` times.
    Threads { trials: usize },
    /// Breadth-first search of the step relation (`crate::step`), workers counted, not
    /// named: exhaustive, a proof within the scenario's sizes; `max_states` stops it early
    /// (then inconclusive).
    Bfs { max_states: Option<u64> },
}

impl Checker {
    pub fn name(&self) -> &'static str {
        match self {
            Checker::Loom { .. } => "loom",
            Checker::Random { .. } => "random",
            Checker::Pct { .. } => "pct",
            Checker::Dfs { .. } => "dfs",
            Checker::Threads { .. } => "threads",
            Checker::Bfs { .. } => "bfs",
        }
    }

    /// The bounds a verdict must be quoted with.
    pub fn bounds(&self) -> String {
        match *self {
            Checker::Loom {
                preemption_bound: None,
            } => "exhaustive, no preemption bound".into(),
            Checker::Loom {
                preemption_bound: Some(k),
            } => format!("exhaustive up to {}", preemptions(k)),
            Checker::Random { iterations, seed } => format!("{iterations} schedules, seed {seed}"),
            Checker::Pct {
                iterations,
                seed,
                depth,
            } => format!("{iterations} schedules, seed {seed}, depth {depth}"),
            Checker::Dfs { max_iterations } => format!("at most {max_iterations} schedules"),
            Checker::Threads { trials } => format!("{trials} trials on real threads"),
            Checker::Bfs { max_states: None } => "exhaustive (workers counted, not named)".into(),
            Checker::Bfs {
                max_states: Some(n),
            } => format!(
                "at most {} states (workers counted, not named)",
                bfs::thousands(n)
            ),
        }
    }
}

/// `1 preemption`, `2 preemptions`.
pub fn preemptions(count: usize) -> String {
    if count == 1 {
        "1 preemption".into()
    } else {
        format!("{count} preemptions")
    }
}

/// How strong the answer is. Never rounded up: see DEVELOPERS.md, "Standards".
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Verdict {
    /// Exhaustive search (loom without a preemption bound, or bfs) found no violation.
    Proved,
    /// Exhaustive search up to `preemptions` preemptions found no violation.
    Bounded { preemptions: usize },
    /// A sampled search found no violation in `schedules` schedules.
    NoCounterexample { schedules: u64, seed: Option<u64> },
    /// A counterexample was found.
    Violated,
    /// A search limit was hit before an answer.
    Inconclusive { reason: String },
}

impl Verdict {
    /// The verdict's name in JSON and tables.
    pub fn name(&self) -> &'static str {
        match self {
            Verdict::Proved => "proved",
            Verdict::Bounded { .. } => "bounded",
            Verdict::NoCounterexample { .. } => "no_counterexample",
            Verdict::Violated => "violated",
            Verdict::Inconclusive { .. } => "inconclusive",
        }
    }

    /// The process exit code for this verdict (the CLI contract).
    pub fn exit_code(&self) -> i32 {
        match self {
            Verdict::Proved | Verdict::Bounded { .. } | Verdict::NoCounterexample { .. } => 0,
            Verdict::Violated => 1,
            Verdict::Inconclusive { .. } => 3,
        }
    }
}

impl fmt::Display for Verdict {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Verdict::Proved => f.write_str("proved"),
            Verdict::Bounded { preemptions } => {
                write!(f, "verified up to {}", self::preemptions(*preemptions))
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

/// Options that do not change the answer.
#[derive(Clone, Copy, Debug, Default)]
pub struct Options {
    /// Show a progress bar on stderr (only drawn when stderr is a terminal).
    pub progress: bool,
    /// loom and bfs: stop a search that runs longer than this. A search cut short finds no
    /// proof: its verdict is `inconclusive` (unless it already found a counterexample, which
    /// stands). loom checks the limit between executions, never inside one.
    pub time_limit: Option<std::time::Duration>,
}

/// The answer of one check.
#[derive(Clone, Debug, Serialize)]
pub struct Report {
    pub scenario: Scenario,
    pub properties: Vec<Property>,
    pub checker: Checker,
    pub verdict: Verdict,
    /// Executions (schedules, trials) run, counted by drainproof at the start of each.
    pub executions: u64,
    pub seconds: f64,
    pub counterexample: Option<Counterexample>,
    /// Real-threads statistics, like the seed's `%d%% passed`.
    pub trials: Option<TrialStats>,
    /// bfs: states, transitions, depth, memory, and the abstract counterexample.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub bfs: Option<bfs::Exploration>,
}

impl Report {
    /// The bounds the verdict holds within: the checker's, and for bfs the states it covered
    /// (`exhaustive: 1,234 states (workers counted, not named)`).
    pub fn bounds(&self) -> String {
        match (&self.bfs, &self.verdict) {
            (Some(bfs), Verdict::Inconclusive { .. } | Verdict::Violated) => format!(
                "not exhaustive: {} states (workers counted, not named)",
                bfs::thousands(bfs.stats.states)
            ),
            (Some(bfs), _) => format!(
                "exhaustive: {} states (workers counted, not named)",
                bfs::thousands(bfs.stats.states)
            ),
            (None, _) => self.checker.bounds(),
        }
    }
}

/// Why a check could not run.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum CheckError {
    Invalid(InvalidScenario),
    /// The binary was built without the `loom` feature.
    LoomUnavailable,
}

impl fmt::Display for CheckError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            CheckError::Invalid(why) => why.fmt(f),
            CheckError::LoomUnavailable => f.write_str(
                "--checker loom needs the `loom` feature: rebuild with \
                 `cargo run --release --features loom -- ...` (or use --checker pct)",
            ),
        }
    }
}

impl std::error::Error for CheckError {}

impl From<InvalidScenario> for CheckError {
    fn from(why: InvalidScenario) -> Self {
        CheckError::Invalid(why)
    }
}

/// Checks `properties` of `scenario` with `checker`.
pub fn check(
    scenario: &Scenario,
    properties: &[Property],
    checker: Checker,
    options: Options,
) -> Result<Report, CheckError> {
    if let Checker::Bfs { max_states } = checker {
        return Ok(bfs::check(scenario, properties, max_states, options)?);
    }
    let started = Instant::now();
    let found = match checker {
        Checker::Loom { preemption_bound } => {
            scenario.validate_for_loom()?;
            run_loom(scenario, properties, preemption_bound, options)?
        }
        Checker::Random { .. } | Checker::Pct { .. } | Checker::Dfs { .. } => {
            scenario.validate()?;
            shuttle::search(scenario, properties, checker, options)
        }
        Checker::Threads { trials } => {
            scenario.validate()?;
            threads::search(scenario, properties, trials, options)
        }
        Checker::Bfs { .. } => unreachable!("bfs reports on its own"),
    };
    let verdict = match (&found.counterexample, checker) {
        (Some(_), _) => Verdict::Violated,
        (None, _) if found.inconclusive.is_some() => Verdict::Inconclusive {
            reason: found.inconclusive.clone().unwrap_or_default(),
        },
        (None, Checker::Loom { .. }) => match found.loom_bound {
            None => Verdict::Proved,
            Some(preemptions) => Verdict::Bounded { preemptions },
        },
        (None, Checker::Random { seed, .. } | Checker::Pct { seed, .. }) => {
            Verdict::NoCounterexample {
                schedules: found.executions,
                seed: Some(seed),
            }
        }
        (None, Checker::Dfs { .. }) => Verdict::NoCounterexample {
            schedules: found.executions,
            seed: Some(0),
        },
        (None, Checker::Threads { .. }) => Verdict::NoCounterexample {
            schedules: found.executions,
            seed: None,
        },
        (None, Checker::Bfs { .. }) => unreachable!("bfs reports on its own"),
    };
    let checker = match checker {
        Checker::Loom { .. } => Checker::Loom {
            preemption_bound: found.loom_bound,
        },
        other => other,
    };
    Ok(Report {
        scenario: *scenario,
        properties: properties.to_vec(),
        checker,
        verdict,
        executions: found.executions,
        seconds: started.elapsed().as_secs_f64(),
        counterexample: found.counterexample,
        trials: found.trials,
        bfs: None,
    })
}

#[cfg(feature = "loom")]
fn run_loom(
    scenario: &Scenario,
    properties: &[Property],
    preemption_bound: Option<usize>,
    options: Options,
) -> Result<Found, CheckError> {
    Ok(loom::search(
        scenario,
        properties,
        preemption_bound,
        options,
    ))
}

#[cfg(not(feature = "loom"))]
fn run_loom(
    _: &Scenario,
    _: &[Property],
    _: Option<usize>,
    _: Options,
) -> Result<Found, CheckError> {
    Err(CheckError::LoomUnavailable)
}

/// What a search found, before it is judged.
pub(crate) struct Found {
    pub executions: u64,
    pub counterexample: Option<Counterexample>,
    /// The preemption bound the final loom search ran with (`None`: unbounded).
    pub loom_bound: Option<usize>,
    pub trials: Option<TrialStats>,
    /// Why the search stopped at a limit before it could answer (a loom time limit, a DFS
    /// limit, shuttle's step bound), if it did. Without a counterexample, the verdict is then
    /// `inconclusive`.
    pub inconclusive: Option<String>,
}

/// Replays a counterexample from its handle, returning the same trace.
pub fn replay(handle: &str) -> Result<Counterexample, String> {
    let handle: ReplayHandle = handle.parse()?;
    handle.scenario.validate().map_err(|e| e.to_string())?;
    match handle.kind {
        ReplayKind::Loom { .. } => replay_loom(&handle),
        ReplayKind::Shuttle { .. } => shuttle::replay(&handle),
    }
}

#[cfg(feature = "loom")]
fn replay_loom(handle: &ReplayHandle) -> Result<Counterexample, String> {
    handle
        .scenario
        .validate_for_loom()
        .map_err(|e| e.to_string())?;
    loom::replay(handle)
}

#[cfg(not(feature = "loom"))]
fn replay_loom(_: &ReplayHandle) -> Result<Counterexample, String> {
    Err(CheckError::LoomUnavailable.to_string())
}
