#include "bench/fixtures_flag.h"

#include <cstdlib>

#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"

namespace gentrace::bench {

std::string FixturesFlag(int argc, char** argv, absl::string_view subdir,
                         std::vector<char*>* rest) {
  std::string fixtures;
  if (const char* root = std::getenv("GENTRACE_FIXTURES")) {
    fixtures = absl::StrCat(root, "/", subdir);
  }
  for (int i = 0; i < argc; ++i) {
    absl::string_view arg = argv[i];
    if (absl::ConsumePrefix(&arg, "--fixtures=")) {
      fixtures = std::string(arg);
    } else {
      rest->push_back(argv[i]);
    }
  }
  return fixtures;
}

}  // namespace gentrace::bench
