// The quickstart: the original design's usage examples, run in C++ against real services.
//
// Configuration comes from the environment like the vibework service's (MYSQL_*, MONGODB_URI,
// REDIS_URL, PUBSUB_*; the defaults are the local development services). It starts the four
// components, runs each example, prints a readiness report and exits 0; on any failure it
// prints what went wrong and exits 1 (2 for a configuration problem).
#include <iostream>
#include <memory>
#include <string>

#include <boost/asio/use_future.hpp>
#include <unistd.h>

#include "examples.hpp"
#include "schema.hpp"

namespace infra = vibework::infra;
namespace mysql = vibework::mysql;
namespace mongodb = vibework::mongodb;
namespace redis = vibework::redis;
namespace pubsub = vibework::pubsub;
namespace auth = vibework::auth;
using vibework::awaitable;

namespace {

// Runs a coroutine on the runtime's first I/O thread and waits for it here.
template <typename T>
T run(infra::Runtime& runtime, awaitable<T> task) {
  return vibework::asio::co_spawn(runtime.io_context(0), std::move(task), vibework::asio::use_future).get();
}

void step(std::string_view name) { std::cout << "quickstart: " << name << std::endl; }

awaitable<void> examples(quickstart::Services services, infra::Readiness& readiness, std::string subscription,
                         std::string run_id) {
  step("mysql: create, query, update, delete a user");
  co_await quickstart::users_example(services.mysql, run_id);
  step("mongodb: create, find, update, delete a notification");
  co_await quickstart::notifications_example(services.mongodb, run_id);
  step("redis: setex, get, del; get_cached_user, update_user");
  co_await quickstart::cache_example(services.redis, services.mysql, run_id);
  step("auth: a user, a session, get_session, require_session, delete_session");
  co_await vibework::mysql::apply_migrations(services.mysql, VIBEWORK_MIGRATIONS_DIR);  // the auth tables
  vibework::http::Router router;
  co_await quickstart::auth_example(services.auth, router, run_id);
  step("pubsub: publish to notifications-created, receive it on " + subscription);
  co_await quickstart::events_example(services.pubsub, subscription, run_id);

  // snippet:readiness
  // Every component's check, in parallel, each bounded by HEALTH_TIMEOUT_MS.
  infra::ReadinessReport report = co_await readiness.report();
  for (const infra::NamedHealth& check : report.checks) {
    std::cout << "  " << check.name << " " << (check.status.is_ok() ? "ok" : "ERROR " + check.status.message) << " "
              << check.status.latency.count() << " ms\n";
  }
  // snippet-end
  quickstart::expect(report.ok && report.checks.size() == 5, "every check of the readiness report to be ok");
}

}  // namespace

int main() {
  // snippet:start
  auto loaded = infra::load_config<mysql::Config, mongodb::Config, redis::Config, pubsub::Config, auth::Config>(
      infra::process_environment());
  if (!loaded.ok()) {
    std::cerr << infra::describe_problems(loaded.problems) << "\n";
    return 2;
  }
  const auto& config = loaded.config;
  infra::init_logging(config.log);

  infra::Runtime runtime({.io_threads = 2, .blocking_threads = config.blocking_threads});
  infra::Readiness readiness(config.health_timeout);
  infra::Lifecycle lifecycle(readiness);
  auto db = lifecycle.add(std::make_shared<mysql::Database>(config.get<mysql::Config>()));
  auto mongo = lifecycle.add(std::make_shared<mongodb::Database>(config.get<mongodb::Config>(), runtime));
  auto cache = lifecycle.add(std::make_shared<redis::Client>(config.get<redis::Config>(), runtime));
  auto events = lifecycle.add(std::make_shared<pubsub::Client>(config.get<pubsub::Config>(), runtime));
  auto users = lifecycle.add(std::make_shared<auth::Auth>(config.get<auth::Config>(), config.production(), *db, cache.get()));
  // snippet-end
  mongo->declare<quickstart::Notification>();  // its index is ensured at start
  // A subscription of this run's own, so it sees its own messages and no other run's.
  const std::string run_id = "qs" + std::to_string(::getpid()) + "-" +
                             std::to_string(std::chrono::system_clock::now().time_since_epoch().count() % 1'000'000);
  const std::string subscription = "quickstart-" + run_id;
  events->declare({.topics = {"notifications-created"}, .subscriptions = {{subscription, "notifications-created", {}}}});

  runtime.start();
  int status = 0;
  try {
    run(runtime, lifecycle.start_all());
    run(runtime, examples({*db, *mongo, *cache, *events, *users}, readiness, subscription, run_id));
    std::cout << "quickstart: every example ran as the original design describes" << std::endl;
  } catch (const std::exception& e) {
    std::cerr << "quickstart: FAILED: " << e.what() << std::endl;
    status = 1;
  }
  run(runtime, lifecycle.stop_all(config.shutdown_timeout));
  runtime.join();
  return status;
}
