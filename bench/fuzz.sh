#!/usr/bin/env bash
# Fuzzes tmkit's readers of outside data with libFuzzer (clang, AddressSanitizer + UBSan):
#   bash bench/fuzz.sh [--time SECONDS | --runs N] [TARGET...]
# Builds build/fuzz (library and tests/fuzz targets only), then runs each target (all when none is
# named) from its committed inputs (tests/fuzz/corpus/TARGET) until the time or the number of
# executions is reached (--runs stops at 30 minutes at most). New coverage goes to
# build/fuzz/corpus/TARGET, findings to build/fuzz/findings/TARGET/. Writes bench/results/fuzz.md:
# per target, executions, coverage (edges and features), inputs kept, findings.
# A finding is fixed in the library and its input committed to tests/fuzz/corpus/TARGET, where
# every CTest run replays it (the fuzz.* tests).
set -euo pipefail
cd "$(dirname "$0")/.."

limit=(-max_total_time=60)
limit_text="60 s each"
while [ $# -gt 0 ]; do
  case "$1" in
    --time) limit=(-max_total_time="$2"); limit_text="$2 s each"; shift 2 ;;
    --runs) limit=(-runs="$2" -max_total_time=1800); limit_text="$2 executions each (30 min at most)"; shift 2 ;;
    *) break ;;
  esac
done
all=(uci ldac mm text tmc npy matrix pointwise word_lists model_dir checkpoint)
targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=("${all[@]}")

command -v clang++ > /dev/null || { echo "fuzz.sh: needs clang (apt-get install clang libclang-rt-14-dev)" >&2; exit 2; }
build=build/fuzz
CC=clang CXX=clang++ cmake -S . -B "$build" -DTMKIT_FUZZ=ON -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  -DTMKIT_SANITIZE=address,undefined -DTMKIT_FORCE_ASSERTS=ON -DTMKIT_OPENMP=OFF -DTMKIT_MPI=OFF \
  > /dev/null
cmake --build "$build" -j "$(nproc)" > "$build/build.log" 2>&1 || { tail -30 "$build/build.log"; exit 1; }

results=bench/results/fuzz.md
{
  echo "# Fuzzing tmkit's readers"
  echo
  echo "\`bash bench/fuzz.sh\` ($limit_text; last run: ${*:-every target}), $(date -u +%Y-%m-%d), clang $(clang --version | head -1 | grep -o '[0-9]*\.[0-9.]*' | head -1), libFuzzer with ASan + UBSan. Rows of targets not in the last run are from earlier runs."
  echo
  echo "| target | executions | seconds | edges | features | inputs kept | findings |"
  echo "|---|---|---|---|---|---|---|"
} > "$build/fuzz.md.new"
for target in "${targets[@]}"; do
  corpus=$build/corpus/$target
  findings=$build/findings/$target
  mkdir -p "$corpus" "$findings"
  log=$build/fuzz_$target.log
  start=$(date +%s)
  set +e
  "$build/tests/fuzz/fuzz_$target" "${limit[@]}" -rss_limit_mb=2048 -malloc_limit_mb=1024 \
    -timeout=10 -print_final_stats=1 -artifact_prefix="$findings/" \
    "$corpus" "tests/fuzz/corpus/$target" > "$log" 2>&1
  status=$?
  set -e
  seconds=$(( $(date +%s) - start ))
  runs=$(grep -o 'stat::number_of_executed_units: *[0-9]*' "$log" | grep -o '[0-9]*$' || echo "?")
  last=$(grep -E '^#[0-9]+' "$log" | tail -1)
  edges=$(echo "$last" | grep -o 'cov: [0-9]*' | grep -o '[0-9]*' || echo "?")
  features=$(echo "$last" | grep -o 'ft: [0-9]*' | grep -o '[0-9]*' || echo "?")
  kept=$(find "$corpus" -type f | wc -l)
  found=$(find "$findings" -type f | wc -l)
  [ "$status" -eq 0 ] || [ "$found" -gt 0 ] || found="exit $status (see $log)"
  echo "| $target | $runs | $seconds | $edges | $features | $kept | $found |" >> "$build/fuzz.md.new"
  echo "fuzz: $target: $runs executions in $seconds s, $edges edges, findings: $found" >&2
done
# Targets not run this time keep their last row (so that runs of single targets add up).
if [ -f "$results" ]; then
  for target in "${all[@]}"; do
    grep -q "^| $target |" "$build/fuzz.md.new" || grep "^| $target |" "$results" >> "$build/fuzz.md.new" || true
  done
fi
mv "$build/fuzz.md.new" "$results"
cat "$results"
