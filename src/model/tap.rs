//! A tap on the model's recording, for a scheduler that steers an execution by what the model
//! has done so far (the bfs checker's counterexample follower, `crate::check::bfs::follow`).
//!
//! While a tap is open on an OS thread, every lane registered and every event recorded on that
//! thread is copied into it, as it happens. loom and shuttle run all the model's threads on the
//! OS thread that runs the checker, so a tap opened there sees the whole execution, and a
//! shuttle `Scheduler` (called on the same thread between steps) can read it. No tap is open
//! otherwise: recording then costs one thread-local check. This is the smallest hook that lets
//! a scheduler see the trace grow: the world itself is created inside the execution, out of a
//! scheduler's reach.

use super::trace::Op;
use super::types::LaneId;
use std::cell::RefCell;

/// What a tap has seen of the execution in progress.
#[derive(Clone, Debug, Default)]
pub struct Tapped {
    /// Lane names, by lane.
    pub lanes: Vec<String>,
    /// Events, in order: the lane and what it did (no state).
    pub events: Vec<(LaneId, Op)>,
}

thread_local! {
    static TAP: RefCell<Option<Tapped>> = const { RefCell::new(None) };
}

/// Opens a fresh tap on this thread (dropping what an earlier one saw).
pub fn open() {
    TAP.with(|tap| *tap.borrow_mut() = Some(Tapped::default()));
}

/// Closes the tap, returning what it saw.
pub fn close() -> Option<Tapped> {
    TAP.with(|tap| tap.borrow_mut().take())
}

/// Reads the open tap, if there is one.
pub fn read<R>(f: impl FnOnce(&Tapped) -> R) -> Option<R> {
    TAP.with(|tap| tap.borrow().as_ref().map(f))
}

pub(super) fn lane(name: &str) {
    TAP.with(|tap| {
        if let Some(tapped) = tap.borrow_mut().as_mut() {
            tapped.lanes.push(name.to_string());
        }
    });
}

pub(super) fn event(lane: LaneId, op: Op) {
    TAP.with(|tap| {
        if let Some(tapped) = tap.borrow_mut().as_mut() {
            tapped.events.push((lane, op));
        }
    });
}
