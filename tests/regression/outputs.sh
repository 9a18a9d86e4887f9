# Every output file of the five main workflows on the bundled corpus (fit, infer, similarity,
# cluster, select) is byte for byte what the tree before the concept-folder move (commit 221cd14)
# wrote: a restructuring must not change a result. Wall-clock fields (elbo.csv's and
# selection.csv's seconds columns, the summaries' timing lines) are left out of the comparison.
# Changed on purpose since: tm-select's draws of q(beta) (a faster log-gamma sampler, so other
# random draws), then its scoring E-step (SQUAREM-accelerated, which ends nearer each document's
# fixed point): select.selection.csv and select.summary.txt. Then the E-step's dot products (the
# four columns' lanes joined in one fixed order, lda_estep.cpp's four_dots) and the bound's
# logarithms (one vector logarithm per word): the last bits of every fit (lambda and gamma within
# 1e-15 relative, the ELBO within 1e-15, the same topics), so every digest but the texts'.
#   bash tests/regression/outputs.sh BIN_DIR SOURCE_DIR            compare with expected.sha256
#   bash tests/regression/outputs.sh BIN_DIR SOURCE_DIR --update   write expected.sha256 anew
# The digests hold for the Release build on x86-64 (the E-step's vector clones fuse multiply-adds
# differently in other builds), so CTest runs this in the Release pass only.
source "$(dirname "$0")/../cli/lib.sh"
EXPECTED="$SRC/tests/regression/expected.sha256"
update=${3:-}
cd "$WORK"
run() { "$@" --threads 2 > /dev/null 2> run.err || { fail "$*: $(tail -1 run.err)"; finish; }; }

run "$BIN/tm-fit" --corpus "$KJV" -k 8 --passes 30 --seed 3 --out fit --quiet
run "$BIN/tm-infer" --model fit --corpus "$KJV" --split 5 --out theta.npy --quiet
run "$BIN/tm-similarity" --model fit --top-k 5 --out neighbours.tsv --quiet
run "$BIN/tm-similarity" --model fit --topics --out topics_js.npy --quiet
run "$BIN/tm-cluster" --model fit --clusters 6 --out cluster --quiet
run "$BIN/tm-select" --corpus "$KJV" -k 4,8 --passes 15 --draws 50 --out select --quiet

# Columns whose name holds "seconds" dropped from a CSV.
without_seconds() {
  awk -F, 'NR == 1 { for (i = 1; i <= NF; i++) keep[i] = ($i !~ /seconds/) }
           { line = ""; for (i = 1; i <= NF; i++) if (keep[i]) line = line (line == "" ? "" : ",") $i; print line }' "$1"
}
without_seconds fit/elbo.csv > fit.elbo.csv
without_seconds select/selection.csv > select.selection.csv
grep -v '^time: ' select/summary.txt > select.summary.txt
files=(fit/lambda.npy fit/gamma.npy fit/topics.txt fit/vocab.txt fit/docs.tsv fit.elbo.csv
       theta.npy theta.gamma.npy theta.elbo.txt neighbours.tsv topics_js.npy
       cluster/linkage.npy cluster/linkage.txt cluster/labels.tsv cluster/tree.nwk
       cluster/clusters.tsv cluster/summary.txt cluster/dendrogram.svg
       select.selection.csv select.summary.txt)
sha256sum "${files[@]}" > actual.sha256 || fail "an output is missing"

if [ "$update" = "--update" ]; then
  cp actual.sha256 "$EXPECTED"
  pass "wrote $EXPECTED"
  finish
fi
while read -r digest file; do
  actual=$(awk -v f="$file" '$2 == f { print $1 }' actual.sha256)
  [ "$actual" = "$digest" ] && pass "$file unchanged" || fail "$file differs from the tree before the move"
done < "$EXPECTED"
finish
