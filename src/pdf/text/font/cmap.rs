//! CMap streams (ISO 32000-2 §9.7.5, §9.10.3; Adobe TN 5014/5099): one tolerant parser for both
//! kinds a PDF carries — encoding CMaps (codespaces, `cidchar`/`cidrange`, `usecmap`, `WMode`)
//! and `/ToUnicode` CMaps (`bfchar`/`bfrange`). It owns tokenising and bounding; what a code
//! *means* for a font is decided in `composite` and `simple`.
//!
//! Input is untrusted: comments, junk between entries, a missing `endcmap` or a truncated stream
//! must not stop it, and no entry may make it allocate more than the named limits below.

use super::glyph_names;

/// Most codes one `bfrange` may expand to; a range over 2^24 codes is clipped here, not allocated.
pub(super) const MAX_RANGE_CODES: u32 = 0x1_0000;
/// Most code → Unicode entries one CMap may define in total.
pub(super) const MAX_UNICODE_MAPPINGS: usize = 0x2_0000;
/// Most `cidchar`/`cidrange` entries kept (ranges are stored, not expanded).
pub(super) const MAX_CID_RANGES: usize = 0x1_0000;
/// Most codespace ranges kept; real CMaps have a handful.
pub(super) const MAX_CODESPACES: usize = 256;
/// Longest destination string of one `bfchar`, in UTF-16 units (ligatures are 2–3).
const MAX_DST_UNITS: usize = 64;
/// Most strings read from one destination array of a `bfrange`.
const MAX_ARRAY_ITEMS: usize = MAX_RANGE_CODES as usize;
/// Longest character code in bytes (ISO 32000-2 §9.7.6.2).
pub(super) const MAX_CODE_BYTES: usize = 4;

/// One `begincodespacerange` entry: codes of `len` bytes whose every byte lies between the
/// corresponding bytes of `lo` and `hi`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct Codespace {
    /// Code length in bytes, 1 to 4.
    pub len: u8,
    /// Lowest byte per position.
    pub lo: [u8; MAX_CODE_BYTES],
    /// Highest byte per position.
    pub hi: [u8; MAX_CODE_BYTES],
}

impl Codespace {
    /// A codespace of `len` bytes covering everything.
    pub(super) fn full(len: u8) -> Codespace {
        Codespace {
            len,
            lo: [0; MAX_CODE_BYTES],
            hi: [0xFF; MAX_CODE_BYTES],
        }
    }

    /// True when `bytes` (exactly `len` long) lies in this range, byte by byte (§9.7.6.2).
    fn contains(&self, bytes: &[u8]) -> bool {
        bytes.len() == usize::from(self.len)
            && bytes
                .iter()
                .zip(self.lo.iter().zip(self.hi.iter()))
                .all(|(b, (lo, hi))| lo <= b && b <= hi)
    }
}

/// A run of codes mapped to consecutive CIDs (`cidrange`; a `cidchar` is a run of one).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct CidRange {
    /// First code.
    pub lo: u32,
    /// Last code, inclusive.
    pub hi: u32,
    /// CID of `lo`.
    pub cid: u32,
}

/// What one CMap stream defined.
#[derive(Debug, Clone, Default)]
pub(super) struct CMap {
    /// Codespace ranges, in order of appearance.
    pub codespaces: Vec<Codespace>,
    /// Code → Unicode text (`bfchar`/`bfrange`), later entries overriding earlier ones.
    pub unicode: Vec<(u32, String)>,
    /// Code → CID runs, in order of appearance.
    pub cid_ranges: Vec<CidRange>,
    /// The name given to `usecmap`, if any.
    pub usecmap: Option<Vec<u8>>,
    /// `/WMode 1 def` seen.
    pub vertical: bool,
    /// A limit cut something off.
    pub truncated: bool,
}

/// Reads a CMap program. Never fails: what cannot be read is skipped.
pub(super) fn parse(data: &[u8]) -> CMap {
    let mut cmap = CMap::default();
    let mut lexer = Lexer { data, pos: 0 };
    let mut mode = Mode::None;
    let mut operands: Vec<Operand> = Vec::new();
    while let Some(tok) = lexer.next_token() {
        match tok {
            Token::Op(op) => {
                match op {
                    b"begincodespacerange" => mode = Mode::Codespace,
                    b"beginbfchar" => mode = Mode::BfChar,
                    b"beginbfrange" => mode = Mode::BfRange,
                    b"begincidchar" => mode = Mode::CidChar,
                    b"begincidrange" => mode = Mode::CidRange,
                    b"usecmap" => {
                        if let Some(Operand::Name(n)) = operands.last() {
                            cmap.usecmap = Some(n.clone());
                        }
                        mode = Mode::None;
                    }
                    b"def" => {
                        if let [.., Operand::Name(n), Operand::Int(v)] = operands.as_slice()
                            && n.as_slice() == b"WMode"
                        {
                            cmap.vertical = *v == 1;
                        }
                        mode = Mode::None;
                    }
                    // `begin`/`end`/`dict`/`findresource`/`endcmap`… and every `end…range`.
                    _ => mode = Mode::None,
                }
                operands.clear();
            }
            Token::ArrayOpen => {
                let items = lexer.read_string_array();
                operands.push(Operand::Array(items));
            }
            Token::Str(s) => operands.push(Operand::Str(s)),
            Token::Name(n) => operands.push(Operand::Name(n.to_vec())),
            Token::Int(v) => operands.push(Operand::Int(v)),
            Token::Other => operands.push(Operand::Other),
        }
        if apply(&mut cmap, mode, &operands) || operands.len() > 3 {
            // Either a complete entry was used, or junk accumulated: start the next entry.
            // Keeping the last two lets `/WMode 1 def` survive in `Mode::None`.
            if mode == Mode::None {
                let keep = operands.len().saturating_sub(2);
                operands.drain(..keep);
            } else {
                operands.clear();
            }
        }
    }
    cmap
}

/// Which section the parser is in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Mode {
    None,
    Codespace,
    BfChar,
    BfRange,
    CidChar,
    CidRange,
}

/// One operand of a CMap entry.
#[derive(Debug, Clone)]
enum Operand {
    Str(Vec<u8>),
    Name(Vec<u8>),
    Int(i64),
    Array(Vec<Vec<u8>>),
    Other,
}

/// Uses `operands` if they form one complete entry of `mode`; true when they did (or when they
/// can never become one, so the caller should drop them).
fn apply(cmap: &mut CMap, mode: Mode, operands: &[Operand]) -> bool {
    match (mode, operands) {
        (Mode::None, _) => false,
        (_, [first, ..]) if !matches!(first, Operand::Str(_)) => true,
        (Mode::Codespace, [Operand::Str(lo), Operand::Str(hi)]) => {
            if lo.len() == hi.len()
                && (1..=MAX_CODE_BYTES).contains(&lo.len())
                && cmap.codespaces.len() < MAX_CODESPACES
            {
                let mut cs = Codespace::full(lo.len() as u8);
                for (i, (l, h)) in lo.iter().zip(hi.iter()).enumerate() {
                    if let (Some(cl), Some(ch)) = (cs.lo.get_mut(i), cs.hi.get_mut(i)) {
                        *cl = *l;
                        *ch = *h;
                    }
                }
                cmap.codespaces.push(cs);
            }
            true
        }
        (Mode::BfChar, [Operand::Str(src), dst]) => {
            if let Some(code) = code_value(src) {
                let text = match dst {
                    Operand::Str(d) => Some(utf16_text(d, 0)),
                    Operand::Name(n) => glyph_names::to_unicode_string(n),
                    _ => None,
                };
                if let Some(text) = text {
                    push_unicode(cmap, code, text);
                }
            }
            true
        }
        (Mode::BfRange, [Operand::Str(lo), Operand::Str(hi), dst]) => {
            if let (Some(lo), Some(hi)) = (code_value(lo), code_value(hi))
                && lo <= hi
            {
                let count = range_count(cmap, lo, hi);
                match dst {
                    Operand::Str(d) => {
                        for i in 0..count {
                            push_unicode(cmap, lo + i, utf16_text(d, i));
                        }
                    }
                    Operand::Array(items) => {
                        for (i, d) in (0..count).zip(items.iter()) {
                            push_unicode(cmap, lo + i, utf16_text(d, 0));
                        }
                    }
                    _ => {}
                }
            }
            true
        }
        (Mode::CidChar, [Operand::Str(src), Operand::Int(cid)]) => {
            if let (Some(code), Ok(cid)) = (code_value(src), u32::try_from(*cid)) {
                push_cid_range(cmap, code, code, cid);
            }
            true
        }
        (Mode::CidRange, [Operand::Str(lo), Operand::Str(hi), Operand::Int(cid)]) => {
            if let (Some(lo), Some(hi), Ok(cid)) =
                (code_value(lo), code_value(hi), u32::try_from(*cid))
                && lo <= hi
            {
                push_cid_range(cmap, lo, hi, cid);
            }
            true
        }
        // Incomplete so far, or a malformed combination once three operands are there.
        (Mode::Codespace | Mode::BfChar | Mode::CidChar, [_, _]) => true,
        (_, ops) => ops.len() >= 3,
    }
}

/// How many codes of `lo..=hi` may be expanded, clipping to the limits.
fn range_count(cmap: &mut CMap, lo: u32, hi: u32) -> u32 {
    let want = u64::from(hi) - u64::from(lo) + 1;
    let room = MAX_UNICODE_MAPPINGS.saturating_sub(cmap.unicode.len()) as u64;
    let count = want.min(u64::from(MAX_RANGE_CODES)).min(room);
    if count < want {
        cmap.truncated = true;
    }
    // Bounded by MAX_RANGE_CODES above, so the cast cannot truncate.
    count as u32
}

fn push_unicode(cmap: &mut CMap, code: u32, text: String) {
    if cmap.unicode.len() >= MAX_UNICODE_MAPPINGS {
        cmap.truncated = true;
        return;
    }
    cmap.unicode.push((code, text));
}

fn push_cid_range(cmap: &mut CMap, lo: u32, hi: u32, cid: u32) {
    if cmap.cid_ranges.len() >= MAX_CID_RANGES {
        cmap.truncated = true;
        return;
    }
    cmap.cid_ranges.push(CidRange { lo, hi, cid });
}

/// A big-endian code of 1 to 4 bytes.
fn code_value(bytes: &[u8]) -> Option<u32> {
    if bytes.is_empty() || bytes.len() > MAX_CODE_BYTES {
        return None;
    }
    Some(bytes.iter().fold(0u32, |acc, &b| (acc << 8) | u32::from(b)))
}

/// Decodes a UTF-16BE destination, adding `offset` to its last unit (the `bfrange` rule:
/// ISO 32000-2 §9.10.3 increments the last byte; adding to the last unit is the same for every
/// range that does not overflow a byte, and what pdf.js and poppler do when it does).
/// A one-byte destination is read as one unit; unpaired surrogates are dropped.
pub(super) fn utf16_text(bytes: &[u8], offset: u32) -> String {
    let mut units: Vec<u16> = if bytes.len() == 1 {
        bytes.iter().map(|&b| u16::from(b)).collect()
    } else {
        bytes
            .chunks_exact(2)
            .take(MAX_DST_UNITS)
            .map(|p| {
                u16::from_be_bytes([
                    p.first().copied().unwrap_or(0),
                    p.get(1).copied().unwrap_or(0),
                ])
            })
            .collect()
    };
    if offset > 0 {
        match units.last_mut() {
            Some(last) => match u16::try_from(u32::from(*last) + offset) {
                Ok(v) => *last = v,
                Err(_) => return String::new(),
            },
            None => return String::new(),
        }
    }
    char::decode_utf16(units.iter().copied())
        .filter_map(Result::ok)
        .collect()
}

/// A lexical token of the PostScript subset CMaps use.
#[derive(Debug)]
enum Token<'a> {
    Str(Vec<u8>),
    Name(&'a [u8]),
    Int(i64),
    Op(&'a [u8]),
    ArrayOpen,
    Other,
}

/// A bounded cursor over the CMap bytes; every step advances, so it always ends.
struct Lexer<'a> {
    data: &'a [u8],
    pos: usize,
}

fn is_delimiter(b: u8) -> bool {
    matches!(
        b,
        b'(' | b')' | b'<' | b'>' | b'[' | b']' | b'{' | b'}' | b'/' | b'%'
    )
}

impl<'a> Lexer<'a> {
    fn peek(&self) -> Option<u8> {
        self.data.get(self.pos).copied()
    }

    fn skip_space_and_comments(&mut self) {
        while let Some(b) = self.peek() {
            if b.is_ascii_whitespace() || b == 0 {
                self.pos += 1;
            } else if b == b'%' {
                while let Some(c) = self.peek() {
                    if c == b'\n' || c == b'\r' {
                        break;
                    }
                    self.pos += 1;
                }
            } else {
                break;
            }
        }
    }

    /// The bytes up to the next whitespace or delimiter.
    fn regular_run(&mut self) -> &'a [u8] {
        let start = self.pos;
        while let Some(b) = self.peek() {
            if b.is_ascii_whitespace() || b == 0 || is_delimiter(b) {
                break;
            }
            self.pos += 1;
        }
        self.data.get(start..self.pos).unwrap_or_default()
    }

    fn next_token(&mut self) -> Option<Token<'a>> {
        self.skip_space_and_comments();
        let b = self.peek()?;
        match b {
            b'<' => {
                if self.data.get(self.pos + 1) == Some(&b'<') {
                    self.pos += 2;
                    return Some(Token::Other);
                }
                self.pos += 1;
                Some(Token::Str(self.hex_string()))
            }
            b'>' => {
                self.pos += if self.data.get(self.pos + 1) == Some(&b'>') {
                    2
                } else {
                    1
                };
                Some(Token::Other)
            }
            b'(' => {
                self.pos += 1;
                Some(Token::Str(self.literal_string()))
            }
            b'[' => {
                self.pos += 1;
                Some(Token::ArrayOpen)
            }
            b'/' => {
                self.pos += 1;
                Some(Token::Name(self.regular_run()))
            }
            _ if is_delimiter(b) => {
                self.pos += 1;
                Some(Token::Other)
            }
            _ => {
                let run = self.regular_run();
                if run.is_empty() {
                    self.pos += 1;
                    return Some(Token::Other);
                }
                if let Some(v) = parse_int(run) {
                    Some(Token::Int(v))
                } else if run.first().is_some_and(|c| c.is_ascii_alphabetic()) {
                    Some(Token::Op(run))
                } else {
                    Some(Token::Other)
                }
            }
        }
    }

    /// After `<`: hex digits up to `>`; whitespace and junk are skipped, an odd digit is padded
    /// with 0 (ISO 32000-2 §7.3.4.3).
    fn hex_string(&mut self) -> Vec<u8> {
        let mut out = Vec::new();
        let mut high: Option<u8> = None;
        while let Some(b) = self.peek() {
            self.pos += 1;
            if b == b'>' {
                break;
            }
            let Some(v) = (b as char).to_digit(16) else {
                continue;
            };
            // `to_digit(16)` is below 16, so the cast is exact.
            let v = v as u8;
            match high.take() {
                Some(h) => out.push((h << 4) | v),
                None => high = Some(v),
            }
        }
        if let Some(h) = high {
            out.push(h << 4);
        }
        out
    }

    /// After `(`: a literal string with nesting and the common escapes.
    fn literal_string(&mut self) -> Vec<u8> {
        let mut out = Vec::new();
        let mut depth = 1usize;
        while let Some(b) = self.peek() {
            self.pos += 1;
            match b {
                b'\\' => {
                    let Some(e) = self.peek() else { break };
                    self.pos += 1;
                    match e {
                        b'n' => out.push(b'\n'),
                        b'r' => out.push(b'\r'),
                        b't' => out.push(b'\t'),
                        b'b' => out.push(8),
                        b'f' => out.push(12),
                        b'0'..=b'7' => {
                            let mut v = u32::from(e - b'0');
                            for _ in 0..2 {
                                match self.peek() {
                                    Some(d @ b'0'..=b'7') => {
                                        v = v * 8 + u32::from(d - b'0');
                                        self.pos += 1;
                                    }
                                    _ => break,
                                }
                            }
                            out.push((v & 0xFF) as u8);
                        }
                        b'\n' | b'\r' => {}
                        other => out.push(other),
                    }
                }
                b'(' => {
                    depth += 1;
                    out.push(b);
                }
                b')' => {
                    depth -= 1;
                    if depth == 0 {
                        break;
                    }
                    out.push(b);
                }
                _ => out.push(b),
            }
        }
        out
    }

    /// After `[`: the strings of an array up to `]`; anything else inside is skipped.
    fn read_string_array(&mut self) -> Vec<Vec<u8>> {
        let mut items = Vec::new();
        loop {
            self.skip_space_and_comments();
            let Some(b) = self.peek() else { break };
            if b == b']' {
                self.pos += 1;
                break;
            }
            match self.next_token() {
                Some(Token::Str(s)) => {
                    if items.len() < MAX_ARRAY_ITEMS {
                        items.push(s);
                    }
                }
                // An operator inside an array means the `]` is missing: stop here.
                Some(Token::Op(_)) | None => break,
                Some(_) => {}
            }
        }
        items
    }
}

fn parse_int(run: &[u8]) -> Option<i64> {
    let s = std::str::from_utf8(run).ok()?;
    s.parse::<i64>().ok()
}

/// The set of codespace ranges that splits a string into codes.
#[derive(Debug, Clone)]
pub(super) struct CodeSpace {
    ranges: Vec<Codespace>,
    /// Length used for bytes no range matches.
    fallback_len: u8,
    /// Some range has one-byte codes (so a code 32 may be a word space).
    pub has_one_byte: bool,
}

impl CodeSpace {
    /// Builds from ranges; with none, codes are 2 bytes (what Identity and most CJK CMaps use).
    pub(super) fn new(mut ranges: Vec<Codespace>) -> CodeSpace {
        if ranges.is_empty() {
            ranges.push(Codespace::full(2));
        }
        let fallback_len = ranges.iter().map(|r| r.len).min().unwrap_or(2);
        let has_one_byte = ranges.iter().any(|r| r.len == 1);
        CodeSpace {
            ranges,
            fallback_len,
            has_one_byte,
        }
    }

    /// The next code at the start of `bytes` and its length (at least 1 when `bytes` is not
    /// empty). Tries 1, 2, 3, 4 bytes in turn as ISO 32000-2 §9.7.6.2 says; when nothing
    /// matches, takes the shortest codespace length.
    pub(super) fn next_code(&self, bytes: &[u8]) -> (u32, usize) {
        for n in 1..=MAX_CODE_BYTES.min(bytes.len()) {
            let Some(prefix) = bytes.get(..n) else { break };
            if self.ranges.iter().any(|r| r.contains(prefix)) {
                return (code_value(prefix).unwrap_or(0), n);
            }
        }
        let n = usize::from(self.fallback_len).clamp(1, bytes.len().max(1));
        let prefix = bytes.get(..n).unwrap_or(bytes);
        (code_value(prefix).unwrap_or(0), prefix.len())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text_of(cmap: &CMap, code: u32) -> Option<&str> {
        cmap.unicode
            .iter()
            .rev()
            .find(|(c, _)| *c == code)
            .map(|(_, t)| t.as_str())
    }

    #[test]
    fn bfchar_bfrange_both_forms() {
        let cmap = parse(
            b"/CIDInit /ProcSet findresource begin 12 dict begin begincmap\n\
              1 begincodespacerange <00> <FF> endcodespacerange\n\
              2 beginbfchar <01> <0041> <02> <00660069> endbfchar % ligature fi\n\
              2 beginbfrange <10> <12> <0061>\n<20> <21> [<00E5> <D83DDE00>] endbfrange\n\
              endcmap CMapName currentdict /CMap defineresource pop end end",
        );
        assert_eq!(cmap.codespaces.len(), 1);
        assert_eq!(text_of(&cmap, 1), Some("A"));
        assert_eq!(text_of(&cmap, 2), Some("fi"));
        assert_eq!(text_of(&cmap, 0x10), Some("a"));
        assert_eq!(text_of(&cmap, 0x12), Some("c"));
        assert_eq!(text_of(&cmap, 0x20), Some("å"));
        assert_eq!(text_of(&cmap, 0x21), Some("😀"));
        assert!(!cmap.truncated);
    }

    #[test]
    fn huge_range_is_clipped_not_allocated() {
        let cmap = parse(b"1 beginbfrange <000000> <FFFFFF> <0041> endbfrange");
        assert_eq!(cmap.unicode.len(), MAX_RANGE_CODES as usize);
        assert!(cmap.truncated);
        let many = b"1 beginbfrange <0000> <FFFF> <0041> endbfrange ".repeat(10);
        let cmap = parse(&many);
        assert_eq!(cmap.unicode.len(), MAX_UNICODE_MAPPINGS);
    }

    #[test]
    fn garbage_and_unterminated_do_not_panic() {
        for input in [
            &b"beginbfchar <01> <0041> <02"[..],
            b"beginbfrange <01> [<0041> <0042>",
            b"beginbfrange <05> <01> <0041> endbfrange",
            b"begincodespacerange <0000000000> <FF> endcodespacerange",
            b"((((\\",
            b"<<<<>>>>]]][[[ 1 2 3 def /WMode",
            b"begincidrange <00> <FF> -5 <00> <10> 99999999999999999999 endcidrange",
            &[0xFF, 0x00, b'<', 0x80, b'%'],
        ] {
            let cmap = parse(input);
            assert!(cmap.unicode.len() <= 2);
        }
        let cmap = parse(b"beginbfchar <01> <0041> <02");
        assert_eq!(text_of(&cmap, 1), Some("A"));
    }

    #[test]
    fn cid_ranges_usecmap_wmode() {
        let cmap = parse(
            b"/WMode 1 def /UniJIS-UCS2-H usecmap\n\
              2 begincodespacerange <00> <80> <8140> <9FFC> endcodespacerange\n\
              1 begincidchar <41> 34 endcidchar 1 begincidrange <8140> <817E> 633 endcidrange",
        );
        assert!(cmap.vertical);
        assert_eq!(cmap.usecmap.as_deref(), Some(&b"UniJIS-UCS2-H"[..]));
        assert_eq!(
            cmap.cid_ranges,
            vec![
                CidRange {
                    lo: 0x41,
                    hi: 0x41,
                    cid: 34
                },
                CidRange {
                    lo: 0x8140,
                    hi: 0x817E,
                    cid: 633
                }
            ]
        );
        let space = CodeSpace::new(cmap.codespaces);
        assert_eq!(space.next_code(&[0x41, 0x81, 0x40]), (0x41, 1));
        assert_eq!(space.next_code(&[0x81, 0x40]), (0x8140, 2));
        // 0xA0 matches no range: the shortest length (1) is taken.
        assert_eq!(space.next_code(&[0xA0, 0x40]), (0xA0, 1));
        assert_eq!(space.next_code(&[0x81]), (0x81, 1));
    }

    #[test]
    fn utf16_destinations() {
        assert_eq!(utf16_text(&[0xD8, 0x3D, 0xDE, 0x00], 0), "😀");
        assert_eq!(utf16_text(&[0xD8, 0x3D], 0), "");
        assert_eq!(utf16_text(&[0x41], 0), "A");
        assert_eq!(utf16_text(&[0xFF, 0xFF], 1), "");
    }
}
