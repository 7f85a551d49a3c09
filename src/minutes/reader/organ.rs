//! The organ (the body that met) from the title lines, with the words "protokoll" and the
//! like taken off and a meeting noun ("Styrelsemöte") turned into its organ.

use super::{Reader, cut};
use crate::minutes::Fact;
use crate::minutes::datetime::find_date;
use crate::minutes::text::{find_phrase, norm, trim_item};

/// Title lines considered for the organ.
const MAX_TITLE_LINES: usize = 3;

impl Reader<'_> {
    pub(super) fn organ(&mut self) {
        if self.meeting.organ.is_some() {
            return;
        }
        let stop = self.first_label.unwrap_or(self.head_end).min(self.head_end);
        let mut idx: Vec<usize> = (0..stop).collect();
        idx.extend(self.title.iter().copied());
        let mut parts: Vec<(usize, String, bool)> = Vec::new();
        for k in idx {
            let text = self.text(k).to_owned();
            let (cleaned, had_protocol) = self.strip_protocol_words(&text);
            let cleaned = match find_date(&cleaned, self.lex) {
                Some(d) => cut(&cleaned, d.start, d.end),
                None => cleaned,
            };
            let cleaned = trim_item(&cleaned).to_owned();
            let letters = cleaned.chars().filter(|c| c.is_alphabetic()).count();
            if letters < 3 {
                continue;
            }
            parts.push((k, cleaned, had_protocol));
            if parts.len() >= MAX_TITLE_LINES {
                break;
            }
        }
        let normalised: Vec<(usize, String, bool)> = parts
            .into_iter()
            .map(|(k, p, h)| {
                let (p, is_organ) = self.normalise_organ(&p);
                (k, p, is_organ || h)
            })
            .collect();
        let organ = match normalised.as_slice() {
            [] => return,
            [(k, p, _)] => (*k, p.clone()),
            [(k, a, a_organ), (_, b, b_organ), ..] => {
                if *b_organ && !a_organ {
                    (*k, format!("{a} ({b})"))
                } else {
                    (*k, a.clone())
                }
            }
        };
        self.meeting.organ = Some(organ.1.clone());
        self.cite(Fact::Organ, &organ.1, organ.0);
    }

    pub(super) fn strip_protocol_words(&self, text: &str) -> (String, bool) {
        let mut s = text.to_owned();
        let mut had = false;
        for w in &self.lex.protocol_words {
            while let Some((a, b)) = find_phrase(&s, w) {
                had = true;
                s = cut(&s, a, b);
            }
        }
        (s.split_whitespace().collect::<Vec<_>>().join(" "), had)
    }

    /// "styrelsen Kommunförbundet X" → "Styrelsen, Kommunförbundet X"; "Styrelsemöte X" →
    /// "Styrelsen, X". The flag says whether the text starts with an organ word.
    pub(super) fn normalise_organ(&self, p: &str) -> (String, bool) {
        for (noun, organ) in &self.lex.organ_meetings {
            if let Some((0, e)) = find_phrase(p, noun) {
                let rest = p
                    .get(e..)
                    .unwrap_or("")
                    .trim()
                    .trim_start_matches(',')
                    .trim();
                if organ.is_empty() {
                    return (rest.to_owned(), false);
                }
                if rest.is_empty() {
                    return (organ.clone(), true);
                }
                return (format!("{organ}, {rest}"), true);
            }
        }
        let words: Vec<&str> = p.split_whitespace().collect();
        for n in (1..=words.len().min(3)).rev() {
            let head = words.get(..n).unwrap_or(&[]).join(" ");
            if self.lex.organ_words.contains(&norm(&head)) {
                let mut chars = head.chars();
                let cap: String = chars
                    .next()
                    .map(|c| c.to_uppercase().chain(chars.as_str().chars()).collect())
                    .unwrap_or_default();
                let cap = cap.trim_end_matches(',').to_owned();
                let rest = words.get(n..).unwrap_or(&[]).join(" ");
                let rest = rest.trim_start_matches(',').trim();
                if rest.is_empty() {
                    return (cap, true);
                }
                return (format!("{cap}, {rest}"), true);
            }
        }
        (p.to_owned(), false)
    }
}

#[cfg(test)]
mod tests {
    use crate::minutes::reader::tests::{read, roles};
    use crate::minutes::{Role, read_minutes};

    #[test]
    fn repeated_page_header_and_signature_box() {
        let header = "Hälsingerådet\nSAMMANTRÄDESPROTOKOLL\nStyrelsen Kommunsamverkan\n";
        let footer = "Ordförande\n\nJusterande\n\nUtdragsbestyrkande";
        let p1 = format!(
            "{header}Tid och plats\nOrbaden den 24 januari 2024 kl 09:00-15:00\nBeslutande\n\
             Mikael Löthstam (S), Hudiksvalls kommun\nPernilla Färlin (M), Ljusdals kommun\n\
             Utses att justera\nPernilla Färlin (M), Ljusdals kommun\n{footer}"
        );
        let p2 = format!(
            "{header}Kristina Westhed, sekreterare, enligt digital underskrift\n\
             Mikael Löthstam, ordförande, enligt digital underskrift\n\
             Pernilla Färlin, justerare, enligt digital underskrift\n{footer}"
        );
        let p3 = format!(
            "{header}§784 Mötets öppnande\nOrdförande Mikael Löthstam hälsade alla välkomna.\n{footer}"
        );
        let p4 =
            format!("{header}§785 Val av justerare\nPernilla Färlin utsågs att justera.\n{footer}");
        let f = read_minutes(&[&p1, &p2, &p3, &p4]).expect("minutes");
        assert_eq!(f.meeting.place.as_deref(), Some("Orbaden"));
        assert_eq!(f.meeting.date.as_deref(), Some("2024-01-24"));
        assert_eq!(
            f.meeting.organ.as_deref(),
            Some("Hälsingerådet (Styrelsen, Kommunsamverkan)")
        );
        assert_eq!(f.designated.chair, vec!["Mikael Löthstam"]);
        assert_eq!(f.designated.secretary, vec!["Kristina Westhed"]);
        assert_eq!(f.designated.adjusters, vec!["Pernilla Färlin"]);
        // The list gives no roles: designation stays in `designated`.
        assert!(f.participants.iter().all(|p| p.role == Role::Member));
        let chair = f
            .evidence
            .iter()
            .find(|e| e.fact == crate::minutes::Fact::Chair)
            .expect("chair evidence");
        assert_eq!((chair.page, chair.line), (2, 5));
    }

    #[test]
    fn swedish_label_value_on_one_line_with_initials_in_footer() {
        let f = read(
            "Protokoll styrelsen Kommunförbundet Västernorrland\n\nPlats: Digitalt via Teams\n\n\
             Tid: 2022-09-23 kl. 13.00-15.00\n\nNärvarande:\n\n\
             Erik Lövgren (S), Ånge, ordförande\nAnna-Britta Åkerlind (C), Örnköldsvik 1 v. ordf.\n\
             Johan Andersson (C), Sollefteå\n\nUtses att justera: Johan Andersson\n\n\
             Paragrafer 28 – 36\n\nUnderskrifter\n\nSekreterare: Annelie Ledin\n\n\
             Annelie Ledin (26 sep 2022 10:58 GMT+2)\n\nOrdförande: Erik Lövgren\n\n\
             Justerande: Johan Andersson\n\n§ 28 Ledningens information\n\nEL\n\nJA§ 29 Uppföljning\n",
        );
        assert_eq!(
            f.meeting.organ.as_deref(),
            Some("Styrelsen, Kommunförbundet Västernorrland")
        );
        assert_eq!(f.meeting.place.as_deref(), Some("Digitalt via Teams"));
        assert_eq!(
            roles(&f),
            vec![
                ("Erik Lövgren".into(), Role::Chair),
                ("Anna-Britta Åkerlind".into(), Role::ViceChair),
                ("Johan Andersson".into(), Role::Member),
            ]
        );
        assert_eq!(f.designated.secretary, vec!["Annelie Ledin"]);
        let p = f.paragraphs.expect("paragraphs");
        assert_eq!((p.first, p.last), (28, 36));
    }
}
