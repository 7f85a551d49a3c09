//! Dates and clock times as minutes write them.
//!
//! Dates: `2022-09-23`, `25 oktober 2024`, `den 1:e november 2024`, `Sep 26, 2022`,
//! `23/9 2022`, `23.9.2022`. Times: `kl. 13.00-15.00`, `09:00 – 12.00`, `klockan 8.30 till 12`,
//! `kl. 13-15`. Each finder returns the byte span it used, so the caller can take the rest of a
//! "Tid och plats" value as the place. Month names come from the vocabulary.

use jiff::civil::Date;

use super::text::tokens;
use super::vocab::Lexicon;

/// A date found in text, with the byte span it covers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FoundDate {
    /// The date.
    pub date: Date,
    /// Byte offset of its first character.
    pub start: usize,
    /// Byte offset after its last character.
    pub end: usize,
}

/// A clock time range found in text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FoundTime {
    /// Start (hour, minute).
    pub start: (i8, i8),
    /// End, when given.
    pub end: Option<(i8, i8)>,
    /// Byte span covered.
    pub span: (usize, usize),
}

fn clean(tok: &str) -> &str {
    tok.trim_matches(|c: char| matches!(c, ',' | ';' | '(' | ')' | ':' | '"' | '”' | '“'))
}

fn number(s: &str, max_len: usize) -> Option<i32> {
    if s.is_empty() || s.len() > max_len || !s.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    s.parse().ok()
}

fn day(tok: &str) -> Option<i8> {
    let t = clean(tok).trim_end_matches('.');
    let digits_end = t
        .char_indices()
        .find(|(_, c)| !c.is_ascii_digit())
        .map(|(i, _)| i)
        .unwrap_or(t.len());
    let (d, suffix) = t.split_at_checked(digits_end)?;
    if !matches!(suffix, "" | ":e" | ":a" | "st" | "nd" | "rd" | "th" | "e") {
        return None;
    }
    let d = number(d, 2)?;
    (1..=31).contains(&d).then_some(d as i8)
}

fn year(tok: &str) -> Option<i16> {
    let t = clean(tok).trim_end_matches('.');
    let y = number(t, 4)?;
    (1900..=2200).contains(&y).then_some(y as i16)
}

fn month(tok: &str, lex: &Lexicon) -> Option<i8> {
    let t: String = clean(tok)
        .trim_end_matches('.')
        .chars()
        .flat_map(char::to_lowercase)
        .collect();
    lex.months.get(&t).copied()
}

/// `2022-09-23`, `2022.09.23`, `2022/09/23`, `23.9.2022`, `23/9/2022`.
fn numeric(tok: &str) -> Option<Date> {
    let t = clean(tok).trim_end_matches('.');
    let parts: Vec<&str> = t.split(['-', '.', '/']).collect();
    if parts.len() != 3 {
        return None;
    }
    let sep_ok = t.contains('-') as u8 + t.contains('.') as u8 + t.contains('/') as u8 == 1;
    if !sep_ok {
        return None;
    }
    let (y, m, d) = if parts[0].len() == 4 {
        (
            number(parts[0], 4)?,
            number(parts[1], 2)?,
            number(parts[2], 2)?,
        )
    } else if parts[2].len() == 4 && !t.contains('-') {
        (
            number(parts[2], 4)?,
            number(parts[1], 2)?,
            number(parts[0], 2)?,
        )
    } else {
        return None;
    };
    if !(1900..=2200).contains(&y) {
        return None;
    }
    Date::new(y as i16, m as i8, d as i8).ok()
}

/// The first date in `text`.
pub fn find_date(text: &str, lex: &Lexicon) -> Option<FoundDate> {
    let toks = tokens(text);
    for (i, &(start, end, tok)) in toks.iter().enumerate() {
        if let Some(date) = numeric(tok) {
            return Some(FoundDate { date, start, end });
        }
        let next = |k: usize| toks.get(i + k).copied();
        // 25 oktober 2024
        if let (Some(d), Some((_, _, m)), Some((_, e, y))) = (day(tok), next(1), next(2))
            && let (Some(m), Some(y)) = (month(m, lex), year(y))
            && let Ok(date) = Date::new(y, m, d)
        {
            return Some(FoundDate {
                date,
                start,
                end: e,
            });
        }
        // Sep 26, 2022
        if let (Some(m), Some((_, _, d)), Some((_, e, y))) = (month(tok, lex), next(1), next(2))
            && let (Some(d), Some(y)) = (day(d), year(y))
            && let Ok(date) = Date::new(y, m, d)
        {
            return Some(FoundDate {
                date,
                start,
                end: e,
            });
        }
        // 23/9 2022
        if let Some((d, m)) = clean(tok).split_once('/')
            && let (Some(d), Some(m)) = (number(d, 2), number(m, 2))
            && let Some((_, e, y)) = next(1)
            && let Some(y) = year(y)
            && let Ok(date) = Date::new(y, m as i8, d as i8)
        {
            return Some(FoundDate {
                date,
                start,
                end: e,
            });
        }
    }
    None
}

/// Every date in `text`, in order.
pub fn find_dates(text: &str, lex: &Lexicon) -> Vec<FoundDate> {
    let mut out = Vec::new();
    let mut offset = 0;
    while let Some(rest) = text.get(offset..) {
        let Some(found) = find_date(rest, lex) else {
            break;
        };
        out.push(FoundDate {
            date: found.date,
            start: offset + found.start,
            end: offset + found.end,
        });
        if found.end == 0 {
            break;
        }
        offset += found.end;
    }
    out
}

/// `HH.MM` or `HH:MM` at char index `i` of `chars`: (hour, minute, index after).
fn hm(chars: &[(usize, char)], i: usize) -> Option<(i8, i8, usize)> {
    let digit = |k: usize| chars.get(k).and_then(|&(_, c)| c.to_digit(10));
    let is = |k: usize, f: &dyn Fn(char) -> bool| chars.get(k).is_some_and(|&(_, c)| f(c));
    if i > 0
        && is(i - 1, &|c| {
            c.is_ascii_digit() || c == '.' || c == ':' || c == '/'
        })
    {
        return None;
    }
    let h1 = digit(i)?;
    let (h, mut k) = match digit(i + 1) {
        Some(h2) => (h1 * 10 + h2, i + 2),
        None => (h1, i + 1),
    };
    if !is(k, &|c| c == '.' || c == ':') {
        return None;
    }
    k += 1;
    let m = digit(k)? * 10 + digit(k + 1)?;
    k += 2;
    if is(k, &|c| c.is_ascii_digit()) {
        return None;
    }
    // "23.09.2022" is a date, not 23:09.
    if is(k, &|c| c == '.' || c == ':') && is(k + 1, &|c| c.is_ascii_digit()) {
        return None;
    }
    (h <= 24 && m <= 59).then_some((h as i8, m as i8, k))
}

/// A bare hour `HH` at `i` (only after "kl."): (hour, index after).
fn hour_only(chars: &[(usize, char)], i: usize) -> Option<(i8, usize)> {
    let digit = |k: usize| chars.get(k).and_then(|&(_, c)| c.to_digit(10));
    let h1 = digit(i)?;
    let (h, k) = match digit(i + 1) {
        Some(h2) => (h1 * 10 + h2, i + 2),
        None => (h1, i + 1),
    };
    if digit(k).is_some() || h > 24 {
        return None;
    }
    Some((h as i8, k))
}

fn skip_ws(chars: &[(usize, char)], mut k: usize) -> usize {
    while chars.get(k).is_some_and(|&(_, c)| c.is_whitespace()) {
        k += 1;
    }
    k
}

/// After a start time at `k`: a range separator and an end time.
fn range_end(
    chars: &[(usize, char)],
    k: usize,
    text: &str,
    lex: &Lexicon,
    bare: bool,
) -> Option<((i8, i8), usize)> {
    let mut j = skip_ws(chars, k);
    let mut sep = false;
    if chars
        .get(j)
        .is_some_and(|&(_, c)| matches!(c, '-' | '–' | '—' | '‒'))
    {
        j += 1;
        sep = true;
    } else if let Some(&(b, _)) = chars.get(j) {
        let rest = text.get(b..)?;
        for w in &lex.range_words {
            if let Some(len) = super::text::strip_phrase(rest, w) {
                let target = b + len;
                while chars.get(j).is_some_and(|&(o, _)| o < target) {
                    j += 1;
                }
                sep = true;
                break;
            }
        }
    }
    if !sep {
        return None;
    }
    j = skip_ws(chars, j);
    // "kl." may repeat before the end time.
    if let Some(&(b, _)) = chars.get(j)
        && let Some(rest) = text.get(b..)
    {
        for w in ["kl.", "kl", "klockan"] {
            if let Some(len) = super::text::strip_phrase(rest, w) {
                let target = b + len;
                while chars.get(j).is_some_and(|&(o, _)| o < target) {
                    j += 1;
                }
                j = skip_ws(chars, j);
                break;
            }
        }
    }
    if let Some((h, m, e)) = hm(chars, j) {
        return Some(((h, m), e));
    }
    if bare && let Some((h, e)) = hour_only(chars, j) {
        return Some(((h, 0), e));
    }
    None
}

/// The first clock time or time range in `text`.
pub fn find_time(text: &str, lex: &Lexicon) -> Option<FoundTime> {
    let chars: Vec<(usize, char)> = text.char_indices().collect();
    let offset = |k: usize| chars.get(k).map(|&(o, _)| o).unwrap_or(text.len());
    for i in 0..chars.len() {
        if let Some((h, m, k)) = hm(&chars, i) {
            let (end, stop) = match range_end(&chars, k, text, lex, false) {
                Some((e, stop)) => (Some(e), stop),
                None => (None, k),
            };
            return Some(FoundTime {
                start: (h, m),
                end,
                span: (offset(i), offset(stop)),
            });
        }
    }
    // "kl. 13-15": whole hours, only right after a clock word.
    for word in ["kl.", "kl", "klockan", "at"] {
        if let Some((_, after)) = super::text::find_phrase(text, word) {
            let mut i = chars.iter().position(|&(o, _)| o >= after)?;
            i = skip_ws(&chars, i);
            if let Some((h, k)) = hour_only(&chars, i) {
                let (end, stop) = match range_end(&chars, k, text, lex, true) {
                    Some((e, stop)) => (Some(e), stop),
                    None => (None, k),
                };
                return Some(FoundTime {
                    start: (h, 0),
                    end,
                    span: (offset(i), offset(stop)),
                });
            }
        }
    }
    None
}

/// `HH:MM`.
pub fn hhmm((h, m): (i8, i8)) -> String {
    format!("{h:02}:{m:02}")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::minutes::vocab::lexicon;

    fn d(s: &str) -> Option<String> {
        find_date(s, lexicon()).map(|f| f.date.to_string())
    }

    fn t(s: &str) -> Option<(String, Option<String>)> {
        find_time(s, lexicon()).map(|f| (hhmm(f.start), f.end.map(hhmm)))
    }

    #[test]
    fn swedish_and_english_date_layouts() {
        assert_eq!(
            d("Tid: 2022-09-23 kl. 13.00-15.00").as_deref(),
            Some("2022-09-23")
        );
        assert_eq!(
            d("fredag 25 oktober 2024 kl. 09.00").as_deref(),
            Some("2024-10-25")
        );
        assert_eq!(
            d("Orbaden den 24 januari 2024").as_deref(),
            Some("2024-01-24")
        );
        assert_eq!(d("den 1:e nov. 2024").as_deref(), Some("2024-11-01"));
        assert_eq!(d("Sep 26, 2022 10:58").as_deref(), Some("2022-09-26"));
        assert_eq!(d("12th March 2024").as_deref(), Some("2024-03-12"));
        assert_eq!(d("23/9 2022").as_deref(), Some("2022-09-23"));
        assert_eq!(d("23.9.2022").as_deref(), Some("2022-09-23"));
        assert_eq!(d("2022-02-30"), None);
        assert_eq!(d("50 811 kr"), None);
    }

    #[test]
    fn time_ranges_with_dots_colons_and_words() {
        let r = |a: &str, b: &str| Some((a.to_owned(), Some(b.to_owned())));
        assert_eq!(t("kl. 13.00-15.00"), r("13:00", "15:00"));
        assert_eq!(t("kl. 09.00 – 12.00"), r("09:00", "12:00"));
        assert_eq!(t("klockan 8.30 till 12.00"), r("08:30", "12:00"));
        assert_eq!(t("10:00 to 12:30"), r("10:00", "12:30"));
        assert_eq!(t("kl. 13-15"), r("13:00", "15:00"));
        assert_eq!(t("2022-09-23 kl. 13.00"), Some(("13:00".into(), None)));
        assert_eq!(t("23.09.2022"), None);
        assert_eq!(t("5.722.192 kr"), None);
    }
}
