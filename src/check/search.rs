//! What every checker shares: counting executions, judging each outcome, keeping the
//! shortest counterexample, and turning it into a readable, replayable [`Counterexample`].

use super::handle::ReplayHandle;
use super::progress::Progress;
use crate::model::{Event, JobId, LaneId, Op};
use crate::outcome::{Kind, Outcome, Property, Violation};
use serde::Serialize;

/// The best violation seen so far.
pub struct Candidate<Extra> {
    /// 1-based index of the execution in the search (loom replays by it).
    #[cfg_attr(not(feature = "loom"), allow(dead_code))]
    pub execution: u64,
    pub violation: Violation,
    pub outcome: Outcome,
    /// Whatever the checker needs to replay it (e.g. a shuttle schedule).
    pub extra: Extra,
}

/// The collector a checker's model closure reports to, one execution at a time.
pub struct Search<Extra> {
    properties: Vec<Property>,
    pub executions: u64,
    /// Executions that ran to their end and were judged (a checker may stop one early).
    pub judged: u64,
    pub best: Option<Candidate<Extra>>,
    progress: Progress,
}

impl<Extra> Search<Extra> {
    pub fn new(properties: &[Property], progress: Progress) -> Self {
        Search {
            properties: properties.to_vec(),
            executions: 0,
            judged: 0,
            best: None,
            progress,
        }
    }

    /// Counts an execution that is starting and returns its 1-based index.
    pub fn start(&mut self) -> u64 {
        self.executions += 1;
        self.progress.set(self.executions);
        self.executions
    }

    /// Judges a finished execution; keeps it if it violates a property in fewer steps than
    /// the best so far (ties keep the earlier one, so the choice is deterministic).
    pub fn observe(&mut self, execution: u64, outcome: Outcome, extra: impl FnOnce() -> Extra) {
        self.judged += 1;
        let Some(violation) = self.properties.iter().find_map(|p| outcome.violation(*p)) else {
            return;
        };
        let shorter = self
            .best
            .as_ref()
            .is_none_or(|best| outcome.events.len() < best.outcome.events.len());
        if shorter {
            self.best = Some(Candidate {
                execution,
                violation,
                outcome,
                extra: extra(),
            });
        }
    }
}

/// A counterexample as users read it and tools consume it.
#[derive(Clone, Debug, Serialize)]
pub struct Counterexample {
    pub kind: Kind,
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
    pub events: Vec<Event>,
}

impl Counterexample {
    pub fn new(
        outcome: Outcome,
        violation: Violation,
        preemptions: Option<usize>,
        replay: Option<ReplayHandle>,
    ) -> Counterexample {
        let lanes: Vec<String> = outcome.lanes.iter().map(|l| l.name.clone()).collect();
        let summary = crate::render::summary(&outcome, &violation);
        Counterexample {
            kind: violation.kind,
            property: violation.property,
            jobs: violation.jobs.clone(),
            threads: violation.lanes.iter().map(|l| lanes[*l].clone()).collect(),
            steps: outcome.events.len(),
            preemptions: preemptions.unwrap_or_else(|| count_preemptions(&outcome.events)),
            minimal: preemptions.is_some(),
            replay: replay.map(|h| h.to_string()),
            summary,
            lanes,
            events: outcome.events,
        }
    }

    /// How big it is and how it was found: `minimal: 1 preemption, 14 steps`.
    pub fn size(&self) -> String {
        let minimal = if self.minimal { "minimal: " } else { "" };
        format!(
            "{minimal}{}, {} steps",
            super::preemptions(self.preemptions),
            self.steps
        )
    }

    /// The lane's name.
    pub fn lane(&self, lane: LaneId) -> &str {
        &self.lanes[lane]
    }
}

/// Switches from a thread whose last step did not block or end it.
fn count_preemptions(events: &[Event]) -> usize {
    events
        .windows(2)
        .filter(|pair| {
            let (a, b) = (&pair[0], &pair[1]);
            a.lane != b.lane
                && !matches!(
                    a.op,
                    Op::Block { .. } | Op::Exit | Op::Stopped { .. } | Op::FeederExit
                )
                && events
                    .iter()
                    .skip_while(|e| !std::ptr::eq(*e, b))
                    .any(|e| e.lane == a.lane)
        })
        .count()
}
