//! Signatures of real-world signed PDFs (`shared/corpus/real-signed`, from the EU DSS and
//! pyHanko test suites) against the verdicts of two peers, pyHanko and poppler's pdfsig, and
//! the PAdES-signed protocols against the corpus's test PKI.
//!
//! - Where pyHanko and pdfsig agree on a signature's integrity, arkivar agrees: always.
//! - Where they disagree, the file is named below with arkivar's answer and why.
//! - Coverage and modification level agree with pyHanko on at least 95% of signatures; the
//!   differences are named with the argument for arkivar's answer.
//!
//! Skipped, with a message, when the corpus is not beside the project (`ARKIVAR_CORPUS`).

mod common;

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use arkivar::pdf::{Limits, PdfError, load};
use arkivar::signature::TrustStore;
use arkivar::signature::examine::{SignatureFacts, examine};
use serde_json::Value;

fn corpus() -> Option<PathBuf> {
    common::corpus_with("real-signed/reference.jsonl")
}

fn signatures_of(path: &Path, trust: &TrustStore) -> Result<Vec<SignatureFacts>, PdfError> {
    let bytes = std::fs::read(path).expect("read corpus file");
    let limits = Limits::default();
    let pdf = load(&bytes, &limits)?;
    Ok(examine(&bytes, &pdf, trust, &limits))
}

/// The signature pyHanko's entry `p` describes: by byte range, else by field name.
fn matching<'a>(sigs: &'a [SignatureFacts], p: &Value) -> Option<&'a SignatureFacts> {
    let range: Option<Vec<i64>> = p["byte_range"]
        .as_array()
        .map(|a| a.iter().filter_map(Value::as_i64).collect());
    sigs.iter()
        .find(|s| range.as_ref() == Some(&s.byte_range))
        .or_else(|| {
            sigs.iter()
                .find(|s| s.field.as_deref() == p["field"].as_str())
        })
}

fn coverage_name(p: &str) -> Option<&'static str> {
    Some(match p {
        "ENTIRE_FILE" => "entire_file",
        "ENTIRE_REVISION" => "entire_revision",
        "CONTIGUOUS_BLOCK_FROM_START" | "UNCLEAR" => "partial",
        _ => return None,
    })
}

fn level_name(p: &str) -> Option<&'static str> {
    Some(match p {
        "NONE" => "none",
        "LTA_UPDATES" => "lta_updates",
        "FORM_FILLING" => "form_filling",
        "ANNOTATIONS" => "annotations",
        "OTHER" | "SUSPICIOUS" => "other",
        _ => return None,
    })
}

fn json_name<T: serde::Serialize>(v: &T) -> String {
    serde_json::to_value(v)
        .ok()
        .and_then(|v| v.as_str().map(str::to_owned))
        .unwrap_or_default()
}

/// Where the peers disagree on integrity, or only pyHanko speaks: arkivar's answer and why.
/// `(file, field, intact and valid)`.
const PEER_DISAGREEMENTS: &[(&str, &str, bool)] = &[
    // Encrypted with the empty user password. Signature /Contents strings are never encrypted
    // (ISO 32000-2 §7.6.2), so the CMS reads as written and verifies over the file's bytes;
    // pdfsig errs while decrypting, pyHanko agrees with arkivar.
    ("dss__validation__encrypted.pdf", "Signature1", true),
    // Two SignerInfos. The first one's signature holds over the byte ranges; arkivar reports
    // a `multiple_signers` warning. pyHanko refuses such CMS outright, pdfsig checks the first.
    (
        "dss__validation__pdf-double-signer-info.pdf",
        "Signature1",
        true,
    ),
    // A catalog /Extensions dictionary that pdfsig trips over; the CMS is a plain, intact
    // signature, as pyHanko also finds.
    ("pyhanko__extensions-direct.pdf", "Sig2", true),
    (
        "pyhanko__extensions-indirect-not-all-paths.pdf",
        "Sig2",
        true,
    ),
    ("pyhanko__extensions-indirect.pdf", "Sig2", true),
    ("pyhanko__extensions-update-indirect.pdf", "Sig2", true),
    // adbe.pkcs7.detached with an encapsulated content: the messageDigest covers that embedded
    // content, not the PDF's byte ranges, so nothing ties the signature to this document. The
    // signature value verifies (`valid`), but the ranges are not what was signed (`intact` is
    // false, with an `encapsulated_content_mismatch` warning). pyHanko errs; pdfsig hashes
    // the ranges and says valid.
    ("pyhanko__pdf-sig-with-econtent.pdf", "Sig1", false),
    // Ed448 with SHAKE256: no maintained Rust implementation to verify with, so arkivar says
    // it could not check (`error` names the unsupported algorithm) rather than guess. pdfsig
    // errs too; pyHanko verifies.
    ("pyhanko__ed448-shake256-nolen.pdf", "Sig1", false),
];

#[test]
fn integrity_agrees_with_the_peers_and_disagreements_are_argued() {
    let Some(root) = corpus() else {
        common::skip(common::NO_CORPUS);
        return;
    };
    let dir = root.join("real-signed");
    let trust = TrustStore::new();
    let argued: HashMap<(&str, &str), bool> = PEER_DISAGREEMENTS
        .iter()
        .map(|(f, s, ok)| ((*f, *s), *ok))
        .collect();
    let (mut agreed, mut checked) = (0, 0);
    let mut cov = (0, 0);
    let mut modl = (0, 0);
    let mut failures = Vec::new();
    let mut differences = Vec::new();
    let reference = std::fs::read_to_string(dir.join("reference.jsonl")).expect("reference");
    for line in reference.lines() {
        let r: Value = serde_json::from_str(line).expect("reference line");
        let file = r["file"].as_str().unwrap_or_default();
        let path = dir.join(file);
        if !path.exists() {
            continue;
        }
        let sigs = match signatures_of(&path, &trust) {
            Ok(s) => s,
            Err(e) => {
                // Refused, and said why: public-key encryption needs a recipient's private key;
                // the spoofing attack's /Encrypt is no dictionary (pyHanko fails to parse it
                // too, pdfsig finds only an empty field), so no password can be tried.
                assert!(
                    [
                        "pyhanko__signed-encrypted-pubkey-with-catalog-ref.pdf",
                        "pyhanko__minimal-pubkey-aes256.pdf",
                        "dss__validation__pdf-spoofing-attack.pdf"
                    ]
                    .contains(&file),
                    "{file}: {e}"
                );
                assert!(matches!(e, PdfError::Encrypted { .. }), "{file}: {e}");
                continue;
            }
        };
        let pyhanko: Vec<&Value> = r["pyhanko"]["signatures"]
            .as_array()
            .map(|a| a.iter().collect())
            .unwrap_or_default();
        let by_field: HashMap<&str, &Value> = pyhanko
            .iter()
            .filter_map(|p| Some((p["field"].as_str()?, *p)))
            .collect();
        for cmp in r["integrity_comparison"].as_array().into_iter().flatten() {
            let field = cmp["field"].as_str().unwrap_or_default();
            let Some(p) = by_field.get(field) else {
                continue;
            };
            let got = matching(&sigs, p).map(|s| s.intact && s.valid);
            if let Some(&want) = argued.get(&(file, field)) {
                if got != Some(want) {
                    failures.push(format!("{file} {field}: argued {want}, got {got:?}"));
                }
                continue;
            }
            let peers = cmp["pyhanko"].as_str().unwrap_or_default();
            if cmp["agree"] != Value::Bool(true)
                || !matches!(peers, "ok" | "digest_mismatch" | "signature_invalid")
            {
                continue;
            }
            checked += 1;
            if got == Some(peers == "ok") {
                agreed += 1;
            } else {
                failures.push(format!("{file} {field}: peers {peers}, arkivar {got:?}"));
            }
        }
        for p in &pyhanko {
            let s = matching(&sigs, p);
            let field = p["field"].as_str().unwrap_or_default();
            if let Some(want) = p["coverage"].as_str().and_then(coverage_name) {
                cov.1 += 1;
                match s.map(|s| json_name(&s.coverage)) {
                    Some(got) if got == want => cov.0 += 1,
                    got => differences.push(format!(
                        "coverage {file} {field}: pyHanko {want}, arkivar {got:?}"
                    )),
                }
            }
            if let Some(want) = p["modification_level"].as_str().and_then(level_name) {
                modl.1 += 1;
                match s.map(|s| json_name(&s.modification_level)) {
                    Some(got) if got == want => modl.0 += 1,
                    got => differences.push(format!(
                        "modification {file} {field}: pyHanko {want}, arkivar {got:?}"
                    )),
                }
            }
        }
    }
    println!(
        "integrity {agreed}/{checked}; coverage {}/{}; modification {}/{}",
        cov.0, cov.1, modl.0, modl.1
    );
    for d in &differences {
        println!("  {d}");
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    assert!(checked > 100, "too few comparable signatures: {checked}");
    assert!(
        cov.0 * 100 >= cov.1 * 95,
        "coverage agreement {}/{}",
        cov.0,
        cov.1
    );
    assert!(
        modl.0 * 100 >= modl.1 * 95,
        "modification agreement {}/{}",
        modl.0,
        modl.1
    );
    // Every remaining difference is one argued in src/signature/changes/corpus.rs (AD-RB,
    // hello_signed_INCSAVE_signed, pades-ocsp-archiveCutOff-invalid): nothing new may appear.
    let known = [
        "AD-RB.pdf",
        "hello_signed_INCSAVE_signed.pdf",
        "pades-ocsp-archiveCutOff-invalid.pdf",
    ];
    for d in &differences {
        assert!(
            known.iter().any(|k| d.contains(k)),
            "unargued difference: {d}"
        );
    }
}

#[test]
fn protocol_signatures_chain_to_the_test_root_except_the_other_ca() {
    let Some(root) = corpus() else {
        common::skip(common::NO_CORPUS);
        return;
    };
    let mut trust = TrustStore::new();
    trust
        .add_pem_file(&root.join("pki/test-root.pem"))
        .expect("test root");
    for case in ["002-pades", "003-pades"] {
        let sigs = signatures_of(&root.join(format!("protocols/{case}/document.pdf")), &trust)
            .expect("loads");
        assert_eq!(sigs.len(), 3, "{case}");
        for s in &sigs {
            assert!(
                s.intact && s.valid && s.trusted,
                "{case} {:?}: {s:?}",
                s.field
            );
            assert_eq!(
                s.certificate_valid_at_signing,
                Some(true),
                "{case} {:?}",
                s.field
            );
        }
    }
    let sigs = signatures_of(
        &root.join("protocols/003-untrusted-ca/document.pdf"),
        &trust,
    )
    .expect("loads");
    let untrusted: Vec<_> = sigs.iter().filter(|s| !s.trusted).collect();
    assert_eq!(untrusted.len(), 1, "{sigs:?}");
    assert!(untrusted[0].intact && untrusted[0].valid);
    // Without the anchor nothing is trusted, however intact.
    let none = signatures_of(
        &root.join("protocols/002-pades/document.pdf"),
        &TrustStore::new(),
    )
    .expect("loads");
    assert!(none.iter().all(|s| !s.trusted && s.intact));
}

#[test]
fn tampered_protocols_show_it() {
    let Some(root) = corpus() else {
        common::skip(common::NO_CORPUS);
        return;
    };
    let trust = TrustStore::new();
    let flipped = signatures_of(
        &root.join("protocols/002-bytes-flipped/document.pdf"),
        &trust,
    )
    .expect("loads");
    assert!(flipped.iter().any(|s| !s.intact), "{flipped:?}");
    let modified = signatures_of(
        &root.join("protocols/003-modified-after-signing/document.pdf"),
        &trust,
    )
    .expect("loads");
    assert!(
        modified.iter().any(|s| s.modified_after_signing),
        "{modified:?}"
    );
    let clean =
        signatures_of(&root.join("protocols/003-pades/document.pdf"), &trust).expect("loads");
    assert!(
        clean
            .iter()
            .all(|s| s.intact && s.valid && !s.modified_after_signing)
    );
}

/// How a record's signature findings judge each signature: `(field, code, failure)` for every
/// `signature.integrity_broken` and every `signature.unverifiable` about a PDF signature.
fn judged(record: &arkivar::record::Record) -> Vec<(String, String, String)> {
    use arkivar::record::FindingCode;
    let mut out: Vec<(String, String, String)> = record
        .findings
        .iter()
        .filter(|f| {
            matches!(
                f.code,
                FindingCode::SignatureIntegrityBroken | FindingCode::SignatureUnverifiable
            )
        })
        .filter_map(|f| {
            let failure = f.evidence.get("failure")?.as_str()?.to_owned();
            let field = f.evidence.get("field").map(Value::to_string)?;
            Some((field, f.code.to_string(), failure))
        })
        .collect();
    out.sort();
    out
}

/// A signature's field and its class: `None` when fine, else its failure kind and whether that
/// kind is broken.
type Class = (Option<String>, Option<(String, bool)>);

/// Each signature's class from its facts.
fn classes(record: &arkivar::record::Record) -> Vec<Class> {
    record
        .signatures
        .iter()
        .map(|s| {
            let class = s.failure().map(|k| (k.as_str().to_owned(), k.is_broken()));
            (s.field.clone(), class)
        })
        .collect()
}

#[test]
fn signatures_and_verify_agree_on_what_is_broken_unverifiable_or_fine() {
    use arkivar::pipeline::{Settings, process_at, process_signatures};
    use arkivar::record::SourceInfo;
    let Some(root) = corpus() else {
        common::skip(common::NO_CORPUS);
        return;
    };
    let settings = Settings::default();
    let signature_settings = settings.for_signatures();
    let now: jiff::Timestamp = "2026-11-25T00:00:00Z".parse().expect("time");
    let mut files: Vec<PathBuf> = std::fs::read_dir(root.join("real-signed"))
        .expect("real-signed")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "pdf"))
        .collect();
    files.sort();
    let (mut signatures, mut broken, mut unverifiable) = (0, 0, 0);
    for path in &files {
        let bytes = std::fs::read(path).expect("read corpus file");
        let source = SourceInfo::from_path(path);
        let verify = process_at(&bytes, source.clone(), &settings, now);
        let only = process_signatures(&bytes, source, &signature_settings);
        let name = path.display();
        assert_eq!(classes(&verify), classes(&only), "{name}");
        assert_eq!(judged(&verify), judged(&only), "{name}");
        // Every signature that is not fine has exactly one finding of the kind its class says.
        for (field, class) in classes(&verify) {
            signatures += 1;
            let Some((kind, is_broken)) = class else {
                continue;
            };
            if is_broken {
                broken += 1;
            } else {
                unverifiable += 1;
            }
            let code = if is_broken {
                "signature.integrity_broken"
            } else {
                "signature.unverifiable"
            };
            let label = serde_json::to_string(&field.unwrap_or_else(|| "(no field)".into()))
                .expect("label");
            assert!(
                judged(&verify).contains(&(label, code.to_owned(), kind.clone())),
                "{name}: {kind} has no {code}"
            );
        }
        assert_eq!(verify.usage_rights.len(), only.usage_rights.len(), "{name}");
    }
    println!(
        "{} files, {signatures} signatures: {broken} broken, {unverifiable} unverifiable, the rest intact and valid, alike in verify and signatures",
        files.len()
    );
    assert!(signatures > 200, "too few signatures: {signatures}");
}
