//! One person as an attendance list or a signature line writes them.
//!
//! `Erik Lövgren (S), Ånge, ordförande`, `Effie Kuorlos (C) ersätter Pär Fredriksson (M),
//! Östersund`, `Richard Nilsson (S), Bräcke §§ 135-141`, `Martin Söderström, förbundschef`,
//! `Peter Vigren Umeå kommun, ordförande` (a table row whose cells lost their border),
//! `Jane Smith (Chair)`. The name is a run of capitalised words; what follows is party,
//! affiliation, role and attendance in any order the list chose.

use super::Role;
use super::text::{
    PhrasePrefix, find_phrase, may_contain_phrase, norm, starts_lower, tokens, trim_item,
};
use super::vocab::Lexicon;

/// Lowercase words that may stand inside a name ("Carl von Otter").
const PARTICLES: &[&str] = &[
    "von", "af", "de", "van", "der", "den", "la", "le", "di", "da", "du", "del", "bin", "al",
];

/// At most this many words make a name; more is a run of names or a sentence.
const MAX_NAME_WORDS: usize = 5;

/// A parsed attendance or signature entry.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Entry {
    /// The person's name as written.
    pub name: String,
    /// Party letters (`S`, `KD`).
    pub party: Option<String>,
    /// Municipality, organisation or title.
    pub affiliation: Option<String>,
    /// A role the entry itself states.
    pub role: Option<Role>,
    /// The member this person replaces ("X ersätter Y").
    pub replaces: Option<String>,
    /// Partial attendance ("135-141").
    pub paragraphs: Option<String>,
    /// True when the line ends in a signature phrase ("enligt digital underskrift").
    pub signed_note: bool,
    /// The text after the name, as written.
    pub tail: String,
}

fn is_name_word(w: &str, lex: &Lexicon) -> bool {
    let w = w.trim_end_matches([',', ';', ':']);
    let mut chars = w.chars();
    let Some(first) = chars.next() else {
        return false;
    };
    if !first.is_uppercase() {
        return false;
    }
    if !w
        .chars()
        .all(|c| c.is_alphabetic() || matches!(c, '-' | '\'' | '’' | '.'))
    {
        return false;
    }
    // "J." is an initial; "EL" or "KD" (footer initials, party letters) is not a name word.
    let letters = w.chars().filter(|c| c.is_alphabetic()).count();
    let all_upper = w
        .chars()
        .filter(|c| c.is_alphabetic())
        .all(char::is_uppercase);
    if letters == 1 {
        return w.ends_with('.');
    }
    if all_upper && letters < 3 {
        return false;
    }
    if w.ends_with('.') && letters > 1 {
        return false;
    }
    let lower: String = w.chars().flat_map(char::to_lowercase).collect();
    if lex.non_name_words.contains(lower.trim_end_matches('.')) {
        return false;
    }
    !lex.is_affiliation_word(&lower)
}

/// The name at the start of `text`, and the byte offset where the rest begins.
///
/// A name is two to five capitalised words (particles allowed inside). Where a table row lost
/// its cell border ("Mathias Haglund Vindelns kommun"), a capitalised word followed by a
/// lowercase one belongs to the affiliation, and a word with an organisation ending
/// ("Försäkringskassan") ends the name.
pub fn leading_name(text: &str, lex: &Lexicon) -> Option<(String, usize)> {
    let toks = tokens(text);
    let mut words: Vec<(usize, usize, &str)> = Vec::new();
    let mut ended_by_comma = false;
    for &(s, e, t) in &toks {
        if words.len() >= MAX_NAME_WORDS {
            break;
        }
        let is_particle = !words.is_empty() && PARTICLES.contains(&t);
        if is_particle || is_name_word(t, lex) {
            let trimmed = t.trim_end_matches([',', ';', ':']);
            let cut = t.len() - trimmed.len();
            words.push((s, e - cut, trimmed));
            if cut > 0 {
                ended_by_comma = true;
                break;
            }
        } else {
            break;
        }
    }
    while words
        .last()
        .is_some_and(|(_, _, w)| PARTICLES.contains(w) || w.ends_with('.'))
    {
        words.pop();
    }
    // "Vindelns kommun": the last capitalised word starts the affiliation.
    if !ended_by_comma && words.len() >= 3 {
        let next = toks.get(words.len()).map(|t| t.2);
        if next.is_some_and(|n| starts_lower(n) && !PARTICLES.contains(&n)) {
            words.pop();
        }
    }
    let named = words
        .iter()
        .filter(|(_, _, w)| !PARTICLES.contains(w))
        .count();
    if named < 2 {
        return None;
    }
    let name = words
        .iter()
        .map(|(_, _, w)| *w)
        .collect::<Vec<_>>()
        .join(" ");
    let end = words.last().map(|&(_, e, _)| e).unwrap_or(0);
    Some((name, end))
}

/// The role a phrase names when `field` is exactly it, or ends with it ("Örnköldsvik 1 v. ordf.").
fn role_in(field: &str, lex: &Lexicon) -> Option<(Role, String)> {
    let n = norm(field);
    let n = n.trim_end_matches(['.', ',']);
    for (phrase, role) in &lex.role_phrases {
        let p = phrase.trim_end_matches('.');
        if n == p {
            return Some((*role, String::new()));
        }
        if let Some(head) = n.strip_suffix(p)
            && head.ends_with(' ')
        {
            // Keep the original spelling of what came before the role.
            let keep = head.trim_end().chars().count();
            let orig: String = field.trim().chars().take(keep).collect();
            return Some((*role, orig.trim().to_owned()));
        }
        if let Some(tail) = n.strip_prefix(p)
            && tail.starts_with(' ')
            && tail.trim().chars().all(|c| c.is_alphanumeric() || c == ' ')
            && tail.trim().split(' ').count() <= 2
            && !starts_lower(tail.trim())
        {
            // "ordförande Ånge": role first, then the municipality (lowercased by norm; keep orig).
            let skip = p.chars().count();
            let orig: String = field.trim().chars().skip(skip).collect();
            return Some((*role, orig.trim().to_owned()));
        }
    }
    None
}

/// True for a party's letters as a participant list writes them inside parentheses: `S`,
/// `KD`, `MP`.
pub(crate) fn is_party(s: &str) -> bool {
    let s = s.trim();
    let letters = s.chars().count();
    (1..=4).contains(&letters) && s.chars().all(|c| c.is_uppercase())
}

/// Party, affiliation and role from what follows a name.
fn parse_tail(rest: &str, entry: &mut Entry, lex: &Lexicon) {
    let mut rest = rest.trim();
    // Parenthesised parts: party "(S)", role "(ordförande)", or a note.
    let mut plain = String::new();
    while let Some(open) = rest.find('(') {
        let (before, after) = rest.split_at(open);
        plain.push_str(before);
        plain.push(' ');
        let after = after.get(1..).unwrap_or("");
        let (inner, next) = match after.find(')') {
            Some(close) => (
                after.get(..close).unwrap_or(""),
                after.get(close + 1..).unwrap_or(""),
            ),
            None => (after, ""),
        };
        if is_party(inner) && entry.party.is_none() {
            entry.party = Some(inner.trim().to_owned());
        } else if let Some((role, _)) = role_in(inner, lex) {
            entry.role.get_or_insert(role);
        }
        rest = next;
    }
    plain.push_str(rest);
    // A table row without separators: "Anna Berg  S  ordförande".
    let first_word = plain.split_whitespace().next().unwrap_or("").to_owned();
    if entry.party.is_none() && is_party(&first_word) {
        entry.party = Some(first_word.clone());
        plain = plain.replacen(&first_word, "", 1);
    }
    for sig in &lex.signature_words {
        if let Some((s, e)) = find_phrase(&plain, sig) {
            entry.signed_note = true;
            let mut cut = plain.get(..s).unwrap_or("").to_owned();
            cut.push_str(plain.get(e..).unwrap_or(""));
            plain = cut;
        }
    }
    for field in plain.split([',', ';']) {
        let field = trim_item(field);
        if field.is_empty() {
            continue;
        }
        if is_party(field) && entry.party.is_none() {
            entry.party = Some(field.to_owned());
            continue;
        }
        if let Some((role, left)) = role_in(field, lex) {
            entry.role.get_or_insert(role);
            if !left.is_empty() && entry.affiliation.is_none() {
                entry.affiliation = Some(left);
            }
            continue;
        }
        if entry.affiliation.is_none() {
            entry.affiliation = Some(field.to_owned());
        }
    }
}

/// Splits off partial attendance ("§§ 135-141") from the end of an entry.
fn split_paragraphs(text: &str) -> (&str, Option<String>) {
    let Some(pos) = text.find('§') else {
        return (text, None);
    };
    let (head, tail) = text.split_at(pos);
    let tail = tail.trim_start_matches(['§', ' ']).trim();
    let tail = tail.trim_end_matches(['.', ',', ';', ')']).trim();
    if !tail.chars().next().is_some_and(|c| c.is_ascii_digit()) {
        return (text, None);
    }
    let tail = tail.replace(['–', '—'], "-");
    let tail = tail.split_whitespace().collect::<Vec<_>>().join(" ");
    let tail = tail.replace(" - ", "-");
    (head.trim_end_matches([' ', ',', '(']), Some(tail))
}

/// Parses one entry. `None` when the text does not start with a name.
pub fn parse_entry(text: &str, lex: &Lexicon) -> Option<Entry> {
    let text = trim_item(text);
    let (text, paragraphs) = split_paragraphs(text);
    // "X ersätter Y" / "Y ersätts av X".
    let mut split = None;
    let lower = text.to_lowercase();
    for (phrase, reversed) in &lex.substitution {
        if !may_contain_phrase(&lower, phrase) {
            continue;
        }
        if let Some((s, e)) = find_phrase(text, phrase) {
            split = Some((s, e, *reversed));
            break;
        }
    }
    let mut entry = Entry {
        paragraphs,
        ..Entry::default()
    };
    match split {
        Some((s, e, reversed)) => {
            let left = text.get(..s).unwrap_or("");
            let right = text.get(e..).unwrap_or("").trim();
            let (sub, replaced) = if reversed {
                (right, left)
            } else {
                (left, right)
            };
            let (name, end) = leading_name(sub, lex)?;
            entry.name = name;
            parse_tail(sub.get(end..).unwrap_or(""), &mut entry, lex);
            if let Some((rname, rend)) = leading_name(replaced, lex) {
                entry.replaces = Some(rname);
                let mut other = Entry::default();
                parse_tail(replaced.get(rend..).unwrap_or(""), &mut other, lex);
                if entry.affiliation.is_none() {
                    entry.affiliation = other.affiliation;
                }
            }
            if !matches!(
                entry.role,
                Some(Role::Chair | Role::ViceChair | Role::Secretary | Role::Adjuster)
            ) {
                entry.role = Some(Role::Substitute);
            }
        }
        None => {
            // "Ordförande Anna Berg (S)", "1:e vice ordförande: Bo Ek": the role comes first.
            let mut text = text;
            let prefix = PhrasePrefix::of(text);
            for (phrase, role) in &lex.role_phrases {
                if !prefix.admits(phrase) {
                    continue;
                }
                if let Some(end) = super::text::strip_phrase(text, phrase) {
                    let rest = text.get(end..).unwrap_or("");
                    let rest = rest.trim_start().trim_start_matches(':').trim_start();
                    if leading_name(rest, lex).is_some() {
                        entry.role = Some(*role);
                        text = rest;
                    }
                    break;
                }
            }
            let (name, end) = leading_name(text, lex)?;
            entry.name = name;
            let tail = text.get(end..).unwrap_or("");
            entry.tail = tail.trim().to_owned();
            parse_tail(tail, &mut entry, lex);
        }
    }
    Some(entry)
}

/// Names in a designation value: "Anna Berg och Bo Ek", "Tom Brown, Ann Green",
/// "Pernilla Färlin (M), Ljusdals kommun".
pub fn names_in_value(text: &str, lex: &Lexicon) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    let mut pieces = vec![text.to_owned()];
    for sep in [" och ", " and ", " & ", " samt ", ";", ","] {
        pieces = pieces
            .iter()
            .flat_map(|p| p.split(sep).map(str::to_owned).collect::<Vec<_>>())
            .collect();
    }
    for p in pieces {
        let p = trim_item(&p);
        if let Some((name, end)) = leading_name(p, lex) {
            let rest = p.get(end..).unwrap_or("").trim();
            // A name followed by a sentence is not a signer ("Anna Berg valdes …").
            if rest.is_empty() || rest.starts_with('(') || rest.split_whitespace().count() <= 2 {
                out.push(name);
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::minutes::vocab::lexicon;

    fn e(s: &str) -> Entry {
        parse_entry(s, lexicon()).unwrap_or_else(|| panic!("no entry in {s:?}"))
    }

    #[test]
    fn party_affiliation_and_chair_role() {
        let x = e("Erik Lövgren (S), Ånge, ordförande");
        assert_eq!(x.name, "Erik Lövgren");
        assert_eq!(x.party.as_deref(), Some("S"));
        assert_eq!(x.affiliation.as_deref(), Some("Ånge"));
        assert_eq!(x.role, Some(Role::Chair));
    }

    #[test]
    fn an_organisation_with_one_letter_misread_by_ocr_is_still_an_organisation() {
        // 004-scanned, deskewed: tesseract read "ö" as "é".
        let x = e("Andreas Olofsson Arbetsférmedlingen");
        assert_eq!(x.name, "Andreas Olofsson");
        assert_eq!(x.affiliation.as_deref(), Some("Arbetsférmedlingen"));
        // Short endings stay exact: "Kommun" misread is not fuzzy-matched into a name.
        let y = e("Anna Frej Vännäs kommun");
        assert_eq!(y.name, "Anna Frej");
    }

    #[test]
    fn vice_chair_suffix_after_municipality() {
        let x = e("Anna-Britta Åkerlind (C), Örnköldsvik 1 v. ordf.");
        assert_eq!(x.name, "Anna-Britta Åkerlind");
        assert_eq!(x.affiliation.as_deref(), Some("Örnköldsvik"));
        assert_eq!(x.role, Some(Role::ViceChair));
    }

    #[test]
    fn substitution_names_the_replaced_member() {
        let x = e("Effie Kuorlos (C) ersätter Pär Fredriksson (M), Östersund");
        assert_eq!(x.name, "Effie Kuorlos");
        assert_eq!(x.party.as_deref(), Some("C"));
        assert_eq!(x.replaces.as_deref(), Some("Pär Fredriksson"));
        assert_eq!(x.affiliation.as_deref(), Some("Östersund"));
        assert_eq!(x.role, Some(Role::Substitute));
    }

    #[test]
    fn partial_attendance_paragraphs() {
        let x = e("Richard Nilsson (S), Bräcke §§ 135-141");
        assert_eq!(x.affiliation.as_deref(), Some("Bräcke"));
        assert_eq!(x.paragraphs.as_deref(), Some("135-141"));
        let y = e("Thomas Lindberg, Länsstyrelsen §§ 138, 140 b");
        assert_eq!(y.paragraphs.as_deref(), Some("138, 140 b"));
        let z = e("Anna Berg (S) §§ 12–15");
        assert_eq!(z.paragraphs.as_deref(), Some("12-15"));
    }

    #[test]
    fn table_row_without_cell_border() {
        let x = e("Mathias Haglund Vindelns kommun");
        assert_eq!(x.name, "Mathias Haglund");
        assert_eq!(x.affiliation.as_deref(), Some("Vindelns kommun"));
        let y = e("Mikael Broman Försäkringskassan");
        assert_eq!(y.name, "Mikael Broman");
        let z = e("Johanna Långdal Persson Administratör");
        assert_eq!(z.name, "Johanna Långdal Persson");
        let w = e("Peter Vigren Umeå kommun, ordförande");
        assert_eq!(w.name, "Peter Vigren");
        assert_eq!(w.role, Some(Role::Chair));
    }

    #[test]
    fn title_after_comma_is_affiliation_and_secretary_is_role() {
        let x = e("Martin Söderström, förbundschef");
        assert_eq!(x.affiliation.as_deref(), Some("förbundschef"));
        assert_eq!(x.role, None);
        let y = e("Elise Ackerot, sekreterare");
        assert_eq!(y.role, Some(Role::Secretary));
        assert_eq!(y.affiliation, None);
    }

    #[test]
    fn role_before_name_and_party_as_bare_letters() {
        let x = e("Ordförande Anna Berg (S)");
        assert_eq!((x.name.as_str(), x.role), ("Anna Berg", Some(Role::Chair)));
        let y = e("1:e vice ordförande: Bo Ek (M), Ånge");
        assert_eq!((y.name.as_str(), y.role), ("Bo Ek", Some(Role::ViceChair)));
        assert_eq!(y.affiliation.as_deref(), Some("Ånge"));
        let z = e("Cecilia Dahl S ordförande");
        assert_eq!(z.party.as_deref(), Some("S"));
        assert_eq!(z.role, Some(Role::Chair));
    }

    #[test]
    fn english_role_in_parentheses() {
        let x = e("Jane Smith (Chair), Northtown Council");
        assert_eq!(x.role, Some(Role::Chair));
        assert_eq!(x.affiliation.as_deref(), Some("Northtown Council"));
    }

    #[test]
    fn footer_initials_and_sentences_are_not_names() {
        assert!(parse_entry("EL", lexicon()).is_none());
        assert!(parse_entry("JA", lexicon()).is_none());
        assert!(parse_entry("Ordförande förklarade mötet öppnat.", lexicon()).is_none());
        assert!(parse_entry("Östersund", lexicon()).is_none());
    }

    #[test]
    fn designation_values() {
        let lex = lexicon();
        assert_eq!(
            names_in_value("Pernilla Färlin (M), Ljusdals kommun", lex),
            vec!["Pernilla Färlin"]
        );
        assert_eq!(
            names_in_value("Tom Brown and Ann Green", lex),
            vec!["Tom Brown", "Ann Green"]
        );
    }
}
