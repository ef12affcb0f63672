//! One implementation of [`Backend`](super::Backend) for the three libraries, whose
//! `Mutex`/`Condvar`/`thread` APIs mirror `std`'s. A macro rather than three near-copies: the
//! backends differ only in the paths they import from, and in loom's semaphore
//! (`super::loom_semaphore`).

macro_rules! implement_backend {
    // std and shuttle: the semaphore is a counter under the backend's own mutex and condvar.
    ($(#[$attr:meta])* $name:ident : $sync:path, $thread:path) => {
        implement_backend! {
            $(#[$attr])* $name: $sync, $thread,
            reduces = false,
            semaphore = {
                pub struct Semaphore<S> {
                    stamps: sync::Mutex<$crate::sync::Stamps<S>>,
                    available: sync::Condvar,
                }

                impl<S: $crate::sync::Stamp> Semaphore<S> {
                    pub fn new(permits: usize) -> Self {
                        Semaphore {
                            stamps: sync::Mutex::new($crate::sync::Stamps::new(permits)),
                            available: sync::Condvar::new(),
                        }
                    }

                    pub fn acquire(&self) -> S {
                        let mut stamps = $crate::sync::unpoisoned(self.stamps.lock());
                        loop {
                            if let Some(stamp) = stamps.take() {
                                return stamp;
                            }
                            stamps = $crate::sync::unpoisoned(self.available.wait(stamps));
                        }
                    }

                    pub fn release(&self, stamp: S) {
                        $crate::sync::unpoisoned(self.stamps.lock()).release(&stamp);
                        self.available.notify_one();
                    }
                }
            }
        }
    };
    ($(#[$attr:meta])* $name:ident : $sync:path, $thread:path, reduces = $reduces:literal, semaphore = { $($semaphore:item)* }) => {
        $(#[$attr])*
        #[derive(Debug, Clone, Copy, Default)]
        pub struct $name;

        $(#[$attr])*
        const _: () = {
            use $sync as sync;
            use $thread as thread;

            $($semaphore)*

            impl $crate::sync::Backend for $name {
                type Mutex = sync::Mutex<()>;
                type Guard<'a> = sync::MutexGuard<'a, ()>;
                type Semaphore<S: $crate::sync::Stamp> = Semaphore<S>;
                type JoinHandle = thread::JoinHandle<()>;

                const REDUCES: bool = $reduces;

                fn new_mutex() -> Self::Mutex {
                    sync::Mutex::new(())
                }
                fn lock(mutex: &Self::Mutex) -> Self::Guard<'_> {
                    $crate::sync::unpoisoned(mutex.lock())
                }
                fn new_semaphore<S: $crate::sync::Stamp>(permits: usize) -> Self::Semaphore<S> {
                    Semaphore::new(permits)
                }
                fn acquire<S: $crate::sync::Stamp>(semaphore: &Self::Semaphore<S>) -> S {
                    semaphore.acquire()
                }
                fn release<S: $crate::sync::Stamp>(semaphore: &Self::Semaphore<S>, stamp: S) {
                    semaphore.release(stamp);
                }
                fn spawn(name: String, body: impl FnOnce() + Send + 'static) -> Self::JoinHandle {
                    thread::Builder::new()
                        .name(name)
                        .spawn(body)
                        .expect(concat!(stringify!($name), " could not start a thread"))
                }
                fn join(handle: Self::JoinHandle) {
                    if let Err(panic) = handle.join() {
                        std::panic::resume_unwind(panic);
                    }
                }
            }
        };
    };
}
