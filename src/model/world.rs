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

use super::trace::{ChannelSnapshot, Event, Op, Snapshot, Trace};
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
    /// A channel's `recv()` waits for a message or for the last sender to go.
    ChannelReady,
    /// A bounded channel's `send()` waits for room.
    ChannelRoom,
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

/// A crossbeam-style MPMC channel (`crossbeam_channel::bounded(capacity)`) as a pure state
/// machine: each method is one operation as the channel linearises it. `crate::model::Channel`
/// runs them as steps of the model; the differential tests run them against
/// `crossbeam_channel` itself.
///
/// Receivers are not counted: every harness keeps a receiver until the end (the main thread's
/// own `rx`), so `send` never meets a channel without receivers and `SendError` cannot arise.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ChannelState {
    /// Messages the channel holds at most.
    pub capacity: usize,
    /// Messages sent and not yet received, oldest first.
    pub items: VecDeque<Item>,
    /// Live `Sender`s. The channel is disconnected when it reaches 0; it never comes back.
    pub senders: usize,
}

/// Why `try_send` did not send.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum TrySendError {
    /// The channel held `capacity` messages.
    Full,
}

/// Why `try_recv` returned no message.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum TryRecvError {
    /// No message now, but a sender is still alive: one may still come.
    Empty,
    /// No message and no sender: none will ever come.
    Disconnected,
}

impl ChannelState {
    /// A channel with one sender, as `bounded(capacity)` returns it.
    pub fn new(capacity: usize) -> ChannelState {
        ChannelState {
            capacity,
            items: VecDeque::new(),
            senders: 1,
        }
    }

    pub fn is_full(&self) -> bool {
        self.items.len() >= self.capacity
    }

    pub fn is_disconnected(&self) -> bool {
        self.senders == 0
    }

    /// Whether `recv()` would return now: a message is there, or none can ever come.
    pub fn recv_ready(&self) -> bool {
        !self.items.is_empty() || self.is_disconnected()
    }

    /// `Sender::try_send`: appends unless the channel is full. A sender exists (the caller
    /// holds it), so the channel is not disconnected.
    pub fn try_send(&mut self, item: Item) -> Result<(), TrySendError> {
        assert!(self.senders > 0, "send without a live sender");
        if self.is_full() {
            return Err(TrySendError::Full);
        }
        self.items.push_back(item);
        Ok(())
    }

    /// `Receiver::try_recv`: the oldest message; else `Disconnected` if no sender is left,
    /// else `Empty`. Messages sent before the last sender went are still delivered.
    pub fn try_recv(&mut self) -> Result<Item, TryRecvError> {
        match self.items.pop_front() {
            Some(item) => Ok(item),
            None if self.is_disconnected() => Err(TryRecvError::Disconnected),
            None => Err(TryRecvError::Empty),
        }
    }

    /// `Sender::clone`.
    pub fn clone_sender(&mut self) {
        assert!(self.senders > 0, "clone of a dropped sender");
        self.senders += 1;
    }

    /// `drop(Sender)`; returns true if it was the last one (the channel is now disconnected).
    pub fn drop_sender(&mut self) -> bool {
        self.senders = self.senders.checked_sub(1).expect("no sender left to drop");
        self.senders == 0
    }
}

/// The state of one queue or channel and of the threads using it.
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
    /// The channel, in a world that models one instead of a queue.
    pub channel: Option<ChannelState>,
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
            channel: None,
            lanes: Vec::new(),
            processed: Vec::new(),
            hang: None,
            shutdown: false,
            trace: Trace::new(record_states),
        }
    }

    /// A world holding a channel of `capacity` messages (and no queue).
    pub fn with_channel(capacity: usize, record_states: bool) -> World {
        World {
            channel: Some(ChannelState::new(capacity)),
            ..World::new(0, 0, record_states)
        }
    }

    /// The channel of a channel world.
    pub fn channel(&mut self) -> &mut ChannelState {
        self.channel.as_mut().expect("a world without a channel")
    }

    /// Registers a thread before it is spawned, so the hang detector counts it as running
    /// from the moment it exists.
    pub fn add_lane(&mut self, role: Role, name: String, daemon: bool) -> LaneId {
        super::tap::lane(&name);
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
        super::tap::event(lane, op);
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
            channel: self.channel.as_ref().map(|c| ChannelSnapshot {
                items: c.items.iter().copied().collect(),
                senders: c.senders,
            }),
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
            Wait::ChannelReady => self.channel.as_ref().is_some_and(ChannelState::recv_ready),
            Wait::ChannelRoom => self.channel.as_ref().is_some_and(|c| !c.is_full()),
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
