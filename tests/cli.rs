//! The `arkivar` binary as a user runs it: `extract`, `batch`, `schema`, exit codes and what
//! reaches stdout and stderr; `verify`'s words for people, and `--color` and `NO_COLOR`.
//!
//! Text assertions cover page texts, Swedish letters through WinAnsi, `/Differences` and
//! ToUnicode, a rotated page, and reading order across two columns.

mod common;

use std::path::Path;
use std::process::{Command, Output};

use sha2::{Digest, Sha256};

fn arkivar(args: &[&str]) -> Output {
    arkivar_with(args, &[])
}

/// Runs arkivar with `env` set, and `NO_COLOR` removed unless `env` sets it.
fn arkivar_with(args: &[&str], env: &[(&str, &str)]) -> Output {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_arkivar"));
    cmd.args(args).env_remove("RUST_LOG").env_remove("NO_COLOR");
    for (key, value) in env {
        cmd.env(key, value);
    }
    cmd.output().expect("run arkivar")
}

fn write(dir: &Path, name: &str, bytes: &[u8]) -> String {
    let path = dir.join(name);
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent).unwrap();
    }
    std::fs::write(&path, bytes).unwrap();
    path.to_string_lossy().into_owned()
}

fn stdout(output: &Output) -> String {
    String::from_utf8(output.stdout.clone()).expect("stdout is UTF-8")
}

fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

fn extract_text(bytes: &[u8]) -> String {
    let dir = tempfile::tempdir().unwrap();
    let file = write(dir.path(), "in.pdf", bytes);
    let output = arkivar(&["extract", &file]);
    assert_eq!(output.status.code(), Some(0), "stderr: {}", stderr(&output));
    assert_eq!(stderr(&output), "", "a good file logs nothing by default");
    stdout(&output)
}

fn json(output: &Output) -> serde_json::Value {
    serde_json::from_slice(&output.stdout).unwrap_or_else(|e| {
        panic!(
            "stdout is not JSON ({e}): {}",
            String::from_utf8_lossy(&output.stdout)
        )
    })
}

#[test]
fn extract_reads_vertical_text_spread_by_negative_character_spacing_top_down() {
    // The column reads as one line, its letters apart (the spacing is wider than a glyph);
    // with the sign of the spacing wrong they overlapped and read bottom-up as "EDCBA".
    let text = extract_text(&common::vertical_spaced());
    let words: Vec<&str> = text.split_whitespace().collect();
    let want: Vec<String> = common::VERTICAL_LETTERS.chars().map(String::from).collect();
    assert_eq!(words, want, "{text:?}");
}

#[test]
fn extract_reads_a_field_value_that_has_no_appearance() {
    let text = extract_text(&common::form_value_without_appearance());
    assert!(text.contains(common::FIELD_VALUE), "{text:?}");
    // A field with an appearance reads as its appearance, once; its /V is not added.
    assert_eq!(
        text.matches(common::FIELD_APPEARANCE_LINE).count(),
        1,
        "{text:?}"
    );
    assert!(!text.contains("Dold text"), "{text:?}");
}

#[test]
fn extract_reads_a_tj_array_with_operators_inside() {
    let text = extract_text(&common::operator_in_tj_array());
    assert!(text.contains(common::TJ_ARRAY_LINE), "{text:?}");
}

#[test]
fn extract_text_reads_swedish_winansi() {
    let text = extract_text(&common::swedish_winansi());
    assert!(text.contains(common::SWEDISH_LINE), "{text:?}");
    assert_eq!(text.matches('\x0c').count(), 1, "{text:?}");
    assert!(text.ends_with('\x0c'), "{text:?}");
}

#[test]
fn extract_text_ends_every_page_with_a_form_feed() {
    let text = extract_text(&common::multi_page(3));
    let pages: Vec<&str> = text.split('\x0c').collect();
    assert_eq!(
        pages.len(),
        4,
        "three pages and nothing after the last form feed: {text:?}"
    );
    assert_eq!(pages[3], "");
    for (i, page) in pages[..3].iter().enumerate() {
        let line = common::multi_page_line(i + 1, 3);
        assert!(page.contains(&line), "page {}: {page:?}", i + 1);
    }
}

#[test]
fn extract_text_decodes_type0_identity_h_through_tounicode() {
    let text = extract_text(&common::type0_identity_h());
    assert!(text.contains(common::TYPE0_LINE), "{text:?}");
}

#[test]
fn extract_text_reads_adobe_japan1_cids_without_to_unicode() {
    let text = extract_text(&common::type0_japan1());
    assert_eq!(text, format!("{}\x0c", common::JAPAN1_LINE));
}

#[test]
fn extract_warns_on_stderr_for_a_page_of_glyphs_without_unicode() {
    let dir = tempfile::tempdir().unwrap();
    let file = write(dir.path(), "unmapped.pdf", &common::type0_unmapped());
    let output = arkivar(&["extract", &file]);
    assert_eq!(output.status.code(), Some(0), "stderr: {}", stderr(&output));
    // Stdout stays the text: two empty pages.
    assert_eq!(stdout(&output), "\x0c\x0c");
    assert_eq!(
        stderr(&output),
        "arkivar: page 1: 12 of 12 glyphs have no Unicode mapping; their text is missing\n"
    );
}

#[test]
fn extract_text_decodes_differences_glyph_names() {
    let text = extract_text(&common::differences());
    assert!(text.contains(common::DIFFERENCES_LINE), "{text:?}");
}

#[test]
fn extract_text_reads_a_rotated_page() {
    let text = extract_text(&common::rotated_90());
    assert!(text.contains(common::ROTATED_LINE), "{text:?}");
}

#[test]
fn extract_text_reads_two_columns_column_by_column() {
    let text = extract_text(&common::two_columns());
    // Every line of the left column, in order, before every line of the right column: the
    // lines share baselines, so reading across would interleave them.
    let want: Vec<&str> = common::LEFT_COLUMN
        .iter()
        .chain(&common::RIGHT_COLUMN)
        .copied()
        .collect();
    let got: Vec<&str> = text
        .split(['\n', '\x0c'])
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .collect();
    assert_eq!(got, want, "{text:?}");
}

#[test]
fn extract_text_reads_visible_annotation_appearances_only() {
    let text = extract_text(&common::annotated());
    assert!(text.contains(common::SWEDISH_LINE), "{text:?}");
    assert!(text.contains(common::STAMP_LINE), "{text:?}");
    assert!(!text.contains(common::HIDDEN_LINE), "{text:?}");
    // The stamp sits under the body text on the page, so it reads after it.
    assert!(
        text.find(common::SWEDISH_LINE) < text.find(common::STAMP_LINE),
        "{text:?}"
    );
}

/// A pipeline file's `[trust] anchors` (relative to the file) make its documents' signers
/// trusted without `--trust`; the same file without them leaves the signed sample untrusted,
/// and an anchor file that is missing stops the run with its path.
#[test]
fn pipeline_file_brings_its_own_trust_anchors() {
    let dir = tempfile::tempdir().unwrap();
    let samples = Path::new(env!("CARGO_MANIFEST_DIR")).join("samples");
    let pdf = samples.join("01-minutes-verified.pdf");
    let pdf = pdf.to_str().unwrap();
    std::fs::create_dir(dir.path().join("anchors")).unwrap();
    std::fs::copy(
        samples.join("trust.pem"),
        dir.path().join("anchors/sample-ca.pem"),
    )
    .unwrap();
    let status = |pipeline: &str, text: &str| {
        let file = dir.path().join(pipeline);
        std::fs::write(&file, text).unwrap();
        let output = arkivar(&[
            "--pipeline",
            file.to_str().unwrap(),
            "verify",
            pdf,
            "--format",
            "json",
        ]);
        (output.status.code(), json(&output)["status"].clone())
    };
    let with = "name = \"protokoll-sv\"\n[trust]\nanchors = [\"anchors\"]\n";
    assert_eq!(status("with.toml", with), (Some(0), "verified".into()));
    // Near miss: no anchors of its own, no --trust: the signers are not trusted.
    let (_, without) = status("without.toml", "name = \"protokoll-sv\"\n");
    assert_ne!(without, "verified");

    let missing = dir.path().join("missing.toml");
    std::fs::write(
        &missing,
        "name = \"protokoll-sv\"\n[trust]\nanchors = [\"gone.pem\"]\n",
    )
    .unwrap();
    let output = arkivar(&["--pipeline", missing.to_str().unwrap(), "verify", pdf]);
    assert_eq!(output.status.code(), Some(2));
    assert!(stderr(&output).contains("gone.pem"), "{}", stderr(&output));
}

#[test]
fn pipeline_file_sets_the_limits() {
    let dir = tempfile::tempdir().unwrap();
    let pdf = write(dir.path(), "lang.pdf", &common::multi_page(3));
    let small = dir.path().join("small.toml");
    std::fs::write(&small, "name = \"small\"\n[limits]\nmax_pages = 2\n").unwrap();
    let output = arkivar(&["--pipeline", small.to_str().unwrap(), "extract", &pdf]);
    assert_eq!(output.status.code(), Some(2));
    assert!(
        stderr(&output).contains("3 pages, over the limit of 2"),
        "{}",
        stderr(&output)
    );

    let typo = dir.path().join("typo.toml");
    std::fs::write(&typo, "name = \"typo\"\n[limits]\nmax_pagez = 2\n").unwrap();
    let output = arkivar(&["--pipeline", typo.to_str().unwrap(), "extract", &pdf]);
    assert_eq!(output.status.code(), Some(2));
    assert!(
        stderr(&output).contains("unknown field `max_pagez`"),
        "{}",
        stderr(&output)
    );
}

#[test]
fn extract_text_sees_the_incremental_update() {
    let text = extract_text(&common::incremental_update());
    assert!(text.contains(common::SWEDISH_LINE), "{text:?}");
    assert!(text.contains(common::UPDATE_LINE), "{text:?}");
}

#[test]
fn extract_json_prints_the_record() {
    let bytes = common::multi_page(3);
    let dir = tempfile::tempdir().unwrap();
    let file = write(dir.path(), "protokoll.pdf", &bytes);
    let output = arkivar(&["extract", "--format", "json", &file]);
    assert_eq!(output.status.code(), Some(0), "stderr: {}", stderr(&output));
    let record = json(&output);
    assert_eq!(record["record_version"], 2);
    assert_eq!(record["status"], "unsigned");
    assert_eq!(record["error"], serde_json::Value::Null);
    assert_eq!(record["minutes"], serde_json::Value::Null);
    // Not minutes: the default protokoll-sv pipeline says so, as information only.
    let codes: Vec<&str> = record["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .filter_map(|f| f["code"].as_str())
        .collect();
    assert_eq!(codes, ["document.not_protocol"]);
    assert_eq!(record["findings"][0]["severity"], "info");
    assert_eq!(record["signing"], serde_json::json!([]));
    assert_eq!(record["identity"]["by"], "content");
    let sha = hex::encode(Sha256::digest(&bytes));
    assert_eq!(record["document"]["sha256"], sha.as_str());
    assert_eq!(record["identity"]["sha256"], sha.as_str());
    assert_eq!(record["document"]["size"], bytes.len());
    assert_eq!(record["document"]["pages"], 3);
    assert_eq!(record["source"]["path"], file.as_str());
    let pages = record["pages"].as_array().expect("pages is an array");
    assert_eq!(pages.len(), 3);
    for (i, page) in pages.iter().enumerate() {
        assert_eq!(page["number"], i + 1);
        assert_eq!(page["has_text_layer"], true);
        let line = common::multi_page_line(i + 1, 3);
        assert!(page["text"].as_str().unwrap().contains(&line), "{page}");
    }
    let processed_at = record["processed_at"].as_str().unwrap();
    assert!(
        processed_at.parse::<jiff::Timestamp>().is_ok(),
        "processed_at is RFC 3339: {processed_at}"
    );
}

/// A file that cannot be processed gets exactly one stderr line naming it, and exit 2.
fn assert_one_line_failure(output: &Output, file: &str) {
    assert_eq!(output.status.code(), Some(2), "stderr: {}", stderr(output));
    let err = stderr(output);
    assert_eq!(
        err.lines().count(),
        1,
        "exactly one line on stderr: {err:?}"
    );
    assert!(err.contains(file), "the line names the file: {err:?}");
    assert!(err.starts_with("arkivar: "), "{err:?}");
}

#[test]
fn extract_malformed_pdf_exits_2_with_one_line() {
    let dir = tempfile::tempdir().unwrap();
    let file = write(dir.path(), "trasig.pdf", &common::broken());
    let output = arkivar(&["extract", &file]);
    assert_one_line_failure(&output, &file);
    assert!(output.stdout.is_empty(), "no text for a broken file");
    let err = stderr(&output);
    assert!(
        err.contains("[malformed]") || err.contains("[not_pdf]"),
        "the line says what is wrong: {err:?}"
    );
}

#[test]
fn extract_not_a_pdf_exits_2_with_one_line() {
    let dir = tempfile::tempdir().unwrap();
    let file = write(dir.path(), "kallelse.pdf", &common::not_a_pdf());
    assert_one_line_failure(&arkivar(&["extract", &file]), &file);
}

#[test]
fn extract_missing_file_exits_2_with_one_line() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir
        .path()
        .join("finns-inte.pdf")
        .to_string_lossy()
        .into_owned();
    let output = arkivar(&["extract", &file]);
    assert_one_line_failure(&output, &file);
    assert!(stderr(&output).contains("[io]"), "{}", stderr(&output));
}

#[test]
fn extract_json_of_malformed_pdf_is_an_error_record() {
    let bytes = common::broken();
    let dir = tempfile::tempdir().unwrap();
    let file = write(dir.path(), "trasig.pdf", &bytes);
    let output = arkivar(&["extract", "--format", "json", &file]);
    assert_one_line_failure(&output, &file);
    let record = json(&output);
    assert_eq!(record["status"], "error");
    let kind = record["error"]["kind"].as_str().unwrap();
    assert!(kind == "malformed" || kind == "not_pdf", "{kind}");
    assert!(!record["error"]["message"].as_str().unwrap().is_empty());
    assert_eq!(
        record["document"]["sha256"],
        hex::encode(Sha256::digest(&bytes)).as_str()
    );
    assert_eq!(record["pages"], serde_json::json!([]));
}

fn records(out: &Path) -> Vec<(String, serde_json::Value)> {
    // Records only: the batch also leaves its ledger and reports in the folder.
    let mut list: Vec<_> = std::fs::read_dir(out)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|path| path.extension().is_some_and(|e| e == "json"))
        .map(|path| {
            let name = path.file_name().unwrap().to_string_lossy().into_owned();
            let value = serde_json::from_slice(&std::fs::read(&path).unwrap())
                .unwrap_or_else(|e| panic!("{name} is not JSON: {e}"));
            (name, value)
        })
        .collect();
    list.sort_by(|a, b| a.0.cmp(&b.0));
    list
}

#[test]
fn batch_writes_a_record_per_pdf_and_exits_2_when_one_cannot_be_processed() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("in");
    let out = dir.path().join("out");
    let good = common::swedish_winansi();
    write(&input, "protokoll.pdf", &good);
    let broken_path = write(&input, "sub/Trasig.PDF", &common::broken());
    write(&input, "anteckningar.txt", b"not a pdf, not picked up");

    let output = arkivar(&[
        "batch",
        input.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
        "--jobs",
        "2",
    ]);
    assert_eq!(output.status.code(), Some(2), "stderr: {}", stderr(&output));
    let summary = stdout(&output);
    assert_eq!(summary.lines().count(), 1, "{summary:?}");
    assert!(summary.contains("2 documents"), "{summary:?}");
    assert!(summary.contains("1 unsigned"), "{summary:?}");
    assert!(summary.contains("1 error"), "{summary:?}");

    let records = records(&out);
    assert_eq!(
        records.len(),
        2,
        "{:?}",
        records.iter().map(|r| &r.0).collect::<Vec<_>>()
    );
    let good_name = format!("{}.json", hex::encode(Sha256::digest(&good)));
    let (_, good_record) = records
        .iter()
        .find(|(name, _)| *name == good_name)
        .expect("the good PDF's record is named by its hash");
    assert_eq!(good_record["status"], "unsigned");
    assert!(
        good_record["pages"][0]["text"]
            .as_str()
            .unwrap()
            .contains(common::SWEDISH_LINE)
    );

    let (_, bad) = records.iter().find(|(name, _)| *name != good_name).unwrap();
    assert_eq!(bad["status"], "error");
    assert_eq!(bad["source"]["path"], broken_path.as_str());
    let kind = bad["error"]["kind"].as_str().unwrap();
    assert!(kind == "malformed" || kind == "not_pdf", "{kind}");
    assert!(
        !bad["error"]["message"].as_str().unwrap().is_empty(),
        "{bad}"
    );
}

#[test]
fn batch_of_good_pdfs_exits_0_and_logs_json_without_document_text() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("in");
    let out = dir.path().join("out");
    for (name, bytes) in common::samples() {
        write(&input, name, &bytes);
    }
    let output = arkivar(&[
        "--log-format",
        "json",
        "-v",
        "batch",
        input.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
    ]);
    assert_eq!(output.status.code(), Some(0), "stderr: {}", stderr(&output));
    assert_eq!(records(&out).len(), common::samples().len());
    let log = stderr(&output);
    assert!(log.lines().count() > 0, "-v logs each document");
    for line in log.lines() {
        serde_json::from_str::<serde_json::Value>(line)
            .unwrap_or_else(|e| panic!("log line is not JSON ({e}): {line}"));
        assert!(
            !line.contains("Sammanträdesprotokoll"),
            "document text in the log: {line}"
        );
    }
}

#[test]
fn batch_of_a_missing_folder_exits_2_with_one_line() {
    let dir = tempfile::tempdir().unwrap();
    let missing = dir.path().join("saknas").to_string_lossy().into_owned();
    let out = dir.path().join("out").to_string_lossy().into_owned();
    let output = arkivar(&["batch", &missing, "--out", &out]);
    assert_one_line_failure(&output, &missing);
}

#[test]
fn schema_command_prints_the_committed_schema() {
    let output = arkivar(&["schema"]);
    assert_eq!(output.status.code(), Some(0));
    let committed = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/schema/record.schema.json"
    ))
    .unwrap();
    assert_eq!(
        stdout(&output),
        committed,
        "run `cargo run -- schema > schema/record.schema.json`"
    );
}

#[test]
fn usage_error_exits_2() {
    let output = arkivar(&["extract"]);
    assert_eq!(output.status.code(), Some(2));
}

/// `signatures` and `verify` on one file: same exit code, and `signatures`' JSON status and
/// signature findings are the record's.
fn signatures_and_verify(file: &str, trust: &[&str]) -> (Output, Output) {
    let mut args = vec!["signatures", file, "--format", "json"];
    args.extend(trust.iter().flat_map(|t| ["--trust", t]));
    let signatures = arkivar(&args);
    let mut args = vec!["verify", file, "--format", "json"];
    args.extend(trust.iter().flat_map(|t| ["--trust", t]));
    let verify = arkivar(&args);
    (signatures, verify)
}

/// The `(code, failure)` of each finding about a signature's check.
fn signature_findings(v: &serde_json::Value) -> Vec<(String, String)> {
    v["findings"]
        .as_array()
        .into_iter()
        .flatten()
        .filter(|f| !f["evidence"]["failure"].is_null())
        .map(|f| (f["code"].to_string(), f["evidence"]["failure"].to_string()))
        .collect()
}

#[test]
fn signatures_exits_and_judges_as_verify_does() {
    let dir = tempfile::tempdir().unwrap();
    // Unsigned: no signatures, exit 0 from both.
    let plain = write(dir.path(), "plain.pdf", &common::swedish_winansi());
    let (s, v) = signatures_and_verify(&plain, &[]);
    assert_eq!((s.status.code(), v.status.code()), (Some(0), Some(0)));
    assert_eq!(json(&s)["status"], "unsigned");
    let text = stdout(&arkivar(&["signatures", &plain]));
    assert!(
        text.starts_with("UNSIGNED  ") && text.contains("no signatures"),
        "{text}"
    );
    // Not a PDF: exit 2 from both, an error record.
    let junk = write(dir.path(), "junk.pdf", &common::not_a_pdf());
    let (s, v) = signatures_and_verify(&junk, &[]);
    assert_eq!((s.status.code(), v.status.code()), (Some(2), Some(2)));
    assert_eq!(json(&s)["error"]["kind"], json(&v)["error"]["kind"]);

    let Some(corpus) = common::corpus_with("protocols") else {
        common::skip(format_args!("the signed cases: {}", common::NO_CORPUS));
        return;
    };
    let root = corpus.join("pki/test-root.pem");
    let root = root.to_string_lossy();
    for (case, status, exit) in [
        ("002-pades", "verified", 0),
        ("002-bytes-flipped", "failed", 3),
        ("003-untrusted-ca", "warnings", 1),
    ] {
        let pdf = corpus.join("protocols").join(case).join("document.pdf");
        let (s, v) = signatures_and_verify(&pdf.to_string_lossy(), &[&root]);
        assert_eq!(s.status.code(), Some(exit), "{case}: {}", stderr(&s));
        assert_eq!(v.status.code(), Some(exit), "{case}: {}", stderr(&v));
        let (s, v) = (json(&s), json(&v));
        assert_eq!(s["status"], status, "{case}");
        assert_eq!(s["signatures"], v["signatures"], "{case}");
        assert_eq!(signature_findings(&s), signature_findings(&v), "{case}");
    }
    let flipped = corpus.join("protocols/002-bytes-flipped/document.pdf");
    let text = stdout(&arkivar(&[
        "signatures",
        &flipped.to_string_lossy(),
        "--trust",
        &root,
    ]));
    assert!(
        text.starts_with("FAILED  ") && text.contains("BROKEN: the signed bytes were changed"),
        "{text}"
    );
}

/// Runs arkivar with `args`, killing it after `limit`: a test of a file that could block
/// must fail, not hang. `None` when it had to be killed.
#[cfg(unix)]
fn arkivar_within(args: &[&str], limit: std::time::Duration) -> Option<Output> {
    use std::process::Stdio;
    let mut child = Command::new(env!("CARGO_BIN_EXE_arkivar"))
        .args(args)
        .env_remove("RUST_LOG")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("run arkivar");
    let deadline = std::time::Instant::now() + limit;
    while std::time::Instant::now() < deadline {
        if child.try_wait().expect("wait").is_some() {
            return Some(child.wait_with_output().expect("output"));
        }
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    let _ = child.kill();
    let _ = child.wait();
    None
}

/// Issue 24: `verify FILE` on a FIFO or a link to `/dev/zero` says at once what the file is
/// and exits 2, instead of blocking for a writer or reading until the size limit; a link to
/// a PDF (the near miss) is read as the PDF.
#[cfg(unix)]
#[test]
fn verify_refuses_a_fifo_and_a_device_at_once_and_reads_a_link_to_a_pdf() {
    let dir = tempfile::tempdir().unwrap();
    let pipe = dir.path().join("pipe.pdf");
    let status = Command::new("mkfifo").arg(&pipe).status().unwrap();
    assert!(status.success());
    let zero = dir.path().join("zero.pdf");
    std::os::unix::fs::symlink("/dev/zero", &zero).unwrap();
    for (path, what) in [(&pipe, "FIFO"), (&zero, "character device")] {
        let output = arkivar_within(
            &["verify", path.to_str().unwrap()],
            std::time::Duration::from_secs(20),
        )
        .unwrap_or_else(|| panic!("verify {} did not end", path.display()));
        assert_eq!(output.status.code(), Some(2), "{}", stderr(&output));
        let err = stderr(&output);
        assert!(
            err.contains(what) && err.contains("not a regular file"),
            "{err}"
        );
    }
    let real = write(dir.path(), "real.pdf", &common::swedish_winansi());
    let link = dir.path().join("link.pdf");
    std::os::unix::fs::symlink(&real, &link).unwrap();
    let output = arkivar_within(
        &["verify", link.to_str().unwrap()],
        std::time::Duration::from_secs(60),
    )
    .expect("verify ends");
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
}

/// A one-page PDF showing `lines` top to bottom in Helvetica (WinAnsi), built from the shared
/// builder's parts.
fn text_pdf(lines: &[&str]) -> Vec<u8> {
    let mut content = Vec::new();
    for (i, line) in lines.iter().enumerate() {
        content.extend_from_slice(format!("BT /F1 11 Tf 60 {} Td (", 800 - 14 * i).as_bytes());
        for b in common::winansi(line) {
            if matches!(b, b'(' | b')' | b'\\') {
                content.push(b'\\');
            }
            content.push(b);
        }
        content.extend_from_slice(b") Tj ET\n");
    }
    let mut b = common::PdfBuilder::new();
    let font =
        b.add("<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>");
    let catalog = b.next_id();
    let (tree, page) = (catalog + 1, catalog + 2);
    b.add(format!("<< /Type /Catalog /Pages {tree} 0 R >>"));
    b.add(format!("<< /Type /Pages /Kids [{page} 0 R] /Count 1 >>"));
    b.add(format!(
        "<< /Type /Page /Parent {tree} 0 R /MediaBox [0 0 595 842] \
         /Resources << /Font << /F1 {font} 0 R >> >> /Contents {} 0 R >>",
        page + 1
    ));
    b.add(common::stream("", &content));
    b.finish(catalog, None)
}

/// Minutes of a meeting whose secretary, chair and justerare are named, with `extra` lines
/// under the signature block: without them nobody signed (`failed`).
fn minutes(extra: &[&str]) -> Vec<u8> {
    let mut lines = vec![
        "Protokoll styrelsen Kommunförbundet Västernorrland",
        "",
        "Plats: Digitalt via Teams",
        "",
        "Tid: 2022-09-23 kl. 13.00-15.00",
        "",
        "Närvarande:",
        "",
        "Erik Lövgren (S), Ånge, ordförande",
        "Johan Andersson (C), Sollefteå",
        "",
        "Utses att justera: Johan Andersson",
        "",
        "Paragrafer 28 - 29",
        "",
        "Underskrifter",
        "",
        "Sekreterare: Annelie Ledin",
        "",
        "Ordförande: Erik Lövgren",
        "",
        "Justerande: Johan Andersson",
        "",
    ];
    lines.extend_from_slice(extra);
    lines.extend(["", "§ 28 Ledningens information"]);
    text_pdf(&lines)
}

/// "Signed digitally" text under the minutes and no PDF signature: three signings that no
/// check can prove, so `warnings`.
fn minutes_signed_in_text() -> Vec<u8> {
    minutes(&[
        "Digitalt signerat av Annelie Ledin 2022-09-26 10:58:35 UTC+02:00",
        "Digitalt signerat av Erik Lövgren 2022-09-26 11:09:58 UTC+02:00",
        "Digitalt signerat av Johan Andersson 2022-09-26 12:00:05 UTC+02:00",
    ])
}

/// Whether `text` has an ANSI escape sequence.
fn has_escapes(text: &str) -> bool {
    text.contains('\x1b')
}

/// Standard names that are spelled in mixed case on purpose.
const MIXED_CASE_NAMES: [&str; 2] = ["PAdES", "CAdES"];

/// What reads as a Rust name rather than a word: a camel-case identifier (an uppercase letter,
/// lowercase letters, an uppercase letter: `EntireRevision`, `AuditTrail`), `None`, or raw
/// JSON (`{"`).
fn debug_names(text: &str) -> Vec<String> {
    let camel = |word: &str| {
        let chars: Vec<char> = word.chars().collect();
        chars.iter().enumerate().any(|(i, c)| {
            c.is_uppercase() && {
                let lower = chars[i + 1..]
                    .iter()
                    .take_while(|c| c.is_lowercase())
                    .count();
                lower > 0 && chars.get(i + 1 + lower).is_some_and(|c| c.is_uppercase())
            }
        })
    };
    let mut found: Vec<String> = text
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !MIXED_CASE_NAMES.contains(w) && (camel(w) || *w == "None"))
        .map(str::to_owned)
        .collect();
    if text.contains("{\"") {
        found.push("{\"".into());
    }
    found
}

#[test]
fn debug_names_are_found() {
    // The detector itself must fire, or the tests that use it prove nothing.
    assert_eq!(
        debug_names("x [AuditTrail] EntireRevision, None; change: {\"field\":null}"),
        ["AuditTrail", "EntireRevision", "None", "{\""]
    );
    assert!(debug_names("VERIFIED  Lövgren PAdES eID OCR NOT CHECKED").is_empty());
}

#[test]
fn verify_exit_codes_say_verified_warnings_failed_and_cannot_process() {
    let dir = tempfile::tempdir().unwrap();
    for (name, bytes, code, headline) in [
        ("plan.pdf", common::swedish_winansi(), 0, "UNSIGNED  "),
        ("text-signed.pdf", minutes_signed_in_text(), 1, "WARNINGS  "),
        ("nobody-signed.pdf", minutes(&[]), 3, "FAILED  "),
        ("junk.pdf", common::not_a_pdf(), 2, "ERROR  "),
    ] {
        let file = write(dir.path(), name, &bytes);
        let output = arkivar(&["verify", &file]);
        let text = stdout(&output);
        assert_eq!(
            output.status.code(),
            Some(code),
            "{name}: {text}{}",
            stderr(&output)
        );
        assert!(text.starts_with(headline), "{name}: {text}");
        // The JSON answer exits the same way and keeps the record's status code.
        let output = arkivar(&["verify", &file, "--format", "json"]);
        assert_eq!(output.status.code(), Some(code), "{name}");
    }
}

/// `verify` prints each signature's level and the revocation status of its path: the signed
/// sample's signers are PAdES B-B (no timestamp) and the file carries no revocation data for
/// their certificates; an unsigned document has no such section.
#[test]
fn verify_prints_levels_and_revocation_per_signer() {
    let samples = Path::new(env!("CARGO_MANIFEST_DIR")).join("samples");
    let trust = samples.join("trust.pem");
    let signed = samples.join("01-minutes-verified.pdf");
    let output = arkivar(&[
        "verify",
        signed.to_str().unwrap(),
        "--trust",
        trust.to_str().unwrap(),
    ]);
    let text = stdout(&output);
    let section: Vec<&str> = text
        .lines()
        .skip_while(|l| !l.contains("signature levels and revocation:"))
        .skip(1)
        .take_while(|l| !l.trim().is_empty())
        .collect();
    assert_eq!(section.len(), 3, "{text}");
    for line in section {
        assert!(
            line.contains("PAdES B-B; for B-T")
                && line.contains("revocation: no data for")
                && line.contains("arkivar Sample Issuing CA"),
            "{line}"
        );
    }
    let unsigned = samples.join("06-plan-unsigned.pdf");
    let text = stdout(&arkivar(&["verify", unsigned.to_str().unwrap()]));
    assert!(!text.contains("signature levels"), "{text}");
}

#[test]
fn verify_marks_signings_no_check_can_prove_and_speaks_words() {
    let dir = tempfile::tempdir().unwrap();
    let file = write(dir.path(), "text-signed.pdf", &minutes_signed_in_text());
    let output = arkivar(&["verify", &file]);
    let text = stdout(&output);
    assert_eq!(output.status.code(), Some(1), "{text}");
    assert!(
        text.contains(arkivar::present::words::finding(
            arkivar::record::FindingCode::SignatureUnverifiable
        )),
        "{text}"
    );
    let signed: Vec<&str> = text
        .lines()
        .skip_while(|l| !l.contains("who signed:"))
        .skip(1)
        .collect();
    assert_eq!(signed.len(), 3, "{text}");
    for line in &signed {
        assert!(line.contains("NOT CHECKED"), "unmarked signing: {line}");
        // Times in the pipeline's zone (Europe/Stockholm), with the offset.
        assert!(
            line.contains("2022-09-26 1") && line.contains(" +02:00"),
            "{line}"
        );
    }
    assert!(
        signed[1].contains("chair") && signed[1].contains("Erik Lövgren"),
        "{text}"
    );
    assert!(signed[2].contains("justerare"), "{text}");
    // The file's path is the user's, not arkivar's words.
    let words = text.replace(&file, "FILE");
    assert_eq!(debug_names(&words), Vec::<String>::new(), "{text}");
}

#[test]
fn no_color_and_color_never_give_no_escapes_and_always_gives_them() {
    let dir = tempfile::tempdir().unwrap();
    let file = write(dir.path(), "nobody-signed.pdf", &minutes(&[]));
    let always = arkivar(&["--color", "always", "verify", &file]);
    assert!(has_escapes(&stdout(&always)), "{}", stdout(&always));
    assert_eq!(always.status.code(), Some(3));
    // `always` is the user's explicit word: it wins over NO_COLOR.
    let forced = arkivar_with(
        &["verify", &file, "--color", "always"],
        &[("NO_COLOR", "1")],
    );
    assert!(has_escapes(&stdout(&forced)));
    let never = arkivar(&["verify", &file, "--color", "never"]);
    assert!(!has_escapes(&stdout(&never)), "{}", stdout(&never));
    // Not a terminal: `auto` colours nothing.
    let piped = arkivar(&["verify", &file]);
    assert!(!has_escapes(&stdout(&piped)));
    let signatures = arkivar(&["signatures", &file, "--color", "always"]);
    assert!(has_escapes(&stdout(&signatures)), "{}", stdout(&signatures));
}

/// On a terminal (a pseudo-terminal made by util-linux `script`), `auto` colours unless
/// NO_COLOR is set to something.
#[cfg(unix)]
#[test]
fn no_color_turns_colour_off_on_a_terminal() {
    if Command::new("script").arg("--version").output().is_err() {
        eprintln!("skipped no_color_turns_colour_off_on_a_terminal: no `script` (util-linux)");
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let file = write(dir.path(), "nobody-signed.pdf", &minutes(&[]));
    let on_terminal = |no_color: Option<&str>| {
        let command = format!("{} verify {file}", env!("CARGO_BIN_EXE_arkivar"));
        let mut cmd = Command::new("script");
        cmd.args(["-qec", &command, "/dev/null"])
            .env_remove("NO_COLOR")
            .env_remove("RUST_LOG");
        if let Some(value) = no_color {
            cmd.env("NO_COLOR", value);
        }
        let output = cmd.output().expect("run script");
        String::from_utf8_lossy(&output.stdout).into_owned()
    };
    let coloured = on_terminal(None);
    assert!(coloured.contains("FAILED"), "{coloured}");
    assert!(
        has_escapes(&coloured),
        "auto on a terminal colours: {coloured}"
    );
    let plain = on_terminal(Some("1"));
    assert!(plain.contains("FAILED"), "{plain}");
    assert!(!has_escapes(&plain), "NO_COLOR=1 on a terminal: {plain:?}");
}

#[test]
fn batch_exits_with_its_worst_document() {
    let dir = tempfile::tempdir().unwrap();
    let run = |name: &str, docs: &[(&str, Vec<u8>)]| {
        let input = dir.path().join(name);
        for (file, bytes) in docs {
            write(&input, file, bytes);
        }
        let out = dir.path().join(format!("{name}-out"));
        let output = arkivar(&[
            "batch",
            input.to_str().unwrap(),
            "--out",
            out.to_str().unwrap(),
        ]);
        (output.status.code(), stdout(&output))
    };
    let plan = || ("plan.pdf", common::swedish_winansi());
    let warnings = || ("text-signed.pdf", minutes_signed_in_text());
    let failed = || ("nobody-signed.pdf", minutes(&[]));
    let junk = || ("junk.pdf", common::not_a_pdf());
    assert_eq!(run("ok", &[plan()]).0, Some(0));
    let (code, line) = run("warn", &[plan(), warnings()]);
    assert_eq!(code, Some(1), "{line}");
    assert_eq!(run("fail", &[plan(), warnings(), failed()]).0, Some(3));
    // A document that cannot be processed leaves the answer incomplete: worse than failed.
    assert_eq!(run("error", &[failed(), junk()]).0, Some(2));
}

/// Signed minutes of the shared corpus, each rich in what `verify` once printed as Rust names:
/// changes after signing (`FormFilling`, `{"field":null,…}`), an audit trail (`AuditTrail`),
/// a broken signature, an untrusted one, a late justering (once "were justerade").
#[test]
fn verify_of_rich_documents_speaks_words_and_marks_broken_signings() {
    let Some(corpus) = common::corpus_with("protocols") else {
        eprintln!(
            "skipped verify_of_rich_documents_speaks_words_and_marks_broken_signings: no corpus at ../shared/corpus (set ARKIVAR_CORPUS)"
        );
        return;
    };
    let root = corpus.join("pki/test-root.pem");
    let root = root.to_string_lossy();
    for (case, code) in [
        ("003-modified-after-signing", 3),
        ("000-esign-sv", 0),
        ("003-untrusted-ca", 1),
        ("002-bytes-flipped", 3),
        ("002-justering-20-days", 1),
    ] {
        let pdf = corpus.join("protocols").join(case).join("document.pdf");
        let pdf = pdf.to_string_lossy();
        let output = arkivar(&["verify", &pdf, "--trust", &root]);
        let text = stdout(&output);
        assert_eq!(output.status.code(), Some(code), "{case}: {text}");
        let words = text.replace(&*pdf, "FILE");
        assert_eq!(debug_names(&words), Vec::<String>::new(), "{case}: {text}");
        assert!(!text.contains("justerade"), "{case}: one language: {text}");
        let marked = |mark: &str| {
            text.lines()
                .skip_while(|l| !l.contains("who signed:"))
                .filter(|l| l.contains(mark))
                .count()
        };
        match case {
            "002-bytes-flipped" | "003-modified-after-signing" => {
                assert_eq!(marked("BROKEN"), 3, "{case}: {text}");
            }
            "003-untrusted-ca" => assert_eq!(marked("UNTRUSTED"), 1, "{case}: {text}"),
            _ => assert_eq!(marked(": "), 0, "{case}: nothing to mark: {text}"),
        }
    }
}

/// How often `needle` occurs in `haystack`.
fn occurrences(haystack: &str, needle: &str) -> usize {
    haystack.matches(needle).count()
}

/// Issue 25: an error says its cause once (it said `No such file or directory (os error 2):
/// No such file or directory (os error 2)`), names the path, and exits 2; for `extract`,
/// `verify`, a `batch` folder and a `--trust` file alike.
#[test]
fn a_missing_file_is_named_once_with_its_cause_once() {
    let dir = tempfile::tempdir().unwrap();
    let missing = dir.path().join("no/such.pdf");
    let missing = missing.to_str().unwrap();
    let out = dir.path().join("out");
    let pdf = write(dir.path(), "in.pdf", &common::swedish_winansi());
    for args in [
        vec!["extract", missing],
        vec!["verify", missing],
        vec!["batch", missing, "--out", out.to_str().unwrap()],
        vec!["verify", &pdf, "--trust", missing],
    ] {
        let output = arkivar(&args);
        let err = stderr(&output);
        assert_eq!(output.status.code(), Some(2), "{args:?}: {err}");
        assert_eq!(
            occurrences(&err, "No such file or directory"),
            1,
            "{args:?}: {err}"
        );
        assert_eq!(occurrences(&err, missing), 1, "{args:?}: {err}");
        assert_eq!(err.lines().count(), 1, "{args:?}: {err}");
    }
}

/// Issue 25: a folder given where a file belongs, or a file where a folder belongs, is
/// refused as what it is, said once (`--trust` and `batch` said it twice).
#[test]
fn a_directory_given_as_a_file_is_refused_once() {
    let dir = tempfile::tempdir().unwrap();
    let folder = dir.path().to_str().unwrap();
    let pdf = write(dir.path(), "in.pdf", &common::swedish_winansi());
    let out = dir.path().join("out");
    let out = out.to_str().unwrap();
    for (args, what, named) in [
        (vec!["extract", folder], "is a directory", folder),
        (vec!["verify", folder], "is a directory", folder),
        (
            vec!["verify", &pdf, "--trust", folder],
            "Is a directory",
            folder,
        ),
        (vec!["batch", &pdf, "--out", out], "not a directory", &pdf),
    ] {
        let output = arkivar(&args);
        let err = stderr(&output);
        assert_eq!(output.status.code(), Some(2), "{args:?}: {err}");
        assert_eq!(occurrences(&err, what), 1, "{args:?}: {err}");
        assert_eq!(occurrences(&err, named), 1, "{args:?}: {err}");
        assert_eq!(err.lines().count(), 1, "{args:?}: {err}");
    }
}

/// Issue 25: each subcommand offers only the options it uses: `schema` verifies nothing, so
/// its help has no `--trust` or `--pipeline`, while `verify`'s has both; and the older
/// spelling, the options before the subcommand, still works.
#[test]
fn schema_help_offers_no_pipeline_options_and_the_old_spelling_still_works() {
    let help = stdout(&arkivar(&["schema", "-h"]));
    assert!(help.contains("--log-format"), "{help}");
    assert!(!help.contains("--trust"), "{help}");
    assert!(!help.contains("--pipeline"), "{help}");
    let refused = arkivar(&["schema", "--trust", "x.pem"]);
    assert_eq!(refused.status.code(), Some(2));

    for command in [
        "verify",
        "extract",
        "signatures",
        "batch",
        "serve",
        "worker",
    ] {
        let help = stdout(&arkivar(&[command, "-h"]));
        assert!(
            help.contains("--trust") && help.contains("--pipeline"),
            "{command}: {help}"
        );
    }

    let dir = tempfile::tempdir().unwrap();
    let pdf = write(dir.path(), "in.pdf", &common::swedish_winansi());
    let missing = dir.path().join("none.pem");
    let missing = missing.to_str().unwrap();
    for args in [
        vec!["verify", &pdf, "--trust", missing],
        vec!["--trust", missing, "verify", &pdf],
    ] {
        let output = arkivar(&args);
        assert_eq!(output.status.code(), Some(2), "{args:?}");
        assert!(stderr(&output).contains(missing), "{args:?}");
    }
    let generic = arkivar(&["--pipeline", "generic", "verify", &pdf, "--format", "json"]);
    assert_eq!(generic.status.code(), Some(0), "{}", stderr(&generic));
}

#[test]
fn signatures_print_the_pades_level_and_etsi_indication_and_require_level_makes_a_finding() {
    let dir = tempfile::tempdir().unwrap();
    let sample = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/samples/01-minutes-verified.pdf"
    );
    let trust = concat!(env!("CARGO_MANIFEST_DIR"), "/samples/trust.pem");
    // The samples are PAdES B-B signatures (ESS signing-certificate-v2, no signingTime) with
    // no timestamp.
    let plain = arkivar(&["--trust", trust, "signatures", sample]);
    let text = stdout(&plain);
    assert!(
        text.contains("PAdES B-B; for B-T: no signature or later document timestamp"),
        "{text}"
    );
    // No revocation data at all (certificates valid until 2036): the standard would try later.
    assert!(
        text.contains("ETSI EN 319 102-1: INDETERMINATE (TRY_LATER: "),
        "{text}"
    );
    assert!(!text.contains("[signature.level_insufficient]"), "{text}");

    let require = |level: &str| {
        let strict = dir.path().join(format!("strict-{level}.toml"));
        std::fs::write(
            &strict,
            format!(
                "name = \"strict\"\n[verify]\nchecks = \"signatures\"\nrequire_level = \"{level}\"\n"
            ),
        )
        .unwrap();
        arkivar(&[
            "--pipeline",
            strict.to_str().unwrap(),
            "--trust",
            trust,
            "signatures",
            sample,
        ])
    };
    let required = require("B-T");
    let text = stdout(&required);
    assert!(text.contains("[signature.level_insufficient]"), "{text}");
    assert_eq!(required.status.code(), Some(1), "{text}");
    // Near miss: B-B is required and met.
    let met = require("B-B");
    let text = stdout(&met);
    assert!(!text.contains("[signature.level_insufficient]"), "{text}");
    assert_eq!(met.status.code(), Some(0), "{text}");
}

/// `--trusted-list` with its signer: a list that verifies is taken, one signed by another
/// certificate stops the run naming the file, and a list without a signer is refused.
#[test]
fn a_trusted_list_that_does_not_verify_stops_the_run() {
    let fixtures = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/trusted-lists");
    let pdf = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/samples/01-minutes-verified.pdf"
    );
    let list = format!("{fixtures}/se.xml");
    let other = format!("{fixtures}/se-other-signer.xml");
    let signer = format!("{fixtures}/signer.pem");
    let args = |list: &str| {
        vec![
            "signatures".to_owned(),
            "--trusted-list".to_owned(),
            list.to_owned(),
            "--trusted-list-signer".to_owned(),
            signer.clone(),
            pdf.to_owned(),
        ]
    };
    let run = |args: Vec<String>| {
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        arkivar(&args)
    };
    let good = run(args(&list));
    assert_ne!(good.status.code(), Some(2), "{}", stderr(&good));
    let refused = run(args(&other));
    assert_eq!(refused.status.code(), Some(2));
    let message = stderr(&refused);
    assert!(message.contains("se-other-signer.xml"), "{message}");
    assert!(message.contains("another certificate"), "{message}");
    let unpaired = arkivar(&["signatures", "--trusted-list", &list, pdf]);
    assert_eq!(unpaired.status.code(), Some(2));
    assert!(
        stderr(&unpaired).contains("--trusted-list-signer"),
        "{}",
        stderr(&unpaired)
    );
}
