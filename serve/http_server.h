#ifndef GENTRACE_SERVE_HTTP_SERVER_H_
#define GENTRACE_SERVE_HTTP_SERVER_H_

#include <cstddef>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "serve/metrics.h"
#include "serve/service.h"
#include "serve/store.h"
#include "serve/upload.h"

namespace httplib {
class Server;
struct Request;
struct Response;
class ContentReader;
}  // namespace httplib

namespace gentrace::serve {

struct HttpOptions {
  std::string host = "127.0.0.1";
  int port = 8390;  // 0: a free one (HttpServer::port says which)
  // Bearer tokens: uploads need `upload_token`, every other request but
  // /healthz `read_token`; empty: none is asked for.
  std::string upload_token;
  std::string read_token;
  // 413 past the sizes, 408 past the deadline.
  RequestLimits limits;
  // Connections served at once (each holds a thread while kept alive, up
  // to 2 s idle and 100 requests); 0: 8 per core.
  int threads = 0;
  // A client that sends or reads nothing for this long is cut off.
  int timeout_seconds = 30;
  // With both, HTTPS.
  std::string tls_cert_file;
  std::string tls_key_file;
};

// The service over HTTP/1.1 (cpp-httplib: a thread pool, keep-alive,
// bodies streamed to the handler as they arrive, TLS through OpenSSL):
//
//   PUT  /v1/binaries                   an ELF executable, streamed to disk
//   GET  /v1/binaries/{build_id}        its BinaryInfo
//   POST /v1/symbolize                  a SymbolizeRequest
//   POST /v1/cores?build_id=ID[&defers=1][&native=1]
//                                       an ELF core, streamed to disk: its
//                                       trace (Accept: text/plain, JSON or
//                                       application/x-protobuf)
//   POST /v1/captures?build_id=ID       a Capture (binary or JSON): its Go
//                                       frames (text, or JSON by Accept)
//   POST /v1/tracebacks?build_id=ID     the runtime's crash text: the Trace
//                                       read from it (JSON, or protobuf)
//   GET, POST /v1/binaries/{build_id}/pprof/symbol
//                                       pprof's symbolz protocol
//   GET  /buildid/{build_id}/executable  the debuginfod protocol
//   GET  /buildid/{build_id}/debuginfo
//   GET  /healthz
//   GET  /metrics                       Prometheus' text format
//
// Every answer to a failed request is an ErrorResponse with its status;
// one JSON line per request goes to stderr.
class HttpServer {
 public:
  // Binds (so that `port` is known) but serves only from Serve.
  // Requests are counted in `metrics`, which GET /metrics answers with.
  static absl::StatusOr<std::unique_ptr<HttpServer>> Create(
      Service& service, const Store& store, Metrics& metrics,
      const HttpOptions& options);
  ~HttpServer();

  int port() const { return port_; }
  // Serves until Stop (from another thread); requests in flight finish.
  absl::Status Serve();
  void Stop();

 private:
  // One operation: how a request asks for it, who may, how its body is
  // taken, and how the service answers it.
  struct Operation;

  explicit HttpServer(Metrics& metrics);
  void Route(Service& service, const Store& store, const HttpOptions& options);
  // The operation a request names, or null.
  const Operation* Find(const httplib::Request& request) const;
  // Checks the request's token, takes its body, answers it, counts it.
  void Answer(const Operation& op, const Store& store,
              const HttpOptions& options, const httplib::Request& request,
              const httplib::ContentReader* reader,
              httplib::Response& response);

  std::unique_ptr<httplib::Server> server_;
  std::vector<Operation> operations_;
  int port_ = 0;
  Metrics& metrics_;
};

}  // namespace gentrace::serve

#endif  // GENTRACE_SERVE_HTTP_SERVER_H_
