//! One shutdown for every long-running command (`worker`, `serve`, `batch`), in the mini-redis
//! style: one broadcast says "stop taking work", a drain counter says how much work is still
//! in flight, and a deadline bounds how long the process waits for it.
//!
//! - [`Shutdown::trigger`] is the broadcast; the first trigger wins and records which signal
//!   it was and when, so the deadline is measured from the signal, not from whichever part
//!   of the program notices it last.
//! - [`Shutdown::guard`] is held by each piece of in-flight work; dropping it (also by a
//!   panic or an abort) counts the work as done.
//! - [`Shutdown::wait_drained`] waits for the counter to reach zero, at most until the
//!   deadline. Work that is still running then is abandoned: its deliveries were never
//!   acked, so the broker redelivers them, and the command exits with [`EXIT_DEADLINE`].
//! - [`listen`] (async) and [`listen_on_thread`] (for synchronous commands) turn SIGTERM and
//!   SIGINT into a trigger. A second signal ends the process at once, for the person who does
//!   not want to wait.

use std::sync::Arc;
use std::time::{Duration, Instant};

use tokio::sync::watch;

/// Exit status of `worker` and `serve` when the `--shutdown-timeout` deadline passed with
/// work still in flight (which the broker redelivers): distinct from 0 (drained) and from 2
/// (could not start), so that an operator sees that the deadline cut work off.
pub const EXIT_DEADLINE: u8 = 3;

/// What asked the process to stop.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Signal {
    /// SIGINT (Ctrl-C).
    Interrupt,
    /// SIGTERM (a service manager stopping the process).
    Terminate,
}

impl Signal {
    /// The signal's name.
    pub fn name(self) -> &'static str {
        match self {
            Signal::Interrupt => "SIGINT",
            Signal::Terminate => "SIGTERM",
        }
    }

    /// 128 + the signal's number, as shells report it: 130 for SIGINT, 143 for SIGTERM.
    pub fn exit_code(self) -> u8 {
        match self {
            Signal::Interrupt => 128 + 2,
            Signal::Terminate => 128 + 15,
        }
    }
}

/// How waiting for in-flight work ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Drain {
    /// Nothing is in flight any more.
    Drained,
    /// The deadline passed with this much work still in flight.
    DeadlinePassed {
        /// Pieces of work still holding a guard.
        left: usize,
    },
}

#[derive(Debug)]
struct Inner {
    /// `Some` once triggered: which signal, and when (the deadline's start).
    stop: watch::Sender<Option<(Signal, Instant)>>,
    /// Pieces of work holding a [`DrainGuard`].
    in_flight: watch::Sender<usize>,
}

/// The stop broadcast and the drain counter; cheap to clone, every clone is the same shutdown.
#[derive(Debug, Clone)]
pub struct Shutdown {
    inner: Arc<Inner>,
}

impl Default for Shutdown {
    fn default() -> Self {
        Shutdown::new()
    }
}

impl Shutdown {
    /// A shutdown nobody has asked for yet.
    pub fn new() -> Self {
        Shutdown {
            inner: Arc::new(Inner {
                stop: watch::Sender::new(None),
                in_flight: watch::Sender::new(0),
            }),
        }
    }

    /// Asks everything to stop, as `signal` would. Only the first request counts: it decides
    /// the exit status and starts the deadline.
    pub fn trigger(&self, signal: Signal) {
        self.inner.stop.send_if_modified(|stop| {
            if stop.is_some() {
                return false;
            }
            *stop = Some((signal, Instant::now()));
            true
        });
    }

    /// The signal that asked to stop, if one did.
    pub fn requested(&self) -> Option<Signal> {
        self.inner.stop.borrow().map(|(signal, _)| signal)
    }

    /// True once a stop was asked for.
    pub fn is_triggered(&self) -> bool {
        self.inner.stop.borrow().is_some()
    }

    /// Resolves once a stop was asked for (at once if it was already).
    pub async fn triggered(&self) {
        let mut stop = self.inner.stop.subscribe();
        // The sender lives in `self`, so the channel cannot close while we wait.
        let _ = stop.wait_for(Option::is_some).await;
    }

    /// A guard that counts one piece of work as in flight until it is dropped.
    pub fn guard(&self) -> DrainGuard {
        self.inner.in_flight.send_modify(|n| *n += 1);
        DrainGuard {
            inner: Arc::clone(&self.inner),
        }
    }

    /// Pieces of work in flight now.
    pub fn in_flight(&self) -> usize {
        *self.inner.in_flight.borrow()
    }

    /// Waits until nothing is in flight, but no longer than `timeout` after the stop was
    /// asked for (or after now, if it was not).
    pub async fn wait_drained(&self, timeout: Duration) -> Drain {
        let since = self
            .inner
            .stop
            .borrow()
            .map_or_else(Instant::now, |(_, at)| at);
        let deadline = tokio::time::Instant::from_std(since + timeout);
        let mut in_flight = self.inner.in_flight.subscribe();
        let drained = tokio::time::timeout_at(deadline, in_flight.wait_for(|n| *n == 0)).await;
        match drained {
            Ok(_) => Drain::Drained,
            Err(_) => Drain::DeadlinePassed {
                left: self.in_flight(),
            },
        }
    }
}

/// One piece of in-flight work; see [`Shutdown::guard`].
#[derive(Debug)]
pub struct DrainGuard {
    inner: Arc<Inner>,
}

impl Drop for DrainGuard {
    fn drop(&mut self) {
        self.inner
            .in_flight
            .send_modify(|n| *n = n.saturating_sub(1));
    }
}

/// Installs the SIGTERM and SIGINT handlers and spawns a task that triggers `shutdown` on
/// the first signal and ends the process on the second (with the first signal's exit
/// status). Call it inside a tokio runtime; it fails only when the handlers cannot be
/// installed, before any signal could slip past them.
pub fn listen(shutdown: &Shutdown) -> std::io::Result<tokio::task::JoinHandle<()>> {
    let signals = Signals::install()?;
    Ok(tokio::spawn(relay(signals, shutdown.clone())))
}

/// [`listen`] on a thread of its own, for commands without a runtime (`batch`). Returns once
/// the handlers are installed, so no early signal slips past them.
pub fn listen_on_thread(shutdown: &Shutdown) -> std::io::Result<()> {
    let (ready_tx, ready_rx) = std::sync::mpsc::channel();
    let shutdown = shutdown.clone();
    std::thread::Builder::new()
        .name("arkivar-signals".into())
        .spawn(move || {
            let runtime = match tokio::runtime::Builder::new_current_thread()
                .enable_io()
                .build()
            {
                Ok(r) => r,
                Err(e) => {
                    // The caller waits for exactly this answer.
                    let _ = ready_tx.send(Err(e));
                    return;
                }
            };
            runtime.block_on(async move {
                match Signals::install() {
                    Ok(signals) => {
                        let _ = ready_tx.send(Ok(()));
                        relay(signals, shutdown).await;
                    }
                    Err(e) => {
                        let _ = ready_tx.send(Err(e));
                    }
                }
            });
        })?;
    ready_rx.recv().unwrap_or_else(|_| {
        Err(std::io::Error::other(
            "the signal thread stopped before installing its handlers",
        ))
    })
}

/// The first signal triggers `shutdown`; the next one exits at once.
async fn relay(mut signals: Signals, shutdown: Shutdown) {
    loop {
        let signal = signals.next().await;
        if let Some(first) = shutdown.requested() {
            tracing::warn!(signal = signal.name(), "signal again: stopping now");
            std::process::exit(i32::from(first.exit_code()));
        }
        // Through the log, not eprintln: with `--log-format json` stderr must stay JSON.
        tracing::warn!(
            signal = signal.name(),
            "finishing the work in flight; send the signal again to stop at once"
        );
        shutdown.trigger(signal);
    }
}

/// SIGTERM and SIGINT as a stream.
struct Signals {
    #[cfg(unix)]
    term: tokio::signal::unix::Signal,
    #[cfg(unix)]
    int: tokio::signal::unix::Signal,
}

impl Signals {
    #[cfg(unix)]
    fn install() -> std::io::Result<Self> {
        use tokio::signal::unix::{SignalKind, signal};
        Ok(Signals {
            term: signal(SignalKind::terminate())?,
            int: signal(SignalKind::interrupt())?,
        })
    }

    #[cfg(not(unix))]
    fn install() -> std::io::Result<Self> {
        Ok(Signals {})
    }

    #[cfg(unix)]
    async fn next(&mut self) -> Signal {
        tokio::select! {
            _ = self.term.recv() => Signal::Terminate,
            _ = self.int.recv() => Signal::Interrupt,
        }
    }

    #[cfg(not(unix))]
    async fn next(&mut self) -> Signal {
        if tokio::signal::ctrl_c().await.is_err() {
            // Without a handler there is no Ctrl-C to wait for.
            std::future::pending::<()>().await;
        }
        Signal::Interrupt
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn first_trigger_decides_the_exit_status() {
        let stop = Shutdown::new();
        assert_eq!(stop.requested(), None);
        stop.trigger(Signal::Terminate);
        stop.trigger(Signal::Interrupt);
        assert_eq!(stop.requested(), Some(Signal::Terminate));
        assert_eq!(Signal::Terminate.exit_code(), 143);
        assert_eq!(Signal::Interrupt.exit_code(), 130);
    }

    #[tokio::test]
    async fn drained_when_the_last_guard_goes() {
        let stop = Shutdown::new();
        let a = stop.guard();
        let b = stop.guard();
        assert_eq!(stop.in_flight(), 2);
        stop.trigger(Signal::Terminate);
        stop.triggered().await;
        drop(a);
        tokio::spawn(async move {
            tokio::time::sleep(Duration::from_millis(50)).await;
            drop(b);
        });
        assert_eq!(
            stop.wait_drained(Duration::from_secs(5)).await,
            Drain::Drained
        );
    }

    #[tokio::test]
    async fn a_stuck_guard_is_left_behind_at_the_deadline() {
        let stop = Shutdown::new();
        let _stuck = stop.guard();
        stop.trigger(Signal::Interrupt);
        let started = Instant::now();
        assert_eq!(
            stop.wait_drained(Duration::from_millis(200)).await,
            Drain::DeadlinePassed { left: 1 }
        );
        assert!(started.elapsed() < Duration::from_secs(2));
    }

    #[tokio::test]
    async fn the_deadline_counts_from_the_signal() {
        let stop = Shutdown::new();
        let _stuck = stop.guard();
        stop.trigger(Signal::Interrupt);
        std::thread::sleep(Duration::from_millis(300));
        let started = Instant::now();
        let drain = stop.wait_drained(Duration::from_millis(300)).await;
        assert!(matches!(drain, Drain::DeadlinePassed { .. }));
        assert!(started.elapsed() < Duration::from_millis(200));
    }
}
