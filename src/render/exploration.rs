//! The breadth-first checker's exploration in words: its measures for the report's header, and
//! the shortest abstract execution to a violation, one line per step.

use super::words::{item, items};
use crate::report::{Exploration, thousands};
use crate::step::{Actor, StepKind};
use std::fmt::Write;

/// `1,234 transitions, depth 40, 1.2 MiB, 0.01s`.
pub fn measures(exploration: &Exploration) -> String {
    let s = &exploration.stats;
    format!(
        "{} transitions, depth {}, {:.1} MiB, {:.2}s",
        thousands(s.transitions),
        s.depth,
        s.peak_bytes as f64 / (1024.0 * 1024.0),
        s.seconds
    )
}

/// The shortest execution of the step relation to the violation, one line per step; nothing
/// if there was no violation.
pub fn path(exploration: &Exploration) -> String {
    let Some(finding) = &exploration.finding else {
        return String::new();
    };
    let mut what = format!("{} violated ({:?}", finding.property, finding.kind);
    if !finding.jobs.is_empty() {
        let _ = write!(what, ", jobs {:?}", finding.jobs);
    }
    if exploration.cycle {
        what += ", a cycle that never finishes";
    }
    what += ")";
    let mut out = format!(
        "shortest execution of the step relation to the violation: {} steps, {what}\n",
        exploration.path.len()
    );
    for (n, step) in exploration.path.iter().enumerate() {
        let actor = match step.actor {
            Actor::Main => "producer".to_string(),
            Actor::Second => "producer-1".to_string(),
            Actor::Feeder(p) => format!("feeder-{p}"),
            Actor::Worker(local) => format!("worker({})", local.name()),
        };
        let kind = match step.step {
            StepKind::Worker { op, .. } => format!("{op:?}"),
            other => format!("{other:?}"),
        };
        let moved = step.item.as_ref().map(item).unwrap_or_default();
        let buffers: Vec<String> = step.buffers.iter().map(|b| items(b)).collect();
        let workers: Vec<String> = step
            .workers
            .iter()
            .map(|(l, n)| format!("{}:{n}", l.name()))
            .collect();
        let _ = writeln!(
            out,
            "{:>4}  {actor:<18} {kind:<22} {moved:<6} buffer {} pipe {} workers {}",
            n + 1,
            buffers.join(" "),
            items(&step.pipe),
            workers.join(" ")
        );
    }
    out
}
