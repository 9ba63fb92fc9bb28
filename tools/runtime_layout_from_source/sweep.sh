#!/usr/bin/env bash
# Runs runtime_layout_from_source over every Go release from go1.13 on: for
# each release tag of a Go source repository (a git directory holding the
# upstream tags, e.g. a mirror of golang/go) and each GOARCH the release
# supports, one line "tag goarch offset..." with the offsets in
# RuntimeLayoutFields() order. tests/unwind/runtime_layouts_by_release.tsv.xz
# is its output; runtime_layout_test checks unwind/runtime_layout.cc's table
# against every line.
#
# Usage: sweep.sh GO_GIT_DIR >runtime_layouts_by_release.tsv
set -euo pipefail

readonly GOARCHES=(386 amd64 arm arm64 loong64 mips mipsle mips64 mips64le ppc64 ppc64le riscv64 s390x)
readonly GO=${GO:-/usr/lib/go-1.23/bin/go}

if [[ $# -ne 1 ]]; then
  echo "usage: $0 GO_GIT_DIR" >&2
  exit 2
fi
repo=$1
here=$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
(cd "$here" && "$GO" build -o "$work/layout" main.go)

mapfile -t tags < <(git -C "$repo" tag | grep -E '^go1\.(1[3-9]|[2-9][0-9])(\.[0-9]+)?$' | sort -V)
for tag in "${tags[@]}"; do
  root=$work/$tag
  mkdir -p "$root/src"
  # The runtime imports only internal packages and unsafe.
  git -C "$repo" archive "$tag:src" runtime internal unsafe | tar -x -C "$root/src"
  for arch in "${GOARCHES[@]}"; do
    # A GOARCH the release does not know has no runtime files to check.
    if offsets=$("$work/layout" -goroot="$root" -goarch="$arch" 2>/dev/null); then
      printf '%s %s %s\n' "$tag" "$arch" "$(cut -d= -f2 <<<"$offsets" | tr '\n' ' ' | sed 's/ $//')"
    fi
  done
  rm -rf "$root"
done
