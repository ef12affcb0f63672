//! `multiprocessing.Queue` (CPython 3.11, `multiprocessing/queues.py`), step by step.
//!
//! # Waits are semaphores; what must be seen together takes a token
//! A checker's cost grows with the number of scheduling points *that conflict*: loom's DPOR
//! explores both orders of two steps only if they touch the same object. So the model waits
//! only by acquiring counting semaphores whose permits are exactly what the waiter needs
//! (see `crate::sync`), and the steps that fill and empty them commute:
//! - per producer, `buffer`: one permit per buffered item (`put` releases, the feeder takes);
//! - `items`: one permit per item in the pipe (the feeder's write releases, a read takes);
//! - `room`: one permit per free slot of the pipe's `C` (a read releases, the feeder takes);
//!
//! Reads of the pipe's state without taking anything (`empty()`, `get_nowait()`'s poll, the
//! reader lock's holder) must be visible to the checker as conflicting with the writes and
//! reads they observe, so they and those writes and reads hold a mutex token, the *gate*. The
//! feeder's writes always take the gate. Reads take it unless [`Observed::Nothing`]: the
//! protocols whose only poll is the seed's final `jobs.empty()`, made after joining every
//! reader, need their reads to conflict with nothing but other reads.
//!
//! Every step follows the permit order and token rules of docs/model.md, section 3.6 (kept by
//! `crate::model::runtime`).
//!
//! # Reductions (each argued in docs/model.md)
//! - `get()` does not take the reader lock. Only non-blocking and timed readers can observe
//!   `_rlock` (CPython's `empty()` and `qsize()` do not), and no protocol here mixes them with
//!   blocking readers ([`Observed::PipeAndReaderLock`] refuses `get()`). Among blocking readers
//!   the lock only decides which reader takes the next item, which their race for `items`
//!   decides just as freely; a reader waiting for data with the lock held and readers waiting
//!   for the lock are, to every other thread, the same thing: readers blocked in `get()` on an
//!   empty pipe, and a hang with one is a hang with the other.
//! - `get_nowait()` that raises `Empty` acquires, polls and releases in one step: only readers
//!   observe the lock, and they must hold the gate, which the step holds throughout. One that
//!   reads holds the lock across a scheduling point and releases it in a second step, so the
//!   reader-lock race of cause (b) stays reachable (queues.py 108-120).
//! - `get(timeout=t)` tries once, then (if it would block) again after any number of other
//!   threads' steps, chosen by the checker: the timeout expires at whatever point a schedule
//!   makes it. Each of its two waits (the lock, then the data) gets its own gap.

use super::runtime::{Host, Runtime, Step};
use super::trace::{EmptyCause, Op, Polled, Snapshot};
use super::types::{Item, LaneId, Observed, Role, Wait};
use super::world::{Structure, World};
use crate::sync::Backend;
use std::collections::VecDeque;
use std::sync::Arc;

/// The state of a `multiprocessing.Queue`: its producers' buffers, the pipe and the reader
/// lock, as the world holds them.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct QueueState {
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
}

impl QueueState {
    /// An empty queue with `producers` buffers and a pipe of `pipe_capacity` items.
    pub fn new(producers: usize, pipe_capacity: usize) -> QueueState {
        QueueState {
            pipe_capacity,
            buffers: vec![VecDeque::new(); producers],
            feeder_started: vec![false; producers],
            pipe: VecDeque::new(),
            reader: None,
            unfinished_tasks: 0,
        }
    }

    /// Number of items put and not yet read: `qsize()` (queues.py 124-126), an observation of
    /// the state rather than a step (docs/model.md, section 3.10). No catalog protocol calls it.
    #[cfg_attr(not(test), allow(dead_code))]
    pub fn qsize(&self) -> usize {
        let queued = |item: &&Item| **item != Item::Close;
        self.buffers.iter().flatten().filter(queued).count() + self.pipe.len()
    }
}

impl Structure for QueueState {
    fn holds(&self, wait: Wait) -> bool {
        match wait {
            Wait::BufferItem(producer) => !self.buffers[producer].is_empty(),
            Wait::PipeRoom => self.pipe.len() < self.pipe_capacity,
            Wait::PipeData => !self.pipe.is_empty(),
            Wait::ReaderLock => self.reader.is_none(),
            Wait::TasksDone => self.unfinished_tasks == 0,
            Wait::Exit(_) | Wait::ChannelReady | Wait::ChannelRoom => false,
        }
    }

    fn snapshot(&self, blocked: Vec<(LaneId, Wait)>) -> Snapshot {
        Snapshot {
            buffers: self
                .buffers
                .iter()
                .map(|buffer| buffer.iter().copied().collect())
                .collect(),
            pipe: self.pipe.iter().copied().collect(),
            reader: self.reader,
            channel: None,
            blocked,
        }
    }

    fn leftover(&self) -> Vec<Item> {
        self.buffers
            .iter()
            .flatten()
            .chain(&self.pipe)
            .copied()
            .filter(|item| *item != Item::Close)
            .collect()
    }
}

/// The queue, its producers' feeder threads and the world they share.
pub(crate) struct Queue<B: Backend> {
    runtime: Runtime<B, QueueState>,
    observed: Observed,
    /// Per producer: permits = items in its buffer (`_notempty`, queues.py 75-76, 228-231).
    buffers: Vec<B::Semaphore>,
    /// Permits = items in the pipe: what `recv_bytes` waits for.
    items: B::Semaphore,
    /// Permits = free slots in the pipe: what `send_bytes` waits for when the pipe is full.
    room: B::Semaphore,
    /// Makes polls and the steps they observe conflict (see the module doc).
    gate: B::Mutex,
    /// `JoinableQueue._cond` (queues.py 299), with `join()`'s wait for the count to reach 0.
    tasks: B::Mutex,
    tasks_done: B::Semaphore,
}

impl<B: Backend> Host<B> for Queue<B> {
    type Shared = QueueState;

    fn runtime(&self) -> &Runtime<B, QueueState> {
        &self.runtime
    }

    fn into_runtime(self) -> Runtime<B, QueueState> {
        self.runtime
    }

    /// `None` for the reader lock, which no thread blocks on (see
    /// [`Observed::PipeAndReaderLock`]), and for joins.
    fn semaphore(&self, wait: Wait) -> Option<&B::Semaphore> {
        match wait {
            Wait::BufferItem(producer) => Some(&self.buffers[producer]),
            Wait::PipeRoom => Some(&self.room),
            Wait::PipeData => Some(&self.items),
            Wait::TasksDone => Some(&self.tasks_done),
            Wait::ReaderLock | Wait::Exit(_) | Wait::ChannelReady | Wait::ChannelRoom => None,
        }
    }
}

impl<B: Backend> Queue<B> {
    /// A queue with `producers` producer buffers and a pipe of `pipe_capacity` items.
    /// `record_states` turns on the state column of the trace.
    pub fn new(
        producers: usize,
        pipe_capacity: usize,
        observed: Observed,
        record_states: bool,
    ) -> Arc<Self> {
        Arc::new(Queue {
            runtime: Runtime::new(World::new(
                QueueState::new(producers, pipe_capacity),
                record_states,
            )),
            observed,
            buffers: (0..producers).map(|_| B::new_semaphore(0)).collect(),
            items: B::new_semaphore(0),
            room: B::new_semaphore(pipe_capacity),
            gate: B::new_mutex(),
            tasks: B::new_mutex(),
            tasks_done: B::new_semaphore(0),
        })
    }

    /// Writes `items` into the pipe before any thread runs, as if a feeder had flushed them.
    pub fn prefill(&self, items: impl IntoIterator<Item = Item>) {
        for item in items {
            self.take_now(Wait::PipeRoom, |_| ());
            self.release(Wait::PipeData, |w| w.shared.pipe.push_back(item));
        }
    }

    /// `put(obj)` by producer `producer` (queues.py 86-96): append to that producer's buffer,
    /// starting its feeder on the first put. Never touches the pipe.
    pub fn put(self: &Arc<Self>, lane: LaneId, producer: usize, item: Item) {
        let start_feeder = self.release(Wait::BufferItem(producer), |w| {
            let start = !w.shared.feeder_started[producer];
            w.shared.feeder_started[producer] = true;
            w.shared.buffers[producer].push_back(item);
            w.record(lane, Op::Put { item });
            start
        });
        if start_feeder {
            self.start_feeder(lane, producer);
        }
    }

    /// `JoinableQueue.put` (queues.py 308-319): `put` plus `_unfinished_tasks.release()`
    /// under `_cond`.
    pub fn put_task(self: &Arc<Self>, lane: LaneId, producer: usize, item: Item) {
        {
            let _cond = B::lock(&self.tasks);
            self.world(|w| w.shared.unfinished_tasks += 1);
        }
        self.put(lane, producer, item);
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

    /// `_feed` (queues.py 211-272): pop the buffer in FIFO order (236) and write each item to
    /// the pipe with one `send_bytes` (248-252), waiting while the pipe is full; exit on the
    /// close marker (237-241).
    ///
    /// The pop and the write are one step. The pop is a *right mover* (it commutes with every
    /// later step of another thread: puts append at the other end, readers never see the
    /// buffer), so merging it with the write hides nothing. CPython's feeder blocked on a full
    /// pipe holds the popped item; the model leaves it at the buffer's head, which no thread can
    /// tell apart (only `qsize()` could, and it counts both).
    fn feed(&self, lane: LaneId, producer: usize) -> Step<()> {
        loop {
            let closing = self.acquire(lane, Wait::BufferItem(producer), |w| {
                let closing = w.shared.buffers[producer].front() == Some(&Item::Close);
                if closing {
                    w.shared.buffers[producer].pop_front();
                    w.record(lane, Op::FeederExit);
                }
                closing
            })?;
            if closing {
                return Ok(());
            }
            self.acquire(lane, Wait::PipeRoom, |_| ())?;
            let _gate = B::lock(&self.gate);
            self.release(Wait::PipeData, |w| {
                let item = w.shared.buffers[producer]
                    .pop_front()
                    .expect("a permit per item");
                w.shared.pipe.push_back(item);
                w.record(lane, Op::Flush { item });
            });
        }
    }

    /// Blocking `get()` (queues.py 101-104): take the reader lock, wait in `recv_bytes` for
    /// data, read one item, release. The reader lock is not modelled here (see the module doc).
    pub fn get(&self, lane: LaneId) -> Step<Item> {
        assert_ne!(
            self.observed,
            Observed::PipeAndReaderLock,
            "get() beside reader-lock observers is not modelled"
        );
        let read = |w: &mut World<QueueState>| {
            let item = w.shared.pipe.pop_front().expect("a permit per item");
            w.record(lane, Op::Get { item });
            item
        };
        let item = if self.observed == Observed::Nothing {
            self.acquire(lane, Wait::PipeData, read)?
        } else {
            // The item stays visible in the pipe until the read, which polls must see.
            self.acquire(lane, Wait::PipeData, |_| ())?;
            let _gate = B::lock(&self.gate);
            self.world(read)
        };
        self.release(Wait::PipeRoom, |_| ());
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
    /// gate. If the read would block and `patience` allows waiting for that, returns what it
    /// would wait for (holding the reader lock if it got it, as CPython's `poll(timeout)`
    /// does); otherwise the result. A returned item leaves the reader lock held, for
    /// [`Queue::release_if_read`]. The reader lock is world data under the gate: in this mode no
    /// reader blocks on it.
    fn try_read(
        &self,
        lane: LaneId,
        patience: Patience,
        op: fn(Polled) -> Op,
    ) -> Result<Polled, Wait> {
        assert_eq!(
            self.observed,
            Observed::PipeAndReaderLock,
            "polling reads need Observed::PipeAndReaderLock"
        );
        let _gate = B::lock(&self.gate);
        let (holder, empty) = self.world(|w| {
            (
                w.shared.reader.filter(|&h| h != lane),
                w.shared.pipe.is_empty(),
            )
        });
        // Each outcome is recorded in the same world section as the change it makes, so that
        // no other thread's event can show the change before this one says it happened.
        let record = |w: &mut World<QueueState>, outcome: Result<Polled, Wait>| {
            let event = match outcome {
                Ok(polled) => op(polled),
                Err(wait) => Op::AwaitTimeout { wait },
            };
            w.record(lane, event);
            outcome
        };
        match holder {
            Some(_) if patience.lock => self.world(|w| record(w, Err(Wait::ReaderLock))),
            Some(holder) => {
                self.world(|w| record(w, Ok(self::empty(EmptyCause::ReaderLockHeld(holder)))))
            }
            None if !empty => {
                let outcome = self.take_now(Wait::PipeData, |w| {
                    w.shared.reader = Some(lane);
                    let item = w.shared.pipe.pop_front().expect("checked non-empty");
                    record(w, Ok(Polled::Item { item }))
                });
                self.release(Wait::PipeRoom, |_| ());
                outcome
            }
            None if patience.data => self.world(|w| {
                w.shared.reader = Some(lane);
                record(w, Err(Wait::PipeData))
            }),
            None => self.world(|w| {
                w.shared.reader = None;
                record(w, Ok(self::empty(EmptyCause::PipeEmpty)))
            }),
        }
    }

    /// Second half of a non-blocking or timed read that returned an item:
    /// `self._rlock.release()` (queues.py 120), a step of its own.
    fn release_if_read(&self, lane: LaneId, polled: Polled) -> Polled {
        if matches!(polled, Polled::Item { .. }) {
            let _gate = B::lock(&self.gate);
            self.world(|w| {
                w.shared.reader = None;
                w.record(lane, Op::ReleaseReaderLock);
            });
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
        let _gate = B::lock(&self.gate);
        self.world(|w| {
            let empty = w.shared.pipe.is_empty();
            w.record(lane, op(empty));
            empty
        })
    }

    /// `JoinableQueue.task_done()` (queues.py 321-326): the last one wakes `join()`.
    pub fn task_done(&self, lane: LaneId) {
        let _cond = B::lock(&self.tasks);
        let done = self.world(|w| {
            w.shared.unfinished_tasks = w
                .shared
                .unfinished_tasks
                .checked_sub(1)
                .expect("task_done() called too many times");
            w.record(lane, Op::TaskDone);
            w.shared.unfinished_tasks == 0
        });
        if done {
            self.release(Wait::TasksDone, |_| ());
        }
    }

    /// `JoinableQueue.join()` (queues.py 328-331): waits, under `_cond`, until every task is
    /// done. The last `task_done()` leaves one permit for it: this assumes the count reaches
    /// zero once, which holds because the harness puts every task before any worker starts.
    pub fn join_tasks(&self, lane: LaneId) -> Step<()> {
        let done = {
            let _cond = B::lock(&self.tasks);
            self.world(|w| w.shared.unfinished_tasks == 0)
        };
        if !done {
            self.acquire(lane, Wait::TasksDone, |_| ())?;
        }
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

/// Differential tests of the pipe and the queue against `crossbeam_channel`: the model's pipe
/// is a FIFO of `C` items that the feeder writes while [`Wait::PipeRoom`] holds and readers read
/// while [`Wait::PipeData`] holds, so random writes and reads on it are compared with
/// `try_send`/`try_recv` on `bounded(C)`; and `put` with blocking `get` on the whole queue (real
/// feeder thread, pipe of `C` items) deliver in FIFO order, as an `unbounded()` channel does.
#[cfg(test)]
mod tests {
    use super::*;
    use crate::sync::StdThreads;
    use proptest::prelude::*;
    use std::collections::VecDeque;
    use std::time::Duration;

    /// Long enough that a crossbeam call that could complete does; short enough for many cases.
    const BLOCKED: Duration = Duration::from_millis(1);

    fn job(item: Item) -> u32 {
        match item {
            Item::Job(job) => job,
            other => panic!("only jobs are sent, got {other:?}"),
        }
    }

    #[test]
    fn qsize_counts_buffers_and_pipe_but_not_the_close_marker() {
        let mut queue = QueueState::new(2, 4);
        queue.buffers[0].extend([Item::Job(0), Item::Close]);
        queue.buffers[1].push_back(Item::Sentinel);
        queue.pipe.push_back(Item::Job(1));
        assert_eq!(queue.qsize(), 3);
        assert_eq!(
            queue.leftover(),
            vec![Item::Job(0), Item::Sentinel, Item::Job(1)]
        );
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(300))]

        #[test]
        fn the_model_pipe_is_a_bounded_fifo_like_crossbeam_bounded(
            capacity in 1usize..=4,
            writes in prop::collection::vec(any::<bool>(), 0..60),
        ) {
            // `true`: the feeder tries to write the next item; `false`: a reader tries to read.
            let mut world = World::new(QueueState::new(1, capacity), false);
            let (tx, rx) = crossbeam_channel::bounded(capacity);
            let mut next = 0u32;
            for write in writes {
                if write {
                    next += 1;
                    let room = world.holds(Wait::PipeRoom);
                    if room {
                        world.shared.pipe.push_back(Item::Job(next));
                    }
                    prop_assert_eq!(room, tx.try_send(next).is_ok(), "write of {}", next);
                } else {
                    let ours = world
                        .holds(Wait::PipeData)
                        .then(|| world.shared.pipe.pop_front())
                        .flatten()
                        .map(job);
                    prop_assert_eq!(ours, rx.try_recv().ok());
                }
                prop_assert_eq!(world.shared.pipe.len(), rx.len());
            }
        }

        #[test]
        fn the_model_queue_delivers_puts_in_order_like_an_unbounded_channel(
            pipe_capacity in 1usize..=3,
            puts in prop::collection::vec(any::<bool>(), 0..12),
        ) {
            // `true`: put the next job; `false`: a blocking get(). A get with nothing put blocks
            // forever: the model declares the hang, crossbeam times out; the sequence ends there.
            let queue = Queue::<StdThreads>::new(1, pipe_capacity, Observed::Nothing, false);
            let main = queue.world(|w| w.add_lane(Role::Producer(0), "producer".into(), false));
            let (tx, rx) = crossbeam_channel::unbounded();
            let mut expected: VecDeque<u32> = VecDeque::new();
            let mut next = 0u32;
            let mut result = Ok(());
            for put in puts {
                if put {
                    next += 1;
                    queue.put(main, 0, Item::Job(next));
                    tx.send(next).unwrap();
                    expected.push_back(next);
                } else {
                    let theirs = rx.recv_timeout(BLOCKED).ok();
                    prop_assert_eq!(theirs, expected.pop_front());
                    match queue.get(main) {
                        Ok(item) => prop_assert_eq!(Some(job(item)), theirs),
                        Err(why) => {
                            prop_assert_eq!(theirs, None, "the model blocks only with nothing put");
                            result = Err(why);
                            break;
                        }
                    }
                }
            }
            if result.is_ok() {
                // Drain what is left, in order, and exit as the producer does (flushing the feeder).
                while let Some(theirs) = expected.pop_front() {
                    prop_assert_eq!(queue.get(main).map(job), Ok(theirs));
                }
                result = queue.exit_producer(main, 0);
                prop_assert_eq!(result, Ok(()));
            }
            let world = queue.exit_main(main, result);
            prop_assert_eq!(world.hang.is_some(), result.is_err());
        }
    }
}
