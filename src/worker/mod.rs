//! `arkivar worker`: the queue worker. Jobs come from RabbitMQ (`sources::amqp`), run through
//! the same pipeline as the CLI on a bounded blocking pool, and go to the sinks (the HTTP
//! archive, a folder of records, the results exchange); a job is acked only after all of them
//! confirmed.
//!
//! This module owns the run loop and its life cycle:
//! - a supervisor of its own (connect, declare, consume; on failure drop everything, back off,
//!   start over) rather than lapin's automatic recovery, which is young (`facts.md`); acks of a
//!   dead channel are never attempted on a new one, the broker redelivers those messages;
//! - one shutdown signal (mini-redis style): SIGTERM or SIGINT stops consuming, lets in-flight
//!   jobs finish (bounded by `--shutdown-timeout`), closes the connection and exits 0;
//! - `/healthz`, `/readyz` and `/metrics` on a small HTTP port.

pub mod config;
mod handle;
pub mod metrics;

use std::collections::HashMap;
use std::io::Write as _;
use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::Ordering;
use std::time::Duration;

use futures_util::StreamExt;
use lapin::options::{BasicCancelOptions, BasicConsumeOptions, BasicQosOptions};
use lapin::types::FieldTable;
use lapin::{Connection, ConnectionProperties};
use thiserror::Error;
use tokio::sync::{Semaphore, watch};
use tokio::task::JoinSet;

use crate::pipeline::config::BUILTIN;
use crate::pipeline::{PIPELINE_STACK_BYTES, Settings};
use crate::sinks::amqp::Publisher;
use crate::sinks::http::ArchiveSink;
use crate::sources::amqp::Incoming;
use crate::sources::fetch::DocumentFetcher;
pub use config::WorkerArgs;
use handle::Context;
use metrics::Metrics;

/// How long fetching one `url` document may take, body included.
const URL_FETCH_TIMEOUT: Duration = Duration::from_secs(60);

/// Longest pause between reconnect attempts.
const MAX_RECONNECT_BACKOFF: Duration = Duration::from_secs(30);

/// Why the worker stopped with an error.
#[derive(Debug, Error)]
#[non_exhaustive]
pub enum WorkerError {
    /// The tokio runtime could not start.
    #[error("cannot start the async runtime: {0}")]
    Runtime(std::io::Error),
    /// The metrics port could not be bound.
    #[error("cannot listen on {addr} for /metrics: {source}")]
    Listen {
        /// The address.
        addr: std::net::SocketAddr,
        /// Why.
        source: std::io::Error,
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
    #[error("cannot read pipelines from {}: {source}", .path.display())]
    PipelineFile {
        /// The file or folder.
        path: PathBuf,
        /// Why.
        source: std::io::Error,
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
    /// Writing to stdout failed.
    #[error("cannot write to stdout: {0}")]
    Stdout(std::io::Error),
    /// The signal handlers could not be installed.
    #[error("cannot install signal handlers: {0}")]
    Signals(std::io::Error),
}

/// Runs the worker until SIGTERM/SIGINT. `settings` carries the `--trust` anchors, which apply
/// to every pipeline a job may name.
pub fn main(args: WorkerArgs, settings: Settings) -> Result<(), WorkerError> {
    if args.print_definitions || args.print_job_schema {
        let value = if args.print_definitions {
            args.topology().definitions("/")
        } else {
            crate::job::job_schema()
        };
        let mut text = serde_json::to_string_pretty(&value).unwrap_or_default();
        text.push('\n');
        return std::io::stdout()
            .write_all(text.as_bytes())
            .map_err(WorkerError::Stdout);
    }
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .thread_stack_size(PIPELINE_STACK_BYTES)
        .build()
        .map_err(WorkerError::Runtime)?;
    runtime.block_on(run(args, settings))
}

async fn run(args: WorkerArgs, settings: Settings) -> Result<(), WorkerError> {
    let pipelines = pipelines(&args, &settings)?;
    let archive = args.archive.config()?.map(ArchiveSink::new).transpose()?;
    let records = args
        .records_dir
        .as_deref()
        .map(crate::sinks::fs::FsSink::new)
        .transpose()?;
    let concurrency = args.concurrency.unwrap_or_else(|| {
        std::thread::available_parallelism().map_or(2, std::num::NonZeroUsize::get)
    });
    let metrics = Arc::new(Metrics::default());
    let ctx = Arc::new(Context {
        topology: args.topology(),
        rules: args.job_rules(),
        pipelines,
        cpu: Arc::new(Semaphore::new(concurrency.max(1))),
        archive,
        records: records.map(Arc::new),
        fetcher: DocumentFetcher::new(&args.job_rules(), URL_FETCH_TIMEOUT)?,
        metrics: Arc::clone(&metrics),
    });

    let (stop_tx, stop_rx) = watch::channel(false);
    let listener = tokio::net::TcpListener::bind(args.metrics_addr)
        .await
        .map_err(|source| WorkerError::Listen {
            addr: args.metrics_addr,
            source,
        })?;
    tracing::info!(addr = %listener.local_addr().unwrap_or(args.metrics_addr), "serving /healthz /readyz /metrics");
    let health = tokio::spawn(serve_health(
        listener,
        Arc::clone(&metrics),
        stop_rx.clone(),
    ));
    let signals = tokio::spawn(wait_for_signal(stop_tx));

    supervise(&args, &ctx, stop_rx).await;
    signals.abort();
    health.abort();
    tracing::info!("worker stopped");
    Ok(())
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
        let unreadable = |source| WorkerError::PipelineFile {
            path: dir.clone(),
            source,
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
                std::fs::read_to_string(&path).map_err(|source| WorkerError::PipelineFile {
                    path: path.clone(),
                    source,
                })?;
            let config = crate::pipeline::config::parse(&text, &path.display().to_string())?;
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
        let settings = Settings {
            limits: config.limits,
            policy: config.verify,
            trust: settings.trust.clone(),
            // Scans in a job are read with the engine the CLI chose, as in batch.
            ocr: settings.ocr.clone(),
        };
        pipelines.insert(config.name, Arc::new(settings));
    }
    Ok(pipelines)
}

/// Resolves the shutdown watch on the first SIGTERM or SIGINT.
async fn wait_for_signal(stop: watch::Sender<bool>) {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{SignalKind, signal};
        match (
            signal(SignalKind::terminate()),
            signal(SignalKind::interrupt()),
        ) {
            (Ok(mut term), Ok(mut int)) => {
                tokio::select! {
                    _ = term.recv() => tracing::info!("SIGTERM: finishing in-flight jobs"),
                    _ = int.recv() => tracing::info!("SIGINT: finishing in-flight jobs"),
                }
            }
            _ => {
                tracing::error!("cannot install signal handlers; stop the worker with SIGKILL");
                std::future::pending::<()>().await;
            }
        }
    }
    #[cfg(not(unix))]
    {
        let _ = tokio::signal::ctrl_c().await;
    }
    // Every receiver checks the value; a send error means all have stopped already.
    let _ = stop.send(true);
}

/// Connects, consumes, and reconnects with back-off until shutdown.
async fn supervise(args: &WorkerArgs, ctx: &Arc<Context>, mut stop: watch::Receiver<bool>) {
    let url = args.amqp.clone().unwrap_or_default();
    let mut backoff = Duration::from_millis(200);
    loop {
        if *stop.borrow() {
            return;
        }
        match session(&url, args, ctx, &mut stop).await {
            Ok(SessionEnd::Stopped) => return,
            Ok(SessionEnd::Lost(reason)) => {
                tracing::warn!(%reason, "lost the broker; reconnecting");
                backoff = Duration::from_millis(200);
            }
            Err(error) => {
                tracing::warn!(%error, backoff_ms = backoff.as_millis() as u64, "cannot use the broker; retrying");
            }
        }
        ctx.metrics.ready.store(false, Ordering::Relaxed);
        tokio::select! {
            _ = tokio::time::sleep(backoff) => {}
            _ = stop.changed() => return,
        }
        backoff = (backoff * 2).min(MAX_RECONNECT_BACKOFF);
    }
}

enum SessionEnd {
    Stopped,
    Lost(String),
}

/// One connection's life: declare, consume until the connection dies or shutdown, then wait
/// for that connection's jobs.
async fn session(
    url: &str,
    args: &WorkerArgs,
    ctx: &Arc<Context>,
    stop: &mut watch::Receiver<bool>,
) -> Result<SessionEnd, lapin::Error> {
    let connection = Connection::connect(
        url,
        ConnectionProperties::default().with_connection_name("arkivar-worker".into()),
    )
    .await?;
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
    tracing::info!(queue = %ctx.topology.jobs_queue, prefetch = args.prefetch, "consuming");

    let mut jobs = JoinSet::new();
    let mut check = tokio::time::interval(Duration::from_millis(500));
    let end = loop {
        tokio::select! {
            _ = stop.changed() => {
                // Stop deliveries first; what the broker already sent (up to the prefetch)
                // still arrives and is either processed or requeued when the channel closes.
                let _ = channel.basic_cancel(tag.as_str().into(), BasicCancelOptions::default()).await;
                break SessionEnd::Stopped;
            }
            next = consumer.next() => match next {
                Some(Ok(delivery)) => {
                    jobs.spawn(handle::handle(Arc::clone(ctx), publisher.clone(), Incoming::new(delivery)));
                }
                Some(Err(e)) => break SessionEnd::Lost(e.to_string()),
                None => break SessionEnd::Lost("the consumer was cancelled".to_owned()),
            },
            Some(_) = jobs.join_next(), if !jobs.is_empty() => {}
            _ = check.tick() => {
                if !connection.status().connected() {
                    break SessionEnd::Lost("the connection closed".to_owned());
                }
            }
        }
    };
    ctx.metrics.ready.store(false, Ordering::Relaxed);
    let grace = Duration::from_secs(args.shutdown_timeout);
    let drained =
        tokio::time::timeout(grace, async { while jobs.join_next().await.is_some() {} }).await;
    if drained.is_err() {
        tracing::warn!(
            left = jobs.len(),
            "in-flight jobs did not finish in time; the broker will redeliver them"
        );
        jobs.abort_all();
    }
    if matches!(end, SessionEnd::Stopped) {
        // Unacked deliveries that were never started go back to the queue on close.
        let _ = connection.close(200, "worker stopping".into()).await;
    }
    Ok(end)
}

/// `/healthz` (the process runs), `/readyz` (connected and consuming), `/metrics`.
async fn serve_health(
    listener: tokio::net::TcpListener,
    metrics: Arc<Metrics>,
    mut stop: watch::Receiver<bool>,
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
        .with_graceful_shutdown(async move {
            let _ = stop.wait_for(|s| *s).await;
        })
        .await;
    if let Err(error) = result {
        tracing::error!(%error, "the metrics server stopped");
    }
}
