//! Hand-written Adobe Acrobat Sign reports in both languages and both header layouts, and the
//! defects a trail can show: a page break inside an event, a bounced e-mail, an alternative
//! signer, delegation, no completion, times going backwards, unknown events, page furniture.

use super::*;
use crate::audit::{check_vocabularies, find_audit_trails};

/// A Swedish final report, header as `Label: value` lines (the layout of the source text).
pub(crate) const SV_INLINE: &str = "\
Protokoll nämnden 2023-03-01

Slutgiltig revideringsrapport 2023-03-03

Skapad: 2023-03-02
Av: Karin Berg (karin.berg@example.se)
Status: Signerat
Transaktions-ID: CBJCHBCAABAAtest1

”Protokoll nämnden 2023-03-01” – historik

Dokumentet skapades av Karin Berg (karin.berg@example.se)
2023-03-02 - 07:00:01 GMT – IP-adress: 10.0.0.1

Dokumentet skickades med e-post till Olle Ek (olle.ek@example.se) för signering
2023-03-02 - 07:01:00 GMT

E-postmeddelandet har visats av Olle Ek (olle.ek@example.se)
2023-03-02 - 08:00:00 GMT – IP-adress: 10.0.0.2

Dokumentet har e-signerats av Olle Ek (olle.ek@example.se)
Signaturdatum: 2023-03-02 - 08:05:07 GMT – Tidskälla: server – IP-adress: 10.0.0.2

Dokumentet skickades med e-post till lisa.holm@example.se för signering
2023-03-02 - 08:05:09 GMT

E-postmeddelandet har visats av lisa.holm@example.se
2023-03-03 - 12:00:00 GMT – IP-adress: 10.0.0.3

Signerare lisa.holm@example.se angav namnet Lisa Holm vid signering
2023-03-03 - 12:01:00 GMT – IP-adress: 10.0.0.3

Dokumentet har e-signerats av Lisa Holm (lisa.holm@example.se)
Signaturdatum: 2023-03-03 - 12:01:02 GMT – Tidskälla: server – IP-adress: 10.0.0.3

Avtal har slutförts.
2023-03-03 - 12:01:02 GMT
";

/// The same agreement in English, header as two columns (all labels, then all values), the
/// history split over a page break between an event and its time.
pub(crate) const EN_COLUMNS: [&str; 2] = [
    "\
Protokoll nämnden 2023-03-01

Final Audit Report 2023-03-03

Created:
By:
Status:
Transaction ID:

2023-03-02
Karin Berg (karin.berg@example.se)
Signed
CBJCHBCAABAAtest1

\"Protokoll nämnden 2023-03-01\" History

Document created by Karin Berg (karin.berg@example.se)

2023-03-02 - 7:00:01 AM GMT- IP address: 10.0.0.1

Document emailed to Olle Ek (olle.ek@example.se) for signature

2023-03-02 - 7:01:00 AM GMT

Email viewed by Olle Ek (olle.ek@example.se)

2023-03-02 - 8:00:00 AM GMT- IP address: 10.0.0.2

Document e-signed by Olle Ek (olle.ek@example.se)

Signature Date: 2023-03-02 - 8:05:07 AM GMT - Time Source: server- IP address: 10.0.0.2

Document emailed to lisa.holm@example.se for signature

2023-03-02 - 8:05:09 AM GMT

Email viewed by lisa.holm@example.se
",
    "\
2023-03-03 - 12:00:00 PM GMT- IP address: 10.0.0.3

Signer lisa.holm@example.se entered name at signing as Lisa Holm

2023-03-03 - 12:01:00 PM GMT- IP address: 10.0.0.3

Document e-signed by Lisa Holm (lisa.holm@example.se)

Signature Date: 2023-03-03 - 12:01:02 PM GMT - Time Source: server- IP address: 10.0.0.3

Agreement completed.

2023-03-03 - 12:01:02 PM GMT
",
];

/// The kinds of a trail's events, in order.
pub(crate) fn kinds(t: &AuditTrail) -> Vec<EventKind> {
    t.events.iter().map(|e| e.kind).collect()
}

/// The one trail of `pages` (each a page's text).
pub(crate) fn one(pages: &[&str]) -> AuditTrail {
    let mut trails = find_audit_trails(pages);
    assert_eq!(trails.len(), 1, "{trails:#?}");
    trails.remove(0)
}

#[test]
fn every_vocabulary_loads() {
    check_vocabularies().unwrap();
    let vocabs = vocabularies().unwrap();
    assert_eq!(vocabs.len(), FILES.len());
    let langs: Vec<&str> = vocabs.iter().map(|v| v.language.as_str()).collect();
    assert_eq!(langs, ["sv", "en"]);
}

#[test]
fn swedish_inline_header_and_events() {
    let t = one(&["Brödtext\n", SV_INLINE]);
    assert_eq!(t.provider, Provider::AdobeSign);
    assert_eq!(t.language, "sv");
    assert_eq!(t.report, "Slutgiltig revideringsrapport");
    assert_eq!(
        t.report_date.map(|d| d.to_string()).as_deref(),
        Some("2023-03-03")
    );
    assert_eq!(t.title.as_deref(), Some("Protokoll nämnden 2023-03-01"));
    assert_eq!(t.transaction_id.as_deref(), Some("CBJCHBCAABAAtest1"));
    assert_eq!(
        t.created.map(|d| d.to_string()).as_deref(),
        Some("2023-03-02")
    );
    let by = t.created_by.clone().unwrap();
    assert_eq!(by.name.as_deref(), Some("Karin Berg"));
    assert_eq!(by.email.as_deref(), Some("karin.berg@example.se"));
    assert_eq!(t.status_kind, TrailStatus::Signed);
    assert_eq!(t.page_range, PageRange { first: 2, last: 2 });
    assert!(t.issues.is_empty(), "{:?}", t.issues);
    use EventKind::*;
    assert_eq!(
        kinds(&t),
        [
            Created,
            SentForSigning,
            Viewed,
            ESigned,
            SentForSigning,
            Viewed,
            NameEntered,
            ESigned,
            Completed
        ]
    );
    let signed = &t.events[3];
    assert_eq!(signed.time.to_string(), "2023-03-02T08:05:07Z");
    assert_eq!(signed.time_source.as_deref(), Some("server"));
    assert_eq!(signed.ip.as_deref(), Some("10.0.0.2"));
    assert_eq!((signed.page, signed.line, signed.time_line), (2, 21, 22));
    let named = &t.events[6];
    assert_eq!(named.actor_name.as_deref(), Some("Lisa Holm"));
    assert_eq!(named.actor_email.as_deref(), Some("lisa.holm@example.se"));
    assert_eq!(
        t.events[4].recipient_email.as_deref(),
        Some("lisa.holm@example.se")
    );
    assert_eq!(t.events[4].recipient_name, None);
}

#[test]
fn english_columns_and_page_break_give_the_same_events() {
    let sv = one(&[SV_INLINE]);
    let en = one(&EN_COLUMNS);
    assert_eq!(en.language, "en");
    assert_eq!(en.report, "Final Audit Report");
    assert_eq!(en.transaction_id, sv.transaction_id);
    assert_eq!(en.created, sv.created);
    assert_eq!(en.created_by, sv.created_by);
    assert_eq!(en.status_kind, TrailStatus::Signed);
    assert_eq!(en.title, sv.title);
    assert_eq!(en.page_range, PageRange { first: 1, last: 2 });
    let strip = |t: &AuditTrail| -> Vec<_> {
        t.events
            .iter()
            .map(|e| {
                (
                    e.kind,
                    e.time,
                    e.actor_email.clone(),
                    e.actor_name.clone(),
                    e.recipient_email.clone(),
                    e.ip.clone(),
                )
            })
            .collect()
    };
    assert_eq!(strip(&en), strip(&sv));
    // The viewing straddles the break: description on page 1, time on page 2.
    let viewed = &en.events[5];
    assert_eq!(viewed.kind, EventKind::Viewed);
    assert_eq!((viewed.page, viewed.time_page, viewed.time_line), (1, 2, 1));
    assert_eq!(viewed.time.to_string(), "2023-03-03T12:00:00Z");
}

#[test]
fn page_furniture_between_description_and_time() {
    let text = SV_INLINE.replace(
        "E-postmeddelandet har visats av lisa.holm@example.se\n",
        "E-postmeddelandet har visats av lisa.holm@example.se\nSida 1 av 2\u{c}Protokoll nämnden 2023-03-01 - Slutgiltig revideringsrapport 2023-03-03\n",
    );
    let pages: Vec<&str> = text.split('\u{c}').collect();
    let t = one(&pages);
    assert!(t.issues.is_empty(), "{:?}", t.issues);
    assert_eq!(t.events.len(), 9);
    assert_eq!(t.events[5].kind, EventKind::Viewed);
    assert_eq!(
        t.events[5].actor_email.as_deref(),
        Some("lisa.holm@example.se")
    );
    assert_eq!(t.page_range, PageRange { first: 1, last: 2 });
}

#[test]
fn junk_before_a_description_falls_away() {
    let text = SV_INLINE.replace(
        "Avtal har slutförts.",
        "Kommunen Exempel · diarienr 123\nAvtal har slutförts.",
    );
    let t = one(&[&text]);
    let last = t.events.last().unwrap();
    assert_eq!(last.kind, EventKind::Completed);
    assert_eq!(last.description, "Avtal har slutförts.");
}

#[test]
fn bounce_and_alternative_signer() {
    let text = "\
Slutgiltig revideringsrapport 2022-09-26
Skapad: 2022-09-26
Av: Inger Lind (inger.lind@kfvn.se)
Status: Signerat
Transaktions-ID: X1
\"Dok\" – historik
Dokumentet skickades med e-post till johan.andersson@kfvn.se för signering
2022-09-26 - 09:09:59 GMT
E-post som skickades till johan.andersson@kfvn.se studsade och kunde inte levereras
2022-09-26 - 09:10:09 GMT
Inger Lind (inger.lind@kfvn.se) har lagt till en alternativ signerare,
johan.andersson@solleftea.se. Den ursprungliga signeraren, johan.andersson@kfvn.se, kan
fortfarande signera.
2022-09-26 - 10:56:34 GMT – IP-adress: 193.234.95.12
";
    let t = one(&[text]);
    assert_eq!(t.title.as_deref(), Some("Dok"));
    let bounce = &t.events[1];
    assert_eq!(bounce.kind, EventKind::EmailBounced);
    assert_eq!(
        bounce.recipient_email.as_deref(),
        Some("johan.andersson@kfvn.se")
    );
    let alt = &t.events[2];
    assert_eq!(alt.kind, EventKind::AlternativeSignerAdded);
    assert_eq!(alt.actor_name.as_deref(), Some("Inger Lind"));
    assert_eq!(
        alt.recipient_email.as_deref(),
        Some("johan.andersson@solleftea.se")
    );
    assert_eq!(
        alt.original_email.as_deref(),
        Some("johan.andersson@kfvn.se")
    );
    assert_eq!((alt.page, alt.line, alt.time_line), (1, 11, 14));
}

#[test]
fn delegation_in_both_languages() {
    let en = "\
Final Audit Report 2024-01-10
Created: 2024-01-09
By: A Sender (a@x.se)
Status: Signed
Transaction ID: T
Document emailed to Bo Chef (bo@x.se) for signature
2024-01-09 - 9:00:00 AM GMT
Document signing delegated to Cia Ersätt (cia@x.se) by Bo Chef (bo@x.se)
2024-01-09 - 9:30:00 AM GMT- IP address: 1.1.1.1
";
    let t = one(&[en]);
    let d = &t.events[1];
    assert_eq!(d.kind, EventKind::Delegated);
    assert_eq!(d.recipient_email.as_deref(), Some("cia@x.se"));
    assert_eq!(d.recipient_name.as_deref(), Some("Cia Ersätt"));
    assert_eq!(d.actor_email.as_deref(), Some("bo@x.se"));
    let sv = "\
Slutgiltig revideringsrapport 2024-01-10
Status: Signerat
Signeringen av dokumentet har delegerats till cia@x.se av Bo Chef (bo@x.se)
2024-01-09 - 09:30:00 GMT
Bo Chef (bo@x.se) har delegerat signeringsrätten vidare till dan@x.se
2024-01-09 - 09:31:00 GMT
";
    let t = one(&[sv]);
    assert_eq!(t.events[0].kind, EventKind::Delegated);
    assert_eq!(t.events[0].recipient_email.as_deref(), Some("cia@x.se"));
    // No template knows the second phrasing; the keyword still recognises it.
    assert_eq!(t.events[1].kind, EventKind::Delegated);
    assert_eq!(t.events[1].actor_email.as_deref(), Some("bo@x.se"));
    assert_eq!(t.events[1].recipient_email.as_deref(), Some("dan@x.se"));
}

#[test]
fn out_for_signature_without_completion() {
    let text = SV_INLINE
        .replace("Slutgiltig revideringsrapport", "Revideringsrapport")
        .replace("Status: Signerat", "Status: Ute för signering")
        .replace("Avtal har slutförts.\n2023-03-03 - 12:01:02 GMT\n", "");
    let t = one(&[&text]);
    assert_eq!(t.report, "Revideringsrapport");
    assert_eq!(t.status.as_deref(), Some("Ute för signering"));
    assert_eq!(t.status_kind, TrailStatus::OutForSignature);
    assert!(!kinds(&t).contains(&EventKind::Completed));
}

#[test]
fn unknown_event_and_missing_time_are_issues_not_failures() {
    let text = format!(
        "{SV_INLINE}Något helt annat hände här\n2023-03-03 - 12:02:00 GMT\nDokumentet har e-signerats av X Y (x@y.se)\n"
    );
    let t = one(&[&text]);
    let other = &t.events[9];
    assert_eq!(other.kind, EventKind::Other);
    assert_eq!(other.description, "Något helt annat hände här");
    assert!(matches!(
        t.issues[0],
        TrailIssue::UnknownEvent { page: 1, .. }
    ));
    assert!(matches!(
        t.issues[1],
        TrailIssue::MissingTime { page: 1, .. }
    ));
    assert!(t.issues[1].to_string().contains("without a time"));
}

#[test]
fn body_phrases_are_not_trails() {
    let body = "\
§ 4 Revideringsrapport

Revisorerna lämnade sin revideringsrapport 2023-01-01.
Status: Utredning pågår
Final Audit Report
Nothing follows.
";
    // The first heading has a header label close below it, but no event and no report
    // header fields of its own beyond a status: it is kept only if it reads as a report.
    let trails = find_audit_trails(&[body]);
    assert!(trails.iter().all(|t| t.events.is_empty()));
    assert!(find_audit_trails(&["Final Audit Report\nnothing\n"]).is_empty());
    assert!(find_audit_trails(&["", "plain text"]).is_empty());
}

#[test]
fn two_trails_in_one_document() {
    let en = EN_COLUMNS.join("\n");
    let t = find_audit_trails(&[SV_INLINE, &en]);
    assert_eq!(t.len(), 2);
    assert_eq!(
        (t[0].language.as_str(), t[1].language.as_str()),
        ("sv", "en")
    );
    assert_eq!(t[0].events.len(), 9);
    assert_eq!(t[1].events.len(), 9);
}

#[test]
fn history_heading_alone_starts_a_trail() {
    let text = "\
\"Avtal 7\" History
Document created by A B (a@b.se)
2024-01-09 - 9:00:00 AM GMT
Agreement completed.
2024-01-09 - 9:05:00 AM GMT
";
    let t = one(&[text]);
    assert_eq!(t.title.as_deref(), Some("Avtal 7"));
    assert_eq!(t.events.len(), 2);
}

#[test]
fn signature_date_on_its_own_line() {
    let text = "\
Final Audit Report 2024-01-10
Status: Signed
Document e-signed by A B (a@b.se)
Signature Date:
2024-01-09 - 9:00:07 AM GMT - Time Source: server
";
    let t = one(&[text]);
    assert_eq!(t.events[0].kind, EventKind::ESigned);
    assert_eq!(t.events[0].time.to_string(), "2024-01-09T09:00:07Z");
    assert_eq!(t.events[0].time_source.as_deref(), Some("server"));
}
