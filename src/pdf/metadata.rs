//! Document metadata from the Info dictionary and the XMP packet. (Stub: being written.)

use schemars::JsonSchema;
use serde::Serialize;

/// Title, author, producer and dates of a document; dates in RFC 3339.
#[derive(Debug, Clone, Default, PartialEq, Serialize, JsonSchema)]
pub struct DocumentMetadata {
    /// Document title.
    pub title: Option<String>,
    /// Author.
    pub author: Option<String>,
    /// Subject.
    pub subject: Option<String>,
    /// Keywords.
    pub keywords: Option<String>,
    /// The application that created the original document.
    pub creator: Option<String>,
    /// The application that wrote the PDF.
    pub producer: Option<String>,
    /// Creation date, RFC 3339.
    pub created: Option<String>,
    /// Last modification date, RFC 3339.
    pub modified: Option<String>,
    /// Where each value came from when Info and XMP disagree or only one has it.
    pub xmp_present: bool,
}
