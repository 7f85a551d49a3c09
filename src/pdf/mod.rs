//! The PDF stage: loading under limits, revisions, metadata and text. Pure: bytes in, values out.

pub mod attachments;
pub mod contents;
pub mod decrypt;
pub mod error;
pub mod limits;
pub mod load;
pub mod metadata;
pub mod object;
pub mod pages;
pub mod revision;
pub mod stream;
pub mod text;

pub use error::{ObjectRef, PdfError};
pub use limits::{Deadline, Limits};
pub use load::{Pdf, load};
pub use metadata::DocumentMetadata;
pub use revision::{Revision, XrefKind};
