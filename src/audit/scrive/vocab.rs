//! The schema of a Scrive vocabulary file (`sv.toml`, `en.toml`) and its compiled form.
//!
//! Scrive's evidence page is laid out differently from Acrobat Sign's report (headings and
//! party boxes rather than a `Label: value` header; the time before its event, not after), so
//! its vocabulary has its own schema; the templates, folding and event kinds are shared with
//! `audit::vocab`. Files are read with `deny_unknown_fields`, so a misspelt key is an error in
//! the test that loads every file, never a silently ignored phrase.

use serde::Deserialize;

use crate::audit::template::Template;
use crate::audit::vocab::{EventSection, compile_events, phrases, read, templates};
use crate::audit::{EventKind, Identification, VocabError};

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct VocabFile {
    provider: String,
    language: String,
    #[serde(default)]
    ignore: Vec<String>,
    headings: Headings,
    labels: Labels,
    identification: Methods,
    events: Vec<EventSection>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Headings {
    titles: Vec<String>,
    document: Vec<String>,
    parties: Vec<String>,
    events: Vec<String>,
    end: Vec<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Labels {
    transaction: Vec<String>,
    sent_by: Vec<String>,
    signed: Vec<String>,
    personal_number: Vec<String>,
    ip: Vec<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Methods {
    #[serde(default)]
    bank_id: Vec<String>,
    #[serde(default)]
    sms: Vec<String>,
    #[serde(default)]
    email: Vec<String>,
    #[serde(default)]
    other: Vec<String>,
}

/// One Scrive vocabulary, compiled: phrases folded, longest first within each list.
#[derive(Debug)]
pub(crate) struct ScriveVocab {
    /// Its language code.
    pub language: String,
    /// Page titles ("Verifikat"), each alone on its line.
    pub titles: Vec<Vec<char>>,
    /// The heading over the document's name.
    pub document: Vec<Vec<char>>,
    /// The heading over the signing parties.
    pub parties: Vec<Vec<char>>,
    /// The heading over the events.
    pub events_heading: Vec<Vec<char>>,
    /// The closing statement's opening words.
    pub end: Vec<Vec<char>>,
    /// Transaction number label.
    pub transaction: Vec<Vec<char>>,
    /// Sender label.
    pub sent_by: Vec<Vec<char>>,
    /// A party's signing-time label.
    pub signed: Vec<Vec<char>>,
    /// A party's personal identity number label.
    pub personal_number: Vec<Vec<char>>,
    /// IP address label.
    pub ip: Vec<Vec<char>>,
    /// Identification methods in the order they are tried.
    pub methods: Vec<(Identification, Vec<char>)>,
    /// Page furniture.
    pub ignore: Vec<Template>,
    /// Event templates in file order: the first that matches wins.
    pub events: Vec<(EventKind, Template)>,
    /// Keywords per kind, tried when no template matches.
    pub keywords: Vec<(EventKind, Vec<char>)>,
}

/// Reads and compiles the vocabulary `source` (the contents of `file`) for `provider`.
pub(crate) fn compile(
    file: &'static str,
    provider: &str,
    source: &str,
) -> Result<ScriveVocab, VocabError> {
    let v: VocabFile = read(file, provider, source, |v: &VocabFile| &v.provider)?;
    if v.headings.titles.is_empty() || v.headings.parties.is_empty() || v.events.is_empty() {
        return Err(VocabError::Invalid {
            file,
            message: "a Scrive vocabulary needs titles, a parties heading and events".into(),
        });
    }
    let (events, keywords) = compile_events(file, &v.events)?;
    // Methods keep their section order (BankID before e-mail: "BankID" events may also name
    // the e-mail address the invitation went to); within a method, longest first.
    let methods = [
        (Identification::BankId, &v.identification.bank_id),
        (Identification::Sms, &v.identification.sms),
        (Identification::Email, &v.identification.email),
        (Identification::Other, &v.identification.other),
    ]
    .into_iter()
    .flat_map(|(m, list)| phrases(list).into_iter().map(move |p| (m, p)))
    .collect();
    Ok(ScriveVocab {
        language: v.language,
        titles: phrases(&v.headings.titles),
        document: phrases(&v.headings.document),
        parties: phrases(&v.headings.parties),
        events_heading: phrases(&v.headings.events),
        end: phrases(&v.headings.end),
        transaction: phrases(&v.labels.transaction),
        sent_by: phrases(&v.labels.sent_by),
        signed: phrases(&v.labels.signed),
        personal_number: phrases(&v.labels.personal_number),
        ip: phrases(&v.labels.ip),
        methods,
        ignore: templates(file, &v.ignore)?,
        events,
        keywords,
    })
}
