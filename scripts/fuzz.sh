#!/usr/bin/env bash
# Runs arkivar's cargo-fuzz targets (fuzz/; docs/fuzzing.md).
#
#   scripts/fuzz.sh TARGET SECONDS     one target for SECONDS
#   scripts/fuzz.sh all SECONDS        every target, one after the other, SECONDS each
#   scripts/fuzz.sh list               the targets
#
# Needs the nightly toolchain (rustup's `nightly`) and cargo-fuzz (`cargo install cargo-fuzz`);
# without either it says so and exits 0. Seeds come from scripts/fuzz-seeds.sh (run first when
# fuzz/corpus/TARGET is missing). One build serves every target. A crash, timeout or
# out-of-memory stops the target: its input is in fuzz/artifacts/TARGET/ and the exit code is
# not 0. Each target's figures (seconds, execs, crashes) are appended as one line to
# fuzz/runs.tsv (gitignored) and printed.
#
# Environment: FUZZ_SANITIZER (default none: arkivar forbids unsafe code, so the fuzzers hunt
# panics, overflows, hangs and memory blow-ups; `address` adds ASan for the dependencies' C
# and unsafe code, at half the speed), FUZZ_NICE (default 0; e.g. 19 on a shared machine),
# FUZZ_ARGS (more libFuzzer flags, e.g. `-only_ascii=1`), FUZZ_TARGET_DIR (the build's target
# folder; default fuzz/target), FUZZ_DEADLINE (epoch seconds by which build and runs must be
# done, for CI: the runs are shortened to fit, and a build that does not fit is skipped).
set -euo pipefail

cd "$(dirname "$0")/.."

TARGETS=(pipeline pdf_load content_stream cms minutes audit job trusted_list)

usage() {
    echo "usage: scripts/fuzz.sh TARGET|all SECONDS | scripts/fuzz.sh list" >&2
    echo "targets: ${TARGETS[*]}" >&2
    exit 2
}

# libFuzzer limits per target: the longest input, in bytes. Every target also gets a 10 s
# per-input timeout and a 2 GiB RSS limit; arkivar::fuzzing::limits() keeps each input to a
# few seconds and a few hundred MiB well inside them.
max_len() {
    case $1 in
        pipeline | pdf_load) echo 262144 ;;
        content_stream | cms | minutes | audit | trusted_list) echo 65536 ;;
        job) echo 16384 ;;
    esac
}

[ $# -ge 1 ] || usage
if [ "$1" = list ]; then
    printf '%s\n' "${TARGETS[@]}"
    exit 0
fi
[ $# -eq 2 ] || usage
target=$1
seconds=$2
[[ $seconds =~ ^[0-9]+$ ]] && [ "$seconds" -gt 0 ] || usage
if [ "$target" = all ]; then
    run=("${TARGETS[@]}")
else
    printf '%s\n' "${TARGETS[@]}" | grep -qx -- "$target" || usage
    run=("$target")
fi

if ! command -v rustup >/dev/null || ! rustup run nightly rustc --version >/dev/null 2>&1; then
    echo "fuzz: skipped: no nightly toolchain (rustup toolchain install nightly)"
    exit 0
fi
if ! cargo +nightly fuzz --version >/dev/null 2>&1; then
    echo "fuzz: skipped: cargo-fuzz is not installed (cargo install cargo-fuzz --locked)"
    exit 0
fi

sanitizer=${FUZZ_SANITIZER:-none}
nice_level=${FUZZ_NICE:-0}
read -r -a extra <<<"${FUZZ_ARGS:-}"

for t in "${run[@]}"; do
    if [ ! -d "fuzz/corpus/$t" ] || [ -z "$(ls -A "fuzz/corpus/$t")" ]; then
        echo "fuzz: no seeds in fuzz/corpus/$t; building them (scripts/fuzz-seeds.sh)"
        scripts/fuzz-seeds.sh
        break
    fi
done

target_dir=()
if [ -n "${FUZZ_TARGET_DIR:-}" ]; then
    mkdir -p "$FUZZ_TARGET_DIR"
    target_dir=(--target-dir "$FUZZ_TARGET_DIR")
fi
build=(cargo +nightly fuzz build -s "$sanitizer" "${target_dir[@]+"${target_dir[@]}"}")
if [ -n "${FUZZ_DEADLINE:-}" ]; then
    # A deadline (epoch seconds) for build and runs together: the build gets what is left
    # but 5 s a target, the targets share the rest (at most SECONDS each).
    limit=$((FUZZ_DEADLINE - $(date +%s) - 5 * ${#run[@]}))
    if [ "$limit" -le 0 ]; then
        echo "fuzz: skipped: no time left before the deadline for a build"
        exit 0
    fi
    echo "fuzz: building the targets (sanitizer: $sanitizer; at most ${limit} s)"
    built_at=$(date +%s)
    set +e
    (cd fuzz && timeout "$limit" nice -n "$nice_level" "${build[@]}")
    code=$?
    set -e
    if [ "$code" -eq 124 ]; then
        echo "fuzz: skipped: the build took over ${limit} s (what it compiled is kept for next time)"
        exit 0
    elif [ "$code" -ne 0 ]; then
        echo "fuzz: the build failed" >&2
        exit 1
    fi
    echo "fuzz: built in $(($(date +%s) - built_at)) s"
    # Less 2 s a target for cargo-fuzz starting each run.
    share=$(((FUZZ_DEADLINE - $(date +%s)) / ${#run[@]} - 2))
    if [ "$share" -lt 5 ]; then
        echo "fuzz: skipped: the build left ${share} s a target"
        exit 0
    fi
    [ "$share" -lt "$seconds" ] && seconds=$share
else
    echo "fuzz: building the targets (sanitizer: $sanitizer)"
    (cd fuzz && nice -n "$nice_level" "${build[@]}")
fi

mkdir -p fuzz/logs
failed=()
for t in "${run[@]}"; do
    mkdir -p "fuzz/corpus/$t" "fuzz/artifacts/$t"
    log="fuzz/logs/$t.log"
    echo "fuzz: $t for ${seconds}s (log: $log)"
    started=$(date +%s)
    set +e
    (cd fuzz && nice -n "$nice_level" cargo +nightly fuzz run -s "$sanitizer" \
        "${target_dir[@]+"${target_dir[@]}"}" "$t" "corpus/$t" -- \
        -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -malloc_limit_mb=2048 \
        -max_len="$(max_len "$t")" -print_final_stats=1 \
        "${extra[@]+"${extra[@]}"}") >"$log" 2>&1
    code=$?
    set -e
    took=$(($(date +%s) - started))
    # -print_final_stats: `stat::number_of_executed_units: N` per worker.
    execs=$(awk '/stat::number_of_executed_units:/ {n += $2} END {print n + 0}' "$log")
    crashes=$(find "fuzz/artifacts/$t" -type f -newermt "@$started" | wc -l)
    if [ "$code" -ne 0 ] && [ "$crashes" -eq 0 ]; then
        crashes=1
    fi
    line=$(printf '%s\t%s\t%s\t%s\t%s\t%s' "$(date -u +%Y-%m-%d)" "$t" "$took" "$execs" \
        "$crashes" "$sanitizer")
    echo "$line" >>fuzz/runs.tsv
    printf 'fuzz: %s: %ss, %s execs, %s crashes\n' "$t" "$took" "$execs" "$crashes"
    if [ "$code" -ne 0 ]; then
        echo "fuzz: $t failed (exit $code); the end of $log:" >&2
        tail -n 40 "$log" >&2
        ls -l "fuzz/artifacts/$t" >&2 || true
        failed+=("$t")
    fi
done

if [ ${#failed[@]} -gt 0 ]; then
    echo "fuzz: failed: ${failed[*]}" >&2
    exit 1
fi
echo "fuzz: ${#run[@]} target(s), no crashes"
