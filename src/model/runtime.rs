//! The threads of a model: lanes, waits on semaphores, joins and the hang detector, shared by
//! every shared structure a model is built of (the queue, the channel).
//!
//! A structure implements [`Host`]: it owns a [`Runtime`] and says which of its semaphores
//! each [`Wait`] blocks on; everything else here comes with the trait. This is where the
//! soundness rules of docs/model.md, section 3.6 are kept for every structure: a permit is
//! taken before the world changes and returned after ([`Host::acquire`], [`Host::release`]),
//! so the world never shows less than the permits promise; and a thread that may block in the
//! backend is marked blocked in the world first ([`Host::acquire`], [`Host::join`]), so the
//! hang detector never mistakes it for a running one.

use super::trace::Op;
use super::types::{LaneId, Role, Wait};
use super::world::{Interrupted, LaneState, Structure, World};
use crate::sync::{Backend, lock};
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

/// A shared structure of the model, with the threads that use it.
pub(crate) trait Host<B: Backend>: Sized + Send + Sync + 'static {
    /// The structure's own state, which the world holds.
    type Shared: Structure;

    fn runtime(&self) -> &Runtime<B, Self::Shared>;

    /// The semaphore `wait` blocks on; `None` for waits that never block on one (joins, which
    /// the joined thread's exit ends).
    fn semaphore(&self, wait: Wait) -> Option<&B::Semaphore>;

    /// Runs `f` on the world. Never call a backend primitive inside `f`: it may switch threads
    /// while this (non-reentrant) lock is held.
    fn world<R>(&self, f: impl FnOnce(&mut World<Self::Shared>) -> R) -> R {
        f(&mut lock(&self.runtime().world))
    }

    /// Registers and starts a thread of the model. `body`'s result decides whether the lane
    /// exited or was stopped.
    fn spawn(
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
            // A feeder's exit is already its last step ("take close marker; exit").
            let said = w.trace.last_op(lane) == Some(Op::FeederExit) && op == Op::Exit;
            if !said {
                w.record(lane, op);
            }
            w.detect_hang()
        });
        if hung {
            self.interrupt_all();
        }
    }

    /// Releases every blocked lane, so that each notices the hang and unwinds.
    fn interrupt_all(&self) {
        self.interrupt(|w| (0..w.lanes.len()).collect());
    }

    /// Releases the blocked lanes that `which` selects: one permit of the semaphore each waits
    /// on. (A lane blocked joining another is released by that one's exit.)
    fn interrupt(&self, which: impl Fn(&World<Self::Shared>) -> Vec<LaneId>) {
        let waits: Vec<Wait> = self.world(|w| {
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
                B::release(semaphore);
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
        let declared = self.world(|w| {
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
            self.interrupt_all();
            return Err(Interrupted::Hang);
        }
        Ok(())
    }

    /// Marks `lane` running again after a wait, unless the wait ended because the execution
    /// hung or shut down.
    fn resume(&self, lane: LaneId) -> Step<()> {
        self.world(|w| {
            if let Some(why) = w.interruption(lane) {
                return Err(why);
            }
            w.lanes[lane].state = LaneState::Running;
            Ok(())
        })
    }

    /// Takes a permit of `wait`'s semaphore, blocking (visibly to the hang detector) while
    /// there is none; then `then` changes the world.
    fn acquire<R>(
        &self,
        lane: LaneId,
        wait: Wait,
        then: impl FnOnce(&mut World<Self::Shared>) -> R,
    ) -> Step<R> {
        self.register(lane, wait)?;
        B::acquire(self.semaphore(wait).expect("a semaphore wait"));
        self.resume(lane)?;
        Ok(self.world(then))
    }

    /// Takes a permit that the world says is there and that nobody can take first (the caller
    /// holds the token that orders every taker), so this never blocks; then `then`.
    fn take_now<R>(&self, wait: Wait, then: impl FnOnce(&mut World<Self::Shared>) -> R) -> R {
        B::acquire(self.semaphore(wait).expect("a semaphore wait"));
        self.world(then)
    }

    /// `then` changes the world; then a permit of `wait`'s semaphore is returned.
    fn release<R>(&self, wait: Wait, then: impl FnOnce(&mut World<Self::Shared>) -> R) -> R {
        let result = self.world(then);
        B::release(self.semaphore(wait).expect("a semaphore wait"));
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
        self.resume(lane)?;
        self.world(|w| w.record(lane, Op::Joined { lane: target }));
        Ok(())
    }

    /// The main thread's exit, which ends the execution: daemon threads die with it (they
    /// unwind), then every thread is joined so the world is final. Returns the final world.
    fn exit_main(self: Arc<Self>, main: LaneId, result: Step<()>) -> World<Self::Shared> {
        self.world(|w| w.shutdown = true);
        self.finish(main, result);
        self.interrupt(|w| {
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
