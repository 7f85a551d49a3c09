#!/usr/bin/env bash
# Builds the fuzz targets' seed corpora in fuzz/corpus/TARGET/ (gitignored) from the tests'
# fixtures: the PDFs of tests/common and the pipeline's evidence tests, the signature test
# kit's CMS blobs, timestamps and certificates, the audit tests' trails, job messages, and the
# content streams and page texts of those PDFs (src/fuzzing/seeds.rs). The shared corpus's
# small PDFs and texts are added when it is there (ARKIVAR_CORPUS, else ../shared/corpus);
# otherwise a line says it was skipped. Seeds already in a corpus (and what the fuzzers added)
# are kept; files of the same name are rewritten.
#
#   scripts/fuzz-seeds.sh [DIR]     (DIR defaults to fuzz/corpus)
set -euo pipefail

cd "$(dirname "$0")/.."
dir=${1:-fuzz/corpus}
mkdir -p "$dir"
dir=$(cd "$dir" && pwd)
locked=()
if [ "${CI:-false}" = true ]; then
    locked=(--locked)
fi
log=$(mktemp)
trap 'rm -f "$log"' EXIT
if ! ARKIVAR_FUZZ_SEEDS=$dir cargo test "${locked[@]+"${locked[@]}"}" --lib \
    fuzzing::seeds::write_fuzz_seeds -- --exact --nocapture >"$log" 2>&1; then
    tail -n 40 "$log" >&2
    echo "fuzz-seeds: writing the seeds failed" >&2
    exit 1
fi
grep '^fuzz seeds:' "$log" || true
for target in pipeline pdf_load content_stream cms minutes audit job trusted_list; do
    count=$(find "$dir/$target" -type f 2>/dev/null | wc -l)
    if [ "$count" -eq 0 ]; then
        echo "fuzz-seeds: no seeds for $target" >&2
        exit 1
    fi
    printf 'fuzz-seeds: %-15s %4d files\n' "$target" "$count"
done
