//! Lines of page text with where they are, and the folding that lets vocabularies match them.
//!
//! Audit trails and stamps are found in text that a PDF extractor produced, so the same phrase
//! can arrive with typographic quotes, en dashes, non-breaking spaces or another letter case.
//! [`Folded`] maps all of those to one spelling and keeps, for every folded character, the
//! character it came from, so that captured names and e-mail addresses are returned as written.
//! Everything here works on `char`s, never on byte offsets, so no input can split a UTF-8
//! sequence.

use unicode_normalization::UnicodeNormalization;
use unicode_normalization::char::is_combining_mark;

use super::Party;

/// One non-blank line of a page, with its 1-based page and line number.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Line<'a> {
    /// 1-based page number.
    pub page: usize,
    /// 1-based line number within the page, blank lines counted.
    pub line: usize,
    /// The line as extracted, untrimmed.
    pub text: &'a str,
}

/// The non-blank lines of `pages` (page number, page text), in order.
pub(crate) fn lines_of<'a>(pages: &[(usize, &'a str)]) -> Vec<Line<'a>> {
    let mut out = Vec::new();
    for &(page, text) in pages {
        for (i, l) in text.lines().enumerate() {
            if !l.trim().is_empty() {
                out.push(Line {
                    page,
                    line: i + 1,
                    text: l,
                });
            }
        }
    }
    out
}

/// Text in one canonical spelling (lower case, one kind of space, dash and quote), with a map
/// back to the original characters.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Folded {
    /// The folded characters.
    pub chars: Vec<char>,
    /// The original characters.
    orig: Vec<char>,
    /// For each folded character, the index of the original character it came from.
    map: Vec<usize>,
}

/// Maps one character to its canonical form: `None` drops it, `Some(' ')` is a space.
fn canonical(c: char) -> Option<char> {
    match c {
        // Soft hyphen, zero-width space and joiners, byte order mark: invisible in print.
        '\u{00AD}' | '\u{200B}' | '\u{200C}' | '\u{200D}' | '\u{2060}' | '\u{FEFF}' => None,
        '\u{2010}'..='\u{2015}' | '\u{2212}' | '\u{FE58}' | '\u{FE63}' | '\u{FF0D}' => Some('-'),
        '\u{201C}' | '\u{201D}' | '\u{201E}' | '\u{201F}' | '\u{00AB}' | '\u{00BB}'
        | '\u{2033}' | '\u{FF02}' => Some('"'),
        '\u{2018}' | '\u{2019}' | '\u{201A}' | '\u{201B}' | '\u{2032}' => Some('\''),
        c if c.is_whitespace() || c.is_control() => Some(' '),
        c => Some(c),
    }
}

impl Folded {
    /// Folds `s`: lower case, runs of white space as one space, no space at either end.
    pub fn new(s: &str) -> Self {
        let orig: Vec<char> = s.chars().collect();
        let mut chars = Vec::with_capacity(orig.len());
        let mut map = Vec::with_capacity(orig.len());
        fold_chars(orig.iter().copied(), &mut chars, Some(&mut map));
        Folded { chars, orig, map }
    }

    /// Number of folded characters.
    pub fn len(&self) -> usize {
        self.chars.len()
    }

    /// The original text behind the folded range `start..end`, trimmed.
    pub fn original(&self, start: usize, end: usize) -> String {
        let from = self.map.get(start).copied().unwrap_or(self.orig.len());
        let to = self.map.get(end).copied().unwrap_or(self.orig.len());
        if from >= to {
            return String::new();
        }
        self.orig
            .get(from..to)
            .map(|cs| cs.iter().collect::<String>())
            .unwrap_or_default()
            .trim()
            .to_string()
    }

    /// True when `needle` occurs at folded position `at`.
    pub fn has_at(&self, needle: &[char], at: usize) -> bool {
        at.checked_add(needle.len())
            .and_then(|end| self.chars.get(at..end))
            .is_some_and(|w| w == needle)
    }

    /// The first position at or after `from` where `needle` occurs.
    pub fn find(&self, needle: &[char], from: usize) -> Option<usize> {
        if needle.is_empty() {
            return Some(from.min(self.len()));
        }
        let hay = self.chars.get(from..)?;
        find_chars(hay, needle).map(|p| p + from)
    }

    /// True when the folded text starts with `needle` followed by a non-letter or the end.
    pub fn starts_with_word(&self, needle: &[char]) -> bool {
        self.has_at(needle, 0)
            && self
                .chars
                .get(needle.len())
                .is_none_or(|c| !c.is_alphanumeric())
    }

    /// The folded text as a `String`.
    pub fn as_string(&self) -> String {
        self.chars.iter().collect()
    }
}

/// Folds the chars of `text` into `out` as [`Folded::new`] does, and into `map` the index of
/// the original char behind each folded char. One loop for both, so a prefilter that folds
/// without the map folds exactly alike.
#[inline]
fn fold_chars<S: FoldSink>(
    text: impl Iterator<Item = char>,
    out: &mut S,
    mut map: Option<&mut Vec<usize>>,
) {
    let mut push = |out: &mut S, c: char, i: usize| {
        out.push_char(c);
        if let Some(m) = map.as_deref_mut() {
            m.push(i);
        }
    };
    for (i, c) in text.enumerate() {
        // ASCII first, as `canonical` maps it (every ASCII white space but ' ' is a control),
        // and lowercased to one char without the Unicode case tables.
        let c = if c == ' ' || c.is_ascii_control() {
            ' '
        } else if c.is_ascii() {
            push(out, c.to_ascii_lowercase(), i);
            continue;
        } else {
            let Some(c) = canonical(c) else { continue };
            c
        };
        if c == ' ' {
            if !out.is_empty_or_space() {
                push(out, ' ', i);
            }
            continue;
        }
        for l in c.to_lowercase() {
            push(out, l, i);
        }
    }
    if out.ends_with_space() {
        out.pop_char();
        if let Some(m) = map {
            m.pop();
        }
    }
}

/// Where [`fold_chars`] writes: chars for [`Folded`], a `String` for substring tests.
trait FoldSink {
    fn push_char(&mut self, c: char);
    /// True when the last char is a space.
    fn ends_with_space(&self) -> bool;
    /// True when there is no char yet or the last is a space.
    fn is_empty_or_space(&self) -> bool;
    fn pop_char(&mut self);
}

impl FoldSink for Vec<char> {
    fn push_char(&mut self, c: char) {
        self.push(c);
    }
    fn ends_with_space(&self) -> bool {
        self.last() == Some(&' ')
    }
    fn is_empty_or_space(&self) -> bool {
        self.last().is_none_or(|&l| l == ' ')
    }
    fn pop_char(&mut self) {
        self.pop();
    }
}

impl FoldSink for String {
    fn push_char(&mut self, c: char) {
        self.push(c);
    }
    // An ASCII last byte is the whole last char in UTF-8: no decoding needed.
    fn ends_with_space(&self) -> bool {
        self.as_bytes().last() == Some(&b' ')
    }
    fn is_empty_or_space(&self) -> bool {
        self.as_bytes().last().is_none_or(|&l| l == b' ')
    }
    fn pop_char(&mut self) {
        self.pop();
    }
}

/// `s` folded as [`Folded::new`] folds it, into `out` (cleared first), as a `String` and
/// without the map back: for tests that decide whether a line needs the full [`Folded`] at all.
/// A folded phrase occurs in `out` exactly when it occurs in the [`Folded`] chars (UTF-8 matches
/// only on char boundaries), and `str::contains` searches fast.
pub(crate) fn fold_into(s: &str, out: &mut String) {
    out.clear();
    fold_chars(s.chars(), out, None);
}

/// The first position where `needle` (not empty) occurs in `hay`: a scan for its first char,
/// then a comparison, rather than comparing every window.
pub(crate) fn find_chars(hay: &[char], needle: &[char]) -> Option<usize> {
    let (&first, rest) = needle.split_first()?;
    let last_start = hay.len().checked_sub(needle.len())?;
    let candidates = hay.get(..=last_start)?;
    candidates.iter().enumerate().find_map(|(p, &c)| {
        (c == first && hay.get(p + 1..p + needle.len()) == Some(rest)).then_some(p)
    })
}

/// Folds a vocabulary phrase the way [`Folded::new`] folds text.
pub(crate) fn fold_phrase(s: &str) -> Vec<char> {
    Folded::new(s).chars
}

/// A key for comparing person names: folded, diacritics removed (`Lövgren` = `Lovgren`).
pub fn name_key(name: &str) -> String {
    let folded = Folded::new(name).as_string();
    folded
        .nfkd()
        .filter(|c| !is_combining_mark(*c))
        .collect::<String>()
}

/// True when `s` looks like an e-mail address (no white space, one `@` with text either side).
pub(crate) fn is_email(s: &str) -> bool {
    let mut parts = s.split('@');
    let (Some(local), Some(domain), None) = (parts.next(), parts.next(), parts.next()) else {
        return false;
    };
    !local.is_empty()
        && domain.contains('.')
        && !domain.starts_with('.')
        && !domain.ends_with('.')
        && !s
            .chars()
            .any(|c| c.is_whitespace() || c == '(' || c == ')' || c == ',')
}

/// The e-mail addresses in `s`, lower-cased, in order.
pub(crate) fn emails_in(s: &str) -> Vec<String> {
    s.split(|c: char| c.is_whitespace() || matches!(c, '(' | ')' | '<' | '>' | ',' | ';' | '"'))
        .map(|w| w.trim_end_matches(['.', ':']).trim_start_matches("mailto:"))
        .filter(|w| is_email(w))
        .map(str::to_lowercase)
        .collect()
}

/// `Name (e-mail)`, `e-mail` or `Name`.
pub(crate) fn party(s: &str) -> Party {
    let s = s.trim().trim_end_matches([',', ';', ':', '.']).trim();
    if is_email(s) {
        return Party {
            name: None,
            email: Some(s.to_lowercase()),
        };
    }
    if let Some(open) = s.rfind('(')
        && s.ends_with(')')
    {
        let name = s.get(..open).unwrap_or_default().trim();
        let inner = s.get(open + 1..s.len() - 1).unwrap_or_default().trim();
        if is_email(inner) {
            return Party {
                name: (!name.is_empty()).then(|| name.to_string()),
                email: Some(inner.to_lowercase()),
            };
        }
    }
    let emails = emails_in(s);
    Party {
        name: (!s.is_empty() && emails.is_empty()).then(|| s.to_string()),
        email: emails.into_iter().next(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folding_maps_back_to_the_original() {
        let f = Folded::new("  Dokumentet  skapades av\u{00A0}Inger Lind (inger.lind@kfvn.se) ");
        assert_eq!(
            f.as_string(),
            "dokumentet skapades av inger lind (inger.lind@kfvn.se)"
        );
        let at = f.find(&fold_phrase("inger lind"), 0).unwrap();
        assert_eq!(f.original(at, at + 10), "Inger Lind");
        assert_eq!(f.original(at, 10_000), "Inger Lind (inger.lind@kfvn.se)");
        assert_eq!(f.original(30, 2), "");
    }

    #[test]
    fn ascii_shortcut_folds_as_canonical_does() {
        for b in 0u8..128 {
            let c = char::from(b);
            let want = match canonical(c) {
                None => "ab".to_string(),
                Some(' ') => "a b".to_string(),
                Some(k) => format!("a{}b", k.to_lowercase()),
            };
            let mut got = String::new();
            fold_into(&format!("a{c}b"), &mut got);
            assert_eq!(got, want, "{b:#x}");
            assert_eq!(Folded::new(&format!("a{c}b")).as_string(), want, "{b:#x}");
        }
    }

    #[test]
    fn folding_unifies_quotes_and_dashes() {
        let f = Folded::new("\u{201D}Protokoll\u{201D} \u{2013} historik");
        assert_eq!(f.as_string(), "\"protokoll\" - historik");
    }

    #[test]
    fn fold_into_folds_like_folded_and_find_chars_finds_like_windows() {
        let mut buf = "x".to_string();
        for s in [
            "  A\u{00AD}b \u{2013} İ\u{FEFF} ",
            "",
            " \n ",
            "Final Audit Report 2022",
        ] {
            fold_into(s, &mut buf);
            assert_eq!(buf, Folded::new(s).as_string(), "{s:?}");
        }
        let hay: Vec<char> = "abab aba".chars().collect();
        for needle in ["a", "ab", "aba", "b a", "abab aba", "abab abaa", "x"] {
            let n: Vec<char> = needle.chars().collect();
            let slow = hay.windows(n.len()).position(|w| w == n.as_slice());
            assert_eq!(find_chars(&hay, &n), slow, "{needle:?}");
        }
        assert_eq!(find_chars(&hay, &[]), None);
    }

    #[test]
    fn expanding_lowercase_is_safe() {
        // 'İ' lower-cases to two characters; ranges that cut it must not panic.
        let f = Folded::new("İİ x");
        for a in 0..6 {
            for b in 0..6 {
                let _ = f.original(a, b);
            }
        }
    }

    #[test]
    fn name_keys_fold_diacritics() {
        assert_eq!(name_key("Erik  LÖVGREN"), name_key("erik lovgren"));
        assert_eq!(name_key("Åsa Sjödén"), "asa sjoden");
    }

    #[test]
    fn emails() {
        assert!(is_email("johan.andersson@solleftea.se"));
        assert!(!is_email("johan@"));
        assert!(!is_email("a@b@c.se"));
        assert_eq!(
            emails_in("signerare, JOHAN@x.se. Den (a.b@c.se), kan"),
            vec!["johan@x.se", "a.b@c.se"]
        );
    }

    #[test]
    fn lines_keep_their_place() {
        let ls = lines_of(&[(3, "a\n\n b\n"), (4, "c")]);
        let got: Vec<_> = ls.iter().map(|l| (l.page, l.line, l.text)).collect();
        assert_eq!(got, vec![(3, 1, "a"), (3, 3, " b"), (4, 1, "c")]);
    }
}
