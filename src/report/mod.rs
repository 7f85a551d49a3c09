//! Reports over many records, for people: `report.csv` for spreadsheets and `report.html`, one
//! self-contained page an archivist opens offline.
//!
//! A report is built from [`Row`]s, a summary of one record each. Rows are read from the
//! record's JSON (not from [`crate::record::Record`]) on purpose: a resumed batch reports on
//! records an earlier run wrote, and those exist only as files. Reading JSON also keeps the
//! report working on records of an older arkivar that had fewer fields.
//!
//! What a report shows is for people: paths relative to the batch's folder, times in the
//! pipeline's zone with their offset ([`Context`]), roles, sources and evidence in the words
//! of [`crate::present`], which the CLI shares. The records keep absolute paths, UTC and codes.
//!
//! This module renders bytes; writing them to a folder is the batch's job.

pub mod csv;
pub mod html;

use std::path::Path;

use jiff::tz::TimeZone;
use serde::Serialize;
use serde_json::Value;

use crate::present;
use crate::record::{SignerRole, SigningSource};

/// What a report needs besides its rows.
#[derive(Debug, Clone, Copy)]
pub struct Context<'a> {
    /// The folder the batch read: files are shown relative to it.
    pub root: &'a Path,
    /// The pipeline's time zone: times are shown in it.
    pub zone: &'a TimeZone,
}

impl Context<'_> {
    /// The row's file relative to the batch's folder, with `/` between folders whatever the
    /// platform; the path as the record has it when it lies elsewhere (a record an earlier
    /// run over another folder wrote).
    pub fn file(&self, row: &Row) -> String {
        let path = Path::new(&row.file);
        match path.strip_prefix(self.root) {
            Ok(relative) if !relative.as_os_str().is_empty() => relative
                .components()
                .map(|c| c.as_os_str().to_string_lossy())
                .collect::<Vec<_>>()
                .join("/"),
            _ => row.file.clone(),
        }
    }

    /// An RFC 3339 time as people read it: `2022-09-26 10:58:35 +02:00`, whole seconds; the
    /// text as it is when it is not such a time.
    pub fn time(&self, text: &str) -> String {
        present::time::local_text(text, self.zone)
    }
}

/// A signing role, as the record's JSON writes it, in words ([`present::words::role`]); the
/// code itself when this arkivar does not know it (a record of a newer one).
fn role_words(code: &str) -> String {
    let role = match code {
        "chair" => SignerRole::Chair,
        "secretary" => SignerRole::Secretary,
        "adjuster" => SignerRole::Adjuster,
        "other" => SignerRole::Other,
        _ => return code.to_owned(),
    };
    present::words::role(role).to_owned()
}

/// Where a signing was found, as the record's JSON writes it, in words
/// ([`present::words::source`]); the code itself when this arkivar does not know it.
fn source_words(code: &str) -> String {
    let source = match code {
        "pades" => SigningSource::Pades,
        "eid_login" => SigningSource::EidLogin,
        "audit_trail" => SigningSource::AuditTrail,
        "text" => SigningSource::Text,
        _ => return code.to_owned(),
    };
    present::words::source(source).to_owned()
}

/// A finding's evidence as `key: value` lines ([`present::evidence`]).
fn evidence_lines(evidence: &Value, zone: &TimeZone) -> Vec<String> {
    present::evidence::value_lines(evidence, zone)
        .into_iter()
        .map(|(key, value)| format!("{key}: {value}"))
        .collect()
}

/// One document in a report.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Row {
    /// The source path (or name) of the document.
    pub file: String,
    /// Hex SHA-256 the record is named by.
    pub sha256: String,
    /// The record's status code.
    pub status: String,
    /// Page count, when the PDF could be loaded.
    pub pages: Option<u64>,
    /// Who signed, in order.
    pub signing: Vec<SigningRow>,
    /// What the checks found.
    pub findings: Vec<FindingRow>,
    /// The meeting facts, when the document is meeting minutes.
    pub meeting: Option<MeetingRow>,
    /// Why the document could not be processed.
    pub error: Option<String>,
    /// Milliseconds the pipeline took in this run; `None` for documents an earlier run did.
    pub millis: Option<u64>,
}

/// One signing event.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct SigningRow {
    pub name: String,
    pub role: String,
    pub time: Option<String>,
    pub source: String,
}

/// One finding, with its evidence as JSON.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct FindingRow {
    pub code: String,
    pub severity: String,
    pub message: String,
    pub evidence: Value,
}

/// The extracted meeting facts.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct MeetingRow {
    pub organ: Option<String>,
    pub date: Option<String>,
    pub start: Option<String>,
    pub end: Option<String>,
    pub place: Option<String>,
    pub participants: usize,
    pub chair: Vec<String>,
    pub secretary: Vec<String>,
    pub adjusters: Vec<String>,
}

impl Row {
    /// The row for one record's JSON. Missing or mistyped fields become empty values: a report
    /// shows what is there rather than refusing the whole batch.
    pub fn from_record(record: &Value, millis: Option<u64>) -> Row {
        let text = |v: &Value| v.as_str().map(str::to_owned);
        let list = |v: &Value| -> Vec<String> {
            v.as_array()
                .map(|a| {
                    a.iter()
                        .filter_map(|s| s.as_str().map(str::to_owned))
                        .collect()
                })
                .unwrap_or_default()
        };
        let file = text(&record["source"]["path"])
            .or_else(|| text(&record["source"]["name"]))
            .unwrap_or_default();
        let signing = record["signing"]
            .as_array()
            .map(|events| {
                events
                    .iter()
                    .map(|s| SigningRow {
                        name: text(&s["name"]).unwrap_or_default(),
                        role: text(&s["role"]).unwrap_or_default(),
                        time: text(&s["time"]),
                        source: text(&s["source"]).unwrap_or_default(),
                    })
                    .collect()
            })
            .unwrap_or_default();
        let findings = record["findings"]
            .as_array()
            .map(|found| {
                found
                    .iter()
                    .map(|f| FindingRow {
                        code: text(&f["code"]).unwrap_or_default(),
                        severity: text(&f["severity"]).unwrap_or_default(),
                        message: text(&f["message"]).unwrap_or_default(),
                        evidence: f["evidence"].clone(),
                    })
                    .collect()
            })
            .unwrap_or_default();
        let minutes = &record["minutes"];
        let meeting = minutes.is_object().then(|| {
            let m = &minutes["meeting"];
            let d = &minutes["designated"];
            MeetingRow {
                organ: text(&m["organ"]),
                date: text(&m["date"]),
                start: text(&m["start"]),
                end: text(&m["end"]),
                place: text(&m["place"]),
                participants: minutes["participants"].as_array().map_or(0, Vec::len),
                chair: list(&d["chair"]),
                secretary: list(&d["secretary"]),
                adjusters: list(&d["adjusters"]),
            }
        });
        Row {
            file,
            sha256: text(&record["identity"]["sha256"]).unwrap_or_default(),
            status: text(&record["status"]).unwrap_or_default(),
            pages: record["document"]["pages"].as_u64(),
            signing,
            findings,
            meeting,
            error: text(&record["error"]["message"]),
            millis,
        }
    }

    /// The earliest and the latest signing time (RFC 3339, as the record has them); `None`
    /// when no signing has a time.
    pub fn signing_span(&self) -> Option<(&str, &str)> {
        let mut times: Vec<(jiff::Timestamp, &str)> = self
            .signing
            .iter()
            .filter_map(|s| s.time.as_deref())
            .filter_map(|t| t.parse().ok().map(|p| (p, t)))
            .collect();
        times.sort();
        Some((times.first()?.1, times.last()?.1))
    }

    /// The finding codes, in record order, without repeats.
    pub fn codes(&self) -> Vec<&str> {
        let mut codes: Vec<&str> = Vec::new();
        for f in &self.findings {
            if !codes.contains(&f.code.as_str()) {
                codes.push(&f.code);
            }
        }
        codes
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn row_reads_the_fields_people_need() {
        let record = json!({
            "status": "warnings",
            "identity": {"by": "content", "sha256": "ab"},
            "source": {"path": "in/x.pdf", "name": null},
            "document": {"pages": 4},
            "signing": [{"name": "Eva", "role": "chair", "time": "2024-01-02T10:00:00Z", "source": "pades"}],
            "findings": [
                {"code": "order.violation", "severity": "warning", "message": "m", "evidence": {"a": 1}},
                {"code": "order.violation", "severity": "warning", "message": "m2", "evidence": {}}
            ],
            "minutes": {"meeting": {"organ": "Styrelsen", "date": "2024-01-01"},
                        "participants": [{"name": "Eva"}],
                        "designated": {"chair": ["Eva"], "secretary": [], "adjusters": ["Bo"]}},
            "error": null
        });
        let row = Row::from_record(&record, Some(12));
        assert_eq!(row.file, "in/x.pdf");
        assert_eq!(row.pages, Some(4));
        assert_eq!(row.signing[0].role, "chair");
        assert_eq!(row.codes(), vec!["order.violation"]);
        let meeting = row.meeting.unwrap();
        assert_eq!(meeting.organ.as_deref(), Some("Styrelsen"));
        assert_eq!(meeting.adjusters, vec!["Bo"]);
        assert_eq!(row.error, None);
    }

    fn stockholm() -> TimeZone {
        TimeZone::get("Europe/Stockholm").unwrap()
    }

    #[test]
    fn files_are_shown_relative_to_the_batch_folder() {
        let zone = stockholm();
        let context = Context {
            root: Path::new("/srv/arkiv/in"),
            zone: &zone,
        };
        let row = |file: &str| Row {
            file: file.into(),
            ..Row::default()
        };
        assert_eq!(
            context.file(&row("/srv/arkiv/in/2022/ks/protokoll.pdf")),
            "2022/ks/protokoll.pdf"
        );
        // Elsewhere, or no path at all: as the record has it.
        assert_eq!(context.file(&row("/tmp/x.pdf")), "/tmp/x.pdf");
        assert_eq!(context.file(&row("upload.pdf")), "upload.pdf");
        assert_eq!(context.file(&row("/srv/arkiv/in")), "/srv/arkiv/in");
    }

    #[test]
    fn times_are_local_with_their_offset_and_whole_seconds() {
        let zone = stockholm();
        let context = Context {
            root: Path::new("."),
            zone: &zone,
        };
        assert_eq!(
            context.time("2022-09-26T08:58:35.123456789Z"),
            "2022-09-26 10:58:35 +02:00"
        );
        assert_eq!(
            context.time("2024-01-02T10:00:00Z"),
            "2024-01-02 11:00:00 +01:00"
        );
        assert_eq!(context.time("2024-01-02"), "2024-01-02");
    }

    #[test]
    fn the_signing_span_compares_instants_not_text() {
        let at = |time: &str| SigningRow {
            time: Some(time.into()),
            ..SigningRow::default()
        };
        let row = Row {
            signing: vec![
                at("2022-09-26T10:00:00+02:00"),
                at("2022-09-26T09:30:00Z"),
                SigningRow::default(),
                at("2022-09-26T07:59:00Z"),
            ],
            ..Row::default()
        };
        assert_eq!(
            row.signing_span(),
            Some(("2022-09-26T07:59:00Z", "2022-09-26T09:30:00Z"))
        );
        assert_eq!(Row::default().signing_span(), None);
    }

    /// The report reads roles and sources back from record files by their JSON codes; a
    /// renamed code would otherwise show as the bare code.
    #[test]
    fn role_and_source_codes_are_the_records_own() {
        for role in [
            SignerRole::Chair,
            SignerRole::Secretary,
            SignerRole::Adjuster,
            SignerRole::Other,
        ] {
            let code = serde_json::to_value(role).unwrap();
            assert_eq!(
                role_words(code.as_str().unwrap()),
                present::words::role(role)
            );
        }
        for source in [
            SigningSource::Pades,
            SigningSource::EidLogin,
            SigningSource::AuditTrail,
            SigningSource::Text,
        ] {
            let code = serde_json::to_value(source).unwrap();
            assert_eq!(
                source_words(code.as_str().unwrap()),
                present::words::source(source)
            );
        }
        assert_eq!(role_words("mayor"), "mayor");
    }

    #[test]
    fn a_record_missing_everything_is_still_a_row() {
        let row = Row::from_record(&json!({"status": 3}), None);
        assert_eq!(row, Row::default());
    }
}
