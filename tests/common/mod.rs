//! PDF fixtures built in code: small documents that each show one thing a text extractor
//! must get right (WinAnsi Swedish, two columns, a rotated page, a Type0 font with ToUnicode,
//! `/Differences`, many pages, an incremental update).
//!
//! The bytes are written by hand rather than through lopdf's writer so that every offset,
//! xref entry and trailer is exactly what the fixture says it is (the incremental update needs
//! that) and so that the fixtures do not change when lopdf does. Everything is deterministic:
//! no dates, no IDs. Shared by the integration tests, `benches/extract.rs` and
//! `examples/make-samples.rs` (which include this file by path).
//!
//! The documents of `samples/` are in [`signed_samples`], built from [`signed`] (a sample CA,
//! CMS signatures, PDFs written revision by revision) and [`scan`] (a scanned page).

// Each test binary, bench and example uses a different subset of the fixtures.
#![allow(dead_code)]

use std::fmt::Write as _;

pub mod scan;
pub mod scan_font;
pub mod signed;
pub mod signed_samples;

/// The Swedish line of [`swedish_winansi`], as the page shows it.
pub const SWEDISH_LINE: &str = "Sammanträdesprotokoll för kommunstyrelsen: Åsa Öberg, Märta Ek";

/// The lines of the left column of [`two_columns`], top to bottom.
pub const LEFT_COLUMN: [&str; 5] = [
    "§ 1 Upprop och",
    "fastställande av",
    "närvarolistan.",
    "Ordföranden förklarar",
    "sammanträdet öppnat.",
];

/// The lines of the right column of [`two_columns`], top to bottom.
pub const RIGHT_COLUMN: [&str; 5] = [
    "§ 2 Val av justerare",
    "Kommunstyrelsen utser",
    "Märta Ek att jämte",
    "ordföranden justera",
    "dagens protokoll.",
];

/// The text on the rotated page of [`rotated_90`].
pub const ROTATED_LINE: &str = "Bilaga 1: Ekonomisk uppföljning";

/// The text shown through the Type0 font of [`type0_identity_h`].
pub const TYPE0_LINE: &str = "Justerare: Åsa Öberg";

/// The text of [`differences`], shown with codes 1, 2, 3 for å, ä, ö.
pub const DIFFERENCES_LINE: &str = "Dagordning för årsmöte i Västerås: Lövgren";

/// The line the incremental update in [`incremental_update`] adds to page 1.
pub const UPDATE_LINE: &str = "Justerat 2024-03-01 Åsa Öberg";

/// The text of page `number` (1-based) of [`multi_page`]`(pages)`.
pub fn multi_page_line(number: usize, pages: usize) -> String {
    format!("Sida {number} av {pages}")
}

/// One page, Helvetica with WinAnsiEncoding, showing [`SWEDISH_LINE`] (å ä ö Å Ä Ö as
/// 0xE5 0xE4 0xF6 0xC5 0xC4 0xD6).
pub fn swedish_winansi() -> Vec<u8> {
    let mut b = PdfBuilder::new();
    let font = b.add(helvetica_winansi());
    let content = text_lines(&[(72.0, 720.0, SWEDISH_LINE)]);
    let info = b.add(format!(
        "<< /Title {} /Producer (arkivar fixtures) >>",
        literal("Protokoll kommunstyrelsen")
    ));
    b.finish_pages(&[Page::new(content, font)], Some(info))
}

/// The line of [`operator_in_tj_array`], as the page shows it.
pub const TJ_ARRAY_LINE: &str = "Grandes Clientèles, Financements et Marchés";

/// One page whose only line is a `TJ` array with `Tc` operators inside it, as pdf.js's
/// `operator-in-TJ-array.pdf` has it (a producer's slip that pdftotext and pdf.js read
/// through).
pub fn operator_in_tj_array() -> Vec<u8> {
    let mut b = PdfBuilder::new();
    let font = b.add(helvetica_winansi());
    let mut content = b"BT /F1 10 Tf 0 g 0.0 Tc 1 0 0 1 22.677 732.083 Tm [".to_vec();
    for (i, word) in TJ_ARRAY_LINE.split(' ').enumerate() {
        if i > 0 {
            content.extend_from_slice(b"\n-250.0 ");
        }
        content.extend(literal_bytes(&winansi(word)));
        content.extend_from_slice(b" 0.0 Tc");
    }
    content.extend_from_slice(b" ] TJ\n0.0 Tc\nET\n");
    b.finish_pages(&[Page::new(content, font)], None)
}

/// One page with two columns side by side, five lines each. The content stream shows them
/// line by line across the page (left 1, right 1, left 2, ...), as table-like producers do,
/// so only an extractor that finds the columns reads each one in full before the other.
pub fn two_columns() -> Vec<u8> {
    let mut b = PdfBuilder::new();
    let font = b.add(helvetica_winansi());
    let mut lines = Vec::new();
    for (i, (left, right)) in LEFT_COLUMN.iter().zip(RIGHT_COLUMN).enumerate() {
        let y = 720.0 - 16.0 * i as f64;
        lines.push((72.0, y, *left));
        lines.push((320.0, y, right));
    }
    b.finish_pages(&[Page::new(text_lines(&lines), font)], None)
}

/// One landscape page stored portrait with `/Rotate 90`.
pub fn rotated_90() -> Vec<u8> {
    let mut b = PdfBuilder::new();
    let font = b.add(helvetica_winansi());
    // Text drawn up the page in unrotated space reads left to right once the viewer turns
    // the page by 90° clockwise.
    let mut content = b"BT /F1 12 Tf 0 1 -1 0 300 72 Tm ".to_vec();
    content.extend(literal_bytes(&winansi(ROTATED_LINE)));
    content.extend_from_slice(b" Tj ET\n");
    let mut page = Page::new(content, font);
    page.extra = "/Rotate 90".into();
    b.finish_pages(&[page], None)
}

/// One page whose text uses a Type0 font with Identity-H encoding (two-byte CIDs that mean
/// nothing by themselves) and a ToUnicode CMap that maps them back to [`TYPE0_LINE`].
pub fn type0_identity_h() -> Vec<u8> {
    type0_identity("H", "BT /F1 12 Tf 72 720 Td ", TYPE0_LINE)
}

/// The letters of [`vertical_spaced`], shown top to bottom in one column.
pub const VERTICAL_LETTERS: &str = "ABCDE";

/// One page with a vertical (Identity-V) Type0 font showing [`VERTICAL_LETTERS`] in one `Tj`
/// with a negative character spacing, which spreads the glyphs further apart downwards
/// (§9.3.2; pdf.js's issue20930.pdf). Each letter stands on a line of its own.
pub fn vertical_spaced() -> Vec<u8> {
    type0_identity(
        "V",
        "BT /F1 24 Tf -40 Tc 1 0 0 1 100 340 Tm ",
        VERTICAL_LETTERS,
    )
}

/// One page showing `line` in a Type0 font with Identity-`direction` encoding and a ToUnicode
/// CMap, after the text-state operators `setup`.
fn type0_identity(direction: &str, setup: &str, line: &str) -> Vec<u8> {
    let mut b = PdfBuilder::new();
    // CIDs are given in order of first appearance, as subsetting producers do.
    let mut chars: Vec<char> = Vec::new();
    let mut shown = String::from("<");
    for c in line.chars() {
        let cid = match chars.iter().position(|&k| k == c) {
            Some(i) => i + 1,
            None => {
                chars.push(c);
                chars.len()
            }
        };
        let _ = write!(shown, "{cid:04X}");
    }
    shown.push('>');

    let mut cmap = String::from(
        "/CIDInit /ProcSet findresource begin\n12 dict begin\nbegincmap\n\
         /CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) /Supplement 0 >> def\n\
         /CMapName /Adobe-Identity-UCS def\n/CMapType 2 def\n\
         1 begincodespacerange\n<0000> <FFFF>\nendcodespacerange\n",
    );
    let _ = writeln!(cmap, "{} beginbfchar", chars.len());
    for (i, c) in chars.iter().enumerate() {
        let _ = writeln!(cmap, "<{:04X}> <{:04X}>", i + 1, *c as u32);
    }
    cmap.push_str("endbfchar\nendcmap\nCMapName currentdict /CMap defineresource pop\nend\nend\n");

    let to_unicode = b.add(stream("", cmap.as_bytes()));
    let descriptor = b.add(
        "<< /Type /FontDescriptor /FontName /ArialMT /Flags 32 /FontBBox [-665 -325 2000 1040] \
         /ItalicAngle 0 /Ascent 905 /Descent -212 /CapHeight 716 /StemV 80 >>",
    );
    let cid_font = b.add(format!(
        "<< /Type /Font /Subtype /CIDFontType2 /BaseFont /ArialMT \
         /CIDSystemInfo << /Registry (Adobe) /Ordering (Identity) /Supplement 0 >> \
         /FontDescriptor {descriptor} 0 R /DW 556 /CIDToGIDMap /Identity >>"
    ));
    let font = b.add(format!(
        "<< /Type /Font /Subtype /Type0 /BaseFont /ArialMT /Encoding /Identity-{direction} \
         /DescendantFonts [{cid_font} 0 R] /ToUnicode {to_unicode} 0 R >>"
    ));
    let content = format!("{setup}{shown} Tj ET\n").into_bytes();
    b.finish_pages(&[Page::new(content, font)], None)
}

/// The text of [`type0_japan1`]: kanji, kana and Latin, one Adobe-Japan1 CID each.
pub const JAPAN1_LINE: &str = "日本語のテキスト ABC";
/// The Adobe-Japan1 CIDs of [`JAPAN1_LINE`], character by character.
const JAPAN1_CIDS: [u16; 12] = [3284, 3722, 1952, 887, 962, 937, 949, 964, 1, 34, 35, 36];

/// One page showing [`JAPAN1_LINE`] in a Type0 font with Identity-H encoding whose CIDFont
/// is Adobe-Japan1, with no `/ToUnicode` and no embedded program: only Adobe's CID → Unicode
/// table for the collection tells what the CIDs are (as in pdf.js's issue16538.pdf).
pub fn type0_japan1() -> Vec<u8> {
    let mut b = PdfBuilder::new();
    let descriptor = b.add(
        "<< /Type /FontDescriptor /FontName /HiraMinProN-W3 /Flags 4 \
         /FontBBox [-121 -357 1140 1000] /ItalicAngle 0 /Ascent 880 /Descent -120 \
         /CapHeight 700 /StemV 80 >>",
    );
    let cid_font = b.add(format!(
        "<< /Type /Font /Subtype /CIDFontType0 /BaseFont /HiraMinProN-W3 \
         /CIDSystemInfo << /Registry (Adobe) /Ordering (Japan1) /Supplement 7 >> \
         /FontDescriptor {descriptor} 0 R /DW 1000 /W [1 [250] 34 [600 600 600]] >>"
    ));
    let font = b.add(format!(
        "<< /Type /Font /Subtype /Type0 /BaseFont /HiraMinProN-W3 /Encoding /Identity-H \
         /DescendantFonts [{cid_font} 0 R] >>"
    ));
    let mut shown = String::from("<");
    for cid in JAPAN1_CIDS {
        let _ = write!(shown, "{cid:04X}");
    }
    shown.push('>');
    let content = format!("BT /F1 12 Tf 72 720 Td {shown} Tj ET\n").into_bytes();
    b.finish_pages(&[Page::new(content, font)], None)
}

/// How many glyphs page 1 of [`type0_unmapped`] shows.
pub const UNMAPPED_GLYPHS: usize = 12;

/// Two pages: the first shows [`UNMAPPED_GLYPHS`] glyphs of a Type0 font that gives no way to
/// their Unicode (Adobe-Identity, no `/ToUnicode`, no program), the second nothing at all.
pub fn type0_unmapped() -> Vec<u8> {
    let mut b = PdfBuilder::new();
    let cid_font = b.add(
        "<< /Type /Font /Subtype /CIDFontType2 /BaseFont /AAAAAA+Unknown \
         /CIDSystemInfo << /Registry (Adobe) /Ordering (Identity) /Supplement 0 >> \
         /DW 600 /CIDToGIDMap /Identity >>",
    );
    let font = b.add(format!(
        "<< /Type /Font /Subtype /Type0 /BaseFont /AAAAAA+Unknown /Encoding /Identity-H \
         /DescendantFonts [{cid_font} 0 R] >>"
    ));
    let mut shown = String::from("<");
    for cid in 1..=UNMAPPED_GLYPHS {
        let _ = write!(shown, "{cid:04X}");
    }
    shown.push('>');
    let content = format!("BT /F1 12 Tf 72 720 Td {shown} Tj ET\n").into_bytes();
    b.finish_pages(
        &[Page::new(content, font), Page::new(Vec::new(), font)],
        None,
    )
}

/// One page whose font maps codes 1, 2, 3 to `/aring /adieresis /odieresis` through
/// `/Differences`, showing [`DIFFERENCES_LINE`].
pub fn differences() -> Vec<u8> {
    let mut b = PdfBuilder::new();
    let font = b.add(
        "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding << /Type /Encoding \
         /BaseEncoding /WinAnsiEncoding /Differences [1 /aring /adieresis /odieresis] >> >>",
    );
    let mut shown = Vec::new();
    for c in DIFFERENCES_LINE.chars() {
        shown.push(match c {
            'å' => 1,
            'ä' => 2,
            'ö' => 3,
            c => cp1252(c),
        });
    }
    let mut content = b"BT /F1 12 Tf 72 720 Td ".to_vec();
    content.extend(literal_bytes(&shown));
    content.extend_from_slice(b" Tj ET\n");
    b.finish_pages(&[Page::new(content, font)], None)
}

/// `pages` pages, page N showing "Sida N av `pages`" and a second line; one shared font.
pub fn multi_page(pages: usize) -> Vec<u8> {
    let mut b = PdfBuilder::new();
    let font = b.add(helvetica_winansi());
    let list: Vec<Page> = (1..=pages)
        .map(|n| {
            let line = multi_page_line(n, pages);
            Page::new(
                text_lines(&[
                    (72.0, 720.0, line.as_str()),
                    (72.0, 700.0, "Kommunfullmäktige, protokoll från sammanträde"),
                ]),
                font,
            )
        })
        .collect();
    b.finish_pages(&list, None)
}

/// `pages` full pages of minutes-like text (46 lines each, as a typical protocol page), for
/// the memory and speed checks: a 1,000-page document of this is about 2.5 MB of content.
pub fn dense_pages(pages: usize) -> Vec<u8> {
    const SENTENCES: [&str; 4] = [
        "§ 12 Kommunstyrelsen beslutar att godkänna förslaget till årsredovisning för 2023.",
        "Ordföranden Åsa Öberg (S) ställer proposition på förslaget och finner det bifallet.",
        "Justerare Märta Ek och Björn Ström utses att jämte ordföranden justera protokollet.",
        "Ärendet har beretts av förvaltningen; yttrande från utbildningsnämnden föreligger.",
    ];
    let mut b = PdfBuilder::new();
    let font = b.add(helvetica_winansi());
    let list: Vec<Page> = (1..=pages)
        .map(|n| {
            let header = multi_page_line(n, pages);
            let mut lines: Vec<(f64, f64, &str)> = vec![(72.0, 800.0, header.as_str())];
            for i in 0..45 {
                lines.push((
                    72.0,
                    780.0 - 16.0 * i as f64,
                    SENTENCES[(n + i) % SENTENCES.len()],
                ));
            }
            Page::new(text_lines(&lines), font)
        })
        .collect();
    b.finish_pages(&list, None)
}

/// What [`annotated`]'s visible stamp annotation shows.
pub const STAMP_LINE: &str = "Justerat digitalt: Åsa Öberg";
/// What [`annotated`]'s hidden annotation would show if it were drawn.
pub const HIDDEN_LINE: &str = "Dold anteckning";

/// One page with body text and two annotations with appearance streams: a visible stamp whose
/// appearance is drawn in its own coordinates (BBox and Matrix mapped onto /Rect, ISO 32000-1
/// §12.5.5), and a hidden one (flag bit 2) that viewers do not show.
pub fn annotated() -> Vec<u8> {
    let mut b = PdfBuilder::new();
    let font = b.add(helvetica_winansi());
    let visible_ap = b.add(appearance(font, 200, STAMP_LINE));
    let hidden_ap = b.add(appearance(font, 200, HIDDEN_LINE));
    let stamp = b.add(format!(
        "<< /Type /Annot /Subtype /Stamp /Rect [72 600 272 620] /F 4 /AP << /N {visible_ap} 0 R >> >>"
    ));
    let note = b.add(format!(
        "<< /Type /Annot /Subtype /FreeText /Rect [72 500 272 520] /F 2 /AP << /N {hidden_ap} 0 R >> >>"
    ));
    let mut page = Page::new(text_lines(&[(72.0, 720.0, SWEDISH_LINE)]), font);
    page.extra = format!("/Annots [{stamp} 0 R {note} 0 R]");
    b.finish_pages(&[page], None)
}

/// The value of the filled-in text field of [`form_value_without_appearance`].
pub const FIELD_VALUE: &str = "3.14 ÷ 0 är odefinierat";

/// What the appearance of the second field of [`form_value_without_appearance`] shows.
pub const FIELD_APPEARANCE_LINE: &str = "Namn: Märta Ek";

/// [`swedish_winansi`] plus a text field filled in but with no appearance stream (its form
/// sets `/NeedAppearances`, as qpdf's `form-no-need-appearances-filled.pdf`), its value
/// [`FIELD_VALUE`] inherited from its parent field, and a second field that has an appearance
/// showing [`FIELD_APPEARANCE_LINE`] and a value that must not show beside it.
pub fn form_value_without_appearance() -> Vec<u8> {
    let mut b = PdfBuilder::new();
    let font = b.add(helvetica_winansi());
    // PDFDocEncoding agrees with WinAnsi on ÷ and ä.
    let mut parent = b"<< /FT /Tx /T (Belopp) /V ".to_vec();
    parent.extend(literal_bytes(&winansi(FIELD_VALUE)));
    parent.extend_from_slice(b" /DA (0 g /Helv 12 Tf) >>");
    let parent = b.add(parent);
    let widget = b.add(format!(
        "<< /Type /Annot /Subtype /Widget /Parent {parent} 0 R /Rect [72 600 372 620] /F 4 >>"
    ));
    let ap = b.add(appearance(font, 300, FIELD_APPEARANCE_LINE));
    let shown = b.add(format!(
        "<< /Type /Annot /Subtype /Widget /FT /Tx /T (Namn) /V (Dold text) /Rect [72 500 372 520] /F 4 /AP << /N {ap} 0 R >> >>"
    ));
    let mut page = Page::new(text_lines(&[(72.0, 720.0, SWEDISH_LINE)]), font);
    page.extra = format!("/Annots [{widget} 0 R {shown} 0 R]");
    b.finish_pages(&[page], None)
}

/// [`swedish_winansi`] plus one incremental update (ISO 32000-1 §7.5.6): the original bytes
/// unchanged, then a new content stream, the page object rewritten to show both streams,
/// a new Info dictionary, an xref section for just those objects, and a trailer whose
/// `/Prev` points at the original xref.
pub fn incremental_update() -> Vec<u8> {
    let base = swedish_winansi();
    // Object numbers in `swedish_winansi`, as `finish_pages` lays them out: 1 font, 2 info,
    // 3 catalog, 4 pages, then page 5 with content 6.
    let (font, page, old_content, pages_id, catalog, size) = (1, 5, 6, 4, 3, 7);
    let new_content = size;
    let info = size + 1;
    let content = text_lines(&[(72.0, 690.0, UPDATE_LINE)]);
    append_update(
        &base,
        &[
            (new_content, stream("", &content)),
            (
                page,
                format!(
                    "<< /Type /Page /Parent {pages_id} 0 R /MediaBox [0 0 595 842] \
                     /Resources << /Font << /F1 {font} 0 R >> >> \
                     /Contents [{old_content} 0 R {new_content} 0 R] >>"
                )
                .into_bytes(),
            ),
            (
                info,
                format!(
                    "<< /Title {} /Producer (arkivar fixtures, update) >>",
                    literal("Protokoll kommunstyrelsen, justerat")
                )
                .into_bytes(),
            ),
        ],
        catalog,
        Some(info),
    )
}

/// Starts like a PDF and then stops making sense: no objects, no xref, no trailer.
pub fn broken() -> Vec<u8> {
    b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<< /Type /Catalog /Pages 2 0 R\nthis is not a dictionary\n"
        .to_vec()
}

/// Not a PDF at all.
pub fn not_a_pdf() -> Vec<u8> {
    b"Kallelse till sammantr\xe4de\n".to_vec()
}

/// Every fixture under a file name that says what it shows, for `make-samples`.
pub fn samples() -> Vec<(&'static str, Vec<u8>)> {
    vec![
        ("01-protokoll-winansi.pdf", swedish_winansi()),
        ("02-two-columns.pdf", two_columns()),
        ("03-rotate-90.pdf", rotated_90()),
        ("04-type0-identity-h-tounicode.pdf", type0_identity_h()),
        (
            "05-differences-aring-adieresis-odieresis.pdf",
            differences(),
        ),
        ("06-multi-page.pdf", multi_page(3)),
        ("07-incremental-update.pdf", incremental_update()),
    ]
}

/// A page for [`PdfBuilder::finish_pages`]: its content stream, its font (as `/F1`) and any
/// extra page dictionary entries.
pub struct Page {
    content: Vec<u8>,
    font: u32,
    extra: String,
}

impl Page {
    fn new(content: Vec<u8>, font: u32) -> Self {
        Page {
            content,
            font,
            extra: String::new(),
        }
    }
}

/// Writes a PDF object by object, numbering objects from 1 and keeping their byte offsets for
/// the xref table.
#[derive(Default)]
pub struct PdfBuilder {
    objects: Vec<Vec<u8>>,
}

impl PdfBuilder {
    /// An empty document.
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds an object body (without `N 0 obj`) and returns its number.
    pub fn add(&mut self, body: impl Into<Vec<u8>>) -> u32 {
        self.objects.push(body.into());
        self.objects.len() as u32
    }

    /// The number the next object will get.
    pub fn next_id(&self) -> u32 {
        self.objects.len() as u32 + 1
    }

    /// Adds a catalog, a page tree with `pages` (each page followed by its content stream)
    /// and writes the file.
    pub fn finish_pages(mut self, pages: &[Page], info: Option<u32>) -> Vec<u8> {
        let catalog = self.next_id();
        let tree = catalog + 1;
        // Page k (0-based) is object tree+1+2k, its content stream the object after it.
        let page_id = |k: usize| tree + 1 + 2 * k as u32;
        self.add(format!("<< /Type /Catalog /Pages {tree} 0 R >>"));
        let kids: Vec<String> = (0..pages.len())
            .map(|k| format!("{} 0 R", page_id(k)))
            .collect();
        self.add(format!(
            "<< /Type /Pages /Kids [{}] /Count {} >>",
            kids.join(" "),
            pages.len()
        ));
        for (k, page) in pages.iter().enumerate() {
            let id = self.add(format!(
                "<< /Type /Page /Parent {tree} 0 R /MediaBox [0 0 595 842] \
                 /Resources << /Font << /F1 {} 0 R >> >> /Contents {} 0 R {} >>",
                page.font,
                page_id(k) + 1,
                page.extra
            ));
            debug_assert_eq!(id, page_id(k));
            self.add(stream("", &page.content));
        }
        self.finish(catalog, info)
    }

    /// Writes header, objects, xref table and trailer.
    pub fn finish(self, root: u32, info: Option<u32>) -> Vec<u8> {
        let mut out = b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n".to_vec();
        let mut offsets = Vec::with_capacity(self.objects.len());
        for (i, body) in self.objects.iter().enumerate() {
            offsets.push(out.len());
            write_object(&mut out, i as u32 + 1, body);
        }
        let xref = out.len();
        let mut table = format!("xref\n0 {}\n0000000000 65535 f \n", offsets.len() + 1);
        for offset in offsets {
            let _ = writeln!(table, "{offset:010} 00000 n ");
        }
        out.extend_from_slice(table.as_bytes());
        let info = info.map(|i| format!(" /Info {i} 0 R")).unwrap_or_default();
        out.extend_from_slice(
            format!(
                "trailer\n<< /Size {} /Root {root} 0 R{info} >>\nstartxref\n{xref}\n%%EOF\n",
                self.objects.len() + 1
            )
            .as_bytes(),
        );
        out
    }
}

/// Appends an incremental update to `base`: `objects` (new or replacing ones), an xref
/// section listing only them, and a trailer with `/Prev` set to `base`'s last `startxref`.
pub fn append_update(
    base: &[u8],
    objects: &[(u32, Vec<u8>)],
    root: u32,
    info: Option<u32>,
) -> Vec<u8> {
    let prev = last_startxref(base);
    let mut out = base.to_vec();
    let mut entries = Vec::new();
    for (id, body) in objects {
        entries.push((*id, out.len()));
        write_object(&mut out, *id, body);
    }
    entries.sort();
    let size = entries.iter().map(|(id, _)| id + 1).max().unwrap_or(1);
    let size = size.max(trailer_size(base));
    let xref = out.len();
    let mut table = String::from("xref\n0 1\n0000000000 65535 f \n");
    for (id, offset) in entries {
        let _ = writeln!(table, "{id} 1\n{offset:010} 00000 n ");
    }
    out.extend_from_slice(table.as_bytes());
    let info = info.map(|i| format!(" /Info {i} 0 R")).unwrap_or_default();
    out.extend_from_slice(
        format!(
            "trailer\n<< /Size {size} /Root {root} 0 R{info} /Prev {prev} >>\nstartxref\n{xref}\n%%EOF\n"
        )
        .as_bytes(),
    );
    out
}

fn write_object(out: &mut Vec<u8>, id: u32, body: &[u8]) {
    out.extend_from_slice(format!("{id} 0 obj\n").as_bytes());
    out.extend_from_slice(body);
    out.extend_from_slice(b"\nendobj\n");
}

/// The value after the last `startxref` in a file this module wrote.
fn last_startxref(bytes: &[u8]) -> usize {
    let text = String::from_utf8_lossy(bytes);
    let at = text.rfind("startxref").expect("fixture has startxref") + "startxref".len();
    text[at..]
        .split_whitespace()
        .next()
        .and_then(|n| n.parse().ok())
        .expect("fixture startxref is a number")
}

/// The `/Size` of the last trailer in a file this module wrote.
fn trailer_size(bytes: &[u8]) -> u32 {
    let text = String::from_utf8_lossy(bytes);
    let at = text.rfind("/Size").expect("fixture has /Size") + "/Size".len();
    text[at..]
        .split_whitespace()
        .next()
        .and_then(|n| n.parse().ok())
        .expect("fixture /Size is a number")
}

/// A stream object body: `<< dict /Length n >> stream ... endstream`.
pub fn stream(dict: &str, data: &[u8]) -> Vec<u8> {
    let mut out = format!("<< {dict} /Length {} >>\nstream\n", data.len()).into_bytes();
    out.extend_from_slice(data);
    out.extend_from_slice(b"\nendstream");
    out
}

/// Standard 14 Helvetica with WinAnsiEncoding (no widths: viewers use the built-in metrics).
fn helvetica_winansi() -> String {
    "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>".into()
}

/// A content stream showing each `(x, y, text)` in Helvetica 12.
/// An annotation's appearance: a form XObject `width` × 20 that shows `line` in font object
/// `font` (WinAnsi) at 10 points.
fn appearance(font: u32, width: u32, line: &str) -> Vec<u8> {
    let mut shown = b"BT /F1 10 Tf 2 4 Td ".to_vec();
    shown.extend(literal_bytes(&winansi(line)));
    shown.extend_from_slice(b" Tj ET");
    stream(
        &format!(
            "/Type /XObject /Subtype /Form /BBox [0 0 {width} 20] /Resources << /Font << /F1 {font} 0 R >> >>"
        ),
        &shown,
    )
}

fn text_lines(lines: &[(f64, f64, &str)]) -> Vec<u8> {
    let mut out = Vec::new();
    for (x, y, text) in lines {
        out.extend_from_slice(format!("BT /F1 12 Tf {x} {y} Td ").as_bytes());
        out.extend(literal_bytes(&winansi(text)));
        out.extend_from_slice(b" Tj ET\n");
    }
    out
}

/// `text` in WinAnsiEncoding (the subset fixtures use: ASCII, Latin-1 letters, `§`).
pub fn winansi(text: &str) -> Vec<u8> {
    text.chars().map(cp1252).collect()
}

fn cp1252(c: char) -> u8 {
    // Latin-1 letters and `§` have the same code in WinAnsiEncoding (ISO 32000-1 Annex D.2).
    u8::try_from(u32::from(c))
        .ok()
        .filter(|&b| b >= 0x20 && b != 0x7f && !(0x80..0xa0).contains(&b))
        .unwrap_or_else(|| panic!("fixture text {c:?} is not in the WinAnsi subset"))
}

/// A PDF literal string `( ... )` for WinAnsi text, escaping `(`, `)` and `\`.
fn literal(text: &str) -> String {
    // Only used for ASCII-safe metadata and text objects written as `String`.
    String::from_utf8(literal_bytes(&winansi(text)))
        .unwrap_or_else(|_| panic!("literal() is for ASCII text; use literal_bytes for {text:?}"))
}

fn literal_bytes(bytes: &[u8]) -> Vec<u8> {
    let mut out = vec![b'('];
    for &b in bytes {
        if matches!(b, b'(' | b')' | b'\\') {
            out.push(b'\\');
        }
        out.push(b);
    }
    out.push(b')');
    out
}

/// The shared corpus (`ARKIVAR_CORPUS`, else `../shared/corpus` beside the project), when
/// `marker` (a path inside it) exists; corpus tests skip with a message otherwise.
pub fn corpus_with(marker: &str) -> Option<std::path::PathBuf> {
    let dir = std::env::var_os("ARKIVAR_CORPUS")
        .map(std::path::PathBuf::from)
        .unwrap_or_else(|| {
            std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../shared/corpus")
        });
    dir.join(marker).exists().then_some(dir)
}

/// Says that the running test is skipped and why, as one line on the terminal: `skipped
/// <test>: <why>`. It writes to stderr itself, because the test harness captures what
/// `println!` and `eprintln!` print in a test that passes, and a skipped test passes.
pub fn skip(why: impl std::fmt::Display) {
    use std::io::Write as _;
    let thread = std::thread::current();
    // The harness runs each test on a thread named after it (but on `main` with one thread).
    let line = match thread.name() {
        Some(test) if test != "main" => format!("skipped {test}: {why}\n"),
        _ => format!("skipped: {why}\n"),
    };
    // One write, so lines of tests running at once do not interleave.
    let _ = std::io::stderr().lock().write_all(line.as_bytes());
}

/// Why a corpus test skips when [`corpus_with`] finds no corpus.
pub const NO_CORPUS: &str = "no corpus at ../shared/corpus (set ARKIVAR_CORPUS)";
