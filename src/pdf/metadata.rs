//! Document metadata from the Info dictionary and the XMP packet.
//!
//! Info (ISO 32000-2 §14.3.3) is read first; the catalog's `/Metadata` XMP stream
//! (§14.3.2, XMP Part 1) fills what Info lacks. Text strings are decoded as §7.9.2.2 says
//! (UTF-16BE or UTF-8 with a byte-order mark, PDFDocEncoding otherwise); dates become
//! RFC 3339. This module reads lopdf's already loaded objects and leaves loading to `load`.

use jiff::civil::DateTime;
use jiff::tz::Offset;
use lopdf::{Dictionary, Document, Object};
use quick_xml::NsReader;
use quick_xml::events::Event;
use quick_xml::name::{Namespace, ResolveResult};
use schemars::JsonSchema;
use serde::Serialize;

use super::load::contain;

/// Largest XMP packet read, compressed or not, in bytes.
pub const MAX_XMP_BYTES: usize = 4 * 1024 * 1024;
/// Deepest XML nesting followed in an XMP packet.
const MAX_XMP_DEPTH: usize = 64;
/// Most characters kept for one metadata value.
const MAX_VALUE_CHARS: usize = 64 * 1024;
/// How many references are followed to reach an Info value.
const MAX_DEREF: usize = 8;

const NS_RDF: &[u8] = b"http://www.w3.org/1999/02/22-rdf-syntax-ns#";
const NS_DC: &[u8] = b"http://purl.org/dc/elements/1.1/";
const NS_PDF: &[u8] = b"http://ns.adobe.com/pdf/1.3/";
const NS_XMP: &[u8] = b"http://ns.adobe.com/xap/1.0/";

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
    /// True when the catalog has an XMP metadata stream that could be read; Info values are
    /// preferred and XMP fills only what Info lacks.
    pub xmp_present: bool,
}

impl DocumentMetadata {
    /// Reads Info and XMP from a loaded document, preferring Info values.
    pub fn from_document(doc: &Document) -> Self {
        let mut metadata = from_info(doc);
        if let Some(xmp) = xmp_packet(doc) {
            metadata.xmp_present = true;
            let from_xmp = parse_xmp(&xmp);
            metadata.fill_from(from_xmp);
        }
        metadata
    }

    /// Takes from `other` every value that `self` lacks.
    fn fill_from(&mut self, other: Self) {
        let fill = |mine: &mut Option<String>, theirs: Option<String>| {
            if mine.is_none() {
                *mine = theirs;
            }
        };
        fill(&mut self.title, other.title);
        fill(&mut self.author, other.author);
        fill(&mut self.subject, other.subject);
        fill(&mut self.keywords, other.keywords);
        fill(&mut self.creator, other.creator);
        fill(&mut self.producer, other.producer);
        fill(&mut self.created, other.created);
        fill(&mut self.modified, other.modified);
    }
}

/// The trailer's `/Info` dictionary, decoded.
fn from_info(doc: &Document) -> DocumentMetadata {
    let Some(info) = doc
        .trailer
        .get(b"Info")
        .ok()
        .and_then(|o| resolve(doc, o))
        .and_then(|o| o.as_dict().ok())
    else {
        return DocumentMetadata::default();
    };
    let text = |key: &[u8]| info_text(doc, info, key);
    let date = |key: &[u8]| text(key).and_then(|raw| pdf_date_to_rfc3339(&raw));
    DocumentMetadata {
        title: text(b"Title"),
        author: text(b"Author"),
        subject: text(b"Subject"),
        keywords: text(b"Keywords"),
        creator: text(b"Creator"),
        producer: text(b"Producer"),
        created: date(b"CreationDate"),
        modified: date(b"ModDate"),
        xmp_present: false,
    }
}

/// Follows references (a bounded number of them) to a direct object.
fn resolve<'a>(doc: &'a Document, mut object: &'a Object) -> Option<&'a Object> {
    for _ in 0..MAX_DEREF {
        match object {
            Object::Reference(id) => object = doc.get_object(*id).ok()?,
            direct => return Some(direct),
        }
    }
    None
}

/// A text value of the Info dictionary; `None` when absent or blank.
fn info_text(doc: &Document, info: &Dictionary, key: &[u8]) -> Option<String> {
    let value = resolve(doc, info.get(key).ok()?)?;
    let text = match value {
        Object::String(bytes, _) => decode_text_string(bytes),
        // Not allowed, but some writers store names; their bytes are the text.
        Object::Name(bytes) => String::from_utf8_lossy(bytes).into_owned(),
        _ => return None,
    };
    non_blank(text)
}

fn non_blank(text: String) -> Option<String> {
    let trimmed = text.trim_matches(|c: char| c.is_whitespace() || c == '\0');
    if trimmed.is_empty() {
        return None;
    }
    Some(trimmed.chars().take(MAX_VALUE_CHARS).collect())
}

/// Decodes a PDF text string (ISO 32000-2 §7.9.2.2): UTF-16BE after `FE FF`, UTF-8 after
/// `EF BB BF` (PDF 2.0), PDFDocEncoding otherwise. UTF-16LE after `FF FE` is not allowed but
/// is written by some tools and decoded too. Language escapes (`ESC lang ESC`) are dropped.
pub fn decode_text_string(bytes: &[u8]) -> String {
    if let Some(rest) = bytes.strip_prefix(b"\xFE\xFF") {
        drop_language_escapes(&utf16(rest, u16::from_be_bytes))
    } else if let Some(rest) = bytes.strip_prefix(b"\xFF\xFE") {
        drop_language_escapes(&utf16(rest, u16::from_le_bytes))
    } else if let Some(rest) = bytes.strip_prefix(b"\xEF\xBB\xBF") {
        drop_language_escapes(&String::from_utf8_lossy(rest))
    } else {
        bytes.iter().map(|&b| pdf_doc_char(b)).collect()
    }
}

/// UTF-16 code units in the byte order `unit` reads; an odd last byte is not a whole unit and
/// is dropped, unpaired surrogates become U+FFFD.
fn utf16(bytes: &[u8], unit: fn([u8; 2]) -> u16) -> String {
    let (pairs, _odd) = bytes.as_chunks::<2>();
    let units: Vec<u16> = pairs.iter().map(|&pair| unit(pair)).collect();
    String::from_utf16_lossy(&units)
}

/// Removes `U+001B <language code> U+001B` sequences (ISO 32000-2 §7.9.2.2.1).
fn drop_language_escapes(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut in_escape = false;
    for c in text.chars() {
        if c == '\u{1B}' {
            in_escape = !in_escape;
        } else if !in_escape {
            out.push(c);
        }
    }
    out
}

/// One PDFDocEncoding byte as a character (ISO 32000-2 Annex D.3). Undefined codes become
/// U+FFFD.
fn pdf_doc_char(byte: u8) -> char {
    match byte {
        0x18 => '\u{02D8}', // breve
        0x19 => '\u{02C7}', // caron
        0x1A => '\u{02C6}', // circumflex
        0x1B => '\u{02D9}', // dot accent
        0x1C => '\u{02DD}', // double acute (hungarumlaut)
        0x1D => '\u{02DB}', // ogonek
        0x1E => '\u{02DA}', // ring
        0x1F => '\u{02DC}', // small tilde
        0x7F | 0x9F | 0xAD => '\u{FFFD}',
        0x80 => '\u{2022}', // bullet
        0x81 => '\u{2020}', // dagger
        0x82 => '\u{2021}', // double dagger
        0x83 => '\u{2026}', // ellipsis
        0x84 => '\u{2014}', // em dash
        0x85 => '\u{2013}', // en dash
        0x86 => '\u{0192}', // florin
        0x87 => '\u{2044}', // fraction slash
        0x88 => '\u{2039}', // single left guillemet
        0x89 => '\u{203A}', // single right guillemet
        0x8A => '\u{2212}', // minus
        0x8B => '\u{2030}', // per mille
        0x8C => '\u{201E}', // double low-9 quote
        0x8D => '\u{201C}', // left double quote
        0x8E => '\u{201D}', // right double quote
        0x8F => '\u{2018}', // left single quote
        0x90 => '\u{2019}', // right single quote
        0x91 => '\u{201A}', // single low-9 quote
        0x92 => '\u{2122}', // trade mark
        0x93 => '\u{FB01}', // fi ligature
        0x94 => '\u{FB02}', // fl ligature
        0x95 => '\u{0141}', // Ł
        0x96 => '\u{0152}', // Œ
        0x97 => '\u{0160}', // Š
        0x98 => '\u{0178}', // Ÿ
        0x99 => '\u{017D}', // Ž
        0x9A => '\u{0131}', // dotless i
        0x9B => '\u{0142}', // ł
        0x9C => '\u{0153}', // œ
        0x9D => '\u{0161}', // š
        0x9E => '\u{017E}', // ž
        0xA0 => '\u{20AC}', // euro
        // The rest agrees with ISO Latin-1 (and ASCII below 0x80).
        other => char::from(other),
    }
}

/// Converts a PDF date (ISO 32000-2 §7.9.4, `D:YYYYMMDDHHmmSSOHH'mm'`) to RFC 3339.
///
/// Every part after the year is optional. Broken forms seen in the wild are accepted: no
/// `D:` prefix, no apostrophes (`+0100`), a missing closing apostrophe, a colon
/// (`+01:00`), `Z00'00'`, and trailing whitespace or NULs. A date without an offset is taken
/// as UTC: the standard says its relation to UTC is then unknown, and an RFC 3339 value
/// must name one; the result then carries `+00:00`. Returns `None` for a value that is not
/// a date or names an impossible day or time.
pub fn pdf_date_to_rfc3339(raw: &str) -> Option<String> {
    let text = raw.trim_matches(|c: char| c.is_whitespace() || c == '\0');
    let text = text
        .strip_prefix("D:")
        .or_else(|| text.strip_prefix("d:"))
        .unwrap_or(text);
    let mut cursor = Digits::new(text);
    let year = cursor.number(4)?;
    let mut parts = [1u32, 1, 0, 0, 0];
    for part in &mut parts {
        match cursor.number(2) {
            Some(value) => *part = value,
            None => break,
        }
    }
    let [month, day, hour, minute, second] = parts;
    // Some writers add fractional seconds; they carry nothing a record needs.
    if cursor.eat('.') {
        cursor.skip_digits();
    }
    let offset_seconds = cursor.pdf_offset()?;
    build(year, month, day, hour, minute, second, 0, offset_seconds)
}

/// Normalises an XMP date (ISO 8601 subset, XMP Part 1 §8.2.1.1: `YYYY[-MM[-DD[Thh:mm[:ss
/// [.s+]]TZD]]]`) to RFC 3339. Missing parts default to the start of the period; a time
/// without a zone designator is taken as UTC, as for [`pdf_date_to_rfc3339`].
pub fn xmp_date_to_rfc3339(raw: &str) -> Option<String> {
    let mut cursor = Digits::new(raw.trim());
    let year = cursor.number(4)?;
    let (mut month, mut day, mut hour, mut minute, mut second, mut nanos) = (1, 1, 0, 0, 0, 0);
    if cursor.eat('-') {
        month = cursor.number(2)?;
        if cursor.eat('-') {
            day = cursor.number(2)?;
            if cursor.eat('T') || cursor.eat('t') || cursor.eat(' ') {
                hour = cursor.number(2)?;
                cursor.eat(':').then_some(())?;
                minute = cursor.number(2)?;
                if cursor.eat(':') {
                    second = cursor.number(2)?;
                    if cursor.eat('.') || cursor.eat(',') {
                        nanos = cursor.fraction_nanos()?;
                    }
                }
            }
        }
    }
    let offset_seconds = cursor.iso_offset()?;
    build(
        year,
        month,
        day,
        hour,
        minute,
        second,
        nanos,
        offset_seconds,
    )
}

/// Validates the parts with jiff and prints them as RFC 3339 with their own offset.
#[allow(clippy::too_many_arguments)]
fn build(
    year: u32,
    month: u32,
    day: u32,
    hour: u32,
    minute: u32,
    second: u32,
    nanos: u32,
    offset_seconds: i32,
) -> Option<String> {
    let datetime = DateTime::new(
        i16::try_from(year).ok()?,
        i8::try_from(month).ok()?,
        i8::try_from(day).ok()?,
        i8::try_from(hour).ok()?,
        i8::try_from(minute).ok()?,
        i8::try_from(second).ok()?,
        i32::try_from(nanos).ok()?,
    )
    .ok()?;
    let offset = Offset::from_seconds(offset_seconds).ok()?;
    let timestamp = offset.to_timestamp(datetime).ok()?;
    Some(timestamp.display_with_offset(offset).to_string())
}

/// A cursor over the characters of a date string.
struct Digits<'a> {
    rest: &'a str,
}

impl<'a> Digits<'a> {
    fn new(text: &'a str) -> Self {
        Self { rest: text }
    }

    fn eat(&mut self, c: char) -> bool {
        match self.rest.strip_prefix(c) {
            Some(rest) => {
                self.rest = rest;
                true
            }
            None => false,
        }
    }

    /// Exactly `width` ASCII digits.
    fn number(&mut self, width: usize) -> Option<u32> {
        let digits = self.rest.get(..width)?;
        if !digits.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        self.rest = self.rest.get(width..)?;
        digits.parse().ok()
    }

    fn skip_digits(&mut self) {
        self.rest = self.rest.trim_start_matches(|c: char| c.is_ascii_digit());
    }

    /// A decimal fraction of a second, as nanoseconds (digits past the ninth are dropped).
    fn fraction_nanos(&mut self) -> Option<u32> {
        const NANO_DIGITS: usize = 9;
        let len = self.rest.bytes().take_while(u8::is_ascii_digit).count();
        if len == 0 {
            return None;
        }
        let kept = self.rest.get(..len.min(NANO_DIGITS))?;
        let value: u32 = kept.parse().ok()?;
        self.rest = self.rest.get(len..)?;
        let scale = 10u32.checked_pow(u32::try_from(NANO_DIGITS - kept.len()).ok()?)?;
        value.checked_mul(scale)
    }

    /// The PDF offset `Z`, `+HH'mm'` or `-HH'mm'` and its broken forms, in seconds east of
    /// UTC; 0 when absent. `None` when something other than an offset follows.
    fn pdf_offset(&mut self) -> Option<i32> {
        let sign = if self.eat('+') {
            1
        } else if self.eat('-') {
            -1
        } else if self.eat('Z') || self.eat('z') {
            // `Z00'00'` and `Z` alike mean UTC; whatever digits follow add nothing.
            self.rest = self
                .rest
                .trim_start_matches(|c: char| c.is_ascii_digit() || c == '\'');
            return self.only_padding_left().then_some(0);
        } else {
            return self.only_padding_left().then_some(0);
        };
        let hours = self.number(2).or_else(|| self.number(1))?;
        let separated = self.eat('\'') || self.eat(':');
        let minutes = self.number(2).unwrap_or(0);
        let _ = separated;
        let _ = self.eat('\'');
        if !self.only_padding_left() {
            return None;
        }
        offset_seconds(sign, hours, minutes)
    }

    /// The ISO 8601 zone designator `Z`, `+hh:mm` or `+hhmm` (or `+hh`), in seconds east of
    /// UTC; 0 when absent.
    fn iso_offset(&mut self) -> Option<i32> {
        let sign = if self.eat('+') {
            1
        } else if self.eat('-') {
            -1
        } else {
            let _ = self.eat('Z') || self.eat('z');
            return self.only_padding_left().then_some(0);
        };
        let hours = self.number(2)?;
        let _ = self.eat(':');
        let minutes = self.number(2).unwrap_or(0);
        if !self.only_padding_left() {
            return None;
        }
        offset_seconds(sign, hours, minutes)
    }

    fn only_padding_left(&self) -> bool {
        self.rest
            .chars()
            .all(|c| c.is_whitespace() || c == '\0' || c == '\'')
    }
}

fn offset_seconds(sign: i32, hours: u32, minutes: u32) -> Option<i32> {
    if hours > 23 || minutes > 59 {
        return None;
    }
    let seconds = i32::try_from(hours * 3600 + minutes * 60).ok()?;
    Some(sign * seconds)
}

/// The catalog's `/Metadata` stream, decoded and bounded by [`MAX_XMP_BYTES`].
fn xmp_packet(doc: &Document) -> Option<Vec<u8>> {
    let catalog = doc.catalog().ok()?;
    let stream = resolve(doc, catalog.get(b"Metadata").ok()?)?
        .as_stream()
        .ok()?;
    if stream.content.len() > MAX_XMP_BYTES {
        tracing::debug!(
            size = stream.content.len(),
            "XMP packet over the size limit, skipped"
        );
        return None;
    }
    // lopdf's filters have panicked on malformed input; a failure here loses only XMP.
    let decoded = contain("decoding the XMP packet", || {
        super::stream::decoded(stream, MAX_XMP_BYTES)
    });
    match decoded {
        Ok(Ok(bytes)) => Some(bytes),
        // An unfiltered stream is its own content.
        Ok(Err(_)) if stream.dict.get(b"Filter").is_err() => Some(stream.content.clone()),
        Ok(Err(error)) => {
            tracing::debug!(%error, "XMP packet could not be decoded");
            None
        }
        Err(error) => {
            tracing::warn!(%error, "XMP packet could not be decoded");
            None
        }
    }
}

/// The XMP properties that map to Info entries.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Property {
    /// `dc:title` (an `rdf:Alt`).
    Title,
    /// `dc:creator` (an `rdf:Seq` of authors).
    Authors,
    /// `dc:description` (an `rdf:Alt`), Info's Subject.
    Description,
    Producer,
    Keywords,
    CreatorTool,
    CreateDate,
    ModifyDate,
}

impl Property {
    fn from_name(namespace: &[u8], local: &[u8]) -> Option<Self> {
        Some(match (namespace, local) {
            (NS_DC, b"title") => Self::Title,
            (NS_DC, b"creator") => Self::Authors,
            (NS_DC, b"description") => Self::Description,
            (NS_PDF, b"Producer") => Self::Producer,
            (NS_PDF, b"Keywords") => Self::Keywords,
            (NS_XMP, b"CreatorTool") => Self::CreatorTool,
            (NS_XMP, b"CreateDate") => Self::CreateDate,
            (NS_XMP, b"ModifyDate") => Self::ModifyDate,
            _ => return None,
        })
    }

    /// Stores `value` unless the property already has one (the first occurrence wins).
    fn store(self, metadata: &mut DocumentMetadata, value: String) {
        let Some(value) = non_blank(value) else {
            return;
        };
        let (slot, value) = match self {
            Self::Title => (&mut metadata.title, Some(value)),
            Self::Authors => (&mut metadata.author, Some(value)),
            Self::Description => (&mut metadata.subject, Some(value)),
            Self::Producer => (&mut metadata.producer, Some(value)),
            Self::Keywords => (&mut metadata.keywords, Some(value)),
            Self::CreatorTool => (&mut metadata.creator, Some(value)),
            Self::CreateDate => (&mut metadata.created, xmp_date_to_rfc3339(&value)),
            Self::ModifyDate => (&mut metadata.modified, xmp_date_to_rfc3339(&value)),
        };
        if slot.is_none() {
            *slot = value;
        }
    }
}

/// The property being read, with its text and `rdf:li` items so far.
struct Open {
    property: Property,
    depth: usize,
    text: String,
    items: Vec<(String, bool)>,
    /// The `rdf:li` being read: its text, whether it is `xml:lang="x-default"`, its depth.
    item: Option<(String, bool, usize)>,
}

impl Open {
    fn push_text(&mut self, text: &str) {
        let target = match &mut self.item {
            Some((item, _, _)) => item,
            None => &mut self.text,
        };
        if target.len() < MAX_VALUE_CHARS {
            target.push_str(text);
        }
    }

    /// The value: an `rdf:Alt`'s default (or first) item, a list's items joined with `; `,
    /// or the element's own text.
    fn value(self) -> String {
        if self.items.is_empty() {
            return self.text;
        }
        match self.property {
            Property::Title | Property::Description => self
                .items
                .iter()
                .find(|(_, default)| *default)
                .or_else(|| self.items.first())
                .map(|(text, _)| text.clone())
                .unwrap_or_default(),
            _ => self
                .items
                .into_iter()
                .map(|(text, _)| text.trim().to_owned())
                .filter(|text| !text.is_empty())
                .collect::<Vec<_>>()
                .join("; "),
        }
    }
}

/// Reads the properties this crate records from an XMP packet. Malformed XML ends the
/// reading; what was read before it is kept.
fn parse_xmp(packet: &[u8]) -> DocumentMetadata {
    let text = xmp_text(packet);
    let mut metadata = DocumentMetadata::default();
    let mut reader = NsReader::from_str(&text);
    reader.config_mut().expand_empty_elements = true;
    let mut depth = 0usize;
    let mut open: Option<Open> = None;
    loop {
        let (namespace, event) = match reader.read_resolved_event() {
            Ok((ResolveResult::Bound(Namespace(ns)), event)) => (Some(ns.to_vec()), event),
            Ok((_, event)) => (None, event),
            Err(error) => {
                tracing::debug!(%error, "XMP packet is not well-formed XML");
                break;
            }
        };
        match event {
            Event::Start(start) => {
                depth += 1;
                if depth > MAX_XMP_DEPTH {
                    break;
                }
                let local = start.local_name();
                let namespace = namespace.as_deref().unwrap_or_default();
                if namespace == NS_RDF && local.as_ref() == b"Description" {
                    // The short form: properties as attributes of rdf:Description.
                    for attribute in start.attributes().flatten() {
                        let (ns, local) = reader.resolve_attribute(attribute.key);
                        let ResolveResult::Bound(Namespace(ns)) = ns else {
                            continue;
                        };
                        if let Some(property) = Property::from_name(ns, local.as_ref())
                            && let Ok(value) = attribute.unescape_value()
                        {
                            property.store(&mut metadata, value.into_owned());
                        }
                    }
                }
                match &mut open {
                    None => {
                        open =
                            Property::from_name(namespace, local.as_ref()).map(|property| Open {
                                property,
                                depth,
                                text: String::new(),
                                items: Vec::new(),
                                item: None,
                            });
                    }
                    Some(current) if namespace == NS_RDF && local.as_ref() == b"li" => {
                        let default = start.attributes().flatten().any(|a| {
                            a.key.as_ref() == b"xml:lang" && a.value.as_ref() == b"x-default"
                        });
                        current.item = Some((String::new(), default, depth));
                    }
                    Some(_) => {}
                }
            }
            Event::End(_) => {
                if let Some(current) = &mut open {
                    if current.item.as_ref().is_some_and(|(_, _, d)| *d == depth)
                        && let Some((text, default, _)) = current.item.take()
                    {
                        current.items.push((text, default));
                    }
                    if current.depth == depth
                        && let Some(done) = open.take()
                    {
                        let property = done.property;
                        property.store(&mut metadata, done.value());
                    }
                }
                depth = depth.saturating_sub(1);
            }
            Event::Text(text) => {
                if let (Some(current), Ok(text)) = (&mut open, text.decode()) {
                    current.push_text(&text);
                }
            }
            Event::CData(data) => {
                if let (Some(current), Ok(text)) = (&mut open, data.decode()) {
                    current.push_text(&text);
                }
            }
            Event::GeneralRef(reference) => {
                if let Some(current) = &mut open {
                    let resolved = match reference.resolve_char_ref() {
                        Ok(Some(c)) => Some(c.to_string()),
                        _ => reference.decode().ok().and_then(|name| {
                            quick_xml::escape::resolve_predefined_entity(&name).map(str::to_owned)
                        }),
                    };
                    if let Some(resolved) = resolved {
                        current.push_text(&resolved);
                    }
                }
            }
            Event::Eof => break,
            _ => {}
        }
    }
    metadata
}

/// The packet as text: UTF-8 (with or without a BOM) or UTF-16 with a BOM (XMP Part 1 §7.1).
fn xmp_text(packet: &[u8]) -> String {
    if let Some(rest) = packet.strip_prefix(b"\xFE\xFF") {
        utf16(rest, u16::from_be_bytes)
    } else if let Some(rest) = packet.strip_prefix(b"\xFF\xFE") {
        utf16(rest, u16::from_le_bytes)
    } else {
        let rest = packet.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(packet);
        String::from_utf8_lossy(rest).into_owned()
    }
}

#[cfg(test)]
mod tests {
    use lopdf::xref::XrefType;
    use lopdf::{StringFormat, dictionary};

    use super::*;
    use crate::pdf::Limits;
    use crate::pdf::load::load;
    use crate::pdf::load::tests::{one_page, save};

    fn utf16be(text: &str) -> Vec<u8> {
        let mut out = vec![0xFE, 0xFF];
        for unit in text.encode_utf16() {
            out.extend_from_slice(&unit.to_be_bytes());
        }
        out
    }

    const XMP: &str = r#"<?xpacket begin="﻿" id="W5M0MpCehiHzreSzNTczkc9d"?>
<x:xmpmeta xmlns:x="adobe:ns:meta/">
 <rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">
  <rdf:Description rdf:about="" xmlns:pdf="http://ns.adobe.com/pdf/1.3/"
      pdf:Producer="Acme PDF &amp; Co" xmlns:xmp="http://ns.adobe.com/xap/1.0/"
      xmp:CreateDate="2023-11-02T09:15:00+01:00">
   <xmp:ModifyDate>2023-11-03T10:00:00.25Z</xmp:ModifyDate>
   <xmp:CreatorTool>Word f&#246;r Microsoft 365</xmp:CreatorTool>
   <pdf:Keywords>protokoll, kommunfullmäktige</pdf:Keywords>
  </rdf:Description>
  <rdf:Description rdf:about="" xmlns:dc="http://purl.org/dc/elements/1.1/">
   <dc:title><rdf:Alt>
     <rdf:li xml:lang="sv-SE">Protokoll (sv)</rdf:li>
     <rdf:li xml:lang="x-default">Protokoll KF 2023-11-02</rdf:li>
   </rdf:Alt></dc:title>
   <dc:creator><rdf:Seq><rdf:li>Anna Andersson</rdf:li><rdf:li>Bo Ek</rdf:li></rdf:Seq></dc:creator>
   <dc:description><rdf:Alt><rdf:li xml:lang="x-default">Sammanträde</rdf:li></rdf:Alt></dc:description>
  </rdf:Description>
 </rdf:RDF>
</x:xmpmeta>
<?xpacket end="w"?>"#;

    fn metadata_of(info: Option<Dictionary>, xmp: Option<&str>) -> DocumentMetadata {
        let bytes = save(&mut one_page(
            "1.7",
            XrefType::CrossReferenceTable,
            info,
            xmp,
        ));
        load(&bytes, &Limits::default()).expect("loads").metadata()
    }

    #[test]
    fn utf16_title_with_surrogate_pair_decodes() {
        let info = dictionary! {
            "Title" => Object::String(utf16be("Protokoll – Kommunstyrelsen 😀"), StringFormat::Hexadecimal),
        };
        let metadata = metadata_of(Some(info), None);
        assert_eq!(
            metadata.title.as_deref(),
            Some("Protokoll – Kommunstyrelsen 😀")
        );
        assert!(!metadata.xmp_present);
    }

    #[test]
    fn pdfdoc_title_maps_latin1_and_special_codes() {
        // 0xE5 0xE4 0xF6 are å ä ö as in Latin-1; 0x84 is an em dash, 0xA0 the euro sign,
        // 0x93 the fi ligature: the codes where PDFDocEncoding differs from Latin-1.
        let info = dictionary! {
            "Title" => Object::String(b"S\xE5 h\xE4r \x84 \xA0 5 \x93n \xF6".to_vec(), StringFormat::Literal),
            "Author" => Object::String(b"\xEF\xBB\xBFUTF-8 f\xC3\xB6rfattare".to_vec(), StringFormat::Literal),
        };
        let metadata = metadata_of(Some(info), None);
        assert_eq!(metadata.title.as_deref(), Some("Så här — € 5 ﬁn ö"));
        assert_eq!(metadata.author.as_deref(), Some("UTF-8 författare"));
    }

    #[test]
    fn info_dates_in_several_forms_become_rfc3339() {
        let info = dictionary! {
            "CreationDate" => Object::string_literal("D:20231102091500+01'00'"),
            "ModDate" => Object::String(utf16be("D:20231103100000Z"), StringFormat::Hexadecimal),
        };
        let metadata = metadata_of(Some(info), None);
        assert_eq!(
            metadata.created.as_deref(),
            Some("2023-11-02T09:15:00+01:00")
        );
        assert_eq!(
            metadata.modified.as_deref(),
            Some("2023-11-03T10:00:00+00:00")
        );
    }

    #[test]
    fn pdf_date_variants() {
        let cases = [
            ("D:20231102091500+01'00'", "2023-11-02T09:15:00+01:00"),
            ("D:20231102091500+01'00", "2023-11-02T09:15:00+01:00"),
            ("D:20231102091500+0100", "2023-11-02T09:15:00+01:00"),
            ("D:20231102091500+01:00", "2023-11-02T09:15:00+01:00"),
            ("D:20231102091500+01", "2023-11-02T09:15:00+01:00"),
            ("D:20231102091500-05'30'", "2023-11-02T09:15:00-05:30"),
            ("D:20231102091500Z00'00'", "2023-11-02T09:15:00+00:00"),
            ("D:20231102091500Z", "2023-11-02T09:15:00+00:00"),
            ("D:20231102091500", "2023-11-02T09:15:00+00:00"),
            ("20231102091500+01'00'", "2023-11-02T09:15:00+01:00"),
            ("D:2023", "2023-01-01T00:00:00+00:00"),
            ("D:202311", "2023-11-01T00:00:00+00:00"),
            ("D:2023110209", "2023-11-02T09:00:00+00:00"),
            (" D:20231102091500+01'00'\0", "2023-11-02T09:15:00+01:00"),
        ];
        for (raw, expected) in cases {
            assert_eq!(
                pdf_date_to_rfc3339(raw).as_deref(),
                Some(expected),
                "{raw:?}"
            );
        }
        for bad in [
            "",
            "D:",
            "D:23",
            "D:20231302",
            "D:20230230",
            "D:20231102+25'00'",
            "igår",
        ] {
            assert_eq!(pdf_date_to_rfc3339(bad), None, "{bad:?}");
        }
    }

    #[test]
    fn xmp_date_variants() {
        let cases = [
            ("2023-11-02T09:15:00+01:00", "2023-11-02T09:15:00+01:00"),
            ("2023-11-02T09:15:00.5Z", "2023-11-02T09:15:00.5+00:00"),
            ("2023-11-02T09:15+01:00", "2023-11-02T09:15:00+01:00"),
            ("2023-11-02T09:15:00", "2023-11-02T09:15:00+00:00"),
            ("2023-11-02", "2023-11-02T00:00:00+00:00"),
            ("2023", "2023-01-01T00:00:00+00:00"),
            ("2023-11-02T09:15:00+0100", "2023-11-02T09:15:00+01:00"),
        ];
        for (raw, expected) in cases {
            assert_eq!(
                xmp_date_to_rfc3339(raw).as_deref(),
                Some(expected),
                "{raw:?}"
            );
        }
        assert_eq!(xmp_date_to_rfc3339("2023-11-02T25:00:00Z"), None);
        assert_eq!(xmp_date_to_rfc3339("november"), None);
    }

    #[test]
    fn xmp_fills_what_info_lacks_and_info_wins() {
        let info = dictionary! {
            "Title" => Object::string_literal("Info title"),
        };
        let metadata = metadata_of(Some(info), Some(XMP));
        assert!(metadata.xmp_present);
        assert_eq!(metadata.title.as_deref(), Some("Info title"));
        assert_eq!(metadata.author.as_deref(), Some("Anna Andersson; Bo Ek"));
        assert_eq!(metadata.subject.as_deref(), Some("Sammanträde"));
        assert_eq!(metadata.producer.as_deref(), Some("Acme PDF & Co"));
        assert_eq!(
            metadata.keywords.as_deref(),
            Some("protokoll, kommunfullmäktige")
        );
        assert_eq!(metadata.creator.as_deref(), Some("Word för Microsoft 365"));
        assert_eq!(
            metadata.created.as_deref(),
            Some("2023-11-02T09:15:00+01:00")
        );
        assert_eq!(
            metadata.modified.as_deref(),
            Some("2023-11-03T10:00:00.25+00:00")
        );
    }

    #[test]
    fn xmp_alt_prefers_x_default() {
        let metadata = parse_xmp(XMP.as_bytes());
        assert_eq!(metadata.title.as_deref(), Some("Protokoll KF 2023-11-02"));
    }

    #[test]
    fn malformed_xmp_keeps_what_came_before() {
        let broken = &XMP[..XMP.find("<dc:creator>").expect("fixture")];
        let metadata = parse_xmp(format!("{broken}<unclosed").as_bytes());
        assert_eq!(metadata.producer.as_deref(), Some("Acme PDF & Co"));
        assert_eq!(metadata.author, None);
        let _ = parse_xmp(b"\x00\x01not xml at all <<<>>>");
    }

    #[test]
    fn blank_info_values_are_absent() {
        let info = dictionary! {
            "Title" => Object::string_literal("   "),
            "Author" => Object::String(vec![0xFE, 0xFF], StringFormat::Hexadecimal),
        };
        let metadata = metadata_of(Some(info), None);
        assert_eq!(metadata.title, None);
        assert_eq!(metadata.author, None);
    }

    #[test]
    fn language_escape_in_utf16_is_dropped() {
        let mut bytes = vec![0xFE, 0xFF, 0x00, 0x1B];
        bytes.extend_from_slice(b"\x00s\x00v");
        bytes.extend_from_slice(&[0x00, 0x1B]);
        bytes.extend_from_slice(&utf16be("Hej")[2..]);
        assert_eq!(decode_text_string(&bytes), "Hej");
    }
}
