//! The scheduler every shuttle run goes through: it records what the wrapped scheduler
//! decides, so that the schedule of any execution can be kept and replayed, and it ends the
//! run at a limit (time, interruption) between executions.

use crate::check::limits::Limits;
use crate::sync::lock;
use shuttle::scheduler::{Schedule, Scheduler, Task, TaskId};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};

/// The decisions of the execution in progress: what a replay handle needs.
#[derive(Clone, Debug, Default)]
pub(super) struct Recorded {
    pub seed: u64,
    /// Task index per scheduling decision; `None` for a random-value decision.
    pub decisions: Vec<Option<usize>>,
}

/// A scheduler that records what the wrapped scheduler decides.
pub(super) struct Recording<S> {
    pub inner: S,
    pub current: Arc<Mutex<Recorded>>,
    pub limits: Limits,
    /// Set when a limit ended the run with executions left to run.
    pub stopped: Arc<AtomicBool>,
}

impl<S: Scheduler> Scheduler for Recording<S> {
    fn new_execution(&mut self) -> Option<Schedule> {
        if self.limits.reached().is_some() {
            self.stopped.store(true, Ordering::Relaxed);
            return None;
        }
        let schedule = self.inner.new_execution()?;
        *lock(&self.current) = Recorded {
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
        lock(&self.current).decisions.push(Some(usize::from(task)));
        Some(task)
    }

    fn next_u64(&mut self) -> u64 {
        lock(&self.current).decisions.push(None);
        self.inner.next_u64()
    }
}
