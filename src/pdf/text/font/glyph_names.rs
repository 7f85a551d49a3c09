//! Glyph names to Unicode, after the Adobe Glyph List Specification: the AGL itself (generated
//! into `agl_data`; lopdf 0.47 keeps its copy private), `uniXXXX…` and `uXXXX[XX]` names,
//! `.suffix` variants and `_` ligature components. Names that only number glyphs (`g12`, `cid123`, `c45`) are unknown on
//! purpose: their numbers are glyph ids, not characters.

use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};
use std::sync::LazyLock;

use super::agl_data::AGL;

/// The AGL by name. Every simple font resolves up to 256 names, and one hash of a short name
/// is cheaper than a binary search of the 4,000-name list (a dozen string compares each).
static AGL_BY_NAME: LazyLock<HashMap<&'static [u8], &'static str, BuildHasherDefault<Fnv>>> =
    LazyLock::new(|| AGL.iter().map(|(n, t)| (n.as_bytes(), *t)).collect());

/// FNV-1a: glyph names are short, and the tables keyed by them are fixed, so a hostile name
/// can only miss (never a map keyed by the document's own values: those could flood it).
#[derive(Default)]
pub(super) struct Fnv(u64);

impl Hasher for Fnv {
    fn finish(&self) -> u64 {
        self.0
    }

    fn write(&mut self, bytes: &[u8]) {
        let mut h = if self.0 == 0 {
            0xcbf2_9ce4_8422_2325
        } else {
            self.0
        };
        for b in bytes {
            h = (h ^ u64::from(*b)).wrapping_mul(0x0100_0000_01b3);
        }
        self.0 = h;
    }
}

/// Longest glyph name considered; longer ones are junk.
const MAX_NAME_BYTES: usize = 128;
/// Most ligature components read from one name (`f_f_i` has three).
const MAX_COMPONENTS: usize = 8;

/// Appends the Unicode text of glyph `name` to `out`; false (and `out` unchanged) when unknown.
pub(super) fn to_unicode(name: &[u8], out: &mut String) -> bool {
    if name.len() > MAX_NAME_BYTES || name == b".notdef" {
        return false;
    }
    // AGL spec step 1: drop everything after the first period ("a.sc" → "a"); a name that starts
    // with a period has no base.
    let base = match name.iter().position(|&b| b == b'.') {
        Some(0) => return false,
        Some(dot) => name.get(..dot).unwrap_or_default(),
        None => name,
    };
    let start = out.len();
    if !base.contains(&b'_') {
        return component(base, out);
    }
    for part in base.split(|&b| b == b'_').take(MAX_COMPONENTS) {
        if !component(part, out) {
            out.truncate(start);
            return false;
        }
    }
    out.len() > start
}

/// The text of glyph `name` as a new string, `None` when unknown.
pub(super) fn to_unicode_string(name: &[u8]) -> Option<String> {
    let mut s = String::new();
    to_unicode(name, &mut s).then_some(s)
}

/// One component: AGL entry, `uniXXXX…` or `uXXXX[XX]` (AGL spec step 3).
fn component(part: &[u8], out: &mut String) -> bool {
    if part.is_empty() {
        return false;
    }
    if let Some(text) = AGL_BY_NAME.get(part) {
        out.push_str(text);
        return true;
    }
    if let Some(hex) = part.strip_prefix(b"uni")
        && !hex.is_empty()
        && hex.len() % 4 == 0
        && hex
            .iter()
            .all(|b| b.is_ascii_hexdigit() && !b.is_ascii_lowercase())
    {
        let start = out.len();
        for quad in hex.chunks_exact(4) {
            match hex_char(quad) {
                Some(c) => out.push(c),
                None => {
                    out.truncate(start);
                    return false;
                }
            }
        }
        return true;
    }
    if let Some(hex) = part.strip_prefix(b"u")
        && (4..=6).contains(&hex.len())
        && hex
            .iter()
            .all(|b| b.is_ascii_hexdigit() && !b.is_ascii_lowercase())
        && let Some(c) = hex_char(hex)
    {
        out.push(c);
        return true;
    }
    false
}

/// A scalar value from hex digits; surrogates and values past U+10FFFF are not characters.
fn hex_char(hex: &[u8]) -> Option<char> {
    let s = std::str::from_utf8(hex).ok()?;
    char::from_u32(u32::from_str_radix(s, 16).ok()?)
}

/// Unicode for a ZapfDingbats code (the Dingbats block was laid out from this font's encoding;
/// the listed exceptions are the glyphs Unicode already had elsewhere).
pub(super) fn zapf_dingbats(code: u8) -> Option<char> {
    let cp = match code {
        0x20 => 0x20,
        0x25 => 0x260E,
        0x2A => 0x261B,
        0x2B => 0x261E,
        0x48 => 0x2605,
        0x6C => 0x25CF,
        0x6E => 0x25A0,
        0x73 => 0x25B2,
        0x74 => 0x25BC,
        0x75 => 0x25C6,
        0x77 => 0x25D7,
        0xA8 => 0x2663,
        0xA9 => 0x2666,
        0xAA => 0x2665,
        0xAB => 0x2660,
        0xAC..=0xB5 => 0x2460 + u32::from(code - 0xAC),
        0xD5 => 0x2192,
        0xD6 => 0x2194,
        0xD7 => 0x2195,
        0x21..=0x7E => 0x2700 + u32::from(code - 0x20),
        0xA1..=0xFE => 0x2760 + u32::from(code - 0xA0),
        _ => return None,
    };
    char::from_u32(cp)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn u(name: &str) -> Option<String> {
        to_unicode_string(name.as_bytes())
    }

    #[test]
    fn the_agl_by_name_holds_every_entry_of_the_list() {
        assert_eq!(AGL_BY_NAME.len(), AGL.len());
        for (name, text) in AGL {
            assert_eq!(AGL_BY_NAME.get(name.as_bytes()), Some(text), "{name}");
        }
        assert!(AGL_BY_NAME.get(b"no-such-glyph".as_slice()).is_none());
    }

    #[test]
    fn agl_rules() {
        assert_eq!(u("aring").as_deref(), Some("å"));
        assert_eq!(u("Odieresis").as_deref(), Some("Ö"));
        assert_eq!(u("uni00E5").as_deref(), Some("å"));
        assert_eq!(u("uni00660069").as_deref(), Some("fi"));
        assert_eq!(u("u1F600").as_deref(), Some("😀"));
        assert_eq!(u("a.sc").as_deref(), Some("a"));
        assert_eq!(u("f_i").as_deref(), Some("fi"));
        assert_eq!(u("fi").as_deref(), Some("\u{FB01}"));
        assert_eq!(u("Delta").as_deref(), Some("\u{2206}"));
        assert_eq!(u("afii10017").as_deref(), Some("А"));
        assert_eq!(u("f_f_j").as_deref(), Some("ffj"));
        assert_eq!(u("adieresis.alt_x").as_deref(), Some("ä"));
        assert_eq!(u("uniD800"), None);
        assert_eq!(u("uni00e5"), None);
        assert_eq!(u("g12"), None);
        assert_eq!(u("cid123"), None);
        assert_eq!(u(".notdef"), None);
        assert_eq!(u(".sc"), None);
        assert_eq!(u(""), None);
    }

    #[test]
    fn zapf() {
        assert_eq!(zapf_dingbats(0x6C), Some('●'));
        assert_eq!(zapf_dingbats(0x21), Some('\u{2701}'));
        assert_eq!(zapf_dingbats(0x10), None);
    }
}
