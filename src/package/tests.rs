use sha2::{Digest, Sha256};

use super::*;
use crate::pipeline::{self, Settings};
use crate::record::SourceInfo;

fn record_of(bytes: &[u8], name: &str) -> Record {
    let source = SourceInfo {
        path: Some(format!("/in/{name}")),
        name: Some(name.to_string()),
    };
    let now: jiff::Timestamp = "2025-09-26T08:58:35Z".parse().unwrap();
    pipeline::process_at(bytes, source, &Settings::default(), now)
}

fn signed() -> (Vec<u8>, Record) {
    let (_, pdf) = crate::pipeline::evidence_tests::fuzz_seed_pdfs()
        .into_iter()
        .next()
        .unwrap();
    let record = record_of(&pdf, "Protokoll KS 2025-09-26.pdf");
    (pdf, record)
}

fn file<'p>(package: &'p Package, path: &str) -> &'p PackageFile {
    package
        .files
        .iter()
        .find(|f| f.path == path)
        .unwrap_or_else(|| panic!("no {path} in {:?}", paths(package)))
}

fn paths(package: &Package) -> Vec<&str> {
    package.files.iter().map(|f| f.path.as_str()).collect()
}

fn text(package: &Package, path: &str) -> String {
    String::from_utf8(file(package, path).bytes.clone()).unwrap()
}

#[test]
fn the_document_is_in_the_package_byte_for_byte() {
    let (pdf, record) = signed();
    let package = build(&record, &pdf).unwrap();
    assert_eq!(package.name, format!("arkivar-{}", record.identity.sha256));
    let data = file(
        &package,
        "representations/rep1/data/Protokoll_KS_2025-09-26.pdf",
    );
    assert_eq!(data.bytes, pdf);
    for path in [
        "METS.xml",
        "metadata/descriptive/record.json",
        "metadata/descriptive/case.xml",
        "metadata/preservation/premis.xml",
        "representations/rep1/METS.xml",
        "schemas/mets1_12.xsd",
        "schemas/premis.xsd",
    ] {
        file(&package, path);
    }
}

#[test]
fn other_bytes_than_the_records_make_no_package() {
    let (mut pdf, record) = signed();
    pdf.push(b'\n');
    assert!(matches!(
        build(&record, &pdf),
        Err(PackageError::WrongBytes { .. })
    ));
}

#[test]
fn every_file_the_mets_lists_has_its_checksum_and_size() {
    let (pdf, record) = signed();
    let package = build(&record, &pdf).unwrap();
    let root = text(&package, "METS.xml");
    let rep = text(&package, "representations/rep1/METS.xml");
    for f in &package.files {
        let digest = hex::encode_upper(Sha256::digest(&f.bytes));
        let listed_in = if f.path.starts_with("representations/rep1/data/") {
            &rep
        } else if f.path == "METS.xml" {
            continue;
        } else {
            &root
        };
        assert!(
            listed_in.contains(&format!("CHECKSUM=\"{digest}\"")),
            "{} is not listed with its checksum",
            f.path
        );
        assert!(
            listed_in.contains(&format!("SIZE=\"{}\"", f.bytes.len())),
            "{} is not listed with its size",
            f.path
        );
    }
}

#[test]
fn the_validation_event_carries_the_verdict() {
    let (pdf, record) = signed();
    let package = build(&record, &pdf).unwrap();
    let premis = text(&package, "metadata/preservation/premis.xml");
    assert!(
        premis.contains("<eventType>validation</eventType>"),
        "{premis}"
    );
    assert!(
        premis.contains(&format!("status: {}", record.status.as_str())),
        "{premis}"
    );
    for f in &record.findings {
        assert!(
            premis.contains(f.code.as_str()),
            "{} missing",
            f.code.as_str()
        );
    }
    assert!(premis.contains("<formatRegistryKey>fmt/"), "{premis}");
    assert!(
        premis.contains("<significantPropertiesType>signature</significantPropertiesType>"),
        "{premis}"
    );
}

#[test]
fn the_same_record_gives_the_same_package() {
    let (pdf, record) = signed();
    assert_eq!(build(&record, &pdf).unwrap(), build(&record, &pdf).unwrap());
}

#[test]
fn registrar_fields_come_from_the_job_and_absent_ones_are_left_out() {
    let (pdf, mut record) = signed();
    let mut metadata = std::collections::BTreeMap::new();
    metadata.insert("diarienummer".to_string(), "KS 2025/123".into());
    metadata.insert("classification".to_string(), "  ".into());
    record.job = Some(crate::record::JobInfo {
        job_id: "j1".into(),
        pipeline: "default".into(),
        metadata,
        correlation_id: None,
        archive_id: None,
        archive_error: None,
    });
    let case = text(
        &build(&record, &pdf).unwrap(),
        "metadata/descriptive/case.xml",
    );
    assert!(
        case.contains("<diarienummer>KS 2025/123</diarienummer>"),
        "{case}"
    );
    assert!(!case.contains("classification"), "{case}");
    assert!(!case.contains("arendemening"), "{case}");
}

#[test]
fn an_unsafe_source_name_becomes_a_plain_file_name() {
    let (pdf, mut record) = signed();
    let data_of = |record: &Record| {
        build(record, &pdf)
            .unwrap()
            .files
            .into_iter()
            .map(|f| f.path)
            .find(|p| p.starts_with("representations/rep1/data/"))
            .unwrap()
    };
    record.source.name = Some("sub/pass wd.PDF".into());
    assert_eq!(
        data_of(&record),
        "representations/rep1/data/sub_pass_wd.pdf"
    );
    // A name that would be hidden, or climb out, is replaced by the digest.
    record.source.name = Some("../../etc/passwd.pdf".into());
    assert_eq!(
        data_of(&record),
        format!("representations/rep1/data/{}.pdf", record.identity.sha256)
    );
}

#[test]
fn each_xml_file_is_valid_against_the_schema_the_package_carries() {
    let xmllint = std::process::Command::new("xmllint")
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success());
    if !xmllint {
        assert!(
            std::env::var("CI").as_deref() != Ok("true"),
            "CI=true but xmllint is missing (.ci/run installs libxml2-utils)"
        );
        eprintln!("skipped: schema validation of package files needs xmllint (libxml2-utils)");
        return;
    }
    let (pdf, mut record) = signed();
    record.job = Some(crate::record::JobInfo {
        job_id: "j1".into(),
        pipeline: "default".into(),
        metadata: [("diarienummer".to_string(), "KS 2025/1".into())].into(),
        correlation_id: None,
        archive_id: None,
        archive_error: None,
    });
    let out = tempfile::tempdir().unwrap();
    let sink =
        crate::sinks::sip::SipSink::new(out.path(), crate::sinks::sip::SipFormat::Dir).unwrap();
    let root = sink.write(&build(&record, &pdf).unwrap()).unwrap();
    let root = root.path();
    for (file, schema) in [
        ("METS.xml", "mets1_12.xsd"),
        ("representations/rep1/METS.xml", "mets1_12.xsd"),
        ("metadata/preservation/premis.xml", "premis.xsd"),
        ("metadata/descriptive/case.xml", "arkivar-case-1.xsd"),
    ] {
        let out = std::process::Command::new("xmllint")
            .args(["--noout", "--nonet", "--schema"])
            .arg(root.join("schemas").join(schema))
            .arg(root.join(file))
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{file}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
}
