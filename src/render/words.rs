//! The wording of a trace: every step, item, wait and state in queue (or channel) terms, and
//! the violation in plain words.

use crate::model::{EmptyCause, Event, Item, Op, Polled, Received, Snapshot, Wait};
use crate::outcome::{Kind, Outcome, Violation};
use std::fmt::Write;

/// `j0`, `S`: how an item is written in traces.
pub(crate) fn item(item: &Item) -> String {
    match item {
        Item::Job(job) => format!("j{job}"),
        Item::Sentinel => "S".into(),
        Item::Close => "close".into(),
    }
}

pub(crate) fn items(list: &[Item]) -> String {
    format!("[{}]", item_list(list))
}

/// Items separated by spaces; three or more consecutive jobs fold into a range, `j0..j9`, so
/// that a state with thousands of queued jobs stays one short cell (nothing is dropped).
fn item_list(list: &[Item]) -> String {
    let mut words: Vec<String> = Vec::new();
    let mut index = 0;
    while index < list.len() {
        let mut end = index;
        if let Item::Job(first) = list[index] {
            while let Some(Item::Job(next)) = list.get(end + 1) {
                if u64::from(*next) != u64::from(first) + (end + 1 - index) as u64 {
                    break;
                }
                end += 1;
            }
        }
        if end - index >= 2 {
            words.push(format!("{}..{}", item(&list[index]), item(&list[end])));
        } else {
            words.extend(list[index..=end].iter().map(item));
        }
        index = end + 1;
    }
    words.join(" ")
}

/// What a blocked thread waits for, in words.
pub(crate) fn wait(wait: &Wait, lanes: &[String]) -> String {
    match wait {
        Wait::BufferItem(_) => "waits for its buffer to fill".into(),
        Wait::PipeRoom => "blocked writing: pipe full".into(),
        Wait::PipeData => "blocked in get(): pipe empty".into(),
        Wait::ReaderLock => "blocked in get(): reader lock held".into(),
        Wait::Exit(lane) => format!("blocked joining {}", lanes[*lane]),
        Wait::TasksDone => "blocked in join(): tasks unfinished".into(),
        Wait::ChannelReady => "blocked in recv(): channel empty".into(),
        Wait::ChannelRoom => "blocked in send(): channel full".into(),
    }
}

fn empty_cause(cause: &EmptyCause, state: Option<&Snapshot>, lanes: &[String]) -> String {
    match cause {
        EmptyCause::ReaderLockHeld(holder) => format!("reader lock held by {}", lanes[*holder]),
        EmptyCause::PipeEmpty => {
            let buffered: Vec<Item> = state
                .map(|s| s.buffers.iter().flatten().copied().collect())
                .unwrap_or_default();
            if buffered.is_empty() {
                "pipe empty".into()
            } else {
                format!("pipe empty; buffer holds {}", item_list(&buffered))
            }
        }
    }
}

fn polled(call: &str, polled: &Polled, state: Option<&Snapshot>, lanes: &[String]) -> String {
    match polled {
        Polled::Item { item: it } => format!("{call} -> {}", item(it)),
        Polled::Empty { cause } => {
            format!("{call} -> Empty ({})", empty_cause(cause, state, lanes))
        }
    }
}

fn received(call: &str, received: &Received) -> String {
    match received {
        Received::Item { item: it } => format!("{call} -> {}", item(it)),
        Received::Empty => format!("{call} -> Empty (channel empty; sender not dropped yet)"),
        Received::Disconnected => {
            format!("{call} -> Disconnected (channel empty, no sender left)")
        }
    }
}

/// `job 0`, `S`: an item as a send names it.
fn message(it: &Item) -> String {
    match it {
        Item::Job(job) => format!("job {job}"),
        other => item(other),
    }
}

/// One step in queue (or channel) terms.
pub(crate) fn step(event: &Event, lanes: &[String]) -> String {
    let state = event.state.as_ref();
    let pipe = || {
        state
            .map(|s| format!(" {}", items(&s.pipe)))
            .unwrap_or_default()
    };
    let channel = || {
        state
            .and_then(|s| s.channel.as_ref())
            .map(|c| format!(" {}", items(&c.items)))
            .unwrap_or_default()
    };
    match &event.op {
        Op::Spawn { lane } => format!("start {}", lanes[*lane]),
        Op::Put {
            item: Item::Job(job),
        } => format!("put job {job} -> buffer"),
        Op::Put {
            item: Item::Sentinel,
        } => "put sentinel -> buffer".into(),
        Op::Put { item: Item::Close } => "exit: close marker -> buffer".into(),
        Op::StartFeeder { lane } => format!("start {}", lanes[*lane]),
        Op::Flush { item: it } => format!("flush {} -> pipe{}", item(it), pipe()),
        Op::FeederExit => "take close marker; exit".into(),
        Op::Get { item: it } => format!("get -> {}", item(it)),
        Op::GetNowait { polled: p } => polled("get_nowait", p, state, lanes),
        Op::GetTimeout { polled: p } => polled("get(timeout)", p, state, lanes),
        Op::AwaitTimeout { wait: w } => format!("get(timeout) waits: {}", self::wait(w, lanes)),
        Op::ReleaseReaderLock => "release reader lock".into(),
        Op::PollEmpty { empty } => format!("empty() -> {}", py_bool(*empty)),
        Op::Process { job } => format!("process job {job}"),
        Op::TaskDone => "task_done()".into(),
        Op::JoinQueue => "join() returns: all tasks done".into(),
        Op::Send { item: it } => format!("send {} -> channel{}", message(it), channel()),
        Op::TrySend {
            item: it,
            sent: true,
        } => format!("try_send {} -> channel{}", message(it), channel()),
        Op::TrySend {
            item: it,
            sent: false,
        } => format!("try_send {} -> Full", message(it)),
        Op::Recv { received: r } => received("recv", r),
        Op::TryRecv { received: r } => received("try_recv", r),
        Op::CloneSender => "clone sender".into(),
        Op::DropSender { disconnected: true } => "drop sender: disconnected".into(),
        Op::DropSender {
            disconnected: false,
        } => "drop sender".into(),
        Op::Block { wait: w } => self::wait(w, lanes),
        Op::Joined { lane } => format!("joined {}", lanes[*lane]),
        Op::SeedCheck { empty } => format!("seed check: jobs.empty() -> {}", py_bool(*empty)),
        Op::Exit => "exit".into(),
        Op::Stopped { hang: true } => "stuck forever".into(),
        Op::Stopped { hang: false } => "killed at exit (daemon)".into(),
    }
}

fn py_bool(value: bool) -> &'static str {
    if value { "True" } else { "False" }
}

/// The state column: every buffer (with what its feeder holds), the pipe, the reader lock;
/// for a channel, its messages and live senders.
pub(crate) fn state(state: &Snapshot, lanes: &[String]) -> String {
    let mut out = String::new();
    if let Some(channel) = &state.channel {
        let _ = write!(out, "channel {}", items(&channel.items));
        match channel.senders {
            0 => out.push_str(" disconnected"),
            n => {
                let _ = write!(out, " senders:{n}");
            }
        }
        return out;
    }
    let many = state.buffers.len() > 1;
    for (producer, buffer) in state.buffers.iter().enumerate() {
        let label = if many {
            format!("buffer{producer}")
        } else {
            "buffer".into()
        };
        let _ = write!(out, "{label} {} ", items(buffer));
    }
    let _ = write!(out, "pipe {}", items(&state.pipe));
    if let Some(reader) = state.reader {
        let _ = write!(out, " lock:{}", lanes[reader]);
    }
    out
}

/// Where `job` sits in `state`, in words.
fn whereabouts(job: u32, state: &Snapshot) -> String {
    let target = Item::Job(job);
    let many = state.buffers.len() > 1;
    for (producer, buffer) in state.buffers.iter().enumerate() {
        let owner = if many {
            format!("producer-{producer}'s buffer")
        } else {
            "the producer's buffer".into()
        };
        if buffer.contains(&target) {
            return owner;
        }
    }
    if state.pipe.contains(&target) {
        "the pipe".into()
    } else {
        "nowhere (already read)".into()
    }
}

/// Where a lost job was when a channel worker gave up, from the steps `before` it (and the
/// state after it, if recorded).
fn channel_place(job: u32, before: &[Event], state: Option<&Snapshot>) -> String {
    let sent = before.iter().any(|e| {
        matches!(e.op, Op::Send { item } | Op::TrySend { item, sent: true } if item == Item::Job(job))
    });
    let in_channel = state
        .and_then(|s| s.channel.as_ref())
        .is_some_and(|c| c.items.contains(&Item::Job(job)));
    if !sent {
        format!(" before the producer had sent j{job} (it still held its sender)")
    } else if in_channel {
        format!(" while j{job} was still in the channel")
    } else {
        String::new()
    }
}

/// The violation in plain words: the last line of every trace.
pub(crate) fn summary(outcome: &Outcome, violation: &Violation) -> String {
    let lanes = &outcome.lanes;
    let events = &outcome.events;
    let job = violation.jobs.first().copied();
    match (violation.kind, job) {
        (Kind::LostJob, Some(job)) => {
            let gave_up = events.iter().enumerate().rev().find(|(_, e)| {
                matches!(
                    e.op,
                    Op::GetNowait {
                        polled: Polled::Empty { .. }
                    } | Op::GetTimeout {
                        polled: Polled::Empty { .. }
                    } | Op::PollEmpty { empty: true }
                        | Op::Get {
                            item: Item::Sentinel
                        }
                        | Op::TryRecv {
                            received: Received::Empty | Received::Disconnected
                        }
                        | Op::Recv {
                            received: Received::Disconnected
                        }
                )
            });
            let lost = if violation.jobs.len() > 1 {
                format!("jobs {:?} were never processed", violation.jobs)
            } else {
                format!("job {job} was never processed")
            };
            match gave_up {
                Some((index, e)) => {
                    let place = if matches!(e.op, Op::TryRecv { .. } | Op::Recv { .. }) {
                        channel_place(job, &events[..index], e.state.as_ref())
                    } else {
                        e.state
                            .as_ref()
                            .map(|s| format!(" while j{job} was still in {}", whereabouts(job, s)))
                            .unwrap_or_default()
                    };
                    let why = match e.op {
                        Op::Get { .. } => "got a sentinel".to_string(),
                        Op::PollEmpty { .. } => "saw empty() -> True".to_string(),
                        Op::TryRecv {
                            received: Received::Empty,
                        } => "got Empty from try_recv()".to_string(),
                        Op::TryRecv { .. } | Op::Recv { .. } => "got Disconnected".to_string(),
                        _ => "got Empty".to_string(),
                    };
                    format!("{lost}: {} exited after it {why}{place}", lanes[e.lane])
                }
                None => lost,
            }
        }
        (Kind::Duplicate, Some(job)) => format!("job {job} was processed more than once"),
        (Kind::Hang, _) => {
            let stuck: Vec<String> = outcome
                .hang
                .iter()
                .flatten()
                .map(|(lane, w)| format!("{} {}", lanes[*lane], wait(w, lanes)))
                .collect();
            format!(
                "hang: every live thread is blocked forever: {}",
                stuck.join("; ")
            )
        }
        (Kind::UnsoundCheck, Some(job)) => format!(
            "the seed's check jobs.empty() returned True, yet job {job} was never processed"
        ),
        (Kind::FalseAlarm, _) => format!(
            "every job was processed exactly once, yet the seed's check jobs.empty() returned \
             False: {} left in the queue",
            items(&outcome.leftover)
        ),
        (Kind::SpuriousEmpty, _) => format!(
            "{} got Empty because {} held the reader lock, though the pipe was not empty",
            lanes[violation.lanes[0]], lanes[violation.lanes[1]]
        ),
        (Kind::EarlyJoin, Some(job)) => {
            format!("join() returned while job {job} was not yet processed")
        }
        (_, None) => format!("{} violated", violation.property),
    }
}
