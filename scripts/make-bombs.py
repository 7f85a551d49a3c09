#!/usr/bin/env python3
"""Writes Flate decompression bombs: small PDFs whose streams inflate to far more than any
pipeline limit, for checking that arkivar's peak memory stays bounded (scripts/bombs.sh).

usage: scripts/make-bombs.py OUTDIR

  content-1g.pdf     one page whose content stream inflates to 1 GiB of spaces
  content-many.pdf   one page with 12 content streams of 200 MiB each (under the per-stream
                     limit, over the per-document total)
  image-1g.pdf       a scanned-looking page: one 8-bit gray image stream of 1 GiB, no text
  objstm-1g.pdf      an object stream that inflates to 1 GiB, read while loading
  form-1g.pdf        a form XObject drawn 40 times whose stream inflates to 200 MiB
"""
import sys
import zlib
from pathlib import Path

MIB = 1 << 20


def deflate(total, fill=b" "):
    c = zlib.compressobj(9)
    chunk = fill * MIB
    parts = []
    left = total
    while left > 0:
        n = min(left, MIB)
        parts.append(c.compress(chunk[:n]))
        left -= n
    parts.append(c.flush())
    return b"".join(parts)


def pdf(objects, root=1):
    """objects: list of bytes bodies numbered from 1."""
    out = bytearray(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for i, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % i + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    for o in offsets:
        out += b"%010d 00000 n \n" % o
    out += b"trailer\n<< /Size %d /Root %d 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, root, xref)
    return bytes(out)


def stream(dict_body, data):
    return b"<< " + dict_body + b" /Length %d >>\nstream\n" % len(data) + data + b"\nendstream"


FONT = b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>"


def page_with(contents, extra_res=b""):
    return [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 4 0 R >> "
        + extra_res + b" >> /Contents " + contents + b" >>",
        FONT,
    ]


def main():
    out = Path(sys.argv[1])
    out.mkdir(parents=True, exist_ok=True)
    text = b"BT /F1 12 Tf 72 720 Td (Bomb) Tj ET\n"

    objs = page_with(b"[5 0 R 6 0 R]")
    objs += [stream(b"/Length1 0", text), stream(b"/Filter /FlateDecode", deflate(1 << 30))]
    (out / "content-1g.pdf").write_bytes(pdf(objs))

    many = deflate(200 * MIB)
    refs = b" ".join(b"%d 0 R" % n for n in range(6, 18))
    objs = page_with(b"[5 0 R " + refs + b"]")
    objs += [stream(b"", text)] + [stream(b"/Filter /FlateDecode", many) for _ in range(12)]
    (out / "content-many.pdf").write_bytes(pdf(objs))

    side = 32768  # 32768 x 32768 8-bit gray = 1 GiB
    img = stream(b"/Type /XObject /Subtype /Image /Width %d /Height %d /ColorSpace /DeviceGray "
                 b"/BitsPerComponent 8 /Filter /FlateDecode" % (side, side), deflate(1 << 30, b"\xff"))
    objs = page_with(b"5 0 R", b"/XObject << /Im0 6 0 R >>")
    objs += [stream(b"", b"q 595 0 0 842 0 0 cm /Im0 Do Q\n"), img]
    (out / "image-1g.pdf").write_bytes(pdf(objs))

    form = stream(b"/Type /XObject /Subtype /Form /BBox [0 0 595 842] /Filter /FlateDecode",
                  deflate(200 * MIB))
    objs = page_with(b"5 0 R", b"/XObject << /Fm0 6 0 R >>")
    objs += [stream(b"", b"/Fm0 Do " * 40 + b"\n" + text), form]
    (out / "form-1g.pdf").write_bytes(pdf(objs))

    # Object 5 lives in an object stream whose data is padded to 1 GiB of spaces.
    header = b"5 0 "
    body = header + b"<< /Bomb true >>" + b" " * ((1 << 30) - 20)
    c = zlib.compressobj(9)
    data = c.compress(body) + c.flush()
    objs = page_with(b"6 0 R")
    objs += [b"<< /Type /ObjStm /N 1 /First %d /Filter /FlateDecode /Length %d >>\nstream\n"
             % (len(header), len(data)) + data + b"\nendstream", stream(b"", text)]
    # object 5 as written is the object stream itself; the page never needs the object inside.
    (out / "objstm-1g.pdf").write_bytes(pdf(objs))


if __name__ == "__main__":
    main()
