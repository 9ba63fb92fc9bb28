#ifndef GENTRACE_SERVE_GRPC_SERVER_H_
#define GENTRACE_SERVE_GRPC_SERVER_H_

#include <cstddef>
#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "serve/metrics.h"
#include "serve/service.h"
#include "serve/store.h"
#include "serve/upload.h"

namespace grpc {
class Server;
}

namespace gentrace::serve {

struct GrpcOptions {
  std::string address = "127.0.0.1:0";  // HOST:PORT; port 0: a free one
  // As HttpOptions': tokens ("authorization: Bearer <token>" metadata)
  // and limits (RESOURCE_EXHAUSTED, DEADLINE_EXCEEDED past them).
  std::string upload_token;
  std::string read_token;
  RequestLimits limits;
  // With both, TLS.
  std::string tls_cert_file;
  std::string tls_key_file;
};

// The service over gRPC (proto/gentrace_service.proto): the HTTP front
// end's operations, answered by the same Service, counted in the same
// Metrics; uploads and cores arrive as client streams written straight
// to the store's staged files. One JSON line per call goes to stderr.
class GrpcServer {
 public:
  // Listening when it returns; serves on gRPC's own threads.
  static absl::StatusOr<std::unique_ptr<GrpcServer>> Create(
      Service& service, const Store& store, Metrics& metrics,
      const GrpcOptions& options);
  ~GrpcServer();

  int port() const { return port_; }
  // Stops taking calls; those in flight get a few seconds to finish.
  void Stop();

 private:
  class Handlers;

  GrpcServer() = default;

  std::unique_ptr<Handlers> handlers_;
  std::unique_ptr<grpc::Server> server_;
  int port_ = 0;
};

}  // namespace gentrace::serve

#endif  // GENTRACE_SERVE_GRPC_SERVER_H_
