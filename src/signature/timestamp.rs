//! RFC 3161 timestamp tokens: a signature timestamp (in a SignerInfo's unsigned attributes)
//! or a document timestamp (`ETSI.RFC3161` SubFilter, ISO 32000-2 §12.8.5).
//!
//! A token is a CMS `SignedData` whose encapsulated content is a `TSTInfo` (RFC 3161 §2.4.2);
//! its signature is checked by the same code as any other CMS signature. What the token vouches
//! for is its `messageImprint`: the hash of the signature value for a signature timestamp
//! (RFC 3161 Appendix A), or of the signed byte ranges for a document timestamp.

use jiff::Timestamp;

use super::algorithm::{AlgorithmId, DigestAlgorithm};
use super::ber::{Reader, small_uint, tag};
use super::error::{CheckError, Result, SignatureError};
use super::oid;
use super::report::{CmsReport, TimestampReport};
use super::signed_data::{Checked, Content, check};
use super::time::parse_time;
use super::trust::build_path;
use super::{RangeDigest, VerifyOptions};

/// The fields of a `TSTInfo` that verification uses.
#[derive(Debug, Clone)]
pub struct TstInfo {
    pub version: u32,
    pub imprint_algorithm: DigestAlgorithm,
    pub imprint: Vec<u8>,
    /// Read from the raw characters: fractional seconds are allowed (RFC 3161 §2.4.2).
    pub gen_time: Timestamp,
}

/// Reads a DER `TSTInfo`.
pub fn parse_tst_info(der: &[u8]) -> Result<TstInfo> {
    let mut outer = Reader::new(der);
    let tst = outer.expect(tag::SEQUENCE, "TSTInfo")?;
    let mut r = tst.children();
    let version = small_uint(&r.read("TSTInfo.version")?, "TSTInfo.version")?;
    r.expect(tag::OID, "TSTInfo.policy")?;
    let mi = r.expect(tag::SEQUENCE, "messageImprint")?;
    let mut m = mi.children();
    let alg = AlgorithmId::parse(m.read("hashAlgorithm")?, "hashAlgorithm")?;
    let imprint_algorithm = DigestAlgorithm::from_oid(alg.oid)?;
    let imprint = m
        .expect(tag::OCTET_STRING, "hashedMessage")?
        .content
        .to_vec();
    r.expect(tag::INTEGER, "TSTInfo.serialNumber")?;
    let gen_time = parse_time(&r.expect(tag::GENERALIZED_TIME, "genTime")?, "genTime")?;
    Ok(TstInfo {
        version,
        imprint_algorithm,
        imprint,
        gen_time,
    })
}

/// A checked token: the report for the record, the token's own CMS report (its signer is the
/// TSA), its state, and `genTime` when the token is intact and valid.
pub struct TokenOutcome {
    pub report: TimestampReport,
    pub cms: CmsReport,
    pub state: Checked,
    pub trusted_time: Option<Timestamp>,
}

/// Checks a timestamp token whose messageImprint must be the hash of `imprint_over`.
pub fn check_token(token: &[u8], imprint_over: &[&[u8]], opts: &VerifyOptions<'_>) -> TokenOutcome {
    let mut cms = CmsReport::default();
    let mut state = Checked::default();
    let mut report = TimestampReport {
        present: true,
        ..TimestampReport::default()
    };
    let checked = check(
        token,
        Content::Encapsulated,
        opts.extra_certs,
        &mut cms,
        &mut state,
    );
    let tst = tst_of(&state);
    let mut imprint_ok = false;
    match &tst {
        Ok(tst) => {
            report.time = Some(tst.gen_time.to_string());
            report.digest_algorithm = Some(tst.imprint_algorithm.name().to_owned());
            let computed = RangeDigest::digest_or_hash(
                opts.range_digests,
                tst.imprint_algorithm,
                imprint_over,
            );
            imprint_ok = tst.imprint == computed;
        }
        Err(e) => report.error = Some(CheckError::from(e)),
    }
    if let Err(e) = checked {
        // The CMS error is the more basic one; it replaces a TSTInfo error.
        report.error = Some(CheckError::from(&e));
        cms.error = Some(CheckError::from(&e));
    }
    report.intact = cms.intact && imprint_ok;
    report.valid = cms.valid;
    report.tsa = state
        .signer_certificate()
        .map(super::certificate::Certificate::display_name);
    let gen_time = tst.ok().map(|t| t.gen_time);
    if let Some(tsa) = state.signer_certificate() {
        let outcome = build_path(tsa, &state.certificates, opts.trust);
        report.trusted = outcome.trusted && report.intact && report.valid;
        report.chain = outcome.path.iter().map(|c| c.display_name()).collect();
    }
    let trusted_time = gen_time.filter(|_| report.intact && report.valid);
    TokenOutcome {
        report,
        cms,
        state,
        trusted_time,
    }
}

fn tst_of(state: &Checked) -> Result<TstInfo> {
    if !oid::is(&state.econtent_type, &oid::ID_CT_TST_INFO) {
        return Err(SignatureError::WrongContentType {
            expected: "id-ct-TSTInfo (1.2.840.113549.1.9.16.1.4)",
            found: super::ber::oid_to_string(&state.econtent_type),
        });
    }
    let der = state.econtent.as_deref().ok_or(SignatureError::Missing {
        field: "TSTInfo",
        offset: 0,
    })?;
    parse_tst_info(der)
}
