//! The theorems, one function each: its statement, what the model assumes, and the checks
//! that back it, including the larger ones `prove --extended` adds.

use super::{Check, Expect, Theorem};
use crate::outcome::{Kind, Property};
use crate::report::Checker;
use crate::scenario::{Protocol, Scenario};
use Kind::*;
use Property::*;
use Protocol::*;

/// The catalog, in order. `extended` moves each theorem's extended checks (larger bounds that
/// take minutes rather than seconds) into the checks that run; a build with the `z3` feature
/// adds each theorem's all-sizes proofs ([`all_sizes`](super::all_sizes)).
pub fn theorems(extended: bool) -> Vec<Theorem> {
    let mut catalog = vec![
        t1(),
        t2(),
        t3(),
        t4(),
        t5(),
        t6(),
        t7(),
        t8(),
        t9(),
        t10(),
        t11(),
        t12(),
    ];
    for theorem in &mut catalog {
        theorem.checks = with_sampled_twins(std::mem::take(&mut theorem.checks));
        theorem.extended = with_sampled_twins(std::mem::take(&mut theorem.extended));
        if extended {
            theorem.checks.append(&mut theorem.extended);
        }
        if super::all_sizes::AVAILABLE {
            theorem.checks.extend(super::all_sizes::checks(theorem.id));
        }
    }
    catalog
}

/// Schedules each sampled twin of a loom proof runs: enough to find at these small sizes what
/// the faults of issue 14 made loom miss.
const TWIN_SCHEDULES: usize = 1000;

/// Puts a random and a PCT row at the same size after every loom row that expects a theorem
/// to hold: a proof by loom rests on its reduction (docs/model.md, section 3.12), and schedules
/// that reduce nothing must agree with it (issue 14, item 6).
fn with_sampled_twins(checks: Vec<Check>) -> Vec<Check> {
    let mut twinned = Vec::with_capacity(checks.len());
    for check in checks {
        let proof = check.expect == Expect::Holds && matches!(check.checker, Checker::Loom { .. });
        let twin = |checker| Check {
            checker,
            ..check.clone()
        };
        let twins = proof.then(|| {
            [
                twin(random(TWIN_SCHEDULES, 1)),
                twin(pct(TWIN_SCHEDULES, 1)),
            ]
        });
        twinned.push(check);
        twinned.extend(twins.into_iter().flatten());
    }
    twinned
}

const LOOM: Checker = Checker::LOOM;

/// Breadth-first search of the step relation: exhaustive at sizes loom cannot reach (the
/// relation is validated against the code-level model: `crate::check::bfs::refinement`).
const BFS: Checker = Checker::Bfs { max_states: None };

fn pct(iterations: usize, seed: u64) -> Checker {
    Checker::pct(iterations, seed)
}

fn random(iterations: usize, seed: u64) -> Checker {
    Checker::Random { iterations, seed }
}

fn scenario(protocol: Protocol, workers: usize, jobs: usize, pipe_capacity: usize) -> Scenario {
    Scenario::new(protocol, workers, jobs, pipe_capacity)
}

fn holds(scenario: Scenario, properties: &[Property], checker: Checker) -> Check {
    Check {
        scenario,
        properties: properties.to_vec(),
        checker,
        expect: Expect::Holds,
    }
}

fn violated(scenario: Scenario, property: Property, kind: Kind, checker: Checker) -> Check {
    Check {
        scenario,
        properties: vec![property],
        checker,
        expect: Expect::Violated(kind),
    }
}

const DRAIN: &[Property] = &Property::DRAIN;
const LOOM_HANGS: &str = "loom and shuttle both: the model detects a hang itself (the last \
    thread to block declares it), so no checker ever deadlocks and a loom search survives it. \
    bfs: a hang is a reachable state where no step is enabled and the producer has not \
    returned.";
const ATOMIC_ITEMS: &str = "Items are atomic (one `send_bytes` is one step; pickling is not \
    modelled); the pipe's capacity is counted in items; a single producer process puts \
    everything (unless stated).";

fn t1() -> Theorem {
    Theorem {
        id: "T1",
        title: "Polling with get_nowait() until Empty loses jobs",
        statement: "With `empty-poll` (the seed's `worker_bad`: loop `get_nowait()` until \
            `Empty`, then exit), an execution exists in which a job is never processed: \
            the worker gets `Empty` while the job is still in the producer's buffer, \
            because the feeder thread has not yet written it to the pipe.",
        assumptions: ATOMIC_ITEMS,
        not_covered: "",
        checkers: "loom finds the minimal counterexample; bfs finds a shortest one at sizes \
            loom cannot explore and prints it from the code-level model; shuttle PCT \
            samples there too.",
        checks: vec![
            violated(scenario(EmptyPoll, 1, 1, 1), NoLostJob, LostJob, LOOM),
            violated(scenario(EmptyPoll, 2, 2, 1), NoLostJob, LostJob, LOOM),
            violated(
                scenario(EmptyPoll, 8, 16, 4),
                NoLostJob,
                LostJob,
                pct(500, 1),
            ),
            violated(scenario(EmptyPoll, 8, 16, 4), NoLostJob, LostJob, BFS),
            violated(scenario(EmptyPoll, 12, 8, 2), NoLostJob, LostJob, BFS),
        ],
        extended: Vec::new(),
    }
}

fn t2() -> Theorem {
    Theorem {
        id: "T2",
        title: "One sentinel per worker drains every job exactly once and terminates",
        statement: "With `sentinel` (the seed's `worker_good`: the producer puts the jobs, \
            then one sentinel per worker; each worker loops on blocking `get()` until it \
            reads a sentinel), every job is processed exactly once and every thread \
            (producer, feeder, workers) terminates. A paper proof for all W, J and C is in \
            [sentinel-proof.md](sentinel-proof.md).",
        assumptions: ATOMIC_ITEMS,
        not_covered: "Only the sizes listed; sampled rows say exactly that and no more. Several producers (see T6), fewer or more \
            sentinels than workers (T3, T4), crashes, and `cancel_join_thread()` are outside \
            the theorem.",
        checkers: "loom proves it exhaustively, without a preemption bound, up to three \
            workers (loom's five-thread limit: producer, feeder and workers); bfs proves it \
            exhaustively at W=8 and W=12 (the step relation with the workers counted, \
            validated against the code-level model); shuttle samples larger sizes. \
            `--extended` adds W=3, J=3.",
        checks: vec![
            holds(scenario(Sentinel, 1, 1, 1), DRAIN, LOOM),
            holds(scenario(Sentinel, 1, 2, 1), DRAIN, LOOM),
            holds(scenario(Sentinel, 1, 3, 1), DRAIN, LOOM),
            holds(scenario(Sentinel, 1, 3, 2), DRAIN, LOOM),
            holds(scenario(Sentinel, 2, 1, 1), DRAIN, LOOM),
            holds(scenario(Sentinel, 2, 2, 1), DRAIN, LOOM),
            holds(scenario(Sentinel, 2, 3, 1), DRAIN, LOOM),
            holds(scenario(Sentinel, 2, 3, 2), DRAIN, LOOM),
            holds(scenario(Sentinel, 3, 1, 1), DRAIN, LOOM),
            holds(scenario(Sentinel, 3, 2, 1), DRAIN, LOOM),
            holds(scenario(Sentinel, 8, 16, 4), DRAIN, pct(2000, 1)),
            holds(scenario(Sentinel, 8, 16, 1), DRAIN, random(2000, 1)),
            holds(scenario(Sentinel, 8, 16, 4), DRAIN, BFS),
            holds(scenario(Sentinel, 12, 8, 2), DRAIN, BFS),
        ],
        extended: vec![
            holds(scenario(Sentinel, 3, 3, 1), DRAIN, LOOM),
            holds(scenario(Sentinel, 3, 1, 2), DRAIN, LOOM),
            holds(scenario(Sentinel, 16, 64, 4), DRAIN, pct(10_000, 2)),
        ],
    }
}

fn t3() -> Theorem {
    Theorem {
        id: "T3",
        title: "Fewer sentinels than workers: a worker hangs",
        statement: "With `sentinel --sentinels K` for K < W, some worker blocks forever in \
            `get()`: once the K sentinels are read, nothing more arrives, and the \
            producer's join of that worker never returns.",
        assumptions: ATOMIC_ITEMS,
        not_covered: "",
        checkers: LOOM_HANGS,
        checks: vec![
            violated(
                scenario(Sentinel, 2, 1, 1).with_sentinels(1),
                Termination,
                Hang,
                LOOM,
            ),
            violated(
                scenario(Sentinel, 8, 16, 4).with_sentinels(7),
                Termination,
                Hang,
                pct(500, 1),
            ),
            violated(
                scenario(Sentinel, 8, 16, 4).with_sentinels(7),
                Termination,
                Hang,
                BFS,
            ),
            violated(
                scenario(Sentinel, 12, 8, 2).with_sentinels(11),
                Termination,
                Hang,
                BFS,
            ),
        ],
        extended: Vec::new(),
    }
}

fn t4() -> Theorem {
    Theorem {
        id: "T4",
        title: "More sentinels than workers: no job lost, but the seed's check cries wolf",
        statement: "With `sentinel --sentinels K` for K > W, every job is processed exactly \
            once, but K - W sentinels stay in the queue, so the seed's own end check \
            `jobs.empty()` calls a correct run a failure. If more than C of them are left, \
            the producer's exit hangs as well: its feeder cannot write them into the full \
            pipe, and `_finalize_join` waits for the feeder.",
        assumptions: ATOMIC_ITEMS,
        not_covered: "Only the sizes listed.",
        checkers: LOOM_HANGS,
        checks: vec![
            holds(scenario(Sentinel, 1, 1, 2).with_sentinels(2), DRAIN, LOOM),
            violated(
                scenario(Sentinel, 1, 1, 2).with_sentinels(2),
                SeedCheckComplete,
                FalseAlarm,
                LOOM,
            ),
            violated(
                scenario(Sentinel, 1, 1, 1).with_sentinels(3),
                Termination,
                Hang,
                LOOM,
            ),
        ],
        extended: Vec::new(),
    }
}

fn t5() -> Theorem {
    Theorem {
        id: "T5",
        title: "Check-then-act with empty(): both a lost job and a hang",
        statement: "With `empty-check` (`while not q.empty(): q.get()`), a job can be \
            lost (`empty()` polls only the pipe, so it says True while a job is still \
            buffered) and a worker can hang (two workers both see `empty()` False for \
            the last item; one reads it, the other blocks in `get()` forever).",
        assumptions: ATOMIC_ITEMS,
        not_covered: "",
        checkers: LOOM_HANGS,
        checks: vec![
            violated(scenario(EmptyCheck, 1, 1, 1), NoLostJob, LostJob, LOOM),
            violated(scenario(EmptyCheck, 2, 1, 1), Termination, Hang, LOOM),
        ],
        extended: Vec::new(),
    }
}

fn t6() -> Theorem {
    Theorem {
        id: "T6",
        title: "Sentinels from a second producer overtake jobs",
        statement: "With `foreign-sentinel` (jobs from one producer, the sentinels from a \
            second producer with its own buffer and feeder), a sentinel can reach the \
            pipe before jobs still in the first producer's buffer, so a worker exits \
            early and a job is lost. CPython's documentation warns that items put by \
            different processes may arrive in any order.",
        assumptions: "Items are atomic; each producer has its own buffer and feeder \
            thread, sharing one pipe.",
        not_covered: "",
        checkers: "loom (the scenario has five threads: two producers, two feeders, one \
            worker, loom's limit); bfs and shuttle for more workers.",
        checks: vec![
            violated(scenario(ForeignSentinel, 1, 1, 1), NoLostJob, LostJob, LOOM),
            violated(
                scenario(ForeignSentinel, 4, 8, 2),
                NoLostJob,
                LostJob,
                pct(500, 1),
            ),
            violated(scenario(ForeignSentinel, 8, 8, 2), NoLostJob, LostJob, BFS),
            violated(scenario(ForeignSentinel, 12, 8, 2), NoLostJob, LostJob, BFS),
        ],
        extended: Vec::new(),
    }
}

fn t7() -> Theorem {
    Theorem {
        id: "T7",
        title: "Polling with get(timeout=t) until Empty loses jobs",
        statement: "With `timeout-poll` (loop `get(timeout=t)` until `Empty`), a job can be \
            lost: a timeout may expire at any moment the pipe is empty, whatever the \
            producer's buffer still holds. A longer timeout makes the race rarer, never \
            impossible.",
        assumptions: "Items are atomic; the timeout may expire at any scheduling point \
            while the reader waits (no clock is modelled).",
        not_covered: "",
        checkers: "loom, bfs and shuttle.",
        checks: vec![
            violated(scenario(TimeoutPoll, 1, 1, 1), NoLostJob, LostJob, LOOM),
            violated(
                scenario(TimeoutPoll, 8, 16, 4),
                NoLostJob,
                LostJob,
                pct(500, 1),
            ),
            violated(scenario(TimeoutPoll, 8, 16, 4), NoLostJob, LostJob, BFS),
            violated(scenario(TimeoutPoll, 12, 8, 2), NoLostJob, LostJob, BFS),
        ],
        extended: Vec::new(),
    }
}

fn t8() -> Theorem {
    Theorem {
        id: "T8",
        title: "JoinableQueue: join() returns only after every job was processed",
        statement: "With `joinable` (workers loop `get()` then `task_done()` forever as \
            daemons; the producer puts the jobs, calls `join()`, then exits), every job is \
            processed before the producer's `join()` returns, none twice, and the \
            producer terminates.",
        assumptions: "Items are atomic; `task_done()` is called once per `get()`; \
            daemon workers die when the producer exits.",
        not_covered: "Only the sizes listed. Work done after `join()` returns is not \
            examined (there is none: the daemons only block in `get()`).",
        checkers: "loom proves it up to two workers (`--extended`: three); bfs proves it at \
            W=8 and W=12; shuttle samples larger sizes.",
        checks: vec![
            holds(
                scenario(Joinable, 1, 2, 1),
                &[DrainedBeforeJoin, NoDuplicate, Termination],
                LOOM,
            ),
            holds(
                scenario(Joinable, 2, 2, 1),
                &[DrainedBeforeJoin, NoDuplicate, Termination],
                LOOM,
            ),
            holds(
                scenario(Joinable, 8, 16, 4),
                &[DrainedBeforeJoin, NoDuplicate, Termination],
                pct(1000, 1),
            ),
            holds(
                scenario(Joinable, 8, 16, 4),
                &[DrainedBeforeJoin, NoDuplicate, Termination],
                BFS,
            ),
            holds(
                scenario(Joinable, 12, 8, 2),
                &[DrainedBeforeJoin, NoDuplicate, Termination],
                BFS,
            ),
        ],
        extended: vec![holds(
            scenario(Joinable, 3, 1, 1),
            &[DrainedBeforeJoin, NoDuplicate, Termination],
            LOOM,
        )],
    }
}

fn t9() -> Theorem {
    Theorem {
        id: "T9",
        title: "The seed's own pass criterion, jobs.empty(), is unsound",
        statement: "The seed judges a run by `jobs.empty()` after joining the workers. \
            With `empty-poll` an execution exists where that check returns True (the \
            pipe is empty) while a job was lost (it is still in the producer's buffer). \
            The seed's \"N% passed\" therefore over-counts passes.",
        assumptions: ATOMIC_ITEMS,
        not_covered: "",
        checkers: "loom and shuttle.",
        checks: vec![violated(
            scenario(EmptyPoll, 1, 1, 1),
            SeedCheckSound,
            UnsoundCheck,
            LOOM,
        )],
        extended: Vec::new(),
    }
}

fn t10() -> Theorem {
    Theorem {
        id: "T10",
        title: "Reader-lock contention alone makes Empty spurious but loses nothing",
        statement: "With every job already in the pipe before the workers start \
            (`empty-poll --prefilled`), `get_nowait()` does raise `Empty` while the pipe \
            holds items, because another worker holds the reader lock (the witness \
            below shows it is not vacuous); yet no job is lost, none is duplicated, and \
            all threads terminate: the lock holder goes on reading until the pipe is \
            empty.",
        assumptions: "Items are atomic; all jobs fit in the pipe (J <= C).",
        not_covered: "Only the sizes listed.",
        checkers: "loom, bfs and shuttle.",
        checks: vec![
            violated(
                scenario(EmptyPoll, 2, 2, 2).prefilled(),
                NoSpuriousEmpty,
                SpuriousEmpty,
                LOOM,
            ),
            holds(scenario(EmptyPoll, 2, 2, 2).prefilled(), DRAIN, LOOM),
            holds(
                scenario(EmptyPoll, 8, 16, 16).prefilled(),
                DRAIN,
                pct(1000, 1),
            ),
            holds(scenario(EmptyPoll, 8, 16, 16).prefilled(), DRAIN, BFS),
            violated(
                scenario(EmptyPoll, 12, 8, 8).prefilled(),
                NoSpuriousEmpty,
                SpuriousEmpty,
                BFS,
            ),
            holds(scenario(EmptyPoll, 12, 8, 8).prefilled(), DRAIN, BFS),
        ],
        extended: Vec::new(),
    }
}

fn t11() -> Theorem {
    Theorem {
        id: "T11",
        title: "With more jobs than the pipe holds, the producer's exit hangs",
        statement: "With `empty-poll` and more jobs than the pipe holds (J > C), the \
            workers can all quit while jobs are still buffered; the producer's exit then \
            waits for its feeder (`_finalize_join`), which blocks forever writing into \
            the full pipe.",
        assumptions: ATOMIC_ITEMS,
        not_covered: "",
        checkers: LOOM_HANGS,
        checks: vec![
            violated(scenario(EmptyPoll, 1, 2, 1), Termination, Hang, LOOM),
            violated(
                scenario(EmptyPoll, 8, 16, 4),
                Termination,
                Hang,
                pct(500, 1),
            ),
            violated(scenario(EmptyPoll, 8, 16, 4), Termination, Hang, BFS),
            violated(scenario(EmptyPoll, 12, 8, 2), Termination, Hang, BFS),
        ],
        extended: Vec::new(),
    }
}

fn t12() -> Theorem {
    Theorem {
        id: "T12",
        title: "The Rust idiom: recv() until disconnected drains; try_recv() until Empty loses jobs",
        statement: "Over a crossbeam-style channel (`bounded(C)`; `unbounded()` is any \
            `C >= J`), with the workers started before the producer sends: \
            `channel-disconnect` (the producer sends the jobs, then drops its `Sender`; \
            workers loop `recv()` until it returns `Err`) processes every job exactly once \
            and terminates. Its buggy twin `channel-try-recv` (workers loop `try_recv()` \
            until `Err(Empty)`) loses jobs: `Empty` only means *no message yet*, exactly \
            like the seed's `get_nowait()`. This is where the seed's bug lives in Rust.",
        assumptions: "Each channel operation is one atomic step, as crossbeam linearises \
            it; which blocked receiver a message wakes is left to the checker (a superset \
            of crossbeam's oldest-first wake-up). The main thread keeps a receiver to the \
            end.",
        not_covered: "Only the sizes listed; rendezvous channels (`bounded(0)`) and \
            `select!` are not modelled.",
        checkers: "loom proves `channel-disconnect` up to three workers (`--extended`: \
            W=3, J=3) and finds `channel-try-recv`'s minimal counterexample; bfs proves \
            and refutes them at W=8 and W=12; shuttle samples larger sizes.",
        checks: vec![
            holds(scenario(ChannelDisconnect, 1, 2, 1), DRAIN, LOOM),
            holds(scenario(ChannelDisconnect, 2, 2, 1), DRAIN, LOOM),
            holds(scenario(ChannelDisconnect, 2, 3, 2), DRAIN, LOOM),
            holds(scenario(ChannelDisconnect, 3, 2, 1), DRAIN, LOOM),
            holds(scenario(ChannelDisconnect, 8, 16, 4), DRAIN, pct(1000, 1)),
            holds(scenario(ChannelDisconnect, 8, 16, 4), DRAIN, BFS),
            holds(scenario(ChannelDisconnect, 12, 8, 2), DRAIN, BFS),
            holds(scenario(ChannelDisconnect, 8, 16, 4), DRAIN, BFS),
            holds(scenario(ChannelDisconnect, 12, 8, 2), DRAIN, BFS),
            violated(scenario(ChannelTryRecv, 1, 1, 1), NoLostJob, LostJob, LOOM),
            violated(scenario(ChannelTryRecv, 2, 2, 1), NoLostJob, LostJob, LOOM),
            violated(
                scenario(ChannelTryRecv, 8, 16, 4),
                NoLostJob,
                LostJob,
                pct(500, 1),
            ),
            violated(scenario(ChannelTryRecv, 8, 16, 4), NoLostJob, LostJob, BFS),
            violated(scenario(ChannelTryRecv, 12, 8, 2), NoLostJob, LostJob, BFS),
        ],
        extended: vec![holds(scenario(ChannelDisconnect, 3, 3, 1), DRAIN, LOOM)],
    }
}
