//! The model's own event log: what each thread did, in queue terms, and the state after it.
//!
//! Recording is plain data pushed under the world lock: no backend primitive is involved, so
//! it adds no scheduling point and behaves the same under loom, shuttle and real threads. A
//! fresh log is made with each execution. Snapshots (the state column of a trace) are the only
//! part with a cost; searches that only need the verdict turn them off.

use super::types::{Item, JobId, LaneId, Wait};
use serde::Serialize;

/// Why `get_nowait()` raised `Empty`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case", tag = "cause", content = "holder")]
pub enum EmptyCause {
    /// Cause (a): the pipe had nothing readable at the poll (queues.py 115-116).
    PipeEmpty,
    /// Cause (b): another reader held the reader lock (queues.py 108-109).
    ReaderLockHeld(LaneId),
}

/// What a non-blocking read returned.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case", tag = "result")]
pub enum Polled {
    /// An item was read.
    Item {
        /// The item.
        item: Item,
    },
    /// `Empty` was raised.
    Empty {
        /// Why.
        cause: EmptyCause,
    },
}

/// What a channel's `recv()` or `try_recv()` returned.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case", tag = "result")]
pub enum Received {
    /// A message was received.
    Item {
        /// The message.
        item: Item,
    },
    /// `try_recv()` only: no message now, a sender is still alive.
    Empty,
    /// No message, and no sender left.
    Disconnected,
}

/// One step of one thread, in queue (or channel) terms.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case", tag = "op")]
pub enum Op {
    /// The harness started a thread.
    Spawn {
        /// The thread started.
        lane: LaneId,
    },
    /// `put(item)` appended to the producer's buffer (queues.py 92-96).
    Put {
        /// The item put.
        item: Item,
    },
    /// The first `put` started the producer's feeder thread (queues.py 93-94).
    StartFeeder {
        /// The feeder's lane.
        lane: LaneId,
    },
    /// The feeder wrote the item into the pipe (queues.py 248-252).
    Flush {
        /// The item written.
        item: Item,
    },
    /// The feeder popped the close marker and exited (queues.py 237-241).
    FeederExit,
    /// A blocking `get()` read an item (queues.py 102-104).
    Get {
        /// The item read.
        item: Item,
    },
    /// `get_nowait()` (queues.py 106-122).
    GetNowait {
        /// What it returned.
        polled: Polled,
    },
    /// `get(timeout=t)` (queues.py 106-122 with `block=True`).
    GetTimeout {
        /// What it returned.
        polled: Polled,
    },
    /// `get(timeout=t)` would block here; its timeout runs while other threads step.
    AwaitTimeout {
        /// What it would wait for.
        wait: Wait,
    },
    /// A non-blocking or timed reader released the reader lock (queues.py 119-120).
    ReleaseReaderLock,
    /// `empty()` polled the pipe (queues.py 128-129).
    PollEmpty {
        /// What `empty()` returned.
        empty: bool,
    },
    /// A worker processed a job.
    Process {
        /// The job.
        job: JobId,
    },
    /// `task_done()` (queues.py 321-326).
    TaskDone,
    /// `JoinableQueue.join()` returned (queues.py 328-331).
    JoinQueue,
    /// `Sender::send` appended the message to the channel (after waiting for room, if the
    /// channel was full).
    Send {
        /// The message sent.
        item: Item,
    },
    /// `Sender::try_send`: sent, or refused because the channel was full.
    TrySend {
        /// The message.
        item: Item,
        /// Whether it was sent (false: the channel was full).
        sent: bool,
    },
    /// `Receiver::recv` returned (after waiting, if the channel was empty and connected).
    Recv {
        /// What it returned.
        received: Received,
    },
    /// `Receiver::try_recv` returned.
    TryRecv {
        /// What it returned.
        received: Received,
    },
    /// `Sender::clone`.
    CloneSender,
    /// `drop(Sender)`; `disconnected` if it was the last sender.
    DropSender {
        /// Whether it was the last sender.
        disconnected: bool,
    },
    /// The thread is about to block.
    Block {
        /// What it waits for.
        wait: Wait,
    },
    /// `join()` on another thread returned.
    Joined {
        /// The thread joined.
        lane: LaneId,
    },
    /// The seed's pass criterion, `jobs.empty()` after joining the workers.
    SeedCheck {
        /// What `jobs.empty()` returned.
        empty: bool,
    },
    /// The thread returned.
    Exit,
    /// The thread was unwound: the execution hung, or it was a daemon at process exit.
    Stopped {
        /// True if the execution hung; false for a daemon killed at exit.
        hang: bool,
    },
}

/// The state after an event.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Snapshot {
    /// Per producer: its buffer, head first (empty for a channel).
    pub buffers: Vec<Vec<Item>>,
    /// The pipe, head first (empty for a channel).
    pub pipe: Vec<Item>,
    /// The holder of the reader lock, if a reader that can observe it holds it.
    pub reader: Option<LaneId>,
    /// A channel world's channel (absent from queue traces).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub channel: Option<ChannelSnapshot>,
    /// The threads marked blocked, and what each waits for.
    pub blocked: Vec<(LaneId, Wait)>,
}

/// A channel's state after an event.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct ChannelSnapshot {
    /// Messages sent and not yet received, oldest first.
    pub items: Vec<Item>,
    /// Live senders (0: disconnected).
    pub senders: usize,
}

/// One step.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Event {
    /// The thread that took the step.
    pub lane: LaneId,
    /// The step.
    pub op: Op,
    /// `None` when the search ran with snapshots off.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub state: Option<Snapshot>,
}

/// The event log of one execution.
#[derive(Clone, Debug, Default)]
pub(crate) struct Trace {
    events: Vec<Event>,
    record_states: bool,
}

impl Trace {
    pub fn new(record_states: bool) -> Trace {
        Trace {
            events: Vec::new(),
            record_states,
        }
    }
    pub fn records_states(&self) -> bool {
        self.record_states
    }
    pub fn push(&mut self, event: Event) {
        self.events.push(event);
    }
    /// What `lane` did last, if anything.
    pub fn last_op(&self, lane: LaneId) -> Option<Op> {
        self.events
            .iter()
            .rev()
            .find(|e| e.lane == lane)
            .map(|e| e.op)
    }
    pub fn into_events(self) -> Vec<Event> {
        self.events
    }
}
