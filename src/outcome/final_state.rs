//! An execution's final state in the terms the complete enumeration and loom's search are
//! compared in (`crate::check::enumeration`): what each thread did, in its own order (every
//! event of its trace but the hang detector's `blocked` rows), what was left where, who hung on
//! what, and the one order between threads a property reads (which jobs were processed when
//! `JoinableQueue.join()` returned). Threads are named, not numbered: lane numbers follow the
//! order threads were started in, which schedules may change.

use super::Outcome;
use crate::model::{EmptyCause, Op, Polled, Wait};

/// A final state, written out.
pub(crate) type FinalState = String;

/// The final state of an execution, written out.
pub(crate) fn final_state(outcome: &Outcome) -> FinalState {
    let name = |lane: usize| outcome.lanes[lane].as_str();
    let wait = |wait: Wait| match wait {
        Wait::Exit(lane) => format!("Exit({})", name(lane)),
        other => format!("{other:?}"),
    };
    let event = |op: Op| match op {
        Op::Spawn { lane } => format!("Spawn({})", name(lane)),
        Op::StartFeeder { lane } => format!("StartFeeder({})", name(lane)),
        Op::Joined { lane } => format!("Joined({})", name(lane)),
        Op::AwaitTimeout { wait: w } => format!("AwaitTimeout({})", wait(w)),
        Op::GetNowait { polled } | Op::GetTimeout { polled } => {
            let polled = match polled {
                Polled::Empty {
                    cause: EmptyCause::ReaderLockHeld(holder),
                } => format!("Empty(reader lock held by {})", name(holder)),
                other => format!("{other:?}"),
            };
            let call = if matches!(op, Op::GetNowait { .. }) {
                "GetNowait"
            } else {
                "GetTimeout"
            };
            format!("{call}({polled})")
        }
        other => format!("{other:?}"),
    };
    let mut lanes: Vec<String> = (0..outcome.lanes.len())
        .map(|lane| {
            let events: Vec<String> = outcome
                .events
                .iter()
                .filter(|e| e.lane == lane && !matches!(e.op, Op::Block { .. }))
                .map(|e| event(e.op))
                .collect();
            format!("{}: {}", name(lane), events.join(", "))
        })
        .collect();
    lanes.sort();
    let hang = outcome.hang.as_ref().map(|stuck| {
        let mut stuck: Vec<String> = stuck
            .iter()
            .map(|&(lane, w)| format!("{} on {}", name(lane), wait(w)))
            .collect();
        stuck.sort();
        stuck
    });
    let at_join = outcome
        .events
        .iter()
        .any(|e| e.op == Op::JoinQueue)
        .then(|| outcome.unprocessed_at_join());
    format!(
        "{}\n  left {:?}; hung {hang:?}; unprocessed at join() {at_join:?}",
        lanes.join("\n  "),
        outcome.leftover
    )
}
