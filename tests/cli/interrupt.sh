# SIGINT or SIGTERM during a fit (and a neighbour search): exit 130 with a message saying how to resume, no model written, an existing one left
# exactly as it was.
source "$(dirname "$0")/lib.sh"
cd "$WORK"
"$BIN/tm-fit" --corpus "$KJV" -k 3 --passes 3 --moves 0 --out model --quiet > /dev/null || fail "first fit"
before=$(tree_digest model)
for signal in INT TERM; do
  "$BIN/tm-fit" --corpus "$KJV" -k 40 --passes 500 --tol 0 --out model > out.txt 2> err.txt &
  pid=$!
  # Wait until the fit is under way (its second ELBO line), then interrupt it.
  for _ in $(seq 1 600); do
    [ "$(grep -c '^pass ' err.txt 2>/dev/null)" -ge 2 ] && break
    sleep 0.1
  done
  kill -s "$signal" "$pid"
  wait "$pid"
  code=$?
  [ "$code" -eq 130 ] && pass "SIG$signal: exit 130" || fail "SIG$signal: exit $code, expected 130"
  grep -q '^tm-fit: interrupted; no model was written (an existing one is untouched); the fit so far is saved in model.checkpoint: continue it with tm-fit --resume model.checkpoint$' err.txt && pass "SIG$signal: message" || fail "SIG$signal: message: $(tail -1 err.txt)"
  [ "$(tree_digest model)" = "$before" ] && pass "SIG$signal: model untouched" || fail "SIG$signal: model changed"
  [ "$(ls -d model.tmp-* 2>/dev/null | wc -l)" -eq 0 ] && pass "SIG$signal: no temporary left" || fail "SIG$signal: temporary left"
done

# tm-similarity: a long neighbour search, interrupted, leaves an existing output as it was.
awk 'BEGIN { srand(3); for (i = 0; i < 300000; i++) { a = rand(); b = rand(); print a / (a + b), b / (a + b) } }' > rows.txt
echo "old neighbours" > nb.tsv
"$BIN/tm-similarity" --rows rows.txt --normalize --top-k 5 --out nb.tsv > out.txt 2> err.txt &
pid=$!
sleep 3
kill -s INT "$pid"
wait "$pid"
code=$?
[ "$code" -eq 130 ] && pass "tm-similarity SIGINT: exit 130" || fail "tm-similarity SIGINT: exit $code, expected 130"
grep -q '^tm-similarity: interrupted; nothing was written' err.txt && pass "tm-similarity SIGINT: message" \
  || fail "tm-similarity SIGINT: message: $(tail -1 err.txt)"
[ "$(cat nb.tsv)" = "old neighbours" ] && pass "tm-similarity SIGINT: old output intact" || fail "output changed"
[ "$(ls nb.tsv.tmp-* 2>/dev/null | wc -l)" -eq 0 ] && pass "tm-similarity SIGINT: no temporary" || fail "temporary left"
finish
