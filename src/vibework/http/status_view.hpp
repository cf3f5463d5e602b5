#pragma once
// What GET /status shows, gathered once per request: every readiness check (run now), the
// gauges of the metrics registry grouped by the dependency they belong to, queue backlogs, the
// recent failed checks, and build info. One view, two forms: HTML (status_html.hpp) and JSON
// (/status.json, which the page's script fetches to refresh itself).
#include <chrono>
#include <string>
#include <vector>

#include <boost/json/fwd.hpp>

#include "vibework/infra/asio.hpp"
#include "vibework/infra/health.hpp"
#include "vibework/infra/recent_errors.hpp"

namespace vibework::infra::metrics {
class Registry;
}

namespace vibework::http {

// Where the view comes from. Everything pointed at outlives the router it is mounted on.
struct StatusSources {
  const infra::Readiness* readiness = nullptr;
  const infra::metrics::Registry* registry = nullptr;
  const infra::RecentErrors* errors = nullptr;  // may be null: no errors section content
  std::chrono::system_clock::time_point started = std::chrono::system_clock::now();
  // Hide addresses and failure messages (HEALTH_DETAILS=status, when /status is on the main,
  // public listener). The metrics listener shows everything.
  bool redact = false;
};

// One gauge sample, ready to show.
struct GaugeRow {
  std::string metric;  // the family's name
  std::string labels;  // `state="idle"` pairs, comma-separated; empty without labels
  std::string help;
  double value = 0;
  std::string text;  // value with its unit: "4", "12.5 s", "38.2 MiB"
};

// Gauges whose names start with the same word ("mysql_pool_size" -> "mysql").
struct GaugeGroup {
  std::string name;
  std::vector<GaugeRow> rows;
};

struct CheckView {
  infra::NamedHealth health;
  std::vector<GaugeRow> gauges;  // this dependency's gauges (names starting "<check>_")
};

struct StatusView {
  std::string version;
  std::string commit;
  std::chrono::seconds uptime{0};
  std::chrono::system_clock::time_point generated;
  std::string overall;  // "ok", "degraded", "error", "shutting down"
  std::vector<CheckView> checks;
  std::vector<GaugeRow> queues;     // *_backlog* and *_oldest* gauges, any part's
  std::vector<GaugeGroup> other;    // gauges of no check (http, process, ...)
  std::vector<infra::RecentError> errors;
  bool redacted = false;
};

// The pure part, for tests: a report, the registry's current values and the errors ring.
StatusView make_status_view(const StatusSources& sources, infra::ReadinessReport report);
// Runs the readiness checks (in parallel, each bounded by HEALTH_TIMEOUT_MS) and makes the view.
awaitable<StatusView> collect_status(StatusSources sources);

// {"status":"ok","version":..,"commit":..,"uptimeSeconds":..,"generatedAt":..,"redacted":false,
//  "checks":[{"name","address","status","critical","latencyMs","message","gauges":[row..]}],
//  "queues":[row..],"other":[{"name","rows":[row..]}],"errors":[{"check","message","first","last","count"}]}
// row: {"metric","labels","help","value","text"}
boost::json::value status_json(const StatusView& view);

// "4", "12.5 s", "3m 05s", "38.2 MiB", "2026-12-03 17:45:01 UTC" (*_time_seconds) — by the
// metric's unit suffix.
std::string format_gauge_value(std::string_view metric, double value);
// "2h 03m 10s"
std::string format_duration(std::chrono::seconds d);

}  // namespace vibework::http
