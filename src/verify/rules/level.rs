//! `signature.level_insufficient`: a document signature whose PAdES baseline level (ETSI EN
//! 319 142-1, [`crate::signature::level`]) is below the policy's `require_level`.

use serde_json::json;

use super::{FindingCode, finding};
use crate::record::Finding;
use crate::signature::examine::SignatureFacts;
use crate::verify::policy::Policy;

/// One finding per document signature below `policy.require_level`; none when the policy
/// requires no level. Document timestamps and usage rights have no level and are not judged.
pub fn level_insufficient(sigs: &[SignatureFacts], policy: &Policy) -> Vec<Finding> {
    let Some(required) = policy.require_level else {
        return Vec::new();
    };
    sigs.iter()
        .filter(|s| !s.doc_timestamp && !s.usage_rights)
        .filter(|s| s.level.is_none_or(|l| l < required))
        .map(|s| {
            let who = s
                .signer
                .as_ref()
                .and_then(|x| x.common_name.clone())
                .unwrap_or_else(|| "an unknown signer".into());
            let level = s.level.map_or("no PAdES baseline level", |l| l.as_str());
            finding(
                policy,
                FindingCode::SignatureLevelInsufficient,
                format!("The signature by {who} is {level}; the policy requires {required}."),
                &[
                    (
                        "field",
                        json!(s.field.clone().unwrap_or_else(|| "(no field)".into())),
                    ),
                    ("level", json!(s.level)),
                    ("required", json!(required)),
                    ("missing", json!(s.level_missing)),
                ],
            )
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::record::Severity;
    use crate::signature::level::{LevelGap, PadesLevel};

    fn at(level: Option<PadesLevel>) -> SignatureFacts {
        SignatureFacts {
            level,
            level_missing: vec![LevelGap::NoDss],
            ..SignatureFacts::sample("Elise Ackerot")
        }
    }

    fn requiring(level: PadesLevel) -> Policy {
        Policy {
            require_level: Some(level),
            ..Policy::default()
        }
    }

    #[test]
    fn below_the_required_level_is_a_warning_with_what_is_missing() {
        let f = level_insufficient(&[at(Some(PadesLevel::BT))], &requiring(PadesLevel::BLt));
        assert_eq!(f.len(), 1);
        assert_eq!(f[0].code, FindingCode::SignatureLevelInsufficient);
        assert_eq!(f[0].severity, Severity::Warning);
        assert_eq!(f[0].evidence["level"], json!("B-T"));
        assert_eq!(f[0].evidence["required"], json!("B-LT"));
        assert_eq!(f[0].evidence["missing"], json!([{"code": "no_dss"}]));
        // Not even B-B is below every level.
        assert_eq!(
            level_insufficient(&[at(None)], &requiring(PadesLevel::BB)).len(),
            1
        );
    }

    #[test]
    fn at_or_above_the_level_or_without_a_requirement_is_fine() {
        assert!(
            level_insufficient(&[at(Some(PadesLevel::BLt))], &requiring(PadesLevel::BLt))
                .is_empty()
        );
        assert!(
            level_insufficient(&[at(Some(PadesLevel::BLta))], &requiring(PadesLevel::BLt))
                .is_empty()
        );
        assert!(level_insufficient(&[at(None)], &Policy::default()).is_empty());
        // A document timestamp has no level and is not judged.
        let ts = SignatureFacts {
            doc_timestamp: true,
            ..at(None)
        };
        assert!(level_insufficient(&[ts], &requiring(PadesLevel::BB)).is_empty());
    }

    #[test]
    fn a_policy_can_make_it_an_error() {
        let mut p = requiring(PadesLevel::BLta);
        p.severities
            .insert(FindingCode::SignatureLevelInsufficient, Severity::Error);
        let f = level_insufficient(&[at(Some(PadesLevel::BLt))], &p);
        assert_eq!(f[0].severity, Severity::Error);
    }
}
