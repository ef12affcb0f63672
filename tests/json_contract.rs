//! docs/json.md is the JSON contract of `check` and `replay`: every field its tables document
//! appears in real output, and every field of real output is documented. One shape serves both
//! commands (a `replay` has the same fields as a `check`).

use crate::common::drainproof;
use serde_json::{Map, Value};
use std::collections::BTreeSet;
use std::path::Path;

/// The field names of the first table after `heading` in docs/json.md (its first column,
/// in backticks).
fn documented(heading: &str) -> BTreeSet<String> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/json.md");
    let text = std::fs::read_to_string(path).expect("docs/json.md");
    let section = text
        .split_once(&format!("\n{heading}\n"))
        .unwrap_or_else(|| panic!("docs/json.md has no `{heading}`"))
        .1;
    let fields: BTreeSet<String> = section
        .lines()
        .skip_while(|line| !line.starts_with("| field |"))
        .skip(2)
        .take_while(|line| line.starts_with("| `"))
        .map(|line| line[3..].split('`').next().unwrap_or_default().to_string())
        .collect();
    assert!(!fields.is_empty(), "{heading}: no field table");
    fields
}

fn keys(object: &Map<String, Value>) -> BTreeSet<String> {
    object.keys().cloned().collect()
}

fn json(args: &[&str]) -> Map<String, Value> {
    let run = drainproof(args);
    assert!(matches!(run.code, 0 | 1 | 3), "{args:?}: {}", run.stderr);
    match serde_json::from_str(&run.stdout) {
        Ok(Value::Object(object)) => object,
        other => panic!("{args:?}: not a JSON object: {other:?}"),
    }
}

fn assert_same(heading: &str, fields: &BTreeSet<String>, args: &[&str]) {
    let documented = documented(heading);
    assert_eq!(
        fields,
        &documented,
        "`drainproof {}` against docs/json.md's `{heading}`: only in the output: {:?}; only in \
         the docs: {:?}",
        args.join(" "),
        fields.difference(&documented).collect::<Vec<_>>(),
        documented.difference(fields).collect::<Vec<_>>(),
    );
}

#[test]
fn every_documented_field_is_in_the_output_and_every_output_field_is_documented() {
    let violated = [
        "check",
        "--protocol",
        "empty-poll",
        "--workers",
        "1",
        "--jobs",
        "1",
        "--checker",
        "pct",
        "--iterations",
        "20",
        "--format",
        "json",
    ];
    let threads = [
        "check",
        "--protocol",
        "empty-poll",
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
    ];
    for args in [&violated[..], &threads[..]] {
        let object = json(args);
        assert_same("## The run object", &keys(&object), args);
        let cx = object["counterexample"]
            .as_object()
            .expect("both runs find a counterexample");
        assert_same("## The counterexample object", &keys(cx), args);
        let event = cx["events"][0].as_object().expect("an event");
        assert_same("### An event", &keys(event), args);
        let coverage = keys(object["coverage"].as_object().expect("a coverage object"));
        assert!(
            coverage.is_subset(&documented("### `coverage`")),
            "{args:?}: {coverage:?}"
        );
    }
    let bfs = [
        "check",
        "--protocol",
        "empty-poll",
        "--workers",
        "2",
        "--jobs",
        "2",
        "--checker",
        "bfs",
        "--format",
        "json",
    ];
    let object = json(&bfs);
    assert_same("## The run object", &keys(&object), &bfs);
    assert_same(
        "## The bfs object (`checker` `bfs`)",
        &keys(object["bfs"].as_object().expect("bfs's exploration")),
        &bfs,
    );
    #[cfg(feature = "z3")]
    {
        // A failed obligation, so that the witness and a model are filled in.
        let induction = [
            "check",
            "--protocol",
            "empty-poll",
            "--checker",
            "induction",
            "--format",
            "json",
        ];
        let object = json(&induction);
        assert_same("## The run object", &keys(&object), &induction);
        let proof = object["induction"].as_object().expect("the proof");
        assert_same(
            "## The induction object (`checker` `induction`)",
            &keys(proof),
            &induction,
        );
        let failed = proof["obligations"]
            .as_array()
            .expect("obligations")
            .iter()
            .find(|o| o["result"] == "failed")
            .and_then(Value::as_object)
            .expect("a failed obligation");
        assert_same(
            "### An obligation (`obligations`)",
            &keys(failed),
            &induction,
        );
        let witness = proof["witness"].as_object().expect("a witness");
        assert_same("### The witness (`witness`)", &keys(witness), &induction);
        assert!(object["bfs"].is_object(), "the witness's search");
    }
    let trials = json(&threads);
    assert_same(
        "## The trials object (`checker` `threads`)",
        &keys(trials["trials"].as_object().expect("trial statistics")),
        &threads,
    );
    // `replay` prints the same shape.
    let handle = json(&violated)["counterexample"]["replay"]
        .as_str()
        .expect("a handle")
        .to_string();
    let replayed = json(&["replay", &handle, "--format", "json"]);
    assert_same("## The run object", &keys(&replayed), &["replay", &handle]);
    assert_eq!(replayed["handle"], handle.as_str());
}

#[cfg(feature = "loom")]
#[test]
fn every_documented_coverage_field_is_in_some_output() {
    let loom = json(&[
        "check",
        "--protocol",
        "sentinel",
        "--workers",
        "1",
        "--jobs",
        "1",
        "--checker",
        "loom",
        "--format",
        "json",
    ]);
    let pct = json(&[
        "check",
        "--protocol",
        "sentinel",
        "--workers",
        "1",
        "--jobs",
        "1",
        "--iterations",
        "5",
        "--format",
        "json",
    ]);
    let bfs = json(&[
        "check",
        "--protocol",
        "sentinel",
        "--workers",
        "2",
        "--jobs",
        "2",
        "--checker",
        "bfs",
        "--format",
        "json",
    ]);
    let mut seen = keys(loom["coverage"].as_object().unwrap());
    seen.extend(keys(pct["coverage"].as_object().unwrap()));
    seen.extend(keys(bfs["coverage"].as_object().unwrap()));
    let all_sizes = ["obligations", "discharged"].map(String::from);
    if cfg!(feature = "z3") {
        let induction = json(&[
            "check",
            "--protocol",
            "sentinel",
            "--checker",
            "induction",
            "--format",
            "json",
        ]);
        seen.extend(keys(induction["coverage"].as_object().unwrap()));
    } else {
        // Without z3 no run has an all-sizes coverage.
        seen.extend(all_sizes);
    }
    assert_eq!(seen, documented("### `coverage`"));
    let search = loom["coverage"]["searches"][0]
        .as_object()
        .expect("loom's searches");
    assert_eq!(keys(search), documented("#### A search (`searches`)"));
}
