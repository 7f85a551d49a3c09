//! A revision's own view built from the previous revision's view and what the revision itself
//! wrote, instead of parsing the whole file up to its end again.
//!
//! lopdf parses every object a cross-reference chain reaches, so each earlier view of a
//! document with several signatures re-parsed the original document. An incremental update
//! only adds objects: the view after it is the previous view, less every object number its
//! cross-reference section names (in use or freed; a newer entry wins by number, as lopdf
//! merges), plus the objects the section points at. Those are parsed by lopdf from a copy of
//! the file whose section has a name where its `/Prev` number was (same length, first digit
//! made `/`), so lopdf reads that one section and nothing before it. The number is put back
//! where the section's own objects hold it (a cross-reference stream's dictionary); lopdf drops
//! `/Prev` from the trailer either way.
//!
//! This is only taken where it gives exactly what a parse of the prefix gives; anything
//! unusual returns `None` and the caller parses the prefix as before: a hybrid or rebuilt
//! section, an encrypted file, repaired cross-reference data, a section that reaches objects
//! of an earlier revision (compressed in an older object stream, or a stream whose `/Length`
//! is a reference), an object the section does not name, and a view without a page tree
//! (which lopdf answers by rebuilding the table from a scan).

use std::collections::BTreeSet;
use std::ops::Range;

use lopdf::xref::XrefEntry;
use lopdf::{Document, LoadOptions, Object, ObjectId};

use crate::pdf::load::contain;
use crate::pdf::{Limits, Revision, XrefKind};

/// How far past a section's start its `/Prev` is looked for: a trailer or cross-reference
/// stream dictionary is far shorter, and a table's entries come first (20 bytes each).
const MAX_SECTION_SCAN: usize = 1 << 24;

/// The view after `revision`: `prev` (the view of the revision before it) with what the
/// revision wrote. `prefix` is the file up to `revision`'s end, as the full parse would see
/// it. `None` when the shortcut does not apply; then the prefix must be parsed.
pub(super) fn view_after(
    prev: &Document,
    prefix: &[u8],
    revision: &Revision,
    limits: &Limits,
) -> Option<Document> {
    if !matches!(revision.xref_kind, XrefKind::Table | XrefKind::Stream)
        || prev.trailer.has(b"Encrypt")
    {
        return None;
    }
    let at = usize::try_from(revision.xref_offset).ok()?;
    let digits = prev_value(prefix, at, revision.xref_kind)?;
    let prev_offset: i64 = std::str::from_utf8(prefix.get(digits.clone())?)
        .ok()?
        .parse()
        .ok()?;
    let mut alone = prefix.to_vec();
    *alone.get_mut(digits.start)? = b'/';
    let stand_in = Object::Name(alone.get(digits.start + 1..digits.end)?.to_vec());
    // The cap `load` gives lopdf: object streams are small, and lopdf may reserve twice it.
    let max = usize::try_from(
        limits
            .max_stream_bytes
            .min(crate::pdf::load::MAX_LOAD_STREAM_BYTES),
    )
    .unwrap_or(usize::MAX);
    let options = LoadOptions {
        max_decompressed_size: Some(max),
        // A filter also tells lopdf not to rebuild the table when the page tree is missing,
        // which it always is from one section alone; the merged view is checked instead.
        filter: Some(keep),
        ..LoadOptions::default()
    };
    let section = contain("loading one revision's objects", || {
        Document::load_mem_with_options(&alone, options)
    })
    .ok()?
    .ok()?;
    if section.xref_recovery.is_some() || section.trailer.has(b"Encrypt") {
        return None;
    }
    if !stands_alone(&section) {
        return None;
    }
    let mut section = section;
    for object in section.objects.values_mut() {
        if let Object::Stream(stream) = object
            && stream.dict.get(b"Prev").is_ok_and(|p| *p == stand_in)
        {
            stream.dict.set("Prev", Object::Integer(prev_offset));
        }
    }
    let named = &section.reference_table.entries;
    let mut view = prev.clone();
    view.objects.retain(|(n, _), _| !named.contains_key(n));
    view.objects.extend(section.objects);
    view.trailer = section.trailer;
    page_tree_loaded(&view).then_some(view)
}

/// Keeps every object lopdf parsed. lopdf keeps the object it passed in and uses the returned
/// copy only for members of object streams.
fn keep(id: ObjectId, object: &mut Object) -> Option<(ObjectId, Object)> {
    Some((id, object.clone()))
}

/// Whether the section's objects are exactly what it names, none read through an earlier
/// revision: every compressed entry's object stream is in the section too, no stream's length
/// is a reference, and every parsed object is named by an in-use entry.
fn stands_alone(section: &Document) -> bool {
    let entries = &section.reference_table.entries;
    let mut in_use = BTreeSet::new();
    for (n, entry) in entries {
        match entry {
            XrefEntry::Normal { .. } => {
                in_use.insert(*n);
            }
            XrefEntry::Compressed { container, .. } => {
                if !matches!(entries.get(container), Some(XrefEntry::Normal { .. })) {
                    return false;
                }
                in_use.insert(*n);
            }
            XrefEntry::Free | XrefEntry::UnusableFree => {}
        }
    }
    section.objects.iter().all(|((n, _), object)| {
        in_use.contains(n)
            && !matches!(object, Object::Stream(s)
                if matches!(s.dict.get(b"Length"), Ok(Object::Reference(_))))
    })
}

/// Where the number of the `/Prev` entry of the section at `at` is: in a table's trailer, or
/// in a cross-reference stream's dictionary (before its data).
fn prev_value(bytes: &[u8], at: usize, kind: XrefKind) -> Option<Range<usize>> {
    let window = bytes.get(at..bytes.len().min(at.saturating_add(MAX_SECTION_SCAN)))?;
    let (from, to) = match kind {
        XrefKind::Table => (find(window, b"trailer")?, window.len()),
        XrefKind::Stream => (0, find(window, b"stream")?),
        XrefKind::Hybrid | XrefKind::Rebuilt => return None,
    };
    let dict = window.get(from..to)?;
    let mut entry = None;
    let mut search = 0;
    while let Some(found) = dict.get(search..).and_then(|d| find(d, b"/Prev")) {
        let key = search + found;
        let after = key + b"/Prev".len();
        search = after;
        // `/Prev` followed by more name characters is another key (`/PrevSomething`).
        if dict.get(after).is_some_and(|b| !is_whitespace(*b)) {
            continue;
        }
        let digits_at = after
            + dict
                .get(after..)?
                .iter()
                .take_while(|b| is_whitespace(**b))
                .count();
        let digits = dict
            .get(digits_at..)?
            .iter()
            .take_while(|b| b.is_ascii_digit())
            .count();
        if digits == 0 || entry.is_some() {
            // No number, or a second `/Prev`: not a dictionary to edit blindly.
            return None;
        }
        entry = Some(at + from + digits_at..at + from + digits_at + digits);
    }
    entry
}

/// Whether the catalog leads to a page tree root with `/Kids`, as lopdf checks after loading.
fn page_tree_loaded(doc: &Document) -> bool {
    doc.catalog()
        .and_then(|catalog| catalog.get(b"Pages"))
        .and_then(Object::as_reference)
        .and_then(|root| doc.get_dictionary(root))
        .and_then(|root| root.get_deref(b"Kids", doc))
        .and_then(Object::as_array)
        .is_ok()
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

fn is_whitespace(b: u8) -> bool {
    matches!(b, b' ' | b'\t' | b'\r' | b'\n' | b'\x0c' | b'\0')
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::pdf::load;
    use crate::signature::changes::tests::Builder;

    /// Three revisions: the original, one that rewrites the catalog and adds an object, one
    /// that rewrites the catalog again.
    fn three_revisions() -> Vec<u8> {
        let mut b = Builder::new();
        b.obj(1, "<< /Type /Catalog /Pages 2 0 R >>")
            .obj(2, "<< /Type /Pages /Kids [3 0 R] /Count 1 >>")
            .obj(3, "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 10 10] >>");
        b.revision("/Root 1 0 R");
        b.obj(1, "<< /Type /Catalog /Pages 2 0 R /Extra 4 0 R >>")
            .obj(4, "<< /Note (added) >>");
        b.revision("/Root 1 0 R");
        b.obj(1, "<< /Type /Catalog /Pages 2 0 R >>");
        b.revision("/Root 1 0 R");
        b.out.clone()
    }

    fn full_parse(bytes: &[u8], pdf: &crate::pdf::Pdf, number: usize) -> Document {
        let prefix = pdf.revision_bytes(bytes, number).expect("revision");
        Document::load_mem(prefix).expect("parses")
    }

    #[test]
    fn a_view_built_from_the_previous_one_equals_parsing_the_prefix() {
        let bytes = three_revisions();
        let limits = Limits::default();
        let pdf = load(&bytes, &limits).expect("loads");
        assert_eq!(pdf.revisions.len(), 3);
        let mut prev = full_parse(&bytes, &pdf, 1);
        for number in 2..=3 {
            let revision = pdf.revision(number).expect("revision");
            let prefix = pdf.revision_bytes(&bytes, number).expect("prefix");
            let built = view_after(&prev, prefix, revision, &limits).expect("shortcut applies");
            let parsed = full_parse(&bytes, &pdf, number);
            assert_eq!(built.objects, parsed.objects, "revision {number}");
            assert_eq!(built.trailer, parsed.trailer, "revision {number}");
            prev = built;
        }
    }

    /// [`view_after`] for revision `number` of `bytes` over a full parse of the revision
    /// before it, the revision's xref kind replaced by `kind` when given.
    fn shortcut(bytes: &[u8], number: usize, kind: Option<XrefKind>) -> Option<Document> {
        let limits = Limits::default();
        let pdf = load(bytes, &limits).expect("loads");
        let prev = full_parse(bytes, &pdf, number.saturating_sub(1).max(1));
        let mut revision = pdf.revision(number).expect("revision").clone();
        if let Some(kind) = kind {
            revision.xref_kind = kind;
        }
        let prefix = pdf.revision_bytes(bytes, number).expect("prefix");
        view_after(&prev, prefix, &revision, &limits)
    }

    #[test]
    fn a_stream_whose_length_is_a_reference_needs_the_full_parse() {
        let mut b = Builder::new();
        b.obj(1, "<< /Type /Catalog /Pages 2 0 R >>")
            .obj(2, "<< /Type /Pages /Kids [3 0 R] /Count 1 >>")
            .obj(3, "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 10 10] >>")
            .obj(5, "4");
        b.revision("/Root 1 0 R");
        b.obj(4, "<< /Length 5 0 R >>\nstream\nabcd\nendstream");
        b.revision("/Root 1 0 R");
        assert!(shortcut(&b.out, 2, None).is_none());
    }

    #[test]
    fn the_first_revision_and_odd_sections_are_not_shortcut() {
        let bytes = three_revisions();
        assert!(shortcut(&bytes, 2, None).is_some());
        // The original has no `/Prev` to stand in for.
        assert!(shortcut(&bytes, 1, None).is_none());
        // A section rebuilt by scanning is left to lopdf.
        assert!(shortcut(&bytes, 2, Some(XrefKind::Rebuilt)).is_none());
        assert!(shortcut(&bytes, 2, Some(XrefKind::Hybrid)).is_none());
    }

    #[test]
    fn prev_number_is_found_under_a_whole_key_only() {
        let table = b"xref\n0 1\n0000000000 65535 f \ntrailer\n<< /PrevX 5 /Prev 123 /Size 3 >>";
        let range = prev_value(table, 0, XrefKind::Table).expect("found");
        assert_eq!(&table[range], b"123");
        let twice = b"xref\ntrailer\n<< /Prev 1 /Prev 2 >>";
        assert!(prev_value(twice, 0, XrefKind::Table).is_none());
        let none = b"xref\ntrailer\n<< /Size 3 >>";
        assert!(prev_value(none, 0, XrefKind::Table).is_none());
        let stream = b"7 0 obj\n<< /Type /XRef /Prev 42 /W [1 2 1] >>\nstream\n/Prev 9";
        let range = prev_value(stream, 0, XrefKind::Stream).expect("found");
        assert_eq!(&stream[range], b"42");
    }
}
