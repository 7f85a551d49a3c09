#!/usr/bin/env python3
"""Lists the PDFs that pdftotext opens but `arkivar extract` refuses (exit 2), with arkivar's
reason, so every refusal can be checked to name a real defect of the file.

usage: scripts/refusals.py BIN DIR_OR_LIST [--jobs N] [--timeout S] [--mem BYTES]

pdftotext "opens" a file when it exits 0. Each arkivar run gets RLIMIT_AS --mem (default
1 GiB, a container's limit) and --timeout. Also reports runs that crash (exit other than
0/1/2, e.g. an abort on a failed allocation) or time out. The last line is the summary.
"""
import argparse
import os
import resource
import subprocess
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path


def run(cmd, timeout, mem=None):
    def limit():
        os.setsid()
        if mem:
            resource.setrlimit(resource.RLIMIT_AS, (mem, mem))
    try:
        p = subprocess.run(cmd, capture_output=True, timeout=timeout, preexec_fn=limit)
        return p.returncode, p.stderr.decode("utf-8", "replace")
    except subprocess.TimeoutExpired:
        return None, "timeout"


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("bin")
    ap.add_argument("src")
    ap.add_argument("--jobs", type=int, default=os.cpu_count() or 1)
    ap.add_argument("--timeout", type=float, default=60)
    ap.add_argument("--mem", type=int, default=1 << 30)
    a = ap.parse_args()
    src = Path(a.src)
    pdfs = sorted(src.rglob("*.pdf")) if src.is_dir() else [Path(l) for l in src.read_text().split("\n") if l.strip()]

    def one(pdf):
        peer, _ = run(["pdftotext", "-q", str(pdf), os.devnull], 60)
        rc, err = run([a.bin, "extract", str(pdf)], a.timeout, a.mem)
        last = err.strip().splitlines()[-1][:240] if err.strip() else ""
        return pdf, peer, rc, last

    with ThreadPoolExecutor(max_workers=a.jobs) as ex:
        results = list(ex.map(one, pdfs))
    opened = [r for r in results if r[1] == 0]
    refused = [r for r in opened if r[2] == 2]
    crashes = [r for r in results if r[2] is not None and r[2] not in (0, 1, 2)]
    hangs = [r for r in results if r[2] is None]
    for pdf, _, rc, err in refused:
        print(f"REFUSED {pdf}: {err}")
    for pdf, _, rc, err in crashes:
        print(f"CRASH rc={rc} {pdf}: {err}")
    for pdf, *_ in hangs:
        print(f"HANG {pdf}")
    print(f"refusals: {len(pdfs)} files; pdftotext opens {len(opened)}; arkivar refuses {len(refused)} "
          f"of those; crashes {len(crashes)}; hangs {len(hangs)}")


if __name__ == "__main__":
    main()
