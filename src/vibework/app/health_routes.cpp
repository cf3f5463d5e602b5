#include <boost/json/value.hpp>

#include "vibework/app/routes.hpp"
#include "vibework/http/response.hpp"

namespace vibework::app {

void register_health_routes(http::Router& router, AppContext& app) {
  // Liveness: the process runs and its I/O threads answer. Never touches a dependency.
  router.get("/health/live", [](http::Request&) -> awaitable<http::Response> {
    co_return http::text_response(http::Status::ok, "application/json", R"({"status":"ok"})");
  });
  // Readiness: every dependency answers (checks run in parallel, each bounded), and we are
  // not shutting down. Anyone who reaches the port sees it: HEALTH_DETAILS decides how much.
  router.get("/health/ready", [&readiness = app.readiness, details = app.config.health_details](
                                  http::Request&) -> awaitable<http::Response> {
    const auto report = co_await readiness.report();
    co_return http::json_response(report.ok ? http::Status::ok : http::Status::service_unavailable,
                                  report.to_json(details));
  });
}

}  // namespace vibework::app
