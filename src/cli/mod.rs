//! The subcommands, one module each, and what they share.

pub mod check;
pub mod interrupt;
pub mod output;
pub mod prove;
pub mod replay;
pub mod reproduce;

/// The output formats of `check` and `replay`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    /// The verdict line and, for a violation, the trace as a table.
    Text,
    /// One JSON object on one line (docs/json.md).
    Json,
    /// The counterexample as a mermaid sequence diagram (text when there is none).
    Mermaid,
}
