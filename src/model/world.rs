//! The model's data: one plain struct per execution, the single source of truth for every
//! checker. It holds one shared structure (a queue's state or a channel's state: the type
//! parameter `S`) and the threads that use it.
//!
//! Why the data is not inside the backend's mutexes, and the rules that make that sound (the
//! world is never held across a backend call; permits are taken before the world changes and
//! returned after; observable orders are made under a token) are stated once, in
//! docs/model.md, section 3.6; `crate::model::runtime` implements them. The world also keeps
//! what the race check (`crate::model::race`) needs: each lane's vector clock and current
//! step, and each token's clock; these are ghost data that no step reads.

use super::race::{self, Clock, Race, Step};
use super::trace::{Event, Op, Snapshot, Trace};
use super::tracked::Log;
use super::types::{Item, JobId, LaneId, Role, Token, Wait};
use crate::sync::Stamp;
use std::hash::{Hash, Hasher};

/// The state of one shared structure of the model, as the world holds it: a
/// `multiprocessing.Queue` (`crate::model::queue::QueueState`) or a channel
/// (`crate::model::channel::ChannelState`).
pub(crate) trait Structure: Send + Hash + 'static {
    /// Whether `wait` is satisfied now. Waits that belong to another kind of structure are
    /// never satisfied (no thread of this world waits for them).
    fn holds(&self, wait: Wait) -> bool;

    /// The state column of a trace, with the threads marked blocked.
    fn snapshot(&self, blocked: Vec<(LaneId, Wait)>) -> Snapshot;

    /// The items still inside at the end of an execution (close markers excepted).
    fn leftover(&self) -> Vec<Item>;
}

/// Where a thread of the model is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
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
    /// What it knows to have happened before (ghost data, for the race check).
    clock: Clock,
    /// The loom operation that began its current step (ghost data, for the race check).
    step: Step,
}

/// Why a thread stopped waiting early.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
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
    pub processed: Log<(JobId, LaneId)>,
    /// Set once, when the hang detector finds every live thread blocked.
    pub hang: Option<Vec<(LaneId, Wait)>>,
    /// Set when the main thread exits: daemon threads must stop.
    pub shutdown: bool,
    pub trace: Trace,
    /// Per token, the clock its last holder published when it unlocked.
    tokens: [Clock; Token::ALL.len()],
    /// The first race the check found, if any.
    pub race: Option<Race>,
}

/// The lanes and the race check's ghost data: what the runtime (`crate::model::runtime`)
/// keeps, for any structure.
impl<S> World<S> {
    /// Registers a thread before it is spawned, so the hang detector counts it as running
    /// from the moment it exists. It starts knowing what its `parent` knew (nothing, for the
    /// main thread), and the parent's next accesses are not known to it.
    pub fn add_lane(
        &mut self,
        parent: Option<LaneId>,
        role: Role,
        name: String,
        daemon: bool,
    ) -> LaneId {
        super::tap::lane(&name);
        let lane = self.lanes.len();
        let mut clock = match parent {
            Some(parent) => {
                let clock = self.lanes[parent].clock.clone();
                self.lanes[parent].clock.tick(parent);
                clock
            }
            None => Clock::default(),
        };
        clock.tick(lane);
        self.lanes.push(Lane {
            role,
            name,
            state: LaneState::Running,
            daemon,
            clock,
            step: Step::Start,
        });
        lane
    }

    /// Makes `lane` the thread of the world access that starts (see `crate::model::race`).
    pub fn enter(&self, lane: LaneId) {
        let lane_state = &self.lanes[lane];
        race::enter(lane, lane_state.clock.clone(), lane_state.step);
    }

    /// Ends the world access `enter` started, keeping the first race found.
    pub fn leave(&mut self) {
        if let Some(race) = race::leave() {
            self.race.get_or_insert(race);
        }
    }

    /// `lane` returns a permit of `wait`'s semaphore: the stamp it carries, after which `lane`
    /// starts a new step and a new epoch.
    pub fn released(&mut self, lane: LaneId, wait: Wait) -> Clock {
        let lane_state = &mut self.lanes[lane];
        let stamp = lane_state.clock.clone();
        lane_state.clock.tick(lane);
        lane_state.step = Step::Release(wait);
        race::moved(lane, &lane_state.clock, lane_state.step);
        stamp
    }

    /// `lane` took a permit of `wait`'s semaphore, carrying `stamp`.
    pub fn acquired(&mut self, lane: LaneId, wait: Wait, stamp: &Clock) {
        let lane_state = &mut self.lanes[lane];
        lane_state.clock.join(stamp);
        lane_state.step = Step::Acquire(wait);
        race::moved(lane, &lane_state.clock, lane_state.step);
    }

    /// `lane` locked `token`.
    pub fn locked(&mut self, lane: LaneId, token: Token) {
        let published = &self.tokens[token.index()];
        let lane_state = &mut self.lanes[lane];
        lane_state.clock.join(published);
        lane_state.step = Step::Lock(token);
    }

    /// `lane` is about to unlock `token`.
    pub fn unlocking(&mut self, lane: LaneId, token: Token) {
        let lane_state = &mut self.lanes[lane];
        self.tokens[token.index()] = lane_state.clock.clone();
        lane_state.clock.tick(lane);
    }

    /// `lane`'s join of `target` returned: it knows everything `target` did.
    pub fn joined(&mut self, lane: LaneId, target: LaneId) {
        let theirs = self.lanes[target].clock.clone();
        let lane_state = &mut self.lanes[lane];
        lane_state.clock.join(&theirs);
        lane_state.step = Step::Joined;
        race::moved(lane, &lane_state.clock, lane_state.step);
    }
}

impl<S: Structure> World<S> {
    /// A world around `shared`, with no threads yet. `record_states` turns on the state
    /// column of the trace.
    pub fn new(shared: S, record_states: bool) -> World<S> {
        World {
            shared,
            lanes: Vec::new(),
            processed: Log::new("processed jobs"),
            hang: None,
            shutdown: false,
            trace: Trace::new(record_states),
            tokens: Default::default(),
            race: None,
        }
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

    /// Hashes everything of the world that a thread's future or a final state can depend on
    /// (docs/model.md, section 3.12): the structure, the lanes, the hang, the shutdown and the
    /// trace's facts (each lane's own events, among them the jobs it processed, and the jobs
    /// processed when `join()` returned); not the interleaving of different lanes' events, the
    /// snapshots or the ghost data of the race check.
    pub fn key(&self, state: &mut impl Hasher) {
        self.shared.hash(state);
        for lane in &self.lanes {
            (lane.role, lane.state, lane.daemon, &lane.name).hash(state);
        }
        self.hang.hash(state);
        self.shutdown.hash(state);
        self.trace.facts().hash(state);
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
