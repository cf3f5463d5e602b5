#include "vibework/app/metrics_wiring.hpp"

#include <spdlog/spdlog.h>

#include "vibework/app/infrastructure.hpp"
#include "vibework/http/metrics_endpoint.hpp"
#include "vibework/http/server.hpp"

namespace vibework::app {

void serve_metrics(Infrastructure& infrastructure, infra::Runtime& runtime, const http::Config& http_config,
                   const infra::metrics::Registry& registry, http::Router& metrics_router, http::Router* main_router,
                   bool production) {
  if (!http_config.metrics_enabled) return;
  if (http_config.metrics_port != 0) {
    http::mount_metrics(metrics_router, registry);
    // Not instrumented itself: scrapes would count in http_requests_total.
    infrastructure.lifecycle.add(
        std::make_shared<http::Server>(http::metrics_listener_config(http_config), runtime, metrics_router));
    spdlog::info("metrics: GET /metrics on http://{}:{}", http_config.metrics_host, http_config.metrics_port);
  } else if (main_router) {
    if (production) {
      spdlog::warn("metrics: /metrics is served on HTTP_PORT; set METRICS_PORT to keep it off the public listener");
    }
    http::mount_metrics(*main_router, registry);
  } else {
    spdlog::info("metrics: METRICS_PORT is 0 and this command serves no HTTP: no /metrics (set METRICS_PORT)");
  }
}

}  // namespace vibework::app
