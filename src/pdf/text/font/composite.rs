//! Type0 (composite) fonts (ISO 32000-2 §9.7): the encoding CMap splits strings into codes and
//! maps codes to CIDs; the CIDFont descendant gives widths per CID and the program behind it.
//!
//! Text per code: a meaningful `/ToUnicode` entry (by code); else, for a CIDFont of an Adobe
//! CJK collection (`/Ordering` Japan1, GB1, CNS1, Korea1, KR) whose codes have known CIDs,
//! Adobe's CID → Unicode table for it (`cid_unicode`), as pdf.js and pdftotext read them; else
//! what the font program says for the code's CID (TrueType via `/CIDToGIDMap` and a reversed
//! `cmap`, CFF glyph names); else, for the predefined UCS-2/UTF-16 CMaps, the code itself;
//! else a weak `/ToUnicode` entry; else nothing. Tables are keyed by code or CID in hash maps,
//! built once here.

use std::collections::HashMap;

use lopdf::{Dictionary, Document, Object};

use super::cid_unicode::Collection;
use super::cmap::{self, CMap, CidRange, CodeSpace, Codespace};
use super::descriptor::Descriptor;
use super::program::{Program, ProgramKind};
use super::simple::{DEFAULT_ASCENT_DESCENT, MAX_CMAP_STREAM_BYTES};
use super::widths::{CidWidths, DEFAULT_CID_WIDTH, DEFAULT_VERTICAL_ADVANCE};
use super::{Arena, FontStream, FontWarning, Span, objects};
use crate::pdf::Limits;

/// How many `usecmap` links are followed (real CMaps use one).
pub(super) const MAX_USECMAP_DEPTH: usize = 4;
/// Most CIDs read from a `/CIDToGIDMap` stream (two bytes each; CIDs are 16-bit in practice).
const MAX_CIDS: usize = 0x1_0000;
/// How far back a code → CID lookup looks among sorted ranges for an overlapping one.
const MAX_RANGE_LOOKBACK: usize = 8;

/// How codes become CIDs.
#[derive(Debug, Clone)]
pub(super) enum Codes {
    /// Identity-H/-V and unknown predefined CMaps: 2-byte codes, CID = code.
    Identity,
    /// An embedded CMap.
    CMap {
        space: CodeSpace,
        /// Sorted by `lo`; empty means CID = code.
        ranges: Vec<CidRange>,
    },
}

impl Codes {
    /// The next code of `bytes` and its length, at least 1 for non-empty input.
    pub(super) fn next_code(&self, bytes: &[u8]) -> (u32, usize) {
        match self {
            Codes::Identity => match bytes {
                [a, b, ..] => ((u32::from(*a) << 8) | u32::from(*b), 2),
                [a] => (u32::from(*a), 1),
                [] => (0, 0),
            },
            Codes::CMap { space, .. } => space.next_code(bytes),
        }
    }

    /// The CID of a code; 0 (`.notdef`) when the CMap maps it nowhere.
    pub(super) fn cid(&self, code: u32) -> u32 {
        match self {
            Codes::Identity => code,
            Codes::CMap { ranges, .. } if ranges.is_empty() => code,
            Codes::CMap { ranges, .. } => {
                let idx = ranges.partition_point(|r| r.lo <= code);
                ranges
                    .get(..idx)
                    .unwrap_or_default()
                    .iter()
                    .rev()
                    .take(MAX_RANGE_LOOKBACK)
                    .find(|r| code <= r.hi)
                    .map_or(0, |r| r.cid.saturating_add(code - r.lo))
            }
        }
    }

    /// True when the CMap has one-byte codes, so code 32 may be a word space.
    fn has_one_byte(&self) -> bool {
        matches!(self, Codes::CMap { space, .. } if space.has_one_byte)
    }
}

/// The lookup tables of a composite font.
#[derive(Debug, Clone)]
pub(super) struct CompositeTables {
    pub codes: Codes,
    pub arena: Arena,
    /// Code → `/ToUnicode` text.
    pub to_unicode: HashMap<u32, Span>,
    /// CID → text from the font program.
    pub cid_text: HashMap<u32, Span>,
    /// The predefined CMap is UCS-2/UTF-16: a code is its own Unicode value.
    pub code_is_unicode: bool,
    /// The Adobe collection whose CID → Unicode table applies: the CIDFont names one and the
    /// encoding gives real CIDs (Identity or an embedded CMap, not a predefined CMap whose
    /// data arkivar does not have, where "CID = code" is only a guess).
    pub collection: Option<Collection>,
    pub widths: CidWidths,
    /// `Some` for vertical writing: advances from `/W2`/`/DW2`.
    pub vertical: Option<CidWidths>,
}

impl CompositeTables {
    /// The text of a code whose CID is `cid`; `buf` holds a character made on the fly.
    pub(super) fn text<'a>(&'a self, code: u32, cid: u32, buf: &'a mut [u8; 4]) -> &'a str {
        let tu = self.to_unicode.get(&code);
        if let Some(span) = tu
            && !span.weak
        {
            return self.arena.get(*span);
        }
        // Before the program: the collection fixes what CID n is, and a subset program's
        // `cmap` or glyph names are often missing or made up (pdf.js reads this table first).
        if let Some(collection) = self.collection
            && let Some(text) = collection.text(cid)
        {
            return text.as_str(buf);
        }
        if let Some(span) = self.cid_text.get(&cid) {
            return self.arena.get(*span);
        }
        if self.code_is_unicode
            && let Some(c) = char::from_u32(code)
        {
            return c.encode_utf8(buf);
        }
        tu.map_or("", |span| self.arena.get(*span))
    }

    /// The advance of a CID along the writing direction.
    pub(super) fn width(&self, cid: u32) -> f64 {
        match &self.vertical {
            Some(v) => v.get(cid),
            None => self.widths.get(cid),
        }
    }

    /// True for a single-byte code 32 in a CMap with 1-byte codes (§9.3.3).
    pub(super) fn is_word_space(&self, code: u32, len: usize) -> bool {
        len == 1 && code == 32 && self.codes.has_one_byte()
    }
}

/// Everything a Type0 font contributes to `Font`.
#[derive(Debug, Clone)]
pub(super) struct CompositeFont {
    pub tables: CompositeTables,
    pub vertical: bool,
    pub ascent_descent: (f64, f64),
}

/// Builds a Type0 font.
pub(super) fn build(
    doc: &Document,
    dict: &Dictionary,
    limits: &Limits,
    warnings: &mut Vec<FontWarning>,
) -> CompositeFont {
    let (codes, vertical, code_is_unicode, cids_known) = encoding_cmap(doc, dict, limits, warnings);
    let descendant = objects::get_array(doc, dict, b"DescendantFonts")
        .and_then(|a| a.first())
        .and_then(|o| objects::resolve(doc, o))
        .and_then(|o| o.as_dict().ok());
    if descendant.is_none() {
        warnings.push(FontWarning::MissingDescendant);
    }
    let mut arena = Arena::default();

    let mut to_unicode = HashMap::new();
    if let Some(data) = objects::stream_content(
        doc,
        dict,
        b"ToUnicode",
        FontStream::ToUnicode,
        limits,
        MAX_CMAP_STREAM_BYTES,
        warnings,
    ) {
        let parsed = cmap::parse(&data);
        if parsed.truncated {
            warnings.push(FontWarning::CMapTruncated {
                what: FontStream::ToUnicode,
            });
        }
        for (code, text) in parsed.unicode {
            to_unicode.insert(code, arena.push(&super::clean_text(&text)));
        }
    }

    let collection = descendant
        .filter(|_| cids_known)
        .and_then(|cid_font| Collection::of(doc, cid_font));
    let (desc, widths, vertical_widths, cid_text) = match descendant {
        Some(cid_font) => {
            let desc = Descriptor::read(doc, cid_font);
            let dw = objects::get_number(doc, cid_font, b"DW").unwrap_or(DEFAULT_CID_WIDTH);
            let widths = CidWidths::parse(doc, objects::get_array(doc, cid_font, b"W"), dw, 1);
            let vertical_widths = vertical.then(|| {
                let dw2 = objects::get_array(doc, cid_font, b"DW2")
                    .map(|a| objects::numbers(doc, a))
                    .and_then(|n| n.get(1).copied().flatten())
                    .map_or(DEFAULT_VERTICAL_ADVANCE, |w1y| -w1y);
                CidWidths::parse(doc, objects::get_array(doc, cid_font, b"W2"), dw2, 3)
            });
            // The program is only asked when `/ToUnicode` is missing or has useless entries:
            // reading a `cmap` backwards costs milliseconds per font.
            let needs_program = to_unicode.is_empty() || to_unicode.values().any(|s| s.weak);
            let program = if needs_program {
                desc.program(doc, limits, warnings)
            } else {
                None
            };
            let cid_text = match program {
                Some(p) => program_cid_texts(doc, cid_font, p, limits, warnings, &mut arena),
                _ => HashMap::new(),
            };
            (desc, widths, vertical_widths, cid_text)
        }
        None => (
            Descriptor::default(),
            CidWidths::parse(doc, None, DEFAULT_CID_WIDTH, 1),
            vertical.then(|| CidWidths::parse(doc, None, DEFAULT_VERTICAL_ADVANCE, 3)),
            HashMap::new(),
        ),
    };

    CompositeFont {
        tables: CompositeTables {
            codes,
            arena,
            to_unicode,
            cid_text,
            code_is_unicode,
            collection,
            widths,
            vertical: vertical_widths,
        },
        vertical,
        ascent_descent: desc.ascent_descent().unwrap_or(DEFAULT_ASCENT_DESCENT),
    }
}

/// Reads `/Encoding`: (codes, vertical, codes are Unicode, codes map to the CIDs the font
/// means rather than CID = code standing in for an unknown predefined CMap).
fn encoding_cmap(
    doc: &Document,
    dict: &Dictionary,
    limits: &Limits,
    warnings: &mut Vec<FontWarning>,
) -> (Codes, bool, bool, bool) {
    match objects::get(doc, dict, b"Encoding") {
        Some(Object::Name(name)) => {
            let (vertical, unicode) = predefined(name);
            (Codes::Identity, vertical, unicode, is_identity(name))
        }
        Some(obj @ Object::Stream(_)) => {
            let mut merged = CMap::default();
            let mut vertical = false;
            let mut unicode = false;
            read_cmap_chain(
                doc,
                obj,
                limits,
                warnings,
                0,
                &mut merged,
                &mut vertical,
                &mut unicode,
            );
            if merged.truncated {
                warnings.push(FontWarning::CMapTruncated {
                    what: FontStream::EncodingCMap,
                });
            }
            let mut ranges = merged.cid_ranges;
            ranges.sort_by_key(|r| r.lo);
            // Without ranges `cid` falls back to CID = code, a guess.
            let known = !ranges.is_empty();
            let codes = Codes::CMap {
                space: CodeSpace::new(merged.codespaces),
                ranges,
            };
            (codes, vertical, unicode, known)
        }
        // No `/Encoding` at all: read as Identity-H, the only thing such files mean.
        _ => (Codes::Identity, false, false, true),
    }
}

/// `Identity-H`/`Identity-V` (and `Identity`, which some writers use): CID = code for real.
fn is_identity(name: &[u8]) -> bool {
    name.starts_with(b"Identity")
}

/// What a predefined CMap name tells without its data: (vertical, codes are UCS-2/UTF-16).
fn predefined(name: &[u8]) -> (bool, bool) {
    let vertical = name.ends_with(b"-V");
    let unicode = contains(name, b"UCS2") || contains(name, b"UTF16");
    (vertical, unicode)
}

fn contains(hay: &[u8], needle: &[u8]) -> bool {
    hay.windows(needle.len()).any(|w| w == needle)
}

/// Reads an embedded CMap after the one it uses (`/UseCMap` or `usecmap`), so its own entries
/// come later and win. Depth-bounded against cycles.
#[allow(clippy::too_many_arguments)]
fn read_cmap_chain(
    doc: &Document,
    obj: &Object,
    limits: &Limits,
    warnings: &mut Vec<FontWarning>,
    depth: usize,
    merged: &mut CMap,
    vertical: &mut bool,
    unicode: &mut bool,
) {
    if depth > MAX_USECMAP_DEPTH {
        warnings.push(FontWarning::UseCMapTooDeep {
            limit: MAX_USECMAP_DEPTH,
        });
        return;
    }
    let Object::Stream(stream) = obj else { return };
    let Some(data) = objects::object_stream_content(
        obj,
        FontStream::EncodingCMap,
        limits,
        MAX_CMAP_STREAM_BYTES,
        warnings,
    ) else {
        return;
    };
    let parsed = cmap::parse(&data);
    match stream
        .dict
        .get(b"UseCMap")
        .ok()
        .and_then(|o| objects::resolve(doc, o))
    {
        Some(Object::Name(n)) => use_predefined(n, merged, vertical, unicode),
        Some(parent @ Object::Stream(_)) => read_cmap_chain(
            doc,
            parent,
            limits,
            warnings,
            depth + 1,
            merged,
            vertical,
            unicode,
        ),
        _ => {
            if let Some(n) = &parsed.usecmap {
                use_predefined(n, merged, vertical, unicode);
            }
        }
    }
    if objects::get_number(doc, &stream.dict, b"WMode") == Some(1.0) || parsed.vertical {
        *vertical = true;
    }
    merged.codespaces.extend(parsed.codespaces);
    merged.codespaces.truncate(cmap::MAX_CODESPACES);
    let room = cmap::MAX_CID_RANGES.saturating_sub(merged.cid_ranges.len());
    if parsed.cid_ranges.len() > room {
        merged.truncated = true;
    }
    merged
        .cid_ranges
        .extend(parsed.cid_ranges.into_iter().take(room));
    merged.truncated |= parsed.truncated;
}

/// A predefined parent CMap: Identity contributes its 2-byte codespace and CID = code; others
/// only their direction and, for Unicode ones, the code meaning.
fn use_predefined(name: &[u8], merged: &mut CMap, vertical: &mut bool, unicode: &mut bool) {
    let (v, u) = predefined(name);
    *vertical |= v;
    *unicode |= u;
    merged.codespaces.push(Codespace::full(2));
    if is_identity(name) {
        merged.cid_ranges.push(CidRange {
            lo: 0,
            hi: 0xFFFF,
            cid: 0,
        });
    }
}

/// CID → text from the embedded program.
fn program_cid_texts(
    doc: &Document,
    cid_font: &Dictionary,
    program: &Program,
    limits: &Limits,
    warnings: &mut Vec<FontWarning>,
    arena: &mut Arena,
) -> HashMap<u32, Span> {
    let texts = program.glyph_texts();
    let mut out = HashMap::new();
    if texts.is_empty() {
        return out;
    }
    let is_type2 = objects::get_name(doc, cid_font, b"Subtype") == Some(b"CIDFontType2");
    if is_type2 && program.kind != ProgramKind::Cff {
        if let Some(map) = cid_to_gid_map(doc, cid_font, limits, warnings) {
            for (cid, gid) in map.iter().enumerate() {
                if let (Some(t), Ok(cid)) = (texts.get(gid), u32::try_from(cid)) {
                    out.insert(cid, arena.push(t));
                }
            }
            return out;
        }
    } else if let Some(pairs) = program.cff_gid_to_cid() {
        for (gid, cid) in pairs {
            if let Some(t) = texts.get(&gid) {
                out.insert(u32::from(cid), arena.push(t));
            }
        }
        return out;
    }
    // Identity: CID = glyph id.
    for (gid, t) in &texts {
        out.insert(u32::from(*gid), arena.push(t));
    }
    out
}

/// `/CIDToGIDMap` as a stream of big-endian glyph ids; `None` for `/Identity` or absent.
fn cid_to_gid_map(
    doc: &Document,
    cid_font: &Dictionary,
    limits: &Limits,
    warnings: &mut Vec<FontWarning>,
) -> Option<Vec<u16>> {
    if !matches!(
        objects::get(doc, cid_font, b"CIDToGIDMap"),
        Some(Object::Stream(_))
    ) {
        return None;
    }
    let cap = (MAX_CIDS * 2) as u64;
    let data = objects::stream_content(
        doc,
        cid_font,
        b"CIDToGIDMap",
        FontStream::CidToGidMap,
        limits,
        cap,
        warnings,
    )?;
    Some(
        data.chunks_exact(2)
            .map(|p| match p {
                [hi, lo] => u16::from_be_bytes([*hi, *lo]),
                _ => 0,
            })
            .collect(),
    )
}
