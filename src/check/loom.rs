//! The loom checker: exhaustive exploration, iterative deepening on the preemption bound for
//! minimal counterexamples, and replay by execution index.
//!
//! Two loom facts shape this file. A panic inside `loom::model` while model threads are parked
//! aborts the process, so the model never panics to report a violation: every execution runs
//! to its end and reports to a [`Search`] outside the model. And loom explores in a
//! deterministic order, so "execution n of the search with bound k" names one execution
//! forever (for this version of drainproof and loom).

use super::handle::{ReplayHandle, ReplayKind};
use super::progress::Progress;
use super::search::{Counterexample, Search};
use super::{Found, Options};
use crate::harness::run_once;
use crate::outcome::{Outcome, Property};
use crate::scenario::Scenario;
use crate::sync::Loom;
use std::sync::{Arc, Mutex};
use std::time::Instant;

/// Bounds tried before the unbounded search: most drain bugs need one or two preemptions,
/// and these searches are cheap.
const CHEAP_BOUNDS: usize = 2;

/// Branches loom allows in one execution. The default (1,000) is below what the larger
/// catalog scenarios need; exceeding it would abort the process.
const MAX_BRANCHES: usize = 100_000;

/// Searches with the given bound; without one, deepens 0..=CHEAP_BOUNDS, then runs unbounded
/// (a proof if it finds nothing), then deepens further to minimise what it found. A search
/// that reaches `options.time_limit` without a counterexample is inconclusive.
pub fn search(
    scenario: &Scenario,
    properties: &[Property],
    preemption_bound: Option<usize>,
    options: Options,
) -> Found {
    let deadline = options.time_limit.map(|limit| Instant::now() + limit);
    let answer = |executions, inconclusive| Found {
        executions,
        counterexample: None,
        loom_bound: preemption_bound,
        trials: None,
        inconclusive,
    };
    let cut = |executions| {
        let limit = options.time_limit.unwrap_or_default().as_secs_f64();
        let reason = format!(
            "the search was stopped at the time limit ({limit}s) after {executions} executions"
        );
        answer(executions, Some(reason))
    };
    let last_cheap = preemption_bound.map_or(CHEAP_BOUNDS, |k| k.min(CHEAP_BOUNDS));
    for bound in 0..=last_cheap {
        match minimal_at(scenario, properties, bound, options, deadline) {
            AtBound::Violation(found) => return *found,
            AtBound::Cut(executions) => return cut(executions),
            // The bound asked for is a cheap one: this search was the whole answer.
            AtBound::Clean(executions) if preemption_bound == Some(bound) => {
                return answer(executions, None);
            }
            AtBound::Clean(_) => {}
        }
    }
    let explored = explore(scenario, properties, preemption_bound, options, deadline);
    if explored.best.is_none() {
        return if expired(deadline) {
            cut(explored.executions)
        } else {
            answer(explored.executions, None)
        };
    }
    // Something exists above the cheap bounds: deepen until the smallest bound that has it.
    // (No deadline: the violation is already known to exist, at a bound no larger than the
    // search that found it.)
    (CHEAP_BOUNDS + 1..)
        .find_map(
            |k| match minimal_at(scenario, properties, k, options, None) {
                AtBound::Violation(found) => Some(*found),
                AtBound::Clean(_) | AtBound::Cut(_) => None,
            },
        )
        .expect("a violation found unbounded is found at some bound")
}

/// What one search at a fixed preemption bound found.
enum AtBound {
    /// The shortest counterexample at this bound, with its trace.
    Violation(Box<Found>),
    /// No violation in this many executions: the whole search at this bound.
    Clean(u64),
    /// The deadline passed after this many executions, before any violation was found.
    Cut(u64),
}

fn expired(deadline: Option<Instant>) -> bool {
    deadline.is_some_and(|deadline| Instant::now() >= deadline)
}

/// Searches at exactly `bound` preemptions, until `deadline` if there is one.
fn minimal_at(
    scenario: &Scenario,
    properties: &[Property],
    bound: usize,
    options: Options,
    deadline: Option<Instant>,
) -> AtBound {
    let explored = explore(scenario, properties, Some(bound), options, deadline);
    let Some(best) = explored.best else {
        return if expired(deadline) {
            AtBound::Cut(explored.executions)
        } else {
            AtBound::Clean(explored.executions)
        };
    };
    let handle = ReplayHandle {
        scenario: *scenario,
        property: best.violation.property,
        kind: ReplayKind::Loom {
            preemption_bound: Some(bound),
            execution: best.execution,
        },
    };
    let mut counterexample = replay(&handle).expect("a loom search replays");
    counterexample.preemptions = bound;
    counterexample.minimal = true;
    AtBound::Violation(Box::new(Found {
        executions: explored.executions,
        counterexample: Some(counterexample),
        loom_bound: Some(bound),
        trials: None,
        inconclusive: None,
    }))
}

/// A loom builder with every limit set explicitly. `Builder::new` reads `LOOM_*` variables,
/// and a time or permutation cap would end a search quietly and let it read as a proof.
fn builder(bound: Option<usize>, deadline: Option<Instant>) -> loom::model::Builder {
    let mut builder = loom::model::Builder::new();
    builder.preemption_bound = bound;
    builder.max_branches = MAX_BRANCHES;
    // loom checks its time limit every `checkpoint_interval` executions and then returns
    // as if it had finished; the caller compares the clock with the deadline to tell.
    builder.max_duration = deadline.map(|d| d.saturating_duration_since(Instant::now()));
    builder.checkpoint_interval = 1;
    builder.max_permutations = None;
    builder.checkpoint_file = None;
    builder.log = false;
    builder
}

/// Runs loom over every execution within `bound`, judging each; execution `capture` (if any)
/// records its states and is returned whole.
fn run(
    scenario: &Scenario,
    properties: &[Property],
    bound: Option<usize>,
    capture: Option<u64>,
    deadline: Option<Instant>,
    progress: Progress,
) -> (Search<()>, Option<Outcome>) {
    let search = Arc::new(Mutex::new(Search::new(properties, progress)));
    let captured: Arc<Mutex<Option<Outcome>>> = Arc::default();
    let (collector, sink, scenario) = (Arc::clone(&search), Arc::clone(&captured), *scenario);
    builder(bound, deadline).check(move || {
        let execution = collector.lock().unwrap().start();
        let outcome = run_once::<Loom>(&scenario, capture == Some(execution));
        if capture == Some(execution) {
            *sink.lock().unwrap() = Some(outcome.clone());
        }
        collector.lock().unwrap().observe(execution, outcome, || ());
    });
    let search = Arc::into_inner(search).expect("loom returned");
    let captured = captured.lock().unwrap().take();
    (search.into_inner().unwrap(), captured)
}

fn explore(
    scenario: &Scenario,
    properties: &[Property],
    bound: Option<usize>,
    options: Options,
    deadline: Option<Instant>,
) -> Search<()> {
    let label = match bound {
        Some(k) => format!("loom {scenario}, up to {}", super::preemptions(k)),
        None => format!("loom {scenario}, unbounded"),
    };
    let progress = Progress::new(options.progress, label);
    run(scenario, properties, bound, None, deadline, progress).0
}

/// Reruns the handle's search and returns its execution n, with states.
pub fn replay(handle: &ReplayHandle) -> Result<Counterexample, String> {
    let ReplayKind::Loom {
        preemption_bound,
        execution,
    } = handle.kind
    else {
        return Err("not a loom handle".into());
    };
    let properties = [handle.property];
    let progress = Progress::new(false, String::new());
    let (search, captured) = run(
        &handle.scenario,
        &properties,
        preemption_bound,
        Some(execution),
        None,
        progress,
    );
    let outcome = captured.ok_or_else(|| {
        format!(
            "replay: this search has {} executions, not {execution}",
            search.executions
        )
    })?;
    let violation = outcome.violation(handle.property).ok_or_else(|| {
        format!(
            "replay: execution {execution} does not violate {} (was the handle made by another \
             version of drainproof?)",
            handle.property
        )
    })?;
    Ok(Counterexample::new(
        outcome,
        violation,
        preemption_bound,
        Some(handle.clone()),
    ))
}
