//! How an execution of the relation ended, in the terms the properties are judged by: which
//! jobs were processed how often, what was left where, who hung on what, what the seed's check
//! said. Concrete states only.

use super::domain::Concrete;
use super::ledger::JobCounts;
use super::state::{Local, State, main, second, seed};
use super::steps::{Relation, StepKind};
use crate::model::{Item, JobId};
use serde::Serialize;

/// A thread, by role: workers are counted, not named.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case", tag = "thread", content = "of")]
pub enum Thread {
    /// Producer 0, the harness's main thread.
    Main,
    /// Producer 1 (`foreign-sentinel`).
    Second,
    /// Producer `p`'s feeder thread.
    Feeder(usize),
    /// A worker (which one is not recorded).
    Worker,
}

/// What a thread stuck in a hang waits for (`crate::model::Wait`, with the joined thread named
/// by role).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case", tag = "for", content = "of")]
pub enum Blocked {
    /// A feeder waits for producer `p`'s buffer to be non-empty.
    BufferItem(usize),
    /// A feeder waits for room in the pipe.
    PipeRoom,
    /// A reader waits in `get()` for data.
    PipeData,
    /// A thread waits in `join()` for another, named by role.
    Exit(Thread),
    /// `JoinableQueue.join()` waits for every task to be done.
    TasksDone,
    /// A channel's `recv()` waits for a message or for the last sender to go.
    ChannelReady,
    /// A bounded channel's `send()` waits for room.
    ChannelRoom,
}

/// Threads stuck in a hang: how many of each role wait for what, sorted.
pub type Stuck = Vec<(Thread, Blocked, u32)>;

/// The end of an execution, in counted form. Two executions with the same ending are alike
/// for every property of the catalog.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Ending {
    /// Per job: processed 0 times, once, or 2 for more than once.
    pub processed: Vec<u8>,
    /// Items left in the buffers (producer 0's, then producer 1's) and then the pipe or the
    /// channel, in order; close markers excepted.
    pub leftover: Vec<Item>,
    /// `None` if the execution finished; the stuck threads if it hung.
    pub stuck: Option<Stuck>,
    /// The seed's check `jobs.empty()`, if it was made.
    pub seed_check: Option<bool>,
    /// Some `get_nowait()` raised `Empty` because another reader held the reader lock.
    pub spurious_empty: bool,
    /// Jobs not yet processed when `JoinableQueue.join()` returned.
    pub unprocessed_at_join: Vec<JobId>,
}

impl Relation<Concrete> {
    /// Item `position` of producer `p`'s put sequence.
    pub fn item(&self, producer: usize, position: i32) -> Item {
        let jobs = self.jobs_of(&Concrete, producer);
        if position < jobs {
            Item::Job(position as JobId)
        } else if position < self.items(&Concrete, producer) {
            Item::Sentinel
        } else {
            Item::Close
        }
    }

    /// The item step `kind` puts, writes or reads from `s` (`None` for a step that moves no
    /// item, or one not enabled in `s`).
    pub fn moved(&self, s: &State<Concrete, JobCounts>, kind: StepKind) -> Option<Item> {
        use StepKind::*;
        Some(match kind {
            PutJob | PutSentinel | PutClose | Send => self.item(0, s.put[0]),
            SecondPutSentinel | SecondPutClose => self.item(1, s.put[1]),
            Flush { producer } | FeederExit { producer } => self.item(producer, s.taken[producer]),
            Worker { .. } => {
                let next = self.step(&Concrete, s, kind)?.1;
                let producer = (0..2).find(|&p| next.read[p] != s.read[p])?;
                self.item(producer, s.read[producer])
            }
            _ => return None,
        })
    }

    fn producers(&self) -> usize {
        if self.shape.two_producers() { 2 } else { 1 }
    }

    /// The pipe's (or channel's) items, head first.
    pub fn pipe(&self, s: &State<Concrete, JobCounts>) -> Vec<Item> {
        if !self.shape.two_producers() {
            let end = self.in_pipe_of(&Concrete, s, 0) + s.read[0];
            return (s.read[0]..end).map(|q| self.item(0, q)).collect();
        }
        let mut cursor = s.read;
        (0..usize::from(s.order.len))
            .map(|index| {
                let producer = s.order.producer(index);
                cursor[producer] += 1;
                self.item(producer, cursor[producer] - 1)
            })
            .collect()
    }

    /// Producer `p`'s buffer, close marker included, head first.
    pub fn buffer(&self, s: &State<Concrete, JobCounts>, producer: usize) -> Vec<Item> {
        (s.taken[producer]..s.put[producer])
            .map(|q| self.item(producer, q))
            .collect()
    }

    /// What every thread that is alive in `s` waits for; called on a state where no step is
    /// enabled and the execution has not finished (a hang).
    pub fn stuck(&self, s: &State<Concrete, JobCounts>) -> Stuck {
        let d = &Concrete;
        let mut stuck: Stuck = Vec::new();
        let main_waits = match s.stage as u32 {
            main::SETUP if self.shape.channel() && !s.disconnected => Some(Blocked::ChannelRoom),
            main::SETUP if self.shape.two_producers() && s.second != second::JOINED as i32 => {
                Some(Blocked::Exit(Thread::Second))
            }
            main::SETUP if self.shape.daemon_workers() => Some(Blocked::TasksDone),
            main::SETUP => Some(Blocked::Exit(Thread::Worker)),
            main::CLOSING => Some(Blocked::Exit(Thread::Feeder(0))),
            main::EXITED => None,
            stage => unreachable!("producer 0 cannot block at stage {stage}"),
        };
        stuck.extend(main_waits.map(|wait| (Thread::Main, wait, 1)));
        match s.second as u32 {
            second::CLOSING => stuck.push((Thread::Second, Blocked::Exit(Thread::Feeder(1)), 1)),
            second::NOT_SPAWNED | second::EXITED | second::JOINED => {}
            stage => unreachable!("producer 1 cannot block at stage {stage}"),
        }
        let feeders = if self.shape.channel() {
            0
        } else {
            self.producers()
        };
        for producer in 0..feeders {
            if self.feeder_started(d, s, producer) && !self.feeder_exited(d, s, producer) {
                let wait = if s.taken[producer] == s.put[producer] {
                    Blocked::BufferItem(producer)
                } else {
                    Blocked::PipeRoom
                };
                stuck.push((Thread::Feeder(producer), wait, 1));
            }
        }
        for local in Local::ALL {
            let count = s.workers[local.index()];
            let wait = match local {
                _ if count == 0 => continue,
                Local::Exited => continue,
                Local::Get => Blocked::PipeData,
                Local::Recv => Blocked::ChannelReady,
                other => unreachable!("a worker cannot block in {other:?}"),
            };
            stuck.push((Thread::Worker, wait, count as u32));
        }
        stuck.sort();
        stuck
    }

    /// The ending of an execution that stopped in `s` (no step enabled).
    pub fn ending(&self, s: &State<Concrete, JobCounts>) -> Ending {
        let finished = self.finished(&Concrete, s);
        let mut leftover: Vec<Item> = (0..self.producers())
            .flat_map(|p| self.buffer(s, p))
            .collect();
        leftover.extend(self.pipe(s));
        leftover.retain(|item| *item != Item::Close);
        Ending {
            processed: (0..usize::from(s.jobs.jobs))
                .map(|job| s.jobs.count(job))
                .collect(),
            leftover,
            stuck: (!finished).then(|| self.stuck(s)),
            seed_check: match s.seed as u32 {
                seed::EMPTY => Some(true),
                seed::NOT_EMPTY => Some(false),
                _ => None,
            },
            spurious_empty: s.spurious,
            unprocessed_at_join: s.jobs.unprocessed_at_join(),
        }
    }
}
