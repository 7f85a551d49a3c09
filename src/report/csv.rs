//! `report.csv`: one row per document, RFC 4180 quoting, for spreadsheets and scripts.
//!
//! Columns: `file, sha256, status, pages, signers, findings, error`. Lists (signers, finding
//! codes) are joined with `; ` inside one field. A field that a spreadsheet would run as a
//! formula (starting with `=`, `+`, `-`, `@`) gets a leading `'`: file names and signer names
//! come from untrusted documents (OWASP "CSV injection").

use super::Row;

/// The header line's fields.
pub const COLUMNS: [&str; 7] = [
    "file", "sha256", "status", "pages", "signers", "findings", "error",
];

/// The whole CSV file for `rows`, header first, CRLF line ends as RFC 4180 §2 says.
pub fn render(rows: &[Row]) -> String {
    let mut out = String::new();
    push_line(&mut out, COLUMNS.iter().map(|c| (*c).to_owned()));
    for row in rows {
        let signers: Vec<&str> = row.signing.iter().map(|s| s.name.as_str()).collect();
        push_line(
            &mut out,
            [
                row.file.clone(),
                row.sha256.clone(),
                row.status.clone(),
                row.pages.map(|p| p.to_string()).unwrap_or_default(),
                signers.join("; "),
                row.codes().join("; "),
                row.error.clone().unwrap_or_default(),
            ]
            .into_iter(),
        );
    }
    out
}

fn push_line(out: &mut String, fields: impl Iterator<Item = String>) {
    for (i, field) in fields.enumerate() {
        if i > 0 {
            out.push(',');
        }
        out.push_str(&quote(&field));
    }
    out.push_str("\r\n");
}

/// One field, quoted when it needs to be, defused when it looks like a formula.
fn quote(field: &str) -> String {
    let defused;
    let field = if field.starts_with(['=', '+', '-', '@']) {
        defused = format!("'{field}");
        defused.as_str()
    } else {
        field
    };
    if field.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", field.replace('"', "\"\""))
    } else {
        field.to_owned()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::{FindingRow, SigningRow};

    #[test]
    fn rows_are_quoted_and_lists_joined() {
        let row = Row {
            file: "in/a, \"b\".pdf".into(),
            sha256: "ab".into(),
            status: "failed".into(),
            pages: Some(2),
            signing: vec![
                SigningRow {
                    name: "Eva".into(),
                    ..SigningRow::default()
                },
                SigningRow {
                    name: "=cmd()".into(),
                    ..SigningRow::default()
                },
            ],
            findings: vec![FindingRow {
                code: "role.missing_signature".into(),
                severity: "error".into(),
                message: String::new(),
                evidence: serde_json::Value::Null,
            }],
            ..Row::default()
        };
        let csv = render(&[row]);
        assert_eq!(
            csv,
            "file,sha256,status,pages,signers,findings,error\r\n\
             \"in/a, \"\"b\"\".pdf\",ab,failed,2,Eva; =cmd(),role.missing_signature,\r\n"
        );
    }

    #[test]
    fn formula_fields_are_defused() {
        assert_eq!(quote("=1+1"), "'=1+1");
        assert_eq!(quote("-x,y"), "\"'-x,y\"");
        assert_eq!(quote("plain"), "plain");
    }
}
