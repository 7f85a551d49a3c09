//! The schema of an audit-report vocabulary file and its compiled form.
//!
//! A vocabulary is one provider in one language: the report's titles, its header labels, its
//! status words, the labels on time lines, and per event kind the templates (and, as a last
//! resort, keywords) that recognise an event's description. Files are TOML, compiled in with
//! `include_str!`, read with `deny_unknown_fields` so that a misspelt key is an error in the
//! test that loads every file, never a silently ignored phrase.

use serde::Deserialize;

use super::template::Template;
use super::text::fold_phrase;
use super::{EventKind, TrailStatus, VocabError};

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct VocabFile {
    provider: String,
    language: String,
    #[serde(default)]
    ignore: Vec<String>,
    report: ReportSection,
    header: HeaderSection,
    status: StatusSection,
    labels: LabelSection,
    events: Vec<EventSection>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct ReportSection {
    titles: Vec<String>,
    history: Vec<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct HeaderSection {
    created: Vec<String>,
    created_by: Vec<String>,
    status: Vec<String>,
    transaction_id: Vec<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct StatusSection {
    #[serde(default)]
    signed: Vec<String>,
    #[serde(default)]
    out_for_signature: Vec<String>,
    #[serde(default)]
    cancelled: Vec<String>,
    #[serde(default)]
    declined: Vec<String>,
    #[serde(default)]
    expired: Vec<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct LabelSection {
    signature_date: Vec<String>,
    time_source: Vec<String>,
    ip: Vec<String>,
}

/// One event kind's templates and keywords, as every provider's vocabulary writes them.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct EventSection {
    kind: EventKind,
    templates: Vec<String>,
    #[serde(default)]
    keywords: Vec<String>,
}

/// A header field of a report.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum HeaderField {
    Created,
    CreatedBy,
    Status,
    TransactionId,
}

/// One vocabulary, compiled: phrases folded, templates parsed, longest phrases first.
#[derive(Debug)]
pub(crate) struct ReportVocab {
    /// Its language code.
    pub language: String,
    /// Report titles.
    pub titles: Vec<Vec<char>>,
    /// History headings (`"{title}" - historik`).
    pub history: Vec<Template>,
    /// Header labels (without the colon).
    pub header: Vec<(HeaderField, Vec<char>)>,
    /// Status words.
    pub statuses: Vec<(TrailStatus, Vec<char>)>,
    /// Labels that make a time line the signature date of the event before it.
    pub signature_date: Vec<Vec<char>>,
    /// Labels of the time source on a time line.
    pub time_source: Vec<Vec<char>>,
    /// Labels of the IP address on a time line.
    pub ip: Vec<Vec<char>>,
    /// Lines that are page furniture (page numbers, footers), not events.
    pub ignore: Vec<Template>,
    /// Event templates in file order: the first that matches wins.
    pub events: Vec<(EventKind, Template)>,
    /// Keywords per kind, tried when no template matches.
    pub keywords: Vec<(EventKind, Vec<char>)>,
}

/// Folded phrases, longest first, empty ones dropped.
pub(crate) fn phrases(list: &[String]) -> Vec<Vec<char>> {
    let mut out: Vec<Vec<char>> = list
        .iter()
        .map(|s| fold_phrase(s))
        .filter(|p| !p.is_empty())
        .collect();
    out.sort_by_key(|p| std::cmp::Reverse(p.len()));
    out
}

/// Compiled templates; a bad one is an error naming `file`.
pub(crate) fn templates(file: &'static str, list: &[String]) -> Result<Vec<Template>, VocabError> {
    list.iter()
        .map(|s| Template::parse(s).map_err(|cause| VocabError::Template { file, cause }))
        .collect()
}

fn tagged<T: Copy>(pairs: &[(T, &[String])]) -> Vec<(T, Vec<char>)> {
    let mut out: Vec<(T, Vec<char>)> = pairs
        .iter()
        .flat_map(|(t, list)| phrases(list).into_iter().map(move |p| (*t, p)))
        .collect();
    out.sort_by_key(|(_, p)| std::cmp::Reverse(p.len()));
    out
}

/// Reads a vocabulary file's TOML (`source`, the contents of `file`) into `T`, and checks
/// that it is the vocabulary of `provider` (`provider_of` reads the file's own).
pub(crate) fn read<T: serde::de::DeserializeOwned>(
    file: &'static str,
    provider: &str,
    source: &str,
    provider_of: impl Fn(&T) -> &str,
) -> Result<T, VocabError> {
    let v: T = toml::from_str(source).map_err(|e| VocabError::Toml {
        file,
        message: e.to_string(),
    })?;
    let found = provider_of(&v);
    if found != provider {
        return Err(VocabError::Invalid {
            file,
            message: format!("provider '{found}' where '{provider}' was expected"),
        });
    }
    Ok(v)
}

/// Event templates in file order and keywords, each with its kind.
pub(crate) type CompiledEvents = (Vec<(EventKind, Template)>, Vec<(EventKind, Vec<char>)>);

/// Compiles the event sections: templates in file order, keywords per kind.
pub(crate) fn compile_events(
    file: &'static str,
    sections: &[EventSection],
) -> Result<CompiledEvents, VocabError> {
    let mut events = Vec::new();
    let mut keywords = Vec::new();
    for e in sections {
        for t in templates(file, &e.templates)? {
            events.push((e.kind, t));
        }
        for k in phrases(&e.keywords) {
            keywords.push((e.kind, k));
        }
    }
    Ok((events, keywords))
}

/// Reads and compiles the vocabulary `source` (the contents of `file`) for `provider`.
pub(crate) fn compile(
    file: &'static str,
    provider: &str,
    source: &str,
) -> Result<ReportVocab, VocabError> {
    let v: VocabFile = read(file, provider, source, |v: &VocabFile| &v.provider)?;
    if v.report.titles.is_empty() || v.events.is_empty() {
        return Err(VocabError::Invalid {
            file,
            message: "a vocabulary needs report titles and events".into(),
        });
    }
    let (events, keywords) = compile_events(file, &v.events)?;
    Ok(ReportVocab {
        language: v.language,
        titles: phrases(&v.report.titles),
        history: templates(file, &v.report.history)?,
        header: tagged(&[
            (HeaderField::Created, &v.header.created),
            (HeaderField::CreatedBy, &v.header.created_by),
            (HeaderField::Status, &v.header.status),
            (HeaderField::TransactionId, &v.header.transaction_id),
        ]),
        statuses: tagged(&[
            (TrailStatus::Signed, &v.status.signed),
            (TrailStatus::OutForSignature, &v.status.out_for_signature),
            (TrailStatus::Cancelled, &v.status.cancelled),
            (TrailStatus::Declined, &v.status.declined),
            (TrailStatus::Expired, &v.status.expired),
        ]),
        signature_date: phrases(&v.labels.signature_date),
        time_source: phrases(&v.labels.time_source),
        ip: phrases(&v.labels.ip),
        ignore: templates(file, &v.ignore)?,
        events,
        keywords,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unknown_keys_are_errors() {
        let src = r#"
provider = "adobe_sign"
language = "xx"
colour = "blue"
[report]
titles = ["R"]
history = []
[header]
created = []
created_by = []
status = []
transaction_id = []
[status]
[labels]
signature_date = []
time_source = []
ip = []
[[events]]
kind = "created"
templates = ["made by {actor}"]
"#;
        assert!(matches!(
            compile("x.toml", "adobe_sign", src),
            Err(VocabError::Toml { .. })
        ));
        let ok = src.replace("colour = \"blue\"\n", "");
        assert!(compile("x.toml", "adobe_sign", &ok).is_ok());
        assert!(matches!(
            compile("x.toml", "docusign", &ok),
            Err(VocabError::Invalid { .. })
        ));
        let bad_kind = ok.replace("kind = \"created\"", "kind = \"invented\"");
        assert!(compile("x.toml", "adobe_sign", &bad_kind).is_err());
        let bad_template = ok.replace("{actor}", "{who}");
        assert!(matches!(
            compile("x.toml", "adobe_sign", &bad_template),
            Err(VocabError::Template { .. })
        ));
    }
}
