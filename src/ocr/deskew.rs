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

/// The dark pixels of a reduced copy of `image`, as (x, y) in reduced pixels.
fn dark_points(image: &GrayImage) -> Vec<(f64, f64)> {
    let mut out = Vec::new();
    for (y, row) in image
        .pixels
        .chunks_exact(image.width.max(1))
        .enumerate()
        .step_by(REDUCE)
    {
        for (x, &p) in row.iter().enumerate().step_by(REDUCE) {
            if p < DARK_BELOW {
                out.push(((x / REDUCE) as f64, (y / REDUCE) as f64));
            }
        }
    }
    out
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
/// right level), same size, white where nothing was.
pub fn rotate(image: &GrayImage, degrees: f64) -> GrayImage {
    let (w, h) = (image.width, image.height);
    let (sin, cos) = degrees.to_radians().sin_cos();
    let (cx, cy) = (w as f64 / 2.0, h as f64 / 2.0);
    let sample = |x: f64, y: f64| -> f64 {
        if x < 0.0 || y < 0.0 {
            return 255.0;
        }
        let (xi, yi) = (x as usize, y as usize);
        let at = |xx: usize, yy: usize| {
            if xx < w && yy < h {
                f64::from(image.pixels[yy * w + xx])
            } else {
                255.0
            }
        };
        let (fx, fy) = (x - xi as f64, y - yi as f64);
        let top = at(xi, yi) * (1.0 - fx) + at(xi + 1, yi) * fx;
        let bottom = at(xi, yi + 1) * (1.0 - fx) + at(xi + 1, yi + 1) * fx;
        top * (1.0 - fy) + bottom * fy
    };
    let mut pixels = Vec::with_capacity(w * h);
    for y in 0..h {
        let dy = y as f64 - cy;
        for x in 0..w {
            let dx = x as f64 - cx;
            // The source of an output pixel: the output turned back by the skew.
            let (sx, sy) = (cx + dx * cos - dy * sin, cy + dx * sin + dy * cos);
            pixels.push(sample(sx, sy).round().clamp(0.0, 255.0) as u8);
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
