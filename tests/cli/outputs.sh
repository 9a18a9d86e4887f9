# Nothing a user owns is lost: every app writes only where nothing is, into an empty directory, or
# over an earlier output of its own (named in the output's manifest), else --force; an output that
# is, holds or lies inside an input is refused always. Bad numbers get one line and exit 2 (no
# unsigned wrap-around); options that do nothing alone are refused. A model fitted from raw text
# opens in tm-topics and tm-infer without repeating the tokenizer options.
source "$(dirname "$0")/lib.sh"
cd "$WORK"
mkdir data && cp "$KJV" "$SRC/corpora/kjv/vocab.kjv.txt" "$SRC/corpora/kjv/docs.kjv.tsv" data/
CORPUS=data/docword.kjv.txt
FIT=("$BIN/tm-fit" --corpus "$CORPUS" -k 4 --passes 12 --quiet)

# A directory of the user's: refused, its files intact; --force replaces it.
mkdir mine && echo "my notes" > mine/notes.txt
expect_exit 2 '^tm-fit: --out mine: exists and is not a tm-fit output \(no model\.json written by tm-fit\); choose a new or empty directory, or add --force' \
  "user's directory" -- "${FIT[@]}" --out mine
[ "$(cat mine/notes.txt)" = "my notes" ] && pass "the user's file survives" || fail "the user's file is gone"
"${FIT[@]}" --out mine --force > /dev/null && [ -f mine/model.json ] && [ ! -e mine/notes.txt ] \
  && pass "--force replaces it" || fail "--force"

# The corpus beside --out, or --out holding the corpus: refused, even forced.
expect_exit 2 '^tm-fit: --out data: holds an input of this run \(--corpus data/docword\.kjv\.txt\)' \
  "--out holding the corpus" -- "${FIT[@]}" --out data --force
cmp -s "$CORPUS" "$KJV" && pass "the corpus survives" || fail "the corpus is gone"

# A new directory, an empty one, an earlier model: all fine.
"${FIT[@]}" --out model > /dev/null && pass "new directory" || fail "new directory"
mkdir empty && "${FIT[@]}" --out empty > /dev/null && pass "empty directory" || fail "empty directory"
"${FIT[@]}" --out model --seed 2 > /dev/null && pass "an earlier model is replaced" || fail "rerun over a model"
model_digest=$(tree_digest model)

# Other apps over the model: refused, and the model still opens.
expect_exit 2 '^tm-cluster: --out model: is an input of this run \(--model model\)' "tm-cluster --out = --model" \
  -- "$BIN/tm-cluster" --model model --out model --quiet
expect_exit 2 '^tm-select: --out model: exists and is not a tm-select output' "tm-select over a model" \
  -- "$BIN/tm-select" --corpus "$CORPUS" -k 2,3 --passes 5 --out model --quiet
expect_exit 2 '^tm-infer: --out model/lambda\.npy: lies inside an input of this run \(--model model\)' \
  "tm-infer --out inside the model" -- "$BIN/tm-infer" --model model --corpus "$CORPUS" --out model/lambda.npy
expect_exit 2 '^tm-topics: --out model/topics\.txt: lies inside an input' "tm-topics --out inside the model" \
  -- "$BIN/tm-topics" --model model --out model/topics.txt
[ "$(tree_digest model)" = "$model_digest" ] && "$BIN/tm-topics" --model model > /dev/null \
  && pass "the model is intact and opens" || fail "the model was changed"

# tm-cluster and tm-select replace their own earlier outputs, and nothing else.
"$BIN/tm-cluster" --model model --out clusters --quiet > /dev/null && [ -f clusters/cluster.json ] \
  && "$BIN/tm-cluster" --model model --clusters 3 --out clusters --quiet > /dev/null \
  && pass "tm-cluster replaces its own output" || fail "tm-cluster rerun"
expect_exit 2 '^tm-cluster: --out mine: exists and is not a tm-cluster output' "tm-cluster over a model" \
  -- "$BIN/tm-cluster" --model model --out mine --quiet

# File outputs: never an input, never a directory.
printf '0.5 0.5\n0.25 0.75\n' > p.txt
expect_exit 2 '^tm-kl: --out p\.txt: is an input of this run \(P p\.txt\)' "tm-kl --out = P" -- "$BIN/tm-kl" p.txt p.txt --out p.txt
[ "$(cat p.txt)" = "$(printf '0.5 0.5\n0.25 0.75')" ] && pass "P survives" || fail "P overwritten"
expect_exit 2 '^tm-import: --out data/docword\.kjv\.txt: is an input' "tm-import --out = --corpus" \
  -- "$BIN/tm-import" --corpus "$CORPUS" --out data/docword.kjv.txt
cp data/vocab.kjv.txt kv.vocab
expect_exit 2 '^tm-import: --out \(its vocabulary\) kv\.vocab: is an input of this run \(--vocab kv\.vocab\)' \
  "tm-import whose vocabulary would replace the input's" -- "$BIN/tm-import" --corpus "$CORPUS" --vocab kv.vocab --to ldac --out kv
absent kv "tm-import onto its vocabulary"
expect_exit 2 '^tm-similarity: --out mine: is a directory; expected a file name' "file output onto a directory" \
  -- "$BIN/tm-similarity" --model model --topics --out mine
cmp -s "$CORPUS" "$KJV" && cmp -s data/vocab.kjv.txt "$SRC/corpora/kjv/vocab.kjv.txt" && pass "corpus and vocabulary intact" \
  || fail "corpus files changed"
expect_exit 2 '^tm-select: --out mine: is a directory' "tm-select --pointwise --out DIR fails before any work" \
  -- "$BIN/tm-select" --pointwise "$SRC/tests/reference/loo/normal_ll.npy" --out mine
[ ! -s stdout ] && pass "... and printed nothing first" || fail "tm-select printed results before failing"

# Numbers checked by type and range: no wrap-around, ranges from the math.
expect_exit 2 '^tm-fit: -k: "-3" is not a whole number' "negative K" -- "${FIT[@]}" -k -3 --out bad
expect_exit 2 '^tm-fit: --seed: "-1" is not a whole number' "negative seed" -- "${FIT[@]}" --seed -1 --out bad
expect_exit 2 '^tm-fit: --passes: 0; expected at least 1 pass' "zero passes" -- "$BIN/tm-fit" --corpus "$CORPUS" -k 4 --passes 0 --out bad
expect_exit 2 '^tm-fit: --estep-max-iter: 0; expected at least 1' "zero E-step iterations" -- "${FIT[@]}" --estep-max-iter 0 --out bad
expect_exit 2 '^tm-fit: --kappa: 0\.3; expected a number in \(0\.5, 1\]' "kappa" -- "${FIT[@]}" --algorithm online --kappa 0.3 --out bad
expect_exit 2 '^tm-topics: --top: "-5" is not a whole number' "negative --top" -- "$BIN/tm-topics" --model model --top -5
expect_exit 2 '^tm-similarity: --top-k: "-1" is not a whole number' "negative --top-k" -- "$BIN/tm-similarity" --model model --top-k -1
expect_exit 2 '^tm-infer: --split: "-1" is not a whole number' "negative --split" -- "$BIN/tm-infer" --model model --corpus "$CORPUS" --split -1 --out t.npy
expect_exit 2 '^tm-similarity: --svg does nothing without --groups' "--svg alone" -- "$BIN/tm-similarity" --model model --svg d.svg
absent bad "bad numbers"
absent d.svg "--svg alone"

# Raw text: the tokenizer and vocabulary rules are kept in the model.
cp "$SRC/tests/cli/fixtures/themes.tsv" themes.tsv
"$BIN/tm-fit" --corpus themes.tsv --min-df 3 --no-stop-words --min-length 3 -k 3 --out text_model --quiet > /dev/null || fail "raw-text fit"
grep -q '"min_length": 3' text_model/model.json && pass "model.json records the tokenizer" || fail "no tokenizer in model.json"
"$BIN/tm-topics" --model text_model > topics.out 2>&1 && grep -q 'umass' topics.out \
  && pass "tm-topics opens it without repeating the options" || fail "tm-topics: $(tail -1 topics.out)"
"$BIN/tm-infer" --model text_model --corpus themes.tsv --out theta.npy > infer.out || fail "tm-infer on the training text"
cmp -s theta.gamma.npy text_model/gamma.npy && pass "tm-infer on the training text reproduces gamma.npy" \
  || fail "tm-infer on raw text tokenizes differently"

# Outputs that say what they did.
printf 'doc1\tx\tqqqq zzzz\n' > unknown.tsv
"$BIN/tm-infer" --model text_model --corpus unknown.tsv --out none.npy > none.out 2> none.err \
  && grep -q 'warning: 1 of 1 documents hold no word the model knows' none.err \
  && pass "tm-infer warns about documents with no known word" || fail "no warning: $(cat none.err)"
"$BIN/tm-kl" p.txt p.txt --out kl.npy > kl.out && grep -q 'written to kl.npy' kl.out \
  && pass "tm-kl says on stdout where the result went" || fail "tm-kl summary: $(cat kl.out)"
"$BIN/tm-fit" --corpus "$CORPUS" -k 6 --stop elbo --tol 0 --passes 14 --move-passes 8 --out budget --quiet > budget.out \
  && grep -q 'the pass budget (14) ran out before the ELBO stopping rule was met' budget.out \
  && grep -q 'the pass budget ended them' budget.out \
  && pass "the summary says the pass budget ended the fit and its moves" || fail "budget summary: $(head -2 budget.out)"
cut -f2 model/docs.tsv > books.txt
"$BIN/tm-similarity" --model model --groups books.txt --svg drift.svg --out drift.txt > /dev/null \
  && grep -q 'Genesis → Exodus' drift.svg && pass "the drift chart names its steps by group" || fail "drift.svg labels"
"$BIN/tm-select" --corpus "$CORPUS" -k 2,3 --passes 6 --out sel --quiet > /dev/null \
  && grep -q '"kfold_seconds": null' sel/selection.json && grep -q '"written_by": "tm-select"' sel/selection.json \
  && pass "selection.json: kfold_seconds null without --kfold, written_by" || fail "selection.json fields"
# Chapters of hundreds of tokens: most documents have Pareto k-hat > 0.7, so the PSIS-LOO choice
# is marked, not offered as if it could be trusted.
grep -q 'PSIS-LOO (max) .*UNRELIABLE: [0-9]* of [0-9]* documents have k-hat > 0.7' sel/summary.txt \
  && tr -d ' \n' < sel/selection.json | grep -q '"choice_unreliable":\["elpd_loo"\]' \
  && pass "an unreliable PSIS-LOO choice is marked" || fail "PSIS-LOO choice not marked: $(grep PSIS sel/summary.txt)"
finish
