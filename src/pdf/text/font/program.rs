//! Embedded font programs, read only for what text extraction needs when the PDF itself says
//! too little: built-in encodings (bare Type 1 `/Encoding` arrays, CFF encodings and charsets)
//! and glyph id → Unicode (TrueType/OpenType `cmap`, `post` and CFF glyph names).
//! Outlines are never parsed. All parsing is bounded: ttf-parser reads through checked slices,
//! and the Type 1 scan looks at a capped prefix only.

use std::collections::HashMap;

use ttf_parser::{GlyphId, PlatformId, RawFace, Tag};

use super::glyph_names;

/// Code → glyph name, as a font's built-in encoding gives it.
pub(super) type Names = Vec<Option<String>>;

/// How far into a bare Type 1 program the cleartext `/Encoding` is looked for.
const MAX_TYPE1_CLEARTEXT: usize = 256 * 1024;
/// Highest BMP code point probed when reversing a `cmap` (probing, not walking the
/// subtable's ranges, keeps a hostile format 12 group of 2^32 codes from costing anything).
const MAX_PROBED_CODE_POINT: u32 = 0xFFFF;

/// Which kind of program a `/FontFile*` stream holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum ProgramKind {
    /// `/FontFile`: Type 1 (PFA-style cleartext + eexec).
    Type1,
    /// `/FontFile2`: TrueType.
    TrueType,
    /// `/FontFile3 /Subtype /Type1C` or `/CIDFontType0C`: bare CFF.
    Cff,
    /// `/FontFile3 /Subtype /OpenType`.
    OpenType,
}

/// An embedded font program.
#[derive(Debug, Clone)]
pub(super) struct Program {
    /// What it is.
    pub kind: ProgramKind,
    /// The decoded bytes.
    pub data: Vec<u8>,
}

impl Program {
    /// The built-in encoding, code → glyph name, for Type 1 and CFF programs.
    pub(super) fn builtin_encoding(&self) -> Option<Names> {
        match self.kind {
            ProgramKind::Type1 => type1_encoding(&self.data),
            ProgramKind::Cff => cff_encoding(&self.data),
            ProgramKind::OpenType => {
                let raw = RawFace::parse(&self.data, 0).ok()?;
                cff_encoding(raw.table(Tag::from_bytes(b"CFF "))?)
            }
            ProgramKind::TrueType => None,
        }
    }

    /// For a simple TrueType font: code → glyph id through the `cmap` subtables a PDF
    /// consumer uses for 8-bit codes (ISO 32000-2 §9.6.5.4): (3,0) at `0xF000 + code` or
    /// `code`, then (1,0), then (3,1) reading the code as a character.
    pub(super) fn truetype_code_gids(&self) -> Option<Vec<Option<u16>>> {
        let raw = RawFace::parse(&self.data, 0).ok()?;
        let cmap = ttf_parser::cmap::Table::parse(raw.table(Tag::from_bytes(b"cmap"))?)?;
        let subtables: Vec<_> = cmap.subtables.into_iter().collect();
        let find = |platform: PlatformId, encoding: u16| {
            subtables
                .iter()
                .find(|s| s.platform_id == platform && s.encoding_id == encoding)
        };
        let sym = find(PlatformId::Windows, 0);
        let mac = find(PlatformId::Macintosh, 0);
        let uni = find(PlatformId::Windows, 1);
        let gids = (0u32..256)
            .map(|code| {
                let gid = sym
                    .and_then(|s| s.glyph_index(0xF000 + code).or_else(|| s.glyph_index(code)))
                    .or_else(|| mac.and_then(|s| s.glyph_index(code)))
                    .or_else(|| uni.and_then(|s| s.glyph_index(code)));
                gid.map(|g| g.0).filter(|&g| g != 0)
            })
            .collect();
        Some(gids)
    }

    /// Glyph id → Unicode text, from the Unicode `cmap` subtables reversed, then glyph names
    /// (`post` or CFF charset) through the AGL. Private-use code points only where nothing
    /// better maps to the glyph.
    pub(super) fn glyph_texts(&self) -> HashMap<u16, String> {
        let mut out = HashMap::new();
        match self.kind {
            ProgramKind::Cff => {
                if let Some(cff) = ttf_parser::cff::Table::parse(&self.data) {
                    add_cff_names(&cff, &mut out);
                }
            }
            ProgramKind::TrueType | ProgramKind::OpenType => {
                let Ok(raw) = RawFace::parse(&self.data, 0) else {
                    return out;
                };
                if let Some(cmap) = raw
                    .table(Tag::from_bytes(b"cmap"))
                    .and_then(ttf_parser::cmap::Table::parse)
                {
                    reverse_cmap(&cmap, &mut out);
                }
                if let Some(post) = raw
                    .table(Tag::from_bytes(b"post"))
                    .and_then(ttf_parser::post::Table::parse)
                {
                    let glyphs = u16::try_from(post.names().count()).unwrap_or(u16::MAX);
                    for gid in 0..glyphs {
                        if let Some(name) = post.glyph_name(GlyphId(gid)) {
                            add_name(gid, name, &mut out);
                        }
                    }
                }
                if let Some(cff) = raw
                    .table(Tag::from_bytes(b"CFF "))
                    .and_then(ttf_parser::cff::Table::parse)
                {
                    add_cff_names(&cff, &mut out);
                }
            }
            ProgramKind::Type1 => {}
        }
        out
    }

    /// For a CID-keyed CFF: glyph id → CID from its charset. `None` for other programs.
    pub(super) fn cff_gid_to_cid(&self) -> Option<Vec<(u16, u16)>> {
        let data = match self.kind {
            ProgramKind::Cff => self.data.as_slice(),
            ProgramKind::OpenType => RawFace::parse(&self.data, 0)
                .ok()?
                .table(Tag::from_bytes(b"CFF "))?,
            _ => return None,
        };
        let cff = ttf_parser::cff::Table::parse(data)?;
        let pairs: Vec<(u16, u16)> = (0..cff.number_of_glyphs())
            .filter_map(|g| cff.glyph_cid(GlyphId(g)).map(|cid| (g, cid)))
            .collect();
        (!pairs.is_empty()).then_some(pairs)
    }
}

/// Reverses the Unicode subtables into `out` (first, lowest code point wins; PUA only when
/// nothing else maps the glyph).
fn reverse_cmap(cmap: &ttf_parser::cmap::Table<'_>, out: &mut HashMap<u16, String>) {
    let mut pua: HashMap<u16, char> = HashMap::new();
    for sub in cmap.subtables.into_iter().filter(|s| s.is_unicode()) {
        for cp in 0..=MAX_PROBED_CODE_POINT {
            let Some(gid) = sub.glyph_index(cp) else {
                continue;
            };
            if gid.0 == 0 {
                continue;
            }
            let Some(c) = char::from_u32(cp) else {
                continue;
            };
            if is_private_use(c) {
                pua.entry(gid.0).or_insert(c);
            } else {
                out.entry(gid.0).or_insert_with(|| c.to_string());
            }
        }
    }
    for (gid, c) in pua {
        out.entry(gid).or_insert_with(|| c.to_string());
    }
}

fn add_cff_names(cff: &ttf_parser::cff::Table<'_>, out: &mut HashMap<u16, String>) {
    for gid in 1..cff.number_of_glyphs() {
        if let Some(name) = cff.glyph_name(GlyphId(gid)) {
            add_name(gid, name, out);
        }
    }
}

fn add_name(gid: u16, name: &str, out: &mut HashMap<u16, String>) {
    if out.contains_key(&gid) {
        return;
    }
    if let Some(text) = glyph_names::to_unicode_string(name.as_bytes()) {
        out.insert(gid, text);
    }
}

/// True for the private-use areas, which carry no meaning across fonts.
pub(super) fn is_private_use(c: char) -> bool {
    matches!(c as u32, 0xE000..=0xF8FF | 0xF_0000..=0x10_FFFF)
}

/// The built-in encoding of a bare CFF font: code → glyph id (encoding) → name (charset).
fn cff_encoding(data: &[u8]) -> Option<Names> {
    let cff = ttf_parser::cff::Table::parse(data)?;
    let names: Names = (0u8..=255)
        .map(|code| {
            let gid = cff.glyph_index(code)?;
            if gid.0 == 0 {
                return None;
            }
            cff.glyph_name(gid).map(str::to_owned)
        })
        .collect();
    names.iter().any(Option::is_some).then_some(names)
}

/// The `/Encoding` of a Type 1 program's cleartext part: `StandardEncoding` (→ `None`: the
/// caller's default) or an array filled by `dup <code> /<name> put` (Adobe Type 1 Font Format
/// §2.3).
fn type1_encoding(data: &[u8]) -> Option<Names> {
    let head = data
        .get(..data.len().min(MAX_TYPE1_CLEARTEXT))
        .unwrap_or(data);
    // The cleartext part ends where encryption starts.
    let end = find(head, b"eexec").unwrap_or(head.len());
    let head = head.get(..end).unwrap_or(head);
    let start = find(head, b"/Encoding")? + b"/Encoding".len();
    let rest = head.get(start..)?;
    let mut tokens = rest
        .split(|b| b.is_ascii_whitespace())
        .filter(|t| !t.is_empty());
    let first = tokens.next()?;
    if first == b"StandardEncoding" {
        return None;
    }
    let mut names: Names = vec![None; 256];
    let mut window: [&[u8]; 3] = [b"", b"", b""];
    for tok in tokens {
        if tok == b"def" || tok == b"readonly" {
            break;
        }
        if tok == b"put"
            && let [b"dup", code, name] = window
            && let Some(code) = std::str::from_utf8(code)
                .ok()
                .and_then(|s| s.parse::<usize>().ok())
            && let Some(name) = name.strip_prefix(b"/")
            && let Some(slot) = names.get_mut(code)
        {
            *slot = Some(String::from_utf8_lossy(name).into_owned());
        }
        window = [window[1], window[2], tok];
    }
    names.iter().any(Option::is_some).then_some(names)
}

fn find(hay: &[u8], needle: &[u8]) -> Option<usize> {
    hay.windows(needle.len()).position(|w| w == needle)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn type1_cleartext_encoding() {
        let prog = Program {
            kind: ProgramKind::Type1,
            data: b"%!PS-AdobeFont-1.0: Foo\n/Encoding 256 array\n0 1 255 {1 index exch /.notdef put} for\n\
                    dup 65 /A put\ndup 229 /aring put\nreadonly def\ncurrentfile eexec \x80\x81"
                .to_vec(),
        };
        let names = prog.builtin_encoding().unwrap_or_default();
        assert_eq!(names.get(65).cloned().flatten().as_deref(), Some("A"));
        assert_eq!(names.get(229).cloned().flatten().as_deref(), Some("aring"));
        assert_eq!(names.get(66).cloned().flatten(), None);
        let std = Program {
            kind: ProgramKind::Type1,
            data: b"/Encoding StandardEncoding def currentfile eexec".to_vec(),
        };
        assert!(std.builtin_encoding().is_none());
    }

    #[test]
    fn junk_programs_do_not_panic() {
        for kind in [
            ProgramKind::Type1,
            ProgramKind::TrueType,
            ProgramKind::Cff,
            ProgramKind::OpenType,
        ] {
            for data in [
                &b""[..],
                b"\x01\x00\x04\x04garbage",
                b"\x00\x01\x00\x00\x00\x10",
                b"/Encoding",
            ] {
                let p = Program {
                    kind,
                    data: data.to_vec(),
                };
                let _ = p.builtin_encoding();
                let _ = p.glyph_texts();
                let _ = p.truetype_code_gids();
                let _ = p.cff_gid_to_cid();
            }
        }
    }
}
