//! The `arkivar` command line: `extract` one file, `batch` a folder into records, print the
//! record `schema`.
//!
//! This is the only module that uses `anyhow`: everything below it returns typed errors, and
//! here they become one line on stderr and an exit code (0 ok, 1 some documents failed,
//! 2 error; `batch` stopped by a signal: 130 for SIGINT, 143 for SIGTERM; `worker` and `serve`
//! stopped at their `--shutdown-timeout` with work unfinished: 3). The startup path
//! stays cheap on purpose: `extract` runs once per file in pipelines that compare it with
//! `pdftotext`, so nothing heavy happens before the arguments are parsed, and logging uses a
//! plain level filter unless a filter string is given.

use std::io::{self, IsTerminal, Write};
use std::num::NonZeroUsize;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::thread;

use anyhow::{Context, Result};
use clap::{Args, Parser, Subcommand, ValueEnum};

use arkivar::pipeline::Settings;
use arkivar::pipeline::{self, PIPELINE_STACK_BYTES, io_error_record};
use arkivar::record::{ErrorKind, Record, SourceInfo, Status, record_schema};
use arkivar::signature::examine::SignatureFacts;
use arkivar::sources::dir::{self, DirError};

// Parsing a PDF allocates many small objects; mimalloc serves them markedly faster than the
// system allocator (measured with scripts/bench-signatures.sh and bench-text.sh). It is
// built without transparent huge pages (Cargo.toml, `no_thp`): with them, every first touch
// of its memory zeroed a 2 MiB page, ~2 ms of each short `arkivar extract` run.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// Signed PDFs in, verified records out.
#[derive(Debug, Parser)]
#[command(
    name = "arkivar",
    version,
    about,
    max_term_width = 100,
    mut_arg("pipeline", |a| a.hide(true)),
    mut_arg("trust", |a| a.hide(true))
)]
struct Cli {
    /// How log lines on stderr look.
    #[arg(long, value_enum, default_value_t = LogFormat::Human, global = true)]
    log_format: LogFormat,

    /// Log more. `-v` alone logs at `info`; `--verbose=FILTER` takes a RUST_LOG-style filter
    /// such as `arkivar=debug,lopdf=warn`. Without it, RUST_LOG is read, else only warnings.
    #[arg(
        short,
        long,
        global = true,
        num_args = 0..=1,
        require_equals = true,
        default_missing_value = "info",
        value_name = "FILTER"
    )]
    verbose: Option<String>,

    /// `--pipeline` and `--trust` given before the subcommand, as older scripts give them;
    /// hidden, because each subcommand that uses them takes them itself.
    #[command(flatten)]
    before_command: PipelineArgs,

    #[command(subcommand)]
    command: Command,
}

/// The pipeline and trust anchors a document is verified under, for the subcommands that
/// verify documents. Also on [`Cli`], hidden, for the older spelling before the subcommand.
#[derive(Debug, Default, Args)]
struct PipelineArgs {
    /// The pipeline: a built-in name (`generic`) or a path to a pipeline `.toml` file. It sets
    /// the limits every document is held to [default: protokoll-sv].
    #[arg(long, value_name = "NAME|FILE")]
    pipeline: Option<String>,

    /// A PEM file of trust anchors (one or more certificates) that signer chains may reach;
    /// repeat for more files. Adds to the pipeline's anchors.
    #[arg(long, value_name = "PEM")]
    trust: Vec<PathBuf>,
}

impl PipelineArgs {
    /// These options with those given before the subcommand: a pipeline named here wins, and
    /// the anchors of both places count.
    fn or_before(&self, before: &PipelineArgs) -> (String, Vec<PathBuf>) {
        let pipeline = self
            .pipeline
            .clone()
            .or_else(|| before.pipeline.clone())
            .unwrap_or_else(|| pipeline::config::DEFAULT_PIPELINE.to_owned());
        let trust = before.trust.iter().chain(&self.trust).cloned().collect();
        (pipeline, trust)
    }
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Extract the text of one PDF (pages end with a form feed, as with pdftotext), or print
    /// its record with `--format json`. Exits 2 when the file cannot be processed.
    Extract {
        /// The PDF to read.
        file: PathBuf,
        /// `text`: the pages' text; `json`: the whole record.
        #[arg(long, value_enum, default_value_t = Format::Text)]
        format: Format,
        #[command(flatten)]
        pipeline: PipelineArgs,
    },
    /// Turn every PDF under DIR into a JSON record in OUT (`<sha256>.json`), and send each to
    /// the archive with `--sink URL`. Exits 1 when any document failed (failures get error
    /// records too), 2 when a record was not written or not confirmed by the archive, 130
    /// (SIGINT) or 143 (SIGTERM) when a signal stopped it: rerun to finish.
    Batch {
        /// Folder to search for `*.pdf` files, recursively.
        dir: PathBuf,
        /// Folder to write records into; created if missing.
        #[arg(long)]
        out: PathBuf,
        /// Documents processed at once [default: number of cores].
        #[arg(long, short)]
        jobs: Option<NonZeroUsize>,
        /// The HTTP archive each record is also sent to, as the worker sends it.
        #[command(flatten)]
        archive: arkivar::sinks::http::ArchiveArgs,
        #[command(flatten)]
        pipeline: PipelineArgs,
    },
    /// Check the signatures of PDFs: what each covers, whether it is intact and valid (or why
    /// it could not be checked), who signed and when, whether it is trusted, what changed after
    /// it. The same checks and findings as `verify` without the text. One file prints one JSON
    /// object (`--format json`); several print one object per line. Exits as `verify` does: 0
    /// verified or unsigned, 1 with warnings or failures, 2 when a file cannot be processed.
    Signatures {
        /// The PDFs to check.
        #[arg(required = true)]
        files: Vec<PathBuf>,
        /// `text`: a short summary per signature; `json`: the facts.
        #[arg(long, value_enum, default_value_t = Format::Text)]
        format: Format,
        #[command(flatten)]
        pipeline: PipelineArgs,
    },
    /// Verify one PDF: signatures, and for meeting minutes who signed in what role, order and
    /// time against the minutes. Prints a short verdict (status first, then findings with their
    /// evidence, then who signed when), or the record with `--format json`. Exits 0 when
    /// verified or unsigned, 1 with warnings or failures, 2 when the file cannot be processed.
    Verify {
        /// The PDF to verify.
        file: PathBuf,
        /// `text`: the verdict for people; `json`: the record.
        #[arg(long, value_enum, default_value_t = Format::Text)]
        format: Format,
        #[command(flatten)]
        pipeline: PipelineArgs,
    },
    /// Print the JSON Schema of the record.
    Schema,
    /// Verify jobs from RabbitMQ and forward the records to the archive and the results
    /// exchange; runs until SIGTERM or SIGINT (see docs/worker.md). Jobs name their
    /// pipeline; `--pipeline` here only chooses whether scans are read with OCR.
    Worker {
        #[command(flatten)]
        args: Box<arkivar::worker::WorkerArgs>,
        #[command(flatten)]
        pipeline: PipelineArgs,
    },
    /// Serve the HTTP API: `POST /v1/verify` (a PDF in, its record out), `POST /v1/jobs` and
    /// `GET /v1/jobs/{id}` (jobs for the worker, with --amqp), `POST /v1/webhooks/esign`,
    /// `/healthz`, `/metrics`, `/openapi.json`. Runs until Ctrl-C or SIGTERM.
    Serve {
        #[command(flatten)]
        args: Box<arkivar::sources::http::ServeArgs>,
        #[command(flatten)]
        pipeline: PipelineArgs,
    },
}

impl Command {
    /// The pipeline and anchors this command runs under; `schema` verifies nothing and runs
    /// under the defaults.
    fn pipeline_args(&self, before: &PipelineArgs) -> (String, Vec<PathBuf>) {
        match self {
            Command::Extract { pipeline, .. }
            | Command::Batch { pipeline, .. }
            | Command::Signatures { pipeline, .. }
            | Command::Verify { pipeline, .. }
            | Command::Worker { pipeline, .. }
            | Command::Serve { pipeline, .. } => pipeline.or_before(before),
            Command::Schema => PipelineArgs::default().or_before(before),
        }
    }
}

#[derive(Debug, Clone, Copy, ValueEnum)]
enum LogFormat {
    /// Readable lines.
    Human,
    /// One JSON object per line.
    Json,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
enum Format {
    /// Page texts, each followed by a form feed.
    Text,
    /// The record.
    Json,
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    if let Err(error) = init_logging(cli.log_format, cli.verbose.as_deref()) {
        eprintln!("arkivar: {error:#}");
        return ExitCode::from(2);
    }
    let (pipeline, trust) = cli.command.pipeline_args(&cli.before_command);
    match settings(&pipeline, &trust)
        .and_then(|(settings, name)| run(cli.command, cli.log_format, &settings, &name))
    {
        Ok(code) => code,
        Err(error) => {
            // A closed stdout (`arkivar extract f.pdf | head`) is the reader's choice, not
            // a failure.
            if is_broken_pipe(&error) {
                return ExitCode::SUCCESS;
            }
            eprintln!("arkivar: {}", one_line(&format!("{error:#}")));
            ExitCode::from(2)
        }
    }
}

/// A built-in pipeline by name, or a pipeline file by path (anything with a `/` or ending in
/// `.toml`).
fn load_pipeline(spec: &str) -> Result<pipeline::config::PipelineConfig> {
    if spec.contains('/') || spec.ends_with(".toml") {
        let text = std::fs::read_to_string(spec)
            .with_context(|| format!("cannot read pipeline file {spec}"))?;
        Ok(pipeline::config::parse(&text, spec)?)
    } else {
        Ok(pipeline::config::builtin(spec)?)
    }
}

/// The pipeline's settings, with the `--trust` anchors added, and the pipeline's name.
fn settings(pipeline: &str, trust: &[PathBuf]) -> Result<(Settings, String)> {
    let config = load_pipeline(pipeline)?;
    config
        .verify
        .zone()
        .map_err(|e| anyhow::anyhow!("pipeline {pipeline}: {e}"))?;
    // The one OCR engine of the process: it asks `tesseract --version` once, on first use.
    let ocr: Option<std::sync::Arc<dyn arkivar::ocr::OcrEngine>> = config
        .verify
        .ocr
        .then(|| std::sync::Arc::new(arkivar::ocr::tesseract::Tesseract::default()) as _);
    let mut settings = Settings {
        limits: config.limits,
        policy: config.verify,
        ocr,
        ..Settings::default()
    };
    for pem in trust {
        // The error names the file.
        let added = settings.trust.add_pem_file(pem)?;
        tracing::debug!(file = %pem.display(), added, "trust anchors");
    }
    Ok((settings, config.name))
}

fn run(
    command: Command,
    log_format: LogFormat,
    settings: &Settings,
    pipeline: &str,
) -> Result<ExitCode> {
    match command {
        Command::Extract { file, format, .. } => extract(&file, format, settings),
        Command::Verify { file, format, .. } => verify(&file, format, settings),
        Command::Batch {
            dir,
            out,
            jobs,
            archive,
            ..
        } => {
            let options = arkivar::batch::Options {
                root: dir,
                out,
                jobs: jobs.map_or_else(
                    || thread::available_parallelism().map_or(1, NonZeroUsize::get),
                    NonZeroUsize::get,
                ),
                progress: progress_mode(log_format),
                pipeline: pipeline.to_owned(),
                archive: archive.config()?,
                shutdown: None,
            };
            batch(options, log_format, settings)
        }
        Command::Signatures { files, format, .. } => signatures(&files, format, settings),
        Command::Worker { args, .. } => arkivar::worker::main(*args, settings.clone())
            .map(drain_exit_code)
            .map_err(Into::into),
        Command::Serve { args, .. } => {
            let drain = arkivar::sources::http::run(args.config()?, settings.clone(), pipeline)?;
            Ok(drain_exit_code(drain))
        }
        Command::Schema => {
            let mut json = serde_json::to_string_pretty(&record_schema())?;
            json.push('\n');
            io::stdout().lock().write_all(json.as_bytes())?;
            Ok(ExitCode::SUCCESS)
        }
    }
}

/// lapin's log target that dumps returned messages, bodies included.
const RETURNED_MESSAGES_TARGET: &str = "lapin::returned_messages";

fn init_logging(format: LogFormat, verbose: Option<&str>) -> Result<()> {
    use tracing_subscriber::filter::{EnvFilter, LevelFilter, Targets};
    use tracing_subscriber::prelude::*;

    let env = std::env::var("RUST_LOG").ok().filter(|v| !v.is_empty());
    // Only a user-given filter pays for EnvFilter's parsing. By default arkivar warns and
    // libraries stay quiet: lopdf's own warnings about a broken file repeat, in other words,
    // the one line the CLI prints for it.
    let (filter, default) = match verbose.or(env.as_deref()) {
        Some(spec) => {
            let mut filter = EnvFilter::builder()
                .parse(spec)
                .with_context(|| format!("invalid log filter {spec:?}"))?;
            // lapin logs a returned (unroutable) message at warn with its whole body, and a
            // job `serve` publishes can carry a PDF inline: documents never go to the log.
            // `serve` reports the return itself. Named explicitly, the target is left alone.
            if !spec.contains(RETURNED_MESSAGES_TARGET) {
                filter = filter.add_directive(
                    format!("{RETURNED_MESSAGES_TARGET}=off")
                        .parse()
                        .context("the built-in log directive")?,
                );
            }
            (Some(filter), None)
        }
        None => (
            None,
            Some(
                Targets::new()
                    .with_target("arkivar", LevelFilter::WARN)
                    // The one line `worker` and `serve` log when ready to work.
                    .with_target(arkivar::worker::READY_TARGET, LevelFilter::INFO)
                    .with_default(LevelFilter::OFF),
            ),
        ),
    };
    let layer = tracing_subscriber::fmt::layer()
        .with_writer(io::stderr)
        .with_ansi(io::stderr().is_terminal());
    let layer = match format {
        LogFormat::Human => layer.boxed(),
        LogFormat::Json => layer.json().boxed(),
    };
    tracing_subscriber::registry()
        .with(default)
        .with(filter)
        .with(layer)
        .try_init()
        .context("cannot start logging")
}

/// Runs the pipeline over one file; the second value is the one stderr line for a document
/// that could not be processed.
fn process_file(file: &Path, settings: &Settings) -> Result<(Record, Option<String>)> {
    let limits = &settings.limits;
    on_pipeline_thread(|| match dir::read_file(file, limits.max_file_bytes) {
        Ok(bytes) => {
            let record = pipeline::process(&bytes, SourceInfo::from_path(file), settings);
            let problem = record
                .error
                .as_ref()
                .map(|e| format!("{}: {} [{}]", file.display(), e.message, e.kind.as_str()));
            (record, problem)
        }
        Err(error) => {
            let record = unreadable_record(&error);
            let kind = record.error.as_ref().map_or("io", |e| e.kind.as_str());
            (record, Some(format!("{error} [{kind}]")))
        }
    })
}

fn extract(file: &Path, format: Format, settings: &Settings) -> Result<ExitCode> {
    let (record, problem) = process_file(file, settings)?;
    let mut out = io::BufWriter::new(io::stdout().lock());
    match format {
        Format::Json => {
            serde_json::to_writer_pretty(&mut out, &record)?;
            out.write_all(b"\n")?;
        }
        Format::Text => {
            for page in &record.pages {
                out.write_all(page.text.as_bytes())?;
                out.write_all(b"\x0c")?;
            }
        }
    }
    out.flush()?;
    // One line per page whose text is known to fall short (stdout stays the text alone).
    for page in &record.pages {
        for warning in &page.warnings {
            eprintln!("arkivar: page {}: {warning}", page.number);
        }
    }

    match problem {
        Some(line) => {
            eprintln!("arkivar: {}", one_line(&line));
            Ok(ExitCode::from(2))
        }
        None => Ok(ExitCode::SUCCESS),
    }
}

fn verify(file: &Path, format: Format, settings: &Settings) -> Result<ExitCode> {
    let (record, problem) = process_file(file, settings)?;
    let mut out = io::BufWriter::new(io::stdout().lock());
    match format {
        Format::Json => {
            serde_json::to_writer_pretty(&mut out, &record)?;
            out.write_all(b"\n")?;
        }
        Format::Text => write_verdict(&mut out, file, &record, io::stdout().is_terminal())?,
    }
    out.flush()?;
    if let Some(line) = &problem {
        eprintln!("arkivar: {}", one_line(line));
    }
    Ok(ExitCode::from(exit_code(&record, problem.is_some())))
}

/// The verdict a person reads in ten seconds: status, findings with evidence, who signed when.
fn write_verdict(
    out: &mut impl Write,
    file: &Path,
    record: &Record,
    colour: bool,
) -> io::Result<()> {
    let paint = |code: &str, text: &str| {
        if colour {
            format!("\x1b[{code}m{text}\x1b[0m")
        } else {
            text.to_owned()
        }
    };
    let status = record.status.as_str().to_uppercase();
    let status = match record.status {
        Status::Verified => paint("1;32", &status),
        Status::Warnings => paint("1;33", &status),
        Status::Failed | Status::Error => paint("1;31", &status),
        Status::Unsigned => paint("1", &status),
    };
    writeln!(out, "{status}  {}", file.display())?;
    if let Some(e) = &record.error {
        writeln!(out, "  {} [{}]", e.message, e.kind.as_str())?;
    }
    if let Some(m) = &record.minutes {
        let meeting = &m.meeting;
        writeln!(
            out,
            "  {} {} {}",
            meeting.organ.as_deref().unwrap_or("(organ unknown)"),
            meeting.date.as_deref().unwrap_or("(date unknown)"),
            meeting.place.as_deref().unwrap_or("")
        )?;
    }
    for f in &record.findings {
        let sev = match f.severity {
            arkivar::record::Severity::Error => paint("31", "error  "),
            arkivar::record::Severity::Warning => paint("33", "warning"),
            arkivar::record::Severity::Info => paint("2", "info   "),
        };
        writeln!(out, "  {sev} {}  {}", f.code, f.message)?;
        for (k, v) in &f.evidence {
            if !v.is_null() {
                writeln!(out, "            {k}: {v}")?;
            }
        }
    }
    if !record.signing.is_empty() {
        writeln!(out, "  signed:")?;
        for s in &record.signing {
            let time = s
                .time
                .map(|t| t.to_string())
                .unwrap_or_else(|| "(no time)".into());
            writeln!(
                out,
                "    {time}  {:<10} {}  [{:?}]",
                format!("{:?}", s.role).to_lowercase(),
                s.name,
                s.source
            )?;
        }
    }
    Ok(())
}

/// How batch progress is shown: nothing with JSON logs (stderr is for machines: every line
/// must be a JSON object), a bar on a terminal, plain lines otherwise.
fn progress_mode(log_format: LogFormat) -> arkivar::batch::progress::Mode {
    if matches!(log_format, LogFormat::Json) {
        arkivar::batch::progress::Mode::Hidden
    } else if io::stderr().is_terminal() {
        arkivar::batch::progress::Mode::Bar
    } else {
        arkivar::batch::progress::Mode::Plain {
            interval: arkivar::batch::progress::PLAIN_INTERVAL,
        }
    }
}

fn batch(
    mut options: arkivar::batch::Options,
    log_format: LogFormat,
    settings: &Settings,
) -> Result<ExitCode> {
    // Ctrl-C and SIGTERM finish the documents in flight instead of killing them.
    let shutdown = arkivar::shutdown::Shutdown::new();
    arkivar::shutdown::listen_on_thread(&shutdown)
        .context("cannot install the handlers for Ctrl-C and SIGTERM")?;
    options.shutdown = Some(shutdown);
    let outcome = arkivar::batch::run(&options, settings)?;
    let tally = &outcome.tally;
    let json_logs = matches!(log_format, LogFormat::Json);
    // The table is for the person at the terminal, on stderr with the progress; stdout keeps
    // the one summary line that scripts read. With JSON logs the counts go into the log.
    if json_logs {
        tracing::info!(
            documents = tally.documents,
            skipped = tally.skipped,
            failed = tally.failed,
            unsent = tally.unsent,
            not_started = tally.not_started,
            by_status = ?tally.by_status,
            by_code = ?tally.by_code,
            reports = ?outcome.reports,
            "batch done"
        );
    } else {
        eprint!("{}", tally.table());
        for report in outcome.reports.iter().flatten() {
            eprintln!("report: {}", report.display());
        }
    }
    println!("{}", tally.line(&options.out));
    if let Some(signal) = outcome.interrupted {
        let hint = "run the same command again to do them; finished documents are skipped";
        if json_logs {
            tracing::warn!(
                signal = signal.name(),
                not_started = tally.not_started,
                "batch interrupted after the documents in flight finished; {hint}"
            );
        } else {
            eprintln!(
                "interrupted by {}: the documents in flight were finished, {} not started; {hint}",
                signal.name(),
                tally.not_started
            );
        }
        return Ok(ExitCode::from(signal.exit_code()));
    }
    if tally.unsent > 0 && !json_logs {
        eprintln!(
            "{} records were not confirmed by the archive; run the same command again to send them",
            tally.unsent
        );
    }
    Ok(
        if tally.unwritten > 0 || tally.lost > 0 || tally.unsent > 0 {
            ExitCode::from(2)
        } else if tally.failed > 0 {
            ExitCode::from(1)
        } else {
            ExitCode::SUCCESS
        },
    )
}

/// One file's answer from `arkivar signatures`: the record's signature facts and the verdict
/// on them, nothing of the text.
#[derive(serde::Serialize)]
struct SignatureReport<'a> {
    file: String,
    sha256: Option<&'a str>,
    status: Status,
    signatures: &'a [SignatureFacts],
    usage_rights: &'a [SignatureFacts],
    findings: &'a [arkivar::record::Finding],
    error: Option<&'a arkivar::record::RecordError>,
}

fn signatures(files: &[PathBuf], format: Format, settings: &Settings) -> Result<ExitCode> {
    // Files are checked in parallel, one per core, as `batch` does; answers print in the order
    // the files were given.
    let weight = |file: &PathBuf| std::fs::metadata(file).map_or(0, |m| m.len());
    let only = settings.for_signatures();
    let results = in_parallel(files, weight, |file| check_signatures(file, &only))?;
    // People read times in the organisation's zone (the policy's; validated at load).
    let zone = settings.policy.zone().unwrap_or(jiff::tz::TimeZone::UTC);
    let mut out = io::BufWriter::new(io::stdout().lock());
    let mut worst = 0u8;
    for (file, (record, problem)) in files.iter().zip(results) {
        worst = worst.max(exit_code(&record, problem.is_some()));
        if let Some(line) = &problem {
            eprintln!("arkivar: {}", one_line(line));
        }
        let report = SignatureReport {
            file: file.display().to_string(),
            sha256: record.document.sha256.as_deref(),
            status: record.status,
            signatures: &record.signatures,
            usage_rights: &record.usage_rights,
            findings: &record.findings,
            error: record.error.as_ref(),
        };
        match format {
            Format::Json if files.len() == 1 => {
                serde_json::to_writer_pretty(&mut out, &report)?;
                out.write_all(b"\n")?;
            }
            Format::Json => {
                serde_json::to_writer(&mut out, &report)?;
                out.write_all(b"\n")?;
            }
            Format::Text => write_signatures_text(&mut out, &report, &zone)?,
        }
    }
    out.flush()?;
    Ok(ExitCode::from(worst))
}

/// Runs the signatures-only pipeline over `file`; the second value is the one stderr line for
/// a file that could not be processed.
fn check_signatures(file: &Path, settings: &Settings) -> (Record, Option<String>) {
    match dir::read_file(file, settings.limits.max_file_bytes) {
        Ok(bytes) => {
            let record =
                pipeline::process_signatures(&bytes, SourceInfo::from_path(file), settings);
            let problem = record
                .error
                .as_ref()
                .map(|e| format!("{}: {} [{}]", file.display(), e.message, e.kind.as_str()));
            (record, problem)
        }
        Err(error) => {
            let record = unreadable_record(&error);
            let kind = record.error.as_ref().map_or("io", |e| e.kind.as_str());
            (record, Some(format!("{error} [{kind}]")))
        }
    }
}

/// The exit status of `worker` and `serve` after a shutdown: 0 when the work in flight
/// drained, `EXIT_DEADLINE` when `--shutdown-timeout` cut some off (it is redelivered).
fn drain_exit_code(drain: arkivar::shutdown::Drain) -> ExitCode {
    match drain {
        arkivar::shutdown::Drain::Drained => ExitCode::SUCCESS,
        arkivar::shutdown::Drain::DeadlinePassed { .. } => {
            ExitCode::from(arkivar::shutdown::EXIT_DEADLINE)
        }
    }
}

/// The exit code for a record, shared by `verify` and `signatures`: 0 verified or unsigned,
/// 1 with warnings or failures, 2 when the file could not be processed. Higher is worse, so
/// several files exit with the largest.
fn exit_code(record: &Record, problem: bool) -> u8 {
    if problem {
        return 2;
    }
    match record.status {
        Status::Verified | Status::Unsigned => 0,
        Status::Error => 2,
        Status::Warnings | Status::Failed => 1,
    }
}

/// What the check of one signature came to, in words: from the same typed facts the verdict
/// rules read.
fn signature_state(f: &SignatureFacts) -> String {
    match f.failure() {
        None => "intact and valid".into(),
        Some(kind) if kind.is_broken() => {
            let e = f
                .error
                .as_ref()
                .map_or(String::new(), |e| format!(" ({})", e.message));
            format!("BROKEN, {}{e}", kind.as_str().replace('_', " "))
        }
        Some(kind) => {
            let e = f
                .error
                .as_ref()
                .map_or(String::new(), |e| format!(" ({})", e.message));
            format!("NOT CHECKED, {}{e}", kind.as_str().replace('_', " "))
        }
    }
}

/// An RFC 3339 time as a person in `zone` reads it (`2024-10-29 11:36:45 CET`); the text as
/// given when it does not parse.
fn local_time(time: &str, zone: &jiff::tz::TimeZone) -> String {
    time.parse::<jiff::Timestamp>()
        .map(|t| {
            t.to_zoned(zone.clone())
                .strftime("%Y-%m-%d %H:%M:%S %Z")
                .to_string()
        })
        .unwrap_or_else(|_| time.to_owned())
}

fn coverage_words(f: &SignatureFacts) -> &'static str {
    use arkivar::signature::byte_range::Coverage;
    match f.coverage {
        Coverage::EntireFile => "covers the whole file",
        Coverage::EntireRevision => "covers the whole revision it signed",
        Coverage::Partial => "covers only part of the file",
    }
}

fn changes_words(f: &SignatureFacts) -> String {
    use arkivar::signature::changes::ModificationLevel;
    let what = match f.modification_level {
        ModificationLevel::None => return "nothing changed after it".into(),
        ModificationLevel::LtaUpdates => "validation data added after it",
        ModificationLevel::FormFilling => "form fields filled or signed after it",
        ModificationLevel::Annotations => "annotations changed after it",
        ModificationLevel::Other => "content changed after it",
    };
    if f.modified_after_signing {
        format!("{what}, BEYOND WHAT IT PERMITS")
    } else {
        format!("{what}, as it permits")
    }
}

fn write_signatures_text(
    out: &mut impl Write,
    report: &SignatureReport<'_>,
    zone: &jiff::tz::TimeZone,
) -> io::Result<()> {
    writeln!(
        out,
        "{}  {}",
        report.status.as_str().to_uppercase(),
        report.file
    )?;
    if let Some(e) = report.error {
        writeln!(out, "  {} [{}]", e.message, e.kind.as_str())?;
    }
    if report.signatures.is_empty() && report.error.is_none() {
        writeln!(out, "  no signatures")?;
    }
    let lines = report
        .signatures
        .iter()
        .map(|f| (f, false))
        .chain(report.usage_rights.iter().map(|f| (f, true)));
    for (f, usage_rights) in lines {
        let what = if usage_rights {
            "usage rights (not a document signature)"
        } else if f.doc_timestamp {
            "document timestamp"
        } else {
            "signature"
        };
        let who = f
            .signer
            .as_ref()
            .and_then(|s| s.common_name.clone())
            .unwrap_or_else(|| "unknown signer".into());
        writeln!(
            out,
            "  {} {what} by {who}: {}",
            f.field.as_deref().unwrap_or("(no field)"),
            signature_state(f)
        )?;
        let time = f
            .timestamp
            .time
            .as_ref()
            .or(f.signing_time.as_ref())
            .or(f.claimed_time.as_ref());
        if let Some(t) = time {
            writeln!(out, "    signed {}", local_time(t, zone))?;
        }
        writeln!(
            out,
            "    {}; {}; {}",
            coverage_words(f),
            changes_words(f),
            if f.trusted {
                "chains to a trusted anchor"
            } else {
                "does not chain to a trusted anchor"
            }
        )?;
    }
    for f in report.findings {
        let severity = match f.severity {
            arkivar::record::Severity::Error => "error",
            arkivar::record::Severity::Warning => "warning",
            arkivar::record::Severity::Info => "info",
        };
        writeln!(out, "  {severity:<7}  {}  {}", f.code, f.message)?;
    }
    Ok(())
}

/// The error record for an input that could not be read from its folder.
fn unreadable_record(error: &DirError) -> Record {
    let kind = if error.is_too_large() {
        ErrorKind::TooLarge
    } else {
        ErrorKind::Io
    };
    let size = error.size();
    io_error_record(
        SourceInfo::from_path(error.path()),
        kind,
        &error.to_string(),
        size,
        jiff::Timestamp::now(),
    )
}

fn is_broken_pipe(error: &anyhow::Error) -> bool {
    let kind = error
        .downcast_ref::<io::Error>()
        .map(io::Error::kind)
        .or_else(|| error.downcast_ref::<serde_json::Error>()?.io_error_kind());
    kind == Some(io::ErrorKind::BrokenPipe)
}

/// Folds a message onto one line so that each failure is exactly one line on stderr.
fn one_line(message: &str) -> String {
    message.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Runs `f` on a thread with the pipeline's stack size.
/// Runs `f` over `items` on one pipeline thread per core and returns the results in order.
/// Heaviest items (by `weight`) start first, so one large file does not finish alone at the
/// end while the other cores idle.
fn in_parallel<I: Sync, T: Send>(
    items: &[I],
    weight: impl Fn(&I) -> u64,
    f: impl Fn(&I) -> T + Sync,
) -> Result<Vec<T>> {
    let cores = thread::available_parallelism().map_or(1, NonZeroUsize::get);
    let workers = cores.min(items.len()).max(1);
    let mut order: Vec<usize> = (0..items.len()).collect();
    order.sort_by_key(|&i| std::cmp::Reverse(weight(&items[i])));
    let next = AtomicUsize::new(0);
    let slots: Vec<Mutex<Option<T>>> = items.iter().map(|_| Mutex::new(None)).collect();
    thread::scope(|scope| -> Result<()> {
        let mut handles = Vec::with_capacity(workers);
        for worker in 0..workers {
            let handle = thread::Builder::new()
                .name(format!("arkivar-{worker}"))
                .stack_size(PIPELINE_STACK_BYTES)
                .spawn_scoped(scope, || {
                    while let Some(&i) = order.get(next.fetch_add(1, Ordering::Relaxed)) {
                        let result = f(&items[i]);
                        *slots[i].lock().unwrap_or_else(|p| p.into_inner()) = Some(result);
                    }
                })
                .context("cannot start a worker thread")?;
            handles.push(handle);
        }
        for handle in handles {
            handle
                .join()
                .map_err(|_| anyhow::anyhow!("a worker thread stopped unexpectedly"))?;
        }
        Ok(())
    })?;
    slots
        .into_iter()
        .map(|slot| {
            slot.into_inner()
                .unwrap_or_else(|p| p.into_inner())
                .ok_or_else(|| anyhow::anyhow!("a worker left a file unchecked"))
        })
        .collect()
}

fn on_pipeline_thread<T: Send>(f: impl FnOnce() -> T + Send) -> Result<T> {
    thread::scope(|scope| {
        thread::Builder::new()
            .name("arkivar-extract".into())
            .stack_size(PIPELINE_STACK_BYTES)
            .spawn_scoped(scope, f)
            .context("cannot start the pipeline thread")?
            .join()
            .map_err(|_| anyhow::anyhow!("the pipeline thread stopped unexpectedly"))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `--pipeline`'s help names its default by hand (the value is optional so that the
    /// spelling before the subcommand can be told apart); it must name the real one.
    #[test]
    fn pipeline_help_names_the_default_pipeline() {
        use clap::CommandFactory as _;
        let command = Cli::command();
        let verify = command.find_subcommand("verify").expect("verify");
        let help = verify
            .get_arguments()
            .find(|a| a.get_id() == "pipeline")
            .and_then(|a| a.get_help())
            .map(ToString::to_string)
            .unwrap_or_default();
        assert!(
            help.contains(&format!(
                "[default: {}]",
                pipeline::config::DEFAULT_PIPELINE
            )),
            "{help}"
        );
    }

    #[test]
    fn messages_fold_onto_one_line() {
        assert_eq!(
            one_line("bad xref\n  at byte 12\r\n"),
            "bad xref at byte 12"
        );
    }

    #[test]
    fn verbose_without_value_does_not_eat_the_command() {
        let cli = Cli::try_parse_from(["arkivar", "-v", "schema"]).unwrap();
        assert_eq!(cli.verbose.as_deref(), Some("info"));
        assert!(matches!(cli.command, Command::Schema));
        let cli = Cli::try_parse_from(["arkivar", "--verbose=arkivar=debug", "schema"]).unwrap();
        assert_eq!(cli.verbose.as_deref(), Some("arkivar=debug"));
    }
}
