//! Faults seeded into the model on purpose, to show that the checks guarding loom's reduction
//! bite (docs/model.md, section 3.12): each makes loom "prove" something false, or hides a
//! behaviour, and a test shows the race check or the complete enumeration catching it
//! (`crate::check::enumeration`).
//!
//! Only unit tests can switch a fault on (`inject`); in every other build [`active`] is
//! `false`, a constant the compiler folds away, so no fault ships.

/// A seeded fault.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Fault {
    /// A blocking read pops the pipe last-in-first-out when it holds more than one item.
    PipeLifo,
    /// `joinable`'s worker calls `task_done()` before processing its job.
    TaskDoneFirst,
    /// `get_nowait()` polls without the gate and answers `Empty` from that poll (an item it
    /// saw is read under the gate, after a second poll).
    UngatedGetNowait,
    /// `empty()` polls without the gate.
    UngatedEmpty,
    /// The feeder writes to the pipe without the gate.
    UngatedWrite,
    /// `get(timeout=t)` never waits: it gives up where it would block, like `get_nowait()`.
    TimedGetNeverWaits,
}

/// Whether `fault` is switched on (never, outside unit tests).
pub(crate) fn active(fault: Fault) -> bool {
    #[cfg(test)]
    {
        ACTIVE.get() == Some(fault)
    }
    #[cfg(not(test))]
    {
        let _ = fault;
        false
    }
}

#[cfg(test)]
thread_local! {
    /// Read on this OS thread only: loom, shuttle and the enumerating backend run every model
    /// thread on the thread that runs the search.
    static ACTIVE: std::cell::Cell<Option<Fault>> = const { std::cell::Cell::new(None) };
}

/// Runs `f` with `fault` switched on (on this OS thread). The tests that do compare loom with
/// the complete enumeration, so they need the `loom` feature.
#[cfg(all(test, feature = "loom"))]
pub(crate) fn inject<R>(fault: Fault, f: impl FnOnce() -> R) -> R {
    struct Off;
    impl Drop for Off {
        fn drop(&mut self) {
            ACTIVE.set(None);
        }
    }
    ACTIVE.set(Some(fault));
    let _off = Off;
    f()
}
