//! Standard-14 fonts that a dictionary only names (no widths, descriptor, `/ToUnicode` or
//! `/Differences`): such a font reads the same in every document, so it is built once per
//! process and shared. Signature appearances and e-sign audit pages draw with them in nearly
//! every signed file, and building one (256 glyph names and widths) per document would repeat
//! the same work every time.

use std::collections::HashMap;
use std::sync::{Mutex, OnceLock, PoisonError};

use lopdf::{Dictionary, Object};

use super::Font;
use super::std14::Std14;

/// The entries a dictionary may have and still only name its font. Font reading never looks
/// at `/Type` or `/Name`.
const NAMING_KEYS: [&[u8]; 5] = [b"Type", b"Subtype", b"BaseFont", b"Encoding", b"Name"];
/// Most fonts kept (fourteen fonts, a few encodings and subtypes each); past it, fonts are
/// built per document as before.
const MAX_SHARED: usize = 128;

/// What a naming-only dictionary says: everything its font is built from.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub(super) struct NamedFont {
    subtype: Option<Vec<u8>>,
    base_font: Vec<u8>,
    encoding: Option<Vec<u8>>,
}

impl NamedFont {
    /// The names of a dictionary that only names a standard-14 simple font with direct
    /// values; `None` for any other dictionary.
    pub(super) fn of(dict: &Dictionary) -> Option<NamedFont> {
        if dict
            .iter()
            .any(|(key, _)| !NAMING_KEYS.contains(&key.as_slice()))
        {
            return None;
        }
        // Absent is fine; present must be a direct name.
        let name = |key: &[u8]| -> Option<Option<Vec<u8>>> {
            match dict.get(key) {
                Err(_) => Some(None),
                Ok(Object::Name(n)) => Some(Some(n.clone())),
                Ok(_) => None,
            }
        };
        let subtype = name(b"Subtype")?;
        if !matches!(
            subtype.as_deref(),
            None | Some(b"Type1" | b"TrueType" | b"MMType1")
        ) {
            return None;
        }
        let base_font = name(b"BaseFont")??;
        Std14::from_name(&String::from_utf8_lossy(&base_font))?;
        Some(NamedFont {
            subtype,
            base_font,
            encoding: name(b"Encoding")?,
        })
    }
}

/// The shared font for `named`, built by `build` the first time it is asked for.
pub(super) fn shared(named: NamedFont, build: impl FnOnce() -> Font) -> Font {
    static FONTS: OnceLock<Mutex<HashMap<NamedFont, Font>>> = OnceLock::new();
    let fonts = FONTS.get_or_init(Mutex::default);
    if let Some(font) = fonts
        .lock()
        .unwrap_or_else(PoisonError::into_inner)
        .get(&named)
    {
        return font.clone();
    }
    // Built outside the lock: two threads may both build a font the first time; one is kept.
    let font = build();
    let mut fonts = fonts.lock().unwrap_or_else(PoisonError::into_inner);
    if fonts.len() < MAX_SHARED {
        fonts.entry(named).or_insert_with(|| font.clone());
    }
    font
}
