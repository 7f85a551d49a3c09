#!/usr/bin/env python3
"""A small archive for trying arkivar out with Compose: it stores what the worker sends.

POST any path: the body is written to ARCHIVE_DIR as one file per `Idempotency-Key` (records as
`.json`, archive packages as `.zip`, multipart as `.multipart`), and the answer is 201 with the
stored name as `id`. A key it already holds gets 409, which the worker takes as "archived"; that
is how a redelivered job stays one record. GET /healthz answers 200. Python's standard library
only, so it runs in any python3 image. Not an archive to keep anything in: it has no auth
beyond an optional bearer token (ARCHIVE_TOKEN) and writes plain files.
"""
import hashlib
import http.server
import json
import os
import sys

ARCHIVE_DIR = os.environ.get("ARCHIVE_DIR", "/archive")
TOKEN = os.environ.get("ARCHIVE_TOKEN", "")
MAX_BODY = int(os.environ.get("ARCHIVE_MAX_BODY", str(256 * 1024 * 1024)))
SUFFIX = {"application/json": ".json", "application/zip": ".zip"}


class Archive(http.server.BaseHTTPRequestHandler):
    def answer(self, status, body):
        data = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def do_GET(self):
        if self.path == "/healthz":
            self.answer(200, {"status": "ok"})
        else:
            self.answer(404, {"title": "not found"})

    def do_POST(self):
        if TOKEN and self.headers.get("Authorization") != f"Bearer {TOKEN}":
            return self.answer(401, {"title": "unauthorized"})
        key = self.headers.get("Idempotency-Key")
        if not key:
            return self.answer(400, {"title": "Idempotency-Key is required"})
        try:
            length = int(self.headers.get("Content-Length", ""))
        except ValueError:
            return self.answer(411, {"title": "Content-Length is required"})
        if length > MAX_BODY:
            return self.answer(413, {"title": "too large"})
        body = self.rfile.read(length)
        kind = self.headers.get("Content-Type", "").split(";")[0].strip()
        suffix = SUFFIX.get(kind, ".multipart" if kind.startswith("multipart/") else ".bin")
        # The key is the worker's (record id, or id plus `:sip`): hashed, it is a safe file name.
        name = hashlib.sha256(key.encode()).hexdigest()[:32] + suffix
        path = os.path.join(ARCHIVE_DIR, name)
        try:
            # O_EXCL makes "first one wins" hold across concurrent requests.
            fd = os.open(path + ".key", os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o644)
        except FileExistsError:
            return self.answer(409, {"title": "already archived", "id": name})
        with os.fdopen(fd, "w") as f:
            f.write(key)
        with open(path + ".tmp", "wb") as f:
            f.write(body)
            f.flush()
            os.fsync(f.fileno())
        os.replace(path + ".tmp", path)
        self.answer(201, {"id": name})

    def log_message(self, fmt, *args):
        sys.stderr.write("archive: " + (fmt % args) + "\n")


def main():
    os.makedirs(ARCHIVE_DIR, exist_ok=True)
    port = int(os.environ.get("ARCHIVE_PORT", "8090"))
    host = os.environ.get("ARCHIVE_HOST", "0.0.0.0")
    server = http.server.ThreadingHTTPServer((host, port), Archive)
    print(f"archive: storing in {ARCHIVE_DIR}, listening on {host}:{port}", flush=True)
    server.serve_forever()


if __name__ == "__main__":
    main()
