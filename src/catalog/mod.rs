//! The catalog: every drain protocol people write with `multiprocessing.Queue`, each stated as
//! a numbered theorem with the checks that back it.
//!
//! A theorem's expected verdicts are *hypotheses*: [`run`] reports whether each check came out
//! as expected, and a mismatch is news to investigate, never something to bend the model to.
//! Everything `drainproof prove` prints and everything in docs/proofs.md comes from here and
//! from the runs; the only hand-written text is the prose below.

pub mod all_sizes;
mod markdown;
mod theorems;

pub use markdown::{markdown, readme_table, table_header, table_row};
pub use theorems::theorems;

use crate::check::{CheckError, Options, check};
use crate::outcome::{Kind, Property};
use crate::report::{Checker, Report, Verdict};
use crate::scenario::Scenario;
use std::sync::atomic::Ordering;

/// What a check is expected to find.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Expect {
    /// No violation within the checker's bounds.
    Holds,
    /// A counterexample of this kind.
    Violated(Kind),
}

/// One check backing a theorem.
#[derive(Clone, Debug)]
pub struct Check {
    /// What is checked.
    pub scenario: Scenario,
    /// The properties it must have (or, for a violation, the one it breaks).
    pub properties: Vec<Property>,
    /// The search that decides it.
    pub checker: Checker,
    /// What the check is expected to find.
    pub expect: Expect,
}

impl Check {
    /// The exact command line that reruns this check.
    pub fn command(&self) -> String {
        self.checker.command(&self.scenario, &self.properties)
    }

    /// What the check is about, as its row names it: the scenario, or for an all-sizes proof
    /// every scenario of its target.
    pub fn subject(&self) -> String {
        self.checker.subject(&self.scenario)
    }

    /// Whether `report` is what this check expects. A sampled or bounded search that finds
    /// nothing is "as expected" for a theorem that holds; its verdict still says how weak it is.
    pub fn as_expected(&self, report: &Report) -> bool {
        match (self.expect, &report.verdict) {
            (Expect::Holds, verdict) => verdict.exit_code() == 0,
            (Expect::Violated(kind), Verdict::Violated) => report
                .counterexample
                .as_ref()
                .is_some_and(|cx| cx.kind == kind),
            (Expect::Violated(_), _) => false,
        }
    }
}

/// A numbered, citable result.
#[derive(Clone, Debug)]
pub struct Theorem {
    /// `T1`, `T2`, ...: stable anchors in docs/proofs.md.
    pub id: &'static str,
    /// The claim in a few words: the heading in docs/proofs.md and README.md.
    pub title: &'static str,
    /// The claim, in words.
    pub statement: &'static str,
    /// What the model assumes for this theorem.
    pub assumptions: &'static str,
    /// For positive results: what the checks do *not* cover.
    pub not_covered: &'static str,
    /// Which checkers can decide it, and why.
    pub checkers: &'static str,
    /// The checks that run.
    pub checks: Vec<Check>,
    /// Checks at larger bounds that take minutes: `prove --extended` runs them too (see
    /// [`theorems()`]).
    pub extended: Vec<Check>,
}

/// A theorem and the reports of its checks.
pub struct Outcome {
    /// The theorem.
    pub theorem: Theorem,
    /// One report per check, in the order of `theorem.checks`.
    pub reports: Vec<Report>,
}

impl Outcome {
    /// Whether every check came out as the theorem expects.
    pub fn as_expected(&self) -> bool {
        self.theorem
            .checks
            .iter()
            .zip(&self.reports)
            .all(|(check, report)| check.as_expected(report))
    }
}

/// Runs every check of every theorem. `on_report` sees each report as it arrives (for a
/// table printed while the catalog runs). If `options.stop` is raised, the check running is
/// cut (and reports `inconclusive`) and no further one starts: the outcomes so far are
/// returned.
pub fn run(
    theorems: Vec<Theorem>,
    options: &Options,
    mut on_report: impl FnMut(&Theorem, &Check, &Report),
) -> Result<Vec<Outcome>, CheckError> {
    let stopped = || {
        options
            .stop
            .as_ref()
            .is_some_and(|stop| stop.load(Ordering::Relaxed))
    };
    let mut outcomes = Vec::new();
    for theorem in theorems {
        let mut reports = Vec::new();
        for c in &theorem.checks {
            if stopped() {
                break;
            }
            let report = check(&c.scenario, &c.properties, c.checker, options.clone())?;
            on_report(&theorem, c, &report);
            reports.push(report);
        }
        let complete = reports.len() == theorem.checks.len();
        if complete {
            outcomes.push(Outcome { theorem, reports });
        }
        if !complete || stopped() {
            break;
        }
    }
    Ok(outcomes)
}
