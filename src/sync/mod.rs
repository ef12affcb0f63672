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
    semaphore = {
        use crate::sync::loom_semaphore::Semaphore;
    }
}

#[cfg(feature = "loom")]
mod loom_semaphore;

implement_backend! {
    /// shuttle's controlled primitives: random, PCT and DFS schedules. Usable only inside a
    /// shuttle runner.
    Shuttle: shuttle::sync, shuttle::thread
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

/// The primitives one checker provides. Implemented by zero-sized marker types.
pub trait Backend: Sized + Send + Sync + 'static {
    /// A mutual-exclusion token: holding it is one critical section of the model.
    type Mutex: Send + Sync;
    /// Proof that the token is held.
    type Guard<'a>;
    /// A counting semaphore: every wait of the model.
    type Semaphore: Send + Sync;
    /// A handle to join a spawned thread.
    type JoinHandle: Send;

    fn new_mutex() -> Self::Mutex;
    fn lock(mutex: &Self::Mutex) -> Self::Guard<'_>;
    fn new_semaphore(permits: usize) -> Self::Semaphore;
    /// Takes a permit, blocking until one is available.
    fn acquire(semaphore: &Self::Semaphore);
    /// Returns a permit, waking one waiter if any.
    fn release(semaphore: &Self::Semaphore);
    fn spawn(name: String, body: impl FnOnce() + Send + 'static) -> Self::JoinHandle;
    /// Waits for the thread to finish; a panic in it is re-raised here.
    fn join(handle: Self::JoinHandle);
}
