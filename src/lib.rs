//! arkivar: signed PDFs in, verified records out.
//!
//! The crate is laid out after the pipeline map in `shared/spec/design.md`: `sources` and
//! `sinks` are the edges that do I/O; `pdf` and `signature` (and later `minutes`, `verify`) are
//! pure stages; `pipeline` runs the stages over a job; `record` is what comes out.
#![forbid(unsafe_code)]

pub mod audit;
pub mod batch;
pub mod contain;
#[doc(hidden)]
pub mod fuzzing;
pub mod identity;
pub mod job;
pub mod minutes;
pub mod ocr;
pub mod package;
pub mod pdf;
pub mod pipeline;
pub mod present;
pub mod record;
pub mod report;
pub mod shutdown;
pub mod signature;
pub mod sinks;
pub mod sources;
#[cfg(test)]
mod testing;
pub mod verify;
pub mod worker;
