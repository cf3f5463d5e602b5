#include "vibework/http/status_view.hpp"

#include <algorithm>
#include <cmath>
#include <map>

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
#include <boost/json/value.hpp>
#include <fmt/format.h>

#include "vibework/infra/build_info.hpp"
#include "vibework/infra/json.hpp"
#include "vibework/infra/metrics/registry.hpp"

namespace vibework::http {

namespace metrics = infra::metrics;

std::string format_duration(std::chrono::seconds d) {
  const auto s = std::max<long long>(0, d.count());
  if (s < 60) return fmt::format("{}s", s);
  if (s < 3600) return fmt::format("{}m {:02}s", s / 60, s % 60);
  if (s < 86400) return fmt::format("{}h {:02}m {:02}s", s / 3600, s % 3600 / 60, s % 60);
  return fmt::format("{}d {:02}h {:02}m", s / 86400, s % 86400 / 3600, s % 3600 / 60);
}

std::string format_gauge_value(std::string_view metric, double value) {
  if (!std::isfinite(value)) return fmt::format("{}", value);
  if (metric.ends_with("_time_seconds") || metric.ends_with("_timestamp_seconds")) {  // a Unix time, not a duration
    const auto at = std::chrono::system_clock::time_point(std::chrono::seconds(static_cast<long long>(value)));
    auto iso = infra::format_iso8601(at);
    if (iso.size() > 10) iso[10] = ' ';
    return iso.substr(0, 19) + " UTC";
  }
  if (metric.ends_with("_seconds")) {
    if (value >= 60) return format_duration(std::chrono::seconds(static_cast<long long>(value)));
    return fmt::format("{:.3g} s", value);
  }
  if (metric.ends_with("_bytes")) {
    if (value >= 1024.0 * 1024 * 1024) return fmt::format("{:.1f} GiB", value / (1024.0 * 1024 * 1024));
    if (value >= 1024.0 * 1024) return fmt::format("{:.1f} MiB", value / (1024.0 * 1024));
    if (value >= 1024.0) return fmt::format("{:.1f} KiB", value / 1024.0);
    return fmt::format("{} B", value);
  }
  if (value == std::floor(value) && std::abs(value) < 1e15) return fmt::format("{}", static_cast<long long>(value));
  return fmt::format("{:.4g}", value);
}

namespace {

// Backlogs are any part's queue gauges, found by name so the ones added later show up too.
bool is_queue(std::string_view name) {
  return name.find("_backlog") != std::string_view::npos || name.find("_oldest") != std::string_view::npos;
}

std::string first_word(std::string_view name) { return std::string(name.substr(0, name.find('_'))); }

std::vector<GaugeRow> rows_of(const metrics::FamilySnapshot& f) {
  std::vector<GaugeRow> rows;
  for (const auto& s : f.samples) {
    std::string labels;
    for (const auto& [k, v] : s.labels) {
      if (!labels.empty()) labels += ", ";
      labels += fmt::format("{}=\"{}\"", k, v);
    }
    rows.push_back({f.name, std::move(labels), f.help, s.value, format_gauge_value(f.name, s.value)});
  }
  return rows;
}

void append(std::vector<GaugeRow>& to, std::vector<GaugeRow> rows) {
  to.insert(to.end(), std::make_move_iterator(rows.begin()), std::make_move_iterator(rows.end()));
}

boost::json::object row_json(const GaugeRow& r) {
  return {{"metric", r.metric}, {"labels", r.labels}, {"help", r.help}, {"value", r.value}, {"text", r.text}};
}

boost::json::array rows_json(const std::vector<GaugeRow>& rows) {
  boost::json::array out;
  for (const auto& r : rows) out.push_back(row_json(r));
  return out;
}

}  // namespace

StatusView make_status_view(const StatusSources& sources, infra::ReadinessReport report) {
  StatusView view;
  view.version = std::string(infra::build_version());
  view.commit = std::string(infra::build_commit());
  view.generated = std::chrono::system_clock::now();
  view.uptime = std::chrono::duration_cast<std::chrono::seconds>(view.generated - sources.started);
  view.overall = report.shutting_down ? "shutting down" : !report.ok ? "error" : report.degraded ? "degraded" : "ok";
  view.redacted = sources.redact;

  if (report.shutting_down && sources.readiness != nullptr) {
    // The report skips the checks then: still list every dependency.
    for (auto& name : sources.readiness->names()) {
      report.checks.push_back({name, "", "", infra::HealthStatus::error("shutting down"), true});
    }
  }
  for (auto& c : report.checks) {
    if (sources.redact) {
      c.address.clear();
      c.hint.clear();
      c.status.message.clear();
      c.status.hint.clear();
    }
    view.checks.push_back({std::move(c), {}});
  }

  if (sources.registry != nullptr) {
    const auto gauges = sources.registry->snapshot();
    std::map<std::string, std::size_t> groups;  // name -> index in view.other
    for (const auto& f : gauges) {
      if (f.type != metrics::Type::gauge || f.name == "vibework_build_info") continue;  // build info is in the header
      if (is_queue(f.name)) {
        append(view.queues, rows_of(f));
        continue;
      }
      const auto word = first_word(f.name);
      const auto check = std::find_if(view.checks.begin(), view.checks.end(),
                                      [&](const CheckView& c) { return c.health.name == word; });
      if (check != view.checks.end()) {
        append(check->gauges, rows_of(f));
        continue;
      }
      auto [it, inserted] = groups.try_emplace(word, view.other.size());
      if (inserted) view.other.push_back({word, {}});
      append(view.other[it->second].rows, rows_of(f));
    }
  }

  if (sources.errors != nullptr) {
    view.errors = sources.errors->snapshot();
    if (sources.redact) {
      for (auto& e : view.errors) e.message.clear();
    }
  }
  return view;
}

awaitable<StatusView> collect_status(StatusSources sources) {
  infra::ReadinessReport report;
  if (sources.readiness != nullptr) report = co_await sources.readiness->report();
  co_return make_status_view(sources, std::move(report));
}

boost::json::value status_json(const StatusView& view) {
  boost::json::array checks;
  for (const auto& c : view.checks) {
    const auto& h = c.health;
    boost::json::object item{{"name", h.name},
                             {"address", h.address},
                             {"status", h.status.is_ok() ? "ok" : "error"},
                             {"critical", h.critical},
                             {"latencyMs", h.status.latency.count()},
                             {"message", h.status.message},
                             {"gauges", rows_json(c.gauges)}};
    checks.push_back(std::move(item));
  }
  boost::json::array other;
  for (const auto& g : view.other) other.push_back(boost::json::object{{"name", g.name}, {"rows", rows_json(g.rows)}});
  boost::json::array errors;
  for (const auto& e : view.errors) {
    errors.push_back(boost::json::object{{"check", e.check},
                                         {"message", e.message},
                                         {"first", infra::format_iso8601(e.first)},
                                         {"last", infra::format_iso8601(e.last)},
                                         {"count", e.count}});
  }
  return boost::json::object{{"status", view.overall},
                             {"version", view.version},
                             {"commit", view.commit},
                             {"uptimeSeconds", view.uptime.count()},
                             {"uptime", format_duration(view.uptime)},
                             {"generatedAt", infra::format_iso8601(view.generated)},
                             {"redacted", view.redacted},
                             {"checks", std::move(checks)},
                             {"queues", rows_json(view.queues)},
                             {"other", std::move(other)},
                             {"errors", std::move(errors)}};
}

}  // namespace vibework::http
