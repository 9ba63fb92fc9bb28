#include "serve/metrics.h"

#include "absl/strings/str_cat.h"

namespace gentrace::serve {

void Metrics::Record(absl::string_view operation, int status, double seconds) {
  std::lock_guard<std::mutex> lock(mutex_);
  ++requests_[{std::string(operation), status}];
  Latency& latency = latency_[std::string(operation)];
  for (size_t i = 0; i < kBuckets.size(); ++i) {
    if (seconds <= kBuckets[i]) {
      ++latency.buckets[i];
      break;
    }
  }
  ++latency.count;
  latency.sum += seconds;
}

std::string Metrics::Text(absl::string_view gauges) const {
  std::string out =
      "# HELP gentrace_requests_total Requests answered, by operation and "
      "status.\n"
      "# TYPE gentrace_requests_total counter\n";
  std::lock_guard<std::mutex> lock(mutex_);
  for (const auto& [key, count] : requests_) {
    absl::StrAppend(&out, "gentrace_requests_total{operation=\"", key.first,
                    "\",status=\"", key.second, "\"} ", count, "\n");
  }
  absl::StrAppend(&out,
                  "# HELP gentrace_request_seconds Time to answer a request, "
                  "by operation.\n"
                  "# TYPE gentrace_request_seconds histogram\n");
  for (const auto& [operation, latency] : latency_) {
    uint64_t cumulative = 0;
    for (size_t i = 0; i < kBuckets.size(); ++i) {
      cumulative += latency.buckets[i];
      absl::StrAppend(&out, "gentrace_request_seconds_bucket{operation=\"",
                      operation, "\",le=\"", kBuckets[i], "\"} ", cumulative,
                      "\n");
    }
    absl::StrAppend(&out, "gentrace_request_seconds_bucket{operation=\"",
                    operation, "\",le=\"+Inf\"} ", latency.count, "\n",
                    "gentrace_request_seconds_sum{operation=\"", operation,
                    "\"} ", latency.sum, "\n",
                    "gentrace_request_seconds_count{operation=\"", operation,
                    "\"} ", latency.count, "\n");
  }
  out.append(gauges.data(), gauges.size());
  return out;
}

}  // namespace gentrace::serve
