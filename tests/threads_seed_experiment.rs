//! Real threads: the seed's experiment. The sentinel protocol must never lose a job.

use drainproof::{Checker, Options, Property, Protocol, Scenario, check};

#[test]
fn sentinel_loses_nothing_in_three_hundred_real_trials() {
    let scenario = Scenario::new(Protocol::Sentinel, 4, 8, 2);
    let checker = Checker::Threads { trials: 300 };
    let report = check(&scenario, &Property::DRAIN, checker, Options::default()).unwrap();
    let stats = report.trials.expect("threads report trial statistics");
    assert_eq!(stats.trials, 300);
    assert_eq!(stats.drained, 300, "{stats:?}");
    assert!(report.counterexample.is_none());
}

#[test]
fn zero_workers_is_refused() {
    let scenario = Scenario::new(Protocol::Sentinel, 0, 1, 1);
    let checker = Checker::Threads { trials: 1 };
    assert!(check(&scenario, &Property::DRAIN, checker, Options::default()).is_err());
}
