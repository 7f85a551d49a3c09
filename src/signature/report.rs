//! The facts measured about one signature, as they go into the record.
//!
//! Facts only: whether the bytes are intact, whether the signature value verifies, who
//! signed, whether a path to a trust anchor was found. What a policy makes of them is
//! `verify/`'s business.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::CheckError;

/// Everything measured about one CMS signature (or document timestamp).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct CmsReport {
    /// `sha256`, `sha1`, `sha3_256`, … (the SignerInfo's digestAlgorithm).
    pub digest_algorithm: Option<String>,
    /// `rsassa_pkcs1v15`, `rsassa_pss`, `ecdsa` or `ed25519`.
    pub signature_algorithm: Option<String>,
    /// The digest of the signed bytes equals the signed messageDigest (RFC 5652 §11.2); with
    /// no signed attributes, the signature over the content verifies.
    pub intact: bool,
    /// The signature value verifies with the signer certificate's key (RFC 5652 §5.6).
    pub valid: bool,
    /// Facts about the signer certificate, when it was found.
    pub signer: Option<Signer>,
    /// The signed `signingTime` attribute (RFC 5652 §11.3), RFC 3339. A claim of the signer's
    /// computer, not a proof.
    pub signing_time: Option<String>,
    /// The signature timestamp (RFC 3161 token in the unsigned attributes), or for a document
    /// timestamp the token itself.
    pub timestamp: Option<TimestampReport>,
    /// A path from the signer certificate to a trust anchor was found and every signature on
    /// it verifies.
    pub trusted: bool,
    /// Subject CNs from the signer certificate towards the anchor (as far as a path was found).
    pub chain: Vec<String>,
    /// Whether every certificate on the path was within its validity period at the time of
    /// signing; `None` when no time of signing is known.
    pub certificate_valid_at_signing: Option<bool>,
    /// Which time `certificate_valid_at_signing` used: `timestamp`, `signing_time` or
    /// `reference`.
    pub validity_time_source: Option<String>,
    /// Revocation data carried with the signature or the document (none of it fetched).
    pub revocation: RevocationInfo,
    /// Things that were recovered from or that a policy may weigh.
    pub warnings: Vec<CmsWarning>,
    /// Why the signature could not be (fully) checked. When set, `intact` and `valid` say only
    /// what was established before the failure.
    pub error: Option<CheckError>,
}

/// Facts about a signer certificate (personal identity numbers masked).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct Signer {
    pub common_name: Option<String>,
    pub organization: Option<String>,
    /// Subject emailAddress, else the first subjectAltName rfc822Name.
    pub email: Option<String>,
    /// Subject serialNumber attribute, masked when it is a Swedish personal identity number.
    pub serial_number: Option<String>,
    /// Subject DN, `CN=…, O=…` in encoded order.
    pub subject: String,
    /// Issuer DN.
    pub issuer: String,
    pub issuer_common_name: Option<String>,
    /// Certificate serial number, lower-case hex.
    pub certificate_serial: String,
    /// RFC 3339.
    pub not_before: String,
    /// RFC 3339.
    pub not_after: String,
    /// keyUsage bits set (`digital_signature`, `non_repudiation`, …).
    pub key_usage: Vec<String>,
    /// The subject is a natural person: it has a givenName, surname or pseudonym, or a
    /// Swedish personal identity number as its serialNumber. Such a certificate signs for a
    /// person and is never taken for a platform's seal.
    pub natural_person: bool,
    /// The certificate was issued by a signing service for this signing: it records the
    /// signer's eID login (RFC 7773 Authentication Context extension).
    pub signing_service: bool,
    /// That login: identity provider, level of assurance, authentication instant, service.
    pub auth_context: Option<super::auth_context::AuthContext>,
    /// `rsa`, `ec`, `ed25519`, `ed448` or the key algorithm OID.
    pub key_algorithm: String,
    pub key_bits: Option<u32>,
    /// `secp256r1`, … for EC keys.
    pub curve: Option<String>,
}

/// An RFC 3161 timestamp token, checked.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct TimestampReport {
    pub present: bool,
    /// The token's own messageDigest matches its TSTInfo, and the TSTInfo messageImprint is
    /// the hash of what it should cover (RFC 3161 §2.4.2, Appendix A).
    pub intact: bool,
    /// The TSA's signature on the token verifies.
    pub valid: bool,
    /// `genTime`, RFC 3339 (fractional seconds kept).
    pub time: Option<String>,
    /// The TSA certificate's subject CN.
    pub tsa: Option<String>,
    /// Digest of the messageImprint.
    pub digest_algorithm: Option<String>,
    /// A path from the TSA certificate to a trust anchor was found.
    pub trusted: bool,
    pub chain: Vec<String>,
    /// A signature validation token the token carries (RFC 9321): another service's verdict.
    pub svt: Option<super::svt::Svt>,
    pub error: Option<CheckError>,
}

/// Revocation data present (counted, not checked; no online OCSP or CRL fetch).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct RevocationInfo {
    /// CRLs in the signed adbe-revocationInfoArchival attribute (1.2.840.113583.1.1.8).
    pub archival_crls: usize,
    /// OCSP responses in adbe-revocationInfoArchival.
    pub archival_ocsps: usize,
    /// CRLs in SignedData.crls.
    pub cms_crls: usize,
    /// CRLs in the document's DSS, as counted by the caller.
    pub dss_crls: usize,
    /// OCSP responses in the document's DSS, as counted by the caller.
    pub dss_ocsps: usize,
}

/// Something recovered from, or worth a policy's attention.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(tag = "code", rename_all = "snake_case")]
#[non_exhaustive]
pub enum CmsWarning {
    /// Non-zero bytes after the CMS value in `/Contents` (should be zero padding).
    TrailingGarbage { offset: usize, len: usize },
    /// The CMS value uses BER forms (indefinite lengths, constructed strings).
    BerEncoding,
    /// The signed attributes were not DER in the file; their DER form was hashed.
    SignedAttributesNotDer,
    /// More than one SignerInfo; only the first is checked.
    MultipleSigners { count: usize },
    /// A certificate in the CMS could not be read.
    UnreadableCertificate { index: usize, error: String },
    /// The contentType attribute is missing or differs from eContentType (RFC 5652 §11.1).
    ContentTypeMismatch,
    /// The encapsulated content does not match the signed byte ranges (adbe.pkcs7.sha1).
    EncapsulatedContentMismatch,
    /// The signature timestamp could not be checked.
    TimestampUnverifiable { error: CheckError },
    /// A certificate on the path is not a CA, or may not sign certificates (RFC 5280 §6.1.4).
    IssuerNotCa { subject: String },
    /// A pathLenConstraint is exceeded (RFC 5280 §4.2.1.9).
    PathLengthExceeded { subject: String },
    /// The SignerInfo's digestAlgorithm names a signature algorithm (a signer bug); its hash
    /// was used.
    DigestAlgorithmIsSignatureAlgorithm { oid: String },
    /// The digest algorithm is SHA-1, which RFC 8017 and ETSI TS 119 312 no longer accept for
    /// new signatures.
    WeakDigest { algorithm: String },
    /// The RSA PKCS#1 v1.5 signature value verifies with a DigestInfo whose hash algorithm has
    /// no parameters, where RFC 8017 §9.2 writes NULL. arkivar accepts it, as RFC 4055 and the
    /// Java-based validators do; OpenSSL, NSS (pdfsig) and pyHanko call such a signature
    /// invalid.
    DigestInfoWithoutNull,
}
