# Helpers for tmkit's CLI tests. Each test script is run by CTest as
#   bash tests/cli/<name>.sh BIN_DIR SOURCE_DIR
# and sources this file. It fails (exit 1) at the first check that does not hold, saying which.
set -u
BIN=$1
SRC=$2
WORK=$(mktemp -d "${TMPDIR:-/tmp}/tmkit-cli-XXXXXX")
trap 'rm -rf "$WORK"' EXIT
KJV=$SRC/corpora/kjv/docword.kjv.txt
FAILURES=0

fail() { echo "FAIL: $*" >&2; FAILURES=$((FAILURES + 1)); }
pass() { echo "ok: $*"; }
finish() { [ "$FAILURES" -eq 0 ] || { echo "$FAILURES check(s) failed" >&2; exit 1; }; exit 0; }

# expect_exit CODE REGEX DESCRIPTION -- COMMAND...   runs COMMAND, checks its exit code and that
# stderr is one line matching REGEX (extended regular expression).
expect_exit() {
  local code=$1 regex=$2 what=$3
  shift 4
  "$@" >"$WORK/stdout" 2>"$WORK/stderr"
  local got=$?
  local lines
  lines=$(grep -vc '^tm-[a-z]*: [0-9]* documents' "$WORK/stderr" || true)
  if [ "$got" -ne "$code" ]; then
    fail "$what: exit $got, expected $code; stderr: $(head -c 300 "$WORK/stderr")"
  elif [ -n "$regex" ] && ! grep -Eq -- "$regex" "$WORK/stderr"; then
    fail "$what: stderr does not match /$regex/: $(head -c 300 "$WORK/stderr")"
  elif [ "$code" -eq 2 ] && [ "$lines" -ne 1 ]; then
    fail "$what: expected a one-line message, got $lines lines: $(head -c 300 "$WORK/stderr")"
  else
    pass "$what"
  fi
}

# absent PATH DESCRIPTION: nothing was written at PATH, nor a temporary beside it.
absent() {
  if [ -e "$1" ] || compgen -G "$1.tmp-*" >/dev/null; then fail "$2: $1 (or a temporary) exists"; else pass "$2: nothing written"; fi
}

# tree_digest DIR: one checksum of every file in DIR (names and contents).
tree_digest() { (cd "$1" && find . -type f -print0 | sort -z | xargs -0 sha256sum | sha256sum); }
