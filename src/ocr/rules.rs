//! Rules taken out of the image tesseract reads: table borders and signing lines.
//!
//! arkivar reads pages as one uniform block (`--psm 6`, see [`super::tesseract`]), which keeps
//! a signature block's printed lines, but a bordered table then reads as one line of noise
//! ("TA Sc Sz a RE SP I el"): the borders join every cell into one shape. With the rules
//! whitened, the same page reads row by row, label then value ("Datum då anslaget sätts upp
//! 2021-08-09"), which is how the notice and justering dates of a scanned ANSLAG/BEVIS table
//! reach the minutes reader. Only the image given to OCR loses its rules; ink is looked for
//! in the page as scanned ([`super::ink`] takes its own rules out, in word heights).
//!
//! A rule is a run of dark pixels at least [`MIN_HORIZONTAL_MM`] long in a row, or
//! [`MIN_VERTICAL_MM`] in a column: longer than any letter's stroke at body-text sizes
//! (an `Å` with its ring is about 4 mm), so print stays. Only a table's borders go: column
//! rules that run from one row rule to another, and the row rules they meet. A row rule alone
//! is a line to sign on and stays, since without it tesseract reads the signature over it as
//! a line of text (`Ro Rabin`); a signature's long downstroke is no column rule, as it ends
//! in no rule. A dotted line's dots are short runs and stay too.

use super::image::GrayImage;
use super::ink;

/// A row run this long is a rule (a signing line, a table's row border).
pub const MIN_HORIZONTAL_MM: f64 = 12.0;
/// A column run this long is a rule (a table's column border, a frame).
pub const MIN_VERTICAL_MM: f64 = 6.0;
/// Resolution assumed when the page does not say (the middle of what scanners write).
const DEFAULT_PPI: u32 = 200;
/// Most row and column rules each looked at on a page (a table's borders are a few dozen
/// runs; a page of hatching is no table).
const MAX_RULES: usize = 4_096;
/// Pixels beside a rule, across it, that go with it: the grey edge a scan blurs around a
/// line, which tesseract would otherwise binarise into a thin line of its own.
const EDGE: usize = 1;

/// `image` with its rules painted white. `ppi` is the image's resolution, when known.
pub fn erase(image: &GrayImage, ppi: Option<u32>) -> GrayImage {
    let (w, h) = (image.width, image.height);
    let mut out = image.clone();
    if w == 0 || h == 0 || image.pixels.len() != w * h {
        return out;
    }
    let per_mm = f64::from(ppi.unwrap_or(DEFAULT_PPI).max(1)) / 25.4;
    let min_h = (MIN_HORIZONTAL_MM * per_mm).round().max(2.0) as usize;
    let min_v = (MIN_VERTICAL_MM * per_mm).round().max(2.0) as usize;
    let threshold = ink::dark_threshold(image);
    let dark: Vec<bool> = image.pixels.iter().map(|&p| p < threshold).collect();
    // Runs long enough to be rules: (row, first column, end column) and (column, first row,
    // end row).
    let mut rows: Vec<(usize, usize, usize)> = Vec::new();
    for (y, row) in dark.chunks_exact(w).enumerate() {
        for (start, len) in runs(row.iter().copied()) {
            if len >= min_h && rows.len() < MAX_RULES {
                rows.push((y, start, start + len));
            }
        }
    }
    let mut columns: Vec<(usize, usize, usize)> = Vec::new();
    for x in 0..w {
        let column = (0..h).map(|y| dark.get(y * w + x).copied().unwrap_or(false));
        for (start, len) in runs(column) {
            if len >= min_v && columns.len() < MAX_RULES {
                columns.push((x, start, start + len));
            }
        }
    }
    // A table's column rule runs from one row rule to another; a pen stroke as long and
    // straight (the downstroke of a signature) crosses a line to sign on at most once.
    let reach = 2 * EDGE + 1;
    let near = |a: usize, b: usize| a.abs_diff(b) <= reach;
    let row_at = |x: usize, y: usize| {
        rows.iter()
            .any(|&(ry, first, end)| near(ry, y) && x + reach >= first && x <= end + reach)
    };
    columns.retain(|&(x, top, bottom)| row_at(x, top) && row_at(x, bottom.saturating_sub(1)));
    let mut rule = vec![false; w * h];
    for &(x, top, bottom) in &columns {
        for y in top..bottom {
            for dx in x.saturating_sub(EDGE)..(x + EDGE + 1).min(w) {
                if let Some(cell) = rule.get_mut(y * w + dx) {
                    *cell = true;
                }
            }
        }
    }
    // Row rules that meet a table's column rule; a row rule alone is a line to sign on, which
    // stays: it keeps tesseract from reading the ink over it as a line of text.
    for &(y, first, end) in &rows {
        let meets = columns.iter().any(|&(x, top, bottom)| {
            x + reach >= first && x <= end + reach && y + reach >= top && y <= bottom + reach
        });
        if meets {
            for dy in y.saturating_sub(EDGE)..(y + EDGE + 1).min(h) {
                if let Some(cells) = rule.get_mut(dy * w + first..dy * w + end) {
                    cells.fill(true);
                }
            }
        }
    }
    for (pixel, &is_rule) in out.pixels.iter_mut().zip(&rule) {
        if is_rule {
            *pixel = u8::MAX;
        }
    }
    out
}

/// The runs of `true` in `line`, as (start, length).
fn runs(line: impl Iterator<Item = bool>) -> Vec<(usize, usize)> {
    let mut out = Vec::new();
    let mut start = None;
    let mut n = 0;
    for (i, on) in line.enumerate() {
        match (on, start) {
            (true, None) => start = Some(i),
            (false, Some(s)) => {
                out.push((s, i - s));
                start = None;
            }
            _ => {}
        }
        n = i + 1;
    }
    if let Some(s) = start {
        out.push((s, n - s));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ocr::ink::Rect;
    use crate::ocr::ink::testing::{blank, fill as fill_rect};

    fn fill(img: &mut GrayImage, left: u32, top: u32, right: u32, bottom: u32) {
        fill_rect(
            img,
            Rect {
                left,
                top,
                right,
                bottom,
            },
        );
    }

    /// At 254 ppi a millimetre is 10 pixels.
    const PPI: Option<u32> = Some(254);

    fn dark_at(image: &GrayImage, x: usize, y: usize) -> bool {
        image.pixels[y * image.width + x] < 128
    }

    #[test]
    fn a_tables_borders_go_and_its_letters_stay() {
        let mut page = blank(600, 300);
        // A cell: borders 2 px wide, 50 mm by 10 mm.
        fill(&mut page, 50, 100, 550, 102);
        fill(&mut page, 50, 200, 550, 202);
        fill(&mut page, 50, 100, 52, 202);
        fill(&mut page, 300, 100, 302, 202);
        // Letters: an `l` 4 mm tall and a bar 8 mm wide.
        fill(&mut page, 100, 130, 103, 170);
        fill(&mut page, 150, 160, 230, 163);
        let erased = erase(&page, PPI);
        assert!(!dark_at(&erased, 200, 101), "row border");
        assert!(!dark_at(&erased, 301, 150), "column border");
        assert!(!dark_at(&erased, 51, 150), "frame");
        assert!(dark_at(&erased, 101, 150), "a letter's stem");
        assert!(dark_at(&erased, 200, 161), "a letter's bar");
    }

    #[test]
    fn a_line_to_sign_on_stays_with_the_downstroke_across_it() {
        let mut page = blank(600, 200);
        fill(&mut page, 50, 100, 550, 102);
        // A straight downstroke 12 mm long through the line.
        fill(&mut page, 300, 40, 303, 160);
        assert_eq!(erase(&page, PPI).pixels, page.pixels);
    }

    #[test]
    fn a_dotted_line_and_short_strokes_are_no_rules() {
        let mut page = blank(600, 100);
        for x in (20u32..580).step_by(15) {
            fill(&mut page, x, 50, x + 5, 53);
        }
        // A stroke just shorter than a column rule.
        fill(&mut page, 300, 10, 303, 10 + 55);
        let erased = erase(&page, PPI);
        assert_eq!(erased.pixels, page.pixels);
    }

    #[test]
    fn runs_are_found_to_the_end_of_the_line() {
        let line = [true, true, false, true, false, false, true, true, true];
        assert_eq!(runs(line.into_iter()), vec![(0, 2), (3, 1), (6, 3)]);
        assert!(runs(std::iter::empty()).is_empty());
    }
}
