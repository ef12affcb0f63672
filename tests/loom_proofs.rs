//! loom: exhaustive proofs and minimal counterexamples (run with `--features loom`).
#![cfg(feature = "loom")]

use drainproof::check::{CheckError, Verdict};
use drainproof::model::{EmptyCause, Item, Op, Polled};
use drainproof::outcome::Kind;
use drainproof::{Checker, Options, Property, Protocol, Scenario, check, replay};

const UNBOUNDED: Checker = Checker::Loom {
    preemption_bound: None,
};

#[test]
fn sentinel_is_proved_for_one_worker_up_to_three_jobs_at_pipe_capacity_one_and_two() {
    for capacity in 1..=2 {
        for jobs in 1..=3 {
            let scenario = Scenario::new(Protocol::Sentinel, 1, jobs, capacity);
            let report = check(&scenario, &Property::DRAIN, UNBOUNDED, Options::default()).unwrap();
            assert_eq!(report.verdict, Verdict::Proved, "{scenario}");
            assert!(
                report.executions > 1,
                "{scenario}: a proof explores executions"
            );
        }
    }
}

#[test]
fn sentinel_two_workers_one_job_is_verified_up_to_two_preemptions() {
    let scenario = Scenario::new(Protocol::Sentinel, 2, 1, 1);
    let bounded = Checker::Loom {
        preemption_bound: Some(2),
    };
    let report = check(&scenario, &Property::DRAIN, bounded, Options::default()).unwrap();
    assert_eq!(report.verdict, Verdict::Bounded { preemptions: 2 });
}

/// The seed's bug at its smallest: the worker's `Empty` while job 0 is still buffered.
fn assert_empty_poll_loses_a_buffered_job(workers: usize, jobs: usize) {
    let scenario = Scenario::new(Protocol::EmptyPoll, workers, jobs, 1);
    let lost = [Property::NoLostJob];
    let report = check(&scenario, &lost, UNBOUNDED, Options::default()).unwrap();
    assert_eq!(report.verdict, Verdict::Violated);
    let cx = report.counterexample.expect("a counterexample");
    assert_eq!(cx.kind, Kind::LostJob);
    assert!(cx.minimal);
    let job = cx.jobs[0];
    let gave_up = cx
        .events
        .iter()
        .find(|e| {
            matches!(
                e.op,
                Op::GetNowait {
                    polled: Polled::Empty {
                        cause: EmptyCause::PipeEmpty
                    }
                }
            )
        })
        .expect("a worker got Empty");
    let state = gave_up
        .state
        .as_ref()
        .expect("counterexamples carry states");
    assert!(
        state.buffers[0].contains(&Item::Job(job)),
        "job {job} must still be buffered when {} gets Empty: {state:?}",
        cx.lane(gave_up.lane)
    );
    let again = replay(cx.replay.as_deref().unwrap()).unwrap();
    assert_eq!(again.events, cx.events);
}

#[test]
fn empty_poll_one_worker_one_job_loses_the_job_while_it_is_buffered() {
    assert_empty_poll_loses_a_buffered_job(1, 1);
}

#[test]
fn empty_poll_two_workers_two_jobs_loses_a_job_while_it_is_buffered() {
    assert_empty_poll_loses_a_buffered_job(2, 2);
}

#[test]
fn loom_refuses_more_threads_than_it_can_explore() {
    let scenario = Scenario::new(Protocol::Sentinel, 4, 1, 1);
    let err = check(&scenario, &Property::DRAIN, UNBOUNDED, Options::default()).unwrap_err();
    let CheckError::Invalid(why) = err else {
        panic!("expected an invalid scenario")
    };
    assert!(why.0.contains("at most 5 threads"), "{why}");
    assert!(why.0.contains("--checker pct"), "{why}");
}
