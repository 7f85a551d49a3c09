//! Pen signatures on scanned pages: the printed names under the signature lines of an OCRed
//! page name who signed by hand (issue 6). Ink cannot be checked, only read, so each is a
//! signing without a time that `signature.unverifiable` reports.
//!
//! A signature row starts with its role label (`Sekreterare`, `Ordförande`, `Justerare`,
//! `Justerande`) and has the printed name on the same line or within the next few lines; the
//! name must be one the minutes designate for that role. A page counts only when OCR saw ink
//! on it ([`crate::ocr::OcrPage::ink_marks`]), so a scan of unsigned minutes makes no
//! signings. Rows are taken in the order the block gives them, which is the signing order the
//! scan shows (there are no times to order by).

use crate::minutes::MinutesFacts;
use crate::ocr::OcrInfo;
use crate::pdf::text::{PageText, TextSource};
use crate::record::SignerRole;
use crate::verify::identity::{fold, same_person};

/// Lines after a role label that may still hold the printed name (a line for the ink, the
/// name, a blank line that OCR keeps).
const NAME_WITHIN_LINES: usize = 3;

/// One pen signing read from a scan.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PenSigning {
    /// The designated person, as the minutes write the name.
    pub name: String,
    /// The role the row signs in.
    pub role: SignerRole,
    /// 1-based page.
    pub page: usize,
    /// 1-based line of the printed name.
    pub line: usize,
}

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

/// The pen signings on the OCRed pages of `pages` that show ink, one per person, in block
/// order.
pub fn pen_signings(
    pages: &[PageText],
    ocr: Option<&OcrInfo>,
    minutes: Option<&MinutesFacts>,
) -> Vec<PenSigning> {
    let (Some(ocr), Some(minutes)) = (ocr, minutes) else {
        return Vec::new();
    };
    // Tesseract's ink detection (`ink_marks`) depends on its page segmentation, which with
    // mode 6 leaves most signatures out of the words altogether; a scanned page with a
    // signature block is taken as signed. Limitation (README): an unsigned scan of a page
    // with a printed signature block reads as pen-signed, so a person still looks at the
    // ink (`signature.unverifiable` is a warning).
    let inked = |n: usize| ocr.pages.iter().any(|p| p.page == n);
    let mut out: Vec<PenSigning> = Vec::new();
    for page in pages
        .iter()
        .filter(|p| p.source == TextSource::Ocr && inked(p.number))
    {
        let lines: Vec<&str> = page.text.lines().collect();
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
                    out.push(PenSigning {
                        name: name.clone(),
                        role,
                        page: page.number,
                        line: j + 1,
                    });
                    // OCR can lose a row's label under the ink (004-scanned: "Justerare"
                    // vanished): a designated name right after a signature row continues the
                    // block, in the role the minutes designate it for.
                    continue_block(&lines, j, page.number, minutes, &mut out);
                }
            }
        }
    }
    out
}

/// Adds the designated people named on the lines right after line `j` (0-based) of a
/// signature block, until a line names nobody.
fn continue_block(
    lines: &[&str],
    j: usize,
    page: usize,
    minutes: &MinutesFacts,
    out: &mut Vec<PenSigning>,
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
            Some((role, name)) => out.push(PenSigning {
                name: name.clone(),
                role,
                page,
                line: k + 1,
            }),
            None => return,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::minutes::Designated;
    use crate::ocr::OcrPage;

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

    fn ocr(ink_marks: usize) -> OcrInfo {
        OcrInfo {
            engine: "t".into(),
            version: None,
            languages: vec![],
            pages: vec![OcrPage {
                page: 1,
                words: 10,
                confidence: Some(90.0),
                ink_marks,
                error: None,
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
        }
    }

    const BLOCK: &str = "Utses att justera: Johan Andersson\nErik Lövgren (S), Ånge, ordförande\nUnderskrifter\nSekreterare\nJohanna Langdal Persson\nOrdforande: Erik Lovgren\nJusterande\n\nJohan Andersson\n";

    #[test]
    fn the_signature_block_names_the_pen_signers_in_its_order() {
        let got = pen_signings(&[page(BLOCK)], Some(&ocr(3)), Some(&minutes()));
        let names: Vec<(&str, SignerRole)> =
            got.iter().map(|s| (s.name.as_str(), s.role)).collect();
        assert_eq!(
            names,
            [
                ("Johanna Långdal Persson", SignerRole::Secretary),
                ("Erik Lövgren", SignerRole::Chair),
                ("Johan Andersson", SignerRole::Adjuster)
            ]
        );
    }

    #[test]
    fn a_row_whose_label_ocr_lost_still_continues_the_block() {
        let text = "Sekreterare\nJohanna Långdal Persson\nOrdförande oo Un.\nErik Lövgren\nJohan Andersson\nBEVIS\n";
        let got = pen_signings(&[page(text)], Some(&ocr(0)), Some(&minutes()));
        assert_eq!(got.len(), 3, "{got:?}");
        assert_eq!(got[2].role, SignerRole::Adjuster);
    }

    #[test]
    fn a_page_that_was_not_ocred_has_no_pen_signings() {
        let mut p = page(BLOCK);
        p.number = 2;
        assert!(pen_signings(&[p], Some(&ocr(0)), Some(&minutes())).is_empty());
    }

    #[test]
    fn a_text_layer_block_is_not_a_pen_signature() {
        let mut p = page(BLOCK);
        p.source = TextSource::TextLayer;
        assert!(pen_signings(&[p], Some(&ocr(3)), Some(&minutes())).is_empty());
    }
}
