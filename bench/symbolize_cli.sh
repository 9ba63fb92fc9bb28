#!/usr/bin/env bash
# Whole commands, side by side on the same PCs: `gentrace symbolize` (text
# and JSON, from the pclntab and from a symbolization index) against
# `go tool addr2line`, N random PCs of the binary's text piped through stdin;
# and `gentrace index` building that index. Prints each command's median wall
# time of RUNS runs.
#
#   bazel build -c opt //cli:gentrace
#   bench/symbolize_cli.sh BINARY [N=2000000] [RUNS=5] [GO=/usr/lib/go-1.23/bin/go]
set -euo pipefail
binary=$1
count=${2:-2000000}
runs=${3:-5}
go=${4:-/usr/lib/go-1.23/bin/go}
root=$(cd "$(dirname "$0")/.." && pwd)
gentrace=$root/bazel-bin/cli/gentrace
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

text=$("$gentrace" info --binary="$binary" | sed -n 's/^text: //p')
python3 - "${text%-*}" "${text#*-}" "$count" >"$work/pcs" <<'PY'
import random, sys
lo, hi, n = int(sys.argv[1], 16), int(sys.argv[2], 16), int(sys.argv[3])
random.seed(1)
sys.stdout.write("".join("0x%x\n" % random.randrange(lo, hi) for _ in range(n)))
PY

# The median of RUNS wall times of a command, in seconds.
median() {
  local times=()
  for ((i = 0; i < runs; i++)); do
    local start end
    start=$(date +%s.%N)
    "$@" <"$work/pcs" >/dev/null
    end=$(date +%s.%N)
    times+=("$(awk -v a="$start" -v b="$end" 'BEGIN { printf "%.3f", b - a }')")
  done
  printf '%s\n' "${times[@]}" | sort -n | sed -n "$(((runs + 1) / 2))p"
}

index=$work/index
"$gentrace" index --binary="$binary" --out="$index"

echo "$count random PCs of $binary, median of $runs runs (s):"
echo "gentrace symbolize (text)          $(median "$gentrace" symbolize --binary="$binary" --index=none)"
echo "gentrace symbolize (json)          $(median "$gentrace" symbolize --binary="$binary" --index=none --format=json)"
echo "gentrace symbolize --index (text)  $(median "$gentrace" symbolize --binary="$binary" --index="$index")"
echo "gentrace symbolize --index (json)  $(median "$gentrace" symbolize --binary="$binary" --index="$index" --format=json)"
echo "go tool addr2line                  $(median "$go" tool addr2line "$binary")"
echo "gentrace index                     $(median "$gentrace" index --binary="$binary" --out="$work/rebuilt")"
echo "index $(stat -c %s "$index") bytes"
