//! Files embedded in a PDF: the catalog's `/EmbeddedFiles` name tree and file attachment
//! annotations (ISO 32000-2 §7.11.4, §12.5.6.15). E-sign platforms attach their evidence
//! this way (Scrive's Evidence Log and Evidence of Intent), and an archive must know what a
//! document carries beside its pages: each file's name, size and SHA-256.
//!
//! Reading is bounded: at most [`MAX_ATTACHMENTS`] files, a name tree at most
//! [`MAX_TREE_DEPTH`] deep, and each file decoded within the caller's stream limit (a file
//! past it is listed with the size its parameters state and no digest).

use std::collections::HashSet;

use lopdf::{Dictionary, Document, Object, ObjectId};
use schemars::JsonSchema;
use serde::Serialize;
use sha2::{Digest, Sha256};

use super::metadata::decode_text_string;
use super::object::deref;

/// Most files listed.
pub const MAX_ATTACHMENTS: usize = 256;
/// Most bytes decoded for digests over all of a document's files: a document of many large
/// attachments is listed in full, and the files past the budget get no digest.
pub const MAX_TOTAL_BYTES: usize = 128 * 1024 * 1024;
/// Deepest name tree followed.
const MAX_TREE_DEPTH: usize = 32;
/// Longest file name kept, in characters.
const MAX_NAME_CHARS: usize = 256;

/// One embedded file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, JsonSchema)]
pub struct Attachment {
    /// The file name (`/UF`, else `/F`, else the name tree's key).
    pub name: String,
    /// Where it hangs: `embedded_files` (the catalog's name tree) or `annotation` (a file
    /// attachment annotation, with its page).
    pub place: AttachmentPlace,
    /// The 1-based page of an annotation's attachment.
    pub page: Option<usize>,
    /// The MIME type the file stream states (`/Subtype`).
    pub mime_type: Option<String>,
    /// Decoded size in bytes; for a file over the limit, the size its `/Params` state.
    pub size: Option<u64>,
    /// Hex SHA-256 of the decoded file; null when it could not be decoded within the limit.
    pub sha256: Option<String>,
}

/// Where an attachment was found.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum AttachmentPlace {
    EmbeddedFiles,
    Annotation,
}

/// Every embedded file of `doc`, name tree first, then annotations page by page; each file
/// stream once. `max_bytes` bounds the decoding of each, [`MAX_TOTAL_BYTES`] of all.
pub fn list(doc: &Document, max_bytes: usize) -> Vec<Attachment> {
    let mut budget = Budget {
        each: max_bytes,
        left: MAX_TOTAL_BYTES,
    };
    let mut out = Vec::new();
    let mut seen: HashSet<ObjectId> = HashSet::new();
    let tree = doc
        .catalog()
        .ok()
        .and_then(|c| c.get(b"Names").ok())
        .and_then(|n| deref(doc, n))
        .and_then(|n| n.as_dict().ok())
        .and_then(|n| n.get(b"EmbeddedFiles").ok());
    if let Some(root) = tree {
        let mut entries = Vec::new();
        name_tree(doc, root, 0, &mut entries);
        for (key, spec) in entries {
            push(doc, &key, spec, None, &mut budget, &mut seen, &mut out);
        }
    }
    for (number, page) in doc.page_iter().enumerate() {
        let Ok(page) = doc.get_dictionary(page) else {
            continue;
        };
        let Some(Object::Array(annots)) = page.get(b"Annots").ok().and_then(|a| deref(doc, a))
        else {
            continue;
        };
        for annot in annots.iter().filter_map(|a| deref(doc, a)?.as_dict().ok()) {
            if annot.get(b"Subtype").and_then(Object::as_name).ok() != Some(b"FileAttachment") {
                continue;
            }
            if let Ok(spec) = annot.get(b"FS") {
                push(
                    doc,
                    "",
                    spec,
                    Some(number + 1),
                    &mut budget,
                    &mut seen,
                    &mut out,
                );
            }
        }
    }
    out
}

/// The `(key, file specification)` pairs of a name tree, in key order as written.
fn name_tree<'d>(
    doc: &'d Document,
    node: &'d Object,
    depth: usize,
    out: &mut Vec<(String, &'d Object)>,
) {
    if depth > MAX_TREE_DEPTH || out.len() >= MAX_ATTACHMENTS {
        return;
    }
    let Some(Object::Dictionary(node)) = deref(doc, node) else {
        return;
    };
    if let Ok(Object::Array(names)) = node.get(b"Names").map(|n| deref(doc, n).unwrap_or(n)) {
        for pair in names.chunks(2) {
            if let [key, spec] = pair {
                let key = match deref(doc, key) {
                    Some(Object::String(bytes, _)) => decode_text_string(bytes),
                    _ => String::new(),
                };
                out.push((key, spec));
            }
        }
    }
    if let Ok(Object::Array(kids)) = node.get(b"Kids").map(|k| deref(doc, k).unwrap_or(k)) {
        for kid in kids {
            name_tree(doc, kid, depth + 1, out);
        }
    }
}

/// How many bytes may still be decoded: per file, and left for the document.
struct Budget {
    each: usize,
    left: usize,
}

/// Adds the file `spec` names, once per file stream.
fn push(
    doc: &Document,
    key: &str,
    spec: &Object,
    page: Option<usize>,
    budget: &mut Budget,
    seen: &mut HashSet<ObjectId>,
    out: &mut Vec<Attachment>,
) {
    if out.len() >= MAX_ATTACHMENTS {
        return;
    }
    let Some(Object::Dictionary(spec)) = deref(doc, spec) else {
        return;
    };
    let name = file_name(spec).unwrap_or_else(|| key.to_owned());
    let stream_ref = spec
        .get(b"EF")
        .ok()
        .and_then(|ef| deref(doc, ef))
        .and_then(|ef| ef.as_dict().ok())
        .and_then(|ef| ef.get(b"UF").or_else(|_| ef.get(b"F")).ok());
    if let Some(Object::Reference(id)) = stream_ref
        && !seen.insert(*id)
    {
        return;
    }
    let stream = stream_ref
        .and_then(|s| deref(doc, s))
        .and_then(|s| s.as_stream().ok());
    let (size, sha256, mime_type) = match stream {
        Some(stream) => {
            let stated = stream
                .dict
                .get(b"Params")
                .ok()
                .and_then(|p| deref(doc, p))
                .and_then(|p| p.as_dict().ok())
                .and_then(|p| p.get(b"Size").ok())
                .and_then(|s| s.as_i64().ok())
                .and_then(|s| u64::try_from(s).ok());
            let mime = stream
                .dict
                .get(b"Subtype")
                .and_then(Object::as_name)
                .ok()
                .map(|m| String::from_utf8_lossy(m).into_owned());
            match super::stream::decoded(stream, budget.each.min(budget.left)) {
                Ok(data) => {
                    budget.left = budget.left.saturating_sub(data.len());
                    (
                        Some(data.len() as u64),
                        Some(hex::encode(Sha256::digest(&data))),
                        mime,
                    )
                }
                Err(_) => (stated, None, mime),
            }
        }
        None => (None, None, None),
    };
    out.push(Attachment {
        name: name.chars().take(MAX_NAME_CHARS).collect(),
        place: if page.is_some() {
            AttachmentPlace::Annotation
        } else {
            AttachmentPlace::EmbeddedFiles
        },
        page,
        mime_type,
        size,
        sha256,
    });
}

/// A file specification's name: `/UF` (Unicode), else `/F`.
fn file_name(spec: &Dictionary) -> Option<String> {
    [b"UF".as_slice(), b"F".as_slice()]
        .iter()
        .find_map(|key| match spec.get(key) {
            Ok(Object::String(bytes, _)) => Some(decode_text_string(bytes)),
            _ => None,
        })
        .filter(|name| !name.is_empty())
}

#[cfg(test)]
mod tests {
    use super::*;
    use lopdf::{Stream, dictionary};

    /// A one-page document with `evidence` embedded in the name tree as "Evidence Log.html"
    /// and again on the page as an annotation, plus a second file only on the page.
    fn doc(evidence: &[u8]) -> Document {
        let mut doc = Document::with_version("1.7");
        let file = doc.add_object(Stream::new(
            dictionary! { "Type" => "EmbeddedFile", "Subtype" => "text/html" },
            evidence.to_vec(),
        ));
        let spec = doc.add_object(dictionary! {
            "Type" => "Filespec",
            "F" => Object::string_literal("Evidence Log.html"),
            "EF" => dictionary! { "F" => file },
        });
        let other = doc.add_object(Stream::new(dictionary! {}, b"intent".to_vec()));
        let other_spec = dictionary! {
            "Type" => "Filespec",
            "UF" => Object::string_literal("Evidence of Intent.html"),
            "EF" => dictionary! { "F" => other },
        };
        let annots = vec![
            dictionary! { "Subtype" => "FileAttachment", "FS" => spec }.into(),
            dictionary! { "Subtype" => "FileAttachment", "FS" => other_spec }.into(),
            dictionary! { "Subtype" => "Link" }.into(),
        ];
        let pages = doc.new_object_id();
        let page = doc.add_object(dictionary! {
            "Type" => "Page", "Parent" => pages, "Annots" => annots,
        });
        doc.objects.insert(
            pages,
            Object::Dictionary(
                dictionary! { "Type" => "Pages", "Kids" => vec![page.into()], "Count" => 1 },
            ),
        );
        let names = dictionary! {
            "EmbeddedFiles" => dictionary! {
                "Kids" => vec![dictionary! {
                    "Names" => vec![Object::string_literal("log"), spec.into()],
                }.into()],
            },
        };
        let catalog = doc.add_object(dictionary! {
            "Type" => "Catalog", "Pages" => pages, "Names" => names,
        });
        doc.trailer.set("Root", catalog);
        doc
    }

    #[test]
    fn embedded_files_are_listed_once_with_size_and_digest() {
        let files = list(&doc(b"<html>evidence</html>"), 1 << 20);
        let names: Vec<&str> = files.iter().map(|f| f.name.as_str()).collect();
        assert_eq!(names, ["Evidence Log.html", "Evidence of Intent.html"]);
        assert_eq!(files[0].place, AttachmentPlace::EmbeddedFiles);
        assert_eq!(files[0].mime_type.as_deref(), Some("text/html"));
        assert_eq!(files[0].size, Some(21));
        assert_eq!(
            files[0].sha256.as_deref(),
            Some(hex::encode(Sha256::digest(b"<html>evidence</html>")).as_str())
        );
        assert_eq!(files[1].place, AttachmentPlace::Annotation);
        assert_eq!(files[1].page, Some(1));
    }

    #[test]
    fn a_file_over_the_limit_has_no_digest_and_a_document_without_files_lists_none() {
        let files = list(&doc(&[b'x'; 100]), 10);
        assert_eq!(files[0].sha256, None);
        // Near miss: no name tree and no attachment annotations.
        let mut plain = Document::with_version("1.7");
        let pages = plain.add_object(
            dictionary! { "Type" => "Pages", "Kids" => Vec::<Object>::new(), "Count" => 0 },
        );
        let catalog = plain.add_object(dictionary! { "Type" => "Catalog", "Pages" => pages });
        plain.trailer.set("Root", catalog);
        assert!(list(&plain, 1 << 20).is_empty());
    }
}
