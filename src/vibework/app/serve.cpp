// `vibework serve`: start every component in order, serve HTTP, and shut down gracefully on
// SIGTERM/SIGINT (readiness fails first, then the server drains, then the components stop in
// reverse order). A second signal exits at once.
#include <iostream>

#include <spdlog/spdlog.h>

#include "vibework/app/commands.hpp"
#include "vibework/app/run_until_signal.hpp"
#include "vibework/app/descriptor_budget.hpp"
#include "vibework/app/events/outbox_relay.hpp"
#include "vibework/app/infrastructure.hpp"
#include "vibework/app/metrics_wiring.hpp"
#include "vibework/app/notifications/unread_counter.hpp"
#include "vibework/app/routes.hpp"
#include "vibework/http/server.hpp"
#include "vibework/infra/health.hpp"
#include "vibework/infra/recent_errors.hpp"
#include "vibework/infra/metrics/process_metrics.hpp"
#include "vibework/infra/metrics/registry.hpp"
#include "vibework/infra/process_limits.hpp"
#include "vibework/infra/runtime.hpp"
#include "vibework/mysql/database.hpp"
#include "vibework/redis/cache.hpp"

namespace vibework::app {

int run_serve(const AppConfig& config, bool with_worker) {
  for (const auto& line : config.describe()) spdlog::info("config: {}", line);
  if (config.get<auth::Config>().secret_is_dev_default) {
    spdlog::warn("AUTH_SECRET is not set: using the development secret (never do this in production)");
  }

  // A service manager's soft limit (often 1024) would cap the connections we can hold.
  const auto open_files = infra::raise_open_file_limit();
  if (open_files.failure.empty()) spdlog::info("{}", open_files.describe());
  else spdlog::warn("{}", open_files.describe());

  infra::Runtime runtime({config.get<http::Config>().threads, config.blocking_threads});
  http::Config http_config = config.get<http::Config>();
  const auto budget = http_connection_budget(config, runtime.io_thread_count(), open_files.soft);
  if (budget.problem) {
    std::cerr << infra::describe_problems({*budget.problem});
    return exit_bad_config;
  }
  http_config.max_connections = budget.max_connections;
  spdlog::info("http: {}", budget.describe());

  // Before the readiness, which records every report's failed checks in it (/status).
  infra::RecentErrors recent_errors;
  infra::Readiness readiness(config.health_timeout);
  readiness.on_report([&recent_errors](const infra::ReadinessReport& r) { recent_errors.record(r); });
  // Before the infrastructure: every component's metric handles point into it.
  infra::metrics::Registry metrics;
  infra::metrics::ProcessMetrics process_metrics(metrics);
  auto infrastructure = build_infrastructure(config, runtime, readiness, metrics);
  http::Router router;
  http::Router metrics_router;
  // The users service: cache-aside over Redis; auth's own user changes drop its entries too.
  redis::Cache user_cache(*infrastructure->redis);
  user_cache.attach_metrics(metrics, "users");
  users::UserService users(infrastructure->auth->users(), user_cache);
  infrastructure->auth->on_user_changed([&users](std::string user_id) { return users.forget(std::move(user_id)); });
  // The notifications service: each create wakes the relay, so its event goes out at once.
  notifications::UnreadCounter unread_counter(*infrastructure->redis);
  notifications::NotificationService notifications(*infrastructure->mongodb,
                                                   [relay = infrastructure->relay] { relay->wake(); }, &unread_counter);
  AppContext context{config, readiness, *infrastructure, infrastructure->auth.get(), &users, &notifications};
  register_routes(router, context);
  // --with-worker: after the other components, before HTTP (so it stops after HTTP has drained).
  if (with_worker) add_worker(*infrastructure);
  serve_metrics(*infrastructure, runtime, http_config, metrics, metrics_router, &router, config.production(),
                status_sources(readiness, metrics, recent_errors, config.health_details));
  // Last to start, first to stop.
  auto server = infrastructure->lifecycle.add(std::make_shared<http::Server>(http_config, runtime, router, http_config.metrics_enabled ? &metrics : nullptr));

  const RunLoop loop{.name = "vibework", .started = [&] {
                          return fmt::format("vibework serving on http://{}:{} (health: /health/live, /health/ready)",
                                             http_config.host, server->port());
                        }, .shutdown_timeout = config.shutdown_timeout};
  return run_until_signal(runtime, readiness, infrastructure->lifecycle, loop);
}

}  // namespace vibework::app
