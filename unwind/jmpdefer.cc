#include "unwind/jmpdefer.h"

#include <optional>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"

namespace gentrace::unwind {
namespace {

// One instruction, reduced to the effects that matter for SP and LR.
enum class Op {
  kLoad,          // dst = word at [src + imm]
  kAddImmediate,  // dst = src + imm
  kMove,          // dst = src
  kWriteMemory,   // the word at [src + imm] changes; no register does
  kNop,           // no register the model tracks changes
  kJump,          // indirect jump: the end of jmpdefer
};

// Register numbers: the architecture's own, except these.
constexpr int kSp = 64;
constexpr int kLr = 65;
constexpr int kUntracked = 66;  // a register the model does not follow (CTR)
constexpr int kZero = 67;       // a hardware zero register: writes vanish
constexpr int kRegisters = 68;

struct Instruction {
  Op op = Op::kNop;
  int length = 0;
  int dst = kUntracked;
  int src = kUntracked;
  int64_t imm = 0;
};

int64_t SignExtend(uint64_t value, int bits) {
  const uint64_t sign = uint64_t{1} << (bits - 1);
  return static_cast<int64_t>((value ^ sign) - sign);
}

// x86 (386 and amd64): the MOV/LEA/ADD/SUB/JMP forms jmpdefer uses, with an
// optional REX prefix and any ModRM/SIB addressing without an index.
std::optional<Instruction> DecodeX86(const symtab::ByteReader& code,
                                     uint64_t at, bool amd64) {
  uint64_t p = at;
  int rex = 0;
  std::optional<uint8_t> byte = code.U8(p);
  if (!byte) return std::nullopt;
  if (amd64 && (*byte & 0xf0) == 0x40) {
    rex = *byte;
    byte = code.U8(++p);
    if (!byte) return std::nullopt;
  }
  const uint8_t opcode = *byte;
  if (opcode != 0x8b && opcode != 0x8d && opcode != 0x83 && opcode != 0xff) {
    return std::nullopt;
  }
  std::optional<uint8_t> modrm = code.U8(++p);
  if (!modrm) return std::nullopt;
  ++p;
  const int mod = *modrm >> 6;
  const int reg = ((*modrm >> 3) & 7) | ((rex & 4) ? 8 : 0);
  int rm = *modrm & 7;
  const auto name = [](int r) { return r == 4 ? kSp : r; };
  Instruction insn;
  if (mod == 3) {
    rm |= (rex & 1) ? 8 : 0;
    if (opcode == 0xff && (reg & 7) == 4) {
      insn.op = Op::kJump;
    } else if (opcode == 0x83 && ((reg & 7) == 0 || (reg & 7) == 5)) {
      std::optional<uint8_t> imm = code.U8(p++);
      if (!imm) return std::nullopt;
      insn.op = Op::kAddImmediate;
      insn.dst = insn.src = name(rm);
      insn.imm = SignExtend(*imm, 8) * ((reg & 7) == 5 ? -1 : 1);
    } else {
      return std::nullopt;
    }
    insn.length = static_cast<int>(p - at);
    return insn;
  }
  if (rm == 4) {  // SIB: only "no index" is accepted
    std::optional<uint8_t> sib = code.U8(p++);
    if (!sib || ((*sib >> 3) & 7) != 4 || (rex & 2)) return std::nullopt;
    rm = *sib & 7;
    if (mod == 0 && rm == 5) return std::nullopt;  // disp32, no base
  } else if (mod == 0 && rm == 5) {
    return std::nullopt;  // RIP- or absolute-relative
  }
  rm |= (rex & 1) ? 8 : 0;
  int64_t disp = 0;
  if (mod == 1) {
    std::optional<uint8_t> d = code.U8(p);
    if (!d) return std::nullopt;
    disp = SignExtend(*d, 8);
    p += 1;
  } else if (mod == 2) {
    std::optional<uint32_t> d = code.U32(p);
    if (!d) return std::nullopt;
    disp = SignExtend(*d, 32);
    p += 4;
  }
  insn.src = name(rm);
  insn.imm = disp;
  if (opcode == 0x8b) {
    insn.op = Op::kLoad;
    insn.dst = name(reg);
  } else if (opcode == 0x8d) {
    insn.op = Op::kAddImmediate;
    insn.dst = name(reg);
  } else if (opcode == 0x83 && ((reg & 7) == 0 || (reg & 7) == 5)) {
    if (!code.U8(p++)) return std::nullopt;  // the immediate
    insn.op = Op::kWriteMemory;
  } else {
    return std::nullopt;
  }
  insn.length = static_cast<int>(p - at);
  return insn;
}

std::optional<Instruction> DecodeArm(uint32_t w) {
  if ((w >> 28) != 0xe) return std::nullopt;  // conditional: not modelled
  const auto name = [](uint32_t r) {
    return r == 13 ? kSp : r == 14 ? kLr : static_cast<int>(r);
  };
  const uint32_t rn = (w >> 16) & 15;
  const uint32_t rd = (w >> 12) & 15;
  Instruction insn{.length = 4};
  if ((w & 0x0f700000) == 0x05100000) {  // LDR rd, [rn, #+/-imm12]
    if (rd == 15) return std::nullopt;
    insn.op = Op::kLoad;
    insn.dst = name(rd);
    insn.src = name(rn);
    insn.imm = (w & (1u << 23)) ? (w & 0xfff) : -int64_t{w & 0xfff};
    return insn;
  }
  const uint32_t opcode = (w >> 21) & 15;
  if ((w & 0x0e000000) == 0x02000000 && (opcode == 2 || opcode == 4)) {
    const uint32_t rotate = 2 * ((w >> 8) & 15);
    const uint32_t imm8 = w & 0xff;
    const uint32_t value =
        rotate == 0 ? imm8 : (imm8 >> rotate) | (imm8 << (32 - rotate));
    if (rd == 15) {  // ADD pc, rn, #0: jump through rn
      if (opcode != 4 || value != 0) return std::nullopt;
      insn.op = Op::kJump;
      return insn;
    }
    insn.op = Op::kAddImmediate;
    insn.dst = name(rd);
    insn.src = name(rn);
    insn.imm = opcode == 2 ? -int64_t{value} : int64_t{value};
    return insn;
  }
  if ((w & 0x0ffffff0) == 0x012fff10) {  // BX rm
    insn.op = Op::kJump;
    return insn;
  }
  return std::nullopt;
}

std::optional<Instruction> DecodeArm64(uint32_t w) {
  // Register 31 is SP as a base or ADD/SUB operand, the zero register else.
  const auto sp_or = [](uint32_t r) {
    return r == 31 ? kSp : r == 30 ? kLr : static_cast<int>(r);
  };
  const auto zr_or = [](uint32_t r) {
    return r == 31 ? kZero : r == 30 ? kLr : static_cast<int>(r);
  };
  const uint32_t rn = (w >> 5) & 31;
  const uint32_t rd = w & 31;
  Instruction insn{.length = 4};
  if ((w & 0xffc00000) == 0xf9400000) {  // LDR Xt, [Xn|SP, #imm12*8]
    insn.op = Op::kLoad;
    insn.dst = zr_or(rd);
    insn.src = sp_or(rn);
    insn.imm = int64_t{(w >> 10) & 0xfff} * 8;
    return insn;
  }
  if ((w & 0xffe00c00) == 0xf8400000) {  // LDUR Xt, [Xn|SP, #simm9]
    insn.op = Op::kLoad;
    insn.dst = zr_or(rd);
    insn.src = sp_or(rn);
    insn.imm = SignExtend((w >> 12) & 0x1ff, 9);
    return insn;
  }
  if ((w & 0xbf800000) == 0x91000000) {  // ADD/SUB Xd|SP, Xn|SP, #imm
    const int64_t imm = int64_t{(w >> 10) & 0xfff}
                        << ((w & (1u << 22)) ? 12 : 0);
    insn.op = Op::kAddImmediate;
    insn.dst = sp_or(rd);
    insn.src = sp_or(rn);
    insn.imm = (w & (1u << 30)) ? -imm : imm;
    return insn;
  }
  if ((w & 0xffe0ffe0) == 0xaa0003e0) {  // MOV Xd, Xm (ORR Xd, XZR, Xm)
    insn.op = Op::kMove;
    insn.dst = zr_or(rd);
    insn.src = zr_or((w >> 16) & 31);
    return insn;
  }
  if ((w & 0xfffffc1f) == 0xd61f0000) {  // BR Xn
    insn.op = Op::kJump;
    return insn;
  }
  if (w == 0xd503201f) {  // NOP (HINT #0)
    insn.op = Op::kNop;
    return insn;
  }
  return std::nullopt;
}

std::optional<Instruction> DecodePpc64(uint32_t w) {
  const auto name = [](uint32_t r) {
    return r == 1 ? kSp : static_cast<int>(r);
  };
  const uint32_t primary = w >> 26;
  const uint32_t rt = (w >> 21) & 31;
  const uint32_t ra = (w >> 16) & 31;
  Instruction insn{.length = 4};
  if (primary == 58 && (w & 3) == 0) {  // LD rt, ds(ra)
    if (ra == 0) return std::nullopt;
    insn.op = Op::kLoad;
    insn.dst = name(rt);
    insn.src = name(ra);
    insn.imm = SignExtend(w & 0xfffc, 16);
    return insn;
  }
  if (primary == 14) {  // ADDI rt, ra, si (ra = 0: load immediate)
    insn.op = ra == 0 ? Op::kMove : Op::kAddImmediate;
    insn.dst = name(rt);
    insn.src = ra == 0 ? kZero : name(ra);
    insn.imm = SignExtend(w & 0xffff, 16);
    return insn;
  }
  if ((w & 0xfc1fffff) == 0x7c0803a6) {  // MTLR rs
    insn.op = Op::kMove;
    insn.dst = kLr;
    insn.src = name(rt);
    return insn;
  }
  if ((w & 0xfc1fffff) == 0x7c0903a6) {  // MTCTR rs
    insn.op = Op::kMove;
    insn.dst = kUntracked;
    insn.src = name(rt);
    return insn;
  }
  if ((w & 0xfc0007ff) == 0x7c000378 && rt == ((w >> 11) & 31)) {  // MR ra, rs
    insn.op = Op::kMove;
    insn.dst = name(ra);
    insn.src = name(rt);
    return insn;
  }
  if (w == 0x4e800420) {  // BCTR
    insn.op = Op::kJump;
    return insn;
  }
  return std::nullopt;
}

std::optional<Instruction> DecodeMips(uint32_t w, bool mips64) {
  const auto name = [](uint32_t r) {
    return r == 29 ? kSp : r == 31 ? kLr : r == 0 ? kZero : static_cast<int>(r);
  };
  const uint32_t primary = w >> 26;
  const uint32_t rs = (w >> 21) & 31;
  const uint32_t rt = (w >> 16) & 31;
  Instruction insn{.length = 4};
  if (primary == (mips64 ? 0x37u : 0x23u)) {  // LD / LW rt, off(rs)
    insn.op = Op::kLoad;
    insn.dst = name(rt);
    insn.src = name(rs);
    insn.imm = SignExtend(w & 0xffff, 16);
    return insn;
  }
  const bool add32 = primary == 0x08 || primary == 0x09;  // ADDI, ADDIU
  const bool add64 = primary == 0x18 || primary == 0x19;  // DADDI, DADDIU
  if (mips64 ? add64 : add32) {
    insn.op = Op::kAddImmediate;
    insn.dst = name(rt);
    insn.src = name(rs);
    insn.imm = SignExtend(w & 0xffff, 16);
    return insn;
  }
  if (w == 0 || w == 0x00000027) {  // NOP; NOR zero, zero, zero
    insn.op = Op::kNop;
    return insn;
  }
  if ((w & 0xfc1fffff) == 0x00000008) {  // JR rs
    insn.op = Op::kJump;
    return insn;
  }
  return std::nullopt;
}

std::optional<Instruction> DecodeS390x(const symtab::ByteReader& code,
                                       uint64_t at) {
  const auto name = [](uint32_t r) {
    return r == 15 ? kSp : r == 14 ? kLr : static_cast<int>(r);
  };
  std::optional<uint8_t> first = code.U8(at);
  if (!first) return std::nullopt;
  const int length = *first < 0x40 ? 2 : *first < 0xc0 ? 4 : 6;
  std::optional<symtab::ByteReader> bytes = code.Sub(at, length);
  if (!bytes) return std::nullopt;
  const absl::Span<const uint8_t> b = bytes->data();
  Instruction insn{.length = length};
  const uint32_t r1 = b[1] >> 4;
  const uint32_t r2 = b[1] & 15;
  if (length == 6 && b[0] == 0xe3 && (b[5] == 0x04 || b[5] == 0x71)) {
    // LG / LAY r1, d2(x2, b2), with a 20-bit signed displacement.
    const uint32_t base = b[2] >> 4;
    if (r2 != 0 || base == 0) return std::nullopt;  // indexed or absolute
    const uint32_t low = ((b[2] & 15u) << 8) | b[3];
    insn.op = b[5] == 0x04 ? Op::kLoad : Op::kAddImmediate;
    insn.dst = name(r1);
    insn.src = name(base);
    insn.imm = SignExtend((uint32_t{b[4]} << 12) | low, 20);
    return insn;
  }
  if (length == 6 && b[0] == 0xec && b[5] == 0xd9) {  // AGHIK r1, r3, i2
    insn.op = Op::kAddImmediate;
    insn.dst = name(r1);
    insn.src = name(r2);
    insn.imm = SignExtend((uint32_t{b[2]} << 8) | b[3], 16);
    return insn;
  }
  if (length == 4 && b[0] == 0xa7 && r2 == 0xb) {  // AGHI r1, i2
    insn.op = Op::kAddImmediate;
    insn.dst = insn.src = name(r1);
    insn.imm = SignExtend((uint32_t{b[2]} << 8) | b[3], 16);
    return insn;
  }
  if (length == 4 && b[0] == 0xb9 && b[1] == 0x04 && b[2] == 0) {  // LGR
    insn.op = Op::kMove;
    insn.dst = name(b[3] >> 4);
    insn.src = name(b[3] & 15);
    return insn;
  }
  if (length == 2 && b[0] == 0x07) {  // BCR mask, r2
    if (r1 == 15 && r2 != 0) {
      insn.op = Op::kJump;
      return insn;
    }
    if (r1 == 0) {  // never taken: a no-op
      insn.op = Op::kNop;
      return insn;
    }
  }
  return std::nullopt;
}

std::optional<Instruction> DecodeRiscv64(uint32_t w) {
  const auto name = [](uint32_t r) {
    return r == 2 ? kSp : r == 1 ? kLr : r == 0 ? kZero : static_cast<int>(r);
  };
  const uint32_t opcode = w & 0x7f;
  const uint32_t rd = (w >> 7) & 31;
  const uint32_t funct3 = (w >> 12) & 7;
  const uint32_t rs1 = (w >> 15) & 31;
  const int64_t imm = SignExtend(w >> 20, 12);
  Instruction insn{.length = 4};
  if (opcode == 0x03 && funct3 == 3) {  // LD rd, imm(rs1)
    insn.op = Op::kLoad;
    insn.dst = name(rd);
    insn.src = name(rs1);
    insn.imm = imm;
    return insn;
  }
  if (opcode == 0x13 && funct3 == 0) {  // ADDI rd, rs1, imm
    insn.op = Op::kAddImmediate;
    insn.dst = name(rd);
    insn.src = name(rs1);
    insn.imm = imm;
    return insn;
  }
  if (opcode == 0x67 && funct3 == 0 && rd == 0) {  // JALR zero, rs1
    insn.op = Op::kJump;
    return insn;
  }
  return std::nullopt;
}

std::optional<Instruction> DecodeAt(const symtab::ByteReader& code, uint64_t at,
                                    const arch::ArchInfo& arch) {
  const bool is_64 = arch.ptr_size == 8;
  if (arch.instruction_set == arch::InstructionSet::kX86) {
    return DecodeX86(code, at, is_64);
  }
  if (arch.instruction_set == arch::InstructionSet::kS390x) {
    return DecodeS390x(code, at);
  }
  std::optional<uint32_t> word = code.U32(at);
  if (!word) return std::nullopt;
  switch (arch.instruction_set) {
    case arch::InstructionSet::kArm:
      return DecodeArm(*word);
    case arch::InstructionSet::kArm64:
      return DecodeArm64(*word);
    case arch::InstructionSet::kPpc64:
      return DecodePpc64(*word);
    case arch::InstructionSet::kMips:
      return DecodeMips(*word, is_64);
    case arch::InstructionSet::kRiscv64:
      return DecodeRiscv64(*word);
    default:
      break;
  }
  return std::nullopt;  // loong64 and wasm never had a jmpdefer here
}

// What a register holds, in terms of jmpdefer's entry state.
struct Value {
  enum class Kind : uint8_t {
    kUnknown,
    kEntrySp,    // SP at entry + addend
    kEntryLr,    // LR at entry (the return into deferreturn) + addend
    kStackWord,  // the word at entry SP + word_offset, + addend
  };
  Kind kind = Kind::kUnknown;
  int64_t word_offset = 0;
  int64_t addend = 0;
};

// The caller rule a register state allows, if any.
std::optional<JmpdeferCaller> Classify(const std::array<Value, kRegisters>& r,
                                       const arch::ArchInfo& arch) {
  const Value& sp = r[kSp];
  const Value& lr = r[kLr];
  // jmpdefer(fv, argp): on LR machines its arguments start MinFrameSize
  // above SP; on x86 above the return address.
  const int64_t argp_slot = arch.uses_lr ? arch.min_frame_size + arch.ptr_size
                                         : 2 * int64_t{arch.ptr_size};
  const bool lr_intact =
      !arch.uses_lr || (lr.kind == Value::Kind::kEntryLr && lr.addend == 0);
  // deferreturn saved its own return address (into F) at 0(SP); jmpdefer
  // shares that SP. Rewound or not, it leads to F's CALL deferreturn.
  const bool lr_into_deferring =
      arch.uses_lr && lr.kind == Value::Kind::kStackWord && lr.word_offset == 0;
  JmpdeferCaller caller;
  caller.pc_in_link_register = arch.uses_lr;
  if (sp.kind == Value::Kind::kEntrySp && sp.addend == 0) {
    if (lr_intact) {  // a frameless leaf called by deferreturn
      caller.sp_adjust = arch.uses_lr ? 0 : arch.ptr_size;
      return caller;
    }
    if (!lr_into_deferring) return std::nullopt;
    // The LR now names F while SP is still deferreturn's: F's SP comes from
    // the argp argument (argp = F's SP + MinFrameSize).
    caller.deferring_frame = true;
    caller.sp_from_stack_word = true;
    caller.sp_word_offset = static_cast<int>(argp_slot);
    caller.sp_adjust = -arch.min_frame_size;
    return caller;
  }
  if (sp.kind != Value::Kind::kStackWord || sp.word_offset != argp_slot) {
    return std::nullopt;
  }
  // SP = argp + addend.
  caller.deferring_frame = true;
  if (arch.uses_lr) {
    if (!lr_into_deferring) return std::nullopt;
    caller.sp_adjust = -sp.addend - arch.min_frame_size;
    return caller;
  }
  // x86: F's CALL deferreturn pushed its return address just below argp.
  if (sp.addend != -arch.ptr_size) return std::nullopt;
  caller.sp_adjust = arch.ptr_size;
  return caller;
}

}  // namespace

JmpdeferModel JmpdeferModel::Decode(symtab::ByteReader code,
                                    const arch::ArchInfo& arch) {
  JmpdeferModel model;
  std::array<Value, kRegisters> regs;
  regs[kSp].kind = Value::Kind::kEntrySp;
  regs[kLr].kind = Value::Kind::kEntryLr;
  uint64_t offset = 0;
  while (true) {
    if (model.count_ == kMaxInstructions) {
      model.stopped_because_ = "too many instructions";
      break;
    }
    Boundary& here = model.boundaries_[model.count_++];
    here.offset = static_cast<uint32_t>(offset);
    std::optional<JmpdeferCaller> caller = Classify(regs, arch);
    here.known = caller.has_value();
    if (caller) here.caller = *caller;
    std::optional<Instruction> insn = DecodeAt(code, offset, arch);
    if (!insn) {
      model.stopped_because_ = "an instruction gentrace does not model";
      break;
    }
    if (insn->op == Op::kJump) break;
    const Value src = regs[insn->src];
    Value result;
    switch (insn->op) {
      case Op::kLoad:
        if (src.kind == Value::Kind::kEntrySp) {
          result.kind = Value::Kind::kStackWord;
          result.word_offset = src.addend + insn->imm;
        }
        break;
      case Op::kAddImmediate:
        result = src;
        if (result.kind != Value::Kind::kUnknown) result.addend += insn->imm;
        break;
      case Op::kMove:
        result = src;
        break;
      case Op::kWriteMemory:
        // A store into jmpdefer's own frame could change the words the
        // rules read; nothing known writes there.
        if (src.kind == Value::Kind::kEntrySp) {
          model.stopped_because_ = "a store into deferreturn's frame";
          offset += insn->length;
          model.stopped_at_ = static_cast<uint32_t>(offset);
          return model;
        }
        break;
      case Op::kNop:
      case Op::kJump:
        break;
    }
    if (insn->op != Op::kWriteMemory && insn->op != Op::kNop &&
        insn->dst != kZero && insn->dst != kUntracked) {
      regs[insn->dst] = result;
    }
    offset += insn->length;
  }
  model.stopped_at_ = static_cast<uint32_t>(offset);
  return model;
}

absl::StatusOr<JmpdeferCaller> JmpdeferModel::CallerAt(uint64_t offset) const {
  for (int i = 0; i < count_; ++i) {
    const Boundary& b = boundaries_[i];
    if (b.offset != offset) continue;
    if (b.known) return b.caller;
    return absl::FailedPreconditionError(absl::StrCat(
        "runtime.jmpdefer+", offset, ": SP and the link register match no ",
        "state of the deferreturn hand-over"));
  }
  if (!stopped_because_.empty() && offset >= stopped_at_) {
    return absl::FailedPreconditionError(
        absl::StrCat("runtime.jmpdefer+", offset, " follows ", stopped_because_,
                     " (at +", stopped_at_, ")"));
  }
  return absl::FailedPreconditionError(absl::StrCat(
      "runtime.jmpdefer+", offset, " is not an instruction boundary"));
}

}  // namespace gentrace::unwind
