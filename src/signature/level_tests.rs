//! PAdES baseline levels of PDFs built here, revision by revision: a signature (with or
//! without a signature timestamp, signed attributes as PAdES wants them or not), then a DSS
//! with CRLs, then a document timestamp, in the orders that make each level and the near
//! misses that fall one short.

use super::examine::{SignatureFacts, examine};
use super::level::{LevelGap, PadesLevel, PathOf};
use super::report::RevocationStatus;
use super::testkit::*;
use crate::pdf::{Limits, load};

/// The signature timestamp's genTime, and the document timestamp's.
const SIGNATURE_TS: &str = "20240301120005Z";
const DOCUMENT_TS: &str = "20240301130000Z";

/// What comes after the signature, in order.
#[derive(Clone, Copy)]
enum Step {
    /// A DSS with the certificates and the CA's CRL, and the root's CRL (about the CA) when
    /// `root_crl`.
    Dss { root_crl: bool },
    /// A document timestamp.
    DocTimestamp,
}

/// Which certificate the ESS signing-certificate-v2 attribute names.
#[derive(Clone, Copy, PartialEq)]
enum Ess {
    None,
    Signer,
    /// The CA's certificate, not the signer's.
    Other,
}

/// How the signature is made.
struct Build {
    sub_filter: &'static str,
    signing_time: bool,
    signing_certificate: Ess,
    signature_timestamp: bool,
    steps: Vec<Step>,
}

impl Build {
    /// A PAdES B-T signature followed by `steps`.
    fn pades(steps: &[Step]) -> Self {
        Build {
            sub_filter: "ETSI.CAdES.detached",
            signing_time: false,
            signing_certificate: Ess::Signer,
            signature_timestamp: true,
            steps: steps.to_vec(),
        }
    }
}

fn build(pki: &Pki, b: &Build) -> Vec<u8> {
    let mut w = PdfWriter::new();
    let fields = |n: usize| {
        (0..n)
            .map(|i| format!("{} 0 R", 4 + 8 * i))
            .collect::<Vec<_>>()
            .join(" ")
    };
    let catalog = |fields: &str, dss: bool| {
        format!(
            "<< /Type /Catalog /Pages 2 0 R /AcroForm << /Fields [{fields}] /SigFlags 3 >>{} >>",
            if dss { " /DSS 20 0 R" } else { "" }
        )
        .into_bytes()
    };
    let page = |fields: &str| {
        format!("<< /Type /Page /Parent 2 0 R /MediaBox [0 0 200 200] /Annots [{fields}] >>")
            .into_bytes()
    };
    w.obj(1, catalog(&fields(1), false));
    w.obj(2, b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>");
    w.obj(3, page(&fields(1)));
    w.obj(
        4,
        b"<< /Type /Annot /Subtype /Widget /FT /Sig /T (Signatur1) /Rect [0 0 0 0] /P 3 0 R /V 5 0 R /F 132 >>",
    );
    w.signature(5, "Sig", b.sub_filter);
    w.revision();
    w.sign_last(|before, after| {
        let signed = [before, after].concat();
        let mut spec = pki.spec(&signed);
        if !b.signing_time {
            spec.signing_time = None;
        }
        match b.signing_certificate {
            Ess::None => {}
            Ess::Signer => spec.more_signed_attrs = vec![signing_certificate_v2(&pki.signer)],
            Ess::Other => spec.more_signed_attrs = vec![signing_certificate_v2(&pki.ca)],
        }
        make_cms(&spec, &|sig: &[u8]| {
            if b.signature_timestamp {
                vec![pki.signature_timestamp(sig, SIGNATURE_TS)]
            } else {
                Vec::new()
            }
        })
        .der
    });
    let mut sigs = 1;
    let mut dss = false;
    for step in &b.steps {
        match *step {
            Step::Dss { root_crl } => {
                let ca_crl = make_crl(
                    &CrlSpec::new(ca_name(), "240301000000Z", "240308000000Z"),
                    &pki.ca_key,
                );
                let root = make_crl(
                    &CrlSpec::new(root_name(), "240301000000Z", "240308000000Z"),
                    &root_key(),
                );
                w.stream(21, &pki.ca);
                w.stream(22, &pki.tsa);
                w.stream(23, &ca_crl);
                let mut crls = "23 0 R".to_owned();
                if root_crl {
                    w.stream(24, &root);
                    crls.push_str(" 24 0 R");
                }
                w.obj(
                    20,
                    format!("<< /Type /DSS /Certs [21 0 R 22 0 R] /CRLs [{crls}] >>").as_bytes(),
                );
                dss = true;
                w.obj(1, catalog(&fields(sigs), dss));
                w.revision();
            }
            Step::DocTimestamp => {
                let field = 4 + 8 * sigs as u32;
                sigs += 1;
                w.obj(
                    field,
                    format!(
                        "<< /Type /Annot /Subtype /Widget /FT /Sig /T (Tidsstampel{sigs}) /Rect [0 0 0 0] /P 3 0 R /V {} 0 R /F 132 >>",
                        field + 1
                    )
                    .as_bytes(),
                );
                w.signature(field + 1, "DocTimeStamp", "ETSI.RFC3161");
                w.obj(1, catalog(&fields(sigs), dss));
                w.obj(3, page(&fields(sigs)));
                w.revision();
                w.sign_last(|before, after| pki.token(&[before, after], DOCUMENT_TS));
            }
        }
    }
    w.out
}

/// The examined signatures of the built PDF.
fn examined(b: &Build) -> Vec<SignatureFacts> {
    let pki = Pki::new();
    let bytes = build(&pki, b);
    let limits = Limits::default();
    let pdf = load(&bytes, &limits).expect("the built PDF loads");
    let sigs = examine(&bytes, &pdf, &pki.trust(), &limits);
    assert!(sigs[0].holds(), "{:?}", sigs[0]);
    sigs
}

fn level_of(b: &Build) -> (Option<PadesLevel>, Vec<LevelGap>) {
    let sigs = examined(b);
    (sigs[0].level, sigs[0].level_missing.clone())
}

use super::level::tests::codes;

#[test]
fn b_b_is_a_cades_signature_with_a_signing_certificate_and_no_signing_time() {
    let b = Build {
        signature_timestamp: false,
        ..Build::pades(&[])
    };
    let (level, missing) = level_of(&b);
    assert_eq!(level, Some(PadesLevel::BB));
    assert_eq!(missing, [LevelGap::NoTimestamp]);
}

#[test]
fn near_misses_of_b_b_say_each_missing_attribute() {
    let signing_time = Build {
        signing_time: true,
        ..Build::pades(&[])
    };
    assert_eq!(
        level_of(&signing_time),
        (None, vec![LevelGap::SigningTimeAttribute])
    );
    let no_ess = Build {
        signing_certificate: Ess::None,
        ..Build::pades(&[])
    };
    assert_eq!(
        level_of(&no_ess),
        (None, vec![LevelGap::NoSigningCertificateAttribute])
    );
    let other = Build {
        signing_certificate: Ess::Other,
        ..Build::pades(&[])
    };
    assert_eq!(
        level_of(&other),
        (None, vec![LevelGap::SigningCertificateMismatch])
    );
    let adbe = Build {
        sub_filter: "adbe.pkcs7.detached",
        ..Build::pades(&[])
    };
    assert_eq!(
        level_of(&adbe),
        (
            None,
            vec![LevelGap::SubFilter {
                sub_filter: Some("adbe.pkcs7.detached".into())
            }]
        )
    );
}

#[test]
fn b_t_has_a_signature_timestamp_and_lacks_the_dss() {
    let (level, missing) = level_of(&Build::pades(&[]));
    assert_eq!(level, Some(PadesLevel::BT));
    // No DSS, and no CRL for the signer, its CA, or the TSA.
    assert_eq!(
        codes(&missing),
        [
            "no_dss",
            "revocation",
            "revocation",
            "revocation",
            "revocation"
        ]
    );
    assert!(missing.iter().any(|g| matches!(
        g,
        LevelGap::Revocation {
            path: PathOf::Timestamp,
            subject,
            status: RevocationStatus::NoData,
            ..
        } if subject == "Test TSA"
    )));
}

#[test]
fn b_t_from_a_later_document_timestamp_alone() {
    let b = Build {
        signature_timestamp: false,
        ..Build::pades(&[Step::DocTimestamp])
    };
    let sigs = examined(&b);
    assert_eq!(sigs[0].level, Some(PadesLevel::BT));
    // The document timestamp itself has no level.
    assert!(sigs[1].doc_timestamp && sigs[1].holds(), "{:?}", sigs[1]);
    assert_eq!((sigs[1].level, sigs[1].level_missing.len()), (None, 0));
}

#[test]
fn b_lt_has_revocation_data_for_every_certificate_but_the_roots() {
    let (level, missing) = level_of(&Build::pades(&[Step::Dss { root_crl: true }]));
    assert_eq!(level, Some(PadesLevel::BLt));
    assert_eq!(missing, [LevelGap::NoDocumentTimestampOverDss]);
}

#[test]
fn near_miss_of_b_lt_names_the_certificate_without_data() {
    let (level, missing) = level_of(&Build::pades(&[Step::Dss { root_crl: false }]));
    assert_eq!(level, Some(PadesLevel::BT));
    let subjects: Vec<(PathOf, &str)> = missing
        .iter()
        .filter_map(|g| match g {
            LevelGap::Revocation { path, subject, .. } => Some((*path, subject.as_str())),
            _ => None,
        })
        .collect();
    assert_eq!(
        subjects,
        [
            (PathOf::Signer, "Test Issuing CA"),
            (PathOf::Timestamp, "Test Issuing CA")
        ]
    );
}

#[test]
fn b_lta_has_a_document_timestamp_after_the_dss() {
    let (level, missing) = level_of(&Build::pades(&[
        Step::Dss { root_crl: true },
        Step::DocTimestamp,
    ]));
    assert_eq!(level, Some(PadesLevel::BLta));
    assert!(missing.is_empty());
}

#[test]
fn near_miss_of_b_lta_a_document_timestamp_before_the_dss() {
    let (level, missing) = level_of(&Build::pades(&[
        Step::DocTimestamp,
        Step::Dss { root_crl: true },
    ]));
    assert_eq!(level, Some(PadesLevel::BLt));
    assert_eq!(missing, [LevelGap::NoDocumentTimestampOverDss]);
}
