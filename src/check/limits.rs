//! The limits that stop a search before it can answer: `Options::time_limit` and
//! `Options::stop` (an interruption, such as the command line's Ctrl-C). Every checker asks
//! [`Limits::reached`] between executions, never inside one; a search it stops reports what
//! it covered, and without a counterexample its verdict is `inconclusive`.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

/// A check's limits, fixed when it starts.
#[derive(Clone, Debug, Default)]
pub(crate) struct Limits {
    time_limit: Option<Duration>,
    deadline: Option<Instant>,
    stop: Option<Arc<AtomicBool>>,
}

/// Which limit stopped a search.
#[derive(Clone, Copy, Debug, PartialEq)]
pub(crate) enum Limit {
    /// The time limit, in seconds.
    Time(Duration),
    /// The stop flag was raised.
    Interrupted,
}

impl Limits {
    /// Limits that start counting now.
    pub fn new(time_limit: Option<Duration>, stop: Option<Arc<AtomicBool>>) -> Limits {
        Limits {
            time_limit,
            deadline: time_limit.map(|limit| Instant::now() + limit),
            stop,
        }
    }

    /// The limit that has been reached, if any. Once reached, a limit stays reached.
    pub fn reached(&self) -> Option<Limit> {
        if self
            .stop
            .as_ref()
            .is_some_and(|stop| stop.load(Ordering::Relaxed))
        {
            return Some(Limit::Interrupted);
        }
        match (self.time_limit, self.deadline) {
            (Some(limit), Some(deadline)) if Instant::now() >= deadline => Some(Limit::Time(limit)),
            _ => None,
        }
    }
}

impl Limit {
    /// The limit in words: `the time limit (1.5s)`, `an interruption`.
    #[cfg(feature = "z3")]
    pub fn words(self) -> String {
        match self {
            Limit::Time(limit) => format!("the time limit ({}s)", limit.as_secs_f64()),
            Limit::Interrupted => "an interruption".into(),
        }
    }

    /// Why the search stopped, after how much: the reason of an `inconclusive` verdict.
    pub fn reason(self, executions: u64) -> String {
        match self {
            Limit::Time(limit) => format!(
                "the search was stopped at the time limit ({}s) after {executions} executions",
                limit.as_secs_f64()
            ),
            Limit::Interrupted => {
                format!("the search was interrupted after {executions} executions")
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn no_limit_is_never_reached() {
        assert_eq!(Limits::default().reached(), None);
        assert_eq!(
            Limits::new(Some(Duration::from_secs(3600)), None).reached(),
            None
        );
    }

    #[test]
    fn a_passed_deadline_and_a_raised_flag_are_reached() {
        let limits = Limits::new(Some(Duration::ZERO), None);
        assert_eq!(limits.reached(), Some(Limit::Time(Duration::ZERO)));
        let stop = Arc::new(AtomicBool::new(false));
        let limits = Limits::new(None, Some(Arc::clone(&stop)));
        assert_eq!(limits.reached(), None);
        stop.store(true, Ordering::Relaxed);
        assert_eq!(limits.reached(), Some(Limit::Interrupted));
        assert_eq!(
            Limit::Time(Duration::from_millis(1500)).reason(7),
            "the search was stopped at the time limit (1.5s) after 7 executions"
        );
    }
}
