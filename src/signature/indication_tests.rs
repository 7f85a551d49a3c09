//! The long-term validation fixture matrix (issue 28): six cases, each in the forms B-T,
//! B-LT and B-LTA, built here as PDFs over a test PKI, and what arkivar and ETSI EN 319 102-1
//! make of each.
//!
//! The PKI: the test root, the issuing CA under it, the signer, the TSA (issued by the CA), a
//! delegated OCSP responder (issued by the CA, extended key usage id-kp-OCSPSigning), the
//! CA's CRLs about the signer and the root's CRL about the CA. The signature is timestamped at
//! 2024-03-01 12:00:05; everything is validated at [`NOW`], 2026-12-01.
//!
//! The forms:
//!
//! - **B-T**: the signature with its signature timestamp and, in its signed
//!   adbe-revocationInfoArchival attribute, the CRLs its signer had at signing (the CA's
//!   about the signer, the root's about the CA; only the root's for `missing revocation`).
//!   Nothing about the TSA: the file has no DSS.
//! - **B-LT**: the same signature, then a revision with a DSS: the certificates, the root's
//!   CRL, the delegated responder's OCSP answer about the TSA, and the case's data about the
//!   signer, fetched after the timestamp.
//! - **B-LTA**: B-LT and a document timestamp over the DSS.
//!
//! The expected table is [`MATRIX`]; the README's table is made from it
//! ([`readme_table`]) and checked against it.

use jiff::Timestamp;

use super::examine::{SignatureFacts, examine};
use super::existence::ExistenceSource;
use super::indication::{self, Indication, SubIndication};
use super::level::PadesLevel;
use super::oid;
use super::report::{RevocationSource, RevocationStatus};
use super::testkit::*;
use crate::pdf::{Limits, load};
use crate::record::Status;
use crate::verify::cover::Covers;
use crate::verify::policy::{Checks, Policy};
use crate::verify::{Inputs, verify};

/// The validation time.
const NOW: &str = "2026-12-01T00:00:00Z";
/// The signature timestamp's genTime.
const SIGNATURE_TS: &str = "20240301120005Z";
/// The document timestamp's genTime (B-LTA), after every DSS fetch.
const DOCUMENT_TS: &str = "20240403000000Z";
/// The proven best signature time, as the record writes it.
const PROVEN: &str = "2024-03-01T12:00:05Z";

/// A fixture case.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Case {
    /// Nothing revoked; the data covers the signing.
    Good,
    /// The signer revoked on 2024-02-15, before the timestamp.
    RevokedBefore,
    /// The signer revoked on 2024-04-01, after the timestamp.
    RevokedAfter,
    /// The signer's certificate ended 2024-06-30; the timestamp is from before.
    ExpiredButTimestamped,
    /// No CRL or OCSP answer about the signer anywhere.
    MissingRevocation,
    /// The only CRL about the signer is from February, nextUpdate 2024-02-08: it does not
    /// cover the signing.
    StaleCrl,
}

impl Case {
    pub const ALL: [Case; 6] = [
        Case::Good,
        Case::RevokedBefore,
        Case::RevokedAfter,
        Case::ExpiredButTimestamped,
        Case::MissingRevocation,
        Case::StaleCrl,
    ];

    pub fn name(self) -> &'static str {
        match self {
            Case::Good => "good",
            Case::RevokedBefore => "revoked before",
            Case::RevokedAfter => "revoked after",
            Case::ExpiredButTimestamped => "expired, timestamped",
            Case::MissingRevocation => "missing revocation",
            Case::StaleCrl => "stale CRL",
        }
    }
}

/// How the case is built (the level it is meant to have).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Form {
    BT,
    BLt,
    BLta,
}

impl Form {
    pub const ALL: [Form; 3] = [Form::BT, Form::BLt, Form::BLta];

    fn level(self) -> PadesLevel {
        match self {
            Form::BT => PadesLevel::BT,
            Form::BLt => PadesLevel::BLt,
            Form::BLta => PadesLevel::BLta,
        }
    }
}

/// What one fixture must give.
pub struct Row {
    pub case: Case,
    pub form: Form,
    /// The PAdES baseline level arkivar measures.
    pub level: PadesLevel,
    /// The signer certificate's revocation status.
    pub signer: RevocationStatus,
    /// The signer revoked at or before the best signature time.
    pub revoked_before_time: bool,
    /// The proof of existence's TSA path shown not revoked (so ETSI accepts the proof).
    pub tsa_settled: bool,
    pub indication: Indication,
    /// arkivar's status for the document (signature checks only).
    pub status: Status,
    /// arkivar's finding codes.
    pub codes: &'static [&'static str],
}

use Indication::{Indeterminate, Passed};
use RevocationStatus::{Good, NoData, Revoked, Unknown};
use SubIndication::{OutOfBoundsNoPoe, RevokedNoPoe, TryLater};

const fn row(
    case: Case,
    form: Form,
    level: PadesLevel,
    signer: RevocationStatus,
    tsa_settled: bool,
    indication: Indication,
) -> Row {
    let revoked_before = matches!(case, Case::RevokedBefore);
    Row {
        case,
        form,
        level,
        signer,
        revoked_before_time: revoked_before,
        tsa_settled,
        indication,
        status: if revoked_before {
            Status::Failed
        } else {
            Status::Verified
        },
        codes: if revoked_before {
            &["signature.certificate_invalid"]
        } else {
            &[]
        },
    }
}

/// The expected outcome of every fixture: 6 cases × 3 forms.
#[rustfmt::skip]
pub const MATRIX: [Row; 18] = [
    row(Case::Good, Form::BT, PadesLevel::BT, Good, false, Indeterminate(TryLater)),
    row(Case::Good, Form::BLt, PadesLevel::BLt, Good, true, Passed),
    row(Case::Good, Form::BLta, PadesLevel::BLta, Good, true, Passed),
    row(Case::RevokedBefore, Form::BT, PadesLevel::BT, Revoked, false, Indeterminate(RevokedNoPoe)),
    row(Case::RevokedBefore, Form::BLt, PadesLevel::BLt, Revoked, true, Indeterminate(RevokedNoPoe)),
    row(Case::RevokedBefore, Form::BLta, PadesLevel::BLta, Revoked, true, Indeterminate(RevokedNoPoe)),
    // B-T: the CRL the signer had at signing knows nothing of the later revocation.
    row(Case::RevokedAfter, Form::BT, PadesLevel::BT, Good, false, Indeterminate(TryLater)),
    row(Case::RevokedAfter, Form::BLt, PadesLevel::BLt, Revoked, true, Passed),
    row(Case::RevokedAfter, Form::BLta, PadesLevel::BLta, Revoked, true, Passed),
    row(Case::ExpiredButTimestamped, Form::BT, PadesLevel::BT, Good, false, Indeterminate(OutOfBoundsNoPoe)),
    row(Case::ExpiredButTimestamped, Form::BLt, PadesLevel::BLt, Good, true, Passed),
    row(Case::ExpiredButTimestamped, Form::BLta, PadesLevel::BLta, Good, true, Passed),
    // Without the signer's status the file reaches no B-LT, however it was built.
    row(Case::MissingRevocation, Form::BT, PadesLevel::BT, NoData, false, Indeterminate(TryLater)),
    row(Case::MissingRevocation, Form::BLt, PadesLevel::BT, NoData, true, Indeterminate(TryLater)),
    row(Case::MissingRevocation, Form::BLta, PadesLevel::BT, NoData, true, Indeterminate(TryLater)),
    row(Case::StaleCrl, Form::BT, PadesLevel::BT, Unknown, false, Indeterminate(TryLater)),
    row(Case::StaleCrl, Form::BLt, PadesLevel::BT, Unknown, true, Indeterminate(TryLater)),
    row(Case::StaleCrl, Form::BLta, PadesLevel::BT, Unknown, true, Indeterminate(TryLater)),
];

/// The README's table, made from [`MATRIX`]: one line per case, one column per form, each
/// cell the ETSI indication and arkivar's status (with the level when the file does not reach
/// the form it was built as), then arkivar's findings, which are the same in every form.
pub fn readme_table() -> String {
    let mut out = String::from(
        "| case | B-T | B-LT | B-LTA | arkivar's findings |\n| --- | --- | --- | --- | --- |\n",
    );
    for case in Case::ALL {
        let rows: Vec<&Row> = Form::ALL
            .iter()
            .map(|&form| {
                MATRIX
                    .iter()
                    .find(|r| r.case == case && r.form == form)
                    .expect("every case in every form")
            })
            .collect();
        out.push_str(&format!("| {} |", case.name()));
        for r in &rows {
            let level = if r.level == r.form.level() {
                String::new()
            } else {
                format!(" (is {})", r.level)
            };
            out.push_str(&format!(
                " {} → `{}`{level} |",
                r.indication,
                r.status.as_str()
            ));
        }
        let codes = rows[0].codes;
        assert!(rows.iter().all(|r| r.codes == codes), "{}", case.name());
        let codes: Vec<String> = codes.iter().map(|c| format!("`{c}`")).collect();
        out.push_str(&format!(
            " {} |\n",
            if codes.is_empty() {
                "none".to_owned()
            } else {
                codes.join(", ")
            }
        ));
    }
    out
}

/// The keys and certificates of the matrix: the test PKI with the case's signer validity,
/// and a delegated OCSP responder.
struct Fixture {
    pki: Pki,
    responder_key: TestKey,
    responder: Vec<u8>,
}

impl Fixture {
    fn new(case: Case) -> Self {
        let pki = match case {
            Case::ExpiredButTimestamped => {
                Pki::with_signer_validity("230101000000Z", "240630235959Z")
            }
            _ => Pki::with_signer_validity("230101000000Z", "351231235959Z"),
        };
        let responder_key = TestKey::p256(11);
        let responder = responder_cert(&pki, &responder_key, true);
        Fixture {
            pki,
            responder_key,
            responder,
        }
    }

    /// The CA's CRL issued at `this_update` (UTCTime), listing the signer when `revoked_at`.
    fn ca_crl(&self, this_update: &str, next_update: &str, revoked_at: Option<&str>) -> Vec<u8> {
        let mut spec = CrlSpec::new(ca_name(), this_update, next_update);
        if let Some(at) = revoked_at {
            spec.revoked.push(super::testkit::Revoked {
                serial: vec![0x01, 0x23, 0x45, 0x67],
                at,
                reason: Some(1),
            });
        }
        make_crl(&spec, &self.pki.ca_key)
    }

    /// The delegated responder's answer about `cert` (issued by the CA), produced at
    /// `at` (GeneralizedTime) and valid for a week from then.
    fn ocsp(&self, cert: &[u8], answer: OcspAnswer<'_>, at: &str, next: &str) -> Vec<u8> {
        let mut single = Single::new(cert, &self.pki.ca, answer);
        single.this_update = at;
        single.next_update = Some(next);
        ocsp_response(&make_basic_ocsp(
            Responder::Name(&self.responder),
            at,
            &[single],
            &[&self.responder],
            &self.responder_key,
        ))
    }

    /// The CRLs in the signature's signed archival attribute (fetched before signing).
    fn archival(&self, case: Case) -> Vec<Vec<u8>> {
        let at_signing = match case {
            // The root's CRL about the CA only.
            Case::MissingRevocation => return vec![root_crl()],
            Case::RevokedBefore => {
                self.ca_crl("240301000000Z", "240308000000Z", Some("240215000000Z"))
            }
            Case::StaleCrl => self.ca_crl("240201000000Z", "240208000000Z", None),
            _ => self.ca_crl("240301000000Z", "240308000000Z", None),
        };
        vec![at_signing, root_crl()]
    }

    /// The DSS's CRLs and OCSP responses (fetched after the timestamp).
    fn dss(&self, case: Case) -> (Vec<Vec<u8>>, Vec<Vec<u8>>) {
        let (at, next) = match case {
            Case::RevokedAfter => ("20240402000000Z", "20240409000000Z"),
            _ => ("20240302000000Z", "20240309000000Z"),
        };
        let mut crls = vec![root_crl()];
        let mut ocsps = vec![self.ocsp(&self.pki.tsa, OcspAnswer::Good, at, next)];
        let signer = &self.pki.signer;
        match case {
            Case::Good | Case::ExpiredButTimestamped => {
                ocsps.push(self.ocsp(signer, OcspAnswer::Good, at, next));
            }
            Case::RevokedBefore => ocsps.push(self.ocsp(
                signer,
                OcspAnswer::Revoked("20240215000000Z", Some(1)),
                at,
                next,
            )),
            Case::RevokedAfter => ocsps.push(self.ocsp(
                signer,
                OcspAnswer::Revoked("20240401000000Z", Some(1)),
                at,
                next,
            )),
            Case::MissingRevocation => {}
            Case::StaleCrl => crls.push(self.ca_crl("240201000000Z", "240208000000Z", None)),
        }
        (crls, ocsps)
    }

    /// The PDF of `case` in `form`.
    fn pdf(&self, case: Case, form: Form) -> Vec<u8> {
        self.build(case, form, true)
    }

    /// The PDF of `case` in `form`, with or without the signature timestamp (without it,
    /// only `/M`, 2024-03-01 12:00, says when it was signed).
    fn build(&self, case: Case, form: Form, signature_timestamp: bool) -> Vec<u8> {
        let pki = &self.pki;
        let mut w = PdfWriter::new();
        let catalog = |fields: &str, dss: bool| {
            format!(
                "<< /Type /Catalog /Pages 2 0 R /AcroForm << /Fields [{fields}] /SigFlags 3 >>{} >>",
                if dss { " /DSS 20 0 R" } else { "" }
            )
        };
        let page = |fields: &str| {
            format!("<< /Type /Page /Parent 2 0 R /MediaBox [0 0 200 200] /Annots [{fields}] >>")
        };
        w.obj(1, catalog("4 0 R", false))
            .obj(2, "<< /Type /Pages /Kids [3 0 R] /Count 1 >>")
            .obj(3, page("4 0 R"))
            .obj(
                4,
                "<< /Type /Annot /Subtype /Widget /FT /Sig /T (Signatur1) /Rect [0 0 0 0] /P 3 0 R /V 5 0 R /F 132 >>",
            )
            .signature(5, "Sig", "ETSI.CAdES.detached");
        w.revision();
        let archival = self.archival(case);
        w.sign_last(|before, after| {
            let signed = [before, after].concat();
            let mut spec = pki.spec(&signed);
            spec.signing_time = None;
            spec.more_signed_attrs = vec![signing_certificate_v2(&pki.signer)];
            if !archival.is_empty() {
                let crls: Vec<&[u8]> = archival.iter().map(Vec::as_slice).collect();
                spec.more_signed_attrs.push(attr(
                    &oid::ADBE_REVOCATION_INFO_ARCHIVAL,
                    &seq(&[&ctx(0, &[&seq(&crls)])]),
                ));
            }
            make_cms(&spec, &|sig: &[u8]| {
                if signature_timestamp {
                    vec![pki.signature_timestamp(sig, SIGNATURE_TS)]
                } else {
                    Vec::new()
                }
            })
            .der
        });
        if form == Form::BT {
            return w.out;
        }
        let (crls, ocsps) = self.dss(case);
        let mut n = 21;
        let mut refs = |w: &mut PdfWriter, items: &[&[u8]]| {
            let mut out = Vec::new();
            for item in items {
                w.stream(n, item);
                out.push(format!("{n} 0 R"));
                n += 1;
            }
            out.join(" ")
        };
        let certs = refs(&mut w, &[&pki.ca, &pki.tsa, &self.responder]);
        let crls = refs(&mut w, &crls.iter().map(Vec::as_slice).collect::<Vec<_>>());
        let ocsps = refs(&mut w, &ocsps.iter().map(Vec::as_slice).collect::<Vec<_>>());
        w.obj(
            20,
            format!("<< /Type /DSS /Certs [{certs}] /CRLs [{crls}] /OCSPs [{ocsps}] >>"),
        )
        .obj(1, catalog("4 0 R", true));
        w.revision();
        if form == Form::BLt {
            return w.out;
        }
        w.obj(
            12,
            "<< /Type /Annot /Subtype /Widget /FT /Sig /T (Tidsstampel) /Rect [0 0 0 0] /P 3 0 R /V 13 0 R /F 132 >>",
        )
        .signature(13, "DocTimeStamp", "ETSI.RFC3161")
        .obj(1, catalog("4 0 R 12 0 R", true))
        .obj(3, page("4 0 R 12 0 R"));
        w.revision();
        w.sign_last(|before, after| pki.token(&[before, after], DOCUMENT_TS));
        w.out
    }
}

/// The examined signatures of `case` in `form`, with their indications at [`NOW`], and
/// arkivar's verdict on them.
fn run(case: Case, form: Form) -> (Vec<SignatureFacts>, crate::verify::Verdict) {
    let fixture = Fixture::new(case);
    checked(&fixture, &fixture.pdf(case, form))
}

/// The signatures of `bytes`, with their indications at [`NOW`], and arkivar's verdict.
fn checked(fixture: &Fixture, bytes: &[u8]) -> (Vec<SignatureFacts>, crate::verify::Verdict) {
    let limits = Limits::default();
    let pdf = load(bytes, &limits).expect("the fixture loads");
    let mut sigs = examine(bytes, &pdf, &fixture.pki.trust(), &limits);
    let now: Timestamp = NOW.parse().unwrap();
    indication::assign(&mut sigs, now);
    let policy = Policy {
        checks: Checks::Signatures,
        ..Policy::default()
    };
    let verdict = verify(
        &Inputs {
            signatures: &sigs,
            minutes: None,
            trails: &[],
            stamps: &[],
            covers: &Covers::default(),
            pages: &[],
            ocr: None,
            now,
        },
        &policy,
    );
    (sigs, verdict)
}

#[test]
fn every_fixture_gets_its_level_revocation_proof_indication_and_verdict() {
    for row in &MATRIX {
        let what = format!("{} as {:?}", row.case.name(), row.form);
        let (sigs, verdict) = run(row.case, row.form);
        let s = &sigs[0];
        assert!(s.holds() && s.trusted, "{what}: {s:#?}");
        assert_eq!(s.level, Some(row.level), "{what}: {:?}", s.level_missing);
        // The signer, then its CA, which the root's CRL shows good.
        let certs = &s.revocation.certificates;
        assert_eq!(certs.len(), 2, "{what}");
        assert_eq!(certs[0].status, row.signer, "{what}: {:?}", certs[0]);
        assert_eq!(
            certs[0].revoked_before_time, row.revoked_before_time,
            "{what}"
        );
        assert_eq!(
            certs[1].status,
            RevocationStatus::Good,
            "{what}: {:?}",
            certs[1]
        );
        // B-T carries its data in the signed archival attribute only.
        if row.form == Form::BT {
            let archival = |c: &super::report::CertificateRevocation| {
                c.source.is_none_or(|x| x == RevocationSource::Archival)
                    && c.refused
                        .iter()
                        .all(|r| r.source == RevocationSource::Archival)
            };
            assert!(certs.iter().all(archival), "{what}: {certs:?}");
            assert_eq!(s.revocation.dss_crls + s.revocation.dss_ocsps, 0, "{what}");
        }
        let proof = &s.proof_of_existence;
        assert!(proof.proven, "{what}: {proof:?}");
        assert_eq!(proof.source, ExistenceSource::SignatureTimestamp, "{what}");
        assert_eq!(proof.time.as_deref(), Some(PROVEN), "{what}");
        assert_eq!(proof.tsa_revocation_settled, row.tsa_settled, "{what}");
        assert_eq!(s.indication, Some(row.indication), "{what}");
        assert_eq!(verdict.status, row.status, "{what}: {:?}", verdict.findings);
        let codes: Vec<&str> = verdict.findings.iter().map(|f| f.code.as_str()).collect();
        assert_eq!(codes, row.codes, "{what}");
        // The document timestamp of B-LTA has no indication of its own.
        if row.form == Form::BLta {
            assert!(
                sigs[1].doc_timestamp && sigs[1].indication.is_none(),
                "{what}"
            );
        }
    }
}

#[test]
fn the_stale_crl_is_refused_as_stale_and_the_delegated_responder_answers() {
    let (sigs, _) = run(Case::StaleCrl, Form::BLt);
    let signer = &sigs[0].revocation.certificates[0];
    assert!(
        signer
            .refused
            .iter()
            .all(|r| r.reason == super::report::RefusalReason::Stale),
        "{signer:?}"
    );
    assert!(!signer.refused.is_empty());
    // Near miss: revoked after, the delegated responder's answer in the DSS decides, and
    // nothing is refused.
    let (sigs, _) = run(Case::RevokedAfter, Form::BLt);
    let signer = &sigs[0].revocation.certificates[0];
    assert_eq!(
        (signer.source, signer.evidence),
        (
            Some(super::report::RevocationSource::Dss),
            Some(super::report::RevocationEvidence::Ocsp)
        )
    );
    assert_eq!(signer.revoked_at.as_deref(), Some("2024-04-01T00:00:00Z"));
    assert!(signer.refused.is_empty(), "{signer:?}");
}

/// Without a timestamp, a revocation after the time the signature claims is no proof of
/// anything: the claim is the signer's own. arkivar's rules once called this `verified`.
#[test]
fn revoked_after_an_unproven_claim_warns_and_is_revoked_no_poe() {
    let fixture = Fixture::new(Case::RevokedAfter);
    let bytes = fixture.build(Case::RevokedAfter, Form::BLt, false);
    let (sigs, verdict) = checked(&fixture, &bytes);
    let s = &sigs[0];
    assert_eq!(s.level, Some(PadesLevel::BB), "{:?}", s.level_missing);
    assert!(!s.proof_of_existence.proven);
    assert_eq!(s.proof_of_existence.source, ExistenceSource::DictionaryTime);
    let signer = &s.revocation.certificates[0];
    assert_eq!(signer.status, RevocationStatus::Revoked);
    assert!(!signer.revoked_before_time, "{signer:?}");
    assert_eq!(s.indication, Some(Indeterminate(RevokedNoPoe)));
    assert_eq!(verdict.status, Status::Warnings, "{:?}", verdict.findings);
    let codes: Vec<&str> = verdict.findings.iter().map(|f| f.code.as_str()).collect();
    assert_eq!(codes, ["signature.unverifiable"]);
    // Near miss: the same data with the signature timestamp (the matrix's B-LT row).
    let (sigs, verdict) = run(Case::RevokedAfter, Form::BLt);
    assert_eq!(sigs[0].indication, Some(Passed));
    assert_eq!(verdict.status, Status::Verified, "{:?}", verdict.findings);
}

#[test]
fn the_readme_shows_the_matrix() {
    let readme = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/README.md"))
        .expect("README.md");
    let table = readme_table();
    assert!(
        readme.contains(&table),
        "README.md should hold the long-term validation table:\n{table}"
    );
}
