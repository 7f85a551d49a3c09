//! End-to-end tests of the signature layer on material built in code (`testkit`), each named
//! after the attack or defect it shows.

use super::report::{RevocationEvidence, RevocationReason, RevocationSource, RevocationStatus};
use super::testkit::*;
use super::*;

const DOC: &[u8] = b"%PDF-1.7 signed bytes before the hole";
const TAIL: &[u8] = b" and after it %%EOF";

fn ranges() -> [&'static [u8]; 2] {
    [DOC, TAIL]
}

fn content() -> Vec<u8> {
    [DOC, TAIL].concat()
}

fn no_unsigned(_: &[u8]) -> Vec<Vec<u8>> {
    Vec::new()
}

fn check(der: &[u8], trust: &TrustStore) -> CmsReport {
    verify_signed_data(der, &ranges(), trust, &[])
}

#[test]
fn untouched_signature_is_intact_valid_and_trusted_with_signer_facts() {
    let pki = Pki::new();
    let c = content();
    let built = make_cms(&pki.spec(&c), &no_unsigned);
    let report = check(&built.der, &pki.trust());
    assert_eq!(report.error, None);
    assert!(
        report.intact && report.valid && report.trusted,
        "{report:?}"
    );
    assert_eq!(report.digest_algorithm.as_deref(), Some("sha256"));
    assert_eq!(report.signature_algorithm.as_deref(), Some("ecdsa"));
    assert_eq!(report.signing_time.as_deref(), Some("2024-03-01T12:00:00Z"));
    assert_eq!(
        report.chain,
        ["Erik Lövgren", "Test Issuing CA", "Test Root"]
    );
    assert_eq!(report.certificate_valid_at_signing, Some(true));
    assert_eq!(report.validity_time_source.as_deref(), Some("signing_time"));
    let signer = report.signer.unwrap();
    assert_eq!(signer.common_name.as_deref(), Some("Erik Lövgren"));
    assert_eq!(signer.organization.as_deref(), Some("Ånge kommun"));
    assert_eq!(signer.email.as_deref(), Some("erik@example.se"));
    assert_eq!(signer.serial_number.as_deref(), Some("PNOSE-19700101-****"));
    assert!(!signer.subject.contains("1234"), "{}", signer.subject);
    assert_eq!(
        signer.issuer_common_name.as_deref(),
        Some("Test Issuing CA")
    );
    assert_eq!(signer.certificate_serial, "01234567");
    assert_eq!(signer.not_after, "2025-12-31T23:59:59Z");
    assert_eq!(signer.key_usage, ["digital_signature", "non_repudiation"]);
    assert_eq!(signer.key_algorithm, "ec");
    assert_eq!(signer.curve.as_deref(), Some("secp256r1"));
    assert_eq!(signer.key_bits, Some(256));
}

#[test]
fn flipped_byte_in_signed_range_is_not_intact() {
    let pki = Pki::new();
    let c = content();
    let built = make_cms(&pki.spec(&c), &no_unsigned);
    let mut doc = DOC.to_vec();
    doc[3] ^= 0x01;
    let report = verify_signed_data(&built.der, &[&doc, TAIL], &pki.trust(), &[]);
    assert!(!report.intact, "{report:?}");
    // The signature over the signed attributes is still the signer's.
    assert!(report.valid);
    assert!(
        !report.trusted,
        "trust means nothing for a broken signature"
    );
}

#[test]
fn tampered_signed_attribute_is_intact_but_not_valid() {
    let pki = Pki::new();
    let c = content();
    let built = make_cms(&pki.spec(&c), &no_unsigned);
    let mut der = built.der.clone();
    // Move the signingTime by a year: "240301…" → "250301…".
    let at = find(&der, b"240301120000Z").unwrap();
    der[at + 1] = b'5';
    let report = check(&der, &pki.trust());
    assert!(report.intact, "{report:?}");
    assert!(!report.valid);
    assert_eq!(report.signing_time.as_deref(), Some("2025-03-01T12:00:00Z"));
}

#[test]
fn signature_by_another_key_than_the_certificate_is_not_valid() {
    let pki = Pki::new();
    let c = content();
    let impostor = TestKey::p256(99);
    let mut spec = pki.spec(&c);
    spec.key = &impostor;
    let report = check(&make_cms(&spec, &no_unsigned).der, &pki.trust());
    assert!(report.intact);
    assert!(!report.valid, "{report:?}");
    assert!(!report.trusted);
}

#[test]
fn ber_indefinite_length_cms_is_accepted() {
    let pki = Pki::new();
    let c = content();
    let der = make_cms(&pki.spec(&c), &no_unsigned).der;
    // ContentInfo, [0], SignedData and its direct children in indefinite form.
    let ber = indefinite(&der, 4);
    assert_ne!(ber, der);
    let report = check(&ber, &pki.trust());
    assert!(
        report.intact && report.valid && report.trusted,
        "{report:?}"
    );
    assert!(report.warnings.contains(&CmsWarning::BerEncoding));
}

#[test]
fn zero_padding_is_accepted_and_trailing_garbage_is_reported() {
    let pki = Pki::new();
    let c = content();
    let der = make_cms(&pki.spec(&c), &no_unsigned).der;
    let mut padded = der.clone();
    padded.resize(der.len() + 4096, 0);
    let report = check(&padded, &pki.trust());
    assert!(report.intact && report.valid, "{report:?}");
    assert!(report.warnings.is_empty(), "{:?}", report.warnings);

    padded[der.len() + 10] = 0x42;
    let report = check(&padded, &pki.trust());
    assert!(report.intact && report.valid);
    assert!(report.warnings.contains(&CmsWarning::TrailingGarbage {
        offset: der.len() + 10,
        len: 4086
    }));
}

#[test]
fn rsa_pkcs1v15_and_pss_signatures_verify() {
    let pki = Pki::new();
    let c = content();
    let key = TestKey::rsa();
    for (signer_key, expected) in [
        (TestKey::Rsa(key.clone()), "rsassa_pkcs1v15"),
        (TestKey::RsaPss(key), "rsassa_pss"),
    ] {
        let cert = make_cert(
            &CertSpec::new(77, name("RSA Signer", &[]), ca_name()),
            &signer_key,
            &pki.ca_key,
        );
        let mut spec = CmsSpec::new(&signer_key, &cert, &c);
        spec.extra_certs = vec![pki.ca.clone()];
        let report = check(&make_cms(&spec, &no_unsigned).der, &pki.trust());
        assert!(
            report.intact && report.valid && report.trusted,
            "{report:?}"
        );
        assert_eq!(report.signature_algorithm.as_deref(), Some(expected));
        let signer = report.signer.unwrap();
        assert_eq!(
            (signer.key_algorithm.as_str(), signer.key_bits),
            ("rsa", Some(1024))
        );
    }
}

#[test]
fn rsa_signature_over_other_attributes_is_not_valid() {
    let pki = Pki::new();
    let c = content();
    let key = TestKey::Rsa(TestKey::rsa());
    let cert = make_cert(
        &CertSpec::new(78, name("RSA", &[]), ca_name()),
        &key,
        &pki.ca_key,
    );
    let der = make_cms(&CmsSpec::new(&key, &cert, &c), &no_unsigned).der;
    let mut tampered = der.clone();
    let at = find(&tampered, b"240301120000Z").unwrap();
    tampered[at] = b'1';
    let report = check(&tampered, &pki.trust());
    assert!(report.intact && !report.valid, "{report:?}");
}

#[test]
fn ed25519_signature_verifies_over_the_signed_attributes() {
    let pki = Pki::new();
    let c = content();
    let key = TestKey::ed25519(5);
    let cert = make_cert(
        &CertSpec::new(79, name("Ed", &[]), ca_name()),
        &key,
        &pki.ca_key,
    );
    let mut spec = CmsSpec::new(&key, &cert, &c);
    spec.extra_certs = vec![pki.ca.clone()];
    let report = check(&make_cms(&spec, &no_unsigned).der, &pki.trust());
    assert!(
        report.intact && report.valid && report.trusted,
        "{report:?}"
    );
    assert_eq!(report.signature_algorithm.as_deref(), Some("ed25519"));
}

#[test]
fn ed448_is_reported_unsupported_not_invalid() {
    let pki = Pki::new();
    let c = content();
    let mut spec = pki.spec(&c);
    spec.signature_algorithm = Some(alg(&super::oid::ED448));
    let report = check(&make_cms(&spec, &no_unsigned).der, &pki.trust());
    assert!(report.intact);
    assert!(!report.valid);
    let error = report.error.unwrap();
    assert!(
        error.message.contains("unsupported algorithm 1.3.101.113"),
        "{error}"
    );
}

#[test]
fn signature_without_signed_attributes_covers_the_content_directly() {
    let pki = Pki::new();
    let c = content();
    let mut spec = pki.spec(&c);
    spec.signed_attrs = false;
    let der = make_cms(&spec, &no_unsigned).der;
    let report = check(&der, &pki.trust());
    assert!(report.intact && report.valid, "{report:?}");
    let report = verify_signed_data(&der, &[DOC, b"other tail"], &pki.trust(), &[]);
    assert!(!report.intact && !report.valid);
}

#[test]
fn signer_named_by_subject_key_identifier_is_found() {
    let pki = Pki::new();
    let c = content();
    let mut spec = pki.spec(&c);
    spec.sid_by_ski = Some(vec![0xcc; 20]);
    let report = check(&make_cms(&spec, &no_unsigned).der, &pki.trust());
    assert!(report.intact && report.valid, "{report:?}");
    spec.sid_by_ski = Some(vec![0xdd; 20]);
    let report = check(&make_cms(&spec, &no_unsigned).der, &pki.trust());
    assert!(report.intact && !report.valid);
    assert!(
        report
            .error
            .unwrap()
            .message
            .contains("signer certificate not found")
    );
}

#[test]
fn signer_certificate_from_the_dss_is_used_when_the_cms_has_none() {
    let pki = Pki::new();
    let c = content();
    let mut spec = pki.spec(&c);
    spec.include_signer_cert = false;
    let der = make_cms(&spec, &no_unsigned).der;
    let report = check(&der, &pki.trust());
    assert!(report.intact && !report.valid, "{report:?}");
    assert!(
        report
            .error
            .unwrap()
            .message
            .contains("signer certificate not found")
    );
    let report = verify_signed_data(
        &der,
        &ranges(),
        &pki.trust(),
        std::slice::from_ref(&pki.signer),
    );
    assert!(
        report.intact && report.valid && report.trusted,
        "{report:?}"
    );
}

#[test]
fn timestamp_token_with_fractional_gen_time_is_checked() {
    let pki = Pki::new();
    let c = content();
    let built = make_cms(&pki.spec(&c), &|sig: &[u8]| {
        vec![attr(
            &super::oid::TIME_STAMP_TOKEN,
            &pki.token(&[sig], "20240301120005.627Z"),
        )]
    });
    let report = check(&built.der, &pki.trust());
    assert!(
        report.intact && report.valid && report.trusted,
        "{report:?}"
    );
    let ts = report.timestamp.clone().unwrap();
    assert!(ts.present && ts.intact && ts.valid && ts.trusted, "{ts:?}");
    assert_eq!(ts.time.as_deref(), Some("2024-03-01T12:00:05.627Z"));
    assert_eq!(ts.tsa.as_deref(), Some("Test TSA"));
    assert_eq!(report.validity_time_source.as_deref(), Some("timestamp"));
}

#[test]
fn timestamp_of_another_signature_is_not_intact() {
    let pki = Pki::new();
    let c = content();
    let built = make_cms(&pki.spec(&c), &|_: &[u8]| {
        vec![attr(
            &super::oid::TIME_STAMP_TOKEN,
            &pki.token(&[b"some other signature value"], "20240301120005Z"),
        )]
    });
    let report = check(&built.der, &pki.trust());
    assert!(report.intact && report.valid);
    let ts = report.timestamp.unwrap();
    assert!(!ts.intact && ts.valid, "{ts:?}");
    // An unproven timestamp is not used as the time of signing.
    assert_eq!(report.validity_time_source.as_deref(), Some("signing_time"));
}

#[test]
fn document_timestamp_covers_the_byte_ranges() {
    let pki = Pki::new();
    let token = pki.token(&ranges(), "20240301120005.5Z");
    assert!(is_timestamp_token(&token));
    let empty = TrustStore::new();
    let opts = VerifyOptions::new(&empty);
    let trust = pki.trust();
    let trusted_opts = VerifyOptions::new(&trust);
    let report = verify_document_timestamp(&token, &ranges(), &trusted_opts);
    assert!(
        report.intact && report.valid && report.trusted,
        "{report:?}"
    );
    assert_eq!(
        report.signing_time.as_deref(),
        Some("2024-03-01T12:00:05.5Z")
    );
    assert_eq!(
        report.signer.unwrap().common_name.as_deref(),
        Some("Test TSA")
    );
    let report = verify_document_timestamp(&token, &[DOC, b"changed"], &opts);
    assert!(
        !report.intact && report.valid && !report.trusted,
        "{report:?}"
    );
}

#[test]
fn chain_to_the_test_root_is_trusted_and_to_another_root_is_not() {
    let pki = Pki::new();
    let c = content();
    let der = make_cms(&pki.spec(&c), &no_unsigned).der;
    assert!(check(&der, &pki.trust()).trusted);

    let other_key = TestKey::p256(50);
    let other_root = make_cert(
        &{
            let mut s = CertSpec::new(1, root_name(), root_name());
            s.ca = true;
            s
        },
        &other_key,
        &other_key,
    );
    // Same name as the real root, different key: a name match alone must not do.
    let other = TrustStore::from_pem(pem(&other_root).as_bytes()).unwrap();
    let report = check(&der, &other);
    assert!(
        report.intact && report.valid && !report.trusted,
        "{report:?}"
    );
    assert_eq!(report.chain, ["Erik Lövgren", "Test Issuing CA"]);
    assert!(!check(&der, &TrustStore::new()).trusted);
}

#[test]
fn end_entity_certificate_cannot_act_as_issuer() {
    let pki = Pki::new();
    let c = content();
    // The signer's key issues a certificate: it is no CA (basicConstraints cA=false).
    let child_key = TestKey::p256(60);
    let signer_name = Certificate::parse(&pki.signer).unwrap().subject.raw;
    let child = make_cert(
        &CertSpec::new(61, name("Child", &[]), signer_name),
        &child_key,
        &pki.signer_key,
    );
    let mut spec = CmsSpec::new(&child_key, &child, &c);
    spec.extra_certs = vec![pki.signer.clone(), pki.ca.clone()];
    let report = check(&make_cms(&spec, &no_unsigned).der, &pki.trust());
    assert!(
        report.intact && report.valid && !report.trusted,
        "{report:?}"
    );
    assert!(
        report
            .warnings
            .iter()
            .any(|w| matches!(w, CmsWarning::IssuerNotCa { .. }))
    );
}

#[test]
fn expired_certificate_at_signing_time_is_reported() {
    let pki = Pki::with_signer_validity("200101000000Z", "211231235959Z");
    let c = content();
    let der = make_cms(&pki.spec(&c), &no_unsigned).der;
    let report = check(&der, &pki.trust());
    assert!(report.intact && report.valid && report.trusted);
    assert_eq!(report.certificate_valid_at_signing, Some(false));

    let mut spec = pki.spec(&c);
    spec.signing_time = None;
    let der = make_cms(&spec, &no_unsigned).der;
    assert_eq!(check(&der, &pki.trust()).certificate_valid_at_signing, None);
    let trust = pki.trust();
    let opts = VerifyOptions {
        reference_time: Some("2021-06-01T00:00:00Z".parse().unwrap()),
        ..VerifyOptions::new(&trust)
    };
    let report = verify_signed_data_with(&der, &ranges(), &opts);
    assert_eq!(report.certificate_valid_at_signing, Some(true));
    assert_eq!(report.validity_time_source.as_deref(), Some("reference"));
}

#[test]
fn adbe_pkcs7_sha1_encapsulated_digest_is_checked() {
    let pki = Pki::new();
    let c = content();
    let mut spec = pki.spec(&c);
    spec.econtent = Some((
        super::oid::ID_DATA,
        algorithm::DigestAlgorithm::Sha1.digest_parts(&ranges()),
    ));
    let der = make_cms(&spec, &no_unsigned).der;
    let report = check(&der, &pki.trust());
    assert!(report.intact && report.valid, "{report:?}");
    let report = verify_signed_data(&der, &[DOC, b"x"], &pki.trust(), &[]);
    assert!(!report.intact && report.valid);
    assert!(
        report
            .warnings
            .contains(&CmsWarning::EncapsulatedContentMismatch)
    );
}

#[test]
fn adbe_x509_rsa_sha1_signature_verifies() {
    let pki = Pki::new();
    let key = TestKey::rsa();
    let signer_key = TestKey::Rsa(key.clone());
    let cert = make_cert(
        &CertSpec::new(80, name("Legacy", &[]), ca_name()),
        &signer_key,
        &pki.ca_key,
    );
    let hash = algorithm::DigestAlgorithm::Sha1.digest_parts(&ranges());
    let sig = key
        .sign(rsa::Pkcs1v15Sign::new::<sha1::Sha1>(), &hash)
        .unwrap();
    let mut contents = octets(&sig);
    contents.resize(contents.len() + 100, 0);
    let certs = vec![cert, pki.ca.clone()];
    let trust = pki.trust();
    let opts = VerifyOptions::new(&trust);
    let report = verify_x509_rsa_sha1(&contents, &ranges(), &certs, &opts);
    assert!(
        report.intact && report.valid && report.trusted,
        "{report:?}"
    );
    assert_eq!(report.digest_algorithm.as_deref(), Some("sha1"));
    let report = verify_x509_rsa_sha1(&contents, &[DOC, b"y"], &certs, &opts);
    assert!(!report.intact && !report.valid);
    let report = verify_x509_rsa_sha1(&contents, &ranges(), &[], &opts);
    assert!(report.error.unwrap().message.contains("no certificate"));
}

#[test]
fn revocation_archival_attribute_is_counted() {
    let pki = Pki::new();
    let c = content();
    let mut spec = pki.spec(&c);
    let crl = seq(&[&int(1)]);
    let ocsp = seq(&[&int(2)]);
    let archival = seq(&[&ctx(0, &[&seq(&[&crl])]), &ctx(1, &[&seq(&[&ocsp, &ocsp])])]);
    spec.more_signed_attrs = vec![attr(&super::oid::ADBE_REVOCATION_INFO_ARCHIVAL, &archival)];
    let trust = pki.trust();
    let opts = VerifyOptions {
        dss_crls: 3,
        dss_ocsps: 4,
        ..VerifyOptions::new(&trust)
    };
    let report = verify_signed_data_with(&make_cms(&spec, &no_unsigned).der, &ranges(), &opts);
    assert!(report.intact && report.valid);
    let r = &report.revocation;
    assert_eq!((r.archival_crls, r.archival_ocsps, r.cms_crls), (1, 2, 0));
    assert_eq!((r.dss_crls, r.dss_ocsps), (3, 4));
    // The items are no CRL or OCSP response: counted, unreadable (the two equal OCSP values
    // are read once), and no certificate gets an answer from them.
    assert_eq!(r.unreadable, 2);
    assert_eq!(r.time.as_deref(), Some("2024-03-01T12:00:00Z"));
    let statuses: Vec<_> = r.certificates.iter().map(|c| c.status).collect();
    assert_eq!(
        statuses,
        [RevocationStatus::NoData, RevocationStatus::NoData],
        "the signer and the issuing CA; the root is left out"
    );
}

/// A signature whose CMS carries the CA's CRL in the signed archival attribute.
fn with_archival_crl(pki: &Pki, crl: &[u8]) -> CmsReport {
    let c = content();
    let mut spec = pki.spec(&c);
    let archival = seq(&[&ctx(0, &[&seq(&[crl])])]);
    spec.more_signed_attrs = vec![attr(&super::oid::ADBE_REVOCATION_INFO_ARCHIVAL, &archival)];
    check(&make_cms(&spec, &no_unsigned).der, &pki.trust())
}

#[test]
fn signer_revoked_before_signing_by_the_archival_crl() {
    let pki = Pki::new();
    let mut crl = CrlSpec::new(ca_name(), "240201000000Z", "240401000000Z");
    crl.revoked.push(Revoked {
        serial: vec![0x01, 0x23, 0x45, 0x67],
        at: "240115000000Z",
        reason: Some(1),
    });
    let report = with_archival_crl(&pki, &make_crl(&crl, &pki.ca_key));
    assert!(
        report.intact && report.valid && report.trusted,
        "{report:?}"
    );
    let signer = &report.revocation.certificates[0];
    assert_eq!(signer.subject, "Erik Lövgren");
    assert_eq!(signer.status, RevocationStatus::Revoked);
    assert_eq!(signer.revoked_at.as_deref(), Some("2024-01-15T00:00:00Z"));
    assert_eq!(signer.reason, Some(RevocationReason::KeyCompromise));
    assert!(signer.revoked_before_time);
    assert_eq!(signer.source, Some(RevocationSource::Archival));
    assert_eq!(signer.evidence, Some(RevocationEvidence::Crl));
    assert!(report.revocation.revoked_before_time().is_some());
    // Near miss: revoked after the signing time is a fact, not a revocation before it.
    crl.revoked[0].at = "240315000000Z";
    let report = with_archival_crl(&pki, &make_crl(&crl, &pki.ca_key));
    let signer = &report.revocation.certificates[0];
    assert_eq!(signer.status, RevocationStatus::Revoked);
    assert!(!signer.revoked_before_time);
    assert!(report.revocation.revoked_before_time().is_none());
}

#[test]
fn dss_ocsp_answers_for_the_signer_and_a_root_crl_for_the_ca() {
    let pki = Pki::new();
    let c = content();
    let basic = pki.ocsp_signer_good();
    let root_crl = root_crl();
    let dss = [
        revocation::RawRevocation {
            source: RevocationSource::Dss,
            form: revocation::RawForm::OcspResponse,
            der: ocsp_response(&basic),
        },
        revocation::RawRevocation {
            source: RevocationSource::Dss,
            form: revocation::RawForm::Crl,
            der: root_crl,
        },
    ];
    let trust = pki.trust();
    let opts = VerifyOptions {
        dss_revocation: &revocation::DssRevocation::new(dss.to_vec()),
        ..VerifyOptions::new(&trust)
    };
    let der = make_cms(&pki.spec(&c), &no_unsigned).der;
    let report = verify_signed_data_with(&der, &ranges(), &opts);
    let got: Vec<_> = report
        .revocation
        .certificates
        .iter()
        .map(|c| (c.subject.as_str(), c.status, c.source, c.evidence))
        .collect();
    assert_eq!(
        got,
        [
            (
                "Erik Lövgren",
                RevocationStatus::Good,
                Some(RevocationSource::Dss),
                Some(RevocationEvidence::Ocsp)
            ),
            (
                "Test Issuing CA",
                RevocationStatus::Good,
                Some(RevocationSource::Dss),
                Some(RevocationEvidence::Crl)
            ),
        ]
    );
    // Near miss: without the DSS, nothing is known.
    let report = verify_signed_data_with(&der, &ranges(), &VerifyOptions::new(&trust));
    assert!(
        report
            .revocation
            .certificates
            .iter()
            .all(|c| c.status == RevocationStatus::NoData)
    );
}

#[test]
fn cades_revocation_values_are_read_as_cms_data() {
    let pki = Pki::new();
    let c = content();
    let basic = make_basic_ocsp(
        Responder::Key(&pki.ca),
        "20240301110000Z",
        &[Single::new(
            &pki.signer,
            &pki.ca,
            OcspAnswer::Revoked("20240201000000Z", None),
        )],
        &[],
        &pki.ca_key,
    );
    let values = seq(&[&ctx(1, &[&seq(&[&basic])])]);
    let unsigned = move |_: &[u8]| vec![attr(&super::oid::REVOCATION_VALUES, &values)];
    let report = check(&make_cms(&pki.spec(&c), &unsigned).der, &pki.trust());
    let signer = &report.revocation.certificates[0];
    assert_eq!(signer.status, RevocationStatus::Revoked);
    assert_eq!(signer.source, Some(RevocationSource::Cms));
    assert!(signer.revoked_before_time);
    assert_eq!(signer.reason, None);
}

/// A tiny deterministic generator, so the fuzz-like tests need no extra crate.
struct XorShift(u64);
impl XorShift {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
}

fn assert_refused(report: &CmsReport, what: &str) {
    assert!(
        !report.valid || !report.intact || report.error.is_none(),
        "{what}"
    );
    if let Some(e) = &report.error {
        assert_ne!(e.code, CheckErrorKind::Internal, "{what}: {e}");
    }
}

#[test]
fn every_prefix_of_a_valid_blob_is_an_error_not_a_panic() {
    let pki = Pki::new();
    let c = content();
    let der = make_cms(&pki.spec(&c), &|sig: &[u8]| {
        vec![attr(
            &super::oid::TIME_STAMP_TOKEN,
            &pki.token(&[sig], "20240301120005Z"),
        )]
    })
    .der;
    let trust = pki.trust();
    for cut in 0..der.len() {
        let report = check(&der[..cut], &trust);
        assert!(report.error.is_some(), "prefix {cut} gave no error");
        assert!(!report.valid && !report.trusted, "prefix {cut}");
        assert_ne!(
            report.error.unwrap().code,
            CheckErrorKind::Internal,
            "prefix {cut}"
        );
    }
    let ber = indefinite(&der, 6);
    for cut in 0..ber.len() {
        let report = check(&ber[..cut], &trust);
        assert!(report.error.is_some() && !report.valid, "BER prefix {cut}");
    }
}

#[test]
fn random_bytes_and_mutated_blobs_never_panic() {
    let pki = Pki::new();
    let c = content();
    let der = make_cms(&pki.spec(&c), &no_unsigned).der;
    let trust = pki.trust();
    let mut rng = XorShift(0x9e37_79b9_7f4a_7c15);
    for i in 0..2000 {
        let len = (rng.next() % 300) as usize;
        let mut bytes: Vec<u8> = (0..len).map(|_| rng.next() as u8).collect();
        // Half start like a SEQUENCE to get past the first check.
        if i % 2 == 0 && !bytes.is_empty() {
            bytes[0] = 0x30;
        }
        let report = check(&bytes, &trust);
        assert_refused(&report, "random");
        let ts = verify_document_timestamp(&bytes, &ranges(), &VerifyOptions::new(&trust));
        assert_refused(&ts, "random timestamp");
    }
    for _ in 0..1500 {
        let mut m = der.clone();
        let at = (rng.next() as usize) % m.len();
        m[at] ^= (rng.next() as u8) | 1;
        let report = check(&m, &trust);
        if let Some(e) = &report.error {
            assert_ne!(e.code, CheckErrorKind::Internal, "mutation at {at}: {e}");
        }
    }
}

#[test]
fn report_serialises_and_has_a_schema() {
    let pki = Pki::new();
    let c = content();
    let report = check(&make_cms(&pki.spec(&c), &no_unsigned).der, &pki.trust());
    let json = serde_json::to_value(&report).unwrap();
    assert_eq!(json["signer"]["serial_number"], "PNOSE-19700101-****");
    let back: CmsReport = serde_json::from_value(json).unwrap();
    assert_eq!(back, report);
    let schema = serde_json::to_value(schemars::schema_for!(CmsReport)).unwrap();
    assert!(schema["properties"]["intact"].is_object());
}

#[test]
fn the_timestamp_authoritys_path_is_judged_at_gen_time() {
    let pki = Pki::new();
    let c = content();
    let built = make_cms(&pki.spec(&c), &|sig: &[u8]| {
        vec![attr(
            &super::oid::TIME_STAMP_TOKEN,
            &pki.token(&[sig], "20240301120005Z"),
        )]
    });
    // The CA revoked the TSA (serial 9) an hour before genTime, and not the signer.
    let mut crl = CrlSpec::new(ca_name(), "240301130000Z", "240401000000Z");
    crl.revoked.push(Revoked {
        serial: vec![9],
        at: "240301110005Z",
        reason: Some(1),
    });
    let dss = [revocation::RawRevocation {
        source: RevocationSource::Dss,
        form: revocation::RawForm::Crl,
        der: make_crl(&crl, &pki.ca_key),
    }];
    let trust = pki.trust();
    let opts = VerifyOptions {
        dss_revocation: &revocation::DssRevocation::new(dss.to_vec()),
        ..VerifyOptions::new(&trust)
    };
    let report = verify_signed_data_with(&built.der, &ranges(), &opts);
    let ts = report.timestamp.unwrap();
    assert_eq!(
        ts.revocation.len(),
        2,
        "the TSA and the CA: {:?}",
        ts.revocation
    );
    assert_eq!(ts.revocation[0].subject, "Test TSA");
    assert_eq!(ts.revocation[0].status, RevocationStatus::Revoked);
    assert!(ts.revocation[0].revoked_before_time);
    // Near miss: the signer, on the same CRL, is not revoked.
    assert_eq!(
        report.revocation.certificates[0].status,
        RevocationStatus::Good
    );
    assert_eq!(
        report.revocation.time.as_deref(),
        Some("2024-03-01T12:00:05Z")
    );
}

#[test]
fn signed_data_crls_carry_a_crl_and_an_ocsp_response_as_other_revocation_info() {
    let pki = Pki::new();
    let c = content();
    let mut spec = pki.spec(&c);
    let basic = pki.ocsp_signer_good();
    let root_crl = root_crl();
    let other = ctx(
        1,
        &[&oid(&super::oid::RI_OCSP_RESPONSE), &ocsp_response(&basic)],
    );
    spec.crls = vec![root_crl, other];
    let report = check(&make_cms(&spec, &no_unsigned).der, &pki.trust());
    assert!(report.intact && report.valid, "{report:?}");
    assert_eq!(report.revocation.cms_crls, 2);
    let got: Vec<_> = report
        .revocation
        .certificates
        .iter()
        .map(|c| (c.status, c.source, c.evidence))
        .collect();
    assert_eq!(
        got,
        [
            (
                RevocationStatus::Good,
                Some(RevocationSource::Cms),
                Some(RevocationEvidence::Ocsp)
            ),
            (
                RevocationStatus::Good,
                Some(RevocationSource::Cms),
                Some(RevocationEvidence::Crl)
            ),
        ]
    );
    // Near miss: another format of other revocation info is counted and not read.
    let mut spec = pki.spec(&c);
    spec.crls = vec![ctx(1, &[&oid(&super::oid::SHA256), &null()])];
    let report = check(&make_cms(&spec, &no_unsigned).der, &pki.trust());
    assert_eq!(report.revocation.cms_crls, 1);
    assert_eq!(
        report.revocation.certificates[0].status,
        RevocationStatus::NoData
    );
}
