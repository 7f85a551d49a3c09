//! The results exchange: every record published with publisher confirms, so the job is acked
//! only after the broker has taken responsibility for its record (design.md "Nothing is lost").
//!
//! Records go to the topic exchange as `record.<status>` and, for RPC callers, to their
//! `reply_to` queue with their correlation id; a job without a record answers its caller
//! with a [`JobRejection`] instead. The message id is the idempotency key
//! (`<sha256>:<pipeline>`), so consumers can drop a record a redelivery published twice.

use lapin::options::BasicPublishOptions;
use lapin::types::ShortString;
use lapin::{BasicProperties, Channel, Confirmation, Connection};
use thiserror::Error;

use crate::job::JobRejection;
use crate::record::Record;

/// Why a message could not be handed to the broker.
/// A variant's `cause` ends its message, and is therefore not also its `source()`.
#[derive(Debug, Error)]
#[non_exhaustive]
pub enum PublishError {
    /// The channel or connection failed; the broker may or may not have the message.
    #[error("publishing to exchange {exchange:?} failed: {cause}")]
    Broker {
        /// The exchange.
        exchange: String,
        /// lapin's error.
        cause: lapin::Error,
    },
    /// The broker refused the message (a nack: e.g. a queue full under `reject-publish`).
    #[error("the broker refused the message for exchange {exchange:?} (routing key {key:?})")]
    Nacked {
        /// The exchange.
        exchange: String,
        /// The routing key.
        key: String,
    },
    /// The broker could route the message to no queue and returned it (a `mandatory`
    /// publish, e.g. when the job queue does not exist yet).
    #[error("no queue took the message for exchange {exchange:?} (routing key {key:?}): {reply}")]
    Unroutable {
        /// The exchange.
        exchange: String,
        /// The routing key.
        key: String,
        /// The broker's reply text (`NO_ROUTE`).
        reply: String,
    },
    /// The record could not be serialized (a bug: records are plain data).
    #[error("cannot serialize the record: {0}")]
    Serialize(serde_json::Error),
}

// By hand rather than `#[from]`, which would also make it the `source()`: the message
// already ends with its text, and a chain printer would say it twice.
impl From<serde_json::Error> for PublishError {
    fn from(error: serde_json::Error) -> Self {
        PublishError::Serialize(error)
    }
}

/// A confirm-mode channel shared by every task of one connection.
#[derive(Clone, Debug)]
pub struct Publisher {
    channel: Channel,
}

impl Publisher {
    /// Opens a channel in confirm mode on `connection`.
    pub async fn open(connection: &Connection) -> lapin::Result<Self> {
        let channel = connection.create_channel().await?;
        channel
            .confirm_select(lapin::options::ConfirmSelectOptions::default())
            .await?;
        Ok(Publisher { channel })
    }

    /// Publishes `body` persistently and waits for the broker's confirm.
    pub async fn publish(
        &self,
        exchange: &str,
        key: &str,
        body: &[u8],
        properties: BasicProperties,
    ) -> Result<(), PublishError> {
        self.publish_with(exchange, key, body, properties, false)
            .await
    }

    /// Like [`Publisher::publish`], but a message no queue takes is an error
    /// ([`PublishError::Unroutable`]) instead of being dropped by the broker: for messages that
    /// must reach a queue, such as jobs.
    pub async fn publish_mandatory(
        &self,
        exchange: &str,
        key: &str,
        body: &[u8],
        properties: BasicProperties,
    ) -> Result<(), PublishError> {
        self.publish_with(exchange, key, body, properties, true)
            .await
    }

    async fn publish_with(
        &self,
        exchange: &str,
        key: &str,
        body: &[u8],
        properties: BasicProperties,
        mandatory: bool,
    ) -> Result<(), PublishError> {
        let broker = |cause| PublishError::Broker {
            exchange: exchange.to_owned(),
            cause,
        };
        let confirm = self
            .channel
            .basic_publish(
                exchange.into(),
                key.into(),
                BasicPublishOptions {
                    mandatory,
                    ..BasicPublishOptions::default()
                },
                body,
                properties.with_delivery_mode(2),
            )
            .await
            .map_err(broker)?
            .await
            .map_err(broker)?;
        match confirm {
            // An unroutable mandatory message is returned *and* acked: the ack only says the
            // broker is done with it.
            Confirmation::Ack(Some(returned)) => Err(PublishError::Unroutable {
                exchange: exchange.to_owned(),
                key: key.to_owned(),
                reply: returned.reply_text.to_string(),
            }),
            Confirmation::Ack(None) => Ok(()),
            Confirmation::Nack(_) | Confirmation::NotRequested => Err(PublishError::Nacked {
                exchange: exchange.to_owned(),
                key: key.to_owned(),
            }),
        }
    }

    /// Publishes `record` to `exchange` as `record.<status>`, and to `reply_to` when given.
    pub async fn publish_record(
        &self,
        exchange: &str,
        record: &Record,
        message_id: &str,
        correlation_id: Option<&ShortString>,
        reply_to: Option<&ShortString>,
    ) -> Result<(), PublishError> {
        let body = serde_json::to_vec(record)?;
        let mut properties = BasicProperties::default()
            .with_content_type("application/json".into())
            .with_message_id(message_id.into())
            .with_type(format!("record.{}", record.status.as_str()).as_str().into());
        if let Some(id) = correlation_id {
            properties = properties.with_correlation_id(id.clone());
        }
        let key = format!("record.{}", record.status.as_str());
        self.publish(exchange, &key, &body, properties.clone())
            .await?;
        if let Some(queue) = reply_to {
            self.publish("", queue.as_str(), &body, properties).await?;
        }
        Ok(())
    }

    /// Answers an RPC caller whose job produced no record, on its `reply_to` queue.
    pub async fn publish_rejection(
        &self,
        rejection: &JobRejection,
        correlation_id: Option<&ShortString>,
        reply_to: &ShortString,
    ) -> Result<(), PublishError> {
        let body = serde_json::to_vec(rejection)?;
        let mut properties = BasicProperties::default()
            .with_content_type("application/json".into())
            .with_type("job.rejected".into());
        if let Some(id) = correlation_id {
            properties = properties.with_correlation_id(id.clone());
        }
        self.publish("", reply_to.as_str(), &body, properties).await
    }
}
