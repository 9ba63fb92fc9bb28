#!/usr/bin/env bash
# Records the jmpdefer fixtures: runs Go 1.17 esbuild binaries (the npm
# packages fetch_esbuild.sh unpacks) under gdb-multiarch, through qemu-user's
# gdb stub for foreign GOARCHes, and has record_jmpdefer.py single-step
# runtime.jmpdefer, from deferreturn's call of it to the deferred function's
# first instruction. Writes <goarch>.jsonl.xz beside this script: a header
# line, then per hit a "reference" capture and its "step" captures.
#
# Usage: record.sh ESBUILD_FIXTURES_DIR [GOARCH...]
#   ESBUILD_FIXTURES_DIR  the output of fetch_esbuild.sh (for example
#                         ~/.cache/gentrace/fixtures/esbuild)
# Environment: GENTRACE, the gentrace binary whose `funcs` command gives the
# function table (default: bazel-bin/cli/gentrace of this checkout).
set -euo pipefail

here=$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")
# shellcheck source-path=SCRIPTDIR source=../../fixtures/lib.sh
source "$here/../../fixtures/lib.sh"
readonly here go=/usr/lib/go-1.23/bin/go hits=6 max_runs=6

[[ $# -ge 1 ]] || { echo "usage: $0 ESBUILD_FIXTURES_DIR [GOARCH...]" >&2; exit 2; }
fixtures=$(readlink -f "$1")
shift
arches=("$@")
((${#arches[@]})) || arches=(386 amd64 arm arm64 ppc64le mips64le s390x riscv64)

# The gentrace binary is copied once: bazel-bin may be rebuilt meanwhile.
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cp "${GENTRACE:-$here/../../../bazel-bin/cli/gentrace}" "$tmp/gentrace"

# GOARCH -> npm package and version: the last esbuild releases built with
# Go 1.17 (jmpdefer is gone in Go 1.18), or for s390x and riscv64 the first
# releases with a package at all.
package_for() {
  case $1 in
    386) echo "esbuild-linux-32 0.13.15" ;;
    amd64) echo "esbuild-linux-64 0.13.15" ;;
    arm | arm64 | ppc64le | mips64le) echo "esbuild-linux-$1 0.13.15" ;;
    s390x) echo "esbuild-linux-s390x 0.14.8" ;;
    riscv64) echo "esbuild-linux-riscv64 0.14.21" ;;
    *) return 1 ;;
  esac
}

# GOARCH -> pc sp lr g ptr_size endianness min_frame_size, with gdb's
# register names. lr "-": the return address is at SP. g: the register the
# runtime keeps the goroutine in, or where it is in thread-local storage.
regs_for() {
  case $1 in
    386) echo "eip esp - gs_entry-4 4 little 0" ;;
    amd64) echo "rip rsp - fs_base-8 8 little 0" ;;
    arm) echo "pc sp lr r10 4 little 4" ;;
    arm64) echo "pc sp x30 x28 8 little 8" ;;
    mips64le) echo "pc sp ra s8 8 little 8" ;;
    ppc64le) echo "pc r1 lr r30 8 little 32" ;;
    riscv64) echo "pc sp ra s11 8 little 8" ;;
    s390x) echo "pswa r15 r14 r13 8 big 8" ;;
    *) return 1 ;;
  esac
}

# Any input will do: esbuild's parser defers popScope (and, on amd64, a
# regabi wrapper of it) in parseStmt and parsePrefix, where the defers are
# not open-coded, so each statement or expression parsed calls jmpdefer.
cat >"$tmp/t.js" <<'EOF'
const a = [1,2,3].map(x => x*2);
function f(){ try { return a } finally { console.log(1) } }
export default f;
EOF

# Runs the program once under the recorder, which appends its hits (those
# still missing, numbered on from $4) to $5/hits.
record_run() {
  local arch=$1 prog=$2 runner=$3 base=$4 work=$5 port qemu=
  local pc sp lr g ptr endian min_frame
  read -r pc sp lr g ptr endian min_frame < <(regs_for "$arch")
  [[ $lr != - ]] || lr=
  # One Go thread running Go code at a time, and no preemption signals.
  local -a env=(GODEBUG=asyncpreemptoff=1 GOMAXPROCS=1)
  local -a args=("$tmp/t.js" --minify) recorder
  if [[ $runner == native ]]; then
    recorder=(gdb-multiarch -nx -batch -ex "file $prog"
      -ex "set environment ${env[0]}" -ex "set environment ${env[1]}"
      -ex "set args ${args[*]}" -ex starti)
  else
    port=$((20000 + RANDOM % 20000))
    env "${env[@]}" "$runner" -g "$port" "$prog" "${args[@]}" >/dev/null 2>"$work/qemu.log" &
    qemu=$!
    sleep 0.5
    recorder=(gdb-multiarch -nx -batch -ex "file $prog" -ex "target remote :$port")
  fi
  JD_GOARCH=$arch JD_PC=$pc JD_SP=$sp JD_LR=$lr JD_G=$g JD_PTR_SIZE=$ptr \
    JD_ENDIAN=$endian JD_MIN_FRAME=$min_frame JD_FUNCS=$work/funcs JD_HITS=$((hits - base)) \
    JD_HIT_BASE=$base JD_OUT=$work/hits \
    timeout 900 "${recorder[@]}" -x "$here/record_jmpdefer.py" >"$work/log" 2>&1 || {
    echo "$arch: recording failed:" >&2
    tail -20 "$work/log" >&2
    [[ -z $qemu ]] || kill "$qemu" 2>/dev/null || true
    return 1
  }
  # The recorder has killed the program; qemu's exit status says nothing.
  [[ -z $qemu ]] || wait "$qemu" || true
  grep -q '^recorded [0-9]* hits' "$work/log" ||
    { echo "$arch: the recorder stopped early:" >&2; tail -20 "$work/log" >&2; return 1; }
  grep '^hit \|^discarded\|^recorded' "$work/log" | sed "s/^/$arch: /" >&2
  grep '^stack top: ' "$work/log" | cut -d' ' -f3 | tr + '\n' >>"$work/stack_top"
}

record_one() {
  local arch=$1 package version prog runner work got=0 run build_id stack_top
  read -r package version < <(package_for "$arch")
  prog=$fixtures/$package-$version/esbuild
  [[ -x $prog ]] || { echo "$arch: no $prog (run fetch_esbuild.sh)" >&2; return 1; }
  runner=$(runner_for "$arch")
  work=$(mktemp -d -p "$tmp")
  "$tmp/gentrace" funcs --binary="$prog" >"$work/funcs"
  touch "$work/hits" "$work/stack_top"
  for ((run = 0; run < max_runs && got < hits; run++)); do
    record_run "$arch" "$prog" "$runner" "$got" "$work"
    got=$(grep -c '"kind": "reference"' "$work/hits" || true)
  done
  ((got >= 4)) || { echo "$arch: only $got hits in $max_runs runs" >&2; return 1; }
  build_id=$("$go" tool buildid "$prog" 2>/dev/null) ||
    build_id=$(readelf -n "$prog" | awk '/Build ID:/ { print $3; exit }')
  # "g.stack.hi", or "64KiB" where g could not be read; both if mixed.
  stack_top=$(grep . "$work/stack_top" | sort -u | paste -sd+)
  {
    printf '{"goarch": "%s", "package": "%s", "version": "%s", "goVersion": "%s", "buildId": "%s", "recordedUnder": "%s", "stackTop": "%s"}\n' \
      "$arch" "$package" "$version" "$("$go" version "$prog" | awk '{ print $NF }')" \
      "$build_id" "$runner" "$stack_top"
    cat "$work/hits"
  } | xz -9e >"$here/$arch.jsonl.xz"
  echo "$arch: $got hits, $(grep -c '"kind": "step"' "$work/hits") steps, $(stat -c %s "$here/$arch.jsonl.xz") bytes"
}

for arch in "${arches[@]}"; do
  record_one "$arch"
done
