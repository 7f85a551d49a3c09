//! CID → Unicode for the Adobe CJK character collections (Adobe-Japan1, -GB1, -CNS1, -Korea1,
//! -KR), from Adobe's `Adobe-<Ordering>-UCS2` CMaps (the generated `cid_unicode_data`).
//!
//! A Type0 font whose CIDFont says `/CIDSystemInfo << /Registry (Adobe) /Ordering (Japan1) >>`
//! promises that CID n is glyph n of Adobe-Japan1, whatever its program calls it; without a
//! `/ToUnicode`, that promise is how pdf.js and pdftotext read its text (ISO 32000-2 §9.10.2,
//! method b). Subset programs often keep no `cmap` and no glyph names, so nothing else would.

use lopdf::{Dictionary, Document, Object};

use super::cid_unicode_data as data;
use super::objects;

/// The text of a CID: one character, or a static run of several.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum CidText {
    Char(char),
    Sequence(&'static str),
}

impl CidText {
    /// As a string; `buf` holds a single character.
    pub(super) fn as_str(self, buf: &mut [u8; 4]) -> &str {
        match self {
            CidText::Char(c) => c.encode_utf8(buf),
            CidText::Sequence(s) => s,
        }
    }
}

/// An Adobe character collection with a published CID → Unicode map.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Collection {
    Japan1,
    Gb1,
    Cns1,
    Korea1,
    Kr,
}

impl Collection {
    /// The collection a CIDFont's `/CIDSystemInfo` names; `None` for Adobe-Identity, other
    /// registries and anything unreadable.
    pub(super) fn of(doc: &Document, cid_font: &Dictionary) -> Option<Collection> {
        let info = objects::get(doc, cid_font, b"CIDSystemInfo")?
            .as_dict()
            .ok()?;
        let string = |key: &[u8]| match objects::get(doc, info, key)? {
            Object::String(s, _) => Some(s.as_slice()),
            // Some writers use names where the spec says strings.
            Object::Name(n) => Some(n.as_slice()),
            _ => None,
        };
        if string(b"Registry")? != b"Adobe" {
            return None;
        }
        Some(match string(b"Ordering")? {
            b"Japan1" => Collection::Japan1,
            b"GB1" => Collection::Gb1,
            b"CNS1" => Collection::Cns1,
            b"Korea1" => Collection::Korea1,
            b"KR" => Collection::Kr,
            _ => return None,
        })
    }

    fn tables(self) -> (&'static str, &'static [u32], &'static [(u16, &'static str)]) {
        match self {
            Collection::Japan1 => (
                data::JAPAN1_CHARS,
                data::JAPAN1_INDEX,
                data::JAPAN1_SEQUENCES,
            ),
            Collection::Gb1 => (data::GB1_CHARS, data::GB1_INDEX, data::GB1_SEQUENCES),
            Collection::Cns1 => (data::CNS1_CHARS, data::CNS1_INDEX, data::CNS1_SEQUENCES),
            Collection::Korea1 => (
                data::KOREA1_CHARS,
                data::KOREA1_INDEX,
                data::KOREA1_SEQUENCES,
            ),
            Collection::Kr => (data::KR_CHARS, data::KR_INDEX, data::KR_SEQUENCES),
        }
    }

    /// The text of `cid`; `None` when the collection has none (unmapped, .notdef, past its
    /// last CID). Never private-use or control characters: the generator dropped those.
    pub(super) fn text(self, cid: u32) -> Option<CidText> {
        let (chars, index, sequences) = self.tables();
        let cid = usize::try_from(cid).ok()?;
        let start = *index.get(cid / data::STRIDE)? as usize;
        // At most STRIDE - 1 characters to skip from the indexed one.
        let c = chars.get(start..)?.chars().nth(cid % data::STRIDE)?;
        match c {
            '\0' => None,
            '\u{1}' => {
                let cid = u16::try_from(cid).ok()?;
                let i = sequences.binary_search_by_key(&cid, |&(c, _)| c).ok()?;
                sequences.get(i).map(|&(_, t)| CidText::Sequence(t))
            }
            c => Some(CidText::Char(c)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::Collection;

    fn text(c: Collection, cid: u32) -> Option<String> {
        let mut buf = [0u8; 4];
        c.text(cid).map(|t| t.as_str(&mut buf).to_owned())
    }

    #[test]
    fn japan1_latin_kana_kanji_and_sequences() {
        assert_eq!(text(Collection::Japan1, 34).as_deref(), Some("A"));
        assert_eq!(text(Collection::Japan1, 1).as_deref(), Some(" "));
        // Hiragana あ, katakana ア, kanji 亜 (JIS X 0208 row 16 cell 1).
        assert_eq!(text(Collection::Japan1, 843).as_deref(), Some("あ"));
        assert_eq!(text(Collection::Japan1, 926).as_deref(), Some("ア"));
        assert_eq!(text(Collection::Japan1, 1125).as_deref(), Some("亜"));
        assert_eq!(text(Collection::Japan1, 8321).as_deref(), Some("有限会社"));
    }

    #[test]
    fn other_collections() {
        // GB1 CID 34 is 'A' too; CID 940 is 啊 (GB 2312 0xB0A1); Korea1 CID 1086 is 가.
        assert_eq!(text(Collection::Gb1, 34).as_deref(), Some("A"));
        assert_eq!(text(Collection::Gb1, 940).as_deref(), Some("啊"));
        assert_eq!(text(Collection::Cns1, 34).as_deref(), Some("A"));
        assert_eq!(text(Collection::Korea1, 1086).as_deref(), Some("가"));
        assert_eq!(text(Collection::Kr, 34).as_deref(), Some("A"));
    }

    #[test]
    fn notdef_and_out_of_range_have_no_text() {
        for c in [
            Collection::Japan1,
            Collection::Gb1,
            Collection::Cns1,
            Collection::Korea1,
            Collection::Kr,
        ] {
            assert_eq!(text(c, 0), None, "{c:?}");
            assert_eq!(text(c, 65_535), None, "{c:?}");
            assert_eq!(text(c, u32::MAX), None, "{c:?}");
        }
    }

    #[test]
    fn no_private_use_or_control_text_anywhere() {
        for c in [
            Collection::Japan1,
            Collection::Gb1,
            Collection::Cns1,
            Collection::Korea1,
            Collection::Kr,
        ] {
            let mut buf = [0u8; 4];
            for cid in 0..0x1_0000 {
                if let Some(t) = c.text(cid).map(|t| t.as_str(&mut buf)) {
                    assert!(!t.is_empty(), "{c:?} {cid}");
                    assert!(
                        t.chars().all(
                            |ch| !ch.is_control() && !super::super::program::is_private_use(ch)
                        ),
                        "{c:?} {cid} {t:?}"
                    );
                }
            }
        }
    }
}
