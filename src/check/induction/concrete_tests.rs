//! The invariants and the ranking function on plain integers, on every state bfs reaches:
//! the text the solver proves inductive must hold on every reachable state of the relation,
//! and the ranking function must go down on every step taken from one. No solver needed.

use super::ranking::rank;
use crate::check::bfs::{ScenarioSpace, search};
use crate::scenario::{Protocol, Scenario, SentinelRange, Target};
use crate::step::invariant::{self, track};
use crate::step::{Concrete, JobCounts, Relation, State};

/// Every state of `scenario`'s relation that bfs reaches.
fn reachable(scenario: &Scenario) -> Vec<State<Concrete, JobCounts>> {
    let space = ScenarioSpace::new(scenario, &[]);
    let explored = search::explore(&space, search::Limits::default(), |_| ());
    assert!(matches!(explored.end, search::End::Exhausted), "{scenario}");
    (0..explored.visited.len() as u32)
        .map(|i| space.unpack(explored.visited.get(i)))
        .collect()
}

/// The scenarios of `target` with `W <= 6`, `J <= 6`, `C <= 4` (and `K <= W + 4`).
fn instances(target: &Target) -> Vec<Scenario> {
    let mut all = Vec::new();
    for w in 1..=6 {
        for j in 0..=6 {
            for c in 1..=4 {
                for k in 0..=w + 4 {
                    let mut s = Scenario::new(target.protocol, w, j, c);
                    s.prefilled = target.prefilled;
                    if target.protocol == Protocol::Sentinel {
                        s.sentinels = Some(k);
                    } else if k > 0 {
                        continue;
                    }
                    if s.validate().is_ok()
                        && invariant::inductive_target(&Relation::of(&s)) == Some(*target)
                    {
                        all.push(s);
                    }
                }
            }
        }
    }
    all
}

/// The targets whose invariant is inductive: those of the proofs, `K < W` (where only
/// termination fails), and the prefilled ones trace validation meets besides.
fn proved() -> Vec<Target> {
    let all = vec![
        Target::new(Protocol::Sentinel),
        Target::new(Protocol::Sentinel).with_sentinels(SentinelRange::More),
        Target::new(Protocol::Sentinel).with_sentinels(SentinelRange::MoreWithinCapacity),
        Target::new(Protocol::Sentinel).with_sentinels(SentinelRange::Fewer),
        Target::new(Protocol::Sentinel).prefilled(),
        Target::new(Protocol::Sentinel)
            .with_sentinels(SentinelRange::More)
            .prefilled(),
        Target::new(Protocol::Joinable),
        Target::new(Protocol::EmptyPoll).prefilled(),
        Target::new(Protocol::TimeoutPoll).prefilled(),
        Target::new(Protocol::EmptyCheck).prefilled(),
        Target::new(Protocol::ChannelDisconnect),
    ];
    assert!(all.iter().all(invariant::is_inductive));
    all
}

#[test]
fn every_reachable_state_satisfies_the_invariant_of_every_proved_target() {
    for target in proved() {
        let scenarios = instances(&target);
        assert!(scenarios.len() >= 10, "{target}: {} sizes", scenarios.len());
        for scenario in scenarios {
            let relation = Relation::of(&scenario);
            for s in reachable(&scenario) {
                if let Err(broken) = invariant::check_concrete(&target, &relation, &s) {
                    panic!("{scenario}: {broken} in {s:?}");
                }
            }
        }
    }
}

#[test]
fn every_step_from_a_reachable_state_lowers_the_ranking_function() {
    for target in proved() {
        for scenario in instances(&target) {
            let relation = Relation::of(&scenario);
            for s in reachable(&scenario) {
                let before = rank(&Concrete, &relation, &track(&s, 0));
                assert!(before >= 0, "{scenario}: rank {before} in {s:?}");
                for (kind, next) in relation.successors(&s) {
                    let after = rank(&Concrete, &relation, &track(&next, 0));
                    assert!(after < before, "{scenario}: {kind:?} from {s:?}");
                }
            }
        }
    }
}

/// The check can fail: `empty-poll` without a prefilled pipe reaches a state where every
/// worker has left with a job unread, which its candidate invariant rules out.
#[test]
fn empty_poll_reaches_a_state_its_candidate_invariant_rules_out() {
    let scenario = Scenario::new(Protocol::EmptyPoll, 1, 1, 1);
    let relation = Relation::of(&scenario);
    let target = invariant::covering(&relation).expect("a single producer");
    let broken: Vec<_> = reachable(&scenario)
        .iter()
        .filter_map(|s| invariant::check_concrete(&target, &relation, s).err())
        .collect();
    assert!(!broken.is_empty());
    assert!(
        broken
            .iter()
            .all(|b| b.clause == "last-reader" && b.job == Some(0)),
        "{broken:?}"
    );
}
