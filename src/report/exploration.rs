//! What the breadth-first checker reports besides its verdict: how big the state space was,
//! and, for a violation, the shortest execution of the step relation (`crate::step`) that
//! reaches it. Data only; `crate::render` words it and `crate::check` produces it.

use crate::model::{Item, JobId};
use crate::outcome::{Kind, Property};
use crate::step::{Actor, Local, StepKind, Thread};
use serde::Serialize;

/// What a breadth-first search did.
#[derive(Clone, Copy, Debug, Default, PartialEq, Serialize)]
pub struct Stats {
    /// Distinct states found.
    pub states: u64,
    /// Steps taken from every expanded state (to new states or to states already found).
    pub transitions: u64,
    /// States without successors (the ends of executions).
    pub terminal: u64,
    /// The deepest layer reached: the longest shortest path from the initial state.
    pub depth: u32,
    /// The most bytes the search's own tables held at once (their reserved capacity: an
    /// upper bound).
    pub peak_bytes: u64,
    /// Wall-clock time of the search.
    pub seconds: f64,
}

/// A property an ending of the step relation breaks, and who was involved (threads by role:
/// workers are counted, not named).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Finding {
    /// The property broken.
    pub property: Property,
    /// How it was broken.
    pub kind: Kind,
    /// The jobs involved (lost, duplicated, unprocessed at `join()`).
    pub jobs: Vec<JobId>,
    /// The threads involved (for a hang: the ones stuck), by role.
    pub threads: Vec<Thread>,
}

/// One step of an abstract execution: who stepped (a worker by its local state before the
/// step), what it did, which item it moved, and what the queue held after it.
#[derive(Clone, Debug, Serialize)]
pub struct PathStep {
    /// The thread that stepped.
    pub actor: Actor,
    /// The step.
    #[serde(flatten)]
    pub step: StepKind,
    /// The item the step put, wrote or read, if any.
    pub item: Option<Item>,
    /// Each producer's buffer after the step (close markers included).
    pub buffers: Vec<Vec<Item>>,
    /// The pipe (or the channel) after the step.
    pub pipe: Vec<Item>,
    /// Workers per local state after the step (states with none left out).
    pub workers: Vec<(Local, u32)>,
}

/// What the breadth-first search reports besides the verdict.
#[derive(Clone, Debug, Serialize)]
pub struct Exploration {
    /// States, transitions, depth, memory, seconds.
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

#[cfg(test)]
mod tests {
    use super::thousands;

    #[test]
    fn thousands_are_separated() {
        assert_eq!(thousands(0), "0");
        assert_eq!(thousands(999), "999");
        assert_eq!(thousands(1_000), "1,000");
        assert_eq!(thousands(81_160), "81,160");
        assert_eq!(thousands(1_234_567), "1,234,567");
    }
}
