//! ETSI TS 119 612 trusted lists: XML, canonical forms, XMLDSig, the list's contents.
//! The body is `arkivar::fuzzing::trusted_list`, which the crate's regression tests call too.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| arkivar::fuzzing::trusted_list(data));
