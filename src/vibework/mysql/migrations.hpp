#pragma once
// Migrations: numbered .sql files (migrations/0001_auth_schema.sql, ...) applied in order.
//  - Each file runs inside a transaction (MySQL commits DDL implicitly, so keep one DDL change
//    per file, or make its statements idempotent) and is recorded in `_migrations` with its
//    SHA-256; a file changed after it was applied stops the run with an error.
//  - Runs hold GET_LOCK('vibework_migrations.<db>'), so two processes migrating at once apply
//    each file once: the second waits, then finds nothing left to do.
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "vibework/infra/asio.hpp"
#include "vibework/mysql/config.hpp"
#include "vibework/mysql/value.hpp"

namespace vibework::mysql {

class Database;

struct MigrationFile {
  std::uint64_t version = 0;
  std::string name;  // file name, e.g. "0001_auth_schema.sql"
  std::string sql;
  std::string checksum;  // SHA-256, hex
};

struct MigrationState {
  std::uint64_t version = 0;
  std::string name;
  enum class Status { applied, pending, changed, missing_file } status = Status::pending;
  std::optional<TimePoint> applied_at;
};

// Reads and orders the files of `dir`. Throws ConfigError for a missing directory, a file
// without a numeric prefix or two files with the same number.
std::vector<MigrationFile> load_migrations(const std::filesystem::path& dir);

// Splits a file into statements on `;` outside quotes and comments.
std::vector<std::string> split_sql_statements(const std::string& sql);

// Applies pending migrations; returns the names applied by this call.
awaitable<std::vector<std::string>> apply_migrations(Database& db, const std::filesystem::path& dir);
awaitable<std::vector<MigrationState>> migration_status(Database& db, const std::filesystem::path& dir);

// CREATE DATABASE IF NOT EXISTS config.database (utf8mb4), through a connection without a
// default database.
awaitable<void> create_database_if_missing(const Config& config);

}  // namespace vibework::mysql
