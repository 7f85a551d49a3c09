//! Opening a PDF from bytes under `Limits`.
//!
//! This module owns the one call into lopdf that parses a whole file: it checks the cheap
//! things first (size, header), runs lopdf with its decompression cap under `catch_unwind`
//! (lopdf has panicked on malformed input, lopdf #82 and #532), retries once with the
//! cross-reference table rebuilt, then enforces the object and page limits and refuses
//! documents it cannot decrypt. Revisions come from [`super::revision`], which reads the
//! file's own layout because lopdf merges revisions; metadata from [`super::metadata`].

use std::borrow::Cow;

use lopdf::xref::XrefRecovery;
use lopdf::{DecompressError, Document, LoadOptions, Object, ParseError};

use super::decrypt::DecryptError;
use super::limits::Deadline;
use super::{
    DocumentMetadata, Limits, PdfError, Revision, XrefKind, contents, decrypt, pages, revision,
};

/// How far into the input the `%PDF-` header may start (ISO 32000-2 §7.5.2 wants it at 0;
/// readers accept leading junk within the first kilobyte, and so do we).
pub const HEADER_SEARCH_BYTES: usize = 1024;
/// The header's marker.
const HEADER_MARKER: &[u8] = b"%PDF-";

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
        DocumentMetadata::from_document(&self.doc)
    }

    /// The revision numbered `number` (1 is the original file).
    pub fn revision(&self, number: usize) -> Option<&Revision> {
        self.revisions.iter().find(|r| r.number == number)
    }

    /// The file as it was when revision `number` was written: `bytes[..end]`. `bytes` must be
    /// the input this `Pdf` was loaded from; `None` when there is no such revision or the
    /// input is shorter than the revision's end.
    pub fn revision_bytes<'a>(&self, bytes: &'a [u8], number: usize) -> Option<&'a [u8]> {
        let end = usize::try_from(self.revision(number)?.end).ok()?;
        bytes.get(..end)
    }
}

/// Loads a PDF from its bytes, within `limits`.
///
/// Errors name the most specific cause lopdf reports. Lenient loading repairs damaged
/// cross-reference data (see [`Pdf::xref_repair`]); if it fails, loading is retried once
/// with the table rebuilt by scanning before the file is called [`PdfError::Malformed`].
/// lopdf reads the whole file before the object limit can be checked, so `max_objects`
/// bounds what later stages walk rather than the memory of this call; `max_file_bytes` and
/// `max_stream_bytes` bound that. Likewise lopdf cannot be interrupted, so the time limit is
/// checked when it returns ([`PdfError::Timeout`]), not while it runs.
pub fn load(bytes: &[u8], limits: &Limits) -> Result<Pdf, PdfError> {
    let deadline = limits.deadline();
    let size = bytes.len() as u64;
    if size > limits.max_file_bytes {
        return Err(PdfError::FileTooLarge {
            size,
            limit: limits.max_file_bytes,
        });
    }
    // A file whose header is damaged but whose body ends like a PDF is still read, as
    // pdftotext and pdfsig do (a signed file with a mangled first line is evidence too).
    let header_at = match find_header(bytes) {
        Some(at) => Some(at),
        None if has_pdf_trailer(bytes) => None,
        None => return Err(PdfError::NotPdf),
    };

    // What lopdf is given, made once for every attempt below: the file, or (lopdf insists on
    // a header) a copy whose first line is one, so every byte offset (xref, revisions,
    // signatures) stays where the file has it.
    let input: Cow<'_, [u8]> = match header_at {
        Some(_) => Cow::Borrowed(bytes),
        None => Cow::Owned(with_header(bytes).ok_or(PdfError::NotPdf)?),
    };
    let opened = match header_at {
        Some(_) => open_signed(bytes, limits),
        None => open(&input, limits),
    };
    let (opened, spelled_note) = retry_with_names_spelled_out(&input, limits, opened);
    let (doc, retried, crypt_note) = decrypt_if_needed(&input, limits, opened)?;
    check_deadline(&deadline, "loading")?;
    let encrypted = doc.encryption_state.is_some() || crypt_note.is_some();
    let (mut doc, filter_note) = reload_with_full_filter_names(&input, limits, doc);
    let untyped_note = unpack_untyped_object_streams(&mut doc, limits);
    let (mut doc, walk, retried) = rebuild_for_missing_pages(&input, limits, doc, retried);
    let (page_repair, walk_finding) = repair_page_tree(&mut doc, walk, limits)?;

    let count = doc.objects.len();
    if count > limits.max_objects {
        return Err(PdfError::TooManyObjects {
            count,
            limit: limits.max_objects,
        });
    }
    let pages = contain("counting pages", || doc.page_iter().count())?;
    if pages > limits.max_pages {
        return Err(PdfError::TooManyPages {
            count: pages,
            limit: limits.max_pages,
        });
    }
    if pages == 0 {
        return Err(PdfError::NoPages {
            reason: why_no_pages(&doc, walk_finding),
        });
    }
    check_deadline(&deadline, "counting pages")?;

    let version = version(bytes, header_at, &doc);
    let xref_repair = match (
        header_at,
        describe_repair(doc.xref_recovery, retried.as_ref()),
    ) {
        (Some(_), repair) => repair,
        (None, None) => Some(NO_HEADER.to_owned()),
        (None, Some(repair)) => Some(format!("{NO_HEADER}; {repair}")),
    };
    let notes = [
        spelled_note,
        crypt_note.filter(|n| !n.is_empty()),
        filter_note,
        untyped_note,
        page_repair,
    ];
    let xref_repair = std::iter::once(xref_repair)
        .chain(notes)
        .flatten()
        .reduce(|all, next| format!("{all}; {next}"));
    let scanned = revision::scan(bytes);
    if let Some(chain_break) = &scanned.chain_break {
        tracing::warn!(%chain_break, "revisions found by scanning for %%EOF");
    }
    let mut revisions = scanned.revisions;
    if revisions.is_empty() {
        // lopdf read the file without a single `%%EOF` or usable `startxref`: the whole input
        // is the only revision there is.
        revisions.push(Revision {
            number: 1,
            xref_offset: 0,
            end: size,
            xref_kind: XrefKind::Rebuilt,
        });
    }

    Ok(Pdf {
        doc,
        revisions,
        version,
        encrypted,
        xref_repair,
        size,
    })
}

/// What the record says of a file read without its `%PDF-` header.
const NO_HEADER: &str =
    "the file has no %PDF- header; it was read from its cross-reference data and objects";

/// Bytes at the end of a file searched for `startxref` when the header is missing.
const TRAILER_SEARCH_BYTES: usize = 2048;

/// True when the end of the file has `startxref` and `%%EOF`, as a PDF's does.
fn has_pdf_trailer(bytes: &[u8]) -> bool {
    let tail = &bytes[bytes.len().saturating_sub(TRAILER_SEARCH_BYTES)..];
    let has = |needle: &[u8]| tail.windows(needle.len()).any(|w| w == needle);
    has(b"startxref") && has(b"%%EOF")
}

/// A copy of `bytes` whose first line is overwritten with a `%PDF-1.7` header padded with
/// spaces. When the first line is too short to hold one but is a comment (the binary-marker
/// line `%âãÏÓ` of a file that lost its header line), the header is put before it instead;
/// the offsets then point a line early, which lopdf's lenient reading corrects or rebuilds.
/// `None` when the first line is neither.
fn with_header(bytes: &[u8]) -> Option<Vec<u8>> {
    const FAKE: &[u8] = b"%PDF-1.7";
    let line_end = bytes.iter().position(|&b| b == b'\n' || b == b'\r')?;
    if line_end < FAKE.len() {
        return (bytes.first() == Some(&b'%')).then(|| [FAKE, b"\n", bytes].concat());
    }
    let mut copy = bytes.to_vec();
    copy[..FAKE.len()].copy_from_slice(FAKE);
    copy[FAKE.len()..line_end].fill(b' ');
    Some(copy)
}

/// Where `%PDF-` starts within the first [`HEADER_SEARCH_BYTES`] bytes.
fn find_header(bytes: &[u8]) -> Option<usize> {
    let head = bytes.get(..bytes.len().min(HEADER_SEARCH_BYTES))?;
    head.windows(HEADER_MARKER.len())
        .position(|w| w == HEADER_MARKER)
}

/// Why the lenient load failed before the retry that worked.
type RetryCause = String;

/// What [`open`] returns: the document and why a retry was needed, or why it failed.
type Opened = Result<(Document, Option<RetryCause>), PdfError>;

/// How the lenient load failed.
enum LenientFailure {
    /// lopdf returned an error.
    Error(lopdf::Error),
    /// lopdf panicked (already contained).
    Panic(PdfError),
}

/// [`open`] with signatures' `/Contents` strings emptied for the parse and put back after
/// ([`contents`]); the file as written when there are none, it is encrypted (strings are
/// decrypted as they are parsed), or they do not all go back.
fn open_signed(bytes: &[u8], limits: &Limits) -> Result<(Document, Option<RetryCause>), PdfError> {
    let spans = contents::find(bytes);
    if spans.is_empty() || memchr::memmem::find(bytes, b"/Encrypt").is_some() {
        return open(bytes, limits);
    }
    if let Ok((mut doc, retried)) = open(&contents::emptied(bytes, &spans), limits)
        && contents::restore(&mut doc, bytes, &spans)
    {
        return Ok((doc, retried));
    }
    open(bytes, limits)
}

/// Most bytes an object or cross-reference stream that lopdf decodes while loading may
/// inflate to. Those streams of real files hold a few hundred objects or one row per object
/// (a cross-reference stream for `max_objects` = 2 million objects of 11-byte rows is 22 MiB);
/// lopdf decodes each whole and may reserve twice its limit while growing its buffer, before
/// arkivar can say anything, so a bomb among them is refused here, at a cost of at most about
/// twice this.
pub const MAX_LOAD_STREAM_BYTES: u64 = 32 * 1024 * 1024;

/// The decompression cap lopdf gets for the streams it decodes while loading.
fn load_stream_cap(limits: &Limits) -> u64 {
    limits.max_stream_bytes.min(MAX_LOAD_STREAM_BYTES)
}

/// Runs lopdf leniently, then once more with the cross-reference table rebuilt. Returns the
/// document and, when the retry was needed, what went wrong the first time.
fn open(bytes: &[u8], limits: &Limits) -> Result<(Document, Option<RetryCause>), PdfError> {
    let max_stream = usize::try_from(load_stream_cap(limits)).unwrap_or(usize::MAX);
    let options = |force_reconstruct| LoadOptions {
        max_decompressed_size: Some(max_stream),
        force_reconstruct,
        ..LoadOptions::default()
    };
    let lenient = contain("loading", || {
        Document::load_mem_with_options(bytes, options(false))
    });
    let failure = match lenient {
        Ok(Ok(doc)) => return Ok((doc, None)),
        Ok(Err(error)) if !worth_rebuilding(&error) => return Err(map_error(error, bytes, limits)),
        Ok(Err(error)) => LenientFailure::Error(error),
        // A panic on the table as written may not recur on a rebuilt one.
        Err(panic) => LenientFailure::Panic(panic),
    };
    let rebuilt = contain("rebuilding the cross-reference table", || {
        Document::load_mem_with_options(bytes, options(true))
    });
    match (failure, rebuilt) {
        (LenientFailure::Error(error), Ok(Ok(doc))) => Ok((doc, Some(error.to_string()))),
        (LenientFailure::Panic(panic), Ok(Ok(doc))) => Ok((doc, Some(panic.to_string()))),
        // The first attempt describes the file as written, so its failure is the one reported.
        (LenientFailure::Error(error), _) => Err(with_retry_note(map_error(error, bytes, limits))),
        (LenientFailure::Panic(panic), _) => Err(panic),
    }
}

/// False for failures that rebuilding the cross-reference table cannot cure.
fn worth_rebuilding(error: &lopdf::Error) -> bool {
    !matches!(
        error,
        lopdf::Error::Decompress(DecompressError::MemoryLimitExceeded { .. })
            | lopdf::Error::Decompress(DecompressError::TooManyFilters { .. })
            | lopdf::Error::InvalidPassword
            | lopdf::Error::Decryption(_)
            | lopdf::Error::UnsupportedSecurityHandler(_)
            | lopdf::Error::Parse(ParseError::InvalidFileHeader)
    )
}

/// Says in a `Malformed` error that the rebuild was tried too.
fn with_retry_note(error: PdfError) -> PdfError {
    match error {
        PdfError::Malformed { reason } => PdfError::Malformed {
            reason: format!("{reason}; rebuilding the cross-reference table did not help"),
        },
        other => other,
    }
}

/// Maps a lopdf error to the most specific [`PdfError`], with the offset or object it names.
fn map_error(error: lopdf::Error, bytes: &[u8], limits: &Limits) -> PdfError {
    use lopdf::Error as E;
    match error {
        E::Decompress(DecompressError::MemoryLimitExceeded { .. }) => {
            PdfError::LoadStreamTooLarge {
                limit: load_stream_cap(limits),
            }
        }
        E::Xref(_)
        | E::Parse(ParseError::InvalidXref | ParseError::InvalidTrailer)
        | E::MissingXrefEntry => match revision::last_startxref(bytes) {
            Some(offset) => PdfError::Xref {
                offset,
                reason: error.to_string(),
            },
            // Where `startxref` should have been: the end of the file.
            None => PdfError::Xref {
                offset: bytes.len() as u64,
                reason: format!("{error}; the file has no startxref (truncated?)"),
            },
        },
        E::InvalidOffset(offset) => PdfError::Xref {
            offset: offset as u64,
            reason: "an offset points outside the file".to_owned(),
        },
        E::IndirectObject { offset } => PdfError::Malformed {
            reason: format!("invalid indirect object at byte {offset}"),
        },
        E::ObjectNotFound(object) => PdfError::Object {
            object,
            reason: "not found".to_owned(),
        },
        E::ReferenceCycle(object) => PdfError::Object {
            object,
            reason: "reference cycle".to_owned(),
        },
        E::InvalidPassword => PdfError::Encrypted {
            reason: "the empty user password is not accepted".to_owned(),
        },
        E::Decryption(cause) => PdfError::Encrypted {
            reason: format!("decryption failed: {cause}"),
        },
        E::UnsupportedSecurityHandler(handler) => PdfError::Encrypted {
            reason: format!(
                "unsupported security handler /{}",
                String::from_utf8_lossy(&handler)
            ),
        },
        E::Parse(ParseError::InvalidFileHeader) => PdfError::Malformed {
            reason: "the %PDF- header has no readable version".to_owned(),
        },
        E::Parse(ParseError::EndOfInput) => PdfError::Malformed {
            reason: format!(
                "the file ends unexpectedly after {} bytes (truncated?)",
                bytes.len()
            ),
        },
        other => PdfError::Malformed {
            reason: other.to_string(),
        },
    }
}

/// lopdf loads an encrypted file whose password it does not know without error but with no
/// objects and the `/Encrypt` entry still in the trailer; that must not pass as an empty
/// document.
fn refuse_undecryptable(doc: &Document) -> Result<(), PdfError> {
    if !doc.trailer.has(b"Encrypt") || doc.encryption_state.is_some() {
        return Ok(());
    }
    let handler = doc
        .trailer
        .get_deref(b"Encrypt", doc)
        .and_then(Object::as_dict)
        .ok()
        .and_then(|dict| dict.get(b"Filter").and_then(Object::as_name).ok())
        .map(|name| String::from_utf8_lossy(name).into_owned());
    let reason = match handler.as_deref() {
        // Only the standard security handler has passwords (ISO 32000-2 §7.6.4); the
        // public-key one needs a recipient's private key (§7.6.5).
        Some(other) if other != "Standard" => format!(
            "security handler /{other} is not supported: it needs a recipient's private key, \
             not a password"
        ),
        _ => "the empty user password does not open it; a user password is needed".to_owned(),
    };
    Err(PdfError::Encrypted { reason })
}

/// `opened` as it is when lopdf decrypted it or it is not encrypted; otherwise the file is
/// loaded again with its `/Encrypt` entry hidden and decrypted by [`decrypt`] with the empty
/// user password, which reads around the defects lopdf's loader stops at. Returns the
/// document, the retry cause, and (after the fallback) what it read around. A document that
/// needs a user password is refused as lopdf's loader refused it.
fn decrypt_if_needed(
    input: &[u8],
    limits: &Limits,
    opened: Result<(Document, Option<RetryCause>), PdfError>,
) -> Result<(Document, Option<RetryCause>, Option<String>), PdfError> {
    let refusal = match opened {
        Ok((doc, retried)) => match refuse_undecryptable(&doc) {
            Ok(()) => return Ok((doc, retried, None)),
            Err(refusal) => refusal,
        },
        Err(refusal @ PdfError::Encrypted { .. }) => refusal,
        Err(other) => return Err(other),
    };
    let Some(hidden) = decrypt::hide_encrypt(input) else {
        return Err(refusal);
    };
    let Ok((mut doc, retried)) = open(&hidden, limits) else {
        return Err(refusal);
    };
    let max_stream = usize::try_from(load_stream_cap(limits)).unwrap_or(usize::MAX);
    match contain("decrypting", || decrypt::decrypt(&mut doc, max_stream))? {
        Ok(opened) => Ok((doc, retried, Some(opened.note))),
        // The trailer names an /Encrypt object that does not parse as a dictionary
        // (PDFBOX-4352-0.pdf's starts `E<`): no key can be derived, whatever the password,
        // so the file is damaged rather than locked, and is refused as such.
        Err(error @ DecryptError::NoDictionary) => Err(PdfError::Malformed {
            reason: format!(
                "the trailer says the file is encrypted, but {error}, so no key can be derived"
            ),
        }),
        Err(error) => Err(PdfError::Encrypted {
            reason: error.to_string(),
        }),
    }
}

/// Abbreviated filter names (§8.9.7, Table 92) that object streams have been seen to use.
const ABBREVIATED_FILTERS: [&[u8]; 5] = [b"/Fl", b"/AHx", b"/A85", b"/LZW", b"/RL"];

/// True when `bytes` has object streams and an abbreviated filter name somewhere.
fn may_have_abbreviated_object_streams(bytes: &[u8]) -> bool {
    memchr::memmem::find(bytes, b"/ObjStm").is_some()
        && ABBREVIATED_FILTERS.iter().any(|name| {
            memchr::memmem::find_iter(bytes, name).any(|at| {
                // `/Fl` must end there, not go on as `/FlateDecode`.
                bytes
                    .get(at + name.len())
                    .is_none_or(|next| !next.is_ascii_alphanumeric())
            })
        })
}

/// The full filter names of [`ABBREVIATED_FILTERS`], in the same order.
const FULL_FILTERS: [&[u8]; 5] = [
    b"/FlateDecode",
    b"/ASCIIHexDecode",
    b"/ASCII85Decode",
    b"/LZWDecode",
    b"/RunLengthDecode",
];

/// A copy of `bytes` with each abbreviated filter name that is followed by enough spaces to
/// hold its full name overwritten by the full name, so no offset moves (qpdf pads its
/// abbreviated cross-reference and object streams' names so); `None` when there is none.
fn with_names_spelled_out(bytes: &[u8]) -> Option<Vec<u8>> {
    let mut copy = bytes.to_vec();
    let mut changed = false;
    for (short, full) in ABBREVIATED_FILTERS.iter().zip(FULL_FILTERS) {
        for at in memchr::memmem::find_iter(bytes, short) {
            let end = at.saturating_add(full.len());
            let room = bytes.get(at.saturating_add(short.len())..end);
            if room.is_some_and(|room| room.iter().all(|&b| b == b' '))
                && let Some(target) = copy.get_mut(at..end)
            {
                target.copy_from_slice(full);
                changed = true;
            }
        }
    }
    changed.then_some(copy)
}

/// When lopdf could not load the file and it has abbreviated filter names with room for the
/// full ones, loads [`with_names_spelled_out`]'s copy instead (lopdf decodes cross-reference
/// and object streams itself and knows only the full names). Returns the outcome to use and,
/// when the copy was used, the record's note.
fn retry_with_names_spelled_out(
    input: &[u8],
    limits: &Limits,
    opened: Opened,
) -> (Opened, Option<String>) {
    if !matches!(
        opened,
        Err(PdfError::Malformed { .. } | PdfError::Xref { .. })
    ) || !may_have_abbreviated_object_streams(input)
    {
        return (opened, None);
    }
    let Some(spelled) = with_names_spelled_out(input) else {
        return (opened, None);
    };
    match open(&spelled, limits) {
        Ok(reopened) => (
            Ok(reopened),
            Some(
                "cross-reference or object streams name their filters by the inline-image \
                 abbreviations (/Fl and the like); they were read as the full names"
                    .to_owned(),
            ),
        ),
        Err(_) => (opened, None),
    }
}

/// lopdf's load-time object filter: writes out the abbreviated filter names of object streams
/// before lopdf decodes them (it knows only the full names). lopdf uses the returned object
/// only for objects taken out of object streams, which are never streams, so a stream is not
/// copied for it.
fn expand_object_stream_filters(
    id: lopdf::ObjectId,
    object: &mut Object,
) -> Option<(lopdf::ObjectId, Object)> {
    if let Object::Stream(stream) = object {
        if stream.dict.has_type(b"ObjStm")
            && let Some(named) = super::stream::with_normalized_filters(stream)
        {
            *stream = named;
        }
        return Some((id, Object::Null));
    }
    Some((id, object.clone()))
}

/// Loads the file again with object streams' abbreviated filter names written out when it
/// may have such streams (qpdf's filter-abbreviation.pdf): lopdf drops an object stream it
/// cannot decode, and every object inside with it. The reload is kept when it has more
/// objects; the note says so for the record.
fn reload_with_full_filter_names(
    input: &[u8],
    limits: &Limits,
    doc: Document,
) -> (Document, Option<String>) {
    if doc.encryption_state.is_some() || !may_have_abbreviated_object_streams(input) {
        return (doc, None);
    }
    let options = LoadOptions {
        max_decompressed_size: Some(usize::try_from(load_stream_cap(limits)).unwrap_or(usize::MAX)),
        filter: Some(expand_object_stream_filters),
        ..LoadOptions::default()
    };
    let Ok(Ok(reloaded)) = contain("loading with full filter names", || {
        Document::load_mem_with_options(input, options)
    }) else {
        return (doc, None);
    };
    if reloaded.objects.len() <= doc.objects.len() {
        return (doc, None);
    }
    let note = "object streams name their filters by the inline-image abbreviations (/Fl and \
                the like); they were read as the full names"
        .to_owned();
    (reloaded, Some(note))
}

/// Reads the objects of object streams lopdf skipped because they are not typed `/ObjStm`
/// (qpdf's bad35.pdf types its only one `/Potato`), when the cross-reference data says
/// objects the document lacks are in them: the table, not the stream's `/Type`, is what
/// says a stream holds objects, and poppler and MuPDF read them so. Only the objects the
/// table places in that stream, and that are missing, are taken. Returns the record's note.
fn unpack_untyped_object_streams(doc: &mut Document, limits: &Limits) -> Option<String> {
    if doc.encryption_state.is_some() {
        return None;
    }
    let mut wanted: std::collections::BTreeMap<u32, Vec<u32>> = Default::default();
    for (&number, entry) in &doc.reference_table.entries {
        if let lopdf::xref::XrefEntry::Compressed { container, .. } = entry
            && doc
                .objects
                .range((number, 0)..=(number, u16::MAX))
                .next()
                .is_none()
        {
            wanted.entry(*container).or_default().push(number);
        }
    }
    let cap = usize::try_from(load_stream_cap(limits)).unwrap_or(usize::MAX);
    let mut read = Vec::new();
    for (container, numbers) in wanted {
        let Some(Object::Stream(stream)) = doc.objects.get(&(container, 0)) else {
            continue;
        };
        if stream.dict.has_type(b"ObjStm") {
            continue;
        }
        let Ok(Ok(unpacked)) = contain("reading an object stream", || {
            lopdf::ObjectStream::new_with_limit(stream, Some(cap))
        }) else {
            continue;
        };
        let found: Vec<(lopdf::ObjectId, Object)> = unpacked
            .objects
            .into_iter()
            .filter(|((number, _), _)| numbers.contains(number))
            .collect();
        if !found.is_empty() {
            read.push(container);
            doc.objects.extend(found);
        }
    }
    if read.is_empty() {
        return None;
    }
    let listed: Vec<String> = read.iter().map(|n| format!("{n} 0")).collect();
    Some(format!(
        "object stream(s) {} are not typed /ObjStm; their objects were read because the \
         cross-reference data places them there",
        listed.join(", ")
    ))
}

/// Loads the file again with the cross-reference table rebuilt when the page tree names page
/// objects the document lacks and the table was not rebuilt already: an entry pointing at the
/// wrong object (qpdf's bad34.pdf swaps two) loses the page although the file has it. The
/// rebuilt document is kept only when it misses fewer pages. Returns the document kept with
/// its tolerant page-tree walk, which [`repair_page_tree`] uses.
fn rebuild_for_missing_pages(
    input: &[u8],
    limits: &Limits,
    doc: Document,
    retried: Option<RetryCause>,
) -> (Document, pages::Walk, Option<RetryCause>) {
    let walk = pages::walk(&doc, limits.max_pages);
    let missing = walk.missing_count();
    if missing == 0 || retried.is_some() || doc.xref_recovery == Some(XrefRecovery::Reconstructed) {
        return (doc, walk, retried);
    }
    let Ok(rebuilt) = open_rebuilt(input, limits) else {
        return (doc, walk, retried);
    };
    let rebuilt_walk = pages::walk(&rebuilt, limits.max_pages);
    if rebuilt_walk.missing_count() >= missing {
        return (doc, walk, retried);
    }
    let cause = format!("the page tree named {missing} page object(s) the table did not lead to");
    (rebuilt, rebuilt_walk, Some(cause))
}

/// lopdf with the cross-reference table rebuilt by scanning, as [`open`]'s retry runs it.
fn open_rebuilt(bytes: &[u8], limits: &Limits) -> Result<Document, PdfError> {
    let max_stream = usize::try_from(load_stream_cap(limits)).unwrap_or(usize::MAX);
    let options = LoadOptions {
        max_decompressed_size: Some(max_stream),
        force_reconstruct: true,
        ..LoadOptions::default()
    };
    match contain("rebuilding the cross-reference table", || {
        Document::load_mem_with_options(bytes, options)
    })? {
        Ok(doc) => Ok(doc),
        Err(error) => Err(map_error(error, bytes, limits)),
    }
}

/// Given the tolerant page-tree walk ([`pages`]), when lopdf's own iterator misses or
/// misreads pages, rebuilds the tree in memory. Returns the record's sentence for a repair and,
/// when the walk found no page, what it found wrong with the tree.
fn repair_page_tree(
    doc: &mut Document,
    walk: pages::Walk,
    limits: &Limits,
) -> Result<(Option<String>, Option<String>), PdfError> {
    let cap = limits.max_pages.saturating_add(1);
    let lopdf_pages: Vec<lopdf::ObjectId> =
        contain("counting pages", || doc.page_iter().take(cap).collect())?;
    let why_empty = if walk.page_count() == 0 {
        walk.why_empty()
    } else {
        None
    };
    Ok((pages::repair(doc, walk, &lopdf_pages), why_empty))
}

/// Says where the page tree is missing or empty: the tolerant walk's finding when it has one.
fn why_no_pages(doc: &Document, walk_finding: Option<String>) -> String {
    if let Some(why) = walk_finding {
        return why;
    }
    let Ok(catalog) = doc.catalog() else {
        return "the trailer has no readable /Root catalog".to_owned();
    };
    match catalog.get(b"Pages") {
        Err(_) => "the catalog has no /Pages".to_owned(),
        Ok(Object::Reference((number, generation))) => {
            format!("the page tree at object {number} {generation} holds no page")
        }
        Ok(_) => "the catalog's /Pages holds no page".to_owned(),
    }
}

/// The header's version, or the catalog's `/Version` when that is newer (ISO 32000-2
/// §7.7.2: an update may raise the version without rewriting the header).
fn version(bytes: &[u8], header_at: Option<usize>, doc: &Document) -> String {
    let header = header_at
        .and_then(|at| at.checked_add(HEADER_MARKER.len()))
        .and_then(|start| bytes.get(start..))
        .and_then(parse_version)
        .or_else(|| parse_version(doc.version.as_bytes()));
    let catalog = doc
        .catalog()
        .ok()
        .and_then(|catalog| catalog.get(b"Version").ok())
        .and_then(|version| match version {
            Object::Name(name) => parse_version(name),
            _ => None,
        });
    let chosen = match (header, catalog) {
        (Some(header), Some(catalog)) => Some(header.max(catalog)),
        (header, catalog) => header.or(catalog),
    };
    chosen.map_or_else(
        || doc.version.clone(),
        |(major, minor)| format!("{major}.{minor}"),
    )
}

/// `major.minor` at the start of `text`, as in `1.7` or `2.0`.
fn parse_version(text: &[u8]) -> Option<(u8, u8)> {
    const MAX_DIGITS: usize = 2;
    let digits = |s: &[u8]| -> Option<(u8, usize)> {
        let len = s
            .iter()
            .take(MAX_DIGITS + 1)
            .take_while(|b| b.is_ascii_digit())
            .count();
        if len == 0 || len > MAX_DIGITS {
            return None;
        }
        let value = std::str::from_utf8(s.get(..len)?).ok()?.parse().ok()?;
        Some((value, len))
    };
    let (major, len) = digits(text)?;
    let rest = text.get(len..)?.strip_prefix(b".")?;
    let (minor, _) = digits(rest)?;
    Some((major, minor))
}

/// A human sentence for lopdf's repair of the cross-reference data.
fn describe_repair(recovery: Option<XrefRecovery>, retried: Option<&RetryCause>) -> Option<String> {
    if let Some(cause) = retried {
        return Some(format!(
            "loading the file as written failed ({cause}); the cross-reference table was \
             rebuilt by scanning the file for objects, which may be missing or come from an \
             older revision"
        ));
    }
    Some(match recovery? {
        XrefRecovery::OffsetCorrected => "a startxref, /Prev or /XRefStm offset did not point \
             at a cross-reference section; a section found nearby was used instead"
            .to_owned(),
        XrefRecovery::Reconstructed => "the cross-reference data could not be used as written \
             and was rebuilt by scanning the file for objects, which may be missing or come \
             from an older revision"
            .to_owned(),
        other => format!("the cross-reference data was repaired ({other:?})"),
    })
}

fn check_deadline(deadline: &Deadline, during: &'static str) -> Result<(), PdfError> {
    if deadline.passed() {
        return Err(PdfError::Timeout {
            millis: deadline.millis(),
            during,
        });
    }
    Ok(())
}

/// Runs `work` (a call into lopdf on untrusted input) and turns a panic into
/// [`PdfError::ParserPanic`].
pub(crate) fn contain<T>(during: &'static str, work: impl FnOnce() -> T) -> Result<T, PdfError> {
    crate::contain::contain(work).map_err(|panic| PdfError::ParserPanic {
        during,
        message: panic.message,
    })
}

#[cfg(test)]
pub(crate) mod tests {
    use std::collections::BTreeMap;
    use std::path::{Path, PathBuf};
    use std::sync::Arc;
    use std::time::{Duration, Instant};

    use lopdf::encryption::crypt_filters::{Aes128CryptFilter, CryptFilter};
    use lopdf::xref::XrefType;
    use lopdf::{Dictionary, EncryptionState, EncryptionVersion, Permissions, Stream, dictionary};

    use super::*;
    use crate::pdf::revision::tests::{append_update, hand_made_original};

    /// A one-page document built with lopdf, with `info` as its Info dictionary when given
    /// and `xmp` as the catalog's `/Metadata` stream when given.
    pub(crate) fn one_page(
        version: &str,
        xref: XrefType,
        info: Option<Dictionary>,
        xmp: Option<&str>,
    ) -> Document {
        let mut doc = Document::with_version(version);
        doc.reference_table.cross_reference_type = xref;
        let pages_id = doc.new_object_id();
        let content = doc.add_object(Stream::new(
            dictionary! {},
            b"BT /F1 12 Tf 72 720 Td (Protokoll) Tj ET".to_vec(),
        ));
        let page_id = doc.add_object(dictionary! {
            "Type" => "Page",
            "Parent" => pages_id,
            "MediaBox" => vec![0.into(), 0.into(), 595.into(), 842.into()],
            "Contents" => content,
        });
        doc.objects.insert(
            pages_id,
            Object::Dictionary(dictionary! {
                "Type" => "Pages",
                "Kids" => vec![page_id.into()],
                "Count" => 1,
            }),
        );
        let mut catalog = dictionary! { "Type" => "Catalog", "Pages" => pages_id };
        if let Some(xmp) = xmp {
            let stream = Stream::new(
                dictionary! { "Type" => "Metadata", "Subtype" => "XML" },
                xmp.as_bytes().to_vec(),
            );
            catalog.set("Metadata", doc.add_object(stream));
        }
        let catalog_id = doc.add_object(catalog);
        doc.trailer.set("Root", catalog_id);
        if let Some(info) = info {
            let info_id = doc.add_object(info);
            doc.trailer.set("Info", info_id);
        }
        doc.trailer.set(
            "ID",
            vec![
                Object::string_literal(b"0123456789abcdef".to_vec()),
                Object::string_literal(b"0123456789abcdef".to_vec()),
            ],
        );
        doc
    }

    pub(crate) fn save(doc: &mut Document) -> Vec<u8> {
        let mut out = Vec::new();
        doc.save_to(&mut out).expect("saving to memory");
        out
    }

    fn table_pdf() -> Vec<u8> {
        save(&mut one_page(
            "1.4",
            XrefType::CrossReferenceTable,
            None,
            None,
        ))
    }

    fn encrypted(user_password: &str, aes: bool) -> Vec<u8> {
        let mut doc = one_page("1.6", XrefType::CrossReferenceTable, None, None);
        let state = if aes {
            let filter: Arc<dyn CryptFilter> = Arc::new(Aes128CryptFilter);
            EncryptionState::try_from(EncryptionVersion::V4 {
                document: &doc,
                encrypt_metadata: true,
                crypt_filters: BTreeMap::from([(b"StdCF".to_vec(), filter)]),
                stream_filter: b"StdCF".to_vec(),
                string_filter: b"StdCF".to_vec(),
                owner_password: "owner",
                user_password,
                permissions: Permissions::all(),
            })
        } else {
            EncryptionState::try_from(EncryptionVersion::V2 {
                document: &doc,
                owner_password: "owner",
                user_password,
                key_length: 128,
                permissions: Permissions::all(),
            })
        }
        .expect("encryption parameters");
        doc.encrypt(&state).expect("encrypting");
        save(&mut doc)
    }

    fn limits() -> Limits {
        Limits::default()
    }

    #[test]
    fn one_page_table_file_loads() {
        let bytes = table_pdf();
        let pdf = load(&bytes, &limits()).expect("loads");
        assert_eq!(pdf.page_count(), 1);
        assert_eq!(pdf.version, "1.4");
        assert!(!pdf.encrypted);
        assert_eq!(pdf.xref_repair, None);
        assert_eq!(pdf.size, bytes.len() as u64);
        assert_eq!(pdf.revisions.len(), 1);
        assert_eq!(pdf.revisions[0].end, bytes.len() as u64);
        assert_eq!(pdf.revisions[0].xref_kind, XrefKind::Table);
        assert_eq!(pdf.revision_bytes(&bytes, 1), Some(&bytes[..]));
        assert_eq!(pdf.revision_bytes(&bytes, 2), None);
    }

    #[test]
    fn xref_stream_file_reports_stream_revision() {
        let bytes = save(&mut one_page(
            "1.5",
            XrefType::CrossReferenceStream,
            None,
            None,
        ));
        let pdf = load(&bytes, &limits()).expect("loads");
        assert_eq!(pdf.revisions.len(), 1);
        assert_eq!(pdf.revisions[0].xref_kind, XrefKind::Stream);
        assert_eq!(pdf.revisions[0].end, bytes.len() as u64);
        let startxref = revision::last_startxref(&bytes).expect("startxref");
        assert_eq!(pdf.revisions[0].xref_offset, startxref);
    }

    #[test]
    fn hand_appended_update_is_second_revision_and_wins() {
        let original = hand_made_original();
        let first_xref = revision::last_startxref(&original).expect("startxref") as usize;
        let updated = append_update(original.clone(), first_xref, "\r\n");
        let pdf = load(&updated, &limits()).expect("loads");
        assert_eq!(pdf.revisions.len(), 2);
        assert_eq!(pdf.revisions[0].end, original.len() as u64);
        assert_eq!(pdf.revisions[1].end, updated.len() as u64);
        // The merged view has the update's page; revision 1's bytes have the original's.
        let page = pdf.doc.page_iter().next().expect("a page");
        let width = pdf
            .doc
            .get_dictionary(page)
            .and_then(|p| p.get(b"MediaBox"))
            .and_then(Object::as_array)
            .ok()
            .and_then(|media_box| media_box.get(2))
            .and_then(|w| w.as_i64().ok());
        assert_eq!(
            width,
            Some(595),
            "the update's page replaces the original's"
        );
        let first = pdf.revision_bytes(&updated, 1).expect("revision 1");
        assert_eq!(first, &original[..]);
        let old = load(first, &limits()).expect("revision 1 loads on its own");
        assert_eq!(old.revisions.len(), 1);
    }

    #[test]
    fn xref_stream_update_written_by_lopdf_is_second_stream_revision() {
        let original = save(&mut one_page(
            "1.5",
            XrefType::CrossReferenceStream,
            None,
            None,
        ));
        let prev = Document::load_mem(&original).expect("lopdf reads its own output");
        let mut update = lopdf::IncrementalDocument::create_from(original.clone(), prev);
        update
            .new_document
            .add_object(dictionary! { "Type" => "Annot", "Subtype" => "Text" });
        let mut updated = Vec::new();
        update.save_to(&mut updated).expect("saving the update");

        let pdf = load(&updated, &limits()).expect("loads");
        let kinds: Vec<_> = pdf.revisions.iter().map(|r| r.xref_kind).collect();
        assert_eq!(kinds, [XrefKind::Stream, XrefKind::Stream]);
        // lopdf ends its file at `%%EOF` with no newline and the updater writes one before
        // appending; that end-of-line belongs to revision 1.
        assert_eq!(original.last(), Some(&b'F'));
        assert_eq!(updated.get(original.len()), Some(&b'\n'));
        assert_eq!(pdf.revisions[0].end, original.len() as u64 + 1);
        assert_eq!(pdf.revisions[1].end, updated.len() as u64);
        let first = pdf.revision_bytes(&updated, 1).expect("revision 1");
        assert_eq!(first.strip_suffix(b"\n"), Some(&original[..]));
    }

    #[test]
    fn catalog_version_newer_than_header_wins() {
        let mut doc = one_page("1.4", XrefType::CrossReferenceTable, None, None);
        let root = doc
            .trailer
            .get(b"Root")
            .and_then(Object::as_reference)
            .expect("root");
        doc.get_dictionary_mut(root)
            .expect("catalog")
            .set("Version", Object::Name(b"1.7".to_vec()));
        let pdf = load(&save(&mut doc), &limits()).expect("loads");
        assert_eq!(pdf.version, "1.7");

        let mut doc = one_page("1.6", XrefType::CrossReferenceTable, None, None);
        let root = doc
            .trailer
            .get(b"Root")
            .and_then(Object::as_reference)
            .expect("root");
        doc.get_dictionary_mut(root)
            .expect("catalog")
            .set("Version", Object::Name(b"1.3".to_vec()));
        let pdf = load(&save(&mut doc), &limits()).expect("loads");
        assert_eq!(
            pdf.version, "1.6",
            "an older catalog version does not lower it"
        );
    }

    #[test]
    fn wrong_xref_offsets_are_rebuilt_and_reported() {
        let bytes = table_pdf();
        // Shift every object by inserting a comment line after the header: all xref entries
        // and startxref now point 40 bytes too early.
        let header_end = bytes.iter().position(|&b| b == b'\n').expect("header line") + 1;
        let padding = b"% forty bytes of padding.............\n\n";
        let shifted = [&bytes[..header_end], &padding[..], &bytes[header_end..]].concat();
        let pdf = load(&shifted, &limits()).expect("lenient loading repairs it");
        assert_eq!(pdf.page_count(), 1);
        let repair = pdf.xref_repair.expect("repair reported");
        assert!(repair.contains("rebuilt by scanning"), "{repair}");
        assert_eq!(pdf.revisions.len(), 1);
        assert_eq!(pdf.revisions[0].xref_kind, XrefKind::Rebuilt);
        assert_eq!(pdf.revisions[0].end, shifted.len() as u64);
    }

    #[test]
    fn leading_junk_before_header_is_accepted() {
        let bytes = [b"JUNK\r\n".as_slice(), &table_pdf()].concat();
        let pdf = load(&bytes, &limits()).expect("loads");
        assert_eq!(pdf.page_count(), 1);
        assert_eq!(pdf.revisions.len(), 1);
        assert_eq!(pdf.revisions[0].end, bytes.len() as u64);
    }

    #[test]
    fn encrypted_rc4_with_empty_user_password_opens() {
        let bytes = encrypted("", false);
        let pdf = load(&bytes, &limits()).expect("empty user password opens it");
        assert!(pdf.encrypted);
        assert_eq!(pdf.page_count(), 1);
    }

    #[test]
    fn encrypted_aes_with_empty_user_password_opens() {
        let bytes = encrypted("", true);
        let pdf = load(&bytes, &limits()).expect("empty user password opens it");
        assert!(pdf.encrypted);
        assert_eq!(pdf.page_count(), 1);
    }

    #[test]
    fn encrypted_with_user_password_is_refused() {
        for aes in [false, true] {
            let bytes = encrypted("hemligt", aes);
            match load(&bytes, &limits()) {
                Err(PdfError::Encrypted { reason }) => {
                    assert!(reason.contains("password"), "{reason}")
                }
                other => panic!("expected Encrypted, got {:?}", other.map(|p| p.version)),
            }
        }
    }

    /// [`encrypted`]'s RC4 file with its encryption dictionary replaced by `edit`'s, the
    /// objects encrypted as before.
    fn encrypted_then(
        user_password: &str,
        key_length: usize,
        id: &[u8],
        edit: impl FnOnce(&mut Dictionary),
    ) -> Vec<u8> {
        let mut doc = one_page("1.6", XrefType::CrossReferenceTable, None, None);
        doc.trailer.set(
            "ID",
            vec![
                Object::string_literal(id.to_vec()),
                Object::string_literal(id.to_vec()),
            ],
        );
        let state = EncryptionState::try_from(EncryptionVersion::V2 {
            document: &doc,
            owner_password: "owner",
            user_password,
            key_length,
            permissions: Permissions::all(),
        })
        .expect("encryption parameters");
        doc.encrypt(&state).expect("encrypting");
        let encrypt = doc
            .trailer
            .get(b"Encrypt")
            .and_then(Object::as_reference)
            .expect("encrypt reference");
        edit(doc.get_dictionary_mut(encrypt).expect("encrypt dictionary"));
        save(&mut doc)
    }

    /// `bytes` with the trailer's `/ID [...]` blanked out (same length).
    fn without_id(mut bytes: Vec<u8>) -> Vec<u8> {
        let at = memchr::memmem::rfind(&bytes, b"/ID").expect("an /ID");
        let end = at
            + bytes[at..]
                .iter()
                .position(|&b| b == b']')
                .expect("its end")
            + 1;
        bytes[at..end].fill(b' ');
        bytes
    }

    fn page_text_of(pdf: &Pdf) -> Vec<u8> {
        let page = pdf.doc.page_iter().next().expect("a page");
        pdf.doc.get_page_content(page)
    }

    #[test]
    fn encrypted_without_trailer_id_opens_with_an_empty_id() {
        let bytes = without_id(encrypted_then("", 128, b"", |_| {}));
        let pdf = load(&bytes, &limits()).expect("an empty /ID opens it, as qpdf and poppler do");
        assert!(pdf.encrypted);
        assert!(page_text_of(&pdf).starts_with(b"BT /F1 12 Tf"));
        assert!(pdf.xref_repair.expect("said").contains("/ID"));
        // Near miss: the same file keyed with a real /ID is not opened with an empty one.
        let bytes = without_id(encrypted_then("", 128, b"0123456789abcdef", |_| {}));
        assert!(matches!(
            load(&bytes, &limits()),
            Err(PdfError::Encrypted { .. })
        ));
    }

    #[test]
    fn v4_dictionary_with_short_rc4_key_opens_as_v2() {
        let as_v4 = |dict: &mut Dictionary| {
            dict.set("V", 4);
            dict.set("R", 3);
            dict.set(
                "CF",
                dictionary! { "StdCF" => dictionary! { "CFM" => "V2", "Length" => 5 } },
            );
            dict.set("StmF", "StdCF");
            dict.set("StrF", "StdCF");
        };
        let bytes = encrypted_then("", 40, b"0123456789abcdef", as_v4);
        let pdf = load(&bytes, &limits()).expect("opens");
        assert!(pdf.encrypted);
        assert!(page_text_of(&pdf).starts_with(b"BT /F1 12 Tf"));
        assert!(pdf.xref_repair.expect("said").contains("V 2"));
        // Near miss: with a user password it stays refused.
        let bytes = encrypted_then("hemligt", 40, b"0123456789abcdef", as_v4);
        match load(&bytes, &limits()) {
            Err(PdfError::Encrypted { reason }) => assert!(reason.contains("password"), "{reason}"),
            other => panic!("expected Encrypted, got {:?}", other.map(|p| p.version)),
        }
    }

    #[test]
    fn identity_crypt_filters_leave_pages_readable_without_the_password() {
        // Only embedded files are encrypted (`/EFF`); the user password is not empty.
        let mut doc = one_page("1.6", XrefType::CrossReferenceTable, None, None);
        let encrypt = doc.add_object(dictionary! {
            "Filter" => "Standard", "V" => 5, "R" => 6, "Length" => 256, "P" => -4,
            "O" => Object::string_literal(vec![1u8; 48]),
            "U" => Object::string_literal(vec![2u8; 48]),
            "OE" => Object::string_literal(vec![3u8; 32]),
            "UE" => Object::string_literal(vec![4u8; 32]),
            "Perms" => Object::string_literal(vec![5u8; 16]),
            "CF" => dictionary! { "StdCF" => dictionary! {
                "CFM" => "AESV3", "Length" => 32, "AuthEvent" => "EFOpen" } },
            "StmF" => "Identity", "StrF" => "Identity", "EFF" => "StdCF",
        });
        doc.trailer.set("Encrypt", encrypt);
        let bytes = save(&mut doc);
        let pdf = load(&bytes, &limits()).expect("the pages are not encrypted");
        assert!(pdf.encrypted);
        assert!(page_text_of(&pdf).starts_with(b"BT /F1 12 Tf"));
        assert!(pdf.xref_repair.expect("said").contains("/Identity"));

        // Near miss: the same dictionary with the streams under /StdCF needs the password.
        let dict = doc.get_dictionary_mut(encrypt).expect("encrypt");
        dict.set("StmF", "StdCF");
        match load(&save(&mut doc), &limits()) {
            Err(PdfError::Encrypted { reason }) => assert!(reason.contains("password"), "{reason}"),
            other => panic!("expected Encrypted, got {:?}", other.map(|p| p.version)),
        }
    }

    #[test]
    fn padded_abbreviated_filter_names_are_spelled_out_in_place() {
        let bytes = b"<< /Filter /Fl          /N 5 >> << /Filter /Fl /N 1 >> /FlateDecode";
        let spelled = with_names_spelled_out(bytes).expect("one has room");
        assert_eq!(spelled.len(), bytes.len());
        assert!(spelled.starts_with(b"<< /Filter /FlateDecode /N 5 >>"));
        assert!(
            spelled.ends_with(b"<< /Filter /Fl /N 1 >> /FlateDecode"),
            "no room, left"
        );
        assert!(with_names_spelled_out(b"/Filter /FlateDecode").is_none());
    }

    #[test]
    fn encrypt_entry_that_is_no_dictionary_is_a_damaged_file_not_a_locked_one() {
        let mut doc = one_page("1.4", XrefType::CrossReferenceTable, None, None);
        let broken = doc.add_object(Object::string_literal("E<not a dictionary"));
        doc.trailer.set("Encrypt", broken);
        match load(&save(&mut doc), &limits()) {
            Err(PdfError::Malformed { reason }) => {
                assert!(reason.contains("no key can be derived"), "{reason}")
            }
            other => panic!(
                "expected Malformed, got {:?}",
                other.map(|p| p.page_count())
            ),
        }
    }

    #[test]
    fn hide_encrypt_renames_only_references() {
        let bytes = b"<< /EncryptMetadata false >> trailer << /Encrypt 12 0 R /Root 1 0 R >>";
        let hidden = decrypt::hide_encrypt(bytes).expect("one entry");
        assert_eq!(hidden.len(), bytes.len());
        assert!(hidden.windows(8).any(|w| w == b"/NoCrypt"));
        assert!(hidden.windows(16).any(|w| w == b"/EncryptMetadata"));
        assert!(decrypt::hide_encrypt(b"/EncryptMetadata true /Encrypt (x)").is_none());
    }

    #[test]
    fn over_file_limit_is_refused_before_parsing() {
        let bytes = table_pdf();
        let small = Limits {
            max_file_bytes: 100,
            ..Limits::default()
        };
        assert!(matches!(
            load(&bytes, &small),
            Err(PdfError::FileTooLarge { limit: 100, .. })
        ));
    }

    #[test]
    fn non_pdf_is_not_pdf() {
        assert!(matches!(
            load(b"<html><body>hej</body></html>", &limits()),
            Err(PdfError::NotPdf)
        ));
        assert!(matches!(load(b"", &limits()), Err(PdfError::NotPdf)));
        // Junk with a PDF-like ending but no line to put a header on.
        assert!(matches!(
            load(b"x\nstartxref\n0\n%%EOF\n", &limits()),
            Err(PdfError::NotPdf)
        ));
    }

    #[test]
    fn damaged_or_late_header_is_read_and_said() {
        let late = [vec![b' '; HEADER_SEARCH_BYTES], table_pdf()].concat();
        let pdf = load(&late, &limits()).expect("a late header with a PDF body loads");
        assert!(pdf.xref_repair.unwrap().contains("no %PDF- header"));
        let mut mangled = table_pdf();
        mangled[..5].copy_from_slice(b"#G\xf3\xbf\xbf");
        let pdf = load(&mangled, &limits()).expect("a mangled header loads");
        assert_eq!(pdf.page_count(), 1);
    }

    #[test]
    fn header_line_lost_before_a_short_comment_line_is_read_and_said() {
        let bytes = table_pdf();
        let first_line = bytes.iter().position(|&b| b == b'\n').expect("header line") + 1;
        let headless = [b"%\xe2\xe3\xcf\xd3\n".as_slice(), &bytes[first_line..]].concat();
        let pdf = load(&headless, &limits()).expect("loads");
        assert_eq!(pdf.page_count(), 1);
        assert!(pdf.xref_repair.expect("said").contains("no %PDF- header"));
    }

    #[test]
    fn random_garbage_after_header_is_an_error_not_a_panic() {
        let mut state = 0x2545_F491_4F6C_DD1Du64;
        for round in 0..50 {
            let mut bytes = b"%PDF-1.7\n".to_vec();
            for _ in 0..(round * 97 + 10) {
                // xorshift: deterministic noise without a dependency.
                state ^= state << 13;
                state ^= state >> 7;
                state ^= state << 17;
                bytes.push(state as u8);
            }
            let result = load(&bytes, &limits());
            assert!(
                matches!(
                    result,
                    Err(PdfError::Xref { .. }
                        | PdfError::Malformed { .. }
                        | PdfError::NoPages { .. })
                ),
                "round {round}: {:?}",
                result.err()
            );
        }
    }

    #[test]
    fn truncated_file_is_an_error_or_loads_without_panic() {
        let bytes = table_pdf();
        for cut in (9..bytes.len()).step_by(7) {
            // Either outcome is fine; a panic escaping or a hang is not.
            let _ = load(&bytes[..cut], &limits());
        }
        // Cut before the page objects survive: nothing usable remains, and the error says
        // where the missing startxref should have been.
        match load(&bytes[..20], &limits()) {
            Err(PdfError::Xref { offset: 20, reason }) => {
                assert!(reason.contains("no startxref"), "{reason}")
            }
            other => panic!("expected Xref, got {:?}", other.err()),
        }
    }

    #[test]
    fn too_many_pages_and_objects_are_refused() {
        let bytes = table_pdf();
        let few_objects = Limits {
            max_objects: 2,
            ..Limits::default()
        };
        assert!(matches!(
            load(&bytes, &few_objects),
            Err(PdfError::TooManyObjects { limit: 2, .. })
        ));
        let no_pages = Limits {
            max_pages: 0,
            ..Limits::default()
        };
        assert!(matches!(
            load(&bytes, &no_pages),
            Err(PdfError::TooManyPages { count: 1, limit: 0 })
        ));
    }

    #[test]
    fn empty_page_tree_is_no_pages() {
        let mut doc = one_page("1.4", XrefType::CrossReferenceTable, None, None);
        let pages = doc
            .catalog()
            .and_then(|c| c.get(b"Pages"))
            .and_then(Object::as_reference)
            .expect("pages");
        let tree = doc.get_dictionary_mut(pages).expect("pages dict");
        tree.set("Kids", Vec::<Object>::new());
        tree.set("Count", 0);
        match load(&save(&mut doc), &limits()) {
            Err(PdfError::NoPages { reason }) => assert!(reason.contains("no page"), "{reason}"),
            other => panic!("expected NoPages, got {:?}", other.map(|p| p.page_count())),
        }
    }

    /// A document whose catalog's `/Pages` is `pages` (built by `tree` with the content stream's
    /// id), saved.
    fn with_tree(tree: impl FnOnce(&mut Document, lopdf::ObjectId) -> Object) -> Vec<u8> {
        let mut doc = Document::with_version("1.4");
        let content = doc.add_object(Stream::new(
            dictionary! {},
            b"BT /F1 12 Tf 72 720 Td (Protokoll) Tj ET".to_vec(),
        ));
        let pages = tree(&mut doc, content);
        let catalog = doc.add_object(dictionary! { "Type" => "Catalog", "Pages" => pages });
        doc.trailer.set("Root", catalog);
        save(&mut doc)
    }

    fn media_box_width(pdf: &Pdf, page: lopdf::ObjectId) -> Option<i64> {
        pdf.doc
            .get_dictionary(page)
            .and_then(|p| p.get(b"MediaBox"))
            .and_then(Object::as_array)
            .ok()
            .and_then(|b| b.get(2))
            .and_then(|w| w.as_i64().ok())
    }

    #[test]
    fn direct_page_dictionaries_are_rebuilt_as_pages_with_inherited_attributes() {
        let bytes = with_tree(|doc, content| {
            let page =
                || Object::Dictionary(dictionary! { "Type" => "Page", "Contents" => content });
            let node = doc.add_object(dictionary! {
                "Type" => "Pages", "Count" => 2, "Kids" => vec![page(), page()],
                "MediaBox" => vec![0.into(), 0.into(), 500.into(), 700.into()],
            });
            node.into()
        });
        let pdf = load(&bytes, &limits()).expect("loads");
        assert_eq!(pdf.page_count(), 2);
        for page in pdf.doc.page_iter() {
            assert_eq!(
                media_box_width(&pdf, page),
                Some(500),
                "inherited /MediaBox copied"
            );
            assert!(!pdf.doc.get_page_contents(page).is_empty());
        }
        let repair = pdf.xref_repair.expect("repair said");
        assert!(repair.contains("direct dictionaries"), "{repair}");
    }

    #[test]
    fn catalog_pages_that_is_a_page_and_untyped_nodes_are_read() {
        let bytes = with_tree(|doc, content| {
            doc.add_object(dictionary! { "Type" => "Page", "Contents" => content })
                .into()
        });
        let pdf = load(&bytes, &limits()).expect("a lone page as /Pages loads");
        assert_eq!(pdf.page_count(), 1);
        assert!(pdf.xref_repair.expect("said").contains("is a page"));

        let bytes = with_tree(|doc, content| {
            let page = doc.add_object(dictionary! { "Contents" => content });
            let inner = doc.add_object(dictionary! { "Kids" => vec![page.into()] });
            doc.add_object(dictionary! { "Type" => "Pages", "Kids" => vec![inner.into()] })
                .into()
        });
        let pdf = load(&bytes, &limits()).expect("untyped nodes load");
        assert_eq!(pdf.page_count(), 1);
        assert!(pdf.xref_repair.expect("said").contains("/Type"));
    }

    #[test]
    fn well_formed_tree_is_left_alone() {
        let bytes = table_pdf();
        let pdf = load(&bytes, &limits()).expect("loads");
        assert_eq!(pdf.xref_repair, None);
        let page = pdf.doc.page_iter().next().expect("a page");
        let parent = pdf
            .doc
            .get_dictionary(page)
            .and_then(|p| p.get(b"Parent"))
            .and_then(Object::as_reference)
            .expect("parent");
        assert_eq!(
            Some(parent),
            pdf.doc
                .catalog()
                .and_then(|c| c.get(b"Pages"))
                .and_then(Object::as_reference)
                .ok()
        );
    }

    #[test]
    fn page_tree_cycle_is_refused_or_skipped_and_said() {
        // Only a cycle: no page at all.
        let bytes = with_tree(|doc, _| {
            let node = doc.new_object_id();
            doc.objects.insert(
                node,
                Object::Dictionary(
                    dictionary! { "Type" => "Pages", "Count" => 1, "Kids" => vec![node.into()] },
                ),
            );
            node.into()
        });
        match load(&bytes, &limits()) {
            Err(PdfError::NoPages { reason }) => assert!(reason.contains("cycle"), "{reason}"),
            other => panic!("expected NoPages, got {:?}", other.map(|p| p.page_count())),
        }
        // A page beside the cycle is read, and the cycle said.
        let bytes = with_tree(|doc, content| {
            let node = doc.new_object_id();
            let page = doc.add_object(dictionary! {
                "Type" => "Page", "Parent" => node, "Contents" => content,
            });
            doc.objects.insert(
                node,
                Object::Dictionary(dictionary! {
                    "Count" => 2, "Kids" => vec![page.into(), node.into()],
                }),
            );
            node.into()
        });
        let pdf = load(&bytes, &limits()).expect("the page loads");
        assert_eq!(pdf.page_count(), 1);
        assert!(pdf.xref_repair.expect("said").contains("cycle"));
    }

    #[test]
    fn missing_page_object_is_a_blank_page() {
        let bytes = with_tree(|doc, content| {
            let node = doc.new_object_id();
            let page = doc.add_object(dictionary! {
                "Type" => "Page", "Parent" => node, "Contents" => content,
            });
            doc.objects.insert(
                node,
                Object::Dictionary(dictionary! {
                    "Type" => "Pages", "Count" => 2,
                    "Kids" => vec![Object::Reference((999, 0)), page.into()],
                }),
            );
            node.into()
        });
        let pdf = load(&bytes, &limits()).expect("loads");
        assert_eq!(pdf.page_count(), 2);
        let pages: Vec<_> = pdf.doc.page_iter().collect();
        assert!(
            pdf.doc.get_dictionary(pages[0]).is_ok(),
            "a blank page dictionary"
        );
        assert!(pdf.doc.get_page_contents(pages[0]).is_empty());
        assert!(pdf.xref_repair.expect("said").contains("missing"));
    }

    #[test]
    fn page_objects_are_read_when_the_catalog_names_a_missing_tree() {
        let bytes = with_tree(|doc, content| {
            let missing = doc.new_object_id();
            let resources = doc.add_object(dictionary! { "Font" => dictionary! {} });
            let orphan_parent = doc.add_object(dictionary! {
                "Type" => "Pages", "Parent" => missing, "Resources" => resources,
            });
            for _ in 0..2 {
                doc.add_object(dictionary! {
                    "Type" => "Page", "Parent" => orphan_parent, "Contents" => content,
                });
            }
            missing.into()
        });
        let pdf = load(&bytes, &limits()).expect("the page objects are read");
        assert_eq!(pdf.page_count(), 2);
        for page in pdf.doc.page_iter() {
            let dict = pdf.doc.get_dictionary(page).expect("page");
            assert!(dict.has(b"Resources"), "inherited through /Parent");
        }
        let repair = pdf.xref_repair.expect("said");
        assert!(repair.contains("2 object(s) typed /Page"), "{repair}");
        // Near miss: an object that only looks like a page (typed /Pages, no /Kids) is no page.
        let bytes = with_tree(|doc, _| {
            let missing = doc.new_object_id();
            doc.add_object(dictionary! { "Type" => "Pages", "Count" => 0 });
            missing.into()
        });
        match load(&bytes, &limits()) {
            Err(PdfError::NoPages { reason }) => {
                assert!(reason.contains("does not have"), "{reason}")
            }
            other => panic!("expected NoPages, got {:?}", other.map(|p| p.page_count())),
        }
    }

    #[test]
    fn catalog_is_found_when_the_trailer_root_is_unusable() {
        let mut doc = one_page("1.4", XrefType::CrossReferenceTable, None, None);
        doc.trailer.set("Root", Object::Reference((999, 0)));
        // lopdf's rebuild finds this one itself; the tolerant walk does on the objects.
        let pdf = load(&save(&mut doc), &limits()).expect("the catalog is found by its /Type");
        assert_eq!(pdf.page_count(), 1);
        let walk = pages::walk(&doc, 10);
        assert_eq!(walk.page_count(), 1);
        let repair = pages::repair(&mut doc, walk, &[]).expect("repaired");
        assert!(repair.contains("/Root"), "{repair}");
        assert_eq!(doc.get_pages().len(), 1);
        // Near miss: no catalog anywhere is still no pages, said as such.
        let mut doc = one_page("1.4", XrefType::CrossReferenceTable, None, None);
        doc.trailer.set("Root", Object::Reference((999, 0)));
        let catalog = doc
            .objects
            .iter()
            .find(|(_, o)| o.as_dict().is_ok_and(|d| d.has_type(b"Catalog")))
            .map(|(id, _)| *id)
            .expect("catalog");
        doc.objects.remove(&catalog);
        // No catalog parses: the page tree's root stands alone and is used.
        let pdf = load(&save(&mut doc), &limits()).expect("the tree root is used");
        assert_eq!(pdf.page_count(), 1);
        let repair = pdf.xref_repair.expect("said");
        assert!(repair.contains("without /Parent"), "{repair}");
        // No catalog and no tree root: the object typed /Page is read by itself.
        let find = |doc: &Document, kind: &[u8]| {
            doc.objects
                .iter()
                .find(|(_, o)| o.as_dict().is_ok_and(|d| d.has_type(kind)))
                .map(|(id, _)| *id)
                .expect("object of the type")
        };
        let tree = find(&doc, b"Pages");
        doc.objects.remove(&tree);
        let pdf = load(&save(&mut doc), &limits()).expect("the page object is used");
        assert_eq!(pdf.page_count(), 1);
        let repair = pdf.xref_repair.expect("said");
        assert!(repair.contains("typed /Page"), "{repair}");
        // Near miss: no catalog, no tree and no page object is still no pages, said as such.
        let page = find(&doc, b"Page");
        doc.objects.remove(&page);
        match load(&save(&mut doc), &limits()) {
            Err(PdfError::NoPages { reason }) => assert!(reason.contains("catalog"), "{reason}"),
            other => panic!("expected NoPages, got {:?}", other.map(|p| p.page_count())),
        }
    }

    #[test]
    fn object_stream_of_another_type_is_read_when_the_xref_points_into_it() {
        let mut doc = one_page("1.5", XrefType::CrossReferenceStream, None, None);
        let mut modern = Vec::new();
        doc.save_modern(&mut modern)
            .expect("saving with object streams");
        // Near miss first: a well-typed object stream is lopdf's to read, and said nowhere.
        let pdf = load(&modern, &limits()).expect("loads");
        assert_eq!(pdf.xref_repair, None);
        let at = memchr::memmem::find(&modern, b"/ObjStm").expect("an object stream");
        modern[at..at + 7].copy_from_slice(b"/Potato");
        let pdf = load(&modern, &limits()).expect("the objects are read");
        assert_eq!(pdf.page_count(), 1);
        let repair = pdf.xref_repair.expect("said");
        assert!(repair.contains("not typed /ObjStm"), "{repair}");
    }

    #[test]
    fn decompression_bomb_in_object_stream_is_refused() {
        let mut doc = one_page("1.5", XrefType::CrossReferenceStream, None, None);
        let mut out = Vec::new();
        doc.save_modern(&mut out)
            .expect("saving with object streams");
        let tiny = Limits {
            max_stream_bytes: 16,
            ..Limits::default()
        };
        match load(&out, &tiny) {
            Err(PdfError::LoadStreamTooLarge { limit: 16 }) => {}
            other => panic!("expected LoadStreamTooLarge, got {:?}", other.err()),
        }
    }

    #[test]
    fn contained_panic_becomes_parser_panic_with_location() {
        let result: Result<(), PdfError> = contain("testing", || panic!("boom"));
        match result {
            Err(PdfError::ParserPanic { during, message }) => {
                assert_eq!(during, "testing");
                assert!(message.starts_with("boom (at "), "{message}");
            }
            other => panic!("expected ParserPanic, got {other:?}"),
        }
    }

    #[test]
    fn parse_version_reads_header_forms() {
        assert_eq!(parse_version(b"1.7\n%"), Some((1, 7)));
        assert_eq!(parse_version(b"2.0"), Some((2, 0)));
        assert_eq!(parse_version(b"1."), None);
        assert_eq!(parse_version(b"x.7"), None);
        assert_eq!(parse_version(b"123.4"), None);
    }

    /// The shared corpus, from `ARKIVAR_CORPUS` or `../shared/corpus` next to the crate.
    fn corpus_dir() -> PathBuf {
        std::env::var_os("ARKIVAR_CORPUS").map_or_else(
            || Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/corpus"),
            PathBuf::from,
        )
    }

    /// Time the corpus walk may take in a debug build before it stops early.
    const CORPUS_BUDGET: Duration = Duration::from_secs(18);

    #[test]
    fn corpus_files_load_or_fail_without_panic() {
        let dir = corpus_dir();
        if !dir.is_dir() {
            crate::testing::skip(format_args!("no corpus at {}", dir.display()));
            return;
        }
        let started = Instant::now();
        let (mut loaded, mut failed, mut seen) = (0usize, 0usize, 0usize);
        let mut files: Vec<PathBuf> = walkdir::WalkDir::new(&dir)
            .into_iter()
            .filter_map(Result::ok)
            .map(walkdir::DirEntry::into_path)
            .filter(|p| p.extension().is_some_and(|e| e.eq_ignore_ascii_case("pdf")))
            .collect();
        files.sort();
        for path in &files {
            if started.elapsed() > CORPUS_BUDGET {
                println!(
                    "stopping after {seen} of {} files: time budget spent",
                    files.len()
                );
                break;
            }
            let Ok(bytes) = std::fs::read(path) else {
                continue;
            };
            seen += 1;
            match load(&bytes, &limits()) {
                Ok(pdf) => {
                    loaded += 1;
                    assert!(!pdf.revisions.is_empty(), "{}", path.display());
                    assert!(pdf.revisions.iter().all(|r| r.end <= pdf.size));
                    let _ = pdf.metadata();
                }
                Err(PdfError::ParserPanic { during, message }) => {
                    // Contained, so not a test failure, but worth seeing.
                    println!(
                        "{}: contained panic while {during}: {message}",
                        path.display()
                    );
                    failed += 1;
                }
                Err(error) => {
                    println!("{}: {error}", path.display());
                    failed += 1;
                }
            }
        }
        println!(
            "corpus: {loaded} loaded, {failed} refused, {seen} of {} files in {:?}",
            files.len(),
            started.elapsed()
        );
    }
}
