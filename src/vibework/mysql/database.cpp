#include "vibework/mysql/database.hpp"

#include <optional>

#include <fmt/format.h>

#include <spdlog/spdlog.h>

#include "vibework/infra/errors.hpp"
#include "vibework/infra/lifecycle.hpp"
#include "vibework/mysql/migrations.hpp"

namespace vibework::mysql {

awaitable<ResultSet> run_statement(QueryRunner& runner, std::string sql, std::vector<Value> params) {
  return runner.run(std::move(sql), std::move(params));
}

namespace detail {
awaitable<std::uint64_t> fetch_count(QueryRunner& runner, std::string sql, std::vector<Value> params) {
  const ResultSet rs = co_await runner.run(std::move(sql), std::move(params));
  co_return codec::from_value<std::uint64_t>(rs.cell(0, 0), "COUNT(*)");
}
awaitable<std::uint64_t> affected(QueryRunner& runner, std::string sql, std::vector<Value> params) {
  if (sql.empty()) co_return 0;  // nothing to insert or set
  const ResultSet rs = co_await runner.run(std::move(sql), std::move(params));
  co_return rs.affected_rows;
}
}  // namespace detail

// ---- Transaction ----

Transaction::Transaction(Pool::Lease lease, std::chrono::milliseconds query_timeout, const QueryMetrics* metrics)
    : lease_(std::move(lease)), query_timeout_(query_timeout), metrics_(metrics) {}

namespace {
// One statement on `connection`, timed into `metrics` (null: not timed).
awaitable<ResultSet> timed_execute(Connection& connection, const std::string& sql, const std::vector<Value>& params,
                                   Deadline deadline, const QueryMetrics* metrics) {
  if (!metrics) co_return co_await connection.execute(sql, params, deadline);
  const auto started = infra::metrics::now_ticks();
  std::optional<ResultSet> result;
  std::exception_ptr failure;
  try {
    result.emplace(co_await connection.execute(sql, params, deadline));
  } catch (...) {
    failure = std::current_exception();
  }
  metrics->record(sql, started, failure != nullptr);
  if (failure) std::rethrow_exception(failure);
  co_return std::move(*result);
}
}  // namespace

Transaction::~Transaction() {
  // Abandoned while open (cancelled coroutine, forgotten commit): never hand a connection with
  // an open transaction back to the pool; closing it makes the server roll back.
  if (open_ && lease_) lease_->mark_broken();
}

awaitable<ResultSet> Transaction::run(std::string sql, std::vector<Value> params) {
  if (!open_ || !lease_) {
    throw infra::InvalidArgumentError("mysql", "the transaction is already committed or rolled back");
  }
  co_return co_await timed_execute(*lease_, sql, params, Deadline::after(query_timeout_, "query"), metrics_);
}

awaitable<void> Transaction::commit() {
  if (!open_ || !lease_) throw infra::InvalidArgumentError("mysql", "the transaction is not open");
  try {
    co_await lease_->execute_text("COMMIT", Deadline::after(query_timeout_, "COMMIT"));
  } catch (...) {
    open_ = false;
    lease_->mark_broken();  // the outcome is unknown; do not reuse this connection
    lease_.reset();
    throw;
  }
  open_ = false;
  lease_.reset();
  auto hooks = std::move(after_commit_);
  for (auto& fn : hooks) fn();
}

awaitable<void> Transaction::rollback() {
  if (!open_ || !lease_) co_return;
  open_ = false;
  after_commit_.clear();
  try {
    co_await lease_->execute_text("ROLLBACK", Deadline::after(query_timeout_, "ROLLBACK"));
  } catch (...) {
    lease_->mark_broken();
  }
  lease_.reset();
}

awaitable<void> Transaction::finish(std::exception_ptr error) {
  if (!error) co_return co_await commit();
  co_await rollback();
  std::rethrow_exception(error);
}

// ---- Database ----

Database::Database(Config config) : pool_(std::move(config)) {}

void Database::attach_metrics(infra::metrics::Registry& registry) {
  pool_.attach_metrics(registry);
  queries_ = QueryMetrics(registry);
}

Database::~Database() = default;

namespace {
// A first connection proves the server answers and the credentials work.
awaitable<void> open_one(Pool& pool) { auto lease = co_await pool.acquire(); }
}  // namespace

awaitable<void> Database::start() {
  if (config().migrate_on_start) {
    // Migrations must run now: a server that cannot be reached fails the start too.
    co_await open_one(pool_);
    const auto applied = co_await apply_migrations(*this, config().migrations_dir);
    spdlog::info("mysql: {} migration(s) applied at start", applied.size());
    co_return;
  }
  co_await infra::first_contact("mysql", open_one(pool_), "the pool connects when the server answers");
}

awaitable<void> Database::stop() { co_await pool_.close(config().acquire_timeout); }

awaitable<ResultSet> Database::run(std::string sql, std::vector<Value> params) {
  auto lease = co_await pool_.acquire();
  co_return co_await timed_execute(*lease, sql, params, Deadline::after(config().query_timeout, "query"), &queries_);
}

awaitable<Transaction> Database::begin() {
  auto lease = co_await pool_.acquire();
  co_await lease->execute_text("START TRANSACTION", Deadline::after(config().query_timeout, "START TRANSACTION"));
  co_return Transaction(std::move(lease), config().query_timeout, &queries_);
}

awaitable<void> Database::ping() {
  auto lease = co_await pool_.acquire();
  const ResultSet rs = co_await lease->execute("SELECT 1", {}, Deadline::after(config().query_timeout, "health check"));
  if (rs.row_count() != 1) throw infra::ProtocolError("mysql", "SELECT 1 returned no row");
}

awaitable<infra::HealthStatus> Database::check_health(std::chrono::milliseconds timeout) {
  return infra::run_check([this] { return ping(); }, timeout, "mysql");
}

std::vector<infra::HealthCheck> Database::checks() {
  return {{"mysql", config().address(), [this] { return ping(); },
           "is MariaDB/MySQL running? try scripts/services start; check MYSQL_HOST/MYSQL_PORT"}};
}

}  // namespace vibework::mysql
