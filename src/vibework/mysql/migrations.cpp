#include "vibework/mysql/migrations.hpp"

#include <openssl/evp.h>

#include <algorithm>
#include <fstream>
#include <map>
#include <sstream>

#include <fmt/format.h>

#include "vibework/infra/errors.hpp"
#include "vibework/mysql/database.hpp"
#include "vibework/mysql/query/codec.hpp"
#include "vibework/mysql/query/table.hpp"

namespace vibework::mysql {

using infra::ConfigError;

namespace {

constexpr int kLockWaitSeconds = 120;

std::string sha256_hex(const std::string& data) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  EVP_Digest(data.data(), data.size(), digest, &length, EVP_sha256(), nullptr);
  std::string out;
  for (unsigned i = 0; i < length; ++i) out += fmt::format("{:02x}", digest[i]);
  return out;
}

constexpr const char* kCreateTable =
    "CREATE TABLE IF NOT EXISTS `_migrations` ("
    " `version` BIGINT UNSIGNED NOT NULL PRIMARY KEY,"
    " `name` VARCHAR(255) NOT NULL,"
    " `checksum` CHAR(64) NOT NULL,"
    " `applied_at` DATETIME(3) NOT NULL,"
    " `duration_ms` BIGINT UNSIGNED NOT NULL"
    ") ENGINE=InnoDB DEFAULT CHARSET=utf8mb4";

struct Applied {
  std::string name;
  std::string checksum;
  TimePoint applied_at;
};

awaitable<std::map<std::uint64_t, Applied>> read_applied(Connection& conn, std::chrono::milliseconds limit) {
  const ResultSet rs = co_await conn.execute("SELECT `version`, `name`, `checksum`, `applied_at` FROM `_migrations`",
                                             {}, Deadline::after(limit, "reading _migrations"));
  std::map<std::uint64_t, Applied> out;
  for (std::size_t r = 0; r < rs.row_count(); ++r) {
    out[codec::from_value<std::uint64_t>(rs.cell(r, 0), "version")] = {
        codec::from_value<std::string>(rs.cell(r, 1), "name"), codec::from_value<std::string>(rs.cell(r, 2), "checksum"),
        codec::from_value<TimePoint>(rs.cell(r, 3), "applied_at")};
  }
  co_return out;
}

void check_unchanged(const std::vector<MigrationFile>& files, const std::map<std::uint64_t, Applied>& applied) {
  for (const auto& f : files) {
    auto a = applied.find(f.version);
    if (a != applied.end() && a->second.checksum != f.checksum) {
      throw ConfigError("mysql",
                        fmt::format("migration {} was changed after it was applied (checksum {} in the database, {} "
                                    "on disk)",
                                    f.name, a->second.checksum.substr(0, 12), f.checksum.substr(0, 12)),
                        "restore the applied file and put the change in a new, higher-numbered migration");
    }
  }
}

[[noreturn]] void throw_lock_timeout(const std::string& lock) {
  throw infra::TimeoutError("mysql", fmt::format("another process held the migration lock for {} s", kLockWaitSeconds),
                            fmt::format("is another `vibework migrate` stuck? see SELECT IS_USED_LOCK('{}')", lock));
}

// Holds the advisory lock for the life of the lease's connection use.
awaitable<void> take_lock(Connection& conn, const std::string& lock, std::chrono::milliseconds limit) {
  // (A named vector: GCC 12 cannot keep a braced list alive across co_await.)
  const std::vector<Value> params{lock, std::int64_t{kLockWaitSeconds}};
  const ResultSet rs = co_await conn.execute("SELECT GET_LOCK(?, ?)", params,
                                             Deadline::after(limit + std::chrono::seconds(kLockWaitSeconds), "GET_LOCK"));
  const auto got = codec::from_value<std::optional<std::int64_t>>(rs.cell(0, 0), "GET_LOCK");
  if (got.value_or(0) != 1) throw_lock_timeout(lock);
}

awaitable<void> release_lock(Connection& conn, const std::string& lock, std::chrono::milliseconds limit) {
  try {
    const std::vector<Value> params{lock};
    co_await conn.execute("SELECT RELEASE_LOCK(?)", params, Deadline::after(limit, "RELEASE_LOCK"));
  } catch (...) {
    conn.mark_broken();  // closing the session releases the lock
  }
}

}  // namespace

std::vector<MigrationFile> load_migrations(const std::filesystem::path& dir) {
  std::error_code ec;
  if (!std::filesystem::is_directory(dir, ec)) {
    throw ConfigError("mysql", fmt::format("migrations directory '{}' does not exist", dir.string()),
                      "run from the repository root or set MYSQL_MIGRATIONS_DIR");
  }
  std::vector<MigrationFile> files;
  for (const auto& entry : std::filesystem::directory_iterator(dir)) {
    if (!entry.is_regular_file() || entry.path().extension() != ".sql") continue;
    const std::string name = entry.path().filename().string();
    std::size_t digits = 0;
    while (digits < name.size() && name[digits] >= '0' && name[digits] <= '9') ++digits;
    if (digits == 0 || digits > 18) {
      throw ConfigError("mysql", fmt::format("migration file '{}' does not start with a number", name),
                        "name migrations like 0002_add_index.sql");
    }
    std::ifstream in(entry.path(), std::ios::binary);
    std::stringstream text;
    text << in.rdbuf();
    MigrationFile f;
    f.version = std::stoull(name.substr(0, digits));
    f.name = name;
    f.sql = text.str();
    f.checksum = sha256_hex(f.sql);
    files.push_back(std::move(f));
  }
  std::sort(files.begin(), files.end(), [](const auto& a, const auto& b) { return a.version < b.version; });
  for (std::size_t i = 1; i < files.size(); ++i) {
    if (files[i].version == files[i - 1].version) {
      throw ConfigError("mysql", fmt::format("migrations {} and {} have the same number", files[i - 1].name, files[i].name),
                        "renumber one of them");
    }
  }
  return files;
}

std::vector<std::string> split_sql_statements(const std::string& sql) {
  std::vector<std::string> out;
  std::string current;
  auto flush = [&] {
    const auto first = current.find_first_not_of(" \t\r\n");
    if (first != std::string::npos) {
      const auto last = current.find_last_not_of(" \t\r\n");
      out.push_back(current.substr(first, last - first + 1));
    }
    current.clear();
  };
  for (std::size_t i = 0; i < sql.size(); ++i) {
    const char ch = sql[i];
    const char next = i + 1 < sql.size() ? sql[i + 1] : '\0';
    if ((ch == '-' && next == '-') || ch == '#') {  // line comment
      while (i < sql.size() && sql[i] != '\n') ++i;
      current += '\n';
      continue;
    }
    if (ch == '/' && next == '*') {  // block comment
      const auto end = sql.find("*/", i + 2);
      i = end == std::string::npos ? sql.size() : end + 1;
      current += ' ';
      continue;
    }
    if (ch == '\'' || ch == '"' || ch == '`') {  // quoted: copy through the closing quote
      current += ch;
      for (++i; i < sql.size(); ++i) {
        current += sql[i];
        if (sql[i] == '\\' && ch != '`' && i + 1 < sql.size()) {
          current += sql[++i];
        } else if (sql[i] == ch) {
          if (i + 1 < sql.size() && sql[i + 1] == ch) {
            current += sql[++i];  // doubled quote
          } else {
            break;
          }
        }
      }
      continue;
    }
    if (ch == ';') {
      flush();
      continue;
    }
    current += ch;
  }
  flush();
  return out;
}

awaitable<std::vector<std::string>> apply_migrations(Database& db, const std::filesystem::path& dir) {
  const auto files = load_migrations(dir);
  const auto limit = db.config().query_timeout;
  const std::string lock = "vibework_migrations." + db.config().database;
  auto lease = co_await db.pool().acquire();
  Connection& conn = *lease;
  co_await take_lock(conn, lock, limit);

  std::vector<std::string> done;
  std::exception_ptr failure;
  try {
    co_await conn.execute_text(kCreateTable, Deadline::after(limit, "creating _migrations"));
    const auto applied = co_await read_applied(conn, limit);
    check_unchanged(files, applied);
    for (const auto& f : files) {
      if (applied.count(f.version)) continue;
      const auto started = SteadyClock::now();
      const auto statements = split_sql_statements(f.sql);
      co_await conn.execute_text("START TRANSACTION", Deadline::after(limit, "START TRANSACTION"));
      std::size_t index = 0;
      try {
        for (const auto& statement : statements) {
          ++index;
          co_await conn.execute_text(statement, Deadline::after(limit, "migration statement"));
        }
        const auto took = std::chrono::duration_cast<std::chrono::milliseconds>(SteadyClock::now() - started);
        const std::vector<Value> record{f.version, f.name, f.checksum, std::chrono::system_clock::now(),
                                        static_cast<std::uint64_t>(took.count())};
        co_await conn.execute(
            "INSERT INTO `_migrations` (`version`, `name`, `checksum`, `applied_at`, `duration_ms`) VALUES (?, ?, ?, ?, ?)",
            record, Deadline::after(limit, "recording a migration"));
        co_await conn.execute_text("COMMIT", Deadline::after(limit, "COMMIT"));
      } catch (const infra::Error& e) {
        throw infra::QueryError("mysql",
                                fmt::format("migration {} failed at statement {} of {}: {}", f.name, index,
                                            statements.size(), e.message()),
                                "fix the file (it was not recorded; DDL before the failing statement may have been "
                                "committed by MySQL) and run vibework migrate again");
      }
      done.push_back(f.name);
    }
  } catch (...) {
    failure = std::current_exception();
  }
  if (failure) {
    try {
      co_await conn.execute_text("ROLLBACK", Deadline::after(limit, "ROLLBACK"));
    } catch (...) {
      conn.mark_broken();
    }
  }
  co_await release_lock(conn, lock, limit);
  if (failure) std::rethrow_exception(failure);
  co_return done;
}

awaitable<std::vector<MigrationState>> migration_status(Database& db, const std::filesystem::path& dir) {
  const auto files = load_migrations(dir);
  const auto limit = db.config().query_timeout;
  auto lease = co_await db.pool().acquire();
  co_await lease->execute_text(kCreateTable, Deadline::after(limit, "creating _migrations"));
  const auto applied = co_await read_applied(*lease, limit);
  std::vector<MigrationState> out;
  for (const auto& f : files) {
    MigrationState s{f.version, f.name, MigrationState::Status::pending, std::nullopt};
    if (auto a = applied.find(f.version); a != applied.end()) {
      s.status = a->second.checksum == f.checksum ? MigrationState::Status::applied : MigrationState::Status::changed;
      s.applied_at = a->second.applied_at;
    }
    out.push_back(std::move(s));
  }
  for (const auto& [version, a] : applied) {
    const bool on_disk = std::any_of(files.begin(), files.end(), [&](const auto& f) { return f.version == version; });
    if (!on_disk) out.push_back({version, a.name, MigrationState::Status::missing_file, a.applied_at});
  }
  std::sort(out.begin(), out.end(), [](const auto& a, const auto& b) { return a.version < b.version; });
  co_return out;
}

awaitable<void> create_database_if_missing(const Config& config) {
  Config server = config;
  server.database.clear();
  server.connection_limit = 1;
  Database admin(server);
  {
    auto lease = co_await admin.pool().acquire();
    co_await lease->execute_text("CREATE DATABASE IF NOT EXISTS " + quote_identifier(config.database) +
                                     " CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci",
                                 Deadline::after(config.query_timeout, "CREATE DATABASE"));
  }
  co_await admin.stop();
}

}  // namespace vibework::mysql
