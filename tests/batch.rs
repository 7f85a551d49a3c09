//! `arkivar batch` as a long run: killed halfway and run again, it ends with exactly one
//! record per document and an intact ledger; the reports cover every document. Interrupted
//! with SIGINT, it finishes what is in flight and says how to resume. With `--sink` every
//! record goes to a real archive server, and only confirmed records reach the ledger.

mod archive_server;
mod common;

use std::collections::BTreeSet;
use std::path::Path;
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

use archive_server::{Archive, Behaviour};

/// Documents in the batch, as in issue 8's "done when"; also enough that the kill lands in
/// the middle.
const DOCUMENTS: usize = 1000;

/// `count` distinct PDFs: the fixtures, each with a different trailing comment after
/// `%%EOF` (readers ignore it; the bytes, and so the identities, differ), and every tenth a
/// denser multi-page document (minutes-like text, so its status is `failed`: nobody signed)
/// so the run takes long enough to be interrupted.
fn generate(dir: &Path, count: usize) {
    let samples = common::samples();
    let dense = common::dense_pages(8);
    for i in 0..count {
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
    generate(&input, DOCUMENTS);

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
    // Exit 3, the worst of its documents: the dense ones read as minutes without
    // signatures, and fail.
    assert_eq!(output.status.code(), Some(3), "{stdout}\n{stderr}");
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

/// Runs a batch command to its end off the async runtime, so the archive server the test
/// started keeps answering meanwhile.
async fn finish(mut cmd: Command) -> Output {
    tokio::task::spawn_blocking(move || cmd.output().unwrap())
        .await
        .unwrap()
}

/// Every ledger line names a record that exists and is that document's; returns the hashes.
fn ledger_hashes_with_records(out: &Path) -> BTreeSet<String> {
    let mut hashes = BTreeSet::new();
    for line in ledger_lines(out) {
        let sha = line.split('\t').next().unwrap().to_owned();
        let record: serde_json::Value =
            serde_json::from_slice(&std::fs::read(out.join(format!("{sha}.json"))).unwrap())
                .unwrap_or_else(|e| panic!("the record of {line:?}: {e}"));
        assert_eq!(record["identity"]["sha256"], sha.as_str());
        assert!(hashes.insert(sha), "duplicate ledger line {line:?}");
    }
    hashes
}

/// `--sink URL`: each record also goes to the HTTP archive, through the worker's client
/// (bearer token from a file, idempotency key `<sha256>:<pipeline>`). The archive fails the
/// first three requests, which are not retried here (`--archive-attempts 1`): those three
/// documents get no ledger line, the run exits 2 and says so, and the rerun sends exactly
/// those three and nothing else.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sink_sends_every_record_and_the_ledger_lists_only_what_the_archive_confirmed() {
    const COUNT: usize = 12;
    let archive = Archive::start(Behaviour {
        fail_first: 3,
        ..Default::default()
    })
    .await;
    let dir = tempfile::tempdir().unwrap();
    let (input, out) = (dir.path().join("in"), dir.path().join("out"));
    generate(&input, COUNT);
    let token = dir.path().join("token");
    std::fs::write(&token, "batch-token\n").unwrap();
    let with_sink = || {
        let mut cmd = batch(&input, &out);
        cmd.args(["--sink", &archive.url(), "--archive-attempts", "1"])
            .arg("--archive-token-file")
            .arg(&token);
        cmd
    };

    let first = finish(with_sink()).await;
    let stdout = String::from_utf8_lossy(&first.stdout);
    let stderr = String::from_utf8_lossy(&first.stderr);
    assert_eq!(first.status.code(), Some(2), "{stdout}\n{stderr}");
    assert!(
        stdout.contains("3 records NOT confirmed by the archive"),
        "{stdout}"
    );
    assert!(stderr.contains("run the same command again"), "{stderr}");
    assert_eq!(archive.requests(), COUNT as u32);
    assert_eq!(archive.stored(), COUNT - 3);
    let ledgered = ledger_hashes_with_records(&out);
    assert_eq!(
        ledgered.len(),
        COUNT - 3,
        "only confirmed records are ledgered"
    );
    assert_eq!(record_names(&out).len(), COUNT, "every record is in OUT");
    {
        let inner = archive.inner.lock().unwrap();
        let archived: BTreeSet<String> = inner
            .stored
            .keys()
            .map(|k| k.strip_suffix(":protokoll-sv").unwrap().to_owned())
            .collect();
        assert_eq!(
            archived, ledgered,
            "the ledger lists exactly what was archived"
        );
        assert!(inner.auth.iter().all(|a| a == "Bearer batch-token"));
    }

    let second = finish(with_sink()).await;
    let stdout = String::from_utf8_lossy(&second.stdout);
    // 3: the dense documents read as minutes without signatures, and fail.
    assert_eq!(second.status.code(), Some(3), "{stdout}");
    assert!(
        stdout.contains(&format!("({} done by an earlier run)", COUNT - 3)),
        "{stdout}"
    );
    assert_eq!(
        archive.requests(),
        COUNT as u32 + 3,
        "only the 3 were resent"
    );
    assert_eq!(archive.stored(), COUNT);
    assert_eq!(ledger_hashes_with_records(&out).len(), COUNT);

    let third = finish(with_sink()).await;
    assert_eq!(third.status.code(), Some(3));
    assert_eq!(archive.requests(), COUNT as u32 + 3, "nothing left to send");
}

/// SIGINT during a batch of a few hundred documents: no new document is started, the ones in
/// flight finish (record, archive, ledger line), the summary says how to resume, and the exit
/// status is 130. The archive is slow (50 ms a record) so documents are in flight at the
/// signal; it saw exactly as many requests as there are ledger lines, so none was cut off.
/// The rerun does exactly the rest.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sigint_finishes_the_documents_in_flight_and_the_rerun_does_exactly_the_rest() {
    const COUNT: usize = 300;
    let archive = Archive::start(Behaviour {
        stall: Duration::from_millis(50),
        ..Default::default()
    })
    .await;
    let dir = tempfile::tempdir().unwrap();
    let (input, out) = (dir.path().join("in"), dir.path().join("out"));
    generate(&input, COUNT);
    let with_sink = || {
        let mut cmd = batch(&input, &out);
        cmd.args(["--sink", &archive.url()]);
        cmd
    };

    let mut child = with_sink()
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let deadline = Instant::now() + Duration::from_secs(60);
    while ledger_lines(&out).len() < 20 {
        assert!(child.try_wait().unwrap().is_none(), "the batch ended early");
        assert!(Instant::now() < deadline, "the batch made no progress");
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    let pid = child.id().to_string();
    assert!(
        Command::new("kill")
            .args(["-INT", &pid])
            .status()
            .unwrap()
            .success()
    );
    let output = tokio::task::spawn_blocking(move || child.wait_with_output().unwrap())
        .await
        .unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(130), "{stdout}\n{stderr}");

    let done = ledger_hashes_with_records(&out);
    assert!(
        done.len() >= 20 && done.len() < COUNT,
        "{} done",
        done.len()
    );
    assert_eq!(
        record_names(&out),
        done,
        "every record written has its ledger line: nothing was cut off"
    );
    assert_eq!(archive.requests() as usize, done.len());
    assert_eq!(archive.stored(), done.len());
    let rest = COUNT - done.len();
    assert!(
        stdout.contains(&format!("{rest} documents not started (interrupted)")),
        "{stdout}"
    );
    assert!(
        stderr.contains("interrupted by SIGINT") && stderr.contains("run the same command again"),
        "{stderr}"
    );
    assert!(
        !out.join("report.csv").exists(),
        "reports wait for a finished run"
    );

    archive.set(Behaviour::default());
    let rerun = finish(with_sink()).await;
    let stdout = String::from_utf8_lossy(&rerun.stdout);
    assert_eq!(rerun.status.code(), Some(3), "{stdout}");
    assert!(
        stdout.contains(&format!("({} done by an earlier run)", done.len())),
        "{stdout}"
    );
    assert_eq!(
        archive.requests() as usize,
        COUNT,
        "the rerun sent exactly the rest"
    );
    assert_eq!(archive.stored(), COUNT);
    assert_eq!(ledger_hashes_with_records(&out).len(), COUNT);
    assert!(out.join("report.csv").exists());
}

/// Issue 24: a `*.pdf` that is a FIFO or a link to `/dev/zero` gets an error record saying
/// what it is, at once, beside a PDF that is processed: the run neither blocks on the FIFO
/// nor reads the device until the size limit.
#[cfg(unix)]
#[test]
fn special_files_get_error_records_with_the_reason_and_the_run_goes_on() {
    let dir = tempfile::tempdir().unwrap();
    let (input, out) = (dir.path().join("in"), dir.path().join("out"));
    std::fs::create_dir(&input).unwrap();
    std::fs::write(input.join("good.pdf"), common::swedish_winansi()).unwrap();
    let status = Command::new("mkfifo")
        .arg(input.join("pipe.pdf"))
        .status()
        .unwrap();
    assert!(status.success());
    std::os::unix::fs::symlink("/dev/zero", input.join("zero.pdf")).unwrap();

    let mut child = batch(&input, &out)
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let deadline = Instant::now() + Duration::from_secs(60);
    while child.try_wait().unwrap().is_none() {
        if Instant::now() > deadline {
            let _ = child.kill();
            panic!("the batch did not end: it blocked on a special file");
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    let output = child.wait_with_output().unwrap();
    assert_eq!(
        output.status.code(),
        Some(2),
        "some documents could not be processed"
    );
    let mut errors = std::collections::BTreeMap::new();
    for name in record_names(&out) {
        let record: serde_json::Value =
            serde_json::from_slice(&std::fs::read(out.join(format!("{name}.json"))).unwrap())
                .unwrap();
        let path = record["source"]["path"]
            .as_str()
            .unwrap_or_default()
            .to_owned();
        let file = Path::new(&path)
            .file_name()
            .unwrap()
            .to_string_lossy()
            .into_owned();
        errors.insert(file, record);
    }
    assert_eq!(errors["good.pdf"]["status"], "unsigned");
    for (file, what) in [("pipe.pdf", "FIFO"), ("zero.pdf", "character device")] {
        let record = &errors[file];
        assert_eq!(record["status"], "error", "{file}");
        assert_eq!(record["error"]["kind"], "io", "{file}");
        let message = record["error"]["message"].as_str().unwrap();
        assert!(
            message.contains(what) && message.contains("not a regular file"),
            "{file}: {message}"
        );
    }
}

/// Issue 25: `report.csv` is what Excel in a Swedish locale opens as it is (a byte order
/// mark, `;` between fields), shows files relative to the batch's folder, and
/// `--csv-delimiter` chooses another delimiter or is refused with a reason.
#[test]
fn report_csv_opens_in_a_swedish_excel_and_the_delimiter_can_be_chosen() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("in");
    let sub = input.join("kommunstyrelsen");
    std::fs::create_dir_all(&sub).unwrap();
    let samples = common::samples();
    std::fs::write(sub.join("protokoll, §1–§4 år 2022.pdf"), &samples[0].1).unwrap();
    std::fs::write(input.join("trasig.pdf"), common::broken()).unwrap();

    let out = dir.path().join("out");
    let output = batch(&input, &out).output().unwrap();
    assert!(output.status.code().is_some(), "{output:?}");
    let bytes = std::fs::read(out.join("report.csv")).unwrap();
    let csv = std::str::from_utf8(&bytes).unwrap();
    let csv = csv
        .strip_prefix('\u{feff}')
        .expect("a UTF-8 byte order mark");
    let lines: Vec<&str> = csv.split("\r\n").collect();
    assert_eq!(
        lines[0],
        "file;sha256;status;pages;meeting_date;organ;signers;first_signed;last_signed;findings;error"
    );
    assert_eq!(
        lines.len(),
        4,
        "header, two rows, the last line's end: {csv}"
    );
    assert!(
        lines[1].starts_with("kommunstyrelsen/protokoll, §1–§4 år 2022.pdf;"),
        "relative, and a `,` needs no quotes: {}",
        lines[1]
    );
    assert!(lines[2].starts_with("trasig.pdf;"), "{}", lines[2]);
    assert!(!csv.contains(input.to_str().unwrap()), "no absolute path");

    let out = dir.path().join("out-comma");
    batch(&input, &out)
        .args(["--csv-delimiter", ","])
        .output()
        .unwrap();
    let csv = std::fs::read_to_string(out.join("report.csv")).unwrap();
    let mut lines = csv.trim_start_matches('\u{feff}').split("\r\n");
    assert!(lines.next().unwrap().starts_with("file,sha256,status,"));
    assert!(
        lines
            .next()
            .unwrap()
            .starts_with("\"kommunstyrelsen/protokoll, §1–§4 år 2022.pdf\","),
        "{csv}"
    );

    let refused = batch(&input, &dir.path().join("out-quote"))
        .args(["--csv-delimiter", "\""])
        .output()
        .unwrap();
    assert_eq!(refused.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&refused.stderr);
    assert!(stderr.contains("cannot separate CSV fields"), "{stderr}");
}
