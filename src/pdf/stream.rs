//! Decoding stream data: a `/FlateDecode` (alone or after `/ASCII85Decode`, as ReportLab
//! writes content streams) inflated here, anything else through lopdf's filter chain.
//!
//! Nearly every content stream, ToUnicode CMap and font program is such a stream without
//! predictor. lopdf reads those through a `Read` adapter that grows its output a
//! little at a time and zeroes a fresh 40 KiB inflater state per stream, which adds up over
//! the many small streams of a page. lopdf also grows its buffer by
//! doubling, so a stream at its limit could reserve twice the limit, and a stream past the
//! limit was refused only after a full decode.
//!
//! The single pass is libdeflate's when it decodes the stream whole into a buffer of a
//! guessed size (it inflates faster than miniz_oxide). libdeflate accepts only a complete,
//! checksummed zlib
//! stream, and such a stream inflates to the same bytes in any inflater.
//!
//! What libdeflate does not finish within [`LIBDEFLATE_MAX_OUT`] is inflated by flate2 (the
//! inflater lopdf uses, same crate and backend, so the same bytes) into a buffer that grows
//! by `try_reserve_exact` up to the limit and never past it: a decompression bomb costs one
//! pass and at most `max` bytes, and an allocation failure is an error, not an abort. A
//! stream that ends in an error before the limit goes to lopdf after all, which reads the
//! same bytes up to the error (so errors and partial output stay lopdf's), bounded by what
//! our pass has already seen.
//!
//! Every byte decoded here is counted on a per-thread meter ([`decoded_bytes`]), so a caller
//! that cannot pass a budget down (font readers) can still charge what they decoded.

use std::cell::{Cell, RefCell};
use std::io::Read;

use libdeflater::{DecompressionError, Decompressor};
use lopdf::{DecompressError, Object, Stream};

/// First output buffer for a zlib stream, as a multiple of its compressed size (content
/// streams inflate about 3 to 6 times); the buffer doubles while too small, up to
/// [`LIBDEFLATE_MAX_OUT`].
const FIRST_RATIO: usize = 8;
/// Smallest first output buffer.
const FIRST_MIN: usize = 16 * 1024;
/// Largest buffer libdeflate is tried with. libdeflate cannot resume, so a stream it does
/// not finish is inflated again by the streaming pass: above this, the wasted attempts
/// (at most twice this, in all) would cost more than the speed-up gains.
const LIBDEFLATE_MAX_OUT: usize = 16 * 1024 * 1024;
/// Smallest growth step of the streaming pass's buffer.
const GROW_MIN: usize = 64 * 1024;

thread_local! {
    /// libdeflate's decompressor holds ~10 KiB of tables: one per thread, made once.
    static INFLATER: RefCell<Option<Decompressor>> = const { RefCell::new(None) };
    /// Bytes decoded on this thread so far (see [`decoded_bytes`]).
    static METER: Cell<u64> = const { Cell::new(0) };
}

/// Bytes decoded by this module on the current thread so far. A caller measures what a
/// piece of work decoded as the difference of two readings.
pub fn decoded_bytes() -> u64 {
    METER.get()
}

fn count(bytes: usize) {
    METER.set(METER.get().saturating_add(bytes as u64));
}

/// Whether a decode gave the stream's whole data or stopped at the limit.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Fit {
    /// All of the stream's data.
    Whole,
    /// The first `max` bytes: the stream decodes to more (or, through lopdf's filters, to
    /// more than `max` and nothing was kept).
    Cut,
}

/// What libdeflate made of a zlib stream.
enum Whole {
    /// The whole stream.
    Done(Vec<u8>),
    /// It inflates to more than the buffers tried.
    TooBig,
    /// Not one complete, valid zlib stream (or no memory for the buffer).
    Refused,
}

/// `zlib` inflated whole by libdeflate into at most `max` bytes, trying buffers from a guess
/// up to [`LIBDEFLATE_MAX_OUT`].
fn inflate_whole(zlib: &[u8], max: usize) -> Whole {
    let bound = max.min(LIBDEFLATE_MAX_OUT);
    INFLATER.with_borrow_mut(|slot| {
        let inflater = slot.get_or_insert_with(Decompressor::new);
        let mut size = zlib
            .len()
            .saturating_mul(FIRST_RATIO)
            .max(FIRST_MIN)
            .min(bound);
        loop {
            let mut out = Vec::new();
            if out.try_reserve_exact(size).is_err() {
                return Whole::Refused;
            }
            out.resize(size, 0);
            match inflater.zlib_decompress(zlib, &mut out) {
                Ok(n) => {
                    out.truncate(n);
                    return Whole::Done(out);
                }
                Err(DecompressionError::InsufficientSpace) if size < bound => {
                    size = size.saturating_mul(2).min(bound);
                }
                Err(DecompressionError::InsufficientSpace) => return Whole::TooBig,
                Err(_) => return Whole::Refused,
            }
        }
    })
}

/// How a streaming pass ended.
enum Streamed {
    /// The reader reached its end; `out` holds everything.
    Whole,
    /// `max` bytes were read and there is more.
    Cut,
    /// The reader failed after `out` got what it had (lopdf's answer is then the one kept).
    Failed,
    /// No memory for the buffer.
    NoMemory { wanted: usize },
}

/// Reads `reader` to its end onto `out`, at most `max` bytes, growing `out` exactly (never
/// past `max` more than it held) and fallibly.
fn read_bounded(mut reader: impl Read, max: usize, out: &mut Vec<u8>) -> Streamed {
    let start = out.len();
    loop {
        let got = out.len() - start;
        if got == max {
            // At the limit: one byte more says whether the stream goes on.
            let mut probe = [0u8; 1];
            return match reader.read(&mut probe) {
                Ok(0) => Streamed::Whole,
                Ok(_) => Streamed::Cut,
                Err(_) => Streamed::Failed,
            };
        }
        if out.capacity() == out.len() {
            let step = got.max(GROW_MIN).min(max - got);
            if out.try_reserve_exact(step).is_err() {
                return Streamed::NoMemory {
                    wanted: out.len().saturating_add(step),
                };
            }
        }
        let room = (out.capacity() - out.len()).min(max - got);
        let filled = out.len();
        out.resize(filled + room, 0);
        let read = out.get_mut(filled..).map(|spare| reader.read(spare));
        match read {
            Some(Ok(0)) => {
                out.truncate(filled);
                return Streamed::Whole;
            }
            Some(Ok(n)) => out.truncate(filled + n),
            Some(Err(_)) | None => {
                out.truncate(filled);
                return Streamed::Failed;
            }
        }
    }
}

/// `zlib` inflated onto `out`: whole by libdeflate when it can, else streamed by flate2 up to
/// `max` bytes. `None` when the stream is broken before `max` (the caller asks lopdf).
fn inflate_into(zlib: &[u8], max: usize, out: &mut Vec<u8>) -> Option<Result<Fit, DecodeError>> {
    match inflate_whole(zlib, max) {
        Whole::Done(data) if out.is_empty() => {
            *out = data;
            return Some(Ok(Fit::Whole));
        }
        Whole::Done(data) => {
            if out.try_reserve_exact(data.len()).is_err() {
                return Some(Err(DecodeError::NoMemory {
                    bytes: out.len().saturating_add(data.len()),
                }));
            }
            out.extend_from_slice(&data);
            return Some(Ok(Fit::Whole));
        }
        Whole::TooBig | Whole::Refused => {}
    }
    let start = out.len();
    let streamed = read_bounded(flate2::bufread::ZlibDecoder::new(zlib), max, out);
    let streamed = match streamed {
        // A broken zlib header: lopdf reads the data as raw deflate, and so do we, so that
        // a bomb behind a bad header is stopped here too.
        Streamed::Failed if out.len() == start && zlib.len() > 2 => {
            let raw = zlib.get(2..).unwrap_or_default();
            read_bounded(flate2::bufread::DeflateDecoder::new(raw), max, out)
        }
        other => other,
    };
    match streamed {
        Streamed::Whole => Some(Ok(Fit::Whole)),
        Streamed::Cut => Some(Ok(Fit::Cut)),
        Streamed::NoMemory { wanted } => Some(Err(DecodeError::NoMemory { bytes: wanted })),
        Streamed::Failed => {
            // lopdf decodes what we saw, no more: `max` bounds it to the bytes seen.
            out.truncate(start);
            None
        }
    }
}

/// Why a stream could not be decoded.
#[derive(Debug, thiserror::Error)]
pub enum DecodeError {
    /// No memory for the decoded data.
    #[error("no memory for {bytes} bytes of decoded stream data")]
    NoMemory { bytes: usize },
    /// lopdf's filters failed (an unknown filter, corrupt data).
    #[error(transparent)]
    Lopdf(lopdf::Error),
}

/// The stream's decoded data, at most `max` bytes (lopdf's `MemoryLimitExceeded` beyond
/// that, or when there is no memory for it).
pub fn decoded(stream: &Stream, max: usize) -> lopdf::Result<Vec<u8>> {
    let mut out = Vec::new();
    match decode_into(stream, max, &mut out) {
        Ok(Fit::Whole) => Ok(out),
        Ok(Fit::Cut) => Err(DecompressError::MemoryLimitExceeded { limit: max }.into()),
        Err(DecodeError::NoMemory { bytes }) => {
            Err(DecompressError::MemoryLimitExceeded { limit: bytes }.into())
        }
        Err(DecodeError::Lopdf(e)) => Err(e),
    }
}

/// The stream's decoded data appended to `out`: all of it, or the first `max` bytes of a
/// stream that decodes to more ([`Fit::Cut`]; through lopdf's filters a cut keeps nothing).
pub fn decode_into(stream: &Stream, max: usize, out: &mut Vec<u8>) -> Result<Fit, DecodeError> {
    let before = out.len();
    let result = match with_normalized_filters(stream) {
        Some(named) => decode_named_into(&named, max, out),
        None => decode_named_into(stream, max, out),
    };
    count(out.len().saturating_sub(before));
    result
}

/// The full name of an abbreviated filter name (§8.9.7, Table 92: the inline-image
/// abbreviations, which some producers write in stream dictionaries too; pdf.js and
/// pdftotext accept them there).
pub(crate) fn full_filter_name(name: &[u8]) -> Option<&'static [u8]> {
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

/// A copy of `stream` with its abbreviated filter names written out and its identity
/// `/Crypt` filters dropped; `None` when it has neither (the common case, which copies
/// nothing).
///
/// A `/Crypt` filter (ISO 32000-2 §7.4.10) whose parameters name no crypt filter, or name
/// `/Identity`, passes the data through unchanged. Acrobat and signing services write one on
/// the XMP metadata of documents that are not encrypted; lopdf knows no `/Crypt` filter and
/// fails on them. A `/Crypt` naming another filter is left for the decoder to refuse.
pub(crate) fn with_normalized_filters(stream: &Stream) -> Option<Stream> {
    let expand = |o: &Object| match o {
        Object::Name(n) => full_filter_name(n).map(|f| Object::Name(f.to_vec())),
        _ => None,
    };
    // Filters and their parameters as slices of the dictionary's own objects: this runs on
    // every stream decoded, and most need no copy.
    let filter = stream.dict.get(b"Filter").ok()?;
    let filters = match filter {
        Object::Array(filters) => filters.as_slice(),
        one => std::slice::from_ref(one),
    };
    let parms = match stream.dict.get(b"DecodeParms") {
        Ok(Object::Array(parms)) => parms.as_slice(),
        Ok(one) => std::slice::from_ref(one),
        Err(_) => &[],
    };
    let identity = |i: usize| {
        matches!(filters.get(i), Some(Object::Name(n)) if n == b"Crypt")
            && is_identity_crypt(parms.get(i))
    };
    let crypt = (0..filters.len()).any(identity);
    if !crypt && !filters.iter().any(|f| expand(f).is_some()) {
        return None;
    }
    let kept_filters: Vec<Object> = filters
        .iter()
        .enumerate()
        .filter(|&(i, _)| !identity(i))
        .map(|(_, f)| expand(f).unwrap_or_else(|| f.clone()))
        .collect();
    let mut dict = stream.dict.clone();
    if kept_filters.is_empty() {
        dict.remove(b"Filter");
        dict.remove(b"DecodeParms");
    } else {
        dict.set("Filter", Object::Array(kept_filters));
        if crypt && !parms.is_empty() {
            let kept: Vec<Object> = parms
                .iter()
                .enumerate()
                .filter(|&(i, _)| !identity(i))
                .map(|(_, p)| p.clone())
                .collect();
            dict.set("DecodeParms", Object::Array(kept));
        }
    }
    Some(Stream::new(dict, stream.content.clone()).with_compression(false))
}

/// True for `/Crypt` parameters that name no crypt filter or `/Identity` (§7.4.10, Table 14).
fn is_identity_crypt(parms: Option<&Object>) -> bool {
    match parms {
        None | Some(Object::Null) => true,
        Some(Object::Dictionary(d)) => match d.get(b"Name") {
            Err(_) => true,
            Ok(Object::Name(n)) => n == b"Identity",
            Ok(_) => false,
        },
        Some(_) => false,
    }
}

fn decode_named_into(stream: &Stream, max: usize, out: &mut Vec<u8>) -> Result<Fit, DecodeError> {
    let fast = match flate_kind(stream) {
        Some(Flate::Plain) => inflate_into(&stream.content, max, out),
        Some(Flate::AfterAscii85) => {
            ascii85(&stream.content).and_then(|z| inflate_into(&z, max, out))
        }
        None => None,
    };
    if let Some(done) = fast {
        return done;
    }
    if stream.dict.get(b"Filter").is_err() {
        // An unfiltered stream is its own data: keep what fits.
        let kept = stream.content.get(..max).unwrap_or(&stream.content);
        if out.try_reserve_exact(kept.len()).is_err() {
            return Err(DecodeError::NoMemory {
                bytes: out.len().saturating_add(kept.len()),
            });
        }
        out.extend_from_slice(kept);
        return Ok(if kept.len() < stream.content.len() {
            Fit::Cut
        } else {
            Fit::Whole
        });
    }
    // Other filters and chains, predictors, and Flate that broke before the limit: lopdf's
    // decoders, bounded per filter by `max` (they may reserve up to twice that while
    // growing; only what they write is touched).
    let data = stream.decompressed_content_with_limit(max);
    match data {
        Ok(data) if out.is_empty() => {
            *out = data;
            Ok(Fit::Whole)
        }
        Ok(data) => {
            if out.try_reserve_exact(data.len()).is_err() {
                return Err(DecodeError::NoMemory {
                    bytes: out.len().saturating_add(data.len()),
                });
            }
            out.extend_from_slice(&data);
            Ok(Fit::Whole)
        }
        Err(lopdf::Error::Decompress(DecompressError::MemoryLimitExceeded { .. })) => Ok(Fit::Cut),
        Err(e) => Err(DecodeError::Lopdf(e)),
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
    fn identity_crypt_filters_pass_the_data_through() {
        let xmp = b"<x:xmpmeta xmlns:x=\"adobe:ns:meta/\"></x:xmpmeta>".repeat(20);
        // As Acrobat writes XMP in documents that are not encrypted: `[/Crypt]`, no parameters.
        let alone = Stream::new(
            dictionary! { "Filter" => vec!["Crypt".into()] },
            xmp.clone(),
        )
        .with_compression(false);
        assert_eq!(decoded(&alone, 1 << 20).expect("decodes"), xmp);
        let named = flate(
            dictionary! {
                "Filter" => vec!["Crypt".into(), "FlateDecode".into()],
                "DecodeParms" => vec![dictionary! { "Name" => "Identity" }.into(), lopdf::Object::Null],
            },
            &xmp,
        );
        assert_eq!(decoded(&named, 1 << 20).expect("decodes"), xmp);
        // Near miss: a crypt filter that names a real one is not passed through.
        let keyed = Stream::new(
            dictionary! {
                "Filter" => vec!["Crypt".into()],
                "DecodeParms" => vec![dictionary! { "Name" => "StdCF" }.into()],
            },
            xmp.clone(),
        )
        .with_compression(false);
        assert_ne!(decoded(&keyed, 1 << 20).ok(), Some(xmp));
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
        use super::{Whole, inflate_whole};
        // Inflates 500-fold: the first buffer is too small several times over.
        let text = b"0 0 m 612 792 l S\n".repeat(20_000);
        let z = zlib(&text);
        assert!(matches!(inflate_whole(&z, 1 << 22), Whole::Done(d) if d == text));
        assert!(matches!(inflate_whole(&z, text.len() - 1), Whole::TooBig));
        // A wrong Adler-32 or a stream cut short: libdeflate refuses, the streaming pass
        // fails before the limit, and the answer is lopdf's.
        let mut bad_sum = z.clone();
        if let Some(last) = bad_sum.last_mut() {
            *last ^= 1;
        }
        let mut cut = z.clone();
        cut.truncate(z.len() / 2);
        for broken in [bad_sum, cut] {
            assert!(matches!(inflate_whole(&broken, 1 << 22), Whole::Refused));
            let s = Stream::new(dictionary! { "Filter" => "FlateDecode" }, broken.clone())
                .with_compression(false);
            assert_eq!(
                decoded(&s, 1 << 22).ok(),
                s.decompressed_content_with_limit(1 << 22).ok()
            );
        }
    }

    /// A Flate bomb: `n` bytes of spaces, a few KiB compressed.
    fn bomb(n: usize) -> Stream {
        flate(dictionary! { "Filter" => "FlateDecode" }, &vec![b' '; n])
    }

    #[test]
    fn past_the_limit_keeps_the_first_max_bytes_and_reserves_no_more() {
        use super::{Fit, decode_into};
        // Past libdeflate's largest buffer, so the streaming pass meets the limit.
        let big = super::LIBDEFLATE_MAX_OUT * 2;
        let s = bomb(big);
        for max in [1000, super::LIBDEFLATE_MAX_OUT + 12_345, big - 1] {
            let mut out = b"carried ".to_vec();
            assert_eq!(decode_into(&s, max, &mut out).expect("decodes"), Fit::Cut);
            assert_eq!(out.len(), 8 + max, "{max}");
            assert!(
                out.capacity() <= 8 + max + (8 + max) / 8,
                "{}",
                out.capacity()
            );
            assert!(out[8..].iter().all(|&b| b == b' '));
        }
        let mut out = b"x".to_vec();
        assert_eq!(decode_into(&s, big, &mut out).expect("decodes"), Fit::Whole);
        assert_eq!(out.len(), big + 1);
        // Raw deflate behind a broken zlib header (lopdf's fallback) is bounded too.
        let mut headless = s.clone();
        headless.content[0] = 0;
        headless.content[1] = 0;
        let mut out = Vec::new();
        assert_eq!(
            decode_into(&headless, 5000, &mut out).expect("decodes"),
            Fit::Cut
        );
        assert_eq!(out.len(), 5000);
    }

    #[test]
    fn the_meter_counts_decoded_bytes() {
        let before = super::decoded_bytes();
        let _ = decoded(&bomb(10_000), 1 << 20).expect("decodes");
        let _ = decoded(&bomb(100_000), 50_000);
        assert_eq!(super::decoded_bytes() - before, 10_000 + 50_000);
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
