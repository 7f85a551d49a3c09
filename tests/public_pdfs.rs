//! Public PDFs from other projects' test suites, when a folder of them is given
//! (`ARKIVAR_PUBLIC_PDFS`): files are never copied into this repository, so this test runs
//! only where someone fetched them, and says so in one line where nobody did.
//!
//! - qpdf's `qpdf/qtest/qpdf/minimal-signed-restrictions-removed.pdf`: an Adobe Acrobat Sign
//!   document whose platform seal was removed, its audit report left as text. It must never be
//!   `verified`; each signing the report gives is `signature.unverifiable` (no seal).
//! - qpdf's `minimal-signed-restricted.pdf`: the same document with its seal. The seal covers
//!   the report, so no signing is unverifiable (the seal is only untrusted without Adobe's
//!   root).

mod common;

use std::path::PathBuf;

use arkivar::pipeline::{Settings, process};
use arkivar::record::{FindingCode, Record, SourceInfo, Status};

fn folder() -> Option<PathBuf> {
    std::env::var_os("ARKIVAR_PUBLIC_PDFS")
        .map(PathBuf::from)
        .filter(|d| d.is_dir())
}

fn record(path: &std::path::Path) -> Record {
    let bytes = std::fs::read(path).expect("read");
    process(&bytes, SourceInfo::from_path(path), &Settings::default())
}

/// The `reason` of each `signature.unverifiable` about a text signing.
fn unsealed(r: &Record) -> Vec<String> {
    r.findings
        .iter()
        .filter(|f| f.code == FindingCode::SignatureUnverifiable)
        .filter_map(|f| f.evidence.get("reason")?.as_str().map(str::to_owned))
        .collect()
}

#[test]
fn an_acrobat_sign_report_without_its_seal_is_never_verified() {
    let Some(dir) = folder() else {
        common::skip("no public PDFs (set ARKIVAR_PUBLIC_PDFS to a folder of them)");
        return;
    };
    let mut seen = 0;
    let stripped = dir.join("minimal-signed-restrictions-removed.pdf");
    if stripped.exists() {
        seen += 1;
        let r = record(&stripped);
        assert_ne!(r.status, Status::Verified, "{:#?}", r.findings);
        assert!(r.signatures.is_empty());
        assert_eq!(r.signing.len(), 2, "{:#?}", r.signing);
        assert_eq!(unsealed(&r), ["no_seal", "no_seal"], "{:#?}", r.findings);
    }
    let sealed = dir.join("minimal-signed-restricted.pdf");
    if sealed.exists() {
        seen += 1;
        let r = record(&sealed);
        assert_eq!(r.signatures.len(), 1);
        assert!(r.signatures[0].holds(), "{:?}", r.signatures[0].error);
        assert!(unsealed(&r).is_empty(), "{:#?}", r.findings);
        assert_eq!(r.signing.len(), 2, "{:#?}", r.signing);
    }
    println!(
        "{seen} of qpdf's two Acrobat Sign files found in {}",
        dir.display()
    );
}
