// The pool against the local MariaDB: limits, waiting, queue, acquire timeout, KILLed and
// timed-out connections being replaced, health, draining on close, connect errors.
#include <atomic>
#include <thread>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "vibework/infra/errors.hpp"
#include "vibework/infra/metrics/registry.hpp"
#include "vibework/mysql/database.hpp"
#include "vibework/mysql/test_support.hpp"

using namespace vibework;
using namespace vibework::mysql;
using namespace std::chrono_literals;
using ::testing::HasSubstr;
using testkit::run_async;

namespace {

mysql::Config suite_config() {
  static const mysql::Config config = test_support::fresh_database("vibework_test_mysql_pool");
  return config;
}

std::int64_t as_int(const Value& v) {
  if (auto* i = std::get_if<std::int64_t>(&v)) return *i;
  if (auto* u = std::get_if<std::uint64_t>(&v)) return static_cast<std::int64_t>(*u);
  throw std::runtime_error("not an integer");
}

awaitable<std::int64_t> connection_id(QueryRunner& db) {
  const auto rs = co_await db.execute("SELECT CONNECTION_ID()");
  co_return as_int(rs.cell(0, 0));
}

// Whether the server is running `sql` in this suite's database now (its own view of it).
awaitable<bool> server_runs(QueryRunner& admin, std::string sql) {
  const auto rs = co_await admin.execute(
      "SELECT COUNT(*) FROM information_schema.PROCESSLIST WHERE DB = DATABASE() AND INFO = ?", sql);
  co_return as_int(rs.cell(0, 0)) > 0;
}

std::string message_of(const std::exception_ptr& e) {
  try {
    std::rethrow_exception(e);
  } catch (const std::exception& ex) {
    return ex.what();
  }
  return "?";
}

TEST(MysqlPool, FiftyConcurrentTasksOnTenConnectionsAllSucceedWhenWaiting) {
  auto config = suite_config();
  config.connection_limit = 10;
  Database db(config);
  std::atomic<int> in_flight{0}, max_in_flight{0};
  const auto results = test_support::run_concurrently(50, 2, [&](std::size_t i) -> awaitable<void> {
    auto lease = co_await db.pool().acquire();
    const int now = ++in_flight;
    int seen = max_in_flight.load();
    while (now > seen && !max_in_flight.compare_exchange_weak(seen, now)) {
    }
    const std::vector<Value> params{static_cast<std::int64_t>(i)};
    const auto rs = co_await lease->execute("SELECT ?, SLEEP(0.02)", params, Deadline::after(10s, "query"));
    --in_flight;
    if (as_int(rs.cell(0, 0)) != static_cast<std::int64_t>(i)) throw std::runtime_error("wrong row");
  });
  for (const auto& e : results) EXPECT_EQ(e, nullptr) << message_of(e);
  EXPECT_LE(max_in_flight.load(), 10);
  const auto stats = db.pool().stats();
  EXPECT_LE(stats.open, 10u);
  EXPECT_EQ(stats.in_use, 0u);
  EXPECT_EQ(stats.waiting, 0u);
  run_async(db.stop());
}

TEST(MysqlPool, FailsWithTheOriginalsErrorWhenWaitingIsOff) {
  auto config = suite_config();
  config.connection_limit = 10;
  config.wait_for_connections = false;
  Database db(config);
  const auto results = test_support::run_concurrently(50, 2, [&](std::size_t) -> awaitable<void> {
    co_await db.execute("SELECT SLEEP(0.3)");
  });
  std::size_t ok = 0, exhausted = 0;
  for (const auto& e : results) {
    if (!e) {
      ++ok;
      continue;
    }
    try {
      std::rethrow_exception(e);
    } catch (const infra::PoolExhaustedError& ex) {
      ++exhausted;
      EXPECT_THAT(ex.what(), HasSubstr("all connections are in use"));
      EXPECT_THAT(ex.what(), HasSubstr("MYSQL_POOL_SIZE"));
      EXPECT_THAT(ex.what(), HasSubstr("leaked"));
    } catch (const std::exception& other) {
      ADD_FAILURE() << "unexpected error: " << other.what();
    }
  }
  EXPECT_GE(ok, 10u);
  EXPECT_GE(exhausted, 30u);
  EXPECT_EQ(ok + exhausted, 50u);
  run_async(db.stop());
}

TEST(MysqlPool, QueueLimitRejectsBeyondTheQueue) {
  auto config = suite_config();
  config.connection_limit = 2;
  config.queue_limit = 3;
  Database db(config);
  const auto results = test_support::run_concurrently(10, 1, [&](std::size_t) -> awaitable<void> {
    co_await db.execute("SELECT SLEEP(0.2)");
  });
  std::size_t rejected = 0;
  for (const auto& e : results) {
    if (e && message_of(e).find("wait queue is full") != std::string::npos) ++rejected;
    else EXPECT_EQ(e, nullptr) << message_of(e);
  }
  EXPECT_EQ(rejected, 5u);  // 2 running + 3 queued
  run_async(db.stop());
}

TEST(MysqlPool, AcquireTimeoutFiresWithWaitedAndLimitInTheMessage) {
  auto config = suite_config();
  config.connection_limit = 1;
  config.acquire_timeout = 300ms;
  Database db(config);
  run_async([&]() -> awaitable<void> {
    auto held = co_await db.pool().acquire();  // the only connection
    const auto started = SteadyClock::now();
    try {
      co_await db.execute("SELECT 1");
      ADD_FAILURE() << "acquire did not time out";
    } catch (const infra::PoolExhaustedError& e) {
      const auto waited = SteadyClock::now() - started;
      EXPECT_GE(waited, 290ms);
      EXPECT_LT(waited, 5s);
      EXPECT_THAT(e.what(), HasSubstr("all connections are in use: waited"));
      EXPECT_THAT(e.what(), HasSubstr("ms for one of 1"));
      EXPECT_THAT(e.what(), HasSubstr("MYSQL_POOL_SIZE"));
    }
  }());
  run_async(db.stop());
}

TEST(MysqlPool, MetricsShowThePoolTimeoutsAndQueriesByKind) {
  auto config = suite_config();
  config.connection_limit = 1;
  config.acquire_timeout = 100ms;
  infra::metrics::Registry registry;
  Database db(config);
  db.attach_metrics(registry);
  run_async([&]() -> awaitable<void> {
    co_await db.execute("SELECT 1");
    auto held = co_await db.pool().acquire();
    const auto busy = registry.expose();
    EXPECT_THAT(busy, HasSubstr("mysql_pool_connections{state=\"in_use\"} 1\n"));
    EXPECT_THAT(busy, HasSubstr("mysql_pool_connections{state=\"idle\"} 0\n"));
    EXPECT_THAT(busy, HasSubstr("mysql_pool_size 1\n"));
    try {
      co_await db.execute("SELECT 2");
    } catch (const infra::PoolExhaustedError&) {
    }
  }());
  const auto text = registry.expose();
  EXPECT_THAT(text, HasSubstr("mysql_pool_acquire_timeouts_total 1\n"));
  EXPECT_THAT(text, HasSubstr("mysql_pool_acquire_wait_seconds_count 3\n"));
  EXPECT_THAT(text, HasSubstr("mysql_query_duration_seconds_count{kind=\"select\"} 1\n"));
  EXPECT_THAT(text, HasSubstr("mysql_pool_connections{state=\"idle\"} 1\n"));
  EXPECT_THAT(text, HasSubstr("mysql_connections_opened_total 1\n"));
  run_async(db.stop());
}

TEST(MysqlPool, KilledIdleConnectionIsReplacedBeforeTheNextQuery) {
  auto config = suite_config();
  config.connection_limit = 1;
  Database db(config);
  auto admin_config = suite_config();
  Database admin(admin_config);
  run_async([&]() -> awaitable<void> {
    const auto first = co_await connection_id(db);
    co_await admin.execute("KILL " + std::to_string(first));
    // The killed connection sits idle in the pool; the next query must not see it.
    const auto second = co_await connection_id(db);
    EXPECT_NE(first, second);
    EXPECT_EQ(db.pool().stats().discarded_total, 1u);
    co_await admin.stop();
  }());
  run_async(db.stop());
}

TEST(MysqlPool, ConnectionKilledMidQueryFailsThatQueryOnlyAndIsReplaced) {
  auto config = suite_config();
  config.connection_limit = 1;
  Database db(config);
  Database admin(suite_config());
  const auto victim = run_async(connection_id(db));
  const auto results = test_support::run_concurrently(2, 1, [&](std::size_t i) -> awaitable<void> {
    if (i == 0) {
      co_await db.execute("SELECT SLEEP(5)");
    } else {
      // KILL once the server runs the query (any sooner and there is no query to interrupt).
      auto query_running = [&] { return server_runs(admin, "SELECT SLEEP(5)"); };
      if (!co_await testkit::eventually_async(query_running, 10s)) throw std::runtime_error("the query never started");
      co_await admin.execute("KILL " + std::to_string(victim));
    }
  });
  ASSERT_NE(results[0], nullptr);
  try {
    std::rethrow_exception(results[0]);
  } catch (const infra::UnavailableError& e) {
    EXPECT_THAT(e.what(), HasSubstr("connection"));
  } catch (const std::exception& e) {
    ADD_FAILURE() << "unexpected error: " << e.what();
  }
  EXPECT_EQ(results[1], nullptr) << message_of(results[1]);
  EXPECT_NE(run_async(connection_id(db)), victim);
  run_async(admin.stop());
  run_async(db.stop());
}

TEST(MysqlPool, QueryDeadlineIsDistinctFromPoolExhaustionAndStopsTheServerSide) {
  auto config = suite_config();
  config.connection_limit = 1;
  config.query_timeout = 400ms;
  Database db(config);
  run_async([&]() -> awaitable<void> {
    const auto started = SteadyClock::now();
    try {
      co_await db.execute("SELECT SLEEP(3) FROM DUAL WHERE 1");
      ADD_FAILURE() << "no deadline";
    } catch (const infra::TimeoutError& e) {
      EXPECT_LT(SteadyClock::now() - started, 2500ms);
      EXPECT_THAT(e.what(), ::testing::AnyOf(HasSubstr("exceeded its deadline"), HasSubstr("max_statement_time")));
      EXPECT_THAT(e.what(), ::testing::Not(HasSubstr("all connections are in use")));
    }
    // The pool is usable again at once.
    const auto rs = co_await db.execute("SELECT 41 + 1");
    EXPECT_EQ(as_int(rs.cell(0, 0)), 42);
  }());
  run_async(db.stop());
}

TEST(MysqlPool, HealthCheckDoesARealRoundTrip) {
  Database db(suite_config());
  const auto ok = run_async(db.check_health());
  EXPECT_TRUE(ok.is_ok()) << ok.message;

  auto wrong = suite_config();
  wrong.port = 1;  // nothing listens there
  Database down(wrong);
  const auto bad = run_async(down.check_health());
  EXPECT_FALSE(bad.is_ok());
  EXPECT_THAT(bad.message, HasSubstr("cannot connect"));
  EXPECT_THAT(bad.message, HasSubstr(":1"));
  run_async(db.stop());
}

TEST(MysqlPool, ConnectErrorsNameTheFix) {
  auto config = suite_config();
  config.password = "definitely-wrong";
  Database db(config);
  try {
    run_async(db.start());
    ADD_FAILURE() << "started with a wrong password";
  } catch (const infra::UnavailableError& e) {
    EXPECT_THAT(e.what(), HasSubstr("MYSQL_PASSWORD"));
    EXPECT_THAT(e.what(), ::testing::Not(HasSubstr("definitely-wrong")));
  }
  auto missing = suite_config();
  missing.database = "vibework_no_such_database";
  Database db2(missing);
  try {
    run_async(db2.start());
    ADD_FAILURE() << "started without a database";
  } catch (const infra::UnavailableError& e) {
    EXPECT_THAT(e.what(), HasSubstr("MYSQL_DATABASE"));
  }
}

TEST(MysqlPool, CloseLetsInFlightQueriesFinishThenRefuses) {
  Database db(suite_config());
  Database admin(suite_config());
  run_async(admin.execute("SELECT 1"));  // connected already: watching the query costs one round trip
  std::atomic<bool> query_done{false};
  const auto results = test_support::run_concurrently(2, 1, [&](std::size_t i) -> awaitable<void> {
    if (i == 0) {
      const auto rs = co_await db.execute("SELECT SLEEP(0.3), 7");
      if (as_int(rs.cell(0, 1)) != 7) throw std::runtime_error("wrong result");
      query_done = true;
    } else {
      // Close while the server runs the query.
      auto query_running = [&]() -> awaitable<bool> {
        co_return query_done || co_await server_runs(admin, "SELECT SLEEP(0.3), 7");
      };
      if (!co_await testkit::eventually_async(query_running, 10s)) throw std::runtime_error("the query never started");
      co_await db.stop();
      if (!query_done) throw std::runtime_error("close returned before the in-flight query finished");
    }
  });
  for (const auto& e : results) EXPECT_EQ(e, nullptr) << message_of(e);
  EXPECT_EQ(db.pool().stats().open, 0u);
  try {
    run_async(db.execute("SELECT 1"));
    ADD_FAILURE() << "query after close";
  } catch (const infra::UnavailableError& e) {
    EXPECT_THAT(e.what(), HasSubstr("closed"));
  }
  run_async(admin.stop());
}

TEST(MysqlPool, IdleConnectionsAreReplacedAfterIdleTimeout) {
  auto config = suite_config();
  config.idle_timeout = 1000ms;
  Database db(config);
  const auto first = run_async(connection_id(db));
  std::this_thread::sleep_for(1200ms);  // the scenario, not a wait for an event: idle past the timeout
  const auto second = run_async(connection_id(db));
  EXPECT_NE(first, second);
  EXPECT_EQ(db.pool().stats().open, 1u);
  run_async(db.stop());
}

}  // namespace
