//! `metadata/descriptive/case.xml`: what a registrar files a signed protocol under, in
//! arkivar's case schema (`schemas/arkivar-case-1.xsd`, namespace `urn:arkivar:case:1`).
//!
//! The registrar's own fields (diarienummer, ärendemening, classification) come from the job's
//! metadata; the meeting, its people and the signings from the record. A field nobody gave is
//! left out, never written empty.

use serde::Serialize;

use super::xml::Xml;
use super::xml_time;
use crate::record::Record;

pub(super) const CASE_NS: &str = "urn:arkivar:case:1";

/// The job metadata keys that are the registrar's fields, in the schema's order.
pub const REGISTRATION_KEYS: [&str; 3] = ["diarienummer", "arendemening", "classification"];

/// The snake_case code a record enum serialises to.
fn code<T: Serialize>(value: &T) -> String {
    serde_json::to_value(value)
        .ok()
        .and_then(|v| v.as_str().map(str::to_string))
        .unwrap_or_default()
}

/// The case file.
pub(super) fn write(record: &Record) -> Vec<u8> {
    let mut x = Xml::new();
    x.open(
        "case",
        &[
            ("xmlns", CASE_NS),
            ("xmlns:xsi", "http://www.w3.org/2001/XMLSchema-instance"),
            (
                "xsi:schemaLocation",
                "urn:arkivar:case:1 ../../schemas/arkivar-case-1.xsd",
            ),
            ("version", "1"),
        ],
    );
    let metadata = record.job.as_ref().map(|j| &j.metadata);
    let given: Vec<(&str, &str)> = REGISTRATION_KEYS
        .iter()
        .filter_map(|&key| {
            let value = metadata?.get(key)?.as_str()?.trim();
            (!value.is_empty()).then_some((key, value))
        })
        .collect();
    if !given.is_empty() {
        x.open("registration", &[]);
        for (key, value) in given {
            x.text(key, &[], value);
        }
        x.close();
    }

    if let Some(minutes) = &record.minutes {
        let m = &minutes.meeting;
        x.open("meeting", &[]);
        for (name, value) in [
            ("organ", &m.organ),
            ("date", &m.date),
            ("start", &m.start),
            ("end", &m.end),
            ("place", &m.place),
        ] {
            if let Some(value) = value {
                x.text(name, &[], value);
            }
        }
        if let Some(p) = &minutes.paragraphs {
            let (first, last) = (p.first.to_string(), p.last.to_string());
            x.empty("paragraphs", &[("first", &first), ("last", &last)]);
        }
        if let Some(date) = minutes.justering.as_ref().and_then(|j| j.date.as_deref()) {
            x.text("justering", &[], date);
        }
        x.close();
        if !minutes.participants.is_empty() {
            x.open("participants", &[]);
            for p in &minutes.participants {
                let role = code(&p.role);
                let mut attrs = vec![("role", role.as_str())];
                if let Some(party) = &p.party {
                    attrs.push(("party", party.as_str()));
                }
                x.text("participant", &attrs, &p.name);
            }
            x.close();
        }
        let d = &minutes.designated;
        let designated: Vec<(&str, &String)> = d
            .chair
            .iter()
            .map(|n| ("chair", n))
            .chain(d.secretary.iter().map(|n| ("secretary", n)))
            .chain(d.adjusters.iter().map(|n| ("adjuster", n)))
            .collect();
        if !designated.is_empty() {
            x.open("designated", &[]);
            for (role, name) in designated {
                x.text("signer", &[("role", role)], name);
            }
            x.close();
        }
    }

    if !record.signing.is_empty() {
        x.open("signings", &[]);
        for s in &record.signing {
            let role = code(&s.role);
            let source = code(&s.source);
            let time = s.time.map(xml_time);
            let mut attrs = vec![("role", role.as_str()), ("source", source.as_str())];
            if let Some(time) = &time {
                attrs.push(("time", time.as_str()));
            }
            x.text("signing", &attrs, &s.name);
        }
        x.close();
    }

    let status = record.status.as_str();
    x.open("verdict", &[("status", status)]);
    for f in &record.findings {
        let severity = code(&f.severity);
        x.text(
            "finding",
            &[("code", f.code.as_str()), ("severity", severity.as_str())],
            &f.message,
        );
    }
    x.close();
    x.finish()
}
