//! `arkivar batch`: every PDF under a folder into records in another, in parallel, resumable,
//! with progress while it runs and reports when it ends.
//!
//! The edges are the ones on the map (design.md): [`crate::sources::dir`] finds the files,
//! [`crate::pipeline::process`] makes the records, [`crate::sinks::fs::FsSink`] writes them.
//! This module adds what a long run over thousands of files needs:
//!
//! - **bounded parallelism**: `jobs` worker threads, each holding one document, so memory is
//!   bounded by `jobs` × the largest document the limits allow;
//! - **sinks**: besides the record file in the output folder, each record can go to the HTTP
//!   archive through the worker's own client ([`crate::sinks::http::blocking`]);
//! - **resumability**: the [`ledger`] in the output folder lists finished documents by
//!   SHA-256. A document is skipped when the ledger lists its hash *and* its record file
//!   exists. The ledger line is written only after every sink confirmed the record (the file
//!   is durable, the archive answered), never before, so a rerun redoes and resends exactly
//!   what was not confirmed. Killing the process (crash, SIGKILL) at any point is safe;
//! - **interruption** (the process's one [`Shutdown`], as in `worker` and `serve`): Ctrl-C or
//!   SIGTERM stops taking new documents, lets the ones in flight finish, and ends with the
//!   summary and an exit status of its own (128 + the signal's number, as shells do); a
//!   second signal ends the process at once, which is safe too, because records are written
//!   atomically and the ledger ignores a torn line;
//! - **progress** ([`progress`]) and a **summary** ([`summary`]), and the reports
//!   (`report.csv`, `report.html`, [`crate::report`]) over every document, including the ones
//!   an earlier run did.

pub mod ledger;
pub mod progress;
pub mod summary;

use std::fs;
use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::thread;
use std::time::Instant;

use thiserror::Error;

use crate::pipeline::{self, PIPELINE_STACK_BYTES, Settings, io_error_record};
use crate::record::{ErrorKind, Record, SourceInfo};
use crate::report::{self, Row};
use crate::signature::range_digest::FileSha256;
use crate::sinks::fs::{FsSink, FsSinkError};
use crate::sinks::http::blocking::BlockingArchive;
use crate::sinks::http::{ArchiveConfig, ArchiveError};
use crate::sinks::record_key;
use crate::sinks::sip::{SipSink, Written};
use crate::sources::dir::{self, DirError, Found};

pub use crate::shutdown::{Shutdown, Signal};
pub use ledger::{LEDGER_FILE, Ledger};
pub use summary::Tally;

/// The CSV report's file name in the output folder.
pub const CSV_REPORT: &str = "report.csv";
/// The HTML report's file name in the output folder.
pub const HTML_REPORT: &str = "report.html";

/// Why a batch could not run or finish.
/// A variant's `cause` ends its message, and is therefore not also its `source()`.
#[derive(Debug, Error)]
#[non_exhaustive]
pub enum BatchError {
    /// The input folder could not be read.
    #[error(transparent)]
    Source(#[from] DirError),
    /// The output folder could not be created.
    #[error(transparent)]
    Sink(#[from] FsSinkError),
    /// The ledger could not be opened.
    #[error(transparent)]
    Ledger(#[from] ledger::LedgerError),
    /// A worker thread could not be started.
    #[error("cannot start a worker thread: {0}")]
    Thread(io::Error),
    /// A report could not be written.
    #[error("cannot write the report {}: {cause}", .path.display())]
    Report { path: PathBuf, cause: io::Error },
    /// The archive client could not be set up.
    #[error(transparent)]
    Archive(#[from] ArchiveError),
}

/// What a batch is asked to do.
#[derive(Debug, Clone)]
pub struct Options {
    /// Folder to search for PDFs.
    pub root: PathBuf,
    /// Folder for records, ledger and reports.
    pub out: PathBuf,
    /// Worker threads, each with one document in flight.
    pub jobs: usize,
    /// How progress is shown.
    pub progress: progress::Mode,
    /// The pipeline's name: with the content hash, the key sinks deduplicate records by.
    pub pipeline: String,
    /// The HTTP archive every record goes to besides the output folder, when configured.
    pub archive: Option<ArchiveConfig>,
    /// Polled between documents: once triggered, no new document is started.
    pub shutdown: Option<Shutdown>,
    /// Where each document's archive package goes besides its record, when configured.
    pub packages: Option<SipSink>,
    /// The character between the fields of `report.csv`.
    pub csv_delimiter: report::csv::Delimiter,
}

/// What a batch did.
#[derive(Debug)]
pub struct Outcome {
    /// The counts.
    pub tally: Tally,
    /// Where the reports went; `None` when the run was interrupted (reports cover every
    /// document, so they wait for the run that finishes).
    pub reports: Option<[PathBuf; 2]>,
    /// The signal that stopped the run before every document was done.
    pub interrupted: Option<Signal>,
}

/// Runs the batch. Errors only when the batch as a whole cannot go on; a document that fails
/// gets an error record and is counted.
pub fn run(options: &Options, settings: &Settings) -> Result<Outcome, BatchError> {
    let found = dir::pdf_files(&options.root)?;
    let sink = FsSink::new(&options.out)?;
    let archive = options
        .archive
        .clone()
        .map(BlockingArchive::new)
        .transpose()?;
    let ledger = Ledger::open(&options.out)?;
    let workers = options.jobs.min(found.len()).max(1);
    tracing::info!(
        documents = found.len(),
        workers,
        in_ledger = ledger.len(),
        "batch started"
    );

    let progress = progress::Progress::new(options.progress, found.len() as u64);
    let next = AtomicUsize::new(0);
    let results: Mutex<Vec<Done>> = Mutex::new(Vec::with_capacity(found.len()));
    let worker = Worker {
        settings,
        sink: &sink,
        archive: archive.as_ref(),
        packages: options.packages.as_ref(),
        pipeline: &options.pipeline,
        ledger: &ledger,
        out: &options.out,
    };
    let stopping = || {
        options
            .shutdown
            .as_ref()
            .is_some_and(Shutdown::is_triggered)
    };
    thread::scope(|scope| -> Result<(), BatchError> {
        let mut handles = Vec::with_capacity(workers);
        for n in 0..workers {
            let handle = thread::Builder::new()
                .name(format!("arkivar-{n}"))
                .stack_size(PIPELINE_STACK_BYTES)
                .spawn_scoped(scope, || {
                    // The stop check comes before taking an index, so a document is either
                    // done completely or not started.
                    while !stopping() {
                        let Some(item) = found.get(next.fetch_add(1, Ordering::Relaxed)) else {
                            break;
                        };
                        let done = worker.one(item);
                        results.lock().unwrap_or_else(|p| p.into_inner()).push(done);
                        progress.inc();
                    }
                })
                .map_err(BatchError::Thread)?;
            handles.push(handle);
        }
        for handle in handles {
            // The pipeline contains its panics per document; one escaping here is a bug in
            // the loop itself, and its documents are counted as not processed below.
            if handle.join().is_err() {
                tracing::error!("a batch worker stopped unexpectedly");
            }
        }
        Ok(())
    })?;
    progress.finish();

    let mut done = results.into_inner().unwrap_or_else(|p| p.into_inner());
    done.sort_by(|a, b| a.row.file.cmp(&b.row.file));
    let mut tally = Tally::default();
    for d in &done {
        tally.add(&d.row);
        tally.skipped += usize::from(d.skipped);
        tally.unwritten += usize::from(!d.written);
        tally.unsent += usize::from(d.unsent);
    }
    let missing = found.len().saturating_sub(done.len());
    // A signal that came after the last document was taken stopped nothing.
    let interrupted = options
        .shutdown
        .as_ref()
        .and_then(|i| i.requested())
        .filter(|_| missing > 0);
    if interrupted.is_some() {
        tally.not_started = missing;
        return Ok(Outcome {
            tally,
            reports: None,
            interrupted,
        });
    }
    tally.lost = missing;

    let rows: Vec<Row> = done.into_iter().map(|d| d.row).collect();
    // The CLI refuses a pipeline whose zone does not resolve before a batch starts; UTC only
    // keeps a library caller's reports readable.
    let zone = settings.policy.zone().unwrap_or(jiff::tz::TimeZone::UTC);
    let context = report::Context {
        root: &options.root,
        zone: &zone,
    };
    let csv_path = options.out.join(CSV_REPORT);
    let html_path = options.out.join(HTML_REPORT);
    write_atomically(
        &csv_path,
        report::csv::render(&rows, &context, options.csv_delimiter).as_bytes(),
    )?;
    write_atomically(
        &html_path,
        report::html::render(&rows, &context, jiff::Timestamp::now()).as_bytes(),
    )?;
    Ok(Outcome {
        tally,
        reports: Some([csv_path, html_path]),
        interrupted: None,
    })
}

/// One document's result.
#[derive(Debug)]
struct Done {
    row: Row,
    /// An earlier run had finished it.
    skipped: bool,
    /// Its record is on disk.
    written: bool,
    /// The archive did not confirm its record.
    unsent: bool,
}

/// What every worker thread shares.
struct Worker<'a> {
    settings: &'a Settings,
    sink: &'a FsSink,
    archive: Option<&'a BlockingArchive>,
    packages: Option<&'a SipSink>,
    pipeline: &'a str,
    ledger: &'a Ledger,
    out: &'a Path,
}

impl Worker<'_> {
    fn one(&self, item: &Found) -> Done {
        let path = match item {
            Found::Pdf(path) => path,
            Found::Unreadable(error) => return self.unreadable(error),
        };
        let bytes = match dir::read_file(path, self.settings.limits.max_file_bytes) {
            Ok(bytes) => bytes,
            Err(error) => return self.unreadable(&error),
        };
        let file = FileSha256::of(&bytes);
        let sha256 = hex::encode(file.digest);
        if let Some(row) = self.earlier(&sha256) {
            return Done {
                row,
                skipped: true,
                written: true,
                unsent: false,
            };
        }

        let started = Instant::now();
        let record =
            pipeline::process_hashed(&bytes, &file, SourceInfo::from_path(path), self.settings);
        let millis = u64::try_from(started.elapsed().as_millis()).unwrap_or(u64::MAX);
        let source = path.display().to_string();
        let (written, unsent) = match self.sink.write(&record) {
            Ok(file) => match self
                .package(&record, &bytes)
                .and_then(|()| self.deliver(&record, &bytes).map_err(|e| e.to_string()))
            {
                Ok(()) => {
                    tracing::info!(source, status = record.status.as_str(), record = %file.display(), "document done");
                    // The ledger line follows every sink's confirmation: a line always means
                    // the record exists everywhere. A failed append only means the document
                    // is done again next time.
                    if let Err(error) = self.ledger.append(&sha256, &source, record.status.as_str())
                    {
                        tracing::error!(%error, "ledger not updated");
                    }
                    (true, false)
                }
                Err(error) => {
                    tracing::error!(source, %error, "a sink did not confirm the document; the next run tries again");
                    (true, true)
                }
            },
            Err(error) => {
                tracing::error!(source, %error, "record not written");
                (false, false)
            }
        };
        drop(bytes);
        if let Some(error) = &record.error {
            tracing::warn!(source, kind = error.kind.as_str(), message = %error.message, "document failed");
        }
        let json = serde_json::to_value(&record).unwrap_or_default();
        Done {
            row: Row::from_record(&json, Some(millis)),
            skipped: false,
            written,
            unsent,
        }
    }

    /// Writes the document's archive package, when packages are asked for. A record that
    /// names the document by its path (its bytes could not be read) has nothing to package.
    fn package(&self, record: &Record, pdf: &[u8]) -> Result<(), String> {
        let Some(packages) = self.packages else {
            return Ok(());
        };
        let package = match crate::package::build(record, pdf) {
            Ok(package) => package,
            Err(crate::package::PackageError::NoContent) => return Ok(()),
            Err(error) => return Err(format!("no package: {error}")),
        };
        match packages.write(&package) {
            Ok(Written::Created(path)) => {
                tracing::debug!(package = %path.display(), "package written");
                Ok(())
            }
            Ok(Written::Exists(_)) => Ok(()),
            Err(error) => Err(error.to_string()),
        }
    }

    /// Hands the record to the archive, when there is one and it takes records of this
    /// status; returns once the archive confirmed (2xx, or 409 for a record it has).
    fn deliver(&self, record: &Record, pdf: &[u8]) -> Result<(), ArchiveError> {
        let Some(archive) = self.archive.filter(|a| a.accepts(record.status)) else {
            return Ok(());
        };
        let receipt = archive.send_record(record, pdf, &record_key(record, self.pipeline))?;
        tracing::debug!(archive_id = ?receipt.id, duplicate = receipt.duplicate, attempts = receipt.attempts, "archived");
        Ok(())
    }

    /// The row of a document an earlier run finished: the ledger lists it and its record is
    /// readable. A record that is gone or damaged means the document is done again.
    fn earlier(&self, sha256: &str) -> Option<Row> {
        self.ledger.get(sha256)?;
        // A package asked for now that an earlier run did not write means doing it again.
        if let Some(packages) = self.packages
            && !packages
                .path_of(&crate::package::package_name(sha256))
                .exists()
        {
            return None;
        }
        let file = self.out.join(format!("{sha256}.json"));
        let json: serde_json::Value = serde_json::from_slice(&fs::read(&file).ok()?).ok()?;
        (json["identity"]["sha256"] == sha256).then(|| Row::from_record(&json, None))
    }

    /// An input whose bytes could not be read gets an error record named by its path. It is
    /// not put in the ledger, which lists content hashes: a rerun tries to read it again.
    fn unreadable(&self, error: &DirError) -> Done {
        let kind = if error.is_too_large() {
            ErrorKind::TooLarge
        } else {
            ErrorKind::Io
        };
        let size = error.size();
        let record = io_error_record(
            SourceInfo::from_path(error.path()),
            kind,
            &error.to_string(),
            size,
            jiff::Timestamp::now(),
        );
        tracing::warn!(source = %error.path().display(), %error, "document unreadable");
        let (written, unsent) = match self.sink.write(&record) {
            Ok(_) => match self.deliver(&record, &[]) {
                Ok(()) => (true, false),
                Err(error) => {
                    tracing::error!(%error, "the archive did not confirm the record");
                    (true, true)
                }
            },
            Err(error) => {
                tracing::error!(%error, "record not written");
                (false, false)
            }
        };
        let json = serde_json::to_value(&record).unwrap_or_default();
        Done {
            row: Row::from_record(&json, None),
            skipped: false,
            written,
            unsent,
        }
    }
}

/// Writes a report so that a reader sees the old one or the new one, never half.
fn write_atomically(path: &Path, bytes: &[u8]) -> Result<(), BatchError> {
    let temp = path.with_extension(format!("tmp.{}", std::process::id()));
    let result = fs::File::create(&temp)
        .and_then(|mut f| f.write_all(bytes).and_then(|()| f.sync_all()))
        .and_then(|()| fs::rename(&temp, path));
    result.map_err(|cause| {
        // Best effort: the write error is what matters.
        let _ = fs::remove_file(&temp);
        BatchError::Report {
            path: path.to_owned(),
            cause,
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use sha2::{Digest, Sha256};

    fn options(root: &Path, out: &Path) -> Options {
        Options {
            root: root.to_owned(),
            out: out.to_owned(),
            jobs: 2,
            progress: progress::Mode::Hidden,
            pipeline: "generic".into(),
            archive: None,
            shutdown: None,
            packages: None,
            csv_delimiter: report::csv::Delimiter::default(),
        }
    }

    #[test]
    fn second_run_skips_what_the_first_finished() {
        let dir = tempfile::tempdir().unwrap();
        let (root, out) = (dir.path().join("in"), dir.path().join("out"));
        fs::create_dir_all(&root).unwrap();
        fs::write(root.join("a.pdf"), b"%PDF-1.4 not really").unwrap();
        fs::write(root.join("b.pdf"), b"nothing").unwrap();
        let first = run(&options(&root, &out), &Settings::default()).unwrap();
        assert_eq!(first.tally.documents, 2);
        assert_eq!(first.tally.skipped, 0);
        let second = run(&options(&root, &out), &Settings::default()).unwrap();
        assert_eq!(second.tally.documents, 2);
        assert_eq!(second.tally.skipped, 2);
        assert_eq!(second.tally.by_status.get("error"), Some(&2));
        let csv = fs::read_to_string(out.join(CSV_REPORT)).unwrap();
        assert_eq!(csv.lines().count(), 3, "{csv}");
    }

    #[test]
    fn a_stop_requested_before_the_start_does_nothing_and_writes_no_report() {
        let dir = tempfile::tempdir().unwrap();
        let (root, out) = (dir.path().join("in"), dir.path().join("out"));
        fs::create_dir_all(&root).unwrap();
        fs::write(root.join("a.pdf"), b"nothing").unwrap();
        fs::write(root.join("b.pdf"), b"nothing either").unwrap();
        let stop = Shutdown::new();
        stop.trigger(Signal::Interrupt);
        let options = Options {
            shutdown: Some(stop),
            ..options(&root, &out)
        };
        let outcome = run(&options, &Settings::default()).unwrap();
        assert_eq!(outcome.interrupted, Some(Signal::Interrupt));
        assert_eq!(outcome.tally.documents, 0);
        assert_eq!(outcome.tally.not_started, 2);
        assert_eq!(outcome.tally.lost, 0);
        assert!(outcome.reports.is_none());
        assert!(!out.join(CSV_REPORT).exists());
        assert_eq!(Ledger::open(&out).unwrap().len(), 0);
    }

    #[test]
    fn a_deleted_record_is_made_again() {
        let dir = tempfile::tempdir().unwrap();
        let (root, out) = (dir.path().join("in"), dir.path().join("out"));
        fs::create_dir_all(&root).unwrap();
        fs::write(root.join("a.pdf"), b"nothing").unwrap();
        run(&options(&root, &out), &Settings::default()).unwrap();
        let sha = hex::encode(Sha256::digest(b"nothing"));
        fs::remove_file(out.join(format!("{sha}.json"))).unwrap();
        let again = run(&options(&root, &out), &Settings::default()).unwrap();
        assert_eq!(again.tally.skipped, 0);
        assert!(out.join(format!("{sha}.json")).exists());
    }
}
