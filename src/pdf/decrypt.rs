//! Opening encrypted files lopdf's loader gives up on, with the empty user password.
//!
//! lopdf decrypts while it loads, and when its password check fails it returns a document
//! with no objects. Some files fail that check for reasons pdf.js, poppler and qpdf read
//! through: a trailer without a valid `/ID` (the key derivation then uses an empty string), a
//! `V 4` dictionary whose `/Length` is under 128 bits with RC4 (`/CFM /V2`) crypt filters,
//! or a file whose pages are not encrypted at all because `/StmF` and `/StrF` are
//! `/Identity` and only embedded files (`/EFF`) need a password. For those, the file is loaded
//! with its `/Encrypt` entry hidden (same length, so no offset moves), the encryption
//! dictionary is repaired in memory, and the objects are decrypted here with lopdf's own
//! security handler. A document that really needs a user password is still refused.

use lopdf::encryption::decrypt_object;
use lopdf::{Dictionary, Document, EncryptionState, Object, ObjectId, ObjectStream};
use thiserror::Error;

/// The trailer key lopdf looks for.
const ENCRYPT_KEY: &[u8] = b"/Encrypt";
/// What it is overwritten with in the copy lopdf loads: the same length, a name lopdf ignores.
const HIDDEN_KEY: &[u8] = b"/NoCrypt";

/// Why the fallback could not open the file.
#[derive(Debug, Error)]
pub enum DecryptError {
    /// The trailer names no `/Encrypt` dictionary the loader can read.
    #[error("the /Encrypt dictionary is not readable")]
    NoDictionary,
    /// The handler is not the password-based standard one.
    #[error(
        "security handler /{0} is not supported: it needs a recipient's private key, not a password"
    )]
    Handler(String),
    /// The empty password does not authenticate and the pages are encrypted.
    #[error("the empty user password does not open it ({0}); a user password is needed")]
    Password(String),
    /// lopdf could not derive the key or decrypt.
    #[error("decryption failed: {0}")]
    Failed(String),
}

/// What the fallback did, for the record.
#[derive(Debug)]
pub struct Opened {
    /// True when the objects were decrypted (false when the pages were not encrypted at all).
    pub decrypted: bool,
    /// What was repaired or read around, as a sentence.
    pub note: String,
}

/// A copy of `bytes` with every trailer-like `/Encrypt N G R` entry renamed so lopdf loads the
/// objects as they are written; `None` when there is none. Only entries followed by an
/// indirect reference are renamed, so `/EncryptMetadata` and text that merely mentions the
/// word stay as they are.
pub fn hide_encrypt(bytes: &[u8]) -> Option<Vec<u8>> {
    let mut copy = bytes.to_vec();
    let mut found = false;
    for at in memchr::memmem::find_iter(bytes, ENCRYPT_KEY) {
        let after = at.saturating_add(ENCRYPT_KEY.len());
        if bytes.get(after..).is_some_and(starts_with_reference)
            && let Some(slot) = copy.get_mut(at..after)
        {
            slot.copy_from_slice(HIDDEN_KEY);
            found = true;
        }
    }
    found.then_some(copy)
}

/// True when `rest` starts with optional whitespace and `N G R`.
fn starts_with_reference(rest: &[u8]) -> bool {
    // `/Encrypt 123456 65535 R` with generous whitespace fits well within this.
    const WINDOW: usize = 64;
    let window = rest.get(..rest.len().min(WINDOW)).unwrap_or_default();
    let mut parts = window
        .split(|b| b.is_ascii_whitespace())
        .filter(|part| !part.is_empty());
    let number = |part: Option<&[u8]>| part.is_some_and(|p| p.iter().all(u8::is_ascii_digit));
    number(parts.next())
        && number(parts.next())
        && parts.next().is_some_and(|p| p.first() == Some(&b'R'))
}

/// Decrypts `doc`, loaded from [`hide_encrypt`]'s copy, with the empty user password.
/// `max_stream` bounds each object stream's decompressed size.
pub fn decrypt(doc: &mut Document, max_stream: usize) -> Result<Opened, DecryptError> {
    let Some(Object::Reference(encrypt_id)) = doc.trailer.remove(&HIDDEN_KEY[1..]) else {
        return Err(DecryptError::NoDictionary);
    };
    let mut dict = match doc.objects.get(&encrypt_id) {
        Some(Object::Dictionary(dict)) => dict.clone(),
        _ => return Err(DecryptError::NoDictionary),
    };
    let handler = dict
        .get(b"Filter")
        .and_then(Object::as_name)
        .map(|name| String::from_utf8_lossy(name).into_owned())
        .unwrap_or_default();
    if handler != "Standard" {
        return Err(DecryptError::Handler(handler));
    }
    let mut notes = Vec::new();
    if pages_unencrypted(&dict) {
        // Nothing the pages show is encrypted; only embedded files are, under `/EFF`.
        doc.objects.remove(&encrypt_id);
        notes.push(
            "the file is encrypted, but its /StmF and /StrF are /Identity: streams and strings \
             are not encrypted and were read as written (embedded files may need a password)"
                .to_owned(),
        );
        return Ok(Opened {
            decrypted: false,
            note: notes.join("; "),
        });
    }
    if !valid_id(&doc.trailer) {
        // ISO 32000-2 §7.6.4.3 needs the first /ID string; readers use an empty one.
        let first = first_id_string(&doc.trailer).unwrap_or_default();
        doc.trailer.set(
            "ID",
            Object::Array(vec![
                Object::string_literal(first.clone()),
                Object::string_literal(first),
            ]),
        );
        notes.push("the trailer's /ID is missing or not two strings; its first string (or an empty one) was used for the key".to_owned());
    }
    if let Some(note) = short_rc4_v4(&mut dict) {
        notes.push(note);
    }
    doc.objects.insert(encrypt_id, Object::Dictionary(dict));
    doc.trailer.set("Encrypt", Object::Reference(encrypt_id));

    let outcome = decrypt_objects(doc, encrypt_id, max_stream);
    doc.trailer.remove(b"Encrypt");
    doc.objects.remove(&encrypt_id);
    let first_error = outcome?;
    if let Some(error) = first_error {
        tracing::warn!(%error, "some objects could not be fully decrypted");
    }
    Ok(Opened {
        decrypted: true,
        note: notes.join("; "),
    })
}

/// Authenticates the empty password, decrypts every object but the encryption dictionary, and
/// adds the objects of object streams (which could only be read once decrypted). Returns the
/// first per-object decryption error, which does not stop the rest.
fn decrypt_objects(
    doc: &mut Document,
    encrypt_id: ObjectId,
    max_stream: usize,
) -> Result<Option<String>, DecryptError> {
    doc.authenticate_password("")
        .map_err(|error| DecryptError::Password(error.to_string()))?;
    let state = EncryptionState::decode(&*doc, "")
        .map_err(|error| DecryptError::Failed(error.to_string()))?;
    let mut first_error = None;
    for (&id, object) in doc.objects.iter_mut() {
        if id == encrypt_id {
            continue;
        }
        if let Err(error) = decrypt_object(&state, id, object) {
            first_error.get_or_insert_with(|| format!("object {} {}: {error}", id.0, id.1));
        }
    }
    let mut contained = Vec::new();
    for object in doc.objects.values() {
        if let Object::Stream(stream) = object
            && stream.dict.has_type(b"ObjStm")
        {
            match ObjectStream::new_with_limit(stream, Some(max_stream)) {
                Ok(objects) => contained.extend(objects.objects),
                Err(error) => {
                    first_error.get_or_insert_with(|| format!("an object stream: {error}"));
                }
            }
        }
    }
    // Objects written outside a stream are newer than a stream's copy (lopdf keeps them too).
    for (id, object) in contained {
        doc.objects.entry(id).or_insert(object);
    }
    doc.encryption_state = Some(state);
    Ok(first_error)
}

/// True when the default stream and string filters are both `/Identity` (V 4 and 5 only), so
/// the content is not encrypted whatever the password.
fn pages_unencrypted(dict: &Dictionary) -> bool {
    let version = dict.get(b"V").and_then(Object::as_i64).unwrap_or(0);
    // An absent /StmF or /StrF is /Identity too (ISO 32000-2 §7.6.5).
    let identity = |key: &[u8]| {
        dict.get(key)
            .and_then(Object::as_name)
            .map_or(true, |name| name == b"Identity")
    };
    (version == 4 || version == 5) && identity(b"StmF") && identity(b"StrF")
}

/// True when the trailer's `/ID` is an array of two strings.
fn valid_id(trailer: &Dictionary) -> bool {
    matches!(
        trailer
            .get(b"ID")
            .and_then(Object::as_array)
            .map(Vec::as_slice),
        Ok([Object::String(..), Object::String(..)])
    )
}

/// The first string of the trailer's `/ID`, when it has one.
fn first_id_string(trailer: &Dictionary) -> Option<Vec<u8>> {
    match trailer
        .get(b"ID")
        .and_then(Object::as_array)
        .ok()?
        .first()?
    {
        Object::String(bytes, _) => Some(bytes.clone()),
        _ => None,
    }
}

/// A `V 4` dictionary with a `/Length` under 128 bits whose crypt filters are all RC4 (`/CFM
/// /V2`) is what `V 2` describes, which lopdf accepts (it insists on 128 bits for `V 4`).
/// Acrobat writes such files. Returns the record's note when it rewrote the dictionary.
fn short_rc4_v4(dict: &mut Dictionary) -> Option<String> {
    let version = dict.get(b"V").and_then(Object::as_i64).ok()?;
    let length = dict.get(b"Length").and_then(Object::as_i64).ok()?;
    if version != 4 || !(40..128).contains(&length) || length % 8 != 0 {
        return None;
    }
    // Both defaults must name a crypt filter: `V 2` would decrypt an `/Identity` one too.
    let named = |key: &[u8]| {
        dict.get(key)
            .and_then(Object::as_name)
            .is_ok_and(|name| name != b"Identity")
    };
    if !named(b"StmF") || !named(b"StrF") {
        return None;
    }
    let filters = dict.get(b"CF").and_then(Object::as_dict).ok()?;
    let all_rc4 = filters.iter().all(|(_, filter)| {
        filter
            .as_dict()
            .and_then(|f| f.get(b"CFM"))
            .and_then(Object::as_name)
            .is_ok_and(|method| method == b"V2")
    });
    if !all_rc4 {
        return None;
    }
    dict.set("V", Object::Integer(2));
    Some(format!(
        "the /Encrypt dictionary has V 4 with a {length}-bit RC4 key, which is V 2's scheme; it was read as V 2"
    ))
}
