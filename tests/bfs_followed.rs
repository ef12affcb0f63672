//! bfs's counterexamples printed from the code-level model (issue 8 item 3): every violated
//! catalog row's bfs counterexample is an execution of the model, inspected (which job, which
//! step), replayable to the same trace; and every violation bfs finds at small sizes is
//! followed by the model.

use drainproof::catalog::{Expect, theorems};
use drainproof::model::{EmptyCause, Event, Item, JobId, Op, Polled, Received};
use drainproof::{
    CheckError, Checker, Kind, Options, Property, Protocol, Report, Scenario, Verdict, replay,
};

fn try_check(scenario: &Scenario, properties: &[Property]) -> Result<Report, CheckError> {
    let bfs = Checker::Bfs { max_states: None };
    drainproof::check(scenario, properties, bfs, Options::default())
}

fn check(scenario: &Scenario, properties: &[Property]) -> Report {
    try_check(scenario, properties).unwrap_or_else(|e| panic!("{scenario}: {e}"))
}

fn bfs(scenario: Scenario, properties: &[Property]) -> Report {
    check(&scenario, properties)
}

/// A worker's event that ends its loop although work may remain: an `Empty`, `empty()` True,
/// or a sentinel.
fn gives_up(op: &Op) -> bool {
    matches!(
        op,
        Op::GetNowait {
            polled: Polled::Empty { .. }
        } | Op::GetTimeout {
            polled: Polled::Empty { .. }
        } | Op::PollEmpty { empty: true }
            | Op::TryRecv {
                received: Received::Empty
            }
            | Op::Get {
                item: Item::Sentinel
            }
    )
}

fn put(job: JobId, op: &Op) -> bool {
    matches!(op, Op::Put { item: Item::Job(j) } | Op::Send { item: Item::Job(j) } if *j == job)
}

/// Which step did it: the trace is inspected per kind of violation.
fn inspect(scenario: &Scenario, kind: Kind, jobs: &[JobId], events: &[Event]) {
    let processed = |job| events.iter().any(|e| e.op == Op::Process { job });
    match kind {
        Kind::LostJob | Kind::UnsoundCheck => {
            assert!(!jobs.is_empty());
            for &job in jobs {
                assert!(!processed(job), "{scenario}: lost job {job} was processed");
                // Some worker gave up while the job was put (or prefilled) and unprocessed; over
                // a channel, the workers start first and give up before the job is sent.
                let put_at = events.iter().position(|e| put(job, &e.op));
                let channel = scenario.protocol.uses_channel();
                let gave_up = events.iter().enumerate().any(|(i, e)| {
                    gives_up(&e.op)
                        && (scenario.prefilled || channel || put_at.is_some_and(|p| p < i))
                });
                assert!(
                    gave_up,
                    "{scenario}: no worker gave up with job {job} pending"
                );
            }
            if kind == Kind::UnsoundCheck {
                assert!(events.iter().any(|e| e.op == Op::SeedCheck { empty: true }));
            }
        }
        Kind::Hang => {
            let stopped = events
                .iter()
                .filter(|e| e.op == Op::Stopped { hang: true })
                .count();
            assert!(stopped > 0, "{scenario}: a hang unwinds its threads");
            let last_block = events
                .iter()
                .rposition(|e| matches!(e.op, Op::Block { .. }))
                .expect("someone blocked");
            assert!(
                events[last_block + 1..]
                    .iter()
                    .all(|e| matches!(e.op, Op::Stopped { hang: true })),
                "{scenario}: nothing happens after the last thread blocks"
            );
        }
        Kind::FalseAlarm => {
            assert!(
                events
                    .iter()
                    .any(|e| e.op == Op::SeedCheck { empty: false })
            );
            assert!((0..scenario.jobs as JobId).all(processed));
        }
        Kind::SpuriousEmpty => {
            let (at, holder) = events
                .iter()
                .enumerate()
                .find_map(|(i, e)| match e.op {
                    Op::GetNowait {
                        polled:
                            Polled::Empty {
                                cause: EmptyCause::ReaderLockHeld(holder),
                            },
                    } => Some((i, holder)),
                    _ => None,
                })
                .expect("an Empty blamed on the reader lock");
            // The holder read an item and had not released the lock yet.
            let read = events[..at]
                .iter()
                .rposition(|e| {
                    e.lane == holder
                        && matches!(
                            e.op,
                            Op::GetNowait {
                                polled: Polled::Item { .. }
                            }
                        )
                })
                .expect("the holder read first");
            assert!(
                !events[read..at]
                    .iter()
                    .any(|e| e.lane == holder && e.op == Op::ReleaseReaderLock)
            );
        }
        other => panic!("no catalog row expects {other:?}"),
    }
}

#[test]
fn every_violated_catalog_row_has_a_bfs_counterexample_the_model_runs_and_replays() {
    let mut rows = 0;
    for theorem in theorems(false) {
        for row in &theorem.checks {
            let Expect::Violated(kind) = row.expect else {
                continue;
            };
            rows += 1;
            let report = bfs(row.scenario, &row.properties);
            let where_ = format!("{}: {}", theorem.id, row.scenario);
            assert_eq!(report.verdict, Verdict::Violated, "{where_}");
            assert!(row.as_expected(&report), "{where_}");
            let finding = report
                .exploration
                .as_ref()
                .unwrap()
                .finding
                .clone()
                .unwrap();
            let cx = report.counterexample.as_ref().expect("a printed trace");
            assert_eq!(
                (cx.kind, &cx.jobs),
                (finding.kind, &finding.jobs),
                "{where_}: the trace has the path's violation"
            );
            assert_eq!(cx.kind, kind, "{where_}");
            inspect(&row.scenario, kind, &cx.jobs, &cx.events);
            let handle = cx.replay.as_ref().expect("a replay handle");
            assert!(handle.contains(":shuttle:s0:"), "{handle}");
            let again = replay(handle).expect("the handle replays");
            let again = again
                .counterexample
                .as_ref()
                .expect("a replayed counterexample");
            assert_eq!(again.events, cx.events, "{where_}: the replay differs");
            assert_eq!(again.summary, cx.summary, "{where_}");
            assert_eq!(
                drainproof::render::text(again),
                drainproof::render::text(cx)
            );
        }
    }
    assert!(rows >= 15, "{rows} violated rows");
}

#[test]
fn the_trace_has_as_many_steps_of_the_relation_as_the_shortest_path() {
    let report = bfs(
        Scenario::new(Protocol::EmptyPoll, 12, 8, 2),
        &Property::DRAIN,
    );
    let bfs = report.exploration.as_ref().unwrap();
    let cx = report.counterexample.as_ref().unwrap();
    let outcome_steps = cx
        .events
        .iter()
        .filter(|e| {
            let merged = matches!(
                e.op,
                Op::Process { .. } | Op::StartFeeder { .. } | Op::Block { .. } | Op::Stopped { .. }
            ) || (e.op == Op::Exit && cx.lanes[e.lane].starts_with("worker"));
            !merged
        })
        .count();
    assert_eq!(outcome_steps, bfs.path.len());
    assert_eq!(cx.jobs, (0..8).collect::<Vec<_>>());
}

/// Every violation bfs finds at small sizes, for every protocol, property and variant, is
/// followed by the code-level model (a refinement failure would be an error here).
#[test]
fn every_small_violation_is_followed_by_the_model() {
    let properties = [
        Property::NoLostJob,
        Property::NoDuplicate,
        Property::Termination,
        Property::SeedCheckSound,
        Property::SeedCheckComplete,
        Property::NoSpuriousEmpty,
        Property::DrainedBeforeJoin,
    ];
    let mut violations = 0;
    for protocol in Protocol::ALL {
        for (workers, jobs, capacity) in
            (1..=3).flat_map(|w| (1..=3).flat_map(move |j| (1..=2).map(move |c| (w, j, c))))
        {
            let plain = Scenario::new(protocol, workers, jobs, capacity);
            let variants = [
                plain,
                plain.with_sentinels(1),
                plain.with_sentinels(4),
                plain.prefilled(),
            ];
            for scenario in variants {
                for property in properties {
                    let report = match try_check(&scenario, &[property]) {
                        Ok(report) => report,
                        // Sizes or properties that do not apply: refused, nothing to follow.
                        Err(CheckError::Invalid(_) | CheckError::DoesNotApply { .. }) => continue,
                        Err(other) => panic!("{scenario} {property}: {other}"),
                    };
                    if report.verdict == Verdict::Violated {
                        violations += 1;
                        let cx = report.counterexample.as_ref().expect("a printed trace");
                        assert_eq!(cx.property, property, "{scenario}");
                    }
                }
            }
        }
    }
    assert!(violations > 100, "{violations} violations followed");
}
