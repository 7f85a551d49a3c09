//! The ledger: which documents a batch has finished, so that a rerun after a crash or Ctrl-C
//! skips them.
//!
//! One line per finished document, `sha256<TAB>path<TAB>status\n`, appended and fsynced
//! *after* the document's record is durable in the output folder. So a line in the ledger
//! always means "this record exists"; a crash between the record and the ledger line only
//! costs redoing one document. A crash in the middle of an append leaves a last line without
//! its newline: reading ignores it (the document is simply done again) and opening for append
//! first ends that torn line, so every later line still starts at a line start.
//!
//! The ledger owns only its file. Whether a record still exists next to it is the batch's
//! question ([`super::run`] checks both before it skips a document).

use std::collections::HashMap;
use std::fs::{File, OpenOptions};
use std::io::{self, Read, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use thiserror::Error;

/// The ledger's file name in the output folder.
pub const LEDGER_FILE: &str = "ledger.tsv";

/// Why the ledger could not be read or extended.
/// A variant's `cause` ends its message, and is therefore not also its `source()`.
#[derive(Debug, Error)]
#[non_exhaustive]
pub enum LedgerError {
    /// Opening, reading or repairing the file failed.
    #[error("cannot open the ledger {}: {cause}", .path.display())]
    Open { path: PathBuf, cause: io::Error },
    /// Appending or syncing a line failed.
    #[error("cannot append to the ledger {}: {cause}", .path.display())]
    Append { path: PathBuf, cause: io::Error },
}

/// One finished document as the ledger lists it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    /// Hex SHA-256 of the document's bytes.
    pub sha256: String,
    /// The path the document had when it was processed (informative only).
    pub path: String,
    /// The record's status code.
    pub status: String,
}

/// An open ledger: what it listed when opened, and a file to append to.
#[derive(Debug)]
pub struct Ledger {
    path: PathBuf,
    done: HashMap<String, Entry>,
    file: Mutex<File>,
}

impl Ledger {
    /// Opens (or creates) the ledger in `dir` and reads what it lists.
    pub fn open(dir: &Path) -> Result<Self, LedgerError> {
        let path = dir.join(LEDGER_FILE);
        let open_error = |cause| LedgerError::Open {
            path: path.clone(),
            cause,
        };
        let mut file = OpenOptions::new()
            .read(true)
            .append(true)
            .create(true)
            .open(&path)
            .map_err(open_error)?;
        let mut text = Vec::new();
        file.read_to_end(&mut text).map_err(open_error)?;
        let done = parse(&text);
        if !text.is_empty() && !text.ends_with(b"\n") {
            // A torn last line from a crash mid-append: end it so the next entry starts on
            // its own line. `parse` already ignored it.
            file.seek(SeekFrom::End(0)).map_err(open_error)?;
            file.write_all(b"\n").map_err(open_error)?;
            file.sync_all().map_err(open_error)?;
        }
        Ok(Ledger {
            path,
            done,
            file: Mutex::new(file),
        })
    }

    /// The entry for `sha256`, if the ledger listed it when opened.
    pub fn get(&self, sha256: &str) -> Option<&Entry> {
        self.done.get(sha256)
    }

    /// How many documents the ledger listed when opened.
    pub fn len(&self) -> usize {
        self.done.len()
    }

    /// True when the ledger listed nothing when opened.
    pub fn is_empty(&self) -> bool {
        self.done.is_empty()
    }

    /// Appends one line and fsyncs it before returning.
    pub fn append(&self, sha256: &str, path: &str, status: &str) -> Result<(), LedgerError> {
        let line = format!("{sha256}\t{}\t{status}\n", escape(path));
        // One `write_all` of the whole line under the lock: lines of concurrent workers never
        // interleave.
        let mut file = self.file.lock().unwrap_or_else(|p| p.into_inner());
        file.write_all(line.as_bytes())
            .and_then(|()| file.sync_data())
            .map_err(|cause| LedgerError::Append {
                path: self.path.clone(),
                cause,
            })
    }
}

/// The complete, well-formed lines of a ledger. A malformed line (torn, or edited by hand) is
/// skipped, which only means its document is processed again.
pub fn parse(text: &[u8]) -> HashMap<String, Entry> {
    let mut done = HashMap::new();
    let complete = match text.iter().rposition(|&b| b == b'\n') {
        Some(end) => &text[..end],
        None => return done,
    };
    for line in complete.split(|&b| b == b'\n') {
        let Ok(line) = std::str::from_utf8(line) else {
            continue;
        };
        let mut fields = line.split('\t');
        let (Some(sha256), Some(path), Some(status), None) =
            (fields.next(), fields.next(), fields.next(), fields.next())
        else {
            continue;
        };
        if !is_sha256(sha256) || status.is_empty() {
            continue;
        }
        done.insert(
            sha256.to_owned(),
            Entry {
                sha256: sha256.to_owned(),
                path: path.to_owned(),
                status: status.to_owned(),
            },
        );
    }
    done
}

/// True for 64 lowercase hex digits.
pub fn is_sha256(s: &str) -> bool {
    s.len() == 64 && s.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'))
}

/// Keeps a path on one field: a tab or newline in a file name would break the line format.
fn escape(path: &str) -> String {
    path.replace('\\', "\\\\")
        .replace('\t', "\\t")
        .replace('\n', "\\n")
        .replace('\r', "\\r")
}

#[cfg(test)]
mod tests {
    use super::*;

    const A: &str = "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa";
    const B: &str = "bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb";

    #[test]
    fn appended_lines_are_read_back() {
        let dir = tempfile::tempdir().unwrap();
        let ledger = Ledger::open(dir.path()).unwrap();
        assert!(ledger.is_empty());
        ledger.append(A, "in/a.pdf", "verified").unwrap();
        ledger.append(B, "in/b\tc.pdf", "error").unwrap();
        let again = Ledger::open(dir.path()).unwrap();
        assert_eq!(again.len(), 2);
        assert_eq!(again.get(A).unwrap().status, "verified");
        assert_eq!(again.get(B).unwrap().path, "in/b\\tc.pdf");
    }

    #[test]
    fn torn_last_line_is_ignored_and_ended() {
        let dir = tempfile::tempdir().unwrap();
        let torn = format!("{A}\tin/a.pdf\tverified\n{B}\tin/b.p");
        std::fs::write(dir.path().join(LEDGER_FILE), &torn).unwrap();
        let ledger = Ledger::open(dir.path()).unwrap();
        assert_eq!(ledger.len(), 1);
        assert!(ledger.get(B).is_none());
        ledger.append(B, "in/b.pdf", "unsigned").unwrap();
        let text = std::fs::read_to_string(dir.path().join(LEDGER_FILE)).unwrap();
        assert!(
            text.ends_with(&format!("\n{B}\tin/b.pdf\tunsigned\n")),
            "{text}"
        );
        assert_eq!(Ledger::open(dir.path()).unwrap().len(), 2);
    }

    #[test]
    fn malformed_lines_are_skipped() {
        let text = format!("nothex\tp\tok\n{A}\tp\n{A}\tp\t\n{B}\tp\tfailed\textra\n");
        assert!(parse(text.as_bytes()).is_empty());
    }
}
