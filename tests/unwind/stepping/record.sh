#!/usr/bin/env bash
# Records the every-instruction fixtures of stepping_unwind_test: runs the
# stepping program (tests/go/stepping, built by build_go_programs.sh) under
# gdb-multiarch, through qemu-user's gdb stub for foreign GOARCHes, and
# single-steps its goroutine with record_steps.py (for loong64, which
# gdb-multiarch 13 lacks, record_steps.py speaks to qemu's stub itself). Writes <goarch>.jsonl.xz
# beside this script: a header line, then one line per instruction.
#
# Usage: record.sh FIXTURES_GO_DIR [GOARCH...]
#   FIXTURES_GO_DIR  the output of build_go_programs.sh (for example
#                    ~/.cache/gentrace/fixtures/go); its go1.19/<arch>/stepping/prog
#                    are the binaries the test unwinds against.
set -euo pipefail

here=$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")
# shellcheck source-path=SCRIPTDIR source=../../fixtures/lib.sh
source "$here/../../fixtures/lib.sh"
readonly here toolchain=go1.19
readonly go=/usr/lib/go-1.19/bin/go

[[ $# -ge 1 ]] || { echo "usage: $0 FIXTURES_GO_DIR [GOARCH...]" >&2; exit 2; }
fixtures=$(readlink -f "$1")
shift
arches=("$@")
((${#arches[@]})) || arches=(386 amd64 arm arm64 ppc64 ppc64le mips mipsle mips64 mips64le riscv64 s390x loong64)

# GOARCH -> pc sp lr ptr_size endianness, with gdb's register names (those
# unwind/arch.cc uses).
regs_for() {
  case $1 in
    386) echo "eip esp - 4 little" ;;
    amd64) echo "rip rsp - 8 little" ;;
    arm) echo "pc sp lr 4 little" ;;
    arm64) echo "pc sp x30 8 little" ;;
    loong64) echo "pc r3 r1 8 little" ;;
    mips) echo "pc sp ra 4 big" ;;
    mipsle) echo "pc sp ra 4 little" ;;
    mips64) echo "pc sp ra 8 big" ;;
    mips64le) echo "pc sp ra 8 little" ;;
    ppc64) echo "pc r1 lr 8 big" ;;
    ppc64le) echo "pc r1 lr 8 little" ;;
    riscv64) echo "pc sp ra 8 little" ;;
    s390x) echo "pswa r15 r14 8 big" ;;
    *) return 1 ;;
  esac
}

record_one() {
  local arch=$1 prog=$fixtures/$toolchain/$1/stepping/prog work port runner
  [[ -x $prog ]] || { echo "$arch: no $prog (run build_go_programs.sh)" >&2; return 1; }
  local pc sp lr ptr endian
  read -r pc sp lr ptr endian < <(regs_for "$arch")
  [[ $lr != - ]] || lr=
  work=$(mktemp -d)
  "$go" tool nm -size -sort address "$prog" >"$work/symbols"
  local -a env=(GODEBUG=asyncpreemptoff=1 GOGC=off GOMAXPROCS=1)
  local -a recorder
  runner=$(runner_for "$arch")
  if [[ $runner == native ]]; then
    recorder=(gdb-multiarch -nx -batch -ex "file $prog"
      -ex "set environment ${env[0]}" -ex "set environment ${env[1]}"
      -ex "set environment ${env[2]}" -ex starti -x "$here/record_steps.py")
  else
    port=$((20000 + RANDOM % 20000))
    env "${env[@]}" "$runner" -g "$port" "$prog" &
    sleep 0.5
    if [[ $arch == loong64 ]]; then
      # gdb-multiarch 13 has no LoongArch: the recorder talks to the stub.
      recorder=(env STEP_REMOTE="127.0.0.1:$port" python3 "$here/record_steps.py")
    else
      recorder=(gdb-multiarch -nx -batch -ex "file $prog" -ex "target remote :$port"
        -x "$here/record_steps.py")
    fi
  fi
  STEP_SYMBOLS=$work/symbols STEP_OUT=$work/steps STEP_GOARCH=$arch \
    STEP_PC=$pc STEP_SP=$sp STEP_LR=$lr STEP_PTR_SIZE=$ptr STEP_ENDIAN=$endian \
    timeout 900 "${recorder[@]}" >"$work/log" 2>&1 || {
    echo "$arch: recording failed:" >&2
    tail -20 "$work/log" >&2
    return 1
  }
  wait
  grep -q '^recorded [0-9]* instructions' "$work/log" || {
    echo "$arch: the recorder stopped early:" >&2
    tail -20 "$work/log" >&2
    return 1
  }
  {
    printf '{"goarch": "%s", "toolchain": "%s", "goVersion": "%s", "buildId": "%s", "recordedUnder": "%s"}\n' \
      "$arch" "$toolchain" "$("$go" env GOVERSION)" "$("$go" tool buildid "$prog")" "$runner"
    cat "$work/steps"
  } | xz -9e >"$here/$arch.jsonl.xz"
  echo "$arch: $(grep -o 'recorded [0-9]* instructions' "$work/log"), $(stat -c %s "$here/$arch.jsonl.xz") bytes"
  rm -rf "$work"
}

for arch in "${arches[@]}"; do
  record_one "$arch"
done
