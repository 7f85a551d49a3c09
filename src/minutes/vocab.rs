//! The words of meeting minutes, one TOML file per language under `lang/`.
//!
//! A language is data, not code: labels ("Tid och plats"), attendance sections ("Beslutande"),
//! role words ("ordförande"), month names and the phrases of substitution live in
//! `lang/<code>.toml`, compiled in with `include_str!` and parsed with
//! `deny_unknown_fields`, so a typo in a file is an error in the test that loads every file,
//! never a silently ignored list. The reader matches the labels of all languages at once:
//! a Swedish protocol with an English signing page is common.

use std::sync::OnceLock;

use serde::Deserialize;

use super::Role;
use super::text::norm;

/// The lexicon's tables are read at every word of every line: hashed with foldhash (seeded per
/// process) rather than SipHash, which is slower on such short keys.
type HashMap<K, V> = std::collections::HashMap<K, V, foldhash::fast::RandomState>;
/// See [`HashMap`].
type HashSet<K> = std::collections::HashSet<K, foldhash::fast::RandomState>;

/// The language files, by code, compiled into the binary.
pub const FILES: &[(&str, &str)] = &[
    ("sv", include_str!("lang/sv.toml")),
    ("en", include_str!("lang/en.toml")),
];

/// Why a language file could not be used.
/// A variant's `cause` ends its message, and is therefore not also its `source()`.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum VocabError {
    /// The TOML did not parse or had an unknown field.
    #[error("minutes vocabulary lang/{file}.toml: {cause}")]
    Parse {
        /// The file's code (`sv`, `en`).
        file: String,
        /// What the parser said.
        cause: toml::de::Error,
    },
    /// A month list does not have twelve entries.
    #[error("minutes vocabulary lang/{file}.toml: `months` has {count} entries, not 12")]
    Months {
        /// The file's code.
        file: String,
        /// How many entries it has.
        count: usize,
    },
    /// The `code` field differs from the file name.
    #[error("minutes vocabulary lang/{file}.toml: `code` is {code:?}")]
    Code {
        /// The file's code.
        file: String,
        /// The code written in the file.
        code: String,
    },
}

/// One language's vocabulary, as written in its TOML file.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Vocabulary {
    /// ISO 639-1 code, equal to the file name.
    pub code: String,
    /// Words that name the document itself ("protokoll", "minutes").
    pub protocol_words: Vec<String>,
    /// Month spellings, January first.
    pub months: Vec<Vec<String>>,
    /// Words around dates and times that carry no place ("fredag", "kl.").
    pub filler_words: Vec<String>,
    /// Words between the start and end of a time range besides dashes.
    pub range_words: Vec<String>,
    /// Words naming a body at the start of an organ ("styrelsen").
    pub organ_words: Vec<String>,
    /// Meeting nouns in a title and the organ they name.
    pub organ_meetings: Vec<(String, String)>,
    /// "X ersätter Y" phrases.
    pub substitution: Vec<String>,
    /// "Y ersätts av X" phrases.
    pub substitution_reversed: Vec<String>,
    /// Word endings that name an organisation or title, never a surname.
    pub affiliation_suffixes: Vec<String>,
    /// Phrases in running text that appoint an adjuster.
    pub appointment_phrases: Vec<String>,
    /// Words of a signature line that are not a name.
    pub signature_words: Vec<String>,
    /// Field labels.
    pub labels: Labels,
    /// Attendance section headings.
    pub sections: Sections,
    /// Role words.
    pub roles: Roles,
}

/// Field labels of the first page and the signature block.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Labels {
    /// "Tid och plats".
    pub time_place: Vec<String>,
    /// "Sammanträdesdatum".
    pub date: Vec<String>,
    /// "Tid".
    pub time: Vec<String>,
    /// "Plats".
    pub place: Vec<String>,
    /// "Organ".
    pub organ: Vec<String>,
    /// "Paragrafer".
    pub paragraphs: Vec<String>,
    /// "Utses att justera".
    pub adjusters: Vec<String>,
    /// "Underskrifter", "Justeras av".
    pub signatures: Vec<String>,
    /// "Justeringens tid och plats".
    pub justering: Vec<String>,
    /// "Datum för anslags uppsättande".
    pub notice_posted: Vec<String>,
    /// "Datum för anslags nedtagande".
    pub notice_taken_down: Vec<String>,
    /// Labels that end whatever block came before ("Innehållsförteckning").
    pub stop: Vec<String>,
}

/// Attendance section headings.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Sections {
    /// Voting members present ("Beslutande").
    pub member: Vec<String>,
    /// Substitutes ("Tjänstgörande ersättare").
    pub substitute: Vec<String>,
    /// Others present ("Övriga deltagare").
    pub other: Vec<String>,
    /// Absent: listed, not participants ("Ej närvarande").
    pub absent: Vec<String>,
}

/// Role words.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Roles {
    /// "ordförande".
    pub chair: Vec<String>,
    /// "1:e vice ordförande".
    pub vice_chair: Vec<String>,
    /// "sekreterare".
    pub secretary: Vec<String>,
    /// "justerare".
    pub adjuster: Vec<String>,
    /// "ledamot".
    pub member: Vec<String>,
    /// "ersättare".
    pub substitute: Vec<String>,
}

/// What an attendance section says about the people it lists.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SectionKind {
    /// Members (role `member` unless the entry says more).
    Member,
    /// Substitutes.
    Substitute,
    /// Others present (role `other`).
    Other,
    /// Not present: not participants.
    Absent,
}

/// What a label introduces.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LabelKind {
    /// Date, time and place together.
    TimePlace,
    /// Meeting date.
    Date,
    /// Meeting time (often with the date).
    Time,
    /// Meeting place.
    Place,
    /// The organ.
    Organ,
    /// Paragraph range.
    Paragraphs,
    /// Designated adjusters.
    Adjusters,
    /// A signature block.
    Signatures,
    /// Justering date and place.
    Justering,
    /// Notice posted.
    NoticePosted,
    /// Notice taken down.
    NoticeTakenDown,
    /// Ends a block.
    Stop,
    /// An attendance section.
    Section(SectionKind),
    /// A role word used as a label ("Ordförande: …").
    Role(Role),
}

/// All languages merged into lookup tables, built once.
#[derive(Debug)]
pub struct Lexicon {
    /// The parsed files, in [`FILES`] order.
    pub languages: Vec<Vocabulary>,
    /// Normalised label phrase → kind and language index.
    pub labels: HashMap<String, (LabelKind, usize)>,
    /// Label phrases, longest first, for prefix matching.
    pub label_phrases: Vec<String>,
    /// Indexes into `label_phrases` by the phrase's first character, longest first: label
    /// matching runs at every word of every line, and most words start no label.
    label_initials: HashMap<char, Vec<usize>>,
    /// Most chars of a label phrase: a longer normalised line is no label.
    pub max_label_chars: usize,
    /// First words of the label phrases: two lines joined make a label only when the first
    /// starts with one of them.
    pub label_first_words: HashSet<String>,
    /// Role phrases (normalised), longest first.
    pub role_phrases: Vec<(String, Role)>,
    /// Month spelling → month number 1–12.
    pub months: HashMap<String, i8>,
    /// Filler words, normalised.
    pub fillers: Vec<String>,
    /// Range words, normalised.
    pub range_words: Vec<String>,
    /// Protocol words, longest first.
    pub protocol_words: Vec<String>,
    /// Organ words.
    pub organ_words: Vec<String>,
    /// Meeting noun → organ.
    pub organ_meetings: Vec<(String, String)>,
    /// Substitution phrases, `true` when reversed ("ersätts av").
    pub substitution: Vec<(String, bool)>,
    /// Affiliation word endings.
    pub affiliation_suffixes: Vec<String>,
    /// `affiliation_suffixes` arranged for [`Lexicon::is_affiliation_word`], which runs on
    /// every capitalised word of every entry.
    affiliation: AffiliationIndex,
    /// Appointment phrases.
    pub appointment_phrases: Vec<String>,
    /// Signature words, longest first.
    pub signature_words: Vec<String>,
    /// One word of each signature phrase (its longest), leaving out words that contain
    /// another: text holding a signature phrase holds one of these.
    pub signature_anchors: Vec<String>,
    /// Every vocabulary word (lowercase) that is never part of a person's name.
    pub non_name_words: HashSet<String>,
}

/// Organisation endings this long or longer still match with one letter misread (OCR of
/// scans: "Arbetsférmedlingen"); shorter ones must match exactly, or names would turn into
/// organisations.
const FUZZY_SUFFIX_MIN_CHARS: usize = 8;
/// Endings this short must be the whole word, or "Jakob" would be a company ("ab").
const WHOLE_WORD_MAX_CHARS: usize = 3;

/// Affiliation endings by how they match, so a word is tested without allocating.
#[derive(Debug, Default)]
struct AffiliationIndex {
    /// Short endings: the whole word.
    whole: HashSet<String>,
    /// Longer endings, by their last char: a suffix of the word.
    suffixes: HashMap<char, Vec<String>>,
    /// The fuzzy ones among `suffixes`, chars reversed, by their last char and by their
    /// second last: with one char differing, one of the two is the word's.
    fuzzy_by_last: HashMap<char, Vec<Vec<char>>>,
    fuzzy_by_second_last: HashMap<char, Vec<Vec<char>>>,
}

impl AffiliationIndex {
    fn new(suffixes: &[String]) -> Self {
        let mut index = AffiliationIndex::default();
        for s in suffixes {
            let n = s.chars().count();
            if n <= WHOLE_WORD_MAX_CHARS {
                index.whole.insert(s.clone());
                continue;
            }
            let mut rev = s.chars().rev();
            let (Some(last), Some(second)) = (rev.next(), rev.next()) else {
                continue;
            };
            index.suffixes.entry(last).or_default().push(s.clone());
            if n >= FUZZY_SUFFIX_MIN_CHARS {
                let reversed: Vec<char> = s.chars().rev().collect();
                index
                    .fuzzy_by_last
                    .entry(last)
                    .or_default()
                    .push(reversed.clone());
                index
                    .fuzzy_by_second_last
                    .entry(second)
                    .or_default()
                    .push(reversed);
            }
        }
        index
    }
}

/// Parses one language file and checks what serde cannot.
pub fn parse(file: &str, text: &str) -> Result<Vocabulary, VocabError> {
    let vocab: Vocabulary = toml::from_str(text).map_err(|cause| VocabError::Parse {
        file: file.to_owned(),
        cause,
    })?;
    if vocab.months.len() != 12 {
        return Err(VocabError::Months {
            file: file.to_owned(),
            count: vocab.months.len(),
        });
    }
    if vocab.code != file {
        return Err(VocabError::Code {
            file: file.to_owned(),
            code: vocab.code,
        });
    }
    Ok(vocab)
}

/// The merged lexicon of every compiled-in language.
///
/// The files are part of the binary and a test parses each one, so a file that fails here
/// is a build defect; it is left out (with the others still used) rather than panicking.
pub fn lexicon() -> &'static Lexicon {
    static LEXICON: OnceLock<Lexicon> = OnceLock::new();
    LEXICON.get_or_init(|| {
        let languages = FILES
            .iter()
            .filter_map(|(file, text)| parse(file, text).ok())
            .collect();
        Lexicon::build(languages)
    })
}

fn longest_first(mut v: Vec<String>) -> Vec<String> {
    v.sort_by(|a, b| b.chars().count().cmp(&a.chars().count()).then(a.cmp(b)));
    v.dedup();
    v
}

impl Lexicon {
    /// The label phrases (normalised, longest first) that start with `first`, a lowercase
    /// character.
    pub fn label_phrases_starting(&self, first: char) -> impl Iterator<Item = &str> {
        self.label_initials
            .get(&first)
            .into_iter()
            .flatten()
            .filter_map(|&i| self.label_phrases.get(i).map(String::as_str))
    }

    /// True when `lower` (a lowercased word) ends like an organisation or a title: exactly a
    /// short ending, with a longer ending, or with a long ending but one letter.
    pub fn is_affiliation_word(&self, lower: &str) -> bool {
        let w = lower.trim_end_matches(|c: char| !c.is_alphanumeric());
        let index = &self.affiliation;
        if index.whole.contains(w) {
            return true;
        }
        let mut rev = w.chars().rev();
        let (Some(last), second) = (rev.next(), rev.next()) else {
            return false;
        };
        if index
            .suffixes
            .get(&last)
            .is_some_and(|ss| ss.iter().any(|s| w.ends_with(s.as_str())))
        {
            return true;
        }
        let by_last = index.fuzzy_by_last.get(&last).into_iter().flatten();
        let by_second = second
            .and_then(|c| index.fuzzy_by_second_last.get(&c))
            .into_iter()
            .flatten();
        by_last.chain(by_second).any(|s| {
            // The word's last `s.len()` characters differ from `s` in exactly one place.
            let mut seen = 0;
            let mut differ = 0;
            for (a, b) in w.chars().rev().zip(s) {
                seen += 1;
                if a != *b {
                    differ += 1;
                    if differ > 1 {
                        return false;
                    }
                }
            }
            seen == s.len() && differ == 1
        })
    }

    /// Merges languages into lookup tables.
    pub fn build(languages: Vec<Vocabulary>) -> Lexicon {
        let mut labels: HashMap<String, (LabelKind, usize)> = HashMap::default();
        let mut role_phrases = Vec::new();
        let mut months = HashMap::default();
        let mut lex = Lexicon {
            languages: Vec::new(),
            labels: HashMap::default(),
            label_phrases: Vec::new(),
            label_initials: HashMap::default(),
            max_label_chars: 0,
            label_first_words: Default::default(),
            role_phrases: Vec::new(),
            months: HashMap::default(),
            fillers: Vec::new(),
            range_words: Vec::new(),
            protocol_words: Vec::new(),
            organ_words: Vec::new(),
            organ_meetings: Vec::new(),
            substitution: Vec::new(),
            affiliation_suffixes: Vec::new(),
            affiliation: AffiliationIndex::default(),
            appointment_phrases: Vec::new(),
            signature_words: Vec::new(),
            signature_anchors: Vec::new(),
            non_name_words: Default::default(),
        };
        for (idx, v) in languages.iter().enumerate() {
            // Earlier insertions win: sections before field labels before role words, so
            // "ersättare" is a section heading and "justerare" is the adjusters label.
            let mut add = |list: &[String], kind: LabelKind| {
                for phrase in list {
                    labels.entry(norm(phrase)).or_insert((kind, idx));
                }
            };
            add(&v.sections.member, LabelKind::Section(SectionKind::Member));
            add(
                &v.sections.substitute,
                LabelKind::Section(SectionKind::Substitute),
            );
            add(&v.sections.other, LabelKind::Section(SectionKind::Other));
            add(&v.sections.absent, LabelKind::Section(SectionKind::Absent));
            add(&v.labels.justering, LabelKind::Justering);
            add(&v.labels.notice_posted, LabelKind::NoticePosted);
            add(&v.labels.notice_taken_down, LabelKind::NoticeTakenDown);
            add(&v.labels.time_place, LabelKind::TimePlace);
            add(&v.labels.date, LabelKind::Date);
            add(&v.labels.time, LabelKind::Time);
            add(&v.labels.place, LabelKind::Place);
            add(&v.labels.organ, LabelKind::Organ);
            add(&v.labels.paragraphs, LabelKind::Paragraphs);
            add(&v.labels.adjusters, LabelKind::Adjusters);
            add(&v.labels.signatures, LabelKind::Signatures);
            add(&v.labels.stop, LabelKind::Stop);
            add(&v.roles.chair, LabelKind::Role(Role::Chair));
            add(&v.roles.secretary, LabelKind::Role(Role::Secretary));
            add(&v.roles.adjuster, LabelKind::Role(Role::Adjuster));
            for (list, role) in [
                (&v.roles.vice_chair, Role::ViceChair),
                (&v.roles.chair, Role::Chair),
                (&v.roles.secretary, Role::Secretary),
                (&v.roles.adjuster, Role::Adjuster),
                (&v.roles.member, Role::Member),
                (&v.roles.substitute, Role::Substitute),
            ] {
                for phrase in list {
                    role_phrases.push((norm(phrase), role));
                }
            }
            for (i, spellings) in v.months.iter().enumerate() {
                for s in spellings {
                    // i < 12 is checked by `parse`.
                    months.entry(norm(s)).or_insert(i as i8 + 1);
                }
            }
            lex.fillers.extend(v.filler_words.iter().map(|s| norm(s)));
            lex.range_words
                .extend(v.range_words.iter().map(|s| norm(s)));
            lex.protocol_words
                .extend(v.protocol_words.iter().map(|s| norm(s)));
            lex.organ_words
                .extend(v.organ_words.iter().map(|s| norm(s)));
            lex.organ_meetings.extend(
                v.organ_meetings
                    .iter()
                    .map(|(a, b)| (norm(a), b.trim().to_owned())),
            );
            lex.substitution
                .extend(v.substitution.iter().map(|s| (norm(s), false)));
            lex.substitution
                .extend(v.substitution_reversed.iter().map(|s| (norm(s), true)));
            lex.affiliation_suffixes
                .extend(v.affiliation_suffixes.iter().map(|s| norm(s)));
            lex.appointment_phrases
                .extend(v.appointment_phrases.iter().map(|s| norm(s)));
            lex.signature_words
                .extend(v.signature_words.iter().map(|s| norm(s)));
        }
        role_phrases.sort_by_key(|p| std::cmp::Reverse(p.0.chars().count()));
        lex.substitution
            .sort_by_key(|p| std::cmp::Reverse(p.0.chars().count()));
        lex.protocol_words = longest_first(lex.protocol_words);
        lex.signature_words = longest_first(lex.signature_words);
        let longest_words: Vec<&str> = lex
            .signature_words
            .iter()
            .filter_map(|p| p.split(' ').max_by_key(|w| w.len()))
            .collect();
        let mut anchors: Vec<String> = longest_words
            .iter()
            .filter(|w| !longest_words.iter().any(|o| o != *w && w.contains(o)))
            .map(|w| (*w).to_owned())
            .collect();
        anchors.sort();
        anchors.dedup();
        lex.signature_anchors = anchors;
        lex.organ_meetings
            .sort_by_key(|p| std::cmp::Reverse(p.0.chars().count()));
        lex.label_phrases = longest_first(labels.keys().cloned().collect());
        lex.max_label_chars = lex
            .label_phrases
            .iter()
            .map(|p| p.chars().count())
            .max()
            .unwrap_or(0);
        lex.label_first_words = lex
            .label_phrases
            .iter()
            .filter_map(|p| p.split(' ').next())
            .map(str::to_owned)
            .collect();
        for (i, phrase) in lex.label_phrases.iter().enumerate() {
            if let Some(first) = phrase.chars().next() {
                lex.label_initials.entry(first).or_default().push(i);
            }
        }
        let mut non_name = HashSet::default();
        for phrase in labels
            .keys()
            .chain(role_phrases.iter().map(|(p, _)| p))
            .chain(lex.protocol_words.iter())
            .chain(lex.organ_words.iter())
            .chain(lex.fillers.iter())
        {
            for w in phrase.split(' ') {
                let w = w.trim_matches(|c: char| !c.is_alphanumeric());
                if w.chars().count() > 1 {
                    non_name.insert(w.to_owned());
                }
            }
        }
        lex.affiliation = AffiliationIndex::new(&lex.affiliation_suffixes);
        lex.labels = labels;
        lex.role_phrases = role_phrases;
        lex.months = months;
        lex.non_name_words = non_name;
        lex.languages = languages;
        lex
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_language_file_parses_with_twelve_months() {
        for (file, text) in FILES {
            let v = parse(file, text).unwrap_or_else(|e| panic!("{e}"));
            assert_eq!(v.code, *file);
            assert!(!v.labels.adjusters.is_empty(), "{file}: no adjuster labels");
            assert!(!v.sections.member.is_empty(), "{file}: no member sections");
        }
        assert_eq!(lexicon().languages.len(), FILES.len());
    }

    #[test]
    fn every_file_in_lang_dir_is_compiled_in() {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src/minutes/lang");
        let mut on_disk: Vec<String> = std::fs::read_dir(&dir)
            .map(|rd| {
                rd.filter_map(|e| e.ok())
                    .filter_map(|e| {
                        let name = e.file_name().to_string_lossy().into_owned();
                        name.strip_suffix(".toml").map(str::to_owned)
                    })
                    .collect()
            })
            .unwrap_or_default();
        on_disk.sort();
        let mut compiled: Vec<String> = FILES.iter().map(|(f, _)| (*f).to_owned()).collect();
        compiled.sort();
        assert_eq!(on_disk, compiled);
    }

    #[test]
    fn unknown_field_in_language_file_is_an_error() {
        let text = FILES[0]
            .1
            .replace("code = \"sv\"", "code = \"sv\"\nlabelz = []");
        assert!(matches!(parse("sv", &text), Err(VocabError::Parse { .. })));
    }

    #[test]
    fn sections_win_over_role_words() {
        let lex = lexicon();
        assert_eq!(
            lex.labels.get("ersättare").map(|x| x.0),
            Some(LabelKind::Section(SectionKind::Substitute))
        );
        assert_eq!(
            lex.labels.get("justerare").map(|x| x.0),
            Some(LabelKind::Adjusters)
        );
        assert_eq!(lex.months.get("okt"), Some(&10));
    }
}
