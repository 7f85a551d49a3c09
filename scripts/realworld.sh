#!/usr/bin/env bash
# Real-world PDFs: fetches public test corpora of other projects (never committed here) and
# judges `arkivar extract` on them with ../shared/tools/peertext.py, which scores arkivar only
# where pdftotext and mutool agree, and counts crashes, hangs and silently empty pages on
# every file. Then lists every file pdftotext opens but arkivar refuses (scripts/refusals.py),
# so each refusal can be checked to name a real defect of the file.
#
# usage: scripts/realworld.sh [BIN] [WORKDIR]
#   BIN      the arkivar binary (default target/release/arkivar)
#   WORKDIR  where the corpora are fetched and kept (default ~/.cache/arkivar-realworld)
#
# Corpora (shallow, sparse git checkouts of the PDF folders only):
#   pdfjs   mozilla/pdf.js        test/pdfs        (~1,000 bug-report PDFs; many are .link stubs)
#   qpdf    qpdf/qpdf             qpdf/qtest/qpdf  (~600 structural oddities)
#   plumber jsvine/pdfplumber     tests/pdfs
#   pypdf   py-pdf/sample-files   .
# Needs git, python3, poppler-utils (pdftotext) and mupdf-tools (mutool). Prints each
# corpus's summary line, then one over all of them.
set -euo pipefail

cd "$(dirname "$0")/.."
bin=${1:-target/release/arkivar}
work=${2:-${HOME}/.cache/arkivar-realworld}
judge=../shared/tools/peertext.py

for tool in git python3 pdftotext mutool; do
    command -v "$tool" >/dev/null || { echo "missing: $tool" >&2; exit 2; }
done
[ -x "$bin" ] || { echo "no binary at $bin (cargo build --release)" >&2; exit 2; }
[ -f "$judge" ] || { echo "no judge at $judge" >&2; exit 2; }
mkdir -p "$work"

# fetch NAME REPO PATH: a sparse, shallow checkout of PATH of github.com/REPO into WORK/NAME.
fetch() {
    local name=$1 repo=$2 path=$3 dir="$work/$1"
    if [ ! -d "$dir/.git" ]; then
        git clone --quiet --depth 1 --filter=blob:none --sparse "https://github.com/$repo" "$dir"
        git -C "$dir" sparse-checkout set --no-cone "$path"
    fi
    printf '%s\n' "$dir/$path"
}

all="$work/all.txt"
: > "$all"
while read -r name repo path; do
    dir=$(fetch "$name" "$repo" "$path")
    find "$dir" -type f -iname '*.pdf' -size +0 | sort >> "$all"
    echo "== $name ($repo $path)"
    python3 "$judge" "$bin" "$dir" | tail -1
done <<'EOF'
pdfjs mozilla/pdf.js test/pdfs
qpdf qpdf/qpdf qpdf/qtest/qpdf
plumber jsvine/pdfplumber tests/pdfs
pypdf py-pdf/sample-files .
EOF
echo "== all ($(wc -l < "$all") files)"
# Under a container's 1 GiB address-space limit: a failed allocation must be an error record,
# never an abort.
python3 "$judge" "$bin" "$all" --mem $((1 << 30)) | tail -1
echo "== refusals: files pdftotext opens that arkivar refuses, with its reason"
python3 scripts/refusals.py "$bin" "$all"
