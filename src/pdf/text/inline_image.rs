//! Inline images (`BI … ID … EI`, ISO 32000-2 §8.9.7) as image XObjects: their abbreviated
//! keys and names written out (Tables 91 and 92) and a colour space named by the resources
//! taken from there, so that whatever decodes an image XObject decodes them too.
//!
//! Scanners and some tools write a page, or its strips, inline. The lexer finds the data
//! ([`super::lexer::Token::InlineImage`]); the interpreter hands the image to its device
//! ([`super::interpreter::Device::inline_image`]), and a device that wants the pixels asks for
//! the stream here, within a limit on its bytes.

use std::borrow::Cow;

use lopdf::{Dictionary, Document, Object, Stream, StringFormat};
use thiserror::Error;

use super::lexer::Operand;
use crate::pdf::object::{deref, deref_dict};

/// An inline image as the content stream writes it.
#[derive(Debug, Clone, Copy)]
pub struct InlineImage<'a> {
    params: &'a [(Cow<'a, [u8]>, Operand<'a>)],
    data: &'a [u8],
    /// The resources of the content it is in: `/CS` may name one of their colour spaces.
    resources: Option<&'a Dictionary>,
}

/// Why an inline image was not made a stream.
#[derive(Debug, Clone, Error, PartialEq, Eq)]
#[non_exhaustive]
pub enum InlineImageError {
    /// Its data is over what the caller may hold.
    #[error("an inline image of {bytes} bytes is over the {max} bytes allowed")]
    TooLarge {
        /// Bytes of data.
        bytes: usize,
        /// The caller's limit.
        max: usize,
    },
}

impl<'a> InlineImage<'a> {
    /// The image with parameters `params` and data `data`, in content whose resources are
    /// `resources`.
    pub fn new(
        params: &'a [(Cow<'a, [u8]>, Operand<'a>)],
        data: &'a [u8],
        resources: Option<&'a Dictionary>,
    ) -> Self {
        InlineImage {
            params,
            data,
            resources,
        }
    }

    /// Bytes of data between `ID` and `EI`.
    pub fn len(&self) -> usize {
        self.data.len()
    }

    /// True when there is no data.
    pub fn is_empty(&self) -> bool {
        self.data.is_empty()
    }

    /// The image's dictionary as an image XObject's: full key names, full colour space and
    /// filter names, a resource colour space in place of its name.
    pub fn dictionary(&self, doc: &Document) -> Dictionary {
        let mut dict = Dictionary::new();
        dict.set("Type", Object::Name(b"XObject".to_vec()));
        dict.set("Subtype", Object::Name(b"Image".to_vec()));
        for (key, value) in self.params {
            let key: &[u8] = match key.as_ref() {
                b"BPC" => b"BitsPerComponent",
                b"CS" => b"ColorSpace",
                b"D" => b"Decode",
                b"DP" => b"DecodeParms",
                b"F" => b"Filter",
                b"H" => b"Height",
                b"IM" => b"ImageMask",
                b"I" => b"Interpolate",
                b"W" => b"Width",
                // The stream's own length is its data's.
                b"L" | b"Length" => continue,
                other => other,
            };
            let value = match key {
                b"ColorSpace" => self.colour_space(doc, value),
                b"Filter" => filters(value),
                _ => object(value),
            };
            dict.set(key.to_vec(), value);
        }
        dict
    }

    /// The image as an image XObject's stream; an error when its data is over `max_bytes`.
    pub fn to_stream(&self, doc: &Document, max_bytes: usize) -> Result<Stream, InlineImageError> {
        if self.data.len() > max_bytes {
            return Err(InlineImageError::TooLarge {
                bytes: self.data.len(),
                max: max_bytes,
            });
        }
        Ok(Stream::new(self.dictionary(doc), self.data.to_vec()))
    }

    /// `/CS` written out: a device space's abbreviation, `Indexed` (`/I`) over a base written
    /// out the same way, or a name of the resources' `/ColorSpace`.
    fn colour_space(&self, doc: &Document, value: &Operand<'_>) -> Object {
        match value {
            Operand::Name(name) => self.colour_space_name(doc, name),
            Operand::Array(items) => {
                let mut out: Vec<Object> = items.iter().map(object).collect();
                if let Some(Operand::Name(family)) = items.first()
                    && matches!(family.as_ref(), b"I" | b"Indexed")
                {
                    if let Some(first) = out.first_mut() {
                        *first = Object::Name(b"Indexed".to_vec());
                    }
                    if let (Some(Operand::Name(base)), Some(slot)) = (items.get(1), out.get_mut(1))
                    {
                        *slot = self.colour_space_name(doc, base);
                    }
                }
                Object::Array(out)
            }
            other => object(other),
        }
    }

    fn colour_space_name(&self, doc: &Document, name: &[u8]) -> Object {
        let full: &[u8] = match name {
            b"G" => b"DeviceGray",
            b"RGB" => b"DeviceRGB",
            b"CMYK" => b"DeviceCMYK",
            b"DeviceGray" | b"DeviceRGB" | b"DeviceCMYK" | b"Pattern" => name,
            other => {
                let named = self
                    .resources
                    .and_then(|r| r.get(b"ColorSpace").ok())
                    .and_then(|c| deref_dict(doc, c))
                    .and_then(|c| c.get(other).ok());
                if let Some(found) = named
                    && deref(doc, found).is_some()
                {
                    return found.clone();
                }
                other
            }
        };
        Object::Name(full.to_vec())
    }
}

/// `/F` written out: each abbreviated filter name in full.
fn filters(value: &Operand<'_>) -> Object {
    let full = |o: &Operand<'_>| match o {
        Operand::Name(n) => Object::Name(
            crate::pdf::stream::full_filter_name(n).map_or_else(|| n.to_vec(), <[u8]>::to_vec),
        ),
        other => object(other),
    };
    match value {
        Operand::Array(items) => Object::Array(items.iter().map(full).collect()),
        one => full(one),
    }
}

/// A content-stream operand as a PDF object; whole numbers as integers.
fn object(value: &Operand<'_>) -> Object {
    match value {
        Operand::Number(n) if n.fract() == 0.0 && n.abs() < 9.0e15 => Object::Integer(*n as i64),
        Operand::Number(n) => Object::Real(*n as f32),
        Operand::Name(n) => Object::Name(n.to_vec()),
        Operand::Str(s) => Object::String(s.to_vec(), StringFormat::Literal),
        Operand::Array(items) => Object::Array(items.iter().map(object).collect()),
        Operand::Dict(entries) => {
            let mut dict = Dictionary::new();
            for (k, v) in entries {
                dict.set(k.to_vec(), object(v));
            }
            Object::Dictionary(dict)
        }
        Operand::Bool(b) => Object::Boolean(*b),
        Operand::Null => Object::Null,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::pdf::text::lexer::{Lexer, Token};
    use lopdf::dictionary;

    /// The dictionary and data of the first inline image in `content`.
    fn written_out(doc: &Document, content: &[u8], resources: Option<&Dictionary>) -> Stream {
        let mut lexer = Lexer::new(content);
        while let Some(token) = lexer.next_token() {
            if let Token::InlineImage { params, data } = token {
                return InlineImage::new(&params, data, resources)
                    .to_stream(doc, 1 << 20)
                    .unwrap();
            }
        }
        panic!("no inline image");
    }

    #[test]
    fn abbreviations_are_written_out() {
        let doc = Document::with_version("1.7");
        let s = written_out(
            &doc,
            b"BI /W 4 /H 2 /BPC 1 /CS /G /F [/AHx /Fl] /DP [null << /Predictor 15 >>] /D [1 0] /I true /L 3 ID abc EI",
            None,
        );
        let d = &s.dict;
        assert_eq!(d.get(b"Subtype").unwrap(), &Object::Name(b"Image".to_vec()));
        assert_eq!(d.get(b"Width").unwrap(), &Object::Integer(4));
        assert_eq!(d.get(b"Height").unwrap(), &Object::Integer(2));
        assert_eq!(d.get(b"BitsPerComponent").unwrap(), &Object::Integer(1));
        assert_eq!(
            d.get(b"ColorSpace").unwrap(),
            &Object::Name(b"DeviceGray".to_vec())
        );
        assert_eq!(
            d.get(b"Filter").unwrap(),
            &Object::Array(vec![
                Object::Name(b"ASCIIHexDecode".to_vec()),
                Object::Name(b"FlateDecode".to_vec())
            ])
        );
        assert!(matches!(d.get(b"DecodeParms").unwrap(), Object::Array(a) if a.len() == 2));
        assert_eq!(
            d.get(b"Decode").unwrap(),
            &Object::Array(vec![1.into(), 0.into()])
        );
        assert_eq!(d.get(b"Interpolate").unwrap(), &Object::Boolean(true));
        assert_eq!(d.get(b"Length").unwrap(), &Object::Integer(3));
        assert_eq!(s.content, b"abc");
        let s = written_out(&doc, b"BI /W 1 /H 1 /IM true /F /CCF ID a EI", None);
        assert_eq!(s.dict.get(b"ImageMask").unwrap(), &Object::Boolean(true));
        assert_eq!(
            s.dict.get(b"Filter").unwrap(),
            &Object::Name(b"CCITTFaxDecode".to_vec())
        );
    }

    #[test]
    fn colour_spaces_from_abbreviations_indexed_palettes_and_the_resources() {
        let mut doc = Document::with_version("1.7");
        let s = written_out(
            &doc,
            b"BI /W 1 /H 1 /CS [/I /RGB 1 <ff000000ff00>] ID a EI",
            None,
        );
        let Ok(Object::Array(cs)) = s.dict.get(b"ColorSpace") else {
            panic!("{:?}", s.dict);
        };
        assert_eq!(cs[0], Object::Name(b"Indexed".to_vec()));
        assert_eq!(cs[1], Object::Name(b"DeviceRGB".to_vec()));
        assert_eq!(cs[2], Object::Integer(1));
        assert!(matches!(&cs[3], Object::String(p, _) if p.len() == 6));
        // A name of the resources' colour spaces, direct or by reference.
        let icc = doc.add_object(Object::Array(vec![Object::Name(b"DeviceN".to_vec())]));
        let resources =
            dictionary! {"ColorSpace" => dictionary! {"Cs1" => icc, "Cs2" => "DeviceCMYK"}};
        let s = written_out(&doc, b"BI /W 1 /H 1 /CS /Cs1 ID a EI", Some(&resources));
        assert_eq!(s.dict.get(b"ColorSpace").unwrap(), &Object::Reference(icc));
        let s = written_out(
            &doc,
            b"BI /W 1 /H 1 /CS [/I /Cs2 0 <00>] ID a EI",
            Some(&resources),
        );
        let Ok(Object::Array(cs)) = s.dict.get(b"ColorSpace") else {
            panic!("{:?}", s.dict);
        };
        assert_eq!(cs[1], Object::Name(b"DeviceCMYK".to_vec()));
        // Near miss: a name the resources do not have stays a name (decoding refuses it).
        let s = written_out(&doc, b"BI /W 1 /H 1 /CS /Cs9 ID a EI", Some(&resources));
        assert_eq!(
            s.dict.get(b"ColorSpace").unwrap(),
            &Object::Name(b"Cs9".to_vec())
        );
    }

    #[test]
    fn data_over_the_limit_is_an_error() {
        let doc = Document::with_version("1.7");
        let mut lexer = Lexer::new(b"BI /W 2 /H 2 /CS /G /BPC 8 ID abcd EI");
        let Some(Token::InlineImage { params, data }) = lexer.next_token() else {
            panic!("no inline image");
        };
        let image = InlineImage::new(&params, data, None);
        assert_eq!(image.len(), 4);
        assert_eq!(
            image.to_stream(&doc, 3).unwrap_err(),
            InlineImageError::TooLarge { bytes: 4, max: 3 }
        );
        assert!(image.to_stream(&doc, 4).is_ok());
    }
}
