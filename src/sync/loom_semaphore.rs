//! loom's semaphore: a `loom::sync::mpsc` channel of `()`, one message per permit.
//!
//! Why a channel: loom's DPOR treats a channel's sends and receives as independent of each
//! other (`rt/mpsc.rs`: a send's dependent access is the last send, a receive's the last
//! receive), so releasing and acquiring permits commute, and a receiver blocked on an empty
//! channel is disabled until a send enables it. That is exactly a semaphore's commutativity,
//! and it is what keeps the feeder and the workers from multiplying each other's interleavings.

/// A counting semaphore under loom.
pub struct Semaphore {
    release: loom::sync::mpsc::Sender<()>,
    acquire: loom::sync::mpsc::Receiver<()>,
}

// SAFETY: loom runs every model thread on one OS thread, switching only inside its own
// primitives, so two model threads never touch the receiver at the same time. `Receiver` is
// `!Sync` only because std's (which loom wraps, always with a message present when it is read)
// is. The semaphore exists only inside `loom::model` (the `Loom` backend).
unsafe impl Sync for Semaphore {}

impl Semaphore {
    pub fn new(permits: usize) -> Self {
        let (release, acquire) = loom::sync::mpsc::channel();
        for _ in 0..permits {
            release
                .send(())
                .expect("the receiver lives in the same struct");
        }
        Semaphore { release, acquire }
    }

    pub fn acquire(&self) {
        self.acquire
            .recv()
            .expect("the sender lives in the same struct");
    }

    pub fn release(&self) {
        self.release
            .send(())
            .expect("the receiver lives in the same struct");
    }
}
