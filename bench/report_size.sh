#!/usr/bin/env bash
# The size of tm-report's page for a large model: K = 200 topics over V = 100,000 words (a corpus
# drawn from LDA by make_corpus, 5,000 documents of ~200 tokens, fitted for 2 passes), and the
# time tm-report takes. Writes bench/results/report_size.md.
#   bash bench/report_size.sh [BUILD_DIR]      (default build/release)
set -euo pipefail
cd "$(dirname "$0")/.."
build=${1:-build/release}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
"$build/bench/make_corpus" 5000 100000 200 200 1 "$work/big.tmc" > /dev/null
"$build/apps/tm-fit" --corpus "$work/big.tmc" -k 200 --passes 2 --stop elbo --out "$work/model" -q \
  > /dev/null
start=$(date +%s.%N)
/usr/bin/time -f "%M" -o "$work/peak" "$build/apps/tm-report" --model "$work/model" \
  --out "$work/report.html" > "$work/summary"
seconds=$(echo "$(date +%s.%N) - $start" | bc)
bytes=$(stat -c %s "$work/report.html")
gzipped=$(gzip -c "$work/report.html" | wc -c)
{
  echo "# tm-report's page for a large model"
  echo
  echo "\`bash bench/report_size.sh\`, $(date -u +%Y-%m-%d): K = 200, V = 100,000, D = 5,000 (drawn from LDA,"
  echo "~200 tokens a document, 2 passes), default --terms 30 --documents 20."
  echo
  echo "| page | gzip'd | tm-report time | peak memory |"
  echo "|---|---|---|---|"
  printf "| %.1f MiB | %.1f MiB | %.1f s | %d MiB |\n" "$(echo "$bytes / 1048576" | bc -l)" \
    "$(echo "$gzipped / 1048576" | bc -l)" "$seconds" "$(( $(cat "$work/peak") / 1024 ))"
  echo
  echo "The page holds, per topic, every word that can be among its top 30 at some slider position"
  echo "(not the vocabulary), and the 20 documents most about it: its size grows with K, not with V."
} > bench/results/report_size.md
cat bench/results/report_size.md
