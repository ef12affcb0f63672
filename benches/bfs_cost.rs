//! What `--checker bfs` costs: states, transitions, depth, memory and seconds per
//! configuration, against the targets of issue 8 (`sentinel` W=12 J=8 C=2 exhaustive far
//! under a second; W=32 J=16 C=2 under 30 s; W=64 J=32 C=4 under 10 minutes within 16 GiB).
//!
//! `cargo bench --bench bfs_cost` prints a markdown table; a filter argument selects rows by
//! label. State counts are deterministic (quote them); seconds depend on the machine. A row
//! that reaches its time limit says so, with the states it covered: never as a proof.
//! `DRAINPROOF_BENCH_LIMIT=<seconds>` changes the limit (600 s).

use drainproof::{Checker, Options, Property, Protocol, Scenario, check};
use std::time::Duration;

fn main() {
    let filter: Option<String> = std::env::args().skip(1).find(|a| !a.starts_with("--"));
    let limit = std::env::var("DRAINPROOF_BENCH_LIMIT")
        .ok()
        .and_then(|s| s.parse().ok())
        .map_or(Duration::from_secs(600), Duration::from_secs_f64);
    let sentinel = |w, j, c| Scenario::new(Protocol::Sentinel, w, j, c);
    // (scenario, properties, target seconds)
    let rows: Vec<(Scenario, &[Property], Option<f64>)> = vec![
        (sentinel(12, 8, 2), &Property::DRAIN, Some(1.0)),
        (sentinel(32, 16, 2), &Property::DRAIN, Some(30.0)),
        (sentinel(64, 32, 4), &Property::DRAIN, Some(600.0)),
        (sentinel(64, 126, 64), &Property::DRAIN, None),
        (
            Scenario::new(Protocol::Joinable, 64, 64, 8),
            &[
                Property::DrainedBeforeJoin,
                Property::NoDuplicate,
                Property::Termination,
            ],
            None,
        ),
        (
            Scenario::new(Protocol::ChannelDisconnect, 64, 64, 8),
            &Property::DRAIN,
            None,
        ),
        (
            Scenario::new(Protocol::ForeignSentinel, 16, 16, 4),
            &[Property::NoDuplicate],
            None,
        ),
        (
            Scenario::new(Protocol::EmptyPoll, 12, 8, 2),
            &Property::DRAIN,
            None,
        ),
        (
            Scenario::new(Protocol::TimeoutPoll, 32, 16, 4),
            &[Property::NoDuplicate],
            None,
        ),
        (
            Scenario::new(Protocol::EmptyCheck, 32, 32, 8),
            &[Property::NoDuplicate],
            None,
        ),
    ];
    println!(
        "| scenario | properties | verdict | states | transitions | depth | MiB | seconds | target |"
    );
    println!("|---|---|---|---|---|---|---|---|---|");
    for (scenario, properties, target) in rows {
        let label = scenario.to_string();
        if filter.as_ref().is_some_and(|f| !label.contains(f.as_str())) {
            continue;
        }
        let options = Options {
            progress: true,
            time_limit: Some(limit),
            ..Options::default()
        };
        let report = check(
            &scenario,
            properties,
            Checker::Bfs { max_states: None },
            options,
        )
        .expect("a valid scenario");
        let bfs = report
            .exploration
            .as_ref()
            .expect("bfs reports its exploration");
        let s = &bfs.stats;
        let names: Vec<&str> = properties.iter().map(|p| p.name()).collect();
        let target = match target {
            Some(t) if s.seconds <= t => format!("under {t} s: met"),
            Some(t) => format!("under {t} s: MISSED"),
            None => String::new(),
        };
        println!(
            "| {label} | {} | {} | {} | {} | {} | {:.1} | {:.3} | {target} |",
            names.join(","),
            report.verdict,
            s.states,
            s.transitions,
            s.depth,
            s.peak_bytes as f64 / (1024.0 * 1024.0),
            s.seconds,
        );
    }
}
