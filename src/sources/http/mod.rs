//! The HTTP source (`arkivar serve`): an axum API that verifies PDFs and takes jobs for the
//! queue worker.
//!
//! - `POST /v1/verify`: the PDF as the body (`application/pdf`) or as the first file part of
//!   `multipart/form-data`; answers the record as JSON.
//! - `POST /v1/jobs`, `GET /v1/jobs/{id}`: a job (JSON, or a PDF enqueued inline) published to
//!   the worker's job queue on RabbitMQ, and its state as far as this server has seen it.
//! - `POST /v1/webhooks/esign`: an e-sign platform's completion notification; the document is
//!   fetched from an allow-listed URL and enqueued.
//! - `GET /healthz`, `GET /metrics` (Prometheus text), `GET /openapi.json` (the committed
//!   OpenAPI 3.1 document, `openapi.json` next to this file).
//!
//! Async only at the edge (design.md): the request is read on tokio, and the pipeline runs on
//! `concurrency` verifier threads ([`verifiers`]) that take documents in arrival order, so
//! memory is bounded by `concurrency` × `max_body_bytes` plus what waits in the queue (which
//! is itself bounded by the body limit per connection). Jobs are not verified here: the
//! worker does that; this server only checks and publishes them.
//!
//! Files: [`config`] the flags and configuration; [`service`] the verify handler, probes and
//! shared answers; [`verifiers`] the threads that run the pipeline; [`jobs`] and [`webhook`]
//! the job endpoints; [`broker`] the RabbitMQ connection they share; [`tracker`] the job
//! states; [`metrics`] the counters; this file the route table and the server loop.

pub mod broker;
pub mod cache;
pub mod config;
pub mod jobs;
pub mod metrics;
pub mod service;
pub mod tracker;
pub mod verifiers;
pub mod webhook;

use std::net::SocketAddr;
use std::sync::Arc;

use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::routing::{MethodRouter, get, post};
use thiserror::Error;
use tokio::task::JoinHandle;

use crate::pipeline::Settings;
use crate::shutdown::{Drain, Shutdown};
pub use config::{Config, ConfigError, DEFAULT_MAX_BODY_BYTES, QueueConfig, ServeArgs};
use jobs::Jobs;

/// The OpenAPI document served at `/openapi.json`. A test checks that it lists exactly the
/// routes in [`ROUTES`].
pub const OPENAPI: &str = include_str!("openapi.json");

/// Every route the server has, as `(method, path)`. [`router`] builds the router from this
/// table, so the table cannot drift from what is served.
pub const ROUTES: &[(&str, &str)] = &[
    ("GET", "/healthz"),
    ("GET", "/readyz"),
    ("GET", "/metrics"),
    ("GET", "/openapi.json"),
    ("POST", "/v1/verify"),
    ("POST", "/v1/jobs"),
    ("GET", "/v1/jobs/{id}"),
    ("POST", WEBHOOK_PATH),
];

/// The e-sign webhook's path.
pub const WEBHOOK_PATH: &str = "/v1/webhooks/esign";

/// Routes a request may use without the bearer token: probes and the API description.
pub const OPEN_ROUTES: &[&str] = &["/healthz", "/readyz", "/openapi.json"];

/// Why the server could not start or stopped.
/// A variant's `cause` ends its message, and is therefore not also its `source()`.
#[derive(Debug, Error)]
#[non_exhaustive]
pub enum HttpError {
    /// The tokio runtime could not be built.
    #[error("cannot start the async runtime: {0}")]
    Runtime(std::io::Error),
    /// The address could not be bound.
    #[error("cannot listen on {addr}: {cause}")]
    Bind {
        addr: SocketAddr,
        cause: std::io::Error,
    },
    /// Serving failed.
    #[error("the server stopped: {0}")]
    Serve(std::io::Error),
    /// The configuration cannot work.
    #[error("invalid server configuration: {0}")]
    Config(&'static str),
    /// The threads that verify documents could not be started.
    #[error("cannot start the verifier threads: {0}")]
    Threads(std::io::Error),
    /// The HTTP client for webhook fetches could not be built.
    #[error(transparent)]
    Fetch(#[from] crate::sources::fetch::FetchError),
    /// The signal handlers could not be installed.
    #[error("cannot install signal handlers: {0}")]
    Signals(std::io::Error),
}

/// What every handler shares.
#[derive(Debug)]
pub struct App {
    /// The pipeline's settings.
    pub settings: Arc<Settings>,
    /// Limits and token.
    pub config: Config,
    /// The threads that run the pipeline, `concurrency` of them.
    pub verifiers: verifiers::Verifiers,
    /// Counters for `/metrics`.
    pub metrics: Arc<metrics::Metrics>,
    /// The job endpoints' state; `None` without a broker (they answer 503).
    pub jobs: Option<Jobs>,
    /// `POST /v1/verify` answers by content.
    pub answers: cache::AnswerCache,
}

impl App {
    /// Checks `config` and builds the shared state.
    pub fn new(config: Config, settings: Settings) -> Result<Arc<Self>, HttpError> {
        if config.concurrency == 0 {
            return Err(HttpError::Config("concurrency must be at least 1"));
        }
        if config.token.as_deref().is_some_and(str::is_empty) {
            return Err(HttpError::Config("the bearer token is empty"));
        }
        let metrics = Arc::new(metrics::Metrics::default());
        let jobs = config
            .queue
            .clone()
            .map(|queue| Jobs::new(queue, Arc::clone(&metrics)))
            .transpose()?;
        Ok(Arc::new(App {
            answers: cache::AnswerCache::new(config.cache),
            settings: Arc::new(settings),
            verifiers: verifiers::Verifiers::start(
                config.concurrency,
                crate::pipeline::PIPELINE_STACK_BYTES,
            )
            .map_err(HttpError::Threads)?,
            config,
            metrics,
            jobs,
        }))
    }

    /// Starts the broker connection when one is configured. It reconnects on its own until
    /// `shutdown` is triggered, and closes once the requests in flight are done (at most
    /// `shutdown_timeout` after the signal).
    pub fn connect(&self, shutdown: &Shutdown) -> Option<JoinHandle<()>> {
        let jobs = self.jobs.as_ref()?;
        Some(jobs.queue.spawn(
            jobs.config.amqp_url.clone(),
            shutdown,
            self.config.shutdown_timeout,
        ))
    }
}

/// The handler for one entry of [`ROUTES`].
fn route(method: &str, path: &str) -> Option<MethodRouter<Arc<App>>> {
    Some(match (method, path) {
        ("GET", "/healthz") => get(service::healthz),
        ("GET", "/readyz") => get(service::readyz),
        ("GET", "/metrics") => get(service::metrics),
        ("GET", "/openapi.json") => get(service::openapi),
        ("POST", "/v1/verify") => post(service::verify),
        ("POST", "/v1/jobs") => post(jobs::submit),
        ("GET", "/v1/jobs/{id}") => get(jobs::status),
        ("POST", WEBHOOK_PATH) => post(webhook::esign),
        _ => return None,
    })
}

/// The router over [`ROUTES`], with authentication and request counting.
pub fn router(app: Arc<App>) -> Router {
    let mut router = Router::new();
    for (method, path) in ROUTES {
        if let Some(handler) = route(method, path) {
            router = router.route(path, handler);
        } else {
            // A table entry without a handler is a bug the route test catches; serving the
            // rest is better than refusing to start.
            tracing::error!(method, path, "route without a handler");
        }
    }
    router
        // After the routes: it applies to the routes added before it.
        .method_not_allowed_fallback(service::method_not_allowed)
        .fallback(service::not_found)
        // Each handler that reads a body applies its own limit (`max_body_bytes`, the
        // webhook's smaller one), for raw and multipart bodies alike; axum's 2 MB default
        // would cut in first.
        .layer(DefaultBodyLimit::disable())
        .layer(axum::middleware::from_fn_with_state(
            app.clone(),
            service::authenticate,
        ))
        .layer(axum::middleware::from_fn_with_state(
            app.clone(),
            service::count,
        ))
        .with_state(app)
}

/// Runs the server until SIGINT or SIGTERM; requests in flight finish first, for at most
/// `shutdown_timeout` after the signal. Says whether they all did (for the exit status).
/// `pipeline` is the name of the pipeline `settings` came from, for the ready line.
pub fn run(config: Config, settings: Settings, pipeline: &str) -> Result<Drain, HttpError> {
    let concurrency = config.concurrency;
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        // The pipeline runs on the verifier threads (`verifiers`); the runtime's own
        // blocking pool serves only small blocking work.
        .max_blocking_threads(4)
        .build()
        .map_err(HttpError::Runtime)?;
    let result = runtime.block_on(async move {
        let addr = config.listen;
        let grace = config.shutdown_timeout;
        let app = App::new(config, settings)?;
        let shutdown = Shutdown::new();
        let signals = crate::shutdown::listen(&shutdown).map_err(HttpError::Signals)?;
        let listener = tokio::net::TcpListener::bind(addr)
            .await
            .map_err(|cause| HttpError::Bind { addr, cause })?;
        // The address as bound: with port 0 the system chose one. Tests and scripts read it
        // from this line.
        let local = listener.local_addr().map_err(HttpError::Serve)?;
        let jobs = app.jobs.as_ref();
        tracing::info!(
            target: crate::worker::READY_TARGET,
            listen = %format_args!("http://{local}"),
            pipeline = %pipeline,
            concurrency,
            broker = %jobs.map_or_else(
                || "none".to_owned(),
                |jobs| crate::worker::without_credentials(&jobs.config.amqp_url),
            ),
            jobs_queue = %jobs.map_or("none", |jobs| jobs.config.topology.jobs_queue.as_str()),
            "serve ready: answering requests"
        );
        let broker = app.connect(&shutdown);
        // The server is the work in flight: its guard goes when the last request is done.
        let guard = shutdown.guard();
        let stop = shutdown.clone();
        let serving = async move {
            let served = axum::serve(listener, router(app))
                .with_graceful_shutdown(async move {
                    stop.triggered().await;
                    tracing::info!("shutting down");
                })
                .await;
            drop(guard);
            served.map_err(HttpError::Serve)
        };
        tokio::pin!(serving);
        let deadline = async {
            shutdown.triggered().await;
            shutdown.wait_drained(grace).await
        };
        let (served, drain) = tokio::select! {
            served = &mut serving => (served, Drain::Drained),
            drain = deadline => match drain {
                Drain::Drained => (serving.await, drain),
                Drain::DeadlinePassed { .. } => {
                    // A request stuck on a verifier thread (a hung tesseract) is left behind
                    // with its thread; its client sees the connection close.
                    tracing::warn!("requests still in flight at the shutdown deadline; exiting");
                    (Ok(()), drain)
                }
            },
        };
        signals.abort();
        // Requests are done or abandoned: the broker session closes its connection (and with
        // it the results queue) on its own now.
        if let Some(task) = broker {
            let _ = tokio::time::timeout(std::time::Duration::from_secs(1), task).await;
        }
        served.map(|()| drain)
    });
    // Do not wait for verifier or blocking threads stuck in a document.
    runtime.shutdown_background();
    result
}
