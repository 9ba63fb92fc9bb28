// libFuzzer target: the service's request decoders and the operations
// behind them, on any bytes, against a store holding one real binary
// ($GENTRACE_FUZZ_BINARY, copied into a temporary store once). The first
// byte picks the request: a SymbolizeRequest's JSON, pprof's symbolz
// addresses, a capture (raw, binary or JSON; or as the crash handler
// writes them, with native frames and memory), or the runtime's crash
// text; the rest is its body. Every answer must be a status the HTTP
// front end knows, with a body (but an empty protobuf message), and the
// plain SymbolizeRequest reader must read what it reads as protobuf's JSON
// parser does. Build and run with tests/fuzz/run_fuzzer.sh.
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <utility>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "serve/service.h"
#include "serve/store.h"
#include "serve/symbolize_request.h"
#include "serve/symbolize_request_agreement.h"
#include "tests/fuzz/fuzz_binary.h"

namespace {

// The temporary store, removed when the fuzzer exits.
std::string* g_dir = nullptr;
gentrace::serve::Store* g_store = nullptr;
gentrace::serve::Service* g_service = nullptr;
std::string* g_build_id = nullptr;

}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  const char* path = gentrace::fuzz::FuzzBinaryPath();
  char dir[] = "/tmp/gentrace-request-fuzzer-XXXXXX";
  if (mkdtemp(dir) == nullptr) {
    std::perror("mkdtemp");
    std::abort();
  }
  g_dir = new std::string(dir);
  std::atexit([] {
    std::error_code ignored;
    std::filesystem::remove_all(*g_dir, ignored);
  });
  auto store = gentrace::serve::Store::Open(dir);
  if (!store.ok()) std::abort();
  auto added = (*store)->AddCopy(path);
  if (!added.ok()) {
    std::fprintf(stderr, "%s: %s\n", path,
                 std::string(added.status().message()).c_str());
    std::abort();
  }
  g_build_id = new std::string(added->info.go_build_id());
  g_store = store->release();
  g_service = new gentrace::serve::Service(*g_store, {});
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  const absl::string_view body(reinterpret_cast<const char*>(data) + 1,
                               size - 1);
  gentrace::serve::Reply reply;
  switch (data[0] % 5) {
    case 0: {
      // Where the plain reader answers, protobuf's parser agrees.
      auto plain = gentrace::serve::CheckedPlainReading(body);
      if (!plain.ok()) std::abort();
      absl::StatusOr<gentrace::SymbolizeRequest> request =
          plain->has_value() ? *std::move(*plain)
                             : gentrace::serve::ParseSymbolizeRequest(body);
      if (!request.ok()) return 0;
      request->set_build_id(*g_build_id);
      reply = g_service->Symbolize(*request, data[0] & 0x80 ? "proto" : "json");
      break;
    }
    case 1:
      reply = g_service->PprofSymbol(*g_build_id, body);
      break;
    case 2:
      reply = g_service->Capture(*g_build_id, body, "text");
      break;
    case 3:
      reply = g_service->Capture(*g_build_id, body, "json");
      break;
    case 4:
      reply = g_service->CrashText(*g_build_id, body, "json");
      break;
  }
  // An empty message in protobuf's binary encoding is no bytes (a request
  // with no PCs); every other answer has a body.
  const bool may_be_empty =
      reply.status == 200 && reply.content_type == "application/x-protobuf";
  if (reply.status < 200 || reply.status > 599 ||
      (reply.body.empty() && reply.file.empty() && !may_be_empty)) {
    std::abort();
  }
  return 0;
}
