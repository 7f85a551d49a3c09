//! Pen signatures on scanned pages: the printed names in the signature blocks of an OCRed
//! page name who signed by hand (issue 6), when there is ink where the signature goes. Ink
//! cannot be checked, only seen, so each is a signing without a time that
//! `signature.unverifiable` reports; a row without ink is no signing, and the verdict then
//! says the role is missing its signature (`role.missing_signature`).
//!
//! A signature row is a printed line that holds a designated person's name and little else
//! (a role after a comma, party letters, a stray mark OCR read as a letter or a word), inside
//! a signature block: a block label (`Vid protokollet`, `Justeras`, `Justerare`,
//! `Ordförande`, `Sekreterare`, `Underskrifter`, `Justerandes signatur`) on the same line or
//! a few lines above. Names are matched to the minutes' designated signers with OCR-tolerant
//! word matching ([`ocr_word_match`]); a line may hold two or three names side by side, and
//! each is looked at in its own columns (the words' boxes, not the whole line). The role is
//! the one the minutes designate the person for, not the label's: labels vary, designations
//! do not. Where the ink must be follows from the row's geometry:
//! - a name under its label, or under a line to sign on (the common layouts, table cells):
//!   in the box above the name, from the print above it (at most [`SEARCH_HEIGHTS`] word
//!   heights) down to the middle of the name, so that ink through the name counts too;
//! - a name after its label on one line (`Sekreterare: Annelie Ledin`, then a line to sign
//!   on): in the box below it, down to the next print, or beside it on the right.
//!
//! The box holds ink when its marks ([`crate::ocr::ink`]) cover at least
//! [`MIN_SIGNATURE_SPAN`] word heights across. Rows are taken in reading order, which is the
//! signing order the scan shows (there are no times to order by). An inked row whose printed
//! name is nobody's in the minutes is reported with its OCR text ([`UnknownPen`]), never made
//! a person.

use crate::minutes::MinutesFacts;
use crate::ocr::OcrInfo;
use crate::ocr::ink::{InkFound, InkMark, PageLayout, PrintedLine, Rect};
use crate::pdf::text::{PageText, TextSource};
use crate::record::FindingCode;
use crate::record::SignerRole;
use crate::verify::identity::{FoldedName, close_enough, fold, ocr_word_match, same_person};

/// Lines above a name that may hold its block's label (label, a line OCR read from the ink,
/// the rule, the name; or a column of blocks under one "Justeras").
const LABEL_WITHIN_LINES: usize = 6;
/// How far from the printed name the signature box reaches, in word heights (a signature is
/// one to three lines of print tall).
pub const SEARCH_HEIGHTS: u32 = 4;
/// How far right of a one-line row the box beside it reaches, in word heights.
const BESIDE_HEIGHTS: u32 = 15;
/// How far the box reaches left of the printed name, in word heights: a signature is often
/// wider than the name under it.
const SIDE_HEIGHTS: u32 = 2;
/// ...and right of it, where the rest of the signing line is (people sign along the line,
/// which is usually longer than their name), unless the next name on the line is nearer.
const RIGHT_HEIGHTS: u32 = 9;
/// A gap this many word heights wide between words of a line separates columns (blocks side
/// by side); words of a name are a third of a word height apart.
const COLUMN_GAP_HEIGHTS: u32 = 2;
/// Ink across at least this many word heights is a signature (initials are about two);
/// a speck, a stray letter or a stamp's edge is less.
pub const MIN_SIGNATURE_SPAN: f64 = 1.5;

/// A nobody's name is reported only when OCR read it at least this confidently: a printed
/// name reads high, a signature read as letters over a line to sign on (`Ro Rabin`) low.
const UNKNOWN_MIN_CONFIDENCE: f64 = 75.0;

/// One signature row of a scan: a designated person's printed name in a signature block.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PenRow {
    /// The designated person, as the minutes write the name.
    pub name: String,
    /// The role the row signs in.
    pub role: SignerRole,
    /// 1-based page.
    pub page: usize,
    /// 1-based line of the printed name among the page's text lines.
    pub line: usize,
    /// Where the signature was looked for, in page-image pixels.
    pub area: Rect,
    /// What ink is there.
    pub ink: InkFound,
    /// The page's median word height, the unit of [`MIN_SIGNATURE_SPAN`].
    pub word_height: u32,
}

impl PenRow {
    /// True when the row holds a signature's worth of ink.
    pub fn inked(&self) -> bool {
        inked(&self.ink, self.word_height)
    }
}

fn inked(ink: &InkFound, word_height: u32) -> bool {
    f64::from(ink.span) >= MIN_SIGNATURE_SPAN * f64::from(word_height)
}

/// A pen signing: a signature row with ink.
pub type PenSigning = PenRow;

/// An inked signature row whose printed name matches nobody the minutes name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnknownPen {
    /// The printed line as OCR read it.
    pub text: String,
    /// 1-based page.
    pub page: usize,
    /// 1-based line among the page's text lines.
    pub line: usize,
    /// Where the ink is, in page-image pixels.
    pub area: Rect,
}

/// Folded words that label a signature block or one of its rows (OCR-tolerant: diacritics
/// folded). `justera` covers Justeras, Justerare, Justerande, Justerandes.
fn is_label_word(word: &str) -> bool {
    const STEMS: [&str; 9] = [
        "sekreterare",
        "ordforande",
        "justera",
        "protokollet",
        "protokollforare",
        "underskrift",
        "signatur",
        "namnteckning",
        "namnfortydligande",
    ];
    matches!(word, "sekr" | "ordf" | "sign") || STEMS.iter().any(|s| word.starts_with(s))
}

/// Folded words that may follow a name in a signature row: its role, or the label of the
/// block it is in.
fn is_role_word(word: &str) -> bool {
    is_label_word(word)
        || matches!(
            word,
            "vice" | "ledamot" | "ersattare" | "tjanstgorande" | "forste" | "andre" | "och"
        )
}

/// The folded words of a printed line, each with the index of the OCR word it came from
/// (`Persson-Öhrn` is one OCR word and two folded words).
fn folded_words(line: &PrintedLine) -> Vec<(String, usize)> {
    line.words
        .iter()
        .enumerate()
        .flat_map(|(i, (text, _))| fold(text).words.into_iter().map(move |w| (w, i)))
        .collect()
}

/// Where a line names a person: the OCR words that hold the name, and how far the reading is
/// from the name (0: exact).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct NameSpan {
    /// Index of the first and one past the last OCR word of the name.
    first: usize,
    end: usize,
    distance: usize,
}

/// Finds `name` in `words` (a line's folded words): its words in a row, each read within
/// [`ocr_word_match`], or as [`same_person`] allows (a middle name left out, an initial).
fn find_name(words: &[(String, usize)], name: &FoldedName) -> Option<NameSpan> {
    let n = name.words.len();
    if n == 0 {
        return None;
    }
    let mut best: Option<NameSpan> = None;
    for len in [n, n + 1, n.saturating_sub(1)] {
        if len == 0 || len > words.len() {
            continue;
        }
        for window in words.windows(len) {
            let distance = if len == n {
                window
                    .iter()
                    .zip(&name.words)
                    .map(|((w, _), t)| ocr_word_match(w, t))
                    .collect::<Option<Vec<usize>>>()
                    .filter(|d| {
                        let read: Vec<&str> = window.iter().map(|(w, _)| w.as_str()).collect();
                        close_enough(&read, d, name)
                    })
                    .map(|d| d.iter().sum())
            } else {
                let read = FoldedName {
                    words: window.iter().map(|(w, _)| w.clone()).collect(),
                };
                same_person(&read, name).then_some(0)
            };
            let Some(distance) = distance else { continue };
            let span = NameSpan {
                first: window[0].1,
                end: window[len - 1].1 + 1,
                distance,
            };
            if best.is_none_or(|b| span.distance < b.distance) {
                best = Some(span);
            }
        }
    }
    best
}

/// True when the words of `line` outside `span` (and outside `others`, the other names on the
/// line: blocks side by side) leave it a signature row's line: labels and role words, party
/// letters, marks OCR read from ink (no letters, or one or two), and at most one other word
/// after the name. Running text that names the person ("Utses att justera: Johan
/// Andersson") is not a signature row.
fn only_a_name(
    words: &[(String, usize)],
    span: NameSpan,
    others: &[NameSpan],
    column: (usize, usize),
) -> bool {
    let mut other_after = 0;
    for (w, i) in words {
        if (span.first..span.end).contains(i)
            || others.iter().any(|o| (o.first..o.end).contains(i))
            || !(column.0..column.1).contains(i)
        {
            continue;
        }
        let small = w.chars().filter(|c| c.is_alphabetic()).count() <= 2;
        if small || is_role_word(w) {
            continue;
        }
        if *i < span.first {
            return false;
        }
        other_after += 1;
    }
    other_after <= 1
}

/// True when a party in parentheses follows the name `span` on `line` (`Renée Sjögren (KD)`):
/// an entry of the participant list, not a name under a signature line.
fn party_after(line: &PrintedLine, span: NameSpan) -> bool {
    line.words.get(span.end).is_some_and(|(w, _)| {
        w.strip_prefix('(')
            .and_then(|w| w.trim_end_matches([',', ';', '.']).strip_suffix(')'))
            .is_some_and(crate::minutes::is_party)
    })
}

/// The OCR words of `line` in the same column as the name `span`: the run of words around it
/// with no gap wider than [`COLUMN_GAP_HEIGHTS`] word heights. Blocks side by side are
/// columns of one line, and what OCR made of a neighbour's ink-covered name is not this
/// row's business.
fn column_of(line: &PrintedLine, span: NameSpan, word_height: u32) -> (usize, usize) {
    let end = span.end.max(span.first + 1);
    columns(line, word_height)
        .into_iter()
        .filter(|&(from, to)| from < end && span.first < to)
        .reduce(|a, b| (a.0.min(b.0), a.1.max(b.1)))
        .unwrap_or((span.first, end))
}

/// The first OCR word of a label that stands before the name on its line (`Sekreterare:
/// Annelie Ledin`).
fn label_before(words: &[(String, usize)], span: NameSpan) -> Option<usize> {
    words
        .iter()
        .find(|(w, i)| *i < span.first && is_label_word(w))
        .map(|(_, i)| *i)
}

/// Which of a page's lines hold a block label: a label word, on a line that is not a sentence
/// of prose (the BEVIS table's "Protokollet är justerat. Justeringen har tillkännagivits
/// genom anslag." names the justering without being a signature block).
fn label_lines(lines: &[PrintedLine], folded: &[Vec<(String, usize)>]) -> Vec<bool> {
    lines
        .iter()
        .zip(folded)
        .map(|(line, words)| words.iter().any(|(w, _)| is_label_word(w)) && !is_prose(&line.text))
        .collect()
}

/// Words in a sentence at the least: a label line is a label, a name and a role.
const PROSE_MIN_WORDS: usize = 5;

/// True for a sentence: [`PROSE_MIN_WORDS`] or more words ending with a full stop (a dotted
/// line to sign on ends with dots too, but is one or two "words").
fn is_prose(text: &str) -> bool {
    let text = text.trim_end();
    text.split_whitespace().count() >= PROSE_MIN_WORDS
        && text.ends_with('.')
        && !text.ends_with("..")
}

/// True when line `i` is in a signature block: it or one of the [`LABEL_WITHIN_LINES`] lines
/// above it holds a block label, or the line right under it does (labels printed under the
/// names: `Sekreterare` under `Sara Löfgren`). `labels` is [`label_lines`].
fn in_block(labels: &[bool], i: usize) -> bool {
    labels
        .get(i.saturating_sub(LABEL_WITHIN_LINES)..=(i + 1).min(labels.len().saturating_sub(1)))
        .unwrap_or_default()
        .iter()
        .any(|&l| l)
}

/// The designated signers, each with their role, in the minutes' order.
fn designated_people(minutes: &MinutesFacts) -> Vec<(SignerRole, &str, FoldedName)> {
    [
        (SignerRole::Secretary, &minutes.designated.secretary),
        (SignerRole::Chair, &minutes.designated.chair),
        (SignerRole::Adjuster, &minutes.designated.adjusters),
    ]
    .into_iter()
    .flat_map(|(role, names)| names.iter().map(move |n| (role, n.as_str(), fold(n))))
    .collect()
}

/// The pen signings on the OCRed pages of `pages`: the signature rows with ink, one per
/// person, in reading order.
pub fn pen_signings(
    pages: &[PageText],
    ocr: Option<&OcrInfo>,
    minutes: Option<&MinutesFacts>,
) -> Vec<PenSigning> {
    signature_rows(pages, ocr, minutes)
        .into_iter()
        .filter(PenRow::inked)
        .collect()
}

/// The OCRed pages of `pages` with their layouts.
fn ocr_layouts<'a>(
    pages: &'a [PageText],
    ocr: &'a OcrInfo,
) -> impl Iterator<Item = (usize, &'a PageLayout)> {
    pages
        .iter()
        .filter(|p| p.source == TextSource::Ocr)
        .filter_map(|page| {
            ocr.pages
                .iter()
                .find(|p| p.page == page.number)
                .map(|p| (page.number, &p.layout))
        })
}

/// An OCRed page's printed lines, folded once for every question the pen rules ask of them.
struct FoldedPage<'a> {
    /// 1-based page number.
    number: usize,
    layout: &'a PageLayout,
    /// Each line's folded words, with the OCR word each came from ([`folded_words`]).
    folded: Vec<Vec<(String, usize)>>,
    /// Which lines hold a block label ([`label_lines`]).
    labels: Vec<bool>,
}

/// The pen signatures of a document's scanned pages: its OCRed lines read once, then asked
/// who signed ([`PenPages::rows`]) and whether an inked row names a stranger
/// ([`PenPages::unknown`]).
pub struct PenPages<'a> {
    pages: &'a [PageText],
    folded: Vec<FoldedPage<'a>>,
}

impl<'a> PenPages<'a> {
    /// The OCRed pages of `pages` with their layouts from `ocr`.
    pub fn new(pages: &'a [PageText], ocr: Option<&'a OcrInfo>) -> Self {
        let folded = ocr
            .map(|ocr| {
                ocr_layouts(pages, ocr)
                    .map(|(number, layout)| {
                        let folded: Vec<Vec<(String, usize)>> =
                            layout.lines.iter().map(folded_words).collect();
                        let labels = label_lines(&layout.lines, &folded);
                        FoldedPage {
                            number,
                            layout,
                            folded,
                            labels,
                        }
                    })
                    .collect()
            })
            .unwrap_or_default();
        PenPages { pages, folded }
    }

    /// [`signature_rows`] of these pages.
    pub fn rows(&self, minutes: Option<&MinutesFacts>) -> Vec<PenRow> {
        minutes.map_or_else(Vec::new, |m| rows_of(&self.folded, m))
    }

    /// [`unknown_signers`] of these pages.
    pub fn unknown(&self, minutes: Option<&MinutesFacts>) -> Vec<UnknownPen> {
        minutes.map_or_else(Vec::new, |m| unknown_of(self.pages, &self.folded, m))
    }
}

/// Every signature row on the OCRed pages of `pages`, with or without ink, one per person (the
/// first inked row that names them, else the first row), in reading order.
pub fn signature_rows(
    pages: &[PageText],
    ocr: Option<&OcrInfo>,
    minutes: Option<&MinutesFacts>,
) -> Vec<PenRow> {
    PenPages::new(pages, ocr).rows(minutes)
}

fn rows_of(pages: &[FoldedPage<'_>], minutes: &MinutesFacts) -> Vec<PenRow> {
    let people = designated_people(minutes);
    let mut chosen: Vec<Option<(PenRow, Rect, bool)>> = vec![None; people.len()];
    for page in pages {
        let (number, layout, folded, labels) =
            (page.number, page.layout, &page.folded, &page.labels);
        for (i, words) in folded.iter().enumerate() {
            if !in_block(labels, i) {
                continue;
            }
            // Each of the line's names, the closest reading first, so that a tolerant match
            // never takes a name another person's exact one holds.
            let all: Vec<(usize, NameSpan)> = people
                .iter()
                .enumerate()
                .filter_map(|(p, (_, _, name))| find_name(words, name).map(|s| (p, s)))
                .collect();
            let spans: Vec<NameSpan> = all.iter().map(|(_, s)| *s).collect();
            let mut found: Vec<(usize, NameSpan)> = all
                .iter()
                .filter(|(_, s)| {
                    let column = layout
                        .lines
                        .get(i)
                        .map_or((0, usize::MAX), |l| column_of(l, *s, layout.word_height));
                    only_a_name(words, *s, &spans, column)
                })
                .copied()
                .collect();
            found.sort_by_key(|(_, s)| s.distance);
            let mut taken: Vec<NameSpan> = Vec::new();
            for (p, span) in found {
                if taken
                    .iter()
                    .any(|t| t.first < span.end && span.first < t.end)
                {
                    continue;
                }
                taken.push(span);
                let Some((role, name, _)) = people.get(p) else {
                    continue;
                };
                let role = *role;
                let Some(line) = layout.lines.get(i) else {
                    continue;
                };
                // A row with its label on the line is signed under or beside the whole row.
                let label = label_before(words, span);
                let at = span_box(line, label.unwrap_or(span.first), span.end);
                // The next name on the line (blocks side by side) ends this one's columns.
                // The next column's first real word (not a mark OCR read from the ink).
                let next_column = line
                    .words
                    .get(column_of(line, span, layout.word_height).1..)
                    .unwrap_or_default()
                    .iter()
                    .find(|(w, _)| w.chars().filter(|c| c.is_alphabetic()).count() >= 3)
                    .map(|(_, r)| r.left);
                let next_name = spans
                    .iter()
                    .filter(|o| o.first >= span.end)
                    .filter_map(|o| line.words.get(o.first).map(|(_, r)| r.left))
                    .chain(next_column)
                    .min();
                let (area, ink) = ink_box(layout, at, label.is_some(), next_name);
                let row = PenRow {
                    name: (*name).to_owned(),
                    role,
                    page: number,
                    line: i + 1,
                    area,
                    ink,
                    word_height: layout.word_height.max(1),
                };
                let entry = party_after(line, span);
                let slot = &mut chosen[p];
                // The first inked row: a secretary who also signs the notice certificate
                // (BEVIS) at the end signs the minutes in the block above it. Without ink,
                // the first row that is not an entry of the participant list (`Kjell-Åke
                // Åström (S), ordförande` reads like a row with its role), which a missing
                // signature then points at.
                let better = match slot {
                    None => true,
                    Some((old, _, old_entry)) => {
                        (row.inked() && !old.inked())
                            || (!row.inked() && !old.inked() && *old_entry && !entry)
                    }
                };
                if better {
                    *slot = Some((row, at, entry));
                }
            }
        }
    }
    for (p, slot) in chosen.iter_mut().enumerate() {
        if !slot.as_ref().is_some_and(|(r, _, _)| r.inked())
            && let Some((role, name, folded)) = people.get(p)
            && let Some(found) =
                first_name_row(pages, &people, folded).map(|found| fallback_row(name, *role, found))
        {
            *slot = Some(found);
        }
    }
    // Rows known only by their role's label come last: with two adjusters, the one whose
    // row is still open is the one a garbled `Justerande` row can stand for.
    let inked: Vec<bool> = chosen
        .iter()
        .map(|slot| slot.as_ref().is_some_and(|(r, _, _)| r.inked()))
        .collect();
    for (p, slot) in chosen.iter_mut().enumerate() {
        let open = |role: SignerRole| {
            people
                .iter()
                .zip(&inked)
                .filter(|((r, _, _), done)| *r == role && !**done)
                .count()
        };
        if !inked.get(p).copied().unwrap_or(true)
            && let Some((role, name, _)) = people.get(p)
            && open(*role) == 1
            && let Some(found) =
                role_label_row(pages, &people, *role).map(|found| fallback_row(name, *role, found))
        {
            *slot = Some(found);
        }
    }
    let mut rows: Vec<(PenRow, Rect)> = chosen
        .into_iter()
        .flatten()
        .map(|(row, at, _)| (row, at))
        .collect();
    reading_order(&mut rows);
    rows.into_iter().map(|(r, _)| r).collect()
}

/// The row a fallback found for a person (their first name, their role's label): its ink is
/// looked for above `at`, and it is no participant-list entry.
fn fallback_row(
    name: &str,
    role: SignerRole,
    (page, i, layout, at): (usize, usize, &PageLayout, Rect),
) -> (PenRow, Rect, bool) {
    let (area, ink) = ink_box(layout, at, false, None);
    let row = PenRow {
        name: name.to_owned(),
        role,
        page,
        line: i + 1,
        area,
        ink,
        word_height: layout.word_height.max(1),
    };
    (row, at, false)
}

/// Sorts rows as they are read: by page, top to bottom, and names side by side (bottoms within
/// a word height of the row's first, however skewed the scan) left to right. Bottoms, because
/// what OCR read from ink over a name reaches up, never much down.
fn reading_order(rows: &mut [(PenRow, Rect)]) {
    rows.sort_by_key(|(r, at)| (r.page, at.bottom));
    let mut start = 0;
    while start < rows.len() {
        let Some((first, at)) = rows.get(start) else {
            break;
        };
        let (page, bottom, h) = (first.page, at.bottom, first.word_height.max(1));
        let end = rows[start..]
            .iter()
            .position(|(r, a)| r.page != page || a.bottom > bottom.saturating_add(h))
            .map_or(rows.len(), |k| start + k);
        if let Some(band) = rows.get_mut(start..end) {
            band.sort_by_key(|(_, a)| a.left);
        }
        start = end.max(start + 1);
    }
}

/// Ink over a printed name garbles all of it but its start (`André SÄTE avy`, `Emma ste
/// ry`): for a designated person no row names, the first inked line of a signature block that
/// starts with their first name and names nobody else, when no other designated person has
/// that first name. Its box is the whole line's.
fn first_name_row<'a>(
    pages: &[FoldedPage<'a>],
    people: &[(SignerRole, &str, FoldedName)],
    name: &FoldedName,
) -> Option<(usize, usize, &'a PageLayout, Rect)> {
    let first = name.words.first()?;
    if name.words.len() < 2
        || people
            .iter()
            .filter(|(_, _, n)| n.words.first() == Some(first))
            .count()
            > 1
    {
        return None;
    }
    for page in pages {
        let (number, layout, folded, labels) =
            (page.number, page.layout, &page.folded, &page.labels);
        for (i, line_words) in folded.iter().enumerate() {
            let Some(line) = layout.lines.get(i) else {
                continue;
            };
            if !in_block(labels, i) {
                continue;
            }
            // Each column of the line on its own (blocks side by side).
            for (from, to) in columns(line, layout.word_height) {
                let words: Vec<(String, usize)> = line_words
                    .iter()
                    .filter(|(_, k)| (from..to).contains(k))
                    .cloned()
                    .collect();
                let starts = words.first().is_some_and(|(w, _)| w == first);
                if !starts
                    || words.len() > 4
                    || people
                        .iter()
                        .any(|(_, _, n)| find_name(&words, n).is_some())
                {
                    continue;
                }
                let at = span_box(line, from, to);
                let (_, ink) = ink_box(layout, at, false, None);
                if inked(&ink, layout.word_height.max(1)) {
                    return Some((number, i, layout, at));
                }
            }
        }
    }
    None
}

/// The role a block label names, as a folded word: `Ordförande` the chair, `Sekreterare`,
/// `Protokollförare` and `(Vid) protokollet` the secretary, `Justerare`, `Justerande` and
/// `Justeras` an adjuster; `None` for labels of no role (`Underskrifter`).
fn label_role(word: &str) -> Option<SignerRole> {
    if word.starts_with("ordforande") || word == "ordf" {
        Some(SignerRole::Chair)
    } else if word.starts_with("sekreterare") || word.starts_with("protokoll") || word == "sekr" {
        Some(SignerRole::Secretary)
    } else if word.starts_with("justera") {
        Some(SignerRole::Adjuster)
    } else {
        None
    }
}

/// Ink through a printed name can garble all of it (`coon MESA` for `Ingegärd Wikström`);
/// where the role's label is printed right under the name (`Ordförande`), the label still
/// says whose row it is. The row of words right above such a label, in its column, that
/// names no designated person, when it is the only such row of the `role` and it is inked;
/// the caller asks only for a role one person is still without a row for.
fn role_label_row<'a>(
    pages: &[FoldedPage<'a>],
    people: &[(SignerRole, &str, FoldedName)],
    role: SignerRole,
) -> Option<(usize, usize, &'a PageLayout, Rect)> {
    let mut found = None;
    let mut rows = 0;
    for page in pages {
        let (layout, folded) = (page.layout, &page.folded);
        let h = layout.word_height.max(1);
        for (i, words) in folded.iter().enumerate().skip(1) {
            // A line of labels only (`Ordförande Justerande`), not a list entry with its role.
            if words.is_empty() || !words.iter().all(|(w, _)| is_role_word(w)) {
                continue;
            }
            let (Some(line), Some(above)) = (layout.lines.get(i), layout.lines.get(i - 1)) else {
                continue;
            };
            let labels: Vec<(Option<SignerRole>, Rect)> = line
                .words
                .iter()
                .map(|(text, r)| (fold(text).words.first().and_then(|w| label_role(w)), *r))
                .collect();
            for (k, (label, at)) in labels.iter().enumerate() {
                if *label != Some(role) {
                    continue;
                }
                // The column: from a word height left of the label to the next label.
                let left = at.left.saturating_sub(h);
                let right = labels
                    .get(k + 1)
                    .map_or(u32::MAX, |(_, r)| r.left.saturating_sub(h / 2));
                let name: Vec<usize> = (0..above.words.len())
                    .filter(|&w| {
                        above
                            .words
                            .get(w)
                            .is_some_and(|(_, r)| r.right > left && r.left < right)
                    })
                    .collect();
                let (Some(&first), Some(&last)) = (name.first(), name.last()) else {
                    continue;
                };
                let at_name = span_box(above, first, last + 1);
                // Right above: no more than a word height between the name and its label.
                if at.top.saturating_sub(at_name.bottom) > h || at_name.top >= at.top {
                    continue;
                }
                let name_words: Vec<(String, usize)> = folded
                    .get(i - 1)
                    .into_iter()
                    .flatten()
                    .filter(|(_, w)| (first..=last).contains(w))
                    .cloned()
                    .collect();
                // What OCR made of an inked-over name reads like no name; a legible name
                // that is not the person's is someone else's row.
                let text: Vec<&str> = above
                    .words
                    .get(first..=last)
                    .unwrap_or_default()
                    .iter()
                    .map(|(w, _)| w.as_str())
                    .collect();
                if text_reads_like_a_name(&text.join(" "))
                    || people
                        .iter()
                        .any(|(_, _, n)| find_name(&name_words, n).is_some())
                {
                    continue;
                }
                rows += 1;
                let (_, ink) = ink_box(layout, at_name, false, None);
                if inked(&ink, h) {
                    found = Some((page.number, i - 1, layout, at_name));
                }
            }
        }
    }
    found.filter(|_| rows == 1)
}

/// The columns of `line`: runs of OCR words with no gap wider than [`COLUMN_GAP_HEIGHTS`]
/// word heights, as `(first, end)` word indices.
fn columns(line: &PrintedLine, word_height: u32) -> Vec<(usize, usize)> {
    let gap = COLUMN_GAP_HEIGHTS * word_height.max(1);
    let mut out = Vec::new();
    let mut from = 0;
    for (k, pair) in line.words.windows(2).enumerate() {
        if let [(_, a), (_, b)] = pair
            && b.left.saturating_sub(a.right) > gap
        {
            out.push((from, k + 1));
            from = k + 1;
        }
    }
    if from < line.words.len() {
        out.push((from, line.words.len()));
    }
    out
}

/// The box around the OCR words `first..end` of `line`.
fn span_box(line: &PrintedLine, first: usize, end: usize) -> Rect {
    line.words
        .get(first..end)
        .and_then(|w| w.iter().map(|(_, r)| *r).reduce(Rect::union))
        .unwrap_or(line.bbox)
}

/// Where the signature of the name printed at `at` goes, and the ink there (module docs).
/// True for a mark that is a letter of the printed name under the box, which OCR read
/// without confidence and so left unmasked (`Renée Öberg`'s `Ö`): inside the name's band,
/// no taller than a letter with its accent and no wider than a word height. Pen strokes
/// over a name reach above it or run wider.
fn printed_letter(mark: &InkMark, name: &Rect, h: u32) -> bool {
    mark.bbox.top.saturating_add(h / 4) >= name.top
        && mark.bbox.height() <= h.saturating_mul(5) / 4
        && mark.bbox.width() <= h
}

fn ink_box(
    layout: &PageLayout,
    at: Rect,
    label_on_line: bool,
    next_name: Option<u32>,
) -> (Rect, InkFound) {
    let h = layout.word_height.max(1);
    let right = at.right.saturating_add(RIGHT_HEIGHTS * h);
    let columns = Rect {
        left: at.left.saturating_sub(SIDE_HEIGHTS * h),
        right: next_name.map_or(right, |n| right.min(n.saturating_sub(h / 2).max(at.right))),
        ..at
    };
    if !label_on_line {
        let above = Rect {
            top: print_above(layout, &at, at.top).max(at.top.saturating_sub(SEARCH_HEIGHTS * h)),
            bottom: at.top.saturating_add(at.height() / 2),
            ..columns
        };
        return (
            above,
            layout.ink_in_except(&above, |m| printed_letter(m, &at, h)),
        );
    }
    let below = Rect {
        top: at.bottom,
        bottom: print_below(layout, &columns, at.bottom)
            .min(at.bottom.saturating_add(SEARCH_HEIGHTS * h)),
        ..columns
    };
    let beside = Rect {
        left: at.right,
        right: at.right.saturating_add(BESIDE_HEIGHTS * h),
        top: at.top.saturating_sub(h),
        bottom: at.bottom.saturating_add(h),
    };
    let (a, b) = (layout.ink_in(&below), layout.ink_in(&beside));
    if b.span > a.span {
        (beside, b)
    } else {
        (below, a)
    }
}

/// Inked signature rows on the OCRed pages whose printed name is nobody's in the minutes
/// (neither a designated signer nor a participant): a line in a signature block that reads
/// like a name (two to four capitalised words of letters), with a signature's ink above it.
pub fn unknown_signers(
    pages: &[PageText],
    ocr: Option<&OcrInfo>,
    minutes: Option<&MinutesFacts>,
) -> Vec<UnknownPen> {
    PenPages::new(pages, ocr).unknown(minutes)
}

fn unknown_of(
    pages: &[PageText],
    folded_pages: &[FoldedPage<'_>],
    minutes: &MinutesFacts,
) -> Vec<UnknownPen> {
    let known: Vec<FoldedName> = designated_people(minutes)
        .into_iter()
        .map(|(_, _, n)| n)
        .chain(minutes.participants.iter().map(|p| fold(&p.name)))
        .collect();
    let mut out = Vec::new();
    for page in folded_pages {
        let (number, layout, folded, labels) =
            (page.number, page.layout, &page.folded, &page.labels);
        for (i, words) in folded.iter().enumerate() {
            let Some(line) = layout.lines.get(i) else {
                continue;
            };
            if !in_block(labels, i)
                || !reads_like_a_name(line)
                || line.confidence < UNKNOWN_MIN_CONFIDENCE
            {
                continue;
            }
            if known.iter().any(|k| find_name(words, k).is_some())
                || named_elsewhere(pages, &folded_text(&line.text), number, i)
            {
                continue;
            }
            let (area, ink) = ink_box(layout, line.bbox, false, None);
            if inked(&ink, layout.word_height.max(1)) {
                out.push(UnknownPen {
                    text: line.text.clone(),
                    page: number,
                    line: i + 1,
                    area,
                });
            }
        }
    }
    out
}

/// The folded words of the name part of a row (before a comma).
fn folded_text(text: &str) -> Vec<String> {
    fold(text.split(',').next().unwrap_or("")).words
}

/// True when the words `name` stand in a row on some line of the document's text other than
/// line `line` (0-based) of page `page`: a person the minutes name (in a list of others
/// present, say) that the participant list missed, not a stranger.
fn named_elsewhere(pages: &[PageText], name: &[String], page: usize, line: usize) -> bool {
    if name.is_empty() {
        return false;
    }
    pages.iter().any(|p| {
        p.text
            .lines()
            .filter(|l| !l.trim().is_empty())
            .enumerate()
            .filter(|(i, _)| p.number != page || *i != line)
            .any(|(_, l)| fold(l).words.windows(name.len()).any(|w| w == name))
    })
}

/// Two to four words of letters (hyphens allowed), each capitalised and with a vowel, before
/// an optional role after a comma: `Kalle Anka`, `Märta Öberg, justerare`; not a scribble OCR
/// read as `Rr Rio`.
fn reads_like_a_name(line: &PrintedLine) -> bool {
    text_reads_like_a_name(&line.text)
}

/// [`reads_like_a_name`] of a line's text, or of some of its words.
fn text_reads_like_a_name(text: &str) -> bool {
    let name_part = text.split(',').next().unwrap_or("");
    let words: Vec<&str> = name_part.split_whitespace().collect();
    (2..=4).contains(&words.len())
        && words.iter().all(|w| {
            let letters = w.chars().filter(|c| c.is_alphabetic()).count();
            let folded = fold(w).words.concat();
            letters >= 2
                && folded.chars().any(|c| "aeiouy".contains(c))
                && folded.chars().any(|c| !"aeiouy".contains(c))
                && w.chars().all(|c| c.is_alphabetic() || c == '-')
                && w.chars().next().is_some_and(char::is_uppercase)
                && !is_role_word(&folded)
        })
}

/// Adds to each `role.missing_signature` finding whose person has a signature row on a scan
/// without ink where that row is and what was measured, so that the finding says why a
/// printed block did not count as signed.
pub fn cite_blank_rows(findings: &mut [crate::record::Finding], rows: &[PenRow]) {
    for f in findings
        .iter_mut()
        .filter(|f| f.code == FindingCode::RoleMissingSignature)
    {
        let Some(name) = f.evidence.get("name").and_then(|n| n.as_str()) else {
            continue;
        };
        let Some(row) = rows
            .iter()
            .find(|r| !r.inked() && same_person(&fold(&r.name), &fold(name)))
        else {
            continue;
        };
        f.message.push_str(&format!(
            " The signature row on scanned page {} (line {}) shows no ink.",
            row.page, row.line
        ));
        f.evidence.insert(
            "scan".into(),
            serde_json::json!({
                "page": row.page,
                "line": row.line,
                "box": [row.area.left, row.area.top, row.area.right, row.area.bottom],
                "ink_marks": row.ink.marks,
                "ink_span_px": row.ink.span,
                "word_height_px": row.word_height,
            }),
        );
    }
}

/// The bottom of the lowest print above row `y` in `columns` (0 when there is none): the box
/// above a name stops there, so that it does not reach into the row above.
fn print_above(layout: &PageLayout, columns: &Rect, y: u32) -> u32 {
    layout
        .print
        .iter()
        .filter(|r| r.bottom <= y && r.overlaps_columns(columns))
        .map(|r| r.bottom)
        .max()
        .unwrap_or(0)
}

/// The top of the highest print below row `y` in `columns` (`u32::MAX` when there is none).
fn print_below(layout: &PageLayout, columns: &Rect, y: u32) -> u32 {
    layout
        .print
        .iter()
        .filter(|r| r.top >= y && r.overlaps_columns(columns))
        .map(|r| r.top)
        .min()
        .unwrap_or(u32::MAX)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::minutes::Designated;
    use crate::ocr::OcrPage;
    use crate::ocr::ink::PrintedLine;

    fn minutes() -> MinutesFacts {
        MinutesFacts {
            designated: Designated {
                chair: vec!["Erik Lövgren".into()],
                secretary: vec!["Johanna Långdal Persson".into()],
                adjusters: vec!["Johan Andersson".into()],
            },
            ..MinutesFacts::default()
        }
    }

    /// Word height of the test layouts, in pixels.
    const H: u32 = 40;

    #[test]
    fn unread_letters_of_the_printed_name_are_no_signature() {
        let text = "Justeras\nJohan Andersson\n";
        // Four letters of the name, each a word height tall and half as wide, across more
        // than a signature's span.
        let letters = |l: &mut PageLayout| {
            let at = l.lines[1].bbox;
            for k in 0..4 {
                l.marks.push(InkMark {
                    bbox: Rect {
                        left: at.left + 30 * k,
                        top: at.top - 2,
                        right: at.left + 30 * k + H / 2,
                        bottom: at.top + H - 4,
                    },
                    pixels: H * 10,
                });
            }
        };
        let mut l = layout(text);
        letters(&mut l);
        assert!(signed(text, l).is_empty());
        // Near miss: a stroke through the name that reaches above it is ink.
        let mut l = layout(text);
        letters(&mut l);
        let at = l.lines[1].bbox;
        l.marks.push(InkMark {
            bbox: Rect {
                left: at.left,
                top: at.top - H,
                right: at.left + 3 * H,
                bottom: at.top + H / 2,
            },
            pixels: H * 20,
        });
        assert_eq!(names(text, l), ["Johan Andersson"]);
    }

    #[test]
    fn a_sentence_that_names_the_justering_is_no_block_label() {
        assert!(is_prose(
            "Protokollet är justerat. Justeringen har tillkännagivits genom anslag."
        ));
        // Near misses: labels, a label with its dotted line, a name with its role.
        assert!(!is_prose("Vid protokollet"));
        assert!(!is_prose("Justeras ..........................."));
        assert!(!is_prose("Berit Ångman, ordförande"));
        assert!(!is_prose(
            "Sekreterare ...... Ordförande ...... Justerare ......"
        ));
    }

    #[test]
    fn a_missing_signature_points_at_the_block_not_the_participant_list() {
        // Nobody signed: Erik Lövgren's row is the block's (line 7), not his entry in the
        // participant list (line 2), which names him with his role too.
        let rows = signature_rows(&[page(BLOCK)], Some(&ocr(layout(BLOCK))), Some(&minutes()));
        let erik = rows
            .iter()
            .find(|r| r.name == "Erik Lövgren")
            .expect("a row");
        assert_eq!(erik.line, 7);
        assert!(!erik.inked());
    }

    /// Label-below blocks: each of `rows` is a name (as OCR read it) with its label right
    /// under it, and ink over the name when its flag is set.
    fn label_below_rows(rows: &[(&str, &str, bool)]) -> (String, PageLayout) {
        let mut text = "Protokollet justerades\n".to_owned();
        for (name, label, _) in rows {
            text.push_str(&format!("{name}\n{label}\n"));
        }
        let mut l = layout(&text);
        for (k, (_, _, ink)) in rows.iter().enumerate() {
            let (name, label) = (1 + 2 * k, 2 + 2 * k);
            // The label right under the name: a quarter of a word height between them.
            let top = l.lines[name].bbox.bottom + H / 4;
            let shift = l.lines[label].bbox.top - top;
            l.lines[label].bbox.top -= shift;
            l.lines[label].bbox.bottom -= shift;
            for (_, r) in &mut l.lines[label].words {
                r.top -= shift;
                r.bottom -= shift;
            }
            if *ink {
                ink_above(&mut l, name, 200);
            }
        }
        l.print = l.lines.iter().map(|l| l.bbox).collect();
        (text, l)
    }

    fn label_below(name: &str, ink: bool) -> (String, PageLayout) {
        label_below_rows(&[(name, "Ordförande", ink)])
    }

    #[test]
    fn a_garbled_row_over_an_adjusters_label_is_the_adjuster_still_without_one() {
        let mut m = minutes();
        m.designated.adjusters.push("Lena Berg".into());
        let signed = |rows: &[(&str, &str, bool)]| {
            let (text, l) = label_below_rows(rows);
            pen_signings(&[page(&text)], Some(&ocr(l)), Some(&m))
                .into_iter()
                .map(|s| s.name)
                .collect::<Vec<_>>()
        };
        let names = signed(&[
            ("Lena Berg", "Justerande", true),
            ("coon MESA", "Justerande", true),
        ]);
        assert_eq!(names, ["Lena Berg", "Johan Andersson"]);
        // Near miss: both adjusters' names garbled; the labels cannot tell which is whose.
        let names = signed(&[
            ("ava viet", "Justerande", true),
            ("coon MESA", "Justerande", true),
        ]);
        assert!(names.is_empty(), "{names:?}");
    }

    #[test]
    fn ink_over_a_garbled_name_is_the_role_of_the_label_under_it() {
        let (text, l) = label_below("coon MESA", true);
        assert!(signed(&text, l).contains(&("Erik Lövgren".to_owned(), SignerRole::Chair)));
        // Near misses: no ink; a legible name that is someone else's.
        let (text, l) = label_below("coon MESA", false);
        assert!(signed(&text, l).is_empty());
        let (text, l) = label_below("Hanna Berg", true);
        assert!(signed(&text, l).is_empty());
    }

    #[test]
    fn a_party_after_the_name_marks_a_participant_entry() {
        let l = layout(
            "Erik Lövgren (S), ordförande\nErik Lövgren, ordförande\nErik Lövgren (ordförande)",
        );
        let span = NameSpan {
            first: 0,
            end: 2,
            distance: 0,
        };
        assert!(party_after(&l.lines[0], span));
        // Near misses: a role after a comma, a role in parentheses.
        assert!(!party_after(&l.lines[1], span));
        assert!(!party_after(&l.lines[2], span));
    }

    /// A page whose lines are `text`'s, one every 3 word heights, each as wide as its
    /// characters (20 px each) and all of it print.
    fn layout(text: &str) -> PageLayout {
        let lines: Vec<PrintedLine> = text
            .lines()
            .filter(|l| !l.is_empty())
            .enumerate()
            .map(|(i, l)| {
                let top = 100 + 3 * H * i as u32;
                let mut words = Vec::new();
                let mut left = 100;
                for w in l.split(' ') {
                    let right = left + 20 * w.chars().count() as u32;
                    if !w.is_empty() {
                        let bottom = top + H;
                        words.push((
                            w.to_owned(),
                            Rect {
                                left,
                                top,
                                right,
                                bottom,
                            },
                        ));
                    }
                    left = right + 20;
                }
                PrintedLine {
                    text: l.into(),
                    bbox: Rect {
                        left: 100,
                        top,
                        right: 100 + 20 * l.chars().count() as u32,
                        bottom: top + H,
                    },
                    words,
                    confidence: 96.0,
                }
            })
            .collect();
        PageLayout {
            print: lines.iter().map(|l| l.bbox).collect(),
            lines,
            marks: Vec::new(),
            word_height: H,
        }
    }

    /// Ink `width` px wide, centred a word height above line `i` (0-based) of `l`.
    fn ink_above(l: &mut PageLayout, i: usize, width: u32) {
        let at = l.lines[i].bbox;
        l.marks.push(InkMark {
            bbox: Rect {
                left: at.left + 10,
                top: at.top - 2 * H,
                right: at.left + 10 + width,
                bottom: at.top - 10,
            },
            pixels: width * 6,
        });
    }

    fn ocr(layout: PageLayout) -> OcrInfo {
        OcrInfo {
            engine: "t".into(),
            version: None,
            languages: vec![],
            pages: vec![OcrPage {
                page: 1,
                words: 10,
                confidence: Some(90.0),
                ink_marks: 0,
                error: None,
                deskewed_degrees: None,
                layout,
            }],
        }
    }

    fn page(text: &str) -> PageText {
        PageText {
            number: 1,
            text: text.into(),
            has_text_layer: false,
            image_coverage: 1.0,
            source: TextSource::Ocr,
            ocr_confidence: Some(90.0),
            warnings: Vec::new(),
        }
    }

    /// A form-like block: label, (ink), name; the adjuster's label is "Justerande".
    const BLOCK: &str = "Utses att justera: Johan Andersson\nErik Lövgren (S), Ånge, ordförande\nUnderskrifter\nSekreterare\nJohanna Langdal Persson\nOrdforande\nErik Lovgren\nJusterande\n\nJohan Andersson\n";

    fn signed(text: &str, l: PageLayout) -> Vec<(String, SignerRole)> {
        pen_signings(&[page(text)], Some(&ocr(l)), Some(&minutes()))
            .into_iter()
            .map(|s| (s.name, s.role))
            .collect()
    }

    #[test]
    fn the_signature_block_names_the_pen_signers_with_ink_in_its_order() {
        let mut l = layout(BLOCK);
        for name_line in [4, 6, 8] {
            ink_above(&mut l, name_line, 200);
        }
        assert_eq!(
            signed(BLOCK, l),
            [
                ("Johanna Långdal Persson".into(), SignerRole::Secretary),
                ("Erik Lövgren".into(), SignerRole::Chair),
                ("Johan Andersson".into(), SignerRole::Adjuster)
            ]
        );
    }

    #[test]
    fn a_printed_block_without_ink_is_no_signing_and_a_speck_is_not_ink() {
        let mut l = layout(BLOCK);
        // The chair signed; over the adjuster's name there is a speck one word height wide.
        ink_above(&mut l, 6, 200);
        ink_above(&mut l, 8, H);
        assert_eq!(
            signed(BLOCK, l.clone()),
            [("Erik Lövgren".into(), SignerRole::Chair)]
        );
        let rows = signature_rows(&[page(BLOCK)], Some(&ocr(l)), Some(&minutes()));
        assert_eq!(rows.len(), 3, "every row is found, signed or not");
        assert_eq!(rows[2].ink.marks, 1);
        assert!(!rows[2].inked());
    }

    #[test]
    fn ink_over_the_row_above_does_not_sign_the_row_below() {
        // Label and name on one line, the signature on the line below it (000-scanned's
        // layout): the secretary's ink is *above* the chair's line, and signs only for her.
        let text = "Sekreterare: Johanna Långdal Persson\nOrdförande: Erik Lövgren\nJusterande: Johan Andersson\n§ 28\n";
        let mut l = layout(text);
        ink_above(&mut l, 1, 300);
        assert_eq!(
            signed(text, l),
            [("Johanna Långdal Persson".into(), SignerRole::Secretary)]
        );
    }

    #[test]
    fn ink_beside_a_one_line_row_signs_it() {
        let text = "Sekreterare: Johanna Långdal Persson\n";
        let mut l = layout(text);
        let at = l.lines[0].bbox;
        l.marks.push(InkMark {
            bbox: Rect {
                left: at.right + 40,
                top: at.top - 20,
                right: at.right + 300,
                bottom: at.bottom + 10,
            },
            pixels: 900,
        });
        assert_eq!(signed(text, l).len(), 1);
    }

    #[test]
    fn a_row_whose_label_ocr_lost_still_continues_the_block() {
        let text = "Sekreterare\nJohanna Långdal Persson\nOrdförande oo Un.\nErik Lövgren\nJohan Andersson\nBEVIS\n";
        let mut l = layout(text);
        for name_line in [1, 3, 4] {
            ink_above(&mut l, name_line, 200);
        }
        let got = signed(text, l);
        assert_eq!(got.len(), 3, "{got:?}");
        assert_eq!(got[2].1, SignerRole::Adjuster);
    }

    #[test]
    fn a_page_that_was_not_ocred_has_no_pen_signings() {
        let mut p = page(BLOCK);
        p.number = 2;
        let mut l = layout(BLOCK);
        ink_above(&mut l, 4, 200);
        assert!(pen_signings(&[p], Some(&ocr(l)), Some(&minutes())).is_empty());
    }

    #[test]
    fn a_text_layer_block_is_not_a_pen_signature() {
        let mut p = page(BLOCK);
        p.source = TextSource::TextLayer;
        let mut l = layout(BLOCK);
        ink_above(&mut l, 4, 200);
        assert!(pen_signings(&[p], Some(&ocr(l)), Some(&minutes())).is_empty());
    }

    /// Ink `width` px wide a word height above word `w` (0-based) of line `i`.
    fn ink_above_word(l: &mut PageLayout, i: usize, w: usize, width: u32) {
        let at = l.lines[i].words[w].1;
        l.marks.push(InkMark {
            bbox: Rect {
                left: at.left,
                top: at.top - 2 * H,
                right: at.left + width,
                bottom: at.top - 10,
            },
            pixels: width * 6,
        });
    }

    fn names(text: &str, l: PageLayout) -> Vec<String> {
        signed(text, l).into_iter().map(|(n, _)| n).collect()
    }

    #[test]
    fn the_common_layout_vid_protokollet_and_justeras_finds_every_inked_name() {
        // Labels that name no role; the role is the one the minutes designate.
        let text = "Vid protokollet\n\nJohanna Långdal Persson\nJusteras\n\nErik Lövgren, ordförande\n\nJohan Andersson, justerare\n";
        let mut l = layout(text);
        for name_line in [1, 3, 4] {
            ink_above(&mut l, name_line, 200);
        }
        assert_eq!(
            signed(text, l.clone()),
            [
                ("Johanna Långdal Persson".into(), SignerRole::Secretary),
                ("Erik Lövgren".into(), SignerRole::Chair),
                ("Johan Andersson".into(), SignerRole::Adjuster)
            ]
        );
        // Near miss: the chair's ink is missing, and only the chair is unsigned.
        l.marks.remove(1);
        assert_eq!(
            names(text, l),
            ["Johanna Långdal Persson", "Johan Andersson"]
        );
    }

    #[test]
    fn names_side_by_side_are_each_signed_above_their_own_place() {
        let text = "Ordförande Justerare\nErik Lövgren Johan Andersson\n";
        let mut l = layout(text);
        // Ink above "Johan" (word 2) only.
        ink_above_word(&mut l, 1, 2, 200);
        assert_eq!(names(text, l.clone()), ["Johan Andersson"]);
        ink_above_word(&mut l, 1, 0, 200);
        assert_eq!(names(text, l), ["Erik Lövgren", "Johan Andersson"]);
    }

    #[test]
    fn ocr_confusions_and_a_stray_word_still_name_the_person() {
        let text = "Justeras\nJohan Anderss0n fs\nErik Lovgren, ordforande Qu\n";
        let mut l = layout(text);
        ink_above(&mut l, 1, 200);
        ink_above(&mut l, 2, 200);
        assert_eq!(names(text, l), ["Johan Andersson", "Erik Lövgren"]);
    }

    #[test]
    fn ocr_word_matching_tolerates_a_misread_letter_but_not_another_name() {
        assert_eq!(ocr_word_match("andersson", "andersson"), Some(0));
        assert_eq!(ocr_word_match("anderss0n", "andersson"), Some(1));
        assert_eq!(ocr_word_match("lindstrem", "lindstrom"), Some(2));
        assert_eq!(ocr_word_match("lovgrem", "lovgren"), Some(2));
        // Short names must agree: Åsa is not Åke, Per is not Pär folded to "par".
        assert_eq!(ocr_word_match("ake", "asa"), None);
        assert_eq!(ocr_word_match("per", "par"), None);
        let line = |t: &str| -> Vec<(String, usize)> {
            fold(t)
                .words
                .into_iter()
                .enumerate()
                .map(|(i, w)| (w, i))
                .collect()
        };
        // Ink through a surname: two edits, the first name exact.
        assert!(find_name(&line("Kjell-Ake Asffom"), &fold("Kjell-Åke Åström")).is_some());
        // Near misses: another surname with the same first name, two misread words.
        assert!(find_name(&line("Anna Larsson"), &fold("Anna Karlsson")).is_none());
        assert!(find_name(&line("Kjetil-Ake Asffom"), &fold("Kjell-Åke Åström")).is_none());
    }

    #[test]
    fn running_text_that_names_a_signer_is_no_signature_row() {
        let text = "Utses att justera: Johan Andersson\n";
        let mut l = layout(text);
        ink_above(&mut l, 0, 300);
        assert!(signed(text, l).is_empty());
        // Near miss: the same name alone under the block label is a row.
        let text = "Justeras\nJohan Andersson\n";
        let mut l = layout(text);
        ink_above(&mut l, 1, 300);
        assert_eq!(names(text, l), ["Johan Andersson"]);
    }

    #[test]
    fn an_inked_row_that_names_nobody_is_reported_not_made_a_person() {
        let text = "Justeras\nKalle Anka, justerare\n";
        let mut l = layout(text);
        ink_above(&mut l, 1, 300);
        let unknown = unknown_signers(&[page(text)], Some(&ocr(l.clone())), Some(&minutes()));
        assert_eq!(unknown.len(), 1, "{unknown:?}");
        assert_eq!(unknown[0].text, "Kalle Anka, justerare");
        assert!(signed(text, l).is_empty());
        // Near misses: no ink, or a name the minutes designate.
        let bare = layout(text);
        assert!(unknown_signers(&[page(text)], Some(&ocr(bare)), Some(&minutes())).is_empty());
        let text = "Justeras\nJohan Andersson, justerare\n";
        let mut l = layout(text);
        ink_above(&mut l, 1, 300);
        assert!(unknown_signers(&[page(text)], Some(&ocr(l)), Some(&minutes())).is_empty());
        // ...or a "name" OCR read without confidence: a signature read as letters.
        let text = "Justeras\nRo Rabin\n";
        let mut l = layout(text);
        ink_above(&mut l, 1, 300);
        if let Some(line) = l.lines.get_mut(1) {
            line.confidence = 40.0;
        }
        assert!(unknown_signers(&[page(text)], Some(&ocr(l)), Some(&minutes())).is_empty());
    }

    #[test]
    fn ink_that_garbled_a_name_but_its_first_name_still_signs_for_that_person() {
        let text = "Sekreterare\nJohanna Långdal Persson\nOrdförande\nErik SÄTE avy\n";
        let mut l = layout(text);
        ink_above(&mut l, 1, 200);
        ink_above(&mut l, 3, 200);
        assert_eq!(names(text, l), ["Johanna Långdal Persson", "Erik Lövgren"]);
        // Near miss: without ink the garbled line is no row; a first name nobody designated
        // is no one's.
        let bare = layout(text);
        assert_eq!(names(text, bare), Vec::<String>::new());
        let text = "Ordförande\nOlle SÄTE avy\n";
        let mut l = layout(text);
        ink_above(&mut l, 1, 200);
        assert!(signed(text, l).is_empty());
    }

    #[test]
    fn names_side_by_side_on_a_skewed_scan_read_left_to_right() {
        let row = |left: u32, top: u32| {
            let at = Rect {
                left,
                top,
                right: left + 300,
                bottom: top + H,
            };
            let r = PenRow {
                name: format!("{left}"),
                role: SignerRole::Adjuster,
                page: 1,
                line: 1,
                area: at,
                ink: InkFound::default(),
                word_height: H,
            };
            (r, at)
        };
        // Three names on one row of a scan skewed upwards to the right, then one below.
        let mut rows = vec![row(900, 170), row(100, 200), row(500, 185), row(100, 400)];
        reading_order(&mut rows);
        let order: Vec<&str> = rows.iter().map(|(r, _)| r.name.as_str()).collect();
        assert_eq!(order, ["100", "500", "900", "100"]);
        assert_eq!(rows[3].1.top, 400);
        // A row whose box OCR stretched upwards with ink still reads in its place.
        let mut tall = row(500, 185);
        tall.1.top = 60;
        let mut rows = vec![row(900, 170), row(100, 200), tall];
        reading_order(&mut rows);
        let order: Vec<&str> = rows.iter().map(|(r, _)| r.name.as_str()).collect();
        assert_eq!(order, ["100", "500", "900"]);
    }

    #[test]
    fn names_above_their_labels_are_signature_rows() {
        let text =
            "§ 4 Avslutning\n\nJohanna Långdal Persson Erik Lövgren\nSekreterare Ordförande\n";
        let mut l = layout(text);
        ink_above_word(&mut l, 1, 3, 200);
        assert_eq!(names(text, l), ["Erik Lövgren"]);
    }
}
