//! The step relation: every catalog protocol as guarded atomic steps over an explicit state,
//! with the workers counted instead of named. The breadth-first checker (`--checker bfs`,
//! `crate::check::bfs`) explores it exhaustively; an all-sizes proof can evaluate the very same
//! guards and updates on solver terms.
//!
//! - [`domain`]: the numbers it is written over ([`Concrete`] integers, or solver terms).
//! - [`state`]: counters over each producer's put sequence, workers per local state.
//! - [`ledger`]: what it remembers of the jobs (every job, or one tracked job).
//! - [`steps`]: the steps, each a guard and an update ([`Relation::step`]).
//! - [`ending`]: how an execution ended, in the terms the properties judge (concrete).
//!
//! # Granularity: one step per event of the code-level model
//! Each [`StepKind`] stands for one event of `crate::model::Op` (its doc names the event), with
//! the semantics of `src/model/queue.rs`, `channel.rs`, `runtime.rs` and `src/harness.rs`,
//! including the model's own reductions (blocking `get()` takes no reader lock; the feeder pops
//! and writes in one step; a `get_nowait()` that raises `Empty` is one step; `get(timeout=t)`
//! has two gaps; a hang is a state where every live thread waits; daemon workers die when
//! producer 0 exits; a producer's exit puts its close marker and joins its feeder). A few
//! events have no step of their own:
//!
//! | event | where it is in the relation | why that changes no ending |
//! |---|---|---|
//! | `Process` | the step that read the job (`Get`, `GetNowait`, `GetTimeout`, `Recv`, `TryRecv`) counts it in the ledger | it only appends to the list of processed jobs, which no thread reads: it commutes with every step of every other thread and is always enabled (a left mover), and a thread about to process is running, so no hang can fall in between |
//! | `StartFeeder` | the producer's first `Put` | a started thread is invisible until it runs; the feeder's first step needs the put item anyway |
//! | a worker's `Exit` | the step that made it return (`Get` of a sentinel, `PollEmpty(true)`, an `Empty`, `Recv`/`TryRecv` of `Disconnected` or `Empty`) | the exit only enables the producer's join of it (a left mover again); the worker is running until then |
//! | `Block` | none: a thread is blocked when all its steps are disabled | the hang detector's notion: every live thread waits for something false |
//! | `Stopped` | none: the execution's last state | a hang, or daemons killed at producer 0's exit |
//! | `get(timeout)`'s patience | `LockWaited` and `AwaitData` | a timed reader that holds the lock waiting for data behaves the same whether or not it waited for the lock first, so the two are one local state |
//!
//! Where the model has no scheduling point between two events of one thread (consecutive
//! `Spawn`s; a channel's `Spawn`s), the relation still has a step each: starting a thread
//! commutes with everything, so the extra interleavings reach no new ending.
//! Three referees tie the relation to the model: `src/check/bfs/refinement.rs` validates
//! every execution of the model, event by event, as an execution of the relation (every
//! execution loom explores at small sizes, thousands of sampled ones up to sixteen workers);
//! `src/check/bfs/loom_outcomes.rs` checks that at every size loom can explore, the endings
//! bfs reaches are exactly the endings loom reaches; and `src/check/bfs/follow.rs` makes the
//! model take each shortest counterexample bfs finds (docs/model.md, section 7).
//!
//! # Items are positions, buffers and pipe are intervals
//! See [`state`]: with one producer the state is a handful of counters (put, taken by the
//! feeder, read), the producer's stage and loop counters, the workers' counts per [`Local`],
//! and the [`Ledger`]. Only `foreign-sentinel`'s pipe, written by two feeders, needs the order
//! of their items ([`PipeOrder`]).
//!
//! # Counting workers is exact
//! The workers of a scenario run one program. Each worker step's guard and update read only
//! that worker's local state and the shared state, and the shared state never names a worker
//! (the reader lock's holder is the one worker in a lock-holding local state). So permuting the
//! workers of a named state gives a state with the same futures up to the same permutation,
//! and the counted state, how many workers are in each local state, is the orbit of the named
//! states under permutation: states reachable with named workers are exactly those whose counts
//! are reachable (`counted_states_are_exactly_the_orbits_of_named_workers` checks that each
//! counted state stands for the full multinomial number of named ones).
//!
//! Two things in the harness are not symmetric, and the relation departs from it there:
//! - **Spawn order.** Worker `i` is the `i`-th started (`SpawnWorker` adds a worker at its
//!   loop head). Renaming every execution's workers by start order maps it to one where worker
//!   `i` is started `i`-th, so nothing is lost.
//! - **Join order.** The harness joins its workers in index order (`for w in workers:
//!   w.join()`). In the relation, producer 0's `JoinWorker` joins *some* exited worker: its
//!   `k`-th join is enabled when more than `k` workers have exited. Joins change nothing but
//!   the producer's own position, so:
//!   - *Every execution of the model is one of the relation*: a join in index order joins an
//!     exited worker. If the model hangs with producer 0 waiting for worker `i` while some
//!     worker after `i` has already exited, the relation can still join those, then waits: a
//!     hang with the same world, every other thread blocked as before.
//!   - *Every execution of the relation is one of the model, up to the producer's joins*: move
//!     each of producer 0's join steps to just before its next non-join step (or to the end);
//!     no other thread's step depends on them. There, if every worker has exited, the model
//!     joins them all in index order; if not, the model joins in index order up to the first
//!     that has not exited and waits for it, while the relation (having joined every exited
//!     worker) waits too, and every other thread is blocked in both.
//!   - So the endings coincide when threads are compared **by role and wait kind**: producer
//!     0 "waits to join a worker" (never *which* one: in a hang the model names the first
//!     unexited index, the relation none), with the same world and the same stuck feeders
//!     and workers. [`Ending`] records exactly that; how many workers the producer joined
//!     before hanging is not part of it.
//!
//! # One description for two checkers
//! [`Relation`], [`State`] and [`Sizes`] are generic over [`Domain`], and the state over a
//! [`Ledger`]. The breadth-first checker instantiates them with [`Concrete`] and [`JobCounts`]
//! (every job distinguishable: "job 3 lost", "job 3 twice"); an all-sizes proof instantiates
//! them with solver terms for `W`, `J`, `K` and `C` and with [`TrackedJob`] (one symbolic job
//! `t`: proving that `t` is processed exactly once proves it for every job). What such a proof
//! reuses as is: [`Relation::kinds`] (a finite list of step kinds, independent of the sizes),
//! [`Relation::initial`], [`Relation::step`] (guard and update of each kind), [`Relation::finished`]
//! and the derived quantities ([`Relation::in_pipe`], [`Relation::feeder_started`],
//! [`Relation::feeder_exited`], [`Relation::lock_held`], [`Relation::setup_done`]), all in
//! linear integer arithmetic. What is concrete only: [`PipeOrder`] (two producers: no
//! single-producer step reads it), [`ending`] (judging a concrete final state) and the
//! checker's packing of states. The proofs' inductive invariants are written once too
//! ([`invariant`]), so that trace validation evaluates, on concrete states, the very text the
//! solver proves inductive.

pub mod domain;
pub mod ending;
pub mod invariant;
pub mod ledger;
pub mod state;
pub mod steps;
#[cfg(test)]
mod tests;

pub use domain::{Concrete, Domain};
pub use ending::{Blocked, Ending, Stuck, Thread};
pub use ledger::{JobCounts, Ledger, TrackedJob};
pub use state::{Local, PipeOrder, Shape, Sizes, State};
pub use steps::{Actor, Relation, StepKind, WorkerOp};

use crate::scenario::{Protocol, Scenario};

impl Relation<Concrete> {
    /// The relation of `scenario`, over plain integers.
    pub fn of(scenario: &Scenario) -> Relation<Concrete> {
        let k = scenario.sentinel_count() as i32;
        let foreign = scenario.protocol == Protocol::ForeignSentinel;
        Relation {
            shape: Shape {
                protocol: scenario.protocol,
                prefilled: scenario.prefilled,
            },
            sizes: Sizes {
                workers: scenario.workers as i32,
                jobs: scenario.jobs as i32,
                sentinels: if foreign { [0, k] } else { [k, 0] },
                capacity: scenario.pipe_capacity as i32,
            },
        }
    }

    /// The initial state, recording every job. A prefilled pipe shared by two producers
    /// (`foreign-sentinel --prefilled`) starts with its order too: every item is producer 0's
    /// (the order is concrete data, which [`Relation::initial`] cannot write for a symbolic
    /// `J`; the all-sizes proofs are about one producer).
    pub fn start(&self) -> State<Concrete, JobCounts> {
        let mut state = self.initial(&Concrete, JobCounts::new(self.sizes.jobs as usize));
        if self.shape.two_producers() && self.shape.prefilled {
            for _ in 0..self.sizes.jobs {
                state.order = state.order.push(0);
            }
        }
        state
    }

    /// Every step enabled in `s`, with the state after it.
    pub fn successors(
        &self,
        s: &State<Concrete, JobCounts>,
    ) -> Vec<(StepKind, State<Concrete, JobCounts>)> {
        self.kinds()
            .into_iter()
            .filter_map(|kind| self.step(&Concrete, s, kind).map(|(_, next)| (kind, next)))
            .collect()
    }
}
