//! `report.html` in a real browser: headless Chromium renders the rows, honours the filter in
//! the URL fragment, opens the details, and logs no console error.
//!
//! Needs Debian's `chromium` (`.ci/run` installs it with CI=true). Without it the test says so
//! and passes locally; with CI=true a missing browser is a failure, never a silent skip.

mod common;

use std::path::{Path, PathBuf};
use std::process::Command;

fn chromium() -> Option<PathBuf> {
    ["chromium", "chromium-browser", "google-chrome"]
        .iter()
        .flat_map(|name| {
            std::env::var_os("PATH")
                .map(|p| {
                    std::env::split_paths(&p)
                        .map(|d| d.join(name))
                        .collect::<Vec<_>>()
                })
                .unwrap_or_default()
        })
        .find(|p| p.is_file())
}

/// The page's DOM after its script ran, and chromium's stderr log.
fn dump_dom(browser: &Path, page: &Path, fragment: &str, profile: &Path) -> (String, String) {
    let url = format!("file://{}{fragment}", page.display());
    let output = Command::new(browser)
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
            "--enable-logging=stderr",
            "--v=0",
        ])
        .arg(format!("--user-data-dir={}", profile.display()))
        .arg("--dump-dom")
        .arg(&url)
        .output()
        .expect("run chromium");
    assert!(output.status.success(), "chromium failed on {url}");
    (
        String::from_utf8_lossy(&output.stdout).into_owned(),
        String::from_utf8_lossy(&output.stderr).into_owned(),
    )
}

fn rows(dom: &str) -> usize {
    dom.matches("<tr class=\"doc\"").count()
}

#[test]
fn report_renders_filters_and_logs_no_console_errors() {
    let Some(browser) = chromium() else {
        assert_ne!(
            std::env::var("CI").as_deref(),
            Ok("true"),
            "chromium is missing (apt-get install chromium)"
        );
        common::skip("chromium not installed (apt-get install chromium)");
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let (input, out) = (dir.path().join("in"), dir.path().join("out"));
    std::fs::create_dir_all(&input).unwrap();
    let samples = common::samples();
    for (name, bytes) in &samples {
        std::fs::write(input.join(name), bytes).unwrap();
    }
    std::fs::write(input.join("trasig.pdf"), common::broken()).unwrap();
    // A name that would run script if the page ever put document text into innerHTML.
    std::fs::write(
        input.join("<img src=x onerror=alert(1)>.pdf"),
        common::not_a_pdf(),
    )
    .unwrap();
    let status = Command::new(env!("CARGO_BIN_EXE_arkivar"))
        .args([
            "batch",
            input.to_str().unwrap(),
            "--out",
            out.to_str().unwrap(),
        ])
        .env_remove("RUST_LOG")
        .output()
        .unwrap();
    assert_eq!(status.status.code(), Some(1), "two documents fail");
    let page = out.join("report.html");
    let profile = dir.path().join("profile");
    let total = samples.len() + 2;

    let (dom, log) = dump_dom(&browser, &page, "", &profile);
    assert!(
        dom.contains("data-ready=\"true\""),
        "the script ran to the end"
    );
    assert_eq!(rows(&dom), total, "every document is a row");
    assert!(dom.contains(&format!("{total} of {total} shown")));
    for (name, _) in &samples {
        assert!(dom.contains(name), "{name} is listed");
    }
    assert!(!dom.contains("<img"), "document text is text, never markup");
    for line in log.lines() {
        assert!(
            !line.contains("Uncaught") && !line.contains(":CONSOLE("),
            "console output: {line}"
        );
    }

    let (dom, log) = dump_dom(&browser, &page, "#status=error", &profile);
    assert_eq!(rows(&dom), 2, "the status filter from the fragment");
    assert!(dom.contains("trasig.pdf"));
    assert!(!log.contains("Uncaught"), "{log}");

    let (dom, _) = dump_dom(&browser, &page, "#q=ROTATE", &profile);
    assert_eq!(rows(&dom), 1, "the text filter ignores case");
    assert!(dom.contains("03-rotate-90.pdf"));

    let (dom, log) = dump_dom(&browser, &page, "#status=error&open=all", &profile);
    assert_eq!(
        dom.matches("<tr class=\"detail\"").count(),
        2,
        "details open"
    );
    assert!(dom.contains("Could not be processed"));
    assert!(!log.contains("Uncaught"), "{log}");
}
