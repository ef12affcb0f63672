//! How the command line writes: reports to stdout (a closed pipe ends them quietly), errors as
//! one line on stderr with exit code 2.

use clap::error::ErrorKind;
use std::io::Write;
use std::process::ExitCode;

/// Exit code for bad usage or configuration.
pub const USAGE: u8 = 2;

/// Writes to stdout. A closed pipe (`drainproof ... | head`) ends the output quietly.
pub fn emit(text: &str) {
    let mut out = std::io::stdout().lock();
    let _ = out.write_all(text.as_bytes()).and_then(|()| out.flush());
}

/// Prints `error` as one line on stderr and returns the usage exit code.
pub fn fail(error: &str) -> ExitCode {
    let line = error.split_whitespace().collect::<Vec<_>>().join(" ");
    eprintln!("drainproof: {line}");
    ExitCode::from(USAGE)
}

/// clap's errors, in one line. Help and version requests print as clap prints them.
pub fn clap_error(error: clap::Error) -> ExitCode {
    match error.kind() {
        ErrorKind::DisplayHelp
        | ErrorKind::DisplayVersion
        | ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand => {
            let _ = error.print();
            ExitCode::from(error.exit_code().clamp(0, 255) as u8)
        }
        _ => {
            // The rendered error: `error: ...`, indented details (possible values, tips), then
            // the usage and a pointer to --help, which one line cannot hold.
            let rendered = error.render().to_string();
            let parts: Vec<&str> = rendered
                .lines()
                .map(str::trim)
                .filter(|line| {
                    !line.is_empty()
                        && !line.starts_with("Usage:")
                        && !line.starts_with("For more information")
                })
                .map(|line| line.strip_prefix("error: ").unwrap_or(line))
                .collect();
            fail(&format!("{} (see --help)", parts.join(" ")))
        }
    }
}
