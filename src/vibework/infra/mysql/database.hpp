#pragma once
// Database: the MySQL component. Owns the pool, runs typed and raw queries, transactions,
// migrations at start (MYSQL_MIGRATE_ON_START) and the readiness check.
//
//   mysql::Database db(config.mysql, &readiness);
//   co_await db.start();
//   schema::UserTable users;
//   std::optional<schema::User> u = co_await db.select(users).where(users.email == email).first();
//   co_await db.transaction([&](mysql::Transaction& tx) -> awaitable<void> {
//     co_await tx.insert(users).values(user).execute();
//     co_await tx.insert(accounts).values(account).execute();
//   });  // committed on success, rolled back if the lambda throws
#include <exception>
#include <filesystem>
#include <memory>
#include <string>
#include <type_traits>
#include <vector>

#include "vibework/infra/component.hpp"
#include "vibework/infra/health.hpp"
#include "vibework/infra/mysql/pool.hpp"
#include "vibework/infra/mysql/query/builders.hpp"

namespace vibework::mysql {

// One connection for the life of a transaction. Rolled back when destroyed while still open.
class Transaction : public QueryRunner {
 public:
  Transaction(Pool::Lease lease, std::chrono::milliseconds query_timeout);
  Transaction(Transaction&&) noexcept = default;
  ~Transaction() override;

  awaitable<ResultSet> run(std::string sql, std::vector<Value> params) override;
  awaitable<void> commit();
  awaitable<void> rollback();  // never throws; a failed rollback discards the connection
  // Commits when `error` is null; otherwise rolls back and rethrows it.
  awaitable<void> finish(std::exception_ptr error);
  bool open() const noexcept { return open_; }

 private:
  Pool::Lease lease_;
  std::chrono::milliseconds query_timeout_;
  bool open_ = true;
};

class Database : public infra::Component, public QueryRunner {
 public:
  // `readiness` may be null (tools, tests); otherwise start() registers the "mysql" check.
  explicit Database(infra::MysqlConfig config, infra::Readiness* readiness = nullptr);
  ~Database() override;

  std::string_view name() const override { return "mysql"; }
  // Opens a first connection (fails fast with a clear error if the server is unreachable),
  // applies migrations when MYSQL_MIGRATE_ON_START is set, registers the health check.
  awaitable<void> start() override;
  // Drains in-flight queries (bounded by the pool's acquire timeout), then closes everything.
  awaitable<void> stop() override;

  awaitable<ResultSet> run(std::string sql, std::vector<Value> params) override;

  // Starts a transaction on a pooled connection (START TRANSACTION).
  awaitable<Transaction> begin();

  // Runs fn(tx) in a transaction: committed when fn returns, rolled back when it throws (and
  // the exception is rethrown). fn returns awaitable<T>; transaction returns awaitable<T>.
  template <typename F>
  auto transaction(F fn) -> std::invoke_result_t<F&, Transaction&> {
    using Result = typename std::invoke_result_t<F&, Transaction&>::value_type;
    Transaction tx = co_await begin();
    std::exception_ptr error;
    if constexpr (std::is_void_v<Result>) {
      try {
        co_await fn(tx);
      } catch (...) {
        error = std::current_exception();
      }
      co_await tx.finish(error);
    } else {
      std::optional<Result> result;
      try {
        result.emplace(co_await fn(tx));
      } catch (...) {
        error = std::current_exception();
      }
      co_await tx.finish(error);
      co_return std::move(*result);
    }
  }

  // A real round trip through the pool (acquire + a prepared SELECT 1). Never throws.
  awaitable<infra::HealthStatus> check_health();

  Pool& pool() noexcept { return pool_; }
  const infra::MysqlConfig& config() const noexcept { return pool_.config(); }

 private:
  Pool pool_;
  infra::Readiness* readiness_;
};

// The readiness check, as the original names it: {ok, latency} or {error, message}.
awaitable<infra::HealthStatus> check_mysql_health(Database& db);

}  // namespace vibework::mysql
