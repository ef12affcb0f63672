//! The induction checker's proof in words: its measures for the report's header, and, when an
//! obligation failed, which one and where the search for a reachable violation looked.

use crate::report::{Answer, Proof};
use std::fmt::Write;

/// `z3 4.8.12.0, invariant of 9 clauses, 0.12s`.
pub fn measures(proof: &Proof, seconds: f64) -> String {
    format!(
        "{}, invariant of {} clauses, {seconds:.2}s",
        proof.solver,
        proof.invariant.len()
    )
}

/// One line per obligation that did not come out as it must, then one about the search for
/// a reachable violation; nothing for a proof. A failed obligation's state satisfies the
/// invariant but may be unreachable, so it is never shown as a counterexample.
pub fn failures(proof: &Proof) -> String {
    let mut out = String::new();
    for o in proof.failed() {
        let _ = write!(out, "failed obligation: {} ({})", o.obligation, o.lemma);
        out += &match (o.result, o.model) {
            (Answer::Unknown, _) => format!(
                ": the solver gave up ({})\n",
                o.reason.as_deref().unwrap_or("no reason given")
            ),
            (_, Some(model)) => format!(
                ": the solver found a state at {model} that satisfies the invariant but not \
                 this obligation; it may be unreachable, so it is no counterexample\n"
            ),
            _ => ": unsatisfiable, so the proof would be vacuous\n".to_string(),
        };
    }
    if let Some(witness) = &proof.witness {
        let scenarios = |n: usize| if n == 1 { "scenario" } else { "scenarios" };
        out += &match (&witness.scenario, &witness.command) {
            (Some(scenario), Some(command)) => format!(
                "reachable violation, found by bfs in {scenario} ({} {} tried; rerun: \
                 {command}):\n",
                witness.tried,
                scenarios(witness.tried)
            ),
            _ => format!(
                "no reachable violation found by bfs in {} {}\n",
                witness.tried,
                scenarios(witness.tried)
            ),
        };
    }
    out
}
