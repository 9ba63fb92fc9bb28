#include "tests/testing/bare_profile.h"

namespace gentrace::testing {

pprof::Profile BareProfile(const pprof::Profile& symbolized) {
  pprof::Profile bare = symbolized;
  bare.clear_function();
  for (pprof::Location& location : *bare.mutable_location()) {
    location.clear_line();
  }
  for (pprof::Mapping& mapping : *bare.mutable_mapping()) {
    mapping.set_has_functions(false);
    mapping.set_has_filenames(false);
    mapping.set_has_line_numbers(false);
    mapping.set_has_inline_frames(false);
  }
  return bare;
}

}  // namespace gentrace::testing
