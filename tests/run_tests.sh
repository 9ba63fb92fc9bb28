#!/usr/bin/env bash
# Runs the whole test suite from a clean checkout:
#   1. installs the Debian packages it needs (tools/install_deps.sh);
#   2. fetches Go 1.24-1.27 (tests/fixtures/fetch_go_toolchains.sh), builds
#      the Go test programs for every toolchain and GOARCH (and for macOS
#      and Windows, whose crash text Wine gives) and fetches the pinned
#      esbuild binaries from npm (all cached under $GENTRACE_CACHE, default
#      ~/.cache/gentrace);
#   3. bazel test //... with the fixtures;
#   4. bazel test //... again under ASan/UBSan, the service's tests under
#      TSan; a crashing cc_test with the crash handler (its log and
#      outputs);
#   5. the layering rules grep can check (tests/layering/check.sh);
#   6. every libFuzzer target for a short while (GENTRACE_FUZZ_SECONDS each,
#      default 30; 0 skips them), each counted as a test;
# and ends with one line "N passed, N failed" counting test cases.
set -uo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root" || exit 1
cache=${GENTRACE_CACHE:-$HOME/.cache/gentrace}
fixtures=$cache/fixtures
fuzz_seconds=${GENTRACE_FUZZ_SECONDS:-30}
extra_passed=0
extra_failed=0
reports=()

step() { printf '\n==== %s\n' "$*"; }

step "installing packages"
bash tools/install_deps.sh || { echo "package installation failed"; echo "0 passed, 1 failed"; exit 1; }

step "building Go test programs and fetching esbuild fixtures"
mkdir -p "$fixtures"
# Go 1.24-1.27 from Debian's newer suites, unpacked into the fixture cache.
bash tests/fixtures/fetch_go_toolchains.sh || { echo "fetching the Go 1.24+ toolchains failed"; echo "0 passed, 1 failed"; exit 1; }
bash tests/fixtures/build_go_programs.sh "$fixtures/go" &
go_pid=$!
bash tests/fixtures/fetch_esbuild.sh "$fixtures/esbuild"
esbuild_status=$?
# tests/go/symbolize for macOS and Windows (Mach-O and PE).
bash tests/fixtures/build_foreign_binaries.sh "$fixtures/foreign" || esbuild_status=$?
# The same program's crash text from the runtime's Windows port, under Wine.
bash tests/fixtures/build_windows_crashes.sh "$fixtures/windows" || esbuild_status=$?
# The current release's pprof, which Debian's package of it lacks.
bash tests/fixtures/build_pprof.sh "$fixtures/pprof" || esbuild_status=$?
# CPU profiles the runtime wrote of itself (tests/go/cpuprofile).
bash tests/fixtures/build_cpu_profiles.sh "$fixtures/cpuprofile" || esbuild_status=$?
# Cores of throws and signal reports (tests/go/reports; a few minutes cold).
bash tests/fixtures/build_report_cores.sh "$fixtures/reports" || esbuild_status=$?
# A cgo program crashed in C and in a callback, for six GOARCHes (tests/go/cgo).
bash tests/fixtures/build_cgo_programs.sh "$fixtures/cgo" || esbuild_status=$?
# Breakpad's tools, and minidumps its writer made of crashing Go programs.
bash tests/fixtures/build_breakpad.sh "$fixtures/breakpad" || esbuild_status=$?
# Go programs crashing under integrations/go/crashmonitor (Go 1.23-1.27).
bash tests/fixtures/build_crash_monitor.sh "$fixtures/crashmonitor" || esbuild_status=$?
# Deep stacks for bench/unwind_benchmark.cc (a few seconds).
bash tests/fixtures/build_bench_stacks.sh "$fixtures/bench" || esbuild_status=$?
wait "$go_pid"
go_status=$?
if [[ $go_status -ne 0 || $esbuild_status -ne 0 ]]; then
  echo "fixture preparation failed (go: $go_status, esbuild/bench: $esbuild_status)"
  extra_failed=$((extra_failed + 1))
fi

# Compiled actions are shared through a disk cache, so a fresh clone (CI)
# compiles only what changed; test results are never taken from it: every
# test runs. Past 8 GiB, the files read longest ago go until it is under 6
# GiB (their access times, which the kernel updates about daily): emptied
# whole, it would make the next run compile everything.
bazel_cache=$cache/bazel-disk-cache
if [[ -d $bazel_cache ]]; then
  used_kb=$(du -sk "$bazel_cache" | cut -f1)
  if [[ $used_kb -gt $((8 << 20)) ]]; then
    while read -r _ kb path; do
      [[ $used_kb -le $((6 << 20)) ]] && break
      rm -f "$path" && used_kb=$((used_kb - kb))
    done < <(find "$bazel_cache" -type f -printf '%A@ %k %p\n' | sort -n)
  fi
fi
bazel_flags=(--disk_cache="$bazel_cache" --nocache_test_results)

# Runs bazel test with a config (may be empty) and test flags (--...) over
# targets, and records the XML reports of exactly those targets (a whole
# tree for "//...").
run_bazel_tests() {
  local config=$1
  shift
  local flags=() targets=()
  for arg in "$@"; do
    if [[ $arg == --* ]]; then flags+=("$arg"); else targets+=("$arg"); fi
  done
  step "bazel test ${config:-(default)} $*"
  # shellcheck disable=SC2086
  bazel test $config "${bazel_flags[@]}" "${flags[@]}" "${targets[@]}" \
    --test_env=GENTRACE_FIXTURES="$fixtures"
  local status=$?
  # 0: all passed; 3: some tests failed (counted from their reports).
  if [[ $status -ne 0 && $status -ne 3 ]]; then
    echo "bazel test did not run (exit $status)"
    extra_failed=$((extra_failed + 1))
  fi
  local logs
  # shellcheck disable=SC2086
  logs=$(bazel info $config bazel-testlogs 2>/dev/null)
  for target in "${targets[@]}"; do
    if [[ $target == "//..." ]]; then
      reports+=("$logs")
    else
      target=${target#//}
      reports+=("$logs/${target/://}")
    fi
  done
}

run_bazel_tests "" //...
# Every test again under ASan/UBSan (tests that walk every PC of a binary
# take every 64th there: testing::PcWalkStride).
run_bazel_tests --config=asan //...
# The service's threads under ThreadSanitizer (its servers, started by the
# tests, stop at the first race).
run_bazel_tests --config=tsan //serve:build_id_test //tests/serve:service_test

# A cc_test that crashes on purpose, linked with
# //capture:bazel_test_crash_handler: `bazel test` must report it failed,
# its log must hold the crashing frames by name, and its undeclared outputs
# the capture and the trace.
step "bazel test of a crashing cc_test with the crash handler"
bazel test "${bazel_flags[@]}" //tests/capture:crashing_example_test >/dev/null 2>&1
crash_status=$?
crash_logs=$(bazel info bazel-testlogs 2>/dev/null)/tests/capture/crashing_example_test
if [[ $crash_status -eq 3 ]] &&
  grep -q 'example::CrashForTheExample()' "$crash_logs/test.log" &&
  grep -q 'example::RunTheExample()' "$crash_logs/test.log" &&
  python3 - "$crash_logs/test.outputs/outputs.zip" <<'PY'
import sys, zipfile
sizes = {i.filename: i.file_size for i in zipfile.ZipFile(sys.argv[1]).infolist()}
sys.exit(0 if sizes.get("gentrace_capture.pb", 0) > 0 and sizes.get("gentrace_trace.pb", 0) > 0 else 1)
PY
then
  echo "the crash left its trace in the log and its files in the outputs"
  extra_passed=$((extra_passed + 1))
else
  echo "the crashing test's trace or outputs are missing (bazel exit $crash_status)"
  tail -30 "$crash_logs/test.log" 2>/dev/null
  extra_failed=$((extra_failed + 1))
fi
# Its failure was the point: keep its report out of the summary below.
rm -rf "$crash_logs"

step "layering rules (tests/layering/check.sh)"
if bash tests/layering/check.sh; then
  echo "the layering rules hold"
  extra_passed=$((extra_passed + 1))
else
  extra_failed=$((extra_failed + 1))
fi

if [[ $fuzz_seconds -gt 0 ]]; then
  step "libFuzzer: ${fuzz_seconds}s on each target (tests/fuzz/run_fuzzer.sh)"
  GENTRACE_FIXTURES="$fixtures" bash tests/fuzz/run_fuzzer.sh "$fuzz_seconds" |
    tee "$cache/fuzz-run.log"
  # Its last line: "fuzz targets: N passed, N failed".
  fuzz_line=$(tail -n 1 "$cache/fuzz-run.log")
  if [[ $fuzz_line =~ ([0-9]+)\ passed,\ ([0-9]+)\ failed ]]; then
    extra_passed=$((extra_passed + BASH_REMATCH[1]))
    extra_failed=$((extra_failed + BASH_REMATCH[2]))
  else
    echo "the fuzzers did not build or run"
    extra_failed=$((extra_failed + 1))
  fi
fi

step "summary"
python3 - "$extra_passed" "$extra_failed" "${reports[@]}" <<'PY'
import glob, os, sys
import xml.etree.ElementTree as ET

passed, failed = int(sys.argv[1]), int(sys.argv[2])
for logs in sys.argv[3:]:
    for path in sorted(glob.glob(os.path.join(logs, "**", "test.xml"), recursive=True)):
        target = os.path.relpath(os.path.dirname(path), logs)
        try:
            root = ET.parse(path).getroot()
        except ET.ParseError:
            print(f"FAILED {target}: unreadable report")
            failed += 1
            continue
        cases = root.iter("testcase")
        any_case = False
        for case in cases:
            any_case = True
            if case.find("failure") is not None or case.find("error") is not None:
                failed += 1
                print(f"FAILED {target}: {case.get('classname')}.{case.get('name')}")
            elif case.get("result") == "skipped" or case.find("skipped") is not None:
                continue
            else:
                passed += 1
        if not any_case:
            print(f"FAILED {target}: no test cases ran")
            failed += 1
print(f"{passed} passed, {failed} failed")
sys.exit(1 if failed else 0)
PY
