//! The documents of `samples/` (what README's first command runs on), each showing one verdict
//! arkivar gives with `--trust samples/trust.pem`: Swedish minutes signed by each designated
//! person (`verified`), the same signed after the 14 days of Kommunallagen 5 kap. 69 §
//! (`warnings`), changed after signing (`failed`), signed on an e-sign platform whose seal
//! covers its audit report (`verified`), scanned with pen signatures (`warnings`: ink is not a
//! signature arkivar can check), and a plan nobody signs (`unsigned`).
//!
//! Every name, personal number and organisation is made up.

use super::scan::Page;
use super::signed::{Holder, Revisions, SampleCa, show, signature_value};

/// The file of the sample CA's root in `samples/`.
pub const TRUST_PEM: &str = "trust.pem";

/// One sample: its file name, the status and the finding codes (warnings and errors) arkivar
/// gives it with the sample CA trusted, and its bytes.
pub struct Sample {
    pub name: &'static str,
    pub status: &'static str,
    pub codes: &'static [&'static str],
    pub bytes: Vec<u8>,
}

/// Every sample, in the order of their file names.
pub fn all() -> Vec<Sample> {
    let people = People::new();
    let mut samples = vec![
        Sample {
            name: "01-minutes-verified.pdf",
            status: "verified",
            codes: &[],
            bytes: signed_minutes(&people, &ON_TIME, DECISION, &[], None),
        },
        Sample {
            name: "02-minutes-late-justering.pdf",
            status: "warnings",
            codes: &["time.justering_deadline_exceeded"],
            bytes: signed_minutes(&people, &LATE, DECISION, &[], None),
        },
        Sample {
            name: "03-minutes-changed-after-signing.pdf",
            status: "failed",
            codes: &["signature.modified_after_signing"],
            bytes: signed_minutes(&people, &ON_TIME, DECISION, &[], Some(CHANGED_DECISION)),
        },
        Sample {
            name: "04-minutes-e-signed-with-audit-report.pdf",
            status: "verified",
            codes: &[],
            bytes: e_signed_with_report(&people, DECISION, &[]),
        },
    ];
    samples.push(Sample {
        name: "05-minutes-scanned-pen-signed.pdf",
        status: "warnings",
        codes: &["signature.unverifiable"],
        bytes: scanned_minutes(DECISION),
    });
    samples.push(Sample {
        name: "06-plan-unsigned.pdf",
        status: "unsigned",
        codes: &[],
        bytes: unsigned_plan(),
    });
    samples
}

/// An endless series of distinct documents like the samples, for load runs
/// (`examples/scale_run.rs`): the archive keeps one record per document's SHA-256, so a run that
/// counts each job's record at the archive needs a document of its own for every job. Document
/// `i` differs from every other only in § 13's decision, which names stage `i` of the plan.
///
/// The samples are one page of minutes (two with the audit report); real minutes run to many
/// pages of matters, and [`Series::with_pages`] adds pages of them (§ 15 on) after the first,
/// covered by every signature like the first page.
#[derive(Default)]
pub struct Series {
    people: People,
    /// Pages of matters after the first page, the same for every document of the series.
    matters: Vec<Vec<u8>>,
}

impl Default for People {
    fn default() -> Self {
        People::new()
    }
}

impl Series {
    /// Documents of `pages` pages of minutes (at least one: the samples' page).
    pub fn with_pages(pages: usize) -> Self {
        Series {
            people: People::new(),
            matters: (1..pages.max(1)).map(matters_page).collect(),
        }
    }

    /// The `i`-th born-digital document and the status arkivar gives it with the sample CA
    /// trusted: in turn the minutes signed on time, signed late, changed after signing, and
    /// e-signed with the platform's audit report (samples 01 to 04).
    pub fn born_digital(&self, i: usize) -> (&'static str, Vec<u8>) {
        let decision = Self::decision(i);
        let (people, matters) = (&self.people, &self.matters);
        match i % 4 {
            0 => (
                "verified",
                signed_minutes(people, &ON_TIME, &decision, matters, None),
            ),
            1 => (
                "warnings",
                signed_minutes(people, &LATE, &decision, matters, None),
            ),
            2 => (
                "failed",
                signed_minutes(people, &ON_TIME, &decision, matters, Some(CHANGED_DECISION)),
            ),
            _ => ("verified", e_signed_with_report(people, &decision, matters)),
        }
    }

    /// The `i`-th scanned document (sample 05, pen-signed, one page image) and its status.
    pub fn scanned(&self, i: usize) -> (&'static str, Vec<u8>) {
        ("warnings", scanned_minutes(&Self::decision(i)))
    }

    fn decision(i: usize) -> String {
        format!("Kommunstyrelsen beslutar att anta etapp {i} av detaljplanen för Norra hamnen.")
    }
}

/// The content stream of the `n`-th page of matters after the first page: four paragraphs of
/// ordinary business (§ 15 on), each with its background, its proposal and its decision, as
/// they fill the pages of real minutes. No person, date or signature block: they leave every
/// verdict as the first page makes it.
fn matters_page(n: usize) -> Vec<u8> {
    const SUBJECTS: [&str; 8] = [
        "Budgetuppföljning för samhällsbyggnadsförvaltningen",
        "Taxa för bygglov och anmälan",
        "Renhållningsordning för kommunen",
        "Investeringsprogram för gator och vägar",
        "Riktlinjer för bostadsförsörjning",
        "Avtal om drift av fritidsanläggningar",
        "Yttrande över regional trafikförsörjningsplan",
        "Revidering av delegationsordning",
    ];
    const BODY: [&str; 9] = [
        "Ärendebeskrivning",
        "Förvaltningen har tagit fram ett underlag som beskriver nuläget, de ekonomiska",
        "konsekvenserna och hur ärendet har beretts tillsammans med berörda nämnder. Underlaget",
        "har remitterats till kommunens bolag och till de lokala organisationer som berörs.",
        "Arbetsutskottet har behandlat ärendet och föreslår att kommunstyrelsen godkänner det.",
        "Beslutsunderlag",
        "Tjänsteskrivelse från förvaltningen, arbetsutskottets protokoll och remissvaren.",
        "Yrkanden",
        "Ordföranden yrkar bifall till arbetsutskottets förslag.",
    ];
    let mut lines = Vec::new();
    for k in 0..4 {
        let paragraph = 15 + 4 * (n - 1) + k;
        let subject = SUBJECTS[paragraph % SUBJECTS.len()];
        lines.push(format!("§ {paragraph} {subject}"));
        lines.extend(BODY.iter().map(|l| (*l).to_owned()));
        lines.push("Beslut".to_owned());
        lines.push(format!(
            "Kommunstyrelsen beslutar att godkänna förslaget om {}.",
            subject.to_lowercase()
        ));
        lines.push(String::new());
    }
    let refs: Vec<&str> = lines.iter().map(String::as_str).collect();
    show(&refs)
}

/// The PEM of the sample CA's root, written as `samples/trust.pem`.
pub fn trust_pem() -> String {
    SampleCa::new().root_pem()
}

/// The sample CA and the people who sign.
struct People {
    ca: SampleCa,
    secretary: Holder,
    chair: Holder,
    adjuster: Holder,
    platform: Holder,
}

impl People {
    fn new() -> Self {
        let ca = SampleCa::new();
        People {
            secretary: ca.person(101, "Karin Sjöberg", "PNOSE-197203154321"),
            chair: ca.person(102, "Lars Öhman", "PNOSE-196511029876"),
            adjuster: ca.person(103, "Eva Lindqvist", "PNOSE-198007245678"),
            platform: ca.seal(
                201,
                "Exempel E-signering",
                "Exempel E-signering AB (exempel)",
            ),
            ca,
        }
    }

    /// Who signs the minutes, in the order of the pipeline's policy: secretary, chair,
    /// adjuster.
    fn in_order(&self) -> [&Holder; 3] {
        [&self.secretary, &self.chair, &self.adjuster]
    }
}

const SECRETARY: &str = "Karin Sjöberg";
const CHAIR: &str = "Lars Öhman";
const ADJUSTER: &str = "Eva Lindqvist";

/// The pen strokes of the three signatures, as [`Page::ink`] takes them: loops and a long
/// tail, each wider than the printed name's height and taller than its letters.
const PEN: [&[(i32, i32)]; 3] = [
    &[
        (10, -60),
        (30, -20),
        (50, 30),
        (70, -10),
        (90, -50),
        (110, 0),
        (130, 40),
        (150, -5),
        (170, -40),
        (200, 10),
        (230, 20),
        (280, -10),
    ],
    &[
        (0, -70),
        (20, 10),
        (40, 40),
        (60, -30),
        (80, -60),
        (100, 10),
        (130, 30),
        (150, -20),
        (190, -30),
        (240, 15),
    ],
    &[
        (20, 30),
        (40, -50),
        (60, -70),
        (70, 0),
        (90, 50),
        (120, -30),
        (150, -40),
        (170, 20),
        (200, 30),
        (260, -20),
    ],
];

/// When each designated person signs: the signature's `/M`, a PDF date in UTC (a PAdES
/// signature carries no signingTime of its own).
type Times = [&'static str; 3];

/// Two days after the meeting of 2026-03-10.
const ON_TIME: Times = [
    "D:20260312081402Z",
    "D:20260312090233Z",
    "D:20260312124719Z",
];

/// The adjuster signs on 2026-03-30, twenty days after the meeting.
const LATE: Times = [
    "D:20260312081402Z",
    "D:20260312090233Z",
    "D:20260330073055Z",
];

/// The decision of § 13 as a later revision rewrites it.
const CHANGED_DECISION: &str = "Kommunstyrelsen beslutar att avslå detaljplanen för Norra hamnen.";

/// The minutes of the municipal executive board's meeting of 2026-03-10, with `decision` as
/// § 13's decision; a line starting with `# ` is a heading.
fn minutes_lines(decision: &str) -> Vec<String> {
    let lines = [
        "# Sammanträdesprotokoll",
        "Kommunstyrelsen, Exempelby kommun",
        "",
        "Plats: Kommunhuset, sessionssalen",
        "Tid: 2026-03-10 kl. 13.00-15.30",
        "",
        "Beslutande:",
        "Lars Öhman (S), ordförande",
        "Per Ågren (C)",
        "Maria Nilsson (M)",
        "Eva Lindqvist (S)",
        "",
        "Övriga deltagare:",
        "Karin Sjöberg, sekreterare",
        "",
        "Utses att justera: Eva Lindqvist",
        "Justeringens plats och tid: Kommunhuset 2026-03-12",
        "",
        "Paragrafer 12 – 14",
        "",
        "Underskrifter",
        "",
        SIGNATURE_LINES[0],
        "",
        SIGNATURE_LINES[1],
        "",
        SIGNATURE_LINES[2],
        "",
        "§ 12 Val av justerare",
        "Kommunstyrelsen utser Eva Lindqvist att jämte ordföranden justera protokollet.",
        "",
        "§ 13 Detaljplan för Norra hamnen",
        decision,
        "",
        "§ 14 Anmälan av delegationsbeslut",
        "Kommunstyrelsen lägger redovisningen till handlingarna.",
    ];
    lines.iter().map(|line| (*line).to_owned()).collect()
}

/// The signature block's lines, secretary, chair and adjuster.
const SIGNATURE_LINES: [&str; 3] = [
    "Sekreterare: Karin Sjöberg",
    "Ordförande: Lars Öhman",
    "Justerande: Eva Lindqvist",
];

fn minutes(decision: &str) -> Vec<u8> {
    let lines = minutes_lines(decision);
    let refs: Vec<&str> = lines.iter().map(String::as_str).collect();
    show(&refs)
}

const DECISION: &str = "Kommunstyrelsen beslutar att anta detaljplanen för Norra hamnen.";

const FONT: &str =
    "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>";

/// The minutes with `decision` as § 13's decision, signed by the secretary, the chair and the
/// adjuster at `times`, one revision per signature as a signing service returns the document
/// to the next signer; then, when `changed` is given, a revision that rewrites § 13's decision
/// to it after the last signature.
fn signed_minutes(
    people: &People,
    times: &Times,
    decision: &str,
    matters: &[Vec<u8>],
    changed: Option<&str>,
) -> Vec<u8> {
    let page = |annots: &str| {
        format!(
            "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R \
             /Resources << /Font << /F1 5 0 R >> >> /Annots [{annots}] >>"
        )
    };
    // Each signature's field and value are new objects of its revision, numbered above every
    // object of the revisions before it, as a PDF writer numbers them (an incremental update
    // that fills a gap below the previous /Size is a change of its own to a checker): the
    // pages of matters come first, from 6, and the form after them.
    let form = (MATTERS_FIRST + 2 * matters.len() as u32).max(20);
    let mut b = Revisions::new();
    b.obj(
        1,
        &format!("<< /Type /Catalog /Pages 2 0 R /AcroForm {form} 0 R >>"),
    )
    .obj(
        2,
        &format!(
            "<< /Type /Pages /Kids [3 0 R{}] /Count {} >>",
            matters_kids(matters.len(), MATTERS_FIRST),
            1 + matters.len()
        ),
    )
    .stream(4, "", &minutes(decision))
    .obj(5, FONT);
    add_matters(&mut b, matters, MATTERS_FIRST);
    let mut fields = Vec::new();
    for (i, (signer, m)) in people.in_order().into_iter().zip(times).enumerate() {
        let (field, value) = (form + 1 + 2 * i as u32, form + 2 + 2 * i as u32);
        fields.push(format!("{field} 0 R"));
        let who = [SECRETARY, CHAIR, ADJUSTER][i];
        b.obj(3, &page(&fields.join(" ")))
            .obj(
                form,
                &format!("<< /Fields [{}] /SigFlags 3 >>", fields.join(" ")),
            )
            .obj(
                field,
                &format!(
                    "<< /FT /Sig /T (Underskrift {}) /V {value} 0 R /Type /Annot /Subtype /Widget \
                     /Rect [0 0 0 0] /P 3 0 R /F 132 >>",
                    i + 1
                ),
            )
            .obj_bytes(value, &signature_value(who, m));
        b.revision();
        b.sign_last(&people.ca, signer);
    }
    if let Some(decision) = changed {
        b.stream(4, "", &minutes(decision));
        b.revision();
    }
    b.out
}

/// The first object of the pages of matters in the signed minutes (after the catalog, the page
/// tree, the first page, its contents and the font).
const MATTERS_FIRST: u32 = 6;

/// The first object of the pages of matters in the e-signed minutes: one revision, so any
/// number above its other objects.
const E_SIGNED_MATTERS_FIRST: u32 = 100;

/// ` 6 0 R 8 0 R ...`: the pages of matters, numbered from `first`, in a `/Kids` array.
fn matters_kids(pages: usize, first: u32) -> String {
    (0..pages as u32)
        .map(|k| format!(" {} 0 R", first + 2 * k))
        .collect()
}

/// The pages of matters, each with its content stream, children of page tree 2, numbered
/// from `first`.
fn add_matters(b: &mut Revisions, matters: &[Vec<u8>], first: u32) {
    for (k, content) in (0u32..).zip(matters) {
        let (page, stream) = (first + 2 * k, first + 2 * k + 1);
        b.obj(
            page,
            &format!(
                "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents {stream} 0 R \
                 /Resources << /Font << /F1 5 0 R >> >> >>"
            ),
        )
        .stream(stream, "", content);
    }
}

/// An Adobe Acrobat Sign final audit report ("Slutgiltig revideringsrapport") for the minutes:
/// the three people e-signed in the policy's order two days after the meeting.
fn audit_report() -> Vec<u8> {
    let mut lines = vec![
        "Protokoll kommunstyrelsen 2026-03-10".to_owned(),
        String::new(),
        "Slutgiltig revideringsrapport 2026-03-12".to_owned(),
        String::new(),
        "Skapad: 2026-03-12".to_owned(),
        "Av: Inger Lind (inger.lind@exempelby.example)".to_owned(),
        "Status: Signerat".to_owned(),
        "Transaktions-ID: CBJCHBCAABAAexempel01".to_owned(),
        String::new(),
        "”Protokoll kommunstyrelsen 2026-03-10” – historik".to_owned(),
        String::new(),
        "Dokumentet skapades av Inger Lind (inger.lind@exempelby.example)".to_owned(),
        "2026-03-12 - 07:30:01 GMT – IP-adress: 192.0.2.10".to_owned(),
        String::new(),
    ];
    let people = [
        (SECRETARY, "karin.sjoberg", "07:31:00", "08:14:02"),
        (CHAIR, "lars.ohman", "08:14:05", "09:02:33"),
        (ADJUSTER, "eva.lindqvist", "09:02:36", "12:47:19"),
    ];
    for (who, user, sent, at) in people {
        let mail = format!("{user}@exempelby.example");
        lines.extend([
            format!("Dokumentet skickades med e-post till {who} ({mail}) för signering"),
            format!("2026-03-12 - {sent} GMT"),
            String::new(),
            format!("Dokumentet har e-signerats av {who} ({mail})"),
            format!(
                "Signaturdatum: 2026-03-12 - {at} GMT – Tidskälla: server – IP-adress: 192.0.2.20"
            ),
            String::new(),
        ]);
    }
    lines.extend([
        "Avtal har slutförts.".to_owned(),
        "2026-03-12 - 12:47:19 GMT".to_owned(),
    ]);
    let refs: Vec<&str> = lines.iter().map(String::as_str).collect();
    show(&refs)
}

/// The minutes (with `decision` as § 13's decision) and the platform's audit report as page 2,
/// sealed by the platform over the whole document once the last person signed, as Acrobat
/// Sign delivers it.
fn e_signed_with_report(people: &People, decision: &str, matters: &[Vec<u8>]) -> Vec<u8> {
    let mut b = Revisions::new();
    let page = |contents: u32, annots: &str| {
        format!(
            "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents {contents} 0 R \
             /Resources << /Font << /F1 5 0 R >> >>{annots} >>"
        )
    };
    b.obj(1, "<< /Type /Catalog /Pages 2 0 R /AcroForm 20 0 R >>")
        .obj(
            2,
            &format!(
                "<< /Type /Pages /Kids [3 0 R{} 6 0 R] /Count {} >>",
                matters_kids(matters.len(), E_SIGNED_MATTERS_FIRST),
                2 + matters.len()
            ),
        )
        .obj(3, &page(4, " /Annots [21 0 R]"))
        .stream(4, "", &minutes(decision))
        .obj(5, FONT)
        .obj(6, &page(7, ""))
        .stream(7, "", &audit_report())
        .obj(20, "<< /Fields [21 0 R] /SigFlags 3 >>")
        .obj(
            21,
            "<< /FT /Sig /T (Plattformens sigill) /V 22 0 R /Type /Annot /Subtype /Widget \
             /Rect [0 0 0 0] /P 3 0 R /F 132 >>",
        )
        .obj_bytes(
            22,
            &signature_value("Exempel E-signering", "D:20260312124721Z"),
        );
    add_matters(&mut b, matters, E_SIGNED_MATTERS_FIRST);
    b.revision();
    b.sign_last(&people.ca, &people.platform);
    b.out
}

/// A municipal plan: a document nobody signs, which arkivar passes through as `unsigned`.
fn unsigned_plan() -> Vec<u8> {
    let mut b = Revisions::new();
    b.obj(1, "<< /Type /Catalog /Pages 2 0 R >>")
        .obj(2, "<< /Type /Pages /Kids [3 0 R] /Count 1 >>")
        .obj(
            3,
            "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R \
             /Resources << /Font << /F1 5 0 R >> >> >>",
        )
        .stream(
            4,
            "",
            &show(&[
                "# Plan för vinterväghållning 2026–2027",
                "Exempelby kommun, samhällsbyggnadsförvaltningen",
                "",
                "1. Syfte",
                "Planen beskriver hur kommunens gator och gång- och cykelvägar hålls",
                "framkomliga under vintern: snöröjning, halkbekämpning och prioritering.",
                "",
                "2. Prioritering",
                "Prioritet 1: huvudgator, busshållplatser och gång- och cykelvägar till skolor.",
                "Prioritet 2: lokalgator i bostadsområden.",
                "Prioritet 3: övriga ytor, parkeringar och torg.",
                "",
                "3. Utlösande snödjup",
                "Plogning startar vid 5 cm snö på prioritet 1 och vid 8 cm på övriga gator.",
                "",
                "4. Uppföljning",
                "Planen följs upp varje vår och revideras vid behov.",
            ]),
        )
        .obj(5, FONT);
    b.revision();
    b.out
}

/// The minutes (with `decision` as § 13's decision) printed, signed by pen beside each name of
/// the signature block, and scanned: one page image, no text layer.
fn scanned_minutes(decision: &str) -> Vec<u8> {
    let mut page = Page::new();
    for line in minutes_lines(decision) {
        let text = line.strip_prefix("# ").unwrap_or(&line);
        if text.is_empty() {
            page.skip();
            continue;
        }
        let (end, baseline) = page.line(text);
        if let Some(i) = SIGNATURE_LINES.iter().position(|l| *l == text) {
            page.ink((end + 60, baseline - 10), PEN[i]);
        }
    }
    page.pdf()
}
