#!/usr/bin/env python3
"""The pyHanko side of scripts/bench-signatures.sh: one Python process validates every
signature of every PDF given, with its difference analysis, as a user of pyHanko's API would.

usage: pyhanko_peer.py PDF...    (prints one line per file: name, signatures, seconds)
Needs `pip install pyhanko` (not a dependency of arkivar; only this benchmark uses it).
"""
import sys
import time

from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.validation import validate_pdf_signature, validate_pdf_timestamp
from pyhanko_certvalidator import ValidationContext


def main():
    vc = ValidationContext(trust_roots=[], allow_fetching=False)
    total = 0
    for path in sys.argv[1:]:
        t0 = time.monotonic()
        n = 0
        try:
            with open(path, "rb") as f:
                reader = PdfFileReader(f, strict=False)
                for sig in reader.embedded_signatures:
                    n += 1
                    try:
                        if sig.sig_object_type == "/DocTimeStamp":
                            validate_pdf_timestamp(sig, validation_context=vc)
                        else:
                            validate_pdf_signature(sig, signer_validation_context=vc)
                    except Exception:  # broken signatures are part of the corpus
                        pass
        except Exception:
            pass
        total += n
        print(f"{path}\t{n}\t{time.monotonic() - t0:.4f}")
    print(f"# {len(sys.argv) - 1} files, {total} signatures", file=sys.stderr)


if __name__ == "__main__":
    main()
