# tm-select as a user runs it: a grid on the bundled corpus with every output, the same results
# for 1 and 2 threads, exact K-fold beside PSIS-LOO, PSIS-LOO of a given matrix (.npy and text,
# with loo_compare), and every kind of bad input (one line, exit 2, nothing written, an existing
# output directory untouched), and an interrupted run.
source "$(dirname "$0")/lib.sh"
cd "$WORK"
FAST=(--passes 8 --moves 0 --draws 20 --quiet)

"$BIN/tm-select" --corpus "$KJV" -k 3,6 --seeds 1,2 "${FAST[@]}" --keep-pointwise --threads 1 --out s1 > s1.out \
  || fail "tm-select grid"
for f in selection.json selection.csv selection.svg summary.txt pointwise_k3.npy pointwise_k6-seed2.npy; do
  [ -s "s1/$f" ] || fail "s1/$f missing"
done
[ "$(wc -l < s1/selection.csv)" = 5 ] && head -1 s1/selection.csv | grep -q '^label,k,alpha,eta,seed,.*,aic,aicc,bic,hqic,elpd_loo,se_elpd_loo,' \
  && pass "selection.csv: header and 4 candidates" || fail "selection.csv: $(head -2 s1/selection.csv)"
grep -q '"choice": {' s1/selection.json && grep -q '"heldout_perplexity": [36]' s1/selection.json \
  && grep -q '"n_pareto_k_over_0_7"' s1/selection.json && grep -q '"stability_js": 0\.' s1/selection.json \
  && pass "selection.json: choices, Pareto k counts, stability across seeds" || fail "selection.json"
grep -q '^  held-out perplexity (min) *K = [36]' s1.out && grep -q '^elpd_loo differences (as loo_compare):' s1.out \
  && grep -q 'k = K (V - 1) with V = 4445' s1.out && grep -q '^time: .* wall' s1.out \
  && pass "printed summary: choices, elpd differences, counting, time" || fail "summary: $(head -5 s1.out)"
if command -v xmllint > /dev/null; then
  xmllint --noout s1/selection.svg && pass "selection.svg is well-formed XML" || fail "selection.svg XML"
fi
[ "$(grep -c '<polyline' s1/selection.svg)" -ge 20 ] && pass "selection.svg: a line per seed in each panel" || fail "selection.svg lines"

"$BIN/tm-select" --corpus "$KJV" -k 3,6 --seeds 1,2 "${FAST[@]}" --threads 2 --out s2 > /dev/null
# All but the three timing columns must be identical.
cut -d, -f1-29 s1/selection.csv > a.csv; cut -d, -f1-29 s2/selection.csv > b.csv
cmp -s a.csv b.csv && pass "--threads 1 and 2: identical results" || fail "thread count changed the results"

"$BIN/tm-select" --corpus "$KJV" -k 4 "${FAST[@]}" --kfold 3 --out s3 > s3.out || fail "tm-select --kfold"
grep -q 'elpd_kfold' s3.out && grep -Eq '^k4 .* -[0-9]+\.[0-9] +[0-9]+\.[0-9] ' s3.out && grep -q 'K-fold refits' s3.out \
  && pass "--kfold 3: exact K-fold elpd beside PSIS-LOO" || fail "--kfold: $(cat s3.out)"

# PSIS-LOO of a given matrix, as loo::loo; and loo_compare of two.
"$BIN/tm-select" --pointwise s1/pointwise_k3.npy --out loo.json > loo.out || fail "--pointwise"
for name in elpd_loo se_elpd_loo p_loo se_p_loo looic se_looic pointwise_elpd_loo pareto_k; do
  grep -q "\"$name\":" loo.json || fail "loo.json lacks $name"
done
grep -q '^elpd_loo ' loo.out && grep -q 'Pareto k diagnostic values' loo.out && pass "--pointwise: R loo's names and table" || fail "--pointwise output"
"$BIN/tm-select" --pointwise s1/pointwise_k3.npy --pointwise s1/pointwise_k6.npy > cmp.out \
  && grep -q 'model comparison (as loo_compare)' cmp.out && pass "--pointwise twice: loo_compare" || fail "compare"
printf -- '-1.5 -2.0 -0.3\n-1.4 -2.2 -0.4\n-1.6 -1.9 -0.2\n' > ll.txt
"$BIN/tm-select" --pointwise ll.txt > /dev/null && pass "--pointwise reads text" || fail "--pointwise text"

# Bad input: one line, exit 2, nothing written.
expect_exit 2 '^tm-select: candidate k5000: K = 5000 topics; expected 1\.\.V = 4445' "K larger than the vocabulary" -- \
  "$BIN/tm-select" --corpus "$KJV" -k 5,5000 --out bad1
absent bad1 "K > V"
expect_exit 2 '^tm-select: -k: "5,,10": an empty item' "an empty item in the grid" -- "$BIN/tm-select" --corpus "$KJV" -k 5,,10 --out bad2
expect_exit 2 '^tm-select: -k: give the numbers of topics' "an empty grid" -- "$BIN/tm-select" --corpus "$KJV" -k '' --out bad3
expect_exit 2 '^tm-select: --seeds: "1,x": "x" is not a whole number$' "a seed that is not a number" -- \
  "$BIN/tm-select" --corpus "$KJV" -k 5 --seeds 1,x --out bad4
absent bad2 "empty grid"
printf -- '-1.5 -2.0 -0.3\n-1.4 nan -0.4\n' > nan.txt
expect_exit 2 '^tm-select: nan\.txt:2: value 2 is nan; expected a finite log-likelihood$' "NaN in a text matrix" -- \
  "$BIN/tm-select" --pointwise nan.txt --out nan.json
absent nan.json "NaN matrix"
# The same in a .npy file: (2, 2) float64 with a NaN at draw 2, observation 1.
{ printf '\x93NUMPY\x01\x00\x76\x00'; printf "%-117s\n" "{'descr': '<f8', 'fortran_order': False, 'shape': (2, 2), }";
  printf '\x00\x00\x00\x00\x00\x00\xf0\xbf\x00\x00\x00\x00\x00\x00\x00\xc0\x00\x00\x00\x00\x00\x00\xf8\x7f\x00\x00\x00\x00\x00\x00\x08\xc0'; } > nan.npy
expect_exit 2 '^tm-select: nan\.npy: log-likelihood of draw 2, observation 1 is NaN' "NaN in a .npy matrix" -- \
  "$BIN/tm-select" --pointwise nan.npy
printf -- '-1.5 -2.0 -0.3\n' > one.txt
expect_exit 2 '^tm-select: one\.txt: 1 draws x 3 observations; expected at least 2 draws' "a single draw" -- \
  "$BIN/tm-select" --pointwise one.txt
expect_exit 2 '^tm-select: --heldout-fraction: 1 leaves|^tm-select: --heldout-fraction: 1;' "held-out fraction 1" -- \
  "$BIN/tm-select" --corpus "$KJV" -k 3 --heldout-fraction 1 --out bad5
expect_exit 2 '^tm-select: .*/no/such/dir' "unwritable output" -- "$BIN/tm-select" --corpus "$KJV" -k 3 "${FAST[@]}" --out /no/such/dir/out
# An existing selection is never clobbered by a failed run.
before=$(tree_digest s3)
expect_exit 2 'K = 9999 topics' "failed run over an existing directory" -- "$BIN/tm-select" --corpus "$KJV" -k 9999 --out s3
[ "$(tree_digest s3)" = "$before" ] && pass "existing output untouched" || fail "existing output changed"

# Interrupted: exit 130, nothing written.
"$BIN/tm-select" --corpus "$KJV" -k 20,30 --passes 200 --quiet --out int > /dev/null 2> int.err &
pid=$!
sleep 2
kill -INT $pid
wait $pid
code=$?
[ $code -eq 130 ] && pass "SIGINT: exit 130" || fail "SIGINT: exit $code; $(cat int.err)"
absent int "interrupted selection"
finish
