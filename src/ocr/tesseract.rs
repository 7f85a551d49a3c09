//! The Tesseract engine: the `tesseract` CLI (Debian `tesseract-ocr`) as a subprocess.
//!
//! This is the OCR stage's only I/O, kept behind [`OcrEngine`] so the pipeline's stages stay
//! pure. The page image goes in as a binary PGM (its resolution as `--dpi`) and the TSV comes
//! back on stdout; no file is written to disk. On Linux the PGM is an in-memory file
//! (`memfd_create`) given to tesseract as its stdin and named `/dev/stdin`, so tesseract opens
//! it as a file and reads it with `fread`: told `stdin` instead, it reads through a C++ stream
//! iterator a byte at a time, slow for the megabytes of pixels of a page. Elsewhere, or
//! when no in-memory file can be made, the same PGM goes through the pipe. Each run is limited
//! in time and killed when it overruns.
//! `OMP_THREAD_LIMIT=1` because arkivar runs pages in parallel itself: tesseract's own OpenMP
//! threads on top would oversubscribe the cores and make every page slower.

use std::io::{Read, Write};
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::sync::OnceLock;
use std::time::{Duration, Instant};

use super::image::GrayImage;
use super::tsv::{self, Word};
use super::{EngineError, EngineInfo, OcrEngine};

/// Page segmentation mode 6, "a single uniform block of text": it keeps a table row (name,
/// affiliation) on one line and, unlike the default (3) and 4, does not drop the printed
/// lines between pen signatures as part of a picture (000-scanned lost "Ordförande: Erik
/// Lövgren" with both). Word accuracy on the corpus scans: 0.967 and 0.961 (3: 0.975, 0.967).
const PAGE_SEGMENTATION_MODE: &str = "6";
/// How often a running tesseract is checked for having finished.
const POLL_INTERVAL: Duration = Duration::from_millis(5);
/// Most stderr kept for an error message.
const MAX_STDERR_CHARS: usize = 500;

/// `tesseract` found on `PATH` (or at a given path).
#[derive(Debug)]
pub struct Tesseract {
    program: PathBuf,
    version: OnceLock<Result<String, EngineError>>,
}

impl Default for Tesseract {
    fn default() -> Self {
        Tesseract::at("tesseract")
    }
}

impl Tesseract {
    /// The engine run as `program`.
    pub fn at(program: impl Into<PathBuf>) -> Self {
        Tesseract {
            program: program.into(),
            version: OnceLock::new(),
        }
    }

    /// `tesseract --version`'s first line, asked once per process.
    pub fn version(&self) -> Result<String, EngineError> {
        self.version
            .get_or_init(|| {
                let out = Command::new(&self.program)
                    .arg("--version")
                    .stdin(Stdio::null())
                    .output()
                    .map_err(|e| self.spawn_error(&e))?;
                // Tesseract 4 printed its version on stderr, 5 on stdout.
                let text = format!(
                    "{}{}",
                    String::from_utf8_lossy(&out.stdout),
                    String::from_utf8_lossy(&out.stderr)
                );
                text.lines()
                    .find_map(|l| l.trim().strip_prefix("tesseract "))
                    .map(|v| v.trim().to_owned())
                    .ok_or_else(|| EngineError::Failed {
                        status: out.status.code(),
                        stderr: "no version in `tesseract --version`".into(),
                    })
            })
            .clone()
    }

    fn spawn_error(&self, e: &std::io::Error) -> EngineError {
        EngineError::Unavailable {
            program: self.program.display().to_string(),
            reason: e.to_string(),
        }
    }
}

impl OcrEngine for Tesseract {
    fn info(&self) -> Result<EngineInfo, EngineError> {
        Ok(EngineInfo {
            engine: "tesseract".into(),
            version: self.version()?,
        })
    }

    fn recognize(
        &self,
        image: &GrayImage,
        ppi: Option<u32>,
        languages: &[String],
        time_limit: Duration,
    ) -> Result<Vec<Word>, EngineError> {
        let languages = language_argument(languages)?;
        // PGM rather than PNG: neither a copy into stored deflate blocks with their checksums
        // here nor leptonica's unpacking there; the resolution, which a PGM cannot carry, goes
        // as `--dpi`.
        let header = image.pgm_header();
        let (source, stdin, input) = match in_memory_file(&[&header, &image.pixels]) {
            Some(file) => ("/dev/stdin", Stdio::from(file), Vec::new()),
            None => (
                "stdin",
                Stdio::piped(),
                [header, image.pixels.clone()].concat(),
            ),
        };
        // Without a resolution tesseract assumes its minimum, 70 dpi, and says so on stderr.
        let dpi = ppi.map(|ppi| ["--dpi".to_owned(), ppi.to_string()]);
        let child = Command::new(&self.program)
            .args([source, "stdout"])
            .args(dpi.iter().flatten())
            .args(["-l", &languages, "--psm"])
            .arg(PAGE_SEGMENTATION_MODE)
            .arg("tsv")
            .env("OMP_THREAD_LIMIT", "1")
            .stdin(stdin)
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .map_err(|e| self.spawn_error(&e))?;
        let output = run_with_limit(child, input, time_limit)?;
        if !output.success {
            return Err(EngineError::Failed {
                status: output.status,
                stderr: output.stderr.chars().take(MAX_STDERR_CHARS).collect(),
            });
        }
        let text = String::from_utf8_lossy(&output.stdout);
        tsv::parse(&text).map_err(EngineError::Output)
    }
}

/// `data` in an anonymous in-memory file, for tesseract to open as `/dev/stdin`: on Linux that
/// is `/proc/self/fd/0`, and opening it starts a new read at offset 0, which leptonica needs
/// (it opens the file twice, once to sniff the format). `None` when none could be made; the
/// caller then pipes `data`.
#[cfg(target_os = "linux")]
fn in_memory_file(parts: &[&[u8]]) -> Option<std::fs::File> {
    let made = rustix::fs::memfd_create("arkivar-page", rustix::fs::MemfdFlags::CLOEXEC)
        .map_err(std::io::Error::from)
        .and_then(|fd| {
            let mut file = std::fs::File::from(fd);
            parts.iter().try_for_each(|p| file.write_all(p))?;
            Ok(file)
        });
    match made {
        Ok(file) => Some(file),
        Err(e) => {
            tracing::debug!(error = %e, "no in-memory file for the page image; piping it");
            None
        }
    }
}

/// Only Linux has `memfd_create` and a reopenable `/dev/stdin`; elsewhere the image is piped.
#[cfg(not(target_os = "linux"))]
fn in_memory_file(_: &[&[u8]]) -> Option<std::fs::File> {
    None
}

/// `swe+eng` from `["swe", "eng"]`; a name that is not a traineddata name is refused, so a
/// policy cannot smuggle options into the command line.
fn language_argument(languages: &[String]) -> Result<String, EngineError> {
    let ok = |l: &String| {
        !l.is_empty() && l.len() <= 32 && l.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
    };
    match languages.iter().find(|l| !ok(l)) {
        Some(bad) => Err(EngineError::Language(bad.clone())),
        None if languages.is_empty() => Err(EngineError::Language(String::new())),
        None => Ok(languages.join("+")),
    }
}

/// What a finished child left.
#[derive(Debug)]
pub(super) struct Finished {
    pub success: bool,
    pub status: Option<i32>,
    pub stdout: Vec<u8>,
    pub stderr: String,
}

/// Feeds `input` to the child's stdin, collects stdout and stderr, and kills the child when
/// it runs longer than `limit`. Reading and writing happen on their own threads: a child
/// that writes a full pipe before it has read all its input would otherwise deadlock us.
pub(super) fn run_with_limit(
    mut child: Child,
    input: Vec<u8>,
    limit: Duration,
) -> Result<Finished, EngineError> {
    let started = Instant::now();
    let stdin = child.stdin.take();
    let writer = std::thread::spawn(move || {
        if let Some(mut stdin) = stdin {
            // A child that exits early closes the pipe; its exit status tells why.
            let _ = stdin.write_all(&input);
        }
    });
    let reader = |pipe: Option<Box<dyn Read + Send>>| {
        std::thread::spawn(move || {
            let mut buf = Vec::new();
            if let Some(mut p) = pipe {
                // A read error ends the output early; the exit status still decides success.
                let _ = p.read_to_end(&mut buf);
            }
            buf
        })
    };
    let out = reader(
        child
            .stdout
            .take()
            .map(|p| Box::new(p) as Box<dyn Read + Send>),
    );
    let err = reader(
        child
            .stderr
            .take()
            .map(|p| Box::new(p) as Box<dyn Read + Send>),
    );
    let status = loop {
        match child.try_wait() {
            Ok(Some(status)) => break status,
            Ok(None) if started.elapsed() >= limit => {
                // Killing closes the pipes, which ends the reader and writer threads.
                let _ = child.kill();
                let _ = child.wait();
                let _ = (writer.join(), out.join(), err.join());
                return Err(EngineError::Timeout {
                    seconds: limit.as_secs_f64(),
                });
            }
            Ok(None) => std::thread::sleep(POLL_INTERVAL),
            Err(e) => {
                let _ = child.kill();
                let _ = child.wait();
                return Err(EngineError::Failed {
                    status: None,
                    stderr: format!("waiting for the process failed: {e}"),
                });
            }
        }
    };
    let _ = writer.join();
    let stdout = out.join().unwrap_or_default();
    let stderr = String::from_utf8_lossy(&err.join().unwrap_or_default()).into_owned();
    Ok(Finished {
        success: status.success(),
        status: status.code(),
        stdout,
        stderr,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    #[cfg(target_os = "linux")]
    fn the_in_memory_file_reads_from_its_start_as_dev_stdin() {
        // Twice, as leptonica opens it: each open of /dev/stdin starts at the beginning.
        let data = b"page image bytes".repeat(10_000);
        let file = in_memory_file(&[&data[..4], &data[4..]]).expect("memfd_create");
        let out = Command::new("sh")
            .args(["-c", "head -c 4 /dev/stdin; cat /dev/stdin"])
            .stdin(Stdio::from(file))
            .output()
            .expect("sh(1)");
        assert!(out.status.success());
        assert_eq!(&out.stdout[..4], b"page");
        assert_eq!(&out.stdout[4..], &data[..]);
    }

    #[test]
    fn languages_join_and_refuse_options() {
        assert_eq!(
            language_argument(&["swe".into(), "eng".into()]).unwrap(),
            "swe+eng"
        );
        assert!(matches!(
            language_argument(&["--psm".into()]),
            Err(EngineError::Language(_))
        ));
        assert!(language_argument(&[]).is_err());
    }

    #[test]
    fn a_process_over_its_time_limit_is_killed() {
        let child = Command::new("sleep")
            .arg("30")
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("sleep(1) is part of coreutils");
        let started = Instant::now();
        let err = run_with_limit(child, Vec::new(), Duration::from_millis(200)).unwrap_err();
        assert!(matches!(err, EngineError::Timeout { .. }), "{err}");
        assert!(started.elapsed() < Duration::from_secs(5));
    }

    #[test]
    fn output_and_exit_status_are_collected() {
        let child = Command::new("cat")
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("cat(1)");
        // Larger than a pipe buffer, so writing and reading must overlap.
        let input = vec![b'x'; 1 << 20];
        let done = run_with_limit(child, input.clone(), Duration::from_secs(10)).unwrap();
        assert!(done.success);
        assert_eq!(done.stdout, input);
    }

    #[test]
    fn a_missing_program_is_unavailable() {
        let t = Tesseract::at("/nonexistent/tesseract");
        assert!(matches!(t.info(), Err(EngineError::Unavailable { .. })));
        let img = GrayImage {
            width: 1,
            height: 1,
            pixels: vec![255],
        };
        assert!(matches!(
            t.recognize(&img, None, &["eng".into()], Duration::from_secs(1)),
            Err(EngineError::Unavailable { .. })
        ));
    }
}
