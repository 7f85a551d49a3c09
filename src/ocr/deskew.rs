//! Deskewing of scanned pages: a page fed through a scanner a little crooked has text lines
//! that slope, which costs OCR words and lets a skewed signature line pass as ink.
//!
//! The skew is measured by projection profiles: the dark pixels of a reduced copy of the page
//! are projected on the vertical axis along candidate slopes, and the slope whose profile is
//! sharpest (largest sum of squares: text lines fall into few rows, gaps into empty ones) is
//! the text's. The page is then rotated back with bilinear sampling. Only skews between
//! [`MIN_DEGREES`] and [`MAX_DEGREES`] are corrected: below, rotation would only blur; above,
//! the page is more likely a landscape table or a photo than a crooked scan.

use super::image::GrayImage;

/// Smaller skews are left alone.
pub const MIN_DEGREES: f64 = 0.3;
/// Largest skew searched for and corrected.
pub const MAX_DEGREES: f64 = 5.0;
/// The reduced copy keeps one pixel in this many per side.
const REDUCE: usize = 4;
/// Grey values below this are dark.
const DARK_BELOW: u8 = 128;
/// Fewer dark pixels than this (in the reduced copy) are no text to measure.
const MIN_DARK: usize = 200;
/// Step of the coarse search, then of the fine one around its best, in degrees.
const COARSE_STEP: f64 = 0.25;
const FINE_STEP: f64 = 0.05;

/// The dark pixels of a reduced copy of `image`, as (x, y) in reduced pixels, without the
/// dark that reaches the image's edges: a rim where the scanner's lid did not cover the
/// glass is straight along the scanner, not along the text, and would otherwise outweigh
/// the text's lines (a page 1.9° crooked measured as straight).
fn dark_points(image: &GrayImage) -> Vec<(f64, f64)> {
    let w = image.width.div_ceil(REDUCE);
    let mut dark: Vec<bool> = Vec::new();
    for row in image
        .pixels
        .chunks_exact(image.width.max(1))
        .step_by(REDUCE)
    {
        dark.extend(row.iter().step_by(REDUCE).map(|&p| p < DARK_BELOW));
    }
    if w == 0 || !dark.len().is_multiple_of(w) {
        return Vec::new();
    }
    let h = dark.len() / w;
    let mut clear = |index: &dyn Fn(usize) -> usize, len: usize| {
        for k in 0..len {
            match dark.get_mut(index(k)) {
                Some(d) if *d => *d = false,
                _ => break,
            }
        }
    };
    for y in 0..h {
        clear(&|k| y * w + k, w);
        clear(&|k| y * w + (w - 1 - k), w);
    }
    for x in 0..w {
        clear(&|k| k * w + x, h);
        clear(&|k| (h - 1 - k) * w + x, h);
    }
    dark.iter()
        .enumerate()
        .filter(|&(_, &d)| d)
        .map(|(i, _)| ((i % w) as f64, (i / w) as f64))
        .collect()
}

/// How sharp the profile of `points` is along slope `degrees`.
fn sharpness(points: &[(f64, f64)], degrees: f64, rows: usize) -> f64 {
    let slope = degrees.to_radians().tan();
    // Rows shift by at most width × tan(MAX_DEGREES); an offset keeps indices positive.
    let offset = rows as f64;
    let mut bins = vec![0u32; rows * 3 + 1];
    for &(x, y) in points {
        let row = (y - x * slope + offset).round();
        if row >= 0.0
            && let Some(b) = bins.get_mut(row as usize)
        {
            *b += 1;
        }
    }
    bins.iter().map(|&b| f64::from(b) * f64::from(b)).sum()
}

/// The slope of the text lines of `image` in degrees (positive: lines descend to the right),
/// `None` when the page has too little dark to measure.
pub fn skew_degrees(image: &GrayImage) -> Option<f64> {
    let points = dark_points(image);
    if points.len() < MIN_DARK {
        return None;
    }
    let rows = image.height / REDUCE + 1;
    let best_of = |from: f64, to: f64, step: f64| {
        let steps = ((to - from) / step).round() as i64;
        (0..=steps)
            .map(|i| from + i as f64 * step)
            .map(|d| (d, sharpness(&points, d, rows)))
            .fold(
                (0.0, f64::MIN),
                |best, c| if c.1 > best.1 { c } else { best },
            )
            .0
    };
    let coarse = best_of(-MAX_DEGREES, MAX_DEGREES, COARSE_STEP);
    Some(best_of(
        coarse - COARSE_STEP,
        coarse + COARSE_STEP,
        FINE_STEP,
    ))
}

/// `image` rotated by `degrees` about its centre (positive turns lines that descend to the
/// right level), same size, white where nothing was. Bilinear sampling in 16.16 fixed point,
/// stepping the source position along each output row: a 300 dpi A4 page is 8.7 million
/// pixels, and this runs before every OCR of a crooked page.
pub fn rotate(image: &GrayImage, degrees: f64) -> GrayImage {
    const ONE: i64 = 1 << 16;
    let (w, h) = (image.width, image.height);
    let (sin, cos) = degrees.to_radians().sin_cos();
    // Pixel centres: the middle of a 4-pixel row is 1.5.
    let (cx, cy) = ((w as f64 - 1.0) / 2.0, (h as f64 - 1.0) / 2.0);
    let fixed = |v: f64| (v * ONE as f64).round() as i64;
    let (step_x, step_y) = (fixed(cos), fixed(sin));
    let at = |x: i64, y: i64| -> i64 {
        if x >= 0 && y >= 0 && (x as usize) < w && (y as usize) < h {
            // In bounds by the check just above.
            i64::from(image.pixels[y as usize * w + x as usize])
        } else {
            255
        }
    };
    let mut pixels = Vec::with_capacity(w * h);
    for y in 0..h {
        let dy = y as f64 - cy;
        // The source of the row's first pixel: the output turned back by the skew.
        let mut sx = fixed(cx - cx * cos - dy * sin);
        let mut sy = fixed(cy - cx * sin + dy * cos);
        for _ in 0..w {
            let (xi, yi) = (sx >> 16, sy >> 16);
            let (fx, fy) = (sx & (ONE - 1), sy & (ONE - 1));
            let top = at(xi, yi) * (ONE - fx) + at(xi + 1, yi) * fx;
            let bottom = at(xi, yi + 1) * (ONE - fx) + at(xi + 1, yi + 1) * fx;
            let v = (top * (ONE - fy) + bottom * fy + (1 << 31)) >> 32;
            pixels.push(v.clamp(0, 255) as u8);
            sx += step_x;
            sy += step_y;
        }
    }
    GrayImage {
        width: w,
        height: h,
        pixels,
    }
}

/// `image` with its skew corrected when it is between [`MIN_DEGREES`] and [`MAX_DEGREES`],
/// and the skew that was corrected (`None`: left as it was).
pub fn deskew(image: GrayImage) -> (GrayImage, Option<f64>) {
    match skew_degrees(&image) {
        Some(d) if d.abs() >= MIN_DEGREES && d.abs() < MAX_DEGREES => (rotate(&image, d), Some(d)),
        _ => (image, None),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A page of "text": rows of dashes (words) 40 px apart, sloping by `degrees`, drawn
    /// analytically (not by [`rotate`]).
    fn page(degrees: f64) -> GrayImage {
        let (w, h) = (1200usize, 1600usize);
        let slope = degrees.to_radians().tan();
        let mut pixels = vec![255u8; w * h];
        for line in 0..30 {
            let base = 100.0 + 45.0 * line as f64;
            for x in 100..1100usize {
                if (x / 60) % 4 == 3 {
                    continue; // the space between words
                }
                let y0 = base + (x as f64 - 600.0) * slope;
                for t in 0..12 {
                    let y = (y0 + t as f64) as usize;
                    if y < h {
                        pixels[y * w + x] = 0;
                    }
                }
            }
        }
        GrayImage {
            width: w,
            height: h,
            pixels,
        }
    }

    #[test]
    fn the_skew_of_sloping_lines_is_measured() {
        for want in [2.0, -1.5, 0.0, 4.0] {
            let got = skew_degrees(&page(want)).unwrap();
            assert!((got - want).abs() <= 0.1, "{want}: measured {got}");
        }
    }

    #[test]
    fn a_dark_rim_along_the_scanner_does_not_hide_the_texts_slope() {
        let mut crooked = page(1.9);
        let w = crooked.width;
        // 15 px of lid shadow down the left edge and along the top.
        for (i, p) in crooked.pixels.iter_mut().enumerate() {
            if i % w < 15 || i / w < 15 {
                *p = 40;
            }
        }
        let got = skew_degrees(&crooked).unwrap();
        assert!((got - 1.9).abs() <= 0.1, "measured {got}");
        // Near miss: text that runs into the edge loses only what touches it.
        let straight = page(0.0);
        assert!(skew_degrees(&straight).unwrap().abs() <= 0.1);
    }

    #[test]
    fn a_crooked_page_is_turned_level_and_a_straight_one_is_left_alone() {
        let (level, corrected) = deskew(page(2.0));
        let corrected = corrected.expect("2° is corrected");
        assert!((corrected - 2.0).abs() <= 0.1, "{corrected}");
        let after = skew_degrees(&level).unwrap();
        assert!(after.abs() <= 0.1, "after deskew: {after}");
        let straight = page(0.0);
        let (same, none) = deskew(straight.clone());
        assert_eq!(none, None);
        assert_eq!(same, straight);
    }

    #[test]
    fn rotating_by_zero_keeps_every_pixel_and_a_quarter_turn_of_a_square_moves_it() {
        let img = page(1.0);
        assert_eq!(rotate(&img, 0.0), img);
        // A 4 × 4 square with one black corner pixel (top left) turned by 90°: the output
        // pixel (x, y) shows the source (3 - y, x), so the black one lands bottom left.
        let mut corner = GrayImage {
            width: 4,
            height: 4,
            pixels: vec![255; 16],
        };
        corner.pixels[0] = 0;
        let turned = rotate(&corner, 90.0);
        assert_eq!(
            turned.pixels.iter().filter(|&&p| p == 0).count(),
            1,
            "{:?}",
            turned.pixels
        );
        assert_eq!(turned.pixels[12], 0, "{:?}", turned.pixels);
    }

    #[test]
    fn a_blank_page_has_no_skew() {
        let blank = GrayImage {
            width: 100,
            height: 100,
            pixels: vec![255; 100 * 100],
        };
        assert_eq!(skew_degrees(&blank), None);
        assert_eq!(deskew(blank).1, None);
    }
}
