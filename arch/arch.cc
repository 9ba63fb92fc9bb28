#include "arch/arch.h"

#include <array>

namespace gentrace::arch {
namespace {

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
// Minidump thread contexts (MDRawContextAMD64 from rax, MDRawContextX86
// from edi, MDRawContextARM and MDRawContextARM64 from their iregs).
constexpr V kAmd64MinidumpRegs[] = {"rax", "rcx", "rdx", "rbx", "rsp", "rbp",
                                    "rsi", "rdi", "r8",  "r9",  "r10", "r11",
                                    "r12", "r13", "r14", "r15", "rip"};
constexpr V k386MinidumpRegs[] = {"edi", "esi", "ebx", "edx", "ecx", "eax",
                                  "ebp", "eip", "",    "eflags", "esp"};
constexpr V kPpc64Regs[] = {
    "r0",  "r1",  "r2",  "r3",  "r4",  "r5",  "r6",  "r7",  "r8",  "r9",
    "r10", "r11", "r12", "r13", "r14", "r15", "r16", "r17", "r18", "r19",
    "r20", "r21", "r22", "r23", "r24", "r25", "r26", "r27", "r28", "r29",
    "r30", "r31", "pc",  "msr", "",    "ctr", "lr",  "xer", "cr"};
// uc_mcontext.gregs of an amd64 ucontext, after uc_flags, uc_link and
// uc_stack (40 bytes): glibc's REG_R8 ... REG_EFL order.
constexpr V kAmd64SignalRegs[] = {"r8",  "r9",  "r10", "r11", "r12", "r13",
                                  "r14", "r15", "rdi", "rsi", "rbp", "rbx",
                                  "rdx", "rax", "rcx", "rsp", "rip", "eflags"};
// runtime/signal_amd64.go's dumpregs over that ucontext: gregs from byte
// 40, then cs, gs and fs as 16-bit values after eflags.
constexpr DumpedRegister kAmd64DumpedRegisters[] = {
    {"rax    ", 40 + 13 * 8, 8},     {"rbx    ", 40 + 11 * 8, 8},
    {"rcx    ", 40 + 14 * 8, 8},     {"rdx    ", 40 + 12 * 8, 8},
    {"rdi    ", 40 + 8 * 8, 8},      {"rsi    ", 40 + 9 * 8, 8},
    {"rbp    ", 40 + 10 * 8, 8},     {"rsp    ", 40 + 15 * 8, 8},
    {"r8     ", 40 + 0 * 8, 8},      {"r9     ", 40 + 1 * 8, 8},
    {"r10    ", 40 + 2 * 8, 8},      {"r11    ", 40 + 3 * 8, 8},
    {"r12    ", 40 + 4 * 8, 8},      {"r13    ", 40 + 5 * 8, 8},
    {"r14    ", 40 + 6 * 8, 8},      {"r15    ", 40 + 7 * 8, 8},
    {"rip    ", 40 + 16 * 8, 8},     {"rflags ", 40 + 17 * 8, 8},
    {"cs     ", 40 + 18 * 8, 2},     {"fs     ", 40 + 18 * 8 + 4, 2},
    {"gs     ", 40 + 18 * 8 + 2, 2},
};
// runtime/signal_386.go's dumpregs over a 386 ucontext: mcontext from byte
// 20, gs, fs, es and ds as 16-bit values, then edi ... eflags.
constexpr DumpedRegister k386DumpedRegisters[] = {
    {"eax    ", 64, 4}, {"ebx    ", 52, 4}, {"ecx    ", 60, 4},
    {"edx    ", 56, 4}, {"edi    ", 36, 4}, {"esi    ", 40, 4},
    {"ebp    ", 44, 4}, {"esp    ", 48, 4}, {"eip    ", 76, 4},
    {"eflags ", 84, 4}, {"cs     ", 80, 2}, {"fs     ", 24, 2},
    {"gs     ", 20, 2},
};
// The other ports' dumpregs, `per_line` registers a line: a run whose
// values lie one after another, then registers that lie elsewhere; offsets
// from the ucontext, or from the registers it points to (ppc64's pt_regs).
template <size_t N, typename... Elsewhere>
constexpr std::array<DumpedRegister, N + sizeof...(Elsewhere)> DumpLines(
    int per_line, const V* labels, int offset, int size, int stride,
    Elsewhere... elsewhere) {
  std::array<DumpedRegister, N + sizeof...(Elsewhere)> lines{};
  for (size_t i = 0; i < N; ++i) {
    lines[i] = {labels[i], offset + static_cast<int>(i) * stride, size};
  }
  size_t i = N;
  ((lines[i++] = elsewhere), ...);
  for (i = 0; i < lines.size(); ++i) {
    const bool line_end = (i + 1) % per_line == 0 || i + 1 == lines.size();
    lines[i].separator = line_end ? '\n' : '\t';
  }
  return lines;
}
constexpr V kArmDumpLabels[] = {
    "trap    ", "error   ", "oldmask ", "r0      ", "r1      ", "r2      ",
    "r3      ", "r4      ", "r5      ", "r6      ", "r7      ", "r8      ",
    "r9      ", "r10     ", "fp      ", "ip      ", "sp      ", "lr      ",
    "pc      ", "cpsr    ", "fault   "};
constexpr V kArm64DumpLabels[] = {
    "r0      ", "r1      ", "r2      ", "r3      ", "r4      ", "r5      ",
    "r6      ", "r7      ", "r8      ", "r9      ", "r10     ", "r11     ",
    "r12     ", "r13     ", "r14     ", "r15     ", "r16     ", "r17     ",
    "r18     ", "r19     ", "r20     ", "r21     ", "r22     ", "r23     ",
    "r24     ", "r25     ", "r26     ", "r27     ", "r28     ", "r29     ",
    "lr      ", "sp      ", "pc      "};
// loong64, mips*, ppc64* and s390x number their registers alike.
constexpr V kNumberedDumpLabels[] = {
    "r0   ", "r1   ", "r2   ", "r3   ", "r4   ", "r5   ", "r6   ", "r7   ",
    "r8   ", "r9   ", "r10  ", "r11  ", "r12  ", "r13  ", "r14  ", "r15  ",
    "r16  ", "r17  ", "r18  ", "r19  ", "r20  ", "r21  ", "r22  ", "r23  ",
    "r24  ", "r25  ", "r26  ", "r27  ", "r28  ", "r29  ", "r30  ", "r31  "};
constexpr V kRiscv64DumpLabels[] = {
    "ra  ", "sp  ", "gp  ", "tp  ", "t0  ", "t1  ", "t2  ", "s0  ",
    "s1  ", "a0  ", "a1  ", "a2  ", "a3  ", "a4  ", "a5  ", "a6  ",
    "a7  ", "s2  ", "s3  ", "s4  ", "s5  ", "s6  ", "s7  ", "s8  ",
    "s9  ", "s10 ", "s11 ", "t3  ", "t4  ", "t5  ", "t6  "};
// arm: trap_no ... fault_address, the sigcontext's words from byte 20.
constexpr auto kArmDumpedRegisters = DumpLines<21>(1, kArmDumpLabels, 20, 4, 4);
// arm64: regs[0..30], sp, pc from byte 184; fault_address before them.
constexpr auto kArm64DumpedRegisters = DumpLines<33>(
    1, kArm64DumpLabels, 184, 8, 8, DumpedRegister{"fault   ", 176, 8});
// loong64: sc_pc at 176, then sc_regs; link is r1.
constexpr auto kLoong64DumpedRegisters = DumpLines<32>(
    2, kNumberedDumpLabels, 184, 8, 8, DumpedRegister{"pc   ", 176, 8},
    DumpedRegister{"link ", 192, 8});
// mips64: sc_regs from byte 40, sc_mdhi at 552, sc_mdlo at 584, sc_pc at
// 616; link is r31.
constexpr auto kMips64DumpedRegisters = DumpLines<32>(
    2, kNumberedDumpLabels, 40, 8, 8, DumpedRegister{"pc   ", 616, 8},
    DumpedRegister{"link ", 288, 8}, DumpedRegister{"lo   ", 584, 8},
    DumpedRegister{"hi   ", 552, 8});
// o32 mips: sc_pc at 32, sc_regs from 40, each 64 bits of which dumpregs
// prints the low half (4 bytes later when big-endian). sc_mdhi and sc_mdlo
// it reads at 572 and 580, where its struct, which aligns 64-bit fields to
// 4 bytes, puts them (the kernel's lie at 576 and 584).
template <int kLow>
constexpr auto kMipsDumpedRegisters =
    DumpLines<32>(2, kNumberedDumpLabels, 40 + kLow, 4, 8,
                  DumpedRegister{"pc   ", 32 + kLow, 4},
                  DumpedRegister{"link ", 288 + kLow, 4},
                  DumpedRegister{"lo   ", 580 + kLow, 4},
                  DumpedRegister{"hi   ", 572 + kLow, 4});
// ppc64: pt_regs' gpr[32], then nip, msr, orig_gpr3, ctr, link, xer, ccr,
// softe, trap.
constexpr auto kPpc64DumpedRegisters = DumpLines<32>(
    2, kNumberedDumpLabels, 0, 8, 8, DumpedRegister{"pc   ", 256, 8},
    DumpedRegister{"ctr  ", 280, 8}, DumpedRegister{"link ", 288, 8},
    DumpedRegister{"xer  ", 296, 8}, DumpedRegister{"ccr  ", 304, 8},
    DumpedRegister{"trap ", 320, 8});
// riscv64: sc_regs from 176, pc first, then x1 ... x31.
constexpr auto kRiscv64DumpedRegisters = DumpLines<31>(
    2, kRiscv64DumpLabels, 184, 8, 8, DumpedRegister{"pc  ", 176, 8});
// s390x: psw_addr at 48, gregs from 56; link is r14.
constexpr auto kS390xDumpedRegisters = DumpLines<16>(
    2, kNumberedDumpLabels, 56, 8, 8, DumpedRegister{"pc   ", 48, 8},
    DumpedRegister{"link ", 168, 8});
// MIPS o32 cores start the GPRs at slot 6; n64 at slot 0. A minidump's
// MDRawContextMIPS (o32 and n64 alike) has them from byte 8, then mdhi,
// mdlo, the DSP accumulators and control (four slots), then epc.
#define GENTRACE_MIPS_GPRS                                                    \
  "zero", "at", "v0", "v1", "a0", "a1", "a2", "a3", "t0", "t1", "t2", "t3",   \
      "t4", "t5", "t6", "t7", "s0", "s1", "s2", "s3", "s4", "s5", "s6", "s7", \
      "t8", "t9", "k0", "k1", "gp", "sp", "s8", "ra"
// clang-format off
constexpr V kMips32Regs[] = {"", "", "", "", "", "", GENTRACE_MIPS_GPRS,
                             "lo", "hi", "pc"};
// clang-format on
constexpr V kMips64Regs[] = {GENTRACE_MIPS_GPRS, "lo", "hi", "pc"};
constexpr V kMipsMinidumpRegs[] = {
    GENTRACE_MIPS_GPRS, "hi", "lo", "", "", "", "", "pc"};
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

// loong64's sigcontext: sc_pc, then sc_regs (r0-r31).
constexpr auto kLoong64SignalRegs = [] {
  std::array<V, 33> regs{};
  regs[0] = "pc";
  for (size_t i = 0; i < 32; ++i) regs[i + 1] = kLoong64Regs[i];
  return regs;
}();

// DWARF register numbers of each psABI, where they differ from the
// NT_PRSTATUS order (arm, arm64, loong64, mips and s390x number r0... as
// their slots do; the rows below take those slots).
constexpr V kAmd64DwarfRegs[] = {"rax", "rdx", "rcx", "rbx", "rsi", "rdi",
                                 "rbp", "rsp", "r8",  "r9",  "r10", "r11",
                                 "r12", "r13", "r14", "r15", "rip"};
constexpr V k386DwarfRegs[] = {"eax", "ecx", "edx", "ebx", "esp",
                               "ebp", "esi", "edi", "eip"};
// r0-r31, then (after the floating-point registers) 65, the link register.
constexpr auto kPpc64DwarfRegs = [] {
  std::array<V, 66> regs{};
  for (size_t i = 0; i < 32; ++i) regs[i] = kPpc64Regs[i];
  regs[65] = "lr";
  return regs;
}();
// x0 (zero, unnamed) to x31: the slots but for the first, the pc.
constexpr auto kRiscv64DwarfRegs = [] {
  std::array<V, 32> regs{};
  for (size_t i = 1; i < 32; ++i) regs[i] = kRiscv64Regs[i];
  return regs;
}();

// The runtime's internal/goarch and cmd/internal/sys facts (MinFrameSize,
// StackAlign, PCQuantum; the LR and frame pointer registers). elf_prstatus puts
// pr_pid at 32 / 24 and pr_reg at 112 / 72 on 64- / 32-bit Linux. Signal
// contexts: the ucontext layouts of the runtime's defs_linux_<arch>.go (o32
// MIPS keeps 64-bit register slots; the offsets are of their low halves).
// clang-format off
constexpr ArchInfo kArches[] = {
    // goarch, instruction set, e_machine, ptr, order, LR, min frame, stack
    // align, pc quantum, pc/sp/lr/fp registers, red zone, sigset bytes,
    // NT_PRSTATUS pid/regs offsets and slot size, slots, signal context
    // {regs pointer, pc, sp, lr, size, general registers, their names,
    // dumpregs lines, g register, since go1.N, thread pointer, its g,
    // sigcode bytes, fault address}, registers by DWARF number, where
    // crosscall2 leaves its C caller's return address, and its frame where
    // the pcsp table lacks it, Breakpad's names, minidump contexts
    {"386", InstructionSet::kX86, 3, 0, 0x14c, 4, ByteOrder::kLittle, false, 0, 4, 1, "eip", "esp", "", "", 0, 8,
     24, 72, 4, k386Regs, {-1, 76, 48, -1, 4, -1, {}, k386DumpedRegisters, -1, 0, "", 0, 4}, k386DwarfRegs, -4, 0, {"x86", "$esp", "", ""}, {0, 0, 156, 4, k386MinidumpRegs}},
    {"amd64", InstructionSet::kX86, 62, 0x01000007, 0x8664, 8, ByteOrder::kLittle, false, 0, 8, 1, "rip", "rsp", "", "rbp", 128, 8,
     32, 112, 8, kAmd64Regs, {-1, 168, 160, -1, 8, 40, kAmd64SignalRegs, kAmd64DumpedRegisters, 40 + 6 * 8, 17, "fs_base", -8, 8}, kAmd64DwarfRegs, -8, 0, {"x86_64", "$rsp", "", "$rbp"}, {9, 9, 120, 8, kAmd64MinidumpRegs}},
    {"arm", InstructionSet::kArm, 40, 0, 0x1c4, 4, ByteOrder::kLittle, true, 4, 4, 4, "pc", "sp", "lr", "", 0, 8,
     24, 72, 4, kArmRegs, {-1, 92, 84, 88, 4, 32, kArmRegs, kArmDumpedRegisters, 72, 0, "", 0, 4, 100}, {kArmRegs, 16}, -124, 124, {"arm", "sp", "lr", ""}, {5, 5, 4, 4, {kArmRegs, 17}}},
    {"arm64", InstructionSet::kArm64, 183, 0x0100000c, 0xaa64, 8, ByteOrder::kLittle, true, 8, 16, 4, "pc", "sp", "x30", "x29", 0, 8,
     32, 112, 8, kArm64Regs, {-1, 440, 432, 424, 8, 184, kArm64Regs, kArm64DumpedRegisters, 408, 0, "", 0, 8, 176}, {kArm64Regs, 32}, -8, 0, {"arm64", "sp", "x30", ""}, {12, 0x8003, 8, 8, {kArm64Regs, 33}}},
    {"loong64", InstructionSet::kLoong64, 258, 0, 0, 8, ByteOrder::kLittle, true, 8, 8, 4, "pc", "r3", "r1", "", 0, 8,
     32, 112, 8, kLoong64Regs, {-1, 176, 208, 192, 8, 176, kLoong64SignalRegs, kLoong64DumpedRegisters, 360, 0, "", 0, 4}, {kLoong64Regs, 32}, 0, 0, {"unknown", "", "", ""}, {}},
    {"mips", InstructionSet::kMips, 8, 0, 0, 4, ByteOrder::kBig, true, 4, 4, 4, "pc", "sp", "ra", "", 0, 16,
     24, 72, 4, kMips32Regs, {-1, 36, 276, 292, 4, -1, {}, kMipsDumpedRegisters<4>, 284, 0, "", 0, 4}, {kMips32Regs + 6, 32}, 0, 0, {"mips", "$sp", "$ra", ""}, {}},
    {"mipsle", InstructionSet::kMips, 8, 0, 0, 4, ByteOrder::kLittle, true, 4, 4, 4, "pc", "sp", "ra", "", 0, 16,
     24, 72, 4, kMips32Regs, {-1, 32, 272, 288, 4, -1, {}, kMipsDumpedRegisters<0>, 280, 0, "", 0, 4}, {kMips32Regs + 6, 32}, 0, 0, {"mips", "$sp", "$ra", ""}, {1, 1, 8, 8, kMipsMinidumpRegs}},
    {"mips64", InstructionSet::kMips, 8, 0, 0, 8, ByteOrder::kBig, true, 8, 8, 4, "pc", "sp", "ra", "", 0, 16,
     32, 112, 8, kMips64Regs, {-1, 616, 272, 288, 8, -1, {}, kMips64DumpedRegisters, 280, 0, "", 0, 4}, {kMips64Regs, 32}, 0, 0, {"mips", "$sp", "$ra", ""}, {}},
    {"mips64le", InstructionSet::kMips, 8, 0, 0, 8, ByteOrder::kLittle, true, 8, 8, 4, "pc", "sp", "ra", "", 0, 16,
     32, 112, 8, kMips64Regs, {-1, 616, 272, 288, 8, -1, {}, kMips64DumpedRegisters, 280, 0, "", 0, 4}, {kMips64Regs, 32}, 0, 0, {"mips", "$sp", "$ra", ""}, {0x8004, 0x8004, 8, 8, kMipsMinidumpRegs}},
    {"ppc64", InstructionSet::kPpc64, 21, 0, 0, 8, ByteOrder::kBig, true, 32, 16, 4, "pc", "r1", "lr", "", 288, 8,
     32, 112, 8, kPpc64Regs, {224, 256, 8, 288, 8, 0, kPpc64Regs, kPpc64DumpedRegisters, 240, 0, "", 0, 4, 328}, kPpc64DwarfRegs, 16, 0, {"ppc64", "", "", ""}, {}},
    {"ppc64le", InstructionSet::kPpc64, 21, 0, 0, 8, ByteOrder::kLittle, true, 32, 16, 4, "pc", "r1", "lr", "", 288, 8,
     32, 112, 8, kPpc64Regs, {224, 256, 8, 288, 8, 0, kPpc64Regs, kPpc64DumpedRegisters, 240, 0, "", 0, 4, 328}, kPpc64DwarfRegs, 16, 0, {"ppc64", "", "", ""}, {}},
    {"riscv64", InstructionSet::kRiscv64, 243, 0, 0, 8, ByteOrder::kLittle, true, 8, 8, 4, "pc", "sp", "ra", "", 0, 8,
     32, 112, 8, kRiscv64Regs, {-1, 176, 192, 184, 8, 176, kRiscv64Regs, kRiscv64DumpedRegisters, 392, 0, "", 0, 4}, kRiscv64DwarfRegs, 0, 0, {"riscv", "", "", ""}, {}},
    {"s390x", InstructionSet::kS390x, 22, 0, 0, 8, ByteOrder::kBig, true, 8, 8, 2, "pswa", "r15", "r14", "", 0, 8,
     32, 112, 8, kS390xRegs, {-1, 48, 176, 168, 8, 40, kS390xRegs, kS390xDumpedRegisters, 160, 0, "", 0, 4}, {kS390xRegs + 2, 16}, 112, 96, {"s390", "", "", ""}, {}},
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

const ArchInfo* ArchByMachOCpu(uint32_t cputype) {
  for (const ArchInfo& arch : kArches) {
    if (cputype != 0 && arch.macho_cputype == cputype) return &arch;
  }
  return nullptr;
}

const ArchInfo* ArchByPeMachine(uint16_t machine) {
  for (const ArchInfo& arch : kArches) {
    if (machine != 0 && arch.pe_machine == machine) return &arch;
  }
  return nullptr;
}

const ArchInfo* ArchByElf(uint16_t machine, int ptr_size, ByteOrder order) {
  for (const ArchInfo& arch : kArches) {
    if (arch.elf_machine == machine && arch.ptr_size == ptr_size &&
        arch.byte_order == order) {
      return &arch;
    }
  }
  return nullptr;
}

// Chosen here, at compile time, as Abseil's stacktrace_config.h chooses its
// unwinder; every other file asks HostArch().
#if defined(__x86_64__)
#define GENTRACE_HOST_GOARCH "amd64"
#elif defined(__i386__)
#define GENTRACE_HOST_GOARCH "386"
#elif defined(__aarch64__)
#define GENTRACE_HOST_GOARCH "arm64"
#elif defined(__arm__)
#define GENTRACE_HOST_GOARCH "arm"
#elif defined(__powerpc64__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
#define GENTRACE_HOST_GOARCH "ppc64le"
#elif defined(__powerpc64__)
#define GENTRACE_HOST_GOARCH "ppc64"
#elif defined(__s390x__)
#define GENTRACE_HOST_GOARCH "s390x"
#elif defined(__riscv) && __riscv_xlen == 64
#define GENTRACE_HOST_GOARCH "riscv64"
#elif defined(__loongarch64)
#define GENTRACE_HOST_GOARCH "loong64"
#elif defined(__mips64) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
#define GENTRACE_HOST_GOARCH "mips64le"
#elif defined(__mips64)
#define GENTRACE_HOST_GOARCH "mips64"
#elif defined(__mips__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
#define GENTRACE_HOST_GOARCH "mipsle"
#elif defined(__mips__)
#define GENTRACE_HOST_GOARCH "mips"
#else
#define GENTRACE_HOST_GOARCH ""
#endif

const ArchInfo* HostArch() { return ArchByGoarch(GENTRACE_HOST_GOARCH); }

#undef GENTRACE_HOST_GOARCH

}  // namespace gentrace::arch
