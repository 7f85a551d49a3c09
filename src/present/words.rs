//! Words for the record's enums. Each function is an exhaustive `match`, so a new variant
//! does not build until it has its words.

use crate::record::{ErrorKind, FindingCode, Severity, SignerRole, SigningSource, Status};
use crate::signature::CheckErrorKind;
use crate::signature::byte_range::Coverage;
use crate::signature::changes::ModificationLevel;
use crate::verify::cover::Uncovered;
use crate::verify::signing::MatchState;

/// The status as the headline shows it (`verdict.md` § Status names them this way).
pub fn status(status: Status) -> &'static str {
    match status {
        Status::Verified => "verified",
        Status::Warnings => "warnings",
        Status::Failed => "failed",
        Status::Unsigned => "unsigned",
        Status::Error => "error",
    }
}

/// What the status means, in one sentence.
pub fn status_meaning(status: Status) -> &'static str {
    match status {
        Status::Verified => "The signatures hold and the checks found nothing to warn about.",
        Status::Warnings => "Signed, but something needs a person's attention.",
        Status::Failed => "A check failed: do not rely on the signatures as they are.",
        Status::Unsigned => "No signature of any kind, and none is required.",
        Status::Error => "The document could not be processed.",
    }
}

/// A finding's severity.
pub fn severity(severity: Severity) -> &'static str {
    match severity {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Info => "note",
    }
}

/// What a finding code means, as one sentence; the finding's own message adds the names and
/// dates of the case.
pub fn finding(code: FindingCode) -> &'static str {
    match code {
        FindingCode::SignatureIntegrityBroken => {
            "A signature is broken: the signed bytes or the signature value do not match."
        }
        FindingCode::SignatureModifiedAfterSigning => {
            "The document was changed after signing, beyond what the signature permits."
        }
        FindingCode::SignatureUntrusted => {
            "A signer's certificate does not chain to a trusted anchor."
        }
        FindingCode::SignatureCertificateInvalid => {
            "A signer's certificate was not valid when it signed."
        }
        FindingCode::SignatureUnverifiable => "A signing can be read but not checked.",
        FindingCode::SignatureSvtDisagrees => {
            "A signature validation token contradicts arkivar's own check."
        }
        FindingCode::SignatureLevelInsufficient => {
            "A signature's PAdES level is below what the policy requires."
        }
        FindingCode::SignerNotParticipant => {
            "Someone signed who is neither a participant nor a designated signer."
        }
        FindingCode::RoleMissingSignature => {
            "A designated chair, secretary or justerare has not signed."
        }
        FindingCode::OrderViolation => "The signings are not in the order the policy requires.",
        FindingCode::TimeSignedBeforeMeeting => "A signing is dated before the meeting.",
        FindingCode::TimeJusteringDeadlineExceeded => {
            "The justering was finished after its deadline."
        }
        FindingCode::TimeSourcesDisagree => "Two sources give different times for one signing.",
        FindingCode::TimeInFuture => {
            "A signing time is later than the time the document was checked."
        }
        FindingCode::AuditNotChronological => "The audit trail's events are out of order.",
        FindingCode::AuditIncomplete => {
            "The audit trail has no completion event, or a recipient never signed."
        }
        FindingCode::AuditAlternativeSigner => {
            "The sender added an alternative signer, or the signing was delegated."
        }
        FindingCode::AuditDeliveryFailed => "An e-mail to a signer bounced.",
        FindingCode::NoticePostedLate => {
            "The anslag (notice of justering) went up later than the policy allows."
        }
        FindingCode::NoticePeriodTooShort => {
            "The anslag stayed up for less time than the policy requires."
        }
        FindingCode::DocumentNotProtocol => {
            "Not a sammanträdesprotokoll: no meeting, participant list or designated signers."
        }
        FindingCode::DocumentOcrUsed => "Some or all of the text was read by OCR from images.",
    }
}

/// The role a person signs in.
pub fn role(role: SignerRole) -> &'static str {
    match role {
        SignerRole::Chair => "chair",
        SignerRole::Secretary => "secretary",
        SignerRole::Adjuster => "justerare",
        SignerRole::Other => "signer",
    }
}

/// Where a signing was found.
pub fn source(source: SigningSource) -> &'static str {
    match source {
        SigningSource::Pades => "PDF signature",
        SigningSource::EidLogin => "eID login",
        SigningSource::AuditTrail => "audit trail",
        SigningSource::Text => "text of the document",
    }
}

/// How a signer was matched against the minutes' people.
pub fn matched(state: MatchState) -> &'static str {
    match state {
        MatchState::Matched => "named in the minutes",
        MatchState::Ambiguous => "matches several people in the minutes",
        MatchState::Unmatched => "not named in the minutes",
        MatchState::NoMinutes => "no minutes to match against",
    }
}

/// Why a document could not be processed.
pub fn error_kind(kind: ErrorKind) -> &'static str {
    match kind {
        ErrorKind::NotPdf => "not a PDF",
        ErrorKind::Encrypted => "needs a password",
        ErrorKind::Malformed => "a damaged PDF",
        ErrorKind::TooLarge => "over a size limit",
        ErrorKind::Timeout => "took longer than the time limit",
        ErrorKind::Io => "could not be read",
        ErrorKind::Internal => "arkivar failed on it (a bug: please report it)",
    }
}

/// Why a signature does not hold, or could not be checked.
pub fn check_failure(kind: CheckErrorKind) -> &'static str {
    match kind {
        CheckErrorKind::Malformed => "the signature value is malformed",
        CheckErrorKind::DigestMismatch => "the signed bytes were changed",
        CheckErrorKind::SignatureMismatch => "the signature value does not verify",
        CheckErrorKind::UnsupportedAlgorithm => "it uses an algorithm arkivar does not implement",
        CheckErrorKind::UnsupportedFormat => "it is in a format arkivar cannot check",
        CheckErrorKind::CertificateMissing => "the signer's certificate is missing",
        CheckErrorKind::OverLimit => "it is larger than arkivar's limits",
        CheckErrorKind::Internal => "arkivar failed on it (a bug: please report it)",
    }
}

/// What part of the file a signature covers.
pub fn coverage(coverage: Coverage) -> &'static str {
    match coverage {
        Coverage::EntireFile => "covers the whole file",
        Coverage::EntireRevision => "covers the whole revision it signed",
        Coverage::Partial => "covers only part of the file",
    }
}

/// What changed after a signature, at most.
pub fn modification(level: ModificationLevel) -> &'static str {
    match level {
        ModificationLevel::None => "nothing changed after it",
        ModificationLevel::LtaUpdates => "validation data added after it",
        ModificationLevel::FormFilling => "form fields filled or signed after it",
        ModificationLevel::Annotations => "annotations changed after it",
        ModificationLevel::Other => "content changed after it",
    }
}

/// Why no checked seal vouches for text evidence of a signing.
pub fn uncovered(reason: Uncovered) -> &'static str {
    reason.explain()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Words are for people: no snake_case code, no camel-case Rust name, no empty phrase.
    fn assert_words(text: &str) {
        assert!(!text.is_empty());
        assert!(!text.contains('_'), "{text}");
        for word in text.split(|c: char| !c.is_alphanumeric()) {
            let chars: Vec<char> = word.chars().collect();
            let camel = chars
                .windows(2)
                .any(|w| w[0].is_lowercase() && w[1].is_uppercase());
            assert!(!camel || word == "PAdES", "{text}");
        }
    }

    #[test]
    fn every_finding_code_has_its_own_sentence() {
        let mut seen = std::collections::HashSet::new();
        for code in FindingCode::ALL {
            let sentence = finding(code);
            assert_words(sentence);
            assert!(sentence.ends_with('.'), "{sentence}");
            assert!(seen.insert(sentence), "{code} repeats a sentence");
        }
    }

    #[test]
    fn statuses_and_severities_read_as_words() {
        for s in [
            Status::Verified,
            Status::Warnings,
            Status::Failed,
            Status::Unsigned,
            Status::Error,
        ] {
            assert_words(status(s));
            assert_words(status_meaning(s));
        }
        assert_eq!(severity(Severity::Info), "note");
        assert_eq!(status(Status::Warnings), "warnings");
    }

    #[test]
    fn roles_use_the_swedish_name_only_for_justerare() {
        assert_eq!(role(SignerRole::Chair), "chair");
        assert_eq!(role(SignerRole::Adjuster), "justerare");
        assert_eq!(source(SigningSource::Pades), "PDF signature");
        assert_eq!(source(SigningSource::AuditTrail), "audit trail");
    }

    #[test]
    fn check_failures_and_changes_have_words() {
        for kind in [
            CheckErrorKind::Malformed,
            CheckErrorKind::DigestMismatch,
            CheckErrorKind::SignatureMismatch,
            CheckErrorKind::UnsupportedAlgorithm,
            CheckErrorKind::UnsupportedFormat,
            CheckErrorKind::CertificateMissing,
            CheckErrorKind::OverLimit,
            CheckErrorKind::Internal,
        ] {
            assert_words(check_failure(kind));
        }
        assert_eq!(
            modification(ModificationLevel::FormFilling),
            "form fields filled or signed after it"
        );
        assert_words(coverage(Coverage::EntireRevision));
        assert_words(error_kind(ErrorKind::NotPdf));
        assert_words(matched(MatchState::NoMinutes));
    }
}
