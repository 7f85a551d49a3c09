//! A directory of PDFs: finding them (`*.pdf` in any case, in a stable order) and reading one
//! under the file-size limit.
//!
//! Symbolic links are followed, so a folder of links to an archive works, but a link back to
//! an ancestor is reported and skipped instead of walked forever. Nothing under the root is
//! silently dropped: an entry that cannot be read comes back as [`Found::Unreadable`] so the
//! caller can give it an error record (design.md: "Nothing is lost").

use std::fs::File;
use std::io::{self, Read};
use std::path::{Path, PathBuf};

use thiserror::Error;
use walkdir::WalkDir;

/// Why a directory or a file in it could not be read.
#[derive(Debug, Error)]
#[non_exhaustive]
pub enum DirError {
    /// The root itself is missing, unreadable or not a directory.
    #[error("cannot read directory {}: {source}", .path.display())]
    Root { path: PathBuf, source: io::Error },
    /// An entry under the root could not be listed.
    #[error("cannot list {}: {source}", .path.display())]
    Walk { path: PathBuf, source: io::Error },
    /// A file could not be opened or read.
    #[error("cannot read {}: {source}", .path.display())]
    Read { path: PathBuf, source: io::Error },
    /// A file is larger than `Limits::max_file_bytes`; it was not read.
    #[error("{} is {size} bytes, over the limit of {limit} bytes", .path.display())]
    TooLarge {
        path: PathBuf,
        size: u64,
        limit: u64,
    },
}

impl DirError {
    /// The path the error is about.
    pub fn path(&self) -> &Path {
        match self {
            DirError::Root { path, .. }
            | DirError::Walk { path, .. }
            | DirError::Read { path, .. }
            | DirError::TooLarge { path, .. } => path,
        }
    }
}

/// One thing found under the root.
#[derive(Debug)]
pub enum Found {
    /// A PDF file to process.
    Pdf(PathBuf),
    /// Something that may hold PDFs but could not be listed.
    Unreadable(DirError),
}

/// Every `*.pdf` file (extension in any case) under `root`, sorted by path, plus every entry
/// that could not be listed. Fails only when `root` itself cannot be read.
pub fn pdf_files(root: &Path) -> Result<Vec<Found>, DirError> {
    let meta = std::fs::metadata(root).map_err(|source| DirError::Root {
        path: root.to_owned(),
        source,
    })?;
    if !meta.is_dir() {
        return Err(DirError::Root {
            path: root.to_owned(),
            source: io::Error::new(io::ErrorKind::NotADirectory, "not a directory"),
        });
    }
    let mut pdfs = Vec::new();
    let mut unreadable = Vec::new();
    // walkdir tracks the ancestors of each entry when following links and reports a link to
    // one of them as an error rather than descending into it.
    for entry in WalkDir::new(root).follow_links(true) {
        match entry {
            Ok(entry) => {
                if entry.file_type().is_file() && is_pdf_name(entry.path()) {
                    pdfs.push(entry.into_path());
                }
            }
            Err(error) if error.loop_ancestor().is_some() => {
                // A loop holds nothing that the walk does not reach another way.
                tracing::warn!(path = ?error.path(), "skipping a symbolic link loop");
            }
            Err(error) => {
                let path = error.path().unwrap_or(root).to_owned();
                let source = error
                    .into_io_error()
                    .unwrap_or_else(|| io::Error::other("directory walk failed"));
                unreadable.push(DirError::Walk { path, source });
            }
        }
    }
    pdfs.sort();
    let mut found: Vec<Found> = pdfs.into_iter().map(Found::Pdf).collect();
    found.extend(unreadable.into_iter().map(Found::Unreadable));
    Ok(found)
}

/// True for a name ending in `.pdf`, `.PDF`, `.Pdf`, ...
pub fn is_pdf_name(path: &Path) -> bool {
    path.extension()
        .is_some_and(|extension| extension.eq_ignore_ascii_case("pdf"))
}

/// Reads a whole file, refusing before reading when it is larger than `max_bytes`.
pub fn read_file(path: &Path, max_bytes: u64) -> Result<Vec<u8>, DirError> {
    let read_error = |source| DirError::Read {
        path: path.to_owned(),
        source,
    };
    let file = File::open(path).map_err(read_error)?;
    let size = file.metadata().map_err(read_error)?.len();
    if size > max_bytes {
        return Err(DirError::TooLarge {
            path: path.to_owned(),
            size,
            limit: max_bytes,
        });
    }
    // The file may grow between the size check and the read; `take` keeps the promise anyway.
    let mut bytes = Vec::with_capacity(usize::try_from(size).unwrap_or(0));
    file.take(max_bytes.saturating_add(1))
        .read_to_end(&mut bytes)
        .map_err(read_error)?;
    let read = bytes.len() as u64;
    if read > max_bytes {
        return Err(DirError::TooLarge {
            path: path.to_owned(),
            size: read,
            limit: max_bytes,
        });
    }
    Ok(bytes)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::fs;

    fn paths(found: &[Found]) -> Vec<String> {
        found
            .iter()
            .filter_map(|f| match f {
                Found::Pdf(p) => Some(p.file_name()?.to_string_lossy().into_owned()),
                Found::Unreadable(_) => None,
            })
            .collect()
    }

    #[test]
    fn finds_pdfs_in_any_case_sorted_and_nothing_else() {
        let dir = tempfile::tempdir().unwrap();
        fs::create_dir(dir.path().join("sub")).unwrap();
        for name in [
            "b.pdf",
            "A.PDF",
            "sub/c.Pdf",
            "notes.txt",
            "pdf",
            "x.pdf.txt",
        ] {
            fs::write(dir.path().join(name), b"%PDF-1.7").unwrap();
        }
        fs::create_dir(dir.path().join("folder.pdf")).unwrap();
        let found = pdf_files(dir.path()).unwrap();
        assert_eq!(paths(&found), ["A.PDF", "b.pdf", "c.Pdf"]);
    }

    #[cfg(unix)]
    #[test]
    fn symlink_loop_ends() {
        let dir = tempfile::tempdir().unwrap();
        fs::create_dir(dir.path().join("a")).unwrap();
        fs::write(dir.path().join("a/x.pdf"), b"%PDF-1.7").unwrap();
        std::os::unix::fs::symlink(dir.path(), dir.path().join("a/up")).unwrap();
        let found = pdf_files(dir.path()).unwrap();
        assert_eq!(paths(&found), ["x.pdf"]);
    }

    #[test]
    fn missing_root_is_an_error() {
        let dir = tempfile::tempdir().unwrap();
        let err = pdf_files(&dir.path().join("nope")).unwrap_err();
        assert!(matches!(err, DirError::Root { .. }), "{err}");
    }

    #[test]
    fn oversized_file_is_refused_unread() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("big.pdf");
        fs::write(&path, vec![b'x'; 100]).unwrap();
        assert!(matches!(
            read_file(&path, 99),
            Err(DirError::TooLarge {
                size: 100,
                limit: 99,
                ..
            })
        ));
        assert_eq!(read_file(&path, 100).unwrap().len(), 100);
    }
}
