//! Finding signatures: AcroForm `/Sig` fields (ISO 32000-2 §12.7.5.5), their signature
//! dictionaries (§12.8.1), document timestamps (§12.8.5), and signature dictionaries no field
//! reaches (orphans, reported so that nothing signed goes unseen).
//!
//! This module reads dictionaries only; bytes, digests and certificates are other modules'.

use std::collections::HashSet;

use lopdf::{Dictionary, Document, Object, ObjectId};
use schemars::JsonSchema;
use serde::Serialize;

use crate::pdf::metadata::{decode_text_string as text_string, pdf_date_to_rfc3339};
use crate::pdf::object::{deref, deref_dict as dict, get};

/// Deepest `/Kids` nesting followed in the field tree.
const MAX_FIELD_DEPTH: usize = 32;
/// Most fields visited in one document.
const MAX_FIELDS: usize = 10_000;

/// Whether a dictionary is a signature or a document timestamp.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum SignatureKind {
    /// `/Type /Sig` (or no type): a signature by a person or a seal.
    Signature,
    /// `/Type /DocTimeStamp` or SubFilter `ETSI.RFC3161`: a document timestamp.
    DocTimestamp,
    /// Adobe Reader usage rights (§12.8.2.3): the catalog's `/Perms /UR3` (or the older
    /// `/UR`), or a `/Reference` whose TransformMethod is `UR3`/`UR`. Adobe signs these to
    /// unlock Reader features in forms; they say nothing about who approved the document.
    UsageRights,
}

/// How the signature dictionary was reached.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Reach {
    /// Through the AcroForm field tree.
    Field,
    /// Through no field: found by scanning all objects.
    Orphan,
}

/// The DocMDP permissions of a certification signature (§12.8.2.2), `/P` 1 to 3.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum DocMdp {
    /// `/P 1`: no changes at all (besides DSS and document timestamps, per PAdES).
    NoChanges,
    /// `/P 2`: filling in forms, instantiating page templates and signing.
    FormFilling,
    /// `/P 3`: as 2, plus annotations.
    Annotations,
}

/// A FieldMDP lock (§12.8.2.4): which fields a signature locks.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, JsonSchema)]
#[serde(tag = "action", content = "fields", rename_all = "snake_case")]
pub enum FieldLock {
    /// Every field is locked.
    All,
    /// Only the named fields are locked.
    Include(Vec<String>),
    /// Every field but the named ones is locked.
    Exclude(Vec<String>),
}

/// One signature dictionary, as found.
#[derive(Debug, Clone, PartialEq)]
pub struct SignatureDict {
    /// Fully qualified field name (`parent.child`), or `None` for an orphan.
    pub field: Option<String>,
    /// How it was reached.
    pub reach: Reach,
    /// Signature or document timestamp.
    pub kind: SignatureKind,
    /// Object of the signature dictionary, when indirect.
    pub object: Option<ObjectId>,
    /// `/Filter`, e.g. `Adobe.PPKLite`.
    pub filter: Option<String>,
    /// `/SubFilter`, e.g. `ETSI.CAdES.detached`.
    pub sub_filter: Option<String>,
    /// `/ByteRange` as written (pairs of offset and length).
    pub byte_range: Vec<i64>,
    /// `/Contents`, the CMS blob (hex-decoded by the PDF parser).
    pub contents: Vec<u8>,
    /// `/Cert` for `adbe.x509.rsa_sha1`: one or more DER certificates.
    pub certs: Vec<Vec<u8>>,
    /// `/M` as RFC 3339, when it parses.
    pub claimed_time: Option<String>,
    /// `/Name`.
    pub name: Option<String>,
    /// `/Reason`.
    pub reason: Option<String>,
    /// `/Location`.
    pub location: Option<String>,
    /// `/ContactInfo`.
    pub contact_info: Option<String>,
    /// DocMDP permissions when this is a certification signature.
    pub docmdp: Option<DocMdp>,
    /// FieldMDP lock from the signature reference or the field's `/Lock`.
    pub field_lock: Option<FieldLock>,
}

fn name(doc: &Document, d: &Dictionary, key: &[u8]) -> Option<String> {
    match get(doc, d, key)? {
        Object::Name(n) => Some(String::from_utf8_lossy(n).into_owned()),
        _ => None,
    }
}

fn text(doc: &Document, d: &Dictionary, key: &[u8]) -> Option<String> {
    match get(doc, d, key)? {
        Object::String(s, _) => Some(text_string(s)),
        _ => None,
    }
}

fn integers(doc: &Document, obj: &Object) -> Vec<i64> {
    match deref(doc, obj) {
        Some(Object::Array(a)) => a
            .iter()
            .filter_map(|o| match deref(doc, o) {
                Some(Object::Integer(i)) => Some(*i),
                Some(Object::Real(r)) => Some(*r as i64),
                _ => None,
            })
            .collect(),
        _ => Vec::new(),
    }
}

fn names(doc: &Document, obj: Option<&Object>) -> Vec<String> {
    match obj.and_then(|o| deref(doc, o)) {
        Some(Object::Array(a)) => a
            .iter()
            .filter_map(|o| match deref(doc, o) {
                Some(Object::String(s, _)) => Some(text_string(s)),
                _ => None,
            })
            .collect(),
        _ => Vec::new(),
    }
}

fn field_lock(doc: &Document, params: &Dictionary) -> Option<FieldLock> {
    let fields = names(doc, params.get(b"Fields").ok());
    match name(doc, params, b"Action")?.as_str() {
        "All" => Some(FieldLock::All),
        "Include" => Some(FieldLock::Include(fields)),
        "Exclude" => Some(FieldLock::Exclude(fields)),
        _ => None,
    }
}

/// Reads DocMDP and FieldMDP from the signature's `/Reference` array (§12.8.1, Table 255).
fn references(doc: &Document, sig: &Dictionary) -> References {
    let mut docmdp = None;
    let mut lock = None;
    let mut usage_rights = false;
    let Some(Object::Array(refs)) = get(doc, sig, b"Reference") else {
        return References::default();
    };
    for r in refs {
        let Some(r) = dict(doc, r) else { continue };
        let params = get(doc, r, b"TransformParams").and_then(|p| dict(doc, p));
        match name(doc, r, b"TransformMethod").as_deref() {
            Some("DocMDP") => {
                // §12.8.2.2: /P defaults to 2.
                let p = params
                    .and_then(|p| get(doc, p, b"P"))
                    .and_then(|o| o.as_i64().ok())
                    .unwrap_or(2);
                docmdp = Some(match p {
                    1 => DocMdp::NoChanges,
                    3 => DocMdp::Annotations,
                    _ => DocMdp::FormFilling,
                });
            }
            Some("FieldMDP") => lock = params.and_then(|p| field_lock(doc, p)),
            Some("UR3" | "UR") => usage_rights = true,
            _ => {}
        }
    }
    References {
        docmdp,
        lock,
        usage_rights,
    }
}

/// What a signature's `/Reference` array says it is for.
#[derive(Default)]
struct References {
    docmdp: Option<DocMdp>,
    lock: Option<FieldLock>,
    usage_rights: bool,
}

/// The catalog's `/Perms` dictionary, when there is one.
fn perms(doc: &Document) -> Option<&Dictionary> {
    doc.catalog()
        .ok()
        .and_then(|c| get(doc, c, b"Perms"))
        .and_then(|p| dict(doc, p))
}

/// The usage-rights entries of `/Perms` (`/UR3`, and the older `/UR`).
const USAGE_RIGHTS_KEYS: [&[u8]; 2] = [b"UR3", b"UR"];

/// The signature dictionaries the catalog's `/Perms` names as usage rights by reference.
fn usage_rights_ids(doc: &Document) -> HashSet<ObjectId> {
    let Some(perms) = perms(doc) else {
        return HashSet::new();
    };
    USAGE_RIGHTS_KEYS
        .into_iter()
        .filter_map(|key| perms.get(key).ok()?.as_reference().ok())
        .collect()
}

/// Usage-rights signatures written directly inside `/Perms` (no object of their own, so the
/// scan for orphans cannot see them).
fn direct_usage_rights(doc: &Document) -> Vec<SignatureDict> {
    let Some(perms) = perms(doc) else {
        return Vec::new();
    };
    USAGE_RIGHTS_KEYS
        .into_iter()
        .filter_map(|key| match perms.get(key).ok()? {
            Object::Dictionary(d) if looks_like_signature(d) => {
                let mut s = read_signature(doc, d, None, None, Reach::Orphan);
                s.kind = SignatureKind::UsageRights;
                Some(s)
            }
            _ => None,
        })
        .collect()
}

fn read_signature(
    doc: &Document,
    sig: &Dictionary,
    object: Option<ObjectId>,
    field: Option<String>,
    reach: Reach,
) -> SignatureDict {
    let sub_filter = name(doc, sig, b"SubFilter");
    let is_ts = name(doc, sig, b"Type").as_deref() == Some("DocTimeStamp")
        || sub_filter.as_deref() == Some("ETSI.RFC3161");
    let contents = match get(doc, sig, b"Contents") {
        Some(Object::String(s, _)) => s.clone(),
        _ => Vec::new(),
    };
    let certs = match get(doc, sig, b"Cert") {
        Some(Object::String(s, _)) => vec![s.clone()],
        Some(Object::Array(a)) => a
            .iter()
            .filter_map(|o| match deref(doc, o) {
                Some(Object::String(s, _)) => Some(s.clone()),
                _ => None,
            })
            .collect(),
        _ => Vec::new(),
    };
    let refs = references(doc, sig);
    let (docmdp, field_lock) = (refs.docmdp, refs.lock);
    SignatureDict {
        field,
        reach,
        kind: if refs.usage_rights {
            SignatureKind::UsageRights
        } else if is_ts {
            SignatureKind::DocTimestamp
        } else {
            SignatureKind::Signature
        },
        object,
        filter: name(doc, sig, b"Filter"),
        sub_filter,
        byte_range: sig
            .get(b"ByteRange")
            .map(|o| integers(doc, o))
            .unwrap_or_default(),
        contents,
        certs,
        claimed_time: match get(doc, sig, b"M") {
            Some(Object::String(s, _)) => pdf_date_to_rfc3339(&text_string(s)),
            _ => None,
        },
        name: text(doc, sig, b"Name"),
        reason: text(doc, sig, b"Reason"),
        location: text(doc, sig, b"Location"),
        contact_info: text(doc, sig, b"ContactInfo"),
        docmdp,
        field_lock,
    }
}

/// True for a dictionary that looks like a signature value: it has the two keys a signature
/// cannot do without.
fn looks_like_signature(d: &Dictionary) -> bool {
    d.has(b"ByteRange") && d.has(b"Contents")
}

/// Every signature in the document: field signatures in field-tree order, then orphans in
/// object order.
pub fn find_signatures(doc: &Document) -> Vec<SignatureDict> {
    let mut found = Vec::new();
    let mut seen_sigs: HashSet<ObjectId> = HashSet::new();
    let fields = doc
        .catalog()
        .ok()
        .and_then(|c| get(doc, c, b"AcroForm"))
        .and_then(|a| dict(doc, a))
        .and_then(|a| get(doc, a, b"Fields"));
    if let Some(Object::Array(roots)) = fields {
        let mut visited: HashSet<ObjectId> = HashSet::new();
        let mut budget = MAX_FIELDS;
        for root in roots {
            walk_field(
                doc,
                root,
                FieldCtx::default(),
                0,
                &mut visited,
                &mut budget,
                &mut seen_sigs,
                &mut found,
            );
        }
    }
    for (id, obj) in &doc.objects {
        let d = match obj {
            Object::Dictionary(d) => d,
            _ => continue,
        };
        if !seen_sigs.contains(id) && looks_like_signature(d) {
            let is_sig_type = matches!(
                d.get(b"Type").and_then(Object::as_name),
                Ok(b"Sig") | Ok(b"DocTimeStamp")
            ) || d.has(b"Filter");
            if is_sig_type {
                found.push(read_signature(doc, d, Some(*id), None, Reach::Orphan));
            }
        }
    }
    let usage_rights = usage_rights_ids(doc);
    for s in &mut found {
        if s.object.is_some_and(|id| usage_rights.contains(&id)) {
            s.kind = SignatureKind::UsageRights;
        }
    }
    found.extend(direct_usage_rights(doc));
    found
}

/// What a field inherits from its ancestors (§12.7.4.1: `/FT` is inheritable).
#[derive(Default, Clone)]
struct FieldCtx {
    name: Option<String>,
    field_type: Option<Vec<u8>>,
}

#[allow(clippy::too_many_arguments)]
fn walk_field(
    doc: &Document,
    node: &Object,
    parent: FieldCtx,
    depth: usize,
    visited: &mut HashSet<ObjectId>,
    budget: &mut usize,
    seen_sigs: &mut HashSet<ObjectId>,
    found: &mut Vec<SignatureDict>,
) {
    if depth > MAX_FIELD_DEPTH || *budget == 0 {
        return;
    }
    *budget -= 1;
    if let Object::Reference(id) = node
        && !visited.insert(*id)
    {
        return;
    }
    let Some(d) = dict(doc, node) else { return };
    let partial = text(doc, d, b"T");
    let full_name = match (&parent.name, partial) {
        (Some(p), Some(t)) => Some(format!("{p}.{t}")),
        (None, Some(t)) => Some(t),
        (p, None) => p.clone(),
    };
    let ctx = FieldCtx {
        name: full_name,
        field_type: match get(doc, d, b"FT") {
            Some(Object::Name(n)) => Some(n.clone()),
            _ => parent.field_type.clone(),
        },
    };
    // Kids that are fields (they have /T) carry their own values; kids that are only widgets
    // are the same field's appearances (§12.7.4: merged field and widget).
    if let Some(Object::Array(kids)) = get(doc, d, b"Kids") {
        for kid in kids {
            walk_field(
                doc,
                kid,
                ctx.clone(),
                depth + 1,
                visited,
                budget,
                seen_sigs,
                found,
            );
        }
    }
    if ctx.field_type.as_deref() != Some(b"Sig") {
        return;
    }
    let Ok(v) = d.get(b"V") else { return };
    let sig_id = v.as_reference().ok();
    if let Some(id) = sig_id
        && !seen_sigs.insert(id)
    {
        return;
    }
    let Some(sig) = dict(doc, v) else { return };
    let mut s = read_signature(doc, sig, sig_id, ctx.name.clone(), Reach::Field);
    if s.field_lock.is_none()
        && let Some(lock) = get(doc, d, b"Lock").and_then(|l| dict(doc, l))
    {
        s.field_lock = field_lock(doc, lock);
    }
    found.push(s);
}

#[cfg(test)]
mod tests {
    use super::*;
    use lopdf::{StringFormat, dictionary};

    fn sig_dict(sub: &str) -> Dictionary {
        dictionary! {
            "Type" => "Sig",
            "Filter" => "Adobe.PPKLite",
            "SubFilter" => Object::Name(sub.as_bytes().to_vec()),
            "ByteRange" => vec![0.into(), 10.into(), 30.into(), 5.into()],
            "Contents" => Object::String(vec![0x30, 0x03, 0x02, 0x01, 0x01], StringFormat::Hexadecimal),
            "M" => Object::string_literal("D:20220926085835+02'00'"),
            "Name" => Object::String(b"\xFE\xFF\x00\xC5\x00s\x00a".to_vec(), StringFormat::Literal),
        }
    }

    fn doc_with_fields(fields: Vec<Object>, extra: Vec<(ObjectId, Object)>) -> Document {
        let mut doc = Document::with_version("1.7");
        for (id, o) in extra {
            doc.objects.insert(id, o);
        }
        let acro = doc.add_object(dictionary! { "Fields" => fields });
        let catalog = doc.add_object(dictionary! { "Type" => "Catalog", "AcroForm" => acro });
        doc.trailer.set("Root", catalog);
        doc
    }

    #[test]
    fn field_with_signature_value_is_found_with_its_facts() {
        let sig: ObjectId = (100, 0);
        let field: ObjectId = (101, 0);
        let doc = doc_with_fields(
            vec![field.into()],
            vec![
                (sig, sig_dict("ETSI.CAdES.detached").into()),
                (
                    field,
                    dictionary! { "FT" => "Sig", "T" => Object::string_literal("Signature1"), "V" => sig }.into(),
                ),
            ],
        );
        let found = find_signatures(&doc);
        assert_eq!(found.len(), 1);
        let s = &found[0];
        assert_eq!(s.field.as_deref(), Some("Signature1"));
        assert_eq!(s.reach, Reach::Field);
        assert_eq!(s.kind, SignatureKind::Signature);
        assert_eq!(s.byte_range, vec![0, 10, 30, 5]);
        assert_eq!(s.name.as_deref(), Some("Åsa"));
        assert_eq!(s.claimed_time.as_deref(), Some("2022-09-26T08:58:35+02:00"));
    }

    #[test]
    fn nested_kids_inherit_type_and_join_names() {
        let sig: ObjectId = (100, 0);
        let parent: ObjectId = (101, 0);
        let kid: ObjectId = (102, 0);
        let doc = doc_with_fields(
            vec![parent.into()],
            vec![
                (sig, sig_dict("adbe.pkcs7.detached").into()),
                (
                    parent,
                    dictionary! { "FT" => "Sig", "T" => Object::string_literal("signatures"), "Kids" => vec![kid.into()] }
                        .into(),
                ),
                (
                    kid,
                    dictionary! { "T" => Object::string_literal("chair"), "V" => sig, "Parent" => parent }.into(),
                ),
            ],
        );
        let found = find_signatures(&doc);
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].field.as_deref(), Some("signatures.chair"));
    }

    #[test]
    fn signature_no_field_reaches_is_an_orphan() {
        let sig: ObjectId = (100, 0);
        let doc = doc_with_fields(vec![], vec![(sig, sig_dict("adbe.pkcs7.detached").into())]);
        let found = find_signatures(&doc);
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].reach, Reach::Orphan);
        assert_eq!(found[0].field, None);
    }

    #[test]
    fn field_tree_loop_terminates() {
        let a: ObjectId = (101, 0);
        let b: ObjectId = (102, 0);
        let doc = doc_with_fields(
            vec![a.into()],
            vec![
                (
                    a,
                    dictionary! { "FT" => "Sig", "Kids" => vec![b.into()] }.into(),
                ),
                (b, dictionary! { "Kids" => vec![a.into()] }.into()),
            ],
        );
        assert!(find_signatures(&doc).is_empty());
    }

    #[test]
    fn doc_timestamp_and_docmdp_are_read() {
        let ts: ObjectId = (100, 0);
        let cert: ObjectId = (103, 0);
        let mut cert_sig = sig_dict("adbe.pkcs7.detached");
        cert_sig.set(
            "Reference",
            vec![Object::Dictionary(dictionary! {
                "TransformMethod" => "DocMDP",
                "TransformParams" => dictionary! { "P" => 1 },
            })],
        );
        let mut ts_dict = sig_dict("ETSI.RFC3161");
        ts_dict.set("Type", "DocTimeStamp");
        let f1: ObjectId = (101, 0);
        let f2: ObjectId = (102, 0);
        let doc = doc_with_fields(
            vec![f1.into(), f2.into()],
            vec![
                (ts, ts_dict.into()),
                (cert, cert_sig.into()),
                (f1, dictionary! { "FT" => "Sig", "V" => cert }.into()),
                (f2, dictionary! { "FT" => "Sig", "V" => ts }.into()),
            ],
        );
        let found = find_signatures(&doc);
        assert_eq!(found[0].docmdp, Some(DocMdp::NoChanges));
        assert_eq!(found[1].kind, SignatureKind::DocTimestamp);
    }

    /// A catalog with `/Perms` naming `ur` under `key` and the certification signature `cert`
    /// under `/DocMDP`.
    fn doc_with_perms(key: &str, ur: Dictionary, cert: Dictionary) -> Document {
        let ur_id: ObjectId = (100, 0);
        let cert_id: ObjectId = (101, 0);
        let field: ObjectId = (102, 0);
        let mut doc = doc_with_fields(
            vec![field.into()],
            vec![
                (ur_id, ur.into()),
                (cert_id, cert.into()),
                (field, dictionary! { "FT" => "Sig", "T" => Object::string_literal("Cert"), "V" => cert_id }.into()),
            ],
        );
        let root = doc.trailer.get(b"Root").unwrap().as_reference().unwrap();
        let catalog = doc.get_object_mut(root).unwrap().as_dict_mut().unwrap();
        catalog.set("Perms", dictionary! { key => ur_id, "DocMDP" => cert_id });
        doc
    }

    #[test]
    fn usage_rights_under_perms_are_not_document_signatures() {
        for key in ["UR3", "UR"] {
            let doc = doc_with_perms(
                key,
                sig_dict("adbe.pkcs7.detached"),
                sig_dict("adbe.pkcs7.detached"),
            );
            let found = find_signatures(&doc);
            let kinds: Vec<(Option<&str>, SignatureKind)> =
                found.iter().map(|s| (s.field.as_deref(), s.kind)).collect();
            // Near miss: /Perms /DocMDP names a signature that stays a signature.
            assert_eq!(
                kinds,
                [
                    (Some("Cert"), SignatureKind::Signature),
                    (None, SignatureKind::UsageRights)
                ],
                "{key}"
            );
        }
    }

    #[test]
    fn a_ur3_transform_marks_usage_rights_without_perms() {
        let sig: ObjectId = (100, 0);
        let mut ur = sig_dict("adbe.pkcs7.detached");
        ur.set(
            "Reference",
            vec![Object::Dictionary(dictionary! {
                "TransformMethod" => "UR3",
                "TransformParams" => dictionary! { "Form" => vec![Object::Name(b"FillIn".to_vec())] },
            })],
        );
        let doc = doc_with_fields(vec![], vec![(sig, ur.into())]);
        assert_eq!(find_signatures(&doc)[0].kind, SignatureKind::UsageRights);
        // An orphan with no such transform is a signature.
        let doc = doc_with_fields(vec![], vec![(sig, sig_dict("adbe.pkcs7.detached").into())]);
        assert_eq!(find_signatures(&doc)[0].kind, SignatureKind::Signature);
    }

    #[test]
    fn usage_rights_written_inside_perms_are_found() {
        let mut doc = doc_with_fields(vec![], vec![]);
        let root = doc.trailer.get(b"Root").unwrap().as_reference().unwrap();
        let catalog = doc.get_object_mut(root).unwrap().as_dict_mut().unwrap();
        catalog.set(
            "Perms",
            dictionary! { "UR3" => Object::Dictionary(sig_dict("adbe.pkcs7.detached")) },
        );
        let found = find_signatures(&doc);
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].kind, SignatureKind::UsageRights);
        assert_eq!(found[0].object, None);
        // Near miss: a /Perms entry that is no signature dictionary is nothing.
        let catalog = doc.get_object_mut(root).unwrap().as_dict_mut().unwrap();
        catalog.set(
            "Perms",
            dictionary! { "UR3" => dictionary! { "Type" => "Sig" } },
        );
        assert!(find_signatures(&doc).is_empty());
    }
}
