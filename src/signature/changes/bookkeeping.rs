//! What a revision writes without changing what a reader sees: new cross-reference and object
//! streams, and new objects nothing refers to.

use std::collections::{BTreeSet, HashSet};

use lopdf::{Document, Object, ObjectId};

use super::facts::{ModificationLevel, Subject};
use super::graph::{direct_refs, unassignable};
use super::rule::{Approval, Pair};
use super::views::Written;

/// New cross-reference and object streams are file bookkeeping (pyHanko's `XrefStreamRule`
/// and `ObjectStreamRule`): the objects inside an object stream are vetted one by one.
pub(super) fn bookkeeping_rule(p: &Pair<'_>, written: &Written, out: &mut Vec<Approval>) {
    for id in &written.in_use {
        let Some(Object::Stream(s)) = p.new.objects.get(id) else {
            continue;
        };
        if !unassignable(p.old_size, *id) {
            continue;
        }
        match s.dict.get(b"Type").ok().and_then(|t| t.as_name().ok()) {
            Some(b"XRef") => out.push(Approval::new(
                *id,
                ModificationLevel::LtaUpdates,
                Subject::XrefStream,
                "cross-reference stream",
            )),
            Some(b"ObjStm") => out.push(Approval::new(
                *id,
                ModificationLevel::LtaUpdates,
                Subject::ObjectStream,
                "object stream",
            )),
            _ => {}
        }
    }
}

/// New objects that nothing new in this revision reaches: the trailer and the objects the
/// revision rewrote are followed through objects new in this revision only (pyHanko's
/// `_find_orphans`). They change nothing a reader shows.
pub(super) fn orphans(prev: &Document, new: &Document, written: &Written) -> BTreeSet<ObjectId> {
    let fresh: BTreeSet<ObjectId> = written
        .in_use
        .iter()
        .filter(|id| !prev.objects.contains_key(id))
        .copied()
        .collect();
    if fresh.is_empty() {
        return fresh;
    }
    let mut stack = Vec::new();
    for (_, v) in new.trailer.iter() {
        direct_refs(v, &mut stack);
    }
    for id in written
        .in_use
        .iter()
        .filter(|id| prev.objects.contains_key(id))
    {
        if let Some(obj) = new.objects.get(id) {
            direct_refs(obj, &mut stack);
        }
    }
    let mut reached: HashSet<ObjectId> = HashSet::new();
    while let Some(id) = stack.pop() {
        if !fresh.contains(&id) || !reached.insert(id) {
            continue;
        }
        if let Some(obj) = new.objects.get(&id) {
            direct_refs(obj, &mut stack);
        }
    }
    fresh
        .into_iter()
        .filter(|id| !reached.contains(id))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::signature::changes::fixture::{Revisions, SIGNED, stream};

    #[test]
    fn new_xref_and_object_streams_are_bookkeeping() {
        let xref = stream("/Type /XRef /W [1 2 1] /Size 11", "");
        let objstm = stream("/Type /ObjStm /N 0 /First 0", "");
        let r = Revisions::new(SIGNED, &[(9, &xref), (10, &objstm)]);
        let mut out = Vec::new();
        bookkeeping_rule(&r.pair(), &r.written, &mut out);
        let subjects: Vec<(ObjectId, Subject)> = out.iter().map(|a| (a.id, a.subject)).collect();
        assert_eq!(
            subjects,
            [
                ((9, 0), Subject::XrefStream),
                ((10, 0), Subject::ObjectStream)
            ]
        );
    }

    #[test]
    fn xref_stream_written_over_a_signed_object_is_not_bookkeeping() {
        let xref = stream("/Type /XRef /W [1 2 1] /Size 9", "");
        let r = Revisions::new(SIGNED, &[(4, &xref)]);
        let mut out = Vec::new();
        bookkeeping_rule(&r.pair(), &r.written, &mut out);
        assert!(out.is_empty(), "{out:?}");
    }

    #[test]
    fn new_object_nothing_refers_to_is_an_orphan() {
        let r = Revisions::new(SIGNED, &[(9, "<< /Unused true >>")]);
        assert_eq!(orphans(&r.old, &r.new, &r.written), [(9, 0)].into());
    }

    #[test]
    fn new_object_a_rewritten_object_refers_to_is_no_orphan() {
        let r = Revisions::new(
            SIGNED,
            &[
                (
                    1,
                    "<< /Type /Catalog /Pages 2 0 R /AcroForm 5 0 R /OpenAction 9 0 R >>",
                ),
                (9, "<< /S /JavaScript /JS 10 0 R >>"),
                (10, "(app.alert(1))"),
            ],
        );
        assert!(orphans(&r.old, &r.new, &r.written).is_empty());
    }
}
