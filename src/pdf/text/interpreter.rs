//! Content-stream interpreter: graphics and text state (ISO 32000-2 §8.4, §9.3, §9.4) driven by
//! one `match` over operators, feeding a `Device` with placed glyphs and images.
//!
//! It draws nothing: it only tracks where each glyph lands and where each image is painted,
//! which is all text extraction, "does this page need OCR?" and composing a scanned page's
//! image (`ocr::compose`) need.

use std::collections::HashMap;
use std::sync::Arc;

use lopdf::{Dictionary, Document, Object, ObjectId};

use super::TextWarning;
use super::font::{Font, WritingMode};
use super::geometry::{Matrix, Rect};
use super::inline_image::InlineImage;
use super::lexer::{Lexer, Operand, Token};
use crate::pdf::object::{MAX_DEREF, deref, deref_dict, number};
use crate::pdf::stream::{DecodeError, Fit};
use crate::pdf::{Deadline, Limits, PdfError};

/// Deepest `q` nesting kept; deeper saves are counted but not stored (their `Q` restores the
/// deepest stored state), so a stream of a million `q` cannot grow memory.
const MAX_SAVE_DEPTH: usize = 256;
/// Annotations drawn per page; more are ignored (a page of 100,000 empty links costs nothing).
const MAX_ANNOTATIONS: usize = 4096;
/// Operators between two deadline checks (a clock read per operator would cost more than
/// most operators).
const DEADLINE_EVERY: usize = 4096;

/// One glyph as placed on the page, in default user space.
#[derive(Debug, Clone, Copy)]
pub struct PlacedGlyph<'t> {
    /// Unicode text of the glyph (may be empty or several characters).
    pub text: &'t str,
    /// Origin (on the baseline).
    pub x: f64,
    /// Origin (on the baseline).
    pub y: f64,
    /// Unit vector along the baseline.
    pub dir: (f64, f64),
    /// Width of the glyph itself along the baseline, in user-space units, without character
    /// or word spacing (may be 0 or negative in odd fonts).
    pub advance: f64,
    /// Font size as drawn: the length of the text-space unit "up" vector.
    pub size: f64,
    /// Ascent and descent above/below the baseline as fractions of `size`.
    pub ascent: f64,
    /// Descent (negative) as a fraction of `size`.
    pub descent: f64,
    /// Drawn with text rendering mode 3 or 7 (invisible, as OCR layers are).
    pub invisible: bool,
}

/// Receives what the interpreter finds.
pub trait Device {
    /// A glyph was shown.
    fn glyph(&mut self, glyph: &PlacedGlyph<'_>);
    /// An image was painted; `ctm` maps the unit square onto the page. `object` is the image
    /// XObject (for OCR to decode what the page paints), `None` for an image XObject that is
    /// not an indirect object, and for an inline image a device takes as any image.
    fn image(&mut self, ctm: &Matrix, object: Option<ObjectId>);
    /// An inline image was painted; by default it counts as an image without an object.
    fn inline_image(&mut self, ctm: &Matrix, image: &InlineImage<'_>) {
        let _ = image;
        self.image(ctm, None);
    }
}

/// Where a font dictionary lives, to cache one `Font` per dictionary.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
enum FontKey {
    Indirect(ObjectId),
    // A direct dictionary is keyed by its address: it lives as long as the document.
    Direct(usize),
}

/// Fonts already read in this document: a font used on 300 pages is parsed once.
#[derive(Default)]
pub struct FontCache {
    fonts: HashMap<FontKey, Arc<Font>>,
}

/// Shared state of one document's interpretation: its limits and running totals.
pub struct Budget {
    limits: Limits,
    deadline: Deadline,
    decompressed: u64,
    /// Warnings for the page being read, taken by [`Budget::take_warnings`].
    warnings: Vec<TextWarning>,
}

impl Budget {
    /// A budget for one document.
    pub fn new(limits: &Limits, deadline: Deadline) -> Budget {
        Budget {
            limits: limits.clone(),
            deadline,
            decompressed: 0,
            warnings: Vec::new(),
        }
    }

    /// The limits in force.
    pub fn limits(&self) -> &Limits {
        &self.limits
    }

    /// What went wrong on the page read since the last call.
    pub fn take_warnings(&mut self) -> Vec<TextWarning> {
        std::mem::take(&mut self.warnings)
    }

    fn check_deadline(&self, during: &'static str) -> Result<(), PdfError> {
        if self.deadline.passed() {
            return Err(PdfError::Timeout {
                millis: self.deadline.millis(),
                during,
            });
        }
        Ok(())
    }

    /// Bytes the document may still decompress.
    fn left(&self) -> u64 {
        self.limits
            .max_total_decompressed_bytes
            .saturating_sub(self.decompressed)
    }

    /// Charges bytes decoded elsewhere (fonts) to the document's total.
    fn charge(&mut self, bytes: u64) {
        self.decompressed = self.decompressed.saturating_add(bytes);
    }

    /// Decompresses a content stream onto `out`, charging it to the document's total. A
    /// stream past the per-stream limit or the document's remaining total is cut there: the
    /// content before the cut is kept and the page gets a warning, so one bomb costs its
    /// own text, not the document's.
    fn content_into(
        &mut self,
        id: Option<ObjectId>,
        stream: &lopdf::Stream,
        out: &mut Vec<u8>,
    ) -> Result<(), PdfError> {
        let per_stream = self.limits.max_stream_bytes;
        let cap = per_stream.min(self.left());
        let object = id.unwrap_or((0, 0));
        let before = out.len();
        let max = usize::try_from(cap).unwrap_or(usize::MAX);
        match crate::pdf::stream::decode_into(stream, max, out) {
            Ok(Fit::Whole) => {}
            Ok(Fit::Cut) | Err(DecodeError::NoMemory { .. }) => {
                self.warnings
                    .push(TextWarning::ContentTruncated { object, limit: cap });
            }
            // An unknown or broken filter: the raw bytes are the best we have; the lexer
            // copes with junk. pdftotext does the same.
            Err(DecodeError::Lopdf(_)) => {
                out.truncate(before);
                out.extend_from_slice(&stream.content);
            }
        }
        self.charge(out.len().saturating_sub(before) as u64);
        Ok(())
    }
}

/// Most bytes of pending operands carried from the end of one content stream of a page to
/// the start of the next (§7.8.2 lets streams split between any two tokens). A real split
/// leaves a few operands; a stream of nothing but operands is junk, and carrying it would
/// hold two streams at once.
const MAX_CARRY: usize = 1 << 20;

/// Interpretation state that runs on from one content stream of a page to the next.
struct RunState {
    gs: GraphicsState,
    saved: Vec<GraphicsState>,
    unsaved_depth: usize,
    /// Text matrix and text line matrix; only meaningful between BT and ET.
    tm: Matrix,
    tlm: Matrix,
}

impl RunState {
    fn new(gs: GraphicsState) -> Self {
        RunState {
            gs,
            saved: Vec::new(),
            unsaved_depth: 0,
            tm: Matrix::IDENTITY,
            tlm: Matrix::IDENTITY,
        }
    }
}

/// Reads a 6-number matrix array, or `None` when it is not one.
pub fn matrix_from(doc: &Document, obj: &Object) -> Option<Matrix> {
    let Object::Array(a) = deref(doc, obj)? else {
        return None;
    };
    if a.len() != 6 {
        return None;
    }
    let mut m = [0.0; 6];
    for (slot, v) in m.iter_mut().zip(a) {
        *slot = number(deref(doc, v)?)?;
    }
    let m = Matrix { m };
    m.is_finite().then_some(m)
}

/// The page's `/Resources`, inherited from the page tree when the page has none (§7.7.3.4).
pub fn page_resources<'d>(doc: &'d Document, page: &'d Dictionary) -> Option<&'d Dictionary> {
    let mut node = page;
    for _ in 0..MAX_DEREF * 4 {
        if let Ok(r) = node.get(b"Resources")
            && let Some(d) = deref_dict(doc, r)
        {
            return Some(d);
        }
        node = deref_dict(doc, node.get(b"Parent").ok()?)?;
    }
    None
}

#[derive(Clone)]
struct TextState {
    font: Option<Arc<Font>>,
    size: f64,
    char_spacing: f64,
    word_spacing: f64,
    horizontal_scaling: f64,
    leading: f64,
    rise: f64,
    render_mode: i64,
}

impl Default for TextState {
    fn default() -> Self {
        TextState {
            font: None,
            size: 0.0,
            char_spacing: 0.0,
            word_spacing: 0.0,
            horizontal_scaling: 1.0,
            leading: 0.0,
            rise: 0.0,
            render_mode: 0,
        }
    }
}

#[derive(Clone)]
struct GraphicsState {
    ctm: Matrix,
    text: TextState,
}

/// Interprets content streams of one document onto a device.
pub struct Interpreter<'d, 'c> {
    doc: &'d Document,
    fonts: &'c mut FontCache,
    budget: &'c mut Budget,
    operators: usize,
    /// Form XObjects being drawn, to stop a form that draws itself.
    form_stack: Vec<ObjectId>,
}

impl<'d, 'c> Interpreter<'d, 'c> {
    /// An interpreter for pages of `doc`.
    pub fn new(doc: &'d Document, fonts: &'c mut FontCache, budget: &'c mut Budget) -> Self {
        Interpreter {
            doc,
            fonts,
            budget,
            operators: 0,
            form_stack: Vec::new(),
        }
    }

    /// Runs a page's content streams onto `device`.
    pub fn run_page(&mut self, page_id: ObjectId, device: &mut dyn Device) -> Result<(), PdfError> {
        let doc = self.doc;
        let page = doc.get_dictionary(page_id).map_err(|e| PdfError::Object {
            object: page_id,
            reason: format!("page is not a dictionary: {e}"),
        })?;
        let resources = page_resources(doc, page);
        self.operators = 0;
        let max_ops = self.budget.limits().max_operators_per_page;
        let mut state = RunState::new(GraphicsState {
            ctm: Matrix::IDENTITY,
            text: TextState::default(),
        });
        // The page's streams are decoded and read one at a time, so a page costs its largest
        // stream, not their sum. Operands pending at the end of one are carried, as bytes, to
        // the start of the next, which reads as their concatenation did.
        let mut carry = Vec::new();
        for id in doc.get_page_contents(page_id) {
            if self.operators > max_ops {
                break;
            }
            let Some(Object::Stream(s)) = doc.objects.get(&id) else {
                continue;
            };
            let mut content = std::mem::take(&mut carry);
            self.budget.content_into(Some(id), s, &mut content)?;
            let (next, pending) = self.run(&content, resources, state, device, 0)?;
            state = next;
            if let Some(tail) = pending.and_then(|at| content.get(at..))
                && tail.len() < MAX_CARRY
            {
                carry.extend_from_slice(tail);
                // Streams of one page are concatenated; a token must not run across them.
                carry.push(b'\n');
            }
        }
        Ok(())
    }

    /// Reads `content` from `state` on; returns the state at its end and, when operands are
    /// pending there, the offset where they start.
    fn run(
        &mut self,
        content: &[u8],
        resources: Option<&'d Dictionary>,
        state: RunState,
        device: &mut dyn Device,
        depth: usize,
    ) -> Result<(RunState, Option<usize>), PdfError> {
        let mut lexer = Lexer::new(content);
        let mut operands: Vec<Operand<'_>> = Vec::new();
        let RunState {
            mut gs,
            mut saved,
            mut unsaved_depth,
            mut tm,
            mut tlm,
        } = state;
        let max_ops = self.budget.limits().max_operators_per_page;
        // Where the operands being collected start: after the last operator.
        let mut pending_from = 0;

        while let Some(token) = lexer.next_token() {
            let (op, inline) = match token {
                Token::Operand(o) => {
                    if operands.len() < super::lexer::MAX_OPERANDS {
                        operands.push(o);
                    }
                    continue;
                }
                // Counted, limited and timed as an operator: a stream of a million tiny
                // inline images is a million operators.
                Token::InlineImage { params, data } => (&b"BI"[..], Some((params, data))),
                Token::Operator(op) => (op, None),
            };
            pending_from = lexer.position();
            self.operators += 1;
            if self.operators.is_multiple_of(DEADLINE_EVERY) {
                self.budget.check_deadline("interpreting page content")?;
            }
            if self.operators > max_ops {
                // Enough is enough: keep what was found so far rather than fail the page.
                break;
            }
            if let Some((params, data)) = &inline {
                device.inline_image(&gs.ctm, &InlineImage::new(params, data, resources));
            }
            let num = |i: usize| operands.get(i).and_then(Operand::as_f64);
            match op {
                b"q" => {
                    if saved.len() < MAX_SAVE_DEPTH {
                        saved.push(gs.clone());
                    } else {
                        unsaved_depth += 1;
                    }
                }
                b"Q" => {
                    if unsaved_depth > 0 {
                        unsaved_depth -= 1;
                    } else if let Some(s) = saved.pop() {
                        gs = s;
                    }
                }
                b"cm" => {
                    if let (Some(a), Some(b), Some(c), Some(d), Some(e), Some(f)) =
                        (num(0), num(1), num(2), num(3), num(4), num(5))
                    {
                        let m = Matrix::new(a, b, c, d, e, f);
                        if m.is_finite() {
                            gs.ctm = m.then(&gs.ctm);
                        }
                    }
                }
                b"BT" => {
                    tm = Matrix::IDENTITY;
                    tlm = Matrix::IDENTITY;
                }
                b"ET" => {}
                b"Tf" => {
                    if let (Some(Operand::Name(name)), Some(size)) = (operands.first(), num(1)) {
                        gs.text.font = self.font(resources, name);
                        gs.text.size = size;
                    }
                }
                b"Tc" => gs.text.char_spacing = num(0).unwrap_or(0.0),
                b"Tw" => gs.text.word_spacing = num(0).unwrap_or(0.0),
                b"Tz" => gs.text.horizontal_scaling = num(0).unwrap_or(100.0) / 100.0,
                b"TL" => gs.text.leading = num(0).unwrap_or(0.0),
                b"Ts" => gs.text.rise = num(0).unwrap_or(0.0),
                b"Tr" => gs.text.render_mode = num(0).unwrap_or(0.0) as i64,
                b"Td" => {
                    if let (Some(tx), Some(ty)) = (num(0), num(1)) {
                        tlm = Matrix::translate(tx, ty).then(&tlm);
                        tm = tlm;
                    }
                }
                b"TD" => {
                    if let (Some(tx), Some(ty)) = (num(0), num(1)) {
                        gs.text.leading = -ty;
                        tlm = Matrix::translate(tx, ty).then(&tlm);
                        tm = tlm;
                    }
                }
                b"Tm" => {
                    if let (Some(a), Some(b), Some(c), Some(d), Some(e), Some(f)) =
                        (num(0), num(1), num(2), num(3), num(4), num(5))
                    {
                        let m = Matrix::new(a, b, c, d, e, f);
                        if m.is_finite() {
                            tm = m;
                            tlm = m;
                        }
                    }
                }
                b"T*" => {
                    tlm = Matrix::translate(0.0, -gs.text.leading).then(&tlm);
                    tm = tlm;
                }
                b"Tj" => {
                    if let Some(Operand::Str(s)) = operands.first() {
                        show(&gs, &mut tm, s, device);
                    }
                }
                b"'" => {
                    tlm = Matrix::translate(0.0, -gs.text.leading).then(&tlm);
                    tm = tlm;
                    if let Some(Operand::Str(s)) = operands.first() {
                        show(&gs, &mut tm, s, device);
                    }
                }
                b"\"" => {
                    if let (Some(aw), Some(ac)) = (num(0), num(1)) {
                        gs.text.word_spacing = aw;
                        gs.text.char_spacing = ac;
                    }
                    tlm = Matrix::translate(0.0, -gs.text.leading).then(&tlm);
                    tm = tlm;
                    if let Some(Operand::Str(s)) = operands.get(2) {
                        show(&gs, &mut tm, s, device);
                    }
                }
                b"TJ" => {
                    if let Some(Operand::Array(items)) = operands.first() {
                        for item in items {
                            match item {
                                Operand::Str(s) => show(&gs, &mut tm, s, device),
                                Operand::Number(adj) => adjust(&gs, &mut tm, *adj),
                                _ => {}
                            }
                        }
                    }
                }
                b"Do" => {
                    if let Some(Operand::Name(name)) = operands.first() {
                        self.draw_xobject(resources, name, &gs, device, depth)?;
                    }
                }
                _ => {}
            }
            operands.clear();
        }
        let pending = (!operands.is_empty()).then_some(pending_from);
        let state = RunState {
            gs,
            saved,
            unsaved_depth,
            tm,
            tlm,
        };
        Ok((state, pending))
    }

    fn font(&mut self, resources: Option<&'d Dictionary>, name: &[u8]) -> Option<Arc<Font>> {
        let doc = self.doc;
        let fonts = deref_dict(doc, resources?.get(b"Font").ok()?)?;
        let entry = fonts.get(name).ok()?;
        let key = match entry {
            Object::Reference(id) => FontKey::Indirect(*id),
            other => FontKey::Direct(other as *const Object as usize),
        };
        if let Some(f) = self.fonts.fonts.get(&key) {
            return Some(f.clone());
        }
        let dict = deref_dict(doc, entry)?;
        // A font's streams (program, ToUnicode, CMaps) count against the document's total
        // too, and may not take more than is left of it.
        let mut limits = self.budget.limits().clone();
        limits.max_stream_bytes = limits.max_stream_bytes.min(self.budget.left());
        let before = crate::pdf::stream::decoded_bytes();
        let font = Arc::new(Font::from_dict(doc, dict, &limits));
        self.budget
            .charge(crate::pdf::stream::decoded_bytes().saturating_sub(before));
        self.fonts.fonts.insert(key, font.clone());
        Some(font)
    }

    fn draw_xobject(
        &mut self,
        resources: Option<&'d Dictionary>,
        name: &[u8],
        gs: &GraphicsState,
        device: &mut dyn Device,
        depth: usize,
    ) -> Result<(), PdfError> {
        let doc = self.doc;
        let Some(xobjects) = resources
            .and_then(|r| r.get(b"XObject").ok())
            .and_then(|x| deref_dict(doc, x))
        else {
            return Ok(());
        };
        let Ok(entry) = xobjects.get(name) else {
            return Ok(());
        };
        let id = entry.as_reference().ok();
        let Some(Object::Stream(stream)) = deref(doc, entry) else {
            return Ok(());
        };
        match stream.dict.get(b"Subtype").and_then(Object::as_name) {
            Ok(b"Image") => device.image(&gs.ctm, id),
            Ok(b"Form") => {
                let ctm = gs.ctm;
                self.draw_form(id, stream, &ctm, resources, &gs.text, device, depth)?;
            }
            _ => {}
        }
        Ok(())
    }
}

impl<'d> Interpreter<'d, '_> {
    /// Draws a form XObject (§8.10): its `/Matrix` onto `ctm`, its own resources or the
    /// caller's, never itself recursively, never deeper than `max_depth`.
    #[allow(clippy::too_many_arguments)]
    fn draw_form(
        &mut self,
        id: Option<ObjectId>,
        stream: &'d lopdf::Stream,
        ctm: &Matrix,
        resources: Option<&'d Dictionary>,
        text: &TextState,
        device: &mut dyn Device,
        depth: usize,
    ) -> Result<(), PdfError> {
        let doc = self.doc;
        if depth >= self.budget.limits().max_depth {
            return Ok(());
        }
        if let Some(id) = id {
            if self.form_stack.contains(&id) {
                return Ok(());
            }
            self.form_stack.push(id);
        }
        let matrix = stream
            .dict
            .get(b"Matrix")
            .ok()
            .and_then(|m| matrix_from(doc, m))
            .unwrap_or(Matrix::IDENTITY);
        let form_resources = stream
            .dict
            .get(b"Resources")
            .ok()
            .and_then(|r| deref_dict(doc, r))
            .or(resources);
        let mut content = Vec::new();
        let result = self
            .budget
            .content_into(id, stream, &mut content)
            .and_then(|()| {
                let state = RunState::new(GraphicsState {
                    ctm: matrix.then(ctm),
                    text: text.clone(),
                });
                self.run(&content, form_resources, state, device, depth + 1)
            })
            .map(|_| ());
        if id.is_some() {
            self.form_stack.pop();
        }
        result
    }

    /// Draws the normal appearance of each visible annotation on the page (§12.5.5): stamps,
    /// filled-in form fields and visible signatures carry text that readers show, and that
    /// pdftotext reads too.
    pub fn run_annotations(
        &mut self,
        page_id: ObjectId,
        device: &mut dyn Device,
    ) -> Result<(), PdfError> {
        let doc = self.doc;
        let Ok(page) = doc.get_dictionary(page_id) else {
            return Ok(());
        };
        let Some(Object::Array(annots)) = page.get(b"Annots").ok().and_then(|a| deref(doc, a))
        else {
            return Ok(());
        };
        let resources = page_resources(doc, page);
        for annot in annots.iter().take(MAX_ANNOTATIONS) {
            let Some(a) = deref_dict(doc, annot) else {
                continue;
            };
            let flags = a
                .get(b"F")
                .ok()
                .and_then(|f| deref(doc, f))
                .and_then(number)
                .unwrap_or(0.0) as i64;
            // Hidden (bit 2) and NoView (bit 6) annotations are not shown.
            if flags & (1 << 1) != 0 || flags & (1 << 5) != 0 {
                continue;
            }
            let Some((id, stream)) = normal_appearance(doc, a) else {
                // A filled-in field with no appearance (the form asks the viewer to make one,
                // `/NeedAppearances`): its value is what a reader sees there.
                if let Some(value) = field_value(doc, a) {
                    show_field_value(doc, a, &value, device);
                }
                continue;
            };
            let Some(rect) = a.get(b"Rect").ok().and_then(|r| rect_from(doc, r)) else {
                continue;
            };
            let matrix = stream
                .dict
                .get(b"Matrix")
                .ok()
                .and_then(|m| matrix_from(doc, m))
                .unwrap_or(Matrix::IDENTITY);
            let Some(bbox) = stream
                .dict
                .get(b"BBox")
                .ok()
                .and_then(|b| rect_from(doc, b))
            else {
                continue;
            };
            // Algorithm 8.1: the transformed bounding box is mapped onto the annotation's
            // rectangle; the form's own /Matrix is applied inside draw_form.
            let shown = Rect::unit_square(
                &Matrix::new(bbox.width(), 0.0, 0.0, bbox.height(), bbox.x0, bbox.y0).then(&matrix),
            );
            if shown.width() <= 0.0 || shown.height() <= 0.0 {
                continue;
            }
            let fit = Matrix::translate(-shown.x0, -shown.y0)
                .then(&Matrix::new(
                    rect.width() / shown.width(),
                    0.0,
                    0.0,
                    rect.height() / shown.height(),
                    0.0,
                    0.0,
                ))
                .then(&Matrix::translate(rect.x0, rect.y0));
            if !fit.is_finite() {
                continue;
            }
            self.draw_form(
                id,
                stream,
                &fit,
                resources,
                &TextState::default(),
                device,
                0,
            )?;
        }
        Ok(())
    }
}

/// Deepest `/Parent` chain followed for a field's inherited entries.
const MAX_FIELD_PARENTS: usize = 32;
/// Most characters of one field value shown.
const MAX_FIELD_VALUE_CHARS: usize = 10_000;

/// A field entry, inherited through `/Parent` (§12.7.4.1: `/FT`, `/V`, `/DA` are inheritable).
fn inherited<'d>(doc: &'d Document, field: &'d Dictionary, key: &[u8]) -> Option<&'d Object> {
    let mut node = field;
    for _ in 0..MAX_FIELD_PARENTS {
        if let Ok(v) = node.get(key) {
            return deref(doc, v);
        }
        node = deref_dict(doc, node.get(b"Parent").ok()?)?;
    }
    None
}

/// The text value of a widget's text or choice field (`/FT /Tx` or `/Ch`, `/V` a string).
fn field_value(doc: &Document, widget: &Dictionary) -> Option<String> {
    if widget.get(b"Subtype").and_then(Object::as_name).ok() != Some(b"Widget".as_slice()) {
        return None;
    }
    match inherited(doc, widget, b"FT")? {
        Object::Name(n) if n == b"Tx" || n == b"Ch" => {}
        _ => return None,
    }
    let Object::String(v, _) = inherited(doc, widget, b"V")? else {
        return None;
    };
    let text = crate::pdf::metadata::decode_text_string(v);
    let text: String = text.chars().take(MAX_FIELD_VALUE_CHARS).collect();
    (!text.trim().is_empty()).then_some(text)
}

/// The font size a field's `/DA` sets (`/F2 12 Tf`); 12 when it sets none or 0 (auto).
fn field_font_size(doc: &Document, widget: &Dictionary) -> f64 {
    let Some(Object::String(da, _)) = inherited(doc, widget, b"DA") else {
        return 12.0;
    };
    let da = String::from_utf8_lossy(da);
    let words: Vec<&str> = da.split_whitespace().collect();
    words
        .iter()
        .position(|w| *w == "Tf")
        .and_then(|i| words.get(i.checked_sub(1)?))
        .and_then(|w| w.parse::<f64>().ok())
        .filter(|s| s.is_finite() && *s > 0.0)
        .unwrap_or(12.0)
}

/// Shows `value` in the widget's rectangle, line by line from the top left, with a uniform
/// advance: what matters to the text is the characters, their order and the word gaps.
fn show_field_value(doc: &Document, widget: &Dictionary, value: &str, device: &mut dyn Device) {
    let Some(rect) = widget.get(b"Rect").ok().and_then(|r| rect_from(doc, r)) else {
        return;
    };
    let size = field_font_size(doc, widget).min(rect.height().max(1.0));
    let advance = size * 0.5;
    let mut buf = [0u8; 4];
    for (i, line) in value.lines().enumerate() {
        let y = rect.y1 - size * (1.2 * i as f64 + 1.0);
        let mut x = rect.x0 + 2.0;
        for c in line.chars() {
            device.glyph(&PlacedGlyph {
                text: c.encode_utf8(&mut buf),
                x,
                y,
                dir: (1.0, 0.0),
                advance,
                size,
                ascent: 0.8,
                descent: -0.2,
                invisible: false,
            });
            x += advance;
        }
    }
}

/// The annotation's normal appearance stream: `/AP /N`, or the state `/AS` picks from it.
fn normal_appearance<'d>(
    doc: &'d Document,
    annot: &'d Dictionary,
) -> Option<(Option<ObjectId>, &'d lopdf::Stream)> {
    let ap = deref_dict(doc, annot.get(b"AP").ok()?)?;
    let n = ap.get(b"N").ok()?;
    let pick = |obj: &'d Object| match (obj, deref(doc, obj)?) {
        (Object::Reference(id), Object::Stream(s)) => Some((Some(*id), s)),
        (_, Object::Stream(s)) => Some((None, s)),
        _ => None,
    };
    if let Some(found) = pick(n) {
        return Some(found);
    }
    let states = deref_dict(doc, n)?;
    let state = annot.get(b"AS").ok().and_then(|s| s.as_name().ok())?;
    pick(states.get(state).ok()?)
}

/// A rectangle array `[x0 y0 x1 y1]`, normalised.
fn rect_from(doc: &Document, obj: &Object) -> Option<Rect> {
    let Object::Array(a) = deref(doc, obj)? else {
        return None;
    };
    let v: Vec<f64> = a
        .iter()
        .filter_map(|o| deref(doc, o).and_then(number))
        .collect();
    let [x0, y0, x1, y1] = v[..] else { return None };
    let r = Rect::from_corners(x0, y0, x1, y1);
    (r.x0.is_finite() && r.y0.is_finite() && r.x1.is_finite() && r.y1.is_finite()).then_some(r)
}

/// Shows a string: one glyph per character code, advancing the text matrix (§9.4.4).
fn show(gs: &GraphicsState, tm: &mut Matrix, bytes: &[u8], device: &mut dyn Device) {
    let Some(font) = gs.text.font.as_deref() else {
        return;
    };
    let ts = &gs.text;
    let fm = font.font_matrix();
    let vertical = font.writing_mode() == WritingMode::Vertical;
    let (asc, desc) = font.ascent_descent();
    // Ascent/descent are in glyph space; through the font matrix they become text space,
    // i.e. fractions of the font size.
    let asc_frac = (asc * fm[3]).abs().clamp(0.2, 2.0);
    let desc_frac = -(desc * fm[3]).abs().clamp(0.0, 1.0);
    let invisible = ts.render_mode == 3 || ts.render_mode == 7;
    // Within one string only the text matrix's translation moves from glyph to glyph, so the
    // linear part of glyph space → device space (baseline direction, size) is the same for
    // every glyph: worked out once here, not per glyph, since this runs for every glyph drawn.
    let params = Matrix::new(
        ts.size * ts.horizontal_scaling,
        0.0,
        0.0,
        ts.size,
        0.0,
        ts.rise,
    );
    let trm = params.then(tm).then(&gs.ctm);
    let (bx, by) = trm.apply_vector(1.0, 0.0);
    let (ux, uy) = trm.apply_vector(0.0, 1.0);
    let blen = (bx * bx + by * by).sqrt();
    let size = (ux * ux + uy * uy).sqrt();
    let placeable = blen > 0.0 && size > 0.0;
    // Vertical text reads down the page: its baseline direction is "minus up".
    let dir = if !placeable {
        (1.0, 0.0)
    } else if vertical {
        (-ux / size, -uy / size)
    } else {
        (bx / blen, by / blen)
    };
    let glyph_size = if vertical { blen.max(size) } else { size };
    font.for_each_glyph(bytes, |g| {
        let spacing = ts.char_spacing
            + if g.is_word_space {
                ts.word_spacing
            } else {
                0.0
            };
        let (tx, ty) = if vertical {
            // §9.4.4: vertical fonts advance down by the vertical displacement (default 1 em),
            // and spacing is added to that negative displacement: a negative Tc spreads the
            // glyphs further apart (§9.3.2).
            (0.0, -(ts.size) + spacing)
        } else {
            let w0 = g.width * fm[0];
            ((w0 * ts.size + spacing) * ts.horizontal_scaling, 0.0)
        };
        if placeable {
            let to_device = tm.then(&gs.ctm);
            // The glyph origin is the text-space point (0, rise).
            let (ox, oy) = to_device.apply(0.0, ts.rise);
            if ox.is_finite() && oy.is_finite() {
                // Advance in device space along the baseline.
                // The glyph's box spans its own width only: character and word spacing are
                // space between glyphs, and a word break is read from exactly that space.
                let ink = if vertical {
                    (0.0, -ts.size)
                } else {
                    (g.width * fm[0] * ts.size * ts.horizontal_scaling, 0.0)
                };
                let (ax, ay) = to_device.apply_vector(ink.0, ink.1);
                let advance = ax * dir.0 + ay * dir.1;
                device.glyph(&PlacedGlyph {
                    text: g.text,
                    x: ox,
                    y: oy,
                    dir,
                    advance,
                    size: glyph_size,
                    ascent: asc_frac,
                    descent: desc_frac,
                    invisible,
                });
            }
        }
        *tm = Matrix::translate(tx, ty).then(tm);
    });
}

/// A number in a `TJ` array moves the next glyph back by thousandths of the font size.
fn adjust(gs: &GraphicsState, tm: &mut Matrix, adj: f64) {
    let ts = &gs.text;
    let vertical = ts
        .font
        .as_deref()
        .is_some_and(|f| f.writing_mode() == WritingMode::Vertical);
    let amount = -adj / 1000.0 * ts.size;
    let (tx, ty) = if vertical {
        (0.0, amount)
    } else {
        (amount * ts.horizontal_scaling, 0.0)
    };
    *tm = Matrix::translate(tx, ty).then(tm);
}
