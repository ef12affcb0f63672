//! `drainproof reproduce`: the seed's script on real threads, with what its check cannot see.

use super::check::{options, validate};
use super::output::emit;
use clap::Args;
use drainproof::{Checker, Naming, Property, Protocol, Scenario, check};

/// `drainproof reproduce`'s flags: the seed's sizes by default.
#[derive(Args, Debug)]
pub struct ReproduceArgs {
    /// Trials per worker kind (the seed: 100).
    #[arg(long, default_value_t = 100)]
    pub trials: usize,
    /// Worker threads (the seed: 4).
    #[arg(long, default_value_t = 4)]
    pub workers: usize,
    /// Jobs [default: twice the workers, as the seed's `items = workers * 2`].
    #[arg(long)]
    pub jobs: Option<usize>,
    /// Items the pipe holds (the seed: a 64 KiB pipe and 10,000-byte items, about 6).
    #[arg(long, default_value_t = 6)]
    pub pipe_capacity: usize,
}

pub fn run(args: ReproduceArgs) -> Result<u8, String> {
    let trials = args.trials;
    if trials == 0 {
        return Err("--trials must be at least 1".into());
    }
    if trials > Checker::MAX_ITERATIONS {
        return Err(format!(
            "--trials {trials} is over the limit of {}",
            Checker::MAX_ITERATIONS
        ));
    }
    let jobs = args.jobs.unwrap_or(args.workers.saturating_mul(2));
    let mut good_failed = false;
    for (protocol, good_test) in [(Protocol::EmptyPoll, "False"), (Protocol::Sentinel, "True")] {
        let scenario = Scenario::new(protocol, args.workers, jobs, args.pipe_capacity);
        validate(&scenario)?;
        let report = check(
            &scenario,
            &Property::DRAIN,
            Checker::Threads { trials },
            options(None),
        )
        .map_err(|error| error.describe(Naming::Flags))?;
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
