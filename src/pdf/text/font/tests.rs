//! Font dictionaries built in code with lopdf objects, decoded through the public interface;
//! plus, where `/work/shared/corpus/text-truth` exists, the fonts of the real corpus PDFs.

use lopdf::{Document, Object, Stream, dictionary};

use super::*;

fn limits() -> Limits {
    Limits::default()
}

/// All glyphs of `bytes` as (code, code_len, text, width, is_word_space).
fn glyphs(font: &Font, bytes: &[u8]) -> Vec<(u32, u8, String, f64, bool)> {
    let mut out = Vec::new();
    font.for_each_glyph(bytes, |g| {
        out.push((
            g.code,
            g.code_len,
            g.text.to_owned(),
            g.width,
            g.is_word_space,
        ))
    });
    out
}

fn text(font: &Font, bytes: &[u8]) -> String {
    let mut out = String::new();
    font.for_each_glyph(bytes, |g| out.push_str(g.text));
    out
}

fn widths(font: &Font, bytes: &[u8]) -> Vec<f64> {
    glyphs(font, bytes).into_iter().map(|g| g.3).collect()
}

fn stream(doc: &mut Document, content: &[u8]) -> Object {
    Object::Reference(doc.add_object(Stream::new(dictionary! {}, content.to_vec())))
}

fn names(list: &[&str]) -> Vec<Object> {
    list.iter()
        .map(|n| Object::Name(n.as_bytes().to_vec()))
        .collect()
}

#[test]
fn win_ansi_swedish_letters_standard14_helvetica() {
    let doc = Document::new();
    let dict = dictionary! {
        "Type" => "Font", "Subtype" => "Type1", "BaseFont" => "Helvetica",
        "Encoding" => "WinAnsiEncoding",
    };
    let font = Font::from_dict(&doc, &dict, &limits());
    assert_eq!(text(&font, &[0xE5, 0xE4, 0xF6, 0xC5, 0xC4, 0xD6]), "åäöÅÄÖ");
    assert_eq!(widths(&font, b"A a"), vec![667.0, 278.0, 556.0]);
    assert_eq!(font.font_matrix(), DEFAULT_FONT_MATRIX);
    assert_eq!(font.ascent_descent(), (718.0, -207.0));
    assert_eq!(font.kind(), FontKind::Type1);
    assert!(font.warnings().is_empty());
    let g = glyphs(&font, b"a b");
    assert_eq!(
        g.iter().map(|g| g.4).collect::<Vec<_>>(),
        vec![false, true, false]
    );
}

#[test]
fn standard14_aliases_without_widths() {
    let doc = Document::new();
    let dict = dictionary! { "Subtype" => "TrueType", "BaseFont" => "Arial,Bold" };
    let font = Font::from_dict(&doc, &dict, &limits());
    // Helvetica-Bold: A 722, space 278. Not embedded and named as a standard-14 font, it
    // reads with Helvetica's StandardEncoding, as pdftotext and mutool do (pdf.js's
    // issue7580.pdf: 0xF1 is æ, 0xF9 ø; 0xE5 is nothing there).
    assert_eq!(widths(&font, b"A "), vec![722.0, 278.0]);
    assert_eq!(text(&font, &[0xF1, 0xF9, 0xE5]), "æø");
    // Near miss: a TrueType font that is no standard-14 font's alias defaults to WinAnsi.
    let dict = dictionary! { "Subtype" => "TrueType", "BaseFont" => "Verdana" };
    let font = Font::from_dict(&doc, &dict, &limits());
    assert_eq!(text(&font, &[0xE5, 0xF1, 0xF9]), "åñù");
    let dict = dictionary! { "Subtype" => "Type1", "BaseFont" => "Courier" };
    let font = Font::from_dict(&doc, &dict, &limits());
    assert_eq!(widths(&font, b"iW"), vec![600.0, 600.0]);
    let dict = dictionary! { "Subtype" => "Type1", "BaseFont" => "ABCDEF+TimesNewRomanPSMT" };
    let font = Font::from_dict(&doc, &dict, &limits());
    assert_eq!(widths(&font, b"A"), vec![722.0]);
}

#[test]
fn mac_roman_swedish_letters() {
    let doc = Document::new();
    let dict = dictionary! {
        "Subtype" => "Type1", "BaseFont" => "Times-Roman", "Encoding" => "MacRomanEncoding",
    };
    let font = Font::from_dict(&doc, &dict, &limits());
    assert_eq!(text(&font, &[0x8C, 0x8A, 0x9A, 0x81, 0x80, 0x85]), "åäöÅÄÖ");
}

#[test]
fn standard_encoding_with_differences() {
    let mut doc = Document::new();
    let mut diffs = vec![Object::Integer(128)];
    diffs.extend(names(&[
        "aring",
        "adieresis",
        "odieresis",
        "uni00E5",
        "a.sc",
        "f_i",
        "g17",
    ]));
    diffs.push(Object::Integer(200));
    diffs.extend(names(&["fi", "f_f_i", "Aring.alt"]));
    let enc = doc.add_object(dictionary! {
        "Type" => "Encoding", "BaseEncoding" => "StandardEncoding", "Differences" => diffs,
    });
    let dict = dictionary! {
        "Subtype" => "Type1", "BaseFont" => "CustomSerif", "Encoding" => enc,
        "FirstChar" => 128, "Widths" => vec![Object::Integer(500), Object::Real(612.5)],
    };
    let font = Font::from_dict(&doc, &dict, &limits());
    let bytes = [
        128, 129, 130, 131, 132, 133, 134, b'A', b'\'', 200, 201, 202,
    ];
    assert_eq!(text(&font, &bytes), "åäöåafiA\u{2019}\u{FB01}ffiÅ");
    assert_eq!(glyphs(&font, &[134])[0].2, "");
    // /Widths with /FirstChar; codes outside take /MissingWidth (0 without a descriptor).
    assert_eq!(
        widths(&font, &[128, 129, 130, b'A']),
        vec![500.0, 612.5, 0.0, 0.0]
    );
}

#[test]
fn to_unicode_bfchar_bfrange_surrogates_and_ligatures() {
    let mut doc = Document::new();
    let cmap = b"/CIDInit /ProcSet findresource begin\n12 dict begin\nbegincmap\n\
        /CMapName /Adobe-Identity-UCS def\n1 begincodespacerange\n<00> <FF>\nendcodespacerange\n\
        3 beginbfchar\n<01> <00E5>\n<02> <D835DC9C>\n<03> <00660066>\nendbfchar\n\
        2 beginbfrange\n<10> <19> <0030>\n<20> <22> [<00C5> <00C4> <00D6>]\nendbfrange\n\
        endcmap\nCMapName currentdict /CMap defineresource pop\nend\nend\n";
    let tu = stream(&mut doc, cmap);
    let dict = dictionary! {
        "Subtype" => "TrueType", "BaseFont" => "AAAAAA+DejaVuSans", "ToUnicode" => tu,
        "FirstChar" => 1, "Widths" => vec![Object::Integer(611)],
    };
    let font = Font::from_dict(&doc, &dict, &limits());
    assert_eq!(text(&font, &[1, 2, 3]), "å𝒜ff");
    assert_eq!(text(&font, &[0x10, 0x15, 0x19]), "059");
    assert_eq!(text(&font, &[0x20, 0x21, 0x22]), "ÅÄÖ");
    assert!(font.warnings().is_empty());
}

#[test]
fn useless_to_unicode_entries_yield_to_the_encoding() {
    let mut doc = Document::new();
    let tu = stream(
        &mut doc,
        b"beginbfchar <41> <E000> <42> <0000> <43> <0058> <07> <E001> endbfchar",
    );
    let dict = dictionary! {
        "Subtype" => "Type1", "BaseFont" => "Helvetica", "Encoding" => "WinAnsiEncoding",
        "ToUnicode" => tu,
    };
    let font = Font::from_dict(&doc, &dict, &limits());
    // PUA and U+0000 lose to the glyph names; a real mapping wins over them; a PUA entry with
    // nothing better stays.
    assert_eq!(text(&font, b"ABC"), "ABX");
    assert_eq!(text(&font, &[0x07]), "\u{E001}");
}

#[test]
fn type0_identity_h_with_w_both_forms() {
    let mut doc = Document::new();
    let tu = stream(
        &mut doc,
        b"1 begincodespacerange <0000> <FFFF> endcodespacerange\n\
          2 beginbfchar <0003> <0020> <0024> <0041> endbfchar\n\
          1 beginbfrange <0044> <0046> <0061> endbfrange",
    );
    let cid_font = doc.add_object(dictionary! {
        "Type" => "Font", "Subtype" => "CIDFontType2", "BaseFont" => "AAAAAA+LiberationSerif",
        "DW" => 1000,
        "W" => vec![
            Object::Integer(3), Object::Array(vec![Object::Integer(250)]),
            Object::Integer(36), Object::Integer(40), Object::Integer(722),
            Object::Integer(68), Object::Array(vec![Object::Integer(444), Object::Integer(500)]),
        ],
        "CIDToGIDMap" => "Identity",
    });
    let dict = dictionary! {
        "Subtype" => "Type0", "BaseFont" => "AAAAAA+LiberationSerif", "Encoding" => "Identity-H",
        "DescendantFonts" => vec![Object::Reference(cid_font)], "ToUnicode" => tu,
    };
    let font = Font::from_dict(&doc, &dict, &limits());
    let g = glyphs(
        &font,
        &[
            0x00, 0x24, 0x00, 0x03, 0x00, 0x44, 0x00, 0x45, 0x00, 0x46, 0x01, 0x00,
        ],
    );
    let texts: Vec<&str> = g.iter().map(|g| g.2.as_str()).collect();
    assert_eq!(texts, vec!["A", " ", "a", "b", "c", ""]);
    let ws: Vec<f64> = g.iter().map(|g| g.3).collect();
    assert_eq!(ws, vec![722.0, 250.0, 444.0, 500.0, 1000.0, 1000.0]);
    assert!(g.iter().all(|g| g.1 == 2 && !g.4));
    assert_eq!(g[1].0, 3);
    assert_eq!(font.writing_mode(), WritingMode::Horizontal);
    // A trailing odd byte is one short code, not a panic.
    assert_eq!(glyphs(&font, &[0x00, 0x24, 0x00]).len(), 2);
}

#[test]
fn type0_embedded_cmap_mixed_codespaces() {
    let mut doc = Document::new();
    let enc = doc.add_object(Stream::new(
        dictionary! { "Type" => "CMap", "CMapName" => "Test-H" },
        b"/CIDInit /ProcSet findresource begin 12 dict begin begincmap\n\
          2 begincodespacerange <00> <80> <8140> <9FFC> endcodespacerange\n\
          1 begincidrange <00> <80> 1 endcidrange\n\
          1 begincidrange <8140> <817E> 633 endcidrange\n\
          1 begincidchar <8240> 700 endcidchar\n\
          endcmap CMapName currentdict /CMap defineresource pop end end"
            .to_vec(),
    ));
    let tu = stream(
        &mut doc,
        b"2 begincodespacerange <00> <80> <8140> <9FFC> endcodespacerange\n\
          3 beginbfchar <20> <0020> <41> <0041> <8140> <3042> endbfchar",
    );
    let cid_font = doc.add_object(dictionary! {
        "Subtype" => "CIDFontType0", "DW" => 500,
        "W" => vec![Object::Integer(633), Object::Array(vec![Object::Integer(1000)])],
    });
    let dict = dictionary! {
        "Subtype" => "Type0", "BaseFont" => "Test", "Encoding" => enc, "ToUnicode" => tu,
        "DescendantFonts" => vec![Object::Reference(cid_font)],
    };
    let font = Font::from_dict(&doc, &dict, &limits());
    let g = glyphs(&font, &[0x41, 0x20, 0x81, 0x40, 0x82, 0x40, 0xA0]);
    let summary: Vec<(u32, u8, &str, f64, bool)> = g
        .iter()
        .map(|g| (g.0, g.1, g.2.as_str(), g.3, g.4))
        .collect();
    assert_eq!(
        summary,
        vec![
            (0x41, 1, "A", 500.0, false),
            (0x20, 1, " ", 500.0, true),
            (0x8140, 2, "あ", 1000.0, false),
            (0x8240, 2, "", 500.0, false),
            (0xA0, 1, "", 500.0, false),
        ]
    );
}

#[test]
fn type0_identity_v_and_ucs2_predefined() {
    let doc = Document::new();
    let cid_font = dictionary! {
        "Subtype" => "CIDFontType0",
        "W2" => vec![Object::Integer(1), Object::Array(vec![
            Object::Integer(-900), Object::Integer(500), Object::Integer(880)])],
    };
    let dict = dictionary! {
        "Subtype" => "Type0", "BaseFont" => "V", "Encoding" => "Identity-V",
        "DescendantFonts" => vec![Object::Dictionary(cid_font.clone())],
    };
    let font = Font::from_dict(&doc, &dict, &limits());
    assert_eq!(font.writing_mode(), WritingMode::Vertical);
    assert_eq!(widths(&font, &[0, 1, 0, 2]), vec![900.0, 1000.0]);

    let dict = dictionary! {
        "Subtype" => "Type0", "BaseFont" => "U", "Encoding" => "UniJIS-UCS2-H",
        "DescendantFonts" => vec![Object::Dictionary(cid_font)],
    };
    let font = Font::from_dict(&doc, &dict, &limits());
    assert_eq!(text(&font, &[0x30, 0x42, 0x00, 0xE5]), "あå");
}

/// A CIDFont dictionary of `Registry`/`Ordering`, with no program.
fn cid_font_of(subtype: &str, registry: &str, ordering: &str) -> lopdf::Dictionary {
    dictionary! {
        "Type" => "Font", "Subtype" => subtype, "BaseFont" => "AAAAAA+Subset",
        "CIDSystemInfo" => dictionary! {
            "Registry" => Object::string_literal(registry),
            "Ordering" => Object::string_literal(ordering),
            "Supplement" => 7,
        },
    }
}

fn type0_of(cid_font: lopdf::Dictionary, encoding: Object) -> lopdf::Dictionary {
    dictionary! {
        "Subtype" => "Type0", "BaseFont" => "AAAAAA+Subset", "Encoding" => encoding,
        "DescendantFonts" => vec![Object::Dictionary(cid_font)],
    }
}

/// Big-endian two-byte codes.
fn codes(cids: &[u16]) -> Vec<u8> {
    cids.iter().flat_map(|c| c.to_be_bytes()).collect()
}

#[test]
fn type0_adobe_cjk_collections_without_to_unicode_read_adobe_tables() {
    let doc = Document::new();
    // Japan1: 'A', あ, 亜 (CIDs 34, 843, 1125), in both writing modes and both CIDFont types.
    for (subtype, encoding) in [
        ("CIDFontType2", "Identity-H"),
        ("CIDFontType0", "Identity-H"),
        ("CIDFontType0", "Identity-V"),
    ] {
        let dict = type0_of(
            cid_font_of(subtype, "Adobe", "Japan1"),
            Object::Name(encoding.into()),
        );
        let font = Font::from_dict(&doc, &dict, &limits());
        assert_eq!(
            text(&font, &codes(&[34, 843, 1125])),
            "Aあ亜",
            "{subtype} {encoding}"
        );
    }
    // GB1 啊 (CID 940), CNS1 'A', Korea1 가 (CID 1086), KR 'A'; .notdef (CID 0) stays empty.
    for (ordering, cids, want) in [
        ("GB1", [34, 940, 0], "A啊"),
        ("CNS1", [34, 34, 0], "AA"),
        ("Korea1", [34, 1086, 0], "A가"),
        ("KR", [34, 34, 0], "AA"),
    ] {
        let dict = type0_of(
            cid_font_of("CIDFontType0", "Adobe", ordering),
            Object::Name(b"Identity-H".to_vec()),
        );
        let font = Font::from_dict(&doc, &dict, &limits());
        assert_eq!(text(&font, &codes(&cids)), want, "{ordering}");
    }
}

#[test]
fn type0_adobe_table_follows_an_embedded_cmap_to_the_cid() {
    let mut doc = Document::new();
    // One-byte code 0x41 → CID 34 ('A'), 0x61 → CID 843 (あ).
    let enc = doc.add_object(Stream::new(
        dictionary! { "Type" => "CMap", "CMapName" => "Test-H" },
        b"1 begincodespacerange <00> <FF> endcodespacerange
          2 begincidchar <41> 34 <61> 843 endcidchar"
            .to_vec(),
    ));
    let dict = type0_of(
        cid_font_of("CIDFontType0", "Adobe", "Japan1"),
        Object::Reference(enc),
    );
    let font = Font::from_dict(&doc, &dict, &limits());
    assert_eq!(text(&font, b"Aa"), "Aあ");
}

#[test]
fn type0_adobe_tables_near_misses() {
    let mut doc = Document::new();
    // Adobe-Identity (and other registries) say nothing about what a CID is.
    for (registry, ordering) in [("Adobe", "Identity"), ("Foo", "Japan1")] {
        let dict = type0_of(
            cid_font_of("CIDFontType0", registry, ordering),
            Object::Name(b"Identity-H".to_vec()),
        );
        let font = Font::from_dict(&doc, &dict, &limits());
        assert_eq!(text(&font, &codes(&[34, 843])), "", "{registry}-{ordering}");
    }
    // A predefined CMap arkivar has no data for: CID = code is a guess, so no table.
    let dict = type0_of(
        cid_font_of("CIDFontType0", "Adobe", "Japan1"),
        Object::Name(b"90ms-RKSJ-H".to_vec()),
    );
    let font = Font::from_dict(&doc, &dict, &limits());
    assert_eq!(text(&font, &codes(&[34])), "");
    // A `/ToUnicode` entry wins over the table; codes it leaves out still read the table.
    let tu = stream(
        &mut doc,
        b"1 begincodespacerange <0000> <FFFF> endcodespacerange
          1 beginbfchar <0022> <0042> endbfchar",
    );
    let mut dict = type0_of(
        cid_font_of("CIDFontType2", "Adobe", "Japan1"),
        Object::Name(b"Identity-H".to_vec()),
    );
    dict.set("ToUnicode", tu);
    let font = Font::from_dict(&doc, &dict, &limits());
    assert_eq!(text(&font, &codes(&[34, 843])), "Bあ");
}

#[test]
fn type0_without_descendant_still_decodes() {
    let doc = Document::new();
    let dict = dictionary! { "Subtype" => "Type0", "Encoding" => "Identity-H" };
    let font = Font::from_dict(&doc, &dict, &limits());
    assert_eq!(widths(&font, &[0, 1]), vec![1000.0]);
    assert_eq!(font.warnings(), &[FontWarning::MissingDescendant]);
}

#[test]
fn type3_font_matrix_widths_and_names() {
    let doc = Document::new();
    let mut diffs = vec![Object::Integer(1)];
    diffs.extend(names(&["H", "e", "j", "aring", "space"]));
    let dict = dictionary! {
        "Subtype" => "Type3",
        "FontMatrix" => vec![0.01.into(), 0.into(), 0.into(), 0.01.into(), 0.into(), 0.into()],
        "FontBBox" => vec![0.into(), (-20).into(), 100.into(), 80.into()],
        "Encoding" => dictionary! { "Differences" => diffs },
        "FirstChar" => 1, "LastChar" => 5,
        "Widths" => vec![70.into(), 50.into(), 30.into(), 50.into(), 25.into()],
    };
    let font = Font::from_dict(&doc, &dict, &limits());
    assert_eq!(font.kind(), FontKind::Type3);
    assert_eq!(text(&font, &[1, 2, 3, 5, 4, b'A']), "Hej å");
    assert_eq!(widths(&font, &[1, 2, 5]), vec![70.0, 50.0, 25.0]);
    let m = font.font_matrix();
    assert!((m[0] - 0.01).abs() < 1e-6 && (m[3] - 0.01).abs() < 1e-6);
    assert_eq!(font.ascent_descent(), (80.0, -20.0));
    // Code 5 is /space by name, but only the byte 32 is a word space.
    assert!(!glyphs(&font, &[5])[0].4);
}

#[test]
fn type3_names_no_list_knows_read_as_their_codes() {
    // pdf.js's issue918.pdf: TeX bitmap fonts whose glyphs are named `a<code>`.
    let doc = Document::new();
    let mut diffs = vec![Object::Integer(45)];
    diffs.extend(names(&["a45", ".notdef"]));
    diffs.push(Object::Integer(97));
    diffs.extend(names(&["a97", "a98", "c99", "e"]));
    let type3 = dictionary! {
        "Subtype" => "Type3",
        "FontMatrix" => vec![0.01.into(), 0.into(), 0.into(), 0.01.into(), 0.into(), 0.into()],
        "Encoding" => dictionary! { "Differences" => diffs.clone() },
    };
    let font = Font::from_dict(&doc, &type3, &limits());
    // Known names keep their meaning (code 100 is /e); .notdef and unnamed codes stay empty.
    assert_eq!(text(&font, &[97, 98, 45, 99, 100, 46, 65]), "ab-ce");
    // Near miss: a font that names glyphs from code 0 on (Ghostscript's a0 a1 a2 ...) numbers
    // its glyphs with its codes; nothing is guessed.
    let mut indexed = vec![Object::Integer(0)];
    let glyph_names: Vec<String> = (0..40).map(|i| format!("a{i}")).collect();
    indexed.extend(names(
        &glyph_names.iter().map(String::as_str).collect::<Vec<_>>(),
    ));
    let numbered = dictionary! {
        "Subtype" => "Type3",
        "FontMatrix" => vec![0.01.into(), 0.into(), 0.into(), 0.01.into(), 0.into(), 0.into()],
        "Encoding" => dictionary! { "Differences" => indexed },
    };
    let font = Font::from_dict(&doc, &numbered, &limits());
    assert_eq!(text(&font, &[33, 34, 35]), "");
    // Near miss: the same names in a Type1 font without a program are not guessed at.
    let type1 = dictionary! {
        "Subtype" => "Type1", "BaseFont" => "Unknown",
        "Encoding" => dictionary! { "Differences" => diffs },
    };
    let font = Font::from_dict(&doc, &type1, &limits());
    assert_eq!(text(&font, &[97, 98, 45, 100]), "e");
}

#[test]
fn descriptor_metrics_and_missing_width() {
    let doc = Document::new();
    let desc = dictionary! {
        "Type" => "FontDescriptor", "Flags" => 32, "Ascent" => 905, "Descent" => 212,
        "MissingWidth" => 333,
    };
    let dict = dictionary! {
        "Subtype" => "TrueType", "BaseFont" => "Some", "FirstChar" => 65,
        "Widths" => vec![600.into()], "FontDescriptor" => desc,
    };
    let font = Font::from_dict(&doc, &dict, &limits());
    assert_eq!(font.ascent_descent(), (905.0, -212.0));
    assert_eq!(widths(&font, b"AB"), vec![600.0, 333.0]);
}

#[test]
fn hostile_cmaps_do_not_panic_or_blow_memory() {
    let mut doc = Document::new();
    let mut hostile = Vec::new();
    hostile.extend_from_slice(b"%!junk\n<< >> ] ] [ ) unbalanced \\\n");
    hostile.extend_from_slice(b"1 begincodespacerange <00000000> <FFFFFFFF> endcodespacerange\n");
    for _ in 0..64 {
        hostile.extend_from_slice(b"1 beginbfrange <00000000> <FFFFFFFF> <0041> endbfrange\n");
    }
    hostile.extend_from_slice(b"beginbfrange <00> <FF> [<0041> <0042> beginbfchar <01> <");
    hostile.extend_from_slice(b"( an unterminated string to the end");
    let tu = stream(&mut doc, &hostile);
    let enc = stream(
        &mut doc,
        b"begincodespacerange <00> <FF> <0000> endcodespacerange begincidrange <00> <FFFFFFFF> 0 \
          /Identity-H usecmap begincidrange <000000> <FFFFFFFF> 4294967295 endcidrange",
    );
    let dict = dictionary! {
        "Subtype" => "Type0", "Encoding" => enc, "ToUnicode" => tu.clone(),
        "DescendantFonts" => vec![Object::Dictionary(dictionary! {
            "Subtype" => "CIDFontType2", "W" => vec![0.into(), 4_294_967_295i64.into(), 5.into()],
        })],
    };
    let font = Font::from_dict(&doc, &dict, &limits());
    let g = glyphs(&font, &[0xFF, 0xFF, 0xFF, 0xFF, 0x00, 0x41, 0x7F]);
    assert!(!g.is_empty());
    assert!(font.warnings().iter().any(|w| matches!(
        w,
        FontWarning::CMapTruncated {
            what: FontStream::ToUnicode
        }
    )));
    let simple = dictionary! { "Subtype" => "Type1", "ToUnicode" => tu, "Encoding" => 5 };
    let font = Font::from_dict(&doc, &simple, &limits());
    assert_eq!(glyphs(&font, &[0, 255]).len(), 2);
}

#[test]
fn stream_limits_apply() {
    let mut doc = Document::new();
    let tu = stream(&mut doc, &b"beginbfchar <41> <0042> endbfchar ".repeat(100));
    let dict = dictionary! { "Subtype" => "Type1", "BaseFont" => "Helvetica", "ToUnicode" => tu };
    let small = Limits {
        max_stream_bytes: 64,
        ..Limits::default()
    };
    let font = Font::from_dict(&doc, &dict, &small);
    assert_eq!(text(&font, b"A"), "A");
    assert!(matches!(
        font.warnings(),
        [FontWarning::StreamTooLarge {
            what: FontStream::ToUnicode,
            limit: 64
        }]
    ));
}

#[test]
fn junk_dictionaries_do_not_panic() {
    let mut doc = Document::new();
    let junk = stream(&mut doc, b"\x00\x01garbage");
    let bad_ref = Object::Reference((999, 0));
    for dict in [
        dictionary! {},
        dictionary! { "Subtype" => "Nonsense", "Widths" => "x", "FirstChar" => -5 },
        dictionary! { "Subtype" => "Type1", "FirstChar" => 1e30, "Widths" => vec![1.into()] },
        dictionary! { "Subtype" => "Type3", "FontMatrix" => vec![0.into(); 6], "Encoding" => bad_ref.clone() },
        dictionary! { "Subtype" => "TrueType", "FontDescriptor" => dictionary! {
        "FontFile2" => junk.clone(), "Flags" => -1, "FontBBox" => vec![1.into()] } },
        dictionary! { "Subtype" => "Type1", "FontDescriptor" => dictionary! { "FontFile" => junk.clone() } },
        dictionary! { "Subtype" => "Type1", "FontDescriptor" => dictionary! { "FontFile3" => 7 } },
        dictionary! { "Subtype" => "Type0", "DescendantFonts" => vec![Object::Dictionary(dictionary! {
        "Subtype" => "CIDFontType2", "CIDToGIDMap" => junk.clone(),
        "FontDescriptor" => dictionary! { "FontFile2" => junk.clone() } })] },
        dictionary! { "Subtype" => "Type0", "Encoding" => bad_ref, "ToUnicode" => "Identity" },
    ] {
        let font = Font::from_dict(&doc, &dict, &limits());
        let _ = glyphs(&font, &[0, 32, 65, 255, 0xFF, 0x00]);
        let _ = (
            font.name(),
            font.ascent_descent(),
            font.font_matrix(),
            font.writing_mode(),
        );
    }
}

/// The corpus fonts, when the shared corpus is on this machine.
mod corpus {
    use std::path::Path;

    use super::*;

    const CORPUS: &str = "/work/shared/corpus/text-truth";

    /// Every font dictionary of the first page's resources of `pdf`.
    fn page_fonts(doc: &Document) -> Vec<lopdf::Dictionary> {
        let mut out = Vec::new();
        for (_, page_id) in doc.get_pages() {
            let Ok((Some(res), _)) = doc.get_page_resources(page_id) else {
                continue;
            };
            let Some(fonts) = objects::get_dict(doc, res, b"Font") else {
                continue;
            };
            for (_, f) in fonts.iter() {
                if let Some(Object::Dictionary(d)) = objects::resolve(doc, f) {
                    out.push(d.clone());
                }
            }
            break;
        }
        out
    }

    fn load(rel: &str) -> Option<Document> {
        let path = Path::new(CORPUS).join(rel);
        if !path.exists() {
            crate::testing::skip(format_args!("{} not present", path.display()));
            return None;
        }
        Document::load(&path).ok()
    }

    #[test]
    fn groff_type1c_custom_encoding_decodes_letters() {
        let Some(doc) = load("groff-gs/000.pdf") else {
            return;
        };
        let fonts = page_fonts(&doc);
        assert!(!fonts.is_empty());
        for dict in fonts {
            let font = Font::from_dict(&doc, &dict, &limits());
            assert_eq!(text(&font, b"Hej p"), "Hej p");
            assert_eq!(text(&font, &[0xE5, 0xE4, 0xF6]), "åäö");
            assert_eq!(widths(&font, b"A"), vec![722.0]);
            // Without /Encoding the CFF built-in encoding and charset must still give letters.
            let mut bare = dict.clone();
            bare.remove(b"Encoding");
            let font = Font::from_dict(&doc, &bare, &limits());
            assert_eq!(text(&font, b"Hej"), "Hej");
        }
    }

    #[test]
    fn identity_h_truetype_without_to_unicode_uses_the_cmap() {
        for producer in ["chromium", "weasyprint", "wkhtmltopdf"] {
            let Some(doc) = load(&format!("{producer}/000.pdf")) else {
                return;
            };
            for dict in page_fonts(&doc) {
                let font = Font::from_dict(&doc, &dict, &limits());
                let codes: Vec<u8> = (0u16..600).flat_map(|c| c.to_be_bytes()).collect();
                let with = text(&font, &codes);
                let mut bare = dict.clone();
                bare.remove(b"ToUnicode");
                let without = text(&Font::from_dict(&doc, &bare, &limits()), &codes);
                let letters = |s: &str| s.chars().filter(|c| c.is_alphabetic()).count();
                assert!(letters(&with) > 40, "{producer}: {with}");
                assert!(letters(&without) > 40, "{producer}: {without}");
                let same = with
                    .chars()
                    .zip(without.chars())
                    .filter(|(a, b)| a == b)
                    .count();
                assert!(
                    same * 10 >= letters(&with) * 9,
                    "{producer}:\n{with}\n{without}"
                );
                assert!(font.warnings().is_empty(), "{:?}", font.warnings());
            }
        }
    }

    #[test]
    fn every_corpus_font_loads() {
        let Ok(manifest) = std::fs::read_to_string(Path::new(CORPUS).join("MANIFEST.tsv")) else {
            crate::testing::skip(format_args!("{CORPUS} not present"));
            return;
        };
        for line in manifest.lines().skip(1) {
            let Some(pdf) = line.split('\t').next() else {
                continue;
            };
            let Some(doc) = load(pdf) else { continue };
            for dict in page_fonts(&doc) {
                let font = Font::from_dict(&doc, &dict, &limits());
                assert!(
                    font.warnings().is_empty(),
                    "{pdf} {}: {:?}",
                    font.name(),
                    font.warnings()
                );
                let latin = text(&font, b"Sammantr");
                let two: Vec<u8> = b"Sammantr".iter().flat_map(|&b| [0, b]).collect();
                let _ = text(&font, &two);
                if font.kind() != FontKind::Type0 && !font.name().contains("Symbol") {
                    assert!(!latin.is_empty(), "{pdf} {}", font.name());
                }
            }
        }
    }

    /// Every string shown in every corpus PDF, decoded naively (no positions), gives only
    /// characters of the truth text (ligatures aside, which the layout expands) and about as
    /// many of them.
    #[test]
    fn shown_strings_decode_to_truth_characters() {
        use std::collections::{HashMap, HashSet};
        let Ok(manifest) = std::fs::read_to_string(Path::new(CORPUS).join("MANIFEST.tsv")) else {
            crate::testing::skip(format_args!("{CORPUS} not present"));
            return;
        };
        for line in manifest.lines().skip(1) {
            let cols: Vec<&str> = line.split('\t').collect();
            let (Some(pdf), Some(truth)) = (cols.first(), cols.get(1)) else {
                continue;
            };
            let Some(doc) = load(pdf) else { continue };
            let truth = std::fs::read_to_string(Path::new(CORPUS).join(truth)).unwrap_or_default();
            let truth_chars: HashSet<char> = truth.chars().collect();
            let mut out = String::new();
            for (_, page) in doc.get_pages() {
                let Ok(content) = doc.get_and_decode_page_content(page) else {
                    continue;
                };
                let fonts = doc.get_page_fonts(page).unwrap_or_default();
                let mut cache: HashMap<Vec<u8>, Font> = HashMap::new();
                let mut cur: Option<Vec<u8>> = None;
                for op in content.operations {
                    match op.operator.as_str() {
                        "Tf" => {
                            let name = op.operands.first().and_then(|o| o.as_name().ok());
                            cur = name.map(<[u8]>::to_vec);
                            if let Some(name) = &cur
                                && !cache.contains_key(name)
                                && let Some(d) = fonts.get(name)
                            {
                                cache.insert(name.clone(), Font::from_dict(&doc, d, &limits()));
                            }
                        }
                        "Tj" | "'" | "\"" | "TJ" => {
                            let Some(font) = cur.as_ref().and_then(|n| cache.get(n)) else {
                                continue;
                            };
                            for o in &op.operands {
                                let items = match o {
                                    Object::Array(a) => a.clone(),
                                    x => vec![x.clone()],
                                };
                                for it in items {
                                    if let Object::String(s, _) = it {
                                        out.push_str(&text(font, &s));
                                    }
                                }
                            }
                        }
                        _ => {}
                    }
                }
            }
            let foreign: String = out
                .chars()
                .filter(|c| !c.is_whitespace() && !truth_chars.contains(c))
                .filter(|c| !('\u{FB00}'..='\u{FB06}').contains(c))
                .collect();
            assert!(
                foreign.is_empty(),
                "{pdf}: characters not in the truth: {foreign:?}"
            );
            let count = |s: &str| s.chars().filter(|c| !c.is_whitespace()).count();
            assert!(
                count(&out) * 100 >= count(&truth) * 95,
                "{pdf}: {} of {}",
                count(&out),
                count(&truth)
            );
        }
    }
}

#[test]
fn a_font_a_dictionary_only_names_is_built_once_and_reads_as_if_built_anew() {
    let (a, b) = (Document::new(), Document::new());
    let dict = dictionary! {
        "Type" => "Font", "Subtype" => "Type1", "BaseFont" => "Times-Roman",
        "Encoding" => "MacRomanEncoding", "Name" => "F7",
    };
    let first = Font::from_dict(&a, &dict, &limits());
    let second = Font::from_dict(&b, &dict, &limits());
    assert!(
        Arc::ptr_eq(&first.inner, &second.inner),
        "one font for both documents"
    );
    let fresh = Font::read(&a, &dict, &limits());
    let all: Vec<u8> = (0..=255).collect();
    assert_eq!(glyphs(&second, &all), glyphs(&fresh, &all));
    assert_eq!(second.ascent_descent(), fresh.ascent_descent());
    assert_eq!(second.name(), "Times-Roman");
}

#[test]
fn a_font_dictionary_that_says_more_than_names_is_read_per_document() {
    let mut doc = Document::new();
    let base = || {
        dictionary! {
            "Type" => "Font", "Subtype" => "Type1", "BaseFont" => "Helvetica",
            "Encoding" => "WinAnsiEncoding",
        }
    };
    let encoding = doc.add_object(Object::Name(b"WinAnsiEncoding".to_vec()));
    let to_unicode = stream(&mut doc, b"");
    let mut cases = Vec::new();
    for (key, value) in [
        ("Widths", Object::Array(vec![Object::Integer(500)])),
        ("FirstChar", Object::Integer(65)),
        ("ToUnicode", to_unicode),
        ("Encoding", Object::Reference(encoding)),
        ("Subtype", Object::Name(b"Type3".to_vec())),
        ("BaseFont", Object::Name(b"DejaVuSans".to_vec())),
    ] {
        let mut dict = base();
        dict.set(key, value);
        cases.push((key, dict));
    }
    for (key, dict) in &cases {
        assert!(shared::NamedFont::of(dict).is_none(), "{key}");
        let a = Font::from_dict(&doc, dict, &limits());
        let b = Font::from_dict(&doc, dict, &limits());
        assert!(!Arc::ptr_eq(&a.inner, &b.inner), "{key}");
    }
    assert!(shared::NamedFont::of(&base()).is_some());
}
