#include "vibework/infra/metrics/measured_backlog.hpp"

#include <algorithm>

namespace vibework::infra::metrics {

namespace {
std::int64_t epoch_ms(MeasuredBacklog::WallTime t) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(t.time_since_epoch()).count();
}
}  // namespace

bool MeasuredBacklog::due(std::chrono::steady_clock::time_point now) {
  if (now < next_) return false;
  next_ = now + interval_;
  return true;
}

void MeasuredBacklog::record(std::uint64_t pending, std::optional<WallTime> oldest) {
  pending_.store(pending, std::memory_order_relaxed);
  oldest_ms_.store(oldest ? std::max<std::int64_t>(epoch_ms(*oldest), 1) : 0, std::memory_order_relaxed);
}

double MeasuredBacklog::oldest_age_seconds(WallTime now) const {
  const auto oldest = oldest_ms_.load(std::memory_order_relaxed);
  if (oldest == 0) return 0.0;
  return std::max(0.0, static_cast<double>(epoch_ms(now) - oldest) / 1000.0);
}

}  // namespace vibework::infra::metrics
