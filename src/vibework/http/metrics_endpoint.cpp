#include "vibework/http/metrics_endpoint.hpp"

#include "vibework/infra/metrics/registry.hpp"

namespace vibework::http {

void mount_metrics(Router& router, const infra::metrics::Registry& registry) {
  router.get("/metrics", [&registry](Request&) -> awaitable<Response> {
    co_return text_response(Status::ok, infra::metrics::content_type, registry.expose());
  });
}

Config metrics_listener_config(const Config& http_config) {
  Config c = http_config;
  c.host = http_config.metrics_host;
  c.port = http_config.metrics_port;
  c.max_connections = 64;  // scrapers and an operator's curl
  c.access_log = false;
  c.test_routes = false;
  return c;
}

}  // namespace vibework::http
