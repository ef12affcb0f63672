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
//! `DRAINPROOF_BLESS=1` rewrites every stale block with the current output.
#![cfg(feature = "loom")]

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

#[test]
fn traces_in_the_docs_are_the_binarys_current_output() {
    let bless = std::env::var("DRAINPROOF_BLESS").is_ok_and(|v| v == "1");
    let mut checked = Vec::new();
    let mut stale = Vec::new();
    for path in markdown_files() {
        let text = fs::read_to_string(&path).expect("a readable markdown file");
        let name = path
            .strip_prefix(env!("CARGO_MANIFEST_DIR"))
            .unwrap_or(&path)
            .display()
            .to_string();
        let original: Vec<&str> = text.lines().collect();
        let found = blocks(&name, &original);
        let mut lines: Vec<String> = original.iter().map(|l| l.to_string()).collect();
        let mut rewritten = false;
        // Back to front, so that splicing a block does not move the ones before it.
        for block in found.iter().rev() {
            let place = format!("{name}:{}", block.marker_line);
            let output = run(&block.args, &place);
            let expected = normalise(original[block.first..block.end].iter().copied());
            let actual = normalise(output.lines());
            checked.push(block.args.clone());
            if expected == actual {
                continue;
            }
            if bless {
                let fresh: Vec<String> = output.lines().map(|l| l.trim_end().to_string()).collect();
                let keep = fresh.len() - fresh.iter().rev().take_while(|l| l.is_empty()).count();
                lines.splice(block.first..block.end, fresh.into_iter().take(keep));
                rewritten = true;
            } else {
                stale.push(format!(
                    "{place}: the block for `drainproof {}` is stale; {}\n--- current output ---\n{output}",
                    block.args,
                    first_difference(&expected, &actual)
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
        stale.is_empty(),
        "{}\n\nIf the change is intended, run \
         `DRAINPROOF_BLESS=1 cargo test --release --features loom --test docs_traces` \
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
