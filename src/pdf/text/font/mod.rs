//! Fonts: from a font dictionary to, for every character code in a string, its Unicode text
//! and its advance width. (Stub with the final interface: being written.)

use crate::pdf::Limits;

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
    /// `Font::font_matrix`).
    pub width: f64,
    /// True for the single-byte code 32, the only code word spacing (`Tw`) applies to.
    pub is_word_space: bool,
}

/// A font ready to decode strings.
#[derive(Debug, Clone)]
pub struct Font {
    name: String,
}

impl Font {
    /// Reads a font dictionary. Never fails: what cannot be read falls back to a simpler reading.
    pub fn from_dict(doc: &lopdf::Document, dict: &lopdf::Dictionary, limits: &Limits) -> Font {
        let _ = (doc, limits);
        let name = dict
            .get(b"BaseFont")
            .and_then(|o| o.as_name())
            .map(|n| String::from_utf8_lossy(n).into_owned())
            .unwrap_or_default();
        Font { name }
    }

    /// The `/BaseFont` name, for warnings.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// Horizontal unless the encoding CMap is vertical.
    pub fn writing_mode(&self) -> WritingMode {
        WritingMode::Horizontal
    }

    /// Glyph space to text space: `[0.001 0 0 0.001 0 0]` except for Type3 fonts.
    pub fn font_matrix(&self) -> [f64; 6] {
        [0.001, 0.0, 0.0, 0.001, 0.0, 0.0]
    }

    /// Ascent and descent in glyph space (e.g. 800 and -200), for glyph boxes.
    pub fn ascent_descent(&self) -> (f64, f64) {
        (800.0, -200.0)
    }

    /// Splits `bytes` into character codes and calls `f` once per glyph, in order.
    pub fn for_each_glyph(&self, bytes: &[u8], mut f: impl FnMut(GlyphInfo<'_>)) {
        let mut buf = [0u8; 4];
        for &b in bytes {
            let text: &str = if b.is_ascii_graphic() || b == b' ' {
                (b as char).encode_utf8(&mut buf)
            } else {
                ""
            };
            f(GlyphInfo {
                code: b as u32,
                code_len: 1,
                text,
                width: 500.0,
                is_word_space: b == b' ',
            });
        }
    }
}
