#include "serve/grpc_server.h"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <sstream>
#include <utility>

#include "absl/strings/str_cat.h"
#include "grpcpp/grpcpp.h"
#include "proto/gentrace_service.grpc.pb.h"
#include "render/json_string.h"
#include "serve/token.h"
#include "serve/upload.h"

namespace gentrace::serve {
namespace {

// absl's status codes are gRPC's canonical codes, number for number.
grpc::Status ToGrpc(const absl::Status& status) {
  return grpc::Status(static_cast<grpc::StatusCode>(status.code()),
                      std::string(status.message()));
}

// One call, timed under its operation and logged when it ends, with the
// HTTP status its answer had (what the metrics count in).
class Call {
 public:
  Call(Metrics& metrics, absl::string_view operation, absl::string_view rpc,
       const grpc::ServerContext& context)
      : timer_(metrics, operation, status_), rpc_(rpc), context_(context) {}
  ~Call() {
    std::string line = "{\"rpc\":";
    render::AppendJsonString(rpc_, &line);
    absl::StrAppend(&line, ",\"status\":", status_, ",\"remote\":");
    render::AppendJsonString(context_.peer(), &line);
    line += "}\n";
    std::fwrite(line.data(), 1, line.size(), stderr);
  }
  Call(const Call&) = delete;
  Call& operator=(const Call&) = delete;

  // Whether the call may go on: it carries the token, and its request (if
  // unary) is within `max_request_bytes` (gRPC's own limit admits the
  // larger chunks of a stream). Otherwise the call fails with `refusal()`.
  bool Admit(const std::string& token, const google::protobuf::Message* request,
             size_t max_request_bytes) {
    const auto& metadata = context_.client_metadata();
    const auto it = metadata.find("authorization");
    const absl::string_view given =
        it == metadata.end()
            ? absl::string_view()
            : absl::string_view(it->second.data(), it->second.size());
    if (!BearerTokenMatches(given, token)) {
      refusal_ = Fail(absl::UnauthenticatedError(
          "this call needs a token: authorization: Bearer <token>"));
      return false;
    }
    if (request != nullptr && request->ByteSizeLong() > max_request_bytes) {
      refusal_ = Fail(absl::ResourceExhaustedError(
          absl::StrCat("the request is over ", max_request_bytes, " bytes")));
      return false;
    }
    return true;
  }
  const grpc::Status& refusal() const { return refusal_; }

  grpc::Status Fail(const absl::Status& status) {
    status_ = ErrorReply(status).status;
    return ToGrpc(status);
  }

  // The service's answer (its binary encoding) into `out`.
  grpc::Status Answer(const Reply& reply, google::protobuf::Message* out) {
    status_ = reply.status;
    if (!reply.error.ok()) return ToGrpc(reply.error);
    if (!out->ParseFromString(reply.body)) {
      return Fail(absl::InternalError("the answer did not encode"));
    }
    return grpc::Status::OK;
  }
  // The service's answer in text.
  grpc::Status AnswerText(const Reply& reply, std::string* out) {
    status_ = reply.status;
    if (!reply.error.ok()) return ToGrpc(reply.error);
    *out = reply.body;
    return grpc::Status::OK;
  }

 private:
  int status_ = 200;
  grpc::Status refusal_;
  Metrics::Timer timer_;
  absl::string_view rpc_;
  const grpc::ServerContext& context_;
};

absl::StatusOr<std::string> ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    return absl::InvalidArgumentError(absl::StrCat(path, ": unreadable"));
  }
  std::ostringstream bytes;
  bytes << in.rdbuf();
  return bytes.str();
}

// The largest message of a stream (a chunk with its framing) gRPC lets in,
// however small the request limit.
constexpr size_t kMaxChunkBytes = size_t{4} << 20;

}  // namespace

// Within the generated Gentrace::Service, "Service" is that class; ours is
// serve::Service.
class GrpcServer::Handlers final : public Gentrace::Service {
 public:
  Handlers(serve::Service& service, const Store& store, Metrics& metrics,
           const GrpcOptions& options)
      : service_(service),
        store_(store),
        metrics_(metrics),
        options_(options) {}

  grpc::Status AddBinary(grpc::ServerContext* context,
                         grpc::ServerReader<Chunk>* reader,
                         AddBinaryResponse* response) override {
    Call call(metrics_, "upload", "AddBinary", *context);
    if (!call.Admit(options_.upload_token, nullptr, 0)) return call.refusal();
    Chunk chunk;
    absl::StatusOr<std::string> staged =
        Receive(*reader, options_.limits.max_binary_bytes, chunk);
    if (!staged.ok()) return call.Fail(staged.status());
    const Reply reply = service_.AddBinary(*staged, "proto");
    response->set_added(reply.status == 201);
    return call.Answer(reply, response->mutable_info());
  }

  grpc::Status GetBinary(grpc::ServerContext* context,
                         const GetBinaryRequest* request,
                         BinaryInfo* response) override {
    Call call(metrics_, "binary", "GetBinary", *context);
    if (!Admit(call, request)) return call.refusal();
    return call.Answer(service_.GetBinary(request->build_id(), "proto"),
                       response);
  }

  grpc::Status Symbolize(grpc::ServerContext* context,
                         const SymbolizeRequest* request,
                         SymbolizeResponse* response) override {
    Call call(metrics_, "symbolize", "Symbolize", *context);
    if (!Admit(call, request)) return call.refusal();
    return call.Answer(service_.Symbolize(*request, "proto"), response);
  }

  grpc::Status TraceCore(grpc::ServerContext* context,
                         grpc::ServerReader<CoreChunk>* reader,
                         TraceResponse* response) override {
    Call call(metrics_, "core", "TraceCore", *context);
    if (!Admit(call, nullptr)) return call.refusal();
    CoreChunk first;
    absl::StatusOr<std::string> staged =
        Receive(*reader, options_.limits.max_core_bytes, first);
    if (!staged.ok()) return call.Fail(staged.status());
    const Reply reply =
        service_.Core(first.build_id(), *staged,
                      {.format = first.text() ? "text" : "proto",
                       .defers = first.defers(),
                       .native = first.native()});
    return first.text() ? call.AnswerText(reply, response->mutable_text())
                        : call.Answer(reply, response->mutable_trace());
  }

  grpc::Status UnwindCapture(grpc::ServerContext* context,
                             const CaptureRequest* request,
                             CaptureResponse* response) override {
    Call call(metrics_, "capture", "UnwindCapture", *context);
    if (!Admit(call, request)) return call.refusal();
    const Reply reply = service_.Capture(request->build_id(),
                                         request->capture().SerializeAsString(),
                                         request->text() ? "text" : "proto");
    return request->text() ? call.AnswerText(reply, response->mutable_text())
                           : call.Answer(reply, response->mutable_thread());
  }

  grpc::Status ReadCrashText(grpc::ServerContext* context,
                             const CrashTextRequest* request,
                             Trace* response) override {
    Call call(metrics_, "traceback", "ReadCrashText", *context);
    if (!Admit(call, request)) return call.refusal();
    return call.Answer(
        service_.CrashText(request->build_id(), request->text(), "proto"),
        response);
  }

 private:
  // A reader's call, its request (if unary) held to the request limit.
  bool Admit(Call& call, const google::protobuf::Message* request) const {
    return call.Admit(options_.read_token, request,
                      options_.limits.max_request_bytes);
  }

  // A client stream's `data` written to a staged file, up to `limit` bytes
  // and the body deadline: its path. `first` keeps the first message (a core's
  // options).
  template <typename Message>
  absl::StatusOr<std::string> Receive(grpc::ServerReader<Message>& reader,
                                      size_t limit, Message& first) {
    absl::StatusOr<StagedUpload> upload = StagedUpload::Begin(
        store_, limit,
        std::chrono::steady_clock::now() + options_.limits.body_deadline);
    if (!upload.ok()) return upload.status();
    Message message;
    for (bool read_first = false; reader.Read(&message); read_first = true) {
      if (!read_first) {
        first = message;
        first.clear_data();
      }
      if (absl::Status appended = upload->Append(message.data());
          !appended.ok()) {
        return appended;
      }
    }
    return upload->Finish();
  }

  serve::Service& service_;
  const Store& store_;
  Metrics& metrics_;
  const GrpcOptions options_;
};

absl::StatusOr<std::unique_ptr<GrpcServer>> GrpcServer::Create(
    Service& service, const Store& store, Metrics& metrics,
    const GrpcOptions& options) {
  std::shared_ptr<grpc::ServerCredentials> credentials =
      grpc::InsecureServerCredentials();
  if (!options.tls_cert_file.empty() || !options.tls_key_file.empty()) {
    absl::StatusOr<std::string> cert = ReadFile(options.tls_cert_file);
    if (!cert.ok()) return cert.status();
    absl::StatusOr<std::string> key = ReadFile(options.tls_key_file);
    if (!key.ok()) return key.status();
    grpc::SslServerCredentialsOptions tls;
    tls.pem_key_cert_pairs.push_back({*key, *cert});
    credentials = grpc::SslServerCredentials(tls);
  }
  std::unique_ptr<GrpcServer> server(new GrpcServer());
  server->handlers_ =
      std::make_unique<Handlers>(service, store, metrics, options);
  grpc::ServerBuilder builder;
  builder.AddListeningPort(options.address, credentials, &server->port_);
  const int max_message = static_cast<int>(std::min<size_t>(
      std::max(options.limits.max_request_bytes, kMaxChunkBytes),
      size_t{1} << 30));
  builder.SetMaxReceiveMessageSize(max_message);
  builder.RegisterService(server->handlers_.get());
  server->server_ = builder.BuildAndStart();
  if (server->server_ == nullptr || server->port_ <= 0) {
    return absl::UnavailableError(
        absl::StrCat("cannot serve gRPC on ", options.address));
  }
  return server;
}

void GrpcServer::Stop() {
  server_->Shutdown(std::chrono::system_clock::now() + std::chrono::seconds(5));
}

GrpcServer::~GrpcServer() {
  if (server_ != nullptr) {
    Stop();
    server_->Wait();
  }
}

}  // namespace gentrace::serve
