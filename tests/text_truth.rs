//! Extraction quality on `shared/corpus/text-truth`: the same Swedish texts typeset by seven PDF
//! producers, scored against the exact text the way `shared/tools/textquality.py` scores them
//! (word similarity = 1 − word error rate after NFKC, bullets dropped, hard hyphens at line
//! ends joined), and compared with pdftotext's score from the corpus's `peer-scores.tsv`.
//!
//! The corpus lives beside the project (`../shared/corpus`, or `ARKIVAR_CORPUS`); without it
//! the test says it skipped and why.

mod common;

use std::collections::HashMap;
use std::path::PathBuf;

use arkivar::pdf::{Limits, load, text::extract_pages};
use unicode_normalization::UnicodeNormalization;

fn corpus() -> Option<PathBuf> {
    common::corpus_with("text-truth/MANIFEST.tsv")
}

const BULLETS: &str = "\u{2022}\u{25e6}\u{25aa}\u{25ab}\u{2023}\u{2219}\u{00b7}\u{25cf}\u{25cb}\u{25a0}\u{25a1}\u{27a2}\u{27a4}\u{2713}\u{2043}\u{25c6}\u{25c7}\u{2666}";

fn is_pua(c: char) -> bool {
    ('\u{E000}'..='\u{F8FF}').contains(&c) || c >= '\u{F0000}'
}

/// Tokens as textquality.py makes them.
fn tokens(text: &str) -> Vec<String> {
    let norm: String = text
        .nfkc()
        .filter(|c| {
            !matches!(
                c,
                '\u{ad}' | '\u{200b}' | '\u{200c}' | '\u{200d}' | '\u{2060}' | '\u{feff}'
            )
        })
        .collect();
    let mut out: Vec<String> = Vec::new();
    let mut join = false;
    for t in norm.split_whitespace() {
        if t.chars().all(|c| BULLETS.contains(c) || is_pua(c)) {
            continue;
        }
        if join {
            if let Some(last) = out.last_mut() {
                last.push_str(t);
            }
        } else {
            out.push(t.to_owned());
        }
        join = t.chars().count() > 1 && (t.ends_with('-') || t.ends_with('\u{2010}'));
    }
    out
}

fn levenshtein(a: &[String], b: &[String]) -> usize {
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    let mut cur = vec![0; b.len() + 1];
    for (i, x) in a.iter().enumerate() {
        cur[0] = i + 1;
        for (j, y) in b.iter().enumerate() {
            let sub = prev[j] + usize::from(x != y);
            cur[j + 1] = sub.min(prev[j + 1] + 1).min(cur[j] + 1);
        }
        std::mem::swap(&mut prev, &mut cur);
    }
    prev[b.len()]
}

fn word_sim(truth: &str, out: &str) -> f64 {
    let t = tokens(truth);
    let o = tokens(out);
    if t.is_empty() {
        return if o.is_empty() { 1.0 } else { 0.0 };
    }
    (1.0 - levenshtein(&t, &o) as f64 / t.len() as f64).max(0.0)
}

fn diacritics(text: &str) -> [usize; 6] {
    let mut n = [0; 6];
    for c in text.nfc() {
        if let Some(i) = "åäöÅÄÖ".chars().position(|d| d == c) {
            n[i] += 1;
        }
    }
    n
}

#[test]
fn text_truth_corpus_scores_at_least_pdftotext() {
    let Some(root) = corpus() else {
        common::skip("no text-truth corpus at ../shared/corpus (set ARKIVAR_CORPUS)");
        return;
    };
    let dir = root.join("text-truth");
    let peers: HashMap<String, f64> = std::fs::read_to_string(dir.join("peer-scores.tsv"))
        .unwrap_or_default()
        .lines()
        .skip(1)
        .filter_map(|l| {
            let f: Vec<&str> = l.split('\t').collect();
            (f.get(1) == Some(&"pdftotext"))
                .then(|| Some((f[0].to_owned(), f.get(2)?.parse().ok()?)))?
        })
        .collect();
    let manifest = std::fs::read_to_string(dir.join("MANIFEST.tsv")).expect("manifest");
    let limits = Limits::default();
    let mut sims = Vec::new();
    let mut failures = Vec::new();
    for row in manifest.lines().skip(1).filter(|l| !l.trim().is_empty()) {
        let cols: Vec<&str> = row.split('\t').collect();
        let (pdf, truth) = (cols[0], cols[1]);
        let truth = std::fs::read_to_string(dir.join(truth)).expect("truth");
        let bytes = std::fs::read(dir.join(pdf)).expect("pdf");
        let doc = load(&bytes, &limits).unwrap_or_else(|e| panic!("{pdf}: {e}"));
        let text: String = extract_pages(&doc, &limits)
            .unwrap_or_else(|e| panic!("{pdf}: {e}"))
            .iter()
            .map(|p| format!("{}\x0c", p.text))
            .collect();
        let sim = word_sim(&truth, &text);
        sims.push(sim);
        let peer = peers.get(pdf).copied().unwrap_or(0.0);
        println!("{pdf}: word_sim {sim:.4} (pdftotext {peer:.4})");
        if sim < 0.97 {
            failures.push(format!("{pdf}: word_sim {sim:.4} < 0.97"));
        }
        if sim + 1e-4 < peer {
            failures.push(format!(
                "{pdf}: word_sim {sim:.4} below pdftotext's {peer:.4}"
            ));
        }
        if diacritics(&text) != diacritics(&truth) {
            failures.push(format!(
                "{pdf}: å ä ö Å Ä Ö {:?}, truth {:?}",
                diacritics(&text),
                diacritics(&truth)
            ));
        }
    }
    let mean = sims.iter().sum::<f64>() / sims.len().max(1) as f64;
    println!("files {}; mean word_sim {mean:.4}", sims.len());
    assert!(mean >= 0.99, "mean word_sim {mean:.4} < 0.99");
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn scorer_matches_textquality_conventions() {
    assert_eq!(
        tokens("08.30-\n12.00 • Barn- och"),
        ["08.30-12.00", "Barn-och"]
    );
    assert_eq!(tokens("\u{FB01}nal"), ["final"]);
    assert!((word_sim("a b c d", "a b x d") - 0.75).abs() < 1e-9);
}
