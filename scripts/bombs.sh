#!/usr/bin/env bash
# Peak memory of arkivar on decompression bombs: makes them (scripts/make-bombs.py), runs the
# binary on each under a 1 GiB address-space limit (an allocation that fails there must be an
# error, not an abort), and prints peak RSS, exit status and time per file. Fails when a file
# goes over 256 MiB peak RSS or the process dies of a signal.
#
# usage: scripts/bombs.sh [BIN] [DIR]
#   BIN  the arkivar binary (default: target/dist/arkivar, else target/release/arkivar, else
#        target/profiling/arkivar)
#   DIR  where the bombs are written (default: a temporary directory, removed after)
# Extra files to run: BOMBS_EXTRA="a.pdf b.pdf" scripts/bombs.sh
set -euo pipefail

here=$(cd "$(dirname "$0")/.." && pwd)
bin=${1:-}
if [[ -z $bin ]]; then
    for b in "${CARGO_TARGET_DIR:-$here/target}"/{dist,release,profiling}/arkivar; do
        if [[ -x $b ]]; then bin=$b; break; fi
    done
fi
[[ -x ${bin:-} ]] || { echo "no arkivar binary; build one or pass it" >&2; exit 2; }
command -v /usr/bin/time >/dev/null || { echo "needs /usr/bin/time (apt-get install time)" >&2; exit 2; }

dir=${2:-}
if [[ -z $dir ]]; then
    dir=$(mktemp -d)
    trap 'rm -rf "$dir"' EXIT
fi
[[ -f $dir/content-1g.pdf ]] || python3 "$here/scripts/make-bombs.py" "$dir"

limit_kib=$((256 * 1024))
failed=0
printf '%-34s %-10s %8s %6s %8s\n' file command "peak MiB" exit seconds
run() {
    local file=$1 label=$2
    shift 2
    local out rc kib secs
    out=$(mktemp)
    # The time report goes to a file of its own: arkivar's stderr stays out of it.
    set +e
    bash -c 'ulimit -v 1048576; exec "$@"' _ /usr/bin/time -o "$out" -f '%M %e' \
        "$bin" "$@" "$file" >/dev/null 2>&1
    rc=$?
    set -e
    # With a non-zero exit, time writes a line saying so before its own.
    read -r kib secs < <(tail -n1 "$out") || true
    rm -f "$out"
    kib=${kib:-0}
    printf '%-34s %-10s %8.1f %6s %8s\n' "$(basename "$file")" "$label" "$(echo "$kib / 1024" | bc -l)" "$rc" "${secs:-?}"
    if ((kib > limit_kib)); then
        echo "  over 256 MiB" >&2
        failed=1
    fi
    # 0 processed, 1 findings, 2 refused; anything else is a crash or a signal.
    if ((rc > 2)); then
        echo "  died (exit $rc)" >&2
        failed=1
    fi
}

for f in "$dir"/*.pdf ${BOMBS_EXTRA:-}; do
    run "$f" extract extract
done
# The OCR path: `verify` with the protocol pipeline reads page images of text-less pages.
run "$dir/image-1g.pdf" verify verify --pipeline protokoll-sv
exit $failed
