//! What a batch did, counted: by status, by finding code, the slowest documents. Rendered as
//! the one summary line on stdout (scripts read it: status codes as the record writes them)
//! and a table for people on stderr (each finding code with its sentence from
//! [`crate::present::words`]).

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::Path;

use crate::present::words;
use crate::record::Status;
use crate::report::Row;

/// Every status, to read a status code back into its type.
const STATUSES: [Status; 5] = [
    Status::Verified,
    Status::Warnings,
    Status::Failed,
    Status::Unsigned,
    Status::Error,
];

/// The status a record's code names. A code this build does not know (a record file from
/// another version) counts as `error`: nothing can be said of it.
fn status_named(code: &str) -> Status {
    STATUSES
        .into_iter()
        .find(|s| s.as_str() == code)
        .unwrap_or(Status::Error)
}

/// How many slow documents the table lists.
const SLOWEST: usize = 5;

/// Counts over a batch.
#[derive(Debug, Default)]
pub struct Tally {
    /// Documents with a record at the end (done now or by an earlier run).
    pub documents: usize,
    /// Documents an earlier run had finished (found in the ledger).
    pub skipped: usize,
    /// Records by status code.
    pub by_status: BTreeMap<String, usize>,
    /// Documents by finding code (a code counts once per document).
    pub by_code: BTreeMap<String, usize>,
    /// Documents whose status is `failed` or `error`.
    pub failed: usize,
    /// Records that could not be written.
    pub unwritten: usize,
    /// Documents found but never processed (a worker stopped).
    pub lost: usize,
    /// Records the archive did not confirm; they are not in the ledger, so the next run
    /// sends them again.
    pub unsent: usize,
    /// Documents not started because a signal stopped the run.
    pub not_started: usize,
    /// `(milliseconds, file)` of the slowest documents of this run, slowest first.
    pub slowest: Vec<(u64, String)>,
}

impl Tally {
    /// Counts one document's row.
    pub fn add(&mut self, row: &Row) {
        self.documents += 1;
        *self.by_status.entry(row.status.clone()).or_default() += 1;
        if status_named(&row.status).is_failure() {
            self.failed += 1;
        }
        for code in row.codes() {
            *self.by_code.entry(code.to_owned()).or_default() += 1;
        }
        if let Some(ms) = row.millis {
            self.slowest.push((ms, row.file.clone()));
            self.slowest
                .sort_by(|a, b| b.0.cmp(&a.0).then_with(|| a.1.cmp(&b.1)));
            self.slowest.truncate(SLOWEST);
        }
    }

    /// The statuses the counted documents have, each once: what the exit code is made of.
    pub fn statuses(&self) -> impl Iterator<Item = Status> + '_ {
        self.by_status.keys().map(|code| status_named(code))
    }

    /// `12 documents: 10 unsigned, 2 error; records in out/`.
    pub fn line(&self, out: &Path) -> String {
        let counts: Vec<String> = self
            .by_status
            .iter()
            .map(|(status, n)| format!("{n} {status}"))
            .collect();
        let mut line = format!(
            "{} document{}",
            self.documents,
            if self.documents == 1 { "" } else { "s" }
        );
        if !counts.is_empty() {
            line.push_str(&format!(": {}", counts.join(", ")));
        }
        if self.skipped > 0 {
            line.push_str(&format!(" ({} done by an earlier run)", self.skipped));
        }
        line.push_str(&format!("; records in {}", out.display()));
        if self.unwritten > 0 {
            line.push_str(&format!("; {} records NOT written", self.unwritten));
        }
        if self.lost > 0 {
            line.push_str(&format!("; {} documents NOT processed", self.lost));
        }
        if self.unsent > 0 {
            line.push_str(&format!(
                "; {} records NOT confirmed by the archive",
                self.unsent
            ));
        }
        if self.not_started > 0 {
            line.push_str(&format!(
                "; {} documents not started (interrupted)",
                self.not_started
            ));
        }
        line
    }

    /// The table for people: statuses, finding codes, slowest documents.
    pub fn table(&self) -> String {
        let mut t = String::new();
        let width = self
            .by_code
            .keys()
            .map(String::len)
            .chain(["status".len()])
            .max()
            .unwrap_or(0);
        let _ = writeln!(t, "{:<width$}  documents", "status");
        for (status, n) in &self.by_status {
            let _ = writeln!(t, "{status:<width$}  {n:>9}");
        }
        if !self.by_code.is_empty() {
            let _ = writeln!(t, "\n{:<width$}  documents", "finding");
            // Most frequent first: what an archivist looks at first.
            let mut codes: Vec<_> = self.by_code.iter().collect();
            codes.sort_by(|a, b| b.1.cmp(a.1).then_with(|| a.0.cmp(b.0)));
            for (code, n) in codes {
                let meaning = words::finding_code(code).unwrap_or("");
                let _ = writeln!(t, "{code:<width$}  {n:>9}  {meaning}");
            }
        }
        if !self.slowest.is_empty() {
            let _ = writeln!(t, "\nslowest");
            for (ms, file) in &self.slowest {
                let _ = writeln!(t, "{:>8.2} s  {file}", *ms as f64 / 1000.0);
            }
        }
        t
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::record::FindingCode;
    use crate::report::FindingRow;

    fn row(file: &str, status: &str, codes: &[&str], millis: Option<u64>) -> Row {
        Row {
            file: file.into(),
            status: status.into(),
            findings: codes
                .iter()
                .map(|c| FindingRow {
                    code: (*c).into(),
                    severity: "warning".into(),
                    message: String::new(),
                    evidence: serde_json::Value::Null,
                })
                .collect(),
            millis,
            ..Row::default()
        }
    }

    #[test]
    fn line_counts_by_status() {
        let mut tally = Tally::default();
        for _ in 0..10 {
            tally.add(&row("a", "unsigned", &[], None));
        }
        tally.add(&row("b", "error", &[], None));
        tally.add(&row("c", "error", &[], None));
        assert_eq!(
            tally.line(Path::new("out")),
            "12 documents: 2 error, 10 unsigned; records in out"
        );
        assert_eq!(tally.failed, 2);
        assert_eq!(
            tally.statuses().collect::<Vec<_>>(),
            vec![Status::Error, Status::Unsigned]
        );
    }

    #[test]
    fn an_unknown_status_code_counts_as_error() {
        let mut tally = Tally::default();
        tally.add(&row("a", "verified", &[], None));
        tally.add(&row("b", "half_verified", &[], None));
        assert_eq!(tally.failed, 1);
        assert_eq!(
            tally.statuses().collect::<Vec<_>>(),
            vec![Status::Error, Status::Verified]
        );
    }

    #[test]
    fn line_says_what_was_lost_and_skipped() {
        let mut tally = Tally::default();
        tally.add(&row("a", "unsigned", &[], None));
        tally.skipped = 1;
        tally.unwritten = 1;
        tally.lost = 2;
        tally.unsent = 3;
        tally.not_started = 4;
        assert_eq!(
            tally.line(Path::new("out")),
            "1 document: 1 unsigned (1 done by an earlier run); records in out; \
             1 records NOT written; 2 documents NOT processed; \
             3 records NOT confirmed by the archive; 4 documents not started (interrupted)"
        );
    }

    #[test]
    fn table_lists_codes_by_frequency_and_the_slowest() {
        let mut tally = Tally::default();
        tally.add(&row("a.pdf", "warnings", &["order.violation"], Some(30)));
        tally.add(&row(
            "b.pdf",
            "failed",
            &["order.violation", "role.missing_signature"],
            Some(1500),
        ));
        let table = tally.table();
        let order = table.find("order.violation").unwrap();
        let role = table.find("role.missing_signature").unwrap();
        assert!(order < role, "{table}");
        assert!(
            table.contains(words::finding(FindingCode::OrderViolation)),
            "{table}"
        );
        assert!(table.contains("    1.50 s  b.pdf"), "{table}");
        assert!(table.find("b.pdf").unwrap() < table.find("a.pdf").unwrap());
    }
}
