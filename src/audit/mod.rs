//! E-sign audit trails and visible signing stamps: the signing evidence of documents that were
//! signed on a platform rather than with a PDF signature of each person.
//!
//! This stage is pure: page texts in, facts out. It owns
//! - finding audit trails (the report a signing platform appends: "Final Audit Report",
//!   "Slutgiltig revideringsrapport", Scrive's "Verifikat") and reading their header and events, one module per
//!   provider ([`adobe_sign`], [`scrive`]), each language a vocabulary file
//!   (`adobe_sign/sv.toml`, `scrive/en.toml`, …);
//! - visible stamps in the body (`Annelie Ledin (26 sep 2022 10:58 GMT+2)`, [`stamp`]);
//! - the derived facts the verdict rules rest on ([`facts`]): who signed when, sent → viewed →
//!   signed per signer, completion, recipients who never signed, times going backwards, stamps
//!   against the trail.
//!
//! It leaves the judgement to `verify/` (which findings, which severities) and the meeting and
//! its designated signers to `minutes/`. Times are kept as UTC instants ([`jiff::Timestamp`],
//! RFC 3339 `…Z` when serialised), exact to the second as the trail gives them.
//!
//! Nothing here panics on any text: parsing works on `char`s through checked accessors, and
//! every loop is bounded by the input (see the fuzz-style tests).

pub mod adobe_sign;
pub mod facts;
pub mod scrive;
pub mod stamp;
mod template;
mod text;
mod vocab;
mod when;

/// How many non-blank lines after an evidence page's title may pass before its header,
/// history or parties heading shows that the title heads a page, not a phrase in the body or
/// a running header. Shared by the providers, whose pages are read under the same limits.
pub(crate) const CONFIRM_WINDOW: usize = 12;
/// Most lines one event description may span; beyond that the oldest lines are not part of it.
pub(crate) const MAX_DESCRIPTION_LINES: usize = 8;
/// Most characters of one event description that are matched.
pub(crate) const MAX_DESCRIPTION_CHARS: usize = 1_500;
/// Most events read from one trail or page; a real one has tens.
pub(crate) const MAX_EVENTS: usize = 10_000;

#[cfg(test)]
mod corpus_tests;
#[cfg(test)]
mod fuzz_tests;

use jiff::Timestamp;
use jiff::civil::Date;
use serde::{Deserialize, Serialize};
use thiserror::Error;

use crate::pdf::text::PageText;

pub use stamp::{Stamp, find_stamps, find_stamps_in};
pub use template::TemplateError;
pub use text::name_key;

/// The platform that wrote an audit trail.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum Provider {
    /// Adobe Acrobat Sign (formerly Adobe Sign, EchoSign).
    AdobeSign,
    /// Scrive (formerly SkrivaPå): the "Verifikat" / "Verification" evidence page.
    Scrive,
}

/// A person as a trail names them: a name, an e-mail address, or both.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, schemars::JsonSchema)]
pub struct Party {
    /// The name as written.
    pub name: Option<String>,
    /// The e-mail address, lower-cased.
    pub email: Option<String>,
}

/// The state of the agreement that the trail's header gives.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum TrailStatus {
    /// Signed by everyone ("Signerat", "Signed").
    Signed,
    /// Still out for signature ("Ute för signering", "Out for Signature").
    OutForSignature,
    /// Cancelled by the sender.
    Cancelled,
    /// Declined by a recipient.
    Declined,
    /// Expired before everyone signed.
    Expired,
    /// No status, or one the vocabulary does not know.
    Unknown,
}

/// First and last page a trail occupies (1-based, inclusive).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, schemars::JsonSchema)]
pub struct PageRange {
    /// First page.
    pub first: usize,
    /// Last page.
    pub last: usize,
}

/// One audit trail (one report) found in a document.
#[derive(Debug, Clone, PartialEq, Serialize, schemars::JsonSchema)]
pub struct AuditTrail {
    /// The platform.
    pub provider: Provider,
    /// Language of the report's vocabulary (`sv`, `en`).
    pub language: String,
    /// The report's own title as written ("Final Audit Report").
    pub report: String,
    /// The date printed beside the report's title.
    pub report_date: Option<Date>,
    /// The agreement's (document's) title.
    pub title: Option<String>,
    /// The platform's transaction or envelope id.
    pub transaction_id: Option<String>,
    /// The date the agreement was created.
    pub created: Option<Date>,
    /// Who created (sent) the agreement.
    pub created_by: Option<Party>,
    /// The status as written.
    pub status: Option<String>,
    /// The status, understood.
    pub status_kind: TrailStatus,
    /// The signing parties the trail lists with their own details (Scrive's "Signerande
    /// parter"); empty for a trail that names people only in its events (Acrobat Sign).
    pub parties: Vec<SigningParty>,
    /// The events in the order the trail lists them.
    pub events: Vec<AuditEvent>,
    /// Pages the trail occupies.
    pub page_range: PageRange,
    /// What could not be read, and where.
    pub issues: Vec<TrailIssue>,
}

/// What an audit event records.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum EventKind {
    /// The agreement was created.
    Created,
    /// The agreement was e-mailed to a recipient for signing.
    SentForSigning,
    /// The agreement was e-mailed to a recipient for approval.
    SentForApproval,
    /// A recipient opened the e-mail or the agreement.
    Viewed,
    /// A signer typed the name to sign with.
    NameEntered,
    /// A signer e-signed (the time is the signature date).
    ESigned,
    /// A signer signed with a digital ID (certificate).
    DigitallySigned,
    /// An approver approved.
    Approved,
    /// The sender added an alternative signer for a recipient.
    AlternativeSignerAdded,
    /// A recipient delegated signing to someone else.
    Delegated,
    /// The sender replaced a recipient with someone else.
    SignerReplaced,
    /// An e-mail to a recipient bounced.
    EmailBounced,
    /// A recipient declined to sign.
    Declined,
    /// The sender cancelled the agreement.
    Cancelled,
    /// The agreement expired.
    Expired,
    /// The agreement was completed (everyone signed).
    Completed,
    /// A signer identified themselves (with an e-ID) before signing.
    Identified,
    /// The platform sealed the document with its own signature: Scrive's completion.
    Sealed,
    /// An event no vocabulary knows; its description is kept.
    Other,
}

/// One event of an audit trail.
#[derive(Debug, Clone, PartialEq, Serialize, schemars::JsonSchema)]
pub struct AuditEvent {
    /// What happened.
    pub kind: EventKind,
    /// When, in UTC, exact to the second as the trail gives it.
    pub time: Timestamp,
    /// Who did it (viewer, signer, sender), as named.
    pub actor_name: Option<String>,
    /// Who did it, e-mail address lower-cased.
    pub actor_email: Option<String>,
    /// To whom (sent to, bounced for, alternative or delegate), as named.
    pub recipient_name: Option<String>,
    /// To whom, e-mail address lower-cased.
    pub recipient_email: Option<String>,
    /// The recipient an alternative signer or delegate stands in for.
    pub original_email: Option<String>,
    /// IP address the trail gives.
    pub ip: Option<String>,
    /// Time source the trail gives ("server").
    pub time_source: Option<String>,
    /// How the actor was identified, when the event says ("with Swedish BankID").
    pub identification: Option<Identification>,
    /// The personal identity number the event gives, masked (`19700101-****`).
    pub personal_number: Option<String>,
    /// Page of the event's description (1-based).
    pub page: usize,
    /// Line of the event's description within its page (1-based).
    pub line: usize,
    /// Page of the event's time line (differs from `page` when the event straddles a break).
    pub time_page: usize,
    /// Line of the event's time line within its page.
    pub time_line: usize,
    /// The description as written, lines joined by spaces.
    pub description: String,
}

/// How a signer proved who they were, as the trail says.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum Identification {
    /// Swedish BankID (an e-ID bound to a personal identity number).
    BankId,
    /// A link sent by e-mail.
    Email,
    /// A code sent by SMS.
    Sms,
    /// A method the vocabulary names but arkivar does not tell apart (another e-ID, a pad).
    Other,
}

/// A signing party as a trail lists them apart from its events (Scrive's party boxes).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, schemars::JsonSchema)]
pub struct SigningParty {
    /// The name as written.
    pub name: Option<String>,
    /// The e-mail address, lower-cased.
    pub email: Option<String>,
    /// The personal identity number or ID number, masked (`19700101-****`); only the date of
    /// birth is kept, as for certificates (verdict.md, personal data).
    pub personal_number: Option<String>,
    /// When the party signed, in UTC ("Signerade 2015-02-23 15:57:15 CET (+0100)").
    pub signed: Option<Timestamp>,
    /// Page of the party's first line.
    pub page: usize,
    /// Line of the party's first line within its page.
    pub line: usize,
}

/// Something in a trail that could not be read; the trail is kept, the issue says where.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Error, schemars::JsonSchema)]
#[serde(tag = "kind", rename_all = "snake_case")]
#[non_exhaustive]
pub enum TrailIssue {
    /// A timed event whose description no vocabulary template or keyword knows.
    #[error("page {page}, line {line}: audit event not recognised")]
    UnknownEvent { page: usize, line: usize },
    /// An event description at the end of the trail with no time after it.
    #[error("page {page}, line {line}: audit event without a time")]
    MissingTime { page: usize, line: usize },
    /// A time with no description before it.
    #[error("page {page}, line {line}: time without an audit event")]
    OrphanTime { page: usize, line: usize },
}

/// A vocabulary or calendar file that cannot be used. They are compiled in, so this is a
/// build defect; `check_vocabularies` lets a test catch it.
/// A variant's `cause` ends its message, and is therefore not also its `source()`.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[non_exhaustive]
pub enum VocabError {
    /// The file is not valid TOML for its schema.
    #[error("vocabulary {file}: {message}")]
    Toml { file: &'static str, message: String },
    /// A template in the file is malformed.
    #[error("vocabulary {file}: {cause}")]
    Template {
        file: &'static str,
        cause: TemplateError,
    },
    /// A value is out of range or inconsistent.
    #[error("vocabulary {file}: {message}")]
    Invalid { file: &'static str, message: String },
}

/// Loads every compiled-in vocabulary and calendar file, reporting the first that fails.
pub fn check_vocabularies() -> Result<(), VocabError> {
    when::calendar().map_err(Clone::clone)?;
    stamp::check_vocabulary()?;
    adobe_sign::vocabularies().map_err(Clone::clone)?;
    scrive::vocabularies().map_err(Clone::clone)?;
    Ok(())
}

/// Finds every audit trail in the pages' texts (`pages[i]` is page `i + 1`).
pub fn find_audit_trails(pages: &[&str]) -> Vec<AuditTrail> {
    let numbered: Vec<(usize, &str)> = pages.iter().enumerate().map(|(i, t)| (i + 1, *t)).collect();
    find_in_numbered(&numbered)
}

/// Finds every audit trail in extracted pages.
pub fn find_audit_trails_in(pages: &[PageText]) -> Vec<AuditTrail> {
    let numbered: Vec<(usize, &str)> = pages.iter().map(|p| (p.number, p.text.as_str())).collect();
    find_in_numbered(&numbered)
}

fn find_in_numbered(pages: &[(usize, &str)]) -> Vec<AuditTrail> {
    let lines = text::lines_of(pages);
    // One entry per provider; DocuSign's Certificate of Completion is one more module with a
    // `find` of the same shape.
    let mut trails = adobe_sign::find(&lines);
    trails.extend(scrive::find(&lines));
    trails.sort_by_key(|t| (t.page_range.first, t.page_range.last));
    trails
}
