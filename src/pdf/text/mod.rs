//! Text extraction: content streams interpreted over lopdf's object model, fonts decoded to
//! Unicode, glyphs placed on the page and read back in reading order.
//!
//! Layers, after hayro: `lexer` (bytes → operands and operators), `interpreter` (graphics and
//! text state, one `match` over operators, a `Device` that receives glyphs and images),
//! `font` (code → Unicode and advance), `layout` (glyphs → words → lines → blocks → text).

pub mod font;

#[cfg(test)]
mod bomb_tests;

use schemars::JsonSchema;
use serde::Serialize;

/// The text of one page and what OCR needs to know about it.
#[derive(Debug, Clone, PartialEq, Serialize, JsonSchema)]
pub struct PageText {
    /// 1-based page number.
    pub number: usize,
    /// The page's text in reading order, NFC.
    pub text: String,
    /// True when the page has a text layer worth using (enough decodable characters).
    pub has_text_layer: bool,
    /// Share of the page area covered by images, 0.0 to 1.0.
    pub image_coverage: f64,
    /// Where `text` came from: the PDF's text layer, or OCR of the page image.
    pub source: TextSource,
    /// Mean OCR word confidence, 0–100, when the text came from OCR.
    pub ocr_confidence: Option<f64>,
    /// Why `text` may be missing what the page shows; empty when nothing is known to be.
    pub warnings: Vec<TextWarning>,
}

/// Something that makes a page's text layer fall short of what the page shows.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, JsonSchema, thiserror::Error)]
#[serde(tag = "kind", rename_all = "snake_case")]
#[non_exhaustive]
pub enum TextWarning {
    /// The page draws glyphs whose fonts give no Unicode for them (no `/ToUnicode`, no
    /// encoding or glyph names arkivar can read): their text is missing from `text`. Only
    /// raised when they are a notable part of the page: at least 5 glyphs and 10% of the
    /// glyphs drawn (`MIN_UNMAPPED_GLYPHS`, `MIN_UNMAPPED_PERCENT`).
    #[error("{unmapped} of {glyphs} glyphs have no Unicode mapping; their text is missing")]
    NoUnicode {
        /// Glyphs the page drew (text layer and form-field values).
        glyphs: usize,
        /// Of those, glyphs with no text.
        unmapped: usize,
    },
    /// A content stream (the page's, or a form's it draws) decompresses past
    /// `max_stream_bytes` or the document's remaining `max_total_decompressed_bytes`: the
    /// text up to `limit` bytes of it was read, the rest not.
    #[error("a content stream (object {} {}) was cut at {limit} decompressed bytes; the text after that is missing", object.0, object.1)]
    ContentTruncated {
        /// The stream's object (0 0 for a direct stream).
        object: (u32, u16),
        /// The bytes it was cut at.
        limit: u64,
    },
}

/// Fewest glyphs without Unicode for a [`TextWarning::NoUnicode`]: a stray bullet or logo
/// glyph of a symbol font is no reason to distrust a page.
pub const MIN_UNMAPPED_GLYPHS: usize = 5;
/// Smallest share, in percent of the page's glyphs, of glyphs without Unicode for a
/// [`TextWarning::NoUnicode`]: below it the text is, for a reader, complete enough.
pub const MIN_UNMAPPED_PERCENT: usize = 10;

impl TextWarning {
    /// The warning a page with `glyphs` drawn, `unmapped` of them without text, deserves.
    pub fn for_glyphs(glyphs: usize, unmapped: usize) -> Option<TextWarning> {
        let notable = unmapped >= MIN_UNMAPPED_GLYPHS
            && unmapped.saturating_mul(100) >= glyphs.saturating_mul(MIN_UNMAPPED_PERCENT);
        notable.then_some(TextWarning::NoUnicode { glyphs, unmapped })
    }
}

/// Where a page's text came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum TextSource {
    /// The PDF's own text (its content streams).
    TextLayer,
    /// OCR of the page image.
    Ocr,
}

pub mod geometry;
pub mod inline_image;
pub mod interpreter;
pub mod layout;
pub mod lexer;

use lopdf::{Document, Object};
use unicode_normalization::UnicodeNormalization;

use self::geometry::{Matrix, Rect};
use self::interpreter::{Budget, Device, FontCache, Interpreter, PlacedGlyph};
use self::layout::Collector;
use crate::pdf::{Deadline, Limits, Pdf, PdfError};

/// Fewest non-white characters for a page's text layer to count as usable; below this a page
/// is, for OCR's purposes, an image (a scanned page may carry a stray page number).
pub const MIN_TEXT_LAYER_CHARS: usize = 16;
/// Cells per side of the grid that measures image coverage.
const COVERAGE_GRID: usize = 64;

/// Extracts the text of every page, in page order.
pub fn extract_pages(pdf: &Pdf, limits: &Limits) -> Result<Vec<PageText>, PdfError> {
    extract_pages_until(pdf, limits, limits.deadline())
}

/// Like [`extract_pages`], with a deadline that started earlier (e.g. before loading).
pub fn extract_pages_until(
    pdf: &Pdf,
    limits: &Limits,
    deadline: Deadline,
) -> Result<Vec<PageText>, PdfError> {
    extract_pages_where(pdf, limits, deadline, |_| true)
}

/// Like [`extract_pages_until`], for the pages whose 1-based number `wanted` accepts (the
/// others are not read and not returned).
pub fn extract_pages_where(
    pdf: &Pdf,
    limits: &Limits,
    deadline: Deadline,
    wanted: impl Fn(usize) -> bool,
) -> Result<Vec<PageText>, PdfError> {
    let doc = &pdf.doc;
    let mut fonts = FontCache::default();
    let mut budget = Budget::new(limits, deadline);
    let mut pages = Vec::new();
    // One collector for all pages: its buffers, grown on the first page (or by the previous
    // document on this thread), serve the rest.
    let mut collector = Collector::reused();
    for (number, page_id) in doc.get_pages() {
        if !wanted(number as usize) {
            continue;
        }
        let media = media_box(doc, page_id);
        let mut device = PageDevice::new(media, collector);
        let mut interpreter = Interpreter::new(doc, &mut fonts, &mut budget);
        interpreter.run_page(page_id, &mut device)?;
        interpreter.run_annotations(page_id, &mut device)?;
        let mut warnings = budget.take_warnings();
        let chars = device.collector.chars;
        let text = nfc(device.collector.take_text());
        let image_coverage = device.coverage.fraction();
        warnings.extend(TextWarning::for_glyphs(device.glyphs, device.unmapped));
        collector = device.collector;
        pages.push(PageText {
            number: number as usize,
            text,
            has_text_layer: chars >= MIN_TEXT_LAYER_CHARS,
            image_coverage,
            source: TextSource::TextLayer,
            ocr_confidence: None,
            warnings,
        });
    }
    collector.recycle();
    Ok(pages)
}

/// `text` in Unicode normalisation form C. Almost every page already is (the quick check
/// says so without building a copy): composing char by char cost an eighth of extraction.
fn nfc(text: String) -> String {
    use unicode_normalization::{IsNormalized, is_nfc_quick};
    match is_nfc_quick(text.chars()) {
        IsNormalized::Yes => text,
        IsNormalized::No | IsNormalized::Maybe => text.nfc().collect(),
    }
}

/// The page's `/MediaBox`, inherited through the page tree, or US Letter when absent or broken.
fn media_box(doc: &Document, page_id: lopdf::ObjectId) -> Rect {
    declared_media_box(doc, page_id).unwrap_or(Rect::from_corners(0.0, 0.0, 612.0, 792.0))
}

/// The page's `/MediaBox`, inherited through the page tree; `None` when absent or broken.
pub(crate) fn declared_media_box(doc: &Document, page_id: lopdf::ObjectId) -> Option<Rect> {
    let mut node = doc.get_dictionary(page_id).ok();
    for _ in 0..64 {
        let Some(dict) = node else { break };
        if let Ok(Object::Array(a)) = dict.get(b"MediaBox").and_then(|o| match o {
            Object::Reference(id) => doc.get_object(*id),
            o => Ok(o),
        }) && a.len() == 4
        {
            let v: Vec<f64> = a
                .iter()
                .filter_map(|o| match o {
                    Object::Integer(i) => Some(*i as f64),
                    Object::Real(r) => Some(f64::from(*r)),
                    _ => None,
                })
                .collect();
            if let [x0, y0, x1, y1] = v[..] {
                let r = Rect::from_corners(x0, y0, x1, y1);
                if r.width() > 0.0
                    && r.height() > 0.0
                    && r.width().is_finite()
                    && r.height().is_finite()
                {
                    return Some(r);
                }
            }
        }
        node = dict
            .get(b"Parent")
            .and_then(Object::as_reference)
            .and_then(|id| doc.get_dictionary(id))
            .ok();
    }
    None
}

/// Which cells of a coarse grid over the page some image covers.
struct Coverage {
    page: Rect,
    cells: Vec<bool>,
}

impl Coverage {
    fn new(page: Rect) -> Self {
        Coverage {
            page,
            cells: vec![false; COVERAGE_GRID * COVERAGE_GRID],
        }
    }

    fn add(&mut self, r: &Rect) {
        let Some(r) = r.intersect(&self.page) else {
            return;
        };
        let n = COVERAGE_GRID as f64;
        let cell = |v: f64, lo: f64, span: f64| (((v - lo) / span * n).clamp(0.0, n)) as usize;
        let (cx0, cx1) = (
            cell(r.x0, self.page.x0, self.page.width()),
            cell(r.x1, self.page.x0, self.page.width()),
        );
        let (cy0, cy1) = (
            cell(r.y0, self.page.y0, self.page.height()),
            cell(r.y1, self.page.y0, self.page.height()),
        );
        for y in cy0..cy1.min(COVERAGE_GRID) {
            for x in cx0..cx1.min(COVERAGE_GRID) {
                if let Some(c) = self.cells.get_mut(y * COVERAGE_GRID + x) {
                    *c = true;
                }
            }
        }
    }

    fn fraction(&self) -> f64 {
        let covered = self.cells.iter().filter(|c| **c).count();
        covered as f64 / self.cells.len() as f64
    }
}

/// The device text extraction draws on: glyphs to the layout, images to the coverage grid.
struct PageDevice {
    collector: Collector,
    coverage: Coverage,
    /// Glyphs drawn on the page.
    glyphs: usize,
    /// Of those, glyphs whose font gave no text ([`TextWarning::NoUnicode`]).
    unmapped: usize,
}

impl PageDevice {
    fn new(media: Rect, collector: Collector) -> Self {
        PageDevice {
            collector,
            coverage: Coverage::new(media),
            glyphs: 0,
            unmapped: 0,
        }
    }
}

impl Device for PageDevice {
    fn glyph(&mut self, glyph: &PlacedGlyph<'_>) {
        self.glyphs = self.glyphs.saturating_add(1);
        if glyph.text.is_empty() {
            self.unmapped = self.unmapped.saturating_add(1);
        }
        self.collector.push(glyph);
    }

    fn image(&mut self, ctm: &Matrix, _object: Option<lopdf::ObjectId>) {
        self.coverage.add(&Rect::unit_square(ctm));
    }
}

#[cfg(test)]
mod tests {
    use super::{TextWarning, nfc};

    #[test]
    fn no_unicode_warning_only_for_a_notable_share_of_glyphs() {
        let warn = |glyphs, unmapped| TextWarning::for_glyphs(glyphs, unmapped);
        assert_eq!(
            warn(40, 40),
            Some(TextWarning::NoUnicode {
                glyphs: 40,
                unmapped: 40
            })
        );
        assert!(warn(50, 5).is_some());
        // Near misses: no glyphs; every glyph mapped; four stray symbols; under a tenth.
        assert_eq!(warn(0, 0), None);
        assert_eq!(warn(500, 0), None);
        assert_eq!(warn(4, 4), None);
        assert_eq!(warn(51, 5), None);
        assert!(warn(usize::MAX, usize::MAX).is_some());
    }

    #[test]
    fn nfc_composes_decomposed_letters_and_keeps_composed_text() {
        // "a" + combining ring above, "o" + combining diaeresis.
        assert_eq!(nfc("Ja\u{30a}ngo\u{308}".to_owned()), "Jångö");
        assert_eq!(
            nfc("Justerare: Åsa Öberg".to_owned()),
            "Justerare: Åsa Öberg"
        );
        // A ligature is compatibility-equivalent only: NFC leaves it.
        assert_eq!(nfc("\u{fb01}".to_owned()), "\u{fb01}");
    }
}
