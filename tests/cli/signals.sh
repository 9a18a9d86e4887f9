# SIGINT or SIGTERM during every app's long work (tm-fit's own: interrupt.sh and resume.sh): exit
# 130, the message of the guide, no output and no temporary file left, an existing output intact.
source "$(dirname "$0")/lib.sh"
cd "$WORK"

# interrupted SIGNAL NAME OUTPUT -- COMMAND...: starts COMMAND, signals it once it has run 0.4 s.
interrupted() {
  local signal=$1 name=$2 output=$3
  shift 4
  "$@" > "$name.stdout" 2> "$name.stderr" &
  local pid=$!
  sleep 0.4
  kill -s "$signal" "$pid" 2> /dev/null
  wait "$pid"
  local code=$?
  [ "$code" -eq 130 ] && pass "$name: SIG$signal gives exit 130" || fail "$name: exit $code, expected 130 (did it finish within 0.4 s?)"
  grep -q "^$name: interrupted; nothing was written and existing outputs are untouched$" "$name.stderr" \
    && pass "$name: says nothing was written" || fail "$name: message: $(tail -1 "$name.stderr")"
  [ -z "$(find . -name '*.tmp-*')" ] && pass "$name: no temporary file left" || fail "$name: left $(find . -name '*.tmp-*' | head -3)"
  if [ -n "$output" ]; then
    if [ -e "$output.before" ]; then
      cmp -s "$output" "$output.before" && pass "$name: the existing $output is intact" || fail "$name: $output changed"
    else
      absent "$output" "$name"
    fi
  fi
}

# Inputs large enough that each app works for some seconds: 400,000 lines of text, the bundled corpus
# 60 times over (71,340 documents), 1,500,000 pairs of distributions, 4,000 and 8,000 rows.
awk 'function w(n,  s) { s = ""; do { s = s sprintf("%c", 97 + n % 26); n = int(n / 26) } while (n > 0); return s "x" }
     BEGIN { srand(7); for (d = 0; d < 400000; d++) { line = ""; for (i = 0; i < 40; i++) line = line " " w(int(rand() * rand() * 20000)); print line } }' > big.txt
awk 'NR == 1 { d = $1 } NR == 2 { w = $1 } NR == 3 { print d * 60; print w; print $1 * 60 } NR > 3 { lines[NR] = $0 }
     END { for (r = 0; r < 60; r++) for (i = 4; i <= NR; i++) { split(lines[i], f, " "); print f[1] + r * d, f[2], f[3] } }' "$KJV" > docword.kjv60.txt
cp "$SRC/corpora/kjv/vocab.kjv.txt" vocab.kjv60.txt
awk 'BEGIN { srand(3); for (i = 0; i < 1500000; i++) { a = rand(); b = rand(); print a / (a + b), b / (a + b) } }' > p.txt
awk 'BEGIN { srand(4); for (i = 0; i < 8000; i++) { s = 0; for (k = 0; k < 10; k++) { v[k] = rand(); s += v[k] } line = ""; for (k = 0; k < 10; k++) line = line (k ? " " : "") v[k] / s; print line } }' > rows8000.txt
head -n 4000 rows8000.txt > rows4000.txt
"$BIN/tm-fit" --corpus "$KJV" -k 4 --passes 8 --out model --quiet > /dev/null || fail "fit"

interrupted INT tm-import docword.big.txt -- "$BIN/tm-import" --corpus big.txt --out docword.big.txt
echo "old theta" > theta.npy && cp theta.npy theta.npy.before
interrupted TERM tm-infer theta.npy -- "$BIN/tm-infer" --model model --corpus docword.kjv60.txt --out theta.npy
interrupted INT tm-topics table.txt -- "$BIN/tm-topics" --model model --corpus docword.kjv60.txt --out table.txt
interrupted INT tm-kl kl.txt -- "$BIN/tm-kl" p.txt p.txt --normalize --out kl.txt
interrupted INT tm-similarity matrix.txt -- "$BIN/tm-similarity" --rows rows4000.txt --normalize --out matrix.txt
interrupted TERM tm-cluster clusters -- "$BIN/tm-cluster" --rows rows8000.txt --normalize --out clusters
interrupted INT tm-select select -- "$BIN/tm-select" --corpus "$KJV" -k 5,10,20 --passes 30 --out select
finish
