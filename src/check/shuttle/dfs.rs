//! shuttle's depth-first search, made to end and to say how it ended.

use shuttle::scheduler::{DfsScheduler, Schedule, Scheduler, Task, TaskId};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

/// DFS always picks the first task it is offered, and shuttle may offer blocked threads as
/// candidates for a spurious wake-up. A model thread that wakes spuriously re-checks its
/// condition and waits again (see the semaphore in `crate::sync`), so it adds no behaviour,
/// but DFS would pick it forever (until shuttle's step bound). This wrapper offers only the
/// threads that can really run, whenever one can, and tells whether the search stopped at its
/// limit or ran out of schedules.
pub(super) struct Dfs {
    inner: DfsScheduler,
    limit: usize,
    started: usize,
    /// Set when the limit was reached while schedules were left unexplored.
    cut_short: Arc<AtomicBool>,
}

impl Dfs {
    /// A depth-first search of at most `limit` schedules; `cut_short` is set if it stops at
    /// the limit with schedules left.
    pub fn new(limit: usize, cut_short: Arc<AtomicBool>) -> Dfs {
        Dfs {
            inner: DfsScheduler::new(None, false),
            limit,
            started: 0,
            cut_short,
        }
    }
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
