//! Which search to run, with its bounds and its defaults.

use crate::outcome::Property;
use crate::scenario::{Scenario, SentinelRange, Target};
use serde::Serialize;

/// Which search to run, with its bounds. A new checker is a variant here (its name and
/// defaults), a [`Coverage`](super::Coverage) it reports, and a module of `crate::check`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case", tag = "name")]
pub enum Checker {
    /// loom: exhaustive (DPOR). With a preemption bound, exhaustive up to that many
    /// preemptions. Without one, the answer is a proof within the scenario's sizes.
    Loom {
        /// Explore executions with at most this many preemptions (`None`: all of them).
        preemption_bound: Option<usize>,
    },
    /// shuttle's uniformly random scheduler.
    Random {
        /// Schedules to sample.
        iterations: usize,
        /// The scheduler's seed.
        seed: u64,
    },
    /// shuttle's PCT scheduler (probabilistic concurrency testing) with bug depth `depth`.
    Pct {
        /// Schedules to sample.
        iterations: usize,
        /// The scheduler's seed.
        seed: u64,
        /// The bug depth PCT aims at: how many ordering constraints a bug needs.
        depth: usize,
    },
    /// shuttle's depth-first search. It does no partial-order reduction: prefer loom.
    Dfs {
        /// The most schedules to explore.
        max_iterations: usize,
    },
    /// Real OS threads: the seed's experiment, `trials` times.
    Threads {
        /// Runs of the scenario.
        trials: usize,
    },
    /// Breadth-first search of the step relation (`crate::step`), workers counted, not
    /// named: exhaustive, a proof within the scenario's sizes.
    Bfs {
        /// Give up after finding this many states (then inconclusive).
        max_states: Option<u64>,
    },
    /// An all-sizes proof by induction over the step relation, with z3 discharging every
    /// obligation: the properties for *every* scenario of the checked scenario's protocol
    /// (`crate::scenario::Target`), `W >= 1`, `J >= 0`, `C >= 1` and the sentinels in
    /// `sentinels`. The checked scenario's own sizes are one instance; they do not narrow
    /// the claim.
    Induction {
        /// How the sentinels range (`sentinel` only).
        sentinels: SentinelRange,
    },
}

impl Checker {
    /// Schedules (random, pct, dfs) or trials (threads) when none are asked for.
    pub const DEFAULT_ITERATIONS: usize = 1000;
    /// The random and pct schedulers' seed when none is asked for.
    pub const DEFAULT_SEED: u64 = 0;
    /// PCT's bug depth: most drain bugs need one or two ordering constraints.
    pub const PCT_DEPTH: usize = 3;
    /// The most schedules or trials one check may ask for: enough for any real search, and a
    /// typo like `10000000000` is refused instead of running for days.
    pub const MAX_ITERATIONS: usize = 10_000_000;

    /// Every checker's name, as [`Checker::name`] spells it.
    pub const NAMES: [&'static str; 7] = [
        "loom",
        "random",
        "pct",
        "dfs",
        "threads",
        "bfs",
        "induction",
    ];

    /// loom without a preemption bound: a proof if it finds nothing.
    pub const LOOM: Checker = Checker::Loom {
        preemption_bound: None,
    };

    /// PCT with the default depth.
    pub fn pct(iterations: usize, seed: u64) -> Checker {
        Checker::Pct {
            iterations,
            seed,
            depth: Checker::PCT_DEPTH,
        }
    }

    /// The checker's name in JSON, tables and `--checker`.
    pub fn name(&self) -> &'static str {
        match self {
            Checker::Loom { .. } => "loom",
            Checker::Random { .. } => "random",
            Checker::Pct { .. } => "pct",
            Checker::Dfs { .. } => "dfs",
            Checker::Threads { .. } => "threads",
            Checker::Bfs { .. } => "bfs",
            Checker::Induction { .. } => "induction",
        }
    }

    /// What a check of `scenario` by this checker is about, in words: the scenario
    /// (`sentinel W=2 J=2 C=1`), or for an all-sizes proof every scenario of its target
    /// (`sentinel, every W >= 1, J >= 0, C >= 1`).
    pub fn subject(&self, scenario: &Scenario) -> String {
        match *self {
            Checker::Induction { sentinels } => Target::of(scenario, sentinels).to_string(),
            _ => scenario.to_string(),
        }
    }

    /// The exact `drainproof check` command line that runs this checker on `scenario` for
    /// `properties` (an all-sizes proof names the target's flags, no sizes).
    pub fn command(&self, scenario: &Scenario, properties: &[Property]) -> String {
        let s = scenario;
        let mut cmd = match *self {
            Checker::Induction { sentinels } => {
                format!("drainproof check {}", Target::of(s, sentinels).flags())
            }
            _ => {
                let mut cmd = format!(
                    "drainproof check --protocol {} --workers {} --jobs {} --pipe-capacity {}",
                    s.protocol, s.workers, s.jobs, s.pipe_capacity
                );
                if let Some(k) = s.sentinels {
                    cmd += &format!(" --sentinels {k}");
                }
                if s.prefilled {
                    cmd += " --prefilled";
                }
                cmd
            }
        };
        if properties != Property::DRAIN {
            let names: Vec<&str> = properties.iter().map(|p| p.name()).collect();
            cmd += &format!(" --property {}", names.join(","));
        }
        cmd += &match *self {
            Checker::Loom {
                preemption_bound: None,
            } => " --checker loom".to_string(),
            Checker::Loom {
                preemption_bound: Some(k),
            } => format!(" --checker loom --preemption-bound {k}"),
            Checker::Random { iterations, seed } => {
                format!(" --checker random --iterations {iterations} --seed {seed}")
            }
            Checker::Pct {
                iterations, seed, ..
            } => format!(" --checker pct --iterations {iterations} --seed {seed}"),
            Checker::Dfs { max_iterations } => {
                format!(" --checker dfs --iterations {max_iterations}")
            }
            Checker::Threads { trials } => format!(" --checker threads --iterations {trials}"),
            Checker::Bfs { max_states: None } => " --checker bfs".to_string(),
            Checker::Bfs {
                max_states: Some(n),
            } => format!(" --checker bfs --max-states {n}"),
            Checker::Induction { .. } => " --checker induction".to_string(),
        };
        cmd
    }

    /// Executions the checker is asked to run, if it is given a number (loom explores
    /// whatever its bound allows).
    pub fn asked(&self) -> Option<u64> {
        match *self {
            Checker::Loom { .. } | Checker::Bfs { .. } | Checker::Induction { .. } => None,
            Checker::Random { iterations, .. } | Checker::Pct { iterations, .. } => {
                Some(iterations as u64)
            }
            Checker::Dfs { max_iterations } => Some(max_iterations as u64),
            Checker::Threads { trials } => Some(trials as u64),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_lists_every_name() {
        let checkers = [
            Checker::LOOM,
            Checker::Random {
                iterations: 1,
                seed: 0,
            },
            Checker::pct(1, 0),
            Checker::Dfs { max_iterations: 1 },
            Checker::Threads { trials: 1 },
            Checker::Bfs { max_states: None },
            Checker::Induction {
                sentinels: SentinelRange::PerWorker,
            },
        ];
        let names: Vec<&str> = checkers.iter().map(Checker::name).collect();
        assert_eq!(names, Checker::NAMES);
    }
}
