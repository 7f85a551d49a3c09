//! CMS `SignedData` (RFC 5652 §5) read from a `/Contents` value, with every part kept as the
//! raw TLV it was found as.
//!
//! This module only reads the structure; checking digests and signatures is
//! `signed_data.rs`'s job.

use std::borrow::Cow;

use super::algorithm::AlgorithmId;
use super::ber::{Tlv, oid_to_string, small_uint, tag};
use super::error::{Result, SignatureError};
use super::limits::{MAX_ATTRIBUTES, MAX_CERTIFICATES, MAX_REVOCATION_ITEMS, MAX_SIGNER_INFOS};
use super::oid;

/// `SignedData` (RFC 5652 §5.1).
#[derive(Debug)]
pub struct SignedData<'a> {
    pub version: u32,
    pub digest_algorithms: Vec<AlgorithmId<'a>>,
    /// eContentType OID content octets.
    pub econtent_type: &'a [u8],
    /// eContent, joined if it was a constructed OCTET STRING; `None` when detached.
    pub econtent: Option<Cow<'a, [u8]>>,
    /// Certificates (only the plain `Certificate` choice; others are counted out).
    pub certificates: Vec<Tlv<'a>>,
    /// Number of entries in `crls`.
    pub crl_count: usize,
    /// The entries of `crls` (RevocationInfoChoices, RFC 5652 §10.2.1) as found, the first
    /// [`MAX_REVOCATION_ITEMS`].
    pub crls: Vec<Tlv<'a>>,
    pub signer_infos: Vec<SignerInfo<'a>>,
}

/// How a SignerInfo names its certificate (RFC 5652 §5.3).
#[derive(Debug, Clone)]
pub enum SignerId<'a> {
    IssuerAndSerialNumber { issuer: Tlv<'a>, serial: &'a [u8] },
    SubjectKeyIdentifier(&'a [u8]),
}

/// `SignerInfo` (RFC 5652 §5.3).
#[derive(Debug, Clone)]
pub struct SignerInfo<'a> {
    pub offset: usize,
    pub version: u32,
    pub sid: SignerId<'a>,
    pub digest_algorithm: AlgorithmId<'a>,
    /// The `[0] IMPLICIT` signed attributes TLV as found.
    pub signed_attrs: Option<Tlv<'a>>,
    pub signature_algorithm: AlgorithmId<'a>,
    pub signature: Cow<'a, [u8]>,
    /// The `[1] IMPLICIT` unsigned attributes TLV.
    pub unsigned_attrs: Option<Tlv<'a>>,
}

/// One `Attribute` (RFC 5652 §5.3): a type and its SET of values.
#[derive(Debug, Clone)]
pub struct Attribute<'a> {
    pub oid: &'a [u8],
    pub values: Vec<Tlv<'a>>,
    pub offset: usize,
}

/// Reads a `ContentInfo` that must hold `SignedData` (RFC 5652 §3).
pub fn parse_content_info<'a>(tlv: &Tlv<'a>) -> Result<SignedData<'a>> {
    let ci = tlv.expect(tag::SEQUENCE, "ContentInfo")?;
    let mut r = ci.children();
    let content_type = r.expect(tag::OID, "contentType")?;
    if !oid::is(content_type.content, &oid::ID_SIGNED_DATA) {
        return Err(SignatureError::NotSignedData {
            oid: oid_to_string(content_type.content),
        });
    }
    let explicit = r.expect(tag::context(0), "content")?;
    let sd = explicit.children().expect(tag::SEQUENCE, "SignedData")?;
    parse_signed_data(&sd)
}

fn parse_signed_data<'a>(sd: &Tlv<'a>) -> Result<SignedData<'a>> {
    let mut r = sd.children();
    let version = small_uint(&r.read("SignedData.version")?, "SignedData.version")?;
    let algs = r.expect(tag::SET, "digestAlgorithms")?;
    let mut digest_algorithms = Vec::new();
    let mut a = algs.children();
    while let Some(alg) = a.next()? {
        if digest_algorithms.len() >= MAX_ATTRIBUTES {
            return Err(SignatureError::TooMany {
                field: "digestAlgorithms",
                limit: MAX_ATTRIBUTES,
            });
        }
        digest_algorithms.push(AlgorithmId::parse(alg, "digestAlgorithms")?);
    }

    let eci = r.expect(tag::SEQUENCE, "encapContentInfo")?;
    let mut e = eci.children();
    let econtent_type = e.expect(tag::OID, "eContentType")?.content;
    let econtent = match e.optional(tag::context(0))? {
        Some(wrapper) => {
            let octets = wrapper.children().read("eContent")?;
            if octets.tag & !tag::CONSTRUCTED != tag::OCTET_STRING {
                return Err(SignatureError::UnexpectedTag {
                    field: "eContent",
                    expected: tag::OCTET_STRING,
                    found: octets.tag,
                    offset: octets.offset,
                });
            }
            Some(octets.octets()?)
        }
        None => None,
    };

    let mut certificates = Vec::new();
    if let Some(certs) = r.optional(tag::context(0))? {
        let mut c = certs.children();
        while let Some(cert) = c.next()? {
            if certificates.len() >= MAX_CERTIFICATES {
                return Err(SignatureError::TooMany {
                    field: "certificates",
                    limit: MAX_CERTIFICATES,
                });
            }
            // CertificateChoices other than Certificate (attribute certificates, `other`)
            // are not used for signer lookup or path building.
            if cert.tag == tag::SEQUENCE {
                certificates.push(cert);
            }
        }
    }
    let mut crls = Vec::new();
    let mut crl_count = 0;
    if let Some(list) = r.optional(tag::context(1))? {
        let mut c = list.children();
        while let Some(choice) = c.next()? {
            crl_count += 1;
            if crls.len() < MAX_REVOCATION_ITEMS {
                crls.push(choice);
            }
        }
    }

    let infos = r.read("signerInfos")?;
    if infos.tag != tag::SET {
        return Err(SignatureError::UnexpectedTag {
            field: "signerInfos",
            expected: tag::SET,
            found: infos.tag,
            offset: infos.offset,
        });
    }
    let mut signer_infos = Vec::new();
    let mut s = infos.children();
    while let Some(si) = s.next()? {
        if signer_infos.len() >= MAX_SIGNER_INFOS {
            return Err(SignatureError::TooMany {
                field: "signerInfos",
                limit: MAX_SIGNER_INFOS,
            });
        }
        signer_infos.push(parse_signer_info(&si)?);
    }
    Ok(SignedData {
        version,
        digest_algorithms,
        econtent_type,
        econtent,
        certificates,
        crl_count,
        crls,
        signer_infos,
    })
}

fn parse_signer_info<'a>(si: &Tlv<'a>) -> Result<SignerInfo<'a>> {
    let si = si.expect(tag::SEQUENCE, "SignerInfo")?;
    let mut r = si.children();
    let version = small_uint(&r.read("SignerInfo.version")?, "SignerInfo.version")?;
    let sid_tlv = r.read("sid")?;
    let sid = match sid_tlv.tag {
        tag::SEQUENCE => {
            let mut i = sid_tlv.children();
            let issuer = i.expect(tag::SEQUENCE, "sid.issuer")?;
            let serial = i.expect(tag::INTEGER, "sid.serialNumber")?.content;
            SignerId::IssuerAndSerialNumber { issuer, serial }
        }
        t if t == tag::context_primitive(0) => SignerId::SubjectKeyIdentifier(sid_tlv.content),
        found => {
            return Err(SignatureError::UnexpectedTag {
                field: "sid",
                expected: tag::SEQUENCE,
                found,
                offset: sid_tlv.offset,
            });
        }
    };
    let digest_algorithm = AlgorithmId::parse(r.read("digestAlgorithm")?, "digestAlgorithm")?;
    let signed_attrs = r.optional(tag::context(0))?;
    let signature_algorithm =
        AlgorithmId::parse(r.read("signatureAlgorithm")?, "signatureAlgorithm")?;
    let sig = r.read("signature")?;
    if sig.tag & !tag::CONSTRUCTED != tag::OCTET_STRING {
        return Err(SignatureError::UnexpectedTag {
            field: "signature",
            expected: tag::OCTET_STRING,
            found: sig.tag,
            offset: sig.offset,
        });
    }
    let signature = sig.octets()?;
    let unsigned_attrs = r.optional(tag::context(1))?;
    Ok(SignerInfo {
        offset: si.offset,
        version,
        sid,
        digest_algorithm,
        signed_attrs,
        signature_algorithm,
        signature,
        unsigned_attrs,
    })
}

/// The attributes of a `[0]`/`[1]` attribute set.
pub fn attributes<'a>(set: &Tlv<'a>) -> Result<Vec<Attribute<'a>>> {
    let mut out = Vec::new();
    let mut r = set.children();
    while let Some(attr) = r.next()? {
        if out.len() >= MAX_ATTRIBUTES {
            return Err(SignatureError::TooMany {
                field: "attributes",
                limit: MAX_ATTRIBUTES,
            });
        }
        let attr = attr.expect(tag::SEQUENCE, "Attribute")?;
        let mut a = attr.children();
        let oid = a.expect(tag::OID, "attrType")?.content;
        let values_set = a.expect(tag::SET, "attrValues")?;
        let mut values = Vec::new();
        let mut v = values_set.children();
        while let Some(value) = v.next()? {
            if values.len() >= MAX_ATTRIBUTES {
                return Err(SignatureError::TooMany {
                    field: "attrValues",
                    limit: MAX_ATTRIBUTES,
                });
            }
            values.push(value);
        }
        out.push(Attribute {
            oid,
            values,
            offset: attr.offset,
        });
    }
    Ok(out)
}

/// The first value of the attribute `wanted`.
pub fn find_attribute<'a, 'b>(
    attrs: &'b [Attribute<'a>],
    wanted: &const_oid::ObjectIdentifier,
) -> Option<&'b Tlv<'a>> {
    attrs
        .iter()
        .find(|a| oid::is(a.oid, wanted))
        .and_then(|a| a.values.first())
}

/// The bytes the signature covers when signed attributes are present (RFC 5652 §5.4): the
/// attributes as found in the file with the `[0]` IMPLICIT tag replaced by SET (0x31). Only
/// when they are not in a definite-length form are they re-encoded (the signer must have
/// signed their DER). Returns the bytes and whether they were re-encoded.
pub fn signed_attributes_message(signed_attrs: &Tlv<'_>) -> Result<(Vec<u8>, bool)> {
    if signed_attrs.indefinite {
        return Ok((signed_attrs.to_der_with_tag(tag::SET)?, true));
    }
    let mut bytes = signed_attrs.raw.to_vec();
    if let Some(first) = bytes.first_mut() {
        *first = tag::SET;
    }
    Ok((bytes, false))
}

/// The CRLs and OCSP responses of an adbe-revocationInfoArchival value (Adobe PDF Reference
/// 1.7 §8.7 / ISO 32000-1 §12.8.3.3.2), `SEQUENCE { [0] EXPLICIT SEQUENCE OF CRL, [1] EXPLICIT
/// SEQUENCE OF OCSPResponse, [2] otherRevInfo }`, or of a CAdES RevocationValues value (ETSI
/// EN 319 122-1 §5.3.5.2), which has the same shape with BasicOCSPResponses.
#[derive(Debug, Default)]
pub struct RevocationLists<'a> {
    /// How many CRLs there are.
    pub crl_count: usize,
    /// How many OCSP responses there are.
    pub ocsp_count: usize,
    /// The first [`MAX_REVOCATION_ITEMS`] CRLs, as found.
    pub crls: Vec<Tlv<'a>>,
    /// The first [`MAX_REVOCATION_ITEMS`] OCSP responses, as found.
    pub ocsps: Vec<Tlv<'a>>,
}

/// Reads a [`RevocationLists`] value.
pub fn revocation_lists<'a>(value: &Tlv<'a>) -> Result<RevocationLists<'a>> {
    let value = value.expect(tag::SEQUENCE, "RevocationInfoArchival")?;
    let mut out = RevocationLists::default();
    let mut r = value.children();
    while let Some(field) = r.next()? {
        let (count, into) = if field.tag == tag::context(0) {
            (&mut out.crl_count, &mut out.crls)
        } else if field.tag == tag::context(1) {
            (&mut out.ocsp_count, &mut out.ocsps)
        } else {
            continue;
        };
        let list = field.children().read("revocation list")?;
        let mut items = list.children();
        while let Some(item) = items.next()? {
            *count += 1;
            if into.len() < MAX_REVOCATION_ITEMS {
                into.push(item);
            }
        }
    }
    Ok(out)
}
