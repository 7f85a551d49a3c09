//! Minutes signed through a signing service (the DIGG / Sweden Connect model), end to end: each
//! signer's PAdES signature comes with a certificate the service issued at the moment of
//! signing, which records the eID login (RFC 7773 Authentication Context). The login is the
//! signing's time; the signature's own time is a second source beside it.

use super::evidence_tests::{CONTENTS_HEX, Signer, World, codes, minutes_lines, show, sign_at};
use crate::record::{SigningSource, Status};
use crate::signature::changes::tests::Builder;
use crate::signature::svt::TokenState;
use crate::signature::testkit::{auth_context_extension, signing_samples};

/// A signing-service certificate for `cn` with a personnummer, recording a login at `login`.
fn service_signer(w: &World, seed: u8, cn: &str, personnummer: &str, login: &str) -> Signer {
    let login = auth_context_extension(login);
    Signer::person_with(&w.pki, seed, cn, personnummer, vec![login])
}

/// One signing: who (their certificate records the login), the signature's `/M` (PDF date)
/// and its CMS signingTime (UTCTime, or none).
struct Signing<'a> {
    signer: &'a Signer,
    m: &'a str,
    signing_time: Option<&'a str>,
}

/// The minutes signed in one revision per signing, each adding its own signature field, as a
/// signing service returns the document to the next signer.
fn signed_minutes(w: &World, signings: &[Signing<'_>]) -> Vec<u8> {
    let mut b = Builder::new();
    let page = |annots: &str| {
        format!(
            "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R \
             /Resources << /Font << /F1 5 0 R >> >> /Annots [{annots}] >>"
        )
    };
    b.obj(1, "<< /Type /Catalog /Pages 2 0 R /AcroForm 20 0 R >>")
        .obj(2, "<< /Type /Pages /Kids [3 0 R] /Count 1 >>")
        .stream(4, "", &show(&minutes_lines(&[])))
        .obj(
            5,
            "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>",
        );
    let mut fields = Vec::new();
    for (i, s) in signings.iter().enumerate() {
        let (field, value) = (21 + 2 * i, 22 + 2 * i);
        fields.push(format!("{field} 0 R"));
        let marker = format!("s{i}");
        b.obj(3, &page(&fields.join(" ")))
            .obj(
                20,
                &format!("<< /Fields [{}] /SigFlags 3 >>", fields.join(" ")),
            )
            .obj(
                field as u32,
                &format!(
                    "<< /FT /Sig /T (Signature{i}) /V {value} 0 R /Type /Annot /Subtype /Widget \
                     /Rect [0 0 0 0] /P 3 0 R /F 132 >>"
                ),
            )
            .obj(
                value as u32,
                &format!(
                    "<< /Type /Sig /Filter /Adobe.PPKLite /SubFilter /ETSI.CAdES.detached \
                     /Name ({marker}) /M ({}) /ByteRange {} /Contents <{}> >>",
                    s.m,
                    crate::signature::changes::tests::BR,
                    "0".repeat(CONTENTS_HEX)
                ),
            );
        let end = b.revision("");
        sign_at(&mut b, &marker, end, s.signer, &w.pki, s.signing_time);
    }
    b.out
}

/// The secretary, the chair and the adjuster of `minutes_lines`, each through the service,
/// logging in at 08:58:30, 09:09:50 and 10:00:00 UTC on 2022-09-26.
struct Service {
    world: World,
    annelie: Signer,
    erik: Signer,
    johan: Signer,
}

impl Service {
    fn new() -> Self {
        let world = World::new();
        let annelie = service_signer(
            &world,
            41,
            "Annelie Ledin",
            "197505051234",
            "2022-09-26T10:58:30.120+02:00",
        );
        let erik = service_signer(
            &world,
            42,
            "Erik Lövgren",
            "196402021234",
            "2022-09-26T09:09:50Z",
        );
        let johan = service_signer(
            &world,
            43,
            "Johan Andersson",
            "198103031234",
            "2022-09-26T10:00:00Z",
        );
        Service {
            world,
            annelie,
            erik,
            johan,
        }
    }
}

impl Service {
    /// The secretary, the chair and the adjuster signing in that order, each with the `/M`
    /// and signingTime of `times`.
    fn in_order<'a>(&'a self, times: [(&'a str, Option<&'a str>); 3]) -> Vec<Signing<'a>> {
        [&self.annelie, &self.erik, &self.johan]
            .into_iter()
            .zip(times)
            .map(|(signer, (m, signing_time))| Signing {
                signer,
                m,
                signing_time,
            })
            .collect()
    }
}

/// `/M` and signingTime five seconds after each login.
const AFTER_LOGIN: [(&str, Option<&str>); 3] = [
    ("D:20220926085835Z", Some("220926085835Z")),
    ("D:20220926090955Z", Some("220926090955Z")),
    ("D:20220926100005Z", Some("220926100005Z")),
];

#[test]
fn minutes_signed_through_a_signing_service_are_verified_at_the_login_times() {
    let s = Service::new();
    let bytes = signed_minutes(&s.world, &s.in_order(AFTER_LOGIN));
    let r = s.world.record(&bytes);
    assert_eq!(r.status, Status::Verified, "{:?}", codes(&r));
    let names: Vec<&str> = r.signing.iter().map(|e| e.name.as_str()).collect();
    assert_eq!(names, ["Annelie Ledin", "Erik Lövgren", "Johan Andersson"]);
    let first = &r.signing[0];
    assert_eq!(first.source, SigningSource::EidLogin);
    assert_eq!(
        first.time.map(|t| t.to_string()).as_deref(),
        Some("2022-09-26T08:58:30.12Z")
    );
    // The signature's own time is kept beside the login.
    assert!(first.times.iter().any(|t| t.source == SigningSource::Pades));
    let signer = r.signatures[0].signer.as_ref().expect("signer facts");
    assert!(signer.signing_service);
    assert_eq!(signer.serial_number.as_deref(), Some("19750505-****"));
    let login = signer.auth_context.as_ref().expect("login facts");
    assert_eq!(
        login.level_of_assurance.as_deref(),
        Some("http://id.elegnamnden.se/loa/1.0/loa3")
    );
}

#[test]
fn m_a_few_seconds_before_the_login_is_no_finding() {
    // The service sets /M before the login it then records (Sweden Connect's own sample has
    // /M four seconds early), and writes no signingTime.
    let s = Service::new();
    let bytes = signed_minutes(
        &s.world,
        &s.in_order([
            ("D:20220926085826Z", None),
            ("D:20220926090946Z", None),
            ("D:20220926095956Z", None),
        ]),
    );
    let r = s.world.record(&bytes);
    assert_eq!(r.status, Status::Verified, "{:?}", codes(&r));
    assert!(!codes(&r).contains(&"time.sources_disagree".to_owned()));
    // Near miss: /M an hour before the login is a disagreement of the sources.
    let bytes = signed_minutes(
        &s.world,
        &s.in_order([
            ("D:20220926075830Z", None),
            ("D:20220926090946Z", None),
            ("D:20220926095956Z", None),
        ]),
    );
    let r = s.world.record(&bytes);
    assert!(
        codes(&r).contains(&"time.sources_disagree".to_owned()),
        "{:?}",
        codes(&r)
    );
}

#[test]
fn a_service_signer_who_is_not_in_the_minutes_fails() {
    let s = Service::new();
    let stranger = service_signer(
        &s.world,
        44,
        "Kalle Anka",
        "198001011234",
        "2022-09-26T10:30:00Z",
    );
    let mut signings = s.in_order(AFTER_LOGIN);
    signings.push(Signing {
        signer: &stranger,
        m: "D:20220926103005Z",
        signing_time: Some("220926103005Z"),
    });
    let bytes = signed_minutes(&s.world, &signings);
    let r = s.world.record(&bytes);
    assert_eq!(r.status, Status::Failed, "{:?}", codes(&r));
    assert!(
        codes(&r).contains(&"signer.not_participant".to_owned()),
        "{:?}",
        codes(&r)
    );
}

/// The record of sample `path` (under [`signing_samples`]), or `None` with a line saying the
/// test skipped.
fn sample_record(path: &str) -> Option<crate::record::Record> {
    let file = signing_samples().join(path);
    let Ok(bytes) = std::fs::read(&file) else {
        crate::testing::skip(format_args!(
            "no sample {} (scripts/fetch-signing-samples.sh fetches them)",
            file.display()
        ));
        return None;
    };
    let now: jiff::Timestamp = "2026-12-07T00:00:00Z".parse().expect("time");
    Some(super::process_at(
        &bytes,
        crate::record::SourceInfo::named(path),
        &super::Settings::default(),
        now,
    ))
}

#[test]
fn sweden_connects_sample_gives_the_login_the_service_recorded() {
    let Some(r) = sample_record("swedenconnect/add-annotation.pdf") else {
        return;
    };
    let person = r
        .signatures
        .iter()
        .find(|s| !s.doc_timestamp)
        .expect("the person's signature");
    let signer = person.signer.as_ref().expect("signer");
    assert_eq!(signer.common_name.as_deref(), Some("Majlis Medin"));
    assert_eq!(signer.serial_number.as_deref(), Some("19520730-****"));
    assert!(signer.signing_service);
    let login = signer.auth_context.as_ref().expect("login");
    assert_eq!(
        login.authentication_instant.as_deref(),
        Some("2025-03-21T15:44:39.871Z")
    );
    assert_eq!(
        login.identity_provider.as_deref(),
        Some("http://dev.test.swedenconnect.se/idp")
    );
    assert_eq!(
        login.level_of_assurance.as_deref(),
        Some("http://id.elegnamnden.se/loa/1.0/loa3")
    );
    // Intact and valid (its DigestInfo lacks the NULL parameters; said as a warning), and
    // the document timestamp added after it is a change the signature permits.
    assert!(person.intact && person.valid, "{person:?}");
    assert!(
        person
            .warnings
            .contains(&crate::signature::report::CmsWarning::DigestInfoWithoutNull),
        "{:?}",
        person.warnings
    );
    let codes = codes(&r);
    assert!(
        !codes.contains(&"signature.modified_after_signing".to_owned()),
        "{codes:?}"
    );
    // Its /M is four seconds before the login: within the tolerance.
    assert!(
        !codes.contains(&"time.sources_disagree".to_owned()),
        "{codes:?}"
    );
    let stamp = r
        .signatures
        .iter()
        .find(|s| s.doc_timestamp)
        .and_then(|s| s.signer.as_ref())
        .and_then(|s| s.common_name.clone());
    assert_eq!(stamp.as_deref(), Some("Sweden Connect Test SVT Issuer"));
    // The final timestamp carries Sweden Connect's validation token: PASSED for the one
    // signature, which arkivar finds intact and valid too, so no disagreement.
    let svt = r
        .signatures
        .iter()
        .find_map(|s| s.svt.as_ref())
        .expect("a validation token");
    assert_eq!(
        svt.issuer.as_deref(),
        Some("https://swedenconnect.se/validator")
    );
    let [claim] = svt.signatures.as_slice() else {
        panic!("one signature: {svt:?}");
    };
    assert_eq!(claim.byte_range, person.byte_range);
    assert!(claim.passed());
    // The token's own ES512 signature verifies with its x5c certificate (Sweden Connect's test
    // issuer, which no anchor here trusts).
    assert_eq!(svt.token.state, TokenState::Valid, "{:?}", svt.token);
    assert_eq!(svt.token.algorithm.as_deref(), Some("ES512"));
    assert!(!svt.token.trusted);
    assert!(
        !codes.contains(&"signature.svt_disagrees".to_owned()),
        "{codes:?}"
    );
}

#[test]
fn scrives_ksi_seals_are_unverifiable_not_broken() {
    for path in ["scrive/sealed.pdf", "scrive/sealed-2.pdf"] {
        let Some(r) = sample_record(path) else {
            return;
        };
        let codes = codes(&r);
        assert!(
            codes.contains(&"signature.unverifiable".to_owned()),
            "{path}: {codes:?}"
        );
        assert!(
            !codes.contains(&"signature.modified_after_signing".to_owned()),
            "{path}: {codes:?}"
        );
        assert_ne!(r.status, Status::Failed, "{path}: {codes:?}");
        assert_ne!(r.status, Status::Verified, "{path}: {codes:?}");
        // The evidence files Scrive attaches are listed with their digests.
        let evidence: Vec<&str> = r
            .document
            .attachments
            .iter()
            .filter(|a| a.sha256.is_some() && a.name.to_lowercase().contains("evidence"))
            .map(|a| a.name.as_str())
            .collect();
        assert!(!evidence.is_empty(), "{path}: {:?}", r.document.attachments);
    }
}
