#!/usr/bin/env bash
# Text extraction speed and memory, arkivar against pdftotext, the way a pipeline that shells
# out per document sees them: one process per file, over the same PDFs, in one run.
#
#   scripts/bench-text.sh                 # ../shared/corpus/text-truth/*/*.pdf
#   scripts/bench-text.sh a.pdf b.pdf     # any PDFs
#   ROUNDS=5 scripts/bench-text.sh        # best of 5 (default 3)
#
# Prints pages/s for each tool and the ratio (arkivar / pdftotext; the goal is >= 1.5), then
# the peak RSS of both on a generated 1,000-page document (/usr/bin/time -v).
# Needs pdftotext (apt-get install poppler-utils) and, for the memory check, GNU time
# (apt-get install time).
set -euo pipefail

cd "$(dirname "$0")/.."
rounds=${ROUNDS:-3}

if [ $# -gt 0 ]; then
    files=("$@")
else
    shopt -s nullglob
    files=(../shared/corpus/text-truth/*/*.pdf)
    shopt -u nullglob
fi
if [ ${#files[@]} -eq 0 ]; then
    echo "bench-text: no PDFs given and none under ../shared/corpus/text-truth/" >&2
    exit 2
fi
if ! command -v pdftotext >/dev/null; then
    echo "bench-text: pdftotext not found; apt-get install poppler-utils" >&2
    exit 2
fi

cargo build --profile dist --quiet --bin arkivar --example make-samples
target_dir=$(cargo metadata --format-version 1 --no-deps |
    sed -n 's/.*"target_directory":"\([^"]*\)".*/\1/p')
arkivar="$target_dir/dist/arkivar"
make_samples="$target_dir/dist/examples/make-samples"

# Pages are counted once, from pdftotext's form feeds (one per page), and used for both
# tools, so a tool that fails on a file is not credited with its pages.
pages=0
arkivar_failed=0
for f in "${files[@]}"; do
    n=$(pdftotext -q "$f" - | tr -cd '\f' | wc -c)
    pages=$((pages + n))
    "$arkivar" extract "$f" >/dev/null 2>&1 || arkivar_failed=$((arkivar_failed + 1))
done

now_ns() { date +%s%N; }

run_arkivar() { for f in "${files[@]}"; do "$arkivar" extract "$f" >/dev/null 2>&1 || true; done; }
run_pdftotext() { for f in "${files[@]}"; do pdftotext -q "$f" - >/dev/null 2>&1 || true; done; }

best_arkivar=""
best_pdftotext=""
for _ in $(seq "$rounds"); do
    # Alternate the tools within each round so drift in machine load hits both alike.
    t0=$(now_ns); run_arkivar; t1=$(now_ns); run_pdftotext; t2=$(now_ns)
    a=$((t1 - t0)); p=$((t2 - t1))
    if [ -z "$best_arkivar" ] || [ "$a" -lt "$best_arkivar" ]; then best_arkivar=$a; fi
    if [ -z "$best_pdftotext" ] || [ "$p" -lt "$best_pdftotext" ]; then best_pdftotext=$p; fi
done

echo "files: ${#files[@]}  pages: $pages  rounds: $rounds (best of)  arkivar failures: $arkivar_failed"
awk -v pages="$pages" -v a="$best_arkivar" -v p="$best_pdftotext" 'BEGIN {
    ra = pages / (a / 1e9); rp = pages / (p / 1e9);
    printf "arkivar    %9.1f pages/s  (%.3f s)\n", ra, a / 1e9;
    printf "pdftotext  %9.1f pages/s  (%.3f s)\n", rp, p / 1e9;
    printf "ratio      %9.2fx  (arkivar / pdftotext; goal >= 1.50)\n", ra / rp;
}'

echo
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
"$make_samples" --pages 1000 "$tmp/1000-pages.pdf"
echo "memory: 1,000-page document, $(wc -c <"$tmp/1000-pages.pdf") bytes"
if [ -x /usr/bin/time ]; then
    peak() {
        /usr/bin/time -v "$@" >/dev/null 2>"$tmp/time.txt" || true
        awk -F': ' '/Maximum resident set size/ { printf "%.1f MiB", $2 / 1024 }' "$tmp/time.txt"
    }
    echo "arkivar    peak RSS $(peak "$arkivar" extract "$tmp/1000-pages.pdf")"
    echo "pdftotext  peak RSS $(peak pdftotext -q "$tmp/1000-pages.pdf" -)"
else
    echo "memory check skipped: /usr/bin/time not found (apt-get install time)"
fi
