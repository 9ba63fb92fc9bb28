#include "traceback/frame.h"

namespace gentrace::traceback {

Location LocationOf(const symtab::SourceFrame& frame) {
  return {std::string(frame.function), std::string(frame.file), frame.line,
          frame.inlined};
}

}  // namespace gentrace::traceback
