//! A report as text and as JSON.

use super::{chart, exploration, proof};
use crate::outcome::Counterexample;
use crate::report::{Report, Run, preemptions};
use crate::scenario::Protocol;
use std::fmt::Write;

/// A report as `drainproof check` (or `replay`) prints it: the header line with the scenario,
/// the properties checked, the verdict and its bounds; the real-threads statistics, if any;
/// an all-sizes proof's failed obligations, if any; bfs's abstract path to a violation, if
/// any; and the counterexample, if any.
pub fn report(report: &Report) -> String {
    let mut out = match &report.run {
        Run::Search(checker) => format!(
            "{} ({}): {} [{}; {}; {}]\n",
            report.subject(),
            report
                .properties
                .iter()
                .map(|p| p.name())
                .collect::<Vec<_>>()
                .join(", "),
            report.verdict,
            checker.name(),
            report.bounds(),
            match (&report.proof, &report.exploration) {
                (Some(p), _) => proof::measures(p, report.seconds),
                (None, Some(exploration)) => exploration::measures(exploration),
                (None, None) => format!("{} executions, {:.2}s", report.executions, report.seconds),
            }
        ),
        Run::Replay(_) => format!(
            "{}: {} ({}), reproduced from its replay handle\n",
            report.scenario,
            report.verdict,
            report.property()
        ),
    };
    if let Some(stats) = &report.trials {
        // The seed's line judges by its own check, `jobs.empty()`; a channel has no such check,
        // so its trials are reported by what they drained.
        let verdict = if report.scenario.protocol.uses_channel() {
            format!(
                "{}% drained every job exactly once",
                stats.drained_percent()
            )
        } else {
            let good = if report.scenario.protocol == Protocol::EmptyPoll {
                "False"
            } else {
                "True"
            };
            format!("{}% passed (Good Test: {good})", stats.seed_pass_percent())
        };
        let _ = writeln!(
            out,
            "{verdict}; {} of {} trials lost jobs ({} jobs lost), {} hung",
            stats.lossy_trials, stats.trials, stats.lost_jobs, stats.hangs
        );
    }
    if let Some(p) = &report.proof {
        out += &proof::failures(p);
    }
    if let Some(exploration) = &report.exploration {
        out += &exploration::path(exploration);
    }
    if let Some(cx) = &report.counterexample {
        out += &counterexample(cx);
    }
    out
}

/// The counterexample's header line and its trace: what `check` and `replay` both print.
pub fn counterexample(cx: &Counterexample) -> String {
    format!(
        "counterexample ({}); replay: {}\n{}",
        size(cx),
        cx.replay.as_deref().unwrap_or("none (real threads)"),
        chart::text(cx)
    )
}

/// How big a counterexample is and how it was found: `minimal: 1 preemption, 14 steps`.
pub fn size(cx: &Counterexample) -> String {
    let minimal = if cx.minimal { "minimal: " } else { "" };
    format!(
        "{minimal}{}, {} steps",
        preemptions(cx.preemptions),
        cx.steps
    )
}

/// A report as one line of JSON (docs/json.md).
pub fn json(report: &Report) -> String {
    serde_json::to_string(report).expect("a report serializes")
}
