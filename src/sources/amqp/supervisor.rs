//! The one supervised broker connection of `worker` and `serve`: connect (bounded by
//! [`CONNECT_TIMEOUT`]), hand the connection to a session, and when the session ends because
//! the connection was lost or could not be set up, drop everything, back off (capped
//! exponential, reset after a session that worked) and start over, until the [`Shutdown`]
//! is triggered.
//!
//! This is a loop of our own rather than lapin's automatic recovery, which is young
//! (`facts.md`): acks of a dead channel are never attempted on a new one, the broker
//! redelivers those messages.

use std::fmt::Display;
use std::future::Future;
use std::time::Duration;

use lapin::{Connection, ConnectionProperties};

use crate::shutdown::Shutdown;

/// How long connecting may take before the attempt counts as failed.
pub const CONNECT_TIMEOUT: Duration = Duration::from_secs(10);

/// First pause after a failure.
pub const MIN_BACKOFF: Duration = Duration::from_millis(200);

/// Longest pause between attempts: short, because `serve`'s job routes answer 503 and the
/// worker takes no jobs while it lasts, and one attempt every 10 s costs a broker nothing.
pub const MAX_BACKOFF: Duration = Duration::from_secs(10);

/// How often a session looks at the connection's state (see [`closed`]).
const STATUS_POLL: Duration = Duration::from_millis(500);

/// How a session ended without an error.
#[derive(Debug)]
pub enum SessionEnd<T> {
    /// The shutdown was triggered; the session has done its part of it, with this result.
    Stopped(T),
    /// The connection or a consumer went away.
    Lost(String),
}

/// Why an attempt failed: the connection, or what the session did with it.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum AttemptError<E> {
    /// The connection could not be opened.
    #[error("cannot connect to the broker: {0}")]
    Connect(lapin::Error),
    /// Connecting took longer than allowed.
    #[error("connecting to the broker took longer than {} s", CONNECT_TIMEOUT.as_secs())]
    ConnectTimeout,
    /// The session failed (declaring, consuming…).
    #[error(transparent)]
    Session(E),
}

/// The next pause after `current`: doubled, at most [`MAX_BACKOFF`].
pub fn next_backoff(current: Duration) -> Duration {
    (current * 2).min(MAX_BACKOFF)
}

/// Runs `session` on a fresh connection to `url` (named `name` in the broker's UI) again and
/// again until the shutdown is triggered. `on_down` is told why each attempt or session
/// ended, before the back-off. Returns what the stopping session returned, or `None` when
/// the shutdown came while disconnected.
pub async fn supervise<T, E, F, Fut>(
    url: &str,
    name: &str,
    shutdown: &Shutdown,
    mut on_down: impl FnMut(&str),
    mut session: F,
) -> Option<T>
where
    E: Display,
    F: FnMut(Connection) -> Fut,
    Fut: Future<Output = Result<SessionEnd<T>, E>>,
{
    let mut backoff = MIN_BACKOFF;
    loop {
        if shutdown.is_triggered() {
            return None;
        }
        let attempt = tokio::select! {
            () = shutdown.triggered() => return None,
            attempt = connect(url, name) => attempt,
        };
        let result = match attempt {
            Ok(connection) => session(connection).await.map_err(AttemptError::Session),
            Err(error) => Err(error),
        };
        match result {
            Ok(SessionEnd::Stopped(value)) => return Some(value),
            Ok(SessionEnd::Lost(reason)) => {
                tracing::warn!(%reason, "lost the broker; reconnecting");
                on_down(&format!("lost the connection: {reason}"));
                backoff = MIN_BACKOFF;
            }
            Err(error) => {
                tracing::warn!(%error, backoff_ms = backoff.as_millis() as u64, "cannot use the broker; retrying");
                on_down(&error.to_string());
            }
        }
        tokio::select! {
            () = tokio::time::sleep(backoff) => {}
            () = shutdown.triggered() => return None,
        }
        backoff = next_backoff(backoff);
    }
}

async fn connect<E>(url: &str, name: &str) -> Result<Connection, AttemptError<E>> {
    let connect = Connection::connect(
        url,
        ConnectionProperties::default().with_connection_name(name.into()),
    );
    tokio::time::timeout(CONNECT_TIMEOUT, connect)
        .await
        .map_err(|_| AttemptError::ConnectTimeout)?
        .map_err(AttemptError::Connect)
}

/// Resolves once `connection` is no longer connected. lapin reports a dead connection to
/// its consumers, but not always promptly (a broker that closed the socket without a
/// `connection.close`), so sessions also poll its state.
pub async fn closed(connection: &Connection) {
    let mut check = tokio::time::interval(STATUS_POLL);
    loop {
        check.tick().await;
        if !connection.status().connected() {
            return;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::shutdown::Signal;

    #[test]
    fn backoff_doubles_up_to_the_cap() {
        let mut b = MIN_BACKOFF;
        let mut seen = vec![b];
        for _ in 0..10 {
            b = next_backoff(b);
            seen.push(b);
        }
        assert_eq!(seen[1], Duration::from_millis(400));
        assert_eq!(*seen.last().unwrap_or(&b), MAX_BACKOFF);
    }

    #[tokio::test]
    async fn shutdown_while_the_broker_is_unreachable_returns_at_once() {
        let shutdown = Shutdown::new();
        let stop = shutdown.clone();
        tokio::spawn(async move {
            tokio::time::sleep(Duration::from_millis(300)).await;
            stop.trigger(Signal::Terminate);
        });
        let mut downs = 0;
        let started = std::time::Instant::now();
        // Port 1 on localhost: refused at once, so the loop backs off and retries.
        let out: Option<()> = supervise(
            "amqp://127.0.0.1:1/%2f",
            "arkivar-test",
            &shutdown,
            |_| downs += 1,
            |_connection| async { Ok::<_, std::io::Error>(SessionEnd::Stopped(())) },
        )
        .await;
        assert!(out.is_none());
        assert!(downs >= 1);
        assert!(started.elapsed() < Duration::from_secs(2));
    }
}
