//! Checkers, one API: [`check`] takes a scenario, the properties to hold and a [`Checker`],
//! and returns a [`Report`] whose verdict says exactly how strong the search was; [`replay`]
//! reruns the execution a counterexample's handle names.
//!
//! Each checker is a module that runs its search and hands back what it [`Found`]: `loom`
//! (exhaustive, iterative deepening), `shuttle` (random, PCT, DFS; one file per scheduler
//! wrapper), `threads` (real threads), `bfs` (the step relation, breadth first) and
//! `induction` (the step relation, for every size at once). What they share: the [`Search`]
//! collector, the [`Limits`] that stop a search between executions, and [`Progress`]. One more
//! module is a referee rather than a checker: `enumeration` compares loom's reduced search with
//! a complete enumeration of the model (docs/model.md, section 3.12).
//!
//! A new checker joins in four places: a [`Checker`] variant (its name and defaults, in
//! `crate::report`), the [`Coverage`] it reports (one arm of `Coverage::words`), a module here
//! that runs the search with a `Context` (its limits, between executions, and progress) and
//! returns what it `Found`, with the verdict its clean search earns; and an arm in [`check`].
//! Reports, their JSON and every renderer then carry it unchanged.
//!
//! [`Found`]: search::Found
//! [`Search`]: search::Search
//! [`Limits`]: limits::Limits
//! [`Progress`]: progress::Progress

mod bfs;
pub(crate) mod enumeration;
mod induction;
mod limits;
#[cfg(feature = "loom")]
mod loom;
#[cfg(all(test, feature = "loom"))]
mod loom_covers_shuttle;

mod progress;
mod search;
mod shuttle;
mod threads;

use crate::outcome::{Counterexample, Property};
use crate::report::{Checker, Coverage, MalformedHandle, ReplayHandle, ReplayKind, Report, Run};
use crate::scenario::{InvalidScenario, Naming, Protocol, Scenario};
pub use induction::Unprovable;
use limits::Limits;
use progress::Progress;
use search::Found;
use std::fmt;
use std::sync::Arc;
use std::sync::atomic::AtomicBool;
use std::time::{Duration, Instant};

/// Options that do not change what is checked, only how long and how visibly.
#[derive(Clone, Debug)]
pub struct Options {
    /// Show progress on stderr: a bar on a terminal, a line every `progress_interval`
    /// otherwise.
    pub progress: bool,
    /// How often a search prints a progress line when stderr is not a terminal.
    pub progress_interval: Duration,
    /// Stop a search that runs longer than this. A search cut short proves nothing: its
    /// verdict is `inconclusive` (unless it already found a counterexample, which stands), and
    /// its coverage says how far it got. Checked between executions, never inside one.
    pub time_limit: Option<Duration>,
    /// Raise this flag (from a signal handler, another thread, ...) to stop a search between
    /// executions, as a time limit would. The library installs no signal handler itself.
    pub stop: Option<Arc<AtomicBool>>,
}

impl Default for Options {
    /// No progress, no time limit, no stop flag.
    fn default() -> Self {
        Options {
            progress: false,
            progress_interval: Duration::from_secs(10),
            time_limit: None,
            stop: None,
        }
    }
}

/// Why a check could not run.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum CheckError {
    /// The scenario cannot be run (by this checker).
    Invalid(InvalidScenario),
    /// No property to check: a search would "pass" having asserted nothing.
    NoProperties,
    /// A property that says nothing about the scenario's protocol: checking it would pass
    /// vacuously.
    DoesNotApply {
        /// The property asked for.
        property: Property,
        /// The scenario's protocol.
        protocol: Protocol,
    },
    /// The crate was built without the `loom` feature.
    LoomUnavailable,
    /// What an all-sizes proof cannot be about.
    Unprovable(Unprovable),
    /// The crate was built without the `z3` feature (`--checker induction`).
    InductionUnavailable,
    /// The code-level model could not follow a path of the step relation (a bfs
    /// counterexample): the two disagree, and no trace is printed (see `bfs::follow`).
    Refinement(String),
}

impl CheckError {
    /// Why, in one line, naming settings as `naming` says (the command line names its flags).
    pub fn describe(&self, naming: Naming) -> String {
        match self {
            CheckError::Invalid(why) => why.describe(naming),
            CheckError::NoProperties => "no property to check".into(),
            CheckError::DoesNotApply { property, protocol } => {
                let applicable: Vec<&str> = Property::applicable(*protocol)
                    .into_iter()
                    .map(Property::name)
                    .collect();
                format!(
                    "{property} does not apply to {protocol}; the properties that do: {}",
                    applicable.join(", ")
                )
            }
            CheckError::LoomUnavailable => loom_unavailable(naming),
            CheckError::Unprovable(why) => why.describe(naming),
            CheckError::InductionUnavailable => induction_unavailable(naming),
            CheckError::Refinement(why) => why.clone(),
        }
    }
}

fn loom_unavailable(naming: Naming) -> String {
    match naming {
        Naming::Flags => "--checker loom needs the `loom` feature: rebuild with \
                          `cargo run --release --features loom -- ...` (or use --checker pct)"
            .into(),
        Naming::Words => "the loom checker needs drainproof's `loom` feature".into(),
    }
}

fn induction_unavailable(naming: Naming) -> String {
    match naming {
        Naming::Flags => "--checker induction needs the `z3` feature (and the system's libz3): \
                          this binary was built without it; rebuild with `cargo run --release \
                          --features loom,z3 -- ...`"
            .into(),
        Naming::Words => "the induction checker needs drainproof's `z3` feature".into(),
    }
}

impl fmt::Display for CheckError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.describe(Naming::Words))
    }
}

impl std::error::Error for CheckError {}

impl From<InvalidScenario> for CheckError {
    fn from(why: InvalidScenario) -> Self {
        CheckError::Invalid(why)
    }
}

/// What a checker runs with besides the scenario: its limits and where progress goes.
#[derive(Clone)]
pub(crate) struct Context {
    pub limits: Limits,
    pub progress: Progress,
}

impl Context {
    /// The context of a search that counts `unit`s (`executions`, `states` for bfs,
    /// `obligations` for induction).
    fn new(options: &Options, unit: &'static str) -> Context {
        Context {
            limits: Limits::new(options.time_limit, options.stop.clone()),
            progress: Progress::counting(options.progress, options.progress_interval, unit),
        }
    }

    /// The same limits, no progress: for a search run inside another (induction's search
    /// for a witness).
    #[cfg(feature = "z3")]
    fn without_progress(&self) -> Context {
        Context {
            limits: self.limits.clone(),
            progress: Progress::default(),
        }
    }

    /// No limits, no progress: for replays.
    fn quiet() -> Context {
        Context {
            limits: Limits::default(),
            progress: Progress::default(),
        }
    }
}

/// Checks `properties` of `scenario` with `checker`.
///
/// Refuses (with a [`CheckError`]) a scenario the checker cannot run, an empty list of
/// properties, and a property that does not apply to the protocol: each would otherwise read
/// as a pass.
///
/// ```
/// use drainproof::{Checker, Options, Property, Protocol, Scenario, Verdict, check};
///
/// // The seed's good worker, sampled by PCT: no counterexample, and the verdict says that
/// // this is a sample, not a proof.
/// let scenario = Scenario::new(Protocol::Sentinel, 2, 2, 1);
/// let report = check(&scenario, &Property::DRAIN, Checker::pct(50, 1), Options::default())?;
/// assert_eq!(report.verdict, Verdict::NoCounterexample { schedules: 50, seed: Some(1) });
///
/// // The seed's bad worker: a job is lost, and the counterexample says which.
/// let scenario = Scenario::new(Protocol::EmptyPoll, 1, 1, 1);
/// let report = check(&scenario, &[Property::NoLostJob], Checker::pct(50, 1), Options::default())?;
/// assert_eq!(report.verdict, Verdict::Violated);
/// assert_eq!(report.counterexample.unwrap().jobs, vec![0]);
/// # Ok::<(), drainproof::CheckError>(())
/// ```
pub fn check(
    scenario: &Scenario,
    properties: &[Property],
    checker: Checker,
    options: Options,
) -> Result<Report, CheckError> {
    let started = Instant::now();
    match checker {
        Checker::Loom { .. } => scenario.validate_for_loom()?,
        _ => scenario.validate()?,
    }
    if properties.is_empty() {
        return Err(CheckError::NoProperties);
    }
    if let Some(&property) = properties.iter().find(|p| !p.applies_to(scenario.protocol)) {
        return Err(CheckError::DoesNotApply {
            property,
            protocol: scenario.protocol,
        });
    }
    let unit = match checker {
        Checker::Bfs { .. } => "states",
        Checker::Induction { .. } => "obligations",
        _ => "executions",
    };
    let context = Context::new(&options, unit);
    let found = match checker {
        Checker::Loom { preemption_bound } => {
            run_loom(scenario, properties, preemption_bound, &context)?
        }
        Checker::Random { .. } | Checker::Pct { .. } | Checker::Dfs { .. } => {
            shuttle::search(scenario, properties, checker, &context)
        }
        Checker::Threads { trials } => threads::search(scenario, properties, trials, &context),
        Checker::Bfs { max_states } => bfs::search(scenario, properties, max_states, &context)?,
        Checker::Induction { sentinels } => {
            induction::search(scenario, properties, sentinels, &context)?
        }
    };
    Ok(Report {
        scenario: *scenario,
        properties: properties.to_vec(),
        run: Run::Search(checker),
        verdict: found.verdict(),
        coverage: found.coverage,
        executions: found.executions,
        seconds: started.elapsed().as_secs_f64(),
        counterexample: found.counterexample,
        trials: found.trials,
        exploration: found.exploration,
        proof: found.proof,
    })
}

#[cfg(feature = "loom")]
fn run_loom(
    scenario: &Scenario,
    properties: &[Property],
    preemption_bound: Option<usize>,
    context: &Context,
) -> Result<Found, CheckError> {
    Ok(loom::search(
        scenario,
        properties,
        preemption_bound,
        context,
    ))
}

#[cfg(not(feature = "loom"))]
fn run_loom(
    _: &Scenario,
    _: &[Property],
    _: Option<usize>,
    _: &Context,
) -> Result<Found, CheckError> {
    Err(CheckError::LoomUnavailable)
}

/// Why a replay handle could not be replayed. The messages speak of the handle, never of
/// command-line flags: a handle is pasted, not typed flag by flag.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ReplayError {
    /// The handle does not parse.
    Malformed(MalformedHandle),
    /// The handle's scenario cannot be run.
    Invalid(InvalidScenario),
    /// A loom handle, and the crate was built without the `loom` feature.
    LoomUnavailable,
    /// A loom handle names an execution past the end of its search.
    PastTheEnd {
        /// The execution the handle names.
        execution: u64,
        /// The executions the search has.
        executions: u64,
    },
    /// A shuttle schedule that cannot run in the handle's scenario.
    Misfit,
    /// The execution runs, but does not violate the handle's property.
    NoViolation {
        /// The property the handle names.
        property: Property,
    },
}

/// Handles made by another version of drainproof (or of loom and shuttle) name other
/// executions: the likeliest reason a well-formed handle does not reproduce.
const ANOTHER_VERSION: &str = "was the handle made by another version of drainproof?";

impl fmt::Display for ReplayError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ReplayError::Malformed(why) => why.fmt(f),
            ReplayError::Invalid(why) => write!(f, "the handle's scenario is invalid: {why}"),
            ReplayError::LoomUnavailable => f.write_str(
                "this is a loom handle, and drainproof was built without its `loom` feature: \
                 rebuild with `cargo run --release --features loom -- ...`",
            ),
            ReplayError::PastTheEnd {
                execution,
                executions,
            } => write!(
                f,
                "replay: this search has {executions} executions, not {execution} \
                 ({ANOTHER_VERSION})"
            ),
            ReplayError::Misfit => write!(
                f,
                "replay: the schedule does not fit this scenario ({ANOTHER_VERSION})"
            ),
            ReplayError::NoViolation { property } => write!(
                f,
                "replay: the execution does not violate {property} ({ANOTHER_VERSION})"
            ),
        }
    }
}

impl std::error::Error for ReplayError {}

/// Replays the counterexample `handle` names and reports it: the same trace, event for event,
/// as the check that printed the handle.
///
/// ```
/// use drainproof::{Checker, Options, Property, Protocol, Scenario, Verdict, check, replay};
///
/// let scenario = Scenario::new(Protocol::EmptyPoll, 1, 1, 1);
/// let found = check(&scenario, &[Property::NoLostJob], Checker::pct(50, 1), Options::default())?
///     .counterexample
///     .expect("the seed's bug");
/// let again = replay(found.replay.as_deref().expect("a shuttle counterexample replays"))?;
/// assert_eq!(again.verdict, Verdict::Violated);
/// assert_eq!(again.counterexample.unwrap().events, found.events);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn replay(handle: &str) -> Result<Report, ReplayError> {
    let started = Instant::now();
    let handle: ReplayHandle = handle.parse().map_err(ReplayError::Malformed)?;
    handle.scenario.validate().map_err(ReplayError::Invalid)?;
    let counterexample = match handle.kind {
        ReplayKind::Loom { .. } => replay_loom(&handle),
        ReplayKind::Shuttle { .. } => shuttle::replay(&handle),
    }?;
    Ok(Report {
        scenario: handle.scenario,
        properties: vec![handle.property],
        run: Run::Replay(handle),
        coverage: Coverage::Replayed,
        verdict: crate::report::Verdict::Violated,
        executions: 1,
        seconds: started.elapsed().as_secs_f64(),
        counterexample: Some(counterexample),
        trials: None,
        exploration: None,
        proof: None,
    })
}

#[cfg(feature = "loom")]
fn replay_loom(handle: &ReplayHandle) -> Result<Counterexample, ReplayError> {
    handle
        .scenario
        .validate_for_loom()
        .map_err(ReplayError::Invalid)?;
    loom::replay(handle)
}

#[cfg(not(feature = "loom"))]
fn replay_loom(_: &ReplayHandle) -> Result<Counterexample, ReplayError> {
    Err(ReplayError::LoomUnavailable)
}
