//! The pipeline over the fixtures as a library user calls it: bytes in, record out.

mod common;

use arkivar::pipeline::Settings;
use arkivar::pipeline::process_at;
use arkivar::record::{SourceInfo, Status};

fn now() -> jiff::Timestamp {
    "2024-03-01T12:00:00Z".parse().unwrap()
}

#[test]
fn every_fixture_loads_as_unsigned_with_its_pages() {
    let expected_pages = [1, 1, 1, 1, 1, 3, 1];
    for ((name, bytes), pages) in common::samples().into_iter().zip(expected_pages) {
        let record = process_at(&bytes, SourceInfo::named(name), &Settings::default(), now());
        assert_eq!(
            record.status,
            Status::Unsigned,
            "{name}: {:?}",
            record.error
        );
        assert_eq!(record.document.pages, Some(pages), "{name}");
        assert_eq!(record.pages.len(), pages, "{name}");
        assert!(record.pages.iter().all(|p| p.has_text_layer), "{name}");
        assert_eq!(record.document.size, Some(bytes.len() as u64), "{name}");
    }
}

#[test]
fn record_serializes_with_the_verdict_fields() {
    let record = process_at(
        &common::swedish_winansi(),
        SourceInfo::named("protokoll.pdf"),
        &Settings::default(),
        now(),
    );
    let value = serde_json::to_value(&record).unwrap();
    for field in [
        "status", "findings", "minutes", "signing", "document", "pages",
    ] {
        assert!(value.get(field).is_some(), "record has `{field}`");
    }
    assert_eq!(value["processed_at"], "2024-03-01T12:00:00Z");
    assert_eq!(value["source"]["name"], "protokoll.pdf");
}

#[test]
fn hostile_bytes_never_panic() {
    // Truncations of a valid file at every 7th byte: each must give a record, never a panic.
    let bytes = common::incremental_update();
    for end in (0..bytes.len()).step_by(7) {
        let record = process_at(
            &bytes[..end],
            SourceInfo::default(),
            &Settings::default(),
            now(),
        );
        assert!(
            matches!(record.status, Status::Unsigned | Status::Error),
            "cut at {end}"
        );
        assert_eq!(
            record.error.is_some(),
            record.status == Status::Error,
            "cut at {end}"
        );
    }
}

#[test]
fn type0_japan1_without_to_unicode_reads_through_adobe_japan1() {
    let record = process_at(
        &common::type0_japan1(),
        SourceInfo::named("japan1.pdf"),
        &Settings::default(),
        now(),
    );
    assert_eq!(record.status, Status::Unsigned, "{:?}", record.error);
    let page = &record.pages[0];
    assert_eq!(page.text, common::JAPAN1_LINE);
    assert!(page.warnings.is_empty(), "{:?}", page.warnings);
}

#[test]
fn glyphs_without_unicode_warn_on_their_page_only() {
    use arkivar::pdf::text::TextWarning;
    let record = process_at(
        &common::type0_unmapped(),
        SourceInfo::named("unmapped.pdf"),
        &Settings::default(),
        now(),
    );
    assert_eq!(record.pages.len(), 2);
    assert_eq!(record.pages[0].text, "");
    assert_eq!(
        record.pages[0].warnings,
        vec![TextWarning::NoUnicode {
            glyphs: common::UNMAPPED_GLYPHS,
            unmapped: common::UNMAPPED_GLYPHS,
        }]
    );
    let value = serde_json::to_value(&record).unwrap();
    assert_eq!(
        value["pages"][0]["warnings"][0],
        serde_json::json!({"kind": "no_unicode", "glyphs": 12, "unmapped": 12})
    );
    // Near misses: a page with no glyphs, and pages whose glyphs all have text.
    assert!(record.pages[1].warnings.is_empty());
    for (name, bytes) in common::samples() {
        let record = process_at(&bytes, SourceInfo::named(name), &Settings::default(), now());
        assert!(record.pages.iter().all(|p| p.warnings.is_empty()), "{name}");
    }
}
