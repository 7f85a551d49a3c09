//! Entry points for the cargo-fuzz targets in `fuzz/` (one function per target), public so
//! the fuzz crate can call them and hidden from the docs: not an API.
//!
//! Each function takes the fuzzer's bytes, runs one part of arkivar over them under
//! [`limits`], and panics only on a bug: a panic of arkivar's own code, whether it escapes
//! or is contained ([`crate::contain`] turns panics into error records and reports, which
//! would hide them from the fuzzer), or a broken invariant checked here. Panics inside lopdf
//! that loading contains ([`PdfError::ParserPanic`] located outside arkivar) are the designed
//! handling of a third-party parser, not crashes.
//!
//! The regression tests for inputs the fuzzers found call the same functions
//! (`tests` below), so a test fails exactly when its target would crash.

#[cfg(test)]
#[path = "../../tests/common/mod.rs"]
mod common;
#[cfg(test)]
mod seeds;
#[cfg(test)]
mod tests;

use std::sync::OnceLock;

use lopdf::{Dictionary, Document, Object, Stream, dictionary};

use crate::job::{self, Document as JobDocumentRef, JobRules};
use crate::pdf::text::extract_pages;
use crate::pdf::text::lexer::Lexer;
use crate::pdf::{Limits, Pdf, PdfError, load};
use crate::pipeline::{PIPELINE_STACK_BYTES, Settings, config};
use crate::record::{ErrorKind, Record, SourceInfo};
use crate::signature::{CheckErrorKind, CmsReport, TrustStore, VerifyOptions};

/// The limits every target runs under: the default pipeline's (`pipelines/protokoll-sv.toml`)
/// with the size, time and work bounds lowered so one input costs at most a few seconds and
/// a few hundred MiB. libFuzzer's `-timeout` and `-rss_limit_mb` (scripts/fuzz.sh) stand
/// behind them.
pub fn limits() -> Limits {
    static LIMITS: OnceLock<Limits> = OnceLock::new();
    LIMITS
        .get_or_init(|| {
            let base = config::builtin(config::DEFAULT_PIPELINE)
                .map(|c| c.limits)
                .unwrap_or_default();
            Limits {
                max_file_bytes: base.max_file_bytes.min(4 << 20),
                max_stream_bytes: base.max_stream_bytes.min(8 << 20),
                max_total_decompressed_bytes: base.max_total_decompressed_bytes.min(32 << 20),
                max_objects: base.max_objects.min(100_000),
                max_depth: base.max_depth,
                max_pages: base.max_pages.min(200),
                max_millis_per_document: base.max_millis_per_document.min(5_000),
                max_operators_per_page: base.max_operators_per_page.min(200_000),
            }
        })
        .clone()
}

/// Runs `work` on a thread with the pipeline's stack, as every caller of the pipeline does
/// (lopdf recurses on nested objects; libFuzzer's main thread has the default 8 MiB).
/// A panic on that thread aborts through libFuzzer's hook; here it is passed on.
fn on_pipeline_stack<T: Send>(work: impl FnOnce() -> T + Send) -> T {
    std::thread::scope(|scope| {
        std::thread::Builder::new()
            .stack_size(PIPELINE_STACK_BYTES)
            .spawn_scoped(scope, work)
            .expect("spawn the pipeline thread")
            .join()
            .unwrap_or_else(|panic| std::panic::resume_unwind(panic))
    })
}

/// True when a contained panic's message (`… (at FILE:LINE)`) points into arkivar's sources.
fn ours(message: &str) -> bool {
    message.contains("(at src/")
}

/// Panics when `error` is a contained panic of arkivar's own code.
fn check_pdf_error(error: &PdfError) {
    if let PdfError::ParserPanic { during, message } = error
        && ours(message)
    {
        panic!("arkivar panicked while {during}: {message}");
    }
}

/// Panics when the record says a stage of arkivar panicked.
fn check_record(record: &Record) {
    if let Some(error) = &record.error {
        assert!(
            error.kind != ErrorKind::Internal && !ours(&error.message),
            "{}: {}",
            error.kind.as_str(),
            error.message
        );
    }
    serde_json::to_vec(record).expect("the record serialises");
}

/// Panics when a signature check panicked (it then reports [`CheckErrorKind::Internal`]).
fn check_report(report: &CmsReport, what: &str) {
    if let Some(error) = &report.error {
        assert_ne!(error.code, CheckErrorKind::Internal, "{what}: {error}");
    }
    serde_json::to_vec(report).expect("the report serialises");
}

/// Target `pipeline`: the whole pipeline on a file's bytes (load, text, signatures, minutes,
/// audit trails, stamps, verdict; no OCR), then the signatures-only pipeline.
pub fn pipeline(data: &[u8]) {
    on_pipeline_stack(|| {
        let settings = Settings {
            limits: limits(),
            ..Settings::default()
        };
        let now = jiff::Timestamp::from_second(1_780_000_000).expect("a valid time");
        let record =
            crate::pipeline::process_at(data, SourceInfo::named("fuzz.pdf"), &settings, now);
        check_record(&record);
        let signatures = settings.for_signatures();
        let record =
            crate::pipeline::process_signatures(data, SourceInfo::named("fuzz.pdf"), &signatures);
        check_record(&record);
    });
}

/// Target `pdf_load`: loading under limits, the revisions (scan and chain), each revision's
/// bytes, metadata, the page tree walk, attachments and signature fields.
pub fn pdf_load(data: &[u8]) {
    on_pipeline_stack(|| {
        let limits = limits();
        let _ = crate::pdf::revision::scan(data);
        let revisions = crate::pdf::revision::revisions(data);
        for revision in &revisions {
            assert!(
                revision.end <= data.len() as u64,
                "revision {} ends at {} past the input's {} bytes",
                revision.number,
                revision.end,
                data.len()
            );
        }
        match load(data, &limits) {
            Ok(pdf) => {
                let _ = pdf.page_count();
                let _ = serde_json::to_vec(&pdf.metadata()).expect("metadata serialises");
                for revision in &pdf.revisions {
                    let _ = pdf.revision_bytes(data, revision.number);
                }
                let walk = crate::pdf::pages::walk(&pdf.doc, limits.max_pages);
                let _ = (walk.page_count(), walk.missing_count(), walk.why_empty());
                let max = usize::try_from(limits.max_stream_bytes).unwrap_or(usize::MAX);
                let _ = crate::pdf::attachments::list(&pdf.doc, max);
                let _ = crate::signature::field::find_signatures(&pdf.doc);
                let _ = crate::pdf::contents::find(data);
            }
            Err(error) => check_pdf_error(&error),
        }
    });
}

/// Target `content_stream`: the lexer over the bytes, then the interpreter and layout over a
/// one-page document whose page, form XObject `/Fm0` and Type3 glyph `/a` all have the
/// bytes as their content, with a simple font `/F1`, a Type0 font `/F2`, the Type3 font `/F3`
/// and an image `/Im0` to draw.
pub fn content_stream(data: &[u8]) {
    let mut lexer = Lexer::new(data);
    let mut last = 0;
    while lexer.next_token().is_some() {
        assert!(lexer.position() > last, "the lexer did not advance");
        assert!(lexer.position() <= data.len(), "the lexer ran past the end");
        last = lexer.position();
    }
    on_pipeline_stack(|| {
        let limits = limits();
        let pdf = content_document(data);
        if let Err(error) = extract_pages(&pdf, &limits) {
            check_pdf_error(&error);
        }
    });
}

/// The document of [`content_stream`].
fn content_document(data: &[u8]) -> Pdf {
    let mut doc = Document::with_version("1.7");
    let pages_id = doc.new_object_id();
    let helvetica = doc.add_object(dictionary! {
        "Type" => "Font", "Subtype" => "Type1", "BaseFont" => "Helvetica",
        "Encoding" => "WinAnsiEncoding",
    });
    let cid = doc.add_object(dictionary! {
        "Type" => "Font", "Subtype" => "CIDFontType2", "BaseFont" => "Arial",
        "CIDSystemInfo" => dictionary! {
            "Registry" => Object::string_literal("Adobe"),
            "Ordering" => Object::string_literal("Identity"),
            "Supplement" => 0,
        },
        "DW" => 1000,
    });
    let type0 = doc.add_object(dictionary! {
        "Type" => "Font", "Subtype" => "Type0", "BaseFont" => "Arial",
        "Encoding" => "Identity-H", "DescendantFonts" => vec![cid.into()],
    });
    let glyph = doc.add_object(Stream::new(Dictionary::new(), data.to_vec()));
    let type3 = doc.add_object(dictionary! {
        "Type" => "Font", "Subtype" => "Type3",
        "FontBBox" => vec![0.into(), 0.into(), 1000.into(), 1000.into()],
        "FontMatrix" => vec![0.001.into(), 0.into(), 0.into(), 0.001.into(), 0.into(), 0.into()],
        "CharProcs" => dictionary! { "a" => glyph },
        "Encoding" => dictionary! {
            "Type" => "Encoding", "Differences" => vec![97.into(), Object::Name(b"a".to_vec())],
        },
        "FirstChar" => 97, "LastChar" => 97, "Widths" => vec![500.into()],
    });
    let fonts = dictionary! { "F1" => helvetica, "F2" => type0, "F3" => type3 };
    let image = doc.add_object(Stream::new(
        dictionary! {
            "Type" => "XObject", "Subtype" => "Image", "Width" => 2, "Height" => 2,
            "ColorSpace" => "DeviceGray", "BitsPerComponent" => 8,
        },
        vec![0, 255, 255, 0],
    ));
    let form_id = doc.new_object_id();
    let resources = dictionary! {
        "Font" => fonts,
        "XObject" => dictionary! { "Fm0" => form_id, "Im0" => image },
    };
    doc.objects.insert(
        form_id,
        Object::Stream(Stream::new(
            dictionary! {
                "Type" => "XObject", "Subtype" => "Form",
                "BBox" => vec![0.into(), 0.into(), 595.into(), 842.into()],
                "Resources" => resources.clone(),
            },
            data.to_vec(),
        )),
    );
    let contents = doc.add_object(Stream::new(Dictionary::new(), data.to_vec()));
    let page_id = doc.add_object(dictionary! {
        "Type" => "Page", "Parent" => pages_id,
        "MediaBox" => vec![0.into(), 0.into(), 595.into(), 842.into()],
        "Resources" => resources, "Contents" => contents,
    });
    doc.objects.insert(
        pages_id,
        Object::Dictionary(dictionary! {
            "Type" => "Pages", "Kids" => vec![page_id.into()], "Count" => 1,
        }),
    );
    let catalog = doc.add_object(dictionary! { "Type" => "Catalog", "Pages" => pages_id });
    doc.trailer.set("Root", catalog);
    Pdf {
        doc,
        revisions: Vec::new(),
        version: "1.7".to_owned(),
        encrypted: false,
        xref_repair: None,
        size: data.len() as u64,
    }
}

/// The byte ranges the `cms` target's signatures are checked over; its seeds are signed
/// over them, so a seed's digest matches and the mutations reach the signature and the
/// certificates.
pub const CMS_SIGNED_RANGES: [&[u8]; 2] = [b"%PDF-1.7 signed bytes", b" and the rest"];

/// Target `cms`: the bytes as a signature's `/Contents` (CMS `SignedData`, document
/// timestamp, `adbe.x509.rsa_sha1` with the bytes also as its certificate), as an X.509
/// certificate, a `TSTInfo`, a trust anchor (PEM or DER) and a signature validation token.
pub fn cms(data: &[u8]) {
    let trust = TrustStore::new();
    let ranges = CMS_SIGNED_RANGES;
    let extra = [data.to_vec()];
    let report = crate::signature::verify_signed_data(data, &ranges, &trust, &extra);
    check_report(&report, "verify_signed_data");
    let opts = VerifyOptions::new(&trust);
    let report = crate::signature::verify_document_timestamp(data, &ranges, &opts);
    check_report(&report, "verify_document_timestamp");
    let report = crate::signature::verify_x509_rsa_sha1(data, &ranges, &extra, &opts);
    check_report(&report, "verify_x509_rsa_sha1");
    let _ = crate::signature::is_timestamp_token(data);
    if let Ok(cert) = crate::signature::certificate::Certificate::parse(data) {
        let _ = (
            cert.display_name(),
            cert.serial_hex(),
            cert.key_usage_names(),
        );
        let _ = (
            cert.signer_facts(),
            cert.names_a_person(),
            cert.is_self_issued(),
        );
        let _ = (cert.computed_key_id(), cert.public_key().is_ok());
        let _ = cert.verify_signed_by(&cert);
    }
    let _ = crate::signature::timestamp::parse_tst_info(data);
    revocation(data);
    let _ = TrustStore::new().add_pem(data);
    let _ = TrustStore::new().add_der(data);
    let _ = crate::signature::svt::parse(data);
}

/// Target `trusted_list`: the bytes as an ETSI TS 119 612 trusted list: read as XML within the
/// lists' limits, canonicalised both ways, its contents read whatever its signature, the
/// signature checked against the fixture list's signer and against the list's own KeyInfo
/// certificate, and a list that verifies taken into a trust store.
pub fn trusted_list(data: &[u8]) {
    use crate::signature::certificate::Certificate;
    use crate::signature::trusted_list::{self, c14n, list, xml};
    static SIGNERS: OnceLock<Vec<Certificate>> = OnceLock::new();
    let signers = SIGNERS.get_or_init(|| {
        crate::signature::trust::pem_certificates(include_bytes!(
            "../../tests/fixtures/trusted-lists/signer.pem"
        ))
        .unwrap_or_default()
        .iter()
        .filter_map(|der| Certificate::parse(der).ok())
        .collect()
    });
    if let Ok(doc) = xml::parse(data, trusted_list::LIMITS) {
        for mode in [
            c14n::C14nMode::Inclusive,
            c14n::C14nMode::Exclusive {
                prefixes: vec![String::new()],
            },
        ] {
            let _ = c14n::canonicalize(&doc.root, &[], &mode, &|_| false);
        }
        let _ = list::read(&doc.root);
    }
    let _ = trusted_list::verify_bytes(data, signers);
    if let Ok((list, signature)) = trusted_list::verify_against_own_certificate(data) {
        let verified = trusted_list::VerifiedList {
            path: std::path::PathBuf::from("fuzz.xml"),
            list,
            signature,
        };
        let mut store = TrustStore::new();
        let _ = store.add_trusted_list(&verified);
    }
}

/// The revocation readers (part of target `cms`): the bytes as a CRL and as an OCSP response
/// (whole and `BasicOCSPResponse`), and each reading's checks against a fixed certificate,
/// which the bytes may name, sign or not.
fn revocation(data: &[u8]) {
    use crate::signature::certificate::Certificate;
    use crate::signature::revocation::crl::Crl;
    use crate::signature::revocation::ocsp::BasicOcsp;
    // The sample CA's root (samples/trust.pem): a real certificate the bytes can be checked
    // against, with no test code in the fuzz build.
    static ISSUER: OnceLock<Vec<u8>> = OnceLock::new();
    let issuer_der = ISSUER.get_or_init(|| {
        crate::signature::trust::pem_certificates(include_bytes!("../../samples/trust.pem"))
            .ok()
            .and_then(|certs| certs.into_iter().next())
            .unwrap_or_default()
    });
    let Ok(issuer) = Certificate::parse(issuer_der) else {
        panic!("samples/trust.pem holds a certificate");
    };
    if let Ok(crl) = Crl::parse(data) {
        let _ = (crl.verify_signed_by(&issuer), crl.is_complete_for(&issuer));
        let _ = crl.entry(&[0x01, 0x23, 0x45, 0x67]);
        let _ = crl.entry(data.get(..data.len().min(20)).unwrap_or_default());
    }
    for basic in [
        BasicOcsp::parse_response(data),
        BasicOcsp::parse_basic(data),
    ]
    .into_iter()
    .flatten()
    {
        let _ = (basic.is_responder(&issuer), basic.verify_signed_by(&issuer));
        for single in &basic.responses {
            let _ = single.names(&issuer, &issuer);
        }
    }
}

/// The fuzzer's bytes as page texts: UTF-8 (invalid sequences replaced), pages split at form
/// feeds as `arkivar extract` prints them.
fn pages_of(data: &[u8]) -> String {
    String::from_utf8_lossy(data).into_owned()
}

/// Target `minutes`: the minutes reader over page texts.
pub fn minutes(data: &[u8]) {
    let text = pages_of(data);
    let pages: Vec<&str> = text.split('\u{c}').collect();
    if let Some(facts) = crate::minutes::read_minutes(&pages) {
        serde_json::to_vec(&facts).expect("the minutes serialise");
    }
}

/// Target `audit`: audit trails and stamps over page texts, and every fact drawn from them.
pub fn audit(data: &[u8]) {
    use crate::audit::facts::{
        backward_steps, completion, sequence_problems, signer_sequences, signings, stamp_checks,
        unsigned_recipients,
    };
    let text = pages_of(data);
    let pages: Vec<&str> = text.split('\u{c}').collect();
    let trails = crate::audit::find_audit_trails(&pages);
    let stamps = crate::audit::find_stamps(&pages);
    for trail in &trails {
        let _ = (
            signings(trail),
            signer_sequences(trail),
            sequence_problems(trail),
        );
        let _ = (
            backward_steps(trail),
            unsigned_recipients(trail),
            completion(trail),
        );
        serde_json::to_vec(trail).expect("the trail serialises");
    }
    serde_json::to_vec(&stamps).expect("the stamps serialise");
    let _ = stamp_checks(&trails, &stamps);
}

/// Target `job`: the job message parsed, checked against rules (document root, allowed URL,
/// inline cap), written back and parsed again to the same job.
pub fn job(data: &[u8]) {
    let Ok(parsed) = job::parse(data) else {
        return;
    };
    let root = std::path::Path::new("/srv/arkivar/documents");
    let rules = JobRules {
        document_root: Some(root.to_path_buf()),
        allowed_urls: vec!["https://files.example/docs/".to_owned()],
        max_inline_bytes: 64 * 1024,
        ..JobRules::default()
    };
    match rules.check(&parsed) {
        Ok(JobDocumentRef::File(path)) => {
            assert!(
                path.starts_with(root),
                "{} escapes the root",
                path.display()
            );
            assert!(
                !path
                    .components()
                    .any(|c| matches!(c, std::path::Component::ParentDir)),
                "{} has a `..`",
                path.display()
            );
        }
        Ok(JobDocumentRef::Url(url)) => {
            assert!(rules.url_allowed(&url), "{url} is not allowed");
        }
        Ok(JobDocumentRef::Inline(bytes)) => {
            assert!(bytes.len() <= rules.max_inline_bytes, "inline over its cap");
        }
        Err(_) => {}
    }
    let written = serde_json::to_vec(&parsed).expect("a job serialises");
    let again = job::parse(&written).expect("a written job parses");
    // The metadata's values are caller JSON (a float may not survive serde_json's
    // shortest-digits writing bit for bit): their keys are compared, the rest in full.
    assert_eq!(
        (&again.job_id, &again.document, &again.pipeline),
        (&parsed.job_id, &parsed.document, &parsed.pipeline),
        "a job written and read back changed"
    );
    assert!(
        again.metadata.keys().eq(parsed.metadata.keys()),
        "the metadata's keys changed"
    );
}
