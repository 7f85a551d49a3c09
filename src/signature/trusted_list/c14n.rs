//! Canonical XML 1.0 (W3C REC-xml-c14n-20010315) and Exclusive XML Canonicalization 1.0
//! (W3C REC-xml-exc-c14n-20020718), without comments, of an element's subtree — the forms an
//! XMLDSig signature's digests and SignedInfo are computed over.
//!
//! No maintained small crate does this over quick-xml (xml-sec brings its own XML stack and
//! some 160 000 lines; xml_c14n binds libxml2), so it is ours, on [`super::xml`]'s tree:
//! namespace declarations only where they change what the nearest rendered ancestor said
//! (and, exclusive, only for prefixes the element or its attributes use), sorted by prefix;
//! attributes sorted by namespace URI then local name; empty elements as start–end pairs;
//! the spec's character escaping. A subtree is rendered with the namespaces in scope from its
//! ancestors (the inclusive form writes them all on its apex). Limit: `xml:` attributes of
//! ancestors are not copied onto a subtree's apex (C14N 1.0 §2.4 inherits them); trusted lists
//! put none there, and a difference would be a digest mismatch, not an acceptance.

use std::collections::BTreeMap;

use super::xml::{Element, Node};

/// Which canonicalisation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum C14nMode {
    /// Canonical XML 1.0.
    Inclusive,
    /// Exclusive 1.0, with its InclusiveNamespaces PrefixList (`#default` is "").
    Exclusive { prefixes: Vec<String> },
}

/// The canonical form of `apex`'s subtree, leaving out any element `skip` says (the enveloped
/// signature). `inherited` are the declarations in scope from `apex`'s ancestors, outermost
/// first.
pub fn canonicalize(
    apex: &Element,
    inherited: &[(String, String)],
    mode: &C14nMode,
    skip: &dyn Fn(&Element) -> bool,
) -> Vec<u8> {
    let mut scope = BTreeMap::new();
    for (p, u) in inherited {
        scope.insert(p.clone(), u.clone());
    }
    let mut out = String::new();
    render(apex, &scope, &BTreeMap::new(), mode, skip, &mut out);
    out.into_bytes()
}

type Namespaces = BTreeMap<String, String>;

fn render(
    e: &Element,
    scope_in: &Namespaces,
    rendered_in: &Namespaces,
    mode: &C14nMode,
    skip: &dyn Fn(&Element) -> bool,
    out: &mut String,
) {
    let mut scope = scope_in.clone();
    for (p, u) in &e.namespace_declarations {
        scope.insert(p.clone(), u.clone());
    }
    let candidates: Vec<String> = match mode {
        C14nMode::Inclusive => scope.keys().cloned().collect(),
        C14nMode::Exclusive { prefixes } => {
            let mut used = vec![e.prefix.clone()];
            used.extend(
                e.attributes
                    .iter()
                    .filter(|a| !a.prefix.is_empty())
                    .map(|a| a.prefix.clone()),
            );
            used.extend(prefixes.iter().cloned());
            used.sort();
            used.dedup();
            used
        }
    };
    let mut rendered = rendered_in.clone();
    let mut declarations = Vec::new();
    for prefix in candidates {
        if prefix == "xml" {
            continue;
        }
        let uri = scope.get(&prefix).cloned().unwrap_or_default();
        let before = rendered_in.get(&prefix).map(String::as_str).unwrap_or("");
        if uri.is_empty() {
            // Only the default namespace can be undeclared (Namespaces in XML 1.0); say so
            // only if an output ancestor set one.
            if prefix.is_empty() && !before.is_empty() {
                declarations.push((prefix.clone(), String::new()));
                rendered.insert(prefix, String::new());
            }
            continue;
        }
        if rendered_in.get(&prefix) != Some(&uri) {
            declarations.push((prefix.clone(), uri.clone()));
            rendered.insert(prefix, uri);
        }
    }
    let name = e.qname();
    out.push('<');
    out.push_str(&name);
    for (prefix, uri) in &declarations {
        if prefix.is_empty() {
            out.push_str(" xmlns=\"");
        } else {
            out.push_str(" xmlns:");
            out.push_str(prefix);
            out.push_str("=\"");
        }
        escape_attribute(uri, out);
        out.push('"');
    }
    let mut attributes: Vec<_> = e.attributes.iter().collect();
    attributes.sort_by(|a, b| (&a.namespace, &a.local).cmp(&(&b.namespace, &b.local)));
    for a in attributes {
        out.push(' ');
        if !a.prefix.is_empty() {
            out.push_str(&a.prefix);
            out.push(':');
        }
        out.push_str(&a.local);
        out.push_str("=\"");
        escape_attribute(&a.value, out);
        out.push('"');
    }
    out.push('>');
    for child in &e.children {
        match child {
            Node::Text(t) => escape_text(t, out),
            Node::Element(c) if skip(c) => {}
            Node::Element(c) => render(c, &scope, &rendered, mode, skip, out),
        }
    }
    out.push_str("</");
    out.push_str(&name);
    out.push('>');
}

/// Text nodes (C14N 1.0 §2.3): `&`, `<`, `>` and carriage return as references.
fn escape_text(text: &str, out: &mut String) {
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '\r' => out.push_str("&#xD;"),
            c => out.push(c),
        }
    }
}

/// Attribute values (C14N 1.0 §2.3): `&`, `<`, `"`, tab, line feed and carriage return.
fn escape_attribute(value: &str, out: &mut String) {
    for c in value.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '"' => out.push_str("&quot;"),
            '\t' => out.push_str("&#x9;"),
            '\n' => out.push_str("&#xA;"),
            '\r' => out.push_str("&#xD;"),
            c => out.push(c),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::xml::{XmlLimits, parse};
    use super::*;

    const LIMITS: XmlLimits = XmlLimits {
        max_bytes: 1 << 20,
        max_depth: 32,
        max_elements: 1000,
        max_namespaces: 16,
    };

    fn whole(input: &str, mode: &C14nMode) -> String {
        let doc = parse(input.as_bytes(), LIMITS).expect("parses");
        String::from_utf8(canonicalize(&doc.root, &[], mode, &|_| false)).expect("utf-8")
    }

    /// W3C Canonical XML 1.0 §3.3 (start and end tags): empty elements, attribute order,
    /// superfluous and undeclaring namespace declarations.
    #[test]
    fn canonical_xml_example_start_and_end_tags() {
        let input = "<doc>\n   <e1   />\n   <e2   ></e2>\n   <e3   name = \"elem3\"   id=\"elem3\"   />\n   <e4   name=\"elem4\"   id=\"elem4\"   ></e4>\n   <e5 a:attr=\"out\" b:attr=\"sorted\" attr2=\"all\" attr=\"I'm\"\n      xmlns:b=\"http://www.ietf.org\"\n      xmlns:a=\"http://www.w3.org\"\n      xmlns=\"http://example.org\"/>\n   <e6 xmlns=\"\" xmlns:a=\"http://www.w3.org\">\n      <e7 xmlns=\"http://www.ietf.org\">\n         <e8 xmlns=\"\" xmlns:a=\"http://www.w3.org\">\n            <e9 xmlns=\"\" xmlns:a=\"http://www.ietf.org\"/>\n         </e8>\n      </e7>\n   </e6>\n</doc>";
        let expected = "<doc>\n   <e1></e1>\n   <e2></e2>\n   <e3 id=\"elem3\" name=\"elem3\"></e3>\n   <e4 id=\"elem4\" name=\"elem4\"></e4>\n   <e5 xmlns=\"http://example.org\" xmlns:a=\"http://www.w3.org\" xmlns:b=\"http://www.ietf.org\" attr=\"I'm\" attr2=\"all\" b:attr=\"sorted\" a:attr=\"out\"></e5>\n   <e6 xmlns:a=\"http://www.w3.org\">\n      <e7 xmlns=\"http://www.ietf.org\">\n         <e8 xmlns=\"\">\n            <e9 xmlns:a=\"http://www.ietf.org\"></e9>\n         </e8>\n      </e7>\n   </e6>\n</doc>";
        assert_eq!(whole(input, &C14nMode::Inclusive), expected);
    }

    /// W3C Canonical XML 1.0 §3.4 (character modifications), the parts without a DTD:
    /// references resolved, special characters escaped, CDATA as text.
    #[test]
    fn canonical_xml_example_character_modifications() {
        let input = "<doc>\n   <text>First line&#x0d;&#10;Second line</text>\n   <value>&#x32;</value>\n   <compute><![CDATA[value>\"0\" && value<\"10\" ?\"valid\":\"error\"]]></compute>\n   <compute expr='value>\"0\" &amp;&amp; value&lt;\"10\" ?\"valid\":\"error\"'>valid</compute>\n   <norm attr=' &apos;   &#x20;&#13;&#xa;&#9;   &apos; '/>\n</doc>";
        let expected = "<doc>\n   <text>First line&#xD;\nSecond line</text>\n   <value>2</value>\n   <compute>value&gt;\"0\" &amp;&amp; value&lt;\"10\" ?\"valid\":\"error\"</compute>\n   <compute expr=\"value>&quot;0&quot; &amp;&amp; value&lt;&quot;10&quot; ?&quot;valid&quot;:&quot;error&quot;\">valid</compute>\n   <norm attr=\" '    &#xD;&#xA;&#x9;   ' \"></norm>\n</doc>";
        assert_eq!(whole(input, &C14nMode::Inclusive), expected);
    }

    /// W3C Exclusive XML Canonicalization 1.0 §2.2: the same subtree, inclusive and exclusive.
    #[test]
    fn exclusive_renders_only_the_namespaces_used() {
        let input = "<n0:local xmlns:n0=\"foo:bar\" xmlns:n3=\"ftp://example.org\"><n1:elem2 xmlns:n1=\"http://example.net\" xml:lang=\"en\"><n3:stuff xmlns:n3=\"ftp://example.org\"/></n1:elem2></n0:local>";
        let doc = parse(input.as_bytes(), LIMITS).expect("parses");
        let elem2 = doc.root.elements().next().expect("elem2");
        let scope = doc.root.ancestors_scope(elem2).expect("in tree");
        let c = |mode| String::from_utf8(canonicalize(elem2, &scope, &mode, &|_| false)).unwrap();
        assert_eq!(
            c(C14nMode::Inclusive),
            "<n1:elem2 xmlns:n0=\"foo:bar\" xmlns:n1=\"http://example.net\" xmlns:n3=\"ftp://example.org\" xml:lang=\"en\"><n3:stuff></n3:stuff></n1:elem2>"
        );
        assert_eq!(
            c(C14nMode::Exclusive { prefixes: vec![] }),
            "<n1:elem2 xmlns:n1=\"http://example.net\" xml:lang=\"en\"><n3:stuff xmlns:n3=\"ftp://example.org\"></n3:stuff></n1:elem2>"
        );
        // Near miss: a prefix on the PrefixList is rendered as the inclusive form would.
        assert_eq!(
            c(C14nMode::Exclusive {
                prefixes: vec!["n0".into()]
            }),
            "<n1:elem2 xmlns:n0=\"foo:bar\" xmlns:n1=\"http://example.net\" xml:lang=\"en\"><n3:stuff xmlns:n3=\"ftp://example.org\"></n3:stuff></n1:elem2>"
        );
    }

    #[test]
    fn a_skipped_element_leaves_nothing() {
        let out = whole("<a><b/>x<sig><c/></sig>y</a>", &C14nMode::Inclusive);
        assert_eq!(out, "<a><b></b>x<sig><c></c></sig>y</a>");
        let doc = parse(b"<a><b/>x<sig><c/></sig>y</a>", LIMITS).expect("parses");
        let skipped = canonicalize(&doc.root, &[], &C14nMode::Inclusive, &|e| e.local == "sig");
        assert_eq!(skipped, b"<a><b></b>xy</a>");
    }
}
