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
//! in no rule. A dotted line goes ([`dotted`]): tesseract reads one right over a printed name
//! as part of the name's line, and the name is lost.

use super::image::GrayImage;
use super::ink;

/// A row run this long is a rule (a signing line, a table's row border).
pub const MIN_HORIZONTAL_MM: f64 = 12.0;
/// A column run this long is a rule (a table's column border, a frame).
pub const MIN_VERTICAL_MM: f64 = 6.0;
/// A dot of a dotted line is at most this long...
const DOT_MAX_MM: f64 = 1.0;
/// ...and at most this far from the next...
const DOT_GAP_MAX_MM: f64 = 2.0;
/// ...and a dotted line has at least this many dots...
const DOTTED_MIN_DOTS: usize = 10;
/// ...across at least this length...
const DOTTED_MIN_MM: f64 = 15.0;
/// ...with four in five dots clear of dark this far above and below.
const DOT_CLEAR_MM: f64 = 0.7;
/// Resolution assumed when the page does not say (the middle of what scanners write).
const DEFAULT_PPI: u32 = 200;
/// Most row and column rules each looked at on a page (a table's borders are a few dozen
/// runs; a page of hatching is no table).
const MAX_RULES: usize = 4_096;
/// Pixels beside a rule, across it, that go with it: the grey edge a scan blurs around a
/// line, which tesseract would otherwise binarise into a thin line of its own.
const EDGE: usize = 1;

/// A pixel of a table's border.
const TABLE: u8 = 1;
/// A pixel of a dotted line.
const DOTTED: u8 = 2;

/// Which pixels of a page are rules, and of which kind.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rules {
    /// Per pixel: 0, [`TABLE`] or [`DOTTED`].
    kinds: Vec<u8>,
}

impl Rules {
    /// Paints the rules of `image` white: a table's borders, and the dotted lines too when
    /// `dotted` is true (what tesseract reads; ink is looked for between the borders only,
    /// since the dots are [`super::ink`]'s to tell from pen strokes).
    pub fn erase(&self, image: &mut GrayImage, dotted: bool) {
        for (pixel, &kind) in image.pixels.iter_mut().zip(&self.kinds) {
            if kind == TABLE || (dotted && kind == DOTTED) {
                *pixel = u8::MAX;
            }
        }
    }
}

/// `image` with all its rules painted white. `ppi` is the image's resolution, when known.
#[cfg(test)]
fn erase(image: &GrayImage, ppi: Option<u32>) -> GrayImage {
    let mut out = image.clone();
    find(image, ppi).erase(&mut out, true);
    out
}

/// The rules of `image`. `ppi` is the image's resolution, when known.
pub fn find(image: &GrayImage, ppi: Option<u32>) -> Rules {
    let (w, h) = (image.width, image.height);
    if w == 0 || h == 0 || image.pixels.len() != w * h {
        return Rules { kinds: Vec::new() };
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
    // Row by row, counting each column's run, so the image is read in memory order.
    let mut columns: Vec<(usize, usize, usize)> = Vec::new();
    let mut run = vec![0usize; w];
    for y in 0..=h {
        let row = dark.get(y * w..(y + 1) * w).unwrap_or_default();
        for (x, len) in run.iter_mut().enumerate() {
            if row.get(x).copied().unwrap_or(false) {
                *len += 1;
            } else {
                if *len >= min_v && columns.len() < MAX_RULES {
                    columns.push((x, y - *len, y));
                }
                *len = 0;
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
    let mut rule = vec![0u8; w * h];
    for &(x, top, bottom) in &columns {
        for y in top..bottom {
            for dx in x.saturating_sub(EDGE)..(x + EDGE + 1).min(w) {
                if let Some(cell) = rule.get_mut(y * w + dx) {
                    *cell = TABLE;
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
                    cells.fill(TABLE);
                }
            }
        }
    }
    // Dotted lines to sign on, a row at a time: psm 6 reads one right over a name as part
    // of the name's line (`björn Wern S FrR ss ras kand`).
    let dot_max = (DOT_MAX_MM * per_mm).round().max(1.0) as usize;
    let gap_max = (DOT_GAP_MAX_MM * per_mm).round().max(2.0) as usize;
    let span_min = (DOTTED_MIN_MM * per_mm).round() as usize;
    // A dot stands alone: nothing dark this far above or below it, where a letter's stem
    // goes on (the stems of `nämnden` are as even as dots, a row at a time).
    let clear = (DOT_CLEAR_MM * per_mm).round().max(2.0) as usize;
    let alone = |x: usize, y: usize| {
        let at = |y: Option<usize>| {
            y.and_then(|y| dark.get(y * w + x))
                .copied()
                .unwrap_or(false)
        };
        !at(y.checked_sub(clear)) && !at(Some(y + clear).filter(|&y| y < h))
    };
    for (y, row) in dark.chunks_exact(w).enumerate() {
        let row_runs = runs(row.iter().copied());
        for (first, end) in dotted(&row_runs, dot_max, gap_max, span_min) {
            let dots: Vec<&(usize, usize)> = row_runs
                .iter()
                .filter(|(x, _)| (first..end).contains(x))
                .collect();
            let lone = dots.iter().filter(|(x, n)| alone(x + n / 2, y)).count();
            if lone * 5 < dots.len() * 4 {
                continue;
            }
            for cell in rule.get_mut(y * w + first..y * w + end).unwrap_or_default() {
                if *cell == 0 {
                    *cell = DOTTED;
                }
            }
        }
    }
    Rules { kinds: rule }
}

/// The stretches of `runs` (a row's dark runs, in order) that are a dotted line: at least
/// [`DOTTED_MIN_DOTS`] dots no longer than `dot_max` and of one size, spaced evenly (each
/// gap, and each dot, within a third of the one before, plus a pixel) and at most `gap_max`
/// apart, across `span_min` or more.
/// Print is not that regular: a row through a line of text meets strokes of every width.
/// Returns (first column, end column) of each.
fn dotted(
    runs: &[(usize, usize)],
    dot_max: usize,
    gap_max: usize,
    span_min: usize,
) -> Vec<(usize, usize)> {
    let mut out = Vec::new();
    let mut k = 0;
    while k < runs.len() {
        let mut last = k;
        while let (Some(&(a, a_len)), Some(&(b, b_len))) = (runs.get(last), runs.get(last + 1)) {
            let gap = b.saturating_sub(a + a_len);
            let even = match last.checked_sub(1).and_then(|p| runs.get(p)) {
                Some(&(p, p_len)) => {
                    let before = a.saturating_sub(p + p_len);
                    gap.abs_diff(before) <= before / 3 + 1
                }
                None => true,
            };
            let same_size = a_len.abs_diff(b_len) <= a_len.max(b_len) / 3 + 1;
            if a_len > dot_max
                || b_len > dot_max
                || gap == 0
                || gap > gap_max
                || !even
                || !same_size
            {
                break;
            }
            last += 1;
        }
        if let (Some(&(first, _)), Some(&(end_start, end_len))) = (runs.get(k), runs.get(last))
            && last + 1 - k >= DOTTED_MIN_DOTS
            && end_start + end_len - first >= span_min
        {
            out.push((first, end_start + end_len));
        }
        k = last + 1;
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
    fn a_dotted_line_goes_and_short_strokes_stay() {
        let mut page = blank(600, 100);
        for x in (20u32..580).step_by(12) {
            fill(&mut page, x, 50, x + 5, 53);
        }
        // A stroke just shorter than a column rule.
        fill(&mut page, 300, 10, 303, 10 + 55);
        let erased = erase(&page, PPI);
        assert!(!dark_at(&erased, 22, 51), "a dot");
        assert!(!dark_at(&erased, 562, 51), "the last dot");
        assert!(dark_at(&erased, 301, 20), "the stroke");
    }

    #[test]
    fn ink_keeps_the_dots_and_loses_the_borders() {
        let mut page = blank(600, 300);
        fill(&mut page, 50, 100, 550, 102);
        fill(&mut page, 50, 200, 550, 202);
        fill(&mut page, 50, 100, 52, 202);
        fill(&mut page, 548, 100, 550, 202);
        for x in (60u32..540).step_by(12) {
            fill(&mut page, x, 150, x + 5, 153);
        }
        let rules = find(&page, PPI);
        let mut for_ink = page.clone();
        rules.erase(&mut for_ink, false);
        assert!(!dark_at(&for_ink, 300, 101), "border");
        assert!(dark_at(&for_ink, 62, 151), "dot");
        let mut for_ocr = page.clone();
        rules.erase(&mut for_ocr, true);
        assert!(!dark_at(&for_ocr, 62, 151), "dot");
    }

    #[test]
    fn even_stems_of_letters_are_no_dotted_line() {
        // Stems 3 mm tall, as even as dots in the row through them.
        let mut page = blank(600, 100);
        for x in (20u32..580).step_by(12) {
            fill(&mut page, x, 30, x + 5, 60);
        }
        assert_eq!(erase(&page, PPI).pixels, page.pixels);
    }

    #[test]
    fn print_is_no_dotted_line() {
        // A row through a word: strokes and gaps of every width.
        let strokes = [
            (0, 4),
            (9, 3),
            (15, 9),
            (30, 4),
            (36, 4),
            (49, 2),
            (60, 3),
            (64, 8),
        ];
        let row: Vec<(usize, usize)> = (0..4)
            .flat_map(|k| strokes.iter().map(move |&(x, n)| (x + 80 * k, n)))
            .collect();
        assert!(dotted(&row, 10, 20, 150).is_empty());
        // Near miss: the same number of even dots is one.
        let dots: Vec<(usize, usize)> = (0..32).map(|k| (k * 10, 4)).collect();
        assert_eq!(dotted(&dots, 10, 20, 150), vec![(0, 314)]);
        // ...but too few of them are a row of full stops.
        assert!(dotted(&dots[..6], 10, 20, 30).is_empty());
    }

    #[test]
    fn runs_are_found_to_the_end_of_the_line() {
        let line = [true, true, false, true, false, false, true, true, true];
        assert_eq!(runs(line.into_iter()), vec![(0, 2), (3, 1), (6, 3)]);
        assert!(runs(std::iter::empty()).is_empty());
    }
}
