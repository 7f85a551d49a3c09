//! Writes the sample PDFs that `README.md`'s first command runs on, with the sample CA's root
//! as `trust.pem`, or one large document for the memory check in `scripts/bench-text.sh`.
//!
//! ```text
//! cargo run --example make-samples -- samples            # the committed samples/ folder
//! cargo run --example make-samples -- --pages 1000 big.pdf
//! ```
//!
//! The documents are built in `tests/common/signed_samples.rs`, so `tests/samples.rs` can check
//! that the committed files are what this writes and that each gets the verdict it shows.

#[path = "../tests/common/mod.rs"]
mod common;

use std::path::PathBuf;
use std::process::ExitCode;

const USAGE: &str = "usage: make-samples DIR | make-samples --pages N FILE";

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let result = match args.as_slice() {
        [flag, pages, file] if flag == "--pages" => match pages.parse::<usize>() {
            Ok(pages) if pages > 0 => {
                std::fs::write(file, common::dense_pages(pages)).map_err(|e| format!("{file}: {e}"))
            }
            _ => Err(format!(
                "--pages wants a positive number, not {pages:?}\n{USAGE}"
            )),
        },
        [dir] if !dir.starts_with('-') => write_samples(&PathBuf::from(dir)),
        _ => Err(USAGE.to_owned()),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("make-samples: {message}");
            ExitCode::from(2)
        }
    }
}

fn write_samples(dir: &std::path::Path) -> Result<(), String> {
    std::fs::create_dir_all(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    let write = |name: &str, bytes: &[u8]| {
        let path = dir.join(name);
        std::fs::write(&path, bytes).map_err(|e| format!("{}: {e}", path.display()))?;
        println!("{}", path.display());
        Ok::<(), String>(())
    };
    for sample in common::signed_samples::all() {
        write(sample.name, &sample.bytes)?;
    }
    write(
        common::signed_samples::TRUST_PEM,
        common::signed_samples::trust_pem().as_bytes(),
    )
}
