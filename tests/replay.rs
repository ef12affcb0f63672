//! Replay round trips: check -> replay handle -> replay gives the same counterexample, event
//! for event, and `drainproof replay` prints the same trace, line for line, as `drainproof
//! check` printed.

use drainproof::{Checker, Counterexample, Options, Property, Protocol, Scenario, check, render};
use serde_json::Value;

fn counterexample(scenario: Scenario, properties: &[Property], checker: Checker) -> Counterexample {
    let report = check(&scenario, properties, checker, Options::default()).unwrap();
    report.counterexample.expect("a counterexample")
}

/// The library's round trip: the same events, summary, renderings and handle.
fn assert_library_round_trip(cx: &Counterexample) {
    let handle = cx.replay.as_deref().expect("a replay handle");
    let again = drainproof::replay(handle)
        .unwrap()
        .counterexample
        .expect("a replayed counterexample");
    assert_eq!(again.events, cx.events, "the same events, step for step");
    assert_eq!(again.lanes, cx.lanes);
    assert_eq!(again.summary, cx.summary);
    assert_eq!(again.kind, cx.kind);
    assert_eq!(again.jobs, cx.jobs);
    assert_eq!(again.preemptions, cx.preemptions);
    assert_eq!(again.minimal, cx.minimal);
    assert_eq!(again.replay.as_deref(), Some(handle));
    assert_eq!(render::text(&again), render::text(cx));
    assert_eq!(render::mermaid(&again), render::mermaid(cx));
}

fn drainproof(args: &[&str]) -> (i32, String) {
    let run = crate::common::drainproof(args);
    assert!(run.stderr.is_empty(), "{args:?}: {}", run.stderr);
    (run.code, run.stdout)
}

/// The command line's round trip: `check`'s trace (everything after its verdict line, which
/// carries the timing) is `replay`'s trace, and so are the mermaid and JSON renderings.
fn assert_cli_round_trip(check_args: &[&str]) -> String {
    let mut args = vec!["check"];
    args.extend_from_slice(check_args);
    let (code, checked) = drainproof(&args);
    assert_eq!(code, 1, "{checked}");
    let handle = checked
        .lines()
        .nth(1)
        .and_then(|l| l.split("; replay: ").nth(1))
        .expect("a replay handle on the second line")
        .to_string();
    let (code, replayed) = drainproof(&["replay", &handle]);
    assert_eq!(code, 1, "a reproduced violation exits 1: {replayed}");
    let tail = |s: &str| s.lines().skip(1).collect::<Vec<_>>().join("\n");
    assert_eq!(tail(&replayed), tail(&checked));
    assert!(tail(&checked).lines().count() > 3);

    args.extend(["--format", "mermaid"]);
    let (_, checked_mermaid) = drainproof(&args);
    let (_, replayed_mermaid) = drainproof(&["replay", &handle, "--format", "mermaid"]);
    assert_eq!(replayed_mermaid, checked_mermaid);

    args.pop();
    args.push("json");
    let (_, checked_json) = drainproof(&args);
    let (_, replayed_json) = drainproof(&["replay", &handle, "--format", "json"]);
    let checked_json: Value = serde_json::from_str(&checked_json).unwrap();
    let replayed_json: Value = serde_json::from_str(&replayed_json).unwrap();
    assert_eq!(
        replayed_json["counterexample"],
        checked_json["counterexample"]
    );
    for key in ["protocol", "workers", "jobs", "pipe_capacity", "property"] {
        assert_eq!(replayed_json[key], checked_json[key], "{key}");
    }
    assert_eq!(replayed_json["verdict"], "violated");
    assert_eq!(replayed_json["handle"], handle.as_str());
    handle
}

#[cfg(feature = "loom")]
#[test]
fn a_loom_counterexample_replays_step_for_step() {
    let cx = counterexample(
        Scenario::new(Protocol::EmptyPoll, 1, 1, 1),
        &Property::DRAIN,
        Checker::Loom {
            preemption_bound: None,
        },
    );
    assert!(cx.minimal);
    assert_library_round_trip(&cx);
    let handle = assert_cli_round_trip(&[
        "--protocol",
        "empty-poll",
        "--workers",
        "1",
        "--jobs",
        "1",
        "--checker",
        "loom",
    ]);
    assert!(handle.contains(":loom:pb1:"), "{handle}");
}

const PCT_SEED_7: Checker = Checker::Pct {
    iterations: 200,
    seed: 7,
    depth: 3,
};

#[test]
fn a_shuttle_counterexample_replays_step_for_step() {
    let scenario = Scenario::new(Protocol::EmptyPoll, 8, 16, 4);
    // Lost jobs only (the shortest failure of all three properties is the exit hang).
    let lost = counterexample(scenario, &[Property::NoLostJob], PCT_SEED_7);
    assert_library_round_trip(&lost);
    let any = counterexample(scenario, &Property::DRAIN, PCT_SEED_7);
    assert_library_round_trip(&any);
    let handle = assert_cli_round_trip(&[
        "--protocol",
        "empty-poll",
        "--workers",
        "8",
        "--jobs",
        "16",
        "--pipe-capacity",
        "4",
        "--checker",
        "pct",
        "--iterations",
        "200",
        "--seed",
        "7",
    ]);
    assert!(handle.contains(":shuttle:s"), "{handle}");
}

#[test]
fn a_schedule_with_more_than_sixty_two_threads_replays() {
    // Task ids 62 and up do not fit one base-62 digit; the handle writes them as `{n}`.
    let cx = counterexample(
        Scenario::new(Protocol::EmptyPoll, 64, 100, 1),
        &Property::DRAIN,
        Checker::Pct {
            iterations: 5,
            seed: 0,
            depth: 3,
        },
    );
    assert!(
        cx.replay.as_deref().unwrap().contains("{64}"),
        "{:?}",
        cx.replay
    );
    assert_library_round_trip(&cx);
}

#[test]
fn a_dfs_counterexample_replays_step_for_step() {
    let cx = counterexample(
        Scenario::new(Protocol::EmptyPoll, 1, 1, 1),
        &Property::DRAIN,
        Checker::Dfs {
            max_iterations: 100_000,
        },
    );
    assert_library_round_trip(&cx);
}
