//! The `drainproof` command line: a thin dispatcher over the library. Each subcommand is a
//! module of `cli` with its clap `Args` and its `run`; what they print comes from
//! `drainproof::render` and `drainproof::catalog`.
//!
//! Exit codes (the CLI contract): 0 the property holds (proved, bounded or no counterexample),
//! 1 violated, 2 bad usage or configuration, 3 inconclusive (a search limit was hit, or Ctrl-C
//! stopped it, before an answer). Every error is one line on stderr, prefixed `drainproof: `;
//! nothing panics on bad input.

mod cli;

use clap::{Parser, Subcommand};
use std::process::ExitCode;

#[derive(Parser)]
#[command(
    version,
    about = "Model-checks job-queue drain protocols over multiprocessing.Queue",
    after_help = "Exit codes: 0 the property holds (proved, bounded or no counterexample), \
                  1 violated, 2 bad usage or configuration, 3 inconclusive (a search limit was \
                  hit, or Ctrl-C stopped the search, before an answer)."
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Check one scenario and print its verdict (and counterexample, if any).
    Check(cli::check::CheckArgs),
    /// Run the catalog of theorems at their documented bounds: a table, then the
    /// counterexamples. Exits 0 when every check came out as the catalog expects, 1 otherwise,
    /// 3 if Ctrl-C stopped it.
    Prove(cli::prove::ProveArgs),
    /// Re-run a counterexample from its replay handle and print the same trace.
    ///
    /// Exits 1 when the violation is reproduced (the property is violated), 2 when the handle
    /// is malformed or does not reproduce.
    Replay(cli::replay::ReplayArgs),
    /// The seed's experiment on real threads: the bad (empty-poll) and the good (sentinel)
    /// worker, `N% passed (Good Test: False/True)` as the seed prints it, plus lost jobs.
    ///
    /// Exits 0 when the experiment ran, 1 when the good (sentinel) worker lost or duplicated a
    /// job or hung.
    Reproduce(cli::reproduce::ReproduceArgs),
}

fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(error) => return cli::output::clap_error(error),
    };
    let result = match cli.command {
        Command::Check(args) => cli::check::run(args),
        Command::Prove(args) => cli::prove::run(args),
        Command::Replay(args) => cli::replay::run(args),
        Command::Reproduce(args) => cli::reproduce::run(args),
    };
    match result {
        Ok(code) => ExitCode::from(code),
        Err(error) => cli::output::fail(&error),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use drainproof::catalog;

    /// docs/proofs.md prints a command line for every row; each must ask, through the real
    /// parser, for exactly that row's scenario, properties and checker (the rows themselves
    /// run once, in the integration tests' catalog run).
    #[test]
    fn the_printed_commands_ask_for_their_rows() {
        for theorem in catalog::theorems(true) {
            // The all-sizes proofs too, whether or not this build runs them.
            let all_sizes = catalog::all_sizes::checks(theorem.id);
            for check in theorem.checks.iter().chain(&all_sizes) {
                let command = check.command();
                let cli = Cli::try_parse_from(command.split_whitespace())
                    .unwrap_or_else(|e| panic!("{}: `{command}`: {e}", theorem.id));
                let Command::Check(args) = cli.command else {
                    panic!("{}: `{command}` is not a check", theorem.id);
                };
                let request = args
                    .request()
                    .unwrap_or_else(|e| panic!("{}: `{command}`: {e}", theorem.id));
                assert_eq!(request.scenario, check.scenario, "`{command}`");
                assert_eq!(request.properties, check.properties, "`{command}`");
                assert_eq!(request.checker, check.checker, "`{command}`");
                assert_eq!(request.time_limit, None, "`{command}`");
            }
        }
    }
}
