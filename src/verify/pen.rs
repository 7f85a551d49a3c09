//! Pen signatures on scanned pages: the printed names under or beside the signature lines of
//! an OCRed page name who signed by hand (issue 6), when there is ink where the signature
//! goes. Ink cannot be checked, only seen, so each is a signing without a time that
//! `signature.unverifiable` reports; a row without ink is no signing, and the verdict then
//! says the role is missing its signature (`role.missing_signature`).
//!
//! A signature row starts with its role label (`Sekreterare`, `Ordförande`, `Justerare`,
//! `Justerande`) and has the printed name on the same line or within the next few lines; the
//! name must be one the minutes designate for that role. Where the ink must be follows from
//! the row's layout:
//! - name on a line below its label (a table cell, a form: label, ink, name): in the box
//!   above the name, up to [`SEARCH_HEIGHTS`] word heights or the print above;
//! - name on the label's line (`Sekreterare: Annelie Ledin`, then a line to sign on): in the
//!   box below the line, down to the next print, or beside it on the right.
//!
//! The box holds ink when its marks ([`crate::ocr::ink`]) cover at least
//! [`MIN_SIGNATURE_SPAN`] word heights across. Rows are taken in the order the block gives
//! them, which is the signing order the scan shows (there are no times to order by).

use crate::minutes::MinutesFacts;
use crate::ocr::OcrInfo;
use crate::ocr::ink::{InkFound, PageLayout, Rect};
use crate::pdf::text::{PageText, TextSource};
use crate::record::FindingCode;
use crate::record::SignerRole;
use crate::verify::identity::{fold, same_person};

/// Lines after a role label that may still hold the printed name (a line for the ink that
/// OCR read as words, the name).
const NAME_WITHIN_LINES: usize = 3;
/// How far from the printed name the signature box reaches, in word heights (a signature is
/// one to three lines of print tall).
pub const SEARCH_HEIGHTS: u32 = 4;
/// How far right of a one-line row the box beside it reaches, in word heights.
const BESIDE_HEIGHTS: u32 = 15;
/// Ink across at least this many word heights is a signature (initials are about two);
/// a speck, a stray letter or a stamp's edge is less.
pub const MIN_SIGNATURE_SPAN: f64 = 1.5;

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
        f64::from(self.ink.span) >= MIN_SIGNATURE_SPAN * f64::from(self.word_height)
    }
}

/// A pen signing: a signature row with ink.
pub type PenSigning = PenRow;

/// The role a signature row's label stands for; OCR-tolerant (diacritics folded, so
/// `Ordforande` reads as `Ordförande`).
fn label_role(line: &str) -> Option<SignerRole> {
    let words = fold(line).words;
    let first = words.first()?;
    match first.as_str() {
        "sekreterare" | "sekr" => Some(SignerRole::Secretary),
        "ordforande" | "ordf" => Some(SignerRole::Chair),
        w if w.starts_with("justera") => Some(SignerRole::Adjuster),
        _ => None,
    }
}

fn designated(minutes: &MinutesFacts, role: SignerRole) -> &[String] {
    match role {
        SignerRole::Secretary => &minutes.designated.secretary,
        SignerRole::Chair => &minutes.designated.chair,
        SignerRole::Adjuster => &minutes.designated.adjusters,
        SignerRole::Other => &[],
    }
}

/// True when `line` holds `name` (all its folded words in a row, or first and last word as
/// [`same_person`] allows).
fn line_names(line: &str, name: &str) -> bool {
    let words = fold(line).words;
    let target = fold(name);
    let n = target.words.len();
    (n..=n + 1).any(|len| {
        len <= words.len()
            && words.windows(len).any(|w| {
                same_person(
                    &crate::verify::identity::FoldedName { words: w.to_vec() },
                    &target,
                )
            })
    })
}

/// The pen signings on the OCRed pages of `pages`: the signature rows with ink, one per
/// person, in block order.
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

/// Every signature row on the OCRed pages of `pages`, with or without ink, one per person
/// (the first row that names them), in block order.
pub fn signature_rows(
    pages: &[PageText],
    ocr: Option<&OcrInfo>,
    minutes: Option<&MinutesFacts>,
) -> Vec<PenRow> {
    let (Some(ocr), Some(minutes)) = (ocr, minutes) else {
        return Vec::new();
    };
    let mut out: Vec<PenRow> = Vec::new();
    for page in pages.iter().filter(|p| p.source == TextSource::Ocr) {
        let Some(layout) = ocr
            .pages
            .iter()
            .find(|p| p.page == page.number)
            .map(|p| &p.layout)
        else {
            continue;
        };
        let lines: Vec<&str> = layout.lines.iter().map(|l| l.text.as_str()).collect();
        for (i, line) in lines.iter().enumerate() {
            let Some(role) = label_role(line) else {
                continue;
            };
            for name in designated(minutes, role) {
                if out.iter().any(|s| same_person(&fold(&s.name), &fold(name))) {
                    continue;
                }
                let found = lines
                    .iter()
                    .enumerate()
                    .skip(i)
                    .take(NAME_WITHIN_LINES + 1)
                    .find(|(_, l)| line_names(l, name));
                if let Some((j, _)) = found {
                    out.push(row(layout, page.number, name, role, i, j));
                    // OCR can lose a row's label under the ink (004-scanned: "Justerare"
                    // vanished): a designated name right after a signature row continues the
                    // block, in the role the minutes designate it for.
                    continue_block(layout, &lines, j, page.number, minutes, &mut out);
                }
            }
        }
    }
    out
}

/// The signature row of `name` whose label is on line `label` and printed name on line
/// `name_line` (0-based), with the ink where its layout puts the signature.
fn row(
    layout: &PageLayout,
    page: usize,
    name: &str,
    role: SignerRole,
    label: usize,
    name_line: usize,
) -> PenRow {
    let h = layout.word_height.max(1);
    let at = layout
        .lines
        .get(name_line)
        .map(|l| l.bbox)
        .unwrap_or_default();
    let columns = Rect {
        left: at.left.saturating_sub(h),
        right: at.right.saturating_add(h),
        ..at
    };
    let (area, ink) = if name_line > label {
        let above = Rect {
            top: print_above(layout, &columns, at.top)
                .max(at.top.saturating_sub(SEARCH_HEIGHTS * h)),
            bottom: at.top,
            ..columns
        };
        (above, layout.ink_in(&above))
    } else {
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
    };
    PenRow {
        name: name.to_owned(),
        role,
        page,
        line: name_line + 1,
        area,
        ink,
        word_height: h,
    }
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

/// Adds the designated people named on the lines right after line `j` (0-based) of a
/// signature block, until a line names nobody.
fn continue_block(
    layout: &PageLayout,
    lines: &[&str],
    j: usize,
    page: usize,
    minutes: &MinutesFacts,
    out: &mut Vec<PenRow>,
) {
    for (k, line) in lines.iter().enumerate().skip(j + 1).take(NAME_WITHIN_LINES) {
        if label_role(line).is_some() {
            return;
        }
        let next = [
            SignerRole::Secretary,
            SignerRole::Chair,
            SignerRole::Adjuster,
        ]
        .into_iter()
        .flat_map(|r| designated(minutes, r).iter().map(move |n| (r, n)))
        .find(|(_, n)| {
            line_names(line, n) && !out.iter().any(|s| same_person(&fold(&s.name), &fold(n)))
        });
        match next {
            // The lost label stood above the name, so the ink is above it too.
            Some((role, name)) => out.push(row(layout, page, name, role, j, k)),
            None => return,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::minutes::Designated;
    use crate::ocr::OcrPage;
    use crate::ocr::ink::{InkMark, PrintedLine};

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

    /// A page whose lines are `text`'s, one every 3 word heights, each as wide as its
    /// characters (20 px each) and all of it print.
    fn layout(text: &str) -> PageLayout {
        let lines: Vec<PrintedLine> = text
            .lines()
            .filter(|l| !l.is_empty())
            .enumerate()
            .map(|(i, l)| PrintedLine {
                text: l.into(),
                bbox: Rect {
                    left: 100,
                    top: 100 + 3 * H * i as u32,
                    right: 100 + 20 * l.chars().count() as u32,
                    bottom: 100 + 3 * H * i as u32 + H,
                },
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
}
