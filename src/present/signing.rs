//! Whether a signing holds, as a typed check with its words: what `verify` marks in the list
//! of who signed, and `signatures` beside each signature.
//!
//! A signing from a PDF signature holds when the signature is intact, valid, trusted, its
//! certificate was valid and nothing changed beyond what it permits. A signing known only from
//! text (an audit trail, a stamp) holds when a checked seal vouches for the text
//! ([`Signing::unvouched`]); ink on a scan never can be checked.

use crate::identity::{fold, same_person};
use crate::record::SigningSource;
use crate::signature::CheckErrorKind;
use crate::signature::examine::SignatureFacts;
use crate::verify::cover::Uncovered;
use crate::verify::signing::Signing;

use super::words;

/// What the check of one signing or signature came to, worst first when several apply.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Check {
    /// Checked and found wrong: the signature does not hold.
    Broken(CheckErrorKind),
    /// The document was changed after it beyond what it permits.
    ChangedAfter,
    /// The signer's certificate was not valid at the signing time.
    CertificateInvalid,
    /// It could not be checked (an algorithm or format arkivar does not implement, no
    /// certificate).
    NotChecked(CheckErrorKind),
    /// Known only from text that no checked seal vouches for.
    Unvouched(Uncovered),
    /// Ink on a scanned page: a printed name with a pen mark, which no check can prove.
    Ink,
    /// Intact and valid, but the certificate reaches no configured trust anchor.
    Untrusted,
    /// It holds.
    Holds,
}

impl Check {
    /// Whether the list of who signed marks it.
    pub fn is_marked(self) -> bool {
        self != Check::Holds
    }

    /// Whether it was checked and found wrong (worse than "could not be checked").
    pub fn is_broken(self) -> bool {
        matches!(
            self,
            Check::Broken(_) | Check::ChangedAfter | Check::CertificateInvalid
        )
    }

    /// The short mark a list shows (`BROKEN`, `NOT CHECKED`, `UNTRUSTED`); empty when it holds.
    pub fn mark(self) -> &'static str {
        match self {
            Check::Broken(_) | Check::ChangedAfter | Check::CertificateInvalid => "BROKEN",
            Check::NotChecked(_) | Check::Unvouched(_) | Check::Ink => "NOT CHECKED",
            Check::Untrusted => "UNTRUSTED",
            Check::Holds => "",
        }
    }

    /// Why, in words: `the signed bytes were changed`.
    pub fn words(self) -> &'static str {
        match self {
            Check::Broken(kind) | Check::NotChecked(kind) => words::check_failure(kind),
            Check::ChangedAfter => "the document was changed after it beyond what it permits",
            Check::CertificateInvalid => "the certificate was not valid when it signed",
            Check::Unvouched(reason) => words::uncovered(reason),
            Check::Ink => "ink on a scan, which cannot be checked",
            Check::Untrusted => "the certificate does not chain to a trusted anchor",
            Check::Holds => "intact and valid",
        }
    }

    /// `BROKEN: the signed bytes were changed`, or `intact and valid`.
    pub fn describe(self) -> String {
        match self {
            Check::Holds => self.words().to_owned(),
            _ => format!("{}: {}", self.mark(), self.words()),
        }
    }

    /// Smaller is worse: the order of the variants.
    fn rank(self) -> u8 {
        match self {
            Check::Broken(_) => 0,
            Check::ChangedAfter => 1,
            Check::CertificateInvalid => 2,
            Check::NotChecked(_) => 3,
            Check::Unvouched(_) => 4,
            Check::Ink => 5,
            Check::Untrusted => 6,
            Check::Holds => 7,
        }
    }
}

/// The check of one PDF signature, from the same typed facts the verdict rules read.
pub fn signature(facts: &SignatureFacts) -> Check {
    match facts.failure() {
        Some(kind) if kind.is_broken() => Check::Broken(kind),
        Some(kind) => Check::NotChecked(kind),
        None if facts.modified_after_signing => Check::ChangedAfter,
        None if facts.certificate_valid_at_signing == Some(false)
            || facts.revocation.revoked_before_time().is_some() =>
        {
            Check::CertificateInvalid
        }
        None if !facts.trusted && !facts.usage_rights => Check::Untrusted,
        None => Check::Holds,
    }
}

/// The check of one person's signing: the worst of the PDF signatures it rests on (matched by
/// the certificate's name or e-mail, as the signing events were merged), else whether a seal
/// vouches for its text, else ink.
pub fn signing(event: &Signing, signatures: &[SignatureFacts]) -> Check {
    let from_signature = event
        .times
        .iter()
        .any(|t| matches!(t.source, SigningSource::Pades | SigningSource::EidLogin));
    if from_signature {
        let folded = event.signer_name.as_deref().map(fold);
        let worst = signatures
            .iter()
            .filter(|s| !s.doc_timestamp && !s.usage_rights)
            .filter(|s| {
                let signer = s.signer.as_ref();
                let by_name = signer
                    .and_then(|x| x.common_name.as_deref())
                    .zip(folded.as_ref())
                    .is_some_and(|(cn, name)| same_person(&fold(cn), name));
                let by_email = signer
                    .and_then(|x| x.email.as_deref())
                    .zip(event.email.as_deref())
                    .is_some_and(|(a, b)| a.eq_ignore_ascii_case(b));
                by_name || by_email
            })
            .map(signature)
            .min_by_key(|c| c.rank());
        // An event made from a PDF signature always finds it; if the names ever diverged,
        // "not checked" is the honest fallback, never "holds".
        return worst.unwrap_or(Check::NotChecked(CheckErrorKind::CertificateMissing));
    }
    if event.times.is_empty() {
        return Check::Ink;
    }
    event.unvouched().map_or(Check::Holds, Check::Unvouched)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::record::SignerRole;
    use crate::signature::CheckError;
    use crate::verify::signing::{MatchState, SourceTime};

    fn event(name: &str, sources: &[(SigningSource, Option<Uncovered>)]) -> Signing {
        let time: jiff::Timestamp = "2024-10-29T15:02:11Z".parse().unwrap();
        Signing {
            name: name.into(),
            signer_name: Some(name.into()),
            email: None,
            role: SignerRole::Chair,
            matched: MatchState::Matched,
            source: sources.first().map_or(SigningSource::Text, |s| s.0),
            time: (!sources.is_empty()).then_some(time),
            times: sources
                .iter()
                .map(|(source, uncovered)| SourceTime {
                    source: *source,
                    time,
                    minute_precision: false,
                    at: "signature field Signatur1".into(),
                    uncovered: *uncovered,
                })
                .collect(),
        }
    }

    #[test]
    fn a_broken_signature_marks_its_signing() {
        let mut facts = SignatureFacts::sample("Anna Berg");
        facts.intact = false;
        facts.error = Some(CheckError::new(CheckErrorKind::DigestMismatch, "x"));
        let check = signing(
            &event("Anna Berg", &[(SigningSource::Pades, None)]),
            &[facts],
        );
        assert_eq!(check, Check::Broken(CheckErrorKind::DigestMismatch));
        assert!(check.is_marked() && check.is_broken());
        assert_eq!(check.describe(), "BROKEN: the signed bytes were changed");
    }

    #[test]
    fn a_holding_signature_is_not_marked_and_others_stay_apart() {
        let good = SignatureFacts::sample("Anna Berg");
        let mut other = SignatureFacts::sample("Bo Ek");
        other.error = Some(CheckError::new(CheckErrorKind::SignatureMismatch, "x"));
        let check = signing(
            &event("Anna Berg", &[(SigningSource::Pades, None)]),
            &[good, other],
        );
        assert_eq!(check, Check::Holds);
        assert!(!check.is_marked());
        assert_eq!(check.mark(), "");
    }

    #[test]
    fn the_worst_of_a_persons_signatures_counts() {
        let mut untrusted = SignatureFacts::sample("Anna Berg");
        untrusted.trusted = false;
        let mut unsupported = SignatureFacts::sample("ANNA BERG");
        unsupported.error = Some(CheckError::new(CheckErrorKind::UnsupportedAlgorithm, "x"));
        let check = signing(
            &event("Anna Berg", &[(SigningSource::Pades, None)]),
            &[untrusted.clone(), unsupported],
        );
        assert_eq!(
            check,
            Check::NotChecked(CheckErrorKind::UnsupportedAlgorithm)
        );
        assert_eq!(signature(&untrusted), Check::Untrusted);
        assert_eq!(signature(&untrusted).mark(), "UNTRUSTED");
    }

    #[test]
    fn text_evidence_is_marked_unless_a_seal_vouches_for_it() {
        let bare = event(
            "Anna Berg",
            &[(SigningSource::AuditTrail, Some(Uncovered::NoSeal))],
        );
        assert_eq!(signing(&bare, &[]), Check::Unvouched(Uncovered::NoSeal));
        assert_eq!(signing(&bare, &[]).mark(), "NOT CHECKED");
        let sealed = event("Anna Berg", &[(SigningSource::AuditTrail, None)]);
        assert_eq!(signing(&sealed, &[]), Check::Holds);
        assert_eq!(signing(&event("Anna Berg", &[]), &[]), Check::Ink);
    }

    #[test]
    fn changes_after_signing_and_invalid_certificates_are_broken() {
        let mut changed = SignatureFacts::sample("Anna Berg");
        changed.modified_after_signing = true;
        assert_eq!(signature(&changed), Check::ChangedAfter);
        assert!(signature(&changed).is_broken());
        let mut expired = SignatureFacts::sample("Anna Berg");
        expired.certificate_valid_at_signing = Some(false);
        assert_eq!(signature(&expired), Check::CertificateInvalid);
    }
}
