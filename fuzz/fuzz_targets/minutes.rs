//! The minutes reader over page texts (UTF-8, pages split at form feeds).
//! The body is `arkivar::fuzzing::minutes`, which the crate's regression tests call too.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| arkivar::fuzzing::minutes(data));
