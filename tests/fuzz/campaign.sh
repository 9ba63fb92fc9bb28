#!/usr/bin/env bash
# A long fuzzing run of one target (tests/fuzz/fuzz_lib.sh lists them):
# HOURS of libFuzzer over its corpus in $GENTRACE_CACHE/fuzz/corpus/TARGET,
# one job per core (JOBS, default all cores). Each crash is minimized into
# tests/fuzz/regressions/TARGET/, which bazel test (TARGET_replay_test) and
# every later run replay; commit it with the fix. Ends with the run's
# executions, executions/s and edges covered.
#
#   GENTRACE_FIXTURES=... tests/fuzz/campaign.sh TARGET HOURS [JOBS]
set -uo pipefail

root=$(cd "$(dirname "$0")/../.." && pwd)
name=${1:?usage: campaign.sh TARGET HOURS [JOBS]}
hours=${2:?usage: campaign.sh TARGET HOURS [JOBS]}
jobs=${3:-$(nproc)}
fixtures=${GENTRACE_FIXTURES:-${GENTRACE_CACHE:-$HOME/.cache/gentrace}/fixtures}
# shellcheck source=tests/fuzz/fuzz_lib.sh
source "$root/tests/fuzz/fuzz_lib.sh"

[[ " ${fuzz_targets[*]} " == *" $name "* ]] || { echo "no target $name: ${fuzz_targets[*]}"; exit 2; }
if ! fuzz_library || ! build_fuzzer "$name"; then
  echo "the fuzzer did not build"
  exit 1
fi
seconds=$(python3 -c "print(int(float('$hours') * 3600))")
log=$work/logs/campaign-$name.log
mkdir -p "$work/logs"
echo "fuzzing $name for ${seconds}s with $jobs jobs (log: $log)"
# With -jobs, libFuzzer's workers log to fuzz-N.log in the current folder.
cd "$work" && rm -f fuzz-*.log
# The CPU time the run took (user + system, all jobs): what "CPU-hours"
# in README counts.
TIMEFORMAT="cpu: %U s user, %S s system, %R s wall"
{
  time if [[ $jobs -gt 1 ]]; then
    run_fuzz_target "$name" "$seconds" -jobs="$jobs" -workers="$jobs" >"$log" 2>&1
  else
    run_fuzz_target "$name" "$seconds" >"$log" 2>&1
  fi
} 2>"$work/logs/campaign-$name.cpu"
status=$?
cat fuzz-*.log >>"$log" 2>/dev/null
rm -f fuzz-*.log

# Every crash, minimized, becomes a regression input.
found=0
for crash in "$work/artifacts/$name"/{crash,leak,timeout,oom}-*; do
  [[ -f $crash ]] || continue
  found=$((found + 1))
  minimized=$root/tests/fuzz/regressions/$name/$(basename "$crash")
  fuzz_command "$name"
  "${fuzz_cmd[@]}" -minimize_crash=1 -max_total_time=120 -runs=100000 \
    -exact_artifact_path="$minimized" "$crash" >/dev/null 2>&1
  [[ -f $minimized ]] || cp "$crash" "$minimized"
  echo "finding: $minimized"
done
grep -E '^#[0-9]+.*(DONE|pulse)|stat::(number_of_executed_units|average_exec_per_sec)' "$log" | tail -4
grep -oE 'cov: [0-9]+' "$log" | tail -1 | sed 's/^/edges /'
cat "$work/logs/campaign-$name.cpu"
echo "$name: ${seconds}s, $found finding(s), exit $status"
[[ $found -eq 0 && $status -eq 0 ]]
