//! Reading lopdf's object graph safely: references followed a bounded number of hops, values
//! taken by type without panicking. Shared by every stage that walks dictionaries.

use lopdf::{Dictionary, Document, Object};

/// References followed in a chain before giving up (a reference loop).
pub const MAX_DEREF: usize = 16;

/// The object `obj` names, following references.
pub fn deref<'d>(doc: &'d Document, mut obj: &'d Object) -> Option<&'d Object> {
    for _ in 0..MAX_DEREF {
        match obj {
            Object::Reference(id) => obj = doc.objects.get(id)?,
            _ => return Some(obj),
        }
    }
    None
}

/// The dictionary `obj` names (a stream's dictionary for a stream).
pub fn deref_dict<'d>(doc: &'d Document, obj: &'d Object) -> Option<&'d Dictionary> {
    match deref(doc, obj)? {
        Object::Dictionary(d) => Some(d),
        Object::Stream(s) => Some(&s.dict),
        _ => None,
    }
}

/// `d[key]`, references followed.
pub fn get<'d>(doc: &'d Document, d: &'d Dictionary, key: &[u8]) -> Option<&'d Object> {
    deref(doc, d.get(key).ok()?)
}

/// An integer or real as `f64`.
pub fn number(obj: &Object) -> Option<f64> {
    match obj {
        Object::Integer(i) => Some(*i as f64),
        Object::Real(r) => Some(f64::from(*r)),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reference_loop_ends_in_none() {
        let mut doc = Document::with_version("1.7");
        doc.objects.insert((1, 0), Object::Reference((2, 0)));
        doc.objects.insert((2, 0), Object::Reference((1, 0)));
        assert_eq!(deref(&doc, &Object::Reference((1, 0))), None);
        doc.objects.insert((3, 0), Object::Integer(7));
        assert_eq!(
            deref(&doc, &Object::Reference((3, 0))).and_then(number),
            Some(7.0)
        );
    }
}
