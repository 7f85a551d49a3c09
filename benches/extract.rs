//! Load + text extraction of the generated fixtures, through the same `pipeline::process` the
//! CLI calls (so hashing and record building are included, as they are in production).
//! The per-process comparison with pdftotext lives in `scripts/bench-text.sh`.

#[path = "../tests/common/mod.rs"]
mod common;

use std::hint::black_box;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};

use arkivar::pipeline::Settings;
use arkivar::pipeline::process;
use arkivar::record::SourceInfo;

fn extract(c: &mut Criterion) {
    let settings = Settings::default();
    let mut group = c.benchmark_group("load+extract");
    let cases = [
        ("winansi-1p", common::swedish_winansi(), 1),
        ("two-columns-1p", common::two_columns(), 1),
        ("type0-tounicode-1p", common::type0_identity_h(), 1),
        ("incremental-update-1p", common::incremental_update(), 1),
        ("multi-page-100p", common::multi_page(100), 100),
    ];
    for (name, bytes, pages) in cases {
        group.throughput(Throughput::Elements(pages));
        group.bench_function(name, |b| {
            b.iter(|| process(black_box(&bytes), SourceInfo::default(), &settings))
        });
    }
    group.finish();
}

criterion_group!(benches, extract);
criterion_main!(benches);
