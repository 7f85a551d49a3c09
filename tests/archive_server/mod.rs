//! A real HTTP archive for the worker and batch tests: axum on 127.0.0.1:0 that stores each
//! record once per `Idempotency-Key` (answering 409 for a key it has), takes records as JSON
//! or as multipart (`record` + `document`) and archive packages as `application/zip`, and can be told to fail, stall, be down for a
//! while, answer 429 with `Retry-After`, or refuse records with a 4xx. It also serves files
//! under `/files/NAME` for jobs with URL documents, where a name can instead redirect
//! elsewhere or stream an endless body, and counts the requests for each name. What it stored
//! and served is what the tests assert on.

#![allow(dead_code)]

use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use axum::body::Bytes;
use axum::extract::{FromRequest, Multipart, Path, Request, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::IntoResponse;
use axum::routing::{get, post};

/// How the archive answers.
#[derive(Debug, Clone, Default)]
pub struct Behaviour {
    /// Answer 500 to this many requests first.
    pub fail_first: u32,
    /// Answer 500 to everything.
    pub fail_always: bool,
    /// Answer 503 until this instant.
    pub down_until: Option<Instant>,
    /// Wait this long before answering.
    pub stall: Duration,
    /// Answer 429 with `Retry-After: retry_after_secs` to this many requests first.
    pub too_many_first: u32,
    /// The `Retry-After` of those 429 answers, in seconds.
    pub retry_after_secs: u64,
    /// Refuse every record with this status (e.g. 422), after reading it.
    pub reject_with: Option<u16>,
}

/// One request as the archive saw it.
#[derive(Debug, Clone)]
pub struct Seen {
    /// When it arrived.
    pub at: Instant,
    /// Its `Content-Type`.
    pub content_type: String,
    /// The status answered.
    pub answered: u16,
    /// Its `Idempotency-Key` (empty without one).
    pub key: String,
}

#[derive(Debug, Default)]
pub struct Inner {
    pub behaviour: Behaviour,
    /// Records stored, by idempotency key, with the body.
    pub stored: HashMap<String, serde_json::Value>,
    /// PDFs that came with multipart records, by idempotency key.
    pub documents: HashMap<String, Vec<u8>>,
    /// Archive packages (ZIP files), by idempotency key.
    pub packages: HashMap<String, Vec<u8>>,
    /// Requests seen, in total.
    pub requests: u32,
    /// Every request to `/records`, in order.
    pub seen: Vec<Seen>,
    /// Requests answered 409.
    pub duplicates: u32,
    /// Authorization headers seen.
    pub auth: Vec<String>,
    /// Files served under `/files/NAME`.
    pub files: HashMap<String, Vec<u8>>,
    /// Names under `/files/` answered 302 with this `Location`.
    pub redirects: HashMap<String, String>,
    /// Names under `/files/` that stream [`ENDLESS_TOTAL`] bytes, chunked, without a length.
    pub endless: Vec<String>,
    /// Bytes of endless bodies handed to connections so far.
    pub endless_sent: u64,
    /// GET requests to `/files/NAME`, by name.
    pub file_requests: HashMap<String, u32>,
}

/// What an endless body would send in all if it were read to the end; large enough that a
/// reader that does not stop at its limit is caught, bounded so that even one ends.
pub const ENDLESS_TOTAL: u64 = 256 * 1024 * 1024;

/// Size of one chunk of an endless body.
const ENDLESS_CHUNK: usize = 64 * 1024;

#[derive(Clone)]
pub struct Archive {
    pub addr: SocketAddr,
    pub inner: Arc<Mutex<Inner>>,
}

impl Archive {
    pub async fn start(behaviour: Behaviour) -> Archive {
        let inner = Arc::new(Mutex::new(Inner {
            behaviour,
            ..Inner::default()
        }));
        let app = axum::Router::new()
            .route("/records", post(receive))
            .route("/files/{name}", get(serve_file))
            .with_state(Arc::clone(&inner));
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        tokio::spawn(async move {
            let _ = axum::serve(listener, app).await;
        });
        Archive { addr, inner }
    }

    pub fn url(&self) -> String {
        format!("http://{}/records", self.addr)
    }

    /// The URL of a file added with [`Archive::serve`].
    pub fn file_url(&self, name: &str) -> String {
        format!("http://{}/files/{name}", self.addr)
    }

    /// Serves `bytes` under `/files/NAME`.
    pub fn serve(&self, name: &str, bytes: Vec<u8>) {
        self.inner
            .lock()
            .unwrap()
            .files
            .insert(name.to_owned(), bytes);
    }

    /// Answers `/files/NAME` with 302 to `location`.
    pub fn redirect(&self, name: &str, location: &str) {
        self.inner
            .lock()
            .unwrap()
            .redirects
            .insert(name.to_owned(), location.to_owned());
    }

    /// Answers `/files/NAME` with a chunked body of [`ENDLESS_TOTAL`] bytes and no length.
    pub fn serve_endless(&self, name: &str) {
        self.inner.lock().unwrap().endless.push(name.to_owned());
    }

    /// Bytes of endless bodies handed to connections so far.
    pub fn endless_sent(&self) -> u64 {
        self.inner.lock().unwrap().endless_sent
    }

    /// GET requests to `/files/NAME` so far.
    pub fn file_requests(&self, name: &str) -> u32 {
        self.inner
            .lock()
            .unwrap()
            .file_requests
            .get(name)
            .copied()
            .unwrap_or(0)
    }

    pub fn stored(&self) -> usize {
        self.inner.lock().unwrap().stored.len()
    }

    pub fn requests(&self) -> u32 {
        self.inner.lock().unwrap().requests
    }

    pub fn seen(&self) -> Vec<Seen> {
        self.inner.lock().unwrap().seen.clone()
    }

    pub fn set(&self, behaviour: Behaviour) {
        self.inner.lock().unwrap().behaviour = behaviour;
    }
}

async fn serve_file(
    State(inner): State<Arc<Mutex<Inner>>>,
    Path(name): Path<String>,
) -> axum::response::Response {
    let mut s = inner.lock().unwrap();
    *s.file_requests.entry(name.clone()).or_default() += 1;
    if let Some(location) = s.redirects.get(&name) {
        return (StatusCode::FOUND, [("location", location.clone())]).into_response();
    }
    if s.endless.contains(&name) {
        return endless_body(Arc::clone(&inner)).into_response();
    }
    match s.files.get(&name) {
        Some(bytes) => (StatusCode::OK, bytes.clone()).into_response(),
        None => (StatusCode::NOT_FOUND, "no such file").into_response(),
    }
}

/// [`ENDLESS_TOTAL`] spaces in chunks, counting in `endless_sent` what the connection took.
fn endless_body(inner: Arc<Mutex<Inner>>) -> axum::body::Body {
    let chunk = Bytes::from(vec![b' '; ENDLESS_CHUNK]);
    let chunks = futures_util::stream::unfold(0u64, move |sent| {
        let (inner, chunk) = (Arc::clone(&inner), chunk.clone());
        async move {
            (sent < ENDLESS_TOTAL).then(|| {
                inner.lock().unwrap().endless_sent += chunk.len() as u64;
                (Ok::<_, std::io::Error>(chunk), sent + ENDLESS_CHUNK as u64)
            })
        }
    });
    axum::body::Body::from_stream(chunks)
}

/// The record (and the PDF, for multipart) of a request, or why it is not one. A package
/// (`application/zip`) is stored as the record `{"zip_bytes": N}` with the ZIP as its document.
async fn read_body(
    content_type: &str,
    request: Request,
) -> Result<(serde_json::Value, Option<Vec<u8>>), &'static str> {
    if content_type == "application/zip" {
        let body = Bytes::from_request(request, &())
            .await
            .map_err(|_| "unreadable body")?;
        if !body.starts_with(b"PK\x03\x04") {
            return Err("not a ZIP file");
        }
        Ok((
            serde_json::json!({ "zip_bytes": body.len() }),
            Some(body.to_vec()),
        ))
    } else if content_type.starts_with("multipart/form-data") {
        let mut form = Multipart::from_request(request, &())
            .await
            .map_err(|_| "bad multipart")?;
        let (mut record, mut document) = (None, None);
        while let Some(field) = form.next_field().await.map_err(|_| "bad multipart")? {
            let name = field.name().unwrap_or_default().to_owned();
            let bytes = field.bytes().await.map_err(|_| "bad multipart")?;
            match name.as_str() {
                "record" => record = Some(bytes),
                "document" => document = Some(bytes.to_vec()),
                _ => return Err("unknown part"),
            }
        }
        let record = record.ok_or("no record part")?;
        let record = serde_json::from_slice(&record).map_err(|_| "record part is not JSON")?;
        Ok((record, document))
    } else {
        let body = Bytes::from_request(request, &())
            .await
            .map_err(|_| "unreadable body")?;
        let record = serde_json::from_slice(&body).map_err(|_| "not JSON")?;
        Ok((record, None))
    }
}

async fn receive(
    State(inner): State<Arc<Mutex<Inner>>>,
    headers: HeaderMap,
    request: Request,
) -> axum::response::Response {
    let at = Instant::now();
    let header = |name: &str| {
        headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
            .to_owned()
    };
    let content_type = header("content-type");
    let key = header("idempotency-key");
    let (stall, answer) = {
        let mut s = inner.lock().unwrap();
        s.requests += 1;
        if let Some(a) = headers.get("authorization").and_then(|v| v.to_str().ok()) {
            s.auth.push(a.to_owned());
        }
        let b = s.behaviour.clone();
        let answer = if b.fail_always || s.behaviour.fail_first > 0 {
            s.behaviour.fail_first = s.behaviour.fail_first.saturating_sub(1);
            Some((StatusCode::INTERNAL_SERVER_ERROR, None))
        } else if b.down_until.is_some_and(|t| Instant::now() < t) {
            Some((StatusCode::SERVICE_UNAVAILABLE, None))
        } else if s.behaviour.too_many_first > 0 {
            s.behaviour.too_many_first -= 1;
            Some((StatusCode::TOO_MANY_REQUESTS, Some(b.retry_after_secs)))
        } else {
            None
        };
        (b.stall, answer)
    };
    tokio::time::sleep(stall).await;
    let respond = |status: StatusCode, body: String, retry_after: Option<u64>| {
        inner.lock().unwrap().seen.push(Seen {
            at,
            content_type: content_type.clone(),
            answered: status.as_u16(),
            key: key.clone(),
        });
        match retry_after {
            Some(secs) => (status, [("retry-after", secs.to_string())], body).into_response(),
            None => (status, body).into_response(),
        }
    };
    if let Some((status, retry_after)) = answer {
        return respond(status, "failing as told".to_owned(), retry_after);
    }
    let (record, document) = match read_body(&content_type, request).await {
        Ok(read) => read,
        Err(why) => return respond(StatusCode::BAD_REQUEST, why.to_owned(), None),
    };
    let reject_with = inner.lock().unwrap().behaviour.reject_with;
    if let Some(code) = reject_with {
        let status = StatusCode::from_u16(code).unwrap();
        return respond(status, "this archive refuses the record".to_owned(), None);
    }
    let (status, body) = {
        let mut s = inner.lock().unwrap();
        if s.stored.contains_key(&key) {
            s.duplicates += 1;
            (StatusCode::CONFLICT, format!("{{\"id\":\"{key}\"}}"))
        } else {
            let zip = content_type == "application/zip";
            s.stored.insert(key.clone(), record);
            match document {
                Some(bytes) if zip => {
                    s.packages.insert(key.clone(), bytes);
                }
                Some(pdf) => {
                    s.documents.insert(key.clone(), pdf);
                }
                None => {}
            }
            let id = format!("arch-{}", s.stored.len());
            (StatusCode::CREATED, format!("{{\"id\":\"{id}\"}}"))
        }
    };
    respond(status, body, None)
}
