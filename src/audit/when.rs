//! Dates and times as audit trails and visible stamps write them, found anywhere in a line.
//!
//! Understood: `2022-09-26 - 08:58:35 GMT`, `2022-09-26 - 8:58:35 AM GMT`,
//! `26 sep 2022 10:58 GMT+2`, `Sep 26, 2022 10:58 GMT+2`, `26 september 2022 kl. 10.58 CEST`,
//! `2022-09-26 10:58 +02:00`. Month and zone names are data (`calendar.toml`). A time is
//! converted to UTC only when the text gives its offset or zone (verdict.md, "Time"): a bare
//! local time is returned without an offset, and its caller decides.

use std::sync::OnceLock;

use jiff::Timestamp;
use jiff::civil::{Date, DateTime, Time};
use jiff::tz::Offset;
use serde::Deserialize;

use super::VocabError;
use super::text::{Folded, fold_phrase};

/// Longest month or zone name looked at, in characters; longer words are not names.
const MAX_NAME_CHARS: usize = 12;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct CalendarFile {
    months: Vec<MonthEntry>,
    zones: Vec<ZoneEntry>,
    joiners: Joiners,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct MonthEntry {
    number: i8,
    sv: Vec<String>,
    en: Vec<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct ZoneEntry {
    name: String,
    offset_minutes: i32,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Joiners {
    words: Vec<String>,
}

/// Month names, zone names and date-time joiners, folded.
#[derive(Debug)]
pub(crate) struct Calendar {
    months: Vec<(Vec<char>, i8)>,
    zones: Vec<(Vec<char>, i32)>,
    joiners: Vec<Vec<char>>,
}

const CALENDAR_FILE: &str = "calendar.toml";
const CALENDAR_TOML: &str = include_str!("calendar.toml");

fn load_calendar() -> Result<Calendar, VocabError> {
    let file: CalendarFile = toml::from_str(CALENDAR_TOML).map_err(|e| VocabError::Toml {
        file: CALENDAR_FILE,
        message: e.to_string(),
    })?;
    let mut months = Vec::new();
    for m in &file.months {
        if !(1..=12).contains(&m.number) {
            return Err(VocabError::Invalid {
                file: CALENDAR_FILE,
                message: format!("month number {} is not 1 to 12", m.number),
            });
        }
        for name in m.sv.iter().chain(&m.en) {
            months.push((fold_phrase(name), m.number));
        }
    }
    let mut zones = Vec::new();
    for z in &file.zones {
        if z.offset_minutes.abs() > 18 * 60 {
            return Err(VocabError::Invalid {
                file: CALENDAR_FILE,
                message: format!("zone {} has an offset beyond 18 hours", z.name),
            });
        }
        zones.push((fold_phrase(&z.name), z.offset_minutes * 60));
    }
    let mut joiners: Vec<Vec<char>> = file.joiners.words.iter().map(|w| fold_phrase(w)).collect();
    // Longest first, so that "kl." wins over "kl".
    joiners.sort_by_key(|j| std::cmp::Reverse(j.len()));
    Ok(Calendar {
        months,
        zones,
        joiners,
    })
}

/// The calendar data, loaded once.
pub(crate) fn calendar() -> Result<&'static Calendar, &'static VocabError> {
    static CAL: OnceLock<Result<Calendar, VocabError>> = OnceLock::new();
    CAL.get_or_init(load_calendar).as_ref()
}

/// A date with a time of day found in folded text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct FoundTime {
    /// First folded character of the date.
    pub start: usize,
    /// One past the last folded character (of the zone, when there is one).
    pub end: usize,
    /// The date and time as written.
    pub local: DateTime,
    /// True when the text gives seconds.
    pub has_seconds: bool,
    /// The offset the text states (`GMT` is zero), if any.
    pub offset: Option<Offset>,
}

impl FoundTime {
    /// The instant, when the text gave an offset or zone.
    pub fn utc(&self) -> Option<Timestamp> {
        let offset = self.offset?;
        offset.to_timestamp(self.local).ok()
    }
}

/// A read-only cursor over folded characters; every step is checked.
struct Cur<'a> {
    c: &'a [char],
}

impl Cur<'_> {
    fn at(&self, p: usize) -> Option<char> {
        self.c.get(p).copied()
    }

    fn spaces(&self, mut p: usize) -> usize {
        while self.at(p) == Some(' ') {
            p += 1;
        }
        p
    }

    /// A run of ASCII digits of `min..=max` length at `p`, not followed by another digit.
    fn digits(&self, p: usize, min: usize, max: usize) -> Option<(i32, usize)> {
        let mut q = p;
        let mut v: i32 = 0;
        while let Some(d) = self.at(q).and_then(|c| c.to_digit(10)) {
            if q - p >= max {
                return None;
            }
            v = v * 10 + d as i32;
            q += 1;
        }
        (q - p >= min).then_some((v, q))
    }

    /// A run of letters at `p` (at most [`MAX_NAME_CHARS`]).
    fn word(&self, p: usize) -> Option<(&[char], usize)> {
        let mut q = p;
        while self.at(q).is_some_and(char::is_alphabetic) {
            q += 1;
            if q - p > MAX_NAME_CHARS {
                return None;
            }
        }
        (q > p).then(|| (self.c.get(p..q).unwrap_or_default(), q))
    }

    fn is(&self, p: usize, ch: char) -> bool {
        self.at(p) == Some(ch)
    }

    fn has(&self, p: usize, s: &[char]) -> bool {
        p.checked_add(s.len())
            .and_then(|e| self.c.get(p..e))
            .is_some_and(|w| w == s)
    }
}

fn month(cal: &Calendar, cur: &Cur, p: usize) -> Option<(i8, usize)> {
    let (w, mut q) = cur.word(p)?;
    let (_, n) = cal.months.iter().find(|(name, _)| name.as_slice() == w)?;
    if cur.is(q, '.') {
        q += 1;
    }
    Some((*n, q))
}

fn date_at(cal: &Calendar, cur: &Cur, p: usize) -> Option<(Date, usize)> {
    // 2022-09-26, and Acrobat's signature appearance 2022.09.26 (one separator throughout)
    if let Some((y, q)) = cur.digits(p, 4, 4)
        && let Some(sep) = cur.at(q).filter(|c| matches!(c, '-' | '.' | '/'))
        && let Some((m, q)) = cur.digits(q + 1, 1, 2)
        && cur.is(q, sep)
        && let Some((d, q)) = cur.digits(q + 1, 1, 2)
    {
        return Some((Date::new(y as i16, m as i8, d as i8).ok()?, q));
    }
    // 26 sep 2022, 26 sep. 2022, 26. september 2022
    if let Some((d, mut q)) = cur.digits(p, 1, 2) {
        if cur.is(q, '.') {
            q += 1;
        }
        let q = cur.spaces(q);
        let (m, q) = month(cal, cur, q)?;
        let mut q = cur.spaces(q);
        if cur.is(q, ',') {
            q = cur.spaces(q + 1);
        }
        let (y, q) = cur.digits(q, 4, 4)?;
        return Some((Date::new(y as i16, m, d as i8).ok()?, q));
    }
    // Sep 26, 2022
    let (m, q) = month(cal, cur, p)?;
    let q = cur.spaces(q);
    let (d, mut q) = cur.digits(q, 1, 2)?;
    for suffix in ["st", "nd", "rd", "th"] {
        let s: Vec<char> = suffix.chars().collect();
        if cur.has(q, &s) {
            q += s.len();
            break;
        }
    }
    if cur.is(q, ',') {
        q += 1;
    }
    let q = cur.spaces(q);
    let (y, q) = cur.digits(q, 4, 4)?;
    Some((Date::new(y as i16, m, d as i8).ok()?, q))
}

/// `08:58:35`, `8:58:35 AM`, `10.58`; returns the time, whether it had seconds, and the end.
fn time_at(cur: &Cur, p: usize) -> Option<(Time, bool, usize)> {
    let (mut h, q) = cur.digits(p, 1, 2)?;
    if !(cur.is(q, ':') || cur.is(q, '.')) {
        return None;
    }
    let (mi, mut q) = cur.digits(q + 1, 2, 2)?;
    let mut s = 0;
    let mut has_seconds = false;
    if (cur.is(q, ':') || cur.is(q, '.'))
        && let Some((sec, r)) = cur.digits(q + 1, 2, 2)
    {
        s = sec;
        has_seconds = true;
        q = r;
        // Fractions of a second are dropped: trails and stamps compare to the second.
        if (cur.is(q, '.') || cur.is(q, ','))
            && let Some((_, r)) = cur.digits(q + 1, 1, 9)
        {
            q = r;
        }
    }
    let r = cur.spaces(q);
    let am: Vec<char> = "am".chars().collect();
    let pm: Vec<char> = "pm".chars().collect();
    let dotted_am: Vec<char> = "a.m.".chars().collect();
    let dotted_pm: Vec<char> = "p.m.".chars().collect();
    let boundary = |e: usize| cur.at(e).is_none_or(|c| !c.is_alphanumeric());
    let mut meridiem = None;
    for (word, is_pm) in [
        (&dotted_am, false),
        (&dotted_pm, true),
        (&am, false),
        (&pm, true),
    ] {
        if cur.has(r, word) && boundary(r + word.len()) {
            meridiem = Some(is_pm);
            q = r + word.len();
            break;
        }
    }
    if let Some(is_pm) = meridiem {
        if !(1..=12).contains(&h) {
            return None;
        }
        h = match (is_pm, h) {
            (false, 12) => 0,
            (true, 12) => 12,
            (true, h) => h + 12,
            (false, h) => h,
        };
    }
    let t = Time::new(h as i8, mi as i8, s as i8, 0).ok()?;
    Some((t, has_seconds, q))
}

/// `+2`, `+02:00`, `+0200`, `-5` after GMT/UTC; `strict` (a bare offset) wants `hh:mm` or `hhmm`.
fn offset_at(cur: &Cur, p: usize, strict: bool) -> Option<(i32, usize)> {
    let sign = match cur.at(p)? {
        '+' => 1,
        '-' => -1,
        _ => return None,
    };
    let (h, q) = cur.digits(p + 1, 1, 4)?;
    let digits = q - (p + 1);
    let (hours, minutes, q) = if digits >= 3 {
        (h / 100, h % 100, q)
    } else if (cur.is(q, ':') || cur.is(q, '\''))
        && let Some((m, r)) = cur.digits(q + 1, 2, 2)
    {
        // PDF date style +02'00' ends with an apostrophe.
        (h, m, if cur.is(r, '\'') { r + 1 } else { r })
    } else {
        if strict {
            return None;
        }
        (h, 0, q)
    };
    if hours > 18 || minutes > 59 {
        return None;
    }
    Some((sign * (hours * 3600 + minutes * 60), q))
}

fn zone_at(cal: &Calendar, cur: &Cur, p: usize) -> Option<(Offset, usize)> {
    let mut p = cur.spaces(p);
    let paren = cur.is(p, '(');
    if paren {
        p += 1;
    }
    let boundary = |e: usize| cur.at(e).is_none_or(|c| !c.is_alphanumeric());
    let mut found = None;
    for base in ["gmt", "utc", "z"] {
        let b: Vec<char> = base.chars().collect();
        if cur.has(p, &b) && boundary(p + b.len()) {
            let q = p + b.len();
            found = Some(match offset_at(cur, cur.spaces(q), false) {
                // "GMT - IP address" is a separator, not an offset: digits must follow at once.
                Some((secs, r)) if cur.spaces(q) == q => (secs, r),
                _ => (0, q),
            });
            break;
        }
    }
    if found.is_none() {
        found = offset_at(cur, p, true);
    }
    if found.is_none()
        && let Some((w, q)) = cur.word(p)
        && let Some((_, secs)) = cal.zones.iter().find(|(name, _)| name.as_slice() == w)
    {
        found = Some((*secs, q));
    }
    let (secs, mut q) = found?;
    if paren && cur.is(q, ')') {
        q += 1;
    }
    Some((Offset::from_seconds(secs).ok()?, q))
}

fn datetime_at(cal: &Calendar, cur: &Cur, p: usize) -> Option<FoundTime> {
    let (date, q) = date_at(cal, cur, p)?;
    // Between date and time: spaces, or a joiner word ("kl.", "at", "-", ",", "T").
    let mut r = cur.spaces(q);
    if cur.is(q, 't') {
        r = q + 1;
    } else {
        for j in &cal.joiners {
            if cur.has(r, j) {
                r = cur.spaces(r + j.len());
                break;
            }
        }
    }
    if r == q && !cur.is(q, 't') {
        return None;
    }
    let (time, has_seconds, end) = time_at(cur, r)?;
    let (offset, end) = match zone_at(cal, cur, end) {
        Some((o, e)) => (Some(o), e),
        None => (None, end),
    };
    Some(FoundTime {
        start: p,
        end,
        local: date.to_datetime(time),
        has_seconds,
        offset,
    })
}

/// Every date with a time of day in `text`, left to right, not overlapping.
pub(crate) fn find_times(text: &Folded, cal: &Calendar) -> Vec<FoundTime> {
    let cur = Cur { c: &text.chars };
    let mut out = Vec::new();
    let mut p = 0;
    while p < text.len() {
        let boundary = p == 0 || cur.at(p - 1).is_none_or(|c| !c.is_alphanumeric());
        if boundary
            && cur.at(p).is_some_and(char::is_alphanumeric)
            && let Some(found) = datetime_at(cal, &cur, p)
        {
            p = found.end.max(p + 1);
            out.push(found);
            continue;
        }
        p += 1;
    }
    out
}

/// A numeric offset in parentheses at `from` (after spaces): Scrive's `CET (+0100)`, where the
/// number, not the zone name before it, is what the platform computed. Returns the offset and
/// where it ends.
pub(crate) fn stated_offset(text: &Folded, from: usize) -> Option<(Offset, usize)> {
    let cur = Cur { c: &text.chars };
    let p = cur.spaces(from);
    if !cur.is(p, '(') {
        return None;
    }
    let (secs, q) = offset_at(&cur, p + 1, true)?;
    if !cur.is(q, ')') {
        return None;
    }
    Some((Offset::from_seconds(secs).ok()?, q + 1))
}

/// A date alone (`2022-09-26`, `26 sep 2022`) filling the whole of `text`.
pub(crate) fn whole_date(text: &Folded, cal: &Calendar) -> Option<Date> {
    let cur = Cur { c: &text.chars };
    let (date, end) = date_at(cal, &cur, 0)?;
    (end == text.len()).then_some(date)
}

/// A date at the start of `text`, and where it ends.
pub(crate) fn date_prefix(text: &Folded, cal: &Calendar) -> Option<(Date, usize)> {
    let cur = Cur { c: &text.chars };
    date_at(cal, &cur, 0)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn one(s: &str) -> FoundTime {
        let cal = calendar().unwrap();
        let found = find_times(&Folded::new(s), cal);
        assert_eq!(found.len(), 1, "{s}: {found:?}");
        found[0]
    }

    fn utc(s: &str) -> String {
        one(s).utc().unwrap().to_string()
    }

    #[test]
    fn calendar_loads() {
        let cal = calendar().unwrap();
        assert!(cal.months.len() >= 24);
    }

    #[test]
    fn trail_times() {
        assert_eq!(
            utc("2022-09-26 - 08:58:35 GMT – IP-adress: 1.2.3.4"),
            "2022-09-26T08:58:35Z"
        );
        assert_eq!(
            utc("Signature Date: 2022-09-26 - 10:04:49 PM GMT - Time Source: server"),
            "2022-09-26T22:04:49Z"
        );
        assert_eq!(
            utc("2022-09-26 - 12:04:49 AM GMT- IP address"),
            "2022-09-26T00:04:49Z"
        );
        assert_eq!(utc("2022-09-26 - 12:04:49 PM GMT"), "2022-09-26T12:04:49Z");
        assert!(one("2022-09-26 - 08:58:35 GMT").has_seconds);
    }

    #[test]
    fn stamp_times_with_offsets() {
        assert_eq!(utc("(26 sep 2022 10:58 GMT+2)"), "2022-09-26T08:58:00Z");
        assert_eq!(utc("(Sep 26, 2022 10:58 GMT+2)"), "2022-09-26T08:58:00Z");
        assert_eq!(utc("(27 sep. 2022 00:04 GMT+2)"), "2022-09-26T22:04:00Z");
        assert_eq!(utc("26 januari 2022 10:58 GMT+1"), "2022-01-26T09:58:00Z");
        assert_eq!(utc("Jan 26, 2022 10:58 GMT-5"), "2022-01-26T15:58:00Z");
        assert_eq!(utc("2022-09-26 10:58 Z"), "2022-09-26T10:58:00Z");
        assert_eq!(utc("2022-09-26T10:58Z"), "2022-09-26T10:58:00Z");
        assert_eq!(
            utc("26 september 2022 kl. 10.58 CEST"),
            "2022-09-26T08:58:00Z"
        );
        assert_eq!(utc("2022-09-26 10:58 +02:00"), "2022-09-26T08:58:00Z");
        assert_eq!(
            utc("Date: 2022.09.26 10:58:12 +02'00'"),
            "2022-09-26T08:58:12Z"
        );
        assert_eq!(utc("2022-09-26 10:58 (UTC+01:00)"), "2022-09-26T09:58:00Z");
        assert_eq!(
            utc("September 26th, 2022 at 10:58 AM EDT"),
            "2022-09-26T14:58:00Z"
        );
        assert_eq!(utc("26 Sept. 2022 10:58 GMT+05:30"), "2022-09-26T05:28:00Z");
    }

    #[test]
    fn times_without_zone_have_no_instant() {
        let f = one("Tid: 2022-09-23 kl. 13.00-15.00");
        assert_eq!(f.offset, None);
        assert_eq!(f.utc(), None);
        assert_eq!(f.local.to_string(), "2022-09-23T13:00:00");
    }

    #[test]
    fn not_dates() {
        let cal = calendar().unwrap();
        for s in [
            "2022-13-01 10:00 GMT",
            "2022-02-30 10:00 GMT",
            "12022-09-26 10:00 GMT",
            "26 sep 2022",
            "Paragrafer 28 – 36",
            "2022-09-26 25:00 GMT",
            "2022-09-26 - 13:00:00 PM GMT",
            "sepx 26, 2022 10:00 GMT",
        ] {
            let found = find_times(&Folded::new(s), cal);
            assert!(found.iter().all(|f| f.utc().is_none()), "{s}: {found:?}");
        }
    }

    #[test]
    fn scrive_offsets_in_parentheses() {
        let f = Folded::new("2015-02-23 15:57:15 CET (+0100) x");
        let t = one("2015-02-23 15:57:15 CET (+0100) x");
        let (o, end) = stated_offset(&f, t.end).unwrap();
        assert_eq!(o.seconds(), 3600);
        assert_eq!(f.original(end, f.len()), "x");
        // A zone name alone, or a parenthesis that is no offset, states none.
        assert_eq!(stated_offset(&Folded::new("CET"), 3), None);
        assert_eq!(stated_offset(&Folded::new(" (+1)"), 0), None);
        assert_eq!(stated_offset(&Folded::new(" (+0200"), 0), None);
    }

    #[test]
    fn whole_dates() {
        let cal = calendar().unwrap();
        assert_eq!(
            whole_date(&Folded::new("2022-09-26"), cal).map(|d| d.to_string()),
            Some("2022-09-26".into())
        );
        assert_eq!(whole_date(&Folded::new("2022-09-26 x"), cal), None);
    }
}
