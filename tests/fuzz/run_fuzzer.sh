#!/usr/bin/env bash
# Builds the libFuzzer targets with clang (ASan + UBSan) and fuzzes them for
# SECONDS (default 60): an eighth on the symtab parser, seeded with small
# fixture binaries (ELF, Mach-O, PE), an eighth on the Mach-O and PE
# readers over those files' headers, an eighth on the minidump reader
# (seeded with Breakpad's minidumps), a quarter on the service's request
# decoders and the operations behind them, and the rest on the Go unwinder
# over random stacks. Crashing inputs are left
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
# The service's request fuzzer needs most of the tree and the generated
# protobuf code: its objects are compiled in parallel, then linked.
build_request_fuzzer() {
  local gen=$work/gen objects=$work/request_objects
  rm -rf "$gen" "$objects"
  mkdir -p "$gen" "$objects"
  protoc --proto_path="$root" --cpp_out="$gen" "$root/proto/gentrace.proto" "$root/proto/profile.proto"
  {
    library_sources arch symtab target goruntime unwind traceback render proto
    printf '%s\n' "$root"/serve/{build_id,service,store,upload,upstream}.cc \
      "$gen"/proto/gentrace.pb.cc "$gen"/proto/profile.pb.cc "$root/tests/fuzz/request_fuzzer.cc"
  } >"$objects/sources"
  # shellcheck disable=SC2016 # $1.. are the inner shell's
  xargs -P "$(nproc)" -I{} sh -c 'clang++ -std=c++20 -O1 -g -fno-omit-frame-pointer \
    -fsanitize=fuzzer-no-link,address,undefined -fno-sanitize-recover=undefined \
    -I"$1" -I"$2" -c "$3" -o "$4/$(echo "$3" | tr / _).o"' _ "$root" "$gen" {} "$objects" \
    <"$objects/sources"
  # shellcheck disable=SC2046
  clang++ -fsanitize=fuzzer,address,undefined "$objects"/*.o \
    $(pkg-config --libs protobuf absl_statusor absl_status absl_strings absl_str_format \
      absl_flat_hash_map absl_synchronization libdw libdebuginfod libunwind-coredump \
      libunwind-ptrace libunwind-generic liblzma zlib) \
    -o "$work/request_fuzzer"
}
build_request_fuzzer
build binary_fuzzer "$root"/tests/testing/exercise_binary.cc
build container_fuzzer
# shellcheck disable=SC2046 # (the Capture message's reader needs protobuf)
build minidump_fuzzer $(library_sources target | grep -v /capture.cc)
# shellcheck disable=SC2046
build unwind_fuzzer $(library_sources unwind) "$root"/target/range_memory.cc

# Seeds for the parser: one small binary per byte order and word size.
mkdir -p "$work/corpus/binary" "$work/corpus/unwind" "$work/corpus/container" \
  "$work/corpus/minidump"
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

# The minidump reader's seeds: Breakpad's dumps of a Go program.
for seed in go1.19/default go1.27/stripped; do
  src="$fixtures/breakpad/$seed/prog.dmp"
  dst="$work/corpus/minidump/${seed//\//_}"
  [[ -f $src && ! -f $dst ]] && cp "$src" "$dst"
done

# The request fuzzer's seeds: a symbolize request and a crash text of the
# binary it serves (the first byte picks the request).
request_binary=go/go1.27/amd64/goroutines-pie
mkdir -p "$work/corpus/request"
[[ -f $work/corpus/request/symbolize ]] ||
  printf '\000{"buildId":"x","pcs":["0x1000","0x1001"],"callers":true}' >"$work/corpus/request/symbolize"
if [[ -f $fixtures/$request_binary/prog.crash.txt && ! -f $work/corpus/request/crash_text ]]; then
  { printf '\004'; head -c 16384 "$fixtures/$request_binary/prog.crash.txt"; } >"$work/corpus/request/crash_text"
fi

cd "$work"
half=$(((seconds + 1) / 2))
quarter=$(((half + 1) / 2))
eighth=$(((quarter + 1) / 2))
sixteenth=$(((eighth + 1) / 2))
./binary_fuzzer -max_total_time="$eighth" -rss_limit_mb=4096 \
  -max_len=4000000 -timeout=20 -print_final_stats=1 corpus/binary
./container_fuzzer -max_total_time="$eighth" -rss_limit_mb=4096 \
  -max_len=65536 -timeout=20 -print_final_stats=1 corpus/container
./minidump_fuzzer -max_total_time="$eighth" -rss_limit_mb=4096 \
  -max_len=262144 -timeout=20 -print_final_stats=1 corpus/minidump
GENTRACE_FUZZ_BINARY="$fixtures/$request_binary/prog" \
  ./request_fuzzer -max_total_time="$quarter" -rss_limit_mb=4096 \
  -max_len=65536 -timeout=20 -print_final_stats=1 corpus/request
# The unwinder walks real link-register binaries' tables: a Go 1.19 arm64
# program, and esbuild built by go1.17 for arm, whose runtime.jmpdefer (the
# golang/go#8153 hand-over) the fuzzer aims at often.
for binary in go/go1.19/arm64/default/prog esbuild/esbuild-linux-arm-0.13.15/esbuild; do
  GENTRACE_FUZZ_BINARY="$fixtures/$binary" \
    ./unwind_fuzzer -max_total_time="$((quarter - sixteenth))" -rss_limit_mb=4096 \
    -max_len=65536 -timeout=20 -print_final_stats=1 corpus/unwind
done
