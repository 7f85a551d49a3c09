//! Who signs in which role: signature blocks ("Role: Name", role above name, name above
//! role, blocks side by side), "Name, role, enligt digital underskrift" anywhere, adjusters
//! appointed in running text, and the reconciling of the names read with the participants.
//! Every shape feeds one small state machine ([`Designation`]).

use super::{Reader, cells_of};
use crate::minutes::datetime::find_date;
use crate::minutes::lines::classify;
use crate::minutes::people::{leading_name, names_in_value, parse_entry};
use crate::minutes::text::{
    find_phrase, fold, lowercase_chars, may_contain_phrase, norm, trim_item,
};
use crate::minutes::vocab::{LabelKind, Lexicon};
use crate::minutes::{Fact, Role};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Orientation {
    RoleFirst,
    NameFirst,
}

/// What a line says to the designation state machine.
#[derive(Debug, Clone)]
pub(super) enum Item {
    /// A role with no name ("Sekreterare").
    Role(Role, bool),
    /// A name with no role; `true` when the line is the name alone (a name-above-role
    /// signature block never has more on the name's line).
    Name(String, bool),
    /// A role and its names on one line.
    RoleNames(Role, Vec<String>),
    /// Dots, underscores, a date: neither breaks nor feeds a block.
    Blank,
    /// Anything else: ends a block.
    Other,
}

#[derive(Debug, Default)]
pub(super) struct Designation {
    pub role: Option<(Role, bool)>,
    pub name: Option<String>,
    pub orientation: Option<Orientation>,
    /// Stray lines passed over since `role` was read ([`stray_line`]).
    pub strays: usize,
    /// A name line after a stamp's lines, for the waiting role: it stands only if it is the
    /// last written line above the next label (the printed name sits under the stamp; the
    /// stamp's own words are followed by more of it). [`Reader::end_block`] and the next role
    /// designate it; a later name or stray line replaces it.
    pub tentative: Option<(Role, String, usize)>,
}

/// Most stray lines between a role and its name: a stamp's few lines.
pub(super) const MAX_STRAY_LINES: usize = 6;

/// Words a line of running text has at the least: OCR's reading of a stamp or of ink has
/// fewer.
pub(super) const STRAY_MAX_WORDS: usize = 2;

/// True for what OCR makes of a stamp or of ink between a role and its name (`«| Rate
/// Utrsagar | |`, `| 202: 94-63 an /`): no more than [`STRAY_MAX_WORDS`] words of three
/// letters or more, and no name.
pub(super) fn stray_line(text: &str) -> bool {
    let words = text
        .split_whitespace()
        .filter(|t| {
            let t = t.trim_matches(|c: char| !c.is_alphanumeric());
            t.chars().count() >= 3 && t.chars().all(char::is_alphabetic)
        })
        .count();
    words <= STRAY_MAX_WORDS
}

impl Reader<'_> {
    /// The names a role label's value gives; `None` when it gives none: empty, the line to
    /// sign on, or another field's label in the next cell (`Paragrafer §§ 37–40`).
    pub(super) fn names_of_value(&self, value: &str) -> Option<Vec<String>> {
        if classify(value, self.lex).is_some() {
            return None;
        }
        let names = names_in_value(value, self.lex);
        (!names.is_empty()).then_some(names)
    }

    /// A role label with something written after it that names nobody (`Ordförande  ST TE
    /// SS`, the line to sign on as OCR read it, or `Paragrafer §§ 37–40` in the next cell)
    /// stands beside its line, and its name is printed under the line: not the name above,
    /// which is the previous block's.
    pub(super) fn role_beside(&mut self, value: &str) {
        if value.chars().any(char::is_alphanumeric) {
            self.state.name = None;
            self.state.orientation = Some(Orientation::RoleFirst);
        }
    }

    /// Classifies a non-label line for the designation state machine.
    pub(super) fn item(&self, text: &str) -> Item {
        if !text.chars().any(char::is_alphabetic) {
            return Item::Blank;
        }
        if find_date(text, self.lex).is_some() && leading_name(text, self.lex).is_none() {
            return Item::Blank;
        }
        // "Ort och datum", "Namnförtydligande": signature-line captions.
        let n = norm(text);
        if self.lex.signature_words.contains(&n) {
            return Item::Blank;
        }
        let Some(entry) = parse_entry(text, self.lex) else {
            return Item::Other;
        };
        let tail = entry.tail.as_str();
        let short = tail
            .split(['(', ')'])
            .step_by(2)
            .flat_map(str::split_whitespace)
            .count()
            <= 5;
        if !short && !entry.signed_note {
            return Item::Other;
        }
        let pure = tail.trim().is_empty() || tail.trim_start().starts_with('(');
        match entry.role {
            Some(role @ (Role::Chair | Role::Secretary | Role::Adjuster)) => {
                Item::RoleNames(role, vec![entry.name])
            }
            _ => Item::Name(entry.name, pure),
        }
    }

    /// Designates the tentative name, if any: nothing under it replaced it.
    pub(super) fn settle_tentative(&mut self) {
        if let Some((role, name, i)) = self.state.tentative.take() {
            self.designate(role, &name, i);
        }
    }

    /// Ends the block being read: its tentative name stands.
    pub(super) fn end_block(&mut self) {
        self.settle_tentative();
        self.state = Designation::default();
    }

    /// True when what stands beside a role label on line `i` is ink read as letters, not the
    /// role's name: it names no participant, the orientation of the blocks so far is not
    /// name first, and a name alone is printed under it ([`Self::name_line_below`]).
    pub(super) fn ink_beside_label(&self, value: &str, i: usize) -> bool {
        let named = names_in_value(value, self.lex);
        !named.iter().any(|n| self.is_participant(n))
            && self.state.orientation != Some(Orientation::NameFirst)
            && self.name_line_below(i)
    }

    /// True when the first written line after `i` is a name alone and the written line after
    /// that is no bare role label (which would make the name that role's, printed above it).
    pub(super) fn name_line_below(&self, i: usize) -> bool {
        let written = |j: usize| self.text(j).chars().any(char::is_alphabetic);
        let mut below = (i + 1..self.lines.len()).filter(|&j| written(j));
        let Some(j) = below.next() else {
            return false;
        };
        if classify(self.text(j), self.lex).is_some()
            || !matches!(self.item(self.text(j)), Item::Name(_, true))
        {
            return false;
        }
        !below.next().is_some_and(|k| {
            classify(self.text(k), self.lex)
                .is_some_and(|m| matches!(m.kind, LabelKind::Role(_)) && m.value.is_empty())
        })
    }

    pub(super) fn feed(&mut self, item: Item, i: usize) {
        if matches!(item, Item::Role(..) | Item::RoleNames(..)) {
            self.settle_tentative();
        }
        match item {
            Item::Blank => {}
            Item::Other => self.end_block(),
            Item::RoleNames(role, names) => {
                for n in names {
                    self.designate(role, &n, i);
                }
                self.state.role = None;
                self.state.name = None;
            }
            Item::Role(role, sticky) => {
                if self.state.orientation != Some(Orientation::RoleFirst)
                    && let Some(name) = self.state.name.take()
                {
                    self.designate(role, &name, i);
                    self.state.orientation = Some(Orientation::NameFirst);
                    self.state.role = None;
                } else {
                    self.state.role = Some((role, sticky));
                    self.state.name = None;
                    self.state.strays = 0;
                }
            }
            Item::Name(name, pure) => {
                if let Some((role, sticky)) = self.state.role {
                    // The name printed under the line replaces what was read beside it.
                    self.state.tentative = None;
                    self.designate(role, &name, i);
                    self.state.orientation = Some(Orientation::RoleFirst);
                    if !sticky {
                        self.state.role = None;
                    }
                    self.state.name = None;
                } else {
                    self.state.name = pure.then_some(name);
                }
            }
        }
    }

    /// Signature blocks side by side, read a row at a time: the roles of line `i` ("Ordförande
    /// Justerande") under the row of names they caption ("Ingegärd Wikström Renée Östlund"),
    /// or over it when the blocks so far put roles first. The names pair with the roles in
    /// order. Returns the line to read next, or `None` when no row of as many names is beside
    /// the roles.
    pub(super) fn side_by_side(&mut self, roles: &[Role], i: usize) -> Option<usize> {
        let written = |j: usize| self.text(j).chars().any(char::is_alphabetic);
        let before = (1..=2)
            .filter_map(|d| i.checked_sub(d))
            .find(|&j| written(j));
        let after = (i + 1..=i + 2).find(|&j| written(j));
        let names_at = |j: Option<usize>| j.and_then(|j| self.names_row(self.text(j), roles.len()));
        let (names, next, orientation) =
            match (self.state.orientation, names_at(before), names_at(after)) {
                (Some(Orientation::RoleFirst), _, Some(names)) => {
                    (names, after?, Orientation::RoleFirst)
                }
                (_, Some(names), _) => (names, i, Orientation::NameFirst),
                (_, None, Some(names)) => (names, after?, Orientation::RoleFirst),
                _ => return None,
            };
        self.settle_tentative();
        for (role, name) in roles.iter().zip(&names) {
            self.designate(*role, name, i);
        }
        self.state = Designation {
            orientation: Some(orientation),
            ..Designation::default()
        };
        Some(next + 1)
    }

    /// True when `name` is a participant's as OCR may read it (diacritics lost, a letter
    /// misread).
    pub(super) fn is_participant(&self, name: &str) -> bool {
        use crate::identity::{fold as fold_name, ocr_same_person};
        let read = fold_name(name);
        self.attendance.participants.iter().any(|p| {
            let f = fold_name(&p.name);
            f == read || ocr_same_person(&read, &f)
        })
    }

    /// The participant whose name alone is the written line right above line `i`.
    pub(super) fn participant_above(&self, i: usize) -> Option<String> {
        let j = (1..=2)
            .filter_map(|d| i.checked_sub(d))
            .find(|&j| self.text(j).chars().any(char::is_alphabetic))?;
        let Item::Name(name, true) = self.item(self.text(j)) else {
            return None;
        };
        // A role label right above the name is the name's own (`Protokollförare  Paragrafer
        // §§ 10-11` over `Ingrid Jönsson`): roles come first in this block.
        let above = (1..=2)
            .filter_map(|d| j.checked_sub(d))
            .find(|&k| self.text(k).chars().any(char::is_alphabetic));
        if above.is_some_and(|k| {
            classify(self.text(k), self.lex)
                .is_some_and(|m| matches!(m.kind, LabelKind::Role(_) | LabelKind::Adjusters))
        }) {
            return None;
        }
        self.attendance
            .participants
            .iter()
            .any(|p| fold(&p.name) == fold(&name))
            .then_some(name)
    }

    /// `text` as `k` names side by side: its cells (a wide gap between them), the
    /// participants it names one after another, or pairs of words; `None` when it holds
    /// anything but names.
    pub(super) fn names_row(&self, text: &str, k: usize) -> Option<Vec<String>> {
        let name_words = |t: &str| -> Option<Vec<String>> {
            let words: Vec<String> = t.split_whitespace().map(str::to_owned).collect();
            (!words.is_empty() && words.iter().all(|w| self.is_plain_name_word(w))).then_some(words)
        };
        let cells = cells_of(text);
        if cells.len() == k
            && cells
                .iter()
                .all(|c| name_words(c).is_some_and(|w| (2..=4).contains(&w.len())))
        {
            return Some(cells);
        }
        let words = name_words(text)?;
        if let Some(names) = self.participants_in_row(&words)
            && names.len() == k
        {
            return Some(names);
        }
        (words.len() == 2 * k).then(|| words.chunks(2).map(|c| c.join(" ")).collect())
    }

    /// `words` as participants' names one after another (the longest first at each word), or
    /// `None` when some words are nobody's.
    pub(super) fn participants_in_row(&self, words: &[String]) -> Option<Vec<String>> {
        let mut out = Vec::new();
        let mut at = 0;
        while at < words.len() {
            let taken = self
                .attendance
                .participants
                .iter()
                .filter_map(|p| {
                    let n = p.name.split_whitespace().count();
                    let read = words.get(at..at + n)?.join(" ");
                    (fold(&read) == fold(&p.name)).then_some((n, read))
                })
                .max_by_key(|(n, _)| *n)?;
            at += taken.0;
            out.push(taken.1);
        }
        Some(out)
    }

    /// "Kristina Westhed, sekreterare, enligt digital underskrift" anywhere in the document.
    pub(super) fn signed_line(&mut self, text: &str, i: usize) {
        // Runs on every body line; without a signature phrase the entry cannot be a signed
        // note, so most lines are answered without parsing them.
        let lower = lowercase_chars(text);
        if !self
            .lex
            .signature_anchors
            .iter()
            .any(|a| lower.contains(a.as_str()))
            || !self
                .lex
                .signature_words
                .iter()
                .any(|s| may_contain_phrase(&lower, s))
        {
            return;
        }
        if let Some(entry) = parse_entry(text, self.lex)
            && entry.signed_note
            && let Some(role @ (Role::Chair | Role::Secretary | Role::Adjuster)) = entry.role
        {
            self.designate(role, &entry.name, i);
        }
    }

    pub(super) fn designate(&mut self, role: Role, name: &str, i: usize) {
        let (list, fact) = match role {
            Role::Chair => (&mut self.designated.chair, Fact::Chair),
            Role::Secretary => (&mut self.designated.secretary, Fact::Secretary),
            Role::Adjuster => (&mut self.designated.adjusters, Fact::Adjuster),
            _ => return,
        };
        let key = fold(name);
        if list.iter().any(|n| fold(n) == key) {
            return;
        }
        list.push(name.to_owned());
        self.cite(fact, name, i);
    }

    /// Signature blocks are where scans are hardest to read (ink over the printed names), and
    /// the participant list is where they are easiest: a designated name that is no
    /// participant's is read as the participant it stands for, when it is one participant's
    /// name as OCR misreads it (`Kjell-Åke Åsfföm`), or has the first name of the one
    /// participant the list gives that role (`André SÄTE avy` for `André Sandén (M),
    /// ordförande`). A "name" with no capitalised word (`pi nas`) is ink OCR read as
    /// letters, and is dropped.
    pub(super) fn reconcile_designations(&mut self) {
        use crate::identity::{fold as fold_name, ocr_same_person};
        let participants: Vec<(crate::identity::FoldedName, String, Role)> = self
            .attendance
            .participants
            .iter()
            .map(|p| (fold_name(&p.name), p.name.clone(), p.role))
            .collect();
        let reconcile = |name: &str, role: Role| -> Option<String> {
            let read = fold_name(name);
            if !name
                .split_whitespace()
                .any(|w| w.chars().next().is_some_and(char::is_uppercase))
            {
                return None;
            }
            if participants.iter().any(|(f, _, _)| *f == read) {
                return Some(name.to_owned());
            }
            let close: Vec<&String> = participants
                .iter()
                .filter(|(f, _, _)| ocr_same_person(&read, f))
                .map(|(_, n, _)| n)
                .collect();
            if let [one] = close.as_slice() {
                return Some((*one).clone());
            }
            let in_role: Vec<&(crate::identity::FoldedName, String, Role)> =
                participants.iter().filter(|(_, _, r)| *r == role).collect();
            if let [(f, n, _)] = in_role.as_slice()
                && f.words
                    .first()
                    .is_some_and(|w| read.words.first() == Some(w))
            {
                return Some(n.clone());
            }
            Some(name.to_owned())
        };
        // How many lines name `name` (its folded words in a row).
        let lines: Vec<Vec<String>> = self
            .lines
            .iter()
            .map(|l| fold_name(&l.text).words)
            .collect();
        let mentions = |name: &str| {
            let words = fold_name(name).words;
            lines
                .iter()
                .filter(|l| !words.is_empty() && l.windows(words.len()).any(|w| w == words))
                .count()
        };
        let is_participant = |name: &str| {
            let f = fold_name(name);
            participants.iter().any(|(p, _, _)| *p == f)
        };
        for (role, list) in [
            (Role::Chair, &mut self.designated.chair),
            (Role::Secretary, &mut self.designated.secretary),
            (Role::Adjuster, &mut self.designated.adjusters),
        ] {
            let mut out: Vec<String> = Vec::new();
            for name in list.iter() {
                if let Some(n) = reconcile(name, role)
                    && !out.iter().any(|o| fold(o) == fold(&n))
                {
                    out.push(n);
                }
            }
            // Beside people the list names, a "name" that is nobody's and written only once
            // (in the block, under ink: `Pi Nas`) is ink OCR read as a name.
            if out.iter().any(|n| is_participant(n)) {
                out.retain(|n| is_participant(n) || mentions(n) > 1);
            }
            *list = out;
        }
    }

    /// Adjusters named in running text ("Mikael Westin väljs att … justera protokollet").
    pub(super) fn appointed_in_text(&mut self) {
        if !self.designated.adjusters.is_empty() {
            return;
        }
        for i in 0..self.lines.len() {
            let text = strip_marker(self.text(i)).to_owned();
            if !self
                .lex
                .appointment_phrases
                .iter()
                .any(|p| find_phrase(&text, p).is_some())
            {
                continue;
            }
            if let Some((name, _)) = leading_name(&text, self.lex) {
                self.designate(Role::Adjuster, &name, i);
                return;
            }
        }
    }
}

/// The roles of a row of signature blocks' captions (`Ordförande Justerande`,
/// `Sekreterare   Ordförande   Justerare`): two or more designated roles and nothing else.
pub(super) fn role_row(text: &str, lex: &Lexicon) -> Option<Vec<Role>> {
    let words: Vec<&str> = text.split_whitespace().collect();
    let mut roles = Vec::new();
    let mut at = 0;
    while at < words.len() {
        // "Vice ordförande" is one role; the longest phrase at each word wins.
        let (role, n) = (1..=3).rev().find_map(|n| {
            let phrase = words.get(at..at + n)?.join(" ");
            let m = classify(phrase.trim_end_matches(':'), lex)?;
            if !m.value.is_empty() {
                return None;
            }
            match m.kind {
                LabelKind::Role(r @ (Role::Chair | Role::Secretary | Role::Adjuster)) => {
                    Some((r, n))
                }
                LabelKind::Adjusters => Some((Role::Adjuster, n)),
                _ => None,
            }
        })?;
        roles.push(role);
        at += n;
    }
    (roles.len() >= 2).then_some(roles)
}

/// "b) Mikael Westin …" → "Mikael Westin …".
pub(super) fn strip_marker(s: &str) -> &str {
    let s = trim_item(s);
    let mut chars = s.char_indices();
    let mut end = 0;
    for (i, c) in chars.by_ref() {
        if c.is_alphanumeric() && i < 3 {
            continue;
        }
        if c == ')' || c == '.' {
            end = i + c.len_utf8();
        }
        break;
    }
    if end > 0 && end <= 4 {
        s.get(end..).unwrap_or(s).trim_start()
    } else {
        s
    }
}

#[cfg(test)]
mod tests {
    use crate::minutes::MinutesFacts;
    use crate::minutes::reader::tests::{read, with_blocks};

    /// The minutes of `label_and_value_on_separate_lines` with the signature block `block`.
    fn with_block(block: &str) -> MinutesFacts {
        read(&format!(
            "SAMMANTRÄDESPROTOKOLL\nKultur- och fritidsnämnden\n\nSammanträdesdatum\n\n2024-03-12\n\n\
             Plats och tid\n\nStadshuset, sal 3, kl. 13.00–16.30\n\nBeslutande\n\n\
             Anna Bergström (S), ordförande\nBo Ek (M), 1:e vice ordförande\nCecilia Dahlgren (C)\n\n\
             Övriga närvarande\n\nFrida Holm, nämndsekreterare\n\nUtses att justera\n\nCecilia Dahlgren\n\n\
             Paragrafer\n\n§§ 12–15\n\n{block}\n\n§ 12 Val av justerare\n"
        ))
    }

    #[test]
    fn a_block_name_ocr_garbled_is_read_as_the_participant_it_stands_for() {
        // One letter misread: the participant of that name.
        let f = with_block("Sekreterare\n\nFrida Holm\n\nOrdförande\n\nAnna Bergströn\n");
        assert_eq!(f.designated.chair, vec!["Anna Bergström"]);
        // Ink over the surname: the first name of the list's chair.
        let f = with_block("Sekreterare\n\nFrida Holm\n\nOrdförande\n\nAnna SÄTE avy\n");
        assert_eq!(f.designated.chair, vec!["Anna Bergström"]);
        // Ink read as letters is no name, lower case or not.
        let f = with_block("Justerande\n\nCecilia Dahlgren\n\nJusterande\n\npi nas\n");
        assert_eq!(f.designated.adjusters, vec!["Cecilia Dahlgren"]);
        let f = with_block("Justerande\n\nCecilia Dahlgren\n\nJusterande\n\nPi Nas\n");
        assert_eq!(f.designated.adjusters, vec!["Cecilia Dahlgren"]);
    }

    #[test]
    fn a_block_name_that_is_nobodys_stays_as_written() {
        // Near miss: another first name is another person, whom the verdict reports.
        let f = with_block("Sekreterare\n\nFrida Holm\n\nOrdförande\n\nKalle Anka\n");
        assert_eq!(f.designated.chair, vec!["Kalle Anka"]);
    }

    #[test]
    fn a_stamp_between_a_role_and_its_name_does_not_end_the_block() {
        // OCR's reading of a stamp under "Sekreterare": the secretary is still the name below
        // it, and the chair is not taken from the secretary's name.
        let f = with_blocks(
            "Underskrifter\nSekreterare\nre.\nRate Utrsagar\nGalliy. - ge” kygar\n\
             | 202: 94-63 an /\nSara Löfgren\nOrdförande\nIngegärd Wikström\nJusterare\n\
             Renée Östlund\n",
        );
        assert_eq!(f.designated.secretary, vec!["Sara Löfgren"]);
        assert_eq!(f.designated.chair, vec!["Ingegärd Wikström"]);
    }

    #[test]
    fn a_name_under_a_stamp_is_the_roles_though_the_list_does_not_name_it() {
        // A secretary named only in the block, under a stamp's lines: the last written line
        // above the next label is the printed name.
        let f = with_blocks(
            "Sekreterare\nre.\n«| Rate Utrsagar | |\nGalliy. - ge” kygar\n> <a komm i\n\n\
             | 202: 94-63 an /\nMaja Lind :\nOrdförande\nIngegärd Wikström\n",
        );
        assert_eq!(f.designated.secretary, vec!["Maja Lind"]);
        assert_eq!(f.designated.chair, vec!["Ingegärd Wikström"]);
        // Near miss: a stamp's words that look like a name, followed by more of the stamp,
        // are nobody's name.
        let f = with_blocks(
            "Sekreterare\nre.\n«| Rate Utrsagar | |\nGalliy. - ge” kygar\n\
             | 202: 94-63 an /\nOrdförande\nIngegärd Wikström\n",
        );
        assert!(
            !f.designated.secretary.iter().any(|n| n.contains("Rate")),
            "{:?}",
            f.designated.secretary
        );
    }

    #[test]
    fn ink_beside_a_label_gives_way_to_the_name_printed_under_it() {
        // A signature table: the label cell, ink in the cell beside it (read as `Can Flys`),
        // the printed name under it.
        let f = with_blocks(
            "Sekreterare Can Flys\nMaja Lind\nOrdförande Fy\nIngegärd Wikström |\n\
             Justerare\nRenée Östlund\n",
        );
        assert_eq!(f.designated.secretary, vec!["Maja Lind"]);
        assert_eq!(f.designated.chair, vec!["Ingegärd Wikström"]);
        // Near misses: a name on the label's line with the next label under it, and a
        // name-above-role block under it, keep the name beside the label.
        let f =
            with_blocks("Underskrifter\nSekreterare Maja Lind\nOrdförande\nIngegärd Wikström\n");
        assert_eq!(f.designated.secretary, vec!["Maja Lind"]);
        assert_eq!(f.designated.chair, vec!["Ingegärd Wikström"]);
        let f =
            with_blocks("Underskrifter\nSekreterare Maja Lind\nIngegärd Wikström\nOrdförande\n");
        assert_eq!(f.designated.secretary, vec!["Maja Lind"]);
        assert_eq!(f.designated.chair, vec!["Ingegärd Wikström"]);
        // A row of roles (`Ordförande Justerande`) with a name under it is not the chair's
        // block. Read from plain text this holds without the guard in `walk` (a role row's
        // value is a label, so no ink); the OCR'd page it came from (seed 23's
        // `label-below` scans) needed the guard, and only the scans exercise it.
        let f = with_blocks(
            "Beslut\nHärjedalens kommun ; Sida 2 av 2\nPROTOKOLL Kultur- och fritidsnämnden 2023-10-30\n\n\
             Kultur- och fritidsnämnden föreslår kommunfullmäktige att anta detaljplanen.\n\n\
             Sara oe ;\n\nSekreterare\n\nA ra Wikstrom ava viet Jan VU\nOrdförande Justerande\n\n\
             Signe Ljungqvist |\n\nJusterande\n",
        );
        assert!(
            !f.designated.chair.contains(&"Signe Ljungqvist".to_owned()),
            "{:?}",
            f.designated.chair
        );
    }

    #[test]
    fn a_role_beside_another_field_waits_for_its_name_below() {
        // Label beside the line, the paragraphs in the next cell, the name under the line.
        for head in ["Underskrifter Sekreterare", "Sekreterare"] {
            let f = with_blocks(&format!(
                "{head} : Paragrafer §§ 57-58\nSara Löfgren\nOrdförande :\nIngegärd Wikström\n\
                 Justerande /\nRenée Östlund\n"
            ));
            assert_eq!(f.designated.secretary, vec!["Sara Löfgren"], "{head}");
            assert_eq!(f.designated.chair, vec!["Ingegärd Wikström"], "{head}");
        }
        // What OCR made of the line to sign on beside each role, in a block before the first
        // paragraph: the name above a role is the previous block's, not this one's.
        let f = read(
            "PROTOKOLL Hälso- och sjukvårdsnämnden 2023-10-02\n\
             Plats och tid Regionens hus, Östersund, kl. 14.00-16.00\n\
             Beslutande Maria Westerlund (L), Arjeplog, ordförande\nOlle Hägglund (S), Boden\n\
             Amira Holmgren (MP), Arjeplog\nÖvriga deltagare Nils Ljungqvist, sekreterare\n\
             Utses att justera Amira Holmgren (MP)\n\
             Underskrifter: >::Protokolltot are. oe LS 0 ser lä arg er br ll äär pr oi i de\n\
             Nils Ljungqvist\nOrdförande ST TE SS ee As\nMaria Westerlund\n\
             Justerande Gee ae ee än bl a\nAmira Holmgren\n\n§ 11 Val av justerare\n\nText.\n",
        );
        assert_eq!(f.designated.chair, vec!["Maria Westerlund"]);
        // Near miss: a name in the value is the role's at once.
        let f = with_blocks("Sekreterare: Sara Löfgren\nOrdförande: Ingegärd Wikström\n");
        assert_eq!(f.designated.secretary, vec!["Sara Löfgren"]);
    }

    #[test]
    fn a_stray_line_has_no_more_than_two_words() {
        assert!(super::stray_line("«| Rate Utrsagar | |"));
        assert!(super::stray_line("| 202: 94-63 an /"));
        // Near misses: running text, a name with its party.
        assert!(!super::stray_line(
            "Nämnden antar detaljplanen enligt förslaget"
        ));
        assert!(!super::stray_line("Anna Maria Bergström (S)"));
    }

    #[test]
    fn blocks_side_by_side_with_the_roles_under_or_over_the_names() {
        let under = "Sara Löfgren\n\nSekreterare\n\nIngegärd Wikström Renée Östlund\n\n\
             Ordförande Justerande\n\nSigne Ljungqvist\n\nJusterande\n";
        let over = "Sekreterare\n\nSara Löfgren\n\nOrdförande Justerande\n\n\
             Ingegärd Wikström Renée Östlund\n\nJusterande\n\nSigne Ljungqvist\n";
        for block in [under, over] {
            let f = with_blocks(block);
            assert_eq!(f.designated.secretary, vec!["Sara Löfgren"], "{block}");
            assert_eq!(f.designated.chair, vec!["Ingegärd Wikström"], "{block}");
            assert_eq!(
                f.designated.adjusters,
                vec!["Renée Östlund", "Signe Ljungqvist"],
                "{block}"
            );
        }
    }

    #[test]
    fn a_name_under_a_role_label_is_that_roles_not_the_next_ones() {
        let f = with_blocks(
            "Protokollförare Paragrafer §§ 57-58\nSara Löfgren\nOrdförande\nIngegärd Wikström\n\
             Justerande\nRenée Östlund\n",
        );
        assert_eq!(f.designated.chair, vec!["Ingegärd Wikström"]);
        assert_eq!(
            f.designated.adjusters,
            vec!["Renée Östlund", "Signe Ljungqvist"]
        );
    }

    #[test]
    fn a_row_of_roles_beside_no_row_of_names_designates_nobody() {
        let none = with_blocks("").designated;
        let f = with_blocks("Ordförande Justerande\n\nNämnden tackar för informationen.\n");
        assert_eq!(f.designated, none);
        // ...and a row of as many names is needed: one name is not two.
        let f = with_blocks("Signe Ljungqvist\n\nOrdförande Justerande\n\nSlut.\n");
        assert_eq!(f.designated, none);
    }

    #[test]
    fn adjuster_named_only_in_running_text() {
        let f = read(
            "Protokoll\nSammanträdesdatum: 2024-10-25\nBeslutande:\nAnna Berg (S), ordförande\n\
             Bo Ek (M)\n§ 1 Upprop\n• b) Bo Ek väljs att tillsammans med ordförande justera protokollet\n",
        );
        assert_eq!(f.designated.adjusters, vec!["Bo Ek"]);
        assert_eq!(f.designated.chair, vec!["Anna Berg"]);
    }
}
