//! Opening a PDF from bytes under `Limits`. (Stub: being written.)

use super::{DocumentMetadata, Limits, PdfError, Revision};

/// A loaded PDF: lopdf's merged object view of the newest revision, plus every revision's bytes.
pub struct Pdf {
    /// lopdf's view of the document (all revisions merged, newest wins).
    pub doc: lopdf::Document,
    /// Every revision in file order, with the byte range it ends at.
    pub revisions: Vec<Revision>,
    /// The PDF version from the header or the catalog's `/Version`, e.g. `1.7`.
    pub version: String,
    /// True when the file was encrypted and opened with the empty user password.
    pub encrypted: bool,
    /// How the cross-reference data was repaired, when it had to be.
    pub xref_repair: Option<String>,
    /// Size of the input in bytes.
    pub size: u64,
}

impl Pdf {
    /// Number of pages in the page tree.
    pub fn page_count(&self) -> usize {
        self.doc.get_pages().len()
    }

    /// Info dictionary and XMP metadata.
    pub fn metadata(&self) -> DocumentMetadata {
        DocumentMetadata::default()
    }
}

/// Loads a PDF from its bytes, within `limits`.
pub fn load(bytes: &[u8], limits: &Limits) -> Result<Pdf, PdfError> {
    let _ = limits;
    let doc = lopdf::Document::load_mem(bytes).map_err(|e| PdfError::Malformed {
        reason: e.to_string(),
    })?;
    Ok(Pdf {
        version: doc.version.clone(),
        doc,
        revisions: Vec::new(),
        encrypted: false,
        xref_repair: None,
        size: bytes.len() as u64,
    })
}
