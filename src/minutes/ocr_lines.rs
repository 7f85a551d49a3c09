//! OCR text made readable as minutes: what a scan adds to a line that print never has.
//!
//! Tesseract reads specks, table borders and the edge of a stamp as punctuation at the ends of
//! lines (`: Sekreterare ;`, `| Berit Åkesson (M)`, `Maja Lindström °`), and misreads a letter
//! of the words the reader keys on (`ordférande`, `sekreterafe`, `Narvarande` without its
//! diacritic). Both would hide a designation or a whole attendance list. Before the minutes are
//! read, the lines of OCRed pages lose that edge noise, and a misread role or section word
//! is read as the vocabulary's word when it is one letter from exactly one of them. Only
//! short lines (labels, attendance and signature lines) are corrected; running text is
//! left as OCR read it.

use std::sync::OnceLock;

use super::people::parse_entry;
use super::vocab::lexicon;
use crate::identity::fold;

/// Lines with more words than this are running text, whose words are not corrected.
const MAX_CORRECTED_WORDS: usize = 8;
/// Vocabulary words shorter than this are not correction targets: one letter from a short word
/// is another word (`ledamot`/`ledamöt` is fine, `och`/`ock` is not worth the risk).
const MIN_TARGET_LETTERS: usize = 8;

/// Characters a scan puts at the edges of a line that print does not: borders, specks, the
/// edge of a stamp.
fn edge_noise(c: char) -> bool {
    matches!(
        c,
        '|' | ':'
            | ';'
            | '.'
            | ','
            | '_'
            | '°'
            | '~'
            | '\''
            | '"'
            | '‘'
            | '’'
            | '“'
            | '”'
            | '¦'
            | '«'
            | '»'
            | '='
            | '*'
            | '^'
            | '`'
            | '¢'
            | '£'
            | '¥'
            | '©'
            | '®'
    ) || c.is_whitespace()
}

/// `line` without scan noise at its edges: leading noise goes, and trailing noise that stands
/// apart from the text (after a space) or is not ordinary punctuation goes. A line's own
/// final `.` or `:` (`Närvarande:`) stays.
pub fn trim_edges(line: &str) -> &str {
    let start = line.trim_start_matches(edge_noise);
    let mut end = start.trim_end();
    while let Some(last) = end.chars().last() {
        let before = &end[..end.len() - last.len_utf8()];
        let detached = before.ends_with(char::is_whitespace);
        let ordinary = matches!(last, '.' | ':' | ',' | ')');
        if edge_noise(last) && (detached || !ordinary) {
            end = before.trim_end();
        } else {
            break;
        }
    }
    end
}

/// The role and section words of every language, folded, with their spelling: the words the
/// reader keys designations and attendance lists on.
fn targets() -> &'static [(String, String)] {
    static TARGETS: OnceLock<Vec<(String, String)>> = OnceLock::new();
    TARGETS.get_or_init(|| {
        let mut out: Vec<(String, String)> = Vec::new();
        for v in &lexicon().languages {
            let phrases = [
                &v.sections.member,
                &v.sections.substitute,
                &v.sections.other,
                &v.sections.absent,
                &v.roles.chair,
                &v.roles.vice_chair,
                &v.roles.secretary,
                &v.roles.adjuster,
                &v.roles.member,
                &v.roles.substitute,
            ];
            for phrase in phrases.into_iter().flatten() {
                for word in phrase.split_whitespace() {
                    let word: String = word.chars().filter(|c| c.is_alphabetic()).collect();
                    let folded = fold(&word).words.concat();
                    if folded.chars().count() >= MIN_TARGET_LETTERS
                        && !out.iter().any(|(f, _)| *f == folded)
                    {
                        out.push((folded, word.to_lowercase()));
                    }
                }
            }
        }
        out
    })
}

/// True when `a` and `b` differ by exactly one substitution, insertion or deletion.
fn one_edit(a: &[char], b: &[char]) -> bool {
    match a.len().abs_diff(b.len()) {
        0 => a.iter().zip(b).filter(|(x, y)| x != y).count() == 1,
        1 => {
            let (short, long) = if a.len() < b.len() { (a, b) } else { (b, a) };
            let skip = short
                .iter()
                .zip(long)
                .position(|(x, y)| x != y)
                .unwrap_or(short.len());
            short.get(skip..) == long.get(skip + 1..)
        }
        _ => false,
    }
}

/// The vocabulary word OCR's `word` stands for, when it is not itself one: its folded form
/// equals one (`Narvarande`), or is one edit from exactly one and starts with its letter
/// (`ordférande`). An inflection (`ordföranden`, the word plus an ending) is left alone.
fn correction(word: &str) -> Option<&'static str> {
    let letters: String = word.chars().filter(|c| c.is_alphabetic()).collect();
    if letters.chars().count() + 1 < MIN_TARGET_LETTERS || letters.len() != word.len() {
        return None;
    }
    let folded = fold(&letters).words.concat();
    let lower = letters.to_lowercase();
    let targets = targets();
    if let Some((_, spelling)) = targets.iter().find(|(f, _)| *f == folded) {
        return (*spelling != lower).then_some(spelling.as_str());
    }
    let read: Vec<char> = folded.chars().collect();
    let mut found = targets.iter().filter(|(f, _)| {
        let target: Vec<char> = f.chars().collect();
        target.first() == read.first()
            && !folded.starts_with(f.as_str())
            && !f.starts_with(folded.as_str())
            && one_edit(&read, &target)
    });
    match (found.next(), found.next()) {
        (Some((_, spelling)), None) => Some(spelling.as_str()),
        _ => None,
    }
}

/// `word` as `spelling`, keeping whether it was capitalised or in capitals.
fn respell(word: &str, spelling: &str) -> String {
    let upper = |c: char| c.is_uppercase();
    if word.chars().filter(|c| c.is_alphabetic()).all(upper) && word.chars().count() > 1 {
        return spelling.to_uppercase();
    }
    if word.chars().next().is_some_and(upper) {
        let mut chars = spelling.chars();
        return chars
            .next()
            .map(|f| f.to_uppercase().chain(chars).collect())
            .unwrap_or_default();
    }
    spelling.to_owned()
}

/// True when `line` is one short word that no vocabulary knows: ink OCR read as letters
/// (`Ral`, `MA`) between a label and its name, which would otherwise read as a name and shift
/// the block's designations by one.
fn ink_read_as_a_word(line: &str) -> bool {
    let mut words = line.split_whitespace();
    let (Some(word), None) = (words.next(), words.next()) else {
        return false;
    };
    let folded = fold(word).words.concat();
    word.chars().all(char::is_alphabetic)
        && folded.chars().count() <= 4
        && !short_vocabulary().contains(&folded)
}

/// The role and section words of four letters or fewer (`ordf`, `sekr`), folded.
fn short_vocabulary() -> &'static [String] {
    static SHORT: OnceLock<Vec<String>> = OnceLock::new();
    SHORT.get_or_init(|| {
        let mut out = Vec::new();
        for v in &lexicon().languages {
            let lists = [
                &v.roles.chair,
                &v.roles.secretary,
                &v.roles.adjuster,
                &v.labels.paragraphs,
                &v.labels.date,
                &v.labels.time,
                &v.labels.place,
                &v.labels.organ,
            ];
            for phrase in lists.into_iter().flatten() {
                let folded = fold(phrase).words.concat();
                if folded.chars().count() <= 4 {
                    out.push(folded);
                }
            }
        }
        out
    })
}

/// The label phrases of every language with their folded words, the most words first: the
/// labels a line of a table or a header starts with (`Datum då anslaget sätts upp`).
fn label_targets() -> &'static [(Vec<String>, String)] {
    static LABELS: OnceLock<Vec<(Vec<String>, String)>> = OnceLock::new();
    LABELS.get_or_init(|| {
        let mut out: Vec<(Vec<String>, String)> = lexicon()
            .label_phrases
            .iter()
            .map(|p| (fold(p).words, p.clone()))
            .filter(|(words, phrase)| {
                words.len() >= 2 || phrase.chars().count() >= MIN_TARGET_LETTERS
            })
            .collect();
        out.sort_by_key(|(words, _)| std::cmp::Reverse(words.len()));
        out
    })
}

/// `line` with the label it starts with spelled as the vocabulary spells it, when OCR lost
/// the label's diacritics (`Datum da anslaget satts upp 2021-08-09`,
/// `Sammantradesdatum 2021-08-02`): the label reads the same once folded, and the rest of the
/// line is kept as read. `None` when the line starts with no label, or with one as spelled.
fn respelled_label(line: &str) -> Option<String> {
    let words: Vec<&str> = line.split(' ').collect();
    let first = fold(words.first()?).words;
    for (target, phrase) in label_targets() {
        if target.first() != first.first() {
            continue;
        }
        let n = target.len();
        let Some(head) = words.get(..n) else {
            continue;
        };
        let read = head.join(" ");
        // The label's last word may carry the colon or bar that ends it.
        let core = read.trim_end_matches([':', '|']);
        if fold(core).words != *target || core.to_lowercase() == *phrase {
            continue;
        }
        let mut out = respell(core, phrase);
        out.push_str(&read[core.len()..]);
        for word in words.get(n..).unwrap_or_default() {
            out.push(' ');
            out.push_str(word);
        }
        return Some(out);
    }
    None
}

/// `line` without the lone letter OCR read from a table's rule or a speck before an
/// attendance entry (`a Signe Eriksson-Wälivaara (C)`), which would otherwise join the entry
/// to the one above it as a continuation.
fn without_stray_letter(line: &str) -> &str {
    let Some((first, rest)) = line.split_once(' ') else {
        return line;
    };
    let stray =
        first.chars().count() == 1 && first.chars().all(|c| c.is_ascii_lowercase() && c != 'i');
    if stray
        && rest.starts_with(char::is_uppercase)
        && parse_entry(rest, lexicon()).is_some_and(|e| e.party.is_some())
    {
        rest
    } else {
        line
    }
}

/// `line` without single marks standing alone between its words (`Protokollförare .
/// Paragrafer`): what is left of a dotted line or a speck, which would otherwise be read as
/// the value after a label.
fn without_lone_marks(line: &str) -> std::borrow::Cow<'_, str> {
    let lone = |w: &str| {
        w.chars().count() == 1
            && w.chars()
                .all(|c| matches!(c, '.' | ',' | ';' | '_' | '\'' | '‘' | '’' | '`' | '°'))
    };
    if !line.split(' ').any(lone) {
        return line.into();
    }
    line.split(' ')
        .filter(|w| !lone(w))
        .collect::<Vec<_>>()
        .join(" ")
        .into()
}

/// `line` with the section signs OCR read as dollar signs (`$$ 10-11`, `$ 60 Detaljplan`):
/// a `$` that stands before a number. Minutes number their paragraphs; they quote no dollars.
fn section_signs(line: &str) -> std::borrow::Cow<'_, str> {
    if !line.contains('$') {
        return line.into();
    }
    let words: Vec<&str> = line.split(' ').collect();
    let mut out = Vec::with_capacity(words.len());
    for (k, word) in words.iter().enumerate() {
        let signs = word.trim_start_matches('$');
        let before_number = if signs.is_empty() {
            words
                .get(k + 1)
                .is_some_and(|n| n.starts_with(|c: char| c.is_ascii_digit()))
        } else {
            signs.starts_with(|c: char| c.is_ascii_digit())
        };
        if signs.len() < word.len() && word.len() - signs.len() <= 2 && before_number {
            out.push(format!("{}{signs}", "§".repeat(word.len() - signs.len())));
        } else {
            out.push((*word).to_owned());
        }
    }
    out.join(" ").into()
}

/// One OCRed line made readable ([module docs](self)).
pub fn clean_line(line: &str) -> String {
    let line = without_lone_marks(trim_edges(line));
    let line = section_signs(&line);
    let line = without_stray_letter(&line);
    if ink_read_as_a_word(line) {
        return String::new();
    }
    if let Some(respelled) = respelled_label(line) {
        return respelled;
    }
    let words = line.split_whitespace().count();
    if words > MAX_CORRECTED_WORDS {
        return line.to_owned();
    }
    let mut out = String::with_capacity(line.len());
    for (i, word) in line.split(' ').enumerate() {
        if i > 0 {
            out.push(' ');
        }
        // A word with its trailing comma or colon (`ordférande,`) is corrected without it.
        let core = word.trim_end_matches([',', ':', '.', ';']);
        match correction(core) {
            Some(spelling) => {
                out.push_str(&respell(core, spelling));
                out.push_str(&word[core.len()..]);
            }
            None => out.push_str(word),
        }
    }
    out
}

/// An OCRed page's text made readable, line by line.
pub fn clean_page(text: &str) -> String {
    text.lines().map(clean_line).collect::<Vec<_>>().join("\n")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scan_noise_at_the_edges_goes_and_a_lines_own_punctuation_stays() {
        assert_eq!(trim_edges(": Sekreterare ;"), "Sekreterare");
        assert_eq!(trim_edges("| Berit Åkesson (M)"), "Berit Åkesson (M)");
        assert_eq!(trim_edges("Maja Lindström °"), "Maja Lindström");
        assert_eq!(
            trim_edges("Emma Åhlén, sekreterare ."),
            "Emma Åhlén, sekreterare"
        );
        assert_eq!(trim_edges("... Sekreterare"), "Sekreterare");
        // Near misses: what print ends with stays.
        assert_eq!(trim_edges("Närvarande:"), "Närvarande:");
        assert_eq!(trim_edges("Beslutet fattades."), "Beslutet fattades.");
        assert_eq!(trim_edges("Anna Berg (S)"), "Anna Berg (S)");
        assert_eq!(trim_edges("§ 12"), "§ 12");
    }

    #[test]
    fn a_dollar_before_a_number_is_a_section_sign() {
        assert_eq!(clean_line("Paragrafer $$ 10-11"), "Paragrafer §§ 10-11");
        assert_eq!(clean_line("$ 60 Detaljplan"), "§ 60 Detaljplan");
        assert_eq!(clean_line("$12 Budget"), "§12 Budget");
        // Near misses: a dollar before words, and an amount's sign after it.
        assert_eq!(clean_line("Kostnad i $ och euro"), "Kostnad i $ och euro");
        assert_eq!(clean_line("Pris 12$"), "Pris 12$");
    }

    #[test]
    fn a_lone_mark_between_words_goes() {
        assert_eq!(
            clean_line("Protokollförare . Paragrafer §§ 10-11"),
            "Protokollförare Paragrafer §§ 10-11"
        );
        // Near misses: marks that belong to a word, a colon, a typed dotted line.
        assert_eq!(clean_line("Kl. 13.00, sal 3"), "Kl. 13.00, sal 3");
        assert_eq!(
            clean_line("Sekreterare : Anna Berg"),
            "Sekreterare : Anna Berg"
        );
        assert_eq!(
            clean_line("Ordförande ........ Justerare"),
            "Ordförande ........ Justerare"
        );
    }

    #[test]
    fn a_stray_letter_before_an_attendance_entry_goes() {
        assert_eq!(
            clean_line("a Signe Eriksson-Walivaara (C)"),
            "Signe Eriksson-Walivaara (C)"
        );
        // Near misses: a word of the text, and a letter before no entry.
        assert_eq!(clean_line("i Stockholm (S)"), "i Stockholm (S)");
        assert_eq!(clean_line("a Board meeting"), "a Board meeting");
    }

    #[test]
    fn a_label_read_without_its_diacritics_is_read_as_the_vocabularys() {
        assert_eq!(
            clean_line("Datum da anslaget satts upp | 2021-08-09"),
            "Datum då anslaget sätts upp | 2021-08-09"
        );
        assert_eq!(
            clean_line("Sammantradesdatum 2021-08-02"),
            "Sammanträdesdatum 2021-08-02"
        );
        // Near misses: a label as printed, and words that only begin like one.
        assert_eq!(
            clean_line("Datum då anslaget tas ned 2021-08-30"),
            "Datum då anslaget tas ned 2021-08-30"
        );
        assert_eq!(clean_line("Datum da vi ses"), "Datum da vi ses");
    }

    #[test]
    fn a_misread_role_or_section_word_is_read_as_the_vocabularys() {
        assert_eq!(
            clean_line("Beslutande Ove Akesson (C), ordférande"),
            "Beslutande Ove Akesson (C), ordförande"
        );
        assert_eq!(
            clean_line("Emma Åhlén, sekreterafe ."),
            "Emma Åhlén, sekreterare"
        );
        assert_eq!(clean_line("Narvarande:"), "Närvarande:");
        assert_eq!(clean_line("BESLUTANDE"), "BESLUTANDE");
        assert_eq!(clean_line("NARVARANDE"), "NÄRVARANDE");
    }

    #[test]
    fn names_inflections_and_running_text_are_left_alone() {
        // An inflection is a word of its own.
        assert_eq!(clean_line("ordföranden"), "ordföranden");
        // A surname that is no vocabulary word.
        assert_eq!(clean_line("Anders Sekretar"), "Anders Sekretar");
        // Running text is left as read, even with a misread role word.
        let text = "Nämnden beslutar att utse ordférande och vice ordförande för resten av året.";
        assert_eq!(clean_line(text), text);
    }

    #[test]
    fn a_short_word_no_vocabulary_knows_is_ink_and_goes() {
        assert_eq!(clean_line("Ral |"), "");
        assert_eq!(clean_line("MA"), "");
        // Near misses: role abbreviations, a name of two short words, a date.
        assert_eq!(clean_line("Ordf"), "Ordf");
        assert_eq!(clean_line("Tid"), "Tid");
        assert_eq!(clean_line("Bo Ek"), "Bo Ek");
        assert_eq!(clean_line("2023"), "2023");
    }

    #[test]
    fn one_edit_is_one_edit() {
        let c = |s: &str| s.chars().collect::<Vec<char>>();
        assert!(one_edit(&c("ordforande"), &c("ordfrande")));
        assert!(one_edit(&c("sekreterafe"), &c("sekreterare")));
        assert!(!one_edit(&c("sekreterare"), &c("sekreterare")));
        assert!(!one_edit(&c("justerade"), &c("justerare_x")));
    }
}
