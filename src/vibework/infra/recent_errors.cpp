#include "vibework/infra/recent_errors.hpp"

#include <algorithm>
#include <iterator>

#include "vibework/infra/health.hpp"

namespace vibework::infra {

void RecentErrors::record(std::string check, std::string message, std::chrono::system_clock::time_point at) {
  std::lock_guard lock(mutex_);
  // The newest entry for this check: repeating it is the same outage, not a new error.
  const auto same_check = std::find_if(entries_.rbegin(), entries_.rend(), [&](const auto& e) { return e.check == check; });
  if (same_check != entries_.rend() && same_check->message == message) {
    RecentError again = std::move(*same_check);
    entries_.erase(std::next(same_check).base());
    again.last = std::max(again.last, at);
    ++again.count;
    entries_.push_back(std::move(again));  // newest again
    return;
  }
  entries_.push_back({std::move(check), std::move(message), at, at, 1});
  while (entries_.size() > capacity_) entries_.pop_front();
}

void RecentErrors::record(const ReadinessReport& report) {
  const auto now = std::chrono::system_clock::now();
  for (const auto& c : report.checks) {
    if (!c.status.is_ok()) record(c.name, c.status.message, now);
  }
}

std::vector<RecentError> RecentErrors::snapshot() const {
  std::lock_guard lock(mutex_);
  return {entries_.rbegin(), entries_.rend()};
}

}  // namespace vibework::infra
