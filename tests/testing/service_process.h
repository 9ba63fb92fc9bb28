#ifndef GENTRACE_TESTS_TESTING_SERVICE_PROCESS_H_
#define GENTRACE_TESTS_TESTING_SERVICE_PROCESS_H_

#include <string>
#include <vector>

#include "tests/testing/child_process.h"

namespace gentrace::testing {

// The sanitizers' options of the test (under --config=tsan, say), for the
// servers it starts: a race there ends the server, and the test fails.
// TSan's get server_tsan_suppressions.txt (the test's data) too.
std::vector<std::string> SanitizerEnvironment();

// Starts `gentrace serve --listen=127.0.0.1:0 FLAGS...` as `server`, its
// stderr to `stderr_path`, with `environment` ("NAME=value") beside the
// sanitizers' options: the URL it says it listens on
// ("http://127.0.0.1:PORT"), or "" if it did not start.
std::string StartService(ChildProcess& server,
                         const std::vector<std::string>& flags,
                         const std::string& stderr_path,
                         const std::vector<std::string>& environment = {});

// The value of a JSON string field in `json` ("" when absent): a field of
// the service's answers.
std::string JsonField(const std::string& json, const std::string& name);

}  // namespace gentrace::testing

#endif  // GENTRACE_TESTS_TESTING_SERVICE_PROCESS_H_
