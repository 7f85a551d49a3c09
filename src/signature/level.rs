//! The PAdES baseline level of each signature (ETSI EN 319 142-1 §6): B-B, B-T, B-LT or
//! B-LTA, from facts the signature stage has gathered already, with what is missing for the
//! next level. Facts only: whether a level is enough is the policy's `require_level`.
//!
//! The levels build on each other (EN 319 142-1 §6.1):
//!
//! - **B-B** (§6.3, Table 1): SubFilter `ETSI.CAdES.detached`; an intact, valid CMS signature
//!   with content-type and message-digest and an ESS signing-certificate(-v2) attribute
//!   naming the signer's certificate among the signed attributes; no signed signing-time attribute (PAdES puts the claimed time in
//!   `/M`; EN 319 142-1 Table 1 gives signing-time cardinality 0).
//! - **B-T**: an intact, valid signature timestamp (unsigned attribute), or an intact, valid
//!   document timestamp in a later revision (§5.4, "a document time-stamp ... may provide
//!   the proof of existence").
//! - **B-LT**: B-T, a DSS in the file, and embedded revocation data that settles the status
//!   (good or revoked) of every certificate of the signer's path and of the TSA's path that
//!   made it B-T. A self-issued certificate ending a path (a root, a trust anchor) needs none
//!   and is not listed in the revocation facts at all.
//! - **B-LTA**: B-LT and an intact, valid document timestamp in a revision after both the
//!   signature and the first DSS revision written after it: the timestamp covers the
//!   validation data.
//!
//! Only the document's own signatures get a level; document timestamps and usage-rights
//! signatures get none.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::changes::Subject;
use super::examine::SignatureFacts;
use super::report::{CertificateRevocation, RevocationStatus};

/// The SubFilter PAdES baseline signatures carry (EN 319 142-1 §6.3, Table 1).
const CADES_SUB_FILTER: &str = "ETSI.CAdES.detached";

/// A PAdES baseline level, lowest first (so `a < b` means `a` is the lower level).
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, JsonSchema,
)]
pub enum PadesLevel {
    /// Basic: the signature and its signed attributes.
    #[serde(rename = "B-B")]
    BB,
    /// With a trusted time: a signature timestamp or a later document timestamp.
    #[serde(rename = "B-T")]
    BT,
    /// With long-term validation data: the DSS and revocation data for every certificate.
    #[serde(rename = "B-LT")]
    BLt,
    /// With long-term availability: a document timestamp over the validation data.
    #[serde(rename = "B-LTA")]
    BLta,
}

impl PadesLevel {
    /// Every level, lowest first.
    pub const ALL: [PadesLevel; 4] = [Self::BB, Self::BT, Self::BLt, Self::BLta];

    /// The level's name as EN 319 142-1 writes it: `B-B`, `B-T`, `B-LT`, `B-LTA`.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::BB => "B-B",
            Self::BT => "B-T",
            Self::BLt => "B-LT",
            Self::BLta => "B-LTA",
        }
    }
}

impl std::fmt::Display for PadesLevel {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Whose certificate lacks revocation data.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum PathOf {
    /// The signer's path.
    Signer,
    /// The path of the TSA whose timestamp made the signature B-T.
    Timestamp,
}

/// One thing that keeps a signature from the next level.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(tag = "code", rename_all = "snake_case")]
pub enum LevelGap {
    /// B-B: the SubFilter is not `ETSI.CAdES.detached` (e.g. `adbe.pkcs7.detached`, a PDF
    /// signature but not a PAdES baseline one).
    SubFilter { sub_filter: Option<String> },
    /// B-B: the signature is not intact and valid (or could not be checked).
    SignatureDoesNotHold,
    /// B-B: no ESS signing-certificate or signing-certificate-v2 signed attribute.
    NoSigningCertificateAttribute,
    /// B-B: the ESS signing-certificate attribute names another certificate than the
    /// signer's, or cannot be read.
    SigningCertificateMismatch,
    /// B-B: the content-type signed attribute is missing or differs from eContentType.
    ContentType,
    /// B-B: a signing-time signed attribute is there, which PAdES baseline excludes.
    SigningTimeAttribute,
    /// B-T: no signature timestamp and no document timestamp after the signature.
    NoTimestamp,
    /// B-T: a signature timestamp or later document timestamp is there, but none is intact
    /// and valid.
    TimestampDoesNotHold,
    /// B-LT: the document has no DSS.
    NoDss,
    /// B-LT: the file's revocation data does not settle this certificate's status
    /// (`no_data`, or `unknown`).
    Revocation {
        path: PathOf,
        subject: String,
        serial: String,
        status: RevocationStatus,
    },
    /// B-LTA: no intact, valid document timestamp after the signature's validation data.
    NoDocumentTimestampOverDss,
}

impl LevelGap {
    /// The level this gap keeps the signature from.
    pub fn blocks(&self) -> PadesLevel {
        match self {
            Self::SubFilter { .. }
            | Self::SignatureDoesNotHold
            | Self::NoSigningCertificateAttribute
            | Self::SigningCertificateMismatch
            | Self::ContentType
            | Self::SigningTimeAttribute => PadesLevel::BB,
            Self::NoTimestamp | Self::TimestampDoesNotHold => PadesLevel::BT,
            Self::NoDss | Self::Revocation { .. } => PadesLevel::BLt,
            Self::NoDocumentTimestampOverDss => PadesLevel::BLta,
        }
    }
}

/// A signature's level and what keeps it from the next one.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Assessment {
    /// The highest level reached; `None` when not even B-B.
    pub level: Option<PadesLevel>,
    /// What the next level lacks; empty at B-LTA.
    pub missing: Vec<LevelGap>,
}

/// Document facts the levels need beyond the signatures.
#[derive(Debug, Clone, Copy, Default)]
pub struct DocumentFacts {
    /// The catalog has a DSS.
    pub dss: bool,
}

/// The level of each of `sigs` (the document's signatures and timestamps, in file order):
/// `None` for document timestamps and usage rights, which have no baseline level.
pub fn assess_all(sigs: &[SignatureFacts], doc: DocumentFacts) -> Vec<Option<Assessment>> {
    sigs.iter()
        .map(|s| (!s.doc_timestamp && !s.usage_rights).then(|| assess(s, sigs, doc)))
        .collect()
}

/// The level of `sig` among the document's `sigs`.
pub fn assess(sig: &SignatureFacts, sigs: &[SignatureFacts], doc: DocumentFacts) -> Assessment {
    let steps: [&dyn Fn() -> Vec<LevelGap>; 4] = [
        &|| baseline_b(sig),
        &|| baseline_t(sig, sigs),
        &|| baseline_lt(sig, sigs, doc),
        &|| baseline_lta(sig, sigs),
    ];
    let mut level = None;
    for (step, reached) in steps.iter().zip(PadesLevel::ALL) {
        let missing = step();
        if !missing.is_empty() {
            return Assessment { level, missing };
        }
        level = Some(reached);
    }
    Assessment {
        level,
        missing: Vec::new(),
    }
}

/// What B-B lacks (EN 319 142-1 §6.3, Table 1).
fn baseline_b(sig: &SignatureFacts) -> Vec<LevelGap> {
    let mut gaps = Vec::new();
    if sig.sub_filter.as_deref() != Some(CADES_SUB_FILTER) {
        gaps.push(LevelGap::SubFilter {
            sub_filter: sig.sub_filter.clone(),
        });
    }
    if !sig.holds() {
        gaps.push(LevelGap::SignatureDoesNotHold);
    }
    if sig.signing_certificate_attribute.is_none() {
        gaps.push(LevelGap::NoSigningCertificateAttribute);
    } else if sig
        .warnings
        .contains(&super::CmsWarning::SigningCertificateMismatch)
    {
        gaps.push(LevelGap::SigningCertificateMismatch);
    }
    if sig
        .warnings
        .contains(&super::CmsWarning::ContentTypeMismatch)
    {
        gaps.push(LevelGap::ContentType);
    }
    if sig.signing_time.is_some() {
        gaps.push(LevelGap::SigningTimeAttribute);
    }
    gaps
}

/// Document timestamps in a revision after `revision`, in file order.
fn doc_timestamps_after(sigs: &[SignatureFacts], revision: usize) -> Vec<&SignatureFacts> {
    sigs.iter()
        .filter(|t| t.doc_timestamp && t.revision.is_some_and(|r| r > revision))
        .collect()
}

/// The timestamp that makes `sig` B-T: `None` for its own signature timestamp, else the
/// first holding document timestamp after it; `Err` when neither.
fn b_t_timestamp<'a>(
    sig: &SignatureFacts,
    sigs: &'a [SignatureFacts],
) -> Result<Option<&'a SignatureFacts>, LevelGap> {
    if sig.timestamp.holds() {
        return Ok(None);
    }
    let later = sig
        .revision
        .map(|r| doc_timestamps_after(sigs, r))
        .unwrap_or_default();
    if let Some(t) = later.iter().find(|t| t.holds()) {
        return Ok(Some(t));
    }
    if sig.timestamp.present || !later.is_empty() {
        Err(LevelGap::TimestampDoesNotHold)
    } else {
        Err(LevelGap::NoTimestamp)
    }
}

/// What B-T lacks beyond B-B.
fn baseline_t(sig: &SignatureFacts, sigs: &[SignatureFacts]) -> Vec<LevelGap> {
    b_t_timestamp(sig, sigs).err().into_iter().collect()
}

/// Whether the embedded data settles the certificate's status.
fn settled(c: &CertificateRevocation) -> bool {
    matches!(c.status, RevocationStatus::Good | RevocationStatus::Revoked)
}

/// What B-LT lacks beyond B-T.
fn baseline_lt(sig: &SignatureFacts, sigs: &[SignatureFacts], doc: DocumentFacts) -> Vec<LevelGap> {
    let mut gaps = Vec::new();
    if !doc.dss {
        gaps.push(LevelGap::NoDss);
    }
    let tsa = match b_t_timestamp(sig, sigs) {
        Ok(None) => &sig.timestamp.revocation,
        Ok(Some(t)) => &t.timestamp.revocation,
        // Unreachable after B-T; nothing more to say about the TSA then.
        Err(_) => &Vec::new(),
    };
    let paths = sig
        .revocation
        .certificates
        .iter()
        .map(|c| (PathOf::Signer, c))
        .chain(tsa.iter().map(|c| (PathOf::Timestamp, c)));
    for (path, c) in paths {
        if !settled(c) {
            gaps.push(LevelGap::Revocation {
                path,
                subject: c.subject.clone(),
                serial: c.serial.clone(),
                status: c.status,
            });
        }
    }
    gaps
}

/// The first revision after `sig` that wrote the DSS or its validation data; `None` when
/// none did (the DSS, if any, was there when it signed).
fn first_dss_revision_after(sig: &SignatureFacts) -> Option<usize> {
    sig.changes
        .iter()
        .filter(|c| {
            matches!(
                c.what,
                Subject::Dss | Subject::Vri | Subject::ValidationData
            )
        })
        .map(|c| c.revision)
        .min()
}

/// What B-LTA lacks beyond B-LT: a holding document timestamp after the signature and
/// after the validation data added for it.
fn baseline_lta(sig: &SignatureFacts, sigs: &[SignatureFacts]) -> Vec<LevelGap> {
    let Some(revision) = sig.revision else {
        return vec![LevelGap::NoDocumentTimestampOverDss];
    };
    let dss_from = first_dss_revision_after(sig).unwrap_or(revision);
    let covered = doc_timestamps_after(sigs, revision)
        .iter()
        .any(|t| t.holds() && t.revision.is_some_and(|r| r >= dss_from));
    if covered {
        Vec::new()
    } else {
        vec![LevelGap::NoDocumentTimestampOverDss]
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::signature::changes::{Change, ModificationLevel};

    fn cades(revision: usize) -> SignatureFacts {
        let mut s = SignatureFacts::sample("Elise Ackerot");
        s.signing_time = None;
        s.revision = Some(revision);
        s
    }

    fn doc_ts(revision: usize, holds: bool) -> SignatureFacts {
        SignatureFacts {
            doc_timestamp: true,
            valid: holds,
            ..cades(revision)
        }
    }

    fn dss_written_at(revision: usize) -> Change {
        Change {
            revision,
            object: Some(20),
            generation: Some(0),
            what: Subject::Dss,
            level: ModificationLevel::LtaUpdates,
            reason: String::new(),
            field: None,
        }
    }

    const DSS: DocumentFacts = DocumentFacts { dss: true };

    #[test]
    fn a_broken_document_timestamp_gives_no_b_t_and_says_so() {
        let sigs = [cades(1), doc_ts(2, false)];
        let a = assess(&sigs[0], &sigs, DSS);
        assert_eq!(a.level, Some(PadesLevel::BB));
        assert_eq!(a.missing, [LevelGap::TimestampDoesNotHold]);
        // A document timestamp before the signature proves nothing about it.
        let sigs = [doc_ts(1, true), cades(2)];
        assert_eq!(
            assess(&sigs[1], &sigs, DSS).missing,
            [LevelGap::NoTimestamp]
        );
    }

    #[test]
    fn unknown_status_is_not_enough_for_b_lt_but_good_and_revoked_are() {
        let revocation = |status| CertificateRevocation {
            status,
            ..CertificateRevocation::no_data("CA".into(), "02".into())
        };
        let mut s = cades(1);
        s.timestamp.present = true;
        s.timestamp.intact = true;
        s.timestamp.valid = true;
        s.revocation.certificates = vec![revocation(RevocationStatus::Unknown)];
        let a = assess(&s, std::slice::from_ref(&s), DSS);
        assert_eq!(a.level, Some(PadesLevel::BT));
        assert_eq!(codes(&a.missing), ["revocation"]);
        s.revocation.certificates = vec![
            revocation(RevocationStatus::Good),
            revocation(RevocationStatus::Revoked),
        ];
        let a = assess(&s, std::slice::from_ref(&s), DSS);
        assert_eq!(a.level, Some(PadesLevel::BLt));
        // Without a DSS the same data is not B-LT.
        let a = assess(&s, std::slice::from_ref(&s), DocumentFacts { dss: false });
        assert_eq!(a.missing, [LevelGap::NoDss]);
    }

    #[test]
    fn b_lta_needs_the_document_timestamp_at_or_after_the_first_dss_revision() {
        let mut s = cades(1);
        s.timestamp.present = true;
        s.timestamp.intact = true;
        s.timestamp.valid = true;
        s.changes = vec![dss_written_at(3), dss_written_at(5)];
        // A DSS update after the document timestamp (the timestamp's own validation data)
        // does not undo it: the signature's data came in revision 3.
        for (ts, level) in [
            (2, PadesLevel::BLt),
            (3, PadesLevel::BLta),
            (4, PadesLevel::BLta),
        ] {
            let sigs = [s.clone(), doc_ts(ts, true)];
            assert_eq!(assess(&sigs[0], &sigs, DSS).level, Some(level), "{ts}");
        }
    }

    #[test]
    fn timestamps_and_usage_rights_get_no_level() {
        let ur = SignatureFacts {
            usage_rights: true,
            ..cades(1)
        };
        assert_eq!(assess_all(&[doc_ts(1, true), ur], DSS), [None, None]);
    }

    pub(crate) fn codes(gaps: &[LevelGap]) -> Vec<String> {
        gaps.iter()
            .map(|g| {
                serde_json::to_value(g).unwrap()["code"]
                    .as_str()
                    .unwrap()
                    .to_owned()
            })
            .collect()
    }
}
