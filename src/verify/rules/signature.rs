//! Rules over the PDF's cryptographic signatures: integrity, changes after signing, trust,
//! certificate validity, and signing times in the future.

use jiff::Timestamp;
use serde_json::{Value, json};

use super::{FindingCode, finding};
use crate::audit::AuditTrail;
use crate::audit::facts::signings;
use crate::record::{Finding, SigningSource};
use crate::signature::CheckErrorKind;
use crate::signature::examine::SignatureFacts;
use crate::signature::report::RevocationStatus;
use crate::verify::cover::Covers;
use crate::verify::policy::Policy;
use crate::verify::signing::Signing;

fn label(s: &SignatureFacts) -> Value {
    json!(s.field.clone().unwrap_or_else(|| "(no field)".into()))
}

fn signer(s: &SignatureFacts) -> String {
    s.signer
        .as_ref()
        .and_then(|x| x.common_name.clone())
        .unwrap_or_else(|| "an unknown signer".into())
}

/// The failure of a signature that was checked and found wrong (its bytes changed, its
/// value does not verify, or it is no well-formed signature).
fn broken(s: &SignatureFacts) -> Option<CheckErrorKind> {
    s.failure().filter(|k| k.is_broken())
}

/// The failure of a signature arkivar could not check (an algorithm or format it does not
/// implement, a missing certificate, a limit): `unverifiable`, not broken.
fn unchecked(s: &SignatureFacts) -> Option<CheckErrorKind> {
    s.failure().filter(|k| !k.is_broken())
}

/// What a failure means, for people.
fn explain(kind: CheckErrorKind) -> &'static str {
    match kind {
        CheckErrorKind::DigestMismatch => {
            "the digest of the signed bytes differs from the one that was signed"
        }
        CheckErrorKind::SignatureMismatch => {
            "the signature value does not verify with the signer's key"
        }
        CheckErrorKind::Malformed => "the signature value is not a well-formed signature",
        CheckErrorKind::UnsupportedAlgorithm => "it uses an algorithm arkivar does not implement",
        CheckErrorKind::UnsupportedFormat => {
            "it is in a format arkivar cannot check offline (such as a Guardtime KSI seal)"
        }
        CheckErrorKind::CertificateMissing => "the signer's certificate is not in the document",
        CheckErrorKind::OverLimit => "it is larger than arkivar reads from untrusted input",
        CheckErrorKind::Internal => "arkivar failed while checking it",
    }
}

/// `signature.integrity_broken`: the signed bytes changed, or the signature value does not
/// verify, or the value is not a signature at all.
pub fn integrity_broken(sigs: &[SignatureFacts], policy: &Policy) -> Vec<Finding> {
    sigs.iter()
        .filter_map(|s| broken(s).map(|kind| (s, kind)))
        .map(|(s, kind)| {
            finding(
                policy,
                FindingCode::SignatureIntegrityBroken,
                format!(
                    "The signature by {} is broken: {}.",
                    signer(s),
                    explain(kind)
                ),
                &[
                    ("field", label(s)),
                    ("intact", json!(s.intact)),
                    ("valid", json!(s.valid)),
                    ("failure", json!(kind)),
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
                FindingCode::SignatureUnverifiable,
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
/// or format arkivar does not implement, a certificate that is not there).
pub fn unverifiable_pdf(sigs: &[SignatureFacts], policy: &Policy) -> Vec<Finding> {
    sigs.iter()
        .filter_map(|s| unchecked(s).map(|kind| (s, kind)))
        .map(|(s, kind)| {
            finding(
                policy,
                FindingCode::SignatureUnverifiable,
                format!(
                    "The signature by {} cannot be checked: {}.",
                    signer(s),
                    explain(kind)
                ),
                &[
                    ("field", label(s)),
                    ("failure", json!(kind)),
                    ("error", json!(s.error)),
                ],
            )
        })
        .collect()
}

/// `signature.unverifiable` for each signing that only text supports: an audit trail or a
/// stamp that no checked seal covers (verdict.md § What counts as a signature). The signing
/// stays in the record; the warning keeps the document from being `verified` on text that
/// anyone could have typed.
pub fn unverifiable_evidence(signing: &[Signing], policy: &Policy) -> Vec<Finding> {
    signing
        .iter()
        .filter_map(|e| e.unvouched().map(|reason| (e, reason)))
        .map(|(e, reason)| {
            let what = match e.source {
                SigningSource::AuditTrail => "an e-sign audit trail",
                SigningSource::Text => "a signing stamp in the text",
                SigningSource::Pades => "a PDF signature",
                SigningSource::EidLogin => "the eID login of a PDF signature",
            };
            finding(
                policy,
                FindingCode::SignatureUnverifiable,
                format!(
                    "{} signed according to {what} only, and {}; text alone proves no signing.",
                    e.name,
                    reason.explain()
                ),
                &[
                    ("name", json!(e.name)),
                    ("role", json!(e.role)),
                    ("source", json!(e.source)),
                    (
                        "at",
                        json!(e.times.iter().map(|t| t.at.as_str()).collect::<Vec<_>>()),
                    ),
                    ("reason", json!(reason)),
                ],
            )
        })
        .collect()
}

/// `signature.unverifiable` for an audit trail that no seal covers and that names no signing
/// (a report of approvals only, or one whose events could not be read): the signings rule has
/// nothing to attach the warning to, and a typed report must still never pass for a signed
/// document.
pub fn unverifiable_trails(
    trails: &[AuditTrail],
    covers: &Covers,
    policy: &Policy,
) -> Vec<Finding> {
    trails
        .iter()
        .enumerate()
        .filter(|(_, t)| signings(t).is_empty())
        .filter_map(|(i, t)| covers.trail(i).map(|reason| (t, reason)))
        .map(|(t, reason)| {
            finding(
                policy,
                FindingCode::SignatureUnverifiable,
                format!(
                    "The e-sign audit trail on pages {}–{} names no signing, and {}; text alone proves no signing.",
                    t.page_range.first,
                    t.page_range.last,
                    reason.explain()
                ),
                &[
                    ("pages", json!(t.page_range)),
                    ("source", json!(SigningSource::AuditTrail)),
                    ("reason", json!(reason)),
                ],
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
                FindingCode::SignatureModifiedAfterSigning,
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
                FindingCode::SignatureUntrusted,
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
/// at the signing time, or revoked at or before it (embedded CRL or OCSP data says so).
pub fn certificate_invalid(sigs: &[SignatureFacts], policy: &Policy) -> Vec<Finding> {
    sigs.iter()
        .filter(|s| {
            s.certificate_valid_at_signing == Some(false)
                || s.revocation.revoked_before_time().is_some()
        })
        .map(|s| {
            let revoked = s.revocation.revoked_before_time();
            let proof = &s.proof_of_existence;
            let message = match revoked {
                Some(r) if s.certificate_valid_at_signing != Some(false) && proof.proven => {
                    format!(
                        "The certificate of {} was revoked before the earliest time a trusted timestamp proves the signature existed ({} revoked at {}, proven at {}).",
                        signer(s),
                        r.subject,
                        r.revoked_at.as_deref().unwrap_or("an unknown time"),
                        proof.time.as_deref().unwrap_or("an unknown time")
                    )
                }
                Some(r) if s.certificate_valid_at_signing != Some(false) => format!(
                    "The certificate of {} was revoked before it signed ({} revoked at {}).",
                    signer(s),
                    r.subject,
                    r.revoked_at.as_deref().unwrap_or("an unknown time")
                ),
                _ => format!(
                    "The certificate of {} was not valid when it signed.",
                    signer(s)
                ),
            };
            finding(
                policy,
                FindingCode::SignatureCertificateInvalid,
                message,
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
                    ("revoked", json!(revoked)),
                    // The time the certificate was judged at, and whether a timestamp proves it.
                    ("judged_at", json!(s.revocation.time)),
                    ("best_signature_time", json!(proof.time)),
                    ("time_source", json!(proof.source)),
                ],
            )
        })
        .collect()
}

/// `signature.unverifiable` for a signature whose certificate (or a CA's on its path) the
/// embedded data shows revoked *after* the time the signature claims, when no timestamp
/// proves that claim. The claim is the signer's own, signed with the very key that may have
/// been compromised, so nothing shows the signature was made while the certificate was good
/// (ETSI EN 319 102-1: INDETERMINATE/REVOKED_NO_POE). A revocation at or before the judged
/// time is `certificate_invalid`'s; a proven time settles it either way. Document timestamps
/// are left out: their time is their own token's.
pub fn revoked_after_claimed_time(sigs: &[SignatureFacts], policy: &Policy) -> Vec<Finding> {
    sigs.iter()
        .filter(|s| s.holds() && !s.doc_timestamp && !s.proof_of_existence.proven)
        .filter(|s| s.revocation.revoked_before_time().is_none())
        .filter_map(|s| {
            let revoked = s
                .revocation
                .certificates
                .iter()
                .find(|c| c.status == RevocationStatus::Revoked)?;
            Some((s, revoked))
        })
        .map(|(s, revoked)| {
            let proof = &s.proof_of_existence;
            let when = match proof.time.as_deref() {
                Some(claimed) => format!("after the time the signature claims ({claimed})"),
                None => "and nothing says when the signature was made".to_owned(),
            };
            finding(
                policy,
                FindingCode::SignatureUnverifiable,
                format!(
                    "The certificate {} of {} was revoked at {}, {when}; no timestamp proves it was signed before the revocation.",
                    revoked.subject,
                    signer(s),
                    revoked.revoked_at.as_deref().unwrap_or("an unknown time"),
                ),
                &[
                    ("field", label(s)),
                    ("revoked", json!(revoked)),
                    ("claimed_time", json!(proof.time)),
                    ("time_source", json!(proof.source)),
                ],
            )
        })
        .collect()
}

/// The best time a signature gives: its verified timestamp, else the CMS signingTime, else
/// the dictionary's `/M`.
pub fn signing_time(s: &SignatureFacts) -> Option<String> {
    let ts = s
        .timestamp
        .holds()
        .then(|| s.timestamp.time.clone())
        .flatten();
    ts.or_else(|| s.signing_time.clone())
        .or_else(|| s.claimed_time.clone())
}

/// `signature.svt_disagrees`: a signature validation token (RFC 9321) that a document
/// timestamp carries calls a signature PASSED, and arkivar's own check finds that signature
/// not intact or not valid. The token is the other service's claim; arkivar's check is the
/// verdict, and the contradiction is said. A token's verdict on a signature the document does
/// not have (no signature with its byte ranges) is ignored.
pub fn svt_disagrees(sigs: &[SignatureFacts], policy: &Policy) -> Vec<Finding> {
    let mut out = Vec::new();
    for stamp in sigs {
        let Some(svt) = &stamp.svt else { continue };
        for claim in svt.signatures.iter().filter(|c| c.passed()) {
            let Some(checked) = sigs
                .iter()
                .find(|s| !s.byte_range.is_empty() && s.byte_range == claim.byte_range)
            else {
                continue;
            };
            if checked.intact && checked.valid {
                continue;
            }
            out.push(finding(
                policy,
                FindingCode::SignatureSvtDisagrees,
                format!(
                    "The validation token in {} says the signature by {} passed, but arkivar finds it {}.",
                    stamp.field.as_deref().unwrap_or("a document timestamp"),
                    signer(checked),
                    if checked.intact { "invalid" } else { "not intact" }
                ),
                &[
                    ("field", label(checked)),
                    ("token_field", label(stamp)),
                    ("issuer", json!(svt.issuer)),
                    ("intact", json!(checked.intact)),
                    ("valid", json!(checked.valid)),
                ],
            ));
        }
    }
    out
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
                    FindingCode::TimeInFuture,
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
    use crate::signature::CheckError;
    use crate::signature::changes::ModificationLevel;

    fn good() -> SignatureFacts {
        SignatureFacts::sample("Elise Ackerot")
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
            error: Some(CheckError::new(
                CheckErrorKind::UnsupportedAlgorithm,
                "unsupported algorithm 1.3.101.113",
            )),
            ..good()
        };
        assert!(integrity_broken(std::slice::from_ref(&s), &p).is_empty());
        assert_eq!(
            codes(&unverifiable_pdf(&[s], &p)),
            ["signature.unverifiable"]
        );
    }

    #[test]
    fn the_kind_decides_never_the_message() {
        let p = Policy::default();
        // Malformed says "unsupported" in its message: still broken, by its kind.
        let malformed = SignatureFacts {
            intact: false,
            valid: false,
            error: Some(CheckError::new(
                CheckErrorKind::Malformed,
                "unsupported high-number ASN.1 tag at byte 4",
            )),
            ..good()
        };
        assert_eq!(
            codes(&integrity_broken(std::slice::from_ref(&malformed), &p)),
            ["signature.integrity_broken"]
        );
        assert!(unverifiable_pdf(&[malformed], &p).is_empty());
        // A KSI seal whose message says nothing of support is unverifiable, by its kind.
        let ksi = SignatureFacts {
            intact: false,
            valid: false,
            error: Some(CheckError::new(
                CheckErrorKind::UnsupportedFormat,
                "SubFilter ETSI.RFC 3161 is not a format arkivar checks",
            )),
            ..good()
        };
        assert!(integrity_broken(std::slice::from_ref(&ksi), &p).is_empty());
        assert_eq!(
            codes(&unverifiable_pdf(&[ksi], &p)),
            ["signature.unverifiable"]
        );
        // Every kind lands in exactly one of the two rules.
        for kind in [
            CheckErrorKind::Malformed,
            CheckErrorKind::DigestMismatch,
            CheckErrorKind::SignatureMismatch,
            CheckErrorKind::UnsupportedAlgorithm,
            CheckErrorKind::UnsupportedFormat,
            CheckErrorKind::CertificateMissing,
            CheckErrorKind::OverLimit,
            CheckErrorKind::Internal,
        ] {
            let s = SignatureFacts {
                valid: false,
                error: Some(CheckError::new(kind, "x")),
                ..good()
            };
            let n = integrity_broken(std::slice::from_ref(&s), &p).len()
                + unverifiable_pdf(std::slice::from_ref(&s), &p).len();
            assert_eq!(n, 1, "{kind:?}");
        }
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
    fn certificate_revoked_before_signing_is_invalid_after_it_is_not() {
        use crate::signature::report::{
            CertificateRevocation, RevocationEvidence, RevocationInfo, RevocationReason,
            RevocationSource, RevocationStatus,
        };
        let p = Policy::default();
        let with = |before: bool| SignatureFacts {
            revocation: RevocationInfo {
                certificates: vec![CertificateRevocation {
                    subject: "Erik Lövgren".into(),
                    serial: "01234567".into(),
                    status: RevocationStatus::Revoked,
                    revoked_at: Some("2024-01-15T00:00:00Z".into()),
                    reason: Some(RevocationReason::KeyCompromise),
                    revoked_before_time: before,
                    source: Some(RevocationSource::Dss),
                    evidence: Some(RevocationEvidence::Ocsp),
                    this_update: Some("2024-03-01T11:00:00Z".into()),
                    next_update: None,
                    refused: Vec::new(),
                }],
                ..RevocationInfo::default()
            },
            ..good()
        };
        let found = certificate_invalid(&[with(true)], &p);
        assert_eq!(codes(&found), ["signature.certificate_invalid"]);
        assert!(
            found[0].message.contains("revoked before it signed"),
            "{}",
            found[0].message
        );
        assert_eq!(found[0].evidence["revoked"]["reason"], "key_compromise");
        assert_eq!(found[0].evidence["time_source"], "signing_time");
        assert!(certificate_invalid(&[with(false)], &p).is_empty());
    }

    #[test]
    fn revoked_after_an_unproven_claim_is_unverifiable_after_a_proven_time_is_not() {
        use crate::signature::existence::ExistenceSource;
        use crate::signature::report::{CertificateRevocation, RevocationInfo};
        let p = Policy::default();
        let revoked = |before: bool| SignatureFacts {
            revocation: RevocationInfo {
                certificates: vec![CertificateRevocation {
                    status: RevocationStatus::Revoked,
                    revoked_at: Some("2024-11-01T00:00:00Z".into()),
                    revoked_before_time: before,
                    ..CertificateRevocation::no_data("Erik Lövgren".into(), "01234567".into())
                }],
                ..RevocationInfo::default()
            },
            ..good()
        };
        // The sample claims 2024-10-29 (signingTime) and no timestamp proves it.
        let found = revoked_after_claimed_time(&[revoked(false)], &p);
        assert_eq!(codes(&found), ["signature.unverifiable"]);
        assert_eq!(found[0].evidence["claimed_time"], "2024-10-29T15:02:11Z");
        assert_eq!(found[0].evidence["time_source"], "signing_time");
        assert_eq!(
            found[0].evidence["revoked"]["revoked_at"],
            "2024-11-01T00:00:00Z"
        );
        assert!(certificate_invalid(&[revoked(false)], &p).is_empty());
        // Near miss: a timestamp proves the time, so the revocation after it is harmless.
        let mut proven = revoked(false);
        proven.proof_of_existence.proven = true;
        proven.proof_of_existence.source = ExistenceSource::SignatureTimestamp;
        assert!(revoked_after_claimed_time(&[proven], &p).is_empty());
        // Near miss: revoked before the claim is certificate_invalid's, not this rule's.
        assert!(revoked_after_claimed_time(&[revoked(true)], &p).is_empty());
        assert_eq!(
            codes(&certificate_invalid(&[revoked(true)], &p)),
            ["signature.certificate_invalid"]
        );
        // Nor is a good certificate anything.
        assert!(revoked_after_claimed_time(&[good()], &p).is_empty());
        // No time at all: nothing shows the signature came first either.
        let mut timeless = revoked(false);
        timeless.proof_of_existence.time = None;
        timeless.proof_of_existence.source = ExistenceSource::None;
        let found = revoked_after_claimed_time(&[timeless], &p);
        assert!(
            found[0].message.contains("nothing says when"),
            "{}",
            found[0].message
        );
    }

    #[test]
    fn revoked_before_a_proven_time_says_a_timestamp_proves_it() {
        use crate::signature::existence::{ExistenceSource, ProofOfExistence};
        use crate::signature::report::{
            CertificateRevocation, RevocationInfo, RevocationSource, RevocationStatus,
        };
        let p = Policy::default();
        let with = |proven: bool| SignatureFacts {
            revocation: RevocationInfo {
                time: Some("2024-05-01T00:00:00Z".into()),
                certificates: vec![CertificateRevocation {
                    subject: "Erik Lövgren".into(),
                    serial: "01234567".into(),
                    status: RevocationStatus::Revoked,
                    revoked_at: Some("2024-04-01T00:00:00Z".into()),
                    reason: None,
                    revoked_before_time: true,
                    source: Some(RevocationSource::Dss),
                    evidence: None,
                    this_update: None,
                    next_update: None,
                    refused: Vec::new(),
                }],
                ..RevocationInfo::default()
            },
            proof_of_existence: ProofOfExistence {
                proven,
                time: Some("2024-05-01T00:00:00Z".into()),
                source: if proven {
                    ExistenceSource::DocumentTimestamp
                } else {
                    ExistenceSource::SigningTime
                },
                ..ProofOfExistence::default()
            },
            ..good()
        };
        let found = certificate_invalid(&[with(true)], &p);
        assert_eq!(codes(&found), ["signature.certificate_invalid"]);
        assert!(
            found[0].message.contains("a trusted timestamp proves"),
            "{}",
            found[0].message
        );
        assert_eq!(found[0].evidence["time_source"], "document_timestamp");
        assert_eq!(found[0].evidence["judged_at"], "2024-05-01T00:00:00Z");
        // Near miss: the same revocation against a claimed time says no proof.
        let found = certificate_invalid(&[with(false)], &p);
        assert!(
            found[0].message.contains("revoked before it signed"),
            "{}",
            found[0].message
        );
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

#[cfg(test)]
mod svt_tests {
    use super::*;
    use crate::signature::svt::{Svt, SvtOutcome, SvtResult, SvtSignature};

    /// A signature over `range` and a document timestamp whose token says `result` of it.
    fn signed_and_stamped(range: Vec<i64>, result: SvtOutcome) -> Vec<SignatureFacts> {
        let mut signed = SignatureFacts::sample("Majlis Medin");
        signed.byte_range = range.clone();
        let mut stamp = SignatureFacts::sample("Sweden Connect Test SVT Issuer");
        stamp.doc_timestamp = true;
        stamp.byte_range = vec![0, 10, 20, 30];
        stamp.svt = Some(Svt {
            token: Default::default(),
            issuer: Some("https://swedenconnect.se/validator".into()),
            issued_at: None,
            signatures: vec![SvtSignature {
                byte_range: range,
                results: vec![SvtResult {
                    policy: None,
                    result,
                    message: None,
                }],
            }],
        });
        vec![signed, stamp]
    }

    #[test]
    fn a_token_that_passes_a_broken_signature_disagrees() {
        let p = Policy::default();
        let mut sigs = signed_and_stamped(vec![0, 100, 200, 50], SvtOutcome::Passed);
        assert!(svt_disagrees(&sigs, &p).is_empty(), "both say it holds");
        sigs[0].intact = false;
        let found = svt_disagrees(&sigs, &p);
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].code, FindingCode::SignatureSvtDisagrees);
        assert_eq!(found[0].severity, crate::record::Severity::Error);
    }

    #[test]
    fn a_failed_verdict_or_another_documents_signature_is_no_disagreement() {
        let p = Policy::default();
        // Near misses: the token says FAILED too; the token names ranges no signature has.
        let mut sigs = signed_and_stamped(vec![0, 100, 200, 50], SvtOutcome::Failed);
        sigs[0].valid = false;
        assert!(svt_disagrees(&sigs, &p).is_empty());
        let mut sigs = signed_and_stamped(vec![0, 100, 200, 50], SvtOutcome::Passed);
        sigs[0].valid = false;
        sigs[0].byte_range = vec![0, 101, 200, 50];
        assert!(svt_disagrees(&sigs, &p).is_empty());
    }
}
