//! One loom search per scenario per test process, shared by every test that judges loom's
//! executions: the step relation's (its endings, and every execution validated against it:
//! `super::loom_outcomes`), the complete enumeration's (final states:
//! `crate::check::enumeration`) and shuttle's samples (`crate::check::loom_covers_shuttle`).
//! It lives beside the step relation's validator, which it runs on every execution.
//! The searches at these sizes take seconds to minutes; running each once keeps the suite
//! within CI's budget.

use super::refinement::validate;
use crate::harness::run_once;
use crate::model::race::Race;
use crate::outcome::{FinalState, Property, final_state};
use crate::scenario::Scenario;
use crate::step::Ending;
use crate::sync::{Loom, lock};
use std::collections::{BTreeSet, HashMap};
use std::sync::{Arc, Mutex, OnceLock};

/// What loom's exhaustive search of a scenario (no preemption bound) saw.
#[derive(Debug, Default)]
pub(crate) struct LoomRun {
    pub executions: u64,
    /// The final states of the complete enumeration's comparison.
    pub finals: BTreeSet<FinalState>,
    /// The step relation's endings (`Ending`, written out).
    pub endings: BTreeSet<String>,
    /// The first race the race check found, with the final state of its execution.
    pub race: Option<(Race, FinalState)>,
    /// Where an execution is not one of the step relation, or an ending judges a property
    /// otherwise than the model (the first few).
    pub failures: Vec<String>,
}

/// A search, run by the first test that asks for it; the others wait for it.
type Shared = Arc<OnceLock<Arc<LoomRun>>>;

/// loom's search of `scenario`, run once per process.
pub(crate) fn loom_run(scenario: Scenario) -> Arc<LoomRun> {
    static RUNS: OnceLock<Mutex<HashMap<Scenario, Shared>>> = OnceLock::new();
    let cell = {
        let mut runs = lock(RUNS.get_or_init(Mutex::default));
        Arc::clone(runs.entry(scenario).or_default())
    };
    Arc::clone(cell.get_or_init(|| Arc::new(search(scenario))))
}

fn search(scenario: Scenario) -> LoomRun {
    let seen = Arc::new(Mutex::new(LoomRun::default()));
    let sink = Arc::clone(&seen);
    crate::check::loom::builder(None).check(move || {
        let outcome = run_once::<Loom>(&scenario, true);
        let ending = Ending::from_outcome(&outcome);
        let finished = final_state(&outcome);
        let mut seen = lock(&sink);
        seen.executions += 1;
        if seen.race.is_none()
            && let Some(race) = &outcome.race
        {
            seen.race = Some((race.clone(), finished.clone()));
        }
        for property in Property::ALL {
            let judged = ending.violation(property).map(|f| (f.kind, f.jobs));
            let by_model = outcome.violation(property).map(|v| (v.kind, v.jobs));
            if judged != by_model {
                seen.failures.push(format!(
                    "{property} judged differently: {judged:?} by the ending, {by_model:?} by \
                     the model"
                ));
            }
        }
        if let Err(mismatch) = validate(&scenario, &outcome)
            && seen.failures.len() < 3
        {
            let events: Vec<String> = outcome
                .events
                .iter()
                .enumerate()
                .map(|(i, e)| format!("{:>3} {}: {:?}", i + 1, outcome.lanes[e.lane], e.op))
                .collect();
            let execution = seen.executions;
            seen.failures.push(format!(
                "execution {execution} is not one of the relation: {mismatch}\n{}",
                events.join("\n")
            ));
        }
        seen.endings.insert(format!("{ending:?}"));
        seen.finals.insert(finished);
    });
    Arc::into_inner(seen)
        .expect("the search is over")
        .into_inner()
        .expect("no panic")
}
