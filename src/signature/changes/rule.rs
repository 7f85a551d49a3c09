//! The rule framework: what a rule sees (a [`Pair`]: the signed revision and one later
//! revision), what it returns (an [`Approval`] for each object it explains, or the first
//! [`Suspicious`] change, which ends the revision), and the checks several rules share.
//!
//! An object the signed revision already had is approved per place it is used from (a
//! [`Referrer`](super::graph::Referrer), carried in [`Ctx`]): an update that is explained along
//! one path but also reachable along an unchecked one stays unexplained. That is what catches
//! an object shared between the form and the page content. How approvals add up is
//! [`super::policy`]'s.

use lopdf::{Dictionary, Document, Object, ObjectId};

use super::facts::{ModificationLevel, Subject};
use super::graph::{Referrer, Step, Usages, differing_keys, referrer_at, resolve, unassignable};
use crate::signature::field::FieldLock;

/// How an approval clears an object the signed revision already had.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum Ctx {
    /// Every place it is used from (pyHanko's blanket approval).
    Blanket,
    /// Only this place.
    At(Referrer),
    /// A place that does not exist in the signed revision: clears nothing there.
    Nowhere,
}

/// The context of an absolute path from the trailer of the signed revision.
pub(super) fn path_ctx(old: &Document, path: &[Step]) -> Ctx {
    referrer_at(old, path).map_or(Ctx::Nowhere, Ctx::At)
}

/// One object a rule explains.
#[derive(Debug, Clone)]
pub(super) struct Approval {
    pub id: ObjectId,
    pub level: ModificationLevel,
    pub ctx: Ctx,
    pub subject: Subject,
    pub reason: &'static str,
    /// The form field it belongs to, when one does.
    pub field: Option<String>,
    /// False when the change fills the field, which a FieldMDP lock forbids.
    pub valid_when_locked: bool,
    /// False for a change that only an approval signature permits (pyHanko: a new visible
    /// signature field after a certification signature).
    pub valid_when_certifying: bool,
}

impl Approval {
    pub(super) fn new(
        id: ObjectId,
        level: ModificationLevel,
        subject: Subject,
        reason: &'static str,
    ) -> Self {
        Self {
            id,
            level,
            ctx: Ctx::Blanket,
            subject,
            reason,
            field: None,
            valid_when_locked: true,
            valid_when_certifying: true,
        }
    }

    pub(super) fn at(mut self, ctx: Ctx) -> Self {
        self.ctx = ctx;
        self
    }

    pub(super) fn field(mut self, field: &str, valid_when_locked: bool) -> Self {
        self.field = Some(field.to_owned());
        self.valid_when_locked = valid_when_locked;
        self
    }
}

/// A change no rule permits; ends the analysis of the revision (pyHanko's
/// `SuspiciousModification`).
#[derive(Debug, Clone)]
pub(super) struct Suspicious {
    pub object: Option<ObjectId>,
    pub subject: Subject,
    pub reason: String,
}

impl Suspicious {
    pub(super) fn new(
        object: Option<ObjectId>,
        subject: Subject,
        reason: impl Into<String>,
    ) -> Self {
        Self {
            object,
            subject,
            reason: reason.into(),
        }
    }
}

/// Rules return approvals or stop at the first suspicious change.
pub(super) type Check<T> = Result<T, Suspicious>;

/// What the rules see of one comparison: the signed revision and one later revision.
pub(super) struct Pair<'a> {
    pub old: &'a Document,
    pub new: &'a Document,
    /// The signed revision's size: an id at or above it is new.
    pub old_size: u32,
    pub usages: &'a Usages,
}

/// What the signature asks of the comparison.
#[derive(Debug, Clone, Copy)]
pub(super) struct SigTerms<'a> {
    /// The signature is a certification signature (has DocMDP).
    pub certifying: bool,
    /// Its FieldMDP lock.
    pub lock: Option<&'a FieldLock>,
}

/// `old[key]` vs `new[key]` where both dictionaries are the signed and the later version of
/// the same thing (pyHanko's `compare_key_refs`): a key may be added or its value replaced,
/// but a deleted key is suspicious, and an indirect value must keep its object (not a stream)
/// or move to a new one. Returns both values, dereferenced, and the approval for the new
/// reference.
pub(super) fn compare_key_refs<'d>(
    p: &Pair<'d>,
    k: &[u8],
    old_dict: &'d Dictionary,
    new_dict: &'d Dictionary,
) -> Check<(Option<&'d Object>, Option<&'d Object>, Option<ObjectId>)> {
    let old_raw = old_dict.get(k).ok();
    let old_ref = old_raw.and_then(|o| o.as_reference().ok());
    let old_value = old_raw.and_then(|o| resolve(p.old, o));
    let Some(new_raw) = new_dict.get(k).ok() else {
        if old_value.is_some() {
            return Err(Suspicious::new(
                None,
                Subject::Object,
                format!("/{} was deleted", String::from_utf8_lossy(k)),
            ));
        }
        return Ok((None, None, None));
    };
    let new_value = resolve(p.new, new_raw);
    let approved = match new_raw.as_reference().ok() {
        Some(new_ref) => Some(safe_whitelist(p, old_ref, new_ref)?),
        None => None,
    };
    Ok((old_value, new_value, approved))
}

/// An indirect value may stay where it was (if it is not a stream, whose data an update could
/// swap under an unchanged dictionary) or move to an object number the signed revision never
/// assigned (pyHanko's `safe_whitelist`).
pub(super) fn safe_whitelist(
    p: &Pair<'_>,
    old_ref: Option<ObjectId>,
    new_ref: ObjectId,
) -> Check<ObjectId> {
    let is_stream =
        |doc: &Document, id: ObjectId| matches!(doc.objects.get(&id), Some(Object::Stream(_)));
    if let Some(old_ref) = old_ref
        && is_stream(p.old, old_ref)
    {
        return Err(Suspicious::new(
            Some(old_ref),
            Subject::Object,
            "a stream was expected to be a dictionary",
        ));
    }
    if old_ref == Some(new_ref) {
        if is_stream(p.new, new_ref) {
            return Err(Suspicious::new(
                Some(new_ref),
                Subject::Object,
                "a dictionary was replaced by a stream",
            ));
        }
        return Ok(new_ref);
    }
    if unassignable(p.old_size, new_ref) {
        return Ok(new_ref);
    }
    Err(Suspicious::new(
        Some(new_ref),
        Subject::Object,
        format!(
            "the update clobbers or reuses object {} {} in an unexpected way",
            new_ref.0, new_ref.1
        ),
    ))
}

/// Two versions of a dictionary agree outside `ignored` (pyHanko's `compare_dicts`).
pub(super) fn compare_dicts(
    old: Option<&Object>,
    new: Option<&Object>,
    ignored: &[&[u8]],
    subject: Subject,
    id: Option<ObjectId>,
) -> Check<()> {
    let (Some(Object::Dictionary(old)), Some(Object::Dictionary(new))) = (old, new) else {
        return Err(Suspicious::new(
            id,
            subject,
            "a dictionary is missing or was replaced by something else",
        ));
    };
    let differ = differing_keys(old, new, ignored);
    if differ.is_empty() {
        Ok(())
    } else {
        Err(Suspicious::new(
            id,
            subject,
            format!("changed keys: {}", differ.join(", ")),
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::signature::changes::fixture::{Revisions, SIGNED, stream};
    use crate::signature::changes::graph::{catalog, key};

    fn catalogs(r: &Revisions) -> (&Dictionary, &Dictionary) {
        (
            catalog(&r.old).expect("old catalog"),
            catalog(&r.new).expect("new catalog"),
        )
    }

    #[test]
    fn key_deleted_after_signing_is_suspicious() {
        let r = Revisions::new(SIGNED, &[(1, "<< /Type /Catalog /Pages 2 0 R >>")]);
        let (old, new) = catalogs(&r);
        let err = compare_key_refs(&r.pair(), b"AcroForm", old, new).expect_err("deleted");
        assert!(err.reason.contains("/AcroForm was deleted"), "{err:?}");
    }

    #[test]
    fn key_moved_to_a_new_object_is_approved() {
        let r = Revisions::new(
            SIGNED,
            &[
                (1, "<< /Type /Catalog /Pages 2 0 R /AcroForm 9 0 R >>"),
                (9, "<< /Fields [6 0 R 8 0 R] /SigFlags 3 >>"),
            ],
        );
        let (old, new) = catalogs(&r);
        let (_, new_value, approved) =
            compare_key_refs(&r.pair(), b"AcroForm", old, new).expect("allowed");
        assert_eq!(approved, Some((9, 0)));
        assert!(matches!(new_value, Some(Object::Dictionary(_))));
    }

    #[test]
    fn value_moved_onto_a_number_the_signed_revision_used_is_suspicious() {
        let r = Revisions::new(
            SIGNED,
            &[(1, "<< /Type /Catalog /Pages 2 0 R /AcroForm 4 0 R >>")],
        );
        let err = safe_whitelist(&r.pair(), Some((5, 0)), (4, 0)).expect_err("clobbers");
        assert!(
            err.reason.contains("clobbers or reuses object 4 0"),
            "{err:?}"
        );
        assert_eq!(
            safe_whitelist(&r.pair(), Some((5, 0)), (5, 0)).expect("kept in place"),
            (5, 0)
        );
    }

    #[test]
    fn stream_kept_in_place_is_suspicious_where_a_dictionary_is_not() {
        let body = stream("/Type /Metadata", "<x/>");
        let r = Revisions::new(SIGNED, &[(4, &body)]);
        let err = safe_whitelist(&r.pair(), Some((4, 0)), (4, 0)).expect_err("a stream");
        assert!(err.reason.contains("stream"), "{err:?}");
        assert!(safe_whitelist(&r.pair(), Some((5, 0)), (5, 0)).is_ok());
    }

    #[test]
    fn dictionaries_differing_outside_the_ignored_keys_are_suspicious() {
        let old = Object::Dictionary(lopdf::dictionary! { "A" => 1, "B" => 2 });
        let new = Object::Dictionary(lopdf::dictionary! { "A" => 1, "B" => 3 });
        let err = compare_dicts(Some(&old), Some(&new), &[], Subject::Catalog, None)
            .expect_err("B changed");
        assert!(err.reason.contains("B"), "{err:?}");
        assert!(compare_dicts(Some(&old), Some(&new), &[b"B"], Subject::Catalog, None).is_ok());
    }

    #[test]
    fn approval_context_is_nowhere_for_a_path_the_signed_revision_lacks() {
        let r = Revisions::new(SIGNED, &[]);
        assert_eq!(path_ctx(&r.old, &[key(b"Root"), key(b"DSS")]), Ctx::Nowhere);
        assert!(matches!(
            path_ctx(&r.old, &[key(b"Root"), key(b"AcroForm")]),
            Ctx::At(_)
        ));
    }
}
