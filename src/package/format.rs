//! File formats as archives name them: a format name and version, and its PRONOM key
//! (The National Archives' registry, which ingest tools such as DROID identify files by).

/// A file's format in the words of PRONOM.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct Format {
    pub name: &'static str,
    pub version: Option<&'static str>,
    pub pronom: &'static str,
}

/// The PDF's format from the version its header or catalog gives. An unknown or missing
/// version is PDF 1.7 (ISO 32000-1), which every later reader accepts as the family name.
pub(super) fn pdf(version: Option<&str>) -> Format {
    let (version, pronom) = match version.map(str::trim) {
        Some("1.0") => ("1.0", "fmt/14"),
        Some("1.1") => ("1.1", "fmt/15"),
        Some("1.2") => ("1.2", "fmt/16"),
        Some("1.3") => ("1.3", "fmt/17"),
        Some("1.4") => ("1.4", "fmt/18"),
        Some("1.5") => ("1.5", "fmt/19"),
        Some("1.6") => ("1.6", "fmt/20"),
        Some("2.0") => ("2.0", "fmt/1129"),
        _ => ("1.7", "fmt/276"),
    };
    Format {
        name: "Acrobat PDF - Portable Document Format",
        version: Some(version),
        pronom,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pdf_versions_have_their_pronom_keys() {
        assert_eq!(pdf(Some("1.4")).pronom, "fmt/18");
        assert_eq!(pdf(Some("2.0")).pronom, "fmt/1129");
    }

    #[test]
    fn an_unknown_pdf_version_is_the_family() {
        assert_eq!(pdf(Some("9.9")).pronom, "fmt/276");
        assert_eq!(pdf(None).version, Some("1.7"));
    }
}
