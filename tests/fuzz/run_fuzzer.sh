#!/usr/bin/env bash
# Builds the symtab libFuzzer target with clang (ASan + UBSan) and fuzzes it
# for SECONDS (default 60), seeded with small fixture binaries. Crashing
# inputs are left in the work directory and fail the run.
#
#   GENTRACE_FIXTURES=... tests/fuzz/run_fuzzer.sh [SECONDS]
set -euo pipefail

root=$(cd "$(dirname "$0")/../.." && pwd)
seconds=${1:-60}
fixtures=${GENTRACE_FIXTURES:?set GENTRACE_FIXTURES (tests/run_tests.sh does)}
work=${GENTRACE_CACHE:-$HOME/.cache/gentrace}/fuzz
mkdir -p "$work/corpus"

# Debian's abseil is built with g++ against libstdc++, which clang also uses.
# shellcheck disable=SC2046
clang++ -std=c++20 -O1 -g -fno-omit-frame-pointer \
  -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=undefined \
  -I"$root" "$root"/symtab/*.cc "$root"/tests/testing/exercise_binary.cc \
  "$root"/tests/fuzz/binary_fuzzer.cc \
  $(pkg-config --libs absl_statusor absl_status absl_strings absl_str_format) \
  -o "$work/binary_fuzzer"

# Seeds: one small binary per byte order and word size.
for seed in go1.19/amd64/default go1.23/mips/default go1.23/arm/stripped; do
  src="$fixtures/go/$seed/prog"
  dst="$work/corpus/${seed//\//_}"
  [[ -f $src && ! -f $dst ]] && cp "$src" "$dst"
done

cd "$work"
./binary_fuzzer -max_total_time="$seconds" -rss_limit_mb=4096 \
  -max_len=4000000 -timeout=20 -print_final_stats=1 corpus
