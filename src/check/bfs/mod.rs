//! `--checker bfs`: exhaustive breadth-first search of the step relation (`crate::step`), with
//! the workers counted, not named.
//!
//! - [`search`]: the search itself, over any packed state space ([`search::Space`]).
//! - [`table`]: its exact visited set; [`codec`]: a scenario's states in bytes.
//! - [`judge`]: the properties, judged on how an execution ended.
//! - [`follow`]: a violation's shortest path, taken by the code-level model and printed.
//! - [`refinement`]: an execution of the code-level model, validated step by step against the
//!   relation.
//!
//! The search judges every *terminal* state (no step enabled: the execution finished or hung)
//! against the properties, in breadth-first order, so the first violation it meets ends a
//! shortest execution that has one; and after an exhaustive search it looks for a reachable
//! cycle (an execution that never finishes), which it can only meet if some step leads back to
//! a state no deeper than the one it left (it notes whether any does).

pub mod codec;
pub mod follow;
pub mod judge;
pub mod refinement;
pub mod search;
pub mod table;

use super::search::Found;
use super::{CheckError, Context};
use crate::outcome::Property;
use crate::report::{Coverage, Exploration, Finding, PathStep, Verdict};
use crate::scenario::{InvalidScenario, Protocol, Scenario};
use crate::step::{Concrete, JobCounts, Local, PipeOrder, Relation, State, StepKind};
use codec::Codec;

/// A scenario's relation as a packed state space, judged by `properties`.
pub struct ScenarioSpace {
    pub relation: Relation<Concrete>,
    pub kinds: Vec<StepKind>,
    codec: Codec,
    properties: Vec<Property>,
}

impl ScenarioSpace {
    pub fn new(scenario: &Scenario, properties: &[Property]) -> ScenarioSpace {
        let relation = Relation::of(scenario);
        let kinds = relation.kinds();
        assert!(kinds.len() <= usize::from(u8::MAX), "a label per step kind");
        ScenarioSpace {
            codec: Codec::new(&relation),
            relation,
            kinds,
            properties: properties.to_vec(),
        }
    }

    pub fn unpack(&self, bytes: &[u8]) -> State<Concrete, JobCounts> {
        self.codec.unpack(bytes, self.relation.sizes.jobs as usize)
    }
}

impl search::Space for ScenarioSpace {
    type Finding = Finding;

    fn stride(&self) -> usize {
        self.codec.stride()
    }

    fn initial(&self, out: &mut Vec<u8>) {
        self.codec.pack(&self.relation.start(), out);
    }

    fn successors(&self, state: &[u8], out: &mut Vec<u8>, labels: &mut Vec<u8>) {
        let s = self.unpack(state);
        for (label, &kind) in self.kinds.iter().enumerate() {
            if let Some((_, next)) = self.relation.step(&Concrete, &s, kind) {
                self.codec.pack(&next, out);
                labels.push(label as u8);
            }
        }
    }

    fn judge(&self, terminal: &[u8]) -> Option<Finding> {
        let ending = self.relation.ending(&self.unpack(terminal));
        self.properties.iter().find_map(|&p| ending.violation(p))
    }
}

/// Sizes the search can hold: every counter in a byte, every job in the ledger's bit sets.
pub(crate) fn validate(scenario: &Scenario) -> Result<(), InvalidScenario> {
    scenario.validate()?;
    let too_large =
        |what, value, limit| Err(InvalidScenario::TooLargeForBfs { what, value, limit });
    if scenario.jobs > JobCounts::MAX_JOBS {
        return too_large("jobs", scenario.jobs, JobCounts::MAX_JOBS);
    }
    let sequence = scenario.jobs + scenario.sentinel_count() + 1;
    if sequence > usize::from(u8::MAX) {
        return too_large(
            "jobs and sentinels together",
            sequence - 1,
            usize::from(u8::MAX) - 1,
        );
    }
    let in_pipe = scenario.pipe_capacity.min(sequence - 1);
    if scenario.protocol == Protocol::ForeignSentinel && in_pipe > PipeOrder::CAPACITY {
        return too_large(
            "items in foreign-sentinel's pipe",
            in_pipe,
            PipeOrder::CAPACITY,
        );
    }
    Ok(())
}

impl ScenarioSpace {
    /// The steps from `from` to `to` (a step of the relation leads from one to the other).
    fn path_step(
        &self,
        from: &State<Concrete, JobCounts>,
        to: &State<Concrete, JobCounts>,
    ) -> PathStep {
        let r = &self.relation;
        let kind = self
            .kinds
            .iter()
            .copied()
            .find(|&kind| {
                r.step(&Concrete, from, kind)
                    .is_some_and(|(_, next)| self.codec_eq(&next, to))
            })
            .expect("consecutive states of a path are a step apart");
        let producers = if r.shape.two_producers() { 2 } else { 1 };
        PathStep {
            actor: kind.actor(),
            step: kind,
            item: r.moved(from, kind),
            buffers: (0..producers).map(|p| r.buffer(to, p)).collect(),
            pipe: r.pipe(to),
            workers: Local::ALL
                .iter()
                .filter(|l| to.workers[l.index()] > 0)
                .map(|&l| (l, to.workers[l.index()] as u32))
                .collect(),
        }
    }

    fn codec_eq(&self, a: &State<Concrete, JobCounts>, b: &State<Concrete, JobCounts>) -> bool {
        let (mut x, mut y) = (Vec::new(), Vec::new());
        self.codec.pack(a, &mut x);
        self.codec.pack(b, &mut y);
        x == y
    }

    /// The path through the states numbered `states`.
    fn path(&self, explored: &search::Explored<Finding>, states: &[u32]) -> Vec<PathStep> {
        let unpacked: Vec<_> = states
            .iter()
            .map(|&i| self.unpack(explored.visited.get(i)))
            .collect();
        unpacked
            .windows(2)
            .map(|pair| self.path_step(&pair[0], &pair[1]))
            .collect()
    }
}

/// Every way an execution of `scenario`'s step relation can end: the ending of every
/// reachable terminal state.
#[cfg_attr(not(test), allow(dead_code))]
pub fn endings(scenario: &Scenario) -> Vec<crate::step::Ending> {
    let space = ScenarioSpace::new(scenario, &[]);
    let explored = search::explore(&space, search::Limits::default(), |_| ());
    assert!(
        matches!(explored.end, search::End::Exhausted),
        "{:?}",
        explored.end
    );
    (0..explored.visited.len() as u32)
        .map(|i| space.unpack(explored.visited.get(i)))
        .filter(|s| space.relation.successors(s).is_empty())
        .map(|s| space.relation.ending(&s))
        .collect()
}

#[cfg(all(test, feature = "loom"))]
mod loom_outcomes;
#[cfg(all(test, feature = "loom"))]
pub(crate) mod loom_runs;
#[cfg(test)]
mod sampled_refinement;
#[cfg(test)]
mod tests;

/// Threads that expand states: one. Measured on this project's 2-core machine, a second
/// expanding thread made the search slower (foreign-sentinel W=16 J=16 C=4: 1.07 s with one,
/// 1.51 s with two; sentinel W=64 J=126 C=64: 1.65 s and 1.83 s): inserting successors into
/// the visited set, which is sequential, dominates, and expanding in parallel only adds the
/// copying of successors between threads. [`search::Limits::threads`] keeps the choice open.
fn threads() -> usize {
    1
}

/// Runs `--checker bfs` on `scenario`.
pub(crate) fn search(
    scenario: &Scenario,
    properties: &[Property],
    max_states: Option<u64>,
    context: &Context,
) -> Result<Found, CheckError> {
    validate(scenario)?;
    let space = ScenarioSpace::new(scenario, properties);
    let threads = threads();
    let limits = search::Limits {
        max_states,
        cut: context.limits.clone(),
        threads,
    };
    context.progress.search(format!("bfs {scenario}"));
    let explored = search::explore(&space, limits, |stats| context.progress.set(stats.states));
    let cycle = matches!(explored.end, search::End::Cycle { .. });
    let (finding, path, cut) = match &explored.end {
        search::End::Exhausted => (None, Vec::new(), None),
        search::End::Violation { state, finding } => (
            Some(finding.clone()),
            space.path(&explored, &explored.path(*state)),
            None,
        ),
        search::End::Cycle { states } if properties.contains(&Property::Termination) => {
            let mut through = explored.path(states[0]);
            through.extend(&states[1..]);
            through.push(states[0]);
            let finding = Finding {
                property: Property::Termination,
                kind: crate::outcome::Kind::Hang,
                jobs: Vec::new(),
                threads: Vec::new(),
            };
            (Some(finding), space.path(&explored, &through), None)
        }
        search::End::Cycle { .. } => (None, Vec::new(), None),
        search::End::Stopped { reason } => (None, Vec::new(), Some(reason.clone())),
    };
    // A violation's shortest path, taken by the code-level model: what is printed. A cycle
    // has no finite execution to print (the relation has none in the catalog's protocols:
    // every step moves an item or a thread forward).
    let counterexample = match (&finding, cycle) {
        (Some(finding), false) => {
            let steps: Vec<StepKind> = path.iter().map(|p| p.step).collect();
            Some(
                follow::counterexample(scenario, &steps, finding)
                    .map_err(CheckError::Refinement)?,
            )
        }
        _ => None,
    };
    let complete = finding.is_none() && cut.is_none();
    Ok(Found {
        executions: 0,
        counterexample,
        coverage: Coverage::States {
            states: explored.stats.states,
            complete,
        },
        trials: None,
        exploration: Some(Exploration {
            stats: explored.stats,
            threads,
            finding,
            cycle,
            path,
        }),
        proof: None,
        cut,
        clean: Verdict::Proved,
    })
}
