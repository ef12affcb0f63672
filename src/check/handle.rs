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
use clap::ValueEnum;
use std::fmt;
use std::str::FromStr;

const DIGITS: &[u8] = b"0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ";

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ReplayHandle {
    pub scenario: Scenario,
    pub property: Property,
    pub kind: ReplayKind,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ReplayKind {
    Loom {
        preemption_bound: Option<usize>,
        execution: u64,
    },
    Shuttle {
        seed: u64,
        /// Task index per scheduling decision; `None` for a random-value decision.
        decisions: Vec<Option<usize>>,
    },
}

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
    type Err = String;

    fn from_str(text: &str) -> Result<Self, String> {
        let malformed = |why: &str| format!("malformed replay handle ({why}): {text:?}");
        let mut parts = text.trim().split(':').peekable();
        if parts.next() != Some("dp1") {
            return Err(malformed("it must start with `dp1:`"));
        }
        let protocol = parts
            .next()
            .and_then(Protocol::from_name)
            .ok_or_else(|| malformed("unknown protocol"))?;
        let mut number = |prefix: char| -> Result<usize, String> {
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
            .and_then(|p| {
                Property::value_variants()
                    .iter()
                    .find(|v| v.name() == p)
                    .copied()
            })
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
