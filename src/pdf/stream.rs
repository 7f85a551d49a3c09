//! Decoding stream data: a `/FlateDecode` (alone or after `/ASCII85Decode`, as ReportLab
//! writes content streams) inflated in a single pass, anything else through lopdf's filter
//! chain.
//!
//! Nearly every content stream, ToUnicode CMap and font program is such a stream without
//! predictor. lopdf reads those through a `Read` adapter that grows its output a
//! little at a time and zeroes a fresh 40 KiB inflater state per stream; for the many small
//! streams of a page that was a fifth of text extraction. The single-pass inflater gives the
//! same bytes; whatever it does not finish cleanly (a corrupt stream, the limit reached,
//! another filter, a predictor) goes to lopdf, so errors and partial output stay lopdf's.
//!
//! The single pass is libdeflate's when it decodes the stream whole (it inflates about twice
//! as fast as miniz_oxide, which was a twentieth of a signed protocol's processing), else
//! miniz_oxide's as before: libdeflate accepts only a complete, checksummed zlib stream, and
//! such a stream inflates to the same bytes in any inflater, so nothing it refuses changes
//! path or answer.

use std::cell::RefCell;

use libdeflater::{DecompressionError, Decompressor};
use lopdf::{Object, Stream};
use miniz_oxide::inflate::decompress_to_vec_zlib_with_limit;

/// First output buffer for a zlib stream, as a multiple of its compressed size (content
/// streams inflate about 3 to 6 times); the buffer doubles while too small, up to the limit.
const FIRST_RATIO: usize = 8;
/// Smallest first output buffer.
const FIRST_MIN: usize = 16 * 1024;

thread_local! {
    /// libdeflate's decompressor holds ~10 KiB of tables: one per thread, made once.
    static INFLATER: RefCell<Option<Decompressor>> = const { RefCell::new(None) };
}

/// `zlib` inflated whole by libdeflate into at most `max` bytes; `None` when it is not one
/// complete, valid zlib stream or inflates to more than `max`.
fn inflate_whole(zlib: &[u8], max: usize) -> Option<Vec<u8>> {
    INFLATER.with_borrow_mut(|slot| {
        let inflater = slot.get_or_insert_with(Decompressor::new);
        let mut size = zlib
            .len()
            .saturating_mul(FIRST_RATIO)
            .max(FIRST_MIN)
            .min(max);
        loop {
            let mut out = vec![0u8; size];
            match inflater.zlib_decompress(zlib, &mut out) {
                Ok(n) => {
                    out.truncate(n);
                    return Some(out);
                }
                Err(DecompressionError::InsufficientSpace) if size < max => {
                    size = size.saturating_mul(2).min(max);
                }
                Err(_) => return None,
            }
        }
    })
}

/// `zlib` inflated in one pass: libdeflate, else miniz_oxide; `None` when neither finishes.
fn inflate(zlib: &[u8], max: usize) -> Option<Vec<u8>> {
    inflate_whole(zlib, max).or_else(|| decompress_to_vec_zlib_with_limit(zlib, max).ok())
}

/// The stream's decoded data, at most `max` bytes (lopdf's error beyond that).
pub fn decoded(stream: &Stream, max: usize) -> lopdf::Result<Vec<u8>> {
    if let Some(named) = with_full_filter_names(stream) {
        return decoded_as_named(&named, max);
    }
    decoded_as_named(stream, max)
}

/// The full name of an abbreviated filter name (§8.9.7, Table 92: the inline-image
/// abbreviations, which some producers write in stream dictionaries too; pdf.js and
/// pdftotext accept them there).
fn full_filter_name(name: &[u8]) -> Option<&'static [u8]> {
    Some(match name {
        b"Fl" => b"FlateDecode",
        b"A85" => b"ASCII85Decode",
        b"AHx" => b"ASCIIHexDecode",
        b"LZW" => b"LZWDecode",
        b"RL" => b"RunLengthDecode",
        b"CCF" => b"CCITTFaxDecode",
        b"DCT" => b"DCTDecode",
        _ => return None,
    })
}

/// A copy of `stream` with its abbreviated filter names written out; `None` when it has none
/// (the common case, which copies nothing).
pub(crate) fn with_full_filter_names(stream: &Stream) -> Option<Stream> {
    let expand = |o: &Object| match o {
        Object::Name(n) => full_filter_name(n).map(|f| Object::Name(f.to_vec())),
        _ => None,
    };
    let filter = match stream.dict.get(b"Filter").ok()? {
        Object::Array(a) if a.iter().any(|f| expand(f).is_some()) => Object::Array(
            a.iter()
                .map(|f| expand(f).unwrap_or_else(|| f.clone()))
                .collect(),
        ),
        o => expand(o)?,
    };
    let mut dict = stream.dict.clone();
    dict.set("Filter", filter);
    Some(Stream::new(dict, stream.content.clone()).with_compression(false))
}

fn decoded_as_named(stream: &Stream, max: usize) -> lopdf::Result<Vec<u8>> {
    let fast = match flate_kind(stream) {
        Some(Flate::Plain) => inflate(&stream.content, max),
        Some(Flate::AfterAscii85) => ascii85(&stream.content).and_then(|z| inflate(&z, max)),
        None => None,
    };
    match fast {
        Some(data) => Ok(data),
        None => stream.decompressed_content_with_limit(max),
    }
}

/// The filter chains decoded here.
enum Flate {
    /// `/FlateDecode`.
    Plain,
    /// `[/ASCII85Decode /FlateDecode]`.
    AfterAscii85,
}

/// Which of the chains decoded here the stream has, with no predictor; `None` for any other.
fn flate_kind(stream: &Stream) -> Option<Flate> {
    let dict = &stream.dict;
    let is = |o: &Object, name: &[u8]| matches!(o, Object::Name(n) if n == name);
    let kind = match dict.get(b"Filter") {
        Ok(o) if is(o, b"FlateDecode") => Flate::Plain,
        Ok(Object::Array(a)) => match a.as_slice() {
            [f] if is(f, b"FlateDecode") => Flate::Plain,
            [a85, f] if is(a85, b"ASCII85Decode") && is(f, b"FlateDecode") => Flate::AfterAscii85,
            _ => return None,
        },
        _ => return None,
    };
    let no_predictor = match dict.get(b"DecodeParms") {
        Err(_) | Ok(Object::Null) => true,
        Ok(Object::Dictionary(p)) => predictor_is_none(p),
        Ok(Object::Array(a)) => a.iter().all(|p| match p {
            Object::Null => true,
            Object::Dictionary(p) => predictor_is_none(p),
            _ => false,
        }),
        // A reference or anything odd: lopdf decides.
        _ => false,
    };
    no_predictor.then_some(kind)
}

/// ASCII base-85 (ISO 32000-2 §7.4.3) up to its `~>`; `None` for anything irregular (no
/// end marker, a character outside the alphabet, a group over 2³²−1, a lone last
/// character), which lopdf then decodes its own way.
fn ascii85(input: &[u8]) -> Option<Vec<u8>> {
    let mut out = Vec::with_capacity(input.len() / 5 * 4 + 4);
    let mut group = [0u8; 5];
    let mut n = 0;
    let mut bytes = input.iter();
    loop {
        let &c = bytes.next()?;
        match c {
            b'~' => break,
            b'z' if n == 0 => out.extend_from_slice(&[0; 4]),
            b'!'..=b'u' => {
                *group.get_mut(n)? = c - b'!';
                n += 1;
                if n == 5 {
                    out.extend_from_slice(&base85_group(&group)?);
                    n = 0;
                }
            }
            b' ' | b'\t' | b'\n' | b'\r' | b'\x0c' | b'\0' => {}
            _ => return None,
        }
    }
    if bytes.next() != Some(&b'>') || n == 1 {
        return None;
    }
    if n > 1 {
        // A last group of n characters is padded with `u` and gives n − 1 bytes.
        for slot in group.iter_mut().skip(n) {
            *slot = b'u' - b'!';
        }
        out.extend_from_slice(base85_group(&group)?.get(..n - 1)?);
    }
    Some(out)
}

/// Five base-85 digits as four bytes; `None` past 2³²−1.
fn base85_group(digits: &[u8; 5]) -> Option<[u8; 4]> {
    let value = digits
        .iter()
        .try_fold(0u64, |v, &d| Some(v * 85 + u64::from(d)))?;
    u32::try_from(value).ok().map(u32::to_be_bytes)
}

fn predictor_is_none(params: &lopdf::Dictionary) -> bool {
    match params.get(b"Predictor") {
        Err(_) => true,
        Ok(Object::Integer(p)) => *p <= 1,
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use std::io::Write;

    use lopdf::{Stream, dictionary};

    use super::decoded;

    fn zlib(data: &[u8]) -> Vec<u8> {
        let mut z = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::default());
        z.write_all(data).expect("in memory");
        z.finish().expect("in memory")
    }

    fn flate(dict: lopdf::Dictionary, data: &[u8]) -> Stream {
        Stream::new(dict, zlib(data)).with_compression(false)
    }

    #[test]
    fn abbreviated_filter_names_decode_as_the_full_ones() {
        let text = b"BT /F1 12 Tf 72 720 Td (Justerare) Tj ET\n".repeat(50);
        let short = flate(dictionary! { "Filter" => "Fl" }, &text);
        assert_eq!(decoded(&short, 1 << 20).expect("decodes"), text);
        let hex = Stream::new(
            dictionary! { "Filter" => vec!["AHx".into()] },
            format!("{}>", hex::encode(&text)).into_bytes(),
        )
        .with_compression(false);
        assert_eq!(decoded(&hex, 1 << 20).expect("decodes"), text);
        // Near miss: a name that is no abbreviation is left to lopdf, which refuses it.
        let unknown = flate(dictionary! { "Filter" => "Flate" }, &text);
        assert_ne!(decoded(&unknown, 1 << 20).ok(), Some(text));
    }

    #[test]
    fn plain_flate_gives_the_same_bytes_as_lopdf() {
        let text = b"BT /F1 12 Tf 72 720 Td (Justerare) Tj ET\n".repeat(500);
        let s = flate(dictionary! { "Filter" => "FlateDecode" }, &text);
        assert_eq!(decoded(&s, 1 << 20).expect("decodes"), text);
        assert_eq!(
            decoded(&s, 1 << 20).ok(),
            s.decompressed_content_with_limit(1 << 20).ok()
        );
        let arr = flate(
            dictionary! { "Filter" => vec!["FlateDecode".into()], "DecodeParms" => dictionary! {} },
            &text,
        );
        assert_eq!(decoded(&arr, 1 << 20).expect("decodes"), text);
    }

    /// ASCII85 as ReportLab writes it: 5 characters per 4 bytes, `z`, line breaks, `~>`.
    fn a85(data: &[u8]) -> Vec<u8> {
        let mut out = Vec::new();
        for (i, chunk) in data.chunks(4).enumerate() {
            let mut word = [0u8; 4];
            word[..chunk.len()].copy_from_slice(chunk);
            let v = u32::from_be_bytes(word);
            if v == 0 && chunk.len() == 4 {
                out.push(b'z');
            } else {
                let mut digits = [0u8; 5];
                let mut v = u64::from(v);
                for d in digits.iter_mut().rev() {
                    *d = (v % 85) as u8 + b'!';
                    v /= 85;
                }
                out.extend_from_slice(&digits[..chunk.len() + 1]);
            }
            if i % 15 == 14 {
                out.push(b'\n');
            }
        }
        out.extend_from_slice(b"~>");
        out
    }

    #[test]
    fn ascii85_then_flate_gives_the_same_bytes_as_lopdf() {
        for len in [0usize, 1, 2, 3, 4, 5, 4001] {
            let mut text = b"q 1 0 0 1 72 720 cm BT (\xe5\xe4\xf6) Tj ET Q\n".repeat(len / 40 + 1);
            text.truncate(len);
            text.extend_from_slice(&[0; 8]);
            let s = Stream::new(
                dictionary! { "Filter" => vec!["ASCII85Decode".into(), "FlateDecode".into()] },
                a85(&zlib(&text)),
            )
            .with_compression(false);
            assert_eq!(decoded(&s, 1 << 20).expect("decodes"), text, "{len}");
            assert_eq!(
                decoded(&s, 1 << 20).ok(),
                s.decompressed_content_with_limit(1 << 20).ok()
            );
        }
    }

    #[test]
    fn over_the_limit_is_lopdfs_error() {
        let text = vec![b'x'; 10_000];
        let s = flate(dictionary! { "Filter" => "FlateDecode" }, &text);
        assert!(matches!(
            decoded(&s, 100),
            Err(lopdf::Error::Decompress(
                lopdf::DecompressError::MemoryLimitExceeded { .. }
            ))
        ));
        assert_eq!(decoded(&s, 10_000).expect("exactly at the limit"), text);
    }

    #[test]
    fn libdeflate_grows_its_buffer_and_refuses_what_it_cannot_vouch_for() {
        // Inflates 500-fold: the first buffer is too small several times over.
        let text = b"0 0 m 612 792 l S\n".repeat(20_000);
        let z = zlib(&text);
        assert_eq!(super::inflate_whole(&z, 1 << 22).expect("whole"), text);
        assert_eq!(super::inflate_whole(&z, text.len() - 1), None);
        // A wrong Adler-32 or a stream cut short: libdeflate refuses, and the answer is the
        // one the stream got before libdeflate was used.
        let mut bad_sum = z.clone();
        if let Some(last) = bad_sum.last_mut() {
            *last ^= 1;
        }
        let mut cut = z.clone();
        cut.truncate(z.len() / 2);
        for broken in [bad_sum, cut] {
            assert_eq!(super::inflate_whole(&broken, 1 << 22), None);
            let s = Stream::new(dictionary! { "Filter" => "FlateDecode" }, broken.clone())
                .with_compression(false);
            let before = miniz_oxide::inflate::decompress_to_vec_zlib_with_limit(&broken, 1 << 22)
                .ok()
                .map_or_else(|| s.decompressed_content_with_limit(1 << 22).ok(), Some);
            assert_eq!(decoded(&s, 1 << 22).ok(), before);
        }
    }

    #[test]
    fn predictors_corrupt_data_and_other_filters_go_to_lopdf() {
        // PNG predictor Up on 2-byte rows: lopdf undoes it, a plain inflate would not.
        let rows = [2u8, 1, 2, 2, 0, 0];
        let s = flate(
            dictionary! { "Filter" => "FlateDecode",
            "DecodeParms" => dictionary! { "Predictor" => 12, "Columns" => 2 } },
            &rows,
        );
        assert_eq!(decoded(&s, 1000).expect("decodes"), vec![1, 2, 1, 2]);
        // A stream cut short: whatever lopdf makes of it, we make the same.
        let mut cut = flate(dictionary! { "Filter" => "FlateDecode" }, &[b'a'; 4000]);
        cut.content.truncate(cut.content.len() / 2);
        assert_eq!(
            decoded(&cut, 1 << 20).ok(),
            cut.decompressed_content_with_limit(1 << 20).ok()
        );
        let odd = Stream::new(
            dictionary! { "Filter" => vec!["ASCII85Decode".into(), "FlateDecode".into()] },
            b"not base 85 {}".to_vec(),
        )
        .with_compression(false);
        assert_eq!(
            decoded(&odd, 100).ok(),
            odd.decompressed_content_with_limit(100).ok()
        );
        let hex = Stream::new(
            dictionary! { "Filter" => "ASCIIHexDecode" },
            b"4a75>".to_vec(),
        )
        .with_compression(false);
        assert_eq!(decoded(&hex, 100).expect("decodes"), b"Ju");
    }
}
