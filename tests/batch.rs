//! `arkivar batch` as a long run: killed halfway and run again, it ends with exactly one
//! record per document and an intact ledger; the reports cover every document.

mod common;

use std::collections::BTreeSet;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// Documents in the batch, as in issue 8's "done when"; also enough that the kill lands in
/// the middle.
const DOCUMENTS: usize = 1000;

/// `DOCUMENTS` distinct PDFs: the fixtures, each with a different trailing comment after
/// `%%EOF` (readers ignore it; the bytes, and so the identities, differ), and every tenth a
/// denser multi-page document (minutes-like text, so its status is `failed`: nobody signed)
/// so the run takes long enough to be interrupted.
fn generate(dir: &Path) {
    let samples = common::samples();
    let dense = common::dense_pages(8);
    for i in 0..DOCUMENTS {
        let mut bytes = if i % 10 == 0 {
            dense.clone()
        } else {
            samples[i % samples.len()].1.clone()
        };
        bytes.extend_from_slice(format!("\n% copy {i}\n").as_bytes());
        let sub = dir.join(format!("{:02}", i % 7));
        std::fs::create_dir_all(&sub).unwrap();
        std::fs::write(sub.join(format!("doc-{i:04}.pdf")), bytes).unwrap();
    }
}

fn batch(input: &Path, out: &Path) -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_arkivar"));
    cmd.args([
        "batch",
        input.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
    ])
    .args(["--jobs", "2"])
    .env_remove("RUST_LOG");
    cmd
}

fn ledger_lines(out: &Path) -> Vec<String> {
    std::fs::read_to_string(out.join("ledger.tsv"))
        .unwrap_or_default()
        .lines()
        .map(str::to_owned)
        .collect()
}

fn record_names(out: &Path) -> BTreeSet<String> {
    std::fs::read_dir(out)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter_map(|n| n.strip_suffix(".json").map(str::to_owned))
        .collect()
}

#[test]
fn killed_halfway_and_rerun_ends_with_every_record_once_and_an_intact_ledger() {
    let dir = tempfile::tempdir().unwrap();
    let (input, out) = (dir.path().join("in"), dir.path().join("out"));
    generate(&input);

    let mut child = batch(&input, &out)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let deadline = Instant::now() + Duration::from_secs(120);
    while ledger_lines(&out).len() < DOCUMENTS / 4 {
        assert!(
            child.try_wait().unwrap().is_none(),
            "the batch ended before it could be interrupted; raise DOCUMENTS"
        );
        assert!(Instant::now() < deadline, "the batch made no progress");
        std::thread::sleep(Duration::from_millis(5));
    }
    // SIGKILL: no chance to clean up, as in a crash.
    child.kill().unwrap();
    child.wait().unwrap();
    let after_kill = ledger_lines(&out).len();
    assert!(
        after_kill < DOCUMENTS,
        "killed after {after_kill} of {DOCUMENTS}"
    );
    // No report yet: the first run never got to the end.
    assert!(!out.join("report.csv").exists());

    let output = batch(&input, &out).output().unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    // Exit 1: the dense documents read as minutes without signatures, and fail.
    assert_eq!(output.status.code(), Some(1), "{stdout}\n{stderr}");
    assert!(
        stdout.contains(&format!("{DOCUMENTS} documents")),
        "{stdout}"
    );
    assert!(stdout.contains("done by an earlier run"), "{stdout}");
    // Not a terminal: plain progress lines and the summary table on stderr.
    assert!(
        stderr.contains(&format!("{DOCUMENTS}/{DOCUMENTS} documents")),
        "{stderr}"
    );
    assert!(
        stderr.contains("status") && stderr.contains("unsigned"),
        "{stderr}"
    );

    let records = record_names(&out);
    assert_eq!(records.len(), DOCUMENTS, "exactly one record per document");

    let lines = ledger_lines(&out);
    assert_eq!(lines.len(), DOCUMENTS, "one ledger line per document");
    let mut hashes = BTreeSet::new();
    for line in &lines {
        let fields: Vec<&str> = line.split('\t').collect();
        assert_eq!(fields.len(), 3, "{line:?}");
        assert!(
            fields[0].len() == 64 && fields[0].bytes().all(|b| b.is_ascii_hexdigit()),
            "{line:?}"
        );
        assert!(fields[1].ends_with(".pdf"), "{line:?}");
        assert!(matches!(fields[2], "unsigned" | "failed"), "{line:?}");
        assert!(hashes.insert(fields[0].to_owned()), "duplicate {line:?}");
    }
    assert_eq!(hashes, records, "the ledger lists exactly the records");
    let text = std::fs::read_to_string(out.join("ledger.tsv")).unwrap();
    assert!(text.ends_with('\n'));

    let csv = std::fs::read_to_string(out.join("report.csv")).unwrap();
    assert_eq!(
        csv.lines().count(),
        DOCUMENTS + 1,
        "header and one row each"
    );
    let html = std::fs::read_to_string(out.join("report.html")).unwrap();
    assert!(html.contains("doc-0999.pdf"));

    // A third run has nothing left to do.
    let output = batch(&input, &out).output().unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(
        stdout.contains(&format!("({DOCUMENTS} done by an earlier run)")),
        "{stdout}"
    );
    assert_eq!(ledger_lines(&out).len(), DOCUMENTS);
}
