//! The whitelist: which objects a later revision may write, and at what level. This file
//! composes the rules and adds up what they approve.
//!
//! This follows pyHanko's standard difference policy (`sign/diff_analysis/policies.py`),
//! because that is the peer arkivar is compared with: every entry of the later revision's
//! cross-reference section must be explained by a rule, relative to the *signed* revision
//! (not the previous one); anything left unexplained makes the revision `Other`. The rules,
//! one family per file:
//!
//! * [`super::catalog`]: the catalog may change only in `/AcroForm`, `/DSS`, `/Extensions`,
//!   `/Metadata`, `/MarkInfo` and `/Version` (ISO 32000-2 §12.8.2.2: DocMDP permits signing,
//!   form filling and, at `/P 3`, annotations — nothing that rewrites the document's
//!   structure); `/Info` may be replaced; `/Metadata` may be replaced by well-formed XMP;
//! * [`super::dss`]: the DSS (ISO 32000-2 §12.8.4.3) may grow, but its existing VRI entries
//!   may not change;
//! * [`super::bookkeeping`]: new cross-reference streams and object streams are bookkeeping;
//!   new objects nothing reaches (orphans) change nothing that is displayed;
//! * [`super::form`]: filling fields and signing;
//! * [`super::annotations`]: pyHanko has no rule for annotations; arkivar adds one so that a
//!   sticky note is `Annotations`, not `Other` (§12.8.2.2, `/P 3`). It runs last, over what
//!   the others left unexplained.
//!
//! Here: an object rewritten with its signed value is no change, a freed object is never
//! explained, and an object the signed revision used is explained once every place it was
//! used from is cleared (see [`super::rule`]).

use std::collections::{BTreeSet, HashMap, HashSet};

use lopdf::{Document, Object, ObjectId};

use super::annotations::annotation_pass;
use super::bookkeeping::{bookkeeping_rule, orphans};
use super::catalog::{catalog_rule, info_rule, metadata_rule};
use super::dss::dss_rule;
use super::facts::{ModificationLevel, Subject};
use super::form::form_rule;
use super::graph::{Referrer, name, same};
use super::rule::{Approval, Check, Ctx, Pair, SigTerms, Suspicious};
use super::views::Written;
use crate::signature::field::FieldLock;

/// A change found while comparing, before it is reported.
#[derive(Debug, Clone)]
pub(super) struct Found {
    pub id: Option<ObjectId>,
    pub subject: Subject,
    pub level: ModificationLevel,
    pub reason: String,
    pub field: Option<String>,
}

/// The result of comparing the signed revision with one later revision.
#[derive(Debug, Clone)]
pub(super) struct Outcome {
    pub level: ModificationLevel,
    pub found: Vec<Found>,
    /// Locked fields whose value changed.
    pub locked_fields: Vec<String>,
}

/// Compares the signed revision with one later revision.
pub(super) fn review(
    p: &Pair<'_>,
    prev: &Document,
    written: &Written,
    terms: SigTerms<'_>,
) -> Outcome {
    match review_checked(p, prev, written, terms) {
        Ok(outcome) => outcome,
        Err(s) => Outcome {
            level: ModificationLevel::Other,
            found: vec![Found {
                id: s.object,
                subject: s.subject,
                level: ModificationLevel::Other,
                reason: s.reason,
                field: None,
            }],
            locked_fields: Vec::new(),
        },
    }
}

/// What is known about one object the revision wrote.
struct Entry {
    level: Option<ModificationLevel>,
    /// Places it was used from in the signed revision that no approval has cleared yet.
    pending: Option<HashSet<Referrer>>,
    pending_level: ModificationLevel,
    subject: Subject,
    reason: &'static str,
    field: Option<String>,
}

fn review_checked(
    p: &Pair<'_>,
    prev: &Document,
    written: &Written,
    terms: SigTerms<'_>,
) -> Check<Outcome> {
    // Freeing an object deletes signed content from what a reader shows, and lets a later
    // revision reuse its number for something else; pyHanko refuses every free entry. A free
    // entry for a number the previous revision never used deletes nothing (seen: a
    // cross-reference stream that lists itself as free), so arkivar passes over those.
    let freed: Vec<&ObjectId> = written
        .freed
        .iter()
        .filter(|(n, _)| {
            prev.objects
                .range((*n, 0)..=(*n, u16::MAX))
                .next()
                .is_some()
        })
        .collect();
    if let Some(first) = freed.first() {
        return Err(Suspicious::new(
            Some(**first),
            Subject::FreedObject,
            format!(
                "{} object(s) freed, e.g. {} {}; deleting objects is not a change a signature permits",
                freed.len(),
                first.0,
                first.1
            ),
        ));
    }
    let mut approvals = Vec::new();
    catalog_rule(p, &mut approvals)?;
    info_rule(p, &mut approvals)?;
    bookkeeping_rule(p, written, &mut approvals);
    dss_rule(p, &mut approvals)?;
    metadata_rule(p, &mut approvals)?;
    form_rule(p, &mut approvals)?;

    // The objects to explain: what the revision wrote, minus what it wrote back unchanged.
    let candidates: BTreeSet<ObjectId> = written
        .in_use
        .iter()
        .filter(|id| {
            !matches!(
                (p.old.objects.get(id), p.new.objects.get(id)),
                (Some(a), Some(b)) if same(a, b)
            )
        })
        .copied()
        .collect();

    let mut ledger: HashMap<ObjectId, Entry> = HashMap::new();
    for id in &candidates {
        ledger.insert(
            *id,
            Entry {
                level: None,
                pending: p.usages.of_ref(*id).cloned(),
                pending_level: ModificationLevel::None,
                subject: describe(p.new, *id),
                reason: "",
                field: None,
            },
        );
    }
    for id in orphans(prev, p.new, written) {
        if let Some(e) = ledger.get_mut(&id) {
            e.level = Some(ModificationLevel::LtaUpdates);
            e.subject = Subject::Orphan;
            e.reason = "new object nothing refers to";
        }
    }

    let mut locked_fields = BTreeSet::new();
    for a in &approvals {
        let Some(e) = ledger.get_mut(&a.id) else {
            continue;
        };
        if let Some(f) = &a.field
            && !a.valid_when_locked
            && terms.lock.is_some_and(|l| is_locked(l, f))
        {
            locked_fields.insert(f.clone());
        }
        if terms.certifying && !a.valid_when_certifying {
            return Err(Suspicious::new(
                Some(a.id),
                a.subject,
                "this change is only allowed after an approval signature, not a certification signature",
            ));
        }
        ingest(e, a);
    }
    if !locked_fields.is_empty() {
        // pyHanko raises on the first update of a locked field; arkivar reports them all.
        let fields: Vec<String> = locked_fields.into_iter().collect();
        return Ok(Outcome {
            level: ModificationLevel::Other,
            found: vec![Found {
                id: None,
                subject: Subject::FormField,
                level: ModificationLevel::Other,
                reason: format!("field(s) locked by FieldMDP changed: {}", fields.join(", ")),
                field: None,
            }],
            locked_fields: fields,
        });
    }

    let unexplained: Vec<ObjectId> = ledger
        .iter()
        .filter(|(_, e)| e.level.is_none())
        .map(|(id, _)| *id)
        .collect();
    if !unexplained.is_empty() {
        let extra = annotation_pass(p, &unexplained);
        for a in &extra {
            if let Some(e) = ledger.get_mut(&a.id) {
                ingest(e, a);
            }
        }
    }

    let mut found: Vec<Found> = ledger
        .into_iter()
        .map(|(id, e)| Found {
            id: Some(id),
            subject: e.subject,
            level: e.level.unwrap_or(ModificationLevel::Other),
            reason: match e.level {
                Some(_) => e.reason.to_owned(),
                None if e.pending.as_ref().is_some_and(|s| !s.is_empty())
                    && e.reason.is_empty() =>
                {
                    "changed, and no rule explains it".to_owned()
                }
                None if e.pending.as_ref().is_some_and(|s| !s.is_empty()) => format!(
                    "{}, but the object is also used elsewhere in the signed revision",
                    e.reason
                ),
                None => "changed, and no rule explains it".to_owned(),
            },
            field: e.field,
        })
        .collect();
    found.sort_by_key(|f| f.id);
    let level = found
        .iter()
        .map(|f| f.level)
        .max()
        .unwrap_or(ModificationLevel::LtaUpdates)
        .max(ModificationLevel::LtaUpdates);
    Ok(Outcome {
        level,
        found,
        locked_fields: Vec::new(),
    })
}

/// Records an approval (pyHanko's `ingest_ref`): an object the signed revision used is
/// explained once every place it was used from is cleared, at the highest level of the
/// approvals that cleared it; a new object at the lowest level any rule gives it.
fn ingest(e: &mut Entry, a: &Approval) {
    let level = match &mut e.pending {
        Some(pending) => {
            match &a.ctx {
                Ctx::Blanket => pending.clear(),
                Ctx::At(r) => {
                    pending.remove(r);
                }
                Ctx::Nowhere => {}
            }
            e.pending_level = e.pending_level.max(a.level);
            if !pending.is_empty() {
                if e.reason.is_empty() {
                    e.reason = a.reason;
                    e.subject = a.subject;
                }
                return;
            }
            e.pending_level
        }
        None => a.level,
    };
    if e.level.is_none_or(|l| level < l) {
        e.level = Some(level);
        e.subject = a.subject;
        e.reason = a.reason;
        if a.field.is_some() {
            e.field = a.field.clone();
        }
    }
}

/// Whether a FieldMDP lock covers a field (ISO 32000-2 §12.8.2.4, Table 257).
pub(super) fn is_locked(lock: &FieldLock, field: &str) -> bool {
    match lock {
        FieldLock::All => true,
        FieldLock::Include(names) => names.iter().any(|n| n == field),
        FieldLock::Exclude(names) => !names.iter().any(|n| n == field),
    }
}

/// A short description of an object for reports.
pub(super) fn describe(doc: &Document, id: ObjectId) -> Subject {
    let Some(obj) = doc.objects.get(&id) else {
        return Subject::Object;
    };
    let d = match obj {
        Object::Dictionary(d) => d,
        Object::Stream(s) => {
            return match s.dict.get(b"Type").ok().and_then(|t| t.as_name().ok()) {
                Some(b"XObject") => Subject::AppearanceStream,
                Some(b"Metadata") => Subject::XmpMetadata,
                Some(b"XRef") => Subject::XrefStream,
                Some(b"ObjStm") => Subject::ObjectStream,
                _ if s.dict.has(b"BBox") => Subject::AppearanceStream,
                _ if s.dict.has(b"Length1") || s.dict.has(b"Length2") => Subject::Font,
                _ => Subject::ContentStream,
            };
        }
        _ => return Subject::Object,
    };
    match d.get(b"Type").ok().and_then(|t| t.as_name().ok()) {
        Some(b"Catalog") => Subject::Catalog,
        Some(b"Page") => Subject::Page,
        Some(b"Pages") => Subject::PageTree,
        Some(b"Font" | b"FontDescriptor") => Subject::Font,
        Some(b"Sig" | b"DocTimeStamp") => Subject::SignatureValue,
        Some(b"Annot") if name(doc, d, b"Subtype") == Some(b"Widget") => Subject::Widget,
        Some(b"Annot") => Subject::Annotation,
        _ if d.has(b"FT") => Subject::FormField,
        _ if name(doc, d, b"Subtype") == Some(b"Widget") => Subject::Widget,
        _ if d.has(b"Subtype") && d.has(b"Rect") => Subject::Annotation,
        _ => Subject::Object,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::signature::changes::fixture::{APPROVAL, Revisions, SIGNED, stream};
    use crate::signature::changes::graph::{Holder, key};

    const FILLED: &str = "<< /FT /Tx /T (Name) /V (Anna) /Type /Annot /Subtype /Widget /Rect [10 10 100 30] /P 3 0 R >>";

    fn review_of(r: &Revisions, terms: SigTerms<'_>) -> Outcome {
        review(&r.pair(), &r.old, &r.written, terms)
    }

    #[test]
    fn object_freed_after_signing_is_other() {
        let mut r = Revisions::new(SIGNED, &[]);
        r.written.freed.insert((4, 0));
        let out = review_of(&r, APPROVAL);
        assert_eq!(out.level, ModificationLevel::Other);
        assert_eq!(out.found[0].subject, Subject::FreedObject);
    }

    #[test]
    fn free_entry_for_a_number_never_used_frees_nothing() {
        let mut r = Revisions::new(SIGNED, &[]);
        r.written.freed.insert((30, 0));
        let out = review_of(&r, APPROVAL);
        assert_eq!(out.level, ModificationLevel::LtaUpdates, "{:?}", out.found);
    }

    #[test]
    fn object_written_back_unchanged_is_no_change() {
        let r = Revisions::new(SIGNED, &[(4, SIGNED[3].1)]);
        let out = review_of(&r, APPROVAL);
        assert_eq!(out.level, ModificationLevel::LtaUpdates);
        assert!(out.found.is_empty(), "{:?}", out.found);
    }

    #[test]
    fn content_stream_replaced_is_other_and_unexplained() {
        let forged = stream("", "BT (Forfalskat) Tj ET");
        let r = Revisions::new(SIGNED, &[(4, &forged)]);
        let out = review_of(&r, APPROVAL);
        assert_eq!(out.level, ModificationLevel::Other);
        assert_eq!(out.found[0].reason, "changed, and no rule explains it");
    }

    #[test]
    fn locked_field_filled_is_reported_by_name() {
        let r = Revisions::new(SIGNED, &[(8, FILLED)]);
        let lock = FieldLock::Include(vec!["Name".into()]);
        let out = review_of(
            &r,
            SigTerms {
                certifying: false,
                lock: Some(&lock),
            },
        );
        assert_eq!(out.level, ModificationLevel::Other);
        assert_eq!(out.locked_fields, ["Name"]);
    }

    #[test]
    fn field_outside_the_lock_filled_is_form_filling() {
        let r = Revisions::new(SIGNED, &[(8, FILLED)]);
        let lock = FieldLock::Include(vec!["Other".into()]);
        let out = review_of(
            &r,
            SigTerms {
                certifying: false,
                lock: Some(&lock),
            },
        );
        assert_eq!(out.level, ModificationLevel::FormFilling, "{:?}", out.found);
        assert!(out.locked_fields.is_empty());
    }

    #[test]
    fn visible_signature_field_after_certification_is_other() {
        let changed = [
            (5, "<< /Fields [6 0 R 8 0 R 9 0 R] /SigFlags 3 >>"),
            (
                3,
                "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R /Annots [6 0 R 8 0 R 9 0 R] >>",
            ),
            (
                9,
                "<< /FT /Sig /T (Sig2) /Type /Annot /Subtype /Widget /Rect [300 50 500 100] /P 3 0 R >>",
            ),
        ];
        let r = Revisions::new(SIGNED, &changed);
        let certifying = SigTerms {
            certifying: true,
            lock: None,
        };
        let out = review_of(&r, certifying);
        assert_eq!(out.level, ModificationLevel::Other);
        assert!(
            out.found[0]
                .reason
                .contains("only allowed after an approval"),
            "{:?}",
            out.found
        );
        assert_eq!(
            review_of(&r, APPROVAL).level,
            ModificationLevel::FormFilling
        );
    }

    #[test]
    fn object_used_from_two_places_needs_both_cleared() {
        let form = Referrer::new(Holder::Object((5, 0)), vec![key(b"Fields")]);
        let page = Referrer::new(Holder::Object((3, 0)), vec![key(b"Annots")]);
        let mut e = Entry {
            level: None,
            pending: Some([form.clone(), page.clone()].into()),
            pending_level: ModificationLevel::None,
            subject: Subject::Object,
            reason: "",
            field: None,
        };
        let at = |r: &Referrer| {
            Approval::new(
                (8, 0),
                ModificationLevel::FormFilling,
                Subject::FormField,
                "filled",
            )
            .at(Ctx::At(r.clone()))
        };
        ingest(&mut e, &at(&form));
        assert_eq!(e.level, None, "still used from the page");
        ingest(&mut e, &at(&page));
        assert_eq!(e.level, Some(ModificationLevel::FormFilling));
    }

    #[test]
    fn new_object_takes_the_lowest_level_any_rule_gives() {
        let mut e = Entry {
            level: None,
            pending: None,
            pending_level: ModificationLevel::None,
            subject: Subject::Object,
            reason: "",
            field: None,
        };
        for level in [
            ModificationLevel::FormFilling,
            ModificationLevel::LtaUpdates,
        ] {
            ingest(
                &mut e,
                &Approval::new((9, 0), level, Subject::Object, "new"),
            );
        }
        assert_eq!(e.level, Some(ModificationLevel::LtaUpdates));
    }

    #[test]
    fn fieldmdp_lock_covers_fields_as_table_257_says() {
        assert!(is_locked(&FieldLock::All, "Name"));
        assert!(is_locked(&FieldLock::Include(vec!["Name".into()]), "Name"));
        assert!(!is_locked(
            &FieldLock::Include(vec!["Name".into()]),
            "Other"
        ));
        assert!(!is_locked(&FieldLock::Exclude(vec!["Name".into()]), "Name"));
        assert!(is_locked(&FieldLock::Exclude(vec!["Name".into()]), "Other"));
    }

    #[test]
    fn objects_are_described_by_type() {
        let r = Revisions::new(SIGNED, &[]);
        let of = |n| describe(&r.old, (n, 0));
        assert_eq!(
            [of(1), of(2), of(3), of(4), of(6), of(7), of(40)],
            [
                Subject::Catalog,
                Subject::PageTree,
                Subject::Page,
                Subject::ContentStream,
                Subject::Widget,
                Subject::SignatureValue,
                Subject::Object
            ]
        );
    }
}
