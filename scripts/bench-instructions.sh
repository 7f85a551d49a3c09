#!/usr/bin/env bash
# What one document costs the pipeline, in instructions counted by callgrind: unlike seconds
# on a shared VM, whose speed drifts by up to 2x from day to day, the count is the same on
# any day, so two builds compare across sittings and a 1 % change shows.
#
#   scripts/bench-instructions.sh                    # the four-page signed protocol (pyHanko)
#   scripts/bench-instructions.sh some.pdf [anchor.pem]
#
# Runs examples/stage_times (profiling build) under callgrind twice per stage, 10 and 40
# documents, and prints (count at 40 - count at 10) / 30: the steady-state instructions per
# document, set-up excluded. Stages as in stage_times; `process` is the whole pipeline.
# Valgrind's CPU has no SHA extensions, so SHA-256 counts for more here than it costs on the
# machine. Needs valgrind (apt-get install valgrind); the default document needs pyHanko.
set -euo pipefail
cd "$(dirname "$0")/.."

pdf=${1:-}
anchor=${2:-}
command -v valgrind >/dev/null ||
    { echo "bench-instructions: valgrind is missing (apt-get install valgrind)" >&2; exit 2; }

cargo build --profile profiling --example stage_times --quiet
target_dir=$(cargo metadata --format-version 1 --no-deps |
    sed -n 's/.*"target_directory":"\([^"]*\)".*/\1/p')
bin="$target_dir/profiling/examples/stage_times"

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
if [ -z "$pdf" ]; then
    pdf="$work/protocol-4-pages.pdf"
    anchor="$work/protocol-4-pages-root.pem"
    python3 scripts/make-signed-protocol.py "$pdf" >/dev/null ||
        { echo "bench-instructions: could not make the four-page protocol (pip install pyhanko)" >&2; exit 2; }
fi
[ -f "$pdf" ] || { echo "bench-instructions: no such PDF: $pdf" >&2; exit 2; }
trust=()
[ -n "$anchor" ] && trust=(--trust "$anchor")

# Instructions of one stage_times run over `n` documents.
count() {
    STAGE=$1 valgrind --tool=callgrind --callgrind-out-file="$work/cg.out" \
        "$bin" "$pdf" "$2" "${trust[@]}" 2>&1 >/dev/null |
        sed -n 's/.*Collected : \([0-9]*\).*/\1/p'
}

echo "document: $pdf ($(wc -c <"$pdf") bytes)"
echo "instructions per document (callgrind, steady state):"
for stage in load text signatures minutes trails stamps process; do
    low=$(count "$stage" 10)
    high=$(count "$stage" 40)
    [ -n "$low" ] && [ -n "$high" ] ||
        { echo "bench-instructions: callgrind gave no count for $stage" >&2; exit 2; }
    printf '%12s: %12d\n' "$stage" $(((high - low) / 30))
done
