//! PDF loading under limits and the revisions: scan, chain, each revision's bytes, metadata, page tree, attachments, signature fields.
//! The body is `arkivar::fuzzing::pdf_load`, which the crate's regression tests call too.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| arkivar::fuzzing::pdf_load(data));
