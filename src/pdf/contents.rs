//! Signatures' `/Contents` strings, found in the raw bytes before parsing.
//!
//! A signed protocol carries kilobytes of hex per signature, and lopdf's hex-string parser
//! spent more time on them than on the rest of the file. The loader therefore hands lopdf a
//! copy in which each such string is `()` padded with spaces (every offset unchanged), then
//! puts the values back into the parsed dictionaries. A string counts only when a
//! `/ByteRange [a b c d]` names it as its gap, it is exactly a hex string, and `/Contents` is
//! the key right before it; anything that does not restore exactly is parsed as written.

use lopdf::{Document, Object, StringFormat};

/// Most `/ByteRange` arrays looked at in one file.
const MAX_SIGNATURES: usize = 10_000;
/// Most bytes of one `/ByteRange` array read.
const MAX_ARRAY_BYTES: usize = 200;

/// Offsets `(start, end)` of the `<…>` hex strings that `/ByteRange` gaps name as their
/// `/Contents`, in file order, without duplicates.
pub fn find(bytes: &[u8]) -> Vec<(usize, usize)> {
    const KEY: &[u8] = b"/ByteRange";
    let mut spans = Vec::new();
    for at in memchr::memmem::find_iter(bytes, KEY).take(MAX_SIGNATURES) {
        let after = at + KEY.len();
        let Some(numbers) = array_of_four(bytes.get(after..).unwrap_or_default()) else {
            continue;
        };
        let [_, len0, start1, _] = numbers;
        let (Ok(start), Ok(end)) = (usize::try_from(len0), usize::try_from(start1)) else {
            continue;
        };
        if is_contents_string(bytes, start, end) {
            spans.push((start, end));
        }
    }
    spans.sort_unstable();
    spans.dedup();
    spans
}

/// The four integers of `[a b c d]` at the start of `rest` (after whitespace).
fn array_of_four(rest: &[u8]) -> Option<[i64; 4]> {
    let rest = rest.get(..rest.len().min(MAX_ARRAY_BYTES))?;
    let open = rest.iter().position(|b| !b.is_ascii_whitespace())?;
    if rest.get(open) != Some(&b'[') {
        return None;
    }
    let close = open + rest.get(open..)?.iter().position(|&b| b == b']')?;
    let inner = std::str::from_utf8(rest.get(open + 1..close)?).ok()?;
    let mut out = [0i64; 4];
    let mut words = inner.split_ascii_whitespace();
    for slot in &mut out {
        *slot = words.next()?.parse().ok()?;
    }
    words.next().is_none().then_some(out)
}

/// True when `bytes[start..end]` is exactly a hex string and the key before it is
/// `/Contents`.
fn is_contents_string(bytes: &[u8], start: usize, end: usize) -> bool {
    let Some(string) = bytes.get(start..end) else {
        return false;
    };
    let hex = is_hex_string(string);
    let before = bytes.get(..start).unwrap_or_default();
    let key_end = before
        .iter()
        .rposition(|b| !b.is_ascii_whitespace())
        .map_or(0, |i| i + 1);
    hex && before
        .get(..key_end)
        .is_some_and(|b| b.ends_with(b"/Contents"))
}

/// Each byte's hex digit value; `SPACE` for ASCII whitespace, `OTHER` for anything else.
/// A table because signature strings are tens of kilobytes and are looked at several times.
const HEX: [u8; 256] = {
    let mut t = [OTHER; 256];
    let mut b = 0;
    while b < 256 {
        t[b] = match b as u8 {
            c @ b'0'..=b'9' => c - b'0',
            c @ b'a'..=b'f' => c - b'a' + 10,
            c @ b'A'..=b'F' => c - b'A' + 10,
            b' ' | b'\t' | b'\n' | b'\x0c' | b'\r' => SPACE,
            _ => OTHER,
        };
        b += 1;
    }
    t
};
const SPACE: u8 = 0xfe;
const OTHER: u8 = 0xff;

/// True when `string` is exactly a hex string `<…>`: hex digits and ASCII whitespace
/// between the brackets.
pub fn is_hex_string(string: &[u8]) -> bool {
    match string {
        [b'<', inner @ .., b'>'] => inner.iter().all(|&b| HEX[usize::from(b)] != OTHER),
        _ => false,
    }
}

/// A copy of `bytes` in which each span is `()` followed by spaces.
pub fn emptied(bytes: &[u8], spans: &[(usize, usize)]) -> Vec<u8> {
    let mut out = bytes.to_vec();
    for &(start, end) in spans {
        if let Some(span) = out.get_mut(start..end)
            && let [open, close, rest @ ..] = span
        {
            *open = b'(';
            *close = b')';
            rest.fill(b' ');
        }
    }
    out
}

/// The bytes a hex string `<…>` stands for, as lopdf reads it: whitespace skipped, an odd
/// last digit followed by 0 (ISO 32000-2 §7.3.4.3).
pub fn hex_value(string: &[u8]) -> Vec<u8> {
    let inner = string
        .strip_prefix(b"<")
        .and_then(|s| s.strip_suffix(b">"))
        .unwrap_or(string);
    let mut out = Vec::with_capacity(inner.len() / 2 + 1);
    let mut high: Option<u8> = None;
    for &b in inner {
        let digit = HEX[usize::from(b)];
        if digit > 15 {
            continue;
        }
        match high.take() {
            Some(h) => out.push(h << 4 | digit),
            None => high = Some(digit),
        }
    }
    if let Some(h) = high {
        out.push(h << 4);
    }
    out
}

/// Whether `value` is what the hex string `string` stands for, i.e. `hex_value(string) ==
/// value`, without building the value: the usual string is exactly two digits per byte.
pub fn hex_value_is(string: &[u8], value: &[u8]) -> bool {
    let inner = string
        .strip_prefix(b"<")
        .and_then(|s| s.strip_suffix(b">"))
        .unwrap_or(string);
    if value.len().checked_mul(2) == Some(inner.len()) {
        // Accumulated without branching on the data; a non-digit anywhere shifts the pairing,
        // so only an all-digit string may be judged here.
        let (mut not_digit, mut differ) = (0u8, 0u8);
        for (pair, &byte) in inner.chunks_exact(2).zip(value) {
            if let [high, low] = pair {
                let (h, l) = (HEX[usize::from(*high)], HEX[usize::from(*low)]);
                not_digit |= (h | l) & 0xf0;
                differ |= ((h << 4) | l) ^ byte;
            }
        }
        if not_digit == 0 {
            return differ == 0;
        }
    }
    hex_value(string) == value
}

/// Puts each span's value back into the dictionary (an object of its own, or one directly
/// inside one) whose `/ByteRange` names it and whose `/Contents` was emptied. True when
/// every span went back exactly once.
pub fn restore(doc: &mut Document, bytes: &[u8], spans: &[(usize, usize)]) -> bool {
    let mut restored = vec![0usize; spans.len()];
    for object in doc.objects.values_mut() {
        match object {
            Object::Dictionary(dict) => {
                restore_in(dict, bytes, spans, &mut restored);
                for (_, value) in dict.iter_mut() {
                    if let Object::Dictionary(inner) = value {
                        restore_in(inner, bytes, spans, &mut restored);
                    }
                }
            }
            Object::Stream(stream) => restore_in(&mut stream.dict, bytes, spans, &mut restored),
            _ => {}
        }
    }
    restored.iter().all(|&n| n == 1)
}

fn restore_in(
    dict: &mut lopdf::Dictionary,
    bytes: &[u8],
    spans: &[(usize, usize)],
    restored: &mut [usize],
) {
    let Ok(Object::Array(range)) = dict.get(b"ByteRange") else {
        return;
    };
    let (Some(Ok(start)), Some(Ok(end))) = (
        range.get(1).map(Object::as_i64),
        range.get(2).map(Object::as_i64),
    ) else {
        return;
    };
    let (Ok(start), Ok(end)) = (usize::try_from(start), usize::try_from(end)) else {
        return;
    };
    let Ok(k) = spans.binary_search(&(start, end)) else {
        return;
    };
    if !matches!(dict.get(b"Contents"), Ok(Object::String(s, _)) if s.is_empty()) {
        return;
    }
    let Some(string) = bytes.get(start..end) else {
        return;
    };
    dict.set(
        "Contents",
        Object::String(hex_value(string), StringFormat::Hexadecimal),
    );
    if let Some(n) = restored.get_mut(k) {
        *n += 1;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const SIGNED: &[u8] = b"%PDF-1.7\n1 0 obj\n<< /Type /Sig /ByteRange [0 37 48 10] /Contents <3082 01ff> >>\nendobj\n";

    fn span() -> (usize, usize) {
        let start = SIGNED.windows(5).position(|w| w == b"<3082").expect("hex");
        (start, start + 11)
    }

    #[test]
    fn finds_the_contents_string_a_byte_range_names() {
        // Offsets written to match this text.
        let (start, end) = span();
        let text = String::from_utf8_lossy(SIGNED)
            .replace("[0 37 48 10]", &format!("[0 {start} {end} 10]"));
        assert_eq!(text.len(), SIGNED.len());
        assert_eq!(find(text.as_bytes()), vec![(start, end)]);
    }

    #[test]
    fn a_gap_that_is_not_contents_or_not_hex_is_left_alone() {
        let (start, end) = span();
        let other = String::from_utf8_lossy(SIGNED)
            .replace("/Contents", "/Contentz")
            .replace("[0 37 48 10]", &format!("[0 {start} {end} 10]"));
        assert!(find(other.as_bytes()).is_empty());
        let off = String::from_utf8_lossy(SIGNED)
            .replace("[0 37 48 10]", &format!("[0 {} {end} 10]", start + 1));
        assert!(find(off.as_bytes()).is_empty());
        assert!(find(b"/ByteRange [0 1 2]").is_empty());
        assert!(find(b"/ByteRange [0 -1 2 3]").is_empty());
        assert!(find(b"/ByteRange").is_empty());
    }

    #[test]
    fn emptied_keeps_offsets_and_restore_gives_the_value_back() {
        let (start, end) = span();
        let text = String::from_utf8_lossy(SIGNED)
            .replace("[0 37 48 10]", &format!("[0 {start} {end} 10]"))
            .into_bytes();
        let spans = find(&text);
        let empty = emptied(&text, &spans);
        assert_eq!(empty.len(), text.len());
        assert!(
            String::from_utf8_lossy(&empty).contains("/Contents ()          >>"),
            "{}",
            String::from_utf8_lossy(&empty)
        );
        let mut doc = Document::new();
        let mut dict = lopdf::Dictionary::new();
        dict.set(
            "ByteRange",
            vec![
                0.into(),
                (start as i64).into(),
                (end as i64).into(),
                10.into(),
            ],
        );
        dict.set("Contents", Object::string_literal(Vec::<u8>::new()));
        doc.objects.insert((1, 0), Object::Dictionary(dict));
        assert!(restore(&mut doc, &text, &spans));
        assert_eq!(
            doc.get_dictionary((1, 0))
                .and_then(|d| d.get(b"Contents"))
                .ok(),
            Some(&Object::String(
                vec![0x30, 0x82, 0x01, 0xff],
                StringFormat::Hexadecimal
            ))
        );
        // Nothing left to put back: not every span restored.
        assert!(!restore(&mut doc, &text, &spans));
    }

    #[test]
    fn hex_strings_are_digits_and_whitespace_in_brackets() {
        assert!(is_hex_string(b"<30 82\n0aFF>"));
        assert!(is_hex_string(b"<>"));
        assert!(!is_hex_string(b"<30g2>"));
        assert!(!is_hex_string(b"(3082)"));
        assert!(!is_hex_string(b"<3082"));
        assert!(!is_hex_string(b"<30\x0082>"));
    }

    #[test]
    fn hex_value_is_agrees_with_hex_value() {
        let strings: [&[u8]; 9] = [
            b"<3082 01ff>",
            b"<308201ff>",
            b"<308201FE>",
            b"<4a7>",
            b"<>",
            b"<30 8>",
            b"<3g8201ff>",
            b"<30820\n1f>",
            b"3082",
        ];
        let values: [&[u8]; 6] = [
            &[0x30, 0x82, 0x01, 0xff],
            &[0x30, 0x82, 0x01, 0xfe],
            &[0x4a, 0x70],
            &[],
            &[0x30, 0x80],
            &[0x38, 0x20, 0x1f],
        ];
        for string in strings {
            for value in values {
                assert_eq!(
                    hex_value_is(string, value),
                    hex_value(string) == value,
                    "{:?} vs {value:?}",
                    String::from_utf8_lossy(string)
                );
            }
        }
    }

    #[test]
    fn hex_value_reads_like_lopdf() {
        assert_eq!(hex_value(b"<3082 01ff>"), vec![0x30, 0x82, 0x01, 0xff]);
        assert_eq!(hex_value(b"<4a7>"), vec![0x4a, 0x70]);
        assert_eq!(hex_value(b"<>"), Vec::<u8>::new());
    }
}
