//! A folder of records: one `<identity>.json` per document, written atomically.
//!
//! Atomic means a reader never sees half a record and a crash leaves either the old file or
//! the new one: write a temporary file in the same folder (so the rename cannot cross file
//! systems), fsync it, rename it over the final name, then fsync the folder so the rename
//! itself survives a power cut. Because the name is the content hash, writing the same
//! document twice replaces its record instead of adding a duplicate.

use std::fs::{self, File, OpenOptions};
use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};

use thiserror::Error;

use crate::record::{IdentityBasis, Record};

/// Why a record could not be written.
/// A variant's `cause` ends its message, and is therefore not also its `source()`.
#[derive(Debug, Error)]
#[non_exhaustive]
pub enum FsSinkError {
    /// The output folder could not be created.
    #[error("cannot create output folder {}: {cause}", .path.display())]
    CreateDir { path: PathBuf, cause: io::Error },
    /// The record could not be serialized (a bug: records are plain data).
    #[error("cannot serialize the record for {name}: {cause}")]
    Serialize {
        name: String,
        cause: serde_json::Error,
    },
    /// Writing, syncing or renaming the file failed.
    #[error("cannot write {}: {cause}", .path.display())]
    Write { path: PathBuf, cause: io::Error },
}

/// Writes records as JSON files into one folder.
#[derive(Debug)]
pub struct FsSink {
    dir: PathBuf,
}

/// Tells temporary files of one process apart when threads write the same record at once.
static TEMP_COUNTER: AtomicU64 = AtomicU64::new(0);

impl FsSink {
    /// A sink writing into `dir`, which is created if missing.
    pub fn new(dir: &Path) -> Result<Self, FsSinkError> {
        fs::create_dir_all(dir).map_err(|cause| FsSinkError::CreateDir {
            path: dir.to_owned(),
            cause,
        })?;
        Ok(FsSink {
            dir: dir.to_owned(),
        })
    }

    /// The file name a record gets: `<sha256>.json` by content, `path-<sha256>.json` when the
    /// content could not be read and the hash is of the source path.
    pub fn file_name(record: &Record) -> String {
        match record.identity.by {
            IdentityBasis::Content => format!("{}.json", record.identity.sha256),
            IdentityBasis::SourcePath => format!("path-{}.json", record.identity.sha256),
        }
    }

    /// Writes `record` durably and returns where it went.
    pub fn write(&self, record: &Record) -> Result<PathBuf, FsSinkError> {
        let name = Self::file_name(record);
        let mut json =
            serde_json::to_vec_pretty(record).map_err(|cause| FsSinkError::Serialize {
                name: name.clone(),
                cause,
            })?;
        json.push(b'\n');

        let path = self.dir.join(&name);
        let temp = self.dir.join(format!(
            ".{name}.{}.{}.tmp",
            std::process::id(),
            TEMP_COUNTER.fetch_add(1, Ordering::Relaxed)
        ));
        let result = write_synced(&temp, &json)
            .and_then(|()| fs::rename(&temp, &path))
            .and_then(|()| sync_dir(&self.dir));
        if let Err(cause) = result {
            // Best effort: a leftover temp file is harmless (dot-named, never a record) but
            // clutter; the write error is what matters.
            let _ = fs::remove_file(&temp);
            return Err(FsSinkError::Write { path, cause });
        }
        Ok(path)
    }
}

pub(crate) fn write_synced(path: &Path, bytes: &[u8]) -> io::Result<()> {
    let mut file = OpenOptions::new().write(true).create_new(true).open(path)?;
    file.write_all(bytes)?;
    file.sync_all()
}

#[cfg(unix)]
pub(crate) fn sync_dir(dir: &Path) -> io::Result<()> {
    File::open(dir)?.sync_all()
}

#[cfg(not(unix))]
pub(crate) fn sync_dir(_dir: &Path) -> io::Result<()> {
    // Windows cannot open a directory as a file; NTFS journals the rename itself.
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::pipeline::Settings;
    use crate::pipeline::{io_error_record, process};
    use crate::record::{ErrorKind, SourceInfo};

    #[test]
    fn writes_record_named_by_content_hash_and_leaves_no_temp() {
        let dir = tempfile::tempdir().unwrap();
        let sink = FsSink::new(&dir.path().join("out")).unwrap();
        let record = process(b"not a pdf", SourceInfo::named("n"), &Settings::default());
        let path = sink.write(&record).unwrap();
        assert_eq!(
            path.file_name().unwrap().to_string_lossy(),
            format!("{}.json", record.document.sha256.as_deref().unwrap())
        );
        // Writing again replaces, it does not duplicate.
        sink.write(&record).unwrap();
        let names: Vec<_> = fs::read_dir(dir.path().join("out"))
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        assert_eq!(names.len(), 1, "{names:?}");
        let json: serde_json::Value = serde_json::from_slice(&fs::read(&path).unwrap()).unwrap();
        assert_eq!(json["status"], "error");
    }

    #[test]
    fn unreadable_input_gets_a_path_named_record() {
        let dir = tempfile::tempdir().unwrap();
        let sink = FsSink::new(dir.path()).unwrap();
        let record = io_error_record(
            SourceInfo::named("gone.pdf"),
            ErrorKind::Io,
            "no such file",
            None,
            jiff::Timestamp::UNIX_EPOCH,
        );
        let path = sink.write(&record).unwrap();
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        assert!(
            name.starts_with("path-") && name.ends_with(".json"),
            "{name}"
        );
    }
}
