//! The proof obligations, each a formula the solver must find valid (or, for the
//! non-vacuity checks, satisfiable), built over [`Domain`] from the step relation, the
//! invariant and the ranking function.
//!
//! Every obligation is about an *arbitrary* state `s` (its counters are free) with an
//! arbitrary tracked job `t`, under the target's size assumptions; `s'` is the state a step
//! leads to, computed by [`Relation::step`] itself, the very guard and update the
//! breadth-first checker runs.

use super::ranking::rank;
use crate::outcome::Property;
use crate::report::Goal;
use crate::scenario::Target;
use crate::step::invariant::{self, Clause, Tracked};
use crate::step::{Domain, Relation, StepKind, TrackedJob};
use serde::Serialize;

/// What an obligation establishes.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case", tag = "kind")]
pub enum Kind {
    /// The initial states satisfy the invariant.
    Initiation,
    /// A step from a state satisfying the invariant leads to one that does.
    Consecution {
        #[serde(flatten)]
        step: StepKind,
    },
    /// In a state satisfying the invariant that is not finished, some step is enabled.
    DeadlockFreedom,
    /// The invariant bounds the ranking function below (by zero).
    RankingBounded,
    /// A step decreases the ranking function.
    RankingDecreases {
        #[serde(flatten)]
        step: StepKind,
    },
    /// No job is processed twice, in any state.
    NoDuplicate,
    /// In a terminal state (finished, or no step enabled), every job was processed once.
    NoLostJob,
    /// When the execution finishes, the buffer and the pipe are empty.
    EmptyAtEnd,
    /// `JoinableQueue.join()` returned only after every job was processed.
    DrainedBeforeJoin,
    /// Non-vacuity: the invariant holds in a state of the middle of a run at `W, J >= 2`.
    InvariantSatisfiable,
    /// Non-vacuity: the invariant allows a state where the run is over at `W, J >= 2`.
    EndSatisfiable,
}

/// `put_job`, `flush`, `worker(get).get_sentinel`: a step kind's name in obligation names.
pub fn step_name(step: StepKind) -> String {
    let json = serde_json::to_value(step).expect("a step kind serializes");
    let kind = json["step"].as_str().unwrap_or("step").to_string();
    match step {
        StepKind::Worker { from, .. } => {
            format!(
                "worker({}).{}",
                from.name(),
                json["op"].as_str().unwrap_or("")
            )
        }
        _ => kind,
    }
}

impl Kind {
    /// The obligation's name: `initiation`, `consecution: put_job`, ... (stable: docs and
    /// JSON cite it).
    pub fn name(&self) -> String {
        match self {
            Kind::Initiation => "initiation".into(),
            Kind::Consecution { step } => format!("consecution: {}", step_name(*step)),
            Kind::DeadlockFreedom => "deadlock-freedom".into(),
            Kind::RankingBounded => "ranking: bounded".into(),
            Kind::RankingDecreases { step } => format!("ranking: {}", step_name(*step)),
            Kind::NoDuplicate => "no-duplicate".into(),
            Kind::NoLostJob => "no-lost-job".into(),
            Kind::EmptyAtEnd => "empty-at-end".into(),
            Kind::DrainedBeforeJoin => "drained-before-join".into(),
            Kind::InvariantSatisfiable => "non-vacuity: invariant".into(),
            Kind::EndSatisfiable => "non-vacuity: end".into(),
        }
    }

    /// The lemma of docs/sentinel-proof.md this obligation checks.
    pub fn lemma(&self) -> &'static str {
        match self {
            Kind::Initiation | Kind::Consecution { .. } => "S1-S5",
            Kind::DeadlockFreedom => "S8",
            Kind::RankingBounded | Kind::RankingDecreases { .. } => "S7",
            Kind::NoDuplicate => "S6.1",
            Kind::NoLostJob | Kind::EmptyAtEnd => "S6.3",
            Kind::DrainedBeforeJoin => "T8.2",
            Kind::InvariantSatisfiable | Kind::EndSatisfiable => "B7",
        }
    }

    /// What the solver must find: validity, or for the non-vacuity checks satisfiability.
    pub fn expect(&self) -> Goal {
        match self {
            Kind::InvariantSatisfiable | Kind::EndSatisfiable => Goal::Satisfiable,
            _ => Goal::Valid,
        }
    }
}

/// One obligation: hypotheses and a goal.
#[derive(Clone, Debug)]
pub struct Obligation<B> {
    pub kind: Kind,
    pub hypotheses: Vec<B>,
    pub goal: B,
}

/// A step of the relation (or, in tests, a deliberately broken one).
pub type Step<'a, D> =
    &'a dyn Fn(&Tracked<D>, StepKind) -> Option<(<D as Domain>::Bool, Tracked<D>)>;

/// The invariant, clause by clause, of any state (in tests, with a clause left out).
pub type Invariant<'a, D> = &'a dyn Fn(&Tracked<D>) -> Vec<Clause<<D as Domain>::Bool>>;

/// What the obligations are built from: the relation over the sizes, an arbitrary state and
/// the invariant's clauses (a test may leave one out).
pub struct Problem<'a, D: Domain> {
    pub d: &'a D,
    pub target: Target,
    pub relation: &'a Relation<D>,
    /// An arbitrary state: its counters and its tracked job are free.
    pub state: &'a Tracked<D>,
    /// The invariant, clause by clause, of any state.
    pub invariant: Invariant<'a, D>,
    pub step: Step<'a, D>,
}

impl<D: Domain> Problem<'_, D> {
    fn holds(&self, s: &Tracked<D>) -> D::Bool {
        invariant::conjunction(self.d, &(self.invariant)(s))
    }

    /// The obligations for `properties` (the non-vacuity checks included).
    pub fn obligations(&self, properties: &[Property]) -> Vec<Obligation<D::Bool>> {
        let (d, r, s) = (self.d, self.relation, self.state);
        let sizes = self.target.size_constraints(d, r);
        let inv = self.holds(s);
        let base = || vec![sizes.clone(), inv.clone()];
        let t = &s.jobs.job;
        let steps: Vec<(StepKind, D::Bool, Tracked<D>)> = r
            .kinds()
            .into_iter()
            .filter_map(|k| (self.step)(s, k).map(|(guard, next)| (k, guard, next)))
            .collect();
        let enabled = d.any(&steps.iter().map(|(_, g, _)| g.clone()).collect::<Vec<_>>());
        let finished = r.finished(d, s);
        let job = d.and(&d.le(&d.num(0), t), &d.lt(t, &r.sizes.jobs));
        let mut out = Vec::new();
        let mut add = |kind, hypotheses, goal| {
            out.push(Obligation {
                kind,
                hypotheses,
                goal,
            })
        };

        let initial = r.initial(d, TrackedJob::new(d, t.clone()));
        add(Kind::Initiation, vec![sizes.clone()], self.holds(&initial));
        for (step, guard, next) in &steps {
            let mut hyps = base();
            hyps.push(guard.clone());
            add(Kind::Consecution { step: *step }, hyps, self.holds(next));
        }
        if properties.contains(&Property::Termination) {
            let mut hyps = base();
            hyps.push(d.not(&finished));
            add(Kind::DeadlockFreedom, hyps, enabled.clone());
            let v = rank(d, r, s);
            add(Kind::RankingBounded, base(), d.le(&d.num(0), &v));
            for (step, guard, next) in &steps {
                let mut hyps = base();
                hyps.push(guard.clone());
                add(
                    Kind::RankingDecreases { step: *step },
                    hyps,
                    d.lt(&rank(d, r, next), &v),
                );
            }
        }
        if properties.contains(&Property::NoDuplicate) {
            add(Kind::NoDuplicate, base(), d.le(&s.jobs.count, &d.num(1)));
        }
        let terminal = d.or(&finished, &d.not(&enabled));
        if properties.contains(&Property::NoLostJob) {
            let mut hyps = base();
            hyps.extend([terminal.clone(), job.clone()]);
            add(Kind::NoLostJob, hyps, d.is(&s.jobs.count, 1));
        }
        let about_the_end = [Property::NoLostJob, Property::Termination];
        if self.target.drains_queue() && properties.iter().any(|p| about_the_end.contains(p)) {
            let mut hyps = base();
            hyps.push(finished.clone());
            let empty = d.and(&d.eq(&s.taken[0], &s.put[0]), &d.is(&r.in_pipe(d, s), 0));
            add(Kind::EmptyAtEnd, hyps, empty);
        }
        if properties.contains(&Property::DrainedBeforeJoin) {
            let mut hyps = base();
            hyps.push(job.clone());
            add(Kind::DrainedBeforeJoin, hyps, d.not(&s.jobs.early));
        }
        // Non-vacuity, at sizes where every part of the protocol is exercised.
        let big = d.and(
            &d.le(&d.num(2), &r.sizes.workers),
            &d.le(&d.num(2), &r.sizes.jobs),
        );
        let mut hyps = base();
        hyps.extend([big.clone(), d.not(&finished)]);
        add(Kind::InvariantSatisfiable, hyps, d.is(&s.jobs.count, 1));
        let mut hyps = base();
        hyps.extend([big, job]);
        let end = if properties.contains(&Property::Termination) {
            finished
        } else {
            terminal
        };
        add(Kind::EndSatisfiable, hyps, end);
        out
    }
}
