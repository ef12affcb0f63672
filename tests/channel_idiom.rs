//! Catalog item 12, the Rust idiom: a crossbeam-style channel (`bounded(C)`; `C >= J` is
//! `unbounded()`). `channel-disconnect` (send the jobs, drop the sender, workers `recv()` until
//! `Disconnected`) drains every job exactly once and terminates; `channel-try-recv` (workers
//! `try_recv()` until `Empty` while the producer is still sending) loses jobs.
//!
//! loom proofs at W=1..2, J=1..2 (the bounds are in the test names); shuttle PCT and random
//! schedules at W=4..8, J=8..16 with fixed seeds; real threads; and the CLI contract of the
//! two protocol names.

use drainproof::Kind;
use drainproof::model::{Item, Op, Received};
use drainproof::{Checker, Options, Property, Protocol, Scenario, check, replay};
use drainproof::{Counterexample, Verdict};

/// Where the lost job `job` was when the worker that gave up got `Empty`: asserts that the
/// `Empty` came before the producer sent `job` and while it still held its sender. Returns
/// the index of that `Empty` in the trace.
fn assert_empty_came_before_the_send(cx: &Counterexample) -> usize {
    assert_eq!(cx.kind, Kind::LostJob);
    let job = *cx.jobs.first().expect("a lost job");
    let position = |wanted: &dyn Fn(&Op) -> bool| cx.events.iter().position(|e| wanted(&e.op));
    let sent = position(&|op| matches!(op, Op::Send { item } if *item == Item::Job(job)));
    let dropped = position(&|op| matches!(op, Op::DropSender { .. }));
    // The last `Empty` of the trace: a worker exited on it, and after it nobody received.
    let empty = cx
        .events
        .iter()
        .rposition(|e| {
            matches!(
                e.op,
                Op::TryRecv {
                    received: Received::Empty
                }
            )
        })
        .expect("a worker got Empty");
    let worker = cx.lane(cx.events[empty].lane).to_string();
    assert!(worker.starts_with("worker-"), "{worker}");
    assert!(
        sent.is_none_or(|sent| empty < sent),
        "{worker}'s Empty (step {}) must come before the send of job {job} ({sent:?})",
        empty + 1
    );
    assert!(
        dropped.is_none_or(|dropped| empty < dropped),
        "the producer must still hold its sender at {worker}'s Empty"
    );
    let state = cx.events[empty]
        .state
        .as_ref()
        .expect("counterexamples carry states");
    let channel = state.channel.as_ref().expect("a channel trace");
    assert!(channel.items.is_empty(), "Empty means an empty channel");
    assert_eq!(channel.senders, 1, "and a live sender");
    // Nobody processed the job, and it is not lost "on the way": after the Empty it is sent
    // into a channel no worker reads any more (or the producer never gets to send it).
    assert!(
        !cx.events
            .iter()
            .any(|e| matches!(e.op, Op::Process { job: j } if j == job))
    );
    assert!(
        cx.summary
            .contains(&format!("before the producer had sent j{job}")),
        "{}",
        cx.summary
    );
    empty
}

#[cfg(feature = "loom")]
mod loom_proofs {
    use super::*;

    const UNBOUNDED: Checker = Checker::Loom {
        preemption_bound: None,
    };

    /// A size the catalog proves (T12) is taken from the catalog's run.
    fn assert_proved(workers: usize, jobs: usize, capacity: usize) -> u64 {
        let scenario = Scenario::new(Protocol::ChannelDisconnect, workers, jobs, capacity);
        if let Some(row) = crate::catalog::row(&scenario, &Property::DRAIN) {
            assert_eq!(row.verdict, Verdict::Proved.to_string(), "{scenario}");
            assert!(
                row.executions > 1,
                "{scenario}: a proof explores executions"
            );
            return row.executions;
        }
        let report = check(&scenario, &Property::DRAIN, UNBOUNDED, Options::default()).unwrap();
        assert_eq!(report.verdict, Verdict::Proved, "{scenario}");
        assert!(report.counterexample.is_none());
        assert!(
            report.executions > 1,
            "{scenario}: a proof explores executions"
        );
        report.executions
    }

    #[test]
    fn channel_disconnect_is_proved_for_w1_j1_and_j2_at_capacity_1_and_unbounded() {
        for jobs in 1..=2 {
            // C=1: the producer's send blocks while the worker has not received; C=J is
            // `unbounded()` (no send ever finds the channel full).
            for capacity in [1, jobs] {
                assert_proved(1, jobs, capacity);
            }
        }
    }

    #[test]
    fn channel_disconnect_is_proved_for_w2_j1_at_capacity_1() {
        assert_proved(2, 1, 1);
    }

    #[test]
    fn channel_disconnect_is_proved_for_w2_j2_unbounded() {
        assert_proved(2, 2, 2);
    }

    /// The buggy twin at its smallest and at W=2, J=2: the lost job, the worker's `Empty`
    /// before the producer sent it, a minimal counterexample that replays step for step.
    fn assert_try_recv_loses_a_job(workers: usize, jobs: usize, capacity: usize) {
        let scenario = Scenario::new(Protocol::ChannelTryRecv, workers, jobs, capacity);
        let lost = [Property::NoLostJob];
        let report = check(&scenario, &lost, UNBOUNDED, Options::default()).unwrap();
        assert_eq!(report.verdict, Verdict::Violated, "{scenario}");
        let cx = report.counterexample.expect("a counterexample");
        assert!(cx.minimal);
        assert_empty_came_before_the_send(&cx);
        let again = replay(cx.replay.as_deref().unwrap())
            .unwrap()
            .counterexample
            .expect("a replayed counterexample");
        assert_eq!(again.events, cx.events);
    }

    #[test]
    fn channel_try_recv_w1_j1_loses_the_job_the_producer_had_not_sent_yet() {
        assert_try_recv_loses_a_job(1, 1, 1);
        let scenario = Scenario::new(Protocol::ChannelTryRecv, 1, 1, 1);
        let report = check(
            &scenario,
            &[Property::NoLostJob],
            UNBOUNDED,
            Options::default(),
        )
        .unwrap();
        assert_eq!(report.counterexample.unwrap().jobs, vec![0]);
    }

    #[test]
    fn channel_try_recv_w2_j2_loses_a_job_at_capacity_1_and_unbounded() {
        assert_try_recv_loses_a_job(2, 2, 1);
        assert_try_recv_loses_a_job(2, 2, 2);
    }

    /// With the default properties, the shortest `channel-try-recv` failure at C < J is still a
    /// lost job; the producer's hang in `send` (a full channel nobody reads) comes with it.
    #[test]
    fn channel_try_recv_w1_j2_at_capacity_1_can_also_hang_the_producer_in_send() {
        let scenario = Scenario::new(Protocol::ChannelTryRecv, 1, 2, 1);
        let hang = [Property::Termination];
        let report = check(&scenario, &hang, UNBOUNDED, Options::default()).unwrap();
        let cx = report.counterexample.expect("a hang");
        assert_eq!(cx.kind, Kind::Hang);
        assert_eq!(cx.threads, vec!["producer".to_string()]);
        assert!(
            cx.summary.contains("blocked in send(): channel full"),
            "{}",
            cx.summary
        );
    }
}

fn pct(iterations: usize, seed: u64) -> Checker {
    Checker::Pct {
        iterations,
        seed,
        depth: 3,
    }
}

#[test]
fn channel_disconnect_w4_j8_and_w8_j16_have_no_counterexample_under_pct_and_random() {
    for (workers, jobs, capacity) in [(4, 8, 2), (4, 8, 8), (8, 16, 4), (8, 16, 16)] {
        let scenario = Scenario::new(Protocol::ChannelDisconnect, workers, jobs, capacity);
        for checker in [
            pct(200, 11),
            Checker::Random {
                iterations: 200,
                seed: 11,
            },
        ] {
            let report = check(&scenario, &Property::DRAIN, checker, Options::default()).unwrap();
            assert_eq!(
                report.verdict,
                Verdict::NoCounterexample {
                    schedules: 200,
                    seed: Some(11)
                },
                "{scenario} {}",
                checker.name()
            );
        }
    }
}

#[test]
fn channel_try_recv_w4_j8_and_w8_j16_lose_a_job_under_pct_and_the_replay_agrees() {
    for (workers, jobs, capacity) in [(4, 8, 8), (8, 16, 4)] {
        let scenario = Scenario::new(Protocol::ChannelTryRecv, workers, jobs, capacity);
        let lost = [Property::NoLostJob];
        let report = check(&scenario, &lost, pct(200, 11), Options::default()).unwrap();
        assert_eq!(report.verdict, Verdict::Violated, "{scenario}");
        let cx = report.counterexample.expect("a counterexample");
        assert_empty_came_before_the_send(&cx);
        let again = replay(cx.replay.as_deref().expect("shuttle replays"))
            .unwrap()
            .counterexample
            .expect("a replayed counterexample");
        assert_eq!(again.events, cx.events, "{scenario}");
    }
}

#[test]
fn channel_disconnect_loses_nothing_in_two_hundred_real_trials() {
    let scenario = Scenario::new(Protocol::ChannelDisconnect, 4, 8, 2);
    let checker = Checker::Threads { trials: 200 };
    let report = check(&scenario, &Property::DRAIN, checker, Options::default()).unwrap();
    let stats = report.trials.expect("threads report trial statistics");
    assert_eq!(stats.drained, 200, "{stats:?}");
    assert!(report.counterexample.is_none());
}

#[test]
fn the_protocol_names_are_the_cli_and_json_contract() {
    for (protocol, name) in [
        (Protocol::ChannelDisconnect, "channel-disconnect"),
        (Protocol::ChannelTryRecv, "channel-try-recv"),
    ] {
        assert_eq!(protocol.name(), name);
        assert_eq!(Protocol::from_name(name), Some(protocol));
        assert_eq!(
            serde_json::to_string(&protocol).unwrap(),
            format!("\"{name}\"")
        );
        assert_eq!(
            <Protocol as clap::ValueEnum>::from_str(name, false),
            Ok(protocol)
        );
        assert!(Protocol::ALL.contains(&protocol));
        assert!(protocol.uses_channel());
    }
}

#[test]
fn the_cli_checks_a_channel_protocol_and_refuses_sentinels_for_it() {
    let run = |args: &[&str]| {
        std::process::Command::new(env!("CARGO_BIN_EXE_drainproof"))
            .args(args)
            .output()
            .unwrap()
    };
    let common = [
        "check",
        "--protocol",
        "channel-try-recv",
        "--workers",
        "2",
        "--jobs",
        "2",
        "--checker",
        "pct",
        "--iterations",
        "100",
        "--seed",
        "1",
    ];
    let found = run(&common);
    assert_eq!(found.status.code(), Some(1), "a violation");
    let text = String::from_utf8(found.stdout).unwrap();
    assert!(text.contains("try_recv -> Empty"), "{text}");
    assert!(text.contains("send job"), "{text}");
    let refused = run(&[&common[..], &["--sentinels", "1"]].concat());
    assert_eq!(refused.status.code(), Some(2));
    let stderr = String::from_utf8(refused.stderr).unwrap();
    assert!(
        stderr.starts_with("drainproof: --sentinels applies to"),
        "{stderr}"
    );
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
}
