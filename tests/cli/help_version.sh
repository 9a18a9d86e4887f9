# Every app answers --help (with usage, options and examples, defaults as written) and --version,
# and refuses unknown options with exit code 2.
source "$(dirname "$0")/lib.sh"
for app in tm-import tm-fit tm-topics tm-infer tm-kl tm-similarity tm-cluster tm-select; do
  out=$("$BIN/$app" --help); code=$?
  if [ $code -eq 0 ] && grep -q "Usage: $app" <<<"$out" && grep -q "Examples:" <<<"$out" && grep -q -- "--threads" <<<"$out"; then
    pass "$app --help"
  else
    fail "$app --help (exit $code)"
  fi
  # Defaults as written: (=1e-5), not the double's 17 digits (=1.0000000000000001e-05).
  long=$(grep -Eo '\(=[-+0-9.e]{10,}\)' <<<"$out" | head -1)
  [ -z "$long" ] && pass "$app --help: defaults as written" || fail "$app --help prints a default as $long"
  out=$("$BIN/$app" --version); code=$?
  if [ $code -eq 0 ] && grep -Eq "^$app \(tmkit\) [0-9]+\.[0-9]+\.[0-9]+$" <<<"$out"; then pass "$app --version"; else fail "$app --version: $out"; fi
  expect_exit 2 "^$app: .*unrecognised option '--no-such-option'" "$app unknown option" -- "$BIN/$app" --no-such-option
done
expect_exit 2 "^tm-fit: .*'--out' is required" "tm-fit without --out" -- "$BIN/tm-fit" --corpus "$KJV" -k 3
finish
