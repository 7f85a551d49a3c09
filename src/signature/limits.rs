//! Named bounds for everything the signature layer reads from untrusted bytes.
//!
//! Each constant caps one dimension of attacker-controlled input so that a hostile `/Contents`
//! value cannot make the verifier allocate, recurse or loop without end.

/// Largest `/Contents` value (after hex decoding) accepted. Real CMS blobs with embedded
/// revocation data reach a few hundred KiB; 32 MiB leaves ample room.
pub const MAX_CONTENTS_LEN: usize = 32 * 1024 * 1024;

/// Deepest nesting of ASN.1 TLVs followed. CMS with certificates inside stays below 20.
pub const MAX_DEPTH: usize = 64;

/// Most certificates taken from one `SignedData` (plus the caller's extra certificates).
pub const MAX_CERTIFICATES: usize = 512;

/// Most `SignerInfo`s looked at in one `SignedData`; PAdES has exactly one.
pub const MAX_SIGNER_INFOS: usize = 16;

/// Most attributes in a signed or unsigned attribute set.
pub const MAX_ATTRIBUTES: usize = 256;

/// Longest certification path built, anchor included (RFC 5280 §6.1 leaves this to the
/// implementation; real PAdES paths are 2–5 certificates).
pub const MAX_CHAIN_LEN: usize = 16;

/// Most candidate issuer signatures tried while building one path, so that a pool of many
/// certificates with the same name cannot make path building exponential.
pub const MAX_PATH_ATTEMPTS: usize = 256;

/// Largest RSA modulus accepted, in bits.
pub const MAX_RSA_BITS: usize = 16384;

/// How deep a timestamp token may nest inside another (a timestamp on a timestamp's signer
/// is not followed further than this).
pub const MAX_TIMESTAMP_NESTING: usize = 1;

/// Most entries read from one CRL. Large national CAs publish CRLs of some 100 000 entries;
/// a longer one is left unread (its certificates get no answer from it).
pub const MAX_CRL_ENTRIES: usize = 1 << 18;

/// Most SingleResponses read from one OCSP response (real ones carry one).
pub const MAX_OCSP_SINGLE_RESPONSES: usize = 256;

/// Most CRLs and OCSP responses read for one signature, from all sources together.
pub const MAX_REVOCATION_ITEMS: usize = 1024;

/// Most bytes of CRLs and OCSP responses read for one signature, from all sources together.
pub const MAX_REVOCATION_BYTES: usize = 64 * 1024 * 1024;
