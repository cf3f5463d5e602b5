#pragma once
// A queue's size and the age of its oldest item (the outbox, the mail queue): measured now and
// then by the queue's owner, read at scrape time. Lock-free, so a scrape never waits for a
// measurement and a measurement never waits for a scrape.
#include <atomic>
#include <chrono>
#include <cstdint>
#include <optional>

namespace vibework::infra::metrics {

class MeasuredBacklog {
 public:
  using WallTime = std::chrono::system_clock::time_point;

  explicit MeasuredBacklog(std::chrono::milliseconds interval) : interval_(interval) {}

  // True at most once per interval (the first call included): time to measure again. Called by
  // the owner only.
  bool due(std::chrono::steady_clock::time_point now = std::chrono::steady_clock::now());
  void record(std::uint64_t pending, std::optional<WallTime> oldest);

  double pending() const { return static_cast<double>(pending_.load(std::memory_order_relaxed)); }
  // Seconds since the oldest pending item was queued, as of `now`; 0 when nothing is pending.
  double oldest_age_seconds(WallTime now = std::chrono::system_clock::now()) const;

 private:
  std::chrono::milliseconds interval_;
  std::chrono::steady_clock::time_point next_{};
  std::atomic<std::uint64_t> pending_{0};
  std::atomic<std::int64_t> oldest_ms_{0};  // since the epoch; 0 = nothing pending
};

}  // namespace vibework::infra::metrics
