//! Meeting minutes (*sammanträdesprotokoll*): the meeting, who took part, who must sign.
//!
//! A pure stage: page texts in, [`MinutesFacts`] out, no I/O. It owns the reading of the
//! document's own words — organ, date, time, place, attendance lists with roles, parties,
//! substitutions and partial attendance, the designated chair, secretary and adjusters
//! (*justerare*), the justering and the notice (*anslag*) dates — each with the page and line
//! it rests on, because the verdict rules cite them (`shared/spec/verdict.md`). It leaves
//! signatures, audit trails and visible stamps to `signature` and `audit`, and the judgement
//! (deadlines, order, matching signers) to `verify`.
//!
//! The vocabulary of each language is data in `lang/*.toml` ([`vocab`]); the code knows the
//! genre's layouts: label and value on one line or on the next, tables flattened into text,
//! two-column lists, signature blocks in either order (role above or below the name), headers
//! and signature boxes repeated on every page.
//!
//! `participants[].role` is the role the attendance list itself gives; being designated to sign
//! is in `designated` only (verdict.md, "Roles in `participants[].role`").

mod datetime;
mod lines;
mod ocr_lines;
mod people;
mod reader;
mod text;
pub mod vocab;

pub(crate) use people::is_party;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::pdf::text::PageText;

/// A role in an attendance list (verdict.md's names).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// Ordförande.
    Chair,
    /// 1:e / 2:e vice ordförande.
    ViceChair,
    /// Sekreterare.
    Secretary,
    /// Justerare, when the list itself says so.
    Adjuster,
    /// Ledamot (beslutande).
    Member,
    /// Ersättare, serving or present.
    Substitute,
    /// Others present: officers, guests.
    Other,
}

/// The meeting itself.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct Meeting {
    /// The body that met ("Styrelsen, Kommunförbundet Västernorrland").
    pub organ: Option<String>,
    /// Local date, `YYYY-MM-DD`.
    pub date: Option<String>,
    /// Start, `HH:MM`.
    pub start: Option<String>,
    /// End, `HH:MM`.
    pub end: Option<String>,
    /// Where ("Digitalt via Teams").
    pub place: Option<String>,
}

/// One person in an attendance list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct Participant {
    /// Name as the list writes it.
    pub name: String,
    /// Role the list gives.
    pub role: Role,
    /// Party letters (`S`, `KD`).
    pub party: Option<String>,
    /// Municipality, organisation or title.
    pub affiliation: Option<String>,
    /// The member a substitute replaces ("X ersätter Y").
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub replaces: Option<String>,
    /// Partial attendance ("135-141" from "§§ 135-141").
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub paragraphs: Option<String>,
}

/// Who must sign, by role.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct Designated {
    /// Ordförande.
    pub chair: Vec<String>,
    /// Sekreterare.
    pub secretary: Vec<String>,
    /// Justerare.
    pub adjusters: Vec<String>,
}

/// The paragraphs the minutes cover.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct ParagraphRange {
    /// First § number.
    pub first: u32,
    /// Last § number.
    pub last: u32,
}

/// The announced justering (checking and signing of the minutes).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct Justering {
    /// Date, `YYYY-MM-DD`.
    pub date: Option<String>,
    /// Place ("digitalt").
    pub place: Option<String>,
}

/// The notice of justering on the anslagstavla.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct Notice {
    /// Date posted, `YYYY-MM-DD`.
    pub posted: Option<String>,
    /// Date taken down, `YYYY-MM-DD`.
    pub taken_down: Option<String>,
}

/// "X ersätter Y".
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct Substitution {
    /// The substitute, a participant.
    pub substitute: String,
    /// The member replaced, not a participant.
    pub replaces: String,
}

/// Which fact a piece of evidence supports.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Fact {
    /// The organ.
    Organ,
    /// The meeting date.
    MeetingDate,
    /// Start and end time.
    MeetingTime,
    /// The place.
    Place,
    /// A designated chair.
    Chair,
    /// A designated secretary.
    Secretary,
    /// A designated adjuster.
    Adjuster,
    /// The justering date or place.
    Justering,
    /// The notice posting date.
    NoticePosted,
    /// The notice removal date.
    NoticeTakenDown,
    /// The paragraph range.
    Paragraphs,
}

/// Where a fact was read: page and line of the page text.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct Evidence {
    /// The fact.
    pub fact: Fact,
    /// The value read (a name, a date).
    pub value: String,
    /// 1-based page number.
    pub page: usize,
    /// 1-based line number within the page's extracted text.
    pub line: usize,
}

/// Everything the minutes say about themselves.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct MinutesFacts {
    /// Organ, date, time, place.
    pub meeting: Meeting,
    /// Attendance, without the absent and the replaced.
    pub participants: Vec<Participant>,
    /// Designated signers.
    pub designated: Designated,
    /// Paragraph range.
    pub paragraphs: Option<ParagraphRange>,
    /// Announced justering.
    pub justering: Option<Justering>,
    /// Notice dates.
    pub notice: Option<Notice>,
    /// "X ersätter Y" pairs.
    pub substitutions: Vec<Substitution>,
    /// People listed as not present.
    pub absent: Vec<String>,
    /// Language code of the labels (`sv`, `en`).
    pub language: String,
    /// Page and line of each designated signer and date.
    pub evidence: Vec<Evidence>,
}

/// Reads minutes from page texts (page 1 first). `None` when the text is not minutes: no
/// participant list and no designated signers, or nothing that makes it a meeting record.
pub fn read_minutes(pages: &[&str]) -> Option<MinutesFacts> {
    reader::read(pages, vocab::lexicon())
}

/// [`read_minutes`] over extracted pages; the text of OCRed pages is first cleaned of what a
/// scan adds ([`ocr_lines`]).
pub fn read_minutes_pages(pages: &[PageText]) -> Option<MinutesFacts> {
    let cleaned: Vec<std::borrow::Cow<'_, str>> = pages
        .iter()
        .map(|p| match p.source {
            crate::pdf::text::TextSource::Ocr => ocr_lines::clean_page(&p.text).into(),
            _ => p.text.as_str().into(),
        })
        .collect();
    let texts: Vec<&str> = cleaned.iter().map(|t| t.as_ref()).collect();
    read_minutes(&texts)
}
