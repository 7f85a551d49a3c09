//! The `arkivar` command line: `extract` one file, `batch` a folder into records, print the
//! record `schema`.
//!
//! This is the only module that uses `anyhow`: everything below it returns typed errors, and
//! here they become one line on stderr and an exit code. `verify`, `signatures` and `batch`
//! exit with their documents' verdict: 0 verified or unsigned, 1 warnings, 3 failed, 2 cannot
//! process (several documents: the worst, ranked 0 < 1 < 3 < 2, because an unprocessed document
//! leaves the answer incomplete); `batch` stopped by a signal: 130 for SIGINT, 143 for SIGTERM;
//! `worker` and `serve` stopped at their `--shutdown-timeout` with work unfinished: 3. What
//! people read is worded by `arkivar::present`; JSON stays the record. The startup path
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
use arkivar::present::{self, colour};
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
    mut_arg("trust", |a| a.hide(true)),
    mut_arg("trusted_list", |a| a.hide(true)),
    mut_arg("trusted_list_signer", |a| a.hide(true))
)]
struct Cli {
    /// How log lines on stderr look.
    #[arg(long, value_enum, default_value_t = LogFormat::Human, global = true)]
    log_format: LogFormat,

    /// When to colour the output: `auto` colours a terminal unless NO_COLOR is set to
    /// something.
    #[arg(long, value_enum, default_value_t = colour::Choice::Auto, global = true, value_name = "WHEN")]
    color: colour::Choice,

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

    /// An ETSI TS 119 612 trusted list (XML file, never fetched) whose CA/QC and TSA/QTST
    /// services become anchors while granted; repeat for more lists. Each needs a
    /// `--trusted-list-signer`, paired by position. A list whose signature does not verify
    /// stops the run.
    #[arg(long, value_name = "XML")]
    trusted_list: Vec<PathBuf>,

    /// The PEM certificate(s) the `--trusted-list` in the same position must be signed with.
    #[arg(long, value_name = "PEM")]
    trusted_list_signer: Vec<PathBuf>,
}

/// The command line's trusted lists, each with its signer.
type TrustedLists = Vec<arkivar::pipeline::config::TrustedListConfig>;

impl PipelineArgs {
    /// These options with those given before the subcommand: a pipeline named here wins, and
    /// the anchors of both places count.
    fn or_before(&self, before: &PipelineArgs) -> (String, Vec<PathBuf>, Result<TrustedLists>) {
        let pipeline = self
            .pipeline
            .clone()
            .or_else(|| before.pipeline.clone())
            .unwrap_or_else(|| pipeline::config::DEFAULT_PIPELINE.to_owned());
        let trust = before.trust.iter().chain(&self.trust).cloned().collect();
        let lists = before.trusted_lists().and_then(|mut lists| {
            lists.extend(self.trusted_lists()?);
            Ok(lists)
        });
        (pipeline, trust, lists)
    }

    /// `--trusted-list` paired with `--trusted-list-signer` by position.
    fn trusted_lists(&self) -> Result<TrustedLists> {
        if self.trusted_list.len() != self.trusted_list_signer.len() {
            anyhow::bail!(
                "{} --trusted-list but {} --trusted-list-signer: each list needs the certificate it must be signed with",
                self.trusted_list.len(),
                self.trusted_list_signer.len()
            );
        }
        Ok(self
            .trusted_list
            .iter()
            .zip(&self.trusted_list_signer)
            .map(
                |(file, signer)| arkivar::pipeline::config::TrustedListConfig {
                    file: file.clone(),
                    signer: signer.clone(),
                },
            )
            .collect())
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
    /// the archive with `--sink URL`. Exits with the worst of its documents (0 verified or
    /// unsigned, 1 warnings, 3 failed, 2 cannot process), 2 also when a record was not written
    /// or not confirmed by the archive, 130 (SIGINT) or 143 (SIGTERM) when a signal stopped
    /// it: rerun to finish.
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
        /// The character between the fields of `report.csv`: `;` is what Excel in a Swedish
        /// locale reads; `,` for other spreadsheets, `tab` for a tab.
        #[arg(long, value_name = "CHAR", default_value_t)]
        csv_delimiter: arkivar::report::csv::Delimiter,
        /// Archive packages of the documents.
        #[command(flatten)]
        packages: arkivar::sinks::sip::SipArgs,
        #[command(flatten)]
        pipeline: PipelineArgs,
    },
    /// Write the archive package (E-ARK SIP 2.1.0, FGS Paketstruktur 2.0) of one PDF: the
    /// document, its record, the case metadata and the validation as PREMIS events. Prints
    /// the package's path; exits as `verify` does for the document's status.
    Package {
        /// The PDF to package.
        file: PathBuf,
        /// Folder to write the package into; created if missing.
        #[arg(long)]
        out: PathBuf,
        /// `dir`: a folder; `zip`: a ZIP file.
        #[arg(long, value_enum, default_value_t = arkivar::sinks::sip::SipFormat::Dir)]
        sip_format: arkivar::sinks::sip::SipFormat,
        #[command(flatten)]
        pipeline: PipelineArgs,
    },
    /// Check the signatures of PDFs: what each covers, whether it is intact and valid (or why
    /// it could not be checked), who signed and when, whether it is trusted, what changed after
    /// it. The same checks and findings as `verify` without the text. One file prints one JSON
    /// object (`--format json`); several print one object per line. Exits as `verify` does,
    /// with the worst of the files.
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
    /// verified or unsigned, 1 with warnings, 3 failed, 2 when the file cannot be processed.
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
    fn pipeline_args(&self, before: &PipelineArgs) -> (String, Vec<PathBuf>, Result<TrustedLists>) {
        match self {
            Command::Extract { pipeline, .. }
            | Command::Batch { pipeline, .. }
            | Command::Signatures { pipeline, .. }
            | Command::Package { pipeline, .. }
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
    let no_color = std::env::var_os("NO_COLOR");
    let paint = |terminal: bool| {
        colour::Paint::new(colour::enabled(cli.color, terminal, no_color.as_deref()))
    };
    let out = Colours {
        stdout: paint(io::stdout().is_terminal()),
        stderr: paint(io::stderr().is_terminal()),
    };
    if let Err(error) = init_logging(cli.log_format, cli.verbose.as_deref(), out.stderr) {
        eprintln!("arkivar: {error:#}");
        return ExitCode::from(2);
    }
    let (pipeline, trust, lists) = cli.command.pipeline_args(&cli.before_command);
    match lists
        .and_then(|lists| settings(&pipeline, &trust, &lists))
        .and_then(|(settings, name)| run(cli.command, cli.log_format, out, &settings, &name))
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
        let folder = Path::new(spec).parent().unwrap_or(Path::new("."));
        Ok(pipeline::config::parse(&text, spec)?.relative_to(folder))
    } else {
        Ok(pipeline::config::builtin(spec)?)
    }
}

/// The pipeline's settings, with the `--trust` anchors added, and the pipeline's name.
fn settings(
    pipeline: &str,
    trust: &[PathBuf],
    trusted_lists: &[arkivar::pipeline::config::TrustedListConfig],
) -> Result<(Settings, String)> {
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
    let mut anchors = arkivar::signature::TrustStore::new();
    for pem in trust {
        // The error names the file.
        let added = anchors.add_pem_file(pem)?;
        tracing::debug!(file = %pem.display(), added, "trust anchors");
    }
    for list in trusted_lists {
        // The error names the file and why it was refused.
        list.add_to(&mut anchors)?;
    }
    let anchors = config
        .trust_store(&anchors)
        .with_context(|| format!("pipeline {pipeline}: trust anchors"))?;
    let settings = Settings {
        limits: config.limits,
        policy: config.verify,
        trust: anchors,
        ocr,
    };
    Ok((settings, config.name))
}

/// Whether each output stream is coloured, decided once from `--color`, `NO_COLOR` and
/// whether the stream is a terminal.
#[derive(Debug, Clone, Copy)]
struct Colours {
    stdout: colour::Paint,
    stderr: colour::Paint,
}

fn run(
    command: Command,
    log_format: LogFormat,
    colours: Colours,
    settings: &Settings,
    pipeline: &str,
) -> Result<ExitCode> {
    match command {
        Command::Extract { file, format, .. } => extract(&file, format, settings),
        Command::Verify { file, format, .. } => verify(&file, format, colours.stdout, settings),
        Command::Batch {
            dir,
            out,
            jobs,
            archive,
            packages,
            csv_delimiter,
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
                packages: packages.sink()?,
                csv_delimiter,
            };
            batch(options, log_format, settings)
        }
        Command::Signatures { files, format, .. } => {
            signatures(&files, format, colours.stdout, settings)
        }
        Command::Package {
            file,
            out,
            sip_format,
            ..
        } => package(&file, &out, sip_format, settings),
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

fn init_logging(format: LogFormat, verbose: Option<&str>, stderr: colour::Paint) -> Result<()> {
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
        .with_ansi(stderr.is_on());
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

fn package(
    file: &Path,
    out: &Path,
    format: arkivar::sinks::sip::SipFormat,
    settings: &Settings,
) -> Result<ExitCode> {
    let bytes = dir::read_file(file, settings.limits.max_file_bytes)?;
    let record =
        on_pipeline_thread(|| pipeline::process(&bytes, SourceInfo::from_path(file), settings))?;
    let package = arkivar::package::build(&record, &bytes)?;
    let sink = arkivar::sinks::sip::SipSink::new(out, format)?;
    let written = sink.write(&package)?;
    let mut stdout = io::stdout().lock();
    match &written {
        arkivar::sinks::sip::Written::Created(path) => writeln!(stdout, "{}", path.display())?,
        arkivar::sinks::sip::Written::Exists(path) => {
            writeln!(stdout, "{} (already there, kept)", path.display())?
        }
    }
    Ok(ExitCode::from(exit_code(&record, false)))
}

fn verify(
    file: &Path,
    format: Format,
    paint: colour::Paint,
    settings: &Settings,
) -> Result<ExitCode> {
    let (record, problem) = process_file(file, settings)?;
    let mut out = io::BufWriter::new(io::stdout().lock());
    match format {
        Format::Json => {
            serde_json::to_writer_pretty(&mut out, &record)?;
            out.write_all(b"\n")?;
        }
        Format::Text => {
            let zone = settings.policy.zone().unwrap_or(jiff::tz::TimeZone::UTC);
            write_verdict(&mut out, file, &record, paint, &zone)?;
        }
    }
    out.flush()?;
    if let Some(line) = &problem {
        eprintln!("arkivar: {}", one_line(line));
    }
    Ok(ExitCode::from(exit_code(&record, problem.is_some())))
}

/// Where the text under a finding's headline starts.
const DETAIL_INDENT: &str = "           ";

/// The verdict a person reads in ten seconds: status and what it means, the meeting, findings
/// with their evidence, then who signed when, each signing that does not hold marked.
fn write_verdict(
    out: &mut impl Write,
    file: &Path,
    record: &Record,
    paint: colour::Paint,
    zone: &jiff::tz::TimeZone,
) -> io::Result<()> {
    let status = present::words::status(record.status).to_uppercase();
    writeln!(
        out,
        "{}  {}",
        paint.status(record.status, &status),
        file.display()
    )?;
    writeln!(out, "  {}", present::words::status_meaning(record.status))?;
    if let Some(e) = &record.error {
        writeln!(
            out,
            "  {}: {}",
            present::words::error_kind(e.kind),
            e.message
        )?;
    }
    if let Some(m) = &record.minutes {
        writeln!(out, "  meeting: {}", meeting_line(&m.meeting))?;
    }
    if !record.findings.is_empty() {
        writeln!(out)?;
    }
    for f in &record.findings {
        let severity = format!("{:<8}", present::words::severity(f.severity));
        writeln!(
            out,
            "  {} {}  {}",
            paint.severity(f.severity, &severity),
            present::words::finding(f.code),
            paint.dim(&format!("[{}]", f.code))
        )?;
        // The evidence says what the rule's message says, as facts: the message is shown
        // only when there is no evidence, so nothing is lost and the sentence is not repeated.
        let evidence = present::evidence::lines(&f.evidence, zone);
        if evidence.is_empty() {
            writeln!(out, "{DETAIL_INDENT}{}", f.message)?;
        }
        for (key, value) in evidence {
            writeln!(out, "{DETAIL_INDENT}{}: {value}", paint.dim(&key))?;
        }
    }
    // Each signature's level and the revocation status of its path, one line each.
    let levels: Vec<(String, Vec<String>)> = record
        .signatures
        .iter()
        .filter_map(|f| {
            let who = f
                .signer
                .as_ref()
                .and_then(|s| s.common_name.clone())
                .unwrap_or_else(|| "unknown signer".into());
            let lines: Vec<String> = present::level::line(f)
                .into_iter()
                .chain(present::words::revocation_summary(
                    &f.revocation.certificates,
                ))
                .chain(
                    f.signer
                        .as_ref()
                        .and_then(|s| present::words::qualification(&s.qualified)),
                )
                .collect();
            (!lines.is_empty()).then_some((who, lines))
        })
        .collect();
    if !levels.is_empty() {
        writeln!(out, "\n  signature levels and revocation:")?;
        for (who, lines) in levels {
            writeln!(out, "    {who}: {}", lines.join("; "))?;
        }
    }
    if !record.signing.is_empty() {
        writeln!(out, "\n  who signed:")?;
        let name_width = record
            .signing
            .iter()
            .map(|s| s.name.chars().count())
            .max()
            .unwrap_or(0);
        for s in &record.signing {
            let time = s.time.map_or_else(
                || format!("{:<26}", "(no time)"),
                |t| present::time::local(t, zone),
            );
            let check = present::signing::signing(s, &record.signatures);
            let mark = if !check.is_marked() {
                String::new()
            } else if check.is_broken() {
                format!("  {}", paint.alarm(&check.describe()))
            } else {
                format!("  {}", paint.caution(&check.describe()))
            };
            let name = format!("{:<name_width$}", s.name);
            writeln!(
                out,
                "    {time}  {:<9}  {name}  {}{mark}",
                present::words::role(s.role),
                paint.dim(&format!("({})", present::words::source(s.source))),
            )?;
        }
    }
    Ok(())
}

/// `Kommunstyrelsen, 2022-09-20 13:00–15:00, Stadshuset`, with what the minutes do not say
/// left out.
fn meeting_line(meeting: &arkivar::minutes::Meeting) -> String {
    let time = match (&meeting.start, &meeting.end) {
        (Some(start), Some(end)) => Some(format!("{start}–{end}")),
        (Some(start), None) => Some(start.clone()),
        _ => None,
    };
    let when = [meeting.date.clone(), time]
        .into_iter()
        .flatten()
        .collect::<Vec<_>>()
        .join(" ");
    let parts: Vec<String> = [
        Some(
            meeting
                .organ
                .clone()
                .unwrap_or_else(|| "organ not found".into()),
        ),
        Some(if when.is_empty() {
            "date not found".into()
        } else {
            when
        }),
        meeting.place.clone(),
    ]
    .into_iter()
    .flatten()
    .collect();
    parts.join(", ")
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
    // A batch that lost a record answers for less than all its documents: that is as bad as
    // a document it could not process.
    let batch_failed = tally.unwritten > 0 || tally.lost > 0 || tally.unsent > 0;
    let worst = tally
        .statuses()
        .map(status_exit)
        .chain(batch_failed.then_some(EXIT_CANNOT_PROCESS))
        .fold(EXIT_OK, worse);
    Ok(ExitCode::from(worst))
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

fn signatures(
    files: &[PathBuf],
    format: Format,
    paint: colour::Paint,
    settings: &Settings,
) -> Result<ExitCode> {
    // Files are checked in parallel, one per core, as `batch` does; answers print in the order
    // the files were given.
    let weight = |file: &PathBuf| std::fs::metadata(file).map_or(0, |m| m.len());
    let only = settings.for_signatures();
    let results = in_parallel(files, weight, |file| check_signatures(file, &only))?;
    // People read times in the organisation's zone (the policy's; validated at load).
    let zone = settings.policy.zone().unwrap_or(jiff::tz::TimeZone::UTC);
    let mut out = io::BufWriter::new(io::stdout().lock());
    let mut worst = EXIT_OK;
    for (file, (record, problem)) in files.iter().zip(results) {
        worst = worse(worst, exit_code(&record, problem.is_some()));
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
            Format::Text => write_signatures_text(&mut out, &report, paint, &zone)?,
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

/// Verified or unsigned.
const EXIT_OK: u8 = 0;
/// Signed, with warnings.
const EXIT_WARNINGS: u8 = 1;
/// The document could not be processed, or a batch lost records.
const EXIT_CANNOT_PROCESS: u8 = 2;
/// A check failed.
const EXIT_FAILED: u8 = 3;

/// The exit code for a status: 0 verified or unsigned, 1 warnings, 3 failed, 2 error.
fn status_exit(status: Status) -> u8 {
    match status {
        Status::Verified | Status::Unsigned => EXIT_OK,
        Status::Warnings => EXIT_WARNINGS,
        Status::Failed => EXIT_FAILED,
        Status::Error => EXIT_CANNOT_PROCESS,
    }
}

/// The exit code for a record, shared by `verify` and `signatures`; 2 whenever the file could
/// not be processed.
fn exit_code(record: &Record, problem: bool) -> u8 {
    if problem {
        return EXIT_CANNOT_PROCESS;
    }
    status_exit(record.status)
}

/// The worse of two exit codes, ranked 0 < 1 < 3 < 2: a document that could not be processed
/// leaves the answer incomplete, which is worse than a definite `failed`.
fn worse(a: u8, b: u8) -> u8 {
    let rank = |code: u8| match code {
        EXIT_OK => 0,
        EXIT_WARNINGS => 1,
        EXIT_FAILED => 2,
        _ => 3,
    };
    if rank(b) > rank(a) { b } else { a }
}

fn write_signatures_text(
    out: &mut impl Write,
    report: &SignatureReport<'_>,
    paint: colour::Paint,
    zone: &jiff::tz::TimeZone,
) -> io::Result<()> {
    let status = present::words::status(report.status).to_uppercase();
    writeln!(
        out,
        "{}  {}",
        paint.status(report.status, &status),
        report.file
    )?;
    if let Some(e) = report.error {
        writeln!(
            out,
            "  {}: {}",
            present::words::error_kind(e.kind),
            e.message
        )?;
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
        let check = present::signing::signature(f);
        let state = if !check.is_marked() {
            check.describe()
        } else if check.is_broken() {
            paint.alarm(&check.describe())
        } else {
            paint.caution(&check.describe())
        };
        let detail = f
            .error
            .as_ref()
            .map_or(String::new(), |e| format!(" ({})", e.message));
        writeln!(
            out,
            "  {} {what} by {who}: {state}{detail}",
            f.field.as_deref().unwrap_or("(no field)"),
        )?;
        let time = f
            .timestamp
            .time
            .as_ref()
            .or(f.signing_time.as_ref())
            .or(f.claimed_time.as_ref());
        if let Some(t) = time {
            writeln!(out, "    signed {}", present::time::local_text(t, zone))?;
        }
        writeln!(
            out,
            "    {}",
            present::words::existence(&f.proof_of_existence, zone)
        )?;
        let changes = present::words::modification(f.modification_level);
        let changes =
            if f.modification_level == arkivar::signature::changes::ModificationLevel::None {
                changes.to_owned()
            } else if f.modified_after_signing {
                format!("{changes}, beyond what it permits")
            } else {
                format!("{changes}, as it permits")
            };
        writeln!(
            out,
            "    {}; {changes}; {}",
            present::words::coverage(f.coverage),
            if f.trusted {
                "chains to a trusted anchor"
            } else {
                "does not chain to a trusted anchor"
            }
        )?;
        if let Some(level) = present::level::line(f) {
            writeln!(out, "    {level}")?;
        }
        if let Some(indication) = present::level::indication(f) {
            writeln!(out, "    {indication}")?;
        }
        if let Some(qc) = f
            .signer
            .as_ref()
            .and_then(|s| s.qc_statements.as_ref())
            .and_then(present::words::qc_statements)
        {
            writeln!(out, "    {qc}")?;
        }
        if let Some(line) = f
            .signer
            .as_ref()
            .and_then(|s| present::words::qualification(&s.qualified))
        {
            writeln!(out, "    {line}")?;
        }
        for c in &f.revocation.certificates {
            writeln!(
                out,
                "    revocation of {}",
                present::words::revocation(c, zone)
            )?;
        }
        // A document timestamp's TSA path is the entry's own, printed above.
        if !f.doc_timestamp {
            for c in &f.timestamp.revocation {
                writeln!(
                    out,
                    "    timestamp: revocation of {}",
                    present::words::revocation(c, zone)
                )?;
            }
        }
    }
    for f in report.findings {
        let severity = format!("{:<8}", present::words::severity(f.severity));
        writeln!(
            out,
            "  {} {}  {}",
            paint.severity(f.severity, &severity),
            present::words::finding(f.code),
            paint.dim(&format!("[{}]", f.code))
        )?;
        // Which signature and signer: the signature rules' messages name them.
        writeln!(out, "{DETAIL_INDENT}{}", f.message)?;
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
