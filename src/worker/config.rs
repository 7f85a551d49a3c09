//! The worker's command-line configuration (`arkivar worker …`), and what it builds.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::time::Duration;

use clap::Args;

use crate::job::JobRules;
use crate::sinks::http::ArchiveConfig;
use crate::sources::amqp::Topology;

/// `arkivar worker`: jobs from RabbitMQ, records to the archive and the results exchange.
#[derive(Debug, Clone, Args)]
pub struct WorkerArgs {
    /// The broker, e.g. `amqp://guest:guest@127.0.0.1:5672/%2f`.
    #[arg(long, env = "ARKIVAR_AMQP_URL", value_name = "URL", required_unless_present_any = ["print_definitions", "print_job_schema"])]
    pub amqp: Option<String>,
    /// Unacknowledged messages the broker may hand this worker at once.
    #[arg(long, default_value_t = 16)]
    pub prefetch: u16,
    /// Documents processed at once on the blocking pool [default: number of cores].
    #[arg(long)]
    pub concurrency: Option<usize>,
    /// Folder that `path` documents are resolved in; without it path jobs are refused.
    #[arg(long, value_name = "DIR")]
    pub document_root: Option<PathBuf>,
    /// URL prefix a `url` document may start with; repeat for more.
    #[arg(long, value_name = "PREFIX")]
    pub allow_url: Vec<String>,
    /// Largest inline (base64) document, in bytes.
    #[arg(long, default_value_t = 8 * 1024 * 1024)]
    pub max_inline_bytes: usize,
    /// The HTTP archive records are POSTed to; without it only the exchange gets them.
    #[arg(long, value_name = "URL")]
    pub archive_url: Option<String>,
    /// File holding the archive's bearer token (else `ARKIVAR_ARCHIVE_TOKEN` is read).
    #[arg(long, value_name = "FILE")]
    pub archive_token_file: Option<PathBuf>,
    /// Send the PDF along with the record, as multipart/form-data.
    #[arg(long)]
    pub archive_multipart: bool,
    /// Seconds one archive request may take.
    #[arg(long, default_value_t = 30.0)]
    pub archive_timeout: f64,
    /// Requests per record before the job goes to the retry queue.
    #[arg(long, default_value_t = 5)]
    pub archive_attempts: u32,
    /// First archive back-off in milliseconds (doubles, up to 30 s).
    #[arg(long, default_value_t = 500)]
    pub archive_backoff_ms: u64,
    /// Delays of the retry queues in milliseconds, comma-separated; their number is the
    /// number of retries before a job is dead-lettered. Must match the broker's topology.
    #[arg(long, value_delimiter = ',', default_values_t = [1_000u32, 10_000, 60_000])]
    pub retry_delays_ms: Vec<u32>,
    /// Deliveries of one message before the broker dead-letters it.
    #[arg(long, default_value_t = 5)]
    pub delivery_limit: u32,
    /// Where `/healthz`, `/readyz` and `/metrics` are served.
    #[arg(long, default_value = "127.0.0.1:9464")]
    pub metrics_addr: SocketAddr,
    /// Seconds to let in-flight jobs finish after SIGTERM before exiting anyway (unfinished
    /// jobs are redelivered).
    #[arg(long, default_value_t = 60)]
    pub shutdown_timeout: u64,
    /// Print the RabbitMQ definitions of the topology (for `deploy/`) and exit.
    #[arg(long)]
    pub print_definitions: bool,
    /// Print the job message's JSON Schema and exit.
    #[arg(long)]
    pub print_job_schema: bool,
}

impl WorkerArgs {
    /// The topology these arguments describe.
    pub fn topology(&self) -> Topology {
        Topology {
            retry_delays_ms: self.retry_delays_ms.clone(),
            delivery_limit: self.delivery_limit,
            ..Topology::default()
        }
    }

    /// What jobs may point at.
    pub fn job_rules(&self) -> JobRules {
        JobRules {
            document_root: self.document_root.clone(),
            allowed_urls: self.allow_url.clone(),
            max_inline_bytes: self.max_inline_bytes,
        }
    }

    /// The archive sink's configuration, when an archive is configured.
    pub fn archive(&self, token: Option<String>) -> Option<ArchiveConfig> {
        self.archive_url.as_ref().map(|url| ArchiveConfig {
            url: url.clone(),
            token,
            timeout: Duration::from_secs_f64(self.archive_timeout.max(0.1)),
            max_attempts: self.archive_attempts,
            backoff: Duration::from_millis(self.archive_backoff_ms),
            max_backoff: Duration::from_secs(30),
            multipart: self.archive_multipart,
        })
    }
}
