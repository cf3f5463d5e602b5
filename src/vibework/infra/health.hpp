#pragma once
// Health: the status each part reports, and readiness over all of them.
//
// Each component offers its checks (Component::checks()): a probe that makes one real round
// trip to its service and throws when it fails. The lifecycle registers them with Readiness
// once the component has started. A readiness report runs every probe in parallel, each bounded
// by HEALTH_TIMEOUT_MS, so a report takes about as long as the slowest one. run_check() is the
// one place that measures a probe's latency and turns its exception or timeout into an error
// status: health checks never throw. A check that is not `critical` (mail delivery: the API
// serves without it) is reported when it fails, but readiness stays ok: "degraded".
#include <atomic>
#include <chrono>
#include <functional>
#include <mutex>
#include <string>
#include <vector>

#include <boost/json/fwd.hpp>

#include "vibework/infra/asio.hpp"

namespace vibework::infra {

struct HealthStatus {
  enum class State { ok, error };
  State status = State::error;
  std::chrono::milliseconds latency{0};
  std::string message;  // why it failed, with the failure's own hint after "; "; empty when ok
  std::string hint;     // that hint alone (an infra::Error's), empty when the failure gave none

  static HealthStatus ok(std::chrono::milliseconds latency = {}) { return {State::ok, latency, {}, {}}; }
  static HealthStatus error(std::string message, std::chrono::milliseconds latency = {}, std::string hint = {}) {
    return {State::error, latency, std::move(message), std::move(hint)};
  }
  bool is_ok() const noexcept { return status == State::ok; }
};

// The original design's bound for one check (HEALTH_TIMEOUT_MS overrides it for readiness).
inline constexpr std::chrono::milliseconds default_health_timeout{5'000};

// One real round trip to a service; returns when it answered as expected, throws otherwise.
using HealthProbe = std::function<awaitable<void>()>;

struct HealthCheck {
  std::string name;     // "mysql", "mongodb", "redis", "pubsub"
  std::string address;  // where it connects, without credentials, for `vibework doctor`
  HealthProbe probe;
  std::string hint;     // what to try when it fails, for `vibework doctor`
  // false: a failure degrades the service instead of taking it out of rotation.
  bool critical = true;
};

struct NamedHealth {
  std::string name;
  std::string address;
  std::string hint;
  HealthStatus status;
  bool critical = true;
};

// How much a readiness report tells whoever can reach /health/ready (HEALTH_DETAILS). A
// failure message names internal addresses and users; `vibework doctor` always shows everything.
enum class HealthDetails {
  full,    // each check's latency and failure message (the development default)
  status,  // names and states only (the production default)
};

struct ReadinessReport {
  bool ok = true;         // every critical check passed and not shutting down: serve traffic
  bool degraded = false;  // a non-critical check failed (still ok)
  bool shutting_down = false;
  std::vector<NamedHealth> checks;
  // full:   {"status":"error","checks":{"mysql":{"status":"ok","latencyMs":3},
  //                                     "redis":{"status":"error","latencyMs":0,"message":"..."}}}
  // status: {"status":"error","checks":{"mysql":{"status":"ok"},"redis":{"status":"error"}}}
  // A failing non-critical check: {"status":"degraded","checks":{"mail":{"status":"error",...}}}
  boost::json::value to_json(HealthDetails details) const;
};

// Runs one probe, measuring its latency. Never throws: the deadline becomes "timed out after N
// ms", an infra::Error its message (and its hint, after "; "), anything else its what().
// (Arguments by value: a coroutine must own what it reads after its first suspension.)
awaitable<HealthStatus> run_check(HealthProbe probe, std::chrono::milliseconds timeout, std::string name);

class Readiness {
 public:
  explicit Readiness(std::chrono::milliseconds timeout) : timeout_(timeout) {}

  // Thread-safe; the lifecycle calls it as components start.
  void add(HealthCheck check);
  void add(std::vector<HealthCheck> checks);
  std::vector<std::string> names() const;

  // Runs all checks in parallel. Not ok while shutting down (without running the checks).
  awaitable<ReadinessReport> report() const;

  // Once set, readiness reports 503 at once: load balancers stop sending traffic first.
  void set_shutting_down() noexcept { shutting_down_.store(true); }
  bool shutting_down() const noexcept { return shutting_down_.load(); }

  std::chrono::milliseconds timeout() const noexcept { return timeout_; }

  // Called with every report (whoever asked: /health/ready, /status), on the thread that ran
  // it; quick and thread-safe. Whatever it refers to must outlive the reports (declare it
  // before the Readiness). For /status's recent errors.
  void on_report(std::function<void(const ReadinessReport&)> observer);

 private:
  std::chrono::milliseconds timeout_;
  mutable std::mutex mutex_;
  std::vector<HealthCheck> checks_;
  std::vector<std::function<void(const ReadinessReport&)>> observers_;
  std::atomic<bool> shutting_down_{false};
};

}  // namespace vibework::infra
