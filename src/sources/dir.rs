//! A directory of PDFs: finding them (`*.pdf` in any case, in a stable order) and reading one
//! under the file-size limit (through [`super::open`], as every source reads a file).
//!
//! Symbolic links are followed, so a folder of links to an archive works, but a link back to
//! an ancestor is reported and skipped instead of walked forever. Nothing under the root is
//! silently dropped: an entry that cannot be read comes back as [`Found::Unreadable`], and a
//! `*.pdf` that is a FIFO or a device (or a link to one) is listed so that reading refuses it,
//! so the caller can give each an error record (design.md: "Nothing is lost").

use std::io;
use std::path::{Path, PathBuf};

use super::open::{self, OpenError};

use thiserror::Error;
use walkdir::WalkDir;

/// Why a directory or a file in it could not be read.
/// A variant's `cause` ends its message, and is therefore not also its `source()`.
#[derive(Debug, Error)]
#[non_exhaustive]
pub enum DirError {
    /// The root itself is missing, unreadable or not a directory.
    #[error("cannot read directory {}: {cause}", .path.display())]
    Root { path: PathBuf, cause: io::Error },
    /// An entry under the root could not be listed.
    #[error("cannot list {}: {cause}", .path.display())]
    Walk { path: PathBuf, cause: io::Error },
    /// A file could not be read: missing, not a regular file, over `Limits::max_file_bytes`.
    #[error(transparent)]
    Open(#[from] OpenError),
}

impl DirError {
    /// The path the error is about.
    pub fn path(&self) -> &Path {
        match self {
            DirError::Root { path, .. } | DirError::Walk { path, .. } => path,
            DirError::Open(error) => error.path(),
        }
    }

    /// The size to put in the error record: known for a file refused as too large.
    pub fn size(&self) -> Option<u64> {
        match self {
            DirError::Open(OpenError::TooLarge { size, .. }) => Some(*size),
            _ => None,
        }
    }

    /// True when the file was refused for its size (by its metadata, or by what it gave).
    pub fn is_too_large(&self) -> bool {
        matches!(
            self,
            DirError::Open(OpenError::TooLarge { .. } | OpenError::Overflowed { .. })
        )
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
    let meta = std::fs::metadata(root).map_err(|cause| DirError::Root {
        path: root.to_owned(),
        cause,
    })?;
    if !meta.is_dir() {
        return Err(DirError::Root {
            path: root.to_owned(),
            cause: io::Error::new(io::ErrorKind::NotADirectory, "not a directory"),
        });
    }
    let mut pdfs = Vec::new();
    let mut unreadable = Vec::new();
    // walkdir tracks the ancestors of each entry when following links and reports a link to
    // one of them as an error rather than descending into it.
    for entry in WalkDir::new(root).follow_links(true) {
        match entry {
            Ok(entry) => {
                // Not only regular files: a `*.pdf` that is a FIFO or a device is listed so
                // that reading refuses it with a reason, rather than skipped unseen.
                if !entry.file_type().is_dir() && is_pdf_name(entry.path()) {
                    pdfs.push(entry.into_path());
                }
            }
            Err(error) if error.loop_ancestor().is_some() => {
                // A loop holds nothing that the walk does not reach another way.
                tracing::warn!(path = ?error.path(), "skipping a symbolic link loop");
            }
            Err(error) => {
                let path = error.path().unwrap_or(root).to_owned();
                let cause = error
                    .into_io_error()
                    .unwrap_or_else(|| io::Error::other("directory walk failed"));
                unreadable.push(DirError::Walk { path, cause });
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

/// Reads a whole file through [`open::read_document`]: a regular file only, at most
/// `max_bytes`.
pub fn read_file(path: &Path, max_bytes: u64) -> Result<Vec<u8>, DirError> {
    Ok(open::read_document(path, max_bytes)?)
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
        let err = read_file(&path, 99).unwrap_err();
        assert!(err.is_too_large() && err.size() == Some(100), "{err}");
        assert_eq!(read_file(&path, 100).unwrap().len(), 100);
    }

    #[cfg(unix)]
    #[test]
    fn special_files_named_pdf_are_listed_and_refused_with_a_reason() {
        let dir = tempfile::tempdir().unwrap();
        fs::write(dir.path().join("a.pdf"), b"%PDF-1.7").unwrap();
        std::os::unix::fs::symlink("/dev/zero", dir.path().join("zero.pdf")).unwrap();
        let status = std::process::Command::new("mkfifo")
            .arg(dir.path().join("pipe.pdf"))
            .status()
            .unwrap();
        assert!(status.success());
        // Near miss: special files not named *.pdf stay unlisted.
        std::os::unix::fs::symlink("/dev/null", dir.path().join("null.txt")).unwrap();
        let found = pdf_files(dir.path()).unwrap();
        assert_eq!(paths(&found), ["a.pdf", "pipe.pdf", "zero.pdf"]);
        for name in ["pipe.pdf", "zero.pdf"] {
            let err = read_file(&dir.path().join(name), 1 << 20).unwrap_err();
            assert!(err.to_string().contains("not a regular file"), "{err}");
            assert!(!err.is_too_large());
        }
    }
}
