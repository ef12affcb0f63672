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

use super::queue::Observed;
use super::runtime::{Host, Runtime, Step};
use super::trace::{Op, Received};
use super::world::{ChannelState, Item, LaneId, TryRecvError, TrySendError, Wait, World};
use crate::sync::Backend;
use std::sync::Arc;

/// `recv()` found the channel empty and disconnected (`crossbeam_channel::RecvError`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RecvError;

/// The channel, the threads using it, and the world they share.
pub struct Channel<B: Backend> {
    runtime: Runtime<B>,
    observed: Observed,
    /// Permits = messages, plus one once disconnected.
    ready: B::Semaphore,
    /// Permits = free slots.
    room: B::Semaphore,
    /// Makes `try_recv` and the operations it observes conflict.
    gate: B::Mutex,
}

impl<B: Backend> Host<B> for Channel<B> {
    fn runtime(&self) -> &Runtime<B> {
        &self.runtime
    }

    fn into_runtime(self) -> Runtime<B> {
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
            runtime: Runtime::new(World::with_channel(capacity, record_states)),
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
            w.channel().try_send(item).expect("a permit per free slot");
            w.record(lane, Op::Send { item });
        });
        Ok(())
    }

    /// `Sender::try_send`: appends, or `Full` at once.
    pub fn try_send(&self, lane: LaneId, item: Item) -> Result<(), TrySendError> {
        let _gate = B::lock(&self.gate);
        let full = self.world(|w| w.channel().is_full());
        if full {
            self.world(|w| w.record(lane, Op::TrySend { item, sent: false }));
            return Err(TrySendError::Full);
        }
        self.take_now(Wait::ChannelRoom, |_| ());
        self.release(Wait::ChannelReady, |w| {
            w.channel().try_send(item).expect("checked not full");
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
            let received = w.channel().try_recv();
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
        let has_message = self.world(|w| !w.channel().items.is_empty());
        // Recorded in the same world section as the receive, so that no other thread's event
        // shows the message gone before this one says it was taken.
        let receive = |w: &mut World| {
            let received = w.channel().try_recv();
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

    /// `Sender::clone`.
    pub fn clone_sender(&self, lane: LaneId) {
        let _gate = self.gate();
        self.world(|w| {
            w.channel().clone_sender();
            w.record(lane, Op::CloneSender);
        });
    }

    /// `drop(Sender)`. Dropping the last sender disconnects the channel: one permit of `ready`
    /// that every blocked receiver will pass on.
    pub fn drop_sender(&self, lane: LaneId) {
        let _gate = self.gate();
        let disconnected = self.world(|w| {
            let disconnected = w.channel().drop_sender();
            w.record(lane, Op::DropSender { disconnected });
            disconnected
        });
        if disconnected {
            self.release(Wait::ChannelReady, |_| ());
        }
    }

    /// The channel's state now (for tests).
    pub fn state(&self) -> ChannelState {
        let _gate = B::lock(&self.gate);
        self.world(|w| w.channel().clone())
    }
}
