//! Seed corpora for the fuzz targets, built from the tests' fixtures: the PDFs of
//! `tests/common` (the samples' builders) and of the pipeline's evidence tests, the CMS
//! signatures, timestamps and certificates of the signature test kit, the audit trails of
//! the audit tests, and job messages; content streams and page texts are drawn from those
//! PDFs. When the shared corpus is there (`ARKIVAR_CORPUS`, else `../shared/corpus`), its
//! small PDFs and texts are read too; nothing of it is kept in the repository.
//!
//! Run by `scripts/fuzz-seeds.sh` (an ignored test, so `cargo test` does not write files):
//! `ARKIVAR_FUZZ_SEEDS=fuzz/corpus cargo test --lib fuzzing::seeds -- --ignored`.

use std::path::{Path, PathBuf};

use super::common;
use crate::signature::testkit::{
    CrlSpec, Pki, Revoked, attr, ca_name, indefinite, make_cms, make_crl, ocsp_response, pem,
    tst_info,
};
use crate::signature::{oid, testkit::CmsSpec};

/// Largest shared-corpus file taken as a seed, in bytes.
const MAX_SHARED_PDF: u64 = 256 * 1024;
/// Most shared-corpus PDFs taken (the smallest first).
const MAX_SHARED_PDFS: usize = 40;
/// Largest content stream, page text or `/Contents` taken as a seed, in bytes.
const MAX_PIECE: usize = 64 * 1024;

/// Where the corpora go: one folder per target.
struct Out {
    root: PathBuf,
    written: usize,
}

impl Out {
    fn put(&mut self, target: &str, name: &str, bytes: &[u8]) {
        let dir = self.root.join(target);
        std::fs::create_dir_all(&dir).unwrap_or_else(|e| panic!("{}: {e}", dir.display()));
        let name: String = name
            .chars()
            .map(|c| {
                if c.is_ascii_alphanumeric() || "-_.".contains(c) {
                    c
                } else {
                    '_'
                }
            })
            .collect();
        let path = dir.join(name);
        std::fs::write(&path, bytes).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        self.written += 1;
    }
}

/// The PDFs: fixtures, evidence fixtures, then the shared corpus's small files.
fn pdfs() -> Vec<(String, Vec<u8>)> {
    let mut pdfs: Vec<(String, Vec<u8>)> = common::samples()
        .into_iter()
        .map(|(name, bytes)| (name.to_owned(), bytes))
        .collect();
    let more: [(&str, Vec<u8>); 10] = [
        ("operator-in-tj-array.pdf", common::operator_in_tj_array()),
        ("vertical-spaced.pdf", common::vertical_spaced()),
        ("type0-japan1.pdf", common::type0_japan1()),
        ("type0-unmapped.pdf", common::type0_unmapped()),
        ("multi-page-3.pdf", common::multi_page(3)),
        ("dense-pages-2.pdf", common::dense_pages(2)),
        ("annotated.pdf", common::annotated()),
        ("form-value.pdf", common::form_value_without_appearance()),
        ("broken.pdf", common::broken()),
        ("not-a-pdf.pdf", common::not_a_pdf()),
    ];
    pdfs.extend(more.into_iter().map(|(n, b)| (n.to_owned(), b)));
    let evidence = crate::pipeline::evidence_tests::fuzz_seed_pdfs();
    pdfs.extend(evidence.into_iter().map(|(n, b)| (n.to_owned(), b)));
    match shared_corpus() {
        Some(dir) => {
            let mut found: Vec<(u64, PathBuf)> = walkdir::WalkDir::new(&dir)
                .into_iter()
                .filter_map(Result::ok)
                .filter(|e| {
                    e.file_type().is_file()
                        && e.path()
                            .extension()
                            .is_some_and(|x| x.eq_ignore_ascii_case("pdf"))
                })
                .filter_map(|e| Some((e.metadata().ok()?.len(), e.into_path())))
                .filter(|(len, _)| *len <= MAX_SHARED_PDF)
                .collect();
            found.sort();
            let taken = found.len().min(MAX_SHARED_PDFS);
            println!(
                "fuzz seeds: {taken} PDFs of at most {} KiB from the shared corpus {}",
                MAX_SHARED_PDF / 1024,
                dir.display()
            );
            for (_, path) in found.into_iter().take(MAX_SHARED_PDFS) {
                let bytes = std::fs::read(&path).unwrap_or_default();
                let name = format!("shared-{}", path.file_name().unwrap().to_string_lossy());
                pdfs.push((name, bytes));
            }
        }
        None => println!(
            "fuzz seeds: no shared corpus (ARKIVAR_CORPUS or ../shared/corpus); skipped, \
             seeds come from the fixtures only"
        ),
    }
    pdfs
}

/// The shared corpus folder, when there is one.
fn shared_corpus() -> Option<PathBuf> {
    let dir = std::env::var_os("ARKIVAR_CORPUS")
        .map(PathBuf::from)
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/corpus"));
    dir.is_dir().then_some(dir)
}

/// Small text files of the shared corpus (expected page texts), for the text targets.
fn shared_texts() -> Vec<(String, Vec<u8>)> {
    let Some(dir) = shared_corpus() else {
        return Vec::new();
    };
    let mut texts: Vec<(String, Vec<u8>)> = walkdir::WalkDir::new(dir)
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_file() && e.path().extension().is_some_and(|x| x == "txt"))
        .filter_map(|e| {
            let bytes = std::fs::read(e.path()).ok()?;
            let name = format!("shared-{}", e.file_name().to_string_lossy());
            (bytes.len() <= MAX_PIECE).then_some((name, bytes))
        })
        .collect();
    texts.sort();
    texts
}

/// CMS blobs, timestamps, certificates and a PEM anchor from the signature test kit, signed
/// over [`super::CMS_SIGNED_RANGES`].
pub(super) fn cms_seeds() -> Vec<(&'static str, Vec<u8>)> {
    let pki = Pki::new();
    let content = super::CMS_SIGNED_RANGES.concat();
    let plain = make_cms(&pki.spec(&content), &|_| Vec::new()).der;
    let stamped = make_cms(&pki.spec(&content), &|sig: &[u8]| {
        vec![attr(
            &oid::TIME_STAMP_TOKEN,
            &pki.token(&[sig], "20240301120005Z"),
        )]
    })
    .der;
    let mut unattributed = CmsSpec::new(&pki.signer_key, &pki.signer, &content);
    unattributed.signed_attrs = false;
    let unattributed = make_cms(&unattributed, &|_| Vec::new()).der;
    let ranges = super::CMS_SIGNED_RANGES;
    vec![
        ("cms-detached.der", plain.clone()),
        ("cms-with-timestamp.der", stamped),
        ("cms-no-signed-attributes.der", unattributed),
        ("cms-ber-indefinite.ber", indefinite(&plain, 6)),
        ("cms-zero-padded.der", [plain, vec![0; 64]].concat()),
        (
            "document-timestamp.der",
            pki.token(&ranges, "20240301120005Z"),
        ),
        ("tst-info.der", tst_info(&ranges, "20240301120005Z")),
        ("cert-signer.der", pki.signer.clone()),
        ("cert-ca.der", pki.ca.clone()),
        ("cert-root.pem", pem(&pki.root).into_bytes()),
        ("crl.der", crl_seed(&pki)),
        ("ocsp-response.der", ocsp_response(&pki.ocsp_signer_good())),
        ("ocsp-basic.der", pki.ocsp_signer_good()),
    ]
}

/// A CRL of the test CA revoking the signer's serial.
fn crl_seed(pki: &Pki) -> Vec<u8> {
    let mut spec = CrlSpec::new(ca_name(), "240201000000Z", "240401000000Z");
    spec.revoked.push(Revoked {
        serial: vec![0x01, 0x23, 0x45, 0x67],
        at: "240215000000Z",
        reason: Some(1),
    });
    make_crl(&spec, &pki.ca_key)
}

/// Job messages: every document kind, metadata and pipeline, and near misses.
fn job_seeds() -> Vec<(&'static str, &'static str)> {
    vec![
        (
            "path.json",
            r#"{"version":1,"job_id":"j1","document":{"path":"2024/ks-17.pdf"},"metadata":{"dnr":"KS 2024/17"}}"#,
        ),
        (
            "absolute-path.json",
            r#"{"version":1,"job_id":"j2","document":{"path":"/srv/arkivar/documents/a.pdf"}}"#,
        ),
        (
            "url.json",
            r#"{"version":1,"job_id":"j3","document":{"url":"https://files.example/docs/a.pdf"},"pipeline":"generic"}"#,
        ),
        (
            "base64.json",
            r#"{"version":1,"job_id":"j4","document":{"base64":"JVBERi0xLjcKJSVFT0YK"},"metadata":{"n":1.5,"list":[1,"a",null,true],"o":{"k":"v"}}}"#,
        ),
        (
            "escapes.json",
            r#"{"version":1,"job_id":"\u00c5sa \ud83d\ude00","document":{"path":"a/../b.pdf"}}"#,
        ),
        (
            "wrong-version.json",
            r#"{"version":2,"job_id":"j5","document":{"path":"a.pdf"}}"#,
        ),
        ("array.json", r#"[1,"j6",{"path":"a.pdf"}]"#),
    ]
}

/// Writes every target's seeds under `ARKIVAR_FUZZ_SEEDS` (`scripts/fuzz-seeds.sh` sets it
/// to `fuzz/corpus`), or into a temporary folder when it is unset, and checks that every
/// target got seeds: a fixture that stops loading would leave a target to start from nothing.
#[test]
fn write_fuzz_seeds() {
    let temp = tempfile::tempdir().expect("temporary folder");
    let root = std::env::var_os("ARKIVAR_FUZZ_SEEDS")
        .map(PathBuf::from)
        .unwrap_or_else(|| temp.path().to_path_buf());
    let mut out = Out { root, written: 0 };
    let limits = crate::pdf::Limits::default();
    for (name, bytes) in pdfs() {
        out.put("pipeline", &name, &bytes);
        out.put("pdf_load", &name, &bytes);
        let Ok(pdf) = crate::pdf::load(&bytes, &limits) else {
            continue;
        };
        for (number, page) in pdf.doc.get_pages() {
            let content = pdf.doc.get_page_content(page);
            if !content.is_empty() && content.len() <= MAX_PIECE {
                out.put("content_stream", &format!("{name}-p{number}"), &content);
            }
        }
        if let Ok(pages) = crate::pdf::text::extract_pages(&pdf, &limits) {
            let text: Vec<&str> = pages.iter().map(|p| p.text.as_str()).collect();
            let text = text.join("\u{c}");
            if !text.trim().is_empty() && text.len() <= MAX_PIECE {
                out.put("minutes", &format!("{name}.txt"), text.as_bytes());
                out.put("audit", &format!("{name}.txt"), text.as_bytes());
            }
        }
        for (i, sig) in crate::signature::field::find_signatures(&pdf.doc)
            .into_iter()
            .enumerate()
        {
            if sig.contents.len() <= MAX_PIECE {
                out.put("cms", &format!("{name}-sig{i}"), &sig.contents);
            }
            for (j, cert) in sig.certs.iter().enumerate() {
                out.put("cms", &format!("{name}-sig{i}-cert{j}"), cert);
            }
        }
    }
    for (name, text) in shared_texts() {
        out.put("minutes", &name, &text);
        out.put("audit", &name, &text);
    }
    for (name, text) in crate::pipeline::evidence_tests::fuzz_seed_texts() {
        out.put("minutes", name, text.as_bytes());
        out.put("audit", name, text.as_bytes());
    }
    use crate::audit::adobe_sign::tests::{EN_COLUMNS, SV_INLINE};
    use crate::audit::scrive::tests::{EN_2013, SV_2015, SV_CURRENT};
    let en_columns = EN_COLUMNS.join("\u{c}");
    for (name, text) in [
        ("adobe-sign-sv-inline.txt", SV_INLINE),
        ("adobe-sign-en-columns.txt", en_columns.as_str()),
        ("scrive-sv-2015.txt", SV_2015),
        ("scrive-en-2013.txt", EN_2013),
        ("scrive-sv-current.txt", SV_CURRENT),
    ] {
        out.put("audit", name, text.as_bytes());
        out.put("minutes", name, text.as_bytes());
    }
    let lists =
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/trusted-lists");
    for name in ["se.xml", "se-other-signer.xml"] {
        let bytes = std::fs::read(lists.join(name)).expect("trusted list fixture");
        out.put("trusted_list", name, &bytes);
    }
    for (name, bytes) in cms_seeds() {
        out.put("cms", name, &bytes);
    }
    for (name, text) in job_seeds() {
        out.put("job", name, text.as_bytes());
    }
    println!(
        "fuzz seeds: {} files written under {}",
        out.written,
        out.root.display()
    );
    for target in [
        "pipeline",
        "pdf_load",
        "content_stream",
        "cms",
        "minutes",
        "audit",
        "job",
    ] {
        let seeds = std::fs::read_dir(out.root.join(target)).map_or(0, |d| d.count());
        assert!(seeds > 0, "no seeds for the {target} target");
    }
}
