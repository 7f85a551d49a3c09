//! The document security store: it may grow, and its existing VRI entries must stay as they
//! were (pyHanko's `DSSCompareRule`; ISO 32000-2 §12.8.4.3, ETSI EN 319 142-1 §5.4).

use lopdf::{Dictionary, Document, Object};

use super::facts::{ModificationLevel, Subject};
use super::graph::{Step, catalog, key, new_dependencies, raw_ref, resolve, same, unassignable};
use super::rule::{Approval, Check, Pair, Suspicious, compare_key_refs, path_ctx, safe_whitelist};

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

/// The DSS may grow; existing VRI entries must stay as they were (pyHanko's `DSSCompareRule`;
/// ISO 32000-2 §12.8.4.3, ETSI EN 319 142-1 §5.4).
pub(super) fn dss_rule(p: &Pair<'_>, out: &mut Vec<Approval>) -> Check<()> {
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::signature::changes::fixture::{Revisions, SIGNED, ids_at, stream};

    const WITH_DSS: &str = "<< /Type /Catalog /Pages 2 0 R /AcroForm 5 0 R /DSS 10 0 R >>";
    const VRI_KEY: &str = "0123456789ABCDEF0123456789ABCDEF01234567";

    #[test]
    fn dss_added_with_certificates_is_lta_updates() {
        let cert = stream("", "certificate bytes");
        let r = Revisions::new(
            SIGNED,
            &[
                (1, WITH_DSS),
                (9, &cert),
                (10, "<< /Type /DSS /Certs [9 0 R] >>"),
            ],
        );
        let mut out = Vec::new();
        dss_rule(&r.pair(), &mut out).expect("the DSS may grow");
        assert_eq!(
            ids_at(&out, ModificationLevel::LtaUpdates),
            [(9, 0), (10, 0)].into()
        );
    }

    #[test]
    fn dss_with_an_unexpected_key_is_suspicious() {
        let r = Revisions::new(
            SIGNED,
            &[(1, WITH_DSS), (10, "<< /Type /DSS /JavaScript (x) >>")],
        );
        let err = dss_rule(&r.pair(), &mut Vec::new()).expect_err("unexpected key");
        assert!(err.reason.contains("/JavaScript"), "{err:?}");
    }

    #[test]
    fn dss_certs_that_are_not_streams_are_suspicious() {
        let r = Revisions::new(
            SIGNED,
            &[
                (1, WITH_DSS),
                (9, "<< /Not /AStream >>"),
                (10, "<< /Type /DSS /Certs [9 0 R] >>"),
            ],
        );
        let err = dss_rule(&r.pair(), &mut Vec::new()).expect_err("not streams");
        assert_eq!(err.subject, Subject::ValidationData);
    }

    #[test]
    fn new_vri_entry_is_approved() {
        let signed: Vec<(u32, &str)> = SIGNED
            .iter()
            .copied()
            .filter(|(n, _)| *n != 1)
            .chain([
                (1, WITH_DSS),
                (10, "<< /Type /DSS /VRI 11 0 R >>"),
                (11, "<< >>"),
            ])
            .collect();
        let vri = format!("<< /{VRI_KEY} 12 0 R >>");
        let r = Revisions::new(
            &signed,
            &[(11, &vri), (12, "<< /TU (D:20240101000000Z) >>")],
        );
        let mut out = Vec::new();
        dss_rule(&r.pair(), &mut out).expect("a new VRI entry");
        assert!(ids_at(&out, ModificationLevel::LtaUpdates).contains(&(12, 0)));
    }

    #[test]
    fn existing_vri_entry_changed_is_suspicious() {
        let vri = format!("<< /{VRI_KEY} << /TU (D:20240101000000Z) >> >>");
        let signed: Vec<(u32, &str)> = SIGNED
            .iter()
            .copied()
            .filter(|(n, _)| *n != 1)
            .chain([
                (1, WITH_DSS),
                (10, "<< /Type /DSS /VRI 11 0 R >>"),
                (11, &vri),
            ])
            .collect();
        let changed = format!("<< /{VRI_KEY} << /TU (D:20250101000000Z) >> >>");
        let r = Revisions::new(&signed, &[(11, &changed)]);
        let err = dss_rule(&r.pair(), &mut Vec::new()).expect_err("a VRI entry changed");
        assert!(err.reason.contains("modified or deleted"), "{err:?}");
    }

    #[test]
    fn vri_key_that_is_not_a_sha1_is_suspicious() {
        let r = Revisions::new(
            SIGNED,
            &[
                (1, WITH_DSS),
                (10, "<< /Type /DSS /VRI << /abc << >> >> >>"),
            ],
        );
        let err = dss_rule(&r.pair(), &mut Vec::new()).expect_err("a malformed key");
        assert!(err.reason.contains("not formatted correctly"), "{err:?}");
    }
}
