#!/usr/bin/env bash
# Regenerates docs/img/report.png: tm-report's page of a 20-topic model of the bundled corpus, as
# headless Chromium shows it (topic 4 selected, relevance lambda = 0.6).
#   bash docs/img/report.sh [BUILD_DIR]      (default build/release)
set -euo pipefail
cd "$(dirname "$0")/../.."
build=$(realpath "${1:-build/release}")
out=$(realpath docs/img)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
kjv=$(realpath corpora/kjv/docword.kjv.txt)
cd "$work"
"$build/apps/tm-fit" --corpus "$kjv" -k 20 --seed 1 --out kjv-model -q > /dev/null
"$build/apps/tm-report" --model kjv-model --out report.html > /dev/null
# Select a topic and set the slider, as a reader would, before the picture is taken.
sed 's#</body>#<script>document.querySelector("\#map circle[data-topic=\\"4\\"]").dispatchEvent(new MouseEvent("click")); const s = document.getElementById("lambda"); s.value = "0.6"; s.dispatchEvent(new Event("input"));</script></body>#' \
  report.html > shot.html
chromium --headless --no-sandbox --disable-gpu --disable-quic --no-first-run \
  --disable-background-networking --disable-component-update --disable-sync \
  --user-data-dir="$work/profile" --hide-scrollbars --window-size=1280,900 \
  --screenshot="$out/report.png" "file://$work/shot.html" 2> /dev/null
echo "wrote docs/img/report.png"
