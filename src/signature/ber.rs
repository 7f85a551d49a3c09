//! A bounded reader for BER and DER TLVs (ITU-T X.690), the only code in the signature layer
//! that touches raw bytes.
//!
//! Why our own reader: 17 of the 242 real `/Contents` blobs use BER indefinite lengths, the
//! signed attributes must be hashed exactly as they sit in the file (RFC 5652 §5.4), and RFC 3161
//! `genTime` may carry fractional seconds that strict DER types reject. Every TLV keeps its raw
//! bytes and its absolute offset, so callers can hash what was signed and say where a defect is.
//! Every length is checked against what is left; nesting is capped by [`MAX_DEPTH`].

use std::borrow::Cow;

use super::error::{Result, SignatureError};
use super::limits::MAX_DEPTH;

/// Universal tags (X.690 §8) used by CMS and X.509, as full identifier octets.
pub mod tag {
    pub const BOOLEAN: u8 = 0x01;
    pub const INTEGER: u8 = 0x02;
    pub const BIT_STRING: u8 = 0x03;
    pub const OCTET_STRING: u8 = 0x04;
    pub const NULL: u8 = 0x05;
    pub const OID: u8 = 0x06;
    pub const ENUMERATED: u8 = 0x0a;
    pub const UTF8_STRING: u8 = 0x0c;
    pub const PRINTABLE_STRING: u8 = 0x13;
    pub const TELETEX_STRING: u8 = 0x14;
    pub const IA5_STRING: u8 = 0x16;
    pub const UTC_TIME: u8 = 0x17;
    pub const GENERALIZED_TIME: u8 = 0x18;
    pub const VISIBLE_STRING: u8 = 0x1a;
    pub const UNIVERSAL_STRING: u8 = 0x1c;
    pub const BMP_STRING: u8 = 0x1e;
    pub const SEQUENCE: u8 = 0x30;
    pub const SET: u8 = 0x31;
    /// Constructed bit for an identifier octet.
    pub const CONSTRUCTED: u8 = 0x20;
    /// `[n]` context-specific, constructed.
    pub const fn context(n: u8) -> u8 {
        0xa0 | n
    }
    /// `[n]` context-specific, primitive.
    pub const fn context_primitive(n: u8) -> u8 {
        0x80 | n
    }
}

/// One TLV: where it is, its raw bytes and its content.
#[derive(Debug, Clone, Copy)]
pub struct Tlv<'a> {
    /// Identifier octet (class, constructed bit, low tag number).
    pub tag: u8,
    /// Absolute offset of the identifier octet in the outermost input.
    pub offset: usize,
    /// Identifier and length octets.
    pub header_len: usize,
    /// Content octets; for an indefinite length, without the end-of-contents octets.
    pub content: &'a [u8],
    /// The whole encoding as found: header, content and end-of-contents.
    pub raw: &'a [u8],
    /// Whether the length was indefinite (BER only, X.690 §8.1.3.6).
    pub indefinite: bool,
    /// Whether the length octets were not in DER's minimal form (X.690 §10.1).
    pub non_minimal_length: bool,
    depth: usize,
}

impl<'a> Tlv<'a> {
    /// Whether the constructed bit is set.
    pub fn is_constructed(&self) -> bool {
        self.tag & tag::CONSTRUCTED != 0
    }

    /// Absolute offset of the first content octet.
    pub fn content_offset(&self) -> usize {
        self.offset + self.header_len
    }

    /// A reader over this value's children.
    pub fn children(&self) -> Reader<'a> {
        Reader {
            data: self.content,
            pos: 0,
            base: self.content_offset(),
            depth: self.depth + 1,
        }
    }

    /// This value, if its tag is `expected`; else an error naming `field`.
    pub fn expect(self, expected: u8, field: &'static str) -> Result<Self> {
        if self.tag == expected {
            Ok(self)
        } else {
            Err(SignatureError::UnexpectedTag {
                field,
                expected,
                found: self.tag,
                offset: self.offset,
            })
        }
    }

    /// The octets of a BIT STRING with no unused bits, as keys and signatures are; else an
    /// error naming `field`.
    pub fn whole_bits(&self, field: &'static str) -> Result<&'a [u8]> {
        match self.content.split_first() {
            Some((0, bits)) => Ok(bits),
            _ => Err(SignatureError::Invalid {
                field,
                offset: self.offset,
            }),
        }
    }

    /// The bytes a signature over this value covers: its own encoding when its lengths are
    /// definite, else its DER form.
    pub fn signed_bytes(&self) -> Result<Vec<u8>> {
        if self.indefinite {
            self.to_der()
        } else {
            Ok(self.raw.to_vec())
        }
    }

    /// Whether this value or anything inside it uses a BER-only form.
    pub fn uses_ber(&self) -> Result<bool> {
        if self.indefinite || self.non_minimal_length {
            return Ok(true);
        }
        if !self.is_constructed() {
            return Ok(false);
        }
        if is_string_tag(self.tag & !tag::CONSTRUCTED) && self.tag & 0xc0 == 0 {
            // A constructed OCTET STRING (or other string) is BER only (X.690 §10.2).
            return Ok(true);
        }
        let mut children = self.children();
        while let Some(child) = children.next()? {
            if child.uses_ber()? {
                return Ok(true);
            }
        }
        Ok(false)
    }

    /// The octets of an OCTET STRING (or any string type), joining the segments of a
    /// constructed encoding (X.690 §8.7.3, BER only).
    pub fn octets(&self) -> Result<Cow<'a, [u8]>> {
        if !self.is_constructed() {
            return Ok(Cow::Borrowed(self.content));
        }
        let mut out = Vec::new();
        let mut children = self.children();
        while let Some(child) = children.next()? {
            // Segments must carry the primitive form of the same universal type.
            if child.tag & !tag::CONSTRUCTED != self.tag & !tag::CONSTRUCTED {
                return Err(SignatureError::UnexpectedTag {
                    field: "string segment",
                    expected: self.tag & !tag::CONSTRUCTED,
                    found: child.tag,
                    offset: child.offset,
                });
            }
            out.extend_from_slice(&child.octets()?);
        }
        Ok(Cow::Owned(out))
    }

    /// The DER form of this value: definite minimal lengths and primitive strings. Set order
    /// is kept as found: re-sorting would change what a signer signed.
    pub fn to_der(&self) -> Result<Vec<u8>> {
        self.to_der_with_tag(self.tag)
    }

    /// As [`Tlv::to_der`], with the outer identifier replaced (used for `[0]` → SET, RFC 5652 §5.4).
    pub fn to_der_with_tag(&self, outer: u8) -> Result<Vec<u8>> {
        let content: Cow<'a, [u8]> = if !self.is_constructed() {
            Cow::Borrowed(self.content)
        } else if self.tag & 0xc0 == 0 && is_string_tag(self.tag & !tag::CONSTRUCTED) {
            if self.tag & !tag::CONSTRUCTED == tag::BIT_STRING {
                // Joining BIT STRING segments needs the unused-bit counts merged; no signer
                // produces that, so refuse rather than guess.
                return Err(SignatureError::Invalid {
                    field: "constructed BIT STRING",
                    offset: self.offset,
                });
            }
            let octets = self.octets()?;
            return Ok(encode_tlv(outer & !tag::CONSTRUCTED, &octets));
        } else {
            let mut out = Vec::with_capacity(self.content.len());
            let mut children = self.children();
            while let Some(child) = children.next()? {
                out.extend_from_slice(&child.to_der()?);
            }
            Cow::Owned(out)
        };
        Ok(encode_tlv(outer, &content))
    }
}

fn is_string_tag(t: u8) -> bool {
    matches!(
        t,
        tag::BIT_STRING
            | tag::OCTET_STRING
            | tag::UTF8_STRING
            | tag::PRINTABLE_STRING
            | tag::TELETEX_STRING
            | tag::IA5_STRING
            | tag::VISIBLE_STRING
            | tag::UNIVERSAL_STRING
            | tag::BMP_STRING
    )
}

/// A cursor over consecutive TLVs.
#[derive(Debug, Clone)]
pub struct Reader<'a> {
    data: &'a [u8],
    pos: usize,
    base: usize,
    depth: usize,
}

impl<'a> Reader<'a> {
    /// A reader over a whole input, offsets counted from its start.
    pub fn new(data: &'a [u8]) -> Self {
        Reader {
            data,
            pos: 0,
            base: 0,
            depth: 0,
        }
    }

    /// Absolute offset of the next TLV.
    pub fn offset(&self) -> usize {
        self.base + self.pos
    }

    /// The bytes not read yet.
    pub fn rest(&self) -> &'a [u8] {
        self.data.get(self.pos..).unwrap_or_default()
    }

    /// Whether every TLV has been read.
    pub fn is_empty(&self) -> bool {
        self.pos >= self.data.len()
    }

    /// The identifier octet of the next TLV, if any.
    pub fn peek_tag(&self) -> Option<u8> {
        self.data.get(self.pos).copied()
    }

    /// The next TLV, or `None` at the end.
    #[allow(clippy::should_implement_trait)] // fallible, so not an `Iterator`
    pub fn next(&mut self) -> Result<Option<Tlv<'a>>> {
        if self.is_empty() {
            return Ok(None);
        }
        let tlv = parse_tlv(self.data, self.pos, self.base, self.depth)?;
        self.pos += tlv.raw.len();
        Ok(Some(tlv))
    }

    /// The next TLV, which must be there.
    pub fn read(&mut self, field: &'static str) -> Result<Tlv<'a>> {
        let offset = self.offset();
        self.next()?
            .ok_or(SignatureError::Missing { field, offset })
    }

    /// The next TLV, which must be there with tag `expected`.
    pub fn expect(&mut self, expected: u8, field: &'static str) -> Result<Tlv<'a>> {
        self.read(field)?.expect(expected, field)
    }

    /// The next TLV if its tag is `wanted`.
    pub fn optional(&mut self, wanted: u8) -> Result<Option<Tlv<'a>>> {
        if self.peek_tag() == Some(wanted) {
            self.next()
        } else {
            Ok(None)
        }
    }
}

/// Parses the TLV at `pos` of `data` (whose first byte is at absolute offset `base`).
fn parse_tlv<'a>(data: &'a [u8], pos: usize, base: usize, depth: usize) -> Result<Tlv<'a>> {
    let offset = base + pos;
    if depth > MAX_DEPTH {
        return Err(SignatureError::TooDeep {
            offset,
            limit: MAX_DEPTH,
        });
    }
    let rest = data.get(pos..).unwrap_or_default();
    let (&tag_byte, after_tag) = rest
        .split_first()
        .ok_or(SignatureError::Truncated { offset, needed: 1 })?;
    if tag_byte & 0x1f == 0x1f {
        return Err(SignatureError::HighTagNumber { offset });
    }
    let (&first_len, after_len) = after_tag.split_first().ok_or(SignatureError::Truncated {
        offset: offset + 1,
        needed: 1,
    })?;
    let constructed = tag_byte & tag::CONSTRUCTED != 0;
    if first_len == 0x80 {
        // Indefinite length (X.690 §8.1.3.6): children up to the end-of-contents octets.
        if !constructed {
            return Err(SignatureError::IndefinitePrimitive { offset });
        }
        let header_len = 2;
        let mut inner = 0usize;
        loop {
            let child_rest = after_len.get(inner..).unwrap_or_default();
            match child_rest {
                [0, 0, ..] => break,
                [0, ..] => {
                    return Err(SignatureError::BadLength {
                        offset: offset + header_len + inner,
                    });
                }
                [] => {
                    return Err(SignatureError::MissingEndOfContents { offset });
                }
                _ => {
                    let child = parse_tlv(after_len, inner, offset + header_len, depth + 1)?;
                    inner += child.raw.len();
                }
            }
        }
        let content = after_len.get(..inner).unwrap_or_default();
        let total = header_len + inner + 2;
        let raw = rest.get(..total).ok_or(SignatureError::Truncated {
            offset,
            needed: total.saturating_sub(rest.len()),
        })?;
        return Ok(Tlv {
            tag: tag_byte,
            offset,
            header_len,
            content,
            raw,
            indefinite: true,
            non_minimal_length: false,
            depth,
        });
    }
    let (len, len_octets, non_minimal) = if first_len < 0x80 {
        (usize::from(first_len), 0usize, false)
    } else {
        let n = usize::from(first_len & 0x7f);
        // Four length octets cover 4 GiB, far above any limit; more is either hostile or
        // the reserved 0xff form (X.690 §8.1.3.5 c).
        if n > 4 {
            return Err(SignatureError::BadLength { offset: offset + 1 });
        }
        let octets = after_len.get(..n).ok_or(SignatureError::Truncated {
            offset: offset + 2,
            needed: n.saturating_sub(after_len.len()),
        })?;
        let mut len = 0usize;
        for &b in octets {
            len = (len << 8) | usize::from(b);
        }
        let minimal = len >= 0x80 && octets.first().is_some_and(|&b| b != 0);
        (len, n, !minimal)
    };
    let header_len = 2 + len_octets;
    let content =
        rest.get(header_len..)
            .and_then(|r| r.get(..len))
            .ok_or(SignatureError::Truncated {
                offset,
                needed: (header_len + len).saturating_sub(rest.len()),
            })?;
    let raw = rest.get(..header_len + len).unwrap_or_default();
    Ok(Tlv {
        tag: tag_byte,
        offset,
        header_len,
        content,
        raw,
        indefinite: false,
        non_minimal_length: non_minimal,
        depth,
    })
}

/// DER length octets for `len` (X.690 §10.1).
pub fn encode_len(len: usize) -> Vec<u8> {
    if len < 0x80 {
        // In range by the branch condition.
        vec![len as u8]
    } else {
        let bytes = len.to_be_bytes();
        let skip = bytes.iter().take_while(|&&b| b == 0).count();
        let significant = bytes.get(skip..).unwrap_or_default();
        let mut out = Vec::with_capacity(1 + significant.len());
        // At most size_of::<usize>() octets, so this fits the 7-bit count.
        out.push(0x80 | significant.len() as u8);
        out.extend_from_slice(significant);
        out
    }
}

/// A DER TLV from an identifier octet and content.
pub fn encode_tlv(tag_byte: u8, content: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(content.len() + 6);
    out.push(tag_byte);
    out.extend_from_slice(&encode_len(content.len()));
    out.extend_from_slice(content);
    out
}

/// Dotted form of OID content octets (X.690 §8.19), or hex when they are malformed.
pub fn oid_to_string(content: &[u8]) -> String {
    match const_oid::ObjectIdentifier::from_bytes(content) {
        Ok(oid) => oid.to_string(),
        Err(_) => format!("malformed-oid:{}", hex::encode(content)),
    }
}

/// Reads an INTEGER's content as a small non-negative number (versions, salt lengths).
pub fn small_uint(tlv: &Tlv<'_>, field: &'static str) -> Result<u32> {
    let tlv = tlv.expect(tag::INTEGER, field)?;
    let invalid = SignatureError::Invalid {
        field,
        offset: tlv.offset,
    };
    if tlv.content.is_empty() || tlv.content.first().is_some_and(|&b| b & 0x80 != 0) {
        return Err(invalid);
    }
    let digits: &[u8] = {
        let skip = tlv.content.iter().take_while(|&&b| b == 0).count();
        tlv.content.get(skip..).unwrap_or_default()
    };
    if digits.len() > 4 {
        return Err(invalid);
    }
    Ok(digits
        .iter()
        .fold(0u32, |acc, &b| (acc << 8) | u32::from(b)))
}

/// Takes the first TLV of a `/Contents` value and reports what follows it.
///
/// PDF writers reserve room for the signature and pad the hex string with zeros
/// (ISO 32000-1 §12.8.1), so the value is one TLV followed by zero bytes; anything else after
/// it is reported as trailing garbage.
pub fn first_tlv(data: &[u8]) -> Result<(Tlv<'_>, Trailing)> {
    let tlv = parse_tlv(data, 0, 0, 0)?;
    let rest = data.get(tlv.raw.len()..).unwrap_or_default();
    let trailing = match rest.iter().position(|&b| b != 0) {
        None => Trailing::Zeros(rest.len()),
        Some(pos) => Trailing::Garbage {
            offset: tlv.raw.len() + pos,
            len: rest.len() - pos,
        },
    };
    Ok((tlv, trailing))
}

/// What follows the first TLV of a `/Contents` value.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Trailing {
    /// Only zero padding (possibly none).
    Zeros(usize),
    /// Non-zero bytes from `offset` on.
    Garbage { offset: usize, len: usize },
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn definite_and_indefinite_forms_read_the_same_children() {
        let der = [0x30, 0x06, 0x02, 0x01, 0x05, 0x04, 0x01, 0xaa];
        let ber = [0x30, 0x80, 0x02, 0x01, 0x05, 0x04, 0x01, 0xaa, 0x00, 0x00];
        let (a, _) = first_tlv(&der).unwrap();
        let (b, _) = first_tlv(&ber).unwrap();
        assert!(b.indefinite);
        assert_eq!(a.content, b.content);
        assert_eq!(b.to_der().unwrap(), der);
        assert!(b.uses_ber().unwrap());
        assert!(!a.uses_ber().unwrap());
    }

    #[test]
    fn constructed_octet_string_is_joined() {
        let ber = [
            0x24, 0x80, 0x04, 0x01, 0x01, 0x04, 0x02, 0x02, 0x03, 0x00, 0x00,
        ];
        let (t, _) = first_tlv(&ber).unwrap();
        assert_eq!(&*t.octets().unwrap(), &[1, 2, 3]);
        assert_eq!(t.to_der().unwrap(), vec![0x04, 0x03, 1, 2, 3]);
    }

    #[test]
    fn length_past_end_is_truncation_not_panic() {
        assert!(matches!(
            first_tlv(&[0x30, 0x84, 0xff, 0xff, 0xff, 0xff]),
            Err(SignatureError::Truncated { .. })
        ));
        assert!(matches!(
            first_tlv(&[0x30, 0x89, 1, 2, 3, 4, 5, 6, 7, 8, 9]),
            Err(SignatureError::BadLength { .. })
        ));
        assert!(matches!(
            first_tlv(&[0x04, 0x80, 0, 0]),
            Err(SignatureError::IndefinitePrimitive { .. })
        ));
        assert!(matches!(
            first_tlv(&[0x30, 0x80, 0x02, 0x01, 0x05]),
            Err(SignatureError::MissingEndOfContents { .. })
        ));
    }

    #[test]
    fn deep_indefinite_nesting_is_bounded() {
        let mut bomb = Vec::new();
        for _ in 0..10_000 {
            bomb.extend_from_slice(&[0x30, 0x80]);
        }
        assert!(matches!(
            first_tlv(&bomb),
            Err(SignatureError::TooDeep { .. })
        ));
    }

    #[test]
    fn zero_padding_and_trailing_garbage_are_told_apart() {
        let (_, t) = first_tlv(&[0x05, 0x00, 0, 0, 0]).unwrap();
        assert_eq!(t, Trailing::Zeros(3));
        let (_, t) = first_tlv(&[0x05, 0x00, 0, 7, 0]).unwrap();
        assert_eq!(t, Trailing::Garbage { offset: 3, len: 2 });
    }

    #[test]
    fn encode_len_is_minimal() {
        assert_eq!(encode_len(0x7f), vec![0x7f]);
        assert_eq!(encode_len(0x80), vec![0x81, 0x80]);
        assert_eq!(encode_len(0x1234), vec![0x82, 0x12, 0x34]);
    }
}
