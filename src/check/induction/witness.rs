//! When an obligation fails, the state the solver found satisfies the invariant but may be
//! unreachable: it is no counterexample. What is shown instead is a *reachable* violation,
//! found by the breadth-first checker (`crate::check::bfs`) at the sizes the failed
//! obligation's model suggests, then at the next smallest sizes; its exploration (and, once
//! bfs maps its paths onto the model, its code-level counterexample) is printed the way bfs
//! prints its own.

use super::super::bfs;
use super::super::search::Found;
use super::super::{CheckError, Context};
use crate::outcome::Property;
use crate::report::{Checker, Verdict};
use crate::report::{Countermodel, Witness};
use crate::scenario::{Scenario, Target};

/// The largest `W`, `J` and `C` the search tries (and `J >= 1`, as the command line wants).
pub const MAX_SIZE: usize = 4;

/// The states one bfs run of the search may visit (every scenario it tries is tiny).
const MAX_STATES: u64 = 1_000_000;

/// What the search for a reachable violation found.
pub struct Searched {
    /// Where it looked, for the report.
    pub report: Witness,
    /// bfs's answer on the first scenario with a violation, if any.
    pub violation: Option<Found>,
    /// Why it stopped early (the check's time limit or an interruption), if it did.
    pub cut: Option<String>,
}

/// The scenario of `target` at `w`, `j`, `c` and `k`, if those sizes are in its range (and
/// bfs can hold them).
fn scenario(target: &Target, w: usize, j: usize, c: usize, k: usize) -> Option<Scenario> {
    let mut scenario = Scenario::new(target.protocol, w, j, c);
    scenario.prefilled = target.prefilled;
    if target.free_sentinels() {
        scenario.sentinels = Some(k);
    }
    // At least one job: what the command line accepts, so the violation can be rerun.
    let fits = target.contains(&scenario) && bfs::validate(&scenario).is_ok();
    (fits && j >= 1).then_some(scenario)
}

/// Every scenario of `target` up to [`MAX_SIZE`], smallest first (by `W + J + C + K`).
fn small_scenarios(target: &Target) -> Vec<Scenario> {
    let mut all = Vec::new();
    for w in 1..=MAX_SIZE {
        for j in 1..=MAX_SIZE {
            for c in 1..=MAX_SIZE {
                for k in 0..=2 * MAX_SIZE {
                    all.extend(scenario(target, w, j, c, k));
                }
            }
        }
    }
    all.sort_by_key(|s| {
        (
            s.workers + s.jobs + s.pipe_capacity + s.sentinel_count(),
            s.jobs,
        )
    });
    all.dedup();
    all
}

/// Looks for a reachable violation of `properties`: first at the sizes of `suggested`,
/// then at every size of `target` up to [`MAX_SIZE`], smallest first, within the check's
/// limits. An error of bfs's (its counterexample not followed by the code-level model) is the
/// check's.
pub fn search(
    target: &Target,
    properties: &[Property],
    suggested: Option<Countermodel>,
    context: &Context,
) -> Result<Searched, CheckError> {
    let first = suggested.and_then(|m| {
        let size = |x: i64| usize::try_from(x).ok();
        scenario(
            target,
            size(m.workers)?,
            size(m.jobs)?,
            size(m.pipe_capacity)?,
            size(m.sentinels.unwrap_or(0))?,
        )
    });
    let context = context.without_progress();
    let mut tried = 0;
    let searched = |tried, scenario: Option<Scenario>, violation, cut| Searched {
        report: Witness {
            suggested,
            tried,
            command: scenario.map(|s| Checker::Bfs { max_states: None }.command(&s, properties)),
            scenario,
        },
        violation,
        cut,
    };
    for scenario in first.into_iter().chain(small_scenarios(target)) {
        if let Some(limit) = context.limits.reached() {
            let why = format!(
                "an obligation failed, and the search for a reachable violation was stopped at \
                 {} after {tried} scenarios",
                limit.words()
            );
            return Ok(searched(tried, None, None, Some(why)));
        }
        tried += 1;
        let found = bfs::search(&scenario, properties, Some(MAX_STATES), &context)?;
        if found.verdict() == Verdict::Violated {
            return Ok(searched(tried, Some(scenario), Some(found), None));
        }
    }
    Ok(searched(tried, None, None, None))
}
