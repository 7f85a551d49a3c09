//! Two revisions built in code for the rules' tests: the signed one and a later one, each
//! written as a one-revision file and parsed with lopdf, as [`super::views`] parses a revision.
//! The later revision is the signed one's objects with some replaced or added, as a view of an
//! incremental update is.

use std::collections::BTreeSet;

use lopdf::{Document, ObjectId};

use super::graph::{Usages, size_of};
use super::rule::{Pair, SigTerms};
use super::tests::Builder;
use super::views::Written;

/// A signed one-page document: a catalog with a form, a page with its content, a signed
/// signature field `Sig1` (invisible) and an empty text field `Name` (both widgets on the page).
pub(super) const SIGNED: &[(u32, &str)] = &[
    (1, "<< /Type /Catalog /Pages 2 0 R /AcroForm 5 0 R >>"),
    (2, "<< /Type /Pages /Kids [3 0 R] /Count 1 >>"),
    (
        3,
        "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R /Annots [6 0 R 8 0 R] >>",
    ),
    (
        4,
        "<< /Length 40 >>\nstream\nBT /F1 12 Tf 72 720 Td (Protokoll) Tj ET\nendstream",
    ),
    (5, "<< /Fields [6 0 R 8 0 R] /SigFlags 3 >>"),
    (
        6,
        "<< /FT /Sig /T (Sig1) /V 7 0 R /Type /Annot /Subtype /Widget /Rect [0 0 0 0] /P 3 0 R /F 132 >>",
    ),
    (
        7,
        "<< /Type /Sig /Filter /Adobe.PPKLite /SubFilter /adbe.pkcs7.detached /ByteRange [0 10 20 30] /Contents <00> >>",
    ),
    (
        8,
        "<< /FT /Tx /T (Name) /Type /Annot /Subtype /Widget /Rect [10 10 100 30] /P 3 0 R >>",
    ),
];

/// A stream object's body with the right `/Length`.
pub(super) fn stream(dict: &str, data: &str) -> String {
    format!(
        "<< {dict} /Length {} >>\nstream\n{data}\nendstream",
        data.len()
    )
}

/// One revision's view: `objects` written as a file with `trailer` entries added, and parsed.
pub(super) fn view(objects: &[(u32, &str)], trailer: &str) -> Document {
    let mut b = Builder::new();
    for (n, body) in objects {
        b.obj(*n, body);
    }
    b.revision(trailer);
    Document::load_mem(&b.out).expect("the fixture parses")
}

/// The signed revision and a later one.
pub(super) struct Revisions {
    pub old: Document,
    pub new: Document,
    /// What the later revision wrote: the objects it replaced or added.
    pub written: Written,
    usages: Usages,
}

impl Revisions {
    /// `old` as signed; the later revision writes `changed` over it.
    pub(super) fn new(old: &[(u32, &str)], changed: &[(u32, &str)]) -> Self {
        Self::with_trailers(old, "", changed, "")
    }

    /// As [`Revisions::new`], with entries added to each revision's trailer.
    pub(super) fn with_trailers(
        old: &[(u32, &str)],
        old_trailer: &str,
        changed: &[(u32, &str)],
        new_trailer: &str,
    ) -> Self {
        let mut merged: Vec<(u32, &str)> = old
            .iter()
            .filter(|(n, _)| !changed.iter().any(|(c, _)| c == n))
            .copied()
            .collect();
        merged.extend_from_slice(changed);
        merged.sort_by_key(|(n, _)| *n);
        let old = view(old, old_trailer);
        let new = view(&merged, new_trailer);
        let written = Written {
            in_use: changed.iter().map(|(n, _)| (*n, 0)).collect(),
            freed: BTreeSet::new(),
            from_xref: true,
        };
        let usages = Usages::of(&old);
        Self {
            old,
            new,
            written,
            usages,
        }
    }

    /// What the rules see.
    pub(super) fn pair(&self) -> Pair<'_> {
        Pair {
            old: &self.old,
            new: &self.new,
            old_size: size_of(&self.old),
            usages: &self.usages,
        }
    }
}

/// An approval signature: no DocMDP, no lock.
pub(super) const APPROVAL: SigTerms<'static> = SigTerms {
    certifying: false,
    lock: None,
};

/// The ids of `approvals` at `level`.
pub(super) fn ids_at(
    approvals: &[super::rule::Approval],
    level: super::facts::ModificationLevel,
) -> BTreeSet<ObjectId> {
    approvals
        .iter()
        .filter(|a| a.level == level)
        .map(|a| a.id)
        .collect()
}
