//! Every route to a false `verified` that text alone once opened, end to end through the
//! pipeline, each beside its near miss that is rightly `verified` (verdict.md § What counts as
//! a signature). The PDFs, certificates and CMS signatures are built here, byte by byte.
//!
//! - an e-sign audit report whose platform seal was removed;
//! - a seal over an earlier revision than the report;
//! - visible signing stamps with no signature;
//! - "Digitalt signerat av" text with no signature;
//! - a stamp of one person under another person's signature;
//! - an Adobe Reader usage-rights signature and nothing else (`unsigned`).

use super::{Settings, process_at};
use crate::record::{FindingCode, Record, SourceInfo, Status};
use crate::signature::changes::tests::Builder;
use crate::signature::oid;
use crate::signature::testkit::{CertSpec, Pki, TestKey, ca_name, make_cert, make_cms, name};
use crate::verify::cover::Uncovered;

/// Width of every `/Contents` placeholder, in hex digits.
pub(super) const CONTENTS_HEX: usize = 12_000;

/// Minutes of a meeting on 2022-09-23 whose secretary, chair and adjuster are named, with
/// `extra` lines under the signature block.
pub(super) fn minutes_lines(extra: &[&str]) -> Vec<String> {
    let mut lines: Vec<String> = [
        "Protokoll styrelsen Kommunförbundet Västernorrland",
        "",
        "Plats: Digitalt via Teams",
        "",
        "Tid: 2022-09-23 kl. 13.00-15.00",
        "",
        "Närvarande:",
        "",
        "Erik Lövgren (S), Ånge, ordförande",
        "Johan Andersson (C), Sollefteå",
        "",
        "Utses att justera: Johan Andersson",
        "",
        "Paragrafer 28 – 29",
        "",
        "Underskrifter",
        "",
        "Sekreterare: Annelie Ledin",
        "",
        "Ordförande: Erik Lövgren",
        "",
        "Justerande: Johan Andersson",
        "",
    ]
    .iter()
    .map(|s| (*s).to_owned())
    .collect();
    lines.extend(extra.iter().map(|s| (*s).to_owned()));
    lines.push(String::new());
    lines.push("§ 28 Ledningens information".into());
    lines
}

/// An Adobe Acrobat Sign final audit report: the three people e-signed in the policy's order
/// three days after the meeting, and the agreement was completed.
fn audit_report_lines() -> Vec<String> {
    let mut lines = vec![
        "Protokoll styrelsen 2022-09-23".to_owned(),
        String::new(),
        "Slutgiltig revideringsrapport 2022-09-27".to_owned(),
        String::new(),
        "Skapad: 2022-09-26".to_owned(),
        "Av: Inger Lind (inger.lind@example.se)".to_owned(),
        "Status: Signerat".to_owned(),
        "Transaktions-ID: CBJCHBCAABAAtest2".to_owned(),
        String::new(),
        "”Protokoll styrelsen 2022-09-23” – historik".to_owned(),
        String::new(),
        "Dokumentet skapades av Inger Lind (inger.lind@example.se)".to_owned(),
        "2022-09-26 - 06:00:01 GMT – IP-adress: 10.0.0.1".to_owned(),
        String::new(),
    ];
    let people = [
        (
            "Annelie Ledin",
            "annelie.ledin@example.se",
            "06:01:00",
            "08:58:35",
        ),
        (
            "Erik Lövgren",
            "erik.lovgren@example.se",
            "08:58:40",
            "09:09:58",
        ),
        (
            "Johan Andersson",
            "johan.andersson@example.se",
            "09:10:00",
            "10:00:05",
        ),
    ];
    for (who, mail, sent, at) in people {
        lines.extend([
            format!("Dokumentet skickades med e-post till {who} ({mail}) för signering"),
            format!("2022-09-26 - {sent} GMT"),
            String::new(),
            format!("Dokumentet har e-signerats av {who} ({mail})"),
            format!(
                "Signaturdatum: 2022-09-26 - {at} GMT – Tidskälla: server – IP-adress: 10.0.0.2"
            ),
            String::new(),
        ]);
    }
    lines.extend([
        "Avtal har slutförts.".to_owned(),
        "2022-09-26 - 10:00:05 GMT".to_owned(),
    ]);
    lines
}

/// A literal string in WinAnsiEncoding, escaped for a content stream.
fn winansi(text: &str) -> String {
    let mut out = String::new();
    for c in text.chars() {
        let code: u32 = match c {
            '”' => 0x94,
            '–' => 0x96,
            c if (c as u32) < 0x100 => c as u32,
            _ => u32::from(b'?'),
        };
        match code {
            0x28 | 0x29 | 0x5c => {
                out.push('\\');
                out.push(char::from_u32(code).unwrap_or('?'));
            }
            0x20..=0x7e => out.push(char::from_u32(code).unwrap_or('?')),
            _ => out.push_str(&format!("\\{code:03o}")),
        }
    }
    out
}

/// A content stream that shows `lines` top to bottom in Helvetica.
pub(super) fn show(lines: &[String]) -> String {
    let mut s = String::from("BT /F1 10 Tf 12 TL 50 800 Td\n");
    for line in lines {
        s.push_str(&format!("({}) Tj T*\n", winansi(line)));
    }
    s.push_str("ET");
    s
}

/// A signature dictionary with an empty `/Contents` of [`CONTENTS_HEX`] digits and a
/// placeholder `/ByteRange` that [`sign`] fills in; `marker` (its `/Name`) makes it findable.
pub(super) fn sig_value(marker: &str, extra: &str) -> String {
    format!(
        "<< /Type /Sig /Filter /Adobe.PPKLite /SubFilter /ETSI.CAdES.detached /Name ({marker}) \
         /M (D:20220927100000Z) /ByteRange {} /Contents <{}> {extra} >>",
        crate::signature::changes::tests::BR,
        "0".repeat(CONTENTS_HEX)
    )
}

/// A signer: key and certificate issued by the test PKI's CA.
pub(super) struct Signer {
    pub(super) key: TestKey,
    pub(super) cert: Vec<u8>,
}

impl Signer {
    pub(super) fn new(pki: &Pki, seed: u8, cn: &str, org: &str) -> Self {
        let key = TestKey::p256(seed);
        let mut spec = CertSpec::new(
            u64::from(seed) + 100,
            name(cn, &[(oid::AT_COUNTRY, "SE"), (oid::AT_ORGANIZATION, org)]),
            ca_name(),
        );
        spec.aki = Some(vec![0xbb; 20]);
        let cert = make_cert(&spec, &key, &pki.ca_key);
        Signer { key, cert }
    }
}

impl Signer {
    /// A natural person's certificate: a personal identity number as serialNumber.
    fn person(pki: &Pki, seed: u8, cn: &str, personnummer: &str) -> Self {
        Self::person_with(pki, seed, cn, personnummer, Vec::new())
    }

    /// [`Signer::person`] with further certificate `extensions` (whole `Extension`s).
    pub(super) fn person_with(
        pki: &Pki,
        seed: u8,
        cn: &str,
        personnummer: &str,
        extensions: Vec<Vec<u8>>,
    ) -> Self {
        let key = TestKey::p256(seed);
        let mut spec = CertSpec::new(
            u64::from(seed) + 100,
            name(
                cn,
                &[
                    (oid::AT_COUNTRY, "SE"),
                    (oid::AT_SERIAL_NUMBER, personnummer),
                ],
            ),
            ca_name(),
        );
        spec.aki = Some(vec![0xbb; 20]);
        spec.extensions = extensions;
        let cert = make_cert(&spec, &key, &pki.ca_key);
        Signer { key, cert }
    }
}

/// Signs the revision that ends at `end` with the signature whose `/Name` is `marker`:
/// fills in its `/ByteRange` and writes a CMS signature over those bytes into `/Contents`.
pub(super) fn sign(b: &mut Builder, marker: &str, end: usize, signer: &Signer, pki: &Pki) {
    sign_at(b, marker, end, signer, pki, Some("220927100000Z"));
}

/// [`sign`] with the CMS `signingTime` attribute `signing_time` (UTCTime), or none.
pub(super) fn sign_at(
    b: &mut Builder,
    marker: &str,
    end: usize,
    signer: &Signer,
    pki: &Pki,
    signing_time: Option<&str>,
) {
    let tag = format!("/Name ({marker})");
    let find = |hay: &[u8], needle: &[u8]| hay.windows(needle.len()).position(|w| w == needle);
    let at = find(&b.out, tag.as_bytes()).expect("marker");
    let range_at = at + find(&b.out[at..], b"/ByteRange ").expect("byte range") + 11;
    let open = at + find(&b.out[at..], b"/Contents <").expect("contents") + 10;
    let close = open + CONTENTS_HEX + 2;
    let range = format!("[0 {open:010} {close:010} {:010}]", end - close);
    b.out[range_at..range_at + range.len()].copy_from_slice(range.as_bytes());
    let mut signed = b.out[..open].to_vec();
    signed.extend_from_slice(&b.out[close..end]);
    let mut spec = crate::signature::testkit::CmsSpec::new(&signer.key, &signer.cert, &signed);
    spec.extra_certs = vec![pki.ca.clone()];
    spec.signing_time = signing_time;
    let der = make_cms(&spec, &|_| Vec::new()).der;
    let hex = hex::encode(der);
    assert!(
        hex.len() <= CONTENTS_HEX,
        "CMS too large for the placeholder"
    );
    b.out[open + 1..open + 1 + hex.len()].copy_from_slice(hex.as_bytes());
}

/// Objects every fixture shares: catalog (with or without a form), font, and page 1 with the
/// minutes. Pages are objects 3 (minutes) and 6 (report); the seal is field 21, value 22.
fn original(minutes: &[String], report: bool, seal: Option<&str>) -> Builder {
    let report = report.then(audit_report_lines);
    with_evidence_page(minutes, report.as_deref(), seal)
}

/// [`original`] with `evidence` (any platform's evidence page) as page 2 when there is one.
pub(super) fn with_evidence_page(
    minutes: &[String],
    evidence: Option<&[String]>,
    seal: Option<&str>,
) -> Builder {
    let report = evidence.is_some();
    let mut b = Builder::new();
    let acro = if seal.is_some() {
        " /AcroForm 20 0 R"
    } else {
        ""
    };
    let kids = if report { "[3 0 R 6 0 R]" } else { "[3 0 R]" };
    let count = if report { 2 } else { 1 };
    let annots = if seal.is_some() {
        " /Annots [21 0 R]"
    } else {
        ""
    };
    b.obj(1, &format!("<< /Type /Catalog /Pages 2 0 R{acro} >>"))
        .obj(
            2,
            &format!("<< /Type /Pages /Kids {kids} /Count {count} >>"),
        )
        .obj(
            3,
            &format!(
                "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R \
                 /Resources << /Font << /F1 5 0 R >> >>{annots} >>"
            ),
        )
        .stream(4, "", &show(minutes))
        .obj(
            5,
            "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>",
        );
    if let Some(lines) = evidence {
        evidence_page(&mut b, lines);
    }
    if let Some(marker) = seal {
        seal_objects(&mut b, marker);
    }
    b
}

fn report_page(b: &mut Builder) {
    evidence_page(b, &audit_report_lines());
}

fn evidence_page(b: &mut Builder, lines: &[String]) {
    b.obj(
        6,
        "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 7 0 R \
         /Resources << /Font << /F1 5 0 R >> >> >>",
    )
    .stream(7, "", &show(lines));
}

fn seal_objects(b: &mut Builder, marker: &str) {
    b.obj(20, "<< /Fields [21 0 R] /SigFlags 3 >>")
        .obj(
            21,
            "<< /FT /Sig /T (Seal) /V 22 0 R /Type /Annot /Subtype /Widget /Rect [0 0 0 0] /P 3 0 R /F 132 >>",
        )
        .obj(22, &sig_value(marker, ""));
}

/// A new revision that gives page 1 the signature field `Seal` (the catalog rewritten as
/// `catalog`, which must name the form `20 0 R`), signed over that revision by `signer`.
fn sign_in_new_revision(b: &mut Builder, catalog: &str, signer: &Signer, pki: &Pki) {
    b.obj(1, catalog).obj(
        3,
        "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R \
         /Resources << /Font << /F1 5 0 R >> >> /Annots [21 0 R] >>",
    );
    seal_objects(b, "seal");
    let end = b.revision("");
    sign(b, "seal", end, signer, pki);
}

pub(super) struct World {
    pub(super) pki: Pki,
    pub(super) seal: Signer,
    annelie: Signer,
    stranger: Signer,
}

impl World {
    pub(super) fn new() -> Self {
        let pki = Pki::new();
        let seal = Signer::new(&pki, 31, "E-signeringstjänsten", "Signeringsplattform AB");
        let annelie = Signer::new(&pki, 32, "Annelie Ledin", "Kommunförbundet");
        let stranger = Signer::person(&pki, 33, "Kalle Anka", "PNOSE-198001011234");
        World {
            pki,
            seal,
            annelie,
            stranger,
        }
    }

    pub(super) fn record(&self, bytes: &[u8]) -> Record {
        let settings = Settings {
            trust: self.pki.trust(),
            ..Settings::default()
        };
        let now: jiff::Timestamp = "2026-11-25T00:00:00Z".parse().expect("time");
        process_at(bytes, SourceInfo::named("fixture.pdf"), &settings, now)
    }
}

pub(super) fn codes(r: &Record) -> Vec<String> {
    r.findings
        .iter()
        .filter(|f| f.severity != crate::record::Severity::Info)
        .map(|f| f.code.to_string())
        .collect()
}

/// The reasons of the record's `signature.unverifiable` findings about text evidence.
pub(super) fn uncovered(r: &Record) -> Vec<Uncovered> {
    let all = [
        Uncovered::NoSeal,
        Uncovered::OtherPlatform,
        Uncovered::AddedAfterSeal,
    ];
    r.findings
        .iter()
        .filter(|f| f.code == FindingCode::SignatureUnverifiable)
        .filter_map(|f| f.evidence.get("reason"))
        .filter_map(|reason| {
            all.into_iter()
                .find(|u| serde_json::to_value(u).ok().as_ref() == Some(reason))
        })
        .collect()
}

pub(super) fn signers(r: &Record) -> Vec<&str> {
    r.signing.iter().map(|s| s.name.as_str()).collect()
}

/// A one-revision document of `lines` (and the report page when `report`), signed over its
/// whole revision by `by` (field `Seal`) when there is one.
fn one_revision(lines: &[String], report: bool, by: Option<&Signer>, pki: &Pki) -> Vec<u8> {
    let mut b = original(lines, report, by.map(|_| "seal"));
    let end = b.revision("");
    if let Some(signer) = by {
        sign(&mut b, "seal", end, signer, pki);
    }
    b.out
}

/// The report sealed in the one revision that holds it: verified, with the three signings.
fn sealed_report(w: &World) -> Vec<u8> {
    one_revision(&minutes_lines(&[]), true, Some(&w.seal), &w.pki)
}

#[test]
fn an_audit_report_is_a_signing_only_under_its_seal() {
    let w = World::new();
    let sealed = w.record(&sealed_report(&w));
    assert_eq!(sealed.status, Status::Verified, "{:#?}", sealed.findings);
    assert_eq!(
        signers(&sealed),
        ["Annelie Ledin", "Erik Lövgren", "Johan Andersson"]
    );

    // The same document with its seal stripped (qpdf's minimal-signed-restrictions-removed):
    // the report is text anyone could type.
    let stripped = w.record(&one_revision(&minutes_lines(&[]), true, None, &w.pki));
    assert_eq!(
        stripped.status,
        Status::Warnings,
        "{:#?}",
        stripped.findings
    );
    assert_eq!(
        codes(&stripped),
        ["signature.unverifiable"; 3],
        "{:#?}",
        stripped.findings
    );
    assert_eq!(uncovered(&stripped), [Uncovered::NoSeal; 3]);
    // The signings stay in the record, for the person who looks.
    assert_eq!(signers(&stripped), signers(&sealed));
}

#[test]
fn a_seal_over_an_earlier_revision_than_the_report_does_not_count() {
    let w = World::new();
    // Revision 1: the minutes, sealed. Revision 2: the report page, added after the seal.
    let mut b = original(&minutes_lines(&[]), false, Some("seal"));
    let end = b.revision("");
    sign(&mut b, "seal", end, &w.seal, &w.pki);
    b.obj(2, "<< /Type /Pages /Kids [3 0 R 6 0 R] /Count 2 >>");
    report_page(&mut b);
    b.revision("");
    let late = w.record(&b.out);
    assert_ne!(late.status, Status::Verified, "{:#?}", late.findings);
    assert!(
        uncovered(&late).contains(&Uncovered::AddedAfterSeal),
        "{:#?}",
        late.findings
    );

    // Near miss: the report added in revision 2 and the seal over revision 2.
    let mut b = original(&minutes_lines(&[]), false, None);
    b.revision("");
    b.obj(2, "<< /Type /Pages /Kids [3 0 R 6 0 R] /Count 2 >>");
    report_page(&mut b);
    sign_in_new_revision(
        &mut b,
        "<< /Type /Catalog /Pages 2 0 R /AcroForm 20 0 R >>",
        &w.seal,
        &w.pki,
    );
    let sealed = w.record(&b.out);
    assert_eq!(sealed.status, Status::Verified, "{:#?}", sealed.findings);
}

const STAMPS: [&str; 3] = [
    "Annelie Ledin (26 sep 2022 10:58 GMT+2)",
    "Erik Lövgren (26 sep 2022 11:09 GMT+2)",
    "Johan Andersson (26 sep 2022 12:00 GMT+2)",
];

const SIGNED_DIGITALLY: [&str; 3] = [
    "Digitalt signerat av Annelie Ledin 2022-09-26 10:58:35 UTC+02:00",
    "Digitalt signerat av Erik Lövgren 2022-09-26 11:09:58 UTC+02:00",
    "Digitalt signerat av Johan Andersson 2022-09-26 12:00:05 UTC+02:00",
];

/// Text evidence alone is three unverifiable signings; the same text under a platform seal is
/// three signings.
fn text_evidence_needs_a_seal(lines: &[&str]) {
    let w = World::new();
    let bare = w.record(&one_revision(&minutes_lines(lines), false, None, &w.pki));
    assert_eq!(bare.status, Status::Warnings, "{:#?}", bare.findings);
    assert_eq!(
        codes(&bare),
        ["signature.unverifiable"; 3],
        "{:#?}",
        bare.findings
    );
    assert_eq!(uncovered(&bare), [Uncovered::NoSeal; 3]);

    let sealed = w.record(&one_revision(
        &minutes_lines(lines),
        false,
        Some(&w.seal),
        &w.pki,
    ));
    assert_eq!(sealed.status, Status::Verified, "{:#?}", sealed.findings);
    assert_eq!(
        signers(&sealed),
        ["Annelie Ledin", "Erik Lövgren", "Johan Andersson"]
    );
}

#[test]
fn visible_stamps_are_signings_only_under_a_seal() {
    text_evidence_needs_a_seal(&STAMPS);
}

#[test]
fn signed_digitally_text_is_a_signing_only_under_a_seal() {
    text_evidence_needs_a_seal(&SIGNED_DIGITALLY);
}

#[test]
fn a_strangers_personal_signature_is_no_seal() {
    let w = World::new();
    // Someone outside the minutes signs the report with a trusted personal certificate.
    let r = w.record(&one_revision(
        &minutes_lines(&[]),
        true,
        Some(&w.stranger),
        &w.pki,
    ));
    assert_eq!(r.status, Status::Failed, "{:#?}", r.findings);
    assert_eq!(uncovered(&r), [Uncovered::NoSeal; 3], "{:#?}", r.findings);
    assert!(
        r.findings
            .iter()
            .any(|f| f.code == FindingCode::SignerNotParticipant),
        "{:#?}",
        r.findings
    );
}

#[test]
fn one_persons_signature_does_not_vouch_for_anothers_stamp() {
    let w = World::new();
    // Annelie signs, with her own certificate, a page whose text says all three signed.
    let r = w.record(&one_revision(
        &minutes_lines(&STAMPS),
        false,
        Some(&w.annelie),
        &w.pki,
    ));
    assert_ne!(r.status, Status::Verified, "{:#?}", r.findings);
    // Her own stamp joins her signature; the other two are text only.
    assert_eq!(uncovered(&r), [Uncovered::NoSeal; 2], "{:#?}", r.findings);
}

/// A usage-rights signature: an orphan signature dictionary that `/Perms /UR3` names.
fn usage_rights_doc(w: &World, approval: bool) -> Vec<u8> {
    let mut b = Builder::new();
    b.obj(
        1,
        "<< /Type /Catalog /Pages 2 0 R /Perms << /UR3 30 0 R >> >>",
    )
    .obj(2, "<< /Type /Pages /Kids [3 0 R] /Count 1 >>")
    .obj(
        3,
        "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R \
         /Resources << /Font << /F1 5 0 R >> >> >>",
    )
    .stream(4, "", &show(&["Ansökan om bygglov".to_owned()]))
    .obj(
        5,
        "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>",
    )
    .obj(
        30,
        &sig_value(
            "ur3",
            "/Reference [<< /Type /SigRef /TransformMethod /UR3 /TransformParams << /Type /TransformParams /Form [/FillIn] /V /2.2 >> >>]",
        ),
    );
    let end = b.revision("");
    // Reader's usage rights are Adobe's; here the test PKI stands in for it.
    sign(&mut b, "ur3", end, &w.seal, &w.pki);
    if approval {
        // Filled in and signed afterwards, in a revision of its own.
        sign_in_new_revision(
            &mut b,
            "<< /Type /Catalog /Pages 2 0 R /Perms << /UR3 30 0 R >> /AcroForm 20 0 R >>",
            &w.annelie,
            &w.pki,
        );
    }
    b.out
}

#[test]
fn usage_rights_alone_leave_a_document_unsigned() {
    let w = World::new();
    let r = w.record(&usage_rights_doc(&w, false));
    assert_eq!(r.status, Status::Unsigned, "{:#?}", r.findings);
    assert!(r.signatures.is_empty());
    assert_eq!(r.usage_rights.len(), 1);
    assert!(r.usage_rights[0].holds(), "{:#?}", r.usage_rights[0].error);
    assert!(r.signing.is_empty());

    // Near miss: the same form with an approval signature beside the usage rights.
    let r = w.record(&usage_rights_doc(&w, true));
    assert_eq!(r.status, Status::Verified, "{:#?}", r.findings);
    assert_eq!(r.signatures.len(), 1);
    assert_eq!(r.usage_rights.len(), 1);
}

/// A completed Acrobat Sign report that names nobody's signing.
fn report_without_signings() -> Vec<String> {
    [
        "Avtal 2022-09-23",
        "",
        "Slutgiltig revideringsrapport 2022-09-27",
        "",
        "Skapad: 2022-09-26",
        "Av: Inger Lind (inger.lind@example.se)",
        "Status: Signerat",
        "Transaktions-ID: CBJCHBCAABAAtest3",
        "",
        "”Avtal 2022-09-23” – historik",
        "",
        "Dokumentet skapades av Inger Lind (inger.lind@example.se)",
        "2022-09-26 - 06:00:01 GMT – IP-adress: 10.0.0.1",
        "",
        "Avtal har slutförts.",
        "2022-09-26 - 10:00:05 GMT",
    ]
    .iter()
    .map(|s| (*s).to_owned())
    .collect()
}

#[test]
fn a_report_that_names_no_signing_is_no_signature_without_its_seal() {
    let w = World::new();
    let bare = w.record(&one_revision(
        &report_without_signings(),
        false,
        None,
        &w.pki,
    ));
    assert_eq!(bare.audit_trails.len(), 1, "{:#?}", bare.pages);
    assert_eq!(bare.status, Status::Warnings, "{:#?}", bare.findings);
    assert_eq!(
        uncovered(&bare),
        [Uncovered::NoSeal],
        "{:#?}",
        bare.findings
    );

    // Near miss: the same report under its seal; the seal is the signature.
    let sealed = w.record(&one_revision(
        &report_without_signings(),
        false,
        Some(&w.seal),
        &w.pki,
    ));
    assert_eq!(sealed.status, Status::Verified, "{:#?}", sealed.findings);
}

/// Signed fixtures of this file for the fuzz targets' seed corpora (`src/fuzzing/seeds.rs`):
/// the minutes with the audit report sealed in one revision, the seal over an earlier revision
/// than the report, and the report unsealed.
pub(crate) fn fuzz_seed_pdfs() -> Vec<(&'static str, Vec<u8>)> {
    let w = World::new();
    let mut late = original(&minutes_lines(&[]), false, Some("seal"));
    let end = late.revision("");
    sign(&mut late, "seal", end, &w.seal, &w.pki);
    late.obj(2, "<< /Type /Pages /Kids [3 0 R 6 0 R] /Count 2 >>");
    report_page(&mut late);
    late.revision("");
    vec![
        ("evidence-sealed-report.pdf", sealed_report(&w)),
        ("evidence-seal-before-report.pdf", late.out),
        (
            "evidence-unsealed-report.pdf",
            one_revision(&minutes_lines(&[]), true, None, &w.pki),
        ),
    ]
}

/// The minutes' and the audit report's lines of this file as page texts, for the same seeds.
pub(crate) fn fuzz_seed_texts() -> Vec<(&'static str, String)> {
    vec![
        ("evidence-minutes.txt", minutes_lines(&[]).join("\n")),
        (
            "evidence-minutes-and-report.txt",
            format!(
                "{}\u{c}{}",
                minutes_lines(&[]).join("\n"),
                audit_report_lines().join("\n")
            ),
        ),
    ]
}
