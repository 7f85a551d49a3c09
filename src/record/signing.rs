//! The signing events of a record: one per person, merged from every source that says they
//! signed, and the types that describe them.
//!
//! They live with the record, which publishes them, rather than with `verify`, which builds
//! them: `verify` reads the record's codes, so the record importing `verify` back would make
//! the two one tangle.

use jiff::Timestamp;
use schemars::JsonSchema;
use serde::Serialize;

/// One source's account of a signing.
#[derive(Debug, Clone, PartialEq, Serialize, JsonSchema)]
pub struct SourceTime {
    /// Which kind of source.
    pub source: SigningSource,
    /// The time it gives, RFC 3339 UTC.
    #[schemars(with = "String")]
    pub time: Timestamp,
    /// True when the source shows minutes only (a visible stamp): compare after truncation.
    pub minute_precision: bool,
    /// Where: signature field, or page and line.
    pub at: String,
    /// Why no PDF signature that arkivar checked vouches for this source (an audit trail or a
    /// stamp that no seal covers); null when one does, and for a PDF signature, which is its
    /// own evidence.
    pub uncovered: Option<Uncovered>,
}

/// One person's signing, merged from all sources.
#[derive(Debug, Clone, PartialEq, Serialize, JsonSchema)]
pub struct Signing {
    /// The name as the minutes write it when the signer was matched, else as the source
    /// gives it.
    pub name: String,
    /// The name the source gave (certificate CN, audit-trail name).
    pub signer_name: Option<String>,
    /// E-mail from the certificate or the audit trail.
    pub email: Option<String>,
    /// The role the person signs in.
    pub role: SignerRole,
    /// How the signer matched the minutes' people.
    pub matched: MatchState,
    /// The primary source: PDF signature, then audit trail, then stamp.
    pub source: SigningSource,
    /// The primary source's time.
    #[schemars(with = "Option<String>")]
    pub time: Option<Timestamp>,
    /// Every source's time.
    pub times: Vec<SourceTime>,
}

impl Signing {
    /// Why no PDF signature arkivar checked vouches for this signing, when none does: every
    /// source is text (an audit trail or stamp) that no seal covers. `None` when a source is
    /// a PDF signature or covered text, and for a pen signature (it has its own rule).
    pub fn unvouched(&self) -> Option<Uncovered> {
        let mut reasons = self.times.iter().map(|t| t.uncovered);
        let first = reasons.next()??;
        reasons.all(|r| r.is_some()).then_some(first)
    }
}

/// How a signer was matched against the minutes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum MatchState {
    /// One person matched.
    Matched,
    /// Several people matched: nobody is assumed.
    Ambiguous,
    /// Nobody matched.
    Unmatched,
    /// There are no minutes to match against.
    NoMinutes,
}

/// Why no seal vouches for a piece of evidence.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Uncovered {
    /// No PDF signature that is nobody's of the document's people holds (intact and valid):
    /// the seal was removed, broken, or never there.
    NoSeal,
    /// The only seals that hold are another known platform's.
    OtherPlatform,
    /// The latest seal that holds covers an earlier revision, which does not read as the final
    /// document does where the evidence is: the evidence was added or changed after sealing.
    AddedAfterSeal,
}

impl Uncovered {
    /// What the reason means, for people.
    pub fn explain(self) -> &'static str {
        match self {
            Uncovered::NoSeal => "no PDF signature that arkivar checked intact and valid seals it",
            Uncovered::OtherPlatform => "the only seals that hold are another platform's",
            Uncovered::AddedAfterSeal => {
                "it was added or changed after the revision the seal covers"
            }
        }
    }
}

/// The role a signature is given in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum SignerRole {
    /// Ordförande.
    Chair,
    /// Sekreterare.
    Secretary,
    /// Justerare.
    Adjuster,
    /// Any other signer.
    Other,
}

/// Where a signing event was found.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum SigningSource {
    /// A PDF (PAdES/CMS) signature.
    Pades,
    /// The eID login that a signing service's certificate records for a PDF signature (the
    /// authentication instant of its RFC 7773 Authentication Context): the signing's time
    /// when there is one, with the signature's own time kept beside it.
    EidLogin,
    /// An e-sign provider's audit trail.
    AuditTrail,
    /// A visible signing stamp in the document text.
    Text,
}
