//! CMS SignedData, RFC 3161 tokens, adbe.x509.rsa_sha1, X.509 certificates, TSTInfo, CRLs and OCSP responses, trust anchors and SVTs (ASN.1/BER).
//! The body is `arkivar::fuzzing::cms`, which the crate's regression tests call too.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| arkivar::fuzzing::cms(data));
