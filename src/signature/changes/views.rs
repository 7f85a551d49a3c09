//! Each revision's own view of the document, and what each revision wrote.
//!
//! lopdf merges all revisions into one view (newest wins), so a revision's own view is the
//! file cut at that revision's end and parsed again. Parsing is the expensive part of change
//! analysis, so every view is parsed at most once per file, however many signatures compare
//! against it, and the newest revision reuses the view the loader already made.
//!
//! Earlier revisions are parsed from a copy of the file in which every signature's
//! `/Contents` hex string is an empty string padded with spaces (same offsets): those
//! kilobytes of hex are most of what there is to parse in a signed revision, and no rule
//! looks at a signature's value. The newest view gets the same empty strings where its
//! signature dictionaries still hold exactly those values, so unchanged dictionaries compare
//! equal and a rewritten `/Contents` still shows.
//!
//! What a revision wrote is read from its own cross-reference section (ISO 32000-2 §7.5.4
//! tables, §7.5.8 streams): pyHanko vets exactly the entries of that section, including free
//! entries, and so does arkivar. When the section cannot be read, the objects whose value
//! differs from the previous revision's view stand in for it.

use std::cell::OnceCell;
use std::collections::{BTreeSet, HashMap};
use std::rc::Rc;

use lopdf::{Document, LoadOptions, Object, ObjectId};

use super::graph::same;
use super::increment;
use crate::pdf::contents;
use crate::pdf::load::contain;
use crate::pdf::{Limits, Pdf, Revision, XrefKind};

/// Most entries read from one cross-reference section.
const MAX_XREF_ENTRIES: usize = 4_000_000;
/// Most subsections one `xref` table or `/Index` array may have.
const MAX_SUBSECTIONS: usize = 1 << 16;
/// Widest field of a cross-reference stream entry, in bytes (`/W`).
const MAX_FIELD_WIDTH: usize = 8;
/// Most digits read for one number in an `xref` table.
const MAX_DIGITS: usize = 20;

/// The entries of one revision's cross-reference section.
#[derive(Debug, Default, Clone)]
pub(super) struct Written {
    /// Objects the section points at (in use, whether in the file body or an object stream).
    pub in_use: BTreeSet<ObjectId>,
    /// Objects the section frees, as the generation that was freed (pyHanko's
    /// `refs_freed_in_revision`: a free entry naming next generation `g > 0` frees `g - 1`).
    pub freed: BTreeSet<ObjectId>,
    /// True when the section was read as written; false when the view diff stands in.
    pub from_xref: bool,
}

/// A signature's `/Contents` string in the file: where it is and whose it is.
#[derive(Debug, Clone, Copy)]
pub(super) struct ContentsString {
    /// Its offsets, `<` to `>` inclusive (the `/ByteRange` gap).
    pub span: (usize, usize),
    /// The signature dictionary holding it.
    pub object: Option<ObjectId>,
}

/// Parsed views of revisions, each parsed once.
pub(super) struct Views<'a> {
    bytes: &'a [u8],
    pdf: &'a Pdf,
    limits: &'a Limits,
    contents: Vec<ContentsString>,
    /// `bytes` with the `contents` strings emptied, made on first use.
    emptied: OnceCell<Vec<u8>>,
    cache: HashMap<usize, Option<Rc<Document>>>,
}

impl<'a> Views<'a> {
    pub(super) fn new(
        bytes: &'a [u8],
        pdf: &'a Pdf,
        limits: &'a Limits,
        contents: Vec<ContentsString>,
    ) -> Self {
        Self {
            bytes,
            pdf,
            limits,
            contents,
            emptied: OnceCell::new(),
            cache: HashMap::new(),
        }
    }

    /// The number of the newest revision.
    pub(super) fn newest(&self) -> usize {
        self.pdf.revisions.last().map_or(1, |r| r.number)
    }

    fn revision(&self, number: usize) -> Option<&'a Revision> {
        self.pdf.revision(number)
    }

    /// Revision `number`'s own view, parsed on first use; `None` when it does not parse.
    pub(super) fn view(&mut self, number: usize) -> Option<Rc<Document>> {
        if let Some(cached) = self.cache.get(&number) {
            return cached.clone();
        }
        let previous = number
            .checked_sub(1)
            .and_then(|p| self.cache.get(&p))
            .and_then(Clone::clone);
        let loaded = self.load(number, previous.as_deref()).map(Rc::new);
        self.cache.insert(number, loaded.clone());
        loaded
    }

    /// Forgets views no longer needed, to bound memory on files with many revisions.
    pub(super) fn retain(&mut self, keep: impl Fn(usize) -> bool) {
        self.cache.retain(|n, _| keep(*n));
    }

    /// Revision `number`'s view: the loader's for the newest, else built on `previous` (the
    /// view before it, when already parsed) from what the revision wrote, else parsed.
    fn load(&self, number: usize, previous: Option<&Document>) -> Option<Document> {
        if number == self.newest() {
            // The loader's merged view is the newest revision's own view. Cloning it costs
            // less than parsing the file again.
            let mut doc = self.pdf.doc.clone();
            self.empty_in_newest(&mut doc);
            return Some(doc);
        }
        let emptied = self.emptied.get_or_init(|| {
            let spans: Vec<(usize, usize)> = self.contents.iter().map(|c| c.span).collect();
            contents::emptied(self.bytes, &spans)
        });
        let prefix = self.pdf.revision_bytes(emptied, number)?;
        if let Some(view) = previous.and_then(|previous| {
            increment::view_after(previous, prefix, self.revision(number)?, self.limits)
        }) {
            return Some(view);
        }
        // The cap `load` gives lopdf: object streams are small, and lopdf may reserve twice it.
        let max = usize::try_from(
            self.limits
                .max_stream_bytes
                .min(crate::pdf::load::MAX_LOAD_STREAM_BYTES),
        )
        .unwrap_or(usize::MAX);
        let options = LoadOptions {
            max_decompressed_size: Some(max),
            ..LoadOptions::default()
        };
        contain("loading an earlier revision", || {
            Document::load_mem_with_options(prefix, options)
        })
        .ok()?
        .ok()
    }

    /// Empties, in the newest view, each signature dictionary's `/Contents` that still is
    /// the string at its gap: the earlier views, parsed from the emptied copy, have it empty.
    fn empty_in_newest(&self, doc: &mut Document) {
        for c in &self.contents {
            let Some(id) = c.object else { continue };
            let Some(gap) = self.bytes.get(c.span.0..c.span.1) else {
                continue;
            };
            if let Ok(Object::Dictionary(dict)) = doc.get_object_mut(id)
                && let Ok(Object::String(value, _)) = dict.get(b"Contents")
                && contents::hex_value_is(gap, value)
            {
                dict.set("Contents", Object::string_literal(Vec::<u8>::new()));
            }
        }
    }

    /// What revision `number` wrote, from its cross-reference section, or from the difference
    /// between its view and the previous one's when the section cannot be read.
    pub(super) fn written(&self, number: usize, prev: &Document, new: &Document) -> Written {
        if let Some(written) = self
            .revision(number)
            .and_then(|r| read_section(self.bytes, r, new, self.limits))
        {
            return written;
        }
        let mut written = Written::default();
        for (id, obj) in &new.objects {
            if prev.objects.get(id).is_none_or(|old| !same(old, obj)) {
                written.in_use.insert(*id);
            }
        }
        written
    }
}

/// Reads the entries of a revision's cross-reference section.
fn read_section(
    bytes: &[u8],
    revision: &Revision,
    view: &Document,
    limits: &Limits,
) -> Option<Written> {
    let at = usize::try_from(revision.xref_offset).ok()?;
    let mut written = match revision.xref_kind {
        XrefKind::Table | XrefKind::Hybrid => read_table(bytes, at)?,
        XrefKind::Stream => read_stream(bytes, at, view, limits)?,
        XrefKind::Rebuilt => return None,
    };
    if revision.xref_kind == XrefKind::Hybrid {
        // A hybrid file's table hides the objects in object streams behind free entries; the
        // stream named by `/XRefStm` lists them (ISO 32000-2 §7.5.8.4). Those free entries are
        // placeholders, not deletions.
        let stream_at = table_trailer_xrefstm(bytes, at);
        let hybrid = stream_at.and_then(|s| read_stream(bytes, s, view, limits));
        match hybrid {
            Some(h) => {
                written
                    .freed
                    .retain(|(n, _)| !h.in_use.iter().any(|(m, _)| m == n));
                written.in_use.extend(h.in_use);
            }
            None => written.freed.clear(),
        }
    }
    written.from_xref = true;
    Some(written)
}

/// A tiny checked cursor over the input.
struct Cursor<'b> {
    bytes: &'b [u8],
    pos: usize,
}

impl Cursor<'_> {
    fn skip_ws(&mut self) {
        while let Some(b) = self.bytes.get(self.pos) {
            if b.is_ascii_whitespace() || *b == 0 {
                self.pos += 1;
            } else if *b == b'%' {
                while let Some(c) = self.bytes.get(self.pos) {
                    if *c == b'\n' || *c == b'\r' {
                        break;
                    }
                    self.pos += 1;
                }
            } else {
                break;
            }
        }
    }

    fn eat(&mut self, word: &[u8]) -> bool {
        let end = self.pos.saturating_add(word.len());
        if self.bytes.get(self.pos..end) == Some(word) {
            self.pos = end;
            true
        } else {
            false
        }
    }

    fn uint(&mut self) -> Option<u64> {
        let start = self.pos;
        let mut value: u64 = 0;
        while let Some(b) = self.bytes.get(self.pos) {
            if !b.is_ascii_digit() || self.pos - start >= MAX_DIGITS {
                break;
            }
            value = value.checked_mul(10)?.checked_add(u64::from(b - b'0'))?;
            self.pos += 1;
        }
        (self.pos > start).then_some(value)
    }
}

/// Reads an `xref` table's entries (ISO 32000-2 §7.5.4).
fn read_table(bytes: &[u8], at: usize) -> Option<Written> {
    let mut c = Cursor { bytes, pos: at };
    c.skip_ws();
    if !c.eat(b"xref") {
        return None;
    }
    let mut written = Written::default();
    let mut total = 0usize;
    for _ in 0..MAX_SUBSECTIONS {
        c.skip_ws();
        if c.eat(b"trailer") {
            return Some(written);
        }
        let first = c.uint()?;
        c.skip_ws();
        let count = c.uint()?;
        for i in 0..count {
            total += 1;
            if total > MAX_XREF_ENTRIES {
                return None;
            }
            c.skip_ws();
            c.uint()?;
            c.skip_ws();
            let generation = c.uint()?;
            c.skip_ws();
            let number = u32::try_from(first.checked_add(i)?).ok()?;
            let generation = u16::try_from(generation).unwrap_or(u16::MAX);
            if c.eat(b"n") {
                if number != 0 {
                    written.in_use.insert((number, generation));
                }
            } else if c.eat(b"f") {
                if number != 0 && generation > 0 {
                    written.freed.insert((number, generation - 1));
                }
            } else {
                return None;
            }
        }
    }
    None
}

/// The `/XRefStm` offset in the trailer after the table at `at`.
fn table_trailer_xrefstm(bytes: &[u8], at: usize) -> Option<usize> {
    const WINDOW: usize = 1 << 22;
    let tail = bytes.get(at..bytes.len().min(at.saturating_add(WINDOW)))?;
    let trailer = tail.windows(7).position(|w| w == b"trailer")?;
    let after = tail.get(trailer..)?;
    let key = after.windows(8).position(|w| w == b"/XRefStm")?;
    let mut c = Cursor {
        bytes: after,
        pos: key + 8,
    };
    c.skip_ws();
    usize::try_from(c.uint()?).ok()
}

/// Reads a cross-reference stream's entries (ISO 32000-2 §7.5.8.3).
fn read_stream(bytes: &[u8], at: usize, view: &Document, limits: &Limits) -> Option<Written> {
    let mut c = Cursor { bytes, pos: at };
    c.skip_ws();
    let number = u32::try_from(c.uint()?).ok()?;
    c.skip_ws();
    let generation = u16::try_from(c.uint()?).ok()?;
    let Object::Stream(stream) = view.objects.get(&(number, generation))? else {
        return None;
    };
    if stream.dict.get(b"Type").ok()?.as_name().ok()? != b"XRef" {
        return None;
    }
    let max = usize::try_from(
        limits
            .max_stream_bytes
            .min(crate::pdf::load::MAX_LOAD_STREAM_BYTES),
    )
    .unwrap_or(usize::MAX);
    let data = contain("decoding a cross-reference stream", || {
        crate::pdf::stream::decoded(stream, max)
    })
    .ok()?
    .ok()?;
    let widths: Vec<usize> = match stream.dict.get(b"W").ok()? {
        Object::Array(w) => w
            .iter()
            .map(|o| o.as_i64().ok().and_then(|v| usize::try_from(v).ok()))
            .collect::<Option<_>>()?,
        _ => return None,
    };
    let [w0, w1, w2] = widths.as_slice() else {
        return None;
    };
    let (w0, w1, w2) = (*w0, *w1, *w2);
    if w0 > MAX_FIELD_WIDTH || w1 > MAX_FIELD_WIDTH || w2 > MAX_FIELD_WIDTH {
        return None;
    }
    let row = w0 + w1 + w2;
    if row == 0 {
        return None;
    }
    let size = stream.dict.get(b"Size").ok()?.as_i64().ok()?;
    let index: Vec<(u64, u64)> = match stream.dict.get(b"Index").ok() {
        Some(Object::Array(a)) => a
            .chunks(2)
            .take(MAX_SUBSECTIONS)
            .filter_map(|p| match p {
                [s, n] => Some((
                    u64::try_from(s.as_i64().ok()?).ok()?,
                    u64::try_from(n.as_i64().ok()?).ok()?,
                )),
                _ => None,
            })
            .collect(),
        _ => vec![(0, u64::try_from(size).ok()?)],
    };
    let field = |chunk: &[u8]| chunk.iter().fold(0u64, |v, b| (v << 8) | u64::from(*b));
    let mut written = Written::default();
    let mut rows = data.chunks_exact(row);
    for (first, count) in index {
        for i in 0..count.min(MAX_XREF_ENTRIES as u64) {
            let Some(entry) = rows.next() else {
                return Some(written);
            };
            // `chunks_exact(row)` yields exactly `w0 + w1 + w2` bytes, so both splits are in
            // bounds.
            let (t, rest) = entry.split_at(w0);
            let (_, g) = rest.split_at(w1);
            // §7.5.8.3: a missing type field means type 1.
            let kind = if w0 == 0 { 1 } else { field(t) };
            let Some(n) = first.checked_add(i).and_then(|n| u32::try_from(n).ok()) else {
                continue;
            };
            if n == 0 {
                continue;
            }
            match kind {
                0 => {
                    let next = field(g);
                    if next > 0 {
                        let freed = u16::try_from(next - 1).unwrap_or(u16::MAX);
                        written.freed.insert((n, freed));
                    }
                }
                1 => {
                    let generation = u16::try_from(field(g)).unwrap_or(0);
                    written.in_use.insert((n, generation));
                }
                2 => {
                    written.in_use.insert((n, 0));
                }
                _ => {}
            }
        }
    }
    Some(written)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn table_with_free_entry_reports_freed_generation() {
        let bytes = b"xref\n0 1\n0000000000 65535 f \n3 2\n0000000010 00000 n \n0000000000 00001 f \ntrailer\n<<>>";
        let written = read_table(bytes, 0).expect("reads");
        assert!(written.in_use.contains(&(3, 0)));
        assert!(written.freed.contains(&(4, 0)));
        assert!(!written.freed.iter().any(|(n, _)| *n == 0));
    }

    #[test]
    fn truncated_table_is_not_read() {
        let bytes = b"xref\n0 5\n0000000000 65535 f \n";
        assert!(read_table(bytes, 0).is_none());
    }
}
