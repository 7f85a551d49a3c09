//! Minutes facts on `shared/corpus/protocols`: load → extract_pages → read_minutes on every
//! born-digital case, scored against `expected.json` the way `shared/tools/conformance.py`
//! scores a record (names folded: NFKD, diacritics dropped, case folded, whitespace collapsed;
//! designated signers equal as sets; meeting date equal; participants by precision and recall
//! of (name, role) pairs). Also the plain-text minutes of `text-truth/truth/` and the same
//! texts typeset by seven PDF producers.
//!
//! The corpus lives beside the project (`../shared/corpus`, or `ARKIVAR_CORPUS`); without it
//! the test says it skipped and why.

mod common;

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use arkivar::minutes::{MinutesFacts, read_minutes, read_minutes_pages};
use arkivar::pdf::{Limits, load, text::extract_pages};
use unicode_normalization::UnicodeNormalization;
use unicode_normalization::char::is_combining_mark;

/// Participants must reach this precision and recall on every case.
const MIN_PARTICIPANT_SCORE: f64 = 0.98;

fn corpus() -> Option<PathBuf> {
    common::corpus_with("protocols")
}

/// conformance.py's `fold`.
fn fold(name: &str) -> String {
    let s: String = name
        .nfkd()
        .filter(|c| !is_combining_mark(*c))
        .flat_map(char::to_lowercase)
        .collect();
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

fn names(v: &serde_json::Value) -> BTreeSet<String> {
    v.as_array()
        .map(|a| a.iter().filter_map(|n| n.as_str()).map(fold).collect())
        .unwrap_or_default()
}

fn read_pdf(path: &Path) -> Option<MinutesFacts> {
    let bytes = std::fs::read(path).expect("read pdf");
    let limits = Limits::default();
    let pdf = load(&bytes, &limits).expect("load pdf");
    let pages = extract_pages(&pdf, &limits).expect("extract pages");
    read_minutes_pages(&pages)
}

struct Score {
    precision: f64,
    recall: f64,
}

fn participants_score(exp: &serde_json::Value, got: &MinutesFacts) -> Option<Score> {
    let e: BTreeSet<(String, String)> = exp["participants"]
        .as_array()?
        .iter()
        .map(|p| {
            (
                fold(p["name"].as_str().unwrap_or("")),
                p["role"].as_str().unwrap_or("").to_owned(),
            )
        })
        .collect();
    if e.is_empty() {
        return None;
    }
    let g: BTreeSet<(String, String)> = got
        .participants
        .iter()
        .map(|p| {
            let role = serde_json::to_value(p.role).expect("role");
            (fold(&p.name), role.as_str().unwrap_or("").to_owned())
        })
        .collect();
    let tp = e.intersection(&g).count() as f64;
    Some(Score {
        precision: if g.is_empty() {
            0.0
        } else {
            tp / g.len() as f64
        },
        recall: tp / e.len() as f64,
    })
}

#[test]
fn protocols_match_expected_facts() {
    let Some(dir) = corpus() else {
        common::skip(common::NO_CORPUS);
        return;
    };
    let mut cases: Vec<PathBuf> = std::fs::read_dir(dir.join("protocols"))
        .expect("read protocols")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.join("expected.json").exists())
        .collect();
    cases.sort();
    let mut failures = Vec::new();
    for case in cases {
        let name = case
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let exp: serde_json::Value = serde_json::from_str(
            &std::fs::read_to_string(case.join("expected.json")).expect("expected.json"),
        )
        .expect("expected json");
        // Image scans need OCR, a later stage.
        if exp["signing_mode"] == "scanned" {
            println!("{name}: skipped (scanned, needs OCR)");
            continue;
        }
        let got = read_pdf(&case.join("document.pdf"));
        if exp["kind"] != "protocol" {
            if got.is_some() {
                failures.push(format!("{name}: read as minutes, expected kind other"));
            }
            println!(
                "{name}: other -> {}",
                if got.is_some() { "MINUTES" } else { "None" }
            );
            continue;
        }
        let Some(got) = got else {
            failures.push(format!("{name}: not read as minutes"));
            continue;
        };
        let gd = serde_json::to_value(&got.designated).expect("designated");
        for role in ["chair", "secretary", "adjusters"] {
            let e = names(&exp["designated"][role]);
            let g = names(&gd[role]);
            if e != g {
                failures.push(format!("{name}: designated {role} {g:?} != {e:?}"));
            }
        }
        let m = &exp["meeting"];
        if m["date"].as_str() != got.meeting.date.as_deref() {
            failures.push(format!(
                "{name}: date {:?} != {}",
                got.meeting.date, m["date"]
            ));
        }
        for (field, value) in [
            ("start", &got.meeting.start),
            ("end", &got.meeting.end),
            ("place", &got.meeting.place),
        ] {
            if m[field].as_str() != value.as_deref() {
                failures.push(format!("{name}: {field} {value:?} != {}", m[field]));
            }
        }
        let score = participants_score(&exp, &got);
        if let Some(s) = &score
            && (s.precision < MIN_PARTICIPANT_SCORE || s.recall < MIN_PARTICIPANT_SCORE)
        {
            failures.push(format!(
                "{name}: participants precision {:.3} recall {:.3}",
                s.precision, s.recall
            ));
        }
        println!(
            "{name}: date {:?} organ {:?} designated {:?}/{:?}/{:?} participants p={:.3} r={:.3}",
            got.meeting.date,
            got.meeting.organ,
            got.designated.chair,
            got.designated.secretary,
            got.designated.adjusters,
            score.as_ref().map_or(1.0, |s| s.precision),
            score.as_ref().map_or(1.0, |s| s.recall),
        );
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// What a text-truth minutes text states about itself.
struct Stated {
    file: &'static str,
    date: &'static str,
    chair: &'static [&'static str],
    secretary: &'static [&'static str],
    adjusters: &'static [&'static str],
}

const STATED: &[Stated] = &[
    Stated {
        file: "000",
        date: "2022-09-23",
        chair: &["Erik Lövgren"],
        secretary: &["Annelie Ledin"],
        adjusters: &["Johan Andersson"],
    },
    Stated {
        file: "002",
        date: "2024-10-25",
        chair: &["Niklas Daoson"],
        secretary: &["Elise Ackerot"],
        adjusters: &["Mikael Westin"],
    },
    Stated {
        file: "004",
        date: "2023-11-30",
        chair: &["Peter Vigren"],
        secretary: &["Johanna Långdal Persson"],
        adjusters: &["Mikael Broman"],
    },
];

fn check_stated(label: &str, s: &Stated, got: Option<MinutesFacts>, failures: &mut Vec<String>) {
    let Some(got) = got else {
        failures.push(format!("{label}: not read as minutes"));
        return;
    };
    let set = |v: &[&str]| v.iter().map(|n| fold(n)).collect::<BTreeSet<_>>();
    let got_set = |v: &[String]| v.iter().map(|n| fold(n)).collect::<BTreeSet<_>>();
    if got.meeting.date.as_deref() != Some(s.date) {
        failures.push(format!(
            "{label}: date {:?} != {}",
            got.meeting.date, s.date
        ));
    }
    for (role, e, g) in [
        ("chair", s.chair, &got.designated.chair),
        ("secretary", s.secretary, &got.designated.secretary),
        ("adjusters", s.adjusters, &got.designated.adjusters),
    ] {
        if set(e) != got_set(g) {
            failures.push(format!("{label}: designated {role} {g:?} != {e:?}"));
        }
    }
}

#[test]
fn text_truth_minutes_state_their_signers_and_date() {
    let Some(dir) = corpus() else {
        common::skip(common::NO_CORPUS);
        return;
    };
    let mut failures = Vec::new();
    for s in STATED {
        let path = dir.join(format!("text-truth/truth/{}.txt", s.file));
        let Ok(text) = std::fs::read_to_string(&path) else {
            println!("skipped {}: missing", path.display());
            continue;
        };
        check_stated(
            &format!("truth/{}", s.file),
            s,
            read_minutes(&[&text]),
            &mut failures,
        );
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn text_truth_pdfs_of_every_producer_state_their_signers_and_date() {
    let Some(dir) = corpus() else {
        common::skip(common::NO_CORPUS);
        return;
    };
    let mut failures = Vec::new();
    let mut producers: Vec<PathBuf> = std::fs::read_dir(dir.join("text-truth"))
        .map(|rd| rd.filter_map(|e| e.ok().map(|e| e.path())).collect())
        .unwrap_or_default();
    producers.retain(|p| p.join("000.pdf").exists());
    producers.sort();
    for producer in producers {
        for s in STATED {
            let pdf = producer.join(format!("{}.pdf", s.file));
            if !pdf.exists() {
                continue;
            }
            let label = format!(
                "{}/{}",
                producer.file_name().unwrap_or_default().to_string_lossy(),
                s.file
            );
            let got = read_pdf(&pdf);
            // Seeds 000 and 002 are the attendance lists of protocol cases: score them too.
            let case = match s.file {
                "000" => Some("000-esign-sv"),
                "002" => Some("002-pades"),
                _ => None,
            };
            if let (Some(case), Some(facts)) = (case, &got)
                && let Ok(text) =
                    std::fs::read_to_string(dir.join("protocols").join(case).join("expected.json"))
                && let Ok(exp) = serde_json::from_str::<serde_json::Value>(&text)
                && let Some(score) = participants_score(&exp, facts)
                && (score.precision < MIN_PARTICIPANT_SCORE || score.recall < MIN_PARTICIPANT_SCORE)
            {
                failures.push(format!(
                    "{label}: participants precision {:.3} recall {:.3}",
                    score.precision, score.recall
                ));
            }
            check_stated(&label, s, got, &mut failures);
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn every_prefix_of_a_real_protocol_reads_without_panic() {
    let Some(dir) = corpus() else {
        common::skip(common::NO_CORPUS);
        return;
    };
    let Ok(text) = std::fs::read_to_string(dir.join("text-truth/truth/002.txt")) else {
        common::skip("no text-truth/truth/002.txt in the corpus");
        return;
    };
    // Prefixes on every char boundary of the first 3,000 bytes, then every 97th.
    let bounds: Vec<usize> = text.char_indices().map(|(i, _)| i).collect();
    for (n, &b) in bounds.iter().enumerate() {
        if b > 3000 && n % 97 != 0 {
            continue;
        }
        let prefix = text.get(..b).unwrap_or("");
        let _ = read_minutes(&[prefix]);
    }
}
