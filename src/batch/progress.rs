//! Progress of a batch on stderr: an indicatif bar (documents/s, ETA) on a terminal, a plain
//! line every few seconds otherwise, so that a log file or CI output shows the run is alive
//! without a screenful of carriage returns.

use std::sync::Mutex;
use std::time::{Duration, Instant};

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

/// How often the plain form prints a line.
pub const PLAIN_INTERVAL: Duration = Duration::from_secs(5);

/// How progress is shown.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// An animated bar: stderr is a terminal.
    Bar,
    /// A line every `interval`.
    Plain { interval: Duration },
    /// Nothing.
    Hidden,
}

/// Counts finished documents and shows it.
#[derive(Debug)]
pub struct Progress {
    total: u64,
    started: Instant,
    kind: Kind,
}

#[derive(Debug)]
enum Kind {
    Bar(ProgressBar),
    Plain {
        interval: Duration,
        state: Mutex<(u64, Instant)>,
    },
    Hidden,
}

impl Progress {
    /// Progress over `total` documents.
    pub fn new(mode: Mode, total: u64) -> Self {
        let started = Instant::now();
        let kind = match mode {
            Mode::Bar => {
                let bar = ProgressBar::with_draw_target(Some(total), ProgressDrawTarget::stderr());
                // The template is a constant; if indicatif ever rejected it, the default bar
                // is still a bar.
                if let Ok(style) = ProgressStyle::with_template(
                    "{elapsed_precise} [{wide_bar}] {pos}/{len} documents · {per_sec} · ETA {eta}",
                ) {
                    bar.set_style(style.progress_chars("=> "));
                }
                bar.enable_steady_tick(Duration::from_millis(200));
                Kind::Bar(bar)
            }
            Mode::Plain { interval } => Kind::Plain {
                interval,
                state: Mutex::new((0, started)),
            },
            Mode::Hidden => Kind::Hidden,
        };
        Progress {
            total,
            started,
            kind,
        }
    }

    /// One more document is done.
    pub fn inc(&self) {
        match &self.kind {
            Kind::Bar(bar) => bar.inc(1),
            Kind::Plain { interval, state } => {
                let mut state = state.lock().unwrap_or_else(|p| p.into_inner());
                state.0 += 1;
                if state.1.elapsed() >= *interval {
                    state.1 = Instant::now();
                    eprintln!("{}", self.plain_line(state.0));
                }
            }
            Kind::Hidden => {}
        }
    }

    /// Clears the bar (the summary follows); the plain form prints its last line.
    pub fn finish(&self) {
        match &self.kind {
            Kind::Bar(bar) => bar.finish_and_clear(),
            Kind::Plain { state, .. } => {
                let done = state.lock().unwrap_or_else(|p| p.into_inner()).0;
                eprintln!("{}", self.plain_line(done));
            }
            Kind::Hidden => {}
        }
    }

    /// `arkivar: 120/1000 documents, 23.4/s, ETA 38 s`.
    fn plain_line(&self, done: u64) -> String {
        plain_line(done, self.total, self.started.elapsed())
    }
}

fn plain_line(done: u64, total: u64, elapsed: Duration) -> String {
    let secs = elapsed.as_secs_f64();
    let rate = if secs > 0.0 { done as f64 / secs } else { 0.0 };
    let eta = if rate > 0.0 && done < total {
        format!(", ETA {}", duration((total - done) as f64 / rate))
    } else {
        String::new()
    };
    format!("arkivar: {done}/{total} documents, {rate:.1}/s{eta}")
}

/// `38 s`, `12 min 5 s`, `3 h 20 min`: what a person reads at a glance in a log.
fn duration(secs: f64) -> String {
    // Whole seconds are precision enough for an estimate; a float beyond u64 is no real ETA.
    let secs = secs.round().clamp(0.0, u64::MAX as f64) as u64;
    match secs {
        0..60 => format!("{secs} s"),
        60..3600 => format!("{} min {} s", secs / 60, secs % 60),
        _ => format!("{} h {} min", secs / 3600, secs % 3600 / 60),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_line_has_rate_and_eta() {
        assert_eq!(
            plain_line(50, 150, Duration::from_secs(10)),
            "arkivar: 50/150 documents, 5.0/s, ETA 20 s"
        );
        assert_eq!(
            plain_line(0, 3, Duration::ZERO),
            "arkivar: 0/3 documents, 0.0/s"
        );
        assert_eq!(
            plain_line(3, 3, Duration::from_secs(1)),
            "arkivar: 3/3 documents, 3.0/s"
        );
    }

    #[test]
    fn long_etas_read_in_minutes_and_hours() {
        assert_eq!(
            plain_line(10, 1000, Duration::from_secs(10)),
            "arkivar: 10/1000 documents, 1.0/s, ETA 16 min 30 s"
        );
        assert_eq!(duration(59.4), "59 s");
        assert_eq!(duration(7260.0), "2 h 1 min");
    }
}
