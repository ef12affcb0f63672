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

pub use judge::Finding;
pub use search::Stats;

use super::progress::Progress;
use super::{CheckError, Checker, Options, Report, Verdict};
use crate::model::Item;
use crate::outcome::Property;
use crate::scenario::{InvalidScenario, Protocol, Scenario};
use crate::step::{Actor, Concrete, JobCounts, Local, PipeOrder, Relation, State, StepKind};
use codec::Codec;
use serde::Serialize;
use std::time::Instant;

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
pub fn validate(scenario: &Scenario) -> Result<(), InvalidScenario> {
    scenario.validate()?;
    let bad = |msg: String| Err(InvalidScenario(msg));
    if scenario.jobs > JobCounts::MAX_JOBS {
        return bad(format!(
            "--checker bfs handles at most {} jobs, not {}",
            JobCounts::MAX_JOBS,
            scenario.jobs
        ));
    }
    let sequence = scenario.jobs + scenario.sentinel_count() + 1;
    if sequence > usize::from(u8::MAX) {
        return bad(format!(
            "--checker bfs handles at most 254 jobs and sentinels together, not {}",
            sequence - 1
        ));
    }
    let in_pipe = scenario.pipe_capacity.min(sequence - 1);
    if scenario.protocol == Protocol::ForeignSentinel && in_pipe > PipeOrder::CAPACITY {
        return bad(format!(
            "--checker bfs handles foreign-sentinel with at most {} items in the pipe",
            PipeOrder::CAPACITY
        ));
    }
    Ok(())
}

/// One step of an abstract counterexample: who stepped (a worker by its local state before the
/// step), what it did, which item it moved, and what the queue held after it.
#[derive(Clone, Debug, Serialize)]
pub struct PathStep {
    pub actor: Actor,
    #[serde(flatten)]
    pub step: StepKind,
    pub item: Option<Item>,
    /// Each producer's buffer after the step (close markers included).
    pub buffers: Vec<Vec<Item>>,
    pub pipe: Vec<Item>,
    /// Workers per local state after the step (states with none left out).
    pub workers: Vec<(Local, u32)>,
}

/// What the breadth-first search reports besides the verdict.
#[derive(Clone, Debug, Serialize)]
pub struct Exploration {
    #[serde(flatten)]
    pub stats: Stats,
    /// Threads that expanded states.
    pub threads: usize,
    /// The violation found, if any.
    pub finding: Option<Finding>,
    /// The violation is a reachable cycle: the path ends by going round it (`finding` is a
    /// `termination` violation of kind `hang` with no thread blocked: the threads run forever
    /// without finishing).
    pub cycle: bool,
    /// A shortest execution of the step relation that ends in the violation; for a cycle, the
    /// path to it followed by the cycle.
    pub path: Vec<PathStep>,
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

#[cfg(test)]
mod follow_tests;
#[cfg(all(test, feature = "loom"))]
mod loom_outcomes;
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
pub fn check(
    scenario: &Scenario,
    properties: &[Property],
    max_states: Option<u64>,
    options: Options,
) -> Result<Report, CheckError> {
    validate(scenario)?;
    let started = Instant::now();
    let space = ScenarioSpace::new(scenario, properties);
    let threads = threads();
    let limits = search::Limits {
        max_states,
        time_limit: options.time_limit,
        threads,
    };
    let progress = StateProgress::new(options.progress, format!("bfs {scenario}"));
    let explored = search::explore(&space, limits, |stats| progress.set(stats));
    drop(progress);
    let cycle = matches!(explored.end, search::End::Cycle { .. });
    let (verdict, finding, path) = match &explored.end {
        search::End::Exhausted => (Verdict::Proved, None, Vec::new()),
        search::End::Violation { state, finding } => (
            Verdict::Violated,
            Some(finding.clone()),
            space.path(&explored, &explored.path(*state)),
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
            (
                Verdict::Violated,
                Some(finding),
                space.path(&explored, &through),
            )
        }
        search::End::Cycle { .. } => (Verdict::Proved, None, Vec::new()),
        search::End::Stopped { reason } => (
            Verdict::Inconclusive {
                reason: reason.clone(),
            },
            None,
            Vec::new(),
        ),
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
    Ok(Report {
        scenario: *scenario,
        properties: properties.to_vec(),
        checker: Checker::Bfs { max_states },
        verdict,
        executions: 0,
        seconds: started.elapsed().as_secs_f64(),
        counterexample,
        trials: None,
        bfs: Some(Exploration {
            stats: explored.stats,
            threads,
            finding,
            cycle,
            path,
        }),
    })
}

/// `1234567` as `1,234,567`.
pub fn thousands(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// A progress bar on a terminal; a line every ten seconds when stderr is piped.
struct StateProgress {
    bar: Progress,
    label: String,
    piped: bool,
    last: std::cell::Cell<Instant>,
}

impl StateProgress {
    fn new(enabled: bool, label: String) -> StateProgress {
        use std::io::IsTerminal;
        StateProgress {
            bar: Progress::counting(enabled, label.clone(), "states"),
            piped: enabled && !std::io::stderr().is_terminal(),
            label,
            last: std::cell::Cell::new(Instant::now()),
        }
    }

    fn set(&self, stats: &Stats) {
        self.bar.set(stats.states);
        if self.piped && self.last.get().elapsed().as_secs() >= 10 {
            self.last.set(Instant::now());
            eprintln!(
                "drainproof: {}: {} states, depth {}, {:.0}s",
                self.label,
                thousands(stats.states),
                stats.depth,
                stats.seconds
            );
        }
    }
}

impl Exploration {
    /// `1,234 transitions, depth 40, 1.2 MiB, 0.01s`.
    pub fn measures(&self) -> String {
        let s = &self.stats;
        format!(
            "{} transitions, depth {}, {:.1} MiB, {:.2}s",
            thousands(s.transitions),
            s.depth,
            s.peak_bytes as f64 / (1024.0 * 1024.0),
            s.seconds
        )
    }

    /// The abstract counterexample, one line per step, or nothing.
    pub fn text(&self) -> String {
        let Some(finding) = &self.finding else {
            return String::new();
        };
        let mut what = format!("{} violated ({:?}", finding.property, finding.kind);
        if !finding.jobs.is_empty() {
            what += &format!(", jobs {:?}", finding.jobs);
        }
        if self.cycle {
            what += ", a cycle that never finishes";
        }
        what += ")";
        let mut out = format!(
            "shortest execution of the step relation to the violation: {} steps, {what}\n",
            self.path.len()
        );
        let items = |list: &[Item]| {
            let words: Vec<String> = list.iter().map(crate::render::item).collect();
            format!("[{}]", words.join(" "))
        };
        for (n, step) in self.path.iter().enumerate() {
            let actor = match step.actor {
                Actor::Main => "producer".to_string(),
                Actor::Second => "producer-1".to_string(),
                Actor::Feeder(p) => format!("feeder-{p}"),
                Actor::Worker(local) => format!("worker({})", local.name()),
            };
            let kind = match step.step {
                StepKind::Worker { op, .. } => format!("{op:?}"),
                other => format!("{other:?}"),
            };
            let item = step
                .item
                .as_ref()
                .map(crate::render::item)
                .unwrap_or_default();
            let buffers: Vec<String> = step.buffers.iter().map(|b| items(b)).collect();
            let workers: Vec<String> = step
                .workers
                .iter()
                .map(|(l, n)| format!("{}:{n}", l.name()))
                .collect();
            out += &format!(
                "{:>4}  {actor:<18} {kind:<22} {item:<6} buffer {} pipe {} workers {}\n",
                n + 1,
                buffers.join(" "),
                items(&step.pipe),
                workers.join(" ")
            );
        }
        out
    }
}
