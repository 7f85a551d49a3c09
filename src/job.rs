//! The job message: what a registrar system puts on the queue to have one document verified.
//!
//! A job is JSON with a version and a published JSON Schema (`schema/job.schema.json`, compared
//! with [`job_schema`] by a test), like the record. Parsing is strict (`deny_unknown_fields`) and
//! pure: only a JSON object is a job, errors name the field, and a `path` must be able to name a
//! file (not empty, no NUL). [`JobRules::check`] then applies the worker's configured limits: a
//! `path` must stay under the document root, a `url` must start with an allowed prefix, inline
//! `base64` has a size cap.
//! Reading the document is the worker's job, not this module's (`crate::sources::open` reads a
//! path document and judges its symbolic links): nothing here touches a file or socket.
//!
//! A job that ends without a record for its caller (refused, or given up on) is answered with
//! a [`JobRejection`] instead, so an RPC caller waiting on `reply_to` always hears back.

use std::borrow::Cow;
use std::collections::BTreeMap;
use std::path::{Component, Path, PathBuf};

use base64::Engine as _;
use schemars::{JsonSchema, Schema, SchemaGenerator, json_schema};
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use thiserror::Error;

use crate::pipeline::config::DEFAULT_PIPELINE;
use crate::sources::open::Symlinks;

/// The version of the job message this build reads.
pub const JOB_VERSION: u32 = 1;

/// Longest `job_id` accepted; it lands in headers, logs and file names.
pub const MAX_JOB_ID_LEN: usize = 200;

/// One job: a document to verify, the pipeline to verify it with, and the caller's metadata.
// `Serialize` writes the message a publisher sends (`arkivar serve` builds jobs for PDFs it
// receives) and `parse` reads it back unchanged. A plain comment, not a doc comment: doc
// comments become the schema's description.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Job {
    /// Version of the job message; always 1.
    pub version: JobVersion,
    /// The caller's id for this job; echoed in the record, the reply and every log line.
    #[schemars(length(min = 1, max = 200))]
    pub job_id: String,
    /// Where the document's bytes are.
    pub document: JobDocument,
    /// The built-in pipeline to run (`protokoll-sv`, `generic`); `protokoll-sv` when absent.
    #[serde(default = "default_pipeline")]
    pub pipeline: String,
    /// The caller's own data (e.g. a diarienummer), carried unchanged into the record.
    #[serde(default)]
    pub metadata: BTreeMap<String, serde_json::Value>,
}

fn default_pipeline() -> String {
    DEFAULT_PIPELINE.to_owned()
}

/// The constant `version`, as its own type so a wrong version is a parse error that says so.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct JobVersion;

impl<'de> Deserialize<'de> for JobVersion {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let v = u32::deserialize(deserializer)?;
        if v == JOB_VERSION {
            Ok(JobVersion)
        } else {
            Err(serde::de::Error::custom(format!(
                "job version {v} is not supported; this arkivar reads version {JOB_VERSION}"
            )))
        }
    }
}

impl Serialize for JobVersion {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_u32(JOB_VERSION)
    }
}

impl JsonSchema for JobVersion {
    fn schema_name() -> Cow<'static, str> {
        "JobVersion".into()
    }

    fn inline_schema() -> bool {
        true
    }

    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        json_schema!({ "type": "integer", "const": JOB_VERSION })
    }
}

/// Where a job's document is: exactly one of a path, a URL or the bytes themselves.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case", deny_unknown_fields)]
pub enum JobDocument {
    // The file must be a regular one whose resolved path lies under the root (src/sources/open.rs).
    /// A path relative to the worker's document root (absolute paths must lie under it).
    #[serde(rename = "path")]
    Path(#[schemars(length(min = 1), regex(pattern = r"^[^\x00]*$"))] String),
    /// An http(s) URL that starts with one of the worker's allowed prefixes.
    #[serde(rename = "url")]
    Url(String),
    /// The PDF itself, standard base64.
    #[serde(rename = "base64")]
    Base64(String),
}

/// Why a job message was refused. Every variant is permanent: the same message would be
/// refused again, so it goes to the dead-letter queue instead of back to the queue.
#[derive(Debug, Error)]
#[non_exhaustive]
pub enum JobError {
    /// Not JSON (or not UTF-8: JSON text is), with serde's line and column; or an object
    /// with a field missing or unknown, which serde's message names.
    #[error("job is not valid: {0}")]
    Invalid(String),
    /// JSON, but not an object: serde would read an array field by field in order, which the
    /// schema does not allow.
    #[error(
        "job is not valid: a job is a JSON object with version, job_id and document, not {found}"
    )]
    NotAnObject {
        /// What the message is: `an array`, `a string`, …
        found: &'static str,
    },
    /// An object whose field does not fit the schema.
    #[error("job is not valid: field `{field}`: {message}")]
    Field {
        /// The field, as a path from the top (`document`, `document.path`, `metadata.dnr`).
        field: String,
        /// What is wrong with it.
        message: String,
    },
    /// A `path` that cannot name a file: empty, or with a NUL byte.
    #[error("job {job_id}: document.path {shown:?} {problem}")]
    BadPath {
        /// The job.
        job_id: String,
        /// Its first characters.
        shown: String,
        /// What is wrong with it.
        problem: PathProblem,
    },
    /// `job_id` is empty, too long, or has control characters.
    #[error(
        "job_id must be 1 to {MAX_JOB_ID_LEN} printable characters, got {len} characters: {shown:?}"
    )]
    BadJobId {
        /// Its length in characters.
        len: usize,
        /// Its first characters.
        shown: String,
    },
    /// A `path` job arrived but no document root is configured.
    #[error("job {job_id}: path documents are not accepted: no --document-root is configured")]
    PathsDisabled {
        /// The job.
        job_id: String,
    },
    /// The path leaves the document root (`..`, or an absolute path elsewhere).
    #[error("job {job_id}: path {path:?} is outside the document root {}", .root.display())]
    PathEscapes {
        /// The job.
        job_id: String,
        /// The path as given.
        path: String,
        /// The root it must stay under.
        root: PathBuf,
    },
    /// The URL does not start with any allowed prefix.
    #[error("job {job_id}: url {url:?} is not on the allow-list (see --allow-url)")]
    UrlNotAllowed {
        /// The job.
        job_id: String,
        /// The URL as given.
        url: String,
    },
    /// Inline bytes over the limit.
    #[error(
        "job {job_id}: inline document is about {size} bytes, over the limit of {limit} bytes; send a path or url instead"
    )]
    InlineTooLarge {
        /// The job.
        job_id: String,
        /// Decoded size, estimated from the base64 length.
        size: usize,
        /// The limit.
        limit: usize,
    },
    /// The inline bytes are not base64.
    #[error("job {job_id}: document.base64 is not valid base64: {message}")]
    BadBase64 {
        /// The job.
        job_id: String,
        /// The decoder's message.
        message: String,
    },
}

/// Why a `path` cannot name a file, whatever the document root.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PathProblem {
    /// It is empty.
    Empty,
    /// It holds a NUL byte, which no file name can.
    Nul,
}

impl std::fmt::Display for PathProblem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            PathProblem::Empty => "is empty",
            PathProblem::Nul => "holds a NUL byte, which no file name can",
        })
    }
}

/// The answer to a job that produced no record for its caller: a malformed message, an
/// unknown pipeline, a document that cannot be read, or retries exhausted. Sent to the job's
/// `reply_to` (AMQP type `job.rejected`) before the job is dead-lettered with the same code
/// and reason.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct JobRejection {
    /// Version of this answer's shape; always 1.
    pub version: u32,
    /// Always `rejected`; a record's `status` never is, so a caller can tell them apart.
    pub status: &'static str,
    /// The job's id, when the message parsed far enough to have one.
    pub job_id: Option<String>,
    /// The stable reason code, as in the dead letter's `x-arkivar-reason-code`.
    pub code: String,
    /// What went wrong, for people.
    pub reason: String,
}

impl JobRejection {
    /// A rejection with `code` and `reason`.
    pub fn new(job_id: Option<&str>, code: &str, reason: &str) -> Self {
        JobRejection {
            version: JOB_VERSION,
            status: "rejected",
            job_id: job_id.map(str::to_owned),
            code: code.to_owned(),
            reason: reason.to_owned(),
        }
    }
}

/// What the worker allows a job to point at.
#[derive(Debug, Clone, Default)]
pub struct JobRules {
    /// Folder that `path` documents are resolved in; `None` refuses path documents.
    pub document_root: Option<PathBuf>,
    /// URL prefixes a `url` document must start with; empty refuses URL documents.
    pub allowed_urls: Vec<String>,
    /// Largest inline document, in decoded bytes.
    pub max_inline_bytes: usize,
    /// Whether a `path` may lead, through symbolic links, out of the document root; judged
    /// when the file is read (`crate::sources::open::read_confined`).
    pub symlinks: Symlinks,
}

/// A job whose document reference passed the rules: ready to be read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Document {
    /// A file under the document root (the root joined with the job's path).
    File(PathBuf),
    /// An allowed URL to GET.
    Url(String),
    /// The decoded bytes.
    Inline(Vec<u8>),
}

/// Parses a job message's body: a JSON object of the schema's shape, whose errors name the
/// field that is wrong, with a `job_id` and, for a path document, a path that can name a
/// file.
pub fn parse(body: &[u8]) -> Result<Job, JobError> {
    // Through a `Value` first: serde's derive reads a struct from an array too, by position,
    // and the schema allows an object only. (It costs a second copy of the message, which is
    // at most the broker's message size, and an inline document is capped anyway.)
    let value: serde_json::Value =
        serde_json::from_slice(body).map_err(|e| JobError::Invalid(e.to_string()))?;
    let serde_json::Value::Object(object) = &value else {
        return Err(JobError::NotAnObject {
            found: json_kind(&value),
        });
    };
    check_document_shape(object)?;
    let job: Job = serde_path_to_error::deserialize(value).map_err(|e| {
        let field = e.path().to_string();
        let message = e.inner().to_string();
        // `.` is the object itself: a missing or unknown field, which the message names.
        if field == "." {
            JobError::Invalid(message)
        } else {
            JobError::Field { field, message }
        }
    })?;
    check_job_id(&job.job_id)?;
    check_package_metadata(&job.metadata)?;
    if let JobDocument::Path(path) = &job.document {
        check_path(&job.job_id, path)?;
    }
    Ok(job)
}

/// The metadata keys that reach the archive package must be strings: a number or an object
/// as a diarienummer would be dropped from the package, so it is refused here, where the
/// sender hears of it.
fn check_package_metadata(metadata: &BTreeMap<String, serde_json::Value>) -> Result<(), JobError> {
    for key in crate::package::JOB_METADATA_KEYS {
        match metadata.get(key) {
            None | Some(serde_json::Value::String(_)) => {}
            Some(other) => {
                return Err(JobError::Field {
                    field: format!("metadata.{key}"),
                    message: format!(
                        "must be a string (it goes into the archive package), not {}",
                        json_kind(other)
                    ),
                });
            }
        }
    }
    Ok(())
}

/// `document` must be an object with exactly one of `path`, `url`, `base64`; said in those
/// words, since serde's own message for two keys is "expected map with a single key" at best.
fn check_document_shape(
    object: &serde_json::Map<String, serde_json::Value>,
) -> Result<(), JobError> {
    let Some(serde_json::Value::Object(document)) = object.get("document") else {
        // Missing or not an object: serde's message says so, naming the field.
        return Ok(());
    };
    if document.len() == 1 {
        return Ok(());
    }
    let keys: Vec<String> = document.keys().map(|k| format!("`{k}`")).collect();
    Err(JobError::Field {
        field: "document".to_owned(),
        message: format!(
            "must hold exactly one of `path`, `url` or `base64`; it holds {}",
            if keys.is_empty() {
                "none".to_owned()
            } else {
                keys.join(", ")
            }
        ),
    })
}

/// A path names a file only when it is not empty and has no NUL byte. Non-UTF-8 cannot get
/// this far: JSON text is UTF-8 and serde refuses lone surrogates in `\u` escapes.
fn check_path(job_id: &str, path: &str) -> Result<(), JobError> {
    let problem = if path.is_empty() {
        PathProblem::Empty
    } else if path.contains('\0') {
        PathProblem::Nul
    } else {
        return Ok(());
    };
    Err(JobError::BadPath {
        job_id: job_id.to_owned(),
        shown: path.chars().take(80).collect(),
        problem,
    })
}

/// What a JSON value is, with its article, for messages.
fn json_kind(value: &serde_json::Value) -> &'static str {
    match value {
        serde_json::Value::Null => "null",
        serde_json::Value::Bool(_) => "a boolean",
        serde_json::Value::Number(_) => "a number",
        serde_json::Value::String(_) => "a string",
        serde_json::Value::Array(_) => "an array",
        serde_json::Value::Object(_) => "an object",
    }
}

/// Checks that `job_id` is 1 to [`MAX_JOB_ID_LEN`] characters without control characters, as
/// [`parse`] does; for publishers that build a job rather than parse one.
pub fn check_job_id(job_id: &str) -> Result<(), JobError> {
    let len = job_id.chars().count();
    if len == 0 || len > MAX_JOB_ID_LEN || job_id.chars().any(char::is_control) {
        return Err(JobError::BadJobId {
            len,
            shown: job_id.chars().take(40).collect(),
        });
    }
    Ok(())
}

impl JobRules {
    /// True when `url` is http(s) and starts with an allowed prefix.
    ///
    /// Judged on the URL as it will be fetched: parsed and normalised (WHATWG URL: dot
    /// segments, `%2e%2e` included, resolved; host lower-cased), so
    /// `https://files.example/docs/../admin` is not under `https://files.example/docs/`.
    /// Prefixes are normalised the same way, which also gives a bare `https://files.example`
    /// its `/`: it does not admit `https://files.example.evil/`.
    pub fn url_allowed(&self, url: &str) -> bool {
        let Ok(target) = url::Url::parse(url) else {
            return false;
        };
        if !matches!(target.scheme(), "http" | "https") {
            return false;
        }
        self.allowed_urls.iter().any(|prefix| {
            let prefix = url::Url::parse(prefix).map_or_else(|_| prefix.clone(), String::from);
            target.as_str().starts_with(&prefix)
        })
    }

    /// Checks the job's document against the rules and says what to read.
    pub fn check(&self, job: &Job) -> Result<Document, JobError> {
        let job_id = || job.job_id.clone();
        match &job.document {
            JobDocument::Path(path) => {
                // Again here for jobs built in code rather than parsed (`serve`'s routes).
                check_path(&job.job_id, path)?;
                let root = self
                    .document_root
                    .as_ref()
                    .ok_or_else(|| JobError::PathsDisabled { job_id: job_id() })?;
                resolve_under(root, path)
                    .map(Document::File)
                    .ok_or_else(|| JobError::PathEscapes {
                        job_id: job_id(),
                        path: path.clone(),
                        root: root.clone(),
                    })
            }
            JobDocument::Url(url) => {
                if self.url_allowed(url) {
                    Ok(Document::Url(url.clone()))
                } else {
                    Err(JobError::UrlNotAllowed {
                        job_id: job_id(),
                        url: url.clone(),
                    })
                }
            }
            JobDocument::Base64(text) => {
                // Check the size before decoding so a huge message costs no allocation.
                let size = text.len() / 4 * 3;
                if size > self.max_inline_bytes.saturating_add(3) {
                    return Err(JobError::InlineTooLarge {
                        job_id: job_id(),
                        size,
                        limit: self.max_inline_bytes,
                    });
                }
                let bytes = base64::engine::general_purpose::STANDARD
                    .decode(text.trim())
                    .map_err(|e| JobError::BadBase64 {
                        job_id: job_id(),
                        message: e.to_string(),
                    })?;
                if bytes.len() > self.max_inline_bytes {
                    return Err(JobError::InlineTooLarge {
                        job_id: job_id(),
                        size: bytes.len(),
                        limit: self.max_inline_bytes,
                    });
                }
                Ok(Document::Inline(bytes))
            }
        }
    }
}

/// `root` joined with `path` when the result stays under `root`, judged on the path's text:
/// `..` is refused outright rather than normalised, so `a/../b` is refused too. Symbolic links
/// are judged when the file is read (`crate::sources::open::read_confined`): followed while
/// they stay inside the root.
fn resolve_under(root: &Path, path: &str) -> Option<PathBuf> {
    let given = Path::new(path);
    let relative = if given.is_absolute() {
        given.strip_prefix(root).ok()?
    } else {
        given
    };
    let mut out = root.to_path_buf();
    let mut any = false;
    for part in relative.components() {
        match part {
            Component::Normal(name) => {
                out.push(name);
                any = true;
            }
            Component::CurDir => {}
            Component::ParentDir | Component::RootDir | Component::Prefix(_) => return None,
        }
    }
    any.then_some(out)
}

/// The JSON Schema (draft 2020-12) of [`Job`], as committed in `schema/job.schema.json`.
pub fn job_schema() -> serde_json::Value {
    let schema = schemars::schema_for!(Job);
    serde_json::to_value(schema).unwrap_or(serde_json::Value::Null)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rules() -> JobRules {
        JobRules {
            document_root: Some(PathBuf::from("/srv/docs")),
            allowed_urls: vec!["https://files.example/".to_owned()],
            max_inline_bytes: 16,
            symlinks: Symlinks::StayInRoot,
        }
    }

    fn job(document: &str) -> Result<Job, JobError> {
        parse(
            format!(
                r#"{{"version":1,"job_id":"j1","document":{document},"metadata":{{"dnr":"KS 2024/17"}}}}"#
            )
            .as_bytes(),
        )
    }

    #[test]
    fn package_metadata_of_the_wrong_type_is_refused_with_its_field() {
        let job = |metadata: &str| {
            format!(
                r#"{{"version":1,"job_id":"j1","document":{{"path":"a.pdf"}},"metadata":{metadata}}}"#
            )
        };
        match parse(job(r#"{"diarienummer":2024}"#).as_bytes()) {
            Err(JobError::Field { field, message }) => {
                assert_eq!(field, "metadata.diarienummer");
                assert!(message.contains("a number"), "{message}");
            }
            other => panic!("{other:?}"),
        }
        // Strings, and keys the package does not read, are the caller's business.
        let ok = parse(job(r#"{"diarienummer":"KS 2024/1","x":[1,2]}"#).as_bytes()).unwrap();
        assert_eq!(ok.metadata["x"], serde_json::json!([1, 2]));
    }

    #[test]
    fn full_job_parses_with_default_pipeline_and_metadata() {
        let j = job(r#"{"path":"a/b.pdf"}"#).unwrap();
        assert_eq!(j.pipeline, "protokoll-sv");
        assert_eq!(j.metadata["dnr"], "KS 2024/17");
        assert_eq!(
            rules().check(&j).unwrap(),
            Document::File(PathBuf::from("/srv/docs/a/b.pdf"))
        );
    }

    #[test]
    fn path_escaping_the_root_is_refused() {
        for p in [
            "../etc/passwd",
            "a/../../x",
            "/etc/passwd",
            "/srv/docsx/a.pdf",
            ".",
        ] {
            let j = job(&format!(r#"{{"path":{p:?}}}"#)).unwrap();
            let err = rules().check(&j).unwrap_err();
            assert!(matches!(err, JobError::PathEscapes { .. }), "{p}: {err}");
        }
        let inside = job(r#"{"path":"/srv/docs/x.pdf"}"#).unwrap();
        assert!(rules().check(&inside).is_ok());
    }

    #[test]
    fn url_must_be_on_the_allow_list() {
        let ok = job(r#"{"url":"https://files.example/a.pdf"}"#).unwrap();
        assert!(rules().check(&ok).is_ok());
        let upper = job(r#"{"url":"https://FILES.example/a.pdf"}"#).unwrap();
        assert!(rules().check(&upper).is_ok(), "hosts compare lower-cased");
        for u in [
            "https://files.example.evil/a.pdf",
            "file:///etc/passwd",
            "http://files.example/a.pdf",
            "https://files.example@evil.example/a.pdf",
            "not a url",
        ] {
            let j = job(&format!(r#"{{"url":{u:?}}}"#)).unwrap();
            assert!(
                matches!(rules().check(&j), Err(JobError::UrlNotAllowed { .. })),
                "{u}"
            );
        }
    }

    #[test]
    fn dot_segments_cannot_leave_an_allowed_folder() {
        let rules = JobRules {
            allowed_urls: vec![
                "https://files.example/docs/".to_owned(),
                "https://bare.example".to_owned(),
            ],
            ..JobRules::default()
        };
        assert!(rules.url_allowed("https://files.example/docs/a.pdf"));
        assert!(rules.url_allowed("https://files.example/docs/x/../a.pdf"));
        assert!(rules.url_allowed("https://bare.example/a.pdf"));
        for u in [
            "https://files.example/docs/../admin/a.pdf",
            "https://files.example/docs/%2e%2e/admin/a.pdf",
            "https://files.example/docs/x/%2E%2e/../admin",
            "https://bare.example.evil/a.pdf",
        ] {
            assert!(!rules.url_allowed(u), "{u}");
        }
    }

    #[test]
    fn inline_document_has_a_size_limit() {
        let small = job(r#"{"base64":"JVBERi0xLjc="}"#).unwrap();
        assert_eq!(
            rules().check(&small).unwrap(),
            Document::Inline(b"%PDF-1.7".to_vec())
        );
        let big = base64::engine::general_purpose::STANDARD.encode([0u8; 64]);
        let j = job(&format!(r#"{{"base64":{big:?}}}"#)).unwrap();
        assert!(matches!(
            rules().check(&j),
            Err(JobError::InlineTooLarge { .. })
        ));
        let bad = job(r#"{"base64":"not base64!"}"#).unwrap();
        assert!(matches!(
            rules().check(&bad),
            Err(JobError::BadBase64 { .. })
        ));
    }

    #[test]
    fn malformed_messages_say_what_is_wrong() {
        let cases: [(&[u8], &str); 5] = [
            (b"not json", "expected"),
            (
                br#"{"version":2,"job_id":"a","document":{"path":"x"}}"#,
                "version 2",
            ),
            (br#"{"version":1,"job_id":"a"}"#, "document"),
            (
                br#"{"version":1,"job_id":"a","document":{"path":"x","url":"y"}}"#,
                "",
            ),
            (
                br#"{"version":1,"job_id":"a","document":{"path":"x"},"extra":1}"#,
                "extra",
            ),
        ];
        for (body, needle) in cases {
            let err = parse(body).unwrap_err().to_string();
            assert!(err.contains(needle), "{err}");
        }
        let err = parse(br#"{"version":1,"job_id":"","document":{"path":"x"}}"#).unwrap_err();
        assert!(matches!(err, JobError::BadJobId { .. }));
    }

    #[test]
    fn only_an_object_is_a_job() {
        let array = br#"[1,"j1",{"path":"a.pdf"},"generic",{}]"#;
        let err = parse(array).unwrap_err();
        assert!(
            matches!(err, JobError::NotAnObject { found: "an array" }),
            "{err}"
        );
        for body in [&b"\"j1\""[..], b"1", b"null"] {
            assert!(matches!(parse(body), Err(JobError::NotAnObject { .. })));
        }
        // Near miss: the same fields as an object are a job.
        let object = br#"{"version":1,"job_id":"j1","document":{"path":"a.pdf"},"pipeline":"generic","metadata":{}}"#;
        assert_eq!(parse(object).unwrap().job_id, "j1");
    }

    #[test]
    fn a_document_with_two_sources_names_the_field() {
        let err = job(r#"{"path":"a.pdf","url":"https://files.example/a.pdf"}"#).unwrap_err();
        let text = err.to_string();
        assert!(
            matches!(&err, JobError::Field { field, .. } if field == "document"),
            "{text}"
        );
        assert!(text.contains("`path`, `url`"), "{text}");
        assert!(!text.contains("column"), "{text}");
        let err = job("{}").unwrap_err();
        assert!(err.to_string().contains("field `document`"), "{err}");
        // Near miss: one source is a document.
        assert!(job(r#"{"path":"a.pdf"}"#).is_ok());
    }

    #[test]
    fn a_wrong_field_is_named_with_its_path() {
        let err = parse(br#"{"version":1,"job_id":7,"document":{"path":"a"}}"#).unwrap_err();
        assert!(
            matches!(&err, JobError::Field { field, .. } if field == "job_id"),
            "{err}"
        );
        let err = job(r#"{"path":7}"#).unwrap_err();
        assert!(
            matches!(&err, JobError::Field { field, .. } if field == "document.path"),
            "{err}"
        );
        let err = job(r#"{"file":"a.pdf"}"#).unwrap_err();
        assert!(
            matches!(&err, JobError::Field { field, .. } if field == "document"),
            "{err}"
        );
    }

    #[test]
    fn a_path_that_cannot_name_a_file_is_malformed() {
        let err = job(r#"{"path":"a\u0000.pdf"}"#).unwrap_err();
        assert!(
            matches!(
                err,
                JobError::BadPath {
                    problem: PathProblem::Nul,
                    ..
                }
            ),
            "{err}"
        );
        assert!(err.to_string().contains("NUL"), "{err}");
        let err = job(r#"{"path":""}"#).unwrap_err();
        assert!(
            matches!(
                err,
                JobError::BadPath {
                    problem: PathProblem::Empty,
                    ..
                }
            ),
            "{err}"
        );
        // Near misses: other unusual characters can be in a file name.
        for path in [
            r#""a\nb.pdf""#,
            r#""år 2024/ärende.pdf""#,
            r#""\u0001.pdf""#,
        ] {
            assert!(job(&format!(r#"{{"path":{path}}}"#)).is_ok(), "{path}");
        }
    }

    #[test]
    fn text_that_is_not_utf8_is_not_a_job() {
        let mut body = br#"{"version":1,"job_id":"j1","document":{"path":"a"#.to_vec();
        body.extend_from_slice(b"\xff.pdf\"}}");
        assert!(matches!(parse(&body), Err(JobError::Invalid(_))));
        let lone = br#"{"version":1,"job_id":"j1","document":{"path":"\ud800.pdf"}}"#;
        assert!(matches!(parse(lone), Err(JobError::Invalid(_))));
    }

    #[test]
    fn serialized_job_parses_back_unchanged() {
        let j = job(r#"{"base64":"JVBERi0xLjc="}"#).unwrap();
        let text = serde_json::to_vec(&j).unwrap();
        assert_eq!(parse(&text).unwrap(), j);
        let value: serde_json::Value = serde_json::from_slice(&text).unwrap();
        assert_eq!(value["version"], 1);
        assert_eq!(value["document"]["base64"], "JVBERi0xLjc=");
    }

    #[test]
    fn committed_schema_is_current() {
        const PATH: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/schema/job.schema.json");
        let committed: serde_json::Value = serde_json::from_str(
            &std::fs::read_to_string(PATH).expect("schema/job.schema.json exists"),
        )
        .expect("schema is JSON");
        assert_eq!(
            committed,
            job_schema(),
            "schema/job.schema.json is out of date: run `cargo run -- worker --print-job-schema > schema/job.schema.json`"
        );
    }
}
