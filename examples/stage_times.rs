//! Times each pipeline stage on one file, N runs each, in one thread: where a document's
//! time goes (`scripts/bench-serve.sh` measures the whole; this splits it). `STAGE=process`
//! is the steady-state loop of the whole pipeline for profilers (`perf record`,
//! `valgrind --tool=callgrind`).
//!
//!   cargo run --profile profiling --example stage_times -- FILE [N] [--trust PEM]

use std::hint::black_box;
use std::time::Instant;

use arkivar::audit::{find_audit_trails_in, find_stamps_in};
use arkivar::minutes::read_minutes_pages;
use arkivar::pdf::load;
use arkivar::pdf::text::extract_pages;
use arkivar::pipeline::Settings;
use arkivar::record::SourceInfo;
use arkivar::signature::examine::examine;

#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn time<T>(label: &str, n: usize, mut f: impl FnMut() -> T) {
    // STAGE=text runs only that stage: a clean profile of one stage.
    if std::env::var("STAGE").is_ok_and(|s| s != label) {
        return;
    }
    let start = Instant::now();
    for _ in 0..n {
        black_box(f());
    }
    println!(
        "{label:>10}: {:8.1} µs",
        start.elapsed().as_secs_f64() * 1e6 / n as f64
    );
}

fn main() {
    let mut args = std::env::args().skip(1);
    let path = args
        .next()
        .expect("usage: stage_times FILE [N] [--trust PEM]");
    let n: usize = args.next().and_then(|s| s.parse().ok()).unwrap_or(200);
    let mut settings = Settings::default();
    if let (Some(flag), Some(pem)) = (args.next(), args.next()) {
        assert_eq!(flag, "--trust");
        settings
            .trust
            .add_pem_file(std::path::Path::new(&pem))
            .expect("trust anchors");
    }
    let bytes = std::fs::read(&path).expect("readable file");
    let limits = &settings.limits;
    let pdf = load(&bytes, limits).expect("loads");
    let pages = extract_pages(&pdf, limits).expect("text");
    let record = arkivar::pipeline::process(&bytes, SourceInfo::default(), &settings);
    println!("{path}: {n} runs per stage, status {:?}", record.status);
    time("load", n, || load(&bytes, limits).is_ok());
    time("text", n, || extract_pages(&pdf, limits).is_ok());
    time("signatures", n, || {
        examine(&bytes, &pdf, &settings.trust, limits).len()
    });
    time("minutes", n, || read_minutes_pages(&pages).is_some());
    time("trails", n, || find_audit_trails_in(&pages).len());
    time("stamps", n, || find_stamps_in(&pages).len());
    time("record", n, || {
        let r = arkivar::pipeline::process(&bytes, SourceInfo::default(), &settings);
        serde_json::to_vec(&r).map(|v| v.len()).unwrap_or(0)
    });
    time("process", n, || {
        arkivar::pipeline::process(&bytes, SourceInfo::default(), &settings).status
    });
}
