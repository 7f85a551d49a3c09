//! `JBIG2Decode` (ISO 32000-2 §7.4.7): bitonal scans coded as JBIG2 (ITU-T T.88) in the
//! embedded organisation, with shared symbols in a `/JBIG2Globals` stream, decoded by
//! `hayro-jbig2`.
//!
//! The output is what the filter defines: packed 1-bit rows, 1 bits white and 0 bits black
//! (JBIG2 itself codes black as 1; the PDF filter inverts it, as pdf.js and poppler do).
//! Colour space and `/Decode` are left to [`super::image`].

use super::image::{MAX_IMAGE_PIXELS, MAX_IMAGE_SIDE};

/// Collects the decoder's pixels as packed rows of the filter's output.
struct PackedRows {
    width: usize,
    height: usize,
    row_len: usize,
    data: Vec<u8>,
    /// Pixels pushed into the current row.
    x: usize,
    /// Rows started.
    row: usize,
}

impl PackedRows {
    fn new(width: usize, height: usize) -> Self {
        let row_len = width.div_ceil(8);
        // All white; black pixels clear their bit.
        PackedRows {
            width,
            height,
            row_len,
            data: vec![0xff; row_len * height],
            x: 0,
            row: 0,
        }
    }

    fn put(&mut self, black: bool, count: usize) {
        if !black {
            self.x = self.x.saturating_add(count);
            return;
        }
        let start = self.row * self.row_len;
        for _ in 0..count {
            if self.x < self.width
                && self.row < self.height
                && let Some(byte) = self.data.get_mut(start + self.x / 8)
            {
                *byte &= !(0x80 >> (self.x % 8));
            }
            self.x += 1;
        }
    }
}

impl hayro_jbig2::Decoder for PackedRows {
    fn push_pixel(&mut self, black: bool) {
        self.put(black, 1);
    }

    fn push_pixel_chunk(&mut self, black: bool, chunk_count: u32) {
        self.put(black, (chunk_count as usize).saturating_mul(8));
    }

    fn next_line(&mut self) {
        self.row += 1;
        self.x = 0;
    }
}

/// Decodes an embedded JBIG2 stream (with its globals, when the image has them) to `height`
/// rows of `ceil(width / 8)` bytes, 0 bits black. The JBIG2 page's own size is checked
/// against the limits before anything is decoded; where it differs from the image
/// dictionary's, the dictionary's size is what the page paints, so the bitmap is cut or
/// padded with white.
pub fn decode(
    data: &[u8],
    globals: Option<&[u8]>,
    width: usize,
    height: usize,
) -> Result<Vec<u8>, String> {
    let settings = hayro_jbig2::DecodeSettings { strict: false };
    let globals = globals
        .map(|g| hayro_jbig2::Globals::new(g, &settings))
        .transpose()
        .map_err(|e| format!("JBIG2Globals: {e}"))?;
    let page = hayro_jbig2::Page::new_embedded(data, globals.as_ref(), &settings)
        .map_err(|e| format!("JBIG2: {e}"))?;
    let (w, h) = (page.width() as usize, page.height() as usize);
    if w > MAX_IMAGE_SIDE || h > MAX_IMAGE_SIDE || w.saturating_mul(h) > MAX_IMAGE_PIXELS {
        return Err(format!(
            "JBIG2 page {w} × {h} is over the limit ({MAX_IMAGE_SIDE} per side, {MAX_IMAGE_PIXELS} pixels)"
        ));
    }
    if (w, h) != (width, height) {
        tracing::debug!(
            w,
            h,
            width,
            height,
            "JBIG2 page size differs from the image dictionary"
        );
    }
    let mut rows = PackedRows::new(width, height);
    page.decode(&mut rows).map_err(|e| format!("JBIG2: {e}"))?;
    Ok(rows.data)
}

/// JBIG2 segments built by hand for tests: a page of one generic region coded with MMR
/// (T.88 §6.2.6: the region's data is T.6 Group 4), the one kind of region an independent
/// encoder (`fax`) can produce.
#[cfg(test)]
pub(crate) mod testing {
    /// One segment (T.88 §7.2): number, type, no referred-to segments, page association 1
    /// (0 for globals), data length, data.
    pub fn segment(number: u32, kind: u8, page: u8, data: &[u8]) -> Vec<u8> {
        let mut out = number.to_be_bytes().to_vec();
        out.push(kind);
        out.push(0);
        out.push(page);
        out.extend_from_slice(&u32::try_from(data.len()).unwrap().to_be_bytes());
        out.extend_from_slice(data);
        out
    }

    /// An embedded JBIG2 stream: page information (type 48) for `width` × `height`, then an
    /// immediate lossless generic region (type 39) over the whole page whose MMR data is
    /// `g4`, then end of page (49).
    pub fn mmr_page(width: u32, height: u32, g4: &[u8]) -> Vec<u8> {
        let mut info = Vec::new();
        info.extend_from_slice(&width.to_be_bytes());
        info.extend_from_slice(&height.to_be_bytes());
        info.extend_from_slice(&[0; 8]); // resolution unknown
        info.push(0); // flags: default pixel white, OR
        info.extend_from_slice(&[0, 0]); // not striped
        let mut region = Vec::new();
        region.extend_from_slice(&width.to_be_bytes());
        region.extend_from_slice(&height.to_be_bytes());
        region.extend_from_slice(&[0; 8]); // at (0, 0)
        region.push(0); // external combination: OR
        region.push(1); // generic region flags: MMR
        region.extend_from_slice(g4);
        let mut out = segment(0, 48, 1, &info);
        out.extend(segment(1, 39, 1, &region));
        out.extend(segment(2, 49, 1, &[]));
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    use crate::ocr::ccitt::encode_g4 as g4;

    fn picture() -> Vec<Vec<bool>> {
        (0..20)
            .map(|y| (0..24).map(|x| (x + y) % 7 == 0 || y == 10).collect())
            .collect()
    }

    #[test]
    fn an_mmr_generic_region_decodes_to_the_exact_pixels() {
        let rows = picture();
        let stream = testing::mmr_page(24, 20, &g4(&rows));
        let got = decode(&stream, None, 24, 20).unwrap();
        for (y, row) in rows.iter().enumerate() {
            for (x, &black) in row.iter().enumerate() {
                let bit = got[y * 3 + x / 8] >> (7 - x % 8) & 1;
                assert_eq!(bit == 0, black, "pixel ({x}, {y})");
            }
        }
    }

    #[test]
    fn globals_are_read_and_broken_globals_are_named() {
        let rows = picture();
        let stream = testing::mmr_page(24, 20, &g4(&rows));
        // Globals without segments: nothing shared, the page decodes as before.
        assert_eq!(
            decode(&stream, Some(&[]), 24, 20).unwrap(),
            decode(&stream, None, 24, 20).unwrap()
        );
        // A global symbol dictionary (type 0) that claims 2^32 - 1 new symbols in 8 bytes:
        // flags, template AT pixels, then the two symbol counts.
        let mut data = vec![0; 10];
        data.extend_from_slice(&[0xff; 8]);
        data.extend_from_slice(&[0; 8]);
        let broken = testing::segment(0, 0, 0, &data);
        let err = decode(&stream, Some(&broken), 24, 20).unwrap_err();
        assert!(err.starts_with("JBIG2Globals"), "{err}");
    }

    #[test]
    fn a_page_over_the_limit_is_refused_before_decoding() {
        let stream = testing::mmr_page(30_000, 30_000, &[0]);
        let err = decode(&stream, None, 100, 100).unwrap_err();
        assert!(err.contains("over the limit"), "{err}");
        assert!(decode(b"garbage", None, 8, 8).is_err());
    }
}
