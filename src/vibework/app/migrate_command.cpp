// `vibework migrate [--status]`: creates the database if it does not exist, applies pending
// migrations from MYSQL_MIGRATIONS_DIR (or lists them), prints what it did.
#include <ostream>

#include <boost/asio/io_context.hpp>
#include <boost/asio/use_future.hpp>
#include <fmt/format.h>

#include "vibework/app/commands.hpp"
#include "vibework/infra/json.hpp"
#include "vibework/mysql/database.hpp"
#include "vibework/mysql/migrations.hpp"

namespace vibework::app {

namespace {
const char* label_of(mysql::MigrationState::Status status) {
  switch (status) {
    case mysql::MigrationState::Status::applied: return "applied";
    case mysql::MigrationState::Status::pending: return "pending";
    case mysql::MigrationState::Status::changed: return "CHANGED after it was applied";
    case mysql::MigrationState::Status::missing_file: return "applied, file missing";
  }
  return "pending";
}

awaitable<int> print_status(mysql::Database& db, const mysql::Config& config, std::ostream& out) {
  const auto states = co_await mysql::migration_status(db, config.migrations_dir);
  out << fmt::format("migrations in {} for {}:\n", config.migrations_dir, config.address());
  int code = exit_ok;
  for (const auto& s : states) {
    if (s.status == mysql::MigrationState::Status::changed) code = exit_failure;
    out << fmt::format("  {:<40} {}{}\n", s.name, label_of(s.status),
                       s.applied_at ? " at " + infra::format_iso8601(*s.applied_at) : std::string());
  }
  if (states.empty()) out << "  (no migration files)\n";
  co_return code;
}

awaitable<int> migrate(const mysql::Config& config, bool status_only, std::ostream& out, std::ostream& err) {
  try {
    if (!status_only) co_await mysql::create_database_if_missing(config);
    mysql::Database db(config);
    int code = exit_ok;
    if (status_only) {
      code = co_await print_status(db, config, out);
    } else {
      const auto applied = co_await mysql::apply_migrations(db, config.migrations_dir);
      for (const auto& name : applied) out << "applied " << name << "\n";
      out << (applied.empty() ? "database is up to date\n"
                              : fmt::format("{} migration(s) applied to {}\n", applied.size(), config.address()));
    }
    co_await db.stop();
    co_return code;
  } catch (const std::exception& e) {
    err << "migrate failed: " << e.what() << "\n";
    co_return exit_failure;
  }
}
}  // namespace

int run_migrate(const mysql::Config& config, bool status_only, std::ostream& out, std::ostream& err) {
  asio::io_context io(1);
  auto result = asio::co_spawn(io, migrate(config, status_only, out, err), asio::use_future);
  io.run();
  return result.get();
}

}  // namespace vibework::app
