#pragma once
// What `vibework doctor` prints: the one-shot table, and for `--watch` a screen that also shows
// how long each service has been in its state and the last errors seen, refreshed per report.
#include <chrono>
#include <deque>
#include <map>
#include <string>

namespace vibework::infra {
struct ReadinessReport;
}

namespace vibework::app {

// SERVICE / ADDRESS / STATUS / LATENCY, each failure's message and what to try, a summary line.
std::string render_report(const infra::ReadinessReport& report);

class WatchView {
 public:
  using Clock = std::chrono::system_clock;
  static constexpr std::size_t kept_errors = 5;

  explicit WatchView(std::chrono::milliseconds interval) : interval_(interval) {}
  // Records a report taken at `now`; returns the screen to show (no terminal control codes).
  std::string update(const infra::ReadinessReport& report, Clock::time_point now);

 private:
  struct Service {
    bool ok = false;
    Clock::time_point since;  // when it entered this state (or when the watch first saw it)
    std::string message;      // its current failure, empty when ok
  };
  std::chrono::milliseconds interval_;
  std::map<std::string, Service> services_;
  std::deque<std::string> last_errors_;  // newest first
};

// "45s", "3m05s", "2h10m", "3d04h": how long a state has lasted.
std::string format_age(std::chrono::seconds age);

}  // namespace vibework::app
