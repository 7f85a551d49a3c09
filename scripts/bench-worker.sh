#!/usr/bin/env bash
# End-to-end throughput of `arkivar worker`: publish N jobs of a signed four-page protocol (by
# path) into a fresh vhost, run 1 and then 2 worker processes, and report documents/s from the
# first publish to the last record on the results exchange.
#
#   scripts/bench-worker.sh [N] [PDF]
#
# Needs the broker at 127.0.0.1:5672 and rabbitmqctl. Jobs are published, and records counted,
# by `examples/bench_worker_publish.rs` (lapin, like the worker). Each worker process runs one
# document at a time (--concurrency 1), so "documents/s per core" is the 1-worker figure.
set -euo pipefail

N=${1:-500}
PDF=${2:-../shared/corpus/protocols/002-pades/document.pdf}
TARGET=${CARGO_TARGET_DIR:-target}
# PROFILE=dev measures a debug build (quick to build, slower to run; only to try the script).
PROFILE=${PROFILE:-dist}
# The pipeline the workers run: the default protocol pipeline (minutes, audit trails and the
# verdict); PIPELINE=generic measures signatures and text only.
PIPELINE=${PIPELINE:-protokoll-sv}
DIR=$([ "$PROFILE" = dev ] && echo debug || echo "$PROFILE")
cargo build --profile "$PROFILE" --quiet --bin arkivar --example bench_worker_publish
BIN="$TARGET/$DIR/arkivar"
PUB="$TARGET/$DIR/examples/bench_worker_publish"
ROOT=$(cd "$(dirname "$PDF")" && pwd)
NAME=$(basename "$PDF")

run() {
    local workers=$1
    local vhost="arkivar-bench-$$-$workers"
    rabbitmqctl -q add_vhost "$vhost" >/dev/null
    rabbitmqctl -q set_permissions -p "$vhost" guest '.*' '.*' '.*' >/dev/null
    local url="amqp://guest:guest@127.0.0.1:5672/$vhost"
    local pids=()
    for i in $(seq 1 "$workers"); do
        "$BIN" worker --amqp "$url" --document-root "$ROOT" --concurrency 1 --prefetch 8 \
            --metrics-addr 127.0.0.1:0 --pipeline "$PIPELINE" &
        pids+=($!)
    done
    # The publisher declares a queue bound to the results exchange, publishes N jobs, and
    # waits for N records; it prints documents/s.
    "$PUB" "$url" "$NAME" "$N" "$workers"
    kill -TERM "${pids[@]}"
    wait "${pids[@]}" || true
    rabbitmqctl -q delete_vhost "$vhost" >/dev/null
}

echo "document: $PDF, pipeline $PIPELINE, $N jobs, $(nproc) cores"
run 1
run 2
