//! Breadth-first search over any state space given as packed states and a successor
//! function: exhaustive, with an exact visited set, parent pointers for shortest paths, a
//! check for cycles, and limits. Knows nothing about queues (see [`Space`]).

use super::super::limits::{Limit, Limits as Cut};
use super::table::{MAX_STATES, Visited};
use crate::report::{Stats, thousands};
use std::time::Instant;

/// A state space, as the search sees it.
pub trait Space: Sync {
    /// What a violating terminal state is reported as.
    type Finding: Send;

    /// Bytes per packed state.
    fn stride(&self) -> usize;
    /// Appends the initial state.
    fn initial(&self, out: &mut Vec<u8>);
    /// Appends every successor of `state` to `out`, and its step's label to `labels`.
    fn successors(&self, state: &[u8], out: &mut Vec<u8>, labels: &mut Vec<u8>);
    /// Judges a state without successors: `Some` if it violates what is checked.
    fn judge(&self, terminal: &[u8]) -> Option<Self::Finding>;
}

/// When to give up.
#[derive(Clone, Debug, Default)]
pub struct Limits {
    pub max_states: Option<u64>,
    /// The check's time limit and stop flag.
    pub cut: Cut,
    /// Threads expanding states (1: none besides the caller).
    pub threads: usize,
}

/// How the search ended.
#[derive(Debug)]
pub enum End<F> {
    /// Every reachable state was expanded; nothing violated, no cycle.
    Exhausted,
    /// A terminal state violated; it is at the least depth of any violating terminal state
    /// (and the first found at that depth).
    Violation { state: u32, finding: F },
    /// A reachable cycle: the states on it, in order (the step from the last leads back to
    /// the first).
    Cycle { states: Vec<u32> },
    /// A limit stopped the search before it was exhaustive.
    Stopped { reason: String },
}

/// The explored space, for paths and counts.
pub struct Explored<F> {
    pub visited: Visited,
    /// Per state: the state it was first found from (`u32::MAX` for the initial state).
    pub parents: Vec<u32>,
    /// Per state: the label of the step it was first found by.
    pub labels: Vec<u8>,
    pub stats: Stats,
    pub end: End<F>,
}

impl<F> Explored<F> {
    /// The states from the initial one to `state`, along a shortest path.
    pub fn path(&self, state: u32) -> Vec<u32> {
        let mut path = vec![state];
        let mut at = state;
        while self.parents[at as usize] != u32::MAX {
            at = self.parents[at as usize];
            path.push(at);
        }
        path.reverse();
        path
    }
}

/// States expanded between two looks at the clock, the limits and the progress callback.
const BLOCK: usize = 1 << 14;

/// The successors of a run of states, found by one thread.
struct Expansion<F> {
    successors: Vec<u8>,
    labels: Vec<u8>,
    parents: Vec<u32>,
    terminal: u64,
    finding: Option<(u32, F)>,
}

fn expand<S: Space>(
    space: &S,
    visited: &Visited,
    range: std::ops::Range<u32>,
) -> Expansion<S::Finding> {
    let mut out = Expansion {
        successors: Vec::new(),
        labels: Vec::new(),
        parents: Vec::new(),
        terminal: 0,
        finding: None,
    };
    for index in range {
        let before = out.labels.len();
        space.successors(visited.get(index), &mut out.successors, &mut out.labels);
        let found = out.labels.len() - before;
        out.parents.extend(std::iter::repeat_n(index, found));
        if found == 0 {
            out.terminal += 1;
            if out.finding.is_none()
                && let Some(finding) = space.judge(visited.get(index))
            {
                out.finding = Some((index, finding));
            }
        }
    }
    out
}

/// Explores `space` breadth-first from its initial state. `progress` is called now and then.
pub fn explore<S: Space>(
    space: &S,
    limits: Limits,
    mut progress: impl FnMut(&Stats),
) -> Explored<S::Finding> {
    let started = Instant::now();
    let stride = space.stride();
    let mut visited = Visited::new(stride);
    let mut first = Vec::with_capacity(stride);
    space.initial(&mut first);
    visited.insert(&first);
    let mut explored = Explored {
        visited,
        parents: vec![u32::MAX],
        labels: vec![0],
        stats: Stats::default(),
        end: End::Exhausted,
    };
    let max_states = limits
        .max_states
        .map_or(MAX_STATES, |m| m.min(MAX_STATES as u64) as usize);
    let threads = limits.threads.max(1);
    // An edge to a state of this layer or an earlier one: only then can there be a cycle.
    let mut backward = false;
    let (mut low, mut high) = (0u32, 1u32);
    'layers: while low < high {
        let mut block = low;
        while block < high {
            let end = (block as usize + BLOCK * threads).min(high as usize) as u32;
            let expansions = expand_block(space, &explored.visited, block..end, threads);
            for expansion in expansions {
                if let Some((state, finding)) = expansion.finding {
                    explored.end = End::Violation { state, finding };
                    explored.stats.terminal += expansion.terminal;
                    break 'layers;
                }
                explored.stats.terminal += expansion.terminal;
                explored.stats.transitions += expansion.labels.len() as u64;
                for (i, successor) in expansion.successors.chunks_exact(stride).enumerate() {
                    let (index, new) = explored.visited.insert(successor);
                    if new {
                        explored.parents.push(expansion.parents[i]);
                        explored.labels.push(expansion.labels[i]);
                    } else if index < high {
                        backward = true;
                    }
                }
            }
            block = end;
            note(&mut explored, started);
            progress(&explored.stats);
            let full = explored.visited.len() >= max_states;
            let reached = limits.cut.reached();
            if full || reached.is_some() {
                let why = match reached {
                    _ if full => {
                        format!("the state limit ({} states)", thousands(max_states as u64))
                    }
                    Some(Limit::Time(limit)) => {
                        format!("the time limit ({}s)", limit.as_secs_f64())
                    }
                    Some(Limit::Interrupted) | None => "an interruption".to_string(),
                };
                explored.end = End::Stopped {
                    reason: format!(
                        "stopped at {why} after {} states, every state up to depth {} expanded",
                        thousands(explored.visited.len() as u64),
                        explored.stats.depth.saturating_sub(1)
                    ),
                };
                break 'layers;
            }
        }
        (low, high) = (high, explored.visited.len() as u32);
        if low < high {
            explored.stats.depth += 1;
        }
    }
    if matches!(explored.end, End::Exhausted)
        && backward
        && let Some(states) = find_cycle(space, &explored.visited)
    {
        explored.end = End::Cycle { states };
    }
    note(&mut explored, started);
    explored
}

fn note<F>(explored: &mut Explored<F>, started: Instant) {
    let bytes = explored.visited.bytes()
        + explored.parents.capacity() * std::mem::size_of::<u32>()
        + explored.labels.capacity();
    let stats = &mut explored.stats;
    stats.states = explored.visited.len() as u64;
    stats.peak_bytes = stats.peak_bytes.max(bytes as u64);
    stats.seconds = started.elapsed().as_secs_f64();
}

/// Expands `range`, split among `threads` threads; the expansions come back in order.
fn expand_block<S: Space>(
    space: &S,
    visited: &Visited,
    range: std::ops::Range<u32>,
    threads: usize,
) -> Vec<Expansion<S::Finding>> {
    let len = range.end - range.start;
    if threads == 1 || len < 1024 {
        return vec![expand(space, visited, range)];
    }
    let share = len.div_ceil(threads as u32);
    std::thread::scope(|scope| {
        let handles: Vec<_> = (0..threads as u32)
            .map(|t| {
                let start = range.start + t * share;
                let end = (start + share).min(range.end);
                scope.spawn(move || expand(space, visited, start.min(end)..end))
            })
            .collect();
        handles
            .into_iter()
            .map(|h| h.join().expect("an expanding thread panicked"))
            .collect()
    })
}

/// A reachable cycle, if there is one: depth-first search with the usual three colours,
/// successors recomputed from the packed states.
fn find_cycle<S: Space>(space: &S, visited: &Visited) -> Option<Vec<u32>> {
    const WHITE: u8 = 0;
    const GREY: u8 = 1;
    const BLACK: u8 = 2;
    let stride = space.stride();
    let mut colour = vec![WHITE; visited.len()];
    let successors = |index: u32| -> Vec<u32> {
        let (mut out, mut labels) = (Vec::new(), Vec::new());
        space.successors(visited.get(index), &mut out, &mut labels);
        out.chunks_exact(stride)
            .map(|s| visited.find(s).expect("every successor was visited"))
            .collect()
    };
    let mut stack: Vec<(u32, Vec<u32>, usize)> = vec![(0, successors(0), 0)];
    colour[0] = GREY;
    while let Some((state, next, at)) = stack.last_mut() {
        if *at == next.len() {
            colour[*state as usize] = BLACK;
            stack.pop();
            continue;
        }
        let target = next[*at];
        *at += 1;
        match colour[target as usize] {
            WHITE => {
                colour[target as usize] = GREY;
                stack.push((target, successors(target), 0));
            }
            GREY => {
                let from = stack
                    .iter()
                    .position(|(s, _, _)| *s == target)
                    .expect("grey is on the stack");
                return Some(stack[from..].iter().map(|(s, _, _)| *s).collect());
            }
            _ => {}
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A counter from 0 to `top`: each state steps +1 and +2 (a diamond-rich DAG), and, if
    /// `back` is set, `top - 1` steps back to 1 (a cycle). Terminal: `top`, which violates if
    /// `bad`.
    struct Counter {
        top: u8,
        back: bool,
        bad: bool,
    }

    impl Space for Counter {
        type Finding = u8;
        fn stride(&self) -> usize {
            1
        }
        fn initial(&self, out: &mut Vec<u8>) {
            out.push(0);
        }
        fn successors(&self, state: &[u8], out: &mut Vec<u8>, labels: &mut Vec<u8>) {
            let n = state[0];
            for step in [1u8, 2] {
                if n + step <= self.top {
                    out.push(n + step);
                    labels.push(step);
                }
            }
            if self.back && n == self.top - 1 {
                out.push(1);
                labels.push(0);
            }
        }
        fn judge(&self, terminal: &[u8]) -> Option<u8> {
            self.bad.then_some(terminal[0])
        }
    }

    fn run(space: &Counter, threads: usize) -> Explored<u8> {
        let limits = Limits {
            threads,
            ..Limits::default()
        };
        explore(space, limits, |_| ())
    }

    #[test]
    fn exhausts_a_dag_and_counts_it() {
        let explored = run(
            &Counter {
                top: 10,
                back: false,
                bad: false,
            },
            1,
        );
        assert!(matches!(explored.end, End::Exhausted));
        assert_eq!(explored.stats.states, 11);
        assert_eq!(explored.stats.terminal, 1);
        // 0..=8 have two steps, 9 has one.
        assert_eq!(explored.stats.transitions, 9 * 2 + 1);
        assert_eq!(explored.stats.depth, 5);
    }

    #[test]
    fn finds_the_shortest_path_to_a_violation() {
        let explored = run(
            &Counter {
                top: 9,
                back: false,
                bad: true,
            },
            1,
        );
        let End::Violation { state, finding } = explored.end else {
            panic!("no violation found");
        };
        assert_eq!(finding, 9);
        let path: Vec<u8> = explored
            .path(state)
            .iter()
            .map(|&i| explored.visited.get(i)[0])
            .collect();
        assert_eq!(path.len(), 6, "five steps of +2 or +1: {path:?}");
        assert_eq!((path[0], path[5]), (0, 9));
        assert!(path.windows(2).all(|w| w[1] - w[0] <= 2));
    }

    #[test]
    fn finds_a_reachable_cycle() {
        let explored = run(
            &Counter {
                top: 6,
                back: true,
                bad: false,
            },
            1,
        );
        let End::Cycle { states } = explored.end else {
            panic!("no cycle found: {:?}", explored.end);
        };
        let values: Vec<u8> = states.iter().map(|&i| explored.visited.get(i)[0]).collect();
        assert!(values.contains(&1) && values.contains(&5), "{values:?}");
    }

    /// Subsets of 16 bits, a bit added per step: layers up to 12,870 states wide.
    struct Subsets;

    impl Space for Subsets {
        type Finding = ();
        fn stride(&self) -> usize {
            2
        }
        fn initial(&self, out: &mut Vec<u8>) {
            out.extend([0, 0]);
        }
        fn successors(&self, state: &[u8], out: &mut Vec<u8>, labels: &mut Vec<u8>) {
            let set = u16::from_le_bytes([state[0], state[1]]);
            for bit in (0..16).filter(|b| set & (1 << b) == 0) {
                out.extend((set | 1 << bit).to_le_bytes());
                labels.push(bit);
            }
        }
        fn judge(&self, _: &[u8]) -> Option<()> {
            None
        }
    }

    #[test]
    fn two_expanding_threads_find_the_same_states_in_the_same_order() {
        let limits = |threads| Limits {
            threads,
            ..Limits::default()
        };
        let one = explore(&Subsets, limits(1), |_| ());
        let two = explore(&Subsets, limits(2), |_| ());
        assert_eq!(one.stats.states, 1 << 16);
        assert_eq!(
            one.stats,
            Stats {
                seconds: one.stats.seconds,
                peak_bytes: one.stats.peak_bytes,
                ..two.stats
            }
        );
        assert_eq!(one.parents, two.parents);
        assert_eq!(one.labels, two.labels);
    }

    #[test]
    fn stops_at_the_state_limit() {
        let limits = Limits {
            max_states: Some(4),
            ..Limits::default()
        };
        let explored = explore(
            &Counter {
                top: 50,
                back: false,
                bad: true,
            },
            limits,
            |_| (),
        );
        assert!(
            matches!(explored.end, End::Stopped { .. }),
            "{:?}",
            explored.end
        );
    }
}
