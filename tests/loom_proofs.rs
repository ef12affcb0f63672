//! loom: exhaustive proofs and minimal counterexamples (run with `--features loom`). Sizes the
//! catalog proves are read from its run (`crate::catalog::row`), not searched again.
#![cfg(feature = "loom")]

use drainproof::Kind;
use drainproof::model::{EmptyCause, Item, Op, Polled};
use drainproof::{CheckError, Naming, Verdict};
use drainproof::{Checker, Options, Property, Protocol, Scenario, check, replay};

const UNBOUNDED: Checker = Checker::Loom {
    preemption_bound: None,
};

/// Proves `sentinel` at each size; returns the executions each proof explored. A size the
/// catalog proves (T2) is taken from the catalog's run.
fn assert_sentinel_proved(sizes: &[(usize, usize, usize)]) -> Vec<u64> {
    sizes
        .iter()
        .map(|&(workers, jobs, capacity)| {
            let scenario = Scenario::new(Protocol::Sentinel, workers, jobs, capacity);
            if let Some(row) = crate::catalog::row(&scenario, &Property::DRAIN) {
                assert_eq!(row.verdict, Verdict::Proved.to_string(), "{scenario}");
                return row.executions;
            }
            let report = check(&scenario, &Property::DRAIN, UNBOUNDED, Options::default()).unwrap();
            assert_eq!(report.verdict, Verdict::Proved, "{scenario}");
            report.executions
        })
        .collect()
}

#[test]
fn sentinel_is_proved_for_one_worker_up_to_three_jobs_at_pipe_capacity_one_and_two() {
    // One worker races with nobody: every interleaving is equivalent to one (loom's DPOR
    // explores a single execution), and that one must still drain everything.
    let sizes: Vec<_> = (1..=2)
        .flat_map(|c| (1..=3).map(move |j| (1, j, c)))
        .collect();
    assert_sentinel_proved(&sizes);
}

#[test]
fn sentinel_is_proved_for_two_workers_up_to_three_jobs_at_pipe_capacity_one_and_two() {
    let sizes: Vec<_> = (1..=2)
        .flat_map(|c| (1..=3).map(move |j| (2, j, c)))
        .collect();
    let executions = assert_sentinel_proved(&sizes);
    assert!(
        executions.iter().all(|&n| n > 1),
        "two workers race for items: a proof must explore more than one execution"
    );
}

#[test]
fn sentinel_is_proved_for_three_workers_up_to_two_jobs_at_pipe_capacity_one() {
    // W=3, J=3 is in `drainproof prove --extended` and the loom_cost bench (tens of seconds).
    assert_sentinel_proved(&[(3, 1, 1), (3, 2, 1)]);
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
    let again = replay(cx.replay.as_deref().unwrap())
        .unwrap()
        .counterexample
        .expect("a replayed counterexample");
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
    let why = why.describe(Naming::Flags);
    assert!(why.contains("at most 5 threads"), "{why}");
    assert!(why.contains("--checker pct"), "{why}");
}
