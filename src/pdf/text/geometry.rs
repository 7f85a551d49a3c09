//! Affine matrices and rectangles in PDF coordinates (ISO 32000-2 §8.3).

/// A PDF transformation matrix `[a b c d e f]`, applied to row vectors: `[x y 1] × M`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Matrix {
    /// The six numbers a, b, c, d, e, f.
    pub m: [f64; 6],
}

impl Matrix {
    /// The identity matrix.
    pub const IDENTITY: Matrix = Matrix {
        m: [1.0, 0.0, 0.0, 1.0, 0.0, 0.0],
    };

    /// A matrix from its six numbers.
    pub fn new(a: f64, b: f64, c: f64, d: f64, e: f64, f: f64) -> Matrix {
        Matrix {
            m: [a, b, c, d, e, f],
        }
    }

    /// A translation by (tx, ty).
    pub fn translate(tx: f64, ty: f64) -> Matrix {
        Matrix::new(1.0, 0.0, 0.0, 1.0, tx, ty)
    }

    /// `self × other`: first apply `self`, then `other`.
    pub fn then(&self, other: &Matrix) -> Matrix {
        let [a, b, c, d, e, f] = self.m;
        let [a2, b2, c2, d2, e2, f2] = other.m;
        Matrix::new(
            a * a2 + b * c2,
            a * b2 + b * d2,
            c * a2 + d * c2,
            c * b2 + d * d2,
            e * a2 + f * c2 + e2,
            e * b2 + f * d2 + f2,
        )
    }

    /// Transforms a point.
    pub fn apply(&self, x: f64, y: f64) -> (f64, f64) {
        let [a, b, c, d, e, f] = self.m;
        (a * x + c * y + e, b * x + d * y + f)
    }

    /// Transforms a vector (no translation).
    pub fn apply_vector(&self, x: f64, y: f64) -> (f64, f64) {
        let [a, b, c, d, ..] = self.m;
        (a * x + c * y, b * x + d * y)
    }

    /// True when every number is finite (a NaN or infinity in a content stream poisons layout).
    pub fn is_finite(&self) -> bool {
        self.m.iter().all(|v| v.is_finite())
    }
}

/// An axis-aligned rectangle with `x0 <= x1` and `y0 <= y1`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Rect {
    /// Left.
    pub x0: f64,
    /// Bottom.
    pub y0: f64,
    /// Right.
    pub x1: f64,
    /// Top.
    pub y1: f64,
}

impl Rect {
    /// The rectangle spanned by two corners, in any order.
    pub fn from_corners(ax: f64, ay: f64, bx: f64, by: f64) -> Rect {
        Rect {
            x0: ax.min(bx),
            y0: ay.min(by),
            x1: ax.max(bx),
            y1: ay.max(by),
        }
    }

    /// The bounding box of the unit square transformed by `m` (how images are placed).
    pub fn unit_square(m: &Matrix) -> Rect {
        let pts = [
            m.apply(0.0, 0.0),
            m.apply(1.0, 0.0),
            m.apply(0.0, 1.0),
            m.apply(1.0, 1.0),
        ];
        let mut r = Rect::from_corners(pts[0].0, pts[0].1, pts[0].0, pts[0].1);
        for (x, y) in pts {
            r.x0 = r.x0.min(x);
            r.y0 = r.y0.min(y);
            r.x1 = r.x1.max(x);
            r.y1 = r.y1.max(y);
        }
        r
    }

    /// Width.
    pub fn width(&self) -> f64 {
        self.x1 - self.x0
    }

    /// Height.
    pub fn height(&self) -> f64 {
        self.y1 - self.y0
    }

    /// The part of `self` inside `other`, if any.
    pub fn intersect(&self, other: &Rect) -> Option<Rect> {
        let r = Rect {
            x0: self.x0.max(other.x0),
            y0: self.y0.max(other.y0),
            x1: self.x1.min(other.x1),
            y1: self.y1.min(other.y1),
        };
        (r.x0 < r.x1 && r.y0 < r.y1).then_some(r)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn then_applies_left_matrix_first() {
        let scale = Matrix::new(2.0, 0.0, 0.0, 2.0, 0.0, 0.0);
        let shift = Matrix::translate(10.0, 0.0);
        assert_eq!(scale.then(&shift).apply(1.0, 1.0), (12.0, 2.0));
        assert_eq!(shift.then(&scale).apply(1.0, 1.0), (22.0, 2.0));
    }

    #[test]
    fn unit_square_of_rotation_is_normalised() {
        let rot = Matrix::new(0.0, 1.0, -1.0, 0.0, 0.0, 0.0);
        let r = Rect::unit_square(&rot);
        assert_eq!((r.x0, r.y0, r.x1, r.y1), (-1.0, 0.0, 0.0, 1.0));
    }
}
