#include "unwind/arch.h"

namespace gentrace::unwind {
namespace {

using symtab::ByteOrder;
using V = absl::string_view;

// elf_gregset_t of each Linux port (the kernel's user_regs_struct or
// pt_regs as dumped into cores; qemu-user writes the same layouts).
constexpr V kAmd64Regs[] = {
    "r15",    "r14", "r13", "r12",     "rbp",     "rbx", "r11", "r10", "r9",
    "r8",     "rax", "rcx", "rdx",     "rsi",     "rdi", "",    "rip", "",
    "eflags", "rsp", "",    "fs_base", "gs_base", "",    "",    "",    ""};
constexpr V k386Regs[] = {"ebx", "ecx", "edx",    "esi", "edi", "ebp",
                          "eax", "",    "",       "",    "",    "",
                          "eip", "",    "eflags", "esp", ""};
constexpr V kArmRegs[] = {"r0",  "r1", "r2", "r3", "r4",   "r5",
                          "r6",  "r7", "r8", "r9", "r10",  "r11",
                          "r12", "sp", "lr", "pc", "cpsr", ""};
constexpr V kArm64Regs[] = {"x0",  "x1",  "x2",  "x3",  "x4",  "x5",  "x6",
                            "x7",  "x8",  "x9",  "x10", "x11", "x12", "x13",
                            "x14", "x15", "x16", "x17", "x18", "x19", "x20",
                            "x21", "x22", "x23", "x24", "x25", "x26", "x27",
                            "x28", "x29", "x30", "sp",  "pc",  "cpsr"};
constexpr V kPpc64Regs[] = {
    "r0",  "r1",  "r2",  "r3",  "r4",  "r5",  "r6",  "r7",  "r8",  "r9",
    "r10", "r11", "r12", "r13", "r14", "r15", "r16", "r17", "r18", "r19",
    "r20", "r21", "r22", "r23", "r24", "r25", "r26", "r27", "r28", "r29",
    "r30", "r31", "pc",  "msr", "",    "ctr", "lr",  "xer", "cr"};
// MIPS o32 cores start the GPRs at slot 6; n64 at slot 0.
#define GENTRACE_MIPS_GPRS                                                    \
  "zero", "at", "v0", "v1", "a0", "a1", "a2", "a3", "t0", "t1", "t2", "t3",   \
      "t4", "t5", "t6", "t7", "s0", "s1", "s2", "s3", "s4", "s5", "s6", "s7", \
      "t8", "t9", "k0", "k1", "gp", "sp", "s8", "ra", "lo", "hi", "pc"
constexpr V kMips32Regs[] = {"", "", "", "", "", "", GENTRACE_MIPS_GPRS};
constexpr V kMips64Regs[] = {GENTRACE_MIPS_GPRS};
#undef GENTRACE_MIPS_GPRS
constexpr V kRiscv64Regs[] = {"pc", "ra", "sp",  "gp",  "tp", "t0", "t1", "t2",
                              "fp", "s1", "a0",  "a1",  "a2", "a3", "a4", "a5",
                              "a6", "a7", "s2",  "s3",  "s4", "s5", "s6", "s7",
                              "s8", "s9", "s10", "s11", "t3", "t4", "t5", "t6"};
constexpr V kS390xRegs[] = {"pswm", "pswa", "r0",  "r1",  "r2",  "r3",
                            "r4",   "r5",   "r6",  "r7",  "r8",  "r9",
                            "r10",  "r11",  "r12", "r13", "r14", "r15"};
constexpr V kLoong64Regs[] = {
    "r0",  "r1",  "r2",  "r3",  "r4",  "r5",      "r6",  "r7",  "r8",
    "r9",  "r10", "r11", "r12", "r13", "r14",     "r15", "r16", "r17",
    "r18", "r19", "r20", "r21", "r22", "r23",     "r24", "r25", "r26",
    "r27", "r28", "r29", "r30", "r31", "orig_a0", "pc",  "badv"};

// go-runtime-reference.md §4.1 (MinFrameSize, StackAlign, PCQuantum, LR and
// FP registers). elf_prstatus puts pr_pid at 32 / 24 and pr_reg at 112 / 72
// on 64- / 32-bit Linux. Signal contexts: the ucontext layouts of the
// runtime's defs_linux_<arch>.go (o32 MIPS keeps 64-bit register slots; the
// offsets are of their low halves).
// clang-format off
constexpr ArchInfo kArches[] = {
    // goarch, e_machine, ptr, order, LR, min frame, stack align, pc quantum,
    // pc/sp/lr/fp registers, NT_PRSTATUS pid/regs offsets and slot size,
    // slots, signal context {regs pointer, pc, sp, lr, size}
    {"386", 3, 4, ByteOrder::kLittle, false, 0, 4, 1, "eip", "esp", "", "",
     24, 72, 4, k386Regs, {-1, 76, 48, -1, 4}},
    {"amd64", 62, 8, ByteOrder::kLittle, false, 0, 8, 1, "rip", "rsp", "", "rbp",
     32, 112, 8, kAmd64Regs, {-1, 168, 160, -1, 8}},
    {"arm", 40, 4, ByteOrder::kLittle, true, 4, 4, 4, "pc", "sp", "lr", "",
     24, 72, 4, kArmRegs, {-1, 92, 84, 88, 4}},
    {"arm64", 183, 8, ByteOrder::kLittle, true, 8, 16, 4, "pc", "sp", "x30", "x29",
     32, 112, 8, kArm64Regs, {-1, 440, 432, 424, 8}},
    {"loong64", 258, 8, ByteOrder::kLittle, true, 8, 8, 4, "pc", "r3", "r1", "",
     32, 112, 8, kLoong64Regs, {-1, 176, 208, 192, 8}},
    {"mips", 8, 4, ByteOrder::kBig, true, 4, 4, 4, "pc", "sp", "ra", "",
     24, 72, 4, kMips32Regs, {-1, 36, 276, 292, 4}},
    {"mipsle", 8, 4, ByteOrder::kLittle, true, 4, 4, 4, "pc", "sp", "ra", "",
     24, 72, 4, kMips32Regs, {-1, 32, 272, 288, 4}},
    {"mips64", 8, 8, ByteOrder::kBig, true, 8, 8, 4, "pc", "sp", "ra", "",
     32, 112, 8, kMips64Regs, {-1, 616, 272, 288, 8}},
    {"mips64le", 8, 8, ByteOrder::kLittle, true, 8, 8, 4, "pc", "sp", "ra", "",
     32, 112, 8, kMips64Regs, {-1, 616, 272, 288, 8}},
    {"ppc64", 21, 8, ByteOrder::kBig, true, 32, 16, 4, "pc", "r1", "lr", "",
     32, 112, 8, kPpc64Regs, {224, 256, 8, 288, 8}},
    {"ppc64le", 21, 8, ByteOrder::kLittle, true, 32, 16, 4, "pc", "r1", "lr", "",
     32, 112, 8, kPpc64Regs, {224, 256, 8, 288, 8}},
    {"riscv64", 243, 8, ByteOrder::kLittle, true, 8, 8, 4, "pc", "sp", "ra", "",
     32, 112, 8, kRiscv64Regs, {-1, 176, 192, 184, 8}},
    {"s390x", 22, 8, ByteOrder::kBig, true, 8, 8, 2, "pswa", "r15", "r14", "",
     32, 112, 8, kS390xRegs, {-1, 48, 176, 168, 8}},
};
// clang-format on

}  // namespace

absl::Span<const ArchInfo> AllArches() { return kArches; }

const ArchInfo* ArchByGoarch(absl::string_view goarch) {
  for (const ArchInfo& arch : kArches) {
    if (arch.goarch == goarch) return &arch;
  }
  return nullptr;
}

}  // namespace gentrace::unwind
