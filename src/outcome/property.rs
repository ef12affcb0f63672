//! The properties a check asserts of every execution, in one table: each property's name (the
//! CLI and JSON contract), the spelling also accepted on the command line, what it means, and
//! which protocols it says anything about.

use crate::scenario::Protocol;
use serde::Serialize;
use std::fmt;

/// What a check asserts of every execution. [`Property::name`] is the name in the JSON and
/// on the command line (`--property no_lost_job`; the kebab-case spelling is accepted too).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Property {
    /// Every job is processed. In a hung execution nothing moves any more, so a job that was
    /// not processed when it hung is lost too.
    NoLostJob,
    /// No job is processed twice.
    NoDuplicate,
    /// No thread (producer, feeder, non-daemon worker) blocks forever.
    Termination,
    /// The seed's check: `jobs.empty()` after joining the workers implies no job was lost.
    SeedCheckSound,
    /// The seed's check: a run that lost and duplicated nothing passes `jobs.empty()`.
    SeedCheckComplete,
    /// `get_nowait()` never raises `Empty` because another reader holds the reader lock.
    NoSpuriousEmpty,
    /// `JoinableQueue.join()` returns only after every job was processed.
    DrainedBeforeJoin,
}

/// One row of the table: everything the crate knows about a property besides how it judges
/// an execution (`Outcome::violation`).
struct Row {
    property: Property,
    name: &'static str,
    /// The spelling also accepted on the command line.
    alias: &'static str,
    /// One line for `--help`.
    about: &'static str,
    /// The protocols whose executions the property says anything about. Elsewhere it would
    /// hold vacuously, so checking it there is refused.
    applies_to: fn(Protocol) -> bool,
}

const fn any(_: Protocol) -> bool {
    true
}

/// The seed's check, `jobs.empty()`, is made by the `multiprocessing.Queue` harness only.
fn has_seed_check(protocol: Protocol) -> bool {
    !protocol.uses_channel()
}

const TABLE: [Row; 7] = [
    Row {
        property: Property::NoLostJob,
        name: "no_lost_job",
        alias: "no-lost-job",
        about: "every job is processed",
        applies_to: any,
    },
    Row {
        property: Property::NoDuplicate,
        name: "no_duplicate",
        alias: "no-duplicate",
        about: "no job is processed twice",
        applies_to: any,
    },
    Row {
        property: Property::Termination,
        name: "termination",
        alias: "termination",
        about: "no thread blocks forever",
        applies_to: any,
    },
    Row {
        property: Property::SeedCheckSound,
        name: "seed_check_sound",
        alias: "seed-check-sound",
        about: "the seed's jobs.empty() check passes only runs that lost nothing",
        applies_to: has_seed_check,
    },
    Row {
        property: Property::SeedCheckComplete,
        name: "seed_check_complete",
        alias: "seed-check-complete",
        about: "the seed's jobs.empty() check passes every run that lost and duplicated nothing",
        applies_to: has_seed_check,
    },
    Row {
        property: Property::NoSpuriousEmpty,
        name: "no_spurious_empty",
        alias: "no-spurious-empty",
        about: "get_nowait() never raises Empty because another reader holds the reader lock",
        applies_to: |protocol| protocol == Protocol::EmptyPoll,
    },
    Row {
        property: Property::DrainedBeforeJoin,
        name: "drained_before_join",
        alias: "drained-before-join",
        about: "JoinableQueue.join() returns only after every job was processed",
        applies_to: |protocol| protocol == Protocol::Joinable,
    },
];

impl Property {
    /// Every property, in the table's order.
    pub const ALL: [Property; 7] = [
        Property::NoLostJob,
        Property::NoDuplicate,
        Property::Termination,
        Property::SeedCheckSound,
        Property::SeedCheckComplete,
        Property::NoSpuriousEmpty,
        Property::DrainedBeforeJoin,
    ];

    /// The properties every drain protocol should have, checked when none is named.
    pub const DRAIN: [Property; 3] = [
        Property::NoLostJob,
        Property::NoDuplicate,
        Property::Termination,
    ];

    fn row(self) -> &'static Row {
        TABLE
            .iter()
            .find(|row| row.property == self)
            .expect("every property has a row")
    }

    /// The property's name in the JSON, the CLI and replay handles: `no_lost_job`.
    pub fn name(self) -> &'static str {
        self.row().name
    }

    /// The property named `name` (or its kebab-case spelling), if there is one.
    pub fn from_name(name: &str) -> Option<Property> {
        TABLE
            .iter()
            .find(|row| row.name == name || row.alias == name)
            .map(|row| row.property)
    }

    /// What the property asserts, in one line.
    pub fn about(self) -> &'static str {
        self.row().about
    }

    /// Whether the property says anything about `protocol`'s executions. Checking one that
    /// does not is refused: it would hold vacuously and read as a pass.
    pub fn applies_to(self, protocol: Protocol) -> bool {
        (self.row().applies_to)(protocol)
    }

    /// The properties that apply to `protocol`, in the table's order.
    pub fn applicable(protocol: Protocol) -> Vec<Property> {
        Property::ALL
            .into_iter()
            .filter(|property| property.applies_to(protocol))
            .collect()
    }
}

impl fmt::Display for Property {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl Serialize for Property {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.name())
    }
}

/// `--property` on the command line takes the table's names and aliases.
impl clap::ValueEnum for Property {
    fn value_variants<'a>() -> &'a [Self] {
        &Property::ALL
    }

    fn to_possible_value(&self) -> Option<clap::builder::PossibleValue> {
        let row = self.row();
        let value = clap::builder::PossibleValue::new(row.name).help(row.about);
        Some(if row.alias == row.name {
            value
        } else {
            value.alias(row.alias)
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_table_has_one_row_per_property_in_order() {
        let order: Vec<Property> = TABLE.iter().map(|row| row.property).collect();
        assert_eq!(order, Property::ALL);
    }

    #[test]
    fn names_and_aliases_parse_back() {
        for property in Property::ALL {
            assert_eq!(Property::from_name(property.name()), Some(property));
            assert_eq!(Property::from_name(property.row().alias), Some(property));
            assert_eq!(
                serde_json::to_value(property).unwrap(),
                serde_json::Value::from(property.name())
            );
        }
        assert_eq!(Property::from_name("lost"), None);
    }

    #[test]
    fn the_drain_properties_apply_everywhere_and_the_others_somewhere_not() {
        for protocol in Protocol::ALL {
            for property in Property::DRAIN {
                assert!(property.applies_to(protocol), "{property} on {protocol}");
            }
        }
        for property in &Property::ALL[3..] {
            assert!(
                Protocol::ALL.iter().any(|p| !property.applies_to(*p)),
                "{property} applies everywhere: move it to DRAIN's rows"
            );
        }
        assert!(!Property::SeedCheckSound.applies_to(Protocol::ChannelTryRecv));
        assert!(Property::SeedCheckSound.applies_to(Protocol::EmptyPoll));
        assert!(Property::DrainedBeforeJoin.applies_to(Protocol::Joinable));
        assert!(!Property::DrainedBeforeJoin.applies_to(Protocol::Sentinel));
        assert!(!Property::NoSpuriousEmpty.applies_to(Protocol::Sentinel));
    }
}
