//! What every checker shares: counting executions, judging each outcome, keeping the
//! shortest counterexample, turning it into a readable, replayable [`Counterexample`], and
//! what a search hands back to be judged ([`Found`]).

use super::progress::Progress;
use crate::outcome::{Counterexample, Outcome, Property, Violation};
use crate::report::{Coverage, Exploration, Proof, ReplayHandle, TrialStats, Verdict};

/// The best violation seen so far.
pub(crate) struct Candidate<Extra> {
    /// 1-based index of the execution in the search (loom replays by it).
    #[cfg_attr(not(feature = "loom"), allow(dead_code))]
    pub execution: u64,
    pub violation: Violation,
    pub outcome: Outcome,
    /// Whatever the checker needs to replay it (e.g. a shuttle schedule).
    pub extra: Extra,
}

/// The collector a checker's model closure reports to, one execution at a time.
pub(crate) struct Search<Extra> {
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
        self.progress.tick();
        self.executions
    }

    /// Judges a finished execution; keeps it if it violates a property in fewer steps than
    /// the best so far (ties keep the earlier one, so the choice is deterministic).
    pub fn observe(&mut self, execution: u64, outcome: Outcome, extra: impl FnOnce() -> Extra) {
        outcome.assert_race_free();
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

/// The counterexample of a violating outcome, with its summary in words. `preemptions` is
/// loom's minimal bound, if known; `handle` replays it (`None` for real threads).
pub(crate) fn counterexample(
    outcome: Outcome,
    violation: Violation,
    preemptions: Option<usize>,
    handle: Option<&ReplayHandle>,
) -> Counterexample {
    let summary = crate::render::summary(&outcome, &violation);
    Counterexample::new(
        outcome,
        violation,
        preemptions,
        handle.map(ReplayHandle::to_string),
        summary,
    )
}

/// What a search found, before it is judged.
pub(crate) struct Found {
    /// Executions run (for loom: by its last search).
    pub executions: u64,
    pub counterexample: Option<Counterexample>,
    pub coverage: Coverage,
    pub trials: Option<TrialStats>,
    /// bfs: the state space and the shortest abstract execution to a violation.
    pub exploration: Option<Exploration>,
    /// induction: the obligations and what the solver said about each.
    pub proof: Option<Proof>,
    /// Why the search stopped before it could answer (a time limit, an interruption, a DFS
    /// limit, shuttle's step bound), if it did. Without a counterexample, the verdict is then
    /// `inconclusive`.
    pub cut: Option<String>,
    /// The verdict if the search found no counterexample and nothing cut it: how strong its
    /// "nothing found" is (`proved`, `bounded`, `no_counterexample`).
    pub clean: Verdict,
}

impl Found {
    /// The verdict: a counterexample stands whatever cut the search; otherwise a cut search
    /// is inconclusive, and a finished one answers as strongly as it searched.
    pub fn verdict(&self) -> Verdict {
        let abstract_violation = self
            .exploration
            .as_ref()
            .is_some_and(|e| e.finding.is_some());
        match (&self.counterexample, &self.cut) {
            (Some(_), _) => Verdict::Violated,
            (None, _) if abstract_violation => Verdict::Violated,
            (None, Some(reason)) => Verdict::Inconclusive {
                reason: reason.clone(),
            },
            (None, None) => self.clean.clone(),
        }
    }
}
