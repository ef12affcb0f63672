//! The enumerating backend: every schedule of the model, at the granularity of its shared
//! accesses, with a sound state cache. It is the referee of loom's reduction
//! (`crate::check::enumeration` compares the two at the smallest sizes of every protocol).
//!
//! # What it explores
//! Model threads run one at a time, each as a coroutine on the OS thread of the search. A
//! thread stops at a **scheduling point** before every backend operation (taking or returning
//! a permit, locking or unlocking a token, starting or joining a thread) *and* before every
//! access to the world (`Backend::before_shared_access`, called by the model's one door to
//! its shared data, `crate::model::runtime::Host::world`). Between two scheduling points a
//! thread makes exactly one shared access or operation, plus local computation. So every
//! interleaving of the model's shared accesses is a schedule here: unlike loom, this backend
//! trusts no conflict the model declares (an unlock, a release or a world write followed by
//! more writes is a point like any other), which is what a referee needs. At each point the
//! search may run any enabled thread (a thread waiting for a permit, a token or a join is
//! enabled once it can proceed); it tries them all, depth first, re-running the model from its
//! start for every branch (`search`).
//!
//! # The state cache, and why it is sound
//! Exploring every interleaving is hopeless (shuttle's DFS, which does just that over the
//! model's std primitives, does not finish the smallest scenario); many interleavings reach
//! the same state, and a state's future does not depend on how it was reached. At each
//! scheduling point the search computes a **key** and abandons the execution if the key was
//! met before. The key (`execution::Execution::key`) is a 128-bit hash of:
//! 1. the world: everything of it a thread's future or a final state can depend on
//!    (`crate::model::world::World::key`: the structure's data, each thread's lane and state,
//!    the hang and shutdown flags, and the trace's facts: each lane's own events, and which
//!    jobs were processed when `join()` returned), but not the order in which different
//!    threads' events interleaved, nor the race check's clocks;
//! 2. every primitive: each semaphore's permit count, each token's holder;
//! 3. every thread: whether it finished, the step it is about to take, and its **history**, a
//!    hash of its name, of its parent's history when it was started, of each step it stopped
//!    before, and of everything each of its accesses and operations returned to it.
//!
//! Two points with the same key have the same futures:
//! - *A thread's local state is a function of its history.* Threads are deterministic
//!   programs; what a thread holds in its variables and where it is in its code are fixed by
//!   what it started with (its closure, built by its parent, whose state is a function of the
//!   parent's history, and its name) and by what each shared access returned to it. World
//!   accesses hand their thread nothing but their result (the rule `Host::world` states), and
//!   the result's hash goes into the history; a spawn returns the new thread's id, hashed too;
//!   taking a permit returns its stamp, which is ghost data (only the race check reads it);
//!   locks and joins return nothing.
//! - *The rest of the world is write-only.* What the key leaves out of the world (the
//!   interleaving of the trace, the snapshots, the clocks) is never read by a step of the model
//!   to decide anything, only by the checkers once the execution is over, and the parts of it
//!   a final state is judged by are in the key (the trace's facts).
//! - *So the whole state, and with it every future and every final state reached from it, is a
//!   function of the key.* Outside the world there is only the runtime's list of join handles,
//!   which decides nothing but the order in which the main thread joins the threads left at
//!   its exit, after which every thread has ended either way.
//!
//! Every step adds to its thread's history (which also records the steps themselves: a
//! thread's sequence of steps is a function of what it learned, so this separates no states
//! the rest would merge), so no key repeats along one execution: the states form a directed
//! acyclic graph (and every execution is finite: the model has no spin loops,
//! docs/model.md 3.8), a depth-first search with a visited set explores every edge out of
//! every reachable state, and every final state reachable from an abandoned point was reached
//! from its first visit. Hence the set of final states the search records is exactly the set
//! the model can reach, up to a collision of 128-bit hashes (for a million states, a chance
//! below 10^-26).
//!
//! # Cost
//! One execution per edge of the state graph that leads to a state already seen, each re-run
//! from the start: the search's cost grows with the number of states, not of interleavings.
//! `cargo bench --bench enumeration_cost` tabulates states, executions and seconds per scenario
//! beside loom's executions.

mod execution;
mod search;

pub(crate) use search::{Enumeration, explore};

use super::{Backend, Stamp};
use std::marker::PhantomData;

/// Every schedule at the granularity of shared accesses, with a sound state cache. Usable only
/// inside [`explore`].
#[derive(Debug, Clone, Copy, Default)]
pub struct Enumerate;

/// A token of the execution, by index.
pub struct Token(usize);

/// A held token; unlocking it is a scheduling point.
pub struct Guard<'a> {
    token: usize,
    _held: PhantomData<&'a Token>,
}

impl Drop for Guard<'_> {
    fn drop(&mut self) {
        execution::unlock(self.token);
    }
}

/// A semaphore of the execution, by index, whose permits carry stamps of type `S`.
pub struct Semaphore<S> {
    index: usize,
    _stamps: PhantomData<fn() -> S>,
}

/// A thread of the execution, by index.
pub struct JoinHandle(usize);

impl Backend for Enumerate {
    type Mutex = Token;
    type Guard<'a> = Guard<'a>;
    type Semaphore<S: Stamp> = Semaphore<S>;
    type JoinHandle = JoinHandle;

    const KEYS_STATES: bool = true;

    fn new_mutex() -> Token {
        Token(execution::new_token())
    }

    fn lock(mutex: &Token) -> Guard<'_> {
        execution::lock(mutex.0);
        Guard {
            token: mutex.0,
            _held: PhantomData,
        }
    }

    fn new_semaphore<S: Stamp>(permits: usize) -> Semaphore<S> {
        Semaphore {
            index: execution::new_semaphore::<S>(permits),
            _stamps: PhantomData,
        }
    }

    fn acquire<S: Stamp>(semaphore: &Semaphore<S>) -> S {
        execution::acquire(semaphore.index)
    }

    fn release<S: Stamp>(semaphore: &Semaphore<S>, stamp: S) {
        execution::release(semaphore.index, stamp);
    }

    fn spawn(name: String, body: impl FnOnce() + Send + 'static) -> JoinHandle {
        JoinHandle(execution::spawn(name, Box::new(body)))
    }

    fn join(handle: JoinHandle) {
        execution::join(handle.0);
    }

    fn before_shared_access() {
        execution::before_access();
    }

    fn observed(result: u128, state: &dyn Fn() -> u128) {
        execution::observed(result, state);
    }
}
