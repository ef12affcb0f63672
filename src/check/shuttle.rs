//! The shuttle checkers (random, PCT, DFS) and replay of their schedules.
//!
//! shuttle's `check_*` functions neither count executions nor hand back the failing schedule
//! (they print it from a panic hook). drainproof runs shuttle's `Runner` with its own
//! [`Recording`] scheduler instead: it wraps the chosen scheduler and writes down every
//! decision, so the schedule of any execution can be kept and replayed, and nothing panics.
//!
//! Two more wrappers keep shuttle quiet and honest. [`Dfs`] makes the depth-first search end
//! (it never picks a spurious wake-up) and tells whether it stopped at its limit or
//! ran out of schedules. [`Replaying`] replays a handle and stops at the first decision that
//! does not fit, where shuttle's `ReplayScheduler` would panic (and shuttle would print the
//! panic and a schedule string of its own on stderr).

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
use shuttle::{Config, FailurePersistence, MaxSteps, Runner};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, Once};

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

/// shuttle's depth-first search, made to end and to say how it ended.
///
/// DFS always picks the first task it is offered, and shuttle may offer blocked threads as
/// candidates for a spurious wake-up. A model thread that wakes spuriously re-checks its
/// condition and waits again (see the semaphore in `crate::sync`), so it adds no behaviour,
/// but DFS would pick it forever (until shuttle's step bound). This wrapper offers only the
/// threads that can really run, whenever one can.
struct Dfs {
    inner: DfsScheduler,
    limit: usize,
    started: usize,
    /// Set when the limit was reached while schedules were left unexplored.
    cut_short: Arc<AtomicBool>,
}

impl Scheduler for Dfs {
    fn new_execution(&mut self) -> Option<Schedule> {
        if self.started >= self.limit {
            // Ask once whether another schedule exists; the answer ends the search anyway.
            if self.started == self.limit && self.inner.new_execution().is_some() {
                self.cut_short.store(true, Ordering::Relaxed);
            }
            self.started = self.limit + 1;
            return None;
        }
        self.started += 1;
        self.inner.new_execution()
    }

    fn next_task(
        &mut self,
        runnable: &[&Task],
        current: Option<TaskId>,
        is_yielding: bool,
    ) -> Option<TaskId> {
        let awake: Vec<&Task> = runnable.iter().copied().filter(|t| t.runnable()).collect();
        let offered = if awake.is_empty() { runnable } else { &awake };
        self.inner.next_task(offered, current, is_yielding)
    }

    fn next_u64(&mut self) -> u64 {
        self.inner.next_u64()
    }
}

/// Replays recorded decisions. At the first one that does not fit (a task that cannot run, a
/// random value where a task was recorded or the reverse) it stops the execution and sets
/// `misfit`, where `ReplayScheduler` would panic.
struct Replaying {
    inner: ReplayScheduler,
    decisions: Vec<Option<usize>>,
    next: usize,
    misfit: Arc<AtomicBool>,
}

impl Scheduler for Replaying {
    fn new_execution(&mut self) -> Option<Schedule> {
        self.inner.new_execution()
    }

    fn next_task(
        &mut self,
        runnable: &[&Task],
        current: Option<TaskId>,
        is_yielding: bool,
    ) -> Option<TaskId> {
        if self.misfit.load(Ordering::Relaxed) {
            return None;
        }
        match self.decisions.get(self.next) {
            // The recording ends when the execution was judged; what follows is teardown.
            None => None,
            Some(Some(task)) if runnable.iter().any(|t| usize::from(t.id()) == *task) => {
                self.next += 1;
                self.inner.next_task(runnable, current, is_yielding)
            }
            Some(_) => {
                self.misfit.store(true, Ordering::Relaxed);
                None
            }
        }
    }

    fn next_u64(&mut self) -> u64 {
        if !self.misfit.load(Ordering::Relaxed) && self.decisions.get(self.next) == Some(&None) {
            self.next += 1;
            return self.inner.next_u64();
        }
        self.misfit.store(true, Ordering::Relaxed);
        0
    }
}

/// Scheduling steps one execution may take before shuttle stops it: shuttle's own default.
/// An execution stopped there is not judged, and the search says so (`inconclusive`) instead
/// of panicking, as shuttle's default `MaxSteps::FailAfter` would.
pub const MAX_STEPS: usize = 1_000_000;

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

/// Runs `scheduler` over the scenario; returns the search and, if asked, the first
/// execution's outcome with states (for replay).
fn run<S: Scheduler + 'static>(
    scheduler: S,
    scenario: &Scenario,
    properties: &[Property],
    record_states: bool,
    progress: Progress,
) -> (Search<Recorded>, Option<Outcome>) {
    keep_shuttles_panic_hook_out();
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
    // An execution that a replay stopped early never finishes its closure, so shuttle keeps
    // (and leaks) the closure's clone of `search`: take the collector out instead of unwrapping
    // the `Arc`.
    let quiet = Search::new(properties, Progress::new(false, String::new()));
    let search = std::mem::replace(
        &mut *search
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner()),
        quiet,
    );
    let first = first
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
        .take();
    (search, first)
}

/// Runs the shuttle checker. Beside what it found, it says why the search could not answer
/// (`Found::inconclusive`), if it could not: a depth-first search stopped at its limit with
/// schedules left unexplored (random and PCT have no such limit: their iterations are their
/// sample), or executions stopped at [`MAX_STEPS`] before they could be judged.
pub fn search(
    scenario: &Scenario,
    properties: &[Property],
    checker: Checker,
    options: Options,
) -> Found {
    let progress = Progress::new(options.progress, format!("{} {scenario}", checker.name()));
    let cut_short = Arc::new(AtomicBool::new(false));
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
            Dfs {
                inner: DfsScheduler::new(None, false),
                limit: max_iterations,
                started: 0,
                cut_short: Arc::clone(&cut_short),
            },
            scenario,
            properties,
            false,
            progress,
        ),
        Checker::Loom { .. } | Checker::Threads { .. } | Checker::Bfs { .. } => {
            unreachable!("not a shuttle checker")
        }
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
    let mut limits = Vec::new();
    if let Checker::Dfs { max_iterations } = checker
        && cut_short.load(Ordering::Relaxed)
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
    Found {
        executions: search.executions,
        counterexample,
        loom_bound: None,
        trials: None,
        inconclusive: (!limits.is_empty()).then(|| limits.join("; ")),
    }
}

/// Reruns one recorded schedule, with states.
pub fn replay(handle: &ReplayHandle) -> Result<Counterexample, String> {
    let (outcome, violation) = replay_outcome(handle)?;
    Ok(Counterexample::new(
        outcome,
        violation,
        None,
        Some(handle.clone()),
    ))
}

/// Reruns one recorded schedule, with states: the execution and the violation it has.
pub(crate) fn replay_outcome(
    handle: &ReplayHandle,
) -> Result<(Outcome, crate::outcome::Violation), String> {
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
    let mut inner = ReplayScheduler::new_from_schedule(schedule);
    // The schedule was recorded up to the moment the execution was judged (the end of the
    // model's main thread); shuttle's own teardown decisions after that are not needed.
    inner.set_allow_incomplete();
    let misfit = Arc::new(AtomicBool::new(false));
    let scheduler = Replaying {
        inner,
        decisions: decisions.clone(),
        next: 0,
        misfit: Arc::clone(&misfit),
    };
    let (_, outcome) = run(
        scheduler,
        &handle.scenario,
        &properties,
        true,
        Progress::new(false, String::new()),
    );
    let outcome = outcome
        .filter(|_| !misfit.load(Ordering::Relaxed))
        .ok_or("replay: the schedule does not fit this scenario (was the handle made by another version of drainproof?)")?;
    let violation = outcome.violation(handle.property).ok_or_else(|| {
        format!(
            "replay: the schedule does not violate {} (was the handle made by another version \
             of drainproof?)",
            handle.property
        )
    })?;
    Ok((outcome, violation))
}
