//! The HTTP archive: POST each record (optionally with its PDF, multipart) to an archive API.
//!
//! What the archive answers decides what the worker does with the job:
//! - 2xx: archived; the archive's id (JSON `id`, else the `Location` header) is kept;
//! - 409: the archive already has a record under this `Idempotency-Key`: archived, too —
//!   this is how a redelivery after a crash stays a single record;
//! - 5xx, 429 and timeouts: retried here with exponential back-off (429 and 503 honour
//!   `Retry-After`), then reported as [`ArchiveError::Unavailable`] so the job can be retried
//!   later through the retry queues;
//! - any other 4xx: [`ArchiveError::Rejected`], not retried: the same request would fail again.
//!
//! [`config`] holds the options (shared by the worker and `batch`); [`blocking`] lets the
//! threads of `batch` use this same client.

pub mod blocking;
pub mod config;

use std::time::Duration;

use reqwest::StatusCode;
use reqwest::header::{AUTHORIZATION, CONTENT_TYPE, HeaderValue, LOCATION, RETRY_AFTER};
use thiserror::Error;

use crate::record::{Record, Status};
pub use config::{ArchiveArgs, ArchiveConfig, ArchiveSend, ErrorRecords, TokenError, read_token};

/// Longest wait a `Retry-After` may ask for; a longer one is the retry queue's business.
const MAX_RETRY_AFTER: Duration = Duration::from_secs(30);

/// Why the archive did not take a record.
#[derive(Debug, Error)]
#[non_exhaustive]
pub enum ArchiveError {
    /// The archive refused the record (4xx other than 408, 409 and 429): permanent.
    #[error("the archive refused the record: HTTP {status}: {body}")]
    Rejected {
        /// The status.
        status: u16,
        /// The start of the response body.
        body: String,
    },
    /// The archive could not be reached or kept failing: try again later.
    #[error("the archive is unavailable after {attempts} attempts: {last}")]
    Unavailable {
        /// Requests made.
        attempts: u32,
        /// The last failure.
        last: String,
    },
    /// The HTTP client could not be built (bad TLS setup).
    #[error("cannot build the HTTP client: {0}")]
    Client(String),
    /// The record could not be serialized (a bug: records are plain data).
    #[error("cannot serialize the record: {0}")]
    Serialize(serde_json::Error),
    /// The async runtime that drives the client for blocking callers could not start.
    #[error("cannot start the archive client's runtime: {0}")]
    Runtime(std::io::Error),
    /// The archive package could not be made (a bug: the record and its bytes disagree).
    #[error("cannot make the archive package: {0}")]
    Package(String),
}

// By hand rather than `#[from]`, which would also make it the `source()`: the message
// already ends with its text, and a chain printer would say it twice.
impl From<serde_json::Error> for ArchiveError {
    fn from(error: serde_json::Error) -> Self {
        ArchiveError::Serialize(error)
    }
}

/// What the archive said when it took the record.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Receipt {
    /// The archive's id for the record, when it told us.
    pub id: Option<String>,
    /// True when the archive already had it (409).
    pub duplicate: bool,
    /// Requests it took.
    pub attempts: u32,
}

/// A client for one archive endpoint.
#[derive(Debug, Clone)]
pub struct ArchiveSink {
    client: reqwest::Client,
    config: ArchiveConfig,
}

enum Attempt {
    Done(Receipt),
    Permanent(ArchiveError),
    Transient {
        reason: String,
        wait: Option<Duration>,
    },
}

impl ArchiveSink {
    /// A sink for `config`.
    pub fn new(config: ArchiveConfig) -> Result<Self, ArchiveError> {
        let client = reqwest::Client::builder()
            .timeout(config.timeout)
            .connect_timeout(config.timeout)
            .build()
            .map_err(|e| ArchiveError::Client(e.to_string()))?;
        Ok(ArchiveSink { client, config })
    }

    /// Whether a record with `status` goes to this archive (error records are a choice).
    pub fn accepts(&self, status: Status) -> bool {
        self.config.accepts(status)
    }

    /// POSTs `record` (and `pdf` when multipart is on) under `key` ([`super::record_key`]),
    /// retrying transient failures; `on_retry` is told about each retry (for metrics).
    pub async fn send_record(
        &self,
        record: &Record,
        pdf: &[u8],
        key: &str,
        on_retry: impl Fn(),
    ) -> Result<Receipt, ArchiveError> {
        let json = serde_json::to_vec(record)?;
        let as_record = Body::Record { json: &json, pdf };
        // A package is another thing than the record, so it has a key of its own: an archive
        // that has the record must not answer "already here" to its package.
        let package_key = format!("{key}:sip");
        match self.config.send {
            ArchiveSend::Record => self.send(&as_record, key, &on_retry).await,
            ArchiveSend::Sip => match package_zip(record, pdf)? {
                Some(zip) => {
                    self.send(&Body::Package(&zip), &package_key, &on_retry)
                        .await
                }
                None => self.send(&as_record, key, &on_retry).await,
            },
            ArchiveSend::Both => {
                let receipt = self.send(&as_record, key, &on_retry).await?;
                if let Some(zip) = package_zip(record, pdf)? {
                    self.send(&Body::Package(&zip), &package_key, &on_retry)
                        .await?;
                }
                Ok(receipt)
            }
        }
    }

    /// POSTs `body` under `key`, retrying transient failures; `on_retry` is told about each
    /// retry (for metrics).
    async fn send(
        &self,
        body: &Body<'_>,
        key: &str,
        on_retry: &impl Fn(),
    ) -> Result<Receipt, ArchiveError> {
        let mut backoff = self.config.backoff;
        let max_attempts = self.config.max_attempts.max(1);
        let mut attempt = 0;
        loop {
            attempt += 1;
            match self.attempt(body, key, attempt).await {
                Attempt::Done(receipt) => return Ok(receipt),
                Attempt::Permanent(error) => return Err(error),
                Attempt::Transient { reason, wait } => {
                    if attempt >= max_attempts {
                        return Err(ArchiveError::Unavailable {
                            attempts: attempt,
                            last: reason,
                        });
                    }
                    let wait = wait.unwrap_or(backoff).min(MAX_RETRY_AFTER);
                    tracing::warn!(attempt, wait_ms = wait.as_millis() as u64, %reason, "archive failed; retrying");
                    on_retry();
                    tokio::time::sleep(wait).await;
                    backoff = (backoff * 2).min(self.config.max_backoff);
                }
            }
        }
    }

    async fn attempt(&self, body: &Body<'_>, key: &str, attempt: u32) -> Attempt {
        let mut request = self
            .client
            .post(&self.config.url)
            .header("Idempotency-Key", key);
        if let Some(token) = &self.config.token {
            match HeaderValue::from_str(&format!("Bearer {token}")) {
                Ok(mut value) => {
                    value.set_sensitive(true);
                    request = request.header(AUTHORIZATION, value);
                }
                Err(_) => {
                    return Attempt::Permanent(ArchiveError::Client(
                        "the archive token has characters not allowed in a header".to_owned(),
                    ));
                }
            }
        }
        let (record_json, pdf) = match *body {
            Body::Record { json, pdf } => (json, pdf),
            Body::Package(zip) => (zip, &[][..]),
        };
        request = if let Body::Package(zip) = body {
            request
                .header(CONTENT_TYPE, "application/zip")
                .body(zip.to_vec())
        } else if self.config.multipart {
            let record =
                reqwest::multipart::Part::bytes(record_json.to_vec()).mime_str("application/json");
            let document = reqwest::multipart::Part::bytes(pdf.to_vec())
                .file_name("document.pdf")
                .mime_str("application/pdf");
            match (record, document) {
                // A file that could not be read has no bytes to send: its error record goes
                // alone.
                (Ok(r), _) if pdf.is_empty() => {
                    request.multipart(reqwest::multipart::Form::new().part("record", r))
                }
                (Ok(r), Ok(d)) => request.multipart(
                    reqwest::multipart::Form::new()
                        .part("record", r)
                        .part("document", d),
                ),
                _ => {
                    return Attempt::Permanent(ArchiveError::Client(
                        "cannot build the multipart body".to_owned(),
                    ));
                }
            }
        } else {
            request
                .header(CONTENT_TYPE, "application/json")
                .body(record_json.to_vec())
        };
        let response = match request.send().await {
            Ok(r) => r,
            Err(e) => {
                return Attempt::Transient {
                    reason: error_chain(&e),
                    wait: None,
                };
            }
        };
        let status = response.status();
        let retry_after = response
            .headers()
            .get(RETRY_AFTER)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.trim().parse::<u64>().ok())
            .map(Duration::from_secs);
        let location = response
            .headers()
            .get(LOCATION)
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned);
        let body = response.bytes().await.unwrap_or_default();
        if status.is_success() || status == StatusCode::CONFLICT {
            let id = serde_json::from_slice::<serde_json::Value>(&body)
                .ok()
                .and_then(|v| match v.get("id") {
                    Some(serde_json::Value::String(s)) => Some(s.clone()),
                    Some(serde_json::Value::Number(n)) => Some(n.to_string()),
                    _ => None,
                })
                .or(location);
            return Attempt::Done(Receipt {
                id,
                duplicate: status == StatusCode::CONFLICT,
                attempts: attempt,
            });
        }
        let text: String = String::from_utf8_lossy(&body).chars().take(200).collect();
        if status.is_server_error()
            || status == StatusCode::TOO_MANY_REQUESTS
            || status == StatusCode::REQUEST_TIMEOUT
        {
            Attempt::Transient {
                reason: format!("HTTP {}: {text}", status.as_u16()),
                wait: retry_after,
            }
        } else {
            Attempt::Permanent(ArchiveError::Rejected {
                status: status.as_u16(),
                body: text,
            })
        }
    }
}

/// What one request carries.
enum Body<'a> {
    /// The record as JSON, and the document for a multipart request.
    Record { json: &'a [u8], pdf: &'a [u8] },
    /// The archive package as a ZIP.
    Package(&'a [u8]),
}

/// The archive package of `record`'s document as a ZIP; `None` when the record names the
/// document by its path (its bytes could not be read), which leaves nothing to package.
fn package_zip(record: &Record, pdf: &[u8]) -> Result<Option<Vec<u8>>, ArchiveError> {
    let package = match crate::package::build(record, pdf) {
        Ok(package) => package,
        Err(crate::package::PackageError::NoContent) => return Ok(None),
        Err(e) => return Err(ArchiveError::Package(e.to_string())),
    };
    crate::sinks::sip::zip_bytes(&package)
        .map(Some)
        .map_err(|e| ArchiveError::Package(e.to_string()))
}

/// reqwest's top error says little ("error sending request"); its sources say why.
fn error_chain(error: &dyn std::error::Error) -> String {
    let mut text = error.to_string();
    let mut source = error.source();
    while let Some(s) = source {
        text.push_str(": ");
        text.push_str(&s.to_string());
        source = s.source();
    }
    text
}
