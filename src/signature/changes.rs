//! What changed after each signature: every object a later incremental update wrote,
//! classified on pyHanko's scale (`None` < `LtaUpdates` < `FormFilling` < `Annotations` <
//! `Other`), and whether that exceeds what the signature permits.
//!
//! ISO 32000-2 §12.8.2.2 (DocMDP) says what a certified document may undergo after signing:
//! `/P 1` nothing (PAdES adds DSS and document timestamps, ETSI EN 319 142-1 §5.4), `/P 2`
//! form filling and signing, `/P 3` also annotations. §12.8.2.4 (FieldMDP) locks named fields.
//! A signature with no DocMDP of its own or from an earlier certification signature permits
//! `FormFilling`: later approval signatures and form filling are how signed documents are
//! normally used, while an annotation or a content change after signing is worth a finding.
//!
//! The facts come from comparing the signed revision's own view with each later revision's
//! (lopdf merges revisions, so a revision's view is the file cut at its end, parsed once and
//! shared by every signature, see [`views`]). The rules are pyHanko's standard difference
//! policy, which arkivar is measured against; arkivar adds a rule for annotations, which
//! pyHanko lacks. This module owns facts ([`facts`]), not verdicts: the `verify` stage weighs
//! `modified_after_signing`.
//!
//! The files: [`rule`] is what a rule sees and returns; [`policy`] composes the rules, one
//! family per file ([`catalog`], [`dss`], [`bookkeeping`], [`form`], [`annotations`]), and
//! adds up what they approve; [`graph`] reads one revision's object graph; [`views`] and
//! [`increment`] parse each revision and read what it wrote. Each file imports only those
//! below it: rules never import the policy that runs them.
//!
//! Coverage decides before any comparison: a signature over the whole file has nothing after
//! it (`None`); one whose `/ByteRange` does not end at a revision boundary cannot be compared
//! with anything and is `Other`, as pyHanko rates a nonstandard coverage.

mod annotations;
mod bookkeeping;
mod catalog;
mod dss;
mod facts;
mod form;
mod graph;
mod increment;
mod policy;
mod rule;
mod views;

#[cfg(test)]
mod corpus;
#[cfg(test)]
mod fixture;

use std::collections::{BTreeSet, HashMap};
use std::rc::Rc;

use lopdf::Document;

use crate::pdf::{Limits, Pdf};
use crate::signature::byte_range::{self, Coverage};
use crate::signature::field::{DocMdp, SignatureDict};

pub use facts::{Change, ModificationLevel, SignatureChanges, Subject};
use graph::{Usages, size_of};
use rule::{Pair, SigTerms};

/// The level a DocMDP permission allows (ISO 32000-2 §12.8.2.2, Table 256).
fn permitted_by(docmdp: Option<DocMdp>) -> ModificationLevel {
    match docmdp {
        // PAdES (ETSI EN 319 142-1 §5.4) lets DSS and document timestamps follow `/P 1`.
        Some(DocMdp::NoChanges) => ModificationLevel::LtaUpdates,
        Some(DocMdp::FormFilling) => ModificationLevel::FormFilling,
        Some(DocMdp::Annotations) => ModificationLevel::Annotations,
        None => ModificationLevel::FormFilling,
    }
}

/// Per signature (same order as `sigs`), what changed after it. Never panics: lopdf runs under
/// `catch_unwind`, and a revision that cannot be parsed makes the signatures before it
/// `Other`, with the reason in `changes`.
pub fn analyse(
    bytes: &[u8],
    pdf: &Pdf,
    sigs: &[SignatureDict],
    limits: &Limits,
) -> Vec<SignatureChanges> {
    let checks: Vec<byte_range::ByteRangeCheck> = sigs
        .iter()
        .map(|s| byte_range::check(&s.byte_range, bytes, &pdf.revisions))
        .collect();
    analyse_checked(bytes, pdf, sigs, &checks, limits)
}

/// As [`analyse`], with each signature's [`byte_range::check`] already made (same order as
/// `sigs`), so that the caller's checks are not repeated.
pub fn analyse_checked(
    bytes: &[u8],
    pdf: &Pdf,
    sigs: &[SignatureDict],
    checks: &[byte_range::ByteRangeCheck],
    limits: &Limits,
) -> Vec<SignatureChanges> {
    if checks.len() != sigs.len() {
        return analyse(bytes, pdf, sigs, limits);
    }
    let newest = pdf.revisions.last().map_or(1, |r| r.number);
    let signed: Vec<(Coverage, Option<usize>, Option<String>)> = checks
        .iter()
        .map(|check| (check.coverage, check.revision, check.reason.clone()))
        .collect();

    // A certification signature's DocMDP binds every later signature too.
    let permitted: Vec<ModificationLevel> = sigs
        .iter()
        .zip(&signed)
        .map(|(s, (_, rev, _))| {
            let earlier = sigs
                .iter()
                .zip(&signed)
                .filter(|(c, (_, crev, _))| {
                    c.docmdp.is_some() && (crev.is_none() || rev.is_none() || crev <= rev)
                })
                .filter_map(|(c, _)| c.docmdp);
            let strictest = earlier.chain(s.docmdp).min();
            permitted_by(strictest)
        })
        .collect();

    let mut results: Vec<SignatureChanges> = signed
        .iter()
        .zip(&permitted)
        .map(|((coverage, rev, reason), permitted)| {
            let mut r = SignatureChanges {
                signed_revision: *rev,
                later_revisions: rev.map_or(0, |k| newest.saturating_sub(k)),
                modification_level: ModificationLevel::None,
                permitted_level: *permitted,
                modified_after_signing: false,
                locked_fields_changed: Vec::new(),
                changes: Vec::new(),
            };
            match coverage {
                Coverage::EntireFile => {}
                Coverage::EntireRevision => {}
                Coverage::Partial => {
                    r.modification_level = ModificationLevel::Other;
                    r.changes.push(Change {
                        revision: newest,
                        object: None,
                        generation: None,
                        what: Subject::Coverage,
                        level: ModificationLevel::Other,
                        reason: reason.clone().unwrap_or_else(|| {
                            "the signature does not cover a whole revision".into()
                        }),
                        field: None,
                    });
                }
            }
            r
        })
        .collect();

    let pending: Vec<(usize, usize)> = signed
        .iter()
        .enumerate()
        .filter_map(|(i, (coverage, rev, _))| match (coverage, rev) {
            (Coverage::EntireRevision, Some(k)) if *k < newest => Some((i, *k)),
            _ => None,
        })
        .collect();
    if !pending.is_empty() {
        compare_revisions(bytes, pdf, sigs, limits, &pending, newest, &mut results);
    }
    for r in &mut results {
        r.modified_after_signing =
            r.modification_level > r.permitted_level || !r.locked_fields_changed.is_empty();
    }
    results
}

/// Compares each pending signature's revision with every later revision, parsing each
/// revision once.
fn compare_revisions(
    bytes: &[u8],
    pdf: &Pdf,
    sigs: &[SignatureDict],
    limits: &Limits,
    pending: &[(usize, usize)],
    newest: usize,
    results: &mut [SignatureChanges],
) {
    let contents = sigs
        .iter()
        .filter_map(|s| {
            byte_range::contents_gap(&s.byte_range, bytes).map(|span| views::ContentsString {
                span,
                object: s.object,
            })
        })
        .collect();
    let mut views = views::Views::new(bytes, pdf, limits, contents);
    let mut usages: HashMap<usize, Rc<Usages>> = HashMap::new();
    let bases: BTreeSet<usize> = pending.iter().map(|(_, k)| *k).collect();
    let mut done: BTreeSet<usize> = BTreeSet::new();
    let first = bases.first().copied().unwrap_or(newest);
    let unreadable = |revision: usize| Change {
        revision,
        object: None,
        generation: None,
        what: Subject::Unreadable,
        level: ModificationLevel::Other,
        reason: format!("revision {revision} could not be parsed, so what changed cannot be told"),
        field: None,
    };

    for r in first + 1..=newest {
        let (prev, new) = (views.view(r - 1), views.view(r));
        let (Some(prev), Some(new)) = (prev, new) else {
            let stuck: Vec<usize> = pending
                .iter()
                .filter(|(i, k)| *k < r && !done.contains(i))
                .map(|(i, _)| *i)
                .collect();
            for i in stuck {
                if let Some(res) = results.get_mut(i) {
                    res.modification_level = ModificationLevel::Other;
                    res.changes.push(unreadable(r));
                }
                done.insert(i);
            }
            continue;
        };
        let written = views.written(r, &prev, &new);
        for (i, k) in pending {
            if *k >= r || done.contains(i) {
                continue;
            }
            let (Some(old), Some(res), Some(sig)) =
                (views.view(*k), results.get_mut(*i), sigs.get(*i))
            else {
                if let Some(res) = results.get_mut(*i) {
                    res.modification_level = ModificationLevel::Other;
                    res.changes.push(unreadable(*k));
                }
                done.insert(*i);
                continue;
            };
            let base_usages = usages
                .entry(*k)
                .or_insert_with(|| Rc::new(Usages::of(&old)))
                .clone();
            let outcome = compare(&old, &prev, &new, &written, &base_usages, sig);
            res.modification_level = res.modification_level.max(outcome.level);
            res.locked_fields_changed.extend(outcome.locked_fields);
            res.changes
                .extend(outcome.found.into_iter().map(|f| Change {
                    revision: r,
                    object: f.id.map(|id| id.0),
                    generation: f.id.map(|id| id.1),
                    what: f.subject,
                    level: f.level,
                    reason: f.reason,
                    field: f.field,
                }));
            if res.modification_level == ModificationLevel::Other {
                // pyHanko stops at the first suspicious revision; nothing can raise `Other`.
                done.insert(*i);
            }
        }
        // Keep the signed revisions' views (compared again) and this one (the next `prev`).
        views.retain(|n| n == r || bases.contains(&n));
    }
}

/// One signature's signed revision against one later revision.
fn compare(
    old: &Document,
    prev: &Document,
    new: &Document,
    written: &views::Written,
    usages: &Usages,
    sig: &SignatureDict,
) -> policy::Outcome {
    let pair = Pair {
        old,
        new,
        old_size: size_of(old),
        usages,
    };
    let terms = SigTerms {
        certifying: sig.docmdp.is_some(),
        lock: sig.field_lock.as_ref(),
    };
    policy::review(&pair, prev, written, terms)
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::pdf::load;
    use crate::signature::field::find_signatures;

    /// Writes a PDF revision by revision with classic tables, every offset known.
    pub(crate) struct Builder {
        pub out: Vec<u8>,
        objects: Vec<(u32, usize)>,
        prev_xref: Option<usize>,
        size: u32,
    }

    impl Builder {
        pub(crate) fn new() -> Self {
            Self {
                out: b"%PDF-1.7\n%\xE2\xE3\xCF\xD3\n".to_vec(),
                objects: Vec::new(),
                prev_xref: None,
                size: 1,
            }
        }

        pub(crate) fn obj(&mut self, n: u32, body: &str) -> &mut Self {
            self.objects.push((n, self.out.len()));
            self.out
                .extend_from_slice(format!("{n} 0 obj\n{body}\nendobj\n").as_bytes());
            self.size = self.size.max(n + 1);
            self
        }

        pub(crate) fn stream(&mut self, n: u32, dict: &str, data: &str) -> &mut Self {
            let body = format!(
                "<< {dict} /Length {} >>\nstream\n{data}\nendstream",
                data.len()
            );
            self.obj(n, &body)
        }

        /// Closes a revision with its table and trailer; returns its end.
        pub(crate) fn revision(&mut self, extra_trailer: &str) -> usize {
            let xref_at = self.out.len();
            let mut table = String::from("xref\n");
            let mut entries = std::mem::take(&mut self.objects);
            if self.prev_xref.is_none() {
                entries.push((0, 0));
            }
            entries.sort();
            let mut i = 0;
            while i < entries.len() {
                let mut j = i;
                while j + 1 < entries.len() && entries[j + 1].0 == entries[j].0 + 1 {
                    j += 1;
                }
                table.push_str(&format!("{} {}\n", entries[i].0, j - i + 1));
                for (n, at) in &entries[i..=j] {
                    if *n == 0 {
                        table.push_str("0000000000 65535 f \n");
                    } else {
                        table.push_str(&format!("{at:010} 00000 n \n"));
                    }
                }
                i = j + 1;
            }
            let prev = self
                .prev_xref
                .map_or(String::new(), |p| format!(" /Prev {p}"));
            table.push_str(&format!(
                "trailer\n<< /Size {} /Root 1 0 R{prev}{extra_trailer} >>\nstartxref\n{xref_at}\n%%EOF\n",
                self.size
            ));
            self.out.extend_from_slice(table.as_bytes());
            self.prev_xref = Some(xref_at);
            self.out.len()
        }

        /// Fills in the `/ByteRange` of the signature whose placeholder is `marker`, for the
        /// bytes up to `end`.
        pub(crate) fn sign(&mut self, marker: &str, end: usize) {
            let find =
                |hay: &[u8], needle: &[u8]| hay.windows(needle.len()).position(|w| w == needle);
            let at = find(&self.out, marker.as_bytes()).expect("placeholder") + marker.len();
            let contents = at + find(&self.out[at..], b"/Contents <").expect("contents") + 10;
            let close = contents + find(&self.out[contents..], b">").expect("hex end") + 1;
            let br = format!("[0 {contents:010} {close:010} {:010}]", end - close);
            self.out[at..at + br.len()].copy_from_slice(br.as_bytes());
        }
    }

    /// A placeholder the same width as a filled `/ByteRange`.
    pub(crate) const BR: &str = "[0 0000000000 0000000000 0000000000]";

    /// A signature dictionary with `reference` as its `/Reference` entry (may be empty).
    fn sig_value(reference: &str) -> String {
        format!(
            "<< /Type /Sig /Filter /Adobe.PPKLite /SubFilter /adbe.pkcs7.detached \
             /ByteRange {BR} /Contents <{}> {reference} >>",
            "0".repeat(64)
        )
    }

    /// Revision 1: one page with a signed signature field `Sig1` (invisible) and an empty text
    /// field `Name`, both widgets on the page.
    fn signed_original(reference: &str) -> Builder {
        let mut b = Builder::new();
        b.obj(1, "<< /Type /Catalog /Pages 2 0 R /AcroForm 5 0 R >>")
            .obj(2, "<< /Type /Pages /Kids [3 0 R] /Count 1 >>")
            .obj(
                3,
                "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R /Annots [6 0 R 8 0 R] >>",
            )
            .stream(4, "", "BT /F1 12 Tf 72 720 Td (Protokoll) Tj ET")
            .obj(5, "<< /Fields [6 0 R 8 0 R] /SigFlags 3 >>")
            .obj(
                6,
                "<< /FT /Sig /T (Sig1) /V 7 0 R /Type /Annot /Subtype /Widget /Rect [0 0 0 0] /P 3 0 R /F 132 >>",
            )
            .obj(7, &sig_value(reference))
            .obj(
                8,
                "<< /FT /Tx /T (Name) /Type /Annot /Subtype /Widget /Rect [10 10 100 30] /P 3 0 R >>",
            );
        let end = b.revision("");
        b.sign("/ByteRange ", end);
        b
    }

    fn sig1(bytes: &[u8]) -> SignatureChanges {
        let limits = Limits::default();
        let pdf = load::load(bytes, &limits).expect("loads");
        let sigs = find_signatures(&pdf.doc);
        let at = sigs
            .iter()
            .position(|s| s.field.as_deref() == Some("Sig1"))
            .expect("Sig1");
        analyse(bytes, &pdf, &sigs, &limits).remove(at)
    }

    #[test]
    fn nothing_after_signing_is_none() {
        let b = signed_original("");
        let c = sig1(&b.out);
        assert_eq!(c.modification_level, ModificationLevel::None);
        assert!(!c.modified_after_signing);
        assert!(c.changes.is_empty());
    }

    #[test]
    fn dss_added_after_signing_is_lta_update() {
        let mut b = signed_original("");
        b.stream(9, "", "certificate bytes")
            .obj(10, "<< /Type /DSS /Certs [9 0 R] >>")
            .obj(
                1,
                "<< /Type /Catalog /Pages 2 0 R /AcroForm 5 0 R /DSS 10 0 R >>",
            );
        b.revision("");
        let c = sig1(&b.out);
        assert_eq!(
            c.modification_level,
            ModificationLevel::LtaUpdates,
            "{:#?}",
            c.changes
        );
        assert_eq!(c.signed_revision, Some(1));
        assert!(!c.modified_after_signing);
        assert!(c.changes.iter().any(|ch| ch.what == Subject::Dss));
    }

    #[test]
    fn second_signature_in_new_field_is_form_filling() {
        let mut b = signed_original("");
        b.obj(9, &sig_value(""))
            .obj(
                10,
                "<< /FT /Sig /T (Sig2) /V 9 0 R /Type /Annot /Subtype /Widget /Rect [0 0 0 0] /P 3 0 R /F 132 >>",
            )
            .obj(5, "<< /Fields [6 0 R 8 0 R 10 0 R] /SigFlags 3 >>")
            .obj(
                3,
                "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R /Annots [6 0 R 8 0 R 10 0 R] >>",
            );
        b.revision("");
        let c = sig1(&b.out);
        assert_eq!(
            c.modification_level,
            ModificationLevel::FormFilling,
            "{:#?}",
            c.changes
        );
        assert!(!c.modified_after_signing);
    }

    #[test]
    fn text_field_filled_after_signing_is_form_filling() {
        let mut b = signed_original("");
        b.stream(9, "/Type /XObject /Subtype /Form /BBox [0 0 90 20]", "BT (Anna) Tj ET")
            .obj(
                8,
                "<< /FT /Tx /T (Name) /V (Anna) /AP << /N 9 0 R >> /Type /Annot /Subtype /Widget /Rect [10 10 100 30] /P 3 0 R >>",
            );
        b.revision("");
        let c = sig1(&b.out);
        assert_eq!(
            c.modification_level,
            ModificationLevel::FormFilling,
            "{:#?}",
            c.changes
        );
        assert!(!c.modified_after_signing);
    }

    #[test]
    fn sticky_note_added_after_signing_is_annotations() {
        let mut b = signed_original("");
        b.obj(
            9,
            "<< /Type /Annot /Subtype /Text /Rect [300 300 320 320] /Contents (Ser bra ut) >>",
        )
        .obj(
            3,
            "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R /Annots [6 0 R 8 0 R 9 0 R] >>",
        );
        b.revision("");
        let c = sig1(&b.out);
        assert_eq!(
            c.modification_level,
            ModificationLevel::Annotations,
            "{:#?}",
            c.changes
        );
        assert!(
            c.modified_after_signing,
            "an approval signature permits form filling only"
        );
    }

    #[test]
    fn page_content_replaced_after_signing() {
        let mut b = signed_original("");
        b.stream(4, "", "BT /F1 12 Tf 72 720 Td (Forfalskat) Tj ET");
        b.revision("");
        let c = sig1(&b.out);
        assert_eq!(c.modification_level, ModificationLevel::Other);
        assert!(c.modified_after_signing);
        assert!(
            c.changes
                .iter()
                .any(|ch| ch.object == Some(4) && ch.level == ModificationLevel::Other),
            "{:#?}",
            c.changes
        );
    }

    #[test]
    fn form_filled_after_docmdp_no_changes_certification() {
        let mut b = signed_original(
            "/Reference [<< /Type /SigRef /TransformMethod /DocMDP /TransformParams << /Type /TransformParams /P 1 /V /1.2 >> >>]",
        );
        b.obj(
            8,
            "<< /FT /Tx /T (Name) /V (Anna) /Type /Annot /Subtype /Widget /Rect [10 10 100 30] /P 3 0 R >>",
        );
        b.revision("");
        let c = sig1(&b.out);
        assert_eq!(c.permitted_level, ModificationLevel::LtaUpdates);
        assert_eq!(
            c.modification_level,
            ModificationLevel::FormFilling,
            "{:#?}",
            c.changes
        );
        assert!(c.modified_after_signing);
    }

    #[test]
    fn fieldmdp_locked_field_refilled_after_signing() {
        let mut b = signed_original(
            "/Reference [<< /Type /SigRef /TransformMethod /FieldMDP /TransformParams << /Type /TransformParams /Action /Include /Fields [(Name)] /V /1.2 >> >>]",
        );
        b.obj(
            8,
            "<< /FT /Tx /T (Name) /V (Mallory) /Type /Annot /Subtype /Widget /Rect [10 10 100 30] /P 3 0 R >>",
        );
        b.revision("");
        let c = sig1(&b.out);
        assert!(c.modified_after_signing);
        assert_eq!(c.locked_fields_changed, vec!["Name".to_owned()]);
        assert_eq!(c.modification_level, ModificationLevel::Other);
    }

    #[test]
    fn unlocked_field_filled_under_fieldmdp_is_not_modified() {
        let mut b = signed_original(
            "/Reference [<< /Type /SigRef /TransformMethod /FieldMDP /TransformParams << /Type /TransformParams /Action /Include /Fields [(Other)] /V /1.2 >> >>]",
        );
        b.obj(
            8,
            "<< /FT /Tx /T (Name) /V (Anna) /Type /Annot /Subtype /Widget /Rect [10 10 100 30] /P 3 0 R >>",
        );
        b.revision("");
        let c = sig1(&b.out);
        assert!(!c.modified_after_signing, "{:#?}", c.changes);
        assert_eq!(c.modification_level, ModificationLevel::FormFilling);
    }

    #[test]
    fn catalog_gains_open_action_after_signing() {
        let mut b = signed_original("");
        b.obj(
            1,
            "<< /Type /Catalog /Pages 2 0 R /AcroForm 5 0 R /OpenAction << /S /JavaScript /JS (app.alert(1)) >> >>",
        );
        b.revision("");
        let c = sig1(&b.out);
        assert_eq!(c.modification_level, ModificationLevel::Other);
        assert!(
            c.changes.iter().any(|ch| ch.what == Subject::Catalog),
            "{:#?}",
            c.changes
        );
    }

    #[test]
    fn object_freed_after_signing_is_other() {
        let mut b = signed_original("");
        // A table section that frees object 4 (the page content), next generation 1.
        let xref_at = b.out.len();
        let prev = b.prev_xref.expect("one revision");
        b.out.extend_from_slice(
            format!(
                "xref\n4 1\n0000000000 00001 f \ntrailer\n<< /Size 9 /Root 1 0 R /Prev {prev} >>\nstartxref\n{xref_at}\n%%EOF\n"
            )
            .as_bytes(),
        );
        let c = sig1(&b.out);
        assert_eq!(c.modification_level, ModificationLevel::Other);
        assert!(
            c.changes.iter().any(|ch| ch.what == Subject::FreedObject),
            "{:#?}",
            c.changes
        );
    }

    #[test]
    fn free_entry_for_a_never_used_number_deletes_nothing() {
        let mut b = signed_original("");
        // Object 30 never existed; freeing it (next generation 1) removes nothing signed.
        let xref_at = b.out.len();
        let prev = b.prev_xref.expect("one revision");
        b.out.extend_from_slice(
            format!(
                "xref\n30 1\n0000000000 00001 f \ntrailer\n<< /Size 31 /Root 1 0 R /Prev {prev} >>\nstartxref\n{xref_at}\n%%EOF\n"
            )
            .as_bytes(),
        );
        let c = sig1(&b.out);
        assert_eq!(
            c.modification_level,
            ModificationLevel::LtaUpdates,
            "{:#?}",
            c.changes
        );
    }

    #[test]
    fn truncated_signed_range_is_other_not_a_panic() {
        let b = signed_original("");
        let limits = Limits::default();
        let mut bytes = b.out.clone();
        bytes.extend_from_slice(b"% trailing junk after the signature, unsigned\n");
        let pdf = load::load(&bytes, &limits).expect("loads");
        let sigs = find_signatures(&pdf.doc);
        let out = analyse(&bytes, &pdf, &sigs, &limits);
        assert_eq!(out.len(), sigs.len());
    }

    #[test]
    fn output_serialises_with_snake_case_levels() {
        let b = signed_original("");
        let c = sig1(&b.out);
        let json = serde_json::to_value(&c).expect("serialises");
        assert_eq!(json["modification_level"], "none");
        assert_eq!(json["permitted_level"], "form_filling");
        let _ = schemars::schema_for!(SignatureChanges);
    }
}
