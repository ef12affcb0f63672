//! shuttle: the seed's two facts at larger sizes than loom can reach, with fixed seeds so the
//! suite is deterministic. A sampled search proves nothing; the verdicts say so.

use drainproof::Kind;
use drainproof::Verdict;
use drainproof::{Checker, Options, Property, Protocol, Scenario, check, replay};

fn pct(iterations: usize, seed: u64) -> Checker {
    Checker::Pct {
        iterations,
        seed,
        depth: 3,
    }
}

#[test]
fn sentinel_w8_j16_has_no_counterexample_in_pct_and_random_schedules() {
    let scenario = Scenario::new(Protocol::Sentinel, 8, 16, 4);
    for checker in [
        pct(200, 7),
        Checker::Random {
            iterations: 200,
            seed: 7,
        },
    ] {
        let report = check(&scenario, &Property::DRAIN, checker, Options::default()).unwrap();
        assert_eq!(
            report.verdict,
            Verdict::NoCounterexample {
                schedules: 200,
                seed: Some(7)
            }
        );
    }
}

#[test]
fn empty_poll_w8_j16_loses_a_job_under_pct_and_the_replay_agrees() {
    // With more jobs than the pipe holds, the shortest failure is the producer's exit hang
    // (its feeder blocks on a full pipe after the workers quit); ask about lost jobs only.
    let scenario = Scenario::new(Protocol::EmptyPoll, 8, 16, 4);
    let lost = [Property::NoLostJob];
    let report = check(&scenario, &lost, pct(200, 7), Options::default()).unwrap();
    assert_eq!(report.verdict, Verdict::Violated);
    let cx = report.counterexample.expect("a counterexample");
    assert_eq!(cx.kind, Kind::LostJob);
    assert!(!cx.jobs.is_empty());
    let handle = cx.replay.clone().expect("shuttle counterexamples replay");
    let again = replay(&handle)
        .unwrap()
        .counterexample
        .expect("a replayed counterexample");
    assert_eq!(
        again.events, cx.events,
        "replay must reproduce the trace step for step"
    );
}

#[test]
fn sentinel_with_fewer_sentinels_than_workers_hangs_under_random_schedules() {
    let scenario = Scenario::new(Protocol::Sentinel, 3, 2, 1).with_sentinels(2);
    let checker = Checker::Random {
        iterations: 50,
        seed: 3,
    };
    let report = check(&scenario, &Property::DRAIN, checker, Options::default()).unwrap();
    let cx = report.counterexample.expect("a hang");
    assert_eq!(cx.kind, Kind::Hang);
    assert!(
        cx.threads.contains(&"producer".to_string()),
        "{:?}",
        cx.threads
    );
    assert!(
        cx.summary.contains("blocked in get(): pipe empty"),
        "{}",
        cx.summary
    );
}
