//! A counterexample as users read it and tools consume it: the violating execution's trace
//! with what it violates, how big it is and how to replay it.

use super::{Kind, Outcome, Property, Violation};
use crate::model::{Event, JobId, LaneId, Op};
use serde::Serialize;

/// A violating execution, with its whole trace. Its JSON form is documented in docs/json.md
/// ("The counterexample object"); `crate::render` prints it as a table or a diagram.
#[derive(Clone, Debug, Serialize)]
pub struct Counterexample {
    /// What went wrong.
    pub kind: Kind,
    /// The property violated.
    pub property: Property,
    /// The jobs involved (lost, duplicated).
    pub jobs: Vec<JobId>,
    /// The threads involved (hung, racing), by name.
    pub threads: Vec<String>,
    /// Steps in the trace.
    pub steps: usize,
    /// Preemptions: for loom, the smallest bound with a counterexample; otherwise counted on
    /// the trace (a switch away from a thread that could have continued).
    pub preemptions: usize,
    /// Whether `preemptions` is proven minimal (loom's iterative deepening).
    pub minimal: bool,
    /// The handle `drainproof replay` takes (`None` for real threads: not replayable).
    pub replay: Option<String>,
    /// The plain-words statement of what went wrong.
    pub summary: String,
    /// Lane names, indexed by the events' `lane`.
    pub lanes: Vec<String>,
    /// The trace, one event per step.
    pub events: Vec<Event>,
}

impl Counterexample {
    /// The counterexample of `outcome`, which shows `violation`. `preemptions` is loom's
    /// minimal bound, if known (otherwise the preemptions are counted on the trace);
    /// `summary` is the violation in words (`crate::render::summary`).
    pub(crate) fn new(
        outcome: Outcome,
        violation: Violation,
        preemptions: Option<usize>,
        replay: Option<String>,
        summary: String,
    ) -> Counterexample {
        let lanes = outcome.lanes;
        Counterexample {
            kind: violation.kind,
            property: violation.property,
            jobs: violation.jobs,
            threads: violation.lanes.iter().map(|l| lanes[*l].clone()).collect(),
            steps: outcome.events.len(),
            preemptions: preemptions.unwrap_or_else(|| count_preemptions(&outcome.events)),
            minimal: preemptions.is_some(),
            replay,
            summary,
            lanes,
            events: outcome.events,
        }
    }

    /// The name of the thread of `lane`.
    pub fn lane(&self, lane: LaneId) -> &str {
        &self.lanes[lane]
    }
}

/// Switches from a thread whose last step did not block or end it, to a thread other than it,
/// where it runs again later: the preemptions a trace shows.
pub(crate) fn count_preemptions(events: &[Event]) -> usize {
    events
        .windows(2)
        .enumerate()
        .filter(|(index, pair)| {
            let (a, b) = (&pair[0], &pair[1]);
            a.lane != b.lane
                && !matches!(
                    a.op,
                    Op::Block { .. } | Op::Exit | Op::Stopped { .. } | Op::FeederExit
                )
                && events[index + 1..].iter().any(|e| e.lane == a.lane)
        })
        .count()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn event(lane: LaneId, op: Op) -> Event {
        Event {
            lane,
            op,
            state: None,
        }
    }

    #[test]
    fn a_switch_counts_only_from_a_thread_that_could_go_on_and_does_later() {
        let put = Op::Put {
            item: crate::model::Item::Job(0),
        };
        // 0 puts, 1 runs, 0 runs again: one preemption.
        assert_eq!(
            count_preemptions(&[event(0, put), event(1, Op::Exit), event(0, Op::Exit)]),
            1
        );
        // 0 blocks, then 1 runs: no preemption.
        let block = Op::Block {
            wait: crate::model::Wait::PipeData,
        };
        assert_eq!(
            count_preemptions(&[event(0, block), event(1, put), event(0, Op::Exit)]),
            0
        );
        // 0 never runs again: not a preemption.
        assert_eq!(count_preemptions(&[event(0, put), event(1, Op::Exit)]), 0);
    }
}
