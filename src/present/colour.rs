//! Whether output is coloured, and the colours. `--color auto|always|never`: `auto` colours
//! only a terminal, and not when `NO_COLOR` is set to anything but the empty string
//! (<https://no-color.org>); `always` and `never` are the user's explicit word and win.

use std::ffi::OsStr;

use crate::record::{Severity, Status};

/// The user's choice of colour.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, clap::ValueEnum)]
pub enum Choice {
    /// Colour on a terminal, unless `NO_COLOR` is set.
    #[default]
    Auto,
    /// Colour even into a pipe or a file.
    Always,
    /// No colour.
    Never,
}

/// Whether to colour: `terminal` says whether the output is one, `no_color` is the value of
/// `NO_COLOR` when it is set.
pub fn enabled(choice: Choice, terminal: bool, no_color: Option<&OsStr>) -> bool {
    match choice {
        Choice::Always => true,
        Choice::Never => false,
        Choice::Auto => terminal && no_color.is_none_or(OsStr::is_empty),
    }
}

/// Paints text with ANSI SGR codes when colour is on, and passes it through when it is off.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Paint {
    on: bool,
}

impl Paint {
    /// A painter that colours when `on`.
    pub fn new(on: bool) -> Self {
        Paint { on }
    }

    /// Whether it colours.
    pub fn is_on(self) -> bool {
        self.on
    }

    fn sgr(self, code: &str, text: &str) -> String {
        if self.on && !text.is_empty() {
            format!("\x1b[{code}m{text}\x1b[0m")
        } else {
            text.to_owned()
        }
    }

    /// A status headline: green verified, yellow warnings, red failed or error.
    pub fn status(self, status: Status, text: &str) -> String {
        let code = match status {
            Status::Verified => "1;32",
            Status::Warnings => "1;33",
            Status::Failed | Status::Error => "1;31",
            Status::Unsigned => "1",
        };
        self.sgr(code, text)
    }

    /// A severity: red error, yellow warning, dim note.
    pub fn severity(self, severity: Severity, text: &str) -> String {
        let code = match severity {
            Severity::Error => "31",
            Severity::Warning => "33",
            Severity::Info => "2",
        };
        self.sgr(code, text)
    }

    /// Something that must not be missed: a broken signing's mark.
    pub fn alarm(self, text: &str) -> String {
        self.sgr("1;31", text)
    }

    /// Something to notice: an unchecked or untrusted signing's mark.
    pub fn caution(self, text: &str) -> String {
        self.sgr("33", text)
    }

    /// Secondary detail: codes, evidence keys.
    pub fn dim(self, text: &str) -> String {
        self.sgr("2", text)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn auto_colours_a_terminal_unless_no_color_is_set() {
        assert!(enabled(Choice::Auto, true, None));
        assert!(!enabled(Choice::Auto, false, None));
        assert!(!enabled(Choice::Auto, true, Some(OsStr::new("1"))));
        assert!(!enabled(Choice::Auto, true, Some(OsStr::new("false"))));
        // An empty NO_COLOR is as if unset (no-color.org).
        assert!(enabled(Choice::Auto, true, Some(OsStr::new(""))));
    }

    #[test]
    fn always_and_never_are_the_users_word() {
        assert!(enabled(Choice::Always, false, Some(OsStr::new("1"))));
        assert!(!enabled(Choice::Never, true, None));
    }

    #[test]
    fn paint_adds_escapes_only_when_on() {
        let off = Paint::new(false);
        assert_eq!(off.status(Status::Failed, "FAILED"), "FAILED");
        assert_eq!(off.alarm("BROKEN"), "BROKEN");
        let on = Paint::new(true);
        assert_eq!(
            on.status(Status::Failed, "FAILED"),
            "\x1b[1;31mFAILED\x1b[0m"
        );
        assert_eq!(on.dim(""), "");
    }
}
