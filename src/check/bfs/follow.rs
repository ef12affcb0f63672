//! Shortest counterexamples printed from the code-level model (issue 8 item 3).
//!
//! A violation found by bfs is a shortest path of the step relation. [`counterexample`] makes
//! the code-level model (`crate::harness`, under shuttle) take that path, records shuttle's
//! decisions as an ordinary replay handle (`dp1:...:shuttle:...`), replays the handle (so what
//! is printed is exactly what `drainproof replay` reprints), and validates the replayed
//! execution against the relation ([`super::refinement`]): its steps must be the path's steps,
//! its end the path's end, its violation the path's (same property, same kind, same jobs). If
//! the model cannot follow the path, that is a refinement failure and an error: no trace is
//! printed that the model did not produce.
//!
//! # How the model is steered
//! `Follow` is a shuttle `Scheduler`. At each scheduling point it reads the events the model
//! recorded since the last one (through `crate::model::tap`), feeds them to a
//! [`super::refinement::Refinement`] (which names the step each event is and keeps every
//! worker's local state by lane), and matches each step against the steps of the path
//! still to take. Then it runs, in order of preference: a thread that still owes an event of
//! its last step (a `Process`, an `Exit`); a thread that takes one of the pending steps, in the
//! path's order (for a worker step, the lowest-numbered worker in that local state: workers in
//! one local state are interchangeable); any other thread, the most recently active first.
//!
//! The model does not always let the path's order be kept literally: a thread has no
//! scheduling point between some of its events (the producer records its next put before the
//! worker it just started can run), and a thread whose turn has come may still be waiting for
//! a permit the last thread releases after its event. So a step may be taken *earlier* than
//! the path has it, if it commutes with the steps it overtakes: the follower accepts a step
//! that is pending later in the path when taking it first, then the overtaken steps in their
//! order, is a path of the relation to the very same last state. The model's execution is then
//! the path up to swapping independent adjacent steps: the same steps, the same end. The
//! producer's joins need no special case: a join in index order waits (the producer is not
//! runnable) until its worker exits, which commutes with the steps in between; after a hang,
//! joins the path took but the model's index order cannot are the ones the validator completes
//! (see the module doc of `crate::step`).
//!
//! When a preferred choice leads the model to a step that is not pending or does not commute,
//! the follower backtracks: it reruns the execution with the same decisions up to the last one
//! that had another candidate, and takes the next. A budget of executions bounds the search.

use super::refinement::{Abstract, Refinement, validate};
use crate::check::search::counterexample as counterexample_of;
use crate::check::shuttle::{config, keep_shuttles_panic_hook_out, replay_outcome};
use crate::harness::run_once;
use crate::model::{Event, LaneId, tap};
use crate::outcome::Counterexample;
use crate::report::{Finding, ReplayHandle, ReplayKind};
use crate::scenario::Scenario;
use crate::step::{Concrete, Relation, StepKind};
use crate::sync::Shuttle;
use shuttle::Runner;
use shuttle::scheduler::{Schedule, Scheduler, Task, TaskId};
use std::sync::{Arc, Mutex};

/// Executions the follower may run before it gives up.
const BUDGET: usize = 2_000;

/// How one attempt ended.
#[derive(Clone, Debug)]
enum AttemptEnd {
    /// The model finished (or hung) having taken the path.
    Followed,
    /// The model took a step the path does not allow here, after decision `at`.
    Deviated { at: usize, what: String },
    /// The model did something that is no step of the relation: a refinement failure.
    Failed(String),
}

/// One attempt: the decisions forced on it, and what happened.
#[derive(Clone, Debug)]
struct Attempt {
    /// Per decision: the candidate taken and how many there were.
    choices: Vec<(usize, usize)>,
    /// The task run at each decision (the replay handle's schedule).
    tasks: Vec<usize>,
    ending: AttemptEnd,
    /// Path steps taken (the deepest attempt is the one an error reports).
    taken: usize,
}

/// The shuttle scheduler that steers the model along the path.
struct Follow {
    relation: Relation<Concrete>,
    target: String,
    forced: Vec<usize>,
    started: bool,
    state: Arc<Mutex<Option<Attempt>>>,
    refinement: Refinement,
    pending: Vec<StepKind>,
    seen: usize,
    last_active: Vec<usize>,
    attempt: Attempt,
}

impl Follow {
    fn new(
        relation: &Relation<Concrete>,
        path: &[StepKind],
        target: String,
        forced: Vec<usize>,
        state: Arc<Mutex<Option<Attempt>>>,
    ) -> Follow {
        Follow {
            relation: relation.clone(),
            target,
            forced,
            started: false,
            state,
            refinement: Refinement::new(relation),
            pending: path.to_vec(),
            seen: 0,
            last_active: Vec::new(),
            attempt: Attempt {
                choices: Vec::new(),
                tasks: Vec::new(),
                ending: AttemptEnd::Followed,
                taken: 0,
            },
        }
    }

    /// Whether `steps`, taken in order from `from`, are a path of the relation to the target.
    fn reaches(&self, from: &Abstract, steps: impl Iterator<Item = StepKind>) -> bool {
        let mut state = from.clone();
        for kind in steps {
            match self.relation.step(&Concrete, &state, kind) {
                Some((_, next)) => state = next,
                None => return false,
            }
        }
        format!("{state:?}") == self.target
    }

    /// Matches the model's step `kind`, taken from `before`, against the pending steps: the
    /// first pending step of that kind that can be taken first.
    fn matched(&mut self, before: &Abstract, kind: StepKind) -> bool {
        let found = (0..self.pending.len()).find(|&k| {
            self.pending[k] == kind
                && self.reaches(
                    before,
                    std::iter::once(kind).chain(
                        self.pending
                            .iter()
                            .enumerate()
                            .filter(|&(i, _)| i != k)
                            .map(|(_, &s)| s),
                    ),
                )
        });
        match found {
            Some(k) => {
                self.pending.remove(k);
                true
            }
            None => false,
        }
    }

    /// Reads what the model recorded since the last decision.
    fn catch_up(&mut self) -> Result<(), AttemptEnd> {
        let events: Vec<(LaneId, crate::model::Op)> =
            tap::read(|t| t.events[self.seen..].to_vec()).unwrap_or_default();
        for (lane, op) in events {
            self.seen += 1;
            if self.last_active.len() <= lane {
                self.last_active.resize(lane + 1, 0);
            }
            self.last_active[lane] = self.seen;
            let before = self.refinement.state().clone();
            let event = Event {
                lane,
                op,
                state: None,
            };
            let step = self
                .refinement
                .feed(&event)
                .map_err(|m| AttemptEnd::Failed(m.to_string()))?;
            if let Some(kind) = step {
                if !self.matched(&before, kind) {
                    return Err(AttemptEnd::Deviated {
                        at: self.attempt.choices.len(),
                        what: format!("lane {lane} took {kind:?} ({op:?})"),
                    });
                }
                self.attempt.taken += 1;
            }
        }
        Ok(())
    }

    /// The lanes to run, most preferred first.
    fn candidates(&self) -> Vec<LaneId> {
        let r = &self.refinement;
        let mut lanes: Vec<LaneId> = (0..r.lanes()).filter(|&l| r.owes(l)).collect();
        for kind in &self.pending {
            lanes.extend(r.lanes_of(kind.actor()));
        }
        let mut others: Vec<LaneId> = (0..r.lanes()).collect();
        others.sort_by_key(|&l| std::cmp::Reverse(self.last_active.get(l).copied()));
        lanes.extend(others);
        let mut unique = Vec::new();
        for lane in lanes {
            if !unique.contains(&lane) {
                unique.push(lane);
            }
        }
        unique
    }

    fn stop(&mut self, ending: AttemptEnd) -> Option<TaskId> {
        self.attempt.ending = ending;
        None
    }
}

impl Scheduler for Follow {
    fn new_execution(&mut self) -> Option<Schedule> {
        if self.started {
            return None;
        }
        self.started = true;
        tap::open();
        Some(Schedule::new(0))
    }

    fn next_task(
        &mut self,
        runnable: &[&Task],
        _current: Option<TaskId>,
        _is_yielding: bool,
    ) -> Option<TaskId> {
        if !matches!(self.attempt.ending, AttemptEnd::Followed) {
            return None;
        }
        if let Err(ending) = self.catch_up() {
            return self.stop(ending);
        }
        // Lane names, to find each lane's task (the main thread is task 0).
        let names = tap::read(|t| t.lanes.clone()).unwrap_or_default();
        let task_of = |lane: LaneId| -> Option<TaskId> {
            runnable
                .iter()
                .find(|task| {
                    task.runnable()
                        && if lane == 0 {
                            usize::from(task.id()) == 0
                        } else {
                            task.name().as_deref() == names.get(lane).map(String::as_str)
                        }
                })
                .map(|task| task.id())
        };
        let mut tasks: Vec<TaskId> = self.candidates().into_iter().filter_map(task_of).collect();
        // Threads the tap has not named yet (a thread between its registration and its first
        // event has a name already; this is only a safety net).
        for task in runnable.iter().filter(|t| t.runnable()) {
            if !tasks.contains(&task.id()) {
                tasks.push(task.id());
            }
        }
        if tasks.is_empty() {
            let at = self.attempt.choices.len();
            return self.stop(AttemptEnd::Deviated {
                at,
                what: "no thread can run".into(),
            });
        }
        let decision = self.attempt.choices.len();
        let choice = self.forced.get(decision).copied().unwrap_or(0);
        if choice >= tasks.len() {
            return self.stop(AttemptEnd::Deviated {
                at: decision,
                what: "a forced choice no longer exists".into(),
            });
        }
        self.attempt.choices.push((choice, tasks.len()));
        self.attempt.tasks.push(usize::from(tasks[choice]));
        Some(tasks[choice])
    }

    fn next_u64(&mut self) -> u64 {
        // The model draws no random values; a draw would not replay from a task-only schedule.
        self.attempt.ending = AttemptEnd::Failed("the model drew a random value".into());
        0
    }
}

impl Drop for Follow {
    fn drop(&mut self) {
        if matches!(self.attempt.ending, AttemptEnd::Followed)
            && let Err(ending) = self.catch_up()
        {
            self.attempt.ending = ending;
        }
        if matches!(self.attempt.ending, AttemptEnd::Followed)
            && self
                .pending
                .iter()
                .any(|&kind| kind != StepKind::JoinWorker)
        {
            self.attempt.ending = AttemptEnd::Deviated {
                at: self.attempt.choices.len(),
                what: format!("the model stopped with {:?} still to take", self.pending),
            };
        }
        tap::close();
        *self.state.lock().unwrap() = Some(self.attempt.clone());
    }
}

/// Runs one attempt with the first decisions forced.
fn attempt(
    scenario: &Scenario,
    relation: &Relation<Concrete>,
    path: &[StepKind],
    target: &str,
    forced: Vec<usize>,
) -> Attempt {
    let result = Arc::new(Mutex::new(None));
    let follow = Follow::new(
        relation,
        path,
        target.to_string(),
        forced,
        Arc::clone(&result),
    );
    let scenario = *scenario;
    Runner::new(follow, config()).run(move || {
        run_once::<Shuttle>(&scenario, false);
    });
    let attempt = result.lock().unwrap().take();
    attempt.expect("the follower reports its attempt when it is dropped")
}

/// The decisions of the next attempt after `failed`: the same up to the last decision that had
/// another candidate, then that candidate.
fn backtrack(failed: &Attempt, at: usize) -> Option<Vec<usize>> {
    let end = at.min(failed.choices.len());
    (0..end).rev().find_map(|k| {
        let (chosen, count) = failed.choices[k];
        (chosen + 1 < count).then(|| {
            let mut forced: Vec<usize> = failed.choices[..k].iter().map(|c| c.0).collect();
            forced.push(chosen + 1);
            forced
        })
    })
}

/// The code-level model's execution of `path` (a shortest path of `scenario`'s relation to a
/// state that violates `finding`), replayable, validated, ready to print.
pub fn counterexample(
    scenario: &Scenario,
    path: &[StepKind],
    finding: &Finding,
) -> Result<Counterexample, String> {
    keep_shuttles_panic_hook_out();
    let relation = Relation::of(scenario);
    let mut last = relation.start();
    for &kind in path {
        last = relation
            .step(&Concrete, &last, kind)
            .ok_or_else(|| format!("the path's step {kind:?} is not enabled"))?
            .1;
    }
    let target = format!("{last:?}");
    let fail = |why: String| {
        format!(
            "refinement failure: the code-level model cannot follow bfs's shortest path to the violation ({why})"
        )
    };
    let mut forced = Vec::new();
    let mut deepest: Option<Attempt> = None;
    let mut followed = None;
    for _ in 0..BUDGET {
        let tried = attempt(scenario, &relation, path, &target, forced);
        let next = match &tried.ending {
            AttemptEnd::Followed => {
                followed = Some(tried);
                break;
            }
            AttemptEnd::Failed(why) => return Err(fail(why.clone())),
            AttemptEnd::Deviated { at, .. } => backtrack(&tried, *at),
        };
        if deepest.as_ref().is_none_or(|d| tried.taken > d.taken) {
            deepest = Some(tried);
        }
        match next {
            Some(decisions) => forced = decisions,
            None => break,
        }
    }
    let Some(followed) = followed else {
        let why = match deepest {
            Some(Attempt {
                taken,
                ending: AttemptEnd::Deviated { what, .. },
                ..
            }) => format!(
                "at best it took {taken} of the path's {} steps, then {what}",
                path.len()
            ),
            _ => "no attempt got anywhere".into(),
        };
        return Err(fail(why));
    };
    let handle = ReplayHandle {
        scenario: *scenario,
        property: finding.property,
        kind: ReplayKind::Shuttle {
            seed: 0,
            decisions: followed.tasks.iter().map(|&t| Some(t)).collect(),
        },
    };
    let (outcome, violation) = replay_outcome(&handle).map_err(|e| fail(e.to_string()))?;
    let validated = validate(scenario, &outcome).map_err(|m| fail(m.to_string()))?;
    if format!("{:?}", validated.last) != target {
        return Err(fail(format!(
            "the replayed execution ends in {:?}, the path in {target}",
            validated.last
        )));
    }
    let mut taken: Vec<String> = validated
        .steps
        .iter()
        .map(|(_, kind)| format!("{kind:?}"))
        .chain(std::iter::repeat_n(
            format!("{:?}", StepKind::JoinWorker),
            validated.completed_joins,
        ))
        .collect();
    let mut wanted: Vec<String> = path.iter().map(|kind| format!("{kind:?}")).collect();
    taken.sort();
    wanted.sort();
    if taken != wanted {
        return Err(fail(
            "the replayed execution's steps are not the path's".into(),
        ));
    }
    if (violation.property, violation.kind, &violation.jobs)
        != (finding.property, finding.kind, &finding.jobs)
    {
        return Err(fail(format!(
            "the replayed execution violates {} ({:?}, jobs {:?}), the path {} ({:?}, jobs {:?})",
            violation.property,
            violation.kind,
            violation.jobs,
            finding.property,
            finding.kind,
            finding.jobs
        )));
    }
    Ok(counterexample_of(outcome, violation, None, Some(&handle)))
}
