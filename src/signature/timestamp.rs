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
use super::report::{CmsReport, RevocationInfo, TimestampReport};
use super::revocation;
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
    /// A signature validation token in the extensions (OID 1.2.752.201.5.2), its JWT bytes.
    pub svt: Option<Vec<u8>>,
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
    // accuracy, ordering, nonce and tsa may come before the extensions ([1]); what does not
    // parse there leaves the token without an SVT, not broken.
    let mut svt = None;
    while let Ok(Some(field)) = r.next() {
        if field.tag == tag::context(1) {
            svt = svt_of(&field);
        }
    }
    Ok(TstInfo {
        version,
        imprint_algorithm,
        imprint,
        gen_time,
        svt,
    })
}

/// The JWT of a signature validation token among a `TSTInfo`'s extensions.
fn svt_of(extensions: &super::ber::Tlv<'_>) -> Option<Vec<u8>> {
    let mut list = extensions.children();
    while let Ok(Some(extension)) = list.next() {
        let mut e = extension.children();
        let Ok(id) = e.expect(tag::OID, "extnID") else {
            continue;
        };
        if !oid::is(id.content, &oid::EXT_SVT) {
            continue;
        }
        let _critical = e.optional(tag::BOOLEAN);
        let value = e.expect(tag::OCTET_STRING, "extnValue").ok()?;
        return (value.content.len() <= super::svt::MAX_SVT_BYTES).then(|| value.content.to_vec());
    }
    None
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
            report.svt = tst
                .svt
                .as_deref()
                .and_then(|jwt| super::svt::read(jwt, opts.trust));
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
        // A trusted list's service is an anchor only while it was granted: at genTime.
        let granted = outcome
            .path
            .last()
            .filter(|_| outcome.trusted)
            .is_none_or(|anchor| {
                let at = gen_time.map_or(super::trust::JudgedTime::None, |t| {
                    // The TSA's own signed time; a later timestamp would prove it, which is
                    // the proof of existence's business, not the anchor's.
                    super::trust::JudgedTime::Proven(t)
                });
                opts.trust.anchor_trusted_at(anchor, at)
            });
        report.trusted = outcome.trusted && granted && report.intact && report.valid;
        report.chain = outcome.path.iter().map(|c| c.display_name()).collect();
        report.tsa_valid_at_time = gen_time.map(|t| outcome.path.iter().all(|c| c.valid_at(t)));
        let own = revocation::gather(&state.revocation, &mut RevocationInfo::default());
        let items: Vec<&revocation::Item> =
            own.iter().chain(opts.dss_revocation.items().0).collect();
        report.revocation =
            revocation::chain_status(&outcome.path, &state.certificates, &items, gen_time);
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::signature::testkit::{ctx, gen_time, int, null, octets, oid as oid_tlv, seq};

    /// A TSTInfo with `extensions` (each a whole `Extension`) after an accuracy and a nonce.
    fn with_extensions(extensions: &[Vec<u8>]) -> Vec<u8> {
        let refs: Vec<&[u8]> = extensions.iter().map(Vec::as_slice).collect();
        seq(&[
            &int(1),
            &oid_tlv(&const_oid::ObjectIdentifier::new_unwrap("1.2.3.4.1")),
            &seq(&[&seq(&[&oid_tlv(&oid::SHA256), &null()]), &octets(&[0; 32])]),
            &int(4242),
            &gen_time("20250321154825Z"),
            &seq(&[&int(1)]),
            &int(7),
            &ctx(1, &refs),
        ])
    }

    #[test]
    fn a_validation_token_is_read_from_the_extensions() {
        let jwt = crate::signature::svt::tests::token("0 1 2 3", "PASSED");
        let svt = seq(&[&oid_tlv(&oid::EXT_SVT), &octets(&jwt)]);
        let other = seq(&[&oid_tlv(&oid::EXT_AUTH_CONTEXT), &octets(b"x")]);
        let tst = parse_tst_info(&with_extensions(&[other.clone(), svt])).expect("parses");
        assert_eq!(tst.svt.as_deref(), Some(jwt.as_slice()));
        // Near miss: other extensions only.
        let tst = parse_tst_info(&with_extensions(&[other])).expect("parses");
        assert_eq!(tst.svt, None);
    }
}
