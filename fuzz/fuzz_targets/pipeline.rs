//! The whole pipeline on a file's bytes (no OCR), then the signatures-only pipeline.
//! The body is `arkivar::fuzzing::pipeline`, which the crate's regression tests call too.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| arkivar::fuzzing::pipeline(data));
