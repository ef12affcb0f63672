//! `--checker induction`: a proof for **every** size, by induction over the step relation
//! (`crate::step`) with the sizes `W`, `J`, `C` (and `K`) left symbolic.
//!
//! The relation counts workers per local state and represents the buffer and the pipe as
//! intervals of the put sequence, so a state is a handful of integers whatever the sizes:
//! a *counter abstraction* that is exact, not an over-approximation (see `crate::step`). The
//! proof instantiates that very relation with solver terms ([`solver::Z3`]): the guards and
//! updates the breadth-first checker runs on plain integers are the ones the solver reasons
//! about. One tracked job `t`, arbitrary, stands for every job ([`crate::step::TrackedJob`]).
//!
//! - [`target`]: which protocol, for which sizes.
//! - [`invariant`]: the inductive invariant, clause by clause, each a lemma of
//!   docs/sentinel-proof.md; evaluable on concrete states too ([`invariant::check_concrete`]).
//! - [`ranking`]: the ranking function of the termination proof.
//! - [`obligation`]: initiation, consecution per step, deadlock freedom, the ranking
//!   function's obligations, the properties at the end, and two non-vacuity checks.
//! - `solver` (feature `z3`): the solver domain and the discharge of each obligation.
//! - [`witness`]: when an obligation fails, a *reachable* violation found by bfs.
//!
//! Trace validation can evaluate an invariant on every abstract state of a real execution:
//! [`Target::invariant_of`] gives the target whose invariant holds on every reachable state
//! of a scenario (if any), and [`check_concrete`] evaluates it, as plain integers, for every
//! job.
//!
//! A failed obligation is never shown as a counterexample: the solver's state satisfies the
//! invariant but may be unreachable. The verdict is `violated` only with a reachable
//! violation, which bfs found and reports itself.

#[cfg(test)]
mod concrete_tests;
pub mod invariant;
pub mod obligation;
pub mod ranking;
#[cfg(feature = "z3")]
pub mod solver;
pub mod target;
#[cfg(all(test, feature = "z3"))]
mod tests;
pub mod witness;

pub use invariant::{Broken, ClauseName, check_concrete};
pub use obligation::Kind;
pub use target::{Sentinels, Target, Unsupported};
pub use witness::Witness;

use super::{Options, Verdict};
use crate::outcome::Property;
use serde::Serialize;
use std::fmt;

/// What the solver said about one obligation, and how long it took.
#[derive(Clone, Debug, Serialize)]
pub struct Discharged {
    /// `initiation`, `consecution: put_job`, ... ([`Kind::name`]).
    pub obligation: String,
    /// The lemma of docs/sentinel-proof.md it checks.
    pub lemma: &'static str,
    /// `valid` or `satisfiable`: what the solver must find.
    pub expect: obligation::Expect,
    /// `valid`, `satisfiable`, `failed` or `unknown`.
    pub result: &'static str,
    pub seconds: f64,
    /// A failed validity obligation: the sizes `[W, J, C, K]` and the tracked job of the
    /// solver's state (which may be unreachable).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub model: Option<Model>,
    /// Why the solver gave up, if it did.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
}

/// What the solver's state for a failed obligation has (it may be unreachable).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct Model {
    pub workers: i64,
    pub jobs: i64,
    pub pipe_capacity: i64,
    pub sentinels: i64,
    /// The tracked job `t`.
    pub job: i64,
}

impl Discharged {
    pub fn holds(&self) -> bool {
        matches!(self.result, "valid" | "satisfiable")
    }
}

/// The answer of `--checker induction`.
#[derive(Clone, Debug, Serialize)]
pub struct Proof {
    pub target: Target,
    /// The sizes the claim is for: `W >= 1, J >= 0, C >= 1` (and the target's own).
    pub sizes: String,
    pub properties: Vec<Property>,
    pub verdict: Verdict,
    /// The solver and its version, as the linked library reports it.
    pub solver: String,
    pub invariant: Vec<ClauseName>,
    pub obligations: Vec<Discharged>,
    pub seconds: f64,
    /// After a failed obligation: the search for a reachable violation.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub witness: Option<Witness>,
}

/// Why `--checker induction` could not run.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum InductionError {
    Unsupported(Unsupported),
    /// Built without the `z3` feature.
    Unavailable,
}

impl fmt::Display for InductionError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            InductionError::Unsupported(why) => why.fmt(f),
            InductionError::Unavailable => f.write_str(
                "--checker induction needs the `z3` feature (and the system's libz3): this \
                 binary was built without it; rebuild with `cargo run --release --features \
                 loom,z3 -- ...`",
            ),
        }
    }
}

impl std::error::Error for InductionError {}

impl From<Unsupported> for InductionError {
    fn from(why: Unsupported) -> Self {
        InductionError::Unsupported(why)
    }
}

impl Proof {
    /// `proved for every W >= 1, J >= 0, C >= 1`, or the verdict as bfs words it.
    pub fn statement(&self) -> String {
        match &self.verdict {
            Verdict::Proved => format!("proved for every {}", self.sizes),
            other => other.to_string(),
        }
    }

    /// The JSON of `--checker induction` (docs/json.md): the derived fields, with the verdict
    /// as its name and the statement in words, like the other checkers' JSON.
    pub fn json(&self) -> serde_json::Value {
        let mut object = serde_json::json!(self);
        object["protocol"] = serde_json::json!(self.target.protocol);
        object["checker"] = "induction".into();
        object["verdict"] = self.verdict.name().into();
        object["statement"] = self.statement().into();
        object
    }

    /// Obligations that did not come out as they must.
    pub fn failed(&self) -> impl Iterator<Item = &Discharged> {
        self.obligations.iter().filter(|o| !o.holds())
    }

    /// The verdict line and, after a failed obligation, which one failed and where the
    /// search for a reachable violation looked (its report is printed by the caller, as bfs
    /// reports are).
    pub fn text(&self) -> String {
        let properties: Vec<&str> = self.properties.iter().map(|p| p.name()).collect();
        let failed: Vec<&Discharged> = self.failed().collect();
        let count = if failed.is_empty() {
            format!("{} obligations discharged", self.obligations.len())
        } else {
            format!(
                "{} of {} obligations failed",
                failed.len(),
                self.obligations.len()
            )
        };
        let mut out = format!(
            "{}: {} [induction; {count} by {}; invariant of {} clauses; {:.2}s]\nproperties: {}\n",
            self.target,
            self.statement(),
            self.solver,
            self.invariant.len(),
            self.seconds,
            properties.join(", "),
        );
        for o in &failed {
            out += &format!("failed obligation: {} ({})", o.obligation, o.lemma);
            out += &match (o.result, o.model) {
                ("unknown", _) => format!(
                    ": the solver gave up ({})\n",
                    o.reason.as_deref().unwrap_or("no reason")
                ),
                (_, Some(m)) => format!(
                    ": the solver found a state at {} that satisfies the invariant but not \
                     this obligation; it may be unreachable, so it is no counterexample\n",
                    self.target.sizes_of(&m)
                ),
                _ => ": unsatisfiable, so the proof would be vacuous\n".to_string(),
            };
        }
        if let Some(w) = &self.witness {
            out += &match &w.report {
                Some(_) => format!(
                    "reachable violation, found by bfs ({} scenario{} tried; rerun: {}):\n",
                    w.tried,
                    if w.tried == 1 { "" } else { "s" },
                    w.command.as_deref().unwrap_or("-"),
                ),
                None => format!(
                    "no reachable violation found by bfs in {} scenarios (every size up to W, \
                     J, C = {}, J >= 1)\n",
                    w.tried,
                    witness::MAX_SIZE
                ),
            };
        }
        out
    }
}

/// Proves `properties` of `target` for every size, or says which obligation fails and finds
/// a reachable violation.
pub fn prove(
    target: &Target,
    properties: &[Property],
    options: Options,
) -> Result<Proof, InductionError> {
    target.validate(properties)?;
    discharge_all(target, properties, options)
}

#[cfg(feature = "z3")]
fn discharge_all(
    target: &Target,
    properties: &[Property],
    options: Options,
) -> Result<Proof, InductionError> {
    let started = std::time::Instant::now();
    let obligations = solver::discharge_variant(target, properties, &solver::Variant::default());
    let failed = obligations.iter().find(|o| !o.holds());
    let (verdict, witness) = match failed {
        None => (Verdict::Proved, None),
        Some(first) => {
            let suggested = obligations.iter().find_map(|o| o.model);
            let witness = witness::search(target, properties, suggested, options);
            let verdict = if witness.report.is_some() {
                Verdict::Violated
            } else {
                Verdict::Inconclusive {
                    reason: format!(
                        "obligation {} failed, and bfs found no reachable violation up to W, J, \
                         C = {}",
                        first.obligation,
                        witness::MAX_SIZE
                    ),
                }
            };
            (verdict, Some(witness))
        }
    };
    Ok(Proof {
        target: *target,
        sizes: target.sizes_text(),
        properties: properties.to_vec(),
        verdict,
        solver: solver::version(),
        invariant: invariant::names(target),
        obligations,
        seconds: started.elapsed().as_secs_f64(),
        witness,
    })
}

#[cfg(not(feature = "z3"))]
fn discharge_all(_: &Target, _: &[Property], _: Options) -> Result<Proof, InductionError> {
    Err(InductionError::Unavailable)
}
