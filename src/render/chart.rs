//! A counterexample drawn: a text message-sequence chart (one column per thread, the state
//! after each step) and a mermaid `sequenceDiagram`.

use super::words::{state, step};
use crate::model::LaneId;
use crate::outcome::Counterexample;
use std::fmt::Write;

/// The counterexample as a text message-sequence chart: a step number, one column per
/// thread, and the state after each step; the violation in the last line.
pub fn text(cx: &Counterexample) -> String {
    let lanes = &cx.lanes;
    let cells: Vec<String> = cx.events.iter().map(|e| step(e, lanes)).collect();
    let mut widths: Vec<usize> = lanes.iter().map(|l| l.len()).collect();
    for (event, cell) in cx.events.iter().zip(&cells) {
        widths[event.lane] = widths[event.lane].max(cell.len());
    }
    let row = |number: &str, lane: Option<LaneId>, cell: &str, tail: &str| {
        let mut line = format!("{number:>4} ");
        for (index, width) in widths.iter().enumerate() {
            let text = if Some(index) == lane { cell } else { "" };
            let _ = write!(line, "| {text:<width$} ");
        }
        let _ = write!(line, "| {tail}");
        line.trim_end().to_string()
    };
    let mut out = String::new();
    let mut header = format!("{:>4} ", "step");
    for (name, width) in lanes.iter().zip(&widths) {
        let _ = write!(header, "| {name:<width$} ");
    }
    header.push_str("| state after");
    let _ = writeln!(out, "{header}");
    for (number, (event, cell)) in cx.events.iter().zip(&cells).enumerate() {
        let after = event
            .state
            .as_ref()
            .map(|s| state(s, lanes))
            .unwrap_or_default();
        let _ = writeln!(
            out,
            "{}",
            row(&(number + 1).to_string(), Some(event.lane), cell, &after)
        );
    }
    let _ = writeln!(out, "violation: {}", cx.summary);
    out
}

/// The counterexample as a mermaid `sequenceDiagram` (renders on GitHub and in docs).
pub fn mermaid(cx: &Counterexample) -> String {
    let id = |lane: usize| cx.lanes[lane].replace('-', "_");
    let mut out = String::from("sequenceDiagram\n");
    for name in &cx.lanes {
        let _ = writeln!(out, "    participant {} as {name}", name.replace('-', "_"));
    }
    for (number, event) in cx.events.iter().enumerate() {
        let text = step(event, &cx.lanes).replace(';', ",").replace('#', "");
        let _ = writeln!(
            out,
            "    Note over {}: {}. {text}",
            id(event.lane),
            number + 1
        );
    }
    let last = cx.events.last().map_or(0, |e| e.lane);
    let _ = writeln!(
        out,
        "    Note over {}: violation: {}",
        id(last),
        cx.summary.replace(';', ",")
    );
    out
}
