//! Trust anchors and certification path building.
//!
//! RustCrypto has no RFC 5280 path validator, so this is ours, and deliberately small: from
//! the signer certificate, find an issuer by name (and AKI/SKI when both are present) among
//! the anchors and the pool (certificates from the CMS and the caller, e.g. the PDF's DSS),
//! check each signature with the issuer's key (RFC 5280 §6.1.3 (a)(1)), require intermediate
//! issuers to be CAs allowed to sign certificates (§6.1.4 (k), (n)) and respect
//! pathLenConstraint (§6.1.4 (m)), until an anchor is reached. Depth and the number of
//! signatures tried are bounded. Revocation is not checked here (nothing is fetched); the
//! validity period of each certificate is checked by the caller at the time of signing.

use std::path::Path;
use std::sync::Arc;

use jiff::Timestamp;
use thiserror::Error;

use super::certificate::Certificate;
use super::limits::{MAX_CHAIN_LEN, MAX_PATH_ATTEMPTS};
use super::report::CmsWarning;
use super::trusted_list::{ServiceType, VerifiedList, list::Service};

/// Why a trust store could not be loaded. Each message ends with its cause, which is
/// therefore not also its `source()`: a chain printer would say it twice.
#[derive(Debug, Error)]
#[non_exhaustive]
pub enum TrustError {
    /// The PEM file could not be read.
    #[error("cannot read trust anchors from {path}: {cause}")]
    Io { path: String, cause: std::io::Error },
    /// The PEM file was read but holds no usable anchors; `cause` says why.
    #[error("cannot use trust anchors from {path}: {cause}")]
    File {
        path: String,
        cause: Box<TrustError>,
    },
    /// A PEM block is not closed, or its base64 is malformed.
    #[error("malformed PEM block #{block} (starting at line {line})")]
    Pem { block: usize, line: usize },
    /// A CERTIFICATE block does not hold a readable certificate.
    #[error("PEM block #{block}: {cause}")]
    Certificate {
        block: usize,
        cause: super::error::SignatureError,
    },
    /// The input held no CERTIFICATE block.
    #[error("no CERTIFICATE block found")]
    NoCertificates,
    /// A trusted list was refused; the error names the file and why.
    #[error("{0}")]
    TrustedList(Box<super::trusted_list::TrustedListError>),
}

/// The certificates trusted as anchors, each with where it came from.
#[derive(Debug, Clone, Default)]
pub struct TrustStore {
    anchors: Vec<Certificate>,
    /// `origins[i]` is where `anchors[i]` came from.
    origins: Vec<AnchorOrigin>,
}

/// Where an anchor came from.
#[derive(Debug, Clone)]
pub enum AnchorOrigin {
    /// A configured PEM file or certificate: trusted at any time.
    Pem,
    /// A service of a verified trusted list: trusted at the times its status was granted.
    TrustedList(Arc<ListedService>),
}

/// A trusted list's service, as an anchor's origin.
#[derive(Debug, Clone)]
pub struct ListedService {
    /// The list's SchemeTerritory.
    pub territory: String,
    /// The list's file.
    pub list: String,
    pub service: Service,
}

impl ListedService {
    /// Whether the service counts as granted for a signature judged at `at`. A proven time
    /// (a timestamp's) is taken as it is; a time that is only claimed (signingTime, `/M`) is
    /// the signer's word, so the service must also be granted now, as the list says at its
    /// issue — as the EU's DSS judges a signature without a proof of existence at the
    /// validation time. Without any time, only now counts.
    pub fn granted(&self, at: JudgedTime) -> bool {
        let now = self
            .service
            .entries
            .first()
            .is_some_and(|e| e.status.is_granted());
        match at {
            JudgedTime::Proven(t) => self.service.granted_at(t),
            JudgedTime::Claimed(t) => now && self.service.granted_at(t),
            JudgedTime::None => now,
        }
    }
}

/// The time a signature (or timestamp) is judged at, and how sure it is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum JudgedTime {
    /// Proven by a timestamp that holds (or a timestamp's own genTime, for its TSA).
    Proven(Timestamp),
    /// Only claimed: the signingTime attribute or the dictionary's `/M`.
    Claimed(Timestamp),
    /// No time at all.
    None,
}

impl JudgedTime {
    /// The time itself, proven or not.
    pub fn time(self) -> Option<Timestamp> {
        match self {
            JudgedTime::Proven(t) | JudgedTime::Claimed(t) => Some(t),
            JudgedTime::None => None,
        }
    }
}

impl TrustStore {
    /// An empty store: nothing is trusted.
    pub fn new() -> Self {
        Self::default()
    }

    /// A store from PEM text holding one or more `CERTIFICATE` blocks.
    pub fn from_pem(pem: &[u8]) -> Result<Self, TrustError> {
        let mut store = Self::new();
        store.add_pem(pem)?;
        Ok(store)
    }

    /// Adds every `CERTIFICATE` block of PEM text; other blocks are skipped.
    pub fn add_pem(&mut self, pem: &[u8]) -> Result<usize, TrustError> {
        let blocks = pem_certificates(pem)?;
        if blocks.is_empty() {
            return Err(TrustError::NoCertificates);
        }
        let n = blocks.len();
        for (block, der) in blocks.into_iter().enumerate() {
            let cert = Certificate::parse(&der)
                .map_err(|cause| TrustError::Certificate { block, cause })?;
            self.push(cert, AnchorOrigin::Pem);
        }
        Ok(n)
    }

    /// Adds the PEM file at `path` (the one file read the signature layer does, for the
    /// command line's `--trust`). Every error names the file.
    pub fn add_pem_file(&mut self, path: &Path) -> Result<usize, TrustError> {
        let pem = std::fs::read(path).map_err(|cause| TrustError::Io {
            path: path.display().to_string(),
            cause,
        })?;
        self.add_pem(&pem).map_err(|cause| TrustError::File {
            path: path.display().to_string(),
            cause: Box::new(cause),
        })
    }

    /// Adds a PEM file, or every `*.pem`, `*.crt` and `*.cer` file of a folder (in name order;
    /// other files are left alone, so a folder may hold a README). A folder without one is an
    /// error, like a file without a certificate: an anchor that was meant and is not there
    /// would only show later as untrusted signatures.
    pub fn add_pem_path(&mut self, path: &Path) -> Result<usize, TrustError> {
        if !path.is_dir() {
            return self.add_pem_file(path);
        }
        let unreadable = |cause| TrustError::Io {
            path: path.display().to_string(),
            cause,
        };
        let mut files: Vec<_> = std::fs::read_dir(path)
            .map_err(unreadable)?
            .filter_map(|entry| entry.ok().map(|e| e.path()))
            .filter(|file| file.is_file() && is_certificate_file(file))
            .collect();
        files.sort();
        if files.is_empty() {
            return Err(TrustError::File {
                path: path.display().to_string(),
                cause: Box::new(TrustError::NoCertificates),
            });
        }
        let mut added = 0;
        for file in files {
            added += self.add_pem_file(&file)?;
        }
        Ok(added)
    }

    /// Adds one DER certificate.
    pub fn add_der(&mut self, der: &[u8]) -> Result<(), super::error::SignatureError> {
        self.push(Certificate::parse(der)?, AnchorOrigin::Pem);
        Ok(())
    }

    fn push(&mut self, cert: Certificate, origin: AnchorOrigin) {
        self.anchors.push(cert);
        self.origins.push(origin);
    }

    /// Adds the certificates of a verified list's CA/QC and TSA/QTST services that were
    /// granted at some time the list records (whether at the time that matters is asked when
    /// a path ends at one: [`TrustStore::anchor_trusted_at`]). Returns how many were added.
    pub fn add_trusted_list(&mut self, verified: &VerifiedList) -> usize {
        let mut added = 0;
        for service in &verified.list.services {
            let kind_ok = service
                .entries
                .iter()
                .any(|e| matches!(e.kind, ServiceType::CaQc | ServiceType::TsaQtst));
            if !kind_ok || !service.ever_granted() {
                continue;
            }
            let origin = Arc::new(ListedService {
                territory: verified.list.territory.clone(),
                list: verified.path.display().to_string(),
                service: service.clone(),
            });
            for cert in &service.certificates {
                self.push(cert.clone(), AnchorOrigin::TrustedList(Arc::clone(&origin)));
                added += 1;
            }
        }
        added
    }

    /// Where the anchor `cert` came from (every origin: one certificate may be several
    /// services' identity, or also configured as PEM).
    pub fn origins_of(&self, cert: &Certificate) -> Vec<&AnchorOrigin> {
        self.anchors
            .iter()
            .zip(&self.origins)
            .filter(|(a, _)| {
                a.der == cert.der || (a.subject.matches(&cert.subject) && a.spki_eq(cert))
            })
            .map(|(_, o)| o)
            .collect()
    }

    /// Whether a path ending at `anchor` is trusted at `at`: a PEM anchor always, a trusted
    /// list's service only while it was granted.
    pub fn anchor_trusted_at(&self, anchor: &Certificate, at: JudgedTime) -> bool {
        self.origins_of(anchor).iter().any(|o| match o {
            AnchorOrigin::Pem => true,
            AnchorOrigin::TrustedList(s) => s.granted(at),
        })
    }

    /// The trusted-list services `anchor` is the identity of.
    pub fn listed_services(&self, anchor: &Certificate) -> Vec<&ListedService> {
        self.origins_of(anchor)
            .into_iter()
            .filter_map(|o| match o {
                AnchorOrigin::TrustedList(s) => Some(s.as_ref()),
                AnchorOrigin::Pem => None,
            })
            .collect()
    }

    /// Number of anchors.
    pub fn len(&self) -> usize {
        self.anchors.len()
    }

    /// Whether there are no anchors.
    pub fn is_empty(&self) -> bool {
        self.anchors.is_empty()
    }

    /// Whether `cert` is itself an anchor (same subject and key: a re-issued root counts).
    fn contains(&self, cert: &Certificate) -> bool {
        self.anchors
            .iter()
            .any(|a| a.der == cert.der || (a.subject.matches(&cert.subject) && a.spki_eq(cert)))
    }
}

impl Certificate {
    fn spki_eq(&self, other: &Certificate) -> bool {
        match (self.spki_tlv(), other.spki_tlv()) {
            (Ok(a), Ok(b)) => a.raw == b.raw,
            _ => false,
        }
    }
}

/// Whether a folder's file is read as anchors: PEM by its usual extensions.
fn is_certificate_file(path: &Path) -> bool {
    path.extension().and_then(|e| e.to_str()).is_some_and(|e| {
        ["pem", "crt", "cer"]
            .iter()
            .any(|x| e.eq_ignore_ascii_case(x))
    })
}

/// Decodes the `CERTIFICATE` blocks of PEM text (RFC 7468 §5).
pub(crate) fn pem_certificates(pem: &[u8]) -> Result<Vec<Vec<u8>>, TrustError> {
    let text = String::from_utf8_lossy(pem);
    let mut out = Vec::new();
    let mut current: Option<(usize, String)> = None;
    for (line_no, line) in text.lines().enumerate() {
        let line = line.trim();
        if line == "-----BEGIN CERTIFICATE-----" || line == "-----BEGIN X509 CERTIFICATE-----" {
            current = Some((line_no + 1, String::new()));
        } else if line.starts_with("-----END") {
            if let Some((start, b64)) = current.take() {
                let der = base64_decode(&b64).ok_or(TrustError::Pem {
                    block: out.len(),
                    line: start,
                })?;
                out.push(der);
            }
        } else if let Some((_, b64)) = current.as_mut() {
            b64.push_str(line);
        }
    }
    if let Some((start, _)) = current {
        return Err(TrustError::Pem {
            block: out.len(),
            line: start,
        });
    }
    Ok(out)
}

/// Standard base64 (RFC 4648 §4) with padding; whitespace must already be removed.
fn base64_decode(s: &str) -> Option<Vec<u8>> {
    fn value(c: u8) -> Option<u32> {
        match c {
            b'A'..=b'Z' => Some(u32::from(c - b'A')),
            b'a'..=b'z' => Some(u32::from(c - b'a') + 26),
            b'0'..=b'9' => Some(u32::from(c - b'0') + 52),
            b'+' => Some(62),
            b'/' => Some(63),
            _ => None,
        }
    }
    let bytes: Vec<u8> = s.bytes().filter(|b| !b.is_ascii_whitespace()).collect();
    let body = bytes
        .strip_suffix(b"==")
        .or_else(|| bytes.strip_suffix(b"="));
    let (body, pad) = match body {
        Some(b) => (b, bytes.len() - b.len()),
        None => (bytes.as_slice(), 0),
    };
    if (body.len() + pad) % 4 != 0 {
        return None;
    }
    let mut out = Vec::with_capacity(body.len() * 3 / 4);
    for chunk in body.chunks(4) {
        let mut acc = 0u32;
        for &c in chunk {
            acc = (acc << 6) | value(c)?;
        }
        // Shift a short final chunk up to 24 bits; the bytes it stands for are taken from the top.
        acc <<= 6 * (4 - chunk.len() as u32);
        let produced = chunk.len() * 6 / 8;
        for i in 0..produced {
            // Truncation to the byte is the point.
            out.push((acc >> (16 - 8 * i)) as u8);
        }
    }
    Some(out)
}

/// The outcome of path building.
#[derive(Debug, Clone, Default)]
pub struct PathOutcome<'a> {
    /// Whether the path ends at an anchor.
    pub trusted: bool,
    /// From the leaf towards the anchor (the longest path found when none is trusted).
    pub path: Vec<&'a Certificate>,
    pub warnings: Vec<CmsWarning>,
}

/// Builds a certification path from `leaf` to an anchor of `store`, through `pool`.
pub fn build_path<'a>(
    leaf: &'a Certificate,
    pool: &'a [Certificate],
    store: &'a TrustStore,
) -> PathOutcome<'a> {
    let mut search = Search {
        pool,
        store,
        attempts: 0,
        best: vec![leaf],
        warnings: Vec::new(),
    };
    let mut path = vec![leaf];
    let trusted = search.extend(&mut path);
    let mut warnings = search.warnings;
    warnings.dedup();
    if trusted {
        PathOutcome {
            trusted: true,
            path,
            warnings,
        }
    } else {
        PathOutcome {
            trusted: false,
            path: search.best,
            warnings,
        }
    }
}

struct Search<'a> {
    pool: &'a [Certificate],
    store: &'a TrustStore,
    attempts: usize,
    best: Vec<&'a Certificate>,
    warnings: Vec<CmsWarning>,
}

impl<'a> Search<'a> {
    /// Depth-first: returns true with `path` ending at an anchor.
    fn extend(&mut self, path: &mut Vec<&'a Certificate>) -> bool {
        let Some(&current) = path.last() else {
            return false;
        };
        if self.store.contains(current) {
            return self.path_lengths_ok(path);
        }
        if path.len() >= MAX_CHAIN_LEN {
            return false;
        }
        let anchors = self.store.anchors.iter().map(|c| (c, true));
        let pooled = self.pool.iter().map(|c| (c, false));
        let candidates: Vec<(&'a Certificate, bool)> = anchors
            .chain(pooled)
            .filter(|(c, _)| c.subject.matches(&current.issuer))
            .filter(
                |(c, _)| match (&current.authority_key_id, &c.subject_key_id) {
                    (Some(aki), Some(ski)) => aki == ski,
                    _ => true,
                },
            )
            .filter(|(c, _)| !path.iter().any(|p| p.der == c.der))
            .collect();
        for (candidate, is_anchor) in candidates {
            if self.attempts >= MAX_PATH_ATTEMPTS {
                return false;
            }
            self.attempts += 1;
            if !matches!(current.verify_signed_by(candidate), Ok(true)) {
                continue;
            }
            if !is_anchor {
                // RFC 5280 §6.1.4 (k), (n): an intermediate must be a CA that may sign
                // certificates. (A v1/v2 certificate has no extensions to say so; it is
                // accepted as an issuer, as RFC 5280 §6.1.4 (k) permits only for anchors —
                // we are lenient here because old archived chains use them.)
                let is_ca =
                    candidate.version < 2 || candidate.basic_constraints.is_some_and(|(ca, _)| ca);
                if !is_ca || !candidate.may_sign_certificates() {
                    self.warnings.push(CmsWarning::IssuerNotCa {
                        subject: candidate.display_name(),
                    });
                    continue;
                }
            }
            path.push(candidate);
            if path.len() > self.best.len() {
                self.best = path.clone();
            }
            let found = if is_anchor {
                self.path_lengths_ok(path)
            } else {
                self.extend(path)
            };
            if found {
                return true;
            }
            // `extend` leaves `path` as it found it when it fails.
            path.pop();
        }
        false
    }

    /// pathLenConstraint (RFC 5280 §4.2.1.9): the number of non-self-issued intermediates
    /// below a CA certificate may not exceed it.
    fn path_lengths_ok(&mut self, path: &[&'a Certificate]) -> bool {
        for (i, ca) in path.iter().enumerate().skip(1) {
            let Some((_, Some(limit))) = ca.basic_constraints else {
                continue;
            };
            let below = path
                .get(1..i)
                .unwrap_or_default()
                .iter()
                .filter(|c| !c.is_self_issued())
                .count();
            if below > usize::try_from(limit).unwrap_or(usize::MAX) {
                self.warnings.push(CmsWarning::PathLengthExceeded {
                    subject: ca.display_name(),
                });
                return false;
            }
        }
        true
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base64_round_trip_with_padding() {
        assert_eq!(base64_decode("TWFu").unwrap(), b"Man");
        assert_eq!(base64_decode("TWE=").unwrap(), b"Ma");
        assert_eq!(base64_decode("TQ==").unwrap(), b"M");
        assert!(base64_decode("TQ=").is_none());
        assert!(base64_decode("T!==").is_none());
    }

    #[test]
    fn a_folder_of_anchors_reads_its_certificate_files_only() {
        let sample = std::fs::read(
            std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("samples/trust.pem"),
        )
        .expect("samples/trust.pem");
        let dir = tempfile::tempdir().expect("temporary folder");
        std::fs::write(dir.path().join("a.pem"), &sample).expect("write");
        std::fs::write(dir.path().join("b.CRT"), &sample).expect("write");
        std::fs::write(dir.path().join("README"), "not a certificate").expect("write");
        let mut store = TrustStore::new();
        assert_eq!(store.add_pem_path(dir.path()).expect("reads"), 2);
        assert_eq!(store.len(), 2);
        // A file is read as a file.
        assert_eq!(
            TrustStore::new()
                .add_pem_path(&dir.path().join("a.pem"))
                .expect("reads"),
            1
        );
        // Near miss: a folder with no certificate file is an error naming it.
        let empty = tempfile::tempdir().expect("temporary folder");
        std::fs::write(empty.path().join("notes.txt"), "anchors go here").expect("write");
        let error = TrustStore::new()
            .add_pem_path(empty.path())
            .expect_err("no anchors");
        assert!(
            error
                .to_string()
                .contains(&empty.path().display().to_string()),
            "{error}"
        );
        // A certificate file that is not PEM is an error too, not skipped.
        std::fs::write(empty.path().join("bad.pem"), "garbage").expect("write");
        assert!(TrustStore::new().add_pem_path(empty.path()).is_err());
    }

    #[test]
    fn unterminated_pem_block_is_an_error() {
        let pem = b"-----BEGIN CERTIFICATE-----\nTWFu\n";
        assert!(matches!(
            TrustStore::from_pem(pem),
            Err(TrustError::Pem { .. })
        ));
        assert!(matches!(
            TrustStore::from_pem(b"nothing here"),
            Err(TrustError::NoCertificates)
        ));
    }

    #[test]
    fn corpus_test_roots_load() {
        let path = Path::new("/work/shared/corpus/pki/test-root.pem");
        if !path.exists() {
            crate::testing::skip(format_args!("no {}", path.display()));
            return;
        }
        let mut store = TrustStore::new();
        assert!(store.add_pem_file(path).unwrap() >= 1);
    }
}
