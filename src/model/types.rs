//! The small types every part of the model shares: what travels through a queue or channel,
//! who the threads are, and what a thread can wait for. They are data, named in traces and in
//! the JSON output (`docs/json.md`), so their serde names are part of the contract.

use serde::Serialize;

/// A job's number, `0..jobs`.
pub type JobId = u32;

/// Index of a thread of the model (a *lane* of the trace), in the order the threads were
/// created: the producer is lane 0.
pub type LaneId = usize;

/// What travels through the queue or channel.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case", tag = "kind", content = "job")]
pub enum Item {
    /// Job number `n`.
    Job(JobId),
    /// The protocol's end-of-work marker (the seed's `None`).
    Sentinel,
    /// CPython's private `_sentinel` that `_finalize_close` appends to stop the feeder
    /// (queues.py 204-209). It never reaches the pipe.
    Close,
}

/// What a blocked thread waits for. Each is a predicate over the world's state.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case", tag = "for", content = "of")]
pub enum Wait {
    /// A feeder waits for its producer's buffer to be non-empty (queues.py 228-231).
    BufferItem(usize),
    /// A feeder waits in `send_bytes` for room in the pipe.
    PipeRoom,
    /// A reader waits in `recv_bytes` for data (queues.py 102-103).
    PipeData,
    /// A timed reader waits for the reader lock (queues.py 108); only `get(timeout=t)`'s gap
    /// waits for it (see `crate::model::queue`).
    ReaderLock,
    /// A thread waits in `join()` for another to exit.
    Exit(LaneId),
    /// `JoinableQueue.join()` waits for every task to be done (queues.py 328-331).
    TasksDone,
    /// A channel's `recv()` waits for a message or for the last sender to go.
    ChannelReady,
    /// A bounded channel's `send()` waits for room.
    ChannelRoom,
}

/// The role of a thread, which fixes its name in traces.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case", tag = "role", content = "index")]
pub(crate) enum Role {
    /// Producer `p`; producer 0 is the harness's main thread (the seed's `main()`).
    Producer(usize),
    /// The feeder thread of producer `p` (queues.py 161-185).
    Feeder(usize),
    /// Worker `i`.
    Worker(usize),
}

/// What a protocol observes without taking, which decides how much of a structure's traffic
/// must be visible to the checker as conflicting (the gate rule of docs/model.md, section
/// 3.6).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Observed {
    /// Readers only block (`get()`, `recv()`); the structure is polled only once every read
    /// is over.
    Nothing,
    /// `empty()` or `try_recv()` polls while readers may block.
    Pipe,
    /// `get_nowait()` or `get(timeout=t)` observe the reader lock and the pipe; no reader
    /// blocks in `get()`, so the reader lock is world data under the gate, never waited on.
    PipeAndReaderLock,
}
