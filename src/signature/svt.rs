//! Signature validation tokens (SVT, RFC 9321, with the PDF profile of
//! draft-santesson-svt-pdf): a validation service's verdict on a document's signatures, as a
//! signed JWT that a document timestamp carries in a `TSTInfo` extension (OID
//! 1.2.752.201.5.2). Sweden Connect's signing services add one when they finish a document.
//!
//! An SVT is a fact about what somebody else concluded, never a substitute for arkivar's own
//! checks: its results are reported beside arkivar's, and a token that calls a signature
//! PASSED which arkivar finds broken is a finding (`signature.svt_disagrees`). The token's own
//! signature (a JWS, RFC 7515, by the certificate in its `x5c` header) is checked, and whether
//! that certificate chains to a trust anchor is reported ([`TokenCheck`]): a token that does
//! not verify is somebody's unsigned claim.

use base64::Engine;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::algorithm::{DigestAlgorithm, SignatureScheme};
use super::certificate::Certificate;
use super::trust::{TrustStore, build_path};

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
    /// The token's own signature.
    pub token: TokenCheck,
}

/// What checking the token's own signature (its JWS) found.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct TokenCheck {
    /// Whether the JWS verifies with the key of its `x5c` certificate.
    pub state: TokenState,
    /// The JWS algorithm (`alg`), as the header names it.
    pub algorithm: Option<String>,
    /// The signing certificate's subject common name (or whole subject).
    pub signer: Option<String>,
    /// Whether that certificate chains to a trust anchor (through the token's other `x5c`
    /// certificates). An untrusted but valid token is a claim by somebody arkivar cannot name.
    pub trusted: bool,
    /// Why the token could not be checked, or is invalid.
    pub reason: Option<String>,
}

/// The outcome of checking a token's JWS.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum TokenState {
    /// The signature verifies with the certificate's key.
    Valid,
    /// It does not: the token was changed, or is not the service's.
    Invalid,
    /// It could not be checked (no certificate, an algorithm arkivar does not check).
    #[default]
    Unverifiable,
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

/// Reads a token and checks its signature against `trust`. `None` when it is not a token.
pub fn read(jwt: &[u8], trust: &TrustStore) -> Option<Svt> {
    let mut svt = parse(jwt)?;
    svt.token = check_token(jwt, trust);
    Some(svt)
}

/// The JWS header, as far as it is read.
#[derive(Deserialize)]
struct Header {
    alg: Option<String>,
    #[serde(default)]
    x5c: Vec<String>,
}

/// Most certificates read from `x5c`.
const MAX_X5C: usize = 8;

/// Checks the token's JWS (RFC 7515 §5.2): the signature over `header.payload` with the key of
/// the first `x5c` certificate (RFC 7515 §4.1.6), and that certificate's path to `trust`.
fn check_token(jwt: &[u8], trust: &TrustStore) -> TokenCheck {
    let mut check = TokenCheck::default();
    let unverifiable = |mut check: TokenCheck, why: &str| {
        check.state = TokenState::Unverifiable;
        check.reason = Some(why.to_owned());
        check
    };
    let parts: Vec<&[u8]> = jwt.split(|&b| b == b'.').collect();
    let [header_b64, payload, signature] = parts.as_slice() else {
        return unverifiable(check, "the token is not a compact JWS of three parts");
    };
    let b64url = |part: &[u8]| {
        base64::engine::general_purpose::URL_SAFE_NO_PAD.decode(part.trim_ascii_end())
    };
    let Some(header) = b64url(header_b64)
        .ok()
        .and_then(|h| serde_json::from_slice::<Header>(&h).ok())
    else {
        return unverifiable(check, "the JWS header is not base64url JSON");
    };
    check.algorithm = header.alg.clone();
    let Some(scheme) = header.alg.as_deref().and_then(scheme_of) else {
        return unverifiable(check, "the JWS algorithm is not one arkivar checks");
    };
    let certs: Vec<Certificate> = header
        .x5c
        .iter()
        .take(MAX_X5C)
        .filter_map(|c| base64::engine::general_purpose::STANDARD.decode(c).ok())
        .filter_map(|der| Certificate::parse(&der).ok())
        .collect();
    let Some(leaf) = certs.first() else {
        return unverifiable(check, "the token names no certificate (x5c)");
    };
    check.signer = Some(leaf.display_name());
    let Ok(key) = leaf.public_key() else {
        return unverifiable(
            check,
            "the token's certificate has a key arkivar cannot read",
        );
    };
    let Ok(signature) = b64url(signature) else {
        check.state = TokenState::Invalid;
        check.reason = Some("the JWS signature is not base64url".to_owned());
        return check;
    };
    let signature = match scheme {
        SignatureScheme::Ecdsa { .. } => match raw_ecdsa_to_der(&signature) {
            Some(der) => der,
            None => {
                check.state = TokenState::Invalid;
                check.reason = Some("the ECDSA signature is not r and s of equal length".into());
                return check;
            }
        },
        _ => signature,
    };
    let signing_input: [&[u8]; 3] = [header_b64, b".", payload];
    check.state = match key.verify(&scheme, &signing_input, &signature) {
        Ok(true) => TokenState::Valid,
        Ok(false) => {
            check.reason = Some("the JWS signature does not verify".to_owned());
            TokenState::Invalid
        }
        Err(e) => {
            check.reason = Some(e.to_string());
            TokenState::Unverifiable
        }
    };
    check.trusted =
        check.state == TokenState::Valid && build_path(leaf, &certs[1..], trust).trusted;
    check
}

/// The JWS algorithms of RFC 7518 §3.1 that sign with a certificate's key.
fn scheme_of(alg: &str) -> Option<SignatureScheme> {
    use DigestAlgorithm as D;
    let digest = match alg.get(2..)? {
        "256" => D::Sha256,
        "384" => D::Sha384,
        "512" => D::Sha512,
        _ => return None,
    };
    match alg.get(..2)? {
        "RS" => Some(SignatureScheme::RsaPkcs1v15 { digest }),
        "PS" => Some(SignatureScheme::RsaPss {
            digest,
            salt_len: digest.digest(b"").len(),
        }),
        "ES" => Some(SignatureScheme::Ecdsa { digest }),
        _ => None,
    }
}

/// A JWS ECDSA signature (R and S as fixed-width big-endian halves, RFC 7518 §3.4) as the DER
/// `ECDSA-Sig-Value` the verifier takes.
fn raw_ecdsa_to_der(raw: &[u8]) -> Option<Vec<u8>> {
    if raw.is_empty() || !raw.len().is_multiple_of(2) || raw.len() > 2 * 66 {
        return None;
    }
    let (r, s) = raw.split_at(raw.len() / 2);
    let integer = |v: &[u8]| {
        let v = &v[v
            .iter()
            .position(|&b| b != 0)
            .unwrap_or(v.len().saturating_sub(1))..];
        let mut out = vec![0x02];
        let pad = v.first().is_some_and(|&b| b & 0x80 != 0);
        out.push((v.len() + usize::from(pad)) as u8);
        if pad {
            out.push(0);
        }
        out.extend_from_slice(v);
        out
    };
    let body = [integer(r), integer(s)].concat();
    let mut der = vec![0x30];
    if body.len() >= 0x80 {
        der.push(0x81);
    }
    der.push(body.len() as u8);
    der.extend(body);
    Some(der)
}

/// Reads a token (`header.payload.signature`, base64url) without checking its signature.
/// `None` when it is not one.
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
        token: TokenCheck::default(),
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

    /// `token("0 1 2 3", "PASSED")` signed as ES256 by the test PKI's TSA, naming `x5c`.
    fn signed(pki: &crate::signature::testkit::Pki, x5c: &[&[u8]]) -> Vec<u8> {
        use crate::signature::testkit::TestKey;
        let engine = base64::engine::general_purpose::URL_SAFE_NO_PAD;
        let std = base64::engine::general_purpose::STANDARD;
        let chain: Vec<String> = x5c
            .iter()
            .map(|c| format!("\"{}\"", std.encode(c)))
            .collect();
        let header = format!(
            r#"{{"typ":"JWT","alg":"ES256","x5c":[{}]}}"#,
            chain.join(",")
        );
        let payload = token("0 1 2 3", "PASSED")
            .split(|&b| b == b'.')
            .nth(1)
            .map(<[u8]>::to_vec)
            .unwrap_or_default();
        let input = format!(
            "{}.{}",
            engine.encode(header),
            String::from_utf8(payload).unwrap()
        );
        let TestKey::P256(key) = &pki.tsa_key else {
            panic!("the test TSA's key is P-256")
        };
        use p256::ecdsa::signature::Signer as _;
        let sig: p256::ecdsa::Signature = key.sign(input.as_bytes());
        format!("{input}.{}", engine.encode(sig.to_bytes())).into_bytes()
    }

    #[test]
    fn a_token_signed_by_a_trusted_certificate_is_valid_and_trusted() {
        let pki = crate::signature::testkit::Pki::new();
        let jwt = signed(&pki, &[&pki.tsa, &pki.ca]);
        let svt = read(&jwt, &pki.trust()).expect("a token");
        assert_eq!(svt.token.state, TokenState::Valid, "{:?}", svt.token);
        assert!(svt.token.trusted);
        assert_eq!(svt.token.algorithm.as_deref(), Some("ES256"));
        assert_eq!(svt.token.signer.as_deref(), Some("Test TSA"));
        // Near miss: the same token under another root is valid but nobody arkivar trusts.
        let svt = read(&jwt, &TrustStore::new()).expect("a token");
        assert_eq!(svt.token.state, TokenState::Valid);
        assert!(!svt.token.trusted);
    }

    #[test]
    fn a_token_whose_claims_were_changed_is_invalid() {
        let pki = crate::signature::testkit::Pki::new();
        let jwt = signed(&pki, &[&pki.tsa, &pki.ca]);
        let text = String::from_utf8(jwt).unwrap();
        let mut parts: Vec<&str> = text.split('.').collect();
        let failed = token("0 1 2 3", "FAILED");
        let failed = String::from_utf8(failed).unwrap();
        let payload = failed.split('.').nth(1).unwrap().to_owned();
        parts[1] = &payload;
        let forged = parts.join(".");
        let svt = read(forged.as_bytes(), &pki.trust()).expect("a token");
        assert_eq!(svt.token.state, TokenState::Invalid, "{:?}", svt.token);
        assert!(!svt.token.trusted);
    }

    #[test]
    fn a_token_without_a_certificate_or_with_alg_none_is_unverifiable() {
        let trust = TrustStore::new();
        // `token` names no x5c.
        let svt = read(&token("0 1 2 3", "PASSED"), &trust).expect("a token");
        assert_eq!(svt.token.state, TokenState::Unverifiable);
        assert!(svt.token.reason.is_some());
        let engine = base64::engine::general_purpose::URL_SAFE_NO_PAD;
        let text = String::from_utf8(token("0 1 2 3", "PASSED")).unwrap();
        let payload = text.split('.').nth(1).unwrap();
        let none = format!("{}.{payload}.", engine.encode(r#"{"alg":"none"}"#));
        let svt = read(none.as_bytes(), &trust).expect("a token");
        assert_eq!(svt.token.state, TokenState::Unverifiable);
        assert!(!svt.token.trusted);
    }

    #[test]
    fn jws_ecdsa_halves_become_der_and_odd_lengths_do_not() {
        let der = raw_ecdsa_to_der(&[[0x00, 0x80].as_slice(), &[0x01, 0x02]].concat()).unwrap();
        assert_eq!(
            der,
            [0x30, 0x08, 0x02, 0x02, 0x00, 0x80, 0x02, 0x02, 0x01, 0x02]
        );
        // P-521: 132 bytes, a long-form length.
        let der = raw_ecdsa_to_der(&[0x7f; 132]).unwrap();
        assert_eq!(&der[..3], [0x30, 0x81, 0x88]);
        assert_eq!(raw_ecdsa_to_der(&[1, 2, 3]), None);
        assert_eq!(raw_ecdsa_to_der(&[]), None);
    }
}
