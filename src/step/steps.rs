//! The steps: every thread's atomic steps as guards and updates over [`State`], written once
//! against [`Domain`] and [`Ledger`].
//!
//! Each step is named after the trace event it stands for (`crate::model::Op`); the module
//! doc of [`super`] lists the events that have no step of their own and why.

use super::domain::Domain;
use super::ledger::Ledger;
use super::state::{Local, Shape, Sizes, State, main, second, seed};
use crate::scenario::Protocol;

/// What a worker's step does (the worker's local state before it is part of the
/// [`StepKind`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum WorkerOp {
    /// Blocking `get()` read a job (`Get`), and the worker processed it (`Process`).
    GetJob,
    /// Blocking `get()` read a sentinel (`Get`); the worker returns (`Exit`).
    GetSentinel,
    /// `empty()` returned False (`PollEmpty`).
    EmptyFalse,
    /// `empty()` returned True (`PollEmpty`); the worker returns (`Exit`).
    EmptyTrue,
    /// `get_nowait()` read a job, keeping the reader lock (`GetNowait`); processed at once.
    NowaitItem,
    /// `get_nowait()` raised `Empty`: another reader held the reader lock; the worker returns.
    NowaitEmptyLocked,
    /// `get_nowait()` raised `Empty`: the pipe was empty; the worker returns.
    NowaitEmptyPipe,
    /// A try of `get(timeout=t)` read a job, keeping the reader lock (`GetTimeout`).
    TimeoutItem,
    /// The first try of `get(timeout=t)` found the reader lock held (`AwaitTimeout`).
    TimeoutAwaitLock,
    /// A try of `get(timeout=t)` took the reader lock and found the pipe empty
    /// (`AwaitTimeout`).
    TimeoutAwaitData,
    /// The last try of `get(timeout=t)` found the reader lock held: `Empty`; returns.
    TimeoutEmptyLocked,
    /// The last try of `get(timeout=t)` found the pipe empty: `Empty`; returns.
    TimeoutEmptyPipe,
    /// `release reader lock` after a read (`ReleaseReaderLock`).
    ReleaseLock,
    /// `task_done()` (`TaskDone`).
    TaskDone,
    /// `recv()` returned a job (`Recv`); processed at once.
    RecvItem,
    /// `recv()` returned `Err`: empty and disconnected (`Recv`); returns.
    RecvDisconnected,
    /// `try_recv()` returned a job (`TryRecv`); processed at once.
    TryRecvItem,
    /// `try_recv()` returned `Empty` (`TryRecv`); returns.
    TryRecvEmpty,
    /// `try_recv()` returned `Disconnected` (`TryRecv`); returns.
    TryRecvDisconnected,
}

/// One kind of step. A relation has a fixed, finite list of kinds ([`Relation::kinds`]),
/// whatever the sizes: each is enabled or not in a state, and a worker step moves *some*
/// worker of the named local state.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, serde::Serialize)]
#[serde(rename_all = "snake_case", tag = "step")]
pub enum StepKind {
    /// Producer 0 puts the next job (`Put`; the first put also starts the feeder,
    /// `StartFeeder`; with `joinable` it first counts the task).
    PutJob,
    /// Producer 0 puts a sentinel (`Put`).
    PutSentinel,
    /// Producer 0 starts producer 1 (`Spawn`; `foreign-sentinel`).
    SpawnSecond,
    /// Producer 0 starts a worker (`Spawn`).
    SpawnWorker,
    /// Producer 0 sends the next job into the channel (`Send`).
    Send,
    /// Producer 0 drops its `Sender` (`DropSender`).
    DropSender,
    /// Producer 0 joins producer 1 (`Joined`).
    JoinSecond,
    /// Producer 0 joins a worker that has exited (`Joined`; see the module doc of [`super`]
    /// on the harness's index order).
    JoinWorker,
    /// `JoinableQueue.join()` returns (`JoinQueue`).
    JoinQueue,
    /// The seed's check `jobs.empty()` (`SeedCheck`).
    SeedCheck,
    /// Producer 0's exit puts the close marker (`Put`).
    PutClose,
    /// Producer 0's exit joins its feeder (`Joined`).
    JoinFeeder,
    /// Producer 0 returns (`Exit`): the execution ends.
    Exit,
    /// Producer 1 puts a sentinel (`Put`).
    SecondPutSentinel,
    /// Producer 1's exit puts its close marker (`Put`).
    SecondPutClose,
    /// Producer 1's exit joins its feeder (`Joined`).
    SecondJoinFeeder,
    /// Producer 1 returns (`Exit`).
    SecondExit,
    /// Producer `p`'s feeder writes the head of its buffer into the pipe (`Flush`).
    Flush {
        /// The feeder's producer.
        producer: usize,
    },
    /// Producer `p`'s feeder takes the close marker and exits (`FeederExit`).
    FeederExit {
        /// The feeder's producer.
        producer: usize,
    },
    /// A worker in local state `from` does `op`.
    Worker {
        /// The worker's local state before the step.
        from: Local,
        /// What it does.
        op: WorkerOp,
    },
}

/// Who takes a step.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, serde::Serialize)]
#[serde(rename_all = "snake_case", tag = "thread", content = "of")]
pub enum Actor {
    /// Producer 0, the harness's main thread.
    Main,
    /// Producer 1 (`foreign-sentinel`).
    Second,
    /// Producer `p`'s feeder.
    Feeder(usize),
    /// Some worker in this local state.
    Worker(Local),
}

impl StepKind {
    /// Who takes a step of this kind.
    pub fn actor(self) -> Actor {
        use StepKind::*;
        match self {
            PutJob | PutSentinel | SpawnSecond | SpawnWorker | Send | DropSender | JoinSecond
            | JoinWorker | JoinQueue | SeedCheck | PutClose | JoinFeeder | Exit => Actor::Main,
            SecondPutSentinel | SecondPutClose | SecondJoinFeeder | SecondExit => Actor::Second,
            Flush { producer } | FeederExit { producer } => Actor::Feeder(producer),
            Worker { from, .. } => Actor::Worker(from),
        }
    }
}

fn worker(from: Local, op: WorkerOp) -> StepKind {
    StepKind::Worker { from, op }
}

/// The step relation of one scenario: its shape (concrete) and its sizes (numbers of `D`).
#[derive(Clone, Debug)]
pub struct Relation<D: Domain> {
    /// The protocol, and whether the pipe starts full.
    pub shape: Shape,
    /// W, J, K and C.
    pub sizes: Sizes<D>,
}

impl<D: Domain> Relation<D> {
    /// Every kind of step this protocol has.
    pub fn kinds(&self) -> Vec<StepKind> {
        use Local::*;
        use StepKind::*;
        use WorkerOp::*;
        let protocol = self.shape.protocol;
        if self.shape.channel() {
            let mut kinds = vec![SpawnWorker, Send, DropSender, JoinWorker, Exit];
            kinds.extend(match protocol {
                Protocol::ChannelDisconnect => {
                    vec![worker(Recv, RecvItem), worker(Recv, RecvDisconnected)]
                }
                _ => vec![
                    worker(TryRecv, TryRecvItem),
                    worker(TryRecv, TryRecvEmpty),
                    worker(TryRecv, TryRecvDisconnected),
                ],
            });
            return kinds;
        }
        let mut kinds = vec![PutJob];
        if protocol == Protocol::Sentinel {
            kinds.push(PutSentinel);
        }
        if self.shape.two_producers() {
            kinds.push(SpawnSecond);
        }
        kinds.push(SpawnWorker);
        if self.shape.two_producers() {
            kinds.push(JoinSecond);
        }
        if self.shape.daemon_workers() {
            kinds.push(JoinQueue);
        } else {
            kinds.push(JoinWorker);
        }
        kinds.extend([SeedCheck, PutClose, JoinFeeder, Exit]);
        let producers = if self.shape.two_producers() { 2 } else { 1 };
        for producer in 0..producers {
            kinds.extend([Flush { producer }, FeederExit { producer }]);
        }
        if self.shape.two_producers() {
            kinds.extend([
                SecondPutSentinel,
                SecondPutClose,
                SecondJoinFeeder,
                SecondExit,
            ]);
        }
        kinds.extend(match protocol {
            Protocol::Sentinel | Protocol::ForeignSentinel => {
                vec![worker(Get, GetJob), worker(Get, GetSentinel)]
            }
            Protocol::Joinable => vec![
                worker(Get, GetJob),
                worker(Local::TaskDone, WorkerOp::TaskDone),
            ],
            Protocol::EmptyCheck => vec![
                worker(Check, EmptyFalse),
                worker(Check, EmptyTrue),
                worker(Get, GetJob),
            ],
            Protocol::EmptyPoll => vec![
                worker(Poll, NowaitItem),
                worker(Poll, NowaitEmptyLocked),
                worker(Poll, NowaitEmptyPipe),
                worker(Locked, ReleaseLock),
            ],
            Protocol::TimeoutPoll => vec![
                worker(Poll, TimeoutItem),
                worker(Poll, TimeoutAwaitLock),
                worker(Poll, TimeoutAwaitData),
                worker(LockWaited, TimeoutItem),
                worker(LockWaited, TimeoutEmptyLocked),
                worker(LockWaited, TimeoutAwaitData),
                worker(AwaitData, TimeoutItem),
                worker(AwaitData, TimeoutEmptyPipe),
                worker(Locked, ReleaseLock),
            ],
            Protocol::ChannelDisconnect | Protocol::ChannelTryRecv => unreachable!("channel"),
        });
        kinds
    }

    /// The initial state: nothing put, nothing spawned; with `--prefilled`, every job already
    /// in the pipe (put and taken, as if a feeder had written them, but no feeder started).
    pub fn initial<L>(&self, d: &D, jobs: L) -> State<D, L> {
        let zero = || d.num(0);
        let prefill = self.initial_put(d, 0);
        State {
            put: [prefill.clone(), zero()],
            taken: [prefill, zero()],
            read: [zero(), zero()],
            order: Default::default(),
            stage: d.num(main::SETUP),
            spawned: zero(),
            joined: zero(),
            seed: d.num(seed::NOT_YET),
            second: d.num(second::NOT_SPAWNED),
            tasks: zero(),
            disconnected: d.bool(false),
            spurious: d.bool(false),
            workers: std::array::from_fn(|_| zero()),
            jobs,
        }
    }

    /// The execution is over: producer 0 returned (every other thread was joined, or is a
    /// daemon that dies with it).
    pub fn finished<L>(&self, d: &D, s: &State<D, L>) -> D::Bool {
        d.is(&s.stage, main::EXITED)
    }

    /// `J_p`: producer 0 puts the jobs; producer 1 none.
    pub fn jobs_of(&self, d: &D, producer: usize) -> D::Num {
        if producer == 0 {
            self.sizes.jobs.clone()
        } else {
            d.num(0)
        }
    }

    /// `J_p + K_p`: the items producer `p` puts before its close marker.
    pub fn items(&self, d: &D, producer: usize) -> D::Num {
        d.add(&self.jobs_of(d, producer), &self.sizes.sentinels[producer])
    }

    /// What `put[p]` starts at: `J` for producer 0 of a prefilled pipe, else 0.
    pub fn initial_put(&self, d: &D, producer: usize) -> D::Num {
        if producer == 0 && self.shape.prefilled {
            self.sizes.jobs.clone()
        } else {
            d.num(0)
        }
    }

    /// Items of producer `p` in the pipe: taken and not read, the close marker excepted.
    pub fn in_pipe_of<L>(&self, d: &D, s: &State<D, L>, producer: usize) -> D::Num {
        let written = d.min(&s.taken[producer], &self.items(d, producer));
        d.sub(&written, &s.read[producer])
    }

    /// Items in the pipe (or the channel).
    pub fn in_pipe<L>(&self, d: &D, s: &State<D, L>) -> D::Num {
        let first = self.in_pipe_of(d, s, 0);
        if self.shape.two_producers() {
            d.add(&first, &self.in_pipe_of(d, s, 1))
        } else {
            first
        }
    }

    /// Producer `p`'s feeder exists: its first put started it.
    pub fn feeder_started<L>(&self, d: &D, s: &State<D, L>, producer: usize) -> D::Bool {
        d.lt(&self.initial_put(d, producer), &s.put[producer])
    }

    /// Producer `p`'s feeder took its close marker and exited.
    pub fn feeder_exited<L>(&self, d: &D, s: &State<D, L>, producer: usize) -> D::Bool {
        d.lt(&self.items(d, producer), &s.taken[producer])
    }

    /// Some worker holds the reader lock (`empty-poll`, `timeout-poll`).
    pub fn lock_held<L>(&self, d: &D, s: &State<D, L>) -> D::Bool {
        d.positive(&d.add(s.count(Local::Locked), s.count(Local::AwaitData)))
    }

    /// Producer 0 has made every put, spawn and send of its set-up (and, for a channel,
    /// dropped its sender): what its joins wait for.
    pub fn setup_done<L>(&self, d: &D, s: &State<D, L>) -> D::Bool {
        let in_setup = d.is(&s.stage, main::SETUP);
        if self.shape.channel() {
            return d.and(&in_setup, &s.disconnected);
        }
        let mut done = vec![
            in_setup,
            d.eq(&s.spawned, &self.sizes.workers),
            d.eq(&s.put[0], &self.items(d, 0)),
        ];
        if self.shape.two_producers() {
            done.push(d.not(&d.is(&s.second, second::NOT_SPAWNED)));
        }
        d.all(&done)
    }

    /// The producer whose item is at the head of the pipe (concrete: only two producers have a
    /// choice, and their order is concrete data).
    pub fn head_producer<L>(&self, s: &State<D, L>) -> usize {
        if self.shape.two_producers() {
            s.order.head()
        } else {
            0
        }
    }

    /// Item `position` of producer `p`'s sequence is a job.
    fn is_job(&self, d: &D, producer: usize, position: &D::Num) -> D::Bool {
        d.lt(position, &self.jobs_of(d, producer))
    }

    /// Item `position` of producer `p`'s sequence is a sentinel.
    fn is_sentinel(&self, d: &D, producer: usize, position: &D::Num) -> D::Bool {
        d.and(
            &d.not(&self.is_job(d, producer, position)),
            &d.lt(position, &self.items(d, producer)),
        )
    }

    /// Reads the head of the pipe: advances its producer's read counter, and a job is
    /// processed (the worker's `Process` event, which commutes with every other step).
    fn read_head<L: Ledger<D>>(&self, d: &D, s: &mut State<D, L>) {
        let producer = self.head_producer(s);
        let position = s.read[producer].clone();
        if producer == 0 {
            // Only producer 0 puts jobs; the ledger counts the item if it is one.
            let job = self.is_job(d, 0, &position);
            s.jobs = s.jobs.process(d, &job, &position);
        }
        s.read[producer] = d.inc(&position);
        if self.shape.two_producers() {
            s.order = s.order.pop();
        }
    }

    /// Step `kind` from `s`: its guard and the state after it, or `None` if the domain knows
    /// the guard is false.
    pub fn step<L: Ledger<D>>(
        &self,
        d: &D,
        s: &State<D, L>,
        kind: StepKind,
    ) -> Option<(D::Bool, State<D, L>)> {
        use StepKind::*;
        let size = &self.sizes;
        let stage_is = |value| d.is(&s.stage, value);
        let second_is = |value| d.is(&s.second, value);
        let update = |change: &dyn Fn(&mut State<D, L>)| {
            let mut next = s.clone();
            change(&mut next);
            next
        };
        let jobs_put = d.sub(&s.put[0], &size.jobs);
        match kind {
            PutJob => d.guarded(
                d.and(&stage_is(main::SETUP), &d.lt(&s.put[0], &size.jobs)),
                || {
                    update(&|n| {
                        n.put[0] = d.inc(&s.put[0]);
                        if self.shape.daemon_workers() {
                            n.tasks = d.inc(&s.tasks);
                        }
                    })
                },
            ),
            PutSentinel => {
                // Sentinel i is put right before worker i is started (i < W); the sentinels
                // beyond W after the last start.
                let before_spawn = d.eq(&jobs_put, &s.spawned);
                let extra = d.eq(&s.spawned, &size.workers);
                d.guarded(
                    d.all(&[
                        stage_is(main::SETUP),
                        d.le(&size.jobs, &s.put[0]),
                        d.lt(&s.put[0], &self.items(d, 0)),
                        d.or(&before_spawn, &extra),
                    ]),
                    || update(&|n| n.put[0] = d.inc(&s.put[0])),
                )
            }
            SpawnSecond => d.guarded(
                d.all(&[
                    stage_is(main::SETUP),
                    d.eq(&s.put[0], &size.jobs),
                    second_is(second::NOT_SPAWNED),
                ]),
                || update(&|n| n.second = d.num(second::RUNNING)),
            ),
            SpawnWorker => {
                let mut guard = vec![stage_is(main::SETUP), d.lt(&s.spawned, &size.workers)];
                if !self.shape.channel() {
                    // The sentinels put so far: one for each worker started, this one's too.
                    let owed = d.min(&d.inc(&s.spawned), &size.sentinels[0]);
                    guard.push(d.le(&size.jobs, &s.put[0]));
                    guard.push(d.eq(&jobs_put, &owed));
                }
                if self.shape.two_producers() {
                    guard.push(d.not(&second_is(second::NOT_SPAWNED)));
                }
                d.guarded(d.all(&guard), || {
                    update(&|n| {
                        n.spawned = d.inc(&s.spawned);
                        let start = self.shape.start().index();
                        n.workers[start] = d.inc(&s.workers[start]);
                    })
                })
            }
            Send => d.guarded(
                d.all(&[
                    stage_is(main::SETUP),
                    d.eq(&s.spawned, &size.workers),
                    d.lt(&s.put[0], &size.jobs),
                    d.lt(&self.in_pipe(d, s), &size.capacity),
                ]),
                || {
                    update(&|n| {
                        n.put[0] = d.inc(&s.put[0]);
                        n.taken[0] = d.inc(&s.taken[0]);
                    })
                },
            ),
            DropSender => d.guarded(
                d.all(&[
                    stage_is(main::SETUP),
                    d.eq(&s.spawned, &size.workers),
                    d.eq(&s.put[0], &size.jobs),
                    d.not(&s.disconnected),
                ]),
                || update(&|n| n.disconnected = d.bool(true)),
            ),
            JoinSecond => d.guarded(
                d.and(&self.setup_done(d, s), &second_is(second::EXITED)),
                || update(&|n| n.second = d.num(second::JOINED)),
            ),
            JoinWorker => {
                let mut guard = vec![
                    self.setup_done(d, s),
                    d.lt(&s.joined, &size.workers),
                    d.lt(&s.joined, s.count(Local::Exited)),
                ];
                if self.shape.two_producers() {
                    guard.push(second_is(second::JOINED));
                }
                d.guarded(d.all(&guard), || update(&|n| n.joined = d.inc(&s.joined)))
            }
            JoinQueue => d.guarded(d.and(&self.setup_done(d, s), &d.is(&s.tasks, 0)), || {
                update(&|n| {
                    n.stage = d.num(main::QUEUE_JOINED);
                    n.jobs = s.jobs.mark_join(d);
                })
            }),
            SeedCheck => {
                let guard = if self.shape.daemon_workers() {
                    stage_is(main::QUEUE_JOINED)
                } else {
                    let mut all = vec![self.setup_done(d, s), d.eq(&s.joined, &size.workers)];
                    if self.shape.two_producers() {
                        all.push(second_is(second::JOINED));
                    }
                    d.all(&all)
                };
                d.guarded(guard, || {
                    update(&|n| {
                        n.stage = d.num(main::CHECKED);
                        let empty = d.is(&self.in_pipe(d, s), 0);
                        n.seed = d.ite(&empty, &d.num(seed::EMPTY), &d.num(seed::NOT_EMPTY));
                    })
                })
            }
            PutClose => d.guarded(
                d.and(&stage_is(main::CHECKED), &self.feeder_started(d, s, 0)),
                || {
                    update(&|n| {
                        n.put[0] = d.inc(&s.put[0]);
                        n.stage = d.num(main::CLOSING);
                    })
                },
            ),
            JoinFeeder => d.guarded(
                d.and(&stage_is(main::CLOSING), &self.feeder_exited(d, s, 0)),
                || update(&|n| n.stage = d.num(main::FEEDER_JOINED)),
            ),
            Exit => {
                let guard = if self.shape.channel() {
                    d.and(&self.setup_done(d, s), &d.eq(&s.joined, &size.workers))
                } else {
                    let no_feeder = d.and(
                        &stage_is(main::CHECKED),
                        &d.not(&self.feeder_started(d, s, 0)),
                    );
                    d.or(&stage_is(main::FEEDER_JOINED), &no_feeder)
                };
                d.guarded(guard, || update(&|n| n.stage = d.num(main::EXITED)))
            }
            SecondPutSentinel => d.guarded(
                d.and(
                    &second_is(second::RUNNING),
                    &d.lt(&s.put[1], &size.sentinels[1]),
                ),
                || update(&|n| n.put[1] = d.inc(&s.put[1])),
            ),
            SecondPutClose => d.guarded(
                d.all(&[
                    second_is(second::RUNNING),
                    d.eq(&s.put[1], &size.sentinels[1]),
                    self.feeder_started(d, s, 1),
                ]),
                || {
                    update(&|n| {
                        n.put[1] = d.inc(&s.put[1]);
                        n.second = d.num(second::CLOSING);
                    })
                },
            ),
            SecondJoinFeeder => d.guarded(
                d.and(&second_is(second::CLOSING), &self.feeder_exited(d, s, 1)),
                || update(&|n| n.second = d.num(second::FEEDER_JOINED)),
            ),
            SecondExit => {
                let no_feeder = d.and(&second_is(second::RUNNING), &d.is(&size.sentinels[1], 0));
                d.guarded(d.or(&second_is(second::FEEDER_JOINED), &no_feeder), || {
                    update(&|n| n.second = d.num(second::EXITED))
                })
            }
            Flush { producer } => d.guarded(
                d.all(&[
                    d.lt(&s.taken[producer], &s.put[producer]),
                    d.lt(&s.taken[producer], &self.items(d, producer)),
                    d.lt(&self.in_pipe(d, s), &size.capacity),
                ]),
                || {
                    update(&|n| {
                        n.taken[producer] = d.inc(&s.taken[producer]);
                        if self.shape.two_producers() {
                            n.order = s.order.push(producer);
                        }
                    })
                },
            ),
            FeederExit { producer } => d.guarded(
                d.and(
                    &d.lt(&s.taken[producer], &s.put[producer]),
                    &d.eq(&s.taken[producer], &self.items(d, producer)),
                ),
                || update(&|n| n.taken[producer] = d.inc(&s.taken[producer])),
            ),
            Worker { from, op } => self.worker_step(d, s, from, op),
        }
    }

    /// A step of some worker in local state `from`.
    fn worker_step<L: Ledger<D>>(
        &self,
        d: &D,
        s: &State<D, L>,
        from: Local,
        op: WorkerOp,
    ) -> Option<(D::Bool, State<D, L>)> {
        use WorkerOp::*;
        let present = d.positive(s.count(from));
        let pipe = self.in_pipe(d, s);
        let has_item = d.positive(&pipe);
        let empty = d.is(&pipe, 0);
        let lock = self.lock_held(d, s);
        let head = self.head_producer(s);
        let head_position = &s.read[head];
        // What the step requires besides a worker in `from`, where the worker goes, and
        // whether it reads the head of the pipe.
        let (condition, to, reads) = match op {
            GetJob => (
                d.and(&has_item, &self.is_job(d, head, head_position)),
                self.shape.after_job(),
                true,
            ),
            GetSentinel => (
                d.and(&has_item, &self.is_sentinel(d, head, head_position)),
                Local::Exited,
                true,
            ),
            EmptyFalse => (has_item, Local::Get, false),
            EmptyTrue => (empty, Local::Exited, false),
            NowaitItem => (d.and(&d.not(&lock), &has_item), Local::Locked, true),
            NowaitEmptyLocked | TimeoutEmptyLocked => (lock, Local::Exited, false),
            NowaitEmptyPipe => (d.and(&d.not(&lock), &empty), Local::Exited, false),
            // A reader waiting for data holds the lock itself.
            TimeoutItem if from == Local::AwaitData => (has_item, Local::Locked, true),
            TimeoutItem => (d.and(&d.not(&lock), &has_item), Local::Locked, true),
            TimeoutAwaitLock => (lock, Local::LockWaited, false),
            TimeoutAwaitData => (d.and(&d.not(&lock), &empty), Local::AwaitData, false),
            TimeoutEmptyPipe => (empty, Local::Exited, false),
            ReleaseLock => (d.bool(true), self.shape.start(), false),
            TaskDone => (d.bool(true), Local::Get, false),
            RecvItem | TryRecvItem => (has_item, from, true),
            RecvDisconnected | TryRecvDisconnected => {
                (d.and(&empty, &s.disconnected), Local::Exited, false)
            }
            TryRecvEmpty => (d.and(&empty, &d.not(&s.disconnected)), Local::Exited, false),
        };
        d.guarded(d.and(&present, &condition), || {
            let mut next = s.clone();
            next.move_worker(d, from, to);
            if reads {
                self.read_head(d, &mut next);
            }
            match op {
                NowaitEmptyLocked => next.spurious = d.bool(true),
                TaskDone => next.tasks = d.dec(&s.tasks),
                _ => {}
            }
            next
        })
    }
}
