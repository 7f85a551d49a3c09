//! Archive packages: one E-ARK SIP 2.1.0 (FGS Paketstruktur 2.0: CSIP 2.1.0 + SIP 2.1.0) per
//! document, built from the record and the document's bytes.
//!
//! This stage is pure: it returns the package's files as bytes under their paths; writing them
//! (a folder or a ZIP, atomically) is `sinks::sip`'s. Everything in a package comes from the
//! record, so the same record always gives the same package, byte for byte.
//!
//! ```text
//! arkivar-<sha256>/
//!   METS.xml                                  the package: agents, metadata, files, structure
//!   metadata/descriptive/record.json          arkivar's record of the document
//!   metadata/descriptive/case.xml             the meeting, the signers and the registrar's case
//!   metadata/preservation/premis.xml          fixity, format, signatures; ingest and validation events
//!   representations/rep1/METS.xml             the representation's files
//!   representations/rep1/data/<name>.pdf      the document, byte for byte
//!   schemas/                                  the XSDs the XML files above name
//! ```

mod case;
mod format;
mod mets;
mod premis;
mod xml;

use sha2::{Digest, Sha256};

use crate::record::Record;

/// The keys of a job's `metadata` that reach the package, each a string when present:
/// the registrar's fields in `case.xml`, the agents and the agreement in the METS header.
pub const JOB_METADATA_KEYS: [&str; 6] = [
    "diarienummer",
    "arendemening",
    "classification",
    "submitter",
    "archivist",
    "submission_agreement",
];

/// The E-ARK SIP profile the root METS names.
pub const SIP_PROFILE: &str = "https://earksip.dilcis.eu/profile/E-ARK-SIP-v2-1-0.xml";

/// The schemas every package carries (`schemas/`), as the XML files' `xsi:schemaLocation`s
/// name them.
const SCHEMAS: &[(&str, &[u8])] = &[
    ("mets1_12.xsd", include_bytes!("schemas/mets1_12.xsd")),
    ("xlink.xsd", include_bytes!("schemas/xlink.xsd")),
    (
        "DILCISExtensionMETS.xsd",
        include_bytes!("schemas/DILCISExtensionMETS.xsd"),
    ),
    (
        "DILCISExtensionSIPMETS.xsd",
        include_bytes!("schemas/DILCISExtensionSIPMETS.xsd"),
    ),
    ("premis.xsd", include_bytes!("schemas/premis.xsd")),
    (
        "arkivar-case-1.xsd",
        include_bytes!("schemas/arkivar-case-1.xsd"),
    ),
];

/// Why no package could be built for a record.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
#[non_exhaustive]
pub enum PackageError {
    /// The record names the document by its path, not its bytes: there is nothing to package.
    #[error("the document's bytes could not be read, so there is nothing to package")]
    NoContent,
    /// The bytes given are not the bytes the record describes.
    #[error("the bytes given hash to {actual}, the record describes {expected}")]
    WrongBytes { expected: String, actual: String },
}

/// One file of a package.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PackageFile {
    /// Path inside the package, `/`-separated, without the package's folder.
    pub path: String,
    pub bytes: Vec<u8>,
}

/// A package: its name (the folder, or the ZIP's name without `.zip`) and its files.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Package {
    pub name: String,
    pub files: Vec<PackageFile>,
}

/// A file the METS files list: where it is, what it is and its digest.
struct Listed {
    path: String,
    mime: &'static str,
    size: usize,
    sha256: String,
}

impl Listed {
    fn of(path: &str, mime: &'static str, bytes: &[u8]) -> Self {
        Listed {
            path: path.to_string(),
            mime,
            size: bytes.len(),
            sha256: hex::encode_upper(Sha256::digest(bytes)),
        }
    }
}

/// The package of `record`'s document, whose bytes are `document`.
pub fn build(record: &Record, document: &[u8]) -> Result<Package, PackageError> {
    if record.identity.by != crate::record::IdentityBasis::Content {
        return Err(PackageError::NoContent);
    }
    let actual = hex::encode(Sha256::digest(document));
    if !actual.eq_ignore_ascii_case(&record.identity.sha256) {
        return Err(PackageError::WrongBytes {
            expected: record.identity.sha256.clone(),
            actual,
        });
    }
    let name = package_name(&record.identity.sha256);
    let data_path = format!("representations/rep1/data/{}", data_file_name(record));
    let data = Listed::of(&data_path, "application/pdf", document);

    let record_json = serde_json::to_vec_pretty(record).unwrap_or_default();
    let case_xml = case::write(record);
    let premis_xml = premis::write(record, &data);
    let rep_mets = mets::representation(record, &name, &data);

    let mut files = Vec::new();
    let mut schemas = Vec::new();
    for (file, bytes) in SCHEMAS {
        let path = format!("schemas/{file}");
        schemas.push(Listed::of(&path, "application/xml", bytes));
        files.push(PackageFile {
            path,
            bytes: bytes.to_vec(),
        });
    }
    let listed = mets::RootFiles {
        record: Listed::of(
            "metadata/descriptive/record.json",
            "application/json",
            &record_json,
        ),
        case: Listed::of("metadata/descriptive/case.xml", "text/xml", &case_xml),
        premis: Listed::of("metadata/preservation/premis.xml", "text/xml", &premis_xml),
        representation: Listed::of("representations/rep1/METS.xml", "text/xml", &rep_mets),
        schemas,
    };
    let root_mets = mets::root(record, &name, &listed);

    files.push(PackageFile {
        path: "METS.xml".into(),
        bytes: root_mets,
    });
    files.push(PackageFile {
        path: listed.record.path,
        bytes: record_json,
    });
    files.push(PackageFile {
        path: listed.case.path,
        bytes: case_xml,
    });
    files.push(PackageFile {
        path: listed.premis.path,
        bytes: premis_xml,
    });
    files.push(PackageFile {
        path: listed.representation.path,
        bytes: rep_mets,
    });
    files.push(PackageFile {
        path: data_path,
        bytes: document.to_vec(),
    });
    Ok(Package { name, files })
}

/// The name of the package of the document whose SHA-256 is `sha256`.
pub fn package_name(sha256: &str) -> String {
    format!("arkivar-{}", sha256.to_ascii_lowercase())
}

/// The document's file name in the package: the source's name when it is a plain one, else
/// the digest. Archives move packages between file systems, so only letters, digits and
/// `._-` are kept.
fn data_file_name(record: &Record) -> String {
    // A file's name, else the last part of the path it was read from.
    let given = record.source.name.as_deref().or_else(|| {
        record
            .source
            .path
            .as_deref()
            .and_then(|p| p.rsplit(['/', '\\']).next())
    });
    let stem = given
        .map(|n| {
            n.strip_suffix(".pdf")
                .or(n.strip_suffix(".PDF"))
                .unwrap_or(n)
        })
        .filter(|n| !n.is_empty() && n.len() <= 120)
        .map(|n| {
            n.chars()
                .map(|c| {
                    if c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-') {
                        c
                    } else {
                        '_'
                    }
                })
                .collect::<String>()
        })
        .filter(|n| !n.starts_with('.'))
        .unwrap_or_else(|| record.identity.sha256.to_ascii_lowercase());
    format!("{stem}.pdf")
}

/// A timestamp as METS and PREMIS write it (`xsd:dateTime` in UTC, whole seconds).
fn xml_time(t: jiff::Timestamp) -> String {
    t.strftime("%Y-%m-%dT%H:%M:%SZ").to_string()
}

#[cfg(test)]
mod tests;
