//! Fuzz-style tests: random text, garbled trails and every prefix of a trail never panic, and
//! the work stays bounded. (A `cargo fuzz` target would call the same two entry points.)

use super::adobe_sign::tests::{EN_COLUMNS, SV_INLINE};
use super::facts::{
    backward_steps, sequence_problems, signer_sequences, signings, stamp_checks,
    unsigned_recipients,
};
use super::scrive::tests::{EN_2013, SV_2015, SV_CURRENT};
use super::{find_audit_trails, find_stamps};

/// A small deterministic generator (xorshift64*), so failures reproduce.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
}

/// Pieces that exercise the parsers: digits, separators, month names, zone names, labels,
/// multi-byte and case-expanding characters, template fragments.
const PIECES: &[&str] = &[
    "2022",
    "-",
    "09",
    "26",
    " ",
    "\n",
    "\n\n",
    ":",
    ".",
    "(",
    ")",
    "GMT",
    "GMT+",
    "+02:00",
    "AM",
    "PM",
    "sep",
    "Sept.",
    "kl.",
    "Z",
    "CEST",
    "İ",
    "ß",
    "\u{301}",
    "é",
    "–",
    "”",
    "\"",
    "@",
    "a@b.se",
    "Final Audit Report",
    "Slutgiltig revideringsrapport",
    "Status:",
    "Av:",
    "Skapad:",
    "Created:",
    "historik",
    "History",
    "Signaturdatum:",
    "Signature Date:",
    "Dokumentet har e-signerats av ",
    "Document e-signed by ",
    "Agreement completed.",
    "har lagt till en alternativ signerare, ",
    ". Den ursprungliga signeraren, ",
    "Signerare ",
    " angav namnet ",
    " vid signering",
    "Annelie Ledin",
    "\u{c}",
    "\u{a0}",
    "IP-adress:",
    "Tidskälla:",
    "1.2.3.4",
    "99999999999999999999",
    "{actor}",
    "\u{FEFF}",
    "Verifikat\n",
    "Verification\n",
    "Transaktion 0001\n",
    "Signerande parter\n",
    "Registrerade händelser\n",
    "Signerade ",
    "CET (+0100)",
    "(+02",
    "Personnummer 197001011234",
    "identifierade sig med svenskt BankID",
    " signerade dokumentet",
    "förseglade dokumentet",
    "IP: ",
    "Detta verifikat är utfärdat av Scrive",
];

fn run_all(pages: &[&str]) {
    let trails = find_audit_trails(pages);
    let stamps = find_stamps(pages);
    for t in &trails {
        let _ = (signings(t), signer_sequences(t), sequence_problems(t));
        let _ = (backward_steps(t), unsigned_recipients(t));
        let _ = serde_json::to_string(t);
    }
    let _ = stamp_checks(&trails, &stamps);
}

#[test]
fn random_text_never_panics() {
    let mut rng = Rng(0x9E37_79B9_7F4A_7C15);
    for _ in 0..400 {
        let mut s = String::new();
        for _ in 0..rng.below(200) {
            if rng.below(4) == 0 {
                // Any scalar value, including controls and unassigned ones.
                if let Some(c) = char::from_u32(rng.below(0x11_0000) as u32) {
                    s.push(c);
                }
            } else {
                s.push_str(PIECES[rng.below(PIECES.len())]);
            }
        }
        let pages: Vec<&str> = s.split('\u{c}').collect();
        run_all(&pages);
    }
}

#[test]
fn garbled_trails_never_panic() {
    let mut rng = Rng(42);
    let en = EN_COLUMNS.join("\u{c}");
    for source in [SV_INLINE, en.as_str(), SV_2015, EN_2013, SV_CURRENT] {
        let chars: Vec<char> = source.chars().collect();
        for _ in 0..150 {
            let mut c = chars.clone();
            for _ in 0..1 + rng.below(12) {
                let at = rng.below(c.len());
                match rng.below(4) {
                    0 => {
                        c.remove(at.min(c.len().saturating_sub(1)));
                    }
                    1 => c.insert(
                        at,
                        PIECES[rng.below(PIECES.len())]
                            .chars()
                            .next()
                            .unwrap_or(' '),
                    ),
                    2 => {
                        // Swap two characters far apart.
                        let last = c.len().saturating_sub(1);
                        let b = rng.below(c.len());
                        c.swap(at.min(last), b.min(last));
                    }
                    _ => {
                        let piece: Vec<char> = PIECES[rng.below(PIECES.len())].chars().collect();
                        for (k, ch) in piece.into_iter().enumerate() {
                            c.insert((at + k).min(c.len()), ch);
                        }
                    }
                }
            }
            let s: String = c.into_iter().collect();
            let pages: Vec<&str> = s.split('\u{c}').collect();
            run_all(&pages);
        }
    }
}

#[test]
fn every_prefix_of_a_hand_written_trail_never_panics() {
    for source in [
        SV_INLINE.to_string(),
        EN_COLUMNS.join("\u{c}"),
        SV_2015.to_string(),
        EN_2013.to_string(),
        SV_CURRENT.to_string(),
    ] {
        let chars: Vec<char> = source.chars().collect();
        for n in 0..=chars.len() {
            let prefix: String = chars.iter().take(n).collect();
            let pages: Vec<&str> = prefix.split('\u{c}').collect();
            run_all(&pages);
        }
    }
}

#[test]
fn long_lines_and_many_lines_stay_bounded() {
    // One huge line of near-misses, and many short junk lines inside a trail.
    let long = "2022-09-26 - 08:58 ".repeat(5_000);
    run_all(&[&long]);
    let junk = format!(
        "{SV_INLINE}{}",
        "Dokumentet skickades med e-post till\n".repeat(5_000)
    );
    let t = find_audit_trails(&[&junk]);
    assert_eq!(t.len(), 1);
    assert_eq!(t[0].events.len(), 9);
    // A Scrive page with thousands of parties and sentence lines, and one long time line.
    let crowd = SV_CURRENT.replace(
        "Registrerade händelser\n",
        &format!(
            "{}Registrerade händelser\n",
            "Namn Namnsson\nn@x.se\n".repeat(3_000)
        ),
    );
    let crowd = crowd.replace(
        "Anna Andersson öppnade dokumentet\n",
        &"Anna Andersson öppnade dokumentet\n".repeat(3_000),
    );
    let t = find_audit_trails(&[&crowd]);
    assert_eq!(t.len(), 1);
    // Parties are capped (MAX_PARTIES); the page is still read.
    assert_eq!(t[0].parties.len(), 1_000);
    run_all(&[&format!(
        "Verifikat\nTransaktion 1\nRegistrerade händelser\n{long}"
    )]);
}
