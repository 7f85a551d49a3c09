//! A real HTTP archive for the worker tests: axum on 127.0.0.1:0 that stores each record once
//! per `Idempotency-Key` (answering 409 for a key it has) and can be told to fail, stall or be
//! down for a while. What it stored is what the tests assert on.

#![allow(dead_code)]

use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::IntoResponse;
use axum::routing::post;

/// How the archive answers.
#[derive(Debug, Clone, Default)]
pub struct Behaviour {
    /// Answer 500 to this many requests first.
    pub fail_first: u32,
    /// Answer 500 to everything.
    pub fail_always: bool,
    /// Answer 503 until this instant.
    pub down_until: Option<Instant>,
    /// Wait this long before answering.
    pub stall: Duration,
}

#[derive(Debug, Default)]
pub struct Inner {
    pub behaviour: Behaviour,
    /// Records stored, by idempotency key, with the body.
    pub stored: HashMap<String, serde_json::Value>,
    /// Requests seen, in total.
    pub requests: u32,
    /// Requests answered 409.
    pub duplicates: u32,
    /// Authorization headers seen.
    pub auth: Vec<String>,
}

#[derive(Clone)]
pub struct Archive {
    pub addr: SocketAddr,
    pub inner: Arc<Mutex<Inner>>,
}

impl Archive {
    pub async fn start(behaviour: Behaviour) -> Archive {
        let inner = Arc::new(Mutex::new(Inner {
            behaviour,
            ..Inner::default()
        }));
        let app = axum::Router::new()
            .route("/records", post(receive))
            .with_state(Arc::clone(&inner));
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        tokio::spawn(async move {
            let _ = axum::serve(listener, app).await;
        });
        Archive { addr, inner }
    }

    pub fn url(&self) -> String {
        format!("http://{}/records", self.addr)
    }

    pub fn stored(&self) -> usize {
        self.inner.lock().unwrap().stored.len()
    }

    pub fn requests(&self) -> u32 {
        self.inner.lock().unwrap().requests
    }

    pub fn set(&self, behaviour: Behaviour) {
        self.inner.lock().unwrap().behaviour = behaviour;
    }
}

async fn receive(
    State(inner): State<Arc<Mutex<Inner>>>,
    headers: HeaderMap,
    body: Bytes,
) -> impl IntoResponse {
    let (stall, answer) = {
        let mut s = inner.lock().unwrap();
        s.requests += 1;
        if let Some(a) = headers.get("authorization").and_then(|v| v.to_str().ok()) {
            s.auth.push(a.to_owned());
        }
        let b = s.behaviour.clone();
        let answer = if b.fail_always || s.behaviour.fail_first > 0 {
            s.behaviour.fail_first = s.behaviour.fail_first.saturating_sub(1);
            Some(StatusCode::INTERNAL_SERVER_ERROR)
        } else if b.down_until.is_some_and(|t| Instant::now() < t) {
            Some(StatusCode::SERVICE_UNAVAILABLE)
        } else {
            None
        };
        (b.stall, answer)
    };
    tokio::time::sleep(stall).await;
    if let Some(status) = answer {
        return (status, "failing as told".to_owned()).into_response();
    }
    let key = headers
        .get("idempotency-key")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_owned();
    let Ok(record) = serde_json::from_slice::<serde_json::Value>(&body) else {
        return (StatusCode::BAD_REQUEST, "not JSON".to_owned()).into_response();
    };
    let mut s = inner.lock().unwrap();
    if s.stored.contains_key(&key) {
        s.duplicates += 1;
        return (StatusCode::CONFLICT, format!("{{\"id\":\"{key}\"}}")).into_response();
    }
    s.stored.insert(key.clone(), record);
    let id = format!("arch-{}", s.stored.len());
    (StatusCode::CREATED, format!("{{\"id\":\"{id}\"}}")).into_response()
}
