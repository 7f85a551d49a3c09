#!/usr/bin/env bash
# Latency of `POST /v1/verify` under bounded loopback load: `arkivar serve` (release build) on
# a free port, then wrk with CONNECTIONS connections for DURATION posting one signed
# four-page protocol again and again (made by scripts/make-signed-protocol.py, as the corpus's
# signed protocols were: ReportLab minutes signed by pyHanko, three PAdES signatures), twice:
# as clients resend a document (the answer cache serves it after the first run) and with
# `Cache-Control: no-cache` (every request runs the pipeline). Prints requests/s, p50/p90/p99 latency, the error counts (non-2xx answers,
# socket errors) and the server's CPU time per request of each. Goal on a 2-core machine:
# p99 < 50 ms, no errors; with 50 connections in a closed loop that takes a fresh answer in
# well under 2 ms of CPU (2 cores x 50 ms / 50 requests in flight).
#
#   scripts/bench-serve.sh                         # the four-page protocol (needs pyHanko)
#   scripts/bench-serve.sh some.pdf [anchor.pem]   # any PDF, e.g. the corpus's 11-page
#                                                  # ../shared/corpus/protocols/002-pades/document.pdf
#   CONNECTIONS=50 DURATION=30s THREADS=2 CONCURRENCY=2 scripts/bench-serve.sh
#
# Needs wrk (apt-get install wrk) and, for the default document, pyHanko (pip install pyhanko).
set -euo pipefail
cd "$(dirname "$0")/.."

pdf=${1:-}
anchor=${2:-}
connections=${CONNECTIONS:-50}
duration=${DURATION:-30s}
threads=${THREADS:-2}
concurrency=${CONCURRENCY:-}

command -v wrk >/dev/null || { echo "bench-serve: wrk is missing (apt-get install wrk)" >&2; exit 2; }

cargo build --profile dist --quiet --bin arkivar
target_dir=$(cargo metadata --format-version 1 --no-deps |
    sed -n 's/.*"target_directory":"\([^"]*\)".*/\1/p')
arkivar="$target_dir/dist/arkivar"

work=$(mktemp -d)
server=""
cleanup() {
    [ -n "$server" ] && kill "$server" 2>/dev/null && wait "$server" 2>/dev/null
    rm -rf "$work"
}
trap cleanup EXIT

if [ -z "$pdf" ]; then
    pdf="$work/protocol-4-pages.pdf"
    anchor="$work/protocol-4-pages-root.pem"
    python3 scripts/make-signed-protocol.py "$pdf" ||
        { echo "bench-serve: could not make the four-page protocol (pip install pyhanko)" >&2; exit 2; }
fi
[ -f "$pdf" ] || { echo "bench-serve: no such PDF: $pdf" >&2; exit 2; }

args=(serve --listen 127.0.0.1:0)
[ -n "$concurrency" ] && args+=(--concurrency "$concurrency")
[ -n "$anchor" ] && args+=(--trust "$anchor")
"$arkivar" "${args[@]}" 2>"$work/server.log" &
server=$!
url=""
for _ in $(seq 100); do
    url=$(sed -n 's/.* listen=\(http:[^ ]*\).*/\1/p' "$work/server.log")
    [ -n "$url" ] && break
    sleep 0.1
done
[ -n "$url" ] || { echo "bench-serve: the server did not start:" >&2; cat "$work/server.log" >&2; exit 2; }

# One request first: the answer must be a record, or the numbers mean nothing.
code=$(curl -s -o "$work/record.json" -w '%{http_code}' -H 'Content-Type: application/pdf' \
    --data-binary @"$pdf" "$url/v1/verify" || true)
if [ "$code" != 200 ]; then
    echo "bench-serve: POST /v1/verify answered $code" >&2
    exit 2
fi
echo "document: $pdf ($(wc -c <"$pdf") bytes), status $(sed -n 's/^{"record_version":1,"status":"\([a-z]*\)".*/\1/p' "$work/record.json")"

# wrk's Lua reads the body once; `done` prints the percentiles and the error counts.
cat >"$work/post.lua" <<LUA
local f = assert(io.open("$pdf", "rb"))
wrk.method = "POST"
wrk.body = f:read("*a")
f:close()
wrk.headers["Content-Type"] = "application/pdf"
if os.getenv("FRESH") == "1" then
  wrk.headers["Cache-Control"] = "no-cache"
end

done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format("requests: %d in %.1f s, %.1f/s\n", summary.requests,
    summary.duration / 1e6, summary.requests / (summary.duration / 1e6)))
  for _, p in ipairs({50, 90, 99}) do
    io.write(string.format("p%d: %.1f ms\n", p, latency:percentile(p) / 1000))
  end
  io.write(string.format("max: %.1f ms\n", latency.max / 1000))
  io.write(string.format("errors: non-2xx %d, connect %d, read %d, write %d, timeout %d\n",
    e.status, e.connect, e.read, e.write, e.timeout))
end
LUA

# The server's CPU time (user + system), in clock ticks: per request it is what an answer
# costs, which drifts less with the VM's day than latency does.
cpu_ticks() { awk '{print $14 + $15}' "/proc/$server/stat"; }
tick=$(getconf CLK_TCK)

# Two passes over the same document: as clients resend it (answered from the answer cache
# after the first run), and with `Cache-Control: no-cache` (the pipeline runs for every
# request: the cost of verifying).
for mode in cached fresh; do
    fresh=0
    [ "$mode" = fresh ] && fresh=1
    echo
    echo "== $mode: wrk $connections connections, $threads threads, $duration, $url/v1/verify"
    before=$(cpu_ticks)
    FRESH=$fresh wrk -t"$threads" -c"$connections" -d"$duration" --latency -s "$work/post.lua" \
        "$url/v1/verify" | sed -n '/^requests:/,$p' | tee "$work/wrk.out"
    after=$(cpu_ticks)
    requests=$(sed -n 's/^requests: \([0-9]*\) in.*/\1/p' "$work/wrk.out")
    if [ -n "$requests" ] && [ "$requests" -gt 0 ]; then
        awk -v t=$((after - before)) -v hz="$tick" -v n="$requests" \
            'BEGIN { printf "server CPU per request: %.3f ms\n", t * 1000 / hz / n }'
    fi
done
echo
curl -s "$url/metrics" | grep -E '^arkivar_(verify_answers_total|pipeline_duration_seconds_(sum|count))'
