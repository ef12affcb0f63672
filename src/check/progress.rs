//! Progress of a long search: on a terminal, a bar (total executions, rate, and the time
//! elapsed since the check began, across every search a checker runs); when stderr is piped,
//! a short line every `Options::progress_interval`, so a log shows the search is alive.

use crate::sync::lock;
use indicatif::{ProgressBar, ProgressStyle};
use std::io::IsTerminal;
use std::sync::Arc;
use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

/// Where progress goes. Cloned into a checker's model closure; every clone counts into one
/// total.
#[derive(Clone, Default)]
pub(crate) struct Progress(Option<Arc<Shared>>);

struct Shared {
    started: Instant,
    /// What is counted (`executions`, `states`), in the piped line and on the bar.
    unit: &'static str,
    executions: AtomicU64,
    /// What is being searched now (loom runs one search per preemption bound).
    label: Mutex<String>,
    sink: Sink,
}

enum Sink {
    /// A terminal: indicatif draws (and throttles) the bar.
    Bar(ProgressBar),
    /// A pipe or a file: a line every `interval`, the first after one interval.
    Lines {
        interval: Duration,
        next: Mutex<Instant>,
    },
}

impl Progress {
    /// Progress for a check that counts `unit`s (`executions`; `states` for the breadth-first
    /// search), if `enabled`: a bar when stderr is a terminal, lines every `interval`
    /// otherwise.
    pub fn counting(enabled: bool, interval: Duration, unit: &'static str) -> Progress {
        if !enabled {
            return Progress(None);
        }
        let started = Instant::now();
        let sink = if std::io::stderr().is_terminal() {
            let bar = ProgressBar::new_spinner();
            bar.set_style(bar_style(unit));
            Sink::Bar(bar)
        } else {
            Sink::Lines {
                interval,
                next: Mutex::new(started + interval),
            }
        };
        Progress(Some(Arc::new(Shared {
            started,
            unit,
            executions: AtomicU64::new(0),
            label: Mutex::new(String::new()),
            sink,
        })))
    }

    /// Names the search that runs from now on (`loom sentinel W=3 J=3 C=1, unbounded`).
    pub fn search(&self, label: String) {
        let Some(shared) = &self.0 else { return };
        if let Sink::Bar(bar) = &shared.sink {
            bar.set_message(label.clone());
        }
        *lock(&shared.label) = label;
    }

    /// Counts one execution that starts.
    pub fn tick(&self) {
        let Some(shared) = &self.0 else { return };
        let executions = shared.executions.fetch_add(1, Ordering::Relaxed) + 1;
        self.show(shared, executions);
    }

    /// Sets the count to `count` (a search that counts states rather than executions).
    pub fn set(&self, count: u64) {
        let Some(shared) = &self.0 else { return };
        shared.executions.store(count, Ordering::Relaxed);
        self.show(shared, count);
    }

    fn show(&self, shared: &Shared, executions: u64) {
        match &shared.sink {
            Sink::Bar(bar) => bar.set_position(executions),
            Sink::Lines { interval, next } => {
                let now = Instant::now();
                let mut next = lock(next);
                if now >= *next {
                    *next = now + *interval;
                    let elapsed = now - shared.started;
                    eprintln!(
                        "drainproof: {executions} {} in {:.0}s ({:.0}/s), searching {}",
                        shared.unit,
                        elapsed.as_secs_f64(),
                        executions as f64 / elapsed.as_secs_f64().max(1e-9),
                        lock(&shared.label),
                    );
                }
            }
        }
    }
}

fn bar_style(unit: &str) -> ProgressStyle {
    ProgressStyle::with_template(&format!(
        "{{spinner}} {{msg}}: {{pos}} {unit} ({{rate}}) {{elapsed_precise}}"
    ))
    .expect("a valid template")
    .with_key(
        "rate",
        |state: &indicatif::ProgressState, out: &mut dyn std::fmt::Write| {
            let _ = write!(out, "{:.0}/s", state.per_sec());
        },
    )
}

impl Drop for Shared {
    fn drop(&mut self) {
        if let Sink::Bar(bar) = &self.sink {
            bar.finish_and_clear();
        }
    }
}
