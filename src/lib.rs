//! arkivar: signed PDFs in, verified records out.
//!
//! # Layout
//!
//! The modules follow the map in `shared/spec/design.md`: sources bring documents in, pure
//! stages turn bytes into facts and facts into a verdict, sinks take the record out.
//!
//! - [`sources`]: the edges that bring documents in (a folder, the RabbitMQ job queue, the
//!   HTTP API), the download from an allow-listed URL and the bounded reading of one file.
//! - [`job`]: the queue's job message and its published schema.
//! - [`pipeline`]: the runner; one document's bytes through the stages to a [`record::Record`],
//!   and the pipeline files (policy as data).
//! - [`pdf`]: stage: loading under limits, revisions, metadata, attachments and text.
//! - [`ocr`]: stage: page images of scanned pages and the text tesseract reads from them.
//! - [`signature`]: stage: each PDF signature's coverage, cryptography, certificate path,
//!   time-stamp and what changed after it. Facts only.
//! - [`audit`]: stage: e-sign audit trails and visible signing stamps in the text.
//! - [`minutes`]: stage: the meeting the minutes record, who took part, who must sign.
//! - [`identity`]: who is who: names and e-mails matched as people and OCR write them.
//! - [`verify`]: stage: the verdict; one small rule per finding code, weighed by a policy.
//! - [`record`]: what comes out: the record, its codes, the signing events and the schema.
//! - [`package`]: stage: the archive package (E-ARK SIP) of a record and its document.
//! - [`present`]: the record in words for people: sentences, evidence lines, local times,
//!   colour.
//! - [`sinks`]: the edges that take records out (a folder, an HTTP archive, the results
//!   exchange, a folder of archive packages).
//! - [`batch`]: `arkivar batch`: a folder of PDFs into records, in parallel and resumable.
//! - [`report`]: the CSV and HTML reports over many records.
//! - [`worker`]: `arkivar worker`: the queue's run loop, acknowledging a job only once every
//!   sink has it.
//! - [`shutdown`]: one shutdown for every long-running command.
//! - [`contain`]: the panic net every stage runs under: a panic on hostile input becomes an
//!   error.
//! - `fuzzing`: the bodies of the cargo-fuzz targets in `fuzz/` (hidden; not an API).
//! - `testing`: helpers the unit tests share (test builds only).
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
