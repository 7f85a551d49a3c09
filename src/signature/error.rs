//! What can go wrong while reading or checking a CMS signature, and where.
//!
//! Errors carry the byte offset inside the `/Contents` value (or inside the certificate they
//! concern), the OID that was not understood, or the index of the certificate. They never carry
//! free text taken from the input.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use thiserror::Error;

/// Why a signature could not be read or checked.
/// A variant's `cause` ends its message, and is therefore not also its `source()`.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[non_exhaustive]
pub enum SignatureError {
    /// The input is empty (or only zero padding).
    #[error("empty signature value")]
    Empty,
    /// The input is larger than [`super::limits::MAX_CONTENTS_LEN`].
    #[error("signature value is {len} bytes, over the limit of {limit}")]
    TooLarge { len: usize, limit: usize },
    /// A TLV runs past the end of its container.
    #[error("truncated ASN.1 at byte {offset}: {needed} more bytes needed")]
    Truncated { offset: usize, needed: usize },
    /// A length field is malformed (too many octets, or a reserved form).
    #[error("malformed ASN.1 length at byte {offset}")]
    BadLength { offset: usize },
    /// High tag numbers (identifier 0x1f) are not used anywhere in CMS or X.509.
    #[error("unsupported high-number ASN.1 tag at byte {offset}")]
    HighTagNumber { offset: usize },
    /// An indefinite length on a primitive encoding, which X.690 §8.1.3.2 forbids.
    #[error("indefinite length on a primitive value at byte {offset}")]
    IndefinitePrimitive { offset: usize },
    /// An indefinite-length value without its end-of-contents octets.
    #[error("indefinite-length value at byte {offset} has no end-of-contents")]
    MissingEndOfContents { offset: usize },
    /// Nesting deeper than [`super::limits::MAX_DEPTH`].
    #[error("ASN.1 nested deeper than {limit} at byte {offset}")]
    TooDeep { offset: usize, limit: usize },
    /// A value with the wrong tag where a field was expected.
    #[error("{field}: expected tag 0x{expected:02x}, found 0x{found:02x} at byte {offset}")]
    UnexpectedTag {
        field: &'static str,
        expected: u8,
        found: u8,
        offset: usize,
    },
    /// A required field is absent.
    #[error("{field}: missing (container at byte {offset})")]
    Missing { field: &'static str, offset: usize },
    /// A field's value is out of range or malformed.
    #[error("{field}: invalid value at byte {offset}")]
    Invalid { field: &'static str, offset: usize },
    /// More items than a named limit allows.
    #[error("{field}: more than {limit} items")]
    TooMany { field: &'static str, limit: usize },
    /// The outer ContentInfo is not `id-signedData`.
    #[error("content type {oid} is not id-signedData (1.2.840.113549.1.7.2)")]
    NotSignedData { oid: String },
    /// The encapsulated content type is not the one this check needs.
    #[error("eContentType {found} is not {expected}")]
    WrongContentType {
        expected: &'static str,
        found: String,
    },
    /// `SignedData.signerInfos` is empty.
    #[error("SignedData has no SignerInfo")]
    NoSignerInfo,
    /// No certificate matches the SignerInfo's `sid`.
    #[error("signer certificate not found among {candidates} certificates ({sid})")]
    SignerCertificateNotFound { sid: String, candidates: usize },
    /// A certificate could not be parsed.
    #[error("certificate #{index}: {cause}")]
    Certificate {
        index: usize,
        cause: Box<SignatureError>,
    },
    /// A digest algorithm this verifier does not implement (e.g. MD5, or an unknown OID).
    #[error("unsupported digest algorithm {oid}")]
    UnsupportedDigest { oid: String },
    /// A signature algorithm this verifier does not implement (e.g. DSA, Ed448).
    #[error("unsupported algorithm {oid}")]
    UnsupportedAlgorithm { oid: String },
    /// A public key type or curve this verifier does not implement.
    #[error("unsupported public key {oid}")]
    UnsupportedKey { oid: String },
    /// The signature algorithm does not fit the signer's key (e.g. ECDSA with an RSA key).
    #[error("signature algorithm {algorithm} does not fit a {key} key")]
    KeyMismatch {
        algorithm: &'static str,
        key: &'static str,
    },
    /// The public key bytes are malformed.
    #[error("malformed {key} public key")]
    BadPublicKey { key: &'static str },
    /// A signed attribute required by RFC 5652 §5.3 is absent.
    #[error("signed attribute {oid} ({name}) missing")]
    MissingAttribute {
        oid: &'static str,
        name: &'static str,
    },
    /// A time value (UTCTime or GeneralizedTime) is malformed.
    #[error("{field}: malformed time at byte {offset}")]
    BadTime { field: &'static str, offset: usize },
    /// The `adbe.x509.rsa_sha1` entry point was given no certificate.
    #[error("no certificate given for an adbe.x509.rsa_sha1 signature")]
    NoCertificate,
}

/// Shorthand used throughout the signature layer.
pub type Result<T, E = SignatureError> = std::result::Result<T, E>;

/// Why a signature's check did not end in "intact and valid", as a stable code: what the
/// verdict rules match on (never the message). Two families, as ETSI EN 319 102-1 draws them:
/// checked and found wrong (`failed`: the bytes or the value do not verify, or the value is
/// not a well-formed signature), and not checkable by arkivar (`indeterminate`: an algorithm
/// or format it does not implement, a certificate that is not there, a limit).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum CheckErrorKind {
    /// The signature value is not a well-formed CMS / ASN.1 structure, or lacks a part every
    /// signature of its kind must have (ETSI `FORMAT_FAILURE`).
    Malformed,
    /// The digest of the signed bytes differs from the one that was signed (`HASH_FAILURE`).
    DigestMismatch,
    /// The signature value does not verify with the signer's key (`SIG_CRYPTO_FAILURE`).
    SignatureMismatch,
    /// A digest, signature or key algorithm arkivar does not implement.
    UnsupportedAlgorithm,
    /// A signature format arkivar cannot check offline (a Guardtime KSI seal, a SubFilter it
    /// does not know).
    UnsupportedFormat,
    /// The signer's certificate is not in the signature or the document
    /// (`NO_SIGNING_CERTIFICATE_FOUND`).
    CertificateMissing,
    /// The value is larger or deeper than arkivar's limits for untrusted input.
    OverLimit,
    /// arkivar itself failed on the input (a bug).
    Internal,
}

impl CheckErrorKind {
    /// The stable code, as serialised.
    pub fn as_str(self) -> &'static str {
        match self {
            CheckErrorKind::Malformed => "malformed",
            CheckErrorKind::DigestMismatch => "digest_mismatch",
            CheckErrorKind::SignatureMismatch => "signature_mismatch",
            CheckErrorKind::UnsupportedAlgorithm => "unsupported_algorithm",
            CheckErrorKind::UnsupportedFormat => "unsupported_format",
            CheckErrorKind::CertificateMissing => "certificate_missing",
            CheckErrorKind::OverLimit => "over_limit",
            CheckErrorKind::Internal => "internal",
        }
    }

    /// True when the signature was checked and found wrong (`signature.integrity_broken`);
    /// false when it could not be checked (`signature.unverifiable`).
    pub fn is_broken(self) -> bool {
        matches!(
            self,
            CheckErrorKind::Malformed
                | CheckErrorKind::DigestMismatch
                | CheckErrorKind::SignatureMismatch
        )
    }
}

/// A typed check failure with its message for people.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct CheckError {
    /// What kind of failure: the part rules and machines read.
    pub code: CheckErrorKind,
    /// What went wrong and where, for people; its wording may change.
    pub message: String,
}

impl CheckError {
    /// A failure of `code` described by `message`.
    pub fn new(code: CheckErrorKind, message: impl Into<String>) -> Self {
        CheckError {
            code,
            message: message.into(),
        }
    }
}

impl std::fmt::Display for CheckError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} ({})", self.message, self.code.as_str())
    }
}

/// Guardtime's private enterprise number (1.3.6.1.4.1.27868): KSI signatures name their
/// algorithm under it (`1.3.6.1.4.1.27868.4.1`).
const GUARDTIME_ARC: &str = "1.3.6.1.4.1.27868.";

impl SignatureError {
    /// The kind of check failure this error is.
    pub fn kind(&self) -> CheckErrorKind {
        use CheckErrorKind as K;
        match self {
            // Guardtime's arc: a KSI signature is a hash-chain format of its own, not an
            // algorithm a CMS verifier could add (the seals of older Scrive documents).
            SignatureError::UnsupportedAlgorithm { oid } if oid.starts_with(GUARDTIME_ARC) => {
                K::UnsupportedFormat
            }
            SignatureError::UnsupportedDigest { .. }
            | SignatureError::UnsupportedAlgorithm { .. }
            | SignatureError::UnsupportedKey { .. } => K::UnsupportedAlgorithm,
            SignatureError::SignerCertificateNotFound { .. } | SignatureError::NoCertificate => {
                K::CertificateMissing
            }
            SignatureError::TooLarge { .. }
            | SignatureError::TooDeep { .. }
            | SignatureError::TooMany { .. } => K::OverLimit,
            // A certificate that names an algorithm arkivar lacks is unsupported, one that is
            // garbled is malformed: the cause decides.
            SignatureError::Certificate { cause, .. } => cause.kind(),
            SignatureError::Empty
            | SignatureError::Truncated { .. }
            | SignatureError::BadLength { .. }
            | SignatureError::HighTagNumber { .. }
            | SignatureError::IndefinitePrimitive { .. }
            | SignatureError::MissingEndOfContents { .. }
            | SignatureError::UnexpectedTag { .. }
            | SignatureError::Missing { .. }
            | SignatureError::Invalid { .. }
            | SignatureError::NotSignedData { .. }
            | SignatureError::WrongContentType { .. }
            | SignatureError::NoSignerInfo
            | SignatureError::KeyMismatch { .. }
            | SignatureError::BadPublicKey { .. }
            | SignatureError::MissingAttribute { .. }
            | SignatureError::BadTime { .. } => K::Malformed,
        }
    }
}

impl From<&SignatureError> for CheckError {
    fn from(e: &SignatureError) -> Self {
        CheckError::new(e.kind(), e.to_string())
    }
}

impl From<SignatureError> for CheckError {
    fn from(e: SignatureError) -> Self {
        CheckError::from(&e)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kinds_follow_the_variant_not_the_message() {
        // The old text test called this one unverifiable for the word "unsupported".
        assert_eq!(
            SignatureError::HighTagNumber { offset: 3 }.kind(),
            CheckErrorKind::Malformed
        );
        assert_eq!(
            SignatureError::Truncated {
                offset: 3,
                needed: 9
            }
            .kind(),
            CheckErrorKind::Malformed
        );
        assert_eq!(
            SignatureError::UnsupportedAlgorithm {
                oid: "1.3.101.113".into()
            }
            .kind(),
            CheckErrorKind::UnsupportedAlgorithm
        );
        // Guardtime KSI is a format; an OID that only starts alike is not Guardtime's.
        assert_eq!(
            SignatureError::UnsupportedAlgorithm {
                oid: "1.3.6.1.4.1.27868.4.1".into()
            }
            .kind(),
            CheckErrorKind::UnsupportedFormat
        );
        assert_eq!(
            SignatureError::UnsupportedAlgorithm {
                oid: "1.3.6.1.4.1.278681.1".into()
            }
            .kind(),
            CheckErrorKind::UnsupportedAlgorithm
        );
        assert_eq!(
            SignatureError::SignerCertificateNotFound {
                sid: "x".into(),
                candidates: 0
            }
            .kind(),
            CheckErrorKind::CertificateMissing
        );
        // A certificate's failure is its cause's kind.
        let cert = |source: SignatureError| SignatureError::Certificate {
            index: 1,
            cause: Box::new(source),
        };
        assert_eq!(
            cert(SignatureError::UnsupportedKey {
                oid: "1.2.3".into()
            })
            .kind(),
            CheckErrorKind::UnsupportedAlgorithm
        );
        assert_eq!(
            cert(SignatureError::BadLength { offset: 1 }).kind(),
            CheckErrorKind::Malformed
        );
        let e = CheckError::from(SignatureError::Empty);
        assert_eq!(
            serde_json::to_value(&e).unwrap(),
            serde_json::json!({"code": "malformed", "message": "empty signature value"})
        );
    }

    #[test]
    fn only_checked_and_wrong_kinds_are_broken() {
        use CheckErrorKind as K;
        for (kind, broken) in [
            (K::Malformed, true),
            (K::DigestMismatch, true),
            (K::SignatureMismatch, true),
            (K::UnsupportedAlgorithm, false),
            (K::UnsupportedFormat, false),
            (K::CertificateMissing, false),
            (K::OverLimit, false),
            (K::Internal, false),
        ] {
            assert_eq!(kind.is_broken(), broken, "{kind:?}");
            assert_eq!(
                serde_json::to_value(kind).unwrap(),
                serde_json::json!(kind.as_str())
            );
        }
    }
}
