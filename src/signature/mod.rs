//! The signature stage: every signature in a PDF, what it covers, whether its bytes and
//! cryptography hold, who signed and when, and what changed after it. Facts only; the verdict
//! is `verify`'s.
//!
//! Two layers. The PDF side — [`field`] (finding `/Sig` fields, document timestamps, orphans)
//! and [`byte_range`] (coverage) — reads dictionaries and offsets. The cryptographic side —
//! the entry points below over [`cms`], [`signed_data`], [`timestamp`], [`trust`] — owns the
//! bytes of `/Contents` and the certificates (CMS `SignedData`, RFC 5652; PAdES, ETSI EN 319
//! 142-1; RFC 3161 timestamps; certification paths to configured anchors) and does no PDF
//! parsing. Nothing here does I/O except reading anchors ([`TrustStore::add_pem_file`],
//! [`TrustStore::add_pem_path`]), and nothing is fetched (no OCSP, no CRL: what the file
//! carries is used).
//!
//! Every crypto entry point returns a [`CmsReport`] of measured facts and never panics or fails
//! on bad input: what could not be checked is said in [`CmsReport::error`].

pub mod algorithm;
pub mod auth_context;
pub mod ber;
pub mod byte_range;
pub mod certificate;
pub mod changes;
pub mod cms;
pub mod error;
pub mod ess;
pub mod examine;
pub mod existence;
pub mod field;
pub mod indication;
pub mod level;
pub mod limits;
pub mod oid;
pub mod qualified;
pub mod range_digest;
pub mod report;
pub mod revocation;
pub mod signed_data;
pub mod svt;
pub mod time;
pub mod timestamp;
pub mod trust;
pub mod trusted_list;

#[cfg(test)]
mod corpus_tests;
#[cfg(test)]
mod existence_tests;
#[cfg(test)]
mod indication_tests;
#[cfg(test)]
mod level_corpus_tests;
#[cfg(test)]
mod level_tests;
#[cfg(test)]
mod revocation_corpus_tests;
#[cfg(test)]
pub(crate) mod testkit;
#[cfg(test)]
mod tests;

use jiff::Timestamp;

pub use error::{CheckError, CheckErrorKind, SignatureError};
pub use report::{CmsReport, CmsWarning, RevocationInfo, Signer, TimestampReport};
pub use trust::{TrustError, TrustStore};

use algorithm::{DigestAlgorithm, PublicKey, SignatureScheme};
use ber::{Trailing, first_tlv, tag};
use certificate::Certificate;
use range_digest::RangeDigests;
use signed_data::{Checked, Content, check};
use trust::build_path;

/// What a check needs besides the signature bytes.
#[derive(Debug, Clone, Copy)]
pub struct VerifyOptions<'a> {
    /// Trust anchors.
    pub trust: &'a TrustStore,
    /// Further certificates for finding the signer and building paths (e.g. the PDF DSS
    /// `/Certs`), DER.
    pub extra_certs: &'a [Vec<u8>],
    /// A time to check certificate validity at when the signature carries no timestamp and no
    /// signingTime (e.g. the signature dictionary's `/M`).
    pub reference_time: Option<Timestamp>,
    /// CRLs in the document's DSS, as counted by the PDF layer.
    pub dss_crls: usize,
    /// OCSP responses in the document's DSS, as counted by the PDF layer.
    pub dss_ocsps: usize,
    /// The DSS's CRLs and OCSP responses themselves, as far as the PDF layer read them.
    pub dss_revocation: &'a revocation::DssRevocation,
    /// Where the digests of the `signed_ranges` being checked can be had without hashing them
    /// again; `None` hashes them.
    pub range_digests: Option<RangeDigest<'a>>,
    /// The document timestamps of later revisions, which cover the signature's bytes, each
    /// already judged: candidates for its proof of existence.
    pub covering: &'a [existence::Candidate],
}

/// For options without DSS revocation data.
static NO_DSS_REVOCATION: revocation::DssRevocation = revocation::DssRevocation::empty();

/// One signature's entry in a [`RangeDigests`]: the digests of exactly the ranges it checks.
#[derive(Debug, Clone, Copy)]
pub struct RangeDigest<'a> {
    /// The shared digests.
    pub digests: &'a RangeDigests<'a>,
    /// The signature's index in them.
    pub index: usize,
}

impl RangeDigest<'_> {
    /// The digest of the signature's ranges from `shared` when there is one, else of `ranges`
    /// hashed here (also when the index is unknown).
    pub fn digest_or_hash(
        shared: Option<Self>,
        algorithm: DigestAlgorithm,
        ranges: &[&[u8]],
    ) -> Vec<u8> {
        shared
            .and_then(|d| d.digests.digest(d.index, algorithm))
            .unwrap_or_else(|| algorithm.digest_parts(ranges))
    }
}

impl<'a> VerifyOptions<'a> {
    /// Options with the given anchors and nothing else.
    pub fn new(trust: &'a TrustStore) -> Self {
        VerifyOptions {
            trust,
            extra_certs: &[],
            reference_time: None,
            dss_crls: 0,
            dss_ocsps: 0,
            dss_revocation: &NO_DSS_REVOCATION,
            range_digests: None,
            covering: &[],
        }
    }
}

/// Checks a CMS signature (`adbe.pkcs7.detached`, `ETSI.CAdES.detached`, `adbe.pkcs7.sha1`)
/// over `signed_ranges`. `contents` is the hex-decoded `/Contents` value, zero padding and all.
pub fn verify_signed_data(
    contents: &[u8],
    signed_ranges: &[&[u8]],
    trust: &TrustStore,
    extra_certs: &[Vec<u8>],
) -> CmsReport {
    let opts = VerifyOptions {
        extra_certs,
        ..VerifyOptions::new(trust)
    };
    verify_signed_data_with(contents, signed_ranges, &opts)
}

/// As [`verify_signed_data`], with every option.
pub fn verify_signed_data_with(
    contents: &[u8],
    signed_ranges: &[&[u8]],
    opts: &VerifyOptions<'_>,
) -> CmsReport {
    guarded(|| {
        let mut report = CmsReport::default();
        let mut state = Checked::default();
        let result = check(
            contents,
            Content::Ranges(signed_ranges, opts.range_digests),
            opts.extra_certs,
            &mut report,
            &mut state,
        );
        if let Err(e) = result {
            report.error = Some(CheckError::from(&e));
        }
        // A signature timestamp vouches for the signature value (RFC 3161 Appendix A).
        let mut timestamp_time = None;
        if let Some(token) = state.timestamp_token.as_deref() {
            // The imprint covers the signature value, not the ranges the digests are of.
            let token_opts = VerifyOptions {
                range_digests: None,
                ..*opts
            };
            let outcome = timestamp::check_token(token, &[&state.signature_value], &token_opts);
            if let Some(e) = &outcome.report.error {
                report
                    .warnings
                    .push(CmsWarning::TimestampUnverifiable { error: e.clone() });
            }
            timestamp_time = outcome.trusted_time;
            report.timestamp = Some(outcome.report);
        }
        let time = timestamp_time
            .map(|t| (t, existence::ExistenceSource::UnprovenTimestamp))
            .or(state
                .signing_time
                .map(|t| (t, existence::ExistenceSource::SigningTime)))
            .or(opts
                .reference_time
                .map(|t| (t, existence::ExistenceSource::DictionaryTime)));
        let own = report.timestamp.as_ref().map(|ts| {
            existence::Candidate::judge(
                existence::TimestampKind::SignatureTimestamp,
                None,
                ts,
                opts.covering,
            )
        });
        finish(&mut report, &state, opts, time, own.as_ref());
        report
    })
}

/// Checks a document timestamp (`ETSI.RFC3161` SubFilter, ISO 32000-2 §12.8.5): `contents`
/// holds an RFC 3161 token whose messageImprint must be the hash of `signed_ranges`. The
/// report's signer is the TSA; `signing_time` and `timestamp.time` are `genTime`.
pub fn verify_document_timestamp(
    contents: &[u8],
    signed_ranges: &[&[u8]],
    opts: &VerifyOptions<'_>,
) -> CmsReport {
    guarded(|| {
        let outcome = timestamp::check_token(contents, signed_ranges, opts);
        let mut report = outcome.cms;
        report.intact = outcome.report.intact;
        report.valid = outcome.report.valid;
        report.signing_time = outcome.report.time.clone();
        if report.error.is_none() {
            report.error = outcome.report.error.clone();
        }
        report.timestamp = Some(outcome.report);
        let time = outcome
            .trusted_time
            .map(|t| (t, existence::ExistenceSource::UnprovenTimestamp))
            .or(opts
                .reference_time
                .map(|t| (t, existence::ExistenceSource::DictionaryTime)));
        // Its own genTime is what it claims; only a later timestamp proves it.
        finish(&mut report, &outcome.state, opts, time, None);
        report
    })
}

/// Checks an `adbe.x509.rsa_sha1` signature (ISO 32000-1 §12.8.3.2): `contents` is a DER
/// OCTET STRING holding a PKCS#1 v1.5 signature over the byte ranges, and the certificates
/// come from the signature dictionary's `/Cert` (the first is the signer's).
pub fn verify_x509_rsa_sha1(
    contents: &[u8],
    signed_ranges: &[&[u8]],
    certificates: &[Vec<u8>],
    opts: &VerifyOptions<'_>,
) -> CmsReport {
    guarded(|| {
        let mut report = CmsReport::default();
        let mut state = Checked::default();
        if let Err(e) = check_rsa_sha1(
            contents,
            signed_ranges,
            certificates,
            opts,
            &mut report,
            &mut state,
        ) {
            report.error = Some(CheckError::from(&e));
        }
        let time = opts
            .reference_time
            .map(|t| (t, existence::ExistenceSource::DictionaryTime));
        finish(&mut report, &state, opts, time, None);
        report
    })
}

fn check_rsa_sha1(
    contents: &[u8],
    signed_ranges: &[&[u8]],
    certificates: &[Vec<u8>],
    opts: &VerifyOptions<'_>,
    report: &mut CmsReport,
    state: &mut Checked,
) -> Result<(), SignatureError> {
    if contents.len() > limits::MAX_CONTENTS_LEN {
        return Err(SignatureError::TooLarge {
            len: contents.len(),
            limit: limits::MAX_CONTENTS_LEN,
        });
    }
    let (tlv, trailing) = first_tlv(contents)?;
    if let Trailing::Garbage { offset, len } = trailing {
        report
            .warnings
            .push(CmsWarning::TrailingGarbage { offset, len });
    }
    let signature = tlv
        .expect(tag::OCTET_STRING, "adbe.x509.rsa_sha1 signature")?
        .content;
    let signer_der = certificates.first().ok_or(SignatureError::NoCertificate)?;
    let signer = Certificate::parse(signer_der).map_err(|e| SignatureError::Certificate {
        index: 0,
        cause: Box::new(e),
    })?;
    report.signer = Some(signer.signer_facts());
    state.certificates.push(signer);
    state.signer = Some(0);
    for der in certificates.iter().skip(1).chain(opts.extra_certs) {
        if let Ok(c) = Certificate::parse(der) {
            state.certificates.push(c);
        }
    }
    let key = state
        .signer_certificate()
        .ok_or(SignatureError::NoCertificate)?
        .public_key()?;
    if !matches!(key, PublicKey::Rsa(_)) {
        return Err(SignatureError::KeyMismatch {
            algorithm: "adbe.x509.rsa_sha1",
            key: "non-RSA",
        });
    }
    report.signature_algorithm = Some("rsassa_pkcs1v15".to_owned());
    // The name says SHA-1, but Acrobat also wrote SHA-256 and others here (the DigestInfo
    // names the hash): try each; the encoded message is compared whole, so this accepts
    // nothing a fixed choice would not.
    for digest in DigestAlgorithm::ALL {
        if key.verify(
            &SignatureScheme::RsaPkcs1v15 { digest },
            signed_ranges,
            signature,
        )? {
            report.digest_algorithm = Some(digest.name().to_owned());
            report.intact = true;
            report.valid = true;
            return Ok(());
        }
    }
    Ok(())
}

/// Path building, validity at the time of signing, and revocation: the counts, and the status
/// of each certificate of the path from the CMS's and the DSS's CRLs and OCSP responses.
///
/// `claimed` is the time of signing the signature claims (a timestamp's genTime, signingTime,
/// `/M`); `own` is its own timestamp, judged. When a timestamp that holds proves the
/// signature existed at a time (its proof of existence), the certificate is judged there: a
/// certificate valid then was valid when the signature was made, whatever happened to it
/// after, and revocation is judged at that time (revoked at or before it: invalid; after it:
/// not). A certificate outside its validity period at the proven time is judged at the
/// claimed time, as without a proof: the proof shows only that the signature was made by
/// then, not when.
fn finish(
    report: &mut CmsReport,
    state: &Checked,
    opts: &VerifyOptions<'_>,
    claimed: Option<(Timestamp, existence::ExistenceSource)>,
    own: Option<&existence::Candidate>,
) {
    report.revocation.dss_crls = opts.dss_crls;
    report.revocation.dss_ocsps = opts.dss_ocsps;
    let (proof, proven) = existence::prove(own, opts.covering, claimed);
    let proof_source = proof.source;
    report.proof_of_existence = proof;
    let Some(signer) = state.signer_certificate() else {
        return;
    };
    let outcome = build_path(signer, &state.certificates, opts.trust);
    let judged = proven.or(claimed.map(|(t, _)| t));
    let judged_time = match (proven, claimed) {
        (Some(t), _) => trust::JudgedTime::Proven(t),
        (None, Some((t, _))) => trust::JudgedTime::Claimed(t),
        (None, None) => trust::JudgedTime::None,
    };
    // A trusted list's service is an anchor only while it was granted.
    let mut reaches_anchor = outcome.trusted;
    if let Some(anchor) = outcome.path.last().filter(|_| outcome.trusted)
        && !opts.trust.anchor_trusted_at(anchor, judged_time)
    {
        reaches_anchor = false;
        for s in opts.trust.listed_services(anchor) {
            report.warnings.push(CmsWarning::AnchorServiceNotGranted {
                territory: s.territory.clone(),
                service: s.service.name.clone(),
            });
        }
    }
    // Trust is about the signer's key; it means nothing for a signature that does not verify.
    report.trusted = reaches_anchor && report.intact && report.valid;
    report.chain = outcome.path.iter().map(|c| c.display_name()).collect();
    report.warnings.extend(outcome.warnings.iter().cloned());
    if let Some((t, source)) = claimed {
        report.certificate_valid_at_signing = Some(outcome.path.iter().all(|c| c.valid_at(t)));
        report.validity_time_source = Some(source.validity_time_source().to_owned());
    }
    if let Some(p) = proven
        && outcome.path.iter().all(|c| c.valid_at(p))
    {
        report.certificate_valid_at_signing = Some(true);
        report.validity_time_source = Some(proof_source.validity_time_source().to_owned());
    }
    let qualification = qualification(report, signer, &outcome, opts.trust, judged_time);
    if let Some(facts) = report.signer.as_mut() {
        facts.qualified = qualification;
    }
    let own = revocation::gather(&state.revocation, &mut report.revocation);
    let (dss, dss_unreadable) = opts.dss_revocation.items();
    report.revocation.unreadable += dss_unreadable;
    let items: Vec<&revocation::Item> = own.iter().chain(dss).collect();
    report.revocation.time = judged.map(|t| t.to_string());
    report.revocation.certificates =
        revocation::chain_status(&outcome.path, &state.certificates, &items, judged);
}

/// Whether the signer is qualified (see [`trusted_list::qualify`]): only when its path ends at
/// a verified trusted list's service, the signature verifies and the certificate was valid at
/// the time it is judged at; otherwise unknown, whatever the certificate says of itself.
fn qualification(
    report: &CmsReport,
    signer: &Certificate,
    outcome: &trust::PathOutcome<'_>,
    store: &TrustStore,
    judged: trust::JudgedTime,
) -> trusted_list::Qualification {
    use trusted_list::{Qualification, QualificationStatus};
    let services = outcome
        .path
        .last()
        .filter(|_| outcome.trusted)
        .map(|anchor| store.listed_services(anchor))
        .unwrap_or_default();
    if services.is_empty() {
        return Qualification::unknown("the signer's path ends at no trusted list service");
    }
    if !(report.intact && report.valid) {
        return Qualification::unknown("the signature does not verify");
    }
    let Some(at) = judged.time() else {
        return Qualification::unknown("no time of signing to judge the service's status at");
    };
    let proven = matches!(judged, trust::JudgedTime::Proven(_));
    if report.certificate_valid_at_signing != Some(true) {
        return Qualification::unknown("the certificates were not valid at the time of signing");
    }
    let assessed: Vec<Qualification> = services
        .iter()
        .map(|s| trusted_list::qualify::assess(signer, &s.territory, &s.service, at, proven))
        .collect();
    let qualified = |q: &&Qualification| {
        matches!(
            q.status,
            QualificationStatus::QualifiedEsig
                | QualificationStatus::QualifiedEseal
                | QualificationStatus::QualifiedOther
        )
    };
    assessed
        .iter()
        .find(qualified)
        .or(assessed.first())
        .cloned()
        .unwrap_or_default()
}

/// Runs a check so that a panic in a dependency (none is expected) becomes an error in the
/// report instead of taking down the worker.
fn guarded(f: impl FnOnce() -> CmsReport) -> CmsReport {
    crate::contain::contain(f).unwrap_or_else(|_| CmsReport {
        error: Some(CheckError::new(
            CheckErrorKind::Internal,
            "internal error: the verifier panicked on this input",
        )),
        ..CmsReport::default()
    })
}

/// Whether `contents` is an RFC 3161 timestamp token (a `SignedData` encapsulating a
/// `TSTInfo`), i.e. a document timestamp, whatever its SubFilter says.
pub fn is_timestamp_token(contents: &[u8]) -> bool {
    let Ok((tlv, _)) = first_tlv(contents) else {
        return false;
    };
    cms::parse_content_info(&tlv).is_ok_and(|sd| oid::is(sd.econtent_type, &oid::ID_CT_TST_INFO))
}
