//! The worker's Prometheus metrics, written by hand in the text exposition format: a handful
//! of counters and one histogram do not justify a registry crate.
//!
//! Names follow `facts.md`: `arkivar_` prefix, base units, counters end in `_total`.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, AtomicI64, AtomicU64, Ordering};
use std::time::Duration;

/// Upper bounds of the job duration histogram, in seconds.
const BUCKETS: [f64; 10] = [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 10.0, 60.0];

/// Everything `/metrics` shows.
#[derive(Debug, Default)]
pub struct Metrics {
    jobs: Mutex<BTreeMap<String, u64>>,
    dead: Mutex<BTreeMap<String, u64>>,
    buckets: [AtomicU64; BUCKETS.len()],
    duration_count: AtomicU64,
    duration_micros: AtomicU64,
    in_flight: AtomicI64,
    retries: AtomicU64,
    archive_retries: AtomicU64,
    connections: AtomicU64,
    /// True while connected and consuming: what `/readyz` answers.
    pub ready: AtomicBool,
}

fn bump(map: &Mutex<BTreeMap<String, u64>>, key: &str) {
    // A poisoned lock only means another thread panicked mid-increment; the counts are
    // still usable.
    let mut map = map.lock().unwrap_or_else(|p| p.into_inner());
    *map.entry(key.to_owned()).or_default() += 1;
}

impl Metrics {
    /// A job finished with `outcome` (a record status, `malformed`, `retried`, …) after `took`.
    pub fn job_done(&self, outcome: &str, took: Duration) {
        bump(&self.jobs, outcome);
        let secs = took.as_secs_f64();
        for (bucket, bound) in self.buckets.iter().zip(BUCKETS) {
            if secs <= bound {
                bucket.fetch_add(1, Ordering::Relaxed);
            }
        }
        self.duration_count.fetch_add(1, Ordering::Relaxed);
        self.duration_micros
            .fetch_add(took.as_micros() as u64, Ordering::Relaxed);
    }

    /// A job went to the dead-letter exchange for `code`.
    pub fn dead_lettered(&self, code: &str) {
        bump(&self.dead, code);
    }

    /// A job went round a retry queue.
    pub fn retried(&self) {
        self.retries.fetch_add(1, Ordering::Relaxed);
    }

    /// The archive sink retried a request.
    pub fn archive_retried(&self) {
        self.archive_retries.fetch_add(1, Ordering::Relaxed);
    }

    /// A connection to the broker was made.
    pub fn connected(&self) {
        self.connections.fetch_add(1, Ordering::Relaxed);
    }

    /// Counts a job in flight until the guard drops.
    pub fn in_flight(&self) -> InFlight<'_> {
        self.in_flight.fetch_add(1, Ordering::Relaxed);
        InFlight(self)
    }

    /// The text exposition.
    pub fn render(&self) -> String {
        let mut out = String::new();
        let labelled = |out: &mut String,
                        name: &str,
                        help: &str,
                        label: &str,
                        map: &Mutex<BTreeMap<String, u64>>| {
            let _ = writeln!(out, "# HELP {name} {help}\n# TYPE {name} counter");
            let map = map.lock().unwrap_or_else(|p| p.into_inner());
            for (k, v) in map.iter() {
                let _ = writeln!(out, "{name}{{{label}=\"{k}\"}} {v}");
            }
        };
        labelled(
            &mut out,
            "arkivar_jobs_total",
            "Jobs finished, by outcome (record status, malformed, retried, dead_lettered).",
            "outcome",
            &self.jobs,
        );
        labelled(
            &mut out,
            "arkivar_dead_lettered_total",
            "Jobs sent to the dead-letter exchange, by reason code.",
            "reason",
            &self.dead,
        );
        let simple = |out: &mut String, name: &str, kind: &str, help: &str, value: String| {
            let _ = writeln!(
                out,
                "# HELP {name} {help}\n# TYPE {name} {kind}\n{name} {value}"
            );
        };
        simple(
            &mut out,
            "arkivar_job_retries_total",
            "counter",
            "Jobs sent round a retry queue.",
            self.retries.load(Ordering::Relaxed).to_string(),
        );
        simple(
            &mut out,
            "arkivar_archive_retries_total",
            "counter",
            "Archive requests retried.",
            self.archive_retries.load(Ordering::Relaxed).to_string(),
        );
        simple(
            &mut out,
            "arkivar_broker_connections_total",
            "counter",
            "Connections made to the broker.",
            self.connections.load(Ordering::Relaxed).to_string(),
        );
        simple(
            &mut out,
            "arkivar_jobs_in_flight",
            "gauge",
            "Jobs being processed now.",
            self.in_flight.load(Ordering::Relaxed).to_string(),
        );
        simple(
            &mut out,
            "arkivar_ready",
            "gauge",
            "1 while connected and consuming.",
            u8::from(self.ready.load(Ordering::Relaxed)).to_string(),
        );
        let name = "arkivar_job_duration_seconds";
        let _ = writeln!(
            out,
            "# HELP {name} Time from delivery to settlement.\n# TYPE {name} histogram"
        );
        for (bucket, bound) in self.buckets.iter().zip(BUCKETS) {
            let _ = writeln!(
                out,
                "{name}_bucket{{le=\"{bound}\"}} {}",
                bucket.load(Ordering::Relaxed)
            );
        }
        let count = self.duration_count.load(Ordering::Relaxed);
        let _ = writeln!(out, "{name}_bucket{{le=\"+Inf\"}} {count}");
        let _ = writeln!(
            out,
            "{name}_sum {}",
            self.duration_micros.load(Ordering::Relaxed) as f64 / 1e6
        );
        let _ = writeln!(out, "{name}_count {count}");
        out
    }
}

/// Decrements the in-flight gauge when dropped, so every path out of a job counts.
pub struct InFlight<'a>(&'a Metrics);

impl Drop for InFlight<'_> {
    fn drop(&mut self) {
        self.0.in_flight.fetch_sub(1, Ordering::Relaxed);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn exposition_has_prefixed_names_and_counts() {
        let m = Metrics::default();
        m.job_done("verified", Duration::from_millis(30));
        m.dead_lettered("malformed_job");
        {
            let _g = m.in_flight();
            assert!(m.render().contains("arkivar_jobs_in_flight 1"));
        }
        let text = m.render();
        assert!(
            text.contains("arkivar_jobs_total{outcome=\"verified\"} 1"),
            "{text}"
        );
        assert!(text.contains("arkivar_dead_lettered_total{reason=\"malformed_job\"} 1"));
        assert!(text.contains("arkivar_job_duration_seconds_bucket{le=\"0.05\"} 1"));
        assert!(text.contains("arkivar_job_duration_seconds_bucket{le=\"0.025\"} 0"));
        assert!(text.contains("arkivar_jobs_in_flight 0"));
    }
}
