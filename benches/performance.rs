//! drainproof's checkers against SPIN, in the same run (issue 8): per configuration, loom's
//! executions and seconds where loom can run, bfs's states and seconds, and, when `spin` is
//! installed, SPIN's states, seconds and memory on `verification/spin/queue.pml` for the same
//! configuration.
//!
//! `cargo bench --features loom --bench performance` prints the table (a filter argument keeps
//! the rows whose label contains it). `-- --write` also rewrites docs/performance.md (the
//! table, the targets of issue 8 and the machine it ran on) and docs/performance.svg (states
//! and seconds against W, log scale). SPIN is driven directly (`spin -a` with `-D` macros,
//! `gcc`, `pan`), not through verification/'s scripts. Environment: `DRAINPROOF_BENCH_LIMIT`
//! (seconds per loom or bfs search, 600), `DRAINPROOF_SPIN_MEMLIM` (MB pan may use, 8000:
//! the machine is shared), `DRAINPROOF_SPIN_LIMIT` (seconds per pan run, 600). Once SPIN runs
//! out of memory or time on a configuration, the larger ones of the same series are skipped.
//!
//! State counts are deterministic; seconds and memory depend on the machine and its load,
//! so compare ratios measured in one run. SPIN's states are not bfs's: SPIN names every
//! worker and steps at Promela's granularity, bfs counts workers per local state. What is
//! comparable is the claim both establish (every job received exactly once, no thread
//! blocked forever) and what it costs to establish it.

use drainproof::{Checker, Options, Property, Protocol, Scenario, Verdict, check};
use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

/// One configuration of the table.
struct Row {
    scenario: Scenario,
    /// Run loom too (only where it can finish).
    loom: bool,
    /// Run SPIN too (queue.pml models sentinel, empty-poll and empty-check).
    spin: bool,
    /// The target for this row, if it has one.
    target: Option<Target>,
}

#[derive(Clone, Copy)]
enum Target {
    /// bfs exhaustive at least this many times faster than SPIN.
    FasterThanSpin(f64),
    /// bfs exhaustive within this many seconds (and, optionally, GiB).
    Within { seconds: f64, gib: Option<f64> },
    /// The shortest counterexample printed (replayed through the model) within this.
    CounterexampleWithin(f64),
}

fn rows() -> Vec<Row> {
    let sentinel = |w, j, c| Scenario::new(Protocol::Sentinel, w, j, c);
    let row = |scenario, loom, spin| Row {
        scenario,
        loom,
        spin,
        target: None,
    };
    let mut rows = Vec::new();
    // Where loom runs: two jobs, a pipe of one.
    for w in 1..=3 {
        rows.push(row(sentinel(w, 2, 1), true, true));
    }
    // The series: eight jobs, a pipe of two, W up to where SPIN stops.
    for w in [1, 2, 3, 4, 5, 6, 8, 10, 12] {
        let mut r = row(sentinel(w, 8, 2), w == 1, true);
        if w == 12 {
            r.target = Some(Target::FasterThanSpin(100.0));
        }
        rows.push(r);
    }
    // Beyond SPIN.
    for w in [16, 24] {
        rows.push(row(sentinel(w, 8, 2), false, false));
    }
    rows.push(Row {
        target: Some(Target::Within {
            seconds: 30.0,
            gib: None,
        }),
        ..row(sentinel(32, 16, 2), false, false)
    });
    rows.push(Row {
        target: Some(Target::Within {
            seconds: 600.0,
            gib: Some(16.0),
        }),
        ..row(sentinel(64, 32, 4), false, false)
    });
    // A violation: the shortest counterexample, printed from the code-level model.
    rows.push(row(Scenario::new(Protocol::EmptyPoll, 1, 2, 1), true, true));
    rows.push(Row {
        target: Some(Target::CounterexampleWithin(1.0)),
        ..row(Scenario::new(Protocol::EmptyPoll, 12, 8, 2), false, true)
    });
    rows
}

/// What one checker measured on one row.
#[derive(Clone, Debug, Default)]
struct Measured {
    /// loom: executions; bfs and SPIN: states.
    count: Option<u64>,
    seconds: Option<f64>,
    mib: Option<f64>,
    /// `proved`, `violated`, `inconclusive: ...`, `errors: 1`.
    verdict: String,
}

fn limit() -> Duration {
    std::env::var("DRAINPROOF_BENCH_LIMIT")
        .ok()
        .and_then(|s| s.parse().ok())
        .map_or(Duration::from_secs(600), Duration::from_secs_f64)
}

fn run_checker(scenario: &Scenario, checker: Checker) -> (Measured, drainproof::Report) {
    let options = Options {
        progress: true,
        time_limit: Some(limit()),
        ..Options::default()
    };
    let started = Instant::now();
    let report = check(scenario, &Property::DRAIN, checker, options).expect("a valid scenario");
    // For a violation, the time includes printing the counterexample the user reads.
    if let Some(cx) = &report.counterexample {
        let text = drainproof::render::text(cx);
        assert!(!text.is_empty());
    }
    let seconds = started.elapsed().as_secs_f64();
    let count = match &report.exploration {
        Some(bfs) => bfs.stats.states,
        None => report.executions,
    };
    let mib = report
        .exploration
        .as_ref()
        .map(|bfs| bfs.stats.peak_bytes as f64 / (1024.0 * 1024.0));
    let verdict = match &report.verdict {
        Verdict::Inconclusive { .. } => "over the time limit".to_string(),
        Verdict::Violated => format!(
            "violated{}",
            if report.counterexample.is_some() {
                ", trace printed"
            } else {
                ""
            }
        ),
        other => other.name().to_string(),
    };
    (
        Measured {
            count: Some(count),
            seconds: Some(seconds),
            mib,
            verdict,
        },
        report,
    )
}

/// `spin -V`, if spin is installed.
fn spin_version() -> Option<String> {
    let out = Command::new("spin").arg("-V").output().ok()?;
    out.status
        .success()
        .then(|| String::from_utf8_lossy(&out.stdout).trim().to_string())
}

fn queue_pml() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("verification/spin/queue.pml")
}

/// The megabytes and seconds one `pan` run may use.
fn spin_limits() -> (u64, f64) {
    let memlim = std::env::var("DRAINPROOF_SPIN_MEMLIM")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(8_000);
    let seconds = std::env::var("DRAINPROOF_SPIN_LIMIT")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(600.0);
    (memlim, seconds)
}

/// SPIN on queue.pml at the row's sizes: `spin -a`, `gcc`, then `pan`, timed (pan only).
fn run_spin(scenario: &Scenario) -> Measured {
    let protocol = match scenario.protocol {
        Protocol::Sentinel => "SENTINEL",
        Protocol::EmptyPoll => "EMPTY_POLL",
        Protocol::EmptyCheck => "EMPTY_CHECK",
        other => panic!("queue.pml does not model {other}"),
    };
    let dir = std::env::temp_dir().join(format!(
        "drainproof-spin-{}-{}-w{}-j{}-c{}",
        std::process::id(),
        protocol,
        scenario.workers,
        scenario.jobs,
        scenario.pipe_capacity
    ));
    std::fs::create_dir_all(&dir).expect("a scratch directory");
    std::fs::copy(queue_pml(), dir.join("queue.pml")).expect("queue.pml copied");
    let (memlim, time_limit) = spin_limits();
    let run = |program: &str, args: &[String]| {
        Command::new(program)
            .args(args)
            .current_dir(&dir)
            .output()
            .unwrap_or_else(|e| panic!("{program}: {e}"))
    };
    let defines = vec![
        format!("-DPROTOCOL={protocol}"),
        format!("-DW={}", scenario.workers),
        format!("-DJ={}", scenario.jobs),
        format!("-DC={}", scenario.pipe_capacity),
    ];
    let mut spin_args = vec!["-a".to_string()];
    spin_args.extend(defines);
    spin_args.push("queue.pml".into());
    let failed = |what: &str, out: &std::process::Output| Measured {
        verdict: format!(
            "{what} failed: {}",
            String::from_utf8_lossy(&out.stderr)
                .lines()
                .chain(String::from_utf8_lossy(&out.stdout).lines())
                .next()
                .unwrap_or("")
        ),
        ..Measured::default()
    };
    let out = run("spin", &spin_args);
    if !out.status.success() {
        return failed("spin -a", &out);
    }
    let gcc_args: Vec<String> = [
        "-O2",
        "-DSAFETY",
        &format!("-DMEMLIM={memlim}"),
        "-o",
        "pan",
        "pan.c",
    ]
    .iter()
    .map(|s| s.to_string())
    .collect();
    let out = run("gcc", &gcc_args);
    if !out.status.success() {
        return failed("gcc", &out);
    }
    eprintln!("spin {scenario}: running pan (memory limit {memlim} MB)");
    let started = Instant::now();
    // -m: a search depth far above any reached here.
    let mut pan = Command::new("./pan")
        .arg("-m1000000")
        .current_dir(&dir)
        .stdout(std::process::Stdio::piped())
        .spawn()
        .expect("pan runs");
    let mut timed_out = false;
    while pan.try_wait().expect("pan's status").is_none() {
        if started.elapsed().as_secs_f64() > time_limit {
            pan.kill().ok();
            timed_out = true;
            break;
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    let out = pan.wait_with_output().expect("pan's output");
    let seconds = started.elapsed().as_secs_f64();
    let log = String::from_utf8_lossy(&out.stdout).to_string();
    std::fs::remove_dir_all(&dir).ok();
    let number_before = |marker: &str| -> Option<f64> {
        log.lines()
            .find(|l| l.contains(marker))
            .and_then(|l| l.split_whitespace().next())
            .and_then(|n| n.parse().ok())
    };
    let states = number_before("states, stored").map(|n| n as u64);
    let mib = number_before("total actual memory usage");
    let errors = log
        .lines()
        .find_map(|l| l.split("errors: ").nth(1))
        .and_then(|n| n.trim().parse::<u64>().ok());
    let verdict = if timed_out {
        format!("over the time limit ({time_limit:.0} s)")
    } else if log.contains("out of memory") || log.contains("MEMLIM") {
        format!("out of memory ({memlim} MB)")
    } else {
        match errors {
            Some(0) => "proved".to_string(),
            Some(_) => "violated".to_string(),
            None => "pan failed".to_string(),
        }
    };
    Measured {
        count: states,
        seconds: Some(seconds),
        mib,
        verdict,
    }
}

/// Seconds to three significant digits (`0.000412`, `1.23`, `184`).
fn seconds(s: f64) -> String {
    if s >= 100.0 {
        format!("{s:.0}")
    } else {
        let digits = (2 - s.log10().floor() as i32).clamp(0, 6) as usize;
        format!("{s:.digits$}")
    }
}

/// Whether a search ran to its end (a proof or a violation).
fn finished(m: &Measured) -> bool {
    m.verdict == "proved" || m.verdict.starts_with("violated")
}

/// `1234567` as `1,234,567`.
fn thousands(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

fn cell_count(m: &Option<Measured>) -> String {
    match m {
        None => "—".into(),
        Some(m) => m.count.map(thousands).unwrap_or_else(|| "—".into()),
    }
}

fn cell_seconds(m: &Option<Measured>) -> String {
    match m {
        Some(Measured {
            seconds: Some(s), ..
        }) => seconds(*s),
        _ => "—".into(),
    }
}

struct Result {
    row: Row,
    loom: Option<Measured>,
    bfs: Measured,
    spin: Option<Measured>,
    trace_steps: Option<usize>,
}

impl Result {
    fn target(&self, all: &[Result]) -> String {
        let bfs_seconds = self.bfs.seconds.unwrap_or(f64::INFINITY);
        let exhaustive = self.bfs.verdict == "proved";
        let met = |ok: bool| if ok { "met" } else { "MISSED" };
        match self.row.target {
            None => String::new(),
            Some(Target::FasterThanSpin(ratio)) => match &self.spin {
                Some(Measured {
                    seconds: Some(spin),
                    verdict,
                    ..
                }) if verdict == "proved" => {
                    let speedup = spin / bfs_seconds;
                    format!(
                        "bfs {speedup:.0}x faster than SPIN (target {ratio:.0}x): {}",
                        met(exhaustive && speedup >= ratio)
                    )
                }
                Some(_) => {
                    let series = |r: &&Result| {
                        let (a, b) = (&r.row.scenario, &self.row.scenario);
                        (a.protocol, a.jobs, a.pipe_capacity)
                            == (b.protocol, b.jobs, b.pipe_capacity)
                    };
                    // Where SPIN stopped, and the largest configuration it finished.
                    let stopped = all.iter().filter(series).find(|r| {
                        r.spin
                            .as_ref()
                            .is_some_and(|m| m.count.is_some() && !finished(m))
                    });
                    let largest = all
                        .iter()
                        .filter(series)
                        .filter(|r| r.spin.as_ref().is_some_and(finished))
                        .max_by_key(|r| r.row.scenario.workers);
                    let why = stopped.map_or("SPIN did not finish".to_string(), |r| {
                        format!(
                            "SPIN stopped at W={}: {}",
                            r.row.scenario.workers,
                            r.spin.as_ref().map_or("", |m| m.verdict.as_str())
                        )
                    });
                    let at = largest.map_or(String::new(), |r| {
                        let spin = r.spin.as_ref().and_then(|m| m.seconds).unwrap_or(0.0);
                        let bfs = r.bfs.seconds.unwrap_or(f64::INFINITY);
                        format!(
                            "; at W={}, the largest it finished, bfs was {:.0}x faster",
                            r.row.scenario.workers,
                            spin / bfs
                        )
                    });
                    format!(
                        "{ratio:.0}x faster than SPIN: not measurable here ({why}{at}); bfs \
                         exhaustive here: {}",
                        met(exhaustive)
                    )
                }
                None => format!("{ratio:.0}x faster than SPIN: spin not installed"),
            },
            Some(Target::Within { seconds, gib }) => {
                let memory_ok = gib.is_none_or(|g| self.bfs.mib.unwrap_or(0.0) <= g * 1024.0);
                let memory = gib.map(|g| format!(" within {g} GiB")).unwrap_or_default();
                format!(
                    "exhaustive under {seconds} s{memory}: {}",
                    met(exhaustive && bfs_seconds <= seconds && memory_ok)
                )
            }
            Some(Target::CounterexampleWithin(seconds)) => format!(
                "shortest counterexample printed from the model under {seconds} s: {}",
                met(self.trace_steps.is_some() && bfs_seconds <= seconds)
            ),
        }
    }
}

fn machine(spin: &Option<String>) -> String {
    let read = |path: &str| std::fs::read_to_string(path).unwrap_or_default();
    let cpu = read("/proc/cpuinfo")
        .lines()
        .find_map(|l| l.strip_prefix("model name"))
        .map(|l| l.trim_start_matches([' ', '\t', ':']).to_string())
        .unwrap_or_else(|| "unknown CPU".into());
    let cores = std::thread::available_parallelism().map_or(0, |n| n.get());
    let memory_kib: f64 = read("/proc/meminfo")
        .lines()
        .find_map(|l| l.strip_prefix("MemTotal:"))
        .and_then(|l| l.split_whitespace().next()?.parse().ok())
        .unwrap_or(0.0);
    let gcc = Command::new("gcc")
        .arg("--version")
        .output()
        .ok()
        .and_then(|o| {
            String::from_utf8_lossy(&o.stdout)
                .lines()
                .next()
                .map(str::to_string)
        })
        .unwrap_or_default();
    format!(
        "{cpu}, {cores} cores, {:.1} GiB of memory, {} {}; {}; {gcc}",
        memory_kib / (1024.0 * 1024.0),
        std::env::consts::OS,
        std::env::consts::ARCH,
        spin.as_deref().unwrap_or("spin not installed"),
    )
}

fn table(results: &[Result]) -> String {
    let mut out = String::from(
        "| configuration | loom executions | loom s | bfs states | bfs s | bfs MiB | SPIN states | SPIN s | SPIN MiB | SPIN s / bfs s | verdicts (loom / bfs / SPIN) | target |\n\
         |---|---|---|---|---|---|---|---|---|---|---|---|\n",
    );
    for r in results {
        let verdicts = [&r.loom, &Some(r.bfs.clone()), &r.spin]
            .iter()
            .map(|m| m.as_ref().map_or("—".to_string(), |m| m.verdict.clone()))
            .collect::<Vec<_>>()
            .join(" / ");
        let mib = |m: &Option<Measured>| {
            m.as_ref()
                .and_then(|m| m.mib)
                .map_or("—".to_string(), |x| format!("{x:.1}"))
        };
        let ratio = match (&r.spin, r.bfs.seconds) {
            (Some(spin), Some(bfs)) if finished(spin) && finished(&r.bfs) && bfs > 0.0 => {
                format!("{:.0}", spin.seconds.unwrap_or(0.0) / bfs)
            }
            _ => "—".to_string(),
        };
        writeln!(
            out,
            "| {} | {} | {} | {} | {} | {} | {} | {} | {} | {ratio} | {} | {} |",
            r.row.scenario,
            cell_count(&r.loom),
            cell_seconds(&r.loom),
            cell_count(&Some(r.bfs.clone())),
            cell_seconds(&Some(r.bfs.clone())),
            mib(&Some(r.bfs.clone())),
            cell_count(&r.spin),
            cell_seconds(&r.spin),
            mib(&r.spin),
            verdicts,
            r.target(results)
        )
        .unwrap();
    }
    out
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let write = args.iter().any(|a| a == "--write");
    let filter = args.iter().find(|a| !a.starts_with("--")).cloned();
    let spin = spin_version();
    if spin.is_none() {
        eprintln!("spin is not installed (apt-get install -y spin): its columns stay empty");
    }
    let mut results: Vec<Result> = Vec::new();
    for row in rows() {
        let label = row.scenario.to_string();
        if filter.as_ref().is_some_and(|f| !label.contains(f.as_str())) {
            continue;
        }
        let loom = row.loom.then(|| {
            run_checker(
                &row.scenario,
                Checker::Loom {
                    preemption_bound: None,
                },
            )
            .0
        });
        let (bfs, report) = run_checker(&row.scenario, Checker::Bfs { max_states: None });
        let trace_steps = report.counterexample.as_ref().map(|cx| cx.steps);
        // SPIN failed on a smaller configuration of the same series: skip this one.
        let failed_before = results.iter().find(|r| {
            let s = &r.row.scenario;
            s.protocol == row.scenario.protocol
                && (s.jobs, s.pipe_capacity) == (row.scenario.jobs, row.scenario.pipe_capacity)
                && s.workers < row.scenario.workers
                && r.spin
                    .as_ref()
                    .is_some_and(|m| m.count.is_none() || !finished(m))
        });
        let spin = (row.spin && spin.is_some()).then(|| match failed_before {
            Some(r) => Measured {
                verdict: format!("not run (SPIN failed at W={})", r.row.scenario.workers),
                ..Measured::default()
            },
            None => run_spin(&row.scenario),
        });
        let result = Result {
            row,
            loom,
            bfs,
            spin,
            trace_steps,
        };
        eprintln!(
            "{}",
            table(std::slice::from_ref(&result)).lines().last().unwrap()
        );
        results.push(result);
    }
    let table = table(&results);
    println!("{table}");
    if write {
        let docs = Path::new(env!("CARGO_MANIFEST_DIR")).join("docs");
        std::fs::write(
            docs.join("performance.md"),
            document(&table, &machine(&spin)),
        )
        .expect("docs/performance.md written");
        plot::draw(&results, &docs.join("performance.svg"));
        eprintln!("wrote docs/performance.md and docs/performance.svg");
    }
}

fn document(table: &str, machine: &str) -> String {
    let (memlim, seconds) = spin_limits();
    let spin_limits = format!("`-DMEMLIM={memlim}` MB and {seconds} s per `pan` run");
    format!(
        "# Performance: loom, bfs and SPIN on the same configurations\n\n\
         <!-- Generated by `cargo bench --features loom --bench performance -- --write`; do not edit. -->\n\n\
         The last run of `cargo bench --features loom --bench performance -- --write`, which \
         regenerates this page and the plot below. Machine: {machine}.\n\n\
         Each row is one configuration of the seed's experiment (`W` workers, `J` jobs, a pipe \
         of `C` items), checked for the drain properties (every job processed exactly once, no \
         thread blocked forever) three ways: **loom** explores every interleaving of the \
         code-level model (counted in executions; only where it finishes within the run's time \
         limit), **bfs** (`--checker bfs`) explores the step relation with the workers counted \
         (counted in distinct states), and **SPIN** explores `verification/spin/queue.pml`, an \
         independent Promela model of the same queue with every worker named (counted in \
         states stored; the seconds are `pan`'s run, without compiling it). A `—` is a checker \
         that cannot run that configuration (loom beyond its thread limit or time limit; \
         queue.pml models sentinel, empty-poll and empty-check only; SPIN past the memory \
         or time it was given, {spin_limits}, after which the larger configurations of the \
         same series are not run). For a violation, bfs's seconds include replaying its shortest \
         counterexample through the code-level model and printing the trace \
         (`drainproof check ... --checker bfs`). State counts are deterministic; seconds and \
         memory depend on the machine and its load, so compare the ratios of one run.\n\n\
         {table}\n\
         ![states and seconds against W, log scale](performance.svg)\n\n\
         The plot shows the `J=8, C=2` series of sentinel (and `J=2, C=1`, where loom runs): \
         SPIN's states grow by a factor of several per worker, because it tells apart states \
         that differ only by which worker is where; bfs's grow polynomially, because it counts \
         the workers in each local state (docs/model.md, *The step relation*, says why that \
         loses nothing).\n"
    )
}

mod plot {
    use super::Result;
    use plotters::prelude::*;
    use std::path::Path;

    /// One line: a checker on one series of configurations.
    struct Line {
        name: String,
        color: RGBColor,
        dashed: bool,
        /// (W, count, seconds)
        points: Vec<(f64, f64, f64)>,
    }

    fn lines(results: &[Result]) -> Vec<Line> {
        let mut lines = Vec::new();
        let series = [(8, 2, false), (2, 1, true)];
        for (jobs, capacity, dashed) in series {
            let in_series: Vec<&Result> = results
                .iter()
                .filter(|r| {
                    r.row.scenario.protocol == drainproof::Protocol::Sentinel
                        && r.row.scenario.jobs == jobs
                        && r.row.scenario.pipe_capacity == capacity
                })
                .collect();
            let pick = |name: &str, color, get: &dyn Fn(&Result) -> Option<&super::Measured>| {
                let points: Vec<(f64, f64, f64)> = in_series
                    .iter()
                    .filter_map(|r| {
                        let m = get(r)?;
                        let finished = m.verdict == "proved";
                        Some((r.row.scenario.workers as f64, m.count? as f64, m.seconds?))
                            .filter(|_| finished)
                    })
                    .collect();
                let style = if dashed { ", dashed" } else { "" };
                Line {
                    name: format!("{name} (J={jobs}, C={capacity}{style})"),
                    color,
                    dashed,
                    points,
                }
            };
            lines.push(pick("SPIN", RED, &|r| r.spin.as_ref()));
            lines.push(pick("bfs", BLUE, &|r| Some(&r.bfs)));
            lines.push(pick("loom", RGBColor(0, 140, 0), &|r| r.loom.as_ref()));
        }
        lines.retain(|l| !l.points.is_empty());
        lines
    }

    pub fn draw(results: &[Result], path: &Path) {
        let lines = lines(results);
        let root = SVGBackend::new(path, (1000, 420)).into_drawing_area();
        root.fill(&WHITE).unwrap();
        let panels = root.split_evenly((1, 2));
        let max_w = lines
            .iter()
            .flat_map(|l| l.points.iter().map(|p| p.0))
            .fold(1.0, f64::max);
        for (index, (panel, (title, value))) in panels
            .iter()
            .zip([
                (
                    "states (loom: executions)",
                    (|p: &(f64, f64, f64)| p.1) as fn(&(f64, f64, f64)) -> f64,
                ),
                ("seconds", |p: &(f64, f64, f64)| p.2),
            ])
            .enumerate()
        {
            let values: Vec<f64> = lines
                .iter()
                .flat_map(|l| l.points.iter().map(value))
                .filter(|v| *v > 0.0)
                .collect();
            let low = values.iter().copied().fold(f64::INFINITY, f64::min) / 2.0;
            let high = values.iter().copied().fold(1.0, f64::max) * 2.0;
            let mut chart = ChartBuilder::on(panel)
                .caption(title, ("sans-serif", 18))
                .margin(10)
                .x_label_area_size(35)
                .y_label_area_size(60)
                .build_cartesian_2d((1.0..max_w * 1.1).log_scale(), (low..high).log_scale())
                .unwrap();
            chart
                .configure_mesh()
                .light_line_style(WHITE)
                .x_desc("workers W")
                .y_label_formatter(&|y| format!("{y:.0e}"))
                .x_label_formatter(&|x| format!("{x:.0}"))
                .draw()
                .unwrap();
            for line in &lines {
                let points: Vec<(f64, f64)> = line
                    .points
                    .iter()
                    .map(|p| (p.0, value(p).max(low)))
                    .collect();
                let style = ShapeStyle::from(&line.color).stroke_width(2);
                let series = if line.dashed {
                    chart.draw_series(DashedLineSeries::new(points.clone(), 6, 4, style))
                } else {
                    chart.draw_series(LineSeries::new(points.clone(), style))
                };
                let color = line.color;
                series
                    .unwrap()
                    .label(line.name.clone())
                    .legend(move |(x, y)| PathElement::new([(x, y), (x + 16, y)], color));
                chart
                    .draw_series(
                        points
                            .iter()
                            .map(|&p| Circle::new(p, 3, line.color.filled())),
                    )
                    .unwrap();
            }
            // One legend, on the first panel: the lines are the same in both.
            if index > 0 {
                continue;
            }
            chart
                .configure_series_labels()
                .position(SeriesLabelPosition::UpperLeft)
                .background_style(WHITE.mix(0.8))
                .border_style(BLACK)
                .label_font(("sans-serif", 11))
                .draw()
                .unwrap();
        }
        root.present().unwrap();
    }
}
