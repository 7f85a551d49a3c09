//! A scanned page built in code: printed lines typeset with the bitmap font of [`scan_font`],
//! pen signatures drawn as thick curves, and the page written as a one-bit image in a PDF with
//! no text layer, as a scanner delivers a signed paper.
//!
//! Only integer arithmetic and IEEE additions and multiplications are used (no `sin`, whose
//! last bit differs between C libraries), so the image is the same on every machine.
//!
//! [`scan_font`]: super::scan_font

use std::io::Write as _;

use super::scan_font::{ASCENT, GLYPHS, HEIGHT, SPACE};
use super::signed::Revisions;

/// A4 at 200 dpi.
pub const WIDTH: usize = 1654;
pub const HEIGHT_PX: usize = 2339;
const MARGIN: usize = 150;
/// Baseline to baseline.
const LINE: usize = 44;

/// A white page, one byte a pixel: 0 is black, 255 white.
pub struct Page {
    pixels: Vec<u8>,
    /// The baseline of the next line.
    baseline: usize,
}

impl Page {
    pub fn new() -> Self {
        Page {
            pixels: vec![255; WIDTH * HEIGHT_PX],
            baseline: MARGIN + ASCENT,
        }
    }

    /// Prints `text` on the next line from the left margin; returns where it ends
    /// (x) and its baseline (y).
    pub fn line(&mut self, text: &str) -> (usize, usize) {
        let y = self.baseline;
        let mut x = MARGIN;
        for c in text.chars() {
            if c == ' ' {
                x += SPACE;
                continue;
            }
            let Some(&(_, advance, bearing, width, rows)) = GLYPHS.iter().find(|(ch, ..)| *ch == c)
            else {
                panic!("{c:?} is not in the scan font");
            };
            self.glyph(x as isize + isize::from(bearing), y, width, rows);
            x += usize::from(advance);
        }
        self.baseline += LINE;
        (x, y)
    }

    /// An empty line.
    pub fn skip(&mut self) {
        self.baseline += LINE / 2;
    }

    fn glyph(&mut self, left: isize, baseline: usize, width: u8, rows: &str) {
        use base64::Engine as _;
        let bits = base64::engine::general_purpose::STANDARD
            .decode(rows)
            .expect("the scan font's rows are base64");
        let width = usize::from(width);
        let stride = width.div_ceil(8);
        for row in 0..HEIGHT {
            for col in 0..width {
                let byte = bits.get(row * stride + col / 8).copied().unwrap_or(0);
                if byte & (0x80 >> (col % 8)) != 0 {
                    let x = left + col as isize;
                    let y = (baseline + row) as isize - ASCENT as isize;
                    self.dot(x, y, 0);
                }
            }
        }
    }

    fn dot(&mut self, x: isize, y: isize, radius: isize) {
        for dy in -radius..=radius {
            for dx in -radius..=radius {
                if dx * dx + dy * dy > radius * radius + radius {
                    continue;
                }
                let (px, py) = (x + dx, y + dy);
                if (0..WIDTH as isize).contains(&px) && (0..HEIGHT_PX as isize).contains(&py) {
                    self.pixels[py as usize * WIDTH + px as usize] = 0;
                }
            }
        }
    }

    /// A pen signature from `(x, y)`: `points` are offsets from there, taken in threes as
    /// the control points of quadratic Bézier curves, drawn with a round pen.
    pub fn ink(&mut self, (x, y): (usize, usize), points: &[(i32, i32)]) {
        let (x, y) = (x as f64, y as f64);
        let mut from = (0.0, 0.0);
        for pair in points.chunks(2) {
            let [(cx, cy), (tx, ty)] = pair else { break };
            let (c, to) = (
                (f64::from(*cx), f64::from(*cy)),
                (f64::from(*tx), f64::from(*ty)),
            );
            for step in 0..=64 {
                let t = f64::from(step) / 64.0;
                let u = 1.0 - t;
                let px = u * u * from.0 + 2.0 * u * t * c.0 + t * t * to.0;
                let py = u * u * from.1 + 2.0 * u * t * c.1 + t * t * to.1;
                self.dot((x + px) as isize, (y + py) as isize, 2);
            }
            from = to;
        }
    }

    /// The page as a one-page PDF whose only content is the page image (`DeviceGray`, one
    /// bit a pixel, Flate), with no text.
    pub fn pdf(&self) -> Vec<u8> {
        let stride = WIDTH.div_ceil(8);
        let mut packed = vec![0u8; stride * HEIGHT_PX];
        for (y, row) in self.pixels.chunks(WIDTH).enumerate() {
            for (x, &p) in row.iter().enumerate() {
                // In DeviceGray a 1 bit is white.
                if p >= 128 {
                    packed[y * stride + x / 8] |= 0x80 >> (x % 8);
                }
            }
        }
        let mut z = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::best());
        z.write_all(&packed).expect("compressing into memory");
        let data = z.finish().expect("compressing into memory");
        let mut b = Revisions::new();
        b.obj(1, "<< /Type /Catalog /Pages 2 0 R >>")
            .obj(2, "<< /Type /Pages /Kids [3 0 R] /Count 1 >>")
            .obj(
                3,
                "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R \
                 /Resources << /XObject << /Im0 5 0 R >> >> >>",
            )
            .stream(4, "", b"q 595 0 0 842 0 0 cm /Im0 Do Q")
            .stream(
                5,
                &format!(
                    "/Type /XObject /Subtype /Image /Width {WIDTH} /Height {HEIGHT_PX} \
                     /BitsPerComponent 1 /ColorSpace /DeviceGray /Filter /FlateDecode"
                ),
                &data,
            );
        b.revision();
        b.out
    }
}

impl Default for Page {
    fn default() -> Self {
        Self::new()
    }
}
