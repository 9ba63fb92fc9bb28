// gentrace-serve, which `gentrace serve` runs: the traceback service over
// HTTP and gRPC (serve/). A program of its own, so that the service's
// libraries (gRPC, TLS, libdebuginfod and curl) load only here, not with
// every gentrace command.
#include <pthread.h>
#include <signal.h>
#include <sys/types.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <string>
#include <thread>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "cli/args.h"
#include "serve/grpc_server.h"
#include "serve/http_server.h"
#include "serve/service.h"
#include "serve/store.h"
#include "serve/upstream.h"

namespace gentrace::cli {
namespace {

// A token file's first line, which must not be empty.
absl::StatusOr<std::string> ReadToken(const std::string& path) {
  std::ifstream in(path);
  std::string token;
  if (!in || !std::getline(in, token)) {
    return absl::InvalidArgumentError(absl::StrCat(path, ": cannot read"));
  }
  token = std::string(absl::StripAsciiWhitespace(token));
  if (token.empty()) {
    return absl::InvalidArgumentError(absl::StrCat(path, ": empty token"));
  }
  return token;
}

// A duration in seconds, decimals accepted: more than 0, at most 1e6.
absl::StatusOr<absl::Duration> SecondsFlag(const Args& args,
                                           absl::string_view name,
                                           absl::Duration fallback) {
  std::optional<std::string> text = args.Flag(name);
  if (!text) return fallback;
  double seconds = 0;
  if (!absl::SimpleAtod(*text, &seconds) || !(seconds > 0) || seconds > 1e6) {
    return absl::InvalidArgumentError(absl::StrCat(
        "--", name, ": not a number of seconds (0 to 1e6): ", *text));
  }
  return absl::Seconds(seconds);
}

bool IsLoopback(absl::string_view host) {
  return host == "127.0.0.1" || host == "::1" || host == "localhost";
}

absl::Status RunServe(absl::Span<char* const> argv) {
  constexpr absl::string_view kFlags[] = {"listen",
                                          "store",
                                          "upload-token-file",
                                          "read-token-file",
                                          "max-request-bytes",
                                          "max-upload-bytes",
                                          "threads",
                                          "tls-cert",
                                          "tls-key",
                                          "debuginfod-urls",
                                          "store-max-bytes",
                                          "grpc-listen",
                                          "max-core-bytes",
                                          "request-timeout",
                                          "work-timeout",
                                          "max-open-bytes"};
  absl::StatusOr<Args> args = Args::Parse(argv, kFlags);
  if (!args.ok()) return args.status();
  serve::HttpOptions http;
  const std::string listen = args->Flag("listen").value_or("127.0.0.1:8390");
  const size_t colon = listen.rfind(':');
  if (colon == std::string::npos ||
      !absl::SimpleAtoi(listen.substr(colon + 1), &http.port) ||
      http.port < 0 || http.port > 65535) {
    return absl::InvalidArgumentError(
        absl::StrCat("--listen: not HOST:PORT: ", listen));
  }
  http.host = std::string(
      absl::StripSuffix(absl::StripPrefix(listen.substr(0, colon), "["), "]"));
  for (auto [flag, token] : {std::pair{"upload-token-file", &http.upload_token},
                             std::pair{"read-token-file", &http.read_token}}) {
    if (std::optional<std::string> path = args->Flag(flag)) {
      absl::StatusOr<std::string> read = ReadToken(*path);
      if (!read.ok()) return read.status();
      *token = *std::move(read);
    }
  }
  // Anyone who can reach the service could fill its store otherwise.
  if (http.upload_token.empty() && !IsLoopback(http.host)) {
    return absl::InvalidArgumentError(
        "--listen beyond loopback needs --upload-token-file");
  }
  serve::RequestLimits& limits = http.limits;
  for (auto [flag, limit] :
       {std::pair{"max-request-bytes", &limits.max_request_bytes},
        std::pair{"max-upload-bytes", &limits.max_binary_bytes},
        std::pair{"max-core-bytes", &limits.max_core_bytes}}) {
    absl::StatusOr<size_t> value = SizeFlag(*args, flag, *limit);
    if (!value.ok()) return value.status();
    *limit = *value;
  }
  absl::StatusOr<absl::Duration> body_deadline = SecondsFlag(
      *args, "request-timeout", absl::FromChrono(limits.body_deadline));
  if (!body_deadline.ok()) return body_deadline.status();
  limits.body_deadline = absl::ToChronoMilliseconds(*body_deadline);
  absl::StatusOr<size_t> threads = SizeFlag(*args, "threads", 0);
  if (!threads.ok()) return threads.status();
  serve::ServiceOptions options;
  absl::StatusOr<size_t> store_max = SizeFlag(*args, "store-max-bytes", 0);
  if (!store_max.ok()) return store_max.status();
  options.store_max_bytes = *store_max;
  absl::StatusOr<size_t> open_bytes =
      SizeFlag(*args, "max-open-bytes", options.open_bytes);
  if (!open_bytes.ok()) return open_bytes.status();
  options.open_bytes = *open_bytes;
  absl::StatusOr<absl::Duration> work_timeout =
      SecondsFlag(*args, "work-timeout", options.work_timeout);
  if (!work_timeout.ok()) return work_timeout.status();
  options.work_timeout = *work_timeout;
  http.threads = static_cast<int>(*threads);
  http.tls_cert_file = args->Flag("tls-cert").value_or("");
  http.tls_key_file = args->Flag("tls-key").value_or("");
  if (http.tls_cert_file.empty() != http.tls_key_file.empty()) {
    return absl::InvalidArgumentError("--tls-cert and --tls-key go together");
  }

  absl::StatusOr<std::unique_ptr<serve::Store>> store =
      serve::Store::Open(StoreDir(*args));
  if (!store.ok()) return store.status();
  // Leftovers of a process that ended mid-upload.
  (void)(*store)->RemoveLeftovers();
  // Misses fetched from debuginfod servers: --debuginfod-urls, else
  // DEBUGINFOD_URLS (libdebuginfod reads it), cached in the store's
  // directory unless DEBUGINFOD_CACHE_PATH says where.
  if (std::optional<std::string> urls = args->Flag("debuginfod-urls")) {
    setenv("DEBUGINFOD_URLS", urls->c_str(), 1);
  }
  const char* urls = std::getenv("DEBUGINFOD_URLS");
  std::optional<serve::Upstream> upstream;
  if (urls != nullptr && *urls != '\0') {
    setenv("DEBUGINFOD_CACHE_PATH",
           absl::StrCat((*store)->dir(), "/debuginfod-cache").c_str(),
           /*overwrite=*/0);
    upstream.emplace(**store);
  }
  serve::Service service(**store, options, upstream ? &*upstream : nullptr);
  serve::Metrics metrics;

  // SIGTERM and SIGINT stop the server (requests in flight finish): taken
  // by one thread, before any other thread exists to take them.
  sigset_t stop_signals;
  sigemptyset(&stop_signals);
  sigaddset(&stop_signals, SIGTERM);
  sigaddset(&stop_signals, SIGINT);
  pthread_sigmask(SIG_BLOCK, &stop_signals, nullptr);
  absl::StatusOr<std::unique_ptr<serve::HttpServer>> server =
      serve::HttpServer::Create(service, **store, metrics, http);
  if (!server.ok()) return server.status();
  std::printf("gentrace serve: listening on %s://%s:%d, store %s\n",
              http.tls_cert_file.empty() ? "http" : "https",
              http.host.find(':') == std::string::npos
                  ? http.host.c_str()
                  : absl::StrCat("[", http.host, "]").c_str(),
              (*server)->port(), (*store)->dir().c_str());
  // The same operations over gRPC, when asked for.
  std::unique_ptr<serve::GrpcServer> grpc;
  if (std::optional<std::string> address = args->Flag("grpc-listen")) {
    // gRPC locks absl::Mutex on every call, and Debian's abseil checks each
    // lock order against one global graph under one global lock (a
    // debugging aid) unless told not to.
    absl::SetMutexDeadlockDetectionMode(absl::OnDeadlockCycle::kIgnore);
    serve::GrpcOptions options{.address = *address,
                               .upload_token = http.upload_token,
                               .read_token = http.read_token,
                               .limits = http.limits,
                               .tls_cert_file = http.tls_cert_file,
                               .tls_key_file = http.tls_key_file};
    const size_t colon = address->rfind(':');
    if (http.upload_token.empty() &&
        (colon == std::string::npos ||
         !IsLoopback(absl::StripSuffix(
             absl::StripPrefix(address->substr(0, colon), "["), "]")))) {
      return absl::InvalidArgumentError(
          "--grpc-listen beyond loopback needs --upload-token-file");
    }
    absl::StatusOr<std::unique_ptr<serve::GrpcServer>> started =
        serve::GrpcServer::Create(service, **store, metrics, options);
    if (!started.ok()) return started.status();
    grpc = *std::move(started);
    std::printf("gentrace serve: gRPC on %s:%d\n",
                address->substr(0, colon).c_str(), grpc->port());
  }
  std::fflush(stdout);
  std::thread stopper([&] {
    int signal = 0;
    sigwait(&stop_signals, &signal);
    if (grpc != nullptr) grpc->Stop();
    (*server)->Stop();
  });
  absl::Status served = (*server)->Serve();
  // The stopper waits for a signal to the process; one ends its wait.
  if (!served.ok()) kill(getpid(), SIGTERM);
  stopper.join();
  return served;
}

}  // namespace
}  // namespace gentrace::cli

int main(int argc, char** argv) {
  const absl::Status status =
      gentrace::cli::RunServe(absl::Span<char* const>(argv + 1, argc - 1));
  std::fflush(stdout);
  return gentrace::cli::ExitCode("serve", status);
}
