//! The standard 14 fonts (ISO 32000-2 §9.6.2.2): recognising them under their common aliases
//! (Arial → Helvetica, TimesNewRoman → Times-Roman, CourierNew → Courier, `,Bold` suffixes,
//! subset prefixes) and their AFM widths, for font dictionaries that give no `/Widths`.
//! The tables themselves are generated into `std14_data`.

use std::collections::HashMap;
use std::hash::BuildHasherDefault;
use std::sync::LazyLock;

use super::glyph_names::Fnv;
use super::std14_data as data;

/// An AFM width table by glyph name.
type WidthsByName = HashMap<&'static [u8], u16, BuildHasherDefault<Fnv>>;

/// The AFM width tables, in the order [`Std14::table`] numbers them.
const TABLES: [&[(&str, u16)]; 10] = [
    data::HELVETICA,
    data::HELVETICA_BOLD,
    data::HELVETICA_OBLIQUE,
    data::HELVETICA_BOLD_OBLIQUE,
    data::TIMES_ROMAN,
    data::TIMES_BOLD,
    data::TIMES_ITALIC,
    data::TIMES_BOLD_ITALIC,
    data::SYMBOL_WIDTHS,
    data::ZAPF_DINGBATS_WIDTHS,
];

/// The tables as hash maps, built on first use. A font without `/Widths` looks up the names
/// of all 256 codes, and one hash of a short name is cheaper than a binary search of a table
/// (a dozen string compares each).
static BY_NAME: LazyLock<Vec<WidthsByName>> = LazyLock::new(|| {
    TABLES
        .iter()
        .map(|table| table.iter().map(|(n, w)| (n.as_bytes(), *w)).collect())
        .collect()
});

/// One of the standard 14 fonts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Std14 {
    Helvetica,
    HelveticaBold,
    HelveticaOblique,
    HelveticaBoldOblique,
    TimesRoman,
    TimesBold,
    TimesItalic,
    TimesBoldItalic,
    Courier,
    CourierBold,
    CourierOblique,
    CourierBoldOblique,
    Symbol,
    ZapfDingbats,
}

/// Every Courier glyph is this wide.
const COURIER_WIDTH: f64 = 600.0;

/// Strips a subset prefix (`ABCDEF+`, ISO 32000-2 §9.6.4).
pub(super) fn strip_subset(name: &str) -> &str {
    match name.split_once('+') {
        Some((tag, rest)) if tag.len() == 6 && tag.bytes().all(|b| b.is_ascii_uppercase()) => rest,
        _ => name,
    }
}

impl Std14 {
    /// Recognises a `/BaseFont` name as a standard font or a well-known alias of one.
    pub(super) fn from_name(base_font: &str) -> Option<Std14> {
        let key: String = strip_subset(base_font)
            .chars()
            .filter(|c| c.is_ascii_alphanumeric())
            .map(|c| c.to_ascii_lowercase())
            .collect();
        let family = if key.starts_with("symbol") {
            return Some(Std14::Symbol);
        } else if key.starts_with("zapfdingbats") || key == "dingbats" {
            return Some(Std14::ZapfDingbats);
        } else if key.starts_with("helvetica") || key.starts_with("arial") {
            Family::Sans
        } else if key.starts_with("times") {
            Family::Serif
        } else if key.starts_with("courier") {
            Family::Mono
        } else {
            return None;
        };
        let bold = key.contains("bold") || key.contains("black") || key.contains("heavy");
        let italic = key.contains("italic") || key.contains("oblique");
        Some(Std14::of(family, bold, italic))
    }

    /// A stand-in for a non-embedded font without widths, chosen by its descriptor flags
    /// (ISO 32000-2 §9.8.2: bit 1 FixedPitch, bit 2 Serif), as poppler does.
    pub(super) fn substitute(flags: u32, base_font: &str) -> Std14 {
        let lower = base_font.to_ascii_lowercase();
        let family = if flags & 1 != 0 {
            Family::Mono
        } else if flags & 2 != 0 {
            Family::Serif
        } else {
            Family::Sans
        };
        let bold = lower.contains("bold") || flags & (1 << 18) != 0;
        let italic = lower.contains("italic") || lower.contains("oblique") || flags & (1 << 6) != 0;
        Std14::of(family, bold, italic)
    }

    fn of(family: Family, bold: bool, italic: bool) -> Std14 {
        match (family, bold, italic) {
            (Family::Sans, false, false) => Std14::Helvetica,
            (Family::Sans, true, false) => Std14::HelveticaBold,
            (Family::Sans, false, true) => Std14::HelveticaOblique,
            (Family::Sans, true, true) => Std14::HelveticaBoldOblique,
            (Family::Serif, false, false) => Std14::TimesRoman,
            (Family::Serif, true, false) => Std14::TimesBold,
            (Family::Serif, false, true) => Std14::TimesItalic,
            (Family::Serif, true, true) => Std14::TimesBoldItalic,
            (Family::Mono, false, false) => Std14::Courier,
            (Family::Mono, true, false) => Std14::CourierBold,
            (Family::Mono, false, true) => Std14::CourierOblique,
            (Family::Mono, true, true) => Std14::CourierBoldOblique,
        }
    }

    /// True for Symbol and ZapfDingbats, whose built-in encodings are their own.
    pub(super) fn is_symbolic(self) -> bool {
        matches!(self, Std14::Symbol | Std14::ZapfDingbats)
    }

    /// The built-in encoding, code → glyph name.
    pub(super) fn builtin_encoding(self) -> &'static [&'static str; 256] {
        match self {
            Std14::Symbol => &data::SYMBOL,
            Std14::ZapfDingbats => &data::ZAPF_DINGBATS,
            _ => &data::STANDARD,
        }
    }

    /// AFM width of a glyph, `None` when the font has no such glyph.
    pub(super) fn width(self, glyph: &str) -> Option<f64> {
        let width = BY_NAME.get(self.table())?.get(glyph.as_bytes())?;
        Some(if self.is_courier() {
            COURIER_WIDTH
        } else {
            f64::from(*width)
        })
    }

    /// The index of this font's width table in [`TABLES`]. Courier has every glyph of the
    /// standard Latin set at one width, so Helvetica's table stands for its glyph names.
    fn table(self) -> usize {
        match self {
            Std14::Helvetica
            | Std14::Courier
            | Std14::CourierBold
            | Std14::CourierOblique
            | Std14::CourierBoldOblique => 0,
            Std14::HelveticaBold => 1,
            Std14::HelveticaOblique => 2,
            Std14::HelveticaBoldOblique => 3,
            Std14::TimesRoman => 4,
            Std14::TimesBold => 5,
            Std14::TimesItalic => 6,
            Std14::TimesBoldItalic => 7,
            Std14::Symbol => 8,
            Std14::ZapfDingbats => 9,
        }
    }

    fn is_courier(self) -> bool {
        matches!(
            self,
            Std14::Courier | Std14::CourierBold | Std14::CourierOblique | Std14::CourierBoldOblique
        )
    }

    /// Ascent and descent from the AFM headers, for fonts with no descriptor.
    pub(super) fn ascent_descent(self) -> (f64, f64) {
        match self {
            Std14::Helvetica | Std14::HelveticaOblique => (718.0, -207.0),
            Std14::HelveticaBold | Std14::HelveticaBoldOblique => (718.0, -207.0),
            Std14::TimesRoman | Std14::TimesItalic => (683.0, -217.0),
            Std14::TimesBold | Std14::TimesBoldItalic => (676.0, -205.0),
            Std14::Courier
            | Std14::CourierBold
            | Std14::CourierOblique
            | Std14::CourierBoldOblique => (629.0, -157.0),
            Std14::Symbol => (1010.0, -293.0),
            Std14::ZapfDingbats => (820.0, -143.0),
        }
    }
}

#[derive(Debug, Clone, Copy)]
enum Family {
    Sans,
    Serif,
    Mono,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn aliases() {
        assert_eq!(Std14::from_name("Helvetica"), Some(Std14::Helvetica));
        assert_eq!(Std14::from_name("Arial,Bold"), Some(Std14::HelveticaBold));
        assert_eq!(Std14::from_name("ABCDEF+ArialMT"), Some(Std14::Helvetica));
        assert_eq!(
            Std14::from_name("Arial-BoldItalicMT"),
            Some(Std14::HelveticaBoldOblique)
        );
        assert_eq!(
            Std14::from_name("TimesNewRomanPSMT"),
            Some(Std14::TimesRoman)
        );
        assert_eq!(
            Std14::from_name("TimesNewRoman,Italic"),
            Some(Std14::TimesItalic)
        );
        assert_eq!(
            Std14::from_name("Times-BoldItalic"),
            Some(Std14::TimesBoldItalic)
        );
        assert_eq!(
            Std14::from_name("CourierNewPS-BoldMT"),
            Some(Std14::CourierBold)
        );
        assert_eq!(Std14::from_name("Symbol"), Some(Std14::Symbol));
        assert_eq!(Std14::from_name("ZapfDingbats"), Some(Std14::ZapfDingbats));
        assert_eq!(Std14::from_name("DejaVuSans"), None);
        assert_eq!(strip_subset("abcdef+X"), "abcdef+X");
    }

    #[test]
    fn afm_widths() {
        assert_eq!(Std14::Helvetica.width("A"), Some(667.0));
        assert_eq!(Std14::Helvetica.width("space"), Some(278.0));
        assert_eq!(Std14::Helvetica.width("aring"), Some(556.0));
        assert_eq!(Std14::TimesRoman.width("A"), Some(722.0));
        assert_eq!(Std14::CourierBold.width("odieresis"), Some(600.0));
        assert_eq!(Std14::Helvetica.width("nosuchglyph"), None);
        assert_eq!(Std14::Symbol.width("alpha"), Some(631.0));
        assert_eq!(Std14::Courier.width("nosuchglyph"), None);
        assert_eq!(Std14::ZapfDingbats.width("nosuchglyph"), None);
    }

    #[test]
    fn every_table_entry_is_found_by_name_with_its_width() {
        let all = [
            (Std14::Helvetica, data::HELVETICA),
            (Std14::HelveticaBold, data::HELVETICA_BOLD),
            (Std14::HelveticaOblique, data::HELVETICA_OBLIQUE),
            (Std14::HelveticaBoldOblique, data::HELVETICA_BOLD_OBLIQUE),
            (Std14::TimesRoman, data::TIMES_ROMAN),
            (Std14::TimesBold, data::TIMES_BOLD),
            (Std14::TimesItalic, data::TIMES_ITALIC),
            (Std14::TimesBoldItalic, data::TIMES_BOLD_ITALIC),
            (Std14::Symbol, data::SYMBOL_WIDTHS),
            (Std14::ZapfDingbats, data::ZAPF_DINGBATS_WIDTHS),
            (Std14::Courier, data::HELVETICA),
            (Std14::CourierBold, data::HELVETICA),
            (Std14::CourierOblique, data::HELVETICA),
            (Std14::CourierBoldOblique, data::HELVETICA),
        ];
        for (font, table) in all {
            // The table the font is named after, whole (first entries alone can agree).
            assert_eq!(TABLES[font.table()], table, "{font:?}");
            assert!(!table.is_empty(), "{font:?}");
            for (name, width) in table {
                let expected = if font.is_courier() {
                    COURIER_WIDTH
                } else {
                    f64::from(*width)
                };
                assert_eq!(font.width(name), Some(expected), "{font:?} {name}");
            }
        }
    }
}
