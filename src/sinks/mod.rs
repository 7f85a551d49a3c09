//! Sinks: the edges that take records out: a folder of JSON files, an HTTP archive and the
//! results exchange. A sink confirms a record only once it is durable, so a source may
//! acknowledge the input (design.md: "Nothing is lost").

pub mod amqp;
pub mod fs;
pub mod http;
pub mod sip;

use crate::record::Record;

/// The key every sink deduplicates a record by: the document's SHA-256 and the pipeline that
/// judged it (the same document under another pipeline is another record). The archive gets
/// it as `Idempotency-Key`, the results exchange as the message id; the worker and `batch`
/// make the same key, so one archive deduplicates across both.
pub fn record_key(record: &Record, pipeline: &str) -> String {
    format!("{}:{}", record.identity.sha256, pipeline)
}
