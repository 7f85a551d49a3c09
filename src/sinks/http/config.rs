//! How the HTTP archive sink is configured: [`ArchiveConfig`] for the client, and
//! [`ArchiveArgs`], the command-line options that build it. `arkivar worker` and
//! `arkivar batch` both flatten [`ArchiveArgs`], so the archive is reached the same way from
//! either (token, timeouts, back-off, multipart, whether error records go too).

use std::path::PathBuf;
use std::time::Duration;

use clap::{Args, ValueEnum};
use thiserror::Error;

use crate::record::Status;

/// Environment variable the archive's bearer token is read from when no token file is given.
pub const TOKEN_ENV: &str = "ARKIVAR_ARCHIVE_TOKEN";

/// Longest back-off between two archive requests for one record.
const MAX_BACKOFF: Duration = Duration::from_secs(30);

/// How to reach the archive.
#[derive(Debug, Clone)]
pub struct ArchiveConfig {
    /// The endpoint records are POSTed to.
    pub url: String,
    /// Bearer token, if the archive wants one.
    pub token: Option<String>,
    /// Limit on one request, connect to last byte.
    pub timeout: Duration,
    /// Requests per record before giving up for now (1 = no retry here).
    pub max_attempts: u32,
    /// First back-off; doubled after each failure up to `max_backoff`.
    pub backoff: Duration,
    /// Longest back-off.
    pub max_backoff: Duration,
    /// Send the PDF with the record as `multipart/form-data` (`record`, `document`).
    pub multipart: bool,
    /// Whether records with status `error` are sent too.
    pub error_records: ErrorRecords,
    /// What each document sends: its record, its archive package, or both.
    pub send: ArchiveSend,
}

/// What the archive receives for each document.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, ValueEnum)]
pub enum ArchiveSend {
    /// The record as JSON (with the PDF when `--archive-multipart`).
    #[default]
    Record,
    /// The archive package (E-ARK SIP) as `application/zip`, under the record's idempotency
    /// key with `:sip` added; a document whose bytes could not be read has no package, and
    /// its record goes instead.
    Sip,
    /// The record, then the package, each under its own idempotency key.
    Both,
}

/// Whether the archive gets the records of documents that could not be processed.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, ValueEnum)]
pub enum ErrorRecords {
    /// Send them like any record: the archive learns that the document exists and why it
    /// could not be read (design.md: a document never disappears).
    #[default]
    Send,
    /// Keep them out of the archive (for archives that refuse records without a verdict);
    /// they still go to the results exchange and the dead-letter queue.
    Skip,
}

impl ArchiveConfig {
    /// Whether a record with `status` goes to the archive.
    pub fn accepts(&self, status: Status) -> bool {
        status != Status::Error || self.error_records == ErrorRecords::Send
    }
}

/// The archive options of `arkivar worker` and `arkivar batch`.
#[derive(Debug, Clone, Args)]
pub struct ArchiveArgs {
    /// The HTTP archive every record is POSTed to (`--sink URL` is the same option); without
    /// it no archive is used.
    #[arg(long = "archive-url", visible_alias = "sink", value_name = "URL")]
    pub url: Option<String>,
    /// File holding the archive's bearer token (else `ARKIVAR_ARCHIVE_TOKEN` is read).
    #[arg(long = "archive-token-file", value_name = "FILE")]
    pub token_file: Option<PathBuf>,
    /// Send the PDF along with the record, as multipart/form-data (`record`, `document`).
    #[arg(long = "archive-multipart")]
    pub multipart: bool,
    /// Seconds one archive request may take.
    #[arg(
        long = "archive-timeout",
        default_value_t = 30.0,
        value_name = "SECONDS"
    )]
    pub timeout: f64,
    /// Requests per record before giving up on the archive for now.
    #[arg(long = "archive-attempts", default_value_t = 5, value_name = "N")]
    pub attempts: u32,
    /// First archive back-off in milliseconds (doubles, up to 30 s; `Retry-After` wins).
    #[arg(long = "archive-backoff-ms", default_value_t = 500, value_name = "MS")]
    pub backoff_ms: u64,
    /// Whether records with status `error` (documents that could not be processed) go to
    /// the archive too.
    #[arg(long = "archive-error-records", value_enum, default_value_t = ErrorRecords::Send)]
    pub error_records: ErrorRecords,
    /// What the archive gets for each document: the record, the archive package (E-ARK SIP
    /// as a ZIP) or both.
    #[arg(long = "archive-send", value_enum, default_value_t = ArchiveSend::Record)]
    pub send: ArchiveSend,
}

impl ArchiveArgs {
    /// The configuration these options describe, with the token read; `None` without a URL.
    pub fn config(&self) -> Result<Option<ArchiveConfig>, TokenError> {
        let Some(url) = &self.url else {
            return Ok(None);
        };
        let token = read_token(self.token_file.as_ref(), TOKEN_ENV)?;
        Ok(Some(ArchiveConfig {
            url: url.clone(),
            token,
            timeout: Duration::from_secs_f64(self.timeout.max(0.1)),
            max_attempts: self.attempts,
            backoff: Duration::from_millis(self.backoff_ms),
            max_backoff: MAX_BACKOFF,
            multipart: self.multipart,
            error_records: self.error_records,
            send: self.send,
        }))
    }
}

/// Why a token could not be read.
/// A variant's `cause` ends its message, and is therefore not also its `source()`.
#[derive(Debug, Error)]
#[non_exhaustive]
pub enum TokenError {
    /// The token file could not be read.
    #[error("cannot read the archive token from {}: {cause}", .path.display())]
    File {
        /// The file.
        path: PathBuf,
        /// Why.
        cause: std::io::Error,
    },
    /// The token file or variable is empty.
    #[error("the archive token from {0} is empty")]
    Empty(String),
}

/// The bearer token from a file (preferred: it does not show in `/proc/*/environ`) or from the
/// environment variable `var`.
pub fn read_token(file: Option<&PathBuf>, var: &str) -> Result<Option<String>, TokenError> {
    let (origin, token) = match file {
        Some(path) => (
            path.display().to_string(),
            std::fs::read_to_string(path).map_err(|cause| TokenError::File {
                path: path.clone(),
                cause,
            })?,
        ),
        None => match std::env::var(var) {
            Ok(value) => (format!("${var}"), value),
            Err(_) => return Ok(None),
        },
    };
    let token = token.trim().to_owned();
    if token.is_empty() {
        return Err(TokenError::Empty(origin));
    }
    Ok(Some(token))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn token_file_is_trimmed_and_empty_is_an_error() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("token");
        std::fs::write(&path, "s3cret\n").unwrap();
        assert_eq!(
            read_token(Some(&path), "ARKIVAR_TEST_UNSET").unwrap(),
            Some("s3cret".to_owned())
        );
        std::fs::write(&path, " \n").unwrap();
        assert!(matches!(
            read_token(Some(&path), "X"),
            Err(TokenError::Empty(_))
        ));
        assert_eq!(read_token(None, "ARKIVAR_TEST_SURELY_UNSET").unwrap(), None);
    }

    #[test]
    fn error_records_are_sent_unless_the_choice_is_skip() {
        let args = ArchiveArgs {
            url: Some("http://archive.invalid/records".into()),
            token_file: None,
            multipart: false,
            timeout: 1.0,
            attempts: 1,
            backoff_ms: 1,
            error_records: ErrorRecords::default(),
            send: ArchiveSend::default(),
        };
        let send = args.config().unwrap().unwrap();
        assert!(send.accepts(Status::Error) && send.accepts(Status::Verified));
        let skip = ArchiveArgs {
            error_records: ErrorRecords::Skip,
            ..args
        }
        .config()
        .unwrap()
        .unwrap();
        assert!(!skip.accepts(Status::Error));
        assert!(skip.accepts(Status::Failed) && skip.accepts(Status::Unsigned));
    }
}
