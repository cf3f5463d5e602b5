#pragma once
// GET /metrics: a registry in the Prometheus text format, on a router of your choice — the main
// one (METRICS_PORT=0), or one served by its own Server on metrics_listener_config(), which keeps
// the endpoint off the public listener (recommended in production).
#include "vibework/http/config.hpp"
#include "vibework/http/router.hpp"

namespace vibework::infra::metrics {
class Registry;
}

namespace vibework::http {

// `registry` must outlive the router.
void mount_metrics(Router& router, const infra::metrics::Registry& registry);

// The main listener's settings with METRICS_HOST:METRICS_PORT, a small connection cap and
// no access log (a scrape every few seconds is not news).
Config metrics_listener_config(const Config& http_config);

}  // namespace vibework::http
