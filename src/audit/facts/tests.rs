//! The facts on hand-written trails: each test is named after the defect it shows, with the
//! nearest case where the fact must not fire.

use super::*;
use crate::audit::adobe_sign::tests::{EN_COLUMNS, SV_INLINE};
use crate::audit::{find_audit_trails, find_stamps};

fn trail(text: &str) -> AuditTrail {
    let mut t = find_audit_trails(&[text]);
    assert_eq!(t.len(), 1, "{t:#?}");
    t.remove(0)
}

const HEAD: &str = "\
Final Audit Report 2024-01-10
Created: 2024-01-09
By: A Sender (a@x.se)
Status: Signed
Transaction ID: T
\"Doc\" History
";

#[test]
fn clean_trail_has_no_problems() {
    let t = trail(SV_INLINE);
    assert!(is_completed(&t));
    assert!(sequence_problems(&t).is_empty());
    assert!(backward_steps(&t).is_empty());
    assert!(unsigned_recipients(&t).is_empty());
    let s = signings(&t);
    let got: Vec<_> = s
        .iter()
        .map(|s| (s.name.as_deref(), s.time.to_string()))
        .collect();
    assert_eq!(
        got,
        [
            (Some("Olle Ek"), "2023-03-02T08:05:07Z".to_string()),
            (Some("Lisa Holm"), "2023-03-03T12:01:02Z".to_string())
        ]
    );
    let seqs = signer_sequences(&t);
    assert_eq!(seqs.len(), 2);
    assert_eq!(seqs[1].email, "lisa.holm@example.se");
    assert_eq!(seqs[1].names, ["Lisa Holm"]);
    assert_eq!(
        (
            seqs[1].sent.len(),
            seqs[1].viewed.len(),
            seqs[1].signed.len()
        ),
        (1, 1, 1)
    );
}

#[test]
fn english_and_swedish_give_the_same_facts() {
    let en = find_audit_trails(&EN_COLUMNS).remove(0);
    let sv = trail(SV_INLINE);
    let who = |t: &AuditTrail| -> Vec<_> {
        signings(t)
            .into_iter()
            .map(|s| (s.name, s.email, s.time, s.time_source))
            .collect()
    };
    assert_eq!(who(&en), who(&sv));
    assert_eq!(signer_sequences(&en), signer_sequences(&sv));
}

#[test]
fn missing_completion() {
    let t = trail(&SV_INLINE.replace("Avtal har slutförts.\n2023-03-03 - 12:01:02 GMT\n", ""));
    assert!(!is_completed(&t));
    assert!(completion(&trail(SV_INLINE)).is_some());
}

#[test]
fn bounced_first_address_completed_by_alternative_signer() {
    let text = format!(
        "{HEAD}\
Document emailed to j@old.se for signature
2024-01-09 - 9:00:00 AM GMT
Email sent to j@old.se bounced and could not be delivered
2024-01-09 - 9:00:10 AM GMT
A Sender (a@x.se) added alternate signer j@new.se. The original signer j@old.se can still sign.
2024-01-09 - 10:00:00 AM GMT
Document emailed to j@new.se for signature
2024-01-09 - 10:00:00 AM GMT
Email viewed by j@new.se
2024-01-09 - 10:05:00 AM GMT
Signer j@new.se entered name at signing as Johan J
2024-01-09 - 10:06:00 AM GMT
Document e-signed by Johan J (j@new.se)
Signature Date: 2024-01-09 - 10:06:02 AM GMT - Time Source: server
Agreement completed.
2024-01-09 - 10:06:02 AM GMT
"
    );
    let t = trail(&text);
    assert!(unsigned_recipients(&t).is_empty());
    assert_eq!(events_of(&t, EventKind::EmailBounced).count(), 1);
    assert_eq!(events_of(&t, EventKind::AlternativeSignerAdded).count(), 1);
    // The nearest case where it must fire: the alternative never signs.
    let cut = text
        .split("Document e-signed by")
        .next()
        .unwrap_or_default()
        .to_string();
    let t = trail(&cut);
    let u = unsigned_recipients(&t);
    assert_eq!(u.len(), 1);
    assert_eq!(u[0].emails, ["j@old.se", "j@new.se"]);
    assert_eq!(u[0].names, ["Johan J"]);
    assert!(u[0].bounced && u[0].viewed && !u[0].declined);
}

#[test]
fn delegated_signer_completes_the_slot() {
    let text = format!(
        "{HEAD}\
Document emailed to Bo Chef (bo@x.se) for signature
2024-01-09 - 9:00:00 AM GMT
Document signing delegated to Cia Ersätt (cia@x.se) by Bo Chef (bo@x.se)
2024-01-09 - 9:30:00 AM GMT
Document emailed to Cia Ersätt (cia@x.se) for signature
2024-01-09 - 9:30:01 AM GMT
Email viewed by Cia Ersätt (cia@x.se)
2024-01-09 - 9:40:00 AM GMT
Document e-signed by Cia Ersätt (cia@x.se)
Signature Date: 2024-01-09 - 9:41:00 AM GMT - Time Source: server
Agreement completed.
2024-01-09 - 9:41:00 AM GMT
"
    );
    let t = trail(&text);
    assert!(unsigned_recipients(&t).is_empty());
    assert_eq!(events_of(&t, EventKind::Delegated).count(), 1);
    assert!(sequence_problems(&t).is_empty());
}

#[test]
fn recipient_who_never_signed() {
    let text = format!(
        "{HEAD}\
Document emailed to Ann A (ann@x.se) for signature
2024-01-09 - 9:00:00 AM GMT
Email viewed by Ann A (ann@x.se)
2024-01-09 - 9:10:00 AM GMT
Document e-signed by Ann A (ann@x.se)
Signature Date: 2024-01-09 - 9:11:00 AM GMT - Time Source: server
Document emailed to bert@x.se for signature
2024-01-09 - 9:11:01 AM GMT
Email viewed by bert@x.se
2024-01-10 - 6:15:40 AM GMT
"
    );
    let t = trail(&text);
    assert!(!is_completed(&t));
    let u = unsigned_recipients(&t);
    assert_eq!(u.len(), 1);
    assert_eq!(u[0].emails, ["bert@x.se"]);
    assert!(u[0].viewed && !u[0].bounced);
}

#[test]
fn signed_before_viewed() {
    let text = format!(
        "{HEAD}\
Document emailed to erik@x.se for signature
2024-01-09 - 9:00:00 AM GMT
Signer erik@x.se entered name at signing as Erik L
2024-01-09 - 9:09:56 AM GMT
Document e-signed by Erik L (erik@x.se)
Signature Date: 2024-01-09 - 9:09:58 AM GMT - Time Source: server
Email viewed by erik@x.se
2024-01-09 - 9:10:04 AM GMT
"
    );
    let t = trail(&text);
    let p = sequence_problems(&t);
    assert_eq!(p.len(), 1, "{p:?}");
    assert_eq!(p[0].kind, SequenceProblemKind::SignedBeforeViewed);
    assert_eq!(p[0].name.as_deref(), Some("Erik L"));
    assert_eq!(p[0].signed.to_string(), "2024-01-09T09:09:58Z");
    assert_eq!(
        p[0].earliest_other.map(|t| t.to_string()).as_deref(),
        Some("2024-01-09T09:10:04Z")
    );
    // The trail's own timestamps still go forwards.
    assert!(backward_steps(&t).is_empty());
}

#[test]
fn signed_before_sent_and_without_viewing() {
    let text = format!(
        "{HEAD}\
Document e-signed by Erik L (erik@x.se)
Signature Date: 2024-01-09 - 9:00:00 AM GMT - Time Source: server
Document emailed to erik@x.se for signature
2024-01-09 - 9:10:00 AM GMT
"
    );
    let kinds: Vec<_> = sequence_problems(&trail(&text))
        .iter()
        .map(|p| p.kind)
        .collect();
    assert_eq!(
        kinds,
        [
            SequenceProblemKind::SignedBeforeSent,
            SequenceProblemKind::SignedWithoutViewing
        ]
    );
}

#[test]
fn times_going_backwards() {
    let text = format!(
        "{HEAD}\
Document emailed to ann@x.se for signature
2024-01-09 - 9:00:00 AM GMT
Email viewed by ann@x.se
2024-01-09 - 8:59:00 AM GMT
Document e-signed by Ann A (ann@x.se)
Signature Date: 2024-01-09 - 8:59:30 AM GMT - Time Source: server
Agreement completed.
2024-01-09 - 9:01:00 AM GMT
"
    );
    let t = trail(&text);
    let b = backward_steps(&t);
    // Both the viewing and the signing are earlier than the sending listed above them.
    assert_eq!(b.len(), 2, "{b:?}");
    assert_eq!(b[0].index, 1);
    assert_eq!(b[0].previous.to_string(), "2024-01-09T09:00:00Z");
    assert_eq!(b[0].time.to_string(), "2024-01-09T08:59:00Z");
    assert_eq!(b[1].index, 2);
}

#[test]
fn stamps_against_the_trail() {
    let body = "\
Sekreterare: Olle Ek
Olle Ek (2 mar 2023 09:05 GMT+1)
Justerare: Lisa Holm
Lisa Holm (3 mar. 2023 14:01 GMT+1)
";
    let trails = find_audit_trails(&[body, SV_INLINE]);
    let stamps = find_stamps(&[body]);
    let checks = stamp_checks(&trails, &stamps);
    let got: Vec<_> = checks
        .iter()
        .map(|c| (c.stamp.name.as_str(), c.difference_seconds))
        .collect();
    // Olle's stamp truncates 08:05:07 UTC to the minute; Lisa's is an hour late.
    assert_eq!(got, [("Olle Ek", Some(0)), ("Lisa Holm", Some(3600))]);
    assert_eq!(
        checks[1]
            .signing
            .as_ref()
            .map(|s| s.time.to_string())
            .as_deref(),
        Some("2023-03-03T12:01:02Z")
    );
    let stranger = find_stamps(&["Per Persson (2 mar 2023 09:05 GMT+1)"]);
    let checks = stamp_checks(&trails, &stranger);
    assert_eq!(
        (checks[0].signing.is_none(), checks[0].difference_seconds),
        (true, None)
    );
}

#[test]
fn stamp_names_match_without_diacritics_or_middle_name() {
    let trails = find_audit_trails(&[SV_INLINE]);
    let stamps = find_stamps(&[
        "Lisa Maria HOLM (3 mar 2023 13:01 CET)",
        "Olle Ék (2 mar 2023 09:05 GMT+1)",
    ]);
    let checks = stamp_checks(&trails, &stamps);
    assert_eq!(checks[0].difference_seconds, Some(0));
    assert_eq!(checks[1].difference_seconds, Some(0));
}
