//! The loom checker: exhaustive exploration, iterative deepening on the preemption bound for
//! minimal counterexamples, and replay by execution index.
//!
//! Two loom facts shape this file. A panic inside `loom::model` while model threads are parked
//! aborts the process, so the model never panics to report a violation: every execution runs
//! to its end and reports to a [`Search`] outside the model. A limit ([`Limits`]) is checked at
//! the start of each execution, before the model spawns any thread, and stops the search by
//! unwinding from there with a private payload (no panic hook runs), which [`run`] catches
//! outside `Builder::check`. And loom explores in a deterministic order, so "execution n of
//! the search with bound k" names one execution forever (for this version of drainproof and
//! loom).
//!
//! [`Limits`]: super::limits::Limits

use super::search::{Found, Search, counterexample};
use super::{Context, ReplayError};
use crate::harness::run_once;
use crate::outcome::{Counterexample, Outcome, Property};
use crate::report::{BoundedSearch, Coverage, ReplayHandle, ReplayKind, Verdict};
use crate::scenario::Scenario;
use crate::sync::{Loom, lock};
use std::panic::{AssertUnwindSafe, catch_unwind, resume_unwind};
use std::sync::{Arc, Mutex};

/// Bounds tried before the unbounded search: most drain bugs need one or two preemptions,
/// and these searches are cheap.
const CHEAP_BOUNDS: usize = 2;

/// Branches loom allows in one execution. The default (1,000) is below what the larger
/// catalog scenarios need; exceeding it would abort the process.
const MAX_BRANCHES: usize = 100_000;

/// Searches with the given bound; without one, deepens 0..=CHEAP_BOUNDS, then runs unbounded
/// (a proof if it finds nothing), then deepens further to minimise what it found. A search
/// that a limit stops reports the bounds it completed.
pub(crate) fn search(
    scenario: &Scenario,
    properties: &[Property],
    preemption_bound: Option<usize>,
    context: &Context,
) -> Found {
    let mut searches = Vec::new();
    let last_cheap = preemption_bound.map_or(CHEAP_BOUNDS, |k| k.min(CHEAP_BOUNDS));
    for bound in 0..=last_cheap {
        let explored = explore(scenario, properties, Some(bound), context, &mut searches);
        if explored.search.best.is_some() || explored.cut.is_some() {
            return minimal(scenario, explored, Some(bound), searches);
        }
        if preemption_bound == Some(bound) {
            // The bound asked for is a cheap one: this search was the whole answer.
            return clean(explored.search.executions, searches, preemption_bound);
        }
    }
    let explored = explore(
        scenario,
        properties,
        preemption_bound,
        context,
        &mut searches,
    );
    match (&explored.search.best, &explored.cut) {
        (None, None) => return clean(explored.search.executions, searches, preemption_bound),
        // A limit stopped it: what it found (if anything) is all there is.
        (_, Some(_)) => return minimal(scenario, explored, preemption_bound, searches),
        (Some(_), None) => {}
    }
    // Something exists above the cheap bounds: deepen until the smallest bound that has it.
    // If a limit stops the deepening, what the unbounded search found stands (not minimal).
    let unbounded = explored;
    for k in CHEAP_BOUNDS + 1.. {
        let explored = explore(scenario, properties, Some(k), context, &mut searches);
        if explored.search.best.is_some() {
            return minimal(scenario, explored, Some(k), searches);
        }
        if explored.cut.is_some() {
            let mut found = minimal(scenario, unbounded, preemption_bound, searches);
            if let Some(cx) = &mut found.counterexample {
                cx.minimal = false;
                cx.preemptions = crate::outcome::count_preemptions(&cx.events);
            }
            return found;
        }
    }
    unreachable!("a violation found unbounded is found at some bound")
}

/// One search's result.
struct Explored {
    search: Search<()>,
    /// The limit that stopped it, as the reason of an `inconclusive` verdict.
    cut: Option<String>,
}

/// The answer of a search that found nothing and was not cut.
fn clean(executions: u64, searches: Vec<BoundedSearch>, bound: Option<usize>) -> Found {
    Found {
        executions,
        counterexample: None,
        coverage: Coverage::Exhaustive { searches },
        trials: None,
        exploration: None,
        proof: None,
        cut: None,
        clean: match bound {
            None => Verdict::Proved,
            Some(preemptions) => Verdict::Bounded { preemptions },
        },
    }
}

/// The answer of a search at `bound` that found something, or was cut: the shortest
/// counterexample it found (minimal in preemptions when every smaller bound was searched to
/// its end), replayed with its states.
fn minimal(
    scenario: &Scenario,
    explored: Explored,
    bound: Option<usize>,
    searches: Vec<BoundedSearch>,
) -> Found {
    let counterexample = explored.search.best.map(|best| {
        let handle = ReplayHandle {
            scenario: *scenario,
            property: best.violation.property,
            kind: ReplayKind::Loom {
                preemption_bound: bound,
                execution: best.execution,
            },
        };
        let mut counterexample = replay(&handle).expect("a loom search replays");
        if let Some(bound) = bound {
            counterexample.preemptions = bound;
            counterexample.minimal = true;
        }
        counterexample
    });
    Found {
        executions: explored.search.executions,
        counterexample,
        coverage: Coverage::Exhaustive { searches },
        trials: None,
        exploration: None,
        proof: None,
        cut: explored.cut,
        clean: Verdict::Violated,
    }
}

/// Explores every execution within `bound` until a limit stops it, and records the search in
/// `searches`.
fn explore(
    scenario: &Scenario,
    properties: &[Property],
    bound: Option<usize>,
    context: &Context,
    searches: &mut Vec<BoundedSearch>,
) -> Explored {
    let label = match bound {
        Some(k) => format!("loom {scenario}, up to {}", crate::report::preemptions(k)),
        None => format!("loom {scenario}, unbounded"),
    };
    context.progress.search(label);
    let (search, _, stopped) = run(scenario, properties, bound, None, context);
    let cut = stopped.then(|| {
        context
            .limits
            .reached()
            .expect("a search stops only at a limit")
            .reason(search.executions)
    });
    searches.push(BoundedSearch {
        preemption_bound: bound,
        executions: search.executions,
        complete: cut.is_none(),
    });
    Explored { search, cut }
}

/// A loom builder with every limit set explicitly. `Builder::new` reads `LOOM_*` variables,
/// and a time or permutation cap would end a search quietly and let it read as a proof.
pub(crate) fn builder(bound: Option<usize>) -> loom::model::Builder {
    let mut builder = loom::model::Builder::new();
    builder.preemption_bound = bound;
    builder.max_branches = MAX_BRANCHES;
    builder.max_duration = None;
    builder.max_permutations = None;
    builder.checkpoint_file = None;
    builder.log = false;
    builder
}

/// The payload a limit unwinds a loom search with.
struct Stopped;

/// Runs loom over every execution within `bound`, judging each, until `context`'s limits
/// stop it; execution `capture` (if any) records its states and is returned whole. The third
/// value says whether a limit stopped the search.
fn run(
    scenario: &Scenario,
    properties: &[Property],
    bound: Option<usize>,
    capture: Option<u64>,
    context: &Context,
) -> (Search<()>, Option<Outcome>, bool) {
    let search = Arc::new(Mutex::new(Search::new(
        properties,
        context.progress.clone(),
    )));
    let captured: Arc<Mutex<Option<Outcome>>> = Arc::default();
    let (collector, sink, scenario, limits) = (
        Arc::clone(&search),
        Arc::clone(&captured),
        *scenario,
        context.limits.clone(),
    );
    let explored = catch_unwind(AssertUnwindSafe(|| {
        builder(bound).check(move || {
            // Before any model thread exists: unwinding here cannot strand a parked thread.
            if limits.reached().is_some() {
                resume_unwind(Box::new(Stopped));
            }
            let execution = lock(&collector).start();
            let outcome = run_once::<Loom>(&scenario, capture == Some(execution));
            if capture == Some(execution) {
                *lock(&sink) = Some(outcome.clone());
            }
            lock(&collector).observe(execution, outcome, || ());
        })
    }));
    let stopped = match explored {
        Ok(()) => false,
        Err(payload) if payload.is::<Stopped>() => true,
        Err(payload) => resume_unwind(payload),
    };
    // The model closure, which holds a clone of the collector, may not have been dropped if
    // the search was stopped: take the collector out instead of unwrapping the `Arc`.
    let search = std::mem::replace(
        &mut *lock(&search),
        Search::new(properties, Default::default()),
    );
    let captured = lock(&captured).take();
    (search, captured, stopped)
}

/// Reruns the handle's search and returns its execution n, with states.
pub(crate) fn replay(handle: &ReplayHandle) -> Result<Counterexample, ReplayError> {
    let ReplayKind::Loom {
        preemption_bound,
        execution,
    } = handle.kind
    else {
        unreachable!("a loom handle");
    };
    let properties = [handle.property];
    let (search, captured, _) = run(
        &handle.scenario,
        &properties,
        preemption_bound,
        Some(execution),
        &Context::quiet(),
    );
    let outcome = captured.ok_or(ReplayError::PastTheEnd {
        execution,
        executions: search.executions,
    })?;
    let violation = outcome
        .violation(handle.property)
        .ok_or(ReplayError::NoViolation {
            property: handle.property,
        })?;
    Ok(counterexample(
        outcome,
        violation,
        preemption_bound,
        Some(handle),
    ))
}
