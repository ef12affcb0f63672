//! What the integration tests share: running the built `drainproof` binary.

use std::process::Command;

/// One run of the binary.
pub struct Run {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

/// Runs `drainproof` with `args` and waits for it. Progress lines (which a search longer than
/// ten seconds prints on a piped stderr) are turned off, so that tests can demand an empty
/// stderr on a slow machine too; the progress tests turn them on.
pub fn drainproof<S: AsRef<std::ffi::OsStr>>(args: &[S]) -> Run {
    let output = Command::new(env!("CARGO_BIN_EXE_drainproof"))
        .args(args)
        .env("DRAINPROOF_PROGRESS_INTERVAL", "86400")
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
