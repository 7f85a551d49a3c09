//! Labelled fields: the meeting's date, time and place, its paragraphs, the justering and the
//! notice's dates, each from the value beside its label or on the lines under it.

use super::{Reader, accepted, cut, is_heading};
use crate::minutes::datetime::{find_date, find_time, hhmm};
use crate::minutes::text::{norm, trim_item};
use crate::minutes::vocab::LabelKind;
use crate::minutes::{Fact, ParagraphRange};

impl Reader<'_> {
    /// Lines of a field's value: the inline value, else up to `max` following lines that are
    /// not labels or headings. Returns (line index, text) pairs and the next line to read.
    pub(super) fn values(
        &self,
        i: usize,
        inline: &str,
        max: usize,
    ) -> (Vec<(usize, String)>, usize) {
        let mut out = Vec::new();
        let mut j = i + 1;
        if !inline.is_empty() {
            out.push((i, inline.to_owned()));
            // "Tid och plats: fredag 25 oktober 2024 kl. 09.00" / "Gamla skolan": one more
            // line when it stands alone before the next label.
            if max > 1
                && let Some(next) = self.line(j)
                && !is_heading(&next.text)
                && accepted(&next.text, true, self.lex).is_none()
                && self
                    .line(j + 1)
                    .is_none_or(|l| accepted(&l.text, true, self.lex).is_some())
            {
                out.push((j, next.text.clone()));
                j += 1;
            }
            return (out, j);
        }
        while out.len() < max
            && let Some(next) = self.line(j)
        {
            if is_heading(&next.text) || accepted(&next.text, j < self.head_end, self.lex).is_some()
            {
                break;
            }
            out.push((j, next.text.clone()));
            j += 1;
        }
        (out, j)
    }

    /// A field from its label on line `i` with the value `inline` beside it; returns the line
    /// to read next.
    pub(super) fn field(&mut self, i: usize, kind: LabelKind, inline: &str) -> usize {
        let max = match kind {
            LabelKind::TimePlace => 3,
            LabelKind::Date | LabelKind::Justering => 3,
            LabelKind::NoticePosted | LabelKind::NoticeTakenDown => 2,
            _ => 1,
        };
        let (vals, next) = self.values(i, inline, max);
        // The date, justering and notice fields end at the line their date was found on.
        let ended = match kind {
            LabelKind::TimePlace | LabelKind::Time => {
                self.time_place_field(&vals, kind == LabelKind::TimePlace);
                None
            }
            LabelKind::Date => Some(self.date_field(&vals).unwrap_or(i + 1)),
            LabelKind::Place => {
                self.place_field(&vals);
                None
            }
            LabelKind::Organ => {
                self.organ_field(&vals);
                None
            }
            LabelKind::Paragraphs => {
                self.paragraphs_field(&vals);
                None
            }
            LabelKind::Justering => self.justering_field(&vals),
            LabelKind::NoticePosted | LabelKind::NoticeTakenDown => self.notice_field(&vals, kind),
            _ => None,
        };
        ended.unwrap_or(next).max(i + 1)
    }

    /// "Tid och plats" or "Tid": the date and time on any of its lines, and for the former the
    /// place, which is what remains of them.
    fn time_place_field(&mut self, vals: &[(usize, String)], with_place: bool) {
        let mut places = Vec::new();
        for (k, v) in vals {
            let mut rest = v.clone();
            if let Some(d) = find_date(v, self.lex) {
                self.set_date(d.date.to_string(), *k);
                rest = cut(&rest, d.start, d.end);
            }
            if let Some(t) = find_time(&rest, self.lex) {
                self.set_time(t.start, t.end, *k);
                rest = cut(&rest, t.span.0, t.span.1);
            }
            if with_place {
                let place = self.strip_fillers(&rest);
                if !place.is_empty() {
                    places.push((*k, place));
                }
            }
        }
        if self.meeting.place.is_none()
            && let Some((k, _)) = places.first()
        {
            let k = *k;
            let joined = places
                .iter()
                .map(|(_, p)| p.as_str())
                .collect::<Vec<_>>()
                .join(", ");
            self.meeting.place = Some(joined.clone());
            self.cite(Fact::Place, &joined, k);
        }
    }

    /// The meeting's date (and a time beside it); returns the line after the date's, `None`
    /// when no line has one. Lines before the date are title candidates for the organ.
    fn date_field(&mut self, vals: &[(usize, String)]) -> Option<usize> {
        // A table may put another cell between the label and the date.
        for (k, v) in vals {
            if let Some(d) = find_date(v, self.lex) {
                self.set_date(d.date.to_string(), *k);
                if let Some(t) = find_time(v, self.lex) {
                    self.set_time(t.start, t.end, *k);
                }
                // "Kommunstyrelsen 2024-02-06": the organ's cell beside the date's.
                let rest = cut(v, d.start, d.end);
                if rest.chars().filter(|c| c.is_alphabetic()).count() >= 3
                    && find_time(&rest, self.lex).is_none()
                {
                    self.title.push(*k);
                }
                return Some(k + 1);
            }
            self.title.push(*k);
        }
        None
    }

    fn place_field(&mut self, vals: &[(usize, String)]) {
        if let Some((k, v)) = vals.first() {
            let p = trim_item(v).to_owned();
            if self.meeting.place.is_none() && !p.is_empty() {
                self.meeting.place = Some(p.clone());
                self.cite(Fact::Place, &p, *k);
            }
        }
    }

    /// An organ label's value ("Organ: Kommunstyrelsen"); the title is [`Reader::organ`]'s.
    fn organ_field(&mut self, vals: &[(usize, String)]) {
        if let Some((k, v)) = vals.first() {
            let o = trim_item(v).to_owned();
            if self.meeting.organ.is_none() && !o.is_empty() {
                self.meeting.organ = Some(o.clone());
                self.cite(Fact::Organ, &o, *k);
            }
        }
    }

    /// "Paragrafer §§ 12–15": the first and the last number.
    fn paragraphs_field(&mut self, vals: &[(usize, String)]) {
        if let Some((k, v)) = vals.first() {
            let nums: Vec<u32> = v
                .split(|c: char| !c.is_ascii_digit())
                .filter_map(|s| s.parse().ok())
                .collect();
            if let (Some(&a), Some(&b)) = (nums.first(), nums.last())
                && self.paragraphs.is_none()
            {
                self.paragraphs = Some(ParagraphRange {
                    first: a.min(b),
                    last: a.max(b),
                });
                self.cite(Fact::Paragraphs, v, *k);
            }
        }
    }

    /// The justering's date and the place beside it; returns the line after the date's.
    fn justering_field(&mut self, vals: &[(usize, String)]) -> Option<usize> {
        for (k, v) in vals {
            if let Some(d) = find_date(v, self.lex) {
                if self.justering.date.is_none() {
                    let s = d.date.to_string();
                    self.justering.date = Some(s.clone());
                    self.cite(Fact::Justering, &s, *k);
                    let place = self.strip_fillers(&cut(v, d.start, d.end));
                    if !place.is_empty() {
                        self.justering.place = Some(place);
                    }
                }
                return Some(k + 1);
            }
        }
        None
    }

    /// The date the notice was posted or taken down; returns the line after the date's.
    fn notice_field(&mut self, vals: &[(usize, String)], kind: LabelKind) -> Option<usize> {
        for (k, v) in vals {
            if let Some(d) = find_date(v, self.lex) {
                let s = d.date.to_string();
                let (slot, fact) = if kind == LabelKind::NoticePosted {
                    (&mut self.notice.posted, Fact::NoticePosted)
                } else {
                    (&mut self.notice.taken_down, Fact::NoticeTakenDown)
                };
                if slot.is_none() {
                    *slot = Some(s.clone());
                    self.cite(fact, &s, *k);
                }
                return Some(k + 1);
            }
        }
        None
    }

    pub(super) fn set_date(&mut self, date: String, k: usize) {
        if self.meeting.date.is_none() {
            self.meeting.date = Some(date.clone());
            self.cite(Fact::MeetingDate, &date, k);
        }
    }

    pub(super) fn set_time(&mut self, start: (i8, i8), end: Option<(i8, i8)>, k: usize) {
        if self.meeting.start.is_none() {
            self.meeting.start = Some(hhmm(start));
            self.meeting.end = end.map(hhmm);
            let v = match end {
                Some(e) => format!("{}-{}", hhmm(start), hhmm(e)),
                None => hhmm(start),
            };
            self.cite(Fact::MeetingTime, &v, k);
        }
    }

    /// What remains of a "tid och plats" value once date and time are gone.
    pub(super) fn strip_fillers(&self, s: &str) -> String {
        let mut words: Vec<&str> = s.split_whitespace().collect();
        let is_filler = |w: &str| {
            let n = norm(w.trim_matches(|c: char| matches!(c, ',' | '.' | ';' | '–' | '-')));
            n.is_empty() || self.lex.fillers.contains(&n)
        };
        while words.first().is_some_and(|w| is_filler(w)) {
            words.remove(0);
        }
        while words.last().is_some_and(|w| is_filler(w)) {
            words.pop();
        }
        trim_item(&words.join(" ")).to_owned()
    }
}

#[cfg(test)]
mod tests {
    use crate::minutes::Role;
    use crate::minutes::reader::tests::{read, roles, with_blocks};

    #[test]
    fn the_notice_table_after_the_decisions_is_read() {
        let f = with_blocks(
            "ANSLAG / BEVIS\n\nProtokollet är justerat.\n\n\
             Datum då anslaget sätts upp 2023-11-03\n\nDatum då anslaget tas ned 2023-11-27\n",
        );
        let n = f.notice.expect("notice");
        assert_eq!(n.posted.as_deref(), Some("2023-11-03"));
        assert_eq!(n.taken_down.as_deref(), Some("2023-11-27"));
        // Near miss: a label in running text followed by words is no notice.
        let f = with_blocks("Datum då anslaget sätts upp bestäms av kansliet.\n");
        assert!(f.notice.is_none());
    }

    #[test]
    fn label_and_value_on_separate_lines() {
        let f = read(
            "SAMMANTRÄDESPROTOKOLL\nKultur- och fritidsnämnden\n\nSammanträdesdatum\n\n2024-03-12\n\n\
             Plats och tid\n\nStadshuset, sal 3, kl. 13.00–16.30\n\nBeslutande\n\n\
             Anna Berg (S), ordförande\nBo Ek (M), 1:e vice ordförande\nCecilia Dahl (C)\n\n\
             Tjänstgörande ersättare\n\nDavid Falk (S) ersätter Erik Gren (S)\n\n\
             Övriga närvarande\n\nFrida Holm, nämndsekreterare\n\nUtses att justera\n\nCecilia Dahl\n\n\
             Justeringens plats och tid\n\nStadshuset 2024-03-19\n\nParagrafer\n\n§§ 12–15\n\n\
             Sekreterare\n\nFrida Holm\n\nOrdförande\n\nAnna Berg\n\nJusterande\n\nCecilia Dahl\n\n\
             § 12 Val av justerare\n\nCecilia Dahl utses att justera.\n",
        );
        assert_eq!(f.meeting.date.as_deref(), Some("2024-03-12"));
        assert_eq!(f.meeting.start.as_deref(), Some("13:00"));
        assert_eq!(f.meeting.end.as_deref(), Some("16:30"));
        assert_eq!(f.meeting.place.as_deref(), Some("Stadshuset, sal 3"));
        assert_eq!(
            f.meeting.organ.as_deref(),
            Some("Kultur- och fritidsnämnden")
        );
        assert_eq!(
            roles(&f),
            vec![
                ("Anna Berg".into(), Role::Chair),
                ("Bo Ek".into(), Role::ViceChair),
                ("Cecilia Dahl".into(), Role::Member),
                ("David Falk".into(), Role::Substitute),
                // The list's own title makes her the secretary in the list.
                ("Frida Holm".into(), Role::Secretary),
            ]
        );
        assert_eq!(f.designated.chair, vec!["Anna Berg"]);
        assert_eq!(f.designated.secretary, vec!["Frida Holm"]);
        assert_eq!(f.designated.adjusters, vec!["Cecilia Dahl"]);
        let j = f.justering.expect("justering");
        assert_eq!(j.date.as_deref(), Some("2024-03-19"));
        assert_eq!(j.place.as_deref(), Some("Stadshuset"));
        let p = f.paragraphs.expect("paragraphs");
        assert_eq!((p.first, p.last), (12, 15));
        assert_eq!(f.substitutions.len(), 1);
        assert_eq!(f.substitutions[0].replaces, "Erik Gren");
    }

    #[test]
    fn table_flattened_label_cell_then_value_cell() {
        let f = read(
            "Samordningsförbundet Norr\nPROTOKOLL\nSammanträdesdatum\n2023-11-30\n\
             Plats och tid  Distansmöte, klockan 08.30-12.00\n\
             Beslutande  Peter Vigren  Umeå kommun, ordförande\n\
             Mahmoud Alturk  Region Västerbotten\n\
             Övriga deltagare  Olle Edblom  Förbundschef\n\
             Sekreterare  Johanna Långdal Persson\nOrdförande  Peter Vigren\nJusterare  Mikael Broman\n\
             BEVIS\nJusteringsdatum: 2023-12-20\n\
             Datum för anslags uppsättande: 2023-12-22 Datum för anslags nedtagande: 2024-01-12\n\
             § 47 Mötets öppnande\n",
        );
        assert_eq!(f.meeting.date.as_deref(), Some("2023-11-30"));
        assert_eq!(f.meeting.place.as_deref(), Some("Distansmöte"));
        assert_eq!(f.meeting.start.as_deref(), Some("08:30"));
        assert_eq!(
            roles(&f),
            vec![
                ("Peter Vigren".into(), Role::Chair),
                ("Mahmoud Alturk".into(), Role::Member),
                ("Olle Edblom".into(), Role::Other),
            ]
        );
        assert_eq!(
            f.participants[0].affiliation.as_deref(),
            Some("Umeå kommun")
        );
        assert_eq!(f.designated.secretary, vec!["Johanna Långdal Persson"]);
        assert_eq!(f.designated.chair, vec!["Peter Vigren"]);
        assert_eq!(f.designated.adjusters, vec!["Mikael Broman"]);
        let n = f.notice.expect("notice");
        assert_eq!(n.posted.as_deref(), Some("2023-12-22"));
        assert_eq!(n.taken_down.as_deref(), Some("2024-01-12"));
        assert_eq!(
            f.justering.and_then(|j| j.date).as_deref(),
            Some("2023-12-20")
        );
    }
}
