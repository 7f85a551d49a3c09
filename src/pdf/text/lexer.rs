//! Content-stream lexer: bytes → operands and operators (ISO 32000-2 §7.2, §7.8.2).
//!
//! Hand-written rather than lopdf's `Content::decode` because a content stream is the largest
//! untrusted input we read, it is read once per page, and a broken operator must cost one
//! operator, not the page: the lexer never fails, it skips what it cannot read.

use std::borrow::Cow;

/// Deepest array/dictionary nesting read inside a content stream; deeper input is skipped.
pub const MAX_OPERAND_DEPTH: usize = 32;
/// Most operands kept before an operator; more are dropped (no operator takes more than a few,
/// `TJ` takes one array).
pub const MAX_OPERANDS: usize = 64;
/// Most elements kept in one array operand (a `TJ` array of a long line has a few hundred).
pub const MAX_ARRAY_LEN: usize = 1 << 16;

/// One operand of a content-stream operator.
#[derive(Debug, Clone, PartialEq)]
pub enum Operand<'a> {
    /// An integer or real number.
    Number(f64),
    /// A name, without the slash, `#xx` escapes resolved.
    Name(Cow<'a, [u8]>),
    /// A literal or hex string, escapes resolved.
    Str(Cow<'a, [u8]>),
    /// An array.
    Array(Vec<Operand<'a>>),
    /// A dictionary (marked-content properties, inline image parameters).
    Dict(Vec<(Cow<'a, [u8]>, Operand<'a>)>),
    /// `true` or `false`.
    Bool(bool),
    /// `null`, or something unreadable kept as a placeholder so operand counts stay right.
    Null,
}

impl Operand<'_> {
    /// The number, if this is one.
    pub fn as_f64(&self) -> Option<f64> {
        match self {
            Operand::Number(n) => Some(*n),
            _ => None,
        }
    }
}

/// What the lexer hands the interpreter.
#[derive(Debug, PartialEq)]
pub enum Token<'a> {
    /// An operand to push.
    Operand(Operand<'a>),
    /// An operator keyword, e.g. `Tj`.
    Operator(&'a [u8]),
    /// An inline image (`BI … ID … EI`): its parameters as written (abbreviated keys and
    /// names) and its data, without the white space before `EI`.
    InlineImage {
        /// The parameters between `BI` and `ID`.
        params: Vec<(Cow<'a, [u8]>, Operand<'a>)>,
        /// The bytes between `ID` and `EI`.
        data: &'a [u8],
    },
}

/// Reads tokens from a content stream.
pub struct Lexer<'a> {
    data: &'a [u8],
    pos: usize,
}

fn is_white(b: u8) -> bool {
    matches!(b, b' ' | b'\t' | b'\r' | b'\n' | b'\x0c' | b'\0')
}

fn is_delim(b: u8) -> bool {
    matches!(
        b,
        b'(' | b')' | b'<' | b'>' | b'[' | b']' | b'{' | b'}' | b'/' | b'%'
    )
}

/// Operators that only set text or graphics state parameters (§9.3, §8.4.4, §8.6.8): inside
/// an array they are a producer's slip, not the end of the array.
fn is_state_operator(word: &[u8]) -> bool {
    matches!(
        word,
        b"Tc"
            | b"Tw"
            | b"Tz"
            | b"TL"
            | b"Ts"
            | b"Tf"
            | b"Tr"
            | b"g"
            | b"G"
            | b"rg"
            | b"RG"
            | b"k"
            | b"K"
            | b"cs"
            | b"CS"
            | b"sc"
            | b"SC"
            | b"scn"
            | b"SCN"
            | b"w"
            | b"gs"
    )
}

fn is_regular(b: u8) -> bool {
    !is_white(b) && !is_delim(b)
}

fn hex_val(b: u8) -> Option<u8> {
    match b {
        b'0'..=b'9' => Some(b - b'0'),
        b'a'..=b'f' => Some(b - b'a' + 10),
        b'A'..=b'F' => Some(b - b'A' + 10),
        _ => None,
    }
}

impl<'a> Lexer<'a> {
    /// A lexer over `data`.
    pub fn new(data: &'a [u8]) -> Self {
        Lexer { data, pos: 0 }
    }

    /// Byte offset of the next byte to read: after a token, where the next one may start.
    pub fn position(&self) -> usize {
        self.pos
    }

    fn peek(&self) -> Option<u8> {
        self.data.get(self.pos).copied()
    }

    fn skip_white_and_comments(&mut self) {
        while let Some(b) = self.peek() {
            if is_white(b) {
                self.pos += 1;
            } else if b == b'%' {
                while let Some(c) = self.peek() {
                    if c == b'\r' || c == b'\n' {
                        break;
                    }
                    self.pos += 1;
                }
            } else {
                break;
            }
        }
    }

    fn regular_run(&mut self) -> &'a [u8] {
        let start = self.pos;
        while self.peek().is_some_and(is_regular) {
            self.pos += 1;
        }
        &self.data[start..self.pos]
    }

    /// The next token, or `None` at the end of the stream.
    pub fn next_token(&mut self) -> Option<Token<'a>> {
        loop {
            self.skip_white_and_comments();
            let b = self.peek()?;
            if let Some(op) = self.operand(b, 0) {
                return Some(Token::Operand(op));
            }
            // Not an operand start: a keyword, or a stray delimiter to step over.
            if is_regular(b) {
                let word = self.regular_run();
                match word {
                    b"true" => return Some(Token::Operand(Operand::Bool(true))),
                    b"false" => return Some(Token::Operand(Operand::Bool(false))),
                    b"null" => return Some(Token::Operand(Operand::Null)),
                    b"BI" => return Some(self.inline_image()),
                    _ => return Some(Token::Operator(word)),
                }
            }
            self.pos += 1;
        }
    }

    /// Reads an operand starting with byte `b`, or returns `None` (position unchanged) when
    /// `b` does not start one.
    fn operand(&mut self, b: u8, depth: usize) -> Option<Operand<'a>> {
        match b {
            b'0'..=b'9' | b'+' | b'-' | b'.' => Some(self.number()),
            b'/' => {
                self.pos += 1;
                Some(Operand::Name(resolve_name_escapes(self.regular_run())))
            }
            b'(' => Some(Operand::Str(self.literal_string())),
            b'<' if self.data.get(self.pos + 1) == Some(&b'<') => {
                self.pos += 2;
                Some(Operand::Dict(self.dict_body(depth + 1)))
            }
            b'<' => Some(Operand::Str(self.hex_string())),
            b'[' => {
                self.pos += 1;
                Some(self.array(depth + 1))
            }
            _ => None,
        }
    }

    fn number(&mut self) -> Operand<'a> {
        let start = self.pos;
        if matches!(self.peek(), Some(b'+' | b'-')) {
            self.pos += 1;
        }
        while self
            .peek()
            .is_some_and(|c| c.is_ascii_digit() || c == b'.' || c == b'-')
        {
            self.pos += 1;
        }
        let text = &self.data[start..self.pos];
        Operand::Number(parse_number(text))
    }

    fn literal_string(&mut self) -> Cow<'a, [u8]> {
        // Caller saw '('.
        self.pos += 1;
        let start = self.pos;
        let mut depth = 1usize;
        let mut simple = true;
        while let Some(c) = self.peek() {
            match c {
                b'\\' => {
                    simple = false;
                    self.pos += 2;
                    continue;
                }
                b'(' => depth += 1,
                b')' => {
                    depth -= 1;
                    if depth == 0 {
                        break;
                    }
                }
                b'\r' => simple = false,
                _ => {}
            }
            self.pos += 1;
        }
        let end = self.pos.min(self.data.len());
        let raw = &self.data[start..end];
        self.pos = (end + 1).min(self.data.len());
        if simple {
            Cow::Borrowed(raw)
        } else {
            Cow::Owned(unescape_literal(raw))
        }
    }

    fn hex_string(&mut self) -> Cow<'a, [u8]> {
        self.pos += 1;
        let mut out = Vec::new();
        let mut hi: Option<u8> = None;
        while let Some(c) = self.peek() {
            self.pos += 1;
            if c == b'>' {
                break;
            }
            if let Some(v) = hex_val(c) {
                match hi.take() {
                    Some(h) => out.push(h << 4 | v),
                    None => hi = Some(v),
                }
            }
        }
        // §7.3.4.3: an odd final digit is followed by an implied 0.
        if let Some(h) = hi {
            out.push(h << 4);
        }
        Cow::Owned(out)
    }

    fn array(&mut self, depth: usize) -> Operand<'a> {
        let mut items = Vec::new();
        loop {
            self.skip_white_and_comments();
            let Some(b) = self.peek() else { break };
            if b == b']' {
                self.pos += 1;
                break;
            }
            // Too deep: step over nested openers instead of recursing; everything else
            // (strings, numbers, the operator that ends a broken array) still reads.
            if depth >= MAX_OPERAND_DEPTH
                && (b == b'[' || (b == b'<' && self.data.get(self.pos + 1) == Some(&b'<')))
            {
                self.pos += 1;
                continue;
            }
            if let Some(op) = self.operand(b, depth) {
                if items.len() < MAX_ARRAY_LEN {
                    items.push(op);
                }
            } else if is_regular(b) {
                let word = self.regular_run();
                let op = match word {
                    b"true" => Operand::Bool(true),
                    b"false" => Operand::Bool(false),
                    // An inline image's `/DP [null << … >>]`.
                    b"null" => Operand::Null,
                    // A state operator inside a `TJ` array (`[(A) 0.0 Tc -250 (B)] TJ`, as
                    // some producers write): stepped over, not run, and the array goes on,
                    // as pdftotext and pdf.js read it.
                    w if is_state_operator(w) => continue,
                    // Any other operator inside an array means the array was never closed:
                    // stop here so the operator is not swallowed. Step back so it is read
                    // next.
                    _ => {
                        self.pos -= word.len();
                        break;
                    }
                };
                items.push(op);
            } else {
                self.pos += 1;
            }
        }
        Operand::Array(items)
    }

    fn dict_body(&mut self, depth: usize) -> Vec<(Cow<'a, [u8]>, Operand<'a>)> {
        let mut entries = Vec::new();
        loop {
            self.skip_white_and_comments();
            let Some(b) = self.peek() else { break };
            if b == b'>' {
                self.pos = (self.pos + 2).min(self.data.len());
                break;
            }
            if b != b'/' || depth > MAX_OPERAND_DEPTH {
                self.pos += 1;
                continue;
            }
            self.pos += 1;
            let key = resolve_name_escapes(self.regular_run());
            self.skip_white_and_comments();
            let Some(vb) = self.peek() else { break };
            let value = match self.operand(vb, depth) {
                Some(v) => v,
                None if is_regular(vb) => match self.regular_run() {
                    b"true" => Operand::Bool(true),
                    b"false" => Operand::Bool(false),
                    _ => Operand::Null,
                },
                None => {
                    self.pos += 1;
                    Operand::Null
                }
            };
            if entries.len() < MAX_OPERANDS {
                entries.push((key, value));
            }
        }
        entries
    }

    /// After `BI`: parameters up to `ID`, then the image data up to `EI` (§8.9.7).
    fn inline_image(&mut self) -> Token<'a> {
        let mut params = Vec::new();
        loop {
            self.skip_white_and_comments();
            let Some(b) = self.peek() else { break };
            if b == b'/' {
                self.pos += 1;
                let key = resolve_name_escapes(self.regular_run());
                self.skip_white_and_comments();
                let value = match self.peek() {
                    Some(vb) => match self.operand(vb, 1) {
                        Some(v) => v,
                        None if is_regular(vb) => match self.regular_run() {
                            b"ID" => {
                                // A key with no value right before ID: treat ID as the end.
                                self.pos -= 2;
                                Operand::Null
                            }
                            b"true" => Operand::Bool(true),
                            b"false" => Operand::Bool(false),
                            b"null" => Operand::Null,
                            w => Operand::Name(Cow::Borrowed(w)),
                        },
                        None => {
                            self.pos += 1;
                            Operand::Null
                        }
                    },
                    None => Operand::Null,
                };
                if params.len() < MAX_OPERANDS {
                    params.push((key, value));
                }
            } else if is_regular(b) {
                let w = self.regular_run();
                if w == b"ID" {
                    // One white-space byte separates ID from the data.
                    if self.peek().is_some_and(is_white) {
                        self.pos += 1;
                    }
                    break;
                }
            } else {
                self.pos += 1;
            }
        }
        let start = self.pos.min(self.data.len());
        let (end, resume) = inline_data_end(self.data, start, &params);
        self.pos = resume;
        let data = self.data.get(start..end).unwrap_or_default();
        Token::InlineImage { params, data }
    }
}

/// How far past the first `EI` that could end an inline image's data another is looked for
/// when what follows the first does not read as content (binary data that happens to hold
/// " EI "); past it the first is taken. Bounds the search for each inline image.
const MAX_EI_LOOKAHEAD: usize = 64 * 1024;
/// Bytes after a candidate `EI` that must read as content (printable ASCII or white space)
/// for it to be the end of the data.
const EI_CHECK_BYTES: usize = 16;

/// Where an inline image's data that starts at `start` ends, and where reading goes on after
/// its `EI`: `(end, resume)`.
///
/// The data is binary and may contain "EI", so its length is taken from what the parameters
/// say when `EI` stands right after it: the PDF 2.0 `/L` (`/Length`), or for unfiltered
/// samples their size. Otherwise it ends before the first `EI` between white space that is
/// followed by content-like bytes (as pdf.js reads it), or the first such `EI` at all; with
/// no `EI` the data runs to the end of the stream. Every search is forwards and bounded, so a
/// missing `EI` costs one pass over the stream.
fn inline_data_end(
    data: &[u8],
    start: usize,
    params: &[(Cow<'_, [u8]>, Operand<'_>)],
) -> (usize, usize) {
    let get = |keys: [&[u8]; 2]| {
        params
            .iter()
            .find(|(k, _)| keys.contains(&k.as_ref()))
            .map(|(_, v)| v)
    };
    let declared = get([b"L", b"Length"])
        .and_then(Operand::as_f64)
        .filter(|v| *v >= 0.0 && *v < usize::MAX as f64)
        .map(|v| v as usize);
    for len in [declared, unfiltered_length(&get)].into_iter().flatten() {
        let end = start.saturating_add(len);
        if let Some(resume) = ei_at(data, end) {
            return (end, resume);
        }
    }
    // A length that does not end at `EI` still says the data is at least that long, unless
    // it runs past the stream.
    let from = declared
        .map(|len| start.saturating_add(len))
        .filter(|&at| at <= data.len())
        .unwrap_or(start);
    find_ei(data, from)
        .or_else(|| (from > start).then(|| find_ei(data, start)).flatten())
        .unwrap_or((data.len(), data.len()))
}

/// Where reading goes on when white space and then `EI` (followed by white space or the end)
/// start at `at`.
fn ei_at(data: &[u8], at: usize) -> Option<usize> {
    if at > data.len() {
        return None;
    }
    let mut i = at;
    while data.get(i).is_some_and(|&c| is_white(c)) {
        i += 1;
    }
    (data.get(i..i + 2) == Some(b"EI") && data.get(i + 2).is_none_or(|&c| is_white(c)))
        .then_some(i + 2)
}

/// The first `EI` from `from` on with white space on both sides whose following bytes read as
/// content, else the first with white space on both sides within [`MAX_EI_LOOKAHEAD`] of it:
/// `(end of data, resume)`, the data ending before the white-space byte before `EI`.
fn find_ei(data: &[u8], from: usize) -> Option<(usize, usize)> {
    let mut first: Option<(usize, usize)> = None;
    let tail = data.get(from..)?;
    for offset in memchr::memmem::find_iter(tail, b"EI") {
        let i = from + offset;
        if let Some((first_end, _)) = first
            && i > first_end.saturating_add(MAX_EI_LOOKAHEAD)
        {
            break;
        }
        let before_white = i > from && data.get(i - 1).is_some_and(|&c| is_white(c));
        let after = data.get(i + 2..).unwrap_or_default();
        if !before_white || after.first().is_some_and(|&c| !is_white(c)) {
            continue;
        }
        let found = (i - 1, i + 2);
        let content_like = after
            .iter()
            .take(EI_CHECK_BYTES)
            .all(|&c| c.is_ascii_graphic() || is_white(c));
        if content_like {
            return Some(found);
        }
        first.get_or_insert(found);
    }
    first
}

/// The size of an inline image's samples when they are not filtered and the parameters say
/// everything it depends on: `/W`, `/H`, `/BPC` and a device or indexed `/CS`, or `/IM`.
fn unfiltered_length<'p>(get: &impl Fn([&[u8]; 2]) -> Option<&'p Operand<'p>>) -> Option<usize> {
    let filtered = match get([b"F", b"Filter"]) {
        None | Some(Operand::Null) => false,
        Some(Operand::Array(a)) => !a.is_empty(),
        Some(_) => true,
    };
    if filtered {
        return None;
    }
    let whole = |v: &Operand<'_>| {
        v.as_f64()
            .filter(|v| *v >= 0.0 && v.fract() == 0.0 && *v <= u32::MAX as f64)
            .map(|v| v as usize)
    };
    let width = whole(get([b"W", b"Width"])?)?;
    let height = whole(get([b"H", b"Height"])?)?;
    let (components, bits) = if matches!(get([b"IM", b"ImageMask"]), Some(Operand::Bool(true))) {
        (1, 1)
    } else {
        let components = match get([b"CS", b"ColorSpace"])? {
            Operand::Name(n) => match n.as_ref() {
                b"G" | b"DeviceGray" => 1,
                b"RGB" | b"DeviceRGB" => 3,
                b"CMYK" | b"DeviceCMYK" => 4,
                _ => return None,
            },
            Operand::Array(a) => match a.first() {
                Some(Operand::Name(n)) if matches!(n.as_ref(), b"I" | b"Indexed") => 1,
                _ => return None,
            },
            _ => return None,
        };
        (components, whole(get([b"BPC", b"BitsPerComponent"])?)?)
    };
    width
        .checked_mul(components)?
        .checked_mul(bits)?
        .div_ceil(8)
        .checked_mul(height)
}

/// Parses a PDF number leniently: `--5`, `5.`, `.5`, `1.2.3` all give a value, junk gives 0.
fn parse_number(text: &[u8]) -> f64 {
    let mut neg = false;
    let mut i = 0;
    while let Some(&c) = text.get(i) {
        match c {
            b'-' => neg = !neg,
            b'+' => {}
            _ => break,
        }
        i += 1;
    }
    let mut int: f64 = 0.0;
    let mut frac: f64 = 0.0;
    let mut scale = 1.0;
    let mut seen_dot = false;
    for &c in &text[i..] {
        match c {
            b'0'..=b'9' if !seen_dot => int = int * 10.0 + f64::from(c - b'0'),
            b'0'..=b'9' => {
                scale /= 10.0;
                frac += f64::from(c - b'0') * scale;
            }
            b'.' if !seen_dot => seen_dot = true,
            _ => break,
        }
    }
    let v = int + frac;
    let v = if neg { -v } else { v };
    if v.is_finite() { v } else { 0.0 }
}

fn resolve_name_escapes(raw: &[u8]) -> Cow<'_, [u8]> {
    if !raw.contains(&b'#') {
        return Cow::Borrowed(raw);
    }
    let mut out = Vec::with_capacity(raw.len());
    let mut i = 0;
    while i < raw.len() {
        if raw[i] == b'#'
            && let (Some(h), Some(l)) = (
                raw.get(i + 1).copied().and_then(hex_val),
                raw.get(i + 2).copied().and_then(hex_val),
            )
        {
            out.push(h << 4 | l);
            i += 3;
            continue;
        }
        out.push(raw[i]);
        i += 1;
    }
    Cow::Owned(out)
}

/// Resolves the escapes of a literal string body (§7.3.4.2), including octal and line
/// continuations, and normalises bare CR and CRLF to LF as the standard requires.
fn unescape_literal(raw: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(raw.len());
    let mut i = 0;
    while i < raw.len() {
        let c = raw[i];
        i += 1;
        match c {
            b'\\' => {
                let Some(&e) = raw.get(i) else { break };
                i += 1;
                match e {
                    b'n' => out.push(b'\n'),
                    b'r' => out.push(b'\r'),
                    b't' => out.push(b'\t'),
                    b'b' => out.push(8),
                    b'f' => out.push(12),
                    b'0'..=b'7' => {
                        let mut v = u32::from(e - b'0');
                        for _ in 0..2 {
                            match raw.get(i) {
                                Some(&d @ b'0'..=b'7') => {
                                    v = v * 8 + u32::from(d - b'0');
                                    i += 1;
                                }
                                _ => break,
                            }
                        }
                        out.push((v & 0xff) as u8);
                    }
                    b'\r' => {
                        if raw.get(i) == Some(&b'\n') {
                            i += 1;
                        }
                    }
                    b'\n' => {}
                    other => out.push(other),
                }
            }
            b'\r' => {
                if raw.get(i) == Some(&b'\n') {
                    i += 1;
                }
                out.push(b'\n');
            }
            _ => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tokens(src: &[u8]) -> Vec<Token<'_>> {
        let mut lx = Lexer::new(src);
        std::iter::from_fn(|| lx.next_token()).collect()
    }

    #[test]
    fn reads_text_operators_with_escapes() {
        let t = tokens(b"BT /F1 12 Tf (a\\(b\\)\\101\\\nc) Tj ET");
        assert_eq!(t[0], Token::Operator(b"BT"));
        assert_eq!(t[1], Token::Operand(Operand::Name(Cow::Borrowed(b"F1"))));
        assert_eq!(t[2], Token::Operand(Operand::Number(12.0)));
        assert_eq!(
            t[4],
            Token::Operand(Operand::Str(Cow::Owned(b"a(b)Ac".to_vec())))
        );
    }

    #[test]
    fn hex_string_with_odd_digit_and_spaces() {
        let t = tokens(b"<48 65 6C6C 6F7>");
        assert_eq!(
            t[0],
            Token::Operand(Operand::Str(Cow::Owned(b"Hello\x70".to_vec())))
        );
    }

    #[test]
    fn tj_array_mixes_strings_and_numbers() {
        let t = tokens(b"[(A) -120 (B) 3.5]TJ");
        let Token::Operand(Operand::Array(items)) = &t[0] else {
            panic!("not an array: {t:?}")
        };
        assert_eq!(items.len(), 4);
        assert_eq!(items[1], Operand::Number(-120.0));
        assert_eq!(t[1], Token::Operator(b"TJ"));
    }

    #[test]
    fn a_state_operator_inside_a_tj_array_is_stepped_over() {
        // pdf.js's operator-in-TJ-array.pdf: the whole line was lost.
        let t = tokens(b"[(Grandes) 0.0 Tc -250.0 (Client\\350les,) 0.0 Tc ] TJ");
        let Token::Operand(Operand::Array(items)) = &t[0] else {
            panic!("not an array: {t:?}")
        };
        assert_eq!(items.len(), 5, "{items:?}");
        assert_eq!(items[2], Operand::Number(-250.0));
        assert_eq!(t[1], Token::Operator(b"TJ"));
        assert_eq!(t.len(), 2);
    }

    #[test]
    fn unclosed_array_does_not_swallow_the_operator() {
        let t = tokens(b"[(A) 1 TJ (B) Tj");
        assert_eq!(t[1], Token::Operator(b"TJ"));
        assert_eq!(t[3], Token::Operator(b"Tj"));
    }

    #[test]
    fn inline_image_data_containing_ei_is_skipped() {
        let t = tokens(b"BI /W 2 /H 1 /BPC 8 /CS /G ID \x00EI\x01 EI Q");
        assert!(
            matches!(t[0], Token::InlineImage { ref params, data } if params.len() == 4 && data == b"\x00EI\x01")
        );
        assert_eq!(t[1], Token::Operator(b"Q"));
    }

    #[test]
    fn inline_image_length_is_honoured() {
        let t = tokens(b"BI /W 1 /H 1 /L 4 ID  EI x EI Q");
        assert!(matches!(t[0], Token::InlineImage { data, .. } if data == b" EI x"));
        assert_eq!(t[1], Token::Operator(b"Q"));
        // Exactly: the data is the four bytes, though they hold " EI ".
        let t = tokens(b"BI /W 1 /H 1 /L 4 ID  EI \nEI Q");
        assert!(matches!(t[0], Token::InlineImage { data, .. } if data == b" EI "));
        assert_eq!(t[1], Token::Operator(b"Q"));
    }

    /// The data of the first token, an inline image, and the tokens after it.
    fn inline(src: &[u8]) -> (Vec<u8>, Vec<Token<'_>>) {
        let mut t = tokens(src);
        let Token::InlineImage { data, .. } = t.remove(0) else {
            panic!("not an inline image: {t:?}");
        };
        (data.to_vec(), t)
    }

    #[test]
    fn unfiltered_inline_samples_are_as_long_as_their_size() {
        // 2 × 2 grey bytes, the second row "EI" after a space by chance: the size says
        // where the data ends.
        let (data, rest) = inline(b"BI /W 2 /H 2 /BPC 8 /CS /G ID a EI EI Q");
        assert_eq!(data, b"a EI");
        assert_eq!(rest, [Token::Operator(b"Q")]);
        let (data, rest) = inline(b"BI /W 4 /H 1 /BPC 8 /CS /G ID \x01 EI EI Q");
        assert_eq!(data, b"\x01 EI");
        assert_eq!(rest, [Token::Operator(b"Q")]);
        // 1-bit image mask, 9 × 2: two bytes a row.
        let (data, rest) = inline(b"BI /W 9 /H 2 /IM true ID \xff EI EI Q");
        assert_eq!(data, b"\xff EI");
        assert_eq!(rest, [Token::Operator(b"Q")]);
    }

    #[test]
    fn binary_data_holding_ei_ends_at_an_ei_followed_by_content() {
        // Filtered data: the size says nothing; " EI " followed by binary is data.
        let (data, rest) = inline(b"BI /W 9 /H 9 /F /Fl ID x\x9c EI \x80\x81 EI Q");
        assert_eq!(data, b"x\x9c EI \x80\x81");
        assert_eq!(rest, [Token::Operator(b"Q")]);
    }

    #[test]
    fn a_bad_length_or_a_missing_ei_never_hangs_or_loses_what_follows() {
        // /L past the real end: the data ends at the EI there is.
        let (data, rest) = inline(b"BI /W 1 /H 1 /L 9999 ID ab EI Q");
        assert_eq!(data, b"ab");
        assert_eq!(rest, [Token::Operator(b"Q")]);
        // /L short of it: the data runs on to the EI.
        let (data, _) = inline(b"BI /W 1 /H 1 /L 1 ID abc EI Q");
        assert_eq!(data, b"abc");
        // No EI: the data is the rest of the stream.
        let (data, rest) = inline(b"BI /W 1 /H 1 ID abc");
        assert_eq!(data, b"abc");
        assert!(rest.is_empty());
        let (data, _) = inline(b"BI /W 1 /H 1 /L -5 ID");
        assert!(data.is_empty());
        // A huge or odd size says nothing.
        for src in [
            &b"BI /W 1e300 /H 1e300 /BPC 8 /CS /G ID a EI Q"[..],
            b"BI /W 4294967295 /H 4294967295 /BPC 16 /CS /CMYK ID a EI Q",
            b"BI /W 2.5 /H 1 /BPC 8 /CS /G ID a EI Q",
        ] {
            let (data, rest) = inline(src);
            assert_eq!(data, b"a");
            assert_eq!(rest, [Token::Operator(b"Q")]);
        }
    }

    #[test]
    fn odd_numbers_parse_leniently() {
        for (src, want) in [
            (&b"--5"[..], 5.0),
            (b"5.", 5.0),
            (b".5", 0.5),
            (b"-.25", -0.25),
            (b"1.2.3", 1.2),
        ] {
            assert_eq!(parse_number(src), want, "{}", String::from_utf8_lossy(src));
        }
    }

    #[test]
    fn garbage_never_panics_and_terminates() {
        let mut data = Vec::new();
        let mut x: u32 = 12345;
        for _ in 0..20_000 {
            x = x.wrapping_mul(1_103_515_245).wrapping_add(12345);
            data.push((x >> 16) as u8);
        }
        for cut in [0, 1, 7, 100, 5000, data.len()] {
            let mut lx = Lexer::new(&data[..cut]);
            let mut n = 0;
            while lx.next_token().is_some() {
                n += 1;
                assert!(n <= cut + 1, "lexer made no progress");
            }
        }
        for src in [
            &b"<<"[..],
            b"[",
            b"(",
            b"<",
            b"BI",
            b"BI /W",
            b"/#",
            b"((\\",
        ] {
            let _ = tokens(src);
        }
    }

    #[test]
    fn deep_nesting_is_bounded() {
        let mut src = vec![b'['; 10_000];
        src.extend_from_slice(b"(x) Tj");
        let t = tokens(&src);
        // The unclosed arrays end where the operator starts; the operator survives.
        assert_eq!(t.last(), Some(&Token::Operator(b"Tj")));
    }
}
