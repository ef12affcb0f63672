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
                        let mut permits = $crate::sync::unpoisoned(self.permits.lock());
                        while *permits == 0 {
                            permits = $crate::sync::unpoisoned(self.available.wait(permits));
                        }
                        *permits -= 1;
                    }

                    pub fn release(&self) {
                        *$crate::sync::unpoisoned(self.permits.lock()) += 1;
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
                    $crate::sync::unpoisoned(mutex.lock())
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
