//! `drainproof check --checker induction` from the command line: the all-sizes verdict, the
//! JSON with every obligation, a violated protocol's failed obligation and reachable
//! violation, and bad input refused in one line (also when built without z3).

use crate::common::{self, drainproof};

fn induction(args: &[&str]) -> common::Run {
    let mut all = vec!["check", "--checker", "induction"];
    all.extend(args);
    drainproof(&all)
}

fn refused(run: &common::Run, words: &str) {
    assert_eq!(run.code, 2, "{}", run.stdout);
    assert!(run.stdout.is_empty(), "{}", run.stdout);
    assert_eq!(run.stderr.lines().count(), 1, "{}", run.stderr);
    assert!(run.stderr.starts_with("drainproof: "), "{}", run.stderr);
    assert!(run.stderr.contains(words), "{}", run.stderr);
}

#[cfg(feature = "z3")]
#[test]
fn sentinel_is_proved_for_every_size() {
    let run = induction(&["--protocol", "sentinel"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(run.stdout.lines().count(), 1, "{}", run.stdout);
    let line = run.stdout.lines().next().unwrap();
    assert!(
        line.starts_with(
            "sentinel, every W >= 1, J >= 0, C >= 1 (no_lost_job, no_duplicate, termination): \
             proved for every W >= 1, J >= 0, C >= 1 [induction; all sizes, 32 obligations \
             discharged by z3; z3 4."
        ),
        "{line}"
    );
    assert!(line.contains(", invariant of 7 clauses, "), "{line}");
    assert!(line.ends_with("s]"), "{line}");
}

#[cfg(feature = "z3")]
#[test]
fn json_lists_every_obligation_with_its_result_and_time() {
    let run = induction(&["--protocol", "sentinel", "--format", "json"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let json: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
    assert_eq!(json["checker"], "induction");
    assert_eq!(json["verdict"], "proved");
    assert_eq!(json["statement"], "proved for every W >= 1, J >= 0, C >= 1");
    assert_eq!(
        json["workers"],
        serde_json::Value::Null,
        "no sizes of its own"
    );
    assert_eq!(json["coverage"]["kind"], "all_sizes");
    let proof = &json["induction"];
    assert_eq!(proof["sizes"], "W >= 1, J >= 0, C >= 1");
    assert!(proof["solver"].as_str().unwrap().starts_with("z3 "));
    let obligations = proof["obligations"].as_array().unwrap();
    assert_eq!(json["coverage"]["obligations"], obligations.len());
    assert!(obligations.len() > 20);
    for o in obligations {
        assert!(
            matches!(o["result"].as_str(), Some("valid" | "satisfiable")),
            "{o}"
        );
        assert!(o["seconds"].as_f64().unwrap() >= 0.0, "{o}");
        assert!(o["lemma"].is_string(), "{o}");
    }
    let names: Vec<&str> = obligations
        .iter()
        .map(|o| o["obligation"].as_str().unwrap())
        .collect();
    for name in [
        "initiation",
        "consecution: worker(get).get_sentinel",
        "deadlock-freedom",
        "ranking: bounded",
        "no-lost-job",
    ] {
        assert!(names.contains(&name), "{name}: {names:?}");
    }
    let clauses = proof["invariant"].as_array().unwrap();
    assert!(clauses.iter().any(|c| c["lemma"] == "S5"), "{clauses:?}");
}

#[cfg(feature = "z3")]
#[test]
fn empty_poll_names_the_failed_obligation_then_a_reachable_violation() {
    let run = induction(&["--protocol", "empty-poll"]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    let out = &run.stdout;
    assert!(
        out.starts_with(
            "empty-poll, every W >= 1, J >= 0, C >= 1 (no_lost_job, no_duplicate, \
             termination): violated [induction; all sizes, 33 of 34 obligations discharged"
        ),
        "{out}"
    );
    assert!(
        out.contains(
            "\nfailed obligation: consecution: worker(poll).nowait_empty_pipe (S1-S5): the solver \
             found a state at W=1 J=1 C=1"
        ),
        "{out}"
    );
    assert!(out.contains("so it is no counterexample"), "{out}");
    assert!(
        out.contains(
            "\nreachable violation, found by bfs in empty-poll W=1 J=1 C=1 (1 scenario tried; \
             rerun: drainproof check --protocol empty-poll --workers 1 --jobs 1 \
             --pipe-capacity 1 --checker bfs):\n"
        ),
        "{out}"
    );
    assert!(
        out.contains("no_lost_job violated (LostJob, jobs [0])"),
        "{out}"
    );
    let json = induction(&["--protocol", "empty-poll", "--format", "json"]);
    assert_eq!(json.code, 1, "{}", json.stderr);
    let json: serde_json::Value = serde_json::from_str(&json.stdout).unwrap();
    assert_eq!(json["verdict"], "violated");
    let witness = &json["induction"]["witness"];
    assert_eq!(witness["scenario"], "empty-poll W=1 J=1 C=1", "{witness}");
    assert_eq!(witness["suggested"]["workers"], 1, "{witness}");
    let finding = &json["bfs"]["finding"];
    assert_eq!(finding["kind"], "lost_job", "{finding}");
    assert_eq!(finding["jobs"], serde_json::json!([0]));
    // The rerun command the witness gives finds the same violation.
    let rerun: Vec<&str> = witness["command"]
        .as_str()
        .expect("a command")
        .split_whitespace()
        .skip(1)
        .collect();
    let again = drainproof(&rerun);
    assert_eq!(again.code, 1, "{}", again.stderr);
    assert!(
        again
            .stdout
            .contains("no_lost_job violated (LostJob, jobs [0])"),
        "{}",
        again.stdout
    );
}

#[cfg(feature = "z3")]
#[test]
fn more_sentinels_are_proved_without_termination() {
    let run = induction(&[
        "--protocol",
        "sentinel",
        "--sentinel-range",
        "more",
        "--property",
        "no_lost_job,no_duplicate",
    ]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(
        run.stdout
            .contains(": proved for every W >= 1, J >= 0, C >= 1, K > W ["),
        "{}",
        run.stdout
    );
}

/// Like every checker, induction honours `--time-limit` (between obligations): a proof cut
/// short is inconclusive, never proved, and says how far it got.
#[cfg(feature = "z3")]
#[test]
fn a_time_limit_makes_the_proof_inconclusive() {
    let run = induction(&["--protocol", "sentinel", "--time-limit", "0.000001"]);
    assert_eq!(run.code, 3, "{}", run.stderr);
    assert!(
        run.stdout.contains(
            ": inconclusive: the proof was stopped at the time limit (0.000001s) after 0 \
             obligations [induction; all sizes, 0 of 32 obligations discharged by z3; a limit \
             cut the proof; "
        ),
        "{}",
        run.stdout
    );
}

#[cfg(not(feature = "z3"))]
#[test]
fn without_z3_the_checker_says_so_in_one_line() {
    refused(&induction(&["--protocol", "sentinel"]), "built without it");
}

#[test]
fn sizes_and_search_bounds_are_refused() {
    for (args, words) in [
        (
            vec!["--protocol", "sentinel", "--workers", "2"],
            "takes no --workers",
        ),
        (
            vec!["--protocol", "sentinel", "--jobs", "2"],
            "takes no --jobs",
        ),
        (
            vec!["--protocol", "sentinel", "--pipe-capacity", "2"],
            "takes no --pipe-capacity",
        ),
        (
            vec!["--protocol", "sentinel", "--sentinels", "2"],
            "takes no --sentinels",
        ),
        (
            vec!["--protocol", "sentinel", "--iterations", "9"],
            "takes no --iterations",
        ),
        (
            vec!["--protocol", "sentinel", "--max-states", "9"],
            "--max-states applies to --checker bfs only, not --checker induction",
        ),
        (
            vec!["--protocol", "sentinel", "--seed", "9"],
            "--seed applies to --checker random or pct only",
        ),
        (vec!["--protocol", "foreign-sentinel"], "two producers"),
        (
            vec!["--protocol", "empty-poll", "--sentinel-range", "more"],
            "--sentinel-range applies to --protocol sentinel only",
        ),
        (
            vec!["--protocol", "sentinel", "--prefilled"],
            "takes --prefilled with --protocol empty-poll only",
        ),
        (
            vec!["--protocol", "sentinel", "--property", "seed_check_sound"],
            "--checker induction proves",
        ),
        (
            vec![
                "--protocol",
                "sentinel",
                "--property",
                "drained_before_join",
            ],
            "does not apply to sentinel",
        ),
    ] {
        refused(&induction(&args), words);
    }
}

#[test]
fn other_checkers_still_need_their_sizes() {
    refused(
        &drainproof(&["check", "--protocol", "sentinel", "--jobs", "1"]),
        "--workers is required",
    );
    refused(
        &drainproof(&[
            "check",
            "--protocol",
            "sentinel",
            "--workers",
            "1",
            "--jobs",
            "1",
            "--sentinel-range",
            "more",
        ]),
        "--sentinel-range applies to --checker induction only",
    );
}
