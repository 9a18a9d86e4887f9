# tm-kl and tm-similarity as a user runs them: values against hand-checked numbers, every output
# form, and every kind of bad input (one line naming file and line, exit 2, nothing written).
source "$(dirname "$0")/lib.sh"
cd "$WORK"
printf '0.5 0.5 0\n0.2 0.3 0.5\n' > p.txt
printf '# q rows\n0.5,0.5,0\n0.1,0.2,0.7\n' > q.csv

# KL(p1||q1) = 0; KL(p2||q2) = 0.2 ln 2 + 0.3 ln 1.5 + 0.5 ln(5/7).
"$BIN/tm-kl" p.txt q.csv > rows.out || fail "tm-kl rows"
awk 'NR==1 && $1 != 0 { exit 1 } NR==2 { want = 0.2*log(2) + 0.3*log(1.5) + 0.5*log(5/7);
     if ((($1 - want) ^ 2) > 1e-24) exit 1 }' rows.out && pass "tm-kl rows: values" || fail "tm-kl rows: $(cat rows.out)"
"$BIN/tm-kl" p.txt q.csv --mode pairwise --metric kl > pairs.out
[ "$(awk '{ print NF }' pairs.out | sort -u)" = 2 ] && grep -q '^inf ' pairs.out \
  && pass "tm-kl pairwise: 2 x 2 with +inf where q = 0 < p" || fail "tm-kl pairwise: $(cat pairs.out)"
"$BIN/tm-kl" p.txt q.csv --mode all --base 2 > all.out
[ "$(head -1 all.out)" = "# kl rkl skl js jsd hellinger tv" ] && [ "$(wc -l < all.out)" = 3 ] \
  && pass "tm-kl all: header and one line per pair" || fail "tm-kl all: $(cat all.out)"
"$BIN/tm-kl" p.txt q.csv --mode pairwise --out d.npy && [ -s d.npy ] && pass "tm-kl writes .npy" || fail "tm-kl .npy"
printf '1 1 0\n2 3 5\n' > counts.txt
[ "$("$BIN/tm-kl" counts.txt p.txt --normalize --metric tv)" = "$(printf '0\n0')" ] \
  && pass "tm-kl --normalize divides by the sums" || fail "tm-kl --normalize"
"$BIN/tm-kl" p.txt q.csv --mode pairwise --zero epsilon=1e-6 | grep -q inf \
  && fail "epsilon policy left an inf" || pass "tm-kl --zero epsilon=E: finite"

bad_kl() {  # bad_kl NAME P_CONTENT REGEX [args]
  local name=$1 content=$2 regex=$3
  shift 3
  printf "$content" > "$name.txt"
  expect_exit 2 "$regex" "tm-kl $name" -- "$BIN/tm-kl" "$name.txt" q.csv --out "out.$name.txt" "$@"
  absent "out.$name.txt" "tm-kl $name"
}
bad_kl nan        '0.5 nan 0\n'            '^tm-kl: nan\.txt:1: value 2 is nan; expected a finite probability$'
bad_kl negative   '0.5 0.5 0\n1.2 -0.2 0\n' '^tm-kl: negative\.txt:2: value 2 is negative \(-0\.2'
bad_kl sum        '0.5 0.6 0\n0.2 0.3 0.5\n' '^tm-kl: sum\.txt:1: values sum to 1\.1.*ask to normalize'
bad_kl zero_row   '0 0 0\n0.2 0.3 0.5\n'     '^tm-kl: zero_row\.txt:1: all values are 0' --normalize
bad_kl width      '0.5 0.5\n0.2 0.8\n'       '^tm-kl: q\.csv:2: rows have 3 values; expected 2 like the rows of width\.txt$'
bad_kl ragged     '0.5 0.5 0\n1 0\n'         '^tm-kl: ragged\.txt:2: row has 2 values; expected 3'
bad_kl word       '0.5 half 0\n'             '^tm-kl: word\.txt:1: value 2 "half" is not a number$'
bad_kl empty      ''                         '^tm-kl: empty\.txt: no rows of numbers'
bad_kl count      '0.5 0.5 0\n'              '^tm-kl: q\.csv: has 2 rows; --mode rows pairs row i with row i and expected 1'
bad_kl mode       '0.5 0.5 0\n'              '^tm-kl: --mode: .cosine.; expected rows, pairwise or all$' --mode cosine
bad_kl metric     '0.5 0.5 0\n'              '^tm-kl: --metric: "l2" is not a metric; expected kl, rkl, skl, js, jsd, hellinger or tv' --metric l2
bad_kl zero_pol   '0.5 0.5 0\n'              "^tm-kl: zero policy 'epsilon=0' is not understood" --zero epsilon=0
bad_kl base       '0.5 0.5 0\n'              '^tm-kl: --base: "10" is not a base; expected e or 2' --base 10
expect_exit 2 '^tm-kl: missing\.txt: ' "tm-kl missing file" -- "$BIN/tm-kl" missing.txt q.csv
expect_exit 2 'x\.txt: cannot write' "tm-kl unwritable --out" -- "$BIN/tm-kl" p.txt q.csv --out /nonexistent/x.txt

# tm-similarity on a fitted model.
"$BIN/tm-fit" --corpus "$KJV" -k 8 --passes 5 --seed 3 --out model --quiet > /dev/null || fail "fit"
"$BIN/tm-similarity" --model model --top-k 3 --out nb.tsv --quiet || fail "neighbours"
[ "$(head -1 nb.tsv)" = "$(printf 'row\trank\tneighbour\tjs\trow_id\tneighbour_id')" ] \
  && [ "$(wc -l < nb.tsv)" = $((1189 * 3 + 1)) ] && grep -q "^0	1	[0-9]*	[0-9.e-]*	Genesis 1	" nb.tsv \
  && pass "tm-similarity --top-k: TSV with document ids" || fail "neighbour table: $(head -3 nb.tsv)"
"$BIN/tm-similarity" --model model --out js.npy --quiet && [ "$(stat -c %s js.npy)" -eq $((128 + 1189 * 1189 * 8)) ] \
  && pass "tm-similarity full .npy" || fail "full .npy ($(stat -c %s js.npy 2>/dev/null))"
"$BIN/tm-similarity" --model model --condensed --out c.npy --quiet \
  && [ "$(stat -c %s c.npy)" -eq $((128 + 1189 * 1188 / 2 * 8)) ] && pass "condensed .npy" || fail "condensed"
"$BIN/tm-similarity" --model model --topics --metric hellinger --similarity --out t.csv --quiet \
  && [ "$(wc -l < t.csv)" = 8 ] && [ "$(cut -d, -f1 t.csv | head -1)" = 1 ] \
  && pass "topic similarity CSV, 1 on the diagonal" || fail "topics csv: $(head -2 t.csv)"
"$BIN/tm-similarity" --model model --against model > self.txt \
  && grep -q '^# mean js over 8 matched pairs: 0$' self.txt \
  && [ "$(awk -F'\t' 'NR > 1 && NR <= 9 && $1 != $2' self.txt | wc -l)" = 0 ] \
  && pass "a model against itself: identity, 0" || fail "self match: $(cat self.txt)"
cut -f1 "$SRC/corpora/kjv/docs.kjv.tsv" | sed 's/ [0-9]*$//' > books.txt
"$BIN/tm-similarity" --model model --groups books.txt --svg drift.svg --out drift.tsv --quiet \
  && [ "$(grep -c -v '^#' drift.tsv)" -ge 66 ] && grep -q '<svg' drift.svg \
  && pass "topic drift table and plot" || fail "drift: $(head -3 drift.tsv)"

awk 'BEGIN { for (i = 0; i < 1000000; i++) print "0.25 0.75" }' > million.txt
expect_exit 2 'a 1000000 x 1000000 matrix needs 7\.45e\+03 GiB, more than the 8 GiB allowed; ask for the K nearest rows' \
  "refuses a 10^6 x 10^6 matrix before allocating" -- "$BIN/tm-similarity" --rows million.txt --out big.npy
absent big.npy "refused matrix"
expect_exit 2 'matrix needs .* GiB, more than the .* GiB allowed' "tm-kl refuses it too" \
  -- "$BIN/tm-kl" million.txt million.txt --mode pairwise --out big.npy
absent big.npy "tm-kl refused matrix"
expect_exit 2 '^tm-similarity: books\.txt: .*|groups: 1189 labels' "groups of the wrong length" \
  -- "$BIN/tm-similarity" --rows p.txt --groups books.txt
expect_exit 2 '^tm-similarity: give exactly one of a model directory and a file of rows$' "no input" -- "$BIN/tm-similarity"
expect_exit 2 '^tm-similarity: cannot list 5 nearest neighbours among 2 rows' "k too large" \
  -- "$BIN/tm-similarity" --rows p.txt --top-k 5
expect_exit 2 '^tm-similarity: nan\.txt:1: value 2 is nan' "NaN rows" -- "$BIN/tm-similarity" --rows nan.txt --out x.npy
absent x.npy "NaN rows"
expect_exit 2 'too large to print; write it to a \.npy file' "large matrix to stdout" -- "$BIN/tm-similarity" --model model
finish
