//! The threads of a model: lanes, waits on semaphores, tokens, joins and the hang detector,
//! shared by every shared structure a model is built of (the queue, the channel).
//!
//! A structure implements [`Host`]: it owns a [`Runtime`] and says which of its semaphores
//! each [`Wait`] blocks on and which mutex each [`Token`] is; everything else here comes with
//! the trait. **Every access to shared data and every backend operation of the model goes
//! through these methods**, which is what keeps the soundness rules of docs/model.md for every
//! structure, and for any operation built on them:
//! - a permit is taken before the world changes and returned after ([`Host::acquire`],
//!   [`Host::release`]), so the world never shows less than the permits promise (section 3.6);
//! - a thread that may block in the backend is marked blocked in the world first
//!   ([`Host::acquire`], [`Host::join`]), so the hang detector never mistakes it for a running
//!   one (section 3.7);
//! - each thread's vector clock and current step follow the backend operations it makes, so
//!   the race check (`crate::model::race`) judges every world access by loom's own
//!   happens-before and dependencies (section 3.12);
//! - every world access is one step of the enumerating backend, which is told what the access
//!   returned ([`Host::world`]).

use super::race::Clock;
use super::trace::Op;
use super::types::{LaneId, Role, Token, Wait};
use super::world::{Interrupted, LaneState, Structure, World};
use crate::sync::{Backend, hash128, lock};
use std::hash::{DefaultHasher, Hash, Hasher};
use std::sync::{Arc, Mutex};

/// The result of a step that may be cut short by a hang or a shutdown.
pub(crate) type Step<T> = Result<T, Interrupted>;

/// The world and the backend threads of one execution.
pub(crate) struct Runtime<B: Backend, S> {
    world: Mutex<World<S>>,
    /// Threads started and not joined yet.
    handles: Mutex<Vec<(LaneId, B::JoinHandle)>>,
}

impl<B: Backend, S> Runtime<B, S> {
    pub fn new(world: World<S>) -> Self {
        Runtime {
            world: Mutex::new(world),
            handles: Mutex::new(Vec::new()),
        }
    }
}

/// The hash of the world's key (`World::key`), 128 bits wide.
fn key128<S: Structure>(world: &World<S>) -> u128 {
    let mut halves = [DefaultHasher::new(), DefaultHasher::new()];
    for (salt, hasher) in halves.iter_mut().enumerate() {
        hasher.write_u8(salt as u8);
        world.key(hasher);
    }
    (u128::from(halves[1].finish()) << 64) | u128::from(halves[0].finish())
}

/// Ghost data handed back from a world access: not part of what the access returned to its
/// thread's behaviour, so not hashed.
struct Ghost<T>(T);

impl<T> Hash for Ghost<T> {
    fn hash<H: Hasher>(&self, _: &mut H) {}
}

/// A held token: unlocking it (on drop) publishes the holder's clock first.
pub(crate) struct Held<'a, B: Backend, S> {
    runtime: &'a Runtime<B, S>,
    lane: LaneId,
    token: Token,
    guard: Option<B::Guard<'a>>,
}

impl<B: Backend, S> Drop for Held<'_, B, S> {
    fn drop(&mut self) {
        lock(&self.runtime.world).unlocking(self.lane, self.token);
        drop(self.guard.take());
    }
}

/// A shared structure of the model, with the threads that use it.
pub(crate) trait Host<B: Backend>: Sized + Send + Sync + 'static {
    /// The structure's own state, which the world holds.
    type Shared: Structure;

    fn runtime(&self) -> &Runtime<B, Self::Shared>;

    /// The semaphore `wait` blocks on; `None` for waits that never block on one (joins, which
    /// the joined thread's exit ends).
    fn semaphore(&self, wait: Wait) -> Option<&B::Semaphore<Clock>>;

    /// The backend mutex that is `token`.
    fn token(&self, token: Token) -> &B::Mutex;

    /// Runs `f` on the world as thread `lane`: one access to the model's shared data, checked
    /// for races (`crate::model::race`) and, under the enumerating backend, one step.
    ///
    /// Never call a backend primitive inside `f`: it may switch threads while this
    /// (non-reentrant) lock is held. `f` hands its thread nothing but its result (no writes to
    /// the caller's variables): the enumerating backend knows a thread's state by what its
    /// accesses returned.
    fn world<R: Hash>(&self, lane: LaneId, f: impl FnOnce(&mut World<Self::Shared>) -> R) -> R {
        access::<B, _, _>(self.runtime(), Some(lane), f)
    }

    /// Registers the main thread (the harness's producer 0), before any other exists.
    fn start_main(&self, role: Role, name: String) -> LaneId {
        access::<B, _, _>(self.runtime(), None, |w| {
            w.add_lane(None, role, name, false)
        })
    }

    /// Locks `token` for `lane` until the returned guard is dropped.
    fn lock(&self, lane: LaneId, token: Token) -> Held<'_, B, Self::Shared> {
        let guard = B::lock(self.token(token));
        // Ghost data only (the race check's clocks): no step of its own.
        lock(&self.runtime().world).locked(lane, token);
        Held {
            runtime: self.runtime(),
            lane,
            token,
            guard: Some(guard),
        }
    }

    /// Registers and starts a thread of the model on behalf of `parent`, which records the
    /// start in its trace if `record`. `body`'s result decides whether the lane exited or was
    /// stopped.
    #[allow(clippy::too_many_arguments)]
    fn spawn(
        self: &Arc<Self>,
        parent: LaneId,
        record: bool,
        role: Role,
        name: String,
        daemon: bool,
        body: impl FnOnce(&Arc<Self>, LaneId) -> Step<()> + Send + 'static,
    ) -> LaneId {
        let lane = self.world(parent, |w| {
            let lane = w.add_lane(Some(parent), role, name.clone(), daemon);
            if record {
                w.record(parent, Op::Spawn { lane });
            }
            lane
        });
        let host = Arc::clone(self);
        let handle = B::spawn(name, move || {
            let result = body(&host, lane);
            host.finish(lane, result);
        });
        lock(&self.runtime().handles).push((lane, handle));
        lane
    }

    /// Marks `lane` as exited (or stopped) and runs the hang detector: the exit of the last
    /// running thread can leave every other one blocked.
    fn finish(&self, lane: LaneId, result: Step<()>) {
        let hung = self.world(lane, |w| {
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
            // A feeder's exit is already its last step ("take close marker; exit").
            let said = w.trace.last_op(lane) == Some(Op::FeederExit) && op == Op::Exit;
            if !said {
                w.record(lane, op);
            }
            w.detect_hang()
        });
        if hung {
            self.interrupt_all(lane);
        }
    }

    /// Releases every blocked lane, so that each notices the hang and unwinds.
    fn interrupt_all(&self, lane: LaneId) {
        self.interrupt(lane, |w| (0..w.lanes.len()).collect());
    }

    /// Releases, on behalf of `lane`, the blocked lanes that `which` selects: one permit of the
    /// semaphore each waits on. (A lane blocked joining another is released by that one's
    /// exit.)
    fn interrupt(&self, lane: LaneId, which: impl Fn(&World<Self::Shared>) -> Vec<LaneId>) {
        let waits: Vec<Wait> = self.world(lane, |w| {
            let chosen = which(w);
            chosen
                .into_iter()
                .filter_map(|lane| match w.lanes[lane].state {
                    LaneState::Blocked(wait) => Some(wait),
                    _ => None,
                })
                .collect()
        });
        for wait in waits {
            if let Some(semaphore) = self.semaphore(wait) {
                // The woken thread unwinds: what it learns from the permit does not matter.
                B::release(semaphore, Clock::default());
            }
        }
    }

    /// Registers, under the world lock, that `lane` is about to wait for `wait`, and runs the
    /// hang detector. The lane is marked blocked even if `wait` holds now (the trace only says
    /// so if it does not): the permit the world promises may already be taken by a thread that
    /// has not yet changed the world, and a thread that may block in the backend must never
    /// look running to the detector. The last thread to block declares the hang instead of
    /// blocking; no checker ever sees a real deadlock.
    fn register(&self, lane: LaneId, wait: Wait) -> Step<()> {
        let declared = self.world(lane, |w| {
            if let Some(why) = w.interruption(lane) {
                return Err(why);
            }
            w.lanes[lane].state = LaneState::Blocked(wait);
            if w.holds(wait) {
                return Ok(false);
            }
            w.record(lane, Op::Block { wait });
            Ok(w.detect_hang())
        })?;
        if declared {
            self.interrupt_all(lane);
            return Err(Interrupted::Hang);
        }
        Ok(())
    }

    /// Takes a permit of `wait`'s semaphore, blocking (visibly to the hang detector) while
    /// there is none; then, in the same world access that marks `lane` running again (unless
    /// the wait ended because the execution hung or shut down), `then` changes the world.
    fn acquire<R: Hash>(
        &self,
        lane: LaneId,
        wait: Wait,
        then: impl FnOnce(&mut World<Self::Shared>) -> R,
    ) -> Step<R> {
        self.register(lane, wait)?;
        let stamp = B::acquire(self.semaphore(wait).expect("a semaphore wait"));
        self.world(lane, |w| {
            w.acquired(lane, wait, &stamp);
            if let Some(why) = w.interruption(lane) {
                return Err(why);
            }
            w.lanes[lane].state = LaneState::Running;
            Ok(then(w))
        })
    }

    /// Takes a permit that the world says is there and that nobody can take first (the caller
    /// holds the token that orders every taker), so this never blocks; then `then`.
    fn take_now<R: Hash>(
        &self,
        lane: LaneId,
        wait: Wait,
        then: impl FnOnce(&mut World<Self::Shared>) -> R,
    ) -> R {
        let stamp = B::acquire(self.semaphore(wait).expect("a semaphore wait"));
        self.world(lane, |w| {
            w.acquired(lane, wait, &stamp);
            then(w)
        })
    }

    /// `then` changes the world; then a permit of `wait`'s semaphore is returned.
    fn release<R: Hash>(
        &self,
        lane: LaneId,
        wait: Wait,
        then: impl FnOnce(&mut World<Self::Shared>) -> R,
    ) -> R {
        let (result, Ghost(stamp)) = self.world(lane, |w| {
            let result = then(w);
            (result, Ghost(w.released(lane, wait)))
        });
        B::release(self.semaphore(wait).expect("a semaphore wait"), stamp);
        result
    }

    /// `join()` by `lane` on another thread of the model, `target`, with the backend's own
    /// join: loom then knows the joiner's later steps come after everything the target did.
    fn join(&self, lane: LaneId, target: LaneId) -> Step<()> {
        self.register(lane, Wait::Exit(target))?;
        let handle = {
            let mut handles = lock(&self.runtime().handles);
            let index = handles.iter().position(|(l, _)| *l == target);
            index.map(|index| handles.swap_remove(index).1)
        };
        if let Some(handle) = handle {
            B::join(handle);
        }
        self.world(lane, |w| {
            w.joined(lane, target);
            if let Some(why) = w.interruption(lane) {
                return Err(why);
            }
            w.lanes[lane].state = LaneState::Running;
            w.record(lane, Op::Joined { lane: target });
            Ok(())
        })
    }

    /// The main thread's exit, which ends the execution: daemon threads die with it (they
    /// unwind), then every thread is joined so the world is final. Returns the final world.
    fn exit_main(self: Arc<Self>, main: LaneId, result: Step<()>) -> World<Self::Shared> {
        self.world(main, |w| w.shutdown = true);
        self.finish(main, result);
        self.interrupt(main, |w| {
            (0..w.lanes.len())
                .filter(|&lane| w.lanes[lane].daemon)
                .collect()
        });
        let handles = std::mem::take(&mut *lock(&self.runtime().handles));
        handles.into_iter().for_each(|(_, handle)| B::join(handle));
        let host = Arc::into_inner(self).expect("a model thread still holds the structure");
        let runtime = host.into_runtime();
        crate::sync::unpoisoned(runtime.world.into_inner())
    }

    /// Gives up the structure for its runtime (the last step of [`Host::exit_main`]).
    fn into_runtime(self) -> Runtime<B, Self::Shared>;
}

/// One access to the world by `lane` (`None`: before any thread exists).
fn access<B: Backend, S: Structure, R: Hash>(
    runtime: &Runtime<B, S>,
    lane: Option<LaneId>,
    f: impl FnOnce(&mut World<S>) -> R,
) -> R {
    // A thread unwinding (an execution the enumerating backend abandons) only tidies up.
    if !std::thread::panicking() {
        B::before_shared_access();
    }
    let mut world = lock(&runtime.world);
    if let Some(lane) = lane.filter(|_| B::REDUCES) {
        world.enter(lane);
    }
    let result = f(&mut world);
    world.leave();
    if B::KEYS_STATES {
        B::observed(hash128(&result), &|| key128(&world));
    }
    result
}
