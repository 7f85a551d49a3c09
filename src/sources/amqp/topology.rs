//! The broker topology the worker needs, in one place: declared by the worker at start and
//! written out as RabbitMQ definitions (`deploy/rabbitmq/definitions.json`) from the same data,
//! so the two cannot drift (RabbitMQ refuses a re-declaration whose arguments differ with
//! PRECONDITION_FAILED; `shared/spec/facts.md`).
//!
//! ```text
//!  publishers ─► arkivar.jobs (quorum, x-delivery-limit, DLX arkivar.dead, at-least-once)
//!                  │  worker: retry ─► arkivar.retry ─► arkivar.jobs.retry.N (TTL) ─┐
//!                  │                                                                 └─► "" ─► arkivar.jobs
//!                  │  worker or delivery limit: dead ─► arkivar.dead (fanout) ─► arkivar.dead (queue)
//!                  └─ worker: records ─► arkivar.records (topic, record.<status>)
//! ```

use lapin::options::{ExchangeDeclareOptions, QueueBindOptions, QueueDeclareOptions};
use lapin::types::{AMQPValue, FieldTable, LongString};
use lapin::{Channel, ExchangeKind};
use serde_json::{Value, json};

/// Names and arguments of everything the worker declares.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Topology {
    /// The durable quorum queue jobs arrive on.
    pub jobs_queue: String,
    /// Fanout exchange for dead letters (the job queue's dead-letter exchange too).
    pub dead_exchange: String,
    /// Where dead letters rest for people to look at.
    pub dead_queue: String,
    /// Direct exchange routing a retried job to the queue of its back-off step.
    pub retry_exchange: String,
    /// Delay of each retry step, in milliseconds; its length is the number of retries.
    pub retry_delays_ms: Vec<u32>,
    /// Topic exchange every record is published to as `record.<status>`.
    pub records_exchange: String,
    /// Deliveries of one message before the broker dead-letters it (RabbitMQ 3.10 has no
    /// default: without it a message that crashes the worker comes back forever).
    pub delivery_limit: u32,
}

impl Default for Topology {
    fn default() -> Self {
        Topology {
            jobs_queue: "arkivar.jobs".to_owned(),
            dead_exchange: "arkivar.dead".to_owned(),
            dead_queue: "arkivar.dead".to_owned(),
            retry_exchange: "arkivar.retry".to_owned(),
            retry_delays_ms: vec![1_000, 10_000, 60_000],
            records_exchange: "arkivar.records".to_owned(),
            delivery_limit: 5,
        }
    }
}

/// A queue or exchange argument; both a `FieldTable` and definitions JSON are made from it.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Arg {
    Str(String),
    Int(i64),
}

type Args = Vec<(&'static str, Arg)>;

fn field_table(args: &Args) -> FieldTable {
    let mut table = FieldTable::default();
    for (key, value) in args {
        let value = match value {
            Arg::Str(s) => AMQPValue::LongString(LongString::from(s.as_str())),
            // JSON definitions import numbers as signed 64-bit (`long`): declare the same type.
            Arg::Int(i) => AMQPValue::LongLongInt(*i),
        };
        table.insert((*key).into(), value);
    }
    table
}

fn json_args(args: &Args) -> Value {
    let map = args
        .iter()
        .map(|(k, v)| {
            let v = match v {
                Arg::Str(s) => json!(s),
                Arg::Int(i) => json!(i),
            };
            ((*k).to_owned(), v)
        })
        .collect::<serde_json::Map<_, _>>();
    Value::Object(map)
}

impl Topology {
    /// The retry queue of step `step` (0-based).
    pub fn retry_queue(&self, step: usize) -> String {
        format!("{}.retry.{}", self.jobs_queue, step + 1)
    }

    fn jobs_args(&self) -> Args {
        vec![
            ("x-queue-type", Arg::Str("quorum".into())),
            ("x-delivery-limit", Arg::Int(i64::from(self.delivery_limit))),
            (
                "x-dead-letter-exchange",
                Arg::Str(self.dead_exchange.clone()),
            ),
            // All three (strategy, overflow, exchange) or RabbitMQ silently dead-letters
            // at-most-once (facts.md).
            ("x-dead-letter-strategy", Arg::Str("at-least-once".into())),
            ("x-overflow", Arg::Str("reject-publish".into())),
        ]
    }

    fn dead_args(&self) -> Args {
        vec![("x-queue-type", Arg::Str("quorum".into()))]
    }

    fn retry_args(&self, delay_ms: u32) -> Args {
        vec![
            ("x-message-ttl", Arg::Int(i64::from(delay_ms))),
            // Expired messages go back to the job queue through the default exchange.
            ("x-dead-letter-exchange", Arg::Str(String::new())),
            (
                "x-dead-letter-routing-key",
                Arg::Str(self.jobs_queue.clone()),
            ),
        ]
    }

    /// (queue, arguments) for every queue.
    fn queues(&self) -> Vec<(String, Args)> {
        let mut queues = vec![
            (self.jobs_queue.clone(), self.jobs_args()),
            (self.dead_queue.clone(), self.dead_args()),
        ];
        for (step, delay) in self.retry_delays_ms.iter().enumerate() {
            queues.push((self.retry_queue(step), self.retry_args(*delay)));
        }
        queues
    }

    /// (exchange, kind) for every exchange.
    fn exchanges(&self) -> Vec<(String, &'static str)> {
        vec![
            (self.dead_exchange.clone(), "fanout"),
            (self.retry_exchange.clone(), "direct"),
            (self.records_exchange.clone(), "topic"),
        ]
    }

    /// (exchange, queue, routing key) for every binding.
    fn bindings(&self) -> Vec<(String, String, String)> {
        let mut bindings = vec![(
            self.dead_exchange.clone(),
            self.dead_queue.clone(),
            String::new(),
        )];
        for step in 0..self.retry_delays_ms.len() {
            let q = self.retry_queue(step);
            bindings.push((self.retry_exchange.clone(), q.clone(), q));
        }
        bindings
    }

    /// Declares everything; idempotent when the broker already has the same topology.
    pub async fn declare(&self, channel: &Channel) -> lapin::Result<()> {
        self.declare_exchanges(channel).await?;
        for (name, args) in self.queues() {
            channel
                .queue_declare(
                    name.as_str().into(),
                    QueueDeclareOptions {
                        durable: true,
                        ..QueueDeclareOptions::default()
                    },
                    field_table(&args),
                )
                .await?;
        }
        for (exchange, queue, key) in self.bindings() {
            channel
                .queue_bind(
                    queue.as_str().into(),
                    exchange.as_str().into(),
                    key.as_str().into(),
                    QueueBindOptions::default(),
                    FieldTable::default(),
                )
                .await?;
        }
        Ok(())
    }

    /// Declares only the exchanges. They have no arguments that a worker's flags change, so
    /// a process that only publishes jobs and watches results (`arkivar serve`) can declare
    /// them without risking PRECONDITION_FAILED against a worker's queue arguments.
    pub async fn declare_exchanges(&self, channel: &Channel) -> lapin::Result<()> {
        for (name, kind) in self.exchanges() {
            let kind = match kind {
                "fanout" => ExchangeKind::Fanout,
                "direct" => ExchangeKind::Direct,
                _ => ExchangeKind::Topic,
            };
            channel
                .exchange_declare(
                    name.as_str().into(),
                    kind,
                    ExchangeDeclareOptions {
                        durable: true,
                        ..ExchangeDeclareOptions::default()
                    },
                    FieldTable::default(),
                )
                .await?;
        }
        Ok(())
    }

    /// The topology as RabbitMQ definitions for `vhost` (`rabbitmqctl import_definitions`).
    pub fn definitions(&self, vhost: &str) -> Value {
        let queues: Vec<Value> = self
            .queues()
            .into_iter()
            .map(|(name, args)| {
                json!({"name": name, "vhost": vhost, "durable": true, "auto_delete": false,
                       "arguments": json_args(&args)})
            })
            .collect();
        let exchanges: Vec<Value> = self
            .exchanges()
            .into_iter()
            .map(|(name, kind)| {
                json!({"name": name, "vhost": vhost, "type": kind, "durable": true,
                       "auto_delete": false, "internal": false, "arguments": {}})
            })
            .collect();
        let bindings: Vec<Value> = self
            .bindings()
            .into_iter()
            .map(|(source, destination, key)| {
                json!({"source": source, "vhost": vhost, "destination": destination,
                       "destination_type": "queue", "routing_key": key, "arguments": {}})
            })
            .collect();
        json!({
            "vhosts": [{"name": vhost}],
            "queues": queues,
            "exchanges": exchanges,
            "bindings": bindings,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn deploy_definitions_match_what_the_worker_declares() {
        const PATH: &str = concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/deploy/rabbitmq/definitions.json"
        );
        let committed: Value = serde_json::from_str(
            &std::fs::read_to_string(PATH).expect("deploy/rabbitmq/definitions.json"),
        )
        .expect("JSON");
        assert_eq!(
            committed,
            Topology::default().definitions("/"),
            "deploy/rabbitmq/definitions.json differs from the worker's topology: run \
             `cargo run -- worker --print-definitions > deploy/rabbitmq/definitions.json`"
        );
    }

    #[test]
    fn job_queue_dead_letters_at_least_once_with_a_delivery_limit() {
        let t = Topology::default();
        let args = json_args(&t.jobs_args());
        assert_eq!(args["x-queue-type"], "quorum");
        assert_eq!(args["x-delivery-limit"], 5);
        assert_eq!(args["x-dead-letter-strategy"], "at-least-once");
        assert_eq!(args["x-overflow"], "reject-publish");
        assert_eq!(args["x-dead-letter-exchange"], "arkivar.dead");
        let retry = json_args(&t.retry_args(1000));
        assert_eq!(retry["x-dead-letter-routing-key"], "arkivar.jobs");
        assert_eq!(t.retry_queue(0), "arkivar.jobs.retry.1");
    }
}
