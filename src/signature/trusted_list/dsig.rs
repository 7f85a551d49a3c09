//! The XML signature of a trusted list (ETSI TS 119 612 §5.7.1: an enveloped XMLDSig
//! signature, XAdES baseline B), checked against configured signer certificates.
//!
//! XMLDSig core validation (W3C xmldsig-core1 §3.2): every Reference's digest over its
//! dereferenced, transformed and canonicalised data must match, and the SignatureValue must
//! verify over the canonical SignedInfo with the signer's key. Beyond that, one Reference must
//! cover the whole list (URI "" or the root's Id, with the enveloped-signature transform): a
//! signature over part of a list vouches for nothing we read. The key is a configured
//! certificate's, never the one the signature carries (KeyInfo says who claims to have
//! signed; it is used only to say "signed by another certificate" when that is what happened).
//!
//! Accepted: canonicalisation C14N 1.0 and exclusive C14N 1.0 (without comments); digests
//! SHA-256/384/512; RSA PKCS#1 v1.5, RSA-PSS (RFC 6931 `sha*-rsa-MGF1`) and ECDSA (whose
//! XMLDSig value is r‖s, RFC 4050 §3.3, re-encoded here as the DER the algorithm layer reads).

use base64::Engine;
use thiserror::Error;

use super::c14n::{C14nMode, canonicalize};
use super::xml::{Document, Element};
use crate::signature::algorithm::{DigestAlgorithm, SignatureScheme};
use crate::signature::certificate::Certificate;

/// The XMLDSig namespace.
pub const DS: &str = "http://www.w3.org/2000/09/xmldsig#";
const C14N: &str = "http://www.w3.org/TR/2001/REC-xml-c14n-20010315";
const EXC_C14N: &str = "http://www.w3.org/2001/10/xml-exc-c14n#";
const ENVELOPED: &str = "http://www.w3.org/2000/09/xmldsig#enveloped-signature";
/// References of one signature at most (a list has two): each costs a walk of the document.
pub const MAX_REFERENCES: usize = 16;
/// The Type of a XAdES SignedProperties reference.
const SIGNED_PROPERTIES: &str = "http://uri.etsi.org/01903#SignedProperties";

/// Why a list's signature is not accepted.
#[derive(Debug, Error, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum DsigError {
    #[error("the list carries no XML signature")]
    Unsigned,
    #[error("the list carries {count} XML signatures; one is expected")]
    SeveralSignatures { count: usize },
    #[error("the signature lacks {what}")]
    Missing { what: &'static str },
    #[error("unsupported {what} algorithm {uri}")]
    Unsupported { what: &'static str, uri: String },
    #[error("more than {limit} references")]
    TooManyReferences { limit: usize },
    #[error("reference {uri:?} points at no single element")]
    Dangling { uri: String },
    #[error("no reference covers the whole list with the enveloped-signature transform")]
    NotWhole,
    #[error("the digest of reference {uri:?} does not match: the signed data was changed")]
    DigestMismatch { uri: String },
    #[error("{what} is not valid base64")]
    Base64 { what: &'static str },
    #[error("the signature was made by another certificate ({subject}), not a configured signer")]
    OtherSigner { subject: String },
    #[error("the signature value does not verify with any configured signer's key")]
    BadSignature,
}

/// What the check found, for the list's record.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SignatureFacts {
    /// The SignatureMethod URI.
    pub method: String,
    /// How many references were checked.
    pub references: usize,
    /// Whether a XAdES SignedProperties reference was among them.
    pub signed_properties: bool,
    /// The subject of the configured certificate whose key verified the value.
    pub signer: String,
}

/// Checks the enveloped signature of `doc` against `signers` (any one may have signed).
pub fn check(doc: &Document, signers: &[Certificate]) -> Result<SignatureFacts, DsigError> {
    let root = &doc.root;
    let signatures: Vec<&Element> = root.children_named(DS, "Signature").collect();
    let signature = match signatures.as_slice() {
        [] => return Err(DsigError::Unsigned),
        [one] => *one,
        more => return Err(DsigError::SeveralSignatures { count: more.len() }),
    };
    let signed_info = signature
        .child(DS, "SignedInfo")
        .ok_or(DsigError::Missing { what: "SignedInfo" })?;
    let c14n_method =
        signed_info
            .child(DS, "CanonicalizationMethod")
            .ok_or(DsigError::Missing {
                what: "CanonicalizationMethod",
            })?;
    let info_mode = c14n_mode(c14n_method)?;
    let method_uri = signed_info
        .child(DS, "SignatureMethod")
        .and_then(|m| m.attribute("Algorithm"))
        .ok_or(DsigError::Missing {
            what: "SignatureMethod",
        })?
        .to_owned();
    let scheme = signature_scheme(&method_uri)?;

    let mut whole = false;
    let mut signed_properties = false;
    let mut references = 0;
    for reference in signed_info.children_named(DS, "Reference") {
        references += 1;
        if references > MAX_REFERENCES {
            return Err(DsigError::TooManyReferences {
                limit: MAX_REFERENCES,
            });
        }
        let uri = reference.attribute("URI").unwrap_or("").to_owned();
        let target = dereference(root, &uri)?;
        let mut enveloped = false;
        let mut mode = C14nMode::Inclusive;
        if let Some(transforms) = reference.child(DS, "Transforms") {
            for t in transforms.children_named(DS, "Transform") {
                let algorithm = t.attribute("Algorithm").unwrap_or("");
                if algorithm == ENVELOPED {
                    enveloped = true;
                } else {
                    mode = c14n_mode(t)?;
                }
            }
        }
        let digest_uri = reference
            .child(DS, "DigestMethod")
            .and_then(|d| d.attribute("Algorithm"))
            .ok_or(DsigError::Missing {
                what: "DigestMethod",
            })?;
        let digest = digest_algorithm(digest_uri)?;
        let expected = base64(
            &reference
                .child(DS, "DigestValue")
                .ok_or(DsigError::Missing {
                    what: "DigestValue",
                })?
                .text(),
            "DigestValue",
        )?;
        let inherited = root.ancestors_scope(target).unwrap_or_default();
        let skip = |e: &Element| enveloped && std::ptr::eq(e, signature);
        let bytes = canonicalize(target, &inherited, &mode, &skip);
        if digest.digest(&bytes) != expected {
            return Err(DsigError::DigestMismatch { uri });
        }
        if std::ptr::eq(target, root) && enveloped {
            whole = true;
        }
        if reference.attribute("Type") == Some(SIGNED_PROPERTIES) {
            signed_properties = true;
        }
    }
    if !whole {
        return Err(DsigError::NotWhole);
    }

    let inherited = root.ancestors_scope(signed_info).unwrap_or_default();
    let canonical_info = canonicalize(signed_info, &inherited, &info_mode, &|_| false);
    let value = base64(
        &signature
            .child(DS, "SignatureValue")
            .ok_or(DsigError::Missing {
                what: "SignatureValue",
            })?
            .text(),
        "SignatureValue",
    )?;
    let verifies = |cert: &Certificate| {
        let Ok(key) = cert.public_key() else {
            return false;
        };
        let value = match scheme {
            SignatureScheme::Ecdsa { .. } => match ecdsa_raw_to_der(&value) {
                Some(der) => der,
                None => return false,
            },
            _ => value.clone(),
        };
        key.verify(&scheme, &[&canonical_info], &value)
            .unwrap_or(false)
    };
    // A key arkivar cannot read (brainpool curves, DSA) is said as such, not as a bad value.
    if let Some(Err(e)) = signers
        .iter()
        .map(Certificate::public_key)
        .find(Result::is_err)
        .filter(|_| signers.iter().all(|c| c.public_key().is_err()))
    {
        return Err(DsigError::Unsupported {
            what: "signer key",
            uri: e.to_string(),
        });
    }
    if let Some(cert) = signers.iter().find(|c| verifies(c)) {
        return Ok(SignatureFacts {
            method: method_uri,
            references,
            signed_properties,
            signer: cert.display_name(),
        });
    }
    // Say who signed when the list names a certificate whose key does verify.
    if let Some(claimed) = key_info_certificate(doc)
        && verifies(&claimed)
    {
        return Err(DsigError::OtherSigner {
            subject: claimed.display_name(),
        });
    }
    Err(DsigError::BadSignature)
}

/// The first certificate of the signature's KeyInfo, when there is one that reads: the
/// certificate the list claims to be signed with (for reports and for checking a real list
/// against its own certificate; never as the configured signer).
pub fn key_info_certificate(doc: &Document) -> Option<Certificate> {
    let signature = doc.root.child(DS, "Signature")?;
    let text = signature
        .child(DS, "KeyInfo")?
        .child(DS, "X509Data")?
        .child(DS, "X509Certificate")?
        .text();
    Certificate::parse(&base64(&text, "X509Certificate").ok()?).ok()
}

/// Standard base64 with the whitespace XML line-wraps it with.
pub(super) fn base64(text: &str, what: &'static str) -> Result<Vec<u8>, DsigError> {
    let compact: String = text.chars().filter(|c| !c.is_ascii_whitespace()).collect();
    base64::engine::general_purpose::STANDARD
        .decode(compact)
        .map_err(|_| DsigError::Base64 { what })
}

fn dereference<'a>(root: &'a Element, uri: &str) -> Result<&'a Element, DsigError> {
    if uri.is_empty() {
        return Ok(root);
    }
    let id = uri.strip_prefix('#').ok_or_else(|| DsigError::Dangling {
        uri: uri.to_owned(),
    })?;
    // Exactly one element may carry the Id: two would let a signature be moved onto other
    // content (signature wrapping).
    let found: Vec<&Element> = root
        .descendants()
        .into_iter()
        .filter(|e| {
            ["Id", "ID", "id"]
                .iter()
                .any(|name| e.attribute(name) == Some(id))
        })
        .collect();
    match found.as_slice() {
        [one] => Ok(one),
        _ => Err(DsigError::Dangling {
            uri: uri.to_owned(),
        }),
    }
}

fn c14n_mode(method: &Element) -> Result<C14nMode, DsigError> {
    match method.attribute("Algorithm").unwrap_or("") {
        C14N => Ok(C14nMode::Inclusive),
        EXC_C14N => {
            let prefixes = method
                .child(EXC_C14N, "InclusiveNamespaces")
                .and_then(|i| i.attribute("PrefixList"))
                .map(|list| {
                    list.split_ascii_whitespace()
                        .map(|p| if p == "#default" { "" } else { p }.to_owned())
                        .collect()
                })
                .unwrap_or_default();
            Ok(C14nMode::Exclusive { prefixes })
        }
        other => Err(DsigError::Unsupported {
            what: "canonicalisation",
            uri: other.to_owned(),
        }),
    }
}

fn digest_algorithm(uri: &str) -> Result<DigestAlgorithm, DsigError> {
    match uri {
        "http://www.w3.org/2001/04/xmlenc#sha256" => Ok(DigestAlgorithm::Sha256),
        "http://www.w3.org/2001/04/xmldsig-more#sha384" => Ok(DigestAlgorithm::Sha384),
        "http://www.w3.org/2001/04/xmlenc#sha512" => Ok(DigestAlgorithm::Sha512),
        other => Err(DsigError::Unsupported {
            what: "digest",
            uri: other.to_owned(),
        }),
    }
}

fn signature_scheme(uri: &str) -> Result<SignatureScheme, DsigError> {
    use DigestAlgorithm as D;
    let more = "http://www.w3.org/2001/04/xmldsig-more#";
    let more07 = "http://www.w3.org/2007/05/xmldsig-more#";
    let scheme = match uri.strip_prefix(more) {
        Some("rsa-sha256") => Some(SignatureScheme::RsaPkcs1v15 { digest: D::Sha256 }),
        Some("rsa-sha384") => Some(SignatureScheme::RsaPkcs1v15 { digest: D::Sha384 }),
        Some("rsa-sha512") => Some(SignatureScheme::RsaPkcs1v15 { digest: D::Sha512 }),
        Some("ecdsa-sha256") => Some(SignatureScheme::Ecdsa { digest: D::Sha256 }),
        Some("ecdsa-sha384") => Some(SignatureScheme::Ecdsa { digest: D::Sha384 }),
        Some("ecdsa-sha512") => Some(SignatureScheme::Ecdsa { digest: D::Sha512 }),
        _ => match uri.strip_prefix(more07) {
            // RFC 6931 §2.3.10: the salt is as long as the digest.
            Some("sha256-rsa-MGF1") => Some(SignatureScheme::RsaPss {
                digest: D::Sha256,
                salt_len: 32,
            }),
            Some("sha384-rsa-MGF1") => Some(SignatureScheme::RsaPss {
                digest: D::Sha384,
                salt_len: 48,
            }),
            Some("sha512-rsa-MGF1") => Some(SignatureScheme::RsaPss {
                digest: D::Sha512,
                salt_len: 64,
            }),
            _ => None,
        },
    };
    scheme.ok_or_else(|| DsigError::Unsupported {
        what: "signature",
        uri: uri.to_owned(),
    })
}

/// XMLDSig's ECDSA value r‖s (two equal halves) as the DER `ECDSA-Sig-Value` (RFC 3279
/// §2.2.3) the algorithm layer reads.
pub(super) fn ecdsa_raw_to_der(raw: &[u8]) -> Option<Vec<u8>> {
    if raw.is_empty() || !raw.len().is_multiple_of(2) {
        return None;
    }
    let (r, s) = raw.split_at(raw.len() / 2);
    let integer = |x: &[u8]| {
        let start = x
            .iter()
            .position(|b| *b != 0)
            .unwrap_or(x.len().saturating_sub(1));
        let x = x.get(start..).unwrap_or_default();
        let mut out = Vec::with_capacity(x.len() + 3);
        out.push(0x02);
        let pad = x.first().is_some_and(|b| b & 0x80 != 0);
        push_len(&mut out, x.len() + usize::from(pad));
        if pad {
            out.push(0);
        }
        out.extend_from_slice(x);
        out
    };
    let body = [integer(r), integer(s)].concat();
    let mut out = vec![0x30];
    push_len(&mut out, body.len());
    out.extend(body);
    Some(out)
}

fn push_len(out: &mut Vec<u8>, len: usize) {
    // Values here are under 256 bytes (P-521: 2 × 67).
    if len < 0x80 {
        out.push(len as u8);
    } else {
        out.push(0x81);
        out.push((len & 0xff) as u8);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ecdsa_raw_values_become_der_integers() {
        let der = ecdsa_raw_to_der(&[0x00, 0x81, 0x7f, 0x01]).expect("even");
        assert_eq!(
            der,
            vec![0x30, 0x08, 0x02, 0x02, 0x00, 0x81, 0x02, 0x02, 0x7f, 0x01]
        );
        // Near miss: an odd length is no r‖s.
        assert!(ecdsa_raw_to_der(&[1, 2, 3]).is_none());
    }

    #[test]
    fn algorithms_outside_the_list_are_named() {
        assert!(matches!(
            digest_algorithm("http://www.w3.org/2000/09/xmldsig#sha1"),
            Err(DsigError::Unsupported { what: "digest", .. })
        ));
        assert_eq!(
            digest_algorithm("http://www.w3.org/2001/04/xmlenc#sha256"),
            Ok(DigestAlgorithm::Sha256)
        );
        assert!(signature_scheme("http://www.w3.org/2000/09/xmldsig#rsa-sha1").is_err());
    }
}
