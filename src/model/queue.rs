//! `multiprocessing.Queue` (CPython 3.11, `multiprocessing/queues.py`), step by step.
//!
//! # Scheduling points: one token per part of the queue
//! A checker's cost grows with the number of scheduling points *that conflict*: loom's DPOR
//! explores both orders of two steps only if they touch the same object. So each part of the
//! queue has its own backend mutex, a *token* that guards no data but says which part a step
//! touches (see [`Owner`]):
//! - one per producer buffer: `put` and that producer's feeder;
//! - the pipe, with the reader lock `_rlock`: the feeder's writes, readers, `empty()`;
//! - a `JoinableQueue`'s task count.
//!
//! One producer's puts therefore commute with everything but its own feeder's steps, as in
//! CPython. (A separate token for the reader lock was tried and measured: it made loom explore
//! *more* executions, because every reader touches the pipe right after the lock anyway.) Each
//! CPython operation is one critical section; blocking is `park`, and a step wakes exactly the
//! threads whose condition it made true, under the token that owns the condition. Tokens are
//! always taken in the order buffer, pipe (or buffer, tasks), so the model itself can never
//! deadlock on them.
//!
//! # Reductions (each argued in docs/model.md)
//! - A blocking `get()` that finds the reader lock free *and* data in the pipe acquires the
//!   lock, reads and releases in one step. Only readers observe the lock, and they must take
//!   the pipe token, which the step holds throughout: no thread can observe the merged window.
//!   A `get()` that must wait holds the lock, visibly, while it waits (queues.py 102-103).
//! - `get_nowait()` that raises `Empty` acquires, polls and releases in one step (same
//!   argument); one that reads holds the lock across a scheduling point and releases it in a
//!   second step, so the reader-lock race of cause (b) stays reachable (queues.py 108-120).
//! - The feeder pops an item and writes it in one step. The pop is a *right mover* (it
//!   commutes with every later step of another thread: puts append at the other end, readers
//!   never see the buffer), so merging it with the write hides nothing. CPython's feeder blocked
//!   on a full pipe holds the popped item; the model leaves it at the buffer's head, which no
//!   thread can tell apart (only `qsize()` could, and it counts both).
//! - `get(timeout=t)` polls twice: once, then (if it would block) again after any number of
//!   other threads' steps, chosen by the checker. The gap is the timeout; it can be as short
//!   or as long as any schedule makes it.

use super::trace::{EmptyCause, Op, Polled};
use super::world::{Interrupted, Item, LaneId, LaneState, Owner, Role, Wait, World};
use crate::sync::Backend;
use std::sync::{Arc, Mutex};

type Guard<'a, B> = <B as Backend>::Guard<'a>;

/// A producer's buffer token, held across steps that the model runs as one (see
/// [`Queue::put_held`]).
pub struct Held<'a, B: Backend + 'a> {
    producer: usize,
    _token: Guard<'a, B>,
}

/// The result of a step that may be cut short by a hang or a shutdown.
pub type Step<T> = Result<T, Interrupted>;

/// What a thread about to wait must do next.
enum Next {
    Go,
    Sleep,
    Stop(Interrupted),
    DeclaredHang,
}

/// The queue, its producers' feeder threads and the world they share.
pub struct Queue<B: Backend> {
    world: Mutex<World>,
    /// Per producer: its buffer (`_notempty`, queues.py 73).
    buffers: Vec<B::Mutex>,
    /// The pipe's contents (the OS pipe between `_writer` and `_reader`) and who holds the
    /// reader lock `_rlock` (queues.py 43). The reader lock is data in the world, not a backend
    /// mutex: a reader waiting for it must be visible to the hang detector.
    pipe: B::Mutex,
    /// `JoinableQueue._cond` (queues.py 299).
    tasks: B::Mutex,
    /// Per lane, the handle that unparks it (registered when the lane starts running).
    parkers: Mutex<Vec<Option<B::Thread>>>,
    /// Threads started on this queue's behalf and not joined yet.
    handles: Mutex<Vec<(LaneId, B::JoinHandle)>>,
}

impl<B: Backend> Queue<B> {
    /// A queue with `producers` producer buffers and a pipe of `pipe_capacity` items.
    /// `record_states` turns on the state column of the trace.
    pub fn new(producers: usize, pipe_capacity: usize, record_states: bool) -> Arc<Self> {
        Arc::new(Queue {
            world: Mutex::new(World::new(producers, pipe_capacity, record_states)),
            buffers: (0..producers).map(|_| B::new_mutex()).collect(),
            pipe: B::new_mutex(),
            tasks: B::new_mutex(),
            parkers: Mutex::new(Vec::new()),
            handles: Mutex::new(Vec::new()),
        })
    }

    /// Runs `f` on the world. Never call a backend primitive inside `f`: it may switch threads
    /// while this (non-reentrant) lock is held.
    pub fn world<R>(&self, f: impl FnOnce(&mut World) -> R) -> R {
        f(&mut self.world.lock().unwrap_or_else(|p| p.into_inner()))
    }

    /// Registers the calling thread as `lane`'s, so that wake-ups can reach it.
    pub fn register(&self, lane: LaneId) {
        let mut parkers = self.parkers.lock().unwrap();
        if parkers.len() <= lane {
            parkers.resize(lane + 1, None);
        }
        parkers[lane] = Some(B::current());
    }

    /// Registers and starts a thread of the model. `body`'s result decides whether the lane
    /// exited or was stopped.
    pub fn spawn(
        self: &Arc<Self>,
        parent: Option<LaneId>,
        role: Role,
        name: String,
        daemon: bool,
        body: impl FnOnce(&Arc<Self>, LaneId) -> Step<()> + Send + 'static,
    ) -> LaneId {
        let lane = self.world(|w| {
            let lane = w.add_lane(role, name.clone(), daemon);
            if let Some(parent) = parent {
                w.record(parent, Op::Spawn { lane });
            }
            lane
        });
        let queue = Arc::clone(self);
        let handle = B::spawn(name, move || {
            queue.register(lane);
            let result = body(&queue, lane);
            queue.finish(lane, result);
        });
        self.handles.lock().unwrap().push((lane, handle));
        lane
    }

    /// Marks `lane` as exited (or stopped), wakes its joiners and runs the hang detector: the
    /// exit of the last running thread can leave every other one blocked.
    pub fn finish(&self, lane: LaneId, result: Step<()>) {
        let hung = self.world(|w| {
            let (state, op) = match result {
                Ok(()) => (LaneState::Exited, Op::Exit),
                Err(why) => (
                    LaneState::Stopped,
                    Op::Stopped {
                        hang: why == Interrupted::Hang,
                    },
                ),
            };
            w.lanes[lane].state = state;
            w.record(lane, op);
            w.detect_hang()
        });
        if hung {
            self.interrupt_all();
        } else {
            self.wake(Owner::Lanes);
        }
    }

    /// Unparks every thread blocked on a condition owned by `owner` that holds now. Called,
    /// with `owner`'s token held, by every step that changes what `owner` guards; costs no
    /// scheduling point.
    fn wake(&self, owner: Owner) {
        // A woken lane is marked running at once: it re-checks its condition when it runs,
        // and is not unparked again meanwhile (a stale unpark would cost it a spurious lap).
        let ready: Vec<LaneId> = self.world(|w| {
            let ready: Vec<LaneId> = (0..w.lanes.len())
                .filter(|&l| match w.lanes[l].state {
                    LaneState::Blocked(wait) => wait.owner() == owner && w.holds(wait),
                    _ => false,
                })
                .collect();
            for &lane in &ready {
                w.lanes[lane].state = LaneState::Running;
            }
            ready
        });
        self.unpark(ready);
    }

    fn unpark(&self, lanes: Vec<LaneId>) {
        // Copy the handles out first: shuttle's `unpark` is a scheduling point, and another
        // thread must not find this (non-reentrant, invisible to shuttle) lock held.
        let threads: Vec<B::Thread> = {
            let parkers = self.parkers.lock().unwrap();
            lanes
                .iter()
                .filter_map(|&lane| parkers.get(lane).cloned().flatten())
                .collect()
        };
        threads.iter().for_each(B::unpark);
    }

    /// Unparks every blocked thread so that it notices the hang or the shutdown and unwinds.
    fn interrupt_all(&self) {
        let blocked: Vec<LaneId> = self.world(|w| {
            (0..w.lanes.len())
                .filter(|&l| matches!(w.lanes[l].state, LaneState::Blocked(_)))
                .collect()
        });
        self.unpark(blocked);
    }

    /// The main thread's exit, which ends the execution: daemon threads die with it (they
    /// unwind), then every thread is joined so the world is final. Returns the final world.
    pub fn exit_main(self: Arc<Self>, main: LaneId, result: Step<()>) -> World {
        self.world(|w| w.shutdown = true);
        self.finish(main, result);
        self.interrupt_all();
        let handles = std::mem::take(&mut *self.handles.lock().unwrap());
        handles.into_iter().for_each(|(_, handle)| B::join(handle));
        self.parkers.lock().unwrap().clear();
        let queue = Arc::into_inner(self).expect("a model thread still holds the queue");
        queue.world.into_inner().unwrap_or_else(|p| p.into_inner())
    }

    /// Decides, under the world lock, whether `lane` may go on, must sleep, or must stop.
    /// The last thread to block declares the hang instead of sleeping; no checker ever sees
    /// a real deadlock.
    fn await_world(&self, lane: LaneId, wait: Wait) -> Next {
        self.world(|w| {
            if let Some(why) = w.interruption(lane) {
                Next::Stop(why)
            } else if w.holds(wait) {
                w.lanes[lane].state = LaneState::Running;
                Next::Go
            } else {
                if w.lanes[lane].state != LaneState::Blocked(wait) {
                    w.lanes[lane].state = LaneState::Blocked(wait);
                    w.record(lane, Op::Block { wait });
                }
                if w.detect_hang() {
                    Next::DeclaredHang
                } else {
                    Next::Sleep
                }
            }
        })
    }

    /// Blocks `lane` until `wait` holds. `tokens` are the guards the caller holds, `wait`'s
    /// owner among them; they are dropped while asleep and `relock` takes them again, in lock
    /// order. Parking without them is safe: an `unpark` that comes first is remembered.
    fn block_until<T>(
        &self,
        lane: LaneId,
        wait: Wait,
        mut tokens: T,
        relock: impl Fn() -> T,
    ) -> Step<T> {
        loop {
            match self.await_world(lane, wait) {
                Next::Go => return Ok(tokens),
                Next::Sleep => {
                    drop(tokens);
                    B::park();
                    tokens = relock();
                }
                Next::Stop(why) => return Err(why),
                Next::DeclaredHang => {
                    drop(tokens);
                    self.interrupt_all();
                    return Err(Interrupted::Hang);
                }
            }
        }
    }

    /// `join()` by `lane` on another thread of the model, `target`: wait in the world (so the
    /// hang detector sees the joiner), then join the backend thread, whose happens-before edge
    /// tells loom that the joiner's later steps cannot race with the target's.
    pub fn join(&self, lane: LaneId, target: LaneId) -> Step<()> {
        self.block_until(lane, Wait::Exit(target), (), || ())?;
        self.world(|w| w.record(lane, Op::Joined { lane: target }));
        let handle = {
            let mut handles = self.handles.lock().unwrap();
            let index = handles.iter().position(|(l, _)| *l == target);
            index.map(|index| handles.swap_remove(index).1)
        };
        if let Some(handle) = handle {
            B::join(handle);
        }
        Ok(())
    }

    fn lock_buffer(&self, producer: usize) -> Guard<'_, B> {
        B::lock(&self.buffers[producer])
    }

    fn lock_pipe(&self) -> Guard<'_, B> {
        B::lock(&self.pipe)
    }

    /// Holds producer `producer`'s buffer token across several puts that must be one step:
    /// see [`Queue::put_held`].
    pub fn hold(&self, producer: usize) -> Held<'_, B> {
        Held {
            producer,
            _token: self.lock_buffer(producer),
        }
    }

    /// `put(obj)` by producer `producer` (queues.py 86-96): append to that producer's buffer,
    /// starting its feeder on the first put. Never touches the pipe.
    pub fn put(self: &Arc<Self>, lane: LaneId, producer: usize, item: Item) {
        let held = self.hold(producer);
        self.put_held(&held, lane, item);
    }

    /// `put` inside a held section. A producer's consecutive puts (and thread starts) are
    /// *left movers* in Lipton's sense: each commutes with any earlier step of another thread
    /// (a put only appends to a buffer's tail, which only that producer's feeder reads, from
    /// the head; a started thread has not run yet), so running them as one step hides no
    /// behaviour of protocols that never call `qsize()`. The harness's set-up is one step.
    pub fn put_held(self: &Arc<Self>, held: &Held<'_, B>, lane: LaneId, item: Item) {
        let producer = held.producer;
        let start_feeder = self.world(|w| {
            let start = !w.feeder_started[producer];
            w.feeder_started[producer] = true;
            w.buffers[producer].push_back(item);
            w.record(lane, Op::Put { item });
            start
        });
        if start_feeder {
            self.start_feeder(lane, producer);
        }
        self.wake(Owner::Buffer(producer));
    }

    /// `JoinableQueue.put` (queues.py 308-319): `put` plus `_unfinished_tasks.release()`
    /// under `_cond`, taken inside `_notempty` as CPython does.
    pub fn put_task_held(self: &Arc<Self>, held: &Held<'_, B>, lane: LaneId, item: Item) {
        let _cond = B::lock(&self.tasks);
        self.world(|w| w.unfinished_tasks += 1);
        self.put_held(held, lane, item);
    }

    /// `_start_thread` (queues.py 161-185): the feeder is started by the first `put`.
    fn start_feeder(self: &Arc<Self>, lane: LaneId, producer: usize) {
        let producers = self.buffers.len();
        let name = if producers == 1 {
            "feeder".to_string()
        } else {
            format!("feeder-{producer}")
        };
        let feeder = self.spawn(None, Role::Feeder(producer), name, false, move |q, me| {
            q.feed(me, producer)
        });
        self.world(|w| w.record(lane, Op::StartFeeder { lane: feeder }));
    }

    /// `_feed` (queues.py 211-272): pop the buffer in FIFO order and write each item to the
    /// pipe with one `send_bytes`, blocking while the pipe is full; exit on the close marker.
    /// Pop and write are one step (see the module doc).
    fn feed(&self, lane: LaneId, producer: usize) -> Step<()> {
        let relock_buffer = || self.lock_buffer(producer);
        let relock_both = || (self.lock_buffer(producer), self.lock_pipe());
        loop {
            let buffer = relock_buffer();
            let buffer =
                self.block_until(lane, Wait::BufferItem(producer), buffer, relock_buffer)?;
            let closing = self.world(|w| w.buffers[producer].front() == Some(&Item::Close));
            if closing {
                self.world(|w| {
                    w.buffers[producer].pop_front();
                    w.record(lane, Op::FeederExit);
                });
                return Ok(());
            }
            let both = (buffer, self.lock_pipe());
            let _both = self.block_until(lane, Wait::PipeRoom, both, relock_both)?;
            self.world(|w| {
                let item = w.buffers[producer].pop_front().expect("checked non-empty");
                w.pipe.push_back(item);
                w.record(lane, Op::Flush { item });
            });
            self.wake(Owner::Pipe);
        }
    }

    /// Blocking `get()` (queues.py 101-104): take the reader lock, wait in `recv_bytes` for
    /// data, read one item, release.
    pub fn get(&self, lane: LaneId) -> Step<Item> {
        let relock = || self.lock_pipe();
        let pipe = self.block_until(lane, Wait::ReaderLock, relock(), relock)?;
        let must_wait = self.world(|w| {
            let empty = w.pipe.is_empty();
            if empty {
                w.reader = Some(lane);
                w.record(lane, Op::HoldReaderLock);
            }
            empty
        });
        let _pipe = if must_wait {
            self.block_until(lane, Wait::PipeData, pipe, relock)?
        } else {
            pipe
        };
        let item = self.world(|w| {
            let item = w.pipe.pop_front().expect("checked non-empty");
            w.reader = None;
            w.record(lane, Op::Get { item });
            item
        });
        // Room for the feeder, and (if it was held) the reader lock for other readers.
        self.wake(Owner::Pipe);
        Ok(item)
    }

    /// `get_nowait()` = `get(block=False)` (queues.py 106-122): `Empty` if another reader
    /// holds the reader lock (cause b) or the pipe has nothing readable now (cause a), even
    /// while items sit in a producer's buffer.
    pub fn get_nowait(&self, lane: LaneId) -> Polled {
        let polled = self
            .try_read(lane, Patience::NONE, |polled| Op::GetNowait { polled })
            .expect("a read that may not wait never waits");
        self.release_if_read(lane, polled)
    }

    /// `get(timeout=t)` (queues.py 105-122 with `block=True`). Where CPython would block (on
    /// the reader lock, queues.py 108, then in `poll(timeout)`, 111-113), the model tries once
    /// more after a gap in which any other threads may run: the timeout expires at whatever
    /// point the checker chooses. The deadline is shared, but a lock won after waiting may leave
    /// any time for the poll, so each of the two waits gets its own gap.
    pub fn get_timeout(&self, lane: LaneId) -> Polled {
        let mut patience = Patience::FULL;
        loop {
            match self.try_read(lane, patience, |polled| Op::GetTimeout { polled }) {
                Ok(polled) => return self.release_if_read(lane, polled),
                Err(Wait::ReaderLock) => patience.lock = false,
                Err(_) => patience.data = false,
            }
        }
    }

    /// One attempt of a non-blocking or timed read (queues.py 106-120), as one step under the
    /// pipe token. If the read would block and `patience` allows waiting for that, returns what
    /// it would wait for (holding the reader lock if it got it, as CPython's `poll(timeout)`
    /// does); otherwise the result. A returned item leaves the reader lock held, for
    /// [`Queue::release_if_read`].
    fn try_read(
        &self,
        lane: LaneId,
        patience: Patience,
        op: fn(Polled) -> Op,
    ) -> Result<Polled, Wait> {
        let _pipe = self.lock_pipe();
        let record = |outcome: Result<Polled, Wait>| {
            self.world(|w| {
                let event = match outcome {
                    Ok(polled) => op(polled),
                    Err(wait) => Op::AwaitTimeout { wait },
                };
                w.record(lane, event)
            });
            outcome
        };
        if let Some(holder) = self.world(|w| w.reader.filter(|&holder| holder != lane)) {
            return record(if patience.lock {
                Err(Wait::ReaderLock)
            } else {
                Ok(empty(EmptyCause::ReaderLockHeld(holder)))
            });
        }
        let outcome = self.world(|w| match w.pipe.pop_front() {
            Some(item) => {
                w.reader = Some(lane);
                Ok(Polled::Item { item })
            }
            None if patience.data => {
                w.reader = Some(lane);
                Err(Wait::PipeData)
            }
            None => {
                w.reader = None;
                Ok(empty(EmptyCause::PipeEmpty))
            }
        });
        if outcome.is_ok() {
            // An item makes room; an `Empty` may have released the reader lock.
            self.wake(Owner::Pipe);
        }
        record(outcome)
    }

    /// Second half of a non-blocking or timed read that returned an item:
    /// `self._rlock.release()` (queues.py 120), a step of its own.
    fn release_if_read(&self, lane: LaneId, polled: Polled) -> Polled {
        if matches!(polled, Polled::Item { .. }) {
            let _pipe = self.lock_pipe();
            self.world(|w| {
                w.reader = None;
                w.record(lane, Op::ReleaseReaderLock);
            });
            self.wake(Owner::Pipe);
        }
        polled
    }

    /// `empty()` (queues.py 128-129): polls the pipe only; buffered items do not count.
    pub fn empty(&self, lane: LaneId) -> bool {
        self.poll_pipe(lane, |empty| Op::PollEmpty { empty })
    }

    /// The seed's pass criterion: `jobs.empty()` (the same poll as [`Queue::empty`]).
    pub fn seed_check(&self, lane: LaneId) -> bool {
        self.poll_pipe(lane, |empty| Op::SeedCheck { empty })
    }

    fn poll_pipe(&self, lane: LaneId, op: impl FnOnce(bool) -> Op) -> bool {
        let _pipe = self.lock_pipe();
        self.world(|w| {
            let empty = w.pipe.is_empty();
            w.record(lane, op(empty));
            empty
        })
    }

    /// `qsize()` (queues.py 124-126): items put and not yet read.
    pub fn qsize(&self) -> usize {
        let _buffers: Vec<Guard<'_, B>> = self.buffers.iter().map(B::lock).collect();
        let _pipe = self.lock_pipe();
        self.world(|w| w.qsize())
    }

    /// `JoinableQueue.task_done()` (queues.py 321-326).
    pub fn task_done(&self, lane: LaneId) {
        let _cond = B::lock(&self.tasks);
        self.world(|w| {
            w.unfinished_tasks = w
                .unfinished_tasks
                .checked_sub(1)
                .expect("task_done() called too many times");
            w.record(lane, Op::TaskDone);
        });
        self.wake(Owner::Tasks);
    }

    /// `JoinableQueue.join()` (queues.py 328-331).
    pub fn join_tasks(&self, lane: LaneId) -> Step<()> {
        let relock = || B::lock(&self.tasks);
        let _cond = self.block_until(lane, Wait::TasksDone, relock(), relock)?;
        self.world(|w| w.record(lane, Op::JoinQueue));
        Ok(())
    }

    /// A producer's exit: `_finalize_close` appends the close marker (queues.py 204-209),
    /// then `_finalize_join` joins the feeder (queues.py 194-202), which first flushes every
    /// item before the marker; leftovers beyond the pipe's room make the producer hang.
    pub fn exit_producer(self: &Arc<Self>, lane: LaneId, producer: usize) -> Step<()> {
        let feeder = self.world(|w| {
            w.lanes
                .iter()
                .position(|l| l.role == Role::Feeder(producer))
        });
        let Some(feeder) = feeder else {
            return Ok(());
        };
        self.put(lane, producer, Item::Close);
        self.join(lane, feeder)
    }
}

/// Which waits a timed read may still sit through before its timeout expires.
#[derive(Clone, Copy)]
struct Patience {
    lock: bool,
    data: bool,
}

impl Patience {
    /// `get_nowait()`: no waiting at all.
    const NONE: Patience = Patience {
        lock: false,
        data: false,
    };
    /// `get(timeout=t)` before its first wait.
    const FULL: Patience = Patience {
        lock: true,
        data: true,
    };
}

fn empty(cause: EmptyCause) -> Polled {
    Polled::Empty { cause }
}
