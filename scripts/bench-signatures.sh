#!/usr/bin/env bash
# Signature checking speed, arkivar against its peers, on the same PDFs in one run:
#   - arkivar: one process over all files (`arkivar signatures F...`, parallel like `batch`);
#   - pdfsig:  one process per file, as users run it (poppler-utils);
#   - pyHanko: one Python process over all files, with its difference analysis
#              (scripts/pyhanko_peer.py; `pip install pyhanko`).
# Prints files/s for each and arkivar's ratios (goals: >= 20x pyHanko, >= 4x pdfsig).
#
#   scripts/bench-signatures.sh               # ../shared/corpus/real-signed/*.pdf
#   scripts/bench-signatures.sh a.pdf b.pdf   # any PDFs
#   ROUNDS=5 scripts/bench-signatures.sh      # best of 5 for arkivar and pdfsig (default 3)
set -euo pipefail
cd "$(dirname "$0")/.."
rounds=${ROUNDS:-3}

if [ $# -gt 0 ]; then
    files=("$@")
else
    shopt -s nullglob
    files=(../shared/corpus/real-signed/*.pdf)
    shopt -u nullglob
fi
if [ ${#files[@]} -eq 0 ]; then
    echo "bench-signatures: no PDFs given and none under ../shared/corpus/real-signed/" >&2
    exit 2
fi

cargo build --profile dist --quiet --bin arkivar
target_dir=$(cargo metadata --format-version 1 --no-deps |
    sed -n 's/.*"target_directory":"\([^"]*\)".*/\1/p')
arkivar="$target_dir/dist/arkivar"

now() { date +%s.%N; }
best() { # best-of-$rounds wall seconds of the command given as arguments
    local best_t="" t0 t1 t
    for _ in $(seq "$rounds"); do
        t0=$(now)
        "$@" >/dev/null 2>&1 || true
        t1=$(now)
        t=$(echo "$t1 - $t0" | bc -l)
        if [ -z "$best_t" ] || [ "$(echo "$t < $best_t" | bc -l)" = 1 ]; then best_t=$t; fi
    done
    echo "$best_t"
}
per_file_pdfsig() { for f in "${files[@]}"; do pdfsig "$f" >/dev/null 2>&1 || true; done; }

n=${#files[@]}
t_ark=$(best "$arkivar" signatures --format json "${files[@]}")
printf 'files: %d  rounds: %d (best of)\n' "$n" "$rounds"
printf '%-9s %8.1f files/s  (%.3f s)\n' arkivar "$(echo "$n / $t_ark" | bc -l)" "$t_ark"

if command -v pdfsig >/dev/null; then
    t_sig=$(best per_file_pdfsig)
    printf '%-9s %8.1f files/s  (%.3f s)\n' pdfsig "$(echo "$n / $t_sig" | bc -l)" "$t_sig"
    printf '%-9s %8.2fx  (goal >= 4)\n' "vs pdfsig" "$(echo "$t_sig / $t_ark" | bc -l)"
else
    echo "pdfsig: not found (apt-get install poppler-utils)"
fi

if python3 -c 'import pyhanko' 2>/dev/null; then
    # pyHanko takes seconds per round; one round is enough to compare.
    t0=$(now)
    python3 scripts/pyhanko_peer.py "${files[@]}" >/dev/null 2>&1 || true
    t_py=$(echo "$(now) - $t0" | bc -l)
    printf '%-9s %8.1f files/s  (%.3f s)\n' pyHanko "$(echo "$n / $t_py" | bc -l)" "$t_py"
    printf '%-9s %8.2fx  (goal >= 20)\n' "vs pyHanko" "$(echo "$t_py / $t_ark" | bc -l)"
else
    echo "pyHanko: not installed (pip install pyhanko)"
fi
