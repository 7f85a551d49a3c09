//! Trusted lists end to end: lists signed by xmlsec1 (an independent XMLDSig implementation,
//! `scripts/make-trusted-list.sh`) from this test kit's keys, checked here; anchors taken from
//! them; signers judged qualified or not.
//!
//! The committed lists are `tests/fixtures/trusted-lists/`. When the test kit's keys or the
//! template below change, `fixture_inputs_match_the_test_kit` fails; the script regenerates.

use std::path::PathBuf;

use base64::Engine;
use const_oid::ObjectIdentifier as Oid;

use super::*;
use crate::signature::oid;
use crate::signature::testkit::{
    CertSpec, CmsSpec, TestKey, bits, ctx, int, make_cert, make_cms, name, octets, oid as oid_der,
    pem, seq,
};
use crate::signature::{TrustStore, VerifyOptions, verify_signed_data_with};

/// A test policy OID the list's QCNoSSCD qualification selects by.
const NO_QSCD_POLICY: &str = "1.2.752.99.1";

fn fixtures() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/trusted-lists")
}

/// The keys and certificates of the fixtures.
struct World {
    /// CA of the granted service (qualifiers), of the one withdrawn in 2024, of the one
    /// granted only from 2030, of one never granted.
    cas: Vec<(TestKey, Vec<u8>)>,
    list_signer: (TestKey, Vec<u8>),
    other_signer: (TestKey, Vec<u8>),
}

fn self_signed(seed: u8, cn: &str, ca: bool) -> (TestKey, Vec<u8>) {
    let key = TestKey::p256(seed);
    let n = name(cn, &[(oid::AT_COUNTRY, "SE")]);
    let mut spec = CertSpec::new(u64::from(seed), n.clone(), n);
    spec.ca = ca;
    let cert = make_cert(&spec, &key, &key);
    (key, cert)
}

fn world() -> World {
    World {
        cas: vec![
            self_signed(0x51, "Test QC CA", true),
            self_signed(0x52, "Test Withdrawn CA", true),
            self_signed(0x53, "Test Later CA", true),
            self_signed(0x54, "Test Never CA", true),
        ],
        list_signer: self_signed(0x58, "Test TL Operator", false),
        other_signer: self_signed(0x59, "Someone Else", false),
    }
}

fn b64(der: &[u8]) -> String {
    base64::engine::general_purpose::STANDARD.encode(der)
}

fn service(cert: &[u8], name: &str, status_now: &str, from: &str, extra: &str) -> String {
    format!(
        r#"<TSPService><ServiceInformation><ServiceTypeIdentifier>http://uri.etsi.org/TrstSvc/Svctype/CA/QC</ServiceTypeIdentifier><ServiceName><Name xml:lang="en">{name}</Name></ServiceName><ServiceDigitalIdentity><DigitalId><X509Certificate>{cert}</X509Certificate></DigitalId></ServiceDigitalIdentity><ServiceStatus>http://uri.etsi.org/TrstSvc/TrustedList/Svcstatus/{status_now}</ServiceStatus><StatusStartingTime>{from}</StatusStartingTime>{extra}</TSPService>"#,
        cert = b64(cert)
    )
}

/// The unsigned list, with the XMLDSig/XAdES template xmlsec1 fills in.
fn unsigned_list(w: &World) -> String {
    let qualifications = format!(
        r#"<ServiceInformationExtensions><Extension Critical="true"><ecc:Qualifications><ecc:QualificationElement><ecc:Qualifiers><ecc:Qualifier uri="http://uri.etsi.org/TrstSvc/TrustedList/SvcInfoExt/QCWithSSCD"/><ecc:Qualifier uri="http://uri.etsi.org/TrstSvc/TrustedList/SvcInfoExt/QCForESig"/></ecc:Qualifiers><ecc:CriteriaList assert="atLeastOne"><ecc:KeyUsage><ecc:KeyUsageBit name="nonRepudiation">true</ecc:KeyUsageBit></ecc:KeyUsage></ecc:CriteriaList></ecc:QualificationElement><ecc:QualificationElement><ecc:Qualifiers><ecc:Qualifier uri="http://uri.etsi.org/TrstSvc/TrustedList/SvcInfoExt/QCNoSSCD"/></ecc:Qualifiers><ecc:CriteriaList assert="all"><ecc:PolicySet><ecc:PolicyIdentifier><xades:Identifier>urn:oid:{NO_QSCD_POLICY}</xades:Identifier></ecc:PolicyIdentifier></ecc:PolicySet></ecc:CriteriaList></ecc:QualificationElement></ecc:Qualifications></Extension></ServiceInformationExtensions></ServiceInformation><ServiceHistory><ServiceHistoryInstance><ServiceTypeIdentifier>http://uri.etsi.org/TrstSvc/Svctype/CA/QC</ServiceTypeIdentifier><ServiceName><Name xml:lang="en">Test QC CA</Name></ServiceName><ServiceDigitalIdentity/><ServiceStatus>http://uri.etsi.org/TrstSvc/TrustedList/Svcstatus/undersupervision</ServiceStatus><StatusStartingTime>2010-01-01T00:00:00Z</StatusStartingTime></ServiceHistoryInstance></ServiceHistory>"#
    );
    let withdrawn_history = r#"</ServiceInformation><ServiceHistory><ServiceHistoryInstance><ServiceTypeIdentifier>http://uri.etsi.org/TrstSvc/Svctype/CA/QC</ServiceTypeIdentifier><ServiceName><Name xml:lang="en">Test Withdrawn CA</Name></ServiceName><ServiceDigitalIdentity/><ServiceStatus>http://uri.etsi.org/TrstSvc/TrustedList/Svcstatus/granted</ServiceStatus><StatusStartingTime>2016-07-01T00:00:00Z</StatusStartingTime></ServiceHistoryInstance></ServiceHistory>"#;
    let services = [
        service(
            &w.cas[0].1,
            "Test QC CA",
            "granted",
            "2016-07-01T00:00:00Z",
            &qualifications,
        ),
        service(
            &w.cas[1].1,
            "Test Withdrawn CA",
            "withdrawn",
            "2024-01-01T00:00:00Z",
            withdrawn_history,
        ),
        service(
            &w.cas[2].1,
            "Test Later CA",
            "granted",
            "2030-01-01T00:00:00Z",
            "</ServiceInformation>",
        ),
        service(
            &w.cas[3].1,
            "Test Never CA",
            "withdrawn",
            "2016-07-01T00:00:00Z",
            "</ServiceInformation>",
        ),
    ];
    format!(
        r##"<?xml version="1.0" encoding="UTF-8"?>
<TrustServiceStatusList xmlns="http://uri.etsi.org/02231/v2#" xmlns:ds="http://www.w3.org/2000/09/xmldsig#" xmlns:ecc="http://uri.etsi.org/TrstSvc/SvcInfoExt/eSigDir-1999-93-EC-TrustedList/#" xmlns:xades="http://uri.etsi.org/01903/v1.3.2#" Id="tsl" TSLTag="http://uri.etsi.org/19612/TSLTag">
  <SchemeInformation>
    <TSLVersionIdentifier>5</TSLVersionIdentifier>
    <TSLSequenceNumber>42</TSLSequenceNumber>
    <TSLType>http://uri.etsi.org/TrstSvc/TrustedList/TSLType/EUgeneric</TSLType>
    <SchemeOperatorName><Name xml:lang="en">Test Supervisory Body &amp; Co</Name></SchemeOperatorName>
    <SchemeTerritory>SE</SchemeTerritory>
    <PointersToOtherTSL><OtherTSLPointer><TSLLocation>https://example.invalid/eu-lotl.xml</TSLLocation></OtherTSLPointer></PointersToOtherTSL>
    <ListIssueDateTime>2025-06-01T00:00:00Z</ListIssueDateTime>
    <NextUpdate><dateTime>2025-12-01T00:00:00Z</dateTime></NextUpdate>
  </SchemeInformation>
  <TrustServiceProviderList>
    <TrustServiceProvider><TSPInformation><TSPName><Name xml:lang="en">Test Provider</Name></TSPName></TSPInformation><TSPServices>{services}</TSPServices></TrustServiceProvider>
  </TrustServiceProviderList>
<ds:Signature Id="sig"><ds:SignedInfo><ds:CanonicalizationMethod Algorithm="http://www.w3.org/2001/10/xml-exc-c14n#"/><ds:SignatureMethod Algorithm="http://www.w3.org/2001/04/xmldsig-more#ecdsa-sha256"/><ds:Reference Id="ref-tsl" URI=""><ds:Transforms><ds:Transform Algorithm="http://www.w3.org/2000/09/xmldsig#enveloped-signature"/><ds:Transform Algorithm="http://www.w3.org/2001/10/xml-exc-c14n#"/></ds:Transforms><ds:DigestMethod Algorithm="http://www.w3.org/2001/04/xmlenc#sha256"/><ds:DigestValue/></ds:Reference><ds:Reference URI="#xades-sp" Type="http://uri.etsi.org/01903#SignedProperties"><ds:Transforms><ds:Transform Algorithm="http://www.w3.org/TR/2001/REC-xml-c14n-20010315"/></ds:Transforms><ds:DigestMethod Algorithm="http://www.w3.org/2001/04/xmldsig-more#sha384"/><ds:DigestValue/></ds:Reference></ds:SignedInfo><ds:SignatureValue/><ds:KeyInfo><ds:X509Data/></ds:KeyInfo><ds:Object><xades:QualifyingProperties Target="#sig"><xades:SignedProperties Id="xades-sp"><xades:SignedSignatureProperties><xades:SigningTime>2025-06-01T00:00:00Z</xades:SigningTime></xades:SignedSignatureProperties></xades:SignedProperties></xades:QualifyingProperties></ds:Object></ds:Signature></TrustServiceStatusList>
"##,
        services = services.concat()
    )
}

/// PEM of a P-256 test key as SEC1 `ECPrivateKey` (RFC 5915), for xmlsec1.
fn ec_private_key_pem(seed: u8) -> String {
    let mut scalar = [0u8; 32];
    scalar[0] = 0x11;
    scalar[31] = seed;
    let TestKey::P256(key) = TestKey::p256(seed) else {
        unreachable!("p256 makes a P-256 key")
    };
    let point = key.verifying_key().to_encoded_point(false);
    let der = seq(&[
        &int(1),
        &octets(&scalar),
        &ctx(0, &[&oid_der(&oid::SECP256R1)]),
        &ctx(1, &[&bits(point.as_bytes())]),
    ]);
    let body = b64(&der)
        .as_bytes()
        .chunks(64)
        .map(|c| String::from_utf8_lossy(c).into_owned())
        .collect::<Vec<_>>()
        .join("\n");
    format!("-----BEGIN EC PRIVATE KEY-----\n{body}\n-----END EC PRIVATE KEY-----\n")
}

/// Writes the script's inputs when `ARKIVAR_WRITE_TRUSTED_LIST_INPUTS` names a folder, and
/// checks that the committed fixtures were made from these keys and this template.
#[test]
fn fixture_inputs_match_the_test_kit() {
    let w = world();
    if let Some(dir) = std::env::var_os("ARKIVAR_WRITE_TRUSTED_LIST_INPUTS") {
        let dir = PathBuf::from(dir);
        std::fs::write(dir.join("unsigned.xml"), unsigned_list(&w)).expect("write");
        std::fs::write(dir.join("signer-key.pem"), ec_private_key_pem(0x58)).expect("write");
        std::fs::write(dir.join("other-key.pem"), ec_private_key_pem(0x59)).expect("write");
        std::fs::write(dir.join("signer.pem"), pem(&w.list_signer.1)).expect("write");
        std::fs::write(dir.join("other-signer.pem"), pem(&w.other_signer.1)).expect("write");
    }
    let committed = std::fs::read_to_string(fixtures().join("signer.pem")).expect("signer.pem");
    assert_eq!(
        committed,
        pem(&w.list_signer.1),
        "run scripts/make-trusted-list.sh"
    );
    let list = std::fs::read_to_string(fixtures().join("se.xml")).expect("se.xml");
    for (_, ca) in &w.cas {
        assert!(list.contains(&b64(ca)), "run scripts/make-trusted-list.sh");
    }
}

fn signer_certs(w: &World) -> Vec<Certificate> {
    vec![Certificate::parse(&w.list_signer.1).expect("reads")]
}

fn good_list() -> Vec<u8> {
    std::fs::read(fixtures().join("se.xml")).expect("se.xml")
}

#[test]
fn a_list_signed_by_its_operator_is_read() {
    let w = world();
    let (list, facts) = verify_bytes(&good_list(), &signer_certs(&w)).expect("verifies");
    assert_eq!(list.territory, "SE");
    assert_eq!(list.sequence_number, Some(42));
    assert_eq!(list.operator, "Test Supervisory Body & Co");
    assert_eq!(list.pointers, vec!["https://example.invalid/eu-lotl.xml"]);
    assert_eq!(list.services.len(), 4);
    assert_eq!(facts.references, 2);
    assert!(facts.signed_properties);
    assert!(facts.method.ends_with("ecdsa-sha256"));
    let qc = &list.services[0];
    assert_eq!(qc.provider, "Test Provider");
    assert_eq!(qc.entries.len(), 2);
    assert_eq!(qc.entries[0].qualifications.len(), 2);
    assert_eq!(
        qc.entries[1].status,
        ServiceStatus::GrantedBeforeEidas("undersupervision".into())
    );
    // The list also verifies against the certificate it carries.
    assert!(verify_against_own_certificate(&good_list()).is_ok());
}

#[test]
fn a_changed_byte_refuses_the_list() {
    let w = world();
    let mut bytes = good_list();
    let at = crate::signature::testkit::find(&bytes, b"Test Provider").expect("provider");
    bytes[at] = b'B';
    match verify_bytes(&bytes, &signer_certs(&w)) {
        Err(TrustedListFailure::Signature(DsigError::DigestMismatch { uri })) => {
            assert_eq!(uri, "")
        }
        other => panic!("expected a digest mismatch, got {other:?}"),
    }
    // A changed signed property is caught by its own reference.
    let mut bytes = good_list();
    let at = crate::signature::testkit::find(&bytes, b"<xades:SigningTime>2025").expect("time");
    bytes[at + 20] = b'3';
    assert!(matches!(
        verify_bytes(&bytes, &signer_certs(&w)),
        Err(TrustedListFailure::Signature(
            DsigError::DigestMismatch { .. }
        ))
    ));
}

#[test]
fn a_list_signed_by_another_certificate_is_refused() {
    let w = world();
    let bytes = std::fs::read(fixtures().join("se-other-signer.xml")).expect("fixture");
    match verify_bytes(&bytes, &signer_certs(&w)) {
        Err(TrustedListFailure::Signature(DsigError::OtherSigner { subject })) => {
            assert!(subject.contains("Someone Else"), "{subject}")
        }
        other => panic!("expected another signer, got {other:?}"),
    }
    // Near miss: configured with that certificate, it verifies.
    let other = Certificate::parse(&w.other_signer.1).expect("reads");
    assert!(verify_bytes(&bytes, &[other]).is_ok());
}

#[test]
fn loading_names_the_file_and_the_reason() {
    let dir = tempfile::tempdir().expect("temporary folder");
    let list = dir.path().join("se.xml");
    let mut bytes = good_list();
    let at = crate::signature::testkit::find(&bytes, b"Test Never CA").expect("service");
    bytes[at + 5] = b'X';
    std::fs::write(&list, &bytes).expect("write");
    let error = load(&list, &fixtures().join("signer.pem")).expect_err("changed");
    let message = error.to_string();
    assert!(message.contains(&list.display().to_string()), "{message}");
    assert!(message.contains("digest"), "{message}");
    let missing =
        load(&dir.path().join("gone.xml"), &fixtures().join("signer.pem")).expect_err("missing");
    assert!(matches!(missing.cause, TrustedListFailure::Io(_)));
    let loaded = load(&fixtures().join("se.xml"), &fixtures().join("signer.pem")).expect("good");
    let next = loaded.list.next_update.expect("next update");
    assert!(
        loaded.expired_at(
            next.checked_add(jiff::SignedDuration::from_secs(1))
                .unwrap()
        )
    );
    assert!(!loaded.expired_at(next));
}

fn store() -> TrustStore {
    let loaded = load(&fixtures().join("se.xml"), &fixtures().join("signer.pem")).expect("good");
    let mut store = TrustStore::new();
    store.add_trusted_list(&loaded);
    store
}

#[test]
fn granted_services_become_anchors_and_never_granted_ones_do_not() {
    let w = world();
    let store = store();
    // QC CA, Withdrawn CA (granted 2016–2024), Later CA (from 2030); not Never CA.
    assert_eq!(store.len(), 3);
    let cert = |i: usize| Certificate::parse(&w.cas[i].1).expect("reads");
    assert!(store.listed_services(&cert(3)).is_empty());
    let t = |s: &str| s.parse::<jiff::Timestamp>().expect("time");
    use crate::signature::trust::JudgedTime::{Claimed, Proven};
    assert!(store.anchor_trusted_at(&cert(1), Proven(t("2022-01-01T00:00:00Z"))));
    assert!(!store.anchor_trusted_at(&cert(1), Proven(t("2024-03-01T00:00:00Z"))));
    // A claimed time is the signer's word: the service must be granted now as well.
    assert!(!store.anchor_trusted_at(&cert(1), Claimed(t("2022-01-01T00:00:00Z"))));
    assert!(!store.anchor_trusted_at(&cert(2), Proven(t("2025-01-01T00:00:00Z"))));
    assert!(store.anchor_trusted_at(&cert(2), Proven(t("2031-01-01T00:00:00Z"))));
    // Before eIDAS, "undersupervision" counted as granted.
    assert!(store.anchor_trusted_at(&cert(0), Proven(t("2012-01-01T00:00:00Z"))));
    assert!(store.anchor_trusted_at(&cert(0), Claimed(t("2012-01-01T00:00:00Z"))));
}

fn qc_statements_extension() -> Vec<u8> {
    seq(&[
        &oid_der(&oid::EXT_QC_STATEMENTS),
        &octets(&seq(&[&seq(&[&oid_der(&oid::QCS_COMPLIANCE)])])),
    ])
}

fn policies_extension(policy: &str) -> Vec<u8> {
    let policy = Oid::new_unwrap(policy);
    seq(&[
        &oid_der(&oid::EXT_CERTIFICATE_POLICIES),
        &octets(&seq(&[&seq(&[&oid_der(&policy)])])),
    ])
}

/// Signs with a leaf issued by CA `ca` at `signing_time` and returns the signer's
/// qualification and whether it is trusted.
fn sign(ca: usize, extensions: Vec<Vec<u8>>, signing_time: &str) -> (Qualification, bool) {
    sign_stamped(ca, extensions, signing_time, None)
}

/// As [`sign`], with a signature timestamp at `stamped_at` (GeneralizedTime) by a TSA whose
/// certificate the QC CA (granted now) issued: a proof that the signature existed then.
fn sign_stamped(
    ca: usize,
    extensions: Vec<Vec<u8>>,
    signing_time: &str,
    stamped_at: Option<&str>,
) -> (Qualification, bool) {
    let w = world();
    let (ca_key, ca_cert) = &w.cas[ca];
    let ca_name = Certificate::parse(ca_cert).expect("reads").subject.raw;
    let key = TestKey::p256(0x60);
    let mut spec = CertSpec::new(0x600, name("Anna Andersson", &[]), ca_name);
    spec.extensions = extensions;
    let leaf = make_cert(&spec, &key, ca_key);
    let tsa_key = TestKey::p256(0x62);
    let qc_ca_name = Certificate::parse(&w.cas[0].1).expect("reads").subject.raw;
    let tsa = make_cert(
        &CertSpec::new(0x620, name("Test TSA", &[]), qc_ca_name),
        &tsa_key,
        &w.cas[0].0,
    );
    let content = b"minutes".to_vec();
    let mut cms = CmsSpec::new(&key, &leaf, &content);
    cms.signing_time = Some(signing_time);
    let built = make_cms(&cms, &|sig: &[u8]| {
        let Some(at) = stamped_at else {
            return Vec::new();
        };
        let mut spec = CmsSpec::new(&tsa_key, &tsa, b"");
        spec.econtent = Some((
            oid::ID_CT_TST_INFO,
            crate::signature::testkit::tst_info(&[sig], at),
        ));
        spec.signing_time = None;
        let token = make_cms(&spec, &|_| Vec::new()).der;
        vec![crate::signature::testkit::attr(
            &oid::TIME_STAMP_TOKEN,
            &token,
        )]
    });
    let store = store();
    let report = verify_signed_data_with(&built.der, &[&content], &VerifyOptions::new(&store));
    assert!(report.intact && report.valid, "{:?}", report.error);
    let signer = report.signer.expect("signer");
    (signer.qualified, report.trusted)
}

#[test]
fn qcwithsscd_and_qcforesig_make_a_qualified_electronic_signature() {
    let (q, trusted) = sign(0, vec![qc_statements_extension()], "250301120000Z");
    assert!(trusted);
    assert_eq!(q.status, QualificationStatus::QualifiedEsig, "{}", q.basis);
    assert_eq!(q.territory.as_deref(), Some("SE"));
    assert_eq!(q.service.as_deref(), Some("Test QC CA"));
    // Near miss: without QCStatements (no QcCompliance) and no QCStatement qualifier, the
    // certificate is not qualified.
    let (q, trusted) = sign(0, vec![], "250301120000Z");
    assert!(trusted);
    assert_eq!(q.status, QualificationStatus::NotQualified, "{}", q.basis);
}

#[test]
fn qcnosscd_is_not_a_qualified_signature() {
    let (q, _) = sign(
        0,
        vec![
            qc_statements_extension(),
            policies_extension(NO_QSCD_POLICY),
        ],
        "250301120000Z",
    );
    assert_eq!(q.status, QualificationStatus::QualifiedOther, "{}", q.basis);
    // Near miss: another policy is not selected by that qualification.
    let (q, _) = sign(
        0,
        vec![
            qc_statements_extension(),
            policies_extension("1.2.752.99.2"),
        ],
        "250301120000Z",
    );
    assert_eq!(q.status, QualificationStatus::QualifiedEsig, "{}", q.basis);
}

#[test]
fn a_service_withdrawn_or_not_yet_granted_at_signing_is_not_qualified_nor_trusted() {
    let (q, trusted) = sign(1, vec![qc_statements_extension()], "240301120000Z");
    assert!(!trusted);
    assert_eq!(q.status, QualificationStatus::NotQualified, "{}", q.basis);
    assert!(q.basis.contains("withdrawn"), "{}", q.basis);
    // Claiming to have signed while it was granted is not enough: the claim is the signer's.
    let (q, trusted) = sign(1, vec![qc_statements_extension()], "220301120000Z");
    assert!(!trusted);
    assert_eq!(q.status, QualificationStatus::NotQualified, "{}", q.basis);
    assert!(q.basis.contains("no timestamp proves"), "{}", q.basis);
    // Near miss: a timestamp proves it was signed while the service was granted.
    let (q, trusted) = sign_stamped(
        1,
        vec![qc_statements_extension()],
        "220301120000Z",
        Some("20220301120005Z"),
    );
    assert!(trusted);
    // That service has no qualifiers and the certificate states no QSCD: a qualified
    // certificate, not a qualified signature.
    assert_eq!(q.status, QualificationStatus::QualifiedOther, "{}", q.basis);
    // Granted only from 2030: not on the list when signed in 2025.
    let (q, trusted) = sign(2, vec![qc_statements_extension()], "250301120000Z");
    assert!(!trusted);
    assert_eq!(q.status, QualificationStatus::NotQualified, "{}", q.basis);
}

#[test]
fn a_timestamp_is_trusted_only_while_its_services_anchor_was_granted() {
    let w = world();
    let (ca_key, ca_cert) = &w.cas[1];
    let ca_name = Certificate::parse(ca_cert).expect("reads").subject.raw;
    let tsa_key = TestKey::p256(0x61);
    let tsa = make_cert(
        &CertSpec::new(0x610, name("Test TSA", &[]), ca_name),
        &tsa_key,
        ca_key,
    );
    let store = store();
    let trusted_at = |gen_at: &str| {
        let mut spec = CmsSpec::new(&tsa_key, &tsa, b"");
        spec.econtent = Some((
            oid::ID_CT_TST_INFO,
            crate::signature::testkit::tst_info(&[b"signature value"], gen_at),
        ));
        spec.signing_time = None;
        let token = make_cms(&spec, &|_| Vec::new()).der;
        let outcome = crate::signature::timestamp::check_token(
            &token,
            &[b"signature value"],
            &VerifyOptions::new(&store),
        );
        assert!(outcome.report.intact && outcome.report.valid);
        outcome.report.trusted
    };
    // The Withdrawn CA was granted from 2016 until 2024.
    assert!(trusted_at("20220301120000Z"));
    assert!(!trusted_at("20240301120000Z"));
}

#[test]
fn without_a_trusted_list_qualification_is_unknown() {
    let w = world();
    let key = TestKey::p256(0x60);
    let ca_name = Certificate::parse(&w.cas[0].1).expect("reads").subject.raw;
    let mut spec = CertSpec::new(0x600, name("Anna Andersson", &[]), ca_name);
    spec.extensions = vec![qc_statements_extension()];
    let leaf = make_cert(&spec, &key, &w.cas[0].0);
    let content = b"minutes".to_vec();
    let built = make_cms(&CmsSpec::new(&key, &leaf, &content), &|_| Vec::new());
    // The CA as a PEM anchor: trusted, but the certificate's own word makes nothing qualified.
    let mut store = TrustStore::new();
    store.add_der(&w.cas[0].1).expect("reads");
    let report = verify_signed_data_with(&built.der, &[&content], &VerifyOptions::new(&store));
    assert!(report.trusted);
    let q = report.signer.expect("signer").qualified;
    assert_eq!(q.status, QualificationStatus::Unknown);
}

/// Real lists (e.g. from the EU's DSS test resources), read from the folder named by
/// `ARKIVAR_REAL_TRUSTED_LISTS`: each must parse and verify against its own certificate.
#[test]
fn real_trusted_lists_verify_against_their_own_certificates() {
    let Some(dir) = std::env::var_os("ARKIVAR_REAL_TRUSTED_LISTS") else {
        println!("ARKIVAR_REAL_TRUSTED_LISTS not set: real trusted lists not checked");
        return;
    };
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .expect("folder")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|e| e == "xml"))
        .collect();
    files.sort();
    let (mut verified, mut refused) = (0, 0);
    for file in &files {
        let bytes = std::fs::read(file).expect("read");
        match verify_against_own_certificate(&bytes) {
            Ok((list, facts)) => {
                verified += 1;
                println!(
                    "{}: {} seq {:?}, {} services, {} pointers, {} references, {}",
                    file.display(),
                    list.territory,
                    list.sequence_number,
                    list.services.len(),
                    list.pointers.len(),
                    facts.references,
                    facts.method
                );
            }
            Err(e) => {
                refused += 1;
                println!("{}: refused: {e}", file.display());
            }
        }
    }
    println!("{verified} verified, {refused} refused of {}", files.len());
}
