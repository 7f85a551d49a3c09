//! Proof of existence end to end on material built in code: which timestamp proves when a
//! signature existed, and how the signer's certificate is judged at that time.

use super::existence::{Candidate, ExistenceSource, TimestampKind, TimestampRefusal};
use super::report::{RevocationSource, RevocationStatus};
use super::revocation::{DssRevocation, RawForm, RawRevocation};
use super::testkit::*;
use super::*;

const DOC: &[u8] = b"%PDF-1.7 signed bytes before the hole";
const TAIL: &[u8] = b" and after it %%EOF";
/// What a document timestamp of a later revision covers.
const LATER: &[u8] = b"%PDF-1.7 the signed revision and the one after it %%EOF";

/// The signer's serial in [`Pki`].
const SIGNER_SERIAL: [u8; 4] = [0x01, 0x23, 0x45, 0x67];

fn ranges() -> [&'static [u8]; 2] {
    [DOC, TAIL]
}

/// A signature by the signer (signingTime 2024-03-01 12:00:00), with a timestamp token
/// over its value by the test TSA at `stamped` when given.
fn signed(pki: &Pki, stamped: Option<&str>) -> Vec<u8> {
    let c = [DOC, TAIL].concat();
    make_cms(&pki.spec(&c), &|sig: &[u8]| match stamped {
        Some(at) => vec![attr(&super::oid::TIME_STAMP_TOKEN, &pki.token(&[sig], at))],
        None => Vec::new(),
    })
    .der
}

/// A CRL by the issuing CA (issued 2025-01-01) listing `serial` as revoked at `at`.
fn crl(pki: &Pki, serial: &[u8], at: &str) -> RawRevocation {
    let mut spec = CrlSpec::new(ca_name(), "250101000000Z", "250201000000Z");
    spec.revoked.push(Revoked {
        serial: serial.to_vec(),
        at,
        reason: Some(1),
    });
    RawRevocation {
        source: RevocationSource::Dss,
        form: RawForm::Crl,
        der: make_crl(&spec, &pki.ca_key),
    }
}

/// Checks `der` against the PKI's root with `dss` revocation data and `covering` document
/// timestamps.
fn check(pki: &Pki, der: &[u8], dss: &[RawRevocation], covering: &[Candidate]) -> CmsReport {
    let trust = pki.trust();
    let dss = DssRevocation::new(dss.to_vec());
    let opts = VerifyOptions {
        dss_revocation: &dss,
        covering,
        ..VerifyOptions::new(&trust)
    };
    verify_signed_data_with(der, &ranges(), &opts)
}

/// A document timestamp by the test TSA at `at` over a later revision, checked against
/// `trust` and judged as the last timestamp.
fn document_timestamp(pki: &Pki, trust: &TrustStore, at: &str) -> Candidate {
    let token = pki.token(&[LATER], at);
    let report = verify_document_timestamp(&token, &[LATER], &VerifyOptions::new(trust));
    let ts = report.timestamp.expect("a token");
    Candidate::judge(
        TimestampKind::DocumentTimestamp,
        Some("Timestamp1".into()),
        &ts,
        &[],
    )
}

/// A TSA certificate issued by the test CA with the given validity, and its key.
fn tsa_with_validity(pki: &Pki, not_before: &str, not_after: &str) -> (TestKey, Vec<u8>) {
    let key = TestKey::p256(7);
    let mut spec = CertSpec::new(17, name("Short TSA", &[]), ca_name());
    spec.aki = Some(vec![0xbb; 20]);
    spec.not_before = not_before;
    spec.not_after = not_after;
    let cert = make_cert(&spec, &key, &pki.ca_key);
    (key, cert)
}

/// A signature stamped by the TSA `key`/`cert` (carrying `chain` too) at `at`.
fn stamped_by(pki: &Pki, key: &TestKey, cert: &[u8], chain: Vec<Vec<u8>>, at: &str) -> Vec<u8> {
    let c = [DOC, TAIL].concat();
    make_cms(&pki.spec(&c), &|sig: &[u8]| {
        let mut spec = CmsSpec::new(key, cert, b"");
        spec.econtent = Some((super::oid::ID_CT_TST_INFO, tst_info(&[sig], at)));
        spec.extra_certs = chain.clone();
        spec.signing_time = None;
        vec![attr(
            &super::oid::TIME_STAMP_TOKEN,
            &make_cms(&spec, &|_| Vec::new()).der,
        )]
    })
    .der
}

#[test]
fn a_trusted_signature_timestamp_proves_the_signing_time() {
    let pki = Pki::new();
    let report = check(&pki, &signed(&pki, Some("20240301120005Z")), &[], &[]);
    assert!(report.trusted, "{report:?}");
    let proof = &report.proof_of_existence;
    assert!(proof.proven, "{proof:?}");
    assert_eq!(proof.source, ExistenceSource::SignatureTimestamp);
    assert_eq!(proof.time.as_deref(), Some("2024-03-01T12:00:05Z"));
    assert_eq!(proof.tsa.as_deref(), Some("Test TSA"));
    // The last timestamp: its TSA was checked up to the validation time.
    assert_eq!(proof.tsa_checked_until, None);
    assert!(proof.refused.is_empty());
    assert_eq!(report.certificate_valid_at_signing, Some(true));
    // Near miss: no timestamp, so the signingTime is a claim.
    let report = check(&pki, &signed(&pki, None), &[], &[]);
    assert!(!report.proof_of_existence.proven);
    assert_eq!(
        report.proof_of_existence.source,
        ExistenceSource::SigningTime
    );
    assert_eq!(
        report.proof_of_existence.time.as_deref(),
        Some("2024-03-01T12:00:00Z")
    );
}

#[test]
fn a_certificate_expired_since_the_timestamp_was_valid_when_it_signed() {
    // The signer's certificate ended 2024-06-30, long before any validation today.
    let pki = Pki::with_signer_validity("230101000000Z", "240630235959Z");
    let report = check(&pki, &signed(&pki, Some("20240301120005Z")), &[], &[]);
    assert!(report.proof_of_existence.proven);
    assert_eq!(report.certificate_valid_at_signing, Some(true));
    // Near miss: expired before the timestamp proves the signature existed.
    let pki = Pki::with_signer_validity("230101000000Z", "240201000000Z");
    let report = check(&pki, &signed(&pki, Some("20240301120005Z")), &[], &[]);
    assert!(report.proof_of_existence.proven);
    assert_eq!(report.certificate_valid_at_signing, Some(false));
}

#[test]
fn without_a_timestamp_the_claimed_time_is_judged_as_before() {
    // Expired since, no timestamp: the claimed signingTime (inside the validity) is what the
    // certificate is judged at, as before proof of existence; nothing proves it.
    let pki = Pki::with_signer_validity("230101000000Z", "240630235959Z");
    let report = check(&pki, &signed(&pki, None), &[], &[]);
    assert!(!report.proof_of_existence.proven);
    assert_eq!(report.certificate_valid_at_signing, Some(true));
    assert_eq!(report.validity_time_source.as_deref(), Some("signing_time"));
    // Near miss: a claimed time after the end of the validity is invalid.
    let pki = Pki::with_signer_validity("230101000000Z", "240201000000Z");
    let report = check(&pki, &signed(&pki, None), &[], &[]);
    assert_eq!(report.certificate_valid_at_signing, Some(false));
}

#[test]
fn revoked_before_the_timestamp_is_revoked_before_signing_after_it_is_not() {
    let pki = Pki::new();
    let der = signed(&pki, Some("20240301120005Z"));
    let report = check(
        &pki,
        &der,
        &[crl(&pki, &SIGNER_SERIAL, "240215000000Z")],
        &[],
    );
    assert!(report.proof_of_existence.proven);
    let signer = &report.revocation.certificates[0];
    assert_eq!(signer.status, RevocationStatus::Revoked);
    assert!(signer.revoked_before_time);
    assert!(report.revocation.revoked_before_time().is_some());
    // Near miss: revoked after the proven time, the signature was made while it was good.
    let report = check(
        &pki,
        &der,
        &[crl(&pki, &SIGNER_SERIAL, "240401000000Z")],
        &[],
    );
    let signer = &report.revocation.certificates[0];
    assert_eq!(signer.status, RevocationStatus::Revoked);
    assert!(!signer.revoked_before_time);
    assert!(report.revocation.revoked_before_time().is_none());
}

#[test]
fn a_timestamp_by_an_untrusted_tsa_proves_nothing() {
    let pki = Pki::new();
    // A TSA of its own making: self-issued, no path to the configured root.
    let key = TestKey::p256(8);
    let mut spec = CertSpec::new(18, name("Rogue TSA", &[]), name("Rogue TSA", &[]));
    spec.ca = true;
    let cert = make_cert(&spec, &key, &key);
    let der = stamped_by(&pki, &key, &cert, Vec::new(), "20240301120005Z");
    let report = check(&pki, &der, &[], &[]);
    let proof = &report.proof_of_existence;
    assert!(!proof.proven, "{proof:?}");
    assert_eq!(proof.source, ExistenceSource::UnprovenTimestamp);
    assert_eq!(proof.refused.len(), 1);
    assert_eq!(proof.refused[0].kind, TimestampKind::SignatureTimestamp);
    assert_eq!(proof.refused[0].reason, TimestampRefusal::Untrusted);
    assert_eq!(proof.refused[0].tsa.as_deref(), Some("Rogue TSA"));
    // Near miss: the same signature stamped by the trusted TSA.
    let der = stamped_by(
        &pki,
        &pki.tsa_key,
        &pki.tsa,
        vec![pki.ca.clone()],
        "20240301120005Z",
    );
    assert!(check(&pki, &der, &[], &[]).proof_of_existence.proven);
}

#[test]
fn a_tsa_expired_at_gen_time_or_revoked_proves_nothing() {
    let pki = Pki::new();
    let (key, cert) = tsa_with_validity(&pki, "230101000000Z", "231231235959Z");
    let der = stamped_by(&pki, &key, &cert, vec![pki.ca.clone()], "20240301120005Z");
    let proof = check(&pki, &der, &[], &[]).proof_of_existence;
    assert!(!proof.proven);
    assert_eq!(proof.refused[0].reason, TimestampRefusal::TsaNotValid);
    // Near miss: valid at genTime.
    let (key, cert) = tsa_with_validity(&pki, "230101000000Z", "241231235959Z");
    let der = stamped_by(&pki, &key, &cert, vec![pki.ca.clone()], "20240301120005Z");
    assert!(check(&pki, &der, &[], &[]).proof_of_existence.proven);
    // The same TSA revoked (serial 17), and no later timestamp proves the token: refused.
    let report = check(&pki, &der, &[crl(&pki, &[17], "240601000000Z")], &[]);
    let proof = &report.proof_of_existence;
    assert!(!proof.proven);
    assert_eq!(proof.refused[0].reason, TimestampRefusal::TsaRevoked);
}

#[test]
fn a_later_document_timestamp_proves_a_signature_without_its_own() {
    let pki = Pki::with_signer_validity("230101000000Z", "240630235959Z");
    let trust = pki.trust();
    let stamp = document_timestamp(&pki, &trust, "20240501000000Z");
    let der = signed(&pki, None);
    let report = check(&pki, &der, &[], std::slice::from_ref(&stamp));
    let proof = &report.proof_of_existence;
    assert!(proof.proven, "{proof:?}");
    assert_eq!(proof.source, ExistenceSource::DocumentTimestamp);
    assert_eq!(proof.field.as_deref(), Some("Timestamp1"));
    assert_eq!(proof.time.as_deref(), Some("2024-05-01T00:00:00Z"));
    assert_eq!(report.certificate_valid_at_signing, Some(true));
    assert_eq!(
        report.validity_time_source.as_deref(),
        Some("document_timestamp")
    );
    assert_eq!(
        report.revocation.time.as_deref(),
        Some("2024-05-01T00:00:00Z")
    );
    // Revoked after the claimed signing time but before the proof: the claim cannot show
    // the signature came first, so it was revoked before the best signature time.
    let report = check(
        &pki,
        &der,
        &[crl(&pki, &SIGNER_SERIAL, "240401000000Z")],
        std::slice::from_ref(&stamp),
    );
    assert!(report.revocation.revoked_before_time().is_some());
    // Near miss: revoked after the document timestamp.
    let report = check(
        &pki,
        &der,
        &[crl(&pki, &SIGNER_SERIAL, "240515000000Z")],
        std::slice::from_ref(&stamp),
    );
    assert!(report.revocation.revoked_before_time().is_none());
}

#[test]
fn a_document_timestamp_after_expiry_leaves_the_claimed_time_to_judge_validity() {
    // The certificate expired 2024-06-30; the document timestamp came in 2025. It proves the
    // signature existed by 2025, not that it was made before the expiry: the claimed time
    // judges the validity, as without a proof.
    let pki = Pki::with_signer_validity("230101000000Z", "240630235959Z");
    let trust = pki.trust();
    let stamp = document_timestamp(&pki, &trust, "20250101000000Z");
    let report = check(&pki, &signed(&pki, None), &[], &[stamp]);
    assert!(report.proof_of_existence.proven);
    assert_eq!(report.certificate_valid_at_signing, Some(true));
    assert_eq!(report.validity_time_source.as_deref(), Some("signing_time"));
}

#[test]
fn an_untrusted_document_timestamp_proves_nothing() {
    let pki = Pki::new();
    let stamp = document_timestamp(&pki, &TrustStore::new(), "20240501000000Z");
    assert_eq!(stamp.verdict, Err(TimestampRefusal::Untrusted));
    let report = check(&pki, &signed(&pki, None), &[], &[stamp]);
    let proof = &report.proof_of_existence;
    assert!(!proof.proven);
    assert_eq!(proof.source, ExistenceSource::SigningTime);
    assert_eq!(proof.refused[0].kind, TimestampKind::DocumentTimestamp);
    assert_eq!(proof.refused[0].field.as_deref(), Some("Timestamp1"));
    assert_eq!(report.validity_time_source.as_deref(), Some("signing_time"));
}

#[test]
fn the_signature_timestamp_is_judged_until_the_document_timestamp_over_it() {
    let pki = Pki::new();
    let trust = pki.trust();
    let stamp = document_timestamp(&pki, &trust, "20250101000000Z");
    let der = signed(&pki, Some("20240301120005Z"));
    let report = check(&pki, &der, &[], std::slice::from_ref(&stamp));
    let proof = &report.proof_of_existence;
    assert_eq!(proof.source, ExistenceSource::SignatureTimestamp);
    assert_eq!(
        proof.tsa_checked_until.as_deref(),
        Some("2025-01-01T00:00:00Z")
    );
}

/// A PDF written revision by revision with classic xref tables, for checking a signature and
/// a later document timestamp through [`examine`](super::examine::examine).
/// A one-page PDF signed by the test signer (no timestamp of its own), and when `stamp` is
/// given a later revision with a document timestamp by the test TSA at that `genTime`.
fn signed_pdf(pki: &Pki, stamp: Option<&str>) -> Vec<u8> {
    let mut w = PdfWriter::new();
    w.obj(
        1,
        "<< /Type /Catalog /Pages 2 0 R /AcroForm << /Fields [4 0 R] /SigFlags 3 >> >>",
    )
    .obj(2, "<< /Type /Pages /Kids [3 0 R] /Count 1 >>")
    .obj(
        3,
        "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Annots [4 0 R] >>",
    )
    .obj(
        4,
        "<< /FT /Sig /T (Signature1) /V 5 0 R /Type /Annot /Subtype /Widget /Rect [0 0 0 0] /P 3 0 R /F 132 >>",
    )
    .signature(5, "Sig", "ETSI.CAdES.detached");
    w.revision();
    w.sign_last(|before, after| {
        let content = [before, after].concat();
        make_cms(&pki.spec(&content), &|_| Vec::new()).der
    });
    if let Some(at) = stamp {
        w.obj(
            1,
            "<< /Type /Catalog /Pages 2 0 R /AcroForm << /Fields [4 0 R 6 0 R] /SigFlags 3 >> >>",
        )
        .obj(
            3,
            "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Annots [4 0 R 6 0 R] >>",
        )
        .obj(
            6,
            "<< /FT /Sig /T (Timestamp1) /V 7 0 R /Type /Annot /Subtype /Widget /Rect [0 0 0 0] /P 3 0 R /F 132 >>",
        )
        .signature(7, "DocTimeStamp", "ETSI.RFC3161");
        w.revision();
        w.sign_last(|before, after| pki.token(&[before, after], at));
    }
    w.out
}

fn examined(pki: &Pki, bytes: &[u8]) -> Vec<super::examine::SignatureFacts> {
    let limits = crate::pdf::Limits::default();
    let loaded = crate::pdf::load(bytes, &limits).expect("the fixture loads");
    super::examine::examine(bytes, &loaded, &pki.trust(), &limits)
}

#[test]
fn a_document_timestamp_of_a_later_revision_proves_the_signature_in_the_file() {
    let pki = Pki::with_signer_validity("230101000000Z", "240630235959Z");
    let facts = examined(&pki, &signed_pdf(&pki, Some("20240501000000Z")));
    assert_eq!(facts.len(), 2, "{facts:#?}");
    let signature = &facts[0];
    assert!(signature.holds() && signature.trusted, "{signature:#?}");
    assert!(!signature.doc_timestamp);
    let proof = &signature.proof_of_existence;
    assert!(proof.proven, "{proof:?}");
    assert_eq!(proof.source, ExistenceSource::DocumentTimestamp);
    assert_eq!(proof.field.as_deref(), Some("Timestamp1"));
    assert_eq!(proof.time.as_deref(), Some("2024-05-01T00:00:00Z"));
    assert_eq!(signature.certificate_valid_at_signing, Some(true));
    // The document timestamp itself is the last: nothing later proves it.
    let stamp = &facts[1];
    assert!(stamp.doc_timestamp && stamp.holds(), "{stamp:#?}");
    assert!(!stamp.proof_of_existence.proven);
    assert_eq!(
        stamp.proof_of_existence.source,
        ExistenceSource::UnprovenTimestamp
    );
    // Near miss: without the later revision, the signingTime is only claimed.
    let facts = examined(&pki, &signed_pdf(&pki, None));
    assert_eq!(facts.len(), 1);
    assert!(!facts[0].proof_of_existence.proven);
    assert_eq!(
        facts[0].proof_of_existence.source,
        ExistenceSource::SigningTime
    );
}
