//! A check of the checkers: every final state that shuttle's random schedules reach, loom's
//! exhaustive search (with its partial-order reduction) reaches too.
//!
//! loom explores one execution per class of equivalent interleavings, trusting that the model
//! shows it every step that conflicts with another. If the model hid a conflict (a read of
//! shared data outside the semaphore or token that orders it), loom would skip classes, and
//! some final state would be reachable but never explored. shuttle's random scheduler does no
//! reduction at all, so a state it finds that loom does not is exactly such a gap. A final
//! state is the complete enumeration's (`crate::check::enumeration::final_state`): what each
//! thread did in its own order, what was left, who hung, what `join()` had not waited for.
//! Checked for every protocol, in each of the model's observation modes. At W <= 2 the complete
//! enumeration (`crate::check::enumeration`) settles the same question without sampling, so
//! this is a second, independent opinion there, and the only one at W = 3.

use super::bfs::loom_runs::loom_run;
use crate::harness::run_once;
use crate::outcome::{FinalState, final_state};
use crate::scenario::{Protocol, Scenario};
use crate::sync::{Shuttle, lock};
use std::collections::BTreeSet;
use std::sync::{Arc, Mutex};

fn shuttle_states(scenario: Scenario, schedules: usize) -> BTreeSet<FinalState> {
    let states = Arc::new(Mutex::new(BTreeSet::new()));
    let sink = Arc::clone(&states);
    shuttle::check_random(
        move || {
            let outcome = run_once::<Shuttle>(&scenario, false);
            lock(&sink).insert(final_state(&outcome));
        },
        schedules,
    );
    Arc::into_inner(states).unwrap().into_inner().unwrap()
}

fn assert_loom_covers_shuttle(scenario: Scenario) {
    let run = loom_run(scenario);
    assert_eq!(run.race, None, "{scenario}: the race check fired");
    let exhaustive = &run.finals;
    let sampled = shuttle_states(scenario, 3000);
    let missed: Vec<_> = sampled.difference(exhaustive).collect();
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
