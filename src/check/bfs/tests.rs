//! The breadth-first checker on the catalog: its verdicts, and its counterexamples inspected.

use crate::check::{CheckError, Options};
use crate::model::Item;
use crate::outcome::{Kind, Property};
use crate::report::{Checker, Report, Verdict, thousands};
use crate::scenario::{Protocol, Scenario};
use crate::step::{Actor, Blocked, Local, StepKind, Thread, WorkerOp};

fn check(
    scenario: &Scenario,
    properties: &[Property],
    max_states: Option<u64>,
    options: Options,
) -> Result<Report, CheckError> {
    crate::check::check(scenario, properties, Checker::Bfs { max_states }, options)
}

fn bfs(scenario: Scenario, properties: &[Property]) -> Report {
    check(&scenario, properties, None, Options::default()).expect("a valid scenario")
}

fn ops(report: &Report) -> Vec<(Actor, StepKind, Option<Item>)> {
    report
        .exploration
        .as_ref()
        .unwrap()
        .path
        .iter()
        .map(|s| (s.actor, s.step, s.item))
        .collect()
}

fn worker(from: Local, op: WorkerOp) -> StepKind {
    StepKind::Worker { from, op }
}

#[test]
fn empty_poll_loses_the_job_still_in_the_buffer() {
    let report = bfs(
        Scenario::new(Protocol::EmptyPoll, 1, 1, 1),
        &Property::DRAIN,
    );
    let finding = report
        .exploration
        .as_ref()
        .unwrap()
        .finding
        .clone()
        .unwrap();
    assert_eq!((finding.kind, finding.jobs), (Kind::LostJob, vec![0]));
    let path = ops(&report);
    let empty = path
        .iter()
        .position(|(_, step, _)| *step == worker(Local::Poll, WorkerOp::NowaitEmptyPipe))
        .expect("the worker gave up on Empty");
    // The job was put before the worker's Empty, and never flushed before it.
    let put = path
        .iter()
        .position(|(_, step, _)| *step == StepKind::PutJob)
        .unwrap();
    assert!(put < empty);
    assert!(
        !path[..empty]
            .iter()
            .any(|(_, step, _)| matches!(step, StepKind::Flush { .. }))
    );
    // The execution is the shortest: put, spawn, Empty, join, check, close, flush, exit...
    assert_eq!(
        report.exploration.as_ref().unwrap().path.len(),
        10,
        "{path:?}"
    );
}

#[test]
fn fewer_sentinels_than_workers_hang_a_worker_and_the_producer() {
    let scenario = Scenario::new(Protocol::Sentinel, 2, 1, 1).with_sentinels(1);
    let report = bfs(scenario, &Property::DRAIN);
    let finding = report
        .exploration
        .as_ref()
        .unwrap()
        .finding
        .clone()
        .unwrap();
    assert_eq!(finding.kind, Kind::Hang);
    assert_eq!(
        finding.threads,
        [Thread::Main, Thread::Feeder(0), Thread::Worker]
    );
}

#[test]
fn leftover_sentinels_beyond_the_pipe_hang_the_producers_exit() {
    let scenario = Scenario::new(Protocol::Sentinel, 1, 1, 1).with_sentinels(3);
    let report = bfs(scenario, &[Property::Termination]);
    let relation = crate::step::Relation::of(&scenario);
    let path = &report.exploration.as_ref().unwrap().path;
    let last = path.last().unwrap();
    assert_eq!(last.pipe, [Item::Sentinel], "the pipe is full");
    assert_eq!(last.buffers[0], [Item::Sentinel, Item::Close]);
    let ending = {
        let mut s = relation.start();
        for step in path {
            s = relation
                .step(&crate::step::Concrete, &s, step.step)
                .unwrap()
                .1;
        }
        relation.ending(&s)
    };
    assert_eq!(
        ending.stuck,
        Some(vec![
            (Thread::Main, Blocked::Exit(Thread::Feeder(0)), 1),
            (Thread::Feeder(0), Blocked::PipeRoom, 1)
        ])
    );
}

#[test]
fn a_foreign_sentinel_overtakes_the_job() {
    let report = bfs(
        Scenario::new(Protocol::ForeignSentinel, 1, 1, 1),
        &Property::DRAIN,
    );
    let finding = report
        .exploration
        .as_ref()
        .unwrap()
        .finding
        .clone()
        .unwrap();
    assert_eq!((finding.kind, finding.jobs), (Kind::LostJob, vec![0]));
    let path = ops(&report);
    let sentinel = path
        .iter()
        .position(|(_, step, _)| *step == worker(Local::Get, WorkerOp::GetSentinel))
        .unwrap();
    assert!(path[..sentinel].contains(&(Actor::Main, StepKind::PutJob, Some(Item::Job(0)))));
    assert!(path[..sentinel].contains(&(
        Actor::Feeder(1),
        StepKind::Flush { producer: 1 },
        Some(Item::Sentinel)
    )));
    assert!(
        !path[..sentinel]
            .iter()
            .any(|(_, step, _)| *step == StepKind::Flush { producer: 0 })
    );
}

#[test]
fn the_seed_check_passes_a_run_that_lost_a_job() {
    let scenario = Scenario::new(Protocol::EmptyPoll, 1, 1, 1);
    let report = bfs(scenario, &[Property::SeedCheckSound]);
    let finding = report
        .exploration
        .as_ref()
        .unwrap()
        .finding
        .clone()
        .unwrap();
    assert_eq!((finding.kind, finding.jobs), (Kind::UnsoundCheck, vec![0]));
}

#[test]
fn a_prefilled_pipe_gives_a_spurious_empty_but_loses_nothing() {
    let scenario = Scenario::new(Protocol::EmptyPoll, 2, 2, 2).prefilled();
    let spurious = bfs(scenario, &[Property::NoSpuriousEmpty]);
    let path = ops(&spurious);
    let empty = worker(Local::Poll, WorkerOp::NowaitEmptyLocked);
    let at = path.iter().position(|(_, step, _)| *step == empty).unwrap();
    let held = path[..at]
        .iter()
        .rposition(|(_, step, _)| *step == worker(Local::Poll, WorkerOp::NowaitItem))
        .unwrap();
    assert!(
        !path[held..at]
            .iter()
            .any(|(_, step, _)| *step == worker(Local::Locked, WorkerOp::ReleaseLock))
    );
    assert_eq!(bfs(scenario, &Property::DRAIN).verdict, Verdict::Proved);
}

#[test]
fn joinable_join_waits_for_every_job_at_sizes_loom_cannot_reach() {
    let properties = [
        Property::DrainedBeforeJoin,
        Property::NoDuplicate,
        Property::Termination,
    ];
    let report = bfs(Scenario::new(Protocol::Joinable, 12, 8, 2), &properties);
    assert_eq!(report.verdict, Verdict::Proved);
}

#[test]
fn sentinel_is_proved_at_twelve_workers_with_its_bounds() {
    let report = bfs(
        Scenario::new(Protocol::Sentinel, 12, 8, 2),
        &Property::DRAIN,
    );
    assert_eq!(report.verdict, Verdict::Proved);
    let states = report.exploration.as_ref().unwrap().stats.states;
    assert!(states > 1, "a vacuous search");
    assert_eq!(
        report.bounds(),
        format!(
            "exhaustive: {} states (workers counted, not named)",
            thousands(states)
        )
    );
}

#[test]
fn a_state_limit_makes_the_verdict_inconclusive() {
    let scenario = Scenario::new(Protocol::Sentinel, 12, 8, 2);
    let report = check(&scenario, &Property::DRAIN, Some(100), Options::default()).unwrap();
    let Verdict::Inconclusive { reason } = &report.verdict else {
        panic!("{:?}", report.verdict);
    };
    assert!(reason.contains("state limit"), "{reason}");
    assert!(report.bounds().starts_with("not exhaustive"));
}

#[test]
fn sizes_that_do_not_fit_are_refused() {
    let too_many = Scenario::new(Protocol::Sentinel, 2, 129, 2);
    assert!(check(&too_many, &Property::DRAIN, None, Options::default()).is_err());
}
