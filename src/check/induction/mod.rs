//! `--checker induction`: a proof for **every** size, by induction over the step relation
//! (`crate::step`) with the sizes `W`, `J`, `C` (and `K`) left symbolic.
//!
//! The relation counts workers per local state and represents the buffer and the pipe as
//! intervals of the put sequence, so a state is a handful of integers whatever the sizes:
//! a *counter abstraction* that is exact, not an over-approximation (see `crate::step`). The
//! proof instantiates that very relation with solver terms (`solver::Z3`): the guards and
//! updates the breadth-first checker runs on plain integers are the ones the solver reasons
//! about. One tracked job `t`, arbitrary, stands for every job ([`crate::step::TrackedJob`]).
//!
//! - [`target`]: what a proof can be about, and its relation over symbolic sizes.
//! - The inductive invariant, clause by clause, each a lemma of docs/sentinel-proof.md, is the
//!   step relation's ([`crate::step::invariant`]): trace validation evaluates the same text
//!   on concrete states.
//! - `ranking`: the ranking function of the termination proof.
//! - `obligation` (feature `z3`): initiation, consecution per step, deadlock freedom, the ranking
//!   function's obligations, the properties at the end, and two non-vacuity checks.
//! - `solver` (feature `z3`): the solver domain and the discharge of each obligation.
//! - `witness` (feature `z3`): when an obligation fails, a *reachable* violation found by bfs.
//!
//! A failed obligation is never shown as a counterexample: the solver's state satisfies the
//! invariant but may be unreachable. The verdict is `violated` only with a reachable
//! violation, which bfs found: its exploration (and counterexample) become the report's.

#[cfg(test)]
mod concrete_tests;
#[cfg(feature = "z3")]
pub mod obligation;
#[cfg(any(test, feature = "z3"))]
pub mod ranking;
#[cfg(feature = "z3")]
pub mod solver;
pub mod target;
#[cfg(all(test, feature = "z3"))]
mod tests;
#[cfg(feature = "z3")]
pub mod witness;

pub use target::Unprovable;

use super::search::Found;
use super::{CheckError, Context};
use crate::outcome::Property;
use crate::scenario::{Scenario, SentinelRange, Target};

/// Runs `--checker induction`: proves `properties` for every scenario of `scenario`'s
/// target (its protocol, every size, the sentinels in `sentinels`), or says which
/// obligation fails and looks for a reachable violation.
pub(crate) fn search(
    scenario: &Scenario,
    properties: &[Property],
    sentinels: SentinelRange,
    context: &Context,
) -> Result<Found, CheckError> {
    let target = Target::of(scenario, sentinels);
    target
        .validate(scenario, properties)
        .map_err(CheckError::Unprovable)?;
    prove(&target, properties, context)
}

#[cfg(feature = "z3")]
fn prove(target: &Target, properties: &[Property], context: &Context) -> Result<Found, CheckError> {
    use crate::report::{Coverage, Proof, Verdict};

    context.progress.search(format!("induction {target}"));
    let started = std::time::Instant::now();
    let mut cut = None;
    let (obligations, total) =
        solver::discharge_until(target, properties, &solver::Variant::default(), |done| {
            context.progress.set(done as u64);
            cut = context.limits.reached().map(|limit| {
                format!(
                    "the proof was stopped at {} after {done} obligations",
                    limit.words()
                )
            });
            cut.is_none()
        });
    let seconds = started.elapsed().as_secs_f64();
    let discharged = obligations.iter().filter(|o| o.holds()).count();
    let failed = obligations.iter().find(|o| !o.holds());
    let witness = match (failed, &cut) {
        (Some(first), None) => {
            let suggested = obligations.iter().find_map(|o| o.model);
            let found = witness::search(target, properties, suggested, context)?;
            if found.violation.is_none() {
                cut = Some(found.cut.clone().unwrap_or_else(|| {
                    format!(
                        "obligation {} failed, and bfs found no reachable violation up to W, \
                         J, C = {}",
                        first.obligation,
                        witness::MAX_SIZE
                    )
                }));
            }
            Some(found)
        }
        _ => None,
    };
    let (report, violation) = match witness {
        Some(w) => (Some(w.report), w.violation),
        None => (None, None),
    };
    let (counterexample, exploration) = match violation {
        Some(found) => (found.counterexample, found.exploration),
        None => (None, None),
    };
    Ok(Found {
        executions: 0,
        counterexample,
        coverage: Coverage::AllSizes {
            obligations: total as u64,
            discharged: discharged as u64,
            complete: obligations.len() == total,
        },
        trials: None,
        exploration,
        proof: Some(Proof {
            sizes: target.sizes(),
            sentinel_range: target.sentinels,
            solver: solver::version(),
            invariant: names(target),
            obligations,
            seconds,
            witness: report,
        }),
        cut,
        clean: Verdict::ProvedForEverySize {
            sizes: target.sizes(),
        },
    })
}

/// The clauses of `target`'s invariant, by name and lemma (they do not depend on the sizes).
#[cfg(feature = "z3")]
fn names(target: &Target) -> Vec<crate::report::ClauseName> {
    use crate::step::{Concrete, Relation, TrackedJob, invariant};
    let relation = Relation::of(&target.smallest());
    let initial = relation.initial(&Concrete, TrackedJob::new(&Concrete, 0));
    invariant::clauses(target, &Concrete, &relation, &initial)
        .into_iter()
        .map(|c| crate::report::ClauseName {
            name: c.name,
            lemma: c.lemma,
        })
        .collect()
}

#[cfg(not(feature = "z3"))]
fn prove(_: &Target, _: &[Property], _: &Context) -> Result<Found, CheckError> {
    Err(CheckError::InductionUnavailable)
}
