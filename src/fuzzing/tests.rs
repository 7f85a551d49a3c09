//! Every target's entry point on a few inputs (the fixtures and near-empty bytes), and the
//! regression tests for inputs the fuzzers found: each calls the target's function, so it
//! fails exactly when the target would crash.

use super::common;

/// Inputs every target gets: nothing, a byte, a fixture PDF and its prefixes.
fn small_inputs() -> Vec<Vec<u8>> {
    let pdf = common::swedish_winansi();
    let mut inputs = vec![Vec::new(), vec![0], b"%PDF-".to_vec(), pdf.clone()];
    inputs.extend([pdf.len() / 3, pdf.len() / 2, pdf.len() - 10].map(|n| pdf[..n].to_vec()));
    inputs
}

#[test]
fn every_target_runs_on_small_inputs() {
    for input in small_inputs() {
        super::pipeline(&input);
        super::pdf_load(&input);
        super::content_stream(&input);
        super::cms(&input);
        super::minutes(&input);
        super::audit(&input);
        super::job(&input);
    }
}

#[test]
fn the_content_target_reads_a_fixture_page() {
    let data = b"BT /F1 12 Tf 72 720 Td (Justerare) Tj /F2 10 Tf <0041> Tj /F3 8 Tf (a) Tj ET \
                 q 10 0 0 10 0 0 cm /Im0 Do Q BI /W 1 /H 1 /BPC 8 /CS /G ID \x00 EI /Fm0 Do";
    super::content_stream(data);
    let limits = super::limits();
    let pages = crate::pdf::text::extract_pages(&super::content_document(data), &limits)
        .expect("the page reads");
    assert!(pages[0].text.contains("Justerare"), "{:?}", pages[0].text);
}

#[test]
fn the_job_target_takes_the_schemas_shapes() {
    super::job(br#"{"version":1,"job_id":"j","document":{"path":"a/b.pdf"}}"#);
    super::job(br#"{"version":1,"job_id":"j","document":{"url":"https://files.example/docs/x"}}"#);
    super::job(
        br#"{"version":1,"job_id":"j","document":{"base64":"JVBERg=="},"metadata":{"f":0.1}}"#,
    );
}

#[test]
fn the_limits_lower_the_default_pipelines() {
    let limits = super::limits();
    let base = crate::pipeline::config::builtin(crate::pipeline::config::DEFAULT_PIPELINE)
        .expect("built in")
        .limits;
    assert!(limits.max_file_bytes <= base.max_file_bytes);
    assert!(limits.max_millis_per_document <= 5_000);
    assert_eq!(limits.max_depth, base.max_depth);
}

#[test]
#[should_panic(expected = "arkivar panicked while loading")]
fn a_contained_panic_of_arkivar_is_a_crash() {
    super::check_pdf_error(&crate::pdf::PdfError::ParserPanic {
        during: "loading",
        message: "index out of bounds (at src/pdf/decrypt.rs:120)".to_owned(),
    });
}

#[test]
fn a_contained_panic_of_lopdf_is_not() {
    super::check_pdf_error(&crate::pdf::PdfError::ParserPanic {
        during: "loading",
        message: "attempt to subtract with overflow (at /root/.cargo/registry/src/index/lopdf-0.47.0/src/reader.rs:7)".to_owned(),
    });
}

#[test]
#[should_panic(expected = "internal")]
fn an_internal_error_record_is_a_crash() {
    let mut record = crate::pipeline::process_at(
        b"",
        crate::record::SourceInfo::named("x"),
        &crate::pipeline::Settings::default(),
        jiff::Timestamp::UNIX_EPOCH,
    );
    record.error = Some(crate::record::RecordError {
        kind: crate::record::ErrorKind::Internal,
        message: "arkivar failed on this input".to_owned(),
    });
    super::check_record(&record);
}

/// The `trusted_list` target over the signed fixture list: it verifies as it is, and every
/// truncation and bit flip of it runs without a panic.
#[test]
fn the_trusted_list_target_survives_mutations_of_a_signed_list() {
    let bytes = std::fs::read(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("tests/fixtures/trusted-lists/se.xml"),
    )
    .expect("fixture");
    assert!(crate::signature::trusted_list::verify_against_own_certificate(&bytes).is_ok());
    for end in (0..bytes.len()).step_by(97) {
        super::trusted_list(&bytes[..end]);
    }
    for at in (0..bytes.len()).step_by(89) {
        let mut flipped = bytes.clone();
        flipped[at] ^= 0x80;
        super::trusted_list(&flipped);
        flipped[at] ^= 0x80 ^ 0x01;
        super::trusted_list(&flipped);
    }
}

/// The `cms` target reads its bytes as CRLs and OCSP responses too: the seeds of those forms
/// parse as what they are (so the fuzzer starts from real ones), and every truncation and
/// bit flip of them runs without a panic.
#[test]
fn the_cms_target_reads_revocation_data_and_survives_its_mutations() {
    use crate::signature::revocation::crl::Crl;
    use crate::signature::revocation::ocsp::BasicOcsp;
    let seeds = super::seeds::cms_seeds();
    let seed = |name: &str| {
        seeds
            .iter()
            .find(|(n, _)| *n == name)
            .map(|(_, b)| b.clone())
            .unwrap_or_else(|| panic!("seed {name}"))
    };
    let (crl, response, basic) = (
        seed("crl.der"),
        seed("ocsp-response.der"),
        seed("ocsp-basic.der"),
    );
    assert_eq!(Crl::parse(&crl).map(|c| c.entries.len()).ok(), Some(1));
    assert!(BasicOcsp::parse_response(&response).is_ok());
    assert!(BasicOcsp::parse_basic(&basic).is_ok());
    // Near miss: a CRL is not an OCSP response, nor the other way round.
    assert!(BasicOcsp::parse_response(&crl).is_err());
    assert!(Crl::parse(&basic).is_err());
    for bytes in [&crl, &response, &basic] {
        for end in (0..bytes.len()).step_by(7) {
            super::cms(&bytes[..end]);
        }
        for at in (0..bytes.len()).step_by(11) {
            let mut flipped = bytes.clone();
            flipped[at] ^= 0x80;
            super::cms(&flipped);
        }
    }
}
