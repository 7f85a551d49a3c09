//! Filling and signing fields that exist (pyHanko's `SigFieldModificationRule` and
//! `GenericFieldModificationRule`): a field may change only its value and appearance.

use lopdf::{Dictionary, Object, ObjectId};

use super::fields::{AnnotIndex, Spec, compare_fields, expected_contexts, field_visible};
use crate::signature::changes::facts::{ModificationLevel, Subject};
use crate::signature::changes::graph::{
    Holder, Referrer, get, key, new_dependencies, raw_ref, resolve, same, unassignable,
};
use crate::signature::changes::rule::{Approval, Check, Ctx, Pair, Suspicious, compare_key_refs};

/// Signing an existing or new signature field (pyHanko's `SigFieldModificationRule`): the
/// field may gain `/V` and an appearance; its signature dictionary must be a new object; a
/// document timestamp without appearance is `LtaUpdates`, anything else `FormFilling`.
pub(super) fn sig_field_modification(
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
pub(super) fn generic_field_modification(
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::signature::changes::fixture::{Revisions, SIGNED, ids_at};
    use crate::signature::changes::form::fields::Listed;

    /// Signed revision with `Sig1` still empty, so that a later revision can sign it.
    fn unsigned() -> Vec<(u32, &'static str)> {
        SIGNED
            .iter()
            .copied()
            .filter(|(n, _)| *n != 6 && *n != 7)
            .chain([(
                6,
                "<< /FT /Sig /T (Sig1) /Type /Annot /Subtype /Widget /Rect [0 0 0 0] /P 3 0 R /F 132 >>",
            )])
            .collect()
    }

    /// A field that both revisions list at the same place in `/Fields`.
    fn spec(id: ObjectId, field_type: &[u8]) -> Spec {
        let listed = |index: usize| Listed {
            field_type: Some(field_type.to_vec()),
            id,
            path: vec![
                key(b"Root"),
                key(b"AcroForm"),
                key(b"Fields"),
                crate::signature::changes::graph::Step::Index(index),
            ],
        };
        let index = if id == (6, 0) { 0 } else { 1 };
        Spec {
            field_type: Some(field_type.to_vec()),
            old: Some(listed(index)),
            new: Some(listed(index)),
        }
    }

    fn sign_with(value: &str) -> Revisions {
        Revisions::new(
            &unsigned(),
            &[
                (
                    6,
                    "<< /FT /Sig /T (Sig1) /V 9 0 R /Type /Annot /Subtype /Widget /Rect [0 0 0 0] /P 3 0 R /F 132 >>",
                ),
                (9, value),
            ],
        )
    }

    fn sign(r: &Revisions) -> Check<Vec<Approval>> {
        let mut out = Vec::new();
        let annots = AnnotIndex::of(&r.old);
        sig_field_modification(&r.pair(), "Sig1", &spec((6, 0), b"Sig"), &annots, &mut out)?;
        Ok(out)
    }

    #[test]
    fn signature_field_signed_is_form_filling() {
        let r = sign_with("<< /Type /Sig /SubFilter /adbe.pkcs7.detached /Contents <00> >>");
        let out = sign(&r).expect("signing is allowed");
        assert!(ids_at(&out, ModificationLevel::LtaUpdates).contains(&(6, 0)));
        assert_eq!(
            ids_at(&out, ModificationLevel::FormFilling),
            [(9, 0)].into()
        );
    }

    #[test]
    fn invisible_document_timestamp_is_lta_updates() {
        let r = sign_with("<< /Type /DocTimeStamp /SubFilter /ETSI.RFC3161 /Contents <00> >>");
        let out = sign(&r).expect("a timestamp is allowed");
        assert!(
            ids_at(&out, ModificationLevel::FormFilling).is_empty(),
            "{out:?}"
        );
        assert!(ids_at(&out, ModificationLevel::LtaUpdates).contains(&(9, 0)));
    }

    #[test]
    fn signature_value_in_an_object_the_signed_revision_had_is_suspicious() {
        let r = Revisions::new(
            &unsigned(),
            &[(
                6,
                "<< /FT /Sig /T (Sig1) /V 4 0 R /Type /Annot /Subtype /Widget /Rect [0 0 0 0] /P 3 0 R /F 132 >>",
            )],
        );
        let err = sign(&r).expect_err("object 4 is signed content");
        assert_eq!(err.subject, Subject::SignatureValue);
        assert!(err.reason.contains("already had"), "{err:?}");
    }

    #[test]
    fn text_field_filled_with_a_new_appearance_is_form_filling() {
        let r = Revisions::new(
            SIGNED,
            &[
                (
                    8,
                    "<< /FT /Tx /T (Name) /V (Anna) /AP << /N 9 0 R >> /Type /Annot /Subtype /Widget /Rect [10 10 100 30] /P 3 0 R >>",
                ),
                (
                    9,
                    "<< /Type /XObject /Subtype /Form /BBox [0 0 90 20] /Length 14 >>\nstream\nBT (Anna) Tj ET\nendstream",
                ),
            ],
        );
        let mut out = Vec::new();
        generic_field_modification(
            &r.pair(),
            "Name",
            &spec((8, 0), b"Tx"),
            &AnnotIndex::of(&r.old),
            &mut out,
        )
        .expect("filling is allowed");
        assert_eq!(
            ids_at(&out, ModificationLevel::FormFilling),
            [(8, 0), (9, 0)].into()
        );
        assert!(out.iter().all(|a| !a.valid_when_locked));
    }

    #[test]
    fn text_field_moved_is_suspicious() {
        let r = Revisions::new(
            SIGNED,
            &[(
                8,
                "<< /FT /Tx /T (Name) /V (Anna) /Type /Annot /Subtype /Widget /Rect [300 300 400 330] /P 3 0 R >>",
            )],
        );
        let err = generic_field_modification(
            &r.pair(),
            "Name",
            &spec((8, 0), b"Tx"),
            &AnnotIndex::of(&r.old),
            &mut Vec::new(),
        )
        .expect_err("/Rect changed");
        assert!(err.reason.contains("Rect"), "{err:?}");
    }

    #[test]
    fn appearance_shared_with_another_field_is_suspicious() {
        let signed: Vec<(u32, &str)> = SIGNED
            .iter()
            .copied()
            .filter(|(n, _)| *n != 6 && *n != 8)
            .chain([
                (
                    6,
                    "<< /FT /Sig /T (Sig1) /V 7 0 R /AP 10 0 R /Type /Annot /Subtype /Widget /Rect [0 0 0 0] /P 3 0 R /F 132 >>",
                ),
                (
                    8,
                    "<< /FT /Tx /T (Name) /AP 10 0 R /Type /Annot /Subtype /Widget /Rect [10 10 100 30] /P 3 0 R >>",
                ),
                (10, "<< /N 11 0 R >>"),
                (11, "<< /Length 0 >>\nstream\n\nendstream"),
            ])
            .collect();
        let r = Revisions::new(
            &signed,
            &[
                (10, "<< /N 12 0 R >>"),
                (12, "<< /Length 3 >>\nstream\nnew\nendstream"),
                (
                    8,
                    "<< /FT /Tx /T (Name) /V (Anna) /AP 10 0 R /Type /Annot /Subtype /Widget /Rect [10 10 100 30] /P 3 0 R >>",
                ),
            ],
        );
        let err = generic_field_modification(
            &r.pair(),
            "Name",
            &spec((8, 0), b"Tx"),
            &AnnotIndex::of(&r.old),
            &mut Vec::new(),
        )
        .expect_err("the appearance is shared");
        assert!(err.reason.contains("shared"), "{err:?}");
    }
}
