//! Visible signing stamps in the body of a document: `Annelie Ledin (26 sep 2022 10:58 GMT+2)`,
//! `Annelie Ledin (Sep 26, 2022 10:58 GMT+2)`, and the forms other platforms print
//! (`Signerat av Annelie Ledin 2022-09-26 10:58 CEST`, `… 26 september 2022 kl. 10.58 +02:00`).
//!
//! A stamp is a person's name followed by a date and time **with an offset or zone**: only then
//! can it be compared with an audit trail's UTC (verdict.md, "Time"). Stamps give local time,
//! usually to the minute; comparing them with a trail is `audit::facts::stamp_checks`.
//! Month names and zones are data (`calendar.toml`), prefixes and name particles too
//! (`stamp.toml`).

use std::sync::OnceLock;

use jiff::Timestamp;
use jiff::tz::TimeZone;
use serde::{Deserialize, Serialize};

use super::VocabError;
use super::text::{Folded, fold_phrase, lines_of};
use super::when::{calendar, find_times};
use crate::pdf::text::PageText;

/// Longest name a stamp may carry, in characters.
const MAX_NAME_CHARS: usize = 80;
/// Most words in a stamp's name.
const MAX_NAME_WORDS: usize = 6;

/// A visible stamp: who, and when in local time with its offset.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, schemars::JsonSchema)]
pub struct Stamp {
    /// The name as written.
    pub name: String,
    /// The date and time as written (`26 sep 2022 10:58 GMT+2`).
    pub written: String,
    /// The local time with its offset, RFC 3339 (`2022-09-26T10:58:00+02:00`).
    pub local: String,
    /// The same instant in UTC.
    pub utc: Timestamp,
    /// The offset the stamp states, in seconds east of UTC.
    pub offset_seconds: i32,
    /// True when the stamp gives seconds; otherwise it is truncated to the minute.
    pub has_seconds: bool,
    /// 1-based page.
    pub page: usize,
    /// 1-based line within the page.
    pub line: usize,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct StampFile {
    prefixes: Vec<String>,
    particles: Vec<String>,
    date_labels: Vec<String>,
}

struct StampVocab {
    prefixes: Vec<Vec<char>>,
    particles: Vec<String>,
    date_labels: Vec<Vec<char>>,
}

const STAMP_FILE: &str = "stamp.toml";

fn load() -> Result<StampVocab, VocabError> {
    let f: StampFile =
        toml::from_str(include_str!("stamp.toml")).map_err(|e| VocabError::Toml {
            file: STAMP_FILE,
            message: e.to_string(),
        })?;
    let mut prefixes: Vec<Vec<char>> = f.prefixes.iter().map(|p| fold_phrase(p)).collect();
    prefixes.sort_by_key(|p| std::cmp::Reverse(p.len()));
    Ok(StampVocab {
        prefixes,
        particles: f.particles.iter().map(|p| p.to_lowercase()).collect(),
        date_labels: f.date_labels.iter().map(|p| fold_phrase(p)).collect(),
    })
}

fn vocab() -> Result<&'static StampVocab, &'static VocabError> {
    static V: OnceLock<Result<StampVocab, VocabError>> = OnceLock::new();
    V.get_or_init(load).as_ref()
}

/// Loads `stamp.toml`, for the test that checks every vocabulary.
pub(crate) fn check_vocabulary() -> Result<(), VocabError> {
    vocab().map(|_| ()).map_err(Clone::clone)
}

/// Finds every stamp in the pages' texts (`pages[i]` is page `i + 1`).
pub fn find_stamps(pages: &[&str]) -> Vec<Stamp> {
    let numbered: Vec<(usize, &str)> = pages.iter().enumerate().map(|(i, t)| (i + 1, *t)).collect();
    find_numbered(&numbered)
}

/// Finds every stamp in extracted pages.
pub fn find_stamps_in(pages: &[PageText]) -> Vec<Stamp> {
    let numbered: Vec<(usize, &str)> = pages.iter().map(|p| (p.number, p.text.as_str())).collect();
    find_numbered(&numbered)
}

fn find_numbered(pages: &[(usize, &str)]) -> Vec<Stamp> {
    let (Ok(cal), Ok(vocab)) = (calendar(), vocab()) else {
        return Vec::new();
    };
    let lines = lines_of(pages);
    let mut out = Vec::new();
    let mut prev: Option<(usize, &str)> = None;
    for line in &lines {
        // A time of day has at least three ASCII digits (`9:05`): most lines have fewer and
        // need no folding.
        if line.text.bytes().filter(u8::is_ascii_digit).count() < 3 {
            prev = Some((line.page, line.text));
            continue;
        }
        let f = Folded::new(line.text);
        for t in find_times(&f, cal) {
            let (Some(offset), Some(utc)) = (t.offset, t.utc()) else {
                continue;
            };
            let before = f.original(0, t.start);
            let name = match name_before(&before, vocab) {
                Some(n) => Some(n),
                // The name on the line above, the time alone (in brackets) on this one.
                None if before_is_label(&before, vocab) => prev
                    .filter(|(page, _)| *page == line.page)
                    .and_then(|(_, text)| name_before(text, vocab)),
                None => None,
            };
            let Some(name) = name else { continue };
            let local = utc
                .to_zoned(TimeZone::fixed(offset))
                .strftime("%Y-%m-%dT%H:%M:%S%:z")
                .to_string();
            out.push(Stamp {
                name,
                written: f
                    .original(t.start, t.end)
                    .trim_end_matches(')')
                    .trim()
                    .to_string(),
                local,
                utc,
                offset_seconds: offset.seconds(),
                has_seconds: t.has_seconds,
                page: line.page,
                line: line.line,
            });
        }
        prev = Some((line.page, line.text));
    }
    out
}

/// True when the text before a time is nothing, a bracket or a date label (`Date:`): the
/// name is then on the line above (Acrobat's "Digitally signed by X" / "Date: …").
fn before_is_label(before: &str, vocab: &StampVocab) -> bool {
    let f = Folded::new(before.trim_matches(['(', ' ', '[']));
    let label = Folded::new(f.as_string().trim_end_matches([':', ' ']));
    f.len() == 0 || (f.chars.last() == Some(&':') && vocab.date_labels.contains(&label.chars))
}

/// The person's name in the text before a stamp's time, if it looks like one.
fn name_before(before: &str, vocab: &StampVocab) -> Option<String> {
    let mut s = before
        .trim()
        .trim_end_matches(['(', '[', ' ', ',', '-', '–', '—', '|'])
        .trim()
        .to_string();
    // A label ("Signaturdatum:", "Signature Date:") is a trail's time line, not a stamp.
    let mut stripped_prefix = false;
    let f = Folded::new(&s);
    for p in &vocab.prefixes {
        if f.starts_with_word(p) {
            s = f
                .original(p.len(), f.len())
                .trim_start_matches([':', ' ', '-'])
                .trim()
                .to_string();
            stripped_prefix = true;
            break;
        }
    }
    if s.ends_with(':') {
        return None;
    }
    let s = s.trim_end_matches([',', ' ']).to_string();
    looks_like_name(&s, vocab, stripped_prefix).then_some(s)
}

/// Two to six words, each capitalised (or a particle such as `von`), letters and `-'.` only.
fn looks_like_name(s: &str, vocab: &StampVocab, single_word_ok: bool) -> bool {
    let words: Vec<&str> = s.split_whitespace().collect();
    let min_words = if single_word_ok { 1 } else { 2 };
    if words.len() < min_words || words.len() > MAX_NAME_WORDS || s.chars().count() > MAX_NAME_CHARS
    {
        return false;
    }
    let mut capitals = 0;
    for w in &words {
        if !w
            .chars()
            .all(|c| c.is_alphabetic() || matches!(c, '-' | '\'' | '.' | '’'))
        {
            return false;
        }
        match w.chars().next() {
            Some(c) if c.is_uppercase() => capitals += 1,
            Some(_) if vocab.particles.iter().any(|p| p == &w.to_lowercase()) => {}
            _ => return false,
        }
    }
    capitals >= min_words.min(2)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn stamps(text: &str) -> Vec<Stamp> {
        find_stamps(&[text])
    }

    fn one(text: &str) -> Stamp {
        let s = stamps(text);
        assert_eq!(s.len(), 1, "{text}: {s:?}");
        s.into_iter().next().unwrap()
    }

    #[test]
    fn vocabulary_loads() {
        check_vocabulary().unwrap();
    }

    #[test]
    fn adobe_swedish_stamp() {
        let s = one("Sekreterare: Annelie Ledin\n\nAnnelie Ledin (26 sep 2022 10:58 GMT+2)\n");
        assert_eq!(s.name, "Annelie Ledin");
        assert_eq!(s.utc.to_string(), "2022-09-26T08:58:00Z");
        assert_eq!(s.local, "2022-09-26T10:58:00+02:00");
        assert_eq!(s.offset_seconds, 7200);
        assert!(!s.has_seconds);
        assert_eq!((s.page, s.line), (1, 3));
        assert_eq!(s.written, "26 sep 2022 10:58 GMT+2");
    }

    #[test]
    fn adobe_english_stamp_after_midnight() {
        let s = one("Johan Andersson (Sep 27, 2022 00:04 GMT+2)");
        assert_eq!(s.name, "Johan Andersson");
        assert_eq!(s.utc.to_string(), "2022-09-26T22:04:00Z");
    }

    #[test]
    fn offsets() {
        assert_eq!(
            one("Erik Lövgren (26 jan. 2022 11:09 GMT+1)")
                .utc
                .to_string(),
            "2022-01-26T10:09:00Z"
        );
        assert_eq!(
            one("Erik Lövgren (Jan 26, 2022 11:09 GMT-5)")
                .utc
                .to_string(),
            "2022-01-26T16:09:00Z"
        );
        assert_eq!(
            one("Erik Lövgren (2022-01-26 11:09 Z)").utc.to_string(),
            "2022-01-26T11:09:00Z"
        );
        assert_eq!(
            one("Erik Lövgren (26 sep 2022 11:09 GMT+2)")
                .utc
                .to_string(),
            "2022-09-26T09:09:00Z"
        );
    }

    #[test]
    fn other_providers_forms() {
        let s = one("Signerat av Anna-Britta Åkerlind 2022-09-26 10:58 CEST");
        assert_eq!(s.name, "Anna-Britta Åkerlind");
        assert_eq!(s.utc.to_string(), "2022-09-26T08:58:00Z");
        let s = one("Per Nylén, 26 september 2022 kl. 10.58 +02:00");
        assert_eq!(s.name, "Per Nylén");
        assert_eq!(s.utc.to_string(), "2022-09-26T08:58:00Z");
        let s = one("Digitally signed by Gustaf af Klint 2022-09-26 10:58:12 UTC+02:00");
        assert_eq!(s.name, "Gustaf af Klint");
        assert!(s.has_seconds);
        assert_eq!(s.utc.to_string(), "2022-09-26T08:58:12Z");
        let s = one("Ida Stafrin\n(26 sep. 2022 10:58 GMT+2)");
        assert_eq!((s.name.as_str(), s.line), ("Ida Stafrin", 2));
        // Acrobat's own signature appearance.
        let s = one("Digitally signed by Ida Stafrin\nDate: 2022.09.26 10:58:12 +02'00'");
        assert_eq!(s.name, "Ida Stafrin");
        assert_eq!(s.utc.to_string(), "2022-09-26T08:58:12Z");
    }

    #[test]
    fn not_stamps() {
        for text in [
            "Tid: 2022-09-23 kl. 13.00-15.00",
            "Signaturdatum: 2022-09-26 - 08:58:35 GMT – Tidskälla: server",
            "Signature Date: 2022-09-26 - 8:58:35 AM GMT - Time Source: server",
            "Document created by Inger Lind (inger.lind@kfvn.se)\n2022-09-26 - 8:41:44 AM GMT",
            "mötet avslutades 2022-09-23 15:00 CET",
            "Annelie Ledin (26 sep 2022 10:58)",
            "Annelie Ledin (31 sep 2022 10:58 GMT+2)",
        ] {
            assert!(stamps(text).is_empty(), "{text}: {:?}", stamps(text));
        }
    }

    #[test]
    fn several_on_a_page_in_order() {
        let s = stamps("A B (26 sep 2022 10:58 GMT+2)\nx\nC D (27 sep 2022 00:04 GMT+2)");
        let names: Vec<_> = s.iter().map(|s| s.name.as_str()).collect();
        assert_eq!(names, ["A B", "C D"]);
    }
}
