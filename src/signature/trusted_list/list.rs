//! The contents of an ETSI TS 119 612 trusted list (v2 schema): scheme information, and each
//! trust service provider's services with their type, status history, certificates and
//! qualification extensions. A list of lists (LOTL) reads the same way; its pointers to other
//! lists are recorded, never fetched.
//!
//! Only what the list says is read here; whether it may be believed is [`super::dsig`]'s
//! question, and what a service's status means at a time is [`Service::entry_at`]'s.

use std::str::FromStr;

use jiff::Timestamp;
use thiserror::Error;

use super::dsig::base64;
use super::xml::Element;
use crate::signature::certificate::Certificate;

/// The trusted list namespace (TS 119 612 Annex C).
pub const TSL: &str = "http://uri.etsi.org/02231/v2#";
/// The namespace of the Qualifications extension (TS 119 612 §5.5.9.2).
pub const ECC: &str = "http://uri.etsi.org/TrstSvc/SvcInfoExt/eSigDir-1999-93-EC-TrustedList/#";
const SVC_TYPE: &str = "http://uri.etsi.org/TrstSvc/Svctype/";
const SVC_STATUS: &str = "http://uri.etsi.org/TrstSvc/TrustedList/Svcstatus/";
const QUALIFIER: &str = "http://uri.etsi.org/TrstSvc/TrustedList/SvcInfoExt/";

/// Services read from one list at most.
pub const MAX_SERVICES: usize = 20_000;
/// Certificates of one service's digital identity at most.
pub const MAX_SERVICE_CERTIFICATES: usize = 64;
/// History entries of one service at most.
pub const MAX_HISTORY: usize = 512;

/// Why a list's contents could not be read.
#[derive(Debug, Error, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum ListError {
    #[error("the document is not a TrustServiceStatusList")]
    NotATrustedList,
    #[error("the list lacks {what}")]
    Missing { what: &'static str },
    #[error("{what} is not a date and time: {value:?}")]
    BadTime { what: &'static str, value: String },
    #[error("more than {limit} {what}")]
    TooMany { what: &'static str, limit: usize },
    #[error("service {service:?}: a certificate does not read ({cause})")]
    BadCertificate { service: String, cause: String },
}

/// A trusted list's scheme information and services.
#[derive(Debug, Clone)]
pub struct TrustedList {
    /// SchemeTerritory (ISO 3166 code, `EU` for the list of lists).
    pub territory: String,
    /// TSLSequenceNumber.
    pub sequence_number: Option<u64>,
    /// The first SchemeOperatorName.
    pub operator: String,
    /// ListIssueDateTime.
    pub issued: Timestamp,
    /// NextUpdate; absent for a list whose scheme has closed.
    pub next_update: Option<Timestamp>,
    /// TSLLocation of each PointersToOtherTSL entry (recorded, never fetched).
    pub pointers: Vec<String>,
    pub services: Vec<Service>,
}

/// One trust service.
#[derive(Debug, Clone)]
pub struct Service {
    /// The provider's first TSPName.
    pub provider: String,
    /// The service's first ServiceName (of its current information).
    pub name: String,
    /// The certificates of its current digital identity.
    pub certificates: Vec<Certificate>,
    /// Its current information and its history, newest first: each applies from its
    /// starting time until the next newer one's.
    pub entries: Vec<StatusEntry>,
}

/// A service's type, status and qualifications from a starting time on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StatusEntry {
    pub kind: ServiceType,
    pub status: ServiceStatus,
    /// StatusStartingTime.
    pub from: Timestamp,
    /// The Qualifications extension's elements.
    pub qualifications: Vec<Qualification>,
    /// AdditionalServiceInformation URIs (`…/SvcInfoExt/ForeSignatures`, `ForeSeals`, …).
    pub additional: Vec<String>,
}

/// ServiceTypeIdentifier (TS 119 612 §5.5.1).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ServiceType {
    /// `Svctype/CA/QC`: issues qualified certificates.
    CaQc,
    /// `Svctype/TSA/QTST`: qualified time stamps.
    TsaQtst,
    /// Any other type, its URI.
    Other(String),
}

impl ServiceType {
    fn from_uri(uri: &str) -> Self {
        match uri.strip_prefix(SVC_TYPE) {
            Some("CA/QC") => ServiceType::CaQc,
            Some("TSA/QTST") => ServiceType::TsaQtst,
            _ => ServiceType::Other(uri.to_owned()),
        }
    }

    /// A short name for reports.
    pub fn name(&self) -> &str {
        match self {
            ServiceType::CaQc => "CA/QC",
            ServiceType::TsaQtst => "TSA/QTST",
            ServiceType::Other(uri) => uri.strip_prefix(SVC_TYPE).unwrap_or(uri),
        }
    }
}

/// ServiceStatus (TS 119 612 §5.5.4), with the statuses of lists before eIDAS (2016).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ServiceStatus {
    Granted,
    Withdrawn,
    /// `undersupervision`, `supervisionincessation` or `accredited`: before 1 July 2016 these
    /// meant what `granted` means since (as the EU's DSS validator reads them).
    GrantedBeforeEidas(String),
    /// Any other status (ceased, revoked, national ones, …), its URI.
    Other(String),
}

impl ServiceStatus {
    fn from_uri(uri: &str) -> Self {
        match uri.strip_prefix(SVC_STATUS) {
            Some("granted") => ServiceStatus::Granted,
            Some("withdrawn") => ServiceStatus::Withdrawn,
            Some(s @ ("undersupervision" | "supervisionincessation" | "accredited")) => {
                ServiceStatus::GrantedBeforeEidas(s.to_owned())
            }
            _ => ServiceStatus::Other(uri.to_owned()),
        }
    }

    /// Whether the service was approved while this status held.
    pub fn is_granted(&self) -> bool {
        matches!(
            self,
            ServiceStatus::Granted | ServiceStatus::GrantedBeforeEidas(_)
        )
    }

    /// A short name for reports.
    pub fn name(&self) -> &str {
        match self {
            ServiceStatus::Granted => "granted",
            ServiceStatus::Withdrawn => "withdrawn",
            ServiceStatus::GrantedBeforeEidas(s) => s,
            ServiceStatus::Other(uri) => uri.strip_prefix(SVC_STATUS).unwrap_or(uri),
        }
    }
}

/// One QualificationElement: qualifiers that apply to the certificates its criteria select.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Qualification {
    pub qualifiers: Vec<Qualifier>,
    pub criteria: Criteria,
}

/// A Qualifier (TS 119 612 §5.5.9.2.3).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Qualifier {
    QcWithSscd,
    QcNoSscd,
    QcSscdStatusAsInCert,
    QcWithQscd,
    QcNoQscd,
    QcQscdStatusAsInCert,
    QcQscdManagedOnBehalf,
    QcForLegalPerson,
    QcForESig,
    QcForESeal,
    QcForWsa,
    NotQualified,
    QcStatement,
    Other(String),
}

impl Qualifier {
    fn from_uri(uri: &str) -> Self {
        match uri.strip_prefix(QUALIFIER) {
            Some("QCWithSSCD") => Qualifier::QcWithSscd,
            Some("QCNoSSCD") => Qualifier::QcNoSscd,
            Some("QCSSCDStatusAsInCert") => Qualifier::QcSscdStatusAsInCert,
            Some("QCWithQSCD") => Qualifier::QcWithQscd,
            Some("QCNoQSCD") => Qualifier::QcNoQscd,
            Some("QCQSCDStatusAsInCert") => Qualifier::QcQscdStatusAsInCert,
            Some("QCQSCDManagedOnBehalf") => Qualifier::QcQscdManagedOnBehalf,
            Some("QCForLegalPerson") => Qualifier::QcForLegalPerson,
            Some("QCForESig") => Qualifier::QcForESig,
            Some("QCForESeal") => Qualifier::QcForESeal,
            Some("QCForWSA") => Qualifier::QcForWsa,
            Some("NotQualified") => Qualifier::NotQualified,
            Some("QCStatement") => Qualifier::QcStatement,
            _ => Qualifier::Other(uri.to_owned()),
        }
    }
}

/// A CriteriaList: which certificates a qualification element applies to.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Criteria {
    pub assert: Assert,
    /// Each KeyUsage criterion: the bits named with the value they must have.
    pub key_usage: Vec<Vec<(String, bool)>>,
    /// Each PolicySet criterion: the policy OIDs (dotted) that must all be in the
    /// certificate's certificatePolicies.
    pub policy_sets: Vec<Vec<String>>,
    pub nested: Vec<Criteria>,
    /// Criteria arkivar does not check (otherCriteriaList: extended key usage, subject
    /// attributes, …): where one counts, the outcome is unknown.
    pub unchecked: usize,
}

/// CriteriaList's `assert`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Assert {
    #[default]
    All,
    AtLeastOne,
    None,
}

/// Reads the trusted list whose document element is `root`.
pub fn read(root: &Element) -> Result<TrustedList, ListError> {
    if !root.is(TSL, "TrustServiceStatusList") {
        return Err(ListError::NotATrustedList);
    }
    let scheme = root
        .child(TSL, "SchemeInformation")
        .ok_or(ListError::Missing {
            what: "SchemeInformation",
        })?;
    let text = |parent: &Element, name| parent.child(TSL, name).map(|e| e.text());
    let territory = text(scheme, "SchemeTerritory").ok_or(ListError::Missing {
        what: "SchemeTerritory",
    })?;
    let issued = time(
        "ListIssueDateTime",
        &text(scheme, "ListIssueDateTime").ok_or(ListError::Missing {
            what: "ListIssueDateTime",
        })?,
    )?;
    let next_update = match scheme
        .child(TSL, "NextUpdate")
        .and_then(|n| n.child(TSL, "dateTime"))
    {
        Some(t) => Some(time("NextUpdate", &t.text())?),
        None => None,
    };
    let pointers = scheme
        .child(TSL, "PointersToOtherTSL")
        .map(|p| {
            p.children_named(TSL, "OtherTSLPointer")
                .filter_map(|o| text(o, "TSLLocation"))
                .collect()
        })
        .unwrap_or_default();
    let mut services = Vec::new();
    if let Some(providers) = root.child(TSL, "TrustServiceProviderList") {
        for provider in providers.children_named(TSL, "TrustServiceProvider") {
            let provider_name = provider
                .child(TSL, "TSPInformation")
                .and_then(|i| first_name(i, "TSPName"))
                .unwrap_or_default();
            let Some(list) = provider.child(TSL, "TSPServices") else {
                continue;
            };
            for service in list.children_named(TSL, "TSPService") {
                if services.len() >= MAX_SERVICES {
                    return Err(ListError::TooMany {
                        what: "services",
                        limit: MAX_SERVICES,
                    });
                }
                services.push(read_service(&provider_name, service)?);
            }
        }
    }
    Ok(TrustedList {
        territory,
        sequence_number: text(scheme, "TSLSequenceNumber").and_then(|s| s.parse().ok()),
        operator: first_name(scheme, "SchemeOperatorName").unwrap_or_default(),
        issued,
        next_update,
        pointers,
        services,
    })
}

fn read_service(provider: &str, service: &Element) -> Result<Service, ListError> {
    let info = service
        .child(TSL, "ServiceInformation")
        .ok_or(ListError::Missing {
            what: "ServiceInformation",
        })?;
    let name = first_name(info, "ServiceName").unwrap_or_default();
    let mut certificates = Vec::new();
    for digital_id in info
        .child(TSL, "ServiceDigitalIdentity")
        .map(|d| d.children_named(TSL, "DigitalId").collect::<Vec<_>>())
        .unwrap_or_default()
    {
        for cert in digital_id.children_named(TSL, "X509Certificate") {
            if certificates.len() >= MAX_SERVICE_CERTIFICATES {
                return Err(ListError::TooMany {
                    what: "certificates of one service",
                    limit: MAX_SERVICE_CERTIFICATES,
                });
            }
            let bad = |cause: String| ListError::BadCertificate {
                service: name.clone(),
                cause,
            };
            let der = base64(&cert.text(), "X509Certificate").map_err(|e| bad(e.to_string()))?;
            certificates.push(Certificate::parse(&der).map_err(|e| bad(e.to_string()))?);
        }
    }
    let mut entries = vec![read_entry(info)?];
    if let Some(history) = service.child(TSL, "ServiceHistory") {
        for instance in history.children_named(TSL, "ServiceHistoryInstance") {
            if entries.len() >= MAX_HISTORY {
                return Err(ListError::TooMany {
                    what: "history entries of one service",
                    limit: MAX_HISTORY,
                });
            }
            entries.push(read_entry(instance)?);
        }
    }
    entries.sort_by_key(|e| std::cmp::Reverse(e.from));
    Ok(Service {
        provider: provider.to_owned(),
        name,
        certificates,
        entries,
    })
}

/// ServiceInformation and ServiceHistoryInstance share these fields.
fn read_entry(e: &Element) -> Result<StatusEntry, ListError> {
    let field = |name: &'static str| {
        e.child(TSL, name)
            .map(|c| c.text())
            .ok_or(ListError::Missing { what: name })
    };
    let mut qualifications = Vec::new();
    let mut additional = Vec::new();
    if let Some(extensions) = e.child(TSL, "ServiceInformationExtensions") {
        for extension in extensions.children_named(TSL, "Extension") {
            for q in extension.children_named(ECC, "Qualifications") {
                for element in q.children_named(ECC, "QualificationElement") {
                    qualifications.push(read_qualification(element));
                }
            }
            for info in extension.children_named(TSL, "AdditionalServiceInformation") {
                if let Some(uri) = info.child(TSL, "URI") {
                    additional.push(uri.text());
                }
            }
        }
    }
    Ok(StatusEntry {
        kind: ServiceType::from_uri(&field("ServiceTypeIdentifier")?),
        status: ServiceStatus::from_uri(&field("ServiceStatus")?),
        from: time("StatusStartingTime", &field("StatusStartingTime")?)?,
        qualifications,
        additional,
    })
}

fn read_qualification(element: &Element) -> Qualification {
    let qualifiers = element
        .child(ECC, "Qualifiers")
        .map(|q| {
            q.children_named(ECC, "Qualifier")
                .filter_map(|q| q.attribute("uri"))
                .map(Qualifier::from_uri)
                .collect()
        })
        .unwrap_or_default();
    let criteria = element
        .child(ECC, "CriteriaList")
        .map(read_criteria)
        .unwrap_or(Criteria {
            // A qualification without criteria selects nothing it can be shown to select.
            unchecked: 1,
            ..Criteria::default()
        });
    Qualification {
        qualifiers,
        criteria,
    }
}

fn read_criteria(list: &Element) -> Criteria {
    let assert = match list.attribute("assert") {
        Some("atLeastOne") => Assert::AtLeastOne,
        Some("none") => Assert::None,
        _ => Assert::All,
    };
    let mut criteria = Criteria {
        assert,
        ..Criteria::default()
    };
    for c in list.elements() {
        match (c.namespace.as_str(), c.local.as_str()) {
            (ECC, "KeyUsage") => criteria.key_usage.push(
                c.children_named(ECC, "KeyUsageBit")
                    .filter_map(|b| {
                        let value = match b.text().as_str() {
                            "true" | "1" => true,
                            "false" | "0" => false,
                            _ => return None,
                        };
                        b.attribute("name").map(|n| (n.to_owned(), value))
                    })
                    .collect(),
            ),
            (ECC, "PolicySet") => criteria.policy_sets.push(
                c.children_named(ECC, "PolicyIdentifier")
                    .filter_map(|p| p.elements().find(|i| i.local == "Identifier"))
                    .map(|i| i.text().trim_start_matches("urn:oid:").to_owned())
                    .collect(),
            ),
            (ECC, "CriteriaList") => criteria.nested.push(read_criteria(c)),
            (ECC, "Description") => {}
            _ => criteria.unchecked += 1,
        }
    }
    criteria
}

/// The first `<name><Name>` text (lists give one per language; any serves a report).
fn first_name(parent: &Element, name: &str) -> Option<String> {
    let names = parent.child(TSL, name)?;
    let all: Vec<&Element> = names.children_named(TSL, "Name").collect();
    all.iter()
        // xml:lang is in the XML namespace, so it is not an unprefixed `attribute`.
        .find(|n| {
            n.attributes
                .iter()
                .any(|a| a.local == "lang" && a.value == "en")
        })
        .or(all.first())
        .map(|n| n.text())
}

fn time(what: &'static str, value: &str) -> Result<Timestamp, ListError> {
    let bad = || ListError::BadTime {
        what,
        value: value.to_owned(),
    };
    // xsd:dateTime; lists write UTC, some without the zone designator.
    Timestamp::from_str(value)
        .or_else(|_| Timestamp::from_str(&format!("{value}Z")))
        .map_err(|_| bad())
}

impl Service {
    /// The entry in force at `t`: the newest that started at or before it.
    pub fn entry_at(&self, t: Timestamp) -> Option<&StatusEntry> {
        self.entries.iter().find(|e| e.from <= t)
    }

    /// Whether the service was granted at `t`.
    pub fn granted_at(&self, t: Timestamp) -> bool {
        self.entry_at(t).is_some_and(|e| e.status.is_granted())
    }

    /// Whether it was granted at any time the list records.
    pub fn ever_granted(&self) -> bool {
        self.entries.iter().any(|e| e.status.is_granted())
    }

    /// Its type now (the current information's).
    pub fn kind(&self) -> Option<&ServiceType> {
        self.entries.first().map(|e| &e.kind)
    }
}
