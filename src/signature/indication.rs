//! The ETSI EN 319 102-1 validation indication of a document signature: PASSED,
//! INDETERMINATE or FAILED with a sub-indication, as a validator that follows the standard's
//! validation process for signatures with long-term validation material (§5.5, §5.6) would
//! report it from the same embedded data, offline.
//!
//! A fact, decided from facts arkivar already has (no cryptography here): the signature's own
//! check, its trust path, the revocation statuses of that path, the signer certificate's
//! validity period and the proof of existence. It changes no status and no finding: arkivar's
//! own rules (`verify/`) stay the verdict, and `docs/verdict.md` § ETSI validation indication
//! says where the two differ and why.
//!
//! The steps, in the order the standard takes them (§5.3 basic validation, then §5.6.2.4 past
//! signature validation with the proof of existence):
//!
//! 1. **The signature itself.** A malformed value, a digest that differs or a signature value
//!    that does not verify is FAILED (FORMAT_FAILURE, HASH_FAILURE, SIG_CRYPTO_FAILURE): a
//!    failed cryptographic check ends the validation whatever the certificates say. A missing
//!    signer certificate is INDETERMINATE/NO_SIGNING_CERTIFICATE_FOUND; an algorithm arkivar
//!    does not implement is INDETERMINATE/CRYPTO_CONSTRAINTS_FAILURE_NO_POE (not an accepted
//!    algorithm); a format or size arkivar cannot check is INDETERMINATE/GENERIC.
//! 2. **The path.** No path to a trust anchor is INDETERMINATE/NO_CERTIFICATE_CHAIN_FOUND, or
//!    CHAIN_CONSTRAINTS_FAILURE when a path was refused for a basic constraint or a path
//!    length.
//! 3. **The signature's constraints.** Changed after signing beyond what its DocMDP or
//!    FieldMDP permissions allow: INDETERMINATE/SIG_CONSTRAINTS_FAILURE.
//! 4. **The time.** The certificates are validated at the best signature time when a
//!    timestamp proves one that the standard would accept as proof of existence: it holds
//!    ([`ProofOfExistence::proven`]) and the revocation data shows every certificate of its
//!    TSA's path not revoked ([`ProofOfExistence::tsa_revocation_settled`]; a timestamp whose
//!    TSA's status is unknown validates INDETERMINATE itself and proves nothing). Without
//!    one, at the validation time (the processing time).
//!    - A certificate of the path revoked at or before that time: INDETERMINATE/REVOKED_NO_POE
//!      for the signer's, REVOKED_CA_NO_POE for a CA's. Revoked after it: the proof shows the
//!      signature existed while the certificate was good, so it passes this step.
//!    - The signer's certificate outside its validity period at the validation time (expired
//!      since): passes when the proven time lies within the period and the whole path was
//!      valid then; a proven time before the certificate's notBefore is FAILED/NOT_YET_VALID;
//!      otherwise INDETERMINATE/OUT_OF_BOUNDS_NO_POE.
//!    - A certificate of the path whose status the data does not settle at that time (no
//!      data, an `unknown` answer, answers refused as stale or otherwise, a `good` that does
//!      not cover the time): INDETERMINATE/TRY_LATER. arkivar fetches nothing, so later is
//!      never.
//! 5. Otherwise PASSED.

use jiff::Timestamp;
use schemars::JsonSchema;
use serde::Serialize;

use super::CheckErrorKind;
use super::CmsWarning;
use super::examine::SignatureFacts;
use super::existence::ProofOfExistence;
use super::report::{CertificateRevocation, RevocationStatus};
use super::revocation::status::fresh;

/// The main indication of EN 319 102-1 §5.1.3 (Table 4), with its sub-indication.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(into = "IndicationRecord")]
pub enum Indication {
    /// TOTAL-PASSED: every check held.
    Passed,
    /// Neither passed nor failed: something could not be established.
    Indeterminate(SubIndication),
    /// TOTAL-FAILED: a check found the signature wrong.
    Failed(SubIndication),
}

/// The main indication as the record writes it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, JsonSchema)]
pub enum MainIndication {
    #[serde(rename = "PASSED")]
    Passed,
    #[serde(rename = "INDETERMINATE")]
    Indeterminate,
    #[serde(rename = "FAILED")]
    Failed,
}

/// `signatures[].indication` in the record: the standard's main indication and
/// sub-indication, in its spelling.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, JsonSchema)]
pub struct IndicationRecord {
    /// `PASSED`, `INDETERMINATE` or `FAILED`.
    pub main: MainIndication,
    /// The sub-indication (EN 319 102-1 Table 5 and 6); null with `PASSED`.
    pub sub: Option<SubIndication>,
}

impl From<Indication> for IndicationRecord {
    fn from(i: Indication) -> Self {
        match i {
            Indication::Passed => IndicationRecord {
                main: MainIndication::Passed,
                sub: None,
            },
            Indication::Indeterminate(sub) => IndicationRecord {
                main: MainIndication::Indeterminate,
                sub: Some(sub),
            },
            Indication::Failed(sub) => IndicationRecord {
                main: MainIndication::Failed,
                sub: Some(sub),
            },
        }
    }
}

/// The sub-indications of EN 319 102-1 Tables 5 and 6 that arkivar's facts can give, and the
/// few it names but never gives (each says why).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, JsonSchema)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum SubIndication {
    /// FAILED: the signature value is no well-formed signature of its format.
    FormatFailure,
    /// FAILED: the digest of the signed bytes differs from the signed one.
    HashFailure,
    /// FAILED: the signature value does not verify with the signer's key.
    SigCryptoFailure,
    /// FAILED: the signer's certificate was revoked and the signature is proven to have
    /// been created after that. Not given by arkivar: only a content timestamp proves when a
    /// signature was created (a timestamp over it proves only that it existed), and arkivar
    /// reads none; a revocation before the proof is REVOKED_NO_POE.
    Revoked,
    /// FAILED: a timestamp proves the signature existed before its certificate was issued.
    NotYetValid,
    /// INDETERMINATE: the signing certificate is not in the signature or the document.
    NoSigningCertificateFound,
    /// INDETERMINATE: no path from the signing certificate to a trust anchor.
    NoCertificateChainFound,
    /// INDETERMINATE: a path was found but refused for its constraints (a would-be issuer
    /// that is no CA, a path length exceeded).
    ChainConstraintsFailure,
    /// INDETERMINATE: the signer's certificate was revoked at or before the best signature
    /// time, and nothing proves the signature existed before the revocation.
    RevokedNoPoe,
    /// INDETERMINATE: a CA certificate of the path was revoked at or before the best
    /// signature time, and nothing proves the signature existed before.
    RevokedCaNoPoe,
    /// INDETERMINATE: the signer's certificate is outside its validity period at the
    /// validation time (expired), and nothing proves the signature existed within it.
    OutOfBoundsNoPoe,
    /// INDETERMINATE: as OUT_OF_BOUNDS_NO_POE, with revocation data issued after the expiry
    /// showing the certificate not revoked. Not given by arkivar: an answer issued after the
    /// expiry proves nothing (RFC 5280 §3.3 lets a CA drop expired entries; such a CRL is
    /// refused as `issued_after_expiry`).
    OutOfBoundsNotRevoked,
    /// INDETERMINATE: the revocation data does not settle the status of a certificate of
    /// the path at the time it is validated at (none, `unknown`, or not fresh); a validator
    /// online would fetch more.
    TryLater,
    /// INDETERMINATE: a needed proof of existence is missing. Not given by arkivar: the
    /// missing proofs it can tell are named by REVOKED_NO_POE and OUT_OF_BOUNDS_NO_POE.
    NoPoe,
    /// INDETERMINATE: the signature does not meet its constraints: the document was changed
    /// after signing beyond what its DocMDP or FieldMDP permissions allow.
    SigConstraintsFailure,
    /// INDETERMINATE: an algorithm the validation does not accept and no proof that the
    /// signature existed while it was accepted: an algorithm arkivar does not implement.
    CryptoConstraintsFailureNoPoe,
    /// FAILED/INDETERMINATE: an algorithm deemed unreliable at the time of the signature.
    /// Not given by arkivar, which keeps no table of algorithm expiry dates (ETSI TS 119 312);
    /// SHA-1 signatures are accepted with the warning `weak_digest`.
    CryptoConstraintsFailure,
    /// INDETERMINATE: any other reason: a format or a size arkivar cannot check, or a failure
    /// of arkivar's own.
    Generic,
}

impl SubIndication {
    /// Every sub-indication, in the order of the standard's tables.
    pub const ALL: [SubIndication; 18] = [
        Self::FormatFailure,
        Self::HashFailure,
        Self::SigCryptoFailure,
        Self::Revoked,
        Self::NotYetValid,
        Self::NoSigningCertificateFound,
        Self::NoCertificateChainFound,
        Self::ChainConstraintsFailure,
        Self::RevokedNoPoe,
        Self::RevokedCaNoPoe,
        Self::OutOfBoundsNoPoe,
        Self::OutOfBoundsNotRevoked,
        Self::TryLater,
        Self::NoPoe,
        Self::SigConstraintsFailure,
        Self::CryptoConstraintsFailureNoPoe,
        Self::CryptoConstraintsFailure,
        Self::Generic,
    ];

    /// The standard's spelling: `REVOKED_NO_POE`.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::FormatFailure => "FORMAT_FAILURE",
            Self::HashFailure => "HASH_FAILURE",
            Self::SigCryptoFailure => "SIG_CRYPTO_FAILURE",
            Self::Revoked => "REVOKED",
            Self::NotYetValid => "NOT_YET_VALID",
            Self::NoSigningCertificateFound => "NO_SIGNING_CERTIFICATE_FOUND",
            Self::NoCertificateChainFound => "NO_CERTIFICATE_CHAIN_FOUND",
            Self::ChainConstraintsFailure => "CHAIN_CONSTRAINTS_FAILURE",
            Self::RevokedNoPoe => "REVOKED_NO_POE",
            Self::RevokedCaNoPoe => "REVOKED_CA_NO_POE",
            Self::OutOfBoundsNoPoe => "OUT_OF_BOUNDS_NO_POE",
            Self::OutOfBoundsNotRevoked => "OUT_OF_BOUNDS_NOT_REVOKED",
            Self::TryLater => "TRY_LATER",
            Self::NoPoe => "NO_POE",
            Self::SigConstraintsFailure => "SIG_CONSTRAINTS_FAILURE",
            Self::CryptoConstraintsFailureNoPoe => "CRYPTO_CONSTRAINTS_FAILURE_NO_POE",
            Self::CryptoConstraintsFailure => "CRYPTO_CONSTRAINTS_FAILURE",
            Self::Generic => "GENERIC",
        }
    }
}

impl Indication {
    /// The main indication's spelling: `PASSED`, `INDETERMINATE`, `FAILED`.
    pub fn main_str(self) -> &'static str {
        match self {
            Self::Passed => "PASSED",
            Self::Indeterminate(_) => "INDETERMINATE",
            Self::Failed(_) => "FAILED",
        }
    }

    /// The sub-indication, when not PASSED.
    pub fn sub(self) -> Option<SubIndication> {
        match self {
            Self::Passed => None,
            Self::Indeterminate(s) | Self::Failed(s) => Some(s),
        }
    }
}

impl std::fmt::Display for Indication {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.sub() {
            None => f.write_str(self.main_str()),
            Some(sub) => write!(f, "{}/{}", self.main_str(), sub.as_str()),
        }
    }
}

/// The indication of `s` validated at `now` (the processing time); `None` for document
/// timestamps and usage rights, which are no document signature.
pub fn indicate(s: &SignatureFacts, now: Timestamp) -> Option<Indication> {
    if s.doc_timestamp || s.usage_rights {
        return None;
    }
    Some(
        own_check(s)
            .or_else(|| path(s))
            .or_else(|| constraints(s))
            .or_else(|| at_best_time(s, now))
            .unwrap_or(Indication::Passed),
    )
}

/// Sets `indication` on each of `sigs`.
pub fn assign(sigs: &mut [SignatureFacts], now: Timestamp) {
    for s in sigs {
        s.indication = indicate(s, now);
    }
}

/// Step 1: the signature's own check (§5.2.2 format checking, §5.2.7 cryptographic
/// verification).
fn own_check(s: &SignatureFacts) -> Option<Indication> {
    use Indication::{Failed, Indeterminate};
    Some(match s.failure()? {
        CheckErrorKind::Malformed => Failed(SubIndication::FormatFailure),
        CheckErrorKind::DigestMismatch => Failed(SubIndication::HashFailure),
        CheckErrorKind::SignatureMismatch => Failed(SubIndication::SigCryptoFailure),
        CheckErrorKind::CertificateMissing => {
            Indeterminate(SubIndication::NoSigningCertificateFound)
        }
        CheckErrorKind::UnsupportedAlgorithm => {
            Indeterminate(SubIndication::CryptoConstraintsFailureNoPoe)
        }
        CheckErrorKind::UnsupportedFormat
        | CheckErrorKind::OverLimit
        | CheckErrorKind::Internal => Indeterminate(SubIndication::Generic),
    })
}

/// Step 2: a path to a trust anchor (§5.2.6).
fn path(s: &SignatureFacts) -> Option<Indication> {
    if s.trusted {
        return None;
    }
    let refused_path = s.warnings.iter().any(|w| {
        matches!(
            w,
            CmsWarning::IssuerNotCa { .. } | CmsWarning::PathLengthExceeded { .. }
        )
    });
    Some(Indication::Indeterminate(if refused_path {
        SubIndication::ChainConstraintsFailure
    } else {
        SubIndication::NoCertificateChainFound
    }))
}

/// Step 3: the signature's constraints (§5.2.8 signature acceptance validation).
fn constraints(s: &SignatureFacts) -> Option<Indication> {
    s.modified_after_signing
        .then_some(Indication::Indeterminate(
            SubIndication::SigConstraintsFailure,
        ))
}

/// The best signature time the standard takes as proof of existence: proven by a timestamp
/// that holds, whose TSA's path the revocation data shows not revoked.
pub fn accepted_poe(proof: &ProofOfExistence) -> Option<Timestamp> {
    if !proof.proven || !proof.tsa_revocation_settled {
        return None;
    }
    proof.time.as_deref().and_then(parse)
}

fn parse(t: &str) -> Option<Timestamp> {
    t.parse().ok()
}

/// Step 4: the certificates at the best signature time, else at `now`.
fn at_best_time(s: &SignatureFacts, now: Timestamp) -> Option<Indication> {
    let poe = accepted_poe(&s.proof_of_existence);
    let at = poe.unwrap_or(now);
    revoked(s, at)
        .or_else(|| out_of_bounds(s, poe, now))
        .or_else(|| unsettled(&s.revocation.certificates, at))
}

/// A certificate of the path revoked at or before `at` (§5.6.2.4: a proof of existence
/// before the revocation time lifts REVOKED_NO_POE; one after it does not). A revocation
/// whose time cannot be read counts as before.
fn revoked(s: &SignatureFacts, at: Timestamp) -> Option<Indication> {
    let signer_serial = s.signer.as_ref().and_then(|x| x.serial.as_deref());
    let c = s.revocation.certificates.iter().find(|c| {
        c.status == RevocationStatus::Revoked
            && c.revoked_at
                .as_deref()
                .and_then(parse)
                .is_none_or(|r| r <= at)
    })?;
    Some(Indication::Indeterminate(
        if Some(c.serial.as_str()) == signer_serial {
            SubIndication::RevokedNoPoe
        } else {
            SubIndication::RevokedCaNoPoe
        },
    ))
}

/// The signer's certificate outside its validity period at `now` (§5.2.6), and whether the
/// proof of existence `poe` lifts it (§5.6.2.4).
fn out_of_bounds(s: &SignatureFacts, poe: Option<Timestamp>, now: Timestamp) -> Option<Indication> {
    let signer = s.signer.as_ref()?;
    let not_before = signer.not_before.as_deref().and_then(parse);
    let not_after = signer.not_after.as_deref().and_then(parse);
    let within =
        |t: Timestamp| not_before.is_none_or(|nb| nb <= t) && not_after.is_none_or(|na| t <= na);
    if let Some(p) = poe
        && not_before.is_some_and(|nb| p < nb)
    {
        return Some(Indication::Failed(SubIndication::NotYetValid));
    }
    if within(now) {
        return None;
    }
    // The whole path valid at the proven time: `certificate_valid_at_signing` was judged
    // there when it was (else at a claimed time, and a claim lifts nothing).
    let lifted = poe.is_some_and(|p| within(p) && s.certificate_valid_at_signing == Some(true));
    (!lifted).then_some(Indication::Indeterminate(SubIndication::OutOfBoundsNoPoe))
}

/// A certificate whose status the data does not settle at `at`: no data, `unknown` (answers
/// refused, stale among them), or a `good` answer that does not cover `at` (§5.2.5).
fn unsettled(certs: &[CertificateRevocation], at: Timestamp) -> Option<Indication> {
    certs
        .iter()
        .any(|c| !settled_at(c, at))
        .then_some(Indication::Indeterminate(SubIndication::TryLater))
}

fn settled_at(c: &CertificateRevocation, at: Timestamp) -> bool {
    match c.status {
        // Revoked after `at` (else `revoked` said so): good at `at`.
        RevocationStatus::Revoked => true,
        RevocationStatus::Good => {
            let this_update = c.this_update.as_deref().and_then(parse);
            let next_update = c.next_update.as_deref().and_then(parse);
            this_update.is_some_and(|t| fresh(t, next_update, Some(at)).is_ok())
        }
        RevocationStatus::Unknown | RevocationStatus::NoData => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::signature::CheckError;
    use crate::signature::examine::SignerFacts;
    use crate::signature::existence::ExistenceSource;

    const NOW: &str = "2026-12-01T00:00:00Z";

    fn now() -> Timestamp {
        NOW.parse().unwrap()
    }

    fn cert(serial: &str, status: RevocationStatus) -> CertificateRevocation {
        CertificateRevocation {
            status,
            this_update: Some("2024-03-01T00:00:00Z".into()),
            next_update: Some("2024-03-08T00:00:00Z".into()),
            ..CertificateRevocation::no_data(format!("cert {serial}"), serial.into())
        }
    }

    fn revoked_at(serial: &str, at: &str) -> CertificateRevocation {
        CertificateRevocation {
            revoked_at: Some(at.into()),
            ..cert(serial, RevocationStatus::Revoked)
        }
    }

    /// A trusted signature proven at 2024-03-01 12:00 by a timestamp whose TSA is settled,
    /// its signer (serial `01`, valid 2023–2025) and CA (`02`) good then.
    fn proven() -> SignatureFacts {
        let mut s = SignatureFacts::sample("Erik");
        s.signer = Some(SignerFacts {
            serial: Some("01".into()),
            not_before: Some("2023-01-01T00:00:00Z".into()),
            not_after: Some("2025-12-31T23:59:59Z".into()),
            ..SignerFacts::default()
        });
        s.proof_of_existence = ProofOfExistence {
            proven: true,
            time: Some("2024-03-01T12:00:00Z".into()),
            source: ExistenceSource::SignatureTimestamp,
            tsa_revocation_settled: true,
            ..ProofOfExistence::default()
        };
        s.revocation.certificates = vec![
            cert("01", RevocationStatus::Good),
            cert("02", RevocationStatus::Good),
        ];
        s
    }

    fn of(s: &SignatureFacts) -> Indication {
        indicate(s, now()).expect("a document signature")
    }

    #[test]
    fn a_proven_signature_with_settled_data_passes_though_its_certificate_expired() {
        assert_eq!(of(&proven()), Indication::Passed);
        // Near miss: the proof's TSA is not settled, so no accepted proof; validated now, the
        // certificate has expired.
        let mut s = proven();
        s.proof_of_existence.tsa_revocation_settled = false;
        assert_eq!(
            of(&s),
            Indication::Indeterminate(SubIndication::OutOfBoundsNoPoe)
        );
    }

    #[test]
    fn revoked_before_the_proof_is_revoked_no_poe_after_it_passes() {
        let mut s = proven();
        s.revocation.certificates[0] = revoked_at("01", "2024-02-15T00:00:00Z");
        assert_eq!(
            of(&s),
            Indication::Indeterminate(SubIndication::RevokedNoPoe)
        );
        s.revocation.certificates[0] = revoked_at("01", "2024-03-01T12:00:00Z");
        assert_eq!(
            of(&s),
            Indication::Indeterminate(SubIndication::RevokedNoPoe)
        );
        // Near miss: revoked a second after the proven time.
        s.revocation.certificates[0] = revoked_at("01", "2024-03-01T12:00:01Z");
        assert_eq!(of(&s), Indication::Passed);
        // The CA revoked before: REVOKED_CA_NO_POE.
        let mut s = proven();
        s.revocation.certificates[1] = revoked_at("02", "2024-01-01T00:00:00Z");
        assert_eq!(
            of(&s),
            Indication::Indeterminate(SubIndication::RevokedCaNoPoe)
        );
    }

    #[test]
    fn without_an_accepted_proof_a_revocation_until_now_counts() {
        let mut s = proven();
        s.proof_of_existence.proven = false;
        s.signer.as_mut().unwrap().not_after = Some("2030-01-01T00:00:00Z".into());
        s.revocation.certificates[0] = revoked_at("01", "2024-04-01T00:00:00Z");
        assert_eq!(
            of(&s),
            Indication::Indeterminate(SubIndication::RevokedNoPoe)
        );
    }

    #[test]
    fn missing_unknown_or_stale_data_is_try_later() {
        for status in [RevocationStatus::NoData, RevocationStatus::Unknown] {
            let mut s = proven();
            s.revocation.certificates[1] = cert("02", status);
            assert_eq!(of(&s), Indication::Indeterminate(SubIndication::TryLater));
        }
        // A `good` that does not cover the proven time (nextUpdate before it).
        let mut s = proven();
        s.revocation.certificates[0].next_update = Some("2024-03-01T11:00:00Z".into());
        assert_eq!(of(&s), Indication::Indeterminate(SubIndication::TryLater));
        // Without a proof the data must cover now: a 2024 CRL does not, though the
        // certificate is still valid.
        let mut s = proven();
        s.proof_of_existence.proven = false;
        s.signer.as_mut().unwrap().not_after = Some("2030-01-01T00:00:00Z".into());
        assert_eq!(of(&s), Indication::Indeterminate(SubIndication::TryLater));
        // Near miss: a CRL valid until after now.
        for c in &mut s.revocation.certificates {
            c.next_update = Some("2027-01-01T00:00:00Z".into());
        }
        assert_eq!(of(&s), Indication::Passed);
    }

    #[test]
    fn a_proof_before_the_certificate_was_issued_fails() {
        let mut s = proven();
        s.signer.as_mut().unwrap().not_before = Some("2024-06-01T00:00:00Z".into());
        assert_eq!(of(&s), Indication::Failed(SubIndication::NotYetValid));
    }

    #[test]
    fn a_path_not_valid_at_the_proven_time_is_out_of_bounds() {
        let mut s = proven();
        s.certificate_valid_at_signing = Some(false);
        assert_eq!(
            of(&s),
            Indication::Indeterminate(SubIndication::OutOfBoundsNoPoe)
        );
    }

    #[test]
    fn the_signatures_own_check_comes_first() {
        let cases = [
            (
                CheckErrorKind::Malformed,
                Indication::Failed(SubIndication::FormatFailure),
            ),
            (
                CheckErrorKind::DigestMismatch,
                Indication::Failed(SubIndication::HashFailure),
            ),
            (
                CheckErrorKind::SignatureMismatch,
                Indication::Failed(SubIndication::SigCryptoFailure),
            ),
            (
                CheckErrorKind::CertificateMissing,
                Indication::Indeterminate(SubIndication::NoSigningCertificateFound),
            ),
            (
                CheckErrorKind::UnsupportedAlgorithm,
                Indication::Indeterminate(SubIndication::CryptoConstraintsFailureNoPoe),
            ),
            (
                CheckErrorKind::UnsupportedFormat,
                Indication::Indeterminate(SubIndication::Generic),
            ),
        ];
        for (kind, want) in cases {
            let mut s = proven();
            s.trusted = false;
            s.error = Some(CheckError::new(kind, "x"));
            assert_eq!(of(&s), want, "{kind:?}");
        }
    }

    #[test]
    fn untrusted_and_modified_are_indeterminate() {
        let mut s = proven();
        s.trusted = false;
        assert_eq!(
            of(&s),
            Indication::Indeterminate(SubIndication::NoCertificateChainFound)
        );
        s.warnings.push(CmsWarning::IssuerNotCa {
            subject: "CA".into(),
        });
        assert_eq!(
            of(&s),
            Indication::Indeterminate(SubIndication::ChainConstraintsFailure)
        );
        let mut s = proven();
        s.modified_after_signing = true;
        assert_eq!(
            of(&s),
            Indication::Indeterminate(SubIndication::SigConstraintsFailure)
        );
    }

    #[test]
    fn timestamps_and_usage_rights_get_none_and_the_record_spells_the_standard() {
        let mut s = proven();
        s.doc_timestamp = true;
        assert_eq!(indicate(&s, now()), None);
        let json =
            serde_json::to_value(Indication::Indeterminate(SubIndication::RevokedNoPoe)).unwrap();
        assert_eq!(
            json,
            serde_json::json!({"main": "INDETERMINATE", "sub": "REVOKED_NO_POE"})
        );
        assert_eq!(
            serde_json::to_value(Indication::Passed).unwrap(),
            serde_json::json!({"main": "PASSED", "sub": null})
        );
        // The record's spelling is `as_str`'s, for every sub-indication.
        for sub in SubIndication::ALL {
            assert_eq!(
                serde_json::to_value(sub).unwrap(),
                serde_json::json!(sub.as_str())
            );
        }
    }
}
