//! Limits that bound what one untrusted PDF may cost: bytes, objects, depth, pages, time.
//!
//! Every parser in `pdf` takes these explicitly; the defaults suit municipal documents of a few
//! hundred pages and stop decompression bombs and pathological nesting long before they hurt.

use std::time::{Duration, Instant};

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// Bounds on the work and memory one document may take.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(default, deny_unknown_fields)]
pub struct Limits {
    /// Largest accepted input file, in bytes.
    pub max_file_bytes: u64,
    /// Largest size one stream may decompress to, in bytes. A content stream past it is cut
    /// there (its text before the cut is kept, with a warning on its page); lopdf's object and
    /// cross-reference streams are held to the lesser of this and 32 MiB while loading.
    pub max_stream_bytes: u64,
    /// Largest total of decompressed bytes per document: content streams (a form each time it
    /// is drawn) and font streams. Streams past it are cut, with a warning on their page.
    pub max_total_decompressed_bytes: u64,
    /// Most indirect objects a document may hold.
    pub max_objects: usize,
    /// Deepest nesting of form XObjects, arrays and dictionaries that is followed.
    pub max_depth: usize,
    /// Most pages a document may have.
    pub max_pages: usize,
    /// Wall-clock time allowed per document, in milliseconds.
    pub max_millis_per_document: u64,
    /// Most content-stream operators interpreted per page (stops operator floods).
    pub max_operators_per_page: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Self {
            // As the built-in pipelines: one document under 256 MiB peak RSS (see
            // pipelines/generic.toml for the sums).
            max_file_bytes: 64 * 1024 * 1024,
            max_stream_bytes: 64 * 1024 * 1024,
            max_total_decompressed_bytes: 1024 * 1024 * 1024,
            max_objects: 2_000_000,
            max_depth: 32,
            max_pages: 20_000,
            max_millis_per_document: 120_000,
            max_operators_per_page: 5_000_000,
        }
    }
}

impl Limits {
    /// The point in time at which work on a document started now must stop.
    pub fn deadline(&self) -> Deadline {
        Deadline {
            at: Instant::now() + Duration::from_millis(self.max_millis_per_document),
            millis: self.max_millis_per_document,
        }
    }
}

/// A per-document time limit that long loops check.
#[derive(Debug, Clone, Copy)]
pub struct Deadline {
    at: Instant,
    millis: u64,
}

impl Deadline {
    /// A deadline that never passes in practice (for tests and trusted input).
    pub fn none() -> Self {
        Self {
            at: Instant::now() + Duration::from_secs(60 * 60 * 24 * 365),
            millis: u64::MAX,
        }
    }

    /// True once the time is up.
    pub fn passed(&self) -> bool {
        Instant::now() >= self.at
    }

    /// The time left before the deadline (zero once it has passed).
    pub fn remaining(&self) -> Duration {
        self.at.saturating_duration_since(Instant::now())
    }

    /// The configured budget, for error messages.
    pub fn millis(&self) -> u64 {
        self.millis
    }
}
