//! The explicit state the step relation works on: counters, not queues.
//!
//! # Items are positions
//! Every item has a fixed place in its producer's *put sequence*: producer 0 puts the jobs
//! `0..J`, then its `K0` sentinels, then (at its exit) the close marker; producer 1
//! (`foreign-sentinel` only) puts its `K1` sentinels, then its close marker; a channel's
//! producer sends the jobs `0..J`. Item `q` of producer `p` is a job if `q < J_p`, a sentinel
//! if `J_p <= q < J_p + K_p`, and the close marker at `q = J_p + K_p`. Job `j` is item `j` of
//! producer 0. So each producer's buffer is the interval `[taken_p, put_p)` of its sequence
//! (the feeder takes from the head, the producer appends at the tail), and with one producer
//! the pipe is the interval `[read_0, taken_0)`: three counters. Only a pipe written by two
//! feeders needs more, the order of their items ([`PipeOrder`], one bit per item).
//!
//! # Workers are counted
//! The workers of a protocol run the same program, so the state records how many workers are
//! in each local state ([`Local`]), never which. Jobs stay distinguishable: the
//! [`Ledger`](super::ledger::Ledger) records, per job, whether and how often it was
//! processed. Why counting loses nothing, including for the harness's in-order joins: see
//! [`super`] (the module doc).

use super::domain::Domain;
use crate::scenario::Protocol;

/// Where a worker is in its program: its loop head, or one of the few points where it stops
/// between two steps. The loop head of each protocol is [`Shape::start`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Local {
    /// About to call blocking `get()` (`sentinel`, `foreign-sentinel`, `joinable`; and
    /// `empty-check` after `empty()` said False).
    Get,
    /// `empty-check`: about to call `empty()`.
    Check,
    /// `empty-poll`: about to call `get_nowait()`; `timeout-poll`: about to call
    /// `get(timeout=t)` (its first try).
    Poll,
    /// `timeout-poll`: the first try found the reader lock held; one more try comes.
    LockWaited,
    /// `timeout-poll`: holds the reader lock and found the pipe empty; one more try comes.
    AwaitData,
    /// A non-blocking or timed read returned an item; the reader still holds the reader lock
    /// and releases it next.
    Locked,
    /// `joinable`: processed a job; `task_done()` comes next.
    TaskDone,
    /// `channel-disconnect`: about to call `recv()`.
    Recv,
    /// `channel-try-recv`: about to call `try_recv()`.
    TryRecv,
    /// Returned.
    Exited,
}

impl Local {
    /// How many local states there are.
    pub const COUNT: usize = 10;
    /// Every local state, in the order of [`Local::index`].
    pub const ALL: [Local; Local::COUNT] = [
        Local::Get,
        Local::Check,
        Local::Poll,
        Local::LockWaited,
        Local::AwaitData,
        Local::Locked,
        Local::TaskDone,
        Local::Recv,
        Local::TryRecv,
        Local::Exited,
    ];

    /// The local state's index into a state's worker counts.
    pub fn index(self) -> usize {
        self as usize
    }

    /// The local state's name in traces and JSON.
    pub fn name(self) -> &'static str {
        match self {
            Local::Get => "get",
            Local::Check => "check",
            Local::Poll => "poll",
            Local::LockWaited => "lock-waited",
            Local::AwaitData => "await-data",
            Local::Locked => "locked",
            Local::TaskDone => "task-done",
            Local::Recv => "recv",
            Local::TryRecv => "try-recv",
            Local::Exited => "exited",
        }
    }
}

/// Where producer 0, the harness's main thread, is. Its set-up (puts, spawns, sends) and its
/// joins of the workers are driven by counters within [`main::SETUP`]; the stages after it
/// are one step each.
pub mod main {
    /// Putting, spawning (or sending), then joining.
    pub const SETUP: u32 = 0;
    /// `joinable`: `JoinableQueue.join()` returned.
    pub const QUEUE_JOINED: u32 = 1;
    /// The seed's check `jobs.empty()` is done.
    pub const CHECKED: u32 = 2;
    /// Exit: the close marker is in the buffer; joining the feeder.
    pub const CLOSING: u32 = 3;
    /// Exit: the feeder is joined.
    pub const FEEDER_JOINED: u32 = 4;
    /// The main thread returned: the execution is over (daemon workers die with it).
    pub const EXITED: u32 = 5;
}

/// Where producer 1 (`foreign-sentinel` only) is.
pub mod second {
    /// Not started yet.
    pub const NOT_SPAWNED: u32 = 0;
    /// Putting its sentinels.
    pub const RUNNING: u32 = 1;
    /// Exit: its close marker is in its buffer; joining its feeder.
    pub const CLOSING: u32 = 2;
    /// Exit: its feeder is joined.
    pub const FEEDER_JOINED: u32 = 3;
    /// Returned.
    pub const EXITED: u32 = 4;
    /// Joined by producer 0.
    pub const JOINED: u32 = 5;
}

/// The seed's check, `jobs.empty()`: not made yet, or its answer.
pub mod seed {
    /// Not made yet.
    pub const NOT_YET: u32 = 0;
    /// `jobs.empty()` returned True.
    pub const EMPTY: u32 = 1;
    /// `jobs.empty()` returned False.
    pub const NOT_EMPTY: u32 = 2;
}

/// The order of the items in a pipe written by two feeders: bit `i` is the producer of the
/// `i`-th item from the head. Concrete data in every domain: only `foreign-sentinel` has two
/// producers, and the all-sizes proofs are about single-producer protocols, where this stays
/// empty and no step reads it.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct PipeOrder {
    /// Bit `i`: the producer of the `i`-th item from the head.
    pub bits: u64,
    /// Items in the pipe.
    pub len: u8,
}

impl PipeOrder {
    /// The most items the order can hold.
    pub const CAPACITY: usize = 64;

    /// The producer of the item at the head.
    pub fn head(self) -> usize {
        (self.bits & 1) as usize
    }

    /// The order after `producer`'s feeder writes an item at the tail.
    pub fn push(self, producer: usize) -> PipeOrder {
        assert!(
            usize::from(self.len) < Self::CAPACITY,
            "pipe order overflow"
        );
        PipeOrder {
            bits: self.bits | ((producer as u64) << self.len),
            len: self.len + 1,
        }
    }

    /// The order after a reader takes the head.
    pub fn pop(self) -> PipeOrder {
        PipeOrder {
            bits: self.bits >> 1,
            len: self.len.saturating_sub(1),
        }
    }

    /// The producer of the `index`-th item from the head.
    pub fn producer(self, index: usize) -> usize {
        ((self.bits >> index) & 1) as usize
    }
}

/// One state of the relation, over numbers of `D`, with the jobs recorded by `L`.
#[derive(Clone, Debug)]
pub struct State<D: Domain, L> {
    /// Items of each producer's put sequence put so far (its buffer's tail).
    pub put: [D::Num; 2],
    /// Items its feeder has taken from the buffer: written to the pipe, or the close marker
    /// (the feeder's exit). A channel's send is a put that is taken at once.
    pub taken: [D::Num; 2],
    /// Items of each producer read from the pipe (or channel).
    pub read: [D::Num; 2],
    /// Two producers only: whose items the pipe holds, in order.
    pub order: PipeOrder,
    /// Producer 0's stage ([`main`]).
    pub stage: D::Num,
    /// Threads producer 0 has spawned: workers (and, for `foreign-sentinel`, see
    /// [`State::second`]).
    pub spawned: D::Num,
    /// Workers producer 0 has joined.
    pub joined: D::Num,
    /// The seed's check ([`seed`]).
    pub seed: D::Num,
    /// Producer 1's stage ([`second`]).
    pub second: D::Num,
    /// `JoinableQueue._unfinished_tasks`.
    pub tasks: D::Num,
    /// The channel's last sender is gone.
    pub disconnected: D::Bool,
    /// Some `get_nowait()` raised `Empty` because another reader held the reader lock.
    pub spurious: D::Bool,
    /// Workers per local state, indexed by [`Local::index`].
    pub workers: [D::Num; Local::COUNT],
    /// Which jobs were processed, how often.
    pub jobs: L,
}

impl<D: Domain, L> State<D, L> {
    /// How many workers are in `local`.
    pub fn count(&self, local: Local) -> &D::Num {
        &self.workers[local.index()]
    }

    /// Moves one worker from `from` to `to`.
    pub fn move_worker(&mut self, d: &D, from: Local, to: Local) {
        self.workers[from.index()] = d.dec(&self.workers[from.index()]);
        self.workers[to.index()] = d.inc(&self.workers[to.index()]);
    }
}

/// What is fixed about a scenario besides its sizes: the protocol and whether the pipe starts
/// full. Concrete in every domain: the set of steps depends on it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Shape {
    /// The drain protocol.
    pub protocol: Protocol,
    /// Whether every job starts in the pipe.
    pub prefilled: bool,
}

impl Shape {
    /// `foreign-sentinel`: a second producer puts the sentinels.
    pub fn two_producers(self) -> bool {
        self.protocol == Protocol::ForeignSentinel
    }

    /// The protocol runs over a channel instead of `multiprocessing.Queue`.
    pub fn channel(self) -> bool {
        self.protocol.uses_channel()
    }

    /// `joinable`'s workers are daemons: the producer joins the queue, not them.
    pub fn daemon_workers(self) -> bool {
        self.protocol == Protocol::Joinable
    }

    /// Where a spawned worker starts: its loop head.
    pub fn start(self) -> Local {
        match self.protocol {
            Protocol::Sentinel | Protocol::ForeignSentinel | Protocol::Joinable => Local::Get,
            Protocol::EmptyCheck => Local::Check,
            Protocol::EmptyPoll | Protocol::TimeoutPoll => Local::Poll,
            Protocol::ChannelDisconnect => Local::Recv,
            Protocol::ChannelTryRecv => Local::TryRecv,
        }
    }

    /// Where a worker goes after a blocking `get()` returned a job (and it processed it).
    pub fn after_job(self) -> Local {
        match self.protocol {
            Protocol::Joinable => Local::TaskDone,
            Protocol::EmptyCheck => Local::Check,
            _ => self.start(),
        }
    }

    /// The local states a worker of this protocol can be in.
    pub fn locals(self) -> &'static [Local] {
        match self.protocol {
            Protocol::Sentinel | Protocol::ForeignSentinel => &[Local::Get, Local::Exited],
            Protocol::Joinable => &[Local::Get, Local::TaskDone],
            Protocol::EmptyCheck => &[Local::Check, Local::Get, Local::Exited],
            Protocol::EmptyPoll => &[Local::Poll, Local::Locked, Local::Exited],
            Protocol::TimeoutPoll => &[
                Local::Poll,
                Local::LockWaited,
                Local::AwaitData,
                Local::Locked,
                Local::Exited,
            ],
            Protocol::ChannelDisconnect => &[Local::Recv, Local::Exited],
            Protocol::ChannelTryRecv => &[Local::TryRecv, Local::Exited],
        }
    }
}

/// The sizes, as numbers of `D` (symbolic in an all-sizes proof).
#[derive(Clone, Debug)]
pub struct Sizes<D: Domain> {
    /// `W`.
    pub workers: D::Num,
    /// `J`: producer 0's jobs (producer 1 puts none).
    pub jobs: D::Num,
    /// `K_p`: the sentinels producer `p` puts.
    pub sentinels: [D::Num; 2],
    /// `C`: items the pipe (or the channel) holds.
    pub capacity: D::Num,
}
