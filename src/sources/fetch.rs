//! Fetching a document from an allow-listed URL: the one HTTP client and bounded download that
//! the worker's `url` jobs and the HTTP server's e-sign webhook share, so both apply one rule.
//!
//! The rule: the URL, and every URL a redirect points at, must pass
//! [`JobRules::url_allowed`] (judged on the normalised URL). A redirect anywhere else ends the
//! fetch before its target is requested, so an allowed URL cannot become a way to reach others
//! (an internal address, say). At most [`MAX_REDIRECTS`] redirects are followed; the whole
//! fetch, body included, has one timeout; and the body is read chunk by chunk up to a limit, so
//! neither a false `Content-Length` nor none at all can make it hold more than the limit (plus
//! one chunk) in memory.
//!
//! What a failure means is the caller's call: the worker retries what
//! [`FetchError::is_transient`] says may get better and dead-letters the rest; the webhook
//! answers 403, 422 or 502.

use std::sync::Arc;
use std::time::Duration;

use thiserror::Error;

use crate::job::JobRules;

/// Redirects followed at most per fetch.
pub const MAX_REDIRECTS: usize = 5;

/// Why a document could not be fetched.
#[derive(Debug, Error)]
#[non_exhaustive]
pub enum FetchError {
    /// The HTTP client could not be built (its TLS setup failed).
    #[error("cannot build the HTTP client for document fetches: {0}")]
    Client(String),
    /// The URL itself is not on the allow-list; nothing was requested.
    #[error("{url} is not on the allow-list (--allow-url)")]
    NotAllowed {
        /// The URL as given.
        url: String,
    },
    /// A redirect points off the allow-list; its target was not requested.
    #[error(
        "{from} redirects to {to}, which is not on the allow-list (--allow-url); redirects are \
         followed only to allowed URLs"
    )]
    RedirectNotAllowed {
        /// The URL that answered with the redirect.
        from: String,
        /// Where it pointed, resolved and normalised.
        to: String,
    },
    /// The chain of redirects is longer than [`MAX_REDIRECTS`] (a loop, most likely).
    #[error("{url}: more than {MAX_REDIRECTS} redirects (the last from {last})")]
    TooManyRedirects {
        /// The URL as given.
        url: String,
        /// The URL that answered with the redirect that was not followed.
        last: String,
    },
    /// No answer: the connection failed or the timeout passed before the headers came.
    #[error("cannot fetch {url}: {message}")]
    Request {
        /// The URL as given.
        url: String,
        /// The client's message.
        message: String,
    },
    /// The server answered with a status other than 2xx.
    #[error("fetching {url} answered HTTP {status}")]
    Status {
        /// The URL that answered (after any redirects).
        url: String,
        /// Its status.
        status: reqwest::StatusCode,
    },
    /// The document is larger than the limit (declared, or found while reading).
    #[error("the document at {url} is over the limit of {limit} bytes")]
    TooLarge {
        /// The URL that answered (after any redirects).
        url: String,
        /// The limit.
        limit: u64,
    },
    /// The body broke off, or the timeout passed while reading it.
    #[error("reading {url}: {message}")]
    Body {
        /// The URL that answered (after any redirects).
        url: String,
        /// The client's message.
        message: String,
    },
}

impl FetchError {
    /// True when trying again later may succeed: no answer, a broken body, HTTP 5xx or 429.
    /// A refused URL or redirect, a redirect loop, another status and a document over the
    /// limit will be the same next time.
    pub fn is_transient(&self) -> bool {
        match self {
            FetchError::Request { .. } | FetchError::Body { .. } => true,
            FetchError::Status { status, .. } => {
                status.is_server_error() || *status == reqwest::StatusCode::TOO_MANY_REQUESTS
            }
            FetchError::Client(_)
            | FetchError::NotAllowed { .. }
            | FetchError::RedirectNotAllowed { .. }
            | FetchError::TooManyRedirects { .. }
            | FetchError::TooLarge { .. } => false,
        }
    }
}

/// Why the redirect policy ended a fetch; it travels inside reqwest's error and is found
/// again by [`redirect_refusal`].
#[derive(Debug, Error)]
enum Refusal {
    #[error("redirect from {from} to {to} is not on the allow-list")]
    NotAllowed { from: String, to: String },
    #[error("more than {MAX_REDIRECTS} redirects, the last from {from}")]
    TooMany { from: String },
}

/// Fetches documents from allow-listed URLs (see the module doc for the rule).
#[derive(Debug, Clone)]
pub struct DocumentFetcher {
    client: reqwest::Client,
    rules: Arc<JobRules>,
}

impl DocumentFetcher {
    /// A fetcher that allows what `rules` allows and gives up on a fetch after `timeout`.
    pub fn new(rules: &JobRules, timeout: Duration) -> Result<Self, FetchError> {
        let rules = Arc::new(rules.clone());
        let judge = Arc::clone(&rules);
        let policy = reqwest::redirect::Policy::custom(move |attempt| {
            // `previous` holds every URL requested so far, the first included, so it is
            // longer than MAX_REDIRECTS exactly when this redirect would be one too many.
            let from = attempt
                .previous()
                .last()
                .map(|u| u.to_string())
                .unwrap_or_default();
            if attempt.previous().len() > MAX_REDIRECTS {
                attempt.error(Refusal::TooMany { from })
            } else if judge.url_allowed(attempt.url().as_str()) {
                attempt.follow()
            } else {
                // An error rather than `stop()`: stopping would hand back the 3xx, which
                // says nothing about why, and a 300 or 304 that reqwest never follows
                // must not read as a refused redirect.
                let to = attempt.url().to_string();
                attempt.error(Refusal::NotAllowed { from, to })
            }
        });
        let client = reqwest::Client::builder()
            .timeout(timeout)
            .redirect(policy)
            .build()
            .map_err(|e| FetchError::Client(e.to_string()))?;
        Ok(DocumentFetcher { client, rules })
    }

    /// The body at `url`, at most `limit` bytes, after at most [`MAX_REDIRECTS`] redirects
    /// that all stay on the allow-list.
    pub async fn fetch(&self, url: &str, limit: u64) -> Result<Vec<u8>, FetchError> {
        // The callers check the URL before they get here; checking again keeps this
        // function safe on its own.
        if !self.rules.url_allowed(url) {
            return Err(FetchError::NotAllowed {
                url: url.to_owned(),
            });
        }
        let mut response = match self.client.get(url).send().await {
            Ok(response) => response,
            Err(e) => {
                return Err(match redirect_refusal(&e) {
                    Some(Refusal::NotAllowed { from, to }) => FetchError::RedirectNotAllowed {
                        from: from.clone(),
                        to: to.clone(),
                    },
                    Some(Refusal::TooMany { from }) => FetchError::TooManyRedirects {
                        url: url.to_owned(),
                        last: from.clone(),
                    },
                    None => FetchError::Request {
                        url: url.to_owned(),
                        message: e.to_string(),
                    },
                });
            }
        };
        let answered = response.url().to_string();
        let status = response.status();
        if !status.is_success() {
            return Err(FetchError::Status {
                url: answered,
                status,
            });
        }
        let too_large = |url: String| FetchError::TooLarge { url, limit };
        if response.content_length().is_some_and(|n| n > limit) {
            return Err(too_large(answered));
        }
        // Chunk by chunk, so a server that sends more than it declared (or declares
        // nothing) is cut off at the limit; dropping the response closes the connection.
        let mut body = Vec::new();
        loop {
            let chunk = response.chunk().await.map_err(|e| FetchError::Body {
                url: answered.clone(),
                message: e.to_string(),
            })?;
            let Some(chunk) = chunk else { break };
            if (body.len() as u64).saturating_add(chunk.len() as u64) > limit {
                return Err(too_large(answered));
            }
            body.extend_from_slice(&chunk);
        }
        Ok(body)
    }
}

/// The policy's [`Refusal`] inside a reqwest error, wherever in the chain of sources it sits
/// (reqwest wraps it once or twice depending on where the redirect was handled).
fn redirect_refusal(error: &reqwest::Error) -> Option<&Refusal> {
    let mut source: Option<&(dyn std::error::Error + 'static)> = Some(error);
    while let Some(e) = source {
        if let Some(refusal) = e.downcast_ref::<Refusal>() {
            return Some(refusal);
        }
        source = e.source();
    }
    None
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;
    use std::net::SocketAddr;
    use std::sync::Mutex;
    use std::sync::atomic::{AtomicU64, Ordering};

    use axum::body::{Body, Bytes};
    use axum::extract::{Path, State};
    use axum::http::{StatusCode, header};
    use axum::response::{IntoResponse, Response};

    use super::*;

    const PDF: &[u8] = b"%PDF-1.7 a small document";
    /// What `/docs/endless` would send in all, if it were read to the end.
    const ENDLESS_TOTAL: u64 = 256 * 1024 * 1024;
    const ENDLESS_CHUNK: usize = 64 * 1024;

    /// A document server on 127.0.0.1: counts requests by path and bytes of `/docs/endless`
    /// handed to the connection.
    #[derive(Clone)]
    struct Server {
        addr: SocketAddr,
        hits: Arc<Mutex<BTreeMap<String, u32>>>,
        streamed: Arc<AtomicU64>,
    }

    impl Server {
        async fn start() -> Server {
            let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
            let server = Server {
                addr: listener.local_addr().unwrap(),
                hits: Arc::default(),
                streamed: Arc::default(),
            };
            let app = axum::Router::new()
                .route("/{*path}", axum::routing::get(answer))
                .with_state(server.clone());
            tokio::spawn(async move {
                let _ = axum::serve(listener, app).await;
            });
            server
        }

        fn url(&self, path: &str) -> String {
            format!("http://{}/{path}", self.addr)
        }

        fn hits(&self, path: &str) -> u32 {
            self.hits.lock().unwrap().get(path).copied().unwrap_or(0)
        }

        /// A fetcher that allows `/docs/` only.
        fn fetcher(&self) -> DocumentFetcher {
            let rules = JobRules {
                allowed_urls: vec![self.url("docs/")],
                ..JobRules::default()
            };
            DocumentFetcher::new(&rules, Duration::from_secs(10)).unwrap()
        }
    }

    fn redirect(to: &str) -> Response {
        (StatusCode::FOUND, [(header::LOCATION, to.to_owned())]).into_response()
    }

    async fn answer(State(server): State<Server>, Path(path): Path<String>) -> Response {
        *server.hits.lock().unwrap().entry(path.clone()).or_default() += 1;
        if let Some(n) = path.strip_prefix("docs/hop/") {
            // hop/N redirects N + 1 times before the document.
            return match n.parse::<u32>().unwrap() {
                0 => redirect("/docs/pdf"),
                n => redirect(&format!("/docs/hop/{}", n - 1)),
            };
        }
        match path.as_str() {
            "docs/pdf" => PDF.into_response(),
            // Resolves to /private/secret: outside /docs/ once normalised.
            "docs/out" => redirect("/docs/%2e%2e/private/secret"),
            "private/secret" => "internal".into_response(),
            "docs/gone" => StatusCode::NOT_FOUND.into_response(),
            "docs/busy" => StatusCode::SERVICE_UNAVAILABLE.into_response(),
            "docs/endless" => {
                // Chunked, no Content-Length; bounded so that even a reader that never
                // stops ends.
                let streamed = Arc::clone(&server.streamed);
                let chunk = Bytes::from(vec![b' '; ENDLESS_CHUNK]);
                let body = futures_util::stream::unfold(0u64, move |sent| {
                    let (streamed, chunk) = (Arc::clone(&streamed), chunk.clone());
                    async move {
                        (sent < ENDLESS_TOTAL).then(|| {
                            streamed.fetch_add(chunk.len() as u64, Ordering::Relaxed);
                            (Ok::<_, std::io::Error>(chunk), sent + ENDLESS_CHUNK as u64)
                        })
                    }
                });
                Body::from_stream(body).into_response()
            }
            _ => StatusCode::NOT_FOUND.into_response(),
        }
    }

    #[tokio::test]
    async fn redirects_within_the_allow_list_are_followed_up_to_the_bound() {
        let server = Server::start().await;
        let fetcher = server.fetcher();
        // hop/4: five redirects, the most that is followed.
        let body = fetcher.fetch(&server.url("docs/hop/4"), 1024).await;
        assert_eq!(body.unwrap(), PDF);
        assert_eq!(server.hits("docs/pdf"), 1);
        // hop/5: the sixth redirect is not followed.
        let err = fetcher
            .fetch(&server.url("docs/hop/5"), 1024)
            .await
            .unwrap_err();
        assert!(
            matches!(&err, FetchError::TooManyRedirects { last, .. } if last.ends_with("/docs/hop/0")),
            "{err}"
        );
        assert!(!err.is_transient());
        assert_eq!(
            server.hits("docs/pdf"),
            1,
            "the document after it is not requested"
        );
    }

    #[tokio::test]
    async fn redirect_off_the_allow_list_is_refused_before_its_target_is_requested() {
        let server = Server::start().await;
        let err = server
            .fetcher()
            .fetch(&server.url("docs/out"), 1024)
            .await
            .unwrap_err();
        match &err {
            FetchError::RedirectNotAllowed { from, to } => {
                assert_eq!(from, &server.url("docs/out"));
                assert_eq!(to, &server.url("private/secret"), "judged normalised");
            }
            other => panic!("expected a refused redirect, got {other}"),
        }
        assert!(err.to_string().contains("/private/secret"), "{err}");
        assert!(!err.is_transient());
        assert_eq!(server.hits("docs/out"), 1);
        assert_eq!(server.hits("private/secret"), 0);
        // A URL off the list is not requested at all.
        let err = server
            .fetcher()
            .fetch(&server.url("private/secret"), 1024)
            .await
            .unwrap_err();
        assert!(matches!(err, FetchError::NotAllowed { .. }), "{err}");
        assert_eq!(server.hits("private/secret"), 0);
    }

    #[tokio::test]
    async fn body_over_the_limit_is_cut_off_without_reading_it_all() {
        let server = Server::start().await;
        let fetcher = server.fetcher();
        let limit = 100 * 1024;
        let err = fetcher
            .fetch(&server.url("docs/endless"), limit)
            .await
            .unwrap_err();
        assert!(
            matches!(err, FetchError::TooLarge { limit: l, .. } if l == limit),
            "{err}"
        );
        assert!(!err.is_transient());
        // What the server got rid of is the limit plus what the socket buffers hold (a few
        // MiB on loopback), far from the whole body.
        let streamed = server.streamed.load(Ordering::Relaxed);
        assert!(
            streamed < ENDLESS_TOTAL / 4,
            "{streamed} of {ENDLESS_TOTAL} bytes were sent"
        );
        // A declared length over the limit is refused before the body is read.
        let err = fetcher
            .fetch(&server.url("docs/pdf"), PDF.len() as u64 - 1)
            .await
            .unwrap_err();
        assert!(matches!(err, FetchError::TooLarge { .. }), "{err}");
        let exact = fetcher
            .fetch(&server.url("docs/pdf"), PDF.len() as u64)
            .await;
        assert_eq!(exact.unwrap(), PDF);
    }

    #[tokio::test]
    async fn failures_say_whether_trying_again_may_help() {
        let server = Server::start().await;
        let fetcher = server.fetcher();
        let gone = fetcher.fetch(&server.url("docs/gone"), 1024).await;
        let gone = gone.unwrap_err();
        assert!(
            matches!(gone, FetchError::Status { status, .. } if status == 404),
            "{gone}"
        );
        assert!(!gone.is_transient());
        let busy = fetcher.fetch(&server.url("docs/busy"), 1024).await;
        assert!(busy.unwrap_err().is_transient());
        // Nothing listens on the port once this listener is dropped.
        let closed = std::net::TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap();
        let rules = JobRules {
            allowed_urls: vec![format!("http://{closed}/")],
            ..JobRules::default()
        };
        let fetcher = DocumentFetcher::new(&rules, Duration::from_secs(5)).unwrap();
        let refused = fetcher.fetch(&format!("http://{closed}/a.pdf"), 1024).await;
        let refused = refused.unwrap_err();
        assert!(matches!(refused, FetchError::Request { .. }), "{refused}");
        assert!(refused.is_transient());
    }
}
