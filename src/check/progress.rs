//! A progress line for long searches: drawn on a terminal, silent when stderr is piped.

use indicatif::{ProgressBar, ProgressStyle};
use std::io::IsTerminal;

/// Counts executions on a spinner: executions, rate, elapsed.
pub struct Progress(Option<ProgressBar>);

impl Progress {
    pub fn new(enabled: bool, label: String) -> Progress {
        Progress::counting(enabled, label, "executions")
    }

    /// A spinner that counts `unit`s (`executions`, `states`).
    pub fn counting(enabled: bool, label: String, unit: &str) -> Progress {
        if !enabled || !std::io::stderr().is_terminal() {
            return Progress(None);
        }
        let bar = ProgressBar::new_spinner().with_message(label);
        bar.set_style(
            ProgressStyle::with_template(&format!(
                "{{spinner}} {{msg}}: {{pos}} {unit} ({{per_sec}}) {{elapsed_precise}}"
            ))
            .expect("valid template"),
        );
        Progress(Some(bar))
    }

    pub fn set(&self, executions: u64) {
        // Drawing is throttled by indicatif; updating the position is cheap.
        if let Some(bar) = &self.0 {
            bar.set_position(executions);
        }
    }
}

impl Drop for Progress {
    fn drop(&mut self) {
        if let Some(bar) = &self.0 {
            bar.finish_and_clear();
        }
    }
}
