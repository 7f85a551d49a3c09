//! `process`: hash, load, extract, and build the record for one document.

use sha2::{Digest, Sha256};

use super::Settings;
use crate::audit::stamp::{Stamp, find_stamps_in};
use crate::audit::{AuditTrail, find_audit_trails_in};
use crate::contain::contain;
use crate::minutes::{MinutesFacts, read_minutes_pages};
use crate::ocr::{OcrInfo, OcrOverBudget, OcrSettings, ocr_pages};
use crate::pdf::text::PageText;
use crate::pdf::text::{extract_pages_until, extract_pages_where};
use crate::pdf::{Pdf, PdfError, load};
use crate::record::{
    ARKIVAR_VERSION, DocumentInfo, ErrorKind, Identity, IdentityBasis, Record, RecordError,
    RecordVersion, Revisions, SourceInfo, Status,
};
use crate::signature::examine::{SignatureFacts, examine_hashed, split_usage_rights};
use crate::signature::range_digest::FileSha256;
use crate::verify::cover::{Evidence, covers};
use crate::verify::policy::Checks;
use crate::verify::{Inputs, Verdict, verify};

/// Runs every stage over `bytes` and returns the record. Never fails and never panics: a
/// document that cannot be processed becomes a record with status `error`.
pub fn process(bytes: &[u8], source: SourceInfo, settings: &Settings) -> Record {
    process_at(bytes, source, settings, jiff::Timestamp::now())
}

/// [`process`] for a caller that has already hashed the bytes (the HTTP API for its answer
/// cache, `batch` for its ledger): `file` must be [`FileSha256::of`] `bytes`. The signatures'
/// digests resume from its states, so the file is not hashed twice over.
pub fn process_hashed(
    bytes: &[u8],
    file: &FileSha256,
    source: SourceInfo,
    settings: &Settings,
) -> Record {
    debug_assert_eq!(Sha256::digest(bytes).as_slice(), file.digest.as_slice());
    process_inner(
        bytes,
        file,
        source,
        settings,
        jiff::Timestamp::now(),
        Scope::Document,
    )
}

/// [`process`] with the processing time given, for reproducible records in tests.
pub fn process_at(
    bytes: &[u8],
    source: SourceInfo,
    settings: &Settings,
    now: jiff::Timestamp,
) -> Record {
    process_inner(
        bytes,
        &FileSha256::of(bytes),
        source,
        settings,
        now,
        Scope::Document,
    )
}

/// The pipeline with signature checks only (`arkivar signatures`): load, examine every
/// signature, and weigh them — no text, OCR, minutes or audit trails. The signatures, their
/// findings and the status are the same facts and rules `process` uses, so both commands
/// agree on what is broken or unverifiable. `settings` come from
/// [`Settings::for_signatures`], made once for all documents.
pub fn process_signatures(bytes: &[u8], source: SourceInfo, settings: &Settings) -> Record {
    debug_assert_eq!(settings.policy.checks, Checks::Signatures);
    process_inner(
        bytes,
        &FileSha256::of(bytes),
        source,
        settings,
        jiff::Timestamp::now(),
        Scope::Signatures,
    )
}

/// How much of the pipeline runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Scope {
    /// Every stage.
    Document,
    /// Loading, signatures and the verdict on them: no text.
    Signatures,
}

fn process_inner(
    bytes: &[u8],
    file: &FileSha256,
    source: SourceInfo,
    settings: &Settings,
    now: jiff::Timestamp,
    scope: Scope,
) -> Record {
    let sha256 = hex::encode(file.digest);
    let mut record = empty_record(
        Identity {
            by: IdentityBasis::Content,
            sha256: sha256.clone(),
        },
        source,
        now,
    );
    record.document.sha256 = Some(sha256);
    record.document.size = Some(bytes.len() as u64);

    match contain(|| run_stages(bytes, file, settings, now, scope)) {
        Ok(Ok(done)) => {
            let pdf = &done.pdf;
            record.document.pages = Some(pdf.page_count());
            record.document.pdf_version = Some(pdf.version.clone());
            record.document.encrypted = Some(pdf.encrypted);
            record.document.revisions = Some(Revisions {
                count: pdf.revisions.len(),
                list: pdf.revisions.clone(),
            });
            record.document.xref_repair = pdf.xref_repair.clone();
            record.document.metadata = Some(pdf.metadata());
            record.document.attachments = crate::pdf::attachments::list(
                &pdf.doc,
                usize::try_from(settings.limits.max_stream_bytes).unwrap_or(usize::MAX),
            );
            record.pages = done.pages;
            record.signatures = done.signatures;
            record.usage_rights = done.usage_rights;
            record.minutes = done.minutes;
            record.audit_trails = done.trails;
            record.stamps = done.stamps;
            record.ocr = done.ocr;
            record.status = done.verdict.status;
            record.findings = done.verdict.findings;
            record.signing = done.verdict.signing;
        }
        Ok(Err(error)) => {
            tracing::debug!(%error, "document failed");
            record.error = Some(RecordError::from(&error));
        }
        Err(panic) => {
            tracing::error!(sha256 = %record.identity.sha256, "a stage panicked; the document gets an error record");
            record.error = Some(RecordError {
                kind: ErrorKind::Internal,
                message: format!(
                    "arkivar failed on this input ({}); this is a bug, please report it with the file",
                    panic.message
                ),
            });
        }
    }
    record
}

/// The record for an input whose bytes could not be read at all. Without content there is
/// no content hash, so the record is identified by the SHA-256 of `source.path` (or
/// `source.name`) and says so in `identity.by` and in the message.
pub fn io_error_record(
    source: SourceInfo,
    kind: ErrorKind,
    message: &str,
    size: Option<u64>,
    now: jiff::Timestamp,
) -> Record {
    let label = source
        .path
        .as_deref()
        .or(source.name.as_deref())
        .unwrap_or_default();
    let identity = Identity {
        by: IdentityBasis::SourcePath,
        sha256: hex::encode(Sha256::digest(label.as_bytes())),
    };
    let mut record = empty_record(identity, source, now);
    record.document.size = size;
    record.error = Some(RecordError {
        kind,
        message: format!(
            "{message} (the content could not be read, so this record is named after the SHA-256 of the source path)"
        ),
    });
    record
}

/// What the stages produce for a document that loads.
struct Processed {
    pdf: Pdf,
    pages: Vec<PageText>,
    signatures: Vec<SignatureFacts>,
    usage_rights: Vec<SignatureFacts>,
    minutes: Option<MinutesFacts>,
    trails: Vec<AuditTrail>,
    stamps: Vec<Stamp>,
    ocr: Option<OcrInfo>,
    verdict: Verdict,
}

/// Why the stages stopped short of a verdict.
#[derive(Debug, thiserror::Error)]
enum StageError {
    /// Loading or reading the PDF failed.
    #[error(transparent)]
    Pdf(#[from] PdfError),
    /// OCR ran out of the document's time budget.
    #[error(transparent)]
    OcrOverBudget(#[from] OcrOverBudget),
}

impl From<&StageError> for RecordError {
    fn from(error: &StageError) -> Self {
        match error {
            StageError::Pdf(e) => RecordError::from(e),
            StageError::OcrOverBudget(e) => RecordError {
                kind: ErrorKind::Timeout,
                message: e.to_string(),
            },
        }
    }
}

fn run_stages(
    bytes: &[u8],
    file: &FileSha256,
    settings: &Settings,
    now: jiff::Timestamp,
    scope: Scope,
) -> Result<Processed, StageError> {
    let limits = &settings.limits;
    // One budget for loading, text and OCR (`Limits::max_millis_per_document`); loading
    // keeps its own deadline, which starts at the same moment.
    let deadline = limits.deadline();
    let pdf = load(bytes, limits)?;
    // Signature checks read no text, so `arkivar signatures` does not extract it.
    let mut pages = match scope {
        Scope::Document => extract_pages_until(&pdf, limits, deadline)?,
        Scope::Signatures => Vec::new(),
    };
    let ocr = match (&settings.ocr, settings.policy.ocr) {
        (Some(engine), true) => ocr_pages(
            &pdf.doc,
            &mut pages,
            &OcrSettings {
                engine: engine.clone(),
                languages: settings.policy.ocr_languages.clone(),
                page_time_limit: std::time::Duration::from_secs(
                    settings.policy.ocr_seconds_per_page,
                ),
                parallel: cores(),
                deadline,
            },
            limits,
        )?,
        _ => None,
    };
    let (mut signatures, usage_rights) =
        split_usage_rights(examine_hashed(bytes, &pdf, &settings.trust, limits, file));
    crate::signature::indication::assign(&mut signatures, now);
    let protocol = settings.policy.checks == Checks::Protocol;
    let minutes = if protocol {
        read_minutes_pages(&pages)
    } else {
        None
    };
    let trails = if protocol {
        find_audit_trails_in(&pages)
    } else {
        Vec::new()
    };
    let stamps = if protocol {
        find_stamps_in(&pages)
    } else {
        Vec::new()
    };
    let covers = covers(
        &Evidence {
            signatures: &signatures,
            trails: &trails,
            stamps: &stamps,
            minutes: minutes.as_ref(),
            pages: &pages,
            revisions: pdf.revisions.len(),
            platforms: &settings.policy.platform_seals,
        },
        &mut |revision, wanted| revision_text(bytes, &pdf, revision, wanted, limits, deadline),
    );
    let verdict = verify(
        &Inputs {
            signatures: &signatures,
            minutes: minutes.as_ref(),
            trails: &trails,
            stamps: &stamps,
            covers: &covers,
            pages: &pages,
            ocr: ocr.as_ref(),
            now,
        },
        &settings.policy,
    );
    Ok(Processed {
        pdf,
        pages,
        signatures,
        usage_rights,
        minutes,
        trails,
        stamps,
        ocr,
        verdict,
    })
}

/// The texts of pages `wanted` (sorted) of revision `number` (1-based) of `pdf`, read from the
/// bytes up to that revision's end (for evidence that a seal over an earlier revision may
/// cover); `None` when that revision cannot be read within the document's limits.
fn revision_text(
    bytes: &[u8],
    pdf: &Pdf,
    number: usize,
    wanted: &[usize],
    limits: &crate::pdf::Limits,
    deadline: crate::pdf::limits::Deadline,
) -> Option<Vec<PageText>> {
    let revision = pdf.revisions.iter().find(|r| r.number == number)?;
    let prefix = bytes.get(..usize::try_from(revision.end).ok()?)?;
    let earlier = load(prefix, limits).ok()?;
    extract_pages_where(&earlier, limits, deadline, |p| {
        wanted.binary_search(&p).is_ok()
    })
    .ok()
}

/// The cores this process may use, looked up once.
///
/// `available_parallelism` reads the cgroup quota files on every call (three opens, four
/// stats on Linux): per document that is a dozen system calls the HTTP API paid per request.
fn cores() -> usize {
    static CORES: std::sync::OnceLock<usize> = std::sync::OnceLock::new();
    *CORES.get_or_init(|| std::thread::available_parallelism().map_or(1, usize::from))
}

/// A record in state `error` with nothing known yet; callers fill in what they learn.
fn empty_record(identity: Identity, source: SourceInfo, now: jiff::Timestamp) -> Record {
    Record {
        record_version: RecordVersion,
        status: Status::Error,
        identity,
        document: DocumentInfo {
            sha256: None,
            size: None,
            pages: None,
            pdf_version: None,
            encrypted: None,
            revisions: None,
            xref_repair: None,
            metadata: None,
            attachments: Vec::new(),
        },
        pages: Vec::new(),
        error: None,
        source,
        processed_at: now,
        arkivar_version: ARKIVAR_VERSION.to_owned(),
        findings: Vec::new(),
        minutes: None,
        signing: Vec::new(),
        audit_trails: Vec::new(),
        stamps: Vec::new(),
        signatures: Vec::new(),
        usage_rights: Vec::new(),
        job: None,
        ocr: None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn now() -> jiff::Timestamp {
        "2024-03-01T12:00:00Z".parse().unwrap()
    }

    #[test]
    fn cores_are_the_available_parallelism_and_stay_the_same() {
        let expected = std::thread::available_parallelism().map_or(1, usize::from);
        assert_eq!(cores(), expected);
        assert_eq!(cores(), cores());
        assert!(cores() >= 1);
    }

    #[test]
    fn garbage_becomes_an_error_record_with_its_hash() {
        let bytes = b"this is not a PDF";
        let r = process_at(
            bytes,
            SourceInfo::named("x.pdf"),
            &Settings::default(),
            now(),
        );
        assert_eq!(r.status, Status::Error);
        let error = r.error.expect("error set");
        assert!(
            matches!(error.kind, ErrorKind::NotPdf | ErrorKind::Malformed),
            "{error:?}"
        );
        assert_eq!(
            r.document.sha256.as_deref(),
            Some(hex::encode(Sha256::digest(bytes)).as_str())
        );
        assert_eq!(r.identity.by, IdentityBasis::Content);
        assert_eq!(r.document.size, Some(bytes.len() as u64));
        assert!(r.pages.is_empty());
    }

    #[test]
    fn a_caller_supplied_hash_is_the_records_identity() {
        let bytes = b"%PDF-1.4\n%%EOF\n";
        let digest: [u8; 32] = Sha256::digest(bytes).into();
        let file = FileSha256::of(bytes);
        let hashed = process_hashed(bytes, &file, SourceInfo::default(), &Settings::default());
        let plain = process(bytes, SourceInfo::default(), &Settings::default());
        assert_eq!(hashed.identity.sha256, hex::encode(digest));
        assert_eq!(hashed.identity.sha256, plain.identity.sha256);
        assert_eq!(hashed.document.sha256, plain.document.sha256);
    }

    #[test]
    fn truncated_pdf_is_an_error_not_a_panic() {
        for bytes in [
            &b"%PDF-1.7\n"[..],
            b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog",
            b"",
        ] {
            let r = process_at(bytes, SourceInfo::default(), &Settings::default(), now());
            assert_eq!(
                r.status,
                Status::Error,
                "{:?}",
                String::from_utf8_lossy(bytes)
            );
            assert!(r.error.is_some());
        }
    }

    #[test]
    fn unreadable_input_is_named_after_its_path_and_says_so() {
        let source = SourceInfo::from_path(std::path::Path::new("in/a.pdf"));
        let r = io_error_record(source, ErrorKind::Io, "permission denied", None, now());
        assert_eq!(r.identity.by, IdentityBasis::SourcePath);
        assert_eq!(r.identity.sha256, hex::encode(Sha256::digest(b"in/a.pdf")));
        assert_eq!(r.document.sha256, None);
        assert_eq!(r.status, Status::Error);
        let error = r.error.unwrap();
        assert_eq!(error.kind, ErrorKind::Io);
        assert!(
            error
                .message
                .contains("named after the SHA-256 of the source path")
        );
    }
}
