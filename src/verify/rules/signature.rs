//! Rules over the PDF's cryptographic signatures: integrity, changes after signing, trust,
//! certificate validity, and signing times in the future.

use jiff::Timestamp;
use serde_json::{Value, json};

use super::finding;
use crate::record::Finding;
use crate::signature::examine::SignatureFacts;
use crate::verify::policy::Policy;

fn label(s: &SignatureFacts) -> Value {
    json!(s.field.clone().unwrap_or_else(|| "(no field)".into()))
}

fn signer(s: &SignatureFacts) -> String {
    s.signer
        .as_ref()
        .and_then(|x| x.common_name.clone())
        .unwrap_or_else(|| "an unknown signer".into())
}

/// True when the signature could be checked at all (its algorithm is supported, its CMS
/// parses); a signature that could not is `unverifiable`, not broken.
fn checkable(s: &SignatureFacts) -> bool {
    s.error
        .as_deref()
        .is_none_or(|e| !e.contains("unsupported"))
}

/// `signature.integrity_broken`: the signed bytes changed, or the signature value does not
/// verify.
pub fn integrity_broken(sigs: &[SignatureFacts], policy: &Policy) -> Vec<Finding> {
    sigs.iter()
        .filter(|s| checkable(s) && !(s.intact && s.valid))
        .map(|s| {
            let why = if !s.intact {
                "the digest of the signed bytes differs from the one that was signed"
            } else {
                "the signature value does not verify with the signer's key"
            };
            finding(
                policy,
                "signature.integrity_broken",
                format!("The signature by {} is broken: {why}.", signer(s)),
                &[
                    ("field", label(s)),
                    ("intact", json!(s.intact)),
                    ("valid", json!(s.valid)),
                    ("error", json!(s.error)),
                ],
            )
        })
        .collect()
}

/// `signature.unverifiable` for each pen signature on a scan: ink can be read, not checked,
/// so a person looks at it (verdict.md: a warning, so a scan is never `verified`).
pub fn unverifiable_pen(pens: &[crate::verify::pen::PenSigning], policy: &Policy) -> Vec<Finding> {
    pens.iter()
        .map(|p| {
            finding(
                policy,
                "signature.unverifiable",
                format!(
                    "{} signed by hand on the scanned page {}; a handwritten signature can only be seen, not checked.",
                    p.name, p.page
                ),
                &[
                    ("name", serde_json::json!(p.name)),
                    ("role", serde_json::json!(p.role)),
                    ("page", serde_json::json!(p.page)),
                    ("line", serde_json::json!(p.line)),
                    // Where the ink is, in page-image pixels, for the person who looks.
                    (
                        "ink",
                        serde_json::json!({
                            "box": [p.area.left, p.area.top, p.area.right, p.area.bottom],
                            "marks": p.ink.marks,
                            "span_px": p.ink.span,
                            "word_height_px": p.word_height,
                        }),
                    ),
                ],
            )
        })
        .collect()
}

/// `signature.unverifiable`: a PDF signature that can be read but not checked (an algorithm
/// arkivar does not implement).
pub fn unverifiable_pdf(sigs: &[SignatureFacts], policy: &Policy) -> Vec<Finding> {
    sigs.iter()
        .filter(|s| !checkable(s))
        .map(|s| {
            finding(
                policy,
                "signature.unverifiable",
                format!(
                    "The signature by {} cannot be checked: {}.",
                    signer(s),
                    s.error.clone().unwrap_or_default()
                ),
                &[("field", label(s)), ("error", json!(s.error))],
            )
        })
        .collect()
}

/// `signature.modified_after_signing`: a later revision changed more than the signature
/// permits.
pub fn modified_after_signing(sigs: &[SignatureFacts], policy: &Policy) -> Vec<Finding> {
    sigs.iter()
        .filter(|s| s.modified_after_signing)
        .map(|s| {
            let first = s.changes.iter().find(|c| c.level == s.modification_level);
            finding(
                policy,
                "signature.modified_after_signing",
                format!(
                    "The document was changed after {} signed it, beyond what the signature permits.",
                    signer(s)
                ),
                &[
                    ("field", label(s)),
                    ("signed_revision", json!(s.revision)),
                    ("modification_level", json!(s.modification_level)),
                    ("change", json!(first)),
                ],
            )
        })
        .collect()
}

/// `signature.untrusted`: an intact signature whose certificate chain reaches no anchor.
pub fn untrusted(sigs: &[SignatureFacts], policy: &Policy) -> Vec<Finding> {
    sigs.iter()
        .filter(|s| s.intact && s.valid && !s.trusted)
        .map(|s| {
            finding(
                policy,
                "signature.untrusted",
                format!(
                    "The certificate of {} does not chain to a trusted anchor.",
                    signer(s)
                ),
                &[
                    ("field", label(s)),
                    (
                        "issuer",
                        json!(s.signer.as_ref().and_then(|x| x.issuer.clone())),
                    ),
                    ("chain", json!(s.chain)),
                ],
            )
        })
        .collect()
}

/// `signature.certificate_invalid`: a certificate of the path was expired or not yet valid
/// at the signing time.
pub fn certificate_invalid(sigs: &[SignatureFacts], policy: &Policy) -> Vec<Finding> {
    sigs.iter()
        .filter(|s| s.certificate_valid_at_signing == Some(false))
        .map(|s| {
            finding(
                policy,
                "signature.certificate_invalid",
                format!(
                    "The certificate of {} was not valid when it signed.",
                    signer(s)
                ),
                &[
                    ("field", label(s)),
                    ("signing_time", json!(signing_time(s))),
                    (
                        "not_before",
                        json!(s.signer.as_ref().and_then(|x| x.not_before.clone())),
                    ),
                    (
                        "not_after",
                        json!(s.signer.as_ref().and_then(|x| x.not_after.clone())),
                    ),
                ],
            )
        })
        .collect()
}

/// The best time a signature gives: its verified timestamp, else the CMS signingTime, else
/// the dictionary's `/M`.
pub fn signing_time(s: &SignatureFacts) -> Option<String> {
    let ts = (s.timestamp.present && s.timestamp.intact && s.timestamp.valid)
        .then(|| s.timestamp.time.clone())
        .flatten();
    ts.or_else(|| s.signing_time.clone())
        .or_else(|| s.claimed_time.clone())
}

/// `time.in_future`: a signature dated after the document was processed.
pub fn in_future(sigs: &[SignatureFacts], now: Timestamp, policy: &Policy) -> Vec<Finding> {
    let slack = jiff::SignedDuration::from_secs(policy.time_tolerance_seconds);
    sigs.iter()
        .filter_map(|s| {
            let t: Timestamp = signing_time(s)?.parse().ok()?;
            (t > now.checked_add(slack).ok()?).then(|| {
                finding(
                    policy,
                    "time.in_future",
                    format!(
                        "{} is dated {t}, after the document was processed ({now}).",
                        signer(s)
                    ),
                    &[
                        ("field", label(s)),
                        ("time", json!(t.to_string())),
                        ("processed_at", json!(now.to_string())),
                    ],
                )
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::signature::byte_range::Coverage;
    use crate::signature::changes::ModificationLevel;
    use crate::signature::examine::{SignerFacts, TimestampFacts};

    fn good() -> SignatureFacts {
        SignatureFacts {
            field: Some("Signatur1".into()),
            orphan: false,
            filter: None,
            sub_filter: Some("ETSI.CAdES.detached".into()),
            doc_timestamp: false,
            certification: false,
            revision: Some(1),
            byte_range: vec![0, 10, 20, 10],
            digest_algorithm: Some("sha256".into()),
            signature_algorithm: Some("rsassa_pkcs1v15".into()),
            signer: Some(SignerFacts {
                common_name: Some("Elise Ackerot".into()),
                ..SignerFacts::default()
            }),
            signing_time: Some("2024-10-29T15:02:11Z".into()),
            claimed_time: None,
            name: None,
            reason: None,
            location: None,
            contact_info: None,
            intact: true,
            valid: true,
            coverage: Coverage::EntireFile,
            coverage_reason: None,
            modification_level: ModificationLevel::None,
            modified_after_signing: false,
            changes: Vec::new(),
            timestamp: TimestampFacts::default(),
            trusted: true,
            chain: Vec::new(),
            certificate_valid_at_signing: Some(true),
            revocation: Default::default(),
            warnings: Vec::new(),
            error: None,
        }
    }

    fn codes(f: &[Finding]) -> Vec<&str> {
        f.iter().map(|f| f.code.as_str()).collect()
    }

    #[test]
    fn flipped_byte_is_integrity_broken() {
        let p = Policy::default();
        let s = SignatureFacts {
            intact: false,
            ..good()
        };
        assert_eq!(
            codes(&integrity_broken(&[s], &p)),
            ["signature.integrity_broken"]
        );
        assert!(integrity_broken(&[good()], &p).is_empty());
    }

    #[test]
    fn unsupported_algorithm_is_unverifiable_not_broken() {
        let p = Policy::default();
        let s = SignatureFacts {
            intact: false,
            valid: false,
            error: Some("unsupported signature algorithm Ed448".into()),
            ..good()
        };
        assert!(integrity_broken(std::slice::from_ref(&s), &p).is_empty());
        assert_eq!(
            codes(&unverifiable_pdf(&[s], &p)),
            ["signature.unverifiable"]
        );
    }

    #[test]
    fn change_beyond_permission_is_modified_after_signing() {
        let p = Policy::default();
        let s = SignatureFacts {
            modified_after_signing: true,
            modification_level: ModificationLevel::Other,
            ..good()
        };
        assert_eq!(
            codes(&modified_after_signing(&[s], &p)),
            ["signature.modified_after_signing"]
        );
        // Permitted form filling after signing is not.
        let ok = SignatureFacts {
            modification_level: ModificationLevel::FormFilling,
            ..good()
        };
        assert!(modified_after_signing(&[ok], &p).is_empty());
    }

    #[test]
    fn other_ca_is_untrusted_but_a_broken_signature_is_not_also_untrusted() {
        let p = Policy::default();
        let s = SignatureFacts {
            trusted: false,
            ..good()
        };
        assert_eq!(codes(&untrusted(&[s], &p)), ["signature.untrusted"]);
        let broken = SignatureFacts {
            trusted: false,
            intact: false,
            ..good()
        };
        assert!(untrusted(&[broken], &p).is_empty());
    }

    #[test]
    fn expired_certificate_is_invalid_unknown_time_is_not() {
        let p = Policy::default();
        let s = SignatureFacts {
            certificate_valid_at_signing: Some(false),
            ..good()
        };
        assert_eq!(
            codes(&certificate_invalid(&[s], &p)),
            ["signature.certificate_invalid"]
        );
        let unknown = SignatureFacts {
            certificate_valid_at_signing: None,
            ..good()
        };
        assert!(certificate_invalid(&[unknown], &p).is_empty());
    }

    #[test]
    fn signature_dated_tomorrow_is_in_future() {
        let p = Policy::default();
        let now: Timestamp = "2024-10-29T15:00:00Z".parse().unwrap();
        assert_eq!(codes(&in_future(&[good()], now, &p)), ["time.in_future"]);
        // Within the tolerance is not.
        let close: Timestamp = "2024-10-29T15:01:00Z".parse().unwrap();
        assert!(in_future(&[good()], close, &p).is_empty());
    }
}
