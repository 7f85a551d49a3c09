//! `POST /v1/webhooks/esign`: an e-sign platform says a document is signed; arkivar fetches it
//! from an allow-listed URL and enqueues it.
//!
//! The body is JSON naming the document, in a generic shape or an Acrobat-Sign-like one:
//!
//! ```json
//! {"document_url": "https://esign.example/files/123.pdf", "metadata": {"dnr": "KS 2024/17"}}
//! {"event": "AGREEMENT_WORKFLOW_COMPLETED", "agreement": {"id": "CBJCHBCAABAA"},
//!  "document_url": "https://esign.example/files/123.pdf"}
//! ```
//!
//! Optional fields: `pipeline`, `metadata` (an object). Other fields are ignored, since
//! platforms add fields over time. An `event` other than `AGREEMENT_WORKFLOW_COMPLETED` is
//! answered 200 `{"ignored": true}` so the platform does not retry it.
//!
//! The server fetches the document itself, at once, rather than enqueueing the URL for the
//! worker: platforms hand out download links that expire, and a failed fetch answered now
//! (502) makes the platform redeliver the notification, where a worker's failure later would
//! only reach the dead-letter queue. The document then travels inline, so it is bounded by
//! `--max-inline-bytes`. The fetch is
//! [`DocumentFetcher`](crate::sources::fetch::DocumentFetcher)'s, the worker's too: redirects are
//! followed only to allowed URLs (an allowed URL must not become a way to reach others), at
//! most [`MAX_REDIRECTS`](crate::sources::fetch::MAX_REDIRECTS) of them.
//!
//! The job id is `esign-<agreement id>` when the body has one, else `esign-<uuid>`; a second
//! notification for a job still remembered is answered 202 with the same id and
//! `"duplicate": true`, without fetching again. The job's metadata gets `esign`:
//! `{event, agreement_id, document_url}` beside the caller's own.
//!
//! Authentication: the bearer token like every route; or, with `--webhook-secret-file`,
//! instead of it `X-Arkivar-Signature: sha256=<hex>`, the HMAC-SHA256 (RFC 2104) of the raw
//! body under the shared secret.
//!
//! | code | when |
//! | --- | --- |
//! | 202 | fetched and enqueued: `{"job_id", "status_url"}` |
//! | 200 | an event that is not a completion: ignored |
//! | 400 | the body is not JSON |
//! | 401 | the signature is missing or wrong (with a secret configured) |
//! | 403 | `document_url` (or a redirect) is not on the allow-list |
//! | 413 | the body is over 1 MiB |
//! | 422 | not a notification (no `document_url`, wrong types); the document is not a PDF or is over `--max-inline-bytes` |
//! | 502 | the document could not be fetched (network, timeout, non-2xx) |
//! | 503 | as `POST /v1/jobs` |

use std::collections::BTreeMap;
use std::sync::Arc;

use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use base64::Engine as _;
use hmac::{Hmac, Mac};
use http_body_util::Limited;
use serde::Deserialize;
use sha2::Sha256;

use super::App;
use super::jobs::{Jobs, OnDuplicate, accepted, enqueue, no_broker};
use super::service::{body_error, declared_length, json, looks_like_pdf, problem, too_large};
use crate::job::{Job, JobDocument, JobVersion};
use crate::pipeline::config::DEFAULT_PIPELINE;
use crate::sources::fetch::FetchError;

/// Largest notification body.
pub const MAX_NOTIFICATION_BYTES: usize = 1024 * 1024;

/// The header carrying the body's HMAC when a webhook secret is configured.
pub const SIGNATURE_HEADER: &str = "x-arkivar-signature";

/// The event that means "all parties signed" (Acrobat Sign's name); other events are ignored.
pub const COMPLETED_EVENT: &str = "AGREEMENT_WORKFLOW_COMPLETED";

/// A notification, as far as arkivar reads it.
#[derive(Debug, Deserialize)]
struct Notification {
    #[serde(default)]
    event: Option<String>,
    #[serde(default)]
    agreement: Option<Agreement>,
    #[serde(default)]
    document_url: Option<String>,
    #[serde(default)]
    pipeline: Option<String>,
    #[serde(default)]
    metadata: BTreeMap<String, serde_json::Value>,
}

#[derive(Debug, Deserialize)]
struct Agreement {
    #[serde(default)]
    id: Option<String>,
}

/// `POST /v1/webhooks/esign`.
pub async fn esign(State(app): State<Arc<App>>, request: Request) -> Response {
    let Some(jobs) = app.jobs.as_ref() else {
        return no_broker();
    };
    let limit = MAX_NOTIFICATION_BYTES.min(app.config.max_body_bytes);
    if declared_length(request.headers()).is_some_and(|n| n > limit as u64) {
        return too_large(limit);
    }
    let (parts, body) = request.into_parts();
    let body = match axum::body::to_bytes(Body::new(Limited::new(body, limit)), usize::MAX).await {
        Ok(body) => body,
        Err(e) => return body_error(&e, limit),
    };
    if let Some(secret) = jobs.config.webhook_secret.as_deref()
        && !signature_matches(&parts.headers, &body, secret)
    {
        return problem(
            StatusCode::UNAUTHORIZED,
            "bad_signature",
            &format!(
                "the {SIGNATURE_HEADER} header is missing or does not match: send \
                 sha256=<hex HMAC-SHA256 of the body under the shared secret>"
            ),
        );
    }
    if let Err(e) = serde_json::from_slice::<serde::de::IgnoredAny>(&body) {
        return problem(
            StatusCode::BAD_REQUEST,
            "bad_json",
            &format!("the body is not JSON: {e}"),
        );
    }
    let note: Notification = match serde_json::from_slice(&body) {
        Ok(note) => note,
        Err(e) => {
            return problem(
                StatusCode::UNPROCESSABLE_ENTITY,
                "invalid_notification",
                &format!("the body is not a completion notification: {e}"),
            );
        }
    };
    if let Some(event) = note.event.as_deref()
        && event != COMPLETED_EVENT
    {
        return json(
            StatusCode::OK,
            &serde_json::json!({ "ignored": true, "event": event }),
        );
    }
    let Some(url) = note.document_url.clone() else {
        return problem(
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid_notification",
            "the notification has no document_url",
        );
    };
    if !jobs.config.rules.url_allowed(&url) {
        return problem(
            StatusCode::FORBIDDEN,
            "url_not_allowed",
            &format!("document_url {url:?} is not on the allow-list (--allow-url)"),
        );
    }
    let agreement_id = note.agreement.as_ref().and_then(|a| a.id.clone());
    let job_id = match &agreement_id {
        Some(id) => format!("esign-{id}"),
        None => format!("esign-{}", uuid::Uuid::new_v4()),
    };
    if jobs.queue.tracker().get(&job_id).is_some() {
        // A redelivered notification: the job is queued (or done) already. (Two arriving at
        // once both fetch; the second is then accepted as a duplicate by `enqueue`.)
        return accepted(&job_id, true);
    }
    let pdf = match fetch(jobs, &url).await {
        Ok(pdf) => pdf,
        Err(response) => return response,
    };
    let mut metadata = note.metadata;
    metadata.insert(
        "esign".to_owned(),
        serde_json::json!({
            "event": note.event,
            "agreement_id": agreement_id,
            "document_url": url,
        }),
    );
    let job = Job {
        version: JobVersion,
        job_id,
        document: JobDocument::Base64(base64::engine::general_purpose::STANDARD.encode(&pdf)),
        pipeline: note.pipeline.unwrap_or_else(|| DEFAULT_PIPELINE.to_owned()),
        metadata,
    };
    enqueue(jobs, job, "webhook", OnDuplicate::Accept).await
}

/// True when the signature header is `sha256=<hex>` of the body's HMAC under `secret`,
/// compared in constant time (`Mac::verify_slice`).
fn signature_matches(headers: &HeaderMap, body: &[u8], secret: &str) -> bool {
    let Some(given) = headers
        .get(SIGNATURE_HEADER)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.trim().strip_prefix("sha256="))
        .and_then(|hex_text| hex::decode(hex_text).ok())
    else {
        return false;
    };
    let Ok(mut mac) = Hmac::<Sha256>::new_from_slice(secret.as_bytes()) else {
        return false;
    };
    mac.update(body);
    mac.verify_slice(&given).is_ok()
}

/// The signature header value for `body` under `secret`, as a platform would send it.
pub fn signature(body: &[u8], secret: &str) -> String {
    // HMAC takes keys of any length, so `new_from_slice` cannot fail here.
    match Hmac::<Sha256>::new_from_slice(secret.as_bytes()) {
        Ok(mut mac) => {
            mac.update(body);
            format!("sha256={}", hex::encode(mac.finalize().into_bytes()))
        }
        Err(_) => String::new(),
    }
}

/// The document at `url`: a PDF of at most `--max-inline-bytes`.
async fn fetch(jobs: &Jobs, url: &str) -> Result<Vec<u8>, Response> {
    let limit = jobs.config.rules.max_inline_bytes as u64;
    let pdf = jobs.fetcher.fetch(url, limit).await.map_err(|e| match e {
        FetchError::NotAllowed { .. } | FetchError::RedirectNotAllowed { .. } => {
            problem(StatusCode::FORBIDDEN, "url_not_allowed", &e.to_string())
        }
        FetchError::TooLarge { .. } => problem(
            StatusCode::UNPROCESSABLE_ENTITY,
            "document_too_large",
            &format!("{e}, the most a job carries inline (--max-inline-bytes)"),
        ),
        _ => problem(StatusCode::BAD_GATEWAY, "fetch_failed", &e.to_string()),
    })?;
    if !looks_like_pdf(&pdf) {
        return Err(problem(
            StatusCode::UNPROCESSABLE_ENTITY,
            "not_pdf",
            &format!("the document at {url} is not a PDF: it does not start with %PDF-"),
        ));
    }
    Ok(pdf)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn signature_round_trip_and_tamper() {
        let body = br#"{"document_url":"https://esign.example/a.pdf"}"#;
        let mut headers = HeaderMap::new();
        headers.insert(SIGNATURE_HEADER, signature(body, "s3cret").parse().unwrap());
        assert!(signature_matches(&headers, body, "s3cret"));
        assert!(!signature_matches(&headers, body, "other"));
        assert!(!signature_matches(&headers, b"{}", "s3cret"));
        assert!(!signature_matches(&HeaderMap::new(), body, "s3cret"));
        headers.insert(SIGNATURE_HEADER, "sha256=zz".parse().unwrap());
        assert!(!signature_matches(&headers, body, "s3cret"));
    }

    #[test]
    fn rfc_4231_test_case_2() {
        // RFC 4231 §4.3: key "Jefe", data "what do ya want for nothing?".
        assert_eq!(
            signature(b"what do ya want for nothing?", "Jefe"),
            "sha256=5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"
        );
    }
}
