//! The model's data: one plain struct per execution, the single source of truth for every
//! checker. It holds one shared structure (a queue's state or a channel's state: the type
//! parameter `S`) and the threads that use it.
//!
//! Why the data is not inside the backend's mutexes, and the rules that make that sound (the
//! world is never held across a backend call; permits are taken before the world changes and
//! returned after; observable orders are made under a token) are stated once, in
//! docs/model.md, section 3.6; `crate::model::runtime` implements them.

use super::trace::{Event, Op, Snapshot, Trace};
use super::types::{Item, JobId, LaneId, Role, Wait};

/// The state of one shared structure of the model, as the world holds it: a
/// `multiprocessing.Queue` (`crate::model::queue::QueueState`) or a channel
/// (`crate::model::channel::ChannelState`).
pub(crate) trait Structure: Send + 'static {
    /// Whether `wait` is satisfied now. Waits that belong to another kind of structure are
    /// never satisfied (no thread of this world waits for them).
    fn holds(&self, wait: Wait) -> bool;

    /// The state column of a trace, with the threads marked blocked.
    fn snapshot(&self, blocked: Vec<(LaneId, Wait)>) -> Snapshot;

    /// The items still inside at the end of an execution (close markers excepted).
    fn leftover(&self) -> Vec<Item>;
}

/// Where a thread of the model is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum LaneState {
    Running,
    Blocked(Wait),
    /// Returned normally.
    Exited,
    /// Unwound because the execution hung or the process shut down (daemon threads).
    Stopped,
}

/// One thread of the model.
#[derive(Clone, Debug)]
pub(crate) struct Lane {
    pub role: Role,
    pub name: String,
    pub state: LaneState,
    /// Daemon threads are killed when the main thread exits instead of being waited for.
    pub daemon: bool,
}

/// Why a thread stopped waiting early.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Interrupted {
    /// Every live thread was blocked: the execution hung and is being unwound.
    Hang,
    /// The main thread exited; daemon threads die with it.
    Shutdown,
}

/// The state of one shared structure and of the threads using it.
#[derive(Debug)]
pub(crate) struct World<S> {
    /// The queue's or the channel's own state.
    pub shared: S,
    pub lanes: Vec<Lane>,
    /// Every job a worker processed, in order, with the worker's lane.
    pub processed: Vec<(JobId, LaneId)>,
    /// Set once, when the hang detector finds every live thread blocked.
    pub hang: Option<Vec<(LaneId, Wait)>>,
    /// Set when the main thread exits: daemon threads must stop.
    pub shutdown: bool,
    pub trace: Trace,
}

impl<S: Structure> World<S> {
    /// A world around `shared`, with no threads yet. `record_states` turns on the state
    /// column of the trace.
    pub fn new(shared: S, record_states: bool) -> World<S> {
        World {
            shared,
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

    fn snapshot(&self) -> Snapshot {
        let blocked = self
            .lanes
            .iter()
            .enumerate()
            .filter_map(|(id, lane)| match lane.state {
                LaneState::Blocked(wait) => Some((id, wait)),
                _ => None,
            })
            .collect();
        self.shared.snapshot(blocked)
    }

    /// Whether `wait` is satisfied now.
    pub fn holds(&self, wait: Wait) -> bool {
        match wait {
            Wait::Exit(lane) => matches!(
                self.lanes[lane].state,
                LaneState::Exited | LaneState::Stopped
            ),
            _ => self.shared.holds(wait),
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

    /// The hang detector (docs/model.md, section 3.7): called whenever a thread is about to
    /// block or exit. If every thread that has not exited (daemons excepted once the main
    /// thread is gone) is blocked on a condition that is false now, nothing can ever make one
    /// true again (only running threads change the world), so the execution hangs. Returns
    /// true if it just declared the hang; the caller must then wake everyone
    /// (`Host::interrupt_all`).
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
}
