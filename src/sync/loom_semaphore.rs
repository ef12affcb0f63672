//! loom's semaphore: a `loom::sync::mpsc` channel of `()`, one message per permit. Why a
//! channel (loom's DPOR treats its sends and receives as independent, which is a semaphore's
//! commutativity) is argued once, in the module doc of `crate::sync` and in docs/model.md,
//! section 6 ("Which steps conflict").

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
