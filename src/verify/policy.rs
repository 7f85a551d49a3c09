//! The policy a verdict is weighed by: which rules apply, what order and deadlines they
//! demand, and how much each finding weighs. Data, read from `pipelines/*.toml`
//! (design.md "Policy is data"); the defaults are `protokoll-sv`'s.

use std::collections::BTreeMap;

use schemars::JsonSchema;
use serde::Deserialize;

use crate::record::{FindingCode, Severity};
use crate::signature::level::PadesLevel;

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
    /// Severity per finding code, overriding the defaults of verdict.md. A code verdict.md
    /// does not have is an error when the pipeline loads.
    pub severities: BTreeMap<FindingCode, Severity>,
    /// Which seal certificates are an e-sign platform's, by the names they carry.
    pub platform_seals: PlatformSeals,
    /// The lowest PAdES baseline level (`B-B`, `B-T`, `B-LT`, `B-LTA`) every document
    /// signature must reach; below it, `signature.level_insufficient`. Unset: no level is
    /// required.
    pub require_level: Option<PadesLevel>,
}

/// Names that mark a seal's certificate as an e-sign platform's: a seal whose subject common
/// name, organisation or e-mail contains one (compared in lower case) belongs to that
/// platform. A platform's evidence page is covered only by its own seal or one that names no
/// platform; another platform's seal never vouches for it (verdict.md § Text evidence needs a
/// seal).
#[derive(Debug, Clone, PartialEq, Deserialize, JsonSchema)]
#[serde(default, deny_unknown_fields)]
pub struct PlatformSeals {
    /// Adobe Acrobat Sign, whose audit reports arkivar reads.
    pub adobe_sign: Vec<String>,
    /// Scrive, whose evidence pages arkivar reads.
    pub scrive: Vec<String>,
    /// Platforms whose evidence pages arkivar does not read: their seals still must not vouch
    /// for another platform's page. Guardtime KSI seals (older Scrive documents) are here:
    /// arkivar cannot check them, so they cover nothing either way.
    pub other: Vec<String>,
}

impl Default for PlatformSeals {
    fn default() -> Self {
        let names = |list: &[&str]| list.iter().map(|n| (*n).to_owned()).collect();
        PlatformSeals {
            adobe_sign: names(&["adobe"]),
            scrive: names(&["scrive"]),
            other: names(&[
                "guardtime",
                "docusign",
                "visma",
                "assently",
                "penneo",
                "signicat",
                "oneflow",
            ]),
        }
    }
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
            platform_seals: PlatformSeals::default(),
            require_level: None,
        }
    }
}

impl Policy {
    /// The severity of `code` under this policy.
    pub fn severity(&self, code: FindingCode) -> Severity {
        self.severities
            .get(&code)
            .copied()
            .unwrap_or_else(|| code.default_severity())
    }

    /// The time zone, or an error naming it.
    pub fn zone(&self) -> Result<jiff::tz::TimeZone, String> {
        zone_named(&self.time_zone)
    }
}

/// Zones already resolved in this process.
static ZONES: std::sync::Mutex<Vec<(String, jiff::tz::TimeZone)>> =
    std::sync::Mutex::new(Vec::new());

/// An IANA time zone by name: the system's TZif file when the name is a plain path inside
/// the zoneinfo folder, else jiff's database. jiff's first lookup walks the whole zoneinfo
/// folder to index it (milliseconds that every short CLI run would pay for one zone).
fn zone_named(name: &str) -> Result<jiff::tz::TimeZone, String> {
    let mut zones = ZONES
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    if let Some((_, tz)) = zones.iter().find(|(n, _)| n == name) {
        return Ok(tz.clone());
    }
    let tz = match system_tzif(name) {
        Some(tz) => tz,
        None => {
            jiff::tz::TimeZone::get(name).map_err(|e| format!("unknown time zone {name:?}: {e}"))?
        }
    };
    // A policy names one zone or a few; the bound only guards against a caller looping.
    if zones.len() < 64 {
        zones.push((name.to_owned(), tz.clone()));
    }
    Ok(tz)
}

/// The zone from `$TZDIR` (or `/usr/share/zoneinfo`) read directly, when `name` is plain
/// (letters, digits, `_+-` in `/`-separated parts, no `.` or `..`) and the file is TZif.
fn system_tzif(name: &str) -> Option<jiff::tz::TimeZone> {
    const MAX_TZIF_BYTES: u64 = 256 * 1024;
    let plain = !name.is_empty()
        && name.len() <= 64
        && name.split('/').all(|part| {
            !part.is_empty()
                && part
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b"_+-".contains(&b))
        });
    if !plain {
        return None;
    }
    let dir = std::env::var_os("TZDIR")
        .map(std::path::PathBuf::from)
        .unwrap_or_else(|| "/usr/share/zoneinfo".into());
    let path = dir.join(name);
    if std::fs::metadata(&path).ok()?.len() > MAX_TZIF_BYTES {
        return None;
    }
    let data = std::fs::read(&path).ok()?;
    jiff::tz::TimeZone::tzif(name, &data).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn zones_resolve_like_jiffs_database_and_bad_names_are_refused() {
        let instant: jiff::Timestamp = "2024-07-01T12:00:00Z".parse().unwrap();
        for name in ["Europe/Stockholm", "UTC", "America/Argentina/Buenos_Aires"] {
            let ours = zone_named(name).unwrap();
            let jiffs = jiff::tz::TimeZone::get(name).unwrap();
            assert_eq!(ours.to_offset(instant), jiffs.to_offset(instant), "{name}");
            assert_eq!(ours.iana_name(), Some(name));
        }
        assert!(system_tzif("../../etc/passwd").is_none());
        assert!(system_tzif("Europe/./Stockholm").is_none());
        assert!(zone_named("Nowhere/Atlantis").is_err());
    }

    #[test]
    fn defaults_follow_the_spec() {
        let p = Policy::default();
        assert_eq!(
            p.severity(FindingCode::SignatureIntegrityBroken),
            Severity::Error
        );
        assert_eq!(p.severity(FindingCode::OrderViolation), Severity::Warning);
        assert_eq!(p.severity(FindingCode::AuditDeliveryFailed), Severity::Info);
        assert!(p.zone().is_ok());
    }

    #[test]
    fn require_level_reads_the_standards_names_and_refuses_others() {
        let p: Policy = toml::from_str("require_level = \"B-LT\"").unwrap();
        assert_eq!(p.require_level, Some(PadesLevel::BLt));
        assert_eq!(Policy::default().require_level, None);
        assert!(toml::from_str::<Policy>("require_level = \"LT\"").is_err());
    }

    #[test]
    fn a_policy_can_lower_a_severity() {
        let mut p = Policy::default();
        p.severities
            .insert(FindingCode::SignatureUnverifiable, Severity::Info);
        assert_eq!(
            p.severity(FindingCode::SignatureUnverifiable),
            Severity::Info
        );
    }
}
