//! The archive client for callers on plain threads (`arkivar batch`): the same
//! [`ArchiveSink`], driven by a small runtime of its own, so retries, back-off, `Retry-After`,
//! the token and the idempotency key behave exactly as in the worker.

use tokio::runtime::Runtime;

use super::{ArchiveConfig, ArchiveError, ArchiveSink, Receipt};
use crate::record::{Record, Status};

/// An [`ArchiveSink`] whose `send` blocks the calling thread.
#[derive(Debug)]
pub struct BlockingArchive {
    // One runtime thread drives every connection: the work is waiting on the network, and
    // the callers' own threads do the CPU work. A multi-thread runtime (not current-thread)
    // because `block_on` is then safe to call from several threads at once.
    runtime: Runtime,
    sink: ArchiveSink,
}

impl BlockingArchive {
    /// A blocking client for `config`.
    pub fn new(config: ArchiveConfig) -> Result<Self, ArchiveError> {
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(1)
            .thread_name("arkivar-archive")
            .enable_all()
            .build()
            .map_err(ArchiveError::Runtime)?;
        let sink = ArchiveSink::new(config)?;
        Ok(BlockingArchive { runtime, sink })
    }

    /// Whether a record with `status` goes to the archive.
    pub fn accepts(&self, status: Status) -> bool {
        self.sink.accepts(status)
    }

    /// POSTs `record` (and the PDF when multipart is on) under `key`, with the sink's
    /// retries; returns once the archive answered 2xx or 409, or gave up.
    pub fn send_record(
        &self,
        record: &Record,
        pdf: &[u8],
        key: &str,
    ) -> Result<Receipt, ArchiveError> {
        self.runtime
            .block_on(self.sink.send_record(record, pdf, key, || {}))
    }
}
