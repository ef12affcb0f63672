//! When an obligation fails, the state the solver found satisfies the invariant but may be
//! unreachable: it is no counterexample. What is shown instead is a *reachable* violation,
//! found by the breadth-first checker (`crate::check::bfs`) at the sizes the failed
//! obligation's model suggests, then at the next smallest sizes, so it is printed the way
//! bfs prints its own (and with the code-level trace, once bfs maps its paths onto the
//! model).

use super::target::{Sentinels, Target};
use crate::check::{Checker, Options, Report, Verdict, check};
use crate::outcome::Property;
use crate::scenario::{Protocol, Scenario};
use serde::Serialize;

/// The largest `W`, `J` and `C` the search tries (and `J >= 1`, as the command line wants).
pub const MAX_SIZE: usize = 4;

/// The states one bfs run of the search may visit (every scenario it tries is tiny).
const MAX_STATES: u64 = 1_000_000;

/// A reachable violation, or how far the search for one went.
#[derive(Clone, Debug, Serialize)]
pub struct Witness {
    /// The failed obligation's model, if it had one: where the search started.
    pub suggested: Option<super::Model>,
    /// Scenarios bfs checked.
    pub tried: usize,
    /// bfs's report on the first scenario with a violation.
    pub report: Option<Report>,
    /// The command line that reruns it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub command: Option<String>,
}

/// `drainproof check ... --checker bfs` for `scenario` and `properties`.
fn command(scenario: &Scenario, properties: &[Property]) -> String {
    let mut cmd = format!(
        "drainproof check --protocol {} --workers {} --jobs {} --pipe-capacity {}",
        scenario.protocol, scenario.workers, scenario.jobs, scenario.pipe_capacity
    );
    if let Some(k) = scenario.sentinels {
        cmd += &format!(" --sentinels {k}");
    }
    if scenario.prefilled {
        cmd += " --prefilled";
    }
    if properties != Property::DRAIN {
        let names: Vec<String> = properties
            .iter()
            .map(|p| super::target::flag_value(*p))
            .collect();
        cmd += &format!(" --property {}", names.join(","));
    }
    cmd + " --checker bfs"
}

/// The scenario of `target` at `w`, `j`, `c` and `k`, if those sizes are in its range.
fn scenario(target: &Target, w: usize, j: usize, c: usize, k: usize) -> Option<Scenario> {
    let mut scenario = Scenario::new(target.protocol, w, j, c);
    scenario.prefilled = target.prefilled;
    if target.protocol == Protocol::Sentinel && target.sentinels != Sentinels::PerWorker {
        scenario.sentinels = Some(k);
    }
    let in_range = match (target.protocol, target.sentinels) {
        (Protocol::Sentinel, Sentinels::PerWorker) => true,
        (Protocol::Sentinel, Sentinels::More) => k > w,
        (Protocol::Sentinel, Sentinels::MoreWithinCapacity) => k > w && k <= w + c,
        (Protocol::Sentinel, Sentinels::Fewer) => k < w,
        _ => true,
    };
    let valid = crate::check::bfs::validate(&scenario).is_ok();
    // At least one job: what the command line accepts, so the violation can be rerun.
    (in_range && valid && w >= 1 && j >= 1 && c >= 1).then_some(scenario)
}

/// Every scenario of `target` up to [`MAX_SIZE`], smallest first (by `W + J + C + K`).
fn small_scenarios(target: &Target) -> Vec<Scenario> {
    let mut all = Vec::new();
    for w in 1..=MAX_SIZE {
        for j in 1..=MAX_SIZE {
            for c in 1..=MAX_SIZE {
                for k in 0..=2 * MAX_SIZE {
                    all.extend(scenario(target, w, j, c, k));
                }
            }
        }
    }
    all.sort_by_key(|s| {
        (
            s.workers + s.jobs + s.pipe_capacity + s.sentinel_count(),
            s.jobs,
        )
    });
    all.dedup();
    all
}

/// Looks for a reachable violation of `properties`: first at the sizes of `suggested`,
/// then at every size of `target` up to [`MAX_SIZE`], smallest first.
pub fn search(
    target: &Target,
    properties: &[Property],
    suggested: Option<super::Model>,
    options: Options,
) -> Witness {
    let first = suggested.and_then(|m| {
        let size = |x: i64| usize::try_from(x).ok();
        scenario(
            target,
            size(m.workers)?,
            size(m.jobs)?,
            size(m.pipe_capacity)?,
            size(m.sentinels)?,
        )
    });
    let mut tried = 0;
    let checker = Checker::Bfs {
        max_states: Some(MAX_STATES),
    };
    let options = Options {
        progress: false,
        ..options
    };
    for scenario in first.into_iter().chain(small_scenarios(target)) {
        tried += 1;
        let Ok(report) = check(&scenario, properties, checker, options) else {
            continue;
        };
        if report.verdict == Verdict::Violated {
            return Witness {
                suggested,
                tried,
                report: Some(report),
                command: Some(command(&scenario, properties)),
            };
        }
    }
    Witness {
        suggested,
        tried,
        report: None,
        command: None,
    }
}
