//! The job endpoints of `arkivar serve` (`POST /v1/jobs`, `GET /v1/jobs/{id}`, the e-sign
//! webhook) against the real broker at 127.0.0.1:5672: each test gets a vhost of its own
//! (`broker::Vhost`, deleted afterwards), runs the router in process with its broker
//! connection, and looks at what reached the queues with a client of its own. Documents for
//! the webhook come from a real HTTP server the test starts.
//!
//! Without a broker the broker tests print why they skip; with `CI=true` they fail instead.

mod broker;
mod common;

use std::collections::BTreeMap;
use std::net::SocketAddr;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use arkivar::shutdown::Shutdown;
use axum::body::Body;
use axum::http::{HeaderMap, Request, StatusCode, header};
use base64::Engine as _;
use http_body_util::BodyExt;
use lapin::options::{BasicGetOptions, BasicPublishOptions};
use lapin::types::{AMQPValue, FieldArray, FieldTable, LongString};
use lapin::{BasicProperties, Channel, Connection, ConnectionProperties};
use tower::ServiceExt;

use arkivar::job::{self, JobDocument};
use arkivar::pipeline::Settings;
use arkivar::record::{JobInfo, SourceInfo};
use arkivar::sources::amqp::Topology;
use arkivar::sources::http::webhook::{SIGNATURE_HEADER, signature};
use arkivar::sources::http::{App, Config, QueueConfig, router};
use broker::Vhost;

const JOBS: &str = "arkivar.jobs";

/// The server under test, its broker connection, and the test's own broker client.
struct Served {
    app: Arc<App>,
    /// Dropping it stops the server's broker connection.
    _stop: Shutdown,
    client: Client,
    vhost: Vhost,
}

/// The test's own connection, to declare, publish and look.
struct Client {
    _conn: Connection,
    ch: Channel,
}

impl Client {
    async fn connect(url: &str) -> Client {
        let conn = tokio::time::timeout(
            Duration::from_secs(10),
            Connection::connect(url, ConnectionProperties::default()),
        )
        .await
        .expect("connect in time")
        .expect("connect");
        let ch = conn.create_channel().await.unwrap();
        ch.confirm_select(Default::default()).await.unwrap();
        Client { _conn: conn, ch }
    }

    /// The next message on the job queue, if any.
    async fn next_job(&self) -> Option<lapin::message::Delivery> {
        self.ch
            .basic_get(JOBS.into(), BasicGetOptions { no_ack: true })
            .await
            .unwrap()
            .map(|m| m.delivery)
    }

    /// Every message on the job queue now.
    async fn all_jobs(&self) -> Vec<lapin::message::Delivery> {
        let mut out = Vec::new();
        while let Some(d) = self.next_job().await {
            out.push(d);
        }
        out
    }

    async fn publish(&self, exchange: &str, key: &str, body: &[u8], props: BasicProperties) {
        let confirm = self
            .ch
            .basic_publish(
                exchange.into(),
                key.into(),
                BasicPublishOptions::default(),
                body,
                props,
            )
            .await
            .unwrap()
            .await
            .unwrap();
        assert!(confirm.is_ack());
    }
}

fn config(queue: Option<QueueConfig>, token: Option<&str>) -> Config {
    Config {
        listen: "127.0.0.1:0".parse().unwrap(),
        max_body_bytes: 1 << 20,
        concurrency: 1,
        token: token.map(str::to_owned),
        queue,
        cache: Default::default(),
        shutdown_timeout: std::time::Duration::from_secs(5),
    }
}

/// A server connected to a fresh vhost; with `topology`, the worker's queues and exchanges are
/// declared first, as a running worker would have. `None` when there is no broker.
async fn serve(
    topology: bool,
    token: Option<&str>,
    adjust: impl FnOnce(&mut QueueConfig),
) -> Option<Served> {
    let vhost = Vhost::create()?;
    let client = Client::connect(&vhost.url()).await;
    if topology {
        Topology::default().declare(&client.ch).await.unwrap();
    }
    let mut queue = QueueConfig::new(vhost.url());
    adjust(&mut queue);
    let app = App::new(config(Some(queue), token), Settings::default()).unwrap();
    let stop = Shutdown::new();
    app.connect(&stop).expect("a broker is configured");
    wait_until(
        Duration::from_secs(10),
        "the server's broker connection",
        || app.jobs.as_ref().unwrap().queue.is_connected(),
    )
    .await;
    Some(Served {
        app,
        _stop: stop,
        client,
        vhost,
    })
}

async fn wait_until(limit: Duration, what: &str, mut done: impl FnMut() -> bool) {
    let deadline = Instant::now() + limit;
    while !done() {
        assert!(Instant::now() < deadline, "timed out waiting for {what}");
        tokio::time::sleep(Duration::from_millis(25)).await;
    }
}

struct Answer {
    status: StatusCode,
    json: serde_json::Value,
    headers: HeaderMap,
}

async fn call(app: &Arc<App>, request: Request<Body>) -> Answer {
    let response = router(app.clone()).oneshot(request).await.unwrap();
    let status = response.status();
    let headers = response.headers().clone();
    let bytes = response.into_body().collect().await.unwrap().to_bytes();
    let json = serde_json::from_slice(&bytes)
        .unwrap_or_else(|_| serde_json::Value::String(String::from_utf8_lossy(&bytes).into()));
    Answer {
        status,
        json,
        headers,
    }
}

fn post(uri: &str, content_type: &str, body: impl Into<Body>) -> Request<Body> {
    Request::post(uri)
        .header(header::CONTENT_TYPE, content_type)
        .body(body.into())
        .unwrap()
}

fn get(uri: &str) -> Request<Body> {
    Request::get(uri).body(Body::empty()).unwrap()
}

fn post_json(uri: &str, value: &serde_json::Value) -> Request<Body> {
    post(uri, "application/json", value.to_string())
}

/// The inline document of a published job, decoded.
fn inline_bytes(job: &job::Job) -> Vec<u8> {
    match &job.document {
        JobDocument::Base64(text) => base64::engine::general_purpose::STANDARD
            .decode(text)
            .unwrap(),
        other => panic!("not inline: {other:?}"),
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn json_job_is_published_persistent_with_its_id_as_correlation_id() {
    let Some(s) = serve(true, None, |q| {
        q.rules.allowed_urls = vec!["https://files.example/".into()];
    })
    .await
    else {
        return;
    };
    let sent = serde_json::json!({
        "version": 1, "job_id": "KS 2024/17", "document": {"url": "https://files.example/a.pdf"},
        "pipeline": "generic", "metadata": {"diarienummer": "KS 2024/17"}
    });
    let answer = call(&s.app, post_json("/v1/jobs", &sent)).await;
    assert_eq!(answer.status, StatusCode::ACCEPTED, "{}", answer.json);
    assert_eq!(answer.json["job_id"], "KS 2024/17");
    assert_eq!(answer.json["status_url"], "/v1/jobs/KS%202024%2F17");
    assert_eq!(answer.headers[header::LOCATION], "/v1/jobs/KS%202024%2F17");

    let message = s.client.next_job().await.expect("the job is on the queue");
    assert_eq!(*message.properties.delivery_mode(), Some(2), "persistent");
    assert_eq!(
        message
            .properties
            .correlation_id()
            .as_ref()
            .unwrap()
            .as_str(),
        "KS 2024/17"
    );
    assert_eq!(
        message.properties.content_type().as_ref().unwrap().as_str(),
        "application/json"
    );
    let published = job::parse(&message.data).expect("the worker can parse it");
    assert_eq!(published, job::parse(sent.to_string().as_bytes()).unwrap());

    let state = call(&s.app, get("/v1/jobs/KS%202024%2F17")).await;
    assert_eq!(state.status, StatusCode::OK, "{}", state.json);
    assert_eq!(state.json["state"], "queued");
    assert!(state.json["queued_at"].is_string());

    // The same id again: refused, and not published a second time.
    let again = call(&s.app, post_json("/v1/jobs", &sent)).await;
    assert_eq!(again.status, StatusCode::CONFLICT, "{}", again.json);
    assert_eq!(again.json["error"], "job_exists");
    assert!(s.client.next_job().await.is_none());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn pdf_bodies_are_enqueued_inline() {
    let Some(s) = serve(true, None, |_| {}).await else {
        return;
    };
    let pdf = common::swedish_winansi();

    let raw = call(
        &s.app,
        post(
            "/v1/jobs?job_id=raw-1&pipeline=generic",
            "application/pdf",
            pdf.clone(),
        ),
    )
    .await;
    assert_eq!(raw.status, StatusCode::ACCEPTED, "{}", raw.json);
    assert_eq!(raw.json["job_id"], "raw-1");

    let mut form = Vec::new();
    form.extend_from_slice(
        b"--XyZ\r\nContent-Disposition: form-data; name=\"job_id\"\r\n\r\nform-1\r\n\
          --XyZ\r\nContent-Disposition: form-data; name=\"metadata\"\r\n\r\n{\"dnr\":\"KS 2024/17\"}\r\n\
          --XyZ\r\nContent-Disposition: form-data; name=\"file\"; filename=\"protokoll.pdf\"\r\n\
          Content-Type: application/pdf\r\n\r\n",
    );
    form.extend_from_slice(&pdf);
    form.extend_from_slice(b"\r\n--XyZ--\r\n");
    let multipart = call(
        &s.app,
        post("/v1/jobs", "multipart/form-data; boundary=XyZ", form),
    )
    .await;
    assert_eq!(multipart.status, StatusCode::ACCEPTED, "{}", multipart.json);

    let anonymous = call(&s.app, post("/v1/jobs", "application/pdf", pdf.clone())).await;
    assert_eq!(anonymous.status, StatusCode::ACCEPTED, "{}", anonymous.json);
    let generated = anonymous.json["job_id"].as_str().unwrap().to_owned();
    assert!(uuid::Uuid::parse_str(&generated).is_ok(), "{generated}");

    let jobs: Vec<job::Job> = s
        .client
        .all_jobs()
        .await
        .iter()
        .map(|d| job::parse(&d.data).unwrap())
        .collect();
    assert_eq!(jobs.len(), 3);
    let by_id: BTreeMap<&str, &job::Job> = jobs.iter().map(|j| (j.job_id.as_str(), j)).collect();
    for id in ["raw-1", "form-1", generated.as_str()] {
        assert_eq!(
            inline_bytes(by_id[id]),
            pdf,
            "{id} carries the PDF unchanged"
        );
    }
    assert_eq!(by_id["raw-1"].pipeline, "generic");
    assert_eq!(by_id["form-1"].pipeline, "protokoll-sv");
    assert_eq!(by_id["form-1"].metadata["dnr"], "KS 2024/17");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bad_jobs_are_refused_with_a_reason_and_nothing_is_published() {
    let Some(s) = serve(true, None, |q| {
        q.rules.allowed_urls = vec!["https://files.example/".into()];
        q.rules.max_inline_bytes = 4096;
    })
    .await
    else {
        return;
    };
    let job = |id: &str, document: serde_json::Value, pipeline: &str| {
        serde_json::json!({"version": 1, "job_id": id, "document": document, "pipeline": pipeline})
            .to_string()
    };
    let mut padded = common::swedish_winansi();
    padded.resize(5000, b' ');
    let cases: Vec<(&str, &str, Vec<u8>, StatusCode, &str)> = vec![
        (
            "not JSON",
            "application/json",
            b"{not json".to_vec(),
            StatusCode::BAD_REQUEST,
            "bad_json",
        ),
        (
            "wrong version",
            "application/json",
            br#"{"version":2,"job_id":"v","document":{"path":"a.pdf"}}"#.to_vec(),
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid_job",
        ),
        (
            "unknown field",
            "application/json",
            br#"{"version":1,"job_id":"f","document":{"path":"a.pdf"},"priority":1}"#.to_vec(),
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid_job",
        ),
        (
            "url off the allow-list",
            "application/json",
            job(
                "u",
                serde_json::json!({"url": "https://files.example.evil/a.pdf"}),
                "generic",
            )
            .into_bytes(),
            StatusCode::FORBIDDEN,
            "url_not_allowed",
        ),
        (
            "unknown pipeline",
            "application/json",
            job(
                "p",
                serde_json::json!({"url": "https://files.example/a.pdf"}),
                "nope",
            )
            .into_bytes(),
            StatusCode::UNPROCESSABLE_ENTITY,
            "unknown_pipeline",
        ),
        (
            "path without a document root",
            "application/json",
            job("d", serde_json::json!({"path": "a.pdf"}), "generic").into_bytes(),
            StatusCode::UNPROCESSABLE_ENTITY,
            "paths_not_accepted",
        ),
        (
            "bad base64",
            "application/json",
            job("b", serde_json::json!({"base64": "not base64!"}), "generic").into_bytes(),
            StatusCode::UNPROCESSABLE_ENTITY,
            "bad_base64",
        ),
        (
            "not a PDF",
            "application/pdf",
            common::not_a_pdf(),
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "not_pdf",
        ),
        (
            "PDF over the inline limit",
            "application/pdf",
            padded,
            StatusCode::PAYLOAD_TOO_LARGE,
            "too_large",
        ),
        (
            "unknown form part",
            "multipart/form-data; boundary=b",
            b"--b\r\nContent-Disposition: form-data; name=\"priority\"\r\n\r\n1\r\n--b--\r\n"
                .to_vec(),
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid_job",
        ),
    ];
    for (what, content_type, body, status, code) in cases {
        let answer = call(&s.app, post("/v1/jobs", content_type, body)).await;
        assert_eq!(answer.status, status, "{what}: {}", answer.json);
        assert_eq!(answer.json["error"], code, "{what}: {}", answer.json);
        assert!(
            !answer.json["message"].as_str().unwrap().is_empty(),
            "{what}"
        );
    }
    let bad_query = call(
        &s.app,
        post(
            "/v1/jobs?priority=1",
            "application/pdf",
            common::swedish_winansi(),
        ),
    )
    .await;
    assert_eq!(
        bad_query.status,
        StatusCode::BAD_REQUEST,
        "{}",
        bad_query.json
    );

    assert!(s.client.next_job().await.is_none(), "nothing was published");
    for id in ["u", "p", "d", "b"] {
        let answer = call(&s.app, get(&format!("/v1/jobs/{id}"))).await;
        assert_eq!(answer.status, StatusCode::NOT_FOUND, "{id}");
        assert_eq!(answer.json["error"], "unknown_job");
    }
}

/// A client that hangs up while its job is being published: the publish still completes,
/// so what the tracker says and what is on the queue agree.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn client_hanging_up_mid_publish_leaves_the_job_queued_and_tracked() {
    let Some(s) = serve(true, None, |_| {}).await else {
        return;
    };
    let request = post(
        "/v1/jobs?job_id=hangup-1",
        "application/pdf",
        common::swedish_winansi(),
    );
    let mut handler = Box::pin(router(s.app.clone()).oneshot(request));
    // One poll reads the body and starts the publish, which waits for the broker's confirm.
    assert!(futures_util::poll!(&mut handler).is_pending());
    drop(handler);
    let metrics = || s.app.metrics.render();
    wait_until(
        Duration::from_secs(10),
        "the confirm of the dropped request",
        || metrics().contains("arkivar_jobs_enqueued_total{source=\"api\"} 1"),
    )
    .await;
    let state = call(&s.app, get("/v1/jobs/hangup-1")).await;
    assert_eq!(state.json["state"], "queued", "{}", state.json);
    let jobs = s.client.all_jobs().await;
    assert_eq!(jobs.len(), 1);
    assert_eq!(
        jobs[0]
            .properties
            .correlation_id()
            .as_ref()
            .unwrap()
            .as_str(),
        "hangup-1"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn results_on_the_exchanges_update_the_job_state() {
    let Some(s) = serve(true, None, |_| {}).await else {
        return;
    };
    let pdf = common::swedish_winansi();
    for id in ["done-1", "dead-1", "limit-1"] {
        let answer = call(
            &s.app,
            post(
                &format!("/v1/jobs?job_id={id}"),
                "application/pdf",
                pdf.clone(),
            ),
        )
        .await;
        assert_eq!(answer.status, StatusCode::ACCEPTED, "{}", answer.json);
    }
    let queued = s.client.all_jobs().await;
    assert_eq!(queued.len(), 3);

    // The record a worker would publish for done-1.
    let mut record =
        arkivar::pipeline::process(&pdf, SourceInfo::named("done-1"), &Settings::default());
    record.job = Some(JobInfo {
        job_id: "done-1".into(),
        pipeline: "protokoll-sv".into(),
        metadata: BTreeMap::new(),
        correlation_id: Some("done-1".into()),
        archive_id: None,
        archive_error: None,
    });
    let body = serde_json::to_vec(&record).unwrap();
    let key = format!("record.{}", record.status.as_str());
    s.client
        .publish("arkivar.records", &key, &body, BasicProperties::default())
        .await;
    // A record of a job enqueued elsewhere is not ours to track.
    let mut foreign = record.clone();
    foreign.job.as_mut().unwrap().job_id = "elsewhere-1".into();
    s.client
        .publish(
            "arkivar.records",
            &key,
            &serde_json::to_vec(&foreign).unwrap(),
            BasicProperties::default(),
        )
        .await;

    // The worker dead-letters dead-1 with its reason in headers.
    let mut headers = FieldTable::default();
    for (k, v) in [
        ("x-arkivar-reason-code", "document_unavailable"),
        ("x-arkivar-reason", "job dead-1: fetching …: HTTP 404"),
        ("x-arkivar-job-id", "dead-1"),
    ] {
        headers.insert(k.into(), AMQPValue::LongString(LongString::from(v)));
    }
    let dead_body = queued
        .iter()
        .find(|d| d.properties.correlation_id().as_ref().unwrap().as_str() == "dead-1")
        .unwrap()
        .data
        .clone();
    s.client
        .publish(
            "arkivar.dead",
            "",
            &dead_body,
            BasicProperties::default().with_headers(headers),
        )
        .await;

    // The broker itself dead-letters limit-1 (delivery limit): only x-death says why.
    let mut death = FieldTable::default();
    death.insert(
        "reason".into(),
        AMQPValue::LongString(LongString::from("delivery_limit")),
    );
    let mut headers = FieldTable::default();
    headers.insert(
        "x-death".into(),
        AMQPValue::FieldArray(FieldArray::from(vec![AMQPValue::FieldTable(death)])),
    );
    let limit_body = queued
        .iter()
        .find(|d| d.properties.correlation_id().as_ref().unwrap().as_str() == "limit-1")
        .unwrap()
        .data
        .clone();
    s.client
        .publish(
            "arkivar.dead",
            "",
            &limit_body,
            BasicProperties::default().with_headers(headers),
        )
        .await;

    let deadline = Instant::now() + Duration::from_secs(10);
    let states = loop {
        let mut states = BTreeMap::new();
        for id in ["done-1", "dead-1", "limit-1"] {
            states.insert(id, call(&s.app, get(&format!("/v1/jobs/{id}"))).await.json);
        }
        if states.values().all(|v| v["state"] != "queued") {
            break states;
        }
        assert!(
            Instant::now() < deadline,
            "results did not arrive: {states:?}"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    };
    assert_eq!(states["done-1"]["state"], "done");
    assert_eq!(states["done-1"]["status"], record.status.as_str());
    assert_eq!(states["done-1"]["record"]["job"]["job_id"], "done-1");
    assert_eq!(
        states["done-1"]["record"]["identity"]["sha256"],
        record.identity.sha256.as_str()
    );
    assert!(states["done-1"]["finished_at"].is_string());
    assert_eq!(states["dead-1"]["state"], "dead_lettered");
    assert_eq!(states["dead-1"]["reason_code"], "document_unavailable");
    assert!(states["dead-1"]["reason"].as_str().unwrap().contains("404"));
    assert_eq!(states["limit-1"]["state"], "dead_lettered");
    assert_eq!(states["limit-1"]["reason_code"], "delivery_limit");
    let foreign = call(&s.app, get("/v1/jobs/elsewhere-1")).await;
    assert_eq!(foreign.status, StatusCode::NOT_FOUND);

    let metrics = call(&s.app, get("/metrics")).await.json;
    let metrics = metrics.as_str().unwrap();
    assert!(
        metrics.contains("arkivar_jobs_enqueued_total{source=\"api\"} 3"),
        "{metrics}"
    );
    assert!(
        metrics.contains("arkivar_job_results_total{state=\"done\"} 1"),
        "{metrics}"
    );
    assert!(
        metrics.contains("arkivar_job_results_total{state=\"dead_lettered\"} 2"),
        "{metrics}"
    );
    assert!(metrics.contains("arkivar_broker_connected 1"), "{metrics}");
}

/// Serves documents for the webhook: `/files/{name}` from a map, `/files/redirect` to a path
/// outside `/files/`; counts every request by path.
#[derive(Clone, Default)]
struct DocumentServer {
    files: Arc<Mutex<BTreeMap<String, Vec<u8>>>>,
    hits: Arc<Mutex<BTreeMap<String, usize>>>,
    addr: Arc<Mutex<Option<SocketAddr>>>,
}

impl DocumentServer {
    async fn start(files: &[(&str, Vec<u8>)]) -> DocumentServer {
        use axum::extract::{Path, State};
        use axum::response::IntoResponse;
        let server = DocumentServer::default();
        for (name, bytes) in files {
            server
                .files
                .lock()
                .unwrap()
                .insert((*name).to_owned(), bytes.clone());
        }
        let app = axum::Router::new()
            .route(
                "/{*path}",
                axum::routing::get(
                    |State(server): State<DocumentServer>, Path(path): Path<String>| async move {
                        *server.hits.lock().unwrap().entry(path.clone()).or_default() += 1;
                        if path == "files/redirect" {
                            return (StatusCode::FOUND, [(header::LOCATION, "/elsewhere/x.pdf")])
                                .into_response();
                        }
                        let name = path.strip_prefix("files/").unwrap_or("");
                        match server.files.lock().unwrap().get(name) {
                            Some(bytes) => bytes.clone().into_response(),
                            None => StatusCode::NOT_FOUND.into_response(),
                        }
                    },
                ),
            )
            .with_state(server.clone());
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        *server.addr.lock().unwrap() = Some(listener.local_addr().unwrap());
        tokio::spawn(async move {
            let _ = axum::serve(listener, app).await;
        });
        server
    }

    fn url(&self, path: &str) -> String {
        format!("http://{}/{path}", self.addr.lock().unwrap().unwrap())
    }

    fn hits(&self, path: &str) -> usize {
        self.hits.lock().unwrap().get(path).copied().unwrap_or(0)
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn webhook_fetches_the_allowed_document_and_enqueues_it() {
    let pdf = common::multi_page(2);
    let docs =
        DocumentServer::start(&[("signed.pdf", pdf.clone()), ("note.txt", b"hello".to_vec())])
            .await;
    let allowed = docs.url("files/");
    let Some(s) = serve(true, None, |q| q.rules.allowed_urls = vec![allowed.clone()]).await else {
        return;
    };
    let hook = "/v1/webhooks/esign";

    let adobe = serde_json::json!({
        "event": "AGREEMENT_WORKFLOW_COMPLETED",
        "agreement": {"id": "CBJCHBCAABAA", "name": "Protokoll KS"},
        "document_url": docs.url("files/signed.pdf"),
        "webhookId": "ignored too"
    });
    let answer = call(&s.app, post_json(hook, &adobe)).await;
    assert_eq!(answer.status, StatusCode::ACCEPTED, "{}", answer.json);
    assert_eq!(answer.json["job_id"], "esign-CBJCHBCAABAA");
    assert_eq!(answer.json["status_url"], "/v1/jobs/esign-CBJCHBCAABAA");
    // The platform delivers the same notification again: same job, no second fetch.
    let again = call(&s.app, post_json(hook, &adobe)).await;
    assert_eq!(again.status, StatusCode::ACCEPTED, "{}", again.json);
    assert_eq!(again.json["duplicate"], true);
    assert_eq!(docs.hits("files/signed.pdf"), 1);

    let generic = serde_json::json!({
        "document_url": docs.url("files/signed.pdf"),
        "metadata": {"diarienummer": "KS 2024/17"},
        "pipeline": "generic"
    });
    let answer = call(&s.app, post_json(hook, &generic)).await;
    assert_eq!(answer.status, StatusCode::ACCEPTED, "{}", answer.json);
    let generic_id = answer.json["job_id"].as_str().unwrap().to_owned();
    assert!(generic_id.starts_with("esign-"), "{generic_id}");

    let ignored = call(
        &s.app,
        post_json(
            hook,
            &serde_json::json!({"event": "AGREEMENT_CREATED", "agreement": {"id": "X"}}),
        ),
    )
    .await;
    assert_eq!(ignored.status, StatusCode::OK, "{}", ignored.json);
    assert_eq!(ignored.json["ignored"], true);

    let refused: Vec<(serde_json::Value, StatusCode, &str)> = vec![
        (
            serde_json::json!({"document_url": docs.url("elsewhere/x.pdf")}),
            StatusCode::FORBIDDEN,
            "url_not_allowed",
        ),
        (
            // Starts with the allowed prefix as text, but is fetched as /elsewhere/x.pdf.
            serde_json::json!({"document_url": docs.url("files/%2e%2e/elsewhere/x.pdf")}),
            StatusCode::FORBIDDEN,
            "url_not_allowed",
        ),
        (
            serde_json::json!({"document_url": "file:///etc/passwd"}),
            StatusCode::FORBIDDEN,
            "url_not_allowed",
        ),
        (
            serde_json::json!({"document_url": docs.url("files/redirect")}),
            StatusCode::FORBIDDEN,
            "url_not_allowed",
        ),
        (
            serde_json::json!({"document_url": docs.url("files/missing.pdf")}),
            StatusCode::BAD_GATEWAY,
            "fetch_failed",
        ),
        (
            serde_json::json!({"document_url": docs.url("files/note.txt")}),
            StatusCode::UNPROCESSABLE_ENTITY,
            "not_pdf",
        ),
        (
            serde_json::json!({"metadata": {}}),
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid_notification",
        ),
        (
            serde_json::json!({"document_url": 17}),
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid_notification",
        ),
    ];
    for (body, status, code) in refused {
        let answer = call(&s.app, post_json(hook, &body)).await;
        assert_eq!(answer.status, status, "{body}: {}", answer.json);
        assert_eq!(answer.json["error"], code, "{body}: {}", answer.json);
    }
    let not_json = call(&s.app, post(hook, "application/json", "{")).await;
    assert_eq!(not_json.status, StatusCode::BAD_REQUEST);
    assert_eq!(
        docs.hits("elsewhere/x.pdf"),
        0,
        "a disallowed URL is never fetched"
    );

    let jobs: Vec<job::Job> = s
        .client
        .all_jobs()
        .await
        .iter()
        .map(|d| job::parse(&d.data).unwrap())
        .collect();
    let mut ids: Vec<&str> = jobs.iter().map(|j| j.job_id.as_str()).collect();
    ids.sort_unstable();
    let mut expected = vec!["esign-CBJCHBCAABAA", generic_id.as_str()];
    expected.sort_unstable();
    assert_eq!(ids, expected, "exactly the two accepted jobs were enqueued");
    for j in &jobs {
        assert_eq!(inline_bytes(j), pdf);
        assert_eq!(
            j.metadata["esign"]["document_url"],
            docs.url("files/signed.pdf")
        );
    }
    let adobe_job = jobs
        .iter()
        .find(|j| j.job_id == "esign-CBJCHBCAABAA")
        .unwrap();
    assert_eq!(adobe_job.metadata["esign"]["agreement_id"], "CBJCHBCAABAA");
    assert_eq!(
        adobe_job.metadata["esign"]["event"],
        "AGREEMENT_WORKFLOW_COMPLETED"
    );
    let generic_job = jobs.iter().find(|j| j.job_id == generic_id).unwrap();
    assert_eq!(generic_job.metadata["diarienummer"], "KS 2024/17");
    assert_eq!(generic_job.pipeline, "generic");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn webhook_secret_replaces_the_bearer_token_for_the_webhook_only() {
    let docs = DocumentServer::start(&[("signed.pdf", common::swedish_winansi())]).await;
    let allowed = docs.url("files/");
    let Some(s) = serve(true, Some("api-token"), |q| {
        q.rules.allowed_urls = vec![allowed.clone()];
        q.webhook_secret = Some("hook-secret".into());
    })
    .await
    else {
        return;
    };
    let body = serde_json::json!({"document_url": docs.url("files/signed.pdf")}).to_string();
    let unsigned = call(
        &s.app,
        post("/v1/webhooks/esign", "application/json", body.clone()),
    )
    .await;
    assert_eq!(unsigned.status, StatusCode::UNAUTHORIZED);
    assert_eq!(unsigned.json["error"], "bad_signature");
    let forged = Request::post("/v1/webhooks/esign")
        .header(header::CONTENT_TYPE, "application/json")
        .header(SIGNATURE_HEADER, signature(body.as_bytes(), "guess"))
        .body(Body::from(body.clone()))
        .unwrap();
    assert_eq!(call(&s.app, forged).await.status, StatusCode::UNAUTHORIZED);
    assert_eq!(docs.hits("files/signed.pdf"), 0, "nothing fetched unsigned");
    let signed = Request::post("/v1/webhooks/esign")
        .header(header::CONTENT_TYPE, "application/json")
        .header(SIGNATURE_HEADER, signature(body.as_bytes(), "hook-secret"))
        .body(Body::from(body.clone()))
        .unwrap();
    let answer = call(&s.app, signed).await;
    assert_eq!(answer.status, StatusCode::ACCEPTED, "{}", answer.json);
    // The other routes still need the token.
    let job = call(
        &s.app,
        post("/v1/jobs", "application/pdf", common::swedish_winansi()),
    )
    .await;
    assert_eq!(job.status, StatusCode::UNAUTHORIZED);
    assert_eq!(s.client.all_jobs().await.len(), 1);
}

#[tokio::test]
async fn without_a_broker_the_job_endpoints_answer_503() {
    let app = App::new(config(None, None), Settings::default()).unwrap();
    assert!(app.connect(&Shutdown::new()).is_none());
    for request in [
        post("/v1/jobs", "application/pdf", common::swedish_winansi()),
        get("/v1/jobs/any"),
        post_json(
            "/v1/webhooks/esign",
            &serde_json::json!({"document_url": "https://x/"}),
        ),
    ] {
        let answer = call(&app, request).await;
        assert_eq!(answer.status, StatusCode::SERVICE_UNAVAILABLE);
        assert_eq!(answer.json["error"], "no_broker");
        assert!(answer.headers.contains_key(header::RETRY_AFTER));
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn unreachable_broker_is_503_and_the_job_is_not_tracked() {
    // A port nobody listens on: connecting is refused at once, every time.
    let closed = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = closed.local_addr().unwrap().port();
    drop(closed);
    let queue = QueueConfig::new(format!("amqp://guest:guest@127.0.0.1:{port}/%2f"));
    let app = App::new(config(Some(queue), None), Settings::default()).unwrap();
    let stop = Shutdown::new();
    app.connect(&stop);
    tokio::time::sleep(Duration::from_millis(300)).await;
    let answer = call(
        &app,
        post(
            "/v1/jobs?job_id=lost-1",
            "application/pdf",
            common::swedish_winansi(),
        ),
    )
    .await;
    assert_eq!(
        answer.status,
        StatusCode::SERVICE_UNAVAILABLE,
        "{}",
        answer.json
    );
    assert_eq!(answer.json["error"], "broker_unavailable");
    assert!(
        answer.json["message"].as_str().unwrap().contains("connect"),
        "{}",
        answer.json
    );
    assert_eq!(
        call(&app, get("/v1/jobs/lost-1")).await.status,
        StatusCode::NOT_FOUND
    );
    // Not ready while the broker is away: Kubernetes sends its traffic elsewhere.
    let ready = call(&app, get("/readyz")).await;
    assert_eq!(
        ready.status,
        StatusCode::SERVICE_UNAVAILABLE,
        "{}",
        ready.json
    );
    assert_eq!(ready.json["error"], "not_ready");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn no_job_queue_is_503_until_one_is_declared() {
    let Some(s) = serve(false, None, |_| {}).await else {
        return;
    };
    let request = || {
        post(
            "/v1/jobs?job_id=early-1",
            "application/pdf",
            common::swedish_winansi(),
        )
    };
    let answer = call(&s.app, request()).await;
    assert_eq!(
        answer.status,
        StatusCode::SERVICE_UNAVAILABLE,
        "{}",
        answer.json
    );
    assert_eq!(answer.json["error"], "no_job_queue");
    // A worker starts and declares its topology; the same job id is accepted now.
    Topology::default().declare(&s.client.ch).await.unwrap();
    let answer = call(&s.app, request()).await;
    assert_eq!(answer.status, StatusCode::ACCEPTED, "{}", answer.json);
    assert_eq!(s.client.all_jobs().await.len(), 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn connection_cut_every_202_is_on_the_queue_and_the_server_reconnects() {
    let Some(s) = serve(true, None, |_| {}).await else {
        return;
    };
    let accepted = AtomicUsize::new(0);
    let mut unavailable = 0;
    let post_one = |n: usize| {
        post(
            &format!("/v1/jobs?job_id=cut-{n}"),
            "application/pdf",
            common::swedish_winansi(),
        )
    };
    for n in 0..5 {
        assert_eq!(call(&s.app, post_one(n)).await.status, StatusCode::ACCEPTED);
        accepted.fetch_add(1, Ordering::Relaxed);
    }
    s.vhost.cut_connections();
    // Keep posting through the cut until the server has reconnected and accepts again.
    let deadline = Instant::now() + Duration::from_secs(20);
    let mut n = 5;
    let mut after_cut = 0;
    while after_cut < 3 {
        assert!(Instant::now() < deadline, "the server did not reconnect");
        let answer = call(&s.app, post_one(n)).await;
        match answer.status {
            StatusCode::ACCEPTED => {
                accepted.fetch_add(1, Ordering::Relaxed);
                after_cut += 1;
            }
            StatusCode::SERVICE_UNAVAILABLE => {
                unavailable += 1;
                tokio::time::sleep(Duration::from_millis(50)).await;
            }
            other => panic!("unexpected {other}: {}", answer.json),
        }
        n += 1;
    }
    // The cut closed our own client too.
    let client = Client::connect(&s.vhost.url()).await;
    let on_queue = client.all_jobs().await;
    assert_eq!(
        on_queue.len(),
        accepted.load(Ordering::Relaxed),
        "every 202 is on the queue, and no 503 is ({unavailable} answered 503)"
    );
}

/// The whole path: `arkivar worker` (the binary) takes the job serve enqueued, and its record
/// reaches `GET /v1/jobs/{id}`.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn end_to_end_with_a_real_worker() {
    let Some(s) = serve(false, None, |_| {}).await else {
        return;
    };
    let root = tempfile::tempdir().unwrap();
    let mut worker = std::process::Command::new(env!("CARGO_BIN_EXE_arkivar"))
        .args([
            "worker",
            "--amqp",
            &s.vhost.url(),
            "--metrics-addr",
            "127.0.0.1:0",
        ])
        .arg("--document-root")
        .arg(root.path())
        .args(["--concurrency", "1", "--log-format", "json"])
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .expect("spawn the arkivar binary");
    struct Kill<'a>(&'a mut std::process::Child);
    impl Drop for Kill<'_> {
        fn drop(&mut self) {
            let _ = self.0.kill();
            let _ = self.0.wait();
        }
    }
    let _kill = Kill(&mut worker);

    // Until the worker has declared the job queue, serve answers 503 no_job_queue; in the
    // moment the queue is being declared the broker may also refuse the message
    // (broker_refused). Both are "try again", which is what a client does.
    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        let answer = call(
            &s.app,
            post(
                "/v1/jobs?job_id=e2e-1&pipeline=generic",
                "application/pdf",
                common::swedish_winansi(),
            ),
        )
        .await;
        if answer.status == StatusCode::ACCEPTED {
            break;
        }
        assert!(
            matches!(
                answer.json["error"].as_str(),
                Some("no_job_queue" | "broker_refused")
            ),
            "{}",
            answer.json
        );
        assert!(
            Instant::now() < deadline,
            "the worker did not declare its queue"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let deadline = Instant::now() + Duration::from_secs(20);
    let state = loop {
        let state = call(&s.app, get("/v1/jobs/e2e-1")).await.json;
        if state["state"] != "queued" {
            break state;
        }
        assert!(
            Instant::now() < deadline,
            "no record from the worker: {state}"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    };
    assert_eq!(state["state"], "done", "{state}");
    assert_eq!(state["status"], "unsigned");
    assert_eq!(state["record"]["job"]["job_id"], "e2e-1");
    assert_eq!(state["record"]["job"]["correlation_id"], "e2e-1");
    assert_eq!(state["record"]["job"]["pipeline"], "generic");
    assert_eq!(state["record"]["document"]["pages"], 1);
}

/// `arkivar serve` (the binary) connected to the broker, on a port of its choosing.
struct ServeProcess {
    child: std::process::Child,
    addr: SocketAddr,
}

impl ServeProcess {
    fn spawn(vhost: &Vhost, shutdown_timeout: &str) -> ServeProcess {
        use std::io::BufRead as _;
        let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_arkivar"))
            .args(["serve", "--listen", "127.0.0.1:0", "--amqp", &vhost.url()])
            .args([
                "--shutdown-timeout",
                shutdown_timeout,
                "--log-format",
                "json",
            ])
            .env_remove("ARKIVAR_TOKEN")
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .expect("spawn the arkivar binary");
        let stderr = child.stderr.take().unwrap();
        let (tx, rx) = std::sync::mpsc::channel();
        // Reads stderr to its end, so the server never blocks on a full pipe.
        std::thread::spawn(move || {
            for line in std::io::BufReader::new(stderr)
                .lines()
                .map_while(Result::ok)
            {
                // The ready line names the address the server really listens on.
                let listen = serde_json::from_str::<serde_json::Value>(&line)
                    .ok()
                    .filter(|l| l["target"] == "arkivar::ready")
                    .and_then(|l| l["fields"]["listen"].as_str().map(str::to_owned));
                if let Some(addr) = listen.as_deref().and_then(|l| l.strip_prefix("http://")) {
                    let _ = tx.send(addr.to_owned());
                }
            }
        });
        let addr = rx
            .recv_timeout(Duration::from_secs(20))
            .expect("serve prints its ready line with its address")
            .parse()
            .unwrap();
        ServeProcess { child, addr }
    }

    async fn wait_connected(&self) {
        let deadline = Instant::now() + Duration::from_secs(20);
        loop {
            let body = match reqwest::get(format!("http://{}/metrics", self.addr)).await {
                Ok(r) => r.text().await.unwrap_or_default(),
                Err(_) => String::new(),
            };
            if body.contains("arkivar_broker_connected 1") {
                return;
            }
            assert!(Instant::now() < deadline, "serve did not connect: {body}");
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    /// Sends SIGTERM and waits at most `limit` for the exit: the status and how long it took.
    async fn terminate(&mut self, limit: Duration) -> (std::process::ExitStatus, Duration) {
        let signalled = Instant::now();
        let _ = std::process::Command::new("kill")
            .args(["-TERM", &self.child.id().to_string()])
            .status();
        while signalled.elapsed() < limit {
            if let Ok(Some(status)) = self.child.try_wait() {
                return (status, signalled.elapsed());
            }
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
        panic!("serve did not exit within {limit:?} of SIGTERM");
    }
}

impl Drop for ServeProcess {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Issue 24: SIGTERM with nothing in flight exits 0 at once; with a request that never
/// finishes (its body stops arriving halfway), `serve` exits within `--shutdown-timeout`
/// + 1 s with the deadline's status (3), its broker connection closed either way.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sigterm_exits_at_once_when_idle_and_at_the_deadline_with_a_stuck_request() {
    let Some(vhost) = Vhost::create() else { return };

    let mut idle = ServeProcess::spawn(&vhost, "2");
    idle.wait_connected().await;
    let (status, took) = idle.terminate(Duration::from_secs(10)).await;
    assert_eq!(status.code(), Some(0), "{status:?}");
    assert!(took < Duration::from_secs(1), "idle serve took {took:?}");

    let mut busy = ServeProcess::spawn(&vhost, "2");
    busy.wait_connected().await;
    use tokio::io::AsyncWriteExt as _;
    let mut stuck = tokio::net::TcpStream::connect(busy.addr).await.unwrap();
    stuck
        .write_all(
            b"POST /v1/verify HTTP/1.1\r\nHost: x\r\nContent-Type: application/pdf\r\n\
              Content-Length: 100000\r\n\r\n%PDF-1.7\n",
        )
        .await
        .unwrap();
    // Let the server start reading the body.
    tokio::time::sleep(Duration::from_millis(300)).await;
    let (status, took) = busy.terminate(Duration::from_secs(10)).await;
    assert_eq!(status.code(), Some(3), "{status:?}");
    assert!(
        took < Duration::from_secs(3),
        "exited {took:?} after SIGTERM, past --shutdown-timeout 2 s + 1 s"
    );
    assert!(
        took >= Duration::from_millis(1500),
        "waited for the request: {took:?}"
    );
    drop(stuck);
}
