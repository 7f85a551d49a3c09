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
