#!/bin/sh
# Regenerates tests/fixtures/trusted-lists/: a small ETSI TS 119 612 trusted list built by the
# test kit (src/signature/trusted_list/tests.rs: its CAs, its operator's key), signed with
# xmlsec1 — an XMLDSig implementation independent of arkivar's, so the tests check arkivar's
# canonicalisation and signature check against another's, not against themselves.
#
#   se.xml               signed by the list operator's key (signer.pem)
#   se-other-signer.xml  the same list signed by another key
#   signer.pem           the operator's certificate
#
# Needs xmlsec1 (Debian: apt-get install xmlsec1) and cargo. Run from anywhere.
set -eu
cd "$(dirname "$0")/.."
out=tests/fixtures/trusted-lists
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir -p "$out"
# The test writes its inputs first, then checks the committed fixtures (which fails when they
# are stale: that is why this script runs).
ARKIVAR_WRITE_TRUSTED_LIST_INPUTS="$work" cargo test -q --lib \
    signature::trusted_list::tests::fixture_inputs_match_the_test_kit -- --exact \
    >/dev/null 2>&1 || true
test -s "$work/unsigned.xml" || { echo "the test wrote no inputs" >&2; exit 1; }
idattr="--id-attr:Id http://uri.etsi.org/01903/v1.3.2#:SignedProperties"
# shellcheck disable=SC2086
xmlsec1 --sign --privkey-pem "$work/signer-key.pem,$work/signer.pem" $idattr \
    --output "$out/se.xml" "$work/unsigned.xml"
# shellcheck disable=SC2086
xmlsec1 --sign --privkey-pem "$work/other-key.pem,$work/other-signer.pem" $idattr \
    --output "$out/se-other-signer.xml" "$work/unsigned.xml"
cp "$work/signer.pem" "$out/signer.pem"
# xmlsec1 agrees with itself (the certificate is self-signed, hence --insecure: no chain).
# shellcheck disable=SC2086
xmlsec1 --verify --insecure --pubkey-cert-pem "$out/signer.pem" $idattr "$out/se.xml"
