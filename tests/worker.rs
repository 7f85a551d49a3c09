//! The queue worker against the real broker at 127.0.0.1:5672 and a real archive server:
//! each test gets a vhost of its own (`broker::Vhost`, deleted afterwards), spawns the
//! `arkivar worker` binary, publishes jobs and waits, always with a deadline, for what the
//! archive and the queues show.
//!
//! Without a broker these tests print why they skip; with `CI=true` they fail instead.

mod archive_server;
mod broker;
mod common;

use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use archive_server::{Archive, Behaviour};
use broker::Vhost;
use lapin::options::{BasicGetOptions, BasicPublishOptions, QueueBindOptions, QueueDeclareOptions};
use lapin::types::{AMQPValue, FieldTable};
use lapin::{BasicProperties, Channel, Connection, ConnectionProperties};

/// A running `arkivar worker`; killed on drop if still running.
struct Worker {
    child: Child,
}

impl Worker {
    fn spawn(vhost: &Vhost, root: &Path, archive: Option<&Archive>, extra: &[&str]) -> Worker {
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_arkivar"));
        cmd.args([
            "worker",
            "--amqp",
            &vhost.url(),
            "--metrics-addr",
            "127.0.0.1:0",
        ])
        .arg("--document-root")
        .arg(root)
        .args([
            "--prefetch",
            "8",
            "--concurrency",
            "2",
            "--shutdown-timeout",
            "20",
        ])
        .args([
            "--pipeline",
            "generic",
            "--log-format",
            "json",
            "--verbose=arkivar=info",
        ])
        .env("ARKIVAR_ARCHIVE_TOKEN", "test-token")
        .stdout(Stdio::null())
        .stderr(if std::env::var("ARKIVAR_TEST_LOG").is_ok() {
            Stdio::inherit()
        } else {
            Stdio::null()
        });
        if let Some(a) = archive {
            cmd.args(["--archive-url", &a.url()]);
        }
        cmd.args(extra);
        Worker {
            child: cmd.spawn().expect("spawn the arkivar binary"),
        }
    }

    fn terminate(&self) {
        let _ = Command::new("kill")
            .args(["-TERM", &self.child.id().to_string()])
            .status();
    }

    async fn wait_exit(&mut self, limit: Duration) -> Option<std::process::ExitStatus> {
        let deadline = Instant::now() + limit;
        while Instant::now() < deadline {
            if let Ok(Some(status)) = self.child.try_wait() {
                return Some(status);
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        None
    }
}

impl Drop for Worker {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// The test's own broker client.
struct Client {
    _conn: Connection,
    ch: Channel,
}

impl Client {
    async fn connect(vhost: &Vhost) -> Client {
        let conn = tokio::time::timeout(
            Duration::from_secs(10),
            Connection::connect(&vhost.url(), ConnectionProperties::default()),
        )
        .await
        .expect("connect in time")
        .expect("connect");
        let ch = conn.create_channel().await.unwrap();
        ch.confirm_select(Default::default()).await.unwrap();
        Client { _conn: conn, ch }
    }

    async fn queue(&self, name: &str, bind_records: bool) {
        self.ch
            .queue_declare(
                name.into(),
                QueueDeclareOptions::default(),
                FieldTable::default(),
            )
            .await
            .unwrap();
        if bind_records {
            self.ch
                .queue_bind(
                    name.into(),
                    "arkivar.records".into(),
                    "record.#".into(),
                    QueueBindOptions::default(),
                    FieldTable::default(),
                )
                .await
                .unwrap();
        }
    }

    async fn publish(&self, body: &[u8], props: BasicProperties) {
        let confirm = self
            .ch
            .basic_publish(
                "".into(),
                "arkivar.jobs".into(),
                BasicPublishOptions::default(),
                body,
                props.with_delivery_mode(2),
            )
            .await
            .unwrap()
            .await
            .unwrap();
        assert!(confirm.is_ack());
    }

    async fn get(&self, queue: &str) -> Option<lapin::message::BasicGetMessage> {
        self.ch
            .basic_get(queue.into(), BasicGetOptions { no_ack: true })
            .await
            .unwrap()
    }

    /// Every message on `queue` within `limit` until `count` arrived.
    async fn drain(
        &self,
        queue: &str,
        count: usize,
        limit: Duration,
    ) -> Vec<lapin::message::Delivery> {
        let deadline = Instant::now() + limit;
        let mut out = Vec::new();
        while out.len() < count && Instant::now() < deadline {
            match self.get(queue).await {
                Some(m) => out.push(m.delivery),
                None => tokio::time::sleep(Duration::from_millis(50)).await,
            }
        }
        out
    }
}

/// Waits for the worker to have declared the topology (the job queue exists).
async fn wait_for_topology(client: &Client) {
    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        let probe = client._conn.create_channel().await.unwrap();
        let found = probe
            .queue_declare(
                "arkivar.jobs".into(),
                QueueDeclareOptions {
                    passive: true,
                    ..Default::default()
                },
                FieldTable::default(),
            )
            .await
            .is_ok();
        if found {
            return;
        }
        assert!(
            Instant::now() < deadline,
            "the worker did not declare its topology"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

async fn wait_until(limit: Duration, what: &str, mut done: impl FnMut() -> bool) {
    let deadline = Instant::now() + limit;
    while !done() {
        assert!(Instant::now() < deadline, "timed out waiting for {what}");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

/// A distinct small PDF: the fixture with a comment after `%%EOF`, which readers ignore but
/// which changes the SHA-256.
fn document(n: usize) -> Vec<u8> {
    let mut bytes = common::swedish_winansi();
    bytes.extend_from_slice(format!("\n% copy {n}\n").as_bytes());
    bytes
}

fn write_docs(root: &Path, n: usize) -> Vec<String> {
    (0..n)
        .map(|i| {
            let name = format!("doc-{i}.pdf");
            std::fs::write(root.join(&name), document(i)).unwrap();
            name
        })
        .collect()
}

fn job(id: &str, path: &str) -> Vec<u8> {
    serde_json::json!({
        "version": 1, "job_id": id, "document": {"path": path},
        "pipeline": "generic", "metadata": {"diarienummer": format!("KS {id}")}
    })
    .to_string()
    .into_bytes()
}

fn header(d: &lapin::message::Delivery, key: &str) -> Option<String> {
    match d.properties.headers().as_ref()?.inner().get(key)? {
        AMQPValue::LongString(s) => Some(s.to_string()),
        other => Some(format!("{other:?}")),
    }
}

macro_rules! setup {
    () => {{
        let Some(vhost) = Vhost::create() else { return };
        let root = tempfile::tempdir().unwrap();
        (vhost, root)
    }};
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn happy_path_archives_publishes_and_replies() {
    let (vhost, root) = setup!();
    let archive = Archive::start(Behaviour::default()).await;
    let _worker = Worker::spawn(&vhost, root.path(), Some(&archive), &[]);
    let client = Client::connect(&vhost).await;
    wait_for_topology(&client).await;
    client.queue("replies", false).await;
    client.queue("records", true).await;
    let docs = write_docs(root.path(), 3);
    for (i, d) in docs.iter().enumerate() {
        let props = BasicProperties::default()
            .with_reply_to("replies".into())
            .with_correlation_id(format!("corr-{i}").as_str().into());
        client.publish(&job(&format!("job-{i}"), d), props).await;
    }
    wait_until(Duration::from_secs(20), "3 archived records", || {
        archive.stored() == 3
    })
    .await;
    let replies = client.drain("replies", 3, Duration::from_secs(10)).await;
    assert_eq!(replies.len(), 3);
    let mut corr: Vec<String> = replies
        .iter()
        .map(|r| r.properties.correlation_id().as_ref().unwrap().to_string())
        .collect();
    corr.sort();
    assert_eq!(corr, ["corr-0", "corr-1", "corr-2"]);
    let record: serde_json::Value = serde_json::from_slice(&replies[0].data).unwrap();
    assert_eq!(record["status"], "unsigned");
    assert!(
        record["job"]["metadata"]["diarienummer"]
            .as_str()
            .unwrap()
            .starts_with("KS job-")
    );
    assert!(
        record["job"]["archive_id"]
            .as_str()
            .unwrap()
            .starts_with("arch-")
    );
    let published = client.drain("records", 3, Duration::from_secs(10)).await;
    assert_eq!(published.len(), 3);
    assert_eq!(published[0].routing_key.as_str(), "record.unsigned");
    let key = published[0]
        .properties
        .message_id()
        .as_ref()
        .unwrap()
        .to_string();
    assert!(key.ends_with(":generic"), "{key}");
    assert!(archive.inner.lock().unwrap().stored.contains_key(&key));
    assert!(
        archive
            .inner
            .lock()
            .unwrap()
            .auth
            .iter()
            .all(|a| a == "Bearer test-token")
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn poison_messages_are_dead_lettered_with_their_reason() {
    let (vhost, root) = setup!();
    let archive = Archive::start(Behaviour::default()).await;
    let _worker = Worker::spawn(&vhost, root.path(), Some(&archive), &[]);
    let client = Client::connect(&vhost).await;
    wait_for_topology(&client).await;
    client
        .publish(b"this is not json", BasicProperties::default())
        .await;
    client
        .publish(
            br#"{"version":1,"job_id":"p","document":{"path":"x.pdf"},"pipeline":"nope"}"#,
            BasicProperties::default(),
        )
        .await;
    client
        .publish(&job("missing", "missing.pdf"), BasicProperties::default())
        .await;
    client
        .publish(&job("escape", "../etc/passwd"), BasicProperties::default())
        .await;
    std::fs::write(root.path().join("broken.pdf"), common::not_a_pdf()).unwrap();
    client.queue("records", true).await;
    client
        .publish(&job("broken", "broken.pdf"), BasicProperties::default())
        .await;
    let dead = client
        .drain("arkivar.dead", 5, Duration::from_secs(20))
        .await;
    let mut codes: Vec<String> = dead
        .iter()
        .map(|d| header(d, "x-arkivar-reason-code").unwrap())
        .collect();
    codes.sort();
    assert_eq!(
        codes,
        [
            "document_error",
            "document_unavailable",
            "malformed_job",
            "malformed_job",
            "unknown_pipeline"
        ]
    );
    for d in &dead {
        assert!(!header(d, "x-arkivar-reason").unwrap().is_empty());
    }
    // The unreadable document still got an error record on the results exchange.
    let records = client.drain("records", 1, Duration::from_secs(5)).await;
    assert_eq!(records[0].routing_key.as_str(), "record.error");
    assert_eq!(archive.stored(), 0);
    // Nothing is left on the job queue to come back.
    assert!(client.get("arkivar.jobs").await.is_none());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn archive_failure_is_retried_then_succeeds() {
    let (vhost, root) = setup!();
    let archive = Archive::start(Behaviour {
        fail_first: 1,
        ..Default::default()
    })
    .await;
    let _worker = Worker::spawn(
        &vhost,
        root.path(),
        Some(&archive),
        &["--archive-attempts", "1", "--retry-delays-ms", "200,400"],
    );
    let client = Client::connect(&vhost).await;
    wait_for_topology(&client).await;
    let docs = write_docs(root.path(), 1);
    client
        .publish(&job("r", &docs[0]), BasicProperties::default())
        .await;
    wait_until(Duration::from_secs(20), "the record after a retry", || {
        archive.stored() == 1
    })
    .await;
    assert_eq!(archive.requests(), 2);
    assert!(client.get("arkivar.dead").await.is_none());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn retries_exhausted_goes_to_the_dead_letter_queue() {
    let (vhost, root) = setup!();
    let archive = Archive::start(Behaviour {
        fail_always: true,
        ..Default::default()
    })
    .await;
    let _worker = Worker::spawn(
        &vhost,
        root.path(),
        Some(&archive),
        &[
            "--archive-attempts",
            "2",
            "--archive-backoff-ms",
            "10",
            "--retry-delays-ms",
            "100,200",
        ],
    );
    let client = Client::connect(&vhost).await;
    wait_for_topology(&client).await;
    let docs = write_docs(root.path(), 1);
    client
        .publish(&job("x", &docs[0]), BasicProperties::default())
        .await;
    let dead = client
        .drain("arkivar.dead", 1, Duration::from_secs(20))
        .await;
    assert_eq!(dead.len(), 1, "dead-lettered after the retries");
    assert_eq!(
        header(&dead[0], "x-arkivar-reason-code").unwrap(),
        "retries_exhausted"
    );
    assert!(
        header(&dead[0], "x-arkivar-reason")
            .unwrap()
            .contains("HTTP 500")
    );
    assert_eq!(header(&dead[0], "x-arkivar-job-id").unwrap(), "x");
    // 3 rounds (first + 2 retries) of 2 requests each.
    assert_eq!(archive.requests(), 6);
    assert_eq!(archive.stored(), 0);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn archive_down_for_a_while_loses_nothing() {
    let (vhost, root) = setup!();
    let archive = Archive::start(Behaviour {
        down_until: Some(Instant::now() + Duration::from_secs(3)),
        ..Default::default()
    })
    .await;
    let _worker = Worker::spawn(
        &vhost,
        root.path(),
        Some(&archive),
        &["--archive-attempts", "30", "--archive-backoff-ms", "100"],
    );
    let client = Client::connect(&vhost).await;
    wait_for_topology(&client).await;
    let docs = write_docs(root.path(), 6);
    for (i, d) in docs.iter().enumerate() {
        client
            .publish(&job(&format!("d{i}"), d), BasicProperties::default())
            .await;
    }
    tokio::time::sleep(Duration::from_secs(2)).await;
    assert_eq!(archive.stored(), 0, "the archive is down");
    wait_until(
        Duration::from_secs(30),
        "all 6 records once the archive is back",
        || archive.stored() == 6,
    )
    .await;
    assert!(client.get("arkivar.dead").await.is_none());
    assert!(client.get("arkivar.jobs").await.is_none());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn broker_connection_cut_loses_nothing_and_stores_nothing_twice() {
    let (vhost, root) = setup!();
    let archive = Archive::start(Behaviour {
        stall: Duration::from_millis(150),
        ..Default::default()
    })
    .await;
    let _worker = Worker::spawn(&vhost, root.path(), Some(&archive), &[]);
    let client = Client::connect(&vhost).await;
    wait_for_topology(&client).await;
    let n = 20;
    let docs = write_docs(root.path(), n);
    for (i, d) in docs.iter().enumerate() {
        client
            .publish(&job(&format!("c{i}"), d), BasicProperties::default())
            .await;
    }
    wait_until(Duration::from_secs(20), "some records", || {
        archive.stored() >= 3
    })
    .await;
    vhost.cut_connections();
    // Our own client was cut too: reconnect to look at the queues afterwards.
    wait_until(
        Duration::from_secs(60),
        "every record after the cut",
        || archive.stored() == n,
    )
    .await;
    let client = Client::connect(&vhost).await;
    tokio::time::sleep(Duration::from_millis(500)).await;
    assert!(
        client.get("arkivar.dead").await.is_none(),
        "nothing dead-lettered"
    );
    let inner = archive.inner.lock().unwrap();
    assert_eq!(inner.stored.len(), n, "each document stored exactly once");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sigterm_finishes_work_in_flight_and_exits_zero() {
    let (vhost, root) = setup!();
    let archive = Archive::start(Behaviour {
        stall: Duration::from_millis(1500),
        ..Default::default()
    })
    .await;
    let mut worker = Worker::spawn(&vhost, root.path(), Some(&archive), &[]);
    let client = Client::connect(&vhost).await;
    wait_for_topology(&client).await;
    let docs = write_docs(root.path(), 2);
    for (i, d) in docs.iter().enumerate() {
        client
            .publish(&job(&format!("t{i}"), d), BasicProperties::default())
            .await;
    }
    wait_until(Duration::from_secs(20), "a request in flight", || {
        archive.requests() >= 1
    })
    .await;
    worker.terminate();
    let status = worker
        .wait_exit(Duration::from_secs(30))
        .await
        .expect("exits in time");
    assert!(status.success(), "{status:?}");
    // The in-flight work finished before exit; anything not started is back on the queue.
    let stored = archive.stored();
    assert!(stored >= 1, "work in flight was finished");
    if stored < 2 {
        let _again = Worker::spawn(&vhost, root.path(), Some(&archive), &[]);
        wait_until(Duration::from_secs(20), "the redelivered job", || {
            archive.stored() == 2
        })
        .await;
    }
    assert!(client.get("arkivar.dead").await.is_none());
}
