//! The visited set: every state found, stored once, exactly.
//!
//! States live packed, one after another, in one byte arena (`stride` bytes each, numbered in
//! the order they were found). The set is an open-addressing table of those numbers, probed
//! linearly; two states are the same only if their bytes are equal, so there are no
//! collisions to rule out: a hash only picks where to start looking.

/// The arena of states and the table that finds them.
pub struct Visited {
    stride: usize,
    arena: Vec<u8>,
    /// State numbers; `EMPTY` marks a free slot. Its length is a power of two, at least twice
    /// the number of states.
    slots: Vec<u32>,
}

const EMPTY: u32 = u32::MAX;

/// The most states the table can number.
pub const MAX_STATES: usize = (u32::MAX - 1) as usize;

impl Visited {
    pub fn new(stride: usize) -> Visited {
        Visited {
            stride,
            arena: Vec::new(),
            slots: vec![EMPTY; 1 << 10],
        }
    }

    pub fn len(&self) -> usize {
        self.arena.len() / self.stride
    }

    /// The packed state numbered `index`.
    pub fn get(&self, index: u32) -> &[u8] {
        let at = index as usize * self.stride;
        &self.arena[at..at + self.stride]
    }

    /// Bytes held.
    pub fn bytes(&self) -> usize {
        self.arena.capacity() + self.slots.capacity() * std::mem::size_of::<u32>()
    }

    /// The number of `state`, inserting it if it is new: `(number, inserted)`.
    pub fn insert(&mut self, state: &[u8]) -> (u32, bool) {
        debug_assert_eq!(state.len(), self.stride);
        if 2 * (self.len() + 1) > self.slots.len() {
            self.grow();
        }
        let mask = self.slots.len() - 1;
        let mut slot = hash(state) as usize & mask;
        loop {
            match self.slots[slot] {
                EMPTY => {
                    let index = self.len() as u32;
                    assert!((index as usize) < MAX_STATES, "too many states to number");
                    self.slots[slot] = index;
                    self.arena.extend_from_slice(state);
                    return (index, true);
                }
                index if self.get(index) == state => return (index, false),
                _ => slot = (slot + 1) & mask,
            }
        }
    }

    /// The number of `state`, if it was found.
    pub fn find(&self, state: &[u8]) -> Option<u32> {
        let mask = self.slots.len() - 1;
        let mut slot = hash(state) as usize & mask;
        loop {
            match self.slots[slot] {
                EMPTY => return None,
                index if self.get(index) == state => return Some(index),
                _ => slot = (slot + 1) & mask,
            }
        }
    }

    fn grow(&mut self) {
        let size = self.slots.len() * 2;
        let mask = size - 1;
        let mut slots = vec![EMPTY; size];
        for index in 0..self.len() as u32 {
            let mut slot = hash(self.get(index)) as usize & mask;
            while slots[slot] != EMPTY {
                slot = (slot + 1) & mask;
            }
            slots[slot] = index;
        }
        self.slots = slots;
    }
}

/// A fast hash of a few dozen bytes (FxHash's multiply-rotate over 8-byte words, then a final
/// mix so that the low bits, which pick the slot, depend on every byte).
fn hash(bytes: &[u8]) -> u64 {
    const K: u64 = 0x517c_c1b7_2722_0a95;
    let mut h: u64 = bytes.len() as u64;
    let mut chunks = bytes.chunks_exact(8);
    for chunk in &mut chunks {
        let word = u64::from_le_bytes(chunk.try_into().expect("8 bytes"));
        h = (h.rotate_left(5) ^ word).wrapping_mul(K);
    }
    let mut tail = [0u8; 8];
    tail[..chunks.remainder().len()].copy_from_slice(chunks.remainder());
    h = (h.rotate_left(5) ^ u64::from_le_bytes(tail)).wrapping_mul(K);
    h ^= h >> 33;
    h = h.wrapping_mul(0xff51_afd7_ed55_8ccd);
    h ^ (h >> 33)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_what_it_stored_and_nothing_else() {
        let mut visited = Visited::new(3);
        for i in 0..5000u32 {
            let state = [(i % 256) as u8, (i / 256) as u8, 7];
            assert_eq!(visited.insert(&state), (i, true));
        }
        for i in 0..5000u32 {
            let state = [(i % 256) as u8, (i / 256) as u8, 7];
            assert_eq!(visited.insert(&state), (i, false));
            assert_eq!(visited.find(&state), Some(i));
            assert_eq!(visited.get(i), &state);
        }
        assert_eq!(visited.find(&[0, 0, 8]), None);
        assert_eq!(visited.len(), 5000);
    }
}
