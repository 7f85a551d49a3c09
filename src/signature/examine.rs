//! The signature stage's entry point: every signature of a loaded PDF, with what it covers,
//! whether it holds, who signed and when, whether it is trusted, and what changed after it —
//! one [`SignatureFacts`] per signature, as the record carries them.
//!
//! It only combines: [`field`](super::field) finds the dictionaries, [`byte_range`] measures
//! coverage, the CMS layer checks the bytes and the certificates, [`changes`] compares the
//! revisions. Facts only; what they mean for the document is `verify`'s.

use lopdf::{Document, Object};
use schemars::JsonSchema;
use serde::Serialize;

use super::byte_range::{self, Coverage};
use super::changes::{self, Change, ModificationLevel};
use super::existence::{Candidate, ProofOfExistence, TimestampKind};
use super::field::{Reach, SignatureDict, SignatureKind, find_signatures};
use super::level::{self, LevelGap, PadesLevel};
use super::limits::MAX_REVOCATION_BYTES;
use super::range_digest::{FileSha256, RangeDigests};
use super::report::{CertificateRevocation, RevocationSource, SigningCertificateAttribute};
use super::revocation::{DssRevocation, RawForm, RawRevocation};
use super::{
    CheckError, CheckErrorKind, CmsReport, CmsWarning, RangeDigest, RevocationInfo, TrustStore,
    VerifyOptions, is_timestamp_token, verify_document_timestamp, verify_signed_data_with,
    verify_x509_rsa_sha1,
};
use crate::pdf::object::deref;
use crate::pdf::{Limits, Pdf};

/// Certificates, CRLs and OCSP responses read from the DSS; more are ignored.
const MAX_DSS_ITEMS: usize = 1024;
/// Largest DSS certificate read, decoded (a certificate is a few KiB; 1 MiB is generous).
const MAX_DSS_CERT_BYTES: usize = 1 << 20;
/// Most bytes of DSS certificates held in all.
const MAX_DSS_CERT_TOTAL_BYTES: usize = 16 << 20;
/// Largest DSS CRL or OCSP response read, decoded (national CAs' CRLs reach a few MiB).
const MAX_DSS_REVOCATION_BYTES: usize = 16 << 20;

/// Who signed, as the certificate says.
#[derive(Debug, Clone, Default, PartialEq, Serialize, JsonSchema)]
pub struct SignerFacts {
    /// Subject common name.
    pub common_name: Option<String>,
    /// Subject emailAddress, or the first rfc822Name of subjectAltName.
    pub email: Option<String>,
    /// Subject organisation.
    pub organization: Option<String>,
    /// Certificate serial number, hex.
    pub serial: Option<String>,
    /// Subject serialNumber attribute; a Swedish personal identity number is masked
    /// (`PNOSE-19700101-****`, verdict.md § Personal data).
    pub serial_number: Option<String>,
    /// Issuer distinguished name.
    pub issuer: Option<String>,
    /// Certificate validity start, RFC 3339.
    pub not_before: Option<String>,
    /// Certificate validity end, RFC 3339.
    pub not_after: Option<String>,
    /// Key usage bits that are set.
    pub key_usage: Vec<String>,
    /// The subject is a natural person (givenName, surname, pseudonym, or a personal identity
    /// number): a person's certificate, never a platform's seal.
    pub natural_person: bool,
    /// Issued by a signing service for this signing: the certificate records the signer's
    /// eID login (RFC 7773 Authentication Context).
    pub signing_service: bool,
    /// That login: identity provider, level of assurance, authentication instant (UTC) and
    /// the signing service; null for other certificates.
    pub auth_context: Option<crate::signature::auth_context::AuthContext>,
    /// What the certificate's issuer states of it in QCStatements (ETSI EN 319 412-5): EU
    /// qualified, key on a QSCD, for signatures or seals. The issuer's claims, not checked
    /// against a trusted list: they make nothing verified. Null without the extension.
    pub qc_statements: Option<crate::signature::qualified::QcStatements>,
    /// Whether the signature is qualified: `qualified_esig`, `qualified_eseal`,
    /// `qualified_other`, `not_qualified` or `unknown`, with its basis. Only a verified
    /// trusted list (docs/verdict.md § "Trusted lists") makes it anything but `unknown`.
    pub qualified: crate::signature::trusted_list::Qualification,
}

/// The signature timestamp (RFC 3161 token in the unsigned attributes), summarised.
#[derive(Debug, Clone, Default, PartialEq, Serialize, JsonSchema)]
pub struct TimestampFacts {
    /// A token is there.
    pub present: bool,
    /// Its imprint matches the signature value.
    pub intact: bool,
    /// Its own CMS signature verifies.
    pub valid: bool,
    /// `genTime`, RFC 3339.
    pub time: Option<String>,
    /// The timestamping authority's common name.
    pub tsa: Option<String>,
    /// The revocation status of each certificate of the TSA's path at `time`, as
    /// `revocation.certificates` has them for the signer's (for a document timestamp, the
    /// same as its `revocation.certificates`).
    pub revocation: Vec<CertificateRevocation>,
}

impl TimestampFacts {
    /// A token is there, its imprint matches and its own signature verifies.
    pub fn holds(&self) -> bool {
        self.present && self.intact && self.valid
    }
}

/// Everything measured about one signature.
#[derive(Debug, Clone, PartialEq, Serialize, JsonSchema)]
pub struct SignatureFacts {
    /// Fully qualified field name; null for a signature no field reaches.
    pub field: Option<String>,
    /// True when no field reaches the signature dictionary.
    pub orphan: bool,
    /// `/Filter`.
    pub filter: Option<String>,
    /// `/SubFilter`.
    pub sub_filter: Option<String>,
    /// True for a document timestamp (`/DocTimeStamp`, `ETSI.RFC3161`).
    pub doc_timestamp: bool,
    /// True for a certification signature (it carries DocMDP permissions).
    pub certification: bool,
    /// True for Adobe Reader usage rights (`/Perms /UR3`, `/UR`): not a document signature.
    /// The pipeline reports these apart (the record's `usage_rights`), never as signers.
    pub usage_rights: bool,
    /// The revision (1-based) whose end the signed bytes reach.
    pub revision: Option<usize>,
    /// `/ByteRange` as written.
    pub byte_range: Vec<i64>,
    /// Digest algorithm, e.g. `sha256`.
    pub digest_algorithm: Option<String>,
    /// Signature algorithm, e.g. `rsassa_pkcs1v15`.
    pub signature_algorithm: Option<String>,
    /// The signer's certificate.
    pub signer: Option<SignerFacts>,
    /// CMS `signingTime`, RFC 3339.
    pub signing_time: Option<String>,
    /// `/M` of the signature dictionary, RFC 3339: the time the signing software claims.
    pub claimed_time: Option<String>,
    /// `/Name`.
    pub name: Option<String>,
    /// `/Reason`.
    pub reason: Option<String>,
    /// `/Location`.
    pub location: Option<String>,
    /// `/ContactInfo`.
    pub contact_info: Option<String>,
    /// The digest of the signed bytes equals the signed messageDigest.
    pub intact: bool,
    /// The signature value verifies with the signer's key.
    pub valid: bool,
    /// How much of the file the signature covers.
    pub coverage: Coverage,
    /// Why the coverage is `partial`.
    pub coverage_reason: Option<String>,
    /// The most significant change after signing.
    pub modification_level: ModificationLevel,
    /// The changes go beyond what the signature permits (DocMDP, FieldMDP).
    pub modified_after_signing: bool,
    /// The objects later revisions wrote, with how each was judged.
    pub changes: Vec<Change>,
    /// The signature timestamp, when there is one.
    pub timestamp: TimestampFacts,
    /// A signature validation token a document timestamp carries (RFC 9321): a validation
    /// service's verdict on the document's signatures, read as its claim.
    pub svt: Option<crate::signature::svt::Svt>,
    /// A path from the signer to a configured trust anchor was found.
    pub trusted: bool,
    /// The path, signer first, by subject common name.
    pub chain: Vec<String>,
    /// Every certificate of the path was valid at the signing time: the proven best signature
    /// time (`proof_of_existence`) when they all were valid then, else the claimed time; null
    /// when no time is known.
    pub certificate_valid_at_signing: Option<bool>,
    /// Revocation data embedded in the signature and the document, judged at the same time as
    /// `certificate_valid_at_signing`.
    pub revocation: RevocationInfo,
    /// The ESS signing-certificate attribute among the signed attributes (`v1`, `v2`), when
    /// there is one.
    pub signing_certificate_attribute: Option<SigningCertificateAttribute>,
    /// The PAdES baseline level (ETSI EN 319 142-1): `B-B`, `B-T`, `B-LT` or `B-LTA`; null
    /// when not even B-B, and for document timestamps and usage rights.
    pub level: Option<PadesLevel>,
    /// What keeps the signature from the next level (from B-B when `level` is null); empty
    /// at B-LTA and for document timestamps and usage rights.
    pub level_missing: Vec<LevelGap>,
    /// The best signature time: the earliest time a timestamp that holds (its own, else a
    /// document timestamp of a later revision) proves the signature existed, or the claimed
    /// time when none does. The certificate is judged at a proven time.
    pub proof_of_existence: ProofOfExistence,
    /// The ETSI EN 319 102-1 validation indication (`main` `PASSED`, `INDETERMINATE` or
    /// `FAILED`, and `sub`, the sub-indication), decided from the facts above as the
    /// standard's process for signatures with long-term validation material would, offline,
    /// at the processing time. A fact: it changes no status and no finding. Null for
    /// document timestamps and usage rights.
    #[schemars(with = "Option<super::indication::IndicationRecord>")]
    pub indication: Option<super::indication::Indication>,
    /// Oddities that do not stop the check.
    pub warnings: Vec<CmsWarning>,
    /// Why the signature is not intact and valid, as a typed kind with a message: set exactly
    /// when `intact && valid` does not hold.
    pub error: Option<CheckError>,
}

impl SignatureFacts {
    /// Why the signature is not intact and valid, as a kind; `None` when it is. The verdict
    /// rules read this, never a message.
    pub fn failure(&self) -> Option<CheckErrorKind> {
        match &self.error {
            Some(e) => Some(e.code),
            None if !self.intact => Some(CheckErrorKind::DigestMismatch),
            None if !self.valid => Some(CheckErrorKind::SignatureMismatch),
            None => None,
        }
    }

    /// Checked and found intact and valid.
    pub fn holds(&self) -> bool {
        self.failure().is_none()
    }

    /// An intact, valid, trusted signature by `common_name` over revision 1, for tests of the
    /// rules that read these facts.
    #[cfg(test)]
    pub fn sample(common_name: &str) -> Self {
        SignatureFacts {
            field: Some("Signatur1".into()),
            orphan: false,
            filter: None,
            sub_filter: Some("ETSI.CAdES.detached".into()),
            doc_timestamp: false,
            certification: false,
            usage_rights: false,
            revision: Some(1),
            byte_range: vec![0, 10, 20, 10],
            digest_algorithm: Some("sha256".into()),
            signature_algorithm: Some("rsassa_pkcs1v15".into()),
            signer: Some(SignerFacts {
                common_name: Some(common_name.into()),
                ..SignerFacts::default()
            }),
            signing_time: Some("2024-10-29T15:02:11Z".into()),
            claimed_time: None,
            name: None,
            reason: None,
            location: None,
            contact_info: None,
            intact: true,
            valid: true,
            coverage: byte_range::Coverage::EntireFile,
            coverage_reason: None,
            modification_level: ModificationLevel::None,
            modified_after_signing: false,
            changes: Vec::new(),
            timestamp: TimestampFacts::default(),
            svt: None,
            trusted: true,
            chain: Vec::new(),
            certificate_valid_at_signing: Some(true),
            revocation: RevocationInfo::default(),
            signing_certificate_attribute: Some(SigningCertificateAttribute::V2),
            level: None,
            level_missing: Vec::new(),
            // Signed without a timestamp: the signingTime is a claim.
            proof_of_existence: ProofOfExistence {
                time: Some("2024-10-29T15:02:11Z".into()),
                source: super::existence::ExistenceSource::SigningTime,
                ..ProofOfExistence::default()
            },
            indication: None,
            warnings: Vec::new(),
            error: None,
        }
    }
}

/// Splits examined signatures into document signatures and usage-rights signatures
/// (verdict.md § What counts as a signature), each list in its original order.
pub fn split_usage_rights(all: Vec<SignatureFacts>) -> (Vec<SignatureFacts>, Vec<SignatureFacts>) {
    all.into_iter().partition(|s| !s.usage_rights)
}

/// Certificates and revocation data in the document's DSS (ISO 32000-2 §12.8.4.3).
#[derive(Default)]
struct Dss {
    /// The catalog has a DSS dictionary.
    present: bool,
    certs: Vec<Vec<u8>>,
    crls: usize,
    ocsps: usize,
    /// The CRLs, then the OCSP responses.
    revocation: DssRevocation,
}

fn dss(doc: &Document) -> Dss {
    let mut out = Dss::default();
    let Some(dss) = doc
        .catalog()
        .ok()
        .and_then(|c| c.get(b"DSS").ok())
        .and_then(|d| deref(doc, d))
        .and_then(|d| d.as_dict().ok())
    else {
        return out;
    };
    out.present = true;
    let items = |key: &[u8]| -> Vec<&Object> {
        match dss.get(key).ok().and_then(|o| deref(doc, o)) {
            Some(Object::Array(a)) => a.iter().take(MAX_DSS_ITEMS).collect(),
            _ => Vec::new(),
        }
    };
    let mut held = 0usize;
    for cert in items(b"Certs") {
        let Some(data) = stream_data(doc, cert, MAX_DSS_CERT_BYTES) else {
            continue;
        };
        held = held.saturating_add(data.len());
        if held > MAX_DSS_CERT_TOTAL_BYTES {
            break;
        }
        out.certs.push(data);
    }
    let crls = items(b"CRLs");
    let ocsps = items(b"OCSPs");
    out.crls = crls.len();
    out.ocsps = ocsps.len();
    let mut held = 0usize;
    let mut raw = Vec::new();
    let tagged = crls
        .into_iter()
        .map(|o| (RawForm::Crl, o))
        .chain(ocsps.into_iter().map(|o| (RawForm::OcspResponse, o)));
    for (form, object) in tagged {
        let Some(der) = stream_data(doc, object, MAX_DSS_REVOCATION_BYTES) else {
            continue;
        };
        held = held.saturating_add(der.len());
        if held > MAX_REVOCATION_BYTES {
            break;
        }
        raw.push(RawRevocation {
            source: RevocationSource::Dss,
            form,
            der,
        });
    }
    out.revocation = DssRevocation::new(raw);
    out
}

/// The decoded data of a DSS stream, at most `limit` bytes; `None` when it is no stream or
/// does not inflate.
fn stream_data(doc: &Document, object: &Object, limit: usize) -> Option<Vec<u8>> {
    let Some(Object::Stream(s)) = deref(doc, object) else {
        return None;
    };
    // Bounded: an unbounded decode of a bomb here aborted the process.
    match crate::pdf::stream::decoded(s, limit) {
        Ok(data) => Some(data),
        Err(lopdf::Error::Decompress(_)) => None,
        Err(_) => Some(s.content.clone()),
    }
}

/// Reads every signature of `pdf` (whose file is `bytes`) and checks it against `trust`.
pub fn examine(
    bytes: &[u8],
    pdf: &Pdf,
    trust: &TrustStore,
    limits: &Limits,
) -> Vec<SignatureFacts> {
    examine_with(bytes, pdf, trust, limits, None)
}

/// [`examine`] for a caller that has hashed the file already: the signatures' SHA-256
/// prefixes resume from `file`'s states.
pub fn examine_hashed(
    bytes: &[u8],
    pdf: &Pdf,
    trust: &TrustStore,
    limits: &Limits,
    file: &FileSha256,
) -> Vec<SignatureFacts> {
    examine_with(bytes, pdf, trust, limits, Some(file))
}

fn examine_with(
    bytes: &[u8],
    pdf: &Pdf,
    trust: &TrustStore,
    limits: &Limits,
    file: Option<&FileSha256>,
) -> Vec<SignatureFacts> {
    let sigs = find_signatures(&pdf.doc);
    if sigs.is_empty() {
        return Vec::new();
    }
    let dss = dss(&pdf.doc);
    let ranges: Vec<byte_range::ByteRangeCheck> = sigs
        .iter()
        .map(|sig| byte_range::check(&sig.byte_range, bytes, &pdf.revisions))
        .collect();
    let changes = changes::analyse_checked(bytes, pdf, &sigs, &ranges, limits);
    let mut digests = RangeDigests::new(bytes, ranges.iter().map(|r| r.ranges.clone()).collect());
    if let Some(file) = file {
        digests = digests.resuming(file);
    }
    // Parses the CMS, so asked once for both users.
    let doc_timestamps: Vec<bool> = sigs
        .iter()
        .map(|sig| sig.kind == SignatureKind::DocTimestamp || is_timestamp_token(&sig.contents))
        .collect();
    let spans: Vec<Option<Span>> = ranges.iter().map(Span::of).collect();
    // A signature's proof of existence may rest on the document timestamps that cover it,
    // and theirs on still later ones: the document timestamps are checked first, the one
    // reaching furthest into the file first, then the other signatures.
    let indices = |stamps: bool| {
        doc_timestamps
            .iter()
            .enumerate()
            .filter(move |(_, d)| **d == stamps)
            .map(|(i, _)| i)
    };
    let mut order: Vec<usize> = indices(true).collect();
    order.sort_by_key(|&i| std::cmp::Reverse(spans.get(i).copied().flatten().map(|s| s.end)));
    order.extend(indices(false));
    let mut reports: Vec<Option<CmsReport>> = sigs.iter().map(|_| None).collect();
    let mut judged: Vec<(Span, Candidate)> = Vec::new();
    for index in order {
        let (Some(sig), Some(range)) = (sigs.get(index), ranges.get(index)) else {
            continue;
        };
        let span = spans.get(index).copied().flatten();
        let doc_timestamp = doc_timestamps.get(index).copied().unwrap_or(false);
        let covering = covering(&judged, span);
        let slices = range.slices(bytes);
        let shared = RangeDigest {
            digests: &digests,
            index,
        };
        let report = crypto(sig, doc_timestamp, &slices, shared, trust, &dss, &covering);
        if doc_timestamp && let (Some(ts), Some(span)) = (&report.timestamp, span) {
            let candidate = Candidate::judge(
                TimestampKind::DocumentTimestamp,
                sig.field.clone(),
                ts,
                &covering,
            );
            judged.push((span, candidate));
        }
        if let Some(slot) = reports.get_mut(index) {
            *slot = Some(report);
        }
    }
    let all = sigs
        .iter()
        .zip(ranges)
        .zip(changes)
        .zip(reports)
        .zip(doc_timestamps)
        .map(|((((sig, range), changed), report), doc_timestamp)| {
            facts(
                sig,
                doc_timestamp,
                range,
                report.unwrap_or_default(),
                changed,
            )
        })
        .collect();
    with_levels(all, level::DocumentFacts { dss: dss.present })
}

/// `sigs` with each signature's PAdES baseline level, which depends on the document's
/// other signatures (a later document timestamp) and its DSS.
pub fn with_levels(
    mut sigs: Vec<SignatureFacts>,
    doc: level::DocumentFacts,
) -> Vec<SignatureFacts> {
    let levels = level::assess_all(&sigs, doc);
    for (s, a) in sigs.iter_mut().zip(levels) {
        if let Some(a) = a {
            s.level = a.level;
            s.level_missing = a.missing;
        }
    }
    sigs
}

/// Where a signature with a well-formed `/ByteRange` lies: its signed bytes are `[0, gap)`
/// and `[gap end, end)`, its `/Contents` the gap.
#[derive(Debug, Clone, Copy)]
struct Span {
    /// Where its `/Contents` begins: every byte before it is signed.
    gap: usize,
    /// The end of its signed bytes.
    end: usize,
}

impl Span {
    /// The span of a signature whose coverage is not partial (exactly two ranges from byte 0
    /// around its `/Contents`); `None` for any other.
    fn of(range: &byte_range::ByteRangeCheck) -> Option<Span> {
        if range.coverage == Coverage::Partial {
            return None;
        }
        match range.ranges.as_slice() {
            [(0, gap), (start, len)] => Some(Span {
                gap: *gap,
                end: start.checked_add(*len)?,
            }),
            _ => None,
        }
    }
}

/// The judged document timestamps that cover every byte of a signature at `span` (its
/// signed bytes and its `/Contents`): those whose signed prefix reaches past its end. None
/// for a signature whose byte range is partial: where its bytes are is not known.
fn covering(judged: &[(Span, Candidate)], span: Option<Span>) -> Vec<Candidate> {
    let Some(span) = span else {
        return Vec::new();
    };
    judged
        .iter()
        .filter(|(stamp, _)| stamp.gap >= span.end)
        .map(|(_, c)| c.clone())
        .collect()
}

/// Runs the check the signature's SubFilter calls for; `shared` has the digests of `slices`,
/// `doc_timestamp` says whether it is a document timestamp.
fn crypto(
    sig: &SignatureDict,
    doc_timestamp: bool,
    slices: &[&[u8]],
    shared: RangeDigest<'_>,
    trust: &TrustStore,
    dss: &Dss,
    covering: &[Candidate],
) -> CmsReport {
    if sig.contents.is_empty() {
        return CmsReport {
            error: Some(CheckError::new(
                CheckErrorKind::Malformed,
                "the signature's /Contents is empty",
            )),
            ..CmsReport::default()
        };
    }
    let reference_time = sig
        .claimed_time
        .as_deref()
        .and_then(|t| t.parse::<jiff::Timestamp>().ok());
    let opts = VerifyOptions {
        extra_certs: &dss.certs,
        reference_time,
        dss_crls: dss.crls,
        dss_ocsps: dss.ocsps,
        dss_revocation: &dss.revocation,
        range_digests: Some(shared),
        covering,
        ..VerifyOptions::new(trust)
    };
    let mut report = match sig.sub_filter.as_deref() {
        Some("adbe.x509.rsa_sha1") => {
            verify_x509_rsa_sha1(&sig.contents, slices, &sig.certs, &opts)
        }
        // A timestamp token is a document timestamp whatever the dictionary says (some
        // producers write /Type /Sig with SubFilter ETSI.RFC3161, or no SubFilter at all).
        _ if doc_timestamp => verify_document_timestamp(&sig.contents, slices, &opts),
        _ => verify_signed_data_with(&sig.contents, slices, &opts),
    };
    // A value arkivar cannot read under a SubFilter it does not know is a format it does not
    // implement (Guardtime KSI seals say `/ETSI.RFC 3161`), not a broken signature.
    if let Some(e) = &mut report.error
        && e.code == CheckErrorKind::Malformed
        && let Some(other) = sig.sub_filter.as_deref().filter(|f| !known_sub_filter(f))
    {
        *e = CheckError::new(
            CheckErrorKind::UnsupportedFormat,
            format!(
                "SubFilter {other} is not a format arkivar checks ({})",
                e.message
            ),
        );
    }
    report
}

/// The SubFilters of ISO 32000-2 §12.8.3 and ETSI EN 319 142-1 that arkivar checks.
fn known_sub_filter(sub_filter: &str) -> bool {
    matches!(
        sub_filter,
        "adbe.pkcs7.detached"
            | "adbe.pkcs7.sha1"
            | "adbe.x509.rsa_sha1"
            | "ETSI.CAdES.detached"
            | "ETSI.RFC3161"
    )
}

/// Why a checked signature is not intact and valid: the check's own error, else which of the
/// two checks failed.
fn check_error(report: &CmsReport) -> Option<CheckError> {
    if let Some(e) = &report.error {
        return Some(e.clone());
    }
    if !report.intact {
        return Some(CheckError::new(
            CheckErrorKind::DigestMismatch,
            "the digest of the signed bytes differs from the one that was signed",
        ));
    }
    if !report.valid {
        return Some(CheckError::new(
            CheckErrorKind::SignatureMismatch,
            "the signature value does not verify with the signer's key",
        ));
    }
    None
}

fn facts(
    sig: &SignatureDict,
    doc_timestamp: bool,
    range: byte_range::ByteRangeCheck,
    report: CmsReport,
    changed: changes::SignatureChanges,
) -> SignatureFacts {
    let error = check_error(&report);
    let signer = report.signer.map(|s| SignerFacts {
        common_name: s.common_name,
        email: s.email,
        organization: s.organization,
        serial: Some(s.certificate_serial),
        serial_number: s.serial_number,
        issuer: Some(s.issuer),
        not_before: Some(s.not_before),
        not_after: Some(s.not_after),
        key_usage: s.key_usage,
        natural_person: s.natural_person,
        signing_service: s.signing_service,
        auth_context: s.auth_context,
        qc_statements: s.qc_statements,
        qualified: s.qualified,
    });
    let svt = report.timestamp.as_ref().and_then(|t| t.svt.clone());
    let timestamp = match (&report.timestamp, doc_timestamp) {
        (Some(t), _) => TimestampFacts {
            present: t.present,
            intact: t.intact,
            valid: t.valid,
            time: t.time.clone(),
            tsa: t.tsa.clone(),
            revocation: t.revocation.clone(),
        },
        // A document timestamp is its own timestamp: its time is the token's genTime.
        (None, true) => TimestampFacts {
            present: true,
            intact: report.intact,
            valid: report.valid,
            time: report.signing_time.clone(),
            tsa: None,
            revocation: report.revocation.certificates.clone(),
        },
        (None, false) => TimestampFacts::default(),
    };
    SignatureFacts {
        field: sig.field.clone(),
        orphan: sig.reach == Reach::Orphan,
        filter: sig.filter.clone(),
        sub_filter: sig.sub_filter.clone(),
        doc_timestamp,
        certification: sig.docmdp.is_some(),
        usage_rights: sig.kind == SignatureKind::UsageRights,
        revision: range.revision.or(changed.signed_revision),
        byte_range: sig.byte_range.clone(),
        digest_algorithm: report.digest_algorithm,
        signature_algorithm: report.signature_algorithm,
        signer,
        signing_time: report.signing_time,
        claimed_time: sig.claimed_time.clone(),
        name: sig.name.clone(),
        reason: sig.reason.clone(),
        location: sig.location.clone(),
        contact_info: sig.contact_info.clone(),
        intact: report.intact,
        valid: report.valid,
        coverage: range.coverage,
        coverage_reason: range.reason,
        modification_level: changed.modification_level,
        modified_after_signing: changed.modified_after_signing,
        changes: changed.changes,
        timestamp,
        svt,
        trusted: report.trusted,
        chain: report.chain,
        certificate_valid_at_signing: report.certificate_valid_at_signing,
        revocation: report.revocation,
        signing_certificate_attribute: report.signing_certificate_attribute,
        // Set for the whole document once every signature is known (`with_levels`).
        level: None,
        level_missing: Vec::new(),
        proof_of_existence: report.proof_of_existence,
        // Set by the pipeline, which knows the processing time (`indication::assign`).
        indication: None,
        warnings: report.warnings,
        error,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::signature::existence::TimestampRefusal;

    fn range(coverage: Coverage, ranges: Vec<(usize, usize)>) -> byte_range::ByteRangeCheck {
        byte_range::ByteRangeCheck {
            coverage,
            reason: None,
            revision: None,
            ranges,
        }
    }

    fn stamp(field: &str) -> Candidate {
        Candidate {
            kind: TimestampKind::DocumentTimestamp,
            field: Some(field.into()),
            tsa: None,
            time: None,
            verdict: Err(TimestampRefusal::Untrusted),
            until: None,
            revocation_settled: false,
        }
    }

    #[test]
    fn a_document_timestamp_covers_a_signature_whose_bytes_lie_before_its_contents() {
        // The signature: signed bytes 0..100 and 200..300, /Contents in between.
        let signature = Span::of(&range(Coverage::EntireRevision, vec![(0, 100), (200, 100)]));
        let later = Span::of(&range(Coverage::EntireFile, vec![(0, 400), (500, 50)])).unwrap();
        let judged = vec![(later, stamp("Timestamp1"))];
        assert_eq!(covering(&judged, signature).len(), 1);
        // Near misses: a timestamp whose /Contents starts inside the signature's bytes, and a
        // signature with a partial byte range (where its bytes are is not known).
        let inside = Span::of(&range(Coverage::EntireFile, vec![(0, 250), (300, 50)])).unwrap();
        assert!(covering(&[(inside, stamp("Timestamp0"))], signature).is_empty());
        let partial = Span::of(&range(Coverage::Partial, vec![(0, 100), (200, 100)]));
        assert!(partial.is_none());
        assert!(covering(&judged, partial).is_empty());
        // Nor a byte range of three pieces, whatever its coverage says.
        assert!(
            Span::of(&range(
                Coverage::EntireFile,
                vec![(0, 10), (20, 10), (40, 10)]
            ))
            .is_none()
        );
    }
}
