//! The font descriptor (ISO 32000-2 §9.8): flags, vertical metrics, `/MissingWidth` and the
//! embedded font program, read at most once, only when asked for, with every stream bounded.

use std::cell::OnceCell;

use lopdf::{Dictionary, Document, Object};

use super::program::{Program, ProgramKind};
use super::{FontStream, FontWarning, objects};
use crate::pdf::Limits;

/// Largest embedded font program read, whatever `Limits` allows (real ones are under 20 MiB).
const MAX_FONT_PROGRAM_BYTES: u64 = 64 * 1024 * 1024;

/// Flag bit 3 (value 4): the font uses symbols outside the standard Latin set (§9.8.2).
pub(super) const FLAG_SYMBOLIC: u32 = 1 << 2;

/// What a descriptor says, with defaults where it is silent.
#[derive(Debug, Clone, Default)]
pub(super) struct Descriptor<'a> {
    /// `/Flags`, `None` when absent.
    pub flags: Option<u32>,
    /// `/Ascent` when present and non-zero.
    pub ascent: Option<f64>,
    /// `/Descent` when present and non-zero.
    pub descent: Option<f64>,
    /// `/FontBBox` as `[llx lly urx ury]`.
    pub bbox: Option<[f64; 4]>,
    /// `/MissingWidth`, 0 when absent (§9.8.1).
    pub missing_width: f64,
    /// The descriptor dictionary, where the program is read from when it is asked for.
    dict: Option<&'a Dictionary>,
    /// The embedded program once read: most fonts with a `/ToUnicode` never need it, and
    /// inflating it is the costly part of reading a font.
    program: OnceCell<Option<Program>>,
}

impl<'a> Descriptor<'a> {
    /// Reads `font[/FontDescriptor]`; an absent descriptor gives the defaults.
    pub(super) fn read(doc: &'a Document, font: &'a Dictionary) -> Descriptor<'a> {
        let Some(desc) = objects::get_dict(doc, font, b"FontDescriptor") else {
            return Descriptor::default();
        };
        let nonzero = |key: &[u8]| objects::get_number(doc, desc, key).filter(|v| *v != 0.0);
        let bbox = objects::get_array(doc, desc, b"FontBBox").and_then(|a| bbox(doc, a));
        Descriptor {
            flags: objects::get_number(doc, desc, b"Flags").map(|f| f as i64 as u32),
            ascent: nonzero(b"Ascent"),
            descent: nonzero(b"Descent"),
            bbox,
            missing_width: objects::get_number(doc, desc, b"MissingWidth").unwrap_or(0.0),
            dict: Some(desc),
            program: OnceCell::new(),
        }
    }

    /// True when the descriptor names an embedded program (readable or not).
    pub(super) fn names_program(&self) -> bool {
        self.dict
            .is_some_and(|d| d.has(b"FontFile") || d.has(b"FontFile2") || d.has(b"FontFile3"))
    }

    /// True when the program it names is TrueType (`/FontFile2`, and no `/FontFile`, which
    /// would be read first).
    pub(super) fn names_truetype(&self) -> bool {
        self.dict
            .is_some_and(|d| d.has(b"FontFile2") && !d.has(b"FontFile"))
    }

    /// The embedded program, read on the first call; `None` when there is none or it could
    /// not be read (the warning is given once).
    pub(super) fn program(
        &self,
        doc: &Document,
        limits: &Limits,
        warnings: &mut Vec<FontWarning>,
    ) -> Option<&Program> {
        self.program
            .get_or_init(|| {
                self.dict
                    .and_then(|d| read_program(doc, d, limits, warnings))
            })
            .as_ref()
    }

    /// The program as read so far: `Some` once `program` was called (holding its result),
    /// `None` when it was never asked for.
    pub(super) fn take_program(&mut self) -> Option<Option<Program>> {
        self.program.take()
    }

    /// An owned handle on the program's stream, to decode later without the document.
    pub(super) fn program_source(&self, doc: &Document) -> Option<ProgramSource<Object>> {
        let src = locate_program(doc, self.dict?)?;
        Some(ProgramSource {
            kind: src.kind,
            what: src.what,
            obj: src.obj.clone(),
        })
    }

    /// True when the symbolic flag is set.
    pub(super) fn symbolic(&self) -> bool {
        self.flags.is_some_and(|f| f & FLAG_SYMBOLIC != 0)
    }

    /// Ascent and descent from `/Ascent`/`/Descent`, else from the bounding box.
    pub(super) fn ascent_descent(&self) -> Option<(f64, f64)> {
        if let Some(a) = self.ascent.filter(|a| *a > 0.0) {
            // Some writers store the descent as a positive distance.
            let d = self.descent.map_or(-0.2 * a, |d| -d.abs());
            return Some((a, d));
        }
        let [_, lly, _, ury] = self.bbox?;
        (ury > 0.0 && ury > lly).then_some((ury, lly.min(0.0)))
    }
}

/// `[llx lly urx ury]` from an array of four numbers.
pub(super) fn bbox(doc: &Document, arr: &[Object]) -> Option<[f64; 4]> {
    match objects::numbers(doc, arr).as_slice() {
        [Some(a), Some(b), Some(c), Some(d)] => Some([*a, *b, *c, *d]),
        _ => None,
    }
}

fn read_program(
    doc: &Document,
    desc: &Dictionary,
    limits: &Limits,
    warnings: &mut Vec<FontWarning>,
) -> Option<Program> {
    locate_program(doc, desc)?.read(limits, warnings)
}

/// Where a descriptor's program is, before anything is decoded.
#[derive(Debug, Clone)]
pub(super) struct ProgramSource<O> {
    kind: ProgramKind,
    what: FontStream,
    /// The stream object (`&Object` while the document is at hand, an owned copy after).
    obj: O,
}

impl<O: std::borrow::Borrow<Object>> ProgramSource<O> {
    /// Decodes the program; `None` (and a warning) when it cannot be read.
    pub(super) fn read(&self, limits: &Limits, warnings: &mut Vec<FontWarning>) -> Option<Program> {
        let data = objects::object_stream_content(
            self.obj.borrow(),
            self.what,
            limits,
            MAX_FONT_PROGRAM_BYTES,
            warnings,
        )?;
        Some(Program {
            kind: self.kind,
            data,
        })
    }
}

/// The first of `/FontFile`, `/FontFile2`, `/FontFile3` the descriptor has; a key that is
/// present but dangling ends the search, as a stream that cannot be read does.
fn locate_program<'a>(
    doc: &'a Document,
    desc: &'a Dictionary,
) -> Option<ProgramSource<&'a Object>> {
    if desc.has(b"FontFile") {
        return Some(ProgramSource {
            kind: ProgramKind::Type1,
            what: FontStream::FontFile,
            obj: objects::get(doc, desc, b"FontFile")?,
        });
    }
    if desc.has(b"FontFile2") {
        return Some(ProgramSource {
            kind: ProgramKind::TrueType,
            what: FontStream::FontFile2,
            obj: objects::get(doc, desc, b"FontFile2")?,
        });
    }
    let obj = objects::get(doc, desc, b"FontFile3")?;
    let kind = match obj {
        Object::Stream(s) => match s.dict.get(b"Subtype").and_then(Object::as_name) {
            Ok(b"OpenType") => ProgramKind::OpenType,
            _ => ProgramKind::Cff,
        },
        _ => ProgramKind::Cff,
    };
    Some(ProgramSource {
        kind,
        what: FontStream::FontFile3,
        obj,
    })
}
