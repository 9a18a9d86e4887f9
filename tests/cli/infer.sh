# tm-infer as a user runs it: the training documents folded in again give the fit's gamma, theta
# rows sum to 1, --split is repeatable, --heldout takes the other halves from a file, raw text goes through the
# model's vocabulary with unknown words reported, and bad input exits 2 with nothing written.
source "$(dirname "$0")/lib.sh"
cd "$WORK"
"$BIN/tm-fit" --corpus "$KJV" -k 6 --passes 20 --moves 0 --out model --quiet > /dev/null || fail "fit"

"$BIN/tm-infer" --model model --corpus "$KJV" --out theta.npy > infer.out || fail "tm-infer"
cmp -s theta.gamma.npy model/gamma.npy && pass "training documents reproduce the fit's gamma.npy byte for byte" \
  || fail "gamma differs from the fit's"
[ "$(wc -l < theta.elbo.txt)" = 1189 ] && pass "one ELBO per document" || fail "theta.elbo.txt lines"
grep -q '^1189 documents (251837 tokens) folded into model (K = 6)' infer.out && pass "summary line" \
  || fail "summary: $(head -1 infer.out)"
"$BIN/tm-infer" --model model --corpus "$KJV" --out theta.txt --threads 1 > /dev/null || fail "text theta"
awk '{ s = 0; for (i = 1; i <= NF; i++) s += $i; if (NF != 6 || (s - 1) ^ 2 > 1e-24) bad = 1 } END { exit bad }' theta.txt \
  && pass "theta rows: K values summing to 1" || fail "theta rows"
"$BIN/tm-infer" --model model --corpus "$KJV" --out t2.npy --threads 2 > /dev/null
cmp -s t2.npy theta.npy && pass "--threads 1 and 2: identical theta" || fail "theta depends on threads"

# Document completion: --split S, and the same halves given as two files, give the same number.
"$BIN/tm-infer" --model model --corpus "$KJV" --split 3 --out s.npy > split.out || fail "--split"
perp=$(sed -n 's/.*perplexity \([0-9.]*\)$/\1/p' split.out)
[ -n "$perp" ] && awk -v p="$perp" 'BEGIN { exit !(p > 1 && p < 4445) }' && pass "--split: perplexity $perp" \
  || fail "--split output: $(cat split.out)"
"$BIN/tm-infer" --model model --corpus "$KJV" --split 3 --out s2.npy > split2.out
[ "$(grep perplexity split.out)" = "$(grep perplexity split2.out)" ] && pass "--split: same seed, same number" || fail "--split not repeatable"

# --heldout: the whole documents as their own held-out halves score better than the split halves.
"$BIN/tm-infer" --model model --corpus "$KJV" --heldout "$KJV" --out h.npy > heldout.out || fail "--heldout"
hp=$(sed -n 's/.*perplexity \([0-9.]*\)$/\1/p' heldout.out)
[ -n "$hp" ] && awk -v a="$hp" -v b="$perp" 'BEGIN { exit !(a < b) }' && pass "--heldout: perplexity $hp (seen words) < $perp" \
  || fail "--heldout output: $(cat heldout.out)"

# Halves given as two lda-c files; a held-out half may be empty (a one-token document).
head -3 "$SRC/corpora/kjv/vocab.kjv.txt" > v3.txt
printf '2 0:3 1:1\n1 2:1\n' > obs.ldac && printf '1 0:2\n0\n' > held.ldac
"$BIN/tm-infer" --model model --corpus obs.ldac --heldout held.ldac --vocab v3.txt --out halves.npy > halves.out \
  && grep -q 'document completion: 2 held-out tokens in 1 documents' halves.out \
  && pass "--heldout: lda-c halves, an empty one included" || fail "--heldout halves: $(cat halves.out)"

# Raw text through the model's vocabulary; unknown words counted, never mapped to another word.
printf 'd1\tthe moses zzyzx zzyzx\nd2\tjesus answered qqqword\n' > new.txt
"$BIN/tm-infer" --model model --corpus new.txt --columns id-text --out new.npy > new.out || fail "raw text"
grep -q 'corpus: 3 of 6 tokens (2 distinct words) are not in the model' new.out && pass "unknown words reported" \
  || fail "unknown words: $(cat new.out)"

# Bad input: one line, exit 2, nothing written.
expect_exit 2 '^tm-infer: nomodel: is not a model directory' "missing model" -- \
  "$BIN/tm-infer" --model nomodel --corpus "$KJV" --out x.npy
absent x.npy "missing model"
expect_exit 2 '^tm-infer: --split: and a held-out file both given' "both --heldout and --split" -- \
  "$BIN/tm-infer" --model model --corpus "$KJV" --heldout "$KJV" --split 1 --out x.npy
printf 'a\tlord\n' > one.txt
expect_exit 2 'one\.txt: holds 1 documents; expected 1189' "held-out of another length" -- \
  "$BIN/tm-infer" --model model --corpus "$KJV" --heldout one.txt --columns id-text --out x.npy
absent x.npy "held-out of another length"
expect_exit 2 '^tm-infer: .*nodir/x\.npy' "unwritable output" -- \
  "$BIN/tm-infer" --model model --corpus "$KJV" --out nodir/x.npy
expect_exit 2 'estep-tol' "bad tolerance" -- \
  "$BIN/tm-infer" --model model --corpus "$KJV" --estep-tol -1 --out x.npy
cp -r model damaged && printf 'x' >> damaged/lambda.npy
expect_exit 2 'lambda\.npy: sha256 does not match' "damaged model" -- \
  "$BIN/tm-infer" --model damaged --corpus "$KJV" --out x.npy
absent x.npy "damaged model"
finish
