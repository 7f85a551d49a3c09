//! The RabbitMQ job queue: the topology, and what may be done with one delivery.
//!
//! A delivery travels with its job through the pipeline and the sinks (vector's `handle_ack`
//! habit): only when every sink has confirmed is it acked. Otherwise it is *moved* — to a retry
//! queue or to the dead-letter exchange — by publishing a copy with publisher confirms and
//! then acking the original, so the reason can ride along in headers (a plain reject cannot
//! add headers). When even that fails, the delivery is nacked back to the queue, where the
//! quorum queue's delivery limit bounds how often that can happen.

pub mod supervisor;
pub mod topology;

use lapin::message::Delivery;
use lapin::options::{BasicAckOptions, BasicNackOptions};
use lapin::types::{AMQPValue, FieldTable, LongString, ShortString};
use thiserror::Error;

use crate::sinks::amqp::{PublishError, Publisher};
pub use topology::Topology;

/// Header counting how often the worker has sent a job round the retry queues.
pub const ATTEMPT_HEADER: &str = "x-arkivar-attempt";
/// Header with the reason a job was dead-lettered or retried, for people.
pub const REASON_HEADER: &str = "x-arkivar-reason";
/// Header with the stable code of that reason (`malformed_job`, `retries_exhausted`, …).
pub const REASON_CODE_HEADER: &str = "x-arkivar-reason-code";
/// Header with the job id, when the message parsed far enough to have one.
pub const JOB_ID_HEADER: &str = "x-arkivar-job-id";

/// Why a delivery could not be settled.
#[derive(Debug, Error)]
#[non_exhaustive]
pub enum SettleError {
    /// Publishing the copy failed; the original was nacked back to the queue instead.
    #[error("cannot move the message: {0}")]
    Publish(PublishError),
    /// The ack or nack itself failed: the channel is gone, and the broker will redeliver.
    #[error("cannot acknowledge the message: {0}")]
    Ack(lapin::Error),
}

// By hand rather than `#[from]`, which would also make it the `source()`: the message
// already ends with its text, and a chain printer would say it twice.
impl From<PublishError> for SettleError {
    fn from(error: PublishError) -> Self {
        SettleError::Publish(error)
    }
}

impl From<lapin::Error> for SettleError {
    fn from(error: lapin::Error) -> Self {
        SettleError::Ack(error)
    }
}

/// One job message as delivered.
pub struct Incoming {
    delivery: Delivery,
}

impl Incoming {
    /// Wraps a delivery.
    pub fn new(delivery: Delivery) -> Self {
        Incoming { delivery }
    }

    /// The message body.
    pub fn body(&self) -> &[u8] {
        &self.delivery.data
    }

    /// How many times the worker has retried this job already (0 on first delivery).
    pub fn attempt(&self) -> u32 {
        let value = self
            .delivery
            .properties
            .headers()
            .as_ref()
            .and_then(|h| h.inner().get(ATTEMPT_HEADER).cloned());
        match value {
            Some(AMQPValue::LongLongInt(n)) => u32::try_from(n).unwrap_or(u32::MAX),
            Some(AMQPValue::LongInt(n)) => u32::try_from(n).unwrap_or(u32::MAX),
            Some(AMQPValue::LongUInt(n)) => n,
            Some(AMQPValue::ShortInt(n)) => u32::try_from(n).unwrap_or(u32::MAX),
            Some(AMQPValue::ShortShortUInt(n)) => u32::from(n),
            _ => 0,
        }
    }

    /// The caller's correlation id.
    pub fn correlation_id(&self) -> Option<&ShortString> {
        self.delivery.properties.correlation_id().as_ref()
    }

    /// The queue an RPC caller waits on.
    pub fn reply_to(&self) -> Option<&ShortString> {
        self.delivery.properties.reply_to().as_ref()
    }

    /// Whether the broker has delivered this message before.
    pub fn redelivered(&self) -> bool {
        self.delivery.redelivered
    }

    /// Acknowledges: every sink has the record.
    pub async fn ack(self) -> Result<(), SettleError> {
        self.delivery.ack(BasicAckOptions::default()).await?;
        Ok(())
    }

    /// Puts the message back on the queue (counts toward the delivery limit).
    pub async fn requeue(self) -> Result<(), SettleError> {
        self.delivery
            .nack(BasicNackOptions {
                requeue: true,
                ..BasicNackOptions::default()
            })
            .await?;
        Ok(())
    }

    /// Sends the job round retry step `step` (its TTL is the delay), then acks the original.
    pub async fn retry(
        self,
        publisher: &Publisher,
        topology: &Topology,
        step: usize,
        reason: &str,
    ) -> Result<(), SettleError> {
        let mut headers = self.headers();
        headers.insert(
            ATTEMPT_HEADER.into(),
            AMQPValue::LongLongInt(i64::try_from(step + 1).unwrap_or(i64::MAX)),
        );
        headers.insert(REASON_HEADER.into(), long_string(reason));
        let queue = topology.retry_queue(step);
        self.move_to(publisher, &topology.retry_exchange, &queue, headers)
            .await
    }

    /// Sends the job to the dead-letter exchange with the reason in its headers, then acks
    /// the original.
    pub async fn dead_letter(
        self,
        publisher: &Publisher,
        topology: &Topology,
        code: &str,
        reason: &str,
        job_id: Option<&str>,
    ) -> Result<(), SettleError> {
        let mut headers = self.headers();
        headers.insert(REASON_CODE_HEADER.into(), long_string(code));
        headers.insert(REASON_HEADER.into(), long_string(reason));
        if let Some(id) = job_id {
            headers.insert(JOB_ID_HEADER.into(), long_string(id));
        }
        let key = topology.jobs_queue.clone();
        self.move_to(publisher, &topology.dead_exchange, &key, headers)
            .await
    }

    fn headers(&self) -> FieldTable {
        self.delivery
            .properties
            .headers()
            .clone()
            .unwrap_or_default()
    }

    async fn move_to(
        self,
        publisher: &Publisher,
        exchange: &str,
        key: &str,
        headers: FieldTable,
    ) -> Result<(), SettleError> {
        let properties = self.delivery.properties.clone().with_headers(headers);
        match publisher
            .publish(exchange, key, &self.delivery.data, properties)
            .await
        {
            Ok(()) => self.ack().await,
            Err(error) => {
                // The copy may not exist: keep the original. If the channel is gone this nack
                // fails too, and the broker redelivers the message after reconnect.
                let _ = self.requeue().await;
                Err(error.into())
            }
        }
    }
}

fn long_string(s: &str) -> AMQPValue {
    AMQPValue::LongString(LongString::from(s))
}
