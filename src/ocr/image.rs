//! Page images of scanned pages: the image XObjects a page paints, decoded to 8-bit grey.
//!
//! A scanner's PDF draws one full-page image per page. This module finds the largest image
//! in the page's resources and decodes it (ISO 32000-2 §8.9): DCT through `zune-jpeg`, Flate
//! (with PNG/TIFF predictors) and the ASCII/run-length filters through lopdf's bounded
//! decompression, CCITT G3/G4 ([`super::ccitt`]) and JBIG2 ([`super::jbig2`]) for bitonal
//! scans, 1- and 8-bit samples, `DeviceGray`, `DeviceRGB`, `DeviceCMYK` and `Indexed` over
//! those, `/Decode [1 0]` and image masks. JPEG 2000 (`JPXDecode`) is reported as
//! unsupported. Rendering vector content is left out: a page without an image gets no OCR.

use lopdf::{Dictionary, Document, Object, ObjectId, Stream};
use thiserror::Error;

use super::ccitt::{self, CcittParams};
use super::jbig2;

/// Largest image side decoded, in pixels (A4 at 600 dpi is about 7 000 × 5 000).
pub const MAX_IMAGE_SIDE: usize = 20_000;
/// Largest number of pixels decoded for one page image: US legal at 600 dpi (40.4 M; A4 at
/// 600 dpi is 34.8 M). A page image is held as 8-bit grey at least twice (decoded, then
/// levelled by `deskew`), after raw samples of up to 4 bytes a pixel (CMYK): 40 M pixels
/// cost up to about 200 MB, which is what a document may take in all (256 MiB peak RSS,
/// docs/benchmarks.md). A3 at 600 dpi (70 M) is over it and is not read.
pub const MAX_IMAGE_PIXELS: usize = 40_500_000;
/// Resolutions believed, in pixels per inch: tesseract's own floor (70) up to a fine scan.
pub const CREDIBLE_PPI: std::ops::RangeInclusive<f64> = 70.0..=1200.0;
/// Most the horizontal and vertical resolution may differ, relatively, for either to be
/// believed: more means the image is not drawn over the page as it stands (turned, cropped).
const MAX_PPI_MISMATCH: f64 = 0.05;

/// An 8-bit greyscale image, rows top to bottom, 0 = black.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GrayImage {
    /// Width in pixels.
    pub width: usize,
    /// Height in pixels.
    pub height: usize,
    /// `width * height` samples.
    pub pixels: Vec<u8>,
}

impl GrayImage {
    /// The image as binary PGM (`P5`), for looking at a decoded page (tesseract gets PNG).
    pub fn to_pgm(&self) -> Vec<u8> {
        let mut out = format!("P5\n{} {}\n255\n", self.width, self.height).into_bytes();
        out.extend_from_slice(&self.pixels);
        out
    }
}

/// Why a page image could not be decoded; names the page and the image object.
#[derive(Debug, Error)]
#[non_exhaustive]
pub enum ImageError {
    /// The image uses a filter arkivar does not decode.
    #[error("page {page}, image object {object:?}: filter {filter} is not supported")]
    UnsupportedFilter {
        /// 1-based page.
        page: usize,
        /// The image XObject.
        object: ObjectId,
        /// The filter's name.
        filter: String,
    },
    /// The colour space or bit depth is not one arkivar decodes.
    #[error("page {page}, image object {object:?}: {what} is not supported")]
    Unsupported {
        /// 1-based page.
        page: usize,
        /// The image XObject.
        object: ObjectId,
        /// What (colour space, bit depth).
        what: String,
    },
    /// Width or height missing, zero or over the limits.
    #[error(
        "page {page}, image object {object:?}: size {width} × {height} is empty or over the limit ({MAX_IMAGE_SIDE} per side, {MAX_IMAGE_PIXELS} pixels)"
    )]
    Size {
        /// 1-based page.
        page: usize,
        /// The image XObject.
        object: ObjectId,
        /// Declared width.
        width: i64,
        /// Declared height.
        height: i64,
    },
    /// The stream did not decode (corrupt data, too short, over the decompression limit).
    #[error("page {page}, image object {object:?}: {reason}")]
    Corrupt {
        /// 1-based page.
        page: usize,
        /// The image XObject.
        object: ObjectId,
        /// The decoder's message.
        reason: String,
    },
}

/// The largest image the page's resources hold, decoded; `Ok(None)` when there is none.
pub fn page_image(
    doc: &Document,
    page: usize,
    page_id: ObjectId,
    max_stream_bytes: usize,
) -> Result<Option<GrayImage>, ImageError> {
    let Some((object, stream)) = largest_image(doc, page_id) else {
        return Ok(None);
    };
    decode_image(doc, stream, page, object, max_stream_bytes).map(Some)
}

/// The resolution of a `width` × `height` pixel image drawn over a page of `page_width` ×
/// `page_height` points, in pixels per inch; `None` when the two axes disagree or the value is
/// not a scan's ([`CREDIBLE_PPI`]).
pub fn pixels_per_inch(
    width: usize,
    height: usize,
    page_width: f64,
    page_height: f64,
) -> Option<u32> {
    // 72 points to the inch.
    let x = width as f64 * 72.0 / page_width;
    let y = height as f64 * 72.0 / page_height;
    let ok = |v: f64| v.is_finite() && CREDIBLE_PPI.contains(&v);
    if !ok(x) || !ok(y) || (x - y).abs() > MAX_PPI_MISMATCH * x.max(y) {
        return None;
    }
    // In range, so the mean rounds to a small positive integer.
    Some(((x + y) / 2.0).round() as u32)
}

fn resolve<'a>(doc: &'a Document, o: &'a Object) -> Option<&'a Object> {
    match o {
        Object::Reference(id) => doc.get_object(*id).ok(),
        o => Some(o),
    }
}

fn int(doc: &Document, dict: &Dictionary, key: &[u8]) -> Option<i64> {
    dict.get(key)
        .ok()
        .and_then(|o| resolve(doc, o))
        .and_then(|o| o.as_i64().ok())
}

/// Bytes of memory reading the page's image may hold at once, from its declared size: the
/// raw samples (up to 4 bytes a pixel) and two 8-bit grey copies. `None` when the page has
/// no image. For [`super::ocr_pages`] to run no more pages at once than memory allows.
pub fn page_image_cost(doc: &Document, page_id: ObjectId) -> Option<usize> {
    let (_, stream) = largest_image(doc, page_id)?;
    let side = |key: &[u8]| {
        int(doc, &stream.dict, key)
            .and_then(|v| usize::try_from(v).ok())
            .unwrap_or(0)
            .min(MAX_IMAGE_SIDE)
    };
    let pixels = side(b"Width")
        .saturating_mul(side(b"Height"))
        .min(MAX_IMAGE_PIXELS);
    Some(pixels.saturating_mul(6))
}

/// The image XObject of the page's resources with the most pixels.
fn largest_image(doc: &Document, page_id: ObjectId) -> Option<(ObjectId, &Stream)> {
    let (direct, inherited) = doc.get_page_resources(page_id).ok()?;
    let dicts = direct.into_iter().chain(
        inherited
            .iter()
            .filter_map(|id| doc.get_dictionary(*id).ok()),
    );
    let mut best: Option<(i64, ObjectId, &Stream)> = None;
    for resources in dicts {
        let Some(Object::Dictionary(xobjects)) =
            resources.get(b"XObject").ok().and_then(|o| resolve(doc, o))
        else {
            continue;
        };
        for (_, value) in xobjects.iter() {
            let Object::Reference(id) = value else {
                continue;
            };
            let Ok(Object::Stream(stream)) = doc.get_object(*id) else {
                continue;
            };
            let is_image = stream
                .dict
                .get(b"Subtype")
                .and_then(Object::as_name)
                .is_ok_and(|n| n == b"Image");
            if !is_image {
                continue;
            }
            let area = int(doc, &stream.dict, b"Width")
                .unwrap_or(0)
                .saturating_mul(int(doc, &stream.dict, b"Height").unwrap_or(0));
            if best.as_ref().is_none_or(|(a, _, _)| area > *a) {
                best = Some((area, *id, stream));
            }
        }
    }
    best.map(|(_, id, s)| (id, s))
}

/// The colour model of the samples.
#[derive(Debug, Clone, PartialEq)]
enum Colour {
    Gray,
    Rgb,
    Cmyk,
    /// Base components and a palette of `components` bytes per entry.
    Indexed {
        base: Box<Colour>,
        palette: Vec<u8>,
    },
}

impl Colour {
    fn components(&self) -> usize {
        match self {
            Colour::Gray | Colour::Indexed { .. } => 1,
            Colour::Rgb => 3,
            Colour::Cmyk => 4,
        }
    }
}

fn colour_space(doc: &Document, o: Option<&Object>, depth: u8) -> Option<Colour> {
    let o = resolve(doc, o?)?;
    match o {
        Object::Name(n) => match n.as_slice() {
            b"DeviceGray" | b"CalGray" | b"G" => Some(Colour::Gray),
            b"DeviceRGB" | b"CalRGB" | b"RGB" => Some(Colour::Rgb),
            b"DeviceCMYK" | b"CMYK" => Some(Colour::Cmyk),
            _ => None,
        },
        Object::Array(a) if depth < 4 => {
            let name = a.first().and_then(|o| resolve(doc, o))?.as_name().ok()?;
            match name {
                b"ICCBased" => {
                    let Object::Stream(s) = resolve(doc, a.get(1)?)? else {
                        return None;
                    };
                    match int(doc, &s.dict, b"N")? {
                        1 => Some(Colour::Gray),
                        3 => Some(Colour::Rgb),
                        4 => Some(Colour::Cmyk),
                        _ => None,
                    }
                }
                b"CalGray" => Some(Colour::Gray),
                b"CalRGB" => Some(Colour::Rgb),
                b"Indexed" | b"I" => {
                    let base = colour_space(doc, a.get(1), depth + 1)?;
                    let palette = match resolve(doc, a.get(3)?)? {
                        Object::String(s, _) => s.clone(),
                        Object::Stream(s) => s.decompressed_content_with_limit(1 << 16).ok()?,
                        _ => return None,
                    };
                    Some(Colour::Indexed {
                        base: Box::new(base),
                        palette,
                    })
                }
                _ => None,
            }
        }
        _ => None,
    }
}

fn luma(r: u8, g: u8, b: u8) -> u8 {
    // ITU-R BT.601 weights in fixed point; the sum of weights is 1000, so the result ≤ 255.
    ((u32::from(r) * 299 + u32::from(g) * 587 + u32::from(b) * 114) / 1000) as u8
}

fn cmyk_gray(c: u8, m: u8, y: u8, k: u8) -> u8 {
    let inv = |v: u8| 255 - u32::from(v);
    let r = inv(c) * inv(k) / 255;
    let g = inv(m) * inv(k) / 255;
    let b = inv(y) * inv(k) / 255;
    luma(r as u8, g as u8, b as u8)
}

/// One pixel's grey value from its `components` samples.
fn to_gray(colour: &Colour, s: &[u8]) -> u8 {
    match (colour, s) {
        (Colour::Gray, [g, ..]) => *g,
        (Colour::Rgb, [r, g, b, ..]) => luma(*r, *g, *b),
        (Colour::Cmyk, [c, m, y, k, ..]) => cmyk_gray(*c, *m, *y, *k),
        (Colour::Indexed { base, palette }, [i, ..]) => {
            let n = base.components();
            let start = usize::from(*i) * n;
            palette
                .get(start..start + n)
                .map_or(0, |entry| to_gray(base, entry))
        }
        _ => 0,
    }
}

/// Decodes one image XObject to grey.
pub fn decode_image(
    doc: &Document,
    stream: &Stream,
    page: usize,
    object: ObjectId,
    max_stream_bytes: usize,
) -> Result<GrayImage, ImageError> {
    let dict = &stream.dict;
    let (w, h) = (
        int(doc, dict, b"Width").unwrap_or(0),
        int(doc, dict, b"Height").unwrap_or(0),
    );
    let size_error = || ImageError::Size {
        page,
        object,
        width: w,
        height: h,
    };
    let width = usize::try_from(w).map_err(|_| size_error())?;
    let height = usize::try_from(h).map_err(|_| size_error())?;
    if width == 0
        || height == 0
        || width > MAX_IMAGE_SIDE
        || height > MAX_IMAGE_SIDE
        || width * height > MAX_IMAGE_PIXELS
    {
        return Err(size_error());
    }
    let corrupt = |reason: String| ImageError::Corrupt {
        page,
        object,
        reason,
    };
    let filters: Vec<Vec<u8>> = stream
        .filters()
        .map(|f| f.into_iter().map(<[u8]>::to_vec).collect())
        .unwrap_or_default();
    let last = filters.last().map(Vec::as_slice);
    let mut image = match last {
        Some(b"DCTDecode" | b"DCT") => {
            if filters.len() > 1 {
                return Err(ImageError::UnsupportedFilter {
                    page,
                    object,
                    filter: "a filter chain ending in DCTDecode".into(),
                });
            }
            decode_jpeg(&stream.content, width, height).map_err(corrupt)?
        }
        Some(f @ (b"CCITTFaxDecode" | b"CCF" | b"JBIG2Decode")) => {
            let last_index = filters.len() - 1;
            let data = before_last_filter(stream, last_index, max_stream_bytes).map_err(corrupt)?;
            let parms = decode_parms(doc, dict, last_index);
            let packed = if f == b"JBIG2Decode" {
                let globals = jbig2_globals(doc, parms, max_stream_bytes).map_err(corrupt)?;
                jbig2::decode(&data, globals.as_deref(), width, height)
            } else {
                let params =
                    CcittParams::from_dict(doc, parms, u32::try_from(width).unwrap_or(u32::MAX));
                ccitt::decode(&data, &params, width, height)
            }
            .map_err(corrupt)?;
            // Both filters put out one bit per pixel, whatever /BitsPerComponent says.
            samples_image(doc, dict, &packed, width, height, Some(1), page, object)?
        }
        Some(f @ b"JPXDecode") => {
            return Err(ImageError::UnsupportedFilter {
                page,
                object,
                filter: String::from_utf8_lossy(f).into_owned(),
            });
        }
        _ => {
            // No more than the samples need (and a PNG predictor's tag byte a row): data past
            // them is ignored, so a bomb behind an image of sane size costs the image, not
            // `max_stream_bytes`.
            let bits = usize::try_from(int(doc, dict, b"BitsPerComponent").unwrap_or(8))
                .unwrap_or(8)
                .clamp(1, 16);
            let components =
                colour_space(doc, dict.get(b"ColorSpace").ok(), 0).map_or(4, |c| c.components());
            let row = width
                .saturating_mul(components)
                .saturating_mul(bits)
                .div_ceil(8);
            let needed = row.saturating_add(1).saturating_mul(height);
            let max = max_stream_bytes.min(needed);
            let mut data = Vec::new();
            crate::pdf::stream::decode_into(stream, max, &mut data)
                .map_err(|e| corrupt(e.to_string()))?;
            samples_image(doc, dict, &data, width, height, None, page, object)?
        }
    };
    if decode_inverted(doc, dict) {
        for p in &mut image.pixels {
            *p = 255 - *p;
        }
    }
    Ok(image)
}

/// Samples after all filters to grey: the image's colour space (DeviceGray when a bitonal
/// filter's image names none, as readers assume), bit depth (`bits`, else
/// `/BitsPerComponent`) and image mask.
#[allow(clippy::too_many_arguments)]
fn samples_image(
    doc: &Document,
    dict: &Dictionary,
    data: &[u8],
    width: usize,
    height: usize,
    bits: Option<i64>,
    page: usize,
    object: ObjectId,
) -> Result<GrayImage, ImageError> {
    let image_mask = dict
        .get(b"ImageMask")
        .and_then(Object::as_bool)
        .unwrap_or(false);
    let bits = match bits {
        _ if image_mask => 1,
        Some(b) => b,
        None => int(doc, dict, b"BitsPerComponent").unwrap_or(8),
    };
    let declared = dict.get(b"ColorSpace").ok();
    // An image mask is one bit of "paint here"; a bitonal image without a colour space is
    // read as grey, as readers do.
    let colour = if image_mask || (declared.is_none() && bits == 1) {
        Colour::Gray
    } else {
        colour_space(doc, declared, 0).ok_or_else(|| ImageError::Unsupported {
            page,
            object,
            what: "the colour space".into(),
        })?
    };
    let samples = unpack(data, width, height, &colour, bits).ok_or_else(|| match bits {
        1 | 8 => ImageError::Corrupt {
            page,
            object,
            reason: format!(
                "{} bytes are too few for {width} × {height} at {bits} bits",
                data.len()
            ),
        },
        _ => ImageError::Unsupported {
            page,
            object,
            what: format!("{bits} bits per component"),
        },
    })?;
    // An image mask paints where the sample is 0 (ISO 32000-2 §8.9.6.2), so its 0 bits
    // already read as black ink on white.
    Ok(GrayImage {
        width,
        height,
        pixels: samples,
    })
}

/// The `/DecodeParms` of filter number `index`: a dictionary, or one entry of an array that
/// runs parallel to `/Filter` (ISO 32000-2 §7.3.8.2); `null` and absence mean the defaults.
fn decode_parms<'a>(
    doc: &'a Document,
    dict: &'a Dictionary,
    index: usize,
) -> Option<&'a Dictionary> {
    match dict
        .get(b"DecodeParms")
        .ok()
        .and_then(|o| resolve(doc, o))?
    {
        Object::Dictionary(d) => Some(d),
        Object::Array(a) => match resolve(doc, a.get(index)?)? {
            Object::Dictionary(d) => Some(d),
            _ => None,
        },
        _ => None,
    }
}

/// The stream's data with every filter before number `last` applied (e.g. Flate under a
/// CCITT image); the raw data when the filter is the only one.
fn before_last_filter(
    stream: &Stream,
    last: usize,
    max_stream_bytes: usize,
) -> Result<std::borrow::Cow<'_, [u8]>, String> {
    if last == 0 {
        return Ok(std::borrow::Cow::Borrowed(&stream.content));
    }
    let mut outer = stream.clone();
    let cut = |o: Option<&Object>| match o {
        Some(Object::Array(a)) => Some(Object::Array(a.iter().take(last).cloned().collect())),
        _ => None,
    };
    match cut(stream.dict.get(b"Filter").ok()) {
        Some(filters) => outer.dict.set("Filter", filters),
        None => return Err("a filter chain that is not an array".into()),
    }
    match cut(stream.dict.get(b"DecodeParms").ok()) {
        Some(parms) => outer.dict.set("DecodeParms", parms),
        None => {
            outer.dict.remove(b"DecodeParms");
        }
    }
    outer
        .decompressed_content_with_limit(max_stream_bytes)
        .map(std::borrow::Cow::Owned)
        .map_err(|e| format!("the filters before the last: {e}"))
}

/// The decoded `/JBIG2Globals` stream named by the JBIG2 filter's parameters, if any.
fn jbig2_globals(
    doc: &Document,
    parms: Option<&Dictionary>,
    max_stream_bytes: usize,
) -> Result<Option<Vec<u8>>, String> {
    let Some(o) = parms.and_then(|p| p.get(b"JBIG2Globals").ok()) else {
        return Ok(None);
    };
    match resolve(doc, o) {
        Some(Object::Stream(s)) => s
            .decompressed_content_with_limit(max_stream_bytes)
            .map(Some)
            .map_err(|e| format!("JBIG2Globals: {e}")),
        _ => Err("JBIG2Globals is not a stream".into()),
    }
}

/// True when `/Decode` maps the first component's range backwards (`[1 0]`).
fn decode_inverted(doc: &Document, dict: &Dictionary) -> bool {
    let Some(Object::Array(a)) = dict.get(b"Decode").ok().and_then(|o| resolve(doc, o)) else {
        return false;
    };
    let num = |o: Option<&Object>| match o {
        Some(Object::Integer(i)) => Some(*i as f64),
        Some(Object::Real(r)) => Some(f64::from(*r)),
        _ => None,
    };
    matches!((num(a.first()), num(a.get(1))), (Some(lo), Some(hi)) if lo > hi)
}

/// Samples of `bits` (1 or 8) per component to grey, `None` when `data` is too short or the
/// depth is not handled. 1-bit samples become 0 or 255 (ISO 32000-2 §8.9.2: rows start on
/// byte boundaries).
fn unpack(data: &[u8], width: usize, height: usize, colour: &Colour, bits: i64) -> Option<Vec<u8>> {
    let n = colour.components();
    let mut out = Vec::with_capacity(width * height);
    match bits {
        8 => {
            let row_len = width.checked_mul(n)?;
            if data.len() < row_len.checked_mul(height)? {
                return None;
            }
            for row in data.chunks_exact(row_len).take(height) {
                out.extend(row.chunks_exact(n).map(|px| to_gray(colour, px)));
            }
        }
        1 if n == 1 => {
            let row_len = width.div_ceil(8);
            if data.len() < row_len.checked_mul(height)? {
                return None;
            }
            for row in data.chunks_exact(row_len).take(height) {
                for x in 0..width {
                    // x / 8 < row_len because row_len = ceil(width / 8).
                    let bit = (row[x / 8] >> (7 - (x % 8))) & 1;
                    let value = match colour {
                        Colour::Indexed { .. } => to_gray(colour, &[bit]),
                        _ => bit * 255,
                    };
                    out.push(value);
                }
            }
        }
        _ => return None,
    }
    Some(out)
}

/// A baseline or progressive JPEG to grey; the declared size must match the stream's.
fn decode_jpeg(data: &[u8], width: usize, height: usize) -> Result<GrayImage, String> {
    use zune_jpeg::JpegDecoder;
    use zune_jpeg::zune_core::colorspace::ColorSpace;
    use zune_jpeg::zune_core::options::DecoderOptions;

    let options = DecoderOptions::default()
        .set_max_width(MAX_IMAGE_SIDE)
        .set_max_height(MAX_IMAGE_SIDE)
        .jpeg_set_out_colorspace(ColorSpace::Luma);
    let mut decoder = JpegDecoder::new_with_options(data, options);
    // The stream's own size, checked before its pixels are decoded: the dictionary's was
    // checked by the caller, but the stream is what gets decoded.
    decoder
        .decode_headers()
        .map_err(|e| format!("JPEG: {e:?}"))?;
    if let Some((w, h)) = decoder.dimensions()
        && w.saturating_mul(h) > MAX_IMAGE_PIXELS
    {
        return Err(format!(
            "JPEG: {w} × {h} is over the limit of {MAX_IMAGE_PIXELS} pixels"
        ));
    }
    let pixels = decoder.decode().map_err(|e| format!("JPEG: {e:?}"))?;
    let (w, h) = decoder
        .dimensions()
        .ok_or_else(|| "JPEG: no size in the header".to_owned())?;
    if pixels.len() != w * h {
        return Err(format!(
            "JPEG: {} samples for {w} × {h} grey pixels",
            pixels.len()
        ));
    }
    if (w, h) != (width, height) {
        // The stream is authoritative for what the samples are; the dictionary only says how
        // the page should scale them, which OCR does not need.
        tracing::debug!(
            w,
            h,
            width,
            height,
            "JPEG size differs from the image dictionary"
        );
    }
    Ok(GrayImage {
        width: w,
        height: h,
        pixels,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use lopdf::dictionary;

    fn image_stream(dict: Dictionary, content: Vec<u8>) -> (Document, Stream) {
        (Document::with_version("1.7"), Stream::new(dict, content))
    }

    fn decode(dict: Dictionary, content: Vec<u8>) -> Result<GrayImage, ImageError> {
        let (doc, s) = image_stream(dict, content);
        decode_image(&doc, &s, 1, (9, 0), 1 << 24)
    }

    #[test]
    fn an_a4_scan_has_the_resolution_it_was_scanned_at() {
        // 2481 × 3508 over 595 × 842 pt is the corpus scans' 300 dpi.
        assert_eq!(pixels_per_inch(2481, 3508, 595.0, 842.0), Some(300));
        assert_eq!(pixels_per_inch(1700, 2200, 612.0, 792.0), Some(200));
    }

    #[test]
    fn a_resolution_that_is_not_a_scans_is_unknown() {
        // A portrait image on a landscape page: turned, the axes disagree.
        assert_eq!(pixels_per_inch(2481, 3508, 842.0, 595.0), None);
        // A thumbnail stretched over the page, and a page a few points across.
        assert_eq!(pixels_per_inch(100, 141, 595.0, 842.0), None);
        assert_eq!(pixels_per_inch(2481, 3508, 5.0, 7.0), None);
        // Degenerate page sizes.
        assert_eq!(pixels_per_inch(2481, 3508, 0.0, 842.0), None);
        assert_eq!(pixels_per_inch(2481, 3508, -595.0, -842.0), None);
        assert_eq!(pixels_per_inch(2481, 3508, f64::NAN, 842.0), None);
        assert_eq!(pixels_per_inch(0, 0, 595.0, 842.0), None);
    }

    #[test]
    fn gray_8bit_uncompressed() {
        let img = decode(
            dictionary! {"Width" => 2, "Height" => 2, "BitsPerComponent" => 8, "ColorSpace" => "DeviceGray"},
            vec![0, 50, 100, 255],
        )
        .unwrap();
        assert_eq!(img.pixels, [0, 50, 100, 255]);
    }

    #[test]
    fn rgb_becomes_luma() {
        let img = decode(
            dictionary! {"Width" => 2, "Height" => 1, "BitsPerComponent" => 8, "ColorSpace" => "DeviceRGB"},
            vec![255, 255, 255, 255, 0, 0],
        )
        .unwrap();
        assert_eq!(img.pixels, [255, 76]);
    }

    #[test]
    fn one_bit_rows_start_on_byte_boundaries_and_decode_inverts() {
        // 10 pixels wide: two bytes per row, the last 6 bits padding.
        let dict = dictionary! {"Width" => 10, "Height" => 2, "BitsPerComponent" => 1, "ColorSpace" => "DeviceGray"};
        let img = decode(dict.clone(), vec![0b1000_0000, 0b0100_0000, 0xff, 0xff]).unwrap();
        assert_eq!(&img.pixels[..10], [255, 0, 0, 0, 0, 0, 0, 0, 0, 255]);
        assert_eq!(&img.pixels[10..], [255; 10]);
        let mut inverted = dict;
        inverted.set("Decode", vec![1.into(), 0.into()]);
        let img = decode(inverted, vec![0b1000_0000, 0b0100_0000, 0xff, 0xff]).unwrap();
        assert_eq!(img.pixels[0], 0);
        assert_eq!(img.pixels[1], 255);
    }

    #[test]
    fn indexed_palette_maps_to_gray() {
        let cs = Object::Array(vec![
            "Indexed".into(),
            "DeviceRGB".into(),
            1.into(),
            Object::String(
                vec![0, 0, 0, 255, 255, 255],
                lopdf::StringFormat::Hexadecimal,
            ),
        ]);
        let img = decode(
            dictionary! {"Width" => 3, "Height" => 1, "BitsPerComponent" => 8, "ColorSpace" => cs},
            vec![1, 0, 7],
        )
        .unwrap();
        // Index 7 is outside the palette: black rather than a panic.
        assert_eq!(img.pixels, [255, 0, 0]);
    }

    #[test]
    fn flate_with_png_up_predictor() {
        use std::io::Write;
        // Two rows of 3 grey pixels; row 2 uses the Up predictor (type 2): deltas from row 1.
        let raw = [0u8, 10, 20, 30, 2, 1, 1, 1];
        let mut z = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::default());
        z.write_all(&raw).unwrap();
        let dict = dictionary! {
            "Width" => 3, "Height" => 2, "BitsPerComponent" => 8, "ColorSpace" => "DeviceGray",
            "Filter" => "FlateDecode",
            "DecodeParms" => dictionary! {"Predictor" => 12, "Columns" => 3, "Colors" => 1},
        };
        let img = decode(dict, z.finish().unwrap()).unwrap();
        assert_eq!(img.pixels, [10, 20, 30, 11, 21, 31]);
    }

    #[test]
    fn jpeg_round_trip_through_zune() {
        let jpeg = crate::ocr::testing::gray_jpeg(16, 8, |x, _| if x < 8 { 0 } else { 255 });
        let img = decode(
            dictionary! {"Width" => 16, "Height" => 8, "BitsPerComponent" => 8, "ColorSpace" => "DeviceGray", "Filter" => "DCTDecode"},
            jpeg,
        )
        .unwrap();
        assert_eq!((img.width, img.height), (16, 8));
        assert!(
            img.pixels[0] < 40 && img.pixels[15] > 215,
            "{:?}",
            img.pixels
        );
    }

    #[test]
    fn jpeg_2000_is_named_as_unsupported_and_oversize_is_refused() {
        let err = decode(
            dictionary! {"Width" => 8, "Height" => 8, "BitsPerComponent" => 8, "Filter" => "JPXDecode"},
            vec![0; 8],
        )
        .unwrap_err();
        assert!(err.to_string().contains("JPXDecode"), "{err}");
        let err = decode(
            dictionary! {"Width" => 100_000, "Height" => 8, "BitsPerComponent" => 8, "ColorSpace" => "DeviceGray"},
            vec![],
        )
        .unwrap_err();
        assert!(matches!(err, ImageError::Size { .. }), "{err}");
    }

    /// A 21 × 9 picture (true = black): a frame, a diagonal and a bar, so that runs start and
    /// end at odd columns and rows differ from their reference rows.
    fn bitonal() -> Vec<Vec<bool>> {
        (0..9)
            .map(|y| {
                (0..21)
                    .map(|x| {
                        y == 0
                            || y == 8
                            || x == 0
                            || x == 20
                            || x == 2 * y
                            || (y == 4 && (5..17).contains(&x))
                    })
                    .collect()
            })
            .collect()
    }

    use crate::ocr::ccitt::encode_g4 as g4;

    fn expect_pixels(img: &GrayImage, rows: &[Vec<bool>]) {
        assert_eq!((img.width, img.height), (rows[0].len(), rows.len()));
        let want: Vec<u8> = rows
            .iter()
            .flatten()
            .map(|&b| if b { 0 } else { 255 })
            .collect();
        assert_eq!(img.pixels, want);
    }

    fn ccitt_dict(parms: Object) -> Dictionary {
        dictionary! {
            "Width" => 21, "Height" => 9, "BitsPerComponent" => 1, "ColorSpace" => "DeviceGray",
            "Filter" => "CCITTFaxDecode", "DecodeParms" => parms,
        }
    }

    #[test]
    fn ccitt_group4_decodes_to_the_exact_pixels() {
        let rows = bitonal();
        let img = decode(
            ccitt_dict(dictionary! {"K" => -1, "Columns" => 21, "Rows" => 9}.into()),
            g4(&rows),
        )
        .unwrap();
        expect_pixels(&img, &rows);
    }

    #[test]
    fn ccitt_black_is_1_with_decode_inverted_and_parms_as_an_array() {
        // BlackIs1 makes black 1 bits, which DeviceGray shows as white; /Decode [1 0] turns
        // them back: the picture is black on white again. The parameters come as a
        // one-entry array parallel to a one-entry filter array.
        let rows = bitonal();
        let mut dict = ccitt_dict(
            vec![dictionary! {"K" => -1, "Columns" => 21, "BlackIs1" => true}.into()].into(),
        );
        dict.set("Filter", vec![Object::Name(b"CCITTFaxDecode".to_vec())]);
        dict.set("Decode", vec![1.into(), 0.into()]);
        expect_pixels(&decode(dict.clone(), g4(&rows)).unwrap(), &rows);
        // Without /Decode the same image is a negative.
        dict.remove(b"Decode");
        let negative = decode(dict, g4(&rows)).unwrap();
        assert!(
            negative
                .pixels
                .iter()
                .zip(rows.iter().flatten())
                .all(|(&p, &b)| (p == 255) == b)
        );
    }

    #[test]
    fn ccitt_under_flate_with_parms_array_and_as_an_image_mask() {
        use std::io::Write;
        let rows = bitonal();
        let mut z = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::default());
        z.write_all(&g4(&rows)).unwrap();
        let dict = dictionary! {
            "Width" => 21, "Height" => 9, "ImageMask" => true,
            "Filter" => vec![Object::Name(b"FlateDecode".to_vec()), Object::Name(b"CCITTFaxDecode".to_vec())],
            "DecodeParms" => vec![Object::Null, dictionary! {"K" => -1, "Columns" => 21}.into()],
        };
        expect_pixels(&decode(dict, z.finish().unwrap()).unwrap(), &rows);
    }

    #[test]
    fn ccitt_garbage_is_corrupt_with_the_page_not_a_panic() {
        let err = decode(ccitt_dict(dictionary! {"K" => -1}.into()), vec![0; 8]).unwrap_err();
        assert!(matches!(err, ImageError::Corrupt { page: 1, .. }), "{err}");
    }

    #[test]
    fn jbig2_with_globals_decodes_to_the_exact_pixels() {
        let rows = bitonal();
        let (mut doc, _) = image_stream(dictionary! {}, vec![]);
        let globals = doc.add_object(Stream::new(dictionary! {}, vec![]));
        let dict = dictionary! {
            "Width" => 21, "Height" => 9, "BitsPerComponent" => 1, "ColorSpace" => "DeviceGray",
            "Filter" => "JBIG2Decode", "DecodeParms" => dictionary! {"JBIG2Globals" => globals},
        };
        let s = Stream::new(
            dict,
            crate::ocr::jbig2::testing::mmr_page(21, 9, &g4(&rows)),
        );
        let img = decode_image(&doc, &s, 1, (9, 0), 1 << 24).unwrap();
        expect_pixels(&img, &rows);
    }

    #[test]
    fn truncated_samples_are_corrupt_not_a_panic() {
        let err = decode(
            dictionary! {"Width" => 4, "Height" => 4, "BitsPerComponent" => 8, "ColorSpace" => "DeviceGray"},
            vec![1, 2, 3],
        )
        .unwrap_err();
        assert!(matches!(err, ImageError::Corrupt { page: 1, .. }), "{err}");
    }

    #[test]
    fn pgm_header() {
        let img = GrayImage {
            width: 2,
            height: 1,
            pixels: vec![0, 255],
        };
        assert_eq!(img.to_pgm(), b"P5\n2 1\n255\n\x00\xff");
    }
}
