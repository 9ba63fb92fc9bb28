#!/usr/bin/env bash
# Installs everything gentrace needs to build and test on Debian bookworm.
# Idempotent: packages already present are skipped quickly.
set -euo pipefail

packages=(
  bazel-bootstrap bazel-platforms bazel-skylib bazel-rules-java bazel-rules-proto
  g++ clang libclang-rt-14-dev clang-format
  libunwind-dev libdw-dev libabsl-dev libprotobuf-dev protobuf-compiler zlib1g-dev
  libgtest-dev libgmock-dev libbenchmark-dev
  golang-1.19-go qemu-user libc6-arm64-cross gdb-multiarch gdb liblzma-dev xz-utils
  gcc-aarch64-linux-gnu libc6-dev-arm64-cross gcc-arm-linux-gnueabihf libc6-dev-armhf-cross
  gcc-powerpc64le-linux-gnu libc6-dev-ppc64el-cross gcc-s390x-linux-gnu libc6-dev-s390x-cross
  gcc-i686-linux-gnu libc6-dev-i386-cross libc6-i386 gcc-mips64el-linux-gnuabi64
  g++-aarch64-linux-gnu g++-arm-linux-gnueabihf g++-i686-linux-gnu g++-mipsel-linux-gnu
  libc6-dev-mips64el-cross gcc-mipsel-linux-gnu libc6-dev-mipsel-cross
  python3 pkg-config ca-certificates nodejs npm chromium fonts-dejavu-core
  libcpp-httplib-dev libssl-dev libbrotli-dev curl debuginfod libdebuginfod-dev
  libgrpc++-dev protobuf-compiler-grpc openssl wine64 binutils-mingw-w64-x86-64
)
backports=(golang-1.21-go golang-1.22-go golang-1.23-go)

sudo_cmd=()
if [[ $(id -u) -ne 0 ]]; then sudo_cmd=(sudo); fi

missing=()
for p in "${packages[@]}" "${backports[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
# nodejs may come from another repository that provides npm itself.
if command -v npm >/dev/null; then
  missing=("${missing[@]/npm}")
  missing=("${missing[@]/nodejs}")
fi
read -r -a missing <<<"${missing[*]}"
if [[ ${#missing[@]} -eq 0 ]]; then
  exit 0
fi

backports_list=/etc/apt/sources.list.d/bookworm-backports.list
if [[ ! -f $backports_list ]]; then
  echo 'deb http://deb.debian.org/debian bookworm-backports main' | "${sudo_cmd[@]}" tee "$backports_list" >/dev/null
fi
export DEBIAN_FRONTEND=noninteractive
"${sudo_cmd[@]}" apt-get update -qq
"${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}"
