//! The inductive invariants of the all-sizes proofs (`--checker induction`), written once over
//! [`Domain`]: as solver terms they are what the proof obligations are about; on plain
//! integers ([`Concrete`]) they can be checked on any state of the relation, such as every
//! state bfs reaches or every abstract state of a validated execution of the code-level model
//! ([`check_concrete`], with the target [`inductive_target`] gives).
//!
//! Each clause cites the lemma of docs/sentinel-proof.md it writes down (`S1`...`S5`, `D3`),
//! or, for the protocols that paper does not cover, the lemma of its section 8 (`T8.1`...).
//! The clauses are about one tracked job `t` ([`TrackedJob`]), which is arbitrary: whatever
//! holds of it holds of every job.

use super::state::main;
use super::{Concrete, Domain, JobCounts, Local, Relation, State, TrackedJob};
use crate::scenario::{Protocol, SentinelRange, Target};
use serde::Serialize;

/// A state of the relation with one tracked job.
pub type Tracked<D> = State<D, TrackedJob<D>>;

/// One clause of an invariant: a formula and the lemma it writes down.
#[derive(Clone, Debug)]
pub struct Clause<B> {
    /// The clause's name (`conservation`, `one-sentinel-per-worker`, ...).
    pub name: &'static str,
    /// The lemma it writes down (`S1`, `S5`, `T8.1`, ...).
    pub lemma: &'static str,
    /// The formula (or, on plain integers, whether it holds).
    pub holds: B,
}

/// Which program the workers run, as far as the invariant is concerned.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Family {
    /// Blocking `get()` until a sentinel.
    Sentinel,
    /// `JoinableQueue`: daemons looping `get()` and `task_done()`.
    Joinable,
    /// Leave at the first `Empty` (or `empty()`): `empty-poll`, `timeout-poll`,
    /// `empty-check`, `channel-try-recv`.
    Poll,
    /// `recv()` until the channel is empty and disconnected.
    Disconnect,
}

fn family(protocol: Protocol) -> Family {
    match protocol {
        Protocol::Sentinel | Protocol::ForeignSentinel => Family::Sentinel,
        Protocol::Joinable => Family::Joinable,
        Protocol::ChannelDisconnect => Family::Disconnect,
        Protocol::EmptyPoll
        | Protocol::TimeoutPoll
        | Protocol::EmptyCheck
        | Protocol::ChannelTryRecv => Family::Poll,
    }
}

/// The quantities the clauses talk about, named as in docs/sentinel-proof.md: `P` items put,
/// `T` taken by the feeder, `R` read, `I = J + K` items before the close marker.
struct View<'a, D: Domain> {
    d: &'a D,
    r: &'a Relation<D>,
    s: &'a Tracked<D>,
}

impl<D: Domain> View<'_, D> {
    fn put(&self) -> &D::Num {
        &self.s.put[0]
    }
    fn taken(&self) -> &D::Num {
        &self.s.taken[0]
    }
    fn read(&self) -> &D::Num {
        &self.s.read[0]
    }
    fn items(&self) -> D::Num {
        self.r.items(self.d, 0)
    }
    fn jobs(&self) -> &D::Num {
        &self.r.sizes.jobs
    }
    fn workers(&self) -> &D::Num {
        &self.r.sizes.workers
    }
    fn exited(&self) -> &D::Num {
        self.s.count(Local::Exited)
    }
    fn stage_is(&self, stage: u32) -> D::Bool {
        self.d.is(&self.s.stage, stage)
    }
    fn implies(&self, a: &D::Bool, b: &D::Bool) -> D::Bool {
        self.d.or(&self.d.not(a), b)
    }
    /// `lo <= x <= hi`.
    fn within(&self, lo: &D::Num, x: &D::Num, hi: &D::Num) -> D::Bool {
        self.d.and(&self.d.le(lo, x), &self.d.le(x, hi))
    }
    /// The tracked job is one of the `J` jobs and has been read: `0 <= t < min(R, J)`.
    fn tracked_read(&self) -> D::Bool {
        let d = self.d;
        let t = &self.s.jobs.job;
        d.all(&[
            d.le(&d.num(0), t),
            d.lt(t, self.read()),
            d.lt(t, self.jobs()),
        ])
    }
    /// The tracked job is one of the `J` jobs.
    fn tracked_is_a_job(&self) -> D::Bool {
        let t = &self.s.jobs.job;
        self.d
            .and(&self.d.le(&self.d.num(0), t), &self.d.lt(t, self.jobs()))
    }
}

/// The invariant of `target` in `s`, clause by clause.
pub fn clauses<D: Domain>(
    target: &Target,
    d: &D,
    r: &Relation<D>,
    s: &Tracked<D>,
) -> Vec<Clause<D::Bool>> {
    let v = View { d, r, s };
    let clause = |name, lemma, holds| Clause { name, lemma, holds };
    let fam = family(target.protocol);
    let mut all = vec![
        clause("producer", "D3", producer(&v)),
        clause("conservation", "S1", conservation(&v)),
        clause("workers", "S3", workers(&v)),
        clause("ledger", "S2", ledger(&v)),
    ];
    if !r.shape.daemon_workers() {
        all.push(clause("joins", "D3", d.le(&s.joined, v.exited())));
    }
    match fam {
        Family::Sentinel => {
            // S4: no worker has read a sentinel (and exited) before every job was read.
            let before = d.lt(v.read(), v.jobs());
            all.push(clause(
                "sentinels-after-jobs",
                "S4",
                v.implies(&before, &d.is(v.exited(), 0)),
            ));
            // S5: the sentinels read are the exited workers, one each. Only termination
            // needs it: with more sentinels than workers and no claim of termination, no job
            // is lost whether or not each worker reads just one (and the invariant keeps no
            // clause no obligation needs).
            if target.sentinels != SentinelRange::More {
                let sentinels_read = d.sub(v.read(), v.jobs());
                all.push(clause(
                    "one-sentinel-per-worker",
                    "S5",
                    v.implies(&d.not(&before), &d.eq(v.exited(), &sentinels_read)),
                ));
            }
        }
        Family::Joinable => {
            all.push(clause("tasks", "T8.1", tasks(&v)));
            all.push(clause(
                "joined-after-jobs",
                "T8.2",
                v.implies(&s.jobs.early, &d.not(&v.tracked_is_a_job())),
            ));
        }
        Family::Poll => {
            // The last worker leaves only once every job was read.
            let spawned = &s.spawned;
            let all_left = d.and(&d.positive(spawned), &d.eq(v.exited(), spawned));
            all.push(clause(
                "last-reader",
                "T10.1",
                v.implies(&all_left, &d.le(v.jobs(), v.read())),
            ));
        }
        Family::Disconnect => {
            // A worker leaves only when the channel is disconnected and every job was read.
            let left = d.positive(v.exited());
            let drained = d.and(&s.disconnected, &d.eq(v.read(), v.jobs()));
            all.push(clause(
                "exit-on-disconnect",
                "T12.1",
                v.implies(&left, &drained),
            ));
        }
    }
    all
}

/// D3: where the producer is in its program (puts, starts, joins, exit), as counters.
fn producer<D: Domain>(v: &View<D>) -> D::Bool {
    let (d, r, s) = (v.d, v.r, v.s);
    let (p, w, j) = (v.put(), v.workers(), v.jobs());
    let sp = &s.spawned;
    let setup = v.stage_is(main::SETUP);
    if r.shape.channel() {
        // Start every worker, send the jobs, drop the sender, join, exit.
        let exited = v.stage_is(main::EXITED);
        return d.all(&[
            d.or(&setup, &exited),
            v.within(&d.num(0), sp, w),
            v.implies(&d.positive(p), &d.eq(sp, w)),
            v.within(&d.num(0), p, j),
            d.eq(v.taken(), p),
            v.implies(&s.disconnected, &d.and(&d.eq(p, j), &d.eq(sp, w))),
            v.implies(&exited, &d.and(&s.disconnected, &d.eq(&s.joined, w))),
        ]);
    }
    let items = v.items();
    let k = &r.sizes.sentinels[0];
    let sentinels_put = d.sub(p, j);
    // In its set-up, the producer puts the jobs, then a sentinel before each worker it
    // starts (and the sentinels beyond W after the last start).
    let in_setup = d.all(&[
        v.within(&r.initial_put(d, 0), p, &items),
        v.within(&d.num(0), sp, w),
        v.implies(&d.lt(p, j), &d.is(sp, 0)),
        v.implies(
            &d.le(j, p),
            &d.and(
                &d.le(&d.min(sp, k), &sentinels_put),
                &v.implies(&d.lt(sp, w), &d.le(&sentinels_put, &d.min(&d.inc(sp), k))),
            ),
        ),
    ]);
    let closing = d.or(&v.stage_is(main::CLOSING), &v.stage_is(main::FEEDER_JOINED));
    // Past the set-up every worker was started (and joined, unless they are daemons) and
    // every item put; the close marker too while the producer closes.
    let exited = v.stage_is(main::EXITED);
    let mut after_setup = vec![
        d.eq(sp, w),
        v.within(&items, p, &d.inc(&items)),
        v.implies(&closing, &d.eq(p, &d.inc(&items))),
        v.implies(&d.not(&d.or(&closing, &exited)), &d.eq(p, &items)),
    ];
    if !r.shape.daemon_workers() {
        after_setup.push(d.eq(&s.joined, w));
    }
    let mut stages = vec![setup.clone(), v.stage_is(main::CHECKED), closing, exited];
    if r.shape.daemon_workers() {
        stages.push(v.stage_is(main::QUEUE_JOINED));
    }
    d.all(&[
        d.any(&stages),
        v.implies(&setup, &in_setup),
        v.implies(&d.not(&setup), &d.all(&after_setup)),
        // Once the producer has joined its feeder (or never started one), the buffer is
        // empty.
        v.implies(
            &d.le(&d.num(main::FEEDER_JOINED), &s.stage),
            &d.eq(v.taken(), p),
        ),
    ])
}

/// S1: the put sequence is read log, then pipe, then buffer: `0 <= R <= min(T, I)` and
/// `T <= P` (the feeder pops and writes in one step, so its hand is always empty); a
/// prefilled pipe's jobs were written before the start.
fn conservation<D: Domain>(v: &View<D>) -> D::Bool {
    let d = v.d;
    d.all(&[
        d.le(&d.num(0), v.read()),
        d.le(v.read(), v.taken()),
        d.le(v.read(), &v.items()),
        d.le(&v.r.initial_put(d, 0), v.taken()),
        d.le(v.taken(), v.put()),
    ])
}

/// S3: every worker started is at a point of its program (counted per local state; none in
/// the local states of other programs).
fn workers<D: Domain>(v: &View<D>) -> D::Bool {
    let d = v.d;
    let locals = v.r.shape.locals();
    let mut all: Vec<D::Bool> = Local::ALL
        .iter()
        .map(|l| {
            let count = v.s.count(*l);
            if locals.contains(l) {
                d.le(&d.num(0), count)
            } else {
                d.is(count, 0)
            }
        })
        .collect();
    let total = locals
        .iter()
        .fold(d.num(0), |sum, &l| d.add(&sum, v.s.count(l)));
    all.push(d.eq(&total, &v.s.spawned));
    d.all(&all)
}

/// S2 (and S3's "a worker processes what it read"): the tracked job was processed exactly
/// once if it was read, else never.
fn ledger<D: Domain>(v: &View<D>) -> D::Bool {
    let d = v.d;
    let expected = d.ite(&v.tracked_read(), &d.num(1), &d.num(0));
    d.eq(&v.s.jobs.count, &expected)
}

/// T8.1: `JoinableQueue._unfinished_tasks` counts the jobs put and not yet `task_done()`:
/// the unread ones and the ones a worker read and is processing; `join()` returned only when
/// it was zero.
fn tasks<D: Domain>(v: &View<D>) -> D::Bool {
    let d = v.d;
    let jobs_put = d.min(v.put(), v.jobs());
    let unfinished = d.add(&d.sub(&jobs_put, v.read()), v.s.count(Local::TaskDone));
    d.and(
        &d.eq(&v.s.tasks, &unfinished),
        &v.implies(&d.not(&v.stage_is(main::SETUP)), &d.is(&v.s.tasks, 0)),
    )
}

/// The conjunction of `clauses`.
pub fn conjunction<D: Domain>(d: &D, clauses: &[Clause<D::Bool>]) -> D::Bool {
    let all: Vec<D::Bool> = clauses.iter().map(|c| c.holds.clone()).collect();
    d.all(&all)
}

/// A clause a concrete state breaks, for one job.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Broken {
    /// The clause broken.
    pub clause: &'static str,
    /// The lemma it writes down.
    pub lemma: &'static str,
    /// The job tracked when it broke (`None` when the scenario has no jobs).
    pub job: Option<u32>,
}

impl std::fmt::Display for Broken {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "invariant clause {} ({}) broken",
            self.clause, self.lemma
        )?;
        if let Some(job) = self.job {
            write!(f, " for job {job}")?;
        }
        Ok(())
    }
}

/// `s` with `job` tracked: the same counters, the ledger narrowed to one job.
pub fn track(s: &State<Concrete, JobCounts>, job: i32) -> Tracked<Concrete> {
    let in_range = job >= 0 && job < i32::from(s.jobs.jobs);
    let (count, early) = if in_range {
        let bit = 1u128 << job;
        (
            i32::from(s.jobs.count(job as usize)),
            s.jobs.early & bit != 0,
        )
    } else {
        (0, false)
    };
    State {
        put: s.put,
        taken: s.taken,
        read: s.read,
        order: s.order,
        stage: s.stage,
        spawned: s.spawned,
        joined: s.joined,
        seed: s.seed,
        second: s.second,
        tasks: s.tasks,
        disconnected: s.disconnected,
        spurious: s.spurious,
        workers: s.workers,
        jobs: TrackedJob { job, count, early },
    }
}

/// Evaluates `target`'s invariant, as plain integers, on a state of `relation` (the relation
/// of a concrete scenario `target` covers), for every job: the same text the solver proves
/// inductive, so a state of a real execution that breaks it is a bug in the model, the
/// relation or the proof.
pub fn check_concrete(
    target: &Target,
    relation: &Relation<Concrete>,
    s: &State<Concrete, JobCounts>,
) -> Result<(), Broken> {
    let jobs = relation.sizes.jobs;
    // With no jobs, one job outside the range stands for "no job is processed".
    let tracked: Vec<i32> = if jobs == 0 {
        vec![0]
    } else {
        (0..jobs).collect()
    };
    for job in tracked {
        let state = track(s, job);
        if let Some(c) = clauses(target, &Concrete, relation, &state)
            .into_iter()
            .find(|c| !c.holds)
        {
            return Err(Broken {
                clause: c.name,
                lemma: c.lemma,
                job: (jobs > 0).then_some(job as u32),
            });
        }
    }
    Ok(())
}

/// The target whose invariant is about `relation` (a concrete scenario's), if a proof can be
/// about it: its protocol and prefilled pipe, and the range its sentinels fall in (with more
/// than `W`, [`SentinelRange::MoreWithinCapacity`] when they fit in the pipe); none with two
/// producers.
pub fn covering(relation: &Relation<Concrete>) -> Option<Target> {
    let shape = relation.shape;
    if shape.two_producers() {
        return None;
    }
    let s = &relation.sizes;
    let (k, w, c) = (s.sentinels[0], s.workers, s.capacity);
    let sentinels = if shape.protocol != Protocol::Sentinel || k == w {
        SentinelRange::PerWorker
    } else if k < w {
        SentinelRange::Fewer
    } else if k <= w + c {
        SentinelRange::MoreWithinCapacity
    } else {
        SentinelRange::More
    };
    Some(Target {
        protocol: shape.protocol,
        sentinels,
        prefilled: shape.prefilled,
    })
}

/// Whether `target`'s invariant is inductive (its proof discharges initiation and every
/// consecution obligation): then it holds on every reachable state, whatever else the proof
/// establishes. Not for the protocols whose workers leave at the first `Empty` (or `empty()`)
/// while jobs may still be buffered (unless the pipe was prefilled): their invariant is only a
/// candidate, which the first such step breaks. The induction checker's tests check this
/// against the solver for every target.
pub fn is_inductive(target: &Target) -> bool {
    match target.protocol {
        Protocol::Sentinel | Protocol::Joinable | Protocol::ChannelDisconnect => true,
        // Nothing is buffered when every job was in the pipe from the start.
        Protocol::EmptyPoll | Protocol::TimeoutPoll | Protocol::EmptyCheck => target.prefilled,
        Protocol::ChannelTryRecv | Protocol::ForeignSentinel => false,
    }
}

/// The target whose invariant holds on every reachable state of `relation`, if there is one:
/// what trace validation evaluates, with [`check_concrete`], on every abstract state of every
/// execution it validates.
pub fn inductive_target(relation: &Relation<Concrete>) -> Option<Target> {
    covering(relation).filter(is_inductive)
}
