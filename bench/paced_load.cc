// An open-loop load on one HTTP endpoint, for latency below saturation:
// CONNECTIONS kept-alive connections, each POSTing the same JSON body on a
// fixed schedule, together RATE requests a second for SECONDS. A request's
// latency counts from when it was due, not from when it went out, so a
// server that falls behind is charged for the wait (a closed loop such as
// wrk's would send less instead). Prints one line: the requests answered a
// second and the latency percentiles.
//
//   paced_load URL PATH BODY_FILE CONNECTIONS RATE SECONDS
//   e.g. paced_load http://127.0.0.1:8390 /v1/symbolize body.json 8 10000 5
#include <algorithm>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <fstream>
#include <iterator>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/numbers.h"
#include "httplib.h"

namespace {

using Clock = std::chrono::steady_clock;

struct Connection {
  std::vector<int64_t> latencies_us;
  int64_t failures = 0;
};

// Sends every `connections`-th request of the schedule, starting with the
// `index`-th, until `end`.
void Run(const std::string& url, const std::string& path,
         const std::string& body, int index, int connections, double rate,
         Clock::time_point start, Clock::time_point end, Connection* out) {
  httplib::Client client(url);
  client.set_keep_alive(true);
  // As curl does: the request's body must not wait for the ACK of its
  // headers.
  client.set_tcp_nodelay(true);
  const std::chrono::duration<double> interval(connections / rate);
  for (int64_t k = 0;; ++k) {
    const Clock::time_point due =
        start + std::chrono::duration_cast<Clock::duration>(
                    interval * (k + static_cast<double>(index) / connections));
    if (due >= end) break;
    std::this_thread::sleep_until(due);
    const httplib::Result result = client.Post(path, body, "application/json");
    out->latencies_us.push_back(
        std::chrono::duration_cast<std::chrono::microseconds>(Clock::now() -
                                                              due)
            .count());
    if (!result || result->status != 200) ++out->failures;
  }
}

}  // namespace

int main(int argc, char** argv) {
  int connections = 0;
  double rate = 0;
  double seconds = 0;
  if (argc != 7 || !absl::SimpleAtoi(argv[4], &connections) ||
      !absl::SimpleAtod(argv[5], &rate) ||
      !absl::SimpleAtod(argv[6], &seconds) || connections < 1 ||
      connections > 1024 || !(rate > 0) || !(seconds > 0) || seconds > 3600) {
    std::fprintf(stderr,
                 "usage: paced_load URL PATH BODY_FILE CONNECTIONS(1-1024) "
                 "RATE(>0) SECONDS(0-3600)\n");
    return 2;
  }
  std::ifstream file(argv[3], std::ios::binary);
  const std::string body((std::istreambuf_iterator<char>(file)),
                         std::istreambuf_iterator<char>());
  if (!file) {
    std::fprintf(stderr, "cannot read %s\n", argv[3]);
    return 2;
  }

  std::vector<Connection> results(connections);
  std::vector<std::thread> threads;
  threads.reserve(connections);
  const Clock::time_point start = Clock::now();
  const Clock::time_point end =
      start + std::chrono::duration_cast<Clock::duration>(
                  std::chrono::duration<double>(seconds));
  for (int i = 0; i < connections; ++i) {
    threads.emplace_back(Run, std::string(argv[1]), std::string(argv[2]),
                         std::cref(body), i, connections, rate, start, end,
                         &results[i]);
  }
  for (std::thread& thread : threads) thread.join();

  std::vector<int64_t> latencies;
  int64_t failures = 0;
  for (const Connection& connection : results) {
    latencies.insert(latencies.end(), connection.latencies_us.begin(),
                     connection.latencies_us.end());
    failures += connection.failures;
  }
  if (latencies.empty()) {
    std::fprintf(stderr, "no request was due\n");
    return 1;
  }
  std::sort(latencies.begin(), latencies.end());
  const auto percentile = [&](double p) {
    return latencies[std::min(latencies.size() - 1,
                              static_cast<size_t>(latencies.size() * p))];
  };
  std::printf(
      "requests/s %.0f p50_us %lld p99_us %lld p999_us %lld max_us %lld "
      "failed %lld\n",
      latencies.size() / seconds, static_cast<long long>(percentile(0.5)),
      static_cast<long long>(percentile(0.99)),
      static_cast<long long>(percentile(0.999)),
      static_cast<long long>(latencies.back()),
      static_cast<long long>(failures));
  return failures == 0 ? 0 : 1;
}
