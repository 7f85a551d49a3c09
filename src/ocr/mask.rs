//! What of an image shows on the page: its soft mask, stencil mask or colour-key mask
//! (ISO 32000-2 §8.9.6, §11.6.5.3) as an opacity per pixel, and the image over white paper.
//!
//! A scan's text is often an image whose mask carries the shapes: a black (or dark) image
//! with a `/SMask` or a stencil `/Mask` in the letters' form, over a background image or
//! nothing. Painted opaque it is a dark rectangle; OCR needs the letters. So the image is
//! decoded with its mask and [`super::compose`] paints it with the mask's opacity over what is
//! below, which on a scanned page is white paper or the scan's background.
//!
//! - `/SMask`: a greyscale image XObject, decoded as one (its `/Decode` applied); its samples
//!   are the opacity (0 transparent, 255 opaque). At another resolution than the image, the
//!   two are brought to the finer of their sizes on each axis (nearest neighbour): a coarse
//!   colour layer under a sharp mask keeps the mask's letters. It overrides `/Mask`. Its
//!   `/Matte` (pre-multiplied colours) is not undone: for a black-text image it changes
//!   nothing.
//! - `/Mask` as a stream: a stencil mask, 1 bit a pixel, where a sample of 1 masks the image
//!   out (0 with `/Decode [1 0]`); sized like a soft mask.
//! - `/Mask` as an array: a colour key, a `[min max]` pair of raw samples per component; a
//!   pixel whose every component lies in its range is masked out. Read from the samples before
//!   `/Decode`, so [`super::image`] computes it ([`ColourKey::opacity`]); not for DCT and JPEG
//!   2000 images, whose lossy samples it would match by chance.
//!
//! A mask that does not decode fails the image ([`ImageError::Mask`]): without it the image
//! would paint over the text it frames.

use lopdf::{Document, Object, ObjectId, Stream};

use super::image::{self, GrayImage, ImageError, MAX_IMAGE_PIXELS, MAX_IMAGE_SIDE};
use crate::pdf::object::{deref, number};

/// An image's grey samples and, when a mask hides some of it, each pixel's opacity (same size,
/// 0 transparent to 255 opaque).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Masked {
    /// The image's own samples.
    pub image: GrayImage,
    /// Opacity per pixel; `None` when the image is opaque.
    pub opacity: Option<Vec<u8>>,
}

impl Masked {
    /// The image as it shows over white paper.
    pub fn over_white(self) -> GrayImage {
        let Masked { mut image, opacity } = self;
        if let Some(opacity) = opacity {
            for (pixel, &alpha) in image.pixels.iter_mut().zip(&opacity) {
                *pixel = blend(*pixel, 255, alpha);
            }
        }
        image
    }
}

/// `over` painted with opacity `alpha` on `under`.
pub fn blend(over: u8, under: u8, alpha: u8) -> u8 {
    let (o, u, a) = (u32::from(over), u32::from(under), u32::from(alpha));
    // At most 255 · 255 + 127 over 255: fits a byte.
    ((o * a + u * (255 - a) + 127) / 255) as u8
}

/// Decodes image XObject `stream` (object `object` of page `page`) with its mask, if any.
pub fn decode(
    doc: &Document,
    stream: &Stream,
    page: usize,
    object: ObjectId,
    max_stream_bytes: usize,
) -> Result<Masked, ImageError> {
    let (image, key) = image::decode_keyed(doc, stream, page, object, max_stream_bytes)?;
    // A stencil mask is itself a mask: it paints its ink only, and may have no other.
    if image::is_image_mask(&stream.dict) {
        return Ok(Masked {
            image,
            opacity: None,
        });
    }
    let opacity = match mask_stream(doc, stream) {
        Some((mask, soft)) => {
            let id = match stream.dict.get(if soft { b"SMask" } else { b"Mask" }) {
                Ok(Object::Reference(id)) => *id,
                _ => object,
            };
            let grey =
                image::decode_image(doc, mask, page, id, max_stream_bytes).map_err(|source| {
                    ImageError::Mask {
                        page,
                        object,
                        cause: Box::new(source),
                    }
                })?;
            let (width, height) = finer((image.width, image.height), (grey.width, grey.height));
            let mut opacity = scaled(&grey, width, height);
            // A stencil mask read as grey is black where it lets the image through.
            if !soft {
                opacity.iter_mut().for_each(|a| *a = 255 - *a);
            }
            let image = if (image.width, image.height) == (width, height) {
                image
            } else {
                GrayImage {
                    pixels: scaled(&image, width, height),
                    width,
                    height,
                }
            };
            return Ok(Masked {
                image,
                opacity: Some(opacity),
            });
        }
        None => key,
    };
    Ok(Masked { image, opacity })
}

/// The size an image of `image` pixels and its mask of `mask` pixels are blended at: the
/// larger of the two on each axis, or the image's when that would be over
/// [`MAX_IMAGE_PIXELS`].
fn finer(image: (usize, usize), mask: (usize, usize)) -> (usize, usize) {
    let size = (image.0.max(mask.0), image.1.max(mask.1));
    if size.0 <= MAX_IMAGE_SIDE
        && size.1 <= MAX_IMAGE_SIDE
        && size.0.saturating_mul(size.1) <= MAX_IMAGE_PIXELS
    {
        size
    } else {
        image
    }
}

/// The declared size of the image as it is blended with its mask ([`finer`]): what sets its
/// resolution on the page.
pub fn declared_size(doc: &Document, stream: &Stream) -> (usize, usize) {
    let size = image::declared_size(doc, &stream.dict);
    if image::is_image_mask(&stream.dict) {
        return size;
    }
    match mask_stream(doc, stream) {
        Some((mask, _)) => finer(size, image::declared_size(doc, &mask.dict)),
        None => size,
    }
}

/// The image's mask stream, and true when it is a soft mask: `/SMask` when it is a stream (it
/// overrides `/Mask`), else `/Mask` when it is a stream.
fn mask_stream<'d>(doc: &'d Document, stream: &'d Stream) -> Option<(&'d Stream, bool)> {
    let get = |key: &[u8]| match stream.dict.get(key).ok().and_then(|o| deref(doc, o)) {
        Some(Object::Stream(s)) => Some(s),
        _ => None,
    };
    get(b"SMask")
        .map(|s| (s, true))
        .or_else(|| get(b"Mask").map(|s| (s, false)))
}

/// Bytes decoding the image's mask may hold beyond the image's own decoding: the mask's
/// decoding, the opacity and the image brought to the mask's size (a byte a pixel each).
pub fn extra_cost(doc: &Document, stream: &Stream) -> usize {
    let (w, h) = declared_size(doc, stream);
    let pixels = w
        .min(MAX_IMAGE_SIDE)
        .saturating_mul(h.min(MAX_IMAGE_SIDE))
        .min(MAX_IMAGE_PIXELS);
    match mask_stream(doc, stream) {
        Some((mask, _)) => image::decode_cost(doc, mask).saturating_add(pixels.saturating_mul(2)),
        None if matches!(stream.dict.get(b"Mask"), Ok(Object::Array(_))) => pixels,
        None => 0,
    }
}

/// `mask`'s samples at `width` × `height` (nearest neighbour, sampled at pixel centres).
fn scaled(mask: &GrayImage, width: usize, height: usize) -> Vec<u8> {
    if (mask.width, mask.height) == (width, height) {
        return mask.pixels.clone();
    }
    let index = |i: usize, to: usize, from: usize| {
        // (2i + 1) · from / (2 · to): the source pixel under the centre of pixel i.
        let centre = (2 * i as u128 + 1) * from as u128 / (2 * to.max(1) as u128);
        (centre as usize).min(from.saturating_sub(1))
    };
    let columns: Vec<usize> = (0..width).map(|x| index(x, width, mask.width)).collect();
    let mut out = Vec::with_capacity(width.saturating_mul(height));
    for y in 0..height {
        let row = index(y, height, mask.height) * mask.width;
        // A mask with no pixels hides nothing.
        out.extend(
            columns
                .iter()
                .map(|&x| mask.pixels.get(row + x).copied().unwrap_or(255)),
        );
    }
    out
}

/// A colour-key mask (`/Mask [min0 max0 min1 max1 …]`): the ranges of raw samples, one per
/// component, that mask a pixel out.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ColourKey {
    ranges: Vec<(u32, u32)>,
    bits: u32,
}

impl ColourKey {
    /// The key in `dict`'s `/Mask`, for samples of `components` components of `bits` bits;
    /// `None` when there is none or it is not two integers per component.
    pub fn from_dict(
        doc: &Document,
        dict: &lopdf::Dictionary,
        components: usize,
        bits: u32,
    ) -> Option<ColourKey> {
        let Some(Object::Array(values)) = dict.get(b"Mask").ok().and_then(|o| deref(doc, o)) else {
            return None;
        };
        if components == 0 || values.len() != components.checked_mul(2)? {
            return None;
        }
        let max = (1u32 << bits.min(16)) - 1;
        let raw: Vec<u32> = values
            .iter()
            .filter_map(|o| deref(doc, o).and_then(number))
            .filter(|v| v.is_finite())
            // A range beyond the samples' own is cut to them.
            .map(|v| v.round().clamp(0.0, f64::from(max)) as u32)
            .collect();
        if raw.len() != values.len() {
            return None;
        }
        let ranges = raw.chunks_exact(2).map(|r| (r[0], r[1])).collect();
        Some(ColourKey { ranges, bits })
    }

    /// Each pixel's opacity for samples `data` of a `width` × `height` image (rows start on
    /// byte boundaries): 0 where every component is in its range, else 255. `None` when no
    /// pixel is masked (nothing to paint differently) or `data` is too short.
    pub fn opacity(&self, data: &[u8], width: usize, height: usize) -> Option<Vec<u8>> {
        let n = self.ranges.len();
        let bits = self.bits as usize;
        let row_len = width.checked_mul(n)?.checked_mul(bits)?.div_ceil(8);
        let data = data.get(..row_len.checked_mul(height)?)?;
        if row_len == 0 {
            return None;
        }
        let mut out = Vec::with_capacity(width.checked_mul(height)?);
        let mut any = false;
        for row in data.chunks_exact(row_len) {
            for x in 0..width {
                let keyed = self.ranges.iter().enumerate().all(|(c, &(lo, hi))| {
                    let v = raw_sample(row, x * n + c, self.bits);
                    lo <= v && v <= hi
                });
                any |= keyed;
                out.push(if keyed { 0 } else { 255 });
            }
        }
        any.then_some(out)
    }
}

/// Sample number `index` of a row of `bits`-bit samples, as written (16 bits whole); 0 past
/// the row's end.
fn raw_sample(row: &[u8], index: usize, bits: u32) -> u32 {
    let byte = |i: usize| u32::from(row.get(i).copied().unwrap_or(0));
    match bits {
        8 => byte(index),
        16 => (byte(index * 2) << 8) | byte(index * 2 + 1),
        1 | 2 | 4 => {
            let bits = bits as usize;
            let at = index * bits;
            (byte(at / 8) >> (8 - bits - at % 8)) & ((1 << bits) - 1)
        }
        _ => 0,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use lopdf::{Dictionary, dictionary};

    fn gray_dict(w: i64, h: i64, bits: i64) -> Dictionary {
        dictionary! {
            "Type" => "XObject", "Subtype" => "Image", "Width" => w, "Height" => h,
            "BitsPerComponent" => bits, "ColorSpace" => "DeviceGray",
        }
    }

    /// A 4 × 2 black image (every sample 0) with `key` set to `value`.
    fn black_with(key: &str, value: Object) -> Stream {
        let mut dict = gray_dict(4, 2, 8);
        dict.set(key, value);
        Stream::new(dict, vec![0; 8])
    }

    fn decoded(doc: &Document, image: &Stream) -> Result<GrayImage, ImageError> {
        decode(doc, image, 1, (1, 0), 1 << 20).map(Masked::over_white)
    }

    #[test]
    fn a_black_image_with_a_soft_mask_is_its_letters_on_white() {
        let mut doc = Document::with_version("1.7");
        // The mask at half the resolution: 2 × 1, opaque left, clear right.
        let smask = doc.add_object(Stream::new(gray_dict(2, 1, 8), vec![255, 0]));
        let image = black_with("SMask", Object::Reference(smask));
        let img = decoded(&doc, &image).unwrap();
        assert_eq!(img.pixels, [0, 0, 255, 255, 0, 0, 255, 255]);
        // A finer mask over a 1 × 1 image: blended at the mask's size, which sets the
        // image's resolution too.
        let fine = doc.add_object(Stream::new(
            gray_dict(3, 2, 8),
            vec![255, 0, 255, 0, 255, 0],
        ));
        let mut one = Stream::new(gray_dict(1, 1, 8), vec![0]);
        one.dict.set("SMask", Object::Reference(fine));
        assert_eq!(declared_size(&doc, &one), (3, 2));
        let img = decoded(&doc, &one).unwrap();
        assert_eq!((img.width, img.height), (3, 2));
        assert_eq!(img.pixels, [0, 255, 0, 255, 0, 255]);
        // Half opaque: mid-grey.
        let smask = doc.add_object(Stream::new(gray_dict(1, 1, 8), vec![128]));
        let image = black_with("SMask", Object::Reference(smask));
        assert!(
            decoded(&doc, &image)
                .unwrap()
                .pixels
                .iter()
                .all(|&p| p == 127)
        );
        // Near miss: a soft mask that is opaque everywhere covers nothing.
        let smask = doc.add_object(Stream::new(gray_dict(4, 2, 8), vec![255; 8]));
        let image = black_with("SMask", Object::Reference(smask));
        assert_eq!(decoded(&doc, &image).unwrap().pixels, [0; 8]);
        // The soft mask overrides /Mask.
        let mut image = black_with("SMask", Object::Reference(smask));
        image.dict.set("Mask", vec![0.into(), 255.into()]);
        assert_eq!(decoded(&doc, &image).unwrap().pixels, [0; 8]);
    }

    #[test]
    fn a_stencil_mask_hides_where_its_samples_are_one() {
        let mut doc = Document::with_version("1.7");
        // 4 × 2, one bit: 1010 over 0000. Ones hide the image.
        let stencil = || {
            Stream::new(
                dictionary! {"Type" => "XObject", "Subtype" => "Image", "Width" => 4, "Height" => 2, "ImageMask" => true},
                vec![0b1010_0000, 0],
            )
        };
        let id = doc.add_object(stencil());
        let image = black_with("Mask", Object::Reference(id));
        assert_eq!(
            decoded(&doc, &image).unwrap().pixels,
            [255, 0, 255, 0, 0, 0, 0, 0]
        );
        // With /Decode [1 0] the zeros hide it.
        let mut inverted = stencil();
        inverted.dict.set("Decode", vec![1.into(), 0.into()]);
        let id = doc.add_object(inverted);
        let image = black_with("Mask", Object::Reference(id));
        assert_eq!(
            decoded(&doc, &image).unwrap().pixels,
            [0, 255, 0, 255, 255, 255, 255, 255]
        );
    }

    #[test]
    fn a_colour_key_hides_the_samples_in_its_ranges() {
        let doc = Document::with_version("1.7");
        // 2 × 1 RGB: a white pixel and a red one; the key hides the white.
        let mut dict = gray_dict(2, 1, 8);
        dict.set("ColorSpace", "DeviceRGB");
        dict.set(
            "Mask",
            vec![
                250.into(),
                255.into(),
                250.into(),
                255.into(),
                250.into(),
                255.into(),
            ],
        );
        let image = Stream::new(dict.clone(), vec![255, 255, 255, 255, 0, 0]);
        let masked = decode(&doc, &image, 1, (1, 0), 1 << 20).unwrap();
        assert_eq!(masked.opacity.as_deref(), Some(&[0, 255][..]));
        // A key on a 1-bit image sees raw samples, before /Decode: the zeros are hidden,
        // though /Decode [1 0] makes them white and the ones black.
        let mut bits = gray_dict(8, 1, 1);
        bits.set("Mask", vec![0.into(), 0.into()]);
        bits.set("Decode", vec![1.into(), 0.into()]);
        let image = Stream::new(bits, vec![0b1111_0000]);
        let masked = decode(&doc, &image, 1, (1, 0), 1 << 20).unwrap();
        assert_eq!(masked.image.pixels, [0, 0, 0, 0, 255, 255, 255, 255]);
        assert_eq!(
            masked.opacity.as_deref(),
            Some(&[255, 255, 255, 255, 0, 0, 0, 0][..])
        );
        // Near misses: a key that covers nothing, and one of the wrong length, leave the
        // image opaque.
        for mask in [
            vec![
                0.into(),
                10.into(),
                0.into(),
                10.into(),
                0.into(),
                10.into(),
            ],
            vec![0.into(), 255.into()],
        ] {
            dict.set("Mask", mask);
            let image = Stream::new(dict.clone(), vec![255, 255, 255, 255, 0, 0]);
            let masked = decode(&doc, &image, 1, (1, 0), 1 << 20).unwrap();
            assert_eq!(masked.opacity, None);
        }
    }

    #[test]
    fn sixteen_bit_keys_compare_whole_samples() {
        let key = ColourKey {
            ranges: vec![(0x0100, 0x01ff)],
            bits: 16,
        };
        assert_eq!(
            key.opacity(&[0x01, 0x80, 0x02, 0x00], 2, 1),
            Some(vec![0, 255])
        );
    }

    #[test]
    fn a_broken_mask_fails_the_image_and_odd_masks_never_panic() {
        let mut doc = Document::with_version("1.7");
        let broken = doc.add_object(Stream::new(
            dictionary! {"Subtype" => "Image", "Width" => 4, "Height" => 2, "BitsPerComponent" => 8, "ColorSpace" => "DeviceGray", "Filter" => "DCTDecode"},
            b"no jpeg".to_vec(),
        ));
        let image = black_with("SMask", Object::Reference(broken));
        let err = decoded(&doc, &image).unwrap_err();
        assert!(matches!(err, ImageError::Mask { page: 1, .. }), "{err}");
        assert!(err.to_string().contains("mask"), "{err}");
        // A mask too short for its size, an empty one, a mask that is a number: an error or
        // no mask, never a panic.
        for mask in [
            Object::Reference(doc.add_object(Stream::new(gray_dict(4, 2, 8), vec![1]))),
            Object::Reference(doc.add_object(Stream::new(gray_dict(0, 0, 8), vec![]))),
            Object::Integer(3),
            Object::Reference((999, 0)),
        ] {
            for key in ["SMask", "Mask"] {
                let image = black_with(key, mask.clone());
                let _ = decoded(&doc, &image);
            }
        }
        assert_eq!(
            scaled(
                &GrayImage {
                    width: 0,
                    height: 0,
                    pixels: vec![]
                },
                3,
                2
            ),
            [255; 6]
        );
    }

    #[test]
    fn blending_over_white_and_under_a_scale() {
        assert_eq!(blend(0, 255, 255), 0);
        assert_eq!(blend(0, 255, 0), 255);
        assert_eq!(blend(100, 200, 255), 100);
        assert_eq!(blend(255, 0, 255), 255);
        let mask = GrayImage {
            width: 2,
            height: 2,
            pixels: vec![1, 2, 3, 4],
        };
        // One row: the lower of the two is under its centre.
        assert_eq!(scaled(&mask, 4, 1), [3, 3, 4, 4]);
        assert_eq!(scaled(&mask, 2, 4), [1, 2, 1, 2, 3, 4, 3, 4]);
        assert_eq!(scaled(&mask, 1, 1), [4]);
    }
}
