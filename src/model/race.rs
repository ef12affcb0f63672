//! The race check: loom's reduction is sound only if the model's shared data is race-free
//! with respect to the synchronisation loom sees (docs/model.md, section 3.12). This module
//! checks that at run time, in every execution loom explores (the backends that reduce
//! nothing skip it: `crate::sync::Backend::REDUCES`).
//!
//! # What is checked
//! The shared data lives in the world, in regions ([`crate::model::tracked`]: a FIFO, a log,
//! a value), and every access to a region says how it *touches* it ([`Touch`]). Each thread
//! carries a vector [`Clock`] that the runtime (`crate::model::runtime`) advances exactly as
//! loom's happens-before does: returning a permit publishes the thread's clock with the permit
//! and taking it joins the clocks of every release up to it (loom's `mpsc`), unlocking a token
//! publishes and locking joins, spawning hands the parent's clock to the child, joining takes
//! the joined thread's final clock. A thread's own component advances after everything it
//! publishes, so what it does after a release is *not* known to the taker.
//!
//! Two accesses of different threads to one region **race** unless
//! - they commute ([`Touch::commutes`]): two observations; appending to a FIFO and taking its
//!   head, when the head was appended before the take (checked on the item itself: see
//!   `Fifo::take_head`); two appends to a log whose order no one reads;
//! - or the first happens before the second (its epoch is in the second's clock);
//! - or they are made in *dependent* steps ([`Step::dependent`]): loom explores both orders of
//!   two steps that start with dependent operations (two locks of one token, two takes or two
//!   returns of one semaphore's permits), whatever their world accesses.
//!
//! A step, for loom, runs from one of its operations to the next (an unlock, a spawn and a
//! world access are not loom operations); [`Step`] is the operation that began the step an
//! access is made in.
//!
//! # Why that is the right condition
//! loom explores every class of executions that differ in the order of dependent operations.
//! Within a class, two accesses ordered by happens-before are ordered the same way in every
//! execution, and two accesses in dependent steps get both orders from loom itself; so if no
//! execution has a race, the results of every access (and so every thread's behaviour, and
//! every final state) are a function of the class, and loom's one execution per class shows
//! them all. Conversely, the first race of an execution is also in every execution of its class
//! up to that point, so loom meets it: a race exists in some execution if and only if loom's
//! search shows one. This is the classic argument that data-race freedom makes exploring
//! synchronisation orders complete; loom's own `UnsafeCell` makes the same check of memory.
//!
//! It subsumes the two conditions docs/model.md states: world effects of loom-independent
//! steps commute (else they race), and no thread writes what another observes in a window loom
//! cannot schedule into, after a release or an unlock and before its next loom operation
//! (the write is after the published clock, so the observer that synchronised with the release
//! does not know it: a race).

use std::cell::RefCell;
use std::fmt;

use super::types::{LaneId, Token, Wait};
use crate::sync::Stamp;

/// A vector clock: per lane, the last epoch of that lane known to happen before.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub(crate) struct Clock(Vec<u32>);

impl Clock {
    /// The component of `lane` (0: nothing of it is known).
    pub fn of(&self, lane: LaneId) -> u32 {
        self.0.get(lane).copied().unwrap_or(0)
    }

    /// Advances `lane`'s own component: what it does next is not known to anyone yet.
    pub fn tick(&mut self, lane: LaneId) {
        if self.0.len() <= lane {
            self.0.resize(lane + 1, 0);
        }
        self.0[lane] += 1;
    }
}

impl Stamp for Clock {
    fn join(&mut self, other: &Self) {
        if self.0.len() < other.0.len() {
            self.0.resize(other.0.len(), 0);
        }
        for (mine, theirs) in self.0.iter_mut().zip(&other.0) {
            *mine = (*mine).max(*theirs);
        }
    }
}

/// The loom operation that began the step a thread is in.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub(crate) enum Step {
    /// The thread's first step, from its start to its first operation.
    Start,
    /// Took a permit of the semaphore of this wait (a channel receive under loom).
    Acquire(Wait),
    /// Returned a permit (a channel send under loom).
    Release(Wait),
    /// Locked a token.
    Lock(Token),
    /// Returned from joining a thread.
    Joined,
}

impl Step {
    /// Whether loom's DPOR treats the operations that begin `self` and `other` as dependent
    /// (loom 0.7.3: a mutex's acquisitions; an `mpsc` channel's sends, and its receives), so
    /// that it explores both orders of the two steps.
    pub fn dependent(self, other: Step) -> bool {
        match (self, other) {
            (Step::Acquire(a), Step::Acquire(b)) | (Step::Release(a), Step::Release(b)) => a == b,
            (Step::Lock(a), Step::Lock(b)) => a == b,
            _ => false,
        }
    }
}

/// How an access touches a region.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub(crate) enum Touch {
    /// Reads it (a poll, a length, a value).
    Observe,
    /// Appends at the tail of a FIFO or a log.
    Append,
    /// Reads or removes the head of a FIFO that holds it.
    TakeHead,
    /// Removes the tail of a FIFO (only a seeded fault does).
    TakeTail,
    /// Writes it.
    Update,
}

/// What a region is, for [`Touch::commutes`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Kind {
    /// A FIFO: the order of appends is read (by whoever takes the head).
    Fifo,
    /// A log: appended to by many, its order across threads read by no one.
    Log,
    /// A single value.
    Value,
}

impl Touch {
    /// Whether two accesses of different threads commute, whatever their order.
    fn commutes(self, other: Touch, kind: Kind) -> bool {
        use Touch::*;
        match (self, other) {
            (Observe, Observe) => true,
            // Checked on the item taken: its append happens before the take (`Fifo::take_head`).
            (Append, TakeHead) | (TakeHead, Append) => kind == Kind::Fifo,
            (Append, Append) => kind == Kind::Log,
            _ => false,
        }
    }
}

/// Two accesses that race.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Race {
    /// The region.
    pub region: &'static str,
    /// The earlier access: its lane, touch and step.
    pub first: (LaneId, Touch, Step),
    /// The later access.
    pub second: (LaneId, Touch, Step),
}

impl fmt::Display for Race {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let (a, at, astep) = self.first;
        let (b, bt, bstep) = self.second;
        write!(
            f,
            "{}: lane {a} ({at:?} in step {astep:?}) and lane {b} ({bt:?} in step {bstep:?}) \
             are ordered neither by happens-before nor by dependent loom operations",
            self.region
        )
    }
}

/// The thread making the current world access.
struct Actor {
    lane: LaneId,
    clock: Clock,
    step: Step,
    race: Option<Race>,
}

thread_local! {
    /// Set for the duration of one world access (`crate::model::runtime::Host::world`), which
    /// never switches threads: under loom, shuttle and the enumerating backend every model
    /// thread runs on this OS thread, one at a time; with real threads each has its own.
    static ACTOR: RefCell<Option<Actor>> = const { RefCell::new(None) };
}

/// Makes `lane` (with its clock and step) the actor of the world access about to run.
pub(crate) fn enter(lane: LaneId, clock: Clock, step: Step) {
    ACTOR.with_borrow_mut(|actor| {
        *actor = Some(Actor {
            lane,
            clock,
            step,
            race: None,
        })
    });
}

/// `lane`'s clock or step changed during the current world access (it took a permit, or its
/// join returned, in the access that goes on to touch the world): the rest of the access is
/// judged by the new ones.
pub(crate) fn moved(lane: LaneId, clock: &Clock, step: Step) {
    ACTOR.with_borrow_mut(|actor| {
        if let Some(actor) = actor.as_mut().filter(|actor| actor.lane == lane) {
            actor.clock.clone_from(clock);
            actor.step = step;
        }
    });
}

/// Ends the world access; returns the first race it made, if any.
pub(crate) fn leave() -> Option<Race> {
    ACTOR.with_borrow_mut(|actor| actor.take().and_then(|actor| actor.race))
}

/// Where the current actor stands: its lane, the epoch of its own clock and its step, if an
/// access is being made (regions used outside a world access, by unit tests of the pure state
/// machines, are not checked).
pub(crate) fn current() -> Option<(LaneId, u32, Step)> {
    ACTOR.with_borrow(|actor| actor.as_ref().map(|a| (a.lane, a.clock.of(a.lane), a.step)))
}

/// Whether `(lane, epoch)` happens before the current access.
pub(crate) fn known(lane: LaneId, epoch: u32) -> bool {
    ACTOR.with_borrow(|actor| {
        actor
            .as_ref()
            .is_none_or(|a| a.lane == lane || epoch <= a.clock.of(lane))
    })
}

/// Records a race of the current access with an earlier one (the first race of the access
/// is kept).
pub(crate) fn report(region: &'static str, first: (LaneId, Touch, Step), touch: Touch) {
    ACTOR.with_borrow_mut(|actor| {
        if let Some(actor) = actor.as_mut() {
            actor.race.get_or_insert(Race {
                region,
                first,
                second: (actor.lane, touch, actor.step),
            });
        }
    });
}

/// The accesses a region has seen that a later access could race with: per lane, touch and
/// step, the last epoch (an earlier access with the same three is before it in its lane, so
/// it happens before whatever the last one happens before).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub(crate) struct History {
    last: Vec<(LaneId, Touch, Step, u32)>,
}

impl History {
    /// Checks an access by the current actor against every earlier one, then remembers it.
    pub fn access(&mut self, region: &'static str, kind: Kind, touch: Touch) {
        ACTOR.with_borrow_mut(|actor| {
            let Some(actor) = actor.as_mut() else { return };
            for &(lane, their_touch, step, epoch) in &self.last {
                let ordered = lane == actor.lane
                    || their_touch.commutes(touch, kind)
                    || epoch <= actor.clock.of(lane)
                    || step.dependent(actor.step);
                if !ordered {
                    actor.race.get_or_insert(Race {
                        region,
                        first: (lane, their_touch, step),
                        second: (actor.lane, touch, actor.step),
                    });
                }
            }
            let epoch = actor.clock.of(actor.lane);
            let me = (actor.lane, touch, actor.step);
            match self
                .last
                .iter_mut()
                .find(|(lane, t, step, _)| (*lane, *t, *step) == me)
            {
                Some(entry) => entry.3 = epoch,
                None => self.last.push((me.0, me.1, me.2, epoch)),
            }
        });
    }
}
