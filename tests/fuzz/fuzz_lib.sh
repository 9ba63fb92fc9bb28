# shellcheck shell=bash
# shellcheck disable=SC2154 # root and fixtures are the sourcing script's
# Shared by run_fuzzer.sh (every target, briefly) and campaign.sh (one
# target, for hours): builds the libFuzzer targets with clang (ASan +
# UBSan), seeds their corpora, and runs one. Source it with `root` (the
# checkout) and `fixtures` set.
#
# The targets, and what each reads besides its input:
#   binary     any bytes opened as a Go binary (symtab)
#   container  the Mach-O, fat and PE readers
#   pclntab    the pclntab decoder inside a small fixed ELF, and the
#              Breakpad symbol writer over it
#   dwarf      DWARF struct types and the runtime layout read from them
#   minidump   the minidump reader
#   core       ELF cores over a fixed executable
#   goroutine  goroutine enumeration and defers over a real core, damaged
#   capture    Capture messages, binary and JSON, unwound
#   crash_text the runtime's crash text
#   request    the service's request decoders and operations
#   unwind     the Go unwinder over random stacks (two binaries)

fuzz_targets=(binary container pclntab dwarf minidump core goroutine capture crash_text request unwind)
work=${GENTRACE_CACHE:-$HOME/.cache/gentrace}/fuzz
mkdir -p "$work"

# The executable (and core) a target reads, under $fixtures.
report_program=reports/go1.27/amd64/fatal-in-panic/prog
report_core=$report_program.core
request_binary=go/go1.27/amd64/goroutines-pie/prog
capture_binary=go/go1.27/amd64/goroutines/prog
unwind_binaries=(go/go1.19/arm64/default/prog esbuild/esbuild-linux-arm-0.13.15/esbuild)

# The library sources (not their unit tests) and the generated protobuf
# code, compiled once per content of the tree into one archive every
# target links: only what a target uses is pulled in.
fuzz_library() {
  local dirs=(arch symtab target goruntime unwind traceback render proto serve)
  local key
  # Paths relative to the checkout: a fresh clone of the same tree reuses it.
  key=$({
    clang++ --version
    cd "$root" && find "${dirs[@]}" tests/testing -name '*.h' -o -name '*.cc' -o -name '*.proto' |
      LC_ALL=C sort | xargs sha256sum
  } | sha256sum | cut -c1-16)
  library=$work/lib-$key
  [[ -f $library/libgentrace.a ]] && return 0
  find "$work" -maxdepth 1 -name 'lib-*' ! -path "$library" -exec rm -rf {} +
  mkdir -p "$library/gen" "$library/objects"
  protoc --proto_path="$root" --cpp_out="$library/gen" \
    "$root/proto/gentrace.proto" "$root/proto/profile.proto"
  {
    local dir file
    for dir in "${dirs[@]}"; do
      for file in "$root/$dir"/*.cc; do
        # The service's operations, not its HTTP and gRPC front ends.
        [[ $file == *_test.cc || $file == */serve/*_server.cc ]] || printf '%s\n' "$file"
      done
    done
    printf '%s\n' "$library"/gen/proto/*.pb.cc \
      "$root"/tests/testing/{exercise_binary,crashed_program}.cc
  } >"$library/sources"
  # shellcheck disable=SC2016 # $1.. are the inner shell's
  # An object already built for this key is kept (an interrupted build).
  xargs -P "$(nproc)" -I{} sh -c 'o="$4/$(echo "$3" | tr / _).o"; [ -f "$o" ] && exit 0
    clang++ -std=c++20 -O1 -g -fno-omit-frame-pointer \
    -fsanitize=fuzzer-no-link,address,undefined -fno-sanitize-recover=undefined \
    -I"$1" -I"$2" -c "$3" -o "$o.tmp" && mv "$o.tmp" "$o"' _ "$root" "$library/gen" {} \
    "$library/objects" <"$library/sources" || return 1
  ar rcs "$library/libgentrace.a" "$library"/objects/*.o
}

# Builds tests/fuzz/NAME_fuzzer.cc into $work/NAME_fuzzer, unless it is
# newer than both its source and the library.
build_fuzzer() {
  local name=$1 out=$work/${1}_fuzzer
  [[ $out -nt $library/libgentrace.a && $out -nt $root/tests/fuzz/${name}_fuzzer.cc ]] && return 0
  # shellcheck disable=SC2046
  clang++ -std=c++20 -O1 -g -fno-omit-frame-pointer \
    -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=undefined \
    -I"$root" -I"$library/gen" "$root/tests/fuzz/${name}_fuzzer.cc" "$library/libgentrace.a" \
    $(pkg-config --libs protobuf absl_statusor absl_status absl_strings absl_str_format \
      absl_flat_hash_map absl_synchronization libdw libdebuginfod libunwind-coredump \
      libunwind-ptrace libunwind-generic liblzma zlib) \
    -o "$out"
}

build_fuzzers() {
  fuzz_library || return 1
  local name pids=() failed=0
  for name in "${fuzz_targets[@]}"; do
    build_fuzzer "$name" &
    pids+=($!)
    if [[ ${#pids[@]} -ge $(nproc) ]]; then
      wait "${pids[0]}" || failed=1
      pids=("${pids[@]:1}")
    fi
  done
  for pid in "${pids[@]}"; do wait "$pid" || failed=1; done
  return "$failed"
}

# A core of $report_program cut down for the core target: its headers and
# notes, each thread's stack from 1 KiB below its stack pointer (4 KiB in
# all), and the other loads' headers with no bytes.
cut_core() {
  python3 - "$1" "$2" <<'PY'
import struct, sys
core = open(sys.argv[1], "rb").read()
phoff, = struct.unpack_from("<Q", core, 32)
phnum, = struct.unpack_from("<H", core, 56)
phdrs = [list(struct.unpack_from("<IIQQQQQQ", core, phoff + 56 * i)) for i in range(phnum)]
sps = []
for p in phdrs:
    if p[0] != 4:
        continue
    notes, at = core[p[2]:p[2] + p[5]], 0
    while at + 12 <= len(notes):
        namesz, descsz, kind = struct.unpack_from("<III", notes, at)
        desc = at + 12 + (namesz + 3) // 4 * 4
        if kind == 1:  # NT_PRSTATUS: pr_reg at 112, rsp is word 19
            sps.append(struct.unpack_from("<Q", notes, desc + 112 + 19 * 8)[0])
        at = desc + (descsz + 3) // 4 * 4
out_phdrs, blobs = [], []
for p in phdrs:
    if p[0] == 4:
        out_phdrs.append(p)
        blobs.append(core[p[2]:p[2] + p[5]])
        continue
    window = None
    for sp in sps:
        if p[3] <= sp < p[3] + p[5]:
            start = max(p[3], sp - 1024)
            window = (start, core[p[2] + start - p[3]:p[2] + min(start + 4096, p[3] + p[5]) - p[3]])
    if window:
        out_phdrs.append([p[0], p[1], 0, window[0], window[0], len(window[1]), len(window[1]), p[7]])
        blobs.append(window[1])
    else:
        out_phdrs.append([p[0], p[1], 0, p[3], p[4], 0, p[6], p[7]])
        blobs.append(b"")
at = 64 + 56 * len(out_phdrs)
body = b""
for p, blob in zip(out_phdrs, blobs):
    p[2] = at + len(body)
    body += blob
header = bytearray(core[:64])
struct.pack_into("<Q", header, 40, 0)  # no section headers
struct.pack_into("<HH", header, 60, 0, 0)
out = bytes(header) + b"".join(struct.pack("<IIQQQQQQ", *p) for p in out_phdrs) + body
open(sys.argv[2], "wb").write(out)
PY
}

# The dwarf target's seed: tests/fuzz/dwarf_seed.c compiled with DWARF in a
# unit named "runtime", debug sections only, its names' "runtime_" made
# "runtime.", behind the first byte (1: index the "runtime" units).
dwarf_seed() {
  local dir
  dir=$(mktemp -d)
  cp "$root/tests/fuzz/dwarf_seed.c" "$dir/runtime"
  (cd "$dir" && gcc -g -gdwarf-4 -O0 -x c runtime -o prog &&
    objcopy --only-keep-debug --remove-section=.comment prog debug) &&
    python3 - "$dir/debug" "$1" <<'PY'
import sys
elf = open(sys.argv[1], "rb").read().replace(b"runtime_", b"runtime.")
open(sys.argv[2], "wb").write(b"\x01" + elf)
PY
  local status=$?
  rm -rf "$dir"
  return $status
}

# Fills $work/corpus/NAME with seeds when it has none: small fixture
# files, cut-down cores, the inputs a target writes itself; and the
# repository's seeds (tests/fuzz/seeds/NAME).
seed_corpus() {
  local name=$1 corpus=$work/corpus/$1 seed
  mkdir -p "$corpus"
  [[ -n $(ls -A "$corpus") ]] && return 0
  case $name in
    binary)
      for seed in go/go1.19/amd64/default go/go1.23/mips/default go/go1.23/arm/stripped \
        foreign/go1.23/darwin-arm64/default foreign/go1.23/windows-386/stripped; do
        [[ -f $fixtures/$seed/prog ]] && cp "$fixtures/$seed/prog" "$corpus/${seed//\//_}"
      done ;;
    container)  # the first 16 KiB of a Mach-O and a PE: load commands, sections
      for seed in go1.23/darwin-amd64/default go1.23/windows-amd64/default; do
        [[ -f $fixtures/foreign/$seed/prog ]] &&
          head -c 16384 "$fixtures/foreign/$seed/prog" >"$corpus/${seed//\//_}"
      done ;;
    pclntab)
      GENTRACE_FUZZ_WRITE_SEEDS=$corpus "$work/pclntab_fuzzer" >/dev/null 2>&1 ;;
    dwarf) dwarf_seed "$corpus/runtime-structs" ;;
    minidump)  # Breakpad's writer's (amd64, arm64), other projects' (x86 Windows)
      for seed in go1.19/default go1.27/stripped go1.27/arm64/stripped; do
        [[ -f $fixtures/breakpad/$seed/prog.dmp ]] &&
          cp "$fixtures/breakpad/$seed/prog.dmp" "$corpus/${seed//\//_}"
      done
      cp "$root/tests/integrations/third_party_minidumps/breakpad/minidump2.dmp" \
        "$root/tests/integrations/third_party_minidumps/rust-minidump/linux-mini.dmp" "$corpus/" ;;
    core)
      cut_core "$fixtures/$report_core" "$corpus/fatal-in-panic" ;;
    crash_text)  # the request binary's own crash text, in 8 KiB pieces
      split -b 8192 "$fixtures/${request_binary}.crash.txt" "$corpus/crash-" ;;
    request)  # the first byte picks the request
      printf '\000{"buildId":"x","pcs":["0x1000","0x1001"],"callers":true}' >"$corpus/symbolize"
      { printf '\004'; head -c 16384 "$fixtures/$request_binary.crash.txt"; } >"$corpus/crash_text" ;;
  esac
  if [[ -d $root/tests/fuzz/seeds/$name ]]; then
    cp "$root/tests/fuzz/seeds/$name"/* "$corpus/"
  fi
}

# Sets fuzz_cmd to the command that runs target NAME (its fixed program
# in the environment; for unwind, binary INDEX of unwind_binaries) and
# fuzz_max_len to its inputs' size limit.
fuzz_command() {
  local name=$1 index=${2:-0} binary="" core=""
  fuzz_max_len=65536
  case $name in
    binary) fuzz_max_len=4000000 ;;
    minidump | pclntab | dwarf) fuzz_max_len=262144 ;;
    core) binary=$report_program fuzz_max_len=1048576 ;;
    goroutine) binary=$report_program core=$report_core ;;
    capture) binary=$capture_binary ;;
    crash_text) binary=$request_binary ;;
    # Requests of up to 2 KiB: a body's cost grows with its size (parsing,
    # unwinding, rendering), and at 64 KiB the target ran 180-290 inputs a
    # second against 1,160 at 2 KiB, covering no more; large and hostile
    # bodies are the service test's.
    request) binary=$request_binary fuzz_max_len=2048 ;;
    unwind) binary=${unwind_binaries[$index]} ;;
  esac
  fuzz_cmd=(env)
  [[ -n $binary ]] && fuzz_cmd+=(GENTRACE_FUZZ_BINARY="$fixtures/$binary")
  [[ -n $core ]] && fuzz_cmd+=(GENTRACE_FUZZ_CORE="$fixtures/$core")
  fuzz_cmd+=("$work/${name}_fuzzer")
}

# Runs target NAME for SECONDS over its corpus, replaying the repository's
# regression inputs (tests/fuzz/regressions/NAME) first; extra arguments go
# to libFuzzer. Crashes are written to $work/artifacts/NAME/. The unwinder
# gets half the time on each of its binaries: a Go 1.19 arm64 program, and
# esbuild built by go1.17 for arm, whose runtime.jmpdefer (the
# golang/go#8153 hand-over) it starts in one walk in eight.
run_fuzz_target() {
  local name=$1 seconds=$2
  shift 2
  local regressions=$root/tests/fuzz/regressions/$name artifacts=$work/artifacts/$name
  mkdir -p "$artifacts" "$regressions"
  seed_corpus "$name"
  local args=(-rss_limit_mb=4096 -timeout=20 -print_final_stats=1
    -artifact_prefix="$artifacts/" "$@")
  local dict=$root/tests/fuzz/dictionaries/$name.dict
  [[ -f $dict ]] && args+=(-dict="$dict")
  local runs=1 index
  [[ $name == unwind ]] && runs=${#unwind_binaries[@]} seconds=$(((seconds + 1) / 2))
  for ((index = 0; index < runs; index++)); do
    fuzz_command "$name" "$index"
    "${fuzz_cmd[@]}" -max_total_time="$seconds" -max_len="$fuzz_max_len" "${args[@]}" \
      "$work/corpus/$name" "$regressions" || return 1
  done
}
