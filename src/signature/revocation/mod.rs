//! Revocation status from the data a signed PDF carries: CRLs (RFC 5280 §5) and OCSP
//! responses (RFC 6960) from the CMS (`adbe-revocationInfoArchival`, `SignedData.crls`, the
//! CAdES revocation values) and the document's DSS. Nothing is fetched.
//!
//! [`crl`] and [`ocsp`] read one item each, on the project's own DER reader ([`super::ber`]),
//! bounded by [`super::limits`]; [`status`] decides, per certificate of a path, whether an item
//! concerns it, whether its signature verifies with an authorised key, whether it covers the
//! time, and what it says.
//!
//! Why not `x509-cert`'s CRL type and `x509-ocsp`: the signature layer reads every other ASN.1
//! structure with its own lenient reader (BER in CMS, negative serials, fractional seconds),
//! the project does not depend on `der`, and `x509-ocsp` is on an older `der` than `x509-cert`.
//! The parts read here are small.

pub mod crl;
pub mod ocsp;
pub mod status;

use thiserror::Error;

use super::algorithm::{AlgorithmId, SignatureScheme};
use super::ber::first_tlv;
use super::certificate::Certificate;
use super::error::SignatureError;
use super::report::{RevocationEvidence, RevocationSource};

pub use status::{DssRevocation, Item, chain_status, gather};

/// Why a CRL or OCSP response could not be read.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[non_exhaustive]
pub enum RevocationError {
    /// The DER is malformed or truncated, or a field is missing or out of range.
    #[error("malformed {what}: {cause}")]
    Malformed {
        what: &'static str,
        cause: SignatureError,
    },
    /// An OCSP response whose responseStatus is not `successful` carries no answer.
    #[error("OCSP response status {status} is not successful")]
    Unsuccessful { status: u32 },
    /// An OCSP response of a type other than id-pkix-ocsp-basic.
    #[error("OCSP response type {oid} is not id-pkix-ocsp-basic")]
    UnsupportedResponseType { oid: String },
    /// More bytes or entries than a named limit allows.
    #[error("{what} is over the limit of {limit}")]
    OverLimit { what: &'static str, limit: usize },
}

impl RevocationError {
    /// The error for a reader's failure on `what`: a named limit stays a limit.
    pub(crate) fn from_der(what: &'static str, cause: SignatureError) -> Self {
        match cause {
            SignatureError::TooMany { field, limit } => {
                RevocationError::OverLimit { what: field, limit }
            }
            cause => RevocationError::Malformed { what, cause },
        }
    }
}

/// How an item found in a file is encoded.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RawForm {
    /// A `CertificateList`.
    Crl,
    /// An `OCSPResponse` (archival attribute, DSS, RFC 5940).
    OcspResponse,
    /// A `BasicOCSPResponse` (CAdES revocation values).
    BasicOcspResponse,
}

impl RawForm {
    /// CRL or OCSP.
    pub fn evidence(self) -> RevocationEvidence {
        match self {
            RawForm::Crl => RevocationEvidence::Crl,
            RawForm::OcspResponse | RawForm::BasicOcspResponse => RevocationEvidence::Ocsp,
        }
    }
}

/// A CRL or OCSP response as found, not yet read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RawRevocation {
    pub source: RevocationSource,
    pub form: RawForm,
    pub der: Vec<u8>,
}

/// Whether `signer`'s key made `signature` over `tbs` with the algorithm whose
/// AlgorithmIdentifier DER is `algorithm`. `Err` when that cannot be checked.
fn verify_signed(
    signer: &Certificate,
    algorithm: &[u8],
    tbs: &[u8],
    signature: &[u8],
) -> Result<bool, SignatureError> {
    let (alg_tlv, _) = first_tlv(algorithm)?;
    let alg = AlgorithmId::parse(alg_tlv, "signatureAlgorithm")?;
    let scheme = SignatureScheme::from_algorithm(&alg, None)?;
    signer.public_key()?.verify(&scheme, &[tbs], signature)
}

/// A serial number's content octets without leading zero octets, for comparison.
pub(crate) fn serial_key(serial: &[u8]) -> &[u8] {
    let skip = serial.iter().take_while(|&&b| b == 0).count();
    serial.get(skip..).unwrap_or_default()
}

#[cfg(test)]
mod tests;
