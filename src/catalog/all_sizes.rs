//! The all-sizes proofs backing the theorems: which theorems `--checker induction` proves for
//! every `W`, `J` and `C` (and `K`), with which properties. Only theorems that hold and have
//! one producer have them (T6's two producers are out of the proof's reach; the violated
//! theorems are decided by their counterexamples).
//!
//! They run with the theorem's other checks when drainproof is built with the `z3` feature
//! ([`theorems()`](super::theorems())); README.md's theorem table lists them either way.

use super::{Check, Expect};
use crate::outcome::Property;
use crate::report::Checker;
use crate::scenario::{Protocol, SentinelRange, Target};

/// Whether this build runs the all-sizes proofs (the `z3` feature).
pub const AVAILABLE: bool = cfg!(feature = "z3");

/// The proof of `properties` for every scenario of `target`: expected to hold.
fn every_size(target: Target, properties: &[Property]) -> Check {
    Check {
        scenario: target.smallest(),
        properties: properties.to_vec(),
        checker: Checker::Induction {
            sentinels: target.sentinels,
        },
        expect: Expect::Holds,
    }
}

/// The all-sizes proofs of theorem `id`.
pub fn checks(id: &str) -> Vec<Check> {
    use Property::*;
    let drain = &Property::DRAIN;
    match id {
        "T2" => vec![every_size(Target::new(Protocol::Sentinel), drain)],
        // No job lost for any K > W; termination only while the leftovers fit in the pipe.
        "T4" => vec![
            every_size(
                Target::new(Protocol::Sentinel).with_sentinels(SentinelRange::More),
                &[NoLostJob, NoDuplicate],
            ),
            every_size(
                Target::new(Protocol::Sentinel).with_sentinels(SentinelRange::MoreWithinCapacity),
                drain,
            ),
        ],
        "T8" => vec![every_size(
            Target::new(Protocol::Joinable),
            &[DrainedBeforeJoin, NoDuplicate, Termination],
        )],
        "T10" => vec![every_size(
            Target::new(Protocol::EmptyPoll).prefilled(),
            drain,
        )],
        "T12" => vec![every_size(Target::new(Protocol::ChannelDisconnect), drain)],
        _ => Vec::new(),
    }
}

/// What theorem `id`'s all-sizes proofs claim, for README.md's theorem table: `proved for
/// every size`, or per proof the properties and the sizes they hold for (`no_lost_job,
/// no_duplicate for K > W; proved for W < K <= W + C`); `-` without one.
pub fn summary(id: &str) -> String {
    let claims: Vec<String> = checks(id)
        .iter()
        .map(|check| {
            let what = if check.properties.contains(&Property::Termination) {
                "proved".to_string()
            } else {
                let names: Vec<&str> = check.properties.iter().map(|p| p.name()).collect();
                names.join(", ")
            };
            let Checker::Induction { sentinels } = check.checker else {
                unreachable!("an all-sizes check")
            };
            let target = Target::of(&check.scenario, sentinels);
            let every = Target::new(target.protocol).sizes();
            match target.sizes().strip_prefix(&every) {
                Some("") | None => format!("{what} for every size"),
                Some(extra) => format!("{what} for {}", extra.trim_start_matches(", ")),
            }
        })
        .collect();
    if claims.is_empty() {
        "-".into()
    } else {
        claims.join("; ")
    }
}
