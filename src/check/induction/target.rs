//! What an all-sizes proof is about: a protocol, how its sizes range, and the relation over
//! symbolic sizes.

use crate::outcome::Property;
use crate::scenario::{Protocol, Scenario};
use crate::step::{Domain, Relation, Shape, Sizes};
use serde::Serialize;
use std::fmt;

/// How many sentinels the producer puts, relative to the workers (`sentinel` only; every
/// other protocol puts none).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, clap::ValueEnum)]
#[serde(rename_all = "kebab-case")]
pub enum Sentinels {
    /// `K = W`: the seed's protocol (T2).
    #[default]
    PerWorker,
    /// `K > W`, any number more (T4): safety only, since more than `C` leftovers hang the
    /// producer's exit.
    More,
    /// `W < K <= W + C` (T4): the leftovers fit in the pipe, so the protocol terminates.
    MoreWithinCapacity,
    /// `0 <= K < W` (T3): a worker never gets its sentinel.
    Fewer,
}

impl Sentinels {
    pub fn name(self) -> &'static str {
        match self {
            Sentinels::PerWorker => "per-worker",
            Sentinels::More => "more",
            Sentinels::MoreWithinCapacity => "more-within-capacity",
            Sentinels::Fewer => "fewer",
        }
    }
}

/// The claim an all-sizes proof is about: one protocol, for every `W`, `J` and `C` (and `K`)
/// in [`Target::sizes`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
pub struct Target {
    pub protocol: Protocol,
    /// `sentinel` only.
    pub sentinels: Sentinels,
    /// `empty-poll --prefilled`: every job in the pipe before the workers start (`J <= C`).
    pub prefilled: bool,
}

/// A target the induction checker cannot handle, in one line.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Unsupported(pub String);

impl fmt::Display for Unsupported {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for Unsupported {}

/// The properties an all-sizes proof can establish (each has obligations of its own).
pub const PROVABLE: [Property; 4] = [
    Property::NoLostJob,
    Property::NoDuplicate,
    Property::Termination,
    Property::DrainedBeforeJoin,
];

/// A property as `--property` spells it.
pub fn flag_value(property: Property) -> String {
    use clap::ValueEnum;
    property
        .to_possible_value()
        .map_or_else(|| property.name().to_string(), |v| v.get_name().to_string())
}

impl Target {
    pub fn new(protocol: Protocol) -> Target {
        Target {
            protocol,
            sentinels: Sentinels::PerWorker,
            prefilled: false,
        }
    }

    pub fn with_sentinels(self, sentinels: Sentinels) -> Target {
        Target { sentinels, ..self }
    }

    pub fn prefilled(self) -> Target {
        Target {
            prefilled: true,
            ..self
        }
    }

    /// Refuses what the proof cannot be about: two producers (the pipe's order of their items
    /// is concrete data, `crate::step::PipeOrder`), options that do not apply, properties with
    /// no obligations.
    pub fn validate(&self, properties: &[Property]) -> Result<(), Unsupported> {
        let bad = |msg: String| Err(Unsupported(msg));
        if self.protocol == Protocol::ForeignSentinel {
            return bad(
                "--checker induction proves single-producer protocols; foreign-sentinel's pipe \
                 interleaves two producers: use --checker bfs"
                    .into(),
            );
        }
        if self.sentinels != Sentinels::PerWorker && self.protocol != Protocol::Sentinel {
            return bad(format!(
                "--sentinel-range applies to --protocol sentinel only, not {}",
                self.protocol
            ));
        }
        if self.prefilled && self.protocol != Protocol::EmptyPoll {
            return bad(format!(
                "--prefilled applies to --protocol empty-poll only, not {}",
                self.protocol
            ));
        }
        if let Some(p) = properties.iter().find(|p| !PROVABLE.contains(p)) {
            let names: Vec<String> = PROVABLE.iter().map(|p| flag_value(*p)).collect();
            return bad(format!(
                "--checker induction proves {}, not {}",
                names.join(", "),
                flag_value(*p)
            ));
        }
        if properties.contains(&Property::DrainedBeforeJoin) && self.protocol != Protocol::Joinable
        {
            return bad(format!(
                "drained-before-join applies to --protocol joinable only, not {}",
                self.protocol
            ));
        }
        Ok(())
    }

    pub fn shape(&self) -> Shape {
        Shape {
            protocol: self.protocol,
            prefilled: self.prefilled,
        }
    }

    /// The step relation at the sizes `w`, `j`, `c` and `k` (`k` is ignored unless the
    /// protocol puts sentinels: then it is `K`, or `W` for [`Sentinels::PerWorker`]).
    pub fn relation<D: Domain>(
        &self,
        d: &D,
        w: D::Num,
        j: D::Num,
        c: D::Num,
        k: D::Num,
    ) -> Relation<D> {
        let k = match (self.protocol, self.sentinels) {
            (Protocol::Sentinel, Sentinels::PerWorker) => w.clone(),
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

    /// The sizes the claim is about, as a formula over the relation's sizes.
    pub fn sizes<D: Domain>(&self, d: &D, r: &Relation<D>) -> D::Bool {
        let s = &r.sizes;
        let (w, j, c, k) = (&s.workers, &s.jobs, &s.capacity, &s.sentinels[0]);
        let mut all = vec![d.le(&d.num(1), w), d.le(&d.num(0), j), d.le(&d.num(1), c)];
        if self.protocol == Protocol::Sentinel {
            all.push(match self.sentinels {
                Sentinels::PerWorker => d.eq(k, w),
                Sentinels::More => d.lt(w, k),
                Sentinels::MoreWithinCapacity => d.and(&d.lt(w, k), &d.le(k, &d.add(w, c))),
                Sentinels::Fewer => d.and(&d.le(&d.num(0), k), &d.lt(k, w)),
            });
        }
        if self.prefilled {
            all.push(d.le(j, c));
        }
        d.all(&all)
    }

    /// The sizes in words: `W >= 1, J >= 0, C >= 1` and the target's own constraint.
    pub fn sizes_text(&self) -> String {
        let mut text = String::from("W >= 1, J >= 0, C >= 1");
        if self.protocol == Protocol::Sentinel {
            text += match self.sentinels {
                Sentinels::PerWorker => "",
                Sentinels::More => ", K > W",
                Sentinels::MoreWithinCapacity => ", W < K <= W + C",
                Sentinels::Fewer => ", 0 <= K < W",
            };
        }
        if self.prefilled {
            text += ", J <= C";
        }
        text
    }

    /// A model's sizes in words: `W=1 J=1 C=1` (and `K=3` where `K` is not `W`).
    pub fn sizes_of(&self, m: &super::Model) -> String {
        let mut text = format!("W={} J={} C={}", m.workers, m.jobs, m.pipe_capacity);
        if self.protocol == Protocol::Sentinel && self.sentinels != Sentinels::PerWorker {
            text += &format!(" K={}", m.sentinels);
        }
        text
    }

    /// Whether the queue is empty when the execution finishes (every item put was read): not
    /// with more sentinels than workers, whose leftovers stay.
    pub fn drains_queue(&self) -> bool {
        !matches!(
            self.sentinels,
            Sentinels::More | Sentinels::MoreWithinCapacity
        )
    }

    /// The target that covers `scenario` (a concrete instance of its sizes), if any.
    pub fn covering(scenario: &Scenario) -> Option<Target> {
        let mut target = Target::new(scenario.protocol);
        if scenario.protocol == Protocol::ForeignSentinel {
            return None;
        }
        if scenario.protocol == Protocol::Sentinel {
            let (k, w, c) = (
                scenario.sentinel_count(),
                scenario.workers,
                scenario.pipe_capacity,
            );
            target.sentinels = if k == w {
                Sentinels::PerWorker
            } else if k < w {
                Sentinels::Fewer
            } else if k <= w + c {
                Sentinels::MoreWithinCapacity
            } else {
                Sentinels::More
            };
        }
        target.prefilled = scenario.prefilled;
        Some(target)
    }

    /// Whether this target's invariant is inductive (initiation and every consecution
    /// obligation are discharged): then it holds on every reachable state, whatever else the
    /// proof establishes. Not for the protocols whose workers leave at the first `Empty` (or
    /// `empty()`) while jobs may still be buffered: their invariant is only a candidate,
    /// which the first such step breaks. The tests check this against the solver.
    pub fn is_inductive(&self) -> bool {
        match self.protocol {
            Protocol::Sentinel | Protocol::Joinable | Protocol::ChannelDisconnect => true,
            Protocol::EmptyPoll => self.prefilled,
            Protocol::TimeoutPoll
            | Protocol::EmptyCheck
            | Protocol::ChannelTryRecv
            | Protocol::ForeignSentinel => false,
        }
    }

    /// The target whose invariant holds on every reachable state of `scenario` (an instance
    /// of its sizes), if there is one: what trace validation can evaluate on every abstract
    /// state of every execution, with [`super::check_concrete`].
    pub fn invariant_of(scenario: &Scenario) -> Option<Target> {
        Target::covering(scenario).filter(Target::is_inductive)
    }

    /// The protocol and its options as a command line's flags.
    pub fn flags(&self) -> String {
        let mut flags = format!("--protocol {}", self.protocol.name());
        if self.sentinels != Sentinels::PerWorker {
            flags += &format!(" --sentinel-range {}", self.sentinels.name());
        }
        if self.prefilled {
            flags += " --prefilled";
        }
        flags
    }
}

impl fmt::Display for Target {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.protocol.name())?;
        if self.sentinels != Sentinels::PerWorker {
            write!(f, " (sentinels: {})", self.sentinels.name())?;
        }
        if self.prefilled {
            f.write_str(" --prefilled")?;
        }
        Ok(())
    }
}
