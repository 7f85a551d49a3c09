//! Small text helpers that never slice a string off a char boundary.
//!
//! Every offset these functions return comes from `char_indices` or from `len()` of a prefix
//! that was walked char by char, so callers may slice with it. Matching is case-insensitive
//! through `char::to_lowercase`, and any run of whitespace in the text matches one space of a
//! phrase.

use unicode_normalization::UnicodeNormalization;
use unicode_normalization::char::is_combining_mark;

/// Lowercase, whitespace collapsed to single spaces, trimmed, a trailing colon removed.
pub fn norm(s: &str) -> String {
    norm_mapped(s, false)
}

/// [`norm`] with every ASCII digit as `#`: a key under which "Sida 3 av 12" repeats.
pub fn norm_masking_digits(s: &str) -> String {
    norm_mapped(s, true)
}

/// One pass, ASCII without the Unicode case tables: this runs on every line several times.
#[inline]
fn norm_mapped(s: &str, mask_digits: bool) -> String {
    let mut out = String::with_capacity(s.len());
    let mut space = false;
    for c in s.chars() {
        if c.is_whitespace() {
            space = !out.is_empty();
            continue;
        }
        if space {
            out.push(' ');
            space = false;
        }
        if c.is_ascii() {
            // No lowercase mapping yields an ASCII digit, so masking here is masking after.
            out.push(if mask_digits && c.is_ascii_digit() {
                '#'
            } else {
                c.to_ascii_lowercase()
            });
        } else {
            out.extend(c.to_lowercase());
        }
    }
    let end = out
        .trim_end_matches(|c: char| c == ':' || c.is_whitespace())
        .len();
    out.truncate(end);
    out
}

/// True when the lowercased `text` contains every word of `phrase` (normalised): a cheap
/// test that must pass before [`find_phrase`] can match, so callers may skip the scan.
pub fn may_contain_phrase(lower_text: &str, phrase: &str) -> bool {
    phrase.split(' ').all(|word| lower_text.contains(word))
}

/// `s` lowercased one char at a time (no final-sigma rule, unlike `str::to_lowercase`): every
/// char that [`find_phrase`] matches to a phrase char is that phrase char here, so
/// [`may_contain_phrase`] over it never rejects a match.
pub fn lowercase_chars(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        if c.is_ascii() {
            out.push(c.to_ascii_lowercase());
        } else {
            out.extend(c.to_lowercase());
        }
    }
    out
}

/// A lower bound on the number of chars of [`norm`]`(s)`: every char but whitespace and `:`
/// lowercases to at least one char, and only those two are dropped. Counting stops above
/// `cap`, so a long line costs no more than a short one.
pub fn norm_len_at_least(s: &str, cap: usize) -> usize {
    s.chars()
        .filter(|&c| c != ':' && !c.is_whitespace())
        .take(cap.saturating_add(1))
        .count()
}

/// The name key of the spec's identity rule: NFKD, diacritics dropped, case folded,
/// whitespace collapsed (`Lövgren` = `lovgren`).
pub fn fold(name: &str) -> String {
    if name.is_ascii() {
        return norm_ascii_words(name);
    }
    let s: String = name
        .nfkd()
        .filter(|c| !is_combining_mark(*c))
        .flat_map(char::to_lowercase)
        .collect();
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// ASCII `fold`: lowercase, whitespace collapsed (nothing to decompose).
fn norm_ascii_words(name: &str) -> String {
    let mut out = String::with_capacity(name.len());
    for word in name.split_whitespace() {
        if !out.is_empty() {
            out.push(' ');
        }
        out.extend(word.chars().map(|c| c.to_ascii_lowercase()));
    }
    out
}

fn lower_eq(a: char, b: char) -> bool {
    // ASCII first: nearly every comparison, and `to_lowercase` is a table search.
    if a.is_ascii() && b.is_ascii() {
        return a.eq_ignore_ascii_case(&b);
    }
    a == b || a.to_lowercase().eq(b.to_lowercase())
}

/// If `text` starts with `phrase` (normalised: lowercase, single spaces), the byte offset in
/// `text` just after it. The phrase must end on a word boundary of `text`.
pub fn strip_phrase(text: &str, phrase: &str) -> Option<usize> {
    let mut t = text.char_indices().peekable();
    for pc in phrase.chars() {
        if pc == ' ' {
            // One or more whitespace characters in the text.
            let mut saw = false;
            while let Some(&(_, tc)) = t.peek() {
                if tc.is_whitespace() {
                    saw = true;
                    t.next();
                } else {
                    break;
                }
            }
            if !saw {
                return None;
            }
            continue;
        }
        let (_, tc) = t.next()?;
        if !lower_eq(tc, pc) {
            return None;
        }
    }
    let end = t.peek().map(|&(i, _)| i).unwrap_or(text.len());
    let last_is_word = phrase.chars().last().is_some_and(char::is_alphanumeric);
    match text.get(end..).and_then(|r| r.chars().next()) {
        Some(c) if last_is_word && c.is_alphanumeric() => None,
        _ => Some(end),
    }
}

/// Chars of a [`PhrasePrefix`]: enough to tell nearly all phrases apart, few enough to keep
/// on the stack.
const PREFIX_CHARS: usize = 12;

/// The first chars of a text as [`strip_phrase`] compares them: each char lowercased, each
/// whitespace run one space. A normalised phrase (as [`norm`] makes it) that `strip_phrase`
/// matches at the start of the text agrees with it here, so [`PhrasePrefix::admits`] rules
/// out most phrases without the char-by-char match.
#[derive(Debug, Clone, Copy)]
pub struct PhrasePrefix {
    chars: [char; PREFIX_CHARS],
    len: usize,
    /// True when the text may go on past `len` chars in a way a phrase can match.
    open: bool,
}

impl PhrasePrefix {
    /// The prefix of `text`.
    pub fn of(text: &str) -> Self {
        let mut p = PhrasePrefix {
            chars: [' '; PREFIX_CHARS],
            len: 0,
            open: false,
        };
        let mut space = false;
        for c in text.chars() {
            let folded = if c.is_whitespace() {
                if space {
                    continue;
                }
                space = true;
                ' '
            } else {
                space = false;
                if c.is_ascii() {
                    c.to_ascii_lowercase()
                } else {
                    let mut lower = c.to_lowercase();
                    match (lower.next(), lower.next()) {
                        (Some(l), None) => l,
                        // No phrase char matches a char that lowercases to several.
                        _ => return p,
                    }
                }
            };
            let Some(slot) = p.chars.get_mut(p.len) else {
                p.open = true;
                return p;
            };
            *slot = folded;
            p.len += 1;
        }
        p
    }

    /// False when `phrase` (normalised) cannot match at the start of the text.
    pub fn admits(&self, phrase: &str) -> bool {
        let mut rest = phrase.chars();
        for &c in self.chars.get(..self.len).unwrap_or(&[]) {
            match rest.next() {
                None => return true,
                Some(p) if p == c => {}
                Some(_) => return false,
            }
        }
        self.open || rest.next().is_none()
    }
}

/// The first occurrence of `phrase` in `text` that starts and ends on word boundaries:
/// `(start, end)` byte offsets.
pub fn find_phrase(text: &str, phrase: &str) -> Option<(usize, usize)> {
    let first = phrase.chars().next()?;
    let first_is_word = first.is_alphanumeric();
    let mut prev: Option<char> = None;
    for (i, c) in text.char_indices() {
        let boundary = !first_is_word || !prev.is_some_and(char::is_alphanumeric);
        prev = Some(c);
        // A phrase never starts with a space, so its first char must match `c` itself.
        if !boundary || !lower_eq(c, first) {
            continue;
        }
        if let Some(rest) = text.get(i..)
            && let Some(len) = strip_phrase(rest, phrase)
        {
            return Some((i, i + len));
        }
    }
    None
}

/// True when the first letter of `s` is uppercase.
pub fn starts_upper(s: &str) -> bool {
    s.chars()
        .find(|c| c.is_alphanumeric())
        .is_some_and(char::is_uppercase)
}

/// True when the first character of `s` is a lowercase letter.
pub fn starts_lower(s: &str) -> bool {
    s.chars().next().is_some_and(char::is_lowercase)
}

/// `s` without surrounding whitespace and the punctuation that trails a list item.
pub fn trim_item(s: &str) -> &str {
    s.trim()
        .trim_start_matches([
            '•', '·', '-', '–', '—', '*', '▪', '◦', '\u{f0b7}', '\u{f0a7}', ' ',
        ])
        .trim_end_matches([',', ';', '.', ':', ' ', '/', '–', '-'])
        .trim()
}

/// Splits `s` into whitespace-separated tokens with their byte spans.
pub fn tokens(s: &str) -> Vec<(usize, usize, &str)> {
    let mut out = Vec::new();
    let mut start: Option<usize> = None;
    for (i, c) in s.char_indices() {
        if c.is_whitespace() {
            if let Some(st) = start.take()
                && let Some(t) = s.get(st..i)
            {
                out.push((st, i, t));
            }
        } else if start.is_none() {
            start = Some(i);
        }
    }
    if let Some(st) = start
        && let Some(t) = s.get(st..)
    {
        out.push((st, s.len(), t));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn norm_lowercases_collapses_and_drops_the_trailing_colon() {
        assert_eq!(norm("  Justerare\t Anna  BERG : "), "justerare anna berg");
        assert_eq!(norm("ÅSA Öberg:"), "åsa öberg");
        assert_eq!(norm(" \n "), "");
        assert_eq!(norm("a:b:"), "a:b");
        assert_eq!(norm_masking_digits(" Sida 3 av 12: "), "sida # av ##");
        assert_eq!(norm_masking_digits("Ⅻ ١٢ 2:"), "ⅻ ١٢ #");
        for s in ["  Tid:: ", "İ ẞ \u{212A}", "a : b", ""] {
            assert!(
                norm_len_at_least(s, 100) <= norm(s).chars().count(),
                "{s:?}"
            );
        }
        assert_eq!(norm_len_at_least("abcdef", 3), 4);
    }

    #[test]
    fn phrase_prefilter_never_rejects_a_match() {
        let text = "Anna Berg (S) ERSÄTTER   Bo Ek";
        let lower = text.to_lowercase();
        assert!(find_phrase(text, "ersätter").is_some());
        assert!(may_contain_phrase(&lower, "ersätter"));
        assert!(!may_contain_phrase(&lower, "ersätts av"));
    }

    #[test]
    fn phrase_prefix_never_rejects_what_strip_phrase_matches() {
        let phrases = [
            "tid och plats",
            "ordförande",
            "1:e vice ordförande",
            "§§",
            "i",
            "justerare",
            "justerare och tid för justering",
            "k",
        ];
        let texts = [
            "Tid  och\tplats: x",
            "ORDFÖRANDE Anna",
            "1:E VICE  ordförande",
            "§§ 12",
            "İstanbul",
            "\u{212A}ommun",
            " justerare",
            "Justerare",
            "Justerare  och tid för justering",
            "Justerarna",
            "",
        ];
        for t in texts {
            let prefix = PhrasePrefix::of(t);
            for p in phrases {
                if strip_phrase(t, p).is_some() {
                    assert!(prefix.admits(p), "{t:?} {p:?} {prefix:?}");
                }
            }
        }
        assert!(!PhrasePrefix::of("Tidning").admits("tid och plats"));
        assert!(!PhrasePrefix::of("Tid").admits("tid och plats"));
        assert!(!PhrasePrefix::of("aİb").admits("ai"));
        assert!(PhrasePrefix::of("Justerare och tid").admits("justerare och tid för"));
    }

    #[test]
    fn fold_drops_diacritics_and_case() {
        assert_eq!(fold("Erik  Lövgren"), "erik lovgren");
        assert_eq!(fold("ÅSA SJÖDÉN"), "asa sjoden");
    }

    #[test]
    fn phrase_matches_across_whitespace_runs_and_case() {
        assert_eq!(
            strip_phrase("Tid  och\tplats: x", "tid och plats"),
            Some(14)
        );
        assert_eq!(strip_phrase("Tidning", "tid"), None);
        assert_eq!(find_phrase("Anna ersätter Bo", "ersätter"), Some((5, 14)));
        assert_eq!(find_phrase("Annaersätter Bo", "ersätter"), None);
    }

    #[test]
    fn multibyte_text_never_splits_a_char() {
        for s in ["ÅÄÖ", "İstanbul", "ß", "§§", "a\u{301}"] {
            let _ = find_phrase(s, "i");
            let _ = find_phrase(s, "s");
            let _ = strip_phrase(s, "is");
            let _ = tokens(s);
        }
    }
}
