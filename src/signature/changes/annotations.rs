//! Annotations other than widgets, added, changed or removed after signing: `Annotations`
//! (ISO 32000-2 §12.8.2.2, `/P 3`). pyHanko has no such rule and calls these changes
//! suspicious; arkivar grades them, after the other rules, over what they left unexplained.

use std::collections::HashSet;

use lopdf::{Dictionary, Document, Object, ObjectId};

use super::facts::{ModificationLevel, Subject};
use super::graph::{
    Holder, Referrer, differing_keys, key, name, new_dependencies, object_dict, page_ids, resolve,
    unassignable,
};
use super::rule::{Approval, Ctx, Pair};

/// True for an annotation that is not a form field's widget (ISO 32000-2 §12.5.6).
fn is_markup_annotation(doc: &Document, id: ObjectId) -> bool {
    let Some(d) = object_dict(doc, id) else {
        return false;
    };
    let subtype = name(doc, d, b"Subtype");
    let typed = d.get(b"Type").ok().and_then(|t| t.as_name().ok());
    (typed == Some(b"Annot".as_slice()) || (subtype.is_some() && d.has(b"Rect")))
        && subtype.is_some_and(|s| s != b"Widget")
        && !d.has(b"FT")
}

/// Annotations that are not widgets, added, changed or removed on a page whose dictionary is
/// otherwise unchanged: `Annotations` (ISO 32000-2 §12.8.2.2, `/P 3`). pyHanko has no such
/// rule and calls these changes suspicious; arkivar grades them.
pub(super) fn annotation_pass(p: &Pair<'_>, unexplained: &[ObjectId]) -> Vec<Approval> {
    let level = ModificationLevel::Annotations;
    let mut out = Vec::new();
    let pending: HashSet<ObjectId> = unexplained.iter().copied().collect();
    let annots_of =
        |doc: &Document, page: &Dictionary| -> Option<(Option<ObjectId>, Vec<ObjectId>)> {
            let raw = page.get(b"Annots").ok()?;
            let list = match resolve(doc, raw)? {
                Object::Array(a) => a.iter().filter_map(|o| o.as_reference().ok()).collect(),
                _ => Vec::new(),
            };
            Some((raw.as_reference().ok(), list))
        };
    for page_id in page_ids(p.new) {
        let (Some(Object::Dictionary(new_page)), Some(Object::Dictionary(old_page))) =
            (p.new.objects.get(&page_id), p.old.objects.get(&page_id))
        else {
            continue;
        };
        let (new_arr, new_list) = annots_of(p.new, new_page).unwrap_or((None, Vec::new()));
        let (old_arr, old_list) = annots_of(p.old, old_page).unwrap_or((None, Vec::new()));
        let touched = pending.contains(&page_id) || new_arr.is_some_and(|a| pending.contains(&a));
        if !touched || !differing_keys(old_page, new_page, &[b"Annots"]).is_empty() {
            continue;
        }
        let old_set: HashSet<ObjectId> = old_list.iter().copied().collect();
        let new_set: HashSet<ObjectId> = new_list.iter().copied().collect();
        let added: Vec<ObjectId> = new_set.difference(&old_set).copied().collect();
        let removed: Vec<ObjectId> = old_set.difference(&new_set).copied().collect();
        if !added.iter().all(|id| is_markup_annotation(p.new, *id))
            || !removed.iter().all(|id| is_markup_annotation(p.old, *id))
        {
            continue;
        }
        out.push(Approval::new(
            page_id,
            level,
            Subject::Page,
            "page annotation list changed",
        ));
        if let Some(arr) = new_arr
            && (old_arr == Some(arr) || unassignable(p.old_size, arr))
        {
            out.push(
                Approval::new(
                    arr,
                    level,
                    Subject::AnnotationList,
                    "page annotation list changed",
                )
                .at(Ctx::At(Referrer::new(
                    Holder::Object(page_id),
                    vec![key(b"Annots")],
                ))),
            );
        }
        for id in added {
            out.push(Approval::new(
                id,
                level,
                Subject::Annotation,
                "annotation added",
            ));
            for dep in new_dependencies(p.new, p.old, &Object::Reference(id)) {
                out.push(Approval::new(
                    dep,
                    level,
                    Subject::Annotation,
                    "annotation appearance or popup",
                ));
            }
        }
    }
    for id in unexplained {
        if p.old.objects.contains_key(id)
            && is_markup_annotation(p.old, *id)
            && is_markup_annotation(p.new, *id)
        {
            out.push(Approval::new(
                *id,
                level,
                Subject::Annotation,
                "annotation changed",
            ));
            if let Some(obj) = p.new.objects.get(id) {
                for dep in new_dependencies(p.new, p.old, obj) {
                    out.push(Approval::new(
                        dep,
                        level,
                        Subject::Annotation,
                        "annotation appearance or popup",
                    ));
                }
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::signature::changes::fixture::{Revisions, SIGNED, ids_at};

    const NOTE: &str =
        "<< /Type /Annot /Subtype /Text /Rect [300 300 320 320] /Contents (Ser bra ut) >>";

    #[test]
    fn sticky_note_added_to_a_page_is_annotations() {
        let r = Revisions::new(
            SIGNED,
            &[
                (
                    3,
                    "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R /Annots [6 0 R 8 0 R 9 0 R] >>",
                ),
                (9, NOTE),
            ],
        );
        let out = annotation_pass(&r.pair(), &[(3, 0), (9, 0)]);
        assert_eq!(
            ids_at(&out, ModificationLevel::Annotations),
            [(3, 0), (9, 0)].into()
        );
    }

    #[test]
    fn sticky_note_added_while_the_page_changes_otherwise_is_not_annotations() {
        let r = Revisions::new(
            SIGNED,
            &[
                (
                    3,
                    "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 842 595] /Contents 4 0 R /Annots [6 0 R 8 0 R 9 0 R] >>",
                ),
                (9, NOTE),
            ],
        );
        assert!(annotation_pass(&r.pair(), &[(3, 0), (9, 0)]).is_empty());
    }

    #[test]
    fn widget_added_to_a_page_is_not_an_annotation_change() {
        let r = Revisions::new(
            SIGNED,
            &[
                (
                    3,
                    "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R /Annots [6 0 R 8 0 R 9 0 R] >>",
                ),
                (
                    9,
                    "<< /Type /Annot /Subtype /Widget /Rect [300 300 320 320] >>",
                ),
            ],
        );
        assert!(annotation_pass(&r.pair(), &[(3, 0), (9, 0)]).is_empty());
    }

    #[test]
    fn sticky_note_edited_is_annotations() {
        let signed: Vec<(u32, &str)> = SIGNED
            .iter()
            .copied()
            .filter(|(n, _)| *n != 3)
            .chain([
                (
                    3,
                    "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R /Annots [6 0 R 8 0 R 9 0 R] >>",
                ),
                (9, NOTE),
            ])
            .collect();
        let r = Revisions::new(
            &signed,
            &[(
                9,
                "<< /Type /Annot /Subtype /Text /Rect [300 300 320 320] /Contents (Godkänt) >>",
            )],
        );
        assert_eq!(
            ids_at(
                &annotation_pass(&r.pair(), &[(9, 0)]),
                ModificationLevel::Annotations
            ),
            [(9, 0)].into()
        );
        assert!(
            annotation_pass(&r.pair(), &[(8, 0)]).is_empty(),
            "a form field is no markup annotation"
        );
    }
}
