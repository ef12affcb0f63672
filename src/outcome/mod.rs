//! What one execution did, and how it is judged: the [`Outcome`] of an execution, the
//! [`Property`]s it must have, the [`Violation`] it may show, and the [`Counterexample`] a
//! search reports. Data only: the words for them are in `crate::render`.

mod counterexample;
mod final_state;
mod property;

pub use counterexample::Counterexample;
#[cfg(feature = "loom")]
pub(crate) use counterexample::count_preemptions;
pub(crate) use final_state::{FinalState, final_state};
pub use property::Property;

use crate::model::race::Race;
use crate::model::world::{Structure, World};
use crate::model::{EmptyCause, Event, Item, JobId, LaneId, Op, Polled, Role, Wait};
use crate::scenario::Scenario;
use serde::Serialize;

/// The final state of one execution.
#[derive(Clone, Debug)]
pub(crate) struct Outcome {
    pub scenario: Scenario,
    /// Each job processed, with its worker, in order.
    pub processed: Vec<(JobId, LaneId)>,
    /// Items still in a buffer, in a feeder's hands, or in the pipe (or channel) at the end.
    pub leftover: Vec<Item>,
    /// Every thread blocked forever and what it waited for, if the execution hung.
    pub hang: Option<Vec<(LaneId, Wait)>>,
    /// The seed's criterion `jobs.empty()` after joining the workers, if it was reached.
    pub seed_check: Option<bool>,
    /// The threads' names, indexed by lane.
    pub lanes: Vec<String>,
    /// The threads' roles, indexed by lane (what the breadth-first checker's endings compare
    /// threads by; read by its tests for now).
    #[cfg_attr(not(test), allow(dead_code))]
    pub roles: Vec<Role>,
    pub events: Vec<Event>,
    /// The first race the model's race check found (docs/model.md, section 3.12): a bug in
    /// the model, which makes loom's verdicts untrustworthy. Every checker refuses such an
    /// execution ([`Outcome::assert_race_free`]).
    pub race: Option<Race>,
}

impl Outcome {
    /// The outcome of an execution that ended with `world`.
    pub fn new<S: Structure>(world: World<S>, scenario: Scenario) -> Outcome {
        let leftover = world.shared.leftover();
        let race = world.race.clone();
        let events = world.trace.into_events();
        let seed_check = events.iter().find_map(|e| match e.op {
            Op::SeedCheck { empty } => Some(empty),
            _ => None,
        });
        Outcome {
            scenario,
            processed: world.processed.into_entries(),
            leftover,
            hang: world.hang,
            seed_check,
            roles: world.lanes.iter().map(|lane| lane.role).collect(),
            lanes: world.lanes.into_iter().map(|lane| lane.name).collect(),
            events,
            race,
        }
    }

    /// Panics if the race check found a race: the model broke the condition that makes loom's
    /// reduction sound, so no verdict of this search can be trusted. This is a bug in
    /// drainproof's model, never in the protocol checked.
    pub fn assert_race_free(&self) {
        if let Some(race) = &self.race {
            panic!(
                "drainproof's model broke the race rule of docs/model.md, section 3.12, in \
                 {}: {race}; loom's verdicts on it cannot be trusted (a bug in drainproof)",
                self.scenario
            );
        }
    }

    /// How many times each job was processed.
    pub fn counts(&self) -> Vec<usize> {
        let mut counts = vec![0; self.scenario.jobs];
        for (job, _) in &self.processed {
            counts[*job as usize] += 1;
        }
        counts
    }

    pub fn lost_jobs(&self) -> Vec<JobId> {
        jobs_where(&self.counts(), |n| n == 0)
    }

    /// Jobs not yet processed when `JoinableQueue.join()` returned (none if it never did).
    pub fn unprocessed_at_join(&self) -> Vec<JobId> {
        let Some(at) = self.events.iter().position(|e| e.op == Op::JoinQueue) else {
            return Vec::new();
        };
        let mut counts = vec![0; self.scenario.jobs];
        for event in &self.events[..at] {
            if let Op::Process { job } = event.op {
                counts[job as usize] += 1;
            }
        }
        jobs_where(&counts, |n| n == 0)
    }

    pub fn duplicated_jobs(&self) -> Vec<JobId> {
        jobs_where(&self.counts(), |n| n > 1)
    }

    /// Judges the execution against `property`.
    pub fn violation(&self, property: Property) -> Option<Violation> {
        let violation = |kind, jobs: Vec<JobId>, lanes: Vec<LaneId>| {
            Some(Violation {
                property,
                kind,
                jobs,
                lanes,
            })
        };
        match property {
            Property::NoLostJob => {
                let lost = self.lost_jobs();
                (!lost.is_empty())
                    .then_some(())
                    .and_then(|()| violation(Kind::LostJob, lost, vec![]))
            }
            Property::NoDuplicate => {
                let twice = self.duplicated_jobs();
                (!twice.is_empty())
                    .then_some(())
                    .and_then(|()| violation(Kind::Duplicate, twice, vec![]))
            }
            Property::Termination => self.hang.as_ref().and_then(|stuck| {
                violation(Kind::Hang, vec![], stuck.iter().map(|(l, _)| *l).collect())
            }),
            Property::SeedCheckSound => {
                let lost = self.lost_jobs();
                (self.seed_check == Some(true) && !lost.is_empty())
                    .then_some(())
                    .and_then(|()| violation(Kind::UnsoundCheck, lost, vec![]))
            }
            Property::SeedCheckComplete => (self.seed_check == Some(false)
                && self.lost_jobs().is_empty()
                && self.duplicated_jobs().is_empty())
            .then_some(())
            .and_then(|()| violation(Kind::FalseAlarm, vec![], vec![])),
            Property::DrainedBeforeJoin => {
                let unfinished = self.unprocessed_at_join();
                (!unfinished.is_empty())
                    .then_some(())
                    .and_then(|()| violation(Kind::EarlyJoin, unfinished, vec![]))
            }
            Property::NoSpuriousEmpty => self
                .events
                .iter()
                .find_map(|e| match e.op {
                    Op::GetNowait {
                        polled:
                            Polled::Empty {
                                cause: EmptyCause::ReaderLockHeld(holder),
                            },
                    } => Some((e.lane, holder)),
                    _ => None,
                })
                .and_then(|(lane, holder)| {
                    violation(Kind::SpuriousEmpty, vec![], vec![lane, holder])
                }),
        }
    }
}

fn jobs_where(counts: &[usize], keep: impl Fn(usize) -> bool) -> Vec<JobId> {
    counts
        .iter()
        .enumerate()
        .filter(|(_, n)| keep(**n))
        .map(|(job, _)| job as JobId)
        .collect()
}

/// The kind of a counterexample. Its [name](Kind::name) is part of the JSON contract.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    /// A job was never processed.
    LostJob,
    /// A job was processed more than once.
    Duplicate,
    /// Every live thread blocked forever.
    Hang,
    /// The seed's check `jobs.empty()` returned True, yet a job was lost.
    UnsoundCheck,
    /// Nothing was lost, yet the seed's check `jobs.empty()` returned False.
    FalseAlarm,
    /// `get_nowait()` raised `Empty` because another reader held the reader lock.
    SpuriousEmpty,
    /// `join()` returned while a job was still unprocessed.
    EarlyJoin,
}

impl Kind {
    /// The kind's name in JSON and in docs/proofs.md.
    pub fn name(self) -> &'static str {
        match self {
            Kind::LostJob => "lost_job",
            Kind::Duplicate => "duplicate",
            Kind::Hang => "hang",
            Kind::UnsoundCheck => "unsound_check",
            Kind::FalseAlarm => "false_alarm",
            Kind::SpuriousEmpty => "spurious_empty",
            Kind::EarlyJoin => "early_join",
        }
    }
}

impl Serialize for Kind {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.name())
    }
}

/// A property an execution broke, and who was involved.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Violation {
    pub property: Property,
    pub kind: Kind,
    pub jobs: Vec<JobId>,
    pub lanes: Vec<LaneId>,
}
