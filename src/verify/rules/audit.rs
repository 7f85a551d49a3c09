//! Rules over e-sign audit trails: events out of order, a trail that never completed or left
//! a recipient unsigned, alternative signers and bounced e-mails.

use serde_json::json;

use super::{FindingCode, finding};
use crate::audit::facts::{
    SequenceProblemKind, backward_steps, events_of, is_completed, sequence_problems,
    unsigned_recipients,
};
use crate::audit::{AuditTrail, EventKind};
use crate::record::Finding;
use crate::verify::policy::Policy;

/// `audit.not_chronological`: a signer signed before the document was sent to them or before
/// they viewed it, or the trail's timestamps go backwards.
pub fn not_chronological(trails: &[AuditTrail], policy: &Policy) -> Vec<Finding> {
    let mut out = Vec::new();
    for trail in trails {
        for p in sequence_problems(trail) {
            let what = match p.kind {
                SequenceProblemKind::SignedBeforeSent => "before it was sent to them",
                SequenceProblemKind::SignedBeforeViewed => "before they viewed it",
                // A trail may leave out sending or viewing events; absence is not disorder.
                SequenceProblemKind::SignedWithoutSending
                | SequenceProblemKind::SignedWithoutViewing => continue,
            };
            out.push(finding(
                policy,
                FindingCode::AuditNotChronological,
                format!(
                    "{} signed at {} {what} ({}).",
                    p.name.clone().unwrap_or_else(|| p.email.clone()),
                    p.signed,
                    p.earliest_other.map(|t| t.to_string()).unwrap_or_default()
                ),
                &[
                    ("email", json!(p.email)),
                    ("signed", json!(p.signed.to_string())),
                    (
                        "earliest_other",
                        json!(p.earliest_other.map(|t| t.to_string())),
                    ),
                    ("page", json!(p.page)),
                    ("line", json!(p.line)),
                ],
            ));
        }
        for b in backward_steps(trail) {
            out.push(finding(
                policy,
                FindingCode::AuditNotChronological,
                format!(
                    "The audit trail goes back in time: an event at {} follows one at {}.",
                    b.time, b.previous
                ),
                &[
                    ("time", json!(b.time.to_string())),
                    ("previous", json!(b.previous.to_string())),
                    ("page", json!(b.page)),
                    ("line", json!(b.line)),
                ],
            ));
        }
    }
    out
}

/// `audit.incomplete`: the trail has no completion event, or someone it was sent to for
/// signing never signed (an alternative signer who signed fills the slot).
pub fn incomplete(trails: &[AuditTrail], policy: &Policy) -> Vec<Finding> {
    let mut out = Vec::new();
    for trail in trails {
        if !is_completed(trail) {
            out.push(finding(
                policy,
                FindingCode::AuditIncomplete,
                format!(
                    "The audit trail has no completion event (status: {}).",
                    trail.status.clone().unwrap_or_else(|| "none".into())
                ),
                &[
                    ("transaction_id", json!(trail.transaction_id)),
                    ("status", json!(trail.status)),
                    ("pages", json!(trail.page_range)),
                ],
            ));
        }
        for slot in unsigned_recipients(trail) {
            out.push(finding(
                policy,
                FindingCode::AuditIncomplete,
                format!(
                    "{} was sent the document for signing and never signed.",
                    slot.emails.join(" / ")
                ),
                &[
                    ("emails", json!(slot.emails)),
                    ("names", json!(slot.names)),
                    ("bounced", json!(slot.bounced)),
                    ("viewed", json!(slot.viewed)),
                    ("declined", json!(slot.declined)),
                    ("page", json!(slot.page)),
                    ("line", json!(slot.line)),
                ],
            ));
        }
    }
    out
}

/// `audit.alternative_signer`: the sender added an alternative signer or signing was
/// delegated.
pub fn alternative_signer(trails: &[AuditTrail], policy: &Policy) -> Vec<Finding> {
    trails
        .iter()
        .flat_map(|t| {
            events_of(t, EventKind::AlternativeSignerAdded)
                .chain(events_of(t, EventKind::Delegated))
                .chain(events_of(t, EventKind::SignerReplaced))
        })
        .map(|e| {
            finding(
                policy,
                FindingCode::AuditAlternativeSigner,
                format!(
                    "{} was added to sign in place of {}.",
                    e.recipient_email
                        .clone()
                        .or(e.recipient_name.clone())
                        .unwrap_or_default(),
                    e.original_email
                        .clone()
                        .unwrap_or_else(|| "the original signer".into())
                ),
                &[
                    ("kind", json!(e.kind)),
                    ("by", json!(e.actor_email)),
                    ("added", json!(e.recipient_email)),
                    ("original", json!(e.original_email)),
                    ("time", json!(e.time.to_string())),
                    ("page", json!(e.page)),
                    ("line", json!(e.line)),
                ],
            )
        })
        .collect()
}

/// `audit.delivery_failed`: an e-mail to a signer bounced.
pub fn delivery_failed(trails: &[AuditTrail], policy: &Policy) -> Vec<Finding> {
    trails
        .iter()
        .flat_map(|t| events_of(t, EventKind::EmailBounced))
        .map(|e| {
            finding(
                policy,
                FindingCode::AuditDeliveryFailed,
                format!(
                    "An e-mail to {} bounced.",
                    e.recipient_email.clone().unwrap_or_default()
                ),
                &[
                    ("recipient", json!(e.recipient_email)),
                    ("time", json!(e.time.to_string())),
                    ("page", json!(e.page)),
                    ("line", json!(e.line)),
                ],
            )
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::audit::adobe_sign::tests::SV_INLINE;
    use crate::audit::find_audit_trails;

    fn trails(text: &str) -> Vec<AuditTrail> {
        let t = find_audit_trails(&[text]);
        assert_eq!(t.len(), 1);
        t
    }

    fn codes(f: &[Finding]) -> Vec<&str> {
        f.iter().map(|f| f.code.as_str()).collect()
    }

    #[test]
    fn clean_trail_makes_no_finding() {
        let (t, p) = (trails(SV_INLINE), Policy::default());
        assert!(not_chronological(&t, &p).is_empty());
        assert!(incomplete(&t, &p).is_empty());
        assert!(alternative_signer(&t, &p).is_empty());
        assert!(delivery_failed(&t, &p).is_empty());
    }

    #[test]
    fn signing_before_viewing_is_not_chronological() {
        // Olle Ek views the document an hour after he signed it.
        let text = SV_INLINE.replace(
            "E-postmeddelandet har visats av Olle Ek (olle.ek@example.se)\n2023-03-02 - 08:00:00 GMT",
            "E-postmeddelandet har visats av Olle Ek (olle.ek@example.se)\n2023-03-02 - 09:00:00 GMT",
        );
        let f = not_chronological(&trails(&text), &Policy::default());
        assert!(codes(&f).contains(&"audit.not_chronological"), "{f:?}");
    }

    #[test]
    fn clean_scrive_page_makes_no_finding_and_its_defects_do() {
        use crate::audit::scrive::tests::SV_CURRENT;
        let (t, p) = (trails(SV_CURRENT), Policy::default());
        assert!(not_chronological(&t, &p).is_empty());
        assert!(incomplete(&t, &p).is_empty());
        // Bo opens the document after he signed it.
        let late = SV_CURRENT.replace(
            "2024-03-01 10:11:00 CET (+0100)\nBo Berg öppnade",
            "2024-03-01 10:30:00 CET (+0100)\nBo Berg öppnade",
        );
        let f = not_chronological(&trails(&late), &p);
        // Signed before viewed, and three events earlier than the late viewing.
        assert_eq!(codes(&f), ["audit.not_chronological"; 4]);
        // No seal and Bo's signing gone: incomplete, twice (no completion, Bo never signed).
        let unsigned = SV_CURRENT
            .replace(
                "2024-03-01 10:12:13 CET (+0100)\nBo Berg signerade dokumentet\n",
                "",
            )
            .replace("Signerade 2024-03-01 10:12:13 CET (+0100)\n", "")
            .replace(
                "2024-03-01 10:12:15 CET (+0100)\nScrive E-signing förseglade dokumentet\n",
                "",
            );
        let f = incomplete(&trails(&unsigned), &p);
        assert_eq!(codes(&f), ["audit.incomplete", "audit.incomplete"]);
    }

    #[test]
    fn missing_completion_is_incomplete() {
        let text = SV_INLINE.replace("Avtal har slutförts.\n2023-03-03 - 12:01:02 GMT\n", "");
        let f = incomplete(&trails(&text), &Policy::default());
        assert_eq!(codes(&f), ["audit.incomplete"]);
    }
}
