//! Simple-font encodings (ISO 32000-2 §9.6.5, Annex D): the named base encodings as glyph-name
//! tables and `/Differences` applied over them. The result is code → glyph name; turning names
//! into text is `glyph_names`' job, and choosing the base when the PDF names none is `simple`'s.

use lopdf::{Document, Object};

use super::objects;
use super::program::Names;
use super::std14_data as data;

/// A base encoding by its PDF name.
pub(super) fn named(name: &[u8]) -> Option<&'static [&'static str; 256]> {
    Some(match name {
        b"StandardEncoding" => &data::STANDARD,
        b"WinAnsiEncoding" => &data::WIN_ANSI,
        b"MacRomanEncoding" => &data::MAC_ROMAN,
        b"MacExpertEncoding" => &data::MAC_EXPERT,
        // Not a font encoding by the spec, but some writers use it and its meaning is clear.
        b"PDFDocEncoding" => &data::PDF_DOC,
        _ => return None,
    })
}

/// A static table as owned names.
pub(super) fn to_names(table: &[&str; 256]) -> Names {
    table
        .iter()
        .map(|n| (!n.is_empty()).then(|| (*n).to_owned()))
        .collect()
}

/// Applies a `/Differences` array: a number sets the next code, each name after it fills that
/// code and advances. Codes past 255 are ignored.
pub(super) fn apply_differences(doc: &Document, diffs: &[Object], names: &mut Names) {
    let mut code: Option<usize> = None;
    for item in diffs {
        match objects::resolve(doc, item) {
            Some(Object::Integer(i)) => code = usize::try_from(*i).ok(),
            Some(Object::Real(r)) if r.is_finite() && *r >= 0.0 => code = Some(*r as usize),
            Some(Object::Name(n)) => {
                if let Some(c) = code {
                    if let Some(slot) = names.get_mut(c) {
                        *slot = Some(String::from_utf8_lossy(n).into_owned());
                    }
                    code = c.checked_add(1);
                }
            }
            _ => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn differences_over_base() {
        let doc = Document::new();
        let mut names = to_names(named(b"StandardEncoding").unwrap_or(&data::STANDARD));
        let diffs = vec![
            Object::Integer(128),
            Object::Name(b"aring".to_vec()),
            Object::Name(b"adieresis".to_vec()),
            Object::Integer(255),
            Object::Name(b"odieresis".to_vec()),
            Object::Name(b"overflow".to_vec()),
            Object::Integer(-3),
            Object::Name(b"x".to_vec()),
        ];
        apply_differences(&doc, &diffs, &mut names);
        let at = |c: usize| names.get(c).cloned().flatten();
        assert_eq!(at(128).as_deref(), Some("aring"));
        assert_eq!(at(129).as_deref(), Some("adieresis"));
        assert_eq!(at(255).as_deref(), Some("odieresis"));
        assert_eq!(at(65).as_deref(), Some("A"));
        assert_eq!(names.len(), 256);
    }

    #[test]
    fn win_ansi_swedish() {
        let t = named(b"WinAnsiEncoding").unwrap_or(&data::STANDARD);
        assert_eq!(
            [t[0xE5], t[0xE4], t[0xF6], t[0xC5], t[0xC4], t[0xD6]],
            [
                "aring",
                "adieresis",
                "odieresis",
                "Aring",
                "Adieresis",
                "Odieresis"
            ]
        );
        let m = named(b"MacRomanEncoding").unwrap_or(&data::STANDARD);
        assert_eq!(
            [m[0x8C], m[0x8A], m[0x9A]],
            ["aring", "adieresis", "odieresis"]
        );
    }
}
