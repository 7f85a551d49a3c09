//! Agreement with pyHanko's modification level on the shared corpus of real signed PDFs
//! (`real-signed/reference.jsonl`), and the files where arkivar deliberately differs.
//!
//! Skipped, with a printed line, when the corpus is absent. Its location: `ARKIVAR_CORPUS`,
//! else `/work/shared/corpus`, else `../shared/corpus` next to the crate.

use std::path::{Path, PathBuf};
use std::time::Instant;

use super::{ModificationLevel, SignatureChanges, analyse};
use crate::pdf::{Limits, load};
use crate::signature::field::{SignatureDict, find_signatures};

/// The share of scored signatures on which arkivar must agree with pyHanko.
const REQUIRED_AGREEMENT: f64 = 0.95;

fn corpus_dir() -> Option<PathBuf> {
    let candidates = [
        std::env::var_os("ARKIVAR_CORPUS").map(PathBuf::from),
        Some(PathBuf::from("/work/shared/corpus")),
        Some(Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/corpus")),
    ];
    candidates
        .into_iter()
        .flatten()
        .find(|p| p.join("real-signed").is_dir())
}

/// pyHanko's level names; `SUSPICIOUS` is a change no rule explains, arkivar's `Other`.
fn level_of(name: &str) -> Option<ModificationLevel> {
    Some(match name {
        "NONE" => ModificationLevel::None,
        "LTA_UPDATES" => ModificationLevel::LtaUpdates,
        "FORM_FILLING" => ModificationLevel::FormFilling,
        "ANNOTATIONS" => ModificationLevel::Annotations,
        "OTHER" | "SUSPICIOUS" => ModificationLevel::Other,
        _ => return None,
    })
}

/// arkivar's analysis of one corpus file: its signatures and their changes.
fn analyse_file(path: &Path) -> Option<(Vec<SignatureDict>, Vec<SignatureChanges>)> {
    let bytes = std::fs::read(path).ok()?;
    let limits = Limits::default();
    let pdf = load::load(&bytes, &limits).ok()?;
    let sigs = find_signatures(&pdf.doc);
    let changes = analyse(&bytes, &pdf, &sigs, &limits);
    Some((sigs, changes))
}

/// The signature pyHanko reports as `reference`: same field name, else same byte range.
fn matching<'a>(
    sigs: &'a [SignatureDict],
    changes: &'a [SignatureChanges],
    reference: &serde_json::Value,
) -> Option<&'a SignatureChanges> {
    let field = reference["field"].as_str();
    let byte_range: Option<Vec<i64>> = reference["byte_range"]
        .as_array()
        .map(|a| a.iter().filter_map(serde_json::Value::as_i64).collect());
    let by_range = sigs
        .iter()
        .position(|s| byte_range.as_ref().is_some_and(|br| &s.byte_range == br));
    let by_field = sigs.iter().position(|s| s.field.as_deref() == field);
    changes.get(by_range.or(by_field)?)
}

/// One scored signature.
struct Scored {
    file: String,
    field: String,
    pyhanko: ModificationLevel,
    arkivar: Option<ModificationLevel>,
    detail: String,
}

fn score(dir: &Path) -> Vec<Scored> {
    let reference =
        std::fs::read_to_string(dir.join("real-signed/reference.jsonl")).unwrap_or_default();
    let mut scored = Vec::new();
    for line in reference.lines() {
        let Ok(entry) = serde_json::from_str::<serde_json::Value>(line) else {
            continue;
        };
        let Some(file) = entry["file"].as_str() else {
            continue;
        };
        let Some(refs) = entry["pyhanko"]["signatures"].as_array() else {
            continue;
        };
        let wanted: Vec<(&serde_json::Value, ModificationLevel)> = refs
            .iter()
            .filter_map(|r| Some((r, level_of(r["modification_level"].as_str()?)?)))
            .collect();
        if wanted.is_empty() {
            continue;
        }
        let analysed = analyse_file(&dir.join("real-signed").join(file));
        for (r, pyhanko) in wanted {
            let ours = analysed
                .as_ref()
                .and_then(|(sigs, changes)| matching(sigs, changes, r));
            let detail = ours.map_or_else(
                || "not analysed".to_owned(),
                |c| {
                    c.changes
                        .iter()
                        .filter(|ch| ch.level == c.modification_level)
                        .take(2)
                        .map(|ch| {
                            format!(
                                "rev {} obj {:?} {:?}: {}",
                                ch.revision, ch.object, ch.what, ch.reason
                            )
                        })
                        .collect::<Vec<_>>()
                        .join("; ")
                },
            );
            scored.push(Scored {
                file: file.to_owned(),
                field: r["field"].as_str().unwrap_or("?").to_owned(),
                pyhanko,
                arkivar: ours.map(|c| c.modification_level),
                detail: format!(
                    "{detail} | pyHanko: {}",
                    r["diff_detail"]
                        .to_string()
                        .chars()
                        .take(200)
                        .collect::<String>()
                ),
            });
        }
    }
    scored
}

#[test]
fn corpus_agreement_with_pyhanko_modification_level() {
    let Some(dir) = corpus_dir() else {
        crate::testing::skip("no corpus (set ARKIVAR_CORPUS or place it at ../shared/corpus)");
        return;
    };
    let started = Instant::now();
    let scored = score(&dir);
    let agree = scored
        .iter()
        .filter(|s| s.arkivar == Some(s.pyhanko))
        .count();
    for s in scored.iter().filter(|s| s.arkivar != Some(s.pyhanko)) {
        println!(
            "disagree {} [{}]: pyHanko {:?}, arkivar {:?} — {}",
            s.file, s.field, s.pyhanko, s.arkivar, s.detail
        );
    }
    let share = agree as f64 / scored.len().max(1) as f64;
    println!(
        "agreement with pyHanko: {agree}/{} = {:.1}% in {:?}",
        scored.len(),
        share * 100.0,
        started.elapsed()
    );
    assert!(!scored.is_empty(), "reference.jsonl scored nothing");
    assert!(
        share >= REQUIRED_AGREEMENT,
        "agreement {share:.3} below {REQUIRED_AGREEMENT}"
    );
}

/// arkivar's analysis of the signature in field `field` of corpus file `file`, or `None` (with
/// a printed line) when the corpus is absent.
fn corpus_level(file: &str, field: &str) -> Option<ModificationLevel> {
    let Some(dir) = corpus_dir() else {
        crate::testing::skip("no corpus (set ARKIVAR_CORPUS or place it at ../shared/corpus)");
        return None;
    };
    let (sigs, changes) = analyse_file(&dir.join("real-signed").join(file))?;
    let at = sigs
        .iter()
        .position(|s| s.field.as_deref() == Some(field))?;
    changes.get(at).map(|c| c.modification_level)
}

/// pyHanko: `Other` ("the refs 249 65534 were freed"). The last revision's cross-reference
/// stream is object 249 and lists *itself* as free (next generation 65535). Object 249 did not
/// exist before that revision, so nothing signed was deleted; the revision adds a signature
/// in an existing field with its appearance, which is form filling.
#[test]
fn xref_stream_listing_itself_as_free_is_not_a_deletion() {
    let Some(level) = corpus_level(
        "dss__validation__AD-RB.pdf",
        "SignHere_827f69f3-6da4-46a7-b473-9ba175a32d41",
    ) else {
        return;
    };
    assert_eq!(level, ModificationLevel::FormFilling);
}

/// pyHanko: `LtaUpdates`. Revision 3 is an empty update whose trailer says `/Size 1`;
/// pyHanko takes that at its word, so in revision 4 the rewritten catalog, the new field
/// `Signature2` and its signature all count as never-assigned numbers that nothing new
/// reaches — "orphans", cleared as LTA updates. They are a new approval signature in a new
/// field, which is form filling.
#[test]
fn empty_update_with_size_one_does_not_hide_a_new_signature() {
    let Some(level) = corpus_level(
        "dss__validation__hello_signed_INCSAVE_signed.pdf",
        "Signature1",
    ) else {
        return;
    };
    assert_eq!(level, ModificationLevel::FormFilling);
}

/// pyHanko: `Other` (coverage "contiguous block from start"). The file is linearized; its
/// first-page trailer (`startxref 0`, ISO 32000-2 §F.3) ends at byte 680 and pyHanko counts
/// it as revision 0, so `Signature2`'s range, which ends exactly after the main section's
/// `%%EOF` and end-of-line, looks like it stops inside a revision. That `%%EOF` closes the
/// original file; the only later revision adds `Signature3`, which is form filling.
#[test]
fn linearized_first_page_trailer_does_not_split_the_signed_revision() {
    let Some(level) = corpus_level(
        "dss__validation__pades-ocsp-archiveCutOff-invalid.pdf",
        "Signature2",
    ) else {
        return;
    };
    assert_eq!(level, ModificationLevel::FormFilling);
}

/// pyHanko: `None` (it opened the file with the recipient's private key from its test suite).
/// The file is encrypted with the public-key security handler (ISO 32000-2 §7.6.5); without a
/// recipient key arkivar cannot read it, and the loader refuses it rather than guess.
#[test]
fn public_key_encrypted_file_is_refused_not_guessed() {
    let Some(dir) = corpus_dir() else {
        crate::testing::skip("no corpus (set ARKIVAR_CORPUS or place it at ../shared/corpus)");
        return;
    };
    let path = dir
        .join("real-signed")
        .join("pyhanko__signed-encrypted-pubkey-with-catalog-ref.pdf");
    let Ok(bytes) = std::fs::read(&path) else {
        crate::testing::skip(format_args!("{} missing", path.display()));
        return;
    };
    assert!(matches!(
        load::load(&bytes, &Limits::default()),
        Err(crate::pdf::PdfError::Encrypted { .. })
    ));
}

/// Every view built from the previous one and a revision's own objects
/// ([`super::increment`]) equals the view lopdf parses from the file up to that revision, on
/// every multi-revision PDF of the corpus (signed protocols and real signed PDFs).
#[test]
fn views_built_from_increments_equal_parsed_prefixes_on_the_corpus() {
    let Some(dir) = corpus_dir() else {
        crate::testing::skip("no corpus (set ARKIVAR_CORPUS or place it at ../shared/corpus)");
        return;
    };
    let mut files: Vec<PathBuf> = Vec::new();
    for sub in ["real-signed", "protocols"] {
        let Ok(entries) = std::fs::read_dir(dir.join(sub)) else {
            continue;
        };
        for entry in entries.flatten() {
            let path = entry.path();
            if path.is_dir() {
                files.push(path.join("document.pdf"));
            } else if path.extension().is_some_and(|e| e == "pdf") {
                files.push(path);
            }
        }
    }
    files.sort();
    let limits = Limits::default();
    let (mut built, mut parsed) = (0, 0);
    for path in &files {
        let Ok(bytes) = std::fs::read(path) else {
            continue;
        };
        let Ok(pdf) = load::load(&bytes, &limits) else {
            continue;
        };
        let parse = |number: usize| {
            let prefix = pdf.revision_bytes(&bytes, number)?;
            lopdf::Document::load_mem(prefix).ok()
        };
        for revision in pdf.revisions.iter().skip(1) {
            let (Some(prev), Some(prefix)) = (
                parse(revision.number - 1),
                pdf.revision_bytes(&bytes, revision.number),
            ) else {
                continue;
            };
            parsed += 1;
            let Some(view) = super::increment::view_after(&prev, prefix, revision, &limits) else {
                continue;
            };
            let whole = parse(revision.number).expect("the prefix parses when its increment does");
            assert!(
                view.objects == whole.objects && view.trailer == whole.trailer,
                "{}: revision {} differs from the parsed prefix",
                path.display(),
                revision.number
            );
            built += 1;
        }
    }
    println!("{built} of {parsed} later revisions built from their increments, all equal");
    assert!(built > 0, "the shortcut never applied on the corpus");
}
