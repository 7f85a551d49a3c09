#!/usr/bin/env python3
"""The PAdES baseline level (ETSI EN 319 142-1: B-B, B-T, B-LT, B-LTA) of every signature of
the PDFs given, as pyHanko reads them from the file alone: the peer side of arkivar's
`signatures[].level` (src/signature/level.rs; docs/verdict.md, "PAdES baseline levels").

pyHanko 0.38 reports no baseline level itself (its AdES validation answers "passed" or
"indeterminate", not a level), so this script asks pyHanko and pyhanko-certvalidator for
each fact the level rests on and applies EN 319 142-1's rules to their answers:

- B-B: SubFilter /ETSI.CAdES.detached; pyHanko finds the signature intact and valid; the
  signed attributes (asn1crypto's parse) have content-type, message-digest and an ESS
  signing-certificate(-v2), and no signing-time.
- B-T: pyHanko finds the signature timestamp intact and valid, or a document timestamp in a
  later revision (pyHanko's signed_revision) intact and valid.
- B-LT: the catalog has a DSS, and pyhanko-certvalidator, given only the file's certificates,
  CRLs and OCSP responses (DSS, CMS, adbe-revocationInfoArchival), no fetching, the file's
  self-signed certificates as trust roots and revocation_mode "require", validates the
  signer's certificate and the B-T timestamp's TSA certificate at the timestamp's time
  (revocation data issued after that time accepted, as EN 319 102-1 long-term validation
  does). A revoked certificate is data that settles its status: it counts. When the path
  fails for another reason (an expired certificate, a weak algorithm) pyHanko cannot say
  whether the data is there, and the level is reported as "undecided" beyond B-T.
- B-LTA: a document timestamp, intact and valid, in a revision at or after the first
  revision after the signature that wrote the DSS or any of its streams.

usage: pyhanko_level.py PDF... > levels.jsonl   (one JSON object per signature)
Needs `pip install pyHanko pyhanko-certvalidator` (not a dependency of arkivar).
"""
import asyncio
import json
import logging
import os
import sys

from asn1crypto import cms
from asn1crypto import crl as asn1_crl
from asn1crypto import ocsp as asn1_ocsp
from asn1crypto import x509
from pyhanko.pdf_utils import generic
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.validation import validate_pdf_signature, validate_pdf_timestamp
from pyhanko_certvalidator import CertificateValidator, ValidationContext
from pyhanko_certvalidator import errors as cv_errors

CADES = "/ETSI.CAdES.detached"


def holds(status):
    return status is not None and bool(status.intact) and bool(status.valid)


def attr_names(signer_info):
    attrs = signer_info["signed_attrs"]
    if not attrs or attrs.native is None:
        return set()
    return {a["type"].native for a in attrs}


def dss_contents(reader):
    """(certs, crls, ocsps, refs) of the DSS, or None when the catalog has none."""
    root = reader.root
    if "/DSS" not in root:
        return None
    refs = set()
    raw = root.raw_get("/DSS")
    if isinstance(raw, generic.IndirectObject):
        refs.add(raw.reference)
    dss = root["/DSS"]
    certs, crls, ocsps = [], [], []
    for key, sink, load in (
        ("/Certs", certs, x509.Certificate.load),
        ("/CRLs", crls, asn1_crl.CertificateList.load),
        ("/OCSPs", ocsps, asn1_ocsp.OCSPResponse.load),
    ):
        if key not in dss:
            continue
        raw_arr = dss.raw_get(key)
        if isinstance(raw_arr, generic.IndirectObject):
            refs.add(raw_arr.reference)
        for i in range(len(dss[key])):
            r = dss[key].raw_get(i)
            if isinstance(r, generic.IndirectObject):
                refs.add(r.reference)
            try:
                obj = dss[key][i]
                sink.append(load(obj.data))
            except Exception:
                pass
    if "/VRI" in dss:
        r = dss.raw_get("/VRI")
        if isinstance(r, generic.IndirectObject):
            refs.add(r.reference)
    return certs, crls, ocsps, refs


def cms_material(signed_data, signer_info):
    """Certificates, CRLs and OCSP responses a CMS value carries."""
    certs, crls, ocsps = [], [], []
    for c in signed_data["certificates"] or []:
        if c.name == "certificate":
            certs.append(c.chosen)
    for choice in signed_data["crls"] or []:
        if choice.name == "crl":
            crls.append(choice.chosen)
        elif choice.name == "other":
            try:
                fmt = choice.chosen["other_rev_info_format"].dotted
                if fmt == "1.3.6.1.5.5.7.16.2":
                    ocsps.append(choice.chosen["other_rev_info"].parsed)
            except Exception:
                pass
    attrs = signer_info["signed_attrs"]
    for a in attrs if attrs and attrs.native is not None else []:
        if a["type"].native == "adobe_revocation_info_archival":
            for v in a["values"]:
                for c in v["crl"] or []:
                    crls.append(c)
                for o in v["ocsp"] or []:
                    ocsps.append(o)
    return certs, crls, ocsps


def material(sig, dss):
    """The certificates, CRLs and OCSP responses a signature carries: its CMS, its signature
    timestamps' CMS, and the DSS (`dss_contents`), when there is one."""
    certs, crls, ocsps = cms_material(sig.signed_data, sig.signer_info)
    unsigned = sig.signer_info["unsigned_attrs"]
    for a in unsigned if unsigned and unsigned.native is not None else []:
        if a["type"].native != "signature_time_stamp_token":
            continue
        for token in a["values"]:
            tst = token["content"]
            more = cms_material(tst, tst["signer_infos"][0])
            certs += more[0]
            crls += more[1]
            ocsps += more[2]
    if dss is not None:
        certs += dss[0]
        crls += dss[1]
        ocsps += dss[2]
    return certs, crls, ocsps


def self_signed(cert):
    return cert.self_signed in ("maybe", "yes")


def path_settled(cert, moment, certs, crls, ocsps):
    """True: every certificate's status is settled; False: data missing; None: cannot tell."""
    roots = [c for c in certs if self_signed(c)]
    if self_signed(cert):
        return True
    vc = ValidationContext(
        trust_roots=roots,
        other_certs=certs,
        crls=crls,
        ocsps=ocsps,
        allow_fetching=False,
        revocation_mode="require",
        moment=moment,
        retroactive_revinfo=True,
        weak_hash_algos=set(),
    )
    validator = CertificateValidator(
        cert, intermediate_certs=certs, validation_context=vc
    )
    try:
        asyncio.run(validator.async_validate_usage(set()))
        return True
    except cv_errors.RevokedError:
        return True
    except (cv_errors.InsufficientRevinfoError, cv_errors.PathBuildingError):
        return False
    except Exception:
        return None


def first_dss_revision_after(reader, revision, dss_refs):
    total = reader.xrefs.total_revisions
    for r in range(revision + 1, total):
        try:
            written = reader.xrefs.explicit_refs_in_revision(r)
        except Exception:
            continue
        if written & dss_refs:
            return r
    return None


def level_of(reader, sig, stamps, dss, vc):
    """The level and what the next one lacks, as arkivar's codes."""
    missing = []
    sub_filter = sig.sig_object.get("/SubFilter")
    status = None
    try:
        status = validate_pdf_signature(sig, signer_validation_context=vc, skip_diff=True)
    except Exception:
        pass
    names = attr_names(sig.signer_info)
    if sub_filter != CADES:
        missing.append("sub_filter")
    if not holds(status):
        missing.append("signature_does_not_hold")
    if not ({"signing_certificate", "signing_certificate_v2"} & names):
        missing.append("no_signing_certificate_attribute")
    if "content_type" not in names:
        missing.append("content_type")
    if "signing_time" in names:
        missing.append("signing_time_attribute")
    if missing:
        return None, missing, None

    own = status.timestamp_validity if status is not None else None
    later = [
        (t, ts_status)
        for t, ts_status in stamps
        if t.signed_revision is not None and t.signed_revision > sig.signed_revision
    ]
    if holds(own):
        tsa_cert, moment = own.signing_cert, own.timestamp
    else:
        good = [(t, s) for t, s in later if holds(s)]
        if not good:
            gap = "timestamp_does_not_hold" if own is not None or later else "no_timestamp"
            return "B-B", [gap], None
        tsa_cert, moment = good[0][1].signing_cert, good[0][1].timestamp

    if dss is None:
        missing.append("no_dss")
        dss_refs = set()
    else:
        dss_refs = dss[3]
    certs, crls, ocsps = material(sig, dss)
    undecided = None
    for who, cert in (("signer", sig.signer_cert), ("timestamp", tsa_cert)):
        settled = path_settled(cert, moment, certs, crls, ocsps)
        if settled is False:
            missing.append("revocation")
        elif settled is None:
            undecided = f"{who} path fails for another reason than revocation data"
    if missing:
        return "B-T", sorted(set(missing)), undecided
    if undecided:
        return "B-T", [], undecided

    dss_from = first_dss_revision_after(reader, sig.signed_revision, dss_refs)
    if dss_from is None:
        dss_from = sig.signed_revision
    covered = any(
        holds(s) and t.signed_revision >= dss_from for t, s in later
    )
    if covered:
        return "B-LTA", [], None
    return "B-LT", ["no_document_timestamp_over_dss"], None


def main():
    # pyHanko logs every failed path with its traceback; the answers are what matter here.
    logging.disable(logging.CRITICAL)
    vc = ValidationContext(trust_roots=[], allow_fetching=False)
    for path in sys.argv[1:]:
        name = os.path.basename(path)
        try:
            with open(path, "rb") as f:
                reader = PdfFileReader(f, strict=False)
                sigs = list(reader.embedded_signatures)
                stamps = []
                for t in sigs:
                    if t.sig_object_type != "/DocTimeStamp":
                        continue
                    try:
                        stamps.append((t, validate_pdf_timestamp(t, validation_context=vc)))
                    except Exception:
                        stamps.append((t, None))
                try:
                    dss = dss_contents(reader)
                except Exception:
                    dss = None
                for sig in sigs:
                    if sig.sig_object_type == "/DocTimeStamp":
                        continue
                    entry = {
                        "file": name,
                        "field": sig.field_name,
                        "byte_range": list(sig.byte_range)
                        if hasattr(sig, "byte_range")
                        else list(sig.sig_object["/ByteRange"]),
                    }
                    try:
                        level, missing, undecided = level_of(reader, sig, stamps, dss, vc)
                        entry.update(level=level, missing=missing, undecided=undecided)
                    except Exception as e:  # broken signatures are part of the corpus
                        entry.update(level=None, missing=[], undecided=f"error: {type(e).__name__}: {e}")
                    print(json.dumps(entry, ensure_ascii=False), flush=True)
        except Exception as e:
            print(json.dumps({"file": name, "error": f"{type(e).__name__}: {e}"}), flush=True)


if __name__ == "__main__":
    main()
