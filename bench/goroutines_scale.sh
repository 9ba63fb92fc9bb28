#!/usr/bin/env bash
# The goroutine view at scale, as a user meets it: `gentrace core` printing
# every goroutine of cores of tests/go/parked (Go 1.23, amd64) with 1,000 to
# 100,000 goroutines, whole command, output to /dev/null. Prints each core's
# size, the median wall time of RUNS runs, the peak memory of the process
# (/usr/bin/time's maximum resident set) and the time per goroutine, so that
# linear growth shows, then the median wall time and size of the grouped
# HTML page of the same goroutines (--format=html), then the median time
# of the same core uploaded to `gentrace serve` on loopback and answered
# with the same text (curl POST /v1/cores, upload included); checks that
# gentrace printed as many goroutines as the runtime did.
#
#   bazel build -c opt //cli:gentrace
#   bench/goroutines_scale.sh FIXTURES/go [RUNS=3] [COUNTS="1000 10000 30000 100000"]
#
# The cores are made once (the program crashed under GOTRACEBACK=crash, as
# the fixtures are) into $GENTRACE_CACHE/scale (default
# ~/.cache/gentrace/scale), keyed by the program's hash: about 1.3 GB for
# 100,000 goroutines.
set -euo pipefail
fixtures=$1
runs=${2:-3}
read -r -a counts <<<"${3:-1000 10000 30000 100000}"
root=$(cd "$(dirname "$0")/.." && pwd)
gentrace=$root/bazel-bin/cli/gentrace
# shellcheck source-path=SCRIPTDIR source=../tests/fixtures/lib.sh
source "$root/tests/fixtures/lib.sh"

program=$fixtures/go1.23/amd64/parked/prog
[[ -x $program ]] || { echo "no $program: build the fixtures first" >&2; exit 2; }
cache=${GENTRACE_CACHE:-$HOME/.cache/gentrace}/scale/$(sha256sum "$program" | cut -c1-16)
# Cores of another build of the program are of no further use.
find "$(dirname "$cache")" -mindepth 1 -maxdepth 1 ! -path "$cache" -exec rm -rf {} + 2>/dev/null || true

# The median of RUNS wall times of `gentrace core [FLAGS]` on DIR's core,
# and the largest peak memory among them (KiB): "seconds kib".
measure() {
  local dir=$1 walls=() peak=0
  shift
  for ((i = 0; i < runs; i++)); do
    local line
    line=$(/usr/bin/time -f '%e %M' "$gentrace" core --binary="$dir/prog" \
      --core="$dir/prog.core" "$@" 2>&1 >/dev/null | tail -1)
    walls+=("${line% *}")
    ((${line#* } > peak)) && peak=${line#* }
  done
  echo "$(printf '%s\n' "${walls[@]}" | sort -n | sed -n "$(((runs + 1) / 2))p") $peak"
}

# The service, on a free loopback port over a store of its own, holding the
# program.
# shellcheck source-path=SCRIPTDIR source=serve_lib.sh
source "$root/bench/serve_lib.sh"
work=$(mktemp -d)
trap 'stop_serve; rm -rf "$work"' EXIT
start_serve "$gentrace" "$work/store"
build_id=$(upload_binary "$program")

# The median of RUNS times (curl's, request sent to answer read) of DIR's
# core uploaded and answered as text.
served() {
  local dir=$1 times=()
  for ((i = 0; i < runs; i++)); do
    times+=("$(curl -sf -o /dev/null -w '%{time_total}' --data-binary @"$dir/prog.core" \
      "$serve_url/v1/cores?build_id=$build_id")")
  done
  printf '%s\n' "${times[@]}" | sort -n | sed -n "$(((runs + 1) / 2))p"
}

printf '%-12s %10s %10s %10s %14s %10s %10s %10s\n' goroutines "core MB" "wall s" "peak MB" "us/goroutine" \
  "html s" "html KB" "served s"
for n in "${counts[@]}"; do
  dir=$cache/$n
  if [[ ! -f $dir/prog.core ]]; then
    rm -rf "$dir"
    mkdir -p "$dir"
    cp "$program" "$dir/prog"
    crash_core "$dir" native "$dir/prog" "$n" crash ||
      { echo "no core with $n goroutines" >&2; exit 1; }
  fi
  # The runtime also prints other threads' g0 ("goroutine 0"), which
  # gentrace core does not.
  printed=$("$gentrace" core --binary="$dir/prog" --core="$dir/prog.core" 2>/dev/null | grep -c '^goroutine [1-9]')
  want=$(grep -c '^goroutine [1-9]' "$dir/prog.crash.txt")
  [[ $printed == "$want" ]] ||
    { echo "$n: gentrace printed $printed goroutines, the runtime $want" >&2; exit 1; }
  read -r wall peak < <(measure "$dir")
  # The same goroutines grouped into the HTML page.
  read -r html_wall _ < <(measure "$dir" --format=html)
  html_bytes=$("$gentrace" core --binary="$dir/prog" --core="$dir/prog.core" --format=html 2>/dev/null | wc -c)
  served_wall=$(served "$dir")
  awk -v n="$printed" -v size="$(stat -c %s "$dir/prog.core")" -v wall="$wall" -v peak="$peak" \
    -v html_wall="$html_wall" -v html_bytes="$html_bytes" -v served_wall="$served_wall" \
    'BEGIN { printf "%-12d %10.0f %10.3f %10.1f %14.2f %10.3f %10.0f %10.3f\n", n, size / 1e6, wall, peak / 1024,
      wall * 1e6 / n, html_wall, html_bytes / 1024, served_wall }'
done
