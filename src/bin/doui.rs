//! Command-line access to the same code the browser runs. The commands live in
//! `doui::cli`, shared with the npm package's `doui` command; this is only the I/O.

use std::io::Write;
use std::process::ExitCode;

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let outcome = doui::cli::run(&args, &mut |path| {
        std::fs::read_to_string(path).map_err(|e| e.to_string())
    });
    // A closed pipe (`doui render … | head`) is not worth a panic.
    let _ = std::io::stdout().write_all(outcome.stdout.as_bytes());
    let _ = std::io::stderr().write_all(outcome.stderr.as_bytes());
    ExitCode::from(u8::try_from(outcome.code).unwrap_or(1))
}
