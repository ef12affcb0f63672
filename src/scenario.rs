//! A scenario: which drain protocol, how many workers and jobs, how big a pipe; and why a
//! scenario may be refused.

use crate::sync::LOOM_MAX_THREADS;
use serde::Serialize;
use std::fmt;

/// The drain protocols drainproof knows. Their [names](Protocol::name) are part of the CLI
/// and JSON contract.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Protocol {
    /// The seed's `worker_bad`: loop `get_nowait()` until `Empty`, then exit.
    EmptyPoll,
    /// The seed's `worker_good`: loop `get()` until a sentinel; one sentinel per worker.
    Sentinel,
    /// `while not q.empty(): q.get()` (check-then-act).
    EmptyCheck,
    /// Jobs from one producer, sentinels from a second producer with its own feeder.
    ForeignSentinel,
    /// Loop `get(timeout=t)` until `Empty`.
    TimeoutPoll,
    /// `JoinableQueue`: daemon workers loop `get()` + `task_done()`; the producer `join()`s.
    Joinable,
    /// The Rust idiom over a crossbeam-style channel: the producer sends the jobs, then drops
    /// its `Sender`; workers loop `recv()` until it returns `Err` (empty and disconnected).
    ChannelDisconnect,
    /// Its buggy twin: workers loop `try_recv()` until `Err(Empty)` while the producer is
    /// still sending.
    ChannelTryRecv,
}

impl Protocol {
    /// Every protocol, in the order of `--help`.
    pub const ALL: [Protocol; 8] = [
        Protocol::EmptyPoll,
        Protocol::Sentinel,
        Protocol::EmptyCheck,
        Protocol::ForeignSentinel,
        Protocol::TimeoutPoll,
        Protocol::Joinable,
        Protocol::ChannelDisconnect,
        Protocol::ChannelTryRecv,
    ];

    /// The protocol's name on the command line, in JSON and in replay handles.
    pub fn name(self) -> &'static str {
        match self {
            Protocol::EmptyPoll => "empty-poll",
            Protocol::Sentinel => "sentinel",
            Protocol::EmptyCheck => "empty-check",
            Protocol::ForeignSentinel => "foreign-sentinel",
            Protocol::TimeoutPoll => "timeout-poll",
            Protocol::Joinable => "joinable",
            Protocol::ChannelDisconnect => "channel-disconnect",
            Protocol::ChannelTryRecv => "channel-try-recv",
        }
    }

    /// The protocol named `name`, if there is one.
    pub fn from_name(name: &str) -> Option<Protocol> {
        Protocol::ALL.into_iter().find(|p| p.name() == name)
    }

    /// Whether the producer side puts sentinels after the jobs.
    pub fn uses_sentinels(self) -> bool {
        matches!(self, Protocol::Sentinel | Protocol::ForeignSentinel)
    }

    /// Whether the protocol runs over a crossbeam-style channel instead of
    /// `multiprocessing.Queue`. Its capacity is the scenario's `pipe_capacity`.
    pub fn uses_channel(self) -> bool {
        matches!(self, Protocol::ChannelDisconnect | Protocol::ChannelTryRecv)
    }

    /// Threads besides the workers: producers and their feeders (a channel has no feeder).
    pub fn support_threads(self) -> usize {
        match self {
            Protocol::ForeignSentinel => 4,
            Protocol::ChannelDisconnect | Protocol::ChannelTryRecv => 1,
            _ => 2,
        }
    }
}

impl Serialize for Protocol {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.name())
    }
}

/// `--protocol` on the command line takes [`Protocol::name`].
impl clap::ValueEnum for Protocol {
    fn value_variants<'a>() -> &'a [Self] {
        &Protocol::ALL
    }

    fn to_possible_value(&self) -> Option<clap::builder::PossibleValue> {
        Some(clap::builder::PossibleValue::new(self.name()))
    }
}

impl fmt::Display for Protocol {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// The most workers a scenario may have. The limits keep a real-threads run and a shuttle
/// schedule finite; loom has its own, stricter limit (threads).
pub const MAX_WORKERS: usize = 64;
/// The most jobs (and sentinels) a scenario may have.
pub const MAX_JOBS: usize = 10_000;
/// The largest pipe (or channel) capacity a scenario may have.
pub const MAX_PIPE_CAPACITY: usize = 10_000;

/// One configuration of the seed's experiment.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Scenario {
    /// The drain protocol.
    pub protocol: Protocol,
    /// Worker threads.
    pub workers: usize,
    /// Jobs the producer puts.
    pub jobs: usize,
    /// Items the OS pipe holds (its capacity divided by the item size). For the channel
    /// protocols: the channel's capacity, `bounded(C)` (any `C >= jobs` behaves as
    /// `unbounded()`).
    pub pipe_capacity: usize,
    /// Sentinels the producer puts; `None` means one per worker.
    pub sentinels: Option<usize>,
    /// Start with every job already in the pipe (isolates reader-lock contention).
    pub prefilled: bool,
}

/// A size of a scenario, as a message names it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Size {
    /// The scenario's `workers`.
    Workers,
    /// The scenario's `jobs`.
    Jobs,
    /// The scenario's `pipe_capacity`.
    PipeCapacity,
    /// The scenario's `sentinels`.
    Sentinels,
}

impl Size {
    fn word(self) -> &'static str {
        match self {
            Size::Workers => "workers",
            Size::Jobs => "jobs",
            Size::PipeCapacity => "pipe capacity",
            Size::Sentinels => "sentinels",
        }
    }

    fn flag(self) -> &'static str {
        match self {
            Size::Workers => "--workers",
            Size::Jobs => "--jobs",
            Size::PipeCapacity => "--pipe-capacity",
            Size::Sentinels => "--sentinels",
        }
    }
}

/// How a message names a scenario's settings: by the command line's flags, or in words (the
/// library's own messages, and scenarios that came from a replay handle).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Naming {
    /// `--workers`, `--checker pct`.
    Flags,
    /// `workers`, `the pct checker`.
    Words,
}

/// A scenario the model cannot run. [`Display`](fmt::Display) says why in words;
/// [`InvalidScenario::describe`] can name the command line's flags instead.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum InvalidScenario {
    /// A size below its minimum.
    TooSmall {
        /// Which size.
        size: Size,
        /// Its minimum.
        minimum: usize,
    },
    /// A size over its limit.
    TooLarge {
        /// Which size.
        size: Size,
        /// The size asked for.
        value: usize,
        /// Its limit.
        limit: usize,
    },
    /// An explicit sentinel count for a protocol that puts none.
    SentinelsDoNotApply(Protocol),
    /// A prefilled pipe for a protocol it does not apply to.
    PrefilledDoesNotApply(Protocol),
    /// A prefilled pipe too small for the jobs.
    PrefilledOverflow {
        /// The scenario's jobs.
        jobs: usize,
        /// The scenario's pipe capacity.
        pipe_capacity: usize,
    },
    /// More than the breadth-first checker's packed states hold.
    TooLargeForBfs {
        /// What is too large, in words (`jobs`, `jobs and sentinels together`, ...).
        what: &'static str,
        /// How many the scenario has.
        value: usize,
        /// The most the checker holds.
        limit: usize,
    },
    /// More threads than loom can explore.
    TooManyThreadsForLoom {
        /// The protocol.
        protocol: Protocol,
        /// The workers asked for.
        workers: usize,
    },
}

impl InvalidScenario {
    /// Why the scenario is refused, in one line, naming its settings as `naming` says.
    pub fn describe(&self, naming: Naming) -> String {
        let name = |size: Size| match naming {
            Naming::Flags => size.flag(),
            Naming::Words => size.word(),
        };
        match *self {
            InvalidScenario::TooSmall { size, minimum } => {
                let unit = if size == Size::PipeCapacity {
                    " item"
                } else {
                    ""
                };
                format!("{} must be at least {minimum}{unit}", name(size))
            }
            InvalidScenario::TooLarge { size, value, limit } => match size {
                // An explicit sentinel count's value is not repeated (it may be huge).
                Size::Sentinels => format!("{} is over the limit of {limit}", name(size)),
                _ => format!("{} {value} is over the limit of {limit}", name(size)),
            },
            InvalidScenario::SentinelsDoNotApply(protocol) => format!(
                "{} applies to the sentinel protocols only, not {protocol}",
                match naming {
                    Naming::Flags => "--sentinels",
                    Naming::Words => "a sentinel count",
                }
            ),
            InvalidScenario::PrefilledDoesNotApply(protocol) => {
                let prefilled = match naming {
                    Naming::Flags => "--prefilled",
                    Naming::Words => "a prefilled pipe",
                };
                if protocol == Protocol::Joinable {
                    format!(
                        "{prefilled} does not apply to joinable: a JoinableQueue counts every \
                         job as a task when it is put"
                    )
                } else {
                    format!(
                        "{prefilled} applies to the multiprocessing.Queue protocols, not {protocol}"
                    )
                }
            }
            InvalidScenario::PrefilledOverflow {
                jobs,
                pipe_capacity,
            } => format!(
                "a prefilled pipe must hold every job: {} {jobs} > {} {pipe_capacity}",
                name(Size::Jobs),
                name(Size::PipeCapacity)
            ),
            InvalidScenario::TooLargeForBfs { what, value, limit } => format!(
                "{} handles at most {limit} {what}, not {value}",
                match naming {
                    Naming::Flags => "--checker bfs",
                    Naming::Words => "the bfs checker",
                }
            ),
            InvalidScenario::TooManyThreadsForLoom { protocol, workers } => {
                let support = protocol.support_threads();
                let alternatives = match naming {
                    Naming::Flags => "--checker pct or --checker random",
                    Naming::Words => "the pct or random checker",
                };
                format!(
                    "loom explores at most {LOOM_MAX_THREADS} threads; {protocol} with {workers} \
                     workers needs {} ({support} besides the workers), so loom allows at most {} \
                     workers: use {alternatives} for larger scenarios",
                    workers + support,
                    LOOM_MAX_THREADS - support,
                )
            }
        }
    }
}

impl fmt::Display for InvalidScenario {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.describe(Naming::Words))
    }
}

impl std::error::Error for InvalidScenario {}

impl Scenario {
    /// A scenario with one sentinel per worker (for the sentinel protocols) and an empty pipe
    /// at the start.
    pub fn new(protocol: Protocol, workers: usize, jobs: usize, pipe_capacity: usize) -> Self {
        Scenario {
            protocol,
            workers,
            jobs,
            pipe_capacity,
            sentinels: None,
            prefilled: false,
        }
    }

    /// The same scenario with `sentinels` sentinels instead of one per worker.
    pub fn with_sentinels(mut self, sentinels: usize) -> Self {
        self.sentinels = Some(sentinels);
        self
    }

    /// The same scenario with every job in the pipe before the workers start.
    pub fn prefilled(mut self) -> Self {
        self.prefilled = true;
        self
    }

    /// Sentinels actually put: the explicit count, or one per worker for sentinel protocols.
    pub fn sentinel_count(&self) -> usize {
        match (self.protocol.uses_sentinels(), self.sentinels) {
            (_, Some(k)) => k,
            (true, None) => self.workers,
            (false, None) => 0,
        }
    }

    /// Threads the model runs, the harness's main thread included.
    pub fn threads(&self) -> usize {
        self.workers + self.protocol.support_threads()
    }

    /// Checks the sizes and settings every checker needs.
    pub fn validate(&self) -> Result<(), InvalidScenario> {
        use InvalidScenario::*;
        let too_large =
            |size, value: usize, limit| (value > limit).then_some(TooLarge { size, value, limit });
        if self.workers == 0 {
            return Err(TooSmall {
                size: Size::Workers,
                minimum: 1,
            });
        }
        if let Some(error) = too_large(Size::Workers, self.workers, MAX_WORKERS)
            .or_else(|| too_large(Size::Jobs, self.jobs, MAX_JOBS))
        {
            return Err(error);
        }
        if self.pipe_capacity == 0 {
            return Err(TooSmall {
                size: Size::PipeCapacity,
                minimum: 1,
            });
        }
        if let Some(error) = too_large(Size::PipeCapacity, self.pipe_capacity, MAX_PIPE_CAPACITY)
            .or_else(|| too_large(Size::Sentinels, self.sentinels.unwrap_or(0), MAX_JOBS))
        {
            return Err(error);
        }
        if self.sentinels.is_some() && !self.protocol.uses_sentinels() {
            return Err(SentinelsDoNotApply(self.protocol));
        }
        if self.prefilled && (self.protocol == Protocol::Joinable || self.protocol.uses_channel()) {
            return Err(PrefilledDoesNotApply(self.protocol));
        }
        if self.prefilled && self.jobs > self.pipe_capacity {
            return Err(PrefilledOverflow {
                jobs: self.jobs,
                pipe_capacity: self.pipe_capacity,
            });
        }
        Ok(())
    }

    /// Checks loom's thread limit on top of [`Scenario::validate`].
    pub fn validate_for_loom(&self) -> Result<(), InvalidScenario> {
        self.validate()?;
        if self.threads() > LOOM_MAX_THREADS {
            return Err(InvalidScenario::TooManyThreadsForLoom {
                protocol: self.protocol,
                workers: self.workers,
            });
        }
        Ok(())
    }
}

impl fmt::Display for Scenario {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} W={} J={} C={}",
            self.protocol, self.workers, self.jobs, self.pipe_capacity
        )?;
        if self.sentinels.is_some() {
            write!(f, " K={}", self.sentinel_count())?;
        }
        if self.prefilled {
            f.write_str(" prefilled")?;
        }
        Ok(())
    }
}

/// How the sentinels `K` range, relative to the workers `W`, in an all-sizes claim
/// (`--sentinel-range`). Only the `sentinel` protocol puts sentinels; every other one puts
/// none, whatever the range says.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, clap::ValueEnum)]
#[serde(rename_all = "kebab-case")]
pub enum SentinelRange {
    /// `K = W`: the seed's protocol (T2).
    #[default]
    PerWorker,
    /// `K > W`, any number more (T4): safety only, since more than `C` leftovers hang the
    /// producer's exit.
    More,
    /// `W < K <= W + C` (T4): the leftovers fit in the pipe, so the protocol terminates.
    MoreWithinCapacity,
    /// `0 <= K < W` (T3): a worker never gets its sentinel.
    Fewer,
}

impl SentinelRange {
    /// The range's name on the command line (`--sentinel-range`) and in JSON.
    pub fn name(self) -> &'static str {
        match self {
            SentinelRange::PerWorker => "per-worker",
            SentinelRange::More => "more",
            SentinelRange::MoreWithinCapacity => "more-within-capacity",
            SentinelRange::Fewer => "fewer",
        }
    }

    /// Whether `k` sentinels for `w` workers and a pipe of `c` items are in the range.
    pub fn contains(self, k: usize, w: usize, c: usize) -> bool {
        match self {
            SentinelRange::PerWorker => k == w,
            SentinelRange::More => k > w,
            SentinelRange::MoreWithinCapacity => k > w && k <= w + c,
            SentinelRange::Fewer => k < w,
        }
    }
}

/// What an all-sizes proof (`--checker induction`) is about: every scenario of one protocol,
/// `W >= 1` workers, `J >= 0` jobs and a pipe of `C >= 1` items, with the sentinels in a
/// [`SentinelRange`] (for `sentinel`) and, prefilled, `J <= C`. Its sizes are symbolic, so it
/// is a family of scenarios rather than one.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
pub struct Target {
    /// The drain protocol.
    pub protocol: Protocol,
    /// How `K` ranges (`sentinel` only).
    pub sentinels: SentinelRange,
    /// Every job in the pipe before the workers start (`J <= C`).
    pub prefilled: bool,
}

impl Target {
    /// Every size of `protocol`, one sentinel per worker for `sentinel`.
    pub fn new(protocol: Protocol) -> Target {
        Target {
            protocol,
            sentinels: SentinelRange::PerWorker,
            prefilled: false,
        }
    }

    /// The same target with the sentinels in `sentinels`.
    pub fn with_sentinels(self, sentinels: SentinelRange) -> Target {
        Target { sentinels, ..self }
    }

    /// The same target with every job in the pipe before the workers start.
    pub fn prefilled(self) -> Target {
        Target {
            prefilled: true,
            ..self
        }
    }

    /// The target of `scenario`'s protocol (and prefilled pipe) with the sentinels in
    /// `sentinels`.
    pub fn of(scenario: &Scenario, sentinels: SentinelRange) -> Target {
        Target {
            protocol: scenario.protocol,
            sentinels,
            prefilled: scenario.prefilled,
        }
    }

    /// Whether `scenario` is one of the target's scenarios.
    pub fn contains(&self, scenario: &Scenario) -> bool {
        let (w, c) = (scenario.workers, scenario.pipe_capacity);
        let sentinels = !self.protocol.uses_sentinels()
            || self.sentinels.contains(scenario.sentinel_count(), w, c);
        scenario.protocol == self.protocol
            && scenario.prefilled == self.prefilled
            && sentinels
            && w >= 1
            && c >= 1
            && (!self.prefilled || scenario.jobs <= c)
    }

    /// The smallest scenario of the target (`W = 1`, `J = 0`, `C = 1`, the fewest sentinels in
    /// range): the scenario a check by `--checker induction` names, whose sizes the proof
    /// then leaves symbolic.
    pub fn smallest(&self) -> Scenario {
        let mut scenario = Scenario::new(self.protocol, 1, 0, 1);
        scenario.prefilled = self.prefilled;
        if self.protocol == Protocol::Sentinel && self.sentinels != SentinelRange::PerWorker {
            let k = (0..)
                .find(|&k| self.sentinels.contains(k, 1, 1))
                .expect("every range has a smallest member");
            scenario.sentinels = Some(k);
        }
        scenario
    }

    /// The sizes the target covers, in words: `W >= 1, J >= 0, C >= 1` and its own
    /// constraints (`K > W`, `J <= C`).
    pub fn sizes(&self) -> String {
        let mut text = String::from("W >= 1, J >= 0, C >= 1");
        if self.protocol == Protocol::Sentinel {
            text += match self.sentinels {
                SentinelRange::PerWorker => "",
                SentinelRange::More => ", K > W",
                SentinelRange::MoreWithinCapacity => ", W < K <= W + C",
                SentinelRange::Fewer => ", 0 <= K < W",
            };
        }
        if self.prefilled {
            text += ", J <= C";
        }
        text
    }

    /// The protocol and its options as the command line's flags.
    pub fn flags(&self) -> String {
        let mut flags = format!("--protocol {}", self.protocol);
        if self.sentinels != SentinelRange::PerWorker {
            flags += &format!(" --sentinel-range {}", self.sentinels.name());
        }
        if self.prefilled {
            flags += " --prefilled";
        }
        flags
    }
}

/// `sentinel, every W >= 1, J >= 0, C >= 1, K > W`.
impl fmt::Display for Target {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.protocol.name())?;
        if self.prefilled {
            f.write_str(" prefilled")?;
        }
        write!(f, ", every {}", self.sizes())
    }
}
