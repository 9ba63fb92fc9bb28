#!/usr/bin/env bash
# Builds every libFuzzer target with clang (ASan + UBSan; tests/fuzz/fuzz_lib.sh
# lists them) and fuzzes each for SECONDS (default 30), two at a time on a
# machine with two cores, each after replaying its corpus and the
# repository's regression inputs. Crashing inputs are left in
# $GENTRACE_CACHE/fuzz/artifacts/TARGET and fail the run; each target's
# final statistics (executions/s, edges covered) are printed. The last line
# is "fuzz targets: N passed, N failed".
#
#   GENTRACE_FIXTURES=... tests/fuzz/run_fuzzer.sh [SECONDS]
set -uo pipefail

root=$(cd "$(dirname "$0")/../.." && pwd)
seconds=${1:-30}
fixtures=${GENTRACE_FIXTURES:?set GENTRACE_FIXTURES (tests/run_tests.sh does)}
# shellcheck source=tests/fuzz/fuzz_lib.sh
source "$root/tests/fuzz/fuzz_lib.sh"

if ! build_fuzzers; then
  echo "the fuzzers did not build"
  echo "fuzz targets: 0 passed, ${#fuzz_targets[@]} failed"
  exit 1
fi
mkdir -p "$work/logs"
failed=()
pids=()
names=()
# Waits for the oldest running target; a failure is remembered by name.
reap() {
  if ! wait "${pids[0]}"; then failed+=("${names[0]}"); fi
  tail -n 3 "$work/logs/${names[0]}.log" | sed "s/^/${names[0]}: /"
  grep -E '^stat::(number_of_executed_units|average_exec_per_sec|peak_rss_mb)' \
    "$work/logs/${names[0]}.log" | sed "s/^/${names[0]}: /"
  pids=("${pids[@]:1}")
  names=("${names[@]:1}")
}
for name in "${fuzz_targets[@]}"; do
  run_fuzz_target "$name" "$seconds" >"$work/logs/$name.log" 2>&1 &
  pids+=($!)
  names+=("$name")
  [[ ${#pids[@]} -ge $(nproc) ]] && reap
done
while [[ ${#pids[@]} -gt 0 ]]; do reap; done
[[ ${#failed[@]} -gt 0 ]] &&
  echo "fuzz targets that crashed or failed: ${failed[*]} (logs in $work/logs)"
echo "fuzz targets: $((${#fuzz_targets[@]} - ${#failed[@]})) passed, ${#failed[@]} failed"
[[ ${#failed[@]} -eq 0 ]]
