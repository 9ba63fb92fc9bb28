#!/usr/bin/env bash
# The layering rules grep can hold: architecture names are compared only in
# arch/ (elsewhere the table's columns say what differs); libunwind, ptrace
# and ELF headers are included only in target/, unwind/, symtab/ and the
# signal-safe capture/; proto/ holds the schemas (gentrace's, the service's
# gRPC interface, and pprof's that render/ writes) and their conversions
# only.
# Prints each violation; exits 1 if there is any.
set -uo pipefail
cd "$(dirname "$0")/../.."
status=0
arches='386|amd64|arm|arm64|loong64|mips|mipsle|mips64|mips64le|ppc64|ppc64le|riscv64|s390x'
if grep -rnE "(==|!=) *\"($arches)\"|\"($arches)\" *(==|!=)|StartsWith\([^)]*\"mips" \
  --include='*.cc' --include='*.h' symtab target goruntime unwind traceback render proto capture serve cli; then
  echo "an architecture name compared as a string outside arch/"
  status=1
fi
if grep -rnE '#include [<"](libunwind|sys/ptrace|elf\.h)' \
  --include='*.cc' --include='*.h' goruntime traceback render proto serve cli; then
  echo "libunwind, ptrace or ELF code above target/ and unwind/"
  status=1
fi
extra=$(ls proto | grep -vxE 'BUILD.bazel|gentrace.proto|gentrace_service.proto|profile.proto|convert(_test)?.(h|cc)')
if [[ -n $extra ]]; then
  echo "proto/ holds more than the schemas and their conversions: $extra"
  status=1
fi
exit $status
