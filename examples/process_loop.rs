//! Runs the pipeline on one file N times in one thread and prints the mean time per document:
//! a steady-state loop for profilers (`perf record`, `valgrind --tool=callgrind`).
//!
//!   cargo run --release --example process_loop -- FILE [N] [--trust PEM]

use std::time::Instant;

use arkivar::pipeline::{Settings, process};
use arkivar::record::SourceInfo;

fn main() {
    let mut args = std::env::args().skip(1);
    let path = args
        .next()
        .expect("usage: process_loop FILE [N] [--trust PEM]");
    let n: usize = args.next().and_then(|s| s.parse().ok()).unwrap_or(100);
    let mut settings = Settings::default();
    if let (Some(flag), Some(pem)) = (args.next(), args.next()) {
        assert_eq!(flag, "--trust");
        settings
            .trust
            .add_pem_file(std::path::Path::new(&pem))
            .expect("trust anchors");
    }
    let bytes = std::fs::read(&path).expect("readable file");
    let start = Instant::now();
    let mut status = String::new();
    for _ in 0..n {
        let record = process(&bytes, SourceInfo::default(), &settings);
        status = format!("{:?}", record.status);
    }
    let per = start.elapsed() / n as u32;
    println!("{path}: {n} runs, {per:?} per document, status {status}");
}
