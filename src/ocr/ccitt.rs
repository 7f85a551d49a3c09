//! `CCITTFaxDecode` (ISO 32000-2 §7.4.6): the Group 3 and Group 4 fax coding that scanners use
//! for bitonal pages, decoded by `hayro-ccitt` (ITU-T T.4 / T.6).
//!
//! This module owns the filter's parameters (Table 12: `/K`, `/Columns`, `/Rows`,
//! `/EndOfLine`, `/EncodedByteAlign`, `/EndOfBlock`, `/BlackIs1`) and turns the decoder's rows
//! into what the filter outputs: packed 1-bit rows where, as the filter defines, a 0 bit is
//! black unless `/BlackIs1` is true. What those samples mean (colour space, `/Decode`, image
//! mask) is left to [`super::image`], as for every other filter.

use lopdf::{Dictionary, Document, Object};

use super::image::{MAX_IMAGE_PIXELS, MAX_IMAGE_SIDE};

/// The default `/Columns` (ISO 32000-2 Table 12): a fax line.
const DEFAULT_COLUMNS: i64 = 1728;

/// The `CCITTFaxDecode` parameters of one image.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CcittParams {
    /// `/K`: < 0 pure two-dimensional (Group 4), 0 one-dimensional (Group 3 MH), > 0 mixed
    /// (Group 3 MR).
    pub k: i64,
    /// `/Columns`: pixels per row.
    pub columns: u32,
    /// `/Rows`: rows in the image, 0 when unknown.
    pub rows: u32,
    /// `/EndOfLine`: rows begin with EOL codes.
    pub end_of_line: bool,
    /// `/EncodedByteAlign`: each row (G3) or the data (G4) starts on a byte boundary.
    pub encoded_byte_align: bool,
    /// `/EndOfBlock`: the data ends with an end-of-block code.
    pub end_of_block: bool,
    /// `/BlackIs1`: black pixels are 1 bits in the output (the default is 0 bits).
    pub black_is_1: bool,
}

impl CcittParams {
    /// The parameters from a `/DecodeParms` dictionary (`None`: all defaults). A missing
    /// `/Columns` takes `width`, the image's own: the spec's default of 1728 fits fax lines,
    /// not scans, and every reader that opens such files (pdf.js, poppler) does the same.
    pub fn from_dict(doc: &Document, parms: Option<&Dictionary>, width: u32) -> Self {
        let int = |key: &[u8]| {
            parms
                .and_then(|d| d.get(key).ok())
                .and_then(|o| resolve(doc, o))
                .and_then(|o| o.as_i64().ok())
        };
        let flag = |key: &[u8], default: bool| {
            parms
                .and_then(|d| d.get(key).ok())
                .and_then(|o| resolve(doc, o))
                .and_then(|o| o.as_bool().ok())
                .unwrap_or(default)
        };
        let columns = match int(b"Columns") {
            Some(c) => u32::try_from(c).unwrap_or(0),
            None if width > 0 => width,
            None => DEFAULT_COLUMNS as u32,
        };
        CcittParams {
            k: int(b"K").unwrap_or(0),
            columns,
            rows: int(b"Rows")
                .and_then(|r| u32::try_from(r).ok())
                .unwrap_or(0),
            end_of_line: flag(b"EndOfLine", false),
            encoded_byte_align: flag(b"EncodedByteAlign", false),
            end_of_block: flag(b"EndOfBlock", true),
            black_is_1: flag(b"BlackIs1", false),
        }
    }

    fn encoding(&self) -> hayro_ccitt::EncodingMode {
        use hayro_ccitt::EncodingMode;
        match self.k {
            k if k < 0 => EncodingMode::Group4,
            0 => EncodingMode::Group3_1D,
            _ => EncodingMode::Group3_2D,
        }
    }
}

fn resolve<'a>(doc: &'a Document, o: &'a Object) -> Option<&'a Object> {
    match o {
        Object::Reference(id) => doc.get_object(*id).ok(),
        o => Some(o),
    }
}

/// Collects decoded rows as packed bits, `width` pixels and `height` rows at most.
struct PackedRows {
    width: usize,
    height: usize,
    row_len: usize,
    /// The bit a black pixel gets.
    black_bit: bool,
    data: Vec<u8>,
    rows: usize,
}

impl PackedRows {
    fn new(width: usize, height: usize, black_is_1: bool) -> Self {
        let row_len = width.div_ceil(8);
        PackedRows {
            width,
            height,
            row_len,
            black_bit: black_is_1,
            data: Vec::with_capacity(row_len.saturating_mul(height)),
            rows: 0,
        }
    }

    fn white_byte(&self) -> u8 {
        if self.black_bit { 0x00 } else { 0xff }
    }

    fn set_black(row: &mut [u8], from: usize, to: usize, black_bit: bool) {
        for x in from..to {
            // x < width ≤ row.len() * 8 by the callers' clamping.
            if let Some(byte) = row.get_mut(x / 8) {
                let mask = 0x80 >> (x % 8);
                if black_bit {
                    *byte |= mask;
                } else {
                    *byte &= !mask;
                }
            }
        }
    }

    /// The packed rows, padded with white rows up to `height` (a stream may end early, e.g.
    /// at an end-of-block code when `/Rows` was not given).
    fn finish(mut self) -> (Vec<u8>, usize) {
        let decoded = self.rows;
        let white = self.white_byte();
        self.data.resize(self.row_len * self.height, white);
        (self.data, decoded)
    }
}

impl hayro_ccitt::Decoder for PackedRows {
    fn push_row(&mut self, changes: &[u32]) {
        if self.rows >= self.height {
            return;
        }
        let start = self.data.len();
        let white = self.white_byte();
        self.data.resize(start + self.row_len, white);
        let row = &mut self.data[start..];
        // Each row starts white; changes alternate to black and back (hayro-ccitt's contract),
        // and an odd count leaves the row black to its end.
        for pair in changes.chunks(2) {
            let from = pair.first().map_or(0, |&c| c as usize).min(self.width);
            let to = pair
                .get(1)
                .map_or(self.width, |&c| c as usize)
                .min(self.width);
            Self::set_black(row, from, to, self.black_bit);
        }
        self.rows += 1;
    }
}

/// Decodes CCITT data to the filter's output: `height` rows of `ceil(width / 8)` bytes, a 0
/// bit black unless `/BlackIs1`. Rows past `height` are ignored and missing rows are white;
/// columns past `width` are cut (the image dictionary's size is what the page paints).
pub fn decode(
    data: &[u8],
    params: &CcittParams,
    width: usize,
    height: usize,
) -> Result<Vec<u8>, String> {
    let columns = usize::try_from(params.columns).unwrap_or(usize::MAX);
    if params.columns == 0 || columns > MAX_IMAGE_SIDE || width > MAX_IMAGE_SIDE {
        return Err(format!(
            "CCITT /Columns {} is empty or over the limit of {MAX_IMAGE_SIDE}",
            params.columns
        ));
    }
    if width.saturating_mul(height) > MAX_IMAGE_PIXELS {
        return Err(format!("CCITT image {width} × {height} is over the limit"));
    }
    // Never decode more rows than the image has: the decoder stops there, so a stream that
    // claims more (or has no end) costs no more than the declared image.
    let wanted = match params.rows {
        0 => height,
        r => (r as usize).min(height),
    };
    let settings = hayro_ccitt::DecodeSettings {
        columns: params.columns,
        rows: u32::try_from(wanted).unwrap_or(u32::MAX),
        end_of_block: params.end_of_block,
        end_of_line: params.end_of_line,
        rows_are_byte_aligned: params.encoded_byte_align,
        encoding: params.encoding(),
        // Scanners' streams are often slightly damaged; a readable page beats a refused one,
        // and what was not decoded is reported below.
        strict: false,
    };
    let mut rows = PackedRows::new(width.min(columns), height, params.black_is_1);
    let mut context = hayro_ccitt::DecoderContext::new(settings);
    let result = hayro_ccitt::decode(data, &mut rows, &mut context);
    let decoded = rows.rows;
    let (packed, _) = rows.finish();
    match result {
        Ok(_) if decoded > 0 => {}
        Ok(_) => return Err("CCITT data decoded to no rows".into()),
        // Rows decoded before the damage are kept only when most of the page is there: a
        // stream broken in its first half is reported, not OCRed as a blank page.
        Err(e) if decoded * 2 >= wanted => {
            tracing::debug!(%e, decoded, wanted, "CCITT data damaged after most rows");
        }
        Err(e) => {
            return Err(format!(
                "CCITT ({:?}) data: {e} after {decoded} of {wanted} rows",
                params.encoding()
            ));
        }
    }
    if width <= columns {
        return Ok(packed);
    }
    // The image is wider than the coded rows: repack each row into the wider one, white
    // beyond the coded columns.
    let (narrow, wide) = (columns.div_ceil(8), width.div_ceil(8));
    let white = if params.black_is_1 { 0x00 } else { 0xff };
    let mut out = vec![white; wide * height];
    for (src, dst) in packed.chunks_exact(narrow).zip(out.chunks_exact_mut(wide)) {
        dst[..narrow].copy_from_slice(src);
        // The bits after `columns` in the last coded byte are padding: make them white.
        if columns % 8 != 0 {
            let keep = 0xffu8 << (8 - columns % 8);
            let last = &mut dst[narrow - 1];
            *last = (*last & keep) | (white & !keep);
        }
    }
    Ok(out)
}

/// `rows` (true = black) coded as CCITT Group 4 by the `fax` crate: an encoder independent of
/// the decoder under test, shared by the image tests.
#[cfg(test)]
pub(crate) fn encode_g4(rows: &[Vec<bool>]) -> Vec<u8> {
    let width = rows[0].len() as u32;
    let mut encoder = fax::encoder::Encoder::new(fax::VecWriter::new());
    for row in rows {
        let pels = row.iter().map(|&b| {
            if b {
                fax::Color::Black
            } else {
                fax::Color::White
            }
        });
        encoder.encode_line(pels, width).unwrap();
    }
    encoder.finish().unwrap().finish()
}

#[cfg(test)]
mod tests {
    use super::*;
    use lopdf::dictionary;

    /// Bits written most significant first, as T.4 codes are.
    #[derive(Default)]
    struct Bits {
        out: Vec<u8>,
        used: u8,
    }

    impl Bits {
        fn push(&mut self, code: &str) {
            for c in code.chars() {
                if self.used == 0 {
                    self.out.push(0);
                }
                if c == '1' {
                    let last = self.out.len() - 1;
                    self.out[last] |= 0x80 >> self.used;
                }
                self.used = (self.used + 1) % 8;
            }
        }
        fn align(&mut self) {
            self.used = 0;
        }
    }

    /// T.4 Table 2 terminating codes for runs 0–8, enough for 8-pixel test rows.
    const WHITE: [&str; 9] = [
        "00110101", "000111", "0111", "1000", "1011", "1100", "1110", "1111", "10011",
    ];
    const BLACK: [&str; 9] = [
        "0000110111",
        "010",
        "11",
        "10",
        "011",
        "0011",
        "0010",
        "00011",
        "000101",
    ];
    const EOL: &str = "000000000001";

    /// One MH-coded 8-pixel row from its runs, white first.
    fn mh_row(bits: &mut Bits, runs: &[usize]) {
        for (i, &run) in runs.iter().enumerate() {
            bits.push(if i % 2 == 0 { WHITE[run] } else { BLACK[run] });
        }
    }

    /// Rows of the test image: white 4 + black 4, all white, black 2 + white 6 (runs white
    /// first, so the last row starts with a white run of 0).
    const RUNS: [&[usize]; 3] = [&[4, 4], &[8], &[0, 2, 6]];
    /// The same rows as filter output with black = 0.
    const PACKED: [u8; 3] = [0b1111_0000, 0b1111_1111, 0b0011_1111];

    fn params(k: i64) -> CcittParams {
        CcittParams {
            k,
            columns: 8,
            rows: 3,
            end_of_line: false,
            encoded_byte_align: false,
            end_of_block: false,
            black_is_1: false,
        }
    }

    #[test]
    fn group3_one_dimensional_rows_decode_to_exact_pixels() {
        let mut bits = Bits::default();
        for runs in RUNS {
            mh_row(&mut bits, runs);
        }
        assert_eq!(decode(&bits.out, &params(0), 8, 3).unwrap(), PACKED);
    }

    #[test]
    fn group3_with_end_of_line_codes_and_byte_aligned_rows() {
        let mut bits = Bits::default();
        for runs in RUNS {
            bits.align();
            bits.push(EOL);
            mh_row(&mut bits, runs);
        }
        let p = CcittParams {
            end_of_line: true,
            encoded_byte_align: true,
            ..params(0)
        };
        assert_eq!(decode(&bits.out, &p, 8, 3).unwrap(), PACKED);
    }

    #[test]
    fn group3_two_dimensional_k_positive_reads_rows_tagged_one_dimensional() {
        // With K > 0 every EOL is followed by a tag bit: 1 = the next row is MH-coded.
        let mut bits = Bits::default();
        for runs in RUNS {
            bits.push(EOL);
            bits.push("1");
            mh_row(&mut bits, runs);
        }
        let p = CcittParams {
            end_of_line: true,
            ..params(2)
        };
        assert_eq!(decode(&bits.out, &p, 8, 3).unwrap(), PACKED);
    }

    #[test]
    fn black_is_1_flips_the_output_bits() {
        let mut bits = Bits::default();
        for runs in RUNS {
            mh_row(&mut bits, runs);
        }
        let p = CcittParams {
            black_is_1: true,
            ..params(0)
        };
        let got = decode(&bits.out, &p, 8, 3).unwrap();
        assert_eq!(got, PACKED.map(|b| !b));
    }

    #[test]
    fn parameters_come_from_the_dictionary_with_the_spec_defaults() {
        let doc = Document::with_version("1.7");
        let d = dictionary! {"K" => -1, "Columns" => 100, "Rows" => 7, "BlackIs1" => true, "EncodedByteAlign" => true, "EndOfBlock" => false};
        let p = CcittParams::from_dict(&doc, Some(&d), 50);
        assert_eq!(p.k, -1);
        assert_eq!((p.columns, p.rows), (100, 7));
        assert!(p.black_is_1 && p.encoded_byte_align && !p.end_of_block && !p.end_of_line);
        let p = CcittParams::from_dict(&doc, None, 50);
        assert_eq!((p.k, p.columns, p.rows), (0, 50, 0));
        assert!(!p.black_is_1 && p.end_of_block);
    }

    #[test]
    fn garbage_is_an_error_and_huge_columns_are_refused() {
        let err = decode(&[0, 0, 0, 0], &params(-1), 8, 3).unwrap_err();
        assert!(err.contains("CCITT"), "{err}");
        let p = CcittParams {
            columns: 1 << 30,
            ..params(-1)
        };
        assert!(decode(&[0xff; 4], &p, 8, 3).is_err());
    }

    #[test]
    fn an_image_wider_than_its_coded_rows_is_white_on_the_right() {
        let mut bits = Bits::default();
        for runs in RUNS {
            mh_row(&mut bits, runs);
        }
        let got = decode(&bits.out, &params(0), 12, 3).unwrap();
        assert_eq!(got, [0b1111_0000, 0xff, 0xff, 0xff, 0b0011_1111, 0xff]);
    }

    #[test]
    fn group3_two_dimensional_rows_are_coded_against_the_row_above() {
        // K > 0: after each EOL a tag bit says how the next row is coded, 1 one-dimensional,
        // 0 two-dimensional. Row 2 repeats row 1: vertical mode V0 ("1") at each of its two
        // changing elements (4, and the row's end at 8).
        let mut bits = Bits::default();
        bits.push(EOL);
        bits.push("1");
        mh_row(&mut bits, &[4, 4]);
        bits.push(EOL);
        bits.push("0");
        bits.push("11");
        bits.push(EOL);
        bits.push("1");
        mh_row(&mut bits, &[8]);
        let p = CcittParams {
            end_of_line: true,
            ..params(2)
        };
        let want = [0b1111_0000, 0b1111_0000, 0xff];
        assert_eq!(decode(&bits.out, &p, 8, 3).unwrap(), want);
        // Near miss: read as one-dimensional (K = 0) the tag bits are taken for codes.
        let p = CcittParams {
            end_of_line: true,
            ..params(0)
        };
        assert!(decode(&bits.out, &p, 8, 3).map_or(true, |got| got != want));
    }

    #[test]
    fn group3_ending_in_an_end_of_block_without_rows_pads_with_white() {
        // /Rows not given (0) and the image two rows taller than the data: the data ends in
        // RTC (six EOLs), the rest of the image is white.
        let mut bits = Bits::default();
        for runs in RUNS {
            mh_row(&mut bits, runs);
        }
        for _ in 0..6 {
            bits.push(EOL);
        }
        let p = CcittParams {
            rows: 0,
            end_of_block: true,
            ..params(0)
        };
        let mut want = PACKED.to_vec();
        want.extend([0xff, 0xff]);
        assert_eq!(decode(&bits.out, &p, 8, 5).unwrap(), want);
    }

    #[test]
    fn never_panics_on_truncated_or_garbled_data() {
        let mut bits = Bits::default();
        for runs in RUNS {
            bits.push(EOL);
            bits.push("1");
            mh_row(&mut bits, runs);
        }
        let source = bits.out;
        for k in [-1, 0, 2] {
            for align in [false, true] {
                let p = CcittParams {
                    end_of_line: k != -1,
                    encoded_byte_align: align,
                    ..params(k)
                };
                for cut in 0..=source.len() {
                    let _ = decode(&source[..cut], &p, 8, 3);
                }
                for i in 0..source.len() {
                    let mut garbled = source.clone();
                    garbled[i] = !garbled[i];
                    let _ = decode(&garbled, &p, 8, 3);
                    let _ = decode(&garbled, &p, 13, 40);
                }
            }
        }
    }
}
