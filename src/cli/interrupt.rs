//! Ctrl-C: the first stops the search between executions (the library's `Options::stop`),
//! which then reports what it covered; a second one quits at once.
//!
//! The handler comes from the `ctrlc` crate: it runs on a thread of its own (so it may do
//! more than a signal handler could) and works the same on Unix and Windows consoles.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, OnceLock};

/// The exit code of a process that a second Ctrl-C ended (128 + SIGINT, as a shell reports).
const QUIT: i32 = 130;

/// The flag Ctrl-C raises, for `Options::stop`: one per process, so that every search of a
/// command (`reproduce` runs two) stops, and the handler is installed once. If it cannot be
/// installed, searches simply cannot be interrupted gracefully (Ctrl-C then ends the process
/// as usual).
pub fn stop_flag() -> Arc<AtomicBool> {
    static STOP: OnceLock<Arc<AtomicBool>> = OnceLock::new();
    Arc::clone(STOP.get_or_init(|| {
        let stop = Arc::new(AtomicBool::new(false));
        let raised = Arc::clone(&stop);
        let _ = ctrlc::set_handler(move || {
            if raised.swap(true, Ordering::SeqCst) {
                std::process::exit(QUIT);
            }
            eprintln!(
                "drainproof: interrupted: stopping after the current execution (Ctrl-C again to \
                 quit at once)"
            );
        });
        stop
    }))
}
