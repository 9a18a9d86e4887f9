# tm-fit --algorithm online as a user runs it: a model directory like the batch one whose gamma
# tm-infer reproduces, byte-identical results for any thread count, a corpus streamed from disk in
# bounded memory (peak within 10% when the file grows tenfold to over 100 MB), and clear refusals.
source "$(dirname "$0")/lib.sh"
cd "$WORK"
"$BIN/tm-fit" --corpus "$KJV" -k 8 --algorithm online --batch-size 100 --passes 3 --threads 1 \
  --heldout-fraction 0.05 --out m1 > fit.out 2> fit.err || fail "online fit: $(tail -1 fit.err)"
grep -q '^pass    3' fit.err && grep -q '^fold    3' fit.err && pass "a line per pass and the fold-in line" \
  || fail "progress lines: $(cat fit.err)"
grep -q 'held-out document-completion perplexity' fit.out && pass "held-out perplexity in the summary" || fail "summary"
awk -F, 'NR > 1 && $7 == "" { bad = 1 } END { exit bad || NR != 5 }' m1/elbo.csv \
  && pass "elbo.csv: heldout_perplexity on every line" || fail "elbo.csv: $(cat m1/elbo.csv)"
grep -q '"algorithm": "online"' m1/model.json && pass "model.json says online" || fail "model.json"
"$BIN/tm-topics" --model m1 > topics.out && pass "tm-topics loads the online model" || fail "tm-topics"
"$BIN/tm-fit" --corpus "$KJV" -k 8 --algorithm online --batch-size 100 --passes 3 --threads 2 \
  --heldout-fraction 0.05 --out m2 --quiet > /dev/null || fail "online fit, 2 threads"
cmp -s m1/lambda.npy m2/lambda.npy && cmp -s m1/gamma.npy m2/gamma.npy && cmp -s m1/docs.tsv m2/docs.tsv \
  && pass "--threads 1 and 2: identical lambda, gamma, docs" || fail "online fit depends on threads"
# The fold-in pass wrote gamma of the training documents (those not held out): tm-infer on the
# same documents gives the same bytes. Its ids say which they are.
awk -F'\t' 'NR == FNR { keep[$1] = 1; next } ($1 in keep) { print FNR }' m1/docs.tsv \
  "$SRC/corpora/kjv/docs.kjv.tsv" > kept.txt
awk 'NR == FNR { keep[$1] = 1; next } FNR > 3 && ($1 in keep)' kept.txt "$KJV" > body.txt
{ wc -l < kept.txt; sed -n 2p "$KJV"; wc -l < body.txt; cat body.txt; } > docword.kept.txt
# renumber documents 1..D in order
awk 'NR <= 3 { print; next } $1 != last { n++; last = $1 } { print n, $2, $3 }' docword.kept.txt > docword.train.txt
cp "$SRC/corpora/kjv/vocab.kjv.txt" vocab.train.txt
"$BIN/tm-infer" --model m1 --corpus docword.train.txt --out t.npy > /dev/null || fail "tm-infer"
cmp -s t.gamma.npy m1/gamma.npy && pass "tm-infer reproduces the online fit's gamma.npy" || fail "gamma differs"

# Refusals: entries out of document order cannot be streamed; a truncated file; bad options.
printf '2\n3\n3\n2 1 1\n1 2 1\n2 3 1\n' > docword.unsorted.txt
printf 'a\nb\nc\n' > vocab.unsorted.txt
expect_exit 2 'docword\.unsorted\.txt:4: document 2 comes before document 1 has any entry; a streamed corpus needs its entries grouped' \
  "out-of-order entries" -- "$BIN/tm-fit" --corpus docword.unsorted.txt -k 2 --algorithm online --out bad
absent bad "out-of-order entries"
head -n 100 "$KJV" > docword.cut.txt && cp "$SRC/corpora/kjv/vocab.kjv.txt" vocab.cut.txt
expect_exit 2 'docword\.cut\.txt:101: file ends after 97 entries; expected NNZ' "truncated corpus" -- \
  "$BIN/tm-fit" --corpus docword.cut.txt -k 2 --algorithm online --out bad
absent bad "truncated corpus"
expect_exit 2 '^tm-fit: --kappa: 0.3; expected a number in \(0.5, 1\]' "kappa outside (0.5, 1]" -- \
  "$BIN/tm-fit" --corpus "$KJV" -k 2 --algorithm online --kappa 0.3 --out bad
expect_exit 2 '^tm-fit: --algorithm: "gibbs" is not an algorithm; expected batch or online' "bad algorithm" -- \
  "$BIN/tm-fit" --corpus "$KJV" -k 2 --algorithm gibbs --out bad
expect_exit 2 '^tm-fit: --heldout-fraction: 1; expected a fraction in \[0, 1\)' "bad held-out fraction" -- \
  "$BIN/tm-fit" --corpus "$KJV" -k 2 --heldout-fraction 1 --out bad

# Bounded memory: an lda-c corpus of ~11 MB and one ten times larger (> 100 MB), 10 planted topics
# over 5000 words; the online fit's peak resident memory must not grow with the file.
make_corpus() {  # make_corpus DOCS FILE
  awk -v docs="$1" 'BEGIN { srand(7); for (d = 0; d < docs; d++) {
      t = int(rand() * 10); u = int(rand() * 10); n = 0; line = "";
      delete seen
      for (i = 0; i < 90; i++) { k = (rand() < 0.7) ? t : u; w = k * 500 + int(rand() * 500);
        if (!(w in seen)) { seen[w] = 0; n++ } seen[w]++ }
      for (w in seen) line = line " " w ":" seen[w]
      print n line } }' > "$2"
  awk 'BEGIN { for (w = 0; w < 5000; w++) print "w" w }' > "$2.vocab"
}
# Under AddressSanitizer the peak is the allocator's quarantine and shadow memory, which grow with
# the number of allocations over the run, not the program's own footprint: the release build's run
# of this script makes the check.
if ldd "$BIN/tm-fit" | grep -q libasan; then
  echo "skip: bounded-memory check (sanitizer build; asserted by the release build)"
  finish
fi
make_corpus 17500 small.ldac
make_corpus 175000 big.ldac
big_bytes=$(stat -c %s big.ldac)
[ "$big_bytes" -gt 100000000 ] && pass "big corpus is $big_bytes bytes" || fail "big corpus only $big_bytes bytes"
peak() { "$BIN/tm-fit" --corpus "$1" -k 10 --algorithm online --batch-size 1000 --passes 1 --seed 3 --out "$2" \
           --quiet | sed -n 's/^peak memory \([0-9]*\) MiB$/\1/p'; }
small_peak=$(peak small.ldac m_small)
big_peak=$(peak big.ldac m_big)
echo "peak resident memory: $small_peak MiB for $(stat -c %s small.ldac) bytes, $big_peak MiB for $big_bytes bytes"
# Run to run the peak moves by a few MiB either way (malloc's per-thread arenas, BLAS buffers: 22-25
# MiB for the same fit), so the bound is 10% + 4 MiB. Anything that grew with the documents would
# exceed it many times over: the 10x corpus's gamma alone is 13 MiB, its counts ~90 MB.
[ -n "$small_peak" ] && [ -n "$big_peak" ] && awk -v s="$small_peak" -v b="$big_peak" 'BEGIN { exit !(b <= 1.1 * s + 4) }' \
  && pass "peak memory within 10% + 4 MiB for a 10x corpus ($small_peak -> $big_peak MiB)" \
  || fail "peak memory grew: $small_peak -> $big_peak MiB"
head -c 200 m_big/docs.tsv > /dev/null && [ "$(wc -l < m_big/docs.tsv)" = 175000 ] && pass "docs.tsv streamed: 175000 lines" || fail "docs.tsv"
finish
