//! The queue worker against the real broker at 127.0.0.1:5672 and a real archive server:
//! each test gets a vhost of its own (`broker::Vhost`, deleted afterwards), spawns the
//! `arkivar worker` binary, publishes jobs and waits, always with a deadline, for what the
//! archive and the queues show.
//!
//! Without a broker these tests print why they skip; with `CI=true` they fail instead.

mod archive_server;
mod broker;
mod common;

use std::net::SocketAddr;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use archive_server::{Archive, Behaviour};
use broker::{Vhost, rabbitmqctl};
use lapin::options::{BasicGetOptions, BasicPublishOptions, QueueBindOptions, QueueDeclareOptions};
use lapin::types::{AMQPValue, FieldTable};
use lapin::{BasicProperties, Channel, Connection, ConnectionProperties};

/// A running `arkivar worker`; killed on drop if still running.
struct Worker {
    child: Child,
    /// Where it serves `/healthz`, `/readyz` and `/metrics`.
    metrics: SocketAddr,
}

/// A port nothing listens on right now (bound, then released for the worker to take).
fn free_port() -> SocketAddr {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
}

impl Worker {
    fn spawn(vhost: &Vhost, root: &Path, archive: Option<&Archive>, extra: &[&str]) -> Worker {
        let metrics = free_port();
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_arkivar"));
        cmd.args([
            "worker",
            "--amqp",
            &vhost.url(),
            "--metrics-addr",
            &metrics.to_string(),
        ])
        .arg("--document-root")
        .arg(root)
        .args(["--prefetch", "8", "--concurrency", "2"])
        // A test that sets its own deadline passes it in `extra`; clap refuses a flag twice.
        .args(
            (!extra.contains(&"--shutdown-timeout"))
                .then_some(["--shutdown-timeout", "20"])
                .into_iter()
                .flatten(),
        )
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
            metrics,
        }
    }

    /// GET `path` on the worker's metrics port: the status and body, or `None` while nothing
    /// answers there.
    async fn get(&self, path: &str) -> Option<(u16, String)> {
        let response = reqwest::get(format!("http://{}{path}", self.metrics))
            .await
            .ok()?;
        let status = response.status().as_u16();
        Some((status, response.text().await.ok()?))
    }

    /// Waits until `path` answers `status`.
    async fn wait_for(&self, path: &str, status: u16, limit: Duration) -> String {
        let deadline = Instant::now() + limit;
        loop {
            match self.get(path).await {
                Some((s, body)) if s == status => return body,
                other => assert!(
                    Instant::now() < deadline,
                    "{path} did not answer {status} in time; last: {other:?}"
                ),
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }

    /// The value of one line of `/metrics` (`name{labels} value`), 0 when it is absent.
    async fn metric(&self, series: &str) -> f64 {
        let (_, body) = self.get("/metrics").await.expect("/metrics answers");
        metric_value(&body, series)
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

    /// Publishes a job and waits for the broker's confirm. A nack means the broker did not
    /// take the message, and a publisher's answer to that is to send it again: seen once
    /// here when a test published into a quorum queue created a moment before on a loaded
    /// machine (RabbitMQ 3.10, `x-overflow: reject-publish`).
    async fn publish(&self, body: &[u8], props: BasicProperties) {
        for _ in 0..20 {
            let confirm = self
                .ch
                .basic_publish(
                    "".into(),
                    "arkivar.jobs".into(),
                    BasicPublishOptions::default(),
                    body,
                    props.clone().with_delivery_mode(2),
                )
                .await
                .unwrap()
                .await
                .unwrap();
            if confirm.is_ack() {
                return;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        panic!("the broker refused the job 20 times");
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
    assert!(
        broker::job_queue_declared(&client._conn, Duration::from_secs(20)).await,
        "the worker did not declare its topology"
    );
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
    job_for(id, serde_json::json!({"path": path}))
}

/// A job whose `document` is `document` (`{"path": …}`, `{"url": …}`, …).
fn job_for(id: &str, document: serde_json::Value) -> Vec<u8> {
    serde_json::json!({
        "version": 1, "job_id": id, "document": document,
        "pipeline": "generic", "metadata": {"diarienummer": format!("KS {id}")}
    })
    .to_string()
    .into_bytes()
}

fn sha256_hex(bytes: &[u8]) -> String {
    use sha2::Digest;
    hex::encode(sha2::Sha256::digest(bytes))
}

/// `series`'s value in a Prometheus text exposition, 0 when it is absent.
fn metric_value(exposition: &str, series: &str) -> f64 {
    exposition
        .lines()
        .find_map(|line| line.strip_prefix(series)?.strip_prefix(' ')?.parse().ok())
        .unwrap_or(0.0)
}

fn rpc(reply_to: &str, correlation_id: &str) -> BasicProperties {
    BasicProperties::default()
        .with_reply_to(reply_to.into())
        .with_correlation_id(correlation_id.into())
}

fn json(d: &lapin::message::Delivery) -> serde_json::Value {
    serde_json::from_slice(&d.data).unwrap()
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
async fn happy_path_archives_writes_publishes_and_replies() {
    let (vhost, root) = setup!();
    let archive = Archive::start(Behaviour::default()).await;
    let records_dir = tempfile::tempdir().unwrap();
    let _worker = Worker::spawn(
        &vhost,
        root.path(),
        Some(&archive),
        &["--records-dir", records_dir.path().to_str().unwrap()],
    );
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
    // The filesystem sink: each record as <sha256>.json, written after the archive answered.
    for i in 0..3 {
        let file = records_dir
            .path()
            .join(format!("{}.json", sha256_hex(&document(i))));
        let written: serde_json::Value =
            serde_json::from_slice(&std::fs::read(&file).unwrap()).unwrap();
        assert_eq!(written["job"]["job_id"], format!("job-{i}"));
        assert!(
            written["job"]["archive_id"]
                .as_str()
                .unwrap()
                .starts_with("arch-")
        );
    }
}

/// Poison messages are dead-lettered with their reason, and an RPC caller hears back about
/// each: a `job.rejected` answer when no record could be made, the error record when the
/// document itself is broken. That error record also reaches the archive (the default
/// `--archive-error-records send`) before the job is dead-lettered.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn poison_messages_are_dead_lettered_and_their_callers_answered() {
    let (vhost, root) = setup!();
    let archive = Archive::start(Behaviour::default()).await;
    let _worker = Worker::spawn(&vhost, root.path(), Some(&archive), &[]);
    let client = Client::connect(&vhost).await;
    wait_for_topology(&client).await;
    client.queue("replies", false).await;
    client.queue("records", true).await;
    std::fs::write(root.path().join("broken.pdf"), common::not_a_pdf()).unwrap();
    let poison: [(&str, Vec<u8>); 5] = [
        ("not-json", b"this is not json".to_vec()),
        (
            "unknown-pipeline",
            br#"{"version":1,"job_id":"p","document":{"path":"x.pdf"},"pipeline":"nope"}"#.to_vec(),
        ),
        ("missing", job("missing", "missing.pdf")),
        ("escape", job("escape", "../etc/passwd")),
        ("broken", job("broken", "broken.pdf")),
    ];
    for (corr, body) in &poison {
        client.publish(body, rpc("replies", corr)).await;
    }
    let dead = client
        .drain("arkivar.dead", 5, Duration::from_secs(20))
        .await;
    let code_of = |corr: &str| {
        let d = dead
            .iter()
            .find(|d| d.properties.correlation_id().as_ref().unwrap().as_str() == corr)
            .unwrap_or_else(|| panic!("{corr} was dead-lettered"));
        assert!(!header(d, "x-arkivar-reason").unwrap().is_empty());
        header(d, "x-arkivar-reason-code").unwrap()
    };
    assert_eq!(code_of("not-json"), "malformed_job");
    assert_eq!(code_of("unknown-pipeline"), "unknown_pipeline");
    assert_eq!(code_of("missing"), "document_unavailable");
    assert_eq!(code_of("escape"), "malformed_job");
    assert_eq!(code_of("broken"), "document_error");

    // Every caller got exactly one answer, with its correlation id.
    let replies = client.drain("replies", 5, Duration::from_secs(10)).await;
    assert_eq!(replies.len(), 5);
    for reply in &replies {
        let corr = reply
            .properties
            .correlation_id()
            .as_ref()
            .unwrap()
            .to_string();
        let kind = reply.properties.kind().as_ref().unwrap().to_string();
        let body = json(reply);
        if corr == "broken" {
            assert_eq!(kind, "record.error");
            assert_eq!(body["status"], "error");
            assert_eq!(body["job"]["job_id"], "broken");
            continue;
        }
        assert_eq!(kind, "job.rejected", "{corr}");
        assert_eq!(body["status"], "rejected");
        assert_eq!(body["code"], code_of(&corr).as_str(), "{corr}");
        assert!(!body["reason"].as_str().unwrap().is_empty());
    }
    let answer = |corr: &str| {
        json(
            replies
                .iter()
                .find(|r| r.properties.correlation_id().as_ref().unwrap().as_str() == corr)
                .unwrap(),
        )
    };
    assert_eq!(answer("not-json")["job_id"], serde_json::Value::Null);
    assert_eq!(answer("missing")["job_id"], "missing");
    assert!(
        answer("escape")["reason"]
            .as_str()
            .unwrap()
            .contains("outside the document root")
    );
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert!(client.get("replies").await.is_none(), "one answer per job");

    // The unreadable document's error record went to the exchange and the archive.
    let records = client.drain("records", 1, Duration::from_secs(5)).await;
    assert_eq!(records[0].routing_key.as_str(), "record.error");
    {
        let inner = archive.inner.lock().unwrap();
        assert_eq!(inner.stored.len(), 1, "only the error record is archived");
        let stored = inner.stored.values().next().unwrap();
        assert_eq!(stored["status"], "error");
        assert_eq!(stored["job"]["job_id"], "broken");
        assert_eq!(
            json(&records[0])["job"]["archive_id"],
            "arch-1",
            "the published error record carries the archive's id"
        );
    }
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
    client.queue("replies", false).await;
    let docs = write_docs(root.path(), 1);
    client
        .publish(&job("x", &docs[0]), rpc("replies", "c-x"))
        .await;
    let dead = client
        .drain("arkivar.dead", 1, Duration::from_secs(20))
        .await;
    assert_eq!(dead.len(), 1, "dead-lettered after the retries");
    // The caller hears once, when the worker gives up, not at each retry.
    let replies = client.drain("replies", 2, Duration::from_millis(500)).await;
    assert_eq!(replies.len(), 1);
    assert_eq!(
        replies[0]
            .properties
            .correlation_id()
            .as_ref()
            .unwrap()
            .as_str(),
        "c-x"
    );
    let rejection = json(&replies[0]);
    assert_eq!(rejection["code"], "retries_exhausted");
    assert_eq!(rejection["job_id"], "x");
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

/// `url` documents: one under an `--allow-url` prefix is fetched and archived; one off the
/// list is refused before any request, one on the list that is not there (404) is
/// unavailable; both are dead-lettered with the reason.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn url_documents_are_fetched_only_from_allowed_prefixes() {
    let (vhost, root) = setup!();
    let archive = Archive::start(Behaviour::default()).await;
    let pdf = document(7);
    archive.serve("minutes.pdf", pdf.clone());
    let allowed = format!("http://{}/files/", archive.addr);
    let _worker = Worker::spawn(
        &vhost,
        root.path(),
        Some(&archive),
        &["--allow-url", &allowed],
    );
    let client = Client::connect(&vhost).await;
    wait_for_topology(&client).await;
    let url = |u: String| serde_json::json!({ "url": u });
    client
        .publish(
            &job_for("u-ok", url(archive.file_url("minutes.pdf"))),
            BasicProperties::default(),
        )
        .await;
    let off_list = format!("http://{}/elsewhere/minutes.pdf", archive.addr);
    client
        .publish(&job_for("u-off", url(off_list)), BasicProperties::default())
        .await;
    client
        .publish(
            &job_for("u-404", url(archive.file_url("gone.pdf"))),
            BasicProperties::default(),
        )
        .await;
    let mut dead = client
        .drain("arkivar.dead", 2, Duration::from_secs(20))
        .await;
    assert_eq!(dead.len(), 2);
    dead.sort_by_key(|d| header(d, "x-arkivar-job-id"));
    assert_eq!(header(&dead[0], "x-arkivar-job-id").unwrap(), "u-404");
    assert_eq!(
        header(&dead[0], "x-arkivar-reason-code").unwrap(),
        "document_unavailable"
    );
    assert!(
        header(&dead[0], "x-arkivar-reason")
            .unwrap()
            .contains("404")
    );
    assert_eq!(header(&dead[1], "x-arkivar-job-id").unwrap(), "u-off");
    assert_eq!(
        header(&dead[1], "x-arkivar-reason-code").unwrap(),
        "malformed_job"
    );
    assert!(
        header(&dead[1], "x-arkivar-reason")
            .unwrap()
            .contains("not on the allow-list")
    );
    wait_until(
        Duration::from_secs(20),
        "the fetched document archived",
        || archive.stored() == 1,
    )
    .await;
    let inner = archive.inner.lock().unwrap();
    let (key, record) = inner.stored.iter().next().unwrap();
    assert_eq!(key, &format!("{}:generic", sha256_hex(&pdf)));
    assert_eq!(record["job"]["job_id"], "u-ok");
    assert_eq!(record["identity"]["sha256"], sha256_hex(&pdf).as_str());
}

/// Redirects of `url` documents: a chain of two inside the allow-list is followed and the
/// document archived; a redirect from an allowed URL to another server (standing in for an
/// internal address) is refused before that server is asked, and a redirect loop stops after
/// five redirects. Both are dead-lettered at once (not retried) with a reason naming the URL,
/// and the RPC caller gets `job.rejected`.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn url_redirect_off_the_allow_list_is_dead_lettered_and_never_requested() {
    let (vhost, root) = setup!();
    let archive = Archive::start(Behaviour::default()).await;
    let internal = Archive::start(Behaviour::default()).await;
    let pdf = document(8);
    archive.serve("minutes.pdf", pdf.clone());
    archive.redirect("moved.pdf", "/files/moved-again.pdf");
    archive.redirect("moved-again.pdf", &archive.file_url("minutes.pdf"));
    let secret = internal.file_url("secret.pdf");
    internal.serve("secret.pdf", document(9));
    archive.redirect("leak.pdf", &secret);
    archive.redirect("loop.pdf", "/files/loop.pdf");
    let allowed = format!("http://{}/files/", archive.addr);
    let _worker = Worker::spawn(
        &vhost,
        root.path(),
        Some(&archive),
        &["--allow-url", &allowed],
    );
    let client = Client::connect(&vhost).await;
    wait_for_topology(&client).await;
    client.queue("replies", false).await;
    for (id, name) in [
        ("r-ok", "moved.pdf"),
        ("r-leak", "leak.pdf"),
        ("r-loop", "loop.pdf"),
    ] {
        let document = serde_json::json!({ "url": archive.file_url(name) });
        client
            .publish(&job_for(id, document), rpc("replies", id))
            .await;
    }
    let mut dead = client
        .drain("arkivar.dead", 2, Duration::from_secs(20))
        .await;
    assert_eq!(dead.len(), 2);
    dead.sort_by_key(|d| header(d, "x-arkivar-job-id"));
    assert_eq!(header(&dead[0], "x-arkivar-job-id").unwrap(), "r-leak");
    let leak_reason = header(&dead[0], "x-arkivar-reason").unwrap();
    assert!(
        leak_reason.contains(&format!("redirects to {secret}"))
            && leak_reason.contains("not on the allow-list"),
        "{leak_reason}"
    );
    assert_eq!(header(&dead[1], "x-arkivar-job-id").unwrap(), "r-loop");
    let loop_reason = header(&dead[1], "x-arkivar-reason").unwrap();
    assert!(
        loop_reason.contains("more than 5 redirects"),
        "{loop_reason}"
    );
    for d in &dead {
        assert_eq!(
            header(d, "x-arkivar-reason-code").unwrap(),
            "document_unavailable"
        );
        assert_eq!(
            header(d, "x-arkivar-attempt"),
            None,
            "dead-lettered at once"
        );
    }
    assert_eq!(
        internal.file_requests("secret.pdf"),
        0,
        "the target is never asked"
    );
    assert_eq!(archive.file_requests("leak.pdf"), 1);
    assert_eq!(
        archive.file_requests("loop.pdf"),
        6,
        "the first request and 5 redirects"
    );

    let replies = client.drain("replies", 3, Duration::from_secs(20)).await;
    assert_eq!(replies.len(), 3);
    let reply = |id: &str| {
        replies
            .iter()
            .find(|r| r.properties.correlation_id().as_ref().unwrap().as_str() == id)
            .unwrap_or_else(|| panic!("{id} was answered"))
    };
    let rejected = reply("r-leak");
    assert_eq!(
        rejected.properties.kind().as_ref().unwrap().as_str(),
        "job.rejected"
    );
    assert_eq!(json(rejected)["code"], "document_unavailable");
    assert_eq!(json(rejected)["reason"], leak_reason.as_str());
    let record = json(reply("r-ok"));
    assert_eq!(record["job"]["job_id"], "r-ok");
    assert_eq!(record["identity"]["sha256"], sha256_hex(&pdf).as_str());
    assert_eq!(archive.file_requests("minutes.pdf"), 1);
    assert_eq!(archive.stored(), 1);
}

/// A `url` document larger than the pipeline's `max_file_bytes`, sent chunked without a
/// length, is dead-lettered as unavailable once the limit is passed: the worker stops reading
/// there rather than taking the whole body (256 MiB) into memory.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn url_download_over_the_limit_is_refused_without_reading_it_all() {
    let (vhost, root) = setup!();
    let pipelines = tempfile::tempdir().unwrap();
    std::fs::write(
        pipelines.path().join("small.toml"),
        "name = \"small\"\n[limits]\nmax_file_bytes = 65536\n",
    )
    .unwrap();
    let archive = Archive::start(Behaviour::default()).await;
    archive.serve_endless("huge.pdf");
    let allowed = format!("http://{}/files/", archive.addr);
    let _worker = Worker::spawn(
        &vhost,
        root.path(),
        Some(&archive),
        &[
            "--allow-url",
            &allowed,
            "--pipelines-dir",
            pipelines.path().to_str().unwrap(),
        ],
    );
    let client = Client::connect(&vhost).await;
    wait_for_topology(&client).await;
    let body = serde_json::json!({
        "version": 1, "job_id": "huge", "pipeline": "small",
        "document": {"url": archive.file_url("huge.pdf")}
    });
    client
        .publish(body.to_string().as_bytes(), BasicProperties::default())
        .await;
    let dead = client
        .drain("arkivar.dead", 1, Duration::from_secs(20))
        .await;
    assert_eq!(dead.len(), 1);
    assert_eq!(
        header(&dead[0], "x-arkivar-reason-code").unwrap(),
        "document_unavailable"
    );
    let reason = header(&dead[0], "x-arkivar-reason").unwrap();
    assert!(reason.contains("over the limit of 65536 bytes"), "{reason}");
    // The limit plus what the socket buffers took (a few MiB on loopback).
    let sent = archive.endless_sent();
    assert!(
        sent < archive_server::ENDLESS_TOTAL / 4,
        "{sent} of {} bytes were sent",
        archive_server::ENDLESS_TOTAL
    );
    assert_eq!(archive.file_requests("huge.pdf"), 1, "not retried");
    assert_eq!(archive.stored(), 0);
}

/// `--archive-multipart`: the archive receives the record and the PDF in one
/// multipart/form-data request, and stores both.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn multipart_archive_receives_the_record_and_the_pdf() {
    let (vhost, root) = setup!();
    let archive = Archive::start(Behaviour::default()).await;
    let _worker = Worker::spawn(
        &vhost,
        root.path(),
        Some(&archive),
        &["--archive-multipart"],
    );
    let client = Client::connect(&vhost).await;
    wait_for_topology(&client).await;
    let docs = write_docs(root.path(), 2);
    for (i, d) in docs.iter().enumerate() {
        client
            .publish(&job(&format!("m{i}"), d), BasicProperties::default())
            .await;
    }
    wait_until(Duration::from_secs(20), "2 multipart records", || {
        archive.stored() == 2
    })
    .await;
    let inner = archive.inner.lock().unwrap();
    assert!(
        inner
            .seen
            .iter()
            .all(|s| s.content_type.starts_with("multipart/form-data; boundary="))
    );
    for i in 0..2 {
        let pdf = document(i);
        let key = format!("{}:generic", sha256_hex(&pdf));
        assert_eq!(inner.documents.get(&key), Some(&pdf), "the PDF of m{i}");
        assert_eq!(inner.stored[&key]["job"]["job_id"], format!("m{i}"));
    }
}

/// 429 with `Retry-After: 2`: the worker waits about two seconds (not its 10 ms back-off)
/// before the next request, which succeeds; the job is neither retried through the queues
/// nor dead-lettered.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn archive_429_retry_after_is_waited_out_then_the_record_is_stored() {
    let (vhost, root) = setup!();
    let archive = Archive::start(Behaviour {
        too_many_first: 1,
        retry_after_secs: 2,
        ..Default::default()
    })
    .await;
    let worker = Worker::spawn(
        &vhost,
        root.path(),
        Some(&archive),
        &["--archive-backoff-ms", "10"],
    );
    let client = Client::connect(&vhost).await;
    wait_for_topology(&client).await;
    let docs = write_docs(root.path(), 1);
    client
        .publish(&job("slow-down", &docs[0]), BasicProperties::default())
        .await;
    wait_until(
        Duration::from_secs(20),
        "the record after Retry-After",
        || archive.stored() == 1,
    )
    .await;
    let seen = archive.seen();
    assert_eq!(
        seen.iter().map(|s| s.answered).collect::<Vec<_>>(),
        [429, 201]
    );
    let waited = seen[1].at - seen[0].at;
    assert!(
        waited >= Duration::from_millis(1900) && waited < Duration::from_secs(4),
        "waited {waited:?} for Retry-After: 2"
    );
    assert_eq!(worker.metric("arkivar_archive_retries_total").await, 1.0);
    assert_eq!(worker.metric("arkivar_job_retries_total").await, 0.0);
    assert!(client.get("arkivar.dead").await.is_none());
}

/// A 4xx other than 409 (here 422) is final: one request, no retry in the sink or through the
/// retry queues. The record is still published (exchange and caller) with the archive's answer
/// in `job.archive_error`, and the job is dead-lettered as `archive_rejected` for a person to
/// look at.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn archive_refusal_is_not_retried_and_the_job_is_dead_lettered_with_its_record_published() {
    let (vhost, root) = setup!();
    let archive = Archive::start(Behaviour {
        reject_with: Some(422),
        ..Default::default()
    })
    .await;
    let worker = Worker::spawn(
        &vhost,
        root.path(),
        Some(&archive),
        &[
            "--archive-attempts",
            "3",
            "--archive-backoff-ms",
            "10",
            "--retry-delays-ms",
            "100,200",
        ],
    );
    let client = Client::connect(&vhost).await;
    wait_for_topology(&client).await;
    client.queue("replies", false).await;
    client.queue("records", true).await;
    let docs = write_docs(root.path(), 1);
    client
        .publish(&job("refused", &docs[0]), rpc("replies", "c-refused"))
        .await;
    let dead = client
        .drain("arkivar.dead", 1, Duration::from_secs(20))
        .await;
    assert_eq!(dead.len(), 1);
    assert_eq!(
        header(&dead[0], "x-arkivar-reason-code").unwrap(),
        "archive_rejected"
    );
    assert!(
        header(&dead[0], "x-arkivar-reason")
            .unwrap()
            .contains("HTTP 422")
    );
    assert_eq!(header(&dead[0], "x-arkivar-job-id").unwrap(), "refused");

    let records = client.drain("records", 1, Duration::from_secs(5)).await;
    assert_eq!(records.len(), 1);
    assert_eq!(records[0].routing_key.as_str(), "record.unsigned");
    let record = json(&records[0]);
    assert!(
        record["job"]["archive_error"]
            .as_str()
            .unwrap()
            .contains("HTTP 422"),
        "{record}"
    );
    assert_eq!(record["job"]["archive_id"], serde_json::Value::Null);
    let replies = client.drain("replies", 1, Duration::from_secs(5)).await;
    assert_eq!(replies.len(), 1);
    assert_eq!(
        replies[0].properties.kind().as_ref().unwrap().as_str(),
        "record.unsigned",
        "the caller gets the record, not a rejection"
    );

    // Long enough for both retry queues to have brought the job back, had it been retried.
    tokio::time::sleep(Duration::from_millis(1000)).await;
    assert_eq!(archive.requests(), 1, "a 4xx is not retried");
    assert_eq!(archive.stored(), 0);
    assert!(client.get("arkivar.jobs").await.is_none());
    assert!(client.get("arkivar.dead").await.is_none());
    assert!(client.get("replies").await.is_none(), "one answer");
    assert_eq!(worker.metric("arkivar_job_retries_total").await, 0.0);
    assert_eq!(
        worker
            .metric("arkivar_dead_lettered_total{reason=\"archive_rejected\"}")
            .await,
        1.0
    );
}

/// `/healthz` answers while the process runs; `/readyz` only while the worker is connected
/// and consuming (not before the broker lets it in, not after it is shut out); `/metrics`
/// counts jobs by outcome, dead letters by reason, and retries.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn health_readiness_and_metrics_follow_the_worker() {
    let (vhost, root) = setup!();
    vhost.revoke();
    let archive = Archive::start(Behaviour {
        fail_first: 1,
        ..Default::default()
    })
    .await;
    let worker = Worker::spawn(
        &vhost,
        root.path(),
        Some(&archive),
        &["--archive-attempts", "1", "--retry-delays-ms", "100"],
    );
    assert_eq!(
        worker
            .wait_for("/healthz", 200, Duration::from_secs(20))
            .await,
        "ok\n"
    );
    let (status, _) = worker.get("/readyz").await.unwrap();
    assert_eq!(status, 503, "not ready while the broker refuses the worker");
    assert_eq!(worker.metric("arkivar_ready").await, 0.0);

    vhost.grant();
    worker
        .wait_for("/readyz", 200, Duration::from_secs(15))
        .await;
    let client = Client::connect(&vhost).await;
    let docs = write_docs(root.path(), 1);
    client
        .publish(&job("counted", &docs[0]), BasicProperties::default())
        .await;
    client
        .publish(b"{\"version\": 1}", BasicProperties::default())
        .await;
    let deadline = Instant::now() + Duration::from_secs(20);
    while worker
        .metric("arkivar_jobs_total{outcome=\"unsigned\"}")
        .await
        < 1.0
    {
        assert!(Instant::now() < deadline, "the job was not counted");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let (_, text) = worker.get("/metrics").await.unwrap();
    // The first archive request failed: one round through the retry queue, then done.
    for (series, value) in [
        ("arkivar_jobs_total{outcome=\"unsigned\"}", 1.0),
        ("arkivar_jobs_total{outcome=\"retried\"}", 1.0),
        ("arkivar_jobs_total{outcome=\"dead_lettered\"}", 1.0),
        ("arkivar_dead_lettered_total{reason=\"malformed_job\"}", 1.0),
        ("arkivar_job_retries_total", 1.0),
        ("arkivar_job_duration_seconds_count", 3.0),
        ("arkivar_jobs_in_flight", 0.0),
        ("arkivar_ready", 1.0),
    ] {
        assert_eq!(metric_value(&text, series), value, "{series} in\n{text}");
    }
    assert!(metric_value(&text, "arkivar_broker_connections_total") >= 1.0);
    assert_eq!(archive.stored(), 1);

    // Shut out: the connection is cut and the reconnect refused, so not ready.
    vhost.revoke();
    vhost.cut_connections();
    worker
        .wait_for("/readyz", 503, Duration::from_secs(10))
        .await;
    assert_eq!(worker.get("/healthz").await.unwrap().0, 200);
}

/// Writes `deploy/rabbitmq/definitions.json`, moved into `vhost` and changed by `edit`, and
/// imports it with `rabbitmqctl import_definitions` (the management plugin is off here).
async fn import_definitions(vhost: &Vhost, edit: impl Fn(&mut serde_json::Value)) {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("deploy/rabbitmq/definitions.json");
    let mut definitions: serde_json::Value =
        serde_json::from_slice(&std::fs::read(path).unwrap()).unwrap();
    definitions["vhosts"] = serde_json::json!([{ "name": vhost.name }]);
    for kind in ["queues", "exchanges", "bindings"] {
        for item in definitions[kind].as_array_mut().unwrap() {
            assert_eq!(item["vhost"], "/", "the committed definitions are for /");
            item["vhost"] = vhost.name.clone().into();
        }
    }
    edit(&mut definitions);
    let file = tempfile::NamedTempFile::new().unwrap();
    std::fs::write(file.path(), definitions.to_string()).unwrap();
    // The broker reads the file as its own user; tempfile makes it private to ours.
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(file.path(), std::fs::Permissions::from_mode(0o644)).unwrap();
    }
    rabbitmqctl(&["import_definitions", file.path().to_str().unwrap()]).unwrap();
    // The import is asynchronous: wait until the last queue it declares is there.
    let client = Client::connect(vhost).await;
    let last = definitions["queues"].as_array().unwrap().last().unwrap()["name"]
        .as_str()
        .unwrap()
        .to_owned();
    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        let probe = client._conn.create_channel().await.unwrap();
        let options = QueueDeclareOptions {
            passive: true,
            ..Default::default()
        };
        if probe
            .queue_declare(last.as_str().into(), options, FieldTable::default())
            .await
            .is_ok()
        {
            return;
        }
        assert!(
            Instant::now() < deadline,
            "the definitions were not imported"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// The committed broker definitions, loaded into a live broker the way an operator would,
/// agree with what the worker declares: it becomes ready (a declaration with other arguments
/// fails with PRECONDITION_FAILED and the worker never would) and processes a job. The
/// control: the same file with another delivery limit keeps the worker from becoming ready.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn deploy_definitions_imported_into_the_broker_agree_with_the_worker() {
    let (vhost, root) = setup!();
    import_definitions(&vhost, |_| {}).await;
    let archive = Archive::start(Behaviour::default()).await;
    let worker = Worker::spawn(&vhost, root.path(), Some(&archive), &[]);
    worker
        .wait_for("/readyz", 200, Duration::from_secs(20))
        .await;
    let client = Client::connect(&vhost).await;
    let docs = write_docs(root.path(), 1);
    client
        .publish(&job("imported", &docs[0]), BasicProperties::default())
        .await;
    wait_until(
        Duration::from_secs(20),
        "the job through the imported topology",
        || archive.stored() == 1,
    )
    .await;

    let Some(other) = Vhost::create() else { return };
    import_definitions(&other, |d| {
        let jobs = d["queues"]
            .as_array_mut()
            .unwrap()
            .iter_mut()
            .find(|q| q["name"] == "arkivar.jobs")
            .unwrap();
        jobs["arguments"]["x-delivery-limit"] = 7.into();
    })
    .await;
    let mismatched = Worker::spawn(&other, root.path(), None, &[]);
    mismatched
        .wait_for("/healthz", 200, Duration::from_secs(20))
        .await;
    let deadline = Instant::now() + Duration::from_secs(20);
    // Each connection is counted before the declarations; two mean one attempt failed.
    while mismatched.metric("arkivar_broker_connections_total").await < 2.0 {
        assert!(Instant::now() < deadline, "the worker did not try again");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert_eq!(mismatched.get("/readyz").await.unwrap().0, 503);
}

/// `--pipelines-dir`: jobs may name the pipelines in that folder, and their settings apply
/// (here a file-size limit of 100 bytes); a name nobody has is refused with the known names.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn jobs_may_name_a_pipeline_from_the_pipelines_dir() {
    let (vhost, root) = setup!();
    let pipelines = tempfile::tempdir().unwrap();
    let generic = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("pipelines/generic.toml"),
    )
    .unwrap();
    std::fs::write(
        pipelines.path().join("custom.toml"),
        generic.replace("name = \"generic\"", "name = \"custom\""),
    )
    .unwrap();
    std::fs::write(
        pipelines.path().join("tiny.toml"),
        "name = \"tiny\"\n[limits]\nmax_file_bytes = 100\n",
    )
    .unwrap();
    let archive = Archive::start(Behaviour::default()).await;
    let dir = pipelines.path().to_str().unwrap();
    let _worker = Worker::spawn(
        &vhost,
        root.path(),
        Some(&archive),
        &["--pipelines-dir", dir],
    );
    let client = Client::connect(&vhost).await;
    wait_for_topology(&client).await;
    let docs = write_docs(root.path(), 1);
    let named = |id: &str, pipeline: &str| {
        serde_json::json!({
            "version": 1, "job_id": id, "document": {"path": docs[0]}, "pipeline": pipeline
        })
        .to_string()
        .into_bytes()
    };
    for (id, pipeline) in [("c", "custom"), ("t", "tiny"), ("a", "absent")] {
        client
            .publish(&named(id, pipeline), BasicProperties::default())
            .await;
    }
    let mut dead = client
        .drain("arkivar.dead", 2, Duration::from_secs(20))
        .await;
    assert_eq!(dead.len(), 2);
    dead.sort_by_key(|d| header(d, "x-arkivar-job-id"));
    assert_eq!(
        header(&dead[0], "x-arkivar-reason-code").unwrap(),
        "unknown_pipeline"
    );
    let known = header(&dead[0], "x-arkivar-reason").unwrap();
    assert!(
        known.contains("custom, generic, protokoll-sv, tiny"),
        "{known}"
    );
    assert_eq!(
        header(&dead[1], "x-arkivar-reason-code").unwrap(),
        "document_unavailable"
    );
    assert!(
        header(&dead[1], "x-arkivar-reason")
            .unwrap()
            .contains("over the limit of 100")
    );
    wait_until(
        Duration::from_secs(20),
        "the custom pipeline's record",
        || archive.stored() == 1,
    )
    .await;
    let inner = archive.inner.lock().unwrap();
    let key = format!("{}:custom", sha256_hex(&document(0)));
    assert_eq!(inner.stored[&key]["job"]["pipeline"], "custom");
}

/// A pipeline file that does not parse stops the worker at start, naming the file, before
/// it touches the broker.
#[test]
fn a_bad_pipeline_file_stops_the_worker_at_start() {
    let pipelines = tempfile::tempdir().unwrap();
    std::fs::write(
        pipelines.path().join("typo.toml"),
        "name = \"typo\"\n[limits]\nmax_file_byte = 1\n",
    )
    .unwrap();
    let output = Command::new(env!("CARGO_BIN_EXE_arkivar"))
        .args(["worker", "--amqp", "amqp://127.0.0.1:1/%2f"])
        .arg("--pipelines-dir")
        .arg(pipelines.path())
        .args(["--metrics-addr", &free_port().to_string()])
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(2), "{stderr}");
    assert!(
        stderr.contains("typo.toml") && stderr.contains("max_file_byte"),
        "{stderr}"
    );
}

/// A pipeline whose own trust anchors are not there stops the worker at start, naming the
/// pipeline and the path (taken from the pipeline file's folder), before it touches the
/// broker; the same file with its anchor present gets past that check to the broker.
#[test]
fn a_pipelines_missing_trust_anchor_stops_the_worker_at_start() {
    let pipelines = tempfile::tempdir().unwrap();
    std::fs::write(
        pipelines.path().join("anchored.toml"),
        "name = \"anchored\"\n[trust]\nanchors = [\"ca/root.pem\"]\n",
    )
    .unwrap();
    let start = || {
        Command::new(env!("CARGO_BIN_EXE_arkivar"))
            .args(["worker", "--amqp", "amqp://127.0.0.1:1/%2f"])
            .arg("--pipelines-dir")
            .arg(pipelines.path())
            .args(["--metrics-addr", &free_port().to_string()])
            .args(["--shutdown-timeout", "1"])
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap()
    };
    let output = start().wait_with_output().unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(2), "{stderr}");
    let expected = pipelines.path().join("ca/root.pem");
    assert!(
        stderr.contains("pipeline anchored") && stderr.contains(&*expected.to_string_lossy()),
        "{stderr}"
    );
    // Near miss: with the anchor there, the worker starts and waits for the broker (port 1
    // refuses), and it is still running after a second.
    std::fs::create_dir(pipelines.path().join("ca")).unwrap();
    std::fs::copy(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("samples/trust.pem"),
        &expected,
    )
    .unwrap();
    let mut child = start();
    std::thread::sleep(Duration::from_secs(1));
    let running = child.try_wait().unwrap().is_none();
    child.kill().unwrap();
    let output = child.wait_with_output().unwrap();
    assert!(running, "{}", String::from_utf8_lossy(&output.stderr));
}

/// Makes a FIFO at `path` with `mkfifo(1)`.
fn mkfifo(path: &Path) {
    let status = Command::new("mkfifo")
        .arg(path)
        .status()
        .expect("mkfifo runs");
    assert!(status.success(), "mkfifo {}", path.display());
}

/// A document root with the edges of issue 24: a link to `/dev/zero`, a FIFO no one writes
/// to, a link to a PDF outside the root and a link to a PDF inside it. Returns the folder
/// outside, which must live as long as the root.
fn edge_root(root: &Path) -> tempfile::TempDir {
    let outside = tempfile::tempdir().unwrap();
    std::fs::write(outside.path().join("outside.pdf"), document(1)).unwrap();
    std::os::unix::fs::symlink("/dev/zero", root.join("zero.pdf")).unwrap();
    mkfifo(&root.join("pipe.pdf"));
    std::os::unix::fs::symlink(outside.path().join("outside.pdf"), root.join("out.pdf")).unwrap();
    std::fs::create_dir(root.join("inside")).unwrap();
    std::fs::write(root.join("inside/a.pdf"), document(0)).unwrap();
    std::os::unix::fs::symlink("inside/a.pdf", root.join("in.pdf")).unwrap();
    outside
}

/// Issue 24: a link to `/dev/zero`, a FIFO and a link out of the document root are
/// dead-lettered at once (`document_unavailable`, no retry) with what is wrong, instead of
/// reading without bound, blocking for good or reading outside the root; a link inside the
/// root still works. A NUL path, a job sent as an array and a job with two documents are
/// `malformed_job`, and the reason names what is wrong.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn special_files_and_links_out_of_the_root_are_dead_lettered_at_once() {
    let (vhost, root) = setup!();
    let _outside = edge_root(root.path());
    let worker = Worker::spawn(&vhost, root.path(), None, &[]);
    let client = Client::connect(&vhost).await;
    wait_for_topology(&client).await;
    client.queue("records", true).await;
    let started = Instant::now();
    let jobs: [(&str, Vec<u8>); 7] = [
        ("zero", job("zero", "zero.pdf")),
        ("pipe", job("pipe", "pipe.pdf")),
        ("out", job("out", "out.pdf")),
        ("nul", job("nul", "in\0.pdf")),
        (
            "array",
            br#"[1,"array",{"path":"in.pdf"},"generic",{}]"#.to_vec(),
        ),
        (
            "two",
            job_for(
                "two",
                serde_json::json!({"path": "in.pdf", "base64": "JVBERi0="}),
            ),
        ),
        ("in", job("in", "in.pdf")),
    ];
    for (corr, body) in &jobs {
        client
            .publish(
                body,
                BasicProperties::default().with_correlation_id((*corr).into()),
            )
            .await;
    }
    let dead = client
        .drain("arkivar.dead", 6, Duration::from_secs(20))
        .await;
    let elapsed = started.elapsed();
    let reason_of = |corr: &str| {
        let d = dead
            .iter()
            .find(|d| d.properties.correlation_id().as_ref().unwrap().as_str() == corr)
            .unwrap_or_else(|| panic!("{corr} was dead-lettered; got {}", dead.len()));
        (
            header(d, "x-arkivar-reason-code").unwrap(),
            header(d, "x-arkivar-reason").unwrap(),
        )
    };
    for (corr, needle) in [
        ("zero", "outside the document root"),
        ("pipe", "FIFO"),
        ("out", "outside the document root"),
    ] {
        let (code, reason) = reason_of(corr);
        assert_eq!(code, "document_unavailable", "{corr}: {reason}");
        assert!(reason.contains(needle), "{corr}: {reason}");
    }
    for (corr, needle) in [
        ("nul", "NUL"),
        ("array", "not an array"),
        ("two", "field `document`"),
    ] {
        let (code, reason) = reason_of(corr);
        assert_eq!(code, "malformed_job", "{corr}: {reason}");
        assert!(reason.contains(needle), "{corr}: {reason}");
    }
    // At once: no retry queue was used (its first delay alone is 1 s, then 10 s, then 60 s).
    assert_eq!(worker.metric("arkivar_job_retries_total").await, 0.0);
    assert!(elapsed < Duration::from_secs(15), "{elapsed:?}");
    // The link that stays inside the root was read.
    let records = client.drain("records", 1, Duration::from_secs(20)).await;
    assert_eq!(records.len(), 1);
    assert_eq!(json(&records[0])["job"]["job_id"], "in");
    assert_eq!(json(&records[0])["status"], "unsigned");
}

/// `--follow-symlinks-out-of-root` lets a link out of the root be read; a link to a device
/// is still refused, now as what it is. The cap holds whatever the metadata says: under a
/// pipeline with `max_file_bytes = 100`, a file over it is refused unread and a link to a
/// `/proc` file (0 bytes by its metadata, more when read) is refused after 101 bytes.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn follow_symlinks_out_of_root_reads_outside_but_never_a_device_nor_past_the_cap() {
    let (vhost, root) = setup!();
    let _outside = edge_root(root.path());
    std::os::unix::fs::symlink("/proc/self/status", root.path().join("proc.pdf")).unwrap();
    let pipelines = tempfile::tempdir().unwrap();
    std::fs::write(
        pipelines.path().join("tiny.toml"),
        "name = \"tiny\"\n[limits]\nmax_file_bytes = 100\n",
    )
    .unwrap();
    let _worker = Worker::spawn(
        &vhost,
        root.path(),
        None,
        &[
            "--follow-symlinks-out-of-root",
            "--pipelines-dir",
            pipelines.path().to_str().unwrap(),
        ],
    );
    let client = Client::connect(&vhost).await;
    wait_for_topology(&client).await;
    client.queue("records", true).await;
    let tiny = |id: &str, path: &str| {
        serde_json::json!({
            "version": 1, "job_id": id, "document": {"path": path}, "pipeline": "tiny"
        })
        .to_string()
        .into_bytes()
    };
    let jobs = [
        ("out", job("out", "out.pdf")),
        ("zero", job("zero", "zero.pdf")),
        ("big", tiny("big", "in.pdf")),
        ("proc", tiny("proc", "proc.pdf")),
    ];
    for (corr, body) in &jobs {
        client
            .publish(
                body,
                BasicProperties::default().with_correlation_id((*corr).into()),
            )
            .await;
    }
    let records = client.drain("records", 1, Duration::from_secs(20)).await;
    assert_eq!(records.len(), 1, "the link out of the root was read");
    assert_eq!(json(&records[0])["job"]["job_id"], "out");
    let dead = client
        .drain("arkivar.dead", 3, Duration::from_secs(20))
        .await;
    for (corr, needle) in [
        ("zero", "character device"),
        ("big", "over the limit of 100 bytes"),
        ("proc", "gave more than 100 bytes"),
    ] {
        let d = dead
            .iter()
            .find(|d| d.properties.correlation_id().as_ref().unwrap().as_str() == corr)
            .unwrap_or_else(|| panic!("{corr} was dead-lettered; got {}", dead.len()));
        assert_eq!(
            header(d, "x-arkivar-reason-code").unwrap(),
            "document_unavailable",
            "{corr}"
        );
        let reason = header(d, "x-arkivar-reason").unwrap();
        assert!(reason.contains(needle), "{corr}: {reason}");
    }
}

/// A running `arkivar serve` with a broker, killed on drop.
struct Server {
    child: Child,
    addr: SocketAddr,
}

impl Server {
    fn spawn(vhost: &Vhost, root: &Path) -> Server {
        let addr = free_port();
        let child = Command::new(env!("CARGO_BIN_EXE_arkivar"))
            .args([
                "serve",
                "--listen",
                &addr.to_string(),
                "--amqp",
                &vhost.url(),
            ])
            .arg("--document-root")
            .arg(root)
            .env_remove("ARKIVAR_TOKEN")
            .stdout(Stdio::null())
            .stderr(if std::env::var("ARKIVAR_TEST_LOG").is_ok() {
                Stdio::inherit()
            } else {
                Stdio::null()
            })
            .spawn()
            .expect("spawn arkivar serve");
        Server { child, addr }
    }

    fn url(&self, path: &str) -> String {
        format!("http://{}{path}", self.addr)
    }

    /// POSTs a JSON job: the status and the answer.
    async fn post_job(&self, body: Vec<u8>) -> (u16, serde_json::Value) {
        let response = reqwest::Client::new()
            .post(self.url("/v1/jobs"))
            .header("content-type", "application/json")
            .body(body)
            .send()
            .await
            .expect("serve answers");
        let status = response.status().as_u16();
        (status, response.json().await.unwrap_or_default())
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Issue 24 through `serve`'s job routes: a NUL path, an array and a job with two documents
/// are 422 (`{"error", "message"}` naming what is wrong, like every refusal) and never queued; a FIFO and a link to
/// `/dev/zero` are accepted (serve judges the path's text; the worker reads the file) and
/// then shown dead-lettered at once with `document_unavailable` and the reason.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn serve_job_routes_refuse_malformed_paths_and_report_special_files_dead_lettered() {
    let (vhost, root) = setup!();
    let _outside = edge_root(root.path());
    let _worker = Worker::spawn(&vhost, root.path(), None, &[]);
    let client = Client::connect(&vhost).await;
    wait_for_topology(&client).await;
    let server = Server::spawn(&vhost, root.path());
    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        let ready = reqwest::get(server.url("/healthz")).await.is_ok();
        if ready {
            break;
        }
        assert!(Instant::now() < deadline, "serve did not start");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }

    for (body, code, needle) in [
        (job("nul", "a\0.pdf"), "invalid_path", "NUL"),
        (job("empty", ""), "invalid_path", "empty"),
        (
            br#"[1,"array",{"path":"in.pdf"},"generic",{}]"#.to_vec(),
            "invalid_job",
            "not an array",
        ),
        (
            job_for(
                "two",
                serde_json::json!({"path": "in.pdf", "url": "https://x.example/a.pdf"}),
            ),
            "invalid_job",
            "field `document`",
        ),
    ] {
        let (status, answer) = server.post_job(body).await;
        assert_eq!(status, 422, "{answer}");
        assert_eq!(answer["error"], code, "{answer}");
        assert!(
            answer["message"]
                .as_str()
                .unwrap_or_default()
                .contains(needle),
            "{answer}"
        );
    }
    // Near miss: a good path is accepted.
    for id in ["pipe", "zero", "in"] {
        let (status, answer) = server.post_job(job(id, &format!("{id}.pdf"))).await;
        assert_eq!(status, 202, "{id}: {answer}");
    }
    let states = loop {
        let mut states = std::collections::BTreeMap::new();
        for id in ["pipe", "zero", "in"] {
            let state: serde_json::Value = reqwest::get(server.url(&format!("/v1/jobs/{id}")))
                .await
                .unwrap()
                .json()
                .await
                .unwrap();
            states.insert(id, state);
        }
        if states.values().all(|s| s["state"] != "queued") {
            break states;
        }
        assert!(
            Instant::now() < deadline + Duration::from_secs(10),
            "results did not arrive: {states:?}"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    };
    for (id, needle) in [("pipe", "FIFO"), ("zero", "outside the document root")] {
        assert_eq!(states[id]["state"], "dead_lettered", "{id}: {}", states[id]);
        assert_eq!(states[id]["reason_code"], "document_unavailable", "{id}");
        let reason = states[id]["reason"].as_str().unwrap();
        assert!(reason.contains(needle), "{id}: {reason}");
    }
    assert_eq!(states["in"]["state"], "done", "{}", states["in"]);
}

/// Issue 24: jobs that cannot finish — a `url` document whose server accepts the connection
/// and never answers (a stuck read), and an archive that stalls far past the deadline (a slow
/// archive) — do not keep the worker alive after SIGTERM: it exits within
/// `--shutdown-timeout` + 1 s with the deadline's exit status (3), and both deliveries,
/// never acked, are back on the queue marked redelivered.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sigterm_with_stuck_jobs_exits_at_the_deadline_and_they_are_redelivered() {
    let (vhost, root) = setup!();
    let archive = Archive::start(Behaviour {
        stall: Duration::from_secs(120),
        ..Default::default()
    })
    .await;
    // Accepts connections and keeps them open without a byte of answer.
    let silent = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let silent_addr = silent.local_addr().unwrap();
    let held = std::sync::Arc::new(std::sync::Mutex::new(Vec::new()));
    let keep = std::sync::Arc::clone(&held);
    tokio::spawn(async move {
        while let Ok((socket, _)) = silent.accept().await {
            keep.lock().unwrap().push(socket);
        }
    });
    let allowed = format!("http://{silent_addr}/");
    let mut worker = Worker::spawn(
        &vhost,
        root.path(),
        Some(&archive),
        &["--allow-url", &allowed, "--shutdown-timeout", "2"],
    );
    let client = Client::connect(&vhost).await;
    wait_for_topology(&client).await;
    let docs = write_docs(root.path(), 1);
    client
        .publish(&job("stuck-archive", &docs[0]), BasicProperties::default())
        .await;
    client
        .publish(
            &job_for(
                "stuck-read",
                serde_json::json!({"url": format!("http://{silent_addr}/minutes.pdf")}),
            ),
            BasicProperties::default(),
        )
        .await;
    wait_until(Duration::from_secs(20), "both jobs stuck", || {
        archive.requests() >= 1 && !held.lock().unwrap().is_empty()
    })
    .await;
    let signalled = Instant::now();
    worker.terminate();
    let status = worker
        .wait_exit(Duration::from_secs(10))
        .await
        .expect("the worker exits");
    let took = signalled.elapsed();
    assert!(
        took < Duration::from_secs(3),
        "exited {took:?} after SIGTERM, past --shutdown-timeout 2 s + 1 s"
    );
    assert_eq!(status.code(), Some(3), "{status:?}");
    assert_eq!(archive.stored(), 0);
    let mut back = Vec::new();
    let deadline = Instant::now() + Duration::from_secs(10);
    while back.len() < 2 && Instant::now() < deadline {
        match client.get("arkivar.jobs").await {
            Some(m) => back.push(m.delivery),
            None => tokio::time::sleep(Duration::from_millis(50)).await,
        }
    }
    let mut ids: Vec<String> = back
        .iter()
        .map(|d| json(d)["job_id"].as_str().unwrap().to_owned())
        .collect();
    ids.sort();
    assert_eq!(ids, ["stuck-archive", "stuck-read"]);
    assert!(
        back.iter().all(|d| d.redelivered),
        "both marked redelivered"
    );
    assert!(client.get("arkivar.dead").await.is_none());
}

/// A one-page scan: a grey image over the whole A4 page and no text, so the pipeline asks
/// OCR for it.
fn scan_pdf() -> Vec<u8> {
    use lopdf::{Document, Object, Stream, dictionary};
    let (width, height) = (64_i64, 64_i64);
    let pixels: Vec<u8> = (0..width * height).map(|i| (i % 251) as u8).collect();
    let mut doc = Document::with_version("1.7");
    let pages_id = doc.new_object_id();
    let image = doc.add_object(Stream::new(
        dictionary! {
            "Type" => "XObject", "Subtype" => "Image", "Width" => width, "Height" => height,
            "BitsPerComponent" => 8, "ColorSpace" => "DeviceGray",
        },
        pixels,
    ));
    let content = doc.add_object(Stream::new(
        dictionary! {},
        b"q 595 0 0 842 0 0 cm /Im0 Do Q".to_vec(),
    ));
    let page = doc.add_object(dictionary! {
        "Type" => "Page", "Parent" => pages_id,
        "MediaBox" => vec![0.into(), 0.into(), 595.into(), 842.into()],
        "Contents" => content,
        "Resources" => dictionary! {"XObject" => dictionary! {"Im0" => image}},
    });
    doc.objects.insert(
        pages_id,
        Object::Dictionary(
            dictionary! {"Type" => "Pages", "Kids" => vec![Object::Reference(page)], "Count" => 1},
        ),
    );
    let catalog = doc.add_object(dictionary! {"Type" => "Catalog", "Pages" => pages_id});
    doc.trailer.set("Root", catalog);
    let mut out = Vec::new();
    doc.save_to(&mut out).unwrap();
    out
}

/// Issue 24: a hung tesseract (a stand-in on `PATH` that answers `--version` and then sleeps)
/// holds a thread of the blocking pool that nothing can cancel; SIGTERM still ends the worker
/// within `--shutdown-timeout` + 1 s with status 3, and the job is redelivered.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sigterm_with_a_hung_tesseract_exits_at_the_deadline_and_the_job_is_redelivered() {
    use std::os::unix::fs::PermissionsExt as _;
    let (vhost, root) = setup!();
    let bin = tempfile::tempdir().unwrap();
    let fake = bin.path().join("tesseract");
    let marker = bin.path().join("started");
    std::fs::write(
        &fake,
        format!(
            "#!/bin/sh\ncase \"$1\" in --version) echo 'tesseract 5.3.0'; exit 0;; esac\n\
             touch '{}'\nexec sleep 30\n",
            marker.display()
        ),
    )
    .unwrap();
    std::fs::set_permissions(&fake, std::fs::Permissions::from_mode(0o755)).unwrap();
    std::fs::write(root.path().join("scan.pdf"), scan_pdf()).unwrap();
    let path = format!(
        "{}:{}",
        bin.path().display(),
        std::env::var("PATH").unwrap_or_default()
    );
    let metrics = free_port();
    let child = Command::new(env!("CARGO_BIN_EXE_arkivar"))
        .args([
            "--pipeline",
            "protokoll-sv",
            "worker",
            "--amqp",
            &vhost.url(),
        ])
        .args([
            "--metrics-addr",
            &metrics.to_string(),
            "--shutdown-timeout",
            "2",
        ])
        .arg("--document-root")
        .arg(root.path())
        .env("PATH", path)
        .stdout(Stdio::null())
        .stderr(if std::env::var("ARKIVAR_TEST_LOG").is_ok() {
            Stdio::inherit()
        } else {
            Stdio::null()
        })
        .spawn()
        .expect("spawn the arkivar binary");
    // As a `Worker`, the child is killed if the test fails.
    let mut worker = Worker { child, metrics };
    let client = Client::connect(&vhost).await;
    wait_for_topology(&client).await;
    let job = serde_json::json!({
        "version": 1, "job_id": "hung-ocr", "document": {"path": "scan.pdf"},
        "pipeline": "protokoll-sv", "metadata": {"diarienummer": "KS hung"}
    });
    client
        .publish(job.to_string().as_bytes(), BasicProperties::default())
        .await;
    wait_until(Duration::from_secs(30), "tesseract started", || {
        marker.exists()
    })
    .await;
    let signalled = Instant::now();
    worker.terminate();
    let status = worker
        .wait_exit(Duration::from_secs(10))
        .await
        .expect("the worker exits");
    let took = signalled.elapsed();
    assert!(
        took < Duration::from_secs(3),
        "exited {took:?} after SIGTERM, past --shutdown-timeout 2 s + 1 s"
    );
    assert_eq!(status.code(), Some(3), "{status:?}");
    let back = client
        .drain("arkivar.jobs", 1, Duration::from_secs(10))
        .await;
    assert_eq!(back.len(), 1, "the job is back on the queue");
    assert_eq!(json(&back[0])["job_id"], "hung-ocr");
    assert!(back[0].redelivered);
}

/// Issue 25: at the default log level the worker prints one line once it consumes, naming
/// the metrics address as bound (the port the system chose for `--metrics-addr :0`), the
/// queue and the pipelines, and the broker without its password; nothing before it.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn worker_says_once_that_it_is_ready_and_where() {
    use std::io::BufRead as _;
    let (vhost, root) = setup!();
    let mut child = Command::new(env!("CARGO_BIN_EXE_arkivar"))
        .args(["worker", "--amqp", &vhost.url(), "--metrics-addr", ":0"])
        .arg("--document-root")
        .arg(root.path())
        .args(["--concurrency", "2", "--pipeline", "generic"])
        .env_remove("RUST_LOG")
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn the arkivar binary");
    let stderr = child.stderr.take().unwrap();
    let (tx, rx) = std::sync::mpsc::channel();
    // Reads stderr to its end, so the worker never blocks on a full pipe.
    std::thread::spawn(move || {
        for line in std::io::BufReader::new(stderr)
            .lines()
            .map_while(Result::ok)
        {
            let _ = tx.send(line);
        }
    });
    // As a `Worker`, the child is killed if the test fails.
    let mut worker = Worker {
        child,
        metrics: "127.0.0.1:0".parse().unwrap(),
    };
    let ready = rx
        .recv_timeout(Duration::from_secs(20))
        .expect("the worker prints a line when ready");
    assert!(ready.contains("worker ready"), "{ready}");
    assert!(ready.contains("queue=arkivar.jobs"), "{ready}");
    assert!(ready.contains("concurrency=2"), "{ready}");
    assert!(ready.contains("pipelines=generic,protokoll-sv"), "{ready}");
    assert!(
        ready.contains(&format!("broker=amqp://127.0.0.1:5672/{}", vhost.name)),
        "{ready}"
    );
    assert!(!ready.contains("guest"), "credentials in the log: {ready}");
    // `:0` is every interface on a port the system chose; the line says which.
    let port: u16 = ready
        .split_once("health=http://0.0.0.0:")
        .and_then(|(_, rest)| rest.split(' ').next())
        .and_then(|port| port.parse().ok())
        .unwrap_or_else(|| panic!("no bound metrics address: {ready}"));
    assert_ne!(port, 0, "{ready}");
    worker.metrics = SocketAddr::from(([127, 0, 0, 1], port));
    worker
        .wait_for("/readyz", 200, Duration::from_secs(5))
        .await;
    // Nothing else while it waits for jobs.
    tokio::time::sleep(Duration::from_millis(300)).await;
    let after: Vec<String> = rx.try_iter().collect();
    assert!(after.is_empty(), "more than the ready line: {after:?}");
    worker.terminate();
    let status = worker.wait_exit(Duration::from_secs(10)).await;
    assert_eq!(status.and_then(|s| s.code()), Some(0), "{status:?}");
}

/// `--sip-dir`: each job's document gets its archive package, carrying the job's metadata,
/// before the job is acknowledged; a job for the same document again keeps the package.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn each_job_gets_an_archive_package_with_its_case_metadata() {
    let (vhost, root) = setup!();
    let sip_dir = tempfile::tempdir().unwrap();
    let _worker = Worker::spawn(
        &vhost,
        root.path(),
        None,
        &["--sip-dir", sip_dir.path().to_str().unwrap()],
    );
    let client = Client::connect(&vhost).await;
    wait_for_topology(&client).await;
    client.queue("records", true).await;
    let docs = write_docs(root.path(), 2);
    for (i, d) in docs.iter().enumerate() {
        client
            .publish(&job(&format!("job-{i}"), d), BasicProperties::default())
            .await;
    }
    // A record is published only after its package is on disk.
    let published = client.drain("records", 2, Duration::from_secs(30)).await;
    assert_eq!(published.len(), 2);
    for i in 0..2 {
        let package = sip_dir
            .path()
            .join(format!("arkivar-{}", sha256_hex(&document(i))));
        let case = std::fs::read_to_string(package.join("metadata/descriptive/case.xml"))
            .unwrap_or_else(|e| panic!("{}: {e}", package.display()));
        assert!(
            case.contains(&format!("<diarienummer>KS job-{i}</diarienummer>")),
            "{case}"
        );
        assert!(package.join("METS.xml").is_file());
    }
    let before = std::fs::read_dir(sip_dir.path()).unwrap().count();
    client
        .publish(&job("job-again", &docs[0]), BasicProperties::default())
        .await;
    let again = client.drain("records", 1, Duration::from_secs(30)).await;
    assert_eq!(again.len(), 1);
    assert_eq!(std::fs::read_dir(sip_dir.path()).unwrap().count(), before);
}
