#!/usr/bin/env bash
# Rebuilds the bundled corpus from Debian's bible-kjv package: one document per chapter of the
# King James Version (1189 documents), labelled by book, tokenized by tm-import.
#   usage: corpora/kjv/build.sh [path/to/tm-import]      (run from the repository root, as root
#          if bible-kjv must be installed)
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
tm_import=${1:-build/release/apps/tm-import}
if ! command -v bible >/dev/null; then
  apt-get install -y --no-install-recommends bible-kjv
fi
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
bible "Gen1:1-Rev22:21" | awk -f "$here/chapters.awk" > "$work/kjv.tsv"
test "$(wc -l < "$work/kjv.tsv")" -eq 1189
"$tm_import" --corpus "$work/kjv.tsv" --columns id-label-text \
  --stop-words "$here/stopwords-kjv.txt" --min-length 3 --min-df 5 --max-df 0.5 \
  --out "$here/docword.kjv.txt"
