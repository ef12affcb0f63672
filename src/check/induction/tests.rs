//! The all-sizes proofs, their non-vacuity (every clause is needed, the invariant and the
//! end are satisfiable, the tracked job is arbitrary), and what happens when the relation is
//! broken or the protocol is wrong.

use super::names;
use super::solver::{self, StepOf, Variant, Z3, discharge_variant};
use crate::check::{Options, check};
use crate::outcome::{Kind as FindingKind, Property};
use crate::render;
use crate::report::{Checker, Discharged, Finding, Proof, Report, Verdict};
use crate::scenario::{Protocol, Scenario, SentinelRange, Target};
use crate::step::invariant::{self, Clause, Tracked};
use crate::step::{Local, Relation, StepKind, WorkerOp};
use z3::ast::{Bool, Int};

/// `--checker induction` on `target`: the report, and its proof.
fn prove(target: Target, properties: &[Property]) -> (Report, Proof) {
    let checker = Checker::Induction {
        sentinels: target.sentinels,
    };
    let report = check(&target.smallest(), properties, checker, Options::default())
        .unwrap_or_else(|e| panic!("{target}: {e}"));
    let proof = report
        .proof
        .clone()
        .expect("an induction report has a proof");
    (report, proof)
}

/// The catalog's all-sizes claims and the properties each proves.
pub(super) fn claims() -> Vec<(Target, Vec<Property>)> {
    use Property::*;
    let drain = Property::DRAIN.to_vec();
    vec![
        (Target::new(Protocol::Sentinel), drain.clone()),
        (
            Target::new(Protocol::Sentinel).with_sentinels(SentinelRange::More),
            vec![NoLostJob, NoDuplicate],
        ),
        (
            Target::new(Protocol::Sentinel).with_sentinels(SentinelRange::MoreWithinCapacity),
            drain.clone(),
        ),
        (
            Target::new(Protocol::Joinable),
            vec![DrainedBeforeJoin, NoDuplicate, Termination, NoLostJob],
        ),
        (Target::new(Protocol::EmptyPoll).prefilled(), drain.clone()),
        (Target::new(Protocol::ChannelDisconnect), drain),
    ]
}

fn drop_clause(name: &'static str) -> impl Fn(Vec<Clause<Bool>>) -> Vec<Clause<Bool>> {
    move |clauses| clauses.into_iter().filter(|c| c.name != name).collect()
}

fn broken(target: &Target, properties: &[Property], step: &StepOf) -> Vec<Discharged> {
    let variant = Variant {
        step: Some(step),
        ..Variant::default()
    };
    discharge_variant(target, properties, &variant)
}

fn failed(results: &[Discharged]) -> Vec<&str> {
    results
        .iter()
        .filter(|o| !o.holds())
        .map(|o| o.obligation.as_str())
        .collect()
}

fn get(op: WorkerOp) -> StepKind {
    StepKind::Worker {
        from: Local::Get,
        op,
    }
}

#[test]
fn every_catalog_claim_is_proved_for_every_size() {
    for (target, properties) in claims() {
        let (report, proof) = prove(target, &properties);
        assert_eq!(
            report.verdict,
            Verdict::ProvedForEverySize {
                sizes: target.sizes()
            },
            "{}",
            render::report(&report)
        );
        assert!(proof.witness.is_none());
        assert!(
            report
                .verdict
                .to_string()
                .starts_with("proved for every W >= 1, J >= 0, C >= 1"),
            "{}",
            report.verdict
        );
        let names: Vec<&str> = proof
            .obligations
            .iter()
            .map(|o| o.obligation.as_str())
            .collect();
        // One consecution obligation per step kind, and the non-vacuity checks.
        let kinds = solver::symbolic_relation(&target).kinds();
        let consecutions = names
            .iter()
            .filter(|n| n.starts_with("consecution: "))
            .count();
        assert_eq!(consecutions, kinds.len(), "{target}");
        for name in [
            "initiation",
            "no-duplicate",
            "no-lost-job",
            "non-vacuity: invariant",
            "non-vacuity: end",
        ] {
            assert!(names.contains(&name), "{target}: {name} in {names:?}");
        }
        let terminates = properties.contains(&Property::Termination);
        assert_eq!(names.contains(&"deadlock-freedom"), terminates, "{target}");
        assert_eq!(names.contains(&"ranking: bounded"), terminates, "{target}");
    }
}

#[test]
fn dropping_any_clause_of_an_invariant_fails_some_obligation() {
    for (target, properties) in claims() {
        let clauses = names(&target);
        assert!(clauses.len() >= 6, "{target}");
        for clause in clauses {
            let edit = drop_clause(clause.name);
            let variant = Variant {
                clauses: Some(&edit),
                ..Variant::default()
            };
            let results = discharge_variant(&target, &properties, &variant);
            assert!(
                !failed(&results).is_empty(),
                "{target}: the invariant without {} ({}) still passes every obligation",
                clause.name,
                clause.lemma
            );
        }
    }
}

#[test]
fn the_invariant_is_satisfiable_and_allows_the_end() {
    for (target, properties) in claims() {
        let results = discharge_variant(&target, &properties, &Variant::default());
        for name in ["non-vacuity: invariant", "non-vacuity: end"] {
            let check = results.iter().find(|o| o.obligation == name).expect(name);
            assert_eq!(
                check.result,
                crate::report::Answer::Satisfiable,
                "{target}: {name}"
            );
        }
    }
    // The checks can fail: an invariant that rules every state out fails both.
    let (target, properties) = &claims()[0];
    let contradiction = |mut clauses: Vec<Clause<Bool>>| {
        clauses.push(Clause {
            name: "contradiction",
            lemma: "none",
            holds: Bool::from_bool(false),
        });
        clauses
    };
    let variant = Variant {
        clauses: Some(&contradiction),
        ..Variant::default()
    };
    let results = discharge_variant(target, properties, &variant);
    let failures = failed(&results);
    assert!(failures.contains(&"non-vacuity: invariant"), "{failures:?}");
    assert!(failures.contains(&"non-vacuity: end"), "{failures:?}");
}

/// The tracked job stands for every job: a relation that forgets to count the last of two or
/// more jobs is caught by the proof over a free `t` (whose failing model tracks that job),
/// while a proof with `t` fixed to job 0 passes it. On the faithful relation, fixing `t` to
/// the first or the last job changes nothing.
#[test]
fn the_tracked_job_is_arbitrary() {
    let (target, properties) = &claims()[0];
    let forgets_last = |r: &Relation<Z3>, s: &Tracked<Z3>, kind: StepKind| {
        let (guard, mut next) = r.step(&Z3, s, kind)?;
        if kind == get(WorkerOp::GetJob) {
            let last = Int::sub(&[&r.sizes.jobs, &Int::from_i64(1)]);
            let several = Int::from_i64(2).le(&r.sizes.jobs);
            let is_last = Bool::and(&[s.read[0].eq(&last), several]);
            next.jobs.count = is_last.ite(&s.jobs.count, &next.jobs.count);
        }
        Some((guard, next))
    };
    let free = broken(target, properties, &forgets_last);
    let failures: Vec<&Discharged> = free.iter().filter(|o| !o.holds()).collect();
    assert!(!failures.is_empty());
    for o in &failures {
        let model = o.model.expect("a failed validity obligation has a model");
        assert_eq!(model.job, model.jobs - 1, "{}: {model:?}", o.obligation);
    }
    let first = |_: &Relation<Z3>| Int::from_i64(0);
    let fixed = Variant {
        step: Some(&forgets_last),
        job: Some(&first),
        ..Variant::default()
    };
    let fixed = discharge_variant(target, properties, &fixed);
    assert_eq!(
        failed(&fixed),
        Vec::<&str>::new(),
        "t = 0 cannot see the last job"
    );

    let last = |r: &Relation<Z3>| Int::sub(&[&r.sizes.jobs, &Int::from_i64(1)]);
    for job in [&first as &solver::JobOf, &last] {
        let variant = Variant {
            job: Some(job),
            ..Variant::default()
        };
        let results = discharge_variant(target, properties, &variant);
        assert_eq!(failed(&results), Vec::<&str>::new());
    }
}

/// A wrong update in one step fails that step's own obligations.
#[test]
fn a_wrong_update_fails_the_obligations_of_its_step() {
    let (target, properties) = &claims()[0];
    // The worker that read a sentinel stays at its loop head instead of exiting.
    let stays = |r: &Relation<Z3>, s: &Tracked<Z3>, kind: StepKind| {
        let (guard, mut next) = r.step(&Z3, s, kind)?;
        if kind == get(WorkerOp::GetSentinel) {
            next.workers = s.workers.clone();
        }
        Some((guard, next))
    };
    let results = broken(target, properties, &stays);
    assert_eq!(
        failed(&results),
        ["consecution: worker(get).get_sentinel"],
        "S5: the sentinels read are the exited workers"
    );
    // The feeder's exit does not advance: the ranking function does not go down.
    let stuck = |r: &Relation<Z3>, s: &Tracked<Z3>, kind: StepKind| {
        let (guard, mut next) = r.step(&Z3, s, kind)?;
        if kind == (StepKind::FeederExit { producer: 0 }) {
            next.taken = s.taken.clone();
        }
        Some((guard, next))
    };
    let results = broken(target, properties, &stuck);
    assert!(
        failed(&results).contains(&"ranking: feeder_exit"),
        "{:?}",
        failed(&results)
    );
}

/// An induction report whose proof failed and whose witness search found a reachable
/// violation: the report, its proof, the scenario of the violation and bfs's finding.
fn violated(target: Target, properties: &[Property]) -> (Report, Proof, Scenario, Finding) {
    let (report, proof) = prove(target, properties);
    assert_eq!(
        report.verdict,
        Verdict::Violated,
        "{}",
        render::report(&report)
    );
    let witness = proof
        .witness
        .clone()
        .expect("a search for a reachable violation");
    let scenario = witness.scenario.expect("bfs found one");
    let finding = report
        .exploration
        .as_ref()
        .and_then(|b| b.finding.clone())
        .expect("a finding");
    (report, proof, scenario, finding)
}

#[test]
fn empty_poll_fails_an_obligation_and_bfs_finds_the_lost_job() {
    let (report, proof, s, finding) = violated(Target::new(Protocol::EmptyPoll), &Property::DRAIN);
    assert_eq!(
        proof
            .failed()
            .map(|o| o.obligation.as_str())
            .collect::<Vec<_>>(),
        ["consecution: worker(poll).nowait_empty_pipe"]
    );
    let text = render::report(&report);
    assert!(
        text.contains("it may be unreachable, so it is no counterexample"),
        "{text}"
    );
    assert_eq!((s.workers, s.jobs, s.pipe_capacity), (1, 1, 1));
    assert_eq!(
        (finding.kind, finding.jobs.clone()),
        (FindingKind::LostJob, vec![0])
    );
    let path = &report.exploration.as_ref().unwrap().path;
    assert!(
        path.iter().any(|step| step.step
            == StepKind::Worker {
                from: Local::Poll,
                op: WorkerOp::NowaitEmptyPipe
            }),
        "the worker leaves on an empty pipe: {path:?}"
    );
}

#[test]
fn fewer_sentinels_than_workers_fail_deadlock_freedom_and_bfs_finds_the_hang() {
    let target = Target::new(Protocol::Sentinel).with_sentinels(SentinelRange::Fewer);
    let (_, proof, s, finding) = violated(target, &Property::DRAIN);
    assert_eq!(
        proof
            .failed()
            .map(|o| o.obligation.as_str())
            .collect::<Vec<_>>(),
        ["deadlock-freedom", "non-vacuity: end"]
    );
    assert_eq!(finding.kind, FindingKind::Hang);
    assert!(s.sentinel_count() < s.workers, "{s}");
}

#[test]
fn more_sentinels_than_the_pipe_holds_do_not_terminate() {
    let target = Target::new(Protocol::Sentinel).with_sentinels(SentinelRange::More);
    let (report, proof, s, finding) = violated(target, &[Property::Termination]);
    assert!(
        proof.failed().any(|o| o.obligation == "deadlock-freedom"),
        "{}",
        render::report(&report)
    );
    assert_eq!(finding.kind, FindingKind::Hang);
    assert!(s.sentinel_count() > s.workers + s.pipe_capacity, "{s}");
}

#[test]
fn what_the_proof_cannot_be_about_is_refused() {
    let refused = |target: Target, properties: &[Property]| {
        let checker = Checker::Induction {
            sentinels: target.sentinels,
        };
        check(&target.smallest(), properties, checker, Options::default())
            .expect_err("refused")
            .to_string()
    };
    assert!(
        refused(Target::new(Protocol::ForeignSentinel), &Property::DRAIN).contains("two producers")
    );
    assert!(
        refused(Target::new(Protocol::Sentinel), &[Property::SeedCheckSound])
            .contains("not seed_check_sound")
    );
    assert!(
        refused(
            Target::new(Protocol::TimeoutPoll).prefilled(),
            &Property::DRAIN
        )
        .contains("a prefilled pipe with empty-poll only")
    );
    assert!(
        refused(
            Target::new(Protocol::Joinable).with_sentinels(SentinelRange::More),
            &[Property::NoDuplicate]
        )
        .contains("a sentinel range applies to the sentinel protocol only")
    );
    // A scenario outside the range it is checked for.
    let scenario = Scenario::new(Protocol::Sentinel, 2, 1, 1).with_sentinels(5);
    let checker = Checker::Induction {
        sentinels: SentinelRange::PerWorker,
    };
    let error = check(&scenario, &Property::DRAIN, checker, Options::default())
        .expect_err("out of range")
        .to_string();
    assert!(
        error.contains("not in the sentinel range per-worker"),
        "{error}"
    );
}

/// docs/sentinel-proof.md's section 8 names every clause and every kind of obligation, and
/// every lemma the code cites has its anchor there (and the other way round: the lemmas S1-S8
/// cite the obligations that check them).
#[test]
fn the_paper_proof_and_the_machine_proof_cite_each_other() {
    let doc = include_str!("../../../docs/sentinel-proof.md");
    let anchor = |lemma: &str| -> String {
        match lemma {
            "D3" => "**D3 (threads".into(),
            "S1-S5" => "<a id=\"lemma-s5\"></a>".into(),
            "S6.1" | "S6.3" => "<a id=\"theorem-s6\"></a>".into(),
            "B7" => "<a id=\"remark-b7\"></a>".into(),
            other => format!(
                "<a id=\"lemma-{}\"></a>",
                other.to_lowercase().replace('.', "-")
            ),
        }
    };
    let mut targets: Vec<(Target, Vec<Property>)> = claims();
    targets.push((Target::new(Protocol::EmptyPoll), Property::DRAIN.to_vec()));
    for (target, properties) in targets {
        for clause in names(&target) {
            assert!(
                doc.contains(&format!("`{}`", clause.name)),
                "clause {}",
                clause.name
            );
            assert!(
                doc.contains(&anchor(clause.lemma)),
                "lemma {}",
                clause.lemma
            );
        }
        let (_, proof) = prove(target, &properties);
        for o in &proof.obligations {
            let generic = match o.obligation.split_once(": ") {
                Some((family @ ("consecution" | "ranking"), step)) if step != "bounded" => {
                    format!("`{family}: <step>`")
                }
                _ => format!("`{}`", o.obligation),
            };
            assert!(doc.contains(&generic), "obligation {generic}");
            assert!(doc.contains(&anchor(o.lemma)), "lemma {}", o.lemma);
        }
    }
    for lemma in ["s1", "s2", "s3", "s4", "s5", "s6", "s7", "s8"] {
        let at = doc
            .find(&format!("-{lemma}\"></a>"))
            .unwrap_or_else(|| panic!("{lemma}"));
        let next = doc[at + 1..]
            .find("<a id=")
            .map_or(doc.len(), |n| at + 1 + n);
        assert!(
            doc[at..next].contains("*Checked for every size:*"),
            "{lemma} cites no obligation"
        );
    }
}

/// `invariant::is_inductive` says which invariants trace validation may evaluate: it must agree
/// with the solver on initiation and consecution, for every target trace validation can meet.
#[test]
fn the_inductive_targets_are_the_ones_the_solver_says() {
    // Every target trace validation can meet: each single-producer protocol, with and
    // without a prefilled pipe where a scenario may have one, in every sentinel range.
    let mut targets = Vec::new();
    for protocol in Protocol::ALL {
        let prefilled = Scenario::new(protocol, 1, 0, 1)
            .prefilled()
            .validate()
            .is_ok();
        for range in [
            SentinelRange::PerWorker,
            SentinelRange::More,
            SentinelRange::MoreWithinCapacity,
            SentinelRange::Fewer,
        ] {
            if protocol == Protocol::ForeignSentinel
                || (range != SentinelRange::PerWorker && protocol != Protocol::Sentinel)
            {
                continue;
            }
            let target = Target::new(protocol).with_sentinels(range);
            targets.push(target);
            if prefilled {
                targets.push(target.prefilled());
            }
        }
    }
    assert_eq!(targets.len(), 17);
    for target in targets {
        let results = discharge_variant(&target, &[Property::NoDuplicate], &Variant::default());
        let inductive = results
            .iter()
            .filter(|o| o.obligation == "initiation" || o.obligation.starts_with("consecution: "))
            .all(Discharged::holds);
        assert_eq!(
            inductive,
            invariant::is_inductive(&target),
            "{target}: {:?}",
            failed(&results)
        );
    }
}
