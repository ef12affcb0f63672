//! The swappable synchronisation primitives the queue model is written against.
//!
//! The model (`crate::model`) is generic over a [`Backend`] and never names std, loom or
//! shuttle. Each backend is a zero-sized type, so one build can run every backend it has:
//! a test can check the same scenario under loom and shuttle side by side, which a
//! `cfg(loom)` switch (tokio's approach) would make impossible.
//!
//! # What the backend provides, and what it deliberately does not
//! - **Semaphore** ([`Backend::Semaphore`]): every *wait* of the model is the acquisition of a
//!   counting semaphore whose permits count what the waiter needs (items in a buffer, items in
//!   the pipe, room in the pipe, a `JoinableQueue`'s finished tasks). Under loom it is a `loom::sync::mpsc`
//!   channel of `()` (see `loom_semaphore`), and that choice is what makes the model cheap:
//!   loom's DPOR treats a channel's sends as independent of its receives (only sends conflict
//!   with sends, receives with receives), so the feeder filling the pipe commutes with the
//!   workers emptying it, and a worker blocked on an empty pipe is simply disabled until the
//!   feeder's send, with none of the backtracking a mutex-and-condvar wait costs. (A model built
//!   on one mutex and park/unpark was measured first: loom could not finish W=2 workers, J=1 job
//!   without a preemption bound in minutes.) On std and shuttle the semaphore is a counter under
//!   the backend's own mutex and condvar.
//! - **Mutex** ([`Backend::Mutex`]): a *token* that guards no data. It marks the steps that
//!   must be atomic and visible to the checker together: the feeder's writes and `empty()`
//!   polls (the pipe *gate*), every pipe step of the protocols that poll, a `JoinableQueue`'s
//!   task count. The data itself lives in one plain `std::sync::Mutex<World>` that the checkers
//!   never see (see `crate::model::world`).
//! - **Threads** ([`Backend::spawn`], [`Backend::join`]). Joins use the backend's own join, so
//!   loom knows the joiner's later steps happen after everything the joined thread did.
//! - **Shared ownership is `std::sync::Arc` on every backend.** loom's `Arc` makes every clone and
//!   drop a scheduling point and tracks leaks; the model shares a handful of immutable handles,
//!   and paying a branch per clone would multiply the state space for nothing.
//! - **No condition variables, atomics or park/unpark in the model.** A loom condvar wait costs
//!   two branch points and each notify one more, and loom's `notify_one` always wakes the
//!   *first* waiter, hiding other hand-off orders; a parked thread is invisible to loom's DPOR,
//!   which then explores *every* thread at each point where it must reorder the wake-up
//!   (loom 0.7.3, `rt/path.rs`, `Schedule::backtrack`).
//!
//! - **Stamps** ([`Stamp`]): every permit carries one, ghost data for the model's race check
//!   (a vector clock), with loom's `mpsc` semantics on every backend ([`Stamps`]).
//! - **Shared accesses** ([`Backend::before_shared_access`], [`Backend::observed`]): the
//!   model calls these around every access to its world, so that the enumerating backend can
//!   make each one a scheduling point and key states by what each access returned.
//!
//! Four backends implement it: real threads, loom, shuttle, and [`Enumerate`], which runs every
//! schedule at the granularity of shared accesses with a sound state cache: the referee of
//! loom's reduction (docs/model.md, section 3.12).
//!
//! # Known gaps of the checkers, where they bite
//! - loom's `Condvar::notify_one` always wakes the *first* waiter and never wakes spuriously;
//!   shuttle's chooses. Only the std/shuttle semaphore uses a condvar, and there every waiter
//!   re-checks the count, so the choice of waiter is the scheduler's.
//! - Neither loom nor shuttle has timed waits that actually time out, so the model has no
//!   `wait_timeout`: `get(timeout=t)` is modelled as a get that gives up when it would block
//!   (see `crate::model::queue`).
//! - loom's `mpsc::Receiver::try_recv` checks for a message *outside* any scheduling point, so a
//!   failed `try_recv` is invisible to its DPOR. The model never uses it: every non-blocking
//!   observation is made under a mutex token.
//! - loom allows at most [`LOOM_MAX_THREADS`] threads including the model's main thread, and a
//!   loom deadlock aborts the process. The model therefore never deadlocks a checker: it detects
//!   "every live thread is blocked" itself and releases every waiter so each unwinds (see
//!   `crate::model::world`).

#[macro_use]
mod implement;

implement_backend! {
    /// Real OS threads (`std::sync`, `std::thread`): the seed's experiment, run for real.
    StdThreads: std::sync, std::thread
}

implement_backend! {
    /// loom's model-checked primitives: exhaustive exploration with DPOR and an optional
    /// preemption bound. Usable only inside `loom::model`; behind the `loom` feature.
    #[cfg(feature = "loom")]
    Loom: loom::sync, loom::thread,
    reduces = true,
    semaphore = {
        use crate::sync::loom_semaphore::Semaphore;
    }
}

#[cfg(feature = "loom")]
mod loom_semaphore;

mod enumerate;
pub use enumerate::Enumerate;
pub(crate) use enumerate::{Enumeration, explore};

implement_backend! {
    /// shuttle's controlled primitives: random, PCT and DFS schedules. Usable only inside a
    /// shuttle runner.
    Shuttle: shuttle::sync, shuttle::thread
}

/// A 128-bit hash of `value` (two 64-bit SipHashes of differently salted inputs): what the
/// enumerating backend keys states by, wide enough that a collision among the states of a
/// search is out of the question (for a million states, a chance below 10^-26).
pub(crate) fn hash128(value: &impl std::hash::Hash) -> u128 {
    use std::hash::{BuildHasher, BuildHasherDefault, DefaultHasher};
    let build = BuildHasherDefault::<DefaultHasher>::default();
    let low = build.hash_one((0u8, value));
    let high = build.hash_one((1u8, value));
    (u128::from(high) << 64) | u128::from(low)
}

/// loom's hard limit on threads in one model, the model's main thread included.
pub const LOOM_MAX_THREADS: usize = 5;

/// The guard of a lock whether or not a panicking thread poisoned it: every lock of the crate
/// is taken through this (or [`lock`]). Poisoning guards an invariant a panic may have broken
/// halfway; none of drainproof's locks has one that outlives a panic (the model's tokens guard
/// no data; a world or a collector that a panic left behind is thrown away with its
/// execution), and a checker must be able to read what a search found after a panic.
pub(crate) fn unpoisoned<Guard>(result: std::sync::LockResult<Guard>) -> Guard {
    result.unwrap_or_else(std::sync::PoisonError::into_inner)
}

/// Locks a `std::sync::Mutex`, poisoned or not (see [`unpoisoned`]).
pub(crate) fn lock<T>(mutex: &std::sync::Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    unpoisoned(mutex.lock())
}

/// What a permit carries from the thread that returns it to the thread that takes it: the
/// returner's knowledge, for the model's race check (a vector clock, `crate::model::race`).
/// Stamps are ghost data: no step of the model reads them, so they change no behaviour and no
/// checker's exploration (loom's DPOR looks at which objects are touched, not at what a message
/// holds).
pub trait Stamp: Clone + Default + Send + 'static {
    /// Joins `other` into `self` (their least upper bound).
    fn join(&mut self, other: &Self);
}

impl Stamp for () {
    fn join(&mut self, _: &Self) {}
}

/// A semaphore's stamps, kept beside its permits: every backend's semaphore updates them in
/// the same atomic step as the permit it takes or returns.
///
/// The stamp a taker gets is loom's `mpsc` semantics (loom 0.7.3, `src/rt/mpsc.rs`): the join
/// of the stamps of every release up to and including the one whose permit it takes (messages
/// are received in the order they were sent, so the receiver of the `k`-th knows that the
/// first `k` were sent), and nothing of later releases.
#[derive(Debug, Default)]
pub struct Stamps<S> {
    /// The join of every stamp released so far.
    sent: S,
    /// Per permit not yet taken, oldest first: `sent` as it was when it was released.
    waiting: std::collections::VecDeque<S>,
}

impl<S: Stamp> Stamps<S> {
    /// `permits` permits that no thread released (they carry the empty stamp).
    pub fn new(permits: usize) -> Self {
        Stamps {
            sent: S::default(),
            waiting: (0..permits).map(|_| S::default()).collect(),
        }
    }

    /// A permit returned with `stamp`.
    pub fn release(&mut self, stamp: &S) {
        self.sent.join(stamp);
        self.waiting.push_back(self.sent.clone());
    }

    /// The oldest permit, if there is one.
    pub fn take(&mut self) -> Option<S> {
        self.waiting.pop_front()
    }
}

/// The primitives one checker provides. Implemented by zero-sized marker types.
pub trait Backend: Sized + Send + Sync + 'static {
    /// A mutual-exclusion token: holding it is one critical section of the model.
    type Mutex: Send + Sync;
    /// Proof that the token is held.
    type Guard<'a>;
    /// A counting semaphore whose permits carry [`Stamp`]s: every wait of the model.
    type Semaphore<S: Stamp>: Send + Sync;
    /// A handle to join a spawned thread.
    type JoinHandle: Send;

    /// Whether the backend's search relies on the model to show it every conflict (loom's
    /// DPOR does): then every world access is checked for races (`crate::model::race`), which
    /// is what keeps that reliance sound. The check is stated in terms of loom's steps; the
    /// other backends schedule more finely, need no such condition, and skip it.
    const REDUCES: bool = false;

    /// Whether [`Backend::observed`] wants to be told what every access to the model's shared
    /// data returned and the state after it (computing that costs a hash per access, so the
    /// other backends say no).
    const KEYS_STATES: bool = false;

    fn new_mutex() -> Self::Mutex;
    fn lock(mutex: &Self::Mutex) -> Self::Guard<'_>;
    fn new_semaphore<S: Stamp>(permits: usize) -> Self::Semaphore<S>;
    /// Takes a permit, blocking until one is available; returns its stamp ([`Stamps::take`]).
    fn acquire<S: Stamp>(semaphore: &Self::Semaphore<S>) -> S;
    /// Returns a permit with `stamp`, waking one waiter if any.
    fn release<S: Stamp>(semaphore: &Self::Semaphore<S>, stamp: S);
    fn spawn(name: String, body: impl FnOnce() + Send + 'static) -> Self::JoinHandle;
    /// Waits for the thread to finish; a panic in it is re-raised here.
    fn join(handle: Self::JoinHandle);

    /// Called before every access to the model's shared data (the world, see
    /// `crate::model::world`), outside any lock. Only the enumerating backend makes it a
    /// scheduling point; loom and shuttle schedule at their own primitives only, and real
    /// threads need no help.
    fn before_shared_access() {}

    /// After an access to the shared data, if [`Backend::KEYS_STATES`]: a hash of what the
    /// access returned to its thread, and how to hash the shared state after it (which costs
    /// more, and is asked for only when the state will be keyed).
    fn observed(_result: u128, _state: &dyn Fn() -> u128) {}
}
