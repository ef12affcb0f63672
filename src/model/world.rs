//! The model's data: one plain struct, the single source of truth for every checker.
//!
//! # Why the data is not inside the backend's mutexes
//! Three things need a *global* view of the queue at every step: the trace (each event carries
//! the state after it: every buffer, the pipe, the reader lock, who is blocked on what), the
//! hang detector (are *all* live threads blocked?), and the final observation. Keeping the data
//! in per-component loom mutexes would force either extra locking (scheduling points) or a
//! mirrored copy. Instead the data lives here, behind a `std::sync::Mutex` that loom and shuttle
//! never see, and the backend's mutexes are tokens that say which component a step touches
//! (`crate::model::queue`). Under loom and shuttle every model thread runs on one OS thread, so
//! this lock is never contended; under real threads it linearises the steps. The rules that make
//! this sound: the world is never held across a backend call (a backend call may switch
//! threads); a semaphore's permit is taken before the world changes and returned after, so the
//! world never shows less than the permits promise; and every change whose order other threads
//! can observe is made under the token (or semaphore) that orders it for the checker.

use super::trace::{Event, Op, Snapshot, Trace};
use serde::Serialize;
use std::collections::VecDeque;

/// A job's number, `0..jobs`.
pub type JobId = u32;
/// Index of a thread of the model (see [`Lane`]).
pub type LaneId = usize;

/// What travels through the queue.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case", tag = "kind", content = "job")]
pub enum Item {
    Job(JobId),
    /// The protocol's end-of-work marker (the seed's `None`).
    Sentinel,
    /// CPython's private `_sentinel` that `_finalize_close` appends to stop the feeder
    /// (queues.py 204-209). It never reaches the pipe.
    Close,
}

/// What a blocked thread waits for. Each is a predicate over the [`World`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case", tag = "for", content = "of")]
pub enum Wait {
    /// A feeder waits for its producer's buffer to be non-empty (queues.py 228-231).
    BufferItem(usize),
    /// A feeder waits in `send_bytes` for room in the pipe.
    PipeRoom,
    /// A reader waits in `recv_bytes` for data (queues.py 102-103).
    PipeData,
    /// A timed reader waits for the reader lock (queues.py 108); only `get(timeout=t)`'s gap
    /// waits for it (see `crate::model::queue`).
    ReaderLock,
    /// A thread waits in `join()` for another to exit.
    Exit(LaneId),
    /// `JoinableQueue.join()` waits for every task to be done (queues.py 328-331).
    TasksDone,
}

/// Where a thread of the model is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case", tag = "state", content = "on")]
pub enum LaneState {
    Running,
    Blocked(Wait),
    /// Returned normally.
    Exited,
    /// Unwound because the execution hung or the process shut down (daemon threads).
    Stopped,
}

/// The role of a thread, which fixes its name in traces.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case", tag = "role", content = "index")]
pub enum Role {
    /// Producer `p`; producer 0 is the harness's main thread (the seed's `main()`).
    Producer(usize),
    /// The feeder thread of producer `p` (queues.py 161-185).
    Feeder(usize),
    Worker(usize),
}

/// One thread of the model.
#[derive(Clone, Debug, Serialize)]
pub struct Lane {
    pub role: Role,
    pub name: String,
    pub state: LaneState,
    /// Daemon threads are killed when the main thread exits instead of being waited for.
    pub daemon: bool,
}

/// Why a thread stopped waiting early.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Interrupted {
    /// Every live thread was blocked: the execution hung and is being unwound.
    Hang,
    /// The main thread exited; daemon threads die with it.
    Shutdown,
}

/// The state of one queue and of the threads using it.
#[derive(Debug)]
pub struct World {
    /// Items the pipe holds at most: the OS pipe's capacity divided by the item size.
    pub pipe_capacity: usize,
    /// Per producer: items put but not yet taken by its feeder (queues.py 76, 95).
    pub buffers: Vec<VecDeque<Item>>,
    /// Per producer: whether its feeder thread has been started (queues.py 93-94).
    pub feeder_started: Vec<bool>,
    /// Items written to the pipe and not yet read, in order.
    pub pipe: VecDeque<Item>,
    /// The holder of the reader lock `_rlock` (queues.py 43).
    pub reader: Option<LaneId>,
    /// `JoinableQueue._unfinished_tasks` (queues.py 298, 318, 323).
    pub unfinished_tasks: usize,
    pub lanes: Vec<Lane>,
    /// Every job a worker processed, in order, with the worker's lane.
    pub processed: Vec<(JobId, LaneId)>,
    /// Set once, when the hang detector finds every live thread blocked.
    pub hang: Option<Vec<(LaneId, Wait)>>,
    /// Set when the main thread exits: daemon threads must stop.
    pub shutdown: bool,
    pub trace: Trace,
}

impl World {
    pub fn new(producers: usize, pipe_capacity: usize, record_states: bool) -> World {
        World {
            pipe_capacity,
            buffers: vec![VecDeque::new(); producers],
            feeder_started: vec![false; producers],
            pipe: VecDeque::new(),
            reader: None,
            unfinished_tasks: 0,
            lanes: Vec::new(),
            processed: Vec::new(),
            hang: None,
            shutdown: false,
            trace: Trace::new(record_states),
        }
    }

    /// Registers a thread before it is spawned, so the hang detector counts it as running
    /// from the moment it exists.
    pub fn add_lane(&mut self, role: Role, name: String, daemon: bool) -> LaneId {
        self.lanes.push(Lane {
            role,
            name,
            state: LaneState::Running,
            daemon,
        });
        self.lanes.len() - 1
    }

    /// Records one step of `lane`, with the state after it.
    pub fn record(&mut self, lane: LaneId, op: Op) {
        let state = self.trace.records_states().then(|| self.snapshot());
        self.trace.push(Event { lane, op, state });
    }

    pub fn snapshot(&self) -> Snapshot {
        Snapshot {
            buffers: self
                .buffers
                .iter()
                .map(|buffer| buffer.iter().copied().collect())
                .collect(),
            pipe: self.pipe.iter().copied().collect(),
            reader: self.reader,
            blocked: self
                .lanes
                .iter()
                .enumerate()
                .filter_map(|(id, lane)| match lane.state {
                    LaneState::Blocked(wait) => Some((id, wait)),
                    _ => None,
                })
                .collect(),
        }
    }

    /// Whether `wait` is satisfied now.
    pub fn holds(&self, wait: Wait) -> bool {
        match wait {
            Wait::BufferItem(producer) => !self.buffers[producer].is_empty(),
            Wait::PipeRoom => self.pipe.len() < self.pipe_capacity,
            Wait::PipeData => !self.pipe.is_empty(),
            Wait::ReaderLock => self.reader.is_none(),
            Wait::Exit(lane) => matches!(
                self.lanes[lane].state,
                LaneState::Exited | LaneState::Stopped
            ),
            Wait::TasksDone => self.unfinished_tasks == 0,
        }
    }

    /// Why a wait must end early, if it must.
    pub fn interruption(&self, lane: LaneId) -> Option<Interrupted> {
        if self.hang.is_some() {
            Some(Interrupted::Hang)
        } else if self.shutdown && self.lanes[lane].daemon {
            Some(Interrupted::Shutdown)
        } else {
            None
        }
    }

    /// The hang detector: called whenever a thread is about to block or exit. If every thread
    /// that has not exited (daemons excepted once the main thread is gone) is blocked on a condition that is false now, nothing can ever make
    /// one true again (only running threads change the world), so the execution hangs. Returns
    /// true if it just declared the hang; the caller must then wake everyone
    /// (`Queue::interrupt_all`).
    pub fn detect_hang(&mut self) -> bool {
        if self.hang.is_some() {
            return false;
        }
        let mut stuck = Vec::new();
        for (id, lane) in self.lanes.iter().enumerate() {
            match lane.state {
                LaneState::Exited | LaneState::Stopped => {}
                _ if lane.daemon && self.shutdown => {}
                LaneState::Running => return false,
                LaneState::Blocked(wait) if self.holds(wait) => return false,
                LaneState::Blocked(wait) => stuck.push((id, wait)),
            }
        }
        if stuck.is_empty() {
            return false;
        }
        self.hang = Some(stuck);
        true
    }

    /// Number of items put and not yet read: `qsize()` (queues.py 124-126).
    pub fn qsize(&self) -> usize {
        let queued = |item: &Item| *item != Item::Close;
        self.buffers.iter().flatten().filter(|i| queued(i)).count() + self.pipe.len()
    }
}
