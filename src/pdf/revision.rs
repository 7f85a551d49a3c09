//! Incremental updates: every revision of the file with its byte offsets. (Stub: being written.)

use schemars::JsonSchema;
use serde::Serialize;

/// How a revision's cross-reference data is stored.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum XrefKind {
    /// A classic `xref` table.
    Table,
    /// A cross-reference stream (PDF 1.5).
    Stream,
    /// A hybrid file: a table whose trailer has `/XRefStm`.
    Hybrid,
    /// Not readable as written; found by scanning.
    Rebuilt,
}

/// One revision: the original file or one incremental update.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, JsonSchema)]
pub struct Revision {
    /// 1 for the original file, counting up with each incremental update.
    pub number: usize,
    /// Byte offset of this revision's cross-reference section (`startxref` value).
    pub xref_offset: u64,
    /// Byte offset just past this revision's `%%EOF` marker (and its end-of-line): the file as
    /// it was when this revision was written is `bytes[..end]`.
    pub end: u64,
    /// How the cross-reference data is stored.
    pub xref_kind: XrefKind,
}
