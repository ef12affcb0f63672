//! A crossbeam-style MPMC channel (`crossbeam_channel::bounded(C)`): the Rust idiom for the
//! seed's job queue, written against the same runtime as the queue.
//!
//! # What is modelled
//! `send` blocks while the channel holds `C` messages; `recv` blocks while it is empty and a
//! sender is alive, and returns `Err` once it is empty and disconnected; `try_recv` never
//! blocks and returns `Empty` (no message, a sender alive) or `Disconnected` (no message, no
//! sender). Messages sent before the last sender is dropped are still delivered, in FIFO order.
//! `unbounded()` behaves as `bounded(C)` for any `C` no run fills (the harness sends `J`
//! messages, so any `C >= J`). The pure state machine is [`ChannelState`]; the differential
//! tests check it against `crossbeam_channel` itself.
//!
//! crossbeam linearises each operation at one atomic step (a send when it reserves its slot, a
//! receive when it claims the head, a disconnect when the last sender marks the channel), so
//! one step per operation hides no outcome an operation can return.
//!
//! # Waits and what the checker sees
//! As in the queue (see `crate::model::queue`), waits are semaphores: `ready` holds one permit
//! per message, plus one once the channel is disconnected (a receiver that finds only that
//! permit hands it on and returns `Err`: every receiver blocked in `recv` wakes, as crossbeam's
//! `SyncWaker::disconnect` wakes them all); `room` holds one per free slot. With
//! [`Observed::Nothing`] (receivers only block in `recv`), sends and receives commute for the
//! checker except with their own kind. `try_recv` observes the channel without waiting, so with
//! [`Observed::Pipe`] every operation also takes the gate, as the queue's polls do. Which waiter
//! a message wakes is the checker's choice, a superset of crossbeam's (which wakes the oldest,
//! though a woken receiver still competes with receivers that never slept).

use super::runtime::{Host, Runtime, Step};
use super::trace::{ChannelSnapshot, Op, Received, Snapshot};
use super::types::{Item, LaneId, Observed, Wait};
use super::world::{Structure, World};
use crate::sync::Backend;
use std::collections::VecDeque;
use std::sync::Arc;

/// A crossbeam-style MPMC channel (`crossbeam_channel::bounded(capacity)`) as a pure state
/// machine: each method is one operation as the channel linearises it. [`Channel`] runs them
/// as steps of the model; the differential tests run them against `crossbeam_channel` itself.
///
/// Receivers are not counted: every harness keeps a receiver until the end (the main thread's
/// own `rx`), so `send` never meets a channel without receivers and `SendError` cannot arise.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct ChannelState {
    /// Messages the channel holds at most.
    pub capacity: usize,
    /// Messages sent and not yet received, oldest first.
    pub items: VecDeque<Item>,
    /// Live `Sender`s. The channel is disconnected when it reaches 0; it never comes back.
    pub senders: usize,
}

/// Why `try_send` did not send.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum TrySendError {
    /// The channel held `capacity` messages.
    Full,
}

/// Why `try_recv` returned no message.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum TryRecvError {
    /// No message now, but a sender is still alive: one may still come.
    Empty,
    /// No message and no sender: none will ever come.
    Disconnected,
}

/// `recv()` found the channel empty and disconnected (`crossbeam_channel::RecvError`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct RecvError;

impl ChannelState {
    /// A channel with one sender, as `bounded(capacity)` returns it.
    pub fn new(capacity: usize) -> ChannelState {
        ChannelState {
            capacity,
            items: VecDeque::new(),
            senders: 1,
        }
    }

    pub fn is_full(&self) -> bool {
        self.items.len() >= self.capacity
    }

    pub fn is_disconnected(&self) -> bool {
        self.senders == 0
    }

    /// Whether `recv()` would return now: a message is there, or none can ever come.
    pub fn recv_ready(&self) -> bool {
        !self.items.is_empty() || self.is_disconnected()
    }

    /// `Sender::try_send`: appends unless the channel is full. A sender exists (the caller
    /// holds it), so the channel is not disconnected.
    pub fn try_send(&mut self, item: Item) -> Result<(), TrySendError> {
        assert!(self.senders > 0, "send without a live sender");
        if self.is_full() {
            return Err(TrySendError::Full);
        }
        self.items.push_back(item);
        Ok(())
    }

    /// `Receiver::try_recv`: the oldest message; else `Disconnected` if no sender is left,
    /// else `Empty`. Messages sent before the last sender went are still delivered.
    pub fn try_recv(&mut self) -> Result<Item, TryRecvError> {
        match self.items.pop_front() {
            Some(item) => Ok(item),
            None if self.is_disconnected() => Err(TryRecvError::Disconnected),
            None => Err(TryRecvError::Empty),
        }
    }

    /// `Sender::clone`. No catalog protocol clones its sender; the differential tests do.
    #[cfg_attr(not(test), allow(dead_code))]
    pub fn clone_sender(&mut self) {
        assert!(self.senders > 0, "clone of a dropped sender");
        self.senders += 1;
    }

    /// `drop(Sender)`; returns true if it was the last one (the channel is now disconnected).
    pub fn drop_sender(&mut self) -> bool {
        self.senders = self.senders.checked_sub(1).expect("no sender left to drop");
        self.senders == 0
    }
}

impl Structure for ChannelState {
    fn holds(&self, wait: Wait) -> bool {
        match wait {
            Wait::ChannelReady => self.recv_ready(),
            Wait::ChannelRoom => !self.is_full(),
            _ => false,
        }
    }

    /// A channel's state column: its messages and live senders (a channel world has no
    /// buffers, pipe or reader lock, which stay empty).
    fn snapshot(&self, blocked: Vec<(LaneId, Wait)>) -> Snapshot {
        Snapshot {
            buffers: Vec::new(),
            pipe: Vec::new(),
            reader: None,
            channel: Some(ChannelSnapshot {
                items: self.items.iter().copied().collect(),
                senders: self.senders,
            }),
            blocked,
        }
    }

    fn leftover(&self) -> Vec<Item> {
        self.items.iter().copied().collect()
    }
}

/// The channel, the threads using it, and the world they share.
pub(crate) struct Channel<B: Backend> {
    runtime: Runtime<B, ChannelState>,
    observed: Observed,
    /// Permits = messages, plus one once disconnected.
    ready: B::Semaphore,
    /// Permits = free slots.
    room: B::Semaphore,
    /// Makes `try_recv` and the operations it observes conflict.
    gate: B::Mutex,
}

impl<B: Backend> Host<B> for Channel<B> {
    type Shared = ChannelState;

    fn runtime(&self) -> &Runtime<B, ChannelState> {
        &self.runtime
    }

    fn into_runtime(self) -> Runtime<B, ChannelState> {
        self.runtime
    }

    fn semaphore(&self, wait: Wait) -> Option<&B::Semaphore> {
        match wait {
            Wait::ChannelReady => Some(&self.ready),
            Wait::ChannelRoom => Some(&self.room),
            _ => None,
        }
    }
}

impl<B: Backend> Channel<B> {
    /// `bounded(capacity)` with its one sender. `observed` is [`Observed::Pipe`] if any
    /// receiver uses `try_recv`.
    pub fn new(capacity: usize, observed: Observed, record_states: bool) -> Arc<Self> {
        Arc::new(Channel {
            runtime: Runtime::new(World::new(ChannelState::new(capacity), record_states)),
            observed,
            ready: B::new_semaphore(0),
            room: B::new_semaphore(capacity),
            gate: B::new_mutex(),
        })
    }

    /// The gate, if operations must be seen together with `try_recv`.
    fn gate(&self) -> Option<B::Guard<'_>> {
        (self.observed != Observed::Nothing).then(|| B::lock(&self.gate))
    }

    /// `Sender::send`: waits while the channel is full, then appends.
    pub fn send(&self, lane: LaneId, item: Item) -> Step<()> {
        self.acquire(lane, Wait::ChannelRoom, |_| ())?;
        let _gate = self.gate();
        self.release(Wait::ChannelReady, |w| {
            w.shared.try_send(item).expect("a permit per free slot");
            w.record(lane, Op::Send { item });
        });
        Ok(())
    }

    /// `Sender::try_send`: appends, or `Full` at once. No catalog protocol uses it; the
    /// differential tests do.
    #[cfg_attr(not(test), allow(dead_code))]
    pub fn try_send(&self, lane: LaneId, item: Item) -> Result<(), TrySendError> {
        let _gate = B::lock(&self.gate);
        let full = self.world(|w| w.shared.is_full());
        if full {
            self.world(|w| w.record(lane, Op::TrySend { item, sent: false }));
            return Err(TrySendError::Full);
        }
        self.take_now(Wait::ChannelRoom, |_| ());
        self.release(Wait::ChannelReady, |w| {
            w.shared.try_send(item).expect("checked not full");
            w.record(lane, Op::TrySend { item, sent: true });
        });
        Ok(())
    }

    /// `Receiver::recv`: waits while the channel is empty and a sender is alive; then the
    /// oldest message, or `RecvError` if the channel is empty and disconnected.
    pub fn recv(&self, lane: LaneId) -> Step<Result<Item, RecvError>> {
        self.acquire(lane, Wait::ChannelReady, |_| ())?;
        let _gate = self.gate();
        let received = self.world(|w| {
            let received = w.shared.try_recv();
            let op = match received {
                Ok(item) => Received::Item { item },
                Err(TryRecvError::Disconnected) => Received::Disconnected,
                Err(TryRecvError::Empty) => unreachable!("a permit per message"),
            };
            w.record(lane, Op::Recv { received: op });
            received
        });
        match received {
            Ok(item) => {
                self.release(Wait::ChannelRoom, |_| ());
                Ok(Ok(item))
            }
            Err(_) => {
                // Hand the disconnect on to the next receiver.
                self.release(Wait::ChannelReady, |_| ());
                Ok(Err(RecvError))
            }
        }
    }

    /// `Receiver::try_recv`: the oldest message, or `Empty` (no message, a sender alive), or
    /// `Disconnected` (no message, no sender), at once.
    pub fn try_recv(&self, lane: LaneId) -> Result<Item, TryRecvError> {
        assert_ne!(
            self.observed,
            Observed::Nothing,
            "try_recv needs the channel built with Observed::Pipe"
        );
        let _gate = B::lock(&self.gate);
        let has_message = self.world(|w| !w.shared.items.is_empty());
        // Recorded in the same world section as the receive, so that no other thread's event
        // shows the message gone before this one says it was taken.
        let receive = |w: &mut World<ChannelState>| {
            let received = w.shared.try_recv();
            let op = match received {
                Ok(item) => Received::Item { item },
                Err(TryRecvError::Empty) => Received::Empty,
                Err(TryRecvError::Disconnected) => Received::Disconnected,
            };
            w.record(lane, Op::TryRecv { received: op });
            received
        };
        if has_message {
            let received = self.take_now(Wait::ChannelReady, receive);
            debug_assert!(received.is_ok(), "checked non-empty");
            self.release(Wait::ChannelRoom, |_| ());
            received
        } else {
            self.world(receive)
        }
    }

    /// `Sender::clone`. No catalog protocol uses it; the differential tests do.
    #[cfg_attr(not(test), allow(dead_code))]
    pub fn clone_sender(&self, lane: LaneId) {
        let _gate = self.gate();
        self.world(|w| {
            w.shared.clone_sender();
            w.record(lane, Op::CloneSender);
        });
    }

    /// `drop(Sender)`. Dropping the last sender disconnects the channel: one permit of `ready`
    /// that every blocked receiver will pass on.
    pub fn drop_sender(&self, lane: LaneId) {
        let _gate = self.gate();
        let disconnected = self.world(|w| {
            let disconnected = w.shared.drop_sender();
            w.record(lane, Op::DropSender { disconnected });
            disconnected
        });
        if disconnected {
            self.release(Wait::ChannelReady, |_| ());
        }
    }
}

/// Differential tests: the model's channel against `crossbeam_channel` itself. Random
/// single-threaded sequences of `send`, `try_send`, `recv`, `try_recv`, `Sender::clone` and
/// `drop(Sender)` on `bounded(C)` and `unbounded()`, run step by step on the model ([`Channel`]
/// on real threads, one thread) and on crossbeam; every result and the length after every step
/// must agree. A blocking call that would block forever (`send` on a full channel, `recv` on an
/// empty connected one) is where the model's hang detector fires (the only thread is blocked)
/// and where crossbeam's `send_timeout`/`recv_timeout` time out; the sequence ends there.
#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Role;
    use crate::model::world::Interrupted;
    use crate::sync::StdThreads;
    use crossbeam_channel::{
        RecvTimeoutError, SendTimeoutError, Sender, TryRecvError as CbTryRecv,
        TrySendError as CbTrySend,
    };
    use proptest::prelude::*;
    use std::time::Duration;

    /// Long enough that a crossbeam call that could complete does; short enough for many cases.
    const BLOCKED: Duration = Duration::from_millis(1);

    #[derive(Clone, Copy, Debug)]
    enum Action {
        Send,
        TrySend,
        Recv,
        TryRecv,
        CloneSender,
        DropSender,
    }

    fn action() -> impl Strategy<Value = Action> {
        prop_oneof![
            4 => Just(Action::Send),
            3 => Just(Action::TrySend),
            2 => Just(Action::Recv),
            4 => Just(Action::TryRecv),
            1 => Just(Action::CloneSender),
            1 => Just(Action::DropSender),
        ]
    }

    /// `None`: `unbounded()`.
    fn capacity() -> impl Strategy<Value = Option<usize>> {
        prop_oneof![Just(None), (1usize..=4).prop_map(Some)]
    }

    /// A result in a form both sides produce.
    #[derive(Debug, PartialEq, Eq)]
    enum Seen {
        Sent,
        Full,
        Got(u32),
        Empty,
        Disconnected,
        /// The call would block forever.
        Blocks,
        /// The action needs a sender and none is left: skipped on both sides.
        Skipped,
    }

    fn job(item: Item) -> u32 {
        match item {
            Item::Job(job) => job,
            other => panic!("only jobs are sent, got {other:?}"),
        }
    }

    /// Runs `actions` on both channels; returns the results side by side (model, crossbeam) and
    /// the lengths after each step.
    fn run_both(
        capacity: Option<usize>,
        actions: &[Action],
    ) -> Vec<(Action, Seen, Seen, usize, usize)> {
        // `unbounded()`: a capacity no sequence here fills.
        let model = Channel::<StdThreads>::new(capacity.unwrap_or(1 << 20), Observed::Pipe, false);
        let main = model.world(|w| w.add_lane(Role::Producer(0), "main".into(), false));
        let (tx, rx) = match capacity {
            Some(c) => crossbeam_channel::bounded(c),
            None => crossbeam_channel::unbounded(),
        };
        let mut senders: Vec<Sender<u32>> = vec![tx];
        let mut next = 0u32;
        let mut steps = Vec::new();
        let mut hung = false;
        for &action in actions {
            let needs_sender = matches!(
                action,
                Action::Send | Action::TrySend | Action::CloneSender | Action::DropSender
            );
            let (ours, theirs) = if needs_sender && senders.is_empty() {
                (Seen::Skipped, Seen::Skipped)
            } else {
                match action {
                    Action::Send => {
                        next += 1;
                        let ours = match model.send(main, Item::Job(next)) {
                            Ok(()) => Seen::Sent,
                            Err(Interrupted::Hang) => Seen::Blocks,
                            Err(other) => panic!("{other:?}"),
                        };
                        let theirs = match senders[0].send_timeout(next, BLOCKED) {
                            Ok(()) => Seen::Sent,
                            Err(SendTimeoutError::Timeout(_)) => Seen::Blocks,
                            Err(SendTimeoutError::Disconnected(_)) => panic!("a receiver is alive"),
                        };
                        (ours, theirs)
                    }
                    Action::TrySend => {
                        next += 1;
                        let ours = match model.try_send(main, Item::Job(next)) {
                            Ok(()) => Seen::Sent,
                            Err(TrySendError::Full) => Seen::Full,
                        };
                        let theirs = match senders[0].try_send(next) {
                            Ok(()) => Seen::Sent,
                            Err(CbTrySend::Full(_)) => Seen::Full,
                            Err(CbTrySend::Disconnected(_)) => panic!("a receiver is alive"),
                        };
                        (ours, theirs)
                    }
                    Action::Recv => {
                        let ours = match model.recv(main) {
                            Ok(Ok(item)) => Seen::Got(job(item)),
                            Ok(Err(RecvError)) => Seen::Disconnected,
                            Err(Interrupted::Hang) => Seen::Blocks,
                            Err(other) => panic!("{other:?}"),
                        };
                        let theirs = match rx.recv_timeout(BLOCKED) {
                            Ok(job) => Seen::Got(job),
                            Err(RecvTimeoutError::Disconnected) => Seen::Disconnected,
                            Err(RecvTimeoutError::Timeout) => Seen::Blocks,
                        };
                        (ours, theirs)
                    }
                    Action::TryRecv => {
                        let ours = match model.try_recv(main) {
                            Ok(item) => Seen::Got(job(item)),
                            Err(TryRecvError::Empty) => Seen::Empty,
                            Err(TryRecvError::Disconnected) => Seen::Disconnected,
                        };
                        let theirs = match rx.try_recv() {
                            Ok(job) => Seen::Got(job),
                            Err(CbTryRecv::Empty) => Seen::Empty,
                            Err(CbTryRecv::Disconnected) => Seen::Disconnected,
                        };
                        (ours, theirs)
                    }
                    Action::CloneSender => {
                        model.clone_sender(main);
                        senders.push(senders[0].clone());
                        (Seen::Sent, Seen::Sent)
                    }
                    Action::DropSender => {
                        model.drop_sender(main);
                        senders.pop();
                        (Seen::Sent, Seen::Sent)
                    }
                }
            };
            hung = ours == Seen::Blocks;
            let ours_len = model.world(|w| w.shared.items.len());
            steps.push((action, ours, theirs, ours_len, rx.len()));
            if hung {
                break;
            }
        }
        let result = if hung { Err(Interrupted::Hang) } else { Ok(()) };
        let world = model.exit_main(main, result);
        assert_eq!(world.hang.is_some(), hung);
        steps
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(300))]

        #[test]
        fn the_model_channel_answers_every_operation_as_crossbeam_does(
            capacity in capacity(),
            actions in prop::collection::vec(action(), 0..40),
        ) {
            for (index, (action, ours, theirs, ours_len, theirs_len)) in
                run_both(capacity, &actions).into_iter().enumerate()
            {
                prop_assert_eq!(
                    &ours, &theirs,
                    "step {} ({:?}) on {:?}: {:?}", index, action, capacity, actions
                );
                prop_assert_eq!(ours_len, theirs_len, "length after step {}", index);
            }
        }

    }
}
