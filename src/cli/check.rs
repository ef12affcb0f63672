//! `drainproof check`: one scenario, one checker, one report.

use super::Format;
use super::interrupt::stop_flag;
use super::output::emit;
use clap::{Args, ValueEnum};
use drainproof::render;
use drainproof::{
    Checker, Naming, Options, Property, Protocol, Scenario, SentinelRange, Target, check,
};
use std::time::Duration;

/// The scenario's flags, shared with `reproduce`'s sizes.
#[derive(Args, Debug)]
pub struct ScenarioArgs {
    /// The drain protocol.
    #[arg(long)]
    pub protocol: Protocol,
    /// Worker threads (processes, in the seed). Required, except with --checker induction,
    /// which covers every size.
    #[arg(long)]
    pub workers: Option<usize>,
    /// Jobs the producer puts. Required, except with --checker induction.
    #[arg(long)]
    pub jobs: Option<usize>,
    /// Items the pipe holds (the OS pipe's capacity divided by the item size) [default: 1].
    #[arg(long)]
    pub pipe_capacity: Option<usize>,
    /// Sentinels the producer puts (default: one per worker for sentinel protocols).
    #[arg(long)]
    pub sentinels: Option<usize>,
    /// Write every job into the pipe before the workers start (needs J <= C): isolates
    /// the reader lock's effect.
    #[arg(long)]
    pub prefilled: bool,
}

impl ScenarioArgs {
    fn scenario(&self) -> Result<Scenario, String> {
        let required = |flag: &str, value: Option<usize>| {
            value.ok_or_else(|| {
                format!(
                    "{flag} is required (except with --checker induction, which covers every size)"
                )
            })
        };
        let mut scenario = Scenario::new(
            self.protocol,
            required("--workers", self.workers)?,
            required("--jobs", self.jobs)?,
            self.pipe_capacity.unwrap_or(1),
        );
        scenario.sentinels = self.sentinels;
        scenario.prefilled = self.prefilled;
        Ok(scenario)
    }

    /// For `--checker induction`, which proves every size at once: the smallest scenario of
    /// the protocol's target (the proof leaves its sizes symbolic); sizes are refused.
    fn every_size(&self, sentinels: SentinelRange) -> Result<Scenario, String> {
        let sizes = [
            ("--workers", self.workers.is_some()),
            ("--jobs", self.jobs.is_some()),
            ("--pipe-capacity", self.pipe_capacity.is_some()),
            ("--sentinels", self.sentinels.is_some()),
        ];
        if let Some((flag, _)) = sizes.iter().find(|(_, given)| *given) {
            return Err(format!(
                "--checker induction proves every size at once and takes no {flag}"
            ));
        }
        let target = Target {
            protocol: self.protocol,
            sentinels,
            prefilled: self.prefilled,
        };
        Ok(target.smallest())
    }
}

/// `--checker`'s values.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum CheckerName {
    /// Exhaustive (DPOR): a proof within the sizes, or a minimal counterexample.
    Loom,
    /// shuttle's uniformly random scheduler: a sample of schedules.
    Random,
    /// shuttle's PCT (probabilistic concurrency testing): a sample biased towards the few
    /// ordering constraints most bugs need.
    Pct,
    /// shuttle's depth-first search (no partial-order reduction: prefer loom).
    Dfs,
    /// Real OS threads: the seed's experiment, repeated.
    Threads,
    /// Breadth-first search of the step relation, workers counted, not named: exhaustive (a
    /// proof within the sizes) far beyond loom's thread limit, or a shortest counterexample.
    Bfs,
    /// Induction over the step relation with z3 (feature `z3`): a proof for every W, J and C
    /// at once, or the obligation that fails and a reachable violation.
    Induction,
}

/// The search's flags.
#[derive(Args, Debug)]
pub struct CheckerArgs {
    /// The search to run.
    #[arg(long, value_enum, default_value = "pct")]
    pub checker: CheckerName,
    /// Schedules (random, pct), the most schedules (dfs) or trials (threads) [default: 1000].
    /// loom explores every execution and takes no limit.
    #[arg(long)]
    pub iterations: Option<usize>,
    /// Seed of the random and pct schedulers [default: 0].
    #[arg(long)]
    pub seed: Option<u64>,
    /// loom only: explore up to K preemptions (default: no bound, a proof).
    #[arg(long)]
    pub preemption_bound: Option<usize>,
    /// bfs only: give up after finding this many states; the verdict is then `inconclusive`
    /// (exit 3), never a proof.
    #[arg(long)]
    pub max_states: Option<u64>,
    /// induction only: the sentinels K relative to the workers W (per-worker: K = W; more:
    /// K > W; more-within-capacity: W < K <= W + C; fewer: K < W) [default: per-worker].
    #[arg(long, value_enum)]
    pub sentinel_range: Option<SentinelRange>,
}

impl CheckerArgs {
    /// The checker the flags ask for; flags that would be silently ignored are refused.
    pub fn checker(&self) -> Result<Checker, String> {
        let name = self.checker;
        let flag = format!(
            "--checker {}",
            name.to_possible_value().expect("named").get_name()
        );
        if self.preemption_bound.is_some() && name != CheckerName::Loom {
            return Err(format!(
                "--preemption-bound applies to --checker loom only, not {flag}"
            ));
        }
        if self.seed.is_some() && !matches!(name, CheckerName::Random | CheckerName::Pct) {
            return Err(format!(
                "--seed applies to --checker random or pct only, not {flag}"
            ));
        }
        if self.max_states.is_some() && name != CheckerName::Bfs {
            return Err(format!(
                "--max-states applies to --checker bfs only, not {flag}"
            ));
        }
        if self.sentinel_range.is_some() && name != CheckerName::Induction {
            return Err(format!(
                "--sentinel-range applies to --checker induction only, not {flag}"
            ));
        }
        if name == CheckerName::Induction && self.iterations.is_some() {
            return Err(
                "--checker induction proves every size at once and takes no --iterations".into(),
            );
        }
        if self.max_states == Some(0) {
            return Err("--max-states must be at least 1".into());
        }
        if name == CheckerName::Bfs && self.iterations.is_some() {
            return Err(
                "--checker bfs explores every reachable state and takes no --iterations; \
                 bound it with --max-states N"
                    .into(),
            );
        }
        if name == CheckerName::Loom && self.iterations.is_some() {
            return Err(
                "--checker loom explores every execution and takes no --iterations; bound it \
                 with --preemption-bound K, or sample with --checker pct"
                    .into(),
            );
        }
        let iterations = self.iterations.unwrap_or(Checker::DEFAULT_ITERATIONS);
        if iterations == 0 {
            return Err("--iterations must be at least 1".into());
        }
        if iterations > Checker::MAX_ITERATIONS {
            return Err(format!(
                "--iterations {iterations} is over the limit of {}",
                Checker::MAX_ITERATIONS
            ));
        }
        let seed = self.seed.unwrap_or(Checker::DEFAULT_SEED);
        Ok(match name {
            CheckerName::Loom => Checker::Loom {
                preemption_bound: self.preemption_bound,
            },
            CheckerName::Random => Checker::Random { iterations, seed },
            CheckerName::Pct => Checker::pct(iterations, seed),
            CheckerName::Dfs => Checker::Dfs {
                max_iterations: iterations,
            },
            CheckerName::Threads => Checker::Threads { trials: iterations },
            CheckerName::Bfs => Checker::Bfs {
                max_states: self.max_states,
            },
            CheckerName::Induction => Checker::Induction {
                sentinels: self.sentinel_range.unwrap_or_default(),
            },
        })
    }
}

/// `drainproof check`'s flags.
#[derive(Args, Debug)]
pub struct CheckArgs {
    #[command(flatten)]
    pub scenario: ScenarioArgs,
    /// The properties to check, comma-separated [default: no_lost_job,no_duplicate,termination].
    /// A property that does not apply to the protocol is refused.
    #[arg(long, value_enum, value_delimiter = ',')]
    pub property: Vec<Property>,
    #[command(flatten)]
    pub checker: CheckerArgs,
    /// Give up after this many seconds; the verdict is then `inconclusive` (exit 3), with the
    /// coverage reached, never a proof.
    #[arg(long)]
    pub time_limit: Option<f64>,
    /// How to print the report.
    #[arg(long, value_enum, default_value = "text")]
    pub format: Format,
}

/// What a `check` command line asks for, once its flags are checked.
#[derive(Debug, PartialEq)]
pub struct Request {
    pub scenario: Scenario,
    pub properties: Vec<Property>,
    pub checker: Checker,
    pub time_limit: Option<Duration>,
}

impl CheckArgs {
    /// The request the flags make, or why they make none.
    pub fn request(&self) -> Result<Request, String> {
        let time_limit = self.time_limit.map(time_limit).transpose()?;
        let checker = self.checker.checker()?;
        let scenario = match checker {
            Checker::Induction { sentinels } => self.scenario.every_size(sentinels)?,
            _ => {
                let scenario = self.scenario.scenario()?;
                validate(&scenario)?;
                scenario
            }
        };
        let properties = if self.property.is_empty() {
            Property::DRAIN.to_vec()
        } else {
            self.property.clone()
        };
        Ok(Request {
            scenario,
            properties,
            checker,
            time_limit,
        })
    }
}

/// What the library's own validation leaves to the command line.
pub fn validate(scenario: &Scenario) -> Result<(), String> {
    scenario
        .validate()
        .map_err(|error| error.describe(Naming::Flags))?;
    if scenario.jobs == 0 {
        return Err("--jobs must be at least 1: a drain of no jobs checks nothing".into());
    }
    Ok(())
}

/// `--time-limit` in seconds: positive and finite.
fn time_limit(seconds: f64) -> Result<Duration, String> {
    Duration::try_from_secs_f64(seconds)
        .ok()
        .filter(|limit| !limit.is_zero())
        .ok_or_else(|| format!("--time-limit {seconds} is not a positive number of seconds"))
}

/// Progress lines every this many seconds when stderr is not a terminal; the variable exists
/// so that tests can see a line without waiting ten seconds.
const PROGRESS_INTERVAL_VARIABLE: &str = "DRAINPROOF_PROGRESS_INTERVAL";

/// The options every search of the command line runs with: progress (lines every ten seconds
/// when piped), and Ctrl-C to stop it.
pub fn options(time_limit: Option<Duration>) -> Options {
    let interval = std::env::var(PROGRESS_INTERVAL_VARIABLE)
        .ok()
        .and_then(|seconds| Duration::try_from_secs_f64(seconds.parse().ok()?).ok());
    Options {
        progress: true,
        progress_interval: interval.unwrap_or(Options::default().progress_interval),
        time_limit,
        stop: Some(stop_flag()),
    }
}

pub fn run(args: CheckArgs) -> Result<u8, String> {
    let request = args.request()?;
    let options = options(request.time_limit);
    let report = check(
        &request.scenario,
        &request.properties,
        request.checker,
        options,
    )
    .map_err(|error| error.describe(Naming::Flags))?;
    match (args.format, &report.counterexample) {
        (Format::Json, _) => emit(&(render::json(&report) + "\n")),
        (Format::Mermaid, Some(cx)) => emit(&render::mermaid(cx)),
        (Format::Text | Format::Mermaid, _) => emit(&render::report(&report)),
    }
    Ok(report.verdict.exit_code())
}
