#!/usr/bin/env bash
# OCR benchmark: a 20-page scan (the corpus scans' pages repeated) read by arkivar and by the
# tesseract CLI over the same page images, in one run. Both use every core: arkivar runs
# pages in parallel itself; the CLI runs one tesseract per core with xargs -P (and, like
# arkivar, OMP_THREAD_LIMIT=1, the faster setting for several pages at once).
# Goal (issue 6): arkivar <= 1.2 x the CLI time.
set -euo pipefail
cd "$(dirname "$0")/.."
corpus=${CORPUS:-../shared/corpus/protocols}
target=${CARGO_TARGET_DIR:-target}
cargo build --profile dist -q
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cores=$(nproc)

# 20 page images: the 16 pages of the two scans, then the first 4 again.
i=0
for round in 1 2; do
    for case in 000-scanned 004-scanned; do
        pdfimages -j "$corpus/$case/document.pdf" "$work/$case-$round"
    done
done
ls "$work"/*.jpg | head -20 > "$work/pages.txt"
# The same 20 images as one PDF, one image per A4 page (DCT, no re-encoding).
python3 - "$work/pages.txt" "$work/scan20.pdf" <<'PY'
import sys
paths = [l.strip() for l in open(sys.argv[1])]
objs = []
def add(b):
    objs.append(b); return len(objs)
pages_id = add(None)
kids = []
for p in paths:
    data = open(p, 'rb').read()
    # Width and height from the JPEG's SOF marker.
    i = 2
    while True:
        seg = data[i + 1]
        length = int.from_bytes(data[i + 2:i + 4], 'big')
        if seg in (0xC0, 0xC1, 0xC2):
            h = int.from_bytes(data[i + 5:i + 7], 'big'); w = int.from_bytes(data[i + 7:i + 9], 'big'); break
        i += 2 + length
    img = add(b'<< /Type /XObject /Subtype /Image /Width %d /Height %d /BitsPerComponent 8 /ColorSpace /DeviceGray /Filter /DCTDecode /Length %d >>\nstream\n' % (w, h, len(data)) + data + b'\nendstream')
    content = b'q 595 0 0 842 0 0 cm /Im0 Do Q'
    c = add(b'<< /Length %d >>\nstream\n' % len(content) + content + b'\nendstream')
    kids.append(add(b'<< /Type /Page /Parent %d 0 R /MediaBox [0 0 595 842] /Contents %d 0 R /Resources << /XObject << /Im0 %d 0 R >> >> >>' % (pages_id, c, img)))
objs[pages_id - 1] = b'<< /Type /Pages /Count %d /Kids [%s] >>' % (len(kids), b' '.join(b'%d 0 R' % k for k in kids))
root = add(b'<< /Type /Catalog /Pages %d 0 R >>' % pages_id)
out = bytearray(b'%PDF-1.7\n')
offsets = []
for n, o in enumerate(objs, 1):
    offsets.append(len(out)); out += b'%d 0 obj\n' % n + o + b'\nendobj\n'
xref = len(out)
out += b'xref\n0 %d\n0000000000 65535 f \n' % (len(objs) + 1)
for off in offsets:
    out += b'%010d 00000 n \n' % off
out += b'trailer\n<< /Size %d /Root %d 0 R >>\nstartxref\n%d\n%%%%EOF\n' % (len(objs) + 1, root, xref)
open(sys.argv[2], 'wb').write(out)
PY

now() { date +%s.%N; }
t0=$(now)
OMP_THREAD_LIMIT=1 xargs -P "$cores" -I{} sh -c 'tesseract "$1" stdout -l swe+eng --psm 6 tsv >/dev/null 2>&1' _ {} < "$work/pages.txt"
t1=$(now)
"$target/dist/arkivar" verify "$work/scan20.pdf" --format json > "$work/record.json" || true
t2=$(now)
pages=$(python3 -c "import json,sys; r=json.load(open(sys.argv[1])); print(sum(1 for p in r['pages'] if p['source']=='ocr'))" "$work/record.json")
python3 - "$t0" "$t1" "$t2" "$pages" "$cores" <<'PY'
import sys
t0, t1, t2 = map(float, sys.argv[1:4])
cli, ark = t1 - t0, t2 - t1
print(f"20 pages, {sys.argv[5]} cores: tesseract CLI {cli:.1f} s, arkivar {ark:.1f} s ({sys.argv[4]} pages OCRed), ratio {ark / cli:.2f} (goal <= 1.2)")
PY
