#!/usr/bin/env python3
"""Makes a four-page PAdES-signed protocol for scripts/bench-serve.sh, the way the corpus's
signed protocols were made (ReportLab minutes, then pyHanko): the minutes of seed 004 from
../shared/corpus/text-truth/reportlab-ttf/004.pdf, signed in the policy's order by its
secretary, chair and adjuster, each in an incremental update of its own, with certificates from
a test CA made here. Writes OUT.pdf and OUT-root.pem (the anchor to pass as --trust).

usage: make-signed-protocol.py [--minutes PDF] OUT.pdf
Needs `pip install pyhanko` (only the benchmarks use it; not a dependency of arkivar).
"""
import argparse
import datetime as dt
import io
import sys

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import NameOID

from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.sign import signers
from pyhanko.sign.fields import SigFieldSpec, SigSeedSubFilter, append_signature_field
import pyhanko.sign.signers.pdf_signer as pdf_signer
from pyhanko_certvalidator.registry import SimpleCertificateStore
from asn1crypto import keys as asn1_keys, x509 as asn1_x509

# Seed 004's designated signers (its minutes name them), in the order protokoll-sv expects,
# and when each signed: on and before the minutes' Justeringsdatum 2023-12-20, as the paper
# original was (so the verdict is the scan's: the 14-day justering deadline is exceeded).
SIGNERS = [
    ("Johanna", "Långdal Persson", "2023-12-19T09:12:00+01:00"),
    ("Peter", "Vigren", "2023-12-20T10:40:00+01:00"),
    ("Mikael", "Broman", "2023-12-20T14:05:00+01:00"),
]
VALID_FROM = dt.datetime(2023, 1, 1, tzinfo=dt.timezone.utc)
VALID_TO = dt.datetime(2033, 1, 1, tzinfo=dt.timezone.utc)


def name(cn, given=None, surname=None):
    attrs = [x509.NameAttribute(NameOID.COUNTRY_NAME, "SE")]
    if given:
        attrs.append(x509.NameAttribute(NameOID.GIVEN_NAME, given))
        attrs.append(x509.NameAttribute(NameOID.SURNAME, surname))
    attrs.append(x509.NameAttribute(NameOID.COMMON_NAME, cn))
    return x509.Name(attrs)


def certificate(subject, key, issuer, issuer_key, ca):
    builder = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(issuer)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(VALID_FROM)
        .not_valid_after(VALID_TO)
        .add_extension(x509.BasicConstraints(ca=ca, path_length=None), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=not ca, content_commitment=not ca, key_encipherment=False,
                data_encipherment=False, key_agreement=False, key_cert_sign=ca, crl_sign=ca,
                encipher_only=False, decipher_only=False,
            ),
            critical=True,
        )
    )
    return builder.sign(issuer_key, hashes.SHA256())


def to_asn1(cert):
    return asn1_x509.Certificate.load(cert.public_bytes(serialization.Encoding.DER))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--minutes", default="../shared/corpus/text-truth/reportlab-ttf/004.pdf")
    ap.add_argument("out")
    args = ap.parse_args()

    root_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    root_name = name("arkivar bench root CA")
    root = certificate(root_name, root_key, root_name, root_key, ca=True)

    data = open(args.minutes, "rb").read()
    for given, surname, when in SIGNERS:
        key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        full = f"{given} {surname}"
        cert = certificate(name(full, given, surname), key, root_name, root_key, ca=False)
        key_der = key.private_bytes(
            serialization.Encoding.DER, serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
        signer = signers.SimpleSigner(
            signing_cert=to_asn1(cert),
            signing_key=asn1_keys.PrivateKeyInfo.load(key_der),
            cert_registry=SimpleCertificateStore.from_certs([to_asn1(root)]),
        )
        field = f"Signatur{SIGNERS.index((given, surname, when)) + 1}"
        writer = IncrementalPdfFileWriter(io.BytesIO(data))
        append_signature_field(writer, SigFieldSpec(sig_field_name=field))
        # pyHanko writes the signing time (/M) from the clock: pin it to the signer's moment.
        moment = dt.datetime.fromisoformat(when)

        class Clock(dt.datetime):
            @classmethod
            def now(cls, tz=None):
                return moment.astimezone(tz) if tz else moment

        pdf_signer.datetime = Clock
        out = io.BytesIO()
        signers.sign_pdf(
            writer,
            signers.PdfSignatureMetadata(
                field_name=field, subfilter=SigSeedSubFilter.PADES,
                name=full, reason="Justering",
            ),
            signer=signer,
            output=out,
        )
        data = out.getvalue()

    open(args.out, "wb").write(data)
    root_pem = args.out.rsplit(".", 1)[0] + "-root.pem"
    open(root_pem, "wb").write(root.public_bytes(serialization.Encoding.PEM))
    print(f"{args.out}: {len(data)} bytes, {len(SIGNERS)} signatures; trust anchor {root_pem}")


if __name__ == "__main__":
    sys.exit(main())
