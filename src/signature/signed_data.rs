//! Checking one CMS `SignedData`: integrity of the signed bytes and the signature value
//! (RFC 5652 §5.4, §5.6). The same code checks PAdES signatures and RFC 3161 tokens.

use jiff::Timestamp;

use super::RangeDigest;
use super::algorithm::{DigestAlgorithm, Outcome, SignatureScheme};
use super::ber::{Trailing, first_tlv, tag};
use super::certificate::Certificate;
use super::cms::{
    RevocationLists, SignerId, attributes, find_attribute, parse_content_info, revocation_lists,
    signed_attributes_message,
};
use super::error::{Result, SignatureError};
use super::limits::{MAX_CERTIFICATES, MAX_CONTENTS_LEN};
use super::oid;
use super::report::{CmsReport, CmsWarning, RevocationSource, SigningCertificateAttribute};
use super::revocation::{RawForm, RawRevocation};
use super::time::parse_time;

/// What the signature's messageDigest covers.
#[derive(Debug, Clone, Copy)]
pub enum Content<'r> {
    /// Detached content: the signed byte ranges of the PDF (or, for a signature timestamp,
    /// unused). An `adbe.pkcs7.sha1` signature encapsulates the SHA-1 digest of these ranges.
    /// Their digests come from the [`RangeDigest`] when there is one.
    Ranges(&'r [&'r [u8]], Option<RangeDigest<'r>>),
    /// The encapsulated content (an RFC 3161 TSTInfo).
    Encapsulated,
}

/// What a check found beyond the report fields, for timestamps and path building.
#[derive(Debug, Default)]
pub struct Checked {
    /// Certificates from the CMS, then the caller's extra certificates.
    pub certificates: Vec<Certificate>,
    /// Index of the signer certificate in `certificates`.
    pub signer: Option<usize>,
    /// The SignerInfo's signature value (what a signature timestamp's imprint covers).
    pub signature_value: Vec<u8>,
    /// Signed signingTime.
    pub signing_time: Option<Timestamp>,
    /// eContentType OID content octets.
    pub econtent_type: Vec<u8>,
    /// eContent, when encapsulated.
    pub econtent: Option<Vec<u8>>,
    /// The raw id-aa-timeStampToken value (a ContentInfo).
    pub timestamp_token: Option<Vec<u8>>,
    /// CRLs and OCSP responses the CMS carries, in the order found.
    pub revocation: Vec<RawRevocation>,
}

impl Checked {
    /// The signer certificate, when found.
    pub fn signer_certificate(&self) -> Option<&Certificate> {
        self.signer.and_then(|i| self.certificates.get(i))
    }
}

/// Checks `contents` (a hex-decoded `/Contents` value or a timestamp token), filling `report`
/// and `state` as far as it gets; an `Err` says why it stopped.
pub fn check(
    contents: &[u8],
    content: Content<'_>,
    extra_certs: &[Vec<u8>],
    report: &mut CmsReport,
    state: &mut Checked,
) -> Result<()> {
    if contents.len() > MAX_CONTENTS_LEN {
        return Err(SignatureError::TooLarge {
            len: contents.len(),
            limit: MAX_CONTENTS_LEN,
        });
    }
    if contents.iter().all(|&b| b == 0) {
        return Err(SignatureError::Empty);
    }
    let (tlv, trailing) = first_tlv(contents)?;
    if let Trailing::Garbage { offset, len } = trailing {
        report
            .warnings
            .push(CmsWarning::TrailingGarbage { offset, len });
    }
    if tlv.uses_ber()? {
        report.warnings.push(CmsWarning::BerEncoding);
    }
    let sd = parse_content_info(&tlv)?;
    state.econtent_type = sd.econtent_type.to_vec();
    state.econtent = sd.econtent.as_ref().map(|c| c.to_vec());
    report.revocation.cms_crls = sd.crl_count;
    for choice in &sd.crls {
        if let Some((form, der)) = revocation_choice(choice) {
            state.revocation.push(RawRevocation {
                source: RevocationSource::Cms,
                form,
                der,
            });
        }
    }

    read_certificates(&sd.certificates, extra_certs, report, state);

    let si = sd
        .signer_infos
        .first()
        .ok_or(SignatureError::NoSignerInfo)?;
    if sd.signer_infos.len() > 1 {
        report.warnings.push(CmsWarning::MultipleSigners {
            count: sd.signer_infos.len(),
        });
    }
    state.signature_value = si.signature.to_vec();
    let signer_lookup = find_signer(&si.sid, &state.certificates);
    if let Ok(i) = signer_lookup {
        state.signer = Some(i);
        report.signer = state.certificates.get(i).map(Certificate::signer_facts);
    }
    if let Some(unsigned) = &si.unsigned_attrs {
        // Unsigned attributes are optional extras: a malformed set must not hide the verdict
        // on the signature itself.
        if let Ok(attrs) = attributes(unsigned) {
            state.timestamp_token =
                find_attribute(&attrs, &oid::TIME_STAMP_TOKEN).map(|t| t.raw.to_vec());
            if let Some(Ok(lists)) =
                find_attribute(&attrs, &oid::REVOCATION_VALUES).map(revocation_lists)
            {
                push_lists(
                    state,
                    RevocationSource::Cms,
                    &lists,
                    RawForm::BasicOcspResponse,
                );
            }
        }
    }

    let digest = match DigestAlgorithm::from_oid(si.digest_algorithm.oid) {
        Ok(d) => d,
        // Some signers put the signature algorithm (e.g. sha256WithRSAEncryption) where the
        // digest algorithm belongs; its hash is unambiguous, so use it and say so.
        Err(e) => match SignatureScheme::from_algorithm(&si.digest_algorithm, None) {
            Ok(
                SignatureScheme::RsaPkcs1v15 { digest }
                | SignatureScheme::Ecdsa { digest }
                | SignatureScheme::RsaPss { digest, .. },
            ) => {
                report
                    .warnings
                    .push(CmsWarning::DigestAlgorithmIsSignatureAlgorithm {
                        oid: si.digest_algorithm.oid_string(),
                    });
                digest
            }
            _ => return Err(e),
        },
    };
    report.digest_algorithm = Some(digest.name().to_owned());
    if digest == DigestAlgorithm::Sha1 {
        report.warnings.push(CmsWarning::WeakDigest {
            algorithm: digest.name().to_owned(),
        });
    }

    // What messageDigest covers: the encapsulated content if there is one, else the ranges.
    let econtent = state.econtent.clone();
    let mut ranges_match_content = true;
    let mut shared = None;
    let parts: Vec<&[u8]> = match (content, econtent.as_deref()) {
        (Content::Ranges(ranges, digests), Some(e)) => {
            // adbe.pkcs7.sha1 (ISO 32000-1 §12.8.3.3.1): the encapsulated content is the SHA-1
            // digest of the byte ranges. Embedding the ranges themselves is accepted too.
            let sha1 = RangeDigest::digest_or_hash(digests, DigestAlgorithm::Sha1, ranges);
            ranges_match_content = e == sha1.as_slice() || e == ranges.concat().as_slice();
            if !ranges_match_content {
                report
                    .warnings
                    .push(CmsWarning::EncapsulatedContentMismatch);
            }
            vec![e]
        }
        (Content::Ranges(ranges, digests), None) => {
            shared = digests;
            ranges.to_vec()
        }
        (Content::Encapsulated, Some(e)) => vec![e],
        (Content::Encapsulated, None) => {
            return Err(SignatureError::Missing {
                field: "eContent",
                offset: tlv.offset,
            });
        }
    };

    // The ESS signing-certificate attribute, kept until the signer's certificate is known.
    let mut ess: Option<(bool, Vec<u8>)> = None;
    let signed_message = match &si.signed_attrs {
        Some(sa) => {
            let attrs = attributes(sa)?;
            let md = find_attribute(&attrs, &oid::MESSAGE_DIGEST).ok_or(
                SignatureError::MissingAttribute {
                    oid: "1.2.840.113549.1.9.4",
                    name: "messageDigest",
                },
            )?;
            let md = md.expect(tag::OCTET_STRING, "messageDigest")?;
            let computed = RangeDigest::digest_or_hash(shared, digest, &parts);
            report.intact = md.content == computed.as_slice() && ranges_match_content;

            // RFC 5652 §11.1: contentType must be present and equal eContentType.
            let ct_ok = find_attribute(&attrs, &oid::CONTENT_TYPE)
                .is_some_and(|ct| ct.tag == tag::OID && ct.content == sd.econtent_type);
            if !ct_ok {
                report.warnings.push(CmsWarning::ContentTypeMismatch);
            }
            report.signing_certificate_attribute =
                if find_attribute(&attrs, &oid::SIGNING_CERTIFICATE_V2).is_some() {
                    Some(SigningCertificateAttribute::V2)
                } else if find_attribute(&attrs, &oid::SIGNING_CERTIFICATE).is_some() {
                    Some(SigningCertificateAttribute::V1)
                } else {
                    None
                };
            ess = find_attribute(&attrs, &oid::SIGNING_CERTIFICATE_V2)
                .map(|t| (true, t.raw.to_vec()))
                .or_else(|| {
                    find_attribute(&attrs, &oid::SIGNING_CERTIFICATE)
                        .map(|t| (false, t.raw.to_vec()))
                });
            // signingTime and the revocation archive are facts for the report; a malformed one
            // is left out rather than failing the signature.
            if let Some(Ok(t)) =
                find_attribute(&attrs, &oid::SIGNING_TIME).map(|st| parse_time(st, "signingTime"))
            {
                state.signing_time = Some(t);
                report.signing_time = Some(t.to_string());
            }
            if let Some(Ok(lists)) =
                find_attribute(&attrs, &oid::ADBE_REVOCATION_INFO_ARCHIVAL).map(revocation_lists)
            {
                report.revocation.archival_crls = lists.crl_count;
                report.revocation.archival_ocsps = lists.ocsp_count;
                push_lists(
                    state,
                    RevocationSource::Archival,
                    &lists,
                    RawForm::OcspResponse,
                );
            }
            let (message, reencoded) = signed_attributes_message(sa)?;
            if reencoded {
                report.warnings.push(CmsWarning::SignedAttributesNotDer);
            }
            Some(message)
        }
        None => None,
    };

    let scheme = SignatureScheme::from_algorithm(&si.signature_algorithm, Some(digest))?;
    report.signature_algorithm = Some(scheme.name().to_owned());
    let signer_index = signer_lookup?;
    let cert =
        state
            .certificates
            .get(signer_index)
            .ok_or(SignatureError::SignerCertificateNotFound {
                sid: "index out of range".to_owned(),
                candidates: state.certificates.len(),
            })?;
    if let Some((v2, raw)) = &ess {
        // An attribute that cannot be read binds nothing, like one naming another
        // certificate; a hash arkivar does not implement leaves it undecided.
        let names =
            first_tlv(raw).and_then(|(t, _)| super::ess::names_certificate(&t, *v2, &cert.der));
        if matches!(names, Ok(Some(false)) | Err(_)) {
            report.warnings.push(CmsWarning::SigningCertificateMismatch);
        }
    }
    let key = cert.public_key().map_err(|e| SignatureError::Certificate {
        index: signer_index,
        cause: Box::new(e),
    })?;
    let outcome = match &signed_message {
        Some(message) => key.verify_outcome(&scheme, &[message], &si.signature)?,
        None => key.verify_outcome(&scheme, &parts, &si.signature)?,
    };
    report.valid = outcome != Outcome::Invalid;
    if outcome == Outcome::ValidWithoutDigestInfoNull {
        report.warnings.push(CmsWarning::DigestInfoWithoutNull);
    }
    if signed_message.is_none() {
        // Without signed attributes the signature is directly over the content
        // (RFC 5652 §5.4), so it is the only integrity proof there is.
        report.intact = report.valid && ranges_match_content;
    }
    Ok(())
}

/// A `RevocationInfoChoice` (RFC 5652 §10.2.1): a CRL, or an OCSP response as other
/// revocation info (RFC 5940 §4.1); `None` for other formats.
fn revocation_choice(choice: &super::ber::Tlv<'_>) -> Option<(RawForm, Vec<u8>)> {
    if choice.tag == tag::SEQUENCE {
        return Some((RawForm::Crl, choice.raw.to_vec()));
    }
    if choice.tag != tag::context(1) {
        return None;
    }
    let mut other = choice.children();
    let format = other.expect(tag::OID, "otherRevInfoFormat").ok()?;
    if !oid::is(format.content, &oid::RI_OCSP_RESPONSE) {
        return None;
    }
    let value = other.read("otherRevInfo").ok()?;
    Some((RawForm::OcspResponse, value.raw.to_vec()))
}

/// Keeps the items of archival or revocation-values lists for the revocation check.
fn push_lists(
    state: &mut Checked,
    source: RevocationSource,
    lists: &RevocationLists<'_>,
    ocsp_form: RawForm,
) {
    let crls = lists.crls.iter().map(|t| (RawForm::Crl, t));
    let ocsps = lists.ocsps.iter().map(|t| (ocsp_form, t));
    for (form, tlv) in crls.chain(ocsps) {
        state.revocation.push(RawRevocation {
            source,
            form,
            der: tlv.raw.to_vec(),
        });
    }
}

fn read_certificates(
    cms_certs: &[super::ber::Tlv<'_>],
    extra_certs: &[Vec<u8>],
    report: &mut CmsReport,
    state: &mut Checked,
) {
    for (index, tlv) in cms_certs.iter().enumerate() {
        match Certificate::from_tlv(tlv) {
            Ok(c) => state.certificates.push(c),
            Err(e) => report.warnings.push(CmsWarning::UnreadableCertificate {
                index,
                error: e.to_string(),
            }),
        }
    }
    for (j, der) in extra_certs.iter().enumerate() {
        if state.certificates.len() >= MAX_CERTIFICATES {
            break;
        }
        match Certificate::parse(der) {
            Ok(c) => {
                if !state.certificates.iter().any(|k| k.der == c.der) {
                    state.certificates.push(c);
                }
            }
            Err(e) => report.warnings.push(CmsWarning::UnreadableCertificate {
                index: cms_certs.len() + j,
                error: e.to_string(),
            }),
        }
    }
}

/// Finds the certificate a `sid` names (RFC 5652 §5.3).
fn find_signer(sid: &SignerId<'_>, certs: &[Certificate]) -> Result<usize> {
    fn strip(i: &[u8]) -> &[u8] {
        let skip = i.iter().take_while(|&&b| b == 0).count();
        i.get(skip..).unwrap_or_default()
    }
    let found = match sid {
        SignerId::IssuerAndSerialNumber { issuer, serial } => {
            let name = super::certificate::Name::parse_tlv(issuer)?;
            certs
                .iter()
                .position(|c| strip(&c.serial) == strip(serial) && c.issuer.matches(&name))
        }
        SignerId::SubjectKeyIdentifier(ski) => certs.iter().position(|c| {
            c.subject_key_id.as_deref() == Some(*ski)
                || c.computed_key_id().as_deref() == Some(*ski)
        }),
    };
    found.ok_or_else(|| SignatureError::SignerCertificateNotFound {
        sid: match sid {
            SignerId::IssuerAndSerialNumber { serial, .. } => {
                format!("serial {}", hex::encode(strip(serial)))
            }
            SignerId::SubjectKeyIdentifier(ski) => format!("key id {}", hex::encode(ski)),
        },
        candidates: certs.len(),
    })
}
