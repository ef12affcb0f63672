//! What `--checker induction` costs: every obligation of every all-sizes proof of the catalog
//! with its seconds, then one line per proof, against issue 9's target (all of the catalog's
//! all-sizes proofs together under 30 s).
//!
//! `cargo bench --features z3 --bench induction_cost` prints markdown tables. Obligation
//! counts are deterministic; seconds depend on the machine and on the solver's version
//! (printed). Each proof runs as `drainproof check ... --checker induction` runs it.

use drainproof::catalog::{self, all_sizes};
use drainproof::{Options, check};

/// Issue 9's target for all the catalog's all-sizes proofs together.
const TARGET_SECONDS: f64 = 30.0;

fn main() {
    let mut summary = Vec::new();
    let mut solver = String::new();
    println!("| id | claim | obligation | lemma | result | seconds |");
    println!("|---|---|---|---|---|---|");
    for theorem in catalog::theorems(false) {
        for claim in all_sizes::checks(theorem.id) {
            let report = check(
                &claim.scenario,
                &claim.properties,
                claim.checker,
                Options::default(),
            )
            .unwrap_or_else(|e| panic!("{}: {e}", claim.command()));
            let proof = report.proof.as_ref().expect("an all-sizes proof");
            for o in &proof.obligations {
                println!(
                    "| {} | {} | {} | {} | {} | {:.4} |",
                    theorem.id,
                    claim.subject(),
                    o.obligation,
                    o.lemma,
                    o.result,
                    o.seconds
                );
            }
            let solving: f64 = proof.obligations.iter().map(|o| o.seconds).sum();
            solver.clone_from(&proof.solver);
            summary.push((
                theorem.id,
                claim.subject(),
                report.verdict.to_string(),
                proof.obligations.len(),
                solving,
                report.seconds,
            ));
        }
    }
    println!("\nsolver: {solver}\n");
    println!("| id | claim | verdict | obligations | solver seconds | seconds |");
    println!("|---|---|---|---|---|---|");
    for (id, claim, verdict, count, solving, seconds) in &summary {
        println!("| {id} | {claim} | {verdict} | {count} | {solving:.3} | {seconds:.3} |");
    }
    let total: f64 = summary.iter().map(|row| row.5).sum();
    let count: usize = summary.iter().map(|row| row.3).sum();
    println!(
        "\nall {} all-sizes proofs, {count} obligations: {total:.2} s (target: under \
         {TARGET_SECONDS} s: {})",
        summary.len(),
        if total < TARGET_SECONDS {
            "met"
        } else {
            "NOT met"
        }
    );
}
