//! Replay handles: one line that names a counterexample so that `drainproof replay` can rerun
//! it step for step. Format (`dp1` is the format version):
//!
//! `dp1:<protocol>:w<W>:j<J>:c<C>[:k<K>][:prefilled]:<property>:loom:pb<k|none>:e<execution>`
//! `dp1:<protocol>:w<W>:j<J>:c<C>[:k<K>][:prefilled]:<property>:shuttle:s<seed>:<decisions>`
//!
//! loom explores deterministically, so a loom counterexample is "execution n of the search
//! with preemption bound k". A shuttle counterexample is its schedule: the task chosen at each
//! scheduling decision (one base-62 digit each, `{n}` for task 62 and above; `.` is a
//! random-value decision).

use crate::outcome::Property;
use crate::scenario::{Protocol, Scenario};
use std::fmt;
use std::str::FromStr;

const DIGITS: &[u8] = b"0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ";

/// A parsed replay handle: the scenario, the property violated and the execution that
/// violates it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ReplayHandle {
    /// The scenario the counterexample ran.
    pub scenario: Scenario,
    /// The property it violates.
    pub property: Property,
    /// Which execution, and of which engine's search.
    pub kind: ReplayKind,
}

/// Which execution a handle names.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ReplayKind {
    /// Execution `execution` (1-based) of loom's search with this preemption bound.
    Loom {
        /// The bound of the search (`None`: unbounded).
        preemption_bound: Option<usize>,
        /// The execution's index in that search.
        execution: u64,
    },
    /// A shuttle schedule, decision by decision.
    Shuttle {
        /// The schedule's seed.
        seed: u64,
        /// Task index per scheduling decision; `None` for a random-value decision.
        decisions: Vec<Option<usize>>,
    },
}

impl ReplayKind {
    /// The engine that replays it: `loom` or `shuttle`.
    pub fn engine(&self) -> &'static str {
        match self {
            ReplayKind::Loom { .. } => "loom",
            ReplayKind::Shuttle { .. } => "shuttle",
        }
    }
}

/// A handle that does not parse, with what is wrong with it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MalformedHandle {
    /// The text given.
    pub handle: String,
    /// What is wrong, in words.
    pub why: String,
}

impl fmt::Display for MalformedHandle {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "malformed replay handle ({}): {:?}",
            self.why, self.handle
        )
    }
}

impl std::error::Error for MalformedHandle {}

impl fmt::Display for ReplayHandle {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let s = &self.scenario;
        write!(
            f,
            "dp1:{}:w{}:j{}:c{}",
            s.protocol, s.workers, s.jobs, s.pipe_capacity
        )?;
        if let Some(k) = s.sentinels {
            write!(f, ":k{k}")?;
        }
        if s.prefilled {
            f.write_str(":prefilled")?;
        }
        write!(f, ":{}", self.property)?;
        match &self.kind {
            ReplayKind::Loom {
                preemption_bound,
                execution,
            } => {
                let bound = preemption_bound.map_or("none".to_string(), |k| k.to_string());
                write!(f, ":loom:pb{bound}:e{execution}")
            }
            ReplayKind::Shuttle { seed, decisions } => {
                let digits: String = decisions
                    .iter()
                    .map(|d| match d {
                        None => ".".to_string(),
                        Some(task) if *task < DIGITS.len() => (DIGITS[*task] as char).to_string(),
                        Some(task) => format!("{{{task}}}"),
                    })
                    .collect();
                write!(f, ":shuttle:s{seed}:{digits}")
            }
        }
    }
}

impl FromStr for ReplayHandle {
    type Err = MalformedHandle;

    fn from_str(text: &str) -> Result<Self, MalformedHandle> {
        let malformed = |why: &str| MalformedHandle {
            handle: text.to_string(),
            why: why.to_string(),
        };
        let mut parts = text.trim().split(':').peekable();
        if parts.next() != Some("dp1") {
            return Err(malformed("it must start with `dp1:`"));
        }
        let protocol = parts
            .next()
            .and_then(Protocol::from_name)
            .ok_or_else(|| malformed("unknown protocol"))?;
        let mut number = |prefix: char| -> Result<usize, MalformedHandle> {
            parts
                .next()
                .and_then(|p| p.strip_prefix(prefix))
                .and_then(|n| n.parse().ok())
                .ok_or_else(|| malformed(&format!("expected `{prefix}<number>`")))
        };
        let mut scenario = Scenario::new(protocol, number('w')?, number('j')?, number('c')?);
        if let Some(k) = parts.peek().and_then(|p| p.strip_prefix('k')) {
            scenario.sentinels = Some(k.parse().map_err(|_| malformed("bad `k<sentinels>`"))?);
            parts.next();
        }
        if parts.peek() == Some(&"prefilled") {
            scenario.prefilled = true;
            parts.next();
        }
        let property = parts
            .next()
            .and_then(|p| Property::ALL.into_iter().find(|q| q.name() == p))
            .ok_or_else(|| malformed("unknown property"))?;
        let kind = match parts.next() {
            Some("loom") => {
                let bound = parts
                    .next()
                    .and_then(|p| p.strip_prefix("pb"))
                    .ok_or_else(|| malformed("expected `pb<bound>`"))?;
                let preemption_bound = match bound {
                    "none" => None,
                    k => Some(k.parse().map_err(|_| malformed("bad preemption bound"))?),
                };
                let execution = parts
                    .next()
                    .and_then(|p| p.strip_prefix('e'))
                    .and_then(|n| n.parse().ok())
                    .filter(|n| *n > 0)
                    .ok_or_else(|| malformed("expected `e<execution>`"))?;
                ReplayKind::Loom {
                    preemption_bound,
                    execution,
                }
            }
            Some("shuttle") => {
                let seed = parts
                    .next()
                    .and_then(|p| p.strip_prefix('s'))
                    .and_then(|n| n.parse().ok())
                    .ok_or_else(|| malformed("expected `s<seed>`"))?;
                let schedule = parts.next().ok_or_else(|| malformed("missing schedule"))?;
                let decisions =
                    parse_decisions(schedule).ok_or_else(|| malformed("bad schedule"))?;
                ReplayKind::Shuttle { seed, decisions }
            }
            _ => return Err(malformed("expected `loom` or `shuttle`")),
        };
        if parts.next().is_some() {
            return Err(malformed("trailing fields"));
        }
        Ok(ReplayHandle {
            scenario,
            property,
            kind,
        })
    }
}

/// `0a.{64}` -> tasks 0 and 10, a random value, task 64.
fn parse_decisions(schedule: &str) -> Option<Vec<Option<usize>>> {
    let mut decisions = Vec::new();
    let mut rest = schedule;
    while let Some(c) = rest.chars().next() {
        if c == '{' {
            let end = rest.find('}')?;
            let task: usize = rest[1..end].parse().ok()?;
            decisions.push(Some(task));
            rest = &rest[end + 1..];
            continue;
        }
        decisions.push(match c {
            '.' => None,
            _ => Some(DIGITS.iter().position(|d| char::from(*d) == c)?),
        });
        rest = &rest[c.len_utf8()..];
    }
    Some(decisions)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn loom_handle() -> ReplayHandle {
        ReplayHandle {
            scenario: Scenario::new(Protocol::Sentinel, 2, 1, 1).with_sentinels(1),
            property: Property::Termination,
            kind: ReplayKind::Loom {
                preemption_bound: Some(2),
                execution: 17,
            },
        }
    }

    #[test]
    fn handles_print_and_parse_back() {
        let loom = loom_handle();
        assert_eq!(
            loom.to_string(),
            "dp1:sentinel:w2:j1:c1:k1:termination:loom:pb2:e17"
        );
        assert_eq!(loom.to_string().parse(), Ok(loom));
        let shuttle = ReplayHandle {
            scenario: Scenario::new(Protocol::EmptyPoll, 2, 2, 2).prefilled(),
            property: Property::NoSpuriousEmpty,
            kind: ReplayKind::Shuttle {
                seed: 9,
                decisions: vec![Some(0), None, Some(10), Some(61), Some(62), Some(100)],
            },
        };
        assert_eq!(
            shuttle.to_string(),
            "dp1:empty-poll:w2:j2:c2:prefilled:no_spurious_empty:shuttle:s9:0.aZ{62}{100}"
        );
        assert_eq!(shuttle.to_string().parse(), Ok(shuttle));
        let unbounded = "dp1:empty-poll:w1:j1:c1:no_lost_job:loom:pbnone:e3";
        let parsed: ReplayHandle = unbounded.parse().unwrap();
        assert_eq!(
            parsed.kind,
            ReplayKind::Loom {
                preemption_bound: None,
                execution: 3
            }
        );
        assert_eq!(parsed.to_string(), unbounded);
        // Surrounding whitespace, as a copied line carries it, is ignored.
        assert_eq!(
            format!(" {unbounded}\n").parse::<ReplayHandle>(),
            Ok(parsed)
        );
    }

    #[test]
    fn decisions_parse_digits_braces_and_random_values() {
        assert_eq!(
            parse_decisions("0a.{64}Z"),
            Some(vec![Some(0), Some(10), None, Some(64), Some(61)])
        );
        assert_eq!(parse_decisions(""), Some(vec![]));
        for bad in ["0{64", "{x}", "!", "0}"] {
            assert_eq!(parse_decisions(bad), None, "{bad}");
        }
    }

    #[test]
    fn malformed_handles_say_what_is_wrong() {
        for (handle, why) in [
            ("garbage", "it must start with `dp1:`"),
            (
                "dp1:round-robin:w1:j1:c1:no_lost_job:loom:pb1:e5",
                "unknown protocol",
            ),
            (
                "dp1:empty-poll:w1:j1:c1:no-lost-job:loom:pb1:e5",
                "unknown property",
            ),
            (
                "dp1:empty-poll:w1:j1:c1:k:no_lost_job:loom:pb1:e5",
                "bad `k<sentinels>`",
            ),
            (
                "dp1:empty-poll:w1:j1:c1:no_lost_job:loom:pbx:e5",
                "bad preemption bound",
            ),
            (
                "dp1:empty-poll:w1:j1:c1:no_lost_job:loom:pb1:e0",
                "expected `e<execution>`",
            ),
            (
                "dp1:empty-poll:w1:j1:c1:no_lost_job:shuttle:sx:0",
                "expected `s<seed>`",
            ),
            (
                "dp1:empty-poll:w1:j1:c1:no_lost_job:shuttle:s1",
                "missing schedule",
            ),
        ] {
            let error = handle.parse::<ReplayHandle>().unwrap_err();
            assert_eq!(error.why, why, "{handle}");
            assert_eq!(error.handle, handle);
            assert!(error.to_string().starts_with("malformed replay handle ("));
        }
    }
}
