//! proptest over scenario parameters, each scenario sampled by shuttle with a generated seed.
//!
//! proptest's own RNG is seeded deterministically (a fixed `rng_seed`), so the suite is the same
//! on every run; a failure prints the scenario and the shuttle seed, which `drainproof check
//! ... --seed S` reproduces.

use drainproof::Kind;
use drainproof::Verdict;
use drainproof::{Checker, Options, Property, Protocol, Scenario, check};
use proptest::prelude::*;
use proptest::test_runner::{Config, RngAlgorithm, RngSeed};

fn config(cases: u32) -> Config {
    Config {
        cases,
        rng_algorithm: RngAlgorithm::ChaCha,
        rng_seed: RngSeed::Fixed(0x5eed),
        failure_persistence: None,
        ..Config::default()
    }
}

fn random(seed: u64) -> Checker {
    Checker::Random {
        iterations: 50,
        seed,
    }
}

proptest! {
    #![proptest_config(config(24))]

    /// T2 at sizes loom cannot reach: one sentinel per worker never loses, duplicates or hangs.
    #[test]
    fn sentinel_never_fails_in_sampled_schedules(
        workers in 1usize..=8,
        jobs in 1usize..=16,
        pipe_capacity in 1usize..=8,
        seed in any::<u64>(),
    ) {
        let scenario = Scenario::new(Protocol::Sentinel, workers, jobs, pipe_capacity);
        let report = check(&scenario, &Property::DRAIN, random(seed), Options::default()).unwrap();
        prop_assert_eq!(
            report.verdict,
            Verdict::NoCounterexample { schedules: 50, seed: Some(seed) },
            "{}", scenario
        );
    }

    /// T1 at any size: with more jobs than one poll can see, empty-poll loses a job, and the
    /// counterexample names a job that was really never processed.
    #[test]
    fn empty_poll_loses_a_job_at_every_size(
        workers in 1usize..=8,
        jobs in 2usize..=16,
        pipe_capacity in 1usize..=8,
        seed in any::<u64>(),
    ) {
        let scenario = Scenario::new(Protocol::EmptyPoll, workers, jobs, pipe_capacity);
        let lost = [Property::NoLostJob];
        let report = check(&scenario, &lost, random(seed), Options::default()).unwrap();
        prop_assert_eq!(&report.verdict, &Verdict::Violated, "{}", scenario);
        let cx = report.counterexample.unwrap();
        prop_assert_eq!(cx.kind, Kind::LostJob);
        let processed: Vec<u32> = cx
            .events
            .iter()
            .filter_map(|e| match e.op {
                drainproof::model::Op::Process { job } => Some(job),
                _ => None,
            })
            .collect();
        for job in &cx.jobs {
            prop_assert!(!processed.contains(job), "job {} was processed after all", job);
        }
    }
}
