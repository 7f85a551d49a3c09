//! Hand-written Scrive evidence pages in both languages and both layouts (2013–2015 without or
//! with the offset; current with personal identity numbers and BankID), and their near misses:
//! "Verifikat" in running text, events out of order, a signer who is no participant.

use super::*;
use crate::audit::adobe_sign::tests::{kinds, one};
use crate::audit::facts::{
    backward_steps, is_completed, sequence_problems, signings, unsigned_recipients,
};
use crate::audit::{check_vocabularies, find_audit_trails};

/// Scrive's Swedish page of 2015, as `arkivar extract` reads `sealed-3.pdf`.
pub(crate) const SV_2015: &str = "\
Verifikat
Transaktion 00000000000000014118
Dokument
Untitled
Huvuddokument
1 sida
Skickat av 1
Signerande parter
1
jonathan@scrive.com
Signerade 2015-02-23 15:57:15 CET (+0100)
Registrerade händelser
2015-02-23 15:57:15 CET (+0100)
Redigeringen av dokumentet avslutades av 1. Signeringsprocessen inleddes.
127.0.0.1
2015-02-23 15:57:15 CET (+0100)
Dokumentet signerades av 1.
127.0.0.1
Detta verifikat är utfärdat av Scrive. Information i kursiv stil är säkert verifierad.
";

/// Scrive's English page of 2013, as `arkivar extract` reads `sealed.pdf`: zone names only.
pub(crate) const EN_2013: &str = "\
Verification
Transaction 00000000000000000072
Document
contract
Main document
1 page
Sent by test-1@skrivapa.se
Signing parties
Bob Blue
test-1@skrivapa.se
test-2@skrivapa.se
Registered events
2013-01-23, 15:39:00 CET
signs the document online with email as verification method.
IP: 127.0.0.1
2013-01-23, 15:39:00 CET
Scrive sends an invitation to sign to Bob Blue.
IP: 127.0.0.1
2013-01-23, 15:39:13 CET
Bob Blue reviews the document online.
IP: 127.0.0.1
2013-01-23, 15:39:17 CET
Bob Blue signs the document online with email as verification method.
IP: 127.0.0.1
2013-01-23, 15:39:17 CET
The document is sealed and digitally signed by Scrive.
This verification was issued by Scrive. Information in italics has been safely verified.
";

/// A current Swedish page: two parties with personal identity numbers, BankID, the seal.
pub(crate) const SV_CURRENT: &str = "\
Verifikat
Transaktion 09222115557512345678
Dokument
Protokoll kommunstyrelsen 2024-02-27
Huvuddokument
3 sidor
Startades 2024-03-01 09:00:02 CET (+0100) av Karin Berg (KB)
Slutfördes 2024-03-01 10:12:13 CET (+0100)
Signerande parter
Anna Andersson
Exempel kommun
anna.andersson@example.se
Personnummer 197001011234
Signerade 2024-03-01 10:05:00 CET (+0100)
Bo Berg
bo.berg@example.se
Personnummer 198002022345
Signerade 2024-03-01 10:12:13 CET (+0100)
Registrerade händelser
2024-03-01 09:00:02 CET (+0100)
Karin Berg har laddat upp dokumentet
2024-03-01 09:00:05 CET (+0100)
Scrive skickade en inbjudan att signera till Anna Andersson
IP: 10.0.0.1
2024-03-01 09:00:05 CET (+0100)
Scrive skickade en inbjudan att signera till Bo Berg
IP: 10.0.0.1
2024-03-01 10:01:00 CET (+0100)
Anna Andersson öppnade dokumentet
IP: 10.0.0.2
2024-03-01 10:04:40 CET (+0100)
Anna Andersson identifierade sig med svenskt BankID (Anna Andersson, 197001011234)
IP: 10.0.0.2
2024-03-01 10:05:00 CET (+0100)
Anna Andersson signerade dokumentet
IP: 10.0.0.2
2024-03-01 10:11:00 CET (+0100)
Bo Berg öppnade dokumentet
IP: 10.0.0.3
2024-03-01 10:12:00 CET (+0100)
Bo Berg identifierade sig med svenskt BankID (Bo Berg, 198002022345)
IP: 10.0.0.3
2024-03-01 10:12:13 CET (+0100)
Bo Berg signerade dokumentet
IP: 10.0.0.3
2024-03-01 10:12:15 CET (+0100)
Scrive E-signing förseglade dokumentet
Detta verifikat är utfärdat av Scrive. Information i kursiv stil är säkert verifierad.
";

/// The same page in English, in summer time written as `CEST (+0200)` a day later.
fn en_current() -> String {
    SV_CURRENT
        .replace("Verifikat\n", "Verification\n")
        .replace("Transaktion", "Transaction")
        .replace("Dokument\n", "Document\n")
        .replace("Huvuddokument", "Main document")
        .replace("Signerande parter", "Signing parties")
        .replace("Personnummer", "ID no")
        .replace("Signerade", "Signed")
        .replace("Registrerade händelser", "Registered events")
        .replace(
            "Karin Berg har laddat upp dokumentet",
            "Karin Berg uploaded the document",
        )
        .replace(
            "Scrive skickade en inbjudan att signera till",
            "Scrive sent an invitation to sign to",
        )
        .replace("öppnade dokumentet", "viewed the document")
        .replace(
            "identifierade sig med svenskt BankID",
            "identified themselves with Swedish BankID",
        )
        .replace("signerade dokumentet", "signed the document")
        .replace("förseglade dokumentet", "sealed the document")
        .replace(
            "Detta verifikat är utfärdat av Scrive",
            "This verification was issued by Scrive",
        )
}

/// The page's signing parties as (name, e-mail).
pub(crate) fn names_and_emails(t: &AuditTrail) -> Vec<(Option<&str>, Option<&str>)> {
    t.parties
        .iter()
        .map(|p| (p.name.as_deref(), p.email.as_deref()))
        .collect()
}

fn times(t: &AuditTrail) -> Vec<String> {
    t.events.iter().map(|e| e.time.to_string()).collect()
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
fn swedish_2015_page_with_offsets() {
    let t = one(&["Avtal\n", SV_2015]);
    assert_eq!(t.provider, Provider::Scrive);
    assert_eq!(t.language, "sv");
    assert_eq!(t.report, "Verifikat");
    assert_eq!(t.transaction_id.as_deref(), Some("00000000000000014118"));
    assert_eq!(t.title.as_deref(), Some("Untitled"));
    assert_eq!(t.page_range, PageRange { first: 2, last: 2 });
    assert!(t.issues.is_empty(), "{:?}", t.issues);
    assert_eq!(t.parties.len(), 1);
    let p = &t.parties[0];
    assert_eq!(p.name.as_deref(), Some("1"));
    assert_eq!(p.email.as_deref(), Some("jonathan@scrive.com"));
    assert_eq!(
        p.signed.map(|s| s.to_string()).as_deref(),
        Some("2015-02-23T14:57:15Z")
    );
    assert_eq!(kinds(&t), [EventKind::Created, EventKind::ESigned]);
    assert_eq!(times(&t), ["2015-02-23T14:57:15Z"; 2]);
    let signed = &t.events[1];
    // The event names "1"; the parties section gives the address.
    assert_eq!(signed.actor_name.as_deref(), Some("1"));
    assert_eq!(signed.actor_email.as_deref(), Some("jonathan@scrive.com"));
    assert_eq!(signed.ip.as_deref(), Some("127.0.0.1"));
    assert_eq!(signed.identification, None);
    assert_eq!(
        t.created_by.as_ref().and_then(|p| p.email.as_deref()),
        Some("jonathan@scrive.com")
    );
    // No sealing event in this layout: every listed party's signing time completes it.
    assert!(is_completed(&t));
    assert!(unsigned_recipients(&t).is_empty());
}

#[test]
fn english_2013_page_with_zone_names_only() {
    let t = one(&[EN_2013]);
    assert_eq!(t.language, "en");
    assert_eq!(t.report, "Verification");
    assert_eq!(t.transaction_id.as_deref(), Some("00000000000000000072"));
    assert_eq!(t.title.as_deref(), Some("contract"));
    assert!(t.issues.is_empty(), "{:?}", t.issues);
    use EventKind::*;
    assert_eq!(
        kinds(&t),
        [ESigned, SentForSigning, Viewed, ESigned, Sealed]
    );
    // CET is +01:00.
    assert_eq!(
        times(&t),
        [
            "2013-01-23T14:39:00Z",
            "2013-01-23T14:39:00Z",
            "2013-01-23T14:39:13Z",
            "2013-01-23T14:39:17Z",
            "2013-01-23T14:39:17Z"
        ]
    );
    // The author's signing names nobody; the page says only how.
    assert_eq!(t.events[0].actor_name, None);
    assert_eq!(t.events[0].identification, Some(Identification::Email));
    // Two boxes read row by row: the sender shown only by address is the nameless one.
    let parties = names_and_emails(&t);
    assert_eq!(
        parties,
        [
            (None, Some("test-1@skrivapa.se")),
            (Some("Bob Blue"), Some("test-2@skrivapa.se"))
        ]
    );
    assert_eq!(t.events[1].recipient_name.as_deref(), Some("Bob Blue"));
    assert_eq!(
        t.events[3].actor_email.as_deref(),
        Some("test-2@skrivapa.se")
    );
    assert_eq!(t.events[3].actor_name.as_deref(), Some("Bob Blue"));
    assert_eq!(t.events[3].identification, Some(Identification::Email));
    // The platform is never an actor: a seal by a person of the document is no seal.
    assert_eq!(t.events[4].actor_name, None);
    assert_eq!(t.status_kind, TrailStatus::Signed);
    assert!(is_completed(&t));
    let names: Vec<_> = signings(&t).into_iter().map(|s| s.name).collect();
    assert_eq!(names, [None, Some("Bob Blue".to_string())]);
}

#[test]
fn row_wise_boxes_without_a_clue_pair_no_name() {
    // The sender is named, so nothing says which box is the nameless one.
    let text = EN_2013.replace("Sent by test-1@skrivapa.se", "Sent by Ann Author");
    let t = one(&[&text]);
    assert!(
        t.parties.iter().all(|p| p.name.is_none()),
        "{:?}",
        t.parties
    );
    assert_eq!(t.parties.len(), 2);
    // As many names as addresses pair in order.
    let text = EN_2013.replace("Bob Blue\ntest-1", "Bob Blue\nAnn Author\ntest-1");
    let t = one(&[&text]);
    let names: Vec<_> = t.parties.iter().map(|p| p.name.as_deref()).collect();
    assert_eq!(names, [Some("Bob Blue"), Some("Ann Author")]);
}

#[test]
fn current_swedish_page_with_bankid_and_masked_personal_numbers() {
    let t = one(&[SV_CURRENT]);
    assert!(
        t.issues
            .iter()
            .all(|i| matches!(i, TrailIssue::UnknownEvent { .. }))
    );
    // "har laddat upp dokumentet" is no phrase the vocabulary knows: kept, flagged.
    assert_eq!(t.events[0].kind, EventKind::Other);
    assert_eq!(t.issues.len(), 1);
    let parties: Vec<_> = t
        .parties
        .iter()
        .map(|p| {
            (
                p.name.as_deref(),
                p.email.as_deref(),
                p.personal_number.as_deref(),
                p.signed.map(|s| s.to_string()),
            )
        })
        .collect();
    assert_eq!(
        parties,
        [
            (
                Some("Anna Andersson"),
                Some("anna.andersson@example.se"),
                Some("19700101-****"),
                Some("2024-03-01T09:05:00Z".to_string())
            ),
            (
                Some("Bo Berg"),
                Some("bo.berg@example.se"),
                Some("19800202-****"),
                Some("2024-03-01T09:12:13Z".to_string())
            ),
        ]
    );
    use EventKind::*;
    assert_eq!(
        kinds(&t),
        [
            Other,
            SentForSigning,
            SentForSigning,
            Viewed,
            Identified,
            ESigned,
            Viewed,
            Identified,
            ESigned,
            Sealed
        ]
    );
    let id = &t.events[4];
    assert_eq!(id.identification, Some(Identification::BankId));
    assert_eq!(id.personal_number.as_deref(), Some("19700101-****"));
    assert!(!id.description.contains("1234"), "{}", id.description);
    assert!(id.description.contains("19700101-****"));
    let signed: Vec<_> = signings(&t)
        .into_iter()
        .map(|s| (s.name, s.email, s.time.to_string()))
        .collect();
    assert_eq!(
        signed,
        [
            (
                Some("Anna Andersson".to_string()),
                Some("anna.andersson@example.se".to_string()),
                "2024-03-01T09:05:00Z".to_string()
            ),
            (
                Some("Bo Berg".to_string()),
                Some("bo.berg@example.se".to_string()),
                "2024-03-01T09:12:13Z".to_string()
            ),
        ]
    );
    assert!(is_completed(&t));
    assert!(
        sequence_problems(&t).is_empty(),
        "{:?}",
        sequence_problems(&t)
    );
    assert!(backward_steps(&t).is_empty());
    assert!(unsigned_recipients(&t).is_empty());
    // Events name people; the parties section gives their addresses.
    assert_eq!(
        t.events[1].recipient_email.as_deref(),
        Some("anna.andersson@example.se")
    );
    let serialised = serde_json::to_string(&t).unwrap();
    assert!(!serialised.contains("197001011234") && !serialised.contains("1234)"));
}

#[test]
fn english_current_page_gives_the_same_facts_as_swedish() {
    let sv = one(&[SV_CURRENT]);
    let en_text = en_current();
    let en = one(&[&en_text]);
    assert_eq!(en.language, "en");
    let strip = |t: &AuditTrail| -> Vec<_> {
        t.events
            .iter()
            .map(|e| {
                (
                    e.kind,
                    e.time,
                    e.actor_email.clone(),
                    e.recipient_email.clone(),
                    e.identification,
                    e.personal_number.clone(),
                    e.ip.clone(),
                )
            })
            .collect()
    };
    assert_eq!(strip(&en), strip(&sv));
    assert_eq!(en.parties, sv.parties);
}

#[test]
fn summer_time_zone_name_and_stated_offset() {
    let text = SV_2015.replace(
        "2015-02-23 15:57:15 CET (+0100)",
        "2015-06-23 15:57:15 CEST (+0200)",
    );
    let t = one(&[&text]);
    assert_eq!(times(&t), ["2015-06-23T13:57:15Z"; 2]);
    // Without the offset, the zone name decides.
    let text = SV_2015.replace(
        "2015-02-23 15:57:15 CET (+0100)",
        "2015-06-23 15:57:15 CEST",
    );
    assert_eq!(times(&one(&[&text])), ["2015-06-23T13:57:15Z"; 2]);
    // The stated offset wins over a zone name that disagrees with it.
    let text = SV_2015.replace(
        "2015-02-23 15:57:15 CET (+0100)",
        "2015-06-23 15:57:15 CET (+0200)",
    );
    assert_eq!(times(&one(&[&text])), ["2015-06-23T13:57:15Z"; 2]);
}

#[test]
fn verifikat_in_running_text_is_no_trail() {
    let body = "\
§ 12 Verifikat
Ekonomichefen redovisade verifikat för december.
Verifikat
Alla verifikat ska sparas i tio år.
";
    assert!(find_audit_trails(&[body]).is_empty());
    // A title and a transaction number, but no party and no event: no evidence page.
    let bare = "Verifikat\nTransaktion 00000000000000000001\nDokument\nX\n";
    assert!(find_audit_trails(&[bare]).is_empty());
    // The near miss: the same start with one party is a page.
    let with_party = format!("{bare}Signerande parter\nA B\na@b.se\n");
    assert_eq!(find_audit_trails(&[&with_party]).len(), 1);
}

#[test]
fn a_page_continued_on_the_next_is_one_trail() {
    let (head, tail) = SV_CURRENT.split_once("2024-03-01 10:11:00").unwrap();
    let second =
        format!("Verifikat\nTransaktion 09222115557512345678\n2 (2)\n2024-03-01 10:11:00{tail}");
    let t = one(&[head, &second]);
    assert_eq!(t.page_range, PageRange { first: 1, last: 2 });
    assert_eq!(t.events.len(), 10);
    assert_eq!(t.events[6].kind, EventKind::Viewed);
    assert_eq!(t.events[6].page, 2);
}

#[test]
fn events_out_of_order() {
    // Bo signs at 10:12:13 but opens the document only at 10:30: signed before viewed, and
    // the page's times go backwards.
    let text = SV_CURRENT.replace(
        "2024-03-01 10:11:00 CET (+0100)\nBo Berg öppnade",
        "2024-03-01 10:30:00 CET (+0100)\nBo Berg öppnade",
    );
    let t = one(&[&text]);
    let p = sequence_problems(&t);
    assert_eq!(p.len(), 1, "{p:?}");
    assert_eq!(
        p[0].kind,
        crate::audit::facts::SequenceProblemKind::SignedBeforeViewed
    );
    assert_eq!(p[0].email, "bo.berg@example.se");
    // Every event after the late viewing is earlier than it.
    assert_eq!(backward_steps(&t).len(), 3);
    // The near miss: the page as it was has neither.
    let t = one(&[SV_CURRENT]);
    assert!(sequence_problems(&t).is_empty() && backward_steps(&t).is_empty());
}

#[test]
fn an_invited_party_who_never_signed_leaves_the_page_incomplete() {
    let text = SV_CURRENT
        .replace(
            "2024-03-01 10:12:13 CET (+0100)\nBo Berg signerade dokumentet\nIP: 10.0.0.3\n",
            "",
        )
        .replace("Signerade 2024-03-01 10:12:13 CET (+0100)\n", "")
        .replace(
            "2024-03-01 10:12:15 CET (+0100)\nScrive E-signing förseglade dokumentet\n",
            "",
        );
    let t = one(&[&text]);
    assert!(!is_completed(&t));
    let u = unsigned_recipients(&t);
    assert_eq!(u.len(), 1);
    assert_eq!(u[0].emails, ["bo.berg@example.se"]);
    assert!(u[0].viewed);
}

#[test]
fn unknown_event_and_time_without_sentence_are_issues() {
    let text = SV_2015.replace(
        "Dokumentet signerades av 1.\n127.0.0.1\n",
        "Något helt annat\n127.0.0.1\n2015-02-23 15:58:00 CET (+0100)\n",
    );
    let t = one(&[&text]);
    assert_eq!(t.events.len(), 2);
    assert_eq!(t.events[1].kind, EventKind::Other);
    assert!(matches!(t.issues[0], TrailIssue::UnknownEvent { .. }));
    assert!(matches!(t.issues[1], TrailIssue::OrphanTime { .. }));
}

#[test]
fn masking_keeps_only_dates_of_birth() {
    assert_eq!(
        mask_numbers("X (X, 197001011234) och 19700101-1234, 2024-03-01, 10.0.0.1"),
        (
            "X (X, 19700101-****) och 19700101-****, 2024-03-01, 10.0.0.1".to_string(),
            Some("19700101-****".to_string())
        )
    );
    assert_eq!(
        mask_numbers("123456789012345"),
        ("123456789012345".to_string(), None)
    );
    assert_eq!(masked_id("197001011234"), "19700101-****");
    // A foreign ID number keeps nothing.
    assert_eq!(masked_id("AB1234567"), "****");
}

#[test]
fn identification_is_a_word_not_part_of_an_address() {
    let v = &vocabularies().unwrap()[1];
    let id = |s: &str| identification(&Folded::new(s), v);
    assert_eq!(
        id("A signed the document with SMS"),
        Some(Identification::Sms)
    );
    assert_eq!(
        id("A identified with Swedish BankID"),
        Some(Identification::BankId)
    );
    assert_eq!(id("A signed the document (a@email.se)"), None);
    assert_eq!(id("A signed the document"), None);
}

/// Minutes whose chair is Anna Andersson and whose adjuster is `adjuster`.
fn minutes(adjuster: &str) -> crate::minutes::MinutesFacts {
    use crate::minutes::{Designated, MinutesFacts, Participant, Role};
    let person = |name: &str, role| Participant {
        name: name.into(),
        role,
        party: None,
        affiliation: None,
        replaces: None,
        paragraphs: None,
    };
    MinutesFacts {
        participants: vec![
            person("Anna Andersson", Role::Chair),
            person(adjuster, Role::Member),
        ],
        designated: Designated {
            chair: vec!["Anna Andersson".into()],
            secretary: Vec::new(),
            adjusters: vec![adjuster.into()],
        },
        ..MinutesFacts::default()
    }
}

#[test]
fn a_signer_of_the_page_who_is_no_participant() {
    use crate::record::SigningSource;
    use crate::verify::cover::Covers;
    use crate::verify::policy::Policy;
    use crate::verify::rules::protocol::not_participant;
    use crate::verify::signing::{MatchState, signing_events};
    let trails = find_audit_trails(&[SV_CURRENT]);
    let run = |m: &crate::minutes::MinutesFacts| {
        let events = signing_events(&[], &trails, &[], &Covers::default(), &[], Some(m));
        let f = not_participant(&events, &Policy::default());
        (events, f)
    };
    // Bo Berg signed on the page, but the minutes' adjuster is someone else.
    let (events, f) = run(&minutes("Cecilia Ek"));
    let bo = events
        .iter()
        .find(|e| e.signer_name.as_deref() == Some("Bo Berg"));
    assert_eq!(bo.map(|e| e.matched), Some(MatchState::Unmatched));
    assert_eq!(bo.map(|e| e.source), Some(SigningSource::AuditTrail));
    assert_eq!(f.len(), 1, "{f:?}");
    assert_eq!(f[0].code.as_str(), "signer.not_participant");
    // The near miss: Bo is the adjuster, and both signers are participants.
    let (events, f) = run(&minutes("Bo Berg"));
    assert!(
        events.iter().all(|e| e.matched == MatchState::Matched),
        "{events:?}"
    );
    assert!(f.is_empty(), "{f:?}");
    // Text alone: with no seal computed, every signing stays uncovered (never `verified`).
    assert!(events.iter().all(|e| e.unvouched().is_some()));
}
