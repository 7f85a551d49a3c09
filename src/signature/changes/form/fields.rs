//! The form's fields as one revision lists them, and what the field rules share: where a
//! field is used from, which of its keys may change, whether it is visible.

use std::collections::{BTreeMap, HashMap, HashSet};

use lopdf::{Dictionary, Document, Object, ObjectId};

use crate::pdf::metadata::decode_text_string;
use crate::signature::changes::facts::Subject;
use crate::signature::changes::graph::{
    Holder, MAX_TREE_DEPTH, Referrer, Step, catalog, dict_of, differing_keys, get, key, page_ids,
    resolve, same,
};
use crate::signature::changes::rule::{Check, Ctx, Pair, Suspicious, path_ctx};

/// Field keys that may change at any time (`/Ff` flags, `/Type`).
const ALWAYS_MODIFIABLE: &[&[u8]] = &[b"Ff", b"Type"];
/// Field keys filling a field changes: value, appearance, appearance state, flags (Table 228).
const VALUE_UPDATE_KEYS: &[&[u8]] = &[b"Ff", b"Type", b"AP", b"AS", b"V", b"F", b"DA", b"Q"];

/// Most fields listed in one revision.
const MAX_FIELDS: usize = 20_000;

/// One field as listed from one revision.
#[derive(Debug, Clone)]
pub(super) struct Listed {
    pub field_type: Option<Vec<u8>>,
    pub id: ObjectId,
    /// The absolute path from the trailer to its entry in `/Fields` or its parent's `/Kids`.
    pub path: Vec<Step>,
}

/// A field in the signed and the later revision.
#[derive(Debug, Clone)]
pub(super) struct Spec {
    pub field_type: Option<Vec<u8>>,
    pub old: Option<Listed>,
    pub new: Option<Listed>,
}

impl Spec {
    pub(super) fn is_sig(&self) -> bool {
        self.field_type.as_deref() == Some(b"Sig")
    }
}

/// Lists the fields under `list` by fully qualified name (pyHanko's `_list_fields`): entries
/// must be indirect dictionaries; entries without `/T` (widgets) are not fields.
pub(super) fn list_fields(
    doc: &Document,
    list: Option<&Object>,
    parent: &str,
    inherited: Option<&[u8]>,
    path: &[Step],
    out: &mut BTreeMap<String, Listed>,
    depth: usize,
) -> Check<()> {
    let bad = |reason: &str| Suspicious::new(None, Subject::FieldList, reason.to_owned());
    if depth > MAX_TREE_DEPTH {
        return Err(bad("the field tree is too deep"));
    }
    let Some(Object::Array(entries)) = list else {
        return Err(bad("the field list is not an array"));
    };
    let mut seen = HashSet::new();
    for (index, entry) in entries.iter().enumerate() {
        if out.len() >= MAX_FIELDS {
            return Err(bad("too many form fields"));
        }
        let Object::Reference(id) = entry else {
            return Err(bad("fields must be indirect objects"));
        };
        let Some(Object::Dictionary(field)) = doc.objects.get(id) else {
            return Err(Suspicious::new(
                Some(*id),
                Subject::FormField,
                "fields must be dictionaries",
            ));
        };
        let Ok(t) = field.get(b"T") else { continue };
        let Object::String(t, _) = t else {
            return Err(Suspicious::new(
                Some(*id),
                Subject::FormField,
                "field names must be strings",
            ));
        };
        let partial = decode_text_string(t);
        if !seen.insert(partial.clone()) {
            return Err(Suspicious::new(
                Some(*id),
                Subject::FormField,
                format!("duplicate field name {partial}"),
            ));
        }
        if partial.contains('.') {
            return Err(Suspicious::new(
                Some(*id),
                Subject::FormField,
                "partial field names must not contain periods",
            ));
        }
        let full = if parent.is_empty() {
            partial
        } else {
            format!("{parent}.{partial}")
        };
        let field_type = match field.get(b"FT").ok() {
            Some(Object::Name(n)) => Some(n.clone()),
            _ => inherited.map(<[u8]>::to_vec),
        };
        let kids = get(doc, field, b"Kids");
        let has_kids = matches!(kids, Some(Object::Array(a)) if !a.is_empty());
        if !has_kids && field_type.is_none() {
            return Err(Suspicious::new(
                Some(*id),
                Subject::FormField,
                format!("the type of terminal field {full} cannot be determined"),
            ));
        }
        let mut here = path.to_vec();
        here.push(Step::Index(index));
        out.insert(
            full.clone(),
            Listed {
                field_type: field_type.clone(),
                id: *id,
                path: here.clone(),
            },
        );
        if has_kids {
            here.push(key(b"Kids"));
            list_fields(
                doc,
                kids,
                &full,
                field_type.as_deref(),
                &here,
                out,
                depth + 1,
            )?;
        }
    }
    Ok(())
}

/// An annotation with a nonzero area (pyHanko's `is_annot_visible`).
pub(super) fn annot_visible(doc: &Document, d: &Dictionary) -> bool {
    let Some(Object::Array(rect)) = get(doc, d, b"Rect") else {
        return false;
    };
    let n: Vec<f64> = rect
        .iter()
        .filter_map(|o| match resolve(doc, o)? {
            Object::Integer(i) => Some(*i as f64),
            Object::Real(r) => Some(f64::from(*r)),
            _ => None,
        })
        .collect();
    let [x1, y1, x2, y2] = n.as_slice() else {
        return false;
    };
    (x1 - x2).abs() * (y1 - y2).abs() != 0.0
}

/// A field with a visible widget, its own or a kid's.
pub(super) fn field_visible(doc: &Document, field: &Dictionary) -> bool {
    if annot_visible(doc, field) {
        return true;
    }
    match get(doc, field, b"Kids") {
        Some(Object::Array(kids)) => kids
            .iter()
            .filter_map(|k| dict_of(doc, k))
            .any(|k| annot_visible(doc, k)),
        _ => false,
    }
}

/// Where annotations sit in the signed revision's page tree: annotation → the places in
/// `/Annots` arrays that hold it.
pub(super) struct AnnotIndex {
    places: HashMap<ObjectId, Vec<Referrer>>,
    has_struct_tree: bool,
}

impl AnnotIndex {
    pub(super) fn of(doc: &Document) -> Self {
        let mut places: HashMap<ObjectId, Vec<Referrer>> = HashMap::new();
        for page in page_ids(doc) {
            let Some(Object::Dictionary(d)) = doc.objects.get(&page) else {
                continue;
            };
            let Ok(raw) = d.get(b"Annots") else { continue };
            let (holder, prefix) = match raw {
                Object::Reference(id) => (Holder::Object(*id), Vec::new()),
                _ => (Holder::Object(page), vec![key(b"Annots")]),
            };
            if let Some(Object::Array(a)) = resolve(doc, raw) {
                for (i, o) in a.iter().enumerate() {
                    if let Object::Reference(id) = o {
                        let mut path = prefix.clone();
                        path.push(Step::Index(i));
                        places
                            .entry(*id)
                            .or_default()
                            .push(Referrer::new(holder, path));
                    }
                }
            }
        }
        let has_struct_tree = catalog(doc).is_some_and(|c| c.has(b"StructTreeRoot"));
        Self {
            places,
            has_struct_tree,
        }
    }
}

/// The places a field is expected to be used from in the signed revision: the `/Annots`
/// arrays of pages, its slot in `/Fields` or its parent's `/Kids`, and a structure element's
/// object reference (pyHanko's `FieldComparisonSpec.expected_contexts`).
pub(super) fn expected_contexts(p: &Pair<'_>, listed: &Listed, annots: &AnnotIndex) -> Vec<Ctx> {
    let mut ctxs: Vec<Ctx> = annots
        .places
        .get(&listed.id)
        .map(|v| v.iter().cloned().map(Ctx::At).collect())
        .unwrap_or_default();
    if annots.has_struct_tree
        && let Some(usages) = p.usages.of_ref(listed.id)
    {
        // Only an object reference that is a structure element's sole `/K` counts, as in
        // pyHanko (the path must end in `/K /Obj`).
        let via_k = |r: &Referrer| -> bool {
            match (r.holder, r.path.as_slice()) {
                (_, [Step::Key(k), Step::Key(o)]) => k == b"K" && o == b"Obj",
                (Holder::Object(objr), [Step::Key(o)]) if o == b"Obj" => {
                    p.usages.of_ref(objr).is_some_and(|s| {
                        s.iter()
                            .any(|u| matches!(u.path.last(), Some(Step::Key(k)) if k == b"K"))
                    })
                }
                _ => false,
            }
        };
        if let Some(r) = usages.iter().find(|r| via_k(r)) {
            ctxs.push(Ctx::At(r.clone()));
        }
    }
    ctxs.push(path_ctx(p.old, &listed.path));
    ctxs
}

/// A field may change only its value and appearance keys; returns whether it changed only
/// what a lock permits (pyHanko's `compare_fields`).
pub(super) fn compare_fields(old: &Dictionary, new: &Dictionary, id: ObjectId) -> Check<bool> {
    let differ = differing_keys(old, new, VALUE_UPDATE_KEYS);
    if !differ.is_empty() {
        return Err(Suspicious::new(
            Some(id),
            Subject::FormField,
            format!(
                "field changed beyond its value and appearance: {}",
                differ.join(", ")
            ),
        ));
    }
    let old_type = old.get(b"Type").ok();
    let new_type = new.get(b"Type").ok();
    match (old_type, new_type) {
        (None, Some(t)) if t.as_name().ok() != Some(b"Annot".as_slice()) => {
            return Err(Suspicious::new(
                Some(id),
                Subject::FormField,
                "/Type of a field set to something other than /Annot",
            ));
        }
        (Some(a), Some(b)) if !same(a, b) => {
            return Err(Suspicious::new(
                Some(id),
                Subject::FormField,
                "/Type of a field altered",
            ));
        }
        (Some(_), None) => {
            return Err(Suspicious::new(
                Some(id),
                Subject::FormField,
                "/Type of a field deleted",
            ));
        }
        _ => {}
    }
    Ok(differing_keys(old, new, ALWAYS_MODIFIABLE).is_empty())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::signature::changes::fixture::{SIGNED, view};

    fn listed(objects: &[(u32, &str)]) -> Check<BTreeMap<String, Listed>> {
        let doc = view(objects, "");
        let fields = catalog(&doc)
            .and_then(|c| get(&doc, c, b"AcroForm"))
            .and_then(|af| dict_of(&doc, af))
            .and_then(|af| get(&doc, af, b"Fields"));
        let mut out = BTreeMap::new();
        list_fields(&doc, fields, "", None, &[], &mut out, 0)?;
        Ok(out)
    }

    fn with(changed: &[(u32, &'static str)]) -> Vec<(u32, &'static str)> {
        let mut all: Vec<(u32, &str)> = SIGNED
            .iter()
            .copied()
            .filter(|(n, _)| !changed.iter().any(|(c, _)| c == n))
            .collect();
        all.extend_from_slice(changed);
        all
    }

    #[test]
    fn fields_are_listed_by_qualified_name_with_inherited_type() {
        let objects = with(&[
            (5, "<< /Fields [6 0 R 8 0 R 9 0 R] >>"),
            (9, "<< /T (Parent) /FT /Tx /Kids [10 0 R] >>"),
            (10, "<< /T (Child) /Parent 9 0 R >>"),
        ]);
        let list = listed(&objects).expect("lists");
        let names: Vec<&str> = list.keys().map(String::as_str).collect();
        assert_eq!(names, ["Name", "Parent", "Parent.Child", "Sig1"]);
        assert_eq!(
            list.get("Parent.Child").and_then(|l| l.field_type.clone()),
            Some(b"Tx".to_vec())
        );
    }

    #[test]
    fn duplicate_field_names_are_suspicious() {
        let objects = with(&[
            (5, "<< /Fields [6 0 R 8 0 R 9 0 R] >>"),
            (9, "<< /FT /Tx /T (Name) >>"),
        ]);
        let err = listed(&objects).expect_err("Name twice");
        assert!(err.reason.contains("duplicate field name Name"), "{err:?}");
    }

    #[test]
    fn field_changing_only_its_value_is_allowed_and_not_lock_safe() {
        let old = lopdf::dictionary! { "FT" => "Tx", "T" => Object::string_literal("Name") };
        let mut new = old.clone();
        new.set("V", Object::string_literal("Anna"));
        assert!(!compare_fields(&old, &new, (8, 0)).expect("a value"));
        let mut flags = old.clone();
        flags.set("Ff", 1);
        assert!(compare_fields(&old, &flags, (8, 0)).expect("flags"));
    }

    #[test]
    fn field_changing_its_rectangle_is_suspicious() {
        let old = lopdf::dictionary! { "FT" => "Tx", "Rect" => vec![0.into(), 0.into(), 10.into(), 10.into()] };
        let mut new = old.clone();
        new.set("Rect", vec![0.into(), 0.into(), 500.into(), 500.into()]);
        let err = compare_fields(&old, &new, (8, 0)).expect_err("/Rect");
        assert!(err.reason.contains("Rect"), "{err:?}");
    }

    #[test]
    fn field_is_visible_by_its_own_or_a_kids_area() {
        let doc = view(SIGNED, "");
        let invisible =
            lopdf::dictionary! { "Rect" => vec![0.into(), 0.into(), 0.into(), 0.into()] };
        assert!(!field_visible(&doc, &invisible));
        let visible =
            lopdf::dictionary! { "Rect" => vec![0.into(), 0.into(), 10.into(), 5.into()] };
        assert!(field_visible(&doc, &visible));
        let kid = lopdf::dictionary! { "Kids" => vec![Object::Reference((8, 0))] };
        assert!(field_visible(&doc, &kid), "object 8 has a 90 by 20 widget");
    }
}
