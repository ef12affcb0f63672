//! The seed's `main()` and its workers, run once on any backend; and the same experiment in
//! its Rust form, over a crossbeam-style channel.

use crate::model::channel::{Channel, RecvError};
use crate::model::queue::Queue;
use crate::model::runtime::{Host, Step};
use crate::model::{Item, LaneId, Observed, Op, Polled, Role};
use crate::outcome::Outcome;
use crate::scenario::{Protocol, Scenario};
use crate::sync::Backend;
use std::sync::Arc;

/// Runs one execution of `scenario` and returns what happened. Call it inside the checker's
/// model closure (loom, shuttle) or directly (real threads).
pub(crate) fn run_once<B: Backend>(scenario: &Scenario, record_states: bool) -> Outcome {
    if scenario.protocol.uses_channel() {
        return run_channel::<B>(scenario, record_states);
    }
    let producers = if scenario.protocol == Protocol::ForeignSentinel {
        2
    } else {
        1
    };
    let observed = observed(scenario.protocol);
    let queue = Queue::<B>::new(producers, scenario.pipe_capacity, observed, record_states);
    let main = queue.world(|w| w.add_lane(Role::Producer(0), producer_name(0, producers), false));
    if scenario.prefilled {
        // The precondition of the reader-lock theorem: every job already in the pipe.
        queue.prefill((0..scenario.jobs as u32).map(Item::Job));
    }
    let result = seed_main(&queue, main, scenario);
    Outcome::new(queue.exit_main(main, result), *scenario)
}

fn producer_name(producer: usize, producers: usize) -> String {
    if producers == 1 {
        "producer".into()
    } else {
        format!("producer-{producer}")
    }
}

/// What each protocol observes without taking (see `Queue`'s module doc): the less, the
/// fewer of the pipe's steps a checker must treat as conflicting.
fn observed(protocol: Protocol) -> Observed {
    match protocol {
        Protocol::Sentinel | Protocol::ForeignSentinel | Protocol::Joinable => Observed::Nothing,
        Protocol::EmptyCheck => Observed::Pipe,
        Protocol::EmptyPoll | Protocol::TimeoutPoll => Observed::PipeAndReaderLock,
        Protocol::ChannelDisconnect => Observed::Nothing,
        Protocol::ChannelTryRecv => Observed::Pipe,
    }
}

/// The seed's `main()`: put the jobs, then per worker (good test: put a sentinel and) start
/// the worker; join the workers; evaluate `jobs.empty()`; exit (flushing the feeder).
fn seed_main<B: Backend>(queue: &Arc<Queue<B>>, main: LaneId, scenario: &Scenario) -> Step<()> {
    let protocol = scenario.protocol;
    if !scenario.prefilled {
        for job in 0..scenario.jobs as u32 {
            if protocol == Protocol::Joinable {
                queue.put_task(main, 0, Item::Job(job));
            } else {
                queue.put(main, 0, Item::Job(job));
            }
        }
    }
    let sentinels = scenario.sentinel_count();
    let foreign = protocol == Protocol::ForeignSentinel;
    let second_producer = foreign.then(|| {
        queue.spawn(
            Some(main),
            Role::Producer(1),
            producer_name(1, 2),
            false,
            move |q, me| {
                for _ in 0..sentinels {
                    q.put(me, 1, Item::Sentinel);
                }
                q.exit_producer(me, 1)
            },
        )
    });
    let daemon = protocol == Protocol::Joinable;
    let mut workers = Vec::with_capacity(scenario.workers);
    for index in 0..scenario.workers {
        if !foreign && index < sentinels {
            queue.put(main, 0, Item::Sentinel);
        }
        let lane = queue.spawn(
            Some(main),
            Role::Worker(index),
            format!("worker-{index}"),
            daemon,
            move |q, me| work(q, me, protocol),
        );
        workers.push(lane);
    }
    if !foreign {
        for _ in scenario.workers..sentinels {
            queue.put(main, 0, Item::Sentinel);
        }
    }
    if daemon {
        queue.join_tasks(main)?;
    } else {
        for lane in second_producer.into_iter().chain(workers) {
            queue.join(main, lane)?;
        }
    }
    queue.seed_check(main);
    queue.exit_producer(main, 0)
}

/// One worker's loop, per protocol.
fn work<B: Backend>(queue: &Queue<B>, lane: LaneId, protocol: Protocol) -> Step<()> {
    let process = |job| {
        queue.world(|w| {
            w.processed.push((job, lane));
            w.record(lane, Op::Process { job });
        })
    };
    match protocol {
        Protocol::EmptyPoll | Protocol::TimeoutPoll => loop {
            let polled = if protocol == Protocol::EmptyPoll {
                queue.get_nowait(lane)
            } else {
                queue.get_timeout(lane)
            };
            match polled {
                Polled::Item {
                    item: Item::Job(job),
                } => process(job),
                Polled::Item { .. } | Polled::Empty { .. } => return Ok(()),
            }
        },
        Protocol::Sentinel | Protocol::ForeignSentinel => loop {
            match queue.get(lane)? {
                Item::Job(job) => process(job),
                Item::Sentinel | Item::Close => return Ok(()),
            }
        },
        Protocol::EmptyCheck => {
            while !queue.empty(lane) {
                match queue.get(lane)? {
                    Item::Job(job) => process(job),
                    Item::Sentinel | Item::Close => return Ok(()),
                }
            }
            Ok(())
        }
        Protocol::Joinable => loop {
            if let Item::Job(job) = queue.get(lane)? {
                process(job);
            }
            queue.task_done(lane);
        },
        Protocol::ChannelDisconnect | Protocol::ChannelTryRecv => {
            unreachable!("{protocol} runs over a channel: see `run_channel`")
        }
    }
}

/// The channel protocols' execution: [`channel_main`] on a `bounded(C)` channel.
fn run_channel<B: Backend>(scenario: &Scenario, record_states: bool) -> Outcome {
    let observed = observed(scenario.protocol);
    let channel = Channel::<B>::new(scenario.pipe_capacity, observed, record_states);
    let main = channel.world(|w| w.add_lane(Role::Producer(0), "producer".into(), false));
    let result = channel_main(&channel, main, scenario);
    Outcome::new(channel.exit_main(main, result), *scenario)
}

/// The Rust idiom's `main()`, the seed's experiment with a channel:
///
/// ```text
/// let (tx, rx) = crossbeam_channel::bounded(C);
/// let workers: Vec<_> = (0..W).map(|_| { let rx = rx.clone(); spawn(move || work(rx)) }).collect();
/// for job in 0..J { tx.send(job).unwrap(); }
/// drop(tx);
/// for w in workers { w.join().unwrap(); }
/// ```
///
/// The workers start *before* the first send, so they run while the producer is still
/// sending: that is how the idiom is written (workers must be running for a bounded channel
/// to drain), and it is the order in which `try_recv`'s `Empty` can race the sends. `main`
/// keeps its own `rx` to the end, so no send meets a channel without receivers.
fn channel_main<B: Backend>(
    channel: &Arc<Channel<B>>,
    main: LaneId,
    scenario: &Scenario,
) -> Step<()> {
    let protocol = scenario.protocol;
    let workers: Vec<LaneId> = (0..scenario.workers)
        .map(|index| {
            channel.spawn(
                Some(main),
                Role::Worker(index),
                format!("worker-{index}"),
                false,
                move |c, me| drain(c, me, protocol),
            )
        })
        .collect();
    for job in 0..scenario.jobs as u32 {
        channel.send(main, Item::Job(job))?;
    }
    channel.drop_sender(main);
    for lane in workers {
        channel.join(main, lane)?;
    }
    Ok(())
}

/// One channel worker's loop, per protocol.
fn drain<B: Backend>(channel: &Channel<B>, lane: LaneId, protocol: Protocol) -> Step<()> {
    let process = |item| {
        if let Item::Job(job) = item {
            channel.world(|w| {
                w.processed.push((job, lane));
                w.record(lane, Op::Process { job });
            })
        }
    };
    match protocol {
        // `for job in rx.iter() { process(job) }`
        Protocol::ChannelDisconnect => loop {
            match channel.recv(lane)? {
                Ok(item) => process(item),
                Err(RecvError) => return Ok(()),
            }
        },
        // `while let Ok(job) = rx.try_recv() { process(job) }`
        Protocol::ChannelTryRecv => {
            while let Ok(item) = channel.try_recv(lane) {
                process(item);
            }
            Ok(())
        }
        _ => unreachable!("{protocol} runs over multiprocessing.Queue"),
    }
}
