//! `drainproof replay`: a counterexample again, step for step, from its handle.

use super::Format;
use super::output::emit;
use clap::Args;
use drainproof::{render, replay};

/// `drainproof replay`'s arguments.
#[derive(Args, Debug)]
pub struct ReplayArgs {
    /// The handle a counterexample printed (`dp1:...`).
    pub handle: String,
    /// How to print the counterexample.
    #[arg(long, value_enum, default_value = "text")]
    pub format: Format,
}

pub fn run(args: ReplayArgs) -> Result<u8, String> {
    let report = replay(&args.handle).map_err(|error| error.to_string())?;
    match (args.format, &report.counterexample) {
        (Format::Json, _) => emit(&(render::json(&report) + "\n")),
        (Format::Mermaid, Some(cx)) => emit(&render::mermaid(cx)),
        (Format::Text | Format::Mermaid, _) => emit(&render::report(&report)),
    }
    Ok(report.verdict.exit_code())
}
