# tm-report as a user runs it: one self-contained page from a model directory (with tm-cluster's and
# tm-select's outputs when given), checked in headless Chromium with the network shut off: no script
# errors, K topic circles, a click selects a topic and lists its documents, the relevance slider
# re-ranks the terms exactly as tm-topics --relevance ranks them. Bad input: one line, exit 2, no
# page written.
source "$(dirname "$0")/lib.sh"
cd "$WORK"
K=8
"$BIN/tm-fit" --corpus "$KJV" -k $K --passes 15 --out model --quiet > /dev/null || fail "fit"
"$BIN/tm-cluster" --model model --clusters 5 --out clusters --quiet > /dev/null || fail "cluster"
"$BIN/tm-select" --corpus "$KJV" -k 3,5 --passes 5 --draws 20 --out select --quiet > /dev/null \
  || fail "select"
"$BIN/tm-report" --model model --cluster clusters --select select --out report.html > report.out \
  || fail "tm-report: $(cat report.out)"
grep -q "^report of $K topics, 4445 words, 1189 documents written to report.html" report.out \
  && pass "summary line" || fail "summary: $(cat report.out)"
grep -q "Content-Security-Policy\" content=\"default-src 'none'" report.html \
  && pass "the page forbids every network request (CSP default-src 'none')" || fail "no CSP"
if grep -Eq '(src|href)="(https?:)?//' report.html; then fail "the page refers to the network"; else
  pass "no external script, style or image"; fi
for part in 'id="selection"' 'id="clusters"' 'ELBO trace'; do
  grep -q "$part" report.html && pass "panel $part present" || fail "panel $part missing"
done

# The page in Chromium, with a test script added around the page's own: it records errors, clicks
# topic 3's circle, reads the terms at lambda = 1, moves the slider to 0.3, reads them again.
CHROMIUM=$(command -v chromium || command -v chromium-headless-shell || true)
if [ -z "$CHROMIUM" ]; then
  fail "chromium is not installed (.ci/bootstrap installs it)"
  finish
fi
{
  sed 's#<head>#<head><script>window.__errors = []; addEventListener("error", (e) => __errors.push(String(e.message)));</script>#; s#</body>##; s#</html>##' report.html
  cat <<'JS'
<script>
(function () {
  const out = {};
  const words = () => Array.from(document.querySelectorAll("#terms .row")).map((r) => r.dataset.word);
  out.circles = document.querySelectorAll("#map circle").length;
  out.docs0 = Array.from(document.querySelectorAll("#documents li")).map((li) => li.dataset.doc);
  const circle = document.querySelector('#map circle[data-topic="3"]');
  circle.dispatchEvent(new MouseEvent("click", { bubbles: true }));
  out.selected = circle.classList.contains("selected") &&
    document.querySelectorAll("#map circle.selected").length === 1;
  out.title = document.getElementById("topic-title").textContent;
  out.docs3 = Array.from(document.querySelectorAll("#documents li")).map((li) => li.dataset.doc);
  out.words1 = words();
  const slider = document.getElementById("lambda");
  slider.value = "0.3";
  slider.dispatchEvent(new Event("input", { bubbles: true }));
  out.words03 = words();
  out.errors = window.__errors;
  const pre = document.createElement("pre");
  pre.textContent = "RESULTS " + JSON.stringify(out) + " END";
  document.body.appendChild(pre);
})();
</script>
</body>
</html>
JS
} > probe.html
timeout 120 "$CHROMIUM" --headless --no-sandbox --disable-gpu --disable-quic --no-first-run \
  --disable-background-networking --disable-component-update --disable-sync \
  --host-resolver-rules="MAP * ~NOTFOUND" --user-data-dir="$WORK/chromium-profile" \
  --dump-dom "file://$WORK/probe.html" > dom.html 2> chromium.err
results=$(grep -o 'RESULTS .* END' dom.html | sed 's/^RESULTS //; s/ END$//; s/&quot;/"/g')
[ -n "$results" ] || { fail "the page did not run (chromium: $(tail -2 chromium.err))"; finish; }
field() { echo "$results" | grep -o "\"$1\":[^]]*]\?" | head -1 | sed "s/^\"$1\"://"; }
words_of() { field "$1" | tr -d '[]"' | tr ',' ' '; }
[ "$(field errors)" = "[]" ] && pass "no script errors" || fail "script errors: $(field errors)"
[ "$(echo "$results" | grep -o '"circles":[0-9]*')" = "\"circles\":$K" ] && pass "$K topic circles" \
  || fail "circles: $results"
echo "$results" | grep -q '"selected":true' && pass "a click selects the topic" || fail "selection"
echo "$results" | grep -q '"title":"Topic 3: ' && pass "the title names the clicked topic" || fail "title"
# tm-topics ranks the same way (topics.hpp): the page must show the same words in the same order.
expected() {
  "$BIN/tm-topics" --model model --top 30 --relevance "$1" --no-coherence |
    awk '$1 == "3" { for (i = 1; i <= NF; i++) if ($i ~ /\(/) { sub(/\(.*/, "", $i); printf "%s ", $i } }' |
    sed 's/ $//'
}
[ "$(words_of words1)" = "$(expected 1)" ] && pass "terms at lambda = 1 as tm-topics ranks them" \
  || fail "lambda 1: page [$(words_of words1)] tm-topics [$(expected 1)]"
[ "$(words_of words03)" = "$(expected 0.3)" ] && pass "the slider re-ranks: lambda = 0.3 as tm-topics --relevance 0.3" \
  || fail "lambda 0.3: page [$(words_of words03)] tm-topics [$(expected 0.3)]"
[ "$(words_of words1)" != "$(words_of words03)" ] && pass "lambda changes the ranking" || fail "same ranking"
docs3=$(field docs3)
[ "$(echo "$docs3" | grep -o '","' | wc -l)" = 19 ] && [ "$docs3" != "$(field docs0)" ] \
  && pass "the clicked topic lists its own 20 documents" || fail "documents: $docs3 vs $(field docs0)"

# Topic drift between groups (here the book of each chapter), as tm-similarity --groups computes it.
cut -f2 model/docs.tsv > books.txt
"$BIN/tm-report" --model model --groups books.txt --out drift.html > /dev/null || fail "--groups"
"$BIN/tm-similarity" --model model --groups books.txt --out drift.tsv --quiet > /dev/null 2>&1 || fail "drift"
grep -q 'id="drift"' drift.html && grep -qF "$(sed -n 2p drift.tsv | sed 's/>/\&gt;/g')" drift.html \
  && pass "the drift panel holds tm-similarity's drift table" || fail "drift panel"

# A model of raw text that is still where the fit read it: the listed documents show their text.
for i in $(seq 1 40); do
  if [ $((i % 2)) -eq 0 ]; then words="river boat water fish shore net sail harbour"; else words="bread oven flour baker wheat dough salt yeast"; fi
  printf 'doc%s\tgroup%s\t%s number %s %s\n' "$i" $((i % 2)) "$words" "$i" "$words" >> texts.tsv
done
"$BIN/tm-fit" --corpus texts.tsv --columns id-label-text --min-df 1 -k 2 --passes 10 --out text_model --quiet \
  > /dev/null || fail "text fit"
"$BIN/tm-report" --model text_model --out text.html > /dev/null || fail "text report"
grep -qE '"doc[0-9]+","group[01]","(river boat|bread oven)[a-z ]* number [0-9]+ ' text.html \
  && pass "documents of a raw-text model carry the start of their text" || fail "no snippets"

# Bad input: nothing written.
expect_exit 2 'old/model.json: records no term frequencies' old_model \
  -- bash -c "cp -r model old && rm old/term_frequency.npy && sed -i '/term_frequency.npy/d' old/model.json && \"$BIN/tm-report\" --model old --out old.html"
absent old.html "old_model"
expect_exit 2 'clusters: is not an output directory of tm-select' wrong_select \
  -- "$BIN/tm-report" --model model --select clusters --out wrong.html
absent wrong.html "wrong_select"
expect_exit 2 'missing: ' no_model -- "$BIN/tm-report" --model missing --out none.html
absent none.html "no_model"
expect_exit 2 'nowhere/page.html' unwritable -- "$BIN/tm-report" --model model --out nowhere/page.html
finish
