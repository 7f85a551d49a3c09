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
    /// signing: at the proven time of [`proof_of_existence`](Self::proof_of_existence) when it
    /// falls in every validity period, else at the claimed time; `None` when no time of
    /// signing is known.
    pub certificate_valid_at_signing: Option<bool>,
    /// Which time `certificate_valid_at_signing` used: `timestamp`, `document_timestamp`,
    /// `signing_time` or `reference`.
    pub validity_time_source: Option<String>,
    /// Revocation data carried with the signature or the document (none of it fetched).
    pub revocation: RevocationInfo,
    /// Which ESS signing-certificate attribute is among the signed attributes, when one is
    /// (RFC 2634 §5.4, RFC 5035 §3): PAdES baseline B-B needs one.
    pub signing_certificate_attribute: Option<SigningCertificateAttribute>,
    /// The best signature time: the earliest time a timestamp that holds proves the signature
    /// existed, or the claimed time when none does.
    pub proof_of_existence: super::existence::ProofOfExistence,
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
    /// What the certificate's issuer states of it in QCStatements (ETSI EN 319 412-5): EU
    /// qualified, key on a QSCD, for signatures or seals. The issuer's claims, not checked
    /// against a trusted list: they make nothing verified. `null` without the extension.
    pub qc_statements: Option<super::qualified::QcStatements>,
    /// Whether the signature is qualified (a QES or qualified seal), as a verified trusted
    /// list and the certificate together show; `unknown` without a trusted list.
    #[serde(default)]
    pub qualified: super::trusted_list::Qualification,
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
    /// Every certificate of the TSA's path was within its validity period at `time`; null
    /// when no TSA certificate or no `time` was found.
    pub tsa_valid_at_time: Option<bool>,
    /// A signature validation token the token carries (RFC 9321): another service's verdict.
    pub svt: Option<super::svt::Svt>,
    /// The revocation status of each certificate of the TSA's path at `time` (genTime), from
    /// the token's own revocation data and the document's DSS.
    pub revocation: Vec<CertificateRevocation>,
    pub error: Option<CheckError>,
}

/// Revocation data carried with the signature or the document (none of it fetched): how much
/// there is, and what it says about each certificate of the signer's path.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct RevocationInfo {
    /// CRLs in the signed adbe-revocationInfoArchival attribute (1.2.840.113583.1.1.8).
    pub archival_crls: usize,
    /// OCSP responses in adbe-revocationInfoArchival.
    pub archival_ocsps: usize,
    /// Entries of SignedData.crls (CRLs, and OCSP responses as RFC 5940 other revocation info).
    pub cms_crls: usize,
    /// CRLs in the document's DSS, as counted by the caller.
    pub dss_crls: usize,
    /// OCSP responses in the document's DSS, as counted by the caller.
    pub dss_ocsps: usize,
    /// CRLs and OCSP responses that could not be read (malformed, an OCSP response whose
    /// status is not `successful`, over a limit); they concern no certificate.
    pub unreadable: usize,
    /// The time the statuses are judged at, RFC 3339: the proven best signature time
    /// (`proof_of_existence`) when a timestamp proves one, else the claimed time
    /// `certificate_valid_at_signing` uses (timestamp, else signingTime, else `/M`); null
    /// when none is known, and then no answer is judged for freshness.
    pub time: Option<String>,
    /// One entry per certificate of the signer's path, signer first; a self-issued
    /// certificate at the end of the path (a root) has no issuer to revoke it and is left out.
    pub certificates: Vec<CertificateRevocation>,
}

impl RevocationInfo {
    /// The first certificate of the path revoked at or before [`time`](Self::time).
    pub fn revoked_before_time(&self) -> Option<&CertificateRevocation> {
        self.certificates.iter().find(|c| c.revoked_before_time)
    }
}

/// What the embedded revocation data says about one certificate.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct CertificateRevocation {
    /// The certificate's subject common name (else its whole subject).
    pub subject: String,
    /// Its serial number, lower-case hex.
    pub serial: String,
    pub status: RevocationStatus,
    /// When it was revoked, RFC 3339 (`status` `revoked`).
    pub revoked_at: Option<String>,
    /// Why, when the CRL entry or OCSP response says (`status` `revoked`).
    pub reason: Option<RevocationReason>,
    /// Revoked at or before the revocation `time`: the certificate was not valid then.
    pub revoked_before_time: bool,
    /// Where the deciding answer came from; null for `no_data`, and for `unknown` when every
    /// answer found was refused.
    pub source: Option<RevocationSource>,
    /// A CRL or an OCSP response.
    pub evidence: Option<RevocationEvidence>,
    /// The deciding answer's thisUpdate, RFC 3339.
    pub this_update: Option<String>,
    /// Its nextUpdate, RFC 3339, when it has one.
    pub next_update: Option<String>,
    /// Answers about this certificate that were not taken, and why (at most one line per
    /// source, kind and reason).
    pub refused: Vec<RefusedRevocation>,
}

impl CertificateRevocation {
    /// A certificate the revocation data says nothing about yet: `no_data`, no answer, nothing
    /// refused.
    pub fn no_data(subject: String, serial: String) -> Self {
        CertificateRevocation {
            subject,
            serial,
            status: RevocationStatus::NoData,
            revoked_at: None,
            reason: None,
            revoked_before_time: false,
            source: None,
            evidence: None,
            this_update: None,
            next_update: None,
            refused: Vec::new(),
        }
    }
}

/// The status of a certificate at the revocation `time`, from embedded data only.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum RevocationStatus {
    /// A verified, authorised and fresh CRL or OCSP response shows it not revoked.
    Good,
    /// A verified, authorised CRL or OCSP response lists it as revoked (`revoked_at`,
    /// `reason`; `revoked_before_time` says whether that was before the time judged).
    Revoked,
    /// Data about it is there but settles nothing: an OCSP responder answered `unknown`, or
    /// every answer was refused (see `refused`).
    Unknown,
    /// No embedded CRL or OCSP response concerns it.
    NoData,
}

/// Where a CRL or OCSP response was found.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum RevocationSource {
    /// The signed adbe-revocationInfoArchival attribute (ISO 32000-1 §12.8.3.3.2).
    Archival,
    /// The CMS itself: SignedData.crls, or the CAdES revocation-values unsigned attribute.
    Cms,
    /// The document security store (ISO 32000-2 §12.8.4.3).
    Dss,
}

/// What kind of answer.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum RevocationEvidence {
    Crl,
    Ocsp,
}

/// CRLReason (RFC 5280 §5.3.1).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum RevocationReason {
    Unspecified,
    KeyCompromise,
    CaCompromise,
    AffiliationChanged,
    Superseded,
    CessationOfOperation,
    CertificateHold,
    RemoveFromCrl,
    PrivilegeWithdrawn,
    AaCompromise,
    /// A value RFC 5280 does not define.
    Other,
}

impl RevocationReason {
    /// The reason of a CRLReason ENUMERATED value.
    pub fn from_code(code: u32) -> Self {
        match code {
            0 => Self::Unspecified,
            1 => Self::KeyCompromise,
            2 => Self::CaCompromise,
            3 => Self::AffiliationChanged,
            4 => Self::Superseded,
            5 => Self::CessationOfOperation,
            6 => Self::CertificateHold,
            8 => Self::RemoveFromCrl,
            9 => Self::PrivilegeWithdrawn,
            10 => Self::AaCompromise,
            _ => Self::Other,
        }
    }
}

/// An answer about a certificate that was not taken.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct RefusedRevocation {
    pub source: RevocationSource,
    pub evidence: RevocationEvidence,
    pub reason: RefusalReason,
}

/// Why an answer about a certificate was not taken.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum RefusalReason {
    /// Its signature does not verify with the key that must have made it (the CRL issuer's,
    /// or the OCSP responder's).
    BadSignature,
    /// Its signature could not be checked (an algorithm or key arkivar does not implement).
    SignatureUncheckable,
    /// The OCSP responder is neither the certificate's CA nor a responder that CA
    /// delegated (a certificate it issued with extended key usage id-kp-OCSPSigning), or
    /// its certificate is not among those the file carries.
    UnauthorisedResponder,
    /// The certificate's issuer is not on the path, so no answer can be authorised.
    IssuerUnknown,
    /// It says "not revoked" but does not cover the time: its nextUpdate is before it (or
    /// it has none and was issued more than 30 minutes before it).
    Stale,
    /// A CRL that does not cover the certificate's kind or all reasons (issuing
    /// distribution point), or a delta CRL: its silence proves nothing.
    PartialCrl,
    /// A CRL issued after the certificate expired: an expired certificate may have been
    /// removed from it (RFC 5280 §3.3), so its silence proves nothing.
    IssuedAfterExpiry,
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
    /// The signer's path ends at a trusted list's service that was not granted at the time
    /// the signature is judged at (withdrawn then, or granted only later): not trusted.
    AnchorServiceNotGranted { territory: String, service: String },
    /// More than one SignerInfo; only the first is checked.
    MultipleSigners { count: usize },
    /// A certificate in the CMS could not be read.
    UnreadableCertificate { index: usize, error: String },
    /// The contentType attribute is missing or differs from eContentType (RFC 5652 §11.1).
    ContentTypeMismatch,
    /// The ESS signing-certificate(-v2) attribute does not name the signer's certificate (its
    /// first certHash is another certificate's hash), or cannot be read (RFC 5035 §5.4).
    SigningCertificateMismatch,
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

/// An ESS signing-certificate attribute: it binds the signer's certificate (by its hash) into
/// the signed attributes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum SigningCertificateAttribute {
    /// `id-aa-signingCertificate` (RFC 2634 §5.4, SHA-1 hashes).
    V1,
    /// `id-aa-signingCertificateV2` (RFC 5035 §3).
    V2,
}
