//! Golden traces: what `drainproof check` prints for the seed's two protocols, kept in
//! `tests/golden/` and compared byte for byte, so that any change to a step's wording, the
//! order of steps, the columns, the state column, the violation line or the replay handle
//! fails here and is reviewed.
//!
//! - `empty-poll-w1-j1-c1-loom.{txt,mmd}`: the seed's bug at its smallest, loom's minimal
//!   counterexample (needs `--features loom`).
//! - `sentinel-w2-j1-c1-k1-pct.{txt,mmd}`: the sentinel protocol with one sentinel too few,
//!   a hang, found by PCT with a fixed seed.
//!
//! The only part normalised is the run time on the verdict line (`, 0.01s]` becomes
//! `, <seconds>s]`).
//!
//! After an intended change, rewrite the files and review the diff:
//!
//! ```sh
//! DRAINPROOF_BLESS=1 cargo test --release --features loom golden::
//! git diff tests/golden
//! ```

use std::path::PathBuf;

/// Runs `drainproof check` with `args` and `--format format`; returns stdout, timing masked.
fn check_output(args: &[&str], format: &str) -> String {
    let mut full = vec!["check"];
    full.extend_from_slice(args);
    full.extend_from_slice(&["--format", format]);
    let run = crate::common::drainproof(&full);
    assert!(run.stderr.is_empty(), "{args:?}: {}", run.stderr);
    assert_eq!(run.code, 1, "{args:?}: a violation");
    mask_seconds(&run.stdout)
}

/// `..., 16 executions, 0.01s]` -> `..., 16 executions, <seconds>s]` on the verdict line.
fn mask_seconds(text: &str) -> String {
    let (first, rest) = text.split_once('\n').unwrap_or((text, ""));
    let masked = match first.rfind(", ") {
        Some(comma) if first.ends_with("s]") => format!("{}, <seconds>s]", &first[..comma]),
        _ => first.to_string(),
    };
    if text.contains('\n') {
        format!("{masked}\n{rest}")
    } else {
        masked
    }
}

fn golden_path(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests")
        .join("golden")
        .join(name)
}

/// Compares `actual` with the golden file `name`, or rewrites it under `DRAINPROOF_BLESS=1`.
fn assert_golden(name: &str, actual: &str) {
    let path = golden_path(name);
    if crate::common::blessing() {
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(&path, actual).unwrap();
        eprintln!("blessed {}", path.display());
        return;
    }
    let expected = std::fs::read_to_string(&path).unwrap_or_else(|e| {
        panic!(
            "{}: {e}; create it with DRAINPROOF_BLESS=1 cargo test --release --features loom \
             golden::",
            path.display()
        )
    });
    if expected != actual {
        let first_difference = expected
            .lines()
            .zip(actual.lines())
            .position(|(e, a)| e != a)
            .unwrap_or_else(|| expected.lines().count().min(actual.lines().count()));
        panic!(
            "{} differs from the output, first at line {}:\n  golden: {:?}\n  actual: {:?}\n\
             whole output:\n{actual}\nIf the change is intended, rerun with DRAINPROOF_BLESS=1 \
             and review `git diff tests/golden`.",
            path.display(),
            first_difference + 1,
            expected.lines().nth(first_difference),
            actual.lines().nth(first_difference),
        );
    }
}

fn assert_golden_pair(stem: &str, args: &[&str]) {
    let text = check_output(args, "text");
    assert!(text.contains("\nviolation: "), "{text}");
    assert_golden(&format!("{stem}.txt"), &text);
    let mermaid = check_output(args, "mermaid");
    assert!(mermaid.starts_with("sequenceDiagram\n"), "{mermaid}");
    assert_golden(&format!("{stem}.mmd"), &mermaid);
}

#[cfg(feature = "loom")]
#[test]
fn empty_poll_one_worker_one_job_loom_minimal_counterexample() {
    assert_golden_pair(
        "empty-poll-w1-j1-c1-loom",
        &[
            "--protocol",
            "empty-poll",
            "--workers",
            "1",
            "--jobs",
            "1",
            "--pipe-capacity",
            "1",
            "--checker",
            "loom",
        ],
    );
}

#[test]
fn sentinel_two_workers_one_sentinel_hangs_under_pct() {
    assert_golden_pair(
        "sentinel-w2-j1-c1-k1-pct",
        &[
            "--protocol",
            "sentinel",
            "--workers",
            "2",
            "--jobs",
            "1",
            "--pipe-capacity",
            "1",
            "--sentinels",
            "1",
            "--checker",
            "pct",
            "--iterations",
            "100",
            "--seed",
            "1",
        ],
    );
}

#[test]
fn masking_touches_only_the_run_time() {
    assert_eq!(
        mask_seconds("x: violated [loom; b; 16 executions, 0.01s]\nstep 1\n"),
        "x: violated [loom; b; 16 executions, <seconds>s]\nstep 1\n"
    );
    assert_eq!(mask_seconds("sequenceDiagram\n"), "sequenceDiagram\n");
}
