//! `metadata/preservation/premis.xml` (PREMIS 3.0): the document as an object with its fixity,
//! format and signatures, and what arkivar did to it: a message digest calculation and a
//! validation whose outcome is the verdict.
//!
//! The archive keeps the validation because the live signature will not verify in thirty
//! years: what was checked, when, by which version, with which result, is the proof.

use super::xml::Xml;
use super::{Listed, format, xml_time};
use crate::record::{Record, Severity, Status};
use crate::signature::examine::SignatureFacts;

const PREMIS_NS: &str = "http://www.loc.gov/premis/v3";
const XSI_NS: &str = "http://www.w3.org/2001/XMLSchema-instance";

/// An identifier of `kind` (`object`, `event`, `agent`, `linkingAgent`, `linkingObject`):
/// its element with the type and value elements PREMIS names after it.
fn identifier(x: &mut Xml, kind: &str, scheme: &str, value: &str) {
    let (element, type_name, value_name) = match kind {
        "object" => (
            "objectIdentifier",
            "objectIdentifierType",
            "objectIdentifierValue",
        ),
        "event" => (
            "eventIdentifier",
            "eventIdentifierType",
            "eventIdentifierValue",
        ),
        "agent" => (
            "agentIdentifier",
            "agentIdentifierType",
            "agentIdentifierValue",
        ),
        "linkingAgent" => (
            "linkingAgentIdentifier",
            "linkingAgentIdentifierType",
            "linkingAgentIdentifierValue",
        ),
        _ => (
            "linkingObjectIdentifier",
            "linkingObjectIdentifierType",
            "linkingObjectIdentifierValue",
        ),
    };
    x.open(element, &[])
        .text(type_name, &[], scheme)
        .text(value_name, &[], value)
        .close();
}

/// The end of every event: arkivar did it, to the document.
fn linking(x: &mut Xml, agent: &str, object_id: &str) {
    identifier(x, "linkingAgent", "local", agent);
    identifier(x, "linkingObject", "local", object_id);
}

/// One signature in a line an archivist reads years later.
fn describe(s: &SignatureFacts) -> String {
    let kind = if s.doc_timestamp {
        "document timestamp"
    } else {
        "signature"
    };
    let who = s
        .signer
        .as_ref()
        .and_then(|p| p.common_name.as_deref())
        .unwrap_or("unknown signer");
    let when = s
        .signing_time
        .as_deref()
        .or(s.claimed_time.as_deref())
        .unwrap_or("no time");
    let state = match s.failure() {
        None if s.trusted => "intact, valid, trusted".to_string(),
        None => "intact, valid, not trusted".to_string(),
        Some(kind) => format!("does not hold: {}", kind.as_str()),
    };
    let field = s.field.as_deref().unwrap_or("no field");
    format!("{kind} by {who} ({field}) at {when}: {state}")
}

fn severity(s: Severity) -> &'static str {
    match s {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Info => "info",
    }
}

/// How the verdict reads as a PREMIS event outcome.
fn outcome(status: Status) -> &'static str {
    match status {
        Status::Verified | Status::Unsigned => "success",
        Status::Warnings => "warning",
        Status::Failed | Status::Error => "failure",
    }
}

/// The PREMIS file.
pub(super) fn write(record: &Record, data: &Listed) -> Vec<u8> {
    let when = xml_time(record.processed_at);
    let agent = format!("arkivar {}", record.arkivar_version);
    let object_id = data.path.as_str();
    let mut x = Xml::new();
    x.open(
        "premis",
        &[
            ("xmlns", PREMIS_NS),
            ("xmlns:xsi", XSI_NS),
            (
                "xsi:schemaLocation",
                "http://www.loc.gov/premis/v3 ../../schemas/premis.xsd",
            ),
            ("version", "3.0"),
        ],
    );

    x.open("object", &[("xsi:type", "file")]);
    identifier(&mut x, "object", "local", object_id);
    identifier(
        &mut x,
        "object",
        "SHA-256",
        &record.identity.sha256.to_ascii_lowercase(),
    );
    for s in record.signatures.iter().chain(&record.usage_rights) {
        let kind = if s.usage_rights {
            "usage rights signature"
        } else if s.doc_timestamp {
            "document timestamp"
        } else {
            "signature"
        };
        x.open("significantProperties", &[])
            .text("significantPropertiesType", &[], kind)
            .text("significantPropertiesValue", &[], &describe(s))
            .close();
    }
    let pdf = format::pdf(record.document.pdf_version.as_deref());
    x.open("objectCharacteristics", &[])
        .text("compositionLevel", &[], "0")
        .open("fixity", &[])
        .text("messageDigestAlgorithm", &[], "SHA-256")
        .text("messageDigest", &[], &data.sha256.to_ascii_lowercase())
        .text("messageDigestOriginator", &[], "arkivar")
        .close()
        .text("size", &[], &data.size.to_string())
        .open("format", &[])
        .open("formatDesignation", &[])
        .text("formatName", &[], pdf.name);
    if let Some(version) = pdf.version {
        x.text("formatVersion", &[], version);
    }
    x.close()
        .open("formatRegistry", &[])
        .text("formatRegistryName", &[], "PRONOM")
        .text("formatRegistryKey", &[], pdf.pronom)
        .close()
        .close()
        .close();
    if let Some(name) = &record.source.name {
        x.text("originalName", &[], name);
    }
    x.close();

    // Ingest: the digest the package's fixity rests on.
    x.open("event", &[]);
    identifier(&mut x, "event", "local", "event-digest");
    x.text("eventType", &[], "message digest calculation")
        .text("eventDateTime", &[], &when)
        .open("eventDetailInformation", &[])
        .text(
            "eventDetail",
            &[],
            "SHA-256 of the document's bytes as received",
        )
        .close()
        .open("eventOutcomeInformation", &[])
        .text("eventOutcome", &[], "success")
        .close();
    linking(&mut x, &agent, object_id);
    x.close();

    // Validation: the verdict, its finding codes and the record it is written in.
    x.open("event", &[]);
    identifier(&mut x, "event", "local", "event-validation");
    x.text("eventType", &[], "validation")
        .text("eventDateTime", &[], &when)
        .open("eventDetailInformation", &[])
        .text(
            "eventDetail",
            &[],
            "signatures, signers, signing order and dates checked against the document's own \
             participant list; details in metadata/descriptive/record.json",
        )
        .close()
        .open("eventOutcomeInformation", &[])
        .text("eventOutcome", &[], outcome(record.status))
        .open("eventOutcomeDetail", &[])
        .text(
            "eventOutcomeDetailNote",
            &[],
            &format!("status: {}", record.status.as_str()),
        )
        .close();
    for finding in &record.findings {
        x.open("eventOutcomeDetail", &[])
            .text(
                "eventOutcomeDetailNote",
                &[],
                &format!(
                    "{} ({}): {}",
                    finding.code.as_str(),
                    severity(finding.severity),
                    finding.message
                ),
            )
            .close();
    }
    if let Some(error) = &record.error {
        x.open("eventOutcomeDetail", &[])
            .text(
                "eventOutcomeDetailNote",
                &[],
                &format!("error {}: {}", error.kind.as_str(), error.message),
            )
            .close();
    }
    x.close();
    linking(&mut x, &agent, object_id);
    x.close();

    x.open("agent", &[]);
    identifier(&mut x, "agent", "local", &agent);
    x.text("agentName", &[], "arkivar")
        .text("agentType", &[], "software")
        .text("agentVersion", &[], &record.arkivar_version)
        .close();
    x.finish()
}
