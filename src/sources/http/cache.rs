//! Answers of `POST /v1/verify` by content.
//!
//! The same bytes under the same server settings give the same record, so a document posted
//! again — a webhook retried, several subscribers checking one signed document, a client
//! polling — is answered from memory instead of being verified again, and identical requests
//! that arrive together share one run of the pipeline (single flight). The cache is bounded by
//! entries and bytes, oldest out first; an entry expires after its time to live, so findings
//! that depend on the clock (a signing time in the future) are judged again. A request with
//! `Cache-Control: no-cache` (or `no-store`) is always verified afresh.
//!
//! Only answers that follow from the bytes alone are kept (200, 413, 415, 422); a 500 is not.

use std::collections::{HashMap, VecDeque};
use std::future::Future;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use axum::body::Bytes;
use axum::http::StatusCode;
use sha2::{Digest, Sha256};
use tokio::sync::OnceCell;

/// Default number of answers kept.
pub const DEFAULT_ENTRIES: usize = 1024;
/// Default time an answer is reused.
pub const DEFAULT_TTL: Duration = Duration::from_secs(60);
/// Most bytes of answers kept, whatever the number of entries.
pub const DEFAULT_MAX_BYTES: usize = 64 * 1024 * 1024;

/// What identifies a request's answer: the SHA-256 of the PDF and of the file name the record
/// carries.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Key([u8; 32]);

impl Key {
    /// The key of a document's bytes and name.
    pub fn new(pdf: &[u8], name: Option<&str>) -> Key {
        Key::of_digest(&Sha256::digest(pdf).into(), name)
    }

    /// The key of a document whose SHA-256 is `pdf_sha256`.
    pub fn of_digest(pdf_sha256: &[u8; 32], name: Option<&str>) -> Key {
        let mut h = Sha256::new();
        h.update(pdf_sha256);
        // The name goes into the record; a length prefix keeps (pdf, name) pairs apart.
        let name = name.unwrap_or("");
        h.update((name.len() as u64).to_be_bytes());
        h.update(name.as_bytes());
        Key(h.finalize().into())
    }
}

/// One answer: the status code, the JSON body and the record's status for the metrics.
#[derive(Debug, Clone)]
pub struct Answer {
    /// HTTP status code.
    pub code: StatusCode,
    /// The serialised record.
    pub body: Bytes,
    /// The record's status (`verified`, …).
    pub status: &'static str,
}

impl Answer {
    /// True when the answer follows from the bytes alone and may be reused.
    fn reusable(&self) -> bool {
        matches!(
            self.code,
            StatusCode::OK
                | StatusCode::PAYLOAD_TOO_LARGE
                | StatusCode::UNSUPPORTED_MEDIA_TYPE
                | StatusCode::UNPROCESSABLE_ENTITY
        )
    }
}

/// Where an answer came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Source {
    /// From the cache, or from a run another request started.
    Hit,
    /// This request ran the pipeline.
    Miss,
}

impl Source {
    /// The `X-Arkivar-Cache` header value.
    pub fn as_str(self) -> &'static str {
        match self {
            Source::Hit => "hit",
            Source::Miss => "miss",
        }
    }
}

/// The cache's bounds.
#[derive(Debug, Clone, Copy)]
pub struct Bounds {
    /// Most answers kept; 0 turns the cache off.
    pub entries: usize,
    /// Most bytes of answers kept.
    pub bytes: usize,
    /// How long an answer is reused.
    pub ttl: Duration,
}

impl Default for Bounds {
    fn default() -> Self {
        Bounds {
            entries: DEFAULT_ENTRIES,
            bytes: DEFAULT_MAX_BYTES,
            ttl: DEFAULT_TTL,
        }
    }
}

type Slot = Arc<OnceCell<Answer>>;

/// Answers by [`Key`], with runs in progress shared.
#[derive(Debug)]
pub struct AnswerCache {
    bounds: Bounds,
    inner: Mutex<Inner>,
}

#[derive(Debug, Default)]
struct Inner {
    done: HashMap<Key, (Answer, Instant)>,
    /// Insertion order, for eviction; an entry replaced later is skipped when its turn comes.
    order: VecDeque<(Key, Instant)>,
    bytes: usize,
    running: HashMap<Key, Slot>,
}

impl AnswerCache {
    /// An empty cache within `bounds`.
    pub fn new(bounds: Bounds) -> Self {
        AnswerCache {
            bounds,
            inner: Mutex::new(Inner::default()),
        }
    }

    /// True when the cache keeps nothing.
    pub fn is_off(&self) -> bool {
        self.bounds.entries == 0
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Inner> {
        self.inner.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// The answer for `key`: kept, being computed by another request (then awaited), or
    /// computed here by `run`. `run` returning `None` (the pipeline task died) is passed on
    /// and nothing is kept.
    pub async fn get_or_run<F, Fut>(&self, key: Key, run: F) -> Option<(Answer, Source)>
    where
        F: FnOnce() -> Fut,
        Fut: Future<Output = Option<Answer>>,
    {
        if self.is_off() {
            return run().await.map(|a| (a, Source::Miss));
        }
        let slot = {
            let mut inner = self.lock();
            if let Some((answer, at)) = inner.done.get(&key) {
                if at.elapsed() <= self.bounds.ttl {
                    return Some((answer.clone(), Source::Hit));
                }
                inner.forget(&key);
            }
            inner.running.entry(key).or_default().clone()
        };
        // The request that gets to initialise the slot runs the pipeline; the others wait for
        // it. If that request goes away (client hung up), a waiting one takes over.
        let mut ran = false;
        let answer = slot
            .get_or_try_init(|| async {
                ran = true;
                run().await.ok_or(())
            })
            .await
            .ok()
            .cloned();
        let mut inner = self.lock();
        if inner
            .running
            .get(&key)
            .is_some_and(|s| Arc::ptr_eq(s, &slot))
        {
            inner.running.remove(&key);
            if let Some(a) = answer.as_ref().filter(|a| a.reusable()) {
                inner.keep(key, a.clone(), &self.bounds);
            }
        }
        answer.map(|a| (a, if ran { Source::Miss } else { Source::Hit }))
    }

    /// Keeps `answer` for `key`, replacing what was there (a request that bypassed the cache
    /// brings a fresh answer).
    pub fn put(&self, key: Key, answer: &Answer) {
        if self.is_off() || !answer.reusable() {
            return;
        }
        self.lock().keep(key, answer.clone(), &self.bounds);
    }

    /// Number of answers kept.
    pub fn len(&self) -> usize {
        self.lock().done.len()
    }

    /// True when no answer is kept.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

impl Inner {
    fn forget(&mut self, key: &Key) {
        if let Some((old, _)) = self.done.remove(key) {
            self.bytes -= old.body.len();
        }
    }

    fn keep(&mut self, key: Key, answer: Answer, bounds: &Bounds) {
        if answer.body.len() > bounds.bytes {
            return;
        }
        self.forget(&key);
        let now = Instant::now();
        self.bytes += answer.body.len();
        self.done.insert(key, (answer, now));
        self.order.push_back((key, now));
        while self.done.len() > bounds.entries || self.bytes > bounds.bytes {
            let Some((old, at)) = self.order.pop_front() else {
                break;
            };
            // Only the entry this order record was made for; a later `keep` of the same key
            // has its own record further back.
            if self.done.get(&old).is_some_and(|(_, t)| *t == at) {
                self.forget(&old);
            }
        }
        // Records of replaced entries would otherwise pile up under a hot key.
        if self.order.len() > 2 * bounds.entries.max(1) {
            let done = &self.done;
            self.order
                .retain(|(k, at)| done.get(k).is_some_and(|(_, t)| t == at));
        }
    }
}

#[cfg(test)]
mod tests {
    use std::sync::atomic::{AtomicUsize, Ordering};

    use super::*;

    fn answer(code: StatusCode, body: &str) -> Answer {
        Answer {
            code,
            body: Bytes::from(body.to_owned()),
            status: "verified",
        }
    }

    fn bounds(entries: usize, bytes: usize, ttl: Duration) -> Bounds {
        Bounds {
            entries,
            bytes,
            ttl,
        }
    }

    #[test]
    fn key_tells_documents_and_names_apart() {
        assert_eq!(Key::new(b"%PDF-a", None), Key::new(b"%PDF-a", None));
        assert_ne!(Key::new(b"%PDF-a", None), Key::new(b"%PDF-b", None));
        assert_ne!(
            Key::new(b"%PDF-a", None),
            Key::new(b"%PDF-a", Some("x.pdf"))
        );
        assert_eq!(Key::new(b"%PDF-a", None), Key::new(b"%PDF-a", Some("")));
    }

    #[tokio::test]
    async fn second_request_is_a_hit_and_does_not_run() {
        let cache = AnswerCache::new(Bounds::default());
        let runs = AtomicUsize::new(0);
        let key = Key::new(b"%PDF-1", None);
        for expected in [Source::Miss, Source::Hit, Source::Hit] {
            let (a, source) = cache
                .get_or_run(key, || async {
                    runs.fetch_add(1, Ordering::SeqCst);
                    Some(answer(StatusCode::OK, "{}"))
                })
                .await
                .unwrap();
            assert_eq!(source, expected);
            assert_eq!(a.body, "{}");
        }
        assert_eq!(runs.load(Ordering::SeqCst), 1);
    }

    #[tokio::test]
    async fn server_errors_and_dead_tasks_are_not_kept() {
        let cache = AnswerCache::new(Bounds::default());
        let key = Key::new(b"%PDF-1", None);
        let runs = AtomicUsize::new(0);
        for _ in 0..2 {
            let got = cache
                .get_or_run(key, || async {
                    runs.fetch_add(1, Ordering::SeqCst);
                    Some(answer(StatusCode::INTERNAL_SERVER_ERROR, "{}"))
                })
                .await;
            assert_eq!(got.unwrap().1, Source::Miss);
        }
        assert!(cache.get_or_run(key, || async { None }).await.is_none());
        assert_eq!(runs.load(Ordering::SeqCst), 2);
        assert!(cache.is_empty());
    }

    #[tokio::test]
    async fn expired_answers_are_run_again() {
        let cache = AnswerCache::new(bounds(8, 1 << 20, Duration::from_millis(20)));
        let key = Key::new(b"%PDF-1", None);
        let run = || async { Some(answer(StatusCode::OK, "{}")) };
        assert_eq!(cache.get_or_run(key, run).await.unwrap().1, Source::Miss);
        assert_eq!(cache.get_or_run(key, run).await.unwrap().1, Source::Hit);
        tokio::time::sleep(Duration::from_millis(40)).await;
        assert_eq!(cache.get_or_run(key, run).await.unwrap().1, Source::Miss);
    }

    #[tokio::test]
    async fn bounded_by_entries_and_bytes_oldest_out_first() {
        let cache = AnswerCache::new(bounds(2, 10, Duration::from_secs(60)));
        for i in 0..3u8 {
            cache.put(Key::new(&[i], None), &answer(StatusCode::OK, "abc"));
        }
        assert_eq!(cache.len(), 2);
        let hit = |i: u8| {
            let inner = cache.lock();
            inner.done.contains_key(&Key::new(&[i], None))
        };
        assert!(!hit(0) && hit(1) && hit(2));
        // A third entry pushes out the oldest; 3 + 7 bytes fit in 10.
        cache.put(Key::new(&[9], None), &answer(StatusCode::OK, "1234567"));
        assert!(!hit(1) && hit(2) && hit(9));
        // 7 + 8 bytes do not: both older entries go.
        cache.put(Key::new(&[8], None), &answer(StatusCode::OK, "12345678"));
        assert!(!hit(2) && !hit(9) && hit(8));
        // Larger than the whole budget: never kept.
        cache.put(Key::new(&[7], None), &answer(StatusCode::OK, "12345678901"));
        assert!(!hit(7));
        assert!(cache.lock().bytes <= 10);
    }

    #[tokio::test]
    async fn replacing_a_hot_key_keeps_it_and_bounds_the_order() {
        let cache = AnswerCache::new(bounds(2, 1 << 20, Duration::from_secs(60)));
        let hot = Key::new(b"hot", None);
        for _ in 0..100 {
            cache.put(hot, &answer(StatusCode::OK, "{}"));
        }
        cache.put(Key::new(b"other", None), &answer(StatusCode::OK, "{}"));
        assert_eq!(cache.len(), 2);
        assert!(cache.lock().order.len() <= 4);
    }

    #[tokio::test]
    async fn simultaneous_requests_share_one_run() {
        let cache = Arc::new(AnswerCache::new(Bounds::default()));
        let runs = Arc::new(AtomicUsize::new(0));
        let key = Key::new(b"%PDF-same", None);
        let mut tasks = Vec::new();
        for _ in 0..8 {
            let cache = cache.clone();
            let runs = runs.clone();
            tasks.push(tokio::spawn(async move {
                cache
                    .get_or_run(key, || async {
                        runs.fetch_add(1, Ordering::SeqCst);
                        tokio::time::sleep(Duration::from_millis(50)).await;
                        Some(answer(StatusCode::OK, "{}"))
                    })
                    .await
                    .unwrap()
                    .1
            }));
        }
        let mut misses = 0;
        for t in tasks {
            if t.await.unwrap() == Source::Miss {
                misses += 1;
            }
        }
        assert_eq!(runs.load(Ordering::SeqCst), 1);
        assert_eq!(misses, 1);
    }

    #[tokio::test]
    async fn off_runs_every_time() {
        let cache = AnswerCache::new(bounds(0, 1 << 20, Duration::from_secs(60)));
        let key = Key::new(b"%PDF-1", None);
        for _ in 0..2 {
            let got = cache
                .get_or_run(key, || async { Some(answer(StatusCode::OK, "{}")) })
                .await;
            assert_eq!(got.unwrap().1, Source::Miss);
        }
        assert!(cache.is_empty());
    }
}
