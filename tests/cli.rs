//! The command line's contract, tested on the built binary: exit codes (0 holds, 1 violated,
//! 2 bad usage, 3 inconclusive), one-line errors without panics for every bad input the issue
//! lists, the JSON fields, mermaid output, and `reproduce`'s seed lines.

use crate::common::{Run, drainproof};
use serde_json::Value;
use std::io::Read;
use std::process::{Command, Stdio};

/// Bad input: exit 2, nothing on stdout, exactly one line on stderr that mentions `needle`,
/// and no panic.
fn assert_usage_error(args: &[&str], needle: &str) -> String {
    let run = drainproof(args);
    assert_eq!(run.code, 2, "{args:?}: exit code; stderr: {}", run.stderr);
    assert!(run.stdout.is_empty(), "{args:?}: stdout: {}", run.stdout);
    assert!(
        !run.stderr.contains("panicked"),
        "{args:?} panicked: {}",
        run.stderr
    );
    assert_eq!(
        run.stderr.lines().count(),
        1,
        "{args:?}: stderr must be one line: {:?}",
        run.stderr
    );
    assert!(run.stderr.ends_with('\n'), "{:?}", run.stderr);
    assert!(
        run.stderr.starts_with("drainproof: "),
        "{args:?}: {:?}",
        run.stderr
    );
    assert!(
        run.stderr.contains(needle),
        "{args:?}: stderr should mention {needle:?}: {}",
        run.stderr
    );
    run.stderr
}

/// `check` with the given extra arguments.
fn check(extra: &[&str]) -> Run {
    let mut args = vec!["check"];
    args.extend_from_slice(extra);
    drainproof(&args)
}

fn assert_clean(run: &Run) {
    assert!(
        run.stderr.is_empty(),
        "stderr must be empty: {}",
        run.stderr
    );
}

// ---- exit codes -------------------------------------------------------------------------

#[test]
fn exit_0_when_a_sampled_search_finds_no_counterexample() {
    let run = check(&[
        "--protocol",
        "sentinel",
        "--workers",
        "1",
        "--jobs",
        "1",
        "--checker",
        "pct",
        "--iterations",
        "50",
    ]);
    assert_eq!(run.code, 0, "{}{}", run.stdout, run.stderr);
    assert!(
        run.stdout
            .contains("no counterexample in 50 schedules (seed 0)"),
        "{}",
        run.stdout
    );
    assert_clean(&run);
}

#[cfg(feature = "loom")]
#[test]
fn exit_0_when_loom_proves_the_property() {
    let run = check(&[
        "--protocol",
        "sentinel",
        "--workers",
        "1",
        "--jobs",
        "1",
        "--checker",
        "loom",
    ]);
    assert_eq!(run.code, 0, "{}{}", run.stdout, run.stderr);
    assert!(run.stdout.contains(": proved ["), "{}", run.stdout);
    assert_clean(&run);
}

#[cfg(feature = "loom")]
#[test]
fn exit_0_when_loom_verifies_up_to_a_preemption_bound() {
    let run = check(&[
        "--protocol",
        "sentinel",
        "--workers",
        "1",
        "--jobs",
        "1",
        "--checker",
        "loom",
        "--preemption-bound",
        "1",
    ]);
    assert_eq!(run.code, 0, "{}{}", run.stdout, run.stderr);
    assert!(
        run.stdout.contains("verified up to 1 preemption"),
        "{}",
        run.stdout
    );
}

#[test]
fn exit_1_when_a_counterexample_is_found() {
    let run = check(&[
        "--protocol",
        "empty-poll",
        "--workers",
        "1",
        "--jobs",
        "1",
        "--checker",
        "pct",
    ]);
    assert_eq!(run.code, 1, "{}{}", run.stdout, run.stderr);
    assert!(run.stdout.contains(": violated ["), "{}", run.stdout);
    assert!(
        run.stdout
            .contains("\nviolation: job 0 was never processed")
    );
    assert_clean(&run);
}

#[cfg(feature = "loom")]
#[test]
fn exit_1_when_loom_finds_the_minimal_counterexample() {
    let run = check(&[
        "--protocol",
        "empty-poll",
        "--workers",
        "1",
        "--jobs",
        "1",
        "--checker",
        "loom",
    ]);
    assert_eq!(run.code, 1, "{}{}", run.stdout, run.stderr);
    assert!(
        run.stdout
            .contains("counterexample (minimal: 1 preemption,"),
        "{}",
        run.stdout
    );
    assert_clean(&run);
}

#[test]
fn exit_3_when_depth_first_search_stops_at_its_limit() {
    let run = check(&[
        "--protocol",
        "sentinel",
        "--workers",
        "1",
        "--jobs",
        "1",
        "--checker",
        "dfs",
        "--iterations",
        "1",
    ]);
    assert_eq!(run.code, 3, "{}{}", run.stdout, run.stderr);
    assert!(
        run.stdout.contains(
            "inconclusive: depth-first search stopped at its limit of 1 schedules with \
             schedules left unexplored"
        ),
        "{}",
        run.stdout
    );
    assert_clean(&run);
    let json = check(&[
        "--protocol",
        "sentinel",
        "--workers",
        "1",
        "--jobs",
        "1",
        "--checker",
        "dfs",
        "--iterations",
        "1",
        "--format",
        "json",
    ]);
    assert_eq!(json.code, 3);
    let object: Value = serde_json::from_str(&json.stdout).unwrap();
    assert_eq!(object["verdict"], "inconclusive");
}

#[test]
fn exit_1_when_depth_first_search_finds_a_counterexample_within_its_limit() {
    let run = check(&[
        "--protocol",
        "empty-poll",
        "--workers",
        "1",
        "--jobs",
        "1",
        "--checker",
        "dfs",
        "--iterations",
        "100000",
    ]);
    assert_eq!(run.code, 1, "{}{}", run.stdout, run.stderr);
}

#[cfg(feature = "loom")]
#[test]
fn exit_3_when_loom_hits_its_time_limit() {
    // W=3, J=3 takes loom tens of seconds; a tenth of a second is never enough, and a search
    // cut short must never read as a proof.
    let run = check(&[
        "--protocol",
        "sentinel",
        "--workers",
        "3",
        "--jobs",
        "3",
        "--checker",
        "loom",
        "--time-limit",
        "0.1",
    ]);
    assert_eq!(run.code, 3, "{}{}", run.stdout, run.stderr);
    assert!(
        run.stdout
            .contains("inconclusive: the search was stopped at the time limit"),
        "{}",
        run.stdout
    );
    assert!(!run.stdout.contains("proved"), "{}", run.stdout);
}

// ---- bad input: one line, exit 2, no panic ------------------------------------------------

const W1J1: [&str; 4] = ["--workers", "1", "--jobs", "1"];

fn check_args<'a>(protocol: &'a str, rest: &[&'a str]) -> Vec<&'a str> {
    let mut args = vec!["check", "--protocol", protocol];
    args.extend_from_slice(rest);
    args
}

#[test]
fn zero_workers_is_refused() {
    assert_usage_error(
        &check_args("sentinel", &["--workers", "0", "--jobs", "1"]),
        "--workers must be at least 1",
    );
}

#[test]
fn zero_jobs_is_refused() {
    assert_usage_error(
        &check_args("sentinel", &["--workers", "1", "--jobs", "0"]),
        "--jobs must be at least 1",
    );
}

#[test]
fn absurd_workers_are_refused() {
    assert_usage_error(
        &check_args("sentinel", &["--workers", "65", "--jobs", "1"]),
        "--workers 65 is over the limit of 64",
    );
    assert_usage_error(
        &check_args(
            "sentinel",
            &["--workers", "99999999999999999999999", "--jobs", "1"],
        ),
        "--workers",
    );
    assert_usage_error(
        &check_args("sentinel", &["--workers", "-1", "--jobs", "1"]),
        "-1",
    );
}

#[test]
fn absurd_jobs_are_refused() {
    assert_usage_error(
        &check_args("sentinel", &["--workers", "1", "--jobs", "10001"]),
        "--jobs 10001 is over the limit of 10000",
    );
    assert_usage_error(
        &check_args("sentinel", &["--workers", "1", "--jobs", "many"]),
        "--jobs",
    );
}

#[test]
fn pipe_capacity_zero_is_refused() {
    let mut args = check_args("sentinel", &W1J1);
    args.extend(["--pipe-capacity", "0"]);
    assert_usage_error(&args, "--pipe-capacity must be at least 1");
}

#[test]
fn loom_with_four_workers_is_refused_with_a_pointer_to_pct() {
    let stderr = assert_usage_error(
        &check_args(
            "sentinel",
            &["--workers", "4", "--jobs", "1", "--checker", "loom"],
        ),
        "--checker pct",
    );
    assert!(stderr.contains("at most 3 workers"), "{stderr}");
}

#[test]
fn an_unknown_protocol_is_refused_with_the_known_ones() {
    let stderr = assert_usage_error(&check_args("round-robin", &W1J1), "round-robin");
    assert!(
        stderr.contains("empty-poll") && stderr.contains("sentinel"),
        "{stderr}"
    );
}

#[test]
fn an_unknown_checker_is_refused() {
    let mut args = check_args("sentinel", &W1J1);
    args.extend(["--checker", "tla"]);
    assert_usage_error(&args, "tla");
}

#[test]
fn zero_or_absurd_iterations_are_refused() {
    let mut args = check_args("sentinel", &W1J1);
    args.extend(["--iterations", "0"]);
    assert_usage_error(&args, "--iterations must be at least 1");
    let mut args = check_args("sentinel", &W1J1);
    args.extend(["--iterations", "1000000000"]);
    assert_usage_error(&args, "over the limit");
}

#[test]
fn flags_another_checker_would_ignore_are_refused() {
    let mut args = check_args("sentinel", &W1J1);
    args.extend(["--checker", "pct", "--preemption-bound", "2"]);
    assert_usage_error(&args, "--preemption-bound applies to --checker loom only");
    let mut args = check_args("sentinel", &W1J1);
    args.extend(["--checker", "dfs", "--seed", "3"]);
    assert_usage_error(&args, "--seed applies to --checker random or pct only");
    let mut args = check_args("sentinel", &W1J1);
    args.extend(["--checker", "loom", "--iterations", "3"]);
    assert_usage_error(&args, "takes no --iterations");
}

#[test]
fn a_missing_required_flag_is_one_line() {
    assert_usage_error(&["check", "--protocol", "sentinel"], "--workers");
}

#[test]
fn malformed_replay_handles_are_refused() {
    for (handle, why) in [
        ("garbage", "it must start with `dp1:`"),
        (
            "dp1:round-robin:w1:j1:c1:no_lost_job:loom:pb1:e5",
            "unknown protocol",
        ),
        (
            "dp1:empty-poll:w1:j1:c1:no_lost_job:loom:pb1",
            "expected `e<execution>`",
        ),
        (
            "dp1:empty-poll:w1:j1:c1:no_lost_job:loom:pb1:e0",
            "expected `e<execution>`",
        ),
        (
            "dp1:empty-poll:wX:j1:c1:no_lost_job:loom:pb1:e5",
            "expected `w<number>`",
        ),
        (
            "dp1:empty-poll:w1:j1:c1:lost:loom:pb1:e5",
            "unknown property",
        ),
        (
            "dp1:empty-poll:w1:j1:c1:no_lost_job:spin:pb1:e5",
            "expected `loom` or `shuttle`",
        ),
        (
            "dp1:empty-poll:w1:j1:c1:no_lost_job:shuttle:s1:00!",
            "bad schedule",
        ),
        (
            "dp1:empty-poll:w1:j1:c1:no_lost_job:shuttle:s1:0{64",
            "bad schedule",
        ),
        (
            "dp1:empty-poll:w1:j1:c1:no_lost_job:shuttle:s1:00:extra",
            "trailing fields",
        ),
    ] {
        let stderr = assert_usage_error(&["replay", handle], "malformed replay handle");
        assert!(stderr.contains(why), "{handle}: {stderr}");
    }
}

#[test]
fn replay_handles_that_do_not_reproduce_are_refused() {
    // Well-formed, but the schedule cannot run in this scenario, or runs without a violation.
    assert_usage_error(
        &[
            "replay",
            "dp1:empty-poll:w1:j1:c1:no_lost_job:shuttle:s1:0000099999",
        ],
        "the schedule does not fit this scenario",
    );
    assert_usage_error(
        &[
            "replay",
            "dp1:empty-poll:w1:j1:c1:no_lost_job:shuttle:s1:....",
        ],
        "the schedule does not fit this scenario",
    );
    // A handle's sizes are not flags the user typed: the message speaks of the handle.
    let stderr = assert_usage_error(
        &["replay", "dp1:empty-poll:w0:j1:c1:no_lost_job:shuttle:s1:0"],
        "the handle's scenario is invalid: workers must be at least 1",
    );
    assert!(!stderr.contains("--workers"), "{stderr}");
}

#[cfg(feature = "loom")]
#[test]
fn a_loom_handle_past_the_end_of_its_search_is_refused() {
    assert_usage_error(
        &[
            "replay",
            "dp1:empty-poll:w1:j1:c1:no_lost_job:loom:pb1:e9999",
        ],
        "not 9999",
    );
}

#[cfg(not(feature = "loom"))]
#[test]
fn loom_without_the_feature_says_how_to_enable_it() {
    let mut args = check_args("empty-poll", &W1J1);
    args.extend(["--checker", "loom"]);
    let stderr = assert_usage_error(&args, "--features loom");
    assert!(stderr.contains("--checker pct"), "{stderr}");
    let stderr = assert_usage_error(
        &["replay", "dp1:empty-poll:w1:j1:c1:no_lost_job:loom:pb1:e5"],
        "--features loom",
    );
    assert!(stderr.contains("`loom` feature"), "{stderr}");
}

#[test]
fn reproduce_refuses_bad_values() {
    assert_usage_error(
        &["reproduce", "--trials", "0"],
        "--trials must be at least 1",
    );
    assert_usage_error(
        &["reproduce", "--workers", "0"],
        "--workers must be at least 1",
    );
    assert_usage_error(&["reproduce", "--jobs", "0"], "--jobs must be at least 1");
    assert_usage_error(
        &["reproduce", "--pipe-capacity", "0"],
        "--pipe-capacity must be at least 1",
    );
    assert_usage_error(&["reproduce", "--workers", "65"], "over the limit of 64");
    assert_usage_error(&["reproduce", "--trials", "ten"], "--trials");
}

#[test]
fn help_is_not_an_error() {
    let run = drainproof(&["--help"]);
    assert_eq!(run.code, 0);
    assert!(run.stdout.contains("Exit codes: 0"), "{}", run.stdout);
}

#[test]
fn a_closed_stdout_ends_the_output_without_a_panic() {
    // Thousands of lines of trace into a reader that stops after the first bytes.
    let mut child = Command::new(env!("CARGO_BIN_EXE_drainproof"))
        .args([
            "check",
            "--protocol",
            "empty-poll",
            "--workers",
            "64",
            "--jobs",
            "300",
            "--iterations",
            "20",
        ])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut first = [0u8; 16];
    child.stdout.take().unwrap().read_exact(&mut first).unwrap();
    let mut stderr = String::new();
    child
        .stderr
        .take()
        .unwrap()
        .read_to_string(&mut stderr)
        .unwrap();
    let status = child.wait().unwrap();
    assert!(!stderr.contains("panicked"), "{stderr}");
    assert_eq!(status.code(), Some(1), "{stderr}");
}

// ---- output formats ---------------------------------------------------------------------

const VERDICTS: [&str; 5] = [
    "proved",
    "bounded",
    "no_counterexample",
    "violated",
    "inconclusive",
];
const KINDS: [&str; 6] = [
    "lost_job",
    "duplicate",
    "hang",
    "unsound_check",
    "false_alarm",
    "spurious_empty",
];

/// The contract fields of `--format json` (docs/json.md), with their types.
fn assert_json_contract(stdout: &str) -> Value {
    assert_eq!(
        stdout.lines().count(),
        1,
        "one JSON object on one line: {stdout}"
    );
    let object: Value = serde_json::from_str(stdout).expect("valid JSON");
    let fields = object.as_object().expect("a JSON object");
    for key in ["protocol", "checker", "verdict", "property"] {
        assert!(fields[key].is_string(), "{key}: {}", fields[key]);
    }
    for key in ["workers", "jobs", "pipe_capacity", "executions"] {
        assert!(fields[key].is_u64(), "{key}: {}", fields[key]);
    }
    assert!(fields["seconds"].is_f64(), "seconds: {}", fields["seconds"]);
    assert!(
        VERDICTS.contains(&fields["verdict"].as_str().unwrap()),
        "{}",
        fields["verdict"]
    );
    let cx = &fields["counterexample"];
    if !cx.is_null() {
        assert!(KINDS.contains(&cx["kind"].as_str().expect("kind")), "{cx}");
        let jobs = cx["jobs"].as_array().expect("jobs");
        assert!(jobs.iter().all(Value::is_u64), "{cx}");
        assert!(cx["steps"].is_u64() && cx["preemptions"].is_u64(), "{cx}");
        assert!(
            cx["replay"].is_string() || cx["replay"].is_null(),
            "{}",
            cx["replay"]
        );
        assert_eq!(
            cx["steps"].as_u64().unwrap() as usize,
            cx["events"].as_array().expect("events").len()
        );
    }
    object
}

#[test]
fn json_has_the_contract_fields_with_a_counterexample() {
    let run = check(&[
        "--protocol",
        "empty-poll",
        "--workers",
        "1",
        "--jobs",
        "1",
        "--format",
        "json",
    ]);
    assert_eq!(run.code, 1);
    assert_clean(&run);
    let object = assert_json_contract(&run.stdout);
    assert_eq!(object["protocol"], "empty-poll");
    assert_eq!(object["workers"], 1);
    assert_eq!(object["jobs"], 1);
    assert_eq!(object["pipe_capacity"], 1);
    assert_eq!(object["checker"], "pct");
    assert_eq!(object["verdict"], "violated");
    assert_eq!(object["property"], "no_lost_job");
    assert_eq!(object["executions"], 1000);
    assert_eq!(object["counterexample"]["kind"], "lost_job");
    assert_eq!(object["counterexample"]["jobs"], serde_json::json!([0]));
    assert!(
        object["counterexample"]["replay"]
            .as_str()
            .unwrap()
            .starts_with("dp1:empty-poll:w1:j1:c1:no_lost_job:shuttle:")
    );
}

#[test]
fn json_has_the_contract_fields_without_a_counterexample() {
    let run = check(&[
        "--protocol",
        "sentinel",
        "--workers",
        "2",
        "--jobs",
        "2",
        "--iterations",
        "20",
        "--format",
        "json",
    ]);
    assert_eq!(run.code, 0);
    let object = assert_json_contract(&run.stdout);
    assert_eq!(object["verdict"], "no_counterexample");
    assert!(object["counterexample"].is_null());
    assert_eq!(object["property"], "no_lost_job,no_duplicate,termination");
}

#[test]
fn json_of_real_threads_has_a_null_replay_handle_and_trial_statistics() {
    let run = check(&[
        "--protocol",
        "sentinel",
        "--workers",
        "2",
        "--jobs",
        "2",
        "--checker",
        "threads",
        "--iterations",
        "5",
        "--format",
        "json",
    ]);
    assert_eq!(run.code, 0, "{}", run.stdout);
    let object = assert_json_contract(&run.stdout);
    assert_eq!(object["checker"], "threads");
    assert_eq!(object["trials"]["trials"], 5);
}

#[test]
fn json_of_a_hang_names_the_stuck_threads() {
    let run = check(&[
        "--protocol",
        "sentinel",
        "--workers",
        "2",
        "--jobs",
        "1",
        "--sentinels",
        "1",
        "--iterations",
        "20",
        "--format",
        "json",
    ]);
    assert_eq!(run.code, 1);
    let object = assert_json_contract(&run.stdout);
    assert_eq!(object["counterexample"]["kind"], "hang");
    assert_eq!(object["property"], "termination");
}

#[test]
fn mermaid_is_a_sequence_diagram() {
    let run = check(&[
        "--protocol",
        "empty-poll",
        "--workers",
        "1",
        "--jobs",
        "1",
        "--format",
        "mermaid",
    ]);
    assert_eq!(run.code, 1);
    assert_clean(&run);
    assert!(
        run.stdout.starts_with("sequenceDiagram\n"),
        "{}",
        run.stdout
    );
    assert!(
        run.stdout
            .lines()
            .last()
            .unwrap()
            .contains("violation: job 0 was never processed")
    );
}

// ---- reproduce ----------------------------------------------------------------------------

#[test]
fn reproduce_prints_both_of_the_seeds_lines() {
    let run = drainproof(&["reproduce", "--trials", "5"]);
    assert_eq!(run.code, 0, "{}{}", run.stdout, run.stderr);
    assert_clean(&run);
    let seed_line = |good: &str| {
        run.stdout
            .lines()
            .find(|l| l.ends_with(&format!("% passed (Good Test: {good})")))
            .unwrap_or_else(|| panic!("no seed line for {good}: {}", run.stdout))
            .to_string()
    };
    let bad = seed_line("False");
    let good = seed_line("True");
    for line in [&bad, &good] {
        let percent = line.split('%').next().unwrap();
        assert!(percent.parse::<u64>().is_ok_and(|p| p <= 100), "{line}");
    }
    // The order of the seed's script, and its second fact: the sentinel protocol always passes.
    assert!(run.stdout.find(&bad) < run.stdout.find(&good));
    assert_eq!(good, "100% passed (Good Test: True)");
    assert!(
        run.stdout
            .contains("empty-poll W=4 J=8 C=6, 5 trials on real threads:"),
        "the seed's sizes are the defaults: {}",
        run.stdout
    );
    assert!(run.stdout.contains("trials lost jobs ("), "{}", run.stdout);
}

#[test]
fn large_scenarios_fold_long_item_lists_instead_of_printing_every_job() {
    // Without folding, this trace is 1.6 GB of text: every step's state column lists up to
    // 2,000 jobs. Folded, a buffer of jobs 0 to 1999 is `[j0..j1999]`.
    let run = check(&[
        "--protocol",
        "empty-poll",
        "--workers",
        "64",
        "--jobs",
        "2000",
        "--iterations",
        "20",
    ]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert!(run.stdout.len() < 50_000_000, "{} bytes", run.stdout.len());
    assert!(run.stdout.contains("buffer [j0..j1999]"));
    assert!(run.stdout.contains("buffer [j0 j1] pipe []"));
}

// ---- what was checked, and how far --------------------------------------------------------

#[test]
fn a_property_that_does_not_apply_is_refused_with_the_ones_that_do() {
    // The case: `seed_check_sound` on a channel protocol, which has no seed check,
    // would hold vacuously and read as a proof.
    let stderr = assert_usage_error(
        &check_args(
            "channel-try-recv",
            &[
                "--workers",
                "2",
                "--jobs",
                "2",
                "--checker",
                "loom",
                "--property",
                "seed_check_sound",
            ],
        ),
        "seed_check_sound does not apply to channel-try-recv",
    );
    assert!(
        stderr.contains("the properties that do: no_lost_job, no_duplicate, termination\n"),
        "{stderr}"
    );
    for (protocol, property) in [
        ("sentinel", "drained_before_join"),
        ("sentinel", "no_spurious_empty"),
        ("channel-disconnect", "seed_check_complete"),
    ] {
        let mut args = check_args(protocol, &W1J1);
        args.extend(["--property", property]);
        assert_usage_error(&args, &format!("{property} does not apply to {protocol}"));
    }
}

#[test]
fn the_header_and_the_json_name_the_properties_checked() {
    let run = check(&[
        "--protocol",
        "sentinel",
        "--workers",
        "1",
        "--jobs",
        "1",
        "--iterations",
        "5",
    ]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(
        run.stdout
            .starts_with("sentinel W=1 J=1 C=1 (no_lost_job, no_duplicate, termination): "),
        "{}",
        run.stdout
    );
    let run = check(&[
        "--protocol",
        "joinable",
        "--workers",
        "1",
        "--jobs",
        "1",
        "--iterations",
        "5",
        "--property",
        "drained_before_join,termination",
        "--format",
        "json",
    ]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let object = assert_json_contract(&run.stdout);
    assert_eq!(
        object["properties"],
        serde_json::json!(["drained_before_join", "termination"])
    );
}

/// `check` with a time limit on a search far longer than it: exit 3, `inconclusive` at the
/// time limit, and bounds that say how far it got.
fn assert_cut_at_the_time_limit(extra: &[&str]) -> Value {
    let mut args = vec![
        "--protocol",
        "sentinel",
        "--workers",
        "3",
        "--jobs",
        "3",
        "--time-limit",
        "0.3",
        "--format",
        "json",
    ];
    args.extend_from_slice(extra);
    let run = check(&args);
    assert_eq!(run.code, 3, "{args:?}: {}{}", run.stdout, run.stderr);
    let object = assert_json_contract(&run.stdout);
    assert_eq!(object["verdict"], "inconclusive", "{object}");
    let statement = object["statement"].as_str().unwrap();
    assert!(
        statement
            .starts_with("inconclusive: the search was stopped at the time limit (0.3s) after "),
        "{statement}"
    );
    object
}

#[test]
fn every_sampling_checker_takes_a_time_limit_and_says_how_far_it_got() {
    for (checker, unit) in [
        ("pct", "of 10000000 schedules, seed 0, depth 3"),
        ("random", "of 10000000 schedules, seed 0"),
        ("dfs", "of at most 10000000 schedules"),
        ("threads", "of 10000000 trials on real threads"),
    ] {
        let object =
            assert_cut_at_the_time_limit(&["--checker", checker, "--iterations", "10000000"]);
        let executions = object["executions"].as_u64().unwrap();
        assert!(executions < 10_000_000, "{object}");
        assert_eq!(object["bounds"], format!("{executions} {unit}"), "{object}");
        assert_eq!(object["coverage"]["executions"], executions);
        assert_eq!(object["coverage"]["cut"], Value::Bool(true), "{object}");
    }
}

#[cfg(feature = "loom")]
#[test]
fn a_loom_search_cut_at_its_time_limit_keeps_the_bounds_it_completed() {
    // W=3, J=3 takes loom tens of seconds; its searches at the smallest preemption bounds
    // finish first, and the one the limit cuts is reported as cut, never as a proof.
    let object = assert_cut_at_the_time_limit(&["--checker", "loom"]);
    let searches = object["coverage"]["searches"].as_array().unwrap();
    let (last, completed) = searches.split_last().expect("at least one search");
    assert_eq!(last["complete"], false, "{object}");
    assert_eq!(last["executions"], object["executions"], "{object}");
    for (bound, search) in completed.iter().enumerate() {
        assert_eq!(search["preemption_bound"], bound, "{object}");
        assert_eq!(search["complete"], true, "{object}");
    }
    let cut = match last["preemption_bound"].as_u64() {
        Some(k) => format!("search up to {k} preemption"),
        None => "unbounded search".into(),
    };
    let bounds = object["bounds"].as_str().unwrap();
    assert!(bounds.contains(&cut), "{bounds}");
    assert!(
        bounds.ends_with(&format!(" cut after {} executions", object["executions"])),
        "{bounds}"
    );
    match completed.len() {
        0 => assert!(!bounds.starts_with("verified"), "{bounds}"),
        n => assert!(
            bounds.starts_with(&format!("verified up to {} preemption", n - 1)),
            "{bounds}"
        ),
    }
}

/// Runs `drainproof check args` with progress lines every 50 ms; returns the child.
fn spawn_with_fast_progress(args: &[&str]) -> std::process::Child {
    Command::new(env!("CARGO_BIN_EXE_drainproof"))
        .arg("check")
        .args(args)
        .env("DRAINPROOF_PROGRESS_INTERVAL", "0.05")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap()
}

/// Hours of trials; the time limit only ends a broken test (Ctrl-C must come first).
const LONG_THREADS_RUN: [&str; 12] = [
    "--time-limit",
    "300",
    "--protocol",
    "sentinel",
    "--workers",
    "2",
    "--jobs",
    "2",
    "--checker",
    "threads",
    "--iterations",
    "10000000",
];

#[test]
fn a_piped_search_prints_progress_lines() {
    let mut args = LONG_THREADS_RUN.to_vec();
    args[1] = "0.5";
    let output = spawn_with_fast_progress(&args).wait_with_output().unwrap();
    let stderr = String::from_utf8(output.stderr).unwrap();
    assert_eq!(output.status.code(), Some(3), "{stderr}");
    let lines: Vec<&str> = stderr.lines().collect();
    assert!(lines.len() >= 2, "a line every 50 ms for 0.5 s: {stderr}");
    for line in lines {
        assert!(
            line.starts_with("drainproof: ")
                && line.contains(" executions in ")
                && line.ends_with("/s), searching threads sentinel W=2 J=2 C=1"),
            "{line}"
        );
    }
}

/// Starts a long search, waits until it reports progress, sends it SIGINT, and returns its
/// exit code and stdout.
#[cfg(unix)]
fn interrupt(args: &[&str]) -> (Option<i32>, String, String) {
    use std::io::{BufRead, BufReader};
    let mut child = spawn_with_fast_progress(args);
    let mut stderr = BufReader::new(child.stderr.take().unwrap());
    let mut first = String::new();
    stderr.read_line(&mut first).unwrap();
    assert!(first.contains(" executions in "), "{first}");
    let status = Command::new("kill")
        .args(["-INT", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(status.success());
    let mut rest = String::new();
    stderr.read_to_string(&mut rest).unwrap();
    let output = child.wait_with_output().unwrap();
    (
        output.status.code(),
        String::from_utf8(output.stdout).unwrap(),
        first + &rest,
    )
}

#[cfg(unix)]
#[test]
fn ctrl_c_stops_a_search_and_prints_what_it_covered() {
    let (code, stdout, stderr) = interrupt(&LONG_THREADS_RUN);
    assert_eq!(code, Some(3), "{stdout}{stderr}");
    assert!(
        stdout.contains(": inconclusive: the search was interrupted after "),
        "{stdout}"
    );
    assert!(
        stdout.contains(" of 10000000 trials on real threads; "),
        "{stdout}"
    );
    assert!(stderr.contains("drainproof: interrupted"), "{stderr}");
}

#[cfg(all(unix, feature = "loom"))]
#[test]
fn ctrl_c_stops_a_loom_search_between_executions() {
    // loom cannot be unwound while model threads are parked: the search stops at the start of
    // its next execution, and the process must exit normally with what it covered.
    let (code, stdout, stderr) = interrupt(&[
        "--time-limit",
        "300",
        "--protocol",
        "sentinel",
        "--workers",
        "3",
        "--jobs",
        "3",
        "--checker",
        "loom",
    ]);
    assert_eq!(code, Some(3), "{stdout}{stderr}");
    assert!(
        stdout.contains(": inconclusive: the search was interrupted after "),
        "{stdout}"
    );
    assert!(stdout.contains(" cut after "), "{stdout}");
    assert!(!stderr.contains("panicked"), "{stderr}");
}
