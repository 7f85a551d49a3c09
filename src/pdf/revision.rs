//! Incremental updates: every revision of the file with its byte offsets.
//!
//! lopdf merges all revisions into one object view (newest wins), so this module reads the
//! file's own structure instead (ISO 32000-2 §7.5.6): it follows the last `startxref` to a
//! cross-reference section, then each trailer's `/Prev` back to the original file, and pairs
//! every section with the `%%EOF` marker that closes it. A revision's bytes are
//! `bytes[..end]`, which is what the signature stage loads to see a revision's own view.
//!
//! It owns only the layout of revisions; reading objects is lopdf's job (see `load`). All
//! reading goes through [`ByteReader`], whose every access is checked, and every loop is
//! bounded by a named limit, because the input is untrusted.

use std::collections::BTreeMap;
use std::fmt;

use schemars::JsonSchema;
use serde::Serialize;

/// Most cross-reference sections followed along one `/Prev` chain before giving up.
pub const MAX_XREF_SECTIONS: usize = 4096;
/// Most `%%EOF` markers considered; a file with more is treated as having no more revisions.
pub const MAX_EOF_MARKERS: usize = 4096;
/// Longest trailer or cross-reference stream dictionary read, in bytes.
const MAX_DICT_BYTES: usize = 1 << 20;
/// Deepest nesting of arrays and dictionaries inside a trailer that is skipped over.
const MAX_DICT_DEPTH: usize = 32;
/// Most subsections one `xref` table may have.
const MAX_XREF_SUBSECTIONS: usize = 1 << 20;
/// Most digits read for one integer; more cannot be a byte offset of an accepted file.
const MAX_INT_DIGITS: usize = 20;
/// Smallest possible size of one `xref` table entry (`0000000000 00000 n` plus one EOL byte).
const MIN_XREF_ENTRY_BYTES: u64 = 19;

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
    /// Byte offset of this revision's cross-reference section (the `startxref` value; when the
    /// file has bytes before `%PDF-` and the offsets count from the header, the position in the
    /// input). For a [`XrefKind::Rebuilt`] revision it is the `startxref` value written before
    /// its `%%EOF`, or 0 when there is none.
    pub xref_offset: u64,
    /// Byte offset just past this revision's `%%EOF` marker (and its end-of-line): the file as
    /// it was when this revision was written is `bytes[..end]`.
    pub end: u64,
    /// How the cross-reference data is stored.
    pub xref_kind: XrefKind,
}

/// Where and why following the `startxref` / `/Prev` chain stopped.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChainBreak {
    /// The byte offset the chain pointed at (or where `startxref` was looked for).
    pub offset: u64,
    /// What was wrong there.
    pub reason: &'static str,
}

impl fmt::Display for ChainBreak {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "cross-reference chain broken at byte {}: {}",
            self.offset, self.reason
        )
    }
}

/// The revisions of a file and, when the `/Prev` chain could not be followed to its end, why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RevisionScan {
    /// Every revision found, oldest first, numbered from 1.
    pub revisions: Vec<Revision>,
    /// Set when the chain broke and older revisions were found by scanning for `%%EOF`.
    pub chain_break: Option<ChainBreak>,
}

/// Finds every revision of a PDF file, oldest first. Empty when the input has neither a
/// readable cross-reference chain nor a `%%EOF` marker.
pub fn revisions(bytes: &[u8]) -> Vec<Revision> {
    scan(bytes).revisions
}

/// Finds every revision of a PDF file and reports whether the `/Prev` chain was intact.
///
/// Revisions reached through the chain carry their section's kind. A `%%EOF` that the chain
/// does not reach becomes a [`XrefKind::Rebuilt`] revision when it is older than the point
/// where the chain broke, or when its own `startxref` leads to a readable section (an update
/// that the chain skips). The first-page trailer of a linearized file (`startxref 0`) is not a
/// revision of its own.
pub fn scan(bytes: &[u8]) -> RevisionScan {
    let header_at = header_offset(bytes);
    let (groups, chain_break) = walk_chain(bytes, header_at);
    let markers = eof_markers(bytes);

    // end -> revision; a BTreeMap keeps them in file order and merges equal ends.
    let mut by_end: BTreeMap<u64, (u64, XrefKind)> = BTreeMap::new();
    for group in &groups {
        let end = group_end(bytes, group, &markers);
        // Two chain sections closed by one `%%EOF` are one revision; the newer section (met
        // first on the chain) is the one that `startxref` names.
        by_end.entry(end).or_insert((group.xref_offset, group.kind));
    }

    let newest_end = by_end.keys().next_back().copied();
    let oldest_end = by_end.keys().next().copied();
    let any_startxref = markers.iter().any(|m| m.startxref.is_some());
    for marker in &markers {
        let end = marker.end as u64;
        if by_end.contains_key(&end) {
            continue;
        }
        // The first-page trailer of a linearized file ends with `startxref 0`: offset 0 is the
        // header, never a section, so that `%%EOF` does not close a revision (ISO 32000-2 §F.3).
        if marker.startxref == Some(0) || (any_startxref && marker.startxref.is_none()) {
            continue;
        }
        // Past the newest revision is junk appended after the last `%%EOF`.
        if newest_end.is_some_and(|newest| end > newest) {
            continue;
        }
        let older_than_break =
            chain_break.is_some() && oldest_end.is_none_or(|oldest| end < oldest);
        let readable = marker.startxref.is_some_and(|offset| {
            usize::try_from(offset)
                .ok()
                .and_then(|offset| read_section_at(bytes, offset, header_at).ok())
                .is_some()
        });
        if older_than_break || readable {
            by_end.insert(end, (marker.startxref.unwrap_or(0), XrefKind::Rebuilt));
        }
    }

    let revisions = by_end
        .into_iter()
        .enumerate()
        .map(|(index, (end, (xref_offset, xref_kind)))| Revision {
            number: index + 1,
            xref_offset,
            end,
            xref_kind,
        })
        .collect();
    RevisionScan {
        revisions,
        chain_break,
    }
}

/// One revision as the chain sees it: the section `startxref` or `/Prev` named, plus any
/// sections its `/Prev` points forward to (the main table of a linearized file).
#[derive(Debug, Clone)]
struct Group {
    /// Offset of the first section, where the chain entered this revision.
    xref_offset: u64,
    /// The same offset as written in the file, for matching `startxref` values.
    written_offset: u64,
    /// Largest section offset in the group: the revision's `%%EOF` comes after it.
    max_offset: usize,
    kind: XrefKind,
}

/// Follows `startxref` and `/Prev` from the newest section back, grouping sections into
/// revisions. Returns the groups newest first, and where the chain broke if it did.
fn walk_chain(bytes: &[u8], header_at: usize) -> (Vec<Group>, Option<ChainBreak>) {
    let mut groups: Vec<Group> = Vec::new();
    let Some(first) = last_startxref(bytes) else {
        let offset = bytes.len() as u64;
        let reason = "no readable startxref";
        return (groups, Some(ChainBreak { offset, reason }));
    };
    let mut next = Some(first);
    let mut visited: Vec<u64> = Vec::new();
    let mut previous_at: Option<usize> = None;
    while let Some(written) = next {
        if visited.len() >= MAX_XREF_SECTIONS {
            let reason = "too many cross-reference sections";
            return (
                groups,
                Some(ChainBreak {
                    offset: written,
                    reason,
                }),
            );
        }
        if visited.contains(&written) {
            let reason = "/Prev points back to a section already read (a loop)";
            return (
                groups,
                Some(ChainBreak {
                    offset: written,
                    reason,
                }),
            );
        }
        visited.push(written);
        let Ok(offset) = usize::try_from(written) else {
            let reason = "offset out of range";
            return (
                groups,
                Some(ChainBreak {
                    offset: written,
                    reason,
                }),
            );
        };
        let section = match read_section_at(bytes, offset, header_at) {
            Ok(section) => section,
            Err(reason) => {
                return (
                    groups,
                    Some(ChainBreak {
                        offset: written,
                        reason,
                    }),
                );
            }
        };
        // A `/Prev` that points forward continues the same revision: a linearized file's
        // first-page section points at the main section after it (ISO 32000-2 §F.3.4).
        let continues = previous_at.is_some_and(|previous| section.at > previous);
        match groups.last_mut() {
            Some(group) if continues => {
                group.max_offset = group.max_offset.max(section.at);
                if section.kind == XrefKind::Hybrid {
                    group.kind = XrefKind::Hybrid;
                }
            }
            _ => groups.push(Group {
                xref_offset: section.at as u64,
                written_offset: written,
                max_offset: section.at,
                kind: section.kind,
            }),
        }
        previous_at = Some(section.at);
        next = section.prev;
    }
    (groups, None)
}

/// The end of a chain revision: just past the first `%%EOF` after its last section whose
/// `startxref` names the revision's section; failing that the first `%%EOF` after it; failing
/// that (a truncated file) the end of the input.
fn group_end(bytes: &[u8], group: &Group, markers: &[EofMarker]) -> u64 {
    let after: Vec<&EofMarker> = markers.iter().filter(|m| m.at > group.max_offset).collect();
    after
        .iter()
        .find(|m| {
            m.startxref == Some(group.written_offset) || m.startxref == Some(group.xref_offset)
        })
        .or_else(|| after.first())
        .map_or(bytes.len() as u64, |m| m.end as u64)
}

/// One cross-reference section as read from the file.
#[derive(Debug, Clone, Copy)]
struct Section {
    /// Where the section starts in the input.
    at: usize,
    kind: XrefKind,
    /// The trailer's `/Prev`.
    prev: Option<u64>,
}

/// Reads the section that a `startxref` or `/Prev` value names. Offsets count from the start
/// of the file, but a file with bytes before `%PDF-` is often written with offsets counted
/// from the header, so that reading is tried second.
fn read_section_at(bytes: &[u8], offset: usize, header_at: usize) -> Result<Section, &'static str> {
    match read_section(bytes, offset) {
        Ok(section) => Ok(section),
        Err(reason) if header_at > 0 => offset
            .checked_add(header_at)
            .ok_or("offset out of range")
            .and_then(|shifted| read_section(bytes, shifted))
            .map_err(|_| reason),
        Err(reason) => Err(reason),
    }
}

/// Reads an `xref` table and its trailer, or the dictionary of a cross-reference stream.
fn read_section(bytes: &[u8], at: usize) -> Result<Section, &'static str> {
    let mut r = ByteReader::at(bytes, at).ok_or("offset past the end of the file")?;
    r.skip_whitespace();
    let at = r.pos;
    if r.eat(b"xref") {
        skip_xref_table(&mut r)?;
        r.skip_whitespace_and_comments();
        let trailer = read_dict_summary(&mut r)?;
        let kind = if trailer.xref_stm.is_some() {
            XrefKind::Hybrid
        } else {
            XrefKind::Table
        };
        return Ok(Section {
            at,
            kind,
            prev: trailer.prev,
        });
    }
    // `N G obj << /Type /XRef ... >> stream` (ISO 32000-2 §7.5.8).
    r.uint().ok_or("neither an xref table nor an object")?;
    r.skip_whitespace();
    r.uint().ok_or("neither an xref table nor an object")?;
    r.skip_whitespace();
    if !r.eat(b"obj") {
        return Err("neither an xref table nor an object");
    }
    r.skip_whitespace_and_comments();
    let dict = read_dict_summary(&mut r)?;
    if !dict.is_xref_stream {
        return Err("the object there is not a cross-reference stream");
    }
    Ok(Section {
        at,
        kind: XrefKind::Stream,
        prev: dict.prev,
    })
}

/// Skips the subsections of an `xref` table up to and including the `trailer` keyword,
/// checking that each entry has the `offset generation n|f` shape (ISO 32000-2 §7.5.4).
fn skip_xref_table(r: &mut ByteReader<'_>) -> Result<(), &'static str> {
    for _ in 0..MAX_XREF_SUBSECTIONS {
        r.skip_whitespace_and_comments();
        if r.eat(b"trailer") {
            return Ok(());
        }
        r.uint().ok_or("xref subsection header is not a number")?;
        r.skip_whitespace();
        let count = r.uint().ok_or("xref subsection header has no count")?;
        // Cheap rejection of a count the remaining bytes cannot hold.
        if count.saturating_mul(MIN_XREF_ENTRY_BYTES) > r.remaining() as u64 {
            return Err("xref subsection count larger than the file");
        }
        for _ in 0..count {
            r.skip_whitespace();
            r.uint().ok_or("xref entry offset is not a number")?;
            r.skip_whitespace();
            r.uint().ok_or("xref entry generation is not a number")?;
            r.skip_whitespace();
            if !(r.eat(b"n") || r.eat(b"f")) {
                return Err("xref entry is neither n nor f");
            }
        }
    }
    Err("too many xref subsections")
}

/// What the chain needs from a trailer or cross-reference stream dictionary.
#[derive(Debug, Default)]
struct DictSummary {
    prev: Option<u64>,
    xref_stm: Option<u64>,
    is_xref_stream: bool,
}

/// Reads a dictionary's top-level `/Prev`, `/XRefStm` and `/Type`, skipping everything else.
/// Nested values are skipped without interpretation, so a `/Prev` inside them is ignored.
fn read_dict_summary(outer: &mut ByteReader<'_>) -> Result<DictSummary, &'static str> {
    // A sub-reader bounds how far a dictionary may run.
    let window_end = outer
        .pos
        .saturating_add(MAX_DICT_BYTES)
        .min(outer.bytes.len());
    let window = outer
        .bytes
        .get(..window_end)
        .ok_or("dictionary past the end of the file")?;
    let mut r = ByteReader {
        bytes: window,
        pos: outer.pos,
    };
    if r.token() != Some(Token::DictOpen) {
        return Err("expected a dictionary");
    }
    let mut summary = DictSummary::default();
    loop {
        let key = match r.token() {
            Some(Token::DictClose) => break,
            Some(Token::Name(name)) => name,
            Some(_) => return Err("dictionary key is not a name"),
            None => return Err("dictionary is truncated or too long"),
        };
        match r.token().ok_or("dictionary is truncated or too long")? {
            Token::Int(value) => {
                // `12 0 R` is a reference, not the integer 12.
                let mut look = r;
                if let (Some(Token::Int(_)), Some(Token::Keyword(b"R"))) =
                    (look.token(), look.token())
                {
                    r = look;
                    continue;
                }
                let value = u64::try_from(value).ok();
                match key {
                    b"Prev" => summary.prev = value,
                    b"XRefStm" => summary.xref_stm = value,
                    _ => {}
                }
            }
            Token::Name(name) if key == b"Type" => summary.is_xref_stream = name == b"XRef",
            Token::DictOpen | Token::ArrayOpen => skip_nested(&mut r)?,
            Token::DictClose | Token::ArrayClose => return Err("unbalanced dictionary"),
            _ => {}
        }
    }
    outer.pos = r.pos;
    Ok(summary)
}

/// Skips to the close of an array or dictionary whose opening token was just read.
fn skip_nested(r: &mut ByteReader<'_>) -> Result<(), &'static str> {
    let mut depth = 1usize;
    while depth > 0 {
        match r.token().ok_or("dictionary is truncated or too long")? {
            Token::DictOpen | Token::ArrayOpen => {
                depth += 1;
                if depth > MAX_DICT_DEPTH {
                    return Err("dictionary nested too deeply");
                }
            }
            Token::DictClose | Token::ArrayClose => depth -= 1,
            _ => {}
        }
    }
    Ok(())
}

/// A `%%EOF` marker with what precedes and follows it.
#[derive(Debug, Clone, Copy)]
struct EofMarker {
    /// Offset of the first `%`.
    at: usize,
    /// Offset just past the marker and its end-of-line (CR, LF or CRLF).
    end: usize,
    /// The `startxref` value written just before the marker, if there is one.
    startxref: Option<u64>,
}

/// Every `%%EOF` marker in the file, up to [`MAX_EOF_MARKERS`].
fn eof_markers(bytes: &[u8]) -> Vec<EofMarker> {
    const MARKER: &[u8] = b"%%EOF";
    let mut markers = Vec::new();
    let mut from = 0;
    while markers.len() < MAX_EOF_MARKERS {
        let Some(at) = find(bytes, MARKER, from) else {
            break;
        };
        let mut r = ByteReader {
            bytes,
            pos: at + MARKER.len(),
        };
        // The end-of-line after `%%EOF` belongs to the revision (ISO 32000-2 §7.5.5).
        let _ = r.eat(b"\r\n") || r.eat(b"\r") || r.eat(b"\n");
        markers.push(EofMarker {
            at,
            end: r.pos,
            startxref: startxref_before(bytes, at),
        });
        from = at + MARKER.len();
    }
    markers
}

/// Reads `startxref <digits>` backwards from `at`, allowing whitespace and comments' absence
/// only; anything else means there is no `startxref` right before this point.
fn startxref_before(bytes: &[u8], at: usize) -> Option<u64> {
    let before = bytes.get(..at)?;
    let digits_end = before.len() - count_trailing(before, is_whitespace);
    let head = before.get(..digits_end)?;
    let digits = count_trailing(head, |b| b.is_ascii_digit());
    if digits == 0 || digits > MAX_INT_DIGITS {
        return None;
    }
    let digits_start = digits_end - digits;
    let head = before.get(..digits_start)?;
    let spaces = count_trailing(head, is_whitespace);
    let keyword_end = digits_start - spaces;
    if spaces == 0 || !before.get(..keyword_end)?.ends_with(b"startxref") {
        return None;
    }
    ByteReader {
        bytes,
        pos: digits_start,
    }
    .uint()
}

/// The offset that the last `startxref` in the file names.
pub(crate) fn last_startxref(bytes: &[u8]) -> Option<u64> {
    const KEYWORD: &[u8] = b"startxref";
    let at = rfind(bytes, KEYWORD)?;
    let mut r = ByteReader::at(bytes, at + KEYWORD.len())?;
    r.skip_whitespace_and_comments();
    r.uint()
}

/// Where `%PDF-` starts, within the first 1024 bytes; 0 when it is not found there.
fn header_offset(bytes: &[u8]) -> usize {
    let head = bytes.get(..bytes.len().min(1024)).unwrap_or(bytes);
    find(head, b"%PDF-", 0).unwrap_or(0)
}

fn count_trailing(bytes: &[u8], pred: impl Fn(u8) -> bool) -> usize {
    bytes.iter().rev().take_while(|&&b| pred(b)).count()
}

// memchr's substring search: the whole file is searched for every `%%EOF`, which a
// byte-by-byte `windows` scan makes slow on large files.
fn find(haystack: &[u8], needle: &[u8], from: usize) -> Option<usize> {
    memchr::memmem::find(haystack.get(from..)?, needle).map(|p| p + from)
}

fn rfind(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    memchr::memmem::rfind(haystack, needle)
}

/// PDF whitespace (ISO 32000-2 §7.2.3, Table 1).
fn is_whitespace(b: u8) -> bool {
    matches!(b, b'\0' | b'\t' | b'\n' | b'\x0C' | b'\r' | b' ')
}

/// PDF delimiters (ISO 32000-2 §7.2.3, Table 2).
fn is_delimiter(b: u8) -> bool {
    matches!(
        b,
        b'(' | b')' | b'<' | b'>' | b'[' | b']' | b'{' | b'}' | b'/' | b'%'
    )
}

/// A lexical token, just enough to skip values inside a dictionary.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Token<'a> {
    DictOpen,
    DictClose,
    ArrayOpen,
    ArrayClose,
    Name(&'a [u8]),
    Int(i64),
    /// A real number, a string, braces: read but not needed.
    Other,
    Keyword(&'a [u8]),
}

/// A cursor over untrusted bytes: every access is checked, nothing panics.
#[derive(Debug, Clone, Copy)]
struct ByteReader<'a> {
    bytes: &'a [u8],
    pos: usize,
}

impl<'a> ByteReader<'a> {
    fn at(bytes: &'a [u8], pos: usize) -> Option<Self> {
        (pos <= bytes.len()).then_some(Self { bytes, pos })
    }

    fn peek(&self) -> Option<u8> {
        self.bytes.get(self.pos).copied()
    }

    fn remaining(&self) -> usize {
        self.bytes.len().saturating_sub(self.pos)
    }

    /// Consumes `literal` if the input continues with it.
    fn eat(&mut self, literal: &[u8]) -> bool {
        let end = self.pos.saturating_add(literal.len());
        if self.bytes.get(self.pos..end) == Some(literal) {
            self.pos = end;
            true
        } else {
            false
        }
    }

    fn skip_while(&mut self, pred: impl Fn(u8) -> bool) -> usize {
        let start = self.pos;
        while self.peek().is_some_and(&pred) {
            self.pos += 1;
        }
        self.pos - start
    }

    fn skip_whitespace(&mut self) {
        self.skip_while(is_whitespace);
    }

    fn skip_whitespace_and_comments(&mut self) {
        loop {
            self.skip_whitespace();
            if self.peek() != Some(b'%') {
                return;
            }
            self.skip_while(|b| b != b'\r' && b != b'\n');
        }
    }

    /// An unsigned decimal integer of at most [`MAX_INT_DIGITS`] digits.
    fn uint(&mut self) -> Option<u64> {
        let start = self.pos;
        let len = self.skip_while(|b| b.is_ascii_digit());
        if len == 0 || len > MAX_INT_DIGITS {
            self.pos = start;
            return None;
        }
        let digits = self.bytes.get(start..self.pos)?;
        digits.iter().try_fold(0u64, |acc, &d| {
            acc.checked_mul(10)?.checked_add(u64::from(d - b'0'))
        })
    }

    /// The next token, or `None` at the end of the input or on a string that does not close.
    fn token(&mut self) -> Option<Token<'a>> {
        self.skip_whitespace_and_comments();
        let first = self.peek()?;
        if self.eat(b"<<") {
            return Some(Token::DictOpen);
        }
        if self.eat(b">>") {
            return Some(Token::DictClose);
        }
        match first {
            b'[' => {
                self.pos += 1;
                Some(Token::ArrayOpen)
            }
            b']' => {
                self.pos += 1;
                Some(Token::ArrayClose)
            }
            b'{' | b'}' | b'>' | b')' => {
                self.pos += 1;
                Some(Token::Other)
            }
            b'<' => {
                self.pos += 1;
                self.skip_while(|b| b != b'>');
                self.eat(b">").then_some(Token::Other)
            }
            b'(' => self.literal_string().then_some(Token::Other),
            b'/' => {
                self.pos += 1;
                let start = self.pos;
                self.skip_while(|b| !is_whitespace(b) && !is_delimiter(b));
                Some(Token::Name(self.bytes.get(start..self.pos)?))
            }
            _ => {
                let start = self.pos;
                self.skip_while(|b| !is_whitespace(b) && !is_delimiter(b));
                let word = self.bytes.get(start..self.pos)?;
                if word.is_empty() {
                    // Unreachable by the match above, but never loop without progress.
                    self.pos += 1;
                    return Some(Token::Other);
                }
                Some(parse_number(word).unwrap_or(Token::Keyword(word)))
            }
        }
    }

    /// Skips a literal string with balanced parentheses and backslash escapes
    /// (ISO 32000-2 §7.3.4.2). False when the input ends first.
    fn literal_string(&mut self) -> bool {
        let mut depth = 0usize;
        while let Some(b) = self.peek() {
            self.pos += 1;
            match b {
                b'\\' => self.pos = self.pos.saturating_add(1).min(self.bytes.len()),
                b'(' => depth += 1,
                b')' => {
                    depth = depth.saturating_sub(1);
                    if depth == 0 {
                        return true;
                    }
                }
                _ => {}
            }
        }
        false
    }
}

/// An integer token, a real (as [`Token::Other`]), or `None` when `word` is not a number.
fn parse_number(word: &[u8]) -> Option<Token<'static>> {
    let digits = word.strip_prefix(b"-").or_else(|| word.strip_prefix(b"+"));
    let negative = word.first() == Some(&b'-');
    let digits = digits.unwrap_or(word);
    if !digits.is_empty() && digits.iter().all(u8::is_ascii_digit) {
        let text = std::str::from_utf8(digits).ok()?;
        let value: i64 = text.parse().ok()?;
        return Some(Token::Int(if negative { -value } else { value }));
    }
    let is_real = digits.iter().filter(|&&b| b == b'.').count() == 1
        && digits.iter().all(|&b| b == b'.' || b.is_ascii_digit())
        && digits.len() > 1;
    is_real.then_some(Token::Other)
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    /// A minimal classic file, built by hand so every offset is known.
    pub(crate) fn hand_made_original() -> Vec<u8> {
        let mut out = b"%PDF-1.4\n%\xE2\xE3\xCF\xD3\n".to_vec();
        let mut offsets = Vec::new();
        for object in [
            "1 0 obj\n<< /Type /Catalog /Pages 2 0 R >>\nendobj\n",
            "2 0 obj\n<< /Type /Pages /Kids [3 0 R] /Count 1 >>\nendobj\n",
            "3 0 obj\n<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] >>\nendobj\n",
        ] {
            offsets.push(out.len());
            out.extend_from_slice(object.as_bytes());
        }
        let xref_at = out.len();
        out.extend_from_slice(b"xref\n0 4\n0000000000 65535 f \n");
        for offset in offsets {
            out.extend_from_slice(format!("{offset:010} 00000 n \n").as_bytes());
        }
        out.extend_from_slice(
            format!("trailer\n<< /Size 4 /Root 1 0 R >>\nstartxref\n{xref_at}\n%%EOF\n").as_bytes(),
        );
        out
    }

    /// Appends an update that replaces object 3, with a table whose trailer has `/Prev`.
    pub(crate) fn append_update(mut out: Vec<u8>, prev: usize, eol: &str) -> Vec<u8> {
        let object_at = out.len();
        out.extend_from_slice(
            b"3 0 obj\n<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] >>\nendobj\n",
        );
        let xref_at = out.len();
        out.extend_from_slice(
            format!(
                "xref\n0 1\n0000000000 65535 f \n3 1\n{object_at:010} 00000 n \n\
                 trailer\n<< /Size 4 /Root 1 0 R /Prev {prev} /ID [<AB> <CD>] \
                 /Info << /Prev 1 >> >>\nstartxref\n{xref_at}\n%%EOF{eol}"
            )
            .as_bytes(),
        );
        out
    }

    fn xref_offset_of(bytes: &[u8]) -> usize {
        last_startxref(bytes).map_or(0, |v| v as usize)
    }

    /// Replaces the first occurrence of `from`, byte for byte (no lossy UTF-8 round trip,
    /// which would shift every offset after the binary comment line).
    pub(crate) fn replace_first(haystack: &[u8], from: &[u8], to: &[u8]) -> Vec<u8> {
        let at = find(haystack, from, 0).expect("pattern present in fixture");
        [&haystack[..at], to, &haystack[at + from.len()..]].concat()
    }

    /// Replaces the last occurrence of `from`, byte for byte.
    pub(crate) fn replace_last(haystack: &[u8], from: &[u8], to: &[u8]) -> Vec<u8> {
        let at = rfind(haystack, from).expect("pattern present in fixture");
        [&haystack[..at], to, &haystack[at + from.len()..]].concat()
    }

    #[test]
    fn single_revision_ends_past_eof_and_newline() {
        let original = hand_made_original();
        let found = revisions(&original);
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].number, 1);
        assert_eq!(found[0].end, original.len() as u64);
        assert_eq!(found[0].xref_offset, xref_offset_of(&original) as u64);
        assert_eq!(found[0].xref_kind, XrefKind::Table);
    }

    #[test]
    fn incremental_update_gives_two_revisions_with_exact_ends() {
        let original = hand_made_original();
        let first_xref = xref_offset_of(&original);
        let updated = append_update(original.clone(), first_xref, "\r\n");
        let result = scan(&updated);
        assert_eq!(result.chain_break, None);
        let found = result.revisions;
        assert_eq!(found.len(), 2);
        assert_eq!(found[0].end, original.len() as u64);
        assert_eq!(found[0].xref_offset, first_xref as u64);
        assert_eq!(found[1].number, 2);
        assert_eq!(found[1].end, updated.len() as u64);
        assert_eq!(found[1].xref_offset, xref_offset_of(&updated) as u64);
        assert!(found.iter().all(|r| r.xref_kind == XrefKind::Table));
    }

    #[test]
    fn eof_followed_by_bare_cr_counts_the_cr() {
        let original = hand_made_original();
        let first_xref = xref_offset_of(&original);
        let updated = append_update(original, first_xref, "\r");
        let found = revisions(&updated);
        assert_eq!(found[1].end, updated.len() as u64);
    }

    #[test]
    fn eof_without_newline_ends_at_marker() {
        let mut original = hand_made_original();
        original.pop();
        let found = revisions(&original);
        assert_eq!(found[0].end, original.len() as u64);
    }

    #[test]
    fn junk_after_last_eof_is_not_a_revision() {
        let original = hand_made_original();
        let mut junky = original.clone();
        junky.extend_from_slice(b"\x00\x00garbage appended by a mail gateway\n%%EO");
        let found = revisions(&junky);
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].end, original.len() as u64);
        assert_eq!(found[0].xref_kind, XrefKind::Table);
    }

    #[test]
    fn prev_loop_stops_and_falls_back() {
        let original = hand_made_original();
        let first_xref = xref_offset_of(&original);
        let updated = append_update(original.clone(), first_xref, "\n");
        // Point the update's /Prev at the update's own section.
        let own = xref_offset_of(&updated);
        let looped = replace_first(
            &updated,
            format!("/Prev {first_xref} ").as_bytes(),
            format!("/Prev {own} ").as_bytes(),
        );
        let result = scan(&looped);
        let chain_break = result.chain_break.expect("a loop is a break");
        assert!(chain_break.reason.contains("loop"), "{chain_break}");
        let found = result.revisions;
        assert_eq!(found.len(), 2);
        assert_eq!(found[0].xref_kind, XrefKind::Rebuilt);
        assert_eq!(found[1].xref_kind, XrefKind::Table);
        assert_eq!(found[1].end, looped.len() as u64);
    }

    #[test]
    fn broken_startxref_falls_back_to_eof_scan() {
        let original = hand_made_original();
        let first_xref = xref_offset_of(&original);
        let updated = append_update(original.clone(), first_xref, "\n");
        let own = xref_offset_of(&updated);
        let broken = replace_last(
            &updated,
            format!("startxref\n{own}\n").as_bytes(),
            b"startxref\n17\n",
        );
        let result = scan(&broken);
        assert!(result.chain_break.is_some());
        let found = result.revisions;
        assert_eq!(found.len(), 2);
        assert!(found.iter().all(|r| r.xref_kind == XrefKind::Rebuilt));
        assert_eq!(found[0].end, original.len() as u64);
        assert_eq!(found[1].end, broken.len() as u64);
        assert_eq!(found[1].xref_offset, 17);
    }

    #[test]
    fn prev_inside_nested_dictionary_is_ignored() {
        // append_update writes `/Info << /Prev 1 >>` after the real /Prev; reading the nested
        // one would send the chain to byte 1.
        let original = hand_made_original();
        let first_xref = xref_offset_of(&original);
        let updated = append_update(original, first_xref, "\n");
        assert_eq!(scan(&updated).chain_break, None);
    }

    #[test]
    fn update_skipped_by_prev_is_still_found() {
        // Three revisions, but the newest one's /Prev skips the middle one.
        let original = hand_made_original();
        let first_xref = xref_offset_of(&original);
        let second = append_update(original.clone(), first_xref, "\n");
        let third = append_update(second.clone(), first_xref, "\n");
        let result = scan(&third);
        assert_eq!(result.chain_break, None);
        let kinds: Vec<_> = result.revisions.iter().map(|r| r.xref_kind).collect();
        assert_eq!(kinds, [XrefKind::Table, XrefKind::Rebuilt, XrefKind::Table]);
        assert_eq!(result.revisions[1].end, second.len() as u64);
    }

    #[test]
    fn hybrid_trailer_is_reported() {
        let original = hand_made_original();
        let hybrid = replace_first(&original, b"/Size 4 ", b"/Size 4 /XRefStm 9 ");
        let found = revisions(&hybrid);
        assert_eq!(found[0].xref_kind, XrefKind::Hybrid);
    }

    #[test]
    fn linearized_first_page_eof_is_not_a_revision() {
        // Layout of a linearized file: first-page section near the start whose /Prev points
        // forward to the main section, `startxref 0` before the first %%EOF.
        let mut out = b"%PDF-1.4\n".to_vec();
        let first_page_at = out.len();
        let placeholder = "MAINXREF__";
        out.extend_from_slice(
            format!(
                "xref\n0 1\n0000000000 65535 f \ntrailer\n<< /Size 4 /Prev {placeholder} >>\n\
                 startxref\n0\n%%EOF\n"
            )
            .as_bytes(),
        );
        out.extend_from_slice(b"1 0 obj\n<< /Type /Catalog >>\nendobj\n");
        let main_at = out.len();
        out.extend_from_slice(
            format!(
                "xref\n0 1\n0000000000 65535 f \ntrailer\n<< /Size 4 >>\nstartxref\n\
                 {first_page_at}\n%%EOF\n"
            )
            .as_bytes(),
        );
        let text = String::from_utf8_lossy(&out).replace(placeholder, &format!("{main_at:<10}"));
        let result = scan(text.as_bytes());
        assert_eq!(result.chain_break, None);
        assert_eq!(result.revisions.len(), 1);
        assert_eq!(result.revisions[0].end, text.len() as u64);
        assert_eq!(result.revisions[0].xref_offset, first_page_at as u64);
    }

    #[test]
    fn garbage_and_empty_input_have_no_revisions() {
        assert!(revisions(b"").is_empty());
        assert!(revisions(b"startxref").is_empty());
        assert!(revisions(b"startxref 99999999999999999999999 %%EOF").len() <= 1);
        let noise: Vec<u8> = (0u32..5000)
            .map(|i| (i.wrapping_mul(2654435761) >> 13) as u8)
            .collect();
        let _ = revisions(&noise);
    }

    #[test]
    fn truncated_file_keeps_older_revisions() {
        let original = hand_made_original();
        let first_xref = xref_offset_of(&original);
        let updated = append_update(original.clone(), first_xref, "\n");
        // Cut inside the update's xref table: no startxref of its own survives, so the last
        // startxref is the original's, and its section is intact.
        let cut = original.len() + 80;
        let found = revisions(&updated[..cut]);
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].end, original.len() as u64);
    }

    #[test]
    fn unterminated_dictionary_is_an_error_not_a_hang() {
        let mut r = ByteReader {
            bytes: b"<< /Prev 12 /A (unclosed",
            pos: 0,
        };
        assert!(read_dict_summary(&mut r).is_err());
        let mut deep = b"<< /A ".to_vec();
        deep.extend(std::iter::repeat_n(b'[', 100));
        let mut r = ByteReader {
            bytes: &deep,
            pos: 0,
        };
        assert_eq!(
            read_dict_summary(&mut r).err(),
            Some("dictionary nested too deeply")
        );
    }

    #[test]
    fn reference_valued_prev_is_not_an_offset() {
        let mut r = ByteReader {
            bytes: b"<< /Prev 12 0 R /Type /XRef >>",
            pos: 0,
        };
        let summary = read_dict_summary(&mut r).expect("well formed");
        assert_eq!(summary.prev, None);
        assert!(summary.is_xref_stream);
    }
}
