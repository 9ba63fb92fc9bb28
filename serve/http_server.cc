#include "serve/http_server.h"

#include <fcntl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstdio>
#include <functional>
#include <regex>
#include <string>
#include <thread>
#include <utility>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "httplib.h"
#include "proto/gentrace.pb.h"
#include "render/json_string.h"
#include "serve/symbolize_request.h"
#include "serve/token.h"
#include "serve/upload.h"

namespace gentrace::serve {
namespace {

bool Authorized(const httplib::Request& request, const std::string& token) {
  return BearerTokenMatches(request.get_header_value("Authorization"), token);
}

void Send(const Reply& reply, httplib::Response& response) {
  response.status = reply.status;
  if (reply.file.empty()) {
    response.set_content(reply.body, reply.content_type);
    return;
  }
  const int fd = open(reply.file.c_str(), O_RDONLY | O_CLOEXEC);
  struct stat st;
  if (fd < 0 || fstat(fd, &st) != 0) {
    if (fd >= 0) close(fd);
    Send(ErrorReply(absl::InternalError("the stored file cannot be read")),
         response);
    return;
  }
  response.set_content_provider(
      static_cast<size_t>(st.st_size), reply.content_type,
      [fd](size_t offset, size_t length, httplib::DataSink& sink) {
        char buffer[1 << 16];
        const ssize_t n = pread(fd, buffer, std::min(length, sizeof(buffer)),
                                static_cast<off_t>(offset));
        return n > 0 && sink.write(buffer, static_cast<size_t>(n));
      },
      [fd](bool) { close(fd); });
}

Reply TextReply(std::string body, std::string content_type) {
  Reply reply;
  reply.body = std::move(body);
  reply.content_type = std::move(content_type);
  return reply;
}

absl::Status NeedsToken() {
  return absl::UnauthenticatedError(
      "this request needs a token: Authorization: Bearer <token>");
}

absl::Status NoSuchOperation(const httplib::Request& request) {
  return absl::NotFoundError(
      absl::StrCat("no such operation: ", request.method, " ", request.path));
}

// Who may ask for an operation.
enum class Access { kAnyone, kReader, kUploader };

const std::string& TokenFor(Access access, const HttpOptions& options) {
  static const std::string* const kNone = new std::string();
  switch (access) {
    case Access::kReader:
      return options.read_token;
    case Access::kUploader:
      return options.upload_token;
    case Access::kAnyone:
      break;
  }
  return *kNone;
}

// How an operation takes its body: none, read into memory (a JSON
// request), or streamed to a staged file of the store (a binary, a core).
enum class Body { kNone, kInMemory, kBinaryToDisk, kCoreToDisk };

size_t BodyLimit(Body body, const RequestLimits& limits) {
  switch (body) {
    case Body::kBinaryToDisk:
      return limits.max_binary_bytes;
    case Body::kCoreToDisk:
      return limits.max_core_bytes;
    default:
      return limits.max_request_bytes;
  }
}

// ResourceExhausted when the request says its body is over `limit` bytes
// (it is then not read at all).
absl::Status CheckDeclaredLength(const httplib::Request& request, size_t limit,
                                 absl::string_view what) {
  if (request.has_header("Content-Length") &&
      request.get_header_value<uint64_t>("Content-Length") > limit) {
    return absl::ResourceExhaustedError(
        absl::StrCat(what, " is over ", limit, " bytes"));
  }
  return absl::OkStatus();
}

// A body read whole into memory, up to `limit` bytes (ResourceExhausted
// past it: reading stops there).
absl::StatusOr<std::string> ReadBody(
    const httplib::Request& request, const httplib::ContentReader& reader,
    size_t limit, std::chrono::steady_clock::time_point deadline) {
  if (absl::Status declared =
          CheckDeclaredLength(request, limit, "the request body");
      !declared.ok()) {
    return declared;
  }
  std::string body;
  absl::Status refused;
  const bool read = reader([&](const char* data, size_t length) {
    if (body.size() + length > limit) {
      refused = absl::ResourceExhaustedError(
          absl::StrCat("the request body is over ", limit, " bytes"));
      return false;
    }
    refused = CheckDeadline(deadline, "the request body");
    body.append(data, length);
    return refused.ok();
  });
  if (!refused.ok()) return refused;
  if (!read) return absl::InvalidArgumentError("the request body was cut");
  return body;
}

// An upload streamed into a staged file of the store, up to `limit` bytes.
absl::StatusOr<std::string> ReceiveUpload(
    const httplib::Request& request, const httplib::ContentReader& reader,
    const Store& store, size_t limit,
    std::chrono::steady_clock::time_point deadline) {
  if (absl::Status declared = CheckDeclaredLength(request, limit, "the upload");
      !declared.ok()) {
    return declared;
  }
  absl::StatusOr<StagedUpload> upload =
      StagedUpload::Begin(store, limit, deadline);
  if (!upload.ok()) return upload.status();
  absl::Status appended;
  const bool read = reader([&](const char* data, size_t length) {
    appended = upload->Append(absl::string_view(data, length));
    return appended.ok();
  });
  if (!appended.ok()) return appended;
  if (!read) return absl::InvalidArgumentError("the upload was cut");
  return upload->Finish();
}

// One access-log line: the request and how it was answered.
void LogRequest(const httplib::Request& request,
                const httplib::Response& response) {
  std::string line = "{\"method\":";
  render::AppendJsonString(request.method, &line);
  line += ",\"path\":";
  render::AppendJsonString(request.path, &line);
  absl::StrAppend(&line, ",\"status\":", response.status, ",\"remote\":");
  render::AppendJsonString(request.remote_addr, &line);
  line += "}\n";
  std::fwrite(line.data(), 1, line.size(), stderr);
}

}  // namespace

struct HttpServer::Operation {
  const char* method;
  const char* path;  // a regular expression, its groups request.matches
  const char* name;  // in the metrics
  Access access;
  Body body;
  // The answer, given the body: its bytes, or the staged file's path.
  std::function<Reply(const httplib::Request&, const std::string& body)> answer;
  std::regex path_pattern = std::regex(path);
};

HttpServer::HttpServer(Metrics& metrics) : metrics_(metrics) {}

absl::StatusOr<std::unique_ptr<HttpServer>> HttpServer::Create(
    Service& service, const Store& store, Metrics& metrics,
    const HttpOptions& options) {
  std::unique_ptr<HttpServer> server(new HttpServer(metrics));
  const bool tls =
      !options.tls_cert_file.empty() || !options.tls_key_file.empty();
  if (tls) {
    auto secure = std::make_unique<httplib::SSLServer>(
        options.tls_cert_file.c_str(), options.tls_key_file.c_str());
    if (!secure->is_valid()) {
      return absl::InvalidArgumentError(
          "--tls-cert and --tls-key: not a certificate and its key");
    }
    server->server_ = std::move(secure);
  } else {
    server->server_ = std::make_unique<httplib::Server>();
  }
  // A connection holds its thread while it is kept alive (cpp-httplib
  // serves a connection per thread), so the pool is wider than the cores.
  const int threads =
      options.threads > 0
          ? options.threads
          : 8 * std::max(1,
                         static_cast<int>(std::thread::hardware_concurrency()));
  server->server_->new_task_queue = [threads] {
    return new httplib::ThreadPool(static_cast<size_t>(threads));
  };
  // Small answers go out at once, not after the peer's delayed ACK.
  server->server_->set_tcp_nodelay(true);
  // A connection holds a thread while it is kept alive: past this many
  // requests its client reconnects, so that more connections than threads
  // take turns.
  server->server_->set_keep_alive_max_count(100);
  // cpp-httplib listens with a backlog of 5: clients reconnecting in a
  // burst overflow it, and a dropped SYN costs its client a second (the
  // first retransmission). Listening again on the bound socket (below)
  // raises the backlog; the socket is the one handed to this callback.
  int listening = -1;
  server->server_->set_socket_options([&listening](socket_t socket) {
    httplib::default_socket_options(socket);
    listening = socket;
  });
  server->server_->set_keep_alive_timeout(2);
  server->server_->set_read_timeout(options.timeout_seconds);
  server->server_->set_write_timeout(options.timeout_seconds);
  server->server_->set_payload_max_length(std::max(
      {options.limits.max_request_bytes, options.limits.max_binary_bytes,
       options.limits.max_core_bytes}));
  server->server_->set_logger(LogRequest);
  server->Route(service, store, options);
  if (options.port == 0) {
    server->port_ = server->server_->bind_to_any_port(options.host);
  } else if (server->server_->bind_to_port(options.host, options.port)) {
    server->port_ = options.port;
  } else {
    server->port_ = -1;
  }
  server->server_->set_socket_options(httplib::default_socket_options);
  if (server->port_ <= 0 || listening < 0 ||
      ::listen(listening, SOMAXCONN) != 0) {
    return absl::UnavailableError(
        absl::StrCat("cannot listen on ", options.host, ":", options.port));
  }
  return server;
}

void HttpServer::Route(Service& service, const Store& store,
                       const HttpOptions& options) {
  const auto format = [](const httplib::Request& request,
                         absl::string_view fallback) -> std::string {
    const std::string accept = request.get_header_value("Accept");
    if (absl::StrContains(accept, "application/x-protobuf")) return "proto";
    if (absl::StrContains(accept, "application/json")) return "json";
    if (absl::StrContains(accept, "text/html")) return "html";
    return std::string(fallback);
  };
  // A core or a minidump, by the build ID asked for (a minidump's own by
  // default).
  const auto dump = [&service, format](const httplib::Request& request,
                                       const std::string& staged) {
    Service::CoreOptions core{
        .format = request.has_param("format")
                      ? request.get_param_value("format")
                      : format(request, "text"),
        .defers = request.get_param_value("defers") == "1",
        .native = request.get_param_value("native") == "1"};
    if (request.has_param("group")) {
      core.group = render::ParseGroupBy(request.get_param_value("group"));
      if (!core.group) {
        unlink(staged.c_str());
        return ErrorReply(absl::InvalidArgumentError(
            "group: the levels are exact, pcs and functions"));
      }
    }
    return service.Core(request.get_param_value("build_id"), staged, core);
  };
  operations_ = {
      {"PUT", "/v1/binaries", "upload", Access::kUploader, Body::kBinaryToDisk,
       [&service](const httplib::Request&, const std::string& staged) {
         return service.AddBinary(staged, "json");
       }},
      {"POST", "/v1/symbolize", "symbolize", Access::kReader, Body::kInMemory,
       [&service](const httplib::Request&, const std::string& body) {
         absl::StatusOr<SymbolizeRequest> request = ParseSymbolizeRequest(body);
         return request.ok() ? service.Symbolize(*request, "json")
                             : ErrorReply(request.status());
       }},
      // The runtime's text unless the client asks for JSON or protobuf.
      {"POST", "/v1/cores", "core", Access::kReader, Body::kCoreToDisk, dump},
      {"POST", "/v1/minidumps", "minidump", Access::kReader, Body::kCoreToDisk,
       dump},
      {"POST", "/v1/captures", "capture", Access::kReader, Body::kInMemory,
       [&service, format](const httplib::Request& request,
                          const std::string& body) {
         return service.Capture(request.get_param_value("build_id"), body,
                                format(request, "text"));
       }},
      {"POST", "/v1/tracebacks", "traceback", Access::kReader, Body::kInMemory,
       [&service, format](const httplib::Request& request,
                          const std::string& body) {
         return service.CrashText(request.get_param_value("build_id"), body,
                                  format(request, "json"));
       }},
      // pprof's symbolz: asked with GET for its symbol count, and for
      // addresses in the query or (POST) the body.
      {"GET", "/v1/binaries/(.+)/pprof/symbol", "pprof_symbol", Access::kReader,
       Body::kNone,
       [&service](const httplib::Request& request, const std::string&) {
         const size_t query = request.target.find('?');
         return service.PprofSymbol(
             request.matches[1].str(),
             query == std::string::npos
                 ? absl::string_view()
                 : absl::string_view(request.target).substr(query + 1));
       }},
      {"POST", "/v1/binaries/(.+)/pprof/symbol", "pprof_symbol",
       Access::kReader, Body::kInMemory,
       [&service](const httplib::Request& request, const std::string& body) {
         return service.PprofSymbol(request.matches[1].str(), body);
       }},
      // After the operations under a binary's path: a Go build ID has
      // slashes.
      {"GET", "/v1/binaries/(.+)", "binary", Access::kReader, Body::kNone,
       [&service](const httplib::Request& request, const std::string&) {
         return service.GetBinary(request.matches[1].str(), "json");
       }},
      {"GET", "/buildid/([^/]+)/(executable|debuginfo)", "debuginfod",
       Access::kReader, Body::kNone,
       [&service](const httplib::Request& request, const std::string&) {
         const std::string id = request.matches[1].str();
         const bool from_replica = request.has_header(kUpstreamFetchHeader);
         return request.matches[2].str() == "executable"
                    ? service.DebuginfodExecutable(id, from_replica)
                    : service.DebuginfodDebuginfo(id, from_replica);
       }},
      {"GET", "/healthz", "healthz", Access::kAnyone, Body::kNone,
       [](const httplib::Request&, const std::string&) {
         return TextReply("ok\n", "text/plain");
       }},
      {"GET", "/metrics", "metrics", Access::kReader, Body::kNone,
       [this, &service](const httplib::Request&, const std::string&) {
         return TextReply(metrics_.Text(service.MetricsText()),
                          "text/plain; version=0.0.4");
       }},
  };
  for (const Operation& operation : operations_) {
    const Operation* op = &operation;
    if (op->body == Body::kNone) {
      server_->Get(op->path,
                   [this, op, &store, options](const httplib::Request& request,
                                               httplib::Response& response) {
                     Answer(*op, store, options, request, nullptr, response);
                   });
      continue;
    }
    const auto handler = [this, op, &store, options](
                             const httplib::Request& request,
                             httplib::Response& response,
                             const httplib::ContentReader& reader) {
      Answer(*op, store, options, request, &reader, response);
    };
    if (absl::string_view(op->method) == "PUT") {
      server_->Put(op->path, handler);
    } else {
      server_->Post(op->path, handler);
    }
  }
  // Any other body-carrying request is answered without its body read.
  const auto unknown = [this](const httplib::Request& request,
                              httplib::Response& response,
                              const httplib::ContentReader&) {
    Metrics::Timer timer(metrics_, "unknown", response.status);
    Send(ErrorReply(NoSuchOperation(request)), response);
  };
  server_->Post(".*", unknown);
  server_->Put(".*", unknown);
  // A client that asks before sending its body (Expect: 100-continue, as
  // curl does past 1 MiB) learns before sending it that it lacks the token
  // or that the body is too large, instead of finding the connection
  // closed under its upload.
  server_->set_expect_100_continue_handler([this, options](
                                               const httplib::Request& request,
                                               httplib::Response& response) {
    const Operation* op = Find(request);
    const absl::Status refused =
        op == nullptr ? NoSuchOperation(request)
        : !Authorized(request, TokenFor(op->access, options))
            ? NeedsToken()
            : CheckDeclaredLength(request, BodyLimit(op->body, options.limits),
                                  "the request body");
    if (refused.ok()) return 100;
    Send(ErrorReply(refused), response);
    return response.status;
  });
  server_->set_error_handler(
      [](const httplib::Request& request, httplib::Response& response) {
        if (!response.body.empty()) return;  // an answer already made
        const absl::Status status =
            response.status == 413
                ? absl::ResourceExhaustedError("the request body is too large")
            : response.status == 404
                ? NoSuchOperation(request)
                : absl::InvalidArgumentError("a malformed request");
        const int code = response.status;
        Send(ErrorReply(status), response);
        response.status = code;
      });
  server_->set_exception_handler([](const httplib::Request&,
                                    httplib::Response& response,
                                    const std::exception_ptr&) {
    Send(ErrorReply(absl::InternalError("the request failed")), response);
  });
}

const HttpServer::Operation* HttpServer::Find(
    const httplib::Request& request) const {
  for (const Operation& op : operations_) {
    if (request.method == op.method &&
        std::regex_match(request.path, op.path_pattern)) {
      return &op;
    }
  }
  return nullptr;
}

void HttpServer::Answer(const Operation& op, const Store& store,
                        const HttpOptions& options,
                        const httplib::Request& request,
                        const httplib::ContentReader* reader,
                        httplib::Response& response) {
  Metrics::Timer timer(metrics_, op.name, response.status);
  if (!Authorized(request, TokenFor(op.access, options))) {
    return Send(ErrorReply(NeedsToken()), response);
  }
  // Operations with a body are routed with a reader (Route).
  absl::StatusOr<std::string> body = std::string();
  const auto deadline =
      std::chrono::steady_clock::now() + options.limits.body_deadline;
  const size_t limit = BodyLimit(op.body, options.limits);
  if (reader != nullptr && op.body == Body::kInMemory) {
    body = ReadBody(request, *reader, limit, deadline);
  } else if (reader != nullptr && op.body != Body::kNone) {
    body = ReceiveUpload(request, *reader, store, limit, deadline);
  }
  Send(body.ok() ? op.answer(request, *body) : ErrorReply(body.status()),
       response);
}

absl::Status HttpServer::Serve() {
  if (!server_->listen_after_bind()) {
    return absl::UnavailableError("the server stopped listening");
  }
  return absl::OkStatus();
}

void HttpServer::Stop() { server_->stop(); }

HttpServer::~HttpServer() = default;

}  // namespace gentrace::serve
