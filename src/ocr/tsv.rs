//! Tesseract's TSV output (`tesseract … tsv`): one row per page, block, paragraph, line and
//! word, with the word's confidence. From it come the page text, with a line break per
//! recognised line and a blank line between blocks, and the mean word confidence.
//!
//! The columns are `level page_num block_num par_num line_num word_num left top width height
//! conf text`; level 5 rows are words. Confidence is 0–100, and -1 on rows that are not words.

use thiserror::Error;

/// The TSV's header, as tesseract 4 and 5 write it.
const HEADER_FIRST: &str = "level";
/// Columns per row.
const COLUMNS: usize = 12;
/// The level of word rows.
const WORD_LEVEL: u32 = 5;

/// One recognised word.
#[derive(Debug, Clone, PartialEq)]
pub struct Word {
    /// Block, paragraph and line numbers: words with the same three share a line.
    pub line: (u32, u32, u32),
    /// Left, top, width, height in image pixels.
    pub bbox: (u32, u32, u32, u32),
    /// 0–100.
    pub confidence: f64,
    /// The word.
    pub text: String,
}

/// A TSV that is not tesseract's.
#[derive(Debug, Clone, Error, PartialEq)]
#[non_exhaustive]
pub enum TsvError {
    /// A row has the wrong number of columns or a column does not parse.
    #[error("tesseract TSV row {row}: {what}")]
    Row {
        /// 1-based row (the header is row 1).
        row: usize,
        /// What was wrong.
        what: String,
    },
}

/// The words of a TSV, in tesseract's reading order; empty words are dropped.
pub fn parse(tsv: &str) -> Result<Vec<Word>, TsvError> {
    let mut words = Vec::new();
    for (i, row) in tsv.lines().enumerate() {
        let number = i + 1;
        if row.is_empty() || (i == 0 && row.starts_with(HEADER_FIRST)) {
            continue;
        }
        // The text column is last and may itself contain no tab, so splitn keeps it whole.
        let cols: Vec<&str> = row.splitn(COLUMNS, '\t').collect();
        if cols.len() < COLUMNS - 1 {
            return Err(TsvError::Row {
                row: number,
                what: format!("{} columns, expected {COLUMNS}", cols.len()),
            });
        }
        let num = |k: usize| -> Result<u32, TsvError> {
            cols.get(k)
                .and_then(|c| c.trim().parse::<u32>().ok())
                .ok_or_else(|| TsvError::Row {
                    row: number,
                    what: format!("column {} is not a number", k + 1),
                })
        };
        if num(0)? != WORD_LEVEL {
            continue;
        }
        let text = cols.get(11).map_or("", |t| t.trim());
        if text.is_empty() {
            continue;
        }
        let confidence = cols
            .get(10)
            .and_then(|c| c.trim().parse::<f64>().ok())
            .filter(|c| c.is_finite())
            .ok_or_else(|| TsvError::Row {
                row: number,
                what: "column 11 (conf) is not a number".into(),
            })?;
        words.push(Word {
            line: (num(2)?, num(3)?, num(4)?),
            bbox: (num(6)?, num(7)?, num(8)?, num(9)?),
            confidence: confidence.clamp(0.0, 100.0),
            text: text.to_owned(),
        });
    }
    Ok(words)
}

/// Below this mean confidence a line may be handwriting rather than print.
const INK_MAX_CONFIDENCE: f64 = 65.0;
/// ...and it is, when its smallest word is this many times the page's median word height:
/// a pen signature is tall, loose strokes that tesseract reads as a few low-confidence
/// "words" ("Bey Chom,"), while printed text, even badly recognised, keeps the type's height.
const INK_MIN_HEIGHT_RATIO: f64 = 2.0;

/// The lines of `words` (by block, paragraph, line) that look like handwriting: a pen
/// signature or initials over the print.
pub fn ink_lines(words: &[Word]) -> Vec<(u32, u32, u32)> {
    let mut heights: Vec<u32> = words.iter().map(|w| w.bbox.3).collect();
    heights.sort_unstable();
    let Some(&median) = heights.get(heights.len() / 2) else {
        return Vec::new();
    };
    let mut lines: Vec<(u32, u32, u32)> = words.iter().map(|w| w.line).collect();
    lines.dedup();
    lines
        .into_iter()
        .filter(|line| {
            let on: Vec<&Word> = words.iter().filter(|w| w.line == *line).collect();
            let mean = on.iter().map(|w| w.confidence).sum::<f64>() / on.len().max(1) as f64;
            let low = on.iter().map(|w| w.bbox.3).min().unwrap_or(0);
            mean < INK_MAX_CONFIDENCE && f64::from(low) >= INK_MIN_HEIGHT_RATIO * f64::from(median)
        })
        .collect()
}

/// The page text: words joined by spaces, a line break per line, a blank line between blocks
/// and paragraphs (as pdftotext and arkivar's own layout separate them). Handwriting
/// ([`ink_lines`]) is left out: what tesseract reads into a signature is noise that the
/// minutes reader would take for a name.
pub fn text(words: &[Word]) -> String {
    let ink = ink_lines(words);
    let mut out = String::new();
    let mut last: Option<(u32, u32, u32)> = None;
    for w in words.iter().filter(|w| !ink.contains(&w.line)) {
        match last {
            None => {}
            Some(l) if l == w.line => out.push(' '),
            Some((b, p, _)) if (b, p) == (w.line.0, w.line.1) => out.push('\n'),
            Some(_) => out.push_str("\n\n"),
        }
        out.push_str(&w.text);
        last = Some(w.line);
    }
    if !out.is_empty() {
        out.push('\n');
    }
    out
}

/// Mean word confidence, 0–100; `None` for a page without words.
pub fn mean_confidence(words: &[Word]) -> Option<f64> {
    if words.is_empty() {
        return None;
    }
    Some(words.iter().map(|w| w.confidence).sum::<f64>() / words.len() as f64)
}

#[cfg(test)]
mod tests {
    use super::*;

    const SAMPLE: &str = "level\tpage_num\tblock_num\tpar_num\tline_num\tword_num\tleft\ttop\twidth\theight\tconf\ttext
1\t1\t0\t0\t0\t0\t0\t0\t2481\t3508\t-1\t
2\t1\t1\t0\t0\t0\t100\t100\t900\t80\t-1\t
3\t1\t1\t1\t0\t0\t100\t100\t900\t80\t-1\t
4\t1\t1\t1\t1\t0\t100\t100\t900\t40\t-1\t
5\t1\t1\t1\t1\t1\t100\t100\t200\t40\t96.5\tProtokoll
5\t1\t1\t1\t1\t2\t320\t100\t200\t40\t91\tstyrelsen
4\t1\t1\t1\t2\t0\t100\t150\t900\t40\t-1\t
5\t1\t1\t1\t2\t1\t100\t150\t200\t40\t88.5\tPlats:
5\t1\t1\t1\t2\t2\t320\t150\t200\t40\t95\t \t
5\t1\t2\t1\t1\t1\t100\t400\t200\t40\t60\tTid:
";

    #[test]
    fn words_lines_and_blocks() {
        let words = parse(SAMPLE).unwrap();
        assert_eq!(words.len(), 4, "the blank word is dropped");
        assert_eq!(text(&words), "Protokoll styrelsen\nPlats:\n\nTid:\n");
        assert_eq!(words[0].bbox, (100, 100, 200, 40));
    }

    fn word(line: u32, height: u32, confidence: f64, text: &str) -> Word {
        Word {
            line: (1, 1, line),
            bbox: (0, line * 100, 100, height),
            confidence,
            text: text.into(),
        }
    }

    #[test]
    fn a_pen_signature_read_as_words_is_left_out_of_the_text() {
        // From 004-scanned page 1: the secretary's signature read as "Bey Chom," above the
        // printed name.
        let words = [
            word(1, 40, 95.0, "Sekreterare"),
            word(2, 127, 36.0, "Bey"),
            word(2, 127, 39.0, "Chom,"),
            word(3, 40, 93.0, "Johanna"),
            word(3, 40, 92.0, "Persson"),
        ];
        assert_eq!(ink_lines(&words), [(1, 1, 2)]);
        assert_eq!(text(&words), "Sekreterare\nJohanna Persson\n");
        // Badly printed text of normal height stays: it is print, not ink.
        let words = [
            word(1, 40, 95.0, "Plats"),
            word(2, 40, 30.0, "Méteskallelse"),
        ];
        assert!(ink_lines(&words).is_empty());
    }

    #[test]
    fn confidence_is_the_mean_over_words() {
        let words = parse(SAMPLE).unwrap();
        let mean = mean_confidence(&words).unwrap();
        assert!(
            (mean - (96.5 + 91.0 + 88.5 + 60.0) / 4.0).abs() < 1e-9,
            "{mean}"
        );
        assert_eq!(mean_confidence(&[]), None);
    }

    #[test]
    fn empty_output_is_no_words() {
        let words = parse("level\tpage_num\tblock_num\tpar_num\tline_num\tword_num\tleft\ttop\twidth\theight\tconf\ttext\n1\t1\t0\t0\t0\t0\t0\t0\t10\t10\t-1\t\n").unwrap();
        assert!(words.is_empty());
        assert_eq!(text(&words), "");
    }

    #[test]
    fn a_garbled_row_is_an_error_naming_it() {
        let err = parse("level\tx\n5\t1\t1\n").unwrap_err();
        assert_eq!(
            err,
            TsvError::Row {
                row: 2,
                what: "3 columns, expected 12".into()
            }
        );
        let err = parse("5\t1\t1\t1\t1\t1\t0\t0\t1\t1\tabc\tword\n").unwrap_err();
        assert!(err.to_string().contains("conf"), "{err}");
    }
}
