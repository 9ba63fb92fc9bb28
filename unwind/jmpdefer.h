#ifndef GENTRACE_UNWIND_JMPDEFER_H_
#define GENTRACE_UNWIND_JMPDEFER_H_

#include <array>
#include <cstdint>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "arch/arch.h"
#include "symtab/byte_reader.h"

namespace gentrace::unwind {

// Where the caller of a frame stopped inside runtime.jmpdefer is. jmpdefer
// (Go <= 1.17) turns deferreturn's frame into the deferring function F's
// state "about to CALL deferreturn" in several steps; on LR machines some
// steps leave SP, LR and PC mutually inconsistent (golang/go#8153).
struct JmpdeferCaller {
  // True once F is the caller: deferreturn's frame is gone or half taken
  // apart. False: jmpdefer is still deferreturn's frameless callee.
  bool deferring_frame = false;
  // The caller's pc is in the link register (else at 0(SP), as x86 pushes).
  bool pc_in_link_register = false;
  // The caller's SP is `base + sp_adjust`, where base is SP itself or, when
  // `sp_from_stack_word`, the word at SP + sp_word_offset (jmpdefer's argp
  // argument, still in deferreturn's outgoing-argument slot).
  bool sp_from_stack_word = false;
  int sp_word_offset = 0;
  int64_t sp_adjust = 0;
};

// The binary's own runtime.jmpdefer, decoded instruction by instruction:
// what each one leaves in SP and LR, and so how to find the caller at every
// pc of it. Decoding follows the register moves symbolically (SP, LR and
// loads from jmpdefer's own stack), so a sequence that differs from the
// usual one in register choice, order or offsets is still understood; at
// and after an instruction it does not recognise, CallerAt says so.
//
// Never allocates; the model is a small fixed-size value.
class JmpdeferModel {
 public:
  // `code`: the function's bytes, from its entry to its end.
  static JmpdeferModel Decode(symtab::ByteReader code,
                              const arch::ArchInfo& arch);

  // The caller at `offset` bytes into the function; FailedPreconditionError
  // saying why at an instruction the model cannot vouch for.
  absl::StatusOr<JmpdeferCaller> CallerAt(uint64_t offset) const;

  // Instruction boundaries decoded, up to the final indirect jump.
  int instructions() const { return count_; }

 private:
  static constexpr int kMaxInstructions = 24;
  struct Boundary {
    uint32_t offset = 0;
    bool known = false;
    JmpdeferCaller caller;
  };
  std::array<Boundary, kMaxInstructions> boundaries_;
  int count_ = 0;
  // Why decoding stopped before the jump (empty if it reached it), and at
  // which offset.
  absl::string_view stopped_because_;
  uint32_t stopped_at_ = 0;
};

}  // namespace gentrace::unwind

#endif  // GENTRACE_UNWIND_JMPDEFER_H_
