//! What `GET /v1/jobs/{id}` answers from: the state of each job this server enqueued, kept in
//! memory and bounded.
//!
//! A job enters as `queued` when `POST /v1/jobs` or the webhook takes it, and leaves that state
//! when its record arrives on the results exchange (`done`) or the job reaches the dead-letter
//! exchange (`dead_lettered`); [`super::broker`] feeds both. Only jobs enqueued here are
//! tracked, so other publishers' traffic cannot fill the map.
//!
//! Bounded twice: at most `max_jobs` entries and at most [`MAX_RECORD_BYTES`] of stored records;
//! the oldest entries go first. Nothing survives a restart, and a result that arrives while the
//! server is disconnected from the broker is missed (the job stays `queued`). The durable truth
//! is the archive and whatever durable queue is bound to the results exchange.

use std::collections::{HashMap, VecDeque};
use std::sync::{Arc, Mutex};

use jiff::Timestamp;
use serde::Serialize;
use serde_json::value::RawValue;

/// Total size of the records kept for `GET /v1/jobs/{id}`; older entries are dropped to stay
/// under it. A single record larger than this is kept without its body.
pub const MAX_RECORD_BYTES: usize = 64 * 1024 * 1024;

/// Where a job is, as far as this server has seen.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "state", rename_all = "snake_case")]
pub enum JobState {
    /// Published to the job queue and confirmed by the broker; no result seen yet.
    Queued,
    /// The worker published the job's record.
    Done {
        /// The record's status (`verified`, `warnings`, `failed`, `unsigned`, `error`).
        status: String,
        /// The record, unless it was too large to keep.
        #[serde(skip_serializing_if = "Option::is_none")]
        record: Option<SharedRecord>,
    },
    /// The job reached the dead-letter exchange without a record: a bad job, a document that
    /// could not be fetched, retries exhausted, or the queue's delivery limit.
    DeadLettered {
        /// Stable code (`malformed_job`, `document_unavailable`, `retries_exhausted`,
        /// `delivery_limit`, …).
        reason_code: String,
        /// What happened, for people.
        reason: String,
    },
}

/// A record's JSON as it arrived, shared so that answering a GET copies no record under the
/// lock. (A newtype because serde serializes `Arc` only with its `rc` feature.)
#[derive(Debug, Clone)]
pub struct SharedRecord(pub Arc<RawValue>);

impl PartialEq for SharedRecord {
    fn eq(&self, other: &Self) -> bool {
        self.0.get() == other.0.get()
    }
}

impl Serialize for SharedRecord {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        self.0.serialize(serializer)
    }
}

/// One job as `GET /v1/jobs/{id}` shows it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct JobView {
    /// The job's id.
    pub job_id: String,
    /// Its state, flattened into the object (`state` plus that state's fields).
    #[serde(flatten)]
    pub state: JobState,
    /// When the broker confirmed the job.
    pub queued_at: Timestamp,
    /// When the result arrived; absent while queued.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub finished_at: Option<Timestamp>,
}

/// The job id is already tracked: a second job under it would make its state ambiguous.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AlreadyTracked;

/// The bounded map of job states.
#[derive(Debug)]
pub struct Tracker {
    max_jobs: usize,
    inner: Mutex<Inner>,
}

#[derive(Debug, Default)]
struct Inner {
    jobs: HashMap<String, Entry>,
    /// Insertion order with each entry's sequence number, oldest first. An id whose entry was
    /// forgotten (or re-inserted under a newer number) is skipped when it reaches the front.
    order: VecDeque<(String, u64)>,
    next_seq: u64,
    record_bytes: usize,
}

#[derive(Debug)]
struct Entry {
    seq: u64,
    view: JobView,
}

impl Entry {
    fn record_len(&self) -> usize {
        match &self.view.state {
            JobState::Done {
                record: Some(r), ..
            } => r.0.get().len(),
            _ => 0,
        }
    }
}

impl Tracker {
    /// An empty tracker holding at most `max_jobs` jobs (at least one).
    pub fn new(max_jobs: usize) -> Self {
        Tracker {
            max_jobs: max_jobs.max(1),
            inner: Mutex::new(Inner::default()),
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Inner> {
        // A panic while holding the lock leaves consistent data (every update is a single
        // insert or remove), so a poisoned lock is still usable.
        self.inner.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Starts tracking `job_id` as queued, dropping the oldest job when full.
    pub fn insert_queued(&self, job_id: &str) -> Result<(), AlreadyTracked> {
        let mut inner = self.lock();
        if inner.jobs.contains_key(job_id) {
            return Err(AlreadyTracked);
        }
        while inner.jobs.len() >= self.max_jobs && inner.evict_oldest(None) {}
        if inner.order.len() >= 2 * self.max_jobs {
            // Forgotten jobs leave stale positions behind; without this, a broker that refuses
            // every publish would grow the queue without bound.
            let Inner { jobs, order, .. } = &mut *inner;
            order.retain(|(id, seq)| jobs.get(id).is_some_and(|e| e.seq == *seq));
        }
        let seq = inner.next_seq;
        inner.next_seq += 1;
        inner.order.push_back((job_id.to_owned(), seq));
        inner.jobs.insert(
            job_id.to_owned(),
            Entry {
                seq,
                view: JobView {
                    job_id: job_id.to_owned(),
                    state: JobState::Queued,
                    queued_at: Timestamp::now(),
                    finished_at: None,
                },
            },
        );
        Ok(())
    }

    /// Stops tracking `job_id` (its publish failed, so it is not queued after all).
    pub fn forget(&self, job_id: &str) {
        let mut inner = self.lock();
        if let Some(entry) = inner.jobs.remove(job_id) {
            inner.record_bytes -= entry.record_len();
        }
    }

    /// The job's record arrived. Returns false when the job is not tracked here.
    pub fn done(&self, job_id: &str, status: &str, record: Arc<RawValue>) -> bool {
        let mut inner = self.lock();
        let len = record.get().len();
        // A record too large for the whole budget is not kept; the status still is.
        let record = (len <= MAX_RECORD_BYTES).then_some(SharedRecord(record));
        let Some(entry) = inner.jobs.get_mut(job_id) else {
            return false;
        };
        let old = entry.record_len();
        entry.view.state = JobState::Done {
            status: status.to_owned(),
            record,
        };
        entry.view.finished_at = Some(Timestamp::now());
        let new = entry.record_len();
        let seq = entry.seq;
        inner.record_bytes = inner.record_bytes - old + new;
        // Oldest first, but never the entry just updated: its record fits the budget alone.
        while inner.record_bytes > MAX_RECORD_BYTES && inner.evict_oldest(Some(seq)) {}
        true
    }

    /// The job was dead-lettered. A job whose record already arrived stays `done`: the worker
    /// publishes an error record and then dead-letters the job, and the record says more.
    /// Returns false when the job is not tracked here.
    pub fn dead_lettered(&self, job_id: &str, reason_code: &str, reason: &str) -> bool {
        let mut inner = self.lock();
        let Some(entry) = inner.jobs.get_mut(job_id) else {
            return false;
        };
        if matches!(entry.view.state, JobState::Queued) {
            entry.view.state = JobState::DeadLettered {
                reason_code: reason_code.to_owned(),
                reason: reason.to_owned(),
            };
            entry.view.finished_at = Some(Timestamp::now());
        }
        true
    }

    /// The job's state, when tracked.
    pub fn get(&self, job_id: &str) -> Option<JobView> {
        self.lock().jobs.get(job_id).map(|e| e.view.clone())
    }

    /// How many jobs are tracked.
    pub fn len(&self) -> usize {
        self.lock().jobs.len()
    }

    /// True when no job is tracked.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

impl Inner {
    /// Drops the oldest live entry unless it is the one numbered `keep`; false when nothing
    /// was dropped.
    fn evict_oldest(&mut self, keep: Option<u64>) -> bool {
        while let Some((id, seq)) = self.order.pop_front() {
            let live = self.jobs.get(&id).is_some_and(|e| e.seq == seq);
            if !live {
                // Forgotten or re-inserted later: a stale position, drop it and look further.
                continue;
            }
            if keep == Some(seq) {
                self.order.push_front((id, seq));
                return false;
            }
            if let Some(entry) = self.jobs.remove(&id) {
                self.record_bytes -= entry.record_len();
            }
            return true;
        }
        false
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn raw(text: &str) -> Arc<RawValue> {
        Arc::from(RawValue::from_string(text.to_owned()).unwrap())
    }

    #[test]
    fn queued_then_done_with_the_record() {
        let t = Tracker::new(10);
        assert!(t.get("a").is_none());
        t.insert_queued("a").unwrap();
        assert_eq!(t.get("a").unwrap().state, JobState::Queued);
        assert!(t.done("a", "verified", raw(r#"{"status":"verified"}"#)));
        let view = t.get("a").unwrap();
        let json = serde_json::to_value(&view).unwrap();
        assert_eq!(json["state"], "done");
        assert_eq!(json["status"], "verified");
        assert_eq!(json["record"]["status"], "verified");
        assert!(json["finished_at"].is_string());
        // Results for jobs enqueued elsewhere are not tracked.
        assert!(!t.done("other", "verified", raw("{}")));
        assert!(t.get("other").is_none());
    }

    #[test]
    fn a_tracked_id_cannot_be_queued_twice_until_forgotten() {
        let t = Tracker::new(10);
        t.insert_queued("a").unwrap();
        assert_eq!(t.insert_queued("a"), Err(AlreadyTracked));
        t.forget("a");
        assert!(t.get("a").is_none());
        t.insert_queued("a").unwrap();
    }

    #[test]
    fn dead_letter_after_the_record_keeps_the_record() {
        let t = Tracker::new(10);
        t.insert_queued("a").unwrap();
        t.insert_queued("b").unwrap();
        assert!(t.dead_lettered("a", "malformed_job", "bad"));
        let a = serde_json::to_value(t.get("a").unwrap()).unwrap();
        assert_eq!(a["state"], "dead_lettered");
        assert_eq!(a["reason_code"], "malformed_job");
        t.done("b", "error", raw(r#"{"status":"error"}"#));
        t.dead_lettered("b", "document_error", "broken");
        assert!(matches!(
            t.get("b").unwrap().state,
            JobState::Done { ref status, .. } if status == "error"
        ));
    }

    #[test]
    fn oldest_jobs_are_dropped_when_full() {
        let t = Tracker::new(3);
        for id in ["a", "b", "c", "d"] {
            t.insert_queued(id).unwrap();
        }
        assert_eq!(t.len(), 3);
        assert!(t.get("a").is_none());
        assert!(t.get("d").is_some());
        // A forgotten id re-inserted is young again: the stale position does not evict it.
        t.forget("b");
        t.insert_queued("b").unwrap();
        t.insert_queued("e").unwrap();
        assert!(t.get("b").is_some(), "b was re-inserted after c and d");
        assert!(t.get("c").is_none());
        // Stale positions of forgotten jobs do not pile up.
        for _ in 0..100 {
            t.insert_queued("x").unwrap();
            t.forget("x");
        }
        assert!(t.lock().order.len() <= 6, "{}", t.lock().order.len());
    }

    #[test]
    fn record_bytes_are_bounded() {
        let t = Tracker::new(1000);
        // Two quotes around: each record is exactly half the budget.
        let big = format!("\"{}\"", "x".repeat(MAX_RECORD_BYTES / 2 - 2));
        for id in ["a", "b", "c"] {
            t.insert_queued(id).unwrap();
            assert!(t.done(id, "unsigned", raw(&big)));
        }
        // Two halves fit; the third pushed the oldest out.
        assert!(t.get("a").is_none());
        assert!(t.get("b").is_some() && t.get("c").is_some());
        assert!(t.lock().record_bytes <= MAX_RECORD_BYTES);
        // One record over the whole budget keeps its status but not its body.
        let huge = format!("\"{}\"", "x".repeat(MAX_RECORD_BYTES));
        t.insert_queued("h").unwrap();
        t.done("h", "unsigned", raw(&huge));
        assert!(matches!(
            t.get("h").unwrap().state,
            JobState::Done { record: None, .. }
        ));
    }
}
