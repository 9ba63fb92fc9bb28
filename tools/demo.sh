#!/usr/bin/env bash
# The main job on a bundled example: cross-builds the test program in
# tests/go/symbolize for linux/arm64, stripped, crashes it under qemu, and has
# gentrace symbolize the PCs of the runtime's traceback from the binary alone
# (no symbols, no DWARF), inlined frames included; then crashes it again with
# GOTRACEBACK=crash, and has gentrace print every goroutine from the core
# qemu wrote, as the runtime printed them (compared with diff).
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
bash tools/install_deps.sh
bazel build //cli:gentrace >/dev/null 2>&1 || bazel build //cli:gentrace
gentrace=$root/bazel-bin/cli/gentrace

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
(cd tests/go/symbolize &&
  GOCACHE=$work/gocache CGO_ENABLED=0 GOOS=linux GOARCH=arm64 \
    /usr/lib/go-1.19/bin/go build -trimpath -ldflags='-s -w' -o "$work/prog" .)

echo "== gentrace info (a stripped linux/arm64 binary)"
"$gentrace" info --binary="$work/prog"

echo
echo "== the Go runtime's own traceback (GOTRACEBACK=system, under qemu-aarch64)"
GOTRACEBACK=system qemu-aarch64 "$work/prog" crash 2>"$work/traceback" || true
sed -n '/^goroutine 1 /,/^$/p' "$work/traceback" | head -30

# The faulting PC (from the "[signal ...]" line) is symbolized as is; the
# frames above it hold return addresses, symbolized at pc-1 (--callers).
fault_pc=$(sed -n 's/^\[signal .* pc=\(0x[0-9a-f]*\).*/\1/p' "$work/traceback")
sed -n '/^goroutine 1 /,/^$/p' "$work/traceback" | grep -o ' pc=0x[0-9a-f]*' |
  sed 's/ pc=//' | awk -v fault="$fault_pc" 'seen { print } $0 == fault { seen = 1 }' \
  >"$work/callers"

echo
echo "== gentrace symbolize $fault_pc (the faulting instruction)"
"$gentrace" symbolize --binary="$work/prog" "$fault_pc"
echo
echo "== gentrace symbolize --callers (the return addresses above it)"
"$gentrace" symbolize --binary="$work/prog" --callers <"$work/callers"

echo
echo "== gentrace core: every goroutine from the core of a GOTRACEBACK=crash run"
(
  cd "$work"
  ulimit -c unlimited
  GOTRACEBACK=crash qemu-aarch64 "$work/prog" crash 2>"$work/crash.txt" >/dev/null || true
)
core=$(ls "$work"/qemu_prog_*.core 2>/dev/null | head -1)
if [[ -z $core ]]; then
  echo "(qemu wrote no core: is core dumping allowed here?)"
  exit 0
fi
"$gentrace" core --binary="$work/prog" --core="$core" | tee "$work/ours.txt"
echo
# The runtime's goroutine blocks: its dump from the first goroutine on,
# without the note `timeout` may add.
if diff <(sed -n '/^goroutine /,$p' "$work/crash.txt" | grep -v '^timeout:') \
    "$work/ours.txt" >/dev/null; then
  echo "== identical to the runtime's own goroutine dump"
else
  echo "== differences from the runtime's own dump:"
  diff <(sed -n '/^goroutine /,$p' "$work/crash.txt" | grep -v '^timeout:') \
    "$work/ours.txt" || true
fi

