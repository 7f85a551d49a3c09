//! `POST /v1/jobs` and `GET /v1/jobs/{id}`: jobs for the queue worker, over HTTP.
//!
//! `POST /v1/jobs` takes one of three bodies, chosen by `Content-Type`:
//!
//! - `application/json` (or any `+json` type): a job as in `schema/job.schema.json`, published
//!   as parsed (so a `path` or `url` job stays a reference the worker resolves);
//! - `multipart/form-data`: a part `file` (the PDF) and optional text parts `job_id`,
//!   `pipeline` and `metadata` (a JSON object);
//! - anything else: the PDF itself, with optional query parameters `job_id` and `pipeline`.
//!
//! A PDF is enqueued inline, as the job's `base64` document, up to `--max-inline-bytes`; a
//! job without `job_id` gets a random UUID. Every job is checked as the worker will check it
//! (schema, job id, pipeline name, path root, URL allow-list, inline size) before it is
//! published, so a bad job is a 4xx now instead of a dead letter later.
//!
//! | code | when |
//! | --- | --- |
//! | 202 | the broker confirmed the job: `{"job_id", "status_url"}`, `Location` = `status_url` |
//! | 400 | the body is not JSON, or a form or query cannot be read |
//! | 401 | a token is configured and the request lacks it |
//! | 403 | a `url` document not on the allow-list |
//! | 409 | a job with this id was enqueued here before and is still remembered |
//! | 413 | the body over `--max-body-bytes`, or the PDF over `--max-inline-bytes` |
//! | 415 | a PDF body that is not a PDF |
//! | 422 | a job the worker would refuse (schema, id, pipeline, path, base64): not an object, a field that does not fit (named), a path empty, with a NUL byte or outside the root |
//! | 503 | no broker configured, not connected, no job queue, or the broker refused or did not confirm; `Retry-After` is set |
//!
//! `GET /v1/jobs/{id}` answers the job's state from [`super::tracker`] (200), or 404 for a job
//! this server does not remember.

use std::collections::BTreeMap;
use std::sync::Arc;

use axum::body::{Body, Bytes};
use axum::extract::rejection::PathRejection;
use axum::extract::{FromRequest, Multipart, Path, Query, Request, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::Response;
use base64::Engine as _;
use http_body_util::Limited;
use serde::Deserialize;

use super::broker::{EnqueueError, JobQueue, MAX_CORRELATION_ID_BYTES};
use super::config::QueueConfig;
use super::service::{
    Problem, body_error, declared_length, json, looks_like_pdf, multipart_error,
    multipart_rejection, problem, too_large,
};
use super::{App, HttpError};
use crate::job::{self, Job, JobDocument, JobError, JobVersion};
use crate::pipeline::config::{BUILTIN, DEFAULT_PIPELINE};
use crate::sinks::amqp::PublishError;
use crate::sources::fetch::DocumentFetcher;

/// Seconds a client is asked to wait after a 503 before trying again.
const RETRY_AFTER_SECONDS: &str = "5";

/// The job endpoints' shared state; present when a broker is configured.
#[derive(Debug)]
pub struct Jobs {
    /// The broker connection and the job states.
    pub queue: Arc<JobQueue>,
    /// The broker's URL, the rules and the limits.
    pub config: QueueConfig,
    /// The webhook's document fetches; redirects only to allowed URLs.
    pub fetcher: DocumentFetcher,
}

impl Jobs {
    /// The state for `config`; not connected until [`App::connect`].
    pub fn new(
        config: QueueConfig,
        metrics: Arc<super::metrics::Metrics>,
    ) -> Result<Self, HttpError> {
        let queue = Arc::new(JobQueue::new(
            config.topology.clone(),
            config.max_tracked_jobs,
            metrics,
        ));
        let fetcher = DocumentFetcher::new(&config.rules, config.fetch_timeout)?;
        Ok(Jobs {
            queue,
            config,
            fetcher,
        })
    }
}

/// `POST /v1/jobs`.
pub async fn submit(State(app): State<Arc<App>>, request: Request) -> Response {
    let Some(jobs) = app.jobs.as_ref() else {
        return no_broker();
    };
    let limit = app.config.max_body_bytes;
    if declared_length(request.headers()).is_some_and(|n| n > limit as u64) {
        return too_large(limit);
    }
    let job = match read_job(jobs, request, limit).await {
        Ok(job) => job,
        Err(response) => return response,
    };
    enqueue(jobs, job, "api", OnDuplicate::Conflict).await
}

/// `GET /v1/jobs/{id}`.
pub async fn status(
    State(app): State<Arc<App>>,
    job_id: Result<Path<String>, PathRejection>,
) -> Response {
    let Some(jobs) = app.jobs.as_ref() else {
        return no_broker();
    };
    let job_id = match job_id {
        Ok(Path(job_id)) => job_id,
        // An id whose percent-encoding is not UTF-8 cannot name a job.
        Err(rejection) => {
            return problem(
                rejection.status(),
                "invalid_job_id",
                &format!(
                    "{}; GET the status_url that POST /v1/jobs answered",
                    rejection.body_text()
                ),
            );
        }
    };
    match jobs.queue.tracker().get(&job_id) {
        Some(view) => json(StatusCode::OK, &view),
        None => problem(
            StatusCode::NOT_FOUND,
            "unknown_job",
            &format!(
                "no job {job_id:?} is known here: this server remembers the last {} jobs it \
                 enqueued since it started",
                jobs.config.max_tracked_jobs
            ),
        ),
    }
}

/// What to answer for a job id that was enqueued here before.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum OnDuplicate {
    /// 409: a client reused an id (`POST /v1/jobs`).
    Conflict,
    /// 202 with `"duplicate": true`: a platform redelivered a notification (the webhook).
    Accept,
}

/// Checks `job` as the worker will, publishes it, and answers 202 or why not.
pub(super) async fn enqueue(
    jobs: &Jobs,
    job: Job,
    source: &'static str,
    on_duplicate: OnDuplicate,
) -> Response {
    if let Err(refused) = validate(&jobs.config, &job) {
        return refused.into();
    }
    match jobs.queue.enqueue(&job, source).await {
        Ok(()) => accepted(&job.job_id, false),
        Err(EnqueueError::Duplicate(id)) if on_duplicate == OnDuplicate::Accept => {
            accepted(&id, true)
        }
        Err(EnqueueError::Duplicate(id)) => {
            let mut response = problem(
                StatusCode::CONFLICT,
                "job_exists",
                &EnqueueError::Duplicate(id.clone()).to_string(),
            );
            if let Ok(location) = HeaderValue::from_str(&status_url(&id)) {
                response.headers_mut().insert(header::LOCATION, location);
            }
            response
        }
        Err(error @ (EnqueueError::Serialize(_) | EnqueueError::Interrupted(_))) => problem(
            StatusCode::INTERNAL_SERVER_ERROR,
            "internal",
            &error.to_string(),
        ),
        Err(error) => unavailable(&jobs.config, &error),
    }
}

/// 202 with the job's id and where to ask for its state.
pub(super) fn accepted(job_id: &str, duplicate: bool) -> Response {
    let url = status_url(job_id);
    let mut body = serde_json::json!({ "job_id": job_id, "status_url": url });
    if duplicate {
        body["duplicate"] = serde_json::Value::Bool(true);
    }
    let mut response = json(StatusCode::ACCEPTED, &body);
    if let Ok(location) = HeaderValue::from_str(&url) {
        response.headers_mut().insert(header::LOCATION, location);
    }
    response
}

/// 503: the job is not queued, and the message says why.
fn unavailable(config: &QueueConfig, error: &EnqueueError) -> Response {
    let (code, message) = match error {
        EnqueueError::Publish(PublishError::Unroutable { .. }) => (
            "no_job_queue",
            format!(
                "the broker has no queue {:?} to take the job: start a worker (it declares \
                 the queue) or import deploy/rabbitmq/definitions.json",
                config.topology.jobs_queue
            ),
        ),
        EnqueueError::Publish(PublishError::Nacked { .. }) => (
            "broker_refused",
            format!("{error}; the job queue may be full"),
        ),
        EnqueueError::Timeout => ("broker_timeout", error.to_string()),
        _ => ("broker_unavailable", error.to_string()),
    };
    with_retry_after(problem(StatusCode::SERVICE_UNAVAILABLE, code, &message))
}

/// 503 for a server started without `--amqp`.
pub(super) fn no_broker() -> Response {
    with_retry_after(problem(
        StatusCode::SERVICE_UNAVAILABLE,
        "no_broker",
        "no broker configured: start arkivar serve with --amqp URL (or ARKIVAR_AMQP_URL) to \
         accept jobs",
    ))
}

fn with_retry_after(mut response: Response) -> Response {
    response.headers_mut().insert(
        header::RETRY_AFTER,
        HeaderValue::from_static(RETRY_AFTER_SECONDS),
    );
    response
}

/// `/v1/jobs/{id}` with the id percent-encoded (everything but RFC 3986 §2.3's unreserved
/// characters), so ids with `/`, spaces or non-ASCII letters make a working URL.
pub fn status_url(job_id: &str) -> String {
    let mut url = String::from("/v1/jobs/");
    for byte in job_id.bytes() {
        if byte.is_ascii_alphanumeric() || matches!(byte, b'-' | b'.' | b'_' | b'~') {
            url.push(char::from(byte));
        } else {
            url.push_str(&format!("%{byte:02X}"));
        }
    }
    url
}

/// The checks the worker makes (and one of the broker's).
fn validate(config: &QueueConfig, job: &Job) -> Result<(), Problem> {
    job::check_job_id(&job.job_id).map_err(|e| job_error(&e))?;
    if job.job_id.len() > MAX_CORRELATION_ID_BYTES {
        return Err(Problem::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid_job_id",
            format!(
                "job_id is {} bytes in UTF-8; it becomes the message's correlation id, which \
                 holds at most {MAX_CORRELATION_ID_BYTES}",
                job.job_id.len()
            ),
        ));
    }
    if !BUILTIN.iter().any(|(name, _)| *name == job.pipeline) {
        let known: Vec<&str> = BUILTIN.iter().map(|(name, _)| *name).collect();
        return Err(Problem::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "unknown_pipeline",
            format!(
                "no pipeline named {:?}; known: {}",
                job.pipeline,
                known.join(", ")
            ),
        ));
    }
    config.rules.check(job).map_err(|e| job_error(&e))?;
    Ok(())
}

/// The refusal of a job the worker would refuse.
fn job_error(error: &JobError) -> Problem {
    let (status, code) = match error {
        JobError::UrlNotAllowed { .. } => (StatusCode::FORBIDDEN, "url_not_allowed"),
        JobError::InlineTooLarge { .. } => (StatusCode::PAYLOAD_TOO_LARGE, "too_large"),
        JobError::BadJobId { .. } => (StatusCode::UNPROCESSABLE_ENTITY, "invalid_job_id"),
        JobError::PathsDisabled { .. } => (StatusCode::UNPROCESSABLE_ENTITY, "paths_not_accepted"),
        JobError::PathEscapes { .. } => (StatusCode::UNPROCESSABLE_ENTITY, "path_outside_root"),
        JobError::BadBase64 { .. } => (StatusCode::UNPROCESSABLE_ENTITY, "bad_base64"),
        JobError::BadPath { .. } => (StatusCode::UNPROCESSABLE_ENTITY, "invalid_path"),
        _ => (StatusCode::UNPROCESSABLE_ENTITY, "invalid_job"),
    };
    Problem::new(status, code, error.to_string())
}

/// How the body is read.
enum BodyKind {
    Json,
    Multipart,
    Pdf,
}

fn body_kind(request: &Request) -> BodyKind {
    let content_type = request
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .map(|v| v.trim().to_ascii_lowercase())
        .unwrap_or_default();
    let essence = content_type
        .split(';')
        .next()
        .unwrap_or_default()
        .trim()
        .to_owned();
    if essence == "application/json" || essence.ends_with("+json") {
        BodyKind::Json
    } else if essence == "multipart/form-data" {
        BodyKind::Multipart
    } else {
        BodyKind::Pdf
    }
}

/// Query parameters of a PDF body.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct PdfQuery {
    job_id: Option<String>,
    pipeline: Option<String>,
}

/// The job a request describes, or the answer that says why there is none.
async fn read_job(jobs: &Jobs, request: Request, limit: usize) -> Result<Job, Response> {
    match body_kind(&request) {
        BodyKind::Json => {
            let body = read_body(request, limit).await?;
            Ok(json_job(&body)?)
        }
        BodyKind::Multipart => multipart_job(jobs, request, limit).await,
        BodyKind::Pdf => {
            let query = match request.uri().query() {
                None => PdfQuery::default(),
                Some(_) => {
                    Query::<PdfQuery>::try_from_uri(request.uri())
                        .map_err(|e| {
                            problem(
                                StatusCode::BAD_REQUEST,
                                "bad_query",
                                &format!(
                                    "{}; the parameters are job_id and pipeline",
                                    e.body_text()
                                ),
                            )
                        })?
                        .0
                }
            };
            let body = read_body(request, limit).await?;
            Ok(inline_job(
                &jobs.config,
                &body,
                query.job_id,
                query.pipeline,
                BTreeMap::new(),
            )?)
        }
    }
}

async fn read_body(request: Request, limit: usize) -> Result<Bytes, Response> {
    let body = Body::new(Limited::new(request.into_body(), limit));
    axum::body::to_bytes(body, usize::MAX)
        .await
        .map_err(|e| body_error(&e, limit))
}

/// A JSON job: 400 when the body is not JSON at all, 422 when it is JSON but not a job.
fn json_job(body: &[u8]) -> Result<Job, Problem> {
    if let Err(e) = serde_json::from_slice::<serde::de::IgnoredAny>(body) {
        return Err(Problem::new(
            StatusCode::BAD_REQUEST,
            "bad_json",
            format!("the body is not JSON: {e}"),
        ));
    }
    job::parse(body).map_err(|e| job_error(&e))
}

/// A PDF as an inline job.
fn inline_job(
    config: &QueueConfig,
    pdf: &[u8],
    job_id: Option<String>,
    pipeline: Option<String>,
    metadata: BTreeMap<String, serde_json::Value>,
) -> Result<Job, Problem> {
    let limit = config.rules.max_inline_bytes;
    if pdf.len() > limit {
        return Err(Problem::new(
            StatusCode::PAYLOAD_TOO_LARGE,
            "too_large",
            format!(
                "the PDF is {} bytes; a job carries at most {limit} bytes inline \
                 (--max-inline-bytes): send a path or url job instead",
                pdf.len()
            ),
        ));
    }
    if !looks_like_pdf(pdf) {
        return Err(Problem::new(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "not_pdf",
            "the body is not a PDF: it does not start with %PDF-; send a job as \
             application/json, or the PDF as application/pdf or a multipart file part",
        ));
    }
    Ok(Job {
        version: JobVersion,
        job_id: job_id.unwrap_or_else(|| uuid::Uuid::new_v4().to_string()),
        document: JobDocument::Base64(base64::engine::general_purpose::STANDARD.encode(pdf)),
        pipeline: pipeline.unwrap_or_else(|| DEFAULT_PIPELINE.to_owned()),
        metadata,
    })
}

/// A multipart job: the `file` part and optional `job_id`, `pipeline`, `metadata` parts.
async fn multipart_job(jobs: &Jobs, request: Request, limit: usize) -> Result<Job, Response> {
    let request = request.map(|body| Body::new(Limited::new(body, limit)));
    let mut form = Multipart::from_request(request, &())
        .await
        .map_err(|e| multipart_rejection(&e))?;
    let mut pdf = None;
    let mut job_id = None;
    let mut pipeline = None;
    let mut metadata = BTreeMap::new();
    loop {
        let field = match form.next_field().await {
            Ok(Some(field)) => field,
            Ok(None) => break,
            Err(e) => return Err(multipart_error(&e, limit)),
        };
        let name = field.name().unwrap_or_default().to_owned();
        let is_file = name == "file" || field.file_name().is_some();
        let bytes = field
            .bytes()
            .await
            .map_err(|e| multipart_error(&e, limit))?;
        if is_file {
            pdf = Some(bytes);
            continue;
        }
        let text = || {
            String::from_utf8(bytes.to_vec()).map_err(|_| {
                Problem::new(
                    StatusCode::BAD_REQUEST,
                    "bad_multipart",
                    format!("the part {name:?} is not UTF-8 text"),
                )
            })
        };
        match name.as_str() {
            "job_id" => job_id = Some(text()?),
            "pipeline" => pipeline = Some(text()?),
            "metadata" => {
                metadata = serde_json::from_slice(&bytes).map_err(|e| {
                    problem(
                        StatusCode::UNPROCESSABLE_ENTITY,
                        "invalid_job",
                        &format!("the part \"metadata\" is not a JSON object: {e}"),
                    )
                })?;
            }
            other => {
                return Err(problem(
                    StatusCode::UNPROCESSABLE_ENTITY,
                    "invalid_job",
                    &format!(
                        "unknown form part {other:?}; the parts are file, job_id, pipeline \
                         and metadata"
                    ),
                ));
            }
        }
    }
    let Some(pdf) = pdf else {
        return Err(problem(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "no_file",
            "the multipart body has no file part; send the PDF as a part named \"file\"",
        ));
    };
    Ok(inline_job(&jobs.config, &pdf, job_id, pipeline, metadata)?)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn status_url_percent_encodes_the_id() {
        assert_eq!(status_url("KS-2024_17.a~b"), "/v1/jobs/KS-2024_17.a~b");
        assert_eq!(status_url("KS 2024/17"), "/v1/jobs/KS%202024%2F17");
        assert_eq!(status_url("Å"), "/v1/jobs/%C3%85");
    }

    #[test]
    fn validation_matches_the_worker() {
        let mut config = QueueConfig::new("amqp://unused");
        config.rules.allowed_urls = vec!["https://files.example/".to_owned()];
        let job = |document: JobDocument, pipeline: &str, id: &str| Job {
            version: JobVersion,
            job_id: id.to_owned(),
            document,
            pipeline: pipeline.to_owned(),
            metadata: BTreeMap::new(),
        };
        let url = |u: &str| JobDocument::Url(u.to_owned());
        let code = |j: &Job| validate(&config, j).err().map(|p| p.status);
        assert_eq!(
            code(&job(url("https://files.example/a.pdf"), "generic", "a")),
            None
        );
        assert_eq!(
            code(&job(url("https://evil.example/a.pdf"), "generic", "a")),
            Some(StatusCode::FORBIDDEN)
        );
        assert_eq!(
            code(&job(url("https://files.example/a.pdf"), "nope", "a")),
            Some(StatusCode::UNPROCESSABLE_ENTITY)
        );
        assert_eq!(
            code(&job(JobDocument::Path("a.pdf".into()), "generic", "a")),
            Some(StatusCode::UNPROCESSABLE_ENTITY)
        );
        // 130 characters of two bytes each: fine for the job schema, too long for AMQP.
        assert_eq!(
            code(&job(
                url("https://files.example/a.pdf"),
                "generic",
                &"å".repeat(130)
            )),
            Some(StatusCode::UNPROCESSABLE_ENTITY)
        );
        assert_eq!(
            code(&job(url("https://files.example/a.pdf"), "generic", "")),
            Some(StatusCode::UNPROCESSABLE_ENTITY)
        );
        // A path that cannot name a file is refused whatever the root, named as such.
        config.rules.document_root = Some("/srv/docs".into());
        let path = |p: &str| job(JobDocument::Path(p.to_owned()), "generic", "a");
        for bad in ["a\0.pdf", ""] {
            let refused = validate(&config, &path(bad)).unwrap_err();
            assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
            assert_eq!(refused.code, "invalid_path", "{bad:?}");
        }
        assert!(validate(&config, &path("a.pdf")).is_ok());
    }

    #[test]
    fn a_json_job_whose_path_cannot_name_a_file_is_422() {
        let status = |body: &[u8]| json_job(body).err().map(|p| (p.status, p.code));
        let unprocessable = StatusCode::UNPROCESSABLE_ENTITY;
        assert_eq!(
            status(br#"{"version":1,"job_id":"x","document":{"path":"a\u0000.pdf"}}"#),
            Some((unprocessable, "invalid_path"))
        );
        // Not UTF-8: a lone surrogate escape, and a raw byte that is no UTF-8. Both are JSON
        // in shape, so 422 rather than 400.
        let mut raw = br#"{"version":1,"job_id":"x","document":{"path":"a"#.to_vec();
        raw.extend_from_slice(b"\xff.pdf\"}}");
        for body in [
            &br#"{"version":1,"job_id":"x","document":{"path":"\ud800.pdf"}}"#[..],
            &raw,
        ] {
            assert_eq!(status(body), Some((unprocessable, "invalid_job")));
        }
        assert_eq!(
            status(br#"[1,"x",{"path":"a.pdf"},"generic",{}]"#),
            Some((unprocessable, "invalid_job"))
        );
        // Near miss: the same job with a path that can name a file.
        assert_eq!(
            status(br#"{"version":1,"job_id":"x","document":{"path":"a.pdf"}}"#),
            None
        );
    }
}
