#include "vibework/infra/recent_errors.hpp"

#include <algorithm>
#include <iterator>
#include <string_view>

#include "vibework/infra/health.hpp"

namespace vibework::infra {
namespace {

bool is_digit(char c) { return c >= '0' && c <= '9'; }

// Equal but for the numbers in them: "failed after 0 ms" and "failed after 2 ms" are the same
// outage (drivers put timings and attempt counts in their messages).
bool same_but_numbers(std::string_view a, std::string_view b) {
  std::size_t i = 0, j = 0;
  while (i < a.size() && j < b.size()) {
    if (is_digit(a[i]) && is_digit(b[j])) {
      while (i < a.size() && is_digit(a[i])) ++i;
      while (j < b.size() && is_digit(b[j])) ++j;
      continue;
    }
    if (a[i] != b[j]) return false;
    ++i, ++j;
  }
  return i == a.size() && j == b.size();
}

}  // namespace

void RecentErrors::record(std::string check, std::string message, std::chrono::system_clock::time_point at) {
  std::lock_guard lock(mutex_);
  // The newest entry for this check: repeating it is the same outage, not a new error.
  const auto same_check = std::find_if(entries_.rbegin(), entries_.rend(), [&](const auto& e) { return e.check == check; });
  if (same_check != entries_.rend() && same_but_numbers(same_check->message, message)) {
    RecentError again = std::move(*same_check);
    entries_.erase(std::next(same_check).base());
    again.message = std::move(message);  // the newest numbers
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
