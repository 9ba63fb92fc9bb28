#include "tests/testing/service_process.h"

#include <cstdlib>
#include <filesystem>

#include "absl/strings/str_cat.h"
#include "tests/testing/shell_command.h"

namespace gentrace::testing {

std::vector<std::string> SanitizerEnvironment() {
  std::vector<std::string> env;
  for (const char* name : {"ASAN_OPTIONS", "UBSAN_OPTIONS"}) {
    if (const char* value = std::getenv(name)) {
      env.push_back(absl::StrCat(name, "=", value));
    }
  }
  if (const char* value = std::getenv("TSAN_OPTIONS")) {
    env.push_back(absl::StrCat(
        "TSAN_OPTIONS=", value, ":suppressions=",
        std::filesystem::absolute("tests/testing/server_tsan_suppressions.txt")
            .string()));
  }
  return env;
}

std::string StartService(ChildProcess& server,
                         const std::vector<std::string>& flags,
                         const std::string& stderr_path,
                         const std::vector<std::string>& environment) {
  std::vector<std::string> argv = {"serve", "--listen=127.0.0.1:0"};
  argv.insert(argv.end(), flags.begin(), flags.end());
  std::vector<std::string> env = SanitizerEnvironment();
  env.insert(env.end(), environment.begin(), environment.end());
  if (!server.Start(GentraceCommand(), argv, env, stderr_path)) {
    return "";
  }
  // "gentrace serve: listening on http://127.0.0.1:PORT, store DIR"
  const std::string line = server.ReadLine();
  const size_t start = line.find("://"), end = line.find(',');
  if (start == std::string::npos || end == std::string::npos) return "";
  const size_t scheme = line.rfind(' ', start);
  return line.substr(scheme + 1, end - scheme - 1);
}

std::string JsonField(const std::string& json, const std::string& name) {
  const std::string key = absl::StrCat("\"", name, "\":\"");
  const size_t at = json.find(key);
  if (at == std::string::npos) return "";
  const size_t start = at + key.size();
  return json.substr(start, json.find('"', start) - start);
}

}  // namespace gentrace::testing
