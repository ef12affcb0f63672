//! Real threads: the seed's experiment. No schedule is controlled, so nothing is proved and
//! nothing replays; what it shows is that the model's bug happens on real hardware.

use super::Context;
use super::search::{Found, Search, counterexample};
use crate::harness::run_once;
use crate::outcome::Property;
use crate::report::{Coverage, TrialStats, Verdict};
use crate::scenario::Scenario;
use crate::sync::StdThreads;

/// Runs `trials` trials, until `context`'s limits stop them.
pub(crate) fn search(
    scenario: &Scenario,
    properties: &[Property],
    trials: usize,
    context: &Context,
) -> Found {
    context.progress.search(format!("threads {scenario}"));
    let mut search = Search::new(properties, context.progress.clone());
    let mut stats = TrialStats::default();
    let mut limit = None;
    for _ in 0..trials {
        limit = context.limits.reached();
        if limit.is_some() {
            break;
        }
        let execution = search.start();
        let outcome = run_once::<StdThreads>(scenario, true);
        stats.add(&outcome);
        search.observe(execution, outcome, || ());
    }
    Found {
        executions: search.executions,
        counterexample: search
            .best
            .map(|best| counterexample(best.outcome, best.violation, None, None)),
        coverage: Coverage::Sampled {
            executions: search.executions,
            asked: trials as u64,
            cut: limit.is_some(),
        },
        trials: Some(stats),
        exploration: None,
        proof: None,
        cut: limit.map(|limit| limit.reason(search.executions)),
        clean: Verdict::NoCounterexample {
            schedules: search.executions,
            seed: None,
        },
    }
}
