# Every kind of bad input to tm-fit: one line naming the file, line and problem; exit code 2; no
# output written; an existing model at --out left exactly as it was.
source "$(dirname "$0")/lib.sh"
cd "$WORK"
printf 'alpha\nbeta\ngamma\ndelta\n' > vocab.good.txt
printf '3\n4\n5\n1 1 2\n1 3 1\n2 4 5\n3 2 1\n3 1 7\n' > docword.good.txt
"$BIN/tm-fit" --corpus docword.good.txt -k 2 --out model --quiet > /dev/null || fail "fitting the good corpus"
before=$(tree_digest model)

bad() {  # bad NAME DOCWORD_CONTENT REGEX [extra tm-fit args]
  local name=$1 content=$2 regex=$3
  shift 3
  cp vocab.good.txt "vocab.$name.txt"
  printf "$content" > "docword.$name.txt"
  expect_exit 2 "$regex" "$name" -- "$BIN/tm-fit" --corpus "docword.$name.txt" -k 2 --out model --quiet "$@"
}
bad truncated    '2\n4\n3\n1 1 2\n1 3 1\n'      'docword\.truncated\.txt:6: file ends after 2 entries; expected NNZ = 3 \(is the file truncated\?\)$'
bad word_range   '2\n4\n2\n1 1 2\n2 9 1\n'      'docword\.word_range\.txt:5: word id 9 is out of range; expected 1\.\.4$'
bad doc_range    '2\n4\n2\n1 1 2\n3 1 1\n'      'docword\.doc_range\.txt:5: document id 3 is out of range; expected 1\.\.2$'
bad negative     '2\n4\n2\n1 1 -3\n2 1 1\n'     'docword\.negative\.txt:4: count "-3" is negative; expected a positive integer$'
bad non_numeric  '2\n4\n2\n1 1 many\n2 1 1\n'   'docword\.non_numeric\.txt:4: count "many" is not a number; expected a positive integer$'
bad fraction     '2\n4\n2\n1 1 0.5\n2 1 1\n'    'docword\.fraction\.txt:4: count "0\.5" is not a whole number'
bad zero_count   '2\n4\n2\n1 1 0\n2 1 1\n'      'docword\.zero_count\.txt:4: count "0" is not positive'
bad empty_doc    '3\n4\n2\n1 1 2\n3 1 1\n'      'docword\.empty_doc\.txt: document 2 has no words'
bad no_docs      '0\n4\n0\n'                    'docword\.no_docs\.txt:1: D = 0: the corpus holds no documents'
bad bad_header   '2\nfour\n2\n'                 'docword\.bad_header\.txt:2: "four" is not a header number; expected the vocabulary size W$'
bad short_header '2\n'                          'docword\.short_header\.txt:2: file ends in the header'
bad extra_field  '1\n4\n1\n1 1 1 9\n'           'docword\.extra_field\.txt:4: "1 1 1 9" has 4 fields; expected "docID wordID count"$'
expect_exit 2 '^tm-fit: -k: 9 topics is more than the vocabulary has words \(V = 4\); expected 1 <= K <= V$' k_above_v \
  -- "$BIN/tm-fit" --corpus docword.good.txt -k 9 --out model
expect_exit 2 '^tm-fit: -k: 0 topics; expected K >= 1$' k_zero -- "$BIN/tm-fit" --corpus docword.good.txt -k 0 --out model
bad alpha        '1\n4\n1\n1 1 1\n'             '^tm-fit: --alpha: "-1" is not valid' --alpha -1
bad eta_nan      '1\n4\n1\n1 1 1\n'             '^tm-fit: --eta: "nan" is not valid' --eta nan
bad tolerance    '1\n4\n1\n1 1 1\n'             '^tm-fit: --tol: -1 is negative' --tol -1
bad threads      '1\n4\n1\n1 1 1\n'             '^tm-fit: --threads: -2' --threads -2
printf 'alpha\nbeta\n' > vocab.short_vocab.txt
printf '1\n4\n1\n1 1 1\n' > docword.short_vocab.txt
expect_exit 2 'vocab\.short_vocab\.txt: has 2 words; expected W = 4' short_vocab -- "$BIN/tm-fit" --corpus docword.short_vocab.txt -k 2 --out model
expect_exit 2 'missing\.txt: does not exist' missing_corpus -- "$BIN/tm-fit" --corpus missing.txt -k 2 --out model
printf 'the of and\nto be or not\n' > stopwords_only.txt
expect_exit 2 'stopwords_only\.txt: the 2 documents hold no word the tokenizer keeps' stop_words_only -- "$BIN/tm-fit" --corpus stopwords_only.txt -k 2 --out model
printf '' > empty.txt
expect_exit 2 'empty\.txt: is empty' empty_file -- "$BIN/tm-fit" --corpus empty.txt -k 2 --out model
printf '2 0:1 1:1\n1 9:1\n' > bad.ldac; cp vocab.good.txt bad.ldac.vocab
expect_exit 2 'bad\.ldac:2: word id 9 is out of range; expected 0\.\.3$' ldac_range -- "$BIN/tm-fit" --corpus bad.ldac -k 2 --out model
printf '%%%%MatrixMarket matrix coordinate real general\n2 4 2\n1 1 1\n2 2 -1\n' > bad.mtx; cp vocab.good.txt bad.mtx.vocab
expect_exit 2 'bad\.mtx:4: count "-1" is negative' mm_negative -- "$BIN/tm-fit" --corpus bad.mtx -k 2 --out model

after=$(tree_digest model)
[ "$before" = "$after" ] && pass "existing model untouched by every failed run" || fail "the existing model changed"
leftovers=$(ls -d model.tmp-* 2>/dev/null | wc -l)
[ "$leftovers" -eq 0 ] && pass "no temporary directories left" || fail "$leftovers temporary directories left"

# Unwritable output: a path under a regular file. Nothing is fitted first.
touch plainfile
expect_exit 2 'plainfile/model: cannot create the output directory here' unwritable_out -- "$BIN/tm-fit" --corpus docword.good.txt -k 2 --out plainfile/model
absent plainfile/model "unwritable_out"

# Bytes that are not text are refused for what they are, whatever the file is called: random bytes
# (with and without NUL bytes), a PNG, a gzip of random bytes, a damaged or cut gzip, a corpus
# compressed twice, a binary matrix given to tm-kl.
head -c 100000 /dev/urandom > random.txt
expect_exit 2 'random\.txt: (holds binary data|[0-9]+ of its first [0-9]+ bytes are not UTF-8)' random_bytes \
  -- "$BIN/tm-fit" --corpus random.txt -k 2 --out random_model
absent random_model "random_bytes"
head -c 100000 /dev/urandom | tr -d '\000' > random_nonul.txt
expect_exit 2 'random_nonul\.txt: [0-9]+ of its first [0-9]+ bytes are not UTF-8' random_no_nul \
  -- "$BIN/tm-fit" --corpus random_nonul.txt -k 2 --out random_model
{ printf '\211PNG\r\n\032\n\000\000\000\rIHDR'; head -c 5000 /dev/urandom; } > picture.png
expect_exit 2 'picture\.png: holds binary data \(a NUL byte at offset 8\)' png_corpus \
  -- "$BIN/tm-fit" --corpus picture.png -k 2 --out random_model
head -c 100000 /dev/urandom | gzip -c > garbage.gz
expect_exit 2 'garbage\.gz: (holds binary data|[0-9]+ of its first [0-9]+ bytes are not UTF-8)' gzip_of_garbage \
  -- "$BIN/tm-fit" --corpus garbage.gz -k 2 --out random_model
absent random_model "gzip_of_garbage"
cp "$SRC/corpora/kjv/vocab.kjv.txt" "$SRC/corpora/kjv/docs.kjv.tsv" .
gzip -c "$KJV" > docword.kjv.txt.gz
head -c 20000 docword.kjv.txt.gz > docword.cut.txt
expect_exit 2 'docword\.cut\.txt: ends in the middle of its gzip data; the file is truncated' cut_gzip \
  -- "$BIN/tm-fit" --corpus docword.cut.txt --vocab vocab.kjv.txt -k 2 --out gz_model
{ head -c 12 docword.kjv.txt.gz; head -c 3000 /dev/urandom; } > docword.bad.txt
expect_exit 2 'docword\.bad\.txt: is not valid gzip data \(.*\); the file is damaged' damaged_gzip \
  -- "$BIN/tm-fit" --corpus docword.bad.txt --vocab vocab.kjv.txt -k 2 --out gz_model
gzip -c docword.kjv.txt.gz > twice.gz
expect_exit 2 'twice\.gz: is gzip-compressed twice; .*unpack it first \(e\.g\. gunzip -c twice\.gz \| gunzip\)' gzip_twice \
  -- "$BIN/tm-fit" --corpus twice.gz --vocab vocab.kjv.txt -k 2 --out gz_model
absent gz_model "damaged gzip"
# A compressed corpus is read as its content, judged by magic bytes, not by name: gzip (named .gz
# or .txt), bzip2 and xz fit to the same model as the plain file, byte for byte.
"$BIN/tm-fit" --corpus "$KJV" -k 4 --passes 3 --out plain_model -q > /dev/null 2>&1 || fail "plain fit"
cp docword.kjv.txt.gz plain_name.txt
bzip2 -c "$KJV" > docword.kjv.txt.bz2
xz -c "$KJV" > docword.kjv.txt.xz
for packed in docword.kjv.txt.gz plain_name.txt docword.kjv.txt.bz2 docword.kjv.txt.xz; do
  rm -rf packed_model
  if ! "$BIN/tm-fit" --corpus "$packed" --vocab vocab.kjv.txt \
      -k 4 --passes 3 --out packed_model -q > /dev/null 2>"$WORK/packed.err"; then
    fail "compressed corpus $packed: $(head -c 300 "$WORK/packed.err")"
    continue
  fi
  same=1
  files="gamma.npy lambda.npy topics.txt vocab.txt"
  [ "$packed" = plain_name.txt ] || files="$files docs.tsv"  # docs.kjv.tsv is found by UCI's naming
  for f in $files; do
    cmp -s "plain_model/$f" "packed_model/$f" || { same=0; fail "compressed corpus $packed: $f differs"; }
  done
  fingerprint() { grep -o '"fingerprint": *"[^"]*"' "$1/model.json"; }
  [ "$(fingerprint plain_model)" = "$(fingerprint packed_model)" ] || { same=0; fail "compressed corpus $packed: fingerprint differs"; }
  [ "$same" -eq 1 ] && pass "compressed corpus $packed fits to the plain file's model"
done
expect_exit 2 'random\.txt: (holds binary data|[0-9]+ of its first)' binary_matrix \
  -- "$BIN/tm-kl" random.txt random.txt
# A fit whose arrays would exceed --max-memory is refused before anything is allocated or written.
expect_exit 2 'tm-fit: --max-memory: a fit of K = 500 topics over V = 4445 words and D = 1189 documents needs [0-9.]+ GiB, more than the 0.0977 GiB allowed; lower K' fit_memory \
  -- "$BIN/tm-fit" --corpus "$KJV" -k 500 --max-memory 100M --out big_model
absent big_model "fit_memory"
finish
