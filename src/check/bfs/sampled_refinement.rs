//! Trace validation (a) beyond loom's reach: thousands of PCT and random executions of the
//! code-level model, at up to sixteen workers, each validated event by event against the step
//! relation ([`super::refinement`]), with the model's state recorded after every event.
//! loom_outcomes.rs validates every execution loom explores at small sizes; this samples the
//! sizes where only the relation is exhaustive.

use super::refinement::validate;
use crate::check::shuttle::config;
use crate::harness::run_once;
use crate::scenario::{Protocol, Scenario};
use crate::sync::Shuttle;
use shuttle::Runner;
use shuttle::scheduler::{PctScheduler, RandomScheduler, Scheduler};
use std::sync::{Arc, Mutex};

/// Executions per scheduler and scenario.
const EXECUTIONS: usize = 1_000;

/// Runs `scheduler`'s executions of `scenario`, validating each; returns how many ran.
fn validate_each(scheduler: impl Scheduler + 'static, scenario: Scenario) -> usize {
    #[derive(Default)]
    struct Seen {
        executions: usize,
        failures: Vec<String>,
    }
    let seen = Arc::new(Mutex::new(Seen::default()));
    let sink = Arc::clone(&seen);
    Runner::new(scheduler, config()).run(move || {
        let outcome = run_once::<Shuttle>(&scenario, true);
        let mut seen = sink.lock().unwrap();
        seen.executions += 1;
        if let Err(mismatch) = validate(&scenario, &outcome)
            && seen.failures.len() < 3
        {
            let execution = seen.executions;
            seen.failures.push(format!(
                "execution {execution} is not one of the relation: {mismatch}"
            ));
        }
    });
    let seen = seen.lock().unwrap();
    assert!(
        seen.failures.is_empty(),
        "{scenario}:\n{}",
        seen.failures.join("\n")
    );
    seen.executions
}

fn sample(scenario: Scenario) {
    let seed = 1;
    let pct = validate_each(PctScheduler::new_from_seed(seed, 3, EXECUTIONS), scenario);
    let random = validate_each(RandomScheduler::new_from_seed(seed, EXECUTIONS), scenario);
    assert_eq!((pct, random), (EXECUTIONS, EXECUTIONS));
    eprintln!("{scenario}: {pct} pct and {random} random executions validated (seed {seed})");
}

macro_rules! sampled {
    ($($name:ident: $protocol:ident, $workers:literal, $jobs:literal, $capacity:literal $(, $extra:ident($($arg:expr),*))*;)*) => {$(
        #[test]
        fn $name() {
            sample(
                Scenario::new(Protocol::$protocol, $workers, $jobs, $capacity)
                    $(.$extra($($arg),*))*,
            );
        }
    )*};
}

sampled! {
    sentinel_w16_j16_c4: Sentinel, 16, 16, 4;
    sentinel_w8_j8_c1: Sentinel, 8, 8, 1;
    sentinel_w16_j8_c2_k15: Sentinel, 16, 8, 2, with_sentinels(15);
    sentinel_w16_j8_c2_k18: Sentinel, 16, 8, 2, with_sentinels(18);
    sentinel_w16_j16_c16_prefilled: Sentinel, 16, 16, 16, prefilled();
    foreign_sentinel_w16_j16_c4: ForeignSentinel, 16, 16, 4;
    foreign_sentinel_w8_j4_c4_prefilled: ForeignSentinel, 8, 4, 4, prefilled();
    empty_check_w16_j16_c4: EmptyCheck, 16, 16, 4;
    empty_check_w16_j8_c8_prefilled: EmptyCheck, 16, 8, 8, prefilled();
    empty_poll_w16_j16_c4: EmptyPoll, 16, 16, 4;
    empty_poll_w16_j16_c16_prefilled: EmptyPoll, 16, 16, 16, prefilled();
    timeout_poll_w16_j16_c4: TimeoutPoll, 16, 16, 4;
    timeout_poll_w16_j8_c8_prefilled: TimeoutPoll, 16, 8, 8, prefilled();
    joinable_w16_j16_c4: Joinable, 16, 16, 4;
    channel_disconnect_w16_j16_c4: ChannelDisconnect, 16, 16, 4;
    channel_try_recv_w16_j16_c4: ChannelTryRecv, 16, 16, 4;
}
