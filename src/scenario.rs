//! A scenario: which drain protocol, how many workers and jobs, how big a pipe.

use crate::sync::LOOM_MAX_THREADS;
use serde::{Deserialize, Serialize};
use std::fmt;

/// The drain protocols drainproof knows. The kebab-case names are part of the CLI contract.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize, clap::ValueEnum)]
#[serde(rename_all = "kebab-case")]
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

    pub fn from_name(name: &str) -> Option<Protocol> {
        Protocol::ALL.into_iter().find(|p| p.name() == name)
    }

    /// Whether the producer side puts sentinels after the jobs.
    pub fn uses_sentinels(self) -> bool {
        matches!(self, Protocol::Sentinel | Protocol::ForeignSentinel)
    }

    /// Whether the protocol runs over a crossbeam-style channel (`crate::model::Channel`)
    /// instead of `multiprocessing.Queue`. Its capacity is the scenario's `pipe_capacity`.
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

impl fmt::Display for Protocol {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// The largest sizes accepted. They keep a real-threads run and a shuttle schedule finite;
/// loom has its own, stricter limit (threads).
pub const MAX_WORKERS: usize = 64;
pub const MAX_JOBS: usize = 10_000;
pub const MAX_PIPE_CAPACITY: usize = 10_000;

/// One configuration of the seed's experiment.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Scenario {
    pub protocol: Protocol,
    pub workers: usize,
    pub jobs: usize,
    /// Items the OS pipe holds (its capacity divided by the item size). For the channel
    /// protocols: the channel's capacity, `bounded(C)` (any `C >= jobs` behaves as
    /// `unbounded()`).
    pub pipe_capacity: usize,
    /// Sentinels the producer puts; `None` means one per worker.
    pub sentinels: Option<usize>,
    /// Start with every job already in the pipe (isolates reader-lock contention).
    #[serde(default)]
    pub prefilled: bool,
}

/// A scenario the model cannot run, with the reason in one line.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct InvalidScenario(pub String);

impl fmt::Display for InvalidScenario {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for InvalidScenario {}

impl Scenario {
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

    pub fn with_sentinels(mut self, sentinels: usize) -> Self {
        self.sentinels = Some(sentinels);
        self
    }

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

    /// Checks sizes every checker needs.
    pub fn validate(&self) -> Result<(), InvalidScenario> {
        let bad = |msg: String| Err(InvalidScenario(msg));
        if self.workers == 0 {
            return bad("--workers must be at least 1".into());
        }
        if self.workers > MAX_WORKERS {
            return bad(format!(
                "--workers {} is over the limit of {MAX_WORKERS}",
                self.workers
            ));
        }
        if self.jobs > MAX_JOBS {
            return bad(format!(
                "--jobs {} is over the limit of {MAX_JOBS}",
                self.jobs
            ));
        }
        if self.pipe_capacity == 0 {
            return bad("--pipe-capacity must be at least 1 item".into());
        }
        if self.pipe_capacity > MAX_PIPE_CAPACITY {
            return bad(format!(
                "--pipe-capacity {} is over the limit of {MAX_PIPE_CAPACITY}",
                self.pipe_capacity
            ));
        }
        if self.sentinels.is_some_and(|k| k > MAX_JOBS) {
            return bad(format!("--sentinels is over the limit of {MAX_JOBS}"));
        }
        if self.sentinels.is_some() && !self.protocol.uses_sentinels() {
            return bad(format!(
                "--sentinels applies to the sentinel protocols only, not {}",
                self.protocol
            ));
        }
        if self.prefilled && self.protocol == Protocol::Joinable {
            return bad(
                "--prefilled does not apply to joinable: a JoinableQueue counts every job as \
                 a task when it is put"
                    .into(),
            );
        }
        if self.protocol.uses_channel() && self.prefilled {
            return bad(format!(
                "--prefilled applies to the multiprocessing.Queue protocols, not {}",
                self.protocol
            ));
        }
        if self.prefilled && self.jobs > self.pipe_capacity {
            return bad(format!(
                "a prefilled pipe must hold every job: --jobs {} > --pipe-capacity {}",
                self.jobs, self.pipe_capacity
            ));
        }
        Ok(())
    }

    /// Checks loom's thread limit on top of [`Scenario::validate`].
    pub fn validate_for_loom(&self) -> Result<(), InvalidScenario> {
        self.validate()?;
        if self.threads() > LOOM_MAX_THREADS {
            let max_workers = LOOM_MAX_THREADS - self.protocol.support_threads();
            return Err(InvalidScenario(format!(
                "loom explores at most {LOOM_MAX_THREADS} threads; {} with {} workers needs {} \
                 ({} besides the workers), so loom allows at most {max_workers} workers: \
                 use --checker pct or --checker random for larger scenarios",
                self.protocol,
                self.workers,
                self.threads(),
                self.protocol.support_threads()
            )));
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
