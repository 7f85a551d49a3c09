//! The server's command-line configuration (`arkivar serve …`), and the [`Config`] it builds.

use std::net::SocketAddr;
use std::num::NonZeroUsize;
use std::path::PathBuf;
use std::time::Duration;

use clap::Args;
use thiserror::Error;

use super::cache;
use crate::job::JobRules;
use crate::sources::amqp::Topology;
use crate::sources::open::Symlinks;

/// Default largest body `POST /v1/verify` and `POST /v1/jobs` accept.
pub const DEFAULT_MAX_BODY_BYTES: usize = 50 * 1024 * 1024;

/// Default largest PDF a job carries inline; the worker's `--max-inline-bytes` default too, so
/// that what `serve` enqueues a default worker accepts.
pub const DEFAULT_MAX_INLINE_BYTES: usize = 8 * 1024 * 1024;

/// Default number of jobs whose state `GET /v1/jobs/{id}` remembers.
pub const DEFAULT_MAX_TRACKED_JOBS: usize = 10_000;

/// `arkivar serve`: the HTTP API.
#[derive(Debug, Clone, Args)]
pub struct ServeArgs {
    /// Address to listen on: `HOST:PORT`, or `:PORT` for every interface. Port 0 lets the
    /// system choose; the ready line on stderr names the port.
    #[arg(long, default_value = "127.0.0.1:8080", value_parser = crate::worker::config::listen_addr, value_name = "ADDR")]
    pub listen: SocketAddr,
    /// Largest request body in bytes; larger requests get 413.
    #[arg(long, default_value_t = DEFAULT_MAX_BODY_BYTES)]
    pub max_body_bytes: usize,
    /// Documents verified at once (one thread each); more wait in arrival order [default: the
    /// number of cores].
    #[arg(long)]
    pub concurrency: Option<NonZeroUsize>,
    /// A file holding the bearer token requests must send; else the ARKIVAR_TOKEN
    /// environment variable; with neither, no authentication.
    #[arg(long, value_name = "FILE")]
    pub token_file: Option<PathBuf>,
    /// The broker `POST /v1/jobs` and the webhook publish jobs to, e.g.
    /// `amqp://guest:guest@127.0.0.1:5672/%2f`; without it those endpoints answer 503.
    #[arg(long, env = "ARKIVAR_AMQP_URL", value_name = "URL")]
    pub amqp: Option<String>,
    /// URL prefix a `url` job and a webhook's `document_url` may start with; repeat for more.
    /// Give the worker the same list.
    #[arg(long, value_name = "PREFIX")]
    pub allow_url: Vec<String>,
    /// Folder `path` jobs must stay under (checked on the path's text; the worker reads the
    /// file); without it path jobs are refused.
    #[arg(long, value_name = "DIR")]
    pub document_root: Option<PathBuf>,
    /// Largest PDF a job carries inline (a PDF body, a `base64` job, a fetched webhook
    /// document), in bytes. Keep it at or under the worker's `--max-inline-bytes`.
    #[arg(long, default_value_t = DEFAULT_MAX_INLINE_BYTES)]
    pub max_inline_bytes: usize,
    /// Jobs whose state `GET /v1/jobs/{id}` remembers; the oldest are forgotten first.
    #[arg(long, default_value_t = DEFAULT_MAX_TRACKED_JOBS)]
    pub max_tracked_jobs: usize,
    /// A file holding the webhook's shared secret; else ARKIVAR_WEBHOOK_SECRET. When set, the
    /// webhook needs `X-Arkivar-Signature: sha256=<hex HMAC-SHA256 of the body>` instead of
    /// the bearer token.
    #[arg(long, value_name = "FILE")]
    pub webhook_secret_file: Option<PathBuf>,
    /// Seconds the webhook may take to fetch a document.
    #[arg(long, default_value_t = 30.0)]
    pub fetch_timeout: f64,
    /// `POST /v1/verify` answers kept by content (SHA-256 of the PDF and its name) and reused
    /// for the same document; 0 verifies every request afresh.
    #[arg(long, default_value_t = cache::DEFAULT_ENTRIES)]
    pub cache_entries: usize,
    /// Seconds a kept answer is reused; after that the document is verified again.
    #[arg(long, default_value_t = cache::DEFAULT_TTL.as_secs_f64())]
    pub cache_ttl: f64,
    /// Seconds to let requests in flight finish after SIGTERM/SIGINT before exiting anyway
    /// (exit status 3); a job a request was publishing is then either confirmed or not, and
    /// its client retries with the same `job_id`.
    #[arg(long, default_value_t = 60)]
    pub shutdown_timeout: u64,
}

/// How the server is configured.
#[derive(Debug, Clone)]
pub struct Config {
    /// Where to listen.
    pub listen: SocketAddr,
    /// Largest request body, in bytes; larger gets 413.
    pub max_body_bytes: usize,
    /// Documents in the pipeline at once; more wait for a slot.
    pub concurrency: usize,
    /// The bearer token requests must carry; `None` serves without authentication.
    pub token: Option<String>,
    /// The job endpoints' broker and rules; `None` answers them 503.
    pub queue: Option<QueueConfig>,
    /// How many `POST /v1/verify` answers are kept, and for how long.
    pub cache: cache::Bounds,
    /// How long requests in flight may take to finish after a shutdown signal.
    pub shutdown_timeout: Duration,
}

/// What `POST /v1/jobs`, `GET /v1/jobs/{id}` and the webhook need.
#[derive(Debug, Clone)]
pub struct QueueConfig {
    /// The broker's URL.
    pub amqp_url: String,
    /// Names of the job queue and the exchanges (the worker's defaults).
    pub topology: Topology,
    /// What a job may point at, and how large an inline document may be.
    pub rules: JobRules,
    /// Jobs whose state is remembered.
    pub max_tracked_jobs: usize,
    /// The webhook's shared secret for its HMAC signature.
    pub webhook_secret: Option<String>,
    /// How long the webhook may take to fetch a document.
    pub fetch_timeout: Duration,
}

impl QueueConfig {
    /// The defaults for a broker at `amqp_url`: the worker's topology, no URL or path
    /// documents, inline documents up to [`DEFAULT_MAX_INLINE_BYTES`].
    pub fn new(amqp_url: impl Into<String>) -> Self {
        QueueConfig {
            amqp_url: amqp_url.into(),
            topology: Topology::default(),
            rules: JobRules {
                document_root: None,
                allowed_urls: Vec::new(),
                max_inline_bytes: DEFAULT_MAX_INLINE_BYTES,
                // `serve` never reads a path document's file: the worker does, by its own flag.
                symlinks: Symlinks::default(),
            },
            max_tracked_jobs: DEFAULT_MAX_TRACKED_JOBS,
            webhook_secret: None,
            fetch_timeout: Duration::from_secs(30),
        }
    }
}

/// Why the arguments do not make a configuration.
/// A variant's `cause` ends its message, and is therefore not also its `source()`.
#[derive(Debug, Error)]
#[non_exhaustive]
pub enum ConfigError {
    /// A secret's file could not be read.
    #[error("cannot read the {what} from {}: {cause}", .path.display())]
    SecretFile {
        /// Which secret.
        what: &'static str,
        /// The file.
        path: PathBuf,
        /// Why.
        cause: std::io::Error,
    },
    /// A secret's file is empty.
    #[error("the {what} file {} is empty", .path.display())]
    EmptySecret {
        /// Which secret.
        what: &'static str,
        /// The file.
        path: PathBuf,
    },
}

impl ServeArgs {
    /// The configuration, reading the token and webhook secret from their files or the
    /// environment.
    pub fn config(self) -> Result<Config, ConfigError> {
        let token = read_secret(self.token_file, "ARKIVAR_TOKEN", "bearer token")?;
        let webhook_secret = read_secret(
            self.webhook_secret_file,
            "ARKIVAR_WEBHOOK_SECRET",
            "webhook secret",
        )?;
        let cores = std::thread::available_parallelism().map_or(1, NonZeroUsize::get);
        let queue = self.amqp.filter(|u| !u.is_empty()).map(|url| QueueConfig {
            topology: Topology::default(),
            rules: JobRules {
                document_root: self.document_root,
                allowed_urls: self.allow_url,
                max_inline_bytes: self.max_inline_bytes,
                symlinks: Symlinks::default(),
            },
            max_tracked_jobs: self.max_tracked_jobs,
            webhook_secret,
            fetch_timeout: Duration::from_secs_f64(self.fetch_timeout.max(0.1)),
            amqp_url: url,
        });
        Ok(Config {
            listen: self.listen,
            max_body_bytes: self.max_body_bytes,
            // One verifier thread per core: a thread takes its next document itself, so the
            // cores stay busy (1% idle under load); more threads than cores only make the
            // documents share cores and spread the latencies (p99 52 ms with three threads
            // on 2 cores, 49.5 ms with two; scripts/bench-serve.sh).
            concurrency: self.concurrency.map_or(cores, NonZeroUsize::get),
            token,
            queue,
            cache: cache::Bounds {
                entries: self.cache_entries,
                ttl: Duration::from_secs_f64(self.cache_ttl.clamp(0.0, 86_400.0)),
                ..cache::Bounds::default()
            },
            shutdown_timeout: Duration::from_secs(self.shutdown_timeout),
        })
    }
}

/// A secret from `file` (trimmed; preferred, since it does not show in `/proc/*/environ`), else
/// from the environment variable `var` (unset or empty means none).
fn read_secret(
    file: Option<PathBuf>,
    var: &str,
    what: &'static str,
) -> Result<Option<String>, ConfigError> {
    let Some(path) = file else {
        return Ok(std::env::var(var).ok().filter(|t| !t.is_empty()));
    };
    let text = std::fs::read_to_string(&path).map_err(|cause| ConfigError::SecretFile {
        what,
        path: path.clone(),
        cause,
    })?;
    let secret = text.trim();
    if secret.is_empty() {
        return Err(ConfigError::EmptySecret { what, path });
    }
    Ok(Some(secret.to_owned()))
}

#[cfg(test)]
mod tests {
    use clap::Parser;

    use super::*;

    /// `arkivar serve` as the CLI parses it.
    #[derive(Parser)]
    struct Cli {
        #[command(flatten)]
        serve: ServeArgs,
    }

    fn config_of(args: &[&str]) -> Config {
        let cli = Cli::try_parse_from(std::iter::once("serve").chain(args.iter().copied()))
            .expect("arguments parse");
        cli.serve.config().expect("a valid configuration")
    }

    #[test]
    fn concurrency_defaults_to_one_document_per_core_and_follows_the_flag() {
        let cores = std::thread::available_parallelism().map_or(1, NonZeroUsize::get);
        assert_eq!(config_of(&[]).concurrency, cores);
        assert_eq!(config_of(&["--concurrency", "3"]).concurrency, 3);
        assert!(Cli::try_parse_from(["serve", "--concurrency", "0"]).is_err());
    }
}
