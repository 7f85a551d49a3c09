//! Who is who: matching a signer (certificate name, audit-trail name, e-mail) against the
//! people the minutes name (verdict.md § Identity matching).
//!
//! Names agree after Unicode normalisation, case folding and folding of diacritics
//! (`Lövgren` = `Lovgren`), allowing a missing middle name or an initial, or when an e-mail
//! local part spells the name (`erik.lovgren@…`). A name that matches two people is ambiguous
//! and matches nobody: a verdict must not guess who signed.

use unicode_normalization::char::{decompose_compatible, is_combining_mark};

/// A name folded for comparison: lower case, no diacritics, split into words.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FoldedName {
    /// The words, e.g. `["anna", "britta", "akerlind"]` for `Anna-Britta Åkerlind`.
    pub words: Vec<String>,
}

/// Folds a name or e-mail local part for comparison.
pub fn fold(name: &str) -> FoldedName {
    // Char by char: the combining marks NFKD would reorder are dropped anyway, so per-char
    // decomposition gives the same words without the streaming normaliser's buffer, and
    // ASCII (most of every name) skips the tables.
    let mut plain = String::with_capacity(name.len());
    let mut push = |c: char| {
        for l in c.to_lowercase() {
            plain.push(if l.is_alphanumeric() { l } else { ' ' });
        }
    };
    for c in name.chars() {
        if c.is_ascii() {
            push(c);
        } else {
            decompose_compatible(c, |d| {
                if !is_combining_mark(d) {
                    push(d);
                }
            });
        }
    }
    FoldedName {
        words: plain.split_whitespace().map(str::to_owned).collect(),
    }
}

/// How a signer matched.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum NameMatch {
    /// Exactly one candidate, by index.
    Unique(usize),
    /// Several candidates match equally: no match, and the indices say which.
    Ambiguous(Vec<usize>),
    /// Nobody matches.
    NoMatch,
}

/// True when `a` and `b` name the same person: same words, or the same first and last word
/// with middle names missing on one side, or an initial for a first name.
pub fn same_person(a: &FoldedName, b: &FoldedName) -> bool {
    let (Some(af), Some(al), Some(bf), Some(bl)) = (
        a.words.first(),
        a.words.last(),
        b.words.first(),
        b.words.last(),
    ) else {
        return false;
    };
    if a.words.len() < 2 || b.words.len() < 2 {
        return a.words == b.words;
    }
    if a.words == b.words {
        return true;
    }
    if al != bl {
        return false;
    }
    let first_agrees = af == bf
        || (af.chars().count() == 1 && bf.starts_with(af.as_str()))
        || (bf.chars().count() == 1 && af.starts_with(bf.as_str()));
    if !first_agrees {
        return false;
    }
    // The shorter name's middle words must appear, in order, among the longer one's.
    let (short, long) = if a.words.len() <= b.words.len() {
        (a, b)
    } else {
        (b, a)
    };
    let inner_long = &long.words[1..long.words.len() - 1];
    let mut it = inner_long.iter();
    short.words[1..short.words.len() - 1]
        .iter()
        .all(|w| it.any(|l| l == w))
}

/// True when an e-mail address's local part spells `name`: `erik.lovgren`, `erik_lovgren`,
/// `lovgren.erik`, or the first initial and the last name (`elovgren`, `e.lovgren`).
pub fn email_spells(email: &str, name: &FoldedName) -> bool {
    let local = email.split('@').next().unwrap_or_default();
    let parts = fold(local).words;
    let (Some(first), Some(last)) = (name.words.first(), name.words.last()) else {
        return false;
    };
    if name.words.len() < 2 || parts.is_empty() {
        return false;
    }
    let joined: String = parts.concat();
    let initial = first.chars().next().map(String::from).unwrap_or_default();
    parts == name.words
        || parts == [first.clone(), last.clone()]
        || parts == [last.clone(), first.clone()]
        || joined == format!("{first}{last}")
        || joined == format!("{initial}{last}")
}

/// Matches a signer, known by `name` and/or `email`, against `candidates` (names as the
/// minutes write them).
pub fn match_signer(name: Option<&str>, email: Option<&str>, candidates: &[&str]) -> NameMatch {
    let folded: Vec<FoldedName> = candidates.iter().map(|c| fold(c)).collect();
    match_folded(name, email, &folded)
}

/// [`match_signer`] against candidates already folded: a document's people are folded once
/// for all its signers.
pub fn match_folded(name: Option<&str>, email: Option<&str>, folded: &[FoldedName]) -> NameMatch {
    let by_name: Vec<usize> = match name.map(fold) {
        Some(n) if !n.words.is_empty() => (0..folded.len())
            .filter(|&i| same_person(&n, &folded[i]))
            .collect(),
        _ => Vec::new(),
    };
    let hits = if by_name.is_empty() {
        match email {
            Some(e) => (0..folded.len())
                .filter(|&i| email_spells(e, &folded[i]))
                .collect(),
            None => Vec::new(),
        }
    } else {
        by_name
    };
    // The same person listed twice (as participant and designated signer) is one person.
    let mut distinct: Vec<usize> = Vec::new();
    for &i in &hits {
        if !distinct.iter().any(|&j| folded[j] == folded[i]) {
            distinct.push(i);
        }
    }
    match distinct.as_slice() {
        [] => NameMatch::NoMatch,
        [one] => NameMatch::Unique(*one),
        _ => NameMatch::Ambiguous(distinct),
    }
}

/// Names read by OCR: the same person when `read` is `name` with the errors OCR makes in print
/// ([`ocr_word_match`], [`close_enough`]), word for word.
pub fn ocr_same_person(read: &FoldedName, name: &FoldedName) -> bool {
    if read.words.len() != name.words.len() || name.words.is_empty() {
        return false;
    }
    let words: Vec<&str> = read.words.iter().map(String::as_str).collect();
    read.words
        .iter()
        .zip(&name.words)
        .map(|(r, n)| ocr_word_match(r, n))
        .collect::<Option<Vec<usize>>>()
        .is_some_and(|d| close_enough(&words, &d, name))
}

/// Maps the characters OCR confuses in print to one form: `0`/`o`, `1`/`l`/`i`/`|`, `5`/`s`,
/// `rn`/`m`, `vv`/`w`.
pub fn ocr_normal(word: &str) -> String {
    let mapped: String = word
        .chars()
        .map(|c| match c {
            '0' => 'o',
            '1' | 'i' | '|' | '!' => 'l',
            '5' => 's',
            c => c,
        })
        .collect();
    mapped.replace("rn", "m").replace("vv", "w")
}

/// Edit distance between two short words, `None` when it exceeds `max`.
pub fn edits_within(a: &str, b: &str, max: usize) -> Option<usize> {
    let (a, b): (Vec<char>, Vec<char>) = (a.chars().collect(), b.chars().collect());
    if a.len().abs_diff(b.len()) > max || a.len() > 64 || b.len() > 64 {
        return None;
    }
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.iter().enumerate() {
        let mut cur = vec![i + 1; b.len() + 1];
        for (j, cb) in b.iter().enumerate() {
            let cost = usize::from(ca != cb);
            cur[j + 1] = (prev[j] + cost).min(prev[j + 1] + 1).min(cur[j] + 1);
        }
        prev = cur;
    }
    prev.last().copied().filter(|&d| d <= max)
}

/// How far OCR's `read` is from the name word `name`: 0 when equal after folding, 1 when
/// equal after [`ocr_normal`], else 1 + the edits, when there are at most a third of the
/// name's letters; `None` when they are different words. Words of four letters or fewer must
/// agree: `Åsa` and `Åke` are different people. [`close_enough`] decides how many edits a whole
/// name may take.
pub fn ocr_word_match(read: &str, name: &str) -> Option<usize> {
    if read == name {
        return Some(0);
    }
    let (r, n) = (ocr_normal(read), ocr_normal(name));
    if r == n {
        return Some(1);
    }
    let len = n.chars().count();
    if len <= 4 {
        return None;
    }
    edits_within(&r, &n, len / 3).map(|d| 1 + d)
}

/// True when `read`, matched word by word at `distances` ([`ocr_word_match`]), is the name:
/// each word of five to nine letters with at most one edit and longer ones with two, or,
/// with one word exactly right, two edits in all in words that keep their first letter
/// (`Kjell-Åke Åsfföm` for `Kjell-Åke Åström`, ink through the surname; not `Anna Larsson`
/// for `Anna Karlsson`).
pub fn close_enough(read: &[&str], distances: &[usize], name: &FoldedName) -> bool {
    let strict = distances.iter().zip(&name.words).all(|(&d, w)| {
        let allowed = if w.chars().count() >= 10 { 3 } else { 2 };
        d <= allowed
    });
    let edits: usize = distances.iter().map(|d| d.saturating_sub(1)).sum();
    let same_initials = read
        .iter()
        .zip(&name.words)
        .all(|(r, n)| r.chars().next() == n.chars().next());
    strict || (distances.contains(&0) && edits <= 2 && same_initials)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn diacritics_and_case_fold_away() {
        assert!(same_person(&fold("Erik Lövgren"), &fold("ERIK LOVGREN")));
        assert!(!same_person(&fold("Erik Lövgren"), &fold("Erik Lorgren")));
        assert!(same_person(&fold("Åsa Sjödén"), &fold("Asa Sjoden")));
    }

    #[test]
    fn missing_middle_name_matches() {
        assert!(same_person(
            &fold("Elise Maria Ackerot"),
            &fold("Elise Ackerot")
        ));
    }

    #[test]
    fn initial_matches_first_name() {
        assert!(same_person(&fold("E. Ackerot"), &fold("Elise Ackerot")));
    }

    #[test]
    fn different_first_name_does_not_match() {
        assert!(!same_person(&fold("Erika Lövgren"), &fold("Erik Lövgren")));
        assert!(!same_person(
            &fold("Johan Andersson"),
            &fold("Tony Andersson")
        ));
    }

    #[test]
    fn wrong_middle_name_does_not_match() {
        assert!(!same_person(
            &fold("Elise Maria Ackerot"),
            &fold("Elise Karin Ackerot")
        ));
    }

    #[test]
    fn email_local_part_spells_the_name() {
        assert!(email_spells("erik.lovgren@ange.se", &fold("Erik Lövgren")));
        assert!(email_spells("elovgren@ange.se", &fold("Erik Lövgren")));
        assert!(!email_spells("inger.lind@kfvn.se", &fold("Erik Lövgren")));
    }

    #[test]
    fn two_people_with_the_name_is_ambiguous() {
        let people = ["Anna Svensson", "Anna Maria Svensson", "Bo Ek"];
        assert_eq!(
            match_signer(Some("A. Svensson"), None, &people),
            NameMatch::Ambiguous(vec![0, 1])
        );
    }

    #[test]
    fn the_same_person_listed_twice_is_one_match() {
        let people = ["Johan Andersson", "Johan Andersson", "Tony Andersson"];
        assert_eq!(
            match_signer(Some("Johan Andersson"), None, &people),
            NameMatch::Unique(0)
        );
    }

    #[test]
    fn email_is_used_when_the_name_is_unknown() {
        let people = ["Erik Lövgren", "Annelie Ledin"];
        assert_eq!(
            match_signer(None, Some("annelie.ledin@kfvn.se"), &people),
            NameMatch::Unique(1)
        );
        assert_eq!(
            match_signer(Some("Someone Else"), Some("x@y.se"), &people),
            NameMatch::NoMatch
        );
    }

    /// The definition `fold` must keep: NFKD of the whole string, marks dropped, lower case,
    /// non-alphanumerics as spaces.
    fn fold_by_definition(name: &str) -> FoldedName {
        use unicode_normalization::UnicodeNormalization;
        let plain: String = name
            .nfkd()
            .filter(|c| !is_combining_mark(*c))
            .flat_map(char::to_lowercase)
            .map(|c| if c.is_alphanumeric() { c } else { ' ' })
            .collect();
        FoldedName {
            words: plain.split_whitespace().map(str::to_owned).collect(),
        }
    }

    #[test]
    fn fold_agrees_with_whole_string_nfkd() {
        let names = [
            "Anna-Britta Åkerlind",
            "ÅSA SJÖDÉN",
            "Erik Lo\u{308}vgren",
            "Zoë Øberg-Æsir",
            "İlknur Straße",
            "ﬁlip Ｆｕｌｌｗｉｄｔｈ",
            "한국 이름",
            "e\u{301}\u{327}mile  \t x",
            "Ǆuro Ǳ ǅ",
            "  ",
            "ⅣⅫ ① ²",
            "Σίσυφος ΌΣΟΣ",
            "elise.ackerot@ange.se",
        ];
        for name in names {
            assert_eq!(fold(name), fold_by_definition(name), "{name:?}");
        }
        // Every char of the Latin, Greek, Cyrillic and compatibility blocks, one by one.
        for c in ('\u{80}'..='\u{52f}')
            .chain('\u{1e00}'..='\u{1fff}')
            .chain('\u{2000}'..='\u{33ff}')
            .chain('\u{fb00}'..='\u{ffef}')
        {
            let name = format!("a{c}b");
            assert_eq!(fold(&name), fold_by_definition(&name), "{c:?}");
        }
    }
}
