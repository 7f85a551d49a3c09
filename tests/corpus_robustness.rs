//! Every PDF of `shared/corpus` through the whole pipeline: no panic escapes, none is even
//! contained inside arkivar's own code (that would be an `internal` error record), and every
//! file that does not load says why. The corpus holds deliberately broken files (spoofing
//! attacks, truncated and encrypted files), which is the point.
//!
//! Skipped, with a message, when the corpus is not beside the project (`ARKIVAR_CORPUS`).

mod common;

use std::path::PathBuf;

use arkivar::pipeline::Settings;
use arkivar::pipeline::process;
use arkivar::record::{ErrorKind, SourceInfo, Status};

fn corpus() -> Option<PathBuf> {
    common::corpus_with("")
}

#[test]
fn every_corpus_pdf_gets_a_record_and_no_internal_error() {
    let Some(root) = corpus() else {
        common::skip(common::NO_CORPUS);
        return;
    };
    let settings = Settings::default();
    let mut files = 0;
    let mut errors = Vec::new();
    let mut internal = Vec::new();
    for entry in walkdir::WalkDir::new(&root).sort_by_file_name() {
        let entry = entry.expect("walk corpus");
        let path = entry.path();
        if !path
            .extension()
            .is_some_and(|e| e.eq_ignore_ascii_case("pdf"))
        {
            continue;
        }
        files += 1;
        let bytes = std::fs::read(path).expect("read corpus file");
        let record = process(&bytes, SourceInfo::from_path(path), &settings);
        match (&record.status, &record.error) {
            (Status::Error, Some(e)) if e.kind == ErrorKind::Internal => {
                internal.push(format!("{}: {}", path.display(), e.message));
            }
            (Status::Error, Some(e)) => {
                assert!(
                    !e.message.is_empty(),
                    "{}: error without a reason",
                    path.display()
                );
                errors.push(format!(
                    "{}: [{}] {}",
                    path.display(),
                    e.kind.as_str(),
                    e.message
                ));
            }
            (Status::Error, None) => panic!("{}: status error without an error", path.display()),
            _ => {}
        }
    }
    println!("{files} PDFs; {} refused with a reason:", errors.len());
    for e in &errors {
        println!("  {e}");
    }
    assert!(
        internal.is_empty(),
        "arkivar itself failed on:\n{}",
        internal.join("\n")
    );
    assert!(files > 0);
}
