//! One small rule per finding code (verdict.md § Findings). A rule reads facts and returns the
//! findings it makes, each with the evidence it rests on; the policy gives the severity.

pub mod audit;
pub mod level;
pub mod notice;
pub mod ocr;
pub mod protocol;
pub mod signature;

use std::collections::BTreeMap;

use serde_json::Value;

use super::policy::Policy;
use crate::record::Finding;
pub use crate::record::FindingCode;

/// A finding with `code`, weighed by `policy`, with `evidence` as key/value pairs.
pub fn finding(
    policy: &Policy,
    code: FindingCode,
    message: String,
    evidence: &[(&str, Value)],
) -> Finding {
    Finding {
        code,
        severity: policy.severity(code),
        message,
        evidence: evidence
            .iter()
            .map(|(k, v)| ((*k).to_owned(), v.clone()))
            .collect::<BTreeMap<_, _>>(),
    }
}
