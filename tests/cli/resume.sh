# Interrupted fits resume to exactly the model of an uninterrupted fit: SIGINT in the warm-up and mid-pass, SIGTERM
# during the merge-split moves, SIGINT in the middle of an online pass; periodic checkpoints; and
# damaged checkpoints refused with a clear message.
source "$(dirname "$0")/lib.sh"
cd "$WORK"

# same_fit A B: identical lambda.npy and gamma.npy bytes and the same elbo.csv apart from seconds.
same_fit() {
  cmp -s "$1/lambda.npy" "$2/lambda.npy" && cmp -s "$1/gamma.npy" "$2/gamma.npy" &&
    cmp -s "$1/docs.tsv" "$2/docs.tsv" &&
    diff -q <(cut -d, -f1-3,5- "$1/elbo.csv") <(cut -d, -f1-3,5- "$2/elbo.csv") > /dev/null
}

# interrupt_at SIGNAL PATTERN OUT ARGS...: starts tm-fit ARGS --out OUT, sends SIGNAL once a line of
# its stderr matches PATTERN, and checks the exit code and the message.
interrupt_at() {
  local signal=$1 pattern=$2 out=$3
  shift 3
  "$BIN/tm-fit" "$@" --out "$out" > "$out.stdout" 2> "$out.stderr" &
  local pid=$!
  for _ in $(seq 1 600); do grep -Eq "$pattern" "$out.stderr" 2>/dev/null && break; sleep 0.05; done
  kill -s "$signal" "$pid"
  wait "$pid"
  local code=$?
  [ "$code" -eq 130 ] && pass "$out: SIG$signal gives exit 130" || fail "$out: exit $code, expected 130"
  grep -q "continue it with tm-fit --resume $out.checkpoint\$" "$out.stderr" && pass "$out: says how to resume" \
    || fail "$out: message: $(tail -1 "$out.stderr")"
  [ ! -e "$out" ] && pass "$out: no model written" || fail "$out: a model was written"
}

BATCH=(--corpus "$KJV" -k 20 --passes 60 --moves 3 --seed 5)
"$BIN/tm-fit" "${BATCH[@]}" --threads 1 --out full --quiet > /dev/null || fail "uninterrupted batch fit"

interrupt_at INT '^pass +11 ' mid "${BATCH[@]}"
"$BIN/tm-fit" --resume mid.checkpoint --threads 2 --quiet > /dev/null || fail "resume mid"
same_fit full mid && pass "SIGINT after the first passes, resumed (2 threads): the uninterrupted model, byte for byte" \
  || fail "resumed batch fit differs"
[ ! -e mid.checkpoint ] && pass "checkpoint removed once the fit is complete" || fail "checkpoint left behind"

# In the tempered warm-up passes that begin a fit.
interrupt_at INT '^warm 3/' warm "${BATCH[@]}"
"$BIN/tm-fit" --resume warm.checkpoint --quiet > /dev/null || fail "resume warm"
same_fit full warm && pass "SIGINT in the warm-up, resumed: the uninterrupted model, byte for byte" \
  || fail "resumed from the warm-up differs"

MOVES=(--corpus "$KJV" -k 20 --passes 200 --moves 8 --seed 5)
"$BIN/tm-fit" "${MOVES[@]}" --out moves_full --quiet > /dev/null || fail "uninterrupted fit with moves"
interrupt_at TERM '^try  merge' moves "${MOVES[@]}"
"$BIN/tm-fit" --resume moves.checkpoint --quiet > /dev/null || fail "resume moves"
same_fit moves_full moves && pass "SIGTERM during the merge-split moves, resumed: identical" || fail "resumed after moves differs"

"$BIN/tm-fit" "${BATCH[@]}" --checkpoint-every 4 --out periodic 2> periodic.err > /dev/null || fail "periodic"
grep -q 'checkpoint written to periodic.checkpoint' periodic.err && same_fit full periodic \
  && pass "--checkpoint-every 4: checkpoints written, same model" || fail "--checkpoint-every"

ONLINE=(--corpus "$KJV" -k 10 --algorithm online --batch-size 10 --passes 12 --heldout-fraction 0.1 --seed 2)
"$BIN/tm-fit" "${ONLINE[@]}" --out online_full --quiet > /dev/null || fail "uninterrupted online fit"
interrupt_at INT '^pass    2' online_mid "${ONLINE[@]}" --checkpoint-every 7
"$BIN/tm-fit" --resume online_mid.checkpoint --quiet > /dev/null || fail "resume online"
same_fit online_full online_mid && pass "online: SIGINT mid-pass, resumed: identical lambda, gamma, trace" \
  || fail "resumed online fit differs"

# Damaged checkpoints are refused, never resumed from.
interrupt_at INT '^pass +11 ' dmg "${BATCH[@]}"
cp -r dmg.checkpoint cut && head -c 1000 dmg.checkpoint/lambda.npy > cut/lambda.npy
expect_exit 2 'cut/lambda\.npy: sha256 does not match checkpoint\.json' "truncated lambda.npy" -- \
  "$BIN/tm-fit" --resume cut
cp -r dmg.checkpoint json && head -c 300 dmg.checkpoint/checkpoint.json > json/checkpoint.json
expect_exit 2 'json/checkpoint\.json: sha256 does not match' "truncated checkpoint.json" -- \
  "$BIN/tm-fit" --resume json
expect_exit 2 'nothere: is not a checkpoint directory' "missing checkpoint" -- "$BIN/tm-fit" --resume nothere
finish
