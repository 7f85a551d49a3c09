//! The audit stage against the generated protocols in the shared corpus (`000-*` are the
//! born-digital Adobe Acrobat Sign cases; every other case must show no trail and no stamp),
//! when the corpus is there: the e-signed events against
//! `expected.json` `signatures[]`, and the facts behind each case's expected findings.
//! The corpus is found at `$ARKIVAR_CORPUS`, else `CARGO_MANIFEST_DIR/../shared/corpus`;
//! without it the test prints a line and passes.

use std::path::{Path, PathBuf};

use serde_json::Value;

use super::facts::{
    SequenceProblemKind, backward_steps, events_of, is_completed, sequence_problems, signings,
    stamp_checks, unsigned_recipients,
};
use super::{AuditTrail, EventKind, Stamp, find_audit_trails_in, find_stamps_in};
use crate::pdf::text::{PageText, extract_pages};
use crate::pdf::{Limits, load};

/// The tolerance of `time.sources_disagree` in protokoll-sv (verdict.md).
const TOLERANCE_SECONDS: i64 = 120;

fn corpus() -> Option<PathBuf> {
    let dir = std::env::var_os("ARKIVAR_CORPUS")
        .map(PathBuf::from)
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/corpus"));
    dir.join("protocols").is_dir().then_some(dir)
}

fn pages_of(pdf: &Path) -> Vec<PageText> {
    let bytes = std::fs::read(pdf).unwrap_or_default();
    let limits = Limits::default();
    let Ok(doc) = load(&bytes, &limits) else {
        return Vec::new();
    };
    extract_pages(&doc, &limits).unwrap_or_default()
}

struct Case {
    name: String,
    expected: Value,
    trails: Vec<AuditTrail>,
    stamps: Vec<Stamp>,
    pages: Vec<PageText>,
}

fn cases() -> Option<Vec<Case>> {
    let Some(dir) = corpus() else {
        crate::testing::skip("no corpus (set ARKIVAR_CORPUS)");
        return None;
    };
    let mut names: Vec<PathBuf> = std::fs::read_dir(dir.join("protocols"))
        .ok()?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.join("expected.json").is_file())
        .collect();
    names.sort();
    let mut out = Vec::new();
    for path in names {
        let Ok(text) = std::fs::read_to_string(path.join("expected.json")) else {
            continue;
        };
        let expected: Value = serde_json::from_str(&text).unwrap_or(Value::Null);
        let pages = pages_of(&path.join("document.pdf"));
        out.push(Case {
            name: path
                .file_name()
                .and_then(|n| n.to_str())
                .unwrap_or_default()
                .to_string(),
            expected,
            trails: find_audit_trails_in(&pages),
            stamps: find_stamps_in(&pages),
            pages,
        });
    }
    Some(out)
}

fn has_finding(expected: &Value, code: &str) -> bool {
    expected["findings"]
        .as_array()
        .is_some_and(|a| a.iter().any(|f| f.as_str() == Some(code)))
}

fn check_case(c: &Case) -> Vec<String> {
    let mut report = Vec::new();
    let esign = c.expected["signing_mode"].as_str() == Some("esign_audit_trail");
    if !esign {
        assert!(c.trails.is_empty(), "{}: a trail where none is", c.name);
        assert!(c.stamps.is_empty(), "{}: stamps where none are", c.name);
        report.push(format!("{}: no trail, no stamps (as expected)", c.name));
        return report;
    }
    assert_eq!(c.trails.len(), 1, "{}: {:#?}", c.name, c.trails);
    let t = &c.trails[0];
    assert!(t.issues.is_empty(), "{}: {:?}", c.name, t.issues);
    assert!(
        t.events.iter().all(|e| e.kind != EventKind::Other),
        "{}",
        c.name
    );
    assert_eq!(
        t.events.first().map(|e| e.kind),
        Some(EventKind::Created),
        "{}",
        c.name
    );
    assert!(t.transaction_id.is_some() && t.created.is_some() && t.created_by.is_some());
    let last_page = c.pages.last().map_or(0, |p| p.number);
    assert_eq!(
        t.page_range.last, last_page,
        "{}: the trail ends the document",
        c.name
    );

    // The e-signed events against expected signatures[], exact to the second.
    let want: Vec<(String, String)> = c.expected["signatures"]
        .as_array()
        .into_iter()
        .flatten()
        .filter(|s| s["source"].as_str() == Some("audit_trail"))
        .map(|s| {
            (
                s["name"].as_str().unwrap_or_default().to_string(),
                s["time"].as_str().unwrap_or_default().to_string(),
            )
        })
        .collect();
    let got: Vec<(String, String)> = signings(t)
        .into_iter()
        .map(|s| (s.name.unwrap_or_default(), s.time.to_string()))
        .collect();
    assert_eq!(got, want, "{}: signings", c.name);
    report.push(format!(
        "{}: {} events, signings {:?}",
        c.name,
        t.events.len(),
        got.iter()
            .map(|(n, t)| format!("{n} {t}"))
            .collect::<Vec<_>>()
    ));

    // audit.not_chronological
    let seq = sequence_problems(t);
    let back = backward_steps(t);
    if has_finding(&c.expected, "audit.not_chronological") {
        assert!(!seq.is_empty() || !back.is_empty(), "{}", c.name);
        report.push(format!(
            "{}: out of order {:?}, backwards {}",
            c.name,
            seq,
            back.len()
        ));
    } else {
        assert!(
            seq.is_empty() && back.is_empty(),
            "{}: {seq:?} {back:?}",
            c.name
        );
    }
    // audit.incomplete
    let unsigned = unsigned_recipients(t);
    if has_finding(&c.expected, "audit.incomplete") {
        assert!(!is_completed(t) || !unsigned.is_empty(), "{}", c.name);
        report.push(format!(
            "{}: completed {}, unsigned {:?}",
            c.name,
            is_completed(t),
            unsigned
                .iter()
                .map(|u| u.emails.clone())
                .collect::<Vec<_>>()
        ));
    } else {
        assert!(
            is_completed(t) && unsigned.is_empty(),
            "{}: {unsigned:?}",
            c.name
        );
    }
    // audit.alternative_signer, audit.delivery_failed
    let alternatives = events_of(t, EventKind::AlternativeSignerAdded).count()
        + events_of(t, EventKind::Delegated).count();
    assert_eq!(
        alternatives > 0,
        has_finding(&c.expected, "audit.alternative_signer"),
        "{}",
        c.name
    );
    let bounces = events_of(t, EventKind::EmailBounced).count();
    assert_eq!(
        bounces > 0,
        has_finding(&c.expected, "audit.delivery_failed"),
        "{}",
        c.name
    );
    // time.sources_disagree: every stamp against the trail.
    let checks = stamp_checks(&c.trails, &c.stamps);
    assert_eq!(
        c.stamps.len(),
        want.len(),
        "{}: one stamp per signer",
        c.name
    );
    assert!(checks.iter().all(|k| k.signing.is_some()), "{}", c.name);
    let off: Vec<String> = checks
        .iter()
        .filter(|k| {
            k.difference_seconds
                .is_none_or(|d| d.abs() > TOLERANCE_SECONDS)
        })
        .map(|k| {
            format!(
                "{} stamp {} vs trail {} ({:?} s)",
                k.stamp.name,
                k.stamp.utc,
                k.signing
                    .as_ref()
                    .map(|s| s.time.to_string())
                    .unwrap_or_default(),
                k.difference_seconds
            )
        })
        .collect();
    assert_eq!(
        !off.is_empty(),
        has_finding(&c.expected, "time.sources_disagree"),
        "{}: {off:?}",
        c.name
    );
    if !off.is_empty() {
        report.push(format!("{}: {}", c.name, off.join("; ")));
    }
    report
}

#[test]
fn corpus_cases() {
    let Some(cases) = cases() else { return };
    assert!(
        cases.iter().any(|c| c.name.starts_with("000-")),
        "no 000-* case in the corpus"
    );
    for c in &cases {
        for line in check_case(c) {
            println!("{line}");
        }
    }
    let get = |n: &str| cases.iter().find(|c| c.name == n);

    // The English and Swedish reports give the same events.
    if let (Some(sv), Some(en)) = (get("000-esign-sv"), get("000-esign-en")) {
        let facts = |c: &Case| -> Vec<_> {
            c.trails
                .iter()
                .flat_map(|t| &t.events)
                .map(|e| {
                    (
                        e.kind,
                        e.time,
                        e.actor_email.clone(),
                        e.actor_name.clone(),
                        e.recipient_email.clone(),
                        e.original_email.clone(),
                        e.ip.clone(),
                        e.time_source.clone(),
                    )
                })
                .collect()
        };
        assert_eq!(facts(sv), facts(en));
        assert_eq!(
            (
                sv.trails[0].language.as_str(),
                en.trails[0].language.as_str()
            ),
            ("sv", "en")
        );
    }
    // Signed before viewed: the chair's viewing comes after his signature.
    if let Some(c) = get("000-audit-not-chronological") {
        let p = sequence_problems(&c.trails[0]);
        assert!(
            p.iter()
                .any(|p| p.kind == SequenceProblemKind::SignedBeforeViewed
                    && p.name.as_deref() == Some("Erik Lövgren")
                    && p.signed.to_string() == "2022-09-26T09:09:58Z")
        );
        // "The trail's timestamps themselves never go backwards" (the case's notes).
        assert!(backward_steps(&c.trails[0]).is_empty());
    }
    // The adjuster's address that was sent the agreement never signed.
    if let Some(c) = get("000-audit-incomplete") {
        let t = &c.trails[0];
        assert!(!is_completed(t));
        assert_eq!(t.status_kind, super::TrailStatus::OutForSignature);
        let u = unsigned_recipients(t);
        assert_eq!(u.len(), 1);
        assert_eq!(u[0].emails, ["johan.andersson@solleftea.se"]);
        assert!(u[0].viewed);
    }
    // The chair's stamp is an hour off the trail.
    if let Some(c) = get("000-stamp-off-by-one-hour") {
        let checks = stamp_checks(&c.trails, &c.stamps);
        let chair = checks.iter().find(|k| k.stamp.name == "Erik Lövgren");
        assert_eq!(chair.and_then(|k| k.difference_seconds), Some(3600));
        assert_eq!(
            chair.map(|k| k.stamp.utc.to_string()).as_deref(),
            Some("2022-09-26T10:09:00Z")
        );
    }
    // The bounced first address is completed by the alternative signer: not incomplete.
    if let Some(c) = get("000-esign-sv") {
        assert!(unsigned_recipients(&c.trails[0]).is_empty());
    }
}

#[test]
fn every_prefix_of_a_real_trail_is_safe() {
    let Some(cases) = cases() else { return };
    let Some(c) = cases.iter().find(|c| c.name == "000-esign-en") else {
        crate::testing::skip("no case 000-esign-en in the corpus");
        return;
    };
    let Some(t) = c.trails.first() else {
        crate::testing::skip("case 000-esign-en has no audit trail");
        return;
    };
    let pages: Vec<&str> = c
        .pages
        .iter()
        .filter(|p| p.number >= t.page_range.first)
        .map(|p| p.text.as_str())
        .collect();
    let whole = pages.join("\u{c}");
    let chars: Vec<char> = whole.chars().collect();
    let mut last_count = 0;
    for n in 0..=chars.len() {
        let prefix: String = chars.iter().take(n).collect();
        let split: Vec<&str> = prefix.split('\u{c}').collect();
        let trails = super::find_audit_trails(&split);
        let count = trails.first().map_or(0, |t| t.events.len());
        // Events only ever appear as the prefix grows (a partial time may not parse yet).
        assert!(
            count + 1 >= last_count,
            "prefix {n}: {count} after {last_count}"
        );
        last_count = count;
        let _ = super::find_stamps(&split);
    }
    assert_eq!(last_count, t.events.len());
}
