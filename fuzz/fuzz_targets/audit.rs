//! E-sign audit trails and signing stamps over page texts, and every fact drawn from them.
//! The body is `arkivar::fuzzing::audit`, which the crate's regression tests call too.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| arkivar::fuzzing::audit(data));
