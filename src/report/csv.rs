//! `report.csv`: one row per document, for spreadsheets and scripts.
//!
//! The file is what Excel in a Swedish locale opens without an import dialog: UTF-8 with a
//! byte order mark (without it Excel reads the bytes as Windows-1252 and `å` becomes `Ã¥`),
//! and `;` between fields (the list separator of locales whose decimal mark is `,`). Another
//! delimiter is one flag away ([`Delimiter`], `--csv-delimiter`). Quoting is RFC 4180's with
//! the chosen delimiter: a field that holds it, a `"` or a line break is quoted, `"` doubled;
//! lines end in CRLF (§2).
//!
//! Columns: [`COLUMNS`]. Files are relative to the batch's folder and times are in the
//! pipeline's zone with their offset (`2022-09-26 10:58:35 +02:00`), as [`super::Context`]
//! shows them. Lists (signers, finding codes) are joined with `, ` inside one field. A field
//! that a spreadsheet would run as a formula (starting with `=`, `+`, `-`, `@`) gets a leading
//! `'`: file names and signer names come from untrusted documents (OWASP "CSV injection").

use std::fmt;
use std::str::FromStr;

use thiserror::Error;

use super::{Context, Row};

/// The header line's fields.
pub const COLUMNS: [&str; 11] = [
    "file",
    "sha256",
    "status",
    "pages",
    "meeting_date",
    "organ",
    "signers",
    "first_signed",
    "last_signed",
    "findings",
    "error",
];

/// Written first so that spreadsheets know the file is UTF-8.
const BOM: char = '\u{feff}';

/// What goes between a list's items inside one field.
const LIST_SEPARATOR: &str = ", ";

/// The character between fields: `;` unless the user chose another.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Delimiter(char);

impl Delimiter {
    /// The character.
    pub fn char(self) -> char {
        self.0
    }
}

impl Default for Delimiter {
    fn default() -> Self {
        Delimiter(';')
    }
}

impl fmt::Display for Delimiter {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.0 {
            '\t' => f.write_str("tab"),
            c => write!(f, "{c}"),
        }
    }
}

/// Why a `--csv-delimiter` value cannot be one.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[non_exhaustive]
pub enum DelimiterError {
    /// Not exactly one character.
    #[error("a CSV delimiter is one character, not {0:?}; for example ';', ',' or 'tab'")]
    NotOneCharacter(String),
    /// A character RFC 4180 gives another meaning.
    #[error("{0:?} cannot separate CSV fields: it quotes fields or ends lines (RFC 4180)")]
    Reserved(char),
}

impl FromStr for Delimiter {
    type Err = DelimiterError;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        // A tab is hard to type as an argument, so it has a name.
        if text.eq_ignore_ascii_case("tab") {
            return Ok(Delimiter('\t'));
        }
        let mut chars = text.chars();
        let (Some(c), None) = (chars.next(), chars.next()) else {
            return Err(DelimiterError::NotOneCharacter(text.to_owned()));
        };
        if matches!(c, '"' | '\r' | '\n') {
            return Err(DelimiterError::Reserved(c));
        }
        Ok(Delimiter(c))
    }
}

/// The whole CSV file for `rows`: the byte order mark, the header, one line per row.
pub fn render(rows: &[Row], context: &Context<'_>, delimiter: Delimiter) -> String {
    let mut out = String::new();
    out.push(BOM);
    push_line(&mut out, delimiter, COLUMNS.iter().map(|c| (*c).to_owned()));
    for row in rows {
        let signers: Vec<&str> = row.signing.iter().map(|s| s.name.as_str()).collect();
        let (first, last) = row
            .signing_span()
            .map(|(first, last)| (context.time(first), context.time(last)))
            .unwrap_or_default();
        let meeting = row.meeting.as_ref();
        push_line(
            &mut out,
            delimiter,
            [
                context.file(row),
                row.sha256.clone(),
                row.status.clone(),
                row.pages.map(|p| p.to_string()).unwrap_or_default(),
                meeting.and_then(|m| m.date.clone()).unwrap_or_default(),
                meeting.and_then(|m| m.organ.clone()).unwrap_or_default(),
                signers.join(LIST_SEPARATOR),
                first,
                last,
                row.codes().join(LIST_SEPARATOR),
                row.error.clone().unwrap_or_default(),
            ]
            .into_iter(),
        );
    }
    out
}

fn push_line(out: &mut String, delimiter: Delimiter, fields: impl Iterator<Item = String>) {
    for (i, field) in fields.enumerate() {
        if i > 0 {
            out.push(delimiter.0);
        }
        out.push_str(&quote(&field, delimiter));
    }
    out.push_str("\r\n");
}

/// One field, quoted when it needs to be, defused when it looks like a formula.
fn quote(field: &str, delimiter: Delimiter) -> String {
    let defused;
    let field = if field.starts_with(['=', '+', '-', '@']) {
        defused = format!("'{field}");
        defused.as_str()
    } else {
        field
    };
    if field.contains([delimiter.0, '"', '\n', '\r']) {
        format!("\"{}\"", field.replace('"', "\"\""))
    } else {
        field.to_owned()
    }
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    use jiff::tz::TimeZone;

    use super::*;
    use crate::report::{FindingRow, MeetingRow, SigningRow};

    fn signer(name: &str, time: Option<&str>) -> SigningRow {
        SigningRow {
            name: name.into(),
            time: time.map(str::to_owned),
            ..SigningRow::default()
        }
    }

    fn row() -> Row {
        Row {
            file: "/srv/in/2022/a; \"b\".pdf".into(),
            sha256: "ab".into(),
            status: "failed".into(),
            pages: Some(2),
            signing: vec![
                signer("Åsa Öberg", Some("2022-09-27T07:00:00Z")),
                signer("=cmd()", Some("2022-09-26T08:58:35.5Z")),
                signer("Bo Ek", None),
            ],
            findings: vec![FindingRow {
                code: "role.missing_signature".into(),
                severity: "error".into(),
                message: String::new(),
                evidence: serde_json::Value::Null,
            }],
            meeting: Some(MeetingRow {
                organ: Some("Kommunstyrelsen".into()),
                date: Some("2022-09-20".into()),
                ..MeetingRow::default()
            }),
            ..Row::default()
        }
    }

    fn render_in_stockholm(rows: &[Row], delimiter: Delimiter) -> String {
        let zone = TimeZone::get("Europe/Stockholm").unwrap();
        let context = Context {
            root: Path::new("/srv/in"),
            zone: &zone,
        };
        render(rows, &context, delimiter)
    }

    #[test]
    fn excel_in_a_swedish_locale_gets_a_bom_semicolons_and_local_times() {
        let csv = render_in_stockholm(&[row()], Delimiter::default());
        assert_eq!(
            csv,
            "\u{feff}file;sha256;status;pages;meeting_date;organ;signers;first_signed;last_signed;findings;error\r\n\
             \"2022/a; \"\"b\"\".pdf\";ab;failed;2;2022-09-20;Kommunstyrelsen;Åsa Öberg, =cmd(), Bo Ek;\
             2022-09-26 10:58:35 +02:00;2022-09-27 09:00:00 +02:00;role.missing_signature;\r\n"
        );
        assert!(csv.as_bytes().starts_with(b"\xef\xbb\xbf"));
    }

    #[test]
    fn another_delimiter_moves_the_quoting_with_it() {
        let comma: Delimiter = ",".parse().unwrap();
        let csv = render_in_stockholm(&[row()], comma);
        let line = csv.lines().nth(1).unwrap();
        assert!(
            line.starts_with("\"2022/a; \"\"b\"\".pdf\",ab,failed,2,2022-09-20,"),
            "{line}"
        );
        // The list of signers holds the delimiter now, so it is quoted; a `;` no longer is.
        assert!(line.contains(",\"Åsa Öberg, =cmd(), Bo Ek\","), "{line}");
        assert_eq!(quote("a;b", comma), "a;b");
        assert_eq!(quote("a,b", comma), "\"a,b\"");
        let tab: Delimiter = "tab".parse().unwrap();
        let csv = render_in_stockholm(&[Row::default()], tab);
        assert_eq!(csv.lines().nth(1), Some("\t\t\t\t\t\t\t\t\t\t"));
    }

    #[test]
    fn delimiters_that_would_break_the_format_are_refused() {
        assert_eq!("|".parse(), Ok(Delimiter('|')));
        assert_eq!("TAB".parse(), Ok(Delimiter('\t')));
        assert_eq!(
            "\"".parse::<Delimiter>(),
            Err(DelimiterError::Reserved('"'))
        );
        assert_eq!(
            "\n".parse::<Delimiter>(),
            Err(DelimiterError::Reserved('\n'))
        );
        assert!(matches!(
            ";;".parse::<Delimiter>(),
            Err(DelimiterError::NotOneCharacter(_))
        ));
        assert!(matches!(
            "".parse::<Delimiter>(),
            Err(DelimiterError::NotOneCharacter(_))
        ));
    }

    #[test]
    fn formula_fields_are_defused() {
        let semicolon = Delimiter::default();
        assert_eq!(quote("=1+1", semicolon), "'=1+1");
        assert_eq!(quote("-x;y", semicolon), "\"'-x;y\"");
        assert_eq!(quote("-x,y", semicolon), "'-x,y");
        assert_eq!(quote("plain", semicolon), "plain");
        assert_eq!(quote("two\nlines", semicolon), "\"two\nlines\"");
    }
}
