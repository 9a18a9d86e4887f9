# Every command of docs/tutorials/walkthrough.md, run as written (its ```sh blocks, in order, from an
# empty directory with the repository's corpora/ in it and the apps on PATH): the tutorial cannot
# rot. With a third argument, copies the pictures the tutorial shows into that directory.
#   bash tests/cli/tutorial.sh BIN_DIR SOURCE_DIR [PICTURE_DIR]
source "$(dirname "$0")/lib.sh"
pictures=${3:-}
cd "$WORK"
ln -s "$SRC/corpora" corpora
awk '/^```sh$/ { inside = 1; next } /^```/ { inside = 0 } inside' "$SRC/docs/tutorials/walkthrough.md" > walkthrough.sh
[ -s walkthrough.sh ] && pass "commands extracted ($(wc -l < walkthrough.sh) lines)" || fail "no commands in the tutorial"
command -v bible > /dev/null || fail "the tutorial needs Debian's bible-kjv (.ci/bootstrap installs it)"
# -e: any command that fails fails the test (a pipeline's status is its last command's, so each
# output is also checked below).
PATH="$BIN:$PATH" bash -e walkthrough.sh > walkthrough.out 2> walkthrough.err \
  && pass "every command of the tutorial ran" || fail "the tutorial failed: $(tail -3 walkthrough.err)"
grep -q 'the bundled corpus, byte for byte' walkthrough.out && pass "raw text -> the bundled corpus" || fail "import differs"
for f in kjv-model/model.json kjv-model/elbo.svg new-theta.txt neighbours.tsv kjv-model-2/lambda.npy \
         kjv-clusters/dendrogram.svg kjv-select/selection.svg; do
  [ -s "$f" ] && pass "$f" || fail "$f missing"
done
if [ -n "$pictures" ]; then
  cp kjv-model/elbo.svg "$pictures/walkthrough-elbo.svg"
  cp kjv-clusters/dendrogram.svg "$pictures/walkthrough-dendrogram.svg"
  cp kjv-select/selection.svg "$pictures/walkthrough-selection.svg"
fi
finish
