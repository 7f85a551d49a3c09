//! ETSI TS 119 612 trusted lists as trust anchors, given as files: nothing is fetched.
//!
//! A list is read ([`xml`]), its enveloped XML signature checked against a configured signer
//! certificate ([`dsig`], over [`c14n`]), and its contents read ([`list`]). A list whose
//! signature does not verify is refused whole, with the file and the reason. Its CA/QC and
//! TSA/QTST services that were ever granted become anchors of a [`TrustStore`]
//! (`TrustStore::add_trusted_list`); a path ending at one is trusted only when the service was
//! granted at the time the signature is judged at, and [`qualify`] says whether the signer is
//! qualified.

pub mod c14n;
pub mod dsig;
pub mod list;
pub mod qualify;
pub mod xml;

#[cfg(test)]
mod tests;

use std::path::{Path, PathBuf};

use jiff::Timestamp;
use thiserror::Error;

use super::certificate::Certificate;
use super::trust::{TrustError, pem_certificates};
pub use dsig::{DsigError, SignatureFacts};
pub use list::{ListError, Service, ServiceStatus, ServiceType, TrustedList};
pub use qualify::{Qualification, QualificationStatus};
pub use xml::XmlError;

/// The largest list file read, in bytes (the EU's national lists are a few MB at most).
pub const MAX_LIST_BYTES: usize = 32 << 20;
/// The deepest element nesting read (a list nests some 12 deep).
pub const MAX_LIST_DEPTH: usize = 64;
/// The most elements read from one list.
pub const MAX_LIST_ELEMENTS: usize = 2_000_000;
/// The most namespace declarations in scope at once (lists declare fewer than ten).
pub const MAX_LIST_NAMESPACES: usize = 64;

/// The bounds a list is read within.
pub const LIMITS: xml::XmlLimits = xml::XmlLimits {
    max_bytes: MAX_LIST_BYTES,
    max_depth: MAX_LIST_DEPTH,
    max_elements: MAX_LIST_ELEMENTS,
    max_namespaces: MAX_LIST_NAMESPACES,
};

/// Why a trusted list was refused: the file and the reason.
#[derive(Debug, Error)]
#[error("trusted list {path}: {cause}")]
pub struct TrustedListError {
    pub path: String,
    pub cause: TrustedListFailure,
}

/// The reason a list was refused.
#[derive(Debug, Error)]
#[non_exhaustive]
pub enum TrustedListFailure {
    #[error("cannot read the file: {0}")]
    Io(std::io::Error),
    #[error("its signer certificate: {0}")]
    Signer(TrustError),
    #[error("{0}")]
    Xml(XmlError),
    #[error("its signature is not accepted: {0}")]
    Signature(DsigError),
    #[error("{0}")]
    List(ListError),
}

/// A list whose signature verified, with what was found.
#[derive(Debug, Clone)]
pub struct VerifiedList {
    /// The file it was read from.
    pub path: PathBuf,
    pub list: TrustedList,
    pub signature: SignatureFacts,
}

impl VerifiedList {
    /// Whether its NextUpdate has passed at `now`. Such a list is still used (as the EU's DSS
    /// validator's default policy does, with a warning): the status history it holds still
    /// answers for times before its issue, which is what an archive asks.
    pub fn expired_at(&self, now: Timestamp) -> bool {
        self.list.next_update.is_some_and(|n| n < now)
    }
}

/// Reads the list at `path` and checks its signature against the certificates of the PEM
/// file `signer` (any one of them may have signed it).
pub fn load(path: &Path, signer: &Path) -> Result<VerifiedList, TrustedListError> {
    let fail = |cause| TrustedListError {
        path: path.display().to_string(),
        cause,
    };
    let signers = read_signers(signer).map_err(|e| fail(TrustedListFailure::Signer(e)))?;
    let bytes = std::fs::read(path).map_err(|e| fail(TrustedListFailure::Io(e)))?;
    verify_bytes(&bytes, &signers)
        .map(|(list, signature)| VerifiedList {
            path: path.to_owned(),
            list,
            signature,
        })
        .map_err(fail)
}

/// Checks and reads a list's bytes against `signers`.
pub fn verify_bytes(
    bytes: &[u8],
    signers: &[Certificate],
) -> Result<(TrustedList, SignatureFacts), TrustedListFailure> {
    let doc = xml::parse(bytes, LIMITS).map_err(TrustedListFailure::Xml)?;
    let signature = dsig::check(&doc, signers).map_err(TrustedListFailure::Signature)?;
    let list = list::read(&doc.root).map_err(TrustedListFailure::List)?;
    Ok((list, signature))
}

/// Reads a list's bytes without a configured signer, checking its signature against the
/// certificate it names itself: for measuring real lists only, never for anchors (anyone can
/// sign a list with a certificate of their own).
pub fn verify_against_own_certificate(
    bytes: &[u8],
) -> Result<(TrustedList, SignatureFacts), TrustedListFailure> {
    let doc = xml::parse(bytes, LIMITS).map_err(TrustedListFailure::Xml)?;
    let own = dsig::key_info_certificate(&doc).ok_or(TrustedListFailure::Signature(
        DsigError::Missing {
            what: "a KeyInfo certificate",
        },
    ))?;
    let signature = dsig::check(&doc, &[own]).map_err(TrustedListFailure::Signature)?;
    let list = list::read(&doc.root).map_err(TrustedListFailure::List)?;
    Ok((list, signature))
}

fn read_signers(path: &Path) -> Result<Vec<Certificate>, TrustError> {
    let file_error = |cause| TrustError::File {
        path: path.display().to_string(),
        cause: Box::new(cause),
    };
    let pem = std::fs::read(path).map_err(|cause| TrustError::Io {
        path: path.display().to_string(),
        cause,
    })?;
    let blocks = pem_certificates(&pem).map_err(file_error)?;
    if blocks.is_empty() {
        return Err(file_error(TrustError::NoCertificates));
    }
    blocks
        .iter()
        .enumerate()
        .map(|(block, der)| {
            Certificate::parse(der)
                .map_err(|cause| file_error(TrustError::Certificate { block, cause }))
        })
        .collect()
}
