//! The document as a list of lines with their page and line numbers, cleaned of layout noise.
//!
//! Text extraction hands over pages in reading order. Before minutes can be read, the noise of
//! a page layout goes: headers and signature boxes repeated on every page (kept once), table of
//! contents lines (dot leaders), words that touch across a cell border
//! (`Niklas DaosonOrdförande`, `JA§ 29`), several "Label: value" fields on one line, and labels
//! broken over two lines (`Deltagare` / `(beslutande):`).

use super::text::{
    PhrasePrefix, lowercase_chars, norm, norm_len_at_least, norm_masking_digits, strip_phrase,
};
use super::vocab::{LabelKind, Lexicon};

/// A repeated line counts as page furniture when it is on at least this share of pages…
const REPEAT_SHARE: f64 = 0.5;
/// …and on at least this many pages.
const REPEAT_MIN_PAGES: usize = 3;
/// Lines longer than this are never labels (keeps label matching linear in practice).
const MAX_LABEL_LINE: usize = 400;

/// One line of text and where it is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Line {
    /// 1-based page number.
    pub page: usize,
    /// 1-based line number within the page's text.
    pub line: usize,
    /// The text, trimmed.
    pub text: String,
}

/// A label at the start of a line.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LabelMatch<'a> {
    /// What the label introduces.
    pub kind: LabelKind,
    /// The vocabulary the label came from.
    pub language: usize,
    /// The value after the label on the same line (may be empty).
    pub value: &'a str,
    /// True when a colon (or a table cell's rule) separated label and value.
    pub colon: bool,
}

/// The label at the start of `line`, if any.
pub fn classify<'a>(line: &'a str, lex: &Lexicon) -> Option<LabelMatch<'a>> {
    if line.len() > MAX_LABEL_LINE {
        return None;
    }
    // Every label, whole or as a prefix, starts with one of the indexed initials: most lines
    // are answered here without normalising them.
    let first = lowercase_initial(line)?;
    let mut phrases = lex.label_phrases_starting(first).peekable();
    phrases.peek()?;
    // A line too long to be a label as a whole is not normalised to look it up.
    if norm_len_at_least(line, lex.max_label_chars) <= lex.max_label_chars
        && let Some(&(kind, language)) = lex.labels.get(norm(line).as_str())
    {
        return Some(LabelMatch {
            kind,
            language,
            value: "",
            colon: line.trim_end().ends_with(':'),
        });
    }
    let prefix = PhrasePrefix::of(line.trim_start());
    for phrase in phrases {
        if !prefix.admits(phrase) {
            continue;
        }
        let Some(end) = strip_phrase(line.trim_start(), phrase) else {
            continue;
        };
        let rest = line.trim_start().get(end..).unwrap_or("");
        let Some(&(kind, language)) = lex.labels.get(phrase) else {
            continue;
        };
        let trimmed = rest.trim_start();
        // A table's rule between label cell and value cell reads as `|` in OCR.
        if let Some(value) = trimmed
            .strip_prefix(':')
            .or_else(|| trimmed.strip_prefix('|'))
        {
            return Some(LabelMatch {
                kind,
                language,
                value: value.trim(),
                colon: true,
            });
        }
        if rest.starts_with(char::is_whitespace) && !trimmed.is_empty() {
            return Some(LabelMatch {
                kind,
                language,
                value: trimmed,
                colon: false,
            });
        }
    }
    None
}

/// The first character of `line`'s normalised form: its first non-blank character, lowercased.
fn lowercase_initial(line: &str) -> Option<char> {
    line.trim_start().chars().next()?.to_lowercase().next()
}

/// True for a table-of-contents line: dot leaders then a page number.
fn is_toc(line: &str) -> bool {
    let t = line.trim_end();
    let body = t.trim_end_matches(|c: char| c.is_ascii_digit() || c.is_whitespace());
    body.len() < t.len() && (body.ends_with("....") || body.ends_with("…") || body.ends_with('\t'))
}

/// Page furniture key: digits masked so "Sida 3 av 12" repeats.
fn furniture_key(line: &str) -> String {
    norm_masking_digits(line)
}

/// True when some label or role phrase is exactly `word` (normalised).
fn is_label_word(word: &str, lex: &Lexicon) -> bool {
    let n = norm(word);
    lex.labels.contains_key(&n) || lex.role_phrases.iter().any(|(p, _)| *p == n)
}

/// True when `rest` starts with a label or role phrase.
fn starts_with_label(rest: &str, lex: &Lexicon) -> bool {
    let Some(first) = rest.chars().next().and_then(|c| c.to_lowercase().next()) else {
        return false;
    };
    let prefix = PhrasePrefix::of(rest);
    lex.label_phrases_starting(first)
        .chain(
            lex.role_phrases
                .iter()
                .map(|(p, _)| p.as_str())
                .filter(|p| p.starts_with(first)),
        )
        .filter(|p| prefix.admits(p) && p.chars().count() >= 4)
        .any(|p| strip_phrase(rest, p).is_some())
}

/// True when `line` has a place [`deglue`] may cut: a `§` after a letter, or a lowercase
/// letter right before an uppercase one. Most lines have neither; this scan has no branch
/// that depends on the text, where deglue's own walk mispredicted its way through every line.
fn may_be_glued(line: &str) -> bool {
    let (mut lower, mut alphabetic, mut found) = (false, false, false);
    for c in line.chars() {
        found |= (alphabetic & (c == '§')) | (lower & c.is_uppercase());
        lower = c.is_lowercase();
        alphabetic = c.is_alphabetic();
    }
    found
}

/// `line` split where two words touch across a layout border.
fn deglue<'a>(line: &'a str, lex: &Lexicon) -> Vec<&'a str> {
    if !may_be_glued(line) {
        return split_at(line, &[]);
    }
    split_at(line, &glue_cuts(line, lex))
}

/// Split points where two words touch across a layout border.
fn glue_cuts(line: &str, lex: &Lexicon) -> Vec<usize> {
    let mut cuts = Vec::new();
    let mut prev: Option<char> = None;
    let mut word_start = 0;
    for (i, c) in line.char_indices() {
        if c.is_whitespace() {
            word_start = i + c.len_utf8();
        }
        if let Some(p) = prev {
            // "JA§ 29": footer initials glued to a paragraph heading.
            if c == '§' && p.is_alphabetic() {
                cuts.push(i);
            } else if p.is_lowercase() && c.is_uppercase() {
                let before = line.get(word_start..i).unwrap_or("");
                let after = line.get(i..).unwrap_or("");
                if is_label_word(before, lex) || starts_with_label(after, lex) {
                    cuts.push(i);
                }
            }
        }
        prev = Some(c);
    }
    cuts
}

/// Signature lines ("Sekreterare ............") become a cell border: the dots carry nothing.
fn drop_leaders(line: &str) -> String {
    if !line.contains(['.', '_', '…']) {
        return line.trim().to_owned();
    }
    let mut out = String::with_capacity(line.len());
    let mut run = 0;
    for c in line.chars() {
        if matches!(c, '.' | '_' | '…') {
            run += 1;
            continue;
        }
        if run > 0 {
            out.push_str(if run >= 4 { "  " } else { &"..."[..run.min(3)] });
            run = 0;
        }
        out.push(c);
    }
    if run > 0 && run < 4 {
        out.push_str(&"..."[..run.min(3)]);
    }
    out.trim().to_owned()
}

/// `line` split before each label after its first field, and before each label that starts
/// a table cell ([`label_cuts`]).
fn inline_labels<'a>(line: &'a str, lex: &Lexicon) -> Vec<&'a str> {
    if line.len() > MAX_LABEL_LINE {
        return vec![line];
    }
    // Both kinds of cut need a colon before them or a cell gap (two blanks) right before
    // them; most lines have neither.
    if !line.contains(':') && !has_cell_gap(line) {
        return split_at(line, &[]);
    }
    split_at(line, &label_cuts(line, lex))
}

/// Split points before a second "Label:" on the same line
/// ("Sammanträdesdatum: 2023-11-30 Justeringsdatum: 2023-12-20"), and before a label that
/// starts a table cell ("Datum då anslaget sätts upp 2024-02-09  Datum då anslaget tas ned").
fn label_cuts(line: &str, lex: &Lexicon) -> Vec<usize> {
    let mut cuts = Vec::new();
    let mut prev: Option<char> = None;
    let mut gap = 0usize;
    // Whether the text before `i` has a colon, and something but spaces after its first one:
    // kept as the walk goes instead of searching the prefix at every word.
    let mut colon = false;
    let mut field = false;
    for (i, c) in line.char_indices() {
        let boundary = prev.is_some_and(char::is_whitespace);
        let cell_start = gap >= 2;
        let has_field = field;
        gap = if c.is_whitespace() { gap + 1 } else { 0 };
        prev = Some(c);
        field |= colon && !c.is_whitespace();
        colon |= c == ':';
        if !boundary || !c.is_alphabetic() {
            continue;
        }
        if cell_start
            && let Some(rest) = line.get(i..)
            && classify(rest, lex).is_some_and(|m| {
                !matches!(m.kind, LabelKind::Role(_) | LabelKind::Section(_)) || m.colon
            })
        {
            cuts.push(i);
            continue;
        }
        // Only after a first "Label: value" ("och plats:" is the tail of a broken label).
        if !has_field {
            continue;
        }
        let Some(rest) = line.get(i..) else { continue };
        let Some(first) = c.to_lowercase().next() else {
            continue;
        };
        let prefix = PhrasePrefix::of(rest);
        let hit = lex
            .label_phrases_starting(first)
            .filter(|p| prefix.admits(p))
            .filter_map(|p| strip_phrase(rest, p))
            .any(|end| {
                rest.get(end..)
                    .is_some_and(|r| r.trim_start().starts_with(':'))
            });
        if hit {
            cuts.push(i);
        }
    }
    cuts
}

/// True when two white-space characters follow each other in `line` (a table-cell gap, as
/// [`inline_labels`] counts them).
fn has_cell_gap(line: &str) -> bool {
    let (mut blank, mut found) = (false, false);
    for c in line.chars() {
        let now = c.is_whitespace();
        found |= blank & now;
        blank = now;
    }
    found
}

fn split_at<'a>(line: &'a str, cuts: &[usize]) -> Vec<&'a str> {
    let mut out = Vec::new();
    let mut from = 0;
    for &c in cuts {
        if let Some(piece) = line.get(from..c) {
            let p = piece.trim();
            if !p.is_empty() {
                out.push(p);
            }
            from = c;
        }
    }
    if let Some(piece) = line.get(from..) {
        let p = piece.trim();
        if !p.is_empty() {
            out.push(p);
        }
    }
    out
}

/// Builds the cleaned line list from page texts (page 1 first).
pub fn build(pages: &[&str], lex: &Lexicon) -> Vec<Line> {
    // Furniture: lines on many pages. The first occurrence stays (a header names the organ, a
    // signature box is a designation), the repeats go. With fewer pages nothing is furniture,
    // so no key is needed.
    let keyed = pages.len() >= REPEAT_MIN_PAGES;
    // Each distinct key gets an id on first sight (one hash per line): then the pages a key is
    // on are counted, and the second pass looks lines up by id.
    // foldhash, seeded per process: the keys are the document's own text.
    let mut ids: foldhash::HashMap<String, usize> = foldhash::HashMap::default();
    // Per id: pages it is on, the last page counted.
    let mut on_pages: Vec<(usize, usize)> = Vec::new();
    let mut line_ids: Vec<Vec<Option<usize>>> = Vec::new();
    if keyed {
        for (p, page) in pages.iter().enumerate() {
            let mut page_ids = Vec::new();
            for raw in page.lines() {
                let k = furniture_key(raw);
                if k.is_empty() {
                    page_ids.push(None);
                    continue;
                }
                let next = ids.len();
                let id = *ids.entry(k).or_insert(next);
                if id == on_pages.len() {
                    on_pages.push((0, usize::MAX));
                }
                if let Some(slot) = on_pages.get_mut(id)
                    && slot.1 != p
                {
                    *slot = (slot.0 + 1, p);
                }
                page_ids.push(Some(id));
            }
            line_ids.push(page_ids);
        }
    }
    let threshold = ((pages.len() as f64) * REPEAT_SHARE).ceil() as usize;
    let furniture = |id: usize| {
        on_pages
            .get(id)
            .is_some_and(|&(n, _)| n >= threshold.max(REPEAT_MIN_PAGES))
    };
    let mut kept_once = vec![false; on_pages.len()];
    let mut out: Vec<Line> = Vec::new();
    for (p, page) in pages.iter().enumerate() {
        let page_ids = line_ids.get(p);
        for (l, raw) in page.lines().enumerate() {
            let text = raw.trim();
            if text.is_empty() || is_toc(text) {
                continue;
            }
            // `norm` trims, so the raw line's key is the trimmed line's key.
            if let Some(&Some(id)) = page_ids.and_then(|ids| ids.get(l))
                && furniture(id)
                && let Some(kept) = kept_once.get_mut(id)
            {
                if *kept {
                    continue;
                }
                *kept = true;
            }
            let text = drop_leaders(text);
            if text.is_empty() {
                continue;
            }
            for piece in deglue(&text, lex) {
                for piece in inline_labels(piece, lex) {
                    out.push(Line {
                        page: p + 1,
                        line: l + 1,
                        text: piece.to_owned(),
                    });
                }
            }
        }
    }
    merge_split_labels(out, lex)
}

/// True when `text` followed by more text can normalise to a label: its first word, lowercased
/// as `norm` does, is a label's first word (or is one with the colons `norm` may trim off the
/// end when nothing but colons follows).
fn may_start_label(text: &str, lex: &Lexicon) -> bool {
    let first = lowercase_chars(text.split_whitespace().next().unwrap_or(""));
    lex.label_first_words.contains(first.as_str())
        || lex.label_first_words.contains(first.trim_end_matches(':'))
}

/// Joins a label broken over two lines ("Justeringens tid" / "och plats:").
fn merge_split_labels(lines: Vec<Line>, lex: &Lexicon) -> Vec<Line> {
    let mut out: Vec<Line> = Vec::with_capacity(lines.len());
    let mut iter = lines.into_iter().peekable();
    while let Some(mut line) = iter.next() {
        if line.text.len() < 60
            && let Some(next) = iter.peek()
            && next.text.len() < 60
            && may_start_label(&line.text, lex)
        {
            let joined = format!("{} {}", line.text, next.text);
            if lex.labels.contains_key(&norm(&joined)) {
                line.text = joined;
                iter.next();
            }
        }
        out.push(line);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::minutes::vocab::lexicon;

    #[test]
    fn glue_is_a_lowercase_letter_before_an_uppercase_one_or_a_section_sign_after_a_letter() {
        for glued in [
            "Niklas DaosonOrdförande",
            "JA§ 29",
            "Umeåregionen ÖvrigaDeltagare",
            "aÅ",
        ] {
            assert!(may_be_glued(glued), "{glued}");
        }
        // Real glue passes the pre-check and is cut.
        for glued in ["Niklas DaosonOrdförande", "JA§ 29"] {
            assert_eq!(deglue(glued, lexicon()).len(), 2, "{glued}");
        }
        for plain in [
            "Niklas Daoson Ordförande",
            "§ 29",
            "JA 29 §",
            "ÅSA SJÖDÉN",
            "",
            "Umeå",
        ] {
            assert!(!may_be_glued(plain), "{plain}");
            assert_eq!(deglue(plain, lexicon()), split_at(plain, &[]), "{plain}");
            // The walk itself finds no cut there either: the pre-check hides none.
            assert_eq!(glue_cuts(plain, lexicon()), Vec::<usize>::new(), "{plain}");
        }
    }

    #[test]
    fn a_cell_gap_is_two_blanks_in_a_row_of_any_kind() {
        for gap in ["Datum  Plats", "a \u{a0}b", "x\t\ty", "end  "] {
            assert!(has_cell_gap(gap), "{gap:?}");
        }
        for none in ["Datum Plats", "a\u{a0}b c", "", " "] {
            assert!(!has_cell_gap(none), "{none:?}");
        }
        // Neither a colon nor a gap: the line stays whole.
        let line = "Sammanträdesdatum 2023-11-30 Justeringsdatum 2023-12-20";
        assert_eq!(inline_labels(line, lexicon()), vec![line]);
        assert_eq!(label_cuts(line, lexicon()), Vec::<usize>::new());
        // With them, the cuts are still found.
        assert_eq!(
            inline_labels(
                "Sammanträdesdatum: 2023-11-30 Justeringsdatum: 2023-12-20",
                lexicon()
            ),
            vec![
                "Sammanträdesdatum: 2023-11-30",
                "Justeringsdatum: 2023-12-20"
            ]
        );
    }

    fn texts(pages: &[&str]) -> Vec<String> {
        build(pages, lexicon())
            .into_iter()
            .map(|l| l.text)
            .collect()
    }

    #[test]
    fn glued_role_after_name_is_split() {
        let t = texts(&["Niklas DaosonOrdförande\nJusterareInnehållsförteckning\nJA§ 29 Budget"]);
        assert_eq!(
            t,
            vec![
                "Niklas Daoson",
                "Ordförande",
                "Justerare",
                "Innehållsförteckning",
                "JA",
                "§ 29 Budget"
            ]
        );
    }

    #[test]
    fn two_labels_on_one_line() {
        let t = texts(&["Sammanträdesdatum: 2023-11-30 Justeringsdatum: 2023-12-20"]);
        assert_eq!(
            t,
            vec![
                "Sammanträdesdatum: 2023-11-30",
                "Justeringsdatum: 2023-12-20"
            ]
        );
    }

    #[test]
    fn label_in_a_second_table_cell_and_signature_dots() {
        let t = texts(&[
            "Datum då anslaget sätts upp 2024-02-09  Datum då anslaget tas ned 2024-03-02\n\
             Sekreterare ..........................",
        ]);
        assert_eq!(
            t,
            vec![
                "Datum då anslaget sätts upp 2024-02-09",
                "Datum då anslaget tas ned 2024-03-02",
                "Sekreterare"
            ]
        );
    }

    #[test]
    fn label_broken_over_two_lines_is_joined() {
        let t = texts(&["Deltagare\n(beslutande):\nAnna Berg (S)"]);
        assert_eq!(t, vec!["Deltagare (beslutande):", "Anna Berg (S)"]);
    }

    #[test]
    fn repeated_page_header_is_kept_once() {
        let page = "Hälsingerådet\nSAMMANTRÄDESPROTOKOLL\nSida 1\n§ 1 x";
        let pages = [page, page, page, page];
        let t = texts(&pages);
        assert_eq!(t.iter().filter(|l| *l == "Hälsingerådet").count(), 1);
        assert_eq!(t.iter().filter(|l| l.starts_with("§ 1")).count(), 1);
    }

    #[test]
    fn toc_lines_are_dropped() {
        let t = texts(&["Utses att justera........ 1\n§784 Mötets öppnande....... 4\nx"]);
        assert_eq!(t, vec!["x"]);
    }

    #[test]
    fn label_with_value_on_the_same_line() {
        let m = classify("Tid: 2022-09-23 kl. 13.00-15.00", lexicon()).expect("label");
        assert_eq!(m.kind, LabelKind::Time);
        assert!(m.colon);
        assert_eq!(m.value, "2022-09-23 kl. 13.00-15.00");
        let m = classify("Paragrafer 28 – 36", lexicon()).expect("label");
        assert_eq!(m.kind, LabelKind::Paragraphs);
        assert!(!m.colon);
        assert!(classify("Tidningen skrev", lexicon()).is_none());
    }

    #[test]
    fn a_table_rule_read_as_a_bar_separates_label_and_value() {
        let m = classify("Datum då anslaget sätts upp | 2019-02-27", lexicon()).expect("label");
        assert_eq!(m.kind, LabelKind::NoticePosted);
        assert!(m.colon);
        assert_eq!(m.value, "2019-02-27");
        // Near miss: a bar inside the label's words is no separator.
        assert!(
            classify("Datum då | anslaget sätts upp 2019-02-27", lexicon())
                .is_none_or(|m| m.kind != LabelKind::NoticePosted)
        );
    }
}
