//! One implementation of [`Backend`](super::Backend) for the three libraries, whose
//! `Mutex`/`Condvar`/`thread` APIs mirror `std`'s. A macro rather than three near-copies: the
//! backends differ only in the paths they import from, and in loom's semaphore
//! (`super::loom_semaphore`).

macro_rules! implement_backend {
    // std and shuttle: the semaphore is a counter under the backend's own mutex and condvar.
    ($(#[$attr:meta])* $name:ident : $sync:path, $thread:path) => {
        implement_backend! {
            $(#[$attr])* $name: $sync, $thread,
            semaphore = {
                pub struct Semaphore {
                    permits: sync::Mutex<usize>,
                    available: sync::Condvar,
                }

                impl Semaphore {
                    pub fn new(permits: usize) -> Self {
                        Semaphore {
                            permits: sync::Mutex::new(permits),
                            available: sync::Condvar::new(),
                        }
                    }

                    pub fn acquire(&self) {
                        let mut permits = self.permits.lock().unwrap_or_else(|p| p.into_inner());
                        while *permits == 0 {
                            permits = self
                                .available
                                .wait(permits)
                                .unwrap_or_else(|p| p.into_inner());
                        }
                        *permits -= 1;
                    }

                    pub fn release(&self) {
                        *self.permits.lock().unwrap_or_else(|p| p.into_inner()) += 1;
                        self.available.notify_one();
                    }
                }
            }
        }
    };
    ($(#[$attr:meta])* $name:ident : $sync:path, $thread:path, semaphore = { $($semaphore:item)* }) => {
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
                type Semaphore = Semaphore;
                type JoinHandle = thread::JoinHandle<()>;

                fn new_mutex() -> Self::Mutex {
                    sync::Mutex::new(())
                }
                fn lock(mutex: &Self::Mutex) -> Self::Guard<'_> {
                    // The tokens guard no data, so poisoning carries no broken invariant.
                    mutex.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
                }
                fn new_semaphore(permits: usize) -> Self::Semaphore {
                    Semaphore::new(permits)
                }
                fn acquire(semaphore: &Self::Semaphore) {
                    semaphore.acquire();
                }
                fn release(semaphore: &Self::Semaphore) {
                    semaphore.release();
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
