//! Decompression bombs and split content streams, built in code with low limits: a bomb costs
//! its own text past the limit (a warning on its page), not the document, and a page's
//! streams read one at a time give the text their concatenation gave.

use std::io::Write;

use lopdf::{Dictionary, Document, Object, Stream, dictionary};

use super::{TextWarning, extract_pages};
use crate::pdf::{Limits, PdfError, load};

const MIB: usize = 1 << 20;

fn zlib(data: &[u8]) -> Vec<u8> {
    let mut z = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::default());
    z.write_all(data).expect("in memory");
    z.finish().expect("in memory")
}

fn flate(dict: Dictionary, data: &[u8]) -> Stream {
    let mut dict = dict;
    dict.set("Filter", "FlateDecode");
    Stream::new(dict, zlib(data)).with_compression(false)
}

/// `text` shown at the line `y`.
fn line(y: u32, text: &str) -> Vec<u8> {
    format!("BT /F1 12 Tf 72 {y} Td ({text}) Tj ET\n").into_bytes()
}

/// A one-page PDF whose page has `contents` (in order) and the form XObject `/Fm0`, if given.
/// Returns the file and the content streams' object numbers.
fn page_pdf(contents: Vec<Stream>, form: Option<Stream>) -> (Vec<u8>, Vec<u32>) {
    let mut doc = Document::with_version("1.7");
    let pages_id = doc.new_object_id();
    let font = doc.add_object(dictionary! {
        "Type" => "Font", "Subtype" => "Type1", "BaseFont" => "Helvetica",
        "Encoding" => "WinAnsiEncoding",
    });
    let ids: Vec<_> = contents.into_iter().map(|s| doc.add_object(s)).collect();
    let mut resources = dictionary! { "Font" => dictionary! { "F1" => font } };
    if let Some(form) = form {
        let mut form = form;
        form.dict.set("Type", "XObject");
        form.dict.set("Subtype", "Form");
        form.dict
            .set("BBox", vec![0.into(), 0.into(), 595.into(), 842.into()]);
        form.dict.set(
            "Resources",
            dictionary! { "Font" => dictionary! { "F1" => font } },
        );
        resources.set("XObject", dictionary! { "Fm0" => doc.add_object(form) });
    }
    let page_id = doc.add_object(dictionary! {
        "Type" => "Page",
        "Parent" => pages_id,
        "MediaBox" => vec![0.into(), 0.into(), 595.into(), 842.into()],
        "Resources" => resources,
        "Contents" => ids.iter().map(|&id| Object::Reference(id)).collect::<Vec<_>>(),
    });
    doc.objects.insert(
        pages_id,
        Object::Dictionary(dictionary! {
            "Type" => "Pages", "Kids" => vec![page_id.into()], "Count" => 1,
        }),
    );
    let catalog = doc.add_object(dictionary! { "Type" => "Catalog", "Pages" => pages_id });
    doc.trailer.set("Root", catalog);
    let mut out = Vec::new();
    doc.save_to(&mut out).expect("in memory");
    (out, ids.iter().map(|id| id.0).collect())
}

fn small_limits() -> Limits {
    Limits {
        max_stream_bytes: MIB as u64,
        max_total_decompressed_bytes: 3 * MIB as u64,
        ..Limits::default()
    }
}

fn read(bytes: &[u8], limits: &Limits) -> (String, Vec<TextWarning>) {
    let pdf = load(bytes, limits).expect("loads");
    let mut pages = extract_pages(&pdf, limits).expect("extracts");
    assert_eq!(pages.len(), 1);
    let page = pages.remove(0);
    (page.text, page.warnings)
}

#[test]
fn streams_split_between_operands_read_as_their_concatenation() {
    let limits = Limits::default();
    // Split after the operands of `Td`, inside a text object, with a comment left open at
    // the end of a stream: operands, text state and text matrix run on to the next stream.
    let parts: [&[u8]; 4] = [
        b"BT /F1 12 Tf 72 720",
        b"Td (Justerare) Tj % runs to the end of its stream",
        b"ET BT /F1 12 Tf 72 700 Td (\xc5sa \xd6berg) Tj 0 -20",
        b"Td (Protokoll) Tj ET",
    ];
    let split = parts.iter().map(|p| flate(dictionary! {}, p)).collect();
    let joined = parts.join(&b"\n"[..]);
    let (apart, warnings) = read(&page_pdf(split, None).0, &limits);
    let (whole, _) = read(
        &page_pdf(vec![Stream::new(dictionary! {}, joined)], None).0,
        &limits,
    );
    assert_eq!(apart, whole);
    for word in ["Justerare", "Åsa Öberg", "Protokoll"] {
        assert!(apart.contains(word), "{apart}");
    }
    assert!(warnings.is_empty(), "{warnings:?}");
}

#[test]
fn a_content_bomb_keeps_the_text_before_the_limit_and_the_other_streams() {
    let limits = small_limits();
    let mut bomb = line(720, "Kept");
    bomb.resize(4 * MIB, b' ');
    bomb.extend_from_slice(&line(700, "Lost"));
    let (bytes, ids) = page_pdf(
        vec![
            flate(dictionary! {}, &bomb),
            flate(dictionary! {}, &line(680, "After")),
        ],
        None,
    );
    let (text, warnings) = read(&bytes, &limits);
    assert!(text.contains("Kept") && text.contains("After"), "{text}");
    assert!(!text.contains("Lost"), "{text}");
    assert_eq!(
        warnings,
        [TextWarning::ContentTruncated {
            object: (ids[0], 0),
            limit: MIB as u64,
        }]
    );
}

#[test]
fn streams_past_the_document_total_are_cut_not_the_document() {
    let limits = small_limits();
    // Six streams of 900 KiB each, under the per-stream limit, 5.4 MiB against a 3 MiB total.
    let streams: Vec<Stream> = (0..6)
        .map(|i| {
            let mut s = line(720 - 20 * i, &format!("Stream{i}"));
            s.resize(900 * 1024, b' ');
            flate(dictionary! {}, &s)
        })
        .collect();
    let (bytes, _) = page_pdf(streams, None);
    let (text, warnings) = read(&bytes, &limits);
    for kept in ["Stream0", "Stream1", "Stream2"] {
        assert!(text.contains(kept), "{text}");
    }
    assert!(!text.contains("Stream5"), "{text}");
    assert!(
        !warnings.is_empty()
            && warnings
                .iter()
                .all(|w| matches!(w, TextWarning::ContentTruncated { .. })),
        "{warnings:?}"
    );
}

#[test]
fn a_form_drawn_again_and_again_counts_every_time() {
    let limits = small_limits();
    let mut form = line(720, "Form");
    form.resize(900 * 1024, b' ');
    let (bytes, _) = page_pdf(
        vec![Stream::new(
            dictionary! {},
            [b"/Fm0 Do ".repeat(40), line(600, "Page")].concat(),
        )],
        Some(flate(dictionary! {}, &form)),
    );
    let (text, warnings) = read(&bytes, &limits);
    assert!(text.contains("Page") && text.contains("Form"), "{text}");
    // 3 MiB hold three draws and part of a fourth; the other 36 are cut to nothing.
    assert_eq!(warnings.len(), 37, "{warnings:?}");
}

/// A file of `objects` (bodies numbered from 1) with a classic cross-reference table.
fn raw_pdf(objects: &[Vec<u8>]) -> Vec<u8> {
    let mut out = b"%PDF-1.7\n".to_vec();
    let mut offsets = Vec::new();
    for (i, body) in objects.iter().enumerate() {
        offsets.push(out.len());
        out.extend_from_slice(format!("{} 0 obj\n", i + 1).as_bytes());
        out.extend_from_slice(body);
        out.extend_from_slice(b"\nendobj\n");
    }
    let xref = out.len();
    out.extend_from_slice(
        format!("xref\n0 {}\n0000000000 65535 f \n", objects.len() + 1).as_bytes(),
    );
    for o in offsets {
        out.extend_from_slice(format!("{o:010} 00000 n \n").as_bytes());
    }
    out.extend_from_slice(
        format!(
            "trailer\n<< /Size {} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n",
            objects.len() + 1
        )
        .as_bytes(),
    );
    out
}

#[test]
fn an_object_stream_bomb_is_refused_while_loading_at_the_load_cap() {
    let cap = crate::pdf::load::MAX_LOAD_STREAM_BYTES;
    let mut body = b"5 0 << /Bomb true >>".to_vec();
    body.resize(usize::try_from(cap).expect("fits") + MIB, b' ');
    let objstm = zlib(&body);
    let mut stream = format!(
        "<< /Type /ObjStm /N 1 /First 4 /Filter /FlateDecode /Length {} >>\nstream\n",
        objstm.len()
    )
    .into_bytes();
    stream.extend_from_slice(&objstm);
    stream.extend_from_slice(b"\nendstream");
    let bytes = raw_pdf(&[
        b"<< /Type /Catalog /Pages 2 0 R >>".to_vec(),
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>".to_vec(),
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] >>".to_vec(),
        stream,
    ]);
    match load(&bytes, &Limits::default()) {
        Err(PdfError::LoadStreamTooLarge { limit }) => assert_eq!(limit, cap),
        Err(other) => panic!("expected LoadStreamTooLarge, got {other}"),
        Ok(_) => panic!("expected LoadStreamTooLarge, got a document"),
    }
    // Under the cap it loads.
    let small = raw_pdf(&[
        b"<< /Type /Catalog /Pages 2 0 R >>".to_vec(),
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>".to_vec(),
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] >>".to_vec(),
    ]);
    assert!(load(&small, &Limits::default()).is_ok());
}
