//! The swappable synchronisation primitives the queue model is written against.
//!
//! The model (`crate::model`) is generic over a [`Backend`] and never names std, loom or
//! shuttle. Each backend is a zero-sized type, so one build can run every backend it has:
//! a test can check the same scenario under loom and shuttle side by side, which a
//! `cfg(loom)` switch (tokio's approach) would make impossible.
//!
//! # What the backend provides, and what it deliberately does not
//! - **Mutex** ([`Backend::Mutex`]): every scheduling point of the model is one lock of a
//!   mutex. The mutexes guard no data; they are *tokens* that mark which part of the queue a
//!   step touches (the queue, or a `JoinableQueue`'s task count), so that loom's DPOR sees
//!   steps on different parts as independent. The data itself lives in one plain
//!   `std::sync::Mutex<World>` that the checkers never see (see `crate::model::world`).
//! - **park / unpark** instead of condition variables. A loom condvar wait costs two branch
//!   points and each notify one more; `park` and `unpark` cost none (the wake-up's cause is
//!   already a scheduling point). The world knows who waits for what, so a step unparks
//!   exactly the threads whose condition it made true: no notify-all storms, and none of
//!   loom's `notify_one` bias (it always wakes the first waiter, hiding other hand-off
//!   orders). `unpark` before `park` is remembered, so no wake-up is lost, even on real
//!   threads, where `park` may also return spuriously (every wait re-checks its condition).
//! - **Threads** ([`Backend::spawn`], [`Backend::join`]).
//! - **Shared ownership is `std::sync::Arc` on every backend.** loom's `Arc` makes every clone and
//!   drop a scheduling point and tracks leaks; the model shares a handful of immutable handles,
//!   and paying a branch per clone would multiply the state space for nothing.
//! - **No atomics.** The model has no lock-free code to check; an atomic would only add
//!   branch points and memory-model bookkeeping.
//!
//! # Known gaps of the checkers, where they bite
//! - loom's `Condvar::notify_one` always wakes the *first* waiter and never wakes spuriously;
//!   shuttle's chooses. The model uses no condvar, so neither bias reaches it: every thread
//!   whose condition holds is unparked and the checker's scheduler picks who runs first.
//! - Neither loom nor shuttle has timed waits that actually time out, so the model has no
//!   `wait_timeout`: `get(timeout=t)` is modelled as a get that gives up when it would block
//!   (see `crate::model::queue`).
//! - loom allows at most [`LOOM_MAX_THREADS`] threads including the model's main thread, and a
//!   loom deadlock aborts the process. The model therefore never deadlocks a checker: it detects
//!   "every live thread is blocked" itself and unwinds (see `crate::model::world`).

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
    Loom: loom::sync, loom::thread
}

implement_backend! {
    /// shuttle's controlled primitives: random, PCT and DFS schedules. Usable only inside a
    /// shuttle runner.
    Shuttle: shuttle::sync, shuttle::thread
}

/// loom's hard limit on threads in one model, the model's main thread included.
pub const LOOM_MAX_THREADS: usize = 5;

/// The primitives one checker provides. Implemented by zero-sized marker types.
pub trait Backend: Sized + Send + Sync + 'static {
    /// A mutual-exclusion token: holding it is one critical section of the model.
    type Mutex: Send + Sync;
    /// Proof that the token is held.
    type Guard<'a>;
    /// A handle to unpark a thread.
    type Thread: Clone + Send + Sync;
    /// A handle to join a spawned thread.
    type JoinHandle: Send;

    fn new_mutex() -> Self::Mutex;
    fn lock(mutex: &Self::Mutex) -> Self::Guard<'_>;
    /// The calling thread's handle.
    fn current() -> Self::Thread;
    /// Sleeps until unparked (or, on real threads, spuriously). An `unpark` that came first
    /// makes it return at once.
    fn park();
    fn unpark(thread: &Self::Thread);
    fn spawn(name: String, body: impl FnOnce() + Send + 'static) -> Self::JoinHandle;
    /// Waits for the thread to finish; a panic in it is re-raised here.
    fn join(handle: Self::JoinHandle);
}
