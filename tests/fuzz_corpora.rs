//! Replays the fuzzers' committed inputs — `fuzz/corpus/<target>/` and the crash
//! reproducers in `fuzz/regressions/<target>/` — through the same checks the fuzz
//! targets run (`fuzz/checks.rs`), so plain `cargo test` keeps them passing without
//! cargo-fuzz. The long runs themselves are `./fuzz/run` (see docs/testing.md, "Fuzzing").

use std::fs;
use std::panic;
use std::path::Path;
use std::sync::mpsc;
use std::thread;
use std::time::Duration;

#[path = "../fuzz/checks.rs"]
mod checks;

/// Longest one input may take in a debug build before it counts as a hang (the fuzz
/// runs stop at 10 s per input in an optimised build). The largest committed input
/// takes well under a second.
const TIME_LIMIT: Duration = Duration::from_secs(20);

fn replay(target: &str, check: fn(&[u8])) {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("fuzz");
    let mut files = Vec::new();
    for dir in ["corpus", "regressions"] {
        let Ok(entries) = fs::read_dir(root.join(dir).join(target)) else {
            continue;
        };
        files.extend(entries.map(|e| e.unwrap().path()).filter(|p| p.is_file()));
    }
    files.sort();
    assert!(!files.is_empty(), "no inputs for fuzz target {target}");
    let mut failed = Vec::new();
    for path in &files {
        let data = fs::read(path).unwrap();
        let name = path.strip_prefix(&root).unwrap().display().to_string();
        // On a thread, so that a hang is reported instead of stalling the test run
        // (the thread is abandoned and ends with the test process).
        let (done, result) = mpsc::channel();
        thread::spawn(move || {
            let _ = done.send(panic::catch_unwind(|| check(&data)).is_ok());
        });
        match result.recv_timeout(TIME_LIMIT) {
            Ok(true) => {}
            Ok(false) | Err(mpsc::RecvTimeoutError::Disconnected) => failed.push(name),
            Err(mpsc::RecvTimeoutError::Timeout) => {
                eprintln!("{name}: still running after {TIME_LIMIT:?}");
                failed.push(name + " (hang)");
            }
        }
    }
    assert!(
        failed.is_empty(),
        "{} of {} inputs of fuzz target {target} fail (messages above): {failed:?}",
        failed.len(),
        files.len()
    );
}

#[test]
fn cookie_inputs() {
    replay("cookie", checks::cookie);
}

#[test]
fn config_inputs() {
    replay("config", checks::config);
}

#[test]
fn policy_inputs() {
    replay("policy", checks::policy);
}

/// The HTML check must itself catch what it is there to catch.
#[test]
fn html_check_rejects_unsafe_markup() {
    checks::check_html(
        "<article class=\"doui-policy\" lang=\"ja\"><h1 id=\"a\">x &lt;script&gt;</h1>\
         <p><a href=\"https://example.com/\" target=\"_blank\" rel=\"noopener noreferrer\">e</a>\
         <img src=\"/a.png\" alt=\"a\"><th style=\"text-align: left\"></th></p></article>",
    );
    for bad in [
        "<p><script>alert(1)</script></p>",
        "<h1 id=\"a\" onmouseover=\"alert(1)\">x</h1>",
        "<a href=\"javascript:alert(1)\">x</a>",
        "<a href=\" JaVa&#x09;Script&colon;alert(1)\">x</a>",
        "<img src=\"https://evil.example/x.png\">",
        "<img src=\"//evil.example/x.png\">",
        "<p style=\"background: url(x)\">x</p>",
        "<p title=x>x</p>",
        "<p>a < b</p>",
        "<iframe src=\"/x\"></iframe>",
        "<h1 x=\"1\">x</h1>",
    ] {
        let caught = panic::catch_unwind(|| checks::check_html(bad)).is_err();
        assert!(caught, "check_html accepts {bad:?}");
    }
}
