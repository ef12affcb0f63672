//! The step relation against the code-level model, at every size loom can explore, both ways:
//!
//! - **(b) the same endings.** The set of ways an execution can end (which jobs were processed
//!   how often, what was left in the buffers and the pipe, who hung on what, what the seed's
//!   check said, whether an `Empty` was spurious, what `join()` had not waited for) is the same
//!   for both. loom reaches every final state of the model (tests/loom_covers_shuttle.rs checks
//!   its reduction against shuttle's unreduced schedules), so a difference is a step the
//!   relation has and the model does not, or the other way round.
//! - **(a) every execution is one of the relation.** Each execution loom explores, with the
//!   model's state recorded after every event, is validated event by event
//!   ([`super::refinement`]): its steps are steps of the relation whose guards hold, moving the
//!   same items, its states are the relation's, its blocked threads have no enabled step, and
//!   its end is the relation's. This sees what (b) cannot: a guard that only ever allowed an
//!   ending that some other path also reaches.

use super::endings;
use super::refinement::validate;
use crate::harness::run_once;
use crate::outcome::Property;
use crate::scenario::{Protocol, Scenario};
use crate::step::Ending;
use crate::sync::Loom;
use std::collections::BTreeSet;
use std::sync::{Arc, Mutex};

const PROPERTIES: [Property; 7] = [
    Property::NoLostJob,
    Property::NoDuplicate,
    Property::Termination,
    Property::SeedCheckSound,
    Property::SeedCheckComplete,
    Property::NoSpuriousEmpty,
    Property::DrainedBeforeJoin,
];

/// The endings loom reaches, checking on the way that [`Ending::violation`] judges each as
/// `Outcome::violation` judges the execution, and validating every execution against the
/// relation. Returns the endings and the number of executions validated.
fn loom_endings(scenario: Scenario) -> (BTreeSet<String>, u64) {
    #[derive(Default)]
    struct Seen {
        endings: BTreeSet<String>,
        executions: u64,
        failures: Vec<String>,
    }
    let seen = Arc::new(Mutex::new(Seen::default()));
    let sink = Arc::clone(&seen);
    let mut builder = loom::model::Builder::new();
    builder.max_branches = 100_000;
    builder.preemption_bound = None;
    builder.check(move || {
        let outcome = run_once::<Loom>(&scenario, true);
        let ending = Ending::from_outcome(&outcome);
        let mut seen = sink.lock().unwrap();
        seen.executions += 1;
        for property in PROPERTIES {
            let judged = ending.violation(property).map(|f| (f.kind, f.jobs));
            let by_model = outcome.violation(property).map(|v| (v.kind, v.jobs));
            if judged != by_model {
                seen.failures.push(format!(
                    "{property} judged differently: {judged:?} by the ending, {by_model:?} by \
                     the model"
                ));
            }
        }
        if let Err(mismatch) = validate(&scenario, &outcome)
            && seen.failures.len() < 3
        {
            let events: Vec<String> = outcome
                .events
                .iter()
                .enumerate()
                .map(|(i, e)| format!("{:>3} {}: {:?}", i + 1, outcome.lanes[e.lane], e.op))
                .collect();
            let execution = seen.executions;
            seen.failures.push(format!(
                "execution {execution} is not one of the relation: {mismatch}\n{}",
                events.join("\n")
            ));
        }
        seen.endings.insert(format!("{ending:?}"));
    });
    let seen = Arc::into_inner(seen).unwrap().into_inner().unwrap();
    assert!(
        seen.failures.is_empty(),
        "{scenario}:\n{}",
        seen.failures.join("\n\n")
    );
    (seen.endings, seen.executions)
}

fn bfs_endings(scenario: Scenario) -> BTreeSet<String> {
    endings(&scenario)
        .iter()
        .map(|ending| format!("{ending:?}"))
        .collect()
}

fn assert_same_endings(scenario: Scenario) {
    let (model, executions) = loom_endings(scenario);
    eprintln!("{scenario}: {executions} loom executions validated");
    let relation = bfs_endings(scenario);
    let only_model: Vec<_> = model.difference(&relation).collect();
    let only_relation: Vec<_> = relation.difference(&model).collect();
    assert!(
        only_model.is_empty() && only_relation.is_empty(),
        "{scenario}: endings differ\n  loom only: {only_model:#?}\n  bfs only: {only_relation:#?}"
    );
}

macro_rules! same_endings {
    ($($name:ident: $protocol:ident, $workers:literal, $jobs:literal, $capacity:literal $(, $extra:ident($($arg:expr),*))*;)*) => {$(
        #[test]
        fn $name() {
            let scenario = Scenario::new(Protocol::$protocol, $workers, $jobs, $capacity)
                $(.$extra($($arg),*))*;
            assert_same_endings(scenario);
        }
    )*};
}

same_endings! {
    sentinel_w1_j1_c1: Sentinel, 1, 1, 1;
    sentinel_w1_j2_c1: Sentinel, 1, 2, 1;
    sentinel_w1_j2_c2: Sentinel, 1, 2, 2;
    sentinel_w2_j1_c1: Sentinel, 2, 1, 1;
    sentinel_w2_j2_c1: Sentinel, 2, 2, 1;
    sentinel_w2_j2_c2: Sentinel, 2, 2, 2;
    sentinel_w3_j1_c1: Sentinel, 3, 1, 1;
    sentinel_w2_j1_c1_k1: Sentinel, 2, 1, 1, with_sentinels(1);
    sentinel_w3_j1_c1_k1: Sentinel, 3, 1, 1, with_sentinels(1);
    sentinel_w1_j1_c2_k2: Sentinel, 1, 1, 2, with_sentinels(2);
    sentinel_w1_j1_c1_k3: Sentinel, 1, 1, 1, with_sentinels(3);
    sentinel_w2_j2_c1_k3: Sentinel, 2, 2, 1, with_sentinels(3);
    sentinel_w2_j0_c1_k0: Sentinel, 2, 0, 1, with_sentinels(0);
    sentinel_w2_j2_c2_prefilled: Sentinel, 2, 2, 2, prefilled();
    foreign_sentinel_w1_j1_c1: ForeignSentinel, 1, 1, 1;
    foreign_sentinel_w1_j2_c1: ForeignSentinel, 1, 2, 1;
    foreign_sentinel_w1_j1_c2_k2: ForeignSentinel, 1, 1, 2, with_sentinels(2);
    foreign_sentinel_w1_j1_c1_k0: ForeignSentinel, 1, 1, 1, with_sentinels(0);
    foreign_sentinel_w1_j1_c2_prefilled: ForeignSentinel, 1, 1, 2, prefilled();
    empty_check_w1_j1_c1: EmptyCheck, 1, 1, 1;
    empty_check_w2_j1_c1: EmptyCheck, 2, 1, 1;
    empty_check_w2_j2_c1: EmptyCheck, 2, 2, 1;
    empty_check_w2_j2_c2: EmptyCheck, 2, 2, 2;
    empty_check_w2_j2_c2_prefilled: EmptyCheck, 2, 2, 2, prefilled();
    empty_poll_w1_j1_c1: EmptyPoll, 1, 1, 1;
    empty_poll_w1_j2_c1: EmptyPoll, 1, 2, 1;
    empty_poll_w2_j2_c1: EmptyPoll, 2, 2, 1;
    empty_poll_w2_j2_c2: EmptyPoll, 2, 2, 2;
    empty_poll_w3_j1_c1: EmptyPoll, 3, 1, 1;
    empty_poll_w2_j2_c2_prefilled: EmptyPoll, 2, 2, 2, prefilled();
    empty_poll_w3_j2_c2_prefilled: EmptyPoll, 3, 2, 2, prefilled();
    timeout_poll_w1_j1_c1: TimeoutPoll, 1, 1, 1;
    timeout_poll_w2_j1_c1: TimeoutPoll, 2, 1, 1;
    timeout_poll_w2_j2_c1: TimeoutPoll, 2, 2, 1;
    timeout_poll_w2_j2_c2_prefilled: TimeoutPoll, 2, 2, 2, prefilled();
    joinable_w1_j2_c1: Joinable, 1, 2, 1;
    joinable_w2_j2_c1: Joinable, 2, 2, 1;
    joinable_w2_j1_c2: Joinable, 2, 1, 2;
    joinable_w3_j1_c1: Joinable, 3, 1, 1;
    channel_disconnect_w1_j2_c1: ChannelDisconnect, 1, 2, 1;
    channel_disconnect_w2_j2_c1: ChannelDisconnect, 2, 2, 1;
    channel_disconnect_w2_j1_c2: ChannelDisconnect, 2, 1, 2;
    channel_disconnect_w3_j2_c1: ChannelDisconnect, 3, 2, 1;
    channel_try_recv_w1_j1_c1: ChannelTryRecv, 1, 1, 1;
    channel_try_recv_w2_j2_c1: ChannelTryRecv, 2, 2, 1;
    channel_try_recv_w2_j2_c2: ChannelTryRecv, 2, 2, 2;
    channel_try_recv_w3_j1_c1: ChannelTryRecv, 3, 1, 1;
}
