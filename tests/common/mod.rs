//! What the integration tests share: running the built `drainproof` binary.
// Each test crate uses a different part of this module.
#![allow(dead_code)]

use std::process::Command;

/// One run of the binary.
pub struct Run {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

/// Runs `drainproof` with `args` and waits for it.
pub fn drainproof<S: AsRef<std::ffi::OsStr>>(args: &[S]) -> Run {
    let output = Command::new(env!("CARGO_BIN_EXE_drainproof"))
        .args(args)
        .output()
        .expect("the binary runs");
    Run {
        code: output
            .status
            .code()
            .expect("exited, not killed by a signal"),
        stdout: String::from_utf8(output.stdout).expect("utf-8 stdout"),
        stderr: String::from_utf8(output.stderr).expect("utf-8 stderr"),
    }
}

/// Whether the test should rewrite its expected files instead of comparing
/// (`DRAINPROOF_BLESS=1`).
pub fn blessing() -> bool {
    std::env::var_os("DRAINPROOF_BLESS").is_some()
}
