//! `drainproof prove`: the catalog at its documented bounds (loom sizes chosen to finish within
//! CI's budget), as a table while it runs, or as docs/proofs.md.

use super::check::options;
use super::output::emit;
use clap::Args;
use drainproof::{catalog, render};

/// `drainproof prove`'s flags.
#[derive(Args, Debug)]
pub struct ProveArgs {
    /// Print docs/proofs.md instead (no wall-clock times, so it can be checked for
    /// freshness).
    #[arg(long)]
    pub markdown: bool,
    /// Add the larger bounds, which take minutes.
    #[arg(long)]
    pub extended: bool,
}

/// The exit code when Ctrl-C stopped the catalog before its end.
const INTERRUPTED: u8 = 3;

pub fn run(args: ProveArgs) -> Result<u8, String> {
    let theorems = catalog::theorems(args.extended);
    let count = theorems.len();
    if !args.markdown {
        emit(catalog::table_header());
    }
    let options = options(None);
    let outcomes = catalog::run(theorems, &options, |theorem, check, report| {
        if !args.markdown {
            emit(&catalog::table_row(theorem, check, report));
        }
    })
    .map_err(|error| error.to_string())?;
    if outcomes.len() < count {
        eprintln!("drainproof: interrupted: the catalog did not run to its end");
        return Ok(INTERRUPTED);
    }
    if args.markdown {
        emit(&catalog::markdown(&outcomes, args.extended));
    } else {
        if !catalog::all_sizes::AVAILABLE {
            emit(
                "\nThe all-sizes proofs (--checker induction) did not run: this build has no \
                 `z3` feature (rebuild with `--features loom,z3`).\n",
            );
        }
        for outcome in &outcomes {
            for report in outcome
                .reports
                .iter()
                .filter(|r| r.counterexample.is_some())
            {
                emit(&format!(
                    "\n## {}: {}\n\n{}",
                    outcome.theorem.id,
                    report.subject(),
                    render::report(report)
                ));
            }
        }
    }
    let surprises: Vec<&str> = outcomes
        .iter()
        .filter(|o| !o.as_expected())
        .map(|o| o.theorem.id)
        .collect();
    if surprises.is_empty() {
        Ok(0)
    } else {
        eprintln!(
            "drainproof: not as the catalog expects: {}",
            surprises.join(", ")
        );
        Ok(1)
    }
}
