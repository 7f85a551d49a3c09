//! The HTTP API in process (`tower::ServiceExt::oneshot` on the router): status codes,
//! multipart, limits, the bearer token, metrics, and the OpenAPI document against the routes;
//! and `arkivar serve` (the binary) for what a client and an operator see: problem answers
//! on the wire and the ready line.

mod common;

use std::sync::Arc;

use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use http_body_util::BodyExt;
use tower::ServiceExt;

use arkivar::pipeline::Settings;
use arkivar::sources::http::{App, Config, OPENAPI, ROUTES, router};

fn app(max_body_bytes: usize, token: Option<&str>) -> Arc<App> {
    App::new(
        Config {
            listen: "127.0.0.1:0".parse().unwrap(),
            max_body_bytes,
            concurrency: 2,
            token: token.map(str::to_owned),
            queue: None,
            cache: Default::default(),
            shutdown_timeout: std::time::Duration::from_secs(5),
        },
        Settings::default(),
    )
    .unwrap()
}

async fn call(app: &Arc<App>, request: Request<Body>) -> (StatusCode, serde_json::Value, String) {
    let response = router(app.clone()).oneshot(request).await.unwrap();
    let status = response.status();
    let bytes = response.into_body().collect().await.unwrap().to_bytes();
    let text = String::from_utf8_lossy(&bytes).into_owned();
    let json = serde_json::from_slice(&bytes).unwrap_or(serde_json::Value::Null);
    (status, json, text)
}

fn post_pdf(bytes: Vec<u8>) -> Request<Body> {
    Request::post("/v1/verify")
        .header(header::CONTENT_TYPE, "application/pdf")
        .body(Body::from(bytes))
        .unwrap()
}

#[tokio::test]
async fn verify_returns_the_record() {
    let app = app(1 << 20, None);
    let pdf = common::swedish_winansi();
    let (status, record, _) = call(&app, post_pdf(pdf)).await;
    assert_eq!(status, StatusCode::OK, "{record}");
    assert_eq!(record["status"], "unsigned");
    assert_eq!(record["document"]["pages"], 1);
    assert!(
        record["pages"][0]["text"]
            .as_str()
            .unwrap()
            .contains(common::SWEDISH_LINE)
    );
}

#[tokio::test]
async fn verify_takes_a_multipart_file_part() {
    let app = app(1 << 20, None);
    let mut body = Vec::new();
    body.extend_from_slice(
        b"--XyZ\r\nContent-Disposition: form-data; name=\"note\"\r\n\r\nhello\r\n\
          --XyZ\r\nContent-Disposition: form-data; name=\"file\"; filename=\"protokoll.pdf\"\r\n\
          Content-Type: application/pdf\r\n\r\n",
    );
    body.extend_from_slice(&common::multi_page(2));
    body.extend_from_slice(b"\r\n--XyZ--\r\n");
    let request = Request::post("/v1/verify")
        .header(header::CONTENT_TYPE, "multipart/form-data; boundary=XyZ")
        .body(Body::from(body))
        .unwrap();
    let (status, record, text) = call(&app, request).await;
    assert_eq!(status, StatusCode::OK, "{text}");
    assert_eq!(record["document"]["pages"], 2);
    assert_eq!(record["source"]["name"], "protokoll.pdf");
}

#[tokio::test]
async fn broken_pdf_is_422_with_the_parse_error() {
    let app = app(1 << 20, None);
    let (status, record, _) = call(&app, post_pdf(common::broken())).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{record}");
    assert_eq!(record["status"], "error");
    assert_eq!(record["error"]["kind"], "malformed");
    assert!(!record["error"]["message"].as_str().unwrap().is_empty());
}

#[tokio::test]
async fn not_a_pdf_is_415() {
    let app = app(1 << 20, None);
    let (status, problem, _) = call(&app, post_pdf(common::not_a_pdf())).await;
    assert_eq!(status, StatusCode::UNSUPPORTED_MEDIA_TYPE);
    assert_eq!(problem["error"], "not_pdf");
}

#[tokio::test]
async fn too_large_is_413_declared_or_streamed() {
    let app = app(100, None);
    let (status, problem, _) = call(&app, post_pdf(common::swedish_winansi())).await;
    assert_eq!(status, StatusCode::PAYLOAD_TOO_LARGE);
    assert_eq!(problem["error"], "too_large");

    // No Content-Length: the limit applies while the body streams in.
    let chunks: Vec<Result<Vec<u8>, std::io::Error>> = vec![Ok(vec![b'%'; 80]), Ok(vec![b'x'; 80])];
    let body = Body::from_stream(stream_of(chunks));
    let request = Request::post("/v1/verify").body(body).unwrap();
    let (status, _, _) = call(&app, request).await;
    assert_eq!(status, StatusCode::PAYLOAD_TOO_LARGE);

    // The same in a multipart body.
    let mut body =
        b"--b\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a.pdf\"\r\n\r\n"
            .to_vec();
    body.extend_from_slice(&[b'x'; 200]);
    body.extend_from_slice(b"\r\n--b--\r\n");
    let request = Request::post("/v1/verify")
        .header(header::CONTENT_TYPE, "multipart/form-data; boundary=b")
        .body(Body::from(body))
        .unwrap();
    let (status, _, text) = call(&app, request).await;
    assert_eq!(status, StatusCode::PAYLOAD_TOO_LARGE, "{text}");
}

/// A body stream without a known length.
fn stream_of<T: Send + Unpin>(items: Vec<T>) -> impl futures_core::Stream<Item = T> + Send {
    struct Iter<T>(std::vec::IntoIter<T>);
    impl<T> futures_core::Stream for Iter<T>
    where
        T: Unpin,
    {
        type Item = T;
        fn poll_next(
            mut self: std::pin::Pin<&mut Self>,
            _: &mut std::task::Context<'_>,
        ) -> std::task::Poll<Option<T>> {
            std::task::Poll::Ready(self.0.next())
        }
    }
    Iter(items.into_iter())
}

#[tokio::test]
async fn token_guards_the_api_but_not_the_probes() {
    let app = app(1 << 20, Some("s3cret"));
    let (status, _, _) = call(&app, post_pdf(common::swedish_winansi())).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    let wrong = Request::post("/v1/verify")
        .header(header::AUTHORIZATION, "Bearer s3creT")
        .body(Body::from(common::swedish_winansi()))
        .unwrap();
    assert_eq!(call(&app, wrong).await.0, StatusCode::UNAUTHORIZED);
    let right = Request::post("/v1/verify")
        .header(header::AUTHORIZATION, "Bearer s3cret")
        .body(Body::from(common::swedish_winansi()))
        .unwrap();
    assert_eq!(call(&app, right).await.0, StatusCode::OK);
    let metrics = Request::get("/metrics").body(Body::empty()).unwrap();
    assert_eq!(call(&app, metrics).await.0, StatusCode::UNAUTHORIZED);
    for open in ["/healthz", "/openapi.json"] {
        let request = Request::get(open).body(Body::empty()).unwrap();
        assert_eq!(call(&app, request).await.0, StatusCode::OK, "{open}");
    }
}

#[tokio::test]
async fn metrics_count_requests_and_documents() {
    let app = app(1 << 20, None);
    call(&app, post_pdf(common::swedish_winansi())).await;
    call(&app, post_pdf(common::not_a_pdf())).await;
    let request = Request::get("/nowhere").body(Body::empty()).unwrap();
    assert_eq!(call(&app, request).await.0, StatusCode::NOT_FOUND);
    let request = Request::get("/metrics").body(Body::empty()).unwrap();
    let (status, _, text) = call(&app, request).await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        text.contains("arkivar_http_requests_total{route=\"/v1/verify\",code=\"200\"} 1"),
        "{text}"
    );
    assert!(
        text.contains("arkivar_http_requests_total{route=\"/v1/verify\",code=\"415\"} 1"),
        "{text}"
    );
    assert!(
        text.contains("arkivar_http_requests_total{route=\"unmatched\",code=\"404\"} 1"),
        "{text}"
    );
    assert!(
        text.contains("arkivar_documents_total{status=\"unsigned\"} 1"),
        "{text}"
    );
    assert!(
        text.contains("arkivar_pipeline_duration_seconds_count 1"),
        "{text}"
    );
}

/// The same document again is answered from the cache with the same record and without
/// running the pipeline; `Cache-Control: no-cache` runs it; another document is a miss.
#[tokio::test]
async fn same_document_again_is_answered_from_the_cache() {
    let app = app(1 << 20, None);
    let pdf = common::swedish_winansi();
    let send = |pdf: Vec<u8>, fresh: bool| {
        let mut request = post_pdf(pdf);
        if fresh {
            request
                .headers_mut()
                .insert(header::CACHE_CONTROL, "no-cache".parse().unwrap());
        }
        let app = app.clone();
        async move {
            let response = router(app).oneshot(request).await.unwrap();
            let source = response.headers()["x-arkivar-cache"]
                .to_str()
                .unwrap()
                .to_owned();
            let status = response.status();
            let body = response.into_body().collect().await.unwrap().to_bytes();
            (status, source, body)
        }
    };
    let (s1, first, body1) = send(pdf.clone(), false).await;
    let (s2, second, body2) = send(pdf.clone(), false).await;
    let (s3, fresh, _) = send(pdf.clone(), true).await;
    let (_, other, _) = send(common::multi_page(2), false).await;
    assert_eq!(
        (s1, s2, s3),
        (StatusCode::OK, StatusCode::OK, StatusCode::OK)
    );
    assert_eq!(
        (
            first.as_str(),
            second.as_str(),
            fresh.as_str(),
            other.as_str()
        ),
        ("miss", "hit", "miss", "miss")
    );
    assert_eq!(body1, body2);

    let request = Request::get("/metrics").body(Body::empty()).unwrap();
    let (_, _, text) = call(&app, request).await;
    // Three runs of the pipeline, one answer from the cache.
    assert!(
        text.contains("arkivar_pipeline_duration_seconds_count 3"),
        "{text}"
    );
    assert!(
        text.contains("arkivar_verify_answers_total{source=\"hit\"} 1"),
        "{text}"
    );
    assert!(
        text.contains("arkivar_verify_answers_total{source=\"miss\"} 3"),
        "{text}"
    );
}

/// A broken PDF's 422 is kept too (it follows from the bytes), but not a request refused
/// before the pipeline (415): that one never reaches the cache.
#[tokio::test]
async fn cache_keeps_parse_errors_and_a_zero_size_cache_keeps_nothing() {
    let app = app(1 << 20, None);
    for expected in ["miss", "hit"] {
        let response = router(app.clone())
            .oneshot(post_pdf(common::broken()))
            .await
            .unwrap();
        assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(response.headers()["x-arkivar-cache"], expected);
    }
    let off = App::new(
        Config {
            listen: "127.0.0.1:0".parse().unwrap(),
            max_body_bytes: 1 << 20,
            concurrency: 1,
            token: None,
            queue: None,
            cache: arkivar::sources::http::cache::Bounds {
                entries: 0,
                ..Default::default()
            },
            shutdown_timeout: std::time::Duration::from_secs(5),
        },
        Settings::default(),
    )
    .unwrap();
    for _ in 0..2 {
        let response = router(off.clone())
            .oneshot(post_pdf(common::swedish_winansi()))
            .await
            .unwrap();
        assert_eq!(response.headers()["x-arkivar-cache"], "miss");
    }
    assert!(off.answers.is_empty());
}

/// The committed document is OpenAPI 3.1 with the required fields, and its operations are
/// exactly the router's routes: every route is documented, every documented route is served.
#[tokio::test]
async fn openapi_document_matches_the_routes() {
    let doc: serde_json::Value = serde_json::from_str(OPENAPI).expect("openapi.json is JSON");
    assert!(
        doc["openapi"].as_str().unwrap().starts_with("3.1."),
        "OpenAPI 3.1"
    );
    assert!(doc["info"]["title"].is_string() && doc["info"]["version"].is_string());
    let paths = doc["paths"].as_object().expect("paths");

    let mut documented = Vec::new();
    for (path, item) in paths {
        for (method, operation) in item.as_object().unwrap() {
            let method = method.to_ascii_uppercase();
            assert!(
                operation["responses"].is_object(),
                "{method} {path} has responses"
            );
            assert!(
                operation["operationId"].is_string(),
                "{method} {path} has an operationId"
            );
            documented.push((method, path.clone()));
        }
    }
    let mut served: Vec<(String, String)> = ROUTES
        .iter()
        .map(|(m, p)| ((*m).to_owned(), (*p).to_owned()))
        .collect();
    documented.sort();
    served.sort();
    assert_eq!(documented, served, "OpenAPI paths and router routes differ");

    // Every `$ref` resolves inside the document.
    let text = OPENAPI;
    for piece in text.split("\"$ref\": \"#/").skip(1) {
        let pointer = format!("/{}", &piece[..piece.find('"').unwrap()]);
        assert!(doc.pointer(&pointer).is_some(), "dangling $ref {pointer}");
    }

    // And the router really answers each one (not 404, not 405).
    let app = app(1 << 20, None);
    for (method, path) in &served {
        let request = Request::builder()
            .method(method.as_str())
            .uri(path.as_str())
            .body(Body::from(common::swedish_winansi()))
            .unwrap();
        let (status, _, _) = call(&app, request).await;
        assert!(
            status != StatusCode::NOT_FOUND && status != StatusCode::METHOD_NOT_ALLOWED,
            "{method} {path}: {status}"
        );
    }
}

#[tokio::test]
async fn healthz_and_openapi_answer() {
    let app = app(1 << 20, None);
    let (status, _, text) = call(&app, Request::get("/healthz").body(Body::empty()).unwrap()).await;
    assert_eq!((status, text.as_str()), (StatusCode::OK, "ok\n"));
    // Without a broker there is nothing to wait for.
    let (status, _, text) = call(&app, Request::get("/readyz").body(Body::empty()).unwrap()).await;
    assert_eq!((status, text.as_str()), (StatusCode::OK, "ready\n"));
    let (status, doc, _) = call(
        &app,
        Request::get("/openapi.json").body(Body::empty()).unwrap(),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(doc["openapi"], "3.1.0");
}

/// The OpenAPI document's `Job` is the job message's schema (`schema/job.schema.json`), with
/// its `$defs` moved to the document's components.
#[test]
fn openapi_job_is_the_job_message_schema() {
    let doc: serde_json::Value = serde_json::from_str(OPENAPI).unwrap();
    let mut job = arkivar::job::job_schema();
    let defs = job
        .as_object_mut()
        .unwrap()
        .remove("$defs")
        .expect("the job schema has $defs");
    job.as_object_mut().unwrap().remove("$schema");
    job["properties"]["document"]["$ref"] = "#/components/schemas/JobDocument".into();
    assert_eq!(
        doc["components"]["schemas"]["Job"], job,
        "openapi.json's Job differs from the job schema"
    );
    assert_eq!(
        doc["components"]["schemas"]["JobDocument"],
        defs["JobDocument"]
    );
}

/// `arkivar serve` (the binary) on a port of its choosing, without a token or a broker.
struct ServeProcess {
    child: std::process::Child,
    /// The address it listens on, from its ready line.
    addr: std::net::SocketAddr,
    /// The ready line as printed.
    ready: String,
    /// Every stderr line after the ready line.
    rest: std::sync::mpsc::Receiver<String>,
}

impl ServeProcess {
    /// Starts `arkivar serve --listen 127.0.0.1:0` with `extra` arguments, and reads its first
    /// stderr line, which must be the ready line.
    fn spawn(extra: &[&str]) -> ServeProcess {
        use std::io::BufRead as _;
        let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_arkivar"))
            .args(["serve", "--listen", "127.0.0.1:0"])
            .args(extra)
            .env_remove("ARKIVAR_TOKEN")
            .env_remove("ARKIVAR_AMQP_URL")
            .env_remove("RUST_LOG")
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
                let _ = tx.send(line);
            }
        });
        let ready = rx
            .recv_timeout(std::time::Duration::from_secs(20))
            .expect("serve prints a line when ready");
        let addr = ready
            .split_once("listen=http://")
            .or_else(|| ready.split_once("\"listen\":\"http://"))
            .and_then(|(_, rest)| rest.split([' ', '"']).next())
            .unwrap_or_else(|| panic!("no listen address in the first line: {ready}"))
            .parse()
            .unwrap_or_else(|e| panic!("{e}: {ready}"));
        ServeProcess {
            child,
            addr,
            ready,
            rest: rx,
        }
    }

    fn url(&self, path: &str) -> String {
        format!("http://{}{path}", self.addr)
    }
}

impl Drop for ServeProcess {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// An answer as a client sees it: status, `Content-Type`, `Allow`, the body as JSON.
async fn ask(request: reqwest::RequestBuilder) -> (u16, String, String, serde_json::Value) {
    let response = request.send().await.expect("serve answers");
    let value_of = |name| {
        response
            .headers()
            .get(name)
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
            .to_owned()
    };
    let (content_type, allow) = (value_of(header::CONTENT_TYPE), value_of(header::ALLOW));
    let status = response.status().as_u16();
    let body = response.bytes().await.unwrap();
    let json = serde_json::from_slice(&body)
        .unwrap_or_else(|_| serde_json::Value::String(String::from_utf8_lossy(&body).into_owned()));
    (status, content_type, allow, json)
}

/// Asserts that an answer is an RFC 9457 problem with `status` and the code `error`, and that
/// it keeps the `message` member earlier clients read.
fn assert_problem(answer: &(u16, String, String, serde_json::Value), status: u16, error: &str) {
    let (got, content_type, _, body) = answer;
    assert_eq!(*got, status, "{body}");
    assert_eq!(content_type, "application/problem+json", "{body}");
    assert_eq!(body["type"], "about:blank", "{body}");
    assert_eq!(body["status"], status, "{body}");
    let title = StatusCode::from_u16(status).unwrap().canonical_reason();
    assert_eq!(body["title"].as_str(), title, "{body}");
    assert_eq!(body["error"], error, "{body}");
    let detail = body["detail"].as_str().unwrap_or_default();
    assert!(!detail.is_empty(), "{body}");
    assert_eq!(body["message"].as_str(), Some(detail), "{body}");
}

/// Issue 25: every refusal is `application/problem+json`, 404 and 405 included (which had
/// empty bodies), with `Allow` on the 405; the codes clients route on stay.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_refusal_is_a_problem_detail_404_and_405_included() {
    let serve = ServeProcess::spawn(&["--concurrency", "1"]);
    let client = reqwest::Client::new();

    let answer = ask(client.get(serve.url("/nowhere"))).await;
    assert_problem(&answer, 404, "not_found");
    assert!(answer.3["detail"].as_str().unwrap().contains("/nowhere"));

    for (method, path) in [
        (reqwest::Method::GET, "/v1/verify"),
        (reqwest::Method::DELETE, "/v1/jobs"),
        (reqwest::Method::POST, "/healthz"),
    ] {
        let answer = ask(client.request(method.clone(), serve.url(path))).await;
        assert_problem(&answer, 405, "method_not_allowed");
        assert!(!answer.2.is_empty(), "{method} {path}: no Allow header");
        assert!(
            !answer.2.contains(method.as_str()),
            "{method} {path}: Allow {}",
            answer.2
        );
    }

    let not_pdf = client
        .post(serve.url("/v1/verify"))
        .header(header::CONTENT_TYPE, "application/pdf")
        .body(common::not_a_pdf());
    assert_problem(&ask(not_pdf).await, 415, "not_pdf");

    // axum's own rejection of a multipart body without a boundary.
    let no_boundary = client
        .post(serve.url("/v1/verify"))
        .header(header::CONTENT_TYPE, "multipart/form-data")
        .body("x");
    assert_problem(&ask(no_boundary).await, 400, "bad_multipart");

    let answer = ask(client.get(serve.url("/v1/jobs/some-id"))).await;
    assert_problem(&answer, 503, "no_broker");

    // Records stay records, as JSON.
    let record = client
        .post(serve.url("/v1/verify"))
        .header(header::CONTENT_TYPE, "application/pdf")
        .body(common::swedish_winansi());
    let (status, content_type, _, record) = ask(record).await;
    assert_eq!((status, content_type.as_str()), (200, "application/json"));
    assert_eq!(record["status"], "unsigned");
}

/// With a token, an unknown route without it is refused before routing (401), as a problem.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn unauthorized_is_a_problem_detail() {
    let app = app(1 << 20, Some("s3cret"));
    let response = router(app)
        .oneshot(Request::get("/nowhere").body(Body::empty()).unwrap())
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::UNAUTHORIZED);
    assert_eq!(
        response.headers()[header::CONTENT_TYPE],
        "application/problem+json"
    );
    assert!(response.headers().contains_key(header::WWW_AUTHENTICATE));
}

/// Issue 25: at the default log level `serve` prints one line when it is ready, naming the
/// address it really listens on (the port the system chose for `:0`) and its pipeline, and
/// nothing else through a request and a shutdown. With `--log-format json` the line is JSON.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn serve_says_once_that_it_is_ready_and_where() {
    let serve = ServeProcess::spawn(&["--pipeline", "generic"]);
    assert_ne!(serve.addr.port(), 0, "{}", serve.ready);
    assert!(serve.ready.contains("serve ready"), "{}", serve.ready);
    assert!(serve.ready.contains("pipeline=generic"), "{}", serve.ready);
    assert!(serve.ready.contains("broker=none"), "{}", serve.ready);
    let health = reqwest::get(serve.url("/healthz")).await.unwrap();
    assert_eq!(health.status().as_u16(), 200);
    let not_pdf = reqwest::Client::new()
        .post(serve.url("/v1/verify"))
        .body(common::not_a_pdf());
    assert_eq!(ask(not_pdf).await.0, 415);
    // What a request logs would have arrived by now.
    tokio::time::sleep(std::time::Duration::from_millis(300)).await;
    let after: Vec<String> = serve.rest.try_iter().collect();
    assert!(after.is_empty(), "more than the ready line: {after:?}");
    drop(serve);

    let serve = ServeProcess::spawn(&["--log-format", "json"]);
    let line: serde_json::Value = serde_json::from_str(&serve.ready).expect("a JSON line");
    assert_eq!(line["target"], "arkivar::ready", "{line}");
    assert_eq!(line["level"], "INFO", "{line}");
    assert_eq!(
        line["fields"]["listen"],
        format!("http://{}", serve.addr),
        "{line}"
    );
    assert_eq!(line["fields"]["pipeline"], "protokoll-sv", "{line}");
}

/// The OpenAPI document gives every problem answer as `application/problem+json` and the
/// `Problem` schema with RFC 9457's members, as the server sends them.
#[test]
fn openapi_problems_are_problem_json() {
    let doc: serde_json::Value = serde_json::from_str(OPENAPI).unwrap();
    let problem = &doc["components"]["schemas"]["Problem"];
    for member in ["type", "title", "status", "detail", "error", "message"] {
        assert!(
            problem["required"]
                .as_array()
                .unwrap()
                .iter()
                .any(|m| m == member),
            "Problem lacks {member}"
        );
    }
    let mut problems = 0;
    for (path, item) in doc["paths"].as_object().unwrap() {
        for (method, operation) in item.as_object().unwrap() {
            for (code, response) in operation["responses"].as_object().unwrap() {
                let Some(content) = response["content"].as_object() else {
                    continue;
                };
                for (media, body) in content {
                    if body.to_string().contains("#/components/schemas/Problem") {
                        problems += 1;
                        assert_eq!(media, "application/problem+json", "{method} {path} {code}");
                    }
                }
            }
        }
    }
    assert!(problems > 20, "{problems} problem answers documented");
}
