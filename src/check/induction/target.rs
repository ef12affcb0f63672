//! What an all-sizes proof can be about ([`Target::validate`]), and a target's step relation
//! over symbolic sizes. [`Target`] itself, its sizes in words and its smallest scenario are
//! `crate::scenario`'s: the report names the target without knowing the relation.

use crate::outcome::Property;
use crate::scenario::{Naming, Protocol, Scenario, SentinelRange, Target};
#[cfg(feature = "z3")]
use crate::step::{Domain, Relation, Shape, Sizes};
use std::fmt;

/// What `--checker induction` cannot prove, in one line.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Unprovable {
    /// Two producers (`foreign-sentinel`): the pipe's order of their items is concrete data
    /// (`crate::step::PipeOrder`), out of the counter abstraction's reach.
    TwoProducers,
    /// A sentinel range for a protocol that puts no sentinels.
    SentinelRange(Protocol),
    /// A prefilled pipe for a protocol other than `empty-poll` (the only one with an
    /// all-sizes claim about it).
    Prefilled(Protocol),
    /// A property the proof has no obligations for.
    Property(Property),
    /// A scenario outside the sentinel range it is checked for.
    OutOfRange {
        /// The scenario's sentinels.
        sentinels: usize,
        /// Its workers.
        workers: usize,
        /// The range.
        range: SentinelRange,
    },
}

impl Unprovable {
    /// Why, in one line, naming settings as `naming` says.
    pub fn describe(&self, naming: Naming) -> String {
        let flags = naming == Naming::Flags;
        let (checker, bfs) = if flags {
            ("--checker induction", "--checker bfs")
        } else {
            ("the induction checker", "the bfs checker")
        };
        match self {
            Unprovable::TwoProducers => format!(
                "{checker} proves single-producer protocols; foreign-sentinel's pipe interleaves \
                 two producers: use {bfs}"
            ),
            Unprovable::SentinelRange(protocol) if flags => {
                format!("--sentinel-range applies to --protocol sentinel only, not {protocol}")
            }
            Unprovable::SentinelRange(protocol) => {
                format!("a sentinel range applies to the sentinel protocol only, not {protocol}")
            }
            Unprovable::Prefilled(protocol) if flags => format!(
                "--checker induction takes --prefilled with --protocol empty-poll only, not \
                 {protocol}"
            ),
            Unprovable::Prefilled(protocol) => format!(
                "the induction checker takes a prefilled pipe with empty-poll only, not {protocol}"
            ),
            Unprovable::Property(property) => {
                let names: Vec<&str> = PROVABLE.iter().map(|p| p.name()).collect();
                format!("{checker} proves {}, not {property}", names.join(", "))
            }
            Unprovable::OutOfRange {
                sentinels,
                workers,
                range,
            } => format!(
                "{sentinels} sentinels for {workers} workers are not in the sentinel range \
                 {} of the proof",
                range.name()
            ),
        }
    }
}

impl fmt::Display for Unprovable {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.describe(Naming::Words))
    }
}

impl std::error::Error for Unprovable {}

/// The properties an all-sizes proof can establish (each has obligations of its own).
pub const PROVABLE: [Property; 4] = [
    Property::NoLostJob,
    Property::NoDuplicate,
    Property::Termination,
    Property::DrainedBeforeJoin,
];

impl Target {
    /// Refuses what the proof cannot be about: two producers, options that do not apply,
    /// properties with no obligations, a `scenario` outside the target.
    pub(crate) fn validate(
        &self,
        scenario: &Scenario,
        properties: &[Property],
    ) -> Result<(), Unprovable> {
        if self.protocol == Protocol::ForeignSentinel {
            return Err(Unprovable::TwoProducers);
        }
        if self.sentinels != SentinelRange::PerWorker && self.protocol != Protocol::Sentinel {
            return Err(Unprovable::SentinelRange(self.protocol));
        }
        if self.prefilled && self.protocol != Protocol::EmptyPoll {
            return Err(Unprovable::Prefilled(self.protocol));
        }
        if let Some(&p) = properties.iter().find(|p| !PROVABLE.contains(p)) {
            return Err(Unprovable::Property(p));
        }
        if !self.contains(scenario) {
            return Err(Unprovable::OutOfRange {
                sentinels: scenario.sentinel_count(),
                workers: scenario.workers,
                range: self.sentinels,
            });
        }
        Ok(())
    }
}

/// The symbolic side: the target's relation and sizes over any [`Domain`] (the solver's, with
/// the `z3` feature).
#[cfg(feature = "z3")]
impl Target {
    /// The relation's shape: which program the threads run.
    pub(crate) fn shape(&self) -> Shape {
        Shape {
            protocol: self.protocol,
            prefilled: self.prefilled,
        }
    }

    /// Whether `K` is a size of its own (`sentinel` with more or fewer sentinels than workers)
    /// rather than `W` or nothing.
    pub(crate) fn free_sentinels(&self) -> bool {
        self.protocol == Protocol::Sentinel && self.sentinels != SentinelRange::PerWorker
    }

    /// The step relation at the sizes `w`, `j`, `c` and `k` (`k` is ignored unless the
    /// protocol puts sentinels: then it is `K`, or `W` for [`SentinelRange::PerWorker`]).
    pub(crate) fn relation<D: Domain>(
        &self,
        d: &D,
        w: D::Num,
        j: D::Num,
        c: D::Num,
        k: D::Num,
    ) -> Relation<D> {
        let k = match (self.protocol, self.sentinels) {
            (Protocol::Sentinel, SentinelRange::PerWorker) => w.clone(),
            (Protocol::Sentinel, _) => k,
            _ => d.num(0),
        };
        Relation {
            shape: self.shape(),
            sizes: Sizes {
                workers: w,
                jobs: j,
                sentinels: [k, d.num(0)],
                capacity: c,
            },
        }
    }

    /// The sizes the claim is about ([`Target::sizes`]), as a formula over the relation's
    /// sizes.
    pub(crate) fn size_constraints<D: Domain>(&self, d: &D, r: &Relation<D>) -> D::Bool {
        let s = &r.sizes;
        let (w, j, c, k) = (&s.workers, &s.jobs, &s.capacity, &s.sentinels[0]);
        let mut all = vec![d.le(&d.num(1), w), d.le(&d.num(0), j), d.le(&d.num(1), c)];
        if self.protocol == Protocol::Sentinel {
            all.push(match self.sentinels {
                SentinelRange::PerWorker => d.eq(k, w),
                SentinelRange::More => d.lt(w, k),
                SentinelRange::MoreWithinCapacity => d.and(&d.lt(w, k), &d.le(k, &d.add(w, c))),
                SentinelRange::Fewer => d.and(&d.le(&d.num(0), k), &d.lt(k, w)),
            });
        }
        if self.prefilled {
            all.push(d.le(j, c));
        }
        d.all(&all)
    }

    /// Whether the queue is empty when the execution finishes (every item put was read): not
    /// with more sentinels than workers, whose leftovers stay.
    pub(crate) fn drains_queue(&self) -> bool {
        !matches!(
            self.sentinels,
            SentinelRange::More | SentinelRange::MoreWithinCapacity
        )
    }
}
