//! The whitelist: which objects a later revision may write, and at what level.
//!
//! This follows pyHanko's standard difference policy (`sign/diff_analysis/policies.py`),
//! because that is the peer arkivar is compared with: every entry of the later revision's
//! cross-reference section must be explained by a rule, relative to the *signed* revision
//! (not the previous one); anything left unexplained makes the revision `Other`. The rules:
//!
//! * the catalog may change only in `/AcroForm`, `/DSS`, `/Extensions`, `/Metadata`,
//!   `/MarkInfo` and `/Version` (ISO 32000-2 §12.8.2.2: DocMDP permits signing, form filling
//!   and, at `/P 3`, annotations — nothing that rewrites the document's structure);
//! * `/Info` may be replaced; `/Metadata` may be replaced by well-formed XMP;
//! * the DSS (ISO 32000-2 §12.8.4.3) may grow, but its existing VRI entries may not change;
//! * new cross-reference streams and object streams are bookkeeping;
//! * new objects nothing reaches (orphans) change nothing that is displayed;
//! * an object rewritten with its signed value is no change;
//! * form changes are [`super::form`]'s.
//!
//! An object the signed revision already had is approved per place it is used from (a
//! [`Referrer`]): an update that is explained along one path but also reachable along an
//! unchecked one stays unexplained. That is what catches an object shared between the form
//! and the page content.
//!
//! pyHanko has no rule for annotations; arkivar adds one ([`annotation_pass`]) so that a
//! sticky note is `Annotations`, not `Other` (§12.8.2.2, `/P 3`).

use std::collections::{BTreeSet, HashMap, HashSet};

use lopdf::{Dictionary, Document, Object, ObjectId};

use super::graph::{
    Holder, Referrer, Step, Usages, catalog, differing_keys, key, name, new_dependencies,
    object_dict, raw_ref, referrer_at, resolve, same, unassignable,
};
use super::views::Written;
use super::{ModificationLevel, Subject};
use crate::signature::field::FieldLock;

/// Catalog keys a later revision may change (pyHanko's `ROOT_EXEMPT_STRICT_COMPARISON`).
const ROOT_EXEMPT: &[&[u8]] = &[
    b"AcroForm",
    b"DSS",
    b"Extensions",
    b"Metadata",
    b"MarkInfo",
    b"Version",
];
/// Keys a DSS dictionary may have (ISO 32000-2 §12.8.4.3, Table 261).
const DSS_KEYS: &[&[u8]] = &[b"Type", b"VRI", b"Certs", b"CRLs", b"OCSPs"];
/// Keys of the DSS that hold arrays of DER streams.
const DSS_STREAM_KEYS: &[&[u8]] = &[b"Certs", b"CRLs", b"OCSPs"];
/// Keys a VRI entry may have (Table 262).
const VRI_KEYS: &[&[u8]] = &[b"Type", b"TU", b"TS", b"Cert", b"CRL", b"OCSP"];
/// Keys of a VRI entry that hold arrays of DER streams.
const VRI_STREAM_KEYS: &[&[u8]] = &[b"Cert", b"CRL", b"OCSP"];
/// Length of a VRI key: the upper-case hex SHA-1 of a signature's `/Contents`.
const VRI_KEY_LEN: usize = 40;
/// Largest XMP packet decoded for the well-formedness check.
const MAX_XMP_BYTES: usize = 16 * 1024 * 1024;
/// Most XML events read from one XMP packet.
const MAX_XMP_EVENTS: usize = 1_000_000;

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

/// The catalog: nothing but the exempt keys may change (pyHanko's `CatalogModificationRule`).
fn catalog_rule(p: &Pair<'_>, out: &mut Vec<Approval>) -> Check<()> {
    let root_ref = raw_ref(&p.new.trailer, b"Root");
    let old_root = p
        .old
        .trailer
        .get(b"Root")
        .ok()
        .and_then(|r| resolve(p.old, r));
    let new_root = p
        .new
        .trailer
        .get(b"Root")
        .ok()
        .and_then(|r| resolve(p.new, r));
    compare_dicts(old_root, new_root, ROOT_EXEMPT, Subject::Catalog, root_ref)?;
    let (Some(old_root), Some(new_root)) = (catalog(p.old), catalog(p.new)) else {
        return Ok(());
    };
    for k in [b"Extensions".as_slice(), b"MarkInfo"] {
        if let (_, _, Some(id)) = compare_key_refs(p, k, old_root, new_root)? {
            out.push(
                Approval::new(
                    id,
                    ModificationLevel::LtaUpdates,
                    Subject::Catalog,
                    "catalog entry",
                )
                .at(path_ctx(p.old, &[key(b"Root"), key(k)])),
            );
        }
    }
    if let Some(id) = root_ref {
        // Other objects may point at the catalog (a DocMDP /Data, for one); since its content
        // was compared above, all of them are cleared at once.
        out.push(Approval::new(
            id,
            ModificationLevel::LtaUpdates,
            Subject::Catalog,
            "catalog changed only in entries signing and validation data may change",
        ));
    }
    Ok(())
}

/// `/Info` may be replaced at will: readers fall back to older revisions anyway
/// (pyHanko's `DocInfoRule`).
fn info_rule(p: &Pair<'_>, out: &mut Vec<Approval>) -> Check<()> {
    let Some(new_info) = raw_ref(&p.new.trailer, b"Info") else {
        return Ok(());
    };
    let old_info = raw_ref(&p.old.trailer, b"Info");
    let id = safe_whitelist(p, old_info, new_info).map_err(|mut s| {
        s.subject = Subject::DocumentInfo;
        s
    })?;
    out.push(
        Approval::new(
            id,
            ModificationLevel::LtaUpdates,
            Subject::DocumentInfo,
            "document information updated",
        )
        .at(path_ctx(p.old, &[key(b"Info")])),
    );
    Ok(())
}

/// `/Metadata` may be replaced by a well-formed XMP packet (pyHanko's `MetadataUpdateRule`).
fn metadata_rule(p: &Pair<'_>, out: &mut Vec<Approval>) -> Check<()> {
    let (Some(old_root), Some(new_root)) = (catalog(p.old), catalog(p.new)) else {
        return Ok(());
    };
    let grab = |root: &Dictionary| -> Check<Option<ObjectId>> {
        match root.get(b"Metadata").ok() {
            None => Ok(None),
            Some(Object::Reference(id)) => Ok(Some(*id)),
            Some(_) => Err(Suspicious::new(
                None,
                Subject::XmpMetadata,
                "/Metadata should be an indirect reference",
            )),
        }
    };
    let Some(new_ref) = grab(new_root)? else {
        return Ok(());
    };
    check_xmp(p.new, new_ref)?;
    let old_ref = grab(old_root)?;
    if let Some(old_ref) = old_ref {
        check_xmp(p.old, old_ref)?;
    }
    if old_ref == Some(new_ref) || unassignable(p.old_size, new_ref) {
        out.push(
            Approval::new(
                new_ref,
                ModificationLevel::LtaUpdates,
                Subject::XmpMetadata,
                "XMP metadata updated",
            )
            .at(path_ctx(p.old, &[key(b"Root"), key(b"Metadata")])),
        );
    }
    Ok(())
}

/// The metadata stream is well-formed XML with no entities and an `x:xmpmeta` root.
fn check_xmp(doc: &Document, id: ObjectId) -> Check<()> {
    let bad = |reason: &str| Suspicious::new(Some(id), Subject::XmpMetadata, reason.to_owned());
    let Some(Object::Stream(stream)) = doc.objects.get(&id) else {
        return Err(bad("/Metadata should be a reference to a stream object"));
    };
    let data = if stream.dict.has(b"Filter") {
        crate::pdf::stream::decoded(stream, MAX_XMP_BYTES)
            .map_err(|_| bad("/Metadata could not be decoded"))?
    } else {
        stream.content.clone()
    };
    if !xmp_well_formed(&data) {
        return Err(bad("/Metadata XML syntax could not be validated"));
    }
    Ok(())
}

/// Well-formed XML whose root element is `xmpmeta` and that declares no entities.
fn xmp_well_formed(data: &[u8]) -> bool {
    use quick_xml::events::Event;
    let mut reader = quick_xml::Reader::from_reader(data);
    let mut buf = Vec::new();
    let mut root: Option<bool> = None;
    let mut depth = 0usize;
    for _ in 0..MAX_XMP_EVENTS {
        buf.clear();
        match reader.read_event_into(&mut buf) {
            Err(_) => return false,
            Ok(Event::Eof) => return root == Some(true) && depth == 0,
            Ok(Event::DocType(d)) => {
                if d.windows(7).any(|w| w.eq_ignore_ascii_case(b"<!ENTITY")) {
                    return false;
                }
            }
            Ok(Event::Start(e)) => {
                if root.is_none() {
                    root = Some(e.local_name().as_ref() == b"xmpmeta");
                } else if depth == 0 {
                    return false;
                }
                depth += 1;
            }
            Ok(Event::Empty(e)) => {
                if root.is_none() {
                    root = Some(e.local_name().as_ref() == b"xmpmeta");
                } else if depth == 0 {
                    return false;
                }
            }
            Ok(Event::End(_)) => depth = depth.saturating_sub(1),
            Ok(_) => {}
        }
    }
    false
}

/// The DSS may grow; existing VRI entries must stay as they were (pyHanko's `DSSCompareRule`;
/// ISO 32000-2 §12.8.4.3, ETSI EN 319 142-1 §5.4).
fn dss_rule(p: &Pair<'_>, out: &mut Vec<Approval>) -> Check<()> {
    let (Some(old_root), Some(new_root)) = (catalog(p.old), catalog(p.new)) else {
        return Ok(());
    };
    let lta = ModificationLevel::LtaUpdates;
    let dss_path = [key(b"Root"), key(b"DSS")];
    let (old_dss, new_dss, dss_ref) =
        compare_key_refs(p, b"DSS", old_root, new_root).map_err(|mut s| {
            s.subject = Subject::Dss;
            s
        })?;
    if let Some(id) = dss_ref {
        out.push(
            Approval::new(id, lta, Subject::Dss, "DSS dictionary").at(path_ctx(p.old, &dss_path)),
        );
    }
    let Some(new_dss) = new_dss else {
        return Ok(());
    };
    let empty = Dictionary::new();
    let old_dss = match old_dss {
        Some(Object::Dictionary(d)) => d,
        None => &empty,
        Some(_) => {
            return Err(Suspicious::new(
                None,
                Subject::Dss,
                "/DSS is not a dictionary",
            ));
        }
    };
    let Object::Dictionary(new_dss) = new_dss else {
        return Err(Suspicious::new(
            dss_ref,
            Subject::Dss,
            "/DSS is not a dictionary",
        ));
    };
    let unexpected: Vec<String> = new_dss
        .iter()
        .map(|(k, _)| k)
        .filter(|k| !DSS_KEYS.contains(&k.as_slice()))
        .map(|k| format!("/{}", String::from_utf8_lossy(k)))
        .collect();
    if !unexpected.is_empty() {
        return Err(Suspicious::new(
            dss_ref,
            Subject::Dss,
            format!("unexpected keys in DSS: {}", unexpected.join(", ")),
        ));
    }
    dss_substructure(p, old_dss, new_dss, DSS_STREAM_KEYS, &dss_path, out)?;

    let vri_path = [key(b"Root"), key(b"DSS"), key(b"VRI")];
    let (old_vri, new_vri, vri_ref) =
        compare_key_refs(p, b"VRI", old_dss, new_dss).map_err(|mut s| {
            s.subject = Subject::Vri;
            s
        })?;
    if let Some(id) = vri_ref {
        out.push(
            Approval::new(id, lta, Subject::Vri, "VRI dictionary").at(path_ctx(p.old, &vri_path)),
        );
    }
    let Some(new_vri) = new_vri else {
        return Ok(());
    };
    let Object::Dictionary(new_vri) = new_vri else {
        return Err(Suspicious::new(
            vri_ref,
            Subject::Vri,
            "/VRI is not a dictionary",
        ));
    };
    let old_vri = match old_vri {
        Some(Object::Dictionary(d)) => d,
        None => &empty,
        Some(_) => {
            return Err(Suspicious::new(
                None,
                Subject::Vri,
                "/VRI is not a dictionary",
            ));
        }
    };
    for (k, old_value) in old_vri.iter() {
        if new_vri.get(k).ok().is_none_or(|v| !same(v, old_value)) {
            return Err(Suspicious::new(
                vri_ref,
                Subject::Vri,
                format!(
                    "VRI key /{} was modified or deleted",
                    String::from_utf8_lossy(k)
                ),
            ));
        }
    }
    for (k, raw) in new_vri.iter() {
        if old_vri.has(k) {
            continue;
        }
        let well_formed = k.len() >= VRI_KEY_LEN
            && k.iter()
                .take(VRI_KEY_LEN)
                .all(|b| b.is_ascii_digit() || b.is_ascii_uppercase());
        if !well_formed {
            return Err(Suspicious::new(
                vri_ref,
                Subject::Vri,
                format!(
                    "VRI key /{} is not formatted correctly",
                    String::from_utf8_lossy(k)
                ),
            ));
        }
        if let Object::Reference(id) = raw
            && unassignable(p.old_size, *id)
        {
            out.push(Approval::new(*id, lta, Subject::Vri, "new VRI entry"));
        }
        let entry = match resolve(p.new, raw) {
            Some(Object::Dictionary(d)) => d,
            _ => {
                return Err(Suspicious::new(
                    raw.as_reference().ok(),
                    Subject::Vri,
                    "VRI entries should be dictionaries",
                ));
            }
        };
        if let Some((bad, _)) = entry
            .iter()
            .find(|(kk, _)| !VRI_KEYS.contains(&kk.as_slice()))
        {
            return Err(Suspicious::new(
                raw.as_reference().ok(),
                Subject::Vri,
                format!(
                    "unexpected key in VRI dictionary: /{}",
                    String::from_utf8_lossy(bad)
                ),
            ));
        }
        let mut path = vri_path.to_vec();
        path.push(Step::Key(k.clone()));
        dss_substructure(p, &empty, entry, VRI_STREAM_KEYS, &path, out)?;
        if let Some(ts) = raw_ref(entry, b"TS")
            && unassignable(p.old_size, ts)
        {
            out.push(Approval::new(
                ts,
                lta,
                Subject::ValidationData,
                "VRI timestamp",
            ));
        }
    }
    Ok(())
}

/// The DER-stream arrays of a DSS or VRI dictionary: arrays of references to streams; new
/// streams and arrays are validation data.
fn dss_substructure(
    p: &Pair<'_>,
    old: &Dictionary,
    new: &Dictionary,
    keys: &[&[u8]],
    path: &[Step],
    out: &mut Vec<Approval>,
) -> Check<()> {
    let stream_array = |doc: &Document, value: &Object| -> bool {
        match resolve(doc, value) {
            Some(Object::Array(a)) => a.iter().all(|o| {
                matches!(o, Object::Reference(id) if matches!(doc.objects.get(id), Some(Object::Stream(_))))
            }),
            _ => false,
        }
    };
    for k in keys {
        let Ok(value) = new.get(k) else { continue };
        let mut here = path.to_vec();
        here.push(key(k));
        let ctx = path_ctx(p.old, &here);
        if !stream_array(p.new, value) {
            return Err(Suspicious::new(
                value.as_reference().ok(),
                Subject::ValidationData,
                format!(
                    "expected /{} to be an array of stream references",
                    String::from_utf8_lossy(k)
                ),
            ));
        }
        if let Object::Reference(new_ref) = value
            && let Ok(old_value) = old.get(k)
        {
            if let Object::Reference(old_ref) = old_value {
                let id = safe_whitelist(p, Some(*old_ref), *new_ref)?;
                out.push(
                    Approval::new(
                        id,
                        ModificationLevel::LtaUpdates,
                        Subject::ValidationData,
                        "validation data array",
                    )
                    .at(ctx.clone()),
                );
            }
            if !stream_array(p.old, old_value) {
                return Err(Suspicious::new(
                    old_value.as_reference().ok(),
                    Subject::ValidationData,
                    "the signed revision's validation data is malformed",
                ));
            }
        }
        for id in new_dependencies(p.new, p.old, value) {
            out.push(
                Approval::new(
                    id,
                    ModificationLevel::LtaUpdates,
                    Subject::ValidationData,
                    "certificates, OCSP responses or CRLs added",
                )
                .at(ctx.clone()),
            );
        }
    }
    Ok(())
}

/// New cross-reference and object streams are file bookkeeping (pyHanko's `XrefStreamRule`
/// and `ObjectStreamRule`): the objects inside an object stream are vetted one by one.
fn bookkeeping_rule(p: &Pair<'_>, written: &Written, out: &mut Vec<Approval>) {
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
        super::graph::direct_refs(v, &mut stack);
    }
    for id in written
        .in_use
        .iter()
        .filter(|id| prev.objects.contains_key(id))
    {
        if let Some(obj) = new.objects.get(id) {
            super::graph::direct_refs(obj, &mut stack);
        }
    }
    let mut reached: HashSet<ObjectId> = HashSet::new();
    while let Some(id) = stack.pop() {
        if !fresh.contains(&id) || !reached.insert(id) {
            continue;
        }
        if let Some(obj) = new.objects.get(&id) {
            super::graph::direct_refs(obj, &mut stack);
        }
    }
    fresh
        .into_iter()
        .filter(|id| !reached.contains(id))
        .collect()
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
    super::form::form_rule(p, &mut approvals)?;

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
fn annotation_pass(p: &Pair<'_>, unexplained: &[ObjectId]) -> Vec<Approval> {
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
    for page_id in super::form::page_ids(p.new) {
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
