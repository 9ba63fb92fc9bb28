#!/usr/bin/env bash
# The service's memory with a large store, as an operator meets it: COUNT
# binaries in the store (copies of BINARY, each given a GNU build ID of its
# own), of which HOT are asked to symbolize (4,096 random text PCs each,
# ROUNDS times over), the rest never opened. Prints the time `gentrace store
# add` took for all of them, the server's resident memory when started and
# after the hot requests (VmRSS, VmHWM from /proc), the binaries it holds
# open, and how long GET /metrics takes over the whole store.
#
#   bazel build -c opt //cli:gentrace
#   bench/serve_store_memory.sh BINARY [COUNT=1000] [HOT=50] [ROUNDS=3]
#
# BINARY must have a GNU build ID (Go 1.24+, or -ldflags=-B gobuildid).
# Works in a temporary directory (COUNT times BINARY's size and its index),
# removed at the end.
set -euo pipefail
binary=$1
count=${2:-1000}
hot=${3:-50}
rounds=${4:-3}
root=$(cd "$(dirname "$0")/.." && pwd)
gentrace=$root/bazel-bin/cli/gentrace

# shellcheck source-path=SCRIPTDIR source=serve_lib.sh
source "$root/bench/serve_lib.sh"
work=$(mktemp -d)
trap 'stop_serve; rm -rf "$work"' EXIT

gnu=$("$gentrace" info --binary="$binary" --format=json | sed -n 's/.*"gnuBuildId":"\([0-9a-f]*\)".*/\1/p')
[[ -n $gnu ]] || { echo "$binary has no GNU build ID" >&2; exit 2; }
# The copies, and for each, a request body of random PCs in its text.
read -r first last < <("$gentrace" funcs --binary="$binary" | awk '!/^#/ { if (!f) f = $1; l = $2 } END { print f, l }')
python3 - "$binary" "$gnu" "$count" "$work" "$first" "$last" <<'EOF'
import random, sys
path, gnu, count, work, first, last = sys.argv[1:7]
data = open(path, "rb").read()
old = bytes.fromhex(gnu)
assert data.count(old) >= 1
rng = random.Random(1)
for i in range(int(count)):
    new = rng.randbytes(len(old))
    open(f"{work}/bin{i}", "wb").write(data.replace(old, new))
    pcs = ",".join('"0x%x"' % rng.randrange(int(first, 16), int(last, 16)) for _ in range(4096))
    open(f"{work}/req{i}.json", "w").write('{"buildId":"%s","pcs":[%s]}' % (new.hex(), pcs))
EOF

start=$(date +%s.%N)
"$gentrace" store add --store="$work/store" "$work"/bin* >/dev/null
added=$(date +%s.%N)
rm -f "$work"/bin*

start_serve "$gentrace" "$work/store"
memory() { awk '/^VmRSS|^VmHWM/ { printf "%s %.1f MB  ", $1, $2 / 1024 }' "/proc/$serve_pid/status"; }
echo "store add of $count binaries: $(echo "$added - $start" | bc) s ($(du -sm "$work/store" | cut -f1) MB on disk)"
echo "started:            $(memory)"
for ((r = 0; r < rounds; r++)); do
  for ((i = 0; i < hot; i++)); do
    curl -sf -o /dev/null --data-binary @"$work/req$i.json" "$serve_url/v1/symbolize"
  done
done
echo "after $hot hot x $rounds: $(memory)"
metrics_time=$(curl -sf -o "$work/metrics" -w '%{time_total}' "$serve_url/metrics")
grep -E '^gentrace_(open_binaries|store_binaries|open_binary_(hits|misses)_total) ' "$work/metrics"
echo "GET /metrics: ${metrics_time} s"
