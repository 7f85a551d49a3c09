#!/usr/bin/env python3
"""The revocation status of each certificate of each signer's path, as pyhanko-certvalidator
decides it from the file alone: the peer side of arkivar's
`signatures[].revocation.certificates[]` (src/signature/revocation/; docs/verdict.md,
"Revocation").

For each document signature (not document timestamps) of each PDF given:

- the data: the file's certificates, CRLs and OCSP responses (the DSS, SignedData.certificates
  and .crls, adbe-revocationInfoArchival, and those of the signature timestamp's token), read
  as `pyhanko_level.py` reads them; nothing is fetched;
- the time: the signature timestamp's genTime when the signature has one, else the signing
  time pyHanko reports (signingTime, else /M), which is the claimed time arkivar judges at when
  no trusted timestamp proves an earlier one; revocation data issued after that time is
  accepted (`retroactive_revinfo`), as arkivar accepts it;
- the path: pyhanko-certvalidator's path builder from the signer's certificate to one of the
  file's self-signed certificates taken as roots (the first path it finds); when it finds none,
  every certificate of the file but the signer's is a root and the longest path is taken;
- the answer, per certificate of that path but its root: pyhanko-certvalidator's own checks,
  `validate_ocsp.verify_ocsp_response` and `validate_crl.verify_crl`, each asked whatever the
  certificate's AIA and CRL distribution points say (arkivar reads every embedded answer too).
  Either raising RevokedError: "revoked"; else either returning: "good"; else (no match, a
  refused or stale answer, an error): "undecided", which covers arkivar's unknown and no_data.

usage (from the project's root; 18 s over the corpus on this machine):
  /tmp/phvenv/bin/python scripts/pyhanko_revocation.py ../shared/corpus/real-signed/*.pdf \
      > tests/peers/pyhanko-revocation.jsonl
One JSON object per file, signature and certificate: file, field, byte_range, subject, serial
(lower-case hex of the integer), status, and detail (pyHanko's reason when undecided, cut
to DETAIL_CHARS: one of its errors quotes a whole CRL).
Needs `pip install pyHanko pyhanko-certvalidator` (not a dependency of arkivar).
"""
import asyncio
import json
import logging
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from pyhanko.pdf_utils.reader import PdfFileReader  # noqa: E402
from pyhanko_certvalidator import ValidationContext  # noqa: E402
from pyhanko_certvalidator import errors as cv_errors  # noqa: E402
from pyhanko_certvalidator._state import ValProcState  # noqa: E402
from pyhanko_certvalidator.revinfo.validate_crl import verify_crl  # noqa: E402
from pyhanko_certvalidator.revinfo.validate_ocsp import verify_ocsp_response  # noqa: E402
from pyhanko_certvalidator.util import ConsList  # noqa: E402

from pyhanko_level import dss_contents, material, self_signed  # noqa: E402


# pyHanko's reason is kept to this many characters: one error message quotes a whole CRL.
DETAIL_CHARS = 300


def short(detail):
    """detail cut to DETAIL_CHARS, with an ellipsis where it was cut."""
    if detail is None or len(detail) <= DETAIL_CHARS:
        return detail
    return detail[:DETAIL_CHARS] + "…"


def signature_time(sig):
    """The signature timestamp's genTime, else signingTime, else /M."""
    unsigned = sig.signer_info["unsigned_attrs"]
    for a in unsigned if unsigned and unsigned.native is not None else []:
        if a["type"].native != "signature_time_stamp_token":
            continue
        for token in a["values"]:
            try:
                tst_info = token["content"]["encap_content_info"]["content"].parsed
                return tst_info["gen_time"].native, "signature timestamp"
            except Exception:
                pass
    try:
        claimed = sig.self_reported_timestamp
    except Exception:
        claimed = None
    return claimed, "claimed signing time" if claimed else None


def context(roots, certs, crls, ocsps, moment):
    return ValidationContext(
        trust_roots=roots,
        other_certs=certs,
        crls=crls,
        ocsps=ocsps,
        allow_fetching=False,
        revocation_mode="hard-fail",
        moment=moment,
        retroactive_revinfo=True,
        weak_hash_algos=set(),
    )


def signer_path(signer, certs, crls, ocsps, moment):
    """pyHanko's path to a self-signed certificate of the file, else to any of its certificates."""
    vc = context([c for c in certs if self_signed(c)], certs, crls, ocsps, moment)
    try:
        paths = vc.path_builder.build_paths(signer)
    except Exception:
        paths = []
    if paths:
        return paths[0], vc
    others = [c for c in certs if c.sha256 != signer.sha256]
    vc = context(others, certs, crls, ocsps, moment)
    try:
        paths = vc.path_builder.build_paths(signer)
    except Exception:
        paths = []
    if not paths:
        return None, vc
    return max(paths, key=lambda p: p.pkix_len), vc


def status_of(cert, index, path, vc):
    """good / revoked / undecided, and why when undecided."""
    good, why = False, []
    for check in (verify_ocsp_response, verify_crl):
        state = ValProcState(cert_path_stack=ConsList.sing(path), init_index=index)
        try:
            asyncio.run(check(cert, path, vc, proc_state=state))
            good = True
        except cv_errors.RevokedError as e:
            return "revoked", str(e)
        except Exception as e:
            why.append(f"{check.__name__}: {type(e).__name__}: {e}")
    if good:
        return "good", None
    return "undecided", "; ".join(why)


def subject_of(cert):
    cn = cert.subject.native.get("common_name")
    if isinstance(cn, list):
        cn = cn[0] if cn else None
    return cn or cert.subject.human_friendly


def main():
    logging.disable(logging.CRITICAL)
    for path in sys.argv[1:]:
        name = os.path.basename(path)
        try:
            with open(path, "rb") as f:
                reader = PdfFileReader(f, strict=False)
                sigs = list(reader.embedded_signatures)
                try:
                    dss = dss_contents(reader)
                except Exception:
                    dss = None
                for sig in sigs:
                    if sig.sig_object_type == "/DocTimeStamp":
                        continue
                    head = {
                        "file": name,
                        "field": sig.field_name,
                        "byte_range": list(sig.sig_object["/ByteRange"]),
                    }
                    try:
                        signer = sig.signer_cert
                        moment, source = signature_time(sig)
                        certs, crls, ocsps = material(sig, dss)
                        if all(c.sha256 != signer.sha256 for c in certs):
                            certs.append(signer)
                        chain, vc = signer_path(signer, certs, crls, ocsps, moment)
                    except Exception as e:  # broken signatures are part of the corpus
                        print(json.dumps({**head, "error": f"{type(e).__name__}: {e}"}), flush=True)
                        continue
                    if chain is None:
                        print(json.dumps({**head, "error": "no path from the signer"}), flush=True)
                        continue
                    on_path = list(chain.iter_certs(include_root=False))
                    for index, cert in reversed(list(enumerate(on_path, start=1))):
                        if self_signed(cert):
                            continue
                        status, detail = status_of(cert, index, chain, vc)
                        entry = {
                            **head,
                            "time": moment.isoformat() if moment else None,
                            "time_source": source,
                            "subject": subject_of(cert),
                            "serial": format(cert.serial_number, "x"),
                            "status": status,
                            "detail": short(detail),
                        }
                        print(json.dumps(entry, ensure_ascii=False), flush=True)
        except Exception as e:
            print(json.dumps({"file": name, "error": f"{type(e).__name__}: {e}"}), flush=True)


if __name__ == "__main__":
    main()
