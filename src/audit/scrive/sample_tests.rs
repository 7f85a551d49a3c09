//! Scrive's own sealed test documents (`scrive/scrive-apidocs`, `backend/test/pdfs/`, fetched
//! by `scripts/fetch-signing-samples.sh` into `$ARKIVAR_SAMPLES/scrive/`, else
//! `~/.cache/arkivar-samples/scrive/`): the facts a person reads on their evidence pages.
//! Without the files the test prints one line and passes.

use std::path::PathBuf;

use crate::audit::facts::{is_completed, signings};
use crate::audit::{AuditTrail, EventKind, Identification, Provider, find_audit_trails_in};
use crate::pdf::text::{PageText, extract_pages};
use crate::pdf::{Limits, load};

/// The samples' directory, or where it was looked for.
fn samples() -> Result<PathBuf, PathBuf> {
    let dir = crate::signature::testkit::signing_samples().join("scrive");
    if dir.join("sealed.pdf").is_file() {
        Ok(dir)
    } else {
        Err(dir)
    }
}

fn pages(dir: &std::path::Path, name: &str) -> Vec<PageText> {
    let bytes = std::fs::read(dir.join(name)).unwrap_or_default();
    let limits = Limits::default();
    let doc = load(&bytes, &limits).unwrap_or_else(|e| panic!("{name}: {e}"));
    extract_pages(&doc, &limits).unwrap_or_else(|e| panic!("{name}: {e}"))
}

fn trail(dir: &std::path::Path, name: &str) -> (AuditTrail, usize) {
    let pages = pages(dir, name);
    let mut trails = find_audit_trails_in(&pages);
    assert_eq!(trails.len(), 1, "{name}: {trails:#?}");
    let last = pages.last().map_or(0, |p| p.number);
    (trails.remove(0), last)
}

fn events(t: &AuditTrail) -> Vec<(EventKind, String, Option<String>)> {
    t.events
        .iter()
        .map(|e| (e.kind, e.time.to_string(), e.actor_name.clone()))
        .collect()
}

#[test]
fn scrive_sample_evidence_pages() {
    let dir = match samples() {
        Ok(dir) => dir,
        Err(looked) => {
            crate::testing::skip(format_args!(
                "no {} (set ARKIVAR_SAMPLES; scripts/fetch-signing-samples.sh fetches them)",
                looked.join("sealed.pdf").display()
            ));
            return;
        }
    };
    for name in ["sealed.pdf", "sealed-2.pdf", "sealed-3.pdf"] {
        let (t, last) = trail(&dir, name);
        assert_eq!(t.provider, Provider::Scrive, "{name}");
        assert_eq!(
            t.page_range.last, last,
            "{name}: the page ends the document"
        );
        assert!(t.issues.is_empty(), "{name}: {:?}", t.issues);
        assert!(is_completed(&t), "{name}");
        println!(
            "{name}: {} {}, {} parties, {} events",
            t.report,
            t.transaction_id.as_deref().unwrap_or_default(),
            t.parties.len(),
            t.events.len()
        );
    }
    use EventKind::*;

    // English, 2013: two party boxes read row by row; CET only.
    let (t, _) = trail(&dir, "sealed.pdf");
    assert_eq!(
        (t.language.as_str(), t.report.as_str()),
        ("en", "Verification")
    );
    assert_eq!(t.transaction_id.as_deref(), Some("00000000000000000072"));
    assert_eq!(t.title.as_deref(), Some("contract"));
    let parties = super::tests::names_and_emails(&t);
    // "Sent by test-1@…" with no name: the author is the nameless box (the first page's
    // "Signed: , BB" agrees).
    assert_eq!(
        parties,
        [
            (None, Some("test-1@skrivapa.se")),
            (Some("Bob Blue"), Some("test-2@skrivapa.se"))
        ]
    );
    assert_eq!(
        events(&t),
        [
            (ESigned, "2013-01-23T14:39:00Z".into(), None),
            (SentForSigning, "2013-01-23T14:39:00Z".into(), None),
            (
                Viewed,
                "2013-01-23T14:39:13Z".into(),
                Some("Bob Blue".into())
            ),
            (
                ESigned,
                "2013-01-23T14:39:17Z".into(),
                Some("Bob Blue".into())
            ),
            (Sealed, "2013-01-23T14:39:17Z".into(), None),
        ]
    );
    assert_eq!(
        t.events[1].recipient_email.as_deref(),
        Some("test-2@skrivapa.se")
    );
    assert_eq!(
        t.events[3].actor_email.as_deref(),
        Some("test-2@skrivapa.se")
    );
    assert_eq!(t.events[3].identification, Some(Identification::Email));
    assert_eq!(t.events[3].ip.as_deref(), Some("127.0.0.1"));

    // English, mid-2013: the time and its sentence on one line, with the offset (+0300).
    let (t, last) = trail(&dir, "sealed-2.pdf");
    assert_eq!(t.transaction_id.as_deref(), Some("09222115557374209439"));
    assert_eq!(t.page_range.first, last);
    assert_eq!(t.parties.len(), 1);
    assert_eq!(t.parties[0].name.as_deref(), Some("Gracjan Polak"));
    assert_eq!(
        events(&t),
        [
            (
                ESigned,
                "2013-07-23T08:48:00Z".into(),
                Some("Gracjan Polak".into())
            ),
            (Sealed, "2013-07-23T08:48:00Z".into(), None),
        ]
    );

    // Swedish, 2015: the party is called "1"; no sealing event, the party's time completes it.
    let (t, _) = trail(&dir, "sealed-3.pdf");
    assert_eq!(
        (t.language.as_str(), t.report.as_str()),
        ("sv", "Verifikat")
    );
    assert_eq!(t.transaction_id.as_deref(), Some("00000000000000014118"));
    let p = &t.parties[0];
    assert_eq!(
        (
            p.name.as_deref(),
            p.email.as_deref(),
            p.signed.map(|s| s.to_string())
        ),
        (
            Some("1"),
            Some("jonathan@scrive.com"),
            Some("2015-02-23T14:57:15Z".into())
        )
    );
    assert_eq!(
        events(&t),
        [
            (Created, "2015-02-23T14:57:15Z".into(), Some("1".into())),
            (ESigned, "2015-02-23T14:57:15Z".into(), Some("1".into())),
        ]
    );
    let s = signings(&t);
    assert_eq!(s.len(), 1);
    assert_eq!(s[0].email.as_deref(), Some("jonathan@scrive.com"));
}
