//! Counters for `/metrics`, in the Prometheus text exposition format (version 0.0.4), every
//! name prefixed `arkivar_`.
//!
//! Hand-written rather than a metrics crate: a handful of counters, one histogram and one
//! gauge do not justify a registry, and the text format is small and stable.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::sync::Mutex;
use std::sync::atomic::{AtomicI64, AtomicU64, Ordering};
use std::time::Duration;

/// Upper bounds (seconds) of the pipeline-duration histogram's buckets.
const BUCKETS: [f64; 12] = [
    0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 10.0,
];

/// What the server counts.
#[derive(Debug, Default)]
pub struct Metrics {
    /// Requests by (route, status code).
    requests: Mutex<BTreeMap<(String, u16), u64>>,
    /// Documents by record status.
    documents: Mutex<BTreeMap<&'static str, u64>>,
    /// Cumulative bucket counts of pipeline durations (one more for `+Inf`).
    buckets: [AtomicU64; BUCKETS.len() + 1],
    /// Sum of pipeline durations in microseconds.
    sum_micros: AtomicU64,
    /// Documents in the pipeline or waiting for a permit.
    in_flight: AtomicI64,
    /// `POST /v1/verify` answers by where they came from (`hit`, `miss`).
    answers: Mutex<BTreeMap<&'static str, u64>>,
    /// Jobs the broker confirmed, by where they came from (`api`, `webhook`).
    jobs_enqueued: Mutex<BTreeMap<&'static str, u64>>,
    /// Results seen for jobs enqueued here, by state (`done`, `dead_lettered`).
    job_results: Mutex<BTreeMap<&'static str, u64>>,
    /// 1 while connected to the broker, 0 while not; absent without a broker configured.
    broker_connected: Mutex<Option<bool>>,
}

impl Metrics {
    /// Counts a finished request.
    pub fn request(&self, route: &str, code: u16) {
        let mut map = self.requests.lock().unwrap_or_else(|p| p.into_inner());
        *map.entry((route.to_owned(), code)).or_default() += 1;
    }

    /// Counts a `POST /v1/verify` answer by where it came from (`hit`, `miss`).
    pub fn answer_source(&self, source: &'static str) {
        *self
            .answers
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .entry(source)
            .or_default() += 1;
    }

    /// Counts a document the pipeline finished, and how long it took.
    pub fn document(&self, status: &'static str, took: Duration) {
        *self
            .documents
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .entry(status)
            .or_default() += 1;
        let secs = took.as_secs_f64();
        for (bucket, bound) in self.buckets.iter().zip(BUCKETS) {
            if secs <= bound {
                bucket.fetch_add(1, Ordering::Relaxed);
            }
        }
        self.buckets[BUCKETS.len()].fetch_add(1, Ordering::Relaxed);
        let micros = u64::try_from(took.as_micros()).unwrap_or(u64::MAX);
        self.sum_micros.fetch_add(micros, Ordering::Relaxed);
    }

    /// One more (or, with `-1`, one fewer) document in flight.
    pub fn in_flight(&self, delta: i64) {
        self.in_flight.fetch_add(delta, Ordering::Relaxed);
    }

    /// Counts a job the broker confirmed.
    pub fn job_enqueued(&self, source: &'static str) {
        *self
            .jobs_enqueued
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .entry(source)
            .or_default() += 1;
    }

    /// Counts a result (record or dead letter) for a job enqueued here.
    pub fn job_result(&self, state: &'static str) {
        *self
            .job_results
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .entry(state)
            .or_default() += 1;
    }

    /// Whether the server is connected to the broker now.
    pub fn broker_connected(&self, connected: bool) {
        *self
            .broker_connected
            .lock()
            .unwrap_or_else(|p| p.into_inner()) = Some(connected);
    }

    /// The exposition text.
    pub fn render(&self) -> String {
        let mut out = String::new();
        let _ = writeln!(
            out,
            "# HELP arkivar_build_info The arkivar version serving.\n# TYPE arkivar_build_info gauge\narkivar_build_info{{version=\"{}\"}} 1",
            env!("CARGO_PKG_VERSION")
        );
        let _ = writeln!(
            out,
            "# HELP arkivar_http_requests_total HTTP requests by route and status code.\n# TYPE arkivar_http_requests_total counter"
        );
        for ((route, code), n) in self
            .requests
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .iter()
        {
            let _ = writeln!(
                out,
                "arkivar_http_requests_total{{route=\"{}\",code=\"{code}\"}} {n}",
                escape_label(route)
            );
        }
        counter_family(
            &mut out,
            "arkivar_documents_total",
            "Documents verified, by record status.",
            "status",
            &self.documents,
        );
        counter_family(
            &mut out,
            "arkivar_verify_answers_total",
            "POST /v1/verify answers, from the answer cache (hit) or from running the pipeline (miss).",
            "source",
            &self.answers,
        );
        let _ = writeln!(
            out,
            "# HELP arkivar_pipeline_duration_seconds Time the pipeline took per document.\n# TYPE arkivar_pipeline_duration_seconds histogram"
        );
        for (bucket, bound) in self.buckets.iter().zip(BUCKETS) {
            let _ = writeln!(
                out,
                "arkivar_pipeline_duration_seconds_bucket{{le=\"{bound}\"}} {}",
                bucket.load(Ordering::Relaxed)
            );
        }
        let count = self.buckets[BUCKETS.len()].load(Ordering::Relaxed);
        let _ = writeln!(
            out,
            "arkivar_pipeline_duration_seconds_bucket{{le=\"+Inf\"}} {count}\n\
             arkivar_pipeline_duration_seconds_sum {}\n\
             arkivar_pipeline_duration_seconds_count {count}",
            self.sum_micros.load(Ordering::Relaxed) as f64 / 1e6
        );
        let _ = writeln!(
            out,
            "# HELP arkivar_documents_in_flight Documents being verified or waiting for a slot.\n# TYPE arkivar_documents_in_flight gauge\narkivar_documents_in_flight {}",
            self.in_flight.load(Ordering::Relaxed)
        );
        counter_family(
            &mut out,
            "arkivar_jobs_enqueued_total",
            "Jobs published to the job queue and confirmed, by source.",
            "source",
            &self.jobs_enqueued,
        );
        counter_family(
            &mut out,
            "arkivar_job_results_total",
            "Results seen for jobs enqueued here, by state.",
            "state",
            &self.job_results,
        );
        let connected = *self
            .broker_connected
            .lock()
            .unwrap_or_else(|p| p.into_inner());
        if let Some(connected) = connected {
            let _ = writeln!(
                out,
                "# HELP arkivar_broker_connected 1 while connected to the broker.\n# TYPE arkivar_broker_connected gauge\narkivar_broker_connected {}",
                u8::from(connected)
            );
        }
        out
    }
}

/// Label values escape `\`, `"` and newlines (exposition format § "Text format details").
fn escape_label(value: &str) -> String {
    value
        .replace('\\', "\\\\")
        .replace('"', "\\\"")
        .replace('\n', "\\n")
}

/// Writes one counter family whose single label takes the keys of `values`.
fn counter_family(
    out: &mut String,
    name: &str,
    help: &str,
    label: &str,
    values: &Mutex<BTreeMap<&'static str, u64>>,
) {
    let _ = writeln!(out, "# HELP {name} {help}\n# TYPE {name} counter");
    for (key, n) in values.lock().unwrap_or_else(|p| p.into_inner()).iter() {
        let _ = writeln!(out, "{name}{{{label}=\"{key}\"}} {n}");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn renders_counters_and_a_cumulative_histogram() {
        let m = Metrics::default();
        m.request("/v1/verify", 200);
        m.request("/v1/verify", 200);
        m.document("verified", Duration::from_millis(3));
        m.document("error", Duration::from_millis(30));
        let text = m.render();
        assert!(text.contains("arkivar_http_requests_total{route=\"/v1/verify\",code=\"200\"} 2"));
        assert!(text.contains("arkivar_documents_total{status=\"verified\"} 1"));
        assert!(text.contains("arkivar_pipeline_duration_seconds_bucket{le=\"0.005\"} 1"));
        assert!(text.contains("arkivar_pipeline_duration_seconds_bucket{le=\"0.05\"} 2"));
        assert!(text.contains("arkivar_pipeline_duration_seconds_count 2"));
        assert!(
            !text.contains("arkivar_broker_connected"),
            "no broker, no gauge"
        );
        m.job_enqueued("api");
        m.job_result("done");
        m.broker_connected(true);
        let text = m.render();
        assert!(text.contains("arkivar_jobs_enqueued_total{source=\"api\"} 1"));
        assert!(text.contains("arkivar_job_results_total{state=\"done\"} 1"));
        assert!(text.contains("arkivar_broker_connected 1"));
        for line in text.lines().filter(|l| !l.starts_with('#')) {
            assert!(line.starts_with("arkivar_"), "{line}");
        }
    }
}
