#include "vibework/app/doctor_view.hpp"

#include <algorithm>
#include <string_view>

#include <fmt/chrono.h>
#include <fmt/format.h>

#include "vibework/infra/health.hpp"

namespace vibework::app {

namespace {
// A failure's own hint (the end of its message) is the precise advice, shown once under "try:";
// the check's general hint is for failures without one (a timeout, say).
void append_failure(std::string& out, const infra::NamedHealth& c) {
  std::string_view message = c.status.message;
  const std::string suffix = "; " + c.status.hint;
  if (!c.status.hint.empty() && message.ends_with(suffix)) message.remove_suffix(suffix.size());
  const auto& hint = c.status.hint.empty() ? c.hint : c.status.hint;
  out += fmt::format("           error: {}\n", message);
  if (!hint.empty()) out += fmt::format("           try:   {}\n", hint);
}

std::string summary(const infra::ReadinessReport& report) {
  if (report.checks.empty()) return "(no services registered)\n";
  return !report.ok ? "some services are failing\n"
         : report.degraded ? "degraded: a non-critical service is failing\n"
                           : "all services ok\n";
}

std::string status_word(const infra::NamedHealth& c) { return c.status.is_ok() ? "ok" : "ERROR"; }

// The address column is as wide as the longest address (at least 36), so the columns line up.
std::size_t address_width(const infra::ReadinessReport& report) {
  std::size_t width = 36;
  for (const auto& c : report.checks) width = std::max(width, c.address.size());
  return width;
}
}  // namespace

std::string render_report(const infra::ReadinessReport& report) {
  const auto w = address_width(report);
  std::string out = fmt::format("{:<10} {:<{}} {:<7} {:>9}\n", "SERVICE", "ADDRESS", w, "STATUS", "LATENCY");
  for (const auto& c : report.checks) {
    out += fmt::format("{:<10} {:<{}} {:<7} {:>7}ms\n", c.name, c.address, w, status_word(c), c.status.latency.count());
    if (!c.status.is_ok()) append_failure(out, c);
  }
  return out + summary(report);
}

std::string format_age(std::chrono::seconds age) {
  const auto s = std::max<long long>(0, age.count());
  if (s < 60) return fmt::format("{}s", s);
  if (s < 3600) return fmt::format("{}m{:02}s", s / 60, s % 60);
  if (s < 86400) return fmt::format("{}h{:02}m", s / 3600, s % 3600 / 60);
  return fmt::format("{}d{:02}h", s / 86400, s % 86400 / 3600);
}

std::string WatchView::update(const infra::ReadinessReport& report, Clock::time_point now) {
  const auto stamp = fmt::format("{:%H:%M:%S}", std::chrono::floor<std::chrono::seconds>(now));
  for (const auto& c : report.checks) {
    const bool ok = c.status.is_ok();
    auto [it, first] = services_.try_emplace(c.name, Service{ok, now, {}});
    auto& s = it->second;
    if (!first && s.ok != ok) s.since = now;
    // A new failure, or a different one, goes to the list of last errors.
    if (!ok && (s.ok || first || s.message != c.status.message)) {
      last_errors_.push_front(fmt::format("{} {}: {}", stamp, c.name, c.status.message));
      if (last_errors_.size() > kept_errors) last_errors_.pop_back();
    }
    if (ok && !s.ok && !first) {
      last_errors_.push_front(fmt::format("{} {}: recovered", stamp, c.name));
      if (last_errors_.size() > kept_errors) last_errors_.pop_back();
    }
    s.ok = ok;
    s.message = ok ? std::string() : c.status.message;
  }

  std::string out = fmt::format("vibework doctor --watch   {:%Y-%m-%d %H:%M:%S} UTC   every {}, Ctrl-C to quit\n\n",
                                std::chrono::floor<std::chrono::seconds>(now),
                                fmt::format("{:g}s", static_cast<double>(interval_.count()) / 1000.0));
  const auto w = address_width(report);
  out += fmt::format("{:<10} {:<{}} {:<7} {:>9}  {}\n", "SERVICE", "ADDRESS", w, "STATUS", "LATENCY", "SINCE");
  for (const auto& c : report.checks) {
    const auto age = std::chrono::duration_cast<std::chrono::seconds>(now - services_.at(c.name).since);
    out += fmt::format("{:<10} {:<{}} {:<7} {:>7}ms  {}\n", c.name, c.address, w, status_word(c),
                       c.status.latency.count(), format_age(age));
    if (!c.status.is_ok()) append_failure(out, c);
  }
  out += "\n" + summary(report);
  if (!last_errors_.empty()) {
    out += "\nlast errors (newest first):\n";
    for (const auto& line : last_errors_) out += "  " + line + "\n";
  }
  return out;
}

}  // namespace vibework::app
