//! The document-level entries: the catalog, `/Info` and the XMP `/Metadata` (pyHanko's
//! `CatalogModificationRule`, `DocInfoRule` and `MetadataUpdateRule`).

use lopdf::{Dictionary, Document, Object, ObjectId};

use super::facts::{ModificationLevel, Subject};
use super::graph::{catalog, key, raw_ref, resolve, unassignable};
use super::rule::{
    Approval, Check, Pair, Suspicious, compare_dicts, compare_key_refs, path_ctx, safe_whitelist,
};

/// Catalog keys a later revision may change (pyHanko's `ROOT_EXEMPT_STRICT_COMPARISON`).
const ROOT_EXEMPT: &[&[u8]] = &[
    b"AcroForm",
    b"DSS",
    b"Extensions",
    b"Metadata",
    b"MarkInfo",
    b"Version",
];
/// Largest XMP packet decoded for the well-formedness check.
const MAX_XMP_BYTES: usize = 16 * 1024 * 1024;
/// Most XML events read from one XMP packet.
const MAX_XMP_EVENTS: usize = 1_000_000;

/// The catalog: nothing but the exempt keys may change (pyHanko's `CatalogModificationRule`).
pub(super) fn catalog_rule(p: &Pair<'_>, out: &mut Vec<Approval>) -> Check<()> {
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
pub(super) fn info_rule(p: &Pair<'_>, out: &mut Vec<Approval>) -> Check<()> {
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
pub(super) fn metadata_rule(p: &Pair<'_>, out: &mut Vec<Approval>) -> Check<()> {
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
                if d.windows(8).any(|w| w.eq_ignore_ascii_case(b"<!ENTITY")) {
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::signature::changes::fixture::{Revisions, SIGNED, ids_at, stream};

    const XMP: &str = "<x:xmpmeta xmlns:x=\"adobe:ns:meta/\"><rdf:RDF xmlns:rdf=\"http://www.w3.org/1999/02/22-rdf-syntax-ns#\"/></x:xmpmeta>";

    #[test]
    fn catalog_gaining_a_dss_is_approved() {
        let r = Revisions::new(
            SIGNED,
            &[(
                1,
                "<< /Type /Catalog /Pages 2 0 R /AcroForm 5 0 R /DSS 9 0 R >>",
            )],
        );
        let mut out = Vec::new();
        catalog_rule(&r.pair(), &mut out).expect("an exempt key");
        assert!(ids_at(&out, ModificationLevel::LtaUpdates).contains(&(1, 0)));
    }

    #[test]
    fn catalog_gaining_an_open_action_is_suspicious() {
        let r = Revisions::new(
            SIGNED,
            &[(
                1,
                "<< /Type /Catalog /Pages 2 0 R /AcroForm 5 0 R /OpenAction << /S /JavaScript /JS (app.alert(1)) >> >>",
            )],
        );
        let err = catalog_rule(&r.pair(), &mut Vec::new()).expect_err("not exempt");
        assert_eq!(err.subject, Subject::Catalog);
        assert!(err.reason.contains("OpenAction"), "{err:?}");
    }

    #[test]
    fn info_replaced_by_a_new_object_is_approved() {
        let r = Revisions::with_trailers(
            SIGNED,
            "",
            &[(9, "<< /Producer (arkivar) >>")],
            " /Info 9 0 R",
        );
        let mut out = Vec::new();
        info_rule(&r.pair(), &mut out).expect("a new /Info");
        assert_eq!(out.len(), 1);
        assert_eq!((out[0].id, out[0].subject), ((9, 0), Subject::DocumentInfo));
    }

    #[test]
    fn info_pointed_at_signed_content_is_suspicious() {
        let r = Revisions::with_trailers(SIGNED, "", &[], " /Info 4 0 R");
        let err = info_rule(&r.pair(), &mut Vec::new()).expect_err("reuses object 4");
        assert_eq!(err.subject, Subject::DocumentInfo);
    }

    #[test]
    fn well_formed_xmp_metadata_is_approved() {
        let xmp = stream("/Type /Metadata /Subtype /XML", XMP);
        let r = Revisions::new(
            SIGNED,
            &[
                (
                    1,
                    "<< /Type /Catalog /Pages 2 0 R /AcroForm 5 0 R /Metadata 9 0 R >>",
                ),
                (9, &xmp),
            ],
        );
        let mut out = Vec::new();
        metadata_rule(&r.pair(), &mut out).expect("well-formed");
        assert_eq!(ids_at(&out, ModificationLevel::LtaUpdates), [(9, 0)].into());
    }

    #[test]
    fn xmp_metadata_that_is_not_xmp_is_suspicious() {
        let xmp = stream(
            "/Type /Metadata /Subtype /XML",
            "<rdf:RDF xmlns:rdf=\"http://www.w3.org/1999/02/22-rdf-syntax-ns#\"/>",
        );
        let r = Revisions::new(
            SIGNED,
            &[
                (
                    1,
                    "<< /Type /Catalog /Pages 2 0 R /AcroForm 5 0 R /Metadata 9 0 R >>",
                ),
                (9, &xmp),
            ],
        );
        let err = metadata_rule(&r.pair(), &mut Vec::new()).expect_err("no xmpmeta root");
        assert_eq!(err.subject, Subject::XmpMetadata);
    }

    #[test]
    fn xmp_needs_one_xmpmeta_root() {
        assert!(xmp_well_formed(XMP.as_bytes()));
        assert!(!xmp_well_formed(b"<other/>"));
        assert!(!xmp_well_formed(format!("{XMP}{XMP}").as_bytes()));
        assert!(!xmp_well_formed(b"<x:xmpmeta xmlns:x=\"adobe:ns:meta/\">"));
    }

    #[test]
    fn xmp_declaring_an_entity_is_suspicious() {
        // An entity can expand into content the signer never saw (and into a billion laughs).
        let with_entity = format!("<!DOCTYPE x [<!ENTITY e \"text\">]>{XMP}");
        assert!(!xmp_well_formed(with_entity.as_bytes()));
        // The near miss: a doctype without an internal entity is still XMP.
        let doctype = format!("<!DOCTYPE x>{XMP}");
        assert!(xmp_well_formed(doctype.as_bytes()));
    }
}
