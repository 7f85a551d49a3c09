//! What can go wrong while loading or reading a PDF, and where.

use thiserror::Error;

/// An object number and generation, as in `12 0 R`.
pub type ObjectRef = (u32, u16);

/// Why a PDF could not be loaded or read. Every variant says where when it can.
#[derive(Debug, Error)]
#[non_exhaustive]
pub enum PdfError {
    /// The input is larger than `Limits::max_file_bytes`.
    #[error("file is {size} bytes, over the limit of {limit} bytes")]
    FileTooLarge { size: u64, limit: u64 },
    /// The input does not start like a PDF (no `%PDF-` header near the start).
    #[error("not a PDF: no %PDF- header in the first 1024 bytes")]
    NotPdf,
    /// The file is encrypted and cannot be opened with the empty user password.
    #[error("encrypted: the document needs a password ({reason})")]
    Encrypted { reason: String },
    /// The file could not be parsed at all, even after rebuilding the cross-reference table.
    #[error("malformed PDF: {reason}")]
    Malformed { reason: String },
    /// The cross-reference data at a byte offset is unreadable.
    #[error("broken cross-reference section at byte {offset}: {reason}")]
    Xref { offset: u64, reason: String },
    /// A referenced object is missing or of the wrong type.
    #[error("object {} {}: {reason}", .object.0, .object.1)]
    Object { object: ObjectRef, reason: String },
    /// A stream decompresses to more than the limit allows.
    #[error("stream {} {} decompresses past the limit of {limit} bytes", .object.0, .object.1)]
    StreamTooLarge { object: ObjectRef, limit: u64 },
    /// A cross-reference or object stream that the loader must decode to read the file
    /// decompresses past `Limits::max_stream_bytes` or `load::MAX_LOAD_STREAM_BYTES`, whichever
    /// is less (lopdf does not say which stream).
    #[error("a cross-reference or object stream decompresses past the limit of {limit} bytes")]
    LoadStreamTooLarge { limit: u64 },
    /// The document has more objects than `Limits::max_objects`.
    #[error("{count} objects, over the limit of {limit}")]
    TooManyObjects { count: usize, limit: usize },
    /// The document has more pages than `Limits::max_pages`.
    #[error("{count} pages, over the limit of {limit}")]
    TooManyPages { count: usize, limit: usize },
    /// The document has no page tree, or its page tree is empty.
    #[error("no pages: {reason}")]
    NoPages { reason: String },
    /// Work on the document took longer than `Limits::max_millis_per_document`.
    #[error("time limit of {millis} ms exceeded while {during}")]
    Timeout { millis: u64, during: &'static str },
    /// The PDF library panicked on this input; the panic was contained.
    #[error("parser crashed on malformed input while {during}: {message}")]
    ParserPanic {
        during: &'static str,
        message: String,
    },
}
