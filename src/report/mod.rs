//! Reports over many records, for people: `report.csv` for spreadsheets and `report.html`, one
//! self-contained page an archivist opens offline.
//!
//! A report is built from [`Row`]s, a summary of one record each. Rows are read from the
//! record's JSON (not from [`crate::record::Record`]) on purpose: a resumed batch reports on
//! records an earlier run wrote, and those exist only as files. Reading JSON also keeps the
//! report working on records of an older arkivar that had fewer fields.
//!
//! This module renders bytes; writing them to a folder is the batch's job.

pub mod csv;
pub mod html;

use serde::Serialize;
use serde_json::Value;

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

    #[test]
    fn a_record_missing_everything_is_still_a_row() {
        let row = Row::from_record(&json!({"status": 3}), None);
        assert_eq!(row, Row::default());
    }
}
