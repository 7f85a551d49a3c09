//! The runner: one job's bytes through the stages to a [`Record`](crate::record::Record).
//!
//! Pure: no file, socket or clock is touched here except through arguments (`process` reads
//! the clock once, `process_at` takes it). Sources hand bytes in; sinks take the record out.
//! The stages: load, text (and OCR of image pages), signatures, minutes, audit trails and
//! stamps, then the verdict.

pub mod config;
#[cfg(test)]
pub(crate) mod evidence_tests;
mod run;
#[cfg(test)]
mod scrive_tests;
#[cfg(test)]
mod signing_service_tests;

use std::sync::Arc;

use crate::ocr::OcrEngine;
use crate::pdf::Limits;
use crate::signature::TrustStore;
use crate::verify::policy::Policy;

/// Stack for every thread that runs the pipeline (the CLI's, batch's, the worker's and the
/// server's). lopdf recurses on nested objects; a generous stack turns hostile nesting into
/// the depth limit's error instead of an abort that no `catch_unwind` can contain.
pub const PIPELINE_STACK_BYTES: usize = 64 * 1024 * 1024;

/// What every stage of a run is configured with: the pipeline's limits and trust anchors.
#[derive(Debug, Clone, Default)]
pub struct Settings {
    /// Bounds on what one document may cost.
    pub limits: Limits,
    /// Certificates that signer chains must reach to be `trusted`.
    pub trust: TrustStore,
    /// What the verdict checks and how findings weigh.
    pub policy: Policy,
    /// The OCR engine for scanned pages; `None` leaves image pages without text. The engine
    /// is the one stage dependency that does I/O, so the caller chooses it (the CLI: the
    /// `tesseract` program; tests: whatever they show).
    pub ocr: Option<Arc<dyn OcrEngine>>,
}

impl Settings {
    /// These settings for [`process_signatures`]: the same limits, anchors and severities, with
    /// the signature rules only and no OCR.
    pub fn for_signatures(&self) -> Settings {
        Settings {
            policy: Policy {
                checks: crate::verify::policy::Checks::Signatures,
                ..self.policy.clone()
            },
            ocr: None,
            ..self.clone()
        }
    }
}

pub use run::{io_error_record, process, process_at, process_hashed, process_signatures};
