//! The record: what arkivar says about one document, and its published JSON Schema.
//!
//! The record is an API (`shared/spec/verdict.md`): archive and registrar systems route on
//! `status`, `findings[].code` and `error.kind`, so those are closed enums or fixed strings here,
//! and every change to the shape shows up as a diff of the committed
//! `schema/record.schema.json` (a test compares it with [`record_schema`]). Fields may be added;
//! none may be renamed or change meaning without bumping [`RECORD_VERSION`].
//!
//! This module only describes the record. Building one is the pipeline's job
//! (`crate::pipeline`), writing one is a sink's (`crate::sinks`).

use std::borrow::Cow;
use std::collections::BTreeMap;

use schemars::{JsonSchema, Schema, SchemaGenerator, json_schema};
use serde::{Serialize, Serializer};

use crate::audit::AuditTrail;
use crate::audit::stamp::Stamp;
use crate::minutes::MinutesFacts;
use crate::ocr::OcrInfo;
use crate::pdf::text::PageText;
use crate::pdf::{DocumentMetadata, PdfError, Revision};
use crate::signature::examine::SignatureFacts;

mod signing;

pub use signing::{MatchState, SignerRole, Signing, SigningSource, SourceTime, Uncovered};

/// The version of the record's shape that this build writes.
///
/// 2: `signatures[].error` became `{code, message}` (a typed check failure, was a string);
/// usage-rights signatures moved from `signatures` to `usage_rights`; `signing[].times[]`
/// says which text evidence no seal covers (`uncovered`).
pub const RECORD_VERSION: u32 = 2;

/// The version of arkivar that wrote a record.
pub const ARKIVAR_VERSION: &str = env!("CARGO_PKG_VERSION");

/// Everything arkivar knows about one input: its identity, its text, and the verdict.
#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct Record {
    /// Version of the record's shape ([`RECORD_VERSION`]); 2 for this schema.
    pub record_version: RecordVersion,
    /// The verdict (`verdict.md` § Status), or `error` when the document could not be processed.
    pub status: Status,
    /// What this record is named and deduplicated by.
    pub identity: Identity,
    /// Facts about the file itself.
    pub document: DocumentInfo,
    /// Text of every page, in page order.
    pub pages: Vec<PageText>,
    /// Why the document could not be processed; present exactly when `status` is `error`.
    pub error: Option<RecordError>,
    /// Where the input came from.
    pub source: SourceInfo,
    /// When the record was made, RFC 3339 in UTC.
    #[schemars(with = "String", extend("format" = "date-time"))]
    pub processed_at: jiff::Timestamp,
    /// The arkivar version that made the record.
    pub arkivar_version: String,
    /// What the checks found (`verdict.md` § Findings).
    pub findings: Vec<Finding>,
    /// The meeting the document records; null when it is not meeting minutes.
    pub minutes: Option<MinutesFacts>,
    /// The signing events, one per person, in the order they happened.
    pub signing: Vec<Signing>,
    /// E-sign audit trails found in the text, with their events.
    pub audit_trails: Vec<AuditTrail>,
    /// Visible signing stamps found in the text.
    pub stamps: Vec<Stamp>,
    /// The PDF's cryptographic signatures and document timestamps, one by one.
    pub signatures: Vec<SignatureFacts>,
    /// Adobe Reader usage-rights signatures (`/Perms /UR3`, `/UR`), checked like the others
    /// but never signers: they unlock Reader features and say nothing of who approved the
    /// document, so they never make it signed, failed or verified.
    pub usage_rights: Vec<SignatureFacts>,
    /// The queue job this record answers; absent for records made outside the worker.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub job: Option<JobInfo>,
    /// OCR of scanned pages: engine, version, languages and each page read; null when no
    /// page needed OCR.
    pub ocr: Option<OcrInfo>,
}

/// The job a record was made for (`schema/job.schema.json`), and what the archive said.
#[derive(Debug, Clone, PartialEq, Serialize, JsonSchema)]
pub struct JobInfo {
    /// The caller's job id.
    pub job_id: String,
    /// The pipeline that ran.
    pub pipeline: String,
    /// The caller's metadata, unchanged.
    pub metadata: BTreeMap<String, serde_json::Value>,
    /// The AMQP correlation id of the job message, when it had one.
    pub correlation_id: Option<String>,
    /// The id the HTTP archive gave the record, once it accepted it.
    pub archive_id: Option<String>,
    /// Why the HTTP archive refused the record (its HTTP status and answer), when it did; the
    /// job is then dead-lettered instead of acked.
    pub archive_error: Option<String>,
}

/// The constant `record_version`, as its own type so the schema can say `const`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct RecordVersion;

impl Serialize for RecordVersion {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_u32(RECORD_VERSION)
    }
}

impl JsonSchema for RecordVersion {
    fn schema_name() -> Cow<'static, str> {
        "RecordVersion".into()
    }

    fn inline_schema() -> bool {
        true
    }

    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        json_schema!({ "type": "integer", "const": RECORD_VERSION })
    }
}

/// The outcome for a document (`verdict.md` § Status).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    /// Signatures found, no finding of severity `error` or `warning`.
    Verified,
    /// At least one `warning`, no `error`.
    Warnings,
    /// At least one `error` finding.
    Failed,
    /// No signature of any kind, and the document is not a protocol that requires one.
    Unsigned,
    /// The document could not be processed; `error` says why.
    Error,
}

impl Status {
    /// The snake_case code as it appears in the record.
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Verified => "verified",
            Status::Warnings => "warnings",
            Status::Failed => "failed",
            Status::Unsigned => "unsigned",
            Status::Error => "error",
        }
    }

    /// True for the statuses that make a batch exit with 1.
    pub fn is_failure(self) -> bool {
        matches!(self, Status::Failed | Status::Error)
    }
}

/// How a record is identified: by the SHA-256 of the input's bytes, or, when the bytes could
/// not be read at all, by the SHA-256 of the source path.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, JsonSchema)]
pub struct Identity {
    /// What `sha256` is a hash of.
    pub by: IdentityBasis,
    /// Hex SHA-256; sinks name and deduplicate records by it.
    pub sha256: String,
}

/// What a record's identity hash was computed over.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum IdentityBasis {
    /// The input's bytes (equal to `document.sha256`): the normal case.
    Content,
    /// The bytes of the source path, because the content could not be read. Such a record is
    /// not deduplicated with the document's content record once the file becomes readable.
    SourcePath,
}

/// Facts about the file. Everything but `sha256` and `size` is null when it could not be loaded.
#[derive(Debug, Clone, PartialEq, Serialize, JsonSchema)]
pub struct DocumentInfo {
    /// Hex SHA-256 of the input bytes; null only when the bytes could not be read.
    pub sha256: Option<String>,
    /// Size of the input in bytes; null when not even that is known.
    pub size: Option<u64>,
    /// Number of pages.
    pub pages: Option<usize>,
    /// PDF version from the header or catalog, e.g. `1.7`.
    pub pdf_version: Option<String>,
    /// True when the file was encrypted (and opened with the empty user password).
    pub encrypted: Option<bool>,
    /// The original file and its incremental updates.
    pub revisions: Option<Revisions>,
    /// How the cross-reference data was repaired; null when it needed no repair.
    pub xref_repair: Option<String>,
    /// Info dictionary and XMP metadata.
    pub metadata: Option<DocumentMetadata>,
    /// Files embedded in the document (the `/EmbeddedFiles` name tree and file attachment
    /// annotations): name, size and SHA-256 of each, such as an e-sign platform's evidence.
    pub attachments: Vec<crate::pdf::attachments::Attachment>,
}

/// The revisions of a file: the original plus one per incremental update.
#[derive(Debug, Clone, PartialEq, Serialize, JsonSchema)]
pub struct Revisions {
    /// How many revisions the file has.
    pub count: usize,
    /// Every revision in file order.
    pub list: Vec<Revision>,
}

/// Why a document could not be processed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, JsonSchema)]
pub struct RecordError {
    /// Stable code to route on.
    pub kind: ErrorKind,
    /// What went wrong, for people; names the object or offset when known.
    pub message: String,
}

/// Stable codes for why a document could not be processed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum ErrorKind {
    /// The input is not a PDF at all.
    NotPdf,
    /// The document needs a password.
    Encrypted,
    /// The input looks like a PDF but could not be read.
    Malformed,
    /// The input exceeds a limit on size, objects, pages or decompressed bytes.
    TooLarge,
    /// Processing took longer than the per-document time limit.
    Timeout,
    /// The input could not be read from its source.
    Io,
    /// arkivar itself failed on this input (a contained panic): a bug to report.
    Internal,
}

impl ErrorKind {
    /// The snake_case code as it appears in the record.
    pub fn as_str(self) -> &'static str {
        match self {
            ErrorKind::NotPdf => "not_pdf",
            ErrorKind::Encrypted => "encrypted",
            ErrorKind::Malformed => "malformed",
            ErrorKind::TooLarge => "too_large",
            ErrorKind::Timeout => "timeout",
            ErrorKind::Io => "io",
            ErrorKind::Internal => "internal",
        }
    }
}

impl From<&PdfError> for ErrorKind {
    fn from(error: &PdfError) -> Self {
        // Exhaustive on purpose (`non_exhaustive` binds only other crates): a new error variant
        // must be given its stable kind here before the crate builds.
        match error {
            PdfError::NotPdf => ErrorKind::NotPdf,
            PdfError::Encrypted { .. } => ErrorKind::Encrypted,
            PdfError::FileTooLarge { .. }
            | PdfError::StreamTooLarge { .. }
            | PdfError::LoadStreamTooLarge { .. }
            | PdfError::TooManyObjects { .. }
            | PdfError::TooManyPages { .. } => ErrorKind::TooLarge,
            PdfError::Timeout { .. } => ErrorKind::Timeout,
            // A parser panic is the library failing on bad input, so the input is malformed;
            // `internal` is kept for panics in arkivar's own code.
            PdfError::Malformed { .. }
            | PdfError::Xref { .. }
            | PdfError::Object { .. }
            | PdfError::NoPages { .. }
            | PdfError::ParserPanic { .. } => ErrorKind::Malformed,
        }
    }
}

impl From<&PdfError> for RecordError {
    fn from(error: &PdfError) -> Self {
        RecordError {
            kind: error.into(),
            message: error.to_string(),
        }
    }
}

/// Where an input came from.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, JsonSchema)]
pub struct SourceInfo {
    /// File path, as given or as found under the batch directory.
    pub path: Option<String>,
    /// Name of an input that has no path (an upload's file name, a queue message id).
    pub name: Option<String>,
}

impl SourceInfo {
    /// A source read from a file at `path`.
    pub fn from_path(path: &std::path::Path) -> Self {
        SourceInfo {
            path: Some(path.to_string_lossy().into_owned()),
            name: None,
        }
    }

    /// A source known only by a name.
    pub fn named(name: impl Into<String>) -> Self {
        SourceInfo {
            path: None,
            name: Some(name.into()),
        }
    }
}

/// A finding's code (`verdict.md` § Findings): the stable API that archive and registrar
/// systems route on. One enum, so that a rule cannot emit, and a policy cannot name, a code
/// the spec does not have; serialised as the dotted name.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    PartialOrd,
    Ord,
    Hash,
    Serialize,
    serde::Deserialize,
    JsonSchema,
)]
pub enum FindingCode {
    /// `signature.integrity_broken`: the digest of the signed byte ranges differs from the CMS messageDigest, the signature value does not verify, or the value is not a well-formed signature.
    #[serde(rename = "signature.integrity_broken")]
    SignatureIntegrityBroken,
    /// `signature.modified_after_signing`: a later revision changes more than the signature's DocMDP/FieldMDP permits.
    #[serde(rename = "signature.modified_after_signing")]
    SignatureModifiedAfterSigning,
    /// `signature.untrusted`: the signer's certificate chain does not reach a configured trust anchor.
    #[serde(rename = "signature.untrusted")]
    SignatureUntrusted,
    /// `signature.certificate_invalid`: the signer's certificate was not valid at the signing time.
    #[serde(rename = "signature.certificate_invalid")]
    SignatureCertificateInvalid,
    /// `signature.unverifiable`: a signature that can be read but not checked: ink on a scan, evidence in the text that no checked signature covers, an algorithm or format arkivar does not implement.
    #[serde(rename = "signature.unverifiable")]
    SignatureUnverifiable,
    /// `signature.svt_disagrees`: a signature validation token's verdict contradicts arkivar's own check.
    #[serde(rename = "signature.svt_disagrees")]
    SignatureSvtDisagrees,
    /// `signature.level_insufficient`: the PAdES baseline level is below the policy's `require_level`.
    #[serde(rename = "signature.level_insufficient")]
    SignatureLevelInsufficient,
    /// `signer.not_participant`: a signer matches nobody in the participant list or the designated signers.
    #[serde(rename = "signer.not_participant")]
    SignerNotParticipant,
    /// `role.missing_signature`: a designated chair, secretary or adjuster has no signature.
    #[serde(rename = "role.missing_signature")]
    RoleMissingSignature,
    /// `order.violation`: the signing order differs from the policy's order.
    #[serde(rename = "order.violation")]
    OrderViolation,
    /// `time.signed_before_meeting`: a signature is dated before the meeting took place.
    #[serde(rename = "time.signed_before_meeting")]
    TimeSignedBeforeMeeting,
    /// `time.justering_deadline_exceeded`: the last required signature is later than the justering deadline.
    #[serde(rename = "time.justering_deadline_exceeded")]
    TimeJusteringDeadlineExceeded,
    /// `time.sources_disagree`: two sources date one signing differently beyond the tolerance.
    #[serde(rename = "time.sources_disagree")]
    TimeSourcesDisagree,
    /// `time.in_future`: a signing time is later than the time the document was processed.
    #[serde(rename = "time.in_future")]
    TimeInFuture,
    /// `audit.not_chronological`: audit trail events are out of order.
    #[serde(rename = "audit.not_chronological")]
    AuditNotChronological,
    /// `audit.incomplete`: the audit trail has no completion event, or a recipient never signed.
    #[serde(rename = "audit.incomplete")]
    AuditIncomplete,
    /// `audit.alternative_signer`: the sender added an alternative signer or the signing was delegated.
    #[serde(rename = "audit.alternative_signer")]
    AuditAlternativeSigner,
    /// `audit.delivery_failed`: an e-mail to a signer bounced.
    #[serde(rename = "audit.delivery_failed")]
    AuditDeliveryFailed,
    /// `notice.posted_late`: the notice of justering went up later than the policy allows.
    #[serde(rename = "notice.posted_late")]
    NoticePostedLate,
    /// `notice.period_too_short`: the notice stayed up shorter than the policy requires.
    #[serde(rename = "notice.period_too_short")]
    NoticePeriodTooShort,
    /// `document.not_protocol`: no meeting, participant list or designated signers were found.
    #[serde(rename = "document.not_protocol")]
    DocumentNotProtocol,
    /// `document.ocr_used`: some or all text came from OCR of page images.
    #[serde(rename = "document.ocr_used")]
    DocumentOcrUsed,
}

impl FindingCode {
    /// Every code, in verdict.md's order.
    pub const ALL: [FindingCode; 22] = [
        FindingCode::SignatureIntegrityBroken,
        FindingCode::SignatureModifiedAfterSigning,
        FindingCode::SignatureUntrusted,
        FindingCode::SignatureCertificateInvalid,
        FindingCode::SignatureUnverifiable,
        FindingCode::SignatureSvtDisagrees,
        FindingCode::SignatureLevelInsufficient,
        FindingCode::SignerNotParticipant,
        FindingCode::RoleMissingSignature,
        FindingCode::OrderViolation,
        FindingCode::TimeSignedBeforeMeeting,
        FindingCode::TimeJusteringDeadlineExceeded,
        FindingCode::TimeSourcesDisagree,
        FindingCode::TimeInFuture,
        FindingCode::AuditNotChronological,
        FindingCode::AuditIncomplete,
        FindingCode::AuditAlternativeSigner,
        FindingCode::AuditDeliveryFailed,
        FindingCode::NoticePostedLate,
        FindingCode::NoticePeriodTooShort,
        FindingCode::DocumentNotProtocol,
        FindingCode::DocumentOcrUsed,
    ];

    /// The dotted name, as serialised.
    pub fn as_str(self) -> &'static str {
        match self {
            FindingCode::SignatureIntegrityBroken => "signature.integrity_broken",
            FindingCode::SignatureModifiedAfterSigning => "signature.modified_after_signing",
            FindingCode::SignatureUntrusted => "signature.untrusted",
            FindingCode::SignatureCertificateInvalid => "signature.certificate_invalid",
            FindingCode::SignatureUnverifiable => "signature.unverifiable",
            FindingCode::SignatureSvtDisagrees => "signature.svt_disagrees",
            FindingCode::SignatureLevelInsufficient => "signature.level_insufficient",
            FindingCode::SignerNotParticipant => "signer.not_participant",
            FindingCode::RoleMissingSignature => "role.missing_signature",
            FindingCode::OrderViolation => "order.violation",
            FindingCode::TimeSignedBeforeMeeting => "time.signed_before_meeting",
            FindingCode::TimeJusteringDeadlineExceeded => "time.justering_deadline_exceeded",
            FindingCode::TimeSourcesDisagree => "time.sources_disagree",
            FindingCode::TimeInFuture => "time.in_future",
            FindingCode::AuditNotChronological => "audit.not_chronological",
            FindingCode::AuditIncomplete => "audit.incomplete",
            FindingCode::AuditAlternativeSigner => "audit.alternative_signer",
            FindingCode::AuditDeliveryFailed => "audit.delivery_failed",
            FindingCode::NoticePostedLate => "notice.posted_late",
            FindingCode::NoticePeriodTooShort => "notice.period_too_short",
            FindingCode::DocumentNotProtocol => "document.not_protocol",
            FindingCode::DocumentOcrUsed => "document.ocr_used",
        }
    }

    /// The code with this dotted name.
    pub fn from_name(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|c| c.as_str() == name)
    }

    /// The default severity (verdict.md § Findings, the `protokoll-sv` policy).
    pub fn default_severity(self) -> Severity {
        match self {
            FindingCode::SignatureIntegrityBroken
            | FindingCode::SignatureModifiedAfterSigning
            | FindingCode::SignatureCertificateInvalid
            | FindingCode::SignatureSvtDisagrees
            | FindingCode::SignerNotParticipant
            | FindingCode::RoleMissingSignature
            | FindingCode::TimeSignedBeforeMeeting
            | FindingCode::TimeInFuture
            | FindingCode::AuditNotChronological
            | FindingCode::AuditIncomplete => Severity::Error,
            FindingCode::SignatureUntrusted
            | FindingCode::SignatureUnverifiable
            | FindingCode::SignatureLevelInsufficient
            | FindingCode::OrderViolation
            | FindingCode::TimeJusteringDeadlineExceeded
            | FindingCode::TimeSourcesDisagree
            | FindingCode::NoticePostedLate
            | FindingCode::NoticePeriodTooShort => Severity::Warning,
            FindingCode::AuditAlternativeSigner
            | FindingCode::AuditDeliveryFailed
            | FindingCode::DocumentNotProtocol
            | FindingCode::DocumentOcrUsed => Severity::Info,
        }
    }
}

impl std::fmt::Display for FindingCode {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Tests and callers compare a code with its dotted name.
impl PartialEq<&str> for FindingCode {
    fn eq(&self, other: &&str) -> bool {
        self.as_str() == *other
    }
}

/// One thing a check found (`verdict.md` § Findings).
#[derive(Debug, Clone, PartialEq, Serialize, JsonSchema)]
pub struct Finding {
    /// Stable code, e.g. `signature.integrity_broken`.
    pub code: FindingCode,
    /// How much it matters under the policy that ran.
    pub severity: Severity,
    /// What was found, for people.
    pub message: String,
    /// What the finding rests on: signature field, audit event, page and text span, dates.
    pub evidence: BTreeMap<String, serde_json::Value>,
}

/// Severity of a finding.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, serde::Deserialize, JsonSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum Severity {
    /// Makes the status `failed`.
    Error,
    /// Makes the status `warnings` unless there is an error.
    Warning,
    /// Reported, does not change the status.
    Info,
}

/// The JSON Schema (draft 2020-12) of [`Record`], as committed in `schema/record.schema.json`.
pub fn record_schema() -> serde_json::Value {
    // The record is only ever written, so the schema describes what serialization produces.
    let generator = schemars::generate::SchemaSettings::draft2020_12()
        .for_serialize()
        .into_generator();
    generator.into_root_schema_for::<Record>().to_value()
}

#[cfg(test)]
mod tests {
    use super::*;

    const SCHEMA_PATH: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/schema/record.schema.json");

    #[test]
    fn committed_schema_matches_generated() {
        let generated = record_schema();
        let committed = std::fs::read_to_string(SCHEMA_PATH)
            .unwrap_or_else(|e| panic!("cannot read {SCHEMA_PATH}: {e}; run `cargo run -- schema > schema/record.schema.json`"));
        let committed: serde_json::Value = serde_json::from_str(&committed)
            .unwrap_or_else(|e| panic!("{SCHEMA_PATH} is not JSON: {e}; run `cargo run -- schema > schema/record.schema.json`"));
        assert!(
            committed == generated,
            "schema/record.schema.json is out of date with src/record.rs: the record is an API, \
             so review the change, then run `cargo run -- schema > schema/record.schema.json` \
             and commit it"
        );
    }

    #[test]
    fn record_version_is_a_constant_in_schema_and_json() {
        let schema = record_schema();
        assert_eq!(
            schema["properties"]["record_version"]["const"],
            serde_json::json!(2)
        );
        assert_eq!(
            serde_json::to_value(RecordVersion).unwrap(),
            serde_json::json!(2)
        );
    }

    #[test]
    fn every_pdf_error_maps_to_its_kind() {
        let cases = [
            (PdfError::NotPdf, "not_pdf"),
            (
                PdfError::Encrypted {
                    reason: "AES-256, user password set".into(),
                },
                "encrypted",
            ),
            (PdfError::Malformed { reason: "x".into() }, "malformed"),
            (
                PdfError::Xref {
                    offset: 9,
                    reason: "x".into(),
                },
                "malformed",
            ),
            (
                PdfError::Object {
                    object: (3, 0),
                    reason: "x".into(),
                },
                "malformed",
            ),
            (PdfError::NoPages { reason: "x".into() }, "malformed"),
            (
                PdfError::ParserPanic {
                    during: "loading",
                    message: "x".into(),
                },
                "malformed",
            ),
            (PdfError::FileTooLarge { size: 2, limit: 1 }, "too_large"),
            (
                PdfError::StreamTooLarge {
                    object: (4, 0),
                    limit: 1,
                },
                "too_large",
            ),
            (PdfError::TooManyObjects { count: 2, limit: 1 }, "too_large"),
            (PdfError::TooManyPages { count: 2, limit: 1 }, "too_large"),
            (
                PdfError::Timeout {
                    millis: 1,
                    during: "extracting text",
                },
                "timeout",
            ),
        ];
        for (error, code) in cases {
            let record_error = RecordError::from(&error);
            assert_eq!(record_error.kind.as_str(), code, "{error:?}");
            assert_eq!(
                serde_json::to_value(record_error.kind).unwrap(),
                serde_json::json!(code)
            );
            assert_eq!(record_error.message, error.to_string());
        }
    }

    #[test]
    fn status_codes_are_the_ones_in_verdict_md() {
        for (status, code) in [
            (Status::Verified, "verified"),
            (Status::Warnings, "warnings"),
            (Status::Failed, "failed"),
            (Status::Unsigned, "unsigned"),
            (Status::Error, "error"),
        ] {
            assert_eq!(status.as_str(), code);
            assert_eq!(
                serde_json::to_value(status).unwrap(),
                serde_json::json!(code)
            );
        }
    }
}
