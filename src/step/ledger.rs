//! What the relation remembers about jobs: the one part of the state written two ways.
//!
//! The steps never look at it; they only report to it ("a worker processed job `j`",
//! "`JoinableQueue.join()` returned now"). That is what lets one description of the steps
//! serve two checkers:
//! - [`JobCounts`] remembers every job (how often it was processed, saturating at two, and
//!   whether it was still unprocessed when `join()` returned): the breadth-first checker, which
//!   must say "job 3 lost" or "job 3 twice";
//! - [`TrackedJob`] remembers one job, which may be symbolic: an all-sizes proof that tracks
//!   an arbitrary job `t` and proves it is processed exactly once has proved it for every job.
//!
//! Both are fed by the same calls from the same steps, so a test can run them side by side on
//! concrete states and check that the tracked job's count is always the counts' entry for it
//! (see the tests of `super::steps`).

use super::domain::{Concrete, Domain};

/// The jobs' record, as the steps update it.
pub trait Ledger<D: Domain>: Clone + std::fmt::Debug {
    /// A worker read item `job` of producer 0's sequence and, if `is_job` (the item is a job,
    /// not a sentinel), processed it.
    fn process(&self, d: &D, is_job: &D::Bool, job: &D::Num) -> Self;
    /// `JoinableQueue.join()` returned: remember which jobs were not processed by then.
    fn mark_join(&self, d: &D) -> Self;
}

/// Every job, as bit sets (jobs `0..128`): processed at least once, at least twice, and
/// unprocessed when `join()` returned. Counts above two are never needed: a job is lost,
/// processed once, or processed more than once.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct JobCounts {
    /// Bit `j`: job `j` was processed at least once.
    pub once: u128,
    /// Bit `j`: job `j` was processed at least twice.
    pub twice: u128,
    /// Bit `j`: job `j` was unprocessed when `join()` returned.
    pub early: u128,
    /// How many jobs there are.
    pub jobs: u8,
}

impl JobCounts {
    /// The most jobs a [`JobCounts`] can hold.
    pub const MAX_JOBS: usize = 128;

    /// `jobs` jobs, none processed.
    pub fn new(jobs: usize) -> JobCounts {
        assert!(jobs <= Self::MAX_JOBS, "at most {} jobs", Self::MAX_JOBS);
        JobCounts {
            jobs: jobs as u8,
            ..JobCounts::default()
        }
    }

    /// How often `job` was processed: 0, 1, or 2 for "more than once".
    pub fn count(&self, job: usize) -> u8 {
        let bit = 1u128 << job;
        u8::from(self.once & bit != 0) + u8::from(self.twice & bit != 0)
    }

    fn all(&self) -> u128 {
        if self.jobs as usize == Self::MAX_JOBS {
            u128::MAX
        } else {
            (1u128 << self.jobs) - 1
        }
    }

    /// Jobs never processed.
    pub fn lost(&self) -> Vec<u32> {
        bits(self.all() & !self.once)
    }

    /// Jobs processed more than once.
    pub fn duplicated(&self) -> Vec<u32> {
        bits(self.twice)
    }

    /// Jobs not yet processed when `join()` returned.
    pub fn unprocessed_at_join(&self) -> Vec<u32> {
        bits(self.early)
    }
}

fn bits(set: u128) -> Vec<u32> {
    (0..128).filter(|i| set & (1u128 << i) != 0).collect()
}

impl Ledger<Concrete> for JobCounts {
    fn process(&self, _: &Concrete, is_job: &bool, job: &i32) -> JobCounts {
        if !is_job {
            return *self;
        }
        let job = usize::try_from(*job).expect("a job is a non-negative position");
        assert!(job < usize::from(self.jobs), "job {job} out of range");
        let bit = 1u128 << job;
        JobCounts {
            twice: self.twice | (self.once & bit),
            once: self.once | bit,
            ..*self
        }
    }

    fn mark_join(&self, _: &Concrete) -> JobCounts {
        JobCounts {
            early: self.all() & !self.once,
            ..*self
        }
    }
}

/// One job `job` (a number of `D`, so possibly symbolic): how often it was processed, and
/// whether it was unprocessed when `join()` returned.
#[derive(Clone, Debug)]
pub struct TrackedJob<D: Domain> {
    /// The job tracked (its position in producer 0's sequence).
    pub job: D::Num,
    /// How often it was processed.
    pub count: D::Num,
    /// Whether it was unprocessed when `join()` returned.
    pub early: D::Bool,
}

impl<D: Domain> TrackedJob<D> {
    /// Tracks `job`, not yet processed.
    pub fn new(d: &D, job: D::Num) -> TrackedJob<D> {
        TrackedJob {
            job,
            count: d.num(0),
            early: d.bool(false),
        }
    }
}

impl<D: Domain> Ledger<D> for TrackedJob<D> {
    fn process(&self, d: &D, is_job: &D::Bool, job: &D::Num) -> TrackedJob<D> {
        let this = d.and(is_job, &d.eq(job, &self.job));
        TrackedJob {
            count: d.ite(&this, &d.inc(&self.count), &self.count),
            ..self.clone()
        }
    }

    fn mark_join(&self, d: &D) -> TrackedJob<D> {
        TrackedJob {
            early: d.is(&self.count, 0),
            ..self.clone()
        }
    }
}

/// Two ledgers fed the same calls: lets a test run [`JobCounts`] and [`TrackedJob`] side by
/// side on the same executions.
impl<D: Domain, A: Ledger<D>, B: Ledger<D>> Ledger<D> for (A, B) {
    fn process(&self, d: &D, is_job: &D::Bool, job: &D::Num) -> (A, B) {
        (
            self.0.process(d, is_job, job),
            self.1.process(d, is_job, job),
        )
    }

    fn mark_join(&self, d: &D) -> (A, B) {
        (self.0.mark_join(d), self.1.mark_join(d))
    }
}
