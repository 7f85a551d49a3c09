//! The verdict stage: facts from the signature, minutes and audit-trail stages weighed by a
//! policy into findings and a status (verdict.md). Each rule is a small function in
//! [`rules`]; [`identity`] says who is who; [`calendar`] counts days as Swedish law does.

pub mod calendar;
pub mod cover;
/// Who is who, shared with the minutes reader (which matches OCR'd names to participants).
pub use crate::identity;
pub mod pen;
pub mod policy;
pub mod rules;
pub mod signing;

use jiff::Timestamp;

use crate::audit::AuditTrail;
use crate::audit::stamp::Stamp;
use crate::minutes::MinutesFacts;
use crate::ocr::OcrInfo;
use crate::pdf::text::PageText;
use crate::record::{Finding, FindingCode, Severity, Status};
use crate::signature::examine::SignatureFacts;
use policy::{Checks, Policy};
use signing::{Signing, signing_events};

/// What the earlier stages found about one document.
#[derive(Debug, Clone, Copy)]
pub struct Inputs<'a> {
    /// The PDF's signatures.
    pub signatures: &'a [SignatureFacts],
    /// The minutes, when the document is a protocol.
    pub minutes: Option<&'a MinutesFacts>,
    /// E-sign audit trails in the text.
    pub trails: &'a [AuditTrail],
    /// Visible signing stamps in the text.
    pub stamps: &'a [Stamp],
    /// Which trails and stamps a checked seal vouches for ([`cover::covers`]).
    pub covers: &'a cover::Covers,
    /// The page texts (for pen signatures on scanned pages).
    pub pages: &'a [PageText],
    /// OCR of scanned pages, when any page needed it.
    pub ocr: Option<&'a OcrInfo>,
    /// When the document is processed (for `time.in_future`).
    pub now: Timestamp,
}

/// The verdict on one document.
#[derive(Debug, Clone)]
pub struct Verdict {
    /// verdict.md § Status.
    pub status: Status,
    /// Every finding, errors first.
    pub findings: Vec<Finding>,
    /// Who signed, in order.
    pub signing: Vec<Signing>,
}

/// Weighs the facts by `policy`.
pub fn verify(inputs: &Inputs<'_>, policy: &Policy) -> Verdict {
    use rules::{audit, level, notice, ocr, protocol, signature};
    // The zone was validated when the pipeline was loaded; UTC keeps a bad one harmless here.
    let tz = policy.zone().unwrap_or(jiff::tz::TimeZone::UTC);
    let sigs = inputs.signatures;
    let mut findings = Vec::new();
    findings.extend(signature::integrity_broken(sigs, policy));
    findings.extend(signature::unverifiable_pdf(sigs, policy));
    findings.extend(signature::modified_after_signing(sigs, policy));
    findings.extend(signature::untrusted(sigs, policy));
    findings.extend(signature::certificate_invalid(sigs, policy));
    findings.extend(signature::revoked_after_claimed_time(sigs, policy));
    findings.extend(signature::in_future(sigs, inputs.now, policy));
    findings.extend(signature::svt_disagrees(sigs, policy));
    findings.extend(level::level_insufficient(sigs, policy));
    findings.extend(ocr::ocr_used(inputs.ocr, policy));

    let protocol_checks = policy.checks == Checks::Protocol;
    let minutes = inputs.minutes.filter(|_| protocol_checks);
    let pen_pages = pen::PenPages::new(inputs.pages, inputs.ocr);
    let rows = pen_pages.rows(minutes);
    let pens: Vec<pen::PenSigning> = rows.iter().filter(|r| r.inked()).cloned().collect();
    findings.extend(signature::unverifiable_pen(&pens, policy));
    let signing = signing_events(
        sigs,
        inputs.trails,
        inputs.stamps,
        inputs.covers,
        &pens,
        minutes,
    );
    findings.extend(signature::unverifiable_evidence(&signing, policy));
    findings.extend(signature::unverifiable_trails(
        inputs.trails,
        inputs.covers,
        policy,
    ));
    if protocol_checks {
        findings.extend(audit::not_chronological(inputs.trails, policy));
        findings.extend(audit::incomplete(inputs.trails, policy));
        findings.extend(audit::alternative_signer(inputs.trails, policy));
        findings.extend(audit::delivery_failed(inputs.trails, policy));
        findings.extend(protocol::sources_disagree(&signing, policy));
        match minutes {
            Some(m) => {
                findings.extend(protocol::not_participant(&signing, policy));
                let unknown = pen_pages.unknown(Some(m));
                findings.extend(protocol::pen_not_participant(&unknown, policy));
                let mut missing = protocol::missing_signature(m, &signing, policy);
                pen::cite_blank_rows(&mut missing, &rows);
                findings.extend(missing);
                findings.extend(protocol::order_violation(&signing, policy));
                findings.extend(protocol::signed_before_meeting(m, &signing, policy, &tz));
                findings.extend(protocol::justering_deadline(m, &signing, policy, &tz));
                let justering = protocol::justering_time(m, &signing).map(|t| t.to_zoned(tz.clone()).date());
                findings.extend(notice::posted_late(m, justering, policy));
                findings.extend(notice::period_too_short(m, policy));
            }
            None => findings.push(rules::finding(
                policy,
                FindingCode::DocumentNotProtocol,
                "No meeting, participant list or designated signers were found: the document is not read as minutes.".into(),
                &[],
            )),
        }
    }
    findings.sort_by_key(|f| f.severity);
    // A trail is no signature of its own: a sealed one has its seal among `sigs`, and an
    // unsealed one is text (its signings, or `unverifiable_trails`, say so as warnings).
    let signed = !signing.is_empty() || sigs.iter().any(|s| !s.doc_timestamp);
    Verdict {
        status: status(&findings, signed),
        findings,
        signing,
    }
}

/// verdict.md § Status: errors fail, warnings warn, signatures with neither verify, and a
/// document with no signature of any kind (and no finding) is unsigned.
pub fn status(findings: &[Finding], signed: bool) -> Status {
    if findings.iter().any(|f| f.severity == Severity::Error) {
        Status::Failed
    } else if findings.iter().any(|f| f.severity == Severity::Warning) {
        Status::Warnings
    } else if signed {
        Status::Verified
    } else {
        Status::Unsigned
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn f(severity: Severity) -> Finding {
        Finding {
            code: FindingCode::OrderViolation,
            severity,
            message: String::new(),
            evidence: Default::default(),
        }
    }

    #[test]
    fn status_follows_the_worst_finding() {
        assert_eq!(
            status(&[f(Severity::Info), f(Severity::Error)], true),
            Status::Failed
        );
        assert_eq!(status(&[f(Severity::Warning)], true), Status::Warnings);
        assert_eq!(status(&[f(Severity::Info)], true), Status::Verified);
        assert_eq!(status(&[f(Severity::Info)], false), Status::Unsigned);
        // A protocol with no signatures at all fails on its missing signatures, not "unsigned".
        assert_eq!(status(&[f(Severity::Error)], false), Status::Failed);
    }

    #[test]
    fn a_plain_pdf_with_nothing_signed_is_unsigned_and_not_a_protocol() {
        let v = verify(
            &Inputs {
                signatures: &[],
                minutes: None,
                trails: &[],
                stamps: &[],
                covers: &cover::Covers::default(),
                pages: &[],
                ocr: None,
                now: Timestamp::UNIX_EPOCH,
            },
            &Policy::default(),
        );
        assert_eq!(v.status, Status::Unsigned);
        assert_eq!(v.findings.len(), 1);
        assert_eq!(v.findings[0].code, "document.not_protocol");
    }
}
