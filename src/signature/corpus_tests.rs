//! Checks against the shared corpus, when it is there: `real-signed/` with the peer verdicts
//! of pyHanko and pdfsig (`reference.jsonl`), and the generated protocols with the test PKI.
//!
//! The PDF side is not this module's business, so signatures are found by a crude byte scan:
//! each `/ByteRange [a b c d]` whose gap `a+b..c` is a `<hex>` string is a signature, and that
//! string is its `/Contents`. A `/SubFilter /ETSI.RFC3161` near it marks a document timestamp.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use super::{
    CmsReport, TrustStore, VerifyOptions, verify_document_timestamp, verify_signed_data_with,
};

const REAL_SIGNED: &str = "/work/shared/corpus/real-signed";
const PROTOCOLS: &str = "/work/shared/corpus/protocols";
const TEST_ROOT: &str = "/work/shared/corpus/pki/test-root.pem";

/// How far around a signature's `/Contents` the crude scan looks for its `/SubFilter`.
const SUBFILTER_WINDOW: usize = 1024;

/// One signature found by the scan.
struct Found {
    byte_range: [usize; 4],
    contents: Vec<u8>,
    doc_timestamp: bool,
}

fn scan(pdf: &[u8]) -> Vec<Found> {
    let needle = b"/ByteRange";
    let mut out: Vec<Found> = Vec::new();
    let mut from = 0;
    while let Some(pos) = pdf
        .get(from..)
        .and_then(|h| h.windows(needle.len()).position(|w| w == needle))
    {
        let at = from + pos + needle.len();
        from = at;
        let Some(br) = parse_byte_range(pdf.get(at..).unwrap_or_default()) else {
            continue;
        };
        let [a, b, c, d] = br;
        let gap_start = a + b;
        if a != 0 || gap_start >= c || c.checked_add(d).is_none_or(|end| end > pdf.len()) {
            continue;
        }
        let Some(gap) = pdf.get(gap_start..c) else {
            continue;
        };
        let (Some(b'<'), Some(b'>')) = (gap.first(), gap.last()) else {
            continue;
        };
        let hex_text: Vec<u8> = gap
            .get(1..gap.len() - 1)
            .unwrap_or_default()
            .iter()
            .copied()
            .filter(|b| !b.is_ascii_whitespace())
            .collect();
        let mut hex_text = hex_text;
        if hex_text.len() % 2 == 1 {
            hex_text.push(b'0'); // PDF: a missing final digit is 0 (ISO 32000-1 §7.3.4.3)
        }
        let Ok(contents) = hex::decode(&hex_text) else {
            continue;
        };
        if out.iter().any(|f| f.byte_range == br) {
            continue;
        }
        let lo = gap_start.saturating_sub(SUBFILTER_WINDOW).min(at);
        let hi = (c + SUBFILTER_WINDOW).min(pdf.len());
        let window = pdf
            .get(lo..gap_start)
            .unwrap_or_default()
            .iter()
            .chain(pdf.get(c..hi).unwrap_or_default());
        let window: Vec<u8> = window.copied().collect();
        let doc_timestamp = window.windows(13).any(|w| w == b"/ETSI.RFC3161")
            || window.windows(13).any(|w| w == b"/DocTimeStamp");
        out.push(Found {
            byte_range: br,
            contents,
            doc_timestamp,
        });
    }
    out
}

fn parse_byte_range(after: &[u8]) -> Option<[usize; 4]> {
    let text = std::str::from_utf8(after.get(..after.len().min(200))?)
        .ok()
        .or_else(|| {
            // Binary may follow within 200 bytes: take the longest valid prefix.
            let valid = std::str::from_utf8(after.get(..200.min(after.len()))?)
                .err()?
                .valid_up_to();
            std::str::from_utf8(after.get(..valid)?).ok()
        })?;
    let text = text.trim_start();
    let inner = text.strip_prefix('[')?;
    let end = inner.find(']')?;
    let nums: Vec<usize> = inner
        .get(..end)?
        .split_whitespace()
        .map(|n| n.parse().ok())
        .collect::<Option<_>>()?;
    nums.try_into().ok()
}

fn ranges(pdf: &[u8], br: [usize; 4]) -> Vec<&[u8]> {
    let [a, b, c, d] = br;
    vec![
        pdf.get(a..a + b).unwrap_or_default(),
        pdf.get(c..c + d).unwrap_or_default(),
    ]
}

fn verify_found(pdf: &[u8], f: &Found, opts: &VerifyOptions<'_>) -> CmsReport {
    let r = ranges(pdf, f.byte_range);
    if f.doc_timestamp || super::is_timestamp_token(&f.contents) {
        verify_document_timestamp(&f.contents, &r, opts)
    } else {
        verify_signed_data_with(&f.contents, &r, opts)
    }
}

#[test]
fn real_signed_corpus_agrees_with_peers_on_integrity() {
    let dir = Path::new(REAL_SIGNED);
    let reference = dir.join("reference.jsonl");
    if !reference.exists() {
        crate::testing::skip(format_args!("no corpus {REAL_SIGNED}"));
        return;
    }
    let text = std::fs::read_to_string(&reference).unwrap();
    let trust = TrustStore::new();
    let opts = VerifyOptions::new(&trust);
    let (mut compared, mut intact_agree, mut valid_agree, mut valid_compared) = (0, 0, 0, 0);
    let (mut found_total, mut unmatched, mut errors) = (0, 0, 0);
    let (mut ts_compared, mut ts_agree, mut ber) = (0, 0, 0);
    let mut failures = Vec::new();
    let mut notes = Vec::new();
    for line in text.lines() {
        let rec: serde_json::Value = serde_json::from_str(line).unwrap();
        let file = rec["file"].as_str().unwrap();
        let path: PathBuf = dir.join(file);
        let Ok(pdf) = std::fs::read(&path) else {
            continue;
        };
        let found = scan(&pdf);
        found_total += found.len();
        let peers_agree: HashMap<&str, bool> = rec["integrity_comparison"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|c| Some((c["field"].as_str()?, c["agree"].as_bool()?)))
            .collect();
        let sigs = rec["pyhanko"]["signatures"]
            .as_array()
            .cloned()
            .unwrap_or_default();
        for f in &found {
            let report = verify_found(&pdf, f, &opts);
            if report.error.is_some() {
                errors += 1;
            }
            let Some(ph) = sigs.iter().find(|s| {
                s["byte_range"].as_array().is_some_and(|br| {
                    br.iter()
                        .filter_map(|v| v.as_u64())
                        .map(|v| v as usize)
                        .eq(f.byte_range)
                })
            }) else {
                unmatched += 1;
                continue;
            };
            let field = ph["field"].as_str().unwrap_or("?");
            if report.warnings.contains(&super::CmsWarning::BerEncoding) {
                ber += 1;
            }
            // Signature timestamps: pyHanko's verdict on the token, for information.
            let ph_ts = &ph["signature_timestamp"];
            if let (Some(i), Some(v)) = (ph_ts["intact"].as_bool(), ph_ts["valid"].as_bool()) {
                ts_compared += 1;
                let ours = report.timestamp.as_ref().map(|t| (t.intact, t.valid));
                if ours == Some((i, v)) {
                    ts_agree += 1;
                } else {
                    notes.push(format!(
                        "{file} {field}: signature timestamp ours={ours:?} pyHanko=({i}, {v})"
                    ));
                }
            }
            let Some(ph_intact) = ph["intact"].as_bool() else {
                notes.push(format!(
                    "{file} {field}: pyHanko has no verdict ({}); ours intact={} valid={} error={:?}",
                    ph["integrity"], report.intact, report.valid, report.error
                ));
                continue;
            };
            compared += 1;
            let both_peers = peers_agree.get(field).copied().unwrap_or(false);
            if ph_intact == report.intact {
                intact_agree += 1;
            } else if both_peers {
                failures.push(format!(
                    "{file} {field}: intact ours={} pyHanko={ph_intact} error={:?}",
                    report.intact, report.error
                ));
            } else {
                notes.push(format!(
                    "{file} {field}: intact ours={} pyHanko={ph_intact} (peers disagree) error={:?}",
                    report.intact, report.error
                ));
            }
            if let Some(ph_valid) = ph["valid"].as_bool() {
                valid_compared += 1;
                if ph_valid == report.valid {
                    valid_agree += 1;
                } else {
                    let msg = format!(
                        "{file} {field}: valid ours={} pyHanko={ph_valid} error={:?}",
                        report.valid, report.error
                    );
                    if both_peers {
                        failures.push(msg);
                    } else {
                        notes.push(msg);
                    }
                }
            }
        }
    }
    for n in &notes {
        println!("note: {n}");
    }
    for f in &failures {
        println!("DISAGREE: {f}");
    }
    println!(
        "real-signed: {found_total} signatures found, {unmatched} not in reference, {errors} with errors; \
         intact agrees with pyHanko on {intact_agree}/{compared}, valid on {valid_agree}/{valid_compared}; \
         signature timestamps agree on {ts_agree}/{ts_compared}; {ber} BER-encoded"
    );
    assert!(
        failures.is_empty(),
        "{} disagreements where both peers agree",
        failures.len()
    );
}

#[test]
fn protocol_pades_signatures_chain_to_the_test_root_and_untrusted_ca_does_not() {
    let root = Path::new(TEST_ROOT);
    if !root.exists() || !Path::new(PROTOCOLS).exists() {
        crate::testing::skip(format_args!("no corpus {PROTOCOLS}"));
        return;
    }
    let mut trust = TrustStore::new();
    trust.add_pem_file(root).unwrap();
    let opts = VerifyOptions::new(&trust);
    let mut cases: Vec<PathBuf> = std::fs::read_dir(PROTOCOLS)
        .unwrap()
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| {
            let name = p.file_name().and_then(|n| n.to_str()).unwrap_or_default();
            name.contains("pades") || name.contains("untrusted-ca")
        })
        .collect();
    cases.sort();
    assert!(!cases.is_empty());
    for case in cases {
        let name = case.file_name().unwrap().to_string_lossy().into_owned();
        let pdf = std::fs::read(case.join("document.pdf")).unwrap();
        let found = scan(&pdf);
        assert!(!found.is_empty(), "{name}: no signature found");
        let mut untrusted = 0;
        for f in &found {
            let report = verify_found(&pdf, f, &opts);
            println!(
                "{name} {:?}: intact={} valid={} trusted={} chain={:?} valid_at_signing={:?} error={:?}",
                f.byte_range,
                report.intact,
                report.valid,
                report.trusted,
                report.chain,
                report.certificate_valid_at_signing,
                report.error
            );
            assert!(report.intact && report.valid, "{name}: {report:?}");
            if !report.trusted {
                untrusted += 1;
            }
        }
        if name.contains("untrusted-ca") {
            // The case's finding is `signature.untrusted`: at least one signer's CA is unknown.
            assert!(
                untrusted > 0,
                "{name}: a signature from an unknown CA must not be trusted"
            );
        } else {
            assert_eq!(
                untrusted, 0,
                "{name}: every PAdES signature should chain to the test root"
            );
        }
    }
}

/// The QCStatements of real EU certificates read: the DSS and pyHanko test files carry
/// qualified signers (Czech, Belgian, Luxembourgish…). Every signer whose statements read is
/// counted; some claim all of a qualified signature, some are for seals, and none is
/// qualified under a non-EU law
/// (the corpus has none), so the reader is exercised on what issuers really write.
#[test]
fn real_signers_qc_statements_read() {
    let dir = Path::new(REAL_SIGNED);
    let reference = dir.join("reference.jsonl");
    if !reference.exists() {
        crate::testing::skip(format_args!("no corpus {REAL_SIGNED}"));
        return;
    }
    let trust = TrustStore::new();
    let opts = VerifyOptions::new(&trust);
    let (mut signers, mut stated, mut qualified_signature, mut seals) = (0, 0, 0, 0);
    let mut names: Vec<_> = std::fs::read_dir(dir)
        .unwrap()
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|e| e == "pdf"))
        .collect();
    names.sort();
    for path in names {
        let pdf = std::fs::read(&path).unwrap();
        for f in scan(&pdf) {
            let Some(signer) = verify_found(&pdf, &f, &opts).signer else {
                continue;
            };
            signers += 1;
            if let Some(qc) = signer.qc_statements {
                stated += 1;
                qualified_signature += usize::from(qc.claims_qualified_signature());
                seals += usize::from(qc.types.contains(&super::qualified::QcType::Eseal));
                assert!(qc.legislation.is_empty(), "{}", path.display());
            }
        }
    }
    eprintln!(
        "real-signed: {signers} signers, {stated} with QCStatements, {qualified_signature} claim a qualified signature, {seals} are for seals"
    );
    assert!(
        stated >= 40 && qualified_signature >= 10 && seals >= 1,
        "{stated} / {qualified_signature} / {seals}"
    );
}
