#!/usr/bin/env bash
# Installs the build tree into a scratch prefix, then configures, builds and runs a separate project
# that finds it with find_package(tmkit) and links tmkit::tmkit.
# Usage: check_install.sh BUILD_DIR SOURCE_DIR
set -euo pipefail
build=$1 source=$2
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
cmake --install "$build" --prefix "$scratch/prefix" >/dev/null
for f in include/tmkit/lda/lda.hpp include/tmkit/corpus/corpus.hpp bin/tm-fit bin/tm-topics bin/tm-import; do
  [[ -f $scratch/prefix/$f ]] || { echo "not installed: $f"; exit 1; }
done
# Internals are not installed.
for f in include/tmkit/blocks.hpp include/tmkit/detail; do
  [[ ! -e $scratch/prefix/$f ]] || { echo "an internal is installed: $f"; exit 1; }
done
config=$(find "$scratch/prefix" -name tmkitConfig.cmake | head -1)
[[ -n $config ]] || { echo "tmkitConfig.cmake not installed"; exit 1; }
cmake -S "$source/tests/install/consumer" -B "$scratch/consumer" -DCMAKE_BUILD_TYPE=Release \
  -DCMAKE_PREFIX_PATH="$scratch/prefix" >"$scratch/configure.log" 2>&1 ||
  { cat "$scratch/configure.log"; exit 1; }
cmake --build "$scratch/consumer" >"$scratch/build.log" 2>&1 || { cat "$scratch/build.log"; exit 1; }
"$scratch/consumer/consumer"
