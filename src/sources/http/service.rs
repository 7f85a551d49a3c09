//! The verify handler, the probes, the middleware (token, counting) and the answers every
//! handler shares (`Problem`, `problem`, `json`, the body-limit answers). The job routes'
//! handlers are in [`super::jobs`] and [`super::webhook`].
//!
//! `POST /v1/verify` answers:
//!
//! | code | when | body |
//! | --- | --- | --- |
//! | 200 | the pipeline made a record | the record |
//! | 401 | a token is configured and the request lacks it | problem |
//! | 413 | the body is over `max_body_bytes`, or the document over a pipeline limit | problem or record |
//! | 415 | the body (or file part) does not start like a PDF | problem |
//! | 422 | a PDF the pipeline could not read (malformed, encrypted, timed out) | the record, whose `error` says what and where |
//! | 500 | arkivar failed on the input (a contained panic) | the record |
//!
//! A "problem" is an RFC 9457 problem detail, `application/problem+json`:
//! `{"type": "about:blank", "title", "status", "detail", "error": code, "message"}`. The
//! status and the stable `error` code carry the meaning, so `type` is `about:blank` and
//! `title` the status's reason phrase (RFC 9457 §4.2.1); `message` repeats `detail` for
//! clients written before the RFC members. Unknown routes (404) and methods (405, with
//! `Allow`) answer the same way, as do axum's own rejections of a request.
//!
//! The same document posted again within the cache's time to live is answered from
//! [`super::cache`] (header `X-Arkivar-Cache: hit`); `Cache-Control: no-cache` verifies afresh.

use std::sync::Arc;
use std::time::Instant;

use axum::body::{Body, Bytes};
use axum::extract::multipart::MultipartRejection;
use axum::extract::{FromRequest, MatchedPath, Multipart, Request, State};
use axum::http::{HeaderMap, HeaderName, HeaderValue, Method, StatusCode, Uri, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use http_body_util::{LengthLimitError, Limited};

use super::cache::{Answer, Key, Source};
use super::{App, OPEN_ROUTES, OPENAPI, WEBHOOK_PATH};
use crate::pipeline;
use crate::record::{ErrorKind, Record, SourceInfo};
use crate::signature::range_digest::FileSha256;

/// The answer header that says whether the record came from the answer cache (`hit`) or
/// from running the pipeline for this request (`miss`).
pub const CACHE_HEADER: &str = "x-arkivar-cache";

/// The media type of every refusal (RFC 9457 §3).
pub const PROBLEM_JSON: &str = "application/problem+json";

/// How far into the body `%PDF-` may start. ISO 32000-2 §7.5.2 wants it first, but readers
/// accept junk before it (Acrobat looks in the first 1024 bytes), and so does the pipeline.
const HEADER_WINDOW: usize = 1024;

/// `GET /healthz`: the process is up and answering.
pub async fn healthz() -> &'static str {
    "ok\n"
}

/// `GET /readyz`: whether this instance should get traffic: always without a broker; with
/// `--amqp`, only while the broker connection is up, since the job routes need it.
pub async fn readyz(State(app): State<Arc<App>>) -> Response {
    match &app.jobs {
        Some(jobs) if !jobs.queue.is_connected() => problem(
            StatusCode::SERVICE_UNAVAILABLE,
            "not_ready",
            "not connected to the broker",
        ),
        _ => "ready\n".into_response(),
    }
}

/// `GET /metrics`: Prometheus text.
pub async fn metrics(State(app): State<Arc<App>>) -> Response {
    (
        [(
            header::CONTENT_TYPE,
            HeaderValue::from_static("text/plain; version=0.0.4; charset=utf-8"),
        )],
        app.metrics.render(),
    )
        .into_response()
}

/// `GET /openapi.json`: the committed OpenAPI document.
pub async fn openapi() -> Response {
    (
        [(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/json"),
        )],
        OPENAPI,
    )
        .into_response()
}

/// `POST /v1/verify`.
pub async fn verify(State(app): State<Arc<App>>, request: Request) -> Response {
    let limit = app.config.max_body_bytes;
    let headers = request.headers().clone();
    // A declared length over the limit is refused before a byte of the body is read.
    if declared_length(request.headers()).is_some_and(|n| n > limit as u64) {
        return too_large(limit);
    }
    let (bytes, name) = match read_pdf(request, limit).await {
        Ok(read) => read,
        Err(response) => return response,
    };
    if !looks_like_pdf(&bytes) {
        return problem(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "not_pdf",
            "the body is not a PDF: it does not start with %PDF-; send the file as \
             application/pdf or as a multipart/form-data file part",
        );
    }

    let fresh = wants_fresh(&headers);
    // The document's hash keys the cache and is the record's identity: computed once.
    // Its states on the way spare the pipeline hashing the signed prefixes again.
    let file = FileSha256::of(&bytes);
    let key = Key::of_digest(&file.digest, name.as_deref());
    let run = || answer_of(&app, bytes, file, name);
    let got = if fresh {
        let answer = run().await;
        if let Some(a) = &answer {
            app.answers.put(key, a);
        }
        answer.map(|a| (a, Source::Miss))
    } else {
        app.answers.get_or_run(key, run).await
    };
    let Some((answer, source)) = got else {
        return problem(
            StatusCode::INTERNAL_SERVER_ERROR,
            "internal",
            "the pipeline gave no answer for this document; the server log says why",
        );
    };
    app.metrics.answer_source(source.as_str());
    (
        answer.code,
        [
            (
                header::CONTENT_TYPE,
                HeaderValue::from_static("application/json"),
            ),
            (
                HeaderName::from_static(CACHE_HEADER),
                HeaderValue::from_static(source.as_str()),
            ),
        ],
        answer.body,
    )
        .into_response()
}

/// True when the client asked for the document to be verified afresh
/// (`Cache-Control: no-cache` or `no-store`).
fn wants_fresh(headers: &HeaderMap) -> bool {
    headers
        .get_all(header::CACHE_CONTROL)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .any(|d| {
            let d = d.trim();
            d.eq_ignore_ascii_case("no-cache") || d.eq_ignore_ascii_case("no-store")
        })
}

/// Runs the pipeline and renders its record as the answer.
async fn answer_of(
    app: &Arc<App>,
    bytes: Bytes,
    file: FileSha256,
    name: Option<String>,
) -> Option<Answer> {
    app.metrics.in_flight(1);
    let record = run_pipeline(app, bytes, file, name).await;
    app.metrics.in_flight(-1);
    let (record, took) = record?;
    app.metrics.document(record.status.as_str(), took);
    let code = match record.error.as_ref().map(|e| e.kind) {
        None => StatusCode::OK,
        Some(ErrorKind::TooLarge) => StatusCode::PAYLOAD_TOO_LARGE,
        Some(ErrorKind::NotPdf) => StatusCode::UNSUPPORTED_MEDIA_TYPE,
        Some(ErrorKind::Malformed | ErrorKind::Encrypted | ErrorKind::Timeout) => {
            StatusCode::UNPROCESSABLE_ENTITY
        }
        Some(ErrorKind::Io | ErrorKind::Internal) => StatusCode::INTERNAL_SERVER_ERROR,
    };
    // Records are plain data; failing to serialise one would be a bug, answered as a 500.
    match serde_json::to_vec(&record) {
        Ok(body) => Some(Answer {
            code,
            body: Bytes::from(body),
            status: record.status.as_str(),
        }),
        // Records are plain data; failing to serialise one would be a bug. No answer is
        // cached for it, and the handler answers it as an internal problem.
        Err(error) => {
            tracing::error!(%error, "cannot serialize a record");
            None
        }
    }
}

/// Runs the pipeline on a verifier thread once the documents queued before it have started;
/// `None` when it could not finish (it cannot panic, `process` contains its panics, but the
/// threads could be gone).
async fn run_pipeline(
    app: &Arc<App>,
    bytes: Bytes,
    file: FileSha256,
    name: Option<String>,
) -> Option<(Record, std::time::Duration)> {
    let settings = app.settings.clone();
    app.verifiers
        .run(move || {
            let started = Instant::now();
            let source = name.map(SourceInfo::named).unwrap_or_default();
            let record = pipeline::process_hashed(&bytes, &file, source, &settings);
            (record, started.elapsed())
        })
        .await
}

/// The PDF's bytes and file name, from a raw body or the first file part of a multipart body,
/// read under `limit`.
async fn read_pdf(request: Request, limit: usize) -> Result<(Bytes, Option<String>), Response> {
    let multipart = request
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| {
            v.trim_start()
                .to_ascii_lowercase()
                .starts_with("multipart/form-data")
        });
    let request = request.map(|body| Body::new(Limited::new(body, limit)));
    if !multipart {
        return match axum::body::to_bytes(request.into_body(), usize::MAX).await {
            Ok(bytes) => Ok((bytes, None)),
            Err(error) => Err(body_error(&error, limit)),
        };
    }
    let mut form = Multipart::from_request(request, &())
        .await
        .map_err(|e| multipart_rejection(&e))?;
    loop {
        match form.next_field().await {
            Ok(Some(field)) => {
                // The first part with a file name is the document; other parts (metadata a
                // form may add) are read past.
                let name = field.file_name().map(str::to_owned);
                let is_file = name.is_some() || field.name() == Some("file");
                let bytes = field
                    .bytes()
                    .await
                    .map_err(|e| multipart_error(&e, limit))?;
                if is_file {
                    return Ok((bytes, name));
                }
            }
            Ok(None) => {
                return Err(problem(
                    StatusCode::UNSUPPORTED_MEDIA_TYPE,
                    "no_file",
                    "the multipart body has no file part; send the PDF as a part named \
                     \"file\" with a filename",
                ));
            }
            Err(error) => return Err(multipart_error(&error, limit)),
        }
    }
}

/// The answer for a body that could not be read: 413 at the limit, else 400.
pub(super) fn body_error(error: &axum::Error, limit: usize) -> Response {
    if is_length_limit(error) {
        too_large(limit)
    } else {
        problem(
            StatusCode::BAD_REQUEST,
            "bad_body",
            &format!("cannot read the request body: {error}"),
        )
    }
}

/// The answer for a multipart body that could not be read: 413 at the limit, else its status.
pub(super) fn multipart_error(
    error: &axum::extract::multipart::MultipartError,
    limit: usize,
) -> Response {
    if error.status() == StatusCode::PAYLOAD_TOO_LARGE || is_length_limit(error) {
        too_large(limit)
    } else {
        problem(
            error.status(),
            "bad_multipart",
            &format!("cannot read the multipart body: {}", error.body_text()),
        )
    }
}

/// The answer for a request axum would not read as multipart (no boundary, say).
pub(super) fn multipart_rejection(rejection: &MultipartRejection) -> Response {
    problem(
        rejection.status(),
        "bad_multipart",
        &format!("cannot read the multipart body: {}", rejection.body_text()),
    )
}

/// True when `error` or one of its sources is the body limit.
fn is_length_limit(error: &(dyn std::error::Error + 'static)) -> bool {
    let mut current = Some(error);
    while let Some(e) = current {
        if e.is::<LengthLimitError>() {
            return true;
        }
        current = e.source();
    }
    false
}

/// The `Content-Length` the client declared.
pub(super) fn declared_length(headers: &HeaderMap) -> Option<u64> {
    headers
        .get(header::CONTENT_LENGTH)?
        .to_str()
        .ok()?
        .parse()
        .ok()
}

/// `%PDF-` within the first [`HEADER_WINDOW`] bytes.
pub(super) fn looks_like_pdf(bytes: &[u8]) -> bool {
    let window = &bytes[..bytes.len().min(HEADER_WINDOW)];
    window.windows(5).any(|w| w == b"%PDF-")
}

/// 413 naming the limit.
pub(super) fn too_large(limit: usize) -> Response {
    problem(
        StatusCode::PAYLOAD_TOO_LARGE,
        "too_large",
        &format!("the body is larger than the limit of {limit} bytes"),
    )
}

/// A refusal not yet rendered: small enough to travel in a `Result` (a `Response` is not),
/// and `?` turns it into the problem answer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Problem {
    /// The status code.
    pub status: StatusCode,
    /// The stable code (`"error"`).
    pub code: &'static str,
    /// What went wrong, for people (`"detail"`).
    pub message: String,
}

impl Problem {
    /// A refusal with `status`, `code` and `message`.
    pub fn new(status: StatusCode, code: &'static str, message: impl Into<String>) -> Self {
        Problem {
            status,
            code,
            message: message.into(),
        }
    }
}

impl From<Problem> for Response {
    fn from(p: Problem) -> Response {
        problem(p.status, p.code, &p.message)
    }
}

/// The body of a problem answer (RFC 9457 §3.1), with arkivar's code as the extension
/// member `error`.
#[derive(Debug, serde::Serialize)]
struct ProblemDetail<'a> {
    /// No type of its own: the status and `error` say what happened (RFC 9457 §4.2.1).
    #[serde(rename = "type")]
    kind: &'static str,
    /// The status's reason phrase, as `about:blank` asks.
    title: &'static str,
    status: u16,
    detail: &'a str,
    /// The stable code clients route on.
    error: &'a str,
    /// `detail` again, for clients that read the body before it was a problem detail.
    message: &'a str,
}

/// A problem answer: status `code`, stable code `error`, and `detail` for people.
pub(super) fn problem(code: StatusCode, error: &str, detail: &str) -> Response {
    let body = ProblemDetail {
        kind: "about:blank",
        title: code.canonical_reason().unwrap_or("Error"),
        status: code.as_u16(),
        detail,
        error,
        message: detail,
    };
    // A struct of strings and a number always serializes; the fallback keeps the answer a
    // problem anyway.
    let body = serde_json::to_vec(&body).unwrap_or_else(|_| {
        br#"{"type":"about:blank","title":"Internal Server Error","status":500}"#.to_vec()
    });
    (
        code,
        [(header::CONTENT_TYPE, HeaderValue::from_static(PROBLEM_JSON))],
        body,
    )
        .into_response()
}

/// `value` as a JSON answer with status `code`.
pub(super) fn json(code: StatusCode, value: &impl serde::Serialize) -> Response {
    match serde_json::to_vec(value) {
        Ok(body) => (
            code,
            [(
                header::CONTENT_TYPE,
                HeaderValue::from_static("application/json"),
            )],
            body,
        )
            .into_response(),
        // Answers are plain data; failing to serialize one is a bug, said plainly.
        Err(error) => problem(
            StatusCode::INTERNAL_SERVER_ERROR,
            "internal",
            &format!("cannot serialize the answer: {error}"),
        ),
    }
}

/// The answer for a path no route has.
pub async fn not_found(uri: Uri) -> Response {
    problem(
        StatusCode::NOT_FOUND,
        "not_found",
        &format!(
            "no route {}; GET /openapi.json lists the routes",
            uri.path()
        ),
    )
}

/// The answer for a route asked with a method it does not take; axum adds `Allow`.
pub async fn method_not_allowed(method: Method, uri: Uri) -> Response {
    problem(
        StatusCode::METHOD_NOT_ALLOWED,
        "method_not_allowed",
        &format!(
            "{} does not take {method}; the Allow header lists the methods it does",
            uri.path()
        ),
    )
}

/// Middleware: requires `Authorization: Bearer <token>` when a token is configured, except on
/// [`OPEN_ROUTES`], and on the webhook when it has a secret of its own (platforms can sign a
/// body more easily than they can send a custom `Authorization` header; the handler checks
/// the signature).
pub async fn authenticate(State(app): State<Arc<App>>, request: Request, next: Next) -> Response {
    let Some(token) = app.config.token.as_deref() else {
        return next.run(request).await;
    };
    let path = request.uri().path();
    let signed_webhook = path == WEBHOOK_PATH
        && app
            .jobs
            .as_ref()
            .is_some_and(|jobs| jobs.config.webhook_secret.is_some());
    if OPEN_ROUTES.contains(&path) || signed_webhook {
        return next.run(request).await;
    }
    let given = request
        .headers()
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .map(str::trim);
    if given.is_some_and(|given| constant_time_eq(given.as_bytes(), token.as_bytes())) {
        return next.run(request).await;
    }
    let mut response = problem(
        StatusCode::UNAUTHORIZED,
        "unauthorized",
        "this server needs Authorization: Bearer <token>",
    );
    response.headers_mut().insert(
        header::WWW_AUTHENTICATE,
        HeaderValue::from_static("Bearer realm=\"arkivar\""),
    );
    response
}

/// Compares without stopping at the first difference, so the time taken does not tell an
/// attacker how much of a guessed token was right.
fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    if a.len() != b.len() {
        return false;
    }
    a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

/// Middleware: counts every answer by route (the route's pattern, not the raw path, so that
/// scanners probing random paths cannot grow the label set: they all count as `unmatched`).
pub async fn count(State(app): State<Arc<App>>, request: Request, next: Next) -> Response {
    let route = request
        .extensions()
        .get::<MatchedPath>()
        .map_or_else(|| "unmatched".to_owned(), |p| p.as_str().to_owned());
    let response = next.run(request).await;
    app.metrics.request(&route, response.status().as_u16());
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pdf_header_may_follow_junk_within_the_window() {
        assert!(looks_like_pdf(b"%PDF-1.7\n"));
        let mut late = vec![b' '; 1000];
        late.extend_from_slice(b"%PDF-1.4");
        assert!(looks_like_pdf(&late));
        let mut too_late = vec![b' '; 1024];
        too_late.extend_from_slice(b"%PDF-1.4");
        assert!(!looks_like_pdf(&too_late));
        assert!(!looks_like_pdf(b"PK\x03\x04"));
    }

    #[test]
    fn token_comparison() {
        assert!(constant_time_eq(b"secret", b"secret"));
        assert!(!constant_time_eq(b"secret", b"secreT"));
        assert!(!constant_time_eq(b"secret", b"secret2"));
    }
}
