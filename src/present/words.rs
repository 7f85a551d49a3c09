//! Words for the record's enums. Each function is an exhaustive `match`, so a new variant
//! does not build until it has its words.

use crate::audit::EventKind;
use crate::record::{ErrorKind, FindingCode, Severity, SignerRole, SigningSource, Status};
use crate::signature::CheckErrorKind;
use crate::signature::byte_range::Coverage;
use crate::signature::changes::ModificationLevel;
use crate::signature::existence::{
    ExistenceSource, ProofOfExistence, TimestampKind, TimestampRefusal,
};
use crate::signature::report::{
    CertificateRevocation, RefusalReason, RevocationEvidence, RevocationReason, RevocationSource,
    RevocationStatus,
};
use crate::verify::cover::Uncovered;
use crate::verify::signing::MatchState;

/// A signer's qualification in words, when a trusted list decided it: `qualified electronic
/// signature (SE trusted list, service "…")`. `None` while it is unknown: the certificate's
/// own statements are said by [`qc_statements`], as its issuer's word.
pub fn qualification(q: &crate::signature::trusted_list::Qualification) -> Option<String> {
    use crate::signature::trusted_list::QualificationStatus as S;
    let what = match q.status {
        S::QualifiedEsig => "qualified electronic signature",
        S::QualifiedEseal => "qualified electronic seal",
        S::QualifiedOther => "qualified certificate, but not a qualified signature or seal",
        S::NotQualified => "not qualified",
        S::Unknown => return None,
    };
    let territory = q.territory.as_deref().unwrap_or("?");
    Some(match &q.service {
        Some(service) => format!("{what} ({territory} trusted list, service {service:?})"),
        None => format!("{what} ({territory} trusted list)"),
    })
}

/// What a certificate's QCStatements say, in words, with what they are not: `the certificate
/// states: EU qualified, key on a qualified device (QSCD), for electronic signatures (the
/// issuer's word; only a trusted list makes a signature qualified)`. `None` when it states
/// nothing arkivar reads. Whether a trusted list did is [`qualification`]'s line.
pub fn qc_statements(qc: &crate::signature::qualified::QcStatements) -> Option<String> {
    use crate::signature::qualified::QcType;
    let mut parts = Vec::new();
    if qc.eu_qualified {
        parts.push(if qc.legislation.is_empty() {
            "EU qualified".to_owned()
        } else {
            format!("qualified under the law of {}", qc.legislation.join(", "))
        });
    }
    if qc.qscd {
        parts.push("key on a qualified device (QSCD)".to_owned());
    }
    let uses: Vec<&str> = qc
        .types
        .iter()
        .map(|t| match t {
            QcType::Esign => "electronic signatures",
            QcType::Eseal => "electronic seals",
            QcType::Web => "website authentication",
        })
        .collect();
    if !uses.is_empty() {
        parts.push(format!("for {}", uses.join(" and ")));
    }
    (!parts.is_empty()).then(|| {
        format!(
            "the certificate states: {} (the issuer's word; only a trusted list makes a signature qualified)",
            parts.join(", ")
        )
    })
}

/// A revocation reason in words (RFC 5280 §5.3.1).
pub fn revocation_reason(reason: RevocationReason) -> &'static str {
    match reason {
        RevocationReason::Unspecified => "reason unspecified",
        RevocationReason::KeyCompromise => "key compromise",
        RevocationReason::CaCompromise => "CA compromise",
        RevocationReason::AffiliationChanged => "affiliation changed",
        RevocationReason::Superseded => "superseded",
        RevocationReason::CessationOfOperation => "cessation of operation",
        RevocationReason::CertificateHold => "certificate on hold",
        RevocationReason::RemoveFromCrl => "removed from the CRL",
        RevocationReason::PrivilegeWithdrawn => "privilege withdrawn",
        RevocationReason::AaCompromise => "attribute authority compromise",
        RevocationReason::Other => "an undefined reason",
    }
}

/// Where a revocation answer came from: `an OCSP response in the DSS`.
pub fn revocation_origin(evidence: RevocationEvidence, source: RevocationSource) -> String {
    let what = match evidence {
        RevocationEvidence::Crl => "a CRL",
        RevocationEvidence::Ocsp => "an OCSP response",
    };
    let place = match source {
        RevocationSource::Archival => "in the signature's revocation archive",
        RevocationSource::Cms => "in the signature",
        RevocationSource::Dss => "in the document's DSS",
    };
    format!("{what} {place}")
}

/// Why an answer was not taken, in words.
pub fn revocation_refusal(reason: RefusalReason) -> &'static str {
    match reason {
        RefusalReason::BadSignature => "its signature does not verify",
        RefusalReason::SignatureUncheckable => "its signature cannot be checked",
        RefusalReason::UnauthorisedResponder => "its responder is not authorised by the CA",
        RefusalReason::IssuerUnknown => "the certificate's issuer is not known",
        RefusalReason::Stale => "it does not cover the signing time",
        RefusalReason::PartialCrl => "it is a partial or delta CRL",
        RefusalReason::IssuedAfterExpiry => "it was issued after the certificate expired",
    }
}

/// One certificate's revocation status in words, times in `zone`: `Erik Lövgren: good (an
/// OCSP response in the document's DSS)`.
pub fn revocation(c: &CertificateRevocation, zone: &jiff::tz::TimeZone) -> String {
    let origin = c
        .evidence
        .zip(c.source)
        .map(|(e, s)| format!(" ({})", revocation_origin(e, s)))
        .unwrap_or_default();
    let refused = c
        .refused
        .first()
        .map(|r| {
            format!(
                "{} refused: {}",
                revocation_origin(r.evidence, r.source),
                revocation_refusal(r.reason)
            )
        })
        .unwrap_or_default();
    let status = match c.status {
        RevocationStatus::Good => format!("not revoked{origin}"),
        RevocationStatus::Revoked => {
            let at = c
                .revoked_at
                .as_deref()
                .map(|t| super::time::local_text(t, zone))
                .unwrap_or_else(|| "an unknown time".to_owned());
            let reason = c
                .reason
                .map(|r| format!(", {}", revocation_reason(r)))
                .unwrap_or_default();
            let when = if c.revoked_before_time {
                "before the signing time"
            } else {
                "after the signing time"
            };
            format!("REVOKED {at}{reason}, {when}{origin}")
        }
        RevocationStatus::Unknown if c.evidence.is_some() => {
            format!("status unknown to the responder{origin}")
        }
        RevocationStatus::Unknown => format!("status unknown ({refused})"),
        RevocationStatus::NoData => "no revocation data".to_owned(),
    };
    format!("{}: {status}", c.subject)
}

/// The revocation statuses of a signature's path in one line, for `verify`'s summary:
/// `revocation: 2 not revoked, no data for Example Root CA`. Revoked and undecided
/// certificates are named; `None` for a path with no certificate checked.
pub fn revocation_summary(certificates: &[CertificateRevocation]) -> Option<String> {
    if certificates.is_empty() {
        return None;
    }
    let named = |wanted: RevocationStatus| -> Vec<&str> {
        certificates
            .iter()
            .filter(|c| c.status == wanted)
            .map(|c| c.subject.as_str())
            .collect()
    };
    let good = named(RevocationStatus::Good).len();
    let mut parts = Vec::new();
    if good > 0 {
        parts.push(format!("{good} not revoked"));
    }
    for (status, words) in [
        (RevocationStatus::Revoked, "REVOKED"),
        (RevocationStatus::Unknown, "unknown"),
        (RevocationStatus::NoData, "no data for"),
    ] {
        let names = named(status);
        if !names.is_empty() {
            parts.push(format!("{words} {}", names.join(", ")));
        }
    }
    Some(format!("revocation: {}", parts.join("; ")))
}

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

/// What a best signature time rests on.
pub fn existence_source(source: ExistenceSource) -> &'static str {
    match source {
        ExistenceSource::SignatureTimestamp => "the signature's own timestamp",
        ExistenceSource::DocumentTimestamp => "a later document timestamp",
        ExistenceSource::UnprovenTimestamp => "a timestamp that proves nothing",
        ExistenceSource::SigningTime => "the signing time the signer's computer claims",
        ExistenceSource::DictionaryTime => "the signing time the signing software claims",
        ExistenceSource::None => "no time",
    }
}

/// Why a timestamp proves nothing.
pub fn timestamp_refusal(reason: TimestampRefusal) -> &'static str {
    match reason {
        TimestampRefusal::Broken => "it is broken",
        TimestampRefusal::Untrusted => "its authority does not chain to a trusted anchor",
        TimestampRefusal::TsaNotValid => "its authority's certificate was not valid then",
        TimestampRefusal::TsaRevoked => {
            "its authority's certificate was revoked before a later timestamp proved it"
        }
    }
}

/// A signature's proof of existence on one line, times in `zone`: `existence proven at
/// 2024-03-01 13:00:05 +01:00 by a later document timestamp (Test TSA)`, or what the
/// certificate was judged at without a proof, and the timestamps refused.
pub fn existence(proof: &ProofOfExistence, zone: &jiff::tz::TimeZone) -> String {
    let time = proof
        .time
        .as_deref()
        .map(|t| super::time::local_text(t, zone));
    let mut line = match (proof.proven, time) {
        (true, Some(t)) => format!(
            "existence proven at {t} by {}{}",
            existence_source(proof.source),
            proof
                .tsa
                .as_deref()
                .map(|tsa| format!(" ({tsa})"))
                .unwrap_or_default()
        ),
        (_, Some(t)) => format!(
            "no timestamp proves when it was signed; judged at {t}, {}",
            existence_source(proof.source)
        ),
        (_, None) => "no timestamp proves when it was signed, and no time is known".to_owned(),
    };
    for r in &proof.refused {
        let which = match (r.kind, r.field.as_deref()) {
            (TimestampKind::SignatureTimestamp, _) => "its own timestamp".to_owned(),
            (TimestampKind::DocumentTimestamp, Some(field)) => {
                format!("the document timestamp {field}")
            }
            (TimestampKind::DocumentTimestamp, None) => "a document timestamp".to_owned(),
        };
        line.push_str(&format!(
            "; {which} proves nothing: {}",
            timestamp_refusal(r.reason)
        ));
    }
    line
}

/// Why no checked seal vouches for text evidence of a signing.
pub fn uncovered(reason: Uncovered) -> &'static str {
    reason.explain()
}

/// What an audit trail's event records.
pub fn audit_event(kind: EventKind) -> &'static str {
    match kind {
        EventKind::Created => "the agreement was created",
        EventKind::SentForSigning => "sent for signing",
        EventKind::SentForApproval => "sent for approval",
        EventKind::Viewed => "viewed",
        EventKind::NameEntered => "the signer typed the name to sign with",
        EventKind::ESigned => "e-signed",
        EventKind::DigitallySigned => "signed with a digital ID",
        EventKind::Approved => "approved",
        EventKind::AlternativeSignerAdded => "the sender added an alternative signer",
        EventKind::Delegated => "signing delegated to someone else",
        EventKind::SignerReplaced => "the sender replaced a signer",
        EventKind::EmailBounced => "an e-mail bounced",
        EventKind::Declined => "declined to sign",
        EventKind::Cancelled => "the agreement was cancelled",
        EventKind::Expired => "the agreement expired",
        EventKind::Completed => "the agreement was completed",
        EventKind::Identified => "the signer identified with an eID",
        EventKind::Sealed => "the platform sealed the document",
        EventKind::Other => "an event no vocabulary knows",
    }
}

/// The words for a code that evidence holds as text (the record keeps the typed value's
/// serialised name): a check failure, a change level, a signing source, an uncovered reason,
/// an audit event, a role. Only names of two words or more (`digest_mismatch`) and the roles'
/// (`adjuster` is a justerare): another one-word name such as `other` belongs to several types
/// and is shown as it is. `None` for any other text.
pub fn code(text: &str) -> Option<&'static str> {
    if let Some(r) = named(&ROLES, text) {
        return Some(role(r));
    }
    if !text.contains('_') {
        return None;
    }
    named(&CHECK_FAILURES, text)
        .map(check_failure)
        .or_else(|| named(&MODIFICATIONS, text).map(modification))
        .or_else(|| named(&SOURCES, text).map(source))
        .or_else(|| named(&UNCOVERED, text).map(uncovered))
        .or_else(|| named(&AUDIT_EVENTS, text).map(audit_event))
        .or_else(|| named(&EXISTENCE_SOURCES, text).map(existence_source))
}

/// A role's words from its serialised name (`adjuster` → `justerare`), for reports that read
/// records back as JSON.
pub fn role_code(text: &str) -> Option<&'static str> {
    named(&ALL_ROLES, text).map(role)
}

/// A signing source's words from its serialised name (`pades` → `PDF signature`).
pub fn source_code(text: &str) -> Option<&'static str> {
    named(&SOURCES, text).map(source)
}

/// A severity's word from its serialised name (`info` → `note`).
pub fn severity_code(text: &str) -> Option<&'static str> {
    named(&SEVERITIES, text).map(severity)
}

/// A finding's sentence from its dotted code (`order.violation`).
pub fn finding_code(text: &str) -> Option<&'static str> {
    FindingCode::from_name(text).map(finding)
}

/// Every value of the enums [`code`] reads back. A variant missing here is shown as its
/// code, never wrongly; the test below checks each list against its `match`.
const CHECK_FAILURES: [CheckErrorKind; 8] = [
    CheckErrorKind::Malformed,
    CheckErrorKind::DigestMismatch,
    CheckErrorKind::SignatureMismatch,
    CheckErrorKind::UnsupportedAlgorithm,
    CheckErrorKind::UnsupportedFormat,
    CheckErrorKind::CertificateMissing,
    CheckErrorKind::OverLimit,
    CheckErrorKind::Internal,
];
const MODIFICATIONS: [ModificationLevel; 5] = [
    ModificationLevel::None,
    ModificationLevel::LtaUpdates,
    ModificationLevel::FormFilling,
    ModificationLevel::Annotations,
    ModificationLevel::Other,
];
const SOURCES: [SigningSource; 4] = [
    SigningSource::Pades,
    SigningSource::EidLogin,
    SigningSource::AuditTrail,
    SigningSource::Text,
];
const ALL_ROLES: [SignerRole; 4] = [
    SignerRole::Chair,
    SignerRole::Secretary,
    SignerRole::Adjuster,
    SignerRole::Other,
];
const SEVERITIES: [Severity; 3] = [Severity::Error, Severity::Warning, Severity::Info];
/// The roles whose names no other type uses (`other` is also a change level and an event).
const ROLES: [SignerRole; 3] = [
    SignerRole::Chair,
    SignerRole::Secretary,
    SignerRole::Adjuster,
];
const UNCOVERED: [Uncovered; 3] = [
    Uncovered::NoSeal,
    Uncovered::OtherPlatform,
    Uncovered::AddedAfterSeal,
];
const AUDIT_EVENTS: [EventKind; 19] = [
    EventKind::Created,
    EventKind::SentForSigning,
    EventKind::SentForApproval,
    EventKind::Viewed,
    EventKind::NameEntered,
    EventKind::ESigned,
    EventKind::DigitallySigned,
    EventKind::Approved,
    EventKind::AlternativeSignerAdded,
    EventKind::Delegated,
    EventKind::SignerReplaced,
    EventKind::EmailBounced,
    EventKind::Declined,
    EventKind::Cancelled,
    EventKind::Expired,
    EventKind::Completed,
    EventKind::Identified,
    EventKind::Sealed,
    EventKind::Other,
];

const EXISTENCE_SOURCES: [ExistenceSource; 6] = [
    ExistenceSource::SignatureTimestamp,
    ExistenceSource::DocumentTimestamp,
    ExistenceSource::UnprovenTimestamp,
    ExistenceSource::SigningTime,
    ExistenceSource::DictionaryTime,
    ExistenceSource::None,
];

/// The value of `list` whose serialised name is `text`.
fn named<T: serde::Serialize + Copy>(list: &[T], text: &str) -> Option<T> {
    list.iter()
        .copied()
        .find(|v| serde_json::to_value(v).is_ok_and(|name| name.as_str() == Some(text)))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Words are for people: no snake_case code, no camel-case Rust name, no empty phrase.
    fn assert_words(text: &str) {
        assert!(!text.is_empty());
        assert!(!text.contains('_'), "{text}");
        for word in text.split(|c: char| !c.is_alphanumeric()) {
            // An uppercase letter, lowercase letters, an uppercase letter: `EntireRevision`.
            let chars: Vec<char> = word.chars().collect();
            let camel = chars.iter().enumerate().any(|(i, c)| {
                let lower = chars[i + 1..]
                    .iter()
                    .take_while(|c| c.is_lowercase())
                    .count();
                c.is_uppercase()
                    && lower > 0
                    && chars.get(i + 1 + lower).is_some_and(|c| c.is_uppercase())
            });
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
    fn codes_in_evidence_read_back_as_words() {
        assert_eq!(
            code("digest_mismatch"),
            Some("the signed bytes were changed")
        );
        assert_eq!(
            code("form_filling"),
            Some("form fields filled or signed after it")
        );
        assert_eq!(code("audit_trail"), Some("audit trail"));
        assert_eq!(code("no_seal"), Some(uncovered(Uncovered::NoSeal)));
        assert_eq!(
            code("alternative_signer_added"),
            Some("the sender added an alternative signer")
        );
        assert_eq!(code("adjuster"), Some("justerare"));
        // One-word names belong to several types; other text is not a code.
        assert_eq!(code("other"), None);
        assert_eq!(code("Signatur_1"), None);
        assert_eq!(code("signatur_ordf"), None);
    }

    #[test]
    fn reports_read_names_back_as_words() {
        assert_eq!(role_code("adjuster"), Some("justerare"));
        assert_eq!(role_code("other"), Some("signer"));
        assert_eq!(source_code("pades"), Some("PDF signature"));
        assert_eq!(source_code("eid_login"), Some("eID login"));
        assert_eq!(severity_code("info"), Some("note"));
        assert_eq!(
            finding_code("order.violation"),
            Some(finding(FindingCode::OrderViolation))
        );
        assert_eq!(role_code("Chair"), None);
        assert_eq!(finding_code("order"), None);
    }

    #[test]
    fn a_proof_of_existence_reads_as_one_line_with_what_proves_nothing() {
        use crate::signature::existence::RefusedTimestamp;
        let zone = jiff::tz::TimeZone::get("Europe/Stockholm").unwrap();
        let proven = ProofOfExistence {
            proven: true,
            time: Some("2024-03-01T12:00:05Z".into()),
            source: ExistenceSource::SignatureTimestamp,
            tsa: Some("Test TSA".into()),
            ..ProofOfExistence::default()
        };
        assert_eq!(
            existence(&proven, &zone),
            "existence proven at 2024-03-01 13:00:05 +01:00 by the signature's own timestamp (Test TSA)"
        );
        // Near miss: nothing proves it, and the refused document timestamp is named.
        let claimed = ProofOfExistence {
            proven: false,
            time: Some("2024-03-01T12:00:00Z".into()),
            source: ExistenceSource::SigningTime,
            refused: vec![RefusedTimestamp {
                kind: TimestampKind::DocumentTimestamp,
                field: Some("Timestamp1".into()),
                time: None,
                tsa: None,
                reason: TimestampRefusal::Untrusted,
            }],
            ..ProofOfExistence::default()
        };
        let line = existence(&claimed, &zone);
        assert!(
            line.starts_with("no timestamp proves when it was signed"),
            "{line}"
        );
        assert!(
            line.ends_with("the document timestamp Timestamp1 proves nothing: its authority does not chain to a trusted anchor"),
            "{line}"
        );
    }

    #[test]
    fn the_code_lists_hold_every_variant() {
        // Each list's length is its enum's variant count, as the exhaustive matches above
        // have them; distinct serialised names show no variant is listed twice.
        fn distinct<T: serde::Serialize>(list: &[T]) -> usize {
            let names: std::collections::HashSet<String> = list
                .iter()
                .map(|v| serde_json::to_value(v).unwrap().to_string())
                .collect();
            names.len()
        }
        assert_eq!(distinct(&CHECK_FAILURES), 8);
        assert_eq!(distinct(&MODIFICATIONS), 5);
        assert_eq!(distinct(&SOURCES), 4);
        assert_eq!(distinct(&ALL_ROLES), 4);
        assert_eq!(distinct(&SEVERITIES), 3);
        assert_eq!(distinct(&UNCOVERED), 3);
        assert_eq!(distinct(&AUDIT_EVENTS), 19);
        assert_eq!(distinct(&EXISTENCE_SOURCES), 6);
        for source in EXISTENCE_SOURCES {
            assert_words(existence_source(source));
        }
        for kind in AUDIT_EVENTS {
            assert_words(audit_event(kind));
        }
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

    #[test]
    fn a_qualification_is_said_only_when_a_trusted_list_decided_it() {
        use crate::signature::trusted_list::{Qualification, QualificationStatus};
        let q = Qualification {
            status: QualificationStatus::QualifiedEsig,
            basis: String::new(),
            territory: Some("SE".into()),
            service: Some("Test QC CA".into()),
        };
        assert_eq!(
            qualification(&q).as_deref(),
            Some("qualified electronic signature (SE trusted list, service \"Test QC CA\")")
        );
        // Near miss: unknown says nothing (the certificate's own word is said elsewhere).
        assert_eq!(qualification(&Qualification::unknown("no list")), None);
    }

    #[test]
    fn qc_statements_read_as_the_issuers_word() {
        use crate::signature::qualified::{QcStatements, QcType};
        let qc = QcStatements {
            eu_qualified: true,
            qscd: true,
            types: vec![QcType::Esign],
            legislation: Vec::new(),
        };
        let line = qc_statements(&qc).expect("a line");
        assert!(
            line.contains(
                "EU qualified, key on a qualified device (QSCD), for electronic signatures"
            ) && line.contains("the issuer's word; only a trusted list"),
            "{line}"
        );
        // Near miss: an extension that states nothing arkivar reads gives no line.
        assert_eq!(qc_statements(&QcStatements::default()), None);
    }

    #[test]
    fn revocation_summary_counts_good_and_names_the_rest() {
        let cert = |subject: &str, status| CertificateRevocation {
            status,
            ..CertificateRevocation::no_data(subject.into(), "01".into())
        };
        let line = revocation_summary(&[
            cert("Eva", RevocationStatus::Good),
            cert("Issuing CA", RevocationStatus::Good),
            cert("Root CA", RevocationStatus::NoData),
        ])
        .expect("a line");
        assert_eq!(line, "revocation: 2 not revoked; no data for Root CA");
        let revoked = revocation_summary(&[cert("Eva", RevocationStatus::Revoked)]);
        assert_eq!(revoked.as_deref(), Some("revocation: REVOKED Eva"));
        // Near miss: nothing checked, no line.
        assert_eq!(revocation_summary(&[]), None);
    }
}
