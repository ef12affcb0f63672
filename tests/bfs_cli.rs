//! `--checker bfs` on the catalog's rows, and from the command line: verdicts, exit codes,
//! bounds, and bad input refused in one line.

use crate::common::{self, drainproof};
use drainproof::catalog::{Expect, theorems};
use drainproof::{Checker, Options, Property, Report, Scenario, Verdict};

fn bfs(scenario: Scenario, properties: &[Property]) -> Report {
    drainproof::check(
        &scenario,
        properties,
        Checker::Bfs { max_states: None },
        Options::default(),
    )
    .expect("a valid scenario")
}

fn check(args: &[&str]) -> common::Run {
    let mut all = vec!["check", "--checker", "bfs"];
    all.extend(args);
    drainproof(&all)
}

#[test]
fn sentinel_at_twelve_workers_is_proved_with_its_state_count() {
    let run = check(&[
        "--protocol",
        "sentinel",
        "--workers",
        "12",
        "--jobs",
        "8",
        "--pipe-capacity",
        "2",
    ]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let line = run.stdout.lines().next().unwrap();
    assert!(
        line.starts_with(
            "sentinel W=12 J=8 C=2 (no_lost_job, no_duplicate, termination): proved [bfs; exhaustive: "
        ),
        "{line}"
    );
    assert!(
        line.contains(" states (workers counted, not named); "),
        "{line}"
    );
}

#[test]
fn empty_poll_is_violated_with_a_shortest_abstract_execution() {
    let run = check(&[
        "--protocol",
        "empty-poll",
        "--workers",
        "12",
        "--jobs",
        "8",
        "--pipe-capacity",
        "2",
    ]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert!(
        run.stdout.contains("violated [bfs; not exhaustive: "),
        "{}",
        run.stdout
    );
    assert!(
        run.stdout
            .contains("shortest execution of the step relation to the violation")
    );
    assert!(run.stdout.contains("NowaitEmptyPipe"), "{}", run.stdout);
}

#[test]
fn a_state_limit_gives_inconclusive() {
    let run = check(&[
        "--protocol",
        "sentinel",
        "--workers",
        "12",
        "--jobs",
        "8",
        "--max-states",
        "50",
    ]);
    assert_eq!(run.code, 3, "{}", run.stderr);
    assert!(
        run.stdout
            .contains("inconclusive: stopped at the state limit (50 states)"),
        "{}",
        run.stdout
    );
}

#[test]
fn json_carries_the_exploration() {
    let run = check(&[
        "--protocol",
        "sentinel",
        "--workers",
        "3",
        "--jobs",
        "2",
        "--format",
        "json",
    ]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let json: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
    assert_eq!(json["checker"], "bfs");
    assert_eq!(json["verdict"], "proved");
    assert!(json["bfs"]["states"].as_u64().unwrap() > 1);
    assert!(json["bounds"].as_str().unwrap().starts_with("exhaustive: "));
}

#[test]
fn bad_input_is_refused_in_one_line() {
    for args in [
        vec!["--protocol", "sentinel", "--workers", "2", "--jobs", "129"],
        vec![
            "--protocol",
            "sentinel",
            "--workers",
            "2",
            "--jobs",
            "2",
            "--iterations",
            "5",
        ],
        vec![
            "--protocol",
            "sentinel",
            "--workers",
            "2",
            "--jobs",
            "2",
            "--max-states",
            "0",
        ],
    ] {
        let run = check(&args);
        assert_eq!(run.code, 2, "{args:?}: {}", run.stdout);
        assert!(run.stderr.starts_with("drainproof: "), "{}", run.stderr);
        assert_eq!(run.stderr.lines().count(), 1, "{}", run.stderr);
    }
    let loom = drainproof(&[
        "check",
        "--protocol",
        "sentinel",
        "--workers",
        "1",
        "--jobs",
        "1",
        "--checker",
        "pct",
        "--max-states",
        "5",
    ]);
    assert_eq!(loom.code, 2);
    assert!(
        loom.stderr
            .contains("--max-states applies to --checker bfs only"),
        "{}",
        loom.stderr
    );
}

/// Every row of the catalog, checked by bfs at the row's sizes: proved where the catalog
/// expects the theorem to hold, violated with the expected kind where it expects a violation.
#[test]
fn every_catalog_row_comes_out_as_the_catalog_expects() {
    for theorem in theorems(false) {
        for row in &theorem.checks {
            let report = bfs(row.scenario, &row.properties);
            let bfs = report
                .exploration
                .as_ref()
                .expect("bfs reports its exploration");
            match row.expect {
                Expect::Holds => assert_eq!(
                    report.verdict,
                    Verdict::Proved,
                    "{}: {} {:?}",
                    theorem.id,
                    row.scenario,
                    bfs.finding
                ),
                Expect::Violated(kind) => {
                    assert_eq!(
                        report.verdict,
                        Verdict::Violated,
                        "{}: {}",
                        theorem.id,
                        row.scenario
                    );
                    let finding = bfs.finding.as_ref().expect("a violation has a finding");
                    assert_eq!(finding.kind, kind, "{}: {}", theorem.id, row.scenario);
                    assert_eq!(bfs.path.len() as u32, bfs.stats.depth, "a shortest path");
                }
            }
        }
    }
}
