//! The ranking function of the termination proofs (docs/sentinel-proof.md, S7): a sum of the
//! work left, which every step decreases and the invariant bounds below, so no execution is
//! infinite. Written once over [`Domain`], like the invariant.

use crate::step::invariant::Tracked;
use crate::step::state::main;
use crate::step::{Domain, Local, Relation};

/// What a worker in `local` still weighs, besides the items left to read. A step that reads
/// an item frees [`READ`]; the weights make every other worker step lighter too: `empty()`
/// said False (`Check` 4 to `Get` 3), a read keeps the reader lock (`Poll` 3 to `Locked` 4,
/// paid by the read), releasing it (`Locked` 4 to `Poll` 3), a timed wait (`Poll` 3 to
/// `LockWaited` 2 to `AwaitData` 1), `task_done()` (`TaskDone` 4 to `Get` 3), leaving (to
/// `Exited` 0).
pub fn weight(local: Local) -> u32 {
    match local {
        Local::Exited => 0,
        Local::AwaitData => 1,
        Local::LockWaited => 2,
        Local::Get | Local::Poll | Local::Recv | Local::TryRecv => 3,
        Local::Check | Local::Locked | Local::TaskDone => 4,
    }
}

/// What reading one item is worth: more than any worker's weight goes up in the same step.
pub const READ: u32 = 4;

/// What a worker not yet started weighs: more than at its loop head.
pub const UNSTARTED: u32 = 5;

/// `n * a`, by repeated addition (the domain has no multiplication: linear arithmetic).
fn times<D: Domain>(d: &D, n: u32, a: &D::Num) -> D::Num {
    (0..n).fold(d.num(0), |sum, _| d.add(&sum, a))
}

/// The work left in `s`: items to put, take and read, workers to start and join, the
/// producer's stages, a sender to drop, and what each worker still weighs.
pub fn rank<D: Domain>(d: &D, r: &Relation<D>, s: &Tracked<D>) -> D::Num {
    let items = r.items(d, 0);
    let last = d.inc(&items);
    let w = &r.sizes.workers;
    let mut terms = vec![
        d.sub(&last, &s.put[0]),
        d.sub(&last, &s.taken[0]),
        times(d, READ, &d.sub(&items, &s.read[0])),
        times(d, UNSTARTED, &d.sub(w, &s.spawned)),
        d.sub(&d.num(main::EXITED), &s.stage),
    ];
    if !r.shape.daemon_workers() {
        terms.push(d.sub(w, &s.joined));
    }
    if r.shape.channel() {
        terms.push(d.ite(&s.disconnected, &d.num(0), &d.num(1)));
    }
    for &local in r.shape.locals() {
        terms.push(times(d, weight(local), s.count(local)));
    }
    terms.iter().fold(d.num(0), |sum, term| d.add(&sum, term))
}
