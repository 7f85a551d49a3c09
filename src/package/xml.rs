//! A small writer of indented XML: elements, attributes and escaped text. The package's
//! files are built from typed facts, so nothing here parses; everything written is escaped.

use quick_xml::escape::escape;

/// XML under construction, one element per line.
pub(super) struct Xml {
    out: String,
    open: Vec<&'static str>,
}

impl Xml {
    pub(super) fn new() -> Self {
        Xml {
            out: String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"),
            open: Vec::new(),
        }
    }

    fn indent(&mut self) {
        for _ in 0..self.open.len() {
            self.out.push_str("  ");
        }
    }

    fn start_tag(&mut self, name: &str, attrs: &[(&str, &str)]) {
        self.indent();
        self.out.push('<');
        self.out.push_str(name);
        for (key, value) in attrs {
            self.out.push(' ');
            self.out.push_str(key);
            self.out.push_str("=\"");
            self.out.push_str(&escape(*value));
            self.out.push('"');
        }
    }

    /// Opens `name`; [`Xml::close`] ends it.
    pub(super) fn open(&mut self, name: &'static str, attrs: &[(&str, &str)]) -> &mut Self {
        self.start_tag(name, attrs);
        self.out.push_str(">\n");
        self.open.push(name);
        self
    }

    /// Ends the innermost open element.
    pub(super) fn close(&mut self) -> &mut Self {
        if let Some(name) = self.open.pop() {
            self.indent();
            self.out.push_str("</");
            self.out.push_str(name);
            self.out.push_str(">\n");
        }
        self
    }

    /// An element with attributes and no content.
    pub(super) fn empty(&mut self, name: &str, attrs: &[(&str, &str)]) -> &mut Self {
        self.start_tag(name, attrs);
        self.out.push_str("/>\n");
        self
    }

    /// An element holding `text`.
    pub(super) fn text(&mut self, name: &str, attrs: &[(&str, &str)], text: &str) -> &mut Self {
        self.start_tag(name, attrs);
        self.out.push('>');
        self.out.push_str(&escape(text));
        self.out.push_str("</");
        self.out.push_str(name);
        self.out.push_str(">\n");
        self
    }

    /// The document, with every element still open closed.
    pub(super) fn finish(mut self) -> Vec<u8> {
        while !self.open.is_empty() {
            self.close();
        }
        self.out.into_bytes()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_and_attributes_are_escaped() {
        let mut x = Xml::new();
        x.open("a", &[("q", "\"<&>")]).text("b", &[], "x < y & z");
        let s = String::from_utf8(x.finish()).unwrap();
        assert!(s.contains("<a q=\"&quot;&lt;&amp;&gt;\">"), "{s}");
        assert!(s.contains("<b>x &lt; y &amp; z</b>"), "{s}");
        assert!(s.trim_end().ends_with("</a>"), "{s}");
    }

    #[test]
    fn unclosed_elements_are_closed_in_order() {
        let mut x = Xml::new();
        x.open("a", &[]).open("b", &[]).empty("c", &[]);
        let s = String::from_utf8(x.finish()).unwrap();
        let b = s.find("</b>").unwrap();
        let a = s.find("</a>").unwrap();
        assert!(b < a, "{s}");
    }
}
