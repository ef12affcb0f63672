//! The shuttle checkers (random, PCT, DFS) and replay of their schedules.
//!
//! shuttle's `check_*` functions neither count executions nor hand back the failing schedule
//! (they print it from a panic hook). drainproof runs shuttle's `Runner` with its own
//! [`Recording`] scheduler instead: it wraps the chosen scheduler and writes down every
//! decision, so the schedule of any execution can be kept and replayed, and nothing panics.

use super::handle::{ReplayHandle, ReplayKind};
use super::progress::Progress;
use super::search::{Counterexample, Search};
use super::{Checker, Found, Options};
use crate::harness::run_once;
use crate::outcome::{Outcome, Property};
use crate::scenario::Scenario;
use crate::sync::Shuttle;
use shuttle::scheduler::{
    DfsScheduler, PctScheduler, RandomScheduler, ReplayScheduler, Schedule, Scheduler, Task, TaskId,
};
use shuttle::{Config, FailurePersistence, Runner};
use std::sync::{Arc, Mutex};

/// The decisions of the execution in progress.
#[derive(Clone, Debug, Default)]
struct Recorded {
    seed: u64,
    decisions: Vec<Option<usize>>,
}

/// A scheduler that records what the wrapped scheduler decides.
struct Recording<S> {
    inner: S,
    current: Arc<Mutex<Recorded>>,
}

impl<S: Scheduler> Scheduler for Recording<S> {
    fn new_execution(&mut self) -> Option<Schedule> {
        let schedule = self.inner.new_execution()?;
        *self.current.lock().unwrap() = Recorded {
            seed: schedule.seed,
            decisions: Vec::new(),
        };
        Some(schedule)
    }

    fn next_task(
        &mut self,
        runnable: &[&Task],
        current: Option<TaskId>,
        is_yielding: bool,
    ) -> Option<TaskId> {
        let task = self.inner.next_task(runnable, current, is_yielding)?;
        self.current
            .lock()
            .unwrap()
            .decisions
            .push(Some(usize::from(task)));
        Some(task)
    }

    fn next_u64(&mut self) -> u64 {
        self.current.lock().unwrap().decisions.push(None);
        self.inner.next_u64()
    }
}

fn config() -> Config {
    let mut config = Config::new();
    config.failure_persistence = FailurePersistence::None;
    config.silence_warnings = true;
    config
}

/// Runs `scheduler` over the scenario; returns the search and, if asked, the first
/// execution's outcome with states (for replay).
fn run<S: Scheduler + 'static>(
    scheduler: S,
    scenario: &Scenario,
    properties: &[Property],
    record_states: bool,
    progress: Progress,
) -> (Search<Recorded>, Option<Outcome>) {
    let search = Arc::new(Mutex::new(Search::new(properties, progress)));
    let first: Arc<Mutex<Option<Outcome>>> = Arc::default();
    let current = Arc::new(Mutex::new(Recorded::default()));
    let recording = Recording {
        inner: scheduler,
        current: Arc::clone(&current),
    };
    let (collector, sink, scenario) = (Arc::clone(&search), Arc::clone(&first), *scenario);
    Runner::new(recording, config()).run(move || {
        let execution = collector.lock().unwrap().start();
        let outcome = run_once::<Shuttle>(&scenario, record_states);
        if record_states && execution == 1 {
            *sink.lock().unwrap() = Some(outcome.clone());
        }
        collector
            .lock()
            .unwrap()
            .observe(execution, outcome, || current.lock().unwrap().clone());
    });
    let search = Arc::into_inner(search).expect("shuttle returned");
    let first = first.lock().unwrap().take();
    (search.into_inner().unwrap(), first)
}

pub fn search(
    scenario: &Scenario,
    properties: &[Property],
    checker: Checker,
    options: Options,
) -> Found {
    let progress = Progress::new(options.progress, format!("{} {scenario}", checker.name()));
    let (search, _) = match checker {
        Checker::Random { iterations, seed } => run(
            RandomScheduler::new_from_seed(seed, iterations),
            scenario,
            properties,
            false,
            progress,
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
            progress,
        ),
        Checker::Dfs { max_iterations } => run(
            DfsScheduler::new(Some(max_iterations), false),
            scenario,
            properties,
            false,
            progress,
        ),
        Checker::Loom { .. } | Checker::Threads { .. } => unreachable!("not a shuttle checker"),
    };
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
    Found {
        executions: search.executions,
        counterexample,
        loom_bound: None,
        trials: None,
    }
}

/// Reruns one recorded schedule, with states.
pub fn replay(handle: &ReplayHandle) -> Result<Counterexample, String> {
    let ReplayKind::Shuttle { seed, decisions } = &handle.kind else {
        return Err("not a shuttle handle".into());
    };
    let mut schedule = Schedule::new(*seed);
    for decision in decisions {
        match decision {
            Some(task) => schedule.push_task(TaskId::from(*task)),
            None => schedule.push_random(),
        }
    }
    let properties = [handle.property];
    let mut scheduler = ReplayScheduler::new_from_schedule(schedule);
    // The schedule was recorded up to the moment the execution was judged (the end of the
    // model's main thread); shuttle's own teardown decisions after that are not needed.
    scheduler.set_allow_incomplete();
    let replayed = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        run(
            scheduler,
            &handle.scenario,
            &properties,
            true,
            Progress::new(false, String::new()),
        )
    }));
    let outcome = replayed
        .ok()
        .and_then(|(_, outcome)| outcome)
        .ok_or("replay: the schedule does not fit this scenario")?;
    let violation = outcome.violation(handle.property).ok_or_else(|| {
        format!(
            "replay: the schedule does not violate {} (was the handle made by another version \
             of drainproof?)",
            handle.property
        )
    })?;
    Ok(Counterexample::new(
        outcome,
        violation,
        None,
        Some(handle.clone()),
    ))
}
