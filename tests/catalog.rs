//! The catalog's theorems, from one run of `drainproof prove --markdown` per test process
//! (about a minute in release): each theorem has a test that fails if a check does not come out
//! as the theorem expects, the run prints nothing on stderr (shuttle's panic hook must not
//! outlive shuttle's searches and print on every panic loom raises afterwards), and
//! docs/proofs.md is what it printed. Other modules look up the run's rows instead of
//! searching again ([`row`]).
//!
//! After an intended change to the model or to the wording of traces, regenerate the file with
//! `DRAINPROOF_BLESS=1 cargo test --release --features loom,z3 catalog::` and review the diff.
#![cfg(feature = "loom")]

use crate::common::{self, Run};
use drainproof::catalog::{self, Expect, Theorem};
use drainproof::{Property, Scenario};
use std::path::Path;
use std::sync::OnceLock;

/// `drainproof prove --markdown`, run once per test process.
fn proved() -> &'static Run {
    static RUN: OnceLock<Run> = OnceLock::new();
    RUN.get_or_init(|| common::drainproof(&["prove", "--markdown"]))
}

/// One row of a theorem's table in docs/proofs.md: `| scenario | properties | expected |
/// verdict | checker | bounds | executions | as expected |`.
#[derive(Debug)]
pub struct Row {
    pub theorem: String,
    pub scenario: String,
    pub properties: String,
    pub verdict: String,
    pub executions: u64,
    pub as_expected: String,
    pub line: String,
}

/// Every row of every theorem's table in what `prove --markdown` printed.
fn rows() -> &'static [Row] {
    static ROWS: OnceLock<Vec<Row>> = OnceLock::new();
    ROWS.get_or_init(|| {
        let mut theorem = String::new();
        let mut rows = Vec::new();
        for line in proved().stdout.lines() {
            if let Some(heading) = line.strip_prefix("## ") {
                theorem = heading.split(':').next().unwrap_or_default().to_string();
                continue;
            }
            let cells: Vec<&str> = line.split('|').map(str::trim).collect();
            let is_row =
                cells.len() == 10 && cells[1] != "scenario" && !cells[1].starts_with("---");
            if theorem.is_empty() || !is_row {
                continue;
            }
            rows.push(Row {
                theorem: theorem.clone(),
                scenario: cells[1].into(),
                properties: cells[2].into(),
                verdict: cells[4].into(),
                executions: cells[7].parse().expect("executions are a number"),
                as_expected: cells[8].into(),
                line: line.into(),
            });
        }
        rows
    })
}

fn names(properties: &[Property]) -> String {
    let names: Vec<&str> = properties.iter().map(|p| p.name()).collect();
    names.join(", ")
}

/// The catalog run's row for `scenario` checked for `properties`, if the catalog has one: for
/// tests that would otherwise repeat one of its searches.
pub fn row(scenario: &Scenario, properties: &[Property]) -> Option<&'static Row> {
    let (scenario, properties) = (scenario.to_string(), names(properties));
    rows()
        .iter()
        .find(|row| row.scenario == scenario && row.properties == properties)
}

/// The replay handle docs/proofs.md gives for the counterexample of `check` in `theorem`'s
/// section, if it gives one.
fn replay_handle(theorem: &Theorem, scenario: &str, properties: &str) -> Option<String> {
    let section = proved()
        .stdout
        .split(&format!("## {}: ", theorem.id))
        .nth(1)?
        .split("<a id=")
        .next()?;
    let heading = format!("### Counterexample: {scenario} ({properties})");
    let after = &section[section.find(&heading)? + heading.len()..];
    let handle = after.split("Replay: `drainproof replay ").nth(1)?;
    Some(handle[..handle.find('`')?].to_string())
}

/// Every check of theorem `id` came out as expected, and its counterexamples replay.
fn theorem_holds_as_stated(id: &str) {
    let theorem = catalog::theorems(false)
        .into_iter()
        .find(|t| t.id == id)
        .unwrap_or_else(|| panic!("no theorem {id} in the catalog"));
    let rows: Vec<&Row> = rows().iter().filter(|row| row.theorem == id).collect();
    assert_eq!(
        rows.len(),
        theorem.checks.len(),
        "{id}: one row per check in `prove --markdown`: {}",
        proved().stderr
    );
    for (check, row) in theorem.checks.iter().zip(rows) {
        assert_eq!(row.scenario, check.subject(), "{id}");
        assert_eq!(
            row.as_expected,
            "yes",
            "{id}: `{}` expected {:?}, got {}",
            check.command(),
            check.expect,
            row.line,
        );
        if let Expect::Violated(_) = check.expect {
            let handle = replay_handle(&theorem, &row.scenario, &row.properties);
            assert!(
                handle.is_some_and(|h| h.starts_with("dp1:")),
                "{id}: a counterexample must be replayable: {}",
                row.line
            );
        }
    }
}

macro_rules! theorems {
    ($($name:ident => $id:literal),* $(,)?) => {$(
        #[test]
        fn $name() {
            theorem_holds_as_stated($id);
        }
    )*};
}

theorems! {
    t1_empty_poll_loses_jobs => "T1",
    t2_one_sentinel_per_worker_drains_everything => "T2",
    t3_fewer_sentinels_than_workers_hang => "T3",
    t4_more_sentinels_than_workers_fail_the_seed_check => "T4",
    t5_empty_check_loses_jobs_and_hangs => "T5",
    t6_foreign_sentinels_overtake_jobs => "T6",
    t7_timeout_poll_loses_jobs => "T7",
    t8_joinable_join_waits_for_every_job => "T8",
    t9_seed_check_is_unsound => "T9",
    t10_reader_lock_contention_is_harmless => "T10",
    t11_producer_exit_hangs_with_leftovers => "T11",
    t12_the_rust_idiom_drains_and_its_try_recv_twin_loses_jobs => "T12",
}

#[test]
fn every_theorem_has_a_test_above() {
    let ids: Vec<&str> = catalog::theorems(false).iter().map(|t| t.id).collect();
    let tested = (1..=ids.len()).map(|n| format!("T{n}")).collect::<Vec<_>>();
    assert_eq!(
        ids, tested,
        "add a line to `theorems!` for each new theorem"
    );
}

#[test]
fn prove_runs_as_expected_and_prints_nothing_on_stderr() {
    // The catalog runs loom after shuttle: shuttle's panic hook must not be left installed to
    // print on each of the panics loom uses internally.
    let run = proved();
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(
        run.stderr.is_empty(),
        "stderr must be empty: {}",
        run.stderr
    );
}

/// docs/proofs.md has the all-sizes rows, which a build without the `z3` feature leaves out.
#[cfg(feature = "z3")]
#[test]
fn docs_proofs_md_is_fresh() {
    let fresh = &proved().stdout;
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/proofs.md");
    if common::blessing() {
        std::fs::write(&path, fresh).unwrap();
        return;
    }
    let committed = std::fs::read_to_string(&path).unwrap_or_default();
    if committed != *fresh {
        let line = committed
            .lines()
            .zip(fresh.lines())
            .position(|(a, b)| a != b)
            .map_or(committed.lines().count().min(fresh.lines().count()), |n| n);
        panic!(
            "docs/proofs.md is stale from line {}: regenerate it with \
             `DRAINPROOF_BLESS=1 cargo test --release --features loom,z3 catalog::`",
            line + 1
        );
    }
}

#[test]
fn readme_theorem_table_is_fresh() {
    const BEGIN: &str =
        "<!-- theorems:begin (generated from src/catalog; see tests/catalog.rs) -->\n";
    const END: &str = "<!-- theorems:end -->";
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("README.md");
    let readme = std::fs::read_to_string(&path).unwrap();
    let start = readme
        .find(BEGIN)
        .expect("README.md has the theorems:begin marker")
        + BEGIN.len();
    let end = readme[start..]
        .find(END)
        .expect("README.md has the theorems:end marker")
        + start;
    let fresh = catalog::readme_table(&catalog::theorems(false));
    if common::blessing() {
        std::fs::write(
            &path,
            format!("{}{fresh}{}", &readme[..start], &readme[end..]),
        )
        .unwrap();
        return;
    }
    assert_eq!(
        &readme[start..end],
        fresh,
        "README.md's theorem table is stale: regenerate it with \
         `DRAINPROOF_BLESS=1 cargo test --release --features loom,z3 catalog::`"
    );
}
