//! Real threads: the seed's experiment. No schedule is controlled, so nothing is proved and
//! nothing replays; what it shows is that the model's bug happens on real hardware.

use super::progress::Progress;
use super::search::{Counterexample, Search};
use super::{Found, Options};
use crate::harness::run_once;
use crate::outcome::Property;
use crate::scenario::Scenario;
use crate::sync::StdThreads;
use serde::Serialize;

/// Aggregates over the trials, like the seed's `"%d%% passed (Good Test: %s)"`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
pub struct TrialStats {
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
    /// The seed's pass rate, in percent.
    pub fn seed_pass_percent(&self) -> u64 {
        (self.seed_passed * 100)
            .checked_div(self.trials)
            .unwrap_or(0)
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

pub fn search(
    scenario: &Scenario,
    properties: &[Property],
    trials: usize,
    options: Options,
) -> Found {
    let progress = Progress::new(options.progress, format!("threads {scenario}"));
    let mut search = Search::new(properties, progress);
    let mut stats = TrialStats::default();
    for _ in 0..trials {
        let execution = search.start();
        let outcome = run_once::<StdThreads>(scenario, true);
        let lost = outcome.lost_jobs().len() as u64;
        stats.trials += 1;
        stats.seed_passed += u64::from(outcome.seed_check == Some(true));
        stats.lost_jobs += lost;
        stats.max_lost = stats.max_lost.max(lost);
        stats.lossy_trials += u64::from(lost > 0);
        stats.hangs += u64::from(outcome.hang.is_some());
        stats.passed_but_lost += u64::from(outcome.seed_check == Some(true) && lost > 0);
        stats.drained +=
            u64::from(lost == 0 && outcome.duplicated_jobs().is_empty() && outcome.hang.is_none());
        search.observe(execution, outcome, || ());
    }
    Found {
        executions: search.executions,
        counterexample: search
            .best
            .map(|best| Counterexample::new(best.outcome, best.violation, None, None)),
        loom_bound: None,
        trials: Some(stats),
        inconclusive: None,
    }
}
