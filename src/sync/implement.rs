//! One implementation of [`Backend`](super::Backend) for the three libraries, whose
//! `Mutex`/`Condvar`/`thread` APIs mirror `std`'s. A macro rather than three near-copies: the
//! backends differ only in the paths they import from.

macro_rules! implement_backend {
    ($(#[$attr:meta])* $name:ident : $sync:path, $thread:path) => {
        $(#[$attr])*
        #[derive(Debug, Clone, Copy, Default)]
        pub struct $name;

        $(#[$attr])*
        const _: () = {
            use $sync as sync;
            use $thread as thread;

            impl $crate::sync::Backend for $name {
                type Mutex = sync::Mutex<()>;
                type Guard<'a> = sync::MutexGuard<'a, ()>;
                type Thread = thread::Thread;
                type JoinHandle = thread::JoinHandle<()>;

                fn new_mutex() -> Self::Mutex {
                    sync::Mutex::new(())
                }
                fn lock(mutex: &Self::Mutex) -> Self::Guard<'_> {
                    // The tokens guard no data, so poisoning carries no broken invariant.
                    mutex.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
                }
                fn current() -> Self::Thread {
                    thread::current()
                }
                fn park() {
                    thread::park();
                }
                fn unpark(thread: &Self::Thread) {
                    thread.unpark();
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
