//! The object graph of one revision's view: dereferencing, structural equality, the places an
//! object is referenced from, and the objects an update introduced.
//!
//! Everything here reads a lopdf [`Document`] that was parsed from untrusted bytes, so every
//! walk is bounded by a named limit and cycles are cut by visited sets. Nothing here judges a
//! change; that is the rules' job ([`super::policy`]).

use std::collections::{BTreeSet, HashMap, HashSet};

use lopdf::{Dictionary, Document, Object, ObjectId};

/// References followed in a chain before giving up (a reference loop).
pub(super) const MAX_DEREF: usize = 32;
/// Deepest nesting of direct arrays and dictionaries compared or walked.
pub(super) const MAX_NESTING: usize = 64;
/// Most indirect objects one graph walk visits.
pub(super) const MAX_WALK_OBJECTS: usize = 2_000_000;

/// Follows references until a direct object; `None` for a missing target or a loop.
pub(super) fn resolve<'d>(doc: &'d Document, mut obj: &'d Object) -> Option<&'d Object> {
    for _ in 0..MAX_DEREF {
        match obj {
            Object::Reference(id) => obj = doc.objects.get(id)?,
            _ => return Some(obj),
        }
    }
    None
}

/// The dictionary `obj` is or points to (a stream's dictionary counts).
pub(super) fn dict_of<'d>(doc: &'d Document, obj: &'d Object) -> Option<&'d Dictionary> {
    match resolve(doc, obj)? {
        Object::Dictionary(d) => Some(d),
        Object::Stream(s) => Some(&s.dict),
        _ => None,
    }
}

/// The dictionary of object `id`.
pub(super) fn object_dict(doc: &Document, id: ObjectId) -> Option<&Dictionary> {
    match doc.objects.get(&id)? {
        Object::Dictionary(d) => Some(d),
        Object::Stream(s) => Some(&s.dict),
        _ => None,
    }
}

/// `d[key]`, dereferenced.
pub(super) fn get<'d>(doc: &'d Document, d: &'d Dictionary, key: &[u8]) -> Option<&'d Object> {
    resolve(doc, d.get(key).ok()?)
}

/// `d[key]` as a name.
pub(super) fn name<'d>(doc: &'d Document, d: &'d Dictionary, key: &[u8]) -> Option<&'d [u8]> {
    match get(doc, d, key)? {
        Object::Name(n) => Some(n),
        _ => None,
    }
}

/// The reference `d[key]` holds, when it holds one (not dereferenced).
pub(super) fn raw_ref(d: &Dictionary, key: &[u8]) -> Option<ObjectId> {
    d.get(key).ok()?.as_reference().ok()
}

/// The catalog of a view.
pub(super) fn catalog(doc: &Document) -> Option<&Dictionary> {
    dict_of(doc, doc.trailer.get(b"Root").ok()?)
}

/// The object ids below which the revision could have assigned numbers: its trailer's
/// `/Size`, or one past the highest object when `/Size` is missing or too small.
/// pyHanko calls an id at or above it "unassignable" in that revision.
pub(super) fn size_of(doc: &Document) -> u32 {
    let highest = doc
        .objects
        .keys()
        .next_back()
        .map_or(0, |id| id.0.saturating_add(1));
    let declared = doc
        .trailer
        .get(b"Size")
        .ok()
        .and_then(|o| o.as_i64().ok())
        .and_then(|s| u32::try_from(s).ok())
        .unwrap_or(0);
    // A /Size smaller than an object the revision defines would let a later update "reuse"
    // that object as if it were new; take the larger.
    declared.max(highest)
}

/// True when `id` could not have been assigned in a revision of size `size` (pyHanko's
/// `is_ref_unassignable`): the number was never handed out, so writing it clobbers nothing.
pub(super) fn unassignable(size: u32, id: ObjectId) -> bool {
    id.0 >= size
}

/// Structural equality, as pyHanko's identity check: strings by bytes whatever their
/// notation, streams by dictionary and encoded data, references by number.
pub(super) fn same(a: &Object, b: &Object) -> bool {
    same_at(a, b, 0)
}

fn same_at(a: &Object, b: &Object, depth: usize) -> bool {
    if depth > MAX_NESTING {
        return false;
    }
    match (a, b) {
        (Object::Null, Object::Null) => true,
        (Object::Boolean(x), Object::Boolean(y)) => x == y,
        (Object::Integer(x), Object::Integer(y)) => x == y,
        (Object::Real(x), Object::Real(y)) => x == y,
        (Object::Integer(x), Object::Real(y)) | (Object::Real(y), Object::Integer(x)) => {
            (*x as f32) == *y
        }
        (Object::Name(x), Object::Name(y)) => x == y,
        (Object::String(x, _), Object::String(y, _)) => x == y,
        (Object::Reference(x), Object::Reference(y)) => x == y,
        (Object::Array(x), Object::Array(y)) => {
            x.len() == y.len() && x.iter().zip(y).all(|(p, q)| same_at(p, q, depth + 1))
        }
        (Object::Dictionary(x), Object::Dictionary(y)) => same_dict_at(x, y, depth),
        (Object::Stream(x), Object::Stream(y)) => {
            x.content == y.content && same_dict_at(&x.dict, &y.dict, depth)
        }
        _ => false,
    }
}

fn same_dict_at(a: &Dictionary, b: &Dictionary, depth: usize) -> bool {
    a.len() == b.len()
        && a.iter().all(|(k, v)| {
            b.get(k)
                .ok()
                .is_some_and(|w| same_at(v, w, depth.saturating_add(1)))
        })
}

/// The keys of `a` and `b` that differ (added, removed or changed), outside `ignored`.
pub(super) fn differing_keys(a: &Dictionary, b: &Dictionary, ignored: &[&[u8]]) -> Vec<String> {
    let mut keys: BTreeSet<&[u8]> = a.iter().map(|(k, _)| k.as_slice()).collect();
    keys.extend(b.iter().map(|(k, _)| k.as_slice()));
    keys.into_iter()
        .filter(|k| !ignored.contains(k))
        .filter(|k| match (a.get(k).ok(), b.get(k).ok()) {
            (Some(x), Some(y)) => !same(x, y),
            _ => true,
        })
        .map(|k| format!("/{}", String::from_utf8_lossy(k)))
        .collect()
}

/// Every reference directly inside `obj` (not following them), depth-bounded.
pub(super) fn direct_refs(obj: &Object, out: &mut Vec<ObjectId>) {
    direct_refs_at(obj, out, 0);
}

fn direct_refs_at(obj: &Object, out: &mut Vec<ObjectId>, depth: usize) {
    if depth > MAX_NESTING {
        return;
    }
    match obj {
        Object::Reference(id) => out.push(*id),
        Object::Array(a) => a.iter().for_each(|o| direct_refs_at(o, out, depth + 1)),
        Object::Dictionary(d) => d
            .iter()
            .for_each(|(_, o)| direct_refs_at(o, out, depth + 1)),
        Object::Stream(s) => s
            .dict
            .iter()
            .for_each(|(_, o)| direct_refs_at(o, out, depth + 1)),
        _ => {}
    }
}

/// The objects reachable from `start` in `new` through objects that did not exist in `old`
/// (pyHanko's `collect_dependencies(.., since_revision=old + 1)`): a reference to an object
/// the signed revision already had is neither included nor followed.
pub(super) fn new_dependencies(
    new: &Document,
    old: &Document,
    start: &Object,
) -> BTreeSet<ObjectId> {
    let mut found = BTreeSet::new();
    let mut stack = Vec::new();
    direct_refs(start, &mut stack);
    while let Some(id) = stack.pop() {
        if found.len() >= MAX_WALK_OBJECTS {
            break;
        }
        if old.objects.contains_key(&id) || !found.insert(id) {
            continue;
        }
        if let Some(obj) = new.objects.get(&id) {
            direct_refs(obj, &mut stack);
        }
    }
    found
}

/// One step of a path through the object graph.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub(super) enum Step {
    /// A dictionary key.
    Key(Vec<u8>),
    /// An array index.
    Index(usize),
}

/// Where a path through the graph starts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(super) enum Holder {
    /// The trailer dictionary.
    Trailer,
    /// An indirect object.
    Object(ObjectId),
}

/// A place a reference is written: the indirect object (or trailer) that holds it and the
/// path inside that object. pyHanko approves updates of objects the signed revision already
/// had per place they are used from; this is its "relative context".
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub(super) struct Referrer {
    pub holder: Holder,
    pub path: Vec<Step>,
}

impl Referrer {
    pub(super) fn new(holder: Holder, path: Vec<Step>) -> Self {
        Self { holder, path }
    }
}

/// Key helper for building paths.
pub(super) fn key(k: &[u8]) -> Step {
    Step::Key(k.to_vec())
}

/// The referrer an absolute path from the trailer ends in: the last indirect object passed
/// through and the rest of the path (pyHanko's `RelativeContext.relative_to`).
pub(super) fn referrer_at(doc: &Document, path: &[Step]) -> Option<Referrer> {
    let mut holder = Holder::Trailer;
    let mut rel: Vec<Step> = Vec::new();
    let mut current: &Object = &Object::Null;
    let mut in_trailer = true;
    for (i, step) in path.iter().enumerate() {
        let child = if in_trailer {
            in_trailer = false;
            match step {
                Step::Key(k) => doc.trailer.get(k).ok()?,
                Step::Index(_) => return None,
            }
        } else {
            match (current, step) {
                (Object::Dictionary(d), Step::Key(k)) => d.get(k).ok()?,
                (Object::Stream(s), Step::Key(k)) => s.dict.get(k).ok()?,
                (Object::Array(a), Step::Index(n)) => a.get(*n)?,
                _ => return None,
            }
        };
        rel.push(step.clone());
        let last = i + 1 == path.len();
        if let (Object::Reference(id), false) = (child, last) {
            holder = Holder::Object(*id);
            rel.clear();
            current = doc.objects.get(id)?;
        } else {
            current = child;
        }
    }
    Some(Referrer::new(holder, rel))
}

/// Every place, in one revision's view, where each object is referenced from, counting only
/// holders reachable from the trailer. As in pyHanko, `/Parent` links and a structure
/// element's `/P` are not usages: they point back up a tree whose downward links are.
#[derive(Debug, Default)]
pub(super) struct Usages {
    map: HashMap<ObjectId, HashSet<Referrer>>,
}

impl Usages {
    /// Walks the view from its trailer.
    pub(super) fn of(doc: &Document) -> Self {
        let mut usages = Usages::default();
        let mut visited: HashSet<ObjectId> = HashSet::new();
        let mut queue: Vec<ObjectId> = Vec::new();
        let mut path = Vec::new();
        for (k, v) in doc.trailer.iter() {
            path.push(Step::Key(k.clone()));
            usages.record(v, Holder::Trailer, &mut path, &mut queue, 0);
            path.pop();
        }
        while let Some(id) = queue.pop() {
            if visited.len() >= MAX_WALK_OBJECTS || !visited.insert(id) {
                continue;
            }
            let Some(obj) = doc.objects.get(&id) else {
                continue;
            };
            let mut path = Vec::new();
            let body = match obj {
                Object::Stream(s) => Some(&s.dict),
                Object::Dictionary(d) => Some(d),
                _ => None,
            };
            match body {
                Some(d) => usages.record_dict(d, Holder::Object(id), &mut path, &mut queue, 0),
                None => usages.record(obj, Holder::Object(id), &mut path, &mut queue, 0),
            }
        }
        usages
    }

    fn record(
        &mut self,
        obj: &Object,
        holder: Holder,
        path: &mut Vec<Step>,
        queue: &mut Vec<ObjectId>,
        depth: usize,
    ) {
        if depth > MAX_NESTING {
            return;
        }
        match obj {
            Object::Reference(id) => {
                self.map
                    .entry(*id)
                    .or_default()
                    .insert(Referrer::new(holder, path.clone()));
                queue.push(*id);
            }
            Object::Array(a) => {
                for (i, o) in a.iter().enumerate() {
                    path.push(Step::Index(i));
                    self.record(o, holder, path, queue, depth + 1);
                    path.pop();
                }
            }
            Object::Dictionary(d) => self.record_dict(d, holder, path, queue, depth),
            _ => {}
        }
    }

    fn record_dict(
        &mut self,
        d: &Dictionary,
        holder: Holder,
        path: &mut Vec<Step>,
        queue: &mut Vec<ObjectId>,
        depth: usize,
    ) {
        let struct_elem = d.has(b"S")
            && d.has(b"P")
            && d.get(b"Type")
                .ok()
                .is_none_or(|t| t.as_name().ok() == Some(b"StructElem".as_slice()));
        for (k, v) in d.iter() {
            if k.as_slice() == b"Parent" || (struct_elem && k.as_slice() == b"P") {
                continue;
            }
            path.push(Step::Key(k.clone()));
            self.record(v, holder, path, queue, depth + 1);
            path.pop();
        }
    }

    /// The places `id` is referenced from.
    pub(super) fn of_ref(&self, id: ObjectId) -> Option<&HashSet<Referrer>> {
        self.map.get(&id).filter(|s| !s.is_empty())
    }
}

/// Deepest field or page tree followed.
pub(super) const MAX_TREE_DEPTH: usize = 32;
/// Most pages walked in one revision.
pub(super) const MAX_PAGES: usize = 100_000;

/// The pages of a view, in page-tree order, bounded.
pub(super) fn page_ids(doc: &Document) -> Vec<ObjectId> {
    let mut out = Vec::new();
    let Some(root) = catalog(doc) else { return out };
    let Some(top) = raw_ref(root, b"Pages") else {
        return out;
    };
    let mut stack = vec![(top, 0usize)];
    let mut seen = HashSet::new();
    while let Some((id, depth)) = stack.pop() {
        if depth > MAX_TREE_DEPTH || out.len() >= MAX_PAGES || !seen.insert(id) {
            continue;
        }
        let Some(d) = object_dict(doc, id) else {
            continue;
        };
        match name(doc, d, b"Type") {
            Some(b"Page") => out.push(id),
            _ => {
                if let Some(Object::Array(kids)) = get(doc, d, b"Kids") {
                    for kid in kids.iter().rev() {
                        if let Object::Reference(k) = kid {
                            stack.push((*k, depth + 1));
                        }
                    }
                }
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use lopdf::dictionary;

    #[test]
    fn identical_rewrite_with_other_string_notation_is_same() {
        let a = Object::Dictionary(dictionary! { "T" => Object::string_literal("x") });
        let b = Object::Dictionary(dictionary! {
            "T" => Object::String(b"x".to_vec(), lopdf::StringFormat::Hexadecimal)
        });
        assert!(same(&a, &b));
        let c = Object::Dictionary(dictionary! { "T" => Object::string_literal("y") });
        assert!(!same(&a, &c));
    }

    #[test]
    fn reference_loop_does_not_resolve() {
        let mut doc = Document::with_version("1.7");
        doc.objects.insert((1, 0), Object::Reference((2, 0)));
        doc.objects.insert((2, 0), Object::Reference((1, 0)));
        assert!(resolve(&doc, &Object::Reference((1, 0))).is_none());
    }

    #[test]
    fn usages_skip_parent_links_and_follow_indirect_holders() {
        let mut doc = Document::with_version("1.7");
        let kid: ObjectId = (3, 0);
        let fields: ObjectId = (2, 0);
        doc.objects.insert(fields, Object::Array(vec![kid.into()]));
        doc.objects
            .insert(kid, dictionary! { "Parent" => (1, 0) }.into());
        doc.objects.insert(
            (1, 0),
            dictionary! { "AcroForm" => dictionary! { "Fields" => fields } }.into(),
        );
        doc.trailer.set("Root", (1, 0));
        let usages = Usages::of(&doc);
        let of_kid = usages.of_ref(kid).expect("used");
        assert_eq!(of_kid.len(), 1);
        assert!(of_kid.contains(&Referrer::new(Holder::Object(fields), vec![Step::Index(0)])));
        assert_eq!(
            usages.of_ref((1, 0)).map(HashSet::len),
            Some(1),
            "the kid's /Parent back to the catalog is not a usage"
        );
        let at = referrer_at(
            &doc,
            &[
                key(b"Root"),
                key(b"AcroForm"),
                key(b"Fields"),
                Step::Index(0),
            ],
        );
        assert_eq!(
            at,
            Some(Referrer::new(Holder::Object(fields), vec![Step::Index(0)]))
        );
    }
}
