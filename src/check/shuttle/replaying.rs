//! Replays recorded decisions, stopping at the first one that does not fit.

use shuttle::scheduler::{ReplayScheduler, Schedule, Scheduler, Task, TaskId};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

/// Replays recorded decisions. At the first one that does not fit (a task that cannot run, a
/// random value where a task was recorded or the reverse) it stops the execution and sets
/// `misfit`, where shuttle's `ReplayScheduler` would panic (and shuttle would print the panic
/// and a schedule string of its own on stderr).
pub(super) struct Replaying {
    inner: ReplayScheduler,
    decisions: Vec<Option<usize>>,
    next: usize,
    pub misfit: Arc<AtomicBool>,
}

impl Replaying {
    /// A replay of `decisions` from a schedule with `seed`.
    pub fn new(seed: u64, decisions: &[Option<usize>]) -> Replaying {
        let mut schedule = Schedule::new(seed);
        for decision in decisions {
            match decision {
                Some(task) => schedule.push_task(TaskId::from(*task)),
                None => schedule.push_random(),
            }
        }
        let mut inner = ReplayScheduler::new_from_schedule(schedule);
        // The schedule was recorded up to the moment the execution was judged (the end of the
        // model's main thread); shuttle's own teardown decisions after that are not needed.
        inner.set_allow_incomplete();
        Replaying {
            inner,
            decisions: decisions.to_vec(),
            next: 0,
            misfit: Arc::default(),
        }
    }
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
