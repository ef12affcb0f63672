//! `multiprocessing.Queue` (CPython 3.11, `multiprocessing/queues.py`), step by step.
//!
//! # Scheduling points, and why each CPython operation is one critical section
//! A checker's cost grows exponentially with the number of scheduling points, so each CPython
//! operation is one critical section of a backend mutex (the *token*), blocking is `park`, and
//! a step unparks exactly the threads whose condition it made true (no branch points at all).
//! The queue has one token: after the reductions below, every remaining step touches the pipe.
//! A `JoinableQueue`'s task count has its own, so `task_done` is independent of pipe traffic.
//!
//! # Reductions (each argued in docs/model.md)
//! - A blocking `get()` that finds the reader lock free *and* data in the pipe acquires the
//!   lock, reads and releases in one step. Only readers can observe the lock, and the protocols
//!   that use `get()` use no other kind of read, so the merged window is unobservable to them.
//!   A `get()` that must wait holds the lock, visibly, while it waits (queues.py 102-103).
//! - `get_nowait()` that raises `Empty` acquires, polls and releases in one step; one that reads
//!   holds the lock across a scheduling point and releases it in a second step, so the
//!   reader-lock race of cause (b) stays reachable (queues.py 108-120).
//! - `get(timeout=t)` polls twice: once, then (if it would block) again after any number of
//!   other threads' steps, chosen by the checker. The gap is the timeout; it can be as short
//!   or as long as any schedule makes it.

use super::trace::{EmptyCause, Op, Polled};
use super::world::{Interrupted, Item, LaneId, LaneState, Role, Wait, World};
use crate::sync::Backend;
use std::sync::{Arc, Mutex};

type Guard<'a, B> = <B as Backend>::Guard<'a>;

/// The queue's token, held across steps that the model runs as one (see
/// [`Queue::put_held`]).
pub struct Held<'a, B: Backend + 'a>(#[allow(dead_code)] Guard<'a, B>);

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
    /// Buffers, pipe and reader lock.
    queue: B::Mutex,
    /// `JoinableQueue._cond` (queues.py 299).
    tasks: B::Mutex,
    /// Per lane, the handle that unparks it (registered when the lane starts running).
    parkers: Mutex<Vec<Option<B::Thread>>>,
    /// Every thread started on this queue's behalf, joined at the end of the execution.
    handles: Mutex<Vec<(LaneId, B::JoinHandle)>>,
}

impl<B: Backend> Queue<B> {
    /// A queue with `producers` producer buffers and a pipe of `pipe_capacity` items.
    /// `record_states` turns on the state column of the trace.
    pub fn new(producers: usize, pipe_capacity: usize, record_states: bool) -> Arc<Self> {
        Arc::new(Queue {
            world: Mutex::new(World::new(producers, pipe_capacity, record_states)),
            queue: B::new_mutex(),
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
            self.wake_ready();
        }
    }

    /// Unparks every blocked thread whose condition holds now. Called after every step that
    /// changes the world; costs no scheduling point.
    fn wake_ready(&self) {
        // A woken lane is marked running at once: it re-checks its condition when it runs,
        // and is not unparked again meanwhile (a stale unpark would cost it a spurious lap).
        let ready: Vec<LaneId> = self.world(|w| {
            let ready: Vec<LaneId> = (0..w.lanes.len())
                .filter(|&l| matches!(w.lanes[l].state, LaneState::Blocked(wait) if w.holds(wait)))
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

    /// Blocks `lane` until `wait` holds, re-taking `mutex` (whose guard it holds) after each
    /// sleep. Parking without the token is safe: an `unpark` that comes first is remembered.
    fn block_until<'a>(
        &self,
        lane: LaneId,
        wait: Wait,
        mutex: &'a B::Mutex,
        mut token: Guard<'a, B>,
    ) -> Step<Guard<'a, B>> {
        loop {
            match self.await_world(lane, wait) {
                Next::Go => return Ok(token),
                Next::Sleep => {
                    drop(token);
                    B::park();
                    token = B::lock(mutex);
                }
                Next::Stop(why) => return Err(why),
                Next::DeclaredHang => {
                    drop(token);
                    self.interrupt_all();
                    return Err(Interrupted::Hang);
                }
            }
        }
    }

    /// `join()` by `lane` on another thread of the model, `target`. The backend's own join
    /// happens at the end of the execution (`exit_main`), on a finished thread.
    pub fn join(&self, lane: LaneId, target: LaneId) -> Step<()> {
        loop {
            match self.await_world(lane, Wait::Exit(target)) {
                Next::Go => break,
                Next::Sleep => B::park(),
                Next::Stop(why) => return Err(why),
                Next::DeclaredHang => {
                    self.interrupt_all();
                    return Err(Interrupted::Hang);
                }
            }
        }
        self.world(|w| w.record(lane, Op::Joined { lane: target }));
        Ok(())
    }

    /// Holds the queue's token across several steps that must be one: see
    /// [`Queue::put_held`].
    pub fn hold(&self) -> Held<'_, B> {
        Held(B::lock(&self.queue))
    }

    /// `put(obj)` by producer `producer` (queues.py 86-96): append to that producer's buffer,
    /// starting its feeder on the first put. Never touches the pipe.
    pub fn put(self: &Arc<Self>, lane: LaneId, producer: usize, item: Item) {
        let held = self.hold();
        self.put_held(&held, lane, producer, item);
    }

    /// `put` inside a held section. A producer's consecutive puts (and thread starts) are
    /// *left movers* in Lipton's sense: each commutes with any earlier step of another thread
    /// (a put only appends to a buffer's tail, which only that producer's feeder reads, from
    /// the head; a started thread has not run yet), so running them as one step hides no
    /// behaviour of protocols that never call `qsize()`. The harness's set-up is one step.
    pub fn put_held(
        self: &Arc<Self>,
        _held: &Held<'_, B>,
        lane: LaneId,
        producer: usize,
        item: Item,
    ) {
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
        self.wake_ready();
    }

    /// `JoinableQueue.put` (queues.py 308-319): `put` plus `_unfinished_tasks.release()`
    /// under `_cond`, taken inside `_notempty` as CPython does.
    pub fn put_task_held(
        self: &Arc<Self>,
        held: &Held<'_, B>,
        lane: LaneId,
        producer: usize,
        item: Item,
    ) {
        let _cond = B::lock(&self.tasks);
        self.world(|w| w.unfinished_tasks += 1);
        self.put_held(held, lane, producer, item);
    }

    /// `_start_thread` (queues.py 161-185): the feeder is started by the first `put`.
    fn start_feeder(self: &Arc<Self>, lane: LaneId, producer: usize) {
        let producers = self.world(|w| w.buffers.len());
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
    ///
    /// Pop and write are one step. The pop is a *right mover* (it commutes with every later
    /// step of another thread: puts append at the other end, readers never see the buffer), so
    /// merging it with the write hides nothing; CPython's feeder blocked on a full pipe holds
    /// the popped item, the model leaves it at the buffer's head, which no thread can tell
    /// apart (only `qsize()` could, and it counts both).
    fn feed(&self, lane: LaneId, producer: usize) -> Step<()> {
        loop {
            let token = B::lock(&self.queue);
            let token = self.block_until(lane, Wait::BufferItem(producer), &self.queue, token)?;
            let closing = self.world(|w| w.buffers[producer].front() == Some(&Item::Close));
            if closing {
                self.world(|w| {
                    w.buffers[producer].pop_front();
                    w.record(lane, Op::FeederExit);
                });
                return Ok(());
            }
            let _token = self.block_until(lane, Wait::PipeRoom, &self.queue, token)?;
            self.world(|w| {
                let item = w.buffers[producer].pop_front().expect("checked non-empty");
                w.pipe.push_back(item);
                w.record(lane, Op::Flush { item });
            });
            self.wake_ready();
        }
    }

    /// Blocking `get()` (queues.py 101-104): take the reader lock, wait in `recv_bytes` for
    /// data, read one item, release.
    pub fn get(&self, lane: LaneId) -> Step<Item> {
        let token = B::lock(&self.queue);
        let mut token = self.block_until(lane, Wait::ReaderLock, &self.queue, token)?;
        let must_wait = self.world(|w| {
            let empty = w.pipe.is_empty();
            if empty {
                w.reader = Some(lane);
                w.record(lane, Op::HoldReaderLock);
            }
            empty
        });
        if must_wait {
            token = self.block_until(lane, Wait::PipeData, &self.queue, token)?;
        }
        let item = self.world(|w| {
            let item = w.pipe.pop_front().expect("checked non-empty");
            w.reader = None;
            w.record(lane, Op::Get { item });
            item
        });
        drop(token);
        self.wake_ready();
        Ok(item)
    }

    /// `get_nowait()` = `get(block=False)` (queues.py 106-122): `Empty` if another reader
    /// holds the reader lock (cause b) or the pipe has nothing readable now (cause a), even
    /// while items sit in a producer's buffer.
    pub fn get_nowait(&self, lane: LaneId) -> Polled {
        let polled = {
            let _token = B::lock(&self.queue);
            self.world(|w| {
                let polled = match w.reader {
                    Some(holder) => empty(EmptyCause::ReaderLockHeld(holder)),
                    None if w.pipe.is_empty() => empty(EmptyCause::PipeEmpty),
                    None => {
                        let item = w.pipe.pop_front().expect("checked non-empty");
                        w.reader = Some(lane);
                        Polled::Item { item }
                    }
                };
                w.record(lane, Op::GetNowait { polled });
                polled
            })
        };
        self.wake_ready();
        if matches!(polled, Polled::Item { .. }) {
            self.release_reader_lock(lane);
        }
        polled
    }

    /// `get(timeout=t)` (queues.py 105-122 with `block=True`). Where CPython would block (on
    /// the reader lock, then in `poll(timeout)`), the model polls once more after a gap in which
    /// any other threads may run: the timeout expires at whatever point the checker chooses.
    pub fn get_timeout(&self, lane: LaneId) -> Polled {
        let mut waited = false;
        loop {
            let token = B::lock(&self.queue);
            let outcome = self.world(|w| {
                let other_holder = w.reader.filter(|&holder| holder != lane);
                let outcome = match (other_holder, w.pipe.is_empty(), waited) {
                    (Some(_), _, false) => Err(Wait::ReaderLock),
                    (Some(holder), _, true) => Ok(empty(EmptyCause::ReaderLockHeld(holder))),
                    (None, true, false) => {
                        w.reader = Some(lane);
                        Err(Wait::PipeData)
                    }
                    (None, true, true) => {
                        w.reader = None;
                        Ok(empty(EmptyCause::PipeEmpty))
                    }
                    (None, false, _) => {
                        let item = w.pipe.pop_front().expect("checked non-empty");
                        w.reader = Some(lane);
                        Ok(Polled::Item { item })
                    }
                };
                match outcome {
                    Ok(polled) => w.record(lane, Op::GetTimeout { polled }),
                    Err(wait) => w.record(lane, Op::AwaitTimeout { wait }),
                }
                outcome
            });
            drop(token);
            self.wake_ready();
            match outcome {
                Ok(polled @ Polled::Item { .. }) => {
                    self.release_reader_lock(lane);
                    return polled;
                }
                Ok(polled) => return polled,
                Err(_) => waited = true,
            }
        }
    }

    /// Second half of a non-blocking or timed read: `self._rlock.release()` (queues.py 120).
    fn release_reader_lock(&self, lane: LaneId) {
        {
            let _token = B::lock(&self.queue);
            self.world(|w| {
                w.reader = None;
                w.record(lane, Op::ReleaseReaderLock);
            });
        }
        self.wake_ready();
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
        let _token = B::lock(&self.queue);
        self.world(|w| {
            let empty = w.pipe.is_empty();
            w.record(lane, op(empty));
            empty
        })
    }

    /// `qsize()` (queues.py 124-126): items put and not yet read.
    pub fn qsize(&self) -> usize {
        let _token = B::lock(&self.queue);
        self.world(|w| w.qsize())
    }

    /// `JoinableQueue.task_done()` (queues.py 321-326).
    pub fn task_done(&self, lane: LaneId) {
        {
            let _cond = B::lock(&self.tasks);
            self.world(|w| {
                w.unfinished_tasks = w
                    .unfinished_tasks
                    .checked_sub(1)
                    .expect("task_done() called too many times");
                w.record(lane, Op::TaskDone);
            });
        }
        self.wake_ready();
    }

    /// `JoinableQueue.join()` (queues.py 328-331).
    pub fn join_tasks(&self, lane: LaneId) -> Step<()> {
        let token = B::lock(&self.tasks);
        let _token = self.block_until(lane, Wait::TasksDone, &self.tasks, token)?;
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

fn empty(cause: EmptyCause) -> Polled {
    Polled::Empty { cause }
}
