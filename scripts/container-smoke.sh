#!/usr/bin/env bash
# Builds the container image (deploy/Dockerfile) on a machine that cannot pull from an image
# registry, and runs it:
#   a. `arkivar --version`;
#   b. a worker and `serve` from the image against the broker at 127.0.0.1:5672 (a vhost of
#      its own, deleted at the end): serve publishes one path job for
#      samples/01-minutes-verified.pdf, the worker reads it from a read-only mount and writes
#      its record to a mounted folder, which must say `verified`; both containers' HEALTHCHECK
#      must turn healthy;
#   c. `batch` over samples/: every sample gets the status the README's table gives it,
#      the scanned one read by the image's tesseract.
#
#   sudo scripts/container-smoke.sh
#
# The base images are made here, from Debian's packages, and kept for the next run:
# `arkivar-base:bookworm` (debootstrap minbase, the runtime's base) and
# `arkivar-builder:rust-X.Y.Z` (debootstrap with a C toolchain, plus the host's Rust toolchain,
# found with `rustc --print sysroot`, since Debian's rustc is older than Cargo.toml's
# rust-version and no toolchain can be downloaded). Debian packages come from the mirror apt
# uses on this machine (override with DEBIAN_MIRROR / DEBIAN_SECURITY_MIRROR); crates come from
# crates.io over the host's network. Without a running Docker daemon the script starts one
# (no bridge, no iptables) and stops it at the end; every build and container uses the host's
# network, so traffic stays on loopback.
#
# Needs root, docker, dockerd, debootstrap, rabbitmqctl, curl, python3 and a Rust toolchain.
# Exits 0 when every check passed, 1 naming the first that failed.
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
IMAGE=${IMAGE:-arkivar:smoke}
PROFILE=${PROFILE:-release}
BASE_IMAGE=arkivar-base:bookworm
AMQP_HOST=127.0.0.1:5672
VHOST="arkivar-container-smoke-$$"
SAMPLE=01-minutes-verified.pdf
JOB_ID="container-smoke-$$"

START=$SECONDS
say() { printf '[%4ds] %s\n' "$((SECONDS - START))" "$*"; }
fail() {
    printf 'FAILED: %s\n' "$*" >&2
    exit 1
}

[ "$(id -u)" = 0 ] || fail "run as root (debootstrap and dockerd need it)"
for tool in docker dockerd debootstrap rabbitmqctl curl python3 rustc; do
    command -v "$tool" >/dev/null || fail "$tool is not installed (apt-get install docker.io debootstrap)"
done

# --- what to clean up, whatever happens -------------------------------------------------
WORK=$(mktemp -d /tmp/arkivar-container-smoke.XXXXXX)
DOCKERD_PID=
CONTAINERS=()
VHOST_MADE=
cleanup() {
    local code=$?
    set +e
    if [ "$code" != 0 ]; then
        for c in "${CONTAINERS[@]}"; do
            echo "--- last log lines of $c" >&2
            docker logs --tail 30 "$c" >&2 2>&1
        done
    fi
    for c in "${CONTAINERS[@]}"; do docker rm -f "$c" >/dev/null 2>&1; done
    [ -n "$VHOST_MADE" ] && rabbitmqctl -q delete_vhost "$VHOST" >/dev/null 2>&1
    if [ -n "$DOCKERD_PID" ]; then
        kill "$DOCKERD_PID" 2>/dev/null
        # dockerd stops the containerd it started before it exits.
        for _ in $(seq 60); do kill -0 "$DOCKERD_PID" 2>/dev/null || break; sleep 0.5; done
    fi
    rm -rf "$WORK"
    exit "$code"
}
trap cleanup EXIT

# --- the Docker daemon ---------------------------------------------------------------------
if ! docker info >/dev/null 2>&1; then
    say "starting dockerd (no bridge, no iptables; log in $WORK/dockerd.log)"
    dockerd --bridge=none --iptables=false >"$WORK/dockerd.log" 2>&1 &
    DOCKERD_PID=$!
    for _ in $(seq 60); do docker info >/dev/null 2>&1 && break; sleep 0.5; done
    docker info >/dev/null 2>&1 || fail "dockerd did not start: $(tail -5 "$WORK/dockerd.log")"
fi
# The legacy builder: it needs no buildx plugin and honours --network host for RUN steps.
export DOCKER_BUILDKIT=0

# --- where Debian packages come from: the mirror (and proxy) apt uses here ------------------
apt_repo() {
    # $(RELEASE) and $(REPO_URI) are apt's own placeholders, not the shell's.
    # shellcheck disable=SC2016
    apt-get indextargets --format '$(RELEASE) $(REPO_URI)' 'Identifier: Packages' 2>/dev/null |
        awk -v suite="$1" '$1 == suite { sub("/$", "", $2); print $2; exit }'
}
DEBIAN_MIRROR=${DEBIAN_MIRROR:-$(apt_repo bookworm)}
DEBIAN_MIRROR=${DEBIAN_MIRROR:-http://deb.debian.org/debian}
DEBIAN_SECURITY_MIRROR=${DEBIAN_SECURITY_MIRROR:-$(apt_repo bookworm-security)}
DEBIAN_SECURITY_MIRROR=${DEBIAN_SECURITY_MIRROR:-http://deb.debian.org/debian-security}
APT_PROXY=
eval "$(apt-config shell APT_PROXY Acquire::http::Proxy)"
PROXY_ARGS=()
if [ -n "$APT_PROXY" ] && [ -z "${http_proxy:-}" ]; then
    export http_proxy=$APT_PROXY
fi
[ -n "${http_proxy:-}" ] && PROXY_ARGS=(--build-arg "http_proxy=$http_proxy")
say "Debian mirror $DEBIAN_MIRROR, security $DEBIAN_SECURITY_MIRROR${http_proxy:+, proxy $http_proxy}"

# --- base images, made once ---------------------------------------------------------------
# A root made by debootstrap, slimmed as Debian's -slim images are (no manuals, no
# translations, no package caches), imported as IMAGE.
import_root() {
    local image=$1 root=$2
    shift 2
    rm -rf "$root"/var/cache/apt/archives/*.deb "$root"/var/lib/apt/lists/* \
        "$root"/usr/share/doc/* "$root"/usr/share/man/* "$root"/usr/share/locale/* \
        "$root"/usr/share/info/*
    mkdir -p "$root/etc/dpkg/dpkg.cfg.d"
    printf '%s\n' 'path-exclude /usr/share/doc/*' 'path-include /usr/share/doc/*/copyright' \
        'path-exclude /usr/share/man/*' 'path-exclude /usr/share/locale/*' \
        'path-exclude /usr/share/info/*' >"$root/etc/dpkg/dpkg.cfg.d/slim"
    tar -C "$root" -c . | docker import "$@" - "$image" >/dev/null
    rm -rf "$root"
}

bootstrap() {
    local root=$1
    shift
    debootstrap --variant=minbase "$@" bookworm "$root" "$DEBIAN_MIRROR" >"$WORK/debootstrap.log" 2>&1 ||
        fail "debootstrap: $(tail -5 "$WORK/debootstrap.log")"
}

if docker image inspect "$BASE_IMAGE" >/dev/null 2>&1; then
    say "$BASE_IMAGE exists"
else
    say "making $BASE_IMAGE with debootstrap"
    bootstrap "$WORK/base"
    import_root "$BASE_IMAGE" "$WORK/base" --change 'CMD ["/bin/bash"]'
fi

SYSROOT=$(rustc --print sysroot)
RUST_VERSION=$(rustc --version | awk '{print $2}')
NEED=$(sed -n 's/^rust-version *= *"\(.*\)"/\1/p' "$ROOT/Cargo.toml")
[ "$(printf '%s\n%s\n' "$NEED" "$RUST_VERSION" | sort -V | head -1)" = "$NEED" ] ||
    fail "the host's rustc $RUST_VERSION is older than Cargo.toml's rust-version $NEED"
BUILDER_IMAGE="arkivar-builder:rust-$RUST_VERSION"
if docker image inspect "$BUILDER_IMAGE" >/dev/null 2>&1; then
    say "$BUILDER_IMAGE exists"
else
    say "making $BUILDER_IMAGE with debootstrap and the toolchain in $SYSROOT"
    bootstrap "$WORK/builder" --include=ca-certificates,gcc,libc6-dev,make,pkg-config
    # The toolchain's programs and libraries, laid out under /usr/local as rustup's installer
    # would; its documentation and the standard library's sources are not needed to build.
    tar -C "$SYSROOT" --exclude=lib/rustlib/src -c bin lib libexec |
        tar -C "$WORK/builder/usr/local" -x
    "$WORK/builder/usr/local/bin/rustc" --version >/dev/null ||
        fail "the copied toolchain does not run"
    # Cargo in the build reaches crates.io as the host does: through whatever TLS proxy the
    # host's own certificate authorities (/usr/local/share/ca-certificates) vouch for.
    if compgen -G '/usr/local/share/ca-certificates/*.crt' >/dev/null; then
        cp /usr/local/share/ca-certificates/*.crt "$WORK/builder/usr/local/share/ca-certificates/"
        chroot "$WORK/builder" update-ca-certificates >"$WORK/ca.log" 2>&1 ||
            fail "update-ca-certificates in the builder's root"
    fi
    import_root "$BUILDER_IMAGE" "$WORK/builder" --change 'CMD ["/bin/bash"]'
fi

# --- the image -------------------------------------------------------------------------------
say "docker build -f deploy/Dockerfile -t $IMAGE (profile $PROFILE)"
BUILD_START=$SECONDS
docker build --network host --force-rm -f "$ROOT/deploy/Dockerfile" -t "$IMAGE" \
    --build-arg "BUILDER_IMAGE=$BUILDER_IMAGE" --build-arg "RUNTIME_IMAGE=$BASE_IMAGE" \
    --build-arg "DEBIAN_MIRROR=$DEBIAN_MIRROR" \
    --build-arg "DEBIAN_SECURITY_MIRROR=$DEBIAN_SECURITY_MIRROR" \
    --build-arg "PROFILE=$PROFILE" "${PROXY_ARGS[@]}" "$ROOT" >"$WORK/build.log" 2>&1 ||
    fail "docker build (last lines of its log):
$(tail -30 "$WORK/build.log")"
SIZE=$(docker image inspect "$IMAGE" --format '{{.Size}}')
say "built $IMAGE in $((SECONDS - BUILD_START)) s: $((SIZE / 1000000)) MB"

# --- a. the binary runs ------------------------------------------------------------------------
VERSION=$(docker run --rm --network host --no-healthcheck "$IMAGE" --version) ||
    fail "arkivar --version in the image"
say "a. $VERSION"
case "$VERSION" in "arkivar "*) ;; *) fail "arkivar --version printed '$VERSION'" ;; esac

# --- b. worker and serve against the broker ----------------------------------------------------
free_port() {
    python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}
WORKER_PORT=$(free_port)
SERVE_PORT=$(free_port)
rabbitmqctl -q add_vhost "$VHOST" >/dev/null || fail "rabbitmqctl add_vhost $VHOST"
VHOST_MADE=1
rabbitmqctl -q set_permissions -p "$VHOST" guest '.*' '.*' '.*' >/dev/null
AMQP_URL="amqp://guest:guest@$AMQP_HOST/$VHOST"
RECORDS="$WORK/records"
mkdir -p "$RECORDS"
chown 10001:10001 "$RECORDS"
TOKEN=$(python3 -c 'import secrets; print(secrets.token_hex(16))')

# As the manifests run it: the image's user, a read-only root, no capabilities.
run_args=(--network host --read-only --tmpfs /tmp --cap-drop ALL
    --security-opt no-new-privileges --health-interval 2s
    -v "$ROOT/samples:/srv/inkorg:ro" -e "ARKIVAR_AMQP_URL=$AMQP_URL")
WORKER="arkivar-smoke-worker-$$"
SERVE="arkivar-smoke-serve-$$"
CONTAINERS+=("$WORKER")
docker run -d --name "$WORKER" "${run_args[@]}" \
    -v "$RECORDS:/var/lib/arkivar/records" \
    -e "ARKIVAR_HEALTHZ_URL=http://127.0.0.1:$WORKER_PORT/healthz" \
    "$IMAGE" --log-format json worker --document-root /srv/inkorg \
    --records-dir /var/lib/arkivar/records --metrics-addr "127.0.0.1:$WORKER_PORT" \
    --pipelines-dir /etc/arkivar/pipelines --trust /srv/inkorg/trust.pem \
    --concurrency 1 --prefetch 1 >/dev/null || fail "docker run (worker)"
CONTAINERS+=("$SERVE")
docker run -d --name "$SERVE" "${run_args[@]}" -e "ARKIVAR_TOKEN=$TOKEN" \
    -e "ARKIVAR_HEALTHZ_URL=http://127.0.0.1:$SERVE_PORT/healthz" \
    "$IMAGE" --log-format json serve --listen "127.0.0.1:$SERVE_PORT" \
    --document-root /srv/inkorg >/dev/null || fail "docker run (serve)"

# HEALTHCHECK runs the image's own command (every 2 s here instead of 15 s).
wait_healthy() {
    local c=$1 state=
    for _ in $(seq 60); do
        state=$(docker inspect --format '{{.State.Status}} {{.State.Health.Status}}' "$c")
        [ "$state" = "running healthy" ] && return 0
        [ "${state%% *}" = running ] || break
        sleep 1
    done
    fail "$c is not healthy: $state; $(docker inspect --format '{{json .State.Health}}' "$c")"
}
wait_healthy "$WORKER"
say "b. worker healthy (HEALTHCHECK on 127.0.0.1:$WORKER_PORT/healthz)"
wait_healthy "$SERVE"
say "b. serve healthy (HEALTHCHECK on 127.0.0.1:$SERVE_PORT/healthz)"
# Ready = connected and consuming, so the job queue exists when serve publishes.
for _ in $(seq 30); do
    curl -fsS -o /dev/null "http://127.0.0.1:$WORKER_PORT/readyz" && break
    sleep 1
done
curl -fsS -o /dev/null "http://127.0.0.1:$WORKER_PORT/readyz" || fail "the worker is not ready"

JOB=$(printf '{"version": 1, "job_id": "%s", "document": {"path": "%s"}, "metadata": {"from": "container-smoke"}}' \
    "$JOB_ID" "$SAMPLE")
ANSWER=$(curl -sS -w '\n%{http_code}' -H "Authorization: Bearer $TOKEN" \
    -H 'Content-Type: application/json' --data "$JOB" "http://127.0.0.1:$SERVE_PORT/v1/jobs") ||
    fail "POST /v1/jobs"
[ "${ANSWER##*$'\n'}" = 202 ] || fail "POST /v1/jobs answered ${ANSWER//$'\n'/ }"
say "b. serve enqueued job $JOB_ID: ${ANSWER%$'\n'*}"

SHA=$(sha256sum "$ROOT/samples/$SAMPLE" | cut -d' ' -f1)
RECORD="$RECORDS/$SHA.json"
for _ in $(seq 60); do
    [ -s "$RECORD" ] && break
    sleep 1
done
[ -s "$RECORD" ] || fail "no record $SHA.json from the worker within 60 s"
python3 - "$RECORD" "$JOB_ID" "$SHA" <<'EOF' || fail "the worker's record"
import json, sys
path, job_id, sha = sys.argv[1:]
record = json.load(open(path))
problems = []
if record.get("status") != "verified":
    problems.append(f"status {record.get('status')!r}, expected 'verified' "
                    f"(findings: {[f.get('code') for f in record.get('findings', [])]})")
if (record.get("job") or {}).get("job_id") != job_id:
    problems.append(f"job {record.get('job')!r}, expected job_id {job_id!r}")
if record.get("document", {}).get("sha256") != sha:
    problems.append(f"document.sha256 {record.get('document', {}).get('sha256')!r}")
for p in problems:
    print("record:", p, file=sys.stderr)
sys.exit(1 if problems else 0)
EOF
say "b. the worker's record: verified, job $JOB_ID, sha256 $SHA"
STATE=$(curl -fsS -H "Authorization: Bearer $TOKEN" "http://127.0.0.1:$SERVE_PORT/v1/jobs/$JOB_ID" |
    python3 -c 'import json, sys; j = json.load(sys.stdin); print(j.get("state"), j.get("status"))') ||
    fail "GET /v1/jobs/$JOB_ID"
[ "$STATE" = "done verified" ] || fail "GET /v1/jobs/$JOB_ID: $STATE, expected done verified"
say "b. serve heard the record back: GET /v1/jobs/$JOB_ID says $STATE"
for c in "$WORKER" "$SERVE"; do
    [ "$(docker inspect --format '{{.State.Health.Status}}' "$c")" = healthy ] ||
        fail "$c is no longer healthy"
done
docker stop --time 30 "$WORKER" "$SERVE" >/dev/null
for c in "$WORKER" "$SERVE"; do
    code=$(docker inspect --format '{{.State.ExitCode}}' "$c")
    [ "$code" = 0 ] || fail "$c exited $code after SIGTERM (0 expected: nothing in flight)"
done
say "b. worker and serve stopped on SIGTERM with exit 0"

# --- c. batch over the samples -------------------------------------------------------------------
OUT="$WORK/batch"
mkdir -p "$OUT"
chown 10001:10001 "$OUT"
set +e
docker run --rm --network host --no-healthcheck --read-only --tmpfs /tmp --cap-drop ALL \
    --security-opt no-new-privileges -v "$ROOT/samples:/srv/inkorg:ro" -v "$OUT:/out" \
    "$IMAGE" --log-format json batch /srv/inkorg --out /out --trust /srv/inkorg/trust.pem \
    >"$WORK/batch.log" 2>&1
code=$?
set -e
# 3: the worst sample (03) fails, as the README says.
[ "$code" = 3 ] || fail "batch exited $code, expected 3: $(tail -5 "$WORK/batch.log")"
python3 - "$OUT" <<'EOF' || fail "batch's records"
import json, pathlib, sys
expected = {
    "01-minutes-verified.pdf": "verified",
    "02-minutes-late-justering.pdf": "warnings",
    "03-minutes-changed-after-signing.pdf": "failed",
    "04-minutes-e-signed-with-audit-report.pdf": "verified",
    "05-minutes-scanned-pen-signed.pdf": "warnings",
    "06-plan-unsigned.pdf": "unsigned",
}
seen = {}
for path in pathlib.Path(sys.argv[1]).glob("*.json"):
    record = json.loads(path.read_text())
    if "status" in record and "source" in record:
        seen[pathlib.Path(record["source"]["path"]).name] = record
problems = [f"{name}: status {seen[name]['status'] if name in seen else 'no record'}, expected {status}"
            for name, status in expected.items()
            if name not in seen or seen[name]["status"] != status]
ocr = (seen.get("05-minutes-scanned-pen-signed.pdf") or {}).get("ocr")
if not ocr or not ocr.get("pages"):
    problems.append(f"05-minutes-scanned-pen-signed.pdf: no page read by OCR ({ocr!r})")
else:
    problems += [f"05-minutes-scanned-pen-signed.pdf: OCR of page {p['page']}: {p['error']}"
                 for p in ocr["pages"] if p.get("error")]
for p in problems:
    print("batch:", p, file=sys.stderr)
if not problems:
    print(f"         page 1 of the scan read by {ocr.get('engine')} {ocr.get('version')} {ocr.get('languages')}")
sys.exit(1 if problems else 0)
EOF
say "c. batch: every sample as the README says (exit 3 for the failed one)"

say "passed: $IMAGE, $((SIZE / 1000000)) MB"
