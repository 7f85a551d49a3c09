//! The broker side of `arkivar serve`: publishing jobs and watching their results.
//!
//! One connection, kept up by the supervisor the worker uses too
//! ([`crate::sources::amqp::supervisor`]: connect, declare, bind, consume; on failure drop
//! everything, back off, start over). Each session:
//!
//! - opens a confirm-mode channel; a job is published persistent, `mandatory`, with its id as
//!   correlation and message id, to the job queue through the default exchange, and counts as
//!   enqueued only on the broker's ack. A nack (queue full under `reject-publish`), a return (no
//!   job queue: no worker has declared it yet) or a lost connection is an error the handler
//!   answers 503, so the caller knows the job is not queued;
//! - declares the results exchange and the dead-letter exchange (exchanges carry no arguments,
//!   so this cannot clash with a worker's declarations; the job queue it leaves to the worker
//!   and `deploy/`), and binds a queue of its own (exclusive, auto-delete, so it goes away with
//!   the connection) to `record.#` on the first and to the second. Records and dead letters of
//!   jobs enqueued here update the [`Tracker`]; everything else is ignored.
//!
//! Jobs are published only while that queue is bound, so no job's result can arrive unseen
//! on a working connection. While disconnected, results are missed (see [`super::tracker`]).

use std::sync::{Arc, Mutex, RwLock};
use std::time::Duration;

use futures_util::StreamExt;
use lapin::message::Delivery;
use lapin::options::{BasicConsumeOptions, QueueBindOptions, QueueDeclareOptions};
use lapin::types::{AMQPValue, FieldTable};
use lapin::{BasicProperties, Connection};
use serde::Deserialize;
use serde_json::value::RawValue;
use thiserror::Error;
use tokio::task::JoinHandle;

use super::metrics::Metrics;
use super::tracker::{AlreadyTracked, Tracker};
use crate::job::{self, Job};
use crate::shutdown::Shutdown;
use crate::sinks::amqp::{PublishError, Publisher};
use crate::sources::amqp::supervisor::{self, SessionEnd};
use crate::sources::amqp::{JOB_ID_HEADER, REASON_CODE_HEADER, REASON_HEADER, Topology};

/// How long a publish may wait for the broker's confirm before the handler gives up.
pub const PUBLISH_TIMEOUT: Duration = Duration::from_secs(10);

/// How long closing the connection may take at shutdown; the exclusive results queue goes
/// away with the socket in any case.
const CLOSE_TIMEOUT: Duration = Duration::from_millis(500);

/// Largest job id in bytes: it becomes the AMQP correlation id, a short string (AMQP 0-9-1
/// §4.2.5.3), which holds at most 255 bytes.
pub const MAX_CORRELATION_ID_BYTES: usize = 255;

/// Why a job was not enqueued. After any of these the job is not tracked and not queued,
/// except after [`EnqueueError::Timeout`], where the broker may still take it.
#[derive(Debug, Error)]
#[non_exhaustive]
pub enum EnqueueError {
    /// A job with this id was enqueued here before (and is still remembered).
    #[error(
        "a job with id {0:?} was already enqueued here; GET its status_url, or use a new job_id"
    )]
    Duplicate(String),
    /// Not connected to the broker right now.
    #[error("not connected to the broker ({0}); retry later")]
    Disconnected(String),
    /// The broker refused, returned or lost the message.
    #[error("the broker did not take the job: {0}")]
    Publish(PublishError),
    /// No confirm in time.
    #[error(
        "the broker did not confirm the job within {} s; it may or may not be queued: retry with the same job_id after checking its status_url",
        PUBLISH_TIMEOUT.as_secs()
    )]
    Timeout,
    /// The job could not be serialized (a bug: jobs are plain data).
    #[error("cannot serialize the job: {0}")]
    Serialize(serde_json::Error),
    /// The publishing task panicked or was cancelled by the runtime shutting down.
    #[error("publishing the job was interrupted: {0}")]
    Interrupted(String),
}

// By hand rather than `#[from]`, which would also make it the `source()`: the message
// already ends with its text, and a chain printer would say it twice.
impl From<PublishError> for EnqueueError {
    fn from(error: PublishError) -> Self {
        EnqueueError::Publish(error)
    }
}

impl From<serde_json::Error> for EnqueueError {
    fn from(error: serde_json::Error) -> Self {
        EnqueueError::Serialize(error)
    }
}

/// Why one broker session ended with an error (connecting is the supervisor's:
/// [`crate::sources::amqp::supervisor::AttemptError`]).
#[derive(Debug, Error)]
#[non_exhaustive]
pub enum SessionError {
    /// Opening channels, declaring or binding failed.
    #[error("cannot set up the results queue: {0}")]
    Setup(lapin::Error),
}

impl From<lapin::Error> for SessionError {
    fn from(error: lapin::Error) -> Self {
        SessionError::Setup(error)
    }
}

/// The job queue as the handlers see it: publish a job, look up a job's state.
#[derive(Debug)]
pub struct JobQueue {
    topology: Topology,
    tracker: Tracker,
    /// The current session's publisher; `None` while disconnected.
    publisher: RwLock<Option<Publisher>>,
    /// Why the last session failed, for the 503 message.
    last_error: Mutex<String>,
    metrics: Arc<Metrics>,
}

impl JobQueue {
    /// A queue that is not connected yet; [`JobQueue::spawn`] connects it.
    pub fn new(topology: Topology, max_tracked_jobs: usize, metrics: Arc<Metrics>) -> Self {
        metrics.broker_connected(false);
        JobQueue {
            topology,
            tracker: Tracker::new(max_tracked_jobs),
            publisher: RwLock::new(None),
            last_error: Mutex::new("not connected yet".to_owned()),
            metrics,
        }
    }

    /// The job states.
    pub fn tracker(&self) -> &Tracker {
        &self.tracker
    }

    /// True while jobs can be published and results are watched.
    pub fn is_connected(&self) -> bool {
        self.current_publisher().is_some()
    }

    fn current_publisher(&self) -> Option<Publisher> {
        self.publisher
            .read()
            .unwrap_or_else(|p| p.into_inner())
            .clone()
    }

    fn set_publisher(&self, publisher: Option<Publisher>) {
        self.metrics.broker_connected(publisher.is_some());
        *self.publisher.write().unwrap_or_else(|p| p.into_inner()) = publisher;
    }

    fn set_error(&self, error: String) {
        *self.last_error.lock().unwrap_or_else(|p| p.into_inner()) = error;
    }

    /// Publishes `job` and waits for the broker's confirm; `source` labels the metric.
    ///
    /// The work runs in a task of its own, not in the caller's future: a client that hangs up
    /// drops its handler, and a publish cut off between "tracked" and "confirmed" would leave
    /// the tracker saying `queued` for a job that may never have been sent (and a retry under
    /// the same id refused as a duplicate). As a task it always ends tracked and published, or
    /// forgotten.
    pub async fn enqueue(
        self: &Arc<Self>,
        job: &Job,
        source: &'static str,
    ) -> Result<(), EnqueueError> {
        let body = serde_json::to_vec(job)?;
        let queue = Arc::clone(self);
        let job_id = job.job_id.clone();
        tokio::spawn(async move { queue.track_and_publish(&job_id, &body, source).await })
            .await
            .unwrap_or_else(|e| Err(EnqueueError::Interrupted(e.to_string())))
    }

    async fn track_and_publish(
        &self,
        job_id: &str,
        body: &[u8],
        source: &'static str,
    ) -> Result<(), EnqueueError> {
        // Tracked before publishing: a fast worker's record may arrive before the confirm.
        self.tracker
            .insert_queued(job_id)
            .map_err(|AlreadyTracked| EnqueueError::Duplicate(job_id.to_owned()))?;
        let result = self.publish(job_id, body).await;
        match &result {
            Ok(()) => self.metrics.job_enqueued(source),
            Err(error) => {
                tracing::warn!(%job_id, %error, "job not enqueued");
                // On a timeout the broker may still take the job; forgetting it lets the
                // caller retry under the same id, and the worker's idempotency key
                // (`<sha256>:<pipeline>`) keeps a double from being archived twice.
                self.tracker.forget(job_id);
            }
        }
        result
    }

    async fn publish(&self, job_id: &str, body: &[u8]) -> Result<(), EnqueueError> {
        let Some(publisher) = self.current_publisher() else {
            let why = self
                .last_error
                .lock()
                .unwrap_or_else(|p| p.into_inner())
                .clone();
            return Err(EnqueueError::Disconnected(why));
        };
        let properties = BasicProperties::default()
            .with_content_type("application/json".into())
            .with_correlation_id(job_id.into())
            .with_message_id(job_id.into())
            .with_app_id("arkivar-serve".into());
        let publish = publisher.publish_mandatory("", &self.topology.jobs_queue, body, properties);
        tokio::time::timeout(PUBLISH_TIMEOUT, publish)
            .await
            .map_err(|_| EnqueueError::Timeout)??;
        Ok(())
    }

    /// Starts the supervisor: it connects to `url` and keeps reconnecting until `shutdown` is
    /// triggered; then it keeps the connection until the requests in flight (the work holding
    /// `shutdown`'s guards) are done or `grace` after the signal has passed, so that a job
    /// being published still gets its confirm, and closes it.
    pub fn spawn(
        self: &Arc<Self>,
        url: String,
        shutdown: &Shutdown,
        grace: Duration,
    ) -> JoinHandle<()> {
        let queue = Arc::clone(self);
        let shutdown = shutdown.clone();
        tokio::spawn(async move {
            supervisor::supervise(
                &url,
                "arkivar-serve",
                &shutdown,
                |why| queue.set_error(why.to_owned()),
                |connection| session(&queue, connection, &shutdown, grace),
            )
            .await;
        })
    }

    /// A message on the results queue: a record or a dead letter.
    fn on_delivery(&self, delivery: &Delivery) {
        let exchange = delivery.exchange.as_str();
        if exchange == self.topology.records_exchange {
            self.on_record(&delivery.data);
        } else if exchange == self.topology.dead_exchange {
            self.on_dead_letter(delivery);
        }
    }

    fn on_record(&self, body: &[u8]) {
        /// The parts of a record that say whose it is.
        #[derive(Deserialize)]
        struct Head {
            status: String,
            job: Option<HeadJob>,
        }
        #[derive(Deserialize)]
        struct HeadJob {
            job_id: String,
        }
        let Ok(raw) = serde_json::from_slice::<Box<RawValue>>(body) else {
            tracing::warn!("a message on the results exchange is not JSON; ignored");
            return;
        };
        let Ok(Head {
            status,
            job: Some(HeadJob { job_id }),
        }) = serde_json::from_str::<Head>(raw.get())
        else {
            // Records of jobs without an id (other publishers' tools) are none of ours.
            return;
        };
        if self.tracker.done(&job_id, &status, Arc::from(raw)) {
            self.metrics.job_result("done");
            tracing::info!(%job_id, %status, "record arrived");
        }
    }

    fn on_dead_letter(&self, delivery: &Delivery) {
        let headers = delivery.properties.headers().as_ref();
        // The worker names the job in a header; the broker's own dead letters (delivery limit)
        // carry only the job message, whose id is inside.
        let job_id = header_text(headers, JOB_ID_HEADER)
            .or_else(|| job::parse(&delivery.data).ok().map(|j| j.job_id));
        let Some(job_id) = job_id else { return };
        let code = header_text(headers, REASON_CODE_HEADER)
            .or_else(|| x_death_reason(headers))
            .unwrap_or_else(|| "dead_lettered".to_owned());
        let reason = header_text(headers, REASON_HEADER)
            .unwrap_or_else(|| format!("the broker dead-lettered the job ({code})"));
        if self.tracker.dead_lettered(&job_id, &code, &reason) {
            self.metrics.job_result("dead_lettered");
            tracing::info!(%job_id, %code, "job dead-lettered");
        }
    }
}

/// A string header's value.
fn header_text(headers: Option<&FieldTable>, key: &str) -> Option<String> {
    match headers?.inner().get(key)? {
        AMQPValue::LongString(s) => Some(s.to_string()),
        AMQPValue::ShortString(s) => Some(s.to_string()),
        _ => None,
    }
}

/// The reason of the newest `x-death` entry (`delivery_limit`, `rejected`, `expired`), which
/// RabbitMQ adds when it dead-letters a message itself.
fn x_death_reason(headers: Option<&FieldTable>) -> Option<String> {
    let AMQPValue::FieldArray(deaths) = headers?.inner().get("x-death")? else {
        return None;
    };
    let AMQPValue::FieldTable(newest) = deaths.as_slice().first()? else {
        return None;
    };
    header_text(Some(newest), "reason")
}

/// One connection's life. The publisher is offered to handlers only while it lasts.
async fn session(
    queue: &JobQueue,
    connection: Connection,
    shutdown: &Shutdown,
    grace: Duration,
) -> Result<SessionEnd<()>, SessionError> {
    let publisher = Publisher::open(&connection).await?;
    let channel = connection.create_channel().await?;
    let topology = &queue.topology;
    topology.declare_exchanges(&channel).await?;
    let results = format!("arkivar.serve.{}", uuid::Uuid::new_v4().simple());
    channel
        .queue_declare(
            results.as_str().into(),
            QueueDeclareOptions {
                exclusive: true,
                auto_delete: true,
                ..QueueDeclareOptions::default()
            },
            FieldTable::default(),
        )
        .await?;
    for (exchange, key) in [
        (&topology.records_exchange, "record.#"),
        (&topology.dead_exchange, ""),
    ] {
        channel
            .queue_bind(
                results.as_str().into(),
                exchange.as_str().into(),
                key.into(),
                QueueBindOptions::default(),
                FieldTable::default(),
            )
            .await?;
    }
    // No acks: the queue is this process's private view, and a result lost with it is
    // already a documented limit (the durable copy is the archive's).
    let mut consumer = channel
        .basic_consume(
            results.as_str().into(),
            results.as_str().into(),
            BasicConsumeOptions {
                no_ack: true,
                exclusive: true,
                ..BasicConsumeOptions::default()
            },
            FieldTable::default(),
        )
        .await?;
    queue.set_publisher(Some(publisher));
    tracing::info!(%results, "connected to the broker; watching results");

    let end = loop {
        tokio::select! {
            _ = async { shutdown.triggered().await; shutdown.wait_drained(grace).await } => {
                break SessionEnd::Stopped(());
            }
            next = consumer.next() => match next {
                Some(Ok(delivery)) => queue.on_delivery(&delivery),
                Some(Err(e)) => break SessionEnd::Lost(e.to_string()),
                None => break SessionEnd::Lost("the results consumer was cancelled".to_owned()),
            },
            () = supervisor::closed(&connection) => {
                break SessionEnd::Lost("the connection closed".to_owned());
            }
        }
    };
    queue.set_publisher(None);
    if matches!(end, SessionEnd::Stopped(())) {
        // Closing deletes the exclusive results queue at once.
        let _ = tokio::time::timeout(
            CLOSE_TIMEOUT,
            connection.close(200, "serve stopping".into()),
        )
        .await;
    }
    Ok(end)
}

#[cfg(test)]
mod tests {
    use super::*;
    use lapin::types::{FieldArray, LongString};

    #[test]
    fn x_death_reason_is_the_newest_entry() {
        let mut newest = FieldTable::default();
        newest.insert(
            "reason".into(),
            AMQPValue::LongString(LongString::from("delivery_limit")),
        );
        let mut older = FieldTable::default();
        older.insert(
            "reason".into(),
            AMQPValue::LongString(LongString::from("expired")),
        );
        let mut headers = FieldTable::default();
        headers.insert(
            "x-death".into(),
            AMQPValue::FieldArray(FieldArray::from(vec![
                AMQPValue::FieldTable(newest),
                AMQPValue::FieldTable(older),
            ])),
        );
        assert_eq!(
            x_death_reason(Some(&headers)).as_deref(),
            Some("delivery_limit")
        );
        assert_eq!(x_death_reason(None), None);
        assert_eq!(x_death_reason(Some(&FieldTable::default())), None);
    }
}
