//! Differential tests: the model's channel and pipe against `crossbeam_channel` itself.
//!
//! - The channel: random single-threaded sequences of `send`, `try_send`, `recv`,
//!   `try_recv`, `Sender::clone` and `drop(Sender)` on `bounded(C)` and `unbounded()`, run
//!   step by step on the model ([`Channel`] on real threads, one thread) and on crossbeam;
//!   every result and the length after every step must agree. A blocking call that would
//!   block forever (`send` on a full channel, `recv` on an empty connected one) is where the
//!   model's hang detector fires (the only thread is blocked) and where crossbeam's
//!   `send_timeout`/`recv_timeout` time out; the sequence ends there.
//! - The pipe: the model's pipe is a FIFO of `C` items that the feeder writes while
//!   [`Wait::PipeRoom`] holds and readers read while [`Wait::PipeData`] holds. Random writes and
//!   reads on the model's world are compared with `try_send`/`try_recv` on `bounded(C)`.
//! - The queue end to end: `put` and blocking `get` on the model's `multiprocessing.Queue` (real
//!   feeder thread, pipe of `C` items) deliver in FIFO order, as an `unbounded()` channel does.

use crossbeam_channel::{
    RecvTimeoutError, SendTimeoutError, Sender, TryRecvError as CbTryRecv,
    TrySendError as CbTrySend,
};
use drainproof::model::{
    Channel, Host, Interrupted, Item, Observed, Queue, RecvError, Role, TryRecvError, TrySendError,
    Wait, World,
};
use drainproof::sync::StdThreads;
use proptest::prelude::*;
use std::collections::VecDeque;
use std::time::Duration;

/// Long enough that a crossbeam call that could complete does; short enough for many cases.
const BLOCKED: Duration = Duration::from_millis(1);

#[derive(Clone, Copy, Debug)]
enum Action {
    Send,
    TrySend,
    Recv,
    TryRecv,
    CloneSender,
    DropSender,
}

fn action() -> impl Strategy<Value = Action> {
    prop_oneof![
        4 => Just(Action::Send),
        3 => Just(Action::TrySend),
        2 => Just(Action::Recv),
        4 => Just(Action::TryRecv),
        1 => Just(Action::CloneSender),
        1 => Just(Action::DropSender),
    ]
}

/// `None`: `unbounded()`.
fn capacity() -> impl Strategy<Value = Option<usize>> {
    prop_oneof![Just(None), (1usize..=4).prop_map(Some)]
}

/// A result in a form both sides produce.
#[derive(Debug, PartialEq, Eq)]
enum Seen {
    Sent,
    Full,
    Got(u32),
    Empty,
    Disconnected,
    /// The call would block forever.
    Blocks,
    /// The action needs a sender and none is left: skipped on both sides.
    Skipped,
}

fn job(item: Item) -> u32 {
    match item {
        Item::Job(job) => job,
        other => panic!("only jobs are sent, got {other:?}"),
    }
}

/// Runs `actions` on both channels; returns the results side by side (model, crossbeam) and
/// the lengths after each step.
fn run_both(
    capacity: Option<usize>,
    actions: &[Action],
) -> Vec<(Action, Seen, Seen, usize, usize)> {
    // `unbounded()`: a capacity no sequence here fills.
    let model = Channel::<StdThreads>::new(capacity.unwrap_or(1 << 20), Observed::Pipe, false);
    let main = model.world(|w| w.add_lane(Role::Producer(0), "main".into(), false));
    let (tx, rx) = match capacity {
        Some(c) => crossbeam_channel::bounded(c),
        None => crossbeam_channel::unbounded(),
    };
    let mut senders: Vec<Sender<u32>> = vec![tx];
    let mut next = 0u32;
    let mut steps = Vec::new();
    let mut hung = false;
    for &action in actions {
        let needs_sender = matches!(
            action,
            Action::Send | Action::TrySend | Action::CloneSender | Action::DropSender
        );
        let (ours, theirs) = if needs_sender && senders.is_empty() {
            (Seen::Skipped, Seen::Skipped)
        } else {
            match action {
                Action::Send => {
                    next += 1;
                    let ours = match model.send(main, Item::Job(next)) {
                        Ok(()) => Seen::Sent,
                        Err(Interrupted::Hang) => Seen::Blocks,
                        Err(other) => panic!("{other:?}"),
                    };
                    let theirs = match senders[0].send_timeout(next, BLOCKED) {
                        Ok(()) => Seen::Sent,
                        Err(SendTimeoutError::Timeout(_)) => Seen::Blocks,
                        Err(SendTimeoutError::Disconnected(_)) => panic!("a receiver is alive"),
                    };
                    (ours, theirs)
                }
                Action::TrySend => {
                    next += 1;
                    let ours = match model.try_send(main, Item::Job(next)) {
                        Ok(()) => Seen::Sent,
                        Err(TrySendError::Full) => Seen::Full,
                    };
                    let theirs = match senders[0].try_send(next) {
                        Ok(()) => Seen::Sent,
                        Err(CbTrySend::Full(_)) => Seen::Full,
                        Err(CbTrySend::Disconnected(_)) => panic!("a receiver is alive"),
                    };
                    (ours, theirs)
                }
                Action::Recv => {
                    let ours = match model.recv(main) {
                        Ok(Ok(item)) => Seen::Got(job(item)),
                        Ok(Err(RecvError)) => Seen::Disconnected,
                        Err(Interrupted::Hang) => Seen::Blocks,
                        Err(other) => panic!("{other:?}"),
                    };
                    let theirs = match rx.recv_timeout(BLOCKED) {
                        Ok(job) => Seen::Got(job),
                        Err(RecvTimeoutError::Disconnected) => Seen::Disconnected,
                        Err(RecvTimeoutError::Timeout) => Seen::Blocks,
                    };
                    (ours, theirs)
                }
                Action::TryRecv => {
                    let ours = match model.try_recv(main) {
                        Ok(item) => Seen::Got(job(item)),
                        Err(TryRecvError::Empty) => Seen::Empty,
                        Err(TryRecvError::Disconnected) => Seen::Disconnected,
                    };
                    let theirs = match rx.try_recv() {
                        Ok(job) => Seen::Got(job),
                        Err(CbTryRecv::Empty) => Seen::Empty,
                        Err(CbTryRecv::Disconnected) => Seen::Disconnected,
                    };
                    (ours, theirs)
                }
                Action::CloneSender => {
                    model.clone_sender(main);
                    senders.push(senders[0].clone());
                    (Seen::Sent, Seen::Sent)
                }
                Action::DropSender => {
                    model.drop_sender(main);
                    senders.pop();
                    (Seen::Sent, Seen::Sent)
                }
            }
        };
        hung = ours == Seen::Blocks;
        let ours_len = model.world(|w| w.channel().items.len());
        steps.push((action, ours, theirs, ours_len, rx.len()));
        if hung {
            break;
        }
    }
    let result = if hung { Err(Interrupted::Hang) } else { Ok(()) };
    let world = model.exit_main(main, result);
    assert_eq!(world.hang.is_some(), hung);
    steps
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(300))]

    #[test]
    fn the_model_channel_answers_every_operation_as_crossbeam_does(
        capacity in capacity(),
        actions in prop::collection::vec(action(), 0..40),
    ) {
        for (index, (action, ours, theirs, ours_len, theirs_len)) in
            run_both(capacity, &actions).into_iter().enumerate()
        {
            prop_assert_eq!(
                &ours, &theirs,
                "step {} ({:?}) on {:?}: {:?}", index, action, capacity, actions
            );
            prop_assert_eq!(ours_len, theirs_len, "length after step {}", index);
        }
    }

    #[test]
    fn the_model_pipe_is_a_bounded_fifo_like_crossbeam_bounded(
        capacity in 1usize..=4,
        writes in prop::collection::vec(any::<bool>(), 0..60),
    ) {
        // `true`: the feeder tries to write the next item; `false`: a reader tries to read.
        let mut world = World::new(1, capacity, false);
        let (tx, rx) = crossbeam_channel::bounded(capacity);
        let mut next = 0u32;
        for write in writes {
            if write {
                next += 1;
                let room = world.holds(Wait::PipeRoom);
                if room {
                    world.pipe.push_back(Item::Job(next));
                }
                prop_assert_eq!(room, tx.try_send(next).is_ok(), "write of {}", next);
            } else {
                let ours = world
                    .holds(Wait::PipeData)
                    .then(|| world.pipe.pop_front())
                    .flatten()
                    .map(job);
                prop_assert_eq!(ours, rx.try_recv().ok());
            }
            prop_assert_eq!(world.pipe.len(), rx.len());
        }
    }

    #[test]
    fn the_model_queue_delivers_puts_in_order_like_an_unbounded_channel(
        pipe_capacity in 1usize..=3,
        puts in prop::collection::vec(any::<bool>(), 0..12),
    ) {
        // `true`: put the next job; `false`: a blocking get(). A get with nothing put blocks
        // forever: the model declares the hang, crossbeam times out; the sequence ends there.
        let queue = Queue::<StdThreads>::new(1, pipe_capacity, Observed::Nothing, false);
        let main = queue.world(|w| w.add_lane(Role::Producer(0), "producer".into(), false));
        let (tx, rx) = crossbeam_channel::unbounded();
        let mut expected: VecDeque<u32> = VecDeque::new();
        let mut next = 0u32;
        let mut result = Ok(());
        for put in puts {
            if put {
                next += 1;
                queue.put(main, 0, Item::Job(next));
                tx.send(next).unwrap();
                expected.push_back(next);
            } else {
                let theirs = rx.recv_timeout(BLOCKED).ok();
                prop_assert_eq!(theirs, expected.pop_front());
                match queue.get(main) {
                    Ok(item) => prop_assert_eq!(Some(job(item)), theirs),
                    Err(why) => {
                        prop_assert_eq!(theirs, None, "the model blocks only with nothing put");
                        result = Err(why);
                        break;
                    }
                }
            }
        }
        if result.is_ok() {
            // Drain what is left, in order, and exit as the producer does (flushing the feeder).
            while let Some(theirs) = expected.pop_front() {
                prop_assert_eq!(queue.get(main).map(job), Ok(theirs));
            }
            result = queue.exit_producer(main, 0);
            prop_assert_eq!(result, Ok(()));
        }
        let world = queue.exit_main(main, result);
        prop_assert_eq!(world.hang.is_some(), result.is_err());
    }
}
