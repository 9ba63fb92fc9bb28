#ifndef GENTRACE_SERVE_METRICS_H_
#define GENTRACE_SERVE_METRICS_H_

#include <array>
#include <chrono>
#include <cstdint>
#include <map>
#include <mutex>
#include <string>
#include <utility>

#include "absl/strings/string_view.h"

namespace gentrace::serve {

// What the service has answered, for GET /metrics: requests by operation
// and status, and how long each operation took (a histogram), in
// Prometheus' text format. Thread-safe.
class Metrics {
 public:
  void Record(absl::string_view operation, int status, double seconds);

  // Records a request under its operation when it goes, with the time it
  // took and `status` as it is then (HTTP's codes, whatever the front end).
  class Timer {
   public:
    Timer(Metrics& metrics, absl::string_view operation, const int& status)
        : metrics_(metrics),
          operation_(operation),
          status_(status),
          start_(std::chrono::steady_clock::now()) {}
    ~Timer() {
      metrics_.Record(operation_, status_,
                      std::chrono::duration<double>(
                          std::chrono::steady_clock::now() - start_)
                          .count());
    }
    Timer(const Timer&) = delete;
    Timer& operator=(const Timer&) = delete;

   private:
    Metrics& metrics_;
    absl::string_view operation_;
    const int& status_;
    std::chrono::steady_clock::time_point start_;
  };

  // The request metrics, then `gauges` ("name value" lines with their
  // HELP and TYPE, already in the text format).
  std::string Text(absl::string_view gauges) const;

 private:
  // Upper bounds of the latency buckets, in seconds.
  static constexpr std::array<double, 12> kBuckets = {
      0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 5};
  struct Latency {
    std::array<uint64_t, kBuckets.size()> buckets{};  // not cumulative
    uint64_t count = 0;
    double sum = 0;
  };
  mutable std::mutex mutex_;
  std::map<std::pair<std::string, int>, uint64_t> requests_;
  std::map<std::string, Latency> latency_;
};

}  // namespace gentrace::serve

#endif  // GENTRACE_SERVE_METRICS_H_
