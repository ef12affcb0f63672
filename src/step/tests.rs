//! The relation's steps, one by one, and two properties of its design: the workers' counts
//! are an exact quotient of named workers, and a tracked job's ledger agrees with the full one.

use super::*;
use crate::model::Item;
use crate::scenario::{Protocol, Scenario};
use std::collections::{HashMap, HashSet, VecDeque};

type Concrete1 = State<Concrete, JobCounts>;

fn relation(
    protocol: Protocol,
    workers: usize,
    jobs: usize,
    capacity: usize,
) -> Relation<Concrete> {
    Relation::of(&Scenario::new(protocol, workers, jobs, capacity))
}

fn enabled(r: &Relation<Concrete>, s: &Concrete1) -> Vec<StepKind> {
    r.successors(s).into_iter().map(|(kind, _)| kind).collect()
}

fn take(r: &Relation<Concrete>, s: &Concrete1, kind: StepKind) -> Concrete1 {
    r.step(&Concrete, s, kind)
        .unwrap_or_else(|| panic!("{kind:?} is not enabled in {s:?}"))
        .1
}

fn get(op: WorkerOp) -> StepKind {
    StepKind::Worker {
        from: Local::Get,
        op,
    }
}

#[test]
fn the_producer_puts_the_jobs_then_a_sentinel_before_each_worker() {
    let r = relation(Protocol::Sentinel, 2, 1, 1);
    let s = r.start();
    assert_eq!(enabled(&r, &s), [StepKind::PutJob]);
    let s = take(&r, &s, StepKind::PutJob);
    assert_eq!(r.buffer(&s, 0), [Item::Job(0)]);
    // The first put started the feeder; the producer's next step is the first sentinel.
    assert_eq!(
        enabled(&r, &s),
        [StepKind::PutSentinel, StepKind::Flush { producer: 0 }]
    );
    let s = take(&r, &s, StepKind::PutSentinel);
    assert!(
        !enabled(&r, &s).contains(&StepKind::PutSentinel),
        "worker 0 starts first"
    );
    let s = take(&r, &s, StepKind::SpawnWorker);
    assert_eq!(s.count(Local::Get), &1);
    assert!(enabled(&r, &s).contains(&StepKind::PutSentinel));
    // The worker blocks: nothing in the pipe yet.
    assert!(
        !enabled(&r, &s)
            .iter()
            .any(|k| matches!(k, StepKind::Worker { .. }))
    );
}

#[test]
fn the_feeder_writes_in_order_and_waits_for_room() {
    let r = relation(Protocol::Sentinel, 1, 2, 1);
    let mut s = r.start();
    for _ in 0..2 {
        s = take(&r, &s, StepKind::PutJob);
    }
    let s = take(&r, &s, StepKind::Flush { producer: 0 });
    assert_eq!(r.pipe(&s), [Item::Job(0)]);
    assert_eq!(r.buffer(&s, 0), [Item::Job(1)]);
    assert!(
        r.step(&Concrete, &s, StepKind::Flush { producer: 0 })
            .is_none(),
        "pipe full"
    );
}

#[test]
fn a_worker_reads_the_head_processes_jobs_and_exits_on_a_sentinel() {
    let r = relation(Protocol::Sentinel, 1, 1, 2);
    let mut s = r.start();
    for kind in [
        StepKind::PutJob,
        StepKind::PutSentinel,
        StepKind::SpawnWorker,
    ] {
        s = take(&r, &s, kind);
    }
    assert!(
        r.step(&Concrete, &s, get(WorkerOp::GetJob)).is_none(),
        "the pipe is empty"
    );
    s = take(&r, &s, StepKind::Flush { producer: 0 });
    s = take(&r, &s, StepKind::Flush { producer: 0 });
    assert!(
        r.step(&Concrete, &s, get(WorkerOp::GetSentinel)).is_none(),
        "a job is first"
    );
    s = take(&r, &s, get(WorkerOp::GetJob));
    assert_eq!(s.jobs.count(0), 1);
    s = take(&r, &s, get(WorkerOp::GetSentinel));
    assert_eq!((s.count(Local::Get), s.count(Local::Exited)), (&0, &1));
    // The producer joins it, checks, closes, and exits once its feeder has.
    s = take(&r, &s, StepKind::JoinWorker);
    s = take(&r, &s, StepKind::SeedCheck);
    assert_eq!(s.seed, state::seed::EMPTY as i32);
    s = take(&r, &s, StepKind::PutClose);
    assert!(r.step(&Concrete, &s, StepKind::JoinFeeder).is_none());
    s = take(&r, &s, StepKind::FeederExit { producer: 0 });
    s = take(&r, &s, StepKind::JoinFeeder);
    s = take(&r, &s, StepKind::Exit);
    assert!(r.finished(&Concrete, &s));
    assert!(enabled(&r, &s).is_empty());
}

#[test]
fn the_reader_lock_makes_get_nowait_raise_empty_while_it_is_held() {
    let r = Relation::of(&Scenario::new(Protocol::EmptyPoll, 2, 2, 2).prefilled());
    let mut s = r.start();
    assert_eq!(r.pipe(&s), [Item::Job(0), Item::Job(1)]);
    s = take(&r, &s, StepKind::SpawnWorker);
    s = take(&r, &s, StepKind::SpawnWorker);
    let poll = |op| StepKind::Worker {
        from: Local::Poll,
        op,
    };
    assert!(
        r.step(&Concrete, &s, poll(WorkerOp::NowaitEmptyLocked))
            .is_none()
    );
    s = take(&r, &s, poll(WorkerOp::NowaitItem));
    assert!(r.lock_held(&Concrete, &s));
    assert!(
        r.step(&Concrete, &s, poll(WorkerOp::NowaitItem)).is_none(),
        "the lock is held"
    );
    let spurious = take(&r, &s, poll(WorkerOp::NowaitEmptyLocked));
    assert!(spurious.spurious);
    s = take(
        &r,
        &s,
        StepKind::Worker {
            from: Local::Locked,
            op: WorkerOp::ReleaseLock,
        },
    );
    assert!(!r.lock_held(&Concrete, &s));
}

#[test]
fn a_timed_reader_waits_once_for_the_lock_and_once_for_data() {
    let r = relation(Protocol::TimeoutPoll, 1, 1, 1);
    let mut s = r.start();
    s = take(&r, &s, StepKind::PutJob);
    s = take(&r, &s, StepKind::SpawnWorker);
    let from = |from, op| StepKind::Worker { from, op };
    s = take(&r, &s, from(Local::Poll, WorkerOp::TimeoutAwaitData));
    assert!(
        r.lock_held(&Concrete, &s),
        "waiting for data, it holds the lock"
    );
    let gave_up = take(&r, &s, from(Local::AwaitData, WorkerOp::TimeoutEmptyPipe));
    assert_eq!(gave_up.count(Local::Exited), &1);
    s = take(&r, &s, StepKind::Flush { producer: 0 });
    s = take(&r, &s, from(Local::AwaitData, WorkerOp::TimeoutItem));
    assert_eq!(s.jobs.count(0), 1);
}

#[test]
fn joinable_counts_tasks_and_join_returns_when_none_is_left() {
    let r = relation(Protocol::Joinable, 1, 1, 1);
    let mut s = r.start();
    s = take(&r, &s, StepKind::PutJob);
    assert_eq!(s.tasks, 1);
    s = take(&r, &s, StepKind::SpawnWorker);
    assert!(r.step(&Concrete, &s, StepKind::JoinQueue).is_none());
    s = take(&r, &s, StepKind::Flush { producer: 0 });
    s = take(&r, &s, get(WorkerOp::GetJob));
    assert!(
        r.step(&Concrete, &s, StepKind::JoinQueue).is_none(),
        "task_done() not yet called"
    );
    s = take(
        &r,
        &s,
        StepKind::Worker {
            from: Local::TaskDone,
            op: WorkerOp::TaskDone,
        },
    );
    s = take(&r, &s, StepKind::JoinQueue);
    assert!(s.jobs.unprocessed_at_join().is_empty());
}

#[test]
fn a_channel_sends_after_starting_every_worker_and_disconnects() {
    let r = relation(Protocol::ChannelDisconnect, 2, 1, 1);
    let mut s = r.start();
    assert_eq!(enabled(&r, &s), [StepKind::SpawnWorker]);
    s = take(&r, &s, StepKind::SpawnWorker);
    s = take(&r, &s, StepKind::SpawnWorker);
    s = take(&r, &s, StepKind::Send);
    assert_eq!(r.pipe(&s), [Item::Job(0)]);
    s = take(&r, &s, StepKind::DropSender);
    let recv = |op| StepKind::Worker {
        from: Local::Recv,
        op,
    };
    assert!(
        r.step(&Concrete, &s, recv(WorkerOp::RecvDisconnected))
            .is_none(),
        "a message is left"
    );
    s = take(&r, &s, recv(WorkerOp::RecvItem));
    s = take(&r, &s, recv(WorkerOp::RecvDisconnected));
    s = take(&r, &s, recv(WorkerOp::RecvDisconnected));
    assert_eq!(s.count(Local::Exited), &2);
}

/// Every reachable state of `r`, from `start`, by `successors`.
fn reachable<S: Clone + Eq + std::hash::Hash>(
    start: S,
    successors: impl Fn(&S) -> Vec<S>,
) -> HashSet<S> {
    let mut seen = HashSet::from([start.clone()]);
    let mut queue = VecDeque::from([start]);
    while let Some(s) = queue.pop_front() {
        for next in successors(&s) {
            if seen.insert(next.clone()) {
                queue.push_back(next);
            }
        }
    }
    seen
}

/// A state as a hashable key.
fn key(s: &Concrete1) -> Vec<i64> {
    let mut k: Vec<i64> = [s.put, s.taken, s.read]
        .iter()
        .flatten()
        .map(|&n| n.into())
        .collect();
    k.extend([s.stage, s.spawned, s.joined, s.seed, s.second, s.tasks].map(i64::from));
    k.extend([s.disconnected, s.spurious].map(i64::from));
    k.extend([s.order.bits as i64, s.order.len.into()]);
    k.extend(s.workers.map(i64::from));
    k.extend([s.jobs.once as i64, s.jobs.twice as i64, s.jobs.early as i64]);
    k
}

fn multinomial(counts: &[i32]) -> u64 {
    let factorial = |n: i32| (1..=n as u64).product::<u64>();
    let total: i32 = counts.iter().sum();
    counts
        .iter()
        .fold(factorial(total), |acc, &c| acc / factorial(c))
}

/// Counting workers is an exact quotient of naming them: the same relation run with named
/// workers (each worker step taken by each worker in the step's local state) reaches, for
/// each counted state, every assignment of the born workers to local states that has those
/// counts: the multinomial number of them. So no state of named workers is missed, and none
/// is counted twice.
#[test]
fn counted_states_are_exactly_the_orbits_of_named_workers() {
    for scenario in [
        Scenario::new(Protocol::Sentinel, 3, 2, 1),
        Scenario::new(Protocol::EmptyPoll, 3, 2, 2).prefilled(),
        Scenario::new(Protocol::TimeoutPoll, 3, 1, 1),
        Scenario::new(Protocol::EmptyCheck, 3, 2, 1),
        Scenario::new(Protocol::Joinable, 3, 2, 1),
        Scenario::new(Protocol::ChannelTryRecv, 3, 2, 1),
    ] {
        let r = Relation::of(&scenario);
        let counted = reachable(r.start(), |s| {
            r.successors(s).into_iter().map(|(_, next)| next).collect()
        });
        // Named: (state, each born worker's local state, in spawn order).
        let named = reachable((r.start(), Vec::<Local>::new()), |(s, locals)| {
            r.successors(s)
                .into_iter()
                .flat_map(|(kind, next)| match kind {
                    StepKind::Worker { from, .. } => {
                        let to = *Local::ALL
                            .iter()
                            .find(|l| next.workers[l.index()] > s.workers[l.index()])
                            .unwrap_or(&from);
                        (0..locals.len())
                            .filter(|&i| locals[i] == from)
                            .map(|i| {
                                let mut moved = locals.clone();
                                moved[i] = to;
                                (next.clone(), moved)
                            })
                            .collect::<Vec<_>>()
                    }
                    StepKind::SpawnWorker => {
                        let mut born = locals.clone();
                        born.push(r.shape.start());
                        vec![(next, born)]
                    }
                    _ => vec![(next, locals.clone())],
                })
                .collect()
        });
        let mut orbits: HashMap<Vec<i64>, u64> = HashMap::new();
        for (s, locals) in &named {
            for local in Local::ALL {
                let n = locals.iter().filter(|l| **l == local).count() as i32;
                assert_eq!(
                    s.workers[local.index()],
                    n,
                    "{scenario}: counts agree with names"
                );
            }
            *orbits.entry(key(s)).or_default() += 1;
        }
        assert_eq!(
            orbits.len(),
            counted.len(),
            "{scenario}: the same states, counted or named"
        );
        for (s, _) in &named {
            assert_eq!(
                orbits[&key(s)],
                multinomial(&s.workers),
                "{scenario}: a full orbit"
            );
        }
    }
}

impl std::hash::Hash for State<Concrete, JobCounts> {
    fn hash<H: std::hash::Hasher>(&self, h: &mut H) {
        key(self).hash(h)
    }
}

impl PartialEq for State<Concrete, JobCounts> {
    fn eq(&self, other: &Self) -> bool {
        key(self) == key(other)
    }
}

impl Eq for State<Concrete, JobCounts> {}

/// The steps are written once, over any ledger: run with the full ledger and a tracked-job
/// ledger side by side, every reachable state agrees, for every job tracked.
#[test]
fn a_tracked_job_agrees_with_the_full_ledger_on_every_state() {
    for scenario in [
        Scenario::new(Protocol::Sentinel, 2, 3, 1),
        Scenario::new(Protocol::EmptyPoll, 2, 3, 1),
        Scenario::new(Protocol::Joinable, 2, 3, 1),
        Scenario::new(Protocol::ForeignSentinel, 2, 2, 1),
        Scenario::new(Protocol::ChannelTryRecv, 2, 3, 1),
    ] {
        let r = Relation::of(&scenario);
        for tracked in 0..scenario.jobs as i32 {
            type Both = (JobCounts, TrackedJob<Concrete>);
            let start: State<Concrete, Both> = r.initial(
                &Concrete,
                (
                    JobCounts::new(scenario.jobs),
                    TrackedJob::new(&Concrete, tracked),
                ),
            );
            let mut queue = VecDeque::from([start]);
            let mut seen = HashSet::new();
            while let Some(s) = queue.pop_front() {
                let (counts, one) = &s.jobs;
                assert_eq!(
                    i32::from(counts.count(tracked as usize)),
                    one.count.min(2),
                    "{scenario}"
                );
                assert_eq!(counts.early & (1 << tracked) != 0, one.early, "{scenario}");
                for kind in r.kinds() {
                    if let Some((_, next)) = r.step(&Concrete, &s, kind) {
                        let k = format!("{next:?}");
                        if seen.insert(k) {
                            queue.push_back(next);
                        }
                    }
                }
            }
        }
    }
}
