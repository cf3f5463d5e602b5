#pragma once
// For the mysql tests only: a fresh database per suite, on the server the environment names
// (MYSQL_HOST/MYSQL_PORT/..., default 127.0.0.1:3306 root/password), so suites run in parallel.
#include <chrono>
#include <functional>
#include <stdexcept>
#include <string>
#include <vector>

#include <boost/asio/io_context.hpp>
#include <boost/asio/use_future.hpp>

#include "vibework/mysql/database.hpp"
#include "vibework/mysql/query/table.hpp"
#include "vibework/testkit/async.hpp"
#include "vibework/testkit/env.hpp"

namespace vibework::mysql::test_support {

inline mysql::Config server_config() {
  auto c = testkit::section_from_environment<mysql::Config>();
  if (c.host == "localhost") c.host = "127.0.0.1";
  c.connect_timeout = std::chrono::milliseconds(5000);
  return c;
}

// Drops and recreates `database` (utf8mb4), returns a config pointing at it.
inline mysql::Config fresh_database(const std::string& database) {
  auto admin_config = server_config();
  admin_config.database.clear();
  admin_config.connection_limit = 1;
  testkit::run_async([&]() -> awaitable<void> {
    Database admin(admin_config);
    {
      auto lease = co_await admin.pool().acquire();
      const auto d = Deadline::after(std::chrono::seconds(30), "setup");
      co_await lease->execute_text("DROP DATABASE IF EXISTS " + quote_identifier(database), d);
      co_await lease->execute_text(
          "CREATE DATABASE " + quote_identifier(database) + " CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci", d);
    }
    co_await admin.stop();
  }());
  auto c = server_config();
  c.database = database;
  return c;
}

// Runs one coroutine per index on `threads` io_contexts (to exercise connections moving between
// I/O threads) and waits for all; returns the exceptions (null = success), by index.
inline std::vector<std::exception_ptr> run_concurrently(std::size_t tasks, std::size_t threads,
                                                        std::function<awaitable<void>(std::size_t)> task) {
  std::vector<std::unique_ptr<asio::io_context>> contexts;
  for (std::size_t t = 0; t < threads; ++t) contexts.push_back(std::make_unique<asio::io_context>(1));
  std::vector<std::future<void>> futures;
  for (std::size_t i = 0; i < tasks; ++i) {
    futures.push_back(asio::co_spawn(*contexts[i % threads], task(i), asio::use_future));
  }
  std::vector<std::thread> runners;
  for (auto& ctx : contexts) runners.emplace_back([c = ctx.get()] { c->run_for(std::chrono::seconds(120)); });
  for (auto& r : runners) r.join();
  std::vector<std::exception_ptr> out;
  for (auto& f : futures) {
    try {
      if (f.wait_for(std::chrono::seconds(0)) != std::future_status::ready) throw std::runtime_error("task never finished");
      f.get();
      out.push_back(nullptr);
    } catch (...) {
      out.push_back(std::current_exception());
    }
  }
  return out;
}

}  // namespace vibework::mysql::test_support
