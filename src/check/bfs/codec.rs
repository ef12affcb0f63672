//! States packed into a few bytes each: the form the search stores and hashes.
//!
//! Every counter of a scenario the search accepts fits in a byte (see
//! [`super::validate`]): positions in a put sequence are at most `J + K + 1 <= 255`, worker
//! counts at most 64. Fields a protocol never changes are not stored.

use crate::step::{Concrete, JobCounts, Local, PipeOrder, Relation, State};

/// How one scenario's states are laid out in bytes.
pub struct Codec {
    two_producers: bool,
    locals: &'static [Local],
    job_bytes: usize,
    stride: usize,
}

impl Codec {
    pub fn new(relation: &Relation<Concrete>) -> Codec {
        let two_producers = relation.shape.two_producers();
        let locals = relation.shape.locals();
        let job_bytes = (relation.sizes.jobs as usize).div_ceil(8);
        let stride = 9 + if two_producers { 13 } else { 0 } + locals.len() + 3 * job_bytes;
        Codec {
            two_producers,
            locals,
            job_bytes,
            stride,
        }
    }

    /// Bytes per state.
    pub fn stride(&self) -> usize {
        self.stride
    }

    pub fn pack(&self, s: &State<Concrete, JobCounts>, out: &mut Vec<u8>) {
        let byte = |n: i32| u8::try_from(n).expect("a counter that fits in a byte");
        out.extend([
            byte(s.put[0]),
            byte(s.taken[0]),
            byte(s.read[0]),
            byte(s.stage),
            byte(s.spawned),
            byte(s.joined),
            byte(s.seed),
            byte(s.tasks),
            u8::from(s.disconnected) | (u8::from(s.spurious) << 1),
        ]);
        if self.two_producers {
            out.extend([
                byte(s.put[1]),
                byte(s.taken[1]),
                byte(s.read[1]),
                byte(s.second),
                s.order.len,
            ]);
            out.extend(s.order.bits.to_le_bytes());
        }
        out.extend(self.locals.iter().map(|l| byte(s.workers[l.index()])));
        for set in [s.jobs.once, s.jobs.twice, s.jobs.early] {
            out.extend(&set.to_le_bytes()[..self.job_bytes]);
        }
    }

    pub fn unpack(&self, bytes: &[u8], jobs: usize) -> State<Concrete, JobCounts> {
        debug_assert_eq!(bytes.len(), self.stride);
        let n = |i: usize| i32::from(bytes[i]);
        let mut s = State {
            put: [n(0), 0],
            taken: [n(1), 0],
            read: [n(2), 0],
            order: PipeOrder::default(),
            stage: n(3),
            spawned: n(4),
            joined: n(5),
            seed: n(6),
            second: 0,
            tasks: n(7),
            disconnected: bytes[8] & 1 != 0,
            spurious: bytes[8] & 2 != 0,
            workers: [0; Local::COUNT],
            jobs: JobCounts::new(jobs),
        };
        let mut at = 9;
        if self.two_producers {
            s.put[1] = n(9);
            s.taken[1] = n(10);
            s.read[1] = n(11);
            s.second = n(12);
            s.order = PipeOrder {
                len: bytes[13],
                bits: u64::from_le_bytes(bytes[14..22].try_into().expect("8 bytes")),
            };
            at = 22;
        }
        for local in self.locals {
            s.workers[local.index()] = n(at);
            at += 1;
        }
        let mut set = || {
            let mut full = [0u8; 16];
            full[..self.job_bytes].copy_from_slice(&bytes[at..at + self.job_bytes]);
            at += self.job_bytes;
            u128::from_le_bytes(full)
        };
        s.jobs.once = set();
        s.jobs.twice = set();
        s.jobs.early = set();
        s
    }
}
