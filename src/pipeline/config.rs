//! Pipeline files (`pipelines/*.toml`): what a pipeline runs and what it may cost, as data
//! (design.md "Policy is data"). Parsing is pure; reading a file is the caller's.
//!
//! Unknown keys are errors, so a typo in a policy stops the program at start instead of being
//! silently ignored.

use std::path::{Path, PathBuf};

use schemars::JsonSchema;
use serde::Deserialize;
use thiserror::Error;

use crate::pdf::Limits;
use crate::signature::{TrustError, TrustStore};
use crate::verify::policy::Policy;

/// Pipelines built into the binary, by name: the files of `pipelines/` at build time.
pub const BUILTIN: &[(&str, &str)] = &[
    (
        "protokoll-sv",
        include_str!("../../pipelines/protokoll-sv.toml"),
    ),
    ("generic", include_str!("../../pipelines/generic.toml")),
];

/// The pipeline used when none is named: Swedish meeting minutes, which also passes any other
/// PDF through (as `document.not_protocol`).
pub const DEFAULT_PIPELINE: &str = "protokoll-sv";

/// One pipeline's configuration.
#[derive(Debug, Clone, PartialEq, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct PipelineConfig {
    /// The pipeline's name, as records and jobs refer to it.
    pub name: String,
    /// What the pipeline is for.
    #[serde(default)]
    pub description: Option<String>,
    /// Bounds on what one document may cost.
    #[serde(default)]
    pub limits: Limits,
    /// What the verdict checks and how much each finding weighs.
    #[serde(default)]
    pub verify: Policy,
    /// The pipeline's own trust anchors, besides `--trust`'s.
    #[serde(default)]
    pub trust: TrustConfig,
}

/// The `[trust]` table: certificates that signer chains of this pipeline's documents may
/// reach to be trusted, in addition to the command line's `--trust` (design.md "Policy is
/// data": an archive may accept one CA for council minutes and another for contracts).
#[derive(Debug, Clone, Default, PartialEq, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct TrustConfig {
    /// PEM files, or folders whose `*.pem`, `*.crt` and `*.cer` files are read. A relative
    /// path is taken from the pipeline file's folder.
    #[serde(default)]
    pub anchors: Vec<PathBuf>,
    /// ETSI TS 119 612 trusted lists (files; nothing is fetched), each with the PEM
    /// certificate it must be signed with: their CA/QC and TSA/QTST services are anchors
    /// while granted (docs/verdict.md § "Trusted lists"). Relative paths are taken from the
    /// pipeline file's folder.
    #[serde(default)]
    pub trusted_lists: Vec<TrustedListConfig>,
}

/// One trusted list and its signer.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct TrustedListConfig {
    /// The list's XML file.
    pub file: PathBuf,
    /// A PEM file of the certificate(s) the list must be signed with (any one of them).
    pub signer: PathBuf,
}

impl TrustedListConfig {
    /// Loads the list, checks its signature and adds its services to `store`. A list past
    /// its NextUpdate is used with a warning (as the EU's DSS does by default: its history
    /// still answers for earlier times); one that does not verify is an error naming it.
    pub fn add_to(&self, store: &mut TrustStore) -> Result<usize, TrustError> {
        let verified = crate::signature::trusted_list::load(&self.file, &self.signer)
            .map_err(|e| TrustError::TrustedList(Box::new(e)))?;
        if verified.expired_at(jiff::Timestamp::now()) {
            tracing::warn!(
                file = %self.file.display(),
                next_update = ?verified.list.next_update,
                "trusted list is past its NextUpdate; its services are used as it lists them"
            );
        }
        let added = store.add_trusted_list(&verified);
        tracing::debug!(
            file = %self.file.display(),
            territory = %verified.list.territory,
            services = verified.list.services.len(),
            added,
            "trusted list"
        );
        Ok(added)
    }
}

impl PipelineConfig {
    /// Takes the relative paths of a pipeline file read from `folder` (its anchors) from that
    /// folder, so the file means the same wherever the program runs.
    pub fn relative_to(mut self, folder: &Path) -> Self {
        for anchor in &mut self.trust.anchors {
            if anchor.is_relative() {
                *anchor = folder.join(&*anchor);
            }
        }
        for list in &mut self.trust.trusted_lists {
            for path in [&mut list.file, &mut list.signer] {
                if path.is_relative() {
                    *path = folder.join(&*path);
                }
            }
        }
        self
    }

    /// `base` (the `--trust` anchors) with this pipeline's anchors added. Every error names
    /// the file or folder.
    pub fn trust_store(&self, base: &TrustStore) -> Result<TrustStore, TrustError> {
        let mut store = base.clone();
        for anchor in &self.trust.anchors {
            store.add_pem_path(anchor)?;
        }
        for list in &self.trust.trusted_lists {
            list.add_to(&mut store)?;
        }
        Ok(store)
    }
}

/// Why a pipeline file was refused.
#[derive(Debug, Error)]
#[non_exhaustive]
pub enum ConfigError {
    /// The TOML does not parse or does not fit the schema; the message names line and column.
    #[error("pipeline {origin}: {message}")]
    Invalid {
        /// Where the text came from (a path or `builtin:NAME`).
        origin: String,
        /// The parser's message, with line and column.
        message: String,
    },
    /// No built-in pipeline has this name.
    #[error("no pipeline named {name:?}; built in: {known}")]
    Unknown {
        /// The name asked for.
        name: String,
        /// The names there are, comma-separated.
        known: String,
    },
}

/// Parses a pipeline file's text; `origin` names it in errors.
pub fn parse(text: &str, origin: &str) -> Result<PipelineConfig, ConfigError> {
    toml::from_str(text).map_err(|e| ConfigError::Invalid {
        origin: origin.to_owned(),
        message: one_line(&e.to_string()),
    })
}

/// The built-in pipeline called `name`.
pub fn builtin(name: &str) -> Result<PipelineConfig, ConfigError> {
    match BUILTIN.iter().find(|(n, _)| *n == name) {
        Some((n, text)) => parse(text, &format!("builtin:{n}")),
        None => Err(ConfigError::Unknown {
            name: name.to_owned(),
            known: BUILTIN
                .iter()
                .map(|(n, _)| *n)
                .collect::<Vec<_>>()
                .join(", "),
        }),
    }
}

/// toml's messages span several lines with a source excerpt; a log line wants one.
fn one_line(message: &str) -> String {
    message.split_whitespace().collect::<Vec<_>>().join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn platform_seal_names_are_policy_data() {
        let text = "name = \"t\"\n[verify.platform_seals]\nother = [\"signeringsplattform\"]\n";
        let config = parse(text, "test").expect("loads");
        let seals = &config.verify.platform_seals;
        assert_eq!(seals.other, ["signeringsplattform"]);
        // The lists not given keep their defaults.
        assert_eq!(seals.scrive, ["scrive"]);
        // Near miss: a platform arkivar has no list for is a typo, refused at load.
        let typo = "name = \"t\"\n[verify.platform_seals]\ndocusing = [\"docusign\"]\n";
        assert!(parse(typo, "test").is_err());
    }

    #[test]
    fn trust_anchors_are_taken_from_the_pipeline_files_folder() {
        let text = "name = \"t\"\n[trust]\nanchors = [\"ca.pem\", \"/etc/ca\"]\n";
        let config = parse(text, "test")
            .expect("loads")
            .relative_to(Path::new("/srv/pipelines"));
        assert_eq!(
            config.trust.anchors,
            [
                PathBuf::from("/srv/pipelines/ca.pem"),
                PathBuf::from("/etc/ca")
            ]
        );
        // Near miss: a misspelt key in the table is refused, not ignored.
        assert!(parse("name = \"t\"\n[trust]\nanchor = [\"ca.pem\"]\n", "test").is_err());
        // Built-in pipelines trust nothing of their own.
        assert!(
            builtin(DEFAULT_PIPELINE)
                .expect("built in")
                .trust
                .anchors
                .is_empty()
        );
    }

    #[test]
    fn a_pipelines_anchors_join_the_command_lines() {
        let dir = tempfile::tempdir().expect("temporary folder");
        let sample = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("samples/trust.pem");
        std::fs::copy(&sample, dir.path().join("sample.pem")).expect("copy");
        let text = "name = \"t\"\n[trust]\nanchors = [\"sample.pem\"]\n";
        let config = parse(text, "test").expect("loads").relative_to(dir.path());
        let mut base = TrustStore::new();
        base.add_pem_file(&sample).expect("the sample CA");
        assert_eq!(config.trust_store(&base).expect("reads").len(), 2);
        assert_eq!(
            config.trust_store(&TrustStore::new()).expect("reads").len(),
            1
        );
        // Near miss: an anchor file that is not there stops the pipeline with its path.
        let missing = parse("name = \"t\"\n[trust]\nanchors = [\"gone.pem\"]\n", "test")
            .expect("loads")
            .relative_to(dir.path());
        let error = missing.trust_store(&base).expect_err("no such file");
        assert!(error.to_string().contains("gone.pem"), "{error}");
    }

    #[test]
    fn a_pipelines_trusted_lists_are_read_from_its_folder_and_must_verify() {
        let fixtures =
            std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/trusted-lists");
        let dir = tempfile::tempdir().expect("temporary folder");
        std::fs::create_dir(dir.path().join("lists")).expect("folder");
        for file in ["se.xml", "signer.pem", "se-other-signer.xml"] {
            std::fs::copy(fixtures.join(file), dir.path().join("lists").join(file)).expect("copy");
        }
        let text = "name = \"t\"\n[trust]\ntrusted_lists = [{ file = \"lists/se.xml\", signer = \"lists/signer.pem\" }]\n";
        let config = parse(text, "test").expect("loads").relative_to(dir.path());
        assert_eq!(
            config.trust.trusted_lists[0].file,
            dir.path().join("lists/se.xml")
        );
        // The fixture list's three services that were ever granted.
        assert_eq!(
            config
                .trust_store(&TrustStore::new())
                .expect("verifies")
                .len(),
            3
        );
        // Near miss: a list signed by another certificate stops the pipeline, naming it.
        let text = "name = \"t\"\n[trust]\ntrusted_lists = [{ file = \"lists/se-other-signer.xml\", signer = \"lists/signer.pem\" }]\n";
        let refused = parse(text, "test").expect("loads").relative_to(dir.path());
        let error = refused
            .trust_store(&TrustStore::new())
            .expect_err("another signer");
        let message = error.to_string();
        assert!(message.contains("se-other-signer.xml"), "{message}");
        assert!(message.contains("another certificate"), "{message}");
        // A misspelt key of a list is refused.
        assert!(
            parse(
                "name = \"t\"\n[trust]\ntrusted_lists = [{ file = \"a\", signers = \"b\" }]\n",
                "test"
            )
            .is_err()
        );
    }

    #[test]
    fn every_file_in_pipelines_loads_and_is_built_in() {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("pipelines");
        let mut names = Vec::new();
        for entry in std::fs::read_dir(&dir).expect("pipelines/") {
            let path = entry.expect("entry").path();
            if path.extension().is_some_and(|e| e == "toml") {
                let text = std::fs::read_to_string(&path).expect("read");
                let config =
                    parse(&text, &path.display().to_string()).unwrap_or_else(|e| panic!("{e}"));
                assert_eq!(
                    Some(config.name.as_str()),
                    path.file_stem().and_then(|s| s.to_str())
                );
                names.push(config.name);
            }
        }
        names.sort();
        let mut builtin: Vec<String> = BUILTIN.iter().map(|(n, _)| (*n).to_owned()).collect();
        builtin.sort();
        assert_eq!(
            names, builtin,
            "every file in pipelines/ is built in, and only those"
        );
    }

    #[test]
    fn builtin_limits_and_policies_are_the_defaults() {
        let generic = builtin("generic").unwrap();
        assert_eq!(generic.limits, Limits::default());
        assert_eq!(
            generic.verify.checks,
            crate::verify::policy::Checks::Signatures
        );
        let protocol = builtin("protokoll-sv").unwrap();
        assert_eq!(protocol.verify, Policy::default());
        assert_eq!(protocol.limits, Limits::default());
    }

    #[test]
    fn severity_override_and_bad_zone_are_read() {
        let c = parse(
            "name = \"x\"\n[verify]\ntime_zone = \"Europe/Stockholm\"\n[verify.severities]\n\"signature.unverifiable\" = \"info\"\n",
            "t",
        )
        .unwrap();
        assert_eq!(
            c.verify
                .severity(crate::record::FindingCode::SignatureUnverifiable),
            crate::record::Severity::Info
        );
        let bad = parse("name = \"x\"\n[verify]\nsigning_order = [\"mayor\"]\n", "t").unwrap_err();
        assert!(bad.to_string().contains("mayor"), "{bad}");
    }

    #[test]
    fn a_misspelt_severity_code_is_refused_with_its_line() {
        let err = parse(
            "name = \"x\"\n[verify]\n[verify.severities]\n\"signature.unverifiable\" = \"info\"\n\"signature.unverifyable\" = \"info\"\n",
            "test.toml",
        )
        .unwrap_err();
        let text = err.to_string();
        assert!(
            text.contains("signature.unverifyable") && text.contains("line 5"),
            "{text}"
        );
        // A severity that is not one is refused too.
        let err = parse(
            "name = \"x\"\n[verify.severities]\n\"order.violation\" = \"fatal\"\n",
            "test.toml",
        )
        .unwrap_err();
        assert!(err.to_string().contains("fatal"), "{err}");
    }

    #[test]
    fn typo_in_a_key_is_refused_with_its_line() {
        let err = parse("name = \"x\"\n[limits]\nmax_pagez = 3\n", "test.toml").unwrap_err();
        let text = err.to_string();
        assert!(
            text.contains("max_pagez") && text.contains("line 3"),
            "{text}"
        );
    }

    #[test]
    fn partial_limits_keep_other_defaults() {
        let c = parse("name = \"small\"\n[limits]\nmax_pages = 3\n", "t").unwrap();
        assert_eq!(c.limits.max_pages, 3);
        assert_eq!(c.limits.max_depth, Limits::default().max_depth);
    }

    #[test]
    fn unknown_builtin_names_the_known_ones() {
        let err = builtin("protokol-sv").unwrap_err().to_string();
        assert!(err.contains("generic"), "{err}");
    }
}
