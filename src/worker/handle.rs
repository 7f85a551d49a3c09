//! One job, from delivery to settlement: parse, read the document, run the pipeline on the
//! blocking pool, hand the record to every sink, and only then ack. Every way out of
//! [`handle`] settles the delivery exactly once (ack, move to retry/dead, or nack back), or
//! leaves it unsettled when the channel is gone, so the broker redelivers it.
//!
//! A document that could not be processed, and a record the archive refused, still go to the
//! results exchange (and the error record to the archive) before the job is dead-lettered.
//! An RPC caller gets exactly one final answer: the record, or a
//! [`JobRejection`](crate::job::JobRejection) when the job produced none.

use std::collections::HashMap;
use std::sync::Arc;
use std::time::Instant;

use tokio::sync::Semaphore;
use tracing::{Instrument, field};

use crate::job::{self, Document, JobRejection, JobRules};
use crate::pipeline::{self, Settings};
use crate::record::{JobInfo, Record, SourceInfo, Status};
use crate::sinks::amqp::Publisher;
use crate::sinks::fs::FsSink;
use crate::sinks::http::{ArchiveError, ArchiveSink};
use crate::sinks::sip::SipSink;
use crate::sources::amqp::{Incoming, Topology};
use crate::sources::fetch::DocumentFetcher;
use crate::sources::open;

use super::metrics::Metrics;

/// What every job task shares.
pub struct Context {
    /// Names of the broker objects.
    pub topology: Topology,
    /// What jobs may point at.
    pub rules: JobRules,
    /// Settings by pipeline name.
    pub pipelines: HashMap<String, Arc<Settings>>,
    /// Bounds the documents on the blocking pool.
    pub cpu: Arc<Semaphore>,
    /// The archive, when configured.
    pub archive: Option<ArchiveSink>,
    /// The folder of records (`--records-dir`), when configured.
    pub records: Option<Arc<FsSink>>,
    /// The folder of archive packages (`--sip-dir`), when configured.
    pub packages: Option<Arc<SipSink>>,
    /// Fetches `url` documents (redirects only to allowed URLs, bounded by the pipeline's
    /// file-size limit).
    pub fetcher: DocumentFetcher,
    /// Counters.
    pub metrics: Arc<Metrics>,
}

/// How a job ended, for the log and the metrics.
enum End {
    Acked(Status),
    Dead {
        code: &'static str,
        reason: String,
        /// The caller's `reply_to` already got the record; else it gets a [`JobRejection`].
        answered: bool,
    },
    Retry {
        reason: String,
    },
}

/// Why a document could not be read.
enum ReadError {
    /// It will not get better (missing file, 404): dead-letter.
    Permanent(String),
    /// It may (network, 5xx): retry.
    Transient(String),
}

/// Handles one delivery on `publisher`'s connection.
pub async fn handle(ctx: Arc<Context>, publisher: Publisher, incoming: Incoming) {
    let started = Instant::now();
    let metrics = Arc::clone(&ctx.metrics);
    let _in_flight = metrics.in_flight();
    let span = tracing::info_span!(
        "job",
        job_id = field::Empty,
        sha256 = field::Empty,
        attempt = incoming.attempt(),
        redelivered = incoming.redelivered()
    );
    async move {
        let (end, job_id, incoming) = run(&ctx, &publisher, incoming).await;
        let outcome = settle(&ctx, &publisher, incoming, end, job_id.as_deref()).await;
        ctx.metrics.job_done(outcome, started.elapsed());
    }
    .instrument(span)
    .await;
}

/// Runs the job up to the point where it is known how to settle it. Returns the delivery
/// for settling, or `None` in its place when it was already acked.
async fn run(
    ctx: &Context,
    publisher: &Publisher,
    incoming: Incoming,
) -> (End, Option<String>, Option<Incoming>) {
    let span = tracing::Span::current();
    let job = match job::parse(incoming.body()) {
        Ok(job) => job,
        Err(e) => {
            return (
                End::Dead {
                    code: "malformed_job",
                    reason: e.to_string(),
                    answered: false,
                },
                None,
                Some(incoming),
            );
        }
    };
    span.record("job_id", job.job_id.as_str());
    let job_id = Some(job.job_id.clone());
    let dead = |code, reason: String| End::Dead {
        code,
        reason,
        answered: false,
    };
    let Some(settings) = ctx.pipelines.get(&job.pipeline).cloned() else {
        let mut known: Vec<&str> = ctx.pipelines.keys().map(String::as_str).collect();
        known.sort_unstable();
        let reason = format!(
            "job {}: no pipeline named {:?}; known: {}",
            job.job_id,
            job.pipeline,
            known.join(", ")
        );
        return (dead("unknown_pipeline", reason), job_id, Some(incoming));
    };
    let document = match ctx.rules.check(&job) {
        Ok(d) => d,
        Err(e) => return (dead("malformed_job", e.to_string()), job_id, Some(incoming)),
    };
    let (bytes, source) = match read(ctx, &document, &settings).await {
        Ok(read) => read,
        Err(ReadError::Permanent(reason)) => {
            return (
                dead(
                    "document_unavailable",
                    format!("job {}: {reason}", job.job_id),
                ),
                job_id,
                Some(incoming),
            );
        }
        Err(ReadError::Transient(reason)) => {
            return (End::Retry { reason }, job_id, Some(incoming));
        }
    };
    let source = SourceInfo {
        name: Some(job.job_id.clone()),
        ..source
    };

    // The pipeline is CPU-bound and synchronous: run it on the blocking pool, at most
    // `concurrency` documents at once, so the broker's prefetch cannot pile up threads.
    let permit = match ctx.cpu.clone().acquire_owned().await {
        Ok(p) => p,
        Err(_) => {
            return (
                End::Retry {
                    reason: "worker stopping".into(),
                },
                job_id,
                Some(incoming),
            );
        }
    };
    let bytes = Arc::new(bytes);
    let for_cpu = Arc::clone(&bytes);
    let processed = tokio::task::spawn_blocking(move || {
        let _permit = permit;
        pipeline::process(&for_cpu, source, &settings)
    })
    .await;
    let mut record: Record = match processed {
        Ok(r) => r,
        Err(e) => {
            // `process` contains panics itself; a join error means the task was cancelled.
            return (
                End::Retry {
                    reason: format!("processing was interrupted: {e}"),
                },
                job_id,
                Some(incoming),
            );
        }
    };
    span.record("sha256", record.identity.sha256.as_str());
    record.job = Some(JobInfo {
        job_id: job.job_id.clone(),
        pipeline: job.pipeline.clone(),
        metadata: job.metadata.clone(),
        correlation_id: incoming.correlation_id().map(|c| c.as_str().to_owned()),
        archive_id: None,
        archive_error: None,
    });
    let key = crate::sinks::record_key(&record, &job.pipeline);

    // A document that could not be processed still has a record: it goes to the sinks like
    // any other (to the archive unless `--archive-error-records skip`), and the job is then
    // dead-lettered with the reason (issue 7, "Semantics").
    let document_error = (record.status == Status::Error).then(|| {
        record
            .error
            .as_ref()
            .map(|e| format!("{}: {}", e.kind.as_str(), e.message))
            .unwrap_or_else(|| "the document could not be processed".to_owned())
    });
    let mut archive_refusal = None;
    if let Some(archive) = ctx.archive.as_ref().filter(|a| a.accepts(record.status)) {
        let metrics = Arc::clone(&ctx.metrics);
        match archive
            .send_record(&record, &bytes, &key, || metrics.archive_retried())
            .await
        {
            Ok(receipt) => {
                tracing::info!(archive_id = ?receipt.id, duplicate = receipt.duplicate, attempts = receipt.attempts, "archived");
                if let Some(info) = record.job.as_mut() {
                    info.archive_id = receipt.id;
                }
            }
            Err(e @ ArchiveError::Unavailable { .. }) => {
                return (
                    End::Retry {
                        reason: e.to_string(),
                    },
                    job_id,
                    Some(incoming),
                );
            }
            Err(e @ ArchiveError::Serialize(_)) => {
                return (dead("internal", e.to_string()), job_id, Some(incoming));
            }
            Err(e) => {
                // Permanent: the same request would be refused again, so no retry. The record
                // still goes to the exchange and the caller, carrying the archive's answer,
                // and the job is dead-lettered for a person to look at.
                let refusal = e.to_string();
                if let Some(info) = record.job.as_mut() {
                    info.archive_error = Some(refusal.clone());
                }
                archive_refusal = Some(refusal);
            }
        }
    }
    if let Some(records) = &ctx.records {
        // fsync and rename block: off the async threads, like the pipeline.
        // The record travels to the blocking thread and back rather than being copied.
        let records = Arc::clone(records);
        let written = tokio::task::spawn_blocking(move || {
            let written = records.write(&record);
            (record, written)
        })
        .await;
        record = match written {
            Ok((back, Ok(_))) => back,
            Ok((_, Err(e))) => {
                let reason = e.to_string();
                return (End::Retry { reason }, job_id, Some(incoming));
            }
            Err(e) => {
                let reason = format!("writing the record was interrupted: {e}");
                return (End::Retry { reason }, job_id, Some(incoming));
            }
        };
    }
    if let Some(packages) = &ctx.packages {
        // Like the record file: blocking writes, off the async threads. A record that names
        // the document by its path has no bytes to package.
        let packages = Arc::clone(packages);
        let document = Arc::clone(&bytes);
        let written = tokio::task::spawn_blocking(move || {
            let written = match crate::package::build(&record, &document) {
                Ok(package) => packages
                    .write(&package)
                    .map(|_| ())
                    .map_err(|e| e.to_string()),
                Err(crate::package::PackageError::NoContent) => Ok(()),
                Err(e) => Err(format!("no package: {e}")),
            };
            (record, written)
        })
        .await;
        record = match written {
            Ok((back, Ok(()))) => back,
            Ok((_, Err(reason))) => return (End::Retry { reason }, job_id, Some(incoming)),
            Err(e) => {
                let reason = format!("writing the package was interrupted: {e}");
                return (End::Retry { reason }, job_id, Some(incoming));
            }
        };
    }
    if let Err(reason) = publish(ctx, publisher, &record, &key, &incoming).await {
        return (End::Retry { reason }, job_id, Some(incoming));
    }
    let answered = |code, reason| End::Dead {
        code,
        reason,
        answered: true,
    };
    match (document_error, archive_refusal) {
        (Some(reason), None) => {
            return (answered("document_error", reason), job_id, Some(incoming));
        }
        (Some(reason), Some(refusal)) => {
            let reason = format!("{reason}; and {refusal}");
            return (answered("document_error", reason), job_id, Some(incoming));
        }
        (None, Some(refusal)) => {
            return (
                answered("archive_rejected", refusal),
                job_id,
                Some(incoming),
            );
        }
        (None, None) => {}
    }
    let status = record.status;
    match incoming.ack().await {
        Ok(()) => (End::Acked(status), job_id, None),
        Err(e) => {
            // The channel is gone: the broker redelivers, and the sinks deduplicate.
            tracing::warn!(error = %e, "record delivered but the ack failed; the job will be redelivered");
            (End::Acked(status), job_id, None)
        }
    }
}

async fn publish(
    ctx: &Context,
    publisher: &Publisher,
    record: &Record,
    key: &str,
    incoming: &Incoming,
) -> Result<(), String> {
    publisher
        .publish_record(
            &ctx.topology.records_exchange,
            record,
            key,
            incoming.correlation_id(),
            incoming.reply_to(),
        )
        .await
        .map_err(|e| e.to_string())
}

/// Settles a delivery that was not acked yet; returns the metrics outcome.
async fn settle(
    ctx: &Context,
    publisher: &Publisher,
    incoming: Option<Incoming>,
    end: End,
    job_id: Option<&str>,
) -> &'static str {
    let (incoming, end) = match (incoming, end) {
        (None, End::Acked(status)) => {
            tracing::info!(status = status.as_str(), "job done");
            return status.as_str();
        }
        (Some(incoming), end) => (incoming, end),
        (None, _) => return "unsettled",
    };
    let (code, reason, answered) = match end {
        End::Retry { reason } => {
            let step = incoming.attempt() as usize;
            if step < ctx.topology.retry_delays_ms.len() {
                tracing::warn!(%reason, step = step + 1, "job will be retried");
                return match incoming
                    .retry(publisher, &ctx.topology, step, &reason)
                    .await
                {
                    Ok(()) => {
                        ctx.metrics.retried();
                        "retried"
                    }
                    Err(e) => {
                        tracing::warn!(error = %e, "cannot send the job to its retry queue");
                        "unsettled"
                    }
                };
            }
            (
                "retries_exhausted",
                format!(
                    "gave up after {} retries: {reason}",
                    ctx.topology.retry_delays_ms.len()
                ),
                false,
            )
        }
        End::Dead {
            code,
            reason,
            answered,
        } => (code, reason, answered),
        End::Acked(status) => return status.as_str(),
    };
    if let (false, Some(reply_to)) = (answered, incoming.reply_to()) {
        // Answer before dead-lettering: if the answer cannot be sent, the job stays unsettled
        // and comes back, rather than leaving its caller waiting for good.
        let rejection = JobRejection::new(job_id, code, &reason);
        if let Err(e) = publisher
            .publish_rejection(&rejection, incoming.correlation_id(), reply_to)
            .await
        {
            tracing::warn!(error = %e, "cannot answer the caller; the job stays on the queue");
            let _ = incoming.requeue().await;
            return "unsettled";
        }
    }
    tracing::warn!(code, %reason, "job dead-lettered");
    match incoming
        .dead_letter(publisher, &ctx.topology, code, &reason, job_id)
        .await
    {
        Ok(()) => {
            ctx.metrics.dead_lettered(code);
            "dead_lettered"
        }
        Err(e) => {
            tracing::warn!(error = %e, "cannot dead-letter the job");
            "unsettled"
        }
    }
}

async fn read(
    ctx: &Context,
    document: &Document,
    settings: &Settings,
) -> Result<(Vec<u8>, SourceInfo), ReadError> {
    let limit = settings.limits.max_file_bytes;
    match document {
        Document::Inline(bytes) => Ok((bytes.clone(), SourceInfo::default())),
        Document::File(path) => {
            // `check` gives a file only under a configured root.
            let Some(root) = ctx.rules.document_root.clone() else {
                return Err(ReadError::Permanent(format!(
                    "{}: no document root is configured",
                    path.display()
                )));
            };
            let (for_read, symlinks) = (path.clone(), ctx.rules.symlinks);
            // Opening and reading block: on the blocking pool, like the pipeline.
            let read = tokio::task::spawn_blocking(move || {
                open::read_confined(&root, &for_read, symlinks, limit)
            })
            .await
            .map_err(|e| ReadError::Transient(format!("reading was interrupted: {e}")))?;
            let bytes = read.map_err(|e| {
                if e.is_transient() {
                    ReadError::Transient(e.to_string())
                } else {
                    ReadError::Permanent(e.to_string())
                }
            })?;
            Ok((bytes, SourceInfo::from_path(path)))
        }
        Document::Url(url) => {
            let bytes = ctx.fetcher.fetch(url, limit).await.map_err(|e| {
                if e.is_transient() {
                    ReadError::Transient(e.to_string())
                } else {
                    ReadError::Permanent(e.to_string())
                }
            })?;
            Ok((bytes, SourceInfo::named(url.clone())))
        }
    }
}
