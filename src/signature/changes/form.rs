//! Form changes: filling fields, signing existing or new signature fields, and the page
//! `/Annots` entries that a new signature field's widget needs.
//!
//! ISO 32000-2 §12.8.2.2 lets a DocMDP `/P 2` document be filled in and signed; §12.8.2.4
//! lets a FieldMDP lock forbid filling named fields. This module follows pyHanko's
//! `FormUpdatingRule` with its three field rules (`SigFieldCreationRule`,
//! `SigFieldModificationRule`, `GenericFieldModificationRule`), which arkivar is compared
//! with; the notable strictness it keeps: only signature fields may be created, no field may be
//! deleted, a field may change only its value and appearance keys, and a widget kid of a
//! non-signature field is not a field of its own.

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};

use lopdf::{Dictionary, Document, Object, ObjectId};

use super::graph::{
    Holder, Referrer, Step, catalog, dict_of, differing_keys, get, key, name, new_dependencies,
    object_dict, raw_ref, resolve, same, unassignable,
};
use super::policy::{
    Approval, Check, Ctx, Pair, Suspicious, compare_dicts, compare_key_refs, path_ctx,
};
use super::{ModificationLevel, Subject};
use crate::pdf::metadata::decode_text_string;

/// AcroForm keys a later revision may change (pyHanko's `ACROFORM_EXEMPT_STRICT_COMPARISON`);
/// `/Fields` and `/DR` are vetted separately.
const ACROFORM_EXEMPT: &[&[u8]] = &[b"Fields", b"DR", b"DA", b"Q", b"NeedAppearances"];
/// Field keys that may change at any time (`/Ff` flags, `/Type`).
const ALWAYS_MODIFIABLE: &[&[u8]] = &[b"Ff", b"Type"];
/// Field keys filling a field changes: value, appearance, appearance state, flags (Table 228).
const VALUE_UPDATE_KEYS: &[&[u8]] = &[b"Ff", b"Type", b"AP", b"AS", b"V", b"F", b"DA", b"Q"];
/// Deepest field or page tree followed.
const MAX_TREE_DEPTH: usize = 32;
/// Most fields listed in one revision.
const MAX_FIELDS: usize = 20_000;
/// Most pages walked in one revision.
const MAX_PAGES: usize = 100_000;

/// One field as listed from one revision.
#[derive(Debug, Clone)]
struct Listed {
    field_type: Option<Vec<u8>>,
    id: ObjectId,
    /// The absolute path from the trailer to its entry in `/Fields` or its parent's `/Kids`.
    path: Vec<Step>,
}

/// A field in the signed and the later revision.
#[derive(Debug, Clone)]
struct Spec {
    field_type: Option<Vec<u8>>,
    old: Option<Listed>,
    new: Option<Listed>,
}

impl Spec {
    fn is_sig(&self) -> bool {
        self.field_type.as_deref() == Some(b"Sig")
    }
}

/// Vets changes to the form (pyHanko's `FormUpdatingRule.apply`).
pub(super) fn form_rule(p: &Pair<'_>, out: &mut Vec<Approval>) -> Check<()> {
    let lta = ModificationLevel::LtaUpdates;
    let ff = ModificationLevel::FormFilling;
    let (Some(old_root), Some(new_root)) = (catalog(p.old), catalog(p.new)) else {
        return Err(Suspicious::new(
            None,
            Subject::Catalog,
            "no readable catalog",
        ));
    };
    let af_path = [key(b"Root"), key(b"AcroForm")];
    let (old_af, new_af, af_ref) = compare_key_refs(p, b"AcroForm", old_root, new_root)?;
    if let Some(id) = af_ref {
        out.push(
            Approval::new(id, lta, Subject::AcroForm, "form dictionary")
                .at(path_ctx(p.old, &af_path)),
        );
    }
    if old_af.is_none() && new_af.is_none() {
        // pyHanko cannot compare two missing forms and fails; with no form on either side
        // there is no form change to vet.
        return Ok(());
    }
    compare_dicts(old_af, new_af, ACROFORM_EXEMPT, Subject::AcroForm, af_ref)?;
    let (Some(Object::Dictionary(old_af)), Some(Object::Dictionary(new_af))) = (old_af, new_af)
    else {
        return Ok(());
    };
    let fields_path = [key(b"Root"), key(b"AcroForm"), key(b"Fields")];
    let (old_fields, new_fields, fields_ref) = compare_key_refs(p, b"Fields", old_af, new_af)?;
    if let Some(id) = fields_ref {
        out.push(
            Approval::new(id, lta, Subject::FieldList, "form field list")
                .at(path_ctx(p.old, &fields_path)),
        );
    }
    // Acrobat rewrites the default resources when it fills a form.
    let dr_path = [key(b"Root"), key(b"AcroForm"), key(b"DR")];
    let (_, new_dr, dr_ref) = compare_key_refs(p, b"DR", old_af, new_af)?;
    if let Some(id) = dr_ref {
        out.push(
            Approval::new(id, ff, Subject::DefaultResources, "form default resources")
                .at(path_ctx(p.old, &dr_path)),
        );
    }
    if let Some(dr) = new_dr {
        for id in new_dependencies(p.new, p.old, dr) {
            out.push(Approval::new(
                id,
                ff,
                Subject::DefaultResources,
                "form default resources",
            ));
        }
    }

    let mut old_list = BTreeMap::new();
    list_fields(p.old, old_fields, "", None, &fields_path, &mut old_list, 0)?;
    let mut new_list = BTreeMap::new();
    list_fields(p.new, new_fields, "", None, &fields_path, &mut new_list, 0)?;
    let mut specs: BTreeMap<String, Spec> = BTreeMap::new();
    for (name, l) in &old_list {
        specs.insert(
            name.clone(),
            Spec {
                field_type: l.field_type.clone(),
                old: Some(l.clone()),
                new: None,
            },
        );
    }
    for (name, l) in new_list {
        let spec = specs.entry(name.clone()).or_insert(Spec {
            field_type: l.field_type.clone(),
            old: None,
            new: None,
        });
        if spec.old.is_some() && spec.field_type != l.field_type {
            return Err(Suspicious::new(
                Some(l.id),
                Subject::FormField,
                format!("the update changed the type of field {name}"),
            ));
        }
        spec.new = Some(l);
    }

    let annots = AnnotIndex::of(p.old);
    sig_field_creation(p, &specs, out)?;
    for (name, spec) in &specs {
        if spec.is_sig() {
            sig_field_modification(p, name, spec, &annots, out)?;
        } else {
            generic_field_modification(p, name, spec, &annots, out)?;
        }
    }
    Ok(())
}

/// Lists the fields under `list` by fully qualified name (pyHanko's `_list_fields`): entries
/// must be indirect dictionaries; entries without `/T` (widgets) are not fields.
fn list_fields(
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
fn annot_visible(doc: &Document, d: &Dictionary) -> bool {
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
fn field_visible(doc: &Document, field: &Dictionary) -> bool {
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

/// New signature fields may be created (invisible: `LtaUpdates`, visible: `FormFilling`);
/// no other field may be created and none deleted; a new signature field's widgets may join
/// a page's `/Annots` (pyHanko's `SigFieldCreationRule`).
fn sig_field_creation(
    p: &Pair<'_>,
    specs: &BTreeMap<String, Spec>,
    out: &mut Vec<Approval>,
) -> Check<()> {
    let ff = ModificationLevel::FormFilling;
    let deleted: Vec<&String> = specs
        .iter()
        .filter(|(_, s)| s.old.is_some() && s.new.is_none())
        .map(|(n, _)| n)
        .collect();
    if let Some(first) = deleted.first() {
        return Err(Suspicious::new(
            None,
            Subject::FormField,
            format!("field {first} was deleted after signing"),
        ));
    }
    let created: Vec<(&String, &Listed)> = specs
        .iter()
        .filter_map(|(n, s)| match (&s.old, &s.new) {
            (None, Some(l)) => Some((n, l)),
            _ => None,
        })
        .collect();
    if let Some((n, l)) = created
        .iter()
        .find(|(n, _)| specs.get(*n).is_some_and(|s| !s.is_sig()))
    {
        return Err(Suspicious::new(
            Some(l.id),
            Subject::FormField,
            format!("a field other than a signature field was added: {n}"),
        ));
    }
    let mut widgets: HashMap<ObjectId, String> = HashMap::new();
    for (name, listed) in &created {
        let Some(Object::Dictionary(field)) = p.new.objects.get(&listed.id) else {
            continue;
        };
        let visible = field_visible(p.new, field);
        let level = if visible {
            ff
        } else {
            ModificationLevel::LtaUpdates
        };
        if unassignable(p.old_size, listed.id) {
            let mut a = Approval::new(
                listed.id,
                level,
                Subject::SignatureField,
                "new signature field",
            )
            .field(name, !visible);
            // pyHanko forbids a new visible signature field after a certification signature,
            // stricter than Acrobat.
            a.valid_when_certifying = !visible;
            out.push(a);
        }
        let deps = |d: &Dictionary, out: &mut Vec<Approval>| {
            for k in [b"AP".as_slice(), b"Lock", b"SV"] {
                if let Ok(v) = d.get(k) {
                    for id in new_dependencies(p.new, p.old, v) {
                        out.push(
                            Approval::new(
                                id,
                                ff,
                                Subject::AppearanceStream,
                                "new signature field's appearance",
                            )
                            .field(name, false),
                        );
                    }
                }
            }
        };
        deps(field, out);
        match field.get(b"Kids").ok() {
            Some(kids_raw) => {
                if let Object::Reference(kids_ref) = kids_raw
                    && unassignable(p.old_size, *kids_ref)
                {
                    out.push(
                        Approval::new(
                            *kids_ref,
                            level,
                            Subject::SignatureField,
                            "new signature field's widgets",
                        )
                        .field(name, !visible),
                    );
                }
                let Some(Object::Array(kids)) = resolve(p.new, kids_raw) else {
                    return Err(Suspicious::new(
                        Some(listed.id),
                        Subject::SignatureField,
                        "/Kids is not an array",
                    ));
                };
                for kid in kids {
                    let Object::Reference(kid) = kid else {
                        return Err(Suspicious::new(
                            Some(listed.id),
                            Subject::SignatureField,
                            "/Kids contains direct objects",
                        ));
                    };
                    let Some(kd) = object_dict(p.new, *kid) else {
                        continue;
                    };
                    if kd.has(b"T") {
                        continue;
                    }
                    widgets.insert(*kid, (*name).clone());
                    if unassignable(p.old_size, *kid) {
                        out.push(
                            Approval::new(
                                *kid,
                                level,
                                Subject::Widget,
                                "new signature field's widget",
                            )
                            .field(name, !visible),
                        );
                    }
                    if let Ok(v) = kd.get(b"AP") {
                        for id in new_dependencies(p.new, p.old, v) {
                            out.push(
                                Approval::new(
                                    id,
                                    ff,
                                    Subject::AppearanceStream,
                                    "new signature widget's appearance",
                                )
                                .field(name, false),
                            );
                        }
                    }
                }
            }
            None => {
                widgets.insert(listed.id, (*name).clone());
            }
        }
    }
    if created.is_empty() {
        return Ok(());
    }
    let (Some(old_root), Some(new_root)) = (catalog(p.old), catalog(p.new)) else {
        return Ok(());
    };
    let (Some(old_pages), Some(new_pages)) = (
        get(p.old, old_root, b"Pages"),
        get(p.new, new_root, b"Pages"),
    ) else {
        return Ok(());
    };
    let mut seen = HashSet::new();
    let mut budget = MAX_PAGES;
    walk_page_annots(
        p,
        old_pages,
        new_pages,
        &widgets,
        out,
        &mut seen,
        0,
        &mut budget,
    )
}

/// Compares the page trees of both revisions and approves pages whose only change is new
/// widgets of new signature fields in `/Annots` (pyHanko's `_walk_page_tree_annots`).
/// arkivar also accepts new annotations that are not widgets there, at `Annotations`.
#[allow(clippy::too_many_arguments)]
fn walk_page_annots(
    p: &Pair<'_>,
    old_node: &Object,
    new_node: &Object,
    widgets: &HashMap<ObjectId, String>,
    out: &mut Vec<Approval>,
    seen: &mut HashSet<ObjectId>,
    depth: usize,
    budget: &mut usize,
) -> Check<()> {
    let bad = |reason: &str| Suspicious::new(None, Subject::PageTree, reason.to_owned());
    if depth > MAX_TREE_DEPTH {
        return Err(bad("the page tree is too deep"));
    }
    let kids_of = |doc: &Document, node: &Object| -> Option<Vec<ObjectId>> {
        let d = dict_of(doc, node)?;
        match get(doc, d, b"Kids")? {
            Object::Array(a) => a.iter().map(|o| o.as_reference().ok()).collect(),
            _ => None,
        }
    };
    let (Some(old_kids), Some(new_kids)) = (kids_of(p.old, old_node), kids_of(p.new, new_node))
    else {
        return Err(bad("no /Kids in a page tree node"));
    };
    if old_kids != new_kids {
        return Err(bad("unexpected change to the page tree structure"));
    }
    for kid in old_kids {
        if *budget == 0 {
            return Err(bad("too many pages"));
        }
        *budget -= 1;
        if !seen.insert(kid) {
            return Err(bad("circular reference in the page tree"));
        }
        let (Some(old_kid), Some(new_kid)) = (p.old.objects.get(&kid), p.new.objects.get(&kid))
        else {
            continue;
        };
        let Some(old_dict) = dict_of(p.old, old_kid) else {
            continue;
        };
        match name(p.old, old_dict, b"Type") {
            Some(b"Pages") => {
                walk_page_annots(p, old_kid, new_kid, widgets, out, seen, depth + 1, budget)?
            }
            Some(b"Page") => page_annots(p, kid, widgets, out)?,
            _ => {}
        }
    }
    Ok(())
}

/// One page's `/Annots` in both revisions.
fn page_annots(
    p: &Pair<'_>,
    page: ObjectId,
    widgets: &HashMap<ObjectId, String>,
    out: &mut Vec<Approval>,
) -> Check<()> {
    let (Some(Object::Dictionary(old_page)), Some(Object::Dictionary(new_page))) =
        (p.old.objects.get(&page), p.new.objects.get(&page))
    else {
        return Ok(());
    };
    let Ok(new_raw) = new_page.get(b"Annots") else {
        return Ok(());
    };
    let refs = |doc: &Document, raw: &Object| -> Check<BTreeSet<ObjectId>> {
        match resolve(doc, raw) {
            Some(Object::Array(a)) => a
                .iter()
                .map(|o| {
                    o.as_reference().map_err(|_| {
                        Suspicious::new(
                            Some(page),
                            Subject::AnnotationList,
                            "/Annots contains direct objects",
                        )
                    })
                })
                .collect(),
            _ => Err(Suspicious::new(
                Some(page),
                Subject::AnnotationList,
                "/Annots is not an array",
            )),
        }
    };
    let new_annots = refs(p.new, new_raw)?;
    let new_annots_ref = new_raw.as_reference().ok();
    let (old_annots, old_annots_ref) = match old_page.get(b"Annots").ok() {
        Some(raw) => (refs(p.old, raw)?, raw.as_reference().ok()),
        None => (BTreeSet::new(), None),
    };
    if old_annots == new_annots {
        return Ok(());
    }
    let deleted: Vec<&ObjectId> = old_annots.difference(&new_annots).collect();
    let added: Vec<&ObjectId> = new_annots.difference(&old_annots).collect();
    let markup = |doc: &Document, id: &ObjectId| {
        object_dict(doc, *id).is_some_and(|d| {
            !d.has(b"FT") && name(doc, d, b"Subtype").is_some_and(|s| s != b"Widget")
        })
    };
    let mut level = ModificationLevel::LtaUpdates;
    if let Some(first) = deleted.first() {
        if !deleted.iter().all(|id| markup(p.old, id)) {
            return Err(Suspicious::new(
                Some(**first),
                Subject::AnnotationList,
                format!("annotation {} {} was deleted", first.0, first.1),
            ));
        }
        level = ModificationLevel::Annotations;
    }
    let unknown: Vec<&&ObjectId> = added
        .iter()
        .filter(|id| !widgets.contains_key(**id))
        .collect();
    if let Some(first) = unknown.first() {
        if !unknown.iter().all(|id| markup(p.new, id)) {
            return Err(Suspicious::new(
                Some(***first),
                Subject::AnnotationList,
                format!(
                    "the newly added annotation {} {} was not recognised",
                    first.0, first.1
                ),
            ));
        }
        level = ModificationLevel::Annotations;
        for id in &unknown {
            out.push(Approval::new(
                ***id,
                level,
                Subject::Annotation,
                "annotation added",
            ));
            for dep in new_dependencies(p.new, p.old, &Object::Reference(***id)) {
                out.push(Approval::new(
                    dep,
                    level,
                    Subject::Annotation,
                    "annotation appearance or popup",
                ));
            }
        }
    }
    let differ = differing_keys(old_page, new_page, &[b"Annots"]);
    if !differ.is_empty() {
        return Err(Suspicious::new(
            Some(page),
            Subject::Page,
            format!("page changed beyond its annotations: {}", differ.join(", ")),
        ));
    }
    let field = match added.as_slice() {
        [only] => widgets.get(*only).cloned(),
        _ => None,
    };
    let mut a = Approval::new(
        page,
        level,
        Subject::Page,
        "signature widget added to the page",
    );
    a.field = field.clone();
    out.push(a);
    if let Some(arr) = new_annots_ref
        && (old_annots_ref == Some(arr) || unassignable(p.old_size, arr))
    {
        let mut a = Approval::new(
            arr,
            level,
            Subject::AnnotationList,
            "signature widget added to the page",
        )
        .at(Ctx::At(Referrer::new(
            Holder::Object(page),
            vec![key(b"Annots")],
        )));
        a.field = field;
        out.push(a);
    }
    Ok(())
}

/// Where annotations sit in the signed revision's page tree: annotation → the places in
/// `/Annots` arrays that hold it.
struct AnnotIndex {
    places: HashMap<ObjectId, Vec<Referrer>>,
    has_struct_tree: bool,
}

impl AnnotIndex {
    fn of(doc: &Document) -> Self {
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

/// The places a field is expected to be used from in the signed revision: the `/Annots`
/// arrays of pages, its slot in `/Fields` or its parent's `/Kids`, and a structure element's
/// object reference (pyHanko's `FieldComparisonSpec.expected_contexts`).
fn expected_contexts(p: &Pair<'_>, listed: &Listed, annots: &AnnotIndex) -> Vec<Ctx> {
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
fn compare_fields(old: &Dictionary, new: &Dictionary, id: ObjectId) -> Check<bool> {
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

/// Signing an existing or new signature field (pyHanko's `SigFieldModificationRule`): the
/// field may gain `/V` and an appearance; its signature dictionary must be a new object; a
/// document timestamp without appearance is `LtaUpdates`, anything else `FormFilling`.
fn sig_field_modification(
    p: &Pair<'_>,
    name_: &str,
    spec: &Spec,
    annots: &AnnotIndex,
    out: &mut Vec<Approval>,
) -> Check<()> {
    let lta = ModificationLevel::LtaUpdates;
    let ff = ModificationLevel::FormFilling;
    let Some(new) = &spec.new else { return Ok(()) };
    let Some(Object::Dictionary(new_field)) = p.new.objects.get(&new.id) else {
        return Ok(());
    };
    let now_signed = new_field.has(b"V");
    if let Some(old) = &spec.old {
        let Some(Object::Dictionary(old_field)) = p.old.objects.get(&old.id) else {
            return Ok(());
        };
        let previously_signed = old_field.has(b"V");
        let lockable = compare_fields(old_field, new_field, new.id)?;
        let ctxs = expected_contexts(p, old, annots);
        if !previously_signed && now_signed {
            for ctx in ctxs {
                out.push(
                    Approval::new(
                        new.id,
                        lta,
                        Subject::SignatureField,
                        "signature field signed",
                    )
                    .at(ctx)
                    .field(name_, lockable),
                );
            }
            appearance_update(p, old_field, new_field, name_, out)?;
            in_place_appearance_update(p, old.id, old_field, new_field, name_, out);
        } else {
            if lockable {
                for ctx in ctxs {
                    out.push(
                        Approval::new(
                            new.id,
                            lta,
                            Subject::SignatureField,
                            "signature field flags",
                        )
                        .at(ctx)
                        .field(name_, true),
                    );
                }
            }
            // A signed field's signature must not change; if it did, nothing approves it.
            return Ok(());
        }
    }
    if !now_signed {
        return Ok(());
    }
    let Ok(Object::Reference(value)) = new_field.get(b"V") else {
        return Err(Suspicious::new(
            Some(new.id),
            Subject::SignatureField,
            format!("the value of signature field {name_} should be an indirect reference"),
        ));
    };
    if !unassignable(p.old_size, *value) {
        return Err(Suspicious::new(
            Some(*value),
            Subject::SignatureValue,
            format!(
                "the value of signature field {name_} is an object the signed revision already had"
            ),
        ));
    }
    let Some(Object::Dictionary(sig)) = p.new.objects.get(value) else {
        return Err(Suspicious::new(
            Some(*value),
            Subject::SignatureValue,
            format!("the value of signature field {name_} is not a dictionary"),
        ));
    };
    let visible = field_visible(p.new, new_field);
    // A document timestamp is `/Type /DocTimeStamp` with `/SubFilter /ETSI.RFC3161`
    // (ISO 32000-2 §12.8.5). pyHanko looks at `/Type` only; arkivar accepts either, since a
    // dictionary may carry `/Type` twice (seen: `/DocTimeStamp` then `/Sig`) and an RFC 3161
    // token cannot be anyone's signature.
    let timestamp = sig.get(b"Type").ok().and_then(|t| t.as_name().ok())
        == Some(b"DocTimeStamp".as_slice())
        || sig.get(b"SubFilter").ok().and_then(|t| t.as_name().ok())
            == Some(b"ETSI.RFC3161".as_slice());
    // ISO 32000-2 §12.8.5 recommends document timestamps without appearance; those are
    // long-term validation, any other signature is form filling.
    let (level, lockable) = if timestamp && !visible {
        (lta, true)
    } else {
        (ff, false)
    };
    out.push(
        Approval::new(*value, level, Subject::SignatureValue, "new signature")
            .field(name_, lockable),
    );
    // Acrobat writes /TransformParams of signature references as indirect objects.
    if let Some(Object::Array(refs)) = get(p.new, sig, b"Reference") {
        for r in refs {
            if let Object::Dictionary(r) = r
                && let Some(tp) = raw_ref(r, b"TransformParams")
            {
                out.push(
                    Approval::new(
                        tp,
                        level,
                        Subject::SignatureValue,
                        "signature transform parameters",
                    )
                    .field(name_, false),
                );
            }
        }
    }
    Ok(())
}

/// Filling a field other than a signature field (pyHanko's `GenericFieldModificationRule`).
fn generic_field_modification(
    p: &Pair<'_>,
    name_: &str,
    spec: &Spec,
    annots: &AnnotIndex,
    out: &mut Vec<Approval>,
) -> Check<()> {
    let ff = ModificationLevel::FormFilling;
    let (Some(old), Some(new)) = (&spec.old, &spec.new) else {
        return Ok(());
    };
    let (Some(Object::Dictionary(old_field)), Some(Object::Dictionary(new_field))) =
        (p.old.objects.get(&old.id), p.new.objects.get(&new.id))
    else {
        return Ok(());
    };
    let lockable = compare_fields(old_field, new_field, new.id)?;
    for ctx in expected_contexts(p, old, annots) {
        out.push(
            Approval::new(new.id, ff, Subject::FormField, "form field filled")
                .at(ctx)
                .field(name_, lockable),
        );
    }
    appearance_update(p, old_field, new_field, name_, out)?;
    in_place_appearance_update(p, old.id, old_field, new_field, name_, out);
    let Ok(new_value) = new_field.get(b"V") else {
        return Ok(());
    };
    let changed = old_field
        .get(b"V")
        .ok()
        .is_none_or(|old_value| !same(old_value, new_value));
    if changed {
        for id in new_dependencies(p.new, p.old, new_value) {
            out.push(
                Approval::new(id, ff, Subject::FormField, "form field value").field(name_, false),
            );
        }
    }
    Ok(())
}

/// A new appearance: `/AP` may move to a new object or stay (not a stream); the streams it
/// points at that are new are part of the fill (pyHanko's `_allow_appearance_update`).
fn appearance_update(
    p: &Pair<'_>,
    old_field: &Dictionary,
    new_field: &Dictionary,
    name_: &str,
    out: &mut Vec<Approval>,
) -> Check<()> {
    let ff = ModificationLevel::FormFilling;
    let (old_ap, new_ap, ap_ref) = compare_key_refs(p, b"AP", old_field, new_field)?;
    if let Some(id) = ap_ref {
        out.push(
            Approval::new(id, ff, Subject::AppearanceStream, "appearance dictionary")
                .field(name_, false),
        );
    }
    let Some(new_ap) = new_ap else { return Ok(()) };
    let Object::Dictionary(new_ap) = new_ap else {
        return Err(Suspicious::new(
            ap_ref,
            Subject::AppearanceStream,
            "/AP should be a dictionary",
        ));
    };
    let mut checked = false;
    for k in [b"N".as_slice(), b"R", b"D"] {
        let Ok(stm) = new_ap.get(k) else { continue };
        for id in new_dependencies(p.new, p.old, stm) {
            out.push(
                Approval::new(id, ff, Subject::AppearanceStream, "new appearance stream")
                    .field(name_, false),
            );
        }
        if matches!(old_ap, Some(Object::Dictionary(_))) && !checked {
            // An appearance dictionary used by more than one field cannot be updated for one.
            if let Ok(Object::Reference(old_ap_ref)) = old_field.get(b"AP")
                && p.usages.of_ref(*old_ap_ref).is_some_and(|s| s.len() > 1)
            {
                return Err(Suspicious::new(
                    Some(*old_ap_ref),
                    Subject::AppearanceStream,
                    format!(
                        "an appearance dictionary of field {name_} is shared with other objects"
                    ),
                ));
            }
            checked = true;
        }
    }
    Ok(())
}

/// An appearance stream rewritten in place, for a field without appearance states: allowed
/// when nothing else uses it (pyHanko's `_allow_in_place_appearance_update`).
fn in_place_appearance_update(
    p: &Pair<'_>,
    old_id: ObjectId,
    old_field: &Dictionary,
    new_field: &Dictionary,
    name_: &str,
    out: &mut Vec<Approval>,
) {
    let ff = ModificationLevel::FormFilling;
    if old_field.has(b"AS") {
        return;
    }
    let (Ok(old_raw), Ok(new_raw)) = (old_field.get(b"AP"), new_field.get(b"AP")) else {
        return;
    };
    let (Some(Object::Dictionary(old_ap)), Some(Object::Dictionary(new_ap))) =
        (resolve(p.old, old_raw), resolve(p.new, new_raw))
    else {
        return;
    };
    for k in [b"N".as_slice(), b"R", b"D"] {
        let old_stm = raw_ref(old_ap, k);
        if old_stm.is_none() || old_stm != raw_ref(new_ap, k) {
            continue;
        }
        let Some(stm) = old_stm else { continue };
        if matches!((p.old.objects.get(&stm), p.new.objects.get(&stm)), (Some(a), Some(b)) if same(a, b))
        {
            continue;
        }
        let ctx = match old_raw {
            Object::Reference(ap) => Referrer::new(Holder::Object(*ap), vec![key(k)]),
            _ => Referrer::new(Holder::Object(old_id), vec![key(b"AP"), key(k)]),
        };
        out.push(
            Approval::new(
                stm,
                ff,
                Subject::AppearanceStream,
                "appearance stream updated in place",
            )
            .at(Ctx::At(ctx))
            .field(name_, false),
        );
        if let Some(obj) = p.new.objects.get(&stm) {
            for id in new_dependencies(p.new, p.old, obj) {
                out.push(
                    Approval::new(
                        id,
                        ff,
                        Subject::AppearanceStream,
                        "appearance stream resources",
                    )
                    .field(name_, false),
                );
            }
        }
    }
}
