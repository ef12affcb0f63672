//! The comparison at the smallest sizes of every protocol, and the seeded faults it (or the
//! race check) must catch.

use super::*;
use crate::check::bfs::loom_runs::loom_run;
use crate::model::fault::{Fault, inject};
use crate::model::race::Touch;
use crate::scenario::Protocol;
use std::time::Instant;

/// The final states only one side reached (the enumeration's, then loom's), and what each
/// reached; loom's search is the one shared with the other tests of its executions, unless a
/// seeded fault is on (`fresh`).
fn differences(
    scenario: Scenario,
    fresh: bool,
) -> (Vec<FinalState>, Vec<FinalState>, Reached, Reached) {
    let started = Instant::now();
    let (enumerated, enumeration) = enumerate(scenario);
    let enumerated_in = started.elapsed();
    let started = Instant::now();
    let (loomed, executions) = if fresh {
        loom_search(scenario)
    } else {
        let run = loom_run(scenario);
        let reached = Reached {
            finals: run.finals.clone(),
            race: run.race.clone(),
        };
        (reached, run.executions)
    };
    eprintln!(
        "{scenario}: enumeration {} states, {} executions in {:.2?}; loom {executions} \
         executions in {:.2?}; {} final states",
        enumeration.states,
        enumeration.executions,
        enumerated_in,
        started.elapsed(),
        enumerated.finals.len()
    );
    let only_enumerated = enumerated
        .finals
        .difference(&loomed.finals)
        .cloned()
        .collect();
    let only_loom = loomed
        .finals
        .difference(&enumerated.finals)
        .cloned()
        .collect();
    (only_enumerated, only_loom, enumerated, loomed)
}

fn assert_same(protocol: Protocol) {
    for scenario in smallest(protocol) {
        let (only_enumerated, only_loom, enumerated, loomed) = differences(scenario, false);
        assert_eq!(loomed.race, None, "{scenario}: the race check fired");
        assert!(
            only_enumerated.is_empty() && only_loom.is_empty(),
            "{scenario}: final states differ\n only the enumeration: {only_enumerated:#?}\n \
             only loom: {only_loom:#?}"
        );
        assert!(
            !enumerated.finals.is_empty(),
            "{scenario}: a vacuous comparison"
        );
    }
}

macro_rules! same_final_states {
    ($($name:ident: $protocol:ident;)*) => {$(
        #[test]
        fn $name() {
            assert_same(Protocol::$protocol);
        }
    )*};
}

same_final_states! {
    sentinel: Sentinel;
    foreign_sentinel: ForeignSentinel;
    empty_check: EmptyCheck;
    empty_poll: EmptyPoll;
    timeout_poll: TimeoutPoll;
    joinable: Joinable;
    channel_disconnect: ChannelDisconnect;
    channel_try_recv: ChannelTryRecv;
}

/// What a seeded fault does to the two checks: the race loom's search meets, and the final
/// states only the enumeration reaches.
fn caught(fault: Fault, scenario: Scenario) -> (Race, Vec<FinalState>) {
    let (only_enumerated, only_loom, _, loomed) = inject(fault, || differences(scenario, true));
    assert!(
        only_loom.is_empty(),
        "{fault:?}: loom reached more: {only_loom:#?}"
    );
    let (race, _) = loomed
        .race
        .unwrap_or_else(|| panic!("{fault:?} on {scenario}: the race check did not fire"));
    eprintln!("{fault:?} on {scenario}: {race}\n only the enumeration: {only_enumerated:#?}");
    assert!(
        !only_enumerated.is_empty(),
        "{fault:?} on {scenario}: the enumeration found nothing loom missed"
    );
    (race, only_enumerated)
}

/// Some state of `states` says all of `parts`.
fn assert_reached(states: &[FinalState], parts: &[&str]) {
    assert!(
        states
            .iter()
            .any(|state| parts.iter().all(|part| state.contains(part))),
        "no final state with {parts:?} in {states:#?}"
    );
}

#[test]
fn a_lifo_pipe_is_caught() {
    // loom "proves" sentinel W=1 J=2 C=2 with it, in one execution.
    let (race, missed) = caught(Fault::PipeLifo, Scenario::new(Protocol::Sentinel, 1, 2, 2));
    assert_eq!((race.region, race.second.1), ("pipe", Touch::TakeTail));
    // The worker reads the sentinel before job 1, which is left in the pipe: a lost job.
    assert_reached(&missed, &["Get { item: Sentinel }, Exit", "left [Job(1)]"]);
}

#[test]
fn task_done_before_processing_is_caught() {
    let (race, missed) = caught(
        Fault::TaskDoneFirst,
        Scenario::new(Protocol::Joinable, 1, 2, 1),
    );
    assert_eq!(
        (race.region, race.second.1),
        ("processed jobs", Touch::Observe)
    );
    // `join()` returns before job 1 is processed.
    assert_reached(&missed, &["unprocessed at join() Some([1])"]);
}

#[test]
fn an_ungated_get_nowait_poll_is_caught() {
    let (race, missed) = caught(
        Fault::UngatedGetNowait,
        Scenario::new(Protocol::EmptyPoll, 2, 1, 1),
    );
    assert_eq!(race.region, "pipe");
    // A spurious `Empty`: the poll saw the reader lock of a read it is not ordered with.
    assert_reached(&missed, &["GetNowait(Empty(reader lock held by worker-"]);
}

#[test]
fn an_ungated_empty_is_caught() {
    let (race, missed) = caught(
        Fault::UngatedEmpty,
        Scenario::new(Protocol::EmptyCheck, 2, 1, 1),
    );
    assert_eq!(race.region, "pipe");
    // Both workers see `empty()` False for the one job: one blocks in `get()` for ever.
    assert_reached(
        &missed,
        &[
            "PollEmpty { empty: false }, Stopped { hang: true }",
            "on PipeData",
        ],
    );
}

#[test]
fn an_ungated_write_is_caught() {
    for protocol in [
        Protocol::EmptyPoll,
        Protocol::EmptyCheck,
        Protocol::TimeoutPoll,
    ] {
        let (race, missed) = caught(Fault::UngatedWrite, Scenario::new(protocol, 1, 1, 1));
        assert_eq!(race.region, "pipe");
        // A lost job, each time.
        assert_reached(&missed, &["left [Job(0)]"]);
    }
}

/// Whether some final state shows a timed get that waited for data and then read an item,
/// and one that waited for the reader lock and then got it: what makes `get(timeout=t)`
/// differ from `get_nowait()` (issue 14, item 7).
fn timed_gets_wait(finals: &BTreeSet<FinalState>) -> (bool, bool) {
    let any = |pattern: &str| finals.iter().any(|state| state.contains(pattern));
    let waited_for_data = any("AwaitTimeout(PipeData), GetTimeout(Item");
    let waited_for_lock = any("AwaitTimeout(ReaderLock), GetTimeout(Item")
        || any("AwaitTimeout(ReaderLock), AwaitTimeout(PipeData)");
    (waited_for_data, waited_for_lock)
}

#[test]
fn a_timed_get_waits_for_data_and_for_the_reader_lock() {
    let scenario = Scenario::new(Protocol::TimeoutPoll, 2, 1, 1);
    let (enumerated, _) = enumerate(scenario);
    assert_eq!(timed_gets_wait(&enumerated.finals), (true, true));
    assert_eq!(timed_gets_wait(&loom_run(scenario).finals), (true, true));
}

#[test]
fn a_timed_get_that_never_waits_is_caught() {
    let scenario = Scenario::new(Protocol::TimeoutPoll, 2, 1, 1);
    let (enumerated, _) = inject(Fault::TimedGetNeverWaits, || enumerate(scenario));
    let (loomed, _) = inject(Fault::TimedGetNeverWaits, || loom_search(scenario));
    assert_eq!(timed_gets_wait(&enumerated.finals), (false, false));
    assert_eq!(timed_gets_wait(&loomed.finals), (false, false));
}
