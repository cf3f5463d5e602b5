#include "vibework/app/metrics_wiring.hpp"

#include <spdlog/spdlog.h>

#include "vibework/app/infrastructure.hpp"
#include "vibework/http/metrics_endpoint.hpp"
#include "vibework/http/server.hpp"
#include "vibework/http/status_endpoint.hpp"

namespace vibework::app {

http::StatusSources status_sources(const infra::Readiness& readiness, const infra::metrics::Registry& registry,
                                   const infra::RecentErrors& errors, infra::HealthDetails details) {
  return {.readiness = &readiness,
          .registry = &registry,
          .errors = &errors,
          .started = std::chrono::system_clock::now(),
          .redact = details == infra::HealthDetails::status};
}

void serve_metrics(Infrastructure& infrastructure, infra::Runtime& runtime, const http::Config& http_config,
                   const infra::metrics::Registry& registry, http::Router& metrics_router, http::Router* main_router,
                   bool production, http::StatusSources status) {
  if (!http_config.metrics_enabled) return;
  if (http_config.metrics_port != 0) {
    http::mount_metrics(metrics_router, registry);
    status.redact = false;
    http::mount_status(metrics_router, status);
    // Not instrumented itself: scrapes would count in http_requests_total.
    infrastructure.lifecycle.add(
        std::make_shared<http::Server>(http::metrics_listener_config(http_config), runtime, metrics_router));
    spdlog::info("metrics: GET /metrics and /status on http://{}:{}", http_config.metrics_host, http_config.metrics_port);
  } else if (main_router) {
    if (production) {
      spdlog::warn("metrics: /metrics is served on HTTP_PORT; set METRICS_PORT to keep it off the public listener");
    }
    http::mount_metrics(*main_router, registry);
    http::mount_status(*main_router, status);
  } else {
    spdlog::info("metrics: METRICS_PORT is 0 and this command serves no HTTP: no /metrics or /status (set METRICS_PORT)");
  }
}

}  // namespace vibework::app
