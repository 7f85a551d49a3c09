//! Signature validation tokens (SVT, RFC 9321, with the PDF profile of
//! draft-santesson-svt-pdf): a validation service's verdict on a document's signatures, as a
//! signed JWT that a document timestamp carries in a `TSTInfo` extension (OID
//! 1.2.752.201.5.2). Sweden Connect's signing services add one when they finish a document.
//!
//! An SVT is a fact about what somebody else concluded, never a substitute for arkivar's own
//! checks: its results are reported beside arkivar's, and a token that calls a signature
//! PASSED which arkivar finds broken is a finding (`signature.svt_disagrees`). The JWT's own
//! signature is not checked, so the token is read as a claim.

use base64::Engine;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// Largest token read, in bytes (real ones are 10–20 KB: each carries certificate chains).
pub const MAX_SVT_BYTES: usize = 512 * 1024;
/// Most signatures read from one token.
const MAX_SIGNATURES: usize = 64;
/// Most results kept per signature.
const MAX_RESULTS: usize = 16;
/// Longest string kept from a claim.
const MAX_CLAIM_CHARS: usize = 512;

/// What a validation token says.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct Svt {
    /// The validation service that issued it (`iss`).
    pub issuer: Option<String>,
    /// When it was issued (`iat`), RFC 3339 UTC.
    pub issued_at: Option<String>,
    /// Its verdict per signature.
    pub signatures: Vec<SvtSignature>,
}

/// The token's verdict on one signature.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct SvtSignature {
    /// The signed byte ranges the token names, as a `/ByteRange` (the PDF profile's
    /// `sig_data_ref.ref`): how the token's signature is found among the document's.
    pub byte_range: Vec<i64>,
    /// Each validation policy's result.
    pub results: Vec<SvtResult>,
}

impl SvtSignature {
    /// True when some policy's result is PASSED.
    pub fn passed(&self) -> bool {
        self.results.iter().any(|r| r.result == SvtOutcome::Passed)
    }
}

/// One policy's result.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct SvtResult {
    /// The validation policy (`pol`).
    pub policy: Option<String>,
    /// The result (`res`).
    pub result: SvtOutcome,
    /// The service's message (`msg`).
    pub message: Option<String>,
}

/// A validation result (RFC 9321 §3.2.4, as ETSI EN 319 102-1's main indications).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum SvtOutcome {
    Passed,
    Failed,
    Indeterminate,
    /// A value the RFC does not define.
    Other,
}

/// The JSON of the token's payload, as far as it is read.
#[derive(Deserialize)]
struct Payload {
    iss: Option<String>,
    iat: Option<i64>,
    sig_val_claims: Option<Claims>,
}

#[derive(Deserialize)]
struct Claims {
    #[serde(default)]
    sig: Vec<SigClaims>,
}

#[derive(Deserialize)]
struct SigClaims {
    #[serde(default)]
    sig_data_ref: Vec<DataRef>,
    #[serde(default)]
    sig_val: Vec<ValClaims>,
}

#[derive(Deserialize)]
struct DataRef {
    #[serde(rename = "ref")]
    reference: Option<String>,
}

#[derive(Deserialize)]
struct ValClaims {
    pol: Option<String>,
    res: Option<String>,
    msg: Option<String>,
}

/// Reads a token (`header.payload.signature`, base64url). `None` when it is not one.
pub fn parse(jwt: &[u8]) -> Option<Svt> {
    if jwt.len() > MAX_SVT_BYTES {
        return None;
    }
    let mut parts = jwt.split(|&b| b == b'.');
    let (_header, payload) = (parts.next()?, parts.next()?);
    let json = base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(payload.strip_suffix(b"=").unwrap_or(payload))
        .ok()?;
    let payload: Payload = serde_json::from_slice(&json).ok()?;
    let clip = |s: String| s.chars().take(MAX_CLAIM_CHARS).collect::<String>();
    let signatures = payload
        .sig_val_claims
        .map(|c| c.sig)
        .unwrap_or_default()
        .into_iter()
        .take(MAX_SIGNATURES)
        .map(|sig| SvtSignature {
            byte_range: sig
                .sig_data_ref
                .first()
                .and_then(|r| r.reference.as_deref())
                .map(byte_range)
                .unwrap_or_default(),
            results: sig
                .sig_val
                .into_iter()
                .take(MAX_RESULTS)
                .map(|v| SvtResult {
                    policy: v.pol.map(clip),
                    result: outcome(v.res.as_deref()),
                    message: v.msg.map(clip),
                })
                .collect(),
        })
        .collect();
    Some(Svt {
        issuer: payload.iss.map(clip),
        issued_at: payload
            .iat
            .and_then(|s| jiff::Timestamp::from_second(s).ok())
            .map(|t| t.to_string()),
        signatures,
    })
}

/// `"0 848145 867091 33295"` as numbers; what does not parse is left out.
fn byte_range(reference: &str) -> Vec<i64> {
    reference
        .split_ascii_whitespace()
        .take(8)
        .filter_map(|n| n.parse().ok())
        .collect()
}

fn outcome(res: Option<&str>) -> SvtOutcome {
    match res.map(str::trim) {
        Some(r) if r.eq_ignore_ascii_case("PASSED") => SvtOutcome::Passed,
        Some(r) if r.eq_ignore_ascii_case("FAILED") => SvtOutcome::Failed,
        Some(r) if r.eq_ignore_ascii_case("INDETERMINATE") => SvtOutcome::Indeterminate,
        _ => SvtOutcome::Other,
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    /// A token with one signature over `range` whose result is `res` (the JWT's signature is
    /// not checked, so it is a dummy).
    pub(crate) fn token(range: &str, res: &str) -> Vec<u8> {
        let b64 = |s: &str| base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(s);
        let payload = format!(
            r#"{{"iss":"https://swedenconnect.se/validator","iat":1742572105,"jti":"4d5e",
            "sig_val_claims":{{"ver":"1.0","profile":"PDF","sig":[{{"sig_ref":{{"id":null}},
            "sig_data_ref":[{{"ref":"{range}","hash":"2ZGo"}}],
            "sig_val":[{{"pol":"http://id.swedenconnect.se/svt/sigval-policy/ts-pkix/01",
            "res":"{res}","msg":"OK","ext":null}}]}}]}}}}"#
        );
        format!(
            "{}.{}.c2ln",
            b64(r#"{"typ":"JWT","alg":"ES512"}"#),
            b64(&payload)
        )
        .into_bytes()
    }

    #[test]
    fn a_token_gives_its_verdict_per_signature() {
        let svt = parse(&token("0 848145 867091 33295", "PASSED")).expect("a token");
        assert_eq!(
            svt.issuer.as_deref(),
            Some("https://swedenconnect.se/validator")
        );
        assert_eq!(svt.issued_at.as_deref(), Some("2025-03-21T15:48:25Z"));
        let [sig] = svt.signatures.as_slice() else {
            panic!("one signature: {svt:?}");
        };
        assert_eq!(sig.byte_range, [0, 848145, 867091, 33295]);
        assert!(sig.passed());
        // Near miss: a failed result is no pass.
        let svt = parse(&token("0 1 2 3", "FAILED")).expect("a token");
        assert!(!svt.signatures[0].passed());
        assert_eq!(svt.signatures[0].results[0].result, SvtOutcome::Failed);
    }

    #[test]
    fn what_is_no_token_is_none() {
        assert_eq!(parse(b"not a jwt"), None);
        assert_eq!(parse(b"e30.bm90IGpzb24.c2ln"), None);
        assert_eq!(parse(&vec![b'a'; MAX_SVT_BYTES + 1]), None);
    }
}
