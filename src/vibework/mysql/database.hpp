#pragma once
// Database: the MySQL component. Owns the pool, runs typed and raw queries, transactions,
// migrations at start (MYSQL_MIGRATE_ON_START) and offers the "mysql" health check.
//
//   auto db = lifecycle.add(std::make_shared<mysql::Database>(config.get<mysql::Config>()));
//   co_await lifecycle.start_all();  // or co_await db->start() without a lifecycle
//   schema::AuthSchema auth(config.get<mysql::Config>());   // tables named as configured
//   auto& users = auth.user;
//   std::optional<schema::User> u = co_await db.select(users).where(users.email == email).first();
//   co_await db.transaction([&](mysql::Transaction& tx) -> awaitable<void> {
//     co_await tx.insert(users).values(user).execute();
//     co_await tx.insert(accounts).values(account).execute();
//   });  // committed on success, rolled back if the lambda throws
#include <exception>
#include <filesystem>
#include <functional>
#include <memory>
#include <string>
#include <type_traits>
#include <vector>

#include "vibework/infra/component.hpp"
#include "vibework/infra/health.hpp"
#include "vibework/mysql/metrics.hpp"
#include "vibework/mysql/pool.hpp"
#include "vibework/mysql/query/builders.hpp"

namespace vibework::mysql {

// One connection for the life of a transaction. Rolled back when destroyed while still open.
class Transaction : public QueryRunner {
 public:
  // `metrics` (the database's, may be null) must outlive the transaction.
  Transaction(Pool::Lease lease, std::chrono::milliseconds query_timeout, const QueryMetrics* metrics = nullptr);
  Transaction(Transaction&&) noexcept = default;
  ~Transaction() override;

  awaitable<ResultSet> run(std::string sql, std::vector<Value> params) override;
  awaitable<void> commit();
  awaitable<void> rollback();  // never throws; a failed rollback discards the connection
  // Commits when `error` is null; otherwise rolls back and rethrows it.
  awaitable<void> finish(std::exception_ptr error);
  bool open() const noexcept { return open_; }
  // Runs `fn` once the transaction has committed (never after a rollback), e.g. to wake a
  // worker that should see the rows it wrote. Must not throw; runs on the committing thread.
  void after_commit(std::function<void()> fn) { after_commit_.push_back(std::move(fn)); }

 private:
  Pool::Lease lease_;
  std::chrono::milliseconds query_timeout_;
  bool open_ = true;
  std::vector<std::function<void()>> after_commit_;
  const QueryMetrics* metrics_;
};

class Database : public infra::Component, public QueryRunner {
 public:
  // No I/O until start(). (Unlike the other components it needs no Runtime: the pool runs every
  // query on the caller's own I/O thread.)
  explicit Database(Config config);
  ~Database() override;

  std::string_view name() const override { return "mysql"; }
  // Opens a first connection: wrong credentials or database, or migrations that cannot run,
  // fail the start; a server that cannot be reached yet does not (unless migrations must run).
  // Applies migrations when MYSQL_MIGRATE_ON_START is set.
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

  // A real round trip through the pool (acquire + a prepared SELECT 1); throws when it fails.
  awaitable<void> ping();
  // ping() with its latency, bounded by `timeout`: the original's checkMySQLHealth. Never throws.
  awaitable<infra::HealthStatus> check_health(std::chrono::milliseconds timeout = infra::default_health_timeout);
  std::vector<infra::HealthCheck> checks() override;

  // Records mysql_pool_* and mysql_query_* in `registry` (which must outlive the database).
  // Call before start().
  void attach_metrics(infra::metrics::Registry& registry);

  Pool& pool() noexcept { return pool_; }
  const Config& config() const noexcept { return pool_.config(); }
  // How tables are named in this database (MYSQL_COLUMN_NAMING), for `UserTable users(db.naming())`;
  // `table` renames the table itself (empty keeps the declared name).
  TableNaming naming(std::string table = {}) const {
    return {std::move(table), config().camel_case_columns ? ColumnNaming::camel_case : ColumnNaming::snake_case, {}};
  }

 private:
  Pool pool_;
  QueryMetrics queries_;
};

}  // namespace vibework::mysql
