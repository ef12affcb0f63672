//! What the model costs loom: executions and seconds per configuration, against the targets of
//! issue 2 (`sentinel` W=2 J=2 C=1 in a few seconds; W=3 J=3 C=1 proved in at most 60 s).
//!
//! `cargo bench --features loom --bench loom_cost` prints a markdown table. Executions are
//! deterministic (quote them); seconds depend on the machine (compare ratios, not absolutes).
//! A configuration that reaches its time limit is reported as such, with the executions it got
//! through: never as a proof. `DRAINPROOF_BENCH_LIMIT=<seconds>` changes the default limit of
//! the unbounded rows (120 s; the W=3 J=3 row always uses the 60 s target).

use drainproof::{Checker, Options, Property, Protocol, Scenario, check};
use std::time::Duration;

struct Row {
    workers: usize,
    jobs: usize,
    pipe_capacity: usize,
    preemption_bound: Option<usize>,
    /// The target, if this row has one: proved within this many seconds.
    target: Option<f64>,
    limit: Option<Duration>,
}

fn main() {
    // `cargo bench` passes `--bench`; a filter argument selects rows by their label.
    let filter: Option<String> = std::env::args().skip(1).find(|a| !a.starts_with("--"));
    let limit = std::env::var("DRAINPROOF_BENCH_LIMIT")
        .ok()
        .and_then(|s| s.parse().ok())
        .map_or(Duration::from_secs(120), Duration::from_secs_f64);
    let row = |workers, jobs, pipe_capacity, preemption_bound, target, limit| Row {
        workers,
        jobs,
        pipe_capacity,
        preemption_bound,
        target,
        limit,
    };
    let rows = [
        row(1, 3, 1, None, None, None),
        row(1, 3, 2, None, None, None),
        row(2, 1, 1, None, None, Some(limit)),
        row(2, 2, 1, None, Some(10.0), Some(limit)),
        row(2, 3, 1, None, None, Some(limit)),
        row(2, 3, 2, None, None, Some(limit)),
        row(3, 1, 1, None, None, Some(limit)),
        row(3, 2, 1, None, None, Some(limit)),
        row(3, 3, 1, None, Some(60.0), Some(Duration::from_secs(60))),
        row(3, 3, 2, None, None, Some(limit)),
        row(3, 3, 1, Some(1), None, Some(limit)),
        row(3, 3, 1, Some(2), None, Some(limit)),
    ];
    println!(
        "| sentinel | preemption bound | verdict | executions | seconds | executions/s | target |"
    );
    println!("|---|---|---|---|---|---|---|");
    for row in rows {
        let scenario = Scenario::new(Protocol::Sentinel, row.workers, row.jobs, row.pipe_capacity);
        let label = format!("W={} J={} C={}", row.workers, row.jobs, row.pipe_capacity);
        if filter.as_ref().is_some_and(|f| !label.contains(f.as_str())) {
            continue;
        }
        let checker = Checker::Loom {
            preemption_bound: row.preemption_bound,
        };
        let options = Options {
            progress: true,
            time_limit: row.limit,
            ..Options::default()
        };
        let report = check(&scenario, &Property::DRAIN, checker, options).expect("valid");
        let bound = row
            .preemption_bound
            .map_or("none".to_string(), |k| k.to_string());
        let met = match row.target {
            None => String::new(),
            Some(target) => {
                let proved = report.verdict == drainproof::Verdict::Proved;
                let met = proved && report.seconds <= target;
                format!(
                    "proved in <= {target} s: {}",
                    if met { "met" } else { "NOT met" }
                )
            }
        };
        println!(
            "| {label} | {bound} | {} | {} | {:.2} | {:.0} | {met} |",
            report.verdict,
            report.executions,
            report.seconds,
            report.executions as f64 / report.seconds.max(1e-9),
        );
    }
}
