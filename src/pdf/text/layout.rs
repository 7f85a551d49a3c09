//! Reading order: placed glyphs → lines → blocks → text.
//!
//! Content-stream order is not reading order (producers draw tables cell by cell, headers
//! last, kerned words glyph by glyph), so the order is rebuilt from positions alone:
//!
//! 1. glyphs are grouped by writing direction (0°, 90°, 180°, 270°) and rotated upright;
//! 2. glyphs with the same baseline form rows, and a row is cut into line fragments where a
//!    gap is wider than [`FRAGMENT_GAP`] (table cells, columns);
//! 3. fragments stacked at line distance and overlapping horizontally form blocks
//!    (paragraphs, table cells, column runs);
//! 4. a narrow column of labels or list markers whose lines sit on the rows of the text beside
//!    it joins that text's block, so the two read row by row;
//! 5. blocks are ordered by recursive XY-cut, horizontal cuts first, so tables read row by row
//!    and cells column by column, and columns read left to right.
//!
//! Word breaks come from literal spaces and from gaps wider than [`WORD_GAP`] measured with
//! the glyphs' real advance widths (groff and justified text have no space characters).

use std::cmp::Ordering;

use super::interpreter::PlacedGlyph;

/// A gap between glyphs, in ems, above which a word break is inserted.
pub const WORD_GAP: f64 = 0.15;
/// A gap, in ems, below which a literal space glyph is not a word break.
pub const LITERAL_SPACE_MIN_GAP: f64 = 0.05;
/// A gap, in ems, above which one row splits into separate line fragments.
pub const FRAGMENT_GAP: f64 = 1.0;
/// Word gaps a row needs before its typical gap is trusted to judge the wide ones.
const JUSTIFIED_MIN_GAPS: usize = 3;
/// A gap this many times the row's narrowest word gap (and wider than [`FRAGMENT_GAP`]) splits
/// the row.
const JUSTIFIED_GAP_FACTOR: f64 = 2.0;
/// Baselines closer than this (in ems of the smaller font) belong to one row.
const ROW_TOLERANCE: f64 = 0.4;
/// Largest baseline-to-baseline distance, in ems, at which a line continues a block.
const BLOCK_LINE_GAP: f64 = 1.75;
/// Largest ratio of font sizes between lines of one block: a heading in another size is a
/// block of its own, even when it sits at line distance under a table cell.
const MAX_BLOCK_SIZE_RATIO: f64 = 1.08;
/// Overlap allowed, in ems, between blocks that are still cut apart (glyph boxes from
/// ascent/descent are generous).
const CUT_TOLERANCE: f64 = 0.15;

/// One glyph in its direction's upright frame.
#[derive(Debug, Clone)]
struct Glyph {
    /// Range of the glyph's text in `Collector::text`.
    start: u32,
    len: u32,
    x0: f64,
    x1: f64,
    baseline: f64,
    top: f64,
    bottom: f64,
    size: f64,
    /// A literal space came right before this glyph, at this x.
    space_before: Option<f64>,
}

/// Collects placed glyphs for one page.
#[derive(Default)]
pub struct Collector {
    text: String,
    /// Glyphs per direction: 0 = left to right, 1 = bottom to top, 2 = upside down,
    /// 3 = top to bottom.
    glyphs: [Vec<Glyph>; 4],
    pending_space: [Option<f64>; 4],
    /// Glyphs with no Unicode at all (for the "usable text layer" judgement).
    pub unmapped: usize,
    /// Non-white characters collected.
    pub chars: usize,
}

/// Rotates a point so that direction `class` reads left to right.
fn upright(class: usize, x: f64, y: f64) -> (f64, f64) {
    match class {
        1 => (y, -x),
        2 => (-x, -y),
        3 => (-y, x),
        _ => (x, y),
    }
}

fn direction_class(dir: (f64, f64)) -> usize {
    // The quadrant by comparing the components: the angle rounded to a multiple of 90°
    // without an `atan2` per glyph. Exact diagonals go where rounding half away from zero
    // sends them (45° → 1, 135° → 2, −45° → 3, −135° → 2).
    let (dx, dy) = dir;
    if !(dx.is_finite() && dy.is_finite()) {
        return 0;
    }
    let (ax, ay) = (dx.abs(), dy.abs());
    if ax > ay || (ax == ay && dx < 0.0) {
        if dx >= 0.0 { 0 } else { 2 }
    } else if dy > 0.0 {
        1
    } else if dy < 0.0 {
        3
    } else {
        0
    }
}

/// Glyphs a collector's buffers may hold and still be kept for the next document on its
/// thread: growing them from empty cost a seventieth of a signed protocol's processing, and
/// a page with more glyphs than this is rare enough to pay for its own.
const KEEP_GLYPHS: usize = 1 << 16;

thread_local! {
    /// The emptied collector of the last document this thread extracted.
    static SPARE: std::cell::Cell<Option<Collector>> = const { std::cell::Cell::new(None) };
}

impl Collector {
    /// An empty collector, with the buffers the previous document on this thread grew.
    pub fn reused() -> Collector {
        SPARE.take().unwrap_or_default()
    }

    /// Empties the collector and keeps its buffers for [`Collector::reused`], unless they
    /// grew past [`KEEP_GLYPHS`].
    pub fn recycle(self) {
        if self.glyphs.iter().map(Vec::capacity).sum::<usize>() > KEEP_GLYPHS
            || self.text.capacity() > KEEP_GLYPHS * 4
        {
            return;
        }
        SPARE.set(Some(self.emptied()));
    }

    /// Adds one glyph.
    pub fn push(&mut self, g: &PlacedGlyph<'_>) {
        let class = direction_class(g.dir);
        let (x, y) = upright(class, g.x, g.y);
        if g.text.is_empty() {
            self.unmapped += 1;
            return;
        }
        // Most glyphs are one ASCII character (a one-byte str is one): no scans char by char.
        let ascii = match g.text.as_bytes() {
            [b] => Some(char::from(*b)),
            _ => None,
        };
        let blank = match ascii {
            Some(c) => c.is_whitespace(),
            None => g.text.chars().all(char::is_whitespace),
        };
        if blank {
            self.pending_space[class] = Some(x);
            return;
        }
        let size = g.size.max(0.01);
        let (x0, x1) = if g.advance >= 0.0 {
            (x, x + g.advance)
        } else {
            (x + g.advance, x)
        };
        let start = self.text.len() as u32;
        match ascii {
            // Not white (see above), so it counts; no ligature to expand.
            Some(c) => {
                if c != '\0' {
                    self.text.push(c);
                }
                self.chars += 1;
            }
            None => {
                push_expanded(&mut self.text, g.text);
                self.chars += g.text.chars().filter(|c| !c.is_whitespace()).count();
            }
        }
        let len = self.text.len() as u32 - start;
        self.glyphs[class].push(Glyph {
            start,
            len,
            x0,
            x1,
            baseline: y,
            top: y + g.ascent * size,
            bottom: y + g.descent * size,
            size,
            space_before: self.pending_space[class].take(),
        });
    }

    /// The page's text in reading order: directions by glyph count, blocks separated by blank
    /// lines, lines by newlines. Leaves the collector empty but keeps its buffers, so the next
    /// page does not grow them again from nothing.
    pub fn take_text(&mut self) -> String {
        let text = self.text_in_order();
        *self = std::mem::take(self).emptied();
        text
    }

    /// Everything back to the default, except the buffers, which are emptied and keep their
    /// capacity.
    fn emptied(self) -> Collector {
        let Collector {
            text: mut buffer,
            mut glyphs,
            ..
        } = self;
        buffer.clear();
        glyphs.iter_mut().for_each(Vec::clear);
        Collector {
            text: buffer,
            glyphs,
            ..Collector::default()
        }
    }

    fn text_in_order(&self) -> String {
        let mut classes: Vec<usize> = (0..4).filter(|&c| !self.glyphs[c].is_empty()).collect();
        classes.sort_by_key(|&c| std::cmp::Reverse(self.glyphs[c].len()));
        let mut out = String::new();
        for class in classes {
            let mut lines = rows_to_fragments(&self.text, &self.glyphs[class]);
            attach_scripts(&self.glyphs[class], &mut lines);
            let mut blocks = build_blocks(&lines);
            merge_label_columns(&self.text, &self.glyphs[class], &lines, &mut blocks);
            let mut order: Vec<usize> = (0..blocks.len()).collect();
            xy_cut(&blocks, &mut order);
            for bi in order {
                if !out.is_empty() {
                    out.push_str("\n\n");
                }
                let block = &blocks[bi];
                for (n, &li) in block.lines.iter().enumerate() {
                    if n > 0 {
                        // Pieces of one row (a justified line cut at a wide gap) stay one line.
                        let same_row =
                            block.lines.get(n - 1).map(|&p| lines[p].row) == Some(lines[li].row);
                        out.push(if same_row { ' ' } else { '\n' });
                    }
                    write_fragment(&self.text, &self.glyphs[class], &lines[li], &mut out);
                }
            }
        }
        out
    }
}

/// Appends glyph text, expanding the Latin ligatures U+FB00–U+FB06 (ISO 32000-2 §9.10.2
/// leaves that to the reader; archives search for "fi", not "ﬁ").
fn push_expanded(out: &mut String, text: &str) {
    for c in text.chars() {
        match c {
            '\u{FB00}' => out.push_str("ff"),
            '\u{FB01}' => out.push_str("fi"),
            '\u{FB02}' => out.push_str("fl"),
            '\u{FB03}' => out.push_str("ffi"),
            '\u{FB04}' => out.push_str("ffl"),
            '\u{FB05}' | '\u{FB06}' => out.push_str("st"),
            '\0' => {}
            c => out.push(c),
        }
    }
}

/// A run of glyphs on one baseline with no wide gap: a line of a block.
#[derive(Debug, Clone)]
struct Fragment {
    /// Indices into the direction's glyphs, left to right.
    glyphs: Vec<usize>,
    x0: f64,
    x1: f64,
    baseline: f64,
    top: f64,
    bottom: f64,
    size: f64,
    /// Which row (same baseline) of the page the fragment belongs to, counted from the top.
    row: usize,
}

fn cmp_f64(a: f64, b: f64) -> Ordering {
    a.partial_cmp(&b).unwrap_or(Ordering::Equal)
}

fn rows_to_fragments(text: &str, glyphs: &[Glyph]) -> Vec<Fragment> {
    let mut by_baseline: Vec<usize> = (0..glyphs.len()).collect();
    by_baseline.sort_by(|&a, &b| cmp_f64(glyphs[b].baseline, glyphs[a].baseline));
    let mut fragments = Vec::new();
    let mut i = 0;
    let mut row_number = 0;
    while i < by_baseline.len() {
        let first = &glyphs[by_baseline[i]];
        let mut j = i + 1;
        while j < by_baseline.len() {
            let g = &glyphs[by_baseline[j]];
            let tol = ROW_TOLERANCE * g.size.min(first.size);
            if first.baseline - g.baseline > tol {
                break;
            }
            j += 1;
        }
        let mut row: Vec<usize> = by_baseline[i..j].to_vec();
        row.sort_by(|&a, &b| cmp_f64(glyphs[a].x0, glyphs[b].x0));
        split_row(text, glyphs, &row, row_number, &mut fragments);
        row_number += 1;
        i = j;
    }
    fragments
}

/// Cuts a row (glyph indices sorted by x) into fragments at gaps too wide to be word spaces.
///
/// "Too wide" is relative to the row: a justified line may stretch every word space past
/// [`FRAGMENT_GAP`], but evenly, while a column gutter or a table cell border is one gap far
/// wider than the row's usual word space.
fn split_row(
    text: &str,
    glyphs: &[Glyph],
    row: &[usize],
    row_number: usize,
    out: &mut Vec<Fragment>,
) {
    match layers(text, glyphs, row) {
        Some(runs) => {
            for run in runs {
                split_at_gaps(glyphs, &run, row_number, out);
            }
        }
        None => split_at_gaps(glyphs, row, row_number, out),
    }
}

/// Glyph pairs of a row that must overlap before it is read as layers.
const MIN_LAYER_OVERLAPS: usize = 2;
/// Share of the narrower glyph's advance two neighbours overlap by to count as layered
/// (kerning overlaps a few percent).
const LAYER_OVERLAP: f64 = 0.5;

/// A row holding two texts drawn over each other (an overlay or underlay page, a stamp or
/// watermark on the baseline of the text) cut into the runs it was drawn in; `None` for an
/// ordinary row. Sorted by x alone, such a row interleaves the letters of both texts
/// ("OPriogitnaaltpoage"); pdftotext and mutool keep each text's letters together.
fn layers(text: &str, glyphs: &[Glyph], row: &[usize]) -> Option<Vec<Vec<usize>>> {
    let text = |g: &Glyph| text.get(g.start as usize..(g.start + g.len) as usize);
    let overlaps = row
        .windows(2)
        .filter(|w| {
            let (Some(a), Some(b)) = (glyphs.get(w[0]), glyphs.get(w[1])) else {
                return false;
            };
            let narrow = (a.x1 - a.x0).min(b.x1 - b.x0);
            narrow > 0.0 && a.x1 - b.x0 > LAYER_OVERLAP * narrow && text(a) != text(b)
        })
        .count();
    if overlaps < MIN_LAYER_OVERLAPS {
        return None;
    }
    // Glyphs are numbered in drawing order; a run is drawn left to right, so a glyph left
    // of the one drawn before it starts another run.
    let mut drawn = row.to_vec();
    drawn.sort_unstable();
    let mut runs: Vec<Vec<usize>> = Vec::new();
    let mut last_x = f64::INFINITY;
    for gi in drawn {
        let x = glyphs.get(gi).map_or(0.0, |g| g.x0);
        match runs.last_mut() {
            Some(run) if x >= last_x - 0.01 => run.push(gi),
            _ => runs.push(vec![gi]),
        }
        last_x = x;
    }
    Some(runs)
}

/// [`split_row`] for glyphs of one layer.
fn split_at_gaps(glyphs: &[Glyph], row: &[usize], row_number: usize, out: &mut Vec<Fragment>) {
    // Gap before each glyph (to the furthest right edge so far), in ems.
    let mut gaps = Vec::with_capacity(row.len());
    let mut right = f64::NEG_INFINITY;
    for &gi in row {
        let g = &glyphs[gi];
        gaps.push((g.x0 - right) / g.size);
        right = right.max(g.x1);
    }
    // Justification stretches every space of a line alike, so the narrowest word gap is the
    // line's word space; a gutter or cell border is wider than that by far.
    let word_gaps = gaps
        .iter()
        .filter(|&&gap| gap.is_finite() && gap > WORD_GAP);
    let narrowest = word_gaps.clone().copied().fold(f64::INFINITY, f64::min);
    let threshold = if word_gaps.count() >= JUSTIFIED_MIN_GAPS {
        FRAGMENT_GAP.max(JUSTIFIED_GAP_FACTOR * narrowest)
    } else {
        FRAGMENT_GAP
    };
    let mut current: Vec<usize> = Vec::new();
    for (&gi, &gap) in row.iter().zip(&gaps) {
        if !current.is_empty() && gap > threshold {
            out.push(fragment(glyphs, std::mem::take(&mut current), row_number));
        }
        current.push(gi);
    }
    if !current.is_empty() {
        out.push(fragment(glyphs, current, row_number));
    }
}

/// Most glyphs a superscript or subscript may have ("th", a footnote number, an exponent).
const MAX_SCRIPT_GLYPHS: usize = 6;
/// A script's font is at most this fraction of its line's.
const SCRIPT_SIZE_RATIO: f64 = 0.85;
/// Highest a superscript's baseline sits above its line's, in ems of the line.
const SUPERSCRIPT_RISE: f64 = 0.7;
/// Lowest a subscript's baseline sits below its line's, in ems of the line.
const SUBSCRIPT_DROP: f64 = 0.4;
/// Largest gap, in ems of the line, between a script and the glyph it is written to.
const SCRIPT_GAP: f64 = 0.3;
/// Rows above and below a script searched for its line.
const SCRIPT_ROWS: usize = 3;

/// Moves superscripts and subscripts ("240th", "requerida⁶", "x²", "H₂O") into the line
/// they are written to. Their baseline is off the line's by more than a row's tolerance, so
/// rows made them lines of their own, read before or after the whole line; pdftotext and
/// mutool read them in place. A script is a short fragment in a smaller font whose baseline
/// lies within the line's body and which touches one of the line's glyphs.
fn attach_scripts(glyphs: &[Glyph], fragments: &mut Vec<Fragment>) {
    let rows = fragments.last().map_or(0, |f| f.row + 1);
    // Fragments come row by row: the first fragment of each row, and one past the last.
    let mut row_start = vec![fragments.len(); rows + 1];
    for (i, f) in fragments.iter().enumerate().rev() {
        row_start[f.row] = i;
    }
    for r in (0..rows).rev() {
        row_start[r] = row_start[r].min(row_start[r + 1]);
    }
    let mut target: Vec<Option<usize>> = vec![None; fragments.len()];
    for (si, s) in fragments.iter().enumerate() {
        if s.glyphs.len() > MAX_SCRIPT_GLYPHS {
            continue;
        }
        let first = row_start[s.row.saturating_sub(SCRIPT_ROWS)];
        let last = row_start[(s.row + SCRIPT_ROWS + 1).min(rows)];
        target[si] = (first..last)
            .filter(|&bi| bi != si && is_script_of(glyphs, s, &fragments[bi]))
            .max_by(|&a, &b| cmp_f64(fragments[a].size, fragments[b].size));
    }
    if target.iter().all(Option::is_none) {
        return;
    }
    // A script of a script (a sub-subscript) goes to the line its own line goes to.
    let root = |mut i: usize| {
        for _ in 0..SCRIPT_ROWS {
            match target[i] {
                Some(t) => i = t,
                None => break,
            }
        }
        i
    };
    let roots: Vec<Option<usize>> = (0..fragments.len())
        .map(|i| target[i].map(|_| root(i)).filter(|&r| target[r].is_none()))
        .collect();
    let mut moved: Vec<Vec<usize>> = vec![Vec::new(); fragments.len()];
    for (i, r) in roots.iter().enumerate() {
        if let Some(r) = *r {
            moved[r].extend_from_slice(&fragments[i].glyphs);
        }
    }
    let old = std::mem::take(fragments);
    for (i, mut f) in old.into_iter().enumerate() {
        if roots[i].is_some() {
            continue;
        }
        if !moved[i].is_empty() {
            let (baseline, row) = (f.baseline, f.row);
            let mut idx = std::mem::take(&mut f.glyphs);
            idx.extend_from_slice(&moved[i]);
            idx.sort_by(|&a, &b| cmp_f64(glyphs[a].x0, glyphs[b].x0));
            f = fragment(glyphs, idx, row);
            // The line stays where its own glyphs are.
            f.baseline = baseline;
        }
        fragments.push(f);
    }
}

/// True when fragment `s` is a superscript or subscript written to line `b`.
fn is_script_of(glyphs: &[Glyph], s: &Fragment, b: &Fragment) -> bool {
    let em = b.size;
    let rise = s.baseline - b.baseline;
    if !(s.size <= SCRIPT_SIZE_RATIO * em
        && rise <= SUPERSCRIPT_RISE * em
        && rise >= -SUBSCRIPT_DROP * em
        && s.x1 >= b.x0 - SCRIPT_GAP * em
        && s.x0 <= b.x1 + SCRIPT_GAP * em)
    {
        return false;
    }
    // Written to a glyph: right after one, or right before one (a subscript before the
    // next letter), and over none of them.
    let gap = SCRIPT_GAP * em;
    let mut touches = false;
    for g in b.glyphs.iter().filter_map(|&i| glyphs.get(i)) {
        if g.x0 < s.x1 - 0.1 * em && g.x1 > s.x0 + 0.1 * em {
            return false;
        }
        touches |= (s.x0 - g.x1).abs() < gap || (g.x0 - s.x1).abs() < gap;
    }
    touches
}

fn fragment(glyphs: &[Glyph], idx: Vec<usize>, row: usize) -> Fragment {
    let mut f = Fragment {
        x0: f64::INFINITY,
        x1: f64::NEG_INFINITY,
        baseline: 0.0,
        top: f64::NEG_INFINITY,
        bottom: f64::INFINITY,
        size: 0.0,
        glyphs: Vec::new(),
        row,
    };
    let mut weight = 0.0;
    for &gi in &idx {
        let g = &glyphs[gi];
        f.x0 = f.x0.min(g.x0);
        f.x1 = f.x1.max(g.x1);
        f.top = f.top.max(g.top);
        f.bottom = f.bottom.min(g.bottom);
        f.baseline += g.baseline * g.size;
        f.size = f.size.max(g.size);
        weight += g.size;
    }
    f.baseline /= weight.max(f64::MIN_POSITIVE);
    f.glyphs = idx;
    f
}

/// Writes a fragment's glyphs with word breaks.
fn write_fragment(text: &str, glyphs: &[Glyph], f: &Fragment, out: &mut String) {
    let mut prev: Option<&Glyph> = None;
    for &gi in &f.glyphs {
        let g = &glyphs[gi];
        let s = text
            .get(g.start as usize..(g.start + g.len) as usize)
            .unwrap_or("");
        if let Some(p) = prev {
            let size = g.size.min(p.size);
            // The same glyph drawn twice at (almost) the same place: fake bold or a shadow.
            // The place is tested first: it rules out nearly every pair without a compare.
            // "Almost" is a fraction of the first glyph's advance too: in a condensed font
            // the second "l" of "illogique" starts less than 0.2 em after the first.
            let advance = p.x1 - p.x0;
            let same_place = if advance > 0.0 {
                (0.2 * size).min(0.5 * advance)
            } else {
                0.2 * size
            };
            if (g.x0 - p.x0).abs() < same_place
                && text.get(p.start as usize..(p.start + p.len) as usize) == Some(s)
            {
                continue;
            }
            let gap = g.x0 - p.x1;
            // A literal space counts unless spacing squeezed it to nothing (groff letter-spaces
            // headings with a space glyph and a negative word spacing).
            let literal = g
                .space_before
                .is_some_and(|sx| sx >= p.x0 - 0.1 * size && sx <= g.x0 + 0.1 * size)
                && gap > LITERAL_SPACE_MIN_GAP * size;
            if literal || gap > WORD_GAP * size {
                out.push(' ');
            }
        }
        out.push_str(s);
        prev = Some(g);
    }
}

/// A group of fragments read together: a paragraph, a table cell, a column's run of lines.
#[derive(Debug, Clone)]
struct Block {
    /// Fragment indices in reading order.
    lines: Vec<usize>,
    x0: f64,
    x1: f64,
    top: f64,
    bottom: f64,
    /// The first line's baseline: where overlapping blocks are ordered.
    first_baseline: f64,
    /// The lowest glyph index (drawing order) of the block's lines.
    first_drawn: usize,
    last_baseline: f64,
    /// The x-range of the last line, to which the next line must connect.
    last_x0: f64,
    last_x1: f64,
    size: f64,
}

fn overlap(a0: f64, a1: f64, b0: f64, b1: f64) -> f64 {
    a1.min(b1) - a0.max(b0)
}

fn build_blocks(fragments: &[Fragment]) -> Vec<Block> {
    let mut order: Vec<usize> = (0..fragments.len()).collect();
    order.sort_by(|&a, &b| {
        fragments[a]
            .row
            .cmp(&fragments[b].row)
            .then(cmp_f64(fragments[a].x0, fragments[b].x0))
    });
    let mut blocks: Vec<Block> = Vec::new();
    // Blocks that can still take a line; closed ones stay in `blocks` only.
    let mut open: Vec<usize> = Vec::new();
    for fi in order {
        let f = &fragments[fi];
        open.retain(|&bi| {
            let b = &blocks[bi];
            b.last_baseline - f.baseline <= BLOCK_LINE_GAP * b.size.max(f.size)
        });
        let mut candidates = open.iter().copied().filter(|&bi| {
            let b = &blocks[bi];
            let same_row = (b.last_baseline - f.baseline).abs() <= ROW_TOLERANCE * f.size;
            let ratio = b.size.max(f.size) / b.size.min(f.size).max(0.01);
            let connects = if same_row {
                // A second fragment on the block's last row (a wide word gap in justified
                // text) belongs to it when it lies within the block's width.
                overlap(b.x0, b.x1, f.x0, f.x1) > 0.0
            } else {
                overlap(b.last_x0, b.last_x1, f.x0, f.x1) > 0.0
                    || overlap(b.x0, b.x1, f.x0, f.x1) > 0.0
            };
            connects
                && ratio <= MAX_BLOCK_SIZE_RATIO
                && b.last_baseline >= f.baseline - ROW_TOLERANCE * f.size
        });
        let first = candidates.next();
        let second = candidates.next();
        match (first, second) {
            (Some(bi), None) => {
                let b = &mut blocks[bi];
                b.lines.push(fi);
                b.first_drawn = f.glyphs.iter().copied().fold(b.first_drawn, usize::min);
                b.x0 = b.x0.min(f.x0);
                b.x1 = b.x1.max(f.x1);
                b.top = b.top.max(f.top);
                b.bottom = b.bottom.min(f.bottom);
                if (b.last_baseline - f.baseline).abs() > ROW_TOLERANCE * f.size {
                    b.last_x0 = f.x0;
                    b.last_x1 = f.x1;
                } else {
                    b.last_x0 = b.last_x0.min(f.x0);
                    b.last_x1 = b.last_x1.max(f.x1);
                }
                b.last_baseline = f.baseline;
            }
            // Touching two blocks (a full-width line under two columns) or none: a new block.
            _ => {
                blocks.push(Block {
                    lines: vec![fi],
                    x0: f.x0,
                    x1: f.x1,
                    top: f.top,
                    bottom: f.bottom,
                    first_baseline: f.baseline,
                    first_drawn: f.glyphs.iter().copied().min().unwrap_or(usize::MAX),
                    last_baseline: f.baseline,
                    last_x0: f.x0,
                    last_x1: f.x1,
                    size: f.size,
                });
                open.push(blocks.len() - 1);
            }
        }
    }
    blocks
}

/// Widest gap, in ems, between a label column and the text it labels.
const LABEL_GAP: f64 = 4.0;
/// A label column is at most this fraction of the labelled text's width.
const LABEL_WIDTH_RATIO: f64 = 0.5;
/// Pages with more blocks than this skip the label search (it compares pairs of blocks).
const MAX_LABEL_BLOCKS: usize = 4096;

/// Merges a narrow column of labels or list markers ("1-", "Banner:", "§ 12") into the block
/// of text it labels, when each of its lines sits on the row of one of that text's lines, so
/// the two read row by row ("1- Indicar …", "Banner: GREEN …") as pdftotext and mutool read
/// them, not every marker first and then every text. Columns of running text are not labels:
/// they are about as wide as their neighbours, and their rows need not line up. A label of
/// several lines is a list of labels only when each line is one (ends with a colon, or is a
/// list marker); otherwise it is one label wrapped ("Övriga / deltagare"), read whole first.
fn merge_label_columns(text: &str, glyphs: &[Glyph], lines: &[Fragment], blocks: &mut Vec<Block>) {
    if blocks.len() < 2 || blocks.len() > MAX_LABEL_BLOCKS {
        return;
    }
    let rows: Vec<Vec<usize>> = blocks
        .iter()
        .map(|b| {
            let mut rows: Vec<usize> = b
                .lines
                .iter()
                .filter_map(|&li| lines.get(li))
                .map(|f| f.row)
                .collect();
            rows.sort_unstable();
            rows.dedup();
            rows
        })
        .collect();
    let mut by_x0: Vec<usize> = (0..blocks.len()).collect();
    by_x0.sort_by(|&a, &b| cmp_f64(blocks[a].x0, blocks[b].x0));
    let mut target: Vec<Option<usize>> = vec![None; blocks.len()];
    for (ai, a) in blocks.iter().enumerate() {
        let reach = a.x1 + LABEL_GAP * a.size;
        let from = by_x0.partition_point(|&bi| blocks[bi].x0 < a.x1 - CUT_TOLERANCE * a.size);
        let found = by_x0[from..]
            .iter()
            .copied()
            .take_while(|&bi| blocks[bi].x0 <= reach)
            .find(|&bi| bi != ai && labels(a, &rows[ai], &blocks[bi], &rows[bi]));
        // The text is read only for the few blocks whose geometry is a label column's.
        let one_label_per_line = || {
            a.lines.len() == 1
                || a.lines.iter().all(|&li| {
                    lines
                        .get(li)
                        .is_some_and(|f| is_label_line(text, glyphs, f))
                })
        };
        target[ai] = found.filter(|_| one_label_per_line());
    }
    if target.iter().all(Option::is_none) {
        return;
    }
    // A label of a label (three narrow columns) goes where its target goes.
    let root = |mut i: usize| {
        for _ in 0..blocks.len() {
            match target[i] {
                Some(t) => i = t,
                None => break,
            }
        }
        i
    };
    let roots: Vec<usize> = (0..blocks.len()).map(root).collect();
    let mut merged: Vec<Option<Block>> = std::mem::take(blocks).into_iter().map(Some).collect();
    let mut received = vec![false; merged.len()];
    for (i, &r) in roots.iter().enumerate() {
        if r == i || target[r].is_some() {
            continue;
        }
        let Some(label) = merged.get_mut(i).and_then(Option::take) else {
            continue;
        };
        if let Some(Some(into)) = merged.get_mut(r) {
            received[r] = true;
            into.lines.extend(label.lines);
            into.x0 = into.x0.min(label.x0);
            into.x1 = into.x1.max(label.x1);
            into.top = into.top.max(label.top);
            into.bottom = into.bottom.min(label.bottom);
        }
    }
    for (i, block) in merged.into_iter().enumerate() {
        let Some(mut block) = block else { continue };
        if received[i] {
            // Row by row, and left to right within a row.
            block.lines.sort_by(|&a, &b| {
                let (fa, fb) = (&lines[a], &lines[b]);
                fa.row.cmp(&fb.row).then(cmp_f64(fa.x0, fb.x0))
            });
        }
        blocks.push(block);
    }
}

/// Longest label line, in glyphs, tested by [`is_label_line`].
const MAX_LABEL_GLYPHS: usize = 40;

/// True when a line is a label by its text: it ends with a colon ("Status row:"), or it is a
/// list marker: a number, letter or roman numeral with `.`, `)` or `-` ("1-", "b)", "iv."),
/// a bare number, a paragraph mark ("§ 12"), or a bullet or dash.
fn is_label_line(text: &str, glyphs: &[Glyph], f: &Fragment) -> bool {
    if f.glyphs.len() > MAX_LABEL_GLYPHS {
        return false;
    }
    let mut line = String::new();
    for g in f.glyphs.iter().filter_map(|&gi| glyphs.get(gi)) {
        line.push_str(
            text.get(g.start as usize..(g.start + g.len) as usize)
                .unwrap_or(""),
        );
    }
    line.retain(|c| !c.is_whitespace());
    if line.ends_with(':') {
        return true;
    }
    let body = line.strip_prefix('§').unwrap_or(&line);
    let marked = body.strip_suffix(['.', ')', '-', '\u{2013}']);
    let body = marked.unwrap_or(body);
    let numeral = !body.is_empty() && body.len() <= 4 && body.chars().all(|c| c.is_ascii_digit());
    let letter =
        marked.is_some() && body.chars().count() == 1 && body.chars().all(char::is_alphabetic);
    let roman = marked.is_some()
        && !body.is_empty()
        && body.len() <= 5
        && body.chars().all(|c| "ivxlcIVXLC".contains(c));
    let bullet = matches!(
        line.as_str(),
        "\u{2022}" | "-" | "\u{2013}" | "\u{2014}" | "*" | "\u{25aa}" | "\u{25cf}"
    );
    numeral || letter || roman || bullet
}

/// True when block `a` (rows `a_rows`) is a label column of block `b`: left of it, much
/// narrower, the same size of type, and every one of its rows a row of `b` (a lone label: the
/// first).
fn labels(a: &Block, a_rows: &[usize], b: &Block, b_rows: &[usize]) -> bool {
    let size = a.size.max(b.size);
    let ratio = size / a.size.min(b.size).max(0.01);
    b.x0 >= a.x1 - CUT_TOLERANCE * size
        && b.x0 - a.x1 <= LABEL_GAP * size
        && (a.x1 - a.x0) <= LABEL_WIDTH_RATIO * (b.x1 - b.x0)
        && ratio <= MAX_BLOCK_SIZE_RATIO
        && match a_rows {
            // One label sits on the first line of what it labels; one in the middle of a
            // table cell's lines is centred on the cell and read before it.
            [row] => b_rows.first() == Some(row),
            rows => !rows.is_empty() && rows.iter().all(|r| b_rows.binary_search(r).is_ok()),
        }
}

/// Orders `idx` (indices into `blocks`) by recursive XY-cut: bands top to bottom, then
/// columns left to right, else by position.
fn xy_cut(blocks: &[Block], idx: &mut [usize]) {
    if idx.len() <= 1 {
        return;
    }
    // Horizontal bands.
    idx.sort_by(|&a, &b| {
        cmp_f64(blocks[b].top, blocks[a].top).then(cmp_f64(blocks[a].x0, blocks[b].x0))
    });
    let mut cuts = Vec::new();
    let mut low = blocks[idx[0]].bottom;
    for (k, &bi) in idx.iter().enumerate().skip(1) {
        let b = &blocks[bi];
        let tol = CUT_TOLERANCE * b.size;
        if b.top <= low + tol {
            cuts.push(k);
            low = b.bottom;
        } else {
            low = low.min(b.bottom);
        }
    }
    if !cuts.is_empty() {
        recurse_parts(blocks, idx, &cuts);
        return;
    }
    // Vertical columns.
    idx.sort_by(|&a, &b| {
        cmp_f64(blocks[a].x0, blocks[b].x0).then(cmp_f64(blocks[b].top, blocks[a].top))
    });
    let mut right = blocks[idx[0]].x1;
    for (k, &bi) in idx.iter().enumerate().skip(1) {
        let b = &blocks[bi];
        if b.x0 >= right - CUT_TOLERANCE * b.size {
            cuts.push(k);
        }
        right = right.max(b.x1);
    }
    if !cuts.is_empty() {
        recurse_parts(blocks, idx, &cuts);
        return;
    }
    // Overlapping blocks that no cut separates (texts in different sizes drawn over each
    // other): by their first baselines, top to bottom, then left to right, then in drawing
    // order. Tops would put a large word first whose box reaches above a small line it sits
    // on or below.
    idx.sort_by(|&a, &b| {
        cmp_f64(blocks[b].first_baseline, blocks[a].first_baseline)
            .then(cmp_f64(blocks[a].x0, blocks[b].x0))
            .then(blocks[a].first_drawn.cmp(&blocks[b].first_drawn))
    });
}

fn recurse_parts(blocks: &[Block], idx: &mut [usize], cuts: &[usize]) {
    let mut start = 0;
    for &c in cuts.iter().chain(std::iter::once(&idx.len())) {
        xy_cut(blocks, &mut idx[start..c]);
        start = c;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn direction_class_is_the_rounded_angle() {
        // The old definition, by atan2, over a full turn in 1° steps and at the diagonals.
        let by_angle = |(dx, dy): (f64, f64)| {
            let q = (dy.atan2(dx).to_degrees() / 90.0).round() as i64;
            q.rem_euclid(4) as usize
        };
        for step in 0..360 {
            let a = (step as f64).to_radians();
            let dir = (a.cos(), a.sin());
            if (step % 90) != 45 {
                assert_eq!(direction_class(dir), by_angle(dir), "{step}°");
            }
        }
        let h = std::f64::consts::FRAC_1_SQRT_2;
        for dir in [(h, h), (-h, h), (-h, -h), (h, -h), (1.0, 0.0), (0.0, -1.0)] {
            assert_eq!(direction_class(dir), by_angle(dir), "{dir:?}");
        }
        assert_eq!(direction_class((f64::NAN, 1.0)), 0);
        assert_eq!(direction_class((0.0, 0.0)), 0);
    }

    /// Places one character with its origin at `(x, y)`, reading along `dir`.
    fn glyph(c: &mut Collector, ch: char, (x, y): (f64, f64), dir: (f64, f64), size: f64) {
        let mut buf = [0u8; 4];
        c.push(&PlacedGlyph {
            text: ch.encode_utf8(&mut buf),
            x,
            y,
            dir,
            advance: size / 2.0,
            size,
            ascent: 0.8,
            descent: -0.2,
            invisible: false,
        });
    }

    /// Places `words` left to right at `(x, y)` with a 10-point font whose glyphs are 5 wide.
    fn line(c: &mut Collector, x: f64, y: f64, words: &str) {
        for (i, ch) in words.chars().enumerate() {
            glyph(c, ch, (x + 5.0 * i as f64, y), (1.0, 0.0), 10.0);
        }
    }

    #[test]
    fn a_recycled_collector_comes_back_empty_with_its_buffers() {
        let mut c = Collector::default();
        // The trailing space leaves a pending word break; the empty text an unmapped glyph.
        line(&mut c, 0.0, 0.0, "Justerare ");
        c.push(&PlacedGlyph {
            text: "",
            x: 0.0,
            y: 0.0,
            dir: (1.0, 0.0),
            advance: 5.0,
            size: 10.0,
            ascent: 0.8,
            descent: -0.2,
            invisible: false,
        });
        assert!(c.pending_space[0].is_some() && c.unmapped == 1 && c.chars == 9);
        let grown = c.glyphs[0].capacity();
        c.recycle();

        let r = Collector::reused();
        assert!(r.text.is_empty() && r.glyphs.iter().all(Vec::is_empty));
        assert_eq!((r.unmapped, r.chars, r.pending_space), (0, 0, [None; 4]));
        assert!(r.glyphs[0].capacity() >= grown && grown > 0);
        // Taken: the next document on this thread starts from nothing.
        assert_eq!(Collector::reused().glyphs[0].capacity(), 0);
    }

    #[test]
    fn a_collector_grown_past_the_limit_is_not_kept() {
        let mut c = Collector::default();
        c.glyphs[1].reserve(KEEP_GLYPHS + 1);
        c.recycle();
        assert_eq!(Collector::reused().glyphs[1].capacity(), 0);
    }

    #[test]
    fn literal_spaces_and_gaps_both_break_words() {
        let mut c = Collector::default();
        line(&mut c, 0.0, 100.0, "Åsa Öberg");
        line(&mut c, 52.0, 100.0, "ordförande");
        assert_eq!(c.take_text(), "Åsa Öberg ordförande");
    }

    #[test]
    fn a_collector_taken_from_starts_the_next_page_empty() {
        let mut c = Collector::default();
        line(&mut c, 0.0, 100.0, "Protokoll");
        assert_eq!(c.take_text(), "Protokoll");
        assert_eq!((c.chars, c.unmapped), (0, 0));
        line(&mut c, 0.0, 100.0, "Sida 2");
        assert_eq!(c.chars, 5);
        assert_eq!(c.take_text(), "Sida 2");
        assert_eq!(c.take_text(), "");
    }

    #[test]
    fn kerning_gap_is_not_a_word_break() {
        let mut c = Collector::default();
        line(&mut c, 0.0, 100.0, "Mä");
        line(&mut c, 11.0, 100.0, "rta");
        assert_eq!(c.take_text(), "Märta");
    }

    #[test]
    fn two_columns_read_column_by_column() {
        let mut c = Collector::default();
        for (i, (l, r)) in [
            ("left one", "right one"),
            ("left two", "right two"),
            ("left three", "right three"),
        ]
        .iter()
        .enumerate()
        {
            let y = 700.0 - 12.0 * i as f64;
            line(&mut c, 50.0, y, l);
            line(&mut c, 300.0, y, r);
        }
        let text = c.take_text();
        let words: Vec<&str> = text.split_whitespace().collect();
        assert_eq!(
            words,
            [
                "left", "one", "left", "two", "left", "three", "right", "one", "right", "two",
                "right", "three"
            ]
        );
    }

    #[test]
    fn table_reads_row_by_row_and_cell_by_cell() {
        let mut c = Collector::default();
        // Row 1: label cell, a two-line names cell, a two-line affiliation cell.
        line(&mut c, 50.0, 700.0, "Beslutande");
        line(&mut c, 200.0, 700.0, "Peter Vigren");
        line(&mut c, 200.0, 688.0, "Anna Frej");
        line(&mut c, 400.0, 700.0, "Umeå kommun");
        line(&mut c, 400.0, 688.0, "Vännäs kommun");
        // Row 2, after a gap.
        line(&mut c, 50.0, 660.0, "Sekreterare");
        line(&mut c, 200.0, 660.0, "Johanna Persson");
        let text = c.take_text();
        let words: Vec<&str> = text.split_whitespace().collect();
        assert_eq!(
            words,
            [
                "Beslutande",
                "Peter",
                "Vigren",
                "Anna",
                "Frej",
                "Umeå",
                "kommun",
                "Vännäs",
                "kommun",
                "Sekreterare",
                "Johanna",
                "Persson"
            ]
        );
    }

    /// The page's words in reading order.
    fn words(c: &mut Collector) -> Vec<String> {
        c.take_text()
            .split_whitespace()
            .map(str::to_owned)
            .collect()
    }

    #[test]
    fn a_column_of_list_markers_reads_row_by_row_with_its_items() {
        let mut c = Collector::default();
        for (i, (marker, item)) in [
            ("1-", "Indicar el nombre"),
            ("2-", "A2 o B1"),
            ("3-", "Salamanca"),
        ]
        .iter()
        .enumerate()
        {
            let y = 700.0 - 12.0 * i as f64;
            line(&mut c, 50.0, y, marker);
            line(&mut c, 75.0, y, item);
        }
        assert_eq!(
            words(&mut c),
            [
                "1-",
                "Indicar",
                "el",
                "nombre",
                "2-",
                "A2",
                "o",
                "B1",
                "3-",
                "Salamanca"
            ]
        );
        // Labels ending with a colon, the values a wide gap (3 em) away.
        line(&mut c, 50.0, 700.0, "Banner:");
        line(&mut c, 50.0, 688.0, "Status:");
        line(&mut c, 115.0, 700.0, "GREEN and verified");
        line(&mut c, 115.0, 688.0, "GREEN check");
        assert_eq!(
            words(&mut c),
            [
                "Banner:", "GREEN", "and", "verified", "Status:", "GREEN", "check"
            ]
        );
    }

    #[test]
    fn a_wrapped_label_or_one_centred_on_its_cell_is_read_first() {
        // Near misses of the label column: a label of two lines that are no labels by
        // themselves is one label wrapped, read whole before its cell.
        let mut c = Collector::default();
        line(&mut c, 50.0, 700.0, "Övriga");
        line(&mut c, 50.0, 688.0, "deltagare");
        line(&mut c, 110.0, 700.0, "Olle Edblom");
        line(&mut c, 110.0, 688.0, "Katarina Hansson");
        assert_eq!(
            words(&mut c),
            [
                "Övriga",
                "deltagare",
                "Olle",
                "Edblom",
                "Katarina",
                "Hansson"
            ]
        );
        // One label on the middle line of its cell's three.
        line(&mut c, 130.0, 700.0, "Peter Vigren");
        line(&mut c, 130.0, 688.0, "Anna Frej");
        line(&mut c, 50.0, 688.0, "Beslutande");
        line(&mut c, 130.0, 676.0, "Mikael Broman");
        assert_eq!(
            words(&mut c),
            [
                "Beslutande",
                "Peter",
                "Vigren",
                "Anna",
                "Frej",
                "Mikael",
                "Broman"
            ]
        );
        // Columns of running text are as wide as each other: no labels.
        line(&mut c, 50.0, 700.0, "1.");
        line(&mut c, 50.0, 688.0, "2.");
        line(&mut c, 300.0, 700.0, "far away text");
        line(&mut c, 300.0, 688.0, "more of it");
        assert_eq!(
            words(&mut c),
            ["1.", "2.", "far", "away", "text", "more", "of", "it"]
        );
    }

    #[test]
    fn label_lines_are_colons_and_list_markers() {
        let mut c = Collector::default();
        let cases = [
            ("Status row:", true),
            ("1-", true),
            ("12.", true),
            ("§ 12", true),
            ("b)", true),
            ("iv.", true),
            ("\u{2022}", true),
            ("7", true),
            ("deltagare", false),
            ("b", false),
            ("12345", false),
            ("civil", false),
            ("A2,", false),
        ];
        for (label, expected) in cases {
            line(&mut c, 50.0, 700.0, label);
            let lines = rows_to_fragments(&c.text, &c.glyphs[0]);
            let [f] = lines.as_slice() else {
                panic!("{label}: one line expected");
            };
            assert_eq!(is_label_line(&c.text, &c.glyphs[0], f), expected, "{label}");
            c.take_text();
        }
    }

    #[test]
    fn overlapping_texts_in_two_sizes_read_by_baseline() {
        let mut c = Collector::default();
        // A 20-point word whose box reaches above a 10-point line it sits 2 points below.
        for (i, ch) in "Potato".chars().enumerate() {
            glyph(
                &mut c,
                ch,
                (72.0 + 10.0 * i as f64, 698.0),
                (1.0, 0.0),
                20.0,
            );
        }
        line(&mut c, 72.0, 700.0, "Original page 4");
        assert_eq!(words(&mut c), ["Original", "page", "4", "Potato"]);
        // On one baseline (an overlay page over the original): in drawing order.
        line(&mut c, 72.0, 700.0, "Original page 4");
        for (i, ch) in "Potato".chars().enumerate() {
            glyph(
                &mut c,
                ch,
                (72.0 + 10.0 * i as f64, 700.0),
                (1.0, 0.0),
                20.0,
            );
        }
        assert_eq!(words(&mut c), ["Original", "page", "4", "Potato"]);
        // Near miss: the large word's baseline above the line's is read first.
        for (i, ch) in "Potato".chars().enumerate() {
            glyph(
                &mut c,
                ch,
                (72.0 + 10.0 * i as f64, 702.0),
                (1.0, 0.0),
                20.0,
            );
        }
        line(&mut c, 72.0, 700.0, "Original page 4");
        assert_eq!(words(&mut c), ["Potato", "Original", "page", "4"]);
    }

    #[test]
    fn content_order_does_not_matter() {
        let mut c = Collector::default();
        line(&mut c, 50.0, 688.0, "second line");
        line(&mut c, 50.0, 700.0, "first line");
        assert_eq!(c.take_text(), "first line\nsecond line");
    }

    #[test]
    fn fake_bold_duplicates_are_dropped() {
        let mut c = Collector::default();
        line(&mut c, 50.0, 700.0, "Protokoll");
        line(&mut c, 50.3, 700.0, "Protokoll");
        assert_eq!(c.take_text(), "Protokoll");
    }

    #[test]
    fn doubled_letters_of_a_condensed_font_are_not_fake_bold() {
        // 20-point glyphs 4 points apart (0.2 em), each 4 wide: "ll" is two letters.
        let mut c = Collector::default();
        for (i, ch) in "illogique".chars().enumerate() {
            c.push(&PlacedGlyph {
                text: ch.encode_utf8(&mut [0u8; 4]),
                x: 10.0 + 3.98 * i as f64,
                y: 20.0,
                dir: (1.0, 0.0),
                advance: 3.98,
                size: 20.0,
                ascent: 0.8,
                descent: -0.2,
                invisible: false,
            });
        }
        assert_eq!(c.take_text(), "illogique");
    }

    /// Places `text` at `(x, y)` in a `size`-point font whose glyphs are `size / 2` wide.
    fn run_at(c: &mut Collector, x: f64, y: f64, size: f64, text: &str) {
        for (i, ch) in text.chars().enumerate() {
            glyph(c, ch, (x + size / 2.0 * i as f64, y), (1.0, 0.0), size);
        }
    }

    #[test]
    fn superscripts_and_subscripts_read_in_their_line() {
        let mut c = Collector::default();
        run_at(&mut c, 50.0, 700.0, 10.0, "the 240");
        run_at(&mut c, 85.0, 704.0, 6.0, "th");
        run_at(&mut c, 94.0, 700.0, 10.0, "day of H");
        run_at(&mut c, 134.0, 697.5, 6.0, "2");
        run_at(&mut c, 137.0, 700.0, 10.0, "O");
        run_at(&mut c, 50.0, 688.0, 10.0, "next line");
        assert_eq!(c.take_text(), "the 240th day of H2O\nnext line");
    }

    #[test]
    fn a_small_line_apart_from_the_text_is_not_a_script() {
        let mut c = Collector::default();
        run_at(&mut c, 50.0, 700.0, 10.0, "Protokoll");
        // A caption in a smaller font, raised, but a word space and more to the right.
        run_at(&mut c, 105.0, 704.0, 6.0, "sid 2");
        // A footnote under the line, not touching any of its glyphs.
        run_at(&mut c, 200.0, 697.0, 6.0, "1");
        let text = c.take_text();
        // Attached, either would join the line "Protokoll" (after a word space).
        let line = text.lines().find(|l| l.contains("Protokoll"));
        assert_eq!(line, Some("Protokoll"), "{text}");
    }

    #[test]
    fn texts_drawn_over_each_other_are_not_interleaved() {
        let mut c = Collector::default();
        line(&mut c, 50.0, 700.0, "Original page");
        line(&mut c, 52.0, 700.0, "Potato");
        let text = c.take_text();
        assert!(text.contains("Original page"), "{text}");
        assert!(text.contains("Potato"), "{text}");
    }

    #[test]
    fn kerned_letters_are_one_text() {
        let mut c = Collector::default();
        // "AVATAR" with each pair kerned 1 point (a fifth of a glyph) together, drawn
        // right to left as some producers do.
        for (i, ch) in "AVATAR".char_indices().rev() {
            glyph(&mut c, ch, (50.0 + 4.0 * i as f64, 700.0), (1.0, 0.0), 10.0);
        }
        assert_eq!(c.take_text(), "AVATAR");
    }

    #[test]
    fn rotated_text_reads_along_its_baseline() {
        let mut c = Collector::default();
        // Text running up the page (90°), as on a landscape page drawn rotated.
        for (i, ch) in "Plan".chars().enumerate() {
            glyph(
                &mut c,
                ch,
                (100.0, 100.0 + 5.0 * i as f64),
                (0.0, 1.0),
                10.0,
            );
        }
        assert_eq!(c.take_text(), "Plan");
    }

    #[test]
    fn ligatures_are_expanded() {
        let mut c = Collector::default();
        line(&mut c, 0.0, 0.0, "\u{FB01}nal");
        assert_eq!(c.take_text(), "final");
    }
    /// Places words at explicit x positions on one baseline.
    fn words_at(c: &mut Collector, y: f64, words: &[(f64, &str)]) {
        for (x, w) in words {
            line(c, *x, y, w);
        }
    }

    #[test]
    fn justified_line_with_wide_even_gaps_stays_one_line() {
        let mut c = Collector::default();
        // Every word space stretched to 1.4 em: justification, not columns.
        words_at(
            &mut c,
            700.0,
            &[(0.0, "aa"), (24.0, "bb"), (48.0, "cc"), (72.0, "dd")],
        );
        line(&mut c, 0.0, 688.0, "next line");
        assert_eq!(c.take_text(), "aa bb cc dd\nnext line");
    }

    #[test]
    fn one_wide_gap_among_word_spaces_splits_cells() {
        let mut c = Collector::default();
        words_at(
            &mut c,
            700.0,
            &[
                (0.0, "Peter"),
                (30.0, "Vigren"),
                (200.0, "Umeå"),
                (226.0, "kommun"),
            ],
        );
        line(&mut c, 0.0, 688.0, "Anna Frej");
        line(&mut c, 200.0, 688.0, "Vännäs kommun");
        let text = c.take_text();
        let words: Vec<&str> = text.split_whitespace().collect();
        assert_eq!(
            words,
            [
                "Peter", "Vigren", "Anna", "Frej", "Umeå", "kommun", "Vännäs", "kommun"
            ]
        );
    }

    #[test]
    fn heading_in_another_size_under_a_table_cell_is_its_own_block() {
        let mut c = Collector::default();
        line(&mut c, 50.0, 700.0, "Justerare");
        line(&mut c, 200.0, 700.0, "Mikael Broman");
        // A bigger heading at line distance under the label cell.
        for (i, ch) in "BEVIS".chars().enumerate() {
            glyph(&mut c, ch, (50.0 + 6.0 * i as f64, 684.0), (1.0, 0.0), 12.0);
        }
        let text = c.take_text();
        let words: Vec<&str> = text.split_whitespace().collect();
        assert_eq!(words, ["Justerare", "Mikael", "Broman", "BEVIS"]);
    }
}
