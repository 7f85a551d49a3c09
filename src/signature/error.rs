//! What can go wrong while reading or checking a CMS signature, and where.
//!
//! Errors carry the byte offset inside the `/Contents` value (or inside the certificate they
//! concern), the OID that was not understood, or the index of the certificate. They never carry
//! free text taken from the input.

use thiserror::Error;

/// Why a signature could not be read or checked.
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
    #[error("certificate #{index}: {source}")]
    Certificate {
        index: usize,
        #[source]
        source: Box<SignatureError>,
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
