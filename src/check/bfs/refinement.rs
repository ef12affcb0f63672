//! Trace validation: an execution of the code-level model, event by event, as an execution of
//! the step relation (`crate::step`).
//!
//! [`Refinement`] reads the model's events in order and keeps the relation's state beside them.
//! Each event that is a step (the module doc of `crate::step` says which are) must be a step
//! whose guard holds in that state, moving the item the event names, and the only step the
//! relation allows that thread there (each thread of the model runs a deterministic program, so
//! a second enabled step is a guard too weak); the events merged into the
//! step before them (`Process`, `StartFeeder`, a worker's `Exit`) must come from the same
//! thread, in order, before its next step; a `Block` must come from a thread that has no
//! enabled step; where the event carries the model's state, the buffers, the pipe (or the
//! channel) and the reader lock's holder must be the relation's. When the execution is over,
//! the relation must have no step left and must have ended as the model did: the same jobs
//! processed as often, the same items left where, the same threads stuck on the same waits
//! (by role), the same answer to the seed's check ([`Refinement::finish`]).
//!
//! The relation counts workers; the validator names them, following each worker's local state
//! by its lane, because the model's events name lanes. The producer's joins are the one place
//! where names matter (the harness joins workers in index order, the relation joins *some*
//! exited worker): a join must join a worker that has exited, a producer blocked joining worker
//! `i` may leave the relation able to join a later, exited one, and a hang in that position
//! ends, in the relation, after those joins (the argument is in `crate::step`'s module doc).
//!
//! Every abstract state the execution passes through is handed to `Refinement::visit`, which
//! evaluates the all-sizes proofs' inductive invariant on it (`crate::step::invariant`, for the
//! scenarios whose invariant is inductive): every state of every validated execution must
//! satisfy the very clauses the solver proves inductive.

use crate::model::{EmptyCause, Event, Item, JobId, LaneId, Op, Polled, Received, Role, Wait};
use crate::outcome::Outcome;
use crate::scenario::{Scenario, Target};
use crate::step::{
    Actor, Concrete, Ending, JobCounts, Local, Relation, State, StepKind, WorkerOp, invariant,
    state::second,
};
use std::collections::VecDeque;
use std::fmt;

/// An abstract state of a concrete scenario.
pub type Abstract = State<Concrete, JobCounts>;

/// Where the model and the relation part ways.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Mismatch {
    /// The index of the event in the trace (`None`: at the end of the execution).
    pub event: Option<usize>,
    pub what: String,
}

impl fmt::Display for Mismatch {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.event {
            Some(index) => write!(f, "event {}: {}", index + 1, self.what),
            None => write!(f, "at the end: {}", self.what),
        }
    }
}

impl std::error::Error for Mismatch {}

/// An event a thread still owes the step it took: it belongs to that step (see `crate::step`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Owed {
    StartFeeder,
    Process(JobId),
    Exit,
}

/// What the validator knows of one lane of the model.
#[derive(Clone, Debug, Default)]
struct Lane {
    role: Option<Role>,
    /// A worker's local state.
    local: Option<Local>,
    owes: VecDeque<Owed>,
}

/// A validated execution: its steps, and where it ended.
#[derive(Clone, Debug)]
pub struct Validated {
    /// The steps, in order, each with the index of the event that took it.
    pub steps: Vec<(usize, StepKind)>,
    /// Joins of exited workers the relation took after the model hung with its producer
    /// waiting for an earlier worker (see the module doc).
    pub completed_joins: usize,
    /// The relation's last state: terminal, and ended as the model ended.
    pub last: Abstract,
}

/// The relation's side of one execution of the model, advanced one event at a time.
pub struct Refinement {
    relation: Relation<Concrete>,
    /// The target whose inductive invariant every state must satisfy, if the relation has one.
    invariant: Option<Target>,
    state: Abstract,
    lanes: Vec<Lane>,
    steps: Vec<(usize, StepKind)>,
    /// Events read so far.
    events: usize,
}

impl Refinement {
    /// Before the first event: the relation's initial state, the model's main thread (lane 0,
    /// producer 0) and nothing else.
    pub fn new(relation: &Relation<Concrete>) -> Refinement {
        let refinement = Refinement {
            relation: relation.clone(),
            invariant: invariant::inductive_target(relation),
            state: relation.start(),
            lanes: vec![Lane {
                role: Some(Role::Producer(0)),
                ..Lane::default()
            }],
            steps: Vec::new(),
            events: 0,
        };
        refinement
            .visit(&refinement.state)
            .expect("the initial state satisfies the relation's invariant");
        refinement
    }

    /// The relation's state now.
    pub fn state(&self) -> &Abstract {
        &self.state
    }

    /// The role of `lane`, once the event that started it has been read.
    pub fn role(&self, lane: LaneId) -> Option<Role> {
        self.lanes.get(lane).and_then(|l| l.role)
    }

    /// A worker's local state.
    pub fn local(&self, lane: LaneId) -> Option<Local> {
        self.lanes.get(lane).and_then(|l| l.local)
    }

    /// Whether `lane` still owes events of the step it took last.
    pub fn owes(&self, lane: LaneId) -> bool {
        self.lanes.get(lane).is_some_and(|l| !l.owes.is_empty())
    }

    /// Lanes known so far.
    pub fn lanes(&self) -> usize {
        self.lanes.len()
    }

    /// The lanes that take `actor`'s steps now: one for a producer or a feeder, every worker
    /// in the local state for a worker step.
    pub fn lanes_of(&self, actor: Actor) -> Vec<LaneId> {
        (0..self.lanes.len())
            .filter(|&lane| self.actor(lane) == Some(actor))
            .collect()
    }

    /// Every abstract state an execution passes through, once: the initial state and the state
    /// after each step. It must satisfy the inductive invariant of the all-sizes proofs (issue
    /// 9), evaluated on plain integers for every job.
    fn visit(&self, state: &Abstract) -> Result<(), String> {
        match &self.invariant {
            Some(target) => invariant::check_concrete(target, &self.relation, state)
                .map_err(|broken| broken.to_string()),
            None => Ok(()),
        }
    }

    /// Whether worker `lane` has returned in the model: its last step took it to
    /// [`Local::Exited`] (where the relation has it at once) and its `Exit` is recorded.
    fn exited(&self, lane: LaneId) -> bool {
        self.local(lane) == Some(Local::Exited) && !self.lanes[lane].owes.contains(&Owed::Exit)
    }

    /// The actor `lane`'s next step would be, if it has one.
    fn actor(&self, lane: LaneId) -> Option<Actor> {
        let view = self.lanes.get(lane)?;
        Some(match view.role? {
            Role::Producer(0) => Actor::Main,
            Role::Producer(_) => Actor::Second,
            Role::Feeder(p) => Actor::Feeder(p),
            Role::Worker(_) => Actor::Worker(view.local?),
        })
    }

    fn mismatch(&self, what: String) -> Mismatch {
        Mismatch {
            event: Some(self.events),
            what,
        }
    }

    /// Reads the next event. Returns the step it took, if it is one.
    pub fn feed(&mut self, event: &Event) -> Result<Option<StepKind>, Mismatch> {
        let result = self.read(event);
        if result.is_ok()
            && let Some(snapshot) = &event.state
        {
            self.compare(snapshot)?;
        }
        self.events += 1;
        result
    }

    fn read(&mut self, event: &Event) -> Result<Option<StepKind>, Mismatch> {
        let lane = event.lane;
        let named = |this: &Self| format!("lane {lane} ({:?})", this.role(lane));
        if self.role(lane).is_none() {
            return Err(self.mismatch(format!(
                "{} recorded {:?} before any event started it",
                named(self),
                event.op
            )));
        }
        // A non-blocking or timed reader releases the reader lock before it processes what it
        // read: its `Process` may wait for that one step.
        let releases_first = matches!(self.lanes[lane].owes.front(), Some(Owed::Process(_)))
            && event.op == Op::ReleaseReaderLock;
        if let Some(&owed) = self.lanes[lane].owes.front()
            && !releases_first
        {
            let paid = match (owed, event.op) {
                (Owed::StartFeeder, Op::StartFeeder { lane: feeder }) => {
                    let producer = match self.role(lane) {
                        Some(Role::Producer(p)) => p,
                        other => unreachable!("only producers put: {other:?}"),
                    };
                    self.start(feeder, Role::Feeder(producer), None)?;
                    true
                }
                (Owed::Process(job), Op::Process { job: done }) => job == done,
                (Owed::Exit, Op::Exit) => true,
                _ => false,
            };
            if !paid {
                return Err(self.mismatch(format!(
                    "{} owes {owed:?} to its last step but recorded {:?}",
                    named(self),
                    event.op
                )));
            }
            self.lanes[lane].owes.pop_front();
            return Ok(None);
        }
        match event.op {
            Op::Block { wait } => {
                self.blocked(lane, wait)?;
                Ok(None)
            }
            Op::Stopped { .. } => Ok(None),
            Op::Process { .. } | Op::StartFeeder { .. } => Err(self.mismatch(format!(
                "{} recorded {:?}, which belongs to a step it did not take",
                named(self),
                event.op
            ))),
            Op::Exit if matches!(self.role(lane), Some(Role::Worker(_) | Role::Feeder(_))) => {
                Err(self.mismatch(format!(
                    "{} exited without a step that returns",
                    named(self)
                )))
            }
            op => self.step(lane, op).map(Some),
        }
    }

    /// Registers a lane started by `event`'s thread. Lanes are numbered when they are
    /// registered, which can come before the event that says they started (a feeder is
    /// registered before its producer records `StartFeeder`), so numbers may arrive out of
    /// order; each arrives once.
    fn start(&mut self, lane: LaneId, role: Role, local: Option<Local>) -> Result<(), Mismatch> {
        if self.role(lane).is_some() {
            return Err(self.mismatch(format!("lane {lane} started twice (as {role:?})")));
        }
        if lane >= self.lanes.len() {
            self.lanes.resize_with(lane + 1, Lane::default);
        }
        self.lanes[lane] = Lane {
            role: Some(role),
            local,
            owes: VecDeque::new(),
        };
        Ok(())
    }

    /// The step `op` of `lane` is, before its guard is checked.
    fn kind(&self, lane: LaneId, op: Op) -> Result<StepKind, String> {
        use StepKind::*;
        let role = self.role(lane).expect("a started lane");
        let target = |lane: LaneId| self.role(lane);
        Ok(match (role, op) {
            (Role::Producer(0), Op::Put { item }) => match item {
                Item::Job(_) => PutJob,
                Item::Sentinel => PutSentinel,
                Item::Close => PutClose,
            },
            (Role::Producer(0), Op::Spawn { .. }) => {
                let second_due = self.relation.shape.two_producers()
                    && self.state.second == second::NOT_SPAWNED as i32;
                if second_due { SpawnSecond } else { SpawnWorker }
            }
            (Role::Producer(0), Op::Send { .. }) => Send,
            (Role::Producer(0), Op::DropSender { disconnected: true }) => DropSender,
            (Role::Producer(0), Op::Joined { lane: joined }) => match target(joined) {
                Some(Role::Producer(1)) => JoinSecond,
                Some(Role::Feeder(0)) => JoinFeeder,
                Some(Role::Worker(_)) if self.exited(joined) => JoinWorker,
                Some(Role::Worker(_)) => {
                    return Err(format!("joined worker lane {joined}, which has not exited"));
                }
                other => return Err(format!("joined lane {joined} ({other:?})")),
            },
            (Role::Producer(0), Op::JoinQueue) => JoinQueue,
            (Role::Producer(0), Op::SeedCheck { .. }) => SeedCheck,
            (Role::Producer(0), Op::Exit) => Exit,
            (
                Role::Producer(1),
                Op::Put {
                    item: Item::Sentinel,
                },
            ) => SecondPutSentinel,
            (Role::Producer(1), Op::Put { item: Item::Close }) => SecondPutClose,
            (Role::Producer(1), Op::Joined { lane: joined })
                if target(joined) == Some(Role::Feeder(1)) =>
            {
                SecondJoinFeeder
            }
            (Role::Producer(1), Op::Exit) => SecondExit,
            (Role::Feeder(producer), Op::Flush { .. }) => Flush { producer },
            (Role::Feeder(producer), Op::FeederExit) => FeederExit { producer },
            (Role::Worker(_), op) => {
                let from = self.local(lane).expect("a worker has a local state");
                Worker {
                    from,
                    op: self.worker_op(from, op)?,
                }
            }
            (role, op) => return Err(format!("{role:?} has no step for {op:?}")),
        })
    }

    /// The worker step an event of a worker in local state `from` is.
    fn worker_op(&self, from: Local, op: Op) -> Result<WorkerOp, String> {
        use WorkerOp::*;
        let holder = |h: LaneId| {
            if matches!(self.local(h), Some(Local::Locked | Local::AwaitData)) {
                Ok(())
            } else {
                Err(format!(
                    "Empty blamed lane {h} for the reader lock, but it does not hold it"
                ))
            }
        };
        Ok(match op {
            Op::Get { item: Item::Job(_) } => GetJob,
            Op::Get {
                item: Item::Sentinel,
            } => GetSentinel,
            Op::GetNowait { polled } => match polled {
                Polled::Item { item: Item::Job(_) } => NowaitItem,
                Polled::Empty {
                    cause: EmptyCause::ReaderLockHeld(h),
                } => {
                    holder(h)?;
                    NowaitEmptyLocked
                }
                Polled::Empty {
                    cause: EmptyCause::PipeEmpty,
                } => NowaitEmptyPipe,
                other => return Err(format!("get_nowait() returned {other:?}")),
            },
            Op::GetTimeout { polled } => match polled {
                Polled::Item { item: Item::Job(_) } => TimeoutItem,
                Polled::Empty {
                    cause: EmptyCause::ReaderLockHeld(h),
                } => {
                    holder(h)?;
                    TimeoutEmptyLocked
                }
                Polled::Empty {
                    cause: EmptyCause::PipeEmpty,
                } => TimeoutEmptyPipe,
                other => return Err(format!("get(timeout) returned {other:?}")),
            },
            Op::AwaitTimeout {
                wait: Wait::ReaderLock,
            } => TimeoutAwaitLock,
            Op::AwaitTimeout {
                wait: Wait::PipeData,
            } => TimeoutAwaitData,
            Op::ReleaseReaderLock => ReleaseLock,
            Op::PollEmpty { empty: false } => EmptyFalse,
            Op::PollEmpty { empty: true } => EmptyTrue,
            Op::TaskDone => TaskDone,
            Op::Recv { received } => match received {
                Received::Item { .. } => RecvItem,
                Received::Disconnected => RecvDisconnected,
                Received::Empty => return Err("recv() cannot return Empty".into()),
            },
            Op::TryRecv { received } => match received {
                Received::Item { .. } => TryRecvItem,
                Received::Empty => TryRecvEmpty,
                Received::Disconnected => TryRecvDisconnected,
            },
            other => return Err(format!("a worker in {from:?} has no step for {other:?}")),
        })
    }

    /// The item an event says it moved, if it names one.
    fn item_of(op: Op) -> Option<Item> {
        match op {
            Op::Put { item }
            | Op::Flush { item }
            | Op::Get { item }
            | Op::Send { item }
            | Op::GetNowait {
                polled: Polled::Item { item },
            }
            | Op::GetTimeout {
                polled: Polled::Item { item },
            }
            | Op::Recv {
                received: Received::Item { item },
            }
            | Op::TryRecv {
                received: Received::Item { item },
            } => Some(item),
            Op::FeederExit => Some(Item::Close),
            _ => None,
        }
    }

    /// Takes the step `op` of `lane` is.
    fn step(&mut self, lane: LaneId, op: Op) -> Result<StepKind, Mismatch> {
        let kind = self
            .kind(lane, op)
            .map_err(|why| self.mismatch(format!("lane {lane}: {why}")))?;
        let relation = self.relation.clone();
        let Some((_, next)) = relation.step(&Concrete, &self.state, kind) else {
            return Err(self.mismatch(format!(
                "lane {lane} recorded {op:?}, but the relation's {kind:?} is not enabled in \
                 {:?}",
                self.state
            )));
        };
        // Each thread of the model runs a deterministic program: in a given state it has one
        // thing to do. So must the relation: a second enabled step of the same actor is a
        // guard too weak (the model would never take it here).
        let actor = kind.actor();
        if let Some(other) = relation.kinds().into_iter().find(|&other| {
            other != kind
                && other.actor() == actor
                && relation.step(&Concrete, &self.state, other).is_some()
        }) {
            return Err(self.mismatch(format!(
                "lane {lane} took {kind:?}, but the relation also lets it take {other:?} here"
            )));
        }
        let moved = relation.moved(&self.state, kind);
        if let Some(item) = Self::item_of(op)
            && moved != Some(item)
        {
            return Err(self.mismatch(format!(
                "lane {lane} recorded {op:?}, but the relation's {kind:?} moves {moved:?}"
            )));
        }
        if let Op::SeedCheck { empty } = op
            && (next.seed == crate::step::state::seed::EMPTY as i32) != empty
        {
            return Err(self.mismatch(format!(
                "the seed's check said empty={empty}, the relation's pipe holds {:?}",
                relation.pipe(&self.state)
            )));
        }
        let before = std::mem::replace(&mut self.state, next);
        self.named(lane, op, kind, &before)?;
        self.visit(&self.state)
            .map_err(|why| self.mismatch(format!("invariant broken after {kind:?}: {why}")))?;
        self.steps.push((self.events, kind));
        Ok(kind)
    }

    /// Follows the named lanes through step `kind` from `before` to the current state: who
    /// started, where the worker went, what the step still owes.
    fn named(
        &mut self,
        lane: LaneId,
        op: Op,
        kind: StepKind,
        before: &Abstract,
    ) -> Result<(), Mismatch> {
        let relation = self.relation.clone();
        match (kind, op) {
            (StepKind::SpawnWorker, Op::Spawn { lane: worker }) => {
                let index = before.spawned as usize;
                self.start(worker, Role::Worker(index), Some(relation.shape.start()))?;
            }
            (StepKind::SpawnSecond, Op::Spawn { lane: second }) => {
                self.start(second, Role::Producer(1), None)?;
            }
            (StepKind::Worker { from, .. }, _) => {
                let to = Local::ALL
                    .into_iter()
                    .find(|l| self.state.workers[l.index()] > before.workers[l.index()])
                    .unwrap_or(from);
                self.lanes[lane].local = Some(to);
                if let Some(Item::Job(job)) = Self::item_of(op) {
                    self.lanes[lane].owes.push_back(Owed::Process(job));
                }
                if to == Local::Exited {
                    self.lanes[lane].owes.push_back(Owed::Exit);
                }
            }
            _ => {}
        }
        let started = |s: &Abstract, p| relation.feeder_started(&Concrete, s, p);
        let producer = match kind {
            StepKind::PutJob | StepKind::PutSentinel => Some(0),
            StepKind::SecondPutSentinel => Some(1),
            _ => None,
        };
        if let Some(p) = producer
            && !started(before, p)
            && started(&self.state, p)
        {
            self.lanes[lane].owes.push_back(Owed::StartFeeder);
        }
        Ok(())
    }

    /// `lane` is about to block on `wait`: it must have no enabled step. The one exception is
    /// the producer joining worker `i` in index order while the relation could join a later
    /// worker that has exited; then worker `i` must not have exited.
    fn blocked(&self, lane: LaneId, wait: Wait) -> Result<(), Mismatch> {
        let actor = self.actor(lane).expect("a started lane");
        for kind in self.relation.kinds() {
            if kind.actor() != actor || self.relation.step(&Concrete, &self.state, kind).is_none() {
                continue;
            }
            let waits_for_unexited_worker = match wait {
                Wait::Exit(target) => {
                    matches!(self.role(target), Some(Role::Worker(_))) && !self.exited(target)
                }
                _ => false,
            };
            if !(kind == StepKind::JoinWorker && waits_for_unexited_worker) {
                return Err(self.mismatch(format!(
                    "lane {lane} blocks on {wait:?}, but the relation lets it take {kind:?}"
                )));
            }
        }
        Ok(())
    }

    /// The model's state after an event against the relation's.
    fn compare(&self, snapshot: &crate::model::Snapshot) -> Result<(), Mismatch> {
        let r = &self.relation;
        let s = &self.state;
        let differ = |what: &str, model: String, relation: String| {
            Err(self.mismatch(format!(
                "after the event, the model's {what} is {model}, the relation's {relation}"
            )))
        };
        if r.shape.channel() {
            let items = snapshot.channel.as_ref().map(|c| c.items.clone());
            if items.as_ref() != Some(&r.pipe(s)) {
                return differ("channel", format!("{items:?}"), format!("{:?}", r.pipe(s)));
            }
        } else {
            let buffers: Vec<Vec<Item>> = (0..snapshot.buffers.len())
                .map(|p| r.buffer(s, p))
                .collect();
            if snapshot.buffers != buffers {
                return differ(
                    "buffers",
                    format!("{:?}", snapshot.buffers),
                    format!("{buffers:?}"),
                );
            }
            if snapshot.pipe != r.pipe(s) {
                return differ(
                    "pipe",
                    format!("{:?}", snapshot.pipe),
                    format!("{:?}", r.pipe(s)),
                );
            }
        }
        let holders: Vec<LaneId> = (0..self.lanes.len())
            .filter(|&l| matches!(self.local(l), Some(Local::Locked | Local::AwaitData)))
            .collect();
        if holders.len() > 1 || snapshot.reader != holders.first().copied() {
            return differ(
                "reader lock holder",
                format!("{:?}", snapshot.reader),
                format!("{holders:?}"),
            );
        }
        Ok(())
    }

    /// Ends the execution: `outcome` is the model's (its events were all fed). Checks that no
    /// thread owes an event, that the lanes have the roles the model gave them, and that the
    /// relation, after the joins the producer's index order left out of a hang, has no step
    /// left and ended as the model did.
    pub fn finish(mut self, outcome: &Outcome) -> Result<Validated, Mismatch> {
        let at_end = |what: String| Mismatch { event: None, what };
        if self.events != outcome.events.len() {
            return Err(at_end(format!(
                "{} of the execution's {} events were read",
                self.events,
                outcome.events.len()
            )));
        }
        for (lane, view) in self.lanes.iter().enumerate() {
            if !view.owes.is_empty() {
                return Err(at_end(format!("lane {lane} still owes {:?}", view.owes)));
            }
            let role = outcome.roles.get(lane).copied();
            if role != view.role {
                return Err(at_end(format!(
                    "lane {lane} is {role:?} in the model, {:?} here",
                    view.role
                )));
            }
        }
        if outcome.roles.len() != self.lanes.len() {
            return Err(at_end(format!(
                "the model has {} lanes, the events started {}",
                outcome.roles.len(),
                self.lanes.len()
            )));
        }
        let relation = self.relation.clone();
        let mut completed_joins = 0;
        let main_waits_for_worker = outcome.hang.as_ref().is_some_and(|stuck| {
            stuck.iter().any(|&(lane, wait)| {
                lane == 0
                    && matches!(wait, Wait::Exit(t) if matches!(self.role(t), Some(Role::Worker(_))))
            })
        });
        if main_waits_for_worker {
            while let Some((_, next)) = relation.step(&Concrete, &self.state, StepKind::JoinWorker)
            {
                self.state = next;
                completed_joins += 1;
                self.visit(&self.state).map_err(|why| {
                    at_end(format!("invariant broken after a completed join: {why}"))
                })?;
            }
        }
        let left: Vec<StepKind> = relation
            .successors(&self.state)
            .into_iter()
            .map(|(kind, _)| kind)
            .collect();
        if !left.is_empty() {
            return Err(at_end(format!(
                "the model stopped, but the relation can still take {left:?} from {:?}",
                self.state
            )));
        }
        let model = Ending::from_outcome(outcome);
        let abstract_ending = relation.ending(&self.state);
        if model != abstract_ending {
            return Err(at_end(format!(
                "the model ended as {model:?}, the relation as {abstract_ending:?}"
            )));
        }
        Ok(Validated {
            steps: self.steps,
            completed_joins,
            last: self.state,
        })
    }
}

/// Validates a whole execution of `scenario`'s model.
pub fn validate(scenario: &Scenario, outcome: &Outcome) -> Result<Validated, Mismatch> {
    let relation = Relation::of(scenario);
    let mut refinement = Refinement::new(&relation);
    for event in &outcome.events {
        refinement.feed(event)?;
    }
    refinement.finish(outcome)
}
