//! Object identifiers the signature layer recognises, as `const_oid` constants compared
//! against the raw content octets of OID TLVs.

use const_oid::ObjectIdentifier as Oid;

// RFC 5652 §4–5 content types.
pub const ID_DATA: Oid = Oid::new_unwrap("1.2.840.113549.1.7.1");
pub const ID_SIGNED_DATA: Oid = Oid::new_unwrap("1.2.840.113549.1.7.2");
/// RFC 3161 §2.4.2.
pub const ID_CT_TST_INFO: Oid = Oid::new_unwrap("1.2.840.113549.1.9.16.1.4");

// Attributes (RFC 5652 §11, RFC 5035, RFC 3161 Appendix A, Adobe).
pub const CONTENT_TYPE: Oid = Oid::new_unwrap("1.2.840.113549.1.9.3");
pub const MESSAGE_DIGEST: Oid = Oid::new_unwrap("1.2.840.113549.1.9.4");
pub const SIGNING_TIME: Oid = Oid::new_unwrap("1.2.840.113549.1.9.5");
pub const SIGNING_CERTIFICATE: Oid = Oid::new_unwrap("1.2.840.113549.1.9.16.2.12");
pub const SIGNING_CERTIFICATE_V2: Oid = Oid::new_unwrap("1.2.840.113549.1.9.16.2.47");
pub const TIME_STAMP_TOKEN: Oid = Oid::new_unwrap("1.2.840.113549.1.9.16.2.14");
pub const ADBE_REVOCATION_INFO_ARCHIVAL: Oid = Oid::new_unwrap("1.2.840.113583.1.1.8");
/// CAdES `id-aa-ets-revocationValues` (ETSI EN 319 122-1 §5.3.5.2, RFC 5126 §6.3.4).
pub const REVOCATION_VALUES: Oid = Oid::new_unwrap("1.2.840.113549.1.9.16.2.24");
/// An OCSP response as a CMS `OtherRevocationInfoFormat` (RFC 5940 §4.1).
pub const RI_OCSP_RESPONSE: Oid = Oid::new_unwrap("1.3.6.1.5.5.7.16.2");

// OCSP (RFC 6960 §4.2.1, §4.2.2.2).
pub const OCSP_BASIC: Oid = Oid::new_unwrap("1.3.6.1.5.5.7.48.1.1");
pub const KP_OCSP_SIGNING: Oid = Oid::new_unwrap("1.3.6.1.5.5.7.3.9");
/// id-kp-timeStamping (RFC 5280 §4.2.1.12): a time-stamping authority's certificate.
pub const KP_TIME_STAMPING: Oid = Oid::new_unwrap("1.3.6.1.5.5.7.3.8");

// Digests.
pub const SHA1: Oid = Oid::new_unwrap("1.3.14.3.2.26");
pub const SHA224: Oid = Oid::new_unwrap("2.16.840.1.101.3.4.2.4");
pub const SHA256: Oid = Oid::new_unwrap("2.16.840.1.101.3.4.2.1");
pub const SHA384: Oid = Oid::new_unwrap("2.16.840.1.101.3.4.2.2");
pub const SHA512: Oid = Oid::new_unwrap("2.16.840.1.101.3.4.2.3");
pub const SHA3_256: Oid = Oid::new_unwrap("2.16.840.1.101.3.4.2.8");
pub const SHA3_384: Oid = Oid::new_unwrap("2.16.840.1.101.3.4.2.9");
pub const SHA3_512: Oid = Oid::new_unwrap("2.16.840.1.101.3.4.2.10");

// Public keys.
pub const RSA_ENCRYPTION: Oid = Oid::new_unwrap("1.2.840.113549.1.1.1");
pub const RSASSA_PSS: Oid = Oid::new_unwrap("1.2.840.113549.1.1.10");
pub const MGF1: Oid = Oid::new_unwrap("1.2.840.113549.1.1.8");
pub const EC_PUBLIC_KEY: Oid = Oid::new_unwrap("1.2.840.10045.2.1");
pub const ED25519: Oid = Oid::new_unwrap("1.3.101.112");
pub const ED448: Oid = Oid::new_unwrap("1.3.101.113");
pub const SECP256R1: Oid = Oid::new_unwrap("1.2.840.10045.3.1.7");
pub const SECP384R1: Oid = Oid::new_unwrap("1.3.132.0.34");
pub const SECP521R1: Oid = Oid::new_unwrap("1.3.132.0.35");

// Signature algorithms (RFC 8017 Appendix C, RFC 5758 §3.2, NIST CSOR).
pub const SHA1_WITH_RSA: Oid = Oid::new_unwrap("1.2.840.113549.1.1.5");
pub const SHA224_WITH_RSA: Oid = Oid::new_unwrap("1.2.840.113549.1.1.14");
pub const SHA256_WITH_RSA: Oid = Oid::new_unwrap("1.2.840.113549.1.1.11");
pub const SHA384_WITH_RSA: Oid = Oid::new_unwrap("1.2.840.113549.1.1.12");
pub const SHA512_WITH_RSA: Oid = Oid::new_unwrap("1.2.840.113549.1.1.13");
pub const SHA3_256_WITH_RSA: Oid = Oid::new_unwrap("2.16.840.1.101.3.4.3.14");
pub const SHA3_384_WITH_RSA: Oid = Oid::new_unwrap("2.16.840.1.101.3.4.3.15");
pub const SHA3_512_WITH_RSA: Oid = Oid::new_unwrap("2.16.840.1.101.3.4.3.16");
pub const ECDSA_WITH_SHA1: Oid = Oid::new_unwrap("1.2.840.10045.4.1");
pub const ECDSA_WITH_SHA224: Oid = Oid::new_unwrap("1.2.840.10045.4.3.1");
pub const ECDSA_WITH_SHA256: Oid = Oid::new_unwrap("1.2.840.10045.4.3.2");
pub const ECDSA_WITH_SHA384: Oid = Oid::new_unwrap("1.2.840.10045.4.3.3");
pub const ECDSA_WITH_SHA512: Oid = Oid::new_unwrap("1.2.840.10045.4.3.4");
pub const ECDSA_WITH_SHA3_256: Oid = Oid::new_unwrap("2.16.840.1.101.3.4.3.10");
pub const ECDSA_WITH_SHA3_384: Oid = Oid::new_unwrap("2.16.840.1.101.3.4.3.11");
pub const ECDSA_WITH_SHA3_512: Oid = Oid::new_unwrap("2.16.840.1.101.3.4.3.12");

// Names (RFC 5280 Appendix A, RFC 4519).
pub const AT_COMMON_NAME: Oid = Oid::new_unwrap("2.5.4.3");
pub const AT_SURNAME: Oid = Oid::new_unwrap("2.5.4.4");
pub const AT_SERIAL_NUMBER: Oid = Oid::new_unwrap("2.5.4.5");
pub const AT_COUNTRY: Oid = Oid::new_unwrap("2.5.4.6");
pub const AT_LOCALITY: Oid = Oid::new_unwrap("2.5.4.7");
pub const AT_STATE: Oid = Oid::new_unwrap("2.5.4.8");
pub const AT_ORGANIZATION: Oid = Oid::new_unwrap("2.5.4.10");
pub const AT_ORGANIZATIONAL_UNIT: Oid = Oid::new_unwrap("2.5.4.11");
pub const AT_TITLE: Oid = Oid::new_unwrap("2.5.4.12");
pub const AT_GIVEN_NAME: Oid = Oid::new_unwrap("2.5.4.42");
pub const AT_PSEUDONYM: Oid = Oid::new_unwrap("2.5.4.65");
pub const AT_ORGANIZATION_IDENTIFIER: Oid = Oid::new_unwrap("2.5.4.97");
pub const AT_EMAIL_ADDRESS: Oid = Oid::new_unwrap("1.2.840.113549.1.9.1");

// Certificate extensions (RFC 5280 §4.2.1).
pub const EXT_SUBJECT_KEY_IDENTIFIER: Oid = Oid::new_unwrap("2.5.29.14");
pub const EXT_KEY_USAGE: Oid = Oid::new_unwrap("2.5.29.15");
pub const EXT_SUBJECT_ALT_NAME: Oid = Oid::new_unwrap("2.5.29.17");
/// certificatePolicies (RFC 5280 §4.2.1.4).
pub const EXT_CERTIFICATE_POLICIES: Oid = Oid::new_unwrap("2.5.29.32");
/// The Authentication Context extension of signing-service certificates (RFC 7773).
pub const EXT_AUTH_CONTEXT: Oid = Oid::new_unwrap("1.2.752.201.5.1");
/// A signature validation token in a `TSTInfo` extension (RFC 9321, PDF profile).
pub const EXT_SVT: Oid = Oid::new_unwrap("1.2.752.201.5.2");
pub const EXT_BASIC_CONSTRAINTS: Oid = Oid::new_unwrap("2.5.29.19");
pub const EXT_AUTHORITY_KEY_IDENTIFIER: Oid = Oid::new_unwrap("2.5.29.35");
pub const EXT_EXTENDED_KEY_USAGE: Oid = Oid::new_unwrap("2.5.29.37");
/// The QCStatements extension (RFC 3739 §3.2.6) and the ETSI statements arkivar reads from it
/// (EN 319 412-5 §4).
pub const EXT_QC_STATEMENTS: Oid = Oid::new_unwrap("1.3.6.1.5.5.7.1.3");
pub const QCS_COMPLIANCE: Oid = Oid::new_unwrap("0.4.0.1862.1.1");
pub const QCS_SSCD: Oid = Oid::new_unwrap("0.4.0.1862.1.4");
pub const QCS_TYPE: Oid = Oid::new_unwrap("0.4.0.1862.1.6");
pub const QCS_CC_LEGISLATION: Oid = Oid::new_unwrap("0.4.0.1862.1.7");
pub const QCT_ESIGN: Oid = Oid::new_unwrap("0.4.0.1862.1.6.1");
pub const QCT_ESEAL: Oid = Oid::new_unwrap("0.4.0.1862.1.6.2");
pub const QCT_WEB: Oid = Oid::new_unwrap("0.4.0.1862.1.6.3");

// CRL and CRL entry extensions (RFC 5280 §5.2, §5.3).
pub const EXT_CRL_REASON: Oid = Oid::new_unwrap("2.5.29.21");
pub const EXT_DELTA_CRL_INDICATOR: Oid = Oid::new_unwrap("2.5.29.27");
pub const EXT_ISSUING_DISTRIBUTION_POINT: Oid = Oid::new_unwrap("2.5.29.28");

/// Whether OID content octets equal `oid`.
pub fn is(content: &[u8], oid: &Oid) -> bool {
    content == oid.as_bytes()
}
