//! Publisher side of `scripts/bench-worker.sh`: waits for the worker's topology, binds a queue
//! to the results exchange, publishes N path jobs of one document, and reports documents/s
//! from the first publish to the N-th record.
//!
//! Usage: `bench_worker_publish AMQP_URL PATH N WORKERS`

#[path = "../tests/broker/mod.rs"]
mod broker;
#[path = "../tests/common/mod.rs"]
mod common;

use std::time::{Duration, Instant};

use futures_util::StreamExt;
use lapin::options::{
    BasicAckOptions, BasicConsumeOptions, BasicPublishOptions, QueueBindOptions,
    QueueDeclareOptions,
};
use lapin::types::FieldTable;
use lapin::{BasicProperties, Connection, ConnectionProperties};

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let args: Vec<String> = std::env::args().collect();
    let [_, url, path, n, workers] = args.as_slice() else {
        anyhow::bail!("usage: bench_worker_publish AMQP_URL PATH N WORKERS");
    };
    let n: usize = n.parse()?;
    let conn = Connection::connect(url, ConnectionProperties::default()).await?;
    let ch = conn.create_channel().await?;
    // The worker declares the topology; wait until the job queue exists.
    anyhow::ensure!(
        broker::job_queue_declared(&conn, Duration::from_secs(30)).await,
        "no worker declared arkivar.jobs"
    );
    ch.queue_declare(
        "bench.records".into(),
        QueueDeclareOptions::default(),
        FieldTable::default(),
    )
    .await?;
    ch.queue_bind(
        "bench.records".into(),
        "arkivar.records".into(),
        "record.#".into(),
        QueueBindOptions::default(),
        FieldTable::default(),
    )
    .await?;
    let mut consumer = ch
        .basic_consume(
            "bench.records".into(),
            "bench".into(),
            BasicConsumeOptions::default(),
            FieldTable::default(),
        )
        .await?;
    let started = Instant::now();
    for i in 0..n {
        let body = serde_json::json!({
            "version": 1, "job_id": format!("bench-{i}"), "document": {"path": path},
            "pipeline": "generic"
        });
        ch.basic_publish(
            "".into(),
            "arkivar.jobs".into(),
            BasicPublishOptions::default(),
            body.to_string().as_bytes(),
            BasicProperties::default().with_delivery_mode(2),
        )
        .await?;
    }
    let mut seen = 0;
    while seen < n {
        let next = tokio::time::timeout(Duration::from_secs(60), consumer.next()).await?;
        let Some(delivery) = next else { break };
        delivery?.ack(BasicAckOptions::default()).await?;
        seen += 1;
    }
    let secs = started.elapsed().as_secs_f64();
    println!(
        "{workers} worker(s): {seen} documents in {secs:.2} s = {:.1} documents/s",
        seen as f64 / secs
    );
    Ok(())
}
