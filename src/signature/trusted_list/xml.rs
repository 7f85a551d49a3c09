//! A small owned XML tree, read with quick-xml, for the two things a trusted list needs of its
//! XML: its fields, and the canonical form its signature covers (W3C C14N 1.0, [`super::c14n`]).
//!
//! The tree keeps what canonicalisation needs: element names as written (prefix and local
//! part), namespace declarations apart from other attributes, attribute values and text after
//! the XML 1.0 normalisations a conforming parser makes (line ends to `\n`, entity and
//! character references resolved, whitespace in attribute values to spaces). Comments and
//! processing instructions are dropped: canonical XML without comments leaves out comments, and
//! a processing instruction inside a trusted list would be dropped here too, making the digest
//! differ — a refusal, never a false acceptance. A document type declaration is refused: it
//! could declare entities whose expansion this reader does not do.

use quick_xml::events::{BytesStart, Event};
use thiserror::Error;

/// Bounds on one document.
#[derive(Debug, Clone, Copy)]
pub struct XmlLimits {
    /// Bytes of the whole file.
    pub max_bytes: usize,
    /// Nesting depth of elements.
    pub max_depth: usize,
    /// Elements in the whole document.
    pub max_elements: usize,
    /// Namespace declarations in scope at once (each element's canonical form looks at all).
    pub max_namespaces: usize,
}

/// Why a document could not be read.
#[derive(Debug, Error, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum XmlError {
    #[error("the file has {len} bytes, more than the limit of {limit}")]
    TooLarge { len: usize, limit: usize },
    #[error("elements nest deeper than the limit of {limit}")]
    TooDeep { limit: usize },
    #[error("more than {limit} elements")]
    TooManyElements { limit: usize },
    #[error("more than {limit} namespace declarations in scope")]
    TooManyNamespaces { limit: usize },
    #[error("malformed XML at byte {offset}: {message}")]
    Malformed { offset: u64, message: String },
    #[error("a document type declaration is not accepted")]
    Doctype,
    #[error("unknown entity reference &{name};")]
    UnknownEntity { name: String },
    #[error("no document element")]
    NoRoot,
    #[error("namespace prefix {prefix:?} is not declared")]
    UndeclaredPrefix { prefix: String },
}

/// One node of element content.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Node {
    Element(Element),
    Text(String),
}

/// An element as written.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Element {
    /// The prefix of its name, empty when there is none.
    pub prefix: String,
    /// The local part of its name.
    pub local: String,
    /// Its namespace URI (resolved), empty when none.
    pub namespace: String,
    /// `xmlns` (prefix "") and `xmlns:p` declarations made on it, in document order.
    pub namespace_declarations: Vec<(String, String)>,
    /// Other attributes: (prefix, local name, value), in document order.
    pub attributes: Vec<Attribute>,
    pub children: Vec<Node>,
}

/// An attribute that is not a namespace declaration.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Attribute {
    pub prefix: String,
    pub local: String,
    /// Its namespace URI (resolved), empty for an unprefixed attribute.
    pub namespace: String,
    pub value: String,
}

/// The namespace of the `xml` prefix (Namespaces in XML 1.0 §3), bound without a declaration.
pub const XML_NAMESPACE: &str = "http://www.w3.org/XML/1998/namespace";

impl Element {
    /// The qualified name as written.
    pub fn qname(&self) -> String {
        if self.prefix.is_empty() {
            self.local.clone()
        } else {
            format!("{}:{}", self.prefix, self.local)
        }
    }

    /// Whether this is `{namespace}local`.
    pub fn is(&self, namespace: &str, local: &str) -> bool {
        self.namespace == namespace && self.local == local
    }

    /// Child elements.
    pub fn elements(&self) -> impl Iterator<Item = &Element> {
        self.children.iter().filter_map(|n| match n {
            Node::Element(e) => Some(e),
            Node::Text(_) => None,
        })
    }

    /// The first child element `{namespace}local`.
    pub fn child(&self, namespace: &str, local: &str) -> Option<&Element> {
        self.elements().find(|e| e.is(namespace, local))
    }

    /// Every child element `{namespace}local`.
    pub fn children_named<'a>(
        &'a self,
        namespace: &'a str,
        local: &'a str,
    ) -> impl Iterator<Item = &'a Element> + 'a {
        self.elements().filter(move |e| e.is(namespace, local))
    }

    /// The element's text content (its text children joined, trimmed).
    pub fn text(&self) -> String {
        let mut out = String::new();
        for n in &self.children {
            if let Node::Text(t) = n {
                out.push_str(t);
            }
        }
        out.trim().to_owned()
    }

    /// The value of the unprefixed attribute `local`.
    pub fn attribute(&self, local: &str) -> Option<&str> {
        self.attributes
            .iter()
            .find(|a| a.namespace.is_empty() && a.local == local)
            .map(|a| a.value.as_str())
    }

    /// Every element of the subtree, this one first, in document order.
    pub fn descendants(&self) -> Vec<&Element> {
        let mut out = Vec::new();
        let mut stack = vec![self];
        while let Some(e) = stack.pop() {
            out.push(e);
            let kids: Vec<&Element> = e.elements().collect();
            stack.extend(kids.into_iter().rev());
        }
        out
    }

    /// The namespace declarations in scope at `target` from its ancestors (not its own), outermost
    /// first, when `target` is in this subtree (compared by address: the one element itself).
    pub fn ancestors_scope(&self, target: &Element) -> Option<Vec<(String, String)>> {
        if std::ptr::eq(self, target) {
            return Some(Vec::new());
        }
        for child in self.elements() {
            if let Some(mut inner) = child.ancestors_scope(target) {
                let mut out = self.namespace_declarations.clone();
                out.append(&mut inner);
                return Some(out);
            }
        }
        None
    }
}

/// A parsed document: its element and the namespaces in scope at each element are found
/// again by walking from the root.
#[derive(Debug, Clone)]
pub struct Document {
    pub root: Element,
}

/// Namespace scope while reading: (prefix, URI) pairs, innermost last.
type Scope = Vec<(String, String)>;

fn resolve(scope: &Scope, prefix: &str) -> Option<String> {
    if prefix == "xml" {
        return Some(XML_NAMESPACE.to_owned());
    }
    scope
        .iter()
        .rev()
        .find(|(p, _)| p == prefix)
        .map(|(_, u)| u.clone())
        .or_else(|| prefix.is_empty().then(String::new))
}

/// Reads `bytes` as an XML document within `limits`.
pub fn parse(bytes: &[u8], limits: XmlLimits) -> Result<Document, XmlError> {
    if bytes.len() > limits.max_bytes {
        return Err(XmlError::TooLarge {
            len: bytes.len(),
            limit: limits.max_bytes,
        });
    }
    let mut reader = quick_xml::Reader::from_reader(bytes);
    reader.config_mut().check_end_names = true;
    let malformed = |reader: &quick_xml::Reader<&[u8]>, message: String| XmlError::Malformed {
        offset: reader.buffer_position(),
        message,
    };
    // The open elements and the scope length at each.
    let mut stack: Vec<(Element, usize)> = Vec::new();
    let mut scope: Scope = Vec::new();
    let mut root: Option<Element> = None;
    let mut elements = 0usize;
    loop {
        let event = reader
            .read_event()
            .map_err(|e| malformed(&reader, e.to_string()))?;
        match event {
            Event::Start(_) | Event::Empty(_) if root.is_some() => {
                return Err(malformed(
                    &reader,
                    "content after the document element".into(),
                ));
            }
            Event::Start(ref start) | Event::Empty(ref start) => {
                elements += 1;
                if elements > limits.max_elements {
                    return Err(XmlError::TooManyElements {
                        limit: limits.max_elements,
                    });
                }
                if stack.len() >= limits.max_depth {
                    return Err(XmlError::TooDeep {
                        limit: limits.max_depth,
                    });
                }
                let mark = scope.len();
                let element = open(start, &mut scope).map_err(|e| match e {
                    OpenError::Xml(x) => x,
                    OpenError::Message(m) => malformed(&reader, m),
                })?;
                if scope.len() > limits.max_namespaces {
                    return Err(XmlError::TooManyNamespaces {
                        limit: limits.max_namespaces,
                    });
                }
                if matches!(event, Event::Empty(_)) {
                    scope.truncate(mark);
                    close(element, &mut stack, &mut root);
                } else {
                    stack.push((element, mark));
                }
            }
            Event::End(_) => {
                let Some((element, mark)) = stack.pop() else {
                    return Err(malformed(&reader, "unexpected end tag".into()));
                };
                scope.truncate(mark);
                close(element, &mut stack, &mut root);
            }
            Event::Text(text) => {
                let content = text
                    .xml10_content()
                    .map_err(|e| malformed(&reader, e.to_string()))?;
                push_text(&mut stack, &content);
            }
            Event::CData(data) => {
                let content = data
                    .xml10_content()
                    .map_err(|e| malformed(&reader, e.to_string()))?;
                push_text(&mut stack, &content);
            }
            Event::GeneralRef(reference) => {
                let c = reference
                    .resolve_char_ref()
                    .map_err(|e| malformed(&reader, e.to_string()))?;
                let text = match c {
                    Some(c) => c.to_string(),
                    None => {
                        let name = reference
                            .decode()
                            .map_err(|e| malformed(&reader, e.to_string()))?;
                        predefined_entity(&name)
                            .ok_or_else(|| XmlError::UnknownEntity {
                                name: name.to_string(),
                            })?
                            .to_string()
                    }
                };
                push_text(&mut stack, &text);
            }
            Event::DocType(_) => return Err(XmlError::Doctype),
            Event::Decl(_) | Event::Comment(_) | Event::PI(_) => {}
            Event::Eof => break,
        }
    }
    if !stack.is_empty() {
        return Err(malformed(&reader, "unclosed element at end of file".into()));
    }
    root.map(|root| Document { root }).ok_or(XmlError::NoRoot)
}

fn predefined_entity(name: &str) -> Option<char> {
    match name {
        "lt" => Some('<'),
        "gt" => Some('>'),
        "amp" => Some('&'),
        "apos" => Some('\''),
        "quot" => Some('"'),
        _ => None,
    }
}

fn push_text(stack: &mut [(Element, usize)], text: &str) {
    // Text outside the document element is whitespace, which canonical XML leaves out.
    let Some((parent, _)) = stack.last_mut() else {
        return;
    };
    if let Some(Node::Text(t)) = parent.children.last_mut() {
        t.push_str(text);
    } else if !text.is_empty() {
        parent.children.push(Node::Text(text.to_owned()));
    }
}

fn close(element: Element, stack: &mut [(Element, usize)], root: &mut Option<Element>) {
    match stack.last_mut() {
        Some((parent, _)) => parent.children.push(Node::Element(element)),
        None => *root = Some(element),
    }
}

enum OpenError {
    Xml(XmlError),
    Message(String),
}

fn split_qname(name: &str) -> (String, String) {
    match name.split_once(':') {
        Some((p, l)) => (p.to_owned(), l.to_owned()),
        None => (String::new(), name.to_owned()),
    }
}

/// Reads a start tag: declarations first (they apply to the element's own name and
/// attributes), then the names resolved.
fn open(start: &BytesStart<'_>, scope: &mut Scope) -> Result<Element, OpenError> {
    let name = std::str::from_utf8(start.name().as_ref())
        .map_err(|e| OpenError::Message(e.to_string()))?
        .to_owned();
    let (prefix, local) = split_qname(&name);
    let mut element = Element {
        prefix,
        local,
        ..Element::default()
    };
    let mut raw = Vec::new();
    for attribute in start.attributes() {
        let attribute = attribute.map_err(|e| OpenError::Message(e.to_string()))?;
        let key = std::str::from_utf8(attribute.key.as_ref())
            .map_err(|e| OpenError::Message(e.to_string()))?
            .to_owned();
        let value = attribute_value(&attribute.value)?;
        if key == "xmlns" {
            element.namespace_declarations.push((String::new(), value));
        } else if let Some(p) = key.strip_prefix("xmlns:") {
            element.namespace_declarations.push((p.to_owned(), value));
        } else {
            raw.push((key, value));
        }
    }
    for (p, u) in &element.namespace_declarations {
        scope.push((p.clone(), u.clone()));
    }
    element.namespace = resolve(scope, &element.prefix).ok_or_else(|| {
        OpenError::Xml(XmlError::UndeclaredPrefix {
            prefix: element.prefix.clone(),
        })
    })?;
    for (key, value) in raw {
        let (prefix, local) = split_qname(&key);
        // An unprefixed attribute is in no namespace (Namespaces in XML 1.0 §6.2).
        let namespace = if prefix.is_empty() {
            String::new()
        } else {
            resolve(scope, &prefix)
                .filter(|u| !u.is_empty())
                .ok_or_else(|| {
                    OpenError::Xml(XmlError::UndeclaredPrefix {
                        prefix: prefix.clone(),
                    })
                })?
        };
        element.attributes.push(Attribute {
            prefix,
            local,
            namespace,
            value,
        });
    }
    Ok(element)
}

/// An attribute value as an XML 1.0 parser reports it (§3.3.3, for CDATA attributes: no DTD
/// is read, so all are): line ends and literal whitespace characters become spaces, then
/// references are resolved (a `&#xA;` stays a line feed).
fn attribute_value(raw: &[u8]) -> Result<String, OpenError> {
    let text = std::str::from_utf8(raw).map_err(|e| OpenError::Message(e.to_string()))?;
    let text = text.replace("\r\n", " ").replace(['\r', '\n', '\t'], " ");
    let mut out = String::with_capacity(text.len());
    let mut rest = text.as_str();
    while let Some(amp) = rest.find('&') {
        out.push_str(&rest[..amp]);
        let after = &rest[amp + 1..];
        let end = after
            .find(';')
            .ok_or_else(|| OpenError::Message("unterminated reference in attribute".into()))?;
        let name = &after[..end];
        let c = if let Some(num) = name.strip_prefix('#') {
            let code = match num.strip_prefix('x') {
                Some(hex) => u32::from_str_radix(hex, 16),
                None => num.parse::<u32>(),
            }
            .map_err(|_| OpenError::Message(format!("bad character reference &{name};")))?;
            char::from_u32(code)
                .filter(|c| *c != '\0')
                .ok_or_else(|| OpenError::Message(format!("bad character reference &{name};")))?
        } else {
            predefined_entity(name).ok_or_else(|| {
                OpenError::Xml(XmlError::UnknownEntity {
                    name: name.to_owned(),
                })
            })?
        };
        out.push(c);
        rest = &after[end + 1..];
    }
    out.push_str(rest);
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    const LIMITS: XmlLimits = XmlLimits {
        max_bytes: 1 << 20,
        max_depth: 8,
        max_elements: 100,
        max_namespaces: 4,
    };

    #[test]
    fn names_namespaces_text_and_attributes_are_read() {
        let doc = parse(
            b"<?xml version=\"1.0\"?>\n<a:r xmlns:a=\"urn:a\" x=\"1&#xA;2\tz\"><a:b>t&amp;u<![CDATA[<v>]]></a:b><c/></a:r>",
            LIMITS,
        )
        .expect("parses");
        assert_eq!(doc.root.qname(), "a:r");
        assert_eq!(doc.root.namespace, "urn:a");
        assert_eq!(doc.root.attribute("x"), Some("1\n2 z"));
        let b = doc.root.child("urn:a", "b").expect("b");
        assert_eq!(b.text(), "t&u<v>");
        assert_eq!(
            doc.root.elements().nth(1).map(|c| c.namespace.as_str()),
            Some("")
        );
    }

    #[test]
    fn limits_and_doctype_are_refused() {
        let deep = "<a>".repeat(9) + &"</a>".repeat(9);
        assert_eq!(
            parse(deep.as_bytes(), LIMITS).unwrap_err(),
            XmlError::TooDeep { limit: 8 }
        );
        assert!(parse(&"<a>".repeat(8).into_bytes(), LIMITS).is_err());
        assert_eq!(
            parse(b"<!DOCTYPE a [<!ENTITY e \"x\">]><a>&e;</a>", LIMITS).unwrap_err(),
            XmlError::Doctype
        );
        assert!(matches!(
            parse(b"<p:a/>", LIMITS).unwrap_err(),
            XmlError::UndeclaredPrefix { .. }
        ));
        let many = "<a xmlns:a='u' xmlns:b='u' xmlns:c='u' xmlns:d='u' xmlns:e='u'/>";
        assert_eq!(
            parse(many.as_bytes(), LIMITS).unwrap_err(),
            XmlError::TooManyNamespaces { limit: 4 }
        );
        // Near miss: within the limits, the same shape reads.
        let ok = "<a>".repeat(8) + &"</a>".repeat(8);
        assert!(parse(ok.as_bytes(), LIMITS).is_ok());
    }
}
