//! Whether a signer certificate is qualified, as a fact: what a verified trusted list says of
//! the CA/QC service its path ends at, at the time the signature is judged at, together with
//! what the certificate states (QCStatements, ETSI EN 319 412-5) where the list leaves it to the
//! certificate. The order of precedence follows ETSI TS 119 615 §4.3's reading of qualifiers:
//! a list's qualifier overrides the certificate's statement (NotQualified, QCNoSSCD,
//! QCForESeal, …), an "as in the certificate" qualifier or none defers to it.
//!
//! Never "qualified" from the certificate's own word: without a trusted list anchor the
//! status is `unknown`.

use jiff::Timestamp;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::list::{Assert, Criteria, Qualifier, Service, ServiceType, StatusEntry};
use crate::signature::certificate::Certificate;
use crate::signature::qualified::QcType;

/// The signer's qualification, with what it rests on.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct Qualification {
    pub status: QualificationStatus,
    /// In words, what the status rests on (the list, the service and its status, the
    /// qualifiers and statements used), or why it is unknown.
    pub basis: String,
    /// The trusted list's territory (`SE`, `EU`, …) when one was used.
    pub territory: Option<String>,
    /// The CA/QC service the signer's path ends at, when one does.
    pub service: Option<String>,
}

/// What a signature is, as far as the data shows.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum QualificationStatus {
    /// A qualified electronic signature: qualified certificate for e-signatures, key on a
    /// QSCD, issued by a service granted at the time.
    QualifiedEsig,
    /// A qualified electronic seal, likewise.
    QualifiedEseal,
    /// A qualified certificate, but not a qualified signature or seal (no QSCD, or for
    /// website authentication); or a document timestamp by a qualified time-stamping
    /// service (a qualified electronic time stamp).
    QualifiedOther,
    /// The list shows the certificate is not qualified (or the service was not granted then).
    NotQualified,
    /// Nothing checked says either way (no trusted list anchors the signer, no time, the
    /// signature does not verify, or a criterion arkivar does not check applies).
    #[default]
    Unknown,
}

impl Qualification {
    /// Unknown, for `reason`.
    pub fn unknown(reason: &str) -> Self {
        Qualification {
            status: QualificationStatus::Unknown,
            basis: reason.to_owned(),
            territory: None,
            service: None,
        }
    }
}

/// The qualification of `signer` whose path ends at `service` (of the list of `territory`),
/// judged at `at`. When `at` is not `proven` (only the signer's claim), the service must also
/// be granted now: a claimed time cannot move a signature into a period the service was
/// granted in.
pub fn assess(
    signer: &Certificate,
    territory: &str,
    service: &Service,
    at: Timestamp,
    proven: bool,
) -> Qualification {
    let mut out = Qualification {
        territory: Some(territory.to_owned()),
        service: Some(service.name.clone()),
        ..Qualification::unknown("")
    };
    if let Some(now) = service.entries.first().filter(|_| !proven)
        && !now.status.is_granted()
    {
        out.status = QualificationStatus::NotQualified;
        out.basis = format!(
            "the service's status is {} since {}, and no timestamp proves the signature was made before",
            now.status.name(),
            now.from
        );
        return out;
    }
    let Some(entry) = service.entry_at(at) else {
        out.status = QualificationStatus::NotQualified;
        out.basis = format!("the service {:?} was not on the list at {at}", service.name);
        return out;
    };
    let time_stamping = signer
        .extended_key_usage
        .iter()
        .any(|p| crate::signature::oid::is(p, &crate::signature::oid::KP_TIME_STAMPING));
    if entry.kind == ServiceType::TsaQtst && entry.status.is_granted() && time_stamping {
        // A document timestamp by a qualified time-stamping service: a qualified electronic
        // time stamp (eIDAS Art. 42), which is no signature or seal.
        out.status = QualificationStatus::QualifiedOther;
        out.basis = format!(
            "service {:?} of {territory}'s trusted list is a qualified time-stamping service (TSA/QTST), {} at {at}: a qualified electronic time stamp",
            service.name,
            entry.status.name()
        );
        return out;
    }
    if entry.kind != ServiceType::CaQc {
        out.status = QualificationStatus::NotQualified;
        out.basis = format!("the service was of type {} at {at}", entry.kind.name());
        return out;
    }
    if !entry.status.is_granted() {
        out.status = QualificationStatus::NotQualified;
        out.basis = format!("the service's status was {} at {at}", entry.status.name());
        return out;
    }
    let qualifiers = match applicable_qualifiers(entry, signer) {
        Ok(q) => q,
        Err(()) => {
            out.basis =
                "a qualification of the list applies by criteria arkivar does not check".to_owned();
            return out;
        }
    };
    let qc = signer.qc_statements.clone().unwrap_or_default();
    let has = |q: &Qualifier| qualifiers.contains(q);
    let qualified = if has(&Qualifier::NotQualified) {
        false
    } else {
        has(&Qualifier::QcStatement) || qc.eu_qualified
    };
    let qscd = if has(&Qualifier::QcNoSscd) || has(&Qualifier::QcNoQscd) {
        false
    } else {
        has(&Qualifier::QcWithSscd)
            || has(&Qualifier::QcWithQscd)
            || has(&Qualifier::QcQscdManagedOnBehalf)
            || qc.qscd
    };
    let listed_types: Vec<QcType> = [
        (Qualifier::QcForESig, QcType::Esign),
        (Qualifier::QcForESeal, QcType::Eseal),
        (Qualifier::QcForWsa, QcType::Web),
    ]
    .into_iter()
    .filter(|(q, _)| has(q))
    .map(|(_, t)| t)
    .collect();
    if listed_types.len() > 1 {
        out.basis = "the list's qualifiers give the certificate more than one use".to_owned();
        return out;
    }
    let kind = if let Some(t) = listed_types.first() {
        Some(*t)
    } else if has(&Qualifier::QcForLegalPerson) {
        // Before eIDAS: issued to a legal person, so no natural person's signature; which
        // use it has the list does not say.
        None
    } else if qc.types.is_empty() {
        // EN 319 412-5 §4.2.3: a qualified certificate that states no type is for signatures.
        qualified.then_some(QcType::Esign)
    } else {
        qc.types.first().copied()
    };
    // The service's additional information says what its qualified certificates are for.
    let service_allows = |suffix: &str| {
        entry.additional.is_empty() || entry.additional.iter().any(|u| u.ends_with(suffix))
    };
    let words: Vec<String> = qualifiers.iter().map(|q| format!("{q:?}")).collect();
    let what = format!(
        "service {:?} of {territory}'s trusted list, {} at {at}; qualifiers [{}]; QCStatements {}",
        service.name,
        entry.status.name(),
        words.join(", "),
        if signer.qc_statements.is_some() {
            "present"
        } else {
            "absent"
        }
    );
    out.status = match (qualified, qscd, kind) {
        (false, _, _) => QualificationStatus::NotQualified,
        (true, true, Some(QcType::Esign)) if service_allows("ForeSignatures") => {
            QualificationStatus::QualifiedEsig
        }
        (true, true, Some(QcType::Eseal)) if service_allows("ForeSeals") => {
            QualificationStatus::QualifiedEseal
        }
        (true, _, _) => QualificationStatus::QualifiedOther,
    };
    out.basis = what;
    out
}

/// The qualifiers of every qualification element whose criteria select `signer`; `Err` when
/// whether one does cannot be told.
fn applicable_qualifiers(entry: &StatusEntry, signer: &Certificate) -> Result<Vec<Qualifier>, ()> {
    let mut out = Vec::new();
    for q in &entry.qualifications {
        match selects(&q.criteria, signer) {
            Some(true) => out.extend(q.qualifiers.iter().cloned()),
            Some(false) => {}
            None => return Err(()),
        }
    }
    Ok(out)
}

/// Whether `criteria` select `cert` (TS 119 612 §5.5.9.2.2); `None` when a criterion arkivar
/// does not check would decide it.
pub fn selects(criteria: &Criteria, cert: &Certificate) -> Option<bool> {
    let mut results: Vec<Option<bool>> = Vec::new();
    for bits in &criteria.key_usage {
        results.push(Some(bits.iter().all(|(name, value)| {
            key_usage_bit(name).is_some_and(|bit| {
                let set = cert.key_usage.is_some_and(|ku| ku & (1 << bit) != 0);
                set == *value
            })
        })));
    }
    for set in &criteria.policy_sets {
        results.push(Some(
            !set.is_empty() && set.iter().all(|p| cert.policies.iter().any(|c| c == p)),
        ));
    }
    for nested in &criteria.nested {
        results.push(selects(nested, cert));
    }
    results.extend(std::iter::repeat_n(None, criteria.unchecked));
    let any_true = results.contains(&Some(true));
    let any_unknown = results.contains(&None);
    let all_true = results.iter().all(|r| *r == Some(true));
    match criteria.assert {
        Assert::All if all_true => Some(true),
        Assert::All if results.contains(&Some(false)) => Some(false),
        Assert::AtLeastOne if any_true => Some(true),
        Assert::None if any_true => Some(false),
        Assert::None if !any_unknown => Some(true),
        _ if any_unknown => None,
        _ => Some(false),
    }
}

/// RFC 5280 §4.2.1.3 KeyUsage bit names, as the list writes them.
fn key_usage_bit(name: &str) -> Option<u16> {
    let bit = match name {
        "digitalSignature" => 0,
        "nonRepudiation" | "contentCommitment" => 1,
        "keyEncipherment" => 2,
        "dataEncipherment" => 3,
        "keyAgreement" => 4,
        "keyCertSign" => 5,
        "crlSign" => 6,
        "encipherOnly" => 7,
        "decipherOnly" => 8,
        _ => return None,
    };
    Some(bit)
}

#[cfg(test)]
mod tests {
    use super::super::list::{ServiceStatus, StatusEntry};
    use super::*;
    use crate::signature::oid;
    use crate::signature::testkit::{
        CertSpec, TestKey, make_cert, name, octets, oid as oid_der, seq,
    };

    fn tsa_service() -> Service {
        Service {
            provider: "Test Provider".into(),
            name: "Test QTST".into(),
            certificates: Vec::new(),
            entries: vec![StatusEntry {
                kind: ServiceType::TsaQtst,
                status: ServiceStatus::Granted,
                from: "2016-07-01T00:00:00Z".parse().expect("time"),
                qualifications: Vec::new(),
                additional: Vec::new(),
            }],
        }
    }

    fn tsa_certificate(time_stamping: bool) -> Certificate {
        let key = TestKey::p256(0x70);
        let mut spec = CertSpec::new(0x700, name("Test TSA", &[]), name("Test TSA", &[]));
        if time_stamping {
            spec.extensions = vec![seq(&[
                &oid_der(&oid::EXT_EXTENDED_KEY_USAGE),
                &octets(&seq(&[&oid_der(&oid::KP_TIME_STAMPING)])),
            ])];
        }
        Certificate::parse(&make_cert(&spec, &key, &key)).expect("reads")
    }

    #[test]
    fn a_timestamp_by_a_qualified_time_stamping_service_is_a_qualified_time_stamp() {
        let at = "2024-01-01T00:00:00Z".parse().expect("time");
        let q = assess(&tsa_certificate(true), "SE", &tsa_service(), at, true);
        assert_eq!(q.status, QualificationStatus::QualifiedOther, "{}", q.basis);
        assert!(
            q.basis.contains("qualified electronic time stamp"),
            "{}",
            q.basis
        );
        // Near miss: a certificate that is no TSA's is no qualified signer by that service.
        let q = assess(&tsa_certificate(false), "SE", &tsa_service(), at, true);
        assert_eq!(q.status, QualificationStatus::NotQualified, "{}", q.basis);
    }
}
