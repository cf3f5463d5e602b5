#pragma once
// Where GET /metrics is served: its own listener on METRICS_HOST:METRICS_PORT (added to the
// lifecycle, so it starts after the components and stops first), or, with METRICS_PORT=0, the
// main router (none for the worker, which serves no HTTP). GET /status and /status.json go
// wherever /metrics goes.
#include "vibework/http/config.hpp"
#include "vibework/http/status_view.hpp"

namespace vibework::infra {
class Runtime;
namespace metrics {
class Registry;
}
}  // namespace vibework::infra
namespace vibework::http {
class Router;
}

namespace vibework::app {

struct Infrastructure;

// What /status reads; addresses and messages hidden on the main listener when HEALTH_DETAILS
// is `status`. Uptime counts from this call.
http::StatusSources status_sources(const infra::Readiness& readiness, const infra::metrics::Registry& registry,
                                   const infra::RecentErrors& errors, infra::HealthDetails details);

// `metrics_router` (and `main_router`, when given) and what `status` points at must outlive the
// lifecycle's run. `status.redact` applies on the main listener only (the metrics listener is
// not public: it shows everything).
void serve_metrics(Infrastructure& infrastructure, infra::Runtime& runtime, const http::Config& http_config,
                   const infra::metrics::Registry& registry, http::Router& metrics_router, http::Router* main_router,
                   bool production, http::StatusSources status);

}  // namespace vibework::app
