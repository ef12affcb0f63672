//! loom's reduction against a complete enumeration of the code-level model (issue 14, item 2).
//!
//! loom explores one execution per class of equivalent interleavings, and trusts the model to
//! show it every conflict (docs/model.md, section 3.12). The enumerating backend
//! (`crate::sync::Enumerate`) trusts nothing: it schedules at every backend operation and every
//! world access, and explores every interleaving up to states already seen. So at a size both
//! can explore, the final states they reach must be the same set; a final state only the
//! enumeration reaches is a behaviour loom's reduction skipped.
//!
//! A final state ([`final_state`]) is what each thread did, in its own order (every event of
//! its trace but the hang detector's `blocked` rows: what each read returned, what each poll
//! answered, when a timed get waited, what it processed), what was left where, who hung on
//! what, and the one order between threads a property reads: which jobs were processed when
//! `JoinableQueue.join()` returned. Threads are named, not numbered (lane numbers follow the
//! order threads were started in, which schedules may change).

use crate::harness::run_once;
use crate::model::race::Race;
use crate::outcome::Outcome;
use crate::scenario::Protocol;
use crate::scenario::Scenario;
use crate::sync::{Enumerate, Enumeration, explore, lock};
use std::collections::BTreeSet;
use std::sync::{Arc, Mutex};

pub(crate) use crate::outcome::{FinalState, final_state};

/// What a search of a scenario reached: its final states, and the first race the model's race
/// check found on the way (a sound model has none).
#[derive(Debug, Default)]
pub(crate) struct Reached {
    pub finals: BTreeSet<FinalState>,
    pub race: Option<(Race, String)>,
}

impl Reached {
    fn add(&mut self, outcome: &Outcome) {
        if let (None, Some(race)) = (&self.race, &outcome.race) {
            self.race = Some((race.clone(), final_state(outcome)));
        }
        self.finals.insert(final_state(outcome));
    }
}

/// Every final state of `scenario`, by the complete enumeration.
pub(crate) fn enumerate(scenario: Scenario) -> (Reached, Enumeration) {
    let reached = Arc::new(Mutex::new(Reached::default()));
    let sink = Arc::clone(&reached);
    let enumeration = explore(
        move || {
            let outcome = run_once::<Enumerate>(&scenario, false);
            lock(&sink).add(&outcome);
        },
        || true,
    );
    let reached = Arc::into_inner(reached)
        .expect("the search is over")
        .into_inner()
        .expect("no panic");
    (reached, enumeration)
}

/// Every final state of `scenario` that loom's exhaustive search (no preemption bound)
/// reaches, and its number of executions.
#[cfg(feature = "loom")]
pub(crate) fn loom_search(scenario: Scenario) -> (Reached, u64) {
    use crate::sync::Loom;
    let reached = Arc::new(Mutex::new((Reached::default(), 0u64)));
    let sink = Arc::clone(&reached);
    crate::check::loom::builder(None).check(move || {
        let outcome = run_once::<Loom>(&scenario, false);
        let mut sink = lock(&sink);
        sink.0.add(&outcome);
        sink.1 += 1;
    });
    Arc::into_inner(reached)
        .expect("the search is over")
        .into_inner()
        .expect("no panic")
}

/// The smallest sizes of `protocol` (issue 14, item 2): W <= 2 (as loom's thread limit
/// allows), J <= 2, C <= 2, with and without a prefilled pipe where it applies, and the
/// sentinel counts the catalog uses.
pub fn smallest(protocol: Protocol) -> Vec<Scenario> {
    let mut scenarios = Vec::new();
    for workers in 1..=2 {
        for jobs in 1..=2 {
            for capacity in 1..=2 {
                let scenario = Scenario::new(protocol, workers, jobs, capacity);
                scenarios.push(scenario);
                scenarios.push(scenario.prefilled());
            }
        }
    }
    if protocol == Protocol::Sentinel {
        scenarios.extend([
            Scenario::new(protocol, 2, 1, 1).with_sentinels(1),
            Scenario::new(protocol, 1, 1, 2).with_sentinels(2),
            Scenario::new(protocol, 1, 1, 1).with_sentinels(3),
        ]);
    }
    scenarios.retain(|s| s.validate_for_loom().is_ok());
    scenarios
}

/// What the comparison of one scenario cost, for `cargo bench --bench enumeration_cost`.
#[derive(Clone, Debug)]
pub struct Cost {
    /// Distinct states the enumeration met.
    pub states: u64,
    /// Executions it ran (each from the start).
    pub executions: u64,
    /// Final states it reached.
    pub final_states: usize,
    /// Its wall time.
    pub seconds: f64,
    /// loom's executions and wall time, and whether its final states were the same, if it ran.
    pub loom: Option<(u64, f64, bool)>,
}

/// Runs the enumeration of `scenario` (and loom's search, if `with_loom` and the `loom`
/// feature is on) and says what it cost.
pub fn cost(scenario: Scenario, with_loom: bool) -> Cost {
    let started = std::time::Instant::now();
    let (reached, enumeration) = enumerate(scenario);
    let seconds = started.elapsed().as_secs_f64();
    #[cfg(feature = "loom")]
    let loom = with_loom.then(|| {
        let started = std::time::Instant::now();
        let (loomed, executions) = loom_search(scenario);
        let same = loomed.finals == reached.finals;
        (executions, started.elapsed().as_secs_f64(), same)
    });
    #[cfg(not(feature = "loom"))]
    let loom = {
        let _ = with_loom;
        None
    };
    Cost {
        states: enumeration.states,
        executions: enumeration.executions,
        final_states: reached.finals.len(),
        seconds,
        loom,
    }
}

#[cfg(all(test, feature = "loom"))]
mod tests;
