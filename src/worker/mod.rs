//! `arkivar worker`: the queue worker. Jobs come from RabbitMQ (`sources::amqp`), run through
//! the same pipeline as the CLI on a bounded blocking pool, and go to the sinks (the HTTP
//! archive, a folder of records, the results exchange); a job is acked only after all of them
//! confirmed.
//!
//! This module owns the run loop and its life cycle:
//! - the supervised broker connection `serve` uses too ([`crate::sources::amqp::supervisor`]):
//!   connect, declare, consume; on failure drop everything, back off, start over;
//! - the process's one [`Shutdown`]: SIGTERM or SIGINT stops consuming and lets in-flight jobs
//!   finish until `--shutdown-timeout` after the signal. Then the connection is closed, so
//!   deliveries not acked by then (a stuck read, a slow archive, a hung tesseract) go back to
//!   the queue, and the process exits without waiting for the threads still stuck in them:
//!   exit 0 when everything drained, [`crate::shutdown::EXIT_DEADLINE`] when the deadline cut
//!   work off;
//! - `/healthz`, `/readyz` and `/metrics` on a small HTTP port;
//! - the one line at the default log level that says it is ready ([`READY_TARGET`]): the
//!   bound metrics address, the queue, the pipelines.

pub mod config;
mod handle;
pub mod metrics;

use std::collections::HashMap;
use std::io::Write as _;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::Ordering;
use std::time::Duration;

use futures_util::StreamExt;
use lapin::Connection;
use lapin::options::{BasicCancelOptions, BasicConsumeOptions, BasicQosOptions};
use lapin::types::FieldTable;
use thiserror::Error;
use tokio::sync::Semaphore;
use tokio::task::JoinSet;

use crate::pipeline::config::BUILTIN;
use crate::pipeline::{PIPELINE_STACK_BYTES, Settings};
use crate::shutdown::{Drain, Shutdown};
use crate::sinks::amqp::Publisher;
use crate::sinks::http::ArchiveSink;
use crate::sources::amqp::Incoming;
use crate::sources::amqp::supervisor::{self, SessionEnd};
use crate::sources::fetch::DocumentFetcher;
pub use config::WorkerArgs;
use handle::Context;
use metrics::Metrics;

/// The log target of the one line `worker` and `serve` log when they are ready to work. The
/// CLI's default filter shows it at `info` beside arkivar's warnings, so an operator sees
/// the addresses (with the port the system chose for `:0`) without `-v`.
pub const READY_TARGET: &str = "arkivar::ready";

/// How long fetching one `url` document may take, body included.
const URL_FETCH_TIMEOUT: Duration = Duration::from_secs(60);

/// How long closing the connection may take at shutdown; the broker requeues what was
/// unacked whether or not the close handshake completes, since the socket closes with the
/// process.
const CLOSE_TIMEOUT: Duration = Duration::from_millis(500);

/// Why the worker stopped with an error.
/// A variant's `cause` ends its message, and is therefore not also its `source()`.
#[derive(Debug, Error)]
#[non_exhaustive]
pub enum WorkerError {
    /// The tokio runtime could not start.
    #[error("cannot start the async runtime: {0}")]
    Runtime(std::io::Error),
    /// The metrics port could not be bound.
    #[error("cannot listen on {addr} for /metrics: {cause}")]
    Listen {
        /// The address.
        addr: std::net::SocketAddr,
        /// Why.
        cause: std::io::Error,
    },
    /// The archive token could not be read.
    #[error(transparent)]
    Token(#[from] crate::sinks::http::TokenError),
    /// The archive client could not be built.
    #[error(transparent)]
    Archive(#[from] crate::sinks::http::ArchiveError),
    /// The client for `url` documents could not be built.
    #[error(transparent)]
    Fetch(#[from] crate::sources::fetch::FetchError),
    /// A built-in pipeline (a build defect) or a file in `--pipelines-dir` does not load.
    #[error(transparent)]
    Pipeline(#[from] crate::pipeline::config::ConfigError),
    /// A pipeline file or the pipelines folder could not be read.
    #[error("cannot read pipelines from {}: {cause}", .path.display())]
    PipelineFile {
        /// The file or folder.
        path: PathBuf,
        /// Why.
        cause: std::io::Error,
    },
    /// A pipeline's own trust anchors could not be read.
    #[error("pipeline {pipeline}: trust anchors: {cause}")]
    Trust {
        /// The pipeline's name.
        pipeline: String,
        /// What was wrong, with the file's path.
        cause: crate::signature::TrustError,
    },
    /// A pipeline names a time zone this build does not know.
    #[error("pipeline {pipeline}: {reason}")]
    TimeZone {
        /// The pipeline's name.
        pipeline: String,
        /// What is wrong.
        reason: String,
    },
    /// The folder for `--records-dir` could not be created.
    #[error(transparent)]
    Records(#[from] crate::sinks::fs::FsSinkError),
    /// The folder for `--sip-dir` could not be created.
    #[error(transparent)]
    Packages(#[from] crate::sinks::sip::SipSinkError),
    /// Writing to stdout failed.
    #[error("cannot write to stdout: {0}")]
    Stdout(std::io::Error),
    /// The signal handlers could not be installed.
    #[error("cannot install signal handlers: {0}")]
    Signals(std::io::Error),
}

/// Runs the worker until SIGTERM/SIGINT. `settings` carries the `--trust` anchors, which apply
/// to every pipeline a job may name. Says whether the in-flight jobs drained or the
/// `--shutdown-timeout` deadline left some behind (for the exit status).
pub fn main(args: WorkerArgs, settings: Settings) -> Result<Drain, WorkerError> {
    if args.print_definitions || args.print_job_schema {
        let value = if args.print_definitions {
            args.topology().definitions("/")
        } else {
            crate::job::job_schema()
        };
        let mut text = serde_json::to_string_pretty(&value).unwrap_or_default();
        text.push('\n');
        std::io::stdout()
            .write_all(text.as_bytes())
            .map_err(WorkerError::Stdout)?;
        return Ok(Drain::Drained);
    }
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .thread_stack_size(PIPELINE_STACK_BYTES)
        .build()
        .map_err(WorkerError::Runtime)?;
    let result = runtime.block_on(run(args, settings));
    // A job stuck in a blocking call (a read that never returns, tesseract that hangs) holds
    // a thread of the blocking pool, and dropping the runtime would wait for it forever. Its
    // delivery was never acked and the connection is closed: leave the thread behind.
    runtime.shutdown_background();
    result
}

async fn run(args: WorkerArgs, settings: Settings) -> Result<Drain, WorkerError> {
    let pipelines = pipelines(&args, &settings)?;
    let archive = args.archive.config()?.map(ArchiveSink::new).transpose()?;
    let records = args
        .records_dir
        .as_deref()
        .map(crate::sinks::fs::FsSink::new)
        .transpose()?;
    let concurrency = args
        .concurrency
        .unwrap_or_else(|| {
            std::thread::available_parallelism().map_or(2, std::num::NonZeroUsize::get)
        })
        .max(1);
    let metrics = Arc::new(Metrics::default());
    let ctx = Arc::new(Context {
        topology: args.topology(),
        rules: args.job_rules(),
        pipelines,
        cpu: Arc::new(Semaphore::new(concurrency)),
        archive,
        records: records.map(Arc::new),
        packages: args.packages.sink()?.map(Arc::new),
        fetcher: DocumentFetcher::new(&args.job_rules(), URL_FETCH_TIMEOUT)?,
        metrics: Arc::clone(&metrics),
    });

    let shutdown = Shutdown::new();
    let signals = crate::shutdown::listen(&shutdown).map_err(WorkerError::Signals)?;
    let listener = tokio::net::TcpListener::bind(args.metrics_addr)
        .await
        .map_err(|cause| WorkerError::Listen {
            addr: args.metrics_addr,
            cause,
        })?;
    // The address as bound: with port 0 the system chose one, and the ready line names it.
    let health_addr = listener.local_addr().unwrap_or(args.metrics_addr);
    let health = tokio::spawn(serve_health(
        listener,
        Arc::clone(&metrics),
        shutdown.clone(),
    ));

    let url = args.amqp.clone().unwrap_or_default();
    let drain = supervisor::supervise(
        &url,
        "arkivar-worker",
        &shutdown,
        |_| ctx.metrics.ready.store(false, Ordering::Relaxed),
        |connection| {
            session(
                connection,
                &args,
                &ctx,
                &shutdown,
                Facts {
                    health: health_addr,
                    concurrency,
                },
            )
        },
    )
    .await
    // Stopped while disconnected: no job was in flight.
    .unwrap_or(Drain::Drained);
    signals.abort();
    health.abort();
    match drain {
        Drain::Drained => tracing::info!("worker stopped"),
        Drain::DeadlinePassed { left } => tracing::warn!(
            left,
            "worker stopped at the shutdown deadline; the broker redelivers the unfinished jobs"
        ),
    }
    Ok(drain)
}

/// Settings by pipeline name: the built-in pipelines, then the files of `--pipelines-dir`
/// (which may replace a built-in of the same name). A file that does not parse stops the
/// worker at start, not at the first job that names it.
fn pipelines(
    args: &WorkerArgs,
    settings: &Settings,
) -> Result<HashMap<String, Arc<Settings>>, WorkerError> {
    let mut configs = Vec::new();
    for (name, _) in BUILTIN {
        configs.push(crate::pipeline::config::builtin(name)?);
    }
    if let Some(dir) = &args.pipelines_dir {
        let unreadable = |cause| WorkerError::PipelineFile {
            path: dir.clone(),
            cause,
        };
        let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
            .map_err(unreadable)?
            .filter_map(|entry| entry.ok().map(|e| e.path()))
            .filter(|path| path.extension().is_some_and(|e| e == "toml"))
            .collect();
        // Sorted, so that two files with the same `name` resolve the same way on every start.
        files.sort();
        for path in files {
            let text =
                std::fs::read_to_string(&path).map_err(|cause| WorkerError::PipelineFile {
                    path: path.clone(),
                    cause,
                })?;
            let config = crate::pipeline::config::parse(&text, &path.display().to_string())?
                .relative_to(dir);
            tracing::info!(pipeline = %config.name, file = %path.display(), "pipeline file loaded");
            configs.push(config);
        }
    }
    let mut pipelines = HashMap::new();
    for config in configs {
        config
            .verify
            .zone()
            .map_err(|reason| WorkerError::TimeZone {
                pipeline: config.name.clone(),
                reason,
            })?;
        let trust = config
            .trust_store(&settings.trust)
            .map_err(|cause| WorkerError::Trust {
                pipeline: config.name.clone(),
                cause,
            })?;
        let settings = Settings {
            limits: config.limits,
            policy: config.verify,
            trust,
            // Scans in a job are read with the engine the CLI chose, as in batch.
            ocr: settings.ocr.clone(),
        };
        pipelines.insert(config.name, Arc::new(settings));
    }
    Ok(pipelines)
}

/// What the ready line says beside the broker's side.
#[derive(Debug, Clone, Copy)]
struct Facts {
    /// The metrics address as bound.
    health: SocketAddr,
    /// Documents processed at once.
    concurrency: usize,
}

/// One connection's life: declare, consume until the connection dies or shutdown, then wait
/// for that connection's jobs (after a shutdown, no longer than its deadline).
async fn session(
    connection: Connection,
    args: &WorkerArgs,
    ctx: &Arc<Context>,
    shutdown: &Shutdown,
    facts: Facts,
) -> Result<SessionEnd<Drain>, lapin::Error> {
    ctx.metrics.connected();
    let channel = connection.create_channel().await?;
    ctx.topology.declare(&channel).await?;
    channel
        .basic_qos(args.prefetch, BasicQosOptions::default())
        .await?;
    let publisher = Publisher::open(&connection).await?;
    let tag = format!("arkivar-{}", uuid::Uuid::new_v4());
    let mut consumer = channel
        .basic_consume(
            ctx.topology.jobs_queue.as_str().into(),
            tag.as_str().into(),
            BasicConsumeOptions::default(),
            FieldTable::default(),
        )
        .await?;
    ctx.metrics.ready.store(true, Ordering::Relaxed);
    // Once per connection: after a reconnect the worker is ready again, and says so.
    let mut pipelines: Vec<&str> = ctx.pipelines.keys().map(String::as_str).collect();
    pipelines.sort_unstable();
    tracing::info!(
        target: READY_TARGET,
        broker = %without_credentials(args.amqp.as_deref().unwrap_or_default()),
        queue = %ctx.topology.jobs_queue,
        prefetch = args.prefetch,
        concurrency = facts.concurrency,
        pipelines = %pipelines.join(","),
        health = %format_args!("http://{}", facts.health),
        "worker ready: consuming jobs"
    );

    let mut jobs = JoinSet::new();
    let lost = loop {
        tokio::select! {
            () = shutdown.triggered() => {
                // Stop deliveries first; what the broker already sent (up to the prefetch)
                // still arrives and is either processed or requeued when the channel closes.
                let _ = channel.basic_cancel(tag.as_str().into(), BasicCancelOptions::default()).await;
                break None;
            }
            next = consumer.next() => match next {
                Some(Ok(delivery)) => {
                    let guard = shutdown.guard();
                    let job = handle::handle(Arc::clone(ctx), publisher.clone(), Incoming::new(delivery));
                    jobs.spawn(async move {
                        job.await;
                        drop(guard);
                    });
                }
                Some(Err(e)) => break Some(e.to_string()),
                None => break Some("the consumer was cancelled".to_owned()),
            },
            Some(_) = jobs.join_next(), if !jobs.is_empty() => {}
            () = supervisor::closed(&connection) => break Some("the connection closed".to_owned()),
        }
    };
    ctx.metrics.ready.store(false, Ordering::Relaxed);
    let grace = Duration::from_secs(args.shutdown_timeout);
    if let Some(reason) = lost {
        // The jobs of a dead connection cannot be acked, but their archive writes may still
        // finish, which saves the redelivery work; a shutdown meanwhile ends the wait at its
        // deadline.
        let _ = tokio::time::timeout(grace, async {
            tokio::select! {
                () = async { while jobs.join_next().await.is_some() {} } => {}
                _ = async { shutdown.triggered().await; shutdown.wait_drained(grace).await } => {}
            }
        })
        .await;
        jobs.abort_all();
        return Ok(SessionEnd::Lost(reason));
    }
    // The guards count this session's jobs: a job holds one until its delivery is settled.
    let drain = shutdown.wait_drained(grace).await;
    if let Drain::DeadlinePassed { left } = drain {
        tracing::warn!(
            left,
            "in-flight jobs did not finish in time; the broker will redeliver them"
        );
    }
    // A job cut off here never acks; aborting keeps it from acking on a closing channel.
    jobs.abort_all();
    // Unacked deliveries, started or not, go back to the queue on close.
    let _ = tokio::time::timeout(
        CLOSE_TIMEOUT,
        connection.close(200, "worker stopping".into()),
    )
    .await;
    Ok(SessionEnd::Stopped(drain))
}

/// `url` without its user name and password, for the log; a URL that does not parse is not
/// shown at all, since where its credentials are cannot be told.
pub fn without_credentials(url: &str) -> String {
    match url::Url::parse(url) {
        Ok(mut parsed) => {
            // Both fail only for URLs that cannot have credentials (`mailto:`): nothing to hide.
            let _ = parsed.set_password(None);
            let _ = parsed.set_username("");
            parsed.to_string()
        }
        Err(_) => "(not a URL)".to_owned(),
    }
}

/// `/healthz` (the process runs), `/readyz` (connected and consuming), `/metrics`.
async fn serve_health(
    listener: tokio::net::TcpListener,
    metrics: Arc<Metrics>,
    shutdown: Shutdown,
) {
    use axum::http::StatusCode;
    use axum::routing::get;
    let ready = Arc::clone(&metrics);
    let app = axum::Router::new()
        .route("/healthz", get(|| async { "ok\n" }))
        .route(
            "/readyz",
            get(move || {
                let ready = Arc::clone(&ready);
                async move {
                    if ready.ready.load(Ordering::Relaxed) {
                        (StatusCode::OK, "ready\n")
                    } else {
                        (
                            StatusCode::SERVICE_UNAVAILABLE,
                            "not connected to the broker\n",
                        )
                    }
                }
            }),
        )
        .route(
            "/metrics",
            get(move || {
                let metrics = Arc::clone(&metrics);
                async move {
                    (
                        [("content-type", "text/plain; version=0.0.4")],
                        metrics.render(),
                    )
                }
            }),
        );
    let result = axum::serve(listener, app)
        .with_graceful_shutdown(async move { shutdown.triggered().await })
        .await;
    if let Err(error) = result {
        tracing::error!(%error, "the metrics server stopped");
    }
}
