//! The content-stream lexer, then the interpreter and layout over a page, a form and a Type3 glyph drawing the bytes.
//! The body is `arkivar::fuzzing::content_stream`, which the crate's regression tests call too.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| arkivar::fuzzing::content_stream(data));
