#ifndef GENTRACE_TARGET_MINIDUMP_FORMAT_H_
#define GENTRACE_TARGET_MINIDUMP_FORMAT_H_

#include <cstdint>

// The minidump format's constants (Breakpad's minidump_format.h, after the
// Windows MINIDUMP_* structures): for the reader (target/minidump), the
// crash handler's writer (capture/) and the tests' writers.
namespace gentrace::target::minidump {

inline constexpr uint32_t kSignature = 0x504d444d;  // "MDMP"
inline constexpr uint32_t kVersion = 0xa793;

// Stream types.
inline constexpr uint32_t kThreadListStream = 3;
inline constexpr uint32_t kModuleListStream = 4;
inline constexpr uint32_t kMemoryListStream = 5;
inline constexpr uint32_t kExceptionStream = 6;
inline constexpr uint32_t kSystemInfoStream = 7;
inline constexpr uint32_t kMemory64ListStream = 9;
inline constexpr uint32_t kLinuxAuxvStream = 0x47670008;
inline constexpr uint32_t kLinuxMapsStream = 0x47670009;

// Windows exception codes whose second parameter is the address the
// faulting instruction touched (MDException.exception_information[1]); the
// exception's own address is the instruction's.
inline constexpr uint32_t kExceptionAccessViolation = 0xc0000005;
inline constexpr uint32_t kExceptionInPageError = 0xc0000006;

// MDRawSystemInfo's platform_id, at byte kSystemInfoPlatformAt, for
// Windows NT and Linux.
inline constexpr uint32_t kSystemInfoPlatformAt = 20;
inline constexpr uint32_t kPlatformWin32Nt = 2;
inline constexpr uint32_t kPlatformLinux = 0x8201;
// A CodeView record of an ELF module: "BpEL", then its build ID.
inline constexpr uint32_t kCodeViewElf = 0x4270454c;

// Sizes in bytes of the fixed records.
inline constexpr uint32_t kHeaderSize = 32;
inline constexpr uint32_t kDirectoryEntrySize = 12;
inline constexpr uint32_t kSystemInfoSize = 56;
inline constexpr uint32_t kThreadSize = 48;
inline constexpr uint32_t kModuleSize = 108;
inline constexpr uint32_t kExceptionSize = 168;
inline constexpr uint32_t kMemoryDescriptorSize = 16;
inline constexpr uint32_t kMemory64DescriptorSize = 16;

}  // namespace gentrace::target::minidump

#endif  // GENTRACE_TARGET_MINIDUMP_FORMAT_H_
