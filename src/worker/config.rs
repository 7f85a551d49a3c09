//! The worker's command-line configuration (`arkivar worker …`), and what it builds.

use std::net::SocketAddr;
use std::path::PathBuf;

use clap::Args;

use crate::job::JobRules;
use crate::sinks::http::ArchiveArgs;
use crate::sources::amqp::Topology;
use crate::sources::open::Symlinks;

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
    /// Follow symbolic links under `--document-root` to files outside it. Without it a path
    /// whose resolved file lies outside the root is dead-lettered (`document_unavailable`);
    /// links that stay inside the root work either way.
    #[arg(long, requires = "document_root")]
    pub follow_symlinks_out_of_root: bool,
    /// URL prefix a `url` document may start with; repeat for more.
    #[arg(long, value_name = "PREFIX")]
    pub allow_url: Vec<String>,
    /// Folder of pipeline files (`*.toml`) that jobs may name besides the built-in pipelines;
    /// a file named like a built-in replaces it. Read once at start.
    #[arg(long, value_name = "DIR")]
    pub pipelines_dir: Option<PathBuf>,
    /// Largest inline (base64) document, in bytes.
    #[arg(long, default_value_t = 8 * 1024 * 1024)]
    pub max_inline_bytes: usize,
    /// Folder each record is also written to, atomically, as `<sha256>.json` (the filesystem
    /// sink `arkivar batch` writes with); a failed write sends the job round the retry queues.
    #[arg(long, value_name = "DIR")]
    pub records_dir: Option<PathBuf>,
    /// The HTTP archive, shared with `arkivar batch`.
    #[command(flatten)]
    pub archive: ArchiveArgs,
    /// Archive packages, shared with `arkivar batch`: each job's package is written before
    /// the job is acknowledged; a failed write sends the job round the retry queues.
    #[command(flatten)]
    pub packages: crate::sinks::sip::SipArgs,
    /// Delays of the retry queues in milliseconds, comma-separated; their number is the
    /// number of retries before a job is dead-lettered. Must match the broker's topology.
    #[arg(long, value_delimiter = ',', default_values_t = [1_000u32, 10_000, 60_000])]
    pub retry_delays_ms: Vec<u32>,
    /// Deliveries of one message before the broker dead-letters it.
    #[arg(long, default_value_t = 5)]
    pub delivery_limit: u32,
    /// Where `/healthz`, `/readyz` and `/metrics` are served: `HOST:PORT`, or `:PORT` for
    /// every interface. Port 0 lets the system choose; the ready line names the port.
    #[arg(long, default_value = "127.0.0.1:9464", value_parser = listen_addr, value_name = "ADDR")]
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

/// A listening address: `HOST:PORT`, or `:PORT` for every interface, as Go programs and
/// Prometheus exporters write it.
pub fn listen_addr(text: &str) -> Result<SocketAddr, String> {
    let full = match text.strip_prefix(':') {
        Some(port) => format!("0.0.0.0:{port}"),
        None => text.to_owned(),
    };
    full.parse().map_err(|_| {
        format!("{text:?} is not an address: give HOST:PORT (127.0.0.1:9464) or :PORT")
    })
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
            symlinks: if self.follow_symlinks_out_of_root {
                Symlinks::FollowOutOfRoot
            } else {
                Symlinks::StayInRoot
            },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_bare_port_listens_on_every_interface() {
        assert_eq!(listen_addr(":0"), Ok("0.0.0.0:0".parse().unwrap()));
        assert_eq!(listen_addr(":9464"), Ok("0.0.0.0:9464".parse().unwrap()));
        assert_eq!(
            listen_addr("127.0.0.1:0"),
            Ok("127.0.0.1:0".parse().unwrap())
        );
        assert_eq!(listen_addr("[::1]:80"), Ok("[::1]:80".parse().unwrap()));
        assert!(listen_addr("9464").is_err());
        assert!(listen_addr(":x").is_err());
    }
}
