//! What trials on real threads saw, added up the way the seed reports its experiment.

use crate::outcome::Outcome;
use serde::Serialize;

/// Aggregates over the trials, like the seed's `"%d%% passed (Good Test: %s)"`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
pub struct TrialStats {
    /// Trials run.
    pub trials: u64,
    /// Trials where the seed's own criterion (`jobs.empty()` after the join) held.
    pub seed_passed: u64,
    /// Trials where every job was processed exactly once and nothing hung.
    pub drained: u64,
    /// Trials that lost at least one job.
    pub lossy_trials: u64,
    /// Jobs lost over all trials.
    pub lost_jobs: u64,
    /// The most jobs lost in one trial.
    pub max_lost: u64,
    /// Trials that hung (detected by the model, not by a timeout).
    pub hangs: u64,
    /// Trials that passed the seed's check although they lost a job (the check is unsound).
    pub passed_but_lost: u64,
}

impl TrialStats {
    /// Adds one trial.
    pub(crate) fn add(&mut self, outcome: &Outcome) {
        let lost = outcome.lost_jobs().len() as u64;
        let passed = outcome.seed_check == Some(true);
        self.trials += 1;
        self.seed_passed += u64::from(passed);
        self.lost_jobs += lost;
        self.max_lost = self.max_lost.max(lost);
        self.lossy_trials += u64::from(lost > 0);
        self.hangs += u64::from(outcome.hang.is_some());
        self.passed_but_lost += u64::from(passed && lost > 0);
        self.drained +=
            u64::from(lost == 0 && outcome.duplicated_jobs().is_empty() && outcome.hang.is_none());
    }

    /// The seed's pass rate, in percent.
    pub fn seed_pass_percent(&self) -> u64 {
        (self.seed_passed * 100)
            .checked_div(self.trials)
            .unwrap_or(0)
    }

    /// The share of trials that drained every job exactly once, in percent.
    pub fn drained_percent(&self) -> u64 {
        (self.drained * 100).checked_div(self.trials).unwrap_or(0)
    }

    /// Jobs lost per trial, on average.
    pub fn mean_lost(&self) -> f64 {
        if self.trials == 0 {
            0.0
        } else {
            self.lost_jobs as f64 / self.trials as f64
        }
    }
}
