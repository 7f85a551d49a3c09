//! Page images of scanned pages: the images a page paints, decoded to 8-bit grey.
//!
//! A scanner's PDF draws one full-page image per page; some draw a page as several strips or
//! tiles (as image XObjects or inline images), or a low-resolution background under a sharp
//! bitonal mask. [`super::compose`] finds what the page paints and puts it together; this
//! module decodes one image XObject (ISO 32000-2 §8.9), or an inline image written out as one
//! (`crate::pdf::text::inline_image`), to grey:
//!
//! - Filters: DCT through `zune-jpeg` (baseline and progressive; grey, YCbCr, RGB, CMYK and
//!   YCCK), JPEG 2000 (`JPXDecode`) through `hayro-jpeg2000` with its own colour space, CCITT
//!   G3 (1D and 2D) and G4 ([`super::ccitt`]) and JBIG2 ([`super::jbig2`]) for bitonal scans,
//!   and Flate (with PNG/TIFF predictors), LZW, ASCII and run-length through the stream
//!   decoder. Any filters before the last one (`[/FlateDecode /DCTDecode]`) are decoded
//!   first.
//! - Samples of 1, 2, 4, 8 and 16 bits (16-bit ones by their high byte: a grey page keeps 8).
//! - Colour spaces: `DeviceGray`, `DeviceRGB`, `DeviceCMYK`; `CalGray` and `CalRGB` as their
//!   device spaces; `ICCBased` by its `/N` (1, 3, 4) or else its `/Alternate`; `Lab` by its
//!   L* alone; `Separation` and `DeviceN` by their tints as amounts of ink (grey is 1 − the
//!   largest tint: the tint transform to the alternate space is a PDF function, which arkivar
//!   does not evaluate, and for a scan's one colorant ink on paper is what it shows);
//!   `Indexed` over any of those.
//! - `/Decode` arrays of any kind (per component, in the colour space's range), image masks
//!   (painted black: the fill colour is not tracked).
//! - Colour-key masks (`/Mask [min max …]`), as an opacity per pixel from the raw samples
//!   ([`decode_keyed`]); soft masks and stencil `/Mask`s are applied by [`super::mask`].
//!
//! Not read: a colour key on a DCT or JPEG 2000 image (lossy samples match it by chance), a
//! soft mask's `/Matte`, and a JPEG 2000 image's `/Decode` and `/SMaskInData` (ignored for
//! OCR, as the spec lets readers of a JPX image with its own colour space). Rendering vector
//! content is left out: a page without an image gets no OCR.

use lopdf::{Dictionary, Document, Object, ObjectId, Stream};
use thiserror::Error;

use super::ccitt::{self, CcittParams};
use super::jbig2;
use super::mask::ColourKey;

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
/// Most colour components of a sample: DeviceN's limit (ISO 32000-2 Annex C).
const MAX_COMPONENTS: usize = 32;
/// Most bytes decoding one JPEG 2000 image may hold ([`jpx_decode_bytes`]); an image that
/// would take more is decoded at a half, a quarter … of its size (JPEG 2000 stores those
/// resolutions). A4 at 300 dpi fits in grey (8.7 M pixels, 122 MB) and in colour (191 MB);
/// a 600 dpi scan is read at 300 dpi, which OCR does not miss. With deskew's copy of the page
/// that stays within a document's 256 MiB (docs/benchmarks.md).
pub const JPX_MAX_DECODE_BYTES: usize = 200_000_000;

/// Bytes hayro-jpeg2000 0.5 holds at its peak decoding `pixels` pixels of `channels`
/// components, with arkivar's grey copy: each component as 32-bit floats, and about 10 bytes
/// a pixel of wavelet coefficients and output. Measured (peak RSS) on A4 pages at 300 dpi:
/// grey 120 MB (13.8 bytes a pixel), RGB 189 MB (21.7).
pub fn jpx_decode_bytes(pixels: usize, channels: usize) -> usize {
    pixels.saturating_mul(channels.saturating_mul(4).saturating_add(10))
}

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
    /// The image as binary PGM (netpbm `P5`, 8 bits): [`GrayImage::pgm_header`], then the
    /// pixels as they are.
    pub fn to_pgm(&self) -> Vec<u8> {
        let mut out = self.pgm_header();
        out.extend_from_slice(&self.pixels);
        out
    }

    /// The header of the image as binary PGM, for writers that send the pixels after it
    /// without copying them.
    pub fn pgm_header(&self) -> Vec<u8> {
        format!("P5\n{} {}\n255\n", self.width, self.height).into_bytes()
    }
}

/// Why a page image could not be decoded; names the page and the image object.
/// A variant's `cause` ends its message, and is therefore not also its `source()`.
#[derive(Debug, Error)]
#[non_exhaustive]
pub enum ImageError {
    /// The image uses a filter arkivar does not decode.
    #[error("page {page}, {}: filter {filter} is not supported", image_name(.object))]
    UnsupportedFilter {
        /// 1-based page.
        page: usize,
        /// The image XObject ([`INLINE`] for an inline image).
        object: ObjectId,
        /// The filter's name.
        filter: String,
    },
    /// The colour space or bit depth is not one arkivar decodes.
    #[error("page {page}, {}: {what} is not supported", image_name(.object))]
    Unsupported {
        /// 1-based page.
        page: usize,
        /// The image XObject ([`INLINE`] for an inline image).
        object: ObjectId,
        /// What (colour space, bit depth).
        what: String,
    },
    /// Width or height missing, zero or over the limits.
    #[error(
        "page {page}, {}: size {width} × {height} is empty or over the limit ({MAX_IMAGE_SIDE} per side, {MAX_IMAGE_PIXELS} pixels)",
        image_name(.object)
    )]
    Size {
        /// 1-based page.
        page: usize,
        /// The image XObject ([`INLINE`] for an inline image).
        object: ObjectId,
        /// Declared width.
        width: i64,
        /// Declared height.
        height: i64,
    },
    /// The image's soft mask or stencil mask did not decode: without it the image would paint
    /// over what the mask keeps clear.
    #[error("page {page}, {}: its mask did not decode: {cause}", image_name(.object))]
    Mask {
        /// 1-based page.
        page: usize,
        /// The image XObject ([`INLINE`] for an inline image).
        object: ObjectId,
        /// Why the mask did not decode.
        cause: Box<ImageError>,
    },
    /// The stream did not decode (corrupt data, too short, over the decompression limit).
    #[error("page {page}, {}: {reason}", image_name(.object))]
    Corrupt {
        /// 1-based page.
        page: usize,
        /// The image XObject ([`INLINE`] for an inline image).
        object: ObjectId,
        /// The decoder's message.
        reason: String,
    },
}

/// The object an inline image is named by in errors: object number 0 is never an indirect
/// object's (ISO 32000-2 §7.3.10).
pub const INLINE: ObjectId = (0, 0);

/// How an error names the image: its object, or as an inline image.
fn image_name(object: &ObjectId) -> String {
    if *object == INLINE {
        "an inline image".to_owned()
    } else {
        format!("image object {object:?}")
    }
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

pub(super) fn resolve<'a>(doc: &'a Document, o: &'a Object) -> Option<&'a Object> {
    match o {
        Object::Reference(id) => doc.get_object(*id).ok(),
        o => Some(o),
    }
}

pub(super) fn int(doc: &Document, dict: &Dictionary, key: &[u8]) -> Option<i64> {
    dict.get(key)
        .ok()
        .and_then(|o| resolve(doc, o))
        .and_then(|o| o.as_i64().ok())
}

/// True when the stream is an image XObject.
pub(super) fn is_image(stream: &Stream) -> bool {
    stream
        .dict
        .get(b"Subtype")
        .and_then(Object::as_name)
        .is_ok_and(|n| n == b"Image")
}

/// The image's declared `/Width` and `/Height`, each 0 when missing or negative.
pub(super) fn declared_size(doc: &Document, dict: &Dictionary) -> (usize, usize) {
    let side = |key: &[u8]| {
        int(doc, dict, key)
            .and_then(|v| usize::try_from(v).ok())
            .unwrap_or(0)
    };
    (side(b"Width"), side(b"Height"))
}

/// Bytes of memory decoding the image may hold at once, from its declared size and format:
/// its samples after the filters (or the JPEG 2000 decoder's buffers) and its grey copy.
pub(super) fn decode_cost(doc: &Document, stream: &Stream) -> usize {
    let dict = &stream.dict;
    let (w, h) = declared_size(doc, dict);
    let pixels = w
        .min(MAX_IMAGE_SIDE)
        .saturating_mul(h.min(MAX_IMAGE_SIDE))
        .min(MAX_IMAGE_PIXELS);
    let jpx = stream
        .filters()
        .ok()
        .and_then(|f| f.last().map(|n| n.to_vec()))
        .is_some_and(|n| n == b"JPXDecode");
    if jpx {
        // Its colour space is inside the stream: up to 4 components is assumed.
        return jpx_decode_bytes(pixels, 4).min(JPX_MAX_DECODE_BYTES);
    }
    let components = colour_space(doc, dict.get(b"ColorSpace").ok(), 0)
        .map_or(4, |c| c.components())
        .max(1);
    let bits = usize::try_from(int(doc, dict, b"BitsPerComponent").unwrap_or(8))
        .unwrap_or(8)
        .clamp(1, 16);
    // Whole bytes a pixel at 8 and 16 bits (zune-jpeg and the stream decoder give 8).
    let sample_bytes = components.saturating_mul(bits).div_ceil(8).max(1);
    pixels.saturating_mul(sample_bytes.saturating_add(1))
}

/// The colour model of the samples. Components are handled as bytes, 0–255 over the colour
/// space's range (ISO 32000-2 Table 90), after `/Decode`; for `Indexed`, the index.
#[derive(Debug, Clone, PartialEq)]
enum Colour {
    Gray,
    Rgb,
    Cmyk,
    /// CIE L*a*b*; `ab` is `/Range` (a* and b*'s ranges). Only L* makes the grey.
    Lab {
        ab: [f64; 4],
    },
    /// `Separation` (1) or `DeviceN` (n) colorants: tints, amounts of ink from 0 to 1.
    Ink(usize),
    /// Base colour space and a palette of its `components` bytes per entry.
    Indexed {
        base: Box<Colour>,
        palette: Vec<u8>,
    },
}

impl Colour {
    fn components(&self) -> usize {
        match self {
            Colour::Gray | Colour::Indexed { .. } => 1,
            Colour::Rgb | Colour::Lab { .. } => 3,
            Colour::Cmyk => 4,
            Colour::Ink(n) => *n,
        }
    }

    /// The range of component `i` (Table 90's default `/Decode`, except `Indexed`'s).
    fn range(&self, i: usize) -> (f64, f64) {
        match (self, i) {
            (Colour::Lab { .. }, 0) => (0.0, 100.0),
            (Colour::Lab { ab }, 1) => (ab[0], ab[1]),
            (Colour::Lab { ab }, _) => (ab[2], ab[3]),
            _ => (0.0, 1.0),
        }
    }

    /// Component `i`'s default `/Decode` pair for samples of `bits` bits.
    fn default_decode(&self, i: usize, bits: u32) -> (f64, f64) {
        match self {
            Colour::Indexed { .. } => (0.0, f64::from((1u32 << bits.min(16)) - 1)),
            _ => self.range(i),
        }
    }
}

/// The device colour space a name stands for (with the inline-image abbreviations).
fn device_colour(name: &[u8]) -> Option<Colour> {
    match name {
        b"DeviceGray" | b"CalGray" | b"G" => Some(Colour::Gray),
        b"DeviceRGB" | b"CalRGB" | b"RGB" => Some(Colour::Rgb),
        b"DeviceCMYK" | b"CMYK" => Some(Colour::Cmyk),
        _ => None,
    }
}

fn colour_space(doc: &Document, o: Option<&Object>, depth: u8) -> Option<Colour> {
    let o = resolve(doc, o?)?;
    match o {
        Object::Name(n) => device_colour(n),
        Object::Array(a) if depth < 4 => {
            let name = a.first().and_then(|o| resolve(doc, o))?.as_name().ok()?;
            match name {
                b"ICCBased" => {
                    let Object::Stream(s) = resolve(doc, a.get(1)?)? else {
                        return None;
                    };
                    // The profile is not applied: its component count says which device space
                    // approximates it, and `/Alternate` is the spec's own fallback.
                    match int(doc, &s.dict, b"N") {
                        Some(1) => Some(Colour::Gray),
                        Some(3) => Some(Colour::Rgb),
                        Some(4) => Some(Colour::Cmyk),
                        _ => colour_space(doc, s.dict.get(b"Alternate").ok(), depth + 1),
                    }
                }
                b"CalGray" => Some(Colour::Gray),
                b"CalRGB" => Some(Colour::Rgb),
                b"Lab" => {
                    let mut ab = [-100.0, 100.0, -100.0, 100.0];
                    let range = a
                        .get(1)
                        .and_then(|d| resolve(doc, d))
                        .and_then(|d| d.as_dict().ok())
                        .and_then(|d| d.get(b"Range").ok())
                        .and_then(|r| resolve(doc, r));
                    if let Some(Object::Array(r)) = range {
                        let v: Vec<f64> = r.iter().filter_map(number).collect();
                        if let [a0, a1, b0, b1] = v[..]
                            && a0 < a1
                            && b0 < b1
                        {
                            ab = [a0, a1, b0, b1];
                        }
                    }
                    Some(Colour::Lab { ab })
                }
                b"Separation" => Some(Colour::Ink(1)),
                b"DeviceN" => match resolve(doc, a.get(1)?)? {
                    Object::Array(names) if (1..=MAX_COMPONENTS).contains(&names.len()) => {
                        Some(Colour::Ink(names.len()))
                    }
                    _ => None,
                },
                b"Indexed" | b"I" => {
                    let base = colour_space(doc, a.get(1), depth + 1)?;
                    if matches!(base, Colour::Indexed { .. }) {
                        return None;
                    }
                    let palette = match resolve(doc, a.get(3)?)? {
                        Object::String(s, _) => s.clone(),
                        Object::Stream(s) => crate::pdf::stream::decoded(s, 1 << 16).ok()?,
                        _ => return None,
                    };
                    Some(Colour::Indexed {
                        base: Box::new(base),
                        palette,
                    })
                }
                // `[/DeviceRGB]`: a device space written as a one-entry array.
                _ if a.len() == 1 => device_colour(name),
                _ => None,
            }
        }
        _ => None,
    }
}

fn number(o: &Object) -> Option<f64> {
    let v = match o {
        Object::Integer(i) => *i as f64,
        Object::Real(r) => f64::from(*r),
        _ => return None,
    };
    v.is_finite().then_some(v)
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

/// One pixel's grey value from its components (bytes over each component's range).
fn to_gray(colour: &Colour, s: &[u8]) -> u8 {
    match (colour, s) {
        (Colour::Gray | Colour::Lab { .. }, [g, ..]) => *g,
        (Colour::Rgb, [r, g, b, ..]) => luma(*r, *g, *b),
        (Colour::Cmyk, [c, m, y, k, ..]) => cmyk_gray(*c, *m, *y, *k),
        (Colour::Ink(_), _) => 255 - s.iter().copied().max().unwrap_or(0),
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

/// `/Decode` when it is an array of two numbers per component; `None` otherwise (the defaults
/// apply, as readers do with a malformed one).
fn decode_array(doc: &Document, dict: &Dictionary, components: usize) -> Option<Vec<f64>> {
    let Some(Object::Array(a)) = dict.get(b"Decode").ok().and_then(|o| resolve(doc, o)) else {
        return None;
    };
    let v: Vec<f64> = a
        .iter()
        .filter_map(|o| resolve(doc, o).and_then(number))
        .collect();
    (v.len() == a.len() && v.len() == components * 2).then_some(v)
}

/// For each value of a `bits`-bit sample of component `i`, the component byte it stands for:
/// `/Decode` (§8.9.5.2) maps the sample onto a value in the colour space's range, which is
/// then scaled to 0–255 (for `Indexed`, rounded to the index). 16-bit samples are read by
/// their high byte, so they use the 8-bit table.
fn component_lut(colour: &Colour, i: usize, bits: u32, decode: Option<&[f64]>) -> [u8; 256] {
    let bits = bits.clamp(1, 8);
    let max_raw = (1u32 << bits) - 1;
    let (dmin, dmax) = decode
        .and_then(|d| Some((*d.get(2 * i)?, *d.get(2 * i + 1)?)))
        .unwrap_or_else(|| colour.default_decode(i, bits));
    let (rmin, rmax) = colour.range(i);
    let mut lut = [0u8; 256];
    for (raw, slot) in lut.iter_mut().enumerate().take(max_raw as usize + 1) {
        let v = dmin + raw as f64 * (dmax - dmin) / f64::from(max_raw);
        let byte = match colour {
            Colour::Indexed { .. } => v,
            _ => (v - rmin) / (rmax - rmin) * 255.0,
        };
        *slot = if byte.is_finite() {
            byte.round().clamp(0.0, 255.0) as u8
        } else {
            0
        };
    }
    lut
}

/// Sample number `index` of a row of `bits`-bit samples (rows start on byte boundaries,
/// §8.9.2), as a table index: the sample itself up to 8 bits, the high byte of a 16-bit one;
/// 0 past the row's end.
fn sample(row: &[u8], index: usize, bits: u32) -> u8 {
    match bits {
        8 => row.get(index).copied().unwrap_or(0),
        16 => row.get(index * 2).copied().unwrap_or(0),
        _ => {
            let bits = bits as usize;
            let at = index * bits;
            let byte = row.get(at / 8).copied().unwrap_or(0);
            (byte >> (8 - bits - at % 8)) & ((1u8 << bits) - 1)
        }
    }
}

/// Samples of `bits` (1, 2, 4, 8 or 16) per component in `colour` to grey, `/Decode` applied;
/// `None` when `data` is too short.
fn gray_from_samples(
    data: &[u8],
    width: usize,
    height: usize,
    colour: &Colour,
    bits: u32,
    decode: Option<&[f64]>,
) -> Option<Vec<u8>> {
    let n = colour.components();
    if n == 0 || n > MAX_COMPONENTS {
        return None;
    }
    let row_len = width
        .checked_mul(n)?
        .checked_mul(bits as usize)?
        .div_ceil(8);
    if row_len == 0 {
        return None;
    }
    let data = data.get(..row_len.checked_mul(height)?)?;
    let luts: Vec<[u8; 256]> = (0..n)
        .map(|i| component_lut(colour, i, bits, decode))
        .collect();
    let mut out = Vec::with_capacity(width.checked_mul(height)?);
    if let [lut] = luts.as_slice() {
        // One component: its colour mapping folds into the table.
        let table: [u8; 256] = std::array::from_fn(|raw| to_gray(colour, &[lut[raw]]));
        for row in data.chunks_exact(row_len) {
            match bits {
                8 => out.extend(row.iter().take(width).map(|&s| table[usize::from(s)])),
                _ => out.extend((0..width).map(|x| table[usize::from(sample(row, x, bits))])),
            }
        }
        return Some(out);
    }
    let mut px = [0u8; MAX_COMPONENTS];
    for row in data.chunks_exact(row_len) {
        for x in 0..width {
            for (c, (slot, lut)) in px.iter_mut().zip(&luts).enumerate() {
                *slot = lut[usize::from(sample(row, x * n + c, bits))];
            }
            out.push(to_gray(colour, px.get(..n).unwrap_or(&[])));
        }
    }
    Some(out)
}

/// Decodes one image XObject to grey, as its samples say: its masks are not applied
/// ([`super::mask::decode`] applies them).
pub fn decode_image(
    doc: &Document,
    stream: &Stream,
    page: usize,
    object: ObjectId,
    max_stream_bytes: usize,
) -> Result<GrayImage, ImageError> {
    decode_keyed(doc, stream, page, object, max_stream_bytes).map(|(image, _)| image)
}

/// Decodes one image XObject to grey, with its colour-key mask's opacity per pixel when it has
/// one that masks some pixel ([`super::mask::ColourKey`]: it is a range of raw samples, which
/// only decoding sees). Not for DCT and JPEG 2000 images, whose lossy samples a key would
/// match only by chance.
pub(super) fn decode_keyed(
    doc: &Document,
    stream: &Stream,
    page: usize,
    object: ObjectId,
    max_stream_bytes: usize,
) -> Result<(GrayImage, Option<Vec<u8>>), ImageError> {
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
    let last_index = filters.len().saturating_sub(1);
    match filters.last().map(Vec::as_slice) {
        Some(b"DCTDecode" | b"DCT") => {
            let data = before_last_filter(stream, last_index, max_stream_bytes).map_err(corrupt)?;
            let declared = dict.get(b"ColorSpace").ok();
            let colour = colour_space(doc, declared, 0);
            let decode = colour
                .as_ref()
                .and_then(|c| decode_array(doc, dict, c.components()));
            // zune-jpeg's own luma is the grey of a YCbCr JPEG as DeviceRGB shows it; any
            // other colour space or a /Decode needs the components.
            let luma_ok = decode.is_none() && matches!(colour, None | Some(Colour::Rgb));
            let jpeg = decode_jpeg(&data, luma_ok).map_err(corrupt)?;
            if jpeg.components == 1
                && (luma_ok || (colour == Some(Colour::Gray) && decode.is_none()))
            {
                let image = GrayImage {
                    width: jpeg.width,
                    height: jpeg.height,
                    pixels: jpeg.samples,
                };
                return Ok((image, None));
            }
            // The dictionary's colour space when it fits the JPEG's components, else the
            // device space with their number.
            let (colour, decode) = match colour {
                Some(c) if c.components() == jpeg.components => (c, decode),
                _ => match jpeg.components {
                    1 => (Colour::Gray, None),
                    3 => (Colour::Rgb, None),
                    _ => (Colour::Cmyk, None),
                },
            };
            let pixels = gray_from_samples(
                &jpeg.samples,
                jpeg.width,
                jpeg.height,
                &colour,
                8,
                decode.as_deref(),
            )
            .ok_or_else(|| corrupt("JPEG: fewer samples than its size".into()))?;
            let image = GrayImage {
                width: jpeg.width,
                height: jpeg.height,
                pixels,
            };
            Ok((image, None))
        }
        Some(b"JPXDecode") => {
            let data = before_last_filter(stream, last_index, max_stream_bytes).map_err(corrupt)?;
            // A third-party decoder of a complex format: a panic in it fails this image, not
            // the document.
            crate::contain::contain(|| decode_jpx(&data, JPX_MAX_DECODE_BYTES))
                .map_err(|p| {
                    corrupt(format!(
                        "JPXDecode image: the decoder failed: {}",
                        p.message
                    ))
                })?
                .map_err(corrupt)
                .map(|image| (image, None))
        }
        Some(f @ (b"CCITTFaxDecode" | b"CCF" | b"JBIG2Decode")) => {
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
            samples_image(doc, dict, &packed, width, height, Some(1), page, object)
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
            samples_image(doc, dict, &data, width, height, None, page, object)
        }
    }
}

/// Samples after all filters to grey: the image's colour space (DeviceGray when a bitonal
/// filter's image names none, as readers assume), bit depth (`bits`, else
/// `/BitsPerComponent`), `/Decode` and image mask; with the opacity its colour-key mask
/// gives, if any.
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
) -> Result<(GrayImage, Option<Vec<u8>>), ImageError> {
    let image_mask = is_image_mask(dict);
    let bits = match bits {
        _ if image_mask => 1,
        Some(b) => b,
        None => int(doc, dict, b"BitsPerComponent").unwrap_or(8),
    };
    let bits = match bits {
        1 | 2 | 4 | 8 | 16 => bits as u32,
        _ => {
            return Err(ImageError::Unsupported {
                page,
                object,
                what: format!("{bits} bits per component"),
            });
        }
    };
    let declared = dict.get(b"ColorSpace").ok();
    // An image mask is one bit of "paint here" (ISO 32000-2 §8.9.6.2: where the sample is 0,
    // or 1 with `/Decode [1 0]`), so read as grey its painted samples are black ink on white;
    // a bitonal image without a colour space is read as grey, as readers do.
    let colour = if image_mask || (declared.is_none() && bits == 1) {
        Colour::Gray
    } else {
        colour_space(doc, declared, 0).ok_or_else(|| ImageError::Unsupported {
            page,
            object,
            what: "the colour space".into(),
        })?
    };
    let decode = decode_array(doc, dict, colour.components());
    let pixels = gray_from_samples(data, width, height, &colour, bits, decode.as_deref())
        .ok_or_else(|| ImageError::Corrupt {
            page,
            object,
            reason: format!(
                "{} bytes are too few for {width} × {height} at {bits} bits",
                data.len()
            ),
        })?;
    // A stencil mask has no colour to key on.
    let key = if image_mask {
        None
    } else {
        ColourKey::from_dict(doc, dict, colour.components(), bits)
            .and_then(|key| key.opacity(data, width, height))
    };
    let image = GrayImage {
        width,
        height,
        pixels,
    };
    Ok((image, key))
}

/// True when the image is a stencil mask (`/ImageMask true`).
pub(super) fn is_image_mask(dict: &Dictionary) -> bool {
    dict.get(b"ImageMask")
        .and_then(Object::as_bool)
        .unwrap_or(false)
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
/// CCITT or DCT image), within `max_stream_bytes`; the raw data when the filter is the only
/// one.
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
    // The stream decoder, not lopdf's: it knows the abbreviated names and identity /Crypt
    // filters some producers write.
    crate::pdf::stream::decoded(&outer, max_stream_bytes)
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
        Some(Object::Stream(s)) => crate::pdf::stream::decoded(s, max_stream_bytes)
            .map(Some)
            .map_err(|e| format!("JBIG2Globals: {e}")),
        _ => Err("JBIG2Globals is not a stream".into()),
    }
}

/// A JPEG's samples as the DCT filter puts them out: 8 bits, `components` interleaved.
struct JpegSamples {
    width: usize,
    height: usize,
    components: usize,
    samples: Vec<u8>,
}

/// A baseline or progressive JPEG's samples: one grey component when the JPEG is grey, or is
/// YCbCr and `luma_ok` (zune-jpeg's Y channel); otherwise RGB for YCbCr and RGB JPEGs and
/// CMYK for CMYK and YCCK ones (YCCK turned back into the CMYK it was made from, §7.4.8: the
/// PDF's `/Decode` then says what those values mean, so no Adobe-style inversion is guessed).
/// The stream's own size is what is decoded; the dictionary's only says how the page scales
/// it, which composing the page takes from the placement.
fn decode_jpeg(data: &[u8], luma_ok: bool) -> Result<JpegSamples, String> {
    use zune_jpeg::JpegDecoder;
    use zune_jpeg::zune_core::colorspace::ColorSpace;
    use zune_jpeg::zune_core::options::DecoderOptions;

    let options = DecoderOptions::default()
        .set_max_width(MAX_IMAGE_SIDE)
        .set_max_height(MAX_IMAGE_SIDE);
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
    let input = decoder
        .get_input_colorspace()
        .ok_or_else(|| "JPEG: no colour space in the header".to_owned())?;
    let (out, components) = match input {
        ColorSpace::Luma => (ColorSpace::Luma, 1),
        ColorSpace::YCbCr if luma_ok => (ColorSpace::Luma, 1),
        ColorSpace::YCbCr | ColorSpace::RGB => (ColorSpace::RGB, 3),
        ColorSpace::CMYK => (ColorSpace::CMYK, 4),
        // zune-jpeg copies YCCK's components as they are; they are turned into CMYK below.
        ColorSpace::YCCK => (ColorSpace::YCCK, 4),
        other => return Err(format!("JPEG: colour space {other:?} is not supported")),
    };
    decoder.set_options(options.jpeg_set_out_colorspace(out));
    let mut samples = decoder.decode().map_err(|e| format!("JPEG: {e:?}"))?;
    let (w, h) = decoder
        .dimensions()
        .ok_or_else(|| "JPEG: no size in the header".to_owned())?;
    if samples.len() != w * h * components {
        return Err(format!(
            "JPEG: {} samples for {w} × {h} pixels of {components} components",
            samples.len()
        ));
    }
    if input == ColorSpace::YCCK {
        for px in samples.chunks_exact_mut(4) {
            let (y, cb, cr) = (
                f32::from(px[0]),
                f32::from(px[1]) - 128.0,
                f32::from(px[2]) - 128.0,
            );
            // Adobe's YCCK: the YCbCr transform of the inverted C, M and Y (T.871 §7).
            let r = y + 1.402 * cr;
            let g = y - 0.344_136 * cb - 0.714_136 * cr;
            let b = y + 1.772 * cb;
            px[0] = (255.0 - r).round().clamp(0.0, 255.0) as u8;
            px[1] = (255.0 - g).round().clamp(0.0, 255.0) as u8;
            px[2] = (255.0 - b).round().clamp(0.0, 255.0) as u8;
        }
    }
    Ok(JpegSamples {
        width: w,
        height: h,
        components,
        samples,
    })
}

/// A JPEG 2000 image (a JP2 file or a bare codestream) to grey through hayro-jpeg2000, by its
/// own colour space; its size is checked from the header before anything is decoded, and an
/// image that would take more than `max_bytes` ([`JPX_MAX_DECODE_BYTES`]) is decoded at a
/// reduced resolution.
fn decode_jpx(data: &[u8], max_bytes: usize) -> Result<GrayImage, String> {
    use hayro_jpeg2000::{ColorSpace, DecodeSettings, DecoderContext, Image};

    let settings = DecodeSettings::default();
    let header = Image::new(data, &settings).map_err(|e| format!("JPXDecode image: {e}"))?;
    let (w, h) = (header.width() as usize, header.height() as usize);
    if w == 0 || h == 0 || w > MAX_IMAGE_SIDE || h > MAX_IMAGE_SIDE || w * h > MAX_IMAGE_PIXELS {
        return Err(format!(
            "JPXDecode image: size {w} × {h} is empty or over the limit ({MAX_IMAGE_SIDE} per side, {MAX_IMAGE_PIXELS} pixels)"
        ));
    }
    let channels =
        usize::from(header.color_space().num_channels()) + usize::from(header.has_alpha());
    let bytes_at =
        |level: u32| jpx_decode_bytes((w >> level).max(1) * (h >> level).max(1), channels);
    let mut level = 0;
    while bytes_at(level) > max_bytes && level < 8 {
        level += 1;
    }
    let image = if level == 0 {
        header
    } else {
        let reduced = DecodeSettings {
            target_resolution: Some((
                u32::try_from((w >> level).max(1)).unwrap_or(1),
                u32::try_from((h >> level).max(1)).unwrap_or(1),
            )),
            ..settings
        };
        Image::new(data, &reduced).map_err(|e| format!("JPXDecode image: {e}"))?
    };
    let (w, h) = (image.width() as usize, image.height() as usize);
    if jpx_decode_bytes(w.saturating_mul(h), channels) > max_bytes {
        return Err(format!(
            "JPXDecode image: {w} × {h} with {channels} components would take more than {max_bytes} bytes to decode and stores no smaller resolution"
        ));
    }
    let colour = image.color_space().clone();
    let mut context = DecoderContext::default();
    let decoded = image
        .decode(&mut context)
        .map_err(|e| format!("JPXDecode image: {e}"))?;
    let pixels = w * h;
    // Each component as its samples and the factor that scales them to 0–255.
    let planes: Vec<(&[f32], f32)> = decoded
        .components()
        .iter()
        .map(|c| {
            let max = ((1u64 << c.bit_depth().clamp(1, 32)) - 1) as f32;
            (c.samples(), 255.0 / max)
        })
        .collect();
    if planes.is_empty() || planes.iter().any(|(s, _)| s.len() < pixels) {
        return Err(format!(
            "JPXDecode image: fewer decoded samples than {w} × {h} pixels"
        ));
    }
    let byte = |plane: usize, i: usize| -> u8 {
        planes.get(plane).map_or(0, |(s, scale)| {
            let v = s.get(i).copied().unwrap_or(0.0) * scale;
            if v.is_finite() {
                v.round().clamp(0.0, 255.0) as u8
            } else {
                0
            }
        })
    };
    // The colour components come first, any alpha last (hayro-jpeg2000 orders them so).
    let colour_channels = match colour {
        ColorSpace::Gray => 1,
        ColorSpace::RGB => 3,
        ColorSpace::CMYK => 4,
        ColorSpace::Unknown { num_channels } | ColorSpace::Icc { num_channels, .. } => {
            usize::from(num_channels)
        }
    };
    let gray: Vec<u8> = match colour_channels.min(planes.len()) {
        3 => (0..pixels)
            .map(|i| luma(byte(0, i), byte(1, i), byte(2, i)))
            .collect(),
        4 => (0..pixels)
            .map(|i| cmyk_gray(byte(0, i), byte(1, i), byte(2, i), byte(3, i)))
            .collect(),
        // Grey, or an unknown space: its first component is the best grey there is.
        _ => (0..pixels).map(|i| byte(0, i)).collect(),
    };
    Ok(GrayImage {
        width: w,
        height: h,
        pixels: gray,
    })
}

/// The raster of everything page `page` paints ([`super::compose`]), decoded within
/// `max_stream_bytes` a stream and the default limits otherwise; `Ok(None)` when it paints no
/// image. For tools and tests: the OCR stage plans with the document's limits and deadline.
pub fn page_image(
    doc: &Document,
    page: usize,
    page_id: ObjectId,
    max_stream_bytes: usize,
) -> Result<Option<GrayImage>, ImageError> {
    let limits = crate::pdf::Limits {
        max_stream_bytes: u64::try_from(max_stream_bytes).unwrap_or(u64::MAX),
        ..crate::pdf::Limits::default()
    };
    let deadline = crate::pdf::Deadline::none();
    let Some(plan) = super::compose::plan(doc, page_id, &limits, deadline) else {
        return Ok(None);
    };
    plan.compose(doc, page, max_stream_bytes, &deadline)
        .map(|p| Some(p.image))
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
    fn oversize_is_refused_before_decoding() {
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
    fn ccitt_without_columns_or_rows_takes_the_image_size_under_a_flate_chain() {
        let rows = bitonal();
        let dict = dictionary! {
            "Width" => 21, "Height" => 9, "BitsPerComponent" => 1, "ColorSpace" => "DeviceGray",
            "Filter" => names(&["FlateDecode", "CCITTFaxDecode"]),
            "DecodeParms" => vec![Object::Null, dictionary! {"K" => -1}.into()],
        };
        expect_pixels(&decode(dict.clone(), zlib(&g4(&rows))).unwrap(), &rows);
        // Near miss: a /Columns that is not the coded width garbles the rows.
        let mut wrong = dict;
        wrong.set(
            "DecodeParms",
            vec![
                Object::Null,
                dictionary! {"K" => -1, "Columns" => 16}.into(),
            ],
        );
        let got = decode(wrong, zlib(&g4(&rows)));
        assert!(got.map_or(true, |img| img.pixels != decode_pixels(&rows)));
    }

    fn decode_pixels(rows: &[Vec<bool>]) -> Vec<u8> {
        rows.iter()
            .flatten()
            .map(|&b| if b { 0 } else { 255 })
            .collect()
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

    fn zlib(data: &[u8]) -> Vec<u8> {
        use std::io::Write;
        let mut z = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::default());
        z.write_all(data).unwrap();
        z.finish().unwrap()
    }

    fn names(names: &[&str]) -> Object {
        Object::Array(
            names
                .iter()
                .map(|n| Object::Name(n.as_bytes().to_vec()))
                .collect(),
        )
    }

    fn nums(v: &[f64]) -> Object {
        Object::Array(v.iter().map(|&x| Object::Real(x as f32)).collect())
    }

    /// A 16 × 8 grey JPEG, black on the left half and white on the right.
    fn halves_jpeg() -> Vec<u8> {
        crate::ocr::testing::gray_jpeg(16, 8, |x, _| if x < 8 { 0 } else { 255 })
    }

    fn is_halves(img: &GrayImage) -> bool {
        (img.width, img.height) == (16, 8)
            && img
                .pixels
                .chunks(16)
                .all(|row| row[..8].iter().all(|&p| p < 40) && row[8..].iter().all(|&p| p > 215))
    }

    #[test]
    fn jpeg_under_flate_is_decoded_after_the_flate() {
        for chain in [["FlateDecode", "DCTDecode"], ["Fl", "DCT"]] {
            let dict = dictionary! {
                "Width" => 16, "Height" => 8, "BitsPerComponent" => 8, "ColorSpace" => "DeviceGray",
                "Filter" => names(&chain),
                "DecodeParms" => vec![Object::Null, Object::Null],
            };
            let img = decode(dict, zlib(&halves_jpeg())).unwrap();
            assert!(is_halves(&img), "{chain:?}: {:?}", img.pixels);
        }
    }

    #[test]
    fn jpeg_under_broken_flate_is_corrupt_with_the_reason() {
        let dict = dictionary! {
            "Width" => 16, "Height" => 8, "BitsPerComponent" => 8, "ColorSpace" => "DeviceGray",
            "Filter" => names(&["FlateDecode", "DCTDecode"]),
        };
        // A raw JPEG where zlib data should be: whatever the inflater makes of it is no JPEG.
        let err = decode(dict, halves_jpeg()).unwrap_err();
        assert!(matches!(&err, ImageError::Corrupt { page: 1, .. }), "{err}");
    }

    /// A `w` × `h` CMYK JPEG as Photoshop writes them (Adobe APP14, inverted samples) whose
    /// pixel (x, y) has the ink `f(x, y)`.
    fn cmyk_jpeg(w: u16, h: u16, ycck: bool, f: impl Fn(u16, u16) -> [u8; 4]) -> Vec<u8> {
        let mut pixels = Vec::new();
        for y in 0..h {
            for x in 0..w {
                pixels.extend(f(x, y));
            }
        }
        let mut out = Vec::new();
        let kind = if ycck {
            jpeg_encoder::ColorType::CmykAsYcck
        } else {
            jpeg_encoder::ColorType::Cmyk
        };
        jpeg_encoder::Encoder::new(&mut out, 95)
            .encode(&pixels, w, h, kind)
            .unwrap();
        out
    }

    #[test]
    fn cmyk_and_ycck_jpegs_read_through_their_decode_array() {
        // Left half black ink, right half none.
        let ink = |x: u16, _| if x < 8 { [0, 0, 0, 255] } else { [0; 4] };
        for ycck in [false, true] {
            let jpeg = cmyk_jpeg(16, 8, ycck, ink);
            let mut dict = dictionary! {
                "Width" => 16, "Height" => 8, "BitsPerComponent" => 8, "ColorSpace" => "DeviceCMYK",
                "Filter" => "DCTDecode",
                "Decode" => nums(&[1.0, 0.0, 1.0, 0.0, 1.0, 0.0, 1.0, 0.0]),
            };
            let img = decode(dict.clone(), jpeg.clone()).unwrap();
            assert!(is_halves(&img), "ycck {ycck}: {:?}", img.pixels);
            // Without the /Decode that says they are inverted, the samples are ink amounts:
            // the inkless right half reads as full ink.
            dict.remove(b"Decode");
            let inverted = decode(dict, jpeg).unwrap();
            assert!(
                inverted.pixels[15] < 40 && !is_halves(&inverted),
                "ycck {ycck}: {:?}",
                inverted.pixels
            );
        }
    }

    #[test]
    fn rgb_jpeg_with_an_icc_profile_and_a_decode_array() {
        let mut pixels = Vec::new();
        for _ in 0..8 {
            for x in 0..16u8 {
                pixels.extend(if x < 8 { [0, 0, 0] } else { [255, 255, 255] });
            }
        }
        let mut jpeg = Vec::new();
        jpeg_encoder::Encoder::new(&mut jpeg, 95)
            .encode(&pixels, 16, 8, jpeg_encoder::ColorType::Rgb)
            .unwrap();
        let (mut doc, _) = image_stream(dictionary! {}, vec![]);
        let icc = doc.add_object(Stream::new(dictionary! {"N" => 3}, vec![]));
        let mut dict = dictionary! {
            "Width" => 16, "Height" => 8, "BitsPerComponent" => 8, "Filter" => "DCTDecode",
            "ColorSpace" => vec![Object::Name(b"ICCBased".to_vec()), icc.into()],
        };
        let img = decode_image(
            &doc,
            &Stream::new(dict.clone(), jpeg.clone()),
            1,
            (9, 0),
            1 << 24,
        )
        .unwrap();
        assert!(is_halves(&img), "{:?}", img.pixels);
        dict.set("Decode", nums(&[1.0, 0.0, 1.0, 0.0, 1.0, 0.0]));
        let img = decode_image(&doc, &Stream::new(dict, jpeg), 1, (9, 0), 1 << 24).unwrap();
        assert!(
            img.pixels[0] > 215 && img.pixels[15] < 40,
            "{:?}",
            img.pixels
        );
    }

    #[test]
    fn samples_of_2_4_and_16_bits() {
        let gray = |bits: i64, data: Vec<u8>| {
            decode(
                dictionary! {"Width" => 4, "Height" => 1, "BitsPerComponent" => bits, "ColorSpace" => "DeviceGray"},
                data,
            )
            .unwrap()
            .pixels
        };
        assert_eq!(gray(2, vec![0b00_01_10_11]), [0, 85, 170, 255]);
        assert_eq!(gray(4, vec![0x0f, 0x80]), [0, 255, 136, 0]);
        assert_eq!(
            gray(16, vec![0, 0, 0xff, 0xff, 0x80, 0x01, 0x12, 0x34]),
            [0, 255, 128, 0x12]
        );
        let rgb16 = decode(
            dictionary! {"Width" => 1, "Height" => 1, "BitsPerComponent" => 16, "ColorSpace" => "DeviceRGB"},
            vec![0xff, 0xff, 0, 0, 0, 0],
        )
        .unwrap();
        assert_eq!(rgb16.pixels, [76]);
        // Near miss: 16-bit rows need two bytes a sample.
        let err = decode(
            dictionary! {"Width" => 4, "Height" => 1, "BitsPerComponent" => 16, "ColorSpace" => "DeviceGray"},
            vec![0; 7],
        )
        .unwrap_err();
        assert!(matches!(err, ImageError::Corrupt { .. }), "{err}");
        let err = decode(
            dictionary! {"Width" => 4, "Height" => 1, "BitsPerComponent" => 5, "ColorSpace" => "DeviceGray"},
            vec![0; 8],
        )
        .unwrap_err();
        assert!(matches!(err, ImageError::Unsupported { .. }), "{err}");
    }

    /// A doc holding an ICC profile stream with `dict`, and the colour space naming it.
    fn icc(doc: &mut Document, dict: Dictionary) -> Object {
        let id = doc.add_object(Stream::new(dict, vec![]));
        vec![Object::Name(b"ICCBased".to_vec()), id.into()].into()
    }

    #[test]
    fn icc_based_by_n_or_by_its_alternate() {
        let (mut doc, _) = image_stream(dictionary! {}, vec![]);
        let one = |doc: &Document, cs: Object, data: Vec<u8>| {
            let dict = dictionary! {"Width" => 1, "Height" => 1, "BitsPerComponent" => 8, "ColorSpace" => cs};
            decode_image(doc, &Stream::new(dict, data), 1, (9, 0), 1 << 24)
        };
        let gray = icc(&mut doc, dictionary! {"N" => 1});
        assert_eq!(one(&doc, gray, vec![77]).unwrap().pixels, [77]);
        let cmyk = icc(&mut doc, dictionary! {"N" => 4});
        assert_eq!(one(&doc, cmyk, vec![0, 0, 0, 255]).unwrap().pixels, [0]);
        let alternate = icc(&mut doc, dictionary! {"Alternate" => "DeviceRGB"});
        assert_eq!(one(&doc, alternate, vec![0, 0, 255]).unwrap().pixels, [29]);
        // Near miss: two components and nothing to fall back on.
        let odd = icc(&mut doc, dictionary! {"N" => 2});
        let err = one(&doc, odd, vec![0, 0]).unwrap_err();
        assert!(matches!(err, ImageError::Unsupported { .. }), "{err}");
    }

    #[test]
    fn separation_and_device_n_tints_are_ink() {
        let sep = Object::Array(vec![
            "Separation".into(),
            "Black".into(),
            "DeviceGray".into(),
            Object::Null,
        ]);
        let img = decode(
            dictionary! {"Width" => 3, "Height" => 1, "BitsPerComponent" => 8, "ColorSpace" => sep},
            vec![0, 255, 64],
        )
        .unwrap();
        assert_eq!(img.pixels, [255, 0, 191]);
        let device_n = Object::Array(vec![
            "DeviceN".into(),
            names(&["Spot1", "Spot2"]),
            "DeviceCMYK".into(),
            Object::Null,
        ]);
        let img = decode(
            dictionary! {"Width" => 2, "Height" => 1, "BitsPerComponent" => 8, "ColorSpace" => device_n},
            vec![0, 0, 10, 200],
        )
        .unwrap();
        assert_eq!(img.pixels, [255, 55]);
        // Near miss: a DeviceN without colorant names.
        let bad = Object::Array(vec![
            "DeviceN".into(),
            Object::Array(vec![]),
            "DeviceCMYK".into(),
        ]);
        let err = decode(
            dictionary! {"Width" => 1, "Height" => 1, "BitsPerComponent" => 8, "ColorSpace" => bad},
            vec![0],
        )
        .unwrap_err();
        assert!(matches!(err, ImageError::Unsupported { .. }), "{err}");
    }

    #[test]
    fn lab_is_its_lightness_and_cal_spaces_are_device_spaces() {
        let lab = Object::Array(vec![
            "Lab".into(),
            dictionary! {"WhitePoint" => nums(&[0.95, 1.0, 1.09]), "Range" => nums(&[-128.0, 127.0, -128.0, 127.0])}.into(),
        ]);
        let img = decode(
            dictionary! {"Width" => 3, "Height" => 1, "BitsPerComponent" => 8, "ColorSpace" => lab},
            vec![255, 0, 0, 0, 255, 255, 128, 128, 128],
        )
        .unwrap();
        assert_eq!(img.pixels, [255, 0, 128]);
        let cal_rgb = Object::Array(vec!["CalRGB".into(), dictionary! {}.into()]);
        let img = decode(
            dictionary! {"Width" => 1, "Height" => 1, "BitsPerComponent" => 8, "ColorSpace" => cal_rgb},
            vec![255, 0, 0],
        )
        .unwrap();
        assert_eq!(img.pixels, [76]);
        // Near miss: a pattern is no colour space for an image.
        let err = decode(
            dictionary! {"Width" => 1, "Height" => 1, "BitsPerComponent" => 8, "ColorSpace" => "Pattern"},
            vec![0],
        )
        .unwrap_err();
        assert!(matches!(err, ImageError::Unsupported { .. }), "{err}");
    }

    #[test]
    fn decode_arrays_map_each_component_into_its_range() {
        // Grey squeezed into 0.2–0.8.
        let img = decode(
            dictionary! {"Width" => 2, "Height" => 1, "BitsPerComponent" => 8, "ColorSpace" => "DeviceGray", "Decode" => nums(&[0.2, 0.8])},
            vec![0, 255],
        )
        .unwrap();
        assert_eq!(img.pixels, [51, 204]);
        // RGB with only blue inverted: (0, 0, 0) reads as blue.
        let img = decode(
            dictionary! {"Width" => 1, "Height" => 1, "BitsPerComponent" => 8, "ColorSpace" => "DeviceRGB", "Decode" => nums(&[0.0, 1.0, 0.0, 1.0, 1.0, 0.0])},
            vec![0, 0, 0],
        )
        .unwrap();
        assert_eq!(img.pixels, [29]);
        // Indexed: /Decode [1 0] at 1 bit swaps the two entries.
        let cs = Object::Array(vec![
            "Indexed".into(),
            "DeviceGray".into(),
            1.into(),
            Object::String(vec![10, 240], lopdf::StringFormat::Literal),
        ]);
        let img = decode(
            dictionary! {"Width" => 2, "Height" => 1, "BitsPerComponent" => 1, "ColorSpace" => cs, "Decode" => nums(&[1.0, 0.0])},
            vec![0b0100_0000],
        )
        .unwrap();
        assert_eq!(img.pixels, [240, 10]);
        // Near miss: a /Decode of the wrong length is ignored, as readers do.
        let img = decode(
            dictionary! {"Width" => 2, "Height" => 1, "BitsPerComponent" => 8, "ColorSpace" => "DeviceGray", "Decode" => nums(&[1.0, 0.0, 1.0])},
            vec![0, 255],
        )
        .unwrap();
        assert_eq!(img.pixels, [0, 255]);
    }

    #[test]
    fn image_masks_paint_their_zero_bits_or_with_decode_their_one_bits() {
        let mask = dictionary! {"Width" => 4, "Height" => 1, "ImageMask" => true};
        assert_eq!(
            decode(mask.clone(), vec![0b0011_0000]).unwrap().pixels,
            [0, 0, 255, 255]
        );
        let mut inverted = mask;
        inverted.set("Decode", vec![1.into(), 0.into()]);
        assert_eq!(
            decode(inverted, vec![0b0011_0000]).unwrap().pixels,
            [255, 255, 0, 0]
        );
    }

    #[test]
    fn samples_never_panic_on_short_or_odd_data() {
        let spaces = [
            Object::Name(b"DeviceGray".to_vec()),
            Object::Name(b"DeviceRGB".to_vec()),
            Object::Name(b"DeviceCMYK".to_vec()),
            Object::Array(vec!["Lab".into(), dictionary! {}.into()]),
            Object::Array(vec![
                "DeviceN".into(),
                names(&["A", "B", "C", "D", "E"]),
                "DeviceCMYK".into(),
                Object::Null,
            ]),
            Object::Array(vec![
                "Indexed".into(),
                "DeviceRGB".into(),
                200.into(),
                Object::String(vec![1, 2], lopdf::StringFormat::Literal),
            ]),
        ];
        for cs in spaces {
            for bits in [1, 2, 4, 8, 16] {
                for len in [0, 1, 3, 7, 40, 200] {
                    let data: Vec<u8> = (0..len).map(|i| (i * 37 % 256) as u8).collect();
                    let dict = dictionary! {
                        "Width" => 5, "Height" => 3, "BitsPerComponent" => bits, "ColorSpace" => cs.clone(),
                        "Decode" => nums(&[f64::from(bits), -3.0, 0.0, 1.0, 0.5, 0.5, 9.0, 1.0, 0.0, 0.0]),
                    };
                    let _ = decode(dict, data);
                }
            }
        }
    }

    // JPEG 2000 fixtures made with OpenJPEG's `opj_compress -n 3` (Debian's libopenjp2-tools
    // 2.5.0; lossless 5/3 wavelet, three resolutions) from a PGM/PPM written by a script: an
    // encoder independent of the decoder under test.
    /// 24 × 16 grey JP2 file: a black frame and a black bar at x 8–11, white elsewhere.
    const GRAY_JP2: &[u8] = &[
        0x00, 0x00, 0x00, 0x0c, 0x6a, 0x50, 0x20, 0x20, 0x0d, 0x0a, 0x87, 0x0a, 0x00, 0x00, 0x00,
        0x14, 0x66, 0x74, 0x79, 0x70, 0x6a, 0x70, 0x32, 0x20, 0x00, 0x00, 0x00, 0x00, 0x6a, 0x70,
        0x32, 0x20, 0x00, 0x00, 0x00, 0x2d, 0x6a, 0x70, 0x32, 0x68, 0x00, 0x00, 0x00, 0x16, 0x69,
        0x68, 0x64, 0x72, 0x00, 0x00, 0x00, 0x10, 0x00, 0x00, 0x00, 0x18, 0x00, 0x01, 0x07, 0x07,
        0x00, 0x00, 0x00, 0x00, 0x00, 0x0f, 0x63, 0x6f, 0x6c, 0x72, 0x01, 0x00, 0x00, 0x00, 0x00,
        0x00, 0x11, 0x00, 0x00, 0x01, 0x42, 0x6a, 0x70, 0x32, 0x63, 0xff, 0x4f, 0xff, 0x51, 0x00,
        0x29, 0x00, 0x00, 0x00, 0x00, 0x00, 0x18, 0x00, 0x00, 0x00, 0x10, 0x00, 0x00, 0x00, 0x00,
        0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x18, 0x00, 0x00, 0x00, 0x10, 0x00, 0x00, 0x00,
        0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x01, 0x07, 0x01, 0x01, 0xff, 0x52, 0x00, 0x0c, 0x00,
        0x00, 0x00, 0x01, 0x00, 0x02, 0x04, 0x04, 0x00, 0x01, 0xff, 0x5c, 0x00, 0x0a, 0x40, 0x40,
        0x48, 0x48, 0x50, 0x48, 0x48, 0x50, 0xff, 0x64, 0x00, 0x25, 0x00, 0x01, 0x43, 0x72, 0x65,
        0x61, 0x74, 0x65, 0x64, 0x20, 0x62, 0x79, 0x20, 0x4f, 0x70, 0x65, 0x6e, 0x4a, 0x50, 0x45,
        0x47, 0x20, 0x76, 0x65, 0x72, 0x73, 0x69, 0x6f, 0x6e, 0x20, 0x32, 0x2e, 0x35, 0x2e, 0x30,
        0xff, 0x90, 0x00, 0x0a, 0x00, 0x00, 0x00, 0x00, 0x00, 0xca, 0x00, 0x01, 0xff, 0x93, 0xdf,
        0x80, 0xe8, 0x16, 0x80, 0x86, 0xa3, 0x4a, 0x41, 0x74, 0x55, 0x94, 0x53, 0xe4, 0xe6, 0x18,
        0x2d, 0xc6, 0xa1, 0x6e, 0x47, 0x2c, 0x20, 0x0c, 0x4f, 0x68, 0xa5, 0x74, 0xb4, 0x0c, 0xeb,
        0xbf, 0xcf, 0xc0, 0x56, 0x7e, 0x02, 0x30, 0xfb, 0x43, 0x40, 0x0e, 0x38, 0xe1, 0x9c, 0x0f,
        0xfd, 0xbf, 0x39, 0x32, 0x2e, 0x84, 0x37, 0x41, 0x23, 0xa7, 0x93, 0x1d, 0x10, 0x6f, 0x53,
        0x3f, 0x17, 0xfb, 0x3e, 0x9d, 0x5a, 0x8c, 0x7b, 0x91, 0x6f, 0xdd, 0x25, 0xb8, 0x70, 0xd5,
        0xe2, 0x1c, 0x47, 0x14, 0x97, 0x55, 0xb0, 0xb4, 0xbe, 0xa2, 0x63, 0x76, 0xb3, 0xf1, 0xec,
        0x5f, 0xdf, 0x99, 0x35, 0xf9, 0x90, 0xc7, 0xe0, 0x22, 0x49, 0x66, 0xde, 0xc1, 0xd9, 0xbb,
        0x27, 0x44, 0x60, 0xf4, 0x68, 0x54, 0x49, 0x11, 0xf7, 0xdf, 0xf9, 0x68, 0x0a, 0xec, 0x4d,
        0xc1, 0x09, 0x66, 0x84, 0xc0, 0x2b, 0x96, 0x68, 0x49, 0x1a, 0x12, 0xcd, 0x08, 0xf6, 0xc2,
        0x59, 0xa0, 0x58, 0x0b, 0x0b, 0xad, 0x88, 0x5f, 0xed, 0x92, 0xdc, 0xd7, 0xf0, 0xc8, 0xf2,
        0x04, 0xe9, 0x45, 0x1c, 0x1e, 0x98, 0xdf, 0x7f, 0x79, 0x24, 0x40, 0x16, 0x50, 0x80, 0x16,
        0x50, 0x80, 0x16, 0x50, 0x7f, 0x4a, 0x98, 0x5e, 0xe1, 0x4d, 0x30, 0x4f, 0x92, 0x96, 0xb9,
        0x86, 0xf2, 0x28, 0xe1, 0xed, 0x3f, 0x1e, 0xff, 0xd9,
    ];
    /// The same picture as a bare RGB codestream (.j2k), the bar pure red.
    const RGB_J2K: &[u8] = &[
        0xff, 0x4f, 0xff, 0x51, 0x00, 0x2f, 0x00, 0x00, 0x00, 0x00, 0x00, 0x18, 0x00, 0x00, 0x00,
        0x10, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x18, 0x00, 0x00,
        0x00, 0x10, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x03, 0x07, 0x01, 0x01,
        0x07, 0x01, 0x01, 0x07, 0x01, 0x01, 0xff, 0x52, 0x00, 0x0c, 0x00, 0x00, 0x00, 0x01, 0x01,
        0x02, 0x04, 0x04, 0x00, 0x01, 0xff, 0x5c, 0x00, 0x0a, 0x40, 0x40, 0x48, 0x48, 0x50, 0x48,
        0x48, 0x50, 0xff, 0x64, 0x00, 0x25, 0x00, 0x01, 0x43, 0x72, 0x65, 0x61, 0x74, 0x65, 0x64,
        0x20, 0x62, 0x79, 0x20, 0x4f, 0x70, 0x65, 0x6e, 0x4a, 0x50, 0x45, 0x47, 0x20, 0x76, 0x65,
        0x72, 0x73, 0x69, 0x6f, 0x6e, 0x20, 0x32, 0x2e, 0x35, 0x2e, 0x30, 0xff, 0x90, 0x00, 0x0a,
        0x00, 0x00, 0x00, 0x00, 0x01, 0x3d, 0x00, 0x01, 0xff, 0x93, 0xdf, 0x80, 0xe0, 0x16, 0x80,
        0x86, 0xa3, 0x4a, 0x9c, 0xae, 0xf2, 0x74, 0x2f, 0x7d, 0x46, 0xe7, 0xcb, 0x7d, 0x2b, 0x16,
        0xef, 0x71, 0xa0, 0xe4, 0x9d, 0xc2, 0x38, 0xc3, 0x82, 0xb5, 0x37, 0x80, 0xff, 0x18, 0x80,
        0x1b, 0xce, 0x19, 0xb0, 0x19, 0x3b, 0xbb, 0x56, 0x27, 0xf8, 0x00, 0x60, 0xa3, 0xba, 0x1c,
        0x23, 0xcf, 0xc0, 0x56, 0x7e, 0x02, 0x10, 0xfb, 0x43, 0xc0, 0x0e, 0x40, 0x5b, 0xac, 0x5f,
        0x20, 0x4b, 0x18, 0x5c, 0xa1, 0xc5, 0xb0, 0x32, 0xde, 0x4b, 0x70, 0x9b, 0x88, 0x49, 0x89,
        0x4f, 0x17, 0xfb, 0x3e, 0x9d, 0x5a, 0x8c, 0x61, 0x68, 0x41, 0x49, 0x0a, 0xc5, 0xff, 0x51,
        0xa2, 0x83, 0x15, 0x4b, 0x10, 0x03, 0x68, 0xa3, 0x71, 0x1b, 0x0e, 0x11, 0xc6, 0x0b, 0x59,
        0x7a, 0x4d, 0x80, 0xcf, 0xc0, 0x3a, 0x3e, 0xd0, 0xb8, 0x7d, 0xa1, 0x20, 0x15, 0xcb, 0xb3,
        0xc0, 0x7b, 0x18, 0x0a, 0x4c, 0xb1, 0x70, 0x03, 0xb6, 0x6c, 0xeb, 0x1d, 0x28, 0x70, 0xd8,
        0x87, 0xaa, 0x26, 0x15, 0x7e, 0x9f, 0xa4, 0x17, 0x3d, 0x52, 0x2d, 0xf8, 0xd3, 0x53, 0x49,
        0xdf, 0xdf, 0x99, 0x0d, 0xf9, 0x90, 0xc7, 0xe0, 0x22, 0x49, 0x66, 0xde, 0xc2, 0x40, 0x36,
        0xfa, 0x3e, 0x77, 0xa7, 0x3c, 0x29, 0x3b, 0x52, 0xbb, 0x9d, 0x94, 0x5d, 0x0c, 0x2e, 0xbf,
        0x29, 0x1a, 0xc1, 0x02, 0x4e, 0x18, 0xa1, 0xf2, 0xcd, 0x6e, 0x13, 0x2a, 0x58, 0x0b, 0x0b,
        0xad, 0x88, 0x5f, 0xed, 0x92, 0xdc, 0xfa, 0x5e, 0x0e, 0x8a, 0x4b, 0xfc, 0x68, 0x5c, 0xc4,
        0x2a, 0x62, 0x6d, 0xd9, 0x0f, 0xa3, 0x52, 0x00, 0x49, 0x50, 0x35, 0x96, 0x78, 0xd3, 0x59,
        0x4a, 0xa8, 0x73, 0x0f, 0xdb, 0x44, 0xd1, 0x3a, 0xdd, 0x3d, 0x31, 0x76, 0xd3, 0xff, 0x64,
        0xfe, 0x3f, 0x80, 0xcf, 0xc0, 0x56, 0xfc, 0xc3, 0xe3, 0xf0, 0x0b, 0x20, 0x38, 0xe7, 0xf2,
        0xf8, 0x6b, 0xdc, 0x88, 0x7d, 0x0f, 0xc4, 0xa8, 0xc5, 0x73, 0x22, 0x93, 0x34, 0xc9, 0xc9,
        0x4b, 0x4f, 0x6c, 0xad, 0x33, 0x92, 0xea, 0x6e, 0x7e, 0x02, 0x84, 0x0f, 0x57, 0x16, 0x98,
        0x42, 0xef, 0x61, 0xb5, 0x42, 0xee, 0x76, 0x88, 0xa3, 0x32, 0xa4, 0x5f, 0x7f, 0xff, 0xd9,
    ];

    /// The fixtures' picture (true = black): a frame and a bar at x 8–11.
    fn jpx_picture(x: usize, y: usize) -> bool {
        y == 0 || y == 15 || x == 0 || x == 23 || (8..12).contains(&x)
    }

    #[test]
    fn jpeg_2000_grey_and_colour_decode_to_the_exact_pixels() {
        let dict = dictionary! {"Width" => 24, "Height" => 16, "Filter" => "JPXDecode"};
        let img = decode(dict.clone(), GRAY_JP2.to_vec()).unwrap();
        assert_eq!((img.width, img.height), (24, 16));
        for (i, &p) in img.pixels.iter().enumerate() {
            let want = if jpx_picture(i % 24, i / 24) { 0 } else { 255 };
            assert_eq!(p, want, "pixel {i}");
        }
        // The colour codestream, under Flate: red is its luma, the frame black.
        let mut dict = dict;
        dict.set("Filter", names(&["FlateDecode", "JPXDecode"]));
        let img = decode(dict, zlib(RGB_J2K)).unwrap();
        assert_eq!(img.pixels[0], 0);
        assert_eq!(img.pixels[24 + 9], 76);
        assert_eq!(img.pixels[24 + 2], 255);
    }

    #[test]
    fn jpeg_2000_over_the_memory_limit_is_read_at_a_lower_resolution_or_refused() {
        // 384 grey pixels take 5 376 bytes: over a limit of 2 000 the half resolution, 12 × 8,
        // fits.
        let img = decode_jpx(GRAY_JP2, 2_000).unwrap();
        assert_eq!((img.width, img.height), (12, 8));
        assert_eq!(img.pixels.len(), 96);
        assert!(
            img.pixels[0] < 40 && img.pixels[12 + 2] > 215,
            "{:?}",
            img.pixels
        );
        // Near miss: three resolutions stored, so a quarter (6 × 4) is the smallest there is.
        let err = decode_jpx(GRAY_JP2, 300).unwrap_err();
        assert!(err.starts_with("JPXDecode image:"), "{err}");
    }

    #[test]
    fn jpeg_2000_garbage_is_corrupt_and_never_panics() {
        let err = decode(
            dictionary! {"Width" => 24, "Height" => 16, "Filter" => "JPXDecode"},
            b"not a jpeg 2000 file".to_vec(),
        )
        .unwrap_err();
        assert!(
            matches!(&err, ImageError::Corrupt { reason, .. } if reason.starts_with("JPXDecode image:")),
            "{err}"
        );
        for source in [GRAY_JP2, RGB_J2K] {
            for cut in (0..source.len()).step_by(7) {
                let _ = decode_jpx(&source[..cut], JPX_MAX_DECODE_BYTES);
            }
            for i in (0..source.len()).step_by(5) {
                let mut garbled = source.to_vec();
                garbled[i] ^= 0x5a;
                if let Some(b) = garbled.get_mut(i + 40) {
                    *b = b.wrapping_add(91);
                }
                let _ = decode_jpx(&garbled, JPX_MAX_DECODE_BYTES);
            }
        }
    }
}
