#!/usr/bin/env python3
"""Generates cid_unicode_data.rs: CID → Unicode for the Adobe character collections that CJK
fonts name in /CIDSystemInfo (Japan1, GB1, CNS1, Korea1, KR), from Adobe's own CID → UCS-2
CMaps (mapping-resources-pdf, pdf2unicode/Adobe-<Ordering>-UCS2; Copyright 1990-2023 Adobe,
BSD-3-Clause, whose notice the generated file repeats). pdf.js reads the same files; poppler
reads poppler-data's cidToUnicode tables made from the same Adobe data. Run:

    git clone https://github.com/adobe-type-tools/mapping-resources-pdf /tmp/mr
    python3 src/pdf/text/font/gen_cid_unicode.py /tmp/mr > src/pdf/text/font/cid_unicode_data.rs

What a CID becomes:
- the CMap's UTF-16 text with variation selectors (U+FE00-FE0F, U+E0100-E01EF) dropped:
  they name a glyph variant, and pdf.js and poppler give the base character only;
- nothing (an unmapped CID) for .notdef's U+FFFD, control characters and private-use code
  points: text that means nothing outside the font is worse than none;
- several characters (Japan1's "sec", "有限会社", KR's old Hangul jamo) stay several.

Layout per collection, so that the Rust source stays near 400 KB and a lookup allocates
nothing: CHARS holds one character per CID from 0 (U+0000 = unmapped, U+0001 = see
SEQUENCES); INDEX the byte offset in CHARS of every STRIDE-th CID; SEQUENCES (CID, text)
sorted by CID for the multi-character ones.
"""
import os
import re
import subprocess
import sys

STRIDE = 32
# (Rust name, file, what /CIDSystemInfo /Ordering says)
COLLECTIONS = [
    ("JAPAN1", "Adobe-Japan1-UCS2"),
    ("GB1", "Adobe-GB1-UCS2"),
    ("CNS1", "Adobe-CNS1-UCS2"),
    ("KOREA1", "Adobe-Korea1-UCS2"),
    ("KR", "Adobe-KR-UCS2"),
]
UNMAPPED = "\x00"
SEQUENCE = "\x01"
LICENSE = """\
Copyright 1990-2023 Adobe. All rights reserved.

Redistribution and use in source and binary forms, with or without modification, are
permitted provided that the following conditions are met:

Redistributions of source code must retain the above copyright notice, this list of
conditions and the following disclaimer.

Redistributions in binary form must reproduce the above copyright notice, this list of
conditions and the following disclaimer in the documentation and/or other materials provided
with the distribution.

Neither the name of Adobe nor the names of its contributors may be used to endorse or promote
products derived from this software without specific prior written permission.

THIS SOFTWARE IS PROVIDED BY THE COPYRIGHT HOLDERS AND CONTRIBUTORS "AS IS" AND ANY EXPRESS
OR IMPLIED WARRANTIES, INCLUDING, BUT NOT LIMITED TO, THE IMPLIED WARRANTIES OF
MERCHANTABILITY AND FITNESS FOR A PARTICULAR PURPOSE ARE DISCLAIMED. IN NO EVENT SHALL THE
COPYRIGHT HOLDER OR CONTRIBUTORS BE LIABLE FOR ANY DIRECT, INDIRECT, INCIDENTAL, SPECIAL,
EXEMPLARY, OR CONSEQUENTIAL DAMAGES (INCLUDING, BUT NOT LIMITED TO, PROCUREMENT OF SUBSTITUTE
GOODS OR SERVICES; LOSS OF USE, DATA, OR PROFITS; OR BUSINESS INTERRUPTION) HOWEVER CAUSED
AND ON ANY THEORY OF LIABILITY, WHETHER IN CONTRACT, STRICT LIABILITY, OR TORT (INCLUDING
NEGLIGENCE OR OTHERWISE) ARISING IN ANY WAY OUT OF THE USE OF THIS SOFTWARE, EVEN IF ADVISED
OF THE POSSIBILITY OF SUCH DAMAGE."""


def is_variation_selector(c):
    o = ord(c)
    return 0xFE00 <= o <= 0xFE0F or 0xE0100 <= o <= 0xE01EF


def is_meaningless(c):
    o = ord(c)
    return (
        o < 0x20
        or 0x7F <= o < 0xA0
        or o == 0xFFFD
        or 0xE000 <= o <= 0xF8FF
        or 0xF0000 <= o
    )


def parse(text):
    """The bfchar/bfrange entries of a CID → UTF-16 CMap, as {cid: str}, and its title."""
    title = re.search(r"%%Title: \((.*)\)", text).group(1)
    version = re.search(r"/CMapVersion ([0-9.]+) def", text).group(1)
    out = {}
    mode = None
    for line in text.splitlines():
        line = line.strip()
        if line.startswith("%"):
            continue
        if line.endswith("beginbfchar"):
            mode = "char"
            continue
        if line.endswith("beginbfrange"):
            mode = "range"
            continue
        if line.startswith("end"):
            mode = None
            continue
        if mode is None or not line.startswith("<"):
            continue
        if "[" in line:
            raise SystemExit("array bfrange not handled: %r" % line)
        hexes = re.findall(r"<([0-9a-fA-F]+)>", line)
        if mode == "char":
            cid, dst = int(hexes[0], 16), hexes[1]
            out[cid] = bytes.fromhex(dst).decode("utf-16-be")
        else:
            lo, hi, dst = int(hexes[0], 16), int(hexes[1], 16), hexes[2]
            first = bytes.fromhex(dst).decode("utf-16-be")
            if len(first) != 1:
                raise SystemExit("multi-character bfrange not handled: %r" % line)
            for i in range(hi - lo + 1):
                out[lo + i] = chr(ord(first) + i)
    return title, version, out


def clean(text):
    text = "".join(c for c in text if not is_variation_selector(c))
    if not text or any(is_meaningless(c) for c in text):
        return ""
    return text


def escape(c):
    """A character as it may stand in a Rust string literal split with `\\` line ends: those
    eat leading white space, so spaces and other invisibles are escaped."""
    import unicodedata

    if c in '"\\' or c.isspace() or unicodedata.category(c)[0] in "CZM":
        return "\\u{%x}" % ord(c)
    return c


def rust_str(s):
    return "".join(escape(c) for c in s)


def main():
    repo = sys.argv[1]
    git_dir = repo if os.path.isdir(os.path.join(repo, "objects")) else os.path.join(repo, ".git")
    commit = subprocess.check_output(["git", "--git-dir", git_dir, "rev-parse", "HEAD"], text=True).strip()
    out = []
    w = out.append
    w("//! Generated by `gen_cid_unicode.py` from Adobe's CID → Unicode CMaps")
    w("//! (github.com/adobe-type-tools/mapping-resources-pdf, pdf2unicode/, commit")
    w(f"//! {commit[:12]}); do not edit by hand. The source files' licence (BSD-3-Clause):")
    w("//!")
    for line in LICENSE.splitlines():
        w(("//! " + line).rstrip())
    w("//!")
    w("//! Per collection: `*_CHARS` one character per CID from 0 (U+0000 unmapped, U+0001 in")
    w("//! `*_SEQUENCES`), `*_INDEX` the byte offsets in it of CIDs 0, STRIDE, 2 × STRIDE, …,")
    w("//! `*_SEQUENCES` the CIDs whose text is several characters, sorted.")
    w("")
    w("/// CIDs between two entries of an `*_INDEX` table.")
    w(f"pub(super) const STRIDE: usize = {STRIDE};")
    w("")
    for rust, name in COLLECTIONS:
        text = subprocess.check_output(
            ["git", "--git-dir", git_dir, "cat-file", "-p", f"HEAD:pdf2unicode/{name}"]
        ).decode("latin-1")
        # The files are ASCII apart from the copyright sign, if any.
        title, version, mapping = parse(text)
        count = max(mapping) + 1
        chars = []
        sequences = []
        for cid in range(count):
            t = clean(mapping.get(cid, ""))
            if not t:
                chars.append(UNMAPPED)
            elif len(t) == 1:
                chars.append(t)
            else:
                chars.append(SEQUENCE)
                sequences.append((cid, t))
        index = []
        offset = 0
        for cid, c in enumerate(chars):
            if cid % STRIDE == 0:
                index.append(offset)
            offset += len(c.encode("utf-8"))
        mapped = sum(1 for c in chars if c != UNMAPPED)
        w(f"/// {name} version {version} ({title}): {count} CIDs, {mapped} with text.")
        w(f"pub(super) static {rust}_CHARS: &str = \"\\")
        for i in range(0, count, 64):
            w("    " + rust_str("".join(chars[i : i + 64])) + "\\")
        w('";')
        w("")
        w(f"/// Byte offsets in `{rust}_CHARS` of CIDs 0, {STRIDE}, {2 * STRIDE}, …")
        w(f"pub(super) static {rust}_INDEX: &[u32] = &[")
        for i in range(0, len(index), 12):
            w("    " + " ".join(f"{v}," for v in index[i : i + 12]))
        w("];")
        w("")
        w(f"/// The CIDs of {name} whose text is several characters.")
        w(f"pub(super) static {rust}_SEQUENCES: &[(u16, &str)] = &[")
        for i in range(0, len(sequences), 6):
            w("    " + " ".join(f'({cid}, "{rust_str(t)}"),' for cid, t in sequences[i : i + 6]))
        w("];")
        w("")
    sys.stdout.write("\n".join(out))


if __name__ == "__main__":
    main()
