//! Ctrl-C and SIGTERM during `arkivar batch`. The first signal asks the batch to stop taking
//! new documents; the documents in flight finish (record, sinks, ledger line) and the run
//! ends with a summary and a distinct exit status (128 + the signal's number, as shells do).
//! A second signal ends the process at once, for the person who does not want to wait: that
//! is safe too, because records are written atomically and the ledger ignores a torn line.

use std::sync::Arc;
use std::sync::atomic::{AtomicU8, Ordering};

/// Which signal stopped the batch.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Signal {
    /// SIGINT (Ctrl-C).
    Interrupt,
    /// SIGTERM (a service manager stopping the run).
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

    /// The exit status for a run this signal stopped: 130 for SIGINT, 143 for SIGTERM.
    pub fn exit_code(self) -> u8 {
        match self {
            Signal::Interrupt => 128 + 2,
            Signal::Terminate => 128 + 15,
        }
    }

    fn to_u8(self) -> u8 {
        match self {
            Signal::Interrupt => 1,
            Signal::Terminate => 2,
        }
    }
}

/// The stop request a batch polls between documents.
#[derive(Debug, Default)]
pub struct Interrupt {
    /// 0: none; else [`Signal::to_u8`] of the first signal.
    signal: AtomicU8,
}

impl Interrupt {
    /// A request nobody has made yet.
    pub fn new() -> Arc<Self> {
        Arc::new(Interrupt::default())
    }

    /// Asks the batch to stop, as `signal` would; the first request wins.
    pub fn request(&self, signal: Signal) {
        // Only the first signal is recorded: it is the one that decides the exit status.
        let _ = self
            .signal
            .compare_exchange(0, signal.to_u8(), Ordering::SeqCst, Ordering::SeqCst);
    }

    /// The signal that asked the batch to stop, if one did.
    pub fn requested(&self) -> Option<Signal> {
        match self.signal.load(Ordering::SeqCst) {
            1 => Some(Signal::Interrupt),
            2 => Some(Signal::Terminate),
            _ => None,
        }
    }

    /// Listens for SIGINT and SIGTERM on a thread of its own for the rest of the process.
    /// Returns once the handlers are installed, so no early signal slips past them.
    pub fn listen(self: &Arc<Self>) -> std::io::Result<()> {
        let (ready_tx, ready_rx) = std::sync::mpsc::channel();
        let me = Arc::clone(self);
        std::thread::Builder::new()
            .name("arkivar-signals".into())
            .spawn(move || {
                let runtime = match tokio::runtime::Builder::new_current_thread()
                    .enable_io()
                    .build()
                {
                    Ok(r) => r,
                    Err(e) => {
                        // The receiver waits for exactly this answer.
                        let _ = ready_tx.send(Err(e));
                        return;
                    }
                };
                runtime.block_on(me.wait(ready_tx));
            })?;
        ready_rx.recv().unwrap_or_else(|_| {
            Err(std::io::Error::other(
                "the signal thread stopped before installing its handlers",
            ))
        })
    }

    #[cfg(unix)]
    async fn wait(&self, ready: std::sync::mpsc::Sender<std::io::Result<()>>) {
        use tokio::signal::unix::{SignalKind, signal};
        let (mut int, mut term) = match (
            signal(SignalKind::interrupt()),
            signal(SignalKind::terminate()),
        ) {
            (Ok(int), Ok(term)) => (int, term),
            (Err(e), _) | (_, Err(e)) => {
                let _ = ready.send(Err(e));
                return;
            }
        };
        let _ = ready.send(Ok(()));
        loop {
            let signal = tokio::select! {
                _ = int.recv() => Signal::Interrupt,
                _ = term.recv() => Signal::Terminate,
            };
            if let Some(first) = self.requested() {
                tracing::warn!(signal = signal.name(), "signal again: stopping now");
                std::process::exit(i32::from(first.exit_code()));
            }
            // Through the log, not eprintln: with `--log-format json` stderr must stay JSON.
            tracing::warn!(
                signal = signal.name(),
                "finishing the documents in flight; send the signal again to stop at once"
            );
            self.request(signal);
        }
    }

    #[cfg(not(unix))]
    async fn wait(&self, ready: std::sync::mpsc::Sender<std::io::Result<()>>) {
        let _ = ready.send(Ok(()));
        loop {
            if tokio::signal::ctrl_c().await.is_err() {
                return;
            }
            if let Some(first) = self.requested() {
                std::process::exit(i32::from(first.exit_code()));
            }
            self.request(Signal::Interrupt);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn first_signal_decides_the_exit_status() {
        let stop = Interrupt::new();
        assert_eq!(stop.requested(), None);
        stop.request(Signal::Terminate);
        stop.request(Signal::Interrupt);
        assert_eq!(stop.requested(), Some(Signal::Terminate));
        assert_eq!(Signal::Terminate.exit_code(), 143);
        assert_eq!(Signal::Interrupt.exit_code(), 130);
    }
}
