//! Sink: archive packages (`package::Package`) written to a folder, each as a folder or a ZIP
//! named after the document's SHA-256.
//!
//! A package is written under a temporary name in the same folder, every file fsynced, then
//! renamed to its final name and the folder fsynced: a crash leaves no half package under the
//! final name, only a `.tmp-*` entry that the next run removes. A package whose final name
//! exists is the same document's and is not written again.

use std::fs;
use std::io;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};

use super::fs::{sync_dir, write_synced};
use crate::package::Package;

/// How packages are written.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, clap::ValueEnum)]
pub enum SipFormat {
    /// A folder per package.
    #[default]
    Dir,
    /// A ZIP file per package (stored, not compressed: the PDF is compressed already and
    /// archives verify members faster uncompressed).
    Zip,
}

/// What writing a package did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Written {
    /// The package was written at this path.
    Created(PathBuf),
    /// A package of the same document was already there; nothing was written.
    Exists(PathBuf),
}

impl Written {
    pub fn path(&self) -> &Path {
        match self {
            Written::Created(p) | Written::Exists(p) => p,
        }
    }
}

#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum SipSinkError {
    #[error("cannot create the package folder {}: {source}", path.display())]
    Folder { path: PathBuf, source: io::Error },
    #[error("cannot write {}: {source}", path.display())]
    Write { path: PathBuf, source: io::Error },
    #[error("package file path {path:?} is not a plain relative path")]
    BadPath { path: String },
}

/// The command-line options of the package sink (`batch`, `worker`).
#[derive(Debug, Clone, clap::Args)]
pub struct SipArgs {
    /// Also write an archive package (E-ARK SIP 2.1.0, FGS Paketstruktur 2.0) of each document
    /// into this folder, named `arkivar-<sha256>`; a package already there is kept.
    #[arg(long, value_name = "DIR")]
    pub sip_dir: Option<PathBuf>,
    /// `dir`: a folder per package; `zip`: one ZIP file per package.
    #[arg(long, value_enum, default_value_t = SipFormat::Dir, requires = "sip_dir")]
    pub sip_format: SipFormat,
}

impl SipArgs {
    /// The sink, when `--sip-dir` was given.
    pub fn sink(&self) -> Result<Option<SipSink>, SipSinkError> {
        self.sip_dir
            .as_deref()
            .map(|dir| SipSink::new(dir, self.sip_format))
            .transpose()
    }
}

/// Writes packages into one folder.
#[derive(Debug, Clone)]
pub struct SipSink {
    dir: PathBuf,
    format: SipFormat,
}

static TEMP_COUNTER: AtomicU64 = AtomicU64::new(0);

impl SipSink {
    /// A sink writing into `dir` (created when missing). Temporary entries an earlier run
    /// left behind are removed.
    pub fn new(dir: &Path, format: SipFormat) -> Result<Self, SipSinkError> {
        fs::create_dir_all(dir).map_err(|source| SipSinkError::Folder {
            path: dir.to_path_buf(),
            source,
        })?;
        if let Ok(entries) = fs::read_dir(dir) {
            for entry in entries.flatten() {
                if entry.file_name().to_string_lossy().starts_with(".tmp-") {
                    let path = entry.path();
                    // Best effort: a leftover we cannot remove does not stop new packages.
                    let _ = fs::remove_dir_all(&path).or_else(|_| fs::remove_file(&path));
                }
            }
        }
        Ok(SipSink {
            dir: dir.to_path_buf(),
            format,
        })
    }

    /// The final path of `package`.
    pub fn path_of(&self, package_name: &str) -> PathBuf {
        match self.format {
            SipFormat::Dir => self.dir.join(package_name),
            SipFormat::Zip => self.dir.join(format!("{package_name}.zip")),
        }
    }

    /// Writes `package` unless a package of that name is there already.
    pub fn write(&self, package: &Package) -> Result<Written, SipSinkError> {
        let path = self.path_of(&package.name);
        if path.exists() {
            return Ok(Written::Exists(path));
        }
        let temp = self.dir.join(format!(
            ".tmp-{}-{}-{}",
            package.name,
            std::process::id(),
            TEMP_COUNTER.fetch_add(1, Ordering::Relaxed)
        ));
        let written = match self.format {
            SipFormat::Dir => write_folder(&temp, package),
            SipFormat::Zip => write_zip(&temp, package),
        };
        let renamed = written.and_then(|()| {
            // Another writer may have finished the same document meanwhile: its package is
            // as good as ours.
            if path.exists() {
                return Ok(false);
            }
            fs::rename(&temp, &path)
                .map(|()| true)
                .map_err(|source| SipSinkError::Write {
                    path: path.clone(),
                    source,
                })
        });
        match renamed {
            Ok(true) => {
                sync_dir(&self.dir).map_err(|source| SipSinkError::Write {
                    path: self.dir.clone(),
                    source,
                })?;
                Ok(Written::Created(path))
            }
            Ok(false) => {
                let _ = fs::remove_dir_all(&temp).or_else(|_| fs::remove_file(&temp));
                Ok(Written::Exists(path))
            }
            Err(e) => {
                let _ = fs::remove_dir_all(&temp).or_else(|_| fs::remove_file(&temp));
                Err(e)
            }
        }
    }
}

/// `path` split into its parts when it is a plain relative path (no `..`, no root).
fn plain_parts(path: &str) -> Result<Vec<&str>, SipSinkError> {
    let parts: Vec<&str> = path.split('/').collect();
    if parts
        .iter()
        .any(|p| p.is_empty() || *p == "." || *p == ".." || p.contains('\\'))
    {
        return Err(SipSinkError::BadPath {
            path: path.to_string(),
        });
    }
    Ok(parts)
}

fn write_folder(root: &Path, package: &Package) -> Result<(), SipSinkError> {
    let write_err = |path: &Path| {
        let path = path.to_path_buf();
        move |source| SipSinkError::Write { path, source }
    };
    fs::create_dir(root).map_err(write_err(root))?;
    let mut folders = vec![root.to_path_buf()];
    for file in &package.files {
        let parts = plain_parts(&file.path)?;
        let mut target = root.to_path_buf();
        for part in &parts {
            target.push(part);
        }
        if let Some(parent) = target.parent()
            && !parent.exists()
        {
            fs::create_dir_all(parent).map_err(write_err(parent))?;
            let mut p = parent.to_path_buf();
            while p.starts_with(root) && !folders.contains(&p) {
                folders.push(p.clone());
                if !p.pop() {
                    break;
                }
            }
        }
        write_synced(&target, &file.bytes).map_err(write_err(&target))?;
    }
    // The files are durable; so must be the folders' entries, before the rename publishes them.
    for folder in folders.iter().rev() {
        sync_dir(folder).map_err(write_err(folder))?;
    }
    Ok(())
}

fn write_zip(path: &Path, package: &Package) -> Result<(), SipSinkError> {
    let write_err = |source: io::Error| SipSinkError::Write {
        path: path.to_path_buf(),
        source,
    };
    let file = fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(path)
        .map_err(write_err)?;
    let writer = zip_into(io::BufWriter::new(file), package).map_err(|e| match e {
        ZipError::Path(p) => p,
        ZipError::Io(e) => write_err(e),
    })?;
    let file = writer.into_inner().map_err(|e| write_err(e.into_error()))?;
    file.sync_all().map_err(write_err)
}

/// `package` as the bytes of a ZIP file, for an archive that takes packages over HTTP.
pub fn zip_bytes(package: &Package) -> Result<Vec<u8>, SipSinkError> {
    let cursor = zip_into(io::Cursor::new(Vec::new()), package).map_err(|e| match e {
        ZipError::Path(p) => p,
        ZipError::Io(source) => SipSinkError::Write {
            path: PathBuf::from(format!("{}.zip", package.name)),
            source,
        },
    })?;
    Ok(cursor.into_inner())
}

enum ZipError {
    Path(SipSinkError),
    Io(io::Error),
}

/// Writes `package` as a ZIP whose one root folder is the package's name (CSIPSTR3).
fn zip_into<W: io::Write + io::Seek>(writer: W, package: &Package) -> Result<W, ZipError> {
    let mut zip = zip::ZipWriter::new(writer);
    // Stored, not compressed: the PDF is compressed already. A fixed time keeps the same
    // package byte for byte on every run.
    let options = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Stored)
        .last_modified_time(zip::DateTime::default())
        .large_file(false);
    for entry in &package.files {
        plain_parts(&entry.path).map_err(ZipError::Path)?;
        let name = format!("{}/{}", package.name, entry.path);
        zip.start_file(name, options)
            .map_err(|e| ZipError::Io(io::Error::other(e)))?;
        io::Write::write_all(&mut zip, &entry.bytes).map_err(ZipError::Io)?;
    }
    zip.finish().map_err(|e| ZipError::Io(io::Error::other(e)))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::package::PackageFile;

    fn package(name: &str) -> Package {
        Package {
            name: name.into(),
            files: vec![
                PackageFile {
                    path: "METS.xml".into(),
                    bytes: b"<mets/>".to_vec(),
                },
                PackageFile {
                    path: "representations/rep1/data/a.pdf".into(),
                    bytes: b"%PDF-1.7".to_vec(),
                },
            ],
        }
    }

    fn entries(dir: &Path) -> Vec<String> {
        let mut names: Vec<String> = fs::read_dir(dir)
            .unwrap()
            .flatten()
            .map(|e| e.file_name().to_string_lossy().into_owned())
            .collect();
        names.sort();
        names
    }

    #[test]
    fn a_folder_package_is_written_whole_and_leaves_no_temporary() {
        let out = tempfile::tempdir().unwrap();
        let sink = SipSink::new(out.path(), SipFormat::Dir).unwrap();
        let written = sink.write(&package("arkivar-abc")).unwrap();
        assert_eq!(written, Written::Created(out.path().join("arkivar-abc")));
        assert_eq!(
            fs::read(
                out.path()
                    .join("arkivar-abc/representations/rep1/data/a.pdf")
            )
            .unwrap(),
            b"%PDF-1.7"
        );
        assert_eq!(entries(out.path()), ["arkivar-abc"]);
    }

    #[test]
    fn a_package_already_there_is_not_written_again() {
        let out = tempfile::tempdir().unwrap();
        let sink = SipSink::new(out.path(), SipFormat::Zip).unwrap();
        let first = sink.write(&package("arkivar-abc")).unwrap();
        let before = fs::metadata(first.path()).unwrap().modified().unwrap();
        let mut changed = package("arkivar-abc");
        changed.files[0].bytes = b"<mets>other</mets>".to_vec();
        let second = sink.write(&changed).unwrap();
        assert_eq!(second, Written::Exists(out.path().join("arkivar-abc.zip")));
        assert_eq!(
            fs::metadata(second.path()).unwrap().modified().unwrap(),
            before
        );
        assert_eq!(entries(out.path()), ["arkivar-abc.zip"]);
    }

    #[test]
    fn a_write_cut_off_by_a_crash_leaves_only_a_temporary_the_next_run_removes() {
        let out = tempfile::tempdir().unwrap();
        // What a crash between writing and renaming leaves.
        fs::create_dir_all(out.path().join(".tmp-arkivar-abc-1-0/metadata")).unwrap();
        fs::write(out.path().join(".tmp-arkivar-abc-1-0/METS.xml"), b"<me").unwrap();
        let sink = SipSink::new(out.path(), SipFormat::Dir).unwrap();
        assert!(entries(out.path()).is_empty(), "{:?}", entries(out.path()));
        assert!(matches!(
            sink.write(&package("arkivar-abc")).unwrap(),
            Written::Created(_)
        ));
    }

    #[test]
    fn a_path_that_climbs_out_of_the_package_is_refused() {
        let out = tempfile::tempdir().unwrap();
        let sink = SipSink::new(out.path(), SipFormat::Dir).unwrap();
        let mut bad = package("arkivar-abc");
        bad.files[1].path = "representations/../../escape.pdf".into();
        assert!(matches!(
            sink.write(&bad),
            Err(SipSinkError::BadPath { .. })
        ));
        assert!(entries(out.path()).is_empty(), "{:?}", entries(out.path()));
    }

    #[test]
    fn a_zip_package_unpacks_to_one_root_folder() {
        let out = tempfile::tempdir().unwrap();
        let sink = SipSink::new(out.path(), SipFormat::Zip).unwrap();
        let written = sink.write(&package("arkivar-abc")).unwrap();
        let mut zip = zip::ZipArchive::new(fs::File::open(written.path()).unwrap()).unwrap();
        let names: Vec<String> = (0..zip.len())
            .map(|i| zip.by_index(i).unwrap().name().to_string())
            .collect();
        assert_eq!(
            names,
            [
                "arkivar-abc/METS.xml",
                "arkivar-abc/representations/rep1/data/a.pdf"
            ]
        );
    }
}
