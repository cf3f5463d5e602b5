#pragma once
// For the auth tests only: a fresh database with the Better-Auth schema migrated into it.
#include <cstdlib>
#include <stdexcept>
#include <string>

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

}  // namespace vibework::auth::test_support
