//! The package's two METS files: the root one (E-ARK CSIP/SIP 2.1.0: agents, the metadata
//! files, the schemas, the representation) and the representation's (its data files).

use super::xml::Xml;
use super::{Listed, SIP_PROFILE, format, xml_time};
use crate::record::Record;

const METS_NS: &str = "http://www.loc.gov/METS/";
const CSIP_NS: &str = "https://DILCIS.eu/XML/METS/CSIPExtensionMETS";
const SIP_NS: &str = "https://DILCIS.eu/XML/METS/SIPExtensionMETS";
const XLINK_NS: &str = "http://www.w3.org/1999/xlink";
const XSI_NS: &str = "http://www.w3.org/2001/XMLSchema-instance";

/// The files the root METS lists.
pub(super) struct RootFiles {
    pub record: Listed,
    pub case: Listed,
    pub premis: Listed,
    pub representation: Listed,
    pub schemas: Vec<Listed>,
}

/// `xsi:schemaLocation` for a METS file `up` folders below the package root.
fn schema_location(up: &str) -> String {
    format!(
        "{METS_NS} {up}schemas/mets1_12.xsd {XLINK_NS} {up}schemas/xlink.xsd \
         {CSIP_NS} {up}schemas/DILCISExtensionMETS.xsd {SIP_NS} {up}schemas/DILCISExtensionSIPMETS.xsd"
    )
}

/// Opens `<mets>` with the namespaces, the profile and the content type.
fn open_mets(x: &mut Xml, objid: &str, label: &str, up: &str) {
    let location = schema_location(up);
    x.open(
        "mets",
        &[
            ("xmlns", METS_NS),
            ("xmlns:csip", CSIP_NS),
            ("xmlns:sip", SIP_NS),
            ("xmlns:xlink", XLINK_NS),
            ("xmlns:xsi", XSI_NS),
            ("xsi:schemaLocation", &location),
            ("OBJID", objid),
            ("LABEL", label),
            // CSIP's content category vocabulary (with its en dash); minutes and other PDFs
            // are textual works.
            ("TYPE", "Textual works \u{2013} Digital"),
            ("csip:CONTENTINFORMATIONTYPE", "MIXED"),
            ("PROFILE", SIP_PROFILE),
        ],
    );
}

/// The header: when, the package type and the agents.
fn header(x: &mut Xml, record: &Record, with_agents: bool) {
    let created = xml_time(record.processed_at);
    x.open(
        "metsHdr",
        &[
            ("CREATEDATE", &created),
            ("LASTMODDATE", &created),
            ("RECORDSTATUS", "NEW"),
            ("csip:OAISPACKAGETYPE", "SIP"),
        ],
    );
    if with_agents {
        x.open(
            "agent",
            &[
                ("ROLE", "CREATOR"),
                ("TYPE", "OTHER"),
                ("OTHERTYPE", "SOFTWARE"),
            ],
        )
        .text("name", &[], "arkivar")
        .text(
            "note",
            &[("csip:NOTETYPE", "SOFTWARE VERSION")],
            &record.arkivar_version,
        )
        .close();
        let metadata = record.job.as_ref().map(|j| &j.metadata);
        let text_of = |key: &str| {
            metadata
                .and_then(|m| m.get(key))
                .and_then(|v| v.as_str())
                .map(str::trim)
                .filter(|s| !s.is_empty())
        };
        // The submitter is whoever sends the package: the registrar's organisation when the
        // job names it, else the organ whose minutes these are. E-ARK SIP 2.1 (SIP15) gives
        // the submitting agent the role CREATOR, beside the software that made the package.
        let organ = record
            .minutes
            .as_ref()
            .and_then(|m| m.meeting.organ.as_deref());
        let submitter = text_of("submitter").or(organ).unwrap_or("arkivar");
        x.open("agent", &[("ROLE", "CREATOR"), ("TYPE", "ORGANIZATION")])
            .text("name", &[], submitter)
            .close();
        if let Some(archivist) = text_of("archivist") {
            x.open("agent", &[("ROLE", "ARCHIVIST"), ("TYPE", "ORGANIZATION")])
                .text("name", &[], archivist)
                .close();
        }
        if let Some(agreement) = text_of("submission_agreement") {
            x.text("altRecordID", &[("TYPE", "SUBMISSIONAGREEMENT")], agreement);
        }
    }
    x.close();
}

/// `mdRef` to a metadata file.
fn md_ref(x: &mut Xml, file: &Listed, created: &str, mdtype: &str, other: Option<&str>) {
    let size = file.size.to_string();
    let mut attrs = vec![
        ("LOCTYPE", "URL"),
        ("xlink:type", "simple"),
        ("xlink:href", file.path.as_str()),
        ("MDTYPE", mdtype),
    ];
    if let Some(other) = other {
        attrs.push(("OTHERMDTYPE", other));
    }
    attrs.extend([
        ("MIMETYPE", file.mime),
        ("SIZE", size.as_str()),
        ("CREATED", created),
        ("CHECKSUM", file.sha256.as_str()),
        ("CHECKSUMTYPE", "SHA-256"),
    ]);
    x.empty("mdRef", &attrs);
}

/// `<file>` for a listed file at `href` (relative to the METS file).
fn file(
    x: &mut Xml,
    id: &str,
    file: &Listed,
    href: &str,
    created: &str,
    format: Option<format::Format>,
) {
    let size = file.size.to_string();
    let mut attrs = vec![
        ("ID", id),
        ("MIMETYPE", file.mime),
        ("SIZE", size.as_str()),
        ("CREATED", created),
        ("CHECKSUM", file.sha256.as_str()),
        ("CHECKSUMTYPE", "SHA-256"),
    ];
    if let Some(f) = &format {
        attrs.push(("sip:FILEFORMATNAME", f.name));
        if let Some(v) = f.version {
            attrs.push(("sip:FILEFORMATVERSION", v));
        }
        attrs.push(("sip:FORMATREGISTRY", "PRONOM"));
        attrs.push(("sip:FORMATREGISTRYKEY", f.pronom));
    }
    x.open("file", &attrs)
        .empty(
            "FLocat",
            &[
                ("LOCTYPE", "URL"),
                ("xlink:type", "simple"),
                ("xlink:href", href),
            ],
        )
        .close();
}

/// What the package is, in a few words: the meeting when the record read one, else the file.
fn label(record: &Record) -> String {
    let meeting = record.minutes.as_ref().map(|m| &m.meeting);
    match (
        meeting.and_then(|m| m.organ.as_deref()),
        meeting.and_then(|m| m.date.as_deref()),
    ) {
        (Some(organ), Some(date)) => format!("Protokoll {organ} {date}"),
        (Some(organ), None) => format!("Protokoll {organ}"),
        _ => record
            .source
            .name
            .clone()
            .unwrap_or_else(|| record.identity.sha256.clone()),
    }
}

/// The root `METS.xml`.
pub(super) fn root(record: &Record, objid: &str, files: &RootFiles) -> Vec<u8> {
    let created = xml_time(record.processed_at);
    let mut x = Xml::new();
    open_mets(&mut x, objid, &label(record), "");
    header(&mut x, record, true);

    for (id, listed, other) in [
        ("dmd-record", &files.record, "ARKIVAR-RECORD"),
        ("dmd-case", &files.case, "ARKIVAR-CASE"),
    ] {
        x.open(
            "dmdSec",
            &[("ID", id), ("CREATED", &created), ("STATUS", "CURRENT")],
        );
        md_ref(&mut x, listed, &created, "OTHER", Some(other));
        x.close();
    }
    x.open("amdSec", &[("ID", "amd")]).open(
        "digiprovMD",
        &[
            ("ID", "digiprov-premis"),
            ("CREATED", &created),
            ("STATUS", "CURRENT"),
        ],
    );
    md_ref(&mut x, &files.premis, &created, "PREMIS", None);
    x.close().close();

    x.open("fileSec", &[("ID", "filesec")]);
    x.open("fileGrp", &[("ID", "grp-schemas"), ("USE", "Schemas")]);
    for (n, schema) in files.schemas.iter().enumerate() {
        file(
            &mut x,
            &format!("file-schema-{}", n + 1),
            schema,
            &schema.path,
            &created,
            None,
        );
    }
    x.close();
    x.open(
        "fileGrp",
        &[("ID", "grp-rep1"), ("USE", "Representations/rep1")],
    );
    let rep = &files.representation;
    file(&mut x, "file-rep1-mets", rep, &rep.path, &created, None);
    x.close().close();

    x.open(
        "structMap",
        &[("ID", "structmap"), ("TYPE", "PHYSICAL"), ("LABEL", "CSIP")],
    )
    .open("div", &[("ID", "div-package"), ("LABEL", objid)])
    .empty(
        "div",
        &[
            ("ID", "div-metadata"),
            ("LABEL", "Metadata"),
            ("DMDID", "dmd-record dmd-case"),
            ("ADMID", "digiprov-premis"),
        ],
    )
    .open("div", &[("ID", "div-schemas"), ("LABEL", "Schemas")])
    .empty("fptr", &[("FILEID", "grp-schemas")])
    .close()
    .open(
        "div",
        &[("ID", "div-rep1"), ("LABEL", "Representations/rep1")],
    )
    .empty(
        "mptr",
        &[
            ("LOCTYPE", "URL"),
            ("xlink:type", "simple"),
            ("xlink:href", &rep.path),
            ("xlink:title", "grp-rep1"),
        ],
    );
    x.finish()
}

/// `representations/rep1/METS.xml`: the document itself.
pub(super) fn representation(record: &Record, objid: &str, data: &Listed) -> Vec<u8> {
    let created = xml_time(record.processed_at);
    let mut x = Xml::new();
    // CSIP1: a METS file's OBJID is the name of its folder.
    open_mets(&mut x, "rep1", &format!("{objid} rep1"), "../../");
    header(&mut x, record, false);
    let href = data
        .path
        .strip_prefix("representations/rep1/")
        .unwrap_or(&data.path);
    x.open("fileSec", &[("ID", "rep1-filesec")])
        .open("fileGrp", &[("ID", "rep1-grp-data"), ("USE", "Data")]);
    let pdf = format::pdf(record.document.pdf_version.as_deref());
    file(&mut x, "rep1-file-1", data, href, &created, Some(pdf));
    x.close().close();
    x.open(
        "structMap",
        &[
            ("ID", "rep1-structmap"),
            ("TYPE", "PHYSICAL"),
            ("LABEL", "CSIP"),
        ],
    )
    .open(
        "div",
        &[("ID", "rep1-div"), ("TYPE", "ORIGINAL"), ("LABEL", "rep1")],
    )
    .open("div", &[("ID", "rep1-div-data"), ("LABEL", "Data")])
    .empty("fptr", &[("FILEID", "rep1-grp-data")]);
    x.finish()
}
