# Raw text to topics: tm-import, tm-fit on the imported corpus and on the raw text directly,
# tm-topics on the model (with coherence from the recorded corpus), and a damaged model refused.
source "$(dirname "$0")/lib.sh"
cd "$WORK"
cp "$SRC/tests/cli/fixtures/themes.tsv" themes.tsv
"$BIN/tm-import" --corpus themes.tsv --min-df 2 --out docword.themes.txt > import.txt || fail "tm-import"
grep -q '^36 documents' import.txt && pass "tm-import summary" || fail "tm-import summary: $(cat import.txt)"
for f in docword.themes.txt vocab.themes.txt docs.themes.tsv; do [ -s "$f" ] && pass "$f written" || fail "$f missing"; done
grep -qx 'crème' vocab.themes.txt && grep -qx 'brûlée' vocab.themes.txt && pass "UTF-8 words kept whole" || fail "UTF-8 words"
grep -qx 'the' vocab.themes.txt && fail "stop word 'the' kept" || pass "stop words dropped"
[ "$(head -1 docs.themes.tsv)" = "$(printf 'doc01\tsea')" ] && pass "ids and labels" || fail "docs table: $(head -1 docs.themes.tsv)"

"$BIN/tm-fit" --corpus docword.themes.txt -k 3 --out model --seed 3 > fit.txt 2> fit.err || fail "tm-fit: $(cat fit.err)"
grep -q 'stopped by the ELBO rule' fit.txt && pass "tm-fit says which rule stopped it" || fail "tm-fit summary: $(head -3 fit.txt)"
grep -Eq '^pass +[0-9]+  elbo' fit.err && grep -q '^warm 1/' fit.err && pass "warm-up and per-pass progress lines" || fail "no per-pass lines on stderr"
for f in model.json lambda.npy gamma.npy vocab.txt docs.tsv elbo.csv elbo.svg topics.txt; do [ -s "model/$f" ] && pass "model/$f" || fail "model/$f missing"; done
grep -q '"format_version": 1' model/model.json && grep -q '"fingerprint"' model/model.json && pass "model.json fields" || fail "model.json"
awk -F, 'NR > 2 && $6 != "join" && $2 < prev - 1e-9 * (prev < 0 ? -prev : prev) { bad = 1 } NR > 1 { prev = $2 } END { exit bad }' model/elbo.csv \
  && pass "elbo.csv never decreases, fold-in included" || fail "elbo.csv decreases"
# The three themes are three topics: each theme's marker word leads one topic.
for word in sailor farmer espresso; do grep -q " $word(" model/topics.txt && pass "topic with $word" || fail "no topic shows $word"; done

"$BIN/tm-fit" --corpus themes.tsv --min-df 2 -k 3 --out model_raw --seed 3 --quiet > /dev/null || fail "tm-fit on raw text"
cmp -s model/lambda.npy model_raw/lambda.npy && pass "raw text fit equals imported fit" || fail "raw text fit differs from imported fit"

"$BIN/tm-topics" --model model --top 5 > topics.txt || fail "tm-topics"
grep -Eq '^ +0 +[0-9.]+% +-?[0-9.]+ +-?[0-9.]+ ' topics.txt && pass "tm-topics shows coherence" || fail "tm-topics output: $(head -3 topics.txt)"
"$BIN/tm-topics" --model model --no-coherence --relevance 0.6 --out table.txt > /dev/null && [ -s table.txt ] && pass "tm-topics --out" || fail "tm-topics --out"
expect_exit 2 'tm-topics: --relevance: ' bad_relevance -- "$BIN/tm-topics" --model model --relevance 2
cp -r model damaged && printf 'x' >> damaged/lambda.npy
expect_exit 2 'damaged/lambda\.npy: sha256 does not match model\.json' damaged_model -- "$BIN/tm-topics" --model damaged
expect_exit 2 'nowhere: is not a model directory' missing_model -- "$BIN/tm-topics" --model nowhere

"$BIN/tm-import" --corpus docword.themes.txt --to ldac --out themes.ldac > /dev/null && "$BIN/tm-import" --corpus themes.ldac --to mm --out themes.mtx > /dev/null \
  && "$BIN/tm-import" --corpus themes.mtx --out docword.back.txt > /dev/null && cmp -s docword.themes.txt docword.back.txt \
  && pass "uci -> ldac -> mm -> uci round trip" || fail "format round trip"
expect_exit 2 "tm-import: --to: \"text\" cannot be written" bad_to -- "$BIN/tm-import" --corpus themes.tsv --to text --out x
expect_exit 2 'themes\.tsv:37: expected 3 tab-separated columns' bad_columns -- bash -c "printf 'no tabs\n' >> themes.tsv; '$BIN/tm-import' --corpus themes.tsv --out y.txt"
absent y.txt "bad_columns"
finish
