//! Adobe Acrobat Sign audit reports ("Final Audit Report", "Slutgiltig revideringsrapport").
//!
//! The report the platform appends to a signed agreement: a title line with a date, a header
//! (created, by, status, transaction id — as `Label: value` lines, or all labels first and
//! all values after, as extractors read a two-column table), a history heading
//! (`"Title" History`), then events. Each event is a description (possibly wrapped over
//! several lines) followed by a time line in GMT (`2022-09-26 - 08:58:35 GMT – IP-adress: …`);
//! an e-signature's time line is its signature date (`Signaturdatum: … – Tidskälla: server`).
//! An event can straddle a page break, so pages are read as one stream of lines.
//!
//! The phrases are data, one file per language (`sv.toml`, `en.toml`); this module is the
//! layout. A description is matched against the vocabulary's templates; if page furniture
//! crept in at a page break, the longest run of its lines that a template matches is the
//! event. Nothing here decides whether the trail is acceptable: see `audit::facts`.

use std::collections::VecDeque;
use std::sync::OnceLock;

use jiff::Timestamp;

use super::template::Slot;
use super::text::{Folded, Line, emails_in, fold_into, party};
use super::vocab::{HeaderField, ReportVocab, compile};
use super::when::{Calendar, calendar, date_prefix, find_times, whole_date};
use super::{
    AuditEvent, AuditTrail, CONFIRM_WINDOW, EventKind, MAX_DESCRIPTION_CHARS,
    MAX_DESCRIPTION_LINES, MAX_EVENTS, PageRange, Party, Provider, TrailIssue, TrailStatus,
    VocabError,
};

/// The provider key the vocabulary files must declare.
const PROVIDER_KEY: &str = "adobe_sign";

/// The vocabulary files, one per language.
const FILES: &[(&str, &str)] = &[
    ("adobe_sign/sv.toml", include_str!("sv.toml")),
    ("adobe_sign/en.toml", include_str!("en.toml")),
];

/// The compiled vocabularies, loaded once.
pub(crate) fn vocabularies() -> Result<&'static [ReportVocab], &'static VocabError> {
    static VOCABS: OnceLock<Result<Vec<ReportVocab>, VocabError>> = OnceLock::new();
    VOCABS
        .get_or_init(|| {
            FILES
                .iter()
                .map(|(file, src)| compile(file, PROVIDER_KEY, src))
                .collect()
        })
        .as_ref()
        .map(Vec::as_slice)
}

/// A report title line: the title as written, the date beside it.
struct Head {
    report: String,
    date: Option<jiff::civil::Date>,
}

/// How a trail begins.
enum Start {
    /// At its report title line.
    Report(Head),
    /// At its history heading (the title line was lost), with the document title.
    History(String),
}

/// Finds every Adobe Acrobat Sign report in `lines`.
pub(crate) fn find(lines: &[Line]) -> Vec<AuditTrail> {
    let (Ok(vocabs), Ok(cal)) = (vocabularies(), calendar()) else {
        return Vec::new();
    };
    let mut starts: Vec<(usize, &ReportVocab, Start)> = Vec::new();
    let anchors = title_anchors(vocabs);
    let mut folded = String::new();
    for (i, line) in lines.iter().enumerate() {
        // A trail starts only at a line holding a report title or opening with a quote (a
        // history heading); folding without the map back is enough to rule out the rest,
        // which is nearly every line of nearly every document.
        fold_into(line.text, &mut folded);
        let may_start = folded.starts_with('"') || anchors.iter().any(|t| folded.contains(t));
        if !may_start {
            continue;
        }
        let f = Folded::new(line.text);
        for v in vocabs {
            if let Some(head) = report_title(&f, v, cal) {
                if confirmed(lines, i, v) {
                    starts.push((i, v, Start::Report(head)));
                    break;
                }
            } else if f.chars.first() == Some(&'"')
                && let Some(title) = history_heading(&f, None, v)
                && starts
                    .last()
                    .is_none_or(|(s, _, _)| i.saturating_sub(*s) > CONFIRM_WINDOW)
            {
                starts.push((i, v, Start::History(title)));
                break;
            }
        }
    }
    let ends: Vec<usize> = starts
        .iter()
        .skip(1)
        .map(|(i, _, _)| *i)
        .chain(std::iter::once(lines.len()))
        .collect();
    let mut trails = Vec::new();
    for ((i, v, start), end) in starts.into_iter().zip(ends) {
        let Some(region) = lines.get(i..end) else {
            continue;
        };
        if let Some(t) = parse_trail(region, v, cal, start) {
            trails.push(t);
        }
    }
    trails
}

/// The folded report titles of every vocabulary that contain no other title: a line that
/// holds any title holds one of these ("Final Audit Report" holds "Audit Report").
fn title_anchors(vocabs: &[ReportVocab]) -> &'static [String] {
    static ANCHORS: OnceLock<Vec<String>> = OnceLock::new();
    ANCHORS.get_or_init(|| {
        let titles: Vec<String> = vocabs
            .iter()
            .flat_map(|v| &v.titles)
            .map(|t| t.iter().collect())
            .collect();
        let mut anchors: Vec<String> = titles
            .iter()
            .filter(|t| !titles.iter().any(|o| o != *t && t.contains(o.as_str())))
            .cloned()
            .collect();
        anchors.sort();
        anchors.dedup();
        anchors
    })
}

/// A report title in `f`: the phrase at a word start, followed by nothing or a date.
fn report_title(f: &Folded, v: &ReportVocab, cal: &Calendar) -> Option<Head> {
    for title in &v.titles {
        let mut from = 0;
        while let Some(at) = f.find(title, from) {
            from = at + 1;
            let before_ok =
                at == 0 || matches!(f.chars.get(at - 1), Some(' ' | '-' | '"' | '\'' | '|'));
            if !before_ok {
                continue;
            }
            let rest = Folded::new(&f.original(at + title.len(), f.len()));
            let rest = Folded::new(rest.as_string().trim_start_matches(['-', ' ', ',']));
            let date = if rest.len() == 0 {
                None
            } else {
                match whole_date(&rest, cal) {
                    Some(d) => Some(d),
                    None => continue,
                }
            };
            return Some(Head {
                report: f.original(at, at + title.len()),
                date,
            });
        }
    }
    None
}

/// True when a header label or the history heading follows line `i` closely.
fn confirmed(lines: &[Line], i: usize, v: &ReportVocab) -> bool {
    lines.iter().skip(i + 1).take(CONFIRM_WINDOW).any(|l| {
        let f = Folded::new(l.text);
        header_label(&f, v).is_some() || history_heading(&f, None, v).is_some()
    })
}

/// `Label: value` or `Label:` for a known header label.
fn header_label(f: &Folded, v: &ReportVocab) -> Option<(HeaderField, Option<String>)> {
    for (field, label) in &v.header {
        if !f.has_at(label, 0) {
            continue;
        }
        let mut p = label.len();
        while f.chars.get(p) == Some(&' ') {
            p += 1;
        }
        if f.chars.get(p) != Some(&':') {
            continue;
        }
        let value = f.original(p + 1, f.len());
        return Some((*field, (!value.is_empty()).then_some(value)));
    }
    None
}

/// A short `Something:` line: a header label this vocabulary does not know.
fn unknown_label(f: &Folded) -> bool {
    f.chars.last() == Some(&':')
        && f.len() <= 40
        && f.chars.iter().filter(|c| **c == ' ').count() <= 3
        && !f.chars.iter().any(|c| c.is_ascii_digit() || *c == '@')
}

const QUOTES: &[char] = &[
    '"', '\'', '\u{201C}', '\u{201D}', '\u{201E}', '\u{00AB}', '\u{00BB}',
];

/// The history heading (`"Title" – historik`), possibly begun on the line before.
fn history_heading(f: &Folded, prev: Option<&str>, v: &ReportVocab) -> Option<String> {
    let try_one = |f: &Folded| {
        v.history.iter().find_map(|t| {
            let caps = t.matches(f)?;
            caps.into_iter()
                .find(|(s, _)| *s == Slot::Title)
                .map(|(_, title)| title.trim_matches(QUOTES).trim().to_string())
        })
    };
    if let Some(prev) = prev
        && f.chars.first() != Some(&'"')
    {
        let pf = Folded::new(prev);
        if pf.chars.first() == Some(&'"') {
            let joined = Folded::new(&format!("{prev} {}", f.original(0, f.len())));
            if let Some(t) = try_one(&joined) {
                return Some(t);
            }
        }
    }
    try_one(f)
}

/// A label phrase at `f`'s end (ignoring trailing separators): the text before it.
fn strip_trailing_label(f: &Folded, labels: &[Vec<char>]) -> Option<String> {
    let mut end = f.len();
    while end > 0 && matches!(f.chars.get(end - 1), Some(' ' | ':' | '-' | ',')) {
        end -= 1;
    }
    labels.iter().find_map(|l| {
        let at = end.checked_sub(l.len())?;
        let starts_word = at == 0 || f.chars.get(at - 1).is_some_and(|c| !c.is_alphanumeric());
        (starts_word && f.has_at(l, at)).then(|| f.original(0, at))
    })
}

/// The value after `label:` in a time line's tail, made of characters `keep` accepts.
fn labelled_value(f: &Folded, labels: &[Vec<char>], keep: fn(char) -> bool) -> Option<String> {
    for l in labels {
        let mut from = 0;
        while let Some(at) = f.find(l, from) {
            from = at + 1;
            let starts_word = at == 0 || f.chars.get(at - 1).is_some_and(|c| !c.is_alphanumeric());
            let mut p = at + l.len();
            if !starts_word || f.chars.get(p).is_some_and(|c| c.is_alphanumeric()) {
                continue;
            }
            while matches!(f.chars.get(p), Some(' ' | ':')) {
                p += 1;
            }
            let mut q = p;
            while f.chars.get(q).is_some_and(|c| keep(*c)) {
                q += 1;
            }
            if q > p {
                let v = f.original(p, q);
                let v = v.trim_end_matches(['.', '-', ':']).to_string();
                if !v.is_empty() {
                    return Some(v);
                }
            }
        }
    }
    None
}

fn ip_char(c: char) -> bool {
    c.is_ascii_hexdigit() || c == '.' || c == ':'
}

fn word_char(c: char) -> bool {
    c.is_alphanumeric() || c == '-' || c == '_'
}

/// A line that is page furniture inside a trail: a running header, a footer, a page number.
fn furniture(f: &Folded, v: &ReportVocab, cal: &Calendar, titles: &[Vec<char>]) -> bool {
    v.ignore.iter().any(|t| t.matches(f).is_some())
        || report_title(f, v, cal).is_some()
        || titles.iter().any(|t| !t.is_empty() && *t == f.chars)
        || f.chars
            .iter()
            .all(|c| c.is_ascii_digit() || *c == ' ' || *c == '/')
}

/// An event's description lines, with where each came from.
type Buffer<'a> = Vec<(Line<'a>, String)>;

/// What a description says.
struct Classified {
    kind: EventKind,
    actor: Party,
    recipient: Party,
    original: Option<String>,
    description: String,
    at: (usize, usize),
    known: bool,
}

fn from_captures(kind: EventKind, caps: Vec<(Slot, String)>) -> (Party, Party, Option<String>) {
    let mut actor = Party::default();
    let mut recipient = Party::default();
    let mut original = None;
    let mut typed_name = None;
    for (slot, text) in caps {
        match slot {
            Slot::Actor => actor = party(&text),
            Slot::Recipient => recipient = party(&text),
            Slot::Original => {
                let p = party(&text);
                original = p.email.or(p.name);
            }
            Slot::Name => typed_name = Some(text),
            Slot::Title | Slot::Any => {}
        }
    }
    // The name a signer typed is who signed, whatever the e-mail account is called.
    if kind == EventKind::NameEntered && typed_name.is_some() {
        actor.name = typed_name;
    }
    (actor, recipient, original)
}

/// Parties by position when only a keyword recognised the event.
fn keyword_parties(kind: EventKind, f: &Folded, at: usize) -> (Party, Party, Option<String>) {
    let before = emails_in(&f.original(0, at));
    let after = emails_in(&f.original(at, f.len()));
    let email = |e: Option<&String>| Party {
        name: None,
        email: e.cloned(),
    };
    match kind {
        EventKind::SentForSigning | EventKind::SentForApproval | EventKind::EmailBounced => (
            Party::default(),
            email(after.first().or(before.first())),
            None,
        ),
        EventKind::AlternativeSignerAdded | EventKind::SignerReplaced => (
            email(before.first()),
            email(after.first()),
            after.get(1).cloned(),
        ),
        EventKind::Delegated => (
            email(before.first().or(after.get(1))),
            email(after.first()),
            None,
        ),
        _ => (
            email(before.first().or(after.first())),
            Party::default(),
            None,
        ),
    }
}

fn classify(buf: &Buffer, v: &ReportVocab) -> Option<Classified> {
    let first = buf.first()?;
    let n = buf.len();
    // Longest run first, earliest first: page furniture before or after the description
    // falls away, the description itself is never cut short.
    for len in (1..=n).rev() {
        for start in 0..=(n - len) {
            let Some(run) = buf.get(start..start + len) else {
                continue;
            };
            let joined: String = run
                .iter()
                .map(|(_, s)| s.as_str())
                .collect::<Vec<_>>()
                .join(" ");
            let f = Folded::new(&joined);
            for (kind, t) in &v.events {
                if let Some(caps) = t.matches(&f) {
                    let (actor, recipient, original) = from_captures(*kind, caps);
                    let at = run
                        .first()
                        .map_or((first.0.page, first.0.line), |(l, _)| (l.page, l.line));
                    return Some(Classified {
                        kind: *kind,
                        actor,
                        recipient,
                        original,
                        description: joined,
                        at,
                        known: true,
                    });
                }
            }
        }
    }
    let joined: String = buf
        .iter()
        .map(|(_, s)| s.as_str())
        .collect::<Vec<_>>()
        .join(" ");
    let f = Folded::new(&joined);
    let at = (first.0.page, first.0.line);
    for (kind, k) in &v.keywords {
        if let Some(pos) = f.find(k, 0) {
            let (actor, recipient, original) = keyword_parties(*kind, &f, pos);
            return Some(Classified {
                kind: *kind,
                actor,
                recipient,
                original,
                description: joined,
                at,
                known: true,
            });
        }
    }
    Some(Classified {
        kind: EventKind::Other,
        actor: Party::default(),
        recipient: Party::default(),
        original: None,
        description: joined,
        at,
        known: false,
    })
}

fn push_line<'a>(buf: &mut Buffer<'a>, line: Line<'a>, text: String) {
    buf.push((line, text));
    while buf.len() > MAX_DESCRIPTION_LINES
        || (buf.len() > 1
            && buf.iter().map(|(_, s)| s.chars().count()).sum::<usize>() > MAX_DESCRIPTION_CHARS)
    {
        buf.remove(0);
    }
}

fn assign(
    trail: &mut AuditTrail,
    field: HeaderField,
    value: &str,
    v: &ReportVocab,
    cal: &Calendar,
) {
    let value = value.trim();
    match field {
        HeaderField::Created => {
            let f = Folded::new(value);
            trail.created = whole_date(&f, cal).or_else(|| date_prefix(&f, cal).map(|(d, _)| d));
        }
        HeaderField::CreatedBy => trail.created_by = Some(party(value)),
        HeaderField::Status => {
            let f = Folded::new(value);
            trail.status = Some(value.to_string());
            trail.status_kind = v
                .statuses
                .iter()
                .find(|(_, p)| f.starts_with_word(p))
                .map_or(TrailStatus::Unknown, |(s, _)| *s);
        }
        HeaderField::TransactionId => {
            trail.transaction_id = value.split_whitespace().next().map(str::to_string);
        }
    }
}

fn looks_like_event(f: &Folded, v: &ReportVocab, cal: &Calendar) -> bool {
    find_times(f, cal).iter().any(|t| t.utc().is_some())
        || v.events.iter().any(|(_, t)| t.matches(f).is_some())
}

/// Reads one trail from its region of lines (the first line is its start).
fn parse_trail(
    region: &[Line],
    v: &ReportVocab,
    cal: &Calendar,
    start: Start,
) -> Option<AuditTrail> {
    let first = region.first()?;
    let mut trail = AuditTrail {
        provider: Provider::AdobeSign,
        language: v.language.clone(),
        report: String::new(),
        report_date: None,
        title: None,
        transaction_id: None,
        created: None,
        created_by: None,
        status: None,
        status_kind: TrailStatus::Unknown,
        parties: Vec::new(),
        events: Vec::new(),
        page_range: PageRange {
            first: first.page,
            last: first.page,
        },
        issues: Vec::new(),
    };
    let mut in_header = match start {
        Start::Report(head) => {
            trail.report = head.report;
            trail.report_date = head.date;
            true
        }
        Start::History(title) => {
            trail.title = Some(title);
            false
        }
    };
    // Running headers repeat the document title; it is furniture, not an event line.
    let mut titles: Vec<Vec<char>> = Vec::new();
    let mut queue: VecDeque<Option<HeaderField>> = VecDeque::new();
    let mut prev_unassigned: Option<String> = None;
    let mut buf: Buffer = Vec::new();
    let mut last_page = first.page;
    for line in region.iter().skip(1) {
        if trail.events.len() >= MAX_EVENTS {
            break;
        }
        let f = Folded::new(line.text);
        if f.len() == 0 {
            continue;
        }
        if in_header {
            if let Some(title) = history_heading(&f, prev_unassigned.as_deref(), v) {
                titles.push(Folded::new(&title).chars);
                titles.push(Folded::new(&format!("\"{title}\"")).chars);
                trail.title = Some(title);
                in_header = false;
                last_page = line.page;
                continue;
            }
            if let Some((field, value)) = header_label(&f, v) {
                match value {
                    Some(value) => assign(&mut trail, field, &value, v, cal),
                    None => queue.push_back(Some(field)),
                }
                last_page = line.page;
                continue;
            }
            if unknown_label(&f) {
                queue.push_back(None);
                continue;
            }
            if let Some(field) = queue.pop_front() {
                if let Some(field) = field {
                    assign(&mut trail, field, line.text, v, cal);
                }
                last_page = line.page;
                continue;
            }
            if !looks_like_event(&f, v, cal) {
                prev_unassigned = Some(line.text.trim().to_string());
                continue;
            }
            in_header = false;
        }
        if furniture(&f, v, cal, &titles) {
            continue;
        }
        let Some((time, utc)) = find_times(&f, cal)
            .into_iter()
            .find_map(|t| t.utc().map(|u| (t, u)))
        else {
            push_line(&mut buf, *line, line.text.trim().to_string());
            continue;
        };
        let before = Folded::new(&f.original(0, time.start));
        let mut is_signature_date = false;
        let description = match strip_trailing_label(&before, &v.signature_date) {
            Some(rest) => {
                is_signature_date = true;
                rest
            }
            None => before.original(0, before.len()),
        };
        let description = description
            .trim_end_matches([' ', '-', ':', ','])
            .to_string();
        if !description.is_empty() {
            push_line(&mut buf, *line, description);
        }
        // "Signaturdatum:" alone on the line above its time.
        if !is_signature_date
            && let Some((_, last)) = buf.last()
            && strip_trailing_label(&Folded::new(last), &v.signature_date)
                .is_some_and(|rest| rest.is_empty())
        {
            buf.pop();
            is_signature_date = true;
        }
        let tail = Folded::new(&f.original(time.end, f.len()));
        let ip = labelled_value(&tail, &v.ip, ip_char);
        let time_source = labelled_value(&tail, &v.time_source, word_char);
        last_page = line.page;
        if buf.is_empty() {
            // A signature date on its own after the signing event's own time line.
            match trail.events.last_mut() {
                Some(ev)
                    if is_signature_date
                        && matches!(
                            ev.kind,
                            EventKind::ESigned | EventKind::DigitallySigned | EventKind::Approved
                        ) =>
                {
                    ev.time = utc;
                    ev.time_page = line.page;
                    ev.time_line = line.line;
                    ev.time_source = time_source.or(ev.time_source.take());
                    ev.ip = ip.or(ev.ip.take());
                }
                _ => trail.issues.push(TrailIssue::OrphanTime {
                    page: line.page,
                    line: line.line,
                }),
            }
            continue;
        }
        if let Some(c) = classify(&buf, v) {
            if !c.known {
                trail.issues.push(TrailIssue::UnknownEvent {
                    page: c.at.0,
                    line: c.at.1,
                });
            }
            trail.events.push(event(c, utc, ip, time_source, *line));
        }
        buf.clear();
    }
    if let Some(c) = classify(&buf, v)
        && c.known
    {
        trail.issues.push(TrailIssue::MissingTime {
            page: c.at.0,
            line: c.at.1,
        });
    }
    trail.page_range.last = last_page.max(first.page);
    let has_header =
        trail.transaction_id.is_some() || trail.status.is_some() || trail.created_by.is_some();
    (has_header || !trail.events.is_empty()).then_some(trail)
}

fn event(
    c: Classified,
    time: Timestamp,
    ip: Option<String>,
    time_source: Option<String>,
    at: Line,
) -> AuditEvent {
    AuditEvent {
        kind: c.kind,
        time,
        actor_name: c.actor.name,
        actor_email: c.actor.email,
        recipient_name: c.recipient.name,
        recipient_email: c.recipient.email,
        original_email: c.original,
        ip,
        time_source,
        identification: None,
        personal_number: None,
        page: c.at.0,
        line: c.at.1,
        time_page: at.page,
        time_line: at.line,
        description: c.description,
    }
}

#[cfg(test)]
pub(crate) mod tests;
