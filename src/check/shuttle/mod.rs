//! The shuttle checkers (random, PCT, DFS) and replay of their schedules.
//!
//! shuttle's `check_*` functions neither count executions nor hand back the failing schedule
//! (they print it from a panic hook). drainproof runs shuttle's `Runner` with scheduler
//! wrappers of its own instead, one per file: [`Recording`] (every run: writes down every
//! decision and ends the run at a limit), [`Dfs`] (makes the depth-first search end and say
//! how) and [`Replaying`] (replays a handle and stops where it does not fit). Nothing panics.

mod dfs;
mod recording;
mod replaying;

use super::search::{Found, Search, counterexample};
use super::{Context, ReplayError};
use crate::harness::run_once;
use crate::outcome::{Counterexample, Outcome, Property};
use crate::report::{Checker, Coverage, ReplayHandle, ReplayKind, Verdict};
use crate::scenario::Scenario;
use crate::sync::{Shuttle, lock};
use dfs::Dfs;
use recording::{Recorded, Recording};
use replaying::Replaying;
use shuttle::scheduler::{PctScheduler, RandomScheduler, Scheduler};
use shuttle::{Config, FailurePersistence, MaxSteps, Runner};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, Once};

/// Scheduling steps one execution may take before shuttle stops it: shuttle's own default.
/// An execution stopped there is not judged, and the search says so (`inconclusive`) instead
/// of panicking, as shuttle's default `MaxSteps::FailAfter` would.
const MAX_STEPS: usize = 1_000_000;

pub(crate) fn config() -> Config {
    let mut config = Config::new();
    config.failure_persistence = FailurePersistence::None;
    config.silence_warnings = true;
    config.max_steps = MaxSteps::ContinueAfter(MAX_STEPS);
    config
}

type PanicHook = Box<dyn Fn(&std::panic::PanicHookInfo<'_>) + Sync + Send + 'static>;

/// Keeps shuttle's panic hook out of the process.
///
/// The first shuttle execution in a process installs a panic hook and keeps it for good: from
/// then on *every* panic prints `Task failed, serializing schedule` and `test panicked in task
/// ...`, even the panics loom's generators raise to cancel executions (which their own hook
/// silences), so `drainproof prove`, which runs loom after shuttle, printed them hundreds of
/// times. drainproof never reports through panics and has no use for the hook: before the
/// first real run, shuttle installs it during one empty execution, and the hook that was there
/// before is put back. A genuine panic still prints as Rust prints it.
pub(crate) fn keep_shuttles_panic_hook_out() {
    static ONCE: Once = Once::new();
    ONCE.call_once(|| {
        let before: Arc<PanicHook> = Arc::new(std::panic::take_hook());
        let forward = Arc::clone(&before);
        std::panic::set_hook(Box::new(move |info| (**forward)(info)));
        Runner::new(RandomScheduler::new(1), config()).run(|| {});
        // shuttle's hook, which wraps `forward`: drop it, and restore what was there.
        drop(std::panic::take_hook());
        std::panic::set_hook(Box::new(move |info| (**before)(info)));
    });
}

/// What one shuttle run saw.
struct Ran {
    search: Search<Recorded>,
    /// The first execution's outcome with states, if asked for (replays).
    first: Option<Outcome>,
    /// Whether a limit ended the run early.
    stopped: bool,
}

/// Runs `scheduler` over the scenario, through [`Recording`], until it ends or `context`'s
/// limits stop it.
fn run<S: Scheduler + 'static>(
    scheduler: S,
    scenario: &Scenario,
    properties: &[Property],
    record_states: bool,
    context: &Context,
) -> Ran {
    keep_shuttles_panic_hook_out();
    let search = Arc::new(Mutex::new(Search::new(
        properties,
        context.progress.clone(),
    )));
    let first: Arc<Mutex<Option<Outcome>>> = Arc::default();
    let current = Arc::new(Mutex::new(Recorded::default()));
    let stopped = Arc::new(AtomicBool::new(false));
    let recording = Recording {
        inner: scheduler,
        current: Arc::clone(&current),
        limits: context.limits.clone(),
        stopped: Arc::clone(&stopped),
    };
    let (collector, sink, scenario) = (Arc::clone(&search), Arc::clone(&first), *scenario);
    Runner::new(recording, config()).run(move || {
        let execution = lock(&collector).start();
        let outcome = run_once::<Shuttle>(&scenario, record_states);
        if record_states && execution == 1 {
            *lock(&sink) = Some(outcome.clone());
        }
        lock(&collector).observe(execution, outcome, || lock(&current).clone());
    });
    // An execution that a replay stopped early never finishes its closure, so shuttle keeps
    // (and leaks) the closure's clone of `search`: take the collector out instead of unwrapping
    // the `Arc`.
    let quiet = Search::new(properties, Default::default());
    let search = std::mem::replace(&mut *lock(&search), quiet);
    let first = lock(&first).take();
    Ran {
        search,
        first,
        stopped: stopped.load(Ordering::Relaxed),
    }
}

/// Runs the shuttle checker. Beside what it found, it says why the search could not answer
/// (`Found::cut`), if it could not: a limit stopped it, a depth-first search stopped at its
/// limit with schedules left unexplored (random and PCT have no such limit: their iterations
/// are their sample), or executions stopped at [`MAX_STEPS`] before they could be judged.
pub(crate) fn search(
    scenario: &Scenario,
    properties: &[Property],
    checker: Checker,
    context: &Context,
) -> Found {
    context
        .progress
        .search(format!("{} {scenario}", checker.name()));
    let dfs_cut_short = Arc::new(AtomicBool::new(false));
    let ran = match checker {
        Checker::Random { iterations, seed } => run(
            RandomScheduler::new_from_seed(seed, iterations),
            scenario,
            properties,
            false,
            context,
        ),
        Checker::Pct {
            iterations,
            seed,
            depth,
        } => run(
            PctScheduler::new_from_seed(seed, depth, iterations),
            scenario,
            properties,
            false,
            context,
        ),
        Checker::Dfs { max_iterations } => run(
            Dfs::new(max_iterations, Arc::clone(&dfs_cut_short)),
            scenario,
            properties,
            false,
            context,
        ),
        Checker::Loom { .. }
        | Checker::Threads { .. }
        | Checker::Bfs { .. }
        | Checker::Induction { .. } => unreachable!("not a shuttle checker"),
    };
    let search = ran.search;
    let counterexample = search.best.map(|best| {
        let handle = ReplayHandle {
            scenario: *scenario,
            property: best.violation.property,
            kind: ReplayKind::Shuttle {
                seed: best.extra.seed,
                decisions: best.extra.decisions,
            },
        };
        replay(&handle).expect("a shuttle schedule replays")
    });
    let mut limits = Vec::new();
    if ran.stopped {
        let limit = context
            .limits
            .reached()
            .expect("a run stops only at a limit");
        limits.push(limit.reason(search.executions));
    }
    if let Checker::Dfs { max_iterations } = checker
        && dfs_cut_short.load(Ordering::Relaxed)
    {
        limits.push(format!(
            "depth-first search stopped at its limit of {max_iterations} schedules with \
             schedules left unexplored"
        ));
    }
    let unjudged = search.executions - search.judged;
    if unjudged > 0 {
        limits.push(format!(
            "{unjudged} of {} schedules ran past {MAX_STEPS} scheduling steps and were stopped \
             before they could be judged",
            search.executions
        ));
    }
    let seed = match checker {
        Checker::Random { seed, .. } | Checker::Pct { seed, .. } => seed,
        _ => 0,
    };
    Found {
        executions: search.executions,
        counterexample,
        coverage: Coverage::Sampled {
            executions: search.executions,
            asked: checker.asked().unwrap_or(search.executions),
            cut: ran.stopped,
        },
        trials: None,
        exploration: None,
        proof: None,
        cut: (!limits.is_empty()).then(|| limits.join("; ")),
        clean: Verdict::NoCounterexample {
            schedules: search.executions,
            seed: Some(seed),
        },
    }
}

/// Reruns one recorded schedule, with states.
pub(crate) fn replay(handle: &ReplayHandle) -> Result<Counterexample, ReplayError> {
    let (outcome, violation) = replay_outcome(handle)?;
    Ok(counterexample(outcome, violation, None, Some(handle)))
}

/// Reruns one recorded schedule, with states: the execution and the violation it has.
pub(crate) fn replay_outcome(
    handle: &ReplayHandle,
) -> Result<(crate::outcome::Outcome, crate::outcome::Violation), ReplayError> {
    let ReplayKind::Shuttle { seed, decisions } = &handle.kind else {
        unreachable!("a shuttle handle");
    };
    let properties = [handle.property];
    let scheduler = Replaying::new(*seed, decisions);
    let misfit = Arc::clone(&scheduler.misfit);
    let ran = run(
        scheduler,
        &handle.scenario,
        &properties,
        true,
        &Context::quiet(),
    );
    let outcome = ran
        .first
        .filter(|_| !misfit.load(Ordering::Relaxed))
        .ok_or(ReplayError::Misfit)?;
    let violation = outcome
        .violation(handle.property)
        .ok_or(ReplayError::NoViolation {
            property: handle.property,
        })?;
    Ok((outcome, violation))
}
