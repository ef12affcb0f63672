//! A check of the checkers: every final state that shuttle's random schedules reach, loom's
//! exhaustive search (with its partial-order reduction) reaches too.
//!
//! loom explores one execution per class of equivalent interleavings, trusting that the model
//! shows it every step that conflicts with another. If the model hid a conflict (a read of
//! shared data outside the semaphore or token that orders it), loom would skip classes, and
//! some final state would be reachable but never explored. shuttle's random scheduler does no
//! reduction at all, so a state it finds that loom does not is exactly such a gap. Checked for
//! every protocol, in each of the model's observation modes.

use crate::harness::run_once;
use crate::model::{Item, JobId, LaneId, Wait};
use crate::outcome::Outcome;
use crate::scenario::{Protocol, Scenario};
use crate::sync::{Loom, Shuttle, lock};
use std::collections::BTreeSet;
use std::sync::{Arc, Mutex};

/// What an execution ended with, written out: who processed which job in which order, what
/// was left, who hung on what, and what the seed's check said.
type FinalState = String;

fn final_state(outcome: Outcome) -> FinalState {
    let mut processed: Vec<(JobId, LaneId)> = outcome.processed;
    // Workers' steps interleave freely; what each worker did, in its own order, is the state.
    processed.sort_by_key(|&(_, lane)| lane);
    let leftover: Vec<Item> = outcome.leftover;
    let hang: Option<Vec<(LaneId, Wait)>> = outcome.hang;
    format!(
        "{processed:?} {leftover:?} {hang:?} {:?}",
        outcome.seed_check
    )
}

fn loom_states(scenario: Scenario) -> BTreeSet<FinalState> {
    let states = Arc::new(Mutex::new(BTreeSet::new()));
    let sink = Arc::clone(&states);
    let mut builder = loom::model::Builder::new();
    builder.max_branches = 100_000;
    builder.preemption_bound = None;
    builder.check(move || {
        let state = final_state(run_once::<Loom>(&scenario, false));
        lock(&sink).insert(state);
    });
    Arc::into_inner(states).unwrap().into_inner().unwrap()
}

fn shuttle_states(scenario: Scenario, schedules: usize) -> BTreeSet<FinalState> {
    let states = Arc::new(Mutex::new(BTreeSet::new()));
    let sink = Arc::clone(&states);
    shuttle::check_random(
        move || {
            let state = final_state(run_once::<Shuttle>(&scenario, false));
            lock(&sink).insert(state);
        },
        schedules,
    );
    Arc::into_inner(states).unwrap().into_inner().unwrap()
}

fn assert_loom_covers_shuttle(scenario: Scenario) {
    let exhaustive = loom_states(scenario);
    let sampled = shuttle_states(scenario, 3000);
    let missed: Vec<_> = sampled.difference(&exhaustive).collect();
    assert!(
        missed.is_empty(),
        "{scenario}: loom never reached {} final state(s) shuttle found, e.g. {:?}",
        missed.len(),
        missed[0]
    );
    assert!(
        exhaustive.len() > 1 || sampled.len() == 1,
        "{scenario}: a vacuous comparison"
    );
}

macro_rules! covers {
    ($($name:ident: $protocol:ident, $workers:literal, $jobs:literal, $capacity:literal $(, $extra:ident($($arg:expr),*))?;)*) => {$(
        #[test]
        fn $name() {
            let scenario = Scenario::new(Protocol::$protocol, $workers, $jobs, $capacity)
                $(.$extra($($arg),*))?;
            assert_loom_covers_shuttle(scenario);
        }
    )*};
}

covers! {
    sentinel_w2_j2_c1: Sentinel, 2, 2, 1;
    sentinel_w3_j1_c1: Sentinel, 3, 1, 1;
    sentinel_w2_j1_c1_k1_hangs: Sentinel, 2, 1, 1, with_sentinels(1);
    sentinel_w1_j1_c2_k2_leftover: Sentinel, 1, 1, 2, with_sentinels(2);
    foreign_sentinel_w1_j2_c1: ForeignSentinel, 1, 2, 1;
    joinable_w2_j2_c1: Joinable, 2, 2, 1;
    empty_check_w2_j2_c1: EmptyCheck, 2, 2, 1;
    empty_poll_w2_j2_c1: EmptyPoll, 2, 2, 1;
    empty_poll_w2_j2_c2_prefilled: EmptyPoll, 2, 2, 2, prefilled();
    timeout_poll_w2_j2_c1: TimeoutPoll, 2, 2, 1;
    channel_disconnect_w2_j2_c1: ChannelDisconnect, 2, 2, 1;
    channel_try_recv_w2_j2_c1: ChannelTryRecv, 2, 2, 1;
}
