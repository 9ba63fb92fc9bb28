#!/usr/bin/env bash
# /v1/symbolize as a client meets it, whole service against whole command
# on the same random text PCs of one binary: `gentrace serve` on loopback
# driven by wrk (POST bodies of 1, 64 and 4,096 PCs, at 1, 8 and 64
# connections, 2 client threads, 1 for one connection) — PCs answered
# per second and latency percentiles; then 64-PC bodies on 8 connections at
# 80% of the rate wrk reached there, on a fixed schedule
# (bench/paced_load.cc), for the latency below saturation — and
# `gentrace symbolize --format=json` on all the PCs the bodies hold, piped
# through stdin, for the same answers from the CLI.
#
#   bazel build -c opt //cli:gentrace //bench:paced_load && apt-get install wrk
#   bench/serve_symbolize.sh BINARY [SECONDS=5] [SERVER_THREADS=its default]
#
# GENTRACE_SERVE_CPU and GENTRACE_LOAD_CPU pin the server (all its threads)
# and the load (wrk, paced_load) to those CPUs, for figures per core.
set -euo pipefail
binary=$1
seconds=${2:-5}
threads=${3:+--threads=$3}
root=$(cd "$(dirname "$0")/.." && pwd)
gentrace=$root/bazel-bin/cli/gentrace
[[ -x $root/bazel-bin/bench/paced_load ]] || { echo "needs bazel build -c opt //bench:paced_load" >&2; exit 2; }
command -v wrk >/dev/null || { echo "needs wrk (apt-get install wrk)" >&2; exit 2; }
# shellcheck source-path=SCRIPTDIR source=serve_lib.sh
source "$root/bench/serve_lib.sh"
work=$(mktemp -d)
trap 'stop_serve; rm -rf "$work"' EXIT

# shellcheck disable=SC2086
start_serve "$gentrace" "$work/store" $threads
if [[ -n ${GENTRACE_SERVE_CPU:-} ]]; then
  taskset -a -p -c "$GENTRACE_SERVE_CPU" "$serve_pid" >/dev/null
fi
load=()
[[ -n ${GENTRACE_LOAD_CPU:-} ]] && load=(taskset -c "$GENTRACE_LOAD_CPU")
url=$serve_url
id=$(upload_binary "$binary")

text=$("$gentrace" info --binary="$binary" | sed -n 's/^text: //p')
for n in 1 64 4096; do
  python3 - "${text%-*}" "${text#*-}" "$n" "$id" >"$work/body$n.json" <<'PY'
import random, sys
lo, hi, n, build_id = int(sys.argv[1], 16), int(sys.argv[2], 16), int(sys.argv[3]), sys.argv[4]
random.seed(n)
pcs = ",".join('"0x%x"' % random.randrange(lo, hi) for _ in range(n))
sys.stdout.write('{"buildId":"%s","pcs":[%s]}' % (build_id, pcs))
PY
  cat >"$work/post$n.lua" <<LUA
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
local f = io.open("$work/body$n.json", "rb"); wrk.body = f:read("*a"); f:close()
LUA
done

printf '%-6s %-12s %14s %10s %10s\n' "PCs" "connections" "PCs/s" "p50" "p99"
for n in 1 64 4096; do
  for c in 1 8 64; do
    out=$("${load[@]}" wrk -t"$((c < 2 ? 1 : 2))" -c"$c" -d"${seconds}s" --latency -s "$work/post$n.lua" "$url/v1/symbolize")
    rps=$(awk '/^Requests\/sec:/ {print $2}' <<<"$out")
    p50=$(awk '$1 == "50%" {print $2}' <<<"$out")
    p99=$(awk '$1 == "99%" {print $2}' <<<"$out")
    errors=$(awk '/Non-2xx/ {print $NF}' <<<"$out")
    [[ $n == 64 && $c == 8 ]] && peak_rps=$rps
    printf '%-6s %-12s %14.0f %10s %10s%s\n' "$n" "$c" "$(awk -v r="$rps" -v n="$n" 'BEGIN {print r * n}')" \
      "$p50" "$p99" "${errors:+  ($errors non-2xx)}"
  done
done

# Below saturation: 8 connections sending on a fixed schedule, 80% of
# wrk's peak above in all; latency from when each request was due.
# GENTRACE_PACED_RUNS (default 1) runs it that many times. Each line ends
# with the time the hypervisor took from this virtual machine's CPUs
# during the run (the steal column of /proc/stat; the server's CPU and the
# load's when they are pinned, else all), which no software here can
# avoid: a CPU taken for a few milliseconds delays every request due then.
steal_ms() {
  awk -v cpu="cpu${1:-}" -v hz="$(getconf CLK_TCK)" '$1 == cpu { print $9 * 1000 / hz }' /proc/stat
}
busy_ms() {
  awk -v cpu="cpu${1:-}" -v hz="$(getconf CLK_TCK)" '$1 == cpu { print ($2 + $3 + $4 + $7 + $8) * 1000 / hz }' /proc/stat
}
rate=$(awk -v r="$peak_rps" 'BEGIN {printf "%d", r * 0.8}')
for ((run = 0; run < ${GENTRACE_PACED_RUNS:-1}; run++)); do
  serve_before=$(steal_ms "${GENTRACE_SERVE_CPU:-}")
  load_before=$(steal_ms "${GENTRACE_LOAD_CPU:-}")
  serve_busy_before=$(busy_ms "${GENTRACE_SERVE_CPU:-}")
  load_busy_before=$(busy_ms "${GENTRACE_LOAD_CPU:-}")
  paced=$("${load[@]}" "$root/bazel-bin/bench/paced_load" "$url" /v1/symbolize "$work/body64.json" 8 "$rate" "$seconds" || true)
  serve_stolen=$(($(steal_ms "${GENTRACE_SERVE_CPU:-}") - serve_before))
  load_stolen=$(($(steal_ms "${GENTRACE_LOAD_CPU:-}") - load_before))
  serve_busy=$(($(busy_ms "${GENTRACE_SERVE_CPU:-}") - serve_busy_before))
  load_busy=$(($(busy_ms "${GENTRACE_LOAD_CPU:-}") - load_busy_before))
  awk -v s="$serve_stolen" -v l="$load_stolen" -v sb="$serve_busy" -v lb="$load_busy" -v t="$seconds" \
    '{ printf "%-6s %-12s %14.0f %9.0fus %9.0fus  (max %.1f ms; busy: server %.0f%%, load %.0f%%; stolen: server %d ms, load %d ms)%s\n",
       "64", "8, 80% paced", $2 * 64, $4, $6, $10 / 1000, sb / t / 10, lb / t / 10, s, l, $12 ? "  (" $12 " failed)" : "" }' <<<"$paced"
done

# The CLI on the same PCs as the 4,096-PC body, repeated to a million.
python3 - "$work/body4096.json" >"$work/pcs" <<'PY'
import json, sys
pcs = json.load(open(sys.argv[1]))["pcs"]
sys.stdout.write("".join(p + "\n" for p in pcs) * 245)
PY
cp "$binary" "$work/binary"
"$gentrace" index --binary="$work/binary" >/dev/null
start=$(date +%s.%N)
"$gentrace" symbolize --format=json --binary="$work/binary" <"$work/pcs" >/dev/null
end=$(date +%s.%N)
awk -v a="$start" -v b="$end" -v n="$(wc -l <"$work/pcs")" \
  'BEGIN { printf "gentrace symbolize --format=json (indexed), %d PCs: %.0f PCs/s\n", n, n / (b - a) }'
