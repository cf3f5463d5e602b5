#pragma once
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <string>

#include "vibework/infra/config.hpp"

namespace vibework::mysql {

// The MySQL / MariaDB section of the configuration (MYSQL_*). Names follow mysql2's pool options (connectionLimit, waitForConnections,
// queueLimit) in snake_case.
struct Config {
  std::string host = "localhost";
  std::uint16_t port = 3306;
  std::string user = "root";
  std::string password = "password";  // secret: never logged
  std::string database = "vibework";
  std::size_t connection_limit = 10;   // MYSQL_POOL_SIZE
  bool wait_for_connections = true;    // MYSQL_WAIT_FOR_CONNECTIONS
  std::size_t queue_limit = 0;         // MYSQL_QUEUE_LIMIT, 0 = unbounded
  std::chrono::milliseconds acquire_timeout{10'000};
  std::chrono::milliseconds connect_timeout{5'000};
  std::chrono::milliseconds query_timeout{30'000};
  std::chrono::milliseconds idle_timeout{60'000};
  bool migrate_on_start = false;       // MYSQL_MIGRATE_ON_START
  std::string migrations_dir = "migrations";  // MYSQL_MIGRATIONS_DIR
  // Physical names of the auth tables, for databases made by Better-Auth's generators:
  // MYSQL_COLUMN_NAMING=snake_case (Drizzle, the default) | camel_case (Kysely `auth migrate`, Prisma),
  // MYSQL_TABLE_USER / _SESSION / _ACCOUNT / _VERIFICATION (e.g. "users" with usePlural).
  bool camel_case_columns = false;
  std::string table_user = "user";
  std::string table_session = "session";
  std::string table_account = "account";
  std::string table_verification = "verification";

  std::string address() const { return host + ":" + std::to_string(port) + "/" + database; }

  static Config parse(infra::EnvReader& env, const infra::CoreConfig& core);
  std::string describe() const;  // secrets as ***
};

}  // namespace vibework::mysql
