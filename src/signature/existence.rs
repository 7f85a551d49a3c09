//! Proof of existence: the earliest time a trusted timestamp proves a signature existed (its
//! best signature time, ETSI EN 319 102-1 §5.6.2.1), and what that timestamp is worth.
//!
//! Candidates are the signature's own timestamp (RFC 3161, in its unsigned attributes) and
//! the document timestamps whose signed bytes include all of the signature's (those of later
//! revisions; `examine` decides which). A candidate proves its
//! `genTime` only when it holds itself: intact, the TSA's signature valid, the TSA's path at
//! a trust anchor and within its validity period at `genTime`, and no certificate of that
//! path revoked at or before the time of the next proven timestamp over it (at all, when no
//! later timestamp proves it: a revocation is known now, so it is before the validation
//! time). A TSA revoked after the next timestamp does not matter: that timestamp proves the
//! token existed while the TSA's key was still good. Revocation data that settles nothing
//! about the TSA (none, or `unknown`) does not refute the proof; it is said
//! ([`ProofOfExistence::tsa_revocation_settled`]).
//!
//! The signer's certificate is then judged at the proven time (see `finish` in the parent
//! module): expired or revoked after it, the certificate was good when the signature was made.

use jiff::Timestamp;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::report::{CertificateRevocation, RevocationStatus, TimestampReport};

/// The best signature time of one signature and what it rests on.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct ProofOfExistence {
    /// A timestamp that holds proves the signature existed at `time`.
    pub proven: bool,
    /// The best signature time, RFC 3339: the earliest proven time; without a proof, the
    /// claimed time the certificate is judged at (an unproven timestamp's `genTime`, else the
    /// CMS signingTime, else `/M`), which is not a proof. Null when no time is known.
    pub time: Option<String>,
    /// Where `time` comes from.
    pub source: ExistenceSource,
    /// The document timestamp's field (`source` `document_timestamp`).
    pub field: Option<String>,
    /// The proving timestamp's TSA, by subject common name.
    pub tsa: Option<String>,
    /// The proving TSA's path was checked not revoked up to this time, RFC 3339: the next
    /// timestamp that proves the token existed. Null with a proof: up to the validation time
    /// (no later timestamp proves it, so no revocation at all is allowed).
    pub tsa_checked_until: Option<String>,
    /// Embedded revocation data shows every certificate of the proving TSA's path `good`.
    /// False when it settles nothing for some certificate (`no_data`, `unknown`): the proof
    /// stands, as no revocation is known, but nothing showed the TSA not revoked.
    pub tsa_revocation_settled: bool,
    /// Timestamps over the signature that prove nothing, and why.
    pub refused: Vec<RefusedTimestamp>,
}

/// What a best signature time rests on.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum ExistenceSource {
    /// The signature's own timestamp, which holds (proven).
    SignatureTimestamp,
    /// A document timestamp of a later revision, which holds (proven).
    DocumentTimestamp,
    /// The `genTime` of a timestamp that does not hold (see `refused`), or a document
    /// timestamp's own `genTime` when no later timestamp proves it: claimed, not proven.
    UnprovenTimestamp,
    /// The CMS signingTime: the signer's computer's claim.
    SigningTime,
    /// The signature dictionary's `/M`: the signing software's claim.
    DictionaryTime,
    /// No time is known.
    #[default]
    None,
}

impl ExistenceSource {
    /// The name `CmsReport::validity_time_source` gives the time from this source:
    /// `timestamp` (a signature timestamp, proven or not), `document_timestamp`,
    /// `signing_time`, or `reference` (`/M`).
    pub fn validity_time_source(self) -> &'static str {
        match self {
            ExistenceSource::SignatureTimestamp | ExistenceSource::UnprovenTimestamp => "timestamp",
            ExistenceSource::DocumentTimestamp => "document_timestamp",
            ExistenceSource::SigningTime => "signing_time",
            ExistenceSource::DictionaryTime | ExistenceSource::None => "reference",
        }
    }
}

/// Which kind of timestamp.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum TimestampKind {
    /// In the signature's unsigned attributes (RFC 3161 Appendix A).
    SignatureTimestamp,
    /// A document timestamp (ISO 32000-2 §12.8.5) of a later revision.
    DocumentTimestamp,
}

/// A timestamp over a signature that proves nothing.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct RefusedTimestamp {
    pub kind: TimestampKind,
    /// The document timestamp's field.
    pub field: Option<String>,
    /// Its `genTime`, RFC 3339, when it could be read.
    pub time: Option<String>,
    /// Its TSA, by subject common name.
    pub tsa: Option<String>,
    pub reason: TimestampRefusal,
}

/// Why a timestamp proves nothing.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum TimestampRefusal {
    /// It is not intact (its imprint is not of what it should cover), its TSA's signature
    /// does not verify, or it has no readable `genTime`.
    Broken,
    /// The TSA's certificate does not chain to a configured trust anchor.
    Untrusted,
    /// A certificate of the TSA's path was outside its validity period at `genTime`.
    TsaNotValid,
    /// A certificate of the TSA's path was revoked at or before the next proven timestamp
    /// (or, with none, at all).
    TsaRevoked,
}

/// A timestamp that may prove a signature's existence, judged.
#[derive(Debug, Clone, PartialEq)]
pub struct Candidate {
    pub kind: TimestampKind,
    /// The document timestamp's field.
    pub field: Option<String>,
    pub tsa: Option<String>,
    /// `genTime`, when it could be read.
    pub time: Option<Timestamp>,
    /// The proven time, or why there is none.
    pub verdict: Result<Timestamp, TimestampRefusal>,
    /// The time of the next proven timestamp over this one, up to which its TSA's
    /// revocation was judged; `None`: the validation time.
    pub until: Option<Timestamp>,
    /// Every certificate of the TSA's path has a `good` status.
    pub revocation_settled: bool,
}

impl Candidate {
    /// Judges the checked token `ts`; `later` are the judged document timestamps that cover
    /// it (none for the last one).
    pub fn judge(
        kind: TimestampKind,
        field: Option<String>,
        ts: &TimestampReport,
        later: &[Candidate],
    ) -> Candidate {
        let time = ts.time.as_deref().and_then(|t| t.parse::<Timestamp>().ok());
        // A later timestamp that claims to be earlier than this one proves nothing about it.
        let until = time.and_then(|t| earliest(later.iter().filter(|c| c.proves_after(t))));
        let verdict = verdict(ts, time, until.map(|(_, u)| u));
        Candidate {
            kind,
            field,
            tsa: ts.tsa.clone(),
            time,
            verdict,
            until: until.map(|(_, u)| u),
            revocation_settled: ts
                .revocation
                .iter()
                .all(|c| c.status == RevocationStatus::Good),
        }
    }

    /// Proves a time at or after `t`.
    fn proves_after(&self, t: Timestamp) -> bool {
        self.verdict.is_ok_and(|p| p >= t)
    }
}

/// Whether the token proves its `genTime` (see the module documentation).
fn verdict(
    ts: &TimestampReport,
    time: Option<Timestamp>,
    until: Option<Timestamp>,
) -> Result<Timestamp, TimestampRefusal> {
    let t = time
        .filter(|_| ts.intact && ts.valid)
        .ok_or(TimestampRefusal::Broken)?;
    if !ts.trusted {
        return Err(TimestampRefusal::Untrusted);
    }
    if ts.tsa_valid_at_time != Some(true) {
        return Err(TimestampRefusal::TsaNotValid);
    }
    if ts.revocation.iter().any(|c| revoked_by(c, until)) {
        return Err(TimestampRefusal::TsaRevoked);
    }
    Ok(t)
}

/// `c` is revoked at or before `until`; with no `until` (the validation time), revoked at
/// all. A revocation whose time cannot be read counts as before.
fn revoked_by(c: &CertificateRevocation, until: Option<Timestamp>) -> bool {
    if c.status != RevocationStatus::Revoked {
        return false;
    }
    let at = c
        .revoked_at
        .as_deref()
        .and_then(|t| t.parse::<Timestamp>().ok());
    match (until, at) {
        (Some(u), Some(r)) => r <= u,
        _ => true,
    }
}

/// The candidate proving the earliest time, with that time.
fn earliest<'a>(
    candidates: impl Iterator<Item = &'a Candidate>,
) -> Option<(&'a Candidate, Timestamp)> {
    candidates
        .filter_map(|c| c.verdict.ok().map(|t| (c, t)))
        .min_by_key(|(_, t)| *t)
}

/// The proof of existence of a signature from its own timestamp `own` and the document
/// timestamps `covering` it, all judged; `claimed` is the time the certificate is judged at
/// without a proof, and where it comes from (an unproven timestamp, the signingTime or `/M`).
/// The proven time comes back too.
pub fn prove(
    own: Option<&Candidate>,
    covering: &[Candidate],
    claimed: Option<(Timestamp, ExistenceSource)>,
) -> (ProofOfExistence, Option<Timestamp>) {
    let all = || own.into_iter().chain(covering);
    let refused = all()
        .filter_map(|c| {
            c.verdict.err().map(|reason| RefusedTimestamp {
                kind: c.kind,
                field: c.field.clone(),
                time: c.time.map(|t| t.to_string()),
                tsa: c.tsa.clone(),
                reason,
            })
        })
        .collect();
    let best = earliest(all());
    let proof = match best {
        Some((c, t)) => ProofOfExistence {
            proven: true,
            time: Some(t.to_string()),
            source: match c.kind {
                TimestampKind::SignatureTimestamp => ExistenceSource::SignatureTimestamp,
                TimestampKind::DocumentTimestamp => ExistenceSource::DocumentTimestamp,
            },
            field: c.field.clone(),
            tsa: c.tsa.clone(),
            tsa_checked_until: c.until.map(|u| u.to_string()),
            tsa_revocation_settled: c.revocation_settled,
            refused,
        },
        None => ProofOfExistence {
            proven: false,
            time: claimed.map(|(t, _)| t.to_string()),
            source: claimed.map_or(ExistenceSource::None, |(_, source)| source),
            refused,
            ..ProofOfExistence::default()
        },
    };
    (proof, best.map(|(_, t)| t))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::signature::report::{RevocationEvidence, RevocationSource};

    fn at(t: &str) -> Timestamp {
        t.parse().unwrap()
    }

    /// A token that holds: intact, valid, trusted, TSA valid, its path `good`.
    fn holding(time: &str) -> TimestampReport {
        TimestampReport {
            present: true,
            intact: true,
            valid: true,
            time: Some(time.into()),
            tsa: Some("Test TSA".into()),
            trusted: true,
            tsa_valid_at_time: Some(true),
            revocation: vec![status(RevocationStatus::Good, None)],
            ..TimestampReport::default()
        }
    }

    fn status(status: RevocationStatus, revoked_at: Option<&str>) -> CertificateRevocation {
        CertificateRevocation {
            subject: "Test TSA".into(),
            serial: "09".into(),
            status,
            revoked_at: revoked_at.map(Into::into),
            reason: None,
            revoked_before_time: false,
            source: Some(RevocationSource::Dss),
            evidence: Some(RevocationEvidence::Crl),
            this_update: None,
            next_update: None,
            refused: Vec::new(),
        }
    }

    fn own(ts: &TimestampReport, later: &[Candidate]) -> Candidate {
        Candidate::judge(TimestampKind::SignatureTimestamp, None, ts, later)
    }

    fn doc(field: &str, ts: &TimestampReport, later: &[Candidate]) -> Candidate {
        Candidate::judge(
            TimestampKind::DocumentTimestamp,
            Some(field.into()),
            ts,
            later,
        )
    }

    #[test]
    fn a_holding_token_proves_its_gen_time() {
        let c = own(&holding("2024-03-01T12:00:05Z"), &[]);
        assert_eq!(c.verdict, Ok(at("2024-03-01T12:00:05Z")));
        assert!(c.revocation_settled);
        // Near misses, one condition each.
        let mut broken = holding("2024-03-01T12:00:05Z");
        broken.intact = false;
        assert_eq!(own(&broken, &[]).verdict, Err(TimestampRefusal::Broken));
        let mut untrusted = holding("2024-03-01T12:00:05Z");
        untrusted.trusted = false;
        assert_eq!(
            own(&untrusted, &[]).verdict,
            Err(TimestampRefusal::Untrusted)
        );
        let mut expired = holding("2024-03-01T12:00:05Z");
        expired.tsa_valid_at_time = Some(false);
        assert_eq!(
            own(&expired, &[]).verdict,
            Err(TimestampRefusal::TsaNotValid)
        );
        let mut no_time = holding("2024-03-01T12:00:05Z");
        no_time.time = None;
        assert_eq!(own(&no_time, &[]).verdict, Err(TimestampRefusal::Broken));
    }

    #[test]
    fn unsettled_tsa_revocation_is_said_but_does_not_refute() {
        let mut ts = holding("2024-03-01T12:00:05Z");
        ts.revocation = vec![status(RevocationStatus::NoData, None)];
        let c = own(&ts, &[]);
        assert!(c.verdict.is_ok());
        assert!(!c.revocation_settled);
    }

    #[test]
    fn a_tsa_revoked_before_the_next_timestamp_proves_nothing_after_it_does() {
        let later = doc("Timestamp1", &holding("2025-01-01T00:00:00Z"), &[]);
        let mut ts = holding("2024-03-01T12:00:05Z");
        ts.revocation = vec![status(
            RevocationStatus::Revoked,
            Some("2024-06-01T00:00:00Z"),
        )];
        // Revoked before the document timestamp proved the token: refused.
        let c = own(&ts, std::slice::from_ref(&later));
        assert_eq!(c.verdict, Err(TimestampRefusal::TsaRevoked));
        // Near miss: revoked after it, the token was proven while the TSA was good.
        ts.revocation[0].revoked_at = Some("2025-06-01T00:00:00Z".into());
        let c = own(&ts, std::slice::from_ref(&later));
        assert_eq!(c.verdict, Ok(at("2024-03-01T12:00:05Z")));
        assert_eq!(c.until, Some(at("2025-01-01T00:00:00Z")));
        // The last timestamp: any revocation is before the validation time.
        assert_eq!(own(&ts, &[]).verdict, Err(TimestampRefusal::TsaRevoked));
    }

    #[test]
    fn a_later_timestamp_that_proves_nothing_does_not_extend_the_tsa_check() {
        let mut bad = holding("2025-01-01T00:00:00Z");
        bad.trusted = false;
        let later = doc("Timestamp1", &bad, &[]);
        let mut ts = holding("2024-03-01T12:00:05Z");
        ts.revocation = vec![status(
            RevocationStatus::Revoked,
            Some("2025-06-01T00:00:00Z"),
        )];
        assert_eq!(
            own(&ts, &[later]).verdict,
            Err(TimestampRefusal::TsaRevoked)
        );
    }

    #[test]
    fn the_earliest_holding_timestamp_is_the_best_signature_time() {
        let signing = at("2024-03-01T12:00:00Z");
        let docs = [
            doc("Timestamp2", &holding("2026-01-01T00:00:00Z"), &[]),
            doc("Timestamp1", &holding("2025-01-01T00:00:00Z"), &[]),
        ];
        // The signature's own timestamp holds: it is the earliest.
        let sig_ts = own(&holding("2024-03-01T12:00:05Z"), &docs);
        let (proof, proven) = prove(
            Some(&sig_ts),
            &docs,
            Some((signing, ExistenceSource::UnprovenTimestamp)),
        );
        assert!(proof.proven);
        assert_eq!(proof.source, ExistenceSource::SignatureTimestamp);
        assert_eq!(proven, Some(at("2024-03-01T12:00:05Z")));
        assert_eq!(
            proof.tsa_checked_until.as_deref(),
            Some("2025-01-01T00:00:00Z")
        );
        // Its TSA untrusted: the earlier document timestamp proves it, the refusal is said.
        let mut untrusted = holding("2024-03-01T12:00:05Z");
        untrusted.trusted = false;
        let sig_ts = own(&untrusted, &docs);
        let (proof, proven) = prove(
            Some(&sig_ts),
            &docs,
            Some((signing, ExistenceSource::UnprovenTimestamp)),
        );
        assert_eq!(proof.source, ExistenceSource::DocumentTimestamp);
        assert_eq!(proof.field.as_deref(), Some("Timestamp1"));
        assert_eq!(proven, Some(at("2025-01-01T00:00:00Z")));
        assert_eq!(proof.refused.len(), 1);
        assert_eq!(proof.refused[0].reason, TimestampRefusal::Untrusted);
        assert_eq!(proof.refused[0].kind, TimestampKind::SignatureTimestamp);
        // Nothing holds: the claimed time, not proven.
        let (proof, proven) = prove(
            Some(&sig_ts),
            &[],
            Some((signing, ExistenceSource::UnprovenTimestamp)),
        );
        assert!(!proof.proven);
        assert_eq!(proven, None);
        assert_eq!(proof.source, ExistenceSource::UnprovenTimestamp);
        assert_eq!(proof.time.as_deref(), Some("2024-03-01T12:00:00Z"));
        let (proof, _) = prove(None, &[], Some((signing, ExistenceSource::SigningTime)));
        assert_eq!(proof.source, ExistenceSource::SigningTime);
        let (proof, _) = prove(None, &[], None);
        assert_eq!(proof.source, ExistenceSource::None);
        assert_eq!(proof.time, None);
    }
}
