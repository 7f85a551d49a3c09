//! The facts change analysis reports: the level of a change, what changed, and each
//! signature's summary. The rules produce them; `verify` weighs them.

use schemars::JsonSchema;
use serde::Serialize;

/// How far a document was modified after a signature, ordered from least to most.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum ModificationLevel {
    /// Nothing was written after the signature.
    None,
    /// Long-term validation data only: DSS, document timestamps, metadata, bookkeeping.
    LtaUpdates,
    /// Form fields filled, signature fields created or signed.
    FormFilling,
    /// Annotations other than widgets added, changed or removed.
    Annotations,
    /// Anything else: content, page tree, resources, or a change no rule explains.
    Other,
}

/// What a changed object is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum Subject {
    /// The document catalog.
    Catalog,
    /// The trailer's `/Info` dictionary.
    DocumentInfo,
    /// The catalog's XMP `/Metadata` stream.
    XmpMetadata,
    /// The document security store.
    Dss,
    /// The DSS's `/VRI` dictionary or one of its entries.
    Vri,
    /// Certificates, OCSP responses, CRLs and their arrays.
    ValidationData,
    /// The AcroForm dictionary.
    AcroForm,
    /// The AcroForm `/Fields` array.
    FieldList,
    /// The AcroForm default resources.
    DefaultResources,
    /// A signature field.
    SignatureField,
    /// A signature dictionary (the value of a signature field).
    SignatureValue,
    /// A form field other than a signature field.
    FormField,
    /// A widget annotation.
    Widget,
    /// An appearance stream or appearance dictionary.
    AppearanceStream,
    /// A page.
    Page,
    /// A page tree node.
    PageTree,
    /// A page's `/Annots` array.
    AnnotationList,
    /// An annotation that is not a widget.
    Annotation,
    /// A cross-reference stream.
    XrefStream,
    /// An object stream.
    ObjectStream,
    /// A new object nothing refers to.
    Orphan,
    /// A content stream.
    ContentStream,
    /// A font.
    Font,
    /// An object a revision freed.
    FreedObject,
    /// The signature's byte range.
    Coverage,
    /// A revision that could not be parsed.
    Unreadable,
    /// Anything else.
    Object,
}

/// One object a later revision wrote, and how it was judged.
#[derive(Debug, Clone, PartialEq, Serialize, JsonSchema)]
pub struct Change {
    /// The revision that wrote it (1 is the original file).
    pub revision: usize,
    /// Its object number, when the change is about one object.
    pub object: Option<u32>,
    /// Its generation.
    pub generation: Option<u16>,
    /// What it is.
    pub what: Subject,
    /// The level it was explained at (`other` when nothing explains it).
    pub level: ModificationLevel,
    /// Why.
    pub reason: String,
    /// The form field it belongs to.
    pub field: Option<String>,
}

/// What changed after one signature.
#[derive(Debug, Clone, PartialEq, Serialize, JsonSchema)]
pub struct SignatureChanges {
    /// The revision the signature covers, when its byte range ends at a revision boundary.
    pub signed_revision: Option<usize>,
    /// How many revisions follow it.
    pub later_revisions: usize,
    /// The highest level of change after the signature.
    pub modification_level: ModificationLevel,
    /// The highest level this signature permits (its DocMDP, an earlier certification
    /// signature's, or `form_filling`).
    pub permitted_level: ModificationLevel,
    /// True when the changes exceed what the signature permits or touch a locked field.
    pub modified_after_signing: bool,
    /// Fields locked by this signature's FieldMDP whose value changed.
    pub locked_fields_changed: Vec<String>,
    /// Every object the later revisions wrote, with its level (the first unexplained change
    /// ends the list for a revision).
    pub changes: Vec<Change>,
}
