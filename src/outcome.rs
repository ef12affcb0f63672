//! What one execution did, and the properties it is judged by.

use crate::model::{EmptyCause, Event, Item, JobId, Lane, LaneId, Op, Polled, Wait, World};
use crate::scenario::Scenario;
use serde::{Deserialize, Serialize};
use std::fmt;

/// The final state of one execution.
#[derive(Clone, Debug)]
pub struct Outcome {
    pub scenario: Scenario,
    /// Each job processed, with its worker, in order.
    pub processed: Vec<(JobId, LaneId)>,
    /// Items still in a buffer, in a feeder's hands, or in the pipe at the end.
    pub leftover: Vec<Item>,
    /// Every thread blocked forever and what it waited for, if the execution hung.
    pub hang: Option<Vec<(LaneId, Wait)>>,
    /// The seed's criterion `jobs.empty()` after joining the workers, if it was reached.
    pub seed_check: Option<bool>,
    pub lanes: Vec<Lane>,
    pub events: Vec<Event>,
}

impl Outcome {
    pub fn new(world: World, scenario: Scenario) -> Outcome {
        let leftover = world
            .buffers
            .iter()
            .flatten()
            .chain(&world.pipe)
            .chain(world.channel.iter().flat_map(|c| &c.items))
            .copied()
            .filter(|item| *item != Item::Close)
            .collect();
        let events = world.trace.into_events();
        let seed_check = events.iter().find_map(|e| match e.op {
            Op::SeedCheck { empty } => Some(empty),
            _ => None,
        });
        Outcome {
            scenario,
            processed: world.processed,
            leftover,
            hang: world.hang,
            seed_check,
            lanes: world.lanes,
            events,
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

/// What a check asserts of every execution. The snake_case names are part of the JSON and CLI
/// contract (`--property no_lost_job`); the kebab-case spellings are accepted too.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize, clap::ValueEnum)]
#[serde(rename_all = "snake_case")]
#[value(rename_all = "snake_case")]
pub enum Property {
    /// Every job is processed. In a hung execution nothing moves any more, so a job that was
    /// not processed when it hung is lost too.
    #[value(alias = "no-lost-job")]
    NoLostJob,
    /// No job is processed twice.
    #[value(alias = "no-duplicate")]
    NoDuplicate,
    /// No thread (producer, feeder, non-daemon worker) blocks forever.
    Termination,
    /// The seed's check: `jobs.empty()` after joining the workers implies no job was lost.
    #[value(alias = "seed-check-sound")]
    SeedCheckSound,
    /// The seed's check: a run that lost and duplicated nothing passes `jobs.empty()`.
    #[value(alias = "seed-check-complete")]
    SeedCheckComplete,
    /// `get_nowait()` never raises `Empty` because another reader holds the reader lock.
    #[value(alias = "no-spurious-empty")]
    NoSpuriousEmpty,
    /// `JoinableQueue.join()` returns only after every job was processed.
    #[value(alias = "drained-before-join")]
    DrainedBeforeJoin,
}

impl Property {
    /// The properties every drain protocol should have.
    pub const DRAIN: [Property; 3] = [
        Property::NoLostJob,
        Property::NoDuplicate,
        Property::Termination,
    ];

    pub fn name(self) -> &'static str {
        match self {
            Property::NoLostJob => "no_lost_job",
            Property::NoDuplicate => "no_duplicate",
            Property::Termination => "termination",
            Property::SeedCheckSound => "seed_check_sound",
            Property::SeedCheckComplete => "seed_check_complete",
            Property::NoSpuriousEmpty => "no_spurious_empty",
            Property::DrainedBeforeJoin => "drained_before_join",
        }
    }
}

impl fmt::Display for Property {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// The kind of a counterexample. The snake_case names are part of the JSON contract.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Kind {
    LostJob,
    Duplicate,
    Hang,
    UnsoundCheck,
    FalseAlarm,
    SpuriousEmpty,
    /// `join()` returned while a job was still unprocessed.
    EarlyJoin,
}

/// A property an execution broke, and who was involved.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Violation {
    pub property: Property,
    pub kind: Kind,
    pub jobs: Vec<JobId>,
    pub lanes: Vec<LaneId>,
}
