#!/usr/bin/env bash
# Builds the libFuzzer targets with clang (ASan + UBSan) and fuzzes them for
# SECONDS (default 60): a quarter on the symtab parser, seeded with small
# fixture binaries (ELF, Mach-O, PE), a quarter on the Mach-O and PE
# readers over those files' headers, and half on the Go unwinder over
# random stacks. Crashing inputs are left
# in the work directory and fail the run.
#
#   GENTRACE_FIXTURES=... tests/fuzz/run_fuzzer.sh [SECONDS]
set -euo pipefail

root=$(cd "$(dirname "$0")/../.." && pwd)
seconds=${1:-60}
fixtures=${GENTRACE_FIXTURES:?set GENTRACE_FIXTURES (tests/run_tests.sh does)}
work=${GENTRACE_CACHE:-$HOME/.cache/gentrace}/fuzz
mkdir -p "$work"

# The library sources of the given folders, without their unit tests.
library_sources() {
  local dir file
  for dir in "$@"; do
    for file in "$root/$dir"/*.cc; do
      [[ $file == *_test.cc ]] || printf '%s\n' "$file"
    done
  done
}

# Debian's abseil is built with g++ against libstdc++, which clang also uses.
build() {
  local name=$1
  shift
  # shellcheck disable=SC2046
  clang++ -std=c++20 -O1 -g -fno-omit-frame-pointer \
    -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=undefined \
    -I"$root" $(library_sources arch symtab) "$@" "$root/tests/fuzz/$name.cc" \
    $(pkg-config --libs absl_statusor absl_status absl_strings absl_str_format \
      absl_flat_hash_map libdw libunwind-coredump libunwind-ptrace libunwind-generic liblzma) \
    -o "$work/$name"
}
build binary_fuzzer "$root"/tests/testing/exercise_binary.cc
build container_fuzzer
# shellcheck disable=SC2046
build unwind_fuzzer $(library_sources unwind) "$root"/target/range_memory.cc

# Seeds for the parser: one small binary per byte order and word size.
mkdir -p "$work/corpus/binary" "$work/corpus/unwind" "$work/corpus/container"
for seed in go/go1.19/amd64/default go/go1.23/mips/default go/go1.23/arm/stripped \
  foreign/go1.23/darwin-arm64/default foreign/go1.23/windows-386/stripped; do
  src="$fixtures/$seed/prog"
  dst="$work/corpus/binary/${seed//\//_}"
  [[ -f $src && ! -f $dst ]] && cp "$src" "$dst"
done
# The container parser's seeds: the headers of a Mach-O and a PE file (their
# first 16 KiB: load commands, section tables).
for seed in go1.23/darwin-amd64/default go1.23/windows-amd64/default; do
  src="$fixtures/foreign/$seed/prog"
  dst="$work/corpus/container/${seed//\//_}"
  [[ -f $src && ! -f $dst ]] && head -c 16384 "$src" >"$dst"
done

cd "$work"
half=$(((seconds + 1) / 2))
quarter=$(((half + 1) / 2))
./binary_fuzzer -max_total_time="$quarter" -rss_limit_mb=4096 \
  -max_len=4000000 -timeout=20 -print_final_stats=1 corpus/binary
./container_fuzzer -max_total_time="$quarter" -rss_limit_mb=4096 \
  -max_len=65536 -timeout=20 -print_final_stats=1 corpus/container
# The unwinder walks real link-register binaries' tables: a Go 1.19 arm64
# program, and esbuild built by go1.17 for arm, whose runtime.jmpdefer (the
# golang/go#8153 hand-over) the fuzzer aims at often.
for binary in go/go1.19/arm64/default/prog esbuild/esbuild-linux-arm-0.13.15/esbuild; do
  GENTRACE_FUZZ_BINARY="$fixtures/$binary" \
    ./unwind_fuzzer -max_total_time="$quarter" -rss_limit_mb=4096 \
    -max_len=65536 -timeout=20 -print_final_stats=1 corpus/unwind
done
