#include "traceback/frame.h"

namespace gentrace::traceback {

Location LocationOf(const symtab::SourceFrame& frame) {
  return {frame.function, frame.file, frame.line, frame.inlined,
          frame.start_line};
}

}  // namespace gentrace::traceback
