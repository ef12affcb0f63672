//! The catalog's theorems: each has a test that fails if a verdict changes, the commands
//! docs/proofs.md prints really rerun their rows, and docs/proofs.md is what
//! `drainproof prove --markdown` prints now.
//!
//! After an intended change to the model or to the wording of traces, regenerate the file with
//! `DRAINPROOF_BLESS=1 cargo test --release --features loom,z3 --test catalog` and review the diff.
#![cfg(feature = "loom")]

mod common;

use drainproof::Options;
use drainproof::catalog::{self, Expect};
use std::path::Path;

/// Runs theorem `id` at its default bounds and asserts every check came out as expected.
fn theorem_holds_as_stated(id: &str) {
    let theorem: Vec<_> = catalog::theorems(false)
        .into_iter()
        .filter(|t| t.id == id)
        .collect();
    assert_eq!(theorem.len(), 1, "no theorem {id} in the catalog");
    let outcomes = catalog::run(theorem, Options::default(), |_, _, _| {}).unwrap();
    let outcome = &outcomes[0];
    for (check, report) in outcome.theorem.checks.iter().zip(&outcome.reports) {
        assert!(
            check.as_expected(report),
            "{id}: `{}` expected {:?}, got {} ({:?})",
            check.command(),
            check.expect,
            report.verdict,
            report
                .counterexample
                .as_ref()
                .map(|cx| (&cx.kind, &cx.summary)),
        );
        if let Expect::Violated(_) = check.expect {
            let cx = report.counterexample.as_ref().unwrap();
            assert!(
                cx.replay.is_some(),
                "{id}: a counterexample must be replayable"
            );
        }
    }
    for (claim, proof) in &outcome.proofs {
        let expected = catalog::all_sizes::as_expected(proof);
        let wanted = if cfg!(feature = "z3") {
            Some(true)
        } else {
            None
        };
        assert_eq!(
            expected,
            wanted,
            "{id}: `{}`: {:?}",
            claim.command(),
            proof.as_ref().map(|p| p.text())
        );
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
fn the_printed_commands_rerun_their_rows() {
    for theorem in catalog::theorems(false) {
        for check in &theorem.checks {
            let command = check.command();
            let args: Vec<&str> = command.split_whitespace().skip(1).collect();
            let run = common::drainproof(&args);
            let expected = match check.expect {
                Expect::Holds => 0,
                Expect::Violated(_) => 1,
            };
            assert_eq!(
                run.code, expected,
                "{}: `{command}`: {}",
                theorem.id, run.stderr
            );
        }
        if cfg!(feature = "z3") {
            for claim in catalog::all_sizes::claims(theorem.id) {
                let command = claim.command();
                let args: Vec<&str> = command.split_whitespace().skip(1).collect();
                let run = common::drainproof(&args);
                assert_eq!(run.code, 0, "{}: `{command}`: {}", theorem.id, run.stderr);
                assert!(
                    run.stdout
                        .contains(": proved for every W >= 1, J >= 0, C >= 1"),
                    "{}",
                    run.stdout
                );
            }
        }
    }
}

/// docs/proofs.md has the all-sizes rows, which need the `z3` feature.
#[cfg(feature = "z3")]
#[test]
fn docs_proofs_md_is_fresh() {
    let run = common::drainproof(&["prove", "--markdown"]);
    assert_eq!(run.code, 0, "prove --markdown failed: {}", run.stderr);
    let fresh = run.stdout;
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/proofs.md");
    if common::blessing() {
        std::fs::write(&path, &fresh).unwrap();
        return;
    }
    let committed = std::fs::read_to_string(&path).unwrap_or_default();
    if committed != fresh {
        let line = committed
            .lines()
            .zip(fresh.lines())
            .position(|(a, b)| a != b)
            .map_or(committed.lines().count().min(fresh.lines().count()), |n| n);
        panic!(
            "docs/proofs.md is stale from line {}: regenerate it with \
             `DRAINPROOF_BLESS=1 cargo test --release --features loom,z3 --test catalog`",
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
         `DRAINPROOF_BLESS=1 cargo test --release --features loom,z3 --test catalog`"
    );
}
