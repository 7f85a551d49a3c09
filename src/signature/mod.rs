//! The signature stage: every signature in a PDF, what it covers, whether its bytes and
//! cryptography hold, who signed and when, and what changed after it. Facts only; the
//! verdict is `verify`'s.

pub mod byte_range;
pub mod field;
