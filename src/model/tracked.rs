//! The regions of shared data the model's threads touch, each access declaring how it touches
//! it, so that the race check (`crate::model::race`) sees every access: a [`Fifo`] (a
//! producer's buffer, the pipe, a channel), a [`Log`] (the jobs processed) and a [`Value`] (the
//! reader lock's holder, a task count, a channel's senders).
//!
//! Reads made for bookkeeping (the hang detector, the trace's state column, the final outcome)
//! use [`Fifo::untracked`] and its kin: they observe the world for the checker, not for a
//! thread of the model, and change nothing a thread sees (docs/model.md, section 3.12).
//! Equality and hashing look at the data only.

use super::race::{self, History, Kind, Step, Touch};
use super::types::LaneId;
use std::collections::VecDeque;
use std::hash::{Hash, Hasher};

/// Who appended an item, and when (the appender's epoch).
type Stamp = Option<(LaneId, u32, Step)>;

/// A FIFO of items: appended at the tail, taken at the head.
#[derive(Clone, Debug)]
pub(crate) struct Fifo<T> {
    name: &'static str,
    items: VecDeque<(T, Stamp)>,
    history: History,
}

impl<T: Copy> Fifo<T> {
    pub fn new(name: &'static str) -> Self {
        Fifo {
            name,
            items: VecDeque::new(),
            history: History::default(),
        }
    }

    fn touch(&mut self, touch: Touch) {
        self.history.access(self.name, Kind::Fifo, touch);
    }

    /// Appends `item` at the tail.
    pub fn append(&mut self, item: T) {
        self.touch(Touch::Append);
        self.items.push_back((item, race::current()));
    }

    /// Whether the FIFO is empty (an observation: it conflicts with appends and takes).
    pub fn is_empty(&mut self) -> bool {
        self.touch(Touch::Observe);
        self.items.is_empty()
    }

    /// How many items it holds (an observation).
    pub fn len(&mut self) -> usize {
        self.touch(Touch::Observe);
        self.items.len()
    }

    /// The head, without taking it. Like [`Fifo::take_head`], it commutes with appends only if
    /// the head was appended before this access.
    pub fn head(&mut self) -> Option<T> {
        let &(item, stamp) = self.found_head()?;
        self.check_known(stamp);
        Some(item)
    }

    /// Takes the head. Taking the head of a non-empty FIFO commutes with appending at its
    /// tail, provided the head is not the item being appended: that is, provided the head's
    /// append happens before the take. Checked here, on the item taken. Finding the FIFO
    /// empty is an observation, which does not commute with an append.
    pub fn take_head(&mut self) -> Option<T> {
        self.found_head()?;
        let (item, stamp) = self.items.pop_front().expect("just found");
        self.check_known(stamp);
        Some(item)
    }

    /// The head, touched as a take; `None`, observed as such, if the FIFO is empty.
    fn found_head(&mut self) -> Option<&(T, Stamp)> {
        let touch = if self.items.is_empty() {
            Touch::Observe
        } else {
            Touch::TakeHead
        };
        self.touch(touch);
        self.items.front()
    }

    /// Takes the tail: last in, first out. No model step does; only the seeded fault of a LIFO
    /// pipe (`crate::model::fault`), which must not commute with appends.
    pub fn take_tail(&mut self) -> Option<T> {
        self.touch(Touch::TakeTail);
        self.items.pop_back().map(|(item, _)| item)
    }

    fn check_known(&self, stamp: Stamp) {
        if let Some((lane, epoch, step)) = stamp
            && !race::known(lane, epoch)
        {
            race::report(self.name, (lane, Touch::Append, step), Touch::TakeHead);
        }
    }

    /// The items, for bookkeeping (the hang detector, the trace, the outcome): not checked.
    pub fn untracked(&self) -> impl DoubleEndedIterator<Item = &T> + ExactSizeIterator {
        self.items.iter().map(|(item, _)| item)
    }
}

impl<T: PartialEq> PartialEq for Fifo<T> {
    fn eq(&self, other: &Self) -> bool {
        self.items.len() == other.items.len()
            && self
                .items
                .iter()
                .zip(&other.items)
                .all(|((a, _), (b, _))| a == b)
    }
}

impl<T: Eq> Eq for Fifo<T> {}

impl<T: Hash> Hash for Fifo<T> {
    fn hash<H: Hasher>(&self, state: &mut H) {
        self.items.len().hash(state);
        for (item, _) in &self.items {
            item.hash(state);
        }
    }
}

/// A log appended to by many threads, whose order across threads nobody reads (only each
/// thread's own order, and the whole of it at a point some thread observes).
#[derive(Clone, Debug)]
pub(crate) struct Log<T> {
    name: &'static str,
    entries: Vec<T>,
    history: History,
}

impl<T: Clone> Log<T> {
    pub fn new(name: &'static str) -> Self {
        Log {
            name,
            entries: Vec::new(),
            history: History::default(),
        }
    }

    /// Appends `entry`.
    pub fn append(&mut self, entry: T) {
        self.history.access(self.name, Kind::Log, Touch::Append);
        self.entries.push(entry);
    }

    /// The whole log, as a thread observes it (it conflicts with appends).
    pub fn observe(&mut self) -> &[T] {
        self.history.access(self.name, Kind::Log, Touch::Observe);
        &self.entries
    }

    /// The entries, at the end of an execution.
    pub fn into_entries(self) -> Vec<T> {
        self.entries
    }
}

impl<T: Hash> Hash for Log<T> {
    fn hash<H: Hasher>(&self, state: &mut H) {
        self.entries.hash(state);
    }
}

/// One value.
#[derive(Clone, Debug)]
pub(crate) struct Value<T> {
    name: &'static str,
    value: T,
    history: History,
}

impl<T: Copy> Value<T> {
    pub fn new(name: &'static str, value: T) -> Self {
        Value {
            name,
            value,
            history: History::default(),
        }
    }

    /// Reads it.
    pub fn get(&mut self) -> T {
        self.history.access(self.name, Kind::Value, Touch::Observe);
        self.value
    }

    /// Writes it.
    pub fn set(&mut self, value: T) {
        self.history.access(self.name, Kind::Value, Touch::Update);
        self.value = value;
    }

    /// The value, for bookkeeping: not checked.
    pub fn untracked(&self) -> T {
        self.value
    }
}

impl<T: PartialEq> PartialEq for Value<T> {
    fn eq(&self, other: &Self) -> bool {
        self.value == other.value
    }
}

impl<T: Eq> Eq for Value<T> {}

impl<T: Hash> Hash for Value<T> {
    fn hash<H: Hasher>(&self, state: &mut H) {
        self.value.hash(state);
    }
}

/// The race rule of docs/model.md, section 3.12, part by part, on the regions.
#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::race::{Clock, Race, Step, enter, leave};
    use crate::model::types::{Token, Wait};

    /// Runs `f` as one world access by `lane` knowing `clock`, in step `step`; returns the
    /// race it made.
    fn access(lane: LaneId, clock: &Clock, step: Step, f: impl FnOnce()) -> Option<Race> {
        enter(lane, clock.clone(), step);
        f();
        leave()
    }

    fn clock(epochs: &[u32]) -> Clock {
        let mut clock = Clock::default();
        for (lane, &epoch) in epochs.iter().enumerate() {
            for _ in 0..epoch {
                clock.tick(lane);
            }
        }
        clock
    }

    #[test]
    fn unordered_accesses_to_a_value_race_and_ordered_ones_do_not() {
        let mut value = Value::new("flag", false);
        let writer = clock(&[1, 0]);
        assert_eq!(access(0, &writer, Step::Start, || value.set(true)), None);
        // Lane 1 has not synchronised with lane 0's epoch 1: a race.
        let race = access(1, &clock(&[0, 1]), Step::Start, || {
            value.get();
        })
        .expect("a race");
        assert_eq!((race.region, race.first.0, race.second.0), ("flag", 0, 1));
        // Knowing lane 0's epoch 1 (it took a permit lane 0 returned): no race.
        assert_eq!(
            access(1, &clock(&[1, 1]), Step::Acquire(Wait::PipeData), || {
                value.get();
            }),
            None
        );
    }

    #[test]
    fn steps_loom_orders_itself_do_not_race() {
        let mut value = Value::new("holder", None::<LaneId>);
        let locked = Step::Lock(Token::Gate);
        assert_eq!(access(0, &clock(&[1]), locked, || value.set(Some(0))), None);
        assert_eq!(
            access(1, &clock(&[0, 1]), locked, || value.set(Some(1))),
            None
        );
        let taken = Step::Acquire(Wait::PipeData);
        assert_eq!(
            access(2, &clock(&[0, 0, 1]), taken, || value.set(None)).map(|r| r.region),
            Some("holder")
        );
    }

    #[test]
    fn appends_commute_with_takes_of_known_items_only() {
        let mut pipe = Fifo::new("pipe");
        assert_eq!(
            access(0, &clock(&[1]), Step::Start, || pipe.append(7)),
            None
        );
        assert_eq!(
            access(0, &clock(&[2]), Step::Start, || pipe.append(8)),
            None
        );
        // Lane 1 knows lane 0's first append, not its second: taking the head (7) commutes with
        // the second append; polling the length does not.
        let reader = clock(&[1, 1]);
        assert_eq!(
            access(1, &reader, Step::Start, || assert_eq!(
                pipe.take_head(),
                Some(7)
            )),
            None
        );
        assert!(
            access(1, &reader, Step::Start, || {
                pipe.len();
            })
            .is_some()
        );
        // Taking the next head (8), whose append lane 1 does not know, is a race.
        let race = access(1, &reader, Step::Start, || {
            assert_eq!(pipe.take_head(), Some(8))
        });
        assert_eq!(race.map(|r| r.second.1), Some(Touch::TakeHead));
    }

    #[test]
    fn appends_to_a_log_commute_and_observing_it_does_not() {
        let mut log = Log::new("processed jobs");
        assert_eq!(
            access(1, &clock(&[0, 1]), Step::Start, || log.append(1)),
            None
        );
        assert_eq!(
            access(2, &clock(&[0, 0, 1]), Step::Start, || log.append(2)),
            None
        );
        let race = access(0, &clock(&[1, 1]), Step::Start, || {
            log.observe();
        });
        assert_eq!(
            race.map(|r| (r.first.0, r.second.1)),
            Some((2, Touch::Observe))
        );
    }
}
