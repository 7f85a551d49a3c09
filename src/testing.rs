//! What the unit tests share: the line a skipped test prints.

use std::fmt::Display;
use std::io::Write as _;

/// Says that the running test is skipped and why, as one line on the terminal: `skipped
/// <test>: <why>`. It writes to stderr itself, because the test harness captures what
/// `println!` and `eprintln!` print in a test that passes, and a skipped test passes.
pub(crate) fn skip(why: impl Display) {
    let thread = std::thread::current();
    // The harness runs each test on a thread named after it (but on `main` with one thread).
    let line = match thread.name() {
        Some(test) if test != "main" => format!("skipped {test}: {why}\n"),
        _ => format!("skipped: {why}\n"),
    };
    // One write, so lines of tests running at once do not interleave.
    let _ = std::io::stderr().lock().write_all(line.as_bytes());
}
