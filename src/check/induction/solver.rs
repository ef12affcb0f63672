//! z3 as a [`Domain`]: the step relation, the invariant and the ranking function evaluated
//! on solver terms (integers and booleans of linear arithmetic), and the obligations
//! discharged one solver call each.
//!
//! The `z3` crate is linked against the system's libz3 (Debian's `libz3-dev`); only `Int`
//! and `Bool` terms are used, which every libz3 since 4.8 provides.

use super::obligation::Obligation;
use crate::outcome::Property;
use crate::report::{Answer, Countermodel, Discharged, Goal};
use crate::scenario::Target;
use crate::step::invariant::{self, Clause, Tracked};
use crate::step::{Domain, Local, PipeOrder, Relation, State, StepKind, TrackedJob};
use std::time::Instant;
use z3::ast::{Bool, Int};
use z3::{SatResult, Solver};

/// Solver terms: integers and booleans of linear arithmetic.
#[derive(Clone, Copy, Debug, Default)]
pub struct Z3;

impl Domain for Z3 {
    type Num = Int;
    type Bool = Bool;

    fn num(&self, value: u32) -> Int {
        Int::from_u64(u64::from(value))
    }
    fn bool(&self, value: bool) -> Bool {
        Bool::from_bool(value)
    }
    fn add(&self, a: &Int, b: &Int) -> Int {
        Int::add(&[a, b])
    }
    fn sub(&self, a: &Int, b: &Int) -> Int {
        Int::sub(&[a, b])
    }
    fn lt(&self, a: &Int, b: &Int) -> Bool {
        a.lt(b)
    }
    fn eq(&self, a: &Int, b: &Int) -> Bool {
        a.eq(b)
    }
    fn ite(&self, condition: &Bool, then: &Int, otherwise: &Int) -> Int {
        condition.ite(then, otherwise)
    }
    fn and(&self, a: &Bool, b: &Bool) -> Bool {
        Bool::and(&[a, b])
    }
    fn or(&self, a: &Bool, b: &Bool) -> Bool {
        Bool::or(&[a, b])
    }
    fn not(&self, a: &Bool) -> Bool {
        a.not()
    }
    fn guarded<T>(&self, guard: Bool, then: impl FnOnce() -> T) -> Option<(Bool, T)> {
        Some((guard, then()))
    }
    fn all(&self, all: &[Bool]) -> Bool {
        Bool::and(all)
    }
    fn any(&self, any: &[Bool]) -> Bool {
        Bool::or(any)
    }
}

/// The sizes as solver constants `W`, `J`, `C`, `K`.
pub struct SymbolicSizes {
    pub workers: Int,
    pub jobs: Int,
    pub capacity: Int,
    pub sentinels: Int,
}

impl SymbolicSizes {
    pub fn new() -> SymbolicSizes {
        SymbolicSizes {
            workers: Int::new_const("W"),
            jobs: Int::new_const("J"),
            capacity: Int::new_const("C"),
            sentinels: Int::new_const("K"),
        }
    }
}

impl Default for SymbolicSizes {
    fn default() -> Self {
        Self::new()
    }
}

/// `target`'s relation over the symbolic sizes `W`, `J`, `C` and `K`.
pub fn symbolic_relation(target: &Target) -> Relation<Z3> {
    let s = SymbolicSizes::new();
    target.relation(&Z3, s.workers, s.jobs, s.capacity, s.sentinels)
}

/// A state whose every counter is a free constant, with the tracked job `t` free too.
pub fn arbitrary_state() -> Tracked<Z3> {
    let int = |name: &str| Int::new_const(name);
    let pair = |name: &str| [int(&format!("{name}0")), int(&format!("{name}1"))];
    State {
        put: pair("put"),
        taken: pair("taken"),
        read: pair("read"),
        order: PipeOrder::default(),
        stage: int("stage"),
        spawned: int("spawned"),
        joined: int("joined"),
        seed: int("seed"),
        second: int("second"),
        tasks: int("tasks"),
        disconnected: Bool::new_const("disconnected"),
        spurious: Bool::new_const("spurious"),
        workers: std::array::from_fn(|i| int(&format!("workers_{}", Local::ALL[i].name()))),
        jobs: TrackedJob {
            job: int("t"),
            count: int("count"),
            early: Bool::new_const("early"),
        },
    }
}

/// Discharges `obligation`: one fresh solver, the hypotheses and the negated goal (or, for
/// a satisfiability check, the goal). A failed validity obligation comes with a model of its
/// negation (a state that satisfies the invariant, which may be unreachable).
pub fn discharge(
    obligation: &Obligation<Bool>,
    target: &Target,
    relation: &Relation<Z3>,
    job: &Int,
) -> Discharged {
    let started = Instant::now();
    let solver = Solver::new();
    for h in &obligation.hypotheses {
        solver.assert(h);
    }
    let expect = obligation.kind.expect();
    match expect {
        Goal::Valid => solver.assert(obligation.goal.not()),
        Goal::Satisfiable => solver.assert(&obligation.goal),
    }
    let (result, model, reason) = match (solver.check(), expect) {
        (SatResult::Unsat, Goal::Valid) => (Answer::Valid, None, None),
        (SatResult::Sat, Goal::Satisfiable) => (Answer::Satisfiable, None, None),
        (SatResult::Sat, Goal::Valid) => (
            Answer::Failed,
            small_model(&solver, target, relation, job),
            None,
        ),
        (SatResult::Unsat, Goal::Satisfiable) => (Answer::Failed, None, None),
        (SatResult::Unknown, _) => (
            Answer::Unknown,
            None,
            Some(
                solver
                    .get_reason_unknown()
                    .unwrap_or_else(|| "unknown".into()),
            ),
        ),
    };
    Discharged {
        obligation: obligation.kind.name(),
        lemma: obligation.kind.lemma(),
        expect,
        result,
        seconds: started.elapsed().as_secs_f64(),
        model,
        reason,
    }
}

/// The sizes `[W, J, C, K]` and the tracked job `t` of a model of `solver`'s assertions, with
/// sizes as small as a few bounded tries make them (a hint for where to look for a reachable
/// violation).
fn small_model(
    solver: &Solver,
    target: &Target,
    relation: &Relation<Z3>,
    job: &Int,
) -> Option<Countermodel> {
    let s = &relation.sizes;
    let sizes = [&s.workers, &s.jobs, &s.capacity, &s.sentinels[0]];
    let total = Int::add(&sizes);
    let bounded = [2, 3, 4, 6, 8, 12, 16, 24, 32]
        .into_iter()
        .find(|&bound| {
            solver.push();
            solver.assert(total.le(Int::from_i64(bound)));
            let found = solver.check() == SatResult::Sat;
            if !found {
                solver.pop(1);
            }
            found
        })
        .is_some();
    if !bounded {
        solver.check();
    }
    let model = solver.get_model();
    if bounded {
        solver.pop(1);
    }
    let model = model?;
    let value = |x: &Int| model.eval(x, true).and_then(|v| v.as_i64());
    Some(Countermodel {
        workers: value(sizes[0])?,
        jobs: value(sizes[1])?,
        pipe_capacity: value(sizes[2])?,
        sentinels: if target.free_sentinels() {
            Some(value(sizes[3])?)
        } else {
            None
        },
        job: value(job)?,
    })
}

/// `z3 4.8.12.0`: the solver the proof ran on, as the linked library reports itself.
pub fn version() -> String {
    format!("z3 {}", z3::full_version())
}

/// A proof broken on purpose, for the tests that show the obligations can fail: an edited
/// invariant, a wrong step, or the tracked job fixed. `Variant::default()` is the proof.
#[derive(Default)]
pub(crate) struct Variant<'a> {
    pub clauses: Option<&'a EditClauses<'a>>,
    pub step: Option<&'a StepOf<'a>>,
    pub job: Option<&'a JobOf<'a>>,
}

/// An edit of the invariant's clauses (in tests: one left out, or a contradiction added).
pub(crate) type EditClauses<'a> = dyn Fn(Vec<Clause<Bool>>) -> Vec<Clause<Bool>> + 'a;

/// The tracked job as a term of the sizes (in tests: fixed to the first or last job).
pub(crate) type JobOf<'a> = dyn Fn(&Relation<Z3>) -> Int + 'a;

/// A step of the relation over solver terms (in tests, a broken one).
pub(crate) type StepOf<'a> =
    dyn Fn(&Relation<Z3>, &Tracked<Z3>, StepKind) -> Option<(Bool, Tracked<Z3>)> + 'a;

/// Every obligation of `target`'s proof of `properties`, as `variant` sets it up, each
/// discharged by its own solver call, in order, while `go_on(obligations discharged so far)`
/// says so; and how many obligations the proof has.
pub(crate) fn discharge_until(
    target: &Target,
    properties: &[Property],
    variant: &Variant,
    mut go_on: impl FnMut(usize) -> bool,
) -> (Vec<Discharged>, usize) {
    let relation = symbolic_relation(target);
    let mut state = arbitrary_state();
    if let Some(job) = variant.job {
        state.jobs.job = job(&relation);
    }
    let invariant = |s: &Tracked<Z3>| {
        let clauses = invariant::clauses(target, &Z3, &relation, s);
        match variant.clauses {
            Some(edit) => edit(clauses),
            None => clauses,
        }
    };
    let step = |s: &Tracked<Z3>, kind| match variant.step {
        Some(step) => step(&relation, s, kind),
        None => relation.step(&Z3, s, kind),
    };
    let problem = super::obligation::Problem {
        d: &Z3,
        target: *target,
        relation: &relation,
        state: &state,
        invariant: &invariant,
        step: &step,
    };
    let obligations = problem.obligations(properties);
    let mut discharged = Vec::new();
    for o in &obligations {
        if !go_on(discharged.len()) {
            break;
        }
        discharged.push(discharge(o, target, &relation, &state.jobs.job));
    }
    (discharged, obligations.len())
}

/// Every obligation of `target`'s proof of `properties`, as `variant` sets it up, each
/// discharged by its own solver call.
#[cfg(test)]
pub(crate) fn discharge_variant(
    target: &Target,
    properties: &[Property],
    variant: &Variant,
) -> Vec<Discharged> {
    discharge_until(target, properties, variant, |_| true).0
}
