//! The committed `samples/` folder (what README's first command runs on) is exactly what
//! `cargo run --example make-samples -- samples` writes, and each sample gets the verdict it is
//! there to show when the binary runs on it with `--trust samples/trust.pem`.

mod common;

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use common::signed_samples::{self, Sample, TRUST_PEM};

const FIX: &str = "run `cargo run --example make-samples -- samples` and commit the result";

fn samples_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("samples")
}

fn trust() -> String {
    samples_dir().join(TRUST_PEM).to_string_lossy().into_owned()
}

fn arkivar(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_arkivar"))
        .args(args)
        .env_remove("RUST_LOG")
        .output()
        .expect("run arkivar")
}

fn record(output: &Output) -> serde_json::Value {
    serde_json::from_slice(&output.stdout).unwrap_or_else(|e| {
        panic!(
            "stdout is not a record ({e}): {}\nstderr: {}",
            String::from_utf8_lossy(&output.stdout),
            String::from_utf8_lossy(&output.stderr)
        )
    })
}

/// The record `arkivar verify` gives `file` with the anchors of `trust`.
fn verified_with(file: &Path, trust: &str) -> serde_json::Value {
    record(&arkivar(&[
        "verify",
        &file.to_string_lossy(),
        "--trust",
        trust,
        "--format",
        "json",
    ]))
}

fn status(record: &serde_json::Value) -> &str {
    record["status"].as_str().unwrap_or_default()
}

/// The codes of the record's warnings and errors (info findings change no status).
fn codes(record: &serde_json::Value) -> BTreeSet<String> {
    record["findings"]
        .as_array()
        .into_iter()
        .flatten()
        .filter(|f| f["severity"] != "info")
        .filter_map(|f| f["code"].as_str().map(str::to_owned))
        .collect()
}

/// Whether the scanned sample can be read: tesseract runs here (with `CI=true` it must).
fn tesseract_runs() -> bool {
    let runs = Command::new("tesseract")
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success());
    if !runs && std::env::var("CI").as_deref() == Ok("true") {
        panic!("tesseract is required with CI=true: the scanned sample needs OCR");
    }
    runs
}

fn is_scan(sample: &Sample) -> bool {
    sample.name.contains("scanned")
}

#[test]
fn committed_samples_match_what_make_samples_writes() {
    let dir = samples_dir();
    let mut expected: Vec<(String, Vec<u8>)> = signed_samples::all()
        .into_iter()
        .map(|s| (s.name.to_owned(), s.bytes))
        .collect();
    expected.push((
        TRUST_PEM.to_owned(),
        signed_samples::trust_pem().into_bytes(),
    ));
    for (name, bytes) in &expected {
        let committed =
            std::fs::read(dir.join(name)).unwrap_or_else(|e| panic!("samples/{name}: {e}; {FIX}"));
        assert!(committed == *bytes, "samples/{name} differs; {FIX}");
    }
    let mut committed: Vec<String> = std::fs::read_dir(&dir)
        .expect("samples/ exists")
        .filter_map(Result::ok)
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    committed.sort();
    let mut names: Vec<String> = expected.into_iter().map(|(name, _)| name).collect();
    names.sort();
    assert_eq!(committed, names, "samples/ holds other files; {FIX}");
}

#[test]
fn each_sample_gets_its_verdict_with_the_sample_ca_trusted() {
    let ocr = tesseract_runs();
    let trust = trust();
    for sample in signed_samples::all() {
        if is_scan(&sample) && !ocr {
            eprintln!("skip {}: tesseract is not installed", sample.name);
            continue;
        }
        let record = verified_with(&samples_dir().join(sample.name), &trust);
        let codes = codes(&record);
        let expected: BTreeSet<String> = sample.codes.iter().map(|c| (*c).to_owned()).collect();
        assert_eq!(
            (status(&record), &codes),
            (sample.status, &expected),
            "{}: {:#}",
            sample.name,
            record["findings"]
        );
    }
}

#[test]
fn without_the_sample_ca_the_signed_minutes_are_untrusted_not_verified() {
    let file = samples_dir().join("01-minutes-verified.pdf");
    let record = record(&arkivar(&[
        "verify",
        &file.to_string_lossy(),
        "--format",
        "json",
    ]));
    assert_eq!(status(&record), "warnings");
    assert!(
        codes(&record).contains("signature.untrusted"),
        "{:#}",
        record["findings"]
    );
}

#[test]
fn a_batch_over_the_samples_shows_every_kind_of_verdict() {
    let out = tempfile::tempdir().expect("a temporary folder");
    let output = arkivar(&[
        "batch",
        &samples_dir().to_string_lossy(),
        "--out",
        &out.path().to_string_lossy(),
        "--trust",
        &trust(),
    ]);
    let summary = String::from_utf8_lossy(&output.stdout);
    let mut statuses = BTreeSet::new();
    for entry in std::fs::read_dir(out.path()).expect("the records' folder") {
        let path = entry.expect("a record").path();
        if path.extension().is_some_and(|e| e == "json") {
            let bytes = std::fs::read(&path).expect("a readable record");
            if let Ok(record) = serde_json::from_slice::<serde_json::Value>(&bytes) {
                statuses.insert(status(&record).to_owned());
            }
        }
    }
    for wanted in ["verified", "warnings", "failed", "unsigned"] {
        assert!(
            statuses.contains(wanted),
            "no {wanted} record: {statuses:?}"
        );
        assert!(summary.contains(wanted), "{wanted} not in {summary:?}");
    }
    assert!(!statuses.contains("error"), "{statuses:?}");
}

/// The load runs' documents (`examples/scale_run.rs --pages`) get the verdicts the run expects
/// of them with pages of matters added, as with none: the pages change the work, not the
/// verdict.
#[test]
fn the_series_of_many_pages_keeps_each_documents_verdict() {
    let trust = trust();
    let dir = tempfile::tempdir().expect("temporary folder");
    for pages in [1, 6] {
        let series = signed_samples::Series::with_pages(pages);
        for i in 0..4 {
            let (expected, bytes) = series.born_digital(i);
            let file = dir.path().join(format!("doc-{pages}-{i}.pdf"));
            std::fs::write(&file, &bytes).expect("write the document");
            let record = verified_with(&file, &trust);
            assert_eq!(
                status(&record),
                expected,
                "document {i} of {pages} pages: {:#}",
                record["findings"]
            );
            assert_eq!(
                record["document"]["pages"].as_u64(),
                Some(pages as u64 + u64::from(i % 4 == 3)),
                "document {i} of {pages} pages: {:#}",
                record["document"]
            );
        }
    }
}
