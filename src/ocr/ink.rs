//! Ink on a scanned page: the marks that are not print, found in the page image, and the
//! geometry of the printed lines tesseract read, so that the verdict can ask whether there is
//! ink above or beside a printed name (a pen signature) without keeping the image.
//!
//! A mark is a connected group of dark pixels left after the printed words (tesseract's
//! confident word boxes) are masked out and rules are removed (long horizontal or vertical
//! runs: signature lines, table borders). What is left and is taller than printed words are
//! pen strokes; dots of a dotted line, specks of scanner noise and letters that OCR missed
//! are smaller. Distances are in units of the page's median printed word height, so the
//! measures hold at any scan resolution. Which box belongs to which printed name is the
//! verdict's question (`verify::pen`).

use super::image::GrayImage;
use super::tsv::{self, Word};

/// Grey values below this are dark (ink or print)...
const DARK_BELOW: u8 = 128;
/// ...or, on a light page, below the paper's grey less this: a ballpoint signature scanned at
/// 150 dpi is thin strokes blurred to greys well above 128 that are still far darker than
/// the paper.
const DARK_UNDER_PAPER: u8 = 70;
/// The most the adaptive threshold rises to: above it, shadows and a grey page are not ink.
const DARK_BELOW_MAX: u8 = 165;

/// The grey under which a pixel of `image` is dark: [`DARK_BELOW`], raised towards the
/// paper's grey (the median of a sample of pixels) less [`DARK_UNDER_PAPER`].
pub(super) fn dark_threshold(image: &GrayImage) -> u8 {
    let step = (image.pixels.len() / 65_536).max(1);
    let mut sample: Vec<u8> = image.pixels.iter().step_by(step).copied().collect();
    if sample.is_empty() {
        return DARK_BELOW;
    }
    let mid = sample.len() / 2;
    let (_, paper, _) = sample.select_nth_unstable(mid);
    paper
        .saturating_sub(DARK_UNDER_PAPER)
        .clamp(DARK_BELOW, DARK_BELOW_MAX)
}
/// A recognised word this confident or more is print, and is masked out before marks are
/// looked for; less confident "words" may be ink that OCR tried to read.
const PRINT_MIN_CONFIDENCE: f64 = 50.0;
/// ...as long as it is no taller than this many median word heights (pen strokes read as
/// words are tall).
const PRINT_MAX_HEIGHT_RATIO: f64 = 1.5;
/// Dark runs at least this many word heights long, in a row, are rules (a signature line, a
/// table border), not ink.
const RULE_MIN_RUN_H: f64 = 3.0;
/// ...and in a column (table borders, frames); pen strokes are rarely this tall and straight.
const RULE_MIN_RUN_V: f64 = 4.0;
/// A mark is at least this many word heights tall: printed letters OCR left unread and the
/// dots of a dotted line are smaller.
const MARK_MIN_HEIGHT: f64 = 1.0;
/// ...and at most this tall (a photo, a logo, a stamp's frame is not a signature).
const MARK_MAX_HEIGHT: f64 = 12.0;
/// ...and wider than this many word heights: a table border that crossing rules cut into
/// pieces too short for [`RULE_MIN_RUN_V`] is a column of one to three pixels.
const MARK_MIN_WIDTH: f64 = 0.25;
/// Most marks kept per page: the measure needs a signature's strokes, not every speck of a
/// photo.
const MAX_MARKS: usize = 2_000;
/// A light or fast signature falls apart into pieces when the page is binarised, each
/// shorter than [`MARK_MIN_HEIGHT`]. Pieces at least this many word heights tall or wide
/// (a dot of a dotted line, a speck, a full stop are smaller)...
const FRAGMENT_MIN_SIZE: f64 = 0.3;
/// ...that come within this many word heights of each other are one mark...
const FRAGMENT_GAP: f64 = 0.5;
/// ...when together they are at least this tall: taller than a printed word with its
/// ascenders and descenders (`Ångman` is about 1.4), which OCR may have left unread.
const MERGED_MIN_HEIGHT: f64 = 1.5;
/// Most pieces grouped per page (grouping compares pairs).
const MAX_FRAGMENTS: usize = 3_000;

/// A rectangle in image pixels; `right` and `bottom` are exclusive.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Rect {
    /// Leftmost column.
    pub left: u32,
    /// Top row.
    pub top: u32,
    /// One past the rightmost column.
    pub right: u32,
    /// One past the bottom row.
    pub bottom: u32,
}

impl Rect {
    fn of_word(w: &Word) -> Rect {
        let (left, top, width, height) = w.bbox;
        Rect {
            left,
            top,
            right: left.saturating_add(width),
            bottom: top.saturating_add(height),
        }
    }

    pub fn union(self, o: Rect) -> Rect {
        Rect {
            left: self.left.min(o.left),
            top: self.top.min(o.top),
            right: self.right.max(o.right),
            bottom: self.bottom.max(o.bottom),
        }
    }

    /// Width in pixels.
    pub fn width(&self) -> u32 {
        self.right.saturating_sub(self.left)
    }

    /// Height in pixels.
    pub fn height(&self) -> u32 {
        self.bottom.saturating_sub(self.top)
    }

    /// True when the columns of `self` and `o` overlap.
    pub fn overlaps_columns(&self, o: &Rect) -> bool {
        self.left < o.right && o.left < self.right
    }

    fn contains_centre_of(&self, o: &Rect) -> bool {
        let (cx, cy) = (o.left + o.width() / 2, o.top + o.height() / 2);
        (self.left..self.right).contains(&cx) && (self.top..self.bottom).contains(&cy)
    }
}

/// One printed line as the page text has it.
#[derive(Debug, Clone, PartialEq)]
pub struct PrintedLine {
    /// The line's text, exactly as it appears (as one line) in the page text.
    pub text: String,
    /// The box around its words.
    pub bbox: Rect,
    /// Its words and their boxes, left to right: a line may hold two or three names side by
    /// side, each signed above its own place.
    pub words: Vec<(String, Rect)>,
    /// Tesseract's mean word confidence over the line, 0–100: print reads high, a pen stroke
    /// read as letters low.
    pub confidence: f64,
}

/// A mark that is neither print nor a rule: pen, stamp, or something drawn.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct InkMark {
    /// Its box.
    pub bbox: Rect,
    /// Dark pixels in it.
    pub pixels: u32,
}

/// What ink an area holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct InkFound {
    /// Marks whose centre lies in the area.
    pub marks: usize,
    /// Columns the marks cover together, in pixels.
    pub span: u32,
    /// Their dark pixels.
    pub pixels: u32,
}

/// The geometry of an OCRed page: printed lines, printed words, ink marks.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct PageLayout {
    /// The printed lines, in the order of the page text's non-blank lines.
    pub lines: Vec<PrintedLine>,
    /// Boxes of the words taken as print (masked before marks were looked for).
    pub print: Vec<Rect>,
    /// Marks that look like handwriting.
    pub marks: Vec<InkMark>,
    /// Median height of the printed words, in pixels: the unit of every distance here.
    pub word_height: u32,
}

impl PageLayout {
    /// The ink whose marks have their centre in `area`.
    pub fn ink_in(&self, area: &Rect) -> InkFound {
        self.ink_in_except(area, |_| false)
    }

    /// [`Self::ink_in`] without the marks `skip` rules out.
    pub fn ink_in_except(&self, area: &Rect, skip: impl Fn(&InkMark) -> bool) -> InkFound {
        let inside: Vec<&InkMark> = self
            .marks
            .iter()
            .filter(|m| area.contains_centre_of(&m.bbox) && !skip(m))
            .collect();
        let mut columns: Vec<(u32, u32)> =
            inside.iter().map(|m| (m.bbox.left, m.bbox.right)).collect();
        columns.sort_unstable();
        let mut span = 0;
        let mut reach = 0;
        for (l, r) in columns {
            let l = l.max(reach);
            if r > l {
                span += r - l;
            }
            reach = reach.max(r);
        }
        InkFound {
            marks: inside.len(),
            span,
            pixels: inside.iter().map(|m| m.pixels).sum(),
        }
    }
}

/// The layout of a page from its image and the words tesseract read on it.
pub fn layout(image: &GrayImage, words: &[Word]) -> PageLayout {
    let ink_lines = tsv::ink_lines(words);
    let printed: Vec<&Word> = words
        .iter()
        .filter(|w| !ink_lines.contains(&w.line))
        .collect();
    let mut heights: Vec<u32> = printed
        .iter()
        .filter(|w| w.confidence >= PRINT_MIN_CONFIDENCE)
        .map(|w| w.bbox.3)
        .collect();
    heights.sort_unstable();
    let word_height = heights.get(heights.len() / 2).copied().unwrap_or(0).max(1);

    let mut lines: Vec<PrintedLine> = Vec::new();
    let mut last = None;
    for w in &printed {
        let bbox = Rect::of_word(w);
        match lines.last_mut() {
            Some(line) if last == Some(w.line) => {
                line.text.push(' ');
                line.text.push_str(&w.text);
                line.bbox = line.bbox.union(bbox);
                line.words.push((w.text.clone(), bbox));
                // A running mean over the line's words.
                let n = line.words.len() as f64;
                line.confidence += (w.confidence - line.confidence) / n;
            }
            _ => lines.push(PrintedLine {
                text: w.text.clone(),
                bbox,
                words: vec![(w.text.clone(), bbox)],
                confidence: w.confidence,
            }),
        }
        last = Some(w.line);
    }
    // Only words with a letter or digit: a dot or a bar OCR read from what is left of a
    // dotted line, or from a pen stroke, is no print to mask nor to end a search for ink at.
    let print: Vec<Rect> = printed
        .iter()
        .filter(|w| {
            w.confidence >= PRINT_MIN_CONFIDENCE
                && w.text.chars().any(char::is_alphanumeric)
                && f64::from(w.bbox.3) <= PRINT_MAX_HEIGHT_RATIO * f64::from(word_height)
        })
        .map(|w| Rect::of_word(w))
        .collect();
    let marks = if heights.is_empty() {
        // No print to measure against: nothing on this page is a signature block.
        Vec::new()
    } else {
        find_marks(image, &print, word_height)
    };
    PageLayout {
        lines,
        print,
        marks,
        word_height,
    }
}

/// The dark pixels of `image` outside `print`, without rules, as connected marks of a
/// handwriting-like size.
fn find_marks(image: &GrayImage, print: &[Rect], word_height: u32) -> Vec<InkMark> {
    let (w, h) = (image.width, image.height);
    let threshold = dark_threshold(image);
    let mut dark: Vec<bool> = image.pixels.iter().map(|&p| p < threshold).collect();
    if dark.len() != w * h {
        return Vec::new();
    }
    for r in print {
        let (l, rr) = (r.left as usize, (r.right as usize).min(w));
        for y in (r.top as usize)..(r.bottom as usize).min(h) {
            if let Some(row) = dark.get_mut(y * w + l.min(rr)..y * w + rr) {
                row.fill(false);
            }
        }
    }
    let unit = f64::from(word_height);
    let run_h = (RULE_MIN_RUN_H * unit) as usize;
    let run_v = (RULE_MIN_RUN_V * unit) as usize;
    for row in dark.chunks_exact_mut(w) {
        clear_long_runs(row.iter_mut(), run_h);
    }
    clear_long_columns(&mut dark, w, run_v);
    let min_height = (MARK_MIN_HEIGHT * unit) as u32;
    let max_height = (MARK_MAX_HEIGHT * unit) as u32;
    let min_width = (MARK_MIN_WIDTH * unit) as u32;
    let fragment_min = (FRAGMENT_MIN_SIZE * unit).max(1.0) as u32;
    let mut fragments: Vec<InkMark> = Vec::new();
    let mut marks = Vec::new();
    let mut stack: Vec<usize> = Vec::new();
    for start in 0..dark.len() {
        if !dark[start] {
            continue;
        }
        // Flood fill, 8-connected; visited pixels are cleared so each is seen once.
        dark[start] = false;
        stack.push(start);
        let (mut bbox, mut pixels) = (None::<Rect>, 0u32);
        while let Some(i) = stack.pop() {
            let (x, y) = (i % w, i / w);
            pixels = pixels.saturating_add(1);
            let here = Rect {
                left: x as u32,
                top: y as u32,
                right: x as u32 + 1,
                bottom: y as u32 + 1,
            };
            bbox = Some(bbox.map_or(here, |b| b.union(here)));
            for (dx, dy) in [
                (-1, -1),
                (0, -1),
                (1, -1),
                (-1, 0),
                (1, 0),
                (-1, 1),
                (0, 1),
                (1, 1),
            ] {
                let (nx, ny) = (x as isize + dx, y as isize + dy);
                if nx < 0 || ny < 0 || nx as usize >= w || ny as usize >= h {
                    continue;
                }
                let j = ny as usize * w + nx as usize;
                if dark[j] {
                    dark[j] = false;
                    stack.push(j);
                }
            }
        }
        let Some(bbox) = bbox else { continue };
        if (min_height..=max_height).contains(&bbox.height())
            && bbox.width() > min_width
            && marks.len() < MAX_MARKS
        {
            marks.push(InkMark { bbox, pixels });
        } else if bbox.height() < min_height
            && (bbox.height() >= fragment_min || bbox.width() >= fragment_min)
            && fragments.len() < MAX_FRAGMENTS
        {
            fragments.push(InkMark { bbox, pixels });
        }
    }
    let merged_min = (MERGED_MIN_HEIGHT * unit) as u32;
    let gap = (FRAGMENT_GAP * unit) as u32;
    for group in group_fragments(&fragments, gap) {
        if marks.len() < MAX_MARKS
            && group.pieces > 1
            && (merged_min..=max_height).contains(&group.mark.bbox.height())
            && group.mark.bbox.width() > min_width
        {
            marks.push(group.mark);
        }
    }
    marks
}

/// A group of pieces that [`group_fragments`] found to lie together.
struct Group {
    mark: InkMark,
    pieces: usize,
}

/// Groups `fragments` whose boxes come within `gap` pixels of each other (transitively), each
/// group as one mark with the union box.
fn group_fragments(fragments: &[InkMark], gap: u32) -> Vec<Group> {
    let n = fragments.len();
    let mut parent: Vec<usize> = (0..n).collect();
    fn root(parent: &mut [usize], mut i: usize) -> usize {
        while let Some(&p) = parent.get(i) {
            if p == i {
                break;
            }
            let grand = parent.get(p).copied().unwrap_or(p);
            if let Some(slot) = parent.get_mut(i) {
                *slot = grand;
            }
            i = p;
        }
        i
    }
    let near = |a: &Rect, b: &Rect| {
        a.left <= b.right.saturating_add(gap)
            && b.left <= a.right.saturating_add(gap)
            && a.top <= b.bottom.saturating_add(gap)
            && b.top <= a.bottom.saturating_add(gap)
    };
    for i in 0..n {
        for j in i + 1..n {
            if let (Some(a), Some(b)) = (fragments.get(i), fragments.get(j))
                && near(&a.bbox, &b.bbox)
            {
                let (ri, rj) = (root(&mut parent, i), root(&mut parent, j));
                if ri != rj
                    && let Some(slot) = parent.get_mut(ri)
                {
                    *slot = rj;
                }
            }
        }
    }
    let mut groups: Vec<Option<Group>> = (0..n).map(|_| None).collect();
    for (i, f) in fragments.iter().enumerate() {
        let r = root(&mut parent, i);
        let Some(slot) = groups.get_mut(r) else {
            continue;
        };
        match slot {
            Some(g) => {
                g.mark.bbox = g.mark.bbox.union(f.bbox);
                g.mark.pixels = g.mark.pixels.saturating_add(f.pixels);
                g.pieces += 1;
            }
            None => {
                *slot = Some(Group {
                    mark: *f,
                    pieces: 1,
                })
            }
        }
    }
    groups.into_iter().flatten().collect()
}

/// Clears every vertical run of `true` at least `min` long in the `w`-wide grid `dark`. Rows
/// are walked top to bottom with a run length per column, so memory is read in order (a
/// column walk over a 300 dpi page would miss the cache on every pixel).
fn clear_long_columns(dark: &mut [bool], w: usize, min: usize) {
    let h = dark.len() / w.max(1);
    let mut run = vec![0usize; w];
    let clear = |dark: &mut [bool], x: usize, end: usize, len: usize| {
        for y in end - len..end {
            // y < h and x < w: the run ended at row `end` ≤ h and began `len` rows before.
            dark[y * w + x] = false;
        }
    };
    for y in 0..h {
        for x in 0..w {
            if dark[y * w + x] {
                run[x] += 1;
            } else {
                if run[x] >= min {
                    clear(dark, x, y, run[x]);
                }
                run[x] = 0;
            }
        }
    }
    for (x, &len) in run.iter().enumerate() {
        if len >= min {
            clear(dark, x, h, len);
        }
    }
}

/// Clears every run of `true` at least `min` long.
fn clear_long_runs<'a>(line: impl Iterator<Item = &'a mut bool>, min: usize) {
    let mut run: Vec<&'a mut bool> = Vec::new();
    let flush = |run: &mut Vec<&'a mut bool>| {
        if run.len() >= min {
            for p in run.iter_mut() {
                **p = false;
            }
        }
        run.clear();
    };
    for p in line {
        if *p {
            run.push(p);
        } else {
            flush(&mut run);
        }
    }
    flush(&mut run);
}

/// Images drawn in code for the ink tests (here and in `verify::pen`).
#[cfg(test)]
pub(crate) mod testing {
    use super::*;

    /// A white page `w` × `h`.
    pub fn blank(w: usize, h: usize) -> GrayImage {
        GrayImage {
            width: w,
            height: h,
            pixels: vec![255; w * h],
        }
    }

    /// Fills `r` black.
    pub fn fill(img: &mut GrayImage, r: Rect) {
        for y in r.top as usize..(r.bottom as usize).min(img.height) {
            for x in r.left as usize..(r.right as usize).min(img.width) {
                img.pixels[y * img.width + x] = 0;
            }
        }
    }

    /// A pen scribble: a wavy stroke 3 px thick from `x0` to `x1`, `amplitude` px either side
    /// of row `y`.
    pub fn scribble(img: &mut GrayImage, x0: usize, x1: usize, y: usize, amplitude: f64) {
        for x in x0..x1 {
            let t = (x - x0) as f64;
            let cy = y as f64 + amplitude * (t / 9.0).sin() * (t / 53.0).cos();
            for dy in -1..=1 {
                let yy = (cy as isize + dy) as usize;
                if yy < img.height {
                    img.pixels[yy * img.width + x] = 0;
                }
            }
        }
    }

    /// A printed word: a black box where its glyphs would be, with its OCR'd word.
    pub fn word(img: &mut GrayImage, line: u32, left: u32, top: u32, text: &str) -> Word {
        let width = 18 * text.chars().count() as u32;
        fill(
            img,
            Rect {
                left,
                top: top + 5,
                right: left + width,
                bottom: top + 30,
            },
        );
        Word {
            line: (1, 1, line),
            bbox: (left, top, width, 36),
            confidence: 95.0,
            text: text.into(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::testing::*;
    use super::*;

    /// A signature row: "Sekreterare" at the top, the name three word heights below, and
    /// whatever `draw` puts between them.
    fn row(draw: impl Fn(&mut GrayImage)) -> PageLayout {
        let mut img = blank(900, 400);
        let words = vec![
            word(&mut img, 1, 50, 40, "Sekreterare"),
            word(&mut img, 2, 300, 200, "Johanna"),
            word(&mut img, 2, 440, 200, "Persson"),
        ];
        draw(&mut img);
        layout(&img, &words)
    }

    fn above_name(l: &PageLayout) -> InkFound {
        let name = &l.lines[1].bbox;
        l.ink_in(&Rect {
            left: name.left,
            top: name.top - 4 * l.word_height,
            right: name.right,
            bottom: name.top,
        })
    }

    #[test]
    fn a_scribble_over_the_name_is_ink() {
        let l = row(|img| scribble(img, 310, 560, 150, 25.0));
        assert_eq!(l.word_height, 36);
        assert_eq!(l.lines.len(), 2);
        assert_eq!(l.lines[1].text, "Johanna Persson");
        let ink = above_name(&l);
        assert!(ink.marks >= 1 && ink.span > 200, "{ink:?} {:?}", l.marks);
    }

    #[test]
    fn a_blank_signature_line_rule_border_and_dots_are_not_ink() {
        let l = row(|img| {
            // The signature line under where the ink would be, slightly skewed.
            for x in 280..700 {
                let y = 190 - (x - 280) / 100;
                fill(
                    img,
                    Rect {
                        left: x as u32,
                        top: y as u32,
                        right: x as u32 + 1,
                        bottom: y as u32 + 3,
                    },
                );
            }
            // A table border left of the name, cut by a crossing rule into pieces too short
            // to be removed as rules, and a dotted line.
            fill(
                img,
                Rect {
                    left: 320,
                    top: 0,
                    right: 322,
                    bottom: 400,
                },
            );
            fill(
                img,
                Rect {
                    left: 0,
                    top: 60,
                    right: 900,
                    bottom: 62,
                },
            );
            fill(
                img,
                Rect {
                    left: 0,
                    top: 170,
                    right: 900,
                    bottom: 172,
                },
            );
            for x in (300..700).step_by(8) {
                fill(
                    img,
                    Rect {
                        left: x,
                        top: 120,
                        right: x + 3,
                        bottom: 123,
                    },
                );
            }
        });
        assert_eq!(above_name(&l), InkFound::default(), "{:?}", l.marks);
    }

    #[test]
    fn printed_words_are_masked_but_a_low_confidence_tall_word_is_ink() {
        let mut img = blank(900, 400);
        let mut words = vec![word(&mut img, 1, 300, 200, "Johanna")];
        scribble(&mut img, 310, 500, 120, 30.0);
        // OCR read the scribble as a word of its own line; that line is not masked.
        words.push(Word {
            line: (1, 1, 2),
            bbox: (300, 85, 200, 75),
            confidence: 20.0,
            text: "Jhm".into(),
        });
        let l = layout(&img, &words);
        assert_eq!(l.print.len(), 1);
        assert!(
            l.ink_in(&Rect {
                left: 0,
                top: 0,
                right: 900,
                bottom: 200
            })
            .span
                > 150
        );
        // The printed word itself is no mark.
        assert_eq!(
            l.ink_in(&Rect {
                left: 0,
                top: 200,
                right: 900,
                bottom: 400
            })
            .marks,
            0
        );
    }

    #[test]
    fn a_confident_mark_without_letters_is_no_print() {
        // A dot left of a dotted line and a bar read from a pen stroke, both read with a
        // print's confidence: neither is print. Near miss: a word of letters beside them is.
        let mut img = blank(900, 400);
        let words = vec![
            word(&mut img, 1, 100, 100, "."),
            word(&mut img, 1, 200, 100, "|"),
            word(&mut img, 1, 300, 100, "Johanna"),
        ];
        let l = layout(&img, &words);
        assert_eq!(l.print, [Rect::of_word(&words[2])]);
        assert_eq!(
            l.lines.len(),
            1,
            "the line keeps every word it was read with"
        );
    }

    #[test]
    fn a_page_without_print_has_no_marks() {
        let mut img = blank(200, 200);
        scribble(&mut img, 10, 190, 100, 30.0);
        assert!(layout(&img, &[]).marks.is_empty());
    }

    #[test]
    fn a_signature_that_binarised_into_pieces_is_still_ink() {
        // A light signature 1.9 word heights tall whose strokes broke into pieces 0.6 word
        // heights tall, a few pixels apart.
        let l = row(|img| {
            for (k, x) in (300..560).step_by(26).enumerate() {
                let top = 105 + (k % 3) * 22;
                fill(
                    img,
                    Rect {
                        left: x,
                        top: top as u32,
                        right: x + 20,
                        bottom: top as u32 + 22,
                    },
                );
            }
        });
        let ink = above_name(&l);
        assert!(ink.span > 200, "{ink:?} {:?}", l.marks);
    }

    #[test]
    fn unread_print_in_pieces_is_not_ink() {
        // Near miss: a printed word OCR did not read, letters 0.8 word heights tall on one
        // baseline, and dots of a dotted line: together no taller than print.
        let l = row(|img| {
            for x in (300..560).step_by(22) {
                fill(
                    img,
                    Rect {
                        left: x,
                        top: 120,
                        right: x + 16,
                        bottom: 149,
                    },
                );
            }
            for x in (300..700).step_by(8) {
                fill(
                    img,
                    Rect {
                        left: x,
                        top: 170,
                        right: x + 3,
                        bottom: 173,
                    },
                );
            }
        });
        assert_eq!(above_name(&l), InkFound::default(), "{:?}", l.marks);
    }

    #[test]
    fn light_ink_on_white_paper_is_dark_and_a_grey_page_keeps_the_plain_threshold() {
        let mut img = blank(200, 200);
        assert_eq!(dark_threshold(&img), DARK_BELOW_MAX);
        img.pixels.fill(230);
        assert_eq!(dark_threshold(&img), 230 - DARK_UNDER_PAPER);
        // Near misses: paper scanned grey, and a page mostly dark.
        img.pixels.fill(180);
        assert_eq!(dark_threshold(&img), DARK_BELOW);
        img.pixels.fill(20);
        assert_eq!(dark_threshold(&img), DARK_BELOW);
    }
}
