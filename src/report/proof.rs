//! What the induction checker reports besides its verdict: the obligations of an all-sizes
//! proof, each with what the solver answered and how long it took, the invariant they are
//! about, the solver, and, after a failed obligation, where the search for a *reachable*
//! violation looked. Data only; `crate::render` words it and `crate::check` produces it.

use crate::scenario::{Scenario, SentinelRange};
use serde::Serialize;
use std::fmt;

/// What the solver must find for an obligation.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Goal {
    /// The hypotheses imply the goal: their conjunction with its negation is unsatisfiable.
    Valid,
    /// The hypotheses and the goal together are satisfiable (the non-vacuity checks).
    Satisfiable,
}

/// What the solver answered about an obligation.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Answer {
    /// A validity obligation holds.
    Valid,
    /// A satisfiability check holds.
    Satisfiable,
    /// Not as expected: a validity obligation has a countermodel, or a satisfiability check
    /// has no model.
    Failed,
    /// The solver gave up.
    Unknown,
}

/// `valid`, `satisfiable`, `failed`, `unknown`: as the JSON spells it.
impl fmt::Display for Answer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Answer::Valid => "valid",
            Answer::Satisfiable => "satisfiable",
            Answer::Failed => "failed",
            Answer::Unknown => "unknown",
        })
    }
}

/// The sizes and the tracked job of the state the solver found for a failed obligation: it
/// satisfies the invariant but may be unreachable, so it is never a counterexample.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct Countermodel {
    /// `W`.
    pub workers: i64,
    /// `J`.
    pub jobs: i64,
    /// `C`.
    pub pipe_capacity: i64,
    /// `K`, when it is a size of its own (`sentinel` with more or fewer sentinels than
    /// workers); `None` when it is `W` or there are no sentinels.
    pub sentinels: Option<i64>,
    /// The tracked job `t`.
    pub job: i64,
}

/// `W=1 J=1 C=1` (and `K=3` when `K` is a size of its own).
impl fmt::Display for Countermodel {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "W={} J={} C={}",
            self.workers, self.jobs, self.pipe_capacity
        )?;
        if let Some(k) = self.sentinels {
            write!(f, " K={k}")?;
        }
        Ok(())
    }
}

/// One obligation and what the solver said about it.
#[derive(Clone, Debug, Serialize)]
pub struct Discharged {
    /// Its name: `initiation`, `consecution: put_job`, `deadlock-freedom`, ... (stable: the
    /// docs cite it).
    pub obligation: String,
    /// The lemma of docs/sentinel-proof.md it checks.
    pub lemma: &'static str,
    /// What the solver must find.
    pub expect: Goal,
    /// What it found.
    pub result: Answer,
    /// The solver's time on it.
    pub seconds: f64,
    /// For a failed validity obligation: the solver's state (which may be unreachable).
    pub model: Option<Countermodel>,
    /// Why the solver gave up, if it did.
    pub reason: Option<String>,
}

impl Discharged {
    /// Whether the obligation came out as it must.
    pub fn holds(&self) -> bool {
        matches!(self.result, Answer::Valid | Answer::Satisfiable)
    }
}

/// One clause of the invariant: its name and the lemma of docs/sentinel-proof.md it writes
/// down.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct ClauseName {
    /// The clause (`conservation`, `one-sentinel-per-worker`, ...).
    pub name: &'static str,
    /// Its lemma (`S1`, `S5`, `T8.1`, ...).
    pub lemma: &'static str,
}

/// After a failed obligation, the search for a reachable violation: the breadth-first
/// checker at the sizes the failed obligation's model suggests, then at every small size.
#[derive(Clone, Debug, Serialize)]
pub struct Witness {
    /// The failed obligation's model, if it had one: where the search started.
    pub suggested: Option<Countermodel>,
    /// Scenarios bfs checked.
    pub tried: usize,
    /// The scenario in which bfs found a reachable violation, if it found one.
    #[serde(serialize_with = "scenario_words")]
    pub scenario: Option<Scenario>,
    /// The command line that reruns that search.
    pub command: Option<String>,
}

fn scenario_words<S: serde::Serializer>(
    scenario: &Option<Scenario>,
    serializer: S,
) -> Result<S::Ok, S::Error> {
    match scenario {
        Some(scenario) => serializer.collect_str(scenario),
        None => serializer.serialize_none(),
    }
}

/// What an all-sizes proof reports besides the verdict.
#[derive(Clone, Debug, Serialize)]
pub struct Proof {
    /// The sizes the claim is for, in words: `W >= 1, J >= 0, C >= 1` and the target's own
    /// constraints.
    pub sizes: String,
    /// How the sentinels range (`--sentinel-range`).
    pub sentinel_range: SentinelRange,
    /// The solver and its version, as the linked library reports it (`z3 4.8.12.0`).
    pub solver: String,
    /// The invariant, clause by clause.
    pub invariant: Vec<ClauseName>,
    /// Every obligation, in the order discharged (fewer than all if a limit cut the proof).
    pub obligations: Vec<Discharged>,
    /// Wall-clock time of discharging them (the search for a witness not included).
    pub seconds: f64,
    /// After a failed obligation: the search for a reachable violation.
    pub witness: Option<Witness>,
}

impl Proof {
    /// The obligations that did not come out as they must.
    pub fn failed(&self) -> impl Iterator<Item = &Discharged> {
        self.obligations.iter().filter(|o| !o.holds())
    }
}
