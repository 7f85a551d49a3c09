//! Fonts: from a font dictionary to, for every character code in a string, its Unicode text
//! and its advance width (ISO 32000-2 §9).
//!
//! All parsing happens once in `Font::from_dict` — encodings, CMaps, widths, the embedded
//! program where the PDF says too little — into lookup tables; `Font::for_each_glyph` then
//! only splits bytes into codes and indexes those tables, without allocating. Placing glyphs
//! (text matrices, `Tc`/`Tw`, ligature expansion, NFC) is the interpreter's and the layout's.
//!
//! Submodules: `simple` (Type1/MMType1/TrueType/Type3) and `composite` (Type0) build the
//! tables; `cmap` parses CMap streams; `encoding`, `glyph_names`, `std14` (+ the generated
//! `std14_data`) and `cid_unicode` (+ the generated `cid_unicode_data`) hold the static
//! knowledge; `program` reads embedded font programs;
//! `descriptor`, `widths` and `objects` read dictionaries.

#[rustfmt::skip]
mod agl_data;
mod cid_unicode;
#[rustfmt::skip]
mod cid_unicode_data;
mod cmap;
mod composite;
mod descriptor;
mod encoding;
mod glyph_names;
mod objects;
mod program;
mod shared;
mod simple;
mod std14;
#[rustfmt::skip]
mod std14_data;
mod widths;

#[cfg(test)]
mod tests;

use std::fmt;
use std::sync::Arc;

use thiserror::Error;

use crate::pdf::Limits;

/// The matrix of every font but Type3 (glyph space is 1/1000 of text space).
const DEFAULT_FONT_MATRIX: [f64; 6] = [0.001, 0.0, 0.0, 0.001, 0.0, 0.0];

/// Horizontal or vertical writing (Identity-V and other `-V` CMaps).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WritingMode {
    /// Glyphs advance along x.
    Horizontal,
    /// Glyphs advance along -y.
    Vertical,
}

/// One glyph of a shown string, as the interpreter needs it.
#[derive(Debug, Clone, Copy)]
pub struct GlyphInfo<'a> {
    /// The character code as read from the string (1 to 4 bytes, big-endian).
    pub code: u32,
    /// How many bytes the code took.
    pub code_len: u8,
    /// Unicode text of the glyph; empty when the font gives no way to know it.
    pub text: &'a str,
    /// Advance in glyph space (thousandths of text space for all but Type3; apply
    /// `Font::font_matrix`). For vertical fonts, the distance down (−w1y of `/W2`).
    pub width: f64,
    /// True for the single-byte code 32, the only code word spacing (`Tw`) applies to.
    pub is_word_space: bool,
}

/// The font dictionary's `/Subtype`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FontKind {
    /// Type 1, including the standard 14 and unknown subtypes read as Type 1.
    Type1,
    /// Multiple master Type 1, read as Type 1.
    MMType1,
    /// TrueType simple font.
    TrueType,
    /// Type 3: glyphs are content streams; `/FontMatrix` and `/Widths` in glyph space.
    Type3,
    /// Composite font with a CIDFont descendant.
    Type0,
}

/// Which stream of a font a warning is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum FontStream {
    /// `/ToUnicode`.
    ToUnicode,
    /// A Type0 `/Encoding` CMap (or one it uses).
    EncodingCMap,
    /// `/FontFile` (Type 1 program).
    FontFile,
    /// `/FontFile2` (TrueType program).
    FontFile2,
    /// `/FontFile3` (CFF or OpenType program).
    FontFile3,
    /// `/CIDToGIDMap`.
    CidToGidMap,
}

impl fmt::Display for FontStream {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            FontStream::ToUnicode => "/ToUnicode",
            FontStream::EncodingCMap => "/Encoding CMap",
            FontStream::FontFile => "/FontFile",
            FontStream::FontFile2 => "/FontFile2",
            FontStream::FontFile3 => "/FontFile3",
            FontStream::CidToGidMap => "/CIDToGIDMap",
        })
    }
}

/// Something in a font that was skipped or cut short; the font still works, with less.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[non_exhaustive]
pub enum FontWarning {
    /// A stream decodes past the limit for its kind.
    #[error("{what} stream decodes past the limit of {limit} bytes; ignored")]
    StreamTooLarge {
        /// Which stream.
        what: FontStream,
        /// The limit applied, in bytes.
        limit: u64,
    },
    /// A stream could not be decoded.
    #[error("{what} stream could not be decoded ({reason}); ignored")]
    StreamUnreadable {
        /// Which stream.
        what: FontStream,
        /// lopdf's error message.
        reason: String,
    },
    /// A key that must hold a stream holds something else.
    #[error("{what} is not a stream; ignored")]
    NotAStream {
        /// Which entry.
        what: FontStream,
    },
    /// A CMap had more entries than the limits allow; the rest were dropped.
    #[error("{what} has more entries than the limits allow; the rest were dropped")]
    CMapTruncated {
        /// Which CMap.
        what: FontStream,
    },
    /// `/Subtype` names no known font type.
    #[error("unknown font subtype /{subtype}; read as Type1")]
    UnknownSubtype {
        /// The subtype as written.
        subtype: String,
    },
    /// A Type0 font has no readable `/DescendantFonts` entry.
    #[error("Type0 font has no usable /DescendantFonts; default widths, no program")]
    MissingDescendant,
    /// `usecmap` links went deeper than the limit (or in a cycle).
    #[error("usecmap chain deeper than {limit}; the rest was ignored")]
    UseCMapTooDeep {
        /// The depth limit.
        limit: usize,
    },
}

/// Where a glyph's text lives in its font's arena.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
struct Span {
    start: u32,
    len: u32,
    /// The text means nothing across fonts (private use, control codes) or is empty.
    weak: bool,
    /// A simple font's code whose text the font program may still give (`simple::Deferred`).
    deferred: bool,
}

/// All glyph texts of one font in one string, so lookups return slices without allocating.
#[derive(Debug, Clone, Default)]
struct Arena(String);

impl Arena {
    fn push(&mut self, text: &str) -> Span {
        let (Ok(start), Ok(len)) = (u32::try_from(self.0.len()), u32::try_from(text.len())) else {
            // Past 4 GiB of text something is wrong with the font; give up on this glyph.
            return Span::default();
        };
        if start.checked_add(len).is_none() {
            return Span::default();
        }
        self.0.push_str(text);
        Span {
            start,
            len,
            weak: is_weak(text),
            deferred: false,
        }
    }

    #[inline]
    fn get(&self, span: Span) -> &str {
        let start = span.start as usize;
        self.0
            .get(start..start + span.len as usize)
            .unwrap_or_default()
    }
}

/// True when `text` carries no meaning a reader could use: empty, or only private-use,
/// control or replacement characters (what a ToUnicode entry of a broken writer holds).
fn is_weak(text: &str) -> bool {
    text.chars()
        .all(|c| c.is_control() || c == '\u{FFFD}' || program::is_private_use(c))
}

/// Drops U+0000 (some writers map glyphs to it to mean "nothing").
fn clean_text(text: &str) -> String {
    text.chars().filter(|&c| c != '\0').collect()
}

/// The tables `for_each_glyph` reads.
#[derive(Debug, Clone)]
enum Tables {
    Simple(Box<simple::SimpleTables>),
    Composite(Box<composite::CompositeTables>),
}

#[derive(Debug)]
struct Inner {
    name: String,
    kind: FontKind,
    writing_mode: WritingMode,
    font_matrix: [f64; 6],
    ascent_descent: (f64, f64),
    tables: Tables,
    warnings: Vec<FontWarning>,
}

/// A font ready to decode strings. Cloning is cheap (the tables are shared).
#[derive(Debug, Clone)]
pub struct Font {
    inner: Arc<Inner>,
}

impl Font {
    /// Reads a font dictionary. Never fails: what cannot be read falls back to a simpler reading.
    /// A standard-14 font the dictionary only names comes from the process-wide set ([`shared`]).
    pub fn from_dict(doc: &lopdf::Document, dict: &lopdf::Dictionary, limits: &Limits) -> Font {
        match shared::NamedFont::of(dict) {
            Some(named) => shared::shared(named, || Font::read(doc, dict, limits)),
            None => Font::read(doc, dict, limits),
        }
    }

    fn read(doc: &lopdf::Document, dict: &lopdf::Dictionary, limits: &Limits) -> Font {
        let mut warnings = Vec::new();
        let name = objects::get_name(doc, dict, b"BaseFont")
            .map(|n| String::from_utf8_lossy(n).into_owned())
            .unwrap_or_default();
        let kind = match objects::get_name(doc, dict, b"Subtype") {
            Some(b"Type0") => FontKind::Type0,
            Some(b"TrueType") => FontKind::TrueType,
            Some(b"Type3") => FontKind::Type3,
            Some(b"MMType1") => FontKind::MMType1,
            Some(b"Type1") | None => FontKind::Type1,
            Some(other) => {
                warnings.push(FontWarning::UnknownSubtype {
                    subtype: String::from_utf8_lossy(other).into_owned(),
                });
                FontKind::Type1
            }
        };
        let inner = if kind == FontKind::Type0 {
            let built = composite::build(doc, dict, limits, &mut warnings);
            Inner {
                name,
                kind,
                writing_mode: if built.vertical {
                    WritingMode::Vertical
                } else {
                    WritingMode::Horizontal
                },
                font_matrix: DEFAULT_FONT_MATRIX,
                ascent_descent: built.ascent_descent,
                tables: Tables::Composite(Box::new(built.tables)),
                warnings,
            }
        } else {
            let built = simple::build(doc, dict, kind, &name, limits, &mut warnings);
            Inner {
                name,
                kind,
                writing_mode: WritingMode::Horizontal,
                font_matrix: built.font_matrix,
                ascent_descent: built.ascent_descent,
                tables: Tables::Simple(Box::new(built.tables)),
                warnings,
            }
        };
        Font {
            inner: Arc::new(inner),
        }
    }

    /// The `/BaseFont` name, for warnings.
    pub fn name(&self) -> &str {
        &self.inner.name
    }

    /// The font type, from `/Subtype`.
    pub fn kind(&self) -> FontKind {
        self.inner.kind
    }

    /// What was skipped or cut short while reading the font.
    pub fn warnings(&self) -> &[FontWarning] {
        &self.inner.warnings
    }

    /// Horizontal unless the encoding CMap is vertical.
    pub fn writing_mode(&self) -> WritingMode {
        self.inner.writing_mode
    }

    /// Glyph space to text space: `[0.001 0 0 0.001 0 0]` except for Type3 fonts.
    pub fn font_matrix(&self) -> [f64; 6] {
        self.inner.font_matrix
    }

    /// Ascent and descent in glyph space (e.g. 800 and -200), for glyph boxes. For Type3 they
    /// come from `/FontBBox`, so that `font_matrix` maps them to text space.
    pub fn ascent_descent(&self) -> (f64, f64) {
        self.inner.ascent_descent
    }

    /// Splits `bytes` into character codes and calls `f` once per glyph, in order.
    pub fn for_each_glyph(&self, bytes: &[u8], mut f: impl FnMut(GlyphInfo<'_>)) {
        match &self.inner.tables {
            Tables::Simple(t) => {
                for &b in bytes {
                    let i = usize::from(b);
                    let text = t.text(b);
                    f(GlyphInfo {
                        code: u32::from(b),
                        code_len: 1,
                        text,
                        width: t.width.get(i).copied().unwrap_or(0.0),
                        is_word_space: b == b' ',
                    });
                }
            }
            Tables::Composite(t) => {
                let mut rest = bytes;
                while !rest.is_empty() {
                    let (code, len) = t.codes.next_code(rest);
                    // `next_code` takes at least one byte of non-empty input; `max` makes the
                    // loop's progress not depend on that.
                    let len = len.clamp(1, rest.len());
                    rest = rest.get(len..).unwrap_or_default();
                    let cid = t.codes.cid(code);
                    let mut buf = [0u8; 4];
                    f(GlyphInfo {
                        code,
                        // At most 4 (cmap::MAX_CODE_BYTES).
                        code_len: len as u8,
                        text: t.text(code, cid, &mut buf),
                        width: t.width(cid),
                        is_word_space: t.is_word_space(code, len),
                    });
                }
            }
        }
    }
}
