//! loom's semaphore: a `loom::sync::mpsc` channel of `()`, one message per permit. Why a
//! channel (loom's DPOR treats its sends and receives as independent, which is a semaphore's
//! commutativity) is argued once, in the module doc of `crate::sync` and in docs/model.md,
//! section 6 ("Which steps conflict").
//!
//! The permits' stamps ([`Stamps`]) live beside the channel in a `std` mutex that loom does not
//! see. They are updated right *after* the send or the receive, with no loom operation in
//! between: loom runs a thread from one of its operations to the next without switching, so
//! the `k`-th stamp released is the `k`-th message sent and the `k`-th taken the `k`-th
//! received, exactly as loom's own channel orders them.

use crate::sync::{Stamp, Stamps, lock};

/// A counting semaphore under loom.
pub struct Semaphore<S> {
    release: loom::sync::mpsc::Sender<()>,
    acquire: loom::sync::mpsc::Receiver<()>,
    stamps: std::sync::Mutex<Stamps<S>>,
}

// SAFETY: loom runs every model thread on one OS thread, switching only inside its own
// primitives, so two model threads never touch the receiver at the same time. `Receiver` is
// `!Sync` only because std's (which loom wraps, always with a message present when it is read)
// is. The semaphore exists only inside `loom::model` (the `Loom` backend).
unsafe impl<S: Send> Sync for Semaphore<S> {}

impl<S: Stamp> Semaphore<S> {
    pub fn new(permits: usize) -> Self {
        let (release, acquire) = loom::sync::mpsc::channel();
        for _ in 0..permits {
            release
                .send(())
                .expect("the receiver lives in the same struct");
        }
        Semaphore {
            release,
            acquire,
            stamps: std::sync::Mutex::new(Stamps::new(permits)),
        }
    }

    pub fn acquire(&self) -> S {
        self.acquire
            .recv()
            .expect("the sender lives in the same struct");
        lock(&self.stamps)
            .take()
            .expect("a stamp per message received")
    }

    pub fn release(&self, stamp: S) {
        self.release
            .send(())
            .expect("the receiver lives in the same struct");
        lock(&self.stamps).release(&stamp);
    }
}
