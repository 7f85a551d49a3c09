//! The pass over the cleaned lines that turns labels, lists and signature blocks into facts.
//!
//! One walk, top to bottom. A label line starts a field (value on the same line or the next),
//! an attendance section (entries until the next label), or a designation. Designations come
//! in four shapes, all fed to one small state machine: "Role: Name" on one line, role above
//! name, name above role (`Elise Ackerot` / `Sekreterare`), and "Name, role, enligt digital
//! underskrift". A label without a colon ("Plats och tid Distansmöte…") is only trusted on the
//! first pages, before the first § heading, where running text cannot start with "Ordförande".
//!
//! The concerns, one file each: [`attendance`] (the lists of who took part), [`designation`]
//! (who signs in which role: signature blocks and the state machine they feed), [`fields`]
//! (labelled fields: date, time, place, paragraphs, justering, notice) and [`organ`] (the
//! body that met, from the title). This file holds the reader's state, the walk that hands
//! each line to one of them, and the finish that puts the facts together.

mod attendance;
mod designation;
mod fields;
mod organ;

use std::collections::HashSet;

use super::datetime::find_dates;
use super::lines::{self, LabelMatch, Line, classify};
use super::people::names_in_value;
use super::text::{fold, starts_upper};
use super::vocab::{LabelKind, Lexicon};
use super::{
    Designated, Evidence, Fact, Justering, Meeting, MinutesFacts, Notice, ParagraphRange, Role,
};
use attendance::Attendance;
use designation::{Designation, Item, MAX_STRAY_LINES, Orientation, role_row, stray_line};

/// After a signature label or a bare role line, this many lines may hold the names.
const ZONE_LINES: usize = 12;

/// A `§ 28 Ledningens information` heading (not `§§ 135-141`).
pub(super) fn is_heading(text: &str) -> bool {
    let Some(rest) = text.strip_prefix('§') else {
        return false;
    };
    if rest.starts_with('§') {
        return false;
    }
    let rest = rest.trim_start();
    let digits = rest.chars().take_while(char::is_ascii_digit).count();
    digits > 0
        && rest
            .chars()
            .skip(digits)
            .any(|c| c.is_alphabetic() && c != 'a' && c != 'b')
}

/// A label match the reader accepts at this position.
pub(super) fn accepted<'a>(text: &'a str, in_head: bool, lex: &Lexicon) -> Option<LabelMatch<'a>> {
    let m = classify(text, lex)?;
    if m.colon || m.value.is_empty() {
        return Some(m);
    }
    let first = m.value.chars().next()?;
    // The notice's dates stand in a table at the end (ANSLAG/BEVIS): their labels are long
    // enough that a date after one is the notice's anywhere.
    let notice = matches!(m.kind, LabelKind::NoticePosted | LabelKind::NoticeTakenDown);
    // `Underskrifter  Sekreterare`: a block's heading with its first role in the next cell
    // starts the block wherever it stands.
    let block = m.kind == LabelKind::Signatures
        && classify(m.value, lex)
            .is_some_and(|v| matches!(v.kind, LabelKind::Role(_) | LabelKind::Adjusters));
    let ok = (in_head
        && (starts_upper(m.value) || first.is_ascii_digit() || first == '§' || first == '('))
        || (notice && first.is_ascii_digit())
        || block;
    ok.then_some(m)
}

/// One pass over one document's lines: what is read so far, and where.
struct Reader<'a> {
    lex: &'a Lexicon,
    lines: Vec<Line>,
    /// The first `§` heading: before it, a label without a colon is trusted.
    head_end: usize,
    meeting: Meeting,
    attendance: Attendance,
    designated: Designated,
    paragraphs: Option<ParagraphRange>,
    justering: Justering,
    notice: Notice,
    /// Where each fact was read, in reading order.
    evidence: Vec<Evidence>,
    /// Labels read per language of the lexicon: the most is the document's language.
    votes: Vec<usize>,
    /// Lines of a date field that may hold the organ beside the date ([`organ`]).
    title: Vec<usize>,
    /// The first label's line: the title lines are above it.
    first_label: Option<usize>,
    /// The signature block being read ([`designation`]).
    state: Designation,
}

/// Reads minutes from page texts with the given lexicon.
pub fn read(pages: &[&str], lex: &Lexicon) -> Option<MinutesFacts> {
    let lines = lines::build(pages, lex);
    let head_end = lines
        .iter()
        .position(|l| is_heading(&l.text))
        .unwrap_or(lines.len());
    let mut r = Reader {
        lex,
        lines,
        head_end,
        meeting: Meeting::default(),
        attendance: Attendance::default(),
        designated: Designated::default(),
        paragraphs: None,
        justering: Justering::default(),
        notice: Notice::default(),
        evidence: Vec::new(),
        votes: vec![0; lex.languages.len().max(1)],
        title: Vec::new(),
        first_label: None,
        state: Designation::default(),
    };
    r.walk();
    r.finish()
}

impl Reader<'_> {
    fn line(&self, i: usize) -> Option<&Line> {
        self.lines.get(i)
    }

    fn text(&self, i: usize) -> &str {
        self.lines.get(i).map(|l| l.text.as_str()).unwrap_or("")
    }

    fn cite(&mut self, fact: Fact, value: &str, i: usize) {
        if let Some(l) = self.lines.get(i) {
            self.evidence.push(Evidence {
                fact,
                value: value.to_owned(),
                page: l.page,
                line: l.line,
            });
        }
    }

    fn walk(&mut self) {
        let mut i = 0;
        let mut zone = 0usize;
        while i < self.lines.len() {
            let in_head = i < self.head_end;
            let text = self.text(i).to_owned();
            if is_heading(&text) {
                self.end_block();
                zone = 0;
                i += 1;
                continue;
            }
            if let Some(roles) = role_row(&text, self.lex)
                && let Some(next) = self.side_by_side(&roles, i)
            {
                zone = ZONE_LINES;
                i = next;
                continue;
            }
            let Some(m) = accepted(&text, in_head, self.lex) else {
                // After the first §, a role label with words after it and no colon is
                // running text, unless those words are ink beside the label with the printed
                // name under it (a signature table's label cell).
                if !in_head
                    && let Some(m) = classify(&text, self.lex)
                    && let LabelKind::Role(role) = m.kind
                    && !m.value.is_empty()
                    && classify(m.value, self.lex).is_none()
                    && self.ink_beside_label(m.value, i)
                {
                    let value = m.value.to_owned();
                    zone = ZONE_LINES;
                    self.role_beside(&value);
                    self.feed(Item::Role(role, false), i);
                    i += 1;
                    continue;
                }
                if in_head || zone > 0 {
                    let mut item = self.item(&text);
                    // A stamp between a role and its name (role first, or not known yet)
                    // does not end the block: the role waits for its name below the stamp.
                    // Once a stamp line has been passed, a "name" no participant has is the
                    // stamp's text too (`Rate Utrsagar`).
                    let stray_name = match &item {
                        Item::Name(name, _)
                            if self.state.strays > 0 && !self.is_participant(name) =>
                        {
                            Some(name.clone())
                        }
                        _ => None,
                    };
                    let stray =
                        stray_name.is_some() || matches!(item, Item::Other) && stray_line(&text);
                    if stray
                        && !in_head
                        && self.state.orientation != Some(Orientation::NameFirst)
                        && self.state.strays < MAX_STRAY_LINES
                        && let Some((role, _)) = self.state.role
                    {
                        self.state.strays += 1;
                        // A name line among the stamp's is the role's name only when it is
                        // the last written line above the next label: the printed name sits
                        // under the stamp, and the stamp's own words (`Rate Utrsagar`) are
                        // followed by more of it.
                        self.state.tentative = stray_name.map(|name| (role, name, i));
                        item = Item::Blank;
                    }
                    self.feed(item, i);
                } else {
                    self.signed_line(&text, i);
                }
                zone = zone.saturating_sub(1);
                i += 1;
                continue;
            };
            if let Some(v) = self.votes.get_mut(m.language) {
                *v += 1;
            }
            if self.first_label.is_none() {
                self.first_label = Some(i);
            }
            let value = m.value.to_owned();
            match m.kind {
                LabelKind::Section(kind) => {
                    self.end_block();
                    zone = 0;
                    i = self.section(i, &value, kind);
                    continue;
                }
                LabelKind::Role(role) => {
                    // A block in the running text that starts with a participant's name over
                    // its role (`Sara Löfgren` / `Sekreterare`): the name line came before the
                    // block was known.
                    if zone == 0
                        && !in_head
                        && value.is_empty()
                        && let Some(name) = self.participant_above(i)
                    {
                        self.feed(Item::Name(name, true), i.saturating_sub(1));
                    }
                    zone = ZONE_LINES;
                    // A value of no names (the line to sign on, `Paragrafer §§ 37–40` in the
                    // next cell) leaves the role waiting for its name, as a bare label does.
                    let item = match self.names_of_value(&value) {
                        // Ink in the cell beside the label, read as a name nobody has, with
                        // the printed name under it: the name under it is the role's.
                        Some(_) if self.ink_beside_label(&value, i) => {
                            self.role_beside(&value);
                            Item::Role(role, false)
                        }
                        Some(names) => Item::RoleNames(role, names),
                        None => {
                            self.role_beside(&value);
                            Item::Role(role, false)
                        }
                    };
                    self.feed(item, i);
                }
                LabelKind::Adjusters => {
                    zone = ZONE_LINES;
                    let item = if value.is_empty() {
                        Item::Role(Role::Adjuster, true)
                    } else {
                        Item::RoleNames(Role::Adjuster, names_in_value(&value, self.lex))
                    };
                    self.feed(item, i);
                }
                LabelKind::Signatures => {
                    self.end_block();
                    zone = ZONE_LINES;
                    if !value.is_empty() {
                        // "Underskrifter  Sekreterare": the block's first role in the next cell.
                        let item = match classify(&value, self.lex) {
                            Some(v) if v.value.is_empty() => match v.kind {
                                LabelKind::Role(r) => Item::Role(r, false),
                                LabelKind::Adjusters => Item::Role(Role::Adjuster, true),
                                _ => Item::Other,
                            },
                            // `Underskrifter  Sekreterare  Paragrafer §§ 37–40`: the role, then
                            // a cell of another field.
                            Some(v)
                                if matches!(v.kind, LabelKind::Role(_))
                                    && self.names_of_value(v.value).is_none() =>
                            {
                                self.role_beside(v.value);
                                match v.kind {
                                    LabelKind::Role(r) => Item::Role(r, false),
                                    _ => Item::Other,
                                }
                            }
                            _ => self.item(&value),
                        };
                        self.feed(item, i);
                    }
                }
                LabelKind::Stop => {
                    self.end_block();
                    zone = 0;
                }
                kind => {
                    // A field cell may sit between a role and its name in a flattened
                    // signature table; it does not end the block.
                    i = self.field(i, kind, &value);
                    continue;
                }
            }
            zone = zone.saturating_sub(1);
            i += 1;
        }
        self.end_block();
    }

    fn finish(mut self) -> Option<MinutesFacts> {
        self.organ();
        self.appointed_in_text();
        self.reconcile_designations();
        // A chair or secretary who signs is the one the list names when no block names one.
        for role in [Role::Chair, Role::Secretary, Role::Adjuster] {
            let empty = match role {
                Role::Chair => self.designated.chair.is_empty(),
                Role::Secretary => self.designated.secretary.is_empty(),
                _ => self.designated.adjusters.is_empty(),
            };
            if empty {
                let names: Vec<(String, usize)> = self
                    .attendance
                    .participants
                    .iter()
                    .zip(&self.attendance.participant_lines)
                    .filter(|(p, _)| p.role == role)
                    .map(|(p, k)| (p.name.clone(), *k))
                    .collect();
                for (n, k) in names {
                    self.designate(role, &n, k);
                }
            }
        }
        // Members replaced by a substitute, and the absent, are not participants.
        let gone: HashSet<String> = self
            .attendance
            .substitutions
            .iter()
            .map(|s| fold(&s.replaces))
            .chain(self.attendance.absent.iter().map(|a| fold(a)))
            .collect();
        let keep: Vec<bool> = self
            .attendance
            .participants
            .iter()
            .map(|p| !gone.contains(&fold(&p.name)) || p.replaces.is_some())
            .collect();
        let mut flags = keep.iter();
        self.attendance
            .participants
            .retain(|_| flags.next().copied().unwrap_or(true));
        let mut flags = keep.iter();
        self.attendance
            .participant_lines
            .retain(|_| flags.next().copied().unwrap_or(true));
        if self.paragraphs.is_none() {
            let nums: Vec<u32> = self
                .lines
                .iter()
                .filter(|l| is_heading(&l.text))
                .filter_map(|l| {
                    l.text
                        .trim_start_matches('§')
                        .trim_start()
                        .split(|c: char| !c.is_ascii_digit())
                        .next()
                        .and_then(|n| n.parse().ok())
                })
                .collect();
            if let (Some(a), Some(b)) = (nums.iter().min(), nums.iter().max()) {
                self.paragraphs = Some(ParagraphRange {
                    first: *a,
                    last: *b,
                });
            }
        }
        if self.meeting.date.is_none() {
            // The date in the title or first lines ("Protokoll 2024-03-12").
            let upto = self.head_end.min(15);
            for k in 0..upto {
                if let Some(d) = find_dates(self.text(k), self.lex).first() {
                    let s = d.date.to_string();
                    self.set_date(s, k);
                    break;
                }
            }
        }
        let designated_any = !(self.designated.chair.is_empty()
            && self.designated.secretary.is_empty()
            && self.designated.adjusters.is_empty());
        let meetingish = self.meeting.date.is_some() || self.paragraphs.is_some();
        if !(meetingish && (designated_any || !self.attendance.participants.is_empty())) {
            return None;
        }
        let language = self
            .votes
            .iter()
            .enumerate()
            .max_by(|a, b| a.1.cmp(b.1).then(b.0.cmp(&a.0)))
            .and_then(|(i, _)| self.lex.languages.get(i))
            .map(|v| v.code.clone())
            .unwrap_or_default();
        let justering = (self.justering != Justering::default()).then_some(self.justering);
        let notice = (self.notice != Notice::default()).then_some(self.notice);
        Some(MinutesFacts {
            meeting: self.meeting,
            participants: self.attendance.participants,
            designated: self.designated,
            paragraphs: self.paragraphs,
            justering,
            notice,
            substitutions: self.attendance.substitutions,
            absent: self.attendance.absent,
            language,
            evidence: self.evidence,
        })
    }
}

/// `s` with bytes `a..b` removed (offsets from the finders, on char boundaries).
pub(super) fn cut(s: &str, a: usize, b: usize) -> String {
    let mut out = s.get(..a).unwrap_or("").to_owned();
    out.push(' ');
    out.push_str(s.get(b..).unwrap_or(""));
    out
}

/// Cells of a flattened table row or a two-column list: text separated by tabs or wide gaps.
pub(super) fn cells_of(line: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut cur = String::new();
    let mut spaces = 0;
    for c in line.chars() {
        // A tab or a second space in a row is a cell border.
        if c == '\t' || (c == ' ' && spaces >= 1) {
            if !cur.trim().is_empty() {
                out.push(cur.trim().to_owned());
            }
            cur.clear();
            spaces = 0;
            continue;
        }
        if c == ' ' {
            spaces += 1;
        } else {
            spaces = 0;
        }
        cur.push(c);
    }
    if !cur.trim().is_empty() {
        out.push(cur.trim().to_owned());
    }
    out
}

#[cfg(test)]
mod tests {
    use crate::minutes::{MinutesFacts, Role, read_minutes};

    pub(super) fn read(text: &str) -> MinutesFacts {
        read_minutes(&[text]).unwrap_or_else(|| panic!("not minutes:\n{text}"))
    }

    pub(super) fn roles(f: &MinutesFacts) -> Vec<(String, Role)> {
        f.participants
            .iter()
            .map(|p| (p.name.clone(), p.role))
            .collect()
    }

    /// Minutes whose signature blocks come after the decisions, in `block`.
    pub(super) fn with_blocks(block: &str) -> MinutesFacts {
        read(&format!(
            "PROTOKOLL Kultur- och fritidsnämnden 2023-10-30\n\
             Plats och tid Kommunhuset, Sveg, kl. 13.00-16.30\n\
             Beslutande ledamöter Ingegärd Wikström (S), ordförande\nSigne Ljungqvist (L)\n\
             Renée Östlund (C)\nLena Björnfot (M)\n\
             Övriga deltagare Sara Löfgren, sekreterare\n\
             Utses att justera Renée Östlund (C) och Signe Ljungqvist (L)\n\
             § 57 Val av justerare\n\nNämnden utser Renée Östlund och Signe Ljungqvist.\n\n\
             § 58 Detaljplan\n\nNämnden antar detaljplanen.\n\n{block}"
        ))
    }

    #[test]
    fn english_minutes_with_minutes_checkers() {
        let f = read(
            "Minutes of the meeting of the Board, Northtown Housing Association\n\
             Date: 12 March 2024\nTime: 10:00–12:00\nPlace: Town Hall, Room 2\n\
             Present:\nJane Smith (Chair)\nJohn Doe\nMary Major, Treasurer\n\
             Also present:\nTom Brown, Secretary\n\
             Apologies:\nPeter Ross\n\
             Adjusters (Minutes checkers): John Doe and Mary Major\n\
             § 1 Opening of the meeting\n\
             Signatures\nSecretary\nTom Brown\nChair\nJane Smith\n",
        );
        assert_eq!(f.meeting.date.as_deref(), Some("2024-03-12"));
        assert_eq!(f.meeting.start.as_deref(), Some("10:00"));
        assert_eq!(f.meeting.end.as_deref(), Some("12:00"));
        assert_eq!(f.meeting.place.as_deref(), Some("Town Hall, Room 2"));
        assert_eq!(
            roles(&f),
            vec![
                ("Jane Smith".into(), Role::Chair),
                ("John Doe".into(), Role::Member),
                ("Mary Major".into(), Role::Member),
                ("Tom Brown".into(), Role::Secretary),
            ]
        );
        assert_eq!(f.absent, vec!["Peter Ross"]);
        assert_eq!(f.designated.chair, vec!["Jane Smith"]);
        assert_eq!(f.designated.secretary, vec!["Tom Brown"]);
        assert_eq!(f.designated.adjusters, vec!["John Doe", "Mary Major"]);
        assert_eq!(f.language, "en");
    }

    #[test]
    fn plan_and_letter_are_not_minutes() {
        let plan = "1. Vår organisation och mål\n\nKommuner har samverkat i olika former.\n\n\
                    Kommunförbundets styrelse består av varje kommuns kommunalråd.\n";
        assert!(read_minutes(&[plan]).is_none());
        let letter =
            "Hej Anna,\n\nTack för mötet den 12 mars 2024.\n\nMed vänlig hälsning\nBo Ek\n";
        assert!(read_minutes(&[letter]).is_none());
        assert!(read_minutes(&[]).is_none());
        assert!(read_minutes(&[""]).is_none());
    }

    /// A small xorshift generator: deterministic garbage without a dependency.
    fn garbage(seed: u64, len: usize) -> String {
        const ALPHABET: &[&str] = &[
            "a",
            "Ö",
            "§",
            "§§",
            " ",
            "  ",
            "\n",
            "\n\n",
            ":",
            ",",
            "(",
            ")",
            "-",
            "–",
            ".",
            "Ordförande",
            "Justerare",
            "ersätter",
            "Tid och plats",
            "2024-01-",
            "kl. 1",
            "3.",
            "Anna",
            "Berg",
            "(S)",
            "\t",
            "İ",
            "ß",
            "\u{301}",
            "\u{f0b7}",
            "Beslutande",
            "Sekreterare:",
            "12",
            "oktober",
            "Ej närvarande",
            "Justeras av",
            "DaosonOrd",
        ];
        let mut x = seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1;
        let mut s = String::new();
        for _ in 0..len {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            let pick = ALPHABET
                .get((x % ALPHABET.len() as u64) as usize)
                .copied()
                .unwrap_or("");
            s.push_str(pick);
        }
        s
    }

    #[test]
    fn random_and_garbled_text_never_panics() {
        for seed in 0..400 {
            let a = garbage(seed, 200);
            let b = garbage(seed + 10_000, 50);
            let _ = read_minutes(&[&a, &b, &a]);
        }
        let long_line = "Anna ".repeat(5_000);
        let _ = read_minutes(&[&long_line]);
        let many = "Beslutande\n".to_owned() + &"Anna Berg (S), Ort\n".repeat(2_000);
        let _ = read_minutes(&[&many]);
    }
}
