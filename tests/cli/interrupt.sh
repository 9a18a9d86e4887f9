# SIGINT or SIGTERM during a fit: exit 130 with a message, nothing written, an existing model left
# exactly as it was.
source "$(dirname "$0")/lib.sh"
cd "$WORK"
"$BIN/tm-fit" --corpus "$KJV" -k 3 --passes 3 --moves 0 --out model --quiet > /dev/null || fail "first fit"
before=$(tree_digest model)
for signal in INT TERM; do
  "$BIN/tm-fit" --corpus "$KJV" -k 40 --passes 500 --tol 1e-12 --out model > out.txt 2> err.txt &
  pid=$!
  # Wait until the fit is under way (its second ELBO line), then interrupt it.
  for _ in $(seq 1 600); do
    grep -q '^pass    1' err.txt 2>/dev/null && break
    sleep 0.1
  done
  kill -s "$signal" "$pid"
  wait "$pid"
  code=$?
  [ "$code" -eq 130 ] && pass "SIG$signal: exit 130" || fail "SIG$signal: exit $code, expected 130"
  grep -q '^tm-fit: interrupted; nothing was written' err.txt && pass "SIG$signal: message" || fail "SIG$signal: message: $(tail -1 err.txt)"
  [ "$(tree_digest model)" = "$before" ] && pass "SIG$signal: model untouched" || fail "SIG$signal: model changed"
  [ "$(ls -d model.tmp-* 2>/dev/null | wc -l)" -eq 0 ] && pass "SIG$signal: no temporary left" || fail "SIG$signal: temporary left"
done
finish
