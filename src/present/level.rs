//! A signature's PAdES baseline level in words: `PAdES B-T; for B-LT: no DSS`, and its ETSI
//! EN 319 102-1 indication.

use crate::signature::examine::SignatureFacts;
use crate::signature::indication::{Indication, SubIndication as Sub};
use crate::signature::level::{LevelGap, PathOf};
use crate::signature::report::RevocationStatus;

/// What keeps a signature from the next level, in words.
pub fn gap(g: &LevelGap) -> String {
    match g {
        LevelGap::SubFilter { sub_filter } => format!(
            "sub-filter {}, not ETSI.CAdES.detached",
            sub_filter.as_deref().unwrap_or("(none)")
        ),
        LevelGap::SignatureDoesNotHold => "the signature does not hold".to_owned(),
        LevelGap::NoSigningCertificateAttribute => "no signing-certificate attribute".to_owned(),
        LevelGap::SigningCertificateMismatch => {
            "a signing-certificate attribute naming another certificate".to_owned()
        }
        LevelGap::ContentType => "no matching content-type attribute".to_owned(),
        LevelGap::SigningTimeAttribute => {
            "a signing-time attribute (PAdES puts the time in /M)".to_owned()
        }
        LevelGap::NoTimestamp => "no signature or later document timestamp".to_owned(),
        LevelGap::TimestampDoesNotHold => "its timestamp does not hold".to_owned(),
        LevelGap::NoDss => "no DSS".to_owned(),
        LevelGap::Revocation {
            path,
            subject,
            status,
            ..
        } => {
            let whose = match path {
                PathOf::Signer => "",
                PathOf::Timestamp => "timestamp authority's ",
            };
            let what = match status {
                RevocationStatus::NoData => "no revocation data",
                _ => "revocation status unsettled",
            };
            format!("{what} for the {whose}certificate {subject}")
        }
        LevelGap::NoDocumentTimestampOverDss => {
            "no document timestamp over the validation data".to_owned()
        }
    }
}

/// `PAdES B-T; for B-LT: no DSS, …`, or `no PAdES baseline level: …`; `None` for document
/// timestamps and usage rights, which have no level.
pub fn line(f: &SignatureFacts) -> Option<String> {
    if f.doc_timestamp || f.usage_rights {
        return None;
    }
    let missing = f
        .level_missing
        .iter()
        .map(gap)
        .collect::<Vec<_>>()
        .join(", ");
    Some(match (f.level, f.level_missing.first()) {
        (Some(l), None) => format!("PAdES {l}"),
        (Some(l), Some(g)) => format!("PAdES {l}; for {}: {missing}", g.blocks()),
        (None, _) => format!("no PAdES baseline level: {missing}"),
    })
}

/// `ETSI EN 319 102-1: INDETERMINATE (REVOKED_NO_POE: revoked, and no proof the signature
/// existed before)`; `None` when the signature has no indication (document timestamps, usage
/// rights).
pub fn indication(f: &SignatureFacts) -> Option<String> {
    let i = f.indication?;
    Some(format!(
        "ETSI EN 319 102-1: {} ({})",
        i.main_str(),
        explain(i)
    ))
}

/// Words for people: `REVOKED_NO_POE: revoked, and no proof the signature existed before`.
fn explain(i: Indication) -> String {
    let Some(sub) = i.sub() else {
        return "every check holds".to_owned();
    };
    let words = match sub {
        Sub::FormatFailure => "the signature is not well formed",
        Sub::HashFailure => "the signed bytes changed",
        Sub::SigCryptoFailure => "the signature value does not verify",
        Sub::Revoked => "signed after the certificate was revoked",
        Sub::NotYetValid => "signed before the certificate was issued",
        Sub::NoSigningCertificateFound => "the signer's certificate is not there",
        Sub::NoCertificateChainFound => "no path to a trust anchor",
        Sub::ChainConstraintsFailure => "the certificate path breaks its constraints",
        Sub::RevokedNoPoe => "revoked, and no proof the signature existed before",
        Sub::RevokedCaNoPoe => {
            "a CA of the path was revoked, and no proof the signature existed before"
        }
        Sub::OutOfBoundsNoPoe => {
            "the certificate has expired, and no proof the signature existed before"
        }
        Sub::OutOfBoundsNotRevoked => {
            "the certificate has expired, not revoked, and no proof the signature existed before"
        }
        Sub::TryLater => "the embedded revocation data does not settle a certificate's status",
        Sub::NoPoe => "no proof of existence",
        Sub::SigConstraintsFailure => "changed after signing beyond what the signature permits",
        Sub::CryptoConstraintsFailureNoPoe => {
            "an algorithm that is not accepted, and no proof of existence before"
        }
        Sub::CryptoConstraintsFailure => "an algorithm that is no longer reliable",
        Sub::Generic => "it could not be checked",
    };
    format!("{}: {words}", sub.as_str())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::signature::level::PadesLevel;

    #[test]
    fn the_level_and_what_the_next_one_lacks() {
        let bt = SignatureFacts {
            level: Some(PadesLevel::BT),
            level_missing: vec![LevelGap::NoDss],
            ..SignatureFacts::sample("A")
        };
        assert_eq!(line(&bt).unwrap(), "PAdES B-T; for B-LT: no DSS");
        let none = SignatureFacts {
            level: None,
            level_missing: vec![LevelGap::SigningTimeAttribute],
            ..SignatureFacts::sample("A")
        };
        assert!(
            line(&none)
                .unwrap()
                .starts_with("no PAdES baseline level: a signing-time")
        );
        let ts = SignatureFacts {
            doc_timestamp: true,
            ..SignatureFacts::sample("A")
        };
        assert_eq!(line(&ts), None);
    }

    #[test]
    fn the_etsi_indication_in_words() {
        let revoked = SignatureFacts {
            indication: Some(Indication::Indeterminate(Sub::RevokedNoPoe)),
            ..SignatureFacts::sample("A")
        };
        assert_eq!(
            indication(&revoked).unwrap(),
            "ETSI EN 319 102-1: INDETERMINATE (REVOKED_NO_POE: revoked, and no proof the signature existed before)"
        );
        let passed = SignatureFacts {
            indication: Some(Indication::Passed),
            ..SignatureFacts::sample("A")
        };
        assert_eq!(
            indication(&passed).unwrap(),
            "ETSI EN 319 102-1: PASSED (every check holds)"
        );
        // Near miss: no indication (a document timestamp), no line.
        assert_eq!(indication(&SignatureFacts::sample("A")), None);
    }
}
