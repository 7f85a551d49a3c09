//! The job message: parse, check against rules, write back and parse again.
//! The body is `arkivar::fuzzing::job`, which the crate's regression tests call too.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| arkivar::fuzzing::job(data));
