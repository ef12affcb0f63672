//! What the complete enumeration of the code-level model costs (issue 14, item 2), beside
//! loom's search of the same scenario: the comparison `src/check/enumeration` runs in the
//! test suite, at the smallest sizes of every protocol.
//!
//! `cargo bench --features loom --bench enumeration_cost` prints a markdown table (without the
//! `loom` feature, the loom columns are empty); a filter argument selects rows by label.
//! States and executions are deterministic (quote them); seconds depend on the machine.

use drainproof::Protocol;
use drainproof::bench::{cost, smallest};

fn main() {
    let filter: Option<String> = std::env::args().skip(1).find(|a| !a.starts_with("--"));
    println!(
        "| scenario | states | executions | final states | enumeration s | loom executions | loom s | same final states |"
    );
    println!("|---|---:|---:|---:|---:|---:|---:|---|");
    let (mut enumerated, mut loomed) = (0.0, 0.0);
    for protocol in Protocol::ALL {
        for scenario in smallest(protocol) {
            let label = scenario.to_string();
            if filter.as_ref().is_some_and(|f| !label.contains(f.as_str())) {
                continue;
            }
            let cost = cost(scenario, true);
            enumerated += cost.seconds;
            let (loom_executions, loom_seconds, same) = match cost.loom {
                Some((executions, seconds, same)) => {
                    loomed += seconds;
                    (
                        executions.to_string(),
                        format!("{seconds:.2}"),
                        if same { "yes" } else { "NO" }.to_string(),
                    )
                }
                None => (String::new(), String::new(), String::new()),
            };
            println!(
                "| {label} | {} | {} | {} | {:.2} | {loom_executions} | {loom_seconds} | {same} |",
                cost.states, cost.executions, cost.final_states, cost.seconds
            );
        }
    }
    println!("\nTotal: enumeration {enumerated:.1} s, loom {loomed:.1} s.");
}
