#pragma once
// For the auth tests only: a fresh database with the Better-Auth schema migrated into it.
#include <cstdlib>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include "vibework/http/error_response.hpp"
#include "vibework/http/router.hpp"
#include "vibework/mysql/migrations.hpp"
#include "vibework/mysql/test_support.hpp"
#include "vibework/testkit/async.hpp"

namespace vibework::auth::test_support {

inline mysql::Config migrated_database(const std::string& name) {
  const char* source_dir = std::getenv("VIBEWORK_SOURCE_DIR");
  if (source_dir == nullptr) {
    throw std::runtime_error("run it through ctest, which sets VIBEWORK_SOURCE_DIR (the migrations live there)");
  }
  auto config = mysql::test_support::fresh_database(name);
  testkit::run_async([&config, dir = std::string(source_dir) + "/migrations"]() -> awaitable<void> {
    mysql::Database db(config);
    co_await db.start();
    co_await mysql::apply_migrations(db, dir);
    co_await db.stop();
  }());
  return config;
}

// A request as the server hands it to a route; a body is sent as JSON unless a Content-Type
// header says otherwise.
struct TestRequest {
  http::Verb method = http::Verb::get;
  std::string target;
  std::string body{};
  std::vector<std::pair<std::string, std::string>> headers{};
  std::string remote = "203.0.113.9:50000";
};

// Routes `r` through `router` and answers as the server would (errors as their JSON responses).
inline http::Response call_route(const http::Router& router, TestRequest r) {
  http::Request req;
  req.message.method(r.method);
  req.message.target(r.target);
  req.message.body() = std::move(r.body);
  req.remote = std::move(r.remote);
  if (!req.message.body().empty()) req.message.set("Content-Type", "application/json");
  for (const auto& [name, value] : r.headers) req.message.set(name, value);
  auto match = router.match(r.method, req.path(), req.params);
  if (match.handler == nullptr) throw std::runtime_error("no route for " + r.target);
  try {
    return testkit::run_async((*match.handler)(req));
  } catch (...) {
    return http::response_for_exception(std::current_exception(), "");
  }
}

}  // namespace vibework::auth::test_support
