//! How far a search got: the data behind a report's bounds. A verdict is only as strong as
//! its search, so every checker says what it covered, also when a limit cut it short.

use super::checker::Checker;
use super::handle::{ReplayHandle, ReplayKind};
use serde::Serialize;

/// What a search covered. [`Coverage::words`] is the report's `bounds` (in the text header and
/// in the JSON); the value itself is the JSON's `coverage` object.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case", tag = "kind")]
pub enum Coverage {
    /// loom: exhaustive searches, one per preemption bound tried, in the order they ran.
    Exhaustive {
        /// The searches, each with its bound and how far it got.
        searches: Vec<BoundedSearch>,
    },
    /// A sampled search (random, pct, dfs) or trials on real threads: how many executions
    /// ran of those asked for.
    Sampled {
        /// Executions run.
        executions: u64,
        /// Executions asked for (dfs: its limit).
        asked: u64,
        /// Whether a limit (time, interruption) stopped it before it ran them all.
        cut: bool,
    },
    /// The breadth-first search of the step relation: the states it found.
    States {
        /// Distinct states found (workers counted, not named).
        states: u64,
        /// Whether every reachable state was expanded (false: a limit, or the first
        /// violation, stopped the search).
        complete: bool,
    },
    /// An all-sizes proof: the obligations the solver discharged.
    AllSizes {
        /// The proof's obligations.
        obligations: u64,
        /// How many came out as they must (fewer: one failed, the solver gave up on one, or
        /// a limit cut the proof).
        discharged: u64,
        /// Whether every obligation was put to the solver (false: a limit cut the proof).
        complete: bool,
    },
    /// One execution, rerun from its replay handle.
    Replayed,
}

/// One of loom's searches: every execution with at most `preemption_bound` preemptions, or
/// every execution (`None`), explored to the end or cut by a limit.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct BoundedSearch {
    /// The search's preemption bound (`None`: unbounded).
    pub preemption_bound: Option<usize>,
    /// Executions it explored.
    pub executions: u64,
    /// Whether it explored every execution within its bound (false: a limit cut it).
    pub complete: bool,
}

/// `1 preemption`, `2 preemptions`.
pub fn preemptions(count: usize) -> String {
    if count == 1 {
        "1 preemption".into()
    } else {
        format!("{count} preemptions")
    }
}

impl Coverage {
    /// The bounds a verdict must be quoted with, in words: what `checker` covered.
    ///
    /// A search that ran to its end is described by its bounds alone
    /// (`exhaustive, no preemption bound`, `200 schedules, seed 7, depth 3`); one that a limit
    /// cut says how far it got (`verified up to 2 preemptions; unbounded search cut after
    /// 5000 executions`, `57 of 1000 schedules, seed 0, depth 3`).
    pub fn words(&self, checker: &Checker) -> String {
        match self {
            Coverage::Exhaustive { searches } => exhaustive(searches),
            Coverage::Sampled {
                executions,
                asked,
                cut,
            } => sampled(checker, *executions, *asked, *cut),
            Coverage::States { states, complete } => {
                let exhaustive = if *complete {
                    "exhaustive"
                } else {
                    "not exhaustive"
                };
                format!(
                    "{exhaustive}: {} states (workers counted, not named)",
                    super::exploration::thousands(*states)
                )
            }
            Coverage::AllSizes {
                obligations,
                discharged,
                complete,
            } => {
                let cut = if *complete {
                    ""
                } else {
                    "; a limit cut the proof"
                };
                if discharged == obligations {
                    format!("all sizes, {obligations} obligations discharged by z3{cut}")
                } else {
                    format!(
                        "all sizes, {discharged} of {obligations} obligations discharged by z3{cut}"
                    )
                }
            }
            Coverage::Replayed => "one execution, replayed".into(),
        }
    }

    /// The words for a replay of `handle`.
    pub fn replay_words(handle: &ReplayHandle) -> String {
        match &handle.kind {
            ReplayKind::Loom {
                preemption_bound,
                execution,
            } => format!(
                "execution {execution} of the {}",
                search_name(*preemption_bound)
            ),
            ReplayKind::Shuttle { seed, .. } => format!("a recorded schedule, seed {seed}"),
        }
    }

    /// Whether every search ran to its end (no limit cut it short).
    pub fn complete(&self) -> bool {
        match self {
            Coverage::Exhaustive { searches } => searches.iter().all(|s| s.complete),
            Coverage::Sampled { cut, .. } => !cut,
            Coverage::States { complete, .. } => *complete,
            Coverage::AllSizes { complete, .. } => *complete,
            Coverage::Replayed => true,
        }
    }
}

/// `search up to 2 preemptions`, `unbounded search`.
fn search_name(bound: Option<usize>) -> String {
    match bound {
        Some(k) => format!("search up to {}", preemptions(k)),
        None => "unbounded search".into(),
    }
}

fn exhaustive(searches: &[BoundedSearch]) -> String {
    let Some(last) = searches.last() else {
        return "nothing explored".into();
    };
    if last.complete {
        return match last.preemption_bound {
            None => "exhaustive, no preemption bound".into(),
            Some(k) => format!("exhaustive up to {}", preemptions(k)),
        };
    }
    let verified = searches
        .iter()
        .filter(|s| s.complete)
        .filter_map(|s| s.preemption_bound)
        .max();
    let cut = format!(
        "{} cut after {} executions",
        search_name(last.preemption_bound),
        last.executions
    );
    match verified {
        Some(k) => format!("verified up to {}; {cut}", preemptions(k)),
        None => cut,
    }
}

fn sampled(checker: &Checker, executions: u64, asked: u64, cut: bool) -> String {
    let count = |unit: &str| {
        if cut {
            format!("{executions} of {asked} {unit}")
        } else {
            format!("{asked} {unit}")
        }
    };
    match *checker {
        Checker::Random { seed, .. } => format!("{}, seed {seed}", count("schedules")),
        Checker::Pct { seed, depth, .. } => {
            format!("{}, seed {seed}, depth {depth}", count("schedules"))
        }
        Checker::Dfs { .. } if cut => format!("{executions} of at most {asked} schedules"),
        Checker::Dfs { .. } => format!("at most {asked} schedules"),
        Checker::Threads { .. } => format!("{} on real threads", count("trials")),
        Checker::Loom { .. } | Checker::Bfs { .. } | Checker::Induction { .. } => {
            count("executions")
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn search(preemption_bound: Option<usize>, executions: u64, complete: bool) -> BoundedSearch {
        BoundedSearch {
            preemption_bound,
            executions,
            complete,
        }
    }

    fn words(searches: Vec<BoundedSearch>) -> String {
        Coverage::Exhaustive { searches }.words(&Checker::LOOM)
    }

    #[test]
    fn a_complete_loom_search_is_quoted_by_its_last_bound() {
        assert_eq!(
            words(vec![search(Some(0), 1, true), search(None, 9, true)]),
            "exhaustive, no preemption bound"
        );
        assert_eq!(
            words(vec![search(Some(0), 1, true), search(Some(1), 8, true)]),
            "exhaustive up to 1 preemption"
        );
    }

    #[test]
    fn a_cut_loom_search_keeps_the_bounds_it_completed() {
        let searches = vec![
            search(Some(0), 1, true),
            search(Some(1), 10, true),
            search(Some(2), 100, true),
            search(None, 5000, false),
        ];
        let coverage = Coverage::Exhaustive { searches };
        assert!(!coverage.complete());
        assert_eq!(
            coverage.words(&Checker::LOOM),
            "verified up to 2 preemptions; unbounded search cut after 5000 executions"
        );
        assert_eq!(
            words(vec![search(Some(0), 3, false)]),
            "search up to 0 preemptions cut after 3 executions"
        );
    }

    #[test]
    fn a_sampled_search_says_how_many_of_its_schedules_ran() {
        let pct = Checker::pct(1000, 7);
        let all = Coverage::Sampled {
            executions: 1000,
            asked: 1000,
            cut: false,
        };
        assert_eq!(all.words(&pct), "1000 schedules, seed 7, depth 3");
        let cut = Coverage::Sampled {
            executions: 57,
            asked: 1000,
            cut: true,
        };
        assert!(!cut.complete());
        assert_eq!(cut.words(&pct), "57 of 1000 schedules, seed 7, depth 3");
        assert_eq!(
            cut.words(&Checker::Threads { trials: 1000 }),
            "57 of 1000 trials on real threads"
        );
        assert_eq!(
            cut.words(&Checker::Dfs {
                max_iterations: 1000
            }),
            "57 of at most 1000 schedules"
        );
        let exhausted = Coverage::Sampled {
            executions: 57,
            asked: 1000,
            cut: false,
        };
        assert_eq!(
            exhausted.words(&Checker::Dfs {
                max_iterations: 1000
            }),
            "at most 1000 schedules"
        );
        assert_eq!(
            all.words(&Checker::Random {
                iterations: 1000,
                seed: 2
            }),
            "1000 schedules, seed 2"
        );
    }
}
