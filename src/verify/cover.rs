//! Which signing evidence in the text a checked PDF signature vouches for (verdict.md § What
//! counts as a signature).
//!
//! An e-sign platform's evidence page (an audit report) and a visible stamp ("Digitally signed
//! by …") are text, and anyone can type text into a PDF. Such evidence counts as a signing only
//! when a *seal* — a PDF signature that is nobody's of the document's people, checked intact
//! and valid — covers the revision that holds it; for a platform's evidence page, the seal must
//! not be another known platform's. A person's stamp beside their own PDF signature needs no
//! seal: their signature is the evidence, and the verdict merges the two into one event.
//!
//! "Covers the revision that holds it" is judged on the text: the seal's signed revision must
//! already read as the final document does where the evidence is (the trail's pages unchanged,
//! the stamp's line present on its page). A seal that covers only an earlier revision than the
//! evidence does not count. The earlier revision's text comes from the caller, so this stays a
//! pure function of facts.
//!
//! Uncovered evidence is reported, not dropped: its signings stay in the record and each one
//! gets `signature.unverifiable`, so the document can never be `verified` on text alone.

use schemars::JsonSchema;
use serde::Serialize;

use super::identity::{FoldedName, email_spells, fold, same_person};
use crate::audit::{AuditTrail, Provider, stamp::Stamp};
use crate::minutes::MinutesFacts;
use crate::pdf::text::PageText;
use crate::signature::byte_range::Coverage;
use crate::signature::examine::SignatureFacts;
use crate::verify::policy::PlatformSeals;
// The reason is part of the record's signing events; re-exported where this stage finds it.
pub use crate::record::Uncovered;

/// Whether a checked PDF signature vouches for one piece of evidence in the text.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, JsonSchema)]
#[serde(tag = "state", rename_all = "snake_case")]
pub enum Cover {
    /// A seal, checked intact and valid, covers the revision that holds the evidence.
    Covered {
        /// The seal's signature field.
        field: Option<String>,
        /// The revision (1-based) the seal's signed bytes end with.
        revision: usize,
        /// The seal's signer, as its certificate names it.
        signer: Option<String>,
    },
    /// Nothing arkivar checked vouches for the evidence.
    Uncovered {
        /// Why not.
        reason: Uncovered,
    },
}

impl Cover {
    /// True when a checked seal vouches for the evidence.
    pub fn is_covered(&self) -> bool {
        matches!(self, Cover::Covered { .. })
    }
}

impl Covers {
    /// Why no seal vouches for trail `index`; `None` when one does. A trail with no cover
    /// computed is uncovered.
    pub fn trail(&self, index: usize) -> Option<Uncovered> {
        uncovered(self.trails.get(index))
    }

    /// Why no seal vouches for stamp `index`; `None` when one does.
    pub fn stamp(&self, index: usize) -> Option<Uncovered> {
        uncovered(self.stamps.get(index))
    }
}

/// Why `cover` does not vouch, or `None` when it does; evidence with no cover is uncovered.
fn uncovered(cover: Option<&Cover>) -> Option<Uncovered> {
    match cover {
        Some(Cover::Covered { .. }) => None,
        Some(Cover::Uncovered { reason }) => Some(*reason),
        None => Some(Uncovered::NoSeal),
    }
}

/// Evidence is uncovered until a seal is found for it: a record made without this stage says
/// nothing is vouched for.
impl Default for Cover {
    fn default() -> Self {
        Cover::Uncovered {
            reason: Uncovered::NoSeal,
        }
    }
}

/// The platform a seal's certificate names by `platforms`: `Some(Some(p))` for a platform
/// arkivar reads, `Some(None)` for another known one, `None` when it names none.
fn platform_of(s: &SignatureFacts, platforms: &PlatformSeals) -> Option<Option<Provider>> {
    let signer = s.signer.as_ref()?;
    let subject = [&signer.common_name, &signer.organization, &signer.email]
        .into_iter()
        .flatten()
        .map(|t| t.to_lowercase())
        .collect::<Vec<_>>()
        .join(" ");
    let names = |list: &[String]| {
        list.iter()
            .any(|n| !n.is_empty() && subject.contains(&n.to_lowercase()))
    };
    [
        (Some(Provider::AdobeSign), &platforms.adobe_sign),
        (Some(Provider::Scrive), &platforms.scrive),
        (None, &platforms.other),
    ]
    .into_iter()
    .find(|(_, list)| names(list))
    .map(|(p, _)| p)
}

/// The people a document names: its minutes' participants and designated signers, the
/// parties of its trails, and the names on its stamps. A seal is a signature by none of them
/// and by no natural person.
struct People {
    names: Vec<FoldedName>,
    emails: Vec<String>,
}

impl People {
    fn of(minutes: Option<&MinutesFacts>, trails: &[AuditTrail], stamps: &[Stamp]) -> Self {
        let mut names: Vec<FoldedName> = Vec::new();
        let mut emails: Vec<String> = Vec::new();
        if let Some(m) = minutes {
            let designated = [
                &m.designated.chair,
                &m.designated.secretary,
                &m.designated.adjusters,
            ];
            names.extend(designated.into_iter().flatten().map(|n| fold(n)));
            names.extend(m.participants.iter().map(|p| fold(&p.name)));
        }
        for trail in trails {
            // A page's signing parties are the document's people too: a seal is none of theirs.
            for p in &trail.parties {
                names.extend(p.name.iter().map(|n| fold(n)));
                emails.extend(p.email.iter().map(|m| m.to_lowercase()));
            }
            for e in &trail.events {
                names.extend(
                    [&e.actor_name, &e.recipient_name]
                        .into_iter()
                        .flatten()
                        .map(|n| fold(n)),
                );
                emails.extend(
                    [&e.actor_email, &e.recipient_email]
                        .into_iter()
                        .flatten()
                        .map(|m| m.to_lowercase()),
                );
            }
        }
        names.extend(stamps.iter().map(|s| fold(&s.name)));
        names.retain(|n| !n.words.is_empty());
        People { names, emails }
    }

    /// True when `s` is a person's signature: one of these people's, by certificate name or
    /// e-mail, or anyone's whose certificate names a natural person (a stranger's personal
    /// certificate is no platform's seal).
    fn signed(&self, s: &SignatureFacts) -> bool {
        let Some(signer) = &s.signer else {
            return false;
        };
        if signer.natural_person {
            return true;
        }
        let by_name = signer
            .common_name
            .as_deref()
            .map(fold)
            .is_some_and(|cn| self.names.iter().any(|n| same_person(n, &cn)));
        let by_email = signer.email.as_deref().is_some_and(|m| {
            let m = m.to_lowercase();
            self.emails.contains(&m) || self.names.iter().any(|n| email_spells(&m, n))
        });
        by_name || by_email
    }
}

/// The covers of a document's trails and stamps, index for index.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Covers {
    /// One per audit trail.
    pub trails: Vec<Cover>,
    /// One per stamp.
    pub stamps: Vec<Cover>,
}

impl Covers {
    /// True when `s` is the seal that vouches for some trail or stamp.
    pub fn sealed_by(&self, s: &SignatureFacts) -> bool {
        self.trails.iter().chain(&self.stamps).any(|c| match c {
            Cover::Covered {
                field, revision, ..
            } => *field == s.field && Some(*revision) == s.revision,
            Cover::Uncovered { .. } => false,
        })
    }
}

/// What the cover check reads.
pub struct Evidence<'a> {
    /// The document's signatures (not usage rights).
    pub signatures: &'a [SignatureFacts],
    /// Audit trails in the text.
    pub trails: &'a [AuditTrail],
    /// Stamps in the text.
    pub stamps: &'a [Stamp],
    /// The minutes, when the document is a protocol.
    pub minutes: Option<&'a MinutesFacts>,
    /// The final document's page texts.
    pub pages: &'a [PageText],
    /// The number of revisions of the final document.
    pub revisions: usize,
    /// Which seals are which platform's (the pipeline's policy).
    pub platforms: &'a PlatformSeals,
}

/// Reads the texts of some pages of an earlier revision: `(revision, pages)`, both 1-based,
/// `pages` sorted; `None` when that revision cannot be read.
pub type EarlierText<'f> = dyn FnMut(usize, &[usize]) -> Option<Vec<PageText>> + 'f;

/// Finds the seal that vouches for each trail and stamp. `earlier(r, pages)` gives the texts
/// of `pages` (1-based numbers, sorted) in revision `r` (1-based), or `None` when they cannot
/// be had; it is asked only when the latest seal covers less than the whole document, at most
/// once per revision, for every page that holds evidence.
pub fn covers(evidence: &Evidence<'_>, earlier: &mut EarlierText<'_>) -> Covers {
    if evidence.trails.is_empty() && evidence.stamps.is_empty() {
        return Covers::default();
    }
    let people = People::of(evidence.minutes, evidence.trails, evidence.stamps);
    // Seals: signatures that hold and that none of the document's people made. A document
    // timestamp proves when bytes existed, not who vouches for them; a signature with gaps in
    // its byte ranges vouches for nothing in the gaps, so only whole revisions count.
    let seals: Vec<&SignatureFacts> = evidence
        .signatures
        .iter()
        .filter(|s| s.holds() && !s.doc_timestamp && !s.usage_rights && !people.signed(s))
        .filter(|s| s.revision.is_some() && s.coverage != Coverage::Partial)
        .collect();
    let mut pages: Vec<usize> = evidence
        .trails
        .iter()
        .flat_map(|t| t.page_range.first..=t.page_range.last)
        .chain(evidence.stamps.iter().map(|s| s.page))
        .collect();
    pages.sort_unstable();
    pages.dedup();
    let mut texts = RevisionTexts {
        earlier,
        pages,
        cache: Vec::new(),
    };
    let trails = evidence
        .trails
        .iter()
        .map(|trail| {
            let own: Vec<&SignatureFacts> = seals
                .iter()
                .copied()
                .filter(|s| {
                    platform_of(s, evidence.platforms).is_none_or(|p| p == Some(trail.provider))
                })
                .collect();
            if own.is_empty() {
                let reason = if seals.is_empty() {
                    Uncovered::NoSeal
                } else {
                    Uncovered::OtherPlatform
                };
                return Cover::Uncovered { reason };
            }
            let pages = trail.page_range.first..=trail.page_range.last;
            cover_by_latest(&own, evidence, &mut texts, |then| {
                pages.clone().all(|p| same_page(evidence.pages, then, p))
            })
        })
        .collect();
    let stamps = evidence
        .stamps
        .iter()
        .map(|stamp| {
            if seals.is_empty() {
                return Cover::Uncovered {
                    reason: Uncovered::NoSeal,
                };
            }
            let line = line_of(evidence.pages, stamp.page, stamp.line);
            cover_by_latest(&seals, evidence, &mut texts, |then| {
                line.is_some_and(|l| {
                    page(then, stamp.page).is_some_and(|p| p.text.lines().any(|x| x.trim() == l))
                })
            })
        })
        .collect();
    Covers { trails, stamps }
}

/// The cover the latest of `seals` (non-empty) gives: covered when it signs the final revision,
/// or when `present` finds the evidence in the revision it signs.
fn cover_by_latest(
    seals: &[&SignatureFacts],
    evidence: &Evidence<'_>,
    texts: &mut RevisionTexts<'_, '_>,
    present: impl Fn(&[PageText]) -> bool,
) -> Cover {
    let Some((seal, revision)) = seals
        .iter()
        .filter_map(|s| Some((*s, s.revision?)))
        .max_by_key(|(_, r)| *r)
    else {
        return Cover::Uncovered {
            reason: Uncovered::NoSeal,
        };
    };
    let holds = revision >= evidence.revisions || texts.of(revision).is_some_and(present);
    if holds {
        Cover::Covered {
            field: seal.field.clone(),
            revision,
            signer: seal.signer.as_ref().and_then(|s| s.common_name.clone()),
        }
    } else {
        Cover::Uncovered {
            reason: Uncovered::AddedAfterSeal,
        }
    }
}

/// Earlier revisions' texts of the evidence pages, each revision asked for once.
struct RevisionTexts<'e, 'f> {
    earlier: &'e mut EarlierText<'f>,
    pages: Vec<usize>,
    cache: Vec<(usize, Option<Vec<PageText>>)>,
}

impl RevisionTexts<'_, '_> {
    fn of(&mut self, revision: usize) -> Option<&[PageText]> {
        let at = match self.cache.iter().position(|(r, _)| *r == revision) {
            Some(at) => at,
            None => {
                let text = (self.earlier)(revision, &self.pages);
                self.cache.push((revision, text));
                self.cache.len() - 1
            }
        };
        self.cache.get(at).and_then(|(_, t)| t.as_deref())
    }
}

fn page(pages: &[PageText], number: usize) -> Option<&PageText> {
    pages.iter().find(|p| p.number == number)
}

/// The trimmed text of line `line` (1-based) of page `number`.
fn line_of(pages: &[PageText], number: usize, line: usize) -> Option<&str> {
    let text = &page(pages, number)?.text;
    text.lines()
        .nth(line.checked_sub(1)?)
        .map(str::trim)
        .filter(|l| !l.is_empty())
}

/// True when page `number` reads the same (line by line, trimmed) in both versions.
fn same_page(now: &[PageText], then: &[PageText], number: usize) -> bool {
    match (page(now, number), page(then, number)) {
        (Some(a), Some(b)) => a
            .text
            .lines()
            .map(str::trim)
            .eq(b.text.lines().map(str::trim)),
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::audit::adobe_sign::tests::SV_INLINE;
    use crate::audit::{find_audit_trails, find_stamps};
    use crate::signature::CheckError;
    use crate::signature::CheckErrorKind;
    use crate::signature::examine::SignerFacts;

    /// A seal over revision `revision` by `cn` of organisation `org`.
    fn seal(cn: &str, org: &str, revision: usize) -> SignatureFacts {
        SignatureFacts {
            field: Some("Seal".into()),
            revision: Some(revision),
            signer: Some(SignerFacts {
                common_name: Some(cn.into()),
                organization: Some(org.into()),
                ..SignerFacts::default()
            }),
            ..SignatureFacts::sample(cn)
        }
    }

    fn page(number: usize, text: &str) -> PageText {
        PageText {
            number,
            text: text.into(),
            has_text_layer: true,
            image_coverage: 0.0,
            source: crate::pdf::text::TextSource::TextLayer,
            ocr_confidence: None,
            warnings: Vec::new(),
        }
    }

    /// The covers of SV_INLINE's trail (page 2) and a stamp (page 1) under `signatures`, in a
    /// document of `revisions` revisions whose earlier revisions read as `earlier` says.
    fn run(
        signatures: &[SignatureFacts],
        revisions: usize,
        earlier: &mut EarlierText<'_>,
    ) -> Covers {
        let body = "Sekreterare: Olle Ek\nOlle Ek (2 mar 2023 09:05 GMT+1)\n";
        let pages = [page(1, body), page(2, SV_INLINE)];
        let trails = find_audit_trails(&[body, SV_INLINE]);
        let stamps = find_stamps(&[body]);
        assert_eq!((trails.len(), stamps.len()), (1, 1));
        covers(
            &Evidence {
                signatures,
                trails: &trails,
                stamps: &stamps,
                minutes: None,
                pages: &pages,
                revisions,
                platforms: &PlatformSeals::default(),
            },
            earlier,
        )
    }

    fn none(_: usize, _: &[usize]) -> Option<Vec<PageText>> {
        None
    }

    fn reasons(c: &Covers) -> Vec<Option<Uncovered>> {
        c.trails
            .iter()
            .chain(&c.stamps)
            .map(|c| match c {
                Cover::Covered { .. } => None,
                Cover::Uncovered { reason } => Some(*reason),
            })
            .collect()
    }

    #[test]
    fn a_seal_over_the_last_revision_covers_trail_and_stamps() {
        let c = run(&[seal("Adobe Acrobat Sign", "Adobe Inc.", 1)], 1, &mut none);
        assert_eq!(reasons(&c), [None, None]);
        assert!(c.sealed_by(&seal("Adobe Acrobat Sign", "Adobe Inc.", 1)));
        // A seal of no known platform covers an Acrobat Sign report too.
        let c = run(&[seal("E-signeringstjänsten", "Kommunen", 1)], 1, &mut none);
        assert_eq!(reasons(&c), [None, None]);
    }

    #[test]
    fn no_seal_broken_seal_or_a_persons_signature_cover_nothing() {
        let nothing = run(&[], 1, &mut none);
        assert_eq!(reasons(&nothing), [Some(Uncovered::NoSeal); 2]);
        let broken = SignatureFacts {
            intact: false,
            error: Some(CheckError::new(CheckErrorKind::DigestMismatch, "x")),
            ..seal("Adobe Acrobat Sign", "Adobe Inc.", 1)
        };
        assert_eq!(
            reasons(&run(&[broken], 1, &mut none)),
            [Some(Uncovered::NoSeal); 2]
        );
        // Olle's own signature is a person's, not a seal: it vouches for neither.
        let olle = seal("Olle Ek", "Nämnden", 1);
        assert_eq!(
            reasons(&run(&[olle], 1, &mut none)),
            [Some(Uncovered::NoSeal); 2]
        );
        // A stranger's personal certificate (a natural person's) is no seal either.
        let mut stranger = seal("Kalle Anka", "", 1);
        if let Some(signer) = &mut stranger.signer {
            signer.natural_person = true;
        }
        assert_eq!(
            reasons(&run(&[stranger], 1, &mut none)),
            [Some(Uncovered::NoSeal); 2]
        );
        // A seal whose byte ranges leave gaps vouches for no revision.
        let gappy = SignatureFacts {
            coverage: Coverage::Partial,
            ..seal("Adobe Acrobat Sign", "Adobe Inc.", 1)
        };
        assert_eq!(
            reasons(&run(&[gappy], 1, &mut none)),
            [Some(Uncovered::NoSeal); 2]
        );
        // A document timestamp proves when, not who.
        let ts = SignatureFacts {
            doc_timestamp: true,
            ..seal("Test TSA", "TSA AB", 1)
        };
        assert_eq!(
            reasons(&run(&[ts], 1, &mut none)),
            [Some(Uncovered::NoSeal); 2]
        );
    }

    #[test]
    fn another_platforms_seal_covers_stamps_but_not_the_report() {
        let c = run(&[seal("TSA1", "GuardTime AS", 1)], 1, &mut none);
        assert_eq!(reasons(&c), [Some(Uncovered::OtherPlatform), None]);
        let defaults = PlatformSeals::default();
        assert_eq!(
            platform_of(&seal("TSA1", "GuardTime AS", 1), &defaults),
            Some(None)
        );
        assert_eq!(
            platform_of(&seal("Adobe Acrobat Sign", "", 1), &defaults),
            Some(Some(Provider::AdobeSign))
        );
        assert_eq!(
            platform_of(&seal("E-signeringstjänsten", "", 1), &defaults),
            None
        );
    }

    #[test]
    fn which_seals_are_a_platforms_is_the_pipelines_to_say() {
        // A municipality's own e-signing service named in the pipeline as another platform:
        // its seal no longer vouches for an Acrobat Sign report.
        let seal = seal("E-signeringstjänsten", "Signeringsplattform AB", 1);
        let mut platforms = PlatformSeals::default();
        assert_eq!(platform_of(&seal, &platforms), None);
        platforms.other.push("Signeringsplattform".into());
        assert_eq!(platform_of(&seal, &platforms), Some(None));
        // Near miss: an empty name matches nothing.
        let mut empty = PlatformSeals::default();
        empty.other.push(String::new());
        assert_eq!(platform_of(&seal, &empty), None);
    }

    #[test]
    fn a_scrive_page_takes_a_scrive_seal_and_no_other_platforms() {
        use crate::audit::scrive::tests::SV_2015;
        let body = "Avtal\n";
        let pages = [page(1, body), page(2, SV_2015)];
        let trails = find_audit_trails(&[body, SV_2015]);
        assert_eq!(trails.len(), 1);
        assert_eq!(trails[0].provider, Provider::Scrive);
        let cover = |signatures: &[SignatureFacts]| {
            let c = covers(
                &Evidence {
                    signatures,
                    trails: &trails,
                    stamps: &[],
                    minutes: None,
                    pages: &pages,
                    revisions: 1,
                    platforms: &PlatformSeals::default(),
                },
                &mut none,
            );
            reasons(&c)
        };
        assert_eq!(cover(&[seal("Scrive AB", "Scrive AB", 1)]), [None]);
        assert_eq!(
            platform_of(&seal("Scrive AB", "", 1), &PlatformSeals::default()),
            Some(Some(Provider::Scrive))
        );
        // Another platform's seal, or none, vouches for nothing on a Scrive page.
        assert_eq!(
            cover(&[seal("Adobe Acrobat Sign", "Adobe Inc.", 1)]),
            [Some(Uncovered::OtherPlatform)]
        );
        assert_eq!(cover(&[]), [Some(Uncovered::NoSeal)]);
        // A signature by the page's own party is a person's, even with a Scrive address.
        let mut party = seal("Jonathan", "", 1);
        if let Some(signer) = &mut party.signer {
            signer.email = Some("jonathan@scrive.com".into());
        }
        assert_eq!(cover(&[party]), [Some(Uncovered::NoSeal)]);
        // And Scrive's seal does not vouch for an Acrobat Sign report.
        let c = run(&[seal("Scrive AB", "Scrive AB", 1)], 1, &mut none);
        assert_eq!(reasons(&c), [Some(Uncovered::OtherPlatform), None]);
    }

    #[test]
    fn a_seal_over_an_earlier_revision_covers_only_what_that_revision_reads() {
        // Revision 1 held both pages as they read now: covered, and asked once.
        let mut asked = Vec::new();
        let body = "Sekreterare: Olle Ek\nOlle Ek (2 mar 2023 09:05 GMT+1)\n";
        let c = run(
            &[seal("Adobe Acrobat Sign", "Adobe Inc.", 1)],
            2,
            &mut |r, pages| {
                asked.push((r, pages.to_vec()));
                Some(vec![page(1, body), page(2, SV_INLINE)])
            },
        );
        assert_eq!(reasons(&c), [None, None]);
        // Once, for the stamp's page and the report's.
        assert_eq!(asked, [(1, vec![1, 2])]);
        // Revision 1 held neither the report page nor the stamp line.
        let c = run(
            &[seal("Adobe Acrobat Sign", "Adobe Inc.", 1)],
            2,
            &mut |_, _| Some(vec![page(1, "Sekreterare: Olle Ek\n")]),
        );
        assert_eq!(reasons(&c), [Some(Uncovered::AddedAfterSeal); 2]);
        // An earlier revision that cannot be read covers nothing.
        let c = run(&[seal("Adobe Acrobat Sign", "Adobe Inc.", 1)], 2, &mut none);
        assert_eq!(reasons(&c), [Some(Uncovered::AddedAfterSeal); 2]);
    }
}
