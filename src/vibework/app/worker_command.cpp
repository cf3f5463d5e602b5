// `vibework worker`: every component but HTTP, plus the worker (app/worker/worker.hpp), until
// SIGTERM/SIGINT. Then the components stop in reverse order, the worker first: its held
// messages are nacked for redelivery, nothing is lost, and the process exits 0. A second signal
// exits at once.

#include <spdlog/spdlog.h>

#include "vibework/app/commands.hpp"
#include "vibework/app/run_until_signal.hpp"
#include "vibework/app/infrastructure.hpp"
#include "vibework/app/metrics_wiring.hpp"
#include "vibework/app/worker/worker.hpp"
#include "vibework/http/router.hpp"
#include "vibework/infra/health.hpp"
#include "vibework/infra/recent_errors.hpp"
#include "vibework/infra/metrics/process_metrics.hpp"
#include "vibework/infra/metrics/registry.hpp"
#include "vibework/infra/runtime.hpp"

namespace vibework::app {

std::shared_ptr<worker::Worker> add_worker(Infrastructure& infrastructure) {
  return infrastructure.lifecycle.add(
      std::make_shared<worker::Worker>(*infrastructure.mongodb, *infrastructure.redis, *infrastructure.pubsub));
}

int run_worker(const AppConfig& config) {
  for (const auto& line : config.describe()) spdlog::info("config: {}", line);
  infra::Runtime runtime({config.get<http::Config>().threads, config.blocking_threads});
  // Before the readiness, which records every report's failed checks in it (/status).
  infra::RecentErrors recent_errors;
  infra::Readiness readiness(config.health_timeout);
  readiness.on_report([&recent_errors](const infra::ReadinessReport& r) { recent_errors.record(r); });
  infra::metrics::Registry metrics;  // before the infrastructure: its handles point into it
  infra::metrics::ProcessMetrics process_metrics(metrics);
  auto infrastructure = build_infrastructure(config, runtime, readiness, metrics);
  add_worker(*infrastructure);
  // /metrics on METRICS_PORT when set: last to start, first to stop.
  http::Router metrics_router;
  serve_metrics(*infrastructure, runtime, config.get<http::Config>(), metrics, metrics_router, nullptr, config.production(),
                status_sources(readiness, metrics, recent_errors, config.health_details));

  const RunLoop loop{.name = "vibework worker", .started = [] { return std::string("vibework worker running (SIGTERM or SIGINT stops it)"); }, .shutdown_timeout = config.shutdown_timeout};
  return run_until_signal(runtime, readiness, infrastructure->lifecycle, loop);
}

}  // namespace vibework::app
