# tm-cluster as a user runs it: a model of the bundled corpus to labelled clusters with every
# output file, the same tree from the model, its rows and its distance matrix, byte-identical
# outputs for 1 and 2 threads, and every kind of bad input (one line, exit 2, nothing written, an
# existing output directory untouched).
source "$(dirname "$0")/lib.sh"
cd "$WORK"
"$BIN/tm-fit" --corpus "$KJV" -k 8 --passes 5 --quiet --out model > /dev/null || fail "tm-fit"

"$BIN/tm-cluster" --model model --clusters 6 --out c1 --threads 1 --quiet > c1.out || fail "tm-cluster"
for f in linkage.npy linkage.txt labels.tsv tree.nwk dendrogram.svg clusters.tsv summary.txt; do
  [ -s "c1/$f" ] || fail "c1/$f missing"
done
[ "$(wc -l < c1/linkage.txt)" = 1188 ] && [ "$(awk '{ print NF }' c1/linkage.txt | sort -u)" = 4 ] \
  && pass "linkage.txt: 1188 merges of 4 columns" || fail "linkage.txt shape"
[ "$(tail -n +2 c1/labels.tsv | cut -f2 | sort -u | wc -l)" = 6 ] && head -2 c1/labels.tsv | grep -q $'^Genesis 1\t[1-6]\tGenesis$' \
  && pass "labels.tsv: 6 clusters, document ids and corpus labels" || fail "labels.tsv: $(head -2 c1/labels.tsv)"
grep -q 'against the 66 labels: purity' c1.out && grep -q 'cophenetic correlation 0\.' c1.out \
  && pass "summary: cophenetic correlation and agreement with the book labels" || fail "summary: $(head -3 c1.out)"
[ "$(tail -c 2 c1/tree.nwk)" = ";" ] && [ "$(grep -o "'Genesis 1'" c1/tree.nwk | wc -l)" = 1 ] \
  && pass "tree.nwk: quoted leaf names, ends in ;" || fail "tree.nwk"
# The dendrogram: XML that parses, with one label per leaf shown (50, the default truncation).
if command -v xmllint > /dev/null; then
  xmllint --noout c1/dendrogram.svg && pass "dendrogram.svg is well-formed XML" || fail "dendrogram.svg XML"
fi
[ "$(grep -c 'class="leaf"' c1/dendrogram.svg)" = 50 ] && pass "dendrogram: 50 leaf labels" || fail "dendrogram leaves: $(grep -c 'class="leaf"' c1/dendrogram.svg)"

"$BIN/tm-cluster" --model model --clusters 6 --out c2 --threads 2 --quiet > c2.out
[ "$(tree_digest c1)" = "$(tree_digest c2)" ] && pass "--threads 1 and 2: identical outputs" || fail "thread count changed the outputs"

# The same clustering from the rows (theta) and from the condensed matrix tm-similarity writes.
"$BIN/tm-similarity" --model model --metric jsd --condensed --out y.txt --quiet
"$BIN/tm-cluster" --matrix y.txt --clusters 6 --out c3 --quiet > c3.out || fail "tm-cluster --matrix"
cmp -s c1/linkage.txt c3/linkage.txt && pass "--matrix gives the model's linkage" || fail "--matrix linkage differs"
cut -f2 c1/labels.tsv > a.txt; cut -f2 c3/labels.tsv > b.txt
cmp -s a.txt b.txt && pass "--matrix: same flat clusters" || fail "--matrix flat clusters differ"
"$BIN/tm-cluster" --model model --linkage ward --threshold 0.5 --float32 --no-cophenet --out c4 --quiet > /dev/null \
  && pass "ward, --threshold, --float32, --no-cophenet" || fail "ward float32"
"$BIN/tm-cluster" --model model --linkage ib --clusters 4 --out c5 --quiet > c5.out \
  && grep -q 'ib linkage, 4 flat clusters' c5.out && pass "ib linkage" || fail "ib: $(head -2 c5.out)"

# Optimal leaf ordering: the same merges (children swapped at most), the same partition.
"$BIN/tm-cluster" --model model --clusters 6 --optimal-ordering --out c6 --quiet > /dev/null || fail "--optimal-ordering"
awk '{ a = $1 < $2 ? $1 : $2; b = $1 < $2 ? $2 : $1; print a, b, $3, $4 }' c1/linkage.txt > m1.txt
awk '{ a = $1 < $2 ? $1 : $2; b = $1 < $2 ? $2 : $1; print a, b, $3, $4 }' c6/linkage.txt > m6.txt
cmp -s m1.txt m6.txt && ! cmp -s c1/linkage.txt c6/linkage.txt \
  && pass "--optimal-ordering: same merges, some children swapped" || fail "--optimal-ordering changed the merges"
paste <(cut -f2 c1/labels.tsv) <(cut -f2 c6/labels.tsv) | sort -u | wc -l > pairs.txt
[ "$(cat pairs.txt)" = 7 ] && pass "--optimal-ordering: same partition (labels renamed)" || fail "partition changed: $(cat pairs.txt) pairs"

# Bad input: one line, exit 2, nothing written; an existing output directory is left as it was.
before=$(tree_digest c1)
bad() {  # bad NAME CONTENT REGEX [args]
  local name=$1 content=$2 regex=$3
  shift 3
  printf "$content" > "$name.txt"
  expect_exit 2 "$regex" "tm-cluster $name" -- "$BIN/tm-cluster" --matrix "$name.txt" --out "out.$name" "$@"
  absent "out.$name" "tm-cluster $name"
}
bad nonsquare   '0 1 2\n1 0 3\n'        '^tm-cluster: nonsquare\.txt: is a 2 x 3 matrix; expected a square'
bad asymmetric  '0 1 2\n1 0 3\n2 4 0\n' '^tm-cluster: asymmetric\.txt:3: the matrix is not symmetric'
bad negative    '0 -1\n-1 0\n'          '^tm-cluster: negative\.txt: distance between rows 0 and 1 is negative'
bad nan         '1 nan 2\n'             '^tm-cluster: nan\.txt:1: value 2 is nan'
bad triangle    '1 2\n'                 '^tm-cluster: triangle\.txt: 2 values are not a condensed distance matrix'
bad too_many    '1 2 3\n'               '^tm-cluster: --clusters: 5 is more than the 3 points' --clusters 5
bad ib_matrix   '1 2 3\n'               '^tm-cluster: --linkage: ib merges distributions and needs rows or a model' --linkage ib
bad kl_metric   '1 2 3\n'               '^tm-cluster: --metric: kl is not symmetric' --metric kl
bad olo_nocoph  '1 2 3\n'               '^tm-cluster: --optimal-ordering: needs the distances' --optimal-ordering --no-cophenet
printf '0.5 0.5\n' > one_row.txt
expect_exit 2 '^tm-cluster: one_row\.txt: has fewer than 2 rows' "one row" -- "$BIN/tm-cluster" --rows one_row.txt --out out.one_row
absent out.one_row "one row"
expect_exit 2 '^tm-cluster: .*--max-memory' "memory guard" -- "$BIN/tm-cluster" --model model --max-memory 1K --out c1
printf 'a\nb\n' > labels.txt
expect_exit 2 '^tm-cluster: 2 labels for 1189 points' "label count" -- "$BIN/tm-cluster" --model model --labels labels.txt --out c1
mkdir locked && chmod a-w locked
if [ -w locked ]; then pass "unwritable output (skipped: running as a user who can write anywhere)"
else expect_exit 2 '^tm-cluster: ' "unwritable output" -- "$BIN/tm-cluster" --model model --out locked/c; fi
[ "$(tree_digest c1)" = "$before" ] && pass "failed runs left the existing c1 untouched" || fail "c1 changed"
finish
