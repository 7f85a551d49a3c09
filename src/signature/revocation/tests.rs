//! Each rule of [`super::status`] with a case that passes it and a near miss, on CRLs and OCSP
//! responses built in code ([`crate::signature::testkit`]), and hostile bytes.

use jiff::Timestamp;

use super::super::certificate::Certificate;
use super::super::report::{
    CertificateRevocation, RefusalReason, RevocationEvidence, RevocationInfo, RevocationReason,
    RevocationSource, RevocationStatus,
};
use super::super::testkit::*;
use super::crl::Crl;
use super::ocsp::BasicOcsp;
use super::{RawForm, RawRevocation, RevocationError, chain_status, gather};
use crate::signature::algorithm::DigestAlgorithm;

/// The signing time the statuses are judged at.
const T: &str = "2024-03-01T12:00:00Z";
const SIGNER_SERIAL: [u8; 4] = [0x01, 0x23, 0x45, 0x67];

fn crl_item(der: Vec<u8>) -> RawRevocation {
    RawRevocation {
        source: RevocationSource::Dss,
        form: RawForm::Crl,
        der,
    }
}

fn ocsp_item(basic: Vec<u8>) -> RawRevocation {
    RawRevocation {
        source: RevocationSource::Archival,
        form: RawForm::OcspResponse,
        der: ocsp_response(&basic),
    }
}

/// The statuses of the signer and the issuing CA at `time`, from `raw`, with `pool` as the
/// certificates the file carries besides the path.
fn judge_at(
    pki: &Pki,
    raw: &[RawRevocation],
    pool: &[Vec<u8>],
    time: &str,
) -> Vec<CertificateRevocation> {
    let signer = Certificate::parse(&pki.signer).unwrap();
    let ca = Certificate::parse(&pki.ca).unwrap();
    let root = Certificate::parse(&pki.root).unwrap();
    let pool: Vec<Certificate> = pool
        .iter()
        .map(|d| Certificate::parse(d).unwrap())
        .collect();
    let mut info = RevocationInfo::default();
    let items = gather(raw, &mut info);
    assert_eq!(info.unreadable, 0, "every test item reads");
    let t: Timestamp = time.parse().unwrap();
    let items: Vec<_> = items.iter().collect();
    chain_status(&[&signer, &ca, &root], &pool, &items, Some(t))
}

fn judge(pki: &Pki, raw: &[RawRevocation]) -> CertificateRevocation {
    judge_at(pki, raw, &[], T).remove(0)
}

fn refusals(c: &CertificateRevocation) -> Vec<RefusalReason> {
    c.refused.iter().map(|r| r.reason).collect()
}

fn ca_crl(pki: &Pki, revoked: &[(&[u8], &str)], this: &str, next: &str) -> Vec<u8> {
    let mut spec = CrlSpec::new(ca_name(), this, next);
    for (serial, at) in revoked {
        spec.revoked.push(Revoked {
            serial: serial.to_vec(),
            at,
            reason: Some(4),
        });
    }
    make_crl(&spec, &pki.ca_key)
}

#[test]
fn the_root_is_left_out_and_its_crl_answers_for_the_ca() {
    let pki = Pki::new();
    let got = judge_at(&pki, &[crl_item(root_crl())], &[], T);
    assert_eq!(got.len(), 2);
    // The root's CRL is about certificates the root issued: the CA's, not the signer's.
    assert_eq!(got[0].status, RevocationStatus::NoData);
    assert_eq!(got[1].subject, "Test Issuing CA");
    assert_eq!(got[1].status, RevocationStatus::Good);
}

#[test]
fn crl_not_listing_the_certificate_is_good_and_listing_it_is_revoked() {
    let pki = Pki::new();
    let good = judge(
        &pki,
        &[crl_item(ca_crl(
            &pki,
            &[],
            "240201000000Z",
            "240401000000Z",
        ))],
    );
    assert_eq!(good.status, RevocationStatus::Good);
    assert_eq!(good.evidence, Some(RevocationEvidence::Crl));
    assert_eq!(good.source, Some(RevocationSource::Dss));
    assert_eq!(good.this_update.as_deref(), Some("2024-02-01T00:00:00Z"));
    assert_eq!(good.next_update.as_deref(), Some("2024-04-01T00:00:00Z"));
    let listed = ca_crl(
        &pki,
        &[(&SIGNER_SERIAL, "240101000000Z")],
        "240201000000Z",
        "240401000000Z",
    );
    let revoked = judge(&pki, &[crl_item(listed)]);
    assert_eq!(revoked.status, RevocationStatus::Revoked);
    assert_eq!(revoked.revoked_at.as_deref(), Some("2024-01-01T00:00:00Z"));
    assert_eq!(revoked.reason, Some(RevocationReason::Superseded));
    assert!(revoked.revoked_before_time);
}

#[test]
fn revoked_after_the_time_is_revoked_but_not_before_it() {
    let pki = Pki::new();
    let crl = ca_crl(
        &pki,
        &[(&SIGNER_SERIAL, "240601000000Z")],
        "240701000000Z",
        "240801000000Z",
    );
    let got = judge(&pki, &[crl_item(crl)]);
    assert_eq!(got.status, RevocationStatus::Revoked);
    assert!(!got.revoked_before_time);
    // Near miss: the same revocation judged at a later time is before it.
    let crl = ca_crl(
        &pki,
        &[(&SIGNER_SERIAL, "240601000000Z")],
        "240701000000Z",
        "240801000000Z",
    );
    let later = judge_at(&pki, &[crl_item(crl)], &[], "2024-06-01T00:00:00Z").remove(0);
    assert!(
        later.revoked_before_time,
        "at the revocation instant it is revoked"
    );
}

#[test]
fn another_certificates_serial_or_another_issuers_crl_says_nothing_against_it() {
    let pki = Pki::new();
    // Another serial of the same CA: the signer is not listed.
    let crl = ca_crl(
        &pki,
        &[(&[0x01, 0x23, 0x45, 0x68], "240101000000Z")],
        "240201000000Z",
        "240401000000Z",
    );
    assert_eq!(judge(&pki, &[crl_item(crl)]).status, RevocationStatus::Good);
    // The signer's serial on a CRL of another issuer (signed with the CA's key, even).
    let mut spec = CrlSpec::new(name("Other CA", &[]), "240201000000Z", "240401000000Z");
    spec.revoked.push(Revoked {
        serial: SIGNER_SERIAL.to_vec(),
        at: "240101000000Z",
        reason: None,
    });
    let other = judge(&pki, &[crl_item(make_crl(&spec, &pki.ca_key))]);
    assert_eq!(other.status, RevocationStatus::NoData);
    assert!(other.refused.is_empty());
}

#[test]
fn crl_not_signed_by_the_issuing_ca_is_refused() {
    let pki = Pki::new();
    let spec = CrlSpec::new(ca_name(), "240201000000Z", "240401000000Z");
    let forged = judge(&pki, &[crl_item(make_crl(&spec, &TestKey::p256(9)))]);
    assert_eq!(forged.status, RevocationStatus::Unknown);
    assert_eq!(forged.source, None);
    assert_eq!(refusals(&forged), [RefusalReason::BadSignature]);
    // A flipped bit in the CA's own CRL.
    let mut der = make_crl(&spec, &pki.ca_key);
    let at = find(&der, b"240201000000Z").unwrap();
    der[at + 3] ^= 0x01;
    let flipped = judge(&pki, &[crl_item(der)]);
    assert_eq!(refusals(&flipped), [RefusalReason::BadSignature]);
    // Near miss: the CA's own CRL.
    assert_eq!(
        judge(&pki, &[crl_item(make_crl(&spec, &pki.ca_key))]).status,
        RevocationStatus::Good
    );
}

#[test]
fn stale_crl_is_refused_and_a_later_one_counts() {
    let pki = Pki::new();
    let stale = judge(
        &pki,
        &[crl_item(ca_crl(
            &pki,
            &[],
            "240101000000Z",
            "240201000000Z",
        ))],
    );
    assert_eq!(stale.status, RevocationStatus::Unknown);
    assert_eq!(refusals(&stale), [RefusalReason::Stale]);
    // Near misses: valid until after the time, or issued after it.
    let current = judge(
        &pki,
        &[crl_item(ca_crl(
            &pki,
            &[],
            "240101000000Z",
            "240302000000Z",
        ))],
    );
    assert_eq!(current.status, RevocationStatus::Good);
    let later = judge(
        &pki,
        &[crl_item(ca_crl(
            &pki,
            &[],
            "240501000000Z",
            "240601000000Z",
        ))],
    );
    assert_eq!(later.status, RevocationStatus::Good);
    // A stale CRL that lists the certificate still proves the revocation.
    let listed = ca_crl(
        &pki,
        &[(&SIGNER_SERIAL, "231201000000Z")],
        "240101000000Z",
        "240201000000Z",
    );
    assert_eq!(
        judge(&pki, &[crl_item(listed)]).status,
        RevocationStatus::Revoked
    );
}

#[test]
fn crl_after_expiry_delta_or_partial_proves_no_good() {
    let pki = Pki::new();
    // The signer's certificate ends 2025-12-31.
    let after = judge(
        &pki,
        &[crl_item(ca_crl(
            &pki,
            &[],
            "260105000000Z",
            "260205000000Z",
        ))],
    );
    assert_eq!(refusals(&after), [RefusalReason::IssuedAfterExpiry]);
    let mut delta = CrlSpec::new(ca_name(), "240201000000Z", "240401000000Z");
    delta.extensions.push(seq(&[
        &oid(&crate::signature::oid::EXT_DELTA_CRL_INDICATOR),
        &octets(&int(7)),
    ]));
    let got = judge(&pki, &[crl_item(make_crl(&delta, &pki.ca_key))]);
    assert_eq!(refusals(&got), [RefusalReason::PartialCrl]);
    // CA certificates only: says nothing of the signer's.
    let mut ca_only = CrlSpec::new(ca_name(), "240201000000Z", "240401000000Z");
    ca_only.extensions.push(seq(&[
        &oid(&crate::signature::oid::EXT_ISSUING_DISTRIBUTION_POINT),
        &boolean(true),
        &octets(&seq(&[&[0x82, 0x01, 0xff]])),
    ]));
    let got = judge(&pki, &[crl_item(make_crl(&ca_only, &pki.ca_key))]);
    assert_eq!(refusals(&got), [RefusalReason::PartialCrl]);
    // Near miss: user certificates only covers the signer's.
    let mut users = CrlSpec::new(ca_name(), "240201000000Z", "240401000000Z");
    users.extensions.push(seq(&[
        &oid(&crate::signature::oid::EXT_ISSUING_DISTRIBUTION_POINT),
        &octets(&seq(&[&[0x81, 0x01, 0xff]])),
    ]));
    let got = judge(&pki, &[crl_item(make_crl(&users, &pki.ca_key))]);
    assert_eq!(got.status, RevocationStatus::Good);
}

/// An OCSP answer about the signer's certificate, by the issuing CA itself.
fn by_ca(pki: &Pki, answer: OcspAnswer<'_>) -> Vec<u8> {
    pki.ocsp_by_ca(Single::new(&pki.signer, &pki.ca, answer))
}

#[test]
fn ocsp_by_the_ca_itself_good_revoked_unknown() {
    let pki = Pki::new();
    let good = judge(&pki, &[ocsp_item(by_ca(&pki, OcspAnswer::Good))]);
    assert_eq!(good.status, RevocationStatus::Good);
    assert_eq!(good.evidence, Some(RevocationEvidence::Ocsp));
    assert_eq!(good.source, Some(RevocationSource::Archival));
    let revoked = judge(
        &pki,
        &[ocsp_item(by_ca(
            &pki,
            OcspAnswer::Revoked("20240215000000Z", Some(1)),
        ))],
    );
    assert_eq!(revoked.status, RevocationStatus::Revoked);
    assert_eq!(revoked.revoked_at.as_deref(), Some("2024-02-15T00:00:00Z"));
    assert_eq!(revoked.reason, Some(RevocationReason::KeyCompromise));
    assert!(revoked.revoked_before_time);
    let unknown = judge(&pki, &[ocsp_item(by_ca(&pki, OcspAnswer::Unknown))]);
    assert_eq!(unknown.status, RevocationStatus::Unknown);
    assert_eq!(unknown.source, Some(RevocationSource::Archival));
    assert!(unknown.refused.is_empty());
}

#[test]
fn ocsp_by_a_delegated_responder_needs_the_ocsp_signing_purpose() {
    let pki = Pki::new();
    let key = TestKey::p256(20);
    let delegated = responder_cert(&pki, &key, true);
    let response = |cert: &[u8]| {
        make_basic_ocsp(
            Responder::Key(cert),
            "20240301110000Z",
            &[Single::new(&pki.signer, &pki.ca, OcspAnswer::Good)],
            &[cert],
            &key,
        )
    };
    let got = judge(&pki, &[ocsp_item(response(&delegated))]);
    assert_eq!(got.status, RevocationStatus::Good, "{got:?}");
    // The responder's certificate from the file's pool rather than the response works too.
    let bare = make_basic_ocsp(
        Responder::Name(&delegated),
        "20240301110000Z",
        &[Single::new(&pki.signer, &pki.ca, OcspAnswer::Good)],
        &[],
        &key,
    );
    let got = judge_at(
        &pki,
        &[ocsp_item(bare.clone())],
        std::slice::from_ref(&delegated),
        T,
    )
    .remove(0);
    assert_eq!(got.status, RevocationStatus::Good);
    // Near misses: without its certificate, or one without id-kp-OCSPSigning.
    let got = judge(&pki, &[ocsp_item(bare)]);
    assert_eq!(refusals(&got), [RefusalReason::UnauthorisedResponder]);
    let plain = responder_cert(&pki, &key, false);
    let got = judge(&pki, &[ocsp_item(response(&plain))]);
    assert_eq!(got.status, RevocationStatus::Unknown);
    assert_eq!(refusals(&got), [RefusalReason::UnauthorisedResponder]);
}

#[test]
fn ocsp_by_an_unauthorised_key_is_refused() {
    let pki = Pki::new();
    // A responder with the purpose, but issued by another CA (self-signed here).
    let key = TestKey::p256(21);
    let mut spec = CertSpec::new(
        78,
        name("Rogue Responder", &[]),
        name("Rogue Responder", &[]),
    );
    spec.extensions.push(ocsp_signing_eku());
    let rogue = make_cert(&spec, &key, &key);
    let basic = make_basic_ocsp(
        Responder::Name(&rogue),
        "20240301110000Z",
        &[Single::new(&pki.signer, &pki.ca, OcspAnswer::Good)],
        &[&rogue],
        &key,
    );
    let got = judge(&pki, &[ocsp_item(basic)]);
    assert_eq!(refusals(&got), [RefusalReason::UnauthorisedResponder]);
    // Naming the CA as responder but signed by another key: the CA's key does not verify it.
    let forged = make_basic_ocsp(
        Responder::Name(&pki.ca),
        "20240301110000Z",
        &[Single::new(&pki.signer, &pki.ca, OcspAnswer::Good)],
        &[],
        &key,
    );
    let got = judge(&pki, &[ocsp_item(forged)]);
    assert_eq!(got.status, RevocationStatus::Unknown);
    assert_eq!(refusals(&got), [RefusalReason::BadSignature]);
}

#[test]
fn ocsp_about_another_certificate_says_nothing() {
    let pki = Pki::new();
    // The TSA's certificate, same issuer: another serial.
    let basic = pki.ocsp_by_ca(Single::new(
        &pki.tsa,
        &pki.ca,
        OcspAnswer::Revoked("20240101000000Z", None),
    ));
    assert_eq!(
        judge(&pki, &[ocsp_item(basic)]).status,
        RevocationStatus::NoData
    );
    // The signer's serial, but the CertID hashes another issuer's key (the root's).
    let basic = pki.ocsp_by_ca(Single::new(
        &pki.signer,
        &pki.root,
        OcspAnswer::Revoked("20240101000000Z", None),
    ));
    assert_eq!(
        judge(&pki, &[ocsp_item(basic)]).status,
        RevocationStatus::NoData
    );
    // Near miss: a CertID hashed with SHA-256 is matched.
    let mut single = Single::new(&pki.signer, &pki.ca, OcspAnswer::Good);
    single.hash = DigestAlgorithm::Sha256;
    let basic = pki.ocsp_by_ca(single);
    assert_eq!(
        judge(&pki, &[ocsp_item(basic)]).status,
        RevocationStatus::Good
    );
}

#[test]
fn ocsp_for_a_certificate_whose_issuer_is_off_the_path_is_refused_not_ignored() {
    let pki = Pki::new();
    let signer = Certificate::parse(&pki.signer).unwrap();
    let t: Timestamp = T.parse().unwrap();
    let status_alone = |basic: Vec<u8>| {
        let mut info = RevocationInfo::default();
        let items = gather(&[ocsp_item(basic)], &mut info);
        let items: Vec<_> = items.iter().collect();
        // The path stops at the signer: its issuer is not among the file's certificates.
        chain_status(&[&signer], &[], &items, Some(t)).remove(0)
    };
    let got = status_alone(by_ca(&pki, OcspAnswer::Good));
    assert_eq!(got.status, RevocationStatus::Unknown);
    assert_eq!(refusals(&got), [RefusalReason::IssuerUnknown]);
    assert_eq!(got.source, None);
    // Near miss: an answer about another certificate of the same issuer is no data about it.
    let other = pki.ocsp_by_ca(Single::new(&pki.tsa, &pki.ca, OcspAnswer::Good));
    let got = status_alone(other);
    assert_eq!(got.status, RevocationStatus::NoData);
    assert!(got.refused.is_empty());
}

#[test]
fn stale_ocsp_good_is_refused_and_a_later_one_counts() {
    let pki = Pki::new();
    let answer = |this: &'static str, next: Option<&'static str>| {
        let mut single = Single::new(&pki.signer, &pki.ca, OcspAnswer::Good);
        single.this_update = this;
        single.next_update = next;
        make_basic_ocsp(Responder::Name(&pki.ca), this, &[single], &[], &pki.ca_key)
    };
    let got = judge(
        &pki,
        &[ocsp_item(answer(
            "20240201000000Z",
            Some("20240208000000Z"),
        ))],
    );
    assert_eq!(refusals(&got), [RefusalReason::Stale]);
    let got = judge(&pki, &[ocsp_item(answer("20240301112959Z", None))]);
    assert_eq!(
        refusals(&got),
        [RefusalReason::Stale],
        "no nextUpdate: 30 minutes"
    );
    let got = judge(&pki, &[ocsp_item(answer("20240301113000Z", None))]);
    assert_eq!(
        got.status,
        RevocationStatus::Good,
        "fetched just before signing"
    );
    // Near misses: issued after the time, or valid across it.
    let got = judge(&pki, &[ocsp_item(answer("20240302000000Z", None))]);
    assert_eq!(got.status, RevocationStatus::Good);
    let got = judge(
        &pki,
        &[ocsp_item(answer(
            "20240228000000Z",
            Some("20240302000000Z"),
        ))],
    );
    assert_eq!(got.status, RevocationStatus::Good);
}

#[test]
fn a_revocation_wins_over_a_good_answer_and_the_earliest_counts() {
    let pki = Pki::new();
    let good = ocsp_item(by_ca(&pki, OcspAnswer::Good));
    let late = crl_item(ca_crl(
        &pki,
        &[(&SIGNER_SERIAL, "240601000000Z")],
        "240701000000Z",
        "240801000000Z",
    ));
    let early = ocsp_item(by_ca(&pki, OcspAnswer::Revoked("20240201000000Z", None)));
    let got = judge(&pki, &[good, late, early]);
    assert_eq!(got.status, RevocationStatus::Revoked);
    assert_eq!(got.revoked_at.as_deref(), Some("2024-02-01T00:00:00Z"));
    assert_eq!(got.evidence, Some(RevocationEvidence::Ocsp));
}

#[test]
fn truncated_and_garbage_der_are_typed_errors() {
    let pki = Pki::new();
    let crl = ca_crl(
        &pki,
        &[(&SIGNER_SERIAL, "240101000000Z")],
        "240201000000Z",
        "240401000000Z",
    );
    let ocsp = ocsp_response(&by_ca(
        &pki,
        OcspAnswer::Revoked("20240201000000Z", Some(1)),
    ));
    assert!(Crl::parse(&crl).is_ok());
    assert!(BasicOcsp::parse_response(&ocsp).is_ok());
    for cut in 0..crl.len() {
        assert!(Crl::parse(&crl[..cut]).is_err(), "CRL cut at {cut}");
    }
    for cut in 0..ocsp.len() {
        assert!(
            BasicOcsp::parse_response(&ocsp[..cut]).is_err(),
            "OCSP cut at {cut}"
        );
    }
    let mut rng = 0x9e37_79b9_7f4a_7c15u64;
    for round in 0..2000 {
        let mut bytes = if round % 2 == 0 {
            crl.clone()
        } else {
            ocsp.clone()
        };
        for _ in 0..4 {
            rng ^= rng << 13;
            rng ^= rng >> 7;
            rng ^= rng << 17;
            let at = (rng as usize) % bytes.len();
            bytes[at] = (rng >> 32) as u8;
        }
        // Any outcome but a panic.
        let _ = Crl::parse(&bytes);
        let _ = BasicOcsp::parse_response(&bytes);
    }
    assert!(matches!(
        Crl::parse(b"\x30\x03\x02\x01"),
        Err(RevocationError::Malformed { what: "CRL", .. })
    ));
    // An OCSP response saying tryLater (3) carries no answer.
    assert_eq!(
        BasicOcsp::parse_response(&seq(&[&enumerated(3)])).unwrap_err(),
        RevocationError::Unsuccessful { status: 3 }
    );
    let mut info = RevocationInfo::default();
    let raw = [
        crl_item(b"garbage".to_vec()),
        crl_item(crl.clone()),
        crl_item(crl),
    ];
    let items = gather(&raw, &mut info);
    assert_eq!(
        (items.len(), info.unreadable),
        (1, 1),
        "the same bytes twice are read once"
    );
}
