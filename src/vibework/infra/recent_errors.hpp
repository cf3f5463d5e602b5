#pragma once
// The last failed health checks, for /status: a small bounded ring, owned by the process that
// runs the checks (serve, worker) and fed by every readiness report (Readiness::on_report).
// A check that keeps failing the same way is one entry with a count and its first and last
// time, so a dependency that is down for an hour does not push every other failure out.
#include <chrono>
#include <cstddef>
#include <deque>
#include <mutex>
#include <string>
#include <vector>

namespace vibework::infra {

struct ReadinessReport;

struct RecentError {
  std::string check;    // "mysql", "redis", ...
  std::string message;  // the check's failure message (names addresses: escape it)
  std::chrono::system_clock::time_point first;
  std::chrono::system_clock::time_point last;
  std::size_t count = 1;
};

class RecentErrors {
 public:
  explicit RecentErrors(std::size_t capacity = 20) : capacity_(capacity == 0 ? 1 : capacity) {}

  // Thread-safe. The same check failing with the same message as its newest entry bumps it
  // (numbers aside: timings and ports in a driver's message change from one try to the next).
  void record(std::string check, std::string message,
              std::chrono::system_clock::time_point at = std::chrono::system_clock::now());
  // Every failed check of `report`.
  void record(const ReadinessReport& report);
  // Newest first.
  std::vector<RecentError> snapshot() const;
  std::size_t capacity() const noexcept { return capacity_; }

 private:
  const std::size_t capacity_;
  mutable std::mutex mutex_;
  std::deque<RecentError> entries_;  // oldest at the front
};

}  // namespace vibework::infra
