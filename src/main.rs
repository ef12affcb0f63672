//! The `drainproof` command line.

use clap::{Parser, Subcommand, ValueEnum};
use drainproof::check::{CheckError, Report};
use drainproof::{Checker, Options, Property, Protocol, Scenario, check, render};
use std::process::ExitCode;

#[derive(Parser)]
#[command(
    version,
    about = "Model-checks job-queue drain protocols over multiprocessing.Queue"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Clone, Copy, ValueEnum)]
enum CheckerName {
    Loom,
    Random,
    Pct,
    Dfs,
    Threads,
}

#[derive(Clone, Copy, ValueEnum, PartialEq)]
enum Format {
    Text,
    Json,
    Mermaid,
}

#[derive(Subcommand)]
enum Command {
    /// Check one scenario and print its verdict (and counterexample, if any).
    Check {
        #[arg(long)]
        protocol: Protocol,
        #[arg(long)]
        workers: usize,
        #[arg(long)]
        jobs: usize,
        #[arg(long, default_value_t = 1)]
        pipe_capacity: usize,
        #[arg(long)]
        sentinels: Option<usize>,
        #[arg(long, value_enum, default_value = "pct")]
        checker: CheckerName,
        /// Schedules (random, pct, dfs) or trials (threads).
        #[arg(long, default_value_t = 1000)]
        iterations: usize,
        #[arg(long, default_value_t = 0)]
        seed: u64,
        /// loom only: explore up to K preemptions (default: no bound, a proof).
        #[arg(long)]
        preemption_bound: Option<usize>,
        #[arg(long, value_enum, default_value = "text")]
        format: Format,
    },
    /// Run the catalog of checks at their documented bounds and print a table.
    Prove,
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Check {
            protocol,
            workers,
            jobs,
            pipe_capacity,
            sentinels,
            checker,
            iterations,
            seed,
            preemption_bound,
            format,
        } => {
            let mut scenario = Scenario::new(protocol, workers, jobs, pipe_capacity);
            scenario.sentinels = sentinels;
            let checker = match checker {
                CheckerName::Loom => Checker::Loom { preemption_bound },
                CheckerName::Random => Checker::Random { iterations, seed },
                CheckerName::Pct => Checker::Pct {
                    iterations,
                    seed,
                    depth: 3,
                },
                CheckerName::Dfs => Checker::Dfs {
                    max_iterations: iterations,
                },
                CheckerName::Threads => Checker::Threads { trials: iterations },
            };
            run_check(&scenario, checker, format)
        }
        Command::Prove => prove(),
    };
    match result {
        Ok(code) => ExitCode::from(code),
        Err(error) => {
            eprintln!("drainproof: {error}");
            ExitCode::from(2)
        }
    }
}

fn options() -> Options {
    Options { progress: true }
}

fn run_check(scenario: &Scenario, checker: Checker, format: Format) -> Result<u8, CheckError> {
    let report = check(scenario, &Property::DRAIN, checker, options())?;
    match format {
        Format::Json => println!("{}", json(&report)),
        Format::Text => print!("{}", text(&report)),
        Format::Mermaid => match &report.counterexample {
            Some(cx) => print!("{}", render::mermaid(cx)),
            None => print!("{}", text(&report)),
        },
    }
    Ok(report.verdict.exit_code() as u8)
}

/// The JSON contract: one object per run (see docs/json.md).
fn json(report: &Report) -> String {
    let s = &report.scenario;
    serde_json::json!({
        "protocol": s.protocol,
        "workers": s.workers,
        "jobs": s.jobs,
        "pipe_capacity": s.pipe_capacity,
        "sentinels": s.sentinel_count(),
        "checker": report.checker.name(),
        "bounds": report.checker.bounds(),
        "verdict": report.verdict.name(),
        "statement": report.verdict.to_string(),
        "property": report.counterexample.as_ref().map_or(
            report.properties.iter().map(|p| p.name()).collect::<Vec<_>>().join(","),
            |cx| cx.property.name().to_string()),
        "executions": report.executions,
        "seconds": report.seconds,
        "counterexample": report.counterexample,
        "trials": report.trials,
    })
    .to_string()
}

fn text(report: &Report) -> String {
    let mut out = format!(
        "{}: {} [{}; {}; {} executions, {:.2}s]\n",
        report.scenario,
        report.verdict,
        report.checker.name(),
        report.checker.bounds(),
        report.executions,
        report.seconds
    );
    if let Some(stats) = &report.trials {
        out += &format!(
            "{}% passed (Good Test: {}); {} of {} trials lost jobs ({} jobs lost), {} hung\n",
            stats.seed_pass_percent(),
            if report.scenario.protocol == Protocol::EmptyPoll {
                "False"
            } else {
                "True"
            },
            stats.lossy_trials,
            stats.trials,
            stats.lost_jobs,
            stats.hangs
        );
    }
    if let Some(cx) = &report.counterexample {
        let minimal = if cx.minimal { "minimal: " } else { "" };
        out += &format!(
            "counterexample ({}{} preemptions, {} steps); replay: {}\n",
            minimal,
            cx.preemptions,
            cx.steps,
            cx.replay.as_deref().unwrap_or("none (real threads)")
        );
        out += &render::text(cx);
    }
    out
}

/// The catalog at its documented bounds (loom sizes chosen to finish within CI's budget).
fn prove() -> Result<u8, CheckError> {
    let loom = Checker::Loom {
        preemption_bound: None,
    };
    let pct = Checker::Pct {
        iterations: 2000,
        seed: 1,
        depth: 3,
    };
    let rows = [
        (Scenario::new(Protocol::Sentinel, 1, 3, 1), loom),
        (Scenario::new(Protocol::Sentinel, 1, 2, 2), loom),
        (
            Scenario::new(Protocol::Sentinel, 2, 1, 1),
            Checker::Loom {
                preemption_bound: Some(2),
            },
        ),
        (Scenario::new(Protocol::Sentinel, 8, 16, 4), pct),
        (Scenario::new(Protocol::EmptyPoll, 1, 1, 1), loom),
        (Scenario::new(Protocol::EmptyPoll, 2, 2, 1), loom),
        (Scenario::new(Protocol::EmptyPoll, 8, 16, 4), pct),
    ];
    println!(
        "| scenario | verdict | checker | bounds | executions | seconds |\n|---|---|---|---|---|---|"
    );
    let mut reports = Vec::new();
    for (scenario, checker) in rows {
        let report = check(&scenario, &Property::DRAIN, checker, options())?;
        println!(
            "| {} | {} | {} | {} | {} | {:.2} |",
            report.scenario,
            report.verdict,
            report.checker.name(),
            report.checker.bounds(),
            report.executions,
            report.seconds
        );
        reports.push(report);
    }
    for report in reports.iter().filter(|r| r.counterexample.is_some()) {
        println!("\n## {}\n", report.scenario);
        print!("{}", text(report));
    }
    Ok(0)
}
