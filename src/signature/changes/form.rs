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
//!
//! The listing of fields and what field rules share is [`fields`]; creating signature fields
//! (and their widgets on the pages) is [`creation`]; filling and signing fields is
//! [`filling`].

mod creation;
mod fields;
mod filling;

use std::collections::BTreeMap;

use lopdf::Object;

use super::facts::{ModificationLevel, Subject};
use super::graph::{catalog, key, new_dependencies};
use super::rule::{Approval, Check, Pair, Suspicious, compare_dicts, compare_key_refs, path_ctx};
use creation::sig_field_creation;
use fields::{AnnotIndex, Spec, list_fields};
use filling::{generic_field_modification, sig_field_modification};

/// AcroForm keys a later revision may change (pyHanko's `ACROFORM_EXEMPT_STRICT_COMPARISON`);
/// `/Fields` and `/DR` are vetted separately.
const ACROFORM_EXEMPT: &[&[u8]] = &[b"Fields", b"DR", b"DA", b"Q", b"NeedAppearances"];

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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::signature::changes::fixture::{Revisions, SIGNED, ids_at};

    #[test]
    fn text_field_filled_is_form_filling() {
        let r = Revisions::new(
            SIGNED,
            &[(
                8,
                "<< /FT /Tx /T (Name) /V (Anna) /Type /Annot /Subtype /Widget /Rect [10 10 100 30] /P 3 0 R >>",
            )],
        );
        let mut out = Vec::new();
        form_rule(&r.pair(), &mut out).expect("filling is allowed");
        assert!(ids_at(&out, ModificationLevel::FormFilling).contains(&(8, 0)));
    }

    #[test]
    fn text_field_added_is_suspicious() {
        let r = Revisions::new(
            SIGNED,
            &[
                (5, "<< /Fields [6 0 R 8 0 R 9 0 R] /SigFlags 3 >>"),
                (
                    9,
                    "<< /FT /Tx /T (Belopp) /V (1000000) /Rect [10 40 100 60] >>",
                ),
            ],
        );
        let err = form_rule(&r.pair(), &mut Vec::new()).expect_err("only signature fields");
        assert!(err.reason.contains("Belopp"), "{err:?}");
    }

    #[test]
    fn acroform_changed_beyond_its_exempt_keys_is_suspicious() {
        let r = Revisions::new(
            SIGNED,
            &[(5, "<< /Fields [6 0 R 8 0 R] /SigFlags 3 /XFA 9 0 R >>")],
        );
        let err = form_rule(&r.pair(), &mut Vec::new()).expect_err("/XFA");
        assert_eq!(err.subject, Subject::AcroForm);
        let r = Revisions::new(
            SIGNED,
            &[(
                5,
                "<< /Fields [6 0 R 8 0 R] /SigFlags 3 /NeedAppearances true >>",
            )],
        );
        form_rule(&r.pair(), &mut Vec::new()).expect("an exempt key");
    }

    #[test]
    fn field_changing_type_is_suspicious() {
        let r = Revisions::new(
            SIGNED,
            &[(
                8,
                "<< /FT /Ch /T (Name) /Type /Annot /Subtype /Widget /Rect [10 10 100 30] /P 3 0 R >>",
            )],
        );
        let err = form_rule(&r.pair(), &mut Vec::new()).expect_err("a new type");
        assert!(err.reason.contains("changed the type"), "{err:?}");
    }

    #[test]
    fn document_without_a_form_has_no_form_change() {
        let bare: Vec<(u32, &str)> = SIGNED
            .iter()
            .copied()
            .filter(|(n, _)| *n != 1)
            .chain([(1, "<< /Type /Catalog /Pages 2 0 R >>")])
            .collect();
        let r = Revisions::new(&bare, &[(9, "<< /Producer (x) >>")]);
        let mut out = Vec::new();
        form_rule(&r.pair(), &mut out).expect("nothing to vet");
        assert!(out.is_empty(), "{out:?}");
    }
}
