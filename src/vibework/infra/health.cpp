#include "vibework/infra/health.hpp"

#include <boost/asio/redirect_error.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/json/value.hpp>
#include <boost/json/object.hpp>

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

std::vector<std::string> Readiness::names() const {
  std::lock_guard lock(mutex_);
  std::vector<std::string> out;
  for (const auto& c : checks_) out.push_back(c.name);
  return out;
}

namespace {
// Shared by the parallel checks of one report; lives until the last one ends.
struct Gather {
  Gather(const asio::any_io_executor& ex, std::vector<HealthCheck> checks)
      : done(ex), checks(std::move(checks)), results(this->checks.size()), remaining(this->checks.size()) {}
  asio::steady_timer done;
  std::vector<HealthCheck> checks;
  std::vector<HealthStatus> results;
  std::size_t remaining;
};
}  // namespace

awaitable<ReadinessReport> Readiness::report() const {
  ReadinessReport report;
  report.shutting_down = shutting_down();
  std::vector<HealthCheck> checks;
  {
    std::lock_guard lock(mutex_);
    checks = checks_;
  }
  if (report.shutting_down) {
    report.ok = false;
    co_return report;
  }

  auto ex = co_await asio::this_coro::executor;
  auto gather = std::make_shared<Gather>(ex, std::move(checks));
  gather->done.expires_at(Clock::time_point::max());
  for (std::size_t i = 0; i < gather->checks.size(); ++i) {
    asio::co_spawn(
        ex,
        [gather, i, timeout = timeout_]() -> awaitable<void> {
          gather->results[i] = co_await run_check(gather->checks[i].probe, timeout, gather->checks[i].name);
          if (--gather->remaining == 0) gather->done.expires_at(Clock::time_point::min());
        },
        asio::detached);
  }
  if (gather->remaining > 0) {
    boost::system::error_code ec;
    // Every check is bounded by the timeout, so this wait is bounded too.
    while (gather->remaining > 0) {
      co_await gather->done.async_wait(asio::redirect_error(use_awaitable, ec));
      if (ec == asio::error::operation_aborted && gather->remaining > 0 &&
          gather->done.expiry() != Clock::time_point::min()) {
        throw boost::system::system_error(ec);  // the caller was cancelled
      }
    }
  }
  for (std::size_t i = 0; i < gather->checks.size(); ++i) {
    const auto& c = gather->checks[i];
    const bool passed = gather->results[i].is_ok();
    if (c.critical) report.ok = report.ok && passed;
    if (!c.critical && !passed) report.degraded = true;
    report.checks.push_back({c.name, c.address, c.hint, gather->results[i], c.critical});
  }
  co_return report;
}

}  // namespace vibework::infra
