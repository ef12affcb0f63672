//! One execution of the enumerating backend: its threads, as coroutines that run one at a
//! time, and its primitives, as plain data. A model thread stops at every scheduling point
//! ([`schedule`]) and says what it will do next ([`Pending`]); the search (`super::search`)
//! picks which thread goes on; the chosen one then does it, atomically, up to its next
//! scheduling point.

use super::super::{Stamp, Stamps, hash128};
use corosensei::Yielder;
use std::any::Any;
use std::cell::RefCell;

/// What a thread does when it is next allowed to run.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub(super) enum Pending {
    /// Its body has not started.
    Start,
    /// Access the model's shared data (the world).
    Access,
    /// Take a permit of semaphore `n`: enabled only while it has one.
    Acquire(usize),
    /// Return a permit of semaphore `n`.
    Release(usize),
    /// Lock token `n`: enabled only while no thread holds it.
    Lock(usize),
    /// Unlock token `n`.
    Unlock(usize),
    /// Start a thread.
    Spawn,
    /// Join thread `n`: enabled only once it has finished.
    Join(usize),
}

/// A thread of the execution, as the search sees it.
pub(super) struct Thread {
    pub pending: Pending,
    /// A hash of everything the thread has done and learned: its parent's history when it was
    /// started, its name, each step it stopped before, and what each of its accesses and
    /// operations returned.
    pub history: u128,
    pub finished: bool,
    /// The body, until the search turns it into a coroutine (at the thread's first step).
    pub body: Option<Box<dyn FnOnce()>>,
    /// Its coroutine's yielder, once it runs.
    yielder: Option<*const Yielder<(), ()>>,
}

/// The execution's state, kept in a thread-local while the search runs it.
#[derive(Default)]
pub(super) struct Execution {
    pub threads: Vec<Thread>,
    /// The thread running now.
    pub current: usize,
    /// Per semaphore: its permits and their stamps (a `Stamps<S>`), and the count alone.
    semaphores: Vec<(Box<dyn Any>, usize)>,
    /// Per token: its holder.
    tokens: Vec<Option<usize>>,
    /// The hash of the shared state after the last access to it, if the search keys the
    /// state that follows (see [`Execution::keying`]).
    pub world: u128,
    /// Whether the step running now leads to a state the search will key: false while it
    /// replays a known prefix, so that hashing the world is skipped where nobody reads it.
    pub keying: bool,
}

thread_local! {
    static EXECUTION: RefCell<Option<Execution>> = const { RefCell::new(None) };
}

/// Runs `f` on the execution in progress.
pub(super) fn with<R>(f: impl FnOnce(&mut Execution) -> R) -> R {
    EXECUTION.with_borrow_mut(|execution| {
        f(execution
            .as_mut()
            .expect("the Enumerate backend is used only inside its search (`sync::enumerate`)"))
    })
}

/// Installs a fresh execution whose main thread runs `main`.
pub(super) fn install(main: Box<dyn FnOnce()>) {
    EXECUTION.with_borrow_mut(|execution| {
        let mut fresh = Execution::default();
        fresh.threads.push(Thread::new(hash128(&"main"), main));
        *execution = Some(fresh);
    });
}

/// Removes the execution (after every coroutine of it is gone).
pub(super) fn uninstall() {
    EXECUTION.with_borrow_mut(|execution| *execution = None);
}

impl Thread {
    fn new(history: u128, body: Box<dyn FnOnce()>) -> Thread {
        Thread {
            pending: Pending::Start,
            history,
            finished: false,
            body: Some(body),
            yielder: None,
        }
    }
}

impl Execution {
    /// Whether thread `t`'s pending step can run now.
    pub fn enabled(&self, t: usize) -> bool {
        let thread = &self.threads[t];
        !thread.finished
            && match thread.pending {
                Pending::Acquire(s) => self.semaphores[s].1 > 0,
                Pending::Lock(m) => self.tokens[m].is_none(),
                Pending::Join(t) => self.threads[t].finished,
                _ => true,
            }
    }

    /// The state the search keys: the shared data, every primitive, every thread.
    pub fn key(&self) -> u128 {
        let permits: Vec<usize> = self.semaphores.iter().map(|(_, n)| *n).collect();
        let threads: Vec<(bool, Pending, u128)> = self
            .threads
            .iter()
            .map(|t| (t.finished, t.pending, t.history))
            .collect();
        hash128(&(self.world, permits, &self.tokens, threads))
    }

    fn learn(&mut self, what: &impl std::hash::Hash) {
        let thread = &mut self.threads[self.current];
        thread.history = hash128(&(thread.history, what));
    }
}

/// Called by a coroutine when it first runs: where to suspend it.
pub(super) fn started(yielder: &Yielder<(), ()>) {
    with(|e| {
        let current = e.current;
        e.threads[current].yielder = Some(yielder as *const _);
    });
}

/// A scheduling point: the current thread will do `pending` next; the search decides when.
fn schedule(pending: Pending) {
    let yielder = with(|e| {
        let current = e.current;
        let thread = &mut e.threads[current];
        thread.pending = pending;
        // Every step moves its thread's history on, so no state repeats along an execution.
        thread.history = hash128(&(thread.history, pending));
        thread.yielder.expect("a thread that runs has started")
    });
    // SAFETY: the pointer was taken from the `Yielder` reference that corosensei passed to
    // this very coroutine's body (`started`); that yielder lives for as long as the body
    // runs, and `schedule` is only ever called from inside the body of the current thread's
    // coroutine (every backend operation is called by a model thread, and the search runs each
    // model thread inside its own coroutine), so it is alive and belongs to this coroutine.
    unsafe { (*yielder).suspend(()) };
}

/// A scheduling point before an access to the shared data.
pub(super) fn before_access() {
    schedule(Pending::Access);
}

/// What the access returned and (if the next state is keyed) the shared state after it.
pub(super) fn observed(result: u128, state: &dyn Fn() -> u128) {
    with(|e| {
        if e.keying {
            e.world = state();
        }
        e.learn(&result);
    });
}

pub(super) fn new_semaphore<S: Stamp>(permits: usize) -> usize {
    with(|e| {
        e.semaphores
            .push((Box::new(Stamps::<S>::new(permits)), permits));
        e.semaphores.len() - 1
    })
}

fn stamps<S: Stamp>(e: &mut Execution, s: usize) -> &mut Stamps<S> {
    e.semaphores[s]
        .0
        .downcast_mut()
        .expect("a semaphore keeps one stamp type")
}

pub(super) fn acquire<S: Stamp>(s: usize) -> S {
    schedule(Pending::Acquire(s));
    with(|e| {
        e.semaphores[s].1 -= 1;
        stamps::<S>(e, s)
            .take()
            .expect("scheduled only with a permit")
    })
}

pub(super) fn release<S: Stamp>(s: usize, stamp: S) {
    schedule(Pending::Release(s));
    with(|e| {
        e.semaphores[s].1 += 1;
        stamps::<S>(e, s).release(&stamp);
    });
}

pub(super) fn new_token() -> usize {
    with(|e| {
        e.tokens.push(None);
        e.tokens.len() - 1
    })
}

pub(super) fn lock(m: usize) {
    schedule(Pending::Lock(m));
    with(|e| e.tokens[m] = Some(e.current));
}

/// Unlocks token `m`: a scheduling point, except while the thread unwinds (an abandoned
/// execution tidying up), when it only lets go.
pub(super) fn unlock(m: usize) {
    if !std::thread::panicking() {
        schedule(Pending::Unlock(m));
    }
    with(|e| e.tokens[m] = None);
}

pub(super) fn spawn(name: String, body: Box<dyn FnOnce()>) -> usize {
    schedule(Pending::Spawn);
    with(|e| {
        let parent = e.threads[e.current].history;
        let id = e.threads.len();
        e.threads.push(Thread::new(hash128(&(parent, &name)), body));
        e.learn(&("spawned", id));
        id
    })
}

pub(super) fn join(t: usize) {
    schedule(Pending::Join(t));
}
