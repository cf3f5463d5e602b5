#include "vibework/infra/health.hpp"

#include <boost/json/value.hpp>
#include <boost/json/object.hpp>

#include "vibework/infra/async/gather.hpp"
#include "vibework/infra/errors.hpp"
#include "vibework/infra/timeout.hpp"

namespace vibework::infra {

using Clock = std::chrono::steady_clock;

boost::json::value ReadinessReport::to_json(HealthDetails details) const {
  boost::json::object checks_json;
  for (const auto& c : checks) {
    boost::json::object item;
    item["status"] = c.status.is_ok() ? "ok" : "error";
    if (details == HealthDetails::full) {
      item["latencyMs"] = c.status.latency.count();
      if (!c.status.is_ok()) item["message"] = c.status.message;
    }
    checks_json[c.name] = std::move(item);
  }
  boost::json::object body;
  body["status"] = !ok ? "error" : degraded ? "degraded" : "ok";
  if (shutting_down) body["message"] = "shutting down";
  body["checks"] = std::move(checks_json);
  return body;
}

awaitable<HealthStatus> run_check(HealthProbe probe, std::chrono::milliseconds timeout, std::string name) {
  const auto start = Clock::now();
  auto elapsed = [&] { return std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - start); };
  try {
    co_await with_timeout(probe(), timeout, name, "health check");
    co_return HealthStatus::ok(elapsed());
  } catch (const TimeoutError&) {
    co_return HealthStatus::error("timed out after " + std::to_string(timeout.count()) + " ms", elapsed());
  } catch (const Error& e) {
    co_return HealthStatus::error(e.hint().empty() ? e.message() : e.message() + "; " + e.hint(), elapsed(), e.hint());
  } catch (const std::exception& e) {
    co_return HealthStatus::error(e.what(), elapsed());
  } catch (...) {
    co_return HealthStatus::error("unknown error", elapsed());
  }
}

void Readiness::add(HealthCheck check) {
  std::lock_guard lock(mutex_);
  checks_.push_back(std::move(check));
}

void Readiness::add(std::vector<HealthCheck> checks) {
  std::lock_guard lock(mutex_);
  for (auto& c : checks) checks_.push_back(std::move(c));
}

void Readiness::on_report(std::function<void(const ReadinessReport&)> observer) {
  std::lock_guard lock(mutex_);
  observers_.push_back(std::move(observer));
}

std::vector<std::string> Readiness::names() const {
  std::lock_guard lock(mutex_);
  std::vector<std::string> out;
  for (const auto& c : checks_) out.push_back(c.name);
  return out;
}

awaitable<ReadinessReport> Readiness::report() const {
  ReadinessReport report;
  report.shutting_down = shutting_down();
  std::vector<HealthCheck> checks;
  std::vector<std::function<void(const ReadinessReport&)>> observers;
  {
    std::lock_guard lock(mutex_);
    checks = checks_;
    observers = observers_;
  }
  if (report.shutting_down) {
    report.ok = false;
    co_return report;
  }

  // In parallel; every check is bounded by the timeout, so the whole report is too.
  std::vector<HealthStatus> results(checks.size());
  auto check = [&](std::size_t i) -> awaitable<void> {
    results[i] = co_await run_check(checks[i].probe, timeout_, checks[i].name);
  };
  co_await gather(checks.size(), std::move(check));
  for (std::size_t i = 0; i < checks.size(); ++i) {
    const auto& c = checks[i];
    const bool passed = results[i].is_ok();
    if (c.critical) report.ok = report.ok && passed;
    if (!c.critical && !passed) report.degraded = true;
    report.checks.push_back({c.name, c.address, c.hint, results[i], c.critical});
  }
  for (const auto& observe : observers) observe(report);
  co_return report;
}

}  // namespace vibework::infra
