//! The policy a verdict is weighed by: which rules apply, what order and deadlines they
//! demand, and how much each finding weighs. Data, read from `pipelines/*.toml`
//! (design.md "Policy is data"); the defaults are `protokoll-sv`'s.

use std::collections::BTreeMap;

use schemars::JsonSchema;
use serde::Deserialize;

use crate::record::Severity;

/// A role whose signature the minutes require.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum SigningRole {
    /// Sekreterare.
    Secretary,
    /// Ordförande.
    Chair,
    /// Justerare.
    Adjuster,
}

/// What a pipeline checks beyond the PDF itself.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Checks {
    /// Signatures only: any PDF.
    Signatures,
    /// Meeting minutes: signers against participants, order, times, deadlines, notice.
    Protocol,
}

/// The rules' parameters and the findings' weights.
#[derive(Debug, Clone, PartialEq, Deserialize, JsonSchema)]
#[serde(default, deny_unknown_fields)]
pub struct Policy {
    /// Which rules run.
    pub checks: Checks,
    /// The order designated signers are expected to sign in.
    pub signing_order: Vec<SigningRole>,
    /// Days after the meeting by which the last required signature is due
    /// (Kommunallagen 5 kap. 69 §).
    pub justering_deadline_days: i64,
    /// Days after justering by which the notice must go up (8 kap. 12 §).
    pub notice_within_days: i64,
    /// Days the notice must stay up (13 kap. 5 §: three weeks).
    pub notice_min_days: i64,
    /// Seconds two sources may disagree on one signing event, after time-zone conversion and
    /// minute truncation.
    pub time_tolerance_seconds: i64,
    /// The organisation's time zone, for dates written without a time.
    pub time_zone: String,
    /// Show Swedish personal identity numbers masked.
    pub mask_personal_numbers: bool,
    /// OCR pages that have no text layer but an image (scans).
    pub ocr: bool,
    /// Tesseract languages (traineddata names) OCR reads with, in order of preference.
    pub ocr_languages: Vec<String>,
    /// Seconds one page's OCR may take before it is stopped.
    pub ocr_seconds_per_page: u64,
    /// Severity per finding code, overriding the defaults of verdict.md.
    pub severities: BTreeMap<String, Severity>,
}

impl Default for Policy {
    fn default() -> Self {
        Policy {
            checks: Checks::Protocol,
            signing_order: vec![
                SigningRole::Secretary,
                SigningRole::Chair,
                SigningRole::Adjuster,
            ],
            justering_deadline_days: 14,
            notice_within_days: 2,
            notice_min_days: 21,
            time_tolerance_seconds: 120,
            time_zone: "Europe/Stockholm".into(),
            mask_personal_numbers: true,
            ocr: true,
            ocr_languages: vec!["swe".into(), "eng".into()],
            ocr_seconds_per_page: 60,
            severities: BTreeMap::new(),
        }
    }
}

/// The default severity of each finding code (verdict.md § Findings).
pub fn default_severity(code: &str) -> Severity {
    match code {
        "signature.untrusted"
        | "signature.unverifiable"
        | "order.violation"
        | "time.justering_deadline_exceeded"
        | "time.sources_disagree"
        | "notice.posted_late"
        | "notice.period_too_short" => Severity::Warning,
        "audit.alternative_signer"
        | "audit.delivery_failed"
        | "document.not_protocol"
        | "document.ocr_used" => Severity::Info,
        _ => Severity::Error,
    }
}

impl Policy {
    /// The severity of `code` under this policy.
    pub fn severity(&self, code: &str) -> Severity {
        self.severities
            .get(code)
            .copied()
            .unwrap_or_else(|| default_severity(code))
    }

    /// The time zone, or an error naming it.
    pub fn zone(&self) -> Result<jiff::tz::TimeZone, String> {
        jiff::tz::TimeZone::get(&self.time_zone)
            .map_err(|e| format!("unknown time zone {:?}: {e}", self.time_zone))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_follow_the_spec() {
        let p = Policy::default();
        assert_eq!(p.severity("signature.integrity_broken"), Severity::Error);
        assert_eq!(p.severity("order.violation"), Severity::Warning);
        assert_eq!(p.severity("audit.delivery_failed"), Severity::Info);
        assert!(p.zone().is_ok());
    }

    #[test]
    fn a_policy_can_lower_a_severity() {
        let mut p = Policy::default();
        p.severities
            .insert("signature.unverifiable".into(), Severity::Info);
        assert_eq!(p.severity("signature.unverifiable"), Severity::Info);
    }
}
