//! The `drainproof` command line.
//!
//! Exit codes (the CLI contract): 0 the property holds (proved, bounded or no counterexample),
//! 1 violated, 2 bad usage or configuration, 3 inconclusive (a search limit was hit before an
//! answer). Every error is one line on stderr, prefixed `drainproof: `; nothing panics on bad
//! input.

use clap::error::ErrorKind;
use clap::{Parser, Subcommand, ValueEnum};
use drainproof::check::induction::{self, Sentinels, Target};
use drainproof::check::{Counterexample, ReplayHandle, ReplayKind, Report};
use drainproof::{Checker, Options, Property, Protocol, Scenario, catalog, check, render};
use std::io::Write;
use std::process::ExitCode;
use std::time::Duration;

/// Exit code for bad usage or configuration.
const USAGE: u8 = 2;

/// The most schedules or trials one run may ask for: enough for any real search, and a typo
/// like `--iterations 10000000000` is refused instead of running for days.
const MAX_ITERATIONS: usize = 10_000_000;

#[derive(Parser)]
#[command(
    version,
    about = "Model-checks job-queue drain protocols over multiprocessing.Queue",
    after_help = "Exit codes: 0 the property holds (proved, bounded or no counterexample), \
                  1 violated, 2 bad usage or configuration, 3 inconclusive (a search limit was \
                  hit before an answer)."
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Clone, Copy, ValueEnum, PartialEq)]
enum CheckerName {
    Loom,
    Random,
    Pct,
    Dfs,
    Threads,
    Bfs,
    Induction,
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
        /// Workers (required, except with --checker induction, which covers every size).
        #[arg(long)]
        workers: Option<usize>,
        /// Jobs (required, except with --checker induction).
        #[arg(long)]
        jobs: Option<usize>,
        /// Items the pipe holds (the OS pipe's capacity divided by the item size) [default: 1].
        #[arg(long)]
        pipe_capacity: Option<usize>,
        /// Sentinels the producer puts (default: one per worker for sentinel protocols).
        #[arg(long)]
        sentinels: Option<usize>,
        /// Write every job into the pipe before the workers start (needs J <= C): isolates
        /// the reader lock's effect.
        #[arg(long)]
        prefilled: bool,
        /// The properties to check, comma-separated [default: no-lost-job,no-duplicate,termination].
        #[arg(long, value_enum, value_delimiter = ',')]
        property: Vec<Property>,
        #[arg(long, value_enum, default_value = "pct")]
        checker: CheckerName,
        /// Schedules (random, pct), the most schedules (dfs) or trials (threads) [default: 1000].
        /// loom explores every execution and takes no limit.
        #[arg(long)]
        iterations: Option<usize>,
        /// Seed of the random and pct schedulers [default: 0].
        #[arg(long)]
        seed: Option<u64>,
        /// loom only: explore up to K preemptions (default: no bound, a proof).
        #[arg(long)]
        preemption_bound: Option<usize>,
        /// loom and bfs: give up after this many seconds; the verdict is then `inconclusive`
        /// (exit 3), never a proof.
        #[arg(long)]
        time_limit: Option<f64>,
        /// bfs only: give up after finding this many states; the verdict is then
        /// `inconclusive` (exit 3), never a proof.
        #[arg(long)]
        max_states: Option<u64>,
        /// --checker induction with --protocol sentinel: the sentinels K relative to the
        /// workers W (per-worker: K = W; more: K > W; more-within-capacity: W < K <= W + C;
        /// fewer: K < W) [default: per-worker].
        #[arg(long, value_enum)]
        sentinel_range: Option<Sentinels>,
        #[arg(long, value_enum, default_value = "text")]
        format: Format,
    },
    /// Run the catalog of theorems at their documented bounds: a table, then the
    /// counterexamples. Exits 0 when every check came out as the catalog expects, 1 otherwise.
    Prove {
        /// Print docs/proofs.md instead (no wall-clock times, so it can be checked for
        /// freshness).
        #[arg(long)]
        markdown: bool,
        /// Add the larger bounds, which take minutes.
        #[arg(long)]
        extended: bool,
    },
    /// Re-run a counterexample from its replay handle and print the same trace.
    ///
    /// Exits 1 when the violation is reproduced (the property is violated), 2 when the handle
    /// is malformed or does not reproduce.
    Replay {
        /// The handle a counterexample printed (`dp1:...`).
        handle: String,
        #[arg(long, value_enum, default_value = "text")]
        format: Format,
    },
    /// The seed's experiment on real threads: the bad (empty-poll) and the good (sentinel)
    /// worker, `N% passed (Good Test: False/True)` as the seed prints it, plus lost jobs.
    ///
    /// Exits 0 when the experiment ran, 1 when the good (sentinel) worker lost or duplicated a
    /// job or hung.
    Reproduce {
        /// Trials per worker kind (the seed: 100).
        #[arg(long, default_value_t = 100)]
        trials: usize,
        /// Worker threads (the seed: 4).
        #[arg(long, default_value_t = 4)]
        workers: usize,
        /// Jobs [default: twice the workers, as the seed's `items = workers * 2`].
        #[arg(long)]
        jobs: Option<usize>,
        /// Items the pipe holds (the seed: a 64 KiB pipe and 10,000-byte items, about 6).
        #[arg(long, default_value_t = 6)]
        pipe_capacity: usize,
    },
}

fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(error) => return clap_error(error),
    };
    let result = match cli.command {
        Command::Check {
            protocol,
            workers,
            jobs,
            pipe_capacity,
            sentinels,
            prefilled,
            property,
            checker,
            iterations,
            seed,
            preemption_bound,
            time_limit,
            max_states,
            sentinel_range,
            format,
        } => {
            let properties = if property.is_empty() {
                Property::DRAIN.to_vec()
            } else {
                property
            };
            if checker == CheckerName::Induction {
                let sized = [
                    ("--workers", workers.is_some()),
                    ("--jobs", jobs.is_some()),
                    ("--pipe-capacity", pipe_capacity.is_some()),
                    ("--sentinels", sentinels.is_some()),
                    ("--iterations", iterations.is_some()),
                    ("--seed", seed.is_some()),
                    ("--preemption-bound", preemption_bound.is_some()),
                    ("--time-limit", time_limit.is_some()),
                    ("--max-states", max_states.is_some()),
                ];
                let target = Target {
                    protocol,
                    sentinels: sentinel_range.unwrap_or_default(),
                    prefilled,
                };
                let given = sized
                    .iter()
                    .find(|(_, given)| *given)
                    .map(|(flag, _)| *flag);
                return match run_induction(&target, &properties, given, format) {
                    Ok(code) => ExitCode::from(code),
                    Err(error) => fail(&error),
                };
            }
            if sentinel_range.is_some() {
                return fail("--sentinel-range applies to --checker induction only");
            }
            let (Some(workers), Some(jobs)) = (workers, jobs) else {
                let flag = if workers.is_none() {
                    "--workers"
                } else {
                    "--jobs"
                };
                return fail(&format!(
                    "{flag} is required (except with --checker induction, which covers every \
                     size)"
                ));
            };
            let mut scenario = Scenario::new(protocol, workers, jobs, pipe_capacity.unwrap_or(1));
            scenario.sentinels = sentinels;
            scenario.prefilled = prefilled;
            time_limit_for(checker, time_limit).and_then(|time_limit| {
                checker_for(checker, iterations, seed, preemption_bound, max_states).and_then(
                    |checker| {
                        let options = Options {
                            time_limit,
                            ..options()
                        };
                        run_check(&scenario, &properties, checker, options, format)
                    },
                )
            })
        }
        Command::Prove { markdown, extended } => prove(markdown, extended),
        Command::Replay { handle, format } => run_replay(&handle, format),
        Command::Reproduce {
            trials,
            workers,
            jobs,
            pipe_capacity,
        } => reproduce(
            trials,
            workers,
            jobs.unwrap_or(workers.saturating_mul(2)),
            pipe_capacity,
        ),
    };
    match result {
        Ok(code) => ExitCode::from(code),
        Err(error) => fail(&error),
    }
}

/// Prints one line on stderr and returns the usage exit code.
fn fail(error: &str) -> ExitCode {
    let line = error.split_whitespace().collect::<Vec<_>>().join(" ");
    eprintln!("drainproof: {line}");
    ExitCode::from(USAGE)
}

/// clap's errors, in one line. Help and version requests print as clap prints them.
fn clap_error(error: clap::Error) -> ExitCode {
    match error.kind() {
        ErrorKind::DisplayHelp
        | ErrorKind::DisplayVersion
        | ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand => {
            let _ = error.print();
            ExitCode::from(error.exit_code().clamp(0, 255) as u8)
        }
        _ => {
            // The rendered error: `error: ...`, indented details (possible values, tips), then
            // the usage and a pointer to --help, which one line cannot hold.
            let rendered = error.render().to_string();
            let parts: Vec<&str> = rendered
                .lines()
                .map(str::trim)
                .filter(|line| {
                    !line.is_empty()
                        && !line.starts_with("Usage:")
                        && !line.starts_with("For more information")
                })
                .map(|line| line.strip_prefix("error: ").unwrap_or(line))
                .collect();
            fail(&format!("{} (see --help)", parts.join(" ")))
        }
    }
}

/// Writes to stdout. A closed pipe (`drainproof ... | head`) ends the output quietly.
fn emit(text: &str) {
    let mut out = std::io::stdout().lock();
    let _ = out.write_all(text.as_bytes()).and_then(|()| out.flush());
}

fn options() -> Options {
    Options {
        progress: true,
        time_limit: None,
    }
}

/// The checker the flags ask for; flags that would be silently ignored are refused.
fn checker_for(
    name: CheckerName,
    iterations: Option<usize>,
    seed: Option<u64>,
    preemption_bound: Option<usize>,
    max_states: Option<u64>,
) -> Result<Checker, String> {
    let flag = match name {
        CheckerName::Loom => "--checker loom",
        CheckerName::Random => "--checker random",
        CheckerName::Pct => "--checker pct",
        CheckerName::Dfs => "--checker dfs",
        CheckerName::Threads => "--checker threads",
        CheckerName::Bfs => "--checker bfs",
        CheckerName::Induction => unreachable!("--checker induction is dispatched before"),
    };
    if max_states.is_some() && name != CheckerName::Bfs {
        return Err(format!(
            "--max-states applies to --checker bfs only, not {flag}"
        ));
    }
    if max_states == Some(0) {
        return Err("--max-states must be at least 1".into());
    }
    if name == CheckerName::Bfs && iterations.is_some() {
        return Err(
            "--checker bfs explores every reachable state and takes no --iterations; \
                    bound it with --max-states N"
                .into(),
        );
    }
    if preemption_bound.is_some() && name != CheckerName::Loom {
        return Err(format!(
            "--preemption-bound applies to --checker loom only, not {flag}"
        ));
    }
    if seed.is_some() && !matches!(name, CheckerName::Random | CheckerName::Pct) {
        return Err(format!(
            "--seed applies to --checker random or pct only, not {flag}"
        ));
    }
    if name == CheckerName::Loom && iterations.is_some() {
        return Err(
            "--checker loom explores every execution and takes no --iterations; \
                    bound it with --preemption-bound K, or sample with --checker pct"
                .into(),
        );
    }
    let iterations = iterations.unwrap_or(1000);
    if iterations == 0 {
        return Err("--iterations must be at least 1".into());
    }
    if iterations > MAX_ITERATIONS {
        return Err(format!(
            "--iterations {iterations} is over the limit of {MAX_ITERATIONS}"
        ));
    }
    let seed = seed.unwrap_or(0);
    Ok(match name {
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
        CheckerName::Bfs => Checker::Bfs { max_states },
        CheckerName::Induction => unreachable!("--checker induction is dispatched before"),
    })
}

/// The catalog's all-sizes proofs, one row each.
fn all_sizes_table(outcomes: &[catalog::Outcome]) -> String {
    let mut out =
        "\n| id | claim | properties | verdict | checker | obligations | solver | seconds \
                   | as expected |\n|---|---|---|---|---|---|---|---|---|\n"
            .to_string();
    for outcome in outcomes {
        for (claim, proof) in &outcome.proofs {
            let names: Vec<&str> = claim.properties.iter().map(|p| p.name()).collect();
            let expected = match catalog::all_sizes::as_expected(proof) {
                Some(true) => "yes",
                Some(false) => "NO",
                None => "not run",
            };
            out += &match proof {
                Ok(p) => format!(
                    "| {} | {} | {} | {} | induction | {} | {} | {:.2} | {expected} |\n",
                    outcome.theorem.id,
                    claim.scenario(),
                    names.join(","),
                    p.statement(),
                    p.obligations.len(),
                    p.solver,
                    p.seconds,
                ),
                Err(error) => format!(
                    "| {} | {} | {} | {error} | induction | - | - | - | {expected} |\n",
                    outcome.theorem.id,
                    claim.scenario(),
                    names.join(","),
                ),
            };
        }
    }
    out
}

/// `--checker induction`: a proof for every size, or the failed obligation and a reachable
/// violation (which bfs found, printed as bfs prints it). `sized` is a flag that names a
/// size or a search bound, which a proof for every size cannot take.
fn run_induction(
    target: &Target,
    properties: &[Property],
    sized: Option<&str>,
    format: Format,
) -> Result<u8, String> {
    if let Some(flag) = sized {
        return Err(format!(
            "--checker induction proves every size at once and takes no {flag}"
        ));
    }
    let proof = induction::prove(target, properties, options()).map_err(|e| e.to_string())?;
    let witness = proof.witness.as_ref().and_then(|w| w.report.as_ref());
    match (format, witness.and_then(|r| r.counterexample.as_ref())) {
        (Format::Json, _) => emit(&(proof.json().to_string() + "\n")),
        (Format::Mermaid, Some(cx)) => emit(&render::mermaid(cx)),
        (Format::Text | Format::Mermaid, _) => {
            emit(&proof.text());
            if let Some(report) = witness {
                emit(&text(report));
            }
        }
    }
    Ok(proof.verdict.exit_code() as u8)
}

/// `--time-limit`, which loom and bfs honour.
fn time_limit_for(name: CheckerName, seconds: Option<f64>) -> Result<Option<Duration>, String> {
    let Some(seconds) = seconds else {
        return Ok(None);
    };
    if !matches!(name, CheckerName::Loom | CheckerName::Bfs) {
        return Err("--time-limit applies to --checker loom or bfs only".into());
    }
    Duration::try_from_secs_f64(seconds)
        .ok()
        .filter(|limit| !limit.is_zero())
        .map(Some)
        .ok_or_else(|| format!("--time-limit {seconds} is not a positive number of seconds"))
}

/// What the library's own validation leaves to the command line.
fn validate(scenario: &Scenario) -> Result<(), String> {
    scenario.validate().map_err(|e| e.to_string())?;
    if scenario.jobs == 0 {
        return Err("--jobs must be at least 1: a drain of no jobs checks nothing".into());
    }
    Ok(())
}

fn run_check(
    scenario: &Scenario,
    properties: &[Property],
    checker: Checker,
    options: Options,
    format: Format,
) -> Result<u8, String> {
    validate(scenario)?;
    let report = check(scenario, properties, checker, options).map_err(|e| e.to_string())?;
    match format {
        Format::Json => emit(&(json(&report) + "\n")),
        Format::Text => emit(&text(&report)),
        Format::Mermaid => match &report.counterexample {
            Some(cx) => emit(&render::mermaid(cx)),
            None => emit(&text(&report)),
        },
    }
    Ok(report.verdict.exit_code() as u8)
}

/// The JSON contract: one object per run (see docs/json.md).
fn json(report: &Report) -> String {
    let s = &report.scenario;
    let mut object = serde_json::json!({
        "protocol": s.protocol,
        "workers": s.workers,
        "jobs": s.jobs,
        "pipe_capacity": s.pipe_capacity,
        "sentinels": s.sentinel_count(),
        "checker": report.checker.name(),
        "bounds": report.bounds(),
        "verdict": report.verdict.name(),
        "statement": report.verdict.to_string(),
        "property": report.counterexample.as_ref().map_or(
            report.properties.iter().map(|p| p.name()).collect::<Vec<_>>().join(","),
            |cx| cx.property.name().to_string()),
        "executions": report.executions,
        "seconds": report.seconds,
        "counterexample": report.counterexample,
        "trials": report.trials,
    });
    if let Some(bfs) = &report.bfs {
        object["bfs"] = serde_json::json!(bfs);
    }
    object.to_string()
}

fn text(report: &Report) -> String {
    let mut out = match &report.bfs {
        Some(bfs) => format!(
            "{}: {} [{}; {}; {}]\n{}",
            report.scenario,
            report.verdict,
            report.checker.name(),
            report.bounds(),
            bfs.measures(),
            bfs.text()
        ),
        None => format!(
            "{}: {} [{}; {}; {} executions, {:.2}s]\n",
            report.scenario,
            report.verdict,
            report.checker.name(),
            report.checker.bounds(),
            report.executions,
            report.seconds
        ),
    };
    if let Some(stats) = &report.trials {
        // The seed's line judges by its own check, `jobs.empty()`; a channel has no such check,
        // so its trials are reported by what they drained.
        let verdict = if report.scenario.protocol.uses_channel() {
            format!(
                "{}% drained every job exactly once",
                stats.drained * 100 / stats.trials.max(1)
            )
        } else {
            let good = if report.scenario.protocol == Protocol::EmptyPoll {
                "False"
            } else {
                "True"
            };
            format!("{}% passed (Good Test: {good})", stats.seed_pass_percent())
        };
        out += &format!(
            "{verdict}; {} of {} trials lost jobs ({} jobs lost), {} hung\n",
            stats.lossy_trials, stats.trials, stats.lost_jobs, stats.hangs
        );
    }
    if let Some(cx) = &report.counterexample {
        out += &counterexample_text(cx);
    }
    out
}

/// The counterexample's header line and its trace: what `check` and `replay` both print.
fn counterexample_text(cx: &Counterexample) -> String {
    format!(
        "counterexample ({}); replay: {}\n{}",
        cx.size(),
        cx.replay.as_deref().unwrap_or("none (real threads)"),
        render::text(cx)
    )
}

/// `drainproof replay`: the same counterexample, step for step.
fn run_replay(handle: &str, format: Format) -> Result<u8, String> {
    let started = std::time::Instant::now();
    let cx = drainproof::replay(handle)?;
    let parsed: ReplayHandle = handle.parse()?;
    let scenario = parsed.scenario;
    match format {
        Format::Text => emit(&format!(
            "{scenario}: violated ({}), reproduced from its replay handle\n{}",
            cx.property,
            counterexample_text(&cx)
        )),
        Format::Mermaid => emit(&render::mermaid(&cx)),
        Format::Json => {
            let engine = match parsed.kind {
                ReplayKind::Loom { .. } => "loom",
                ReplayKind::Shuttle { .. } => "shuttle",
            };
            let object = serde_json::json!({
                "protocol": scenario.protocol,
                "workers": scenario.workers,
                "jobs": scenario.jobs,
                "pipe_capacity": scenario.pipe_capacity,
                "sentinels": scenario.sentinel_count(),
                "checker": engine,
                "verdict": "violated",
                "property": cx.property,
                "executions": 1,
                "seconds": started.elapsed().as_secs_f64(),
                "counterexample": cx,
                "handle": handle.trim(),
            });
            emit(&format!("{object}\n"));
        }
    }
    Ok(1)
}

/// `drainproof reproduce`: the seed's script on real threads, with what its check cannot see.
fn reproduce(
    trials: usize,
    workers: usize,
    jobs: usize,
    pipe_capacity: usize,
) -> Result<u8, String> {
    if trials == 0 {
        return Err("--trials must be at least 1".into());
    }
    if trials > MAX_ITERATIONS {
        return Err(format!(
            "--trials {trials} is over the limit of {MAX_ITERATIONS}"
        ));
    }
    let mut good_failed = false;
    for (protocol, good_test) in [(Protocol::EmptyPoll, "False"), (Protocol::Sentinel, "True")] {
        let scenario = Scenario::new(protocol, workers, jobs, pipe_capacity);
        validate(&scenario)?;
        let report = check(
            &scenario,
            &Property::DRAIN,
            Checker::Threads { trials },
            options(),
        )
        .map_err(|e| e.to_string())?;
        let stats = report.trials.unwrap_or_default();
        emit(&format!(
            "{}% passed (Good Test: {good_test})\n    {scenario}, {} trials on real threads: \
             {} trials lost jobs ({} jobs lost, mean {:.2} and max {} per trial), {} passed the \
             seed's check yet lost a job, {} hung\n",
            stats.seed_pass_percent(),
            stats.trials,
            stats.lossy_trials,
            stats.lost_jobs,
            stats.mean_lost(),
            stats.max_lost,
            stats.passed_but_lost,
            stats.hangs,
        ));
        good_failed |= protocol == Protocol::Sentinel && report.counterexample.is_some();
    }
    Ok(u8::from(good_failed))
}

/// The catalog at its documented bounds (loom sizes chosen to finish within CI's budget).
fn prove(markdown: bool, extended: bool) -> Result<u8, String> {
    let theorems = catalog::theorems(extended);
    if !markdown {
        emit(
            "| id | scenario | properties | verdict | checker | bounds | executions | seconds | as \
             expected |\n|---|---|---|---|---|---|---|---|---|\n",
        );
    }
    let outcomes = catalog::run(theorems, options(), |theorem, check, report| {
        if !markdown {
            let names: Vec<&str> = check.properties.iter().map(|p| p.name()).collect();
            emit(&format!(
                "| {} | {} | {} | {} | {} | {} | {} | {:.2} | {} |\n",
                theorem.id,
                report.scenario,
                names.join(","),
                report.verdict,
                report.checker.name(),
                report.bounds(),
                report.executions,
                report.seconds,
                if check.as_expected(report) {
                    "yes"
                } else {
                    "NO"
                },
            ));
        }
    })
    .map_err(|e| e.to_string())?;
    if markdown {
        let command = if extended {
            "drainproof prove --markdown --extended"
        } else {
            "drainproof prove --markdown"
        };
        emit(&catalog::markdown(&outcomes, command));
    } else {
        emit(&all_sizes_table(&outcomes));
        for outcome in &outcomes {
            for report in outcome
                .reports
                .iter()
                .filter(|r| r.counterexample.is_some())
            {
                emit(&format!(
                    "\n## {}: {}\n\n{}",
                    outcome.theorem.id,
                    report.scenario,
                    text(report)
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
