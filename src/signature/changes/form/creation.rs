//! New signature fields (pyHanko's `SigFieldCreationRule`): only signature fields may be
//! created, none deleted, and the pages may gain their widgets in `/Annots`.

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};

use lopdf::{Dictionary, Document, Object, ObjectId};

use super::fields::{Listed, Spec, field_visible};
use crate::signature::changes::facts::{ModificationLevel, Subject};
use crate::signature::changes::graph::{
    Holder, MAX_PAGES, MAX_TREE_DEPTH, Referrer, catalog, dict_of, differing_keys, get, key, name,
    new_dependencies, object_dict, resolve, unassignable,
};
use crate::signature::changes::rule::{Approval, Check, Ctx, Pair, Suspicious};

/// New signature fields may be created (invisible: `LtaUpdates`, visible: `FormFilling`);
/// no other field may be created and none deleted; a new signature field's widgets may join
/// a page's `/Annots` (pyHanko's `SigFieldCreationRule`).
pub(super) fn sig_field_creation(
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::signature::changes::fixture::{Revisions, SIGNED, ids_at};
    use crate::signature::changes::form::fields::list_fields;

    /// The specs of every field in both revisions, as `form_rule` builds them.
    fn specs(r: &Revisions) -> Check<BTreeMap<String, Spec>> {
        let fields = |doc: &Document| {
            let mut out = BTreeMap::new();
            let list = catalog(doc)
                .and_then(|c| get(doc, c, b"AcroForm"))
                .and_then(|af| dict_of(doc, af))
                .and_then(|af| get(doc, af, b"Fields"));
            list_fields(doc, list, "", None, &[], &mut out, 0).map(|()| out)
        };
        let mut specs: BTreeMap<String, Spec> = BTreeMap::new();
        for (name, l) in fields(&r.old)? {
            specs.insert(
                name,
                Spec {
                    field_type: l.field_type.clone(),
                    old: Some(l),
                    new: None,
                },
            );
        }
        for (name, l) in fields(&r.new)? {
            let field_type = l.field_type.clone();
            specs
                .entry(name)
                .or_insert(Spec {
                    field_type,
                    old: None,
                    new: None,
                })
                .new = Some(l);
        }
        Ok(specs)
    }

    fn new_sig_field(rect: &str) -> Revisions {
        let field = format!(
            "<< /FT /Sig /T (Sig2) /Type /Annot /Subtype /Widget /Rect {rect} /P 3 0 R /F 132 >>"
        );
        Revisions::new(
            SIGNED,
            &[
                (5, "<< /Fields [6 0 R 8 0 R 9 0 R] /SigFlags 3 >>"),
                (
                    3,
                    "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R /Annots [6 0 R 8 0 R 9 0 R] >>",
                ),
                (9, field.as_str()),
            ],
        )
    }

    #[test]
    fn invisible_signature_field_added_is_lta_updates() {
        let r = new_sig_field("[0 0 0 0]");
        let mut out = Vec::new();
        sig_field_creation(&r.pair(), &specs(&r).expect("lists"), &mut out).expect("allowed");
        assert_eq!(
            ids_at(&out, ModificationLevel::LtaUpdates),
            [(3, 0), (9, 0)].into()
        );
        assert!(out.iter().all(|a| a.valid_when_certifying));
    }

    #[test]
    fn visible_signature_field_added_is_form_filling_and_not_after_certification() {
        let r = new_sig_field("[300 50 500 100]");
        let mut out = Vec::new();
        sig_field_creation(&r.pair(), &specs(&r).expect("lists"), &mut out).expect("allowed");
        let field = out.iter().find(|a| a.id == (9, 0)).expect("the field");
        assert_eq!(field.level, ModificationLevel::FormFilling);
        assert!(!field.valid_when_certifying);
    }

    #[test]
    fn field_deleted_after_signing_is_suspicious() {
        let r = Revisions::new(SIGNED, &[(5, "<< /Fields [6 0 R] /SigFlags 3 >>")]);
        let err = sig_field_creation(&r.pair(), &specs(&r).expect("lists"), &mut Vec::new())
            .expect_err("Name deleted");
        assert!(err.reason.contains("field Name was deleted"), "{err:?}");
    }

    #[test]
    fn page_changed_beyond_its_new_widget_is_suspicious() {
        let field =
            "<< /FT /Sig /T (Sig2) /Type /Annot /Subtype /Widget /Rect [0 0 0 0] /P 3 0 R >>";
        let r = Revisions::new(
            SIGNED,
            &[
                (5, "<< /Fields [6 0 R 8 0 R 9 0 R] /SigFlags 3 >>"),
                (
                    3,
                    "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 10 0 R /Annots [6 0 R 8 0 R 9 0 R] >>",
                ),
                (9, field),
                (10, "<< /Length 0 >>\nstream\n\nendstream"),
            ],
        );
        let err = sig_field_creation(&r.pair(), &specs(&r).expect("lists"), &mut Vec::new())
            .expect_err("/Contents changed");
        assert_eq!(err.subject, Subject::Page);
        assert!(err.reason.contains("Contents"), "{err:?}");
    }
}
