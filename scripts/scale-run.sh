#!/usr/bin/env bash
# The scaling run of issue 27 against the real broker (examples/scale_run.rs): N jobs, each a
# document of its own (signed minutes of 12 pages; `--pages` for others), one worker at the
# start, workers 2 and 3 started while the queue drains, worker 2 stopped with SIGTERM and
# worker 3 killed with SIGKILL mid-run, a fourth started for the drain. Prints documents/s per phase and per number of workers, and where the CPU went;
# measure on a machine with nothing else running (a background compile skews the ratio); it
# exits non-zero unless every job's record reached the test archive exactly once (by job id,
# at an archive that answers 409 for a repeated Idempotency-Key), the job queue is empty and
# nothing was dead-lettered.
#
#   scripts/scale-run.sh [N] [scale_run options...]
#   scripts/scale-run.sh 4000
#   scripts/scale-run.sh 1000 --single --concurrency 2             # sizing: one worker
#   scripts/scale-run.sh 40 --single --kind scanned                # sizing: scanned documents
#
# Needs: the broker at 127.0.0.1:5672 with guest/guest, `rabbitmqctl` on PATH and allowed to
# add and delete vhosts (the run makes its own vhost and deletes it afterwards, also when it
# fails), tesseract for `--kind scanned`, and a Linux /proc (CPU time and peak RSS are read
# there). Builds with PROFILE=release (default) or PROFILE=dist (fat LTO: what is shipped, a
# much longer build).
set -euo pipefail

cd "$(dirname "$0")/.."
N=${1:-4000}
shift || true
PROFILE=${PROFILE:-release}
TARGET=${CARGO_TARGET_DIR:-target}
DIR=$([ "$PROFILE" = dev ] && echo debug || echo "$PROFILE")
cargo build --profile "$PROFILE" --quiet --bin arkivar --example scale_run
"$TARGET/$DIR/examples/scale_run" --arkivar "$TARGET/$DIR/arkivar" \
    --trust samples/trust.pem --jobs "$N" "$@"
