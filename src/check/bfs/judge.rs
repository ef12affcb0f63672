//! Properties judged on an [`Ending`], the counted form of an execution's end; and the same
//! form computed from an execution of the code-level model, so that the two can be compared.

use crate::model::{EmptyCause, JobId, Op, Polled, Role, Wait};
use crate::outcome::{Kind, Outcome, Property};
use crate::report::Finding;
use crate::step::{Blocked, Ending, Thread};

impl Ending {
    fn jobs_where(&self, keep: impl Fn(u8) -> bool) -> Vec<JobId> {
        (0..self.processed.len() as JobId)
            .filter(|&job| keep(self.processed[job as usize]))
            .collect()
    }

    /// Jobs never processed.
    pub fn lost_jobs(&self) -> Vec<JobId> {
        self.jobs_where(|n| n == 0)
    }

    /// Jobs processed more than once.
    pub fn duplicated_jobs(&self) -> Vec<JobId> {
        self.jobs_where(|n| n > 1)
    }

    /// Judges the ending against `property`, as `Outcome::violation` judges an execution of
    /// the code-level model (the tests check that the two agree on every ending loom
    /// reaches).
    pub fn violation(&self, property: Property) -> Option<Finding> {
        let finding = |kind, jobs: Vec<JobId>, threads: Vec<Thread>| Finding {
            property,
            kind,
            jobs,
            threads,
        };
        match property {
            Property::NoLostJob => {
                let lost = self.lost_jobs();
                (!lost.is_empty()).then(|| finding(Kind::LostJob, lost, vec![]))
            }
            Property::NoDuplicate => {
                let twice = self.duplicated_jobs();
                (!twice.is_empty()).then(|| finding(Kind::Duplicate, twice, vec![]))
            }
            Property::Termination => self.stuck.as_ref().map(|stuck| {
                let threads = stuck
                    .iter()
                    .flat_map(|&(thread, _, n)| std::iter::repeat_n(thread, n as usize))
                    .collect();
                finding(Kind::Hang, vec![], threads)
            }),
            Property::SeedCheckSound => {
                let lost = self.lost_jobs();
                (self.seed_check == Some(true) && !lost.is_empty())
                    .then(|| finding(Kind::UnsoundCheck, lost, vec![]))
            }
            Property::SeedCheckComplete => (self.seed_check == Some(false)
                && self.lost_jobs().is_empty()
                && self.duplicated_jobs().is_empty())
            .then(|| finding(Kind::FalseAlarm, vec![], vec![])),
            Property::NoSpuriousEmpty => self
                .spurious_empty
                .then(|| finding(Kind::SpuriousEmpty, vec![], vec![Thread::Worker; 2])),
            Property::DrainedBeforeJoin => (!self.unprocessed_at_join.is_empty())
                .then(|| finding(Kind::EarlyJoin, self.unprocessed_at_join.clone(), vec![])),
        }
    }

    /// The ending of an execution of the code-level model, in counted form.
    #[cfg_attr(not(test), allow(dead_code))]
    pub(crate) fn from_outcome(outcome: &Outcome) -> Ending {
        let thread = |lane: usize| match outcome.roles[lane] {
            Role::Producer(0) => Thread::Main,
            Role::Producer(_) => Thread::Second,
            Role::Feeder(p) => Thread::Feeder(p),
            Role::Worker(_) => Thread::Worker,
        };
        let stuck = outcome.hang.as_ref().map(|hang| {
            let mut stuck: Vec<(Thread, Blocked, u32)> = Vec::new();
            for &(lane, wait) in hang {
                let blocked = match wait {
                    Wait::BufferItem(p) => Blocked::BufferItem(p),
                    Wait::PipeRoom => Blocked::PipeRoom,
                    Wait::PipeData => Blocked::PipeData,
                    Wait::Exit(target) => Blocked::Exit(thread(target)),
                    Wait::TasksDone => Blocked::TasksDone,
                    Wait::ChannelReady => Blocked::ChannelReady,
                    Wait::ChannelRoom => Blocked::ChannelRoom,
                    Wait::ReaderLock => unreachable!("no thread blocks on the reader lock"),
                };
                let key = (thread(lane), blocked);
                match stuck.iter_mut().find(|(t, b, _)| (*t, *b) == key) {
                    Some(entry) => entry.2 += 1,
                    None => stuck.push((key.0, key.1, 1)),
                }
            }
            stuck.sort();
            stuck
        });
        let spurious_empty = outcome.events.iter().any(|e| {
            matches!(
                e.op,
                Op::GetNowait {
                    polled: Polled::Empty {
                        cause: EmptyCause::ReaderLockHeld(_)
                    }
                }
            )
        });
        Ending {
            processed: outcome.counts().iter().map(|&n| n.min(2) as u8).collect(),
            leftover: outcome.leftover.clone(),
            stuck,
            seed_check: outcome.seed_check,
            spurious_empty,
            unprocessed_at_join: outcome.unprocessed_at_join(),
        }
    }
}
