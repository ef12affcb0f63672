//! The traces embedded in `docs/*.md` are what the binary prints now.
//!
//! A checked block is a fenced code block between two HTML comments:
//!
//! ````markdown
//! <!-- begin: check --protocol empty-poll --workers 1 --jobs 1 --checker loom -->
//! ```text
//! ...the output of `drainproof check --protocol empty-poll ...`...
//! ```
//! <!-- end -->
//! ````
//!
//! The arguments after `begin:` are passed to `drainproof` split on whitespace (no quoting).
//! Trailing whitespace and wall-clock seconds (`0.01s`) are ignored when comparing.
//!
//! A block fenced as ```` ```json ```` holds the output of a `--format json` run and is compared
//! as JSON: layout and key order do not matter (the docs may pretty-print it), and the top-level
//! `"seconds"` field (wall-clock time) is ignored.
//!
//! The prose after a text trace may name its rows: a bold lead-in such as
//! `**Step 5, worker-0: `get_nowait -> Empty (...)`.**` or
//! `**Steps 12–13, feeder: `take close marker; exit`, `exit`.**` is checked against the rows of
//! the nearest checked block above it, so a walkthrough cannot keep describing an old trace.
//!
//! `DRAINPROOF_BLESS=1` rewrites every stale block with the current output (JSON blocks keep
//! their layout: one line stays one line, anything else is pretty-printed). It does not rewrite
//! prose: a stale step reference must be fixed by hand.
#![cfg(feature = "loom")]

use serde_json::Value;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

const BEGIN: &str = "<!-- begin:";
const END: &str = "<!-- end -->";

/// One checked block of a markdown file.
#[derive(Debug, PartialEq)]
struct Block {
    /// The arguments named in the begin marker.
    args: String,
    /// The opening fence's info string (`text`, `json`, `mermaid`, ...), possibly empty.
    lang: String,
    /// Line index of the first line inside the fence.
    first: usize,
    /// Line index of the closing fence (one past the last content line).
    end: usize,
    /// 1-based line number of the begin marker, for messages.
    marker_line: usize,
}

/// Finds every checked block in `lines`; panics with `file:line` on a malformed one.
fn blocks(file: &str, lines: &[&str]) -> Vec<Block> {
    let mut found = Vec::new();
    let mut i = 0;
    while i < lines.len() {
        let line = lines[i].trim();
        let Some(rest) = line.strip_prefix(BEGIN) else {
            i += 1;
            continue;
        };
        let marker_line = i + 1;
        let args = rest
            .strip_suffix("-->")
            .unwrap_or_else(|| panic!("{file}:{marker_line}: begin marker must end with `-->`"))
            .trim()
            .to_string();
        assert!(
            !args.is_empty(),
            "{file}:{marker_line}: begin marker names no arguments"
        );
        let next = |from: usize| (from..lines.len()).find(|&j| !lines[j].trim().is_empty());
        let open = next(i + 1)
            .filter(|&j| lines[j].trim_start().starts_with("```"))
            .unwrap_or_else(|| {
                panic!("{file}:{marker_line}: a fenced block must follow the begin marker")
            });
        let opening = lines[open].trim();
        let fence = &opening[..opening.len() - opening.trim_start_matches('`').len()];
        let lang = opening[fence.len()..].trim().to_string();
        let close = (open + 1..lines.len())
            .find(|&j| lines[j].trim() == fence)
            .unwrap_or_else(|| panic!("{file}:{}: unclosed fenced block", open + 1));
        next(close + 1)
            .filter(|&j| lines[j].trim() == END)
            .unwrap_or_else(|| {
                panic!("{file}:{marker_line}: `{END}` must follow the fenced block")
            });
        found.push(Block {
            args,
            lang,
            first: open + 1,
            end: close,
            marker_line,
        });
        i = close + 1;
    }
    found
}

/// Replaces every wall-clock duration like `0.01s` or `12.5s` by `<seconds>`.
fn mask_seconds(line: &str) -> String {
    let bytes = line.as_bytes();
    let mut out = String::with_capacity(line.len());
    let (mut copied, mut i) = (0, 0);
    while i < bytes.len() {
        let starts_number = bytes[i].is_ascii_digit()
            && (i == 0 || !(bytes[i - 1].is_ascii_alphanumeric() || bytes[i - 1] == b'.'));
        if !starts_number {
            i += 1;
            continue;
        }
        let digits = |from: usize| {
            (from..bytes.len())
                .find(|&j| !bytes[j].is_ascii_digit())
                .unwrap_or(bytes.len())
        };
        let point = digits(i);
        let mut next = point;
        if bytes.get(point) == Some(&b'.') {
            let unit = digits(point + 1);
            let ends_word = bytes
                .get(unit + 1)
                .is_none_or(|b| !b.is_ascii_alphanumeric());
            if unit > point + 1 && bytes.get(unit) == Some(&b's') && ends_word {
                out.push_str(&line[copied..i]);
                out.push_str("<seconds>");
                copied = unit + 1;
                next = unit + 1;
            }
        }
        i = next;
    }
    out.push_str(&line[copied..]);
    out
}

/// The lines as compared: trailing whitespace and trailing blank lines dropped, seconds masked.
fn normalise<'a>(lines: impl IntoIterator<Item = &'a str>) -> Vec<String> {
    let mut out: Vec<String> = lines
        .into_iter()
        .map(|line| mask_seconds(line.trim_end()))
        .collect();
    while out.last().is_some_and(|line| line.is_empty()) {
        out.pop();
    }
    out
}

/// Runs the binary with the marker's arguments and returns its standard output.
fn run(args: &str, place: &str) -> String {
    let output = Command::new(env!("CARGO_BIN_EXE_drainproof"))
        .args(args.split_whitespace())
        .output()
        .unwrap_or_else(|e| panic!("{place}: cannot run drainproof {args}: {e}"));
    // 0 holds, 1 violated, 3 inconclusive are all answers; 2 (bad input) and signals are not.
    assert!(
        matches!(output.status.code(), Some(0 | 1 | 3)),
        "{place}: `drainproof {args}` failed ({}): {}",
        output.status,
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8(output.stdout).expect("drainproof prints UTF-8")
}

fn markdown_files() -> Vec<PathBuf> {
    let docs = Path::new(env!("CARGO_MANIFEST_DIR")).join("docs");
    let mut files: Vec<PathBuf> = fs::read_dir(&docs)
        .unwrap_or_else(|e| panic!("cannot list {}: {e}", docs.display()))
        .map(|entry| entry.expect("a readable directory entry").path())
        .filter(|path| path.extension().is_some_and(|ext| ext == "md"))
        .collect();
    files.sort();
    files
}

/// Where two normalised texts first differ, in words.
fn first_difference(expected: &[String], actual: &[String]) -> String {
    let line = (0..expected.len().max(actual.len()))
        .find(|&i| expected.get(i) != actual.get(i))
        .unwrap_or(0);
    let show = |lines: &[String]| {
        lines
            .get(line)
            .map_or("<no line>".to_string(), |l| format!("{l:?}"))
    };
    format!(
        "first difference at line {} of the block:\n  docs:   {}\n  binary: {}",
        line + 1,
        show(expected),
        show(actual)
    )
}

/// A `--format json` document as compared: parsed, with the top-level wall-clock `seconds`
/// removed.
fn comparable_json(text: &str, place: &str, whose: &str) -> Value {
    let mut value: Value = serde_json::from_str(text)
        .unwrap_or_else(|e| panic!("{place}: the {whose} JSON does not parse: {e}"));
    if let Some(object) = value.as_object_mut() {
        object.remove("seconds");
    }
    value
}

/// Where two JSON values first differ: a path from the root (`$`) and both values.
fn json_difference(docs: &Value, binary: &Value, path: &str) -> Option<String> {
    let show = |v: Option<&Value>| v.map_or("<absent>".to_string(), Value::to_string);
    let pair = |k: String, a: Option<&Value>, b: Option<&Value>| match (a, b) {
        (Some(a), Some(b)) => json_difference(a, b, &k),
        _ => Some(format!("{k}: docs {} / binary {}", show(a), show(b))),
    };
    match (docs, binary) {
        (Value::Object(a), Value::Object(b)) => {
            let mut keys: Vec<&String> = a.keys().chain(b.keys()).collect();
            keys.sort();
            keys.dedup();
            keys.into_iter()
                .find_map(|k| pair(format!("{path}.{k}"), a.get(k), b.get(k)))
        }
        (Value::Array(a), Value::Array(b)) => {
            (0..a.len().max(b.len())).find_map(|i| pair(format!("{path}[{i}]"), a.get(i), b.get(i)))
        }
        _ if docs == binary => None,
        _ => Some(format!("{path}: docs {docs} / binary {binary}")),
    }
}

/// The rows of a text trace: the lane names of its table and, per step, each lane's cell.
#[derive(Debug, PartialEq)]
struct Table {
    lanes: Vec<String>,
    rows: Vec<Vec<String>>,
}

/// The table of a text trace (`step | producer | ... | state after`), if `output` has one.
fn table(output: &str) -> Option<Table> {
    let mut lines = output
        .lines()
        .skip_while(|line| !line.trim_start().starts_with("step |"));
    let header: Vec<String> = lines
        .next()?
        .split('|')
        .map(|c| c.trim().to_string())
        .collect();
    let lanes = header[1..header.len() - 1].to_vec();
    let mut rows = Vec::new();
    for line in lines {
        let cells: Vec<&str> = line.split('|').map(str::trim).collect();
        if cells.len() != header.len() || cells[0].parse::<usize>() != Ok(rows.len() + 1) {
            break;
        }
        rows.push(
            cells[1..=lanes.len()]
                .iter()
                .map(|c| c.to_string())
                .collect(),
        );
    }
    Some(Table { lanes, rows })
}

/// A bold lead-in that names rows of a trace:
/// `**Step 5, worker-0: `cell`.**` or `**Steps 12–13, feeder: `cell`, `cell`.**`.
#[derive(Debug, PartialEq)]
struct StepRef {
    /// 0-based index of the markdown line.
    line: usize,
    first: usize,
    lane: String,
    cells: Vec<String>,
}

/// Parses what follows `**Step` in a lead-in; `None` if it is not one.
fn parse_step_ref(text: &str) -> Option<(usize, usize, String, Vec<String>)> {
    fn number(s: &str) -> Option<(usize, &str)> {
        let digits = s.len() - s.trim_start_matches(|c: char| c.is_ascii_digit()).len();
        Some((s[..digits].parse().ok()?, &s[digits..]))
    }
    let s = text.strip_prefix('s').unwrap_or(text).strip_prefix(' ')?;
    let (first, s) = number(s)?;
    let (last, s) = match s.strip_prefix('–').or_else(|| s.strip_prefix('-')) {
        Some(s) => number(s)?,
        None => (first, s),
    };
    let s = s.strip_prefix(", ")?;
    let (lane, mut s) = s.split_once(": ")?;
    let mut cells = Vec::new();
    loop {
        let (cell, rest) = s.strip_prefix('`')?.split_once('`')?;
        cells.push(cell.to_string());
        match rest.strip_prefix(", ") {
            Some(rest) => s = rest,
            None => {
                rest.strip_prefix(".**")?;
                break;
            }
        }
    }
    (last >= first && cells.len() == last - first + 1).then(|| (first, last, lane.into(), cells))
}

/// Every step lead-in in `lines`; panics with `file:line` on one it cannot read.
fn step_refs(file: &str, lines: &[&str]) -> Vec<StepRef> {
    let mut found = Vec::new();
    for (i, line) in lines.iter().enumerate() {
        for (at, _) in line.match_indices("**Step") {
            let rest = &line[at + "**Step".len()..];
            let names_a_step = rest
                .strip_prefix('s')
                .unwrap_or(rest)
                .strip_prefix(' ')
                .is_some_and(|r| r.starts_with(|c: char| c.is_ascii_digit()));
            if !names_a_step {
                continue;
            }
            let (first, _, lane, cells) = parse_step_ref(rest).unwrap_or_else(|| {
                panic!(
                    "{file}:{}: a step lead-in must read `**Step N, lane: `cell`.**` or \
                     `**Steps N–M, lane: `cell`, ..., `cell`.**` (one cell per step, on one line)",
                    i + 1
                )
            });
            found.push(StepRef {
                line: i,
                first,
                lane,
                cells,
            });
        }
    }
    found
}

/// Checks `reference` against `table`; the problem in words, if any.
fn check_step_ref(reference: &StepRef, table: &Table) -> Option<String> {
    let Some(column) = table.lanes.iter().position(|l| *l == reference.lane) else {
        return Some(format!(
            "names lane `{}`, but the trace's lanes are {:?}",
            reference.lane, table.lanes
        ));
    };
    reference
        .cells
        .iter()
        .enumerate()
        .find_map(|(offset, cell)| {
            let step = reference.first + offset;
            let actual = table.rows.get(step - 1).map(|row| row[column].as_str());
            (actual != Some(cell.as_str())).then(|| match actual {
                Some(actual) => format!(
                    "says step {step} of {} is `{cell}`, but the trace has `{actual}`",
                    reference.lane
                ),
                None => format!(
                    "names step {step}, but the trace has {} steps",
                    table.rows.len()
                ),
            })
        })
}

#[test]
fn traces_in_the_docs_are_the_binarys_current_output() {
    let bless = std::env::var("DRAINPROOF_BLESS").is_ok_and(|v| v == "1");
    let mut checked = Vec::new();
    let mut stale = Vec::new();
    let mut step_refs_checked = 0;
    for path in markdown_files() {
        let text = fs::read_to_string(&path).expect("a readable markdown file");
        let name = path
            .strip_prefix(env!("CARGO_MANIFEST_DIR"))
            .unwrap_or(&path)
            .display()
            .to_string();
        let original: Vec<&str> = text.lines().collect();
        let found = blocks(&name, &original);
        let outputs: Vec<String> = found
            .iter()
            .map(|block| run(&block.args, &format!("{name}:{}", block.marker_line)))
            .collect();
        let mut lines: Vec<String> = original.iter().map(|l| l.to_string()).collect();
        let mut rewritten = false;
        // Back to front, so that splicing a block does not move the ones before it.
        for (block, output) in found.iter().zip(&outputs).rev() {
            let place = format!("{name}:{}", block.marker_line);
            let inside = &original[block.first..block.end];
            checked.push(block.args.clone());
            let difference = if block.lang == "json" {
                let docs = comparable_json(&inside.join("\n"), &place, "docs'");
                let binary = comparable_json(output, &place, "binary's");
                json_difference(&docs, &binary, "$")
            } else {
                let expected = normalise(inside.iter().copied());
                let actual = normalise(output.lines());
                (expected != actual).then(|| first_difference(&expected, &actual))
            };
            let Some(difference) = difference else {
                continue;
            };
            if bless {
                let one_line = inside.iter().filter(|l| !l.trim().is_empty()).count() == 1;
                let fresh_text = if block.lang == "json" && !one_line {
                    let value: Value = serde_json::from_str(output).expect("the binary's JSON");
                    serde_json::to_string_pretty(&value).expect("JSON prints")
                } else {
                    output.clone()
                };
                let fresh: Vec<String> = fresh_text
                    .lines()
                    .map(|l| l.trim_end().to_string())
                    .collect();
                let keep = fresh.len() - fresh.iter().rev().take_while(|l| l.is_empty()).count();
                lines.splice(block.first..block.end, fresh.into_iter().take(keep));
                rewritten = true;
            } else {
                stale.push(format!(
                    "{place}: the block for `drainproof {}` is stale; {difference}\n\
                     --- current output ---\n{output}",
                    block.args
                ));
            }
        }
        // The walkthroughs' step lead-ins, against the trace of the nearest block above.
        for reference in step_refs(&name, &original) {
            let place = format!("{name}:{}", reference.line + 1);
            let owner = found
                .iter()
                .zip(&outputs)
                .rev()
                .find(|(block, _)| block.end < reference.line);
            let Some(trace) = owner.and_then(|(_, output)| table(output)) else {
                stale.push(format!(
                    "{place}: a step lead-in with no text trace above it to refer to"
                ));
                continue;
            };
            step_refs_checked += 1;
            if let Some(problem) = check_step_ref(&reference, &trace) {
                stale.push(format!(
                    "{place}: the prose is stale: it {problem} (fix the prose by hand; \
                     blessing rewrites only the blocks)"
                ));
            }
        }
        if rewritten {
            let mut new_text = lines.join("\n");
            if text.ends_with('\n') {
                new_text.push('\n');
            }
            fs::write(&path, new_text).expect("a writable markdown file");
            eprintln!("blessed {name}");
        }
    }
    assert!(
        checked
            .iter()
            .any(|args| args == "check --protocol empty-poll --workers 1 --jobs 1 --checker loom"),
        "docs/reading-traces.md must embed the seed's counterexample; found blocks for {checked:?}"
    );
    assert!(
        step_refs_checked > 0,
        "the walkthrough in docs/reading-traces.md names no steps (`**Step N, lane: `cell`.**`)"
    );
    assert!(
        stale.is_empty(),
        "{}\n\nIf the change is intended, run \
         `DRAINPROOF_BLESS=1 cargo test --release --features loom docs_traces::` \
         and review `git diff docs/`.",
        stale.join("\n\n")
    );
}

#[test]
fn blocks_are_found_between_markers_with_their_arguments() {
    let text = "intro\n\
                <!-- begin: check --protocol sentinel --workers 1 --jobs 0 -->\n\
                \n\
                ```text\n\
                a\n\
                b\n\
                ```\n\
                <!-- end -->\n\
                ```sh\n\
                not checked\n\
                ```\n";
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(
        blocks("t.md", &lines),
        vec![Block {
            args: "check --protocol sentinel --workers 1 --jobs 0".into(),
            lang: "text".into(),
            first: 4,
            end: 6,
            marker_line: 2,
        }]
    );
}

#[test]
#[should_panic(expected = "t.md:1: `<!-- end -->` must follow the fenced block")]
fn a_block_without_its_end_marker_is_an_error() {
    blocks(
        "t.md",
        &["<!-- begin: check -->", "```", "x", "```", "text"],
    );
}

#[test]
fn only_wall_clock_seconds_are_masked() {
    assert_eq!(
        mask_seconds("sentinel W=1 J=3 C=1: proved [loom; 29932 executions, 3.43s]"),
        "sentinel W=1 J=3 C=1: proved [loom; 29932 executions, <seconds>]"
    );
    assert_eq!(mask_seconds("took 12.5s."), "took <seconds>.");
    // Not durations: no fraction, another unit, part of a word, a version.
    for kept in ["15 steps", "3s", "0.5ms", "v1.2s3", "dp1:e5", "1.2.3s"] {
        assert_eq!(mask_seconds(kept), kept);
    }
    assert_eq!(
        normalise(["a  ", "0.00s\t", "", ""]),
        vec!["a".to_string(), "<seconds>".to_string()]
    );
    assert_ne!(
        normalise(["16 executions, 0.01s"]),
        normalise(["17 executions, 0.01s"])
    );
}

#[test]
fn json_blocks_compare_values_not_layout_and_ignore_seconds() {
    let docs = comparable_json(
        "{\n  \"executions\": 17,\n  \"seconds\": 0.5,\n  \"replay\": \"dp1:x:e6\"\n}",
        "t.md:1",
        "docs'",
    );
    let same = comparable_json(
        r#"{"replay":"dp1:x:e6","seconds":12.25,"executions":17}"#,
        "t.md:1",
        "binary's",
    );
    assert_eq!(json_difference(&docs, &same, "$"), None);
    let more = comparable_json(
        r#"{"replay":"dp1:x:e6","seconds":0.5,"executions":18}"#,
        "t.md:1",
        "binary's",
    );
    assert_eq!(
        json_difference(&docs, &more, "$").as_deref(),
        Some("$.executions: docs 17 / binary 18")
    );
    let nested = |e: &str| comparable_json(&format!(r#"{{"a":[{{"b":"{e}"}}]}}"#), "t.md:1", "x");
    assert_eq!(
        json_difference(&nested("e5"), &nested("e6"), "$").as_deref(),
        Some(r#"$.a[0].b: docs "e5" / binary "e6""#)
    );
}

#[test]
fn step_lead_ins_are_read_and_checked_against_the_trace() {
    let trace = "header\n\
                 step | producer    | worker-0 | state after\n   \
                 1 | put job 0   |          | buffer [j0]\n   \
                 2 |             | exit     | buffer [j0]\n\
                 violation: ...";
    let table = table(trace).expect("a table");
    assert_eq!(table.lanes, ["producer", "worker-0"]);
    assert_eq!(table.rows.len(), 2);
    let lines = [
        "- **Step 1, producer: `put job 0`.** text",
        "- **Steps 1–2, worker-0: ``, `exit`.** and **bold** text, **Step** alone",
        "- **Step 2, producer: `exit`.**",
        "- **Step 3, worker-0: `exit`.**",
        "- **Step 1, worker-9: `exit`.**",
    ];
    let refs = step_refs("t.md", &lines);
    assert_eq!(refs.len(), 5);
    assert_eq!(
        refs[1],
        StepRef {
            line: 1,
            first: 1,
            lane: "worker-0".into(),
            cells: vec!["".into(), "exit".into()],
        }
    );
    let problems: Vec<Option<String>> = refs.iter().map(|r| check_step_ref(r, &table)).collect();
    assert_eq!(problems[0], None);
    assert_eq!(problems[1], None);
    assert_eq!(
        problems[2].as_deref(),
        Some("says step 2 of producer is `exit`, but the trace has ``")
    );
    assert_eq!(
        problems[3].as_deref(),
        Some("names step 3, but the trace has 2 steps")
    );
    assert!(
        problems[4]
            .as_deref()
            .unwrap()
            .starts_with("names lane `worker-9`")
    );
}

#[test]
#[should_panic(expected = "t.md:1: a step lead-in must read")]
fn a_step_lead_in_that_does_not_parse_is_an_error() {
    // Two steps named, one cell given.
    step_refs("t.md", &["**Steps 1–2, producer: `put job 0`.**"]);
}
