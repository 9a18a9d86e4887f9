# The .tmc binary corpus as a user meets it: tm-import writes it, every app reads it (batch and
# online fits give the same model as from the UCI files), UCI -> .tmc -> UCI gives the same files
# back, and a truncated or corrupted .tmc is refused with one line and nothing written.
source "$(dirname "$0")/lib.sh"
cd "$WORK"
"$BIN/tm-import" --corpus "$KJV" --to tmc --out kjv.tmc > import.out || fail "tm-import --to tmc"
grep -q '1189 documents, 4445 words, .* written to kjv.tmc (vocabulary and document table inside)' import.out \
  && pass "tm-import --to tmc summary" || fail "summary: $(cat import.out)"
[ ! -e kjv.tmc.vocab ] && [ ! -e kjv.tmc.docs.tsv ] && pass "one file, no companions" || fail "companion files written"

"$BIN/tm-import" --corpus kjv.tmc --out docword.back.txt > /dev/null || fail "tm-import from .tmc"
cmp -s docword.back.txt "$KJV" && cmp -s vocab.back.txt "$SRC/corpora/kjv/vocab.kjv.txt" \
  && cmp -s docs.back.tsv "$SRC/corpora/kjv/docs.kjv.tsv" \
  && pass "UCI -> .tmc -> UCI: docword, vocab and docs byte-identical" || fail "round trip differs"

# Raw text -> .tmc -> UCI gives what raw text -> UCI gives.
printf 'a1\tpsalms\tthe lord is my shepherd i shall not want\na2\tgospel\tin the beginning was the word\na3\tpsalms\tthe lord my shepherd shall lead\n' > texts.tsv
"$BIN/tm-import" --corpus texts.tsv --columns id-label-text --to tmc --out texts.tmc > /dev/null \
  && "$BIN/tm-import" --corpus texts.tmc --out docword.via.txt > /dev/null \
  && "$BIN/tm-import" --corpus texts.tsv --columns id-label-text --out docword.direct.txt > /dev/null \
  || fail "raw text imports"
cmp -s docword.via.txt docword.direct.txt && cmp -s vocab.via.txt vocab.direct.txt && cmp -s docs.via.tsv docs.direct.tsv \
  && pass "raw text -> .tmc -> UCI equals raw text -> UCI (ids and labels kept)" || fail "text round trip differs"

# Every app reads it: fits from .tmc and from UCI are the same model.
for algorithm in batch online; do
  "$BIN/tm-fit" --corpus "$KJV" -k 6 --passes 4 --algorithm $algorithm --quiet --out uci-$algorithm > /dev/null \
    || fail "fit of UCI ($algorithm)"
  "$BIN/tm-fit" --corpus kjv.tmc -k 6 --passes 4 --algorithm $algorithm --quiet --out tmc-$algorithm > /dev/null \
    || fail "fit of .tmc ($algorithm)"
  cmp -s uci-$algorithm/lambda.npy tmc-$algorithm/lambda.npy && cmp -s uci-$algorithm/gamma.npy tmc-$algorithm/gamma.npy \
    && cmp -s uci-$algorithm/docs.tsv tmc-$algorithm/docs.tsv \
    && pass "$algorithm fit of .tmc equals the fit of the UCI files" || fail "$algorithm fits differ"
done
"$BIN/tm-infer" --model uci-batch --corpus kjv.tmc --out a.npy > /dev/null \
  && "$BIN/tm-infer" --model uci-batch --corpus "$KJV" --out b.npy > /dev/null \
  && cmp -s a.npy b.npy && pass "tm-infer reads .tmc" || fail "tm-infer on .tmc"
"$BIN/tm-topics" --model uci-batch --corpus kjv.tmc > topics.out && grep -q -i 'npmi' topics.out \
  && pass "tm-topics coherence from .tmc" || fail "tm-topics --corpus .tmc: $(tail -2 topics.out)"

# Refusals, with nothing written.
size=$(stat -c %s kjv.tmc)
head -c $((size - 1000)) kjv.tmc > cut.tmc
expect_exit 2 "^tm-fit: cut\.tmc: is $((size - 1000)) bytes; its header says $size \(the file is truncated\)$" \
  "truncated .tmc" -- "$BIN/tm-fit" --corpus cut.tmc -k 3 --out bad
absent bad "truncated .tmc"
cp kjv.tmc bad.tmc
printf '\xff\xff' | dd of=bad.tmc bs=1 seek=$((size / 2)) conv=notrunc status=none
for algorithm in batch online; do
  expect_exit 2 '^tm-fit: bad\.tmc: documents [0-9]+ to [0-9]+: checksum does not match; the file is corrupted$' \
    "corrupted .tmc ($algorithm)" -- "$BIN/tm-fit" --corpus bad.tmc -k 3 --algorithm $algorithm --out bad
  absent bad "corrupted .tmc ($algorithm)"
done
cp -r uci-batch kept && before=$(tree_digest kept)
expect_exit 2 'checksum does not match' "corrupted .tmc over an existing model" -- \
  "$BIN/tm-fit" --corpus bad.tmc -k 3 --out kept
[ "$(tree_digest kept)" = "$before" ] && pass "existing model untouched" || fail "existing model changed"
expect_exit 2 '^tm-fit: --vocab: kjv\.tmc is a \.tmc corpus, which holds its vocabulary$' "--vocab with .tmc" -- \
  "$BIN/tm-fit" --corpus kjv.tmc --vocab "$SRC/corpora/kjv/vocab.kjv.txt" -k 3 --out bad
expect_exit 2 '^tm-import: --to: "xml" cannot be written; expected uci, ldac, mm or tmc$' "--to xml" -- \
  "$BIN/tm-import" --corpus "$KJV" --to xml --out x
finish
