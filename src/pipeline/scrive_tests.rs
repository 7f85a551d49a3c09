//! Minutes signed through Scrive, end to end: the minutes, Scrive's evidence page ("Verifikat"
//! or "Verification") as the last page, and Scrive's platform seal over the whole document.
//! Read like an Acrobat Sign report: the page's signings are the people's, the seal is the
//! platform's and never a signer, and the page counts only under that seal. Each case has its
//! near miss: the seal stripped, another platform's seal, the document changed after sealing,
//! a signing party who is not in the minutes, and events out of order.

use super::evidence_tests::{
    Signer, World, codes, minutes_lines, sign, signers, uncovered, with_evidence_page,
};
use crate::record::{FindingCode, Status};
use crate::verify::cover::Uncovered;

/// One signing party of the page: name, e-mail, personnummer, when they opened, identified
/// with BankID and signed (local times on 2022-09-26, CEST).
struct Party {
    name: &'static str,
    mail: &'static str,
    personnummer: &'static str,
    opened: &'static str,
    identified: &'static str,
    signed: &'static str,
}

/// The minutes' secretary, chair and adjuster, signing in the policy's order three days after
/// the meeting of 2022-09-23.
fn parties() -> Vec<Party> {
    vec![
        Party {
            name: "Annelie Ledin",
            mail: "annelie.ledin@example.se",
            personnummer: "197001011234",
            opened: "08:55:10",
            identified: "08:58:20",
            signed: "08:58:35",
        },
        Party {
            name: "Erik Lövgren",
            mail: "erik.lovgren@example.se",
            personnummer: "196502022345",
            opened: "09:05:00",
            identified: "09:09:40",
            signed: "09:09:58",
        },
        Party {
            name: "Johan Andersson",
            mail: "johan.andersson@example.se",
            personnummer: "198003033456",
            opened: "09:58:00",
            identified: "09:59:50",
            signed: "10:00:05",
        },
    ]
}

/// A current Swedish Scrive evidence page for `parties`: signing parties with personnummer and
/// their signing times, then the registered events in the order given.
fn verifikat_sv(parties: &[Party]) -> Vec<String> {
    let at = |t: &str| format!("2022-09-26 {t} CEST (+0200)");
    let mut lines = vec![
        "Verifikat".to_owned(),
        "Transaktion 09222115557512345678".to_owned(),
        "Dokument".to_owned(),
        "Protokoll styrelsen 2022-09-23".to_owned(),
        "Huvuddokument".to_owned(),
        "1 sida".to_owned(),
        "Startades 2022-09-26 08:50:02 CEST (+0200) av Inger Lind (IL)".to_owned(),
        "Signerande parter".to_owned(),
    ];
    for p in parties {
        lines.extend([
            p.name.to_owned(),
            p.mail.to_owned(),
            format!("Personnummer {}", p.personnummer),
            format!("Signerade {}", at(p.signed)),
        ]);
    }
    lines.extend([
        "Registrerade händelser".to_owned(),
        at("08:50:02"),
        "Inger Lind har laddat upp dokumentet".to_owned(),
    ]);
    for p in parties {
        lines.extend([
            at("08:50:05"),
            format!("Scrive skickade en inbjudan att signera till {}", p.name),
            "IP: 10.0.0.1".to_owned(),
        ]);
    }
    for p in parties {
        lines.extend([
            at(p.opened),
            format!("{} öppnade dokumentet", p.name),
            "IP: 10.0.0.2".to_owned(),
            at(p.identified),
            format!(
                "{} identifierade sig med svenskt BankID ({}, {})",
                p.name, p.name, p.personnummer
            ),
            "IP: 10.0.0.2".to_owned(),
            at(p.signed),
            format!("{} signerade dokumentet", p.name),
            "IP: 10.0.0.2".to_owned(),
        ]);
    }
    lines.extend([
        at("10:00:07"),
        "Scrive E-signing förseglade dokumentet".to_owned(),
        "Detta verifikat är utfärdat av Scrive. Information i kursiv stil är säkert verifierad."
            .to_owned(),
    ]);
    lines
}

/// Scrive's English page of 2013–2015 for `parties`: zone names without offsets, one
/// sentence per event.
fn verification_en(parties: &[Party]) -> Vec<String> {
    let at = |t: &str| format!("2022-09-26, {t} CEST");
    let mut lines = vec![
        "Verification".to_owned(),
        "Transaction 00000000000000000072".to_owned(),
        "Document".to_owned(),
        "Protokoll styrelsen 2022-09-23".to_owned(),
        "Main document".to_owned(),
        "1 page".to_owned(),
        "Sent by inger.lind@example.se".to_owned(),
        "Signing parties".to_owned(),
    ];
    for p in parties {
        lines.extend([p.name.to_owned(), p.mail.to_owned()]);
    }
    lines.push("Registered events".to_owned());
    for p in parties {
        lines.extend([
            at("08:50:05"),
            format!("Scrive sends an invitation to sign to {}.", p.name),
            "IP: 10.0.0.1".to_owned(),
        ]);
    }
    for p in parties {
        lines.extend([
            at(p.opened),
            format!("{} reviews the document online.", p.name),
            "IP: 10.0.0.2".to_owned(),
            at(p.signed),
            format!(
                "{} signs the document online with email as verification method.",
                p.name
            ),
            "IP: 10.0.0.2".to_owned(),
        ]);
    }
    lines.extend([
        at("10:00:07"),
        "The document is sealed and digitally signed by Scrive.".to_owned(),
        "This verification was issued by Scrive. Information in italics has been safely verified."
            .to_owned(),
    ]);
    lines
}

/// Scrive's platform certificate, as its seals name it.
fn scrive_seal(w: &World) -> Signer {
    Signer::new(&w.pki, 41, "Scrive E-signing", "Scrive AB")
}

/// The minutes with `page` as page 2, in one revision sealed over all of it by `seal`, or not
/// sealed at all.
fn sealed(w: &World, page: &[String], seal: Option<&Signer>) -> Vec<u8> {
    let mut b = with_evidence_page(&minutes_lines(&[]), Some(page), seal.map(|_| "seal"));
    let end = b.revision("");
    if let Some(seal) = seal {
        sign(&mut b, "seal", end, seal, &w.pki);
    }
    b.out
}

const IN_ORDER: [&str; 3] = ["Annelie Ledin", "Erik Lövgren", "Johan Andersson"];

#[test]
fn a_scrive_sealed_protocol_is_verified_with_its_signing_parties_in_order() {
    let w = World::new();
    let seal = scrive_seal(&w);
    for (language, page) in [
        ("sv", verifikat_sv(&parties())),
        ("en", verification_en(&parties())),
    ] {
        let r = w.record(&sealed(&w, &page, Some(&seal)));
        assert_eq!(r.status, Status::Verified, "{language}: {:#?}", r.findings);
        assert_eq!(signers(&r), IN_ORDER, "{language}");
        // The seal is the platform's: reported and checked, never a signer.
        assert_eq!(r.signatures.len(), 1, "{language}");
        assert!(r.signatures[0].intact, "{language}: {:#?}", r.signatures[0]);
        // Times are read as UTC: 08:58:35 CEST is 06:58:35Z.
        assert_eq!(
            r.signing
                .first()
                .and_then(|s| s.time)
                .map(|t| t.to_string()),
            Some("2022-09-26T06:58:35Z".to_owned()),
            "{language}: {:#?}",
            r.signing.first()
        );
    }
}

#[test]
fn a_scrive_page_without_its_seal_or_under_another_platforms_seal_is_unverifiable() {
    let w = World::new();
    let page = verifikat_sv(&parties());

    let bare = w.record(&sealed(&w, &page, None));
    assert_eq!(bare.status, Status::Warnings, "{:#?}", bare.findings);
    assert_eq!(codes(&bare), ["signature.unverifiable"; 3]);
    assert_eq!(uncovered(&bare), [Uncovered::NoSeal; 3]);

    // An Acrobat Sign seal does not vouch for Scrive's page.
    let adobe = Signer::new(&w.pki, 42, "Adobe Acrobat Sign", "Adobe Inc.");
    let other = w.record(&sealed(&w, &page, Some(&adobe)));
    assert_eq!(other.status, Status::Warnings, "{:#?}", other.findings);
    assert_eq!(uncovered(&other), [Uncovered::OtherPlatform; 3]);
}

#[test]
fn a_scrive_sealed_protocol_changed_after_sealing_fails() {
    let w = World::new();
    let mut bytes = sealed(&w, &verifikat_sv(&parties()), Some(&scrive_seal(&w)));
    // "Johan Andersson" on the minutes page becomes "Johan Anderzson": same length, inside
    // the signed byte range.
    let at = bytes
        .windows(15)
        .position(|w| w == b"Johan Andersson")
        .expect("the minutes name the adjuster");
    bytes[at + 12] = b'z';
    let r = w.record(&bytes);
    assert_eq!(r.status, Status::Failed, "{:#?}", r.findings);
    assert!(
        r.findings
            .iter()
            .any(|f| f.code == FindingCode::SignatureIntegrityBroken),
        "{:#?}",
        r.findings
    );
}

#[test]
fn a_scrive_signing_party_who_is_not_in_the_minutes_fails() {
    let w = World::new();
    let mut people = parties();
    people[2].name = "Kalle Anka";
    people[2].mail = "kalle.anka@example.se";
    let r = w.record(&sealed(&w, &verifikat_sv(&people), Some(&scrive_seal(&w))));
    assert_eq!(r.status, Status::Failed, "{:#?}", r.findings);
    let found = codes(&r);
    assert!(
        found.iter().any(|c| c == "signer.not_participant"),
        "{found:?}"
    );
}

#[test]
fn scrive_events_out_of_order_are_a_finding() {
    let w = World::new();
    let mut people = parties();
    // The chair's signing is registered before the time the page gives for opening it.
    people[1].signed = "09:04:00";
    let r = w.record(&sealed(&w, &verifikat_sv(&people), Some(&scrive_seal(&w))));
    assert_ne!(r.status, Status::Verified, "{:#?}", r.findings);
    let found = codes(&r);
    assert!(
        found.contains(&"audit.not_chronological".to_owned()),
        "{found:?}"
    );
}
