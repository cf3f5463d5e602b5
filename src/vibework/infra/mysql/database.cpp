#include "vibework/infra/mysql/database.hpp"

#include <fmt/format.h>

#include "vibework/infra/errors.hpp"
#include <spdlog/spdlog.h>
#include "vibework/infra/mysql/migrations.hpp"

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

Transaction::Transaction(Pool::Lease lease, std::chrono::milliseconds query_timeout)
    : lease_(std::move(lease)), query_timeout_(query_timeout) {}

Transaction::~Transaction() {
  // Abandoned while open (cancelled coroutine, forgotten commit): never hand a connection with
  // an open transaction back to the pool; closing it makes the server roll back.
  if (open_ && lease_) lease_->mark_broken();
}

awaitable<ResultSet> Transaction::run(std::string sql, std::vector<Value> params) {
  if (!open_ || !lease_) {
    throw infra::InvalidArgumentError("mysql", "the transaction is already committed or rolled back");
  }
  co_return co_await lease_->execute(sql, params, Deadline::after(query_timeout_, "query"));
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
}

awaitable<void> Transaction::rollback() {
  if (!open_ || !lease_) co_return;
  open_ = false;
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

Database::Database(infra::MysqlConfig config, infra::Readiness* readiness)
    : pool_(std::move(config)), readiness_(readiness) {}

Database::~Database() = default;

awaitable<void> Database::start() {
  if (readiness_) {
    readiness_->add({"mysql", config().address(), [this]() { return check_mysql_health(*this); },
                     "is MariaDB/MySQL running? try scripts/services start; check MYSQL_HOST/MYSQL_PORT"});
  }
  // A server that cannot be reached (yet) does not fail the start: readiness reports it and
  // the pool connects when it comes back. Wrong credentials or database, or migrations that
  // cannot run, do fail it: they will not fix themselves.
  std::optional<std::string> unreachable;
  try {
    auto lease = co_await pool_.acquire();  // proves the server answers and the credentials work
  } catch (const infra::TimeoutError& e) {
    unreachable = e.what();
  } catch (const infra::UnavailableError& e) {
    const bool cannot_reach = e.message().rfind("cannot connect", 0) == 0 || e.message().rfind("connection to", 0) == 0;
    if (!cannot_reach) throw;
    unreachable = e.what();
  }
  if (unreachable) {
    if (config().migrate_on_start) {
      throw infra::UnavailableError("mysql", "cannot apply migrations at start: " + *unreachable,
                                    std::string(infra::hints::start_local_services));
    }
    spdlog::warn("mysql: {}; starting anyway, the pool connects when the server answers", *unreachable);
    co_return;
  }
  if (config().migrate_on_start) {
    const auto applied = co_await apply_migrations(*this, config().migrations_dir);
    spdlog::info("mysql: {} migration(s) applied at start", applied.size());
  }
}

awaitable<void> Database::stop() { co_await pool_.close(config().acquire_timeout); }

awaitable<ResultSet> Database::run(std::string sql, std::vector<Value> params) {
  auto lease = co_await pool_.acquire();
  co_return co_await lease->execute(sql, params, Deadline::after(config().query_timeout, "query"));
}

awaitable<Transaction> Database::begin() {
  auto lease = co_await pool_.acquire();
  co_await lease->execute_text("START TRANSACTION", Deadline::after(config().query_timeout, "START TRANSACTION"));
  co_return Transaction(std::move(lease), config().query_timeout);
}

awaitable<infra::HealthStatus> Database::check_health() {
  const auto started = SteadyClock::now();
  try {
    auto lease = co_await pool_.acquire();
    const ResultSet rs = co_await lease->execute("SELECT 1", {}, Deadline::after(config().query_timeout, "health check"));
    if (rs.row_count() != 1) co_return infra::HealthStatus::error("SELECT 1 returned no row");
    co_return infra::HealthStatus::ok(
        std::chrono::duration_cast<std::chrono::milliseconds>(SteadyClock::now() - started));
  } catch (const std::exception& e) {
    co_return infra::HealthStatus::error(e.what(),
                                         std::chrono::duration_cast<std::chrono::milliseconds>(SteadyClock::now() - started));
  }
}

awaitable<infra::HealthStatus> check_mysql_health(Database& db) { return db.check_health(); }

}  // namespace vibework::mysql
