//! Scrive evidence pages ("Verifikat", "Verification"): the page Scrive appends to a document
//! when it seals it, the whole document then carrying one Scrive seal.
//!
//! The page: the title alone on its line, a transaction number (`Transaktion 0000…14118`),
//! the document's name and sender (`Skickat av …`), the signing parties (name, e-mail,
//! `Personnummer …` or `ID-nr …`, `Signerade 2015-02-23 15:57:15 CET (+0100)`), then the
//! registered events — each a time line *before* its sentence, then an IP line — and a closing
//! statement (`Detta verifikat är utfärdat av Scrive`). Layouts from 2013 give times as
//! `2013-01-23, 15:39:00 CET` with no offset: the zone names map to +01:00 and +02:00
//! (`calendar.toml`); newer ones add the offset Scrive computed, `(+0100)`, which wins.
//!
//! Events name people by name ("Anna Andersson signerade dokumentet"); the parties section
//! gives their e-mail addresses, so every event's person is completed from the party of the
//! same name. That is what lets the same facts (`audit::facts`: sent → viewed → signed per
//! signer, recipients who never signed) and rules read Scrive and Acrobat Sign trails alike.
//! Personal identity numbers are masked wherever they are kept, descriptions included.
//!
//! The phrases are data, one file per language (`sv.toml`, `en.toml`); this module is the
//! layout. Nothing here decides whether the page is acceptable: a page is text, and only a
//! seal that covers it makes its signings count (`verify::cover`).

mod vocab;

use std::sync::OnceLock;

use jiff::Timestamp;

use super::template::Slot;
use super::text::{Folded, Line, fold_into, is_email, name_key, party};
use super::when::{Calendar, calendar, find_times, stated_offset};
use super::{
    AuditEvent, AuditTrail, CONFIRM_WINDOW, EventKind, Identification, MAX_DESCRIPTION_CHARS,
    MAX_DESCRIPTION_LINES, MAX_EVENTS, PageRange, Party, Provider, SigningParty, TrailIssue,
    TrailStatus, VocabError,
};
use crate::signature::certificate::mask_personal_number;
use vocab::{ScriveVocab, compile};

/// The provider key the vocabulary files must declare.
const PROVIDER_KEY: &str = "scrive";

/// The vocabulary files, one per language.
const FILES: &[(&str, &str)] = &[
    ("scrive/sv.toml", include_str!("sv.toml")),
    ("scrive/en.toml", include_str!("en.toml")),
];

/// Most parties read from one page.
const MAX_PARTIES: usize = 1_000;
/// Most characters of an IP address (IPv6 written out in full has 39).
const MAX_IP_CHARS: usize = 45;
/// A line with this many digits is a number (telephone, organisation), not a party's name.
const NAME_MAX_DIGITS: usize = 4;

/// The compiled vocabularies, loaded once.
pub(crate) fn vocabularies() -> Result<&'static [ScriveVocab], &'static VocabError> {
    static VOCABS: OnceLock<Result<Vec<ScriveVocab>, VocabError>> = OnceLock::new();
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

/// Finds every Scrive evidence page in `lines`.
pub(crate) fn find(lines: &[Line]) -> Vec<AuditTrail> {
    let (Ok(vocabs), Ok(cal)) = (vocabularies(), calendar()) else {
        return Vec::new();
    };
    let mut starts: Vec<(usize, &ScriveVocab)> = Vec::new();
    let mut last_transaction: Option<String> = None;
    let mut folded = String::new();
    for (i, line) in lines.iter().enumerate() {
        // A title is a whole line; comparing the folded line without its map back rules out
        // nearly every line of nearly every document cheaply.
        fold_into(line.text, &mut folded);
        let Some(v) = vocabs.iter().find(|v| {
            v.titles
                .iter()
                .any(|t| folded.chars().eq(t.iter().copied()))
        }) else {
            continue;
        };
        let Some(transaction) = confirmed(lines, i, v) else {
            continue;
        };
        // A page that continues on the next repeats its title and transaction number: the
        // same page, not a second one.
        if transaction.is_some() && transaction == last_transaction {
            continue;
        }
        last_transaction = transaction;
        starts.push((i, v));
    }
    let ends: Vec<usize> = starts
        .iter()
        .skip(1)
        .map(|(i, _)| *i)
        .chain(std::iter::once(lines.len()))
        .collect();
    starts
        .into_iter()
        .zip(ends)
        .filter_map(|((i, v), end)| parse_trail(lines.get(i..end)?, v, cal))
        .collect()
}

/// `Some(transaction number)` when a transaction line or the parties heading follows line `i`
/// closely; `None` when the title is only a word in the body.
fn confirmed(lines: &[Line], i: usize, v: &ScriveVocab) -> Option<Option<String>> {
    for l in lines.iter().skip(i + 1).take(CONFIRM_WINDOW) {
        let f = Folded::new(l.text);
        if let Some(t) = transaction(&f, v) {
            return Some(Some(t));
        }
        if heading(&f, &v.parties) {
            return Some(None);
        }
    }
    None
}

/// True when the whole line is one of `phrases` (a final colon allowed).
fn heading(f: &Folded, phrases: &[Vec<char>]) -> bool {
    let chars = f.chars.strip_suffix(&[':']).unwrap_or(&f.chars);
    phrases.iter().any(|p| p.as_slice() == chars)
}

/// The value after a label that opens the line (`Transaktion 0000…`, `ID-nr: …`).
fn labelled(f: &Folded, labels: &[Vec<char>]) -> Option<String> {
    labels.iter().find_map(|l| {
        if !f.has_at(l, 0) {
            return None;
        }
        let mut p = l.len();
        // The label must end a word: "IP" is no label of "IPv6".
        if !matches!(f.chars.get(p), Some(' ' | ':')) {
            return None;
        }
        while matches!(f.chars.get(p), Some(' ' | ':')) {
            p += 1;
        }
        let value = f.original(p, f.len());
        (!value.is_empty()).then_some(value)
    })
}

/// The transaction number of a `Transaktion 00000000000000014118` line.
fn transaction(f: &Folded, v: &ScriveVocab) -> Option<String> {
    let value = labelled(f, &v.transaction)?;
    let id = value.split_whitespace().next()?;
    id.chars()
        .any(|c| c.is_ascii_digit())
        .then(|| id.to_string())
}

/// A date and time that open `f`, in UTC, and where it ends. The offset in parentheses after
/// the zone name, when there is one, is Scrive's own and wins over the name.
fn leading_time(f: &Folded, cal: &Calendar) -> Option<(Timestamp, usize)> {
    let found = find_times(f, cal).into_iter().next()?;
    if found.start != 0 {
        return None;
    }
    if let Some((offset, end)) = stated_offset(f, found.end) {
        return Some((offset.to_timestamp(found.local).ok()?, end));
    }
    Some((found.utc()?, found.end))
}

fn ip_char(c: char) -> bool {
    c.is_ascii_hexdigit() || c == '.' || c == ':'
}

/// An IP address alone (`127.0.0.1`), or after an IP label (`IP: 127.0.0.1`).
fn ip_line(f: &Folded, v: &ScriveVocab) -> Option<String> {
    let value = labelled(f, &v.ip).unwrap_or_else(|| f.original(0, f.len()));
    let value = value.trim_end_matches(['.', ',']);
    let plausible = !value.is_empty()
        && value.chars().count() <= MAX_IP_CHARS
        && value.chars().all(ip_char)
        && value.chars().any(|c| c.is_ascii_digit())
        && value.chars().filter(|c| matches!(c, '.' | ':')).count() >= 2;
    plausible.then(|| value.to_string())
}

/// Page furniture: a page number, a running footer. A line of digits is a page number except
/// among the parties, where it can be a name (Scrive's own test documents name a party "1").
fn furniture(f: &Folded, v: &ScriveVocab, section: Section) -> bool {
    v.ignore.iter().any(|t| t.matches(f).is_some())
        || heading(f, &v.titles)
        || (section != Section::Parties
            && f.chars
                .iter()
                .all(|c| c.is_ascii_digit() || *c == ' ' || *c == '/'))
}

/// Masks every personal identity number in `text` (10 or 12 digits, one `-` or `+` allowed,
/// not part of a longer number), returning the masked text and the first number, masked.
fn mask_numbers(text: &str) -> (String, Option<String>) {
    let chars: Vec<char> = text.chars().collect();
    let mut out = String::with_capacity(text.len());
    let mut first = None;
    let mut i = 0;
    while let Some(&c) = chars.get(i) {
        let starts_number = c.is_ascii_digit()
            && i.checked_sub(1)
                .and_then(|p| chars.get(p))
                .is_none_or(|p| !p.is_ascii_digit());
        if !starts_number {
            out.push(c);
            i += 1;
            continue;
        }
        let mut j = i;
        while chars
            .get(j)
            .is_some_and(|c| c.is_ascii_digit() || *c == '-' || *c == '+')
        {
            j += 1;
        }
        let run: String = chars.get(i..j).unwrap_or_default().iter().collect();
        let run = run.trim_end_matches(['-', '+']);
        let masked = mask_personal_number(run);
        if masked != run {
            first.get_or_insert_with(|| masked.clone());
            out.push_str(&masked);
        } else {
            out.push_str(run);
        }
        i += run.chars().count().max(1);
    }
    (out, first)
}

/// A party's personal identity number or ID number, masked: a Swedish number keeps its date of
/// birth; any other ID number is personal data arkivar cannot tell apart, and keeps nothing.
fn masked_id(value: &str) -> String {
    let value = value.trim();
    let masked = mask_personal_number(value);
    if masked != value {
        masked
    } else {
        "****".to_string()
    }
}

/// The identification method an event's sentence names, as a word (not inside an address).
fn identification(f: &Folded, v: &ScriveVocab) -> Option<Identification> {
    let outside_word = |c: Option<&char>| c.is_none_or(|c| !c.is_alphanumeric() && *c != '@');
    v.methods.iter().find_map(|(m, phrase)| {
        let mut from = 0;
        while let Some(at) = f.find(phrase, from) {
            from = at + 1;
            let before = at.checked_sub(1).and_then(|p| f.chars.get(p));
            let after = f.chars.get(at + phrase.len());
            let in_address = matches!(before, Some('.' | '-'))
                || (matches!(after, Some('.')) && f.chars.get(at + phrase.len() + 1).is_some());
            if outside_word(before) && outside_word(after) && !in_address {
                return Some(*m);
            }
        }
        None
    })
}

/// An event while its lines are read: its time line, then its sentence.
struct Pending<'a> {
    time: Timestamp,
    at: Line<'a>,
    ip: Option<String>,
    lines: Vec<Line<'a>>,
    texts: Vec<String>,
}

impl<'a> Pending<'a> {
    fn push(&mut self, line: Line<'a>, text: String) {
        let chars: usize = self.texts.iter().map(|t| t.chars().count()).sum();
        if self.texts.len() < MAX_DESCRIPTION_LINES && chars < MAX_DESCRIPTION_CHARS {
            self.lines.push(line);
            self.texts.push(text);
        }
    }
}

/// What a sentence says: its kind and people, or `None` when no template or keyword knows it.
fn classify(text: &str, v: &ScriveVocab) -> Option<(EventKind, Party, Party)> {
    let f = Folded::new(text);
    for (kind, t) in &v.events {
        if let Some(caps) = t.matches(&f) {
            let mut actor = Party::default();
            let mut recipient = Party::default();
            for (slot, s) in caps {
                match slot {
                    Slot::Actor => actor = party(&s),
                    Slot::Recipient => recipient = party(&s),
                    _ => {}
                }
            }
            return Some((*kind, actor, recipient));
        }
    }
    v.keywords
        .iter()
        .find(|(_, k)| f.find(k, 0).is_some())
        .map(|(kind, _)| (*kind, Party::default(), Party::default()))
}

/// Turns a pending event into an event, or an issue when its sentence is missing.
fn finish(p: Pending, v: &ScriveVocab, trail: &mut AuditTrail) {
    let Some(first) = p.lines.first().copied() else {
        trail.issues.push(TrailIssue::OrphanTime {
            page: p.at.page,
            line: p.at.line,
        });
        return;
    };
    let (description, personal_number) = mask_numbers(&p.texts.join(" "));
    // The whole sentence first; if page furniture crept in, the first line alone.
    let known = classify(&description, v).or_else(|| {
        p.texts
            .first()
            .and_then(|t| classify(&mask_numbers(t).0, v))
    });
    let (kind, actor, recipient) = match known {
        Some(k) => k,
        None => {
            trail.issues.push(TrailIssue::UnknownEvent {
                page: first.page,
                line: first.line,
            });
            (EventKind::Other, Party::default(), Party::default())
        }
    };
    let identification = match kind {
        EventKind::Identified | EventKind::ESigned | EventKind::DigitallySigned => {
            identification(&Folded::new(&description), v)
        }
        _ => None,
    };
    trail.events.push(AuditEvent {
        kind,
        time: p.time,
        actor_name: actor.name,
        actor_email: actor.email,
        recipient_name: recipient.name,
        recipient_email: recipient.email,
        original_email: None,
        ip: p.ip,
        time_source: None,
        identification,
        personal_number,
        page: first.page,
        line: first.line,
        time_page: p.at.page,
        time_line: p.at.line,
        description,
    });
}

/// Where on the page a line is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Section {
    /// Transaction, document, sender.
    Head,
    /// The signing parties.
    Parties,
    /// The registered events.
    Events,
}

/// The parties section, one line at a time.
#[derive(Default)]
struct Parties<'a> {
    done: Vec<SigningParty>,
    current: Option<SigningParty>,
    /// The section's names and addresses as they came, for [`Parties::by_column`].
    names: Vec<(Line<'a>, String)>,
    emails: Vec<(Line<'a>, String)>,
    /// True when a name came after an address, or a detail other than these two was read.
    not_rows: bool,
}

impl<'a> Parties<'a> {
    fn close(&mut self) {
        if let Some(p) = self.current.take()
            && self.done.len() < MAX_PARTIES
        {
            self.done.push(p);
        }
    }

    /// The party a detail line belongs to, started at `line` when there is none.
    fn current(&mut self, line: &Line) -> &mut SigningParty {
        self.current.get_or_insert_with(|| SigningParty {
            page: line.page,
            line: line.line,
            ..SigningParty::default()
        })
    }

    fn read(&mut self, line: &Line<'a>, f: &Folded, v: &ScriveVocab, cal: &Calendar) {
        let text = line.text.trim();
        if let Some(value) = labelled(f, &v.signed) {
            if let Some((t, _)) = leading_time(&Folded::new(&value), cal) {
                self.current(line).signed = Some(t);
            }
            self.not_rows = true;
            return;
        }
        if let Some(value) = labelled(f, &v.personal_number) {
            self.current(line).personal_number = Some(masked_id(&value));
            self.not_rows = true;
            return;
        }
        if is_email(text) {
            if self.current.as_ref().is_some_and(|p| p.email.is_some()) {
                self.close();
            }
            self.current(line).email = Some(text.to_lowercase());
            self.emails.push((*line, text.to_lowercase()));
            return;
        }
        let digits = text.chars().filter(char::is_ascii_digit).count();
        if digits > NAME_MAX_DIGITS || !text.chars().any(char::is_alphanumeric) {
            // A telephone or organisation number: a detail arkivar does not keep.
            self.not_rows = true;
            return;
        }
        if !self.emails.is_empty() {
            self.not_rows = true;
        }
        self.names.push((*line, text.to_string()));
        // A name opens a party. A second plain line under a name alone is its company or
        // title; under a party with details, it is the next party's name.
        let has_details = self.current.as_ref().is_some_and(|p| {
            p.email.is_some() || p.signed.is_some() || p.personal_number.is_some()
        });
        match &self.current {
            Some(p) if p.name.is_some() && !has_details => {}
            Some(_) if has_details => {
                self.close();
                self.current(line).name = Some(text.to_string());
            }
            _ => self.current(line).name = Some(text.to_string()),
        }
    }
}

impl Parties<'_> {
    /// The parties when the section is a table read row by row, as in the layouts of 2013:
    /// the boxes stand side by side, so all names come first, then all addresses, and a party
    /// with no name leaves its cell empty (`Bob Blue`, `test-1@…`, `test-2@…`, sent by
    /// `test-1@…`). Names then pair with addresses by column. With fewer names than addresses,
    /// the sender whom the page shows only by address (`sender`) is the nameless one; when
    /// that does not settle it, no name is paired with any address. `None` when the section
    /// is no such table (one party, or details beyond names and addresses).
    fn by_column(&self, sender: Option<&Party>) -> Option<Vec<SigningParty>> {
        if self.not_rows || self.emails.len() < 2 || self.names.len() > self.emails.len() {
            return None;
        }
        let nameless: Option<&str> = sender
            .filter(|s| s.name.is_none())
            .and_then(|s| s.email.as_deref());
        let settled = self.names.len() == self.emails.len()
            || (self.names.len() + 1 == self.emails.len()
                && nameless.is_some_and(|m| self.emails.iter().any(|(_, e)| e == m)));
        let mut names = self.names.iter();
        let parties = self
            .emails
            .iter()
            .take(MAX_PARTIES)
            .map(|(line, email)| {
                let named = settled && Some(email.as_str()) != nameless;
                let name = if named || self.names.len() == self.emails.len() {
                    names.next()
                } else {
                    None
                };
                let (page, line) = name.map_or((line.page, line.line), |(l, _)| (l.page, l.line));
                SigningParty {
                    name: name.map(|(_, n)| n.clone()),
                    email: Some(email.clone()),
                    page,
                    line,
                    ..SigningParty::default()
                }
            })
            .collect();
        Some(parties)
    }
}

/// Completes an event's person from the party of the same name or e-mail address: events name
/// people, the parties section gives their addresses (and facts key signers by address).
fn complete(name: &mut Option<String>, email: &mut Option<String>, parties: &[SigningParty]) {
    match (name.as_deref(), email.as_deref()) {
        (Some(n), None) => {
            let key = name_key(n);
            let mut same = parties
                .iter()
                .filter(|p| p.name.as_deref().map(name_key).as_deref() == Some(key.as_str()));
            // Two parties of one name: no address is assumed.
            if let (Some(p), None) = (same.next(), same.next()) {
                email.clone_from(&p.email);
            }
        }
        (None, Some(m)) => {
            if let Some(p) = parties.iter().find(|p| p.email.as_deref() == Some(m)) {
                name.clone_from(&p.name);
            }
        }
        _ => {}
    }
}

/// Reads one evidence page from its region of lines (the first line is its title).
fn parse_trail(region: &[Line], v: &ScriveVocab, cal: &Calendar) -> Option<AuditTrail> {
    let first = region.first()?;
    let mut trail = AuditTrail {
        provider: Provider::Scrive,
        language: v.language.clone(),
        report: first.text.trim().to_string(),
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
    let mut section = Section::Head;
    let mut expect_title = false;
    let mut parties = Parties::default();
    let mut pending: Option<Pending> = None;
    // Sentence lines before the first time: an event whose time was lost.
    let mut orphan: Vec<Line> = Vec::new();
    let mut last_page = first.page;
    for line in region.iter().skip(1) {
        if trail.events.len() >= MAX_EVENTS {
            break;
        }
        let f = Folded::new(line.text);
        if f.len() == 0 {
            continue;
        }
        if v.end.iter().any(|e| f.has_at(e, 0)) {
            last_page = line.page;
            break;
        }
        if heading(&f, &v.parties) {
            section = Section::Parties;
            last_page = line.page;
            continue;
        }
        if heading(&f, &v.events_heading) {
            parties.close();
            section = Section::Events;
            last_page = line.page;
            continue;
        }
        // A continued page repeats the title and the transaction number.
        if furniture(&f, v, section) || (section != Section::Head && transaction(&f, v).is_some()) {
            continue;
        }
        let time = leading_time(&f, cal);
        if section == Section::Head {
            let mut read = true;
            if heading(&f, &v.document) {
                expect_title = true;
            } else if let Some(t) = transaction(&f, v) {
                trail.transaction_id = Some(t);
            } else if let Some(by) = labelled(&f, &v.sent_by) {
                trail.created_by = Some(party(&by));
            } else if expect_title {
                trail.title = Some(line.text.trim().to_string());
                expect_title = false;
            } else {
                read = false;
            }
            if read || time.is_none() {
                last_page = line.page;
                continue;
            }
            // The events heading was lost: this time opens the first event.
        }
        if section == Section::Parties && time.is_none() {
            parties.read(line, &f, v, cal);
            last_page = line.page;
            continue;
        }
        section = Section::Events;
        parties.close();
        last_page = line.page;
        if let Some((time, end)) = time {
            if let Some(p) = pending.take() {
                finish(p, v, &mut trail);
            }
            let tail = Folded::new(&f.original(end, f.len()));
            let mut p = Pending {
                time,
                at: *line,
                ip: None,
                lines: Vec::new(),
                texts: Vec::new(),
            };
            // Columns read as one line: the sentence or the IP beside the time.
            if tail.len() > 0 {
                match ip_line(&tail, v) {
                    Some(ip) => p.ip = Some(ip),
                    None => p.push(*line, tail.original(0, tail.len())),
                }
            }
            pending = Some(p);
            continue;
        }
        match (&mut pending, ip_line(&f, v)) {
            (Some(p), Some(ip)) => p.ip = p.ip.take().or(Some(ip)),
            (Some(p), None) => p.push(*line, line.text.trim().to_string()),
            (None, _) => orphan.push(*line),
        }
    }
    if let Some(p) = pending.take() {
        finish(p, v, &mut trail);
    }
    parties.close();
    trail.parties = match parties.by_column(trail.created_by.as_ref()) {
        Some(by_column) => by_column,
        None => std::mem::take(&mut parties.done),
    };
    if let Some(o) = orphan.first()
        && classify(
            &orphan
                .iter()
                .map(|l| l.text.trim())
                .collect::<Vec<_>>()
                .join(" "),
            v,
        )
        .is_some()
    {
        trail.issues.push(TrailIssue::MissingTime {
            page: o.page,
            line: o.line,
        });
    }
    for e in &mut trail.events {
        complete(&mut e.actor_name, &mut e.actor_email, &trail.parties);
        complete(
            &mut e.recipient_name,
            &mut e.recipient_email,
            &trail.parties,
        );
    }
    if let Some(by) = &mut trail.created_by {
        complete(&mut by.name, &mut by.email, &trail.parties);
    }
    if trail.events.iter().any(|e| e.kind == EventKind::Sealed) {
        trail.status_kind = TrailStatus::Signed;
    }
    trail.page_range.last = last_page.max(first.page);
    // A title with a transaction number but neither parties nor events is no evidence page.
    (!trail.parties.is_empty() || !trail.events.is_empty()).then_some(trail)
}

#[cfg(test)]
mod sample_tests;
#[cfg(test)]
pub(crate) mod tests;
