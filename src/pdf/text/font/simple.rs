//! Simple fonts (Type1, MMType1, TrueType, Type3; ISO 32000-2 §9.6): one byte per code, so
//! everything is resolved here into two 256-entry tables — text and width per code — and
//! `Font::for_each_glyph` only indexes them.
//!
//! Text per code, in the order pdftotext and pdf.js use: a meaningful `/ToUnicode` entry; the
//! glyph name from `/Encoding` (base + `/Differences`, or the default base chosen below)
//! through the AGL; the font program (built-in encoding, TrueType `cmap`/`post`); a
//! `/ToUnicode` entry that only maps to private-use or control codes; nothing.

use std::sync::OnceLock;

use lopdf::{Dictionary, Document, Object};

use super::descriptor::{Descriptor, ProgramSource};
use super::program::{Names, Program, ProgramKind};
use super::std14::Std14;
use super::{
    Arena, FontKind, FontStream, FontWarning, Span, cmap, encoding, glyph_names, objects, widths,
};
use crate::pdf::Limits;

/// Largest `/ToUnicode` stream read.
pub(super) const MAX_CMAP_STREAM_BYTES: u64 = 16 * 1024 * 1024;
/// Codes a simple font has.
const CODES: usize = 256;
/// Ascent and descent used when nothing better is known, in 1/1000 em.
pub(super) const DEFAULT_ASCENT_DESCENT: (f64, f64) = (800.0, -200.0);

/// The precomputed per-code tables of a simple font.
#[derive(Debug, Clone)]
pub(super) struct SimpleTables {
    pub arena: Arena,
    /// Text per code; a span marked `deferred` is only the fallback of `deferred`.
    pub text: [Span; CODES],
    pub width: [f64; CODES],
    /// The font-program texts of codes the PDF gives no usable text, when there are such.
    pub deferred: Option<Box<Deferred>>,
}

impl SimpleTables {
    /// The text of `code`, working out the deferred ones on first use.
    #[inline]
    pub(super) fn text(&self, code: u8) -> &str {
        let Some(&span) = self.text.get(usize::from(code)) else {
            return "";
        };
        if span.deferred
            && let Some(d) = &self.deferred
            && let Some(t) = d.text(code)
        {
            return t;
        }
        self.arena.get(span)
    }
}

/// Codes whose text only the font program can give, resolved when one of them is first
/// shown: writers such as ReportLab give control codes a width and a useless `/ToUnicode`
/// entry, so nearly every font has such codes, but content rarely draws them — and reading
/// the program (inflating it, reversing a TrueType `cmap`) is the costly part of a font.
#[derive(Debug, Clone)]
pub(super) struct Deferred {
    program: DeferredProgram,
    builtin: Option<Names>,
    limits: Limits,
    resolved: OnceLock<Resolved>,
}

/// The font program as it stood when the font was built.
#[derive(Debug, Clone)]
enum DeferredProgram {
    /// Already read (for its built-in encoding), with that result.
    Read(Option<Program>),
    /// Not read yet: where it is, if anywhere.
    Unread(Option<ProgramSource<Object>>),
}

/// The deferred codes' program texts, once worked out.
#[derive(Debug, Clone)]
struct Resolved {
    arena: Arena,
    text: [Option<Span>; CODES],
}

impl Deferred {
    /// The program's text for `code`, `None` when it has none (the fallback span stands).
    fn text(&self, code: u8) -> Option<&str> {
        let r = self.resolved.get_or_init(|| self.resolve());
        let span = (*r.text.get(usize::from(code))?)?;
        Some(r.arena.get(span))
    }

    fn resolve(&self) -> Resolved {
        // `Font::warnings` is fixed when the font is built; what a late read runs into has
        // no reader, and the code simply keeps its fallback.
        let mut warnings = Vec::new();
        let read;
        let program = match &self.program {
            DeferredProgram::Read(p) => p.as_ref(),
            DeferredProgram::Unread(src) => {
                read = src
                    .as_ref()
                    .and_then(|s| s.read(&self.limits, &mut warnings));
                read.as_ref()
            }
        };
        let texts = program_code_texts(program, self.builtin.as_ref());
        let mut arena = Arena::default();
        let mut text = [None; CODES];
        for (slot, t) in text.iter_mut().zip(&texts) {
            if let Some(t) = t.as_deref().filter(|t| !t.is_empty()) {
                *slot = Some(arena.push(t));
            }
        }
        Resolved { arena, text }
    }
}

/// Everything a simple font contributes to `Font`.
#[derive(Debug, Clone)]
pub(super) struct SimpleFont {
    pub tables: SimpleTables,
    pub ascent_descent: (f64, f64),
    pub font_matrix: [f64; 6],
}

/// Builds the tables of a simple font.
pub(super) fn build(
    doc: &Document,
    dict: &Dictionary,
    kind: FontKind,
    base_font: &str,
    limits: &Limits,
    warnings: &mut Vec<FontWarning>,
) -> SimpleFont {
    let mut desc = Descriptor::read(doc, dict);
    let std14 = Std14::from_name(base_font);
    let embedded = desc.names_program();
    let symbolic = match desc.flags {
        Some(_) => desc.symbolic(),
        None => std14.is_some_and(Std14::is_symbolic),
    };
    // A TrueType program has no built-in encoding: no need to inflate it for one.
    let builtin: Option<Names> = if desc.names_truetype() {
        None
    } else {
        match desc.program(doc, limits, warnings) {
            Some(p) => p.builtin_encoding(),
            None => std14.map(|s| encoding::to_names(s.builtin_encoding())),
        }
    };

    let names = glyph_names_per_code(doc, dict, kind, symbolic, embedded, builtin.as_ref());
    let to_unicode = read_to_unicode(doc, dict, limits, warnings);
    let zapf = std14 == Some(Std14::ZapfDingbats) && !embedded;

    // Font-program fallbacks wait until a code that needs one is shown (see `Deferred`).
    let used = used_codes(doc, dict);
    let pass_through = kind == FontKind::Type3 && codes_are_characters(&names);
    let mut any_deferred = false;
    let mut arena = Arena::default();
    let mut text = [Span::default(); CODES];
    for (code, slot) in text.iter_mut().enumerate() {
        let tu = to_unicode.get(code).and_then(Option::as_deref);
        if let Some(t) = tu.filter(|t| !super::is_weak(t)) {
            *slot = arena.push(t);
            continue;
        }
        let name = names.get(code).and_then(Option::as_deref);
        let mut from_name = String::new();
        if let Some(n) = name {
            if zapf && let Some(c) = u8::try_from(code).ok().and_then(glyph_names::zapf_dingbats) {
                from_name.push(c);
            } else {
                glyph_names::to_unicode(n.as_bytes(), &mut from_name);
            }
        }
        if !from_name.is_empty() {
            *slot = arena.push(&from_name);
            continue;
        }
        if !used.get(code).copied().unwrap_or(true) {
            continue;
        }
        // A Type3 glyph whose name no list knows (`a45`, `g32`, `c97`: TeX and converters'
        // bitmap fonts) reads as its own code, as poppler maps unknown names in Type3 fonts,
        // unless the font's codes are glyph numbers rather than characters.
        if pass_through
            && tu.is_none()
            && name.is_some_and(|n| n != ".notdef")
            && let Some(c) = type3_pass_through(code)
        {
            *slot = arena.push(c.encode_utf8(&mut [0; 4]));
            continue;
        }
        // What stands when the program has nothing for the code either.
        if let Some(t) = tu {
            *slot = arena.push(t);
        }
        slot.deferred = true;
        any_deferred = true;
    }

    let width = code_widths(doc, dict, kind, base_font, std14, &desc, &names);
    let (font_matrix, ascent_descent) = if kind == FontKind::Type3 {
        type3_metrics(doc, dict)
    } else {
        let ad = desc
            .ascent_descent()
            .or_else(|| std14.map(Std14::ascent_descent))
            .unwrap_or(DEFAULT_ASCENT_DESCENT);
        (super::DEFAULT_FONT_MATRIX, ad)
    };
    let deferred = any_deferred.then(|| {
        let program = match desc.take_program() {
            Some(read) => DeferredProgram::Read(read),
            None => DeferredProgram::Unread(desc.program_source(doc)),
        };
        Box::new(Deferred {
            program,
            builtin,
            limits: limits.clone(),
            resolved: OnceLock::new(),
        })
    });
    SimpleFont {
        tables: SimpleTables {
            arena,
            text,
            width,
            deferred,
        },
        ascent_descent,
        font_matrix,
    }
}

/// Code → glyph name: `/Encoding` (name, or dictionary with `/BaseEncoding` and
/// `/Differences`) over the default base of §9.6.5.
fn glyph_names_per_code(
    doc: &Document,
    dict: &Dictionary,
    kind: FontKind,
    symbolic: bool,
    embedded: bool,
    builtin: Option<&Names>,
) -> Names {
    let (base_name, diffs) = match objects::get(doc, dict, b"Encoding") {
        Some(Object::Name(n)) => (Some(n.as_slice()), None),
        Some(Object::Dictionary(d)) => (
            objects::get_name(doc, d, b"BaseEncoding"),
            objects::get_array(doc, d, b"Differences"),
        ),
        _ => (None, None),
    };
    let mut names = match base_name.and_then(encoding::named) {
        Some(table) => encoding::to_names(table),
        None => default_base(kind, symbolic, embedded, builtin),
    };
    if let Some(diffs) = diffs {
        encoding::apply_differences(doc, diffs, &mut names);
    }
    names
}

/// The base encoding when the PDF names none: the program's built-in one where it has one
/// (§9.6.5.1/§9.6.5.2), otherwise StandardEncoding; for TrueType, nothing for symbolic fonts
/// (their `cmap` decides), the standard-14 font's own encoding for a font that is not embedded
/// and names one (`ArialMT` is Helvetica, StandardEncoding; as poppler reads it), else
/// WinAnsiEncoding; for Type3, only what `/Differences` says.
fn default_base(kind: FontKind, symbolic: bool, embedded: bool, builtin: Option<&Names>) -> Names {
    match kind {
        FontKind::Type3 => vec![None; CODES],
        FontKind::TrueType if symbolic => vec![None; CODES],
        FontKind::TrueType => match builtin {
            Some(b) if !embedded => b.clone(),
            _ => encoding::to_names(&super::std14_data::WIN_ANSI),
        },
        _ => match builtin {
            Some(b) => b.clone(),
            None => encoding::to_names(&super::std14_data::STANDARD),
        },
    }
}

/// Which codes the font may show: those `/Widths` gives a non-zero width, or all when it has
/// no `/Widths`. Subset fonts list every code of their range and give unused ones width 0.
fn used_codes(doc: &Document, dict: &Dictionary) -> Vec<bool> {
    match widths::simple_widths(doc, dict, 0.0) {
        Some(w) => w.iter().map(|w| *w != 0.0).collect(),
        None => vec![true; CODES],
    }
}

/// Text per code from the font program alone: TrueType code → glyph → Unicode, or the
/// built-in encoding's glyph names.
fn program_code_texts(program: Option<&Program>, builtin: Option<&Names>) -> Vec<Option<String>> {
    let mut out: Vec<Option<String>> = match builtin {
        Some(names) => names
            .iter()
            .map(|n| {
                n.as_deref()
                    .and_then(|n| glyph_names::to_unicode_string(n.as_bytes()))
            })
            .collect(),
        None => vec![None; CODES],
    };
    if let Some(p) = program
        && matches!(p.kind, ProgramKind::TrueType | ProgramKind::OpenType)
        && let Some(gids) = p.truetype_code_gids()
    {
        let texts = p.glyph_texts();
        for (slot, gid) in out.iter_mut().zip(gids) {
            if slot.is_none()
                && let Some(t) = gid.and_then(|g| texts.get(&g))
            {
                *slot = Some(t.clone());
            }
        }
    }
    out
}

/// `/ToUnicode` as code → text for the 256 codes (longer codes are ignored: a simple font has
/// none).
fn read_to_unicode(
    doc: &Document,
    dict: &Dictionary,
    limits: &Limits,
    warnings: &mut Vec<FontWarning>,
) -> Vec<Option<String>> {
    let mut out = vec![None; CODES];
    let Some(data) = objects::stream_content(
        doc,
        dict,
        b"ToUnicode",
        FontStream::ToUnicode,
        limits,
        MAX_CMAP_STREAM_BYTES,
        warnings,
    ) else {
        return out;
    };
    let parsed = cmap::parse(&data);
    if parsed.truncated {
        warnings.push(FontWarning::CMapTruncated {
            what: FontStream::ToUnicode,
        });
    }
    for (code, text) in parsed.unicode {
        if let Some(slot) = usize::try_from(code).ok().and_then(|c| out.get_mut(c)) {
            *slot = Some(super::clean_text(&text));
        }
    }
    out
}

/// Advance per code: `/Widths`; else the standard-14 AFM (or a stand-in chosen by the
/// descriptor flags, as poppler does) by glyph name; else `/MissingWidth`.
fn code_widths(
    doc: &Document,
    dict: &Dictionary,
    kind: FontKind,
    base_font: &str,
    std14: Option<Std14>,
    desc: &Descriptor,
    names: &Names,
) -> [f64; CODES] {
    if let Some(w) = widths::simple_widths(doc, dict, desc.missing_width) {
        return w;
    }
    let mut out = [desc.missing_width; CODES];
    if kind == FontKind::Type3 {
        return out;
    }
    let metrics = std14.unwrap_or_else(|| Std14::substitute(desc.flags.unwrap_or(0), base_font));
    for (slot, name) in out.iter_mut().zip(names) {
        if let Some(w) = name.as_deref().and_then(|n| metrics.width(n)) {
            *slot = w;
        }
    }
    out
}

/// False for a font whose codes number its glyphs in order of use from 0 (Ghostscript's
/// `a0 a1 a2 …`: code 0 and code 1 both named), so that a code says nothing about the
/// character. TeX's fonts keep their own codes, which name few of the low ones and rarely both.
fn codes_are_characters(names: &Names) -> bool {
    let named = |code: usize| {
        names
            .get(code)
            .and_then(Option::as_deref)
            .is_some_and(|n| n != ".notdef")
    };
    !(named(0) && named(1))
}

/// The character a Type3 code reads as when its glyph name says nothing: the code itself, as
/// Latin-1, when that is a printable character (no controls, no C1 range).
fn type3_pass_through(code: usize) -> Option<char> {
    let code = u32::try_from(code).ok()?;
    let printable = (0x21..0x7f).contains(&code) || (0xa1..=0xff).contains(&code);
    printable.then(|| char::from_u32(code)).flatten()
}

/// A Type3 font's `/FontMatrix` and its ascent/descent in glyph space, taken from `/FontBBox`
/// so that the matrix maps them to text space (swapped when the matrix flips y).
fn type3_metrics(doc: &Document, dict: &Dictionary) -> ([f64; 6], (f64, f64)) {
    let matrix = objects::get_array(doc, dict, b"FontMatrix")
        .map(|a| objects::numbers(doc, a))
        .and_then(|n| match n.as_slice() {
            [Some(a), Some(b), Some(c), Some(d), Some(e), Some(f)] if a * d - b * c != 0.0 => {
                Some([*a, *b, *c, *d, *e, *f])
            }
            _ => None,
        })
        .unwrap_or(super::DEFAULT_FONT_MATRIX);
    let d = matrix[3];
    let from_bbox = objects::get_array(doc, dict, b"FontBBox")
        .and_then(|a| super::descriptor::bbox(doc, a))
        .and_then(|[_, lly, _, ury]| (ury != lly).then_some((lly.min(ury), lly.max(ury))));
    let (low, high) = match from_bbox {
        Some(v) => v,
        // The default 0.8/−0.2 text-space units expressed in glyph space.
        None if d != 0.0 => {
            let (a, b) = (-0.2 / d, 0.8 / d);
            (a.min(b), a.max(b))
        }
        None => (DEFAULT_ASCENT_DESCENT.1, DEFAULT_ASCENT_DESCENT.0),
    };
    let ad = if d < 0.0 { (low, high) } else { (high, low) };
    (matrix, ad)
}
