#pragma once
// Where GET /metrics is served: its own listener on METRICS_HOST:METRICS_PORT (added to the
// lifecycle, so it starts after the components and stops first), or, with METRICS_PORT=0, the
// main router (none for the worker, which serves no HTTP).
#include "vibework/http/config.hpp"

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

// `metrics_router` (and `main_router`, when given) must outlive the lifecycle's run.
void serve_metrics(Infrastructure& infrastructure, infra::Runtime& runtime, const http::Config& http_config,
                   const infra::metrics::Registry& registry, http::Router& metrics_router, http::Router* main_router,
                   bool production);

}  // namespace vibework::app
