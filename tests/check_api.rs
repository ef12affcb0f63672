//! The library's own refusals and limits, without the command line: a property that does not
//! apply, no property at all, and a stop flag.

use drainproof::{
    CheckError, Checker, Coverage, Options, Property, Protocol, Scenario, Verdict, check,
};
use std::sync::Arc;
use std::sync::atomic::AtomicBool;

#[test]
fn check_refuses_a_property_that_does_not_apply() {
    let scenario = Scenario::new(Protocol::ChannelTryRecv, 2, 2, 1);
    let error = check(
        &scenario,
        &[Property::NoLostJob, Property::SeedCheckSound],
        Checker::pct(10, 0),
        Options::default(),
    )
    .unwrap_err();
    assert_eq!(
        error,
        CheckError::DoesNotApply {
            property: Property::SeedCheckSound,
            protocol: Protocol::ChannelTryRecv
        }
    );
    assert_eq!(
        error.to_string(),
        "seed_check_sound does not apply to channel-try-recv; the properties that do: \
         no_lost_job, no_duplicate, termination"
    );
}

#[test]
fn check_refuses_to_check_nothing() {
    let scenario = Scenario::new(Protocol::Sentinel, 1, 1, 1);
    let error = check(&scenario, &[], Checker::pct(10, 0), Options::default()).unwrap_err();
    assert_eq!(error, CheckError::NoProperties);
}

#[test]
fn a_raised_stop_flag_stops_a_search_before_its_first_execution() {
    let scenario = Scenario::new(Protocol::Sentinel, 2, 2, 1);
    let options = Options {
        stop: Some(Arc::new(AtomicBool::new(true))),
        ..Options::default()
    };
    let report = check(&scenario, &Property::DRAIN, Checker::pct(100, 0), options).unwrap();
    assert_eq!(
        report.verdict,
        Verdict::Inconclusive {
            reason: "the search was interrupted after 0 executions".into()
        }
    );
    assert_eq!(
        report.coverage,
        Coverage::Sampled {
            executions: 0,
            asked: 100,
            cut: true
        }
    );
    assert_eq!(report.bounds(), "0 of 100 schedules, seed 0, depth 3");
}
