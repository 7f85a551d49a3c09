#!/usr/bin/env bash
# Real signing-platform samples (never committed here): Sweden Connect's signing-service test
# PDFs and Scrive's sealed test documents. Tests that read them skip, saying so, when they are
# absent.
#
# usage: scripts/fetch-signing-samples.sh [DIR]
#   DIR  where the files go (default $ARKIVAR_SAMPLES, else ~/.cache/arkivar-samples)
#
# Layout made:
#   DIR/swedenconnect/add-annotation.pdf  hideQF1.pdf  test-doc.pdf
#       (swedenconnect/signature-validation, sigval-pdf/src/test/resources/)
#   DIR/scrive/sealed.pdf  sealed-2.pdf  sealed-3.pdf
#       (scrive/scrive-apidocs, backend/test/pdfs/ at commit 02eba174, since deleted)
# Needs git and network access to github.com.
set -euo pipefail
dir=${1:-${ARKIVAR_SAMPLES:-$HOME/.cache/arkivar-samples}}
mkdir -p "$dir/swedenconnect" "$dir/scrive"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# show REPO COMMIT PATH OUT: one file of a repository at a commit, through a blobless clone.
show() {
    local repo=$1 commit=$2 path=$3 out=$4 clone="$tmp/${1//\//+}"
    if [ ! -d "$clone" ]; then
        git clone --quiet --bare --filter=blob:none "https://github.com/$repo" "$clone"
    fi
    git --git-dir="$clone" show "$commit:$path" > "$out"
}

for name in add-annotation hideQF1 test-doc; do
    show swedenconnect/signature-validation HEAD \
        "sigval-pdf/src/test/resources/$name.pdf" "$dir/swedenconnect/$name.pdf"
done
for name in sealed sealed-2 sealed-3; do
    show scrive/scrive-apidocs 02eba174 "backend/test/pdfs/$name.pdf" "$dir/scrive/$name.pdf"
done
ls -l "$dir"/*/
