//! Attendance: the lists of who took part, was absent or stood in for whom, with their
//! roles, parties and affiliations, one entry per line, per table cell or per semicolon.

use super::{Reader, accepted, cells_of, is_heading};
use crate::minutes::lines::classify;
use crate::minutes::people::{Entry, leading_name, parse_entry};
use crate::minutes::text::{fold, norm, starts_lower, tokens};
use crate::minutes::vocab::{LabelKind, Lexicon, SectionKind};
use crate::minutes::{Participant, Role, Substitution};

/// An attendance list longer than this is not an attendance list.
const MAX_ENTRIES: usize = 300;

/// Who took part, was absent or stood in for whom, as the lists give them.
#[derive(Debug, Default)]
pub(super) struct Attendance {
    pub participants: Vec<Participant>,
    /// The line each participant was read from, in the same order.
    pub participant_lines: Vec<usize>,
    pub absent: Vec<String>,
    pub substitutions: Vec<Substitution>,
}

impl Reader<'_> {
    /// An attendance section from line `i`; returns the next line to read.
    pub(super) fn section(&mut self, i: usize, inline: &str, kind: SectionKind) -> usize {
        let mut texts: Vec<String> = Vec::new();
        let mut run: Vec<String> = Vec::new();
        let mut j = i + 1;
        let mut pending: Vec<String> = Vec::new();
        let mut kind = kind;
        // "Övriga närvarande  Ersättare": a sub-heading in the label's cell names the list.
        match classify(inline, self.lex) {
            Some(m) if m.value.is_empty() => {
                if let LabelKind::Section(sub) = m.kind {
                    kind = sub;
                }
            }
            _ if parse_entry(inline, self.lex).is_some() => pending.push(inline.to_owned()),
            _ => {}
        }
        loop {
            let (text, from_line) = if let Some(p) = pending.pop() {
                (p, false)
            } else {
                let Some(line) = self.line(j) else { break };
                let text = line.text.clone();
                if is_heading(&text) || !self.role_entry_in_list(j) {
                    break;
                }
                (text, true)
            };
            let next = if from_line { j + 1 } else { j };
            let (cells, joined) = match self.semicolon_entries(&text, next) {
                Some((entries, joined)) => (entries, joined),
                None => (cells_of(&text), false),
            };
            if joined {
                j += 1;
            }
            let mut stop = false;
            for (c, cell) in cells.into_iter().enumerate() {
                let words = tokens(&cell);
                let all_names = !words.is_empty()
                    && words
                        .iter()
                        .all(|(_, _, w)| self.is_plain_name_word(w) && !w.contains(','));
                // "Peter Vigren Mahmoud Alturk …": a cell of names that lost its line breaks.
                if all_names && (words.len() >= 4 || !run.is_empty()) {
                    run.extend(words.iter().map(|(_, _, w)| (*w).to_owned()));
                    continue;
                }
                if !run.is_empty() {
                    texts.extend(segment_names(&std::mem::take(&mut run)));
                }
                if parse_entry(&cell, self.lex).is_some() {
                    texts.push(cell);
                } else if let Some(last) = texts.last_mut()
                    // A later cell of the same table row belongs to the row's person.
                    && (c > 0 || continues(last, &cell, self.lex))
                {
                    last.push(' ');
                    last.push_str(&cell);
                } else {
                    stop = true;
                    break;
                }
            }
            // A line that stopped the list is left for the walk to read.
            if stop || texts.len() > MAX_ENTRIES {
                break;
            }
            if from_line {
                j += 1;
            }
        }
        if !run.is_empty() {
            texts.extend(segment_names(&run));
        }
        for t in texts {
            let Some(entry) = parse_entry(&t, self.lex) else {
                continue;
            };
            self.add_participant(entry, kind, i);
        }
        j.max(i + 1)
    }

    /// "Ylva Dahlén, utredare; Benny Rönnbäck, sekreterare; Tomas" / "Sjödén, utredare":
    /// entries separated by semicolons, the last one completed by line `next` when the list
    /// wraps there (its last entry is one word, or the next line goes on with semicolons).
    /// Returns the entries and whether line `next` was used; `None` without semicolons.
    pub(super) fn semicolon_entries(&self, text: &str, next: usize) -> Option<(Vec<String>, bool)> {
        if !text.contains(';') {
            return None;
        }
        let mut text = text.trim_end().to_owned();
        let mut joined = false;
        let last = text.rsplit(';').next().unwrap_or("").trim().to_owned();
        if !text.ends_with([';', '.'])
            && let Some(line) = self.line(next)
            && !is_heading(&line.text)
            && accepted(&line.text, next < self.head_end, self.lex).is_none()
            && (last.split_whitespace().count() == 1 || line.text.contains(';'))
        {
            text.push(' ');
            text.push_str(line.text.trim());
            joined = true;
        }
        let entries = text
            .split(';')
            .map(|e| e.trim().trim_end_matches('.').to_owned())
            .filter(|e| !e.is_empty())
            .collect();
        Some((entries, joined))
    }

    /// True when line `j` may continue an attendance list: not a label, or a role label that
    /// starts an entry ("Ordförande Anna Berg (S)") without a colon or with the list going on
    /// after it. "Sekreterare: Frida Holm" after a list, with a label next, is a designation.
    pub(super) fn role_entry_in_list(&self, j: usize) -> bool {
        let in_head = j < self.head_end;
        let text = self.text(j);
        let Some(m) = accepted(text, in_head, self.lex) else {
            return true;
        };
        if !matches!(m.kind, LabelKind::Role(_)) || m.value.is_empty() {
            return false;
        }
        if parse_entry(text, self.lex).is_none() {
            return false;
        }
        if !m.colon {
            return true;
        }
        let next = self.text(j + 1);
        !next.is_empty()
            && !is_heading(next)
            && parse_entry(next, self.lex).is_some()
            && accepted(next, in_head, self.lex)
                .is_none_or(|n| matches!(n.kind, LabelKind::Role(_)))
    }

    pub(super) fn is_plain_name_word(&self, w: &str) -> bool {
        leading_name(&format!("{w} Xx"), self.lex).is_some_and(|(n, _)| n.ends_with(" Xx"))
            && !w.ends_with('.')
    }

    pub(super) fn add_participant(&mut self, entry: Entry, kind: SectionKind, i: usize) {
        if kind == SectionKind::Absent {
            if !self
                .attendance
                .absent
                .iter()
                .any(|a| fold(a) == fold(&entry.name))
            {
                self.attendance.absent.push(entry.name);
            }
            return;
        }
        let default = match kind {
            SectionKind::Member => Role::Member,
            SectionKind::Substitute => Role::Substitute,
            _ => Role::Other,
        };
        let role = entry.role.unwrap_or(default);
        if let Some(r) = &entry.replaces {
            self.attendance.substitutions.push(Substitution {
                substitute: entry.name.clone(),
                replaces: r.clone(),
            });
        }
        let key = fold(&entry.name);
        if self
            .attendance
            .participants
            .iter()
            .any(|p| fold(&p.name) == key)
        {
            return;
        }
        self.attendance.participants.push(Participant {
            name: entry.name,
            role,
            party: entry.party,
            affiliation: entry.affiliation,
            replaces: entry.replaces,
            paragraphs: entry.paragraphs,
        });
        self.attendance.participant_lines.push(i);
    }
}

/// True when `cell` continues the entry `last` rather than starting a new one.
fn continues(last: &str, cell: &str, lex: &Lexicon) -> bool {
    let l = last.trim_end();
    if l.ends_with([',', '(', '-', '–', '/', '&']) {
        return true;
    }
    let nl = norm(l);
    if lex
        .substitution
        .iter()
        .any(|(p, _)| nl.ends_with(p.as_str()))
    {
        return true;
    }
    let c = cell.trim_start();
    if c.starts_with(['§', '(']) || starts_lower(c) {
        return true;
    }
    // A lone word ("Östersund") completes an entry that has no affiliation yet; after a
    // complete entry it is a heading of running text.
    c.split_whitespace().count() == 1
        && !l.contains(',')
        && parse_entry(l, lex).is_some_and(|e| e.affiliation.is_none())
}

/// Pairs of words from a run of names; an odd word out joins the last name.
fn segment_names(words: &[String]) -> Vec<String> {
    let mut out: Vec<String> = words.chunks(2).map(|c| c.join(" ")).collect();
    if words.len() % 2 == 1
        && out.len() >= 2
        && let Some(last) = out.pop()
        && let Some(prev) = out.last_mut()
    {
        prev.push(' ');
        prev.push_str(&last);
    }
    out
}

#[cfg(test)]
mod tests {
    use crate::minutes::Role;
    use crate::minutes::reader::tests::{read, roles};

    #[test]
    fn entries_separated_by_semicolons_over_two_lines() {
        let f = read(
            "PROTOKOLL Kommunstyrelsen 2023-05-04\n\nBeslutande: Åsa Häggström (S), ordförande\n\
             Sören Östlund (KD)\n\n\
             Övriga deltagare: Ylva Dahlén, utredare; Benny Rönnbäck, sekreterare; Tomas\n\
             Sjödén, utredare; Benny Ekström, miljöinspektör\n\n\
             Utses att justera: Sören Östlund\n\n§ 37 Val av justerare\n\nText.\n",
        );
        let others: Vec<(String, Role)> = roles(&f).into_iter().skip(2).collect();
        assert_eq!(
            others,
            vec![
                ("Ylva Dahlén".into(), Role::Other),
                ("Benny Rönnbäck".into(), Role::Secretary),
                ("Tomas Sjödén".into(), Role::Other),
                ("Benny Ekström".into(), Role::Other),
            ]
        );
        assert_eq!(f.designated.secretary, vec!["Benny Rönnbäck"]);
        // Near miss: a list that ends with its line does not take the next label's line.
        let f = read(
            "PROTOKOLL Kommunstyrelsen 2023-05-04\n\nBeslutande: Åsa Häggström (S), ordförande\n\n\
             Övriga deltagare: Ylva Dahlén, utredare; Benny Rönnbäck, sekreterare\n\
             Utses att justera: Åsa Häggström\n\n§ 37 Val av justerare\n\nText.\n",
        );
        assert_eq!(f.designated.adjusters, vec!["Åsa Häggström"]);
        assert_eq!(f.participants.len(), 3);
    }

    #[test]
    fn two_column_list_on_one_line() {
        let f = read(
            "Protokoll kommunstyrelsen 2024-05-02\nNärvarande:\n\
             Anna Berg (S), ordförande    Bo Ek (M)\nCecilia Dahl (C)    David Falk (L)\n\
             Justerare: Bo Ek\n§ 1 Öppnande\n",
        );
        let names: Vec<&str> = f.participants.iter().map(|p| p.name.as_str()).collect();
        assert_eq!(names, ["Anna Berg", "Bo Ek", "Cecilia Dahl", "David Falk"]);
        assert_eq!(f.meeting.date.as_deref(), Some("2024-05-02"));
        assert_eq!(f.designated.chair, vec!["Anna Berg"]);
        assert_eq!(f.designated.adjusters, vec!["Bo Ek"]);
    }

    #[test]
    fn substitute_replaces_member_who_is_not_a_participant() {
        let f = read(
            "Protokoll\nTid: 2024-10-25 kl. 09.00-12.00\nDeltagare (beslutande):\n\
             Effie Kuorlos (C) ersätter Pär Fredriksson (M),\nÖstersund\n\
             Therese Kärngård (S), Berg\nRichard Nilsson (S), Bräcke §§ 135–141\n\
             Ej närvarande (beslutande):\nKarin Jonsson (C), Krokom\n\
             Justeras av:\nElise Ackerot\nSekreterare\nNiklas DaosonOrdförande\nMikael Westin\nJusterare\n",
        );
        let names: Vec<&str> = f.participants.iter().map(|p| p.name.as_str()).collect();
        assert_eq!(
            names,
            ["Effie Kuorlos", "Therese Kärngård", "Richard Nilsson"]
        );
        assert_eq!(
            f.participants[0].replaces.as_deref(),
            Some("Pär Fredriksson")
        );
        assert_eq!(f.participants[0].affiliation.as_deref(), Some("Östersund"));
        assert_eq!(f.participants[2].paragraphs.as_deref(), Some("135-141"));
        assert_eq!(f.absent, vec!["Karin Jonsson"]);
        // Name above role, one role glued to the name.
        assert_eq!(f.designated.secretary, vec!["Elise Ackerot"]);
        assert_eq!(f.designated.chair, vec!["Niklas Daoson"]);
        assert_eq!(f.designated.adjusters, vec!["Mikael Westin"]);
    }

    #[test]
    fn role_before_name_inside_the_attendance_list() {
        let f = read(
            "Protokoll\nSammanträdesdatum 2024-02-01\nNärvarande ledamöter\n\
             Ordförande Anna Berg (S)\n1:e vice ordförande Bo Ek (M)\nCecilia Dahl (C)\n\
             Ersättare\nDavid Falk (S)\nSekreterare: Frida Holm\nJusterare: Cecilia Dahl\n\
             § 1 Mötets öppnande\n",
        );
        assert_eq!(
            roles(&f),
            vec![
                ("Anna Berg".into(), Role::Chair),
                ("Bo Ek".into(), Role::ViceChair),
                ("Cecilia Dahl".into(), Role::Member),
                ("David Falk".into(), Role::Substitute),
            ]
        );
        assert_eq!(f.designated.chair, vec!["Anna Berg"]);
        assert_eq!(f.designated.secretary, vec!["Frida Holm"]);
        assert_eq!(f.designated.adjusters, vec!["Cecilia Dahl"]);
    }

    #[test]
    fn sub_heading_beside_the_section_label_and_dotted_signature_lines() {
        let f = read(
            "SAMMANTRÄDESPROTOKOLL\nSammanträdesdatum\nKommunstyrelsen 2024-02-06\n\
             Plats och tid Kommunhuset, Borgen, kl. 08.30–12.00\nBeslutande Ledamöter\n\
             Anna Andersson (S), ordförande\nBo Bengtsson (M)\nÖvriga närvarande Ersättare\n\
             Erik Eriksson (V)\nTjänstepersoner\nFia Fransson, kommundirektör\n\
             Utses att justera Bo Bengtsson\n\
             Underskrifter Sekreterare ..........................  Paragrafer 1-15\n\
             Gun Gustavsson\nOrdförande ..........................\nAnna Andersson\n\
             Justerande ..........................\nBo Bengtsson\nANSLAG/BEVIS\n\
             Datum då anslaget sätts upp 2024-02-09  Datum då anslaget tas ned 2024-03-02\n\
             § 1 Val av justerare\n",
        );
        assert_eq!(f.meeting.organ.as_deref(), Some("Kommunstyrelsen"));
        assert_eq!(
            roles(&f),
            vec![
                ("Anna Andersson".into(), Role::Chair),
                ("Bo Bengtsson".into(), Role::Member),
                ("Erik Eriksson".into(), Role::Substitute),
                ("Fia Fransson".into(), Role::Other),
            ]
        );
        assert_eq!(f.designated.secretary, vec!["Gun Gustavsson"]);
        assert_eq!(f.designated.chair, vec!["Anna Andersson"]);
        assert_eq!(f.designated.adjusters, vec!["Bo Bengtsson"]);
        let p = f.paragraphs.expect("paragraphs");
        assert_eq!((p.first, p.last), (1, 15));
        let n = f.notice.expect("notice");
        assert_eq!(n.taken_down.as_deref(), Some("2024-03-02"));
    }
}
