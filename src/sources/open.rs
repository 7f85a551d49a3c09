//! Opening a document: the one way every source (the CLI, `batch`, the worker) reads a file.
//!
//! A document is opened once and everything is judged on that open handle:
//!
//! - it is opened with `O_NONBLOCK` (on unix), so that opening a FIFO returns at once instead
//!   of waiting for a writer that never comes;
//! - the handle is `fstat`ed, not the path, and anything that is not a regular file (FIFO,
//!   character or block device, socket, directory) is refused unread with what it is;
//! - it is read through `take(limit + 1)`, so the read stops at the pipeline's
//!   `max_file_bytes` whatever the metadata said (a file that grows, `/proc` files that say
//!   0 bytes), and more than the limit is refused.
//!
//! [`read_confined`] adds the document root: the path is resolved (symbolic links included)
//! and must lie under the canonical root, unless the operator chose
//! [`Symlinks::FollowOutOfRoot`]. The resolved path is then opened with `O_NOFOLLOW`, so a link
//! swapped in for its last component after the check is refused rather than followed. A link
//! swapped in for a folder between the check and the open is not caught; the root's folders
//! are the operator's, and a writer there can place any document anyway.

use std::fs::{File, FileType, OpenOptions};
use std::io::{self, Read};
use std::path::{Path, PathBuf};

use thiserror::Error;

/// Whether a path under the document root may resolve, through symbolic links, to a file
/// outside it.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum Symlinks {
    /// Links are followed only while they end inside the root (the default).
    #[default]
    StayInRoot,
    /// Links are followed wherever they lead (`--follow-symlinks-out-of-root`).
    FollowOutOfRoot,
}

/// What a path names when it is not a regular file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FileKind {
    /// A directory.
    Directory,
    /// A named pipe.
    Fifo,
    /// A character device (`/dev/zero`, a terminal).
    CharDevice,
    /// A block device (a disk).
    BlockDevice,
    /// A unix socket.
    Socket,
    /// Anything else the platform has.
    Other,
}

impl FileKind {
    /// The kind of a file type; `None` for a regular file.
    pub fn of(file_type: FileType) -> Option<FileKind> {
        if file_type.is_file() {
            return None;
        }
        if file_type.is_dir() {
            return Some(FileKind::Directory);
        }
        #[cfg(unix)]
        {
            use std::os::unix::fs::FileTypeExt;
            if file_type.is_fifo() {
                return Some(FileKind::Fifo);
            }
            if file_type.is_char_device() {
                return Some(FileKind::CharDevice);
            }
            if file_type.is_block_device() {
                return Some(FileKind::BlockDevice);
            }
            if file_type.is_socket() {
                return Some(FileKind::Socket);
            }
        }
        Some(FileKind::Other)
    }

    /// The kind in words, with its article.
    pub fn as_str(self) -> &'static str {
        match self {
            FileKind::Directory => "a directory",
            FileKind::Fifo => "a FIFO (named pipe)",
            FileKind::CharDevice => "a character device",
            FileKind::BlockDevice => "a block device",
            FileKind::Socket => "a socket",
            FileKind::Other => "not a regular file",
        }
    }
}

impl std::fmt::Display for FileKind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Why a document could not be read. Every variant names the path as it was given.
/// A variant's `cause` ends its message, and is therefore not also its `source()`.
#[derive(Debug, Error)]
#[non_exhaustive]
pub enum OpenError {
    /// The file could not be resolved, opened or read.
    #[error("cannot read {}: {cause}", .path.display())]
    Io {
        /// The path as given.
        path: PathBuf,
        /// Why.
        cause: io::Error,
    },
    /// Not a regular file; refused before reading.
    #[error("{} is {kind}, not a regular file; refused unread", .path.display())]
    NotRegular {
        /// The path as given.
        path: PathBuf,
        /// What it is.
        kind: FileKind,
    },
    /// Its metadata says it is larger than the limit; refused before reading.
    #[error("{} is {size} bytes, over the limit of {limit} bytes", .path.display())]
    TooLarge {
        /// The path as given.
        path: PathBuf,
        /// Its size by its metadata.
        size: u64,
        /// The pipeline's `max_file_bytes`.
        limit: u64,
    },
    /// It gave more bytes than the limit although its metadata said less (it grew while
    /// being read); refused, and read no further than one byte past the limit.
    #[error(
        "{} gave more than {limit} bytes (the limit) although its metadata said {claimed} bytes; refused",
        .path.display()
    )]
    Overflowed {
        /// The path as given.
        path: PathBuf,
        /// What its metadata said.
        claimed: u64,
        /// The pipeline's `max_file_bytes`.
        limit: u64,
    },
    /// It resolves, through symbolic links, to a file outside the document root.
    #[error(
        "{} resolves to {}, outside the document root {}; refused (--follow-symlinks-out-of-root allows it)",
        .path.display(), .resolved.display(), .root.display()
    )]
    OutsideRoot {
        /// The path as given.
        path: PathBuf,
        /// Where its links lead.
        resolved: PathBuf,
        /// The canonical root.
        root: PathBuf,
    },
}

impl OpenError {
    /// The path the error is about, as it was given.
    pub fn path(&self) -> &Path {
        match self {
            OpenError::Io { path, .. }
            | OpenError::NotRegular { path, .. }
            | OpenError::TooLarge { path, .. }
            | OpenError::Overflowed { path, .. }
            | OpenError::OutsideRoot { path, .. } => path,
        }
    }

    /// True when trying again later may succeed: an I/O error other than the file's absence,
    /// its permissions or its shape (a disk error, too many open files). Everything else is
    /// a property of the file and the same read would be refused again.
    pub fn is_transient(&self) -> bool {
        let OpenError::Io { cause, .. } = self else {
            return false;
        };
        #[cfg(unix)]
        if cause.raw_os_error() == Some(libc::ELOOP) {
            // Too many links, or `O_NOFOLLOW` met a link swapped in after the check.
            return false;
        }
        !matches!(
            cause.kind(),
            io::ErrorKind::NotFound
                | io::ErrorKind::PermissionDenied
                | io::ErrorKind::IsADirectory
                | io::ErrorKind::NotADirectory
                | io::ErrorKind::InvalidInput
                | io::ErrorKind::InvalidFilename
        )
    }
}

/// Reads the regular file at `path`, at most `limit` bytes; symbolic links are followed
/// (the CLI and `batch`, where the operator names the files).
pub fn read_document(path: &Path, limit: u64) -> Result<Vec<u8>, OpenError> {
    read_opened(path, path, limit, false)
}

/// Reads the regular file at `path` (a path the job rules put under `root`), at most `limit`
/// bytes, after checking that its resolved path lies under the canonical `root` unless
/// `symlinks` allows it to leave.
pub fn read_confined(
    root: &Path,
    path: &Path,
    symlinks: Symlinks,
    limit: u64,
) -> Result<Vec<u8>, OpenError> {
    let io_error = |cause| OpenError::Io {
        path: path.to_owned(),
        cause,
    };
    let resolved = path.canonicalize().map_err(io_error)?;
    if symlinks == Symlinks::StayInRoot {
        let root = root.canonicalize().map_err(|cause| OpenError::Io {
            path: root.to_owned(),
            cause,
        })?;
        // `starts_with` compares whole components: `/srv/docsx` is not under `/srv/docs`.
        if !resolved.starts_with(&root) {
            return Err(OpenError::OutsideRoot {
                path: path.to_owned(),
                resolved,
                root,
            });
        }
    }
    read_opened(path, &resolved, limit, true)
}

/// Opens `target` once and reads it under the rules of this module; errors name `shown`.
fn read_opened(
    shown: &Path,
    target: &Path,
    limit: u64,
    no_follow: bool,
) -> Result<Vec<u8>, OpenError> {
    let io_error = |cause| OpenError::Io {
        path: shown.to_owned(),
        cause,
    };
    let refuse = |kind| OpenError::NotRegular {
        path: shown.to_owned(),
        kind,
    };
    // A look at the path first, so that a device is refused without being opened at all
    // (opening some devices has effects, a tape rewinds). It is only a first look: the path
    // may change before the open, so the opened handle is what decides below.
    if let Some(kind) = FileKind::of(std::fs::metadata(target).map_err(io_error)?.file_type()) {
        return Err(refuse(kind));
    }
    let file = open(target, no_follow).map_err(io_error)?;
    let meta = file.metadata().map_err(io_error)?;
    if let Some(kind) = FileKind::of(meta.file_type()) {
        return Err(refuse(kind));
    }
    let claimed = meta.len();
    if claimed > limit {
        return Err(OpenError::TooLarge {
            path: shown.to_owned(),
            size: claimed,
            limit,
        });
    }
    let mut bytes = Vec::with_capacity(usize::try_from(claimed).unwrap_or(0));
    // One byte past the limit tells "exactly the limit" from "more", and no more is read.
    file.take(limit.saturating_add(1))
        .read_to_end(&mut bytes)
        .map_err(io_error)?;
    if bytes.len() as u64 > limit {
        return Err(OpenError::Overflowed {
            path: shown.to_owned(),
            claimed,
            limit,
        });
    }
    Ok(bytes)
}

/// Opens for reading without blocking on a FIFO, and without following a final symbolic link
/// when `no_follow`. `O_NONBLOCK` stays set: it changes nothing for reads of a regular file,
/// the only kind that is read.
fn open(path: &Path, no_follow: bool) -> io::Result<File> {
    let mut options = OpenOptions::new();
    options.read(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        let mut flags = libc::O_NONBLOCK;
        if no_follow {
            flags |= libc::O_NOFOLLOW;
        }
        options.custom_flags(flags);
    }
    #[cfg(not(unix))]
    let _ = no_follow;
    options.open(path)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::fs;

    const LIMIT: u64 = 1024;

    #[test]
    fn regular_file_is_read_whole() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("a.pdf");
        fs::write(&path, b"%PDF-1.7").unwrap();
        assert_eq!(read_document(&path, LIMIT).unwrap(), b"%PDF-1.7");
    }

    #[test]
    fn file_at_the_limit_is_read_and_one_byte_over_is_refused_unread() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("big.pdf");
        fs::write(&path, vec![b'x'; 100]).unwrap();
        assert_eq!(read_document(&path, 100).unwrap().len(), 100);
        let err = read_document(&path, 99).unwrap_err();
        assert!(
            matches!(
                err,
                OpenError::TooLarge {
                    size: 100,
                    limit: 99,
                    ..
                }
            ),
            "{err}"
        );
    }

    #[test]
    fn directory_is_refused_and_missing_file_is_permanent() {
        let dir = tempfile::tempdir().unwrap();
        let err = read_document(dir.path(), LIMIT).unwrap_err();
        assert!(
            matches!(
                err,
                OpenError::NotRegular {
                    kind: FileKind::Directory,
                    ..
                }
            ),
            "{err}"
        );
        let err = read_document(&dir.path().join("nope.pdf"), LIMIT).unwrap_err();
        assert!(
            matches!(err, OpenError::Io { .. }) && !err.is_transient(),
            "{err}"
        );
    }

    #[cfg(unix)]
    fn mkfifo(path: &Path) {
        let status = std::process::Command::new("mkfifo")
            .arg(path)
            .status()
            .unwrap();
        assert!(status.success(), "mkfifo {}", path.display());
    }

    #[cfg(unix)]
    #[test]
    fn fifo_is_refused_at_once_without_blocking() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("pipe.pdf");
        mkfifo(&path);
        // No writer ever opens the FIFO: a blocking open would hang this test.
        let err = read_document(&path, LIMIT).unwrap_err();
        assert!(
            matches!(
                err,
                OpenError::NotRegular {
                    kind: FileKind::Fifo,
                    ..
                }
            ),
            "{err}"
        );
        assert!(err.to_string().contains("FIFO"), "{err}");
        assert!(!err.is_transient());
    }

    #[cfg(unix)]
    #[test]
    fn link_to_dev_zero_is_refused_as_a_device_whatever_its_size_says() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("zero.pdf");
        std::os::unix::fs::symlink("/dev/zero", &path).unwrap();
        let err = read_document(&path, LIMIT).unwrap_err();
        assert!(
            matches!(
                err,
                OpenError::NotRegular {
                    kind: FileKind::CharDevice,
                    ..
                }
            ),
            "{err}"
        );
        assert_eq!(err.path(), path, "the error names the path as given");
    }

    #[cfg(unix)]
    #[test]
    fn link_inside_the_root_to_a_file_inside_is_read() {
        let root = tempfile::tempdir().unwrap();
        fs::create_dir(root.path().join("sub")).unwrap();
        fs::write(root.path().join("sub/a.pdf"), b"%PDF-1.7").unwrap();
        std::os::unix::fs::symlink("sub/a.pdf", root.path().join("link.pdf")).unwrap();
        let bytes = read_confined(
            root.path(),
            &root.path().join("link.pdf"),
            Symlinks::StayInRoot,
            LIMIT,
        )
        .unwrap();
        assert_eq!(bytes, b"%PDF-1.7");
    }

    #[cfg(unix)]
    #[test]
    fn link_out_of_the_root_is_refused_unless_allowed() {
        let outside = tempfile::tempdir().unwrap();
        fs::write(outside.path().join("secret.pdf"), b"%PDF-1.7").unwrap();
        // A sibling whose name starts like the root's: not under it.
        let root = tempfile::tempdir().unwrap();
        let path = root.path().join("link.pdf");
        std::os::unix::fs::symlink(outside.path().join("secret.pdf"), &path).unwrap();
        let err = read_confined(root.path(), &path, Symlinks::StayInRoot, LIMIT).unwrap_err();
        assert!(matches!(err, OpenError::OutsideRoot { .. }), "{err}");
        assert!(
            err.to_string().contains("--follow-symlinks-out-of-root"),
            "{err}"
        );
        assert!(!err.is_transient());
        let bytes = read_confined(root.path(), &path, Symlinks::FollowOutOfRoot, LIMIT).unwrap();
        assert_eq!(bytes, b"%PDF-1.7");
    }

    #[cfg(unix)]
    #[test]
    fn linked_folder_out_of_the_root_is_refused_too() {
        let outside = tempfile::tempdir().unwrap();
        fs::write(outside.path().join("a.pdf"), b"%PDF-1.7").unwrap();
        let root = tempfile::tempdir().unwrap();
        std::os::unix::fs::symlink(outside.path(), root.path().join("docs")).unwrap();
        let path = root.path().join("docs/a.pdf");
        let err = read_confined(root.path(), &path, Symlinks::StayInRoot, LIMIT).unwrap_err();
        assert!(matches!(err, OpenError::OutsideRoot { .. }), "{err}");
    }

    #[cfg(unix)]
    #[test]
    fn link_to_dev_zero_in_the_root_is_refused_either_way() {
        let root = tempfile::tempdir().unwrap();
        let path = root.path().join("zero.pdf");
        std::os::unix::fs::symlink("/dev/zero", &path).unwrap();
        let err = read_confined(root.path(), &path, Symlinks::StayInRoot, LIMIT).unwrap_err();
        assert!(matches!(err, OpenError::OutsideRoot { .. }), "{err}");
        let err = read_confined(root.path(), &path, Symlinks::FollowOutOfRoot, LIMIT).unwrap_err();
        assert!(
            matches!(
                err,
                OpenError::NotRegular {
                    kind: FileKind::CharDevice,
                    ..
                }
            ),
            "{err}"
        );
    }

    #[cfg(target_os = "linux")]
    #[test]
    fn a_file_that_says_it_is_empty_is_still_read_under_the_cap() {
        // /proc files claim 0 bytes and give more: the cap, not the metadata, ends the read.
        let path = Path::new("/proc/self/maps");
        let err = read_document(path, 8).unwrap_err();
        assert!(
            matches!(
                err,
                OpenError::Overflowed {
                    claimed: 0,
                    limit: 8,
                    ..
                }
            ),
            "{err}"
        );
        assert!(!read_document(path, 1 << 20).unwrap().is_empty());
    }
}
