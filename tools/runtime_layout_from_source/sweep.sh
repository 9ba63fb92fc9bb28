#!/usr/bin/env bash
# Runs runtime_layout_from_source over every Go release from go1.13 on: for
# each release tag of a Go source repository (a git directory holding the
# upstream tags, e.g. a mirror of golang/go) and each GOARCH the release
# supports, one line "tag goarch offset..." with the offsets of the field set
# -fields picks (runtime_layout_from_source's -fields), in the order it
# prints them.
#
# goroutine (the default): the offsets in RuntimeLayoutFields() order, no
# header. tests/unwind/runtime_layouts_by_release.tsv.xz is its output;
# runtime_layout_test checks goruntime/runtime_layout.cc's table against every
# line, so that file stays bare rows.
#
# defer: g._defer and g._panic, the _defer and _panic fields and sizes. A
# first line "# fields=defer: tag goarch NAME..." names the set and the
# columns. tests/defer/defer_layouts_by_release.tsv.xz is its output.
#
# Usage: sweep.sh [-fields=SET] GO_GIT_DIR >layouts_by_release.tsv
set -euo pipefail

readonly GOARCHES=(386 amd64 arm arm64 loong64 mips mipsle mips64 mips64le ppc64 ppc64le riscv64 s390x)
readonly GO=${GO:-/usr/lib/go-1.23/bin/go}

fields=goroutine
if [[ $# -eq 2 && $1 == -fields=* ]]; then
  fields=${1#-fields=}
  shift
fi
# The tool's failures count as "GOARCH unknown to the release" below, so an
# unknown set would give an empty table rather than an error.
if [[ $# -ne 1 || ! $fields =~ ^(goroutine|defer)$ ]]; then
  echo "usage: $0 [-fields=goroutine|defer] GO_GIT_DIR" >&2
  exit 2
fi
repo=$1
here=$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
(cd "$here" && "$GO" build -o "$work/layout" main.go)

header=
mapfile -t tags < <(git -C "$repo" tag | grep -E '^go1\.(1[3-9]|[2-9][0-9])(\.[0-9]+)?$' | sort -V)
for tag in "${tags[@]}"; do
  root=$work/$tag
  mkdir -p "$root/src"
  # The runtime imports only internal packages and unsafe.
  git -C "$repo" archive "$tag:src" runtime internal unsafe | tar -x -C "$root/src"
  for arch in "${GOARCHES[@]}"; do
    # A GOARCH the release does not know has no runtime files to check.
    if out=$("$work/layout" -fields="$fields" -goroot="$root" -goarch="$arch" 2>/dev/null); then
      # The tool heads every set but the default with "# fields=SET".
      offsets=$(grep -v '^#' <<<"$out")
      if [[ $fields != goroutine && -z $header ]]; then
        header="# fields=$fields: tag goarch $(cut -d= -f1 <<<"$offsets" | tr '\n' ' ' | sed 's/ $//')"
        printf '%s\n' "$header"
      fi
      printf '%s %s %s\n' "$tag" "$arch" "$(cut -d= -f2 <<<"$offsets" | tr '\n' ' ' | sed 's/ $//')"
    fi
  done
  rm -rf "$root"
done
