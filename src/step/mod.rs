//! The step relation: every catalog protocol as guarded atomic steps over an explicit state,
//! with the workers counted instead of named. The breadth-first checker (`crate::check`,
//! `--checker bfs`) explores it exhaustively.
//!
//! - [`domain`]: the numbers it is written over (plain integers, or solver terms).
//! - [`state`]: the state: counters over each producer's put sequence, workers per local state.
//! - [`ledger`]: what it remembers of the jobs (every job, or one tracked job).
//! - [`steps`]: the steps, with their guards and updates.
//! - [`ending`]: how an execution ended, in the terms the properties judge.
//!
//! TODO: full argument (written below once the tests pass).

pub mod domain;
pub mod ending;
pub mod ledger;
pub mod state;
pub mod steps;
#[cfg(test)]
mod tests;

pub use domain::{Concrete, Domain};
pub use ending::{Blocked, Ending, Stuck, Thread};
pub use ledger::{JobCounts, Ledger, TrackedJob};
pub use state::{Local, PipeOrder, Shape, Sizes, State};
pub use steps::{Actor, Relation, StepKind, WorkerOp};

use crate::model::Item;
use crate::scenario::{Protocol, Scenario};

impl Relation<Concrete> {
    /// The relation of `scenario`, over plain integers.
    pub fn of(scenario: &Scenario) -> Relation<Concrete> {
        let k = scenario.sentinel_count() as i32;
        let foreign = scenario.protocol == Protocol::ForeignSentinel;
        Relation {
            shape: Shape {
                protocol: scenario.protocol,
                prefilled: scenario.prefilled,
            },
            sizes: Sizes {
                workers: scenario.workers as i32,
                jobs: scenario.jobs as i32,
                sentinels: if foreign { [0, k] } else { [k, 0] },
                capacity: scenario.pipe_capacity as i32,
            },
        }
    }

    /// The initial state, recording every job.
    pub fn start(&self) -> State<Concrete, JobCounts> {
        self.initial(&Concrete, JobCounts::new(self.sizes.jobs as usize))
    }

    /// Every step enabled in `s`, with the state after it.
    pub fn successors(
        &self,
        s: &State<Concrete, JobCounts>,
    ) -> Vec<(StepKind, State<Concrete, JobCounts>)> {
        self.kinds()
            .into_iter()
            .filter_map(|kind| self.step(&Concrete, s, kind).map(|(_, next)| (kind, next)))
            .collect()
    }
}
