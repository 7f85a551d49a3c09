//! Small, total accessors over lopdf objects for font dictionaries: every lookup follows
//! references (lopdf bounds the chain), and every stream read goes through `Limits`.

use lopdf::{Dictionary, Document, Object};

use super::{FontStream, FontWarning};
use crate::pdf::Limits;

/// `dict[key]` with references followed; `None` when missing, dangling or null.
pub(super) fn get<'a>(doc: &'a Document, dict: &'a Dictionary, key: &[u8]) -> Option<&'a Object> {
    let obj = dict.get(key).ok()?;
    match doc.dereference(obj) {
        Ok((_, Object::Null)) | Err(_) => None,
        Ok((_, o)) => Some(o),
    }
}

/// Follows references of an object already in hand.
pub(super) fn resolve<'a>(doc: &'a Document, obj: &'a Object) -> Option<&'a Object> {
    doc.dereference(obj).ok().map(|(_, o)| o)
}

/// `dict[key]` as a dictionary (a stream's dictionary counts).
pub(super) fn get_dict<'a>(
    doc: &'a Document,
    dict: &'a Dictionary,
    key: &[u8],
) -> Option<&'a Dictionary> {
    match get(doc, dict, key)? {
        Object::Dictionary(d) => Some(d),
        Object::Stream(s) => Some(&s.dict),
        _ => None,
    }
}

/// `dict[key]` as a name.
pub(super) fn get_name<'a>(
    doc: &'a Document,
    dict: &'a Dictionary,
    key: &[u8],
) -> Option<&'a [u8]> {
    get(doc, dict, key)?.as_name().ok()
}

/// `dict[key]` as a number (integer or real), finite.
pub(super) fn get_number(doc: &Document, dict: &Dictionary, key: &[u8]) -> Option<f64> {
    number(get(doc, dict, key)?)
}

/// `dict[key]` as an array.
pub(super) fn get_array<'a>(
    doc: &'a Document,
    dict: &'a Dictionary,
    key: &[u8],
) -> Option<&'a [Object]> {
    get(doc, dict, key)?.as_array().ok().map(Vec::as_slice)
}

/// An integer or real as `f64`; `None` for anything else or a non-finite value.
pub(super) fn number(obj: &Object) -> Option<f64> {
    let v = match obj {
        Object::Integer(i) => *i as f64,
        Object::Real(r) => f64::from(*r),
        _ => return None,
    };
    v.is_finite().then_some(v)
}

/// Numbers of an array (references followed); non-numbers become `None`.
pub(super) fn numbers(doc: &Document, arr: &[Object]) -> Vec<Option<f64>> {
    arr.iter()
        .map(|o| resolve(doc, o).and_then(number))
        .collect()
}

/// The decoded content of the stream at `dict[key]`, bounded by `limits.max_stream_bytes` and
/// `cap` (a per-kind limit). Problems become a warning and `None`.
pub(super) fn stream_content(
    doc: &Document,
    dict: &Dictionary,
    key: &[u8],
    what: FontStream,
    limits: &Limits,
    cap: u64,
    warnings: &mut Vec<FontWarning>,
) -> Option<Vec<u8>> {
    let obj = get(doc, dict, key)?;
    object_stream_content(obj, what, limits, cap, warnings)
}

/// As `stream_content`, for an object already resolved.
pub(super) fn object_stream_content(
    obj: &Object,
    what: FontStream,
    limits: &Limits,
    cap: u64,
    warnings: &mut Vec<FontWarning>,
) -> Option<Vec<u8>> {
    let Object::Stream(stream) = obj else {
        warnings.push(FontWarning::NotAStream { what });
        return None;
    };
    let limit = limits.max_stream_bytes.min(cap);
    let max = usize::try_from(limit).unwrap_or(usize::MAX);
    match crate::pdf::stream::decoded(stream, max) {
        Ok(data) => Some(data),
        Err(lopdf::Error::Decompress(lopdf::DecompressError::MemoryLimitExceeded { .. })) => {
            warnings.push(FontWarning::StreamTooLarge { what, limit });
            None
        }
        Err(e) => {
            warnings.push(FontWarning::StreamUnreadable {
                what,
                reason: e.to_string(),
            });
            None
        }
    }
}
